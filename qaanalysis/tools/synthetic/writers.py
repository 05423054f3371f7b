"""Writing the synthetic exports: byte-stable CSV and a minimal, pinned XLSX."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .base import _D


def _xml(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _write_xlsx(path: Path, table: dict, sheet: str, pin: str, *, blank_rows: int = 2) -> None:
    """A minimal XLSX (one sheet, inline strings, dates as serials in dd/mm/yyyy), written directly.

    Written by hand rather than through openpyxl: many times faster, and byte-identical for the
    same table (zip entries carry the fixed date ``pin``; there are no document timestamps).
    ``table`` maps headers to columns: ``datetime64`` columns are dates, columns of whole numbers
    (``None`` for blank) are numbers, anything else is text ("" for blank). ``blank_rows`` empty
    rows come above the header, as some case systems' exports have.
    """
    n = len(next(iter(table.values())))
    first = blank_rows + 2  # sheet row of the first data row
    rnum = [str(r) for r in range(first, first + n)]
    cols = []
    for c, values in enumerate(table.values()):
        col = _col(c)
        values = np.asarray(values)
        if values.dtype.kind == "M":
            blank = np.isnat(values).tolist()
            serial = (values.astype(_D) - np.datetime64("1899-12-30", "D")).astype(np.int64)
            cells = [
                "" if b else f'<c r="{col}{r}" s="1"><v>{v}</v></c>'
                for r, v, b in zip(rnum, serial.tolist(), blank, strict=True)
            ]
        elif all(v is None or isinstance(v, (int, np.integer)) for v in values):
            cells = [
                "" if v is None else f'<c r="{col}{r}"><v>{v}</v></c>'
                for r, v in zip(rnum, values.tolist(), strict=True)
            ]
        else:
            escaped = {v: _xml(str(v)) for v in set(values.tolist()) if v not in (None, "")}
            cells = [
                f'<c r="{col}{r}" t="inlineStr"><is><t xml:space="preserve">{escaped[v]}</t></is></c>'
                if v in escaped
                else ""
                for r, v in zip(rnum, values.tolist(), strict=True)
            ]
        cols.append(cells)
    body = [f'<row r="{r}">{"".join(cells)}</row>' for r, *cells in zip(rnum, *cols, strict=True)]
    header = "".join(
        f'<c r="{_col(c)}{blank_rows + 1}" t="inlineStr"><is><t xml:space="preserve">{_xml(h)}</t></is></c>'
        for c, h in enumerate(table)
    )
    cells_xml = [f'<row r="{r}"/>' for r in range(1, blank_rows + 1)]
    cells_xml += [f'<row r="{blank_rows + 1}">{header}</row>', *body]
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    doc = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{doc}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{doc}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{doc}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel_ns}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns} xmlns:r="{rel_ns}">'
            f'<sheets><sheet name="{_xml(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel_ns}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel_ns}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {ns}>'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns}>'
            f'<dimension ref="A1:{_col(len(table) - 1)}{blank_rows + 1 + n}"/><sheetData>'
            + "".join(cells_xml)
            + "</sheetData></worksheet>"
        ),
    }
    y, m, d = (int(x) for x in pin.split("-"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(y, m, d, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))


# ---------------------------------------------------------------- entry point


def _column(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object) if values.dtype == object else pd.Series(values)


def _csv_field(values) -> list[str]:
    """One column as CSV text: quoted only where it holds a comma, a quote or a line break."""
    values = np.asarray(values)
    if values.dtype.kind in "iub":
        return values.astype(str).tolist()
    text = ["" if v is None else v if type(v) is str else str(v) for v in values.tolist()]
    joined = "\x00".join(text)
    if any(ch in joined for ch in (",", '"', "\r", "\n")):
        special = (",", '"', "\r", "\n")
        text = [
            '"' + v.replace('"', '""') + '"' if any(c in v for c in special) else v for v in text
        ]
    return text


def _write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    """Write a table as CSV (minimal quoting, ``\\n`` line ends), column by column for speed."""
    columns = [c for c in df.columns if not str(c).startswith("_")]
    fields = [_csv_field(df[c].to_numpy()) for c in columns]
    lines = [",".join(_csv_field(np.array(columns, dtype=object)))]
    lines += [",".join(row) for row in zip(*fields, strict=True)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
