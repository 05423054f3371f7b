"""Readings of the voice results (complaints, feedback, escalations), in plain English.

Written from computed results (the voice Figures and Signals), never from the evidence: the voice
section (``sections/voice.py``) computes each measure once and hands the results here. For the
public audience, counts of 1 to 5 are written "fewer than 6" and shares built on them are withheld,
as in the Figures shown; the signals table names the Figures a reading rests on rather than quoting
counts.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..config import Config
from ..disclosure import check_audience, is_small, suppress_figure
from ..figures import Figure
from ..findings import Signal
from ..measures.voice import GROUP_LABELS, VoiceCoverage, voice_standards

# What a significant movement in a voice count means, named apart from the movement itself. More
# complaints or alerts are a concern; fewer are not read as an improvement, since fewer complaints
# can also mean the procedure is harder to reach; compliments are context.
COUNT_MEANING = {
    ("complaints", "increase"): "a concern",
    ("complaints", "decrease"): "not read as an improvement, as fewer complaints can also mean the "
    "procedure is harder to reach",
    ("escalations", "increase"): "a concern",
    ("escalations", "decrease"): "not read as an improvement on its own",
    ("compliments", "increase"): "context, not evidence of practice",
    ("compliments", "decrease"): "context, not evidence of practice",
}
MOVEMENT_WORDS = {"increase": "rising", "decrease": "falling", "no_change": "broadly stable"}
# What a significant change in a share means (its Figure's direction), named apart from "up"/"down".
SHARE_MEANING = {
    "improving": "an improvement",
    "declining": "a concern",
    "not_judged": "a real change, which this measure does not judge good or bad",
}


def count_movement(fig: Figure) -> str:
    """A voice count's movement on its deciding comparison, then what it means: "rising: a
    concern", "falling: not read as an improvement, ...", or "broadly stable".

    Examples:
        A rise in complaints about worker contact from 22 to 29 that the exact test calls
        significant is "rising: a concern" (its Figure's direction, for a lower-is-better count,
        is "declining": the words here never say so).
    """
    change = (fig.comparison or {}).get("change", "no_change")
    movement = MOVEMENT_WORDS.get(change, "broadly stable")
    kind = fig.id.split(".", 1)[0]
    meaning = COUNT_MEANING.get((kind, change))
    return f"{movement}: {meaning}" if meaning else movement


class _Words:
    """Numbers in a reading, withheld as the audience requires (public: counts of 1 to 5)."""

    def __init__(self, config: Config, audience: str) -> None:
        self.rule = config.suppression
        self.public = check_audience(audience) == "public"

    def n(self, value) -> str:
        if self.public and is_small(value, self.rule):
            return f"fewer than {self.rule.max_count + 1}"
        return f"{value:,.0f}"

    def figure(self, fig: Figure) -> Figure:
        return suppress_figure(fig, self.rule) if self.public else fig

    def share(self, fig: Figure, what: str) -> str:
        """A share with its interval and its change on the previous period, the movement ("up",
        "down") and its meaning ("an improvement", "a concern") named apart."""
        fig = self.figure(fig)
        if fig.suppressed:
            return (
                f"{fig.label}: withheld, as it rests on fewer than {self.rule.max_count + 1} cases."
            )
        if not fig.denominator:
            return f"{fig.label}: no cases in the period."
        comp = fig.comparison or {}
        was = ""
        if comp.get("value") is not None and not (
            self.public
            and any(is_small(comp.get(x), self.rule) for x in ("numerator", "denominator"))
        ):
            counts = ""
            if comp.get("numerator") is not None and comp.get("denominator") is not None:
                counts = f" ({comp['numerator']:,.0f} of {comp['denominator']:,.0f})"
            was = f"{comp['value']:.0%}{counts}"
        meaning = SHARE_MEANING.get(fig.direction if fig.significant else "")
        if meaning is not None and comp.get("value") is not None:
            movement = "up" if fig.value > comp["value"] else "down"
            since = f" from {was} in the previous period" if was else " on the previous period"
            change = f"{movement}{since}: {meaning}"
        elif fig.direction == "stable":
            change = "broadly stable on the previous period" + (f" (was {was})" if was else "")
        else:
            change = "too few in one of the periods to judge a change"
        return f"{fig.text} {what} (95% interval {fig.ci_low:.0%} to {fig.ci_high:.0%}): {change}."

    def count(self, fig: Figure, what: str) -> str:
        """A count against its comparison periods; a significant movement is named with its
        meaning ("rising: a concern"), never by the Figure's direction word alone."""
        comp = fig.comparison
        if not comp:
            return f"{self.n(fig.value).capitalize()} {what}."
        change = {"increase": "significantly more than", "decrease": "significantly fewer than"}
        others = "".join(
            f"; {self.n(o['value'])} in the {o['label']}" for o in comp.get("others", [])
        )
        movement = count_movement(fig)
        said = f" ({movement})" if comp["change"] in change else ""
        return (
            f"{self.n(fig.value).capitalize()} {what}, "
            f"{change.get(comp['change'], 'broadly the same as')} the {self.n(comp['value'])} "
            f"in the {comp['label']}{said}{others}."
        )

    def reason(self, fig: Figure) -> str:
        comp = fig.comparison or {}
        parts = [
            f"{self.n(c['value'])} in the {c['label']} ({c['period']})"
            for c in [comp, *comp.get("others", [])]
            if c
        ]
        base = self.n(fig.value)
        return f"{base}, against " + " and ".join(parts) if parts else base


def _rising(figs: dict[str, Figure], prefix: str) -> list[Figure]:
    return [
        f
        for i, f in figs.items()
        if i.startswith(prefix) and (f.comparison or {}).get("change") == "increase"
    ]


def _by_id(figures: Iterable[Figure]) -> dict[str, Figure]:
    return {f.id: f for f in figures}


def complaints_reading(
    figures: Iterable[Figure],
    *,
    coverage: VoiceCoverage,
    config: Config,
    audience: str = "internal",
) -> str:
    """Plain-English reading of the period's complaints and compliments Figures.

    Args:
        figures: the period's complaint Figures (``complaint_figures``; other voice Figures are
            ignored).
        coverage: which voice logs cover the period (``voice_coverage``).
        config: the configuration (suppression rule).
        audience: ``internal``, ``leadership`` or ``public``.
    """
    if not coverage.complaints:
        return "No complaints log covers this period."
    w = _Words(config, audience)
    figs = _by_id(figures)
    parts = [
        w.count(figs["complaints.count"], "complaints were received"),
        w.count(figs["compliments.count"], "compliments were received"),
    ]
    rate = figs.get("complaints.per_100_open")
    if rate is not None and not w.figure(rate).suppressed and not is_small(rate.numerator, w.rule):
        parts.append(f"That is {rate.value:.1f} complaints per 100 children with an open case.")
    stage1 = figs["complaints.stage1.within_timescale"]
    parts.append(w.share(stage1, "of stage 1 complaints were answered within timescale"))
    if stage1.denominator and not w.figure(stage1).suppressed:
        parts.append(
            "The share counts the stage 1 complaints received in the period that were "
            "answered, or are unanswered and already past their timescale at the extract "
            "date; those still within it are left out."
        )
    parts.append(
        w.share(
            figs["complaints.upheld"], "of the complaints concluded were upheld in full or in part"
        )
    )
    rising = _rising(figs, "complaints.category.")
    if rising:
        parts.append(
            "Complaints rose significantly about "
            + "; ".join(
                f"{f.label.lower().removeprefix('complaints about ')} ({w.reason(f)})"
                for f in rising
            )
            + "."
        )
    else:
        parts.append("No category of complaint rose significantly.")
    return " ".join(parts)


def feedback_reading(
    figures: Iterable[Figure], *, config: Config, audience: str = "internal"
) -> str:
    """Plain-English reading of the period's feedback Figures, children's views first.

    Args:
        figures: the period's feedback Figures (``feedback_figures``; other voice Figures are
            ignored).
        config: the configuration (theme map, aspiration, suppression rule).
        audience: ``internal``, ``leadership`` or ``public``.
    """
    figs = _by_id(figures)
    if "feedback.count" not in figs or not figs["feedback.count"].value:
        return "No feedback was recorded in this period."
    w = _Words(config, audience)
    parts = [f"{w.n(figs['feedback.count'].value).capitalize()} answers were received."]
    for group, label in GROUP_LABELS.items():
        fig = figs.get(f"feedback.group.{group}.positive")
        if fig is not None and fig.denominator:
            parts.append(w.share(fig, f"of answers from {label.lower()} were positive"))
    std = voice_standards(config)
    below = [
        t
        for t in config.themes
        if (f := figs.get(f"feedback.theme.{t}.positive")) is not None
        and f.denominator >= std.min_n
        and f.ci_high < std.feedback_aspiration
    ]
    if below:
        parts.append(
            f"Clearly below the {std.feedback_aspiration:.0%} aspiration: "
            + ", ".join(config.themes[t].label.lower() for t in below)
            + "."
        )
    return " ".join(parts)


def escalations_reading(
    figures: Iterable[Figure],
    *,
    coverage: VoiceCoverage,
    config: Config,
    audience: str = "internal",
) -> str:
    """Plain-English reading of the period's escalation Figures.

    Args:
        figures: the period's escalation Figures (``escalation_figures``; other voice Figures are
            ignored).
        coverage: which voice logs cover the period (``voice_coverage``).
        config: the configuration (resolution timescale, suppression rule).
        audience: ``internal``, ``leadership`` or ``public``.
    """
    if not coverage.escalations:
        return "No practice alerts or disputes log covers this period."
    w = _Words(config, audience)
    figs = _by_id(figures)
    limit = config.timescales.escalation_resolution_working_days
    parts = [w.count(figs["escalations.count"], "practice alerts and disputes were raised")]
    parts.append(
        w.share(
            figs["escalations.resolved_within_timescale"],
            f"of those resolved were resolved within {limit} working days",
        )
    )
    past = figs["escalations.open_past_timescale"]
    parts.append(
        f"At the period end {w.n(past.value)} of {w.n(past.denominator)} open alerts had "
        f"been open longer than {limit} working days."
    )
    rising = _rising(figs, "escalations.category.")
    if rising:
        parts.append(
            "Alerts rose significantly about "
            + "; ".join(
                f"{f.label.lower().removeprefix('alerts raised about ')} ({w.reason(f)})"
                for f in rising
            )
            + "."
        )
    return " ".join(parts)


def signals_table(
    signals: Iterable[Signal], *, config: Config, audience: str = "internal"
) -> pd.DataFrame:
    """The voice signals as a table: theme, source, signal, reason.

    The reasons quote counts, so for the public audience they are replaced by the Figure ids the
    signal rests on (shown, suppressed where small, with the Figures).

    Args:
        signals: the voice Signals (``measures.voice.signals``).
        config: the configuration (theme labels).
        audience: ``internal``, ``leadership`` or ``public``.
    """
    public = check_audience(audience) == "public"
    rows = [
        {
            "theme": config.themes[sg.theme].label,
            "source": sg.source,
            "signal": sg.signal,
            "reason": ("see " + ", ".join(sg.figure_ids)) if public else sg.reason,
        }
        for sg in signals
    ]
    return pd.DataFrame(rows, columns=["theme", "source", "signal", "reason"])
