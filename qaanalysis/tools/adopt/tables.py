"""Reading a folder of exports for ``init``: each table below its title rows, each column's profile."""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...config import GradeScale, default_settings
from ...sources.hints import propose_value
from ...sources.reader import (
    BLANKS,
    dedupe_headers,
    grade_map,
    normalise_label,
    parse_dates,
    read_raw,
)
from ...sources.schema import Column

# Words in a file name that hint at its source.
FILE_HINTS = {
    "audits": ("audit",),
    "audit_actions": ("action",),
    "kpis": ("kpi", "scorecard", "indicator"),
    "benchmarks": ("benchmark", "comparator", "lait"),
    "complaints": ("complaint", "compliment", "representation"),
    "feedback": ("feedback", "survey", "questionnaire", "participation"),
    "escalations": ("escalat", "alert", "drp", "dispute"),
}

_SKIP_PREFIXES = ("~$", ".")  # Excel lock files, hidden files
_READABLE = (".csv", ".txt", ".xlsx", ".xlsm")
# Columns whose codes the theme map names (and, for KPIs, the KPI catalogue): matched by their words.
_THEMED_CODES = {
    ("complaints", "category"): "complaint_categories",
    ("feedback", "question"): "feedback_questions",
    ("escalations", "category"): "escalation_categories",
    ("kpis", "kpi_id"): "kpis",
}
_ORDER = (
    "audits",
    "audit_actions",
    "annex_a",
    "kpis",
    "benchmarks",
    "complaints",
    "feedback",
    "escalations",
)
_SOURCE_TITLES = {
    "audits": "case-file audits",
    "audit_actions": "actions raised by audits",
    "annex_a": "Ofsted Annex A lists",
    "kpis": "monthly KPI scorecard",
    "benchmarks": "KPI benchmarks (England, region, statistical neighbours)",
    "complaints": "complaints, compliments and comments",
    "feedback": "participation and feedback responses",
    "escalations": "IRO / CP chair practice alerts and disputes",
}


# ---------------------------------------------------------------- reading the folder


@dataclass
class _Profile:
    """What one column's values look like."""

    header: str
    values: list[str]  # non-blank values
    rows: int
    date_share: float = 0.0
    number_share: float = 0.0
    grade_share: float = 0.0
    month_share: float = 0.0  # dates or months written 2025-04
    month_first: bool = False
    labels: frozenset[str] | None = None  # the distinct values, if few enough to be categories


@dataclass
class _Table:
    path: Path
    sheet: str | None
    frame: pd.DataFrame
    header_row: int
    encoding: str | None = None
    profiles: dict[str, _Profile] = field(default_factory=dict)
    above: list[str] = field(default_factory=list)  # the text of each filled row above the header

    @property
    def label(self) -> str:
        return self.path.name + (f" [{self.sheet}]" if self.sheet else "")


def _grid_header(rows: list[list[str]]) -> int:
    """The header row of a grid: the first of the top rows filled nearly as fully as the fullest.

    A title ("Case audit export, September") or a date line above the header fills one or two
    cells; the header fills most of them.
    """
    top = rows[:30]
    filled = [sum(1 for c in r if c) for r in top]
    most = max(filled, default=0)
    for i, n in enumerate(filled):
        if n >= max(2, 0.5 * most):
            return i
    return 0


def _csv_top_rows(path: Path, n: int = 30) -> list[list[str]]:
    """The first rows of a CSV, whatever their width (``read_raw`` cuts rows to the first one's)."""
    data = path.read_bytes()[:262144]
    text = data.decode("utf-8-sig", errors="ignore")
    if "\ufffd" in text or not text.strip():
        text = data.decode("cp1252", errors="replace")
    return [[c.strip() for c in row] for row in itertools.islice(csv.reader(io.StringIO(text)), n)]


def _is_blank(value: str) -> bool:
    return value.strip().lower() in BLANKS


_PROFILE_ROWS = 5000  # shares are judged on the first rows; labels are collected from all
_MAX_LABELS = 40  # more distinct values than this: not a column of categories or grades


def _profile(header: str, series: pd.Series, grades: GradeScale) -> _Profile:
    values = [v for v in series.astype(str) if not _is_blank(v)]
    profile = _Profile(header, values, len(series))
    if not values:
        return profile
    distinct = set(values)
    if len(distinct) <= _MAX_LABELS:
        profile.labels = frozenset(distinct)
    text = pd.Series(values[:_PROFILE_ROWS], dtype=object)
    if text.str.contains(r"\d").mean() < 0.5:  # mostly words: no dates, months or numbers
        profile.grade_share = _grade_share(text, grades)
        return profile
    dates = parse_dates(text)
    profile.date_share = float(dates.notna().mean())
    months = dates.notna() | text.str.fullmatch(r"\d{4}-\d{1,2}")
    profile.month_share = float(months.mean())
    parts = text.str.extract(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.]\d{2,4}")
    second = pd.to_numeric(parts[1], errors="coerce")
    profile.month_first = bool((second > 12).any()) and profile.date_share < 0.9
    numbers = pd.to_numeric(text.str.replace(",", "").str.replace("%", ""), errors="coerce")
    profile.number_share = float(numbers.notna().mean())
    profile.grade_share = _grade_share(text, grades)
    return profile


def _grade_share(text: pd.Series, grades: GradeScale) -> float:
    """The share of values that are grades, or close enough to one to propose it."""
    distinct = set(text)
    if len(distinct) > _MAX_LABELS:  # ids, dates, free text: no grade column has so many labels
        mapping = grade_map(grades)
        return float(text.map(lambda v: normalise_label(v) in mapping).mean())
    grade = Column("grade", "grade")
    known = {v: propose_value(v, grade, grades)[0] is not None for v in distinct}
    return sum(known[v] for v in text) / len(text)


def _read_table(path: Path, sheet: str | None, grades: GradeScale) -> _Table | None:
    expected: list[str] = []
    above: list[list[str]] = []
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        # A title line above a CSV's header would set the table's width: name the real header.
        top = _csv_top_rows(path)
        if top:
            expected = [c for c in top[_grid_header(top)] if c]
            above = top[: _grid_header(top)]
    frame, header_row = read_raw(path, sheet=sheet, expected=expected)
    if frame.empty and not len(frame.columns):
        return None
    # read_raw took the first filled row as the header; find the real one below any title rows.
    header = ["" if str(h).startswith("(blank column") else str(h) for h in frame.columns]
    rows = [header] + [list(map(str, r)) for r in frame.to_numpy().tolist()]
    at = _grid_header(rows)
    above += rows[:at]
    names = [h if h else f"(blank column {i + 1})" for i, h in enumerate(rows[at])]
    names = dedupe_headers(names)
    body = rows[at + 1 :]
    table = pd.DataFrame(body, columns=names, dtype=object)
    # Columns with no header and no values are spreadsheet debris.
    keep = [c for c, h in zip(names, rows[at], strict=True) if h or (table[c] != "").any()]
    table = table[keep]
    encoding = None
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        try:
            path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding = "windows-1252"
    result = _Table(path, sheet, table, header_row + at, encoding)
    result.above = [" ".join(c for c in row if c) for row in above if any(row)]
    result.profiles = {h: _profile(h, table[h], grades) for h in table.columns}
    return result


# A title line saying when the export was taken: "Exported 02/10/2026 09:14", "Run date: 2 October
# 2026", "Data as at 30/09/2026".
_EXPORTED = re.compile(
    r"\b(?:export(?:ed)?|extract(?:ed)?|run|produced|generated|downloaded|as at|report date)\b"
    r"\D{0,20}?(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2} [a-z]{3,9} \d{4})",
    re.IGNORECASE,
)


def exported_date(lines: list[str]) -> tuple[pd.Timestamp, str] | None:
    """The date a title line above the header says the export was taken, with that line.

    Example:
        >>> exported_date(["Case audit export", "Exported 02/10/2026 09:14 by J Smith"])[0]
        Timestamp('2026-10-02 00:00:00')
    """
    for line in lines:
        match = _EXPORTED.search(line)
        if match is None:
            continue
        date = parse_dates(pd.Series([match[1]], dtype=object)).iloc[0]
        if pd.notna(date):
            return pd.Timestamp(date), line
    return None


def _annex_sheets(sheets: list[str]) -> dict[str, str]:
    """``{list_4: "List 4 - Assessments"}`` for the sheets named like Annex A lists."""
    pattern = re.compile(r"^list\s*0*(\d+)(?!\d)")
    found = {}
    for name in sheets:
        match = pattern.match(normalise_label(name))
        if match and 1 <= int(match[1]) <= 11:
            found.setdefault(f"list_{int(match[1])}", name)
    return found


def _annex_declarations() -> tuple[dict[str, tuple[Column, ...]], dict[str, str]]:
    """Annex A list columns and key dates, as declared in ``sources/annex_a.py`` (if declared)."""
    try:
        from ...sources import annex_a
    except Exception:  # noqa: BLE001 - the module is being rewritten; adoption works without it
        return {}, {}
    return dict(getattr(annex_a, "ANNEX_A_LISTS", {}) or {}), dict(
        getattr(annex_a, "KEY_DATES", {})
    )


@functools.lru_cache(maxsize=1)
def _default_grades() -> GradeScale:
    return GradeScale.model_validate(default_settings()["grades"])
