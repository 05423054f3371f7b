"""Making Data Count: each KPI's monthly series read as an XmR chart (variation and assurance).

Settings from configuration: polarity, target, ``baseline_end`` and ``recalc_dates`` of the KPI,
and ``spc`` (``min_points``, ``shift_length``, ``trend_length``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ... import stats
from ...config import Kpi
from ...periods import Period
from ...sources import Evidence
from .kpis import target_value
from .series import kpi_series


@dataclass(frozen=True)
class SpcResult:
    """A KPI's Making Data Count chart: the points, icons and the settings used."""

    kpi_id: str
    label: str
    # stats.xmr's frame indexed by month (missing months NaN), with numerator and denominator
    points: pd.DataFrame
    variation: str | None
    assurance: str | None
    is_run_chart: bool
    baseline_end: str | None
    recalc_dates: tuple[str, ...]
    notes: tuple[str, ...] = ()


@stats.discovery.reusable
def kpi_spc(evidence: Evidence, kpi_id: str, period: Period) -> SpcResult | None:
    """XmR chart of a KPI's monthly series up to the period end (None with fewer than 2 points).

    Settings from configuration: polarity, target, ``baseline_end`` and ``recalc_dates`` of the
    KPI, and ``spc`` (``min_points``, ``shift_length``, ``trend_length``). A month still in
    progress at the extract date is left off; missing months stay as gaps. A baseline or
    recalculation month outside the data is ignored, with a note.
    """
    return _kpi_spc(evidence, kpi_id, period)


def _kpi_spc(evidence: Evidence, kpi_id: str, period: Period) -> SpcResult | None:
    config = evidence.config
    kpi = config.kpis.get(kpi_id, Kpi(label=kpi_id))
    series = kpi_series(evidence, kpi_id, end=period.end)
    notes: list[str] = []
    if len(series) and series["is_partial"].any():
        notes.append(
            f"{series.loc[series['is_partial'], 'month'].iloc[0]} is incomplete at the extract "
            "date and is left off the chart"
        )
        series = series[~series["is_partial"]]
    series = series[series["value"].notna()]
    if len(series) < 2:  # one point (a stock KPI without scorecard history) is not a chart
        return None
    index = pd.period_range(series["month"].min(), series["month"].max(), freq="M")
    values = series.set_index("month")["value"].astype(float).reindex(index)
    first, last = index[0], index[-1]
    baseline = kpi.baseline_end
    if baseline is not None and not first <= pd.Period(baseline, "M") <= last:
        notes.append(
            f"baseline end {baseline} is outside the data ({first} to {last}); all points used"
        )
        baseline = None
    recalcs = []
    for date in kpi.recalc_dates:
        if first < pd.Period(date, "M") <= last:
            recalcs.append(date)
        else:
            notes.append(
                f"recalculation date {date} is outside the data ({first} to {last}); ignored"
            )
    result = stats.xmr(
        values,
        polarity=kpi.polarity,
        target=target_value(kpi),
        baseline_end=baseline,
        recalc_dates=recalcs,
        shift_length=config.spc.shift_length,
        trend_length=config.spc.trend_length,
        min_points=config.spc.min_points,
    )
    points = result.frame.copy()
    counts = series.set_index("month")[["numerator", "denominator"]].reindex(index)
    points["numerator"] = counts["numerator"].to_numpy()
    points["denominator"] = counts["denominator"].to_numpy()
    if result.is_run_chart:
        notes.append(
            f"{int(values.notna().sum())} monthly points: a run chart, without limits or "
            f"icons, until there are {config.spc.min_points}"
        )
    return SpcResult(
        kpi_id,
        kpi.label,
        points,
        result.variation,
        result.assurance,
        result.is_run_chart,
        baseline,
        tuple(recalcs),
        tuple(notes),
    )


ICON_WORDS = {
    "common_cause": "common cause variation",
    "special_cause_improvement": "special cause improvement",
    "special_cause_concern": "special cause concern",
    "special_cause_neither": "special cause (neither better nor worse)",
    # Making Data Count assurance: where the target lies against the process limits.
    "consistently_passing": "consistently passes the target",
    "consistently_failing": "consistently fails the target",
    "hit_and_miss": "hit and miss: the target lies within the process limits",
}


def spc_results(evidence: Evidence, period: Period) -> dict[str, SpcResult | None]:
    """Every catalogued KPI's chart for ``period`` (None where there are fewer than 2 points)."""
    return {kpi_id: kpi_spc(evidence, kpi_id, period) for kpi_id in evidence.config.kpis}


def spc_summary(
    evidence: Evidence, period: Period, *, results: Mapping[str, SpcResult | None] | None = None
) -> pd.DataFrame:
    """One row per KPI with a monthly series: points, chart type, icons, baseline and recalculations.

    Args:
        results: the charts already computed (:func:`spc_results`); computed here when not given.
    """
    if results is None:
        results = spc_results(evidence, period)
    rows = []
    for kpi_id, kpi in evidence.config.kpis.items():
        result = results.get(kpi_id)
        if result is None:
            continue
        present = result.points[result.points["value"].notna()]
        rows.append(
            {
                "kpi_id": kpi_id,
                "label": kpi.label,
                "points": len(present),
                "first_month": str(present.index[0]),
                "last_month": str(present.index[-1]),
                "chart": "run chart" if result.is_run_chart else "XmR",
                "variation": ICON_WORDS.get(result.variation, ""),
                "assurance": ICON_WORDS.get(result.assurance, ""),
                "baseline_end": result.baseline_end or "all points",
                "recalculated": ", ".join(result.recalc_dates),
                "notes": "; ".join(result.notes),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "kpi_id",
            "label",
            "points",
            "first_month",
            "last_month",
            "chart",
            "variation",
            "assurance",
            "baseline_end",
            "recalculated",
            "notes",
        ],
    )
