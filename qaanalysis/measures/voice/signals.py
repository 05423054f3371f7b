"""What the voice evidence says about each practice theme (Signals for triangulation)."""

from __future__ import annotations

from ...config import Config
from ...figures import Figure
from ...findings import Signal
from ...periods import Period
from ...sources import Evidence
from ..levels import level_reading
from .complaints import complaint_figures
from .counting import VoiceCoverage
from .definitions import VoiceStandards, voice_standards
from .escalations import escalation_figures
from .feedback import feedback_figures


def voice_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """Every Figure of this module: complaints, feedback and escalations."""
    return (
        complaint_figures(evidence, period)
        + feedback_figures(evidence, period)
        + escalation_figures(evidence, period)
    )


def _by_id(figures: list[Figure]) -> dict[str, Figure]:
    return {f.id: f for f in figures}


def _count_reason(fig: Figure) -> str:
    comp = fig.comparison or {}
    parts = [
        f"{c['value']} in the {c['label']} ({c['period']})"
        for c in [comp, *comp.get("others", [])]
        if c
    ]
    return f"{fig.value}, against " + " and ".join(parts) if parts else f"{fig.value}"


def signals(figures: list[Figure], *, config: Config, coverage: VoiceCoverage) -> list[Signal]:
    """What complaints, feedback and escalations say about each practice theme, read from the
    computed voice Figures (:func:`voice_figures`), never recomputing them.

    Complaints (themes with ``complaint_categories``): **negative** when any of the theme's
    categories has significantly more complaints than in the previous period or the same period
    last year (:func:`compare_counts`, at ``thresholds.significance_alpha``); otherwise
    **neutral**. A significant fall is noted but stays neutral: fewer complaints can mean less
    access to the procedure as well as better practice, and compliments are context, not evidence
    of practice.

    Feedback (themes with ``feedback_questions``): the positive share of the theme's scored
    answers against the aspiration of :func:`voice_standards`, by the rule audits and KPIs follow
    (:func:`qaanalysis.measures.levels.level_reading`): **positive** when the whole 95% Wilson
    interval is above it, **negative** when the whole interval is below it,
    **neutral** otherwise, and neutral ("too few to judge") under ``thresholds.min_n_compare``
    answers.

    Escalations (themes with ``escalation_categories``): **negative** when any category's alerts
    rose significantly (as for complaints), or when at least ``escalation_open_past_min`` of the
    theme's alerts open at the period end are past the resolution timescale and they are more
    than ``escalation_open_past_share`` of those open; otherwise **neutral**.

    **Absent**: complaints and escalations when the log has no records up to the period's end (a
    log that does cover the period makes a zero a count); feedback when none of the theme's
    questions got a scored answer in the period.

    Args:
        figures: the period's voice Figures (:func:`voice_figures`).
        config: the configuration (theme map and standards).
        coverage: which logs cover the period (:func:`voice_coverage`).
    """
    std = voice_standards(config)
    out: list[Signal] = []
    figs = _by_id(figures)
    for theme_id, theme in config.themes.items():
        if theme.complaint_categories:
            out.append(_complaint_signal(theme_id, theme, figs, coverage.complaints))
        if theme.feedback_questions:
            out.append(_feedback_signal(theme_id, theme, figs, coverage.feedback, std))
        if theme.escalation_categories:
            out.append(_escalation_signal(theme_id, theme, figs, coverage.escalations, std))
    return out


def _test_words(fig: Figure) -> str:
    comp = fig.comparison
    return f"exact test against the {comp['label']}, {p_text(comp['p_value'])}"


def p_text(p_value: float) -> str:
    """A p-value as a reader sees it: "p = 0.035", or "p < 0.001" below 0.001 (never "p = 0.000")."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _complaint_signal(theme_id, theme, figs: dict[str, Figure], has_data: bool) -> Signal:
    if not has_data:
        return Signal(theme_id, "complaints", "absent", "no complaints log covering the period")
    ids = tuple(
        f"complaints.category.{c}.count"
        for c in theme.complaint_categories
        if f"complaints.category.{c}.count" in figs
    )
    rising = [figs[i] for i in ids if (figs[i].comparison or {}).get("change") == "increase"]
    if rising:
        reason = "; ".join(
            f"{f.label.lower()} rose significantly to {_count_reason(f)} ({_test_words(f)})"
            for f in rising
        )
        return Signal(theme_id, "complaints", "negative", reason, ids)
    falling = [figs[i] for i in ids if (figs[i].comparison or {}).get("change") == "decrease"]
    reason = "; ".join(f"{figs[i].label.lower()}: {_count_reason(figs[i])}" for i in ids)
    reason = (reason or "no complaints in the theme's categories") + (
        ", broadly stable" if not falling else ", a significant fall (not read as a strength)"
    )
    return Signal(theme_id, "complaints", "neutral", reason, ids)


def _feedback_signal(
    theme_id, theme, figs: dict[str, Figure], has_data: bool, std: VoiceStandards
) -> Signal:
    fid = f"feedback.theme.{theme_id}.positive"
    if not has_data or fid not in figs:
        return Signal(
            theme_id,
            "feedback",
            "absent",
            f"no scored feedback on {theme.label.lower()} in the period",
        )
    f = figs[fid]
    share = (
        f"{100 * f.value:.0f}% ({f.numerator:.0f} of {f.denominator:.0f}) of answers on "
        f"{theme.label.lower()} were positive"
    )
    aim = f"{100 * std.feedback_aspiration:.0f}%"
    level = level_reading(
        f.numerator,
        f.denominator,
        std.feedback_aspiration,
        polarity="higher",
        alpha=std.alpha,
        min_n=std.min_n,
    )
    interval = level.interval_text
    if level.position == "too_few":
        return Signal(theme_id, "feedback", "neutral", f"{share}: too few answers to judge", (fid,))
    if level.position == "above":
        return Signal(
            theme_id,
            "feedback",
            "positive",
            f"{share}, above the {aim} aspiration ({interval})",
            (fid,),
        )
    if level.position == "below":
        return Signal(
            theme_id,
            "feedback",
            "negative",
            f"{share}, below the {aim} aspiration ({interval})",
            (fid,),
        )
    return Signal(
        theme_id,
        "feedback",
        "neutral",
        f"{share}, not clearly different from the {aim} aspiration ({interval})",
        (fid,),
    )


def _escalation_signal(
    theme_id, theme, figs: dict[str, Figure], has_data: bool, std: VoiceStandards
) -> Signal:
    if not has_data:
        return Signal(
            theme_id, "escalations", "absent", "no practice alerts log covering the period"
        )
    ids = tuple(
        f"escalations.category.{c}.count"
        for c in theme.escalation_categories
        if f"escalations.category.{c}.count" in figs
    )
    open_id = f"escalations.theme.{theme_id}.open_past_timescale"
    open_fig = figs.get(open_id)
    cited = ids + ((open_id,) if open_fig else ())
    reasons = []
    rising = [figs[i] for i in ids if (figs[i].comparison or {}).get("change") == "increase"]
    for f in rising:
        reasons.append(
            f"{f.label.lower()} rose significantly to {_count_reason(f)} ({_test_words(f)})"
        )
    late = False
    if open_fig is not None and open_fig.denominator:
        k, n = open_fig.numerator, open_fig.denominator
        late = k >= std.escalation_open_past_min and k / n > std.escalation_open_past_share
        if late:
            reasons.append(
                f"{k:.0f} of {n:.0f} alerts open at the period end were past the "
                f"resolution timescale"
            )
    if rising or late:
        return Signal(theme_id, "escalations", "negative", "; ".join(reasons), cited)
    counts = "; ".join(f"{figs[i].label.lower()}: {_count_reason(figs[i])}" for i in ids)
    open_text = ""
    if open_fig is not None:
        open_text = (
            f"{open_fig.numerator:.0f} of {open_fig.denominator:.0f} alerts open at the "
            "period end past timescale"
            if open_fig.denominator
            else "no alerts open at the period end"
        )
    reason = ", ".join(x for x in (counts, open_text) if x) or "no alerts in the theme's categories"
    return Signal(theme_id, "escalations", "neutral", reason + ", broadly stable", cited)
