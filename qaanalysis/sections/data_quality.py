"""The data-quality section: row accounting, rejected rows, completeness and date ranges.

Every item of ``notebooks/00_data_quality.ipynb``, in its order, computed once.
"""

from __future__ import annotations

from ..disclosure import shows_identifiers
from ..findings import FigureSet, Item, Section, Table, Text
from ..measures import data_quality as dq
from ..periods import Period
from ..sources import Evidence


def build(evidence: Evidence, period: Period, *, audience: str) -> Section:
    """Compute the data-quality section as ``audience`` may see it."""
    figures = dq.data_quality_figures(evidence, period)
    items: dict[str, Item] = {
        "row_accounting": Table(
            "row_accounting",
            "Rows read, accepted and rejected, by source",
            dq.row_accounting(evidence),
            count_columns=("rows_read", "rows_accepted", "rows_rejected", "values_blanked"),
            percent_columns=("accepted_pct",),
            percent_of={"accepted_pct": "rows_accepted"},
        ),
        "figures": FigureSet("data_quality_figures", "Share of rows accepted", tuple(figures)),
        "problems": Table(
            "problems",
            "Rejected rows and blanked values by reason",
            dq.problem_summary(evidence, by_kind=not shows_identifiers(audience)),
            count_columns=("count",),
        ),
        "problem_rows": Table(
            "problem_rows",
            "Every rejected row and blanked value",
            evidence.report.problems(),
            child_level=True,
            note="Row numbers are as the file shows them (header = row 1).",
        ),
        "notes": Text("notes", dq.notes(evidence)),
        "completeness": Table(
            "completeness",
            "Least complete columns",
            dq.completeness(evidence).head(25),
            count_columns=("filled", "rows"),
            percent_columns=("filled_pct",),
            percent_of={"filled_pct": "filled"},
        ),
        "date_ranges": Table(
            "date_ranges",
            "Period covered by each source",
            dq.date_ranges(evidence),
            count_columns=("months_without_records",),
        ),
    }
    return Section("data_quality", items, tuple(figures))
