import pandas as pd
import pytest

from qaanalysis.periods import (
    add_working_days,
    parse_period,
    period_of,
    working_days_between,
)

T = pd.Timestamp


@pytest.mark.parametrize(
    ("code", "start", "end", "label"),
    [
        # Financial quarters run April-June, July-September, October-December, January-March.
        ("2025-26-Q1", "2025-04-01", "2025-06-30", "2025-26 Q1 (April to June 2025)"),
        ("2025-26-Q2", "2025-07-01", "2025-09-30", "2025-26 Q2 (July to September 2025)"),
        ("2025-26-Q4", "2026-01-01", "2026-03-31", "2025-26 Q4 (January to March 2026)"),
        ("2025-26", "2025-04-01", "2026-03-31", "2025-26 (April 2025 to March 2026)"),
        ("2024-02", "2024-02-01", "2024-02-29", "February 2024"),  # leap year
    ],
)
def test_parse_period(code, start, end, label):
    period = parse_period(code)
    assert (period.start, period.end, period.label, period.code) == (T(start), T(end), label, code)


@pytest.mark.parametrize("bad", ["2025-27", "2025-26-Q5", "2025-13", "Q2 2025", "2025"])
def test_parse_period_rejects_malformed_codes(bad):
    with pytest.raises(ValueError, match="2025-26"):
        parse_period(bad)


def test_previous_and_last_year():
    assert parse_period("2025-26-Q1").previous().code == "2024-25-Q4"
    assert parse_period("2025-26").previous().code == "2024-25"
    assert parse_period("2026-01").previous().code == "2025-12"
    assert parse_period("2025-26-Q2").same_period_last_year().code == "2024-25-Q2"
    assert [m.code for m in parse_period("2025-26-Q4").months()] == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]


def test_period_of_a_date():
    assert period_of(T("2026-03-31"), "quarter").code == "2025-26-Q4"
    assert period_of(T("2026-04-01"), "year").code == "2026-27"


def test_contains_is_inclusive_of_the_last_day():
    q = parse_period("2025-26-Q2")
    dates = pd.Series(
        [T("2025-06-30"), T("2025-07-01"), T("2025-09-30 23:00"), T("2025-10-01"), pd.NaT]
    )
    assert q.contains(dates).tolist() == [False, True, True, False, False]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-03-03", "2025-03-03", 0),  # same day
        ("2025-03-07", "2025-03-10", 1),  # Friday to Monday: the weekend does not count
        ("2025-03-08", "2025-03-10", 1),  # Saturday to Monday
        ("2023-05-05", "2023-05-09", 1),  # Friday to Tuesday over the coronation (Mon 8 May 2023)
        (
            "2022-09-16",
            "2022-09-20",
            1,
        ),  # Friday to Tuesday over the state funeral (Mon 19 Sep 2022)
        # 20 Dec 2024 (Fri) to 3 Jan 2025 (Fri): 23, 24, 27, 30, 31 Dec and 2, 3 Jan = 7 working days
        # (25, 26 Dec and 1 Jan are bank holidays).
        ("2024-12-20", "2025-01-03", 7),
        ("2025-03-10", "2025-03-07", -1),  # backwards is negative
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start=T(start), end=T(end)) == expected


def test_working_days_vectorised_with_missing_dates():
    starts = pd.Series([T("2025-03-07"), pd.NaT])
    ends = pd.Series([T("2025-03-10"), T("2025-03-10")])
    result = working_days_between(start=starts, end=ends)
    assert result.iloc[0] == 1 and pd.isna(result.iloc[1])


def test_add_working_days_inverts_working_days_between():
    # 45 working days after Friday 5 May 2023: May has 18 weekdays from the 8th to the 31st, less
    # the coronation (8th) and the spring bank holiday (29th) = 16; June has 22, so 38 by 30 June;
    # 7 more in July (3, 4, 5, 6, 7, 10, 11) gives Tuesday 11 July 2023.
    assert add_working_days("2023-05-05", 45) == T("2023-07-11")
    assert working_days_between(start=T("2023-05-05"), end=T("2023-07-11")) == 45
    assert add_working_days("2025-03-08", 1) == T("2025-03-10")  # Saturday + 1 = Monday


def test_open_at_one_rule_an_episode_ending_on_the_day_is_closed():
    from qaanalysis.periods import open_at

    at = pd.Timestamp("2026-03-31")
    start = pd.to_datetime(
        pd.Series(["2025-01-01", "2025-01-01", "2025-01-01", "2026-04-01", None])
    )
    end = pd.to_datetime(pd.Series([None, "2026-03-31", "2026-04-01", None, None]))
    # still open; ended on the day (closed); ends the next day (open); not yet started; no start
    assert open_at(start, end, at).tolist() == [True, False, True, False, False]
    assert open_at(start, None, at).tolist() == [True, True, True, False, False]


def test_quarter_codes_match_period_of_date_by_date():
    from qaanalysis.periods import period_of, quarter_codes

    dates = pd.to_datetime(
        pd.Series(["2026-03-31", "2026-04-01", "2026-12-31", "2027-01-01", None])
    )
    # 31 March 2026 is in 2025-26 Q4; 1 April starts 2026-27 Q1; December is Q3; January Q4
    assert quarter_codes(dates).tolist() == [
        "2025-26-Q4",
        "2026-27-Q1",
        "2026-27-Q3",
        "2026-27-Q4",
        None,
    ]
    assert [period_of(d, "quarter").code for d in dates.dropna()] == quarter_codes(dates).tolist()[
        :4
    ]
