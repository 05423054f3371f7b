"""Cross-field checks (issue 13, part 2): small hand-made Annex A lists and exports, each row
placed on one side of one rule; every row is used, or reported with file, row, column, value and
reason."""

from pathlib import Path

import pandas as pd
import pytest

from qaanalysis.config import Config, default_settings
from qaanalysis.sources import load_evidence
from qaanalysis.sources.checks import find_problems

EXTRACT = pd.Timestamp("2026-10-02")
KEYS = {"list_6": "cin_start_date", "list_7": "cp_plan_start_date", "list_8": "cla_start_date"}


def d(text: str | None):
    return pd.Timestamp(text) if text else pd.NaT


def frame(rows: list[dict], first_row: int = 2) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    for column in out.columns:
        if column.endswith("date") or column == "date_of_birth":
            out[column] = pd.to_datetime(out[column])
    out.index = pd.RangeIndex(first_row, first_row + len(out), name="row")
    return out


def caught(lists=None, frames=None):
    found = find_problems(frames or {}, lists or {}, key_dates=KEYS, extract_date=EXTRACT)
    return {(f.source, f.row, f.column, f.effect): f.reason for f in found}


def test_care_starting_before_birth_is_rejected_and_care_after_birth_passes():
    list_8 = frame(
        [
            # row 2: born 2015, in care 2020: fine
            {"child_id": "A", "date_of_birth": "2015-01-01", "cla_start_date": "2020-01-01"},
            # row 3: in care from 2019 but born 2020: impossible, rejected
            {"child_id": "B", "date_of_birth": "2020-06-01", "cla_start_date": "2019-03-01"},
            # row 4: in care on the day of birth: possible (a newborn)
            {"child_id": "C", "date_of_birth": "2021-05-05", "cla_start_date": "2021-05-05"},
        ]
    )
    found = caught({"list_8": list_8})
    assert list(found) == [("annex_a.list_8", 3, "cla_start_date", "reject")]
    reason = found[("annex_a.list_8", 3, "cla_start_date", "reject")]
    assert reason.startswith("care starts before birth")
    assert "01/03/2019" in reason and "01/06/2020" in reason


def test_pre_birth_work_is_lawful_up_to_a_pregnancy_before_birth():
    list_7 = frame(
        [
            # row 2: a plan for an unborn child 3 months before birth: lawful, not caught
            {"child_id": "A", "date_of_birth": "2026-06-01", "cp_plan_start_date": "2026-03-01"},
            # row 3: a plan 2 years before the child was born: more than 280 days, flagged
            {"child_id": "B", "date_of_birth": "2025-06-01", "cp_plan_start_date": "2023-06-01"},
        ]
    )
    found = caught({"list_7": list_7})
    assert list(found) == [("annex_a.list_7", 3, "cp_plan_start_date", "flag")]
    assert "more than 40 weeks before the date of birth" in next(iter(found.values()))


def test_events_after_the_plan_ended_are_flagged_and_an_end_before_start_is_rejected():
    list_7 = frame(
        [
            # row 2: visited on the last day of the plan: fine
            {
                "child_id": "A",
                "cp_plan_start_date": "2025-01-10",
                "cp_plan_end_date": "2025-09-01",
                "last_visit_date": "2025-09-01",
            },
            # row 3: visited 3 weeks after the plan ended: flagged (the row is kept)
            {
                "child_id": "B",
                "cp_plan_start_date": "2025-01-10",
                "cp_plan_end_date": "2025-09-01",
                "last_visit_date": "2025-09-22",
            },
            # row 4: the plan ends before it starts: rejected
            {
                "child_id": "C",
                "cp_plan_start_date": "2025-05-01",
                "cp_plan_end_date": "2025-04-01",
                "last_visit_date": None,
            },
        ]
    )
    found = caught({"list_7": list_7})
    assert set(found) == {
        ("annex_a.list_7", 3, "last_visit_date", "flag"),
        ("annex_a.list_7", 4, "cp_plan_end_date", "reject"),
    }
    assert found[("annex_a.list_7", 3, "last_visit_date", "flag")].startswith(
        "a visit after the plan ended"
    )
    assert found[("annex_a.list_7", 4, "cp_plan_end_date", "reject")].startswith(
        "the plan ends before it starts"
    )


def test_ages_outside_the_lists_range():
    list_8 = frame(
        [
            # row 2: 17 at entry to care (born 01/01/2008, in care 31/12/2025): inside
            {"child_id": "A", "date_of_birth": "2008-01-01", "cla_start_date": "2025-12-31"},
            # row 3: 18 at entry to care (born 01/01/2007, in care 01/01/2025): outside 0 to 17
            {"child_id": "B", "date_of_birth": "2007-01-01", "cla_start_date": "2025-01-01"},
        ]
    )
    list_9 = frame(
        [
            # row 2: a care leaver of 19 at the extract (born 02/10/2007): inside 16 to 25
            {"child_id": "C", "date_of_birth": "2007-10-02", "age": 19},
            # row 3: 26 at the extract (born 01/10/2000): outside
            {"child_id": "D", "date_of_birth": "2000-10-01", "age": 26},
            # row 4: no date of birth, exported age 14: outside 16 to 25
            {"child_id": "E", "date_of_birth": None, "age": 14},
        ]
    )
    found = caught({"list_8": list_8, "list_9": list_9})
    assert set(found) == {
        ("annex_a.list_8", 3, "date_of_birth", "flag"),
        ("annex_a.list_9", 3, "date_of_birth", "flag"),
        ("annex_a.list_9", 4, "age", "flag"),
    }
    assert found[("annex_a.list_8", 3, "date_of_birth", "flag")].startswith(
        "aged 18 at the cla start date"
    )
    assert found[("annex_a.list_9", 3, "date_of_birth", "flag")].startswith(
        "aged 26 at the extract date"
    )


def test_an_exported_age_is_read_as_at_the_extract_date():
    list_3 = frame(
        [
            # row 2: 19 at the extract, referred 2 years earlier (so 17 or 18 then): not flagged,
            # since it may have been 17
            {"child_id": "A", "date_of_birth": None, "age": 19, "referral_date": "2024-09-01"},
            # row 3: 25 at the extract, referred a year earlier: 23 or more then, flagged
            {"child_id": "B", "date_of_birth": None, "age": 25, "referral_date": "2025-09-01"},
        ]
    )
    found = find_problems(
        {}, {"list_3": list_3}, key_dates={"list_3": "referral_date"}, extract_date=EXTRACT
    )
    assert [(f.row, f.column, f.effect) for f in found] == [(3, "age", "flag")]


def test_duplicate_children_and_overlapping_episodes():
    list_8 = frame(
        [
            # row 2 and row 3: two periods of care one after the other: fine
            {"child_id": "A", "cla_start_date": "2023-01-01", "ceased_date": "2023-06-01"},
            {"child_id": "A", "cla_start_date": "2023-06-01", "ceased_date": None},
            # row 4 and row 5: a second period of care starting while the first is open: flagged
            {"child_id": "B", "cla_start_date": "2023-01-01", "ceased_date": None},
            {"child_id": "B", "cla_start_date": "2024-02-01", "ceased_date": None},
        ]
    )
    list_9 = frame(
        [
            # rows 2 and 4: one care leaver twice in a list of one row per child: row 4 flagged
            {"child_id": "C", "latest_contact_date": "2026-09-01"},
            {"child_id": "D", "latest_contact_date": "2026-09-01"},
            {"child_id": "C", "latest_contact_date": "2026-08-01"},
        ]
    )
    found = caught({"list_8": list_8, "list_9": list_9})
    assert set(found) == {
        ("annex_a.list_8", 5, "cla_start_date", "flag"),
        ("annex_a.list_9", 4, "child_id", "flag"),
    }
    assert (
        "while an earlier one is open (row 4 on)"
        in found[("annex_a.list_8", 5, "cla_start_date", "flag")]
    )
    assert "first at row 2" in found[("annex_a.list_9", 4, "child_id", "flag")]


def test_rows_exported_twice_are_flagged_against_their_first_copy():
    # Rows alike in their dates and numbers are compared in every column: rows 2, 3 and 6 differ
    # only in the source (not copies); row 5 copies row 2 and row 7 copies row 4, whose missing
    # date and age are alike; row 8 copies nothing (its age differs from row 4's).
    list_1 = frame(
        [
            {"child_id": "A", "contact_date": "2025-04-01", "age": 7.0, "contact_source": "x"},
            {"child_id": "A", "contact_date": "2025-04-01", "age": 7.0, "contact_source": "y"},
            {"child_id": "B", "contact_date": None, "age": None, "contact_source": "x"},
            {"child_id": "A", "contact_date": "2025-04-01", "age": 7.0, "contact_source": "x"},
            {"child_id": "C", "contact_date": "2025-04-01", "age": 7.0, "contact_source": "y"},
            {"child_id": "B", "contact_date": None, "age": None, "contact_source": "x"},
            {"child_id": "B", "contact_date": None, "age": 3.0, "contact_source": "x"},
        ]
    )
    found = caught({"list_1": list_1})
    copies = {k[1]: v for k, v in found.items() if "the same values" in v}
    assert copies == {
        5: "the same values as row 2 (exported twice, or two records alike?)",
        7: "the same values as row 4 (exported twice, or two records alike?)",
    }


def test_a_complaint_answered_before_it_was_received_is_flagged():
    complaints = frame(
        [
            # row 2: answered 10 days later: fine; row 3: answered the day before: flagged
            {"record_id": "R1", "received_date": "2026-01-05", "responded_date": "2026-01-15"},
            {"record_id": "R2", "received_date": "2026-01-05", "responded_date": "2026-01-04"},
        ]
    )
    found = caught(frames={"complaints": complaints})
    assert list(found) == [("complaints", 3, "responded_date", "flag")]


# ----------------------------------------------------------------------------- through the loader

LIST_8_CSV = """Child Unique ID,Date of Birth,Date Started to be Looked After,Date ceased to be looked after,Date of last social work visit
A1,01/01/2015,01/02/2020,,15/09/2026
A2,01/06/2020,01/03/2019,,15/09/2026
A3,01/01/2016,01/02/2021,01/03/2024,01/04/2024
"""
# row 2: fine; row 3: care before birth (rejected); row 4: visited after care ended (flagged)


def _config(tmp_path: Path, files: dict[str, str]) -> Config:
    settings = default_settings()
    settings.update(
        authority={"name": "Testshire", "slug": "testshire"},
        extract_date="2026-10-02",
        sources={"annex_a": {"files": files}},
        base_dir=tmp_path,
    )
    return Config.model_validate(settings)


@pytest.fixture
def loaded(tmp_path):
    (tmp_path / "list8.csv").write_text(LIST_8_CSV)
    return load_evidence(_config(tmp_path, {"list_8": "list8.csv"}))


def test_every_row_is_used_or_reported_with_file_row_column_value_and_reason(loaded):
    report = loaded.report
    assert list(loaded.annex_a["list_8"].index) == [2, 4]  # row 3 removed
    source = report.sources["annex_a"]
    assert (source.rows_read, source.rows_accepted, source.rows_rejected) == (3, 2, 1)
    problems = report.problems().set_index("row")
    assert problems.loc[3, "effect"] == "row rejected"
    assert problems.loc[3, "file"] == "list8.csv"
    assert problems.loc[3, "column"] == "Date Started to be Looked After"  # the export's header
    assert problems.loc[3, "value"] == "01/03/2019"
    assert problems.loc[3, "reason"].startswith("care starts before birth")
    assert problems.loc[4, "effect"] == "row used, flagged"
    assert problems.loc[4, "column"] == "Date of last social work visit"
    assert problems.loc[4, "value"] == "01/04/2024"
    assert problems.loc[4, "reason"].startswith("a visit after care ended")
    summary = report.summary().set_index("source")
    assert summary.loc["annex_a", "rows_flagged"] == 1
    rejected = report.rejected_rows
    assert list(rejected["list"]) == ["list_8"] and list(rejected["source"]) == ["annex_a"]
    flagged = report.as_dict()["sources"]["annex_a"]["flagged"]
    assert [p["row"] for p in flagged] == [4]
