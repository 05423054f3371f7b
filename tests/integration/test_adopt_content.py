"""`init` reads content, not only headers: a second, differently headed authority ("Westvale").

The exports are written by :func:`write_westvale` below (small, generated, never committed). Each
holds one trap that `init` used to fall into (issue 14, part 5):

- the feedback survey's respondent column is headed "Who" and holds exactly the respondent labels;
  its 1-5 score column is headed "Answer"; its consent column "OK to quote?" holds Yes / No;
- the practice alerts' category column is headed "Issue Type" and holds escalation categories;
- a complaint category "Communication / not kept informed" shares only the word "not" with
  ``not_listened_to``;
- an audit domain "IRO Oversight" shares only the generic word "oversight" with the management
  oversight theme (the IRO is the independent reviewing officer: the review unit's role);
- the audit workbook says "Exported 02/10/2026 09:14" in a title row above its header;
- the folder holds an SSDA903 return (Episodes and Header tables) and the CIN census (a flat CSV
  and the XML as submitted), which the suite does not read;
- nothing says the authority's la_code or KPI targets.

Every expected value below is worked out by hand from the rows written here.
"""

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from qaanalysis.config import load_config
from qaanalysis.sources import load_evidence
from qaanalysis.tools.adopt import propose_config

AUDIT_TITLE = ["Westvale Council \u2013 Practice Audit Tool"]
EXPORTED = "Exported 02/10/2026 09:14"
AUDIT_HEADER = [
    "Audit ID",
    "Child Ref",
    "Date of Audit",
    "Service",
    "Team",
    "Overall Judgement",
    "Voice of the Child",
    "Management Oversight",
    "IRO Oversight",
]
G, RI, INAD, OUT = "Good", "Requires Improvement", "Inadequate", "Outstanding"
AUDITS = [
    ("W-01", "C101", "03/07/2026", "Safeguarding", "Safeguarding East", G, G, RI, G),
    ("W-02", "C102", "10/07/2026", "Safeguarding", "Safeguarding East", RI, RI, INAD, G),
    ("W-03", "C103", "05/08/2026", "Children in Care", "Children in Care 1", OUT, OUT, G, OUT),
    ("W-04", "C104", "14/08/2026", "Children in Care", "Children in Care 1", G, G, G, RI),
    ("W-05", "C105", "08/09/2026", "Assessment", "Assessment North", INAD, RI, INAD, RI),
    ("W-06", "C106", "29/09/2026", "Assessment", "Assessment North", G, G, RI, G),
]

SURVEY_HEADER = [
    "Submission ID",
    "Submitted",
    "Source",
    "Who",
    "Question",
    "Answer",
    "Comments",
    "OK to quote?",
]
# One respondent a line: date, channel, who, (listened to, involved in plans), comment, consent.
RESPONDENTS = [
    ("06/07/2026", "Online", "Child", (5, 4), "My worker listens", "Yes"),
    ("15/07/2026", "Paper", "Young person", (3, 2), "", "No"),
    ("02/08/2026", "Online", "Parent", (2, 3), "Nobody rang back", "No"),
    ("20/08/2026", "Online", "Carer", (4, 4), "", "Yes"),
]
QUESTIONS = ("Listened to", "Involved in plans")

ALERT_HEADER = ["Alert Ref", "Date Raised", "Issue Type", "Team", "Date Resolved", "Outcome"]
ALERTS = [
    ("PA-1", "01/07/2026", "Drift & Delay", "Safeguarding East", "10/07/2026", "Resolved"),
    ("PA-2", "08/07/2026", "Planning", "Children in Care 1", "", ""),
    ("PA-3", "21/07/2026", "Front door", "Assessment North", "23/07/2026", "Resolved"),
    ("PA-4", "04/08/2026", "Multi-agency", "Safeguarding East", "25/08/2026", "Escalated"),
    ("PA-5", "18/08/2026", "Management response", "Children in Care 1", "19/08/2026", "Resolved"),
    ("PA-6", "09/09/2026", "Drift & Delay", "Assessment North", "", ""),
]

COMPLAINT_HEADER = [
    "Complaint Ref",
    "Date Logged",
    "Type",
    "Stage",
    "Outcome",
    "Category",
    "Who Complained",
]
NOT_INFORMED = "Communication / not kept informed"
COMPLAINTS = [
    ("WC-01", "02/07/2026", "Complaint", "Stage 1", "Upheld", NOT_INFORMED, "Parent"),
    ("WC-02", "09/07/2026", "Complaint", "Stage 1", "Not upheld", "Worker contact", "Young person"),
    ("WC-03", "16/07/2026", "Compliment", "", "", "", "Carer"),
    (
        "WC-04",
        "05/08/2026",
        "Complaint",
        "Stage 2",
        "Partly upheld",
        "Not listened to",
        "Young person",
    ),
    ("WC-05", "19/08/2026", "Complaint", "Stage 1", "Upheld", NOT_INFORMED, "Parent"),
]

SSDA903_EPISODES = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
SSDA903_HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
CIN_CENSUS = [
    "LAchildID",
    "CINreferralDate",
    "ReferralSource",
    "PrimaryNeedCode",
    "AssessmentActualStartDate",
    "AssessmentAuthorisationDate",
    "CINclosureDate",
    "ReasonForClosure",
]
CIN_XML = """<?xml version="1.0" encoding="utf-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2027</Year>
<ReferenceDate>2027-03-31</ReferenceDate></CollectionDetails></Header>
<Children><Child><ChildIdentifiers><LAchildID>C101</LAchildID></ChildIdentifiers>
<CINdetails><CINreferralDate>2026-06-01</CINreferralDate></CINdetails></Child></Children></Message>
"""


def write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_westvale(folder: Path) -> Path:
    """Write Westvale's exports into ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(AUDIT_TITLE)  # row 1: title
    sheet.append([EXPORTED])  # row 2: when the export was taken
    sheet.append([])  # row 3: blank
    sheet.append(AUDIT_HEADER)  # row 4: header
    for row in AUDITS:
        sheet.append(list(row))
    book.save(folder / "QA_Audit_Tool_Export.xlsx")

    rows, n = [], 0
    for date, channel, who, scores, comment, consent in RESPONDENTS:
        for question, score in zip(QUESTIONS, scores, strict=True):
            n += 1
            text = comment if question == QUESTIONS[-1] else ""
            rows.append([f"R{n:02d}", date, channel, who, question, score, text, consent])
    write_csv(folder / "survey_responses.csv", SURVEY_HEADER, rows)
    write_csv(folder / "practice_alerts.csv", ALERT_HEADER, ALERTS)
    write_csv(folder / "complaints_register.csv", COMPLAINT_HEADER, COMPLAINTS)

    annex = Workbook()
    contacts = annex.active
    contacts.title = "List 1 Contacts"
    contacts.append(["Child Unique ID", "Age", "Date of Contact"])
    contacts.append(["C101", 9, "01/07/2026"])
    assessments = annex.create_sheet("List 4 Assessments")
    assessments.append(["Child Unique ID", "Age", "Assessment Start"])
    assessments.append(["C105", 3, "15/07/2026"])
    annex.save(folder / "annex_a_lists.xlsx")

    write_csv(
        folder / "903_episodes.csv",
        SSDA903_EPISODES,
        [["C103", "01/04/2026", "S", "C2", "N1", "U4", "PR1", "", "", "", "AB1", "AB2", "SC1"]],
    )
    write_csv(
        folder / "903_header.csv",
        SSDA903_HEADER,
        [["C103", "1", "01/02/2015", "WBRI", "A123456789012", "", ""]],
    )
    write_csv(
        folder / "cin_census_2026.csv",
        CIN_CENSUS,
        [["C101", "2026-06-01", "1A", "N1", "2026-06-02", "2026-07-20", "", ""]],
    )
    (folder / "cin_census.xml").write_text(CIN_XML, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def westvale(tmp_path_factory):
    """Westvale's exports, init's proposal written beside them as la.yaml, and loaded."""
    folder = write_westvale(tmp_path_factory.mktemp("westvale") / "exports")
    text = propose_config(folder, out=folder / "la.yaml")
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    config = load_config(folder / "la.yaml")
    return text, config, load_evidence(config)


def comment_of(text: str, setting: str) -> str:
    """The comment beside the first line that starts with ``setting`` (ignoring indent)."""
    line = next(l for l in text.splitlines() if l.strip().startswith(setting))  # noqa: E741
    return line.split("  # ", 1)[1]


def lines_with(text: str, fragment: str) -> list[str]:
    return [line for line in text.splitlines() if fragment in line]


# ---------------------------------------------------------------- the proposal loads as it is


def test_every_source_is_mapped_with_no_hand_edits(westvale):
    _, config, evidence = westvale
    report = evidence.report
    assert report.fatal == []
    counts = {n: (r.rows_read, r.rows_accepted) for n, r in report.sources.items() if r.files}
    # 6 audits, 5 complaints, 4 respondents x 2 questions, 6 alerts; nothing rejected.
    assert {k: v for k, v in counts.items() if k != "annex_a"} == {
        "audits": (6, 6),
        "complaints": (5, 5),
        "feedback": (8, 8),
        "escalations": (6, 6),
    }
    assert len(evidence.annex_a["list_4"]) == 1


# ---------------------------------------------------------------- columns known by their values


def test_a_column_headed_who_holding_respondent_labels_is_the_respondent(westvale):
    text, _, evidence = westvale
    assert comment_of(text, 'respondent: "Who"') == (
        "GUESS: 'Who' holds respondent: its values are all respondent labels "
        "(Carer, Child, Parent, Young person)"
    )
    # Each respondent answered two questions.
    assert evidence.feedback["respondent"].value_counts().to_dict() == {
        "child": 2,
        "young_person": 2,
        "parent": 2,
        "carer": 2,
    }


def test_the_1_to_5_answer_column_is_the_score(westvale):
    text, _, evidence = westvale
    assert comment_of(text, 'score: "Answer"') == (
        "GUESS: 'Answer' holds score: its values are whole numbers from 1 to 5, the feedback scale"
    )
    # Listened to: 5, 3, 2, 4; involved in plans: 4, 2, 3, 4.
    assert sorted(evidence.feedback["score"].tolist()) == [2, 2, 3, 3, 4, 4, 4, 5]


def test_the_only_yes_no_column_of_the_survey_is_consent_to_quote(westvale):
    text, _, evidence = westvale
    assert comment_of(text, 'consent_to_quote: "OK to quote?"').startswith(
        "GUESS: 'OK to quote?' holds consent_to_quote: its values are yes / no answers"
    )
    # The child and the carer said yes, on both of their rows.
    assert int(evidence.feedback["consent_to_quote"].sum()) == 4


def test_issue_type_is_taken_as_the_escalation_category(westvale):
    text, _, evidence = westvale
    assert comment_of(text, 'category: "Issue Type"').startswith(
        "GUESS: 'Issue Type' holds category: 5 of its 5 labels are escalation categories the "
        "theme map names"
    )
    # "Drift & Delay" is drift_and_delay by its words; the others are the codes as written.
    assert comment_of(text, '"Drift & Delay":').startswith("GUESS")
    assert evidence.escalations["category"].value_counts().to_dict() == {
        "drift_and_delay": 2,
        "planning": 1,
        "front_door": 1,
        "multi_agency": 1,
        "management_response": 1,
    }


def test_two_yes_no_columns_for_two_yes_no_settings_are_left_to_the_person(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    # Advocate used and extension agreed are both yes / no: which column is which is not knowable.
    write_csv(
        folder / "complaints.csv",
        ["Reference", "Date Received", "Type", "Flag A", "Flag B"],
        [
            ["R1", "01/07/2025", "Complaint", "Yes", "No"],
            ["R2", "02/07/2025", "Complaint", "No", "No"],
        ],
    )
    text = propose_config(folder)
    assert not lines_with(text, 'advocate: "Flag')
    assert not lines_with(text, 'extended: "Flag')
    assert lines_with(text, "NOTE: columns not used: 'Flag A', 'Flag B'")


# ---------------------------------------------------------------- words that must not decide


def test_a_category_sharing_only_the_word_not_is_not_not_listened_to(westvale):
    text, _, evidence = westvale
    assert not lines_with(text, '"Communication / not kept informed": "not_listened_to"')
    assert evidence.complaints["category"].value_counts().to_dict() == {
        "communication_not_kept_informed": 2,
        "worker_contact": 1,
        "not_listened_to": 1,
    }
    # Named by no theme, so init says so rather than forcing it onto one.
    assert lines_with(
        text, "complaints category codes that no theme names: communication_not_kept_informed."
    )


def test_one_shared_word_out_of_several_does_not_name_a_feedback_question(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(
        folder / "feedback.csv",
        ["Response ID", "Date", "Channel", "Respondent", "Question", "Score"],
        [
            ["F1", "01/07/2025", "Online", "Parent", "Do you feel listened to?", "4"],
            ["F2", "01/07/2025", "Online", "Practitioner", "I feel supported by my manager", "2"],
        ],
    )
    text = propose_config(folder)
    # Every word of listened_to is in the first question: a guess.
    assert comment_of(text, '"Do you feel listened to?": "listened_to"').startswith("GUESS")
    # The second shares only "feel" with feel_settled (one of its three words; "supported" alone
    # would be the generic word of staff_supported): no guess, the question keeps its own code.
    assert not lines_with(text, '"I feel supported by my manager":')
    assert lines_with(
        text, "feedback question codes that no theme names: i_feel_supported_by_my_manager"
    )


def test_iro_oversight_is_not_given_to_the_management_oversight_theme(westvale):
    text, config, _ = westvale
    themes = {t: theme.audit_domains for t, theme in config.themes.items()}
    assert themes["management_oversight"] == ["management_oversight"]
    assert themes["voice_participation"] == ["voice_of_the_child"]
    # The IRO is the independent reviewing officer: the review unit of planning and review.
    assert themes["planning_review"] == ["iro_oversight"]
    assert comment_of(text, "audit_domains: [iro_oversight]") == (
        "GUESS: 'IRO Oversight' shares the word(s) independent, reviewing"
    )


# ---------------------------------------------------------------- the extract date


def test_the_extract_date_is_the_date_the_workbook_says_it_was_exported(westvale):
    text, config, _ = westvale
    assert config.extract_date == dt.date(2026, 10, 2)
    assert comment_of(text, "extract_date:").startswith(
        "GUESS: QA_Audit_Tool_Export.xlsx [Export] says 'Exported 02/10/2026 09:14' above its header"
    )


def test_without_an_export_line_the_extract_date_is_the_latest_date_never_today(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(
        folder / "audits.csv",
        ["Audit Ref", "Child ID", "Date of Audit", "Service", "Team", "Overall Grade"],
        [
            ["A1", "C1", "01/07/2025", "North", "T1", "Good"],
            ["A2", "C2", "15/08/2025", "North", "T1", "Good"],  # the latest real date
            ["A3", "C3", "02/07/2062", "North", "T1", "Good"],
        ],
    )  # a typing error, not a date to use
    text = propose_config(folder, out=folder / "la.yaml")
    assert comment_of(text, "extract_date: 2025-08-15").startswith(
        "GUESS: no export says when it was taken; this is the latest date in them "
        "('Date of Audit' in audits.csv)"
    )
    assert f"extract_date: {dt.date.today():%Y-%m-%d}" not in text
    (folder / "la.yaml").write_text(text, encoding="utf-8")
    evidence = load_evidence(load_config(folder / "la.yaml"))
    # The 2062 row lies after the extract date and is rejected (row 4), not silently accepted.
    assert [p.row for p in evidence.report.sources["audits"].rejections] == [4]


# ---------------------------------------------------------------- what init asks for


def test_la_code_and_kpi_targets_are_gaps_that_say_the_effect_of_leaving_them(westvale):
    text, _, _ = westvale
    assert comment_of(text, "la_code:") == (
        'GAP: your DfE three-digit LA code (e.g. "340"). Left null, no KPI is compared with '
        "England, your region or your statistical neighbours from DfE published statistics"
    )
    (targets,) = lines_with(text, "GAP: KPI targets")
    # Annex A is supplied, so the catalogue's Annex A KPIs are fed; none has a default target.
    assert "assessments_within_45wd" in targets and "care_leavers_eet" in targets
    assert "never 'meeting target' or 'missing target'" in targets


# ---------------------------------------------------------------- statutory returns


def test_statutory_returns_are_named_with_what_the_suite_does_with_them(westvale):
    text, _, _ = westvale
    notes = "\n".join(lines_with(text, "# NOTE"))
    assert "'903_episodes.csv' is the Episodes table of the SSDA903 return" in notes
    assert "'903_header.csv' is the Header table of the SSDA903 return" in notes
    assert "'cin_census_2026.csv' is the CIN census" in notes
    assert "'cin_census.xml' is the CIN census" in notes
    assert "from Annex A Lists 8 to 11" in notes and "from Annex A Lists 3 to 7" in notes
    for name in ("903_episodes.csv", "903_header.csv", "cin_census_2026.csv"):
        assert f"'{name}' was not recognised" not in notes
