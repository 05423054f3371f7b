"""Reading Ofsted Annex A: the reference workbook, per-list files, missing sheets, odd layouts."""

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from qaanalysis.config import Config, default_settings
from qaanalysis.measures import performance as perf
from qaanalysis.periods import parse_period
from qaanalysis.sources import Evidence, LoadReport, SourceError
from qaanalysis.sources.annex_a import ANNEX_A_LISTS, LIST_IDS, load_annex_a

REFERENCE = Path(__file__).parents[1] / "fixtures" / "Annex_A_sample_liia-tools.xlsx"
EXTRACT = pd.Timestamp("2021-03-31")  # the reference workbook's latest dates are in March 2021


def config_for(annex_a: dict, base_dir: Path = REFERENCE.parent) -> Config:
    settings = default_settings()
    settings.update(
        authority={"name": "Testshire", "slug": "testshire"},
        sources={"audits": {"file": "audits.csv"}, "annex_a": annex_a},
        base_dir=base_dir,
    )
    return Config.model_validate(settings)


def load(annex_a: dict, base_dir: Path = REFERENCE.parent, extract=EXTRACT):
    config = config_for(annex_a, base_dir)
    return load_annex_a(config.sources["annex_a"], config, extract_date=extract)


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_reference_workbook_loads_with_its_quirks():
    lists, report, rejected = load({"file": REFERENCE.name})
    # rows counted by eye in the workbook: 5 contacts, 5 EH, 6 referrals, 5 assessments, 5 S47,
    # 5 CIN, 7 CP, 5 CLA, 6 care leavers, 5 adoption, 5 adopters
    assert {k: len(v) for k, v in lists.items()} == {
        "list_1": 5,
        "list_2": 5,
        "list_3": 6,
        "list_4": 5,
        "list_5": 5,
        "list_6": 5,
        "list_7": 7,
        "list_8": 5,
        "list_9": 6,
        "list_10": 5,
        "list_11": 5,
    }
    assert report.rows_read == report.rows_accepted + report.rows_rejected == 59
    contacts = lists["list_1"]
    assert contacts["child_id"].iloc[0] == "9212044"  # an Excel integer, read as text without ".0"
    assert contacts["gender"].tolist()[:2] == ["female", "female"]  # "Female" beside "b) Female"
    assert contacts["age"].iloc[0] == pytest.approx(6.138261464750171)  # fractional ages kept
    assert contacts.index.tolist() == [2, 3, 4, 5, 6]  # row numbers as Excel shows them
    assert lists["list_3"]["worker"].iloc[0] == "Dustin Hazlett"  # non-breaking space tidied
    assert lists["list_5"]["disability"].tolist()[:2] == [True, False]  # "a) Yes", "b) No"
    assert lists["list_4"]["child_seen"].all()  # plain "Yes"
    assert lists["list_8"]["missing_episodes_12m"].tolist() == [0, 0, 0, 0, 0]
    assert lists["list_9"]["in_touch"].eq("yes").all()  # "a) Yes"
    assert lists["list_10"]["adoption_order_date"].iloc[0] == pd.Timestamp("2009-08-31")  # formula
    assert lists["list_11"]["adopter_id"].iloc[0] == "7105179"
    # unreadable values are reported, not dropped silently: "CS Assessment Updated" is not yes/no
    unreadable = [(w.row, w.value) for w in report.warnings]
    assert unreadable == [(r, "CS Assessment Updated") for r in range(2, 7)]
    assert rejected.empty


def test_reference_workbook_goes_through_every_kpi_without_error():
    lists, report, _ = load({"file": REFERENCE.name})
    config = config_for({"file": REFERENCE.name})
    ev = Evidence(config, EXTRACT, {}, lists, LoadReport())
    period = parse_period("2020-21-Q4")
    availability = perf.kpi_availability(ev, period).set_index("kpi_id")
    assert set(availability.index) == set(perf.KPI_DEFINITIONS)
    # the workbook's referrals and ICPCs are all dated September and October 2020: none in Q4
    assert availability.loc["referrals_rereferral_12m", "status"] == "no records in the period"
    assert availability.loc["s47_icpc_within_15wd", "status"] == "no records in the period"
    # five assessments authorised November 2020 to February 2021, four of them in Q4; all took
    # far longer than 45 working days (started 2019 and early 2020)
    assert (availability.loc["assessments_within_45wd", "records"]) == 4
    figures = {f.id: f for f in perf.kpi_figures(ev, period)}
    assert (
        figures["kpi.assessments_within_45wd"].numerator,
        figures["kpi.assessments_within_45wd"].denominator,
    ) == (0, 4)
    assert figures["kpi.care_leavers_in_touch"].denominator == 6
    assert not perf.scorecard(ev, period).empty


def test_missing_sheet_is_reported_not_fatal(tmp_path):
    header = [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Contact",
        "Contact Source",
    ]
    workbook(
        tmp_path / "annex.xlsx",
        {"List 1": [header, ["C1", "Male", "WBRI", "01/01/2015", 6, "16/09/2020", "Police"]]},
    )
    lists, report, _ = load({"file": "annex.xlsx"}, tmp_path)
    assert len(lists["list_1"]) == 1
    assert lists["list_1"]["age"].iloc[0] == 6  # "Age of Child (Years)"
    assert lists["list_4"].empty and list(lists["list_4"].columns) == [
        c.name for c in ANNEX_A_LISTS["list_4"]
    ]
    assert set(lists) == set(LIST_IDS)
    assert any("no sheet for List 4 (Assessments)" in note for note in report.notes)


def test_a_configured_sheet_or_file_that_is_missing_stops_loading(tmp_path):
    workbook(tmp_path / "annex.xlsx", {"List 1": [["Child Unique ID", "Date of Contact"]]})
    with pytest.raises(SourceError, match="sheet 'Assessments'.*not found"):
        load({"file": "annex.xlsx", "sheets": {"list_4": "Assessments"}}, tmp_path)
    with pytest.raises(SourceError, match="list_3.csv: file not found"):
        load({"files": {"list_3": "list_3.csv"}}, tmp_path)


def test_workbook_without_any_annex_a_sheet_is_a_clear_error(tmp_path):
    workbook(tmp_path / "other.xlsx", {"Sheet1": [["Child Unique ID"]]})
    with pytest.raises(SourceError, match="no Annex A list found.*Sheet1"):
        load({"file": "other.xlsx"}, tmp_path)


def test_blank_leading_rows_and_renamed_sheets(tmp_path):
    rows = [
        [],
        [],
        ["Annex A list 4 - exported 31/03/2021"],
        [],
        [
            "Child Unique ID",
            "Gender",
            "Age",
            "Continuous Assessment Start Date",
            "Child Seen During Continuous Assessment",
            "Continuous Assessment Date of Authorisation",
            "Allocated Team",
        ],
        ["A1", "a) Male", 7, "05/05/2023", "c) Unknown", "11/07/2023", "East"],
        ["A2", "F", 8, "", "Y", "12/07/2023", "East"],
    ]
    workbook(tmp_path / "annex.xlsx", {"List 4 - Assessments": rows})
    lists, report, rejected = load({"file": "annex.xlsx"}, tmp_path, pd.Timestamp("2023-07-31"))
    assessments = lists["list_4"]
    assert assessments.index.tolist() == [6]  # header on row 5; A2 (row 7) rejected
    assert pd.isna(assessments["child_seen"].iloc[0])  # "c) Unknown": not known, blank
    assert any("1 'Unknown' value(s) in child_seen" in note for note in report.notes)
    assert [(p.row, p.reason) for p in report.rejections] == [(7, "required value is blank")]
    assert rejected["list"].tolist() == ["list_4"]
    assert report.rows_read == 2 and report.rows_accepted == 1


def test_one_file_per_list_with_list_specific_headers(tmp_path):
    (tmp_path / "assessments.csv").write_text(
        "Child Unique ID,Gender,Age of Child (Years),Continuous Assessment Start Date,Date Completed,"
        "Allocated Team\nA1,b) Female,7,05/05/2023,11/07/2023,East\n",
        encoding="utf-8",
    )
    (tmp_path / "referrals.csv").write_text(
        "Child Unique ID,Age,Date of Referral,Referral NFA?,Number of Referrals in Last 12 Months\n"
        "A1,7,03/05/2023,b) No,2\n",
        encoding="utf-8",
    )
    lists, report, _ = load(
        {
            "files": {"list_4": "assessments.csv", "list_3": "referrals.csv"},
            "columns": {"list_4.assessment_authorised_date": "Date Completed"},
        },
        tmp_path,
        pd.Timestamp("2023-07-31"),
    )
    assert lists["list_4"]["assessment_authorised_date"].iloc[0] == pd.Timestamp("2023-07-11")
    assert lists["list_4"]["gender"].iloc[0] == "female"
    assert not lists["list_3"]["referral_nfa"].iloc[0]  # "b) No"
    assert lists["list_3"]["referrals_12m"].iloc[0] == 2
    assert lists["list_1"].empty  # not supplied, reported
    assert any("Contacts (list_1) not supplied" in note for note in report.notes)


def test_a_csv_given_as_the_workbook_is_refused(tmp_path):
    (tmp_path / "annex.csv").write_text("Child Unique ID\n", encoding="utf-8")
    with pytest.raises(SourceError, match="must be a workbook"):
        load({"file": "annex.csv"}, tmp_path)


def test_unknown_list_keys_are_errors(tmp_path):
    with pytest.raises(SourceError, match="unknown list"):
        load({"files": {"list_12": "x.csv"}}, tmp_path)


def test_a_list_without_the_age_column_still_loads(tmp_path):
    (tmp_path / "contacts.csv").write_text(
        "Child Unique ID,Date of Contact\nC1,16/09/2020\n", encoding="utf-8"
    )
    lists, _, _ = load({"files": {"list_1": "contacts.csv"}}, tmp_path)
    assert len(lists["list_1"]) == 1 and lists["list_1"]["age"].isna().all()
