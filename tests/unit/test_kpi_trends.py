"""KPI trends over the whole window, KPIs read against England, and the shipped national values.

Expected values are worked by hand (Kendall's tau of a monotone series, Wilson intervals) or read
from the Department for Education files named in england.yaml.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_performance import evidence, make_config

from qaanalysis.figures import proportion
from qaanalysis.measures import performance as perf
from qaanalysis.narrative.performance import trends_reading
from qaanalysis.periods import parse_period
from qaanalysis.stats import discovery

Q2 = parse_period("2026-27-Q2")  # trend window: the 8 quarters October 2024 to September 2026


def scorecard(values, *, start="2024-10", kpi_id="supervision_in_timescale", n=100):
    """One scorecard row a month from ``start``: value, and its count out of ``n``."""
    return pd.DataFrame(
        {
            "kpi_id": kpi_id,
            "month": pd.date_range(start, periods=len(values), freq="MS"),
            "value": values,
            "numerator": [round(v * n) for v in values],
            "denominator": [float(n)] * len(values),
        }
    )


def supervision(**extra):
    return make_config(
        kpis={
            "supervision_in_timescale": {
                "label": "Supervision in timescale",
                "unit": "percent",
                "polarity": "higher",
                "source": "scorecard",
                "theme": "management_oversight",
                **extra,
            }
        }
    )


def test_window_is_the_eight_quarters_ending_with_the_period():
    months = perf.trend_months(Q2, 8)
    assert (str(months[0]), str(months[-1]), len(months)) == ("2024-10", "2026-09", 24)


def test_a_steady_fall_over_the_window_is_a_declining_trend():
    # 24 months each lower than the last: every one of the 276 pairs is discordant, tau = -1,
    # and the exact two-sided p-value is 2 / 24! (far below any cutoff).
    values = [0.90 - 0.01 * i for i in range(24)]
    ev = evidence("2026-10-15", config=supervision(), kpis=scorecard(values))
    trend = perf.kpi_trend_figure(ev, "supervision_in_timescale", Q2)
    assert trend.id == "kpi_trend.supervision_in_timescale"
    assert trend.value == -1.0 and trend.denominator == 24
    assert trend.direction == "declining" and trend.significant
    assert trend.comparison["p_value"] == pytest.approx(2 / math.factorial(24), rel=1e-6)
    assert trend.comparison["label"] == "October 2024 to September 2026"
    assert trend.comparison["first"]["value"] == pytest.approx(0.90)
    assert trend.comparison["last"]["numerator"] == 67  # 0.67 of 100
    text = trends_reading([trend], config=ev.config)
    assert text.startswith(
        "Supervision in timescale fell over October 2024 to September 2026, from 90% (90 of 100)"
        " in October 2024 to 67% (67 of 100) in September 2026: a concern"
    )
    assert "a significant trend over 24 months" in text and "Kendall" not in text
    public = trends_reading([trend], config=ev.config, audience="public")
    assert "of 100" not in public and "a concern" in public
    # a trend the chapter has read beside its chart is not said again
    above = trends_reading([trend], config=ev.config, read_above={"supervision_in_timescale"})
    assert above == "No other KPI rose or fell significantly over the last 8 quarters (1 read)."


def test_months_before_the_window_are_not_read():
    # Rising for 12 months before October 2024, then a zigzag 0.7, 0.8, 0.7, ... in the window:
    # tau over the window's 24 months is small and not significant, so broadly stable.
    before = [0.3 + 0.03 * i for i in range(12)]
    inside = [0.7 if i % 2 == 0 else 0.8 for i in range(24)]
    ev = evidence(
        "2026-10-15", config=supervision(), kpis=scorecard(before + inside, start="2023-10")
    )
    trend = perf.kpi_trend_figure(ev, "supervision_in_timescale", Q2)
    assert trend.denominator == 24
    assert trend.direction == "stable" and not trend.significant
    assert trends_reading([trend], config=ev.config).startswith("No KPI rose or fell")


def test_a_trend_is_one_of_the_packs_tests_judged_together():
    values = [0.90 - 0.01 * i for i in range(24)]
    ev = evidence("2026-10-15", config=supervision(), kpis=scorecard(values))
    with discovery.recording() as tests:
        perf.kpi_trend_figure(ev, "supervision_in_timescale", Q2)
    assert len(tests.p_values) == 1
    with discovery.judged_at(-1.0):  # a cutoff no test passes: not significant, so stable
        judged = perf.kpi_trend_figure(ev, "supervision_in_timescale", Q2)
    assert judged.direction == "stable"


def test_a_context_measure_has_no_trend_and_too_few_months_none():
    ev = evidence("2026-10-15", config=supervision(polarity="context"), kpis=scorecard([0.5] * 24))
    assert perf.kpi_trend_figure(ev, "supervision_in_timescale", Q2) is None
    ev = evidence("2026-10-15", config=supervision(), kpis=scorecard([0.5, 0.6], start="2026-08"))
    assert perf.kpi_trend_figure(ev, "supervision_in_timescale", Q2) is None


def test_a_declining_trend_makes_the_kpi_signal_negative_and_is_cited():
    values = [0.90 - 0.01 * i for i in range(24)]
    ev = evidence("2026-10-15", config=supervision(), kpis=scorecard(values))
    figures = perf.kpi_figures(ev, Q2)
    trends = perf.kpi_trend_figures(ev, Q2)
    (signal,) = perf.signals(figures, evidence=ev, period=Q2, spc={}, trends=trends)
    assert signal.signal == "negative"
    assert "falling over October 2024 to September 2026: a concern" in signal.reason
    assert "kpi_trend.supervision_in_timescale" in signal.figure_ids


# ----------------------------------------------------------------------------- England


def test_shipped_national_values_match_the_published_files():
    # National rows, time_period 2025, of the DfE files named in england.yaml (read by hand):
    # c1 rereferral_percent 22.6, no_further_action_percent 6.5; d3 CPP_subsequent_percent 24.5;
    # placement stability (CLA on 31 March, 3 or more placements in the year) 10; care leavers
    # aged 19 to 21 in suitable accommodation 89; workforce turnover 11.8, agency 13, caseload 15.2.
    values = perf.national_values()
    expected = {
        "referrals_rereferral_12m": 0.226,
        "referrals_nfa": 0.065,
        "cp_subsequent_plan": 0.245,
        "cla_3plus_placements": 0.10,
        "care_leavers_suitable_accommodation": 0.89,
        "turnover_rate": 0.118,
        "agency_rate": 0.13,
        "caseload_average": 15.2,
    }
    assert {k: v["value"] for k, v in values.items()} == pytest.approx(expected)
    assert {v["year"] for v in values.values()} == {2025}
    assert "assessments_within_45wd" not in values


def test_without_published_files_the_shipped_england_value_is_used():
    ev = evidence("2026-10-15", config=make_config())
    table = perf.benchmarks(ev).set_index("kpi_id")
    row = table.loc["cp_subsequent_plan"]
    assert row["england"] == pytest.approx(0.245) and row["year"] == 2025
    assert "shipped" in row["source"] and pd.isna(row["statistical_neighbours"])
    assert "assessments_within_45wd" not in table.index


def test_configured_published_files_take_precedence():
    from test_performance import published_config

    ev = evidence("2026-10-15", config=published_config())
    table = perf.benchmarks(ev).set_index("kpi_id")
    assert "shipped" not in table.loc["referrals_rereferral_12m", "source"]


def _assessment_config(**extra):
    return make_config(
        kpis={
            "assessments_within_45wd": {
                "label": "Assessments in 45 working days",
                "unit": "percent",
                "polarity": "higher",
                "source": "annex_a",
                "theme": "assessment",
                **extra,
            }
        }
    )


def _signal(k, n, england, **extra):
    """The assessment theme's performance signal for a KPI of k of n against England."""
    ev = evidence("2026-10-15", config=_assessment_config(**extra))
    figure = proportion(
        "kpi.assessments_within_45wd",
        "Assessments in 45 working days",
        k=k,
        n=n,
        period=Q2.code,
        source="Annex A",
        theme="assessment",
    )
    bench = pd.DataFrame([{"kpi_id": "assessments_within_45wd", "year": 2025, "england": england}])
    (signal,) = perf.signals([figure], evidence=ev, period=Q2, spc={}, bench=bench)
    return signal


def test_a_kpi_with_no_target_reads_positive_when_clearly_better_than_england():
    # 180 of 200 = 90%: Wilson 85.1% to 93.4%, wholly above England's 82%: better.
    signal = _signal(180, 200, 0.82)
    assert signal.signal == "positive"
    assert "better than England (82% in 2025; 95% interval 85% to 93%)" in signal.reason


def test_a_kpi_a_little_above_england_is_not_clearly_different():
    # 17 of 20 = 85%: Wilson 64.0% to 94.8% takes in 82%: neutral.
    signal = _signal(17, 20, 0.82)
    assert signal.signal == "neutral"
    assert "not clearly different from England (82% in 2025)" in signal.reason


def test_a_kpi_clearly_worse_than_england_is_negative_symmetrically():
    # 120 of 200 = 60%: Wilson 53.1% to 66.5%, wholly below 82%: worse.
    assert _signal(120, 200, 0.82).signal == "negative"


def test_meeting_the_target_by_the_interval():
    # 180 of 200 against a target of 95%: the interval (85.1% to 93.4%) is wholly below: negative
    # even though the KPI is better than England.
    signal = _signal(180, 200, 0.82, target=0.95)
    assert signal.signal == "negative"
    assert "worse than the 95% target" in signal.reason
