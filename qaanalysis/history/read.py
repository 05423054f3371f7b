"""Reading the history: runs, one Figure over time, last period's messages, year-end positions."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..periods import parse_period
from .store import (
    AUDIENCE_PREFERENCE,
    FIGURE_COLUMNS,
    MESSAGE_COLUMNS,
    RUN_COLUMNS,
    TABLES,
    THEME_COLUMNS,
    YEAR_END_PREFIX,
    HistoryError,
    _faults,
    _query,
)


@dataclass(frozen=True)
class StoredRun:
    """A run as the history holds it (``RunInfo`` plus its number and when it was recorded)."""

    run_id: int
    period: str
    period_kind: str
    period_start: str
    period_end: str
    report: str
    audience: str
    extract_date: str | None
    package_version: str
    created_at: str
    inputs_digest: str


def runs(path: str | Path) -> pd.DataFrame:
    """Every run recorded, in period order (then report and audience), with its Figure count."""
    rows = _query(
        path,
        f"""
        SELECT {", ".join(f"r.{c}" for c in RUN_COLUMNS)},
               (SELECT COUNT(*) FROM figures f WHERE f.run_id = r.run_id) AS figures
        FROM runs r ORDER BY r.period_start, r.period_end, r.report, r.audience""",
    )
    return pd.DataFrame(rows, columns=[*RUN_COLUMNS, "figures"])


def figure_history(
    path: str | Path, figure_id: str, *, report: str | None = None, audience: str | None = None
) -> pd.DataFrame:
    """One Figure over time: one row per period, in period order.

    Args:
        path: the history file.
        figure_id: the Figure's id (``kpi.cla_missing``).
        report: only runs of this report (default: any).
        audience: only runs for this audience (default: for each period, the least restricted
            audience recorded, in the order of :data:`AUDIENCE_PREFERENCE`).

    Returns:
        The run's period, kind, dates, report and audience, then the Figure's columns;
        ``significant`` and ``suppressed`` as booleans. Empty when the Figure was never recorded.
    """
    rows = _query(
        path,
        f"""
        SELECT r.run_id, r.period AS run_period, r.period_kind, r.period_start, r.period_end,
               r.report, r.audience, {", ".join(f"f.{c}" for c in FIGURE_COLUMNS)}
        FROM figures f JOIN runs r ON r.run_id = f.run_id
        WHERE f.figure_id = ? AND (? IS NULL OR r.report = ?) AND (? IS NULL OR r.audience = ?)
        """,
        (figure_id, report, report, audience, audience),
    )
    columns = [
        "run_id",
        "run_period",
        "period_kind",
        "period_start",
        "period_end",
        "report",
        "audience",
        *FIGURE_COLUMNS,
    ]
    frame = _booleans(pd.DataFrame(rows, columns=columns))
    return _one_per_period(frame, by=["run_period"]).rename(
        columns={"run_period": "period", "period": "figure_period"}
    )


def previous_run(path: str | Path, *, period: str, report: str, audience: str) -> StoredRun | None:
    """The run of the period immediately before ``period`` (same report and audience), if any.

    The quarter before 2026-27-Q1 is 2025-26-Q4; the year before 2025-26 is 2024-25. A history with
    no run of that period gives None (a gap is not bridged: last quarter's messages are last
    quarter's).
    """
    before = parse_period(period).previous().code
    rows = _query(
        path,
        f"SELECT {', '.join(RUN_COLUMNS)} FROM runs WHERE period = ? AND "
        "report = ? AND audience = ? ORDER BY run_id DESC LIMIT 1",
        (before, report, audience),
    )
    return StoredRun(*rows[0]) if rows else None


def messages_of(path: str | Path, run_id: int) -> pd.DataFrame:
    """A run's key messages then its recommendations, each in rank order."""
    rows = _query(
        path,
        f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM messages WHERE run_id = ? "
        "ORDER BY kind = 'recommendation', rank",
        (int(run_id),),
    )
    return pd.DataFrame(rows, columns=list(MESSAGE_COLUMNS))


def figures_of(path: str | Path, run_id: int) -> pd.DataFrame:
    """A run's Figures, one row each (``figure_id`` and the stored columns), in recorded order."""
    rows = _query(
        path,
        f"SELECT {', '.join(FIGURE_COLUMNS)} FROM figures WHERE run_id = ? ORDER BY rowid",
        (int(run_id),),
    )
    return _booleans(pd.DataFrame(rows, columns=list(FIGURE_COLUMNS)))


def themes_of(path: str | Path, run_id: int) -> pd.DataFrame:
    """A run's theme statuses, in the order they were recorded."""
    rows = _query(
        path,
        f"SELECT {', '.join(THEME_COLUMNS)} FROM themes WHERE run_id = ? ORDER BY rowid",
        (int(run_id),),
    )
    return pd.DataFrame(rows, columns=list(THEME_COLUMNS))


def year_end_positions(
    path: str | Path, *, year: str | int, report: str = "quarterly", audience: str | None = None
) -> pd.DataFrame:
    """Each ``kpi.*`` Figure as recorded by the run of the financial year's last quarter (Q4).

    Stock KPIs describe a date; Q4's run holds them at 31 March even once Annex A has moved on.

    Args:
        path: the history file.
        year: the financial year, ``2025-26`` or the year it starts (2025).
        report: the report whose Q4 run is read (default ``quarterly``).
        audience: the audience's run (default: the least restricted recorded).

    Returns:
        One row per KPI Figure: ``as_at`` (the quarter's last day), ``period``, ``audience`` and the
        Figure's columns. Empty when the year's Q4 was never recorded.
    """
    if isinstance(year, int) and not isinstance(year, bool):
        year = f"{year}-{(year + 1) % 100:02d}"
    try:
        fy = parse_period(str(year))
    except ValueError as exc:
        raise HistoryError(str(exc)) from None
    if fy.kind != "year":
        raise HistoryError(f"year {year!r} is not a financial year such as 2025-26")
    q4 = f"{fy.code}-Q4"
    rows = _query(
        path,
        f"""
        SELECT r.run_id, r.period_end AS as_at, r.period AS run_period, r.audience,
               {", ".join(f"f.{c}" for c in FIGURE_COLUMNS)}
        FROM figures f JOIN runs r ON r.run_id = f.run_id
        WHERE r.period = ? AND r.report = ? AND (? IS NULL OR r.audience = ?)
          AND substr(f.figure_id, 1, ?) = ?
        ORDER BY f.rowid""",
        (q4, report, audience, audience, len(YEAR_END_PREFIX), YEAR_END_PREFIX),
    )
    columns = ["run_id", "as_at", "run_period", "audience", *FIGURE_COLUMNS]
    frame = _booleans(pd.DataFrame(rows, columns=columns))
    if len(frame):
        chosen = _preferred_audience(frame["audience"])
        frame = frame[frame["audience"] == chosen].reset_index(drop=True)
    return frame.rename(columns={"run_period": "period", "period": "figure_period"})


def export(path: str | Path, folder: str | Path) -> list[Path]:
    """Write every table to ``<folder>/<table>.csv`` (UTF-8, a header row), the folder made if
    missing; returns the files written."""
    folder = Path(folder)
    written = []
    tables = {
        table: _query(path, f"SELECT * FROM {table} ORDER BY rowid", names=True) for table in TABLES
    }
    with _faults(folder):
        folder.mkdir(parents=True, exist_ok=True)
        for table, (columns, rows) in tables.items():
            target = folder / f"{table}.csv"
            with target.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                writer.writerows(rows)
            written.append(target)
    return written


# -- for readers ---------------------------------------------------------------------------------

# How a Figure's direction is said (STYLE: "broadly stable" unless a change is significant).
DIRECTION_WORDS = {"stable": "broadly stable", "not_judged": "not judged"}  # else as stored


def runs_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`runs` as a reader sees it: UK dates, plain headings, no digests."""
    recorded = pd.to_datetime(frame["created_at"], utc=True)
    extract = pd.to_datetime(frame["extract_date"])
    return pd.DataFrame(
        {
            "Run": frame["run_id"],
            "Period": frame["period"],
            "Report": frame["report"],
            "Audience": frame["audience"],
            "Extract date": extract.dt.strftime("%d/%m/%Y").fillna("not recorded"),
            "Recorded (UTC)": recorded.dt.strftime("%d/%m/%Y %H:%M"),
            "Figures": frame["figures"],
            "Version": frame["package_version"],
        }
    )


def figure_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`figure_history` as a reader sees it: period, report, audience, value, change."""
    return pd.DataFrame(
        {
            "Period": frame["period"],
            "Report": frame["report"],
            "Audience": frame["audience"],
            "Value": frame["text"],
            "Change": frame["direction"].map(DIRECTION_WORDS).fillna(frame["direction"]),
        }
    )


def _booleans(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("significant", "suppressed"):
        frame[column] = frame[column].astype(bool)
    return frame


def _audience_rank(audience: str) -> int:
    order = list(AUDIENCE_PREFERENCE)
    return order.index(audience) if audience in order else len(order)


def _preferred_audience(audiences: pd.Series) -> str:
    return min(audiences.unique(), key=lambda a: (_audience_rank(a), a))


def _one_per_period(frame: pd.DataFrame, *, by: list[str]) -> pd.DataFrame:
    """Period order; where runs of several audiences (or reports) give one period, the least
    restricted audience, then the report named first."""
    if frame.empty:
        return frame.reset_index(drop=True)
    frame = frame.assign(_rank=frame["audience"].map(_audience_rank))
    frame = frame.sort_values(["period_start", "period_end", "_rank", "report", "run_id"])
    return frame.drop_duplicates(by, keep="first").drop(columns="_rank").reset_index(drop=True)
