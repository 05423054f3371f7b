"""The shared vocabulary of the statistics: polarities, directions and argument checks."""

from __future__ import annotations

from typing import Literal

Polarity = Literal["higher", "lower", "context"]
Direction = Literal["improving", "declining", "stable", "not_judged"]
Change = Literal["increase", "decrease", "no_change"]

POLARITIES = ("higher", "lower", "context")


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
