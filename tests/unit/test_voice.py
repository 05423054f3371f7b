"""Voice of children and families: complaints, feedback, quotes and escalations.

Every expected value is worked out by hand from the statutory rules (working days with England and
Wales bank holidays counted on a calendar) or a second method, never copied from the output.
"""

import math
import os
from pathlib import Path

import pandas as pd
import pytest
from support import make_config

from qaanalysis.config import load_config
from qaanalysis.disclosure import REMOVED
from qaanalysis.measures import voice
from qaanalysis.narrative import voice as words
from qaanalysis.periods import parse_period
from qaanalysis.sources import Evidence, LoadReport, load_evidence
from qaanalysis.sources.schema import COMPLAINT_COLUMNS, ESCALATION_COLUMNS, FEEDBACK_COLUMNS

T = pd.Timestamp


CONFIG = make_config()


def _frame(rows: list[dict], columns, dates, flags) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[c.name for c in columns])
    for c in dates:
        frame[c] = pd.to_datetime(frame[c])
    for c in flags:
        frame[c] = frame[c].astype("boolean")
    return frame


def complaints(rows: list[dict]) -> pd.DataFrame:
    rows = [{"record_type": "complaint", "stage": "1", **r} for r in rows]
    for i, r in enumerate(rows):
        r.setdefault("record_id", f"CMP{i:04d}")
    return _frame(
        rows, COMPLAINT_COLUMNS, ("received_date", "responded_date"), ("advocate", "extended")
    )


def feedback(rows: list[dict]) -> pd.DataFrame:
    rows = [
        {"channel": "survey", "respondent": "child", "question": "listened_to", **r} for r in rows
    ]
    for i, r in enumerate(rows):
        r.setdefault("response_id", f"FB{i:04d}")
    return _frame(rows, FEEDBACK_COLUMNS, ("date",), ("consent_to_quote",))


def escalations(rows: list[dict]) -> pd.DataFrame:
    rows = [{"category": "planning", **r} for r in rows]
    for i, r in enumerate(rows):
        r.setdefault("alert_id", f"ALT{i:04d}")
    return _frame(rows, ESCALATION_COLUMNS, ("raised_date", "resolved_date"), ())


def evidence(*, config=CONFIG, extract="2026-09-30", annex_a=None, **frames) -> Evidence:
    empty = {"complaints": complaints([]), "feedback": feedback([]), "escalations": escalations([])}
    return Evidence(config, T(extract), {**empty, **frames}, annex_a or {}, LoadReport())


def voice_signals(ev: Evidence, period) -> list:
    """The voice Signals read from the period's computed Figures, as the voice section reads them."""
    return voice.signals(
        voice.voice_figures(ev, period), config=ev.config, coverage=voice.voice_coverage(ev, period)
    )


def complaints_reading(ev: Evidence, period, *, audience: str = "internal") -> str:
    return words.complaints_reading(
        voice.complaint_figures(ev, period),
        config=ev.config,
        coverage=voice.voice_coverage(ev, period),
        audience=audience,
    )


def feedback_reading(ev: Evidence, period, *, audience: str = "internal") -> str:
    return words.feedback_reading(
        voice.feedback_figures(ev, period), config=ev.config, audience=audience
    )


def signals_table(ev: Evidence, period, *, audience: str = "internal") -> pd.DataFrame:
    return words.signals_table(voice_signals(ev, period), config=ev.config, audience=audience)


# ----------------------------------------------------------------------------- timeliness


def status_of(rows, period, *, config=CONFIG, as_at="2025-12-31"):
    table = voice.complaint_timeliness(
        complaints(rows), period=parse_period(period), config=config, as_at=T(as_at)
    )
    return table.set_index("record_id")[["working_days", "status"]]


def test_stage1_timeliness_across_christmas_bank_holidays():
    # Christmas 2024: Wed 25 and Thu 26 December and Wed 1 January are bank holidays.
    # From Thu 19 Dec: Fri 20 (1), Mon 23 (2), Tue 24 (3), Fri 27 (4), Mon 30 (5), Tue 31 (6),
    # Thu 2 Jan (7), Fri 3 (8), Mon 6 (9), Tue 7 (10), Wed 8 (11).
    # From Fri 20 Dec: Mon 23 (1) ... Wed 8 Jan (10), Thu 9 Jan (11), continuing to Wed 22 (20).
    rows = [
        {
            "record_id": "A",
            "received_date": "2024-12-19",
            "responded_date": "2025-01-07",
        },  # 10: in time
        {
            "record_id": "B",
            "received_date": "2024-12-19",
            "responded_date": "2025-01-08",
        },  # 11: late
        {
            "record_id": "C",
            "received_date": "2024-12-20",
            "responded_date": "2025-01-08",
        },  # 10: in time
        {
            "record_id": "D",
            "received_date": "2024-12-20",
            "responded_date": "2025-01-09",
        },  # 11: late
        # Extension recorded: 20 working days. Fri 20 Dec -> Wed 22 Jan is 20, Thu 23 Jan is 21.
        {
            "record_id": "E",
            "received_date": "2024-12-20",
            "responded_date": "2025-01-22",
            "extended": True,
        },  # in time
        {
            "record_id": "F",
            "received_date": "2024-12-20",
            "responded_date": "2025-01-23",
            "extended": True,
        },  # late even with the extension
        # The same 20 days without an extension recorded is late.
        {
            "record_id": "G",
            "received_date": "2024-12-20",
            "responded_date": "2025-01-22",
            "extended": False,
        },
        # Answered the day it was received: 0 working days.
        {"record_id": "H", "received_date": "2024-12-02", "responded_date": "2024-12-02"},
    ]
    table = status_of(rows, "2024-25-Q3")
    expected = pd.DataFrame(
        {
            "working_days": [10.0, 11.0, 10.0, 11.0, 20.0, 21.0, 20.0, 0.0],
            "status": ["within", "late", "within", "late", "within", "late", "late", "within"],
        },
        index=pd.Index(list("ABCDEFGH"), name="record_id"),
    )
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)


def test_stage1_due_dates_skip_bank_holidays():
    rows = [
        {"record_id": "A", "received_date": "2024-12-19", "responded_date": "2025-01-07"},
        {
            "record_id": "E",
            "received_date": "2024-12-20",
            "extended": True,
            "responded_date": "2025-01-22",
        },
    ]
    table = voice.complaint_timeliness(
        complaints(rows), period=parse_period("2024-25-Q3"), config=CONFIG, as_at=T("2025-03-31")
    )
    assert table["due_date"].tolist() == [T("2025-01-07"), T("2025-01-22")]


def test_stage2_timeliness_across_easter_and_may_day():
    # Received Mon 7 April 2025. Good Friday 18 April, Easter Monday 21 April and the early May
    # bank holiday (5 May) are not working days: Tue 8 Apr (1) ... Thu 17 Apr (8), Tue 22 Apr (9)
    # ... Fri 2 May (17), Tue 6 May (18) ... Thu 15 May (25), Fri 16 May (26).
    rows = [
        {
            "record_id": "A",
            "stage": "2",
            "received_date": "2025-04-07",
            "responded_date": "2025-05-15",
        },
        {
            "record_id": "B",
            "stage": "2",
            "received_date": "2025-04-07",
            "responded_date": "2025-05-16",
        },
        # Stage 3 has no working-day timescale configured: left out.
        {
            "record_id": "C",
            "stage": "3",
            "received_date": "2025-04-07",
            "responded_date": "2025-05-16",
        },
    ]
    table = status_of(rows, "2025-26-Q1", as_at="2025-09-30")
    assert table.to_dict("index") == {
        "A": {"working_days": 25.0, "status": "within"},
        "B": {"working_days": 26.0, "status": "late"},
    }


def test_unanswered_complaints_are_late_once_past_timescale_else_pending():
    # Received Mon 1 Dec 2025. At Fri 12 Dec: 9 working days (2-5 Dec, 8-12 Dec) -> pending.
    # At Mon 15 Dec: 10 -> still pending (the 10th day is allowed); at Tue 16 Dec: 11 -> late.
    rows = [{"record_id": "A", "received_date": "2025-12-01"}]
    assert status_of(rows, "2025-26-Q3", as_at="2025-12-12")["status"].tolist() == ["pending"]
    assert status_of(rows, "2025-26-Q3", as_at="2025-12-15")["status"].tolist() == ["pending"]
    assert status_of(rows, "2025-26-Q3", as_at="2025-12-16")["status"].tolist() == ["late"]


def test_timescales_come_from_configuration():
    # Fri 20 Dec 2024 -> Wed 8 Jan 2025 is 10 working days: in time nationally, late under a local
    # 5-day standard, and within a 9-day extension? No: 10 > 9.
    rows = [
        {"record_id": "A", "received_date": "2024-12-20", "responded_date": "2025-01-08"},
        {
            "record_id": "B",
            "received_date": "2024-12-20",
            "responded_date": "2025-01-08",
            "extended": True,
        },
    ]
    local = make_config(
        timescales={"complaint_stage1_working_days": 5, "complaint_stage1_extended_working_days": 9}
    )
    assert status_of(rows, "2024-25-Q3", config=local)["status"].tolist() == ["late", "late"]
    assert status_of(rows, "2024-25-Q3")["status"].tolist() == ["within", "within"]


def test_response_before_receipt_is_left_for_checking():
    rows = [{"record_id": "A", "received_date": "2025-12-10", "responded_date": "2025-12-01"}]
    assert status_of(rows, "2025-26-Q3")["status"].tolist() == ["check_dates"]


def test_stage1_within_timescale_figure_counts_answered_and_overdue_only():
    # Q3 2024-25 cohort: A in time, B late, P unanswered but past timescale at the extract (late),
    # Q unanswered and still in time at the extract (pending, left out): 1 of 3.
    rows = [
        {"record_id": "A", "received_date": "2024-12-19", "responded_date": "2025-01-07"},
        {"record_id": "B", "received_date": "2024-12-19", "responded_date": "2025-01-08"},
        {"record_id": "P", "received_date": "2024-12-02"},
        {"record_id": "Q", "received_date": "2024-12-31"},
    ]
    ev = evidence(complaints=complaints(rows), extract="2025-01-06")
    fig = {f.id: f for f in voice.complaint_figures(ev, parse_period("2024-25-Q3"))}
    within = fig["complaints.stage1.within_timescale"]
    assert (within.numerator, within.denominator) == (1, 3)


# ----------------------------------------------------------------------------- counts and tests


def test_compare_counts_hand_worked():
    # 12 against 3 with equal exposure: given 15 events, X ~ Bin(15, 1/2).
    # P(X >= 12) = (455 + 105 + 15 + 1) / 32768 = 576 / 32768; two-sided (symmetric) = 1152 / 32768.
    c = voice.compare_counts(12, 3)
    assert c.p_value == pytest.approx(1152 / 32768)
    assert (c.significant, c.change, c.rate_ratio) == (True, "increase", 4.0)
    # 8 against 3: P(X >= 8 | 11) = (165 + 55 + 11 + 1) / 2048; two-sided 464 / 2048 = 0.227.
    c = voice.compare_counts(8, 3)
    assert c.p_value == pytest.approx(464 / 2048)
    assert (c.significant, c.change) == (False, "no_change")
    # 6 against 0 is the smallest significant rise (2 / 64 = 0.031); 5 against 0 is not (0.0625).
    assert voice.compare_counts(6, 0).change == "increase"
    assert voice.compare_counts(5, 0).p_value == pytest.approx(2 / 32)
    assert voice.compare_counts(0, 6).change == "decrease"
    assert math.isnan(voice.compare_counts(0, 0).p_value)


def test_compare_counts_allows_for_exposure():
    # 20 in a period twice as long as the one with 10: the same rate, so no change; X ~ Bin(30, 2/3)
    # has mean 20 and P = 1.
    c = voice.compare_counts(20, 10, current_exposure=2, previous_exposure=1)
    assert c.rate_ratio == 1.0
    assert c.p_value == pytest.approx(1.0)
    assert c.change == "no_change"


def test_count_trend_hand_worked():
    # The sample's worker contact complaints, six quarters: 15, 14, 13, 17, 22, 29 (N = 110).
    # Positions t = 0..5 centred: -2.5 .. 2.5; sum(c x) = -37.5 - 21 - 6.5 + 8.5 + 33 + 72.5 = 49;
    # variance = mean (110 / 6) x sum(c^2) (17.5) = 320.83; z = 49 / 17.912 = 2.736, p = 0.0062.
    trend = voice.count_trend([15, 14, 13, 17, 22, 29])
    assert trend.z == pytest.approx(49 / math.sqrt(110 / 6 * 17.5))
    assert trend.p_value == pytest.approx(0.00623, abs=1e-5)
    assert trend.change == "increase"
    assert voice.count_trend([5, 5, 5, 5]).z == 0
    assert voice.count_trend([9, 8, 2, 1]).change == "decrease"  # z = -3.0 by the same working
    assert math.isnan(voice.count_trend([0, 0, 0]).p_value)
    # 10 then 20 over periods of length 1 and 2: the same rate, no trend (U = 20 - 30 x 2/3 = 0).
    assert voice.count_trend([10, 20], exposures=[1, 2]).z == pytest.approx(0)


def test_comparisons_never_reach_before_the_data():
    q = parse_period("2023-24-Q2")
    assert voice.comparison_periods(q, covered_from=T("2023-04-01")) == [
        ("previous_period", parse_period("2023-24-Q1"))
    ]
    year = parse_period("2025-26")  # a year's previous period is the same period last year
    assert [k for k, _ in voice.comparison_periods(year, covered_from=None)] == ["previous_period"]


def worker_contact_rising() -> pd.DataFrame:
    # worker_contact: 2 a quarter a year ago, 3 last quarter, 12 this quarter (2026-27 Q2).
    # Against the previous quarter (92 vs 91 days): 12 v 3, p about 0.035: a significant rise.
    rows = []
    for day, n in (("2025-08-15", 2), ("2026-05-15", 3), ("2026-08-15", 12)):
        rows += [{"received_date": day, "category": "worker_contact"}] * n
    # assessment: 4, 4 and 5: broadly stable.
    for day in ("2025-08-16", "2026-05-16", "2026-08-16"):
        rows += [{"received_date": day, "category": "assessment"}] * 4
    rows.append({"received_date": "2026-08-17", "category": "assessment"})
    # The log starts in April 2025, so the same quarter last year (2025-26 Q2) is covered.
    rows.append({"received_date": "2025-04-01", "category": "planning"})
    # A compliment about worker contact is not a complaint.
    rows.append(
        {
            "received_date": "2026-08-17",
            "category": "worker_contact",
            "record_type": "compliment",
            "stage": None,
        }
    )
    return complaints(rows)


def test_complaint_categories_find_a_significant_rise():
    table = voice.complaint_categories(
        worker_contact_rising(), period=parse_period("2026-27-Q2"), config=CONFIG
    ).set_index("category")
    assert table.loc["worker_contact", ["complaints", "previous", "last_year"]].tolist() == [
        12,
        3,
        2,
    ]
    assert table.loc["worker_contact", "change"] == "significant rise"
    assert table.loc["worker_contact", "themes"] == "Relationships and direct work (visits)"
    assert table.loc["assessment", "change"] == "broadly stable"
    # Six whole quarters 2025-26 Q1 .. 2026-27 Q2 (the log starts in April 2025): worker contact
    # 0, 2, 0, 0, 3, 12 -> rising. Assessment 0, 4, 0, 0, 4, 5: sum(c x) = 12.5, variance
    # 13/6 x 17.5, z = 2.03 (p = 0.04): rising too, though neither change test is significant;
    # the trend is context, the signal follows the change tests.
    assert table.loc["worker_contact", "trend"] == "rising"
    assert table.loc["assessment", "trend"] == "rising"
    assert table.loc["assessment", "trend_p"] == pytest.approx(0.042, abs=0.002)
    # Categories in the theme map are listed even with no complaints.
    assert table.loc["staff_conduct", "complaints"] == 0


def test_complaint_signals():
    ev = evidence(complaints=worker_contact_rising())
    period = parse_period("2026-27-Q2")
    found = {(s.theme, s.source): s for s in voice_signals(ev, period)}
    rising = found[("relationships_visits", "complaints")]
    assert rising.signal == "negative"
    assert rising.figure_ids == ("complaints.category.worker_contact.count",)
    assert "12" in rising.reason and "3 in the previous period" in rising.reason
    assert found[("assessment", "complaints")].signal == "neutral"
    # Every cited Figure is produced by the module's figure functions.
    ids = {f.id for f in voice.voice_figures(ev, period)}
    assert all(i in ids for s in found.values() for i in s.figure_ids)
    fig = {f.id: f for f in voice.voice_figures(ev, period)}
    assert fig["complaints.category.worker_contact.count"].direction == "declining"
    assert (fig["complaints.count"].value, fig["compliments.count"].value) == (17, 1)
    # A log starting in August 2025 does not cover 2025-26 Q2 (from July): no comparison with it.
    late_start = worker_contact_rising().query("received_date >= '2025-08-01'")
    table = voice.complaint_categories(late_start, period=period, config=CONFIG)
    assert pd.isna(table.set_index("category").loc["worker_contact", "last_year"])


def test_a_significant_fall_in_complaints_is_not_a_strength():
    # 12 last quarter, none this quarter: a significant fall, but still neutral.
    rows = [{"received_date": "2026-05-15", "category": "worker_contact"}] * 12
    ev = evidence(complaints=complaints(rows))
    found = {(s.theme, s.source): s for s in voice_signals(ev, parse_period("2026-27-Q2"))}
    assert found[("relationships_visits", "complaints")].signal == "neutral"


# ----------------------------------------------------------------------------- outcomes


def test_outcomes_upheld_share_and_learning():
    period = parse_period("2025-26-Q2")
    rows = [
        {
            "received_date": "2025-06-20",
            "responded_date": "2025-07-03",
            "outcome": "upheld",
            "learning": "Worker to confirm visits in writing",
        },  # answered in Q2: counts
        {
            "received_date": "2025-07-01",
            "responded_date": "2025-07-10",
            "outcome": "partly_upheld",
            "learning": "  ",
        },  # upheld in part, learning blank
        {"received_date": "2025-07-01", "responded_date": "2025-07-11", "outcome": "not_upheld"},
        {"received_date": "2025-07-01", "responded_date": "2025-07-12", "outcome": "withdrawn"},
        {"received_date": "2025-09-20", "responded_date": "2025-10-02", "outcome": "upheld"},  # Q3
        {
            "received_date": "2025-07-02",
            "stage": "2",
            "responded_date": "2025-08-01",
            "outcome": "not_upheld",
        },
    ]
    table = voice.complaint_outcomes(complaints(rows), period=period).set_index("stage")
    assert table.loc[
        "All", ["upheld", "partly_upheld", "not_upheld", "withdrawn", "concluded"]
    ].tolist() == [1, 1, 2, 1, 4]
    assert table.loc["All", "upheld_or_partly_pct"] == pytest.approx(2 / 4)
    figs = {f.id: f for f in voice.complaint_figures(evidence(complaints=complaints(rows)), period)}
    assert (figs["complaints.upheld"].numerator, figs["complaints.upheld"].denominator) == (2, 4)
    learning = figs["complaints.learning_recorded"]
    assert (learning.numerator, learning.denominator) == (1, 2)


def test_stage_mix_and_escalation_ratio():
    rows = (
        [{"received_date": "2025-08-01"}] * 8
        + [{"received_date": "2025-08-01", "stage": "2"}] * 2
        + [{"received_date": "2025-08-01", "stage": "ombudsman"}]
    )
    table = voice.stage_summary(complaints(rows), period=parse_period("2025-26-Q2"))
    table = table.set_index("stage")
    assert table["complaints"].tolist() == [8, 2, 0, 1]
    assert table.loc["1", "next_stage_pct"] == pytest.approx(0.25)  # 2 per 8
    assert table.loc["1", "complaints_pct"] == pytest.approx(8 / 11)


def test_complainants_and_advocacy():
    rows = [
        {"received_date": "2025-08-01", "complainant": "child", "advocate": True},
        {"received_date": "2025-08-01", "complainant": "young_person", "advocate": False},
        {"received_date": "2025-08-01", "complainant": "young_person"},  # advocate not recorded: no
        {"received_date": "2025-08-01", "complainant": "parent", "advocate": True},
    ]
    period = parse_period("2025-26-Q2")
    table = voice.complainants(complaints(rows), period=period).set_index("complainant")
    assert table.loc["Young person", ["complaints", "with_advocate"]].tolist() == [2, 0]
    fig = {f.id: f for f in voice.complaint_figures(evidence(complaints=complaints(rows)), period)}
    # Advocacy is read for children's and young people's complaints: 1 of 3.
    assert (fig["complaints.advocacy"].numerator, fig["complaints.advocacy"].denominator) == (1, 3)


def test_compliments_by_service_and_theme():
    rows = [
        {
            "record_type": "compliment",
            "stage": None,
            "received_date": "2025-08-01",
            "service": "Children in Care",
            "category": "worker_contact",
        },
        {
            "record_type": "compliment",
            "stage": None,
            "received_date": "2025-08-02",
            "service": "Children in Care",
        },  # no category
        {
            "record_type": "compliment",
            "stage": None,
            "received_date": "2025-08-03",
            "service": "Front Door",
            "category": "kind_words",
        },  # not in the theme map
        {"received_date": "2025-08-03", "service": "Front Door"},  # a complaint: not counted
    ]
    table = voice.compliments_by_service(
        complaints(rows), period=parse_period("2025-26-Q2"), config=CONFIG
    ).set_index("service")
    assert table.loc["Children in Care", "Relationships and direct work (visits)"] == 1
    assert table.loc["Children in Care", "Not categorised"] == 1
    assert table.loc["Front Door", "Other"] == 1
    assert table.loc["All services", "total"] == 3


def test_rate_per_100_open_cases_counts_each_child_once():
    # At 30 Sep 2026: C1 open CIN and CP (one child), C2 in care, C3's CIN closed 1 Sep (not open),
    # C4 starts care in October (not yet open), C5's plan ended on 30 Sep itself (closed at the end
    # of that day, as DfE returns count it). 2 children open; 3 complaints -> 150 per 100.
    annex = {
        "list_6": pd.DataFrame(
            {
                "child_id": ["C1", "C3"],
                "cin_start_date": pd.to_datetime(["2026-01-01", "2025-01-01"]),
                "cin_closure_date": pd.to_datetime([None, "2026-09-01"]),
            }
        ),
        "list_7": pd.DataFrame(
            {
                "child_id": ["C1", "C5"],
                "cp_plan_start_date": pd.to_datetime(["2026-02-01", "2026-03-01"]),
                "cp_plan_end_date": pd.to_datetime([None, "2026-09-30"]),
            }
        ),
        "list_8": pd.DataFrame(
            {
                "child_id": ["C2", "C4"],
                "cla_start_date": pd.to_datetime(["2024-01-01", "2026-10-01"]),
                "ceased_date": pd.to_datetime([None, None]),
            }
        ),
    }
    assert voice.open_caseload(annex, at=T("2026-09-30")) == 2
    assert voice.open_caseload({}, at=T("2026-09-30")) is None
    rows = [{"received_date": "2026-08-01"}] * 3
    ev = evidence(complaints=complaints(rows), annex_a=annex)
    fig = {f.id: f for f in voice.complaint_figures(ev, parse_period("2026-27-Q2"))}
    assert fig["complaints.per_100_open"].value == pytest.approx(150.0)


# ----------------------------------------------------------------------------- feedback


def test_positive_share_rule():
    # Scale 1 to 5, positive at 4 or more (defaults).
    scores = [5, 4, 3.5, 3, 1, None, 0, 6]
    # 5 and 4 positive; 3.5, 3 and 1 scored but not positive; blank, 0 and 6 are not scored.
    frame = feedback([{"date": "2025-08-01", "score": s} for s in scores])
    result = voice.positive_answers(frame, config=CONFIG)
    assert result.tolist() == [True, True, False, False, False, pd.NA, pd.NA, pd.NA]
    table = voice.feedback_positive(frame, period=parse_period("2025-26-Q2"), config=CONFIG)
    row = table.iloc[0]
    assert (row["positive"], row["scored"]) == (2, 5)
    # Wilson 95% for 2 of 5, by hand: centre (0.4 + 1.96^2/10) / (1 + 1.96^2/5) = 0.4435,
    # half-width 1.96 * sqrt(0.4 * 0.6 / 5 + 1.96^2 / 100) / 1.7683 = 0.3258.
    assert (row["positive_ci_low"], row["positive_ci_high"]) == (
        pytest.approx(0.1176, abs=1e-4),
        pytest.approx(0.7693, abs=1e-4),
    )


def test_positive_threshold_comes_from_configuration():
    strict = make_config(thresholds={"feedback_positive_score": 5})
    frame = feedback([{"date": "2025-08-01", "score": s} for s in (5, 4, 3)])
    assert voice.positive_answers(frame, config=strict).tolist() == [True, False, False]
    ten_point = make_config(thresholds={"feedback_scale": [0, 10], "feedback_positive_score": 7})
    frame = feedback([{"date": "2025-08-01", "score": s} for s in (0, 6, 7, 10)])
    assert voice.positive_answers(frame, config=ten_point).tolist() == [False, False, True, True]


def test_children_views_are_kept_apart():
    rows = (
        [{"date": "2025-08-01", "respondent": "child", "score": 5}] * 3
        + [{"date": "2025-08-01", "respondent": "young_person", "score": 2}]
        + [{"date": "2025-08-01", "respondent": "parent", "score": 1}] * 2
        + [{"date": "2025-08-01", "respondent": "practitioner", "score": 5}]
    )
    period = parse_period("2025-26-Q2")
    figs = {f.id: f for f in voice.feedback_figures(evidence(feedback=feedback(rows)), period)}
    kids = figs["feedback.group.children_young_people.positive"]
    assert (kids.numerator, kids.denominator) == (3, 4)
    parents = figs["feedback.group.parents_carers.positive"]
    assert (parents.numerator, parents.denominator) == (0, 2)
    assert (figs["feedback.positive"].numerator, figs["feedback.positive"].denominator) == (4, 7)
    table = voice.feedback_by_group(feedback(rows), period=period, config=CONFIG)
    assert list(table.columns[:4]) == [
        "question_label",
        "children_young_people_scored",
        "children_young_people_positive",
        "children_young_people_positive_pct",
    ]


@pytest.mark.parametrize(
    ("positive", "total", "signal"),
    [
        # 19 of 20: Wilson 76% to 99%, all above the 70% aspiration -> positive.
        (19, 20, "positive"),
        # 5 of 20: Wilson 11% to 47%, all below 70% -> negative.
        (5, 20, "negative"),
        # 14 of 20 (70%): the interval straddles the aspiration -> neutral.
        (14, 20, "neutral"),
        # 0 of 9: fewer than min_n_compare (10) answers -> neutral, too few to judge.
        (0, 9, "neutral"),
    ],
)
def test_feedback_signal_against_the_aspiration(positive, total, signal):
    rows = [
        {"date": "2025-08-01", "question": "worker_relationship", "score": 5 if i < positive else 2}
        for i in range(total)
    ]
    ev = evidence(feedback=feedback(rows))
    found = {(s.theme, s.source): s for s in voice_signals(ev, parse_period("2025-26-Q2"))}
    got = found[("relationships_visits", "feedback")]
    assert got.signal == signal
    assert got.figure_ids == ("feedback.theme.relationships_visits.positive",)
    # A theme whose questions got no answers has no feedback evidence.
    assert found[("permanence_stability", "feedback")].signal == "absent"


# ----------------------------------------------------------------------------- quotes


def test_quotes_need_consent_and_are_scrubbed_of_ids_from_the_inputs():
    rows = [
        {
            "date": "2025-08-01",
            "consent_to_quote": True,
            "respondent": "parent",
            "comment": "Ms K (worker SW0042) rang 07700 900123 about C000123, we live at L20 3AB",
        },
        {"date": "2025-08-02", "consent_to_quote": False, "comment": "No consent given"},
        {"date": "2025-08-03", "comment": "Consent not recorded"},
        {"date": "2025-08-04", "consent_to_quote": True, "comment": "  "},  # nothing to quote
        {
            "date": "2025-08-05",
            "consent_to_quote": True,
            "respondent": "young_person",
            "comment": "My review on 12/08/2025 listened to me",
        },
        {"date": "2025-05-05", "consent_to_quote": True, "comment": "Last quarter"},  # outside
    ]
    annex = {"list_7": pd.DataFrame({"child_id": ["C000123"], "worker": ["SW0042"]})}
    ev = evidence(feedback=feedback(rows), annex_a=annex)
    ids = voice.collect_identifiers(ev)
    assert {"C000123", "SW0042", "FB0000"} <= ids
    table = voice.quotes(ev.feedback, period=parse_period("2025-26-Q2"), identifiers=ids)
    # Children and young people first, then parents and carers.
    assert table["quote"].tolist() == [
        f"My review on {REMOVED} listened to me",
        f"Ms K (worker {REMOVED}) rang {REMOVED} about {REMOVED}, we live at {REMOVED}",
    ]
    assert "response_id" not in table.columns


def test_collect_identifiers_reads_every_source():
    ev = evidence(
        complaints=complaints([{"record_id": "CMP9", "received_date": "2025-08-01"}]),
        escalations=escalations([{"alert_id": "ALT9", "raised_date": "2025-08-01"}]),
        audits=pd.DataFrame(
            {
                "audit_id": ["AUD1"],
                "child_id": ["CH1"],
                "practitioner_id": ["PR1"],
                "auditor_id": ["AU1"],
            }
        ),
        annex_a={
            "list_11": pd.DataFrame({"adopter_id": ["AD1"], "family_id": ["FAM1"]}),
            "list_9": pd.DataFrame({"child_id": ["CL1"], "personal_advisor": ["PA1"]}),
        },
    )
    assert {
        "CMP9",
        "ALT9",
        "AUD1",
        "CH1",
        "PR1",
        "AU1",
        "AD1",
        "FAM1",
        "CL1",
        "PA1",
    } <= voice.collect_identifiers(ev)


# ----------------------------------------------------------------------------- escalations


def test_escalation_time_to_resolution_and_open_past_timescale():
    # The summer bank holiday is Mon 25 Aug 2025. Raised Mon 18 Aug: 19-22 Aug (4), 26-29 Aug (8),
    # 1-5 Sep (13), 8-12 Sep (18), Mon 15 (19), Tue 16 (20), Wed 17 (21).
    # Open at Tue 30 Sep 2025: raised Mon 1 Sep -> 21 working days (past 20); raised Tue 2 Sep ->
    # 20 (not past).
    rows = [
        {"alert_id": "R20", "raised_date": "2025-08-18", "resolved_date": "2025-09-16"},
        {"alert_id": "R21", "raised_date": "2025-08-18", "resolved_date": "2025-09-17"},
        {"alert_id": "O21", "raised_date": "2025-09-01"},
        {"alert_id": "O20", "raised_date": "2025-09-02"},
        # Resolved after the period end: open at the period end, 21 working days -> past.
        {"alert_id": "L21", "raised_date": "2025-09-01", "resolved_date": "2025-10-10"},
    ]
    status = voice.escalation_status(escalations(rows), config=CONFIG, as_at=T("2025-09-30"))
    status = status.set_index("alert_id")
    assert status["resolution_working_days"].tolist()[:2] == [20.0, 21.0]
    assert status["is_past_timescale"].to_dict() == {
        "R20": False,
        "R21": False,
        "O21": True,
        "O20": False,
        "L21": True,
    }
    ev = evidence(escalations=escalations(rows), extract="2025-12-31")
    figs = {f.id: f for f in voice.escalation_figures(ev, parse_period("2025-26-Q2"))}
    within = figs["escalations.resolved_within_timescale"]
    assert (within.numerator, within.denominator) == (1, 2)
    assert figs["escalations.resolution_median_working_days"].value == 20.5
    past = figs["escalations.open_past_timescale"]
    assert (past.value, past.denominator) == (2, 3)
    assert figs["escalations.count"].value == 5
    assert figs["escalations.category.planning.count"].value == 5


def test_escalation_signals():
    period = parse_period("2025-26-Q2")
    # planning: 3 alerts open past timescale of 4 open (more than half, at least 3) -> negative.
    rows = [{"raised_date": "2025-07-01"}] * 3 + [{"raised_date": "2025-09-29"}]
    # front_door: 1 last quarter, 9 this quarter, all resolved in a day -> significant rise.
    rows += [{"category": "front_door", "raised_date": "2025-05-01", "resolved_date": "2025-05-02"}]
    rows += [
        {"category": "front_door", "raised_date": "2025-08-01", "resolved_date": "2025-08-04"}
    ] * 9
    # The log starts in April 2025, so the previous quarter is covered.
    rows += [{"category": "recording", "raised_date": "2025-04-01", "resolved_date": "2025-04-02"}]
    # recording: one alert, resolved in time -> neutral.
    rows += [{"category": "recording", "raised_date": "2025-08-01", "resolved_date": "2025-08-04"}]
    ev = evidence(escalations=escalations(rows), extract="2025-10-15")
    found = {(s.theme, s.source): s for s in voice_signals(ev, period)}
    planning = found[("planning_review", "escalations")]
    assert planning.signal == "negative"
    assert "3 of 4" in planning.reason
    assert "escalations.theme.planning_review.open_past_timescale" in planning.figure_ids
    assert found[("front_door", "escalations")].signal == "negative"
    assert found[("recording", "escalations")].signal == "neutral"
    ids = {f.id for f in voice.voice_figures(ev, period)}
    assert all(i in ids for s in found.values() for i in s.figure_ids)


# ----------------------------------------------------------------------------- robustness


def test_no_data_gives_no_figures_and_absent_signals():
    ev = evidence()
    period = parse_period("2025-26-Q2")
    assert voice.voice_figures(ev, period) == []
    assert {s.signal for s in voice_signals(ev, period)} == {"absent"}


def test_measures_do_not_modify_their_inputs():
    frame = worker_contact_rising()
    copy = frame.copy()
    period = parse_period("2026-27-Q2")
    voice.complaint_categories(frame, period=period, config=CONFIG)
    voice.complaint_timeliness(frame, period=period, config=CONFIG, as_at=T("2026-09-30"))
    voice.quarterly_volumes(frame, period=period)
    pd.testing.assert_frame_equal(frame, copy)


# ----------------------------------------------------------------------------- readings


def test_readings_withhold_small_counts_for_the_public():
    ev = evidence(complaints=worker_contact_rising())
    period = parse_period("2026-27-Q2")
    internal = complaints_reading(ev, period)
    public = complaints_reading(ev, period, audience="public")
    # 17 complaints this quarter against 7 last quarter: both shown to everyone.
    assert "17 complaints were received" in internal and "17 complaints were received" in public
    # The rise in worker contact complaints: 12 against 3 last quarter and 2 a year ago.
    assert "worker contact (12, against 3 in the previous period" in internal
    assert "3 in the previous period" not in public
    assert "fewer than 6 in the previous period" in public
    # One compliment: a small count.
    assert "1 compliments" not in public and "Fewer than 6 compliments" in public


def test_signals_table_keeps_counts_out_of_public_reasons():
    ev = evidence(complaints=worker_contact_rising())
    period = parse_period("2026-27-Q2")
    table = signals_table(ev, period, audience="public").set_index(["theme", "source"])
    reason = table.loc[("Relationships and direct work (visits)", "complaints"), "reason"]
    assert reason == "see complaints.category.worker_contact.count"
    internal = signals_table(ev, period).set_index(["theme", "source"])
    assert (
        "rose significantly"
        in internal.loc[("Relationships and direct work (visits)", "complaints"), "reason"]
    )


def test_a_rise_in_complaints_is_named_rising_a_concern_never_declining():
    # 12 complaints about worker contact in 2026-27 Q2 (92 days), none in Q1 (91 days) or in the
    # same quarter last year; the log starts in April 2025 (one planning complaint), so both are
    # covered. Given 12 events, X ~ Bin(12, 92/183): P(X = 12) = (92/183)^12 = 0.00026 and the
    # other tail P(X = 0) = (91/183)^12 = 0.00023 is no more likely, so p = 0.00049 < 0.001.
    rows = [{"received_date": "2026-08-15", "category": "worker_contact"}] * 12
    rows.append({"received_date": "2025-04-01", "category": "planning"})
    ev = evidence(complaints=complaints(rows))
    period = parse_period("2026-27-Q2")
    reading = complaints_reading(ev, period)
    assert (
        "12 complaints were received, significantly more than the 0 in the previous period "
        "(rising: a concern); 0 in the same period last year."
    ) in reading
    assert "declin" not in reading
    # The Figure's own direction for a lower-is-better count that rose is "declining"; the words
    # name the movement and its meaning instead.
    fig = {f.id: f for f in voice.complaint_figures(ev, period)}["complaints.count"]
    assert fig.direction == "declining"
    assert words.count_movement(fig) == "rising: a concern"
    # The signal's test is reported as p < 0.001, never "p = 0.000".
    found = {(s.theme, s.source): s for s in voice_signals(ev, period)}
    reason = found[("relationships_visits", "complaints")].reason
    assert "exact test against the previous period, p < 0.001" in reason
    assert "p = 0.000" not in reason


def test_a_fall_in_complaints_is_not_read_as_an_improvement():
    # 12 complaints last quarter (2026-27 Q1), none this quarter: significant by the same working
    # (p = 0.00049). The log starts in April 2026 (a compliment), so the previous quarter is
    # covered and the same quarter last year is not compared.
    rows = [{"received_date": "2026-05-15", "category": "worker_contact"}] * 12
    rows.append({"received_date": "2026-04-01", "record_type": "compliment", "stage": None})
    ev = evidence(complaints=complaints(rows))
    reading = complaints_reading(ev, parse_period("2026-27-Q2"))
    assert (
        "0 complaints were received, significantly fewer than the 12 in the previous period "
        "(falling: not read as an improvement, as fewer complaints can also mean the "
        "procedure is harder to reach)."
    ) in reading
    assert "improv" not in reading.replace("not read as an improvement", "")


def test_p_values_below_one_in_a_thousand_are_written_as_such():
    assert voice.p_text(0.00049) == "p < 0.001"
    assert voice.p_text(0.001) == "p = 0.001"
    assert voice.p_text(0.0352) == "p = 0.035"


def test_a_significant_change_in_a_context_share_is_not_called_too_few_to_judge():
    # Concluded complaints upheld: 2 of 20 answered last quarter (2026-27 Q1), 15 of 20 this
    # quarter. Fisher's exact test on [[15, 5], [2, 18]]: the most extreme tables alone give
    # P(X >= 15) = C(17,15) C(23,5) / C(40,20) + ... = 3.3e-5 + ..., far below 0.05, with 20 in
    # each period (at least min_n_compare, 10). The upheld share is context (neither good nor bad).
    # Wilson 95% for 15 of 20: centre (0.75 + 1.96^2/40) / (1 + 1.96^2/20) = 0.7097, half-width
    # 1.96 sqrt(0.75 x 0.25 / 20 + 1.96^2 / 1600) / 1.1921 = 0.1784: 53% to 89%.
    rows = (
        [{"received_date": "2026-05-01", "responded_date": "2026-05-10", "outcome": "upheld"}] * 2
        + [{"received_date": "2026-05-01", "responded_date": "2026-05-10", "outcome": "not_upheld"}]
        * 18
        + [{"received_date": "2026-08-01", "responded_date": "2026-08-10", "outcome": "upheld"}]
        * 15
        + [{"received_date": "2026-08-01", "responded_date": "2026-08-10", "outcome": "not_upheld"}]
        * 5
    )
    ev = evidence(complaints=complaints(rows))
    reading = complaints_reading(ev, parse_period("2026-27-Q2"))
    assert (
        "75% (15 of 20) of the complaints concluded were upheld in full or in part (95% "
        "interval 53% to 89%): up from 10% (2 of 20) in the previous period: a real change, "
        "which this measure does not judge good or bad."
    ) in reading
    assert "too few" not in reading


def test_the_stage1_share_says_exactly_what_it_is_of():
    # As in the within-timescale Figure test: A in time, B late, P unanswered and past timescale
    # (late), Q unanswered and still in time (pending, left out): 1 of 3, and the reading says the
    # 3 are the answered and the overdue, not every complaint received or every one concluded.
    rows = [
        {"record_id": "A", "received_date": "2024-12-19", "responded_date": "2025-01-07"},
        {"record_id": "B", "received_date": "2024-12-19", "responded_date": "2025-01-08"},
        {"record_id": "P", "received_date": "2024-12-02"},
        {"record_id": "Q", "received_date": "2024-12-31"},
    ]
    ev = evidence(complaints=complaints(rows), extract="2025-01-06")
    reading = complaints_reading(ev, parse_period("2024-25-Q3"))
    assert "33% (1 of 3) of stage 1 complaints were answered within timescale" in reading
    assert (
        "The share counts the stage 1 complaints received in the period that were answered, "
        "or are unanswered and already past their timescale at the extract date; those still "
        "within it are left out."
    ) in reading
    assert "concluded stage 1" not in reading


def test_no_log_readings_say_so():
    ev = evidence()
    period = parse_period("2026-27-Q2")
    assert complaints_reading(ev, period) == "No complaints log covers this period."
    assert feedback_reading(ev, period) == "No feedback was recorded in this period."
    assert voice.complaint_categories(ev.complaints, period=period, config=CONFIG).empty


# ----------------------------------------------------------------------------- the section


def section_evidence() -> Evidence:
    # Complaints with a significant rise in worker contact (12 against 3), one alert about planning
    # open past timescale and one child's positive answer, so every part of the section has data.
    alerts = escalations([{"raised_date": "2026-07-01"}, {"raised_date": "2026-04-01"}])
    answers = feedback(
        [
            {
                "date": "2026-08-01",
                "score": 5,
                "consent_to_quote": True,
                "comment": "My worker listened",
            }
        ]
    )
    return evidence(complaints=worker_contact_rising(), escalations=alerts, feedback=answers)


def test_voice_section_computes_each_measure_once(monkeypatch):
    # The category table, the timeliness of the period's complaints and the alerts' status at the
    # period end are each computed once and shared by the Figures, tables, chart and readings.
    # Timeliness and alert status are computed once more each, for the previous period (the
    # comparison of the within-timescale and resolved-within-timescale Figures).
    from qaanalysis.measures.voice import complaints as complaints_module
    from qaanalysis.measures.voice import escalations as escalations_module
    from qaanalysis.sections import voice as section

    calls: dict[str, int] = {}

    def counted(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)
        monkeypatch.setattr(voice, name, wrapper)

    counted(complaints_module, "complaint_categories")
    counted(complaints_module, "complaint_timeliness")
    counted(escalations_module, "escalation_categories")
    counted(escalations_module, "escalation_status")
    section.build(section_evidence(), parse_period("2026-27-Q2"), audience="internal")
    assert calls == {
        "complaint_categories": 1,
        "complaint_timeliness": 2,
        "escalation_categories": 1,
        "escalation_status": 2,
    }


def test_voice_section_carries_the_figures_and_signals_once():
    from qaanalysis.sections import voice as section

    ev, period = section_evidence(), parse_period("2026-27-Q2")
    built = section.build(ev, period, audience="internal")
    # The Figures in voice_figures' order (complaints, feedback, escalations), each id once.
    assert [f.id for f in built.figures] == [f.id for f in voice.voice_figures(ev, period)]
    assert len({f.id for f in built.figures}) == len(built.figures)
    rising = {(s.theme, s.source): s for s in built.signals}[("relationships_visits", "complaints")]
    assert rising.signal == "negative"
    # The chart highlights the category the table calls a significant rise (12 against 3).
    assert built["categories_trend_chart"].data["highlight"] == ["worker_contact"]
    # The Figures shown are the section's Figures, in three sets.
    shown = [
        f.id
        for key in ("complaint_figures", "feedback_figures", "escalation_figures")
        for f in built[key].figures
    ]
    assert shown == [f.id for f in built.figures]
    # The public signals table names the Figures rather than quoting counts.
    public = section.build(ev, period, audience="public")["voice_signals"].frame
    reasons = public.set_index(["theme", "source"])["reason"]
    assert reasons[("Relationships and direct work (visits)", "complaints")] == (
        "see complaints.category.worker_contact.count"
    )


def test_voice_notebook_shows_every_item_in_the_section_order():
    import json
    import re

    from qaanalysis.sections import voice as section

    notebook = json.loads((Path(__file__).parents[2] / "notebooks" / "30_voice.ipynb").read_text())
    shown = [
        m
        for c in notebook["cells"]
        if c["cell_type"] == "code"
        for m in re.findall(r'^s\.show\(voice\["(\w+)"\]\)$', "".join(c["source"]))
    ]
    built = section.build(section_evidence(), parse_period("2026-27-Q2"), audience="internal")
    assert shown == list(built.items)


# ----------------------------------------------------------------------------- the sample authority
# Expected values are the generator's own, stated in data_samples/README.md (planted pattern c,
# pattern f and the quote-scrubber texts), not computed by this package.

SAMPLE = Path(
    os.environ.get(
        "QAANALYSIS_SAMPLE_CONFIG", Path(__file__).parents[2] / "data_samples" / "la.yaml"
    )
)
needs_sample = pytest.mark.skipif(
    not SAMPLE.is_file(), reason=f"sample authority not found at {SAMPLE}"
)


@pytest.fixture(scope="module")
def sample() -> Evidence:
    config = load_config(SAMPLE)
    # the voice sources and audits only: the Annex A lists take seconds to read
    keep = ("audits", "complaints", "feedback", "escalations")
    sources = {k: v for k, v in config.sources.items() if k in keep}
    return load_evidence(config.model_copy(update={"sources": sources}))


@needs_sample
def test_sample_finds_the_rising_worker_contact_complaints(sample):
    q2 = parse_period("2026-27-Q2")
    # README pattern c: worker_contact complaints 2025-26-Q2 14, 2025-26-Q4 17, 2026-27-Q1 22,
    # 2026-27-Q2 29 (all stages).
    table = voice.complaint_categories(sample.complaints, period=q2, config=sample.config)
    row = table.set_index("category").loc["worker_contact"]
    assert (row["complaints"], row["previous"], row["last_year"]) == (29, 22, 14)
    assert row["change"] == "significant rise" and row["trend"] == "rising"
    found = {(s.theme, s.source): s for s in voice_signals(sample, q2)}
    assert found[("relationships_visits", "complaints")].signal == "negative"
    # README pattern f: management_response alerts 2025-26-Q2 6, 2026-27-Q1 10, 2026-27-Q2 18.
    assert found[("management_oversight", "escalations")].signal == "negative"
    # README pattern e: feel_settled answers mostly positive.
    assert found[("permanence_stability", "feedback")].signal == "positive"


@needs_sample
def test_sample_quotes_are_scrubbed():
    config = load_config(SAMPLE)
    # The child id in the planted comment is in the Annex A lists, so they are read here.
    keep = ("audits", "feedback", "annex_a")
    sample = load_evidence(
        config.model_copy(
            update={"sources": {k: v for k, v in config.sources.items() if k in keep}}
        )
    )
    ids = voice.collect_identifiers(sample)
    assert "C015895" in ids
    planted = [
        "FB001912",
        "FB002503",
        "FB003095",
        "FB003686",
        "FB004278",
        "FB004869",
        "FB005461",
        "FB006052",
    ]
    comments = sample.feedback.set_index("response_id").loc[planted, "comment"]
    scrubbed = [voice.scrub_quote(c, identifiers=ids) for c in comments]
    assert all(REMOVED in text for text in scrubbed)
    for leaked in ("@", "07700", "NE1 4ZZ", "NE2 4ZZ", "14/03/2026", "C015895"):
        assert not any(leaked in text for text in scrubbed)
