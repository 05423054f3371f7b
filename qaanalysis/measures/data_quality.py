"""Data quality: row accounting, completeness, date ranges and freshness of every source.

Read before any other section: a figure is only as good as the rows behind it.
"""

from __future__ import annotations

import re

import pandas as pd

from .. import figures as fig
from ..figures import Figure
from ..periods import Period
from ..sources import Evidence

# The date that places a record in time, per source.
KEY_DATES = {
    "audits": "audit_date",
    "audit_actions": "raised_date",
    "kpis": "month",
    "complaints": "received_date",
    "feedback": "date",
    "escalations": "raised_date",
}


def _frames(evidence: Evidence) -> dict[str, pd.DataFrame]:
    frames = {name: evidence.frames[name] for name in KEY_DATES if name in evidence.frames}
    frames.update({f"annex_a.{k}": v for k, v in evidence.annex_a.items()})
    return frames


def row_accounting(evidence: Evidence) -> pd.DataFrame:
    """Rows read, accepted and rejected per source, and optional values blanked.

    Rows read always equals rows accepted plus rows rejected; ``accepted_pct`` is accepted / read.
    """
    table = evidence.report.summary()
    table["accepted_pct"] = table["rows_accepted"] / table["rows_read"].where(
        table["rows_read"] > 0
    )
    return table


def completeness(evidence: Evidence) -> pd.DataFrame:
    """Share of accepted rows with a value, per source and canonical column (ordered worst first)."""
    rows = []
    for source, frame in _frames(evidence).items():
        if not len(frame):
            continue
        for column in frame.columns:
            filled = int(frame[column].notna().sum())
            rows.append(
                {
                    "source": source,
                    "column": column,
                    "filled": filled,
                    "rows": len(frame),
                    "filled_pct": filled / len(frame),
                }
            )
    columns = ["source", "column", "filled", "rows", "filled_pct"]
    return pd.DataFrame(rows, columns=columns).sort_values(["filled_pct", "source", "column"])


def _first_date_column(frame: pd.DataFrame) -> str | None:
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]) and frame[column].notna().any():
            return column
    return None


def date_ranges(evidence: Evidence) -> pd.DataFrame:
    """Per source: the key date's earliest and latest value, days from the latest to the extract
    date (freshness), and the number of calendar months in the range with no records (gaps)."""
    rows = []
    for source, frame in _frames(evidence).items():
        column = KEY_DATES.get(source) or _first_date_column(frame)
        if not len(frame) or column is None or column not in frame:
            continue
        dates = frame[column].dropna()
        if dates.empty:
            continue
        months = dates.dt.to_period("M")
        expected = pd.period_range(months.min(), months.max(), freq="M")
        rows.append(
            {
                "source": source,
                "date_column": column,
                "earliest": dates.min(),
                "latest": dates.max(),
                "days_before_extract": int((evidence.extract_date - dates.max()).days),
                "months_without_records": int(len(set(expected) - set(months))),
            }
        )
    columns = [
        "source",
        "date_column",
        "earliest",
        "latest",
        "days_before_extract",
        "months_without_records",
    ]
    return pd.DataFrame(rows, columns=columns)


# A value quoted back in a reason ('...' or "..."): typed by a person, so possibly identifying.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def reason_kind(reason: str) -> str:
    """A rejection reason without the value it quotes or the fix it suggests for that value:
    "not a grade on the configured scale (...)" from "...; 'Gd' looks like Good; to accept it..."."""
    return _QUOTED.sub("a value", str(reason).split("; ")[0]).strip()


def problem_summary(evidence: Evidence, *, by_kind: bool = False) -> pd.DataFrame:
    """Rejected rows and blanked values grouped by source, column and reason, with counts.

    ``by_kind`` groups by :func:`reason_kind` (no typed value, no suggested fix): what leadership
    and public packs show.
    """
    problems = evidence.report.problems()
    if problems.empty:
        return pd.DataFrame(columns=["source", "effect", "column", "reason", "count"])
    if by_kind:
        problems = problems.assign(reason=problems["reason"].map(reason_kind))
    return (
        problems.groupby(["source", "effect", "column", "reason"], as_index=False)
        .size()
        .rename(columns={"size": "count"})
        .sort_values("count", ascending=False)
    )


def notes(evidence: Evidence) -> str:
    """Loader notes (empty files, absent lists, configured columns not found) as a Markdown list."""
    found = [f"- {name}: {n}" for name, r in evidence.report.sources.items() for n in r.notes]
    return "\n".join(found) or "No loader notes."


def data_quality_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """``data_quality.<source>.accepted``: share of rows read that were accepted, per source."""
    out = []
    for name, report in evidence.report.sources.items():
        if report.rows_read:
            out.append(
                fig.proportion(
                    f"data_quality.{name}.accepted",
                    f"{name.replace('_', ' ').capitalize()}: rows accepted",
                    k=report.rows_accepted,
                    n=report.rows_read,
                    period=period.code,
                    source=name,
                )
            )
    return out
