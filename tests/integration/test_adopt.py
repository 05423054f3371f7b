"""Adopting the suite: `init` proposes an la.yaml that loads, marking every guess and every gap.

The fixture `tests/fixtures/other_exports/` is a small authority laid out unlike the sample: an
XLSX audits export with title rows above the header and its own headers and grade spellings, a
Windows-1252 complaints log, a feedback survey, and two tables that are no source at all
(its README.md lists what each file tests).
"""

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from qaanalysis.config import GradeScale, default_settings, load_config
from qaanalysis.sources import load_evidence
from qaanalysis.sources.hints import column_hint, suggest_column, suggest_value, value_hint
from qaanalysis.sources.schema import COMPLAINT_COLUMNS, Column
from qaanalysis.tools.adopt import propose_config

FIXTURE = Path(__file__).parents[1] / "fixtures" / "other_exports"
GRADES = GradeScale.model_validate(default_settings()["grades"])


@pytest.fixture(scope="module")
def adopted(tmp_path_factory):
    """The fixture folder copied, init's proposal written into it as la.yaml, and loaded."""
    folder = tmp_path_factory.mktemp("adopt") / "exports"
    shutil.copytree(FIXTURE, folder)
    text = propose_config(folder, out=folder / "la.yaml")
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    config = load_config(folder / "la.yaml")
    return text, config, load_evidence(config)


def comment_of(text: str, setting: str) -> str:
    """The comment beside the first line that starts with ``setting`` (ignoring indent)."""
    line = next(l for l in text.splitlines() if l.strip().startswith(setting))  # noqa: E741
    return line.split("  # ", 1)[1]


# ---------------------------------------------------------------- the proposal loads


def test_the_proposed_configuration_loads_every_source_without_a_fatal_error(adopted):
    _, _, evidence = adopted
    report = evidence.report
    assert report.fatal == []
    counts = {n: (r.rows_read, r.rows_accepted) for n, r in report.sources.items() if r.files}
    # 20 audits of which one has no final judgement; 10 actions; 15 complaints; 5 respondents x 4
    # questions.
    assert counts == {
        "audits": (20, 19),
        "audit_actions": (10, 10),
        "complaints": (15, 15),
        "feedback": (20, 20),
    }


def test_audits_are_read_below_the_title_rows_with_their_own_headers_and_grades(adopted):
    _, _, evidence = adopted
    audits = evidence.audits.set_index("audit_id")
    # Title row 1, export line row 2, blank row 3, header row 4: the first audit is on row 5.
    assert evidence.audits.index[0] == 5
    rejection = evidence.report.sources["audits"].rejections
    # Row 14, NA-0110: Final Judgement left blank, so the audit cannot be counted.
    assert [(p.row, p.column, p.reason) for p in rejection] == [
        (14, "Final Judgement", "required value is blank")
    ]
    assert audits.loc["NA-0101", "audit_date"] == pd.Timestamp("2025-07-02")  # an Excel date cell
    assert audits.loc["NA-0103", "audit_date"] == pd.Timestamp("2025-07-07")  # "07/07/2025" typed
    assert audits.loc["NA-0102", "overall_grade"] == "Requires Improvement"  # "Req. Improvement"
    assert audits.loc["NA-0104", "overall_grade"] == "Good"  # "good"
    assert audits.loc["NA-0105", "overall_grade"] == "Inadequate"  # "INADEQUATE"
    assert audits.loc["NA-0103", "cohort"] == "CLA"  # "LAC", mapped by a proposed value
    assert audits.loc["NA-0101", "service"] == "North"  # Locality
    assert audits.loc["NA-0101", "team"] == "North Safeguarding 1"  # Team Name
    assert audits.loc["NA-0102", "moderated_grade"] == "Inadequate"
    # Hand count of the fixture's final judgements over the 19 accepted audits.
    assert audits["overall_grade"].value_counts().to_dict() == {
        "Good": 10,
        "Requires Improvement": 4,
        "Inadequate": 3,
        "Outstanding": 2,
    }


def test_domain_columns_become_domains_and_the_theme_map_points_at_them(adopted):
    _, config, evidence = adopted
    assert config.domain_ids == [
        "quality_of_assessment",
        "childs_voice",
        "planning_review",
        "management_oversight",
        "recording_case_notes",
        "outcomes_for_the_child",
    ]
    assert [d.label for d in config.domains][:2] == ["Quality of Assessment", "Child's Voice"]
    themes = {t: theme.audit_domains for t, theme in config.themes.items()}
    assert themes["assessment"] == ["quality_of_assessment"]
    assert themes["voice_participation"] == ["childs_voice"]
    assert themes["planning_review"] == ["planning_review"]
    assert themes["management_oversight"] == ["management_oversight"]  # same id as the default
    assert themes["recording"] == ["recording_case_notes"]
    assert themes["impact_outcomes"] == ["outcomes_for_the_child"]
    # No domain of Northshire's speaks to these: emptied, so the configuration validates.
    for theme in ("relationships_visits", "multi_agency", "permanence_stability"):
        assert themes[theme] == []
    audits = evidence.audits.set_index("audit_id")
    assert audits.loc["NA-0102", "management_oversight"] == "Inadequate"
    assert pd.isna(audits.loc["NA-0106", "planning_review"])  # blank: not assessed


def test_the_extract_date_is_read_from_the_audit_export_line(adopted):
    text, config, _ = adopted
    # Row 2 of the audits sheet: "Exported 30/09/2025 by the Performance Team".
    assert config.extract_date == dt.date(2025, 9, 30)
    assert comment_of(text, "extract_date:").startswith(
        "GUESS: Audit_Export_Q2.xlsx [Audit Data] says 'Exported 30/09/2025 by the Performance "
        "Team' above its header"
    )


def test_the_windows_1252_complaints_log_is_read_with_its_own_labels(adopted):
    text, _, evidence = adopted
    assert comment_of(text, "encoding: windows-1252").startswith("GUESS")
    complaints = evidence.complaints.set_index("record_id")
    assert "£45" in complaints.loc["CC/25/004", "learning"]
    assert "wasn’t" in complaints.loc["CC/25/007", "learning"]  # a curly apostrophe in cp1252
    assert complaints.loc["CC/25/004", "outcome"] == "partly_upheld"  # "Part Upheld"
    assert complaints.loc["CC/25/007", "outcome"] == "partly_upheld"  # "Partially Upheld"
    assert complaints.loc["CC/25/015", "stage"] == "ombudsman"  # "LGSCO"
    assert complaints["record_type"].value_counts().to_dict() == {
        "complaint": 10,
        "compliment": 3,
        "comment": 2,
    }
    # Row 7 (CC/25/006): the two labels init could not place are blanked and reported.
    warnings = evidence.report.sources["complaints"].warnings
    assert sorted((p.row, p.column, p.value) for p in warnings) == [
        (7, "Stage", "Informal"),
        (7, "Who Complained", "Neighbour"),
    ]


def test_audit_actions_are_read_from_the_tracker(adopted):
    _, _, evidence = adopted
    actions = evidence.audit_actions.set_index("action_id")
    assert actions.loc["ACT-01", "audit_id"] == "NA-0102"
    assert actions.loc["ACT-01", "due_date"] == pd.Timestamp("2025-07-17")  # "Target Date"
    # ACT-02: no target date, so raised 3 July + 31 days = 3 August.
    assert actions.loc["ACT-02", "due_date"] == pd.Timestamp("2025-08-03")
    assert pd.isna(actions.loc["ACT-04", "completed_date"])  # still open
    assert actions.loc["ACT-06", "owner_team"] == "Central Assessment"


def test_feedback_is_read_with_question_codes_the_theme_map_knows(adopted):
    _, config, evidence = adopted
    feedback = evidence.feedback
    assert set(feedback["question"]) == {
        "listened_to",
        "involved_in_plans",
        "worker_relationship",
        "made_a_difference",
    }
    named = {q for theme in config.themes.values() for q in theme.feedback_questions}
    assert set(feedback["question"]) <= named
    assert feedback["respondent"].value_counts().to_dict() == {
        "parent": 8,
        "young_person": 4,
        "child": 4,
        "carer": 4,
    }


# ---------------------------------------------------------------- the comments


def test_every_inferred_mapping_says_guess_with_its_evidence(adopted):
    text, _, _ = adopted
    assert comment_of(text, "audit_date:") == (
        "GUESS: header 'Audit Completed' resembles audit_date (synonym)"
    )
    assert comment_of(text, "overall_grade:").startswith("GUESS: header 'Final Judgement'")
    assert comment_of(text, "sheet:").startswith("GUESS: the sheet holding the data")
    assert comment_of(text, "quality_of_assessment:").startswith("GUESS: audit domain")
    assert comment_of(text, '"Req. Improvement":').startswith(
        # 33 = its count over the final judgement, six domain and moderated columns, by hand
        "GUESS: 'Req. Improvement' (33 values) looks like Requires Improvement: an abbreviation of "
        "'requires improvement'"
    )
    assert comment_of(text, '"Part Upheld":').startswith("GUESS")
    assert comment_of(text, '"LAC":').startswith("GUESS")
    assert comment_of(text, "audit_domains: [childs_voice]").startswith("GUESS")
    # A header that is the canonical name is no guess.
    assert comment_of(text, "audit_type:") == "header 'Audit Type' is the canonical name"


def test_every_gap_is_marked(adopted):
    text, _, _ = adopted
    for setting in ("name:", "slug:", "la_code:"):
        assert comment_of(text, setting).startswith("GAP")
    gaps = [l for l in text.splitlines() if "# GAP" in l]  # noqa: E741
    joined = "\n".join(gaps)
    assert "'Informal' in 'Stage' (1 row) matches none of 1, 2, 3, ombudsman" in joined
    assert "'Neighbour' in 'Who Complained'" in joined
    assert "no export recognised as kpis" in joined
    assert "no export recognised as escalations" in joined
    assert "no Annex A lists found" in joined
    assert 'none of your domains matched "Multi-agency working"' in joined
    # Not sources: named, and left alone.
    notes = "\n".join(l for l in text.splitlines() if "# NOTE" in l)  # noqa: E741
    assert "'caseload_snapshot.csv' was not recognised as any source" in notes
    assert "'Audit_Export_Q2.xlsx [Lookups]' was not recognised as any source" in notes
    assert "complaints category codes that no theme names: communication, delay" in notes


def test_without_out_the_file_paths_are_written_in_full(tmp_path):
    folder = tmp_path / "exports"
    shutil.copytree(FIXTURE, folder)
    elsewhere = tmp_path / "config" / "la.yaml"  # the la.yaml saved away from the exports
    elsewhere.parent.mkdir()
    elsewhere.write_text(propose_config(folder), encoding="utf-8")
    config = load_config(elsewhere)
    assert Path(config.sources["audits"].file).is_absolute()
    assert load_evidence(config).report.fatal == []


# ---------------------------------------------------------------- smaller folders


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_missing_required_column_is_a_gap_naming_the_candidates(tmp_path):
    folder = write(
        tmp_path,
        "audits.csv",
        "Audit Ref,Child ID,Date of Audit,Service Area,Squad,Overall Grade,Assessment\n"
        "A1,C1,01/07/2025,North,Squad 1,Good,Good\n"
        "A2,C2,02/07/2025,North,Squad 2,RI,Good\n",
    )
    text = propose_config(folder, out=folder / "la.yaml")
    # Team is missing; "Squad" is the one unused text column (Assessment holds grades).
    assert "# GAP: required column team not found; candidate headers: 'Squad'." in text
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    evidence = load_evidence(load_config(folder / "la.yaml"))  # loads; the run stops at team
    assert len(evidence.report.fatal) == 1
    assert "required column 'team' not found" in evidence.report.fatal[0]


def test_the_only_column_of_dates_is_proposed_for_a_required_date(tmp_path):
    folder = write(
        tmp_path,
        "audit_log.csv",
        "Audit Ref,Child ID,When,Service,Team,Overall Grade\n"
        "A1,C1,01/07/2025,North,T1,Good\n"
        "A2,C2,2025-07-02,North,T1,Inadequate\n",
    )
    text = propose_config(folder)
    assert comment_of(text, "audit_date:") == (
        "GUESS: header 'When' resembles audit_date (the only unmatched column of dates)"
    )


def test_month_first_dates_are_a_gap(tmp_path):
    folder = write(
        tmp_path,
        "audits.csv",
        "Audit Ref,Child ID,Date of Audit,Service,Team,Overall Grade\n"
        "A1,C1,07/31/2025,North,T1,Good\n"  # 31st is in the month's place: month-first
        "A2,C2,08/15/2025,North,T1,Good\n",
    )
    assert "GAP: 'Date of Audit' holds month-first dates" in propose_config(folder)


def test_the_default_domains_keep_their_ids_and_the_default_theme_map(tmp_path):
    labels = [d["label"] for d in default_settings()["domains"]]
    header = ",".join(
        ["Audit Ref", "Child ID", "Date of Audit", "Service", "Team", "Overall Grade"]
        + [f'"{label}"' for label in labels]
    )
    rows = "\n".join(
        f"A{i},C{i},0{i}/07/2025,North,T1,Good," + ",".join(["Good"] * 8) for i in range(1, 4)
    )
    folder = write(tmp_path, "audits.csv", header + "\n" + rows + "\n")
    text = propose_config(folder, out=folder / "la.yaml")
    assert "\ndomains:" not in text and "\nthemes:" not in text
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    config = load_config(folder / "la.yaml")
    assert config.domain_ids == [d["id"] for d in default_settings()["domains"]]
    assert load_evidence(config).audits["recording"].tolist() == ["Good"] * 3


def test_domains_named_otherwise_are_matched_to_themes_by_their_words(tmp_path):
    header = (
        "Audit Ref,Child ID,Date of Audit,Service,Team,Overall Grade,"
        "Direct Work and Relationships,Multi-Agency Planning,Stability and Permanence,"
        "Supervision"
    )
    folder = write(
        tmp_path,
        "audits.csv",
        header + "\nA1,C1,01/07/2025,North,T1,Good,Good,Good,Good,Good\n"
        "A2,C2,02/07/2025,North,T1,Good,Good,RI,Good,Good\n",
    )
    text = propose_config(folder, out=folder / "la.yaml")
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    themes = {t: v.audit_domains for t, v in load_config(folder / "la.yaml").themes.items()}
    assert themes["relationships_visits"] == ["direct_work_and_relationships"]
    assert themes["multi_agency"] == ["multi_agency_planning"]
    assert themes["permanence_stability"] == ["stability_and_permanence"]
    assert themes["management_oversight"] == ["supervision"]
    assert themes["assessment"] == []  # no assessment domain: emptied, with a GAP
    assert 'GAP: none of your domains matched "Assessment"' in text


def test_a_folder_without_audits_gets_a_placeholder_that_validate_explains(tmp_path):
    folder = write(
        tmp_path, "complaints.csv", "Reference,Date Received,Type\nR1,01/07/2025,Complaint\n"
    )
    text = propose_config(folder, out=folder / "la.yaml")
    assert "GAP: no export was recognised as case-file audits (required)" in text
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    evidence = load_evidence(load_config(folder / "la.yaml"))
    assert any("audits-export-not-found.csv: file not found" in m for m in evidence.report.fatal)
    assert evidence.report.sources["complaints"].rows_accepted == 1


# ---------------------------------------------------------------- hints for validate


def test_suggest_column_finds_the_header_that_looks_like_a_missing_column():
    headers = ["Audit Number", "Date of Audit", "Locality", "Team Name", "Final Judgement"]
    assert suggest_column(headers, "audit_date") == "Date of Audit"  # a declared synonym
    assert suggest_column(headers, "audit_id") == "Audit Number"  # a known variant
    assert suggest_column(headers, "overall_grade") == "Final Judgement"
    assert suggest_column(["Date Of Audti"], "audit_date") == "Date Of Audti"  # a typo, close
    assert suggest_column(["Colour", "Size"], "audit_date") is None
    assert suggest_column(headers, "team", exclude=["Team Name"]) is None
    # A configured header mistyped in la.yaml: the export's own header is the suggestion.
    assert suggest_column(["Audit Finished On"], "audit_date", synonyms=["Audit Finished"]) == (
        "Audit Finished On"
    )
    assert column_hint(["Audit Completed"], "audit_date") == (
        "column 'Audit Completed' looks like audit_date (synonym); to use it, write "
        'audit_date: "Audit Completed" under this source\'s columns in la.yaml'
    )


def test_suggest_value_proposes_a_canonical_value_only_when_one_is_close():
    grade = Column("overall_grade", "grade")
    outcome = next(c for c in COMPLAINT_COLUMNS if c.name == "outcome")
    complainant = next(c for c in COMPLAINT_COLUMNS if c.name == "complainant")
    assert suggest_value("Req. Improvement", grade, grades=GRADES) == "Requires Improvement"
    assert suggest_value("Requires Imp", grade, grades=GRADES) == "Requires Improvement"
    assert suggest_value("Outstandng", grade, grades=GRADES) == "Outstanding"  # a typo
    assert suggest_value("Gd", grade, grades=GRADES) is None  # too short to guess
    assert suggest_value("Part Upheld", outcome, grades=GRADES) == "partly_upheld"
    assert suggest_value("Neighbour", complainant, grades=GRADES) is None
    assert value_hint("Part Upheld", outcome, grades=GRADES) == (
        "'Part Upheld' looks like partly_upheld; to accept it, add \"Part Upheld\": "
        '"partly_upheld" under this source\'s values: outcome: in la.yaml'
    )


def test_a_title_line_above_a_csv_header_is_skipped(tmp_path):
    folder = write(
        tmp_path,
        "audits.csv",
        "Audit log for Q2\n"  # row 1: a title, one cell wide
        "\n"  # row 2: blank
        "Audit Ref,Child ID,Date of Audit,Service,Team,Overall Grade\n"  # row 3: the header
        "A1,C1,01/07/2025,North,T1,Good\n"
        "A2,C2,02/07/2025,North,T1,RI\n",
    )
    text = propose_config(folder, out=folder / "la.yaml")
    assert "# NOTE: the header is on row 3; the rows above it are skipped" in text
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    audits = load_evidence(load_config(folder / "la.yaml")).audits
    assert audits.index.tolist() == [4, 5]
    assert audits["overall_grade"].tolist() == ["Good", "Requires Improvement"]


def test_an_annex_a_workbook_is_recognised_by_its_list_sheets(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    contacts = book.active
    contacts.title = "List 1"
    contacts.append(["Child Unique ID", "Age", "Date of Contact"])  # the reader's own headers
    contacts.append(["C1", 4, "01/07/2025"])
    assessments = book.create_sheet("List 4 - Assessments")
    assessments.append(["Child Unique ID", "Age", "Assessment Start"])  # not a known header
    assessments.append(["C1", 4, "02/07/2025"])
    folder = tmp_path / "exports"
    folder.mkdir()
    book.save(folder / "annex_a.xlsx")
    write(
        folder,
        "audits.csv",
        "Audit Ref,Child ID,Date of Audit,Service,Team,Overall Grade\n"
        "A1,C1,01/07/2025,North,T1,Good\n",
    )
    text = propose_config(folder, out=folder / "la.yaml")
    assert comment_of(text, 'file: "annex_a.xlsx"').startswith("GUESS: Annex A workbook: sheets")
    assert comment_of(text, "list_4.assessment_start_date:").startswith(
        "GUESS: header 'Assessment Start' resembles assessment_start_date (close match"
    )
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    evidence = load_evidence(load_config(folder / "la.yaml"))
    assert evidence.report.fatal == []
    assert evidence.annex_a["list_4"]["assessment_start_date"].tolist() == [
        pd.Timestamp("2025-07-02")
    ]
    assert len(evidence.annex_a["list_1"]) == 1


def test_dfe_published_statistics_and_the_neighbour_model_are_named_not_read_as_sources(tmp_path):
    folder = write(
        tmp_path,
        "audits.csv",
        "Audit Ref,Child ID,Date of Audit,Service,Team,Overall Grade\n"
        "A1,C1,01/07/2025,North,T1,Good\n",
    )
    write(folder, "sn_model.csv", "old_la_code,la_name,SN_1,SN_1P\n370,Barnsley,371,0.9\n")
    write(
        folder,
        "d3_cpps.csv",
        "time_period,time_identifier,geographic_level,old_la_code,CPP_start\n"
        "202425,Reporting year,Local authority,370,100\n",
    )
    text = propose_config(folder, out=folder / "la.yaml")
    assert comment_of(text, 'sn_model: "sn_model.csv"').startswith("GUESS")
    assert "# NOTE: 'd3_cpps.csv' is a DfE published-statistics file" in text
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    assert load_config(folder / "la.yaml").published.sn_model == "sn_model.csv"
