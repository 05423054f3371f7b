"""Hostile exports: each case's exact outcome under ``qaanalysis validate``.

The cases are built by ``tests/hostile_corpus.py`` from the four clean rows of the mini fixture
(AU1, AU2, AU3, AU9 at rows 2 to 5). Every expectation below is worked out from the case's
construction, not copied from the reader's output: a clean case reads 4 rows and accepts 4; rows
are numbered as a spreadsheet shows them (header = row 1); the extract date is 30/09/2025.
"""

from __future__ import annotations

import json

import pytest
from hostile_corpus import CASES, SERIALS, build

from qaanalysis.cli import main
from qaanalysis.config import load_config
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
    assert len(CASES) >= 25


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
    assert audits["warnings"] == []
    assert [e["message"] for e in report["empty"]] == ([empty] if empty else [])


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


def test_serial_numbers_are_the_dates_counted_by_hand():
    # 45658 is 1 January 2025 in Excel; each SERIALS entry is that plus the days to the date.
    assert SERIALS["AU1"] - 45658 == 31 + 28 + 31 + 30 + 31 + 30
    assert SERIALS["AU9"] - SERIALS["AU1"] == 31 + 31 + 7


def test_a_megabyte_cell_is_cut_not_carried(tmp_path):
    audits = load_evidence(load_config(build("megabyte_cell", tmp_path))).audits
    team = audits.loc[3, "team"]
    assert team == "x" * 2000 + "\u2026"


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
