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
        fig = self.figure(fig)
        if fig.suppressed:
            return (f"{fig.label}: withheld, as it rests on fewer than {self.rule.max_count + 1} "
                    "cases.")  # fmt: skip
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
            was = f" (was {comp['value']:.0%}{counts})"
        change = {
            "improving": f"an improvement on the previous period{was}",
            "declining": f"a decline from the previous period{was}",
            "stable": f"broadly stable on the previous period{was}",
        }.get(fig.direction, "too few in one of the periods to judge a change")
        return (f"{fig.text} {what} (95% interval {fig.ci_low:.0%} to {fig.ci_high:.0%}): "
                f"{change}.")  # fmt: skip

    def count(self, fig: Figure, what: str) -> str:
        comp = fig.comparison
        if not comp:
            return f"{self.n(fig.value).capitalize()} {what}."
        change = {"increase": "significantly more than", "decrease": "significantly fewer than"}
        others = "".join(f"; {self.n(o['value'])} in the {o['label']}"
                         for o in comp.get("others", []))  # fmt: skip
        return (f"{self.n(fig.value).capitalize()} {what}, "
                f"{change.get(comp['change'], 'broadly the same as')} the {self.n(comp['value'])} "
                f"in the {comp['label']}{others}.")  # fmt: skip

    def reason(self, fig: Figure) -> str:
        comp = fig.comparison or {}
        parts = [f"{self.n(c['value'])} in the {c['label']} ({c['period']})"
                 for c in [comp, *comp.get("others", [])] if c]  # fmt: skip
        base = self.n(fig.value)
        return f"{base}, against " + " and ".join(parts) if parts else base


def _rising(figs: dict[str, Figure], prefix: str) -> list[Figure]:
    return [f for i, f in figs.items()
            if i.startswith(prefix) and (f.comparison or {}).get("change") == "increase"]  # fmt: skip


def _by_id(figures: Iterable[Figure]) -> dict[str, Figure]:
    return {f.id: f for f in figures}


def complaints_reading(figures: Iterable[Figure], *, coverage: VoiceCoverage, config: Config,
                       audience: str = "internal") -> str:  # fmt: skip
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
    parts = [w.count(figs["complaints.count"], "complaints were received"),
             w.count(figs["compliments.count"], "compliments were received")]  # fmt: skip
    rate = figs.get("complaints.per_100_open")
    if rate is not None and not w.figure(rate).suppressed and not is_small(rate.numerator, w.rule):
        parts.append(f"That is {rate.value:.1f} complaints per 100 children with an open case.")
    parts.append(w.share(figs["complaints.stage1.within_timescale"],
                         "of stage 1 complaints were answered within timescale"))  # fmt: skip
    parts.append(w.share(figs["complaints.upheld"],
                         "of the complaints concluded were upheld in full or in part"))  # fmt: skip
    rising = _rising(figs, "complaints.category.")
    if rising:
        parts.append("Complaints rose significantly about " + "; ".join(
            f"{f.label.lower().removeprefix('complaints about ')} ({w.reason(f)})" for f in rising
        ) + ".")  # fmt: skip
    else:
        parts.append("No category of complaint rose significantly.")
    return " ".join(parts)


def feedback_reading(figures: Iterable[Figure], *, config: Config,
                     audience: str = "internal") -> str:  # fmt: skip
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
    below = [t for t in config.themes
             if (f := figs.get(f"feedback.theme.{t}.positive")) is not None
             and f.denominator >= std.min_n and f.ci_high < std.feedback_aspiration]  # fmt: skip
    if below:
        parts.append(f"Clearly below the {std.feedback_aspiration:.0%} aspiration: " + ", ".join(
            config.themes[t].label.lower() for t in below) + ".")  # fmt: skip
    return " ".join(parts)


def escalations_reading(figures: Iterable[Figure], *, coverage: VoiceCoverage, config: Config,
                        audience: str = "internal") -> str:  # fmt: skip
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
    parts.append(w.share(figs["escalations.resolved_within_timescale"],
                         f"of those resolved were resolved within {limit} working days"))  # fmt: skip
    past = figs["escalations.open_past_timescale"]
    parts.append(f"At the period end {w.n(past.value)} of {w.n(past.denominator)} open alerts had "
                 f"been open longer than {limit} working days.")  # fmt: skip
    rising = _rising(figs, "escalations.category.")
    if rising:
        parts.append("Alerts rose significantly about " + "; ".join(
            f"{f.label.lower().removeprefix('alerts raised about ')} ({w.reason(f)})"
            for f in rising) + ".")  # fmt: skip
    return " ".join(parts)


def signals_table(signals: Iterable[Signal], *, config: Config,
                  audience: str = "internal") -> pd.DataFrame:  # fmt: skip
    """The voice signals as a table: theme, source, signal, reason.

    The reasons quote counts, so for the public audience they are replaced by the Figure ids the
    signal rests on (shown, suppressed where small, with the Figures).

    Args:
        signals: the voice Signals (``measures.voice.signals``).
        config: the configuration (theme labels).
        audience: ``internal``, ``leadership`` or ``public``.
    """
    public = check_audience(audience) == "public"
    rows = [{"theme": config.themes[sg.theme].label, "source": sg.source, "signal": sg.signal,
             "reason": ("see " + ", ".join(sg.figure_ids)) if public else sg.reason}
            for sg in signals]  # fmt: skip
    return pd.DataFrame(rows, columns=["theme", "source", "signal", "reason"])
