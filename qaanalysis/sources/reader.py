"""Reading one export into canonical columns, with every row accounted for.

``read_source`` reads a CSV (UTF-16 with its byte-order mark, UTF-8 or Windows-1252; comma,
semicolon, tab or vertical-bar separated) or a spreadsheet's sheet (XLSX, XLS, ODS) as text,
matches the export's headers to the declared canonical columns (through ``la.yaml`` and tolerant
matching), coerces each column, and returns the accepted rows plus a :class:`SourceReport` naming
every rejected row and every blanked value with file, row (header = row 1), column, value and
reason.

Nothing is lost silently. A CSV's rows are reconciled with a separate line-by-line count of its
records, and a sheet's with its used range; a mismatch, or a quote left open, stops the read with
the file and line named. Headers written twice are told apart (``Team``, ``Team (2)``) and noted;
when such a header holds a canonical column the read stops, since nothing says which to use.
Wholly blank rows and repeats of the header row are rejected with that reason, once per row. Dates
outside the plausible range of ``reading`` in ``la.yaml`` are rejected; spreadsheet date columns
holding Excel serial numbers are read as dates. Cells longer than ``reading.max_cell_chars`` are
cut, with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import GradeScale, Reading, SourceConfig
from .rawfile import (  # noqa: F401 - read_raw, dedupe_headers, map_unique: used through here
    SPREADSHEET_SUFFIXES,
    SourceError,
    _closest,
    _cut,
    dedupe_headers,
    default_reading,
    map_unique,
    normalise_label,
    read_raw,
    read_text,
    workbook_sheets,
)
from .schema import Column


@dataclass
class Problem:
    file: str
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


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


def as_code(value: str) -> str:
    """A label as a snake_case code: "Not listened to" -> ``not_listened_to``."""
    return normalise_label(value).replace(" ", "_")


# ---------------------------------------------------------------- header matching


def candidate_headers(column: Column, config: SourceConfig) -> list[str]:
    """The headers that may hold a canonical column: configured ones, else name and synonyms."""
    configured = config.columns.get(column.name)
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    return [column.name, *column.header_synonyms]


def match_headers(
    frame: pd.DataFrame, columns: tuple[Column, ...], config: SourceConfig, *, label: str
) -> tuple[dict[str, str], list[str]]:
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


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d/%m/%y",
    "%d-%b-%Y",
    "%d-%b-%y",
)
_TIME_SUFFIX = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO or UK day-first dates; anything else (month-first included) is NaT.

    ``31/02/2025`` and ``03/31/2025`` are both NaT: there is no 31st February, and month-first
    dates are never guessed.
    """
    uniques = pd.Series(pd.unique(text.to_numpy()), dtype=object)
    parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    texts_only = isinstance(text.dtype, pd.StringDtype) and not text.hasnans
    exact, dates = _exact_dates(uniques, texts_only=texts_only)
    if exact.any():
        parsed[exact] = dates
    rest = uniques[~exact]
    if len(rest):
        parsed[~exact] = _parse_dates_by_format(rest).to_numpy()
    # Parse each distinct text once, then spread back over the rows.
    lookup = pd.Series(parsed.to_numpy(), index=uniques.to_numpy())
    return pd.Series(
        lookup.reindex(text.to_numpy()).to_numpy(), index=text.index, dtype="datetime64[ns]"
    )


def _parse_dates_by_format(uniques: pd.Series) -> pd.Series:
    """Distinct texts as dates, trying each accepted format in turn (the careful path)."""
    stripped = uniques.str.replace(_TIME_SUFFIX, "", regex=True).str.strip()
    parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        todo = parsed.isna() & (stripped != "")
        if not todo.any():
            break
        got = pd.to_datetime(stripped[todo], format=fmt, errors="coerce")
        try:
            parsed[todo] = got
        except pd.errors.OutOfBoundsDatetime:  # years beyond 1677 to 2262: not plausible dates
            parsed[todo] = got.where(got.dt.year.between(1678, 2261)).astype("datetime64[ns]")
    return parsed


_DIGITS = {"iso": r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "uk": r"[0-9]{2}/[0-9]{2}/[0-9]{4}"}


def _exact_dates(uniques: pd.Series, *, texts_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The fast path of :func:`parse_dates`: texts written exactly ``2025-04-01`` or
    ``01/04/2025`` (most of any export), read digit by digit.

    Returns:
        Per text, whether it was such a valid date (from 1678 to 2261, the years the careful
        path reads), and those dates. Every other text (31/02/2025 included) is left to
        :func:`_parse_dates_by_format`, which reads these texts alike, format by format.
    """
    exact = np.zeros(len(uniques), dtype=bool)
    if not len(uniques):
        return exact, np.zeros(0, dtype="datetime64[ns]")
    if texts_only:  # from a column of pandas strings with none missing
        text = pd.Series(uniques, dtype="str")
    else:
        is_text = np.fromiter((isinstance(u, str) for u in uniques), bool, count=len(uniques))
        text = pd.Series(uniques.where(is_text, ""), dtype="str")
    found = []
    for form, pattern in _DIGITS.items():
        match = text.str.fullmatch(pattern).to_numpy(dtype=bool)
        if not match.any():
            continue
        cells = np.array(text[match].tolist(), dtype="S10").view(np.uint8).reshape(-1, 10)
        d = cells.astype(np.int64) - ord("0")
        if form == "iso":
            year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
            month, day = d[:, 5] * 10 + d[:, 6], d[:, 8] * 10 + d[:, 9]
        else:
            day, month = d[:, 0] * 10 + d[:, 1], d[:, 3] * 10 + d[:, 4]
            year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
        months = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
        first = months.astype("datetime64[D]")
        days_in_month = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
        valid = ((year >= 1678) & (year <= 2261) & (month >= 1) & (month <= 12) & (day >= 1)) & (
            day <= days_in_month
        )
        at = np.flatnonzero(match)[valid]
        exact[at] = True
        found.append((at, (first[valid] + (day[valid] - 1)).astype("datetime64[ns]")))
    dates = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[ns]")
    for at, values in found:
        dates[at] = values
    return exact, dates[exact]


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (its 1900 leap-year slip included)
_SERIAL = re.compile(r"^\d{1,5}(\.\d+)?$")
_SERIAL_MAX = 100_000  # 14/10/2173: larger numbers are not dates


def excel_serial_dates(text: pd.Series) -> pd.Series:
    """Excel serial date numbers (``45748`` -> 01/04/2025) as dates; anything else NaT.

    Example:
        >>> excel_serial_dates(pd.Series(["45748", "45748.5", "x"])).dt.strftime("%d/%m/%Y").tolist()
        ['01/04/2025', '01/04/2025', nan]
    """
    numbers = pd.to_numeric(text.where(text.str.match(_SERIAL, na=False)), errors="coerce")
    numbers = numbers.where((numbers >= 1) & (numbers < _SERIAL_MAX)).fillna(-1).astype("int64")
    # Excel counts 29/02/1900, which never was: below day 61 the epoch is a day later.
    epoch = np.where(numbers < 61, _EXCEL_EPOCH + pd.Timedelta(days=1), _EXCEL_EPOCH)
    dates = pd.Series(epoch, index=text.index) + pd.to_timedelta(numbers, unit="D")
    return dates.where(numbers >= 1).astype("datetime64[ns]")


def _date_reason(value: str) -> str:
    parts = re.split(r"[/\-.]", value)
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        year = int(parts[0] if len(parts[0]) == 4 else parts[2])
        if year > pd.Timestamp.max.year:
            return f"not a plausible date (the year {year} is too far ahead)"
        if year <= pd.Timestamp.min.year:
            return f"not a plausible date (the year {year} is too long ago)"
        if len(parts[0]) <= 2:
            day, month = int(parts[0]), int(parts[1])
            if month > 12 and day <= 12:
                return "not a valid date: looks month-first; dates must be day-first (31/03/2025) or ISO"
            return "not a valid date (no such day)"
    if _SERIAL.match(value) and 1 <= float(value) < _SERIAL_MAX:
        date = excel_serial_dates(pd.Series([value])).iloc[0]
        return (
            f"not a date: {value} looks like an Excel serial date number ({date:%d/%m/%Y}); "
            "format the column as dates in the spreadsheet before saving it as CSV, or export XLSX"
        )
    return "not a date: expected day-first (31/03/2025) or ISO (2025-03-31)"


def _date_limits(
    values: pd.Series, column: Column, *, reading: Reading, extract_date: pd.Timestamp | None
) -> pd.Series | None:
    """Per row, why a date is implausible ("" when it is not), or None when every date is fine.

    Event dates must fall between ``reading.earliest_date`` and the extract date (or, where a later
    date is expected, such as a due date, ``reading.latest_years_after_extract`` after it). Dates
    of birth may be as early as ``reading.earliest_birth_date`` and, for an unborn child's
    expected date, up to ``reading.birth_weeks_after_extract`` weeks after the extract date.
    """
    if column.birth_date:
        earliest, setting = pd.Timestamp(reading.earliest_birth_date), "earliest_birth_date"
    else:
        earliest, setting = pd.Timestamp(reading.earliest_date), "earliest_date"
    latest, why = None, ""
    if extract_date is not None:
        extract = pd.Timestamp(extract_date)
        if column.birth_date:
            latest = extract + pd.Timedelta(weeks=reading.birth_weeks_after_extract)
            why = (
                f"date of birth more than {reading.birth_weeks_after_extract} weeks after the "
                f"extract date ({extract:%d/%m/%Y})"
            )
        elif column.not_after_extract:
            latest, why = extract, f"date after the extract date ({extract:%d/%m/%Y})"
        else:
            latest = extract + pd.DateOffset(years=reading.latest_years_after_extract)
            why = (
                f"date more than {reading.latest_years_after_extract} years after the extract "
                f"date ({extract:%d/%m/%Y}), too late to be plausible"
            )
    dates = values.to_numpy(dtype="datetime64[ns]")
    early = dates < earliest.to_datetime64()  # NaT compares False
    late = dates > latest.to_datetime64() if latest is not None else np.zeros(len(dates), bool)
    if not early.any() and not late.any():
        return None
    reason = pd.Series("", index=values.index, dtype=object)
    reason[early] = values[early].map(
        lambda d: (
            f"date {d:%d/%m/%Y} is before {earliest:%d/%m/%Y}, too early to be plausible "
            f"(reading.{setting})"
        )
    )
    reason[late] = why
    return reason


# A number whose commas sit every three digits from a leading 1 to 999: 1,234 or -12,345.67 (%).
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?%?")
_MISPLACED_COMMA = (
    "not a number: a comma that is not a thousands separator (a decimal comma?); write decimals "
    "with a point (17.5, not 17,5)"
)


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


def coerce_column(
    raw: pd.Series,
    column: Column,
    config: SourceConfig,
    *,
    grades: GradeScale,
    extract_date: pd.Timestamp | None,
    reading: Reading | None = None,
    excel_serials: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """Read one column of text into its canonical type.

    Args:
        raw: the column as tidied text.
        column: its declared canonical column.
        config: the source's settings (label mappings).
        grades: the configured grade scale.
        extract_date: dates after it are errors (see :func:`_date_limits` for the exceptions).
        reading: plausible date limits (default: the package defaults).
        excel_serials: the cells came from a spreadsheet, so a number in a date column is an
            Excel serial date (in a CSV it is rejected, with a hint).

    Returns:
        The typed values (missing where blank or unreadable) and, per row, the reason the value was
        unreadable ("" where it was fine or blank).
    """
    values, bad, reasons, codes = _coerce(
        raw,
        column,
        config,
        grades=grades,
        extract_date=extract_date,
        reading=reading,
        excel_serials=excel_serials,
    )
    reason = np.full(len(raw), "", dtype=object)
    if bad.any():
        reason[bad] = _reasons_at(reasons, codes, bad)
    return values, pd.Series(reason, index=raw.index, dtype=object)


def _reasons_at(reasons: pd.Series, codes: np.ndarray | None, at: np.ndarray) -> np.ndarray:
    """The reasons of the cells at ``at`` (a mask or positions), from :func:`_coerce`."""
    held = reasons.to_numpy(dtype=object)
    return held[at] if codes is None else held[codes[at]]


def _coerce(
    raw: pd.Series,
    column: Column,
    config: SourceConfig,
    *,
    grades: GradeScale,
    extract_date: pd.Timestamp | None,
    reading: Reading | None = None,
    excel_serials: bool = False,
) -> tuple[pd.Series, np.ndarray, pd.Series, np.ndarray | None]:
    """:func:`coerce_column`, reading each distinct text once (exports repeat a lot).

    Returns:
        The typed values, per row whether the value was unreadable, the reasons per distinct text
        (``""`` where fine) and each row's distinct text (its position in the reasons); the codes
        are None when every row was read on its own (identifiers and free text, whose values
        rarely repeat and need no reading).
    """
    options = {
        "grades": grades,
        "extract_date": extract_date,
        "reading": reading,
        "excel_serials": excel_serials,
    }
    if column.kind in ("id", "text"):
        values, reason = _coerce_values(raw, column, config, **options)
        return values, np.zeros(len(raw), dtype=bool), reason, None
    codes, uniques = pd.factorize(raw, use_na_sentinel=False)
    distinct = pd.Series(uniques, dtype=raw.dtype)
    values, reason = _coerce_values(distinct, column, config, **options)
    bad = (reason != "").to_numpy(dtype=bool)[codes]
    if isinstance(values.dtype, np.dtype):
        spread = pd.Series(values.to_numpy()[codes], index=raw.index, dtype=values.dtype)
    else:
        spread = pd.Series(values.array.take(codes), index=raw.index)
    return spread, bad, reason, codes


def _coerce_values(
    raw: pd.Series,
    column: Column,
    config: SourceConfig,
    *,
    grades: GradeScale,
    extract_date: pd.Timestamp | None,
    reading: Reading | None = None,
    excel_serials: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """Read text into a column's canonical type: the values and, per value, why it was unreadable."""
    blank = raw.str.lower().isin(BLANKS)
    reason = pd.Series("", index=raw.index, dtype=object)
    kind = column.kind
    if kind in ("id", "text"):
        return raw.where(~blank), reason  # read as written: nothing can be unreadable
    if kind == "code":
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
        mapping = {
            "yes": True,
            "y": True,
            "true": True,
            "1": True,
            "no": False,
            "n": False,
            "false": False,
            "0": False,
        }
        mapping.update(
            {
                normalise_label(k): normalise_label(v) in ("yes", "y", "true")
                for k, v in config.values.get(column.name, {}).items()
            }
        )
        values = map_unique(raw, lambda v: mapping.get(normalise_label(v))).astype("boolean")
        reason[values.isna() & ~blank] = "not yes or no"
    elif kind in ("date", "month"):
        values = parse_dates(raw.where(~blank, ""))
        if excel_serials and (values.isna() & ~blank).any():
            values = values.fillna(excel_serial_dates(raw.where(~blank & values.isna(), "")))
        if kind == "month":
            month_only = pd.to_datetime(
                raw.where(~blank & values.isna(), ""), format="%Y-%m", errors="coerce"
            )
            values = values.fillna(month_only).dt.to_period("M").dt.to_timestamp()
        bad = values.isna() & ~blank
        reason[bad] = raw[bad].map(_date_reason)
        limits = _date_limits(
            values, column, reading=reading or default_reading(), extract_date=extract_date
        )
        if limits is not None:
            reason = reason.where(limits == "", limits)
    elif kind in ("number", "integer"):
        # A comma is read only as a thousands separator (1,234.5); anywhere else (17,5 or 0,85
        # from a continental export) dropping it would silently multiply the number.
        misplaced = (
            raw.str.contains(",", regex=False) & ~raw.str.fullmatch(_GROUPED, na=False) & ~blank
        )
        text = raw.str.replace(",", "", regex=False).str.replace("%", "", regex=False)
        values = pd.to_numeric(text.where(~blank & ~misplaced), errors="coerce")
        bad = values.isna() & ~blank
        reason[bad] = "not a number"
        reason[misplaced] = _MISPLACED_COMMA
        if column.bounds is not None:
            reason = reason.where(reason != "", _outside(values, column.bounds))
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


def _outside(values: pd.Series, bounds: tuple[float | None, float | None]) -> pd.Series:
    """Per value, why it lies outside its column's plausible range ("" where it does not)."""
    low, high = bounds
    outside = pd.Series(False, index=values.index)
    if low is not None:
        outside |= values < low
    if high is not None:
        outside |= values > high
    if low is None:
        span = f"at most {high:g}"
    elif high is None:
        span = f"at least {low:g}"
    else:
        span = f"{low:g} to {high:g}"
    return pd.Series("", index=values.index, dtype=object).mask(
        outside.fillna(False).astype(bool), f"outside the plausible range ({span})"
    )


def read_source(
    name: str,
    columns: tuple[Column, ...],
    config: SourceConfig,
    *,
    path: Path,
    grades: GradeScale,
    extract_date: pd.Timestamp | None,
    sheet: str | None = None,
    reading: Reading | None = None,
    search_sheets: bool = True,
) -> tuple[pd.DataFrame, SourceReport, pd.DataFrame]:
    """Read one file of a source into canonical columns.

    Args:
        name: the source (``audits``, ``annex_a``, ...), for the report.
        columns: the source's declared canonical columns.
        config: the source's settings in ``la.yaml``.
        path: the file.
        grades: the configured grade scale.
        extract_date: dates after it are errors (due dates and dates of birth within limits).
        sheet: the sheet to read (default: ``config.sheet``, else the first).
        reading: the reader's limits (default: the package defaults).
        search_sheets: look through every sheet when the one asked for is missing or has no
            matching header (off for Annex A, whose lists share their columns).

    Returns:
        The accepted rows (index ``row``: the row number the user sees), the report, and the rejected
        rows as read (for ``rejected_rows.csv``).

    Raises:
        SourceError: missing file, sheet or required column; a quote left open or rows that do not
            reconcile; a header written twice that holds a canonical column.
    """
    reading = reading or default_reading()
    expected = [h for c in columns if c.required for h in candidate_headers(c, config)]
    raw, header_row = read_text(
        path,
        sheet=sheet or config.sheet,
        encoding=config.encoding,
        expected=expected,
        delimiter=config.delimiter,
        search_sheets=search_sheets,
        max_cell_chars=reading.max_cell_chars,
    )
    label = raw.attrs.get("label", path.name)
    report = SourceReport(name, files=[str(path)])
    report.notes += raw.attrs.get("notes", [])
    try:
        if raw.empty and not len(raw.columns):
            report.notes.append(f"{label}: the file is empty")
            if any(c.required for c in columns):
                match_headers(raw, columns, config, label=label)  # raises naming the column
        found, notes = match_headers(raw, columns, config, label=label)
    except SourceError as exc:
        sheets = [n for n in report.notes if "no sheet has a header" in n]
        raise SourceError(str(exc) + "".join(f"; {n}" for n in sheets)) from None
    report.notes += notes
    report.columns_found = found
    _check_duplicate_headers(raw.attrs.get("duplicates", []), found, report, label=label)
    raw.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(raw), name="row")
    report.rows_read = len(raw)

    out: dict[str, pd.Series] = {}
    index = raw.index.to_numpy()
    rejected_reason = np.array(_whole_row_problems(raw, report, label=label), dtype=object)
    whole_row = rejected_reason != ""
    is_rejected = whole_row.copy()
    excel_serials = bool(raw.attrs.get("spreadsheet"))
    for column in columns:
        if column.name not in found:
            out[column.name] = pd.Series(index=raw.index, dtype=empty_dtype(column))
            continue
        header = found[column.name]
        text = raw[header].astype(str)
        values, bad, reasons, codes = _coerce(
            text,
            column,
            config,
            grades=grades,
            extract_date=extract_date,
            reading=reading,
            excel_serials=excel_serials,
        )
        if column.required:
            missing = values.isna().to_numpy(dtype=bool) & ~bad
        else:
            missing = np.zeros(len(values), dtype=bool)
        report_at = np.flatnonzero((bad | missing) & ~whole_row)
        if len(report_at):
            why = _reasons_at(reasons, codes, report_at).copy()
            why[missing[report_at]] = "required value is blank"
            shown = text.iloc[report_at].tolist()
            for at, value, reason in zip(report_at, shown, why, strict=True):
                problem = Problem(label, int(index[at]), header, value, reason)
                if column.required:
                    report.rejections.append(problem)
                    if not is_rejected[at]:
                        rejected_reason[at] = f"{column.name}: {reason}"
                        is_rejected[at] = True
                else:
                    report.warnings.append(problem)
        out[column.name] = values
        if column.unique:
            dup = values.duplicated().to_numpy() & values.notna().to_numpy() & ~is_rejected
            rows = pd.Series(values.index, index=values.index)
            first_seen = rows.groupby(values.fillna("").to_numpy()).transform("min").to_numpy()
            shown = text.to_numpy(dtype=object)
            for at in np.flatnonzero(dup):
                reason_text = f"duplicate {column.name} (first seen at row {first_seen[at]})"
                report.rejections.append(
                    Problem(label, int(index[at]), header, shown[at], reason_text)
                )
                rejected_reason[at] = reason_text
                is_rejected[at] = True

    # A rejected row's blanked optional values are moot: report only the row's rejection.
    first_row = int(index[0]) if len(index) else 0
    report.warnings = [w for w in report.warnings if not is_rejected[w.row - first_row]]
    report.rows_rejected = int(is_rejected.sum())
    report.rows_accepted = report.rows_read - report.rows_rejected
    rejected = raw[is_rejected].astype(object)
    reasons = pd.Series(rejected_reason[is_rejected], index=rejected.index, dtype=object)
    rejected.insert(0, "reason", reasons)
    rejected.insert(0, "file", label)
    rejected.insert(0, "source", name)
    out = pd.DataFrame(out, index=raw.index)
    return (out[~is_rejected] if is_rejected.any() else out), report, rejected


def _check_duplicate_headers(
    duplicates: list, found: dict[str, str], report: SourceReport, *, label: str
) -> None:
    """A header written twice: fatal if it holds a canonical column, else a note."""
    for header, positions, names in duplicates:
        where = ", ".join(str(p) for p in positions[:-1]) + f" and {positions[-1]}"
        where += " are both" if len(positions) == 2 else " are all"
        used = [c for c, h in found.items() if h in names]
        if used:
            raise SourceError(
                f"{label}: columns {where} headed '{header}', which is read as "
                f"{used[0]}; nothing says which to use, so rename or remove all but one and "
                "export again"
            )
        report.notes.append(
            f"{label}: columns {where} headed '{header}'; they are read as "
            + ", ".join(f"'{n}'" for n in names)
            + " (none holds a column the suite uses)"
        )


def _whole_row_problems(raw: pd.DataFrame, report: SourceReport, *, label: str) -> pd.Series:
    """Reject wholly blank rows and repeats of the header row, once each; per row, the reason."""
    reason = pd.Series("", index=raw.index, dtype=object)
    if not len(raw.columns) or not len(raw):
        return reason
    header = [str(h) for h in raw.attrs.get("header", [])]
    first = raw.iloc[:, 0]
    # Check the first column (cheap) before the whole row.
    for candidates, what in ((first == "", "blank"), (first == (header or [None])[0], "header")):
        if not candidates.any():
            continue
        rows = raw[candidates.to_numpy()]
        if what == "blank":
            hits = rows.index[(rows == "").all(axis=1).to_numpy()]
            text = "blank row"
        else:
            hits = rows.index[(rows == header).all(axis=1).to_numpy()]
            text = "the header row again (were two exports joined?)"
        for row in hits:
            value = "" if what == "blank" else _cut(" | ".join(header), 80)
            report.rejections.append(Problem(label, int(row), "(whole row)", value, text))
            reason[row] = text
    return reason


def empty_dtype(column: Column) -> str:
    return {
        "date": "datetime64[ns]",
        "month": "datetime64[ns]",
        "yesno": "boolean",
        "number": "float64",
        "integer": "Int64",
        "year": "Int64",
    }.get(column.kind, "object")
