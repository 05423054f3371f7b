"""Proportions, change between periods, ordinal trend and funnel limits (METHODS.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from .base import (
    Change,
    Direction,
    Polarity,
    _check_alpha,
    _check_count,
    _check_polarity,
    judge_direction,
)
from .discovery import reusable
from .discovery import significant as judged_significant


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


@reusable
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

    significant = judged_significant(
        p_value, alpha, key=(test, k_previous, n_previous, k_current, n_current)
    )  # False when nan
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

    significant = judged_significant(p_value, alpha, key=("kendall", tuple(t), tuple(y)))
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
