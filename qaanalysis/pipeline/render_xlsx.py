"""``tables.xlsx``: every table of a pack on its own sheet, and its Figures (``write_xlsx``)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter

from ..figures import format_value
from .render_base import _figure, _fixed_zip, _when
from .safe_text import clean_text, display_value, heading, is_formula_like, is_missing, iso_date

# Excel holds at most 32,767 characters in a cell.
EXCEL_CELL_LIMIT = 32_000
EXCEL_WIDTH = (8, 60)  # narrowest and widest column, in characters
EXCEL_WIDTH_SAMPLE = 500  # rows read to size a column

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF3F8")
FORMATS = {
    "percent": "0%",
    "count": "#,##0",
    "number": "#,##0.0#",
    "date": "dd/mm/yyyy",
    "month": "mmm yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
    "year": "0",
    "p_value": "0.000",
}


def _cell_value(value, *, column: str, percent: bool) -> tuple[object, str | None, str]:
    """(value to store, number format, text a reader sees) for one table cell."""
    if is_missing(value):
        return None, None, ""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    shown = display_value(value, column=column, percent=percent)
    if isinstance(value, bool):
        return value, None, shown
    if isinstance(value, str):
        when = iso_date(value)
        if when is not None:
            if column == "month" or column.endswith("_month"):
                return when, FORMATS["month"], shown
            timed = when.hour or when.minute or when.second
            return when, FORMATS["datetime" if timed else "date"], shown
        text = clean_text(value)
        if len(text) > EXCEL_CELL_LIMIT:
            text = text[:EXCEL_CELL_LIMIT] + " [cut: longer than a spreadsheet cell holds]"
        return text, None, shown
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not pd.notna(value):
            return None, None, ""
        if percent:
            return value, FORMATS["percent"], shown
        if column == "year" or column.endswith("_year"):
            return value, FORMATS["year"], shown
        if column == "p_value" or column.endswith("_p"):
            return value, FORMATS["p_value"], shown
        whole = float(value).is_integer()
        return value, FORMATS["count" if whole else "number"], shown
    return clean_text(value), None, shown


def _put(sheet, row: int, column: int, value, number_format: str | None = None):
    """Write a cell; text that would be read as a formula is stored as text, shown as typed."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    return cell


def _grid(sheet, header: list[str], rows: list[list[tuple[object, str | None, str]]]) -> None:
    """Header row (bold, frozen, filtered) and rows; widths fitted to what a reader sees."""
    widths = [len(h) for h in header]
    for j, text in enumerate(header, start=1):
        cell = _put(sheet, 1, j, clean_text(text))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(rows, start=2):
        for j, (value, number_format, shown) in enumerate(row, start=1):
            _put(sheet, i, j, value, number_format)
            if i - 2 < EXCEL_WIDTH_SAMPLE:
                widths[j - 1] = max(widths[j - 1], len(shown))
    for j, width in enumerate(widths, start=1):
        narrow, wide = EXCEL_WIDTH
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, narrow), wide)
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows) + 1, 1)}"


def _figure_rows(figures: list[dict]) -> tuple[list[str], list[list[tuple]]]:
    header = [
        "ID",
        "Measure",
        "Value",
        "Shown as",
        "Number",
        "Out of",
        "95% interval low",
        "95% interval high",
        "Unit",
        "Period",
        "Compared with",
        "Comparison period",
        "Comparison value",
        "Direction",
        "Significant",
        "Source",
        "Theme",
        "Suppressed",
        "Note",
    ]
    rows = []
    for f in figures:
        percent = f.get("unit") == "percent"
        comp = f.get("comparison") or {}

        def number(value, percent=percent, column=""):
            return _cell_value(value, column=column, percent=percent)

        def text(value):
            return _cell_value("" if value is None else str(value), column="", percent=False)

        rows.append(
            [
                text(f.get("id")),
                text(f.get("label")),
                number(f.get("value")),
                text(format_value(_figure(f))),
                number(f.get("numerator"), False),
                number(f.get("denominator"), False),
                number(f.get("ci_low")),
                number(f.get("ci_high")),
                text(f.get("unit")),
                text(f.get("period")),
                text(comp.get("label")),
                text(comp.get("period")),
                number(comp.get("value")),
                text((f.get("direction") or "").replace("_", " ")),
                _cell_value(bool(f.get("significant")), column="", percent=False),
                text(f.get("source")),
                text(f.get("theme")),
                _cell_value(bool(f.get("suppressed")), column="", percent=False),
                text(f.get("note")),
            ]
        )
    return header, rows


def _sheet_namer():
    used: set[str] = set()

    def name(wanted: str) -> str:
        base = re.sub(r"[\[\]:*?/\\']", "_", clean_text(wanted)).strip() or "table"
        base = base[:31]
        candidate, i = base, 2
        while candidate.lower() in used:
            suffix = f"_{i}"
            candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
        used.add(candidate.lower())
        return candidate

    return name


def write_xlsx(
    path: Path,
    tables: list[tuple[str, str, pd.DataFrame]],
    figures: list[dict],
    *,
    title: str = "Tables behind the report",
    authority: str | None = None,
    period: str | None = None,
    issued: dt.date | dt.datetime | None = None,
    percent_columns: dict[str, list[str]] | None = None,
) -> None:
    """``tables.xlsx``: a contents sheet, every table on its own sheet, and the Figures.

    Each sheet has readable headers, a frozen header row, a filter and fitted column widths;
    numbers stay numbers (counts ``#,##0``, shares ``0%``), ISO dates become real dates shown
    ``dd/mm/yyyy``, and text a spreadsheet would read as a formula is stored as text. The
    contents sheet links to every sheet. The workbook's dates and zip timestamps are fixed
    (``issued``), so reruns give identical bytes.

    Args:
        path: where to write.
        tables: (name, title, frame) of every table, in reading order (``collect.tables_of``).
        figures: every Figure (``collect.figures_of``).
        title: the workbook's title property.
        authority: the authority's name (the workbook's author).
        period: the period code (the workbook's subject).
        issued: the workbook's created and modified date; default a fixed date.
        percent_columns: table name -> its columns holding fractions (default: the frame's
            ``attrs["percent_columns"]``, else the columns ending ``_pct``, ``_ci_low`` or
            ``_ci_high``).
    """
    percent_columns = percent_columns or {}
    name_for = _sheet_namer()
    contents_name, figures_name = name_for("contents"), name_for("figures")
    named = [(name_for(n), n, t, f) for n, t, f in tables]
    workbook = Workbook()
    contents = workbook.active
    contents.title = contents_name
    listing = [(sheet, t) for sheet, _, t, _ in named]
    listing.append((figures_name, "Every Figure stated in the report, with its definition"))
    rows = [
        [_cell_value(sheet, column="", percent=False), _cell_value(t, column="", percent=False)]
        for sheet, t in listing
    ]
    _grid(contents, ["Sheet", "Table"], rows)
    for i, (sheet, _) in enumerate(listing, start=2):
        cell = contents.cell(row=i, column=1)
        cell.hyperlink = Hyperlink(
            ref=cell.coordinate, location=f"'{sheet}'!A1", tooltip=f"Go to {sheet}"
        )
        cell.style = "Hyperlink"
    for sheet_name, name, _, frame in named:
        sheet = workbook.create_sheet(sheet_name)
        percent = set(percent_columns.get(name, frame.attrs.get("percent_columns", []))) or {
            str(c) for c in frame.columns if str(c).endswith(("_pct", "_ci_low", "_ci_high"))
        }
        columns = [str(c) for c in frame.columns]
        rows = [
            [
                _cell_value(v, column=c, percent=c in percent)
                for c, v in zip(columns, record, strict=True)
            ]
            for record in frame.itertuples(index=False)
        ]
        _grid(sheet, [heading(c) for c in columns], rows)
    header, rows = _figure_rows(figures)
    _grid(workbook.create_sheet(figures_name), header, rows)
    when = _when(issued)
    props = workbook.properties
    props.title = clean_text(title)
    props.creator = props.lastModifiedBy = clean_text(authority or "qaanalysis")
    props.subject = clean_text(period or "")
    props.created = props.modified = when
    buffer = io.BytesIO()
    # openpyxl's save() stamps "modified" with the clock; its writer keeps the date given
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    Path(path).write_bytes(_fixed_zip(buffer.getvalue(), when))
