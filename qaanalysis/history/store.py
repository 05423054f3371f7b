"""The history file itself: its schema, connections, migrations and faults (see the package)."""

from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import closing
from importlib import metadata
from pathlib import Path

from ..config import Config

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


class HistoryError(Exception):
    """The history could not be read or written; the message says why and what to do.

    Carries ``exit_code`` (1) like the runner's ``PackError``, so the command line and the runner can
    treat it alike.
    """

    def __init__(self, message: str, exit_code: int = EXIT_FAULT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def history_path(config: Config, out: str | Path = "outputs") -> Path:
    """The authority's history file: ``<out>/<authority slug>/history.sqlite``."""
    return Path(out) / config.authority.slug / FILE_NAME


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
