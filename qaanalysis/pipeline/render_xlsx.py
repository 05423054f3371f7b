"""``tables.xlsx``: every table of a pack on its own sheet, and its Figures (``write_xlsx``)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
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


def _cell_value(
    value, *, column: str, percent: bool, show: bool = True
) -> tuple[object, str | None, str]:
    """(value to store, number format, text a reader sees) for one table cell; the text is only
    worked out when ``show`` (column widths read the first rows only)."""
    kind = type(value)
    if kind is float and value != value:  # NaN, the commonest blank, without asking pandas
        return None, None, ""
    if kind is not str and kind is not int and kind is not float:
        if is_missing(value):
            return None, None, ""
        if hasattr(value, "item"):
            value = value.item()
    shown = display_value(value, column=column, percent=percent) if show else ""
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


def _grid(
    sheet,
    header: list[str],
    rows: list[list[tuple[object, str | None, str]]],
    bodies: dict | None = None,
) -> None:
    """Header row (bold, frozen, filtered) and rows; widths fitted to what a reader sees.

    With ``bodies`` the rows are not made openpyxl cells: their XML is written here, as openpyxl
    writes it, and kept in ``bodies`` (sheet -> XML) for :func:`_with_bodies` to put in the file,
    which is several times faster for the large tables.
    """
    widths = [len(h) for h in header]
    for j, text in enumerate(header, start=1):
        cell = _put(sheet, 1, j, clean_text(text))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows[:EXCEL_WIDTH_SAMPLE]:
        for j, (_, _, shown) in enumerate(row):
            widths[j] = max(widths[j], len(shown))
    if bodies is None:
        for i, row in enumerate(rows, start=2):
            for j, (value, number_format, _) in enumerate(row, start=1):
                _put(sheet, i, j, value, number_format)
    elif rows:
        bodies[sheet] = _rows_xml(sheet, rows)
    for j, width in enumerate(widths, start=1):
        narrow, wide = EXCEL_WIDTH
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, narrow), wide)
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows) + 1, 1)}"


def _style_id(sheet, styles: dict, number_format: str | None, quoted: bool) -> str:
    """The workbook's style number for a cell with this number format (and quote prefix), or ""
    for a cell with no style; registered as openpyxl registers a cell's style."""
    key = (number_format, quoted)
    if key not in styles:
        cell = Cell(sheet)  # never placed on the sheet: it only registers the style
        if quoted:
            cell.quotePrefix = True
        if number_format:
            cell.number_format = number_format
        styles[key] = f' s="{cell.style_id}"' if cell.has_style else ""
    return styles[key]


def _xml_text(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


def _rows_xml(sheet, rows: list[list[tuple[object, str | None, str]]]) -> str:
    """The ``<row>`` elements of the body rows (from row 2), as openpyxl's writer makes them:
    text inline (``inlineStr``), formula-like text with a quote prefix, dates as serial numbers
    with their date format, a blank cell left out."""
    styles: dict = {}
    epoch = sheet.parent.epoch
    letters = [get_column_letter(j) for j in range(1, max(map(len, rows)) + 1)]
    out = []
    for i, row in enumerate(rows, start=2):
        out.append(f'<row r="{i}">')
        for letter, (value, number_format, _) in zip(letters, row, strict=False):
            if value is None:
                continue
            ref = f"{letter}{i}"
            if isinstance(value, str):
                quoted = is_formula_like(value)
                style = _style_id(sheet, styles, number_format, quoted)
                if not quoted and value in ERROR_CODES:
                    out.append(f'<c r="{ref}"{style} t="e"><v>{_xml_text(value)}</v></c>')
                elif value == "":
                    out.append(f'<c r="{ref}"{style} t="inlineStr"></c>')
                else:
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    out.append(
                        f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>'
                        f"{_xml_text(value)}</t></is></c>"
                    )
                continue
            style = _style_id(sheet, styles, number_format, False)
            if isinstance(value, bool):
                out.append(f'<c r="{ref}"{style} t="b"><v>{safe_string(value)}</v></c>')
            elif isinstance(value, dt.datetime):
                number = safe_string(to_excel(value, epoch))
                out.append(f'<c r="{ref}"{style} t="n"><v>{number}</v></c>')
            else:
                out.append(f'<c r="{ref}"{style} t="n"><v>{safe_string(value)}</v></c>')
        out.append("</row>")
    return "".join(out)


def _bodies_in(workbook, bodies: dict):
    """An edit for :func:`_fixed_zip`: each sheet's body rows (``bodies``) after its header row,
    and the sheet's dimension widened to them."""
    paths = {sheet: f"xl/worksheets/sheet{i}.xml" for i, sheet in enumerate(workbook.worksheets, 1)}
    wanted = {paths[sheet]: (sheet, xml) for sheet, xml in bodies.items()}

    def edit(name: str, content: bytes) -> bytes:
        if name not in wanted:
            return content
        sheet, xml = wanted[name]
        text = content.decode("utf-8").replace("</sheetData>", xml + "</sheetData>", 1)
        last = f"{get_column_letter(sheet.max_column)}{xml.count('<row ') + 1}"
        text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:{last}"', text, count=1)
        return text.encode("utf-8")

    return edit


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
    bodies: dict = {}  # sheet -> its body rows' XML, put in the file after saving
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
        # column by column (a column's values as Python objects at once), then as rows
        cells = [
            [
                _cell_value(v, column=c, percent=c in percent, show=i < EXCEL_WIDTH_SAMPLE)
                for i, v in enumerate(frame.iloc[:, j].tolist())
            ]
            for j, c in enumerate(columns)
        ]
        rows = [list(row) for row in zip(*cells, strict=True)] if columns else []
        _grid(sheet, [heading(c) for c in columns], rows, bodies)
    header, rows = _figure_rows(figures)
    _grid(workbook.create_sheet(figures_name), header, rows, bodies)
    when = _when(issued)
    props = workbook.properties
    props.title = clean_text(title)
    props.creator = props.lastModifiedBy = clean_text(authority or "qaanalysis")
    props.subject = clean_text(period or "")
    props.created = props.modified = when
    buffer = io.BytesIO()
    # openpyxl's save() stamps "modified" with the clock; its writer keeps the date given
    # (stored, not compressed: the entries are compressed once, below)
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED)).save()
    Path(path).write_bytes(_fixed_zip(buffer.getvalue(), when, _bodies_in(workbook, bodies)))
