"""Making Data Count (NHS England) XmR charts: limits, special-cause rules, icons (METHODS.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .base import Polarity, _check_polarity

# Making Data Count XmR constants. With d2 = 1.128 (the expected range of two normal
# observations in units of sigma), sigma is estimated as mean moving range / 1.128, so
# 3 sigma = 2.66 x mean moving range and 2 sigma = 1.773 x mean moving range.
XMR_LIMIT_FACTOR = 2.66
XMR_TWO_SIGMA_FACTOR = 1.773
# Upper range limit for a moving range (D4 for subgroups of two): moving ranges above
# 3.267 x mean moving range are screened out when screening is switched on.
XMR_MOVING_RANGE_SCREEN_FACTOR = 3.267


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
            x=x,
            present=present,
            ordinal=ordinal,
            phase=phase,
            mean=mean,
            limits=(lower, upper),
            two_sigma=(lower2, upper2),
            rules=rules,
            high=high,
            low=low,
            shift_length=shift_length,
            trend_length=trend_length,
            gap_breaks_runs=gap_breaks_runs,
        )

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
