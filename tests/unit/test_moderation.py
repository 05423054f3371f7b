"""Moderation measures against a small table worked by hand.

The ten moderated audits of 2025-26 Q2 (rows: auditor's grade, columns: moderator's grade):

                 O   G   RI   I     total
    Outstanding  1   1   0    0     2
    Good         0   3   1    0     4
    RI           0   0   2    1     3
    Inadequate   0   0   0    1     1
    total        1   4   3    2     10

Seven agree exactly; the three others are each one grade worse on moderation (downgrades).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest

from qaanalysis.config import Config, default_settings, load_config
from qaanalysis.measures import moderation as mm
from qaanalysis.measures.audits import audits_in_period, window
from qaanalysis.narrative import audits as audit_words
from qaanalysis.periods import parse_period
from qaanalysis.sources import Evidence, LoadReport, load_evidence
from qaanalysis.sources.schema import audit_columns

Q2 = parse_period("2025-26-Q2")
O, G, R, I = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]  # noqa: E741

PAIRS = [  # (auditor's grade, moderated grade, auditor role)
    (O, O, "team_manager"),
    (O, G, "team_manager"),  # downgrade
    (G, G, "team_manager"),
    (G, G, "team_manager"),
    (G, G, "service_manager"),
    (G, R, "service_manager"),  # downgrade
    (R, R, "service_manager"),
    (R, R, "service_manager"),
    (R, I, "team_manager"),  # downgrade
    (I, I, "team_manager"),
]


def moderation_words(evidence, period, *, months=None):
    """The moderation reading written from the period's (or window's) audits and statistics."""
    pooled = audits_in_period(evidence, period, months=months)
    result = mm.moderation_statistics(evidence, period, months=months)
    return audit_words.moderation_reading(
        pooled,
        result,
        config=evidence.config,
        audience="internal",
        window=window(period, months) if months else None,
    )


def make_evidence(rows: list[dict]) -> Evidence:
    settings = default_settings()
    settings.update(
        authority={"name": "Test", "slug": "test"}, sources={"audits": {"file": "a.csv"}}
    )
    config = Config.model_validate(settings)
    columns = [c.name for c in audit_columns(config.domain_ids)]
    frame = pd.DataFrame(rows).reindex(columns=columns).astype(object)
    frame = frame.where(frame.notna(), None)
    frame["audit_date"] = pd.to_datetime(frame["audit_date"])
    frame["immediate_response"] = frame["immediate_response"].astype("boolean")
    return Evidence(config, pd.Timestamp("2025-12-31"), {"audits": frame}, {}, LoadReport())


def rows_for_table(extra: list[dict] = ()) -> list[dict]:
    rows = [
        {
            "audit_id": f"M{i}",
            "child_id": f"C{i}",
            "audit_date": "2025-08-01",
            "service": "S",
            "team": "T",
            "overall_grade": a,
            "moderated_grade": b,
            "auditor_role": role,
        }
        for i, (a, b, role) in enumerate(PAIRS)
    ]
    # Ten more audits in the period, not moderated: one Inadequate (must be moderated), nine Good.
    rows += [
        {
            "audit_id": f"U{i}",
            "child_id": f"D{i}",
            "audit_date": "2025-09-01",
            "service": "S",
            "team": "T",
            "overall_grade": I if i == 0 else G,
        }
        for i in range(10)
    ]
    return rows + list(extra)


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return make_evidence(rows_for_table())


def test_grade_table_holds_every_grade_even_unused(evidence):
    table = mm.grade_table(evidence, Q2)
    expected = pd.DataFrame(
        [[1, 1, 0, 0, 2], [0, 3, 1, 0, 4], [0, 0, 2, 1, 3], [0, 0, 0, 1, 1], [1, 4, 3, 2, 10]],
        index=pd.Index([O, G, R, I, "Total"], name="auditor's grade"),
        columns=pd.Index([O, G, R, I, "Total"], name="moderated grade"),
    )
    pd.testing.assert_frame_equal(table, expected)
    # an unused grade still has its row and column
    only_good = make_evidence(
        [
            {
                "audit_id": "X",
                "child_id": "C",
                "audit_date": "2025-08-01",
                "service": "S",
                "team": "T",
                "overall_grade": G,
                "moderated_grade": G,
            }
        ]
    )
    assert list(mm.grade_table(only_good, Q2).index) == [O, G, R, I, "Total"]


def test_kappa_alpha_and_bowker_match_hand_worked_values(evidence):
    result = mm.moderation_statistics(evidence, Q2)
    assert result["n"] == 10
    assert result["exact_agreement_count"] == 7 and result["within_one_count"] == 10
    assert result["downgraded_count"] == 3 and result["upgraded_count"] == 0
    # Linear disagreement weights |i-j|/3. Observed: 3 cells one step apart, 3 x (1/3) / 10 = 0.1.
    # Expected: sum |i-j| r_i c_j with r = (2, 4, 3, 1), c = (1, 4, 3, 2) is 102; 102/3/100 = 0.34.
    # kappa = 1 - 0.1 / 0.34 = 12/17.
    assert result["kappa_linear"] == pytest.approx(12 / 17)
    assert result["kappa_linear_ci_low"] < 12 / 17 < result["kappa_linear_ci_high"]
    # Quadratic weights (i-j)^2/9: observed 3/90; expected sum (i-j)^2 r_i c_j = 174, 174/900.
    # kappa = 1 - (3/90) / (174/900) = 144/174.
    assert result["kappa_quadratic"] == pytest.approx(144 / 174)
    # Krippendorff ordinal: coincidence totals n_c = (3, 8, 6, 3), n = 20; distances
    # d01 = 5.5^2, d12 = 7^2, d23 = 4.5^2, d02 = 12.5^2, d13 = 11.5^2, d03 = 17^2.
    # Observed 2 x (30.25 + 49 + 20.25) = 199; expected 2 x 12030 = 24060;
    # alpha = 1 - 19 x 199 / 24060 = 0.842851.
    assert result["krippendorff_alpha"] == pytest.approx(1 - 19 * 199 / 24060)
    # Bowker: three pairs of cells (1, 0), each (1 - 0)^2 / 1: statistic 3 on 3 df, p = 0.3916.
    assert result["bowker_statistic"] == pytest.approx(3.0)
    assert result["bowker_df"] == 3
    assert result["bowker_p"] == pytest.approx(0.39163, abs=1e-5)


def test_figures_carry_the_design_ids_and_counts(evidence):
    figures = {f.id: f for f in mm.moderation_figures(evidence, Q2)}
    for required in (
        "moderation.count",
        "moderation.rate",
        "moderation.agreement",
        "moderation.kappa",
        "moderation.downgraded",
        "moderation.upgraded",
    ):
        assert required in figures
    assert figures["moderation.count"].value == 10
    rate = figures["moderation.rate"]
    assert (rate.numerator, rate.denominator) == (10, 20)
    assert rate.note == "expected 25%: met"
    assert figures["moderation.agreement"].value == pytest.approx(0.7)
    assert figures["moderation.downgraded"].numerator == 3
    assert figures["moderation.upgraded"].numerator == 0
    kappa = figures["moderation.kappa"]
    assert kappa.value == pytest.approx(12 / 17, abs=1e-3) and kappa.denominator == 10
    assert "interval is wide" in kappa.note  # 10 pairs < 30
    # two audits graded Inadequate, one of them moderated
    always = figures["moderation.always_moderated"]
    assert (always.numerator, always.denominator) == (1, 2)


def test_coverage_by_grade_flags_the_must_moderate_grade(evidence):
    coverage = mm.moderation_coverage(evidence, Q2).set_index("grade")
    assert coverage.loc[I, "must_moderate"] and not coverage.loc[G, "must_moderate"]
    assert coverage.loc[I, "audits"] == 2 and coverage.loc[I, "moderated_count"] == 1
    assert coverage.loc[G, "audits"] == 13 and coverage.loc[G, "moderated_count"] == 4
    assert coverage.loc["All grades", "moderated_pct"] == pytest.approx(0.5)
    assert coverage.loc["All grades", "expected_pct"] == pytest.approx(0.25)


def test_by_role_splits_the_pairs(evidence):
    table = mm.moderation_by_role(evidence, Q2).set_index("auditor_role")
    assert table.loc["team_manager", "moderated"] == 6
    assert table.loc["team_manager", "downgraded_count"] == 2
    assert table.loc["service_manager", "exact_agreement_count"] == 3


def test_reading_says_when_disagreements_lean_one_way():
    # Twelve more downgrades (Good -> RI) make the lean systematic: Bowker significant.
    extra = [
        {
            "audit_id": f"E{i}",
            "child_id": f"E{i}",
            "audit_date": "2025-08-02",
            "service": "S",
            "team": "T",
            "overall_grade": G,
            "moderated_grade": R,
        }
        for i in range(12)
    ]
    evidence = make_evidence(rows_for_table(extra))
    result = mm.moderation_statistics(evidence, Q2)
    assert result["bowker_p"] < 0.05
    text = moderation_words(evidence, Q2)
    assert "lean one way" in text and "too generous" in text


def test_no_moderation_gives_count_and_rate_only():
    rows = [
        {
            "audit_id": "A",
            "child_id": "C",
            "audit_date": "2025-08-01",
            "service": "S",
            "team": "T",
            "overall_grade": G,
        }
    ]
    figures = mm.moderation_figures(make_evidence(rows), Q2)
    assert [f.id for f in figures] == ["moderation.count", "moderation.rate"]
    assert figures[0].value == 0
    assert mm.kappa_words(math.nan) == "not defined" and mm.kappa_words(0.7) == "substantial"


# ----------------------------------------------------------------------------- the sample authority
# Pattern g of data_samples/README.md: first auditors grade leniently (team managers most), so
# moderators downgrade far more often than they upgrade; every Inadequate audit is moderated.

SAMPLE = Path(
    os.environ.get(
        "QAANALYSIS_SAMPLE_CONFIG", Path(__file__).parents[2] / "data_samples" / "la.yaml"
    )
)


@pytest.mark.skipif(not SAMPLE.is_file(), reason=f"sample authority not found at {SAMPLE}")
def test_sample_moderation_leans_towards_downgrades():
    config = load_config(SAMPLE)
    evidence = load_evidence(
        config.model_copy(update={"sources": {"audits": config.sources["audits"]}})
    )
    q2 = parse_period("2026-27-Q2")
    # The whole window, April 2023 to September 2026, is the 42 months ending with 2026-27 Q2.
    result = mm.moderation_statistics(evidence, q2, months=42)
    moderated = evidence.audits[evidence.audits["moderated_grade"].notna()]
    assert result["n"] == len(moderated)
    assert (
        result["exact_agreement_count"]
        == (moderated["overall_grade"] == moderated["moderated_grade"]).sum()
    )
    assert result["downgraded_count"] > 2 * result["upgraded_count"]
    assert result["bowker_df"] == 3 and result["bowker_p"] < 0.01
    assert "too generous" in moderation_words(evidence, q2, months=42)
    figures = {f.id: f for f in mm.moderation_figures(evidence, q2)}
    assert figures["moderation.always_moderated"].value == 1.0
    assert {
        "moderation.count",
        "moderation.rate",
        "moderation.agreement",
        "moderation.kappa",
        "moderation.downgraded",
        "moderation.upgraded",
    } <= set(figures)
    by_role = mm.moderation_by_role(evidence, q2, months=42).set_index("auditor_role")
    # team managers' audits are downgraded most (by count; the rates of the smaller roles are noisy)
    assert by_role["downgraded_count"].idxmax() == "team_manager"
    assert (
        by_role.loc["team_manager", "downgraded_count"]
        > by_role.loc["team_manager", "upgraded_count"]
    )


def test_kappa_interval_stays_within_its_possible_range():
    # Five pairs, four agreeing: the normal-approximation upper limit passes 1 and is clipped.
    pairs = [(G, G), (G, G), (R, R), (I, I), (G, R)]
    result = mm.agreement_statistics(
        [a for a, _ in pairs], [b for _, b in pairs], categories=[O, G, R, I]
    )
    assert result["kappa_linear_ci_high"] <= 1.0 and result["kappa_linear_ci_low"] >= -1.0
