"""Tests for qaanalysis.stats.

Every expected value is worked out independently of the code under test: by hand (arithmetic in
the comments), from a published worked example, from a textbook formula coded separately here,
or, for p-values only, from scipy called directly.
"""

from __future__ import annotations

import math
from itertools import permutations
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from scipy import stats as sps

from qaanalysis import stats

OFSTED = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
Z95 = NormalDist().inv_cdf(0.975)  # 1.959964...


# Proportions


def test_wilson_7_of_12_matches_methods_check():
    # METHODS.md: 7 of 12 gives 0.320 to 0.807.
    low, high = stats.wilson_interval(7, 12)
    assert (round(low, 3), round(high, 3)) == (0.320, 0.807)


def test_wilson_matches_closed_form():
    # Wilson: (k + z^2/2 -/+ z sqrt(k(n-k)/n + z^2/4)) / (n + z^2), written out here.
    k, n, z = 7, 12, Z95
    centre = k + z**2 / 2
    half = z * math.sqrt(k * (n - k) / n + z**2 / 4)
    expected = ((centre - half) / (n + z**2), (centre + half) / (n + z**2))
    assert stats.wilson_interval(k, n) == pytest.approx(expected, abs=1e-12)


def test_wilson_empty_denominator_is_nan():
    low, high = stats.wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        stats.wilson_interval(5, 4)


def test_newcombe_method_10_published_example_a():
    # Newcombe (1998) Stat Med 17:873, Table II, example (a): 56/70 - 48/80 = 0.2000,
    # method 10 (hybrid score, no continuity correction) 95% CI 0.0524 to 0.3339.
    # By hand: Wilson 56/70 = (0.69183, 0.87695); Wilson 48/80 = (0.49045, 0.70038);
    # low = 0.2 - sqrt((0.8 - 0.69183)^2 + (0.70038 - 0.6)^2) = 0.2 - 0.14757 = 0.05243;
    # high = 0.2 + sqrt((0.87695 - 0.8)^2 + (0.6 - 0.49045)^2) = 0.2 + 0.13387 = 0.33387.
    c = stats.compare_proportions(48, 80, 56, 70)  # previous 48/80, current 56/70
    assert c.p_previous == pytest.approx(0.6)
    assert c.p_current == pytest.approx(0.8)
    assert c.difference == pytest.approx(0.2)
    assert round(c.diff_ci_low, 4) == 0.0524
    assert round(c.diff_ci_high, 4) == 0.3339


def test_newcombe_method_10_published_example_b():
    # Newcombe (1998) Table II, example (b): 9/10 - 3/10 = 0.6, method 10: 0.1705 to 0.8090.
    low, high = stats.newcombe_interval(3, 10, 9, 10)
    assert (round(low, 4), round(high, 4)) == (0.1705, 0.8090)


def test_newcombe_interval_flips_with_the_periods():
    # Swapping previous and current negates the difference and mirrors the interval.
    c = stats.compare_proportions(56, 70, 48, 80)
    assert c.difference == pytest.approx(-0.2)
    assert round(c.diff_ci_low, 4) == -0.3339
    assert round(c.diff_ci_high, 4) == -0.0524


def test_fisher_p_value_by_hand():
    # Previous 1 of 10, current 9 of 10: table [[1, 9], [9, 1]], margins 10/10 and 10/10.
    # P(x successes in the previous row) = C(10, x) C(10, 10 - x) / C(20, 10), C(20, 10) = 184756.
    # P(1) = 10 * 10 / 184756 = 100 / 184756. Tables as or less likely: x = 0, 1, 9, 10 with
    # 1 + 100 + 100 + 1 = 202, so the two-sided p-value is 202 / 184756 = 0.0010933.
    c = stats.compare_proportions(1, 10, 9, 10)
    assert c.p_value == pytest.approx(202 / 184756, rel=1e-9)
    assert c.significant
    assert c.change == "increase"
    assert c.direction == "improving"


def test_fisher_p_value_matches_scipy():
    c = stats.compare_proportions(30, 60, 20, 55)
    expected = sps.fisher_exact([[30, 30], [20, 35]]).pvalue
    assert c.p_value == pytest.approx(expected, rel=1e-12)
    assert c.test == "fisher"


def test_boschloo_p_value_matches_scipy():
    c = stats.compare_proportions(3, 12, 9, 12, test="boschloo")
    expected = sps.boschloo_exact([[3, 9], [9, 3]], alternative="two-sided").pvalue
    assert c.p_value == pytest.approx(expected, rel=1e-9)
    assert c.test == "boschloo"


@pytest.mark.parametrize(
    ("polarity", "direction"),
    [
        ("higher", "improving"),  # significant rise, higher is better
        ("lower", "declining"),  # significant rise, lower is better
        ("context", "not_judged"),  # a rise that is neither good nor bad
    ],
)
def test_direction_follows_polarity(polarity, direction):
    c = stats.compare_proportions(1, 10, 9, 10, polarity=polarity)
    assert c.change == "increase"
    assert c.direction == direction


def test_significant_fall_with_higher_polarity_is_declining():
    c = stats.compare_proportions(9, 10, 1, 10, polarity="higher")
    assert (c.change, c.direction) == ("decrease", "declining")


def test_not_significant_is_stable():
    # 5/10 against 6/10: Fisher p = 1 (hand: the table is as likely as any), not significant.
    c = stats.compare_proportions(5, 10, 6, 10)
    assert not c.significant
    assert c.change == "no_change"
    assert c.direction == "stable"


def test_too_few_is_not_judged_even_when_significant():
    # 0 of 9 against 9 of 9: p = 2 / C(18, 9) = 2 / 48620, but 9 < 10 in both periods.
    c = stats.compare_proportions(0, 9, 9, 9)
    assert c.p_value == pytest.approx(2 / 48620)
    assert c.direction == "not_judged"
    # exactly min_n in each period is judged
    assert stats.compare_proportions(0, 10, 10, 10).direction == "improving"


def test_empty_period_gives_nan_and_not_judged():
    c = stats.compare_proportions(0, 0, 5, 12)
    assert math.isnan(c.p_value) and math.isnan(c.diff_ci_low)
    assert not c.significant
    assert c.direction == "not_judged"


# Ordinal trend


def test_kendall_tau_b_by_hand_no_ties():
    # times 1..5, values 1 3 2 5 4: of 10 pairs, (2,3) and (4,5) are discordant, 8 concordant.
    # tau = (8 - 2) / 10 = 0.6.
    res = stats.ordinal_trend([1, 3, 2, 5, 4], [1, 2, 3, 4, 5], min_n=2)
    assert res.tau == pytest.approx(0.6)
    assert res.p_value == pytest.approx(sps.kendalltau([1, 2, 3, 4, 5], [1, 3, 2, 5, 4]).pvalue)


def test_kendall_tau_b_by_hand_with_ties():
    # times 1 1 2 2, values 1 2 2 3. Pairs: (1,2) tied in time; (1,3) C; (1,4) C;
    # (2,3) tied in value; (2,4) C; (3,4) tied in time. C = 3, D = 0; n0 = 6 pairs,
    # 2 tied in time, 1 tied in value: tau-b = 3 / sqrt((6 - 2) * (6 - 1)) = 3 / sqrt(20).
    res = stats.ordinal_trend([1, 2, 2, 3], [1, 1, 2, 2], min_n=2)
    assert res.tau == pytest.approx(3 / math.sqrt(20))


def test_grades_getting_better_is_improving():
    # Grade positions (0 = best) falling month by month: a significant negative tau.
    grades = [3, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0, 0]
    months = list(range(12))
    res = stats.ordinal_trend(grades, months)
    expected = sps.kendalltau(months, grades)
    assert res.tau == pytest.approx(expected.statistic)
    assert res.p_value == pytest.approx(expected.pvalue)
    assert (res.change, res.direction) == ("decrease", "improving")
    # the same series read as a share where higher is better
    assert stats.ordinal_trend(grades, months, polarity="higher").direction == "declining"


def test_trend_too_few_or_constant_is_not_judged():
    assert stats.ordinal_trend([3, 2, 1, 0], [1, 2, 3, 4]).direction == "not_judged"  # 4 < 10
    flat = stats.ordinal_trend([1] * 12, list(range(12)))
    assert math.isnan(flat.tau) and flat.direction == "not_judged"


def test_trend_drops_missing_pairs():
    res = stats.ordinal_trend([1, 3, np.nan, 2, 5, 4], [1, 2, 9, 3, 4, 5], min_n=2)
    assert res.n == 5
    assert res.tau == pytest.approx(0.6)


# Funnel plots


def test_funnel_limits_n10_p_half_by_hand():
    # Binomial(10, 0.5): P(X <= x) * 1024 = 1, 11, 56, 176, 386, 638, 848, 968, 1013, 1023, 1024.
    # lower 95 (q = 0.025): r = 2 (56/1024 >= 0.025); a = (56 - 25.6) / 45 = 0.675556;
    #   limit = (2 - 0.675556) / 10 = 0.1324444
    # upper 95 (q = 0.975): r = 8; a = (1013 - 998.4) / 45 = 0.324444; limit = 0.7675556
    # lower 99.8 (q = 0.001): r = 1; a = (11 - 1.024) / 10 = 0.9976; limit = 0.00024
    # upper 99.8 (q = 0.999): r = 9; a = (1023 - 1022.976) / 10 = 0.0024; limit = 0.89976
    expected = pd.DataFrame(
        {
            "n": [10],
            "lower_95": [(2 - 30.4 / 45) / 10],
            "upper_95": [(8 - 14.6 / 45) / 10],
            "lower_998": [(1 - 9.976 / 10) / 10],
            "upper_998": [(9 - 0.024 / 10) / 10],
        }
    )
    assert_frame_equal(stats.funnel_limits([10], p0=0.5), expected, check_exact=False, rtol=1e-9)


def test_funnel_limits_clip_and_empty_denominator():
    # n = 1, p0 = 0.5: lower 95 has r = 0, a = (0.5 - 0.025) / 0.5 = 0.95, (0 - 0.95) / 1 < 0,
    # clipped to 0; upper 95 has r = 1, a = (1 - 0.975) / 0.5 = 0.05, limit 0.95.
    limits = stats.funnel_limits([0, 1], p0=0.5)
    assert list(limits.columns) == ["n", "lower_95", "upper_95", "lower_998", "upper_998"]
    assert limits.loc[0, ["lower_95", "upper_95"]].isna().all()
    assert limits.loc[1, "lower_95"] == 0.0
    assert limits.loc[1, "upper_95"] == pytest.approx(0.95)


def test_funnel_target_must_be_inside_zero_and_one():
    with pytest.raises(ValueError):
        stats.funnel_limits([10], p0=1.0)


def test_funnel_limit_names_follow_levels():
    limits = stats.funnel_limits([20], p0=0.3, levels=(0.9,))
    assert list(limits.columns) == ["n", "lower_90", "upper_90"]


@pytest.mark.parametrize(
    ("k", "position"),
    [
        (10, "above_998"),  # 1.0 > 0.89976
        (9, "above_998"),  # 0.9 > 0.89976 (the interpolated upper limit sits below 9/10)
        (8, "above_95"),  # 0.8: above 0.76756, below 0.89976
        (5, "within"),
        (2, "within"),  # 0.2: above the lower 95 limit 0.13244
        (1, "below_95"),  # 0.1: below 0.13244, above 0.00024
        (0, "below_998"),  # 0.0 < 0.00024
    ],
)
def test_funnel_position(k, position):
    assert stats.funnel_position(k, 10, p0=0.5) == position


def test_funnel_position_on_a_limit_is_within():
    # n = 1, p0 = 0.5: the lower 95 limit is clipped to exactly 0, so 0/1 is on it, not below.
    assert stats.funnel_position(0, 1, p0=0.5) == "within"
    assert stats.funnel_position(0, 0, p0=0.5) is None


# Moderation agreement


def _pairs(table: list[list[int]], categories: list[str]) -> tuple[list[str], list[str]]:
    """Expand a grade-by-grade count table into (original, moderated) grade lists."""
    original, moderated = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            original += [categories[i]] * count
            moderated += [categories[j]] * count
    return original, moderated


def test_agreement_table_is_full_square_in_scale_order():
    original = ["Good", "Good", "Inadequate", "Good", None, "Outstanding"]
    moderated = ["Good", "Outstanding", "Good", np.nan, "Good", "Outstanding"]
    # rows original, columns moderated; the None / NaN pairs are not moderated and drop out;
    # Requires Improvement is unused but still has its row and column.
    expected = pd.DataFrame(
        [
            [1, 0, 0, 0],  # Outstanding kept Outstanding
            [1, 1, 0, 0],  # Good upgraded once, kept once
            [0, 0, 0, 0],  # Requires Improvement unused
            [0, 1, 0, 0],  # Inadequate upgraded to Good
        ],
        index=pd.Index(OFSTED, name="original"),
        columns=pd.Index(OFSTED, name="moderated"),
        dtype="int64",
    )
    assert_frame_equal(stats.agreement_table(original, moderated, categories=OFSTED), expected)


def test_agreement_table_rejects_unknown_grade_and_length_mismatch():
    with pytest.raises(ValueError, match="Gd"):
        stats.agreement_table(["Gd"], ["Good"], categories=OFSTED)
    with pytest.raises(ValueError):
        stats.agreement_table(["Good", "Good"], ["Good"], categories=OFSTED)


def test_agreement_summary_by_hand():
    original = ["Good", "Good", "Inadequate", "Requires Improvement", "Outstanding", "Good"]
    moderated = ["Good", "Outstanding", "Good", "Inadequate", "Good", "Good"]
    # pair 1: same; 2: Good -> Outstanding, upgrade by 1; 3: Inadequate -> Good, upgrade by 2;
    # 4: RI -> Inadequate, downgrade by 1; 5: Outstanding -> Good, downgrade by 1; 6: same.
    s = stats.agreement_summary(original, moderated, categories=OFSTED)
    assert s["n"] == 6
    assert (s["exact_agreement_count"], s["exact_agreement_pct"]) == (2, pytest.approx(2 / 6))
    assert (s["within_one_count"], s["within_one_pct"]) == (5, pytest.approx(5 / 6))
    assert (s["upgraded_count"], s["upgraded_pct"]) == (2, pytest.approx(2 / 6))
    assert (s["downgraded_count"], s["downgraded_pct"]) == (2, pytest.approx(2 / 6))


def test_agreement_summary_empty():
    s = stats.agreement_summary([], [], categories=OFSTED)
    assert s["n"] == 0 and math.isnan(s["exact_agreement_pct"])


KAPPA_TABLE = [[5, 2, 0], [1, 6, 2], [0, 1, 3]]


def test_linear_weighted_kappa_by_hand():
    # N = 20; row shares p_i. = 0.35, 0.45, 0.20; column shares p_.j = 0.30, 0.45, 0.25.
    # Linear agreement weights 1 - |i - j| / 2: 1 on the diagonal, 0.5 one apart, 0 two apart.
    # Observed: (5 + 6 + 3) / 20 + 0.5 * (2 + 1 + 2 + 1) / 20 = 0.70 + 0.15 = 0.85.
    # Expected diagonal: 0.35*0.30 + 0.45*0.45 + 0.20*0.25 = 0.105 + 0.2025 + 0.05 = 0.3575;
    # one apart: 0.35*0.45 + 0.45*0.30 + 0.45*0.25 + 0.20*0.45 = 0.495, times 0.5 = 0.2475;
    # expected = 0.605. kappa = (0.85 - 0.605) / (1 - 0.605) = 0.245 / 0.395 = 0.620253.
    res = stats.weighted_kappa(np.array(KAPPA_TABLE))
    assert res.kappa == pytest.approx(0.245 / 0.395)
    assert res.n == 20
    assert res.weights == "linear"


def test_quadratic_weighted_kappa_by_hand():
    # Quadratic agreement weights 1 - (i - j)^2 / 4: 1, 0.75 one apart, 0 two apart.
    # Observed 0.70 + 0.75 * 0.30 = 0.925; expected 0.3575 + 0.75 * 0.495 = 0.72875.
    # kappa = (0.925 - 0.72875) / (1 - 0.72875) = 0.19625 / 0.27125 = 0.723502.
    res = stats.weighted_kappa(np.array(KAPPA_TABLE), weights="quadratic")
    assert res.kappa == pytest.approx(0.19625 / 0.27125)


def _textbook_kappa_se(table: np.ndarray, agreement_weights: np.ndarray) -> tuple[float, float]:
    """Weighted kappa and its large-sample SE (Fleiss, Cohen and Everitt 1969), from scratch."""
    n = table.sum()
    p = table / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po = (agreement_weights * p).sum()
    pe = (agreement_weights * np.outer(rows, cols)).sum()
    kappa = (po - pe) / (1 - pe)
    w_row = agreement_weights @ cols  # mean weight of row i over the column shares
    w_col = rows @ agreement_weights  # mean weight of column j over the row shares
    inner = (agreement_weights - (w_row[:, None] + w_col[None, :]) * (1 - kappa)) ** 2
    variance = ((p * inner).sum() - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2)
    return kappa, math.sqrt(variance)


@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_kappa_standard_error_and_interval_match_textbook(weights):
    table = np.array(KAPPA_TABLE, dtype=float)
    distance = np.abs(np.subtract.outer(np.arange(3), np.arange(3))) / 2
    agreement = 1 - (distance if weights == "linear" else distance**2)
    kappa, se = _textbook_kappa_se(table, agreement)
    res = stats.weighted_kappa(table, weights=weights)
    assert res.kappa == pytest.approx(kappa)
    assert res.se == pytest.approx(se)
    assert (res.ci_low, res.ci_high) == pytest.approx((kappa - Z95 * se, kappa + Z95 * se))
    z90 = NormalDist().inv_cdf(0.95)
    res90 = stats.weighted_kappa(table, weights=weights, alpha=0.10)
    assert res90.ci_high == pytest.approx(kappa + z90 * se)


def test_kappa_needs_the_full_table():
    # An unused category at the end of the scale leaves linear kappa unchanged (weights scale
    # by a constant); an unused category in the middle moves the used ones apart and changes it.
    t = KAPPA_TABLE
    at_end = [t[0] + [0], t[1] + [0], t[2] + [0], [0, 0, 0, 0]]
    in_middle = [[t[0][0], 0, t[0][1], t[0][2]], [0, 0, 0, 0]] + [
        [row[0], 0, row[1], row[2]] for row in t[1:]
    ]
    base = stats.weighted_kappa(np.array(t)).kappa
    assert stats.weighted_kappa(np.array(at_end)).kappa == pytest.approx(base)
    assert stats.weighted_kappa(np.array(in_middle)).kappa != pytest.approx(base)


def test_kappa_undefined_cases_are_nan():
    assert math.isnan(stats.weighted_kappa(np.zeros((4, 4))).kappa)
    one_cell = np.zeros((4, 4))
    one_cell[1, 1] = 12  # everyone Good: chance agreement is 1
    res = stats.weighted_kappa(one_cell)
    assert math.isnan(res.kappa) and res.n == 12


def test_kappa_rejects_non_square():
    with pytest.raises(ValueError):
        stats.weighted_kappa(np.zeros((3, 4)))


def test_krippendorff_binary_published_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section A: two
    # observers, binary data, alpha = 0.095. With two categories the ordinal metric is a
    # constant, so ordinal alpha equals nominal alpha. By hand: n = 20 values, 14 zeros and
    # 6 ones, 4 disagreeing units: alpha = 1 - 19 * 8 / (2 * 14 * 6) = 16 / 168 = 0.0952.
    a = ["0", "1", "0", "0", "0", "0", "0", "0", "1", "0"]
    b = ["1", "1", "1", "0", "0", "1", "0", "0", "0", "0"]
    alpha = stats.krippendorff_alpha_ordinal(a, b, categories=["0", "1"])
    assert alpha == pytest.approx(16 / 168)
    assert round(alpha, 3) == 0.095


def test_krippendorff_ordinal_by_hand():
    # Units (original, moderated): (A,A) (A,B) (B,B) (B,B) (B,C) (C,C).
    # Coincidences: o_AA = 2, o_AB = o_BA = 1, o_BB = 4, o_BC = o_CB = 1, o_CC = 2;
    # n_A = 3, n_B = 6, n_C = 3, n = 12.
    # Ordinal distances: d_AB = (3 + 6 - (3 + 6) / 2)^2 = 4.5^2 = 20.25; d_BC = 20.25;
    # d_AC = (3 + 6 + 3 - (3 + 3) / 2)^2 = 81.
    # Observed: 4 * 20.25 = 81. Expected: 2 * (3*6*20.25 + 6*3*20.25 + 3*3*81) = 2916.
    # alpha = 1 - (12 - 1) * 81 / 2916 = 1 - 11/36 = 25/36 = 0.69444.
    original = ["A", "A", "B", "B", "B", "C"]
    moderated = ["A", "B", "B", "B", "C", "C"]
    alpha = stats.krippendorff_alpha_ordinal(original, moderated, categories=["A", "B", "C"])
    assert alpha == pytest.approx(25 / 36)
    # An unused category, even between used ones, adds nothing to any ordinal distance.
    with_unused = ["A", "B", "X", "C"]
    assert stats.krippendorff_alpha_ordinal(
        original, moderated, categories=with_unused
    ) == pytest.approx(25 / 36)


def _alpha_by_pairs(original: list[int], moderated: list[int]) -> float:
    """Ordinal alpha as 1 - D_o / D_e by enumerating value pairs (a second route)."""
    values = original + moderated
    counts = np.bincount(values)

    def delta(c: int, k: int) -> float:
        lo, hi = min(c, k), max(c, k)
        return (counts[lo : hi + 1].sum() - (counts[c] + counts[k]) / 2) ** 2

    observed = np.mean([delta(a, b) for a, b in zip(original, moderated, strict=True)])
    expected = np.mean(
        [delta(values[i], values[j]) for i, j in permutations(range(len(values)), 2)]
    )
    return 1 - observed / expected


def test_krippendorff_matches_pairwise_definition():
    rng = np.random.default_rng(20250101)
    original = rng.integers(0, 4, size=25)
    moderated = np.clip(original + rng.integers(-1, 2, size=25), 0, 3)
    expected = _alpha_by_pairs(original.tolist(), moderated.tolist())
    alpha = stats.krippendorff_alpha_ordinal(
        [OFSTED[i] for i in original], [OFSTED[i] for i in moderated], categories=OFSTED
    )
    assert alpha == pytest.approx(expected)


def test_krippendorff_without_variation_is_nan():
    assert math.isnan(
        stats.krippendorff_alpha_ordinal(["Good"] * 5, ["Good"] * 5, categories=OFSTED)
    )


def _chi2_sf_df1(x: float) -> float:
    return math.erfc(math.sqrt(x / 2))


def _chi2_sf_df3(x: float) -> float:
    return math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)


def test_bowker_by_hand():
    table = [[10, 4, 1], [1, 8, 3], [0, 1, 5]]
    # pairs: (1,2) 4 vs 1 -> 9/5 = 1.8; (1,3) 1 vs 0 -> 1/1 = 1; (2,3) 3 vs 1 -> 4/4 = 1.
    # statistic 3.8 on 3 df; chi-square(3) survival = erfc(sqrt(x/2)) + sqrt(2x/pi) e^(-x/2).
    statistic, df, p_value = stats.bowker_symmetry(table)
    assert statistic == pytest.approx(3.8)
    assert df == 3
    assert p_value == pytest.approx(_chi2_sf_df3(3.8))


def test_bowker_leaves_out_empty_pairs():
    # Only the (1,2) pair holds disagreements: 2 vs 0 -> 4/2 = 2 on 1 df; p = erfc(1).
    res = stats.bowker_symmetry(pd.DataFrame([[5, 2, 0], [0, 5, 0], [0, 0, 5]]))
    assert res == (pytest.approx(2.0), 1, pytest.approx(_chi2_sf_df1(2.0)))
    assert res.p_value == pytest.approx(math.erfc(1))


def test_bowker_symmetric_and_perfect_tables():
    assert stats.bowker_symmetry([[3, 2], [2, 3]]) == (0.0, 1, pytest.approx(1.0))
    statistic, df, p_value = stats.bowker_symmetry(np.diag([4, 5, 6]))
    assert (statistic, df) == (0.0, 0) and math.isnan(p_value)


# XmR (Making Data Count)

# Baseline used throughout: 16 months alternating 12, 10 (ending on 10). Mean 11, every moving
# range 2, so the mean moving range is 2:
#   process limits 11 -/+ 2.66 * 2 = 16.32 and 5.68; two-sigma lines 11 -/+ 1.773 * 2 = 14.546
#   and 7.454. Alternating values give no shift (sides alternate) and no trend.
BASE = [12.0, 10.0] * 8
BASE_END = pd.Period("2024-07", freq="M")  # the 16th month from April 2023
UPPER, LOWER = 11 + 2.66 * 2, 11 - 2.66 * 2
UPPER_2SIGMA, LOWER_2SIGMA = 11 + 1.773 * 2, 11 - 1.773 * 2


def monthly(values, start="2023-04") -> pd.Series:
    return pd.Series(
        values, index=pd.period_range(start, periods=len(values), freq="M"), dtype=float
    )


def chart(extra=(), **kwargs) -> stats.XmrResult:
    """XmR of the baseline followed by ``extra`` months, limits from the baseline only."""
    kwargs.setdefault("polarity", "higher")
    return stats.xmr(monthly(BASE + list(extra)), baseline_end=BASE_END, **kwargs)


def flagged(result: stats.XmrResult, rule: str) -> list[int]:
    return np.flatnonzero(result.frame[rule].to_numpy()).tolist()


def test_xmr_limits_by_hand():
    res = stats.xmr(monthly(BASE), polarity="higher")
    frame = res.frame
    assert list(frame.columns) == [
        "value",
        "phase",
        "mean",
        "upper_limit",
        "lower_limit",
        "upper_2sigma",
        "lower_2sigma",
        "moving_range",
        "rule_outside",
        "rule_shift",
        "rule_trend",
        "rule_two_of_three",
        "special_cause",
    ]
    assert (frame["mean"] == 11).all()
    assert np.allclose(frame["upper_limit"], 16.32) and np.allclose(frame["lower_limit"], 5.68)
    assert np.allclose(frame["upper_2sigma"], 14.546) and np.allclose(frame["lower_2sigma"], 7.454)
    assert math.isnan(frame["moving_range"].iloc[0])
    assert (frame["moving_range"].iloc[1:] == 2).all()
    assert not frame.filter(like="rule_").to_numpy().any()
    assert frame["special_cause"].tolist() == [None] * 16
    assert (res.variation, res.assurance, res.is_run_chart) == ("common_cause", None, False)


def test_xmr_accepts_timestamps():
    values = monthly(BASE)
    values.index = values.index.to_timestamp()
    res = stats.xmr(values, polarity="higher", baseline_end="2024-07-01")
    assert (res.frame["mean"] == 11).all()
    assert isinstance(res.frame.index, pd.DatetimeIndex)


@pytest.mark.parametrize(
    ("polarity", "cause", "variation"),
    [
        ("higher", "improvement", "special_cause_improvement"),
        ("lower", "concern", "special_cause_concern"),
        ("context", "neither", "special_cause_neither"),
    ],
)
def test_point_beyond_upper_limit(polarity, cause, variation):
    res = chart([17], polarity=polarity)  # 17 > 16.32
    assert flagged(res, "rule_outside") == [16]
    assert res.frame["special_cause"].iloc[16] == cause
    assert res.variation == variation


def test_point_below_lower_limit_is_concern_when_higher_is_better():
    res = chart([5])  # 5 < 5.68
    assert flagged(res, "rule_outside") == [16]
    assert res.variation == "special_cause_concern"


def test_point_on_a_limit_is_not_beyond_it():
    res = chart([UPPER])
    assert flagged(res, "rule_outside") == []
    assert res.variation == "common_cause"
    assert flagged(chart([LOWER]), "rule_outside") == []


def test_shift_of_seven_points_above_the_mean():
    # 12, 13 alternate: above 11, inside the two-sigma line, never three rising in a row.
    res = chart([12, 13, 12, 13, 12, 13, 12])
    assert flagged(res, "rule_shift") == list(range(16, 23))
    assert flagged(res, "rule_trend") == [] and flagged(res, "rule_two_of_three") == []
    assert res.variation == "special_cause_improvement"


def test_six_points_above_the_mean_are_not_a_shift():
    res = chart([12, 13, 12, 13, 12, 13])
    assert flagged(res, "rule_shift") == []
    assert res.variation == "common_cause"
    # the run length is a parameter
    assert flagged(chart([12, 13, 12, 13, 12, 13], shift_length=6), "rule_shift") == list(
        range(16, 22)
    )


def test_point_on_the_mean_breaks_a_shift():
    # six above, one exactly on the mean (11), one above: runs of 6 and 1, no shift.
    res = chart([12, 13, 12, 13, 12, 13, 11, 12])
    assert flagged(res, "rule_shift") == []


def test_trend_of_seven_rising_points():
    # 10 (last baseline point) -> 8 falls, then 8..14 rise six times: a run of 7 points.
    # 8..10 below and 12..14 above the mean with 11 on it, so no shift; all inside 7.454..14.546.
    res = chart([8, 9, 10, 11, 12, 13, 14])
    assert flagged(res, "rule_trend") == list(range(16, 23))
    assert flagged(res, "rule_shift") == [] and flagged(res, "rule_two_of_three") == []
    assert res.variation == "special_cause_improvement"
    assert chart([8, 9, 10, 11, 12, 13, 14], polarity="lower").variation == (
        "special_cause_concern"
    )


def test_six_rising_points_are_not_a_trend():
    assert flagged(chart([9, 10, 11, 12, 13, 14]), "rule_trend") == []


def test_tie_breaks_a_trend():
    # 8 9 10 | 10 11 12 13: the repeated 10 is not strictly higher; runs of 3 and 4 points.
    res = chart([8, 9, 10, 10, 11, 12, 13])
    assert flagged(res, "rule_trend") == []


def test_falling_trend_is_concern_when_higher_is_better():
    # 10 -> 14 rises, then 14..8 fall six times: 7 points.
    res = chart([14, 13, 12, 11, 10, 9, 8])
    assert flagged(res, "rule_trend") == list(range(16, 23))
    assert res.variation == "special_cause_concern"


def test_conflicting_flags_give_neither():
    # Seven points above the mean (a high shift) that each fall (a low trend).
    res = chart([14, 13.5, 13, 12.5, 12, 11.5, 11.2])
    assert flagged(res, "rule_shift") == list(range(16, 23))
    assert flagged(res, "rule_trend") == list(range(16, 23))
    assert set(res.frame["special_cause"].iloc[16:]) == {"neither"}
    assert res.variation == "special_cause_neither"


def test_two_of_three_beyond_the_upper_two_sigma_line():
    # 15 > 14.546 (and < 16.32): window 15, 12, 15 has two beyond; the 12 is not flagged.
    res = chart([15, 12, 15])
    assert flagged(res, "rule_two_of_three") == [16, 18]
    assert flagged(res, "rule_outside") == []
    assert res.frame["special_cause"].iloc[16:].tolist() == ["improvement", None, "improvement"]


def test_two_of_three_beyond_the_lower_two_sigma_line():
    res = chart([7, 10, 7])  # 7 < 7.454 and > 5.68
    assert flagged(res, "rule_two_of_three") == [16, 18]
    assert res.variation == "special_cause_concern"


def test_two_of_three_on_the_line_does_not_count():
    res = chart([15, 12, UPPER_2SIGMA])  # the third point is exactly on the line
    assert flagged(res, "rule_two_of_three") == []
    assert flagged(chart([LOWER_2SIGMA, 10, 7]), "rule_two_of_three") == []


def test_two_of_three_needs_the_same_side():
    res = chart([15, 12, 7])  # one beyond each line
    assert flagged(res, "rule_two_of_three") == []


@pytest.mark.parametrize(
    ("polarity", "target", "assurance"),
    [
        ("higher", 5.0, "consistently_passing"),  # target below the lower limit 5.68
        ("higher", 17.0, "consistently_failing"),  # target above the upper limit 16.32
        ("higher", 11.0, "hit_and_miss"),
        ("higher", LOWER, "hit_and_miss"),  # exactly on the lower limit
        ("higher", UPPER, "hit_and_miss"),  # exactly on the upper limit
        ("lower", 17.0, "consistently_passing"),
        ("lower", 5.0, "consistently_failing"),
        ("lower", UPPER, "hit_and_miss"),
        ("lower", LOWER, "hit_and_miss"),
        ("context", 5.0, None),  # no good side, no assurance
        ("higher", None, None),  # no target
    ],
)
def test_assurance(polarity, target, assurance):
    res = stats.xmr(monthly(BASE), polarity=polarity, target=target)
    assert res.assurance == assurance


def test_fewer_than_fifteen_points_is_a_run_chart():
    values = BASE[:13] + [40.0]  # 14 points, the last far off: still no flags, no icons
    res = stats.xmr(monthly(values), polarity="higher", target=5.0)
    assert res.is_run_chart
    assert (res.variation, res.assurance) == (None, None)
    limits = ["upper_limit", "lower_limit", "upper_2sigma", "lower_2sigma"]
    assert res.frame[limits].isna().all().all()
    assert not res.frame.filter(like="rule_").to_numpy().any()
    assert res.frame["special_cause"].tolist() == [None] * 14


def test_missing_months_count_towards_the_run_chart_threshold_as_missing():
    # 15 months, one NaN: 14 points.
    values = BASE[:14] + [np.nan]
    assert stats.xmr(monthly(values), polarity="higher").is_run_chart
    assert not stats.xmr(monthly(BASE[:15]), polarity="higher").is_run_chart
    assert not stats.xmr(monthly(BASE[:15]), polarity="higher", min_points=10).is_run_chart


def test_missing_month_breaks_the_moving_range():
    # 12 10 12 10 12 10 12 10 [missing] 10 12 10 12 10 12 10 12: 16 points, 14 moving ranges of 2
    # (7 each side of the gap), mean moving range 2, upper limit 11 + 5.32. Joining the gap
    # would add |10 - 10| = 0 and give a mean moving range of 28 / 15.
    values = [12.0, 10.0] * 4 + [np.nan] + [10.0, 12.0] * 4
    res = stats.xmr(monthly(values), polarity="higher")
    mr = res.frame["moving_range"]
    assert mr.isna().tolist() == [True] + [False] * 7 + [True, True] + [False] * 7
    assert res.frame["upper_limit"].iloc[0] == pytest.approx(UPPER)


def test_absent_month_is_a_gap_too():
    values = monthly([12.0, 10.0] * 4 + [0.0] + [10.0, 12.0] * 4)
    values = values.drop(values.index[8])  # the month is absent rather than NaN
    res = stats.xmr(values, polarity="higher")
    assert math.isnan(res.frame["moving_range"].iloc[8])  # the first month after the gap
    assert res.frame["upper_limit"].iloc[0] == pytest.approx(UPPER)


def test_gap_breaks_runs_unless_told_otherwise():
    # Four months above the mean, a missing month, three more above: 7 points, not consecutive.
    extra = [12, 13, 12, 13, np.nan, 12, 13, 12]
    assert flagged(chart(extra), "rule_shift") == []
    joined = chart(extra, gap_breaks_runs=False)
    assert flagged(joined, "rule_shift") == [16, 17, 18, 19, 21, 22, 23]


def test_baseline_end_sets_the_mean():
    # Baseline mean 11 from the first 16 points; the later 20s do not move it. Without a
    # baseline the mean is (176 + 3 * 20) / 19.
    values = monthly(BASE + [20.0, 20.0, 20.0])
    assert (stats.xmr(values, polarity="higher", baseline_end="2024-07").frame["mean"] == 11).all()
    whole = stats.xmr(values, polarity="higher").frame["mean"]
    assert whole.iloc[0] == pytest.approx(236 / 19)


def test_recalculation_starts_a_new_phase():
    # Phase 0: 16 months around 11; phase 1 from 2024-08: 16 months of 22, 20 (mean 21, moving
    # ranges 2). The step 10 -> 22 between phases is not a moving range of either phase.
    values = monthly(BASE + [22.0, 20.0] * 8)
    res = stats.xmr(values, polarity="higher", recalc_dates=["2024-08"])
    frame = res.frame
    assert frame["phase"].tolist() == [0] * 16 + [1] * 16
    assert (frame["mean"].iloc[:16] == 11).all() and (frame["mean"].iloc[16:] == 21).all()
    assert math.isnan(frame["moving_range"].iloc[16])
    assert frame["upper_limit"].iloc[16:].to_numpy() == pytest.approx(21 + 2.66 * 2)
    assert not frame.filter(like="rule_").to_numpy().any()
    assert res.variation == "common_cause"


def test_recalc_date_must_fall_inside_the_data():
    with pytest.raises(ValueError):
        stats.xmr(monthly(BASE), polarity="higher", recalc_dates=["2023-04"])


def test_screening_moving_ranges():
    # 12 10 ... 12 (15 points) then 40: moving ranges 14 x 2 and 28, mean 56 / 15 = 3.733;
    # 28 > 3.267 * 3.733 = 12.2 is screened out, leaving a mean moving range of 2.
    # mean of the points = (8 * 12 + 7 * 10 + 40) / 16 = 206 / 16 = 12.875.
    values = monthly([12.0, 10.0] * 7 + [12.0, 40.0])
    plain = stats.xmr(values, polarity="higher").frame
    screened = stats.xmr(values, polarity="higher", screen_moving_ranges=True).frame
    assert plain["upper_limit"].iloc[0] == pytest.approx(12.875 + 2.66 * 56 / 15)
    assert screened["upper_limit"].iloc[0] == pytest.approx(12.875 + 2.66 * 2)


def test_xmr_does_not_modify_its_input():
    values = monthly(BASE[::-1])
    before = values.copy()
    stats.xmr(values, polarity="lower")
    pd.testing.assert_series_equal(values, before)


def test_xmr_requires_polarity_and_a_month_index():
    with pytest.raises(TypeError):
        stats.xmr(monthly(BASE))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        stats.xmr(pd.Series(BASE), polarity="higher")
