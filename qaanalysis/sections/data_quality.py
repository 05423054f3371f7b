"""The data-quality section: warnings, row accounting, rejected and flagged rows, gaps (measures
not measured, theme-map codes matching nothing), completeness and freshness.

Every item of ``notebooks/00_data_quality.ipynb``, in its order, computed once.
"""

from __future__ import annotations

import pandas as pd

from ..disclosure import shows_identifiers
from ..findings import FigureSet, Item, Section, Table, Text
from ..measures import data_quality as dq
from ..periods import Period
from ..sources import Evidence

# Codes of the data-quality measures as the tables show them.
STATUS_WORDS = {
    "ends_before_period": "ends before the period: out of date",
    "none_in_period": "no new record in the period",
    "current": "current",
}
PROBLEM_WORDS = {
    "not_mapped": "column not mapped: not measured",
    "blank": "column blank in every row: not measured",
    "not_computable": "not computable",
    "no_row": "matches no row",
    "not_declared": "matches no declared measure",
}


def _warnings(evidence: Evidence, period: Period) -> Text:
    """The loud warnings: Annex A lists out of date for the period, a region that does not fit
    the authority's code, measures not measured for want of a column."""
    lines = [f"- **Out of date.** {why[0].upper()}{why[1:]}." for why in _stale(evidence, period)]
    region = dq.region_problem(evidence)
    if region:
        lines.append(f"- **Region.** {region[0].upper()}{region[1:]}.")
    gaps = dq.unmapped_measures(evidence)
    for row in gaps.itertuples():
        if row.problem in ("not_mapped", "blank"):
            lines.append(
                f"- **Not measured.** {row.source}: {row.column.lower()} is "
                f"{'not mapped' if row.problem == 'not_mapped' else 'blank in every row'}, so "
                f"{row.measures} cannot be measured (reported as not measured, not as zero)."
            )
    return Text(
        "warnings", "\n".join(lines) or "No warnings: every source is current for the period."
    )


def _stale(evidence: Evidence, period: Period) -> list[str]:
    return list(dq.stale_lists(evidence, period).values())


def _worded(frame: pd.DataFrame, column: str, words: dict[str, str]) -> pd.DataFrame:
    return frame.assign(**{column: frame[column].map(lambda c: words.get(c, c))})


def build(evidence: Evidence, period: Period, *, audience: str) -> Section:
    """Compute the data-quality section as ``audience`` may see it."""
    figures = dq.data_quality_figures(evidence, period)
    items: dict[str, Item] = {
        "warnings": _warnings(evidence, period),
        "row_accounting": Table(
            "row_accounting",
            "Rows read, accepted and rejected, by source, with rows flagged but used",
            dq.row_accounting(evidence).assign(source=lambda f: f["source"].map(dq.source_label)),
            count_columns=(
                "rows_read",
                "rows_accepted",
                "rows_rejected",
                "rows_flagged",
                "values_blanked",
            ),
            percent_columns=("accepted_pct",),
            percent_of={"accepted_pct": "rows_accepted"},
            note="A flagged row is used as it is; its values break a cross-field check (a visit "
            "after the plan ended, an age outside the list's range) and are worth checking.",
        ),
        "figures": FigureSet("data_quality_figures", "Share of rows accepted", tuple(figures)),
        "problems": Table(
            "problems",
            "Rejected rows, flagged rows and blanked values by reason",
            dq.problem_summary(evidence, by_kind=not shows_identifiers(audience)),
            count_columns=("count",),
        ),
        "problem_rows": Table(
            "problem_rows",
            "Every rejected row, flagged row and blanked value",
            evidence.report.problems(),
            child_level=True,
            note="Row numbers are as the file shows them (header = row 1).",
        ),
        "notes": Text("notes", dq.notes(evidence)),
        "not_measured": Table(
            "not_measured",
            "Measures not measured for want of a column",
            _worded(dq.unmapped_measures(evidence), "problem", PROBLEM_WORDS),
        ),
        "theme_gaps": Table(
            "theme_gaps",
            "Theme-map codes that match no row or no declared measure",
            _worded(dq.theme_gaps(evidence), "problem", PROBLEM_WORDS),
        ),
        "unthemed": Table(
            "unthemed",
            "Complaint and escalation categories that no theme lists",
            dq.unthemed_categories(evidence),
            count_columns=("rows",),
            note="Records in these categories feed no theme: add them to a theme in la.yaml.",
        ),
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
            "How far each source reaches, on its key date",
            _worded(dq.freshness(evidence, period), "status", STATUS_WORDS),
            count_columns=("months_without_records",),
            note="Key date: the date that places a record in time (docs/assumptions.md). Latest "
            "record: for Annex A, the latest start, visit, review or end on the list.",
        ),
    }
    return Section("data_quality", items, tuple(figures))
