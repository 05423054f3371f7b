"""One rule for a share against a fixed level: an aspiration, a target, a standard or England.

Audits against the good-or-better aspiration, feedback against its aspiration and KPIs against
their targets and England's published value are all read by :func:`level_reading`: the share's
Wilson score interval (at ``1 - alpha``) is compared with the level, so a share is called above or
below the level only when the whole interval lies on one side of it. A point estimate a little
above or below the level, whose interval takes in the level, is "not clearly different": sampling
noise alone could have put it on either side.

A level is a fixed number (a configured aspiration or a published national value), not a second
sample, so its own uncertainty is not modelled: England's values rest on every authority's returns
and their intervals are far narrower than one authority's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .. import stats

Position = Literal["above", "below", "not_clearly_different", "too_few"]
Reading = Literal["better", "worse", "not_clearly_different", "too_few", "not_judged"]

POSITION_WORDS = {
    "above": "above",
    "below": "below",
    "not_clearly_different": "not clearly different from",
    "too_few": "too few to judge against",
}


@dataclass(frozen=True)
class LevelReading:
    """A share read against a level.

    Attributes:
        k, n: the share's numerator and denominator.
        level: the level it is read against (a fraction).
        ci_low, ci_high: the share's Wilson interval at ``1 - alpha`` (nan when ``n`` is 0).
        position: ``"above"`` (the whole interval above the level), ``"below"`` (the whole
            interval below it), ``"not_clearly_different"`` (the interval takes in the level)
            or ``"too_few"`` (fewer than ``min_n``).
        reading: the position given polarity: ``"better"``, ``"worse"``,
            ``"not_clearly_different"``, ``"too_few"``, or ``"not_judged"`` for ``"context"``
            polarity.
        alpha: one minus the interval's confidence level.
    """

    k: int
    n: int
    level: float
    ci_low: float
    ci_high: float
    position: Position
    reading: Reading
    alpha: float

    @property
    def signal(self) -> str:
        """``"positive"`` (better), ``"negative"`` (worse) or ``"neutral"`` (anything else)."""
        return {"better": "positive", "worse": "negative"}.get(self.reading, "neutral")

    @property
    def interval_text(self) -> str:
        """ "95% interval 61% to 79%" (the confidence level from ``alpha``)."""
        level = 100 * (1 - self.alpha)
        shown = f"{level:.0f}" if float(level).is_integer() else f"{level:g}"
        return f"{shown}% interval {100 * self.ci_low:.0f}% to {100 * self.ci_high:.0f}%"


def level_reading(
    k: int,
    n: int,
    level: float,
    *,
    polarity: str,
    alpha: float = 0.05,
    min_n: int = 0,
) -> LevelReading:
    """Read a share ``k / n`` against a fixed ``level`` by its Wilson interval.

    ``above`` when the interval's lower end is strictly above the level, ``below`` when its upper
    end is strictly below it, otherwise ``not_clearly_different``; ``too_few`` when ``n`` is under
    ``min_n`` (or 0). With ``"higher"`` polarity above is ``better`` and below ``worse``;
    ``"lower"`` is the mirror; ``"context"`` is ``not_judged`` (the position is still given).

    Args:
        k: the share's numerator.
        n: its denominator.
        level: the aspiration, target, standard or national value, as a fraction.
        polarity: ``"higher"``, ``"lower"`` or ``"context"``.
        alpha: one minus the interval's confidence level (``thresholds.significance_alpha``).
        min_n: fewest in the denominator for a reading (``thresholds.min_n_compare``).

    Returns:
        A :class:`LevelReading`.

    Example:
        >>> r = level_reading(45, 50, 0.8, polarity="higher")  # 90%, interval 79% to 96%
        >>> r.position, r.reading, r.signal
        ('not_clearly_different', 'not_clearly_different', 'neutral')
    """
    if polarity not in stats.POLARITIES:
        raise ValueError(f"polarity must be one of {stats.POLARITIES}, got {polarity!r}")
    k, n = int(k), int(n)
    low, high = stats.wilson_interval(k, n, alpha=alpha) if n else (math.nan, math.nan)
    if n == 0 or n < min_n:
        position: Position = "too_few"
    elif low > level:
        position = "above"
    elif high < level:
        position = "below"
    else:
        position = "not_clearly_different"
    if position in ("too_few", "not_clearly_different"):
        reading: Reading = position
    elif polarity == "context":
        reading = "not_judged"
    else:
        reading = "better" if (position == "above") == (polarity == "higher") else "worse"
    return LevelReading(k, n, float(level), low, high, position, reading, alpha)
