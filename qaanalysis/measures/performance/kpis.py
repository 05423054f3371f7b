"""A KPI's value for a reporting period, its target status and its ``kpi.<id>`` Figure."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ... import figures as fig
from ... import stats
from ...config import Kpi
from ...figures import Figure
from ...periods import Period
from ...sources import Evidence
from .definitions import KPI_DEFINITIONS
from .records import _aggregate, _extract, kpi_records, missing_inputs, stock_as_at, window_start
from .series import _scorecard_series


@dataclass(frozen=True)
class PeriodValue:
    """A KPI's value for a reporting period, with how it was reached."""

    kpi_id: str
    numerator: float | None
    denominator: float | None
    value: float | None
    basis: str  # "events in the period", "as at <date>", "latest month (<month>)"
    origin: str  # annex_a or scorecard
    note: str = ""


def _flow_basis(evidence: Evidence, period: Period) -> str:
    """'events in the period', saying when the Annex A window or the extract cut it short."""
    start, extract = window_start(evidence), _extract(evidence)
    parts = []
    if start is not None and start > period.start:
        parts.append(f"from {start:%d/%m/%Y} (start of the Annex A window)")
    if extract < period.end:
        parts.append(f"to {extract:%d/%m/%Y} (the extract date)")
    return "events in the period" + (", " + " ".join(parts) if parts else "")


@stats.discovery.reusable
def period_value(evidence: Evidence, kpi_id: str, period: Period) -> PeriodValue | None:
    """A KPI's value for ``period``, or None when there is none.

    Flow KPIs: numerators and denominators summed over the period's months. Stock KPIs: as at the
    date :func:`stock_as_at` gives (the extract date in the period, or the period end, or a later
    extract date, labelled, in ``basis``). Otherwise, and for scorecard KPIs, the monthly
    scorecard's latest month in the period (a scorecard month is usually a snapshot, so months are
    not added together).
    """
    d = KPI_DEFINITIONS.get(kpi_id)
    kpi = evidence.config.kpis.get(kpi_id)
    annex = d is not None and (kpi is None or kpi.source == "annex_a")
    if annex and not missing_inputs(evidence, kpi_id):
        if d.period_rule == "flow":
            records = kpi_records(evidence, kpi_id)
            in_period = records[period.contains(records["event_date"])]
            k, n = _aggregate(in_period)
            if n:
                return PeriodValue(kpi_id, k, n, k / n, _flow_basis(evidence, period), "annex_a")
        else:
            as_at = stock_as_at(evidence, kpi_id, period)
            if as_at.date is not None:
                k, n = _aggregate(kpi_records(evidence, kpi_id, as_at=as_at.date))
                if n:
                    return PeriodValue(kpi_id, k, n, k / n, as_at.label, "annex_a")
    scorecard, notes = _scorecard_series(evidence, kpi_id)
    months = [m.start.to_period("M") for m in period.months()]
    rows = scorecard[scorecard["month"].isin(months)] if len(scorecard) else scorecard
    if not len(rows):
        return None
    # A scorecard row is a month's reading; most are snapshots (caseloads, supervision in date,
    # rolling turnover), so the period's value is its latest month, never a sum of snapshots.
    last = rows.sort_values("month").iloc[-1]
    k = None if pd.isna(last["numerator"]) else float(last["numerator"])
    n = None if pd.isna(last["denominator"]) else float(last["denominator"])
    return PeriodValue(
        kpi_id,
        k,
        n,
        float(last["value"]),
        f"latest month ({last['month']})",
        "scorecard",
        "; ".join(notes),
    )


def target_value(kpi: Kpi) -> float | None:
    """The KPI's target as a number (a percent target written as 85 read as 0.85), or None."""
    if kpi.target is None:
        return None
    # A percent target written as 85 rather than 0.85.
    return kpi.target / 100 if kpi.unit == "percent" and kpi.target > 1 else kpi.target


MEETING_TARGET, MISSING_TARGET = "meeting target", "missing target"


def target_status(value: float | None, kpi: Kpi) -> str | None:
    """``meeting target`` / ``missing target`` given polarity; None without target or value."""
    target = target_value(kpi)
    if target is None or value is None or kpi.polarity == "context" or pd.isna(value):
        return None
    met = value >= target if kpi.polarity == "higher" else value <= target
    return MEETING_TARGET if met else MISSING_TARGET


def _has_data(evidence: Evidence, kpi_id: str, period: Period) -> PeriodValue | None:
    value = period_value(evidence, kpi_id, period)
    return value if value is not None and value.value is not None else None


@stats.discovery.reusable
def kpi_figure(evidence: Evidence, kpi_id: str, period: Period) -> Figure | None:
    """``kpi.<id>`` for the period: value with count, the previous period (judged for percent flow
    KPIs by Fisher's exact test), and the target in the comparison and note. None without data."""
    config = evidence.config
    kpi = config.kpis.get(kpi_id, Kpi(label=kpi_id))
    current = _has_data(evidence, kpi_id, period)
    if current is None:
        return None
    theme = config.theme_of_kpi(kpi_id)
    source = (
        f"Annex A {KPI_DEFINITIONS[kpi_id].list_id.replace('_', ' ').title()}"
        if current.origin == "annex_a"
        else "monthly scorecard"
    )
    status = target_status(current.value, kpi)
    target = target_value(kpi)
    note_parts = [current.basis]
    if target is not None:
        shown = f"{100 * target:.0f}%" if kpi.unit == "percent" else f"{target:,.1f}"
        met = {MEETING_TARGET: "met", MISSING_TARGET: "missed"}.get(status or "")
        note_parts.append(f"target {shown}" + (f", {met}" if met else ""))
    if current.note:
        note_parts.append(current.note)
    previous_period = period.previous()
    previous = _has_data(evidence, kpi_id, previous_period)
    d = KPI_DEFINITIONS.get(kpi_id)
    # Stock positions come from one extract (each child's latest record), so a previous period's
    # stock value is never an independent reading: values are compared only for flow KPIs, or for
    # scorecard readings with scorecard readings.
    comparable = (
        previous is not None
        and previous.origin == current.origin
        and (current.origin == "scorecard" or d.period_rule == "flow")
    )
    if kpi.unit == "percent" and not current.denominator:
        # A scorecard percentage supplied without its counts: shown, never tested.
        figure = Figure(
            id=f"kpi.{kpi_id}",
            label=kpi.label,
            value=current.value,
            unit="percent",
            period=period.code,
            source=source,
            theme=theme,
            note="; ".join(note_parts),
            comparison=None
            if not comparable
            else {
                "kind": "previous_period",
                "label": "previous period",
                "period": previous_period.code,
                "value": previous.value,
            },
        )
    elif kpi.unit == "percent":
        prev_counts = None
        if comparable and previous.denominator and previous.numerator is not None:
            prev_counts = (round(previous.numerator), round(previous.denominator))
        figure = fig.proportion(
            f"kpi.{kpi_id}",
            kpi.label,
            k=round(current.numerator),
            n=round(current.denominator),
            period=period.code,
            source=source,
            theme=theme,
            previous=prev_counts,
            previous_period=previous_period.code,
            polarity=kpi.polarity,
            alpha=config.thresholds.significance_alpha,
            min_n=config.thresholds.min_n_compare,
            note="; ".join(note_parts),
        )
    else:
        figure = fig.count(
            f"kpi.{kpi_id}",
            kpi.label,
            current.value,
            period=period.code,
            source=source,
            theme=theme,
            previous=previous.value if comparable else None,
            previous_period=previous_period.code,
            unit=kpi.unit if kpi.unit in ("count", "days", "rate") else "number",
            note="; ".join(note_parts),
        )
    if target is not None:
        comparison = dict(
            figure.comparison or {"kind": "target", "label": "target", "value": target}
        )
        comparison.update({"target": target, "target_status": status})
        figure = replace(figure, comparison=comparison)
    return figure


def kpi_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """``kpi.<kpi_id>`` for every catalogued KPI with data in the period (Annex A and scorecard)."""
    out = []
    for kpi_id in evidence.config.kpis:
        figure = kpi_figure(evidence, kpi_id, period)
        if figure is not None:
            out.append(figure)
    return out
