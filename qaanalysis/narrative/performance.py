"""Readings of the performance results, in plain English.

Written from computed results (the Making Data Count charts of
:mod:`qaanalysis.measures.performance.spc`), never from the evidence: the performance section
(``sections/performance.py``) computes each chart once and hands it here. For the public audience
the Session withholds small shares in the text when it is shown.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..config import Config, Kpi
from ..figures import Figure, format_count, format_percent
from ..measures.performance import ICON_WORDS, SpcResult, target_value

SPC_RULE_COLUMNS = ("rule_outside", "rule_shift", "rule_trend", "rule_two_of_three")


def no_chart_text(kpi: Kpi) -> str:
    """What a KPI without a monthly series shows instead of a chart."""
    return f"{kpi.label}: no monthly data to chart"


def spc_reading(
    result: SpcResult | None, *, kpi: Kpi, config: Config, trend: Figure | None = None
) -> str:
    """A plain-English reading of a KPI's SPC chart: icons, the latest special-cause run, limits.

    Args:
        result: the KPI's chart (:func:`qaanalysis.measures.performance.kpi_spc`), None when it
            has fewer than two monthly points.
        kpi: the KPI's catalogue entry (label, unit, target).
        config: the configuration (``spc.min_points``).
        trend: the KPI's ``kpi_trend.<kpi_id>`` Figure; a significant trend is stated too
            (:func:`trend_sentence`), whichever comparison found it.

    Returns:
        One paragraph: the latest month's value with its count (percent KPIs), the variation icon,
        mean and process limits; since when a special cause has run and which rules it breaks;
        the assurance icon against the target, in Making Data Count's terms (consistently passes,
        consistently fails, or hit and miss when the target lies within the process limits), with
        the months that met it. A run chart says it has too few points for limits.
    """
    trend_text = "" if trend is None else (trend_sentence(trend, kpi=kpi) or "")
    trend_text = f" {trend_text}" if trend_text else ""
    if result is None:
        return no_chart_text(kpi) + "." + trend_text
    present = result.points[result.points["value"].notna()]
    unit_pct = kpi.unit == "percent"

    def show(v: float) -> str:
        return f"{100 * v:.0f}%" if unit_pct else f"{v:,.1f}"

    last = present.iloc[-1]
    counts = ""
    if unit_pct and "denominator" in present and last.notna()["denominator"]:
        counts = f" ({last['numerator']:,.0f} of {last['denominator']:,.0f})"
    if result.is_run_chart:
        return (
            f"{kpi.label}: {len(present)} monthly points, too few for control limits (a run chart "
            f"until there are {config.spc.min_points}); latest {show(last['value'])}{counts}."
        ) + trend_text
    variation = ICON_WORDS.get(result.variation, result.variation)
    text = (
        f"{kpi.label}: {variation} in {present.index[-1].strftime('%B %Y')} "
        f"({show(last['value'])}{counts}; mean {show(last['mean'])}, process limits "
        f"{show(last['lower_limit'])} to {show(last['upper_limit'])})."
    )
    flagged = present["special_cause"].notna()
    if flagged.iloc[-1]:
        in_run = flagged[::-1].cumprod()[::-1].astype(bool)
        since = present.index[in_run][0]
        rules = [
            name.replace("rule_", "").replace("_", " ")
            for name in SPC_RULE_COLUMNS
            if present.loc[in_run, name].any()
        ]
        cause = present.loc[since:, "special_cause"].dropna().iloc[-1]
        text += f" Special cause since {since.strftime('%B %Y')} ({', '.join(rules)}): {cause}."
    if result.assurance:
        target = target_value(kpi)
        met = present["value"] >= target if kpi.polarity == "higher" else present["value"] <= target
        text += (
            f" Against the target of {show(target)}: {ICON_WORDS[result.assurance]} (met in "
            f"{int(met.sum())} of {len(present)} months)."
        )
    return text + trend_text


def _trend_point(point: dict, *, percent: bool, with_counts: bool) -> str:
    if not percent:
        return f"{point['value']:,.1f}"
    text = format_percent(point["value"])
    if with_counts and point.get("denominator") is not None:
        text += f" ({format_count(point['numerator'])} of {format_count(point['denominator'])})"
    return text


def trend_sentence(trend: Figure, *, kpi: Kpi, audience: str = "internal") -> str | None:
    """One sentence for a KPI whose trend over the trend window is significant, else None.

    "Assessments completed within 45 working days rose over October 2024 to September 2026, from
    69% (324 of 470) in October 2024 to 87% (414 of 477) in September 2026: an improvement (a
    significant trend over 5,768 records; ...)." The movement (rose, fell) and its meaning (an
    improvement, a concern) are named separately; the test is named in the methods appendix only. For the public the monthly counts
    are left out (a month's count can be small); the shares then stand as the trend's ends.
    """
    if trend.direction not in ("improving", "declining") or not trend.significant:
        return None
    comp = trend.comparison or {}
    first, last = comp.get("first") or {}, comp.get("last") or {}
    percent = kpi.unit == "percent"
    counts = audience != "public"
    movement = "rose" if (trend.value or 0) > 0 else "fell"
    meaning = "an improvement" if trend.direction == "improving" else "a concern"
    span = ""
    if first and last and (counts or not percent):
        span = (
            f", from {_trend_point(first, percent=percent, with_counts=counts)} in "
            f"{month_words(first['month'])} to {_trend_point(last, percent=percent, with_counts=counts)}"
            f" in {month_words(last['month'])}"
        )
    basis = "records" if trend.source == "Annex A" else "months"
    return (
        f"{kpi.label} {movement} over {comp.get('label', 'the trend window')}{span}: {meaning} "
        f"(a significant trend over {format_count(trend.denominator)} {basis}; the methods "
        "appendix names the test)."
    )


def month_words(code: str) -> str:
    """ "2024-10" as "October 2024"."""
    year, month = code.split("-")[:2]
    names = (
        "January February March April May June July August September October November December"
    ).split()
    return f"{names[int(month) - 1]} {year}"


def trends_reading(
    trends: Sequence[Figure],
    *,
    config: Config,
    audience: str = "internal",
    read_above: Collection[str] = (),
) -> str:
    """Every KPI whose trend over the configured window is significant, in plain English.

    Args:
        trends: the period's ``kpi_trend.<kpi_id>`` Figures
            (:func:`qaanalysis.measures.performance.kpi_trend_figures`), judged with the pack's
            other change and trend tests.
        config: the configuration (the KPI catalogue and ``thresholds.trend_quarters``).
        audience: the pack's audience (the public reading leaves out monthly counts).
        read_above: the KPIs whose trend the chapter has already read (beside their charts): not
            said again.
    """
    quarters = config.thresholds.trend_quarters
    sentences, said_above = [], 0
    for trend in trends:
        kpi_id = trend.id.removeprefix("kpi_trend.")
        kpi = config.kpis.get(kpi_id, Kpi(label=kpi_id))
        sentence = trend_sentence(trend, kpi=kpi, audience=audience)
        if sentence and kpi_id in read_above:
            said_above += 1
        elif sentence:
            sentences.append(sentence)
    if not trends:
        return f"No KPI has a monthly series over the last {quarters} quarters to read a trend."
    if not sentences:
        other = " other" if said_above else ""
        return (
            f"No{other} KPI rose or fell significantly over the last {quarters} quarters "
            f"({len(trends)} read)."
        )
    return " ".join(sentences)
