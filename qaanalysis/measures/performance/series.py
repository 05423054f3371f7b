"""KPIs by month: Annex A flow KPIs month by month, with the monthly scorecard's months added."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...sources import Evidence
from .definitions import KPI_DEFINITIONS
from .records import _aggregate, _extract, _is_month_end, kpi_records


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
