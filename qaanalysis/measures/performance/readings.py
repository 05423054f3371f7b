"""Readings of the SPC charts (prose and charts, to move to the narrative and charts layers)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ... import charts
from ...config import Kpi
from ...periods import Period
from ...sources import Evidence
from .kpis import _target
from .series import kpi_series
from .spc import _ICON_WORDS, kpi_spc


def spc_reading(evidence: Evidence, period: Period, kpi_id: str) -> str:
    """A plain-English reading of a KPI's SPC chart: icons, the latest special-cause run, limits."""
    result = kpi_spc(evidence, kpi_id, period)
    kpi = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id))
    if result is None:
        return f"{kpi.label}: no monthly data to chart."
    p = result.points
    present = p[p["value"].notna()]
    unit_pct = kpi.unit == "percent"

    def show(v: float) -> str:
        return f"{100 * v:.0f}%" if unit_pct else f"{v:,.1f}"

    counts = ""
    series = kpi_series(evidence, kpi_id)
    months = series["month"]
    if not isinstance(months.dtype, pd.PeriodDtype):
        months = pd.to_datetime(months).dt.to_period("M")
    month = series[months == pd.Period(present.index[-1], "M")]
    if unit_pct and len(month) and pd.notna(month["denominator"].iloc[0]):
        counts = f" ({month['numerator'].iloc[0]:,.0f} of {month['denominator'].iloc[0]:,.0f})"
    if result.is_run_chart:
        return (f"{kpi.label}: {len(present)} monthly points, too few for control limits (a run chart "
                f"until there are {evidence.config.spc.min_points}); latest {show(present['value'].iloc[-1])}{counts}.")  # fmt: skip
    last = present.iloc[-1]
    text = (f"{kpi.label}: {_ICON_WORDS.get(result.variation, result.variation)} in "
            f"{present.index[-1].strftime('%B %Y')} ({show(last['value'])}{counts}; mean {show(last['mean'])}, "
            f"process limits {show(last['lower_limit'])} to {show(last['upper_limit'])}).")  # fmt: skip
    flagged = present["special_cause"].notna()
    if flagged.iloc[-1]:
        run_start = flagged[::-1].cumprod()[::-1]
        since = present.index[run_start.astype(bool)][0]
        rules = [name.replace("rule_", "").replace("_", " ") for name in
                 ("rule_outside", "rule_shift", "rule_trend", "rule_two_of_three") if present.loc[
                     run_start.astype(bool), name].any()]  # fmt: skip
        text += (f" Special cause since {since.strftime('%B %Y')} ({', '.join(rules)}): "
                 f"{present.loc[since:, 'special_cause'].dropna().iloc[-1]}.")  # fmt: skip
    if result.assurance:
        text += f" Against the target of {show(_target(kpi))}: {_ICON_WORDS[result.assurance]}."
    return text


@dataclass(frozen=True)
class Chart:
    """A chart ready for ``Session.chart``: the figure, a sheet-safe name and alternative text."""

    figure: object
    name: str
    alt: str


def spc_chart(evidence: Evidence, period: Period, kpi_id: str) -> Chart:
    """The Making Data Count chart of a KPI with its variation and assurance icons beside it.

    The alternative text is :func:`spc_reading`. Without monthly data the chart says so.
    """
    result = kpi_spc(evidence, kpi_id, period)
    kpi = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id))
    if result is None:
        figure = charts.message(f"{kpi.label}: no monthly data to chart")
        return Chart(figure, f"spc_{kpi_id}"[:31], f"{kpi.label}: no monthly data to chart.")
    title = f"{kpi.label}" + (" (run chart)" if result.is_run_chart else "")
    figure = charts.spc(result.points, title=title, percent=kpi.unit == "percent", target=_target(kpi),
                        variation=result.variation, assurance=result.assurance)  # fmt: skip
    return Chart(figure, f"spc_{kpi_id}"[:31], spc_reading(evidence, period, kpi_id))
