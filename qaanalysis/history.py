"""The history of every run: one SQLite file per authority, beside its outputs.

Each pack records what it found: its Figures, its theme statuses, its key messages and its
recommendations. Stock KPIs (children on a plan, in care, care leavers in touch) describe one date and
Annex A holds only the latest state, so the history is where a quarter-end or year-end position is kept
once the extract has moved on; trends, year-on-year comparisons and "what we said last quarter" are read
from it (DESIGN.md, "kept over time").

The file is ``<out>/<authority slug>/history.sqlite`` (:func:`history_path`), written with the
standard library's ``sqlite3``: no server, one file the QA team can copy, back up or open in any
SQLite reader. ``docs/history.md`` describes it for readers; the schema below is the reference.

Schema (version 1)::

    schema_version  version           the schema the file is written in (one row)
                    written_by        the qaanalysis version that created or last migrated it
    runs            run_id            a new number for every run (never reused)
                    period            2026-27-Q2, 2025-26 or 2026-09
                    period_kind       quarter, year or month
                    period_start      first day of the period (ISO date), for ordering
                    period_end        last day of the period (ISO date): the as-at date of stocks
                    report            quarterly, annual or monthly
                    audience          internal, leadership or public
                    extract_date      the date the exports were taken (ISO date), if known
                    package_version   the qaanalysis version that built the pack
                    created_at        when the run was recorded (ISO time, UTC)
                    inputs_digest     SHA-256 (shortened) of the configuration and every input
                    UNIQUE (period, report, audience): one run per period, report and audience
    figures         run_id, figure_id the Figure's stable id (kpi.cla_missing, audits.count, ...)
                    label, unit       as in figures.json
                    value             the number as computed (integer or real; NULL for a status)
                    value_text        a status Figure's label (NULL otherwise)
                    text              the value as a reader sees it: "68% (32 of 47)"
                    numerator, denominator, ci_low, ci_high
                    direction         improving, declining, stable or not_judged
                    significant       0 or 1
                    period            the Figure's own period (normally the run's)
                    suppressed        0 or 1 (public packs withhold small counts)
                    source, theme, note
                    comparison        the Figure's comparison as JSON text (NULL when none)
                    PRIMARY KEY (run_id, figure_id)
    themes          run_id, theme_id  a configured practice theme
                    label, status     status: corroborated_strength, corroborated_concern,
                                      mixed, single_source or no_evidence
                    status_label      the status as a reader sees it
                    judgement_area    the ILACS judgement area the theme informs
                    figure_ids        the Figures the status rests on, ", " between them
                    PRIMARY KEY (run_id, theme_id)
    messages        run_id, kind      key_message or recommendation
                    rank              1 = first on the page
                    text              the finding (or the recommendation) in one sentence
                    evidence          the evidence in counts
                    meaning           what it means for children
                    action, owner, due  the proposed action, who owns it, by when (ISO date)
                    theme             the practice theme it concerns, if one
                    figure_ids        the Figures it cites, ", " between them (to measure it later)
                    PRIMARY KEY (run_id, kind, rank)

Writes are safe: the file is created readable and writable by its owner only (0600) in a folder
made under the user's umask; every write is one transaction taken at once (``BEGIN IMMEDIATE``), so
concurrent runs wait for each other (up to :data:`BUSY_TIMEOUT_S`), and re-recording a period, report
and audience replaces that run's rows in the same transaction (other periods are kept). A read-only
folder, a full disk, a locked or damaged file ends in :class:`HistoryError` (``exit_code`` 1) with a
message saying what to do. A file written by a newer schema is refused; an older one is migrated
when written to, or refused when no migration exists.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import json
import math
import os
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, fields
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from .config import Config
from .figures import Figure, format_value
from .periods import parse_period

SCHEMA_VERSION = 1
FILE_NAME = "history.sqlite"
# How long a run waits for another run's write to finish before giving up.
BUSY_TIMEOUT_S = 60.0
FILE_MODE = 0o600
MESSAGE_KINDS = ("key_message", "recommendation")
# When several audiences' runs of one period could answer, the least restricted one is read: an
# internal pack's Figures are never suppressed.
AUDIENCE_PREFERENCE = ("internal", "leadership", "public")
# The Figures whose period-end values are the year-end positions (DESIGN.md "Figures").
YEAR_END_PREFIX = "kpi."
TABLES = ("schema_version", "runs", "figures", "themes", "messages")
EXIT_FAULT = 1

_SCHEMA = """
CREATE TABLE schema_version (
    version INTEGER NOT NULL,
    written_by TEXT NOT NULL
);
CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL,
    period_kind TEXT NOT NULL CHECK (period_kind IN ('year', 'quarter', 'month')),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    report TEXT NOT NULL,
    audience TEXT NOT NULL,
    extract_date TEXT,
    package_version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    inputs_digest TEXT NOT NULL,
    UNIQUE (period, report, audience)
);
CREATE TABLE figures (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    figure_id TEXT NOT NULL,
    label TEXT NOT NULL,
    unit TEXT NOT NULL,
    value CHECK (typeof(value) IN ('integer', 'real', 'null')),
    value_text TEXT,
    text TEXT NOT NULL,
    numerator CHECK (typeof(numerator) IN ('integer', 'real', 'null')),
    denominator CHECK (typeof(denominator) IN ('integer', 'real', 'null')),
    ci_low REAL,
    ci_high REAL,
    direction TEXT NOT NULL,
    significant INTEGER NOT NULL CHECK (significant IN (0, 1)),
    period TEXT NOT NULL,
    suppressed INTEGER NOT NULL CHECK (suppressed IN (0, 1)),
    source TEXT NOT NULL,
    theme TEXT,
    note TEXT NOT NULL,
    comparison TEXT,
    PRIMARY KEY (run_id, figure_id)
);
CREATE INDEX figures_by_id ON figures (figure_id);
CREATE TABLE themes (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL,
    label TEXT NOT NULL,
    status TEXT NOT NULL,
    status_label TEXT,
    judgement_area TEXT,
    figure_ids TEXT NOT NULL,
    PRIMARY KEY (run_id, theme_id)
);
CREATE TABLE messages (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('key_message', 'recommendation')),
    rank INTEGER NOT NULL CHECK (rank >= 1),
    text TEXT NOT NULL,
    evidence TEXT,
    meaning TEXT,
    action TEXT,
    owner TEXT,
    due TEXT,
    theme TEXT,
    figure_ids TEXT NOT NULL,
    PRIMARY KEY (run_id, kind, rank)
);
"""
# Migrations from each older schema version to the next: version -> SQL statements. None yet.
MIGRATIONS: dict[int, str] = {}

RUN_COLUMNS = (
    "run_id",
    "period",
    "period_kind",
    "period_start",
    "period_end",
    "report",
    "audience",
    "extract_date",
    "package_version",
    "created_at",
    "inputs_digest",
)
FIGURE_COLUMNS = (
    "figure_id",
    "label",
    "unit",
    "value",
    "value_text",
    "text",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "direction",
    "significant",
    "period",
    "suppressed",
    "source",
    "theme",
    "note",
    "comparison",
)
THEME_COLUMNS = ("theme_id", "label", "status", "status_label", "judgement_area", "figure_ids")
MESSAGE_COLUMNS = (
    "kind",
    "rank",
    "text",
    "evidence",
    "meaning",
    "action",
    "owner",
    "due",
    "theme",
    "figure_ids",
)
_FIGURE_FIELDS = {f.name for f in fields(Figure)}


class HistoryError(Exception):
    """The history could not be read or written; the message says why and what to do.

    Carries ``exit_code`` (1) like the runner's ``PackError``, so the command line and the runner can
    treat it alike.
    """

    def __init__(self, message: str, exit_code: int = EXIT_FAULT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class RunInfo:
    """What identifies one run.

    Attributes:
        period: the period code (``2026-27-Q2``).
        report: ``quarterly``, ``annual`` or ``monthly``.
        audience: ``internal``, ``leadership`` or ``public``.
        extract_date: the date the exports were taken (a date, a Timestamp or an ISO string).
        package_version: the qaanalysis version that built the pack.
        inputs_digest: the digest of the configuration and inputs (``pipeline.inputs_digest``).
    """

    period: str
    report: str
    audience: str
    extract_date: Any = None
    package_version: str = "unknown"
    inputs_digest: str = ""


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


@dataclass(frozen=True)
class ThemeRow:
    """One theme's status in a run (a ``triangulate.ThemeAssessment`` as stored)."""

    theme_id: str
    label: str
    status: str
    status_label: str | None = None
    judgement_area: str | None = None
    figure_ids: tuple[str, ...] = ()

    @classmethod
    def of(cls, assessment) -> ThemeRow:
        """The row of a theme assessment (anything with ``theme``, ``label``, ``status``,
        ``status_label``, ``judgement_area`` and ``figure_ids``)."""
        return cls(
            assessment.theme,
            assessment.label,
            assessment.status,
            assessment.status_label,
            assessment.judgement_area,
            tuple(dict.fromkeys(assessment.figure_ids)),
        )


@dataclass(frozen=True)
class MessageRow:
    """A key message or a recommendation of a run.

    Attributes:
        kind: ``key_message`` or ``recommendation``.
        rank: its place, 1 first; unique within a run and kind.
        text: the finding (or the recommendation) in one sentence.
        evidence: the evidence in counts.
        meaning: what it means for children.
        action: the proposed action.
        owner: who owns the action.
        due: by when (a date or an ISO string).
        theme: the practice theme it concerns.
        figure_ids: the Figures it cites, so a later pack can give each its measure now.
    """

    kind: str
    rank: int
    text: str
    evidence: str | None = None
    meaning: str | None = None
    action: str | None = None
    owner: str | None = None
    due: Any = None
    theme: str | None = None
    figure_ids: tuple[str, ...] = ()


def history_path(config: Config, out: str | Path = "outputs") -> Path:
    """The authority's history file: ``<out>/<authority slug>/history.sqlite``."""
    return Path(out) / config.authority.slug / FILE_NAME


# -- writing -------------------------------------------------------------------------------------


def record_run(
    path: str | Path,
    *,
    run: RunInfo,
    figures: Iterable[Figure | Mapping],
    themes: Iterable[ThemeRow],
    messages: Iterable[MessageRow],
    now: dt.datetime | None = None,
) -> int:
    """Record one run, replacing any earlier run of the same period, report and audience.

    Everything is checked before the file is touched, then written in one transaction: a rerun's
    rows replace the earlier run's entirely or not at all; other periods are kept.

    Args:
        path: the history file (:func:`history_path`); created, with its folder, if missing.
        run: what identifies the run.
        figures: the run's Figures (``Figure`` objects or the dicts of ``figures.json``).
        themes: the run's theme statuses.
        messages: the run's key messages and recommendations.
        now: when the run is recorded (default: now, UTC).

    Returns:
        The run's number (a new one on every call).

    Raises:
        HistoryError: a value is not fit to store (named), or the file cannot be written (why, and
            what to do).
    """
    path = Path(path)
    run_row = _run_row(run, now)
    figure_rows = _figure_rows(figures)
    theme_rows = _theme_rows(themes)
    message_rows = _message_rows(messages)
    with _faults(path):
        _create(path)
        with closing(_connect(path, readonly=False)) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                _prepare(conn, path)
                old = [
                    r[0]
                    for r in conn.execute(
                        "SELECT run_id FROM runs WHERE period = ? AND report = ? AND audience = ?",
                        (run.period, run.report, run.audience),
                    )
                ]
                for table in ("figures", "themes", "messages", "runs"):
                    conn.executemany(f"DELETE FROM {table} WHERE run_id = ?", [(i,) for i in old])
                names = ", ".join(run_row)
                cursor = conn.execute(
                    f"INSERT INTO runs ({names}) VALUES ({', '.join('?' * len(run_row))})",
                    tuple(run_row.values()),
                )
                run_id = int(cursor.lastrowid)
                for table, columns, rows in (
                    ("figures", FIGURE_COLUMNS, figure_rows),
                    ("themes", THEME_COLUMNS, theme_rows),
                    ("messages", MESSAGE_COLUMNS, message_rows),
                ):
                    conn.executemany(
                        f"INSERT INTO {table} (run_id, {', '.join(columns)}) "
                        f"VALUES (?{', ?' * len(columns)})",
                        [(run_id, *(row[c] for c in columns)) for row in rows],
                    )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
    return run_id


def _run_row(run: RunInfo, now: dt.datetime | None) -> dict:
    for name in ("period", "report", "audience"):
        if not isinstance(getattr(run, name), str) or not getattr(run, name).strip():
            raise HistoryError(f"run: {name} must be given (got {getattr(run, name)!r})")
    try:
        period = parse_period(run.period)
    except ValueError as exc:
        raise HistoryError(f"run: {exc}") from None
    if period.code != run.period:
        raise HistoryError(f"run: period {run.period!r} must be written {period.code!r}")
    now = now or dt.datetime.now(dt.UTC)
    return {
        "period": period.code,
        "period_kind": period.kind,
        "period_start": period.start.date().isoformat(),
        "period_end": period.end.date().isoformat(),
        "report": run.report,
        "audience": run.audience,
        "extract_date": _iso_date(run.extract_date, "run: extract_date"),
        "package_version": str(run.package_version),
        "created_at": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "inputs_digest": str(run.inputs_digest),
    }


def _iso_date(value, where: str) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise HistoryError(f"{where}: {value!r} is not a date") from None
    if pd.isna(stamp):
        return None
    return stamp.date().isoformat()


def _figure_rows(figures: Iterable[Figure | Mapping]) -> list[dict]:
    rows, seen = [], set()
    for number, item in enumerate(figures, start=1):
        figure = _as_figure(item, number)
        where = f"figure {number} ({figure.id!r})"
        if figure.id in seen:
            raise HistoryError(f"{where}: the id appears twice in one run")
        seen.add(figure.id)
        value, value_text = _value(figure.value, where)
        rows.append(
            {
                "figure_id": figure.id,
                "label": figure.label,
                "unit": figure.unit,
                "value": value,
                "value_text": value_text,
                "text": format_value(figure),
                "numerator": _number(figure.numerator, f"{where} numerator"),
                "denominator": _number(figure.denominator, f"{where} denominator"),
                "ci_low": _number(figure.ci_low, f"{where} ci_low"),
                "ci_high": _number(figure.ci_high, f"{where} ci_high"),
                "direction": figure.direction,
                "significant": int(bool(figure.significant)),
                "period": figure.period,
                "suppressed": int(bool(figure.suppressed)),
                "source": figure.source,
                "theme": figure.theme,
                "note": figure.note or "",
                "comparison": _json(figure.comparison, f"{where} comparison"),
            }
        )
    return rows


def _as_figure(item: Figure | Mapping, number: int) -> Figure:
    if isinstance(item, Figure):
        figure = item
    elif isinstance(item, Mapping):
        unknown = sorted(set(item) - _FIGURE_FIELDS)
        if unknown:
            raise HistoryError(f"figure {number} ({item.get('id')!r}): unknown fields {unknown}")
        try:
            figure = Figure(**item)
        except TypeError as exc:  # a required field is missing
            raise HistoryError(f"figure {number} ({item.get('id')!r}): {exc}") from None
    else:
        raise HistoryError(f"figure {number}: {type(item).__name__} is not a Figure or a dict")
    if not isinstance(figure.id, str) or not figure.id:
        raise HistoryError(f"figure {number}: its id must be a non-empty text (got {figure.id!r})")
    return figure


def _value(value, where: str) -> tuple[float | int | None, str | None]:
    if isinstance(value, str):
        return None, value
    return _number(value, f"{where} value"), None


def _number(value, where: str) -> float | int | None:
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise HistoryError(f"{where}: {value!r} is not a number")
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and math.isinf(value):
        raise HistoryError(f"{where}: {value!r} is not a finite number")
    return value


def _json(value, where: str) -> str | None:
    if value is None:
        return None
    try:
        return json.dumps(_plain(value), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise HistoryError(f"{where}: cannot be stored ({exc})") from None


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _theme_rows(themes: Iterable[ThemeRow]) -> list[dict]:
    rows, seen = [], set()
    for number, theme in enumerate(themes, start=1):
        if not isinstance(theme, ThemeRow):
            theme = ThemeRow.of(theme)
        where = f"theme {number} ({theme.theme_id!r})"
        if not theme.theme_id or not theme.status:
            raise HistoryError(f"{where}: a theme needs its id and status")
        if theme.theme_id in seen:
            raise HistoryError(f"{where}: the theme appears twice in one run")
        seen.add(theme.theme_id)
        rows.append(
            {
                "theme_id": theme.theme_id,
                "label": theme.label,
                "status": theme.status,
                "status_label": theme.status_label,
                "judgement_area": theme.judgement_area,
                "figure_ids": ", ".join(theme.figure_ids),
            }
        )
    return rows


def _message_rows(messages: Iterable[MessageRow]) -> list[dict]:
    rows, seen = [], set()
    for number, message in enumerate(messages, start=1):
        where = f"message {number} ({message.kind} {message.rank})"
        if message.kind not in MESSAGE_KINDS:
            raise HistoryError(f"{where}: kind must be one of {', '.join(MESSAGE_KINDS)}")
        if isinstance(message.rank, bool) or not isinstance(message.rank, int) or message.rank < 1:
            raise HistoryError(f"{where}: rank must be a whole number from 1")
        if (message.kind, message.rank) in seen:
            raise HistoryError(f"{where}: two messages of one kind share a rank")
        seen.add((message.kind, message.rank))
        if not isinstance(message.text, str) or not message.text.strip():
            raise HistoryError(f"{where}: the text is empty")
        rows.append(
            {
                "kind": message.kind,
                "rank": message.rank,
                "text": message.text,
                "evidence": message.evidence,
                "meaning": message.meaning,
                "action": message.action,
                "owner": message.owner,
                "due": _iso_date(message.due, f"{where} due"),
                "theme": message.theme,
                "figure_ids": ", ".join(message.figure_ids),
            }
        )
    return rows


# -- reading -------------------------------------------------------------------------------------


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


# -- the file ------------------------------------------------------------------------------------


def _create(path: Path) -> None:
    """Make the folder (under the umask) and the file (0600) if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, FILE_MODE)  # whatever the umask, the owner alone reads it
    finally:
        os.close(fd)


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) that waits for other runs."""
    target = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rw'}"
    conn = sqlite3.connect(target, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Inside a write transaction: create the schema in an empty file, migrate an older one, refuse
    a newer one or a file that is not a history."""
    version = _version_of(conn, path)
    if version is None:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_version (version, written_by) VALUES (?, ?)",
            (SCHEMA_VERSION, _package_version()),
        )
        return
    while version < SCHEMA_VERSION:
        for statement in MIGRATIONS[version].split(";"):
            if statement.strip():
                conn.execute(statement)
        version += 1
        conn.execute(
            "UPDATE schema_version SET version = ?, written_by = ?", (version, _package_version())
        )


def _version_of(conn: sqlite3.Connection, path: Path) -> int | None:
    """The file's schema version; None for an empty file. Refuses what cannot be read."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    if "schema_version" not in tables:
        raise HistoryError(
            f"{path} is an SQLite file but not a qaanalysis history (it has no schema_version "
            f"table); move it aside or choose another folder with --out"
        )
    found = [r[0] for r in conn.execute("SELECT version FROM schema_version")]
    if len(found) != 1 or not isinstance(found[0], int):
        raise HistoryError(
            f"{path}: its schema_version table should hold one version number, "
            f"not {found}; the file is damaged"
        )
    version = found[0]
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"{path} was written by a newer qaanalysis (history schema {version}; this version "
            f"reads schema {SCHEMA_VERSION} and earlier). Upgrade qaanalysis to read it; the file "
            f"is unchanged"
        )
    if version < SCHEMA_VERSION and any(
        v not in MIGRATIONS for v in range(version, SCHEMA_VERSION)
    ):
        raise HistoryError(
            f"{path} uses history schema {version}, which this version of qaanalysis cannot "
            f"upgrade to schema {SCHEMA_VERSION}; export it with the version that wrote it, then "
            f"start a new history; the file is unchanged"
        )
    return version


def _query(path: str | Path, sql: str, parameters: tuple = (), *, names: bool = False):
    """Rows of a read-only query; no rows when the file does not exist yet."""
    path = Path(path)
    if not path.is_file():
        if names:
            raise HistoryError(
                f"there is no history at {path}: one is written each time a pack is built"
            )
        return []
    with _faults(path), closing(_connect(path, readonly=True)) as conn:
        version = _version_of(conn, path)
        if version is None:  # created by a run that has not yet committed
            return ([], []) if names else []
        if version < SCHEMA_VERSION:
            raise HistoryError(
                f"{path} uses history schema {version}: build any pack to upgrade "
                f"it to schema {SCHEMA_VERSION}, then read it again"
            )
        cursor = conn.execute(sql, parameters)
        rows = cursor.fetchall()
        if names:
            return [d[0] for d in cursor.description], rows
        return rows


def _package_version() -> str:
    try:
        return metadata.version("qaanalysis")
    except metadata.PackageNotFoundError:
        return "unknown"


class _faults:  # noqa: N801 - used as a context manager, like contextlib's
    """Turn SQLite's and the disk's faults into :class:`HistoryError` naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, traceback) -> bool:
        if exc is None or isinstance(exc, HistoryError):
            return False
        message = fault_message(exc, self.path)
        if message is None:
            return False
        raise HistoryError(message) from exc


def fault_message(exc: BaseException, path: Path) -> str | None:
    """A plain message for a fault of SQLite, the disk or its permissions; None for anything else.

    Args:
        exc: the exception raised.
        path: the history file (or export folder) named in the message.
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if isinstance(exc, OSError):
        name = {
            errno.ENOSPC: "SQLITE_FULL",
            errno.EDQUOT: "SQLITE_FULL",
            errno.EROFS: "SQLITE_READONLY",
            errno.EACCES: "SQLITE_PERM",
            errno.EPERM: "SQLITE_PERM",
        }.get(exc.errno, "")
        if not name:
            return None
    elif not isinstance(exc, sqlite3.Error):
        return None
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return (
            f"the disk holding {path} is full (or your quota is used up). Free some space or "
            f"choose another folder with --out; the history is unchanged"
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH", "SQLITE_CANTOPEN")) or (
        "readonly" in text or "unable to open" in text
    ):
        return (
            f"cannot write to {path}: the file or its folder is read-only or not yours. "
            f"Choose a folder you can write to with --out, or ask for write access; the "
            f"history is unchanged"
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return (
            f"another run held {path} for more than {BUSY_TIMEOUT_S:.0f} seconds; wait for "
            f"it to finish, then run again"
        )
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text:
        return (
            f"{path} is damaged or is not an SQLite file; move it aside (a new history is "
            f"started) or restore it from a backup"
        )
    if name.startswith("SQLITE_IOERR"):
        return f"the disk could not read or write {path} ({exc}); check the disk, then run again"
    return None
