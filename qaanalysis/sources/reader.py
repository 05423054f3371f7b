"""Reading one export into canonical columns, with every row accounted for.

``read_source`` reads a CSV (UTF-8, falling back to Windows-1252) or an XLSX sheet as text, matches
the export's headers to the declared canonical columns (through ``la.yaml`` and tolerant matching),
coerces each column, and returns the accepted rows plus a :class:`SourceReport` naming every
rejected row and every blanked value with file, row (header = row 1), column, value and reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import GradeScale, SourceConfig
from .schema import Column

try:  # 2026-11: calamine reads XLSX about ten times faster than openpyxl
    import python_calamine  # noqa: F401

    _EXCEL_ENGINE = "calamine"
except ImportError:  # pragma: no cover - openpyxl is always installed
    _EXCEL_ENGINE = "openpyxl"


class SourceError(Exception):
    """A source cannot be read at all: a missing file, sheet or required column."""


@dataclass
class Problem:
    file: str
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column,
                "value": self.value, "reason": self.reason}  # fmt: skip


@dataclass
class SourceReport:
    """Row accounting for one source: rows read = rows accepted + rows rejected."""

    name: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rejections: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns_found: dict[str, str] = field(default_factory=dict)  # canonical -> export header

    def add(self, other: SourceReport) -> None:
        """Fold another file's report (Annex A lists) into this one."""
        self.files += other.files
        self.rows_read += other.rows_read
        self.rows_accepted += other.rows_accepted
        self.rows_rejected += other.rows_rejected
        self.rejections += other.rejections
        self.warnings += other.warnings
        self.notes += other.notes

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "rejections": [p.as_dict() for p in self.rejections],
            "warnings": [p.as_dict() for p in self.warnings],
            "notes": self.notes,
        }


BLANKS = {"", "-", "#n/a", "n/a", "na", "null", "none", "nan", "nat", "not recorded"}
_PREFIX = re.compile(r"^\s*[a-z]\)\s*", re.IGNORECASE)  # 2024-01: Annex A codes "a) Yes"
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_label(value: str) -> str:
    """Compare labels ignoring case, spaces, punctuation, curly quotes and letter prefixes."""
    text = str(value).replace("\u00a0", " ").replace("\u2019", "'").lower()
    text = _PREFIX.sub("", text)
    return _NON_ALNUM.sub(" ", text).strip()


def as_code(value: str) -> str:
    """A label as a snake_case code: "Not listened to" -> ``not_listened_to``."""
    return normalise_label(value).replace(" ", "_")


def _tidy(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores integer ids as floats
    return " ".join(str(value).replace("\u00a0", " ").split())


# ---------------------------------------------------------------- reading files


def read_raw(path: Path, *, sheet: str | None = None, encoding: str | None = None,
             expected: list[str] = ()) -> tuple[pd.DataFrame, int]:  # fmt: skip
    """Read a CSV or XLSX sheet as text.

    Returns:
        The table (all values tidied text, one column per header) and the row number, as the user
        sees it, of the header row. Data row ``i`` (0-based) is at ``header_row + 1 + i``.

    Raises:
        SourceError: the file or sheet is missing or unreadable.
    """
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            book = pd.ExcelFile(path, engine=_EXCEL_ENGINE)
        except Exception as exc:
            raise SourceError(f"{path}: cannot be read as an Excel workbook ({exc})") from None
        if sheet is None:
            sheet = book.sheet_names[0]
        if sheet not in book.sheet_names:
            match = _closest(sheet, book.sheet_names)
            raise SourceError(
                f"{path}: sheet '{sheet}' not found; sheets found: {', '.join(book.sheet_names)}"
                + (f" (closest match: '{match}')" if match else "")
            )
        grid = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
        label = f"{path.name} [{sheet}]"
    else:
        data = path.read_bytes()
        for enc in [encoding] if encoding else ["utf-8-sig", "cp1252"]:
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise SourceError(f"{path}: not readable as UTF-8 or Windows-1252 text")
        grid = _read_csv_text(text)
        label = path.name
    if len(grid):
        # Spreadsheet cells (object) may be numbers or dates; CSV cells are all text.
        is_cells = any(pd.api.types.is_object_dtype(d) for d in grid.dtypes)
        grid = grid.apply(_tidy_any if is_cells else _tidy_text)
    rows = grid.head(50).values.tolist()
    header_index = _find_header(rows, expected)
    if header_index is None:
        return pd.DataFrame(), 1
    header = [h if h else f"(blank column {i + 1})" for i, h in enumerate(rows[header_index])]
    body = grid.iloc[header_index + 1 :]
    # Drop trailing wholly blank rows (spreadsheets often carry them); inner blank rows are kept so
    # that row numbers stay true, and are rejected as blank.
    filled = (body != "").any(axis=1).to_numpy()
    last = len(filled) - int(filled[::-1].argmax()) if filled.any() else 0
    frame = pd.DataFrame(body.iloc[:last].to_numpy(), columns=dedupe_headers(header), dtype=object)
    frame.attrs["label"] = label
    return frame, header_index + 1


def _read_csv_text(text: str) -> pd.DataFrame:
    """A CSV as a grid of text, every row kept (title rows, blank rows, ragged rows)."""
    try:
        # The C parser is fast; it refuses a row longer than the first, which title rows cause.
        return pd.read_csv(io.StringIO(text), header=None, dtype="str", keep_default_na=False,
                           skip_blank_lines=False, engine="c").fillna("")  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        width = max((len(r) for r in rows), default=0)
        return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def _tidy_text(column: pd.Series) -> pd.Series:
    """Tidy a column of text: non-breaking spaces and runs of whitespace become one space.

    Most cells are already tidy, so cheap substring checks pick out the few that are not, and only
    those are rewritten (a large authority's Annex A has some 11 million cells).
    """
    needs = column.str.startswith(" ") | column.str.endswith(" ")
    for fragment in ("  ", "\u00a0", "\t", "\n", "\r"):
        needs |= column.str.contains(fragment, regex=False)
    needs = needs.fillna(False).to_numpy(dtype=bool)
    out = column.astype(object)
    if needs.any():
        out[needs] = column[needs].map(_tidy)
    return out


def _tidy_any(column: pd.Series) -> pd.Series:
    """Tidy a spreadsheet column: numbers, dates and text, each distinct value once."""
    return map_unique(column, _tidy)


def map_unique(values: pd.Series, func) -> pd.Series:
    """``values.map(func)``, calling ``func`` once per distinct value (exports repeat a lot)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def dedupe_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def _find_header(rows: list[list[str]], expected: list[str]) -> int | None:
    """The header row: the first row naming an expected column, else the first non-blank row."""
    wanted = {normalise_label(e) for e in expected}
    first = None
    for i, row in enumerate(rows[:50]):
        if not any(row):
            continue
        if first is None:
            first = i
        if wanted & {normalise_label(c) for c in row if c}:
            return i
    return first


def _closest(name: str, options: list[str]) -> str | None:
    by_norm = {normalise_label(o): o for o in options}
    hit = difflib.get_close_matches(normalise_label(name), list(by_norm), n=1, cutoff=0.6)
    return by_norm[hit[0]] if hit else None


# ---------------------------------------------------------------- header matching


def candidate_headers(column: Column, config: SourceConfig) -> list[str]:
    """The headers that may hold a canonical column: configured ones, else name and synonyms."""
    configured = config.columns.get(column.name)
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    return [column.name, *column.header_synonyms]


def match_headers(frame: pd.DataFrame, columns: tuple[Column, ...], config: SourceConfig,
                  *, label: str) -> tuple[dict[str, str], list[str]]:  # fmt: skip
    """Map canonical columns to the export's headers.

    Returns:
        ``{canonical: header}`` for the columns found, and notes about optional columns that were
        configured but not found.

    Raises:
        SourceError: a required column is missing; names the file, the column, the columns found
            and the closest match.
    """
    by_norm = {normalise_label(h): h for h in frame.columns}
    found, notes = {}, []
    for column in columns:
        wanted = candidate_headers(column, config)
        hit = next(
            (by_norm[normalise_label(w)] for w in wanted if normalise_label(w) in by_norm), None
        )
        if hit is not None:
            found[column.name] = hit
            continue
        configured = column.name in config.columns
        if column.required or configured:
            from .hints import column_hint  # here, not at the top: hints imports this module

            hint = column_hint(list(frame.columns), column, synonyms=wanted, exclude=found.values())
            closest = None if hint else _closest(wanted[0], list(frame.columns))
            message = (
                f"{label}: {'required ' if column.required else ''}column '{column.name}'"
                + (f" (configured as '{wanted[0]}')" if configured else "")
                + " not found; columns found: "
                + (", ".join(f"'{c}'" for c in frame.columns) or "none (the file is empty)")
                + (f"; {hint}" if hint else f"; closest match: '{closest}'" if closest else "")
            )
            if column.required:
                raise SourceError(message)
            notes.append(message + "; the column is treated as absent")
    return found, notes


# ---------------------------------------------------------------- coercion


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%d/%m/%y",
                 "%d-%b-%Y", "%d-%b-%y")  # fmt: skip
_TIME_SUFFIX = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO or UK day-first dates; anything else (month-first included) is NaT.

    ``31/02/2025`` and ``03/31/2025`` are both NaT: there is no 31st February, and month-first
    dates are never guessed.
    """
    uniques = pd.Series(pd.unique(text.to_numpy()), dtype=object)
    stripped = uniques.str.replace(_TIME_SUFFIX, "", regex=True).str.strip()
    parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        todo = parsed.isna() & (stripped != "")
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(stripped[todo], format=fmt, errors="coerce")
    # Parse each distinct text once, then spread back over the rows.
    lookup = pd.Series(parsed.to_numpy(), index=uniques.to_numpy())
    return pd.Series(lookup.reindex(text.to_numpy()).to_numpy(), index=text.index,
                     dtype="datetime64[ns]")  # fmt: skip


def _date_reason(value: str) -> str:
    parts = re.split(r"[/\-.]", value)
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) <= 2:
        day, month = int(parts[0]), int(parts[1])
        if month > 12 and day <= 12:
            return (
                "not a valid date: looks month-first; dates must be day-first (31/03/2025) or ISO"
            )
        return "not a valid date (no such day)"
    return "not a date: expected day-first (31/03/2025) or ISO (2025-03-31)"


def _vocab_map(column: Column, config: SourceConfig) -> dict[str, str]:
    mapping = {normalise_label(v): v for v in column.vocab}
    mapping.update({normalise_label(k): v for k, v in column.value_synonyms.items()})
    mapping.update({normalise_label(k): v for k, v in config.values.get(column.name, {}).items()})
    return mapping


def grade_map(grades: GradeScale) -> dict[str, str]:
    """Normalised grade label -> grade on the configured scale (numeric grades included)."""
    mapping = {normalise_label(g): g for g in grades.labels}
    mapping.update({normalise_label(k): v for k, v in grades.synonyms.items()})
    if grades.numeric_best is not None:
        ordered = grades.labels if grades.numeric_best == 1 else list(reversed(grades.labels))
        mapping.update({str(i + 1): g for i, g in enumerate(ordered)})
    return mapping


def coerce_column(raw: pd.Series, column: Column, config: SourceConfig, *, grades: GradeScale,
                  extract_date: pd.Timestamp | None) -> tuple[pd.Series, pd.Series]:  # fmt: skip
    """Read one column of text into its canonical type.

    Returns:
        The typed values (missing where blank or unreadable) and, per row, the reason the value was
        unreadable ("" where it was fine or blank).
    """
    blank = raw.str.lower().isin(BLANKS)
    reason = pd.Series("", index=raw.index, dtype=object)
    kind = column.kind
    if kind in ("id", "text"):
        values = raw.where(~blank)
    elif kind == "code":
        local = config.values.get(column.name, {})
        values = map_unique(raw, lambda v: as_code(local.get(v, v))).where(~blank)
    elif kind in ("category", "grade"):
        if kind == "grade":
            mapping = grade_map(grades)
            local = config.values.get(column.name, {})
            mapping.update({normalise_label(k): v for k, v in local.items()})
        else:
            mapping = _vocab_map(column, config)
        values = map_unique(raw, lambda v: mapping.get(normalise_label(v)))
        bad = values.isna() & ~blank
        if kind == "grade":
            reason[bad] = "not a grade on the configured scale (" + ", ".join(grades.labels) + ")"
        else:
            reason[bad] = "not one of the expected values (" + ", ".join(column.vocab) + ")"
        if bad.any():
            from .hints import value_hint

            hints = {v: value_hint(v, column, grades=grades) for v in raw[bad].unique()}
            reason[bad] = reason[bad] + raw[bad].map(lambda v: f"; {hints[v]}" if hints[v] else "")
    elif kind == "yesno":
        mapping = {"yes": True, "y": True, "true": True, "1": True,
                   "no": False, "n": False, "false": False, "0": False}  # fmt: skip
        mapping.update({normalise_label(k): normalise_label(v) in ("yes", "y", "true")
                        for k, v in config.values.get(column.name, {}).items()})  # fmt: skip
        values = map_unique(raw, lambda v: mapping.get(normalise_label(v))).astype("boolean")
        reason[values.isna() & ~blank] = "not yes or no"
    elif kind in ("date", "month"):
        values = parse_dates(raw.where(~blank, ""))
        if kind == "month":
            month_only = pd.to_datetime(raw.where(~blank & values.isna(), ""), format="%Y-%m",
                                        errors="coerce")  # fmt: skip
            values = values.fillna(month_only).dt.to_period("M").dt.to_timestamp()
        bad = values.isna() & ~blank
        reason[bad] = raw[bad].map(_date_reason)
        if column.not_after_extract and extract_date is not None:
            late = values > extract_date
            reason[late] = f"date after the extract date ({extract_date:%d/%m/%Y})"
            values = values.where(~late)
    elif kind in ("number", "integer"):
        text = raw.str.replace(",", "", regex=False).str.replace("%", "", regex=False)
        values = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = values.isna() & ~blank
        reason[bad] = "not a number"
        if kind == "integer":
            fractional = values.notna() & (values % 1 != 0)
            reason[fractional] = "not a whole number"
            values = values.where(~fractional).astype("Int64")
    elif kind == "year":
        year = raw.str.extract(r"^(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?$")
        start, end = pd.to_numeric(year[0], errors="coerce"), year[1]
        # "2024-25" is the year ending March 2025; a bare "2025" is DfE's time_period, the same year.
        values = (start + end.notna().astype(int)).where(start.notna()).astype("Int64")
        reason[values.isna() & ~blank] = "not a year (2025 or 2024-25)"
    else:  # pragma: no cover - declared kinds only
        raise ValueError(f"unknown column kind {kind!r}")
    values = values.where(reason == "")
    return values, reason


def read_source(name: str, columns: tuple[Column, ...], config: SourceConfig, *, path: Path,
                grades: GradeScale, extract_date: pd.Timestamp | None,
                sheet: str | None = None) -> tuple[pd.DataFrame, SourceReport, pd.DataFrame]:  # fmt: skip
    """Read one file of a source into canonical columns.

    Returns:
        The accepted rows (index ``row``: the row number the user sees), the report, and the rejected
        rows as read (for ``rejected_rows.csv``).

    Raises:
        SourceError: missing file, sheet or required column.
    """
    expected = [h for c in columns if c.required for h in candidate_headers(c, config)]
    raw, header_row = read_raw(path, sheet=sheet or config.sheet, encoding=config.encoding,
                               expected=expected)  # fmt: skip
    label = raw.attrs.get("label", path.name)
    report = SourceReport(name, files=[str(path)])
    if raw.empty and not len(raw.columns):
        report.notes.append(f"{label}: the file is empty")
        if any(c.required for c in columns):
            match_headers(raw, columns, config, label=label)  # raises naming the missing column
    found, notes = match_headers(raw, columns, config, label=label)
    report.notes += notes
    report.columns_found = found
    raw.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(raw), name="row")
    report.rows_read = len(raw)

    out = pd.DataFrame(index=raw.index)
    rejected_reason = pd.Series("", index=raw.index, dtype=object)
    for column in columns:
        if column.name not in found:
            out[column.name] = pd.Series(index=raw.index, dtype=empty_dtype(column))
            continue
        header = found[column.name]
        text = raw[header].astype(str)
        values, reason = coerce_column(
            text, column, config, grades=grades, extract_date=extract_date
        )
        if column.required:
            missing = values.isna() & (reason == "")
            reason = reason.where(~missing, "required value is blank")
        for row in reason.index[reason != ""]:
            problem = Problem(label, int(row), header, text[row], reason[row])
            if column.required:
                report.rejections.append(problem)
                rejected_reason[row] = rejected_reason[row] or f"{column.name}: {reason[row]}"
            else:
                report.warnings.append(problem)
        out[column.name] = values
        if column.unique:
            dup = values.duplicated() & values.notna() & (rejected_reason == "")
            rows = pd.Series(values.index, index=values.index)
            first_seen = rows.groupby(values.fillna("").to_numpy()).transform("min")
            for row in dup.index[dup]:
                reason_text = f"duplicate {column.name} (first seen at row {first_seen[row]})"
                report.rejections.append(Problem(label, int(row), header, text[row], reason_text))
                rejected_reason[row] = reason_text

    is_rejected = rejected_reason != ""
    # A rejected row's blanked optional values are moot: report only the row's rejection.
    report.warnings = [w for w in report.warnings if not is_rejected[w.row]]
    report.rows_rejected = int(is_rejected.sum())
    report.rows_accepted = report.rows_read - report.rows_rejected
    rejected = raw[is_rejected].copy()
    rejected.insert(0, "reason", rejected_reason[is_rejected])
    rejected.insert(0, "file", label)
    rejected.insert(0, "source", name)
    return out[~is_rejected], report, rejected


def empty_dtype(column: Column) -> str:
    return {"date": "datetime64[ns]", "month": "datetime64[ns]", "yesno": "boolean",
            "number": "float64", "integer": "Int64", "year": "Int64"}.get(column.kind, "object")  # fmt: skip
