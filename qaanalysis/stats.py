"""Statistics the suite uses, each implemented once with every setting explicit (METHODS.md).

Pure functions: nothing here reads files, keeps state or modifies its inputs.

- Proportions: Wilson score intervals; change between two periods by Fisher's exact (or
  Boschloo's) test with Newcombe's hybrid score interval for the difference.
- Ordinal trend over time: Kendall's tau-b.
- Funnel plots: exact binomial control limits with Spiegelhalter's interpolation.
- Moderation of ordinal grades: the full grade-by-grade table, agreement shares, weighted Cohen's
  kappa, Krippendorff's ordinal alpha and Bowker's test of symmetry.
- Making Data Count (NHS England) XmR charts: limits, the four special-cause rules, variation and
  assurance icons.

Conventions shared by every function:

- Grade scales are passed in as ``categories``, ordered best first (index 0 = best). Nothing here
  knows the names or the number of grades.
- Polarity says which way is good: ``"higher"`` (higher is better), ``"lower"`` (lower is better)
  or ``"context"`` (neither direction is good or bad in itself).
- A change is called ``"improving"`` or ``"declining"`` only when its test is significant;
  otherwise it is ``"stable"`` (reported as "broadly stable"), and ``"not_judged"`` when there are
  too few observations or the polarity gives no good direction.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint

Polarity = Literal["higher", "lower", "context"]
Direction = Literal["improving", "declining", "stable", "not_judged"]
Change = Literal["increase", "decrease", "no_change"]

POLARITIES = ("higher", "lower", "context")

# Making Data Count XmR constants. With d2 = 1.128 (the expected range of two normal
# observations in units of sigma), sigma is estimated as mean moving range / 1.128, so
# 3 sigma = 2.66 x mean moving range and 2 sigma = 1.773 x mean moving range.
XMR_LIMIT_FACTOR = 2.66
XMR_TWO_SIGMA_FACTOR = 1.773
# Upper range limit for a moving range (D4 for subgroups of two): moving ranges above
# 3.267 x mean moving range are screened out when screening is switched on.
XMR_MOVING_RANGE_SCREEN_FACTOR = 3.267


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), got {alpha!r}")


def _check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, got {polarity!r}")


def _check_count(k: int, n: int) -> None:
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k!r}, n={n!r}")


def judge_direction(change: str, polarity: str) -> Direction:
    """Direction of a significant change given polarity (``no_change`` gives ``stable``)."""
    if change == "no_change":
        return "stable"
    if polarity == "context":
        return "not_judged"
    good = "increase" if polarity == "higher" else "decrease"
    return "improving" if change == good else "declining"


def wilson_interval(k: int, n: int, *, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a proportion ``k / n``.

    Uses ``statsmodels.stats.proportion.proportion_confint(k, n, alpha, method="wilson")``.

    Args:
        k: number of successes.
        n: number of trials.
        alpha: one minus the confidence level (0.05 gives a 95% interval).

    Returns:
        ``(low, high)`` as fractions; ``(nan, nan)`` when ``n`` is 0.

    Example:
        >>> low, high = wilson_interval(7, 12)
        >>> round(low, 3), round(high, 3)
        (0.32, 0.807)
    """
    _check_alpha(alpha)
    _check_count(k, n)
    if n == 0:
        return (math.nan, math.nan)
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    return (float(low), float(high))


@dataclass(frozen=True)
class Comparison:
    """A proportion in the current period compared with the previous period.

    Attributes:
        k_previous, n_previous, k_current, n_current: the counts compared.
        p_previous, p_current: the two proportions (nan when the denominator is 0).
        difference: ``p_current - p_previous``.
        diff_ci_low, diff_ci_high: Newcombe's hybrid score interval for the difference.
        p_value: two-sided p-value of the test named in ``test``.
        significant: ``p_value < alpha``.
        change: ``"increase"`` or ``"decrease"`` when significant, else ``"no_change"``.
        direction: ``"improving"``, ``"declining"``, ``"stable"`` or ``"not_judged"``.
        test: ``"fisher"`` or ``"boschloo"``.
    """

    k_previous: int
    n_previous: int
    k_current: int
    n_current: int
    p_previous: float
    p_current: float
    difference: float
    diff_ci_low: float
    diff_ci_high: float
    p_value: float
    significant: bool
    change: Change
    direction: Direction
    test: str


def newcombe_interval(
    k_previous: int,
    n_previous: int,
    k_current: int,
    n_current: int,
    *,
    alpha: float = 0.05,
) -> tuple[float, float]:
    """Newcombe's hybrid score interval (1998, method 10) for ``p_current - p_previous``.

    Built from the Wilson interval of each proportion, without continuity correction:
    ``low = d - sqrt((p_cur - l_cur)^2 + (u_prev - p_prev)^2)`` and
    ``high = d + sqrt((u_cur - p_cur)^2 + (p_prev - l_prev)^2)``.

    Args:
        k_previous, n_previous: successes and trials in the previous period.
        k_current, n_current: successes and trials in the current period.
        alpha: one minus the confidence level.

    Returns:
        ``(low, high)``; ``(nan, nan)`` when either denominator is 0.

    Example:
        Newcombe (1998), Table II, example (a): 56/70 against 48/80.

        >>> low, high = newcombe_interval(48, 80, 56, 70)
        >>> round(low, 4), round(high, 4)
        (0.0524, 0.3339)
    """
    if n_previous == 0 or n_current == 0:
        return (math.nan, math.nan)
    p_prev, p_cur = k_previous / n_previous, k_current / n_current
    l_prev, u_prev = wilson_interval(k_previous, n_previous, alpha=alpha)
    l_cur, u_cur = wilson_interval(k_current, n_current, alpha=alpha)
    d = p_cur - p_prev
    low = d - math.sqrt((p_cur - l_cur) ** 2 + (u_prev - p_prev) ** 2)
    high = d + math.sqrt((u_cur - p_cur) ** 2 + (p_prev - l_prev) ** 2)
    return (low, high)


def compare_proportions(
    k_previous: int,
    n_previous: int,
    k_current: int,
    n_current: int,
    *,
    alpha: float = 0.05,
    min_n: int = 10,
    polarity: Polarity = "higher",
    test: Literal["fisher", "boschloo"] = "fisher",
) -> Comparison:
    """Compare a proportion between the previous and the current period.

    The test is two-sided, on the 2x2 table ``[[k_previous, n_previous - k_previous],
    [k_current, n_current - k_current]]``: Fisher's exact test (``scipy.stats.fisher_exact``) by
    default, or Boschloo's exact test (``scipy.stats.boschloo_exact``), which is more powerful
    but slower. The interval for the difference is Newcombe's hybrid score interval (method 10).

    Wording rule: the change is ``"improving"`` or ``"declining"`` only when the test is
    significant (``p_value < alpha``); a non-significant change is ``"stable"`` ("broadly
    stable"). ``"not_judged"`` when either period has fewer than ``min_n`` observations ("too few
    to judge"), and for ``"context"`` polarity when the change is significant (it is reported in
    ``change`` but cannot be called good or bad). The direction follows the test: in rare tables
    the Newcombe interval can include 0 while Fisher's test is significant, or the reverse.

    Args:
        k_previous, n_previous: successes and total in the previous period.
        k_current, n_current: successes and total in the current period.
        alpha: significance level of the test and one minus the interval's confidence level.
        min_n: smallest denominator, in each period, for which a direction is judged.
        polarity: ``"higher"``, ``"lower"`` or ``"context"``: which way is better.
        test: ``"fisher"`` or ``"boschloo"``.

    Returns:
        A :class:`Comparison`. When either denominator is 0 the p-value and interval are nan.

    Example:
        >>> c = compare_proportions(2, 20, 12, 20)
        >>> c.direction, c.change, round(c.difference, 2)
        ('improving', 'increase', 0.5)
    """
    _check_alpha(alpha)
    _check_polarity(polarity)
    _check_count(k_previous, n_previous)
    _check_count(k_current, n_current)
    if test not in ("fisher", "boschloo"):
        raise ValueError(f"test must be 'fisher' or 'boschloo', got {test!r}")
    k_previous, n_previous = int(k_previous), int(n_previous)
    k_current, n_current = int(k_current), int(n_current)

    p_prev = k_previous / n_previous if n_previous else math.nan
    p_cur = k_current / n_current if n_current else math.nan
    low, high = newcombe_interval(k_previous, n_previous, k_current, n_current, alpha=alpha)

    if n_previous == 0 or n_current == 0:
        p_value = math.nan
    else:
        table = [
            [k_previous, n_previous - k_previous],
            [k_current, n_current - k_current],
        ]
        if test == "fisher":
            p_value = float(sps.fisher_exact(table, alternative="two-sided").pvalue)
        else:
            p_value = float(sps.boschloo_exact(table, alternative="two-sided").pvalue)

    significant = bool(p_value < alpha)  # False when nan
    difference = p_cur - p_prev
    change: Change = "no_change"
    if significant and difference > 0:
        change = "increase"
    elif significant and difference < 0:
        change = "decrease"

    if min(n_previous, n_current) < min_n:
        direction: Direction = "not_judged"
    else:
        direction = judge_direction(change, polarity)

    return Comparison(
        k_previous=k_previous,
        n_previous=n_previous,
        k_current=k_current,
        n_current=n_current,
        p_previous=p_prev,
        p_current=p_cur,
        difference=difference,
        diff_ci_low=low,
        diff_ci_high=high,
        p_value=p_value,
        significant=significant,
        change=change,
        direction=direction,
        test=test,
    )


@dataclass(frozen=True)
class TrendResult:
    """Kendall's tau-b between time and an ordinal value.

    Attributes:
        tau: Kendall's tau-b (positive when values rise over time).
        p_value: two-sided p-value from ``scipy.stats.kendalltau``.
        n: number of (value, time) pairs used.
        significant: ``p_value < alpha``.
        change: ``"increase"``, ``"decrease"`` or ``"no_change"`` (no_change unless significant).
        direction: ``"improving"``, ``"declining"``, ``"stable"`` or ``"not_judged"``.
    """

    tau: float
    p_value: float
    n: int
    significant: bool
    change: Change
    direction: Direction


def ordinal_trend(
    grades: Sequence[float],
    times: Sequence[float],
    *,
    polarity: Polarity = "lower",
    alpha: float = 0.05,
    min_n: int = 10,
) -> TrendResult:
    """Trend of an ordinal series over time by Kendall's tau-b.

    Typical use: one row per audit, ``grades`` the grade's position on the scale (0 = best, so
    lower is better, hence the default polarity) and ``times`` the audit month as a number (for
    example ``Period.ordinal``). Tau-b corrects for the many ties in both. A monthly series of
    shares works too, with ``polarity="higher"`` for a share where higher is better.

    ``scipy.stats.kendalltau(times, grades, variant="b")`` gives tau-b and its two-sided p-value
    (exact when there are no ties and few points, otherwise the tie-corrected normal
    approximation). Pairs with a missing value are dropped.

    The wording rule is the same as :func:`compare_proportions`: improving or declining only
    when ``p_value < alpha``; ``"not_judged"`` with fewer than ``min_n`` pairs, when tau is
    undefined (all grades or all times equal), or for ``"context"`` polarity.

    Args:
        grades: ordinal values (grade positions, scores or monthly shares).
        times: the time of each value, as numbers.
        polarity: which way is better for ``grades``; ``"lower"`` for grade positions.
        alpha: significance level.
        min_n: fewest pairs for which a direction is judged.

    Returns:
        A :class:`TrendResult`.
    """
    _check_alpha(alpha)
    _check_polarity(polarity)
    y = np.asarray(grades, dtype=float)
    t = np.asarray(times, dtype=float)
    if y.shape != t.shape or y.ndim != 1:
        raise ValueError("grades and times must be one-dimensional and of the same length")
    keep = ~(np.isnan(y) | np.isnan(t))
    y, t = y[keep], t[keep]
    n = int(y.size)

    tau, p_value = math.nan, math.nan
    if n >= 2 and np.unique(y).size > 1 and np.unique(t).size > 1:
        res = sps.kendalltau(t, y, variant="b")
        tau, p_value = float(res.statistic), float(res.pvalue)

    significant = bool(p_value < alpha)
    change: Change = "no_change"
    if significant:
        change = "increase" if tau > 0 else "decrease"
    if n < min_n or math.isnan(tau):
        direction: Direction = "not_judged"
    else:
        direction = judge_direction(change, polarity)
    return TrendResult(
        tau=tau, p_value=p_value, n=n, significant=significant, change=change, direction=direction
    )


def _level_suffix(level: float) -> str:
    """Column suffix for a level: 0.95 -> "95", 0.998 -> "998"."""
    return f"{level * 100:g}".replace(".", "")


def _binomial_limit(q: float, n: np.ndarray, p0: float) -> np.ndarray:
    """Spiegelhalter's interpolated binomial ``q``-quantile, as a proportion of ``n``."""
    r = sps.binom.ppf(q, n, p0)
    # r is the smallest count whose cumulative probability reaches q, so the pmf at r is > 0.
    interpolation = (sps.binom.cdf(r, n, p0) - q) / sps.binom.pmf(r, n, p0)
    return np.clip((r - interpolation) / n, 0.0, 1.0)


def funnel_limits(
    n: Sequence[int] | np.ndarray,
    *,
    p0: float,
    levels: Sequence[float] = (0.95, 0.998),
) -> pd.DataFrame:
    """Exact binomial funnel-plot control limits around a target proportion ``p0``.

    Method (Spiegelhalter 2005, "Funnel plots for comparing institutional performance", Stat Med
    24:1185, appendix A.1.1): for each denominator ``n`` and tail probability ``q`` (``(1 -
    level) / 2`` for the lower limit, ``1 - (1 - level) / 2`` for the upper), take the binomial
    quantile ``r = Binomial(n, p0).ppf(q)``, the smallest count with ``P(X <= r) >= q``, and
    interpolate between counts: ``a = (P(X <= r) - q) / P(X = r)``, limit ``(r - a) / n``,
    clipped to [0, 1]. The limits are the quantiles of a distribution whose CDF runs linearly
    between the integer counts, so they move smoothly with ``n``; like every limit for a
    discrete count, they hold the nominal tail probability only approximately.

    Args:
        n: denominators (positive integers; 0 gives nan limits).
        p0: target proportion, strictly between 0 and 1 (for example the England rate).
        levels: two-sided coverage of each pair of limits; 0.95 and 0.998 are about 2 and 3
            standard errors.

    Returns:
        Columns ``n``, then ``lower_<level>``, ``upper_<level>`` per level, named from the level
        in percent without its point (``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``).

    Example:
        >>> funnel_limits([10], p0=0.5).round(4).iloc[0].tolist()
        [10.0, 0.1324, 0.7676, 0.0002, 0.8998]
    """
    if not 0 < p0 < 1:
        raise ValueError(f"p0 must be strictly between 0 and 1, got {p0!r}")
    sizes = np.asarray(n, dtype=float).reshape(-1)
    if np.any(sizes < 0) or np.any(sizes != np.round(sizes)):
        raise ValueError("denominators must be non-negative whole numbers")
    out = {"n": sizes.astype(int)}
    positive = sizes > 0
    safe = np.where(positive, sizes, 1.0)
    for level in levels:
        if not 0 < level < 1:
            raise ValueError(f"levels must be between 0 and 1, got {level!r}")
        tail = (1 - level) / 2
        suffix = _level_suffix(level)
        out[f"lower_{suffix}"] = np.where(positive, _binomial_limit(tail, safe, p0), np.nan)
        out[f"upper_{suffix}"] = np.where(positive, _binomial_limit(1 - tail, safe, p0), np.nan)
    return pd.DataFrame(out)


def funnel_position(
    k: int,
    n: int,
    *,
    p0: float,
    levels: Sequence[float] = (0.95, 0.998),
) -> str | None:
    """Where the proportion ``k / n`` lies against the funnel limits of :func:`funnel_limits`.

    A proportion exactly on a limit is not beyond it.

    Args:
        k: numerator.
        n: denominator.
        p0: target proportion.
        levels: the limits' coverages, as for :func:`funnel_limits`.

    Returns:
        ``"above_<level>"`` or ``"below_<level>"`` for the widest pair of limits the proportion
        is beyond (``"above_998"``, ``"above_95"``, ``"below_95"``, ``"below_998"`` with the
        default levels), ``"within"`` otherwise, or ``None`` when ``n`` is 0.

    Example:
        >>> funnel_position(9, 10, p0=0.5), funnel_position(1, 10, p0=0.5)
        ('above_998', 'below_95')
    """
    _check_count(k, n)
    if n == 0:
        return None
    limits = funnel_limits([n], p0=p0, levels=levels).iloc[0]
    share = k / n
    for level in sorted(levels, reverse=True):
        suffix = _level_suffix(level)
        if share > limits[f"upper_{suffix}"]:
            return f"above_{suffix}"
        if share < limits[f"lower_{suffix}"]:
            return f"below_{suffix}"
    return "within"


def agreement_table(
    original: Sequence[Hashable],
    moderated: Sequence[Hashable],
    *,
    categories: Sequence[str],
) -> pd.DataFrame:
    """The full grade-by-grade table of original against moderated grades.

    Every category appears as a row and a column, used or not: a missing row or column would
    silently shift every weighted statistic. Pairs where either grade is missing (None or NaN,
    for example an audit not moderated) are left out.

    Args:
        original: the auditor's grade for each audit.
        moderated: the moderator's grade for the same audits, in the same order.
        categories: the grade scale, best first.

    Returns:
        Integer counts; rows are original grades (index named ``original``), columns moderated
        grades (named ``moderated``), both in the order of ``categories``.

    Raises:
        ValueError: if the sequences differ in length or hold a grade not in ``categories``.

    Example:
        >>> agreement_table(["Good", "Good"], ["Good", "Outstanding"],
        ...                 categories=["Outstanding", "Good", "Inadequate"]).to_numpy().tolist()
        [[0, 0, 0], [1, 1, 0], [0, 0, 0]]
    """
    codes_original, codes_moderated = _grade_codes(original, moderated, categories)
    k = len(categories)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (codes_original, codes_moderated), 1)
    return pd.DataFrame(
        counts,
        index=pd.Index(list(categories), name="original"),
        columns=pd.Index(list(categories), name="moderated"),
    )


def _grade_codes(
    original: Sequence[Hashable], moderated: Sequence[Hashable], categories: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Positions on the scale of each complete pair of grades (missing pairs dropped)."""
    original, moderated = list(original), list(moderated)
    if len(original) != len(moderated):
        raise ValueError(
            f"original and moderated differ in length ({len(original)} and {len(moderated)})"
        )
    position = {category: i for i, category in enumerate(categories)}
    if len(position) != len(categories):
        raise ValueError("categories must not repeat")
    pairs = [
        (a, b) for a, b in zip(original, moderated, strict=True) if _present(a) and _present(b)
    ]
    unknown = sorted({str(g) for pair in pairs for g in pair if g not in position})
    if unknown:
        raise ValueError(f"grades not on the scale {list(categories)}: {unknown}")
    codes_original = np.array([position[a] for a, _ in pairs], dtype=int)
    codes_moderated = np.array([position[b] for _, b in pairs], dtype=int)
    return codes_original, codes_moderated


def _present(value: object) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _square(table: pd.DataFrame | np.ndarray) -> np.ndarray:
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"table must be square, got shape {counts.shape}")
    if np.any(counts < 0):
        raise ValueError("table counts must be non-negative")
    return counts


@dataclass(frozen=True)
class KappaResult:
    """Weighted Cohen's kappa with its normal-approximation interval.

    Attributes:
        kappa: weighted kappa.
        ci_low, ci_high: ``kappa -/+ z(1 - alpha/2) * se``.
        se: asymptotic standard error of kappa (not the standard error under kappa = 0).
        n: number of pairs in the table.
        weights: ``"linear"`` or ``"quadratic"``.
    """

    kappa: float
    ci_low: float
    ci_high: float
    se: float
    n: int
    weights: str


def weighted_kappa(
    table: pd.DataFrame | np.ndarray,
    *,
    weights: Literal["linear", "quadratic"] = "linear",
    alpha: float = 0.05,
) -> KappaResult:
    """Weighted Cohen's kappa of a square agreement table, with a confidence interval.

    Uses ``statsmodels.stats.inter_rater.cohens_kappa(table, wt=weights)``. In statsmodels
    ``wt`` names the *disagreement* weights built from the category scores 0, 1, ..., k-1:
    ``|i - j| / (k - 1)`` for ``"linear"`` (Cicchetti-Allison) and ``(i - j)^2 / (k - 1)^2``
    for ``"quadratic"`` (Fleiss-Cohen); kappa is ``1 - sum(w * observed) / sum(w * expected)``,
    the same as the textbook form with agreement weights ``1 - w``. The table must therefore
    hold every category in scale order (see :func:`agreement_table`).

    The interval is ``kappa -/+ z(1 - alpha/2) * se`` with ``se`` the statsmodels
    ``std_kappa``: the large-sample standard error of Fleiss, Cohen and Everitt (1969), not
    ``std_kappa0`` (the standard error under kappa = 0, which is for testing, not intervals).
    statsmodels' own ``kappa_low``/``kappa_upp`` are fixed at 95%, so the interval is formed
    here. With fewer than about 30 pairs the interval is wide and should be described so.

    Args:
        table: square counts, rows one rater, columns the other, categories in scale order.
        weights: ``"linear"`` (the suite's headline measure) or ``"quadratic"``.
        alpha: one minus the confidence level.

    Returns:
        A :class:`KappaResult`; nan statistics when the table is empty or kappa is undefined
        (all pairs in one category, so chance agreement is 1).
    """
    _check_alpha(alpha)
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be 'linear' or 'quadratic', got {weights!r}")
    counts = _square(table)
    n = int(round(counts.sum()))
    nan_result = KappaResult(math.nan, math.nan, math.nan, math.nan, n, weights)
    if n == 0 or counts.shape[0] < 2:
        return nan_result
    with np.errstate(divide="ignore", invalid="ignore"):
        res = cohens_kappa(counts, wt=weights)
    kappa, se = float(res.kappa), float(res.std_kappa)
    if not math.isfinite(kappa):
        return nan_result
    z = float(sps.norm.isf(alpha / 2))
    return KappaResult(kappa, kappa - z * se, kappa + z * se, se, n, weights)


def krippendorff_alpha_ordinal(
    original: Sequence[Hashable],
    moderated: Sequence[Hashable],
    *,
    categories: Sequence[str],
) -> float:
    """Krippendorff's alpha with the ordinal metric, for two coders and no missing values.

    Following Krippendorff (2011), "Computing Krippendorff's alpha-reliability": each audit
    (unit) with grades ``(a, b)`` adds 1 to the coincidence matrix at ``(a, b)`` and at
    ``(b, a)``; ``n_c`` are the matrix's marginal totals and ``n = sum(n_c)`` (twice the number
    of pairs). The ordinal distance between categories ``c`` and ``k`` is
    ``(sum of n_g for g from c to k - (n_c + n_k) / 2)^2`` and
    ``alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck)``.
    Unused categories have ``n_g = 0`` and do not change the result. Pairs with a missing grade
    are left out, as in :func:`agreement_table`.

    Args:
        original: the auditor's grades.
        moderated: the moderator's grades, same audits, same order.
        categories: the grade scale, best first.

    Returns:
        Alpha; nan when there is no variation at all (expected disagreement 0) or no pairs.
    """
    table = agreement_table(original, moderated, categories=categories).to_numpy(dtype=float)
    coincidence = table + table.T
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    if n == 0:
        return math.nan
    cumulative = np.concatenate([[0.0], np.cumsum(totals)])
    k = len(totals)
    i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    low, high = np.minimum(i, j), np.maximum(i, j)
    between = cumulative[high + 1] - cumulative[low]  # sum of n_g for g from low to high
    distance = (between - (totals[i] + totals[j]) / 2) ** 2
    expected = (np.outer(totals, totals) * distance).sum()
    if expected == 0:
        return math.nan
    observed = (coincidence * distance).sum()
    return float(1 - (n - 1) * observed / expected)


class BowkerResult(NamedTuple):
    """Bowker's test of symmetry: ``statistic, df, p_value = bowker_symmetry(table)``."""

    statistic: float
    df: int
    p_value: float


def bowker_symmetry(table: pd.DataFrame | np.ndarray) -> BowkerResult:
    """Bowker's test that the grade-by-grade table is symmetric (no systematic harsh or lenient
    grading).

    ``statistic = sum over i < j of (n_ij - n_ji)^2 / (n_ij + n_ji)``, chi-square with one
    degree of freedom per pair of categories that holds any disagreement. Pairs where both
    cells are empty carry no information and are left out of the degrees of freedom, as they
    must be for the chi-square reference to hold (statsmodels' ``SquareTable.symmetry`` counts
    them, and its default ``shift_zeros`` adds 0.5 to every cell of a table with a zero, so it
    is not used). With no disagreements at all the statistic is 0, df 0 and the p-value nan.

    Args:
        table: square counts in scale order, rows original, columns moderated.

    Returns:
        A :class:`BowkerResult` ``(statistic, df, p_value)``.
    """
    counts = _square(table)
    upper = np.triu_indices(counts.shape[0], k=1)
    above, below = counts[upper], counts.T[upper]
    used = (above + below) > 0
    df = int(used.sum())
    if df == 0:
        return BowkerResult(0.0, 0, math.nan)
    statistic = float((((above - below) ** 2)[used] / (above + below)[used]).sum())
    return BowkerResult(statistic, df, float(sps.chi2.sf(statistic, df)))


def agreement_summary(
    original: Sequence[Hashable],
    moderated: Sequence[Hashable],
    *,
    categories: Sequence[str],
) -> dict[str, float]:
    """Exact agreement, agreement within one grade, upgrades and downgrades on moderation.

    Grades are ordered best first, so an upgrade is a moderated grade better (earlier in
    ``categories``) than the original and a downgrade one worse (later). Pairs with a missing
    grade are left out, as in :func:`agreement_table`.

    Args:
        original: the auditor's grades.
        moderated: the moderator's grades, same audits, same order.
        categories: the grade scale, best first.

    Returns:
        ``n`` (pairs), and for each of ``exact_agreement``, ``within_one``, ``upgraded`` and
        ``downgraded`` a ``_count`` and a ``_pct`` (fraction of ``n``; nan when ``n`` is 0).
        ``within_one`` includes exact agreement.

    Example:
        >>> s = agreement_summary(["Good", "Good", "Inadequate"], ["Good", "Outstanding", "Good"],
        ...                       categories=["Outstanding", "Good", "Requires Improvement",
        ...                                   "Inadequate"])
        >>> s["n"], s["exact_agreement_count"], s["upgraded_count"], s["within_one_count"]
        (3, 1, 2, 2)
    """
    codes_original, codes_moderated = _grade_codes(original, moderated, categories)
    n = int(codes_original.size)
    step = codes_moderated - codes_original  # negative: moderated is better
    counts = {
        "exact_agreement": int((step == 0).sum()),
        "within_one": int((np.abs(step) <= 1).sum()),
        "upgraded": int((step < 0).sum()),
        "downgraded": int((step > 0).sum()),
    }
    summary: dict[str, float] = {"n": n}
    for name, count in counts.items():
        summary[f"{name}_count"] = count
        summary[f"{name}_pct"] = count / n if n else math.nan
    return summary


@dataclass(frozen=True)
class XmrResult:
    """An XmR chart and its icons.

    Attributes:
        frame: one row per input point, indexed as the input (sorted), with columns ``value``,
            ``phase`` (0 for the first, +1 at each recalculation), ``mean``, ``upper_limit``,
            ``lower_limit``, ``upper_2sigma``, ``lower_2sigma``, ``moving_range``,
            ``rule_outside``, ``rule_shift``, ``rule_trend``, ``rule_two_of_three`` and
            ``special_cause`` (``"improvement"``, ``"concern"``, ``"neither"`` or None).
        variation: icon for the last non-missing point: ``"common_cause"``,
            ``"special_cause_improvement"``, ``"special_cause_concern"`` or
            ``"special_cause_neither"``; None for a run chart.
        assurance: ``"consistently_passing"``, ``"consistently_failing"`` or ``"hit_and_miss"``;
            None without a target, for ``"context"`` polarity or for a run chart.
        is_run_chart: True when there were too few points for limits and icons.
    """

    frame: pd.DataFrame
    variation: str | None
    assurance: str | None
    is_run_chart: bool


def _as_periods(index: pd.Index) -> pd.PeriodIndex:
    if isinstance(index, pd.PeriodIndex):
        return index
    if isinstance(index, pd.DatetimeIndex):
        return index.to_period("M")
    raise TypeError("values must be indexed by month: a PeriodIndex or a DatetimeIndex")


def _label_to_period(label: object, freq: object, what: str) -> pd.Period:
    try:
        if isinstance(label, pd.Period):
            return label.asfreq(freq)
        return pd.Period(label, freq=freq)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} {label!r} is not a month") from error


def _run_bounds(keys: Sequence[int], linked: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs ``(start, end_inclusive, key)`` of equal non-zero keys over linked points."""
    runs = []
    start = 0
    for j in range(1, len(keys) + 1):
        if j < len(keys) and linked[j] and keys[j] == keys[start]:
            continue
        if keys[start] != 0:
            runs.append((start, j - 1, keys[start]))
        start = j
    return runs


def xmr(
    values: pd.Series,
    *,
    polarity: Polarity,
    target: float | None = None,
    baseline_end: object | None = None,
    recalc_dates: Sequence[object] = (),
    shift_length: int = 7,
    trend_length: int = 7,
    min_points: int = 15,
    screen_moving_ranges: bool = False,
    gap_breaks_runs: bool = True,
) -> XmrResult:
    """Making Data Count (NHS England) XmR chart of a monthly series.

    Limits, for each phase (the series is split into phases at each of ``recalc_dates``):

    - centre line: mean of the phase's baseline points, which are its non-missing points up to
      and including ``baseline_end`` if it falls in the phase, otherwise all its points;
    - moving range: ``|x_i - x_(i-1)|``, only where both months are present, consecutive and in
      the same phase (a missing month, whether NaN or absent from the index, breaks it, and so
      does a recalculation);
    - process limits: mean -/+ 2.66 x mean moving range of the baseline; two-sigma lines: mean
      -/+ 1.773 x mean moving range (2.66 = 3 / 1.128 and 1.773 = 2 / 1.128, d2 = 1.128);
    - with ``screen_moving_ranges``, moving ranges above 3.267 x their mean are dropped and the
      mean recomputed once (off by default, as METHODS.md states the plain mean).

    Special-cause rules, each point judged against its own phase's lines, runs counted within a
    phase:

    1. ``rule_outside``: a point above the upper or below the lower process limit;
    2. ``rule_shift``: ``shift_length`` or more consecutive points on the same side of the mean;
       a point exactly on the mean breaks the run; every point of the run is flagged;
    3. ``rule_trend``: ``trend_length`` or more consecutive points each strictly higher (or each
       strictly lower) than the one before (7 points = 6 rises); equal values break the run;
       every point of the run is flagged;
    4. ``rule_two_of_three``: two or three of three consecutive points beyond the same two-sigma
       line (on the same side); the points beyond the line are flagged.

    A point exactly on a line is not beyond it. With ``gap_breaks_runs`` (default) a missing
    month also ends shift, trend and two-of-three runs: the points either side are not
    consecutive months, and the chart shows them unjoined.

    Each flag has a side (above the mean or upper line, or a rising trend, is "high"). With
    ``"higher"`` polarity high flags are improvement and low flags concern; ``"lower"`` is the
    mirror; ``"context"`` gives "neither". A point with both high and low flags (a rising trend
    still below the mean, say) is "neither".

    Icons: ``variation`` reads the last non-missing point. ``assurance`` compares ``target``
    with the last phase's process limits: for higher-is-better, ``consistently_passing`` when
    the target is below the lower limit, ``consistently_failing`` when above the upper limit,
    otherwise ``hit_and_miss``; mirrored for lower-is-better. A target exactly on a limit is
    ``hit_and_miss``: the process can land on the target's wrong side.

    With fewer than ``min_points`` non-missing points the result is a run chart: the mean and
    moving ranges are given but no limits, no rules and no icons.

    Args:
        values: the KPI by month (PeriodIndex or DatetimeIndex); NaN marks a missing month.
        polarity: ``"higher"``, ``"lower"`` or ``"context"``; required, as a wrong default would
            silently swap improvement and concern.
        target: the KPI's target, for the assurance icon.
        baseline_end: last month of the baseline (a label such as ``"2024-03"``, a Period or a
            Timestamp); None uses every point of each phase.
        recalc_dates: months at which a new phase, with its own limits, starts.
        shift_length: points in a run on one side of the mean that make a shift (6 to 8 in use).
        trend_length: points in a rising or falling run that make a trend.
        min_points: fewest non-missing points for an XmR chart rather than a run chart.
        screen_moving_ranges: drop moving ranges above 3.267 x their mean before the limits.
        gap_breaks_runs: whether a missing month ends a run for rules 2 to 4.

    Returns:
        An :class:`XmrResult`.
    """
    _check_polarity(polarity)
    if shift_length < 2 or trend_length < 2:
        raise ValueError("shift_length and trend_length must be at least 2")
    if not isinstance(values, pd.Series):
        raise TypeError("values must be a pandas Series indexed by month")

    series = values.sort_index()
    periods = _as_periods(series.index)
    if periods.has_duplicates:
        raise ValueError("values has more than one value for a month")
    x = series.to_numpy(dtype=float, na_value=np.nan)
    size = len(x)
    ordinal = np.asarray(periods.asi8, dtype=np.int64)
    present = ~np.isnan(x)

    starts = sorted({_label_to_period(d, periods.freq, "recalc date") for d in recalc_dates})
    for start in starts:
        if size == 0 or not periods[0] < start <= periods[-1]:
            raise ValueError(f"recalc date {start} is not after the first month and within data")
    start_ordinals = np.array([start.ordinal for start in starts], dtype=np.int64)
    phase = np.searchsorted(start_ordinals, ordinal, side="right")

    baseline_phase, baseline_ordinal = -1, 0
    if baseline_end is not None:
        baseline_period = _label_to_period(baseline_end, periods.freq, "baseline_end")
        if size == 0 or not periods[0] <= baseline_period <= periods[-1]:
            raise ValueError(f"baseline_end {baseline_period} is outside the data")
        baseline_ordinal = baseline_period.ordinal
        baseline_phase = int(np.searchsorted(start_ordinals, baseline_ordinal, side="right"))

    moving_range = np.full(size, np.nan)
    if size > 1:
        joined = present[1:] & present[:-1] & (np.diff(ordinal) == 1) & (np.diff(phase) == 0)
        moving_range[1:] = np.where(joined, np.abs(np.diff(x)), np.nan)

    mean, mr_bar = np.full(size, np.nan), np.full(size, np.nan)
    for ph in np.unique(phase):
        in_phase = phase == ph
        baseline = in_phase & present
        if ph == baseline_phase:
            baseline &= ordinal <= baseline_ordinal
        if not baseline.any():
            continue
        mean[in_phase] = x[baseline].mean()
        ranges = moving_range[baseline & ~np.isnan(moving_range)]
        if ranges.size:
            average = ranges.mean()
            if screen_moving_ranges:
                average = ranges[ranges <= XMR_MOVING_RANGE_SCREEN_FACTOR * average].mean()
            mr_bar[in_phase] = average

    is_run_chart = int(present.sum()) < min_points
    if is_run_chart:
        mr_bar[:] = np.nan
    upper, lower = mean + XMR_LIMIT_FACTOR * mr_bar, mean - XMR_LIMIT_FACTOR * mr_bar
    upper2, lower2 = mean + XMR_TWO_SIGMA_FACTOR * mr_bar, mean - XMR_TWO_SIGMA_FACTOR * mr_bar

    high, low = np.zeros(size, bool), np.zeros(size, bool)
    rules = {name: np.zeros(size, bool) for name in ("outside", "shift", "trend", "two_of_three")}
    if not is_run_chart:
        _apply_rules(
            x=x, present=present, ordinal=ordinal, phase=phase, mean=mean,
            limits=(lower, upper), two_sigma=(lower2, upper2), rules=rules, high=high, low=low,
            shift_length=shift_length, trend_length=trend_length, gap_breaks_runs=gap_breaks_runs,
        )  # fmt: skip

    special_cause: list[str | None] = [None] * size
    for i in np.flatnonzero(high | low):
        if polarity == "context" or (high[i] and low[i]):
            special_cause[i] = "neither"
        elif high[i] == (polarity == "higher"):
            special_cause[i] = "improvement"
        else:
            special_cause[i] = "concern"

    frame = pd.DataFrame(
        {
            "value": x,
            "phase": phase.astype(np.int64),
            "mean": mean,
            "upper_limit": upper,
            "lower_limit": lower,
            "upper_2sigma": upper2,
            "lower_2sigma": lower2,
            "moving_range": moving_range,
            "rule_outside": rules["outside"],
            "rule_shift": rules["shift"],
            "rule_trend": rules["trend"],
            "rule_two_of_three": rules["two_of_three"],
        },
        index=series.index,
    )
    # object dtype keeps None as None (pandas 3 would otherwise infer str and store NaN)
    frame["special_cause"] = pd.Series(special_cause, index=series.index, dtype=object)

    variation, assurance = None, None
    if not is_run_chart and present.any():
        last = int(np.flatnonzero(present)[-1])
        cause = special_cause[last]
        variation = "common_cause" if cause is None else f"special_cause_{cause}"
        if target is not None and polarity != "context" and not np.isnan(upper[last]):
            assurance = _assurance(target, lower=lower[last], upper=upper[last], polarity=polarity)
    return XmrResult(
        frame=frame, variation=variation, assurance=assurance, is_run_chart=is_run_chart
    )


def _assurance(target: float, *, lower: float, upper: float, polarity: str) -> str:
    """Assurance icon: where the target lies against the process limits."""
    if polarity == "higher":
        passing, failing = target < lower, target > upper
    else:
        passing, failing = target > upper, target < lower
    if passing:
        return "consistently_passing"
    if failing:
        return "consistently_failing"
    return "hit_and_miss"


def _apply_rules(
    *,
    x: np.ndarray,
    present: np.ndarray,
    ordinal: np.ndarray,
    phase: np.ndarray,
    mean: np.ndarray,
    limits: tuple[np.ndarray, np.ndarray],
    two_sigma: tuple[np.ndarray, np.ndarray],
    rules: dict[str, np.ndarray],
    high: np.ndarray,
    low: np.ndarray,
    shift_length: int,
    trend_length: int,
    gap_breaks_runs: bool,
) -> None:
    """Set the rule flags and the high/low side of each flag, in place (xmr's own arrays)."""
    lower, upper = limits
    lower2, upper2 = two_sigma

    above, below = x > upper, x < lower
    rules["outside"] |= above | below
    high |= above
    low |= below

    # Work on the non-missing points only; linked[j] says point j continues a run from j - 1.
    pos = np.flatnonzero(present)
    linked = np.zeros(pos.size, bool)
    if pos.size > 1:
        linked[1:] = phase[pos[1:]] == phase[pos[:-1]]
        if gap_breaks_runs:
            linked[1:] &= np.diff(ordinal[pos]) == 1
    xs = x[pos]

    side = np.sign(xs - mean[pos])
    side = np.where(np.isnan(side), 0, side).astype(int)
    for start, end, key in _run_bounds(side.tolist(), linked):
        if end - start + 1 >= shift_length:
            rules["shift"][pos[start : end + 1]] = True
            (high if key > 0 else low)[pos[start : end + 1]] = True

    # step[j] is the direction from point j - 1 to point j; a run of m equal steps spans m + 1
    # points, from the point before the first step.
    step = np.zeros(pos.size, int)
    if pos.size > 1:
        step[1:] = np.where(linked[1:], np.sign(np.diff(xs)), 0)
    step_linked = np.zeros(pos.size, bool)
    step_linked[2:] = linked[2:] & linked[1:-1]
    for start, end, key in _run_bounds(step.tolist(), step_linked):
        if end - start + 2 >= trend_length:
            points = pos[start - 1 : end + 1]
            rules["trend"][points] = True
            (high if key > 0 else low)[points] = True

    beyond_up, beyond_down = x[pos] > upper2[pos], x[pos] < lower2[pos]
    for j in range(2, pos.size):
        if not (linked[j] and linked[j - 1]):
            continue
        window = pos[j - 2 : j + 1]
        for beyond, side_flags in ((beyond_up, high), (beyond_down, low)):
            hits = window[beyond[j - 2 : j + 1]]
            if hits.size >= 2:
                rules["two_of_three"][hits] = True
                side_flags[hits] = True
