"""Loading exports: every row accepted or rejected with file, row, column, value and reason."""

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from qaanalysis.config import load_config
from qaanalysis.sources import load_evidence

HEADER = "Audit Ref,Child ID,Date of Audit,Service Area,Team,Overall Grade,Assessment\n"
CONFIG = """authority: {name: Testshire, slug: testshire}
extract_date: 2025-09-30
sources:
  audits:
    file: %s
    columns: {audit_id: Audit Ref, child_id: Child ID, audit_date: Date of Audit, service: Service Area}
domains: [{id: assessment, label: Assessment}]
themes:
  planning_review: {label: Planning, audit_domains: []}
  relationships_visits: {label: Visits, audit_domains: []}
  multi_agency: {label: Multi-agency, audit_domains: []}
  recording: {label: Recording, audit_domains: []}
  management_oversight: {label: Oversight, audit_domains: []}
  permanence_stability: {label: Permanence, audit_domains: []}
  impact_outcomes: {label: Impact, audit_domains: []}
"""


def load(tmp_path: Path, body: str | bytes, *, name="audits.csv", extra: str = ""):
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    (tmp_path / name).write_bytes(data)
    (tmp_path / "la.yaml").write_text(CONFIG % name + extra, encoding="utf-8")
    return load_evidence(load_config(tmp_path / "la.yaml"))


def rejections(evidence) -> list[tuple[int, str, str, str]]:
    report = evidence.report.sources["audits"]
    return sorted((p.row, p.column, p.value, p.reason) for p in report.rejections)


def test_good_rows_are_read_into_canonical_columns(tmp_path):
    evidence = load(
        tmp_path,
        HEADER
        + "A1,C1,31/03/2025,Assessment,Team 1,Good,RI\n"  # UK day-first; RI is Requires Improvement
        + "A2,C2,2025-04-01,Assessment,Team 1,requires improvement to be good,Outstanding\n"  # ISO
        + "A3,C3,01/04/2025,Assessment,Team 1, Req Imp ,\n",
    )
    audits = evidence.audits
    assert audits["overall_grade"].tolist() == [
        "Good",
        "Requires Improvement",
        "Requires Improvement",
    ]
    assert audits["assessment"].tolist()[:2] == ["Requires Improvement", "Outstanding"]
    assert pd.isna(audits["assessment"].iloc[2])  # blank = not assessed
    assert audits["audit_date"].tolist() == [
        pd.Timestamp("2025-03-31"),
        pd.Timestamp("2025-04-01"),
        pd.Timestamp("2025-04-01"),
    ]
    assert audits.index.tolist() == [2, 3, 4]  # row numbers as the user sees them (header = 1)


def test_bad_rows_are_rejected_with_reasons_and_accounted_for(tmp_path):
    evidence = load(
        tmp_path,
        HEADER
        + "A1,C1,31/02/2025,Assessment,Team 1,Good,Good\n"  # row 2: no 31 February
        + "A2,C2,03/31/2025,Assessment,Team 1,Good,Good\n"  # row 3: month-first, never guessed
        + "A3,C3,01/10/2025,Assessment,Team 1,Good,Good\n"  # row 4: after the extract date
        + "A4,C4,01/04/2025,Assessment,Team 1,Gd,Good\n"  # row 5: not a grade
        + "A5,C5,01/04/2025,Assessment,Team 1,Good,Good\n"  # row 6: fine
        + "A5,C6,02/04/2025,Assessment,Team 1,Good,Good\n"  # row 7: duplicate audit id
        + "A7,,02/04/2025,Assessment,Team 1,Good,Gd\n"  # row 8: child id blank
        + "A8,C8,02/04/2025,Assessment,Team 1,Good,Gd\n",
    )  # row 9: bad optional grade: blanked
    report = evidence.report.sources["audits"]
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (8, 2, 6)
    assert rejections(evidence) == [
        (2, "Date of Audit", "31/02/2025", "not a valid date (no such day)"),
        (
            3,
            "Date of Audit",
            "03/31/2025",
            "not a valid date: looks month-first; dates must be day-first (31/03/2025) or ISO",
        ),
        (4, "Date of Audit", "01/10/2025", "date after the extract date (30/09/2025)"),
        (
            5,
            "Overall Grade",
            "Gd",
            "not a grade on the configured scale (Outstanding, Good, Requires Improvement, Inadequate)",
        ),
        (7, "Audit Ref", "A5", "duplicate audit_id (first seen at row 6)"),
        (8, "Child ID", "", "required value is blank"),
    ]
    assert all(p.file == "audits.csv" for p in report.rejections)
    (warning,) = report.warnings
    assert (warning.row, warning.column, warning.value) == (9, "Assessment", "Gd")
    assert evidence.audits.loc[9, "assessment"] is None or pd.isna(
        evidence.audits.loc[9, "assessment"]
    )
    assert len(evidence.report.rejected_rows) == 6


def test_missing_required_column_is_fatal_and_names_what_was_found(tmp_path):
    body = "Audit Ref,Child ID,Date of Audit,Service Area,Team,Overall Grading\nA1,C1,01/04/2025,S,T,Good\n"
    evidence = load(tmp_path, body)
    (message,) = evidence.report.fatal
    assert "audits.csv" in message
    assert "required column 'overall_grade' not found" in message
    assert "'Overall Grading'" in message  # listed among the columns found
    # and suggests the fix in la.yaml terms
    assert "column 'Overall Grading' looks like overall_grade" in message
    assert 'write overall_grade: "Overall Grading"' in message


def test_missing_file_is_fatal(tmp_path):
    (tmp_path / "la.yaml").write_text(CONFIG % "nowhere.csv", encoding="utf-8")
    evidence = load_evidence(load_config(tmp_path / "la.yaml"))
    assert evidence.report.fatal == [f"{tmp_path / 'nowhere.csv'}: file not found"]


def test_empty_file_is_fatal_for_audits(tmp_path):
    evidence = load(tmp_path, "")
    assert "the file is empty" in evidence.report.fatal[0]


def test_windows_1252_with_pound_sign_and_curly_quotes(tmp_path):
    text = HEADER + "A1,C1,01/04/2025,Assessment,Team \u201cNorth\u201d \u00a3,Good,Good\n"
    evidence = load(tmp_path, text.encode("cp1252"))
    assert evidence.audits["team"].iloc[0] == "Team \u201cNorth\u201d \u00a3"


def test_numeric_grades_follow_the_configured_end(tmp_path):
    body = HEADER + "A1,C1,01/04/2025,S,T,1,4\n"
    assert load(tmp_path, body).audits[["overall_grade", "assessment"]].iloc[0].tolist() == [
        "Outstanding",
        "Inadequate",
    ]
    reversed_scale = "grades: {numeric_best: high}\n"
    assert (
        load(tmp_path, body, extra=reversed_scale).audits["overall_grade"].iloc[0] == "Inadequate"
    )


def test_xlsx_with_blank_leading_rows_and_excel_dates(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["Audit export, produced by the audit tool"])  # a title above the header
    sheet.append(HEADER.strip().split(","))
    sheet.append(["A1", 1234, pd.Timestamp("2025-04-01").to_pydatetime(), "S", "T", "Good", None])
    sheet.append(["A2", 1235.0, "02/04/2025", "S", "T", "Outstandin", None])  # row 5: misspelt
    book.save(tmp_path / "audits.xlsx")
    (tmp_path / "la.yaml").write_text(CONFIG % "audits.xlsx", encoding="utf-8")
    evidence = load_evidence(load_config(tmp_path / "la.yaml"))
    assert evidence.audits["child_id"].tolist() == ["1234"]  # Excel integer, not "1234.0"
    assert evidence.audits.index.tolist() == [4]  # the row number Excel shows
    assert rejections(evidence)[0][:3] == (5, "Overall Grade", "Outstandin")


def test_unconfigured_sources_are_present_and_empty(tmp_path):
    evidence = load(tmp_path, HEADER + "A1,C1,01/04/2025,S,T,Good,Good\n")
    as_json = evidence.report.as_dict()
    assert set(as_json["sources"]) >= {"complaints", "feedback", "escalations", "annex_a"}
    assert as_json["sources"]["complaints"]["rows_read"] == 0
    assert not evidence.has("complaints") and evidence.complaints.empty


@pytest.mark.parametrize("label", ["a) Yes", "Y", "yes", "TRUE"])
def test_yes_no_values_with_letter_prefixes(tmp_path, label):
    body = HEADER.strip() + ",IR\n" + f"A1,C1,01/04/2025,S,T,Good,Good,{label}\n"
    cfg = CONFIG.replace("service: Service Area}", "service: Service Area, immediate_response: IR}")
    (tmp_path / "audits.csv").write_text(body, encoding="utf-8")
    (tmp_path / "la.yaml").write_text(cfg % "audits.csv", encoding="utf-8")
    assert bool(
        load_evidence(load_config(tmp_path / "la.yaml")).audits["immediate_response"].iloc[0]
    )


# ---------------------------------------------------------------- hostile-export rules, by hand


@pytest.mark.parametrize(
    ("text", "records", "spans"),
    [
        ("", 0, []),
        ("a,b\n1,2", 2, []),  # no final line break
        ("a,b\r\n1,2\r\n\r\n", 3, []),  # CRLF; a blank line is a record
        ("a,b\r1,2\r", 2, []),  # old Mac line ends
        ('a,b\n"x\ny",2\n3,4\n', 3, [(2, 1, 2, 1)]),  # record 2 spans lines 1-2 (from 0)
        ('a,b\n"say ""hi""",2\n', 2, []),  # escaped quotes keep the cell closed
        ('a,b\n5" ruler,2\n3,4\n', 3, []),  # a quote inside an unquoted cell is a character
        ('a,b\n1,"x\n\ny"\n', 2, [(2, 1, 3, 1)]),  # a blank line inside a quoted cell
    ],
)
def test_record_scan_counts_by_hand(text, records, spans):
    from qaanalysis.sources.rawfile import scan_records

    scan = scan_records(text)
    assert (scan.records, scan.spans, scan.open_line) == (records, spans, None)


def test_record_scan_finds_where_a_quote_was_left_open():
    from qaanalysis.sources.rawfile import scan_records

    scan = scan_records('a,b\n1,2\n3,"x\n4,5\n')  # opened on line 2 (from 0), record 3
    assert (scan.open_line, scan.open_row) == (2, 3)


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Ref;Value;Note\nA1;3,5;x\nA2;4,25;y\n", ";"),  # decimal commas do not fool it
        ("Ref,Note,Team\nA1,see; then,T\nA2,x,T\n", ","),  # a semicolon in text does not either
        ("Ref\tDate\tTeam\nA1\t01/04/2025\tT\n", "\t"),
        ("Ref|Date\nA1|01/04/2025\n", "|"),
        ("Ref\nA1\n", ","),  # one column: comma, the default
    ],
)
def test_delimiter_is_found_from_the_first_lines(text, delimiter):
    from qaanalysis.sources.rawfile import sniff_delimiter

    assert sniff_delimiter(text) == delimiter


def test_configured_delimiter_wins(tmp_path):
    # A semicolon file, but la.yaml says comma: each line is then one cell, so no header matches.
    (tmp_path / "audits.csv").write_text(
        HEADER.replace(",", ";") + "A1;C1;01/04/2025;S;T;Good;Good\n", encoding="utf-8"
    )
    config = CONFIG.replace("    file: %s\n", "    file: %s\n    delimiter: ','\n")
    (tmp_path / "la.yaml").write_text(config % "audits.csv", encoding="utf-8")
    (message,) = load_evidence(load_config(tmp_path / "la.yaml")).report.fatal
    assert "required column 'audit_id' (configured as 'Audit Ref') not found" in message
    assert "columns found: 'Audit Ref;Child ID;Date of Audit;" in message


def test_date_limits_for_births_due_dates_and_events():
    from qaanalysis.config import Reading
    from qaanalysis.sources.reader import coerce_column
    from qaanalysis.sources.schema import Column

    reading = Reading(
        earliest_date="1990-01-01",
        earliest_birth_date="1900-01-01",
        birth_weeks_after_extract=40,
        latest_years_after_extract=10,
        max_cell_chars=2000,
    )
    extract = pd.Timestamp("2025-09-30")
    config = load_config_text()
    grades = config.grades
    source = config.sources["audits"]

    def reasons(column, values):
        _, reason = coerce_column(
            pd.Series(values, dtype=object),
            column,
            source,
            grades=grades,
            extract_date=extract,
            reading=reading,
        )
        return reason.tolist()

    birth = Column("date_of_birth", "date", not_after_extract=False, birth_date=True)
    # 1905 is fine for a birth; 30/06/2026 is 273 days (39 weeks) after the extract, an unborn
    # child's expected date; 14/07/2026 is 287 days, 41 weeks: too far.
    assert reasons(birth, ["01/01/1905", "31/12/1899", "30/06/2026", "14/07/2026"]) == [
        "",
        "date 31/12/1899 is before 01/01/1900, too early to be plausible (reading.earliest_birth_date)",
        "",
        "date of birth more than 40 weeks after the extract date (30/09/2025)",
    ]
    due = Column("due_date", "date", not_after_extract=False)
    # Due dates may be later than the extract, but not ten years on (30/09/2035 is the limit).
    assert reasons(due, ["30/09/2035", "01/10/2035"]) == [
        "",
        "date more than 10 years after the extract date (30/09/2025), too late to be plausible",
    ]
    event = Column("audit_date", "date")
    assert reasons(event, ["01/01/1990", "31/12/1989"]) == [
        "",
        "date 31/12/1989 is before 01/01/1990, too early to be plausible (reading.earliest_date)",
    ]


def load_config_text():
    import tempfile

    folder = Path(tempfile.mkdtemp())
    (folder / "la.yaml").write_text(CONFIG % "audits.csv", encoding="utf-8")
    return load_config(folder / "la.yaml")


def test_commas_in_numbers_are_thousands_separators_or_rejected():
    from qaanalysis.sources.reader import coerce_column
    from qaanalysis.sources.schema import Column

    config = load_config_text()
    values, reason = coerce_column(
        pd.Series(["1,234", "-12,345.5", "1,234,567", "17,5", "0,85", "1,23,456", "12"]),
        Column("value", "number"),
        config.sources["audits"],
        grades=config.grades,
        extract_date=None,
    )
    # Commas every three digits after a leading 1 to 999 are thousands separators; any other
    # comma (17,5 and 0,85 are decimal commas; 1,23,456 is grouped in twos) is refused, never
    # dropped (dropping it once read 17,5 as 175).
    assert values.tolist()[:3] == [1234, -12345.5, 1234567]
    assert values.isna().tolist() == [False, False, False, True, True, True, False]
    assert values.tolist()[6] == 12
    assert reason.tolist()[3:6] == [reason.tolist()[3]] * 3
    assert reason.tolist()[3].startswith("not a number: a comma that is not a thousands separator")
    assert reason.tolist()[:3] == ["", "", ""] and reason.tolist()[6] == ""


def test_numbers_outside_their_plausible_range_are_reported_not_used():
    """An exported age of -25,252,216,391,115,060 (an age computed from a missing date of birth:
    the synthetic sample once held two) or 40 is no child's age; a negative count is no count."""
    from qaanalysis.sources.annex_a import AGE
    from qaanalysis.sources.reader import coerce_column
    from qaanalysis.sources.schema import Column

    config = load_config_text()
    source, grades = config.sources["audits"], config.grades
    ages, why = coerce_column(
        pd.Series(["-25252216391115060", "40", "-1", "0", "17", "25", ""]),
        AGE,
        source,
        grades=grades,
        extract_date=None,
    )
    assert ages.isna().tolist() == [True, True, False, False, False, False, True]
    assert why.tolist() == ["outside the plausible range (-1 to 25)"] * 2 + [""] * 5
    counts, why = coerce_column(
        pd.Series(["-3", "0", "12"]),
        Column("placements", "integer", bounds=(0, None)),
        source,
        grades=grades,
        extract_date=None,
    )
    assert counts.tolist()[1:] == [0, 12] and pd.isna(counts.iloc[0])
    assert why.tolist() == ["outside the plausible range (at least 0)", "", ""]
