"""Hostile exports: each case's exact outcome under ``qaanalysis validate``.

The cases are built by ``tests/hostile_corpus.py`` from the four clean rows of the mini fixture
(AU1, AU2, AU3, AU9 at rows 2 to 5). Every expectation below is worked out from the case's
construction, not copied from the reader's output: a clean case reads 4 rows and accepts 4; rows
are numbered as a spreadsheet shows them (header = row 1); the extract date is 30/09/2025.
"""

from __future__ import annotations

import json
from pathlib import Path

import leak_scan
import pytest
from hostile_corpus import (
    CASES,
    FORMULA_GRADE,
    FORMULA_SHEET,
    FORMULA_TEAMS,
    MARKUP_AUTHORITY,
    MARKUP_DOMAIN,
    MARKUP_GRADE,
    MARKUP_SERVICE,
    MARKUP_TEAM,
    MARKUP_THEME,
    PII_GRADE,
    PII_MODERATED,
    SERIALS,
    build,
)
from openpyxl import load_workbook

from qaanalysis.cli import main
from qaanalysis.config import load_config
from qaanalysis.pipeline import run_pack
from qaanalysis.pipeline.render import write_xlsx
from qaanalysis.pipeline.safe_text import write_csv
from qaanalysis.sources import load_evidence

CLEAN = (4, 4, 0)  # rows read, accepted, rejected
GRADE_REASON = (
    "not a grade on the configured scale (Outstanding, Good, Requires Improvement, Inadequate)"
)
NEVER_CLOSED = (
    'a quote (") opens a cell and is never closed, so every later line would be read into that '
    "one cell; close the quote, or remove it, and export again"
)
# The repeated header as the value: its cells joined by " | ", cut at 80 characters. Counted: 9 +
# 3 + 8 + 3 + 13 + 3 + 12 + 3 + 4 + 3 + 13 + 3 = 77 characters up to "Overall Grade | ", then "Ass".
HEADER_TEXT = (
    "Audit Ref | Child ID | Date of Audit | Service Area | Team | Overall Grade | Ass\u2026"
)


def looks_like(value: str, grade: str) -> str:
    """The reason for a typed grade the hints module reads as ``grade``: the scale, then the fix."""
    return (
        f"{GRADE_REASON}; '{value}' looks like {grade}; to accept it, add \"{value}\": "
        f'"{grade}" under grades: synonyms: in la.yaml'
    )


MISPLACED_COMMA = (
    "not a number: a comma that is not a thousands separator (a decimal comma?); write decimals "
    "with a point (17.5, not 17,5)"
)

# case: (exit code, (read, accepted, rejected) or None when loading stopped, the fatal message or
#        None, the notes, the rejections as (row, column, value, reason), empty-source message)
EXPECTED = {
    "clean": (0, CLEAN, None, [], [], None),
    # The team cell of row N opens a quote: line N of the file, the same as row N here.
    "unclosed_quote_first_row": (
        2,
        None,
        f"audits.csv: line 2 (row 2): {NEVER_CLOSED}",
        [],
        [],
        None,
    ),
    "unclosed_quote_middle": (2, None, f"audits.csv: line 3 (row 3): {NEVER_CLOSED}", [], [], None),
    "unclosed_quote_last_row": (
        2,
        None,
        f"audits.csv: line 5 (row 5): {NEVER_CLOSED}",
        [],
        [],
        None,
    ),
    # Opened on line 2, "closed" by the quote opening "Team, North" on line 5: lines 3, 4 and 5
    # each hold the header's 8 commas or more, so they are rows swallowed into one cell.
    "unclosed_quote_closed_by_a_later_one": (
        2,
        None,
        'audits.csv: line 2 (row 2): a quote (") opened here is closed only on line 5, so 3 line(s) '
        "that look like rows of their own (the first: line 3) would be read into one cell; a quote "
        "was probably left open: close it, or remove it, and export again",
        [],
        [],
        None,
    ),
    # Line breaks inside quoted cells are legal: 7 lines, 4 records, nothing lost.
    "embedded_newlines": (0, CLEAN, None, [], [], None),
    "duplicate_header_unused": (
        0,
        CLEAN,
        None,
        [
            "audits.csv: columns 10 and 11 are both headed 'Notes'; they are read as 'Notes', "
            "'notes (2)' (none holds a column the suite uses)"
        ],
        [],
        None,
    ),
    "duplicate_header_canonical": (
        2,
        None,
        "audits.csv: columns 5 and 10 are both headed 'Team', which is read as team; nothing says "
        "which to use, so rename or remove all but one and export again",
        [],
        [],
        None,
    ),
    "utf16_le_bom": (0, CLEAN, None, [], [], None),
    "utf16_be_bom": (0, CLEAN, None, [], [], None),
    "utf8_bom": (0, CLEAN, None, [], [], None),
    "semicolons": (0, CLEAN, None, [], [], None),
    "tabs": (0, CLEAN, None, [], [], None),
    "ods": (0, CLEAN, None, [], [], None),
    "second_sheet": (
        0,
        CLEAN,
        None,
        [
            "audits.xlsx: sheet 'Cover' has no header naming the expected columns; the data were read "
            "from sheet 'Data', whose header does"
        ],
        [],
        None,
    ),
    "configured_sheet_missing": (
        0,
        CLEAN,
        None,
        [
            "audits.xlsx: sheet 'Audits' not found; the data were read from sheet 'Data', whose "
            "header does"
        ],
        [],
        None,
    ),
    "no_sheet_matches": (
        2,
        None,
        "audits.xlsx [Cover]: required column 'audit_id' (configured as 'Audit Ref') not found; "
        "columns found: 'Case audit export'; audits.xlsx: no sheet has a header naming the "
        "expected columns; sheets: 'Cover', 'Notes'",
        [],
        [],
        None,
    ),
    "excel_serial_dates_xlsx": (0, CLEAN, None, [], [], None),
    "excel_serial_dates_ods": (0, CLEAN, None, [], [], None),
    "excel_serial_dates_csv": (
        0,
        (4, 3, 1),
        None,
        [],
        [
            (
                2,
                "Date of Audit",
                "45839",
                "not a date: 45839 looks like an Excel serial date number (01/07/2025); format the column "
                "as dates in the spreadsheet before saving it as CSV, or export XLSX",
            )
        ],
        None,
    ),
    "year_1900": (
        0,
        (4, 3, 1),
        None,
        [],
        [
            (
                3,
                "Date of Audit",
                "1900-01-01",
                "date 01/01/1900 is before 01/01/1990, too early to be plausible (reading.earliest_date)",
            )
        ],
        None,
    ),
    "far_future": (
        0,
        (4, 2, 2),
        None,
        [],
        [
            (
                3,
                "Date of Audit",
                "01/01/3000",
                "not a plausible date (the year 3000 is too far ahead)",
            ),
            (4, "Date of Audit", "01/01/2099", "date after the extract date (30/09/2025)"),
        ],
        None,
    ),
    "header_only": (
        0,
        (0, 0, 0),
        None,
        [],
        [],
        "audits: no accepted rows: audits.csv has no data rows (a header at most)",
    ),
    "header_only_required": (
        2,
        (0, 0, 0),
        "audits: no accepted rows: audits.csv has no data rows (a header at most); the source is "
        "configured required: true",
        [],
        [],
        "audits: no accepted rows: audits.csv has no data rows (a header at most)",
    ),
    "all_rows_rejected": (
        0,
        (4, 0, 4),
        None,
        [],
        [(row, "Overall Grade", "Gd", GRADE_REASON) for row in (2, 3, 4, 5)],
        "audits: no accepted rows: all 4 row(s) of audits.csv were rejected",
    ),
    "megabyte_cell": (
        0,
        CLEAN,
        None,
        [
            "audits.csv: 1 cell(s) longer than 2,000 characters cut to 2,000 for display "
            "(reading.max_cell_chars); the first at row 3, column 'Team'"
        ],
        [],
        None,
    ),
    # Sorted by row: the first cut is row 3's team.
    "three_megabyte_cells": (
        0,
        CLEAN,
        None,
        [
            "audits.csv: 3 cell(s) longer than 2,000 characters cut to 2,000 for display "
            "(reading.max_cell_chars); the first at row 3, column 'Team'"
        ],
        [],
        None,
    ),
    "nul_bytes": (
        0,
        CLEAN,
        None,
        [
            "audits.csv: 2 NUL character(s) (a zero byte, damage from the exporting system) removed; "
            "the first on line 2"
        ],
        [],
        None,
    ),
    # Rows 2-3, then three blank rows (one of bare commas), then rows 7-8: 7 read, 3 rejected.
    "blank_block": (
        0,
        (7, 4, 3),
        None,
        [],
        [(row, "(whole row)", "", "blank row") for row in (4, 5, 6)],
        None,
    ),
    "trailing_empty_columns": (0, CLEAN, None, [], [], None),
    "header_repeated": (
        0,
        (5, 4, 1),
        None,
        [],
        [(4, "(whole row)", HEADER_TEXT, "the header row again (were two exports joined?)")],
        None,
    ),
    # -- what an information-governance tester types in. AU9 (row 5) types a formula as its grade.
    "formula_injection": (
        0,
        (4, 3, 1),
        None,
        [],
        [(5, "Overall Grade", FORMULA_GRADE, GRADE_REASON)],
        None,
    ),
    # AU2 (row 3) types markup holding the word Good as its grade: rejected, with the fix offered.
    "markup_in_cells": (
        0,
        (4, 3, 1),
        None,
        [],
        [(3, "Overall Grade", MARKUP_GRADE, looks_like(MARKUP_GRADE, "Good"))],
        None,
    ),
    "markup_in_la_yaml": (0, CLEAN, None, [], [], None),
    # AU2's grade holds a name and a phone number (rejected); AU3's moderated grade too (blanked:
    # see WARNINGS).
    "pii_in_free_text": (
        0,
        (4, 3, 1),
        None,
        [],
        [(3, "Overall Grade", PII_GRADE, looks_like(PII_GRADE, "Good"))],
        None,
    ),
    # The four clean rows (two teams and a service renamed) and three rejected rows 6 to 8.
    "hostile_content": (
        0,
        (7, 4, 3),
        None,
        [],
        [
            (6, "Overall Grade", PII_GRADE, looks_like(PII_GRADE, "Good")),
            (7, "Overall Grade", FORMULA_GRADE, GRADE_REASON),
            (8, "Overall Grade", MARKUP_GRADE, looks_like(MARKUP_GRADE, "Good")),
        ],
        None,
    ),
    # -- formats and layouts
    "bom_semicolons": (0, CLEAN, None, [], [], None),
    "crlf_line_endings": (0, CLEAN, None, [], [], None),
    "formula_sheet_name": (
        0,
        CLEAN,
        None,
        [
            "audits.xlsx: sheet 'Cover' has no header naming the expected columns; the data were read "
            f"from sheet '{FORMULA_SHEET}', whose header does"
        ],
        [],
        None,
    ),
    # "child_id " (column 10) is "Child ID" (column 2) once case, spaces and punctuation are set aside.
    "duplicate_after_normalisation": (
        2,
        None,
        "audits.csv: columns 2 and 10 are both headed 'Child ID', which is read as child_id; nothing "
        "says which to use, so rename or remove all but one and export again",
        [],
        [],
        None,
    ),
    "mixed_date_formats": (0, CLEAN, None, [], [], None),
    "month_first_date": (
        0,
        (4, 3, 1),
        None,
        [],
        [
            (
                4,
                "Date of Audit",
                "07/15/2025",
                "not a valid date: looks month-first; dates must be day-first (31/03/2025) or ISO",
            )
        ],
        None,
    ),
    # Two rows of bare commas and two blank lines after the last record: spreadsheets leave them;
    # they are not rows (and are not counted as read).
    "trailing_empty_rows": (0, CLEAN, None, [], [], None),
    # The audits are the clean four; the scorecard beside them is checked in OTHER_SOURCES.
    "thousands_separators": (0, CLEAN, None, [], [], None),
    "decimal_commas": (0, CLEAN, None, [], [], None),
}

# case: the optional values blanked, each (row, column, value, reason)
WARNINGS = {
    "pii_in_free_text": [(4, "Moderated Grade", PII_MODERATED, GRADE_REASON)],
    "hostile_content": [(4, "Moderated Grade", PII_MODERATED, GRADE_REASON)],
}

# case: (source, (read, accepted, rejected), rejections) of a second export beside the audits
OTHER_SOURCES = {
    # "1,234.5", "12,345" and "1,700" carry commas every three digits: thousands separators.
    "thousands_separators": ("kpis", (2, 2, 0), []),
    # "17,5" is 17.5 from a continental export: once read as 175; now rejected with the reason.
    "decimal_commas": ("kpis", (2, 1, 1), [(2, "Value", "17,5", MISPLACED_COMMA)]),
}

YAML_ERRORS = {
    # 30 brackets after "published: ", on the last line of la.yaml: the 21st level is refused.
    "yaml_deeply_nested": "settings nested more than 20 levels deep; la.yaml never needs more "
    "than a few",
    "yaml_huge": "a settings file may be at most 1,000,000 bytes (is this the right file?)",
    # 10 ** 5 x's through five levels of aliases: well beyond 100,000 values.
    "yaml_alias_bomb": "the settings expand to more than 100,000 values (an alias, '*name', "
    "repeats all it points to); write the settings out plainly",
}


def test_the_corpus_is_covered():
    assert set(EXPECTED) | set(YAML_ERRORS) == set(CASES)
    assert not set(EXPECTED) & set(YAML_ERRORS)
    assert len(CASES) >= 40


def validate(path, capsys) -> tuple[int, dict, str]:
    code = main(["validate", "--config", str(path), "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out else {}, captured.err


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_case_has_its_exact_outcome(case, tmp_path, capsys):
    code, counts, fatal, notes, rejections, empty = EXPECTED[case]
    got_code, report, _ = validate(build(case, tmp_path), capsys)
    audits = report["sources"]["audits"]
    assert got_code == code
    assert report["fatal"] == ([fatal] if fatal else [])
    if counts is None:
        assert (audits["rows_read"], audits["rows_accepted"]) == (0, 0)  # nothing half-read
    else:
        read, accepted, rejected = counts
        assert (audits["rows_read"], audits["rows_accepted"], audits["rows_rejected"]) == counts
        assert read == accepted + rejected
    assert audits["notes"] == notes
    got = [(p["row"], p["column"], p["value"], p["reason"]) for p in audits["rejections"]]
    assert sorted(got) == rejections
    assert all(p["file"].startswith("audits.") for p in audits["rejections"])
    warned = [(p["row"], p["column"], p["value"], p["reason"]) for p in audits["warnings"]]
    assert warned == WARNINGS.get(case, [])
    assert [e["message"] for e in report["empty"]] == ([empty] if empty else [])
    others = {n: s for n, s in report["sources"].items() if n != "audits" and s["rows_read"]}
    if case in OTHER_SOURCES:
        name, counts, rejections = OTHER_SOURCES[case]
        assert list(others) == [name]
        other = others[name]
        assert (other["rows_read"], other["rows_accepted"], other["rows_rejected"]) == counts
        got = [(p["row"], p["column"], p["value"], p["reason"]) for p in other["rejections"]]
        assert got == rejections
    else:
        assert others == {}


@pytest.mark.parametrize("case", sorted(YAML_ERRORS))
def test_hostile_yaml_is_a_message_naming_the_file(case, tmp_path, capsys):
    path = build(case, tmp_path)
    code, report, err = validate(path, capsys)
    assert code == 2 and report == {}
    assert err.startswith(f"qaanalysis validate: {path}: ")
    assert YAML_ERRORS[case] in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "case",
    [
        "clean",
        "embedded_newlines",
        "utf16_le_bom",
        "utf16_be_bom",
        "utf8_bom",
        "semicolons",
        "tabs",
        "ods",
        "second_sheet",
        "excel_serial_dates_xlsx",
        "excel_serial_dates_ods",
        "trailing_empty_columns",
        "nul_bytes",
        "bom_semicolons",
        "crlf_line_endings",
        "formula_sheet_name",
        "mixed_date_formats",
        "trailing_empty_rows",
        "markup_in_la_yaml",
    ],
)
def test_well_read_cases_give_the_clean_rows(case, tmp_path):
    """Whatever the wrapping, the four rows read the same as the clean file's."""
    evidence = load_evidence(load_config(build(case, tmp_path)))
    audits = evidence.audits
    assert audits.index.tolist() == [2, 3, 4, 5]
    assert audits["audit_id"].tolist() == ["AU1", "AU2", "AU3", "AU9"]
    assert audits["audit_date"].dt.strftime("%d/%m/%Y").tolist() == [
        "01/07/2025",
        "02/07/2025",
        "15/07/2025",
        "08/09/2025",
    ]
    # AU9's "2" is Good on the default scale (1 = Outstanding).
    assert audits["overall_grade"].tolist() == [
        "Good",
        "Requires Improvement",
        "Outstanding",
        "Good",
    ]
    assert audits["service"].tolist() == ["Assessment", "Assessment", "Safeguarding", "Assessment"]


def test_line_breaks_in_a_quoted_cell_are_kept_as_spaces(tmp_path):
    audits = load_evidence(load_config(build("embedded_newlines", tmp_path))).audits
    assert audits["team"].tolist()[0] == "Assessment Team 1"
    assert audits["team"].tolist()[2] == 'Safeguarding Team 1, "North"'
    crlf = load_evidence(load_config(build("crlf_line_endings", tmp_path / "crlf"))).audits
    assert crlf["team"].tolist()[0] == "Assessment Team 1"


def test_numbers_with_thousands_separators_are_the_numbers_written(tmp_path):
    kpis = load_evidence(load_config(build("thousands_separators", tmp_path))).kpis
    assert kpis["value"].tolist() == [1234.5, 17.0]
    assert kpis["numerator"].tolist() == [12345, 1700]
    decimal = load_evidence(load_config(build("decimal_commas", tmp_path / "d"))).kpis
    assert decimal["value"].tolist() == [18.0]  # 17,5 rejected, never 175


def test_serial_numbers_are_the_dates_counted_by_hand():
    # 45658 is 1 January 2025 in Excel; each SERIALS entry is that plus the days to the date.
    assert SERIALS["AU1"] - 45658 == 31 + 28 + 31 + 30 + 31 + 30
    assert SERIALS["AU9"] - SERIALS["AU1"] == 31 + 31 + 7


def test_a_megabyte_cell_is_cut_not_carried(tmp_path):
    audits = load_evidence(load_config(build("megabyte_cell", tmp_path))).audits
    team = audits.loc[3, "team"]
    assert team == "x" * 2000 + "\u2026"


def test_three_megabyte_cells_are_read_and_analysed_in_bounded_memory(tmp_path):
    """Three 1 MB cells once took a pack run to 14.8 GB. Loading and computing every finding of
    the quarter now peaks (Python's own allocations, numpy's included) below 64 MB: a few copies of
    the 3 MB file at most, never one per cell per table."""
    import tracemalloc

    from qaanalysis.periods import parse_period
    from qaanalysis.sections import compute_findings

    config = load_config(build("three_megabyte_cells", tmp_path))
    tracemalloc.start()
    try:
        evidence = load_evidence(config)
        compute_findings(evidence, parse_period("2025-26-Q2"), audience="internal")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024**2
    assert evidence.audits.loc[4, "service"] == "y" * 2000 + "\u2026"


def test_validate_prints_an_empty_source_on_its_own_line(tmp_path, capsys):
    code = main(["validate", "--config", str(build("all_rows_rejected", tmp_path))])
    out = capsys.readouterr().out
    assert code == 0
    assert (
        "EMPTY (audits): audits: no accepted rows: all 4 row(s) of audits.csv were rejected\n"
        in out
    )
    code = main(["validate", "--config", str(build("header_only_required", tmp_path / "r"))])
    out = capsys.readouterr().out
    assert code == 2
    assert "EMPTY (audits, required): audits: no accepted rows: audits.csv has no data rows" in out


# ---------------------------------------------------------------- what reaches the outputs


def test_rejected_rows_csv_stores_formulas_as_typed_text(tmp_path):
    """rejected_rows.csv of the formula case: every formula-like cell gains an apostrophe."""
    evidence = load_evidence(load_config(build("hostile_content", tmp_path)))
    path = tmp_path / "rejected_rows.csv"
    write_csv(evidence.report.rejected_rows, path)
    assert leak_scan.live_formulas_csv(path) == []
    rows = leak_scan.csv_rows(path)
    cells = {c for r in rows for c in r}
    # AU11's grade and AU2's team, each as typed behind an apostrophe; AU10's grade as typed
    assert "'" + FORMULA_GRADE in cells and FORMULA_GRADE not in cells
    assert [r[3] for r in rows[1:]] == ["AU10", "AU11", "AU12"]  # source, file, reason, then ref


def test_tables_xlsx_stores_formula_like_cells_as_text(tmp_path):
    """The accepted teams of the formula case, written by the pack's workbook writer."""
    audits = load_evidence(load_config(build("formula_injection", tmp_path))).audits
    path = tmp_path / "tables.xlsx"
    write_xlsx(path, [("audits", "Audits", audits.reset_index())], [])
    assert leak_scan.live_formulas_xlsx(path) == []
    sheet = load_workbook(path)["audits"]
    header = [c.value for c in sheet[1]]
    teams = [row[header.index("Team")] for row in sheet.iter_rows(min_row=2)]
    # AU1, AU2, AU3 (row 5, AU9, was rejected): each text shown as typed, with the quote prefix
    assert [(c.value, c.data_type, c.quotePrefix) for c in teams] == [
        (FORMULA_TEAMS["AU1"], "s", True),
        (FORMULA_TEAMS["AU2"], "s", True),
        (FORMULA_TEAMS["AU3"], "s", True),
    ]


# A whole pack of each audience from the hostile_content authority. The planted values, found by
# a marker that survives escaping; where each audience's pack must show it (escaped: never live),
# or must not show it anywhere (every file, every part of the Word file, every cell).
MARKERS = {
    "team markup": "alert(101)",
    "service markup": "alert(102)",
    "grade markup (rejected)": "alert(103)",
    "authority's name": "alert(104)",
    "domain label": "alert(105)",
    "theme label": "alert(106)",
    "formula team": "example.invalid",
    "formula team 2": "+SUM(2+2)",
    "formula grade (rejected)": "cmd|",
    "name in a rejected grade": "Jane Smith",
    "phone in a rejected grade": "07700 900123",
    "name in a blanked moderated grade": "Tom Jones",
    "phone in a blanked moderated grade": "07700 900456",
}
CONFIGURED = {"authority's name", "domain label", "theme label", "service markup"}
TEAMS = {"team markup", "formula team", "formula team 2"}
TYPED_VALUES = set(MARKERS) - CONFIGURED - TEAMS  # rejected and blanked values
SHOWN = {
    "internal": set(MARKERS),
    "leadership": CONFIGURED | TEAMS,  # team names, never a typed value of a rejected row
    "public": CONFIGURED,  # teams are not named for the public
}
HOSTILE_IDS = {f"AU{i}" for i in (1, 2, 3, 9, 10, 11, 12)} | {f"C{i}" for i in range(1, 13)}


@pytest.fixture(scope="module")
def hostile_packs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-packs")
    config = build("hostile_content", tmp / "authority")
    return {
        audience: run_pack(
            config, period="2025-26-Q2", audience=audience, out=tmp / "out", log=lambda *_: None
        ).folder
        for audience in ("internal", "leadership", "public")
    }


@pytest.mark.parametrize("audience", ["internal", "leadership", "public"])
def test_hostile_values_reach_each_pack_only_as_allowed_and_never_live(hostile_packs, audience):
    folder = hostile_packs[audience]
    texts = leak_scan.pack_texts(folder)
    shown = {what for what, marker in MARKERS.items() if any(marker in t for t in texts.values())}
    assert shown == SHOWN[audience]
    html = texts["report.html"]
    live, csp = leak_scan.live_markup(html)
    assert live == [] and "script-src 'none'" in csp
    for planted in (MARKUP_TEAM, MARKUP_SERVICE, MARKUP_AUTHORITY, MARKUP_DOMAIN, MARKUP_THEME):
        assert planted not in html  # only ever escaped
    assert "&lt;script&gt;alert(104)&lt;/script&gt;" in html  # the authority's name, escaped
    assert leak_scan.live_formulas_xlsx(folder / "tables.xlsx") == []
    assert leak_scan.word_fields(folder / "report.docx") == []
    leaked = leak_scan.leaked_identifiers(texts, HOSTILE_IDS)
    if audience == "internal":
        assert leaked  # the internal pack names its records
        rejected = folder / "rejected_rows.csv"
        assert leak_scan.live_formulas_csv(rejected) == []
        assert [r[3] for r in leak_scan.csv_rows(rejected)[1:]] == ["AU10", "AU11", "AU12"]
    else:
        assert leaked == {}
        assert not (folder / "rejected_rows.csv").exists()
        assert leak_scan.paths_named(texts, [Path(folder).parents[3]]) == {}
    if audience == "public":
        assert leak_scan.small_counts_in_pack(folder) == []


def test_the_markers_are_distinct():
    """No marker is part of another planted value, so each test above sees only its own."""
    planted = {
        "team markup": MARKUP_TEAM,
        "service markup": MARKUP_SERVICE,
        "grade markup (rejected)": MARKUP_GRADE,
        "authority's name": MARKUP_AUTHORITY,
        "domain label": MARKUP_DOMAIN,
        "theme label": MARKUP_THEME,
        "formula team": FORMULA_TEAMS["AU1"],
        "formula team 2": FORMULA_TEAMS["AU2"],
        "formula grade (rejected)": FORMULA_GRADE,
        "name in a rejected grade": PII_GRADE,
        "phone in a rejected grade": PII_GRADE,
        "name in a blanked moderated grade": PII_MODERATED,
        "phone in a blanked moderated grade": PII_MODERATED,
    }
    for what, marker in MARKERS.items():
        assert [w for w, v in planted.items() if marker in v] == [what] or what.startswith(
            ("name in", "phone in")
        )
        assert marker in planted[what]
    assert TYPED_VALUES == {w for w in MARKERS if "rejected" in w or "blanked" in w}
