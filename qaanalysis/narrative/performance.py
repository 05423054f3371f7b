"""Readings of the performance results, in plain English.

Written from computed results (the Making Data Count charts of
:mod:`qaanalysis.measures.performance.spc`), never from the evidence: the performance section
(``sections/performance.py``) computes each chart once and hands it here. For the public audience
the Session withholds small shares in the text when it is shown.
"""

from __future__ import annotations

from ..config import Config, Kpi
from ..measures.performance import ICON_WORDS, SpcResult, target_value

SPC_RULE_COLUMNS = ("rule_outside", "rule_shift", "rule_trend", "rule_two_of_three")


def no_chart_text(kpi: Kpi) -> str:
    """What a KPI without a monthly series shows instead of a chart."""
    return f"{kpi.label}: no monthly data to chart"


def spc_reading(result: SpcResult | None, *, kpi: Kpi, config: Config) -> str:
    """A plain-English reading of a KPI's SPC chart: icons, the latest special-cause run, limits.

    Args:
        result: the KPI's chart (:func:`qaanalysis.measures.performance.kpi_spc`), None when it
            has fewer than two monthly points.
        kpi: the KPI's catalogue entry (label, unit, target).
        config: the configuration (``spc.min_points``).

    Returns:
        One paragraph: the latest month's value with its count (percent KPIs), the variation icon,
        mean and process limits; since when a special cause has run and which rules it breaks;
        the assurance icon against the target. A run chart says it has too few points for limits.
    """
    if result is None:
        return no_chart_text(kpi) + "."
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
        )
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
        text += f" Against the target of {show(target_value(kpi))}: {ICON_WORDS[result.assurance]}."
    return text
