"""Performance KPIs from Annex A, SPC readings, benchmarks and signals, on hand-worked cases.

Every expected value is worked out by hand from the statutory rule in the comment beside the row
(England and Wales bank holidays included), never copied from the code's output.
"""

import importlib
import re
from pathlib import Path

import pandas as pd
import pytest
import support

from qaanalysis.config import Config, default_settings, load_config
from qaanalysis.measures import performance as perf
from qaanalysis.narrative.performance import spc_reading
from qaanalysis.periods import parse_period
from qaanalysis.sources import Evidence, LoadReport
from qaanalysis.sources.annex_a import ANNEX_A_LISTS, LIST_IDS, empty_list, load_annex_a
from qaanalysis.sources.published import load_published

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE = Path(__file__).parents[2] / "data_samples"


def make_config(**overrides) -> Config:
    """The shared test configuration, reading its files from ``tests/fixtures``."""
    authority = {"name": "Testshire", "slug": "testshire", **overrides.pop("authority", {})}
    return support.make_config(authority=authority, base_dir=FIXTURES, **overrides)


def annex(list_id: str, rows: list[dict]) -> pd.DataFrame:
    """A list with its canonical columns and types, from a few hand-made rows."""
    frame = pd.DataFrame(rows, index=pd.RangeIndex(2, 2 + len(rows), name="row"))
    out = empty_list(list_id).reindex(frame.index)
    for column in ANNEX_A_LISTS[list_id]:
        if column.name not in frame:
            continue
        values = frame[column.name]
        if column.kind == "date":
            values = pd.to_datetime(values)
        elif column.kind == "yesno":
            values = values.astype("boolean")
        elif column.kind == "integer":
            values = values.astype("Int64")
        out[column.name] = values
    return out


def evidence(
    extract: str,
    *,
    config: Config | None = None,
    kpis: pd.DataFrame | None = None,
    **lists: list[dict],
) -> Evidence:
    frames = {list_id: empty_list(list_id) for list_id in LIST_IDS}
    frames.update({list_id: annex(list_id, rows) for list_id, rows in lists.items()})
    other = {"kpis": kpis} if kpis is not None else {}
    config = config or make_config()
    published, _ = load_published(config)  # the published files the configuration names
    return Evidence(config, pd.Timestamp(extract), other, frames, LoadReport(), published)


def value(ev: Evidence, kpi_id: str, period: str) -> tuple[int, int]:
    v = perf.period_value(ev, kpi_id, parse_period(period))
    return (int(v.numerator), int(v.denominator))


# ----------------------------------------------------------------------------- assessments

# 45 working days from Friday 5 May 2023, worked by hand: Monday 8 May is the coronation bank
# holiday and Monday 29 May the spring bank holiday. May 9-12 (4), 15-19 (9), 22-26 (14), 30-31
# (16); June 1-2 (18), 5-9 (23), 12-16 (28), 19-23 (33), 26-30 (38); July 3-7 (43), 10 (44),
# 11 (45). So the 45th working day is Tuesday 11 July 2023 (ignoring bank holidays it would be
# Friday 7 July).
ASSESSMENTS = [
    {
        "child_id": "A",
        "assessment_start_date": "2023-05-05",
        "assessment_authorised_date": "2023-07-11",
        "child_seen": True,
        "team": "East",
    },  # day 45: on time
    {
        "child_id": "B",
        "assessment_start_date": "2023-05-05",
        "assessment_authorised_date": "2023-07-12",
        "child_seen": False,
        "team": "East",
    },  # day 46: one day late
    {
        "child_id": "C",
        "assessment_start_date": "2023-05-06",
        "assessment_authorised_date": "2023-07-11",
        "child_seen": None,
        "team": "West",
    },  # started Saturday: Sunday and the bank holiday do not count, day 45
    {
        "child_id": "D",
        "assessment_start_date": "2023-05-05",
        "assessment_authorised_date": "2023-07-08",
        "child_seen": True,
        "team": "West",
    },  # authorised on Saturday 8 July: day 43, on time
    {
        "child_id": "E",
        "assessment_start_date": "2023-06-01",
        "assessment_authorised_date": "2023-06-30",
        "child_seen": True,
        "team": "West",
    },  # authorised in June: not in July's count
    {"child_id": "F", "assessment_start_date": "2023-06-20"},  # still open: no authorisation yet
]


def test_assessments_within_45_working_days_counts_bank_holidays_and_weekends():
    ev = evidence("2023-07-31", list_4=ASSESSMENTS)
    records = perf.kpi_records(ev, "assessments_within_45wd").set_index("child_id")
    assert records.loc[["A", "B", "C", "D"], "working_days"].tolist() == [45, 46, 45, 43]
    assert value(ev, "assessments_within_45wd", "2023-07") == (3, 4)  # A, C, D of A-D
    # E: June 2 (1), 5-9 (6), 12-16 (11), 19-23 (16), 26-30 (21): on time
    assert value(ev, "assessments_within_45wd", "2023-06") == (1, 1)


def test_child_seen_counts_blank_as_not_seen():
    ev = evidence("2023-07-31", list_4=ASSESSMENTS)
    assert value(ev, "assessments_child_seen", "2023-07") == (2, 4)  # A and D seen; C blank; B no


def test_referral_anchor_uses_the_latest_referral_before_the_assessment():
    config = make_config(timescales={"assessment_anchor": "referral"})
    referrals = [
        # Wednesday 3 May: Thursday 4 and Friday 5 May are days 1 and 2, so 11 July is day 47: late
        {"child_id": "A", "referral_date": "2023-05-03"},
        {"child_id": "A", "referral_date": "2022-01-10"},  # an older referral: not the anchor
        {"child_id": "D", "referral_date": "2023-05-05"},  # same day as the start: day 43, on time
    ]
    ev = evidence("2023-07-31", config=config, list_3=referrals, list_4=ASSESSMENTS[:4])
    records = perf.kpi_records(ev, "assessments_within_45wd").set_index("child_id")
    assert records.loc["A", "working_days"] == 47
    assert records.loc["B", "excluded"] == "no referral date"  # B and C have no referral on List 3
    assert value(ev, "assessments_within_45wd", "2023-07") == (1, 2)  # D on time of A, D


# ----------------------------------------------------------------------------- section 47


# Strategy discussion Thursday 6 April 2023. Good Friday 7 April, Easter Monday 10 April and the
# early May bank holiday (Monday 1 May) do not count: April 11-14 (4), 17-21 (9), 24-28 (14),
# Tuesday 2 May (15).
S47 = [
    {
        "child_id": "A",
        "strategy_discussion_date": "2023-04-06",
        "icpc_date": "2023-05-02",
        "team": "East",
    },  # day 15: in time
    {
        "child_id": "B",
        "strategy_discussion_date": "2023-04-06",
        "icpc_date": "2023-05-03",
        "team": "East",
    },  # day 16: late
    {"child_id": "C", "strategy_discussion_date": "2023-04-20"},  # no conference (yet)
    {
        "child_id": "D",
        "strategy_discussion_date": "2023-04-24",
        "icpc_date": "2023-05-12",
        "team": "West",
    },  # April 25-28 (4), May 2-5 (8), 8 is the coronation holiday, 9-12 (12)
]


def test_icpc_within_15_working_days():
    ev = evidence("2023-05-31", list_5=S47)
    records = perf.kpi_records(ev, "s47_icpc_within_15wd").set_index("child_id")
    assert records.loc[["A", "B", "D"], "working_days"].tolist() == [15, 16, 12]
    assert value(ev, "s47_icpc_within_15wd", "2023-05") == (2, 3)


def test_s47_leading_to_icpc_counts_enquiries_starting_in_the_month():
    ev = evidence("2023-05-31", list_5=S47)
    assert value(ev, "s47_to_icpc", "2023-04") == (3, 4)  # all four started in April; C has none


# ----------------------------------------------------------------------------- child protection

# As at Tuesday 30 May 2023 (Monday 29 May is a bank holiday); visiting standard 10 working days.
CP = [
    # visit Monday 15 May: May 16-19 (4), 22-26 (9), 30 (10): within the standard
    {
        "child_id": "A",
        "cp_plan_start_date": "2022-09-01",
        "last_visit_date": "2023-05-15",
        "seen_alone": True,
        "latest_review_date": "2022-11-30",
        "team": "East",
    },  # review due 30 May
    # visit Friday 12 May: 11 working days: late
    {
        "child_id": "B",
        "cp_plan_start_date": "2023-03-01",
        "last_visit_date": "2023-05-12",
        "seen_alone": False,
        "team": "East",
    },  # no review: first due 1 June, not overdue
    # plan ended before the date: not open, not counted
    {
        "child_id": "C",
        "cp_plan_start_date": "2022-01-01",
        "cp_plan_end_date": "2023-05-26",
        "last_visit_date": "2023-01-01",
    },
    # started Wednesday 24 May, no visit yet: 25, 26, 30 May = 3 working days, not yet due
    {"child_id": "D", "cp_plan_start_date": "2023-05-24", "team": "West"},
    # started 28 February, never visited: overdue. Its latest review (29 November 2022) predates
    # the plan and is ignored, so the first review was due on 28 May: overdue
    {
        "child_id": "E",
        "cp_plan_start_date": "2023-02-28",
        "latest_review_date": "2022-11-29",
        "team": "West",
    },
]


def test_cp_visits_within_the_standard_as_at_the_extract_date():
    ev = evidence("2023-05-30", list_7=CP)
    records = perf.kpi_records(ev, "cp_visit_in_timescale").set_index("child_id")
    assert sorted(records.index) == ["A", "B", "D", "E"]  # C's plan had ended
    assert records["met"].to_dict() == {"A": True, "B": False, "D": True, "E": False}
    assert value(ev, "cp_visit_in_timescale", "2023-05") == (2, 4)


def test_cp_reviews_and_seen_alone():
    ev = evidence("2023-05-30", list_7=CP)
    records = perf.kpi_records(ev, "cp_review_in_timescale").set_index("child_id")
    # A: reviewed 30 Nov 2022, next due 30 May 2023 (today): in time. B: first due 1 June.
    # D: first due 24 August. E: the November review predates the plan; first due 28 May: late.
    assert records["met"].to_dict() == {"A": True, "B": True, "D": True, "E": False}
    assert value(ev, "cp_seen_alone", "2023-05") == (1, 4)  # only A recorded as seen alone


# Plans for the as-at rule: May 2023 ends on Wednesday 31 May; the 29 May bank holiday and
# weekends do not count. The extract is taken on Friday 9 June, 9 days after the period end.
AS_AT_CP = [
    # visit Tuesday 16 May: 17-19 (3), 22-26 (8), 30, 31 May (10): within the standard at 31 May
    {"child_id": "A", "cp_plan_start_date": "2022-09-01", "last_visit_date": "2023-05-16"},
    # visit Monday 15 May: 11 working days at 31 May: late
    {"child_id": "B", "cp_plan_start_date": "2023-03-01", "last_visit_date": "2023-05-15"},
    # plan ended 5 June, after the period end: open at 31 May; visit Friday 26 May: 2 days
    {
        "child_id": "C",
        "cp_plan_start_date": "2023-03-01",
        "cp_plan_end_date": "2023-06-05",
        "last_visit_date": "2023-05-26",
    },
    # plan started 1 June: not open at 31 May, so its visit on 5 June does not matter then
    {"child_id": "D", "cp_plan_start_date": "2023-06-01", "last_visit_date": "2023-06-05"},
    # plan ended on 31 May: closed at 31 May (an episode ending on the day is closed)
    {
        "child_id": "E",
        "cp_plan_start_date": "2023-01-02",
        "cp_plan_end_date": "2023-05-31",
        "last_visit_date": "2023-05-01",
    },
]


def test_stock_kpi_of_a_period_just_ended_is_as_at_the_period_end_where_the_records_allow():
    ev = evidence("2023-06-09", list_7=AS_AT_CP)
    may = parse_period("2023-05")
    # Open at 31 May: A, B and C; each one's latest visit is on or before it. A and C in time.
    v = perf.period_value(ev, "cp_visit_in_timescale", may)
    assert (v.numerator, v.denominator) == (2, 3)
    assert v.basis == "as at 31/05/2023 (the period end)"
    figure = perf.kpi_figure(ev, "cp_visit_in_timescale", may)
    assert figure.note.startswith("as at 31/05/2023 (the period end)")
    availability = perf.kpi_availability(ev, may).set_index("kpi_id")
    assert availability.loc["cp_visit_in_timescale", "as_at"] == "as at 31/05/2023 (the period end)"
    # The child behind the miss at 31 May is B (11 working days).
    assert perf.exceptions(ev, may, "cp_visit_in_timescale")["child_id"].tolist() == ["B"]


def test_stock_kpi_falls_back_to_the_extract_date_labelled_when_a_later_visit_hides_the_period_end():
    # F is open at 31 May but was visited on 2 June: the visit before it is not in Annex A, so
    # the position at 31 May cannot be rebuilt. As at Friday 9 June instead: open are A, B, D
    # and F (C ended on 5 June). A (16 May) and B (15 May) are late; D (visit Monday 5 June: 4
    # working days) and F (visit Friday 2 June: 5 working days) are in time: 2 of 4.
    rows = AS_AT_CP + [
        {"child_id": "F", "cp_plan_start_date": "2023-04-03", "last_visit_date": "2023-06-02"}
    ]
    ev = evidence("2023-06-09", list_7=rows)
    v = perf.period_value(ev, "cp_visit_in_timescale", parse_period("2023-05"))
    assert (v.numerator, v.denominator) == (2, 4)
    assert v.basis == (
        "as at 09/06/2023 (the extract date, 9 days after the period end: the position at "
        "31/05/2023 cannot be rebuilt, as 1 of the 4 children counted then has a later "
        "statutory visit)"
    )


def test_stock_kpi_that_only_the_extract_date_can_give_is_labelled_with_it():
    # Placement counts cover the 12 months to the extract, so they describe 9 June, never 31 May.
    # In care at 9 June: G (3 placements, counted) and H (1): 1 of 2.
    children = [
        {"child_id": "G", "cla_start_date": "2022-01-10", "placements_12m": 3},
        {"child_id": "H", "cla_start_date": "2021-06-01", "placements_12m": 1},
    ]
    ev = evidence("2023-06-09", list_8=children)
    v = perf.period_value(ev, "cla_3plus_placements", parse_period("2023-05"))
    assert (v.numerator, v.denominator) == (1, 2)
    assert v.basis.startswith("as at 09/06/2023 (the extract date, 9 days after the period end")
    assert v.basis.endswith("as Annex A holds only each child's latest 12-month placement count)")


def test_stock_measures_are_not_rebuilt_for_a_period_ended_beyond_the_window():
    # 31 March to 30 May is 60 days, more than the default 6 weeks (42 days).
    ev = evidence("2023-05-30", list_7=CP)
    march = parse_period("2023-03")
    assert perf.period_value(ev, "cp_visit_in_timescale", march) is None
    availability = perf.kpi_availability(ev, march).set_index("kpi_id")
    assert availability.loc["cp_visit_in_timescale", "status"] == "not computable"
    assert availability.loc["cp_visit_in_timescale", "reason"] == (
        "not computable for March 2023: the extract (30/05/2023) was taken more than 6 weeks "
        "after the period end (31/03/2023) and Annex A holds only each child's latest statutory "
        "visit"
    )


def test_the_as_at_window_is_configurable(monkeypatch):
    # With a 1-week window, an extract 9 days after the period end is too late for May.
    from qaanalysis.config import Thresholds
    from qaanalysis.measures.performance import definitions

    config = None
    if "stock_as_at_window_weeks" in Thresholds.model_fields:
        config = make_config(thresholds={"stock_as_at_window_weeks": 1})
    else:  # until the configuration declares it: the measures' own default
        monkeypatch.setattr(definitions, "STOCK_AS_AT_WINDOW_WEEKS", 1)
    ev = evidence("2023-06-09", config=config, list_7=AS_AT_CP)
    assert perf.period_value(ev, "cp_visit_in_timescale", parse_period("2023-05")) is None


def test_subsequent_plans_and_plans_lasting_two_years():
    plans = [
        {"child_id": "A", "cp_plan_start_date": "2023-06-05", "previous_cp_plans": 0},
        {
            "child_id": "B",
            "cp_plan_start_date": "2023-06-06",
            "previous_cp_plans": 1,
        },  # second plan
        {"child_id": "C", "cp_plan_start_date": "2023-06-07", "previous_cp_plans": 2},  # third plan
        {"child_id": "D", "cp_plan_start_date": "2023-06-08"},  # number blank: left out
        # ended 15 June 2023 after exactly two years: counted as 2 years or more
        {
            "child_id": "E",
            "cp_plan_start_date": "2021-06-15",
            "cp_plan_end_date": "2023-06-15",
            "previous_cp_plans": 0,
        },
        # one day short of two years
        {
            "child_id": "F",
            "cp_plan_start_date": "2021-06-16",
            "cp_plan_end_date": "2023-06-15",
            "previous_cp_plans": 0,
        },
    ]
    ev = evidence("2023-06-30", list_7=plans)
    assert value(ev, "cp_subsequent_plan", "2023-06") == (2, 3)
    assert value(ev, "cp_plans_2y_plus", "2023-06") == (1, 2)


# ----------------------------------------------------------------------------- children in care

# As at Friday 30 June 2023.
CLA = [
    # DOB 1 July 2018: 4 at the date, so 6-monthly; assessed 30 Dec 2022, due 30 June: in date
    {
        "child_id": "A",
        "date_of_birth": "2018-07-01",
        "cla_start_date": "2020-01-01",
        "health_assessment_date": "2022-12-30",
        "last_visit_date": "2023-05-19",  # 42 days: in time
        "latest_review_date": "2023-01-01",
        "placements_12m": 1,
        "missing_episodes_12m": 0,
    },
    # DOB 30 June 2018: 5 today, so 12-monthly; assessed 1 Aug 2022, due 1 Aug 2023: in date
    {
        "child_id": "B",
        "date_of_birth": "2018-06-30",
        "cla_start_date": "2020-01-01",
        "health_assessment_date": "2022-08-01",
        "last_visit_date": "2023-05-18",  # 43 days: late
        "latest_review_date": "2022-12-29",
        "placements_12m": 3,
        "missing_episodes_12m": 2,
    },
    # under 5, assessed 29 Dec 2022: due 29 June: out of date
    {
        "child_id": "C",
        "date_of_birth": "2020-01-01",
        "cla_start_date": "2021-01-01",
        "health_assessment_date": "2022-12-29",
        "placements_12m": 4,
    },
    # 5 or over, assessed 29 June 2022: due 29 June 2023: out of date
    {
        "child_id": "D",
        "date_of_birth": "2010-01-01",
        "cla_start_date": "2021-01-01",
        "health_assessment_date": "2022-06-29",
    },
    # came into care Monday 19 June: 9 working days, initial assessment not yet due (20): in date;
    # first visit due within 7 days (26 June): late
    {"child_id": "E", "date_of_birth": "2012-03-03", "cla_start_date": "2023-06-19"},
    # no date of birth or age: left out of the health measure
    {"child_id": "F", "cla_start_date": "2022-01-01", "health_assessment_date": "2023-01-01"},
    # left care in May: not counted
    {
        "child_id": "G",
        "date_of_birth": "2010-01-01",
        "cla_start_date": "2019-01-01",
        "ceased_date": "2023-05-01",
    },
    # came into care Monday 26 June, no visit yet: due 3 July, in time
    {
        "child_id": "H",
        "date_of_birth": "2015-01-01",
        "cla_start_date": "2023-06-26",
        "health_assessment_date": "2023-06-28",
    },
]


def test_health_assessments_six_months_under_five_twelve_months_from_five():
    ev = evidence("2023-06-30", list_8=CLA)
    records = perf.kpi_records(ev, "cla_health_assessment_in_date").set_index("child_id")
    assert records.loc["F", "excluded"] == "age unknown (no date of birth or age)"
    counted = records[records["excluded"] == ""]
    assert counted["met"].to_dict() == {
        "A": True,
        "B": True,
        "C": False,
        "D": False,
        "E": True,
        "H": True,
    }
    assert value(ev, "cla_health_assessment_in_date", "2023-06") == (4, 6)


def test_cla_visits_six_weeks_and_first_visit_within_a_week():
    ev = evidence("2023-06-30", list_8=CLA)
    records = perf.kpi_records(ev, "cla_visit_in_timescale").set_index("child_id")
    # A visited 42 days ago (in time), B 43 days (late); C, D, F never visited since long ago
    # starts; E's first visit was due 26 June; H's is due 3 July
    assert records["met"].to_dict() == {
        "A": True,
        "B": False,
        "C": False,
        "D": False,
        "E": False,
        "F": False,
        "H": True,
    }


def test_cla_reviews_first_within_20_working_days_then_3_then_6_months():
    rows = [
        # in care from Thursday 1 June, not yet reviewed: June 2 (1), 5-9 (6), 12-16 (11),
        # 19-23 (16), 26-29 (20), 30 (21): overdue on 30 June
        {"child_id": "A", "cla_start_date": "2023-06-01"},
        # from Friday 2 June: 20 working days on 30 June: not yet overdue
        {"child_id": "B", "cla_start_date": "2023-06-02"},
        # from 1 January 2023 (2 January is the New Year bank holiday), reviewed 20 January:
        # day 14, so the first review; the second was due 20 April: overdue
        {"child_id": "C", "cla_start_date": "2023-01-01", "latest_review_date": "2023-01-20"},
        # in care since 2022, reviewed 1 January 2023 (a later review): next due 1 July: in time
        {"child_id": "D", "cla_start_date": "2022-01-01", "latest_review_date": "2023-01-01"},
    ]
    ev = evidence("2023-06-30", list_8=rows)
    records = perf.kpi_records(ev, "cla_review_in_timescale").set_index("child_id")
    assert records["met"].to_dict() == {"A": False, "B": True, "C": False, "D": True}


def test_placements_and_missing():
    ev = evidence("2023-06-30", list_8=CLA)
    assert value(ev, "cla_3plus_placements", "2023-06") == (2, 3)  # B (3) and C (4) of A, B, C
    assert value(ev, "cla_missing", "2023-06") == (1, 2)  # B of A, B; blanks left out


def test_care_leavers():
    # As at 30 June 2023; DfE's care leaver ages are 17 to 21.
    rows = [
        {
            "child_id": "A",
            "date_of_birth": "2005-01-01",
            "in_touch": "yes",  # 18
            "accommodation_suitable": "suitable",
            "activity_status": "f1_full_time_in_higher_education",
        },
        {
            "child_id": "B",
            "date_of_birth": "2002-07-01",
            "in_touch": "no",  # 20 (21 tomorrow)
            "accommodation_suitable": "unsuitable",
            "activity_status": "p3_part_time_in_training_or_employment",
        },
        {
            "child_id": "C",
            "date_of_birth": "2004-01-01",
            "in_touch": "died",
        },  # left out of every measure
        {
            "child_id": "D",
            "age": 19,  # no date of birth: the Age column is used
            "activity_status": "g5_not_in_education_employment_or_training_other",
        },
        {"child_id": "E", "date_of_birth": "2001-07-01", "in_touch": "yes"},  # 21: blanks not met
        {
            "child_id": "F",
            "date_of_birth": "2001-06-30",
            "in_touch": "yes",  # 22 today: too old
            "accommodation_suitable": "suitable",
            "activity_status": "f4_full_time_in_employment",
        },
    ]
    ev = evidence("2023-06-30", list_9=rows)
    records = perf.kpi_records(ev, "care_leavers_in_touch").set_index("child_id")
    assert records.loc["F", "excluded"] == "not aged 17 to 21 at the extract date"
    assert value(ev, "care_leavers_in_touch", "2023-06") == (2, 4)  # A, E of A, B, D, E
    assert value(ev, "care_leavers_suitable_accommodation", "2023-06") == (1, 4)
    assert value(ev, "care_leavers_eet", "2023-06") == (2, 4)  # F1 and P3 are EET; G5 is not


# ----------------------------------------------------------------------------- referrals


def test_rereferrals_and_nfa():
    rows = [
        {"child_id": "A", "referral_date": "2023-10-02", "referrals_12m": 1, "referral_nfa": False},
        {"child_id": "B", "referral_date": "2023-10-03", "referrals_12m": 2, "referral_nfa": True},
        {"child_id": "C", "referral_date": "2023-10-04", "referrals_12m": 3, "referral_nfa": False},
        {"child_id": "D", "referral_date": "2023-10-05"},  # number blank: left out; NFA blank too
    ]
    ev = evidence("2023-10-31", list_3=rows)
    assert value(ev, "referrals_rereferral_12m", "2023-10") == (2, 3)  # 2 and 3 include this one
    assert value(ev, "referrals_nfa", "2023-10") == (1, 3)


def test_what_cannot_be_computed_is_reported():
    ev = evidence("2023-06-30", list_4=[{"child_id": "A", "assessment_start_date": "2023-05-05"}])
    availability = perf.kpi_availability(ev, parse_period("2023-06")).set_index("kpi_id")
    assert availability.loc["assessments_within_45wd", "status"] == "not computable"
    assert "assessment_authorised_date" in availability.loc["assessments_within_45wd", "reason"]
    assert availability.loc["care_leavers_eet", "reason"].startswith("Annex A List 9 not supplied")
    assert perf.kpi_figures(ev, parse_period("2023-06")) == []


# ----------------------------------------------------------------------------- series, SPC


def test_monthly_series_has_gaps_for_months_without_events():
    rows = [
        {
            "child_id": "A",
            "assessment_start_date": "2023-03-01",
            "assessment_authorised_date": "2023-04-03",
        },
        {
            "child_id": "B",
            "assessment_start_date": "2023-04-01",
            "assessment_authorised_date": "2023-06-30",
        },
    ]
    ev = evidence("2023-07-15", list_4=rows)
    series = perf.kpi_series(ev, "assessments_within_45wd")
    assert [str(m) for m in series["month"]] == ["2023-04", "2023-05", "2023-06"]
    assert series["denominator"].tolist() == [1, 0, 1]
    assert pd.isna(series["value"].iloc[1])  # May: no assessments authorised, a gap, not 0%


def scorecard_rows(kpi_id: str, values: list[float], start: str = "2023-04") -> pd.DataFrame:
    months = pd.date_range(start, periods=len(values), freq="MS")
    return pd.DataFrame(
        {
            "kpi_id": kpi_id,
            "month": months,
            "value": values,
            "numerator": float("nan"),
            "denominator": float("nan"),
        }
    )


def test_spc_shift_is_special_cause_improvement_with_hand_worked_limits():
    # 12 baseline months alternating 70% and 74%: mean 72%, every moving range 4 points, so the
    # process limits are 72% -/+ 2.66 x 4 = 61.36% to 82.64%. Then 8 months at 90%: beyond the
    # upper limit (rule 1). Target 80% lies inside the limits: hit and miss.
    values = [0.70, 0.74] * 6 + [0.90] * 8
    config = make_config(
        kpis={
            "assessments_within_45wd": {
                "label": "Assessments within 45 working days",
                "source": "scorecard",
                "polarity": "higher",
                "target": 0.8,
                "baseline_end": "2024-03",
            }
        }
    )
    ev = evidence(
        "2024-11-30", config=config, kpis=scorecard_rows("assessments_within_45wd", values)
    )
    result = perf.kpi_spc(ev, "assessments_within_45wd", parse_period("2024-11"))
    last = result.points.iloc[-1]
    assert last["mean"] == pytest.approx(0.72)
    assert last["upper_limit"] == pytest.approx(0.8264)
    assert last["lower_limit"] == pytest.approx(0.6136)
    assert result.variation == "special_cause_improvement"
    assert result.assurance == "hit_and_miss"
    reading = spc_reading(result, kpi=config.kpis["assessments_within_45wd"], config=config)
    assert "special cause improvement" in reading


def test_spc_under_15_points_is_a_run_chart_and_missing_months_are_gaps():
    kpis = scorecard_rows("caseload_average", [18, 19, 20, 21, 22])
    kpis = kpis.drop(index=2)  # June missing
    config = make_config(
        kpis={
            "caseload_average": {"label": "Average caseload", "unit": "number", "polarity": "lower"}
        }
    )
    ev = evidence("2023-08-31", config=config, kpis=kpis)
    result = perf.kpi_spc(ev, "caseload_average", parse_period("2023-08"))
    assert result.is_run_chart and result.variation is None and result.assurance is None
    assert [str(m) for m in result.points.index] == [
        "2023-04",
        "2023-05",
        "2023-06",
        "2023-07",
        "2023-08",
    ]
    assert pd.isna(result.points["value"].iloc[2])
    assert pd.isna(result.points["upper_limit"]).all()


def test_scorecard_percentages_written_as_whole_numbers_are_read_as_fractions():
    config = make_config(kpis={"supervision_in_timescale": {"label": "Supervision", "target": 85}})
    ev = evidence(
        "2023-05-31", config=config, kpis=scorecard_rows("supervision_in_timescale", [72.0, 81.0])
    )
    v = perf.period_value(ev, "supervision_in_timescale", parse_period("2023-05"))
    assert v.value == pytest.approx(0.81)
    assert perf.target_status(v.value, config.kpis["supervision_in_timescale"]) == "missing target"


# ----------------------------------------------------------------------------- figures, signals


def test_kpi_figure_compares_with_the_previous_period_and_target():
    # April: 10 assessments started 3 January and authorised 28 April (about 80 working days: late)
    # and 2 started 3 April and authorised 5 April (2 days): 2 of 12 on time. May: 12 started
    # 2 May and authorised 31 May (19 working days, the 8 and 29 May holidays excluded): 12 of 12.
    # Fisher's exact test on [[2, 10], [12, 0]] (scipy as a second method): p < 0.001, improving.
    rows = [
        {
            "child_id": f"late{i}",
            "assessment_start_date": "2023-01-03",
            "assessment_authorised_date": "2023-04-28",
        }
        for i in range(10)
    ]
    rows += [
        {
            "child_id": f"quick{i}",
            "assessment_start_date": "2023-04-03",
            "assessment_authorised_date": "2023-04-05",
        }
        for i in range(2)
    ]
    rows += [
        {
            "child_id": f"may{i}",
            "assessment_start_date": "2023-05-02",
            "assessment_authorised_date": "2023-05-31",
        }
        for i in range(12)
    ]
    config = make_config(
        kpis={
            "assessments_within_45wd": {
                "label": "Assessments in time",
                "source": "annex_a",
                "target": 0.9,
                "theme": "assessment",
            }
        }
    )
    ev = evidence("2023-05-31", config=config, list_4=rows)
    figure = perf.kpi_figure(ev, "assessments_within_45wd", parse_period("2023-05"))
    assert figure.id == "kpi.assessments_within_45wd"
    assert (figure.numerator, figure.denominator) == (12, 12)
    assert (figure.comparison["numerator"], figure.comparison["denominator"]) == (2, 12)
    assert figure.direction == "improving"
    assert figure.comparison["target_status"] == "meeting target"


def test_signals_negative_when_failing_target():
    config = make_config(
        kpis={
            "cp_visit_in_timescale": {
                "label": "CP visits",
                "source": "annex_a",
                "target": 0.9,
                "theme": "relationships_visits",
            }
        }
    )
    ev = evidence("2023-05-30", config=config, list_7=CP)
    period = parse_period("2023-05")
    figures = perf.kpi_figures(ev, period)
    signals = {s.theme: s for s in perf.signals(figures, evidence=ev, period=period)}
    signal = signals["relationships_visits"]
    assert (signal.theme, signal.source, signal.signal) == (
        "relationships_visits",
        "performance",
        "negative",
    )
    assert signal.figure_ids == ("kpi.cp_visit_in_timescale",)
    assert "50% (2 of 4)" in signal.reason


# ----------------------------------------------------------------------------- benchmarks


def published_config(**kpis) -> Config:
    return make_config(
        authority={"name": "Calderdale (test)", "slug": "calderdale", "la_code": "381"},
        published={
            "sn_model": "published/sn_model_2025_wide_calderdale.csv",
            "measures": {
                "referrals_rereferral_12m": {
                    "file": "published/c1_children_in_need_referrals_and_rereferrals_2013_to_2025_calderdale_sns.csv",
                    "value_column": "rereferral_percent",
                },
                "care_leavers_suitable_accommodation": {
                    "file": "published/la_care_leavers_accommodation_suitability_calderdale_sns.csv",
                    "value_column": "care_leaver_percent",
                    **kpis,
                },
            },
        },
    )


def test_benchmarks_from_published_statistics_and_the_neighbour_model():
    config = published_config(
        filters={
            "care_leaver_age": "19 to 21 years",
            "breakdown": "Accommodation considered suitable",
        }
    )
    ev = evidence("2025-09-30", config=config)
    table = perf.benchmarks(ev).set_index("kpi_id")
    # Re-referrals 2025: Calderdale 20.4%, England 22.6%, Yorkshire and The Humber 21.7%; the ten
    # neighbours 20, 20.5, 21.5, 24.2, 17.9, 17.1, 16.6, 46.7, 22.6, 19.7: sum 226.8, mean 22.68%.
    row = table.loc["referrals_rereferral_12m"]
    assert row["year"] == 2025
    assert (row["authority"], row["england"], row["region"]) == pytest.approx((0.204, 0.226, 0.217))
    assert row["statistical_neighbours"] == pytest.approx(0.2268)
    assert row["sn_available"] == 10
    assert row["region_name"] == "Yorkshire and The Humber"
    # lower is better
    assert (row["vs_england"], row["vs_statistical_neighbours"]) == ("better", "better")
    # Care leavers 19-21 in suitable accommodation 2025: Stockport is "c" (suppressed), so 9
    # neighbours: 97, 86, 81, 81, 85, 80, 91, 87, 89, sum 777, mean 86.33%.
    row = table.loc["care_leavers_suitable_accommodation"]
    assert row["statistical_neighbours"] == pytest.approx(7.77 / 9)
    assert row["sn_available"] == 9
    assert "9 of 10 have a value" in row["notes"]
    assert row["authority"] == pytest.approx(0.93) and row["vs_england"] == "better"


def test_published_filters_that_match_several_rows_are_reported_not_guessed():
    ev = evidence(
        "2025-09-30", config=published_config(filters={"care_leaver_age": "19 to 21 years"})
    )
    row = perf.benchmarks(ev).set_index("kpi_id").loc["care_leavers_suitable_accommodation"]
    assert pd.isna(row["england"])
    assert "the filters match 4 rows" in row["notes"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("c", (None, "confidential: 1 to 5, suppressed")),
        ("z", (None, "not applicable")),
        ("low", (None, "rounds to zero but is not zero")),
        (":", (None, "not available")),
        ("22.6", (pytest.approx(0.226), "")),
        ("0", (0.0, "")),
    ],
)
def test_suppression_symbols_are_missing_with_a_reason_never_zero(text, expected):
    assert perf.read_published_value(text, 0.01) == expected


def test_every_catalogued_annex_a_kpi_is_declared_once():
    config = make_config()
    annex_kpis = {k for k, kpi in config.kpis.items() if kpi.source == "annex_a"}
    assert annex_kpis == set(perf.KPI_DEFINITIONS)
    table = perf.kpi_definitions(config).set_index("kpi_id")
    assert "45 working days" in table.loc["assessments_within_45wd", "numerator"]


def test_flow_counts_start_at_the_annex_a_window():
    referrals = [
        # the earliest referral is on 16 September: the window began mid-month, so counting
        # starts on 1 October
        {"child_id": "A", "referral_date": "2023-09-16", "referrals_12m": 1},
        {"child_id": "B", "referral_date": "2023-10-02", "referrals_12m": 1},
    ]
    plans = [
        # started before the window: on the list only because still open in it, so not counted
        {"child_id": "A", "cp_plan_start_date": "2023-06-01", "previous_cp_plans": 1},
        {"child_id": "B", "cp_plan_start_date": "2023-10-10", "previous_cp_plans": 0},
    ]
    ev = evidence("2023-10-31", list_3=referrals, list_7=plans)
    assert perf.window_start(ev) == pd.Timestamp("2023-10-01")
    series = perf.kpi_series(ev, "cp_subsequent_plan")
    assert [str(m) for m in series["month"]] == ["2023-10"]
    assert perf.period_value(ev, "referrals_rereferral_12m", parse_period("2023-09")) is None


@pytest.mark.skipif(not (SAMPLE / "la.yaml").is_file(), reason="sample authority not generated")
def test_sample_authority_shows_the_planted_rise_in_assessment_timeliness():
    # Lists 3 and 4 only, to stay fast. The generator's README states the realised shares it
    # planted, computed by its own working-day arithmetic: a second method.
    config = load_config(SAMPLE / "la.yaml")
    files = {k: v for k, v in config.sources["annex_a"].files.items() if k in ("list_3", "list_4")}
    source = config.sources["annex_a"].model_copy(update={"files": files})
    extract = pd.Timestamp(config.extract_date)
    lists, _, _ = load_annex_a(source, config, extract_date=extract)
    ev = Evidence(config, extract, {}, lists, LoadReport())
    records = perf.kpi_records(ev, "assessments_within_45wd")
    records = records[records["excluded"] == ""]
    shift = records["event_date"] >= pd.Timestamp("2025-10-01")
    before = (int(records.loc[~shift, "met"].sum()), int((~shift).sum()))
    after = (int(records.loc[shift, "met"].sum()), int(shift.sum()))
    assert 0.68 < before[0] / before[1] < 0.76 and 0.86 < after[0] / after[1] < 0.94
    readme = (
        (SAMPLE / "README.md").read_text(encoding="utf-8")
        if (SAMPLE / "README.md").is_file()
        else ""
    )
    stated = re.search(
        r"realised \d+% \((\d+) of (\d+)\) before.*?\((\d+) of (\d+)\) from", readme, re.S
    )
    if stated:
        assert before == (int(stated[1]), int(stated[2])) and after == (
            int(stated[3]),
            int(stated[4]),
        )
    result = perf.kpi_spc(ev, "assessments_within_45wd", parse_period("2026-27-Q2"))
    assert result.variation == "special_cause_improvement"
    flagged = result.points["special_cause"]
    assert (flagged.loc["2025-10":] == "improvement").all()  # every month since the change
    assert flagged.loc[:"2025-08"].isna().all()  # nothing special before it


@pytest.mark.parametrize(
    ("recalc", "expected"),
    [
        # With limits recalculated from the 13th month, the second phase has its own mean (85%) and
        # mean moving range (10 points, the range across the recalculation not counted): limits
        # 85% -/+ 26.6%; its points alternate either side of the mean: common cause.
        (["2024-04"], "common_cause"),
        # One phase: mean (12 x 55% + 10 x 85%) / 22 = 68.6%; the last 10 points all above it: a shift.
        ([], "special_cause_improvement"),
    ],
)
def test_spc_recalculation_dates_come_from_configuration(recalc, expected):
    values = [0.5, 0.6] * 6 + [0.8, 0.9] * 5
    config = make_config(
        kpis={
            "supervision_in_timescale": {
                "label": "Supervision",
                "polarity": "higher",
                "recalc_dates": recalc,
            }
        }
    )
    ev = evidence(
        "2025-01-31", config=config, kpis=scorecard_rows("supervision_in_timescale", values)
    )
    result = perf.kpi_spc(ev, "supervision_in_timescale", parse_period("2025-01"))
    assert result.variation == expected
    if recalc:
        assert result.points["mean"].iloc[-1] == pytest.approx(0.85)
        assert result.points["upper_limit"].iloc[-1] == pytest.approx(0.85 + 0.266)


def test_recalculation_date_outside_the_data_is_ignored_with_a_note():
    config = make_config(
        kpis={
            "supervision_in_timescale": {
                "label": "Supervision",
                "recalc_dates": ["2030-01"],
                "baseline_end": "2019-01",
            }
        }
    )
    ev = evidence(
        "2023-08-31",
        config=config,
        kpis=scorecard_rows("supervision_in_timescale", [0.7, 0.8, 0.75]),
    )
    result = perf.kpi_spc(ev, "supervision_in_timescale", parse_period("2023-08"))
    assert result.recalc_dates == () and result.baseline_end is None
    assert any("2030-01" in note for note in result.notes)
    assert any("baseline end 2019-01" in note for note in result.notes)


# ----------------------------------------------------------------------------- the section, once


def test_spc_reading_of_a_run_chart_gives_the_latest_month_with_its_count():
    # Three scorecard months with their counts: 6 of 10, 7 of 10, 9 of 12. Three points are fewer
    # than the default 15 for limits, so a run chart; the latest month is June, 9 of 12 = 75%.
    kpis = pd.DataFrame(
        {
            "kpi_id": "supervision_in_timescale",
            "month": pd.date_range("2023-04", periods=3, freq="MS"),
            "value": [0.6, 0.7, 0.75],
            "numerator": [6.0, 7.0, 9.0],
            "denominator": [10.0, 10.0, 12.0],
        }
    )
    config = make_config(kpis={"supervision_in_timescale": {"label": "Supervision in timescale"}})
    ev = evidence("2023-06-30", config=config, kpis=kpis)
    result = perf.kpi_spc(ev, "supervision_in_timescale", parse_period("2023-06"))
    kpi = config.kpis["supervision_in_timescale"]
    assert spc_reading(result, kpi=kpi, config=config) == (
        "Supervision in timescale: 3 monthly points, too few for control limits (a run chart "
        "until there are 15); latest 75% (9 of 12)."
    )
    assert spc_reading(None, kpi=kpi, config=config) == (
        "Supervision in timescale: no monthly data to chart."
    )


def counting(monkeypatch, module, name: str, calls: list[str]) -> None:
    """Count the calls of ``module.name`` (by the KPI id they are for)."""
    original = getattr(module, name)

    def counted(evidence, kpi_id, period):
        calls.append(kpi_id)
        return original(evidence, kpi_id, period)

    monkeypatch.setattr(module, name, counted)


def test_section_computes_each_kpi_figure_and_chart_once_and_reads_them(monkeypatch):
    from qaanalysis.sections import performance as section

    # The package's functions share names with its modules (scorecard, signals): by module path.
    kpis_module, spc_module, scorecard_module, signals_module = (
        importlib.import_module(f"qaanalysis.measures.performance.{name}")
        for name in ("kpis", "spc", "scorecard", "signals")
    )

    config = make_config(
        kpis={
            "cp_visit_in_timescale": {
                "label": "CP visits",
                "source": "annex_a",
                "target": 0.9,
                "theme": "relationships_visits",
            }
        }
    )
    ev = evidence("2023-05-30", config=config, list_7=CP)
    figure_calls, chart_calls = [], []
    counting(monkeypatch, kpis_module, "kpi_figure", figure_calls)
    for module in (spc_module, scorecard_module, signals_module):
        counting(monkeypatch, module, "kpi_spc", chart_calls)
    built = section.build(ev, parse_period("2023-05"), audience="internal")
    # One Figure and one chart per catalogued KPI (the defaults' catalogue with this one added),
    # however many items read them; only the CP visits KPI has data.
    assert figure_calls == list(config.kpis)
    assert chart_calls == list(config.kpis)
    # The hand-worked CP fixture: 2 of the 4 open plans visited within 10 working days.
    by_id = {f.id: f for f in built.figures}
    figure = by_id["kpi.cp_visit_in_timescale"]
    assert (figure.numerator, figure.denominator) == (2, 4)
    assert built["kpi_figures"].figures == built.figures
    # The signals cite only the section's Figures; missing its target makes the theme negative.
    assert all(set(s.figure_ids) <= set(by_id) for s in built.signals)
    signal = {s.theme: s for s in built.signals}["relationships_visits"]
    assert signal.signal == "negative" and "kpi.cp_visit_in_timescale" in signal.figure_ids
    assert built["signals"].frame["reason"].tolist() == [s.reason for s in built.signals]
    # The percentages scorecard has the KPI's row, 50% against a 90% target.
    row = built["scorecard"].frame.set_index("kpi_id").loc["cp_visit_in_timescale"]
    assert (row["value"], row["target_status"]) == (0.5, "missing target")
    # No List 4, so assessments have no monthly series: the chart says so rather than drawing.
    chart = built["spc_assessments_chart"]
    label = config.kpis["assessments_within_45wd"].label
    assert (chart.draw, chart.data["text"]) == ("message", f"{label}: no monthly data to chart")
    # Children on plans not visited within the standard: B (11 working days) and E (never).
    overdue = built["cp_visits_overdue"]
    assert overdue.child_level and sorted(overdue.frame["child_id"]) == ["B", "E"]


def test_first_visit_and_initial_health_timescales_come_from_configuration():
    from qaanalysis.measures.performance.evaluators import _eval_cla_visits, _eval_health

    as_at = pd.Timestamp("2026-09-30")
    # A child in care since 25 September (5 days) with no visit and no health assessment yet.
    list_8 = pd.DataFrame({
        "child_id": ["C1"], "cla_start_date": [pd.Timestamp("2026-09-25")],
        "ceased_date": [pd.NaT], "last_visit_date": [pd.NaT],
        "health_assessment_date": [pd.NaT], "date_of_birth": [pd.Timestamp("2015-01-01")],
    })  # fmt: skip
    lists = {"list_8": list_8}
    default = make_config()
    # Default 7 days for the first visit: 5 days in, still in timescale.
    assert _eval_cla_visits(lists, default, as_at)["met"].tolist() == [True]
    timescales = {**default_settings()["timescales"], "cla_first_visit_days": 3,
                  "health_assessment_initial_working_days": 2}  # fmt: skip
    strict = make_config(timescales=timescales)
    assert _eval_cla_visits(lists, strict, as_at)["met"].tolist() == [False]
    # 25 to 30 September 2026 is 3 working days (26th and 27th a weekend): within 20, not 2.
    assert _eval_health(lists, default, as_at)["met"].tolist() == [True]
    assert _eval_health(lists, strict, as_at)["met"].tolist() == [False]
