"""Early help, children in need and adoption KPIs (Annex A Lists 2, 6, 10 and 11), hand-worked.

Each numerator and denominator is worked out by hand from the rule in the comment beside the row:
working days with England and Wales bank holidays counted off a calendar, calendar days counted
month by month; never copied from the code's output.
"""

from pathlib import Path

import pandas as pd
from test_performance import evidence, value  # the hand-made Annex A evidence, shared

from qaanalysis.config import Config, default_settings
from qaanalysis.measures import performance as perf
from qaanalysis.periods import parse_period

FIXTURES = Path(__file__).parents[1] / "fixtures"

NEW_KPIS = (
    "early_help_assessment_in_timescale",
    "cin_seen_in_timescale",
    "adoption_care_to_placement",
    "adoption_order_to_match",
    "adoption_decision_to_placement",
    "adopters_approved_in_timescale",
)


def make_config(**timescales) -> Config:
    settings = default_settings()
    settings.update(
        authority={"name": "Testshire", "slug": "testshire"},
        sources={"audits": {"file": "audits.csv"}},
        base_dir=FIXTURES,
    )
    settings["timescales"] = {**settings["timescales"], **timescales}
    return Config.model_validate(settings)


# ----------------------------------------------------------------------------- early help (List 2)

# 45 working days from Monday 4 December 2023, counted by hand: Dec 5-8 (4), 11-15 (9), 18-22 (14);
# Christmas Day and Boxing Day are bank holidays, Dec 27-29 (17); New Year's Day is a bank holiday,
# Jan 2-5 (21), 8-12 (26), 15-19 (31), 22-26 (36), 29-31 (39), Feb 1-2 (41), 5 (42), 6 (43), 7 (44),
# 8 (45). The 45th working day is Thursday 8 February 2024 (Monday 5 February without the holidays).
# 20 working days from Monday 5 February 2024: Feb 6-9 (4), 12-16 (9), 19-23 (14), 26-29 (18),
# Mar 1 (19), Mar 4 (20).
EARLY_HELP = [
    {
        "child_id": "E1",
        "assessment_start_date": "2023-12-04",
        "assessment_completion_date": "2024-02-08",
        "organisation": "Family hub",
    },  # day 45: in timescale
    {
        "child_id": "E2",
        "assessment_start_date": "2023-12-04",
        "assessment_completion_date": "2024-02-09",
        "organisation": "School",
    },  # day 46: one day late (on time if bank holidays were ignored)
    {
        "child_id": "E3",
        "assessment_start_date": "2023-12-04",
        "assessment_completion_date": None,
        "organisation": "School",
    },  # not completed: no event, not counted
    {
        "child_id": "E4",
        "assessment_start_date": None,
        "assessment_completion_date": "2024-02-01",
        "organisation": "School",
    },  # no start: left out, with the reason
    {
        "child_id": "E5",
        "assessment_start_date": "2024-02-10",
        "assessment_completion_date": "2024-02-05",
        "organisation": "School",
    },  # completed before it started: left out
    {
        "child_id": "E6",
        "assessment_start_date": "2024-02-05",
        "assessment_completion_date": "2024-03-04",
        "organisation": "Family hub",
    },  # day 20: in timescale for 45 and for 20 working days
    {
        "child_id": "E7",
        "assessment_start_date": "2023-11-01",
        "assessment_completion_date": "2023-12-20",
        "organisation": "School",
    },  # completed in December: the previous quarter
]


def test_early_help_assessments_within_45_working_days_count_bank_holidays():
    ev = evidence("2024-03-29", list_2=EARLY_HELP)
    # January to March 2024: E1, E2, E6 completed and counted; E1 and E6 in timescale.
    assert value(ev, "early_help_assessment_in_timescale", "2023-24-Q4") == (2, 3)
    records = perf.kpi_records(ev, "early_help_assessment_in_timescale").set_index("child_id")
    assert records.loc["E1", "working_days"] == 45 and records.loc["E2", "working_days"] == 46
    assert records.loc["E4", "excluded"] == "no assessment start date"
    assert records.loc["E5", "excluded"] == "completed before the start"
    assert "E3" not in records.index
    # The organisation completing the assessment stands for the team.
    assert records.loc["E6", "team"] == "Family hub"


def test_early_help_timescale_comes_from_configuration():
    ev = evidence(
        "2024-03-29", list_2=EARLY_HELP, config=make_config(early_help_assessment_working_days=20)
    )
    # Only E6 (day 20) is within 20 working days.
    assert value(ev, "early_help_assessment_in_timescale", "2023-24-Q4") == (1, 3)
    definitions = perf.kpi_definitions(ev.config).set_index("kpi_id")
    assert (
        "within 20 working days"
        in definitions.loc["early_help_assessment_in_timescale", "numerator"]
    )


# ----------------------------------------------------------------------- children in need (List 6)

# Seen within 6 weeks (42 days) of the extract, Friday 15 March 2024: seen on 2 February 2024 is
# exactly 42 days before (27 days to 29 February, a leap year, then 15), so in timescale; seen on
# 1 February is 43 days before.
CIN = [
    {
        "child_id": "C1",
        "cin_start_date": "2023-06-01",
        "last_seen_date": "2024-02-02",
        "case_status": "child_in_need_plan",
        "team": "North",
    },  # 42 days: in timescale
    {
        "child_id": "C2",
        "cin_start_date": "2023-06-01",
        "last_seen_date": "2024-02-01",
        "case_status": "child_in_need_plan",
        "team": "North",
    },  # 43 days: overdue
    {
        "child_id": "C3",
        "cin_start_date": "2024-03-01",
        "last_seen_date": None,
        "case_status": "open_assessment",
        "team": "South",
    },  # began 1 March, not yet seen: the first visit is not due until 12 April
    {
        "child_id": "C4",
        "cin_start_date": "2024-01-10",
        "last_seen_date": None,
        "case_status": "child_in_need_plan",
        "team": "South",
    },  # began 10 January, never seen: due 21 February, overdue
    {
        "child_id": "C5",
        "cin_start_date": "2023-06-01",
        "last_seen_date": "2023-12-01",
        "cin_closure_date": "2024-03-01",
        "case_status": "closed_episode",
        "team": "North",
    },  # closed before the extract: not open
    {
        "child_id": "C6",
        "cin_start_date": "2023-06-01",
        "last_seen_date": "2023-12-01",
        "cin_closure_date": "2024-03-15",
        "case_status": "closed_episode",
        "team": "North",
    },  # closed on the extract date: closed at it
    {
        "child_id": "C7",
        "cin_start_date": "2023-06-01",
        "last_seen_date": "2023-10-01",
        "case_status": "child_protection_plan",
        "team": "North",
    },  # on a protection plan: visits measured on List 7, left out
    {
        "child_id": "C8",
        "cin_start_date": "2023-09-01",
        "last_seen_date": "2023-08-20",
        "case_status": "child_in_need_plan",
        "team": "South",
    },  # seen before this episode began: not seen since, first visit due 13 October 2023, overdue
]


def test_children_in_need_seen_within_six_weeks_as_at_the_extract():
    ev = evidence("2024-03-15", list_6=CIN)
    # Open and counted: C1, C2, C3, C4, C8; in timescale: C1, C3.
    assert value(ev, "cin_seen_in_timescale", "2023-24-Q4") == (2, 5)
    records = perf.kpi_records(ev, "cin_seen_in_timescale", as_at=pd.Timestamp("2024-03-15"))
    records = records.set_index("child_id")
    assert set(records.index) == {"C1", "C2", "C3", "C4", "C7", "C8"}
    assert records.loc["C7", "excluded"].startswith("on a protection plan")
    assert records.loc["C8", "next_visit_due"] == pd.Timestamp("2023-10-13")
    teams = perf.team_breakdown(ev, parse_period("2023-24-Q4"), kpi_ids=["cin_seen_in_timescale"])
    by_team = teams.set_index("team")[["numerator", "denominator"]]
    assert by_team.loc["North"].tolist() == [1, 2]  # C1 of C1, C2
    assert by_team.loc["South"].tolist() == [1, 3]  # C3 of C3, C4, C8


def test_children_in_need_position_at_the_period_end_or_the_extract_date():
    rows = [
        {"child_id": "P1", "cin_start_date": "2023-06-01", "last_seen_date": "2024-03-01"},
        # at 31 March: due 12 April, in timescale; at 10 April: still in timescale
        {"child_id": "P2", "cin_start_date": "2023-06-01", "last_seen_date": "2024-02-10"},
        # due 23 March: overdue at 31 March and at 10 April
    ]
    period = parse_period("2023-24-Q4")
    ev = evidence("2024-04-10", list_6=rows)
    as_at = perf.stock_as_at(ev, "cin_seen_in_timescale", period)
    assert as_at.date == pd.Timestamp("2024-03-31") and "the period end" in as_at.label
    assert value(ev, "cin_seen_in_timescale", "2023-24-Q4") == (1, 2)
    # A child seen after the period end hides the position at 31 March: the extract date's.
    later = rows + [
        {"child_id": "P3", "cin_start_date": "2023-01-01", "last_seen_date": "2024-04-05"}
    ]
    ev = evidence("2024-04-10", list_6=later)
    as_at = perf.stock_as_at(ev, "cin_seen_in_timescale", period)
    assert as_at.date == pd.Timestamp("2024-04-10") and "the extract date" in as_at.label
    assert value(ev, "cin_seen_in_timescale", "2023-24-Q4") == (2, 3)  # P1 and P3 of 3


def test_children_in_need_visiting_standard_comes_from_configuration():
    ev = evidence("2024-03-15", list_6=CIN, config=make_config(cin_visit_weeks=8))
    # 8 weeks (56 days): C1 and C2 (43 days) in timescale, C3 not due; C4 due 6 March, overdue;
    # C8 due 27 October 2023, overdue.
    assert value(ev, "cin_seen_in_timescale", "2023-24-Q4") == (3, 5)


# ------------------------------------------------------------------------------- adoption (List 10)

# Calendar days, counted month by month. Entering care on 10 January 2022: a year on is 10 January
# 2023 (365 days), then 21 days to 31 January, 28 to 28 February, 12 to 12 March: 426 days.
# Placement order on 1 November 2022: 30 days to 1 December, 31 to 1 January, 31 to 1 February,
# 28 to 1 March: 120, so 2 March is day 121.
ADOPTION = [
    {
        "child_id": "D1",
        "entered_care_date": "2022-01-10",
        "adoption_decision_date": "2022-03-12",
        "placed_for_adoption_date": "2023-03-12",
    },  # 426 days after entering care: in timescale; placed exactly 12 months after the decision
    {
        "child_id": "D2",
        "entered_care_date": "2022-01-10",
        "adoption_decision_date": "2022-03-12",
        "placed_for_adoption_date": "2023-03-13",
    },  # 427 days; 12 months and a day after the decision: neither in timescale
    {
        "child_id": "D3",
        "entered_care_date": "2022-01-10",
        "ffa_placement_date": "2022-05-01",
        "placed_for_adoption_date": "2023-03-20",
    },  # moved in with the same family under fostering for adoption on 1 May 2022: 111 days
    # (21 + 28 + 31 + 30 + 1); no decision date recorded
    {
        "child_id": "D4",
        "entered_care_date": None,
        "adoption_decision_date": "2022-06-01",
        "placed_for_adoption_date": "2023-02-01",
    },  # no date of entering care: left out of A1; placed 8 months after the decision
    {
        "child_id": "M1",
        "entered_care_date": "2021-06-01",
        "placement_order_date": "2022-11-01",
        "matched_date": "2023-03-02",
    },  # matched on day 121 after the placement order: in timescale
    {
        "child_id": "M2",
        "entered_care_date": "2021-06-01",
        "placement_order_date": "2022-11-01",
        "matched_date": "2023-03-03",
    },  # day 122: late
    {
        "child_id": "M3",
        "entered_care_date": "2021-06-01",
        "placement_order_date": None,
        "matched_date": "2023-02-10",
    },  # placed with consent (no placement order): left out of A2
    {
        "child_id": "M4",
        "entered_care_date": "2021-06-01",
        "placement_order_date": "2023-02-01",
        "matched_date": "2023-01-20",
    },  # matched before the order: left out
]


def test_adoption_entering_care_to_moving_in_within_426_days():
    ev = evidence("2023-03-31", list_10=ADOPTION)
    # January to March 2023, placed for adoption: D1, D2, D3 counted (D4 left out); D1 and D3 in time.
    assert value(ev, "adoption_care_to_placement", "2022-23-Q4") == (2, 3)
    records = perf.kpi_records(ev, "adoption_care_to_placement").set_index("child_id")
    assert records.loc["D1", "days"] == 426 and records.loc["D2", "days"] == 427
    assert records.loc["D3", "days"] == 111
    assert records.loc["D4", "excluded"] == "no date of entering care"


def test_adoption_placement_order_to_match_within_121_days():
    ev = evidence("2023-03-31", list_10=ADOPTION)
    # Matched January to March 2023: M1 (day 121) and M2 (day 122) counted; M3, M4 left out.
    assert value(ev, "adoption_order_to_match", "2022-23-Q4") == (1, 2)
    records = perf.kpi_records(ev, "adoption_order_to_match").set_index("child_id")
    assert records.loc["M3", "excluded"].startswith("no placement order")
    assert records.loc["M4", "excluded"] == "matched before the placement order"
    # 122 days allowed by the configuration: M2 too.
    ev = evidence(
        "2023-03-31", list_10=ADOPTION, config=make_config(adoption_order_to_match_days=122)
    )
    assert value(ev, "adoption_order_to_match", "2022-23-Q4") == (2, 2)


def test_adoption_placed_within_12_months_of_the_decision():
    ev = evidence("2023-03-31", list_10=ADOPTION)
    # Placed January to March 2023 with a decision date: D1 (12 months to the day), D2 (a day
    # over), D4 (8 months); D3 has no decision date and is left out.
    assert value(ev, "adoption_decision_to_placement", "2022-23-Q4") == (2, 3)
    records = perf.kpi_records(ev, "adoption_decision_to_placement").set_index("child_id")
    assert records.loc["D3", "excluded"] == "no decision date"


def test_adoption_figure_states_the_count_and_source():
    ev = evidence("2023-03-31", list_10=ADOPTION)
    figure = perf.kpi_figure(ev, "adoption_order_to_match", parse_period("2022-23-Q4"))
    assert figure.id == "kpi.adoption_order_to_match"
    assert (figure.numerator, figure.denominator) == (1, 2)
    assert figure.source == "Annex A List 10"
    assert figure.theme == "permanence_stability"


# ------------------------------------------------------------------------------- adopters (List 11)

ADOPTERS = [
    {
        "adopter_id": "AD1",
        "family_id": "F1",
        "enquiry_date": "2022-07-01",
        "stage1_start_date": "2022-07-15",
        "application_approved_date": "2023-01-15",
    },  # approved 6 months to the day after stage 1 began: in timescale
    {
        "adopter_id": "AD2",
        "family_id": "F1",
        "enquiry_date": "2022-07-01",
        "stage1_start_date": "2022-07-15",
        "application_approved_date": "2023-01-15",
    },  # the same couple: the household is counted once
    {
        "adopter_id": "AD3",
        "family_id": "F2",
        "enquiry_date": "2022-07-01",
        "stage1_start_date": "2022-07-15",
        "application_approved_date": "2023-01-16",
    },  # 6 months and a day: late
    {
        "adopter_id": "AD4",
        "family_id": "F3",
        "enquiry_date": "2022-07-01",
        "stage1_start_date": None,
        "application_approved_date": "2023-02-01",
    },  # no stage 1 start: left out
    {
        "adopter_id": "AD5",
        "family_id": "F4",
        "enquiry_date": "2022-07-01",
        "stage1_start_date": "2022-08-01",
        "application_approved_date": None,
    },  # not yet approved: not counted
    {
        "adopter_id": "AD6",
        "family_id": None,
        "enquiry_date": "2022-08-15",
        "stage1_start_date": "2022-09-01",
        "application_approved_date": "2023-03-01",
    },  # no family identifier: counted as its own household; exactly 6 months: in timescale
]


def test_adoptive_households_approved_within_six_months_counted_once():
    ev = evidence("2023-03-31", list_11=ADOPTERS)
    # Approved January to March 2023: households F1, F2 and AD6; F1 and AD6 within 6 months.
    assert value(ev, "adopters_approved_in_timescale", "2022-23-Q4") == (2, 3)
    records = perf.kpi_records(ev, "adopters_approved_in_timescale")
    excluded = dict(zip(records["household"], records["excluded"], strict=False))
    assert sorted(records["excluded"].loc[records["excluded"] != ""]) == [
        "no stage 1 start date",
        "second adopter of the same household",
    ]
    assert excluded["F3"] == "no stage 1 start date"
    ev = evidence("2023-03-31", list_11=ADOPTERS, config=make_config(adopter_approval_months=7))
    assert value(ev, "adopters_approved_in_timescale", "2022-23-Q4") == (3, 3)


# ------------------------------------------------------------------------------- the catalogue


def test_new_kpis_are_declared_with_theme_source_and_a_definition():
    config = make_config()
    table = perf.kpi_definitions(config).set_index("kpi_id")
    lists = {
        "early_help_assessment_in_timescale": "Annex A List 2",
        "cin_seen_in_timescale": "Annex A List 6",
        "adoption_care_to_placement": "Annex A List 10",
        "adoption_order_to_match": "Annex A List 10",
        "adoption_decision_to_placement": "Annex A List 10",
        "adopters_approved_in_timescale": "Annex A List 11",
    }
    for kpi_id in NEW_KPIS:
        assert kpi_id in config.kpis
        assert table.loc[kpi_id, "source"] == lists[kpi_id]
        assert table.loc[kpi_id, "statutory_source"]
    assert config.theme_of_kpi("early_help_assessment_in_timescale") == "front_door"
    assert config.theme_of_kpi("adoption_care_to_placement") == "permanence_stability"
    # Configured timescales are filled into the text.
    assert "426 days" in table.loc["adoption_care_to_placement", "numerator"]
    assert "6 weeks" in table.loc["cin_seen_in_timescale", "numerator"]


def test_without_the_lists_the_kpis_say_why_and_make_no_figure():
    ev = evidence("2024-03-15")
    period = parse_period("2023-24-Q4")
    availability = perf.kpi_availability(ev, period).set_index("kpi_id")
    for kpi_id in NEW_KPIS:
        assert availability.loc[kpi_id, "status"] == "not computable"
        assert "not supplied or empty" in availability.loc[kpi_id, "reason"]
        assert perf.kpi_figure(ev, kpi_id, period) is None
