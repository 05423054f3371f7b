"""The performance scorecard: one row per KPI with data in the period."""

from __future__ import annotations

import pandas as pd

from ...periods import Period
from ...sources import Evidence
from .benchmarks import _benchmark_position, benchmarks
from .kpis import _target, kpi_figures
from .spc import _ICON_WORDS, kpi_spc

SCORECARD_COLUMNS = ["kpi_id", "label", "theme", "basis", "value", "numerator", "denominator",
                     "target", "target_status", "previous_value", "change", "chart", "variation",
                     "assurance", "benchmark_year", "england", "region", "statistical_neighbours",
                     "benchmark_position", "source"]  # fmt: skip


def scorecard(evidence: Evidence, period: Period, *, units: tuple[str, ...] | None = None
              ) -> pd.DataFrame:  # fmt: skip
    """The performance scorecard: one row per KPI with data in the period.

    ``units`` keeps only KPIs of those units (``("percent",)``), so that a table shows one kind of
    number.

    Latest value with its count (``numerator`` of ``denominator``), target and status, the previous
    period and the judged change, the SPC chart type and icons, and the benchmark position of the
    current value against the latest published England, region and statistical-neighbour values
    (the year is stated). Percent values are fractions.
    """
    config = evidence.config
    bench = benchmarks(evidence).set_index("kpi_id")
    rows = []
    for figure in kpi_figures(evidence, period):
        kpi_id = figure.id.removeprefix("kpi.")
        kpi = config.kpis[kpi_id]
        if units is not None and kpi.unit not in units:
            continue
        spc = kpi_spc(evidence, kpi_id, period)
        b = bench.loc[kpi_id] if kpi_id in bench.index else None
        comp = figure.comparison or {}
        rows.append({
            "kpi_id": kpi_id, "label": kpi.label, "theme": figure.theme,
            "basis": figure.note.split(";")[0], "value": figure.value,
            "numerator": figure.numerator, "denominator": figure.denominator,
            "target": _target(kpi), "target_status": comp.get("target_status"),
            "previous_value": comp.get("value") if comp.get("kind") == "previous_period" else None,
            "change": {"improving": "improving", "declining": "declining", "stable": "broadly stable",
                       "not_judged": "not judged"}.get(figure.direction, figure.direction)
            if comp.get("kind") == "previous_period" else "",
            "chart": "" if spc is None else ("run chart" if spc.is_run_chart else "XmR"),
            "variation": "" if spc is None else _ICON_WORDS.get(spc.variation, ""),
            "assurance": "" if spc is None else _ICON_WORDS.get(spc.assurance, ""),
            "benchmark_year": None if b is None or pd.isna(b["year"]) else int(b["year"]),
            "england": None if b is None else b["england"],
            "region": None if b is None else b["region"],
            "statistical_neighbours": None if b is None else b["statistical_neighbours"],
            "benchmark_position": _benchmark_position(figure.value, b, kpi),
            "source": figure.source,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)
