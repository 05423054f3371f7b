"""KPIs by month: Annex A flow KPIs month by month, with the monthly scorecard's months added, and
each KPI's trend over the trend window (``kpi_trend.<kpi_id>``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ... import stats
from ...config import Kpi
from ...figures import Figure
from ...periods import Period, period_of
from ...sources import Evidence
from .definitions import KPI_DEFINITIONS
from .records import _aggregate, _extract, _is_month_end, kpi_records


@stats.discovery.reusable
def _scorecard_series(evidence: Evidence, kpi_id: str) -> tuple[pd.DataFrame, list[str]]:
    """The ``kpis`` source's rows for one KPI, as a monthly series (percent values as fractions)."""
    notes: list[str] = []
    frame = evidence.frames.get("kpis")
    empty = pd.DataFrame(columns=["month", "numerator", "denominator", "value"])
    if frame is None or not len(frame):
        return empty, notes
    rows = frame[frame["kpi_id"] == kpi_id]
    if not len(rows):
        return empty, notes
    rows = rows.groupby("month", as_index=False).agg(
        numerator=("numerator", "sum"),
        denominator=("denominator", "sum"),
        value=("value", "last"),
        n_num=("numerator", "count"),
        n_den=("denominator", "count"),
        rows=("value", "size"),
    )
    if (rows["rows"] > 1).any():
        notes.append(
            f"{kpi_id}: more than one scorecard row for a month; numerators and denominators summed"
        )
    kpi = evidence.config.kpis.get(kpi_id)
    counts = (
        (rows["n_num"] == rows["rows"])
        & (rows["n_den"] == rows["rows"])
        & (rows["denominator"] > 0)
    )
    value = rows["value"].astype(float)
    if kpi is not None and kpi.unit == "percent":
        if (value[~counts] > 1).any():
            notes.append(
                f"{kpi_id}: scorecard values above 1 read as percentages and divided by 100"
            )
            value = value.where(counts | (value <= 1), value / 100)
        value = value.where(~counts, rows["numerator"] / rows["denominator"])
    rows["numerator"] = rows["numerator"].where(counts)
    rows["denominator"] = rows["denominator"].where(counts)
    rows["value"] = value
    rows["month"] = pd.to_datetime(rows["month"]).dt.to_period("M")
    return rows[["month", "numerator", "denominator", "value"]], notes


@stats.discovery.reusable
def kpi_series(evidence: Evidence, kpi_id: str, *, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """A KPI by month, up to ``end`` (default the extract date).

    Flow KPIs: one row per month from the first month with an event to the last, each month's
    numerator, denominator and value (a month without events has no value). Stock KPIs: one row, the
    position as at the extract date. Months the monthly scorecard (``kpis`` source) holds and Annex A
    does not are added from the scorecard; ``origin`` says which.

    Returns:
        Columns ``month`` (monthly Period), ``numerator``, ``denominator``, ``value`` (a fraction for
        percent KPIs), ``origin`` (``annex_a`` or ``scorecard``) and ``is_partial`` (the extract
        date falls inside the month, so the month is incomplete).
    """
    extract = _extract(evidence)
    end = pd.Timestamp(end if end is not None else extract).normalize()
    columns = ["month", "numerator", "denominator", "value", "origin", "is_partial"]
    parts = []
    d = KPI_DEFINITIONS.get(kpi_id)
    kpi = evidence.config.kpis.get(kpi_id)
    if d is not None and (kpi is None or kpi.source == "annex_a"):
        records = kpi_records(evidence, kpi_id)
        if len(records) and d.period_rule == "flow":
            records = records[(records["event_date"] <= min(end, extract))]
            counted = records[records["excluded"] == ""]
            month = counted["event_date"].dt.to_period("M")
            grouped = counted.groupby(month)["met"].agg(["sum", "size"])
            if len(grouped):
                index = pd.period_range(grouped.index.min(), grouped.index.max(), freq="M")
                grouped = grouped.reindex(index)
                frame = pd.DataFrame(
                    {
                        "month": index,
                        "numerator": grouped["sum"].fillna(0).to_numpy(),
                        "denominator": grouped["size"].fillna(0).to_numpy(),
                    }
                )
                frame["value"] = frame["numerator"] / frame["denominator"].where(
                    frame["denominator"] > 0
                )
                frame["origin"] = "annex_a"
                parts.append(frame)
        elif len(records) and extract <= end:
            k, n = _aggregate(records)
            parts.append(
                pd.DataFrame(
                    {
                        "month": [extract.to_period("M")],
                        "numerator": [k],
                        "denominator": [n],
                        "value": [k / n if n else np.nan],
                        "origin": ["annex_a"],
                    }
                )
            )
    scorecard, _ = _scorecard_series(evidence, kpi_id)
    if len(scorecard):
        scorecard = scorecard[scorecard["month"] <= end.to_period("M")].assign(origin="scorecard")
        have = set(parts[0]["month"]) if parts else set()
        parts.append(scorecard[~scorecard["month"].isin(have)])
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=columns)
    series = pd.concat(parts, ignore_index=True).sort_values("month").reset_index(drop=True)
    series["is_partial"] = (
        (series["origin"] == "annex_a")
        & (series["month"] == extract.to_period("M"))
        & (not _is_month_end(extract))
    )
    return series[columns]


TREND_DIRECTION_WORDS = {
    "improving": "improving",
    "declining": "declining",
    "stable": "broadly stable",
    "not_judged": "not judged",
}


def trend_months(period: Period, quarters: int) -> pd.PeriodIndex:
    """The months of the ``quarters`` financial quarters ending with the one holding the period's
    last day (the trend window, ``thresholds.trend_quarters``)."""
    last = period_of(period.end, "quarter")
    first = last
    for _ in range(quarters - 1):
        first = first.previous()
    return pd.period_range(first.start, last.end, freq="M")


@stats.discovery.reusable
def kpi_trend_figure(evidence: Evidence, kpi_id: str, period: Period) -> Figure | None:
    """``kpi_trend.<kpi_id>``: is the KPI rising or falling over the whole trend window, not only
    against the previous period?

    The window is the ``thresholds.trend_quarters`` financial quarters ending with the one that
    holds the period's last day; its complete months of :func:`kpi_series` are read.

    - A share counted from Annex A events (a flow KPI, months with counts): Kendall's tau-b
      between each event's month (its number in the window) and whether it met the standard (1 or
      0), as for audit domains (``audits.domain.<domain>.trend``): a rank test of trend in a
      proportion, ties handled; ``denominator`` is the number of events.
    - Otherwise (scorecard snapshots or stock positions with a history, each month with its
      counts): Kendall's tau-b between month and the monthly share; ``denominator`` is the number
      of months. Snapshot months share most of their people, so they are not read as independent
      records. A series without counts (an average caseload, a share supplied bare) has no trend
      Figure: its first and last months could not be stated with their counts.

    Improving or declining only when significant (judged with the pack's other change and trend
    tests, :mod:`qaanalysis.stats.discovery`), given the KPI's polarity; the value is tau
    (positive: the KPI rises). None for a context measure, a series without counts, or with fewer
    than 3 months or fewer than ``thresholds.min_n_compare`` observations in the window.
    """
    config = evidence.config
    kpi = config.kpis.get(kpi_id, Kpi(label=kpi_id))
    if kpi.polarity == "context":
        return None
    months = trend_months(period, config.thresholds.trend_quarters)
    series = kpi_series(evidence, kpi_id, end=period.end)
    if not len(series):
        return None
    series = series[
        ~series["is_partial"].astype(bool) & series["month"].isin(months) & series["value"].notna()
    ]
    if len(series) < 3:
        return None
    d = KPI_DEFINITIONS.get(kpi_id)
    position = series["month"].map(lambda m: (m - months[0]).n).astype(float)
    events = (
        d is not None
        and d.period_rule == "flow"
        and (series["origin"] == "annex_a").all()
        and series["denominator"].notna().all()
    )
    min_n = config.thresholds.min_n_compare
    if events:
        n = series["denominator"].astype(int).to_numpy()
        k = series["numerator"].astype(int).to_numpy()
        times = np.repeat(position.to_numpy(), n)
        met = np.concatenate(
            [np.r_[np.ones(a), np.zeros(b - a)] for a, b in zip(k, n, strict=True)]
        )
        unit_words = "events"
    elif series["denominator"].notna().all() and series["numerator"].notna().all():
        times, met = position.to_numpy(), series["value"].astype(float).to_numpy()
        unit_words = "months"
    else:  # a trend is stated with its first and last months' counts: none without them
        return None
    if len(met) < min_n:
        return None
    trend = stats.ordinal_trend(
        met,
        times,
        polarity=kpi.polarity,
        alpha=config.thresholds.significance_alpha,
        min_n=min_n,
    )
    first, last = series.iloc[0], series.iloc[-1]

    def point(row: pd.Series) -> dict:
        counted = pd.notna(row["denominator"]) and pd.notna(row["numerator"])
        return {
            "month": str(row["month"]),
            "value": float(row["value"]),
            "numerator": int(row["numerator"]) if counted else None,
            "denominator": int(row["denominator"]) if counted else None,
        }

    start, end = months[0].start_time, months[-1].end_time
    quarters = config.thresholds.trend_quarters
    return Figure(
        id=f"kpi_trend.{kpi_id}",
        label=f"{kpi.label}: trend over {quarters} quarters",
        value=None if math.isnan(trend.tau) else round(trend.tau, 3),
        unit="number",
        denominator=trend.n,
        period=period.code,
        direction=trend.direction,
        significant=trend.significant,
        source="Annex A" if events else "monthly series",
        theme=config.theme_of_kpi(kpi_id),
        comparison={
            "kind": "trend",
            "label": f"{start:%B %Y} to {end:%B %Y}",
            "value": None,
            "p_value": trend.p_value,
            "first": point(first),
            "last": point(last),
            "months": len(series),
        },
        note=(
            f"{TREND_DIRECTION_WORDS[trend.direction]}; Kendall's tau-b between month and "
            + ("whether each event met the standard" if events else "the monthly value")
            + f" over {len(series)} months ({trend.n} {unit_words}); positive tau means rising"
        ),
    )


def kpi_trend_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """``kpi_trend.<kpi_id>`` for every catalogued KPI with a series over the trend window."""
    out = []
    for kpi_id in evidence.config.kpis:
        figure = kpi_trend_figure(evidence, kpi_id, period)
        if figure is not None:
            out.append(figure)
    return out
