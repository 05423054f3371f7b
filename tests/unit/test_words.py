"""Direction words name the movement and its meaning separately (issue 13, part 8)."""

import pytest

from qaanalysis.figures import Figure
from qaanalysis.narrative import movement_words
from qaanalysis.session import _change


def _count(value, before, direction, *, change=None, significant=True):
    comp = {"kind": "previous_period", "label": "previous period", "value": before}
    if change:
        comp["change"] = change
    return Figure(
        "complaints.category.worker_contact.count",
        "Complaints about worker contact",
        value,
        unit="count",
        comparison=comp,
        direction=direction,
        significant=significant,
    )


def test_a_count_of_complaints_that_rose_is_rising_a_concern_never_declining():
    # 22 -> 29 complaints, significant; fewer complaints is better, so the direction is declining.
    figure = _count(29, 22, "declining", change="increase")
    assert movement_words(figure) == "rising: a concern"
    assert _change(figure) == "rising: a concern (was 22, previous period)"


def test_a_fall_in_a_lower_is_better_share_is_falling_an_improvement():
    # 27% -> 20% of plans are repeat plans (lower is better), significant; no 'change' key: the
    # movement is read from the values.
    figure = Figure(
        "kpi.cp_subsequent",
        "Repeat plans",
        0.20,
        unit="percent",
        comparison={"value": 0.27, "label": "previous period"},
        direction="improving",
        significant=True,
    )
    assert movement_words(figure) == "falling: an improvement"
    assert _change(figure) == "falling: an improvement (was 27%, previous period)"


def test_no_significant_change_is_broadly_stable_and_too_few_is_said():
    assert movement_words(_count(25, 22, "stable", significant=False)) == "broadly stable"
    assert movement_words(_count(4, 2, "not_judged", significant=False)) == "too few to judge"


def test_a_significant_change_in_a_context_measure_names_only_the_movement():
    figure = _count(40, 20, "not_judged", change="increase")
    assert movement_words(figure) == "rising"


# ----------------------------------------------------------------------------- assurance (MDC)


def _alternating(n=42, low=0.69, high=0.71):
    import pandas as pd

    index = pd.period_range("2023-04", periods=n, freq="M")
    return pd.Series([low if i % 2 == 0 else high for i in range(n)], index=index)


def test_assurance_follows_making_data_count_by_the_process_limits():
    # 0.69, 0.71, ... for 42 months: mean 0.70, every moving range 0.02, so the process limits
    # are 0.70 -/+ 2.66 x 0.02 = 0.6468 to 0.7532 (worked by hand).
    from qaanalysis import stats

    values = _alternating()
    failing = stats.xmr(values, polarity="higher", target=0.85)
    assert failing.frame["upper_limit"].iloc[-1] == pytest.approx(0.7532)
    assert failing.assurance == "consistently_failing"  # target above the upper limit
    assert stats.xmr(values, polarity="higher", target=0.60).assurance == "consistently_passing"
    assert stats.xmr(values, polarity="lower", target=0.85).assurance == "consistently_passing"
    assert stats.xmr(values, polarity="higher", target=0.72).assurance == "hit_and_miss"


def test_a_target_met_in_no_month_and_outside_the_limits_consistently_fails():
    import pandas as pd
    from test_performance import evidence, make_config

    from qaanalysis.measures.performance import ICON_WORDS
    from qaanalysis.narrative.performance import spc_reading

    kpis = pd.DataFrame(
        {
            "kpi_id": "supervision_in_timescale",
            "month": pd.date_range("2023-04", periods=42, freq="MS"),
            "value": list(_alternating()),
            "numerator": [69.0 if i % 2 == 0 else 71.0 for i in range(42)],
            "denominator": [100.0] * 42,
        }
    )
    config = make_config(
        kpis={
            "supervision_in_timescale": {
                "label": "Supervision in timescale",
                "target": 0.85,
                "polarity": "higher",
            }
        }
    )
    from qaanalysis.measures import performance as perf
    from qaanalysis.periods import parse_period

    ev = evidence("2026-10-15", config=config, kpis=kpis)
    result = perf.kpi_spc(ev, "supervision_in_timescale", parse_period("2026-09"))
    kpi = config.kpis["supervision_in_timescale"]
    text = spc_reading(result, kpi=kpi, config=config)
    assert "hit and miss" not in text
    assert (
        "Against the target of 85%: consistently fails the target (met in 0 of 42 months)." in text
    )
    assert ICON_WORDS["hit_and_miss"] == "hit and miss: the target lies within the process limits"


# ----------------------------------------------------------------------------- comparisons named


def _share(kind, period):
    return Figure(
        "audits.overall.good_or_better",
        "Audits good or better",
        0.5,
        unit="percent",
        numerator=20,
        denominator=40,
        comparison={
            "kind": kind,
            "label": "x",
            "period": period,
            "value": 0.55,
            "numerator": 22,
            "denominator": 40,
        },
        direction="stable",
        significant=False,
    )


def test_change_wording_names_the_comparison_exactly():
    from qaanalysis.narrative import change_phrase, comparison_words

    assert comparison_words({"kind": "previous_period", "period": "2026-27-Q1"}) == (
        "the previous quarter (2026-27 Q1 (April to June 2026))"
    )
    assert comparison_words({"kind": "same_period_last_year", "period": "2025-26-Q2"}) == (
        "the same quarter last year (2025-26 Q2 (July to September 2025))"
    )
    assert comparison_words({"kind": "previous_period", "period": "2024-25"}).startswith(
        "the previous year (2024-25"
    )
    assert change_phrase(_share("previous_period", "2026-27-Q1")) == (
        "broadly stable (55% (22 of 40) in the previous quarter (2026-27 Q1 (April to June 2026)))"
    )
    assert "the same quarter last year" in change_phrase(
        _share("same_period_last_year", "2025-26-Q2")
    )
    assert "previous period" not in change_phrase(_share("previous_period", "2026-27-Q1"))


# ----------------------------------------------------------------------------- Bowker's rule


def test_bowker_degrees_of_freedom_rule_is_stated_in_the_methods_sentence():
    from qaanalysis.config import Config, default_settings
    from qaanalysis.narrative import BOWKER_RULE, moderation_statistics

    settings = default_settings()
    settings.update(authority={"name": "T", "slug": "t"}, sources={"audits": {"file": "a.csv"}})
    config = Config.model_validate(settings)
    figures = {
        "moderation.count": Figure("moderation.count", "Audits moderated", 40, unit="count"),
        "moderation.kappa": Figure("moderation.kappa", "Weighted kappa", 0.6, unit="number"),
        "moderation.bowker": Figure("moderation.bowker", "Bowker", 0.0004, unit="number"),
    }
    text = moderation_statistics(figures, config=config)
    assert "Bowker's test of symmetry gave p < 0.001" in text
    assert BOWKER_RULE in text and "statsmodels and SPSS count every pair" in text
