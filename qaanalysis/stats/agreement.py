"""Moderation of ordinal grades: the grade table, agreement, weighted kappa, Krippendorff's
ordinal alpha and Bowker's test of symmetry (METHODS.md)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.inter_rater import cohens_kappa

from .base import _check_alpha


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
