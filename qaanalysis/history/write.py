"""Recording a run: every value checked before the file is touched, then one transaction."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from ..figures import Figure, format_value
from ..periods import parse_period
from . import store
from .store import (
    FIGURE_COLUMNS,
    MESSAGE_COLUMNS,
    MESSAGE_KINDS,
    THEME_COLUMNS,
    HistoryError,
    _create,
    _faults,
    _prepare,
)

_FIGURE_FIELDS = {f.name for f in fields(Figure)}


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
        with closing(store._connect(path, readonly=False)) as conn:
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
