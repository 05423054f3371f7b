"""Counting and comparing voice records: the exact tests for counts, comparison periods, theme
maps and the small helpers every voice measure shares."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from ... import stats
from ...config import Config
from ...figures import Figure
from ...periods import Period, period_of
from ...sources import Evidence

# ----------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class CountComparison:
    """Two event counts compared by the exact conditional test of two Poisson rates.

    Attributes:
        current, previous: the counts.
        current_exposure, previous_exposure: the time each was counted over (days).
        rate_ratio: (current / current_exposure) / (previous / previous_exposure); inf when the
            previous count is 0 and the current is not, nan when both are 0.
        ci_low, ci_high: exact (Clopper-Pearson based) interval for the rate ratio.
        p_value: two-sided exact p-value; nan when both counts are 0.
        significant: ``p_value < alpha``.
        change: ``"increase"`` or ``"decrease"`` when significant, else ``"no_change"``.
    """

    current: int
    previous: int
    current_exposure: float
    previous_exposure: float
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool
    change: str


@stats.discovery.reusable
def compare_counts(
    current: int,
    previous: int,
    *,
    current_exposure: float = 1.0,
    previous_exposure: float = 1.0,
    alpha: float = 0.05,
) -> CountComparison:
    """Is a count significantly up or down on an earlier one? (exact conditional Poisson test)

    If both counts are Poisson with the same rate per unit of exposure, then given their total
    ``n = current + previous`` the current count is Binomial(n, t1 / (t1 + t0)), where t1 and t0
    are the exposures (the days each period covers). The two-sided p-value is that binomial
    test's (``scipy.stats.binomtest``, summing the probabilities of outcomes no more likely than
    the one seen); the rate ratio's interval is the Clopper-Pearson interval of the binomial
    proportion, turned into a ratio. No minimum count is needed: with few events the exact test
    simply cannot reach significance (5 against 0 gives p = 0.0625).

    Args:
        current: events in the current period.
        previous: events in the comparison period.
        current_exposure, previous_exposure: the length of each period (days), or any exposure.
        alpha: significance level; the interval is at 1 - alpha.

    Example:
        >>> c = compare_counts(12, 3)
        >>> round(c.p_value, 4), c.change
        (0.0352, 'increase')
    """
    current, previous = int(current), int(previous)
    if current < 0 or previous < 0:
        raise ValueError(f"counts must not be negative, got {current!r} and {previous!r}")
    n = current + previous
    if n == 0:
        return CountComparison(
            current,
            previous,
            current_exposure,
            previous_exposure,
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            False,
            "no_change",
        )
    share = current_exposure / (current_exposure + previous_exposure)
    test = sps.binomtest(current, n, share, alternative="two-sided")
    p_value = float(test.pvalue)
    ci = test.proportion_ci(confidence_level=1 - alpha, method="exact")
    scale = previous_exposure / current_exposure

    def ratio(pi: float) -> float:
        return math.inf if pi >= 1 else pi / (1 - pi) * scale

    rate_ratio = (
        (current / current_exposure) / (previous / previous_exposure) if previous else math.inf
    )
    significant = stats.discovery.significant(
        p_value, alpha, key=("poisson", current, previous, current_exposure, previous_exposure)
    )  # judged with the pack's other tests inside a pack, alone otherwise
    change = "no_change"
    if significant:
        rising = current / current_exposure > previous / previous_exposure
        change = "increase" if rising else "decrease"
    return CountComparison(
        current,
        previous,
        current_exposure,
        previous_exposure,
        rate_ratio,
        ratio(ci.low),
        ratio(ci.high),
        p_value,
        significant,
        change,
    )


@dataclass(frozen=True)
class CountTrend:
    """A trend across consecutive event counts (score test for a log-linear Poisson trend).

    Attributes:
        counts: the counts, oldest first.
        z: the standardised score statistic (positive: rising).
        p_value: two-sided p-value from the normal distribution; nan with no events.
        significant: ``p_value < alpha``.
        change: ``"increase"``, ``"decrease"`` or ``"no_change"``.
    """

    counts: tuple[int, ...]
    z: float
    p_value: float
    significant: bool
    change: str


def count_trend(counts, *, exposures=None, alpha: float = 0.05) -> CountTrend:
    """Are consecutive counts rising or falling? (score test for trend in Poisson counts)

    Under no trend, given the total N, the counts are multinomial with shares proportional to
    the exposures (period lengths). The score statistic for a log-linear trend in the period's
    position t is U = sum(t x) - N sum(t pi), with variance N (sum(t^2 pi) - (sum(t pi))^2);
    z = U / sqrt(variance) is read against the normal distribution (the test of Armitage for
    counts; it needs an average of about five events a period to be trusted).

    Example:
        >>> round(count_trend([15, 14, 13, 17, 22, 29]).z, 2)  # 2.74 by hand
        2.74
    """
    x = np.asarray([int(c) for c in counts], dtype=float)
    d = np.ones_like(x) if exposures is None else np.asarray(exposures, dtype=float)
    n = x.sum()
    if n == 0 or len(x) < 2:
        return CountTrend(tuple(int(c) for c in x), math.nan, math.nan, False, "no_change")
    t = np.arange(len(x), dtype=float)
    pi = d / d.sum()
    mean_t = float((t * pi).sum())
    u = float((t * x).sum() - n * mean_t)
    z = u / math.sqrt(n * float(((t - mean_t) ** 2 * pi).sum()))
    p_value = float(2 * sps.norm.sf(abs(z)))
    significant = stats.discovery.significant(
        p_value, alpha, key=("count_trend", tuple(x), tuple(d))
    )
    change = "no_change" if not significant else "increase" if z > 0 else "decrease"
    return CountTrend(tuple(int(c) for c in x), z, p_value, significant, change)


def _days(period: Period) -> int:
    return int((period.end_exclusive - period.start).days)


def _coverage_start(dates: pd.Series) -> pd.Timestamp | None:
    """The first day of the month of the earliest record: comparisons start no earlier."""
    dates = dates.dropna()
    return None if dates.empty else period_of(dates.min(), "month").start


def comparison_periods(
    period: Period, *, covered_from: pd.Timestamp | None
) -> list[tuple[str, Period]]:
    """The periods a count is compared with: the previous one and the same one a year earlier.

    A year's previous period is the year before, so it is listed once. A period that starts before
    ``covered_from`` (the source's first month) is not compared with.
    """
    out: list[tuple[str, Period]] = []
    for kind, other in (
        ("previous_period", period.previous()),
        ("same_period_last_year", period.same_period_last_year()),
    ):
        if any(o.start == other.start and o.end == other.end for _, o in out):
            continue
        if covered_from is None or other.start >= covered_from:
            out.append((kind, other))
    return out


COMPARISON_LABELS = {
    "previous_period": "previous period",
    "same_period_last_year": "same period last year",
}


def _count_figure(
    id: str,
    label: str,
    *,
    current: int,
    compared: list[tuple[str, Period, int]],
    period: Period,
    source: str,
    theme: str | None,
    polarity: str,
    alpha: float,
    note: str = "",
) -> Figure:
    """A count with its change judged by :func:`compare_counts` against each comparison period.

    A significant rise on either comparison decides the direction (a rise is the reading that
    matters for complaints and alerts); else a significant fall; else "stable". The comparison
    shown is the one that decided, or the previous period when neither test is significant.
    """
    tests = []
    for kind, other, value in compared:
        c = compare_counts(
            current,
            value,
            current_exposure=_days(period),
            previous_exposure=_days(other),
            alpha=alpha,
        )
        tests.append(
            {
                "kind": kind,
                "label": COMPARISON_LABELS[kind],
                "period": other.code,
                "value": value,
                "rate_ratio": _finite(c.rate_ratio),
                "p_value": _finite(c.p_value),
                "change": c.change,
                "test": "exact conditional Poisson (binomial)",
            }
        )
    comparison, direction, significant = None, "not_judged", False
    if tests:
        chosen = (
            next((t for t in tests if t["change"] == "increase"), None)
            or next((t for t in tests if t["change"] == "decrease"), None)
            or tests[0]
        )
        comparison = dict(chosen, others=[t for t in tests if t is not chosen])
        direction = stats.judge_direction(chosen["change"], polarity)
        significant = chosen["change"] != "no_change"
    return Figure(
        id=id,
        label=label,
        value=int(current),
        unit="count",
        numerator=int(current),
        period=period.code,
        comparison=comparison,
        direction=direction,
        significant=significant,
        source=source,
        theme=theme,
        note=note,
    )


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


# ----------------------------------------------------------------------------- theme maps


def theme_map(config: Config, field: str) -> dict[str, list[str]]:
    """Code -> the themes that list it, for ``complaint_categories``, ``feedback_questions`` or
    ``escalation_categories`` (in the theme map's order)."""
    out: dict[str, list[str]] = {}
    for theme_id, theme in config.themes.items():
        for code in getattr(theme, field):
            out.setdefault(code, []).append(theme_id)
    return out


def _theme_labels(codes: pd.Series, config: Config, field: str) -> pd.Series:
    mapping = theme_map(config, field)
    return codes.map(
        lambda c: ", ".join(config.themes[t].label for t in mapping.get(c, [])) or "(not mapped)"
    )


def _label(code: str) -> str:
    return str(code).replace("_", " ").capitalize()


def _records(complaints: pd.DataFrame, record_type: str) -> pd.DataFrame:
    return complaints[complaints["record_type"] == record_type]


def _in(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    return frame[period.contains(frame[column])]


def _n_in(frame: pd.DataFrame, column: str, period: Period) -> int:
    """How many rows of ``frame`` have ``column`` in the period (``len(_in(...))`` without the copy)."""
    return int(period.contains(frame[column]).sum())


def quarter_periods(period: Period, *, quarters: int) -> list[Period]:
    """The ``quarters`` financial quarters ending with the one that holds the period's end."""
    last = period_of(period.end, "quarter")
    out = [last]
    while len(out) < quarters:
        out.insert(0, out[0].previous())
    return out


def _contains_until(period: Period, until: pd.Timestamp, dates: pd.Series) -> pd.Series:
    """Dates in ``period`` and not after ``until``."""
    return period.contains(dates) & (dates < until + pd.Timedelta(days=1))


TREND_WORDS = {"increase": "rising", "decrease": "falling", "no_change": "no clear trend"}


def count_windows(
    period: Period, *, covered_from: pd.Timestamp | None, trend_quarters: int
) -> tuple[dict[str, Period], list[Period]]:
    """The periods a log's counts are compared with, and the quarters of its trend.

    Returns:
        The comparison periods (:func:`comparison_periods`, none before ``covered_from``, the
        log's first month) and the whole quarters the log covers among the ``trend_quarters``
        ending with the period's last quarter (a partial quarter would read as a fall).
    """
    comparisons = dict(comparison_periods(period, covered_from=covered_from))
    quarters = [
        q
        for q in quarter_periods(period, quarters=trend_quarters)
        if covered_from is not None and q.start >= covered_from and q.end <= period.end
    ]
    return comparisons, quarters


def category_changes(
    records: pd.DataFrame,
    date_column: str,
    categories: list[str],
    *,
    period: Period,
    comparisons: dict[str, Period],
    quarters: list[Period],
    alpha: float,
) -> dict[str, dict]:
    """:func:`_count_changes` of each category's records (a record's ``category`` column), in
    the order given: the loop complaints and alerts by category share."""
    return {
        code: _count_changes(
            records.loc[records["category"] == code, [date_column]],
            date_column,
            period=period,
            comparisons=comparisons,
            quarters=quarters,
            alpha=alpha,
        )
        for code in categories
    }


def _count_changes(
    records: pd.DataFrame,
    date_column: str,
    *,
    period: Period,
    comparisons: dict[str, Period],
    quarters: list[Period],
    alpha: float,
) -> dict:
    """Records in the period, against the previous period and the same period last year.

    Each change is judged by :func:`compare_counts` (exposure = days in each period); "significant
    rise" wins over "significant fall", so a concern is never hidden. The trend over ``quarters``
    (:func:`count_trend`) is context.

    Returns:
        ``current``, ``previous``, ``previous_p``, ``last_year``, ``last_year_p`` (NaN where there is
        no comparison period), ``change``, ``trend`` and ``trend_p``.
    """
    current = _n_in(records, date_column, period)
    out: dict = {"current": current}
    changes = []
    for kind, column in (("previous_period", "previous"), ("same_period_last_year", "last_year")):
        other = comparisons.get(kind)
        if other is None:
            out[column], out[f"{column}_p"] = math.nan, math.nan
            continue
        value = _n_in(records, date_column, other)
        c = compare_counts(
            current,
            value,
            current_exposure=_days(period),
            previous_exposure=_days(other),
            alpha=alpha,
        )
        out[column], out[f"{column}_p"] = value, c.p_value
        changes.append(c.change)
    out["change"] = (
        "significant rise"
        if "increase" in changes
        else "significant fall"
        if "decrease" in changes
        else "broadly stable"
        if changes
        else "no comparison"
    )
    trend = count_trend(
        [_n_in(records, date_column, q) for q in quarters],
        exposures=[_days(q) for q in quarters],
        alpha=alpha,
    )
    out["trend"], out["trend_p"] = TREND_WORDS[trend.change], trend.p_value
    return out


def _as_at(evidence: Evidence, period: Period) -> pd.Timestamp:
    return min(period.end, pd.Timestamp(evidence.extract_date).normalize())


def _covers(dates: pd.Series, period: Period) -> bool:
    """Whether a log has records from before the period's end (so a zero count is a count)."""
    start = _coverage_start(dates)
    return start is not None and start <= period.end


@dataclass(frozen=True)
class VoiceCoverage:
    """Which voice logs cover a period, so a zero is a count rather than a gap.

    Attributes:
        complaints: the complaints log has records from before the period's end.
        feedback: some feedback answer is dated in the period.
        escalations: the alerts log has records from before the period's end.
    """

    complaints: bool
    feedback: bool
    escalations: bool


@stats.discovery.reusable
def voice_coverage(evidence: Evidence, period: Period) -> VoiceCoverage:
    """:class:`VoiceCoverage` of the period (what the readings and signals call "absent")."""
    return VoiceCoverage(
        complaints=_covers(evidence.complaints["received_date"], period),
        feedback=_n_in(evidence.feedback, "date", period) > 0,
        escalations=_covers(evidence.escalations["raised_date"], period),
    )
