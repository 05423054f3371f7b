"""The performance scorecard: one row per KPI with data in the period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ...figures import Figure
from ...periods import Period
from ...sources import Evidence
from .benchmarks import _benchmark_position, benchmarks
from .kpis import kpi_figures, target_value
from .spc import ICON_WORDS, SpcResult, kpi_spc

SCORECARD_COLUMNS = [
    "kpi_id",
    "label",
    "theme",
    "basis",
    "value",
    "numerator",
    "denominator",
    "target",
    "target_status",
    "previous_value",
    "change",
    "chart",
    "variation",
    "assurance",
    "benchmark_year",
    "england",
    "region",
    "statistical_neighbours",
    "benchmark_position",
    "source",
]


def scorecard(
    evidence: Evidence,
    period: Period,
    *,
    units: tuple[str, ...] | None = None,
    figures: Sequence[Figure] | None = None,
    spc: Mapping[str, SpcResult | None] | None = None,
    bench: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The performance scorecard: one row per KPI with data in the period.

    ``units`` keeps only KPIs of those units (``("percent",)``), so that a table shows one kind of
    number.

    Latest value with its count (``numerator`` of ``denominator``), target and status, the previous
    period and the judged change, the SPC chart type and icons, and the benchmark position of the
    current value against the latest published England, region and statistical-neighbour values
    (the year is stated). Percent values are fractions.

    Args:
        figures: the period's ``kpi.<id>`` Figures (:func:`kpi_figures`), in their order.
        spc: KPI id -> its chart (:func:`spc_results`).
        bench: the :func:`benchmarks` table of every KPI.
        Each is computed here when not given.
    """
    config = evidence.config
    figures = kpi_figures(evidence, period) if figures is None else figures
    bench = (benchmarks(evidence) if bench is None else bench).set_index("kpi_id")
    rows = []
    for figure in figures:
        kpi_id = figure.id.removeprefix("kpi.")
        kpi = config.kpis[kpi_id]
        if units is not None and kpi.unit not in units:
            continue
        result = kpi_spc(evidence, kpi_id, period) if spc is None else spc.get(kpi_id)
        b = bench.loc[kpi_id] if kpi_id in bench.index else None
        comp = figure.comparison or {}
        rows.append(
            {
                "kpi_id": kpi_id,
                "label": kpi.label,
                "theme": figure.theme,
                "basis": figure.note.split(";")[0],
                "value": figure.value,
                "numerator": figure.numerator,
                "denominator": figure.denominator,
                "target": target_value(kpi),
                "target_status": comp.get("target_status"),
                "previous_value": comp.get("value")
                if comp.get("kind") == "previous_period"
                else None,
                "change": {
                    "improving": "improving",
                    "declining": "declining",
                    "stable": "broadly stable",
                    "not_judged": "not judged",
                }.get(figure.direction, figure.direction)
                if comp.get("kind") == "previous_period"
                else "",
                "chart": "" if result is None else ("run chart" if result.is_run_chart else "XmR"),
                "variation": "" if result is None else ICON_WORDS.get(result.variation, ""),
                "assurance": "" if result is None else ICON_WORDS.get(result.assurance, ""),
                "benchmark_year": None if b is None or pd.isna(b["year"]) else int(b["year"]),
                "england": None if b is None else b["england"],
                "region": None if b is None else b["region"],
                "statistical_neighbours": None if b is None else b["statistical_neighbours"],
                "benchmark_position": _benchmark_position(figure.value, b, kpi),
                "source": figure.source,
            }
        )
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)
