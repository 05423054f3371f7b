"""Reading an export's cells as text, proving that no row was lost on the way.

:func:`read_raw` reads a CSV (UTF-16 with its byte-order mark, UTF-8 or Windows-1252; comma,
semicolon, tab or vertical-bar separated) or a spreadsheet's sheet (XLSX, XLS, ODS) into a grid of
tidy text under its header row. A CSV's rows are reconciled with a separate line-by-line count of
its records (:func:`scan_records`), and a sheet's with its used range; a mismatch, or a quote left
open, stops the read naming the file and line. :mod:`qaanalysis.sources.reader` matches the
headers and types the values.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import difflib
import functools
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine  # reads XLSX, XLS and ODS, about ten times faster than openpyxl

from ..config import Reading, default_settings


class SourceError(Exception):
    """A source cannot be read at all: a missing file, sheet or required column."""


_PREFIX = re.compile(r"^\s*[a-z]\)\s*", re.IGNORECASE)  # 2024-01: Annex A codes "a) Yes"
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_label(value: str) -> str:
    """Compare labels ignoring case, spaces, punctuation, curly quotes and letter prefixes."""
    text = str(value).replace("\u00a0", " ").replace("\u2019", "'").lower()
    text = _PREFIX.sub("", text)
    return _NON_ALNUM.sub(" ", text).strip()


def _tidy(value) -> str:
    if type(value) is str and _is_tidy(value):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores integer ids as floats
    return " ".join(str(value).replace("\u00a0", " ").split())


def _is_tidy(text: str) -> bool:
    """Whether :func:`_tidy` leaves a text as it is: every whitespace character but the space is
    unprintable, so a printable text with no space at either end and none doubled is tidy."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


# ---------------------------------------------------------------- reading files

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
DELIMITERS = (",", ";", "\t", "|")
_LINE_END = re.compile(r"\r\n|\r|\n")
_HEADER_ROWS = 50  # the header is looked for in this many rows at the top


def read_raw(
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    expected: list[str] = (),
    delimiter: str | None = None,
    search_sheets: bool = True,
    max_cell_chars: int | None = None,
) -> tuple[pd.DataFrame, int]:
    """Read a CSV or a spreadsheet's sheet (XLSX, XLS, ODS) as text, proving no row was lost.

    A CSV may be UTF-16 (with its byte-order mark), UTF-8 or Windows-1252, separated by commas,
    semicolons, tabs or vertical bars (found from the first lines unless ``delimiter`` is given).
    Its rows are reconciled with a separate line-by-line count of its records, and a quote left
    open (which would swallow every later row into one cell) stops the read. A sheet's rows are
    reconciled with the sheet's used range. When the sheet asked for is missing or has no header
    naming any ``expected`` column, every sheet is looked through (if ``search_sheets``).

    Returns:
        The table (all values tidied text, one column per header, headers made unique) and the
        row number, as the user sees it, of the header row. Data row ``i`` (0-based) is at
        ``header_row + 1 + i``. ``frame.attrs`` holds ``label`` (file and sheet), ``notes`` (what
        the reader did that the user should know), ``spreadsheet`` (cells came from a sheet),
        ``header`` (the header row as written) and ``duplicates`` (headers written more than
        once: ``(header, column numbers, names given)``).

    Raises:
        SourceError: the file or sheet is missing or unreadable, a quote is left open, or the
            rows read do not reconcile with the records counted.
    """
    frame, header_row = read_text(
        path,
        sheet=sheet,
        encoding=encoding,
        expected=expected,
        delimiter=delimiter,
        search_sheets=search_sheets,
        max_cell_chars=max_cell_chars,
    )
    attrs = frame.attrs
    frame = frame.astype(object)  # Python strings, as callers outside the reader expect
    frame.attrs = attrs
    return frame, header_row


def read_text(
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    expected: list[str] = (),
    delimiter: str | None = None,
    search_sheets: bool = True,
    max_cell_chars: int | None = None,
) -> tuple[pd.DataFrame, int]:
    """:func:`read_raw`, its columns kept as pandas strings (``str``, held by Arrow).

    The reader types whole columns at once; turning each cell into a Python object and back
    would cost more than reading the file.
    """
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    notes: list[str] = []
    scan = None
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        grid, sheet, notes = _read_workbook(
            path, sheet=sheet, expected=expected, search=search_sheets
        )
        label = f"{path.name} [{sheet}]"
    else:
        label = path.name
        text, notes = _decode(path.read_bytes(), encoding=encoding, label=label)
        delimiter = delimiter or sniff_delimiter(text)
        scan = scan_records(text, delimiter=delimiter)
        if scan.open_line is not None:
            raise SourceError(
                f'{label}: line {scan.open_line + 1} (row {scan.open_row}): a quote (") opens a '
                "cell and is never closed, so every later line would be read into that one cell; "
                "close the quote, or remove it, and export again"
            )
        grid = _read_csv_text(text, delimiter=delimiter)
        if len(grid) != scan.records:
            raise SourceError(
                f"{label}: {scan.records} rows counted line by line but {len(grid)} read; the "
                "file may be damaged, so none of it is used"
            )
    limit = max_cell_chars or default_reading().max_cell_chars
    grid, long_cells = _tidy_grid(grid, limit=limit)
    rows = grid.head(_HEADER_ROWS).values.tolist()
    header_index = _find_header(rows, expected)
    if header_index is None:
        frame = pd.DataFrame()
        frame.attrs.update(
            label=label, notes=notes, spreadsheet=scan is None, header=[], duplicates=[]
        )
        return frame, 1
    written = rows[header_index]
    names = [h if h else f"(blank column {i + 1})" for i, h in enumerate(written)]
    if scan is not None:
        width = max((i + 1 for i, h in enumerate(written) if h), default=0)
        _check_quote_spans(scan, width=width, delimiter=delimiter, label=label)
    body = grid.iloc[header_index + 1 :]
    # Drop trailing wholly blank rows (spreadsheets often carry them); inner blank rows are kept so
    # that row numbers stay true, and are rejected as blank.
    if len(body) and any(body.iloc[-1].to_numpy() != ""):
        last = len(body)  # the last row is filled (as in most exports): nothing to drop
    else:
        filled = np.zeros(len(body), dtype=bool)
        for i in range(body.shape[1]):
            filled |= (body.iloc[:, i] != "").to_numpy(dtype=bool)
        last = len(filled) - int(filled[::-1].argmax()) if filled.any() else 0
    columns = dedupe_headers(names)
    frame = body.iloc[:last].copy()
    frame.columns = columns
    frame.index = pd.RangeIndex(len(frame))
    cut = [(r, c) for r, c in long_cells if header_index < r <= header_index + last]
    if cut:
        row, col = cut[0]
        notes.append(
            f"{label}: {len(cut)} cell(s) longer than {limit:,} characters cut to {limit:,} "
            f"for display (reading.max_cell_chars); the first at row {row + 1}, column "
            f"'{columns[col]}'"
        )
    frame.attrs.update(
        label=label,
        notes=notes,
        spreadsheet=scan is None,
        header=list(written),
        duplicates=_duplicates(names, columns),
    )
    return frame, header_index + 1


def default_reading() -> Reading:
    """The package's default reading limits (``reading`` in ``defaults.yaml``)."""
    return _default_reading()


@functools.lru_cache(maxsize=1)
def _default_reading() -> Reading:
    return Reading.model_validate(default_settings()["reading"])


# -- CSV


def _decode(data: bytes, *, encoding: str | None, label: str) -> tuple[str, list[str]]:
    """Bytes as text: the configured encoding, else UTF-16/32 by byte-order mark, else UTF-8, else
    Windows-1252. NUL characters (damage, never text) are removed with a note."""
    notes = []
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceError(
                f"{label}: not readable as {encoding} (encoding in la.yaml): {exc}"
            ) from None
    else:
        guess = _utf16_guess(data)
        try:
            if guess:
                text = data.decode(guess)
                if guess in ("utf-16-le", "utf-16-be"):
                    notes.append(f"{label}: read as UTF-16 (the file has no byte-order mark)")
            else:
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            tried = guess.upper().replace("-SIG", "") if guess else "UTF-8 or Windows-1252"
            raise SourceError(
                f"{label}: not readable as {tried} text (byte {exc.start:,}: {exc.reason}); save it "
                "as CSV UTF-8, or name its encoding in la.yaml (encoding:)"
            ) from None
    nul = text.count("\x00")
    if nul:
        line = text[: text.index("\x00")].count("\n") + 1
        text = text.replace("\x00", "")
        notes.append(
            f"{label}: {nul} NUL character(s) (a zero byte, damage from the exporting system) "
            f"removed; the first on line {line}"
        )
    return text, notes


def _utf16_guess(data: bytes) -> str | None:
    """The codec a byte-order mark names, or UTF-16 when every other byte is zero; else None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4 and head.count(0) * 3 > len(head):  # over a third zero bytes: not 8-bit text
        odd_zero = head[1::2].count(0) > head[0::2].count(0)
        return "utf-16-le" if odd_zero else "utf-16-be"
    return None


def sniff_delimiter(text: str) -> str:
    """The separator of a CSV: comma, semicolon, tab or vertical bar.

    The first 30 filled lines are read with each candidate; the one giving the same number (more
    than one) of cells on the most lines wins, then the one giving more cells; comma on a tie.

    Example:
        >>> sniff_delimiter("Ref;Date;Grade\\nA1;01/04/2025;Good\\n")
        ';'
    """
    sample = text[:65536]
    best, best_key = ",", (0, 0)
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            rows = [r for r in itertools.islice(reader, 40) if any(c.strip() for c in r)][:30]
        except csv.Error:
            continue
        if len(sample) < len(text) and len(rows) > 1:
            rows = rows[:-1]  # the sample may end in the middle of a row
        counts = collections.Counter(len(r) for r in rows)
        width, lines = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if width > 1 and (lines, width) > best_key:
            best, best_key = delimiter, (lines, width)
    return best


@dataclass
class RecordScan:
    """A line-by-line count of a CSV's records, independent of the parser that reads them.

    Attributes:
        records: records in the file (a quoted cell may hold line breaks: one record, many lines).
        spans: records over several lines: (row, first line, last line, line the quote opened),
            lines counted from 0.
        open_line: the line where a quote opened that is never closed (None when all close).
        open_row: the row (record, from 1) of that quote.
        lines: the file's lines (kept only when it has quotes).
    """

    records: int
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    open_line: int | None = None
    open_row: int | None = None
    lines: list[str] = field(default_factory=list)


def scan_records(text: str, *, delimiter: str = ",") -> RecordScan:
    """Count a CSV's records by following its quotes line by line (RFC 4180, as Excel writes).

    A quote opens a quoted cell only at the start of a cell; inside one, ``""`` is a quote and a
    line break belongs to the cell. Lines without quotes (most of them) are counted without
    looking inside.

    Example:
        >>> scan = scan_records('a,b\\n"x\\ny",2\\n3,4\\n')
        >>> scan.records, scan.spans
        (3, [(2, 1, 2, 1)])
    """
    if '"' not in text:
        returns = text.count("\r")
        records = text.count("\n") + returns - (text.count("\r\n") if returns else 0)
        if text and not text.endswith(("\n", "\r")):
            records += 1
        return RecordScan(records)
    lines = _split_lines(text)
    if lines[-1] == "":
        lines.pop()  # the text ended with a line break
    records, spans = 0, []
    in_quote, first, opened, span_open = False, 0, 0, 0
    for i, line in enumerate(lines):
        if not in_quote:
            records += 1
            first = i
            if '"' not in line:
                continue
        pos, n = 0, len(line)
        while True:
            q = line.find('"', pos)
            if q < 0:
                break
            if in_quote:
                if q + 1 < n and line[q + 1] == '"':
                    pos = q + 2  # an escaped quote inside the quoted cell
                    continue
                in_quote, pos = False, q + 1
            elif q == 0 or line[q - 1] == delimiter:
                in_quote, opened, pos = True, i, q + 1
            else:
                pos = q + 1  # a quote inside an unquoted cell is just a character
        if in_quote:
            if i == first:
                span_open = opened
        elif i > first:
            spans.append((records, first, i, span_open))
    scan = RecordScan(records, spans, lines=lines)
    if in_quote:
        scan.open_line, scan.open_row = opened, records
    return scan


def _split_lines(text: str) -> list[str]:
    """``_LINE_END.split(text)``: lines ended by CRLF, CR or LF (string splits when they suffice,
    being several times faster than the expression)."""
    returns = text.count("\r")
    if not returns:
        return text.split("\n")
    if returns == text.count("\r\n"):
        return text.replace("\r\n", "\n").split("\n")
    return _LINE_END.split(text)


def _check_quote_spans(scan: RecordScan, *, width: int, delimiter: str, label: str) -> None:
    """Refuse a quoted cell that runs over lines which look like rows of their own.

    A quote left open is closed by the next quote in the file, so the rows between vanish into
    one cell. A line inside a quoted cell holding as many separators as the header is such a row.
    """
    if width < 3:
        return
    for row, first, last, opened in scan.spans:
        swallowed = [
            i for i in range(first + 1, last + 1) if scan.lines[i].count(delimiter) >= width - 1
        ]
        if swallowed:
            raise SourceError(
                f'{label}: line {opened + 1} (row {row}): a quote (") opened here is closed only '
                f"on line {last + 1}, so {len(swallowed)} line(s) that look like rows of their "
                f"own (the first: line {swallowed[0] + 1}) would be read into one cell; a quote "
                "was probably left open: close it, or remove it, and export again"
            )


def _read_csv_text(text: str, *, delimiter: str = ",") -> pd.DataFrame:
    """A CSV as a grid of text, every row kept (title rows, blank rows, ragged rows)."""
    try:
        # The C parser is fast; it refuses a row longer than the first, which title rows cause.
        # Handed as UTF-8 bytes, which the parser reads without encoding the text again; cells
        # read as Python strings and handed to Arrow column by column (faster than the parser's
        # own conversion to pandas strings, and the same strings).
        grid = pd.read_csv(
            io.BytesIO(text.encode()),
            sep=delimiter,
            header=None,
            dtype=object,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
        return pd.DataFrame({c: _as_text(grid[c]) for c in grid.columns}, index=grid.index)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        limit = csv.field_size_limit()
        csv.field_size_limit(max(limit, len(text) + 1))  # a long cell is cut later, with a note
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        finally:
            csv.field_size_limit(limit)
        width = max((len(r) for r in rows), default=0)
        return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def _as_text(column: pd.Series) -> pd.Series:
    """A column of Python strings (a missing cell of a short row: blank) as pandas strings."""
    cells = column.to_numpy(dtype=object)
    try:
        held = pa.array(cells, type=pa.string(), from_pandas=True)  # NaN: null
    except (pa.ArrowException, TypeError):  # pragma: no cover - not all strings, or over 2 GB
        return pd.Series(column.fillna("").to_numpy(dtype=object), index=column.index, dtype="str")
    if held.null_count:
        held = pc.fill_null(held, "")
    return pd.Series(held.cast(pa.large_string()), index=column.index, dtype="str")


# -- spreadsheets


def _read_workbook(
    path: Path, *, sheet: str | None, expected: list[str], search: bool
) -> tuple[pd.DataFrame, str, list[str]]:
    """The grid of the sheet holding the data, its name, and notes.

    The sheet asked for (the first when none is) is used when it has a header naming an expected
    column; otherwise, if ``search``, the sheet whose header names most of them. When none does,
    the sheet asked for is used if it exists (the missing-column message then says what it holds),
    else the error names every sheet.
    """
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises its own kinds for a damaged file
        raise SourceError(f"{path}: cannot be read as a workbook ({exc})") from None
    if not names:
        raise SourceError(f"{path}: the workbook has no sheets")
    wanted = sheet or names[0]
    listing = ", ".join(f"'{n}'" for n in names)
    if wanted in names:
        grid = _sheet_grid(book, wanted, path)
        if not search or not expected or _header_score(grid.head(_HEADER_ROWS), expected):
            return grid, wanted, []
        why = f"sheet '{wanted}' has no header naming the expected columns"
    elif not search:
        match = _closest(wanted, names)
        raise SourceError(
            f"{path}: sheet '{wanted}' not found; sheets found: {', '.join(names)}"
            + (f" (closest match: '{match}')" if match else "")
        )
    else:
        grid = None
        why = f"sheet '{wanted}' not found"
    scores = {}
    for name in names:
        if name != wanted:
            top = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=_HEADER_ROWS)
            scores[name] = _header_score(pd.DataFrame(top, dtype=object), expected)
    best = max(scores, key=scores.get, default=None)  # the first of the best
    if best is not None and scores[best] > 0:
        note = f"{path.name}: {why}; the data were read from sheet '{best}', whose header does"
        return _sheet_grid(book, best, path), best, [note]
    if grid is not None:
        note = f"{path.name}: no sheet has a header naming the expected columns; sheets: {listing}"
        return grid, wanted, [note]
    raise SourceError(
        f"{path}: {why}, and no sheet has a header naming the expected columns ("
        + ", ".join(f"'{e}'" for e in expected[:6])
        + (", ..." if len(expected) > 6 else "")
        + f"); sheets found: {listing}"
    )


def workbook_sheets(path: Path) -> list[str]:
    """The sheet names of a workbook (XLSX, XLS, ODS).

    Raises:
        SourceError: the file is missing or cannot be read as a workbook.
    """
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    try:
        return list(python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises its own kinds for a damaged file
        raise SourceError(f"{path}: cannot be read as a workbook ({exc})") from None


def _sheet_grid(book, name: str, path: Path) -> pd.DataFrame:
    """A sheet's cells from row 1 (blank rows kept), reconciled with the sheet's used range."""
    try:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise SourceError(f"{path} [{name}]: the sheet cannot be read ({exc})") from None
    used = sheet.end[0] + 1 if sheet.end is not None else 0
    if len(rows) != used:
        raise SourceError(
            f"{path} [{name}]: the sheet's used range ends at row {used} but {len(rows)} rows "
            "were read; the workbook may be damaged, so none of the sheet is used"
        )
    return pd.DataFrame(rows, dtype=object)


def _header_score(grid: pd.DataFrame, expected: list[str]) -> int:
    """How many expected headers the best of the grid's top rows names."""
    wanted = {normalise_label(e) for e in expected}
    best = 0
    for row in grid.head(_HEADER_ROWS).itertuples(index=False):
        cells = {normalise_label(_tidy(c)) for c in row}
        best = max(best, len(wanted & cells))
    return best


# -- tidying


def _tidy_grid(
    grid: pd.DataFrame, *, limit: int | None
) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """Every cell as tidy text (pandas strings), cut to ``limit`` characters; and the (row, column)
    cells cut."""
    if not len(grid):
        return grid.astype("str"), []
    limit = limit or 2**62
    columns, cut = {}, []
    for i, name in enumerate(grid.columns):
        column = grid[name]
        if pd.api.types.is_object_dtype(column.dtype):  # spreadsheet cells: numbers, dates, text
            columns[name], long = _tidy_any(column, limit=limit)
        else:  # CSV cells: all text
            columns[name], long = _tidy_text(column, limit=limit)
        cut += [(int(r), i) for r in np.flatnonzero(long)]
    return pd.DataFrame(columns, index=grid.index), sorted(cut)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "\u2026"


# Cells that tidying would change: a space at either end, two spaces running, or a non-breaking
# space, tab or line break anywhere (RE2 syntax, as Arrow reads it).
_UNTIDY = r"^ | $|  |[\x{00a0}\t\n\r]"


def _tidy_text(column: pd.Series, *, limit: int) -> tuple[pd.Series, np.ndarray]:
    """Tidy a column of text: non-breaking spaces and runs of whitespace become one space.

    Most cells are already tidy, so one vectorised test picks out the few that are not, and only
    those are rewritten (a large authority's Annex A has some 11 million cells).

    Returns:
        The tidied column (pandas strings) and, per cell, whether it was cut to ``limit``
        characters.
    """
    if str(column.dtype) != "str" or column.hasnans:
        column = column.fillna("").astype("str")
    arrow = _arrow(column)
    if arrow is not None:
        needs, longest = _untidy_cells(arrow)
        if longest > limit:  # bytes: a cell has at most as many characters as bytes
            long = pc.greater(pc.utf8_length(arrow), limit).to_numpy(zero_copy_only=False)
        else:
            long = np.zeros(len(column), dtype=bool)
    else:  # pragma: no cover - strings held as Python objects (pandas without pyarrow)
        needs = column.str.contains(r"^ | $|  |[\u00a0\t\n\r]", regex=True).to_numpy(bool)
        long = (column.str.len() > limit).to_numpy(bool)
    if not needs.any() and not long.any():
        return column, long
    out = column.astype(object)
    if needs.any():
        out[needs] = out[needs].map(_tidy)
    if long.any():
        long = long & (out.str.len().to_numpy() > limit)
        out[long] = out[long].map(lambda v: _cut(v, limit))
    return out.astype("str"), long


_SPACE = ord(" ")


def _untidy_cells(arrow: pa.ChunkedArray) -> tuple[np.ndarray, int]:
    """Per cell, whether tidying would change it (:data:`_UNTIDY`); and the longest cell in bytes.

    Read from the Arrow buffers: the cells' bytes lie end to end, so one search of them shows
    whether any cell holds a tab, line break, non-breaking space or double space (then each cell
    is tested with the regular expression); a space at either end of a cell is read at the
    cells' offsets.
    """
    parts, longest = [], 0
    for chunk in arrow.chunks:
        if not len(chunk):
            continue
        if chunk.null_count or not pa.types.is_large_string(chunk.type):
            parts.append(pc.match_substring_regex(chunk, _UNTIDY).to_numpy(zero_copy_only=False))
            longest = max(longest, pc.max(pc.binary_length(chunk)).as_py() or 0)
            continue
        _, offsets, data = chunk.buffers()
        offsets = np.frombuffer(offsets, dtype=np.int64)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        lengths = np.diff(offsets)
        longest = max(longest, int(lengths.max()))
        held = bytes(memoryview(data)[offsets[0] : offsets[-1]]) if data is not None else b""
        cells = np.frombuffer(held, dtype=np.uint8)
        spaces = np.flatnonzero(cells == _SPACE) if _SPACE in held else np.zeros(0, np.int64)
        if (
            any(c in held for c in b"\t\n\r")
            or (b"\xa0" in held and "\u00a0".encode() in held)  # one byte is searched faster
            or (np.diff(spaces) == 1).any()  # two spaces running
        ):
            parts.append(pc.match_substring_regex(chunk, _UNTIDY).to_numpy(zero_copy_only=False))
            continue
        needs = np.zeros(len(chunk), dtype=bool)
        if len(spaces):
            filled = lengths > 0
            starts = offsets[:-1][filled] - offsets[0]
            ends = offsets[1:][filled] - offsets[0] - 1
            needs[filled] = (cells[starts] == _SPACE) | (cells[ends] == _SPACE)
        parts.append(needs)
    if not parts:
        return np.zeros(0, dtype=bool), 0
    return np.concatenate(parts), longest


def _arrow(column: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow array holding a column of pandas strings (None when Python objects hold it)."""
    if getattr(column.dtype, "storage", None) != "pyarrow":
        return None  # pragma: no cover - pandas without pyarrow
    return pa.chunked_array(column.array.__arrow_array__())


def _tidy_any(column: pd.Series, *, limit: int) -> tuple[pd.Series, np.ndarray]:
    """Tidy a spreadsheet column: numbers, dates and text, each distinct value once.

    A yes/no cell (TRUE) equals the number 1 in Python, so a column holding one is told apart by
    kind first: otherwise an id 1 and a TRUE would be read as one value.
    """
    values = column.to_numpy(dtype=object)
    if any(isinstance(v, bool | np.bool_) for v in values):
        keyed = pd.Series([(isinstance(v, bool | np.bool_), v) for v in values], dtype=object)
        codes, uniques = pd.factorize(keyed, use_na_sentinel=False)
        uniques = [value for _, value in uniques]
    else:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
    tidied = [_tidy(u) for u in uniques]
    long = np.array([len(t) > limit for t in tidied], dtype=bool)
    held = pa.array([_cut(t, limit) for t in tidied], type=pa.large_string())
    return pd.Series(held.take(codes), index=column.index, dtype="str"), long[codes]


def map_unique(values: pd.Series, func) -> pd.Series:
    """``values.map(func)``, calling ``func`` once per distinct value (exports repeat a lot)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def dedupe_headers(header: list[str]) -> list[str]:
    """Headers made unique: a header written again (ignoring case, spaces and punctuation) is
    numbered, ``Team``, ``team`` -> ``Team``, ``team (2)``.

    Example:
        >>> dedupe_headers(["Ref", "Team", "team", "Team"])
        ['Ref', 'Team', 'team (2)', 'Team (3)']
    """
    seen: dict[str, int] = {}
    taken = {normalise_label(h) for h in header}
    out = []
    for h in header:
        key = normalise_label(h)
        seen[key] = seen.get(key, 0) + 1
        name = h
        if seen[key] > 1:
            n = seen[key]
            while normalise_label(f"{h} ({n})") in taken:
                n += 1
            name = f"{h} ({n})"
            taken.add(normalise_label(name))
        out.append(name)
    return out


def _duplicates(header: list[str], names: list[str]) -> list[tuple[str, list[int], list[str]]]:
    """Headers written more than once: (the first as written, column numbers, names given)."""
    groups: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        groups.setdefault(normalise_label(h), []).append(i)
    return [
        (header[at[0]], [i + 1 for i in at], [names[i] for i in at])
        for at in groups.values()
        if len(at) > 1
    ]


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
