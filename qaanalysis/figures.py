"""Figures: every number a report states, with its id, count, interval and comparison.

A Figure is what a narrative cites and what ``figures.json`` holds (DESIGN.md). Proportions are
stored as fractions (0.68) and shown as percentages with their count: "68% (32 of 47)".
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from . import stats

DIRECTIONS = ("improving", "declining", "stable", "not_judged")


@dataclass(frozen=True)
class Figure:
    """One stated number. See DESIGN.md for the meaning of each field."""

    id: str
    label: str
    value: Any
    unit: str = "count"  # percent (a fraction 0-1), count, number, days, rate, status
    numerator: float | None = None
    denominator: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    period: str = ""
    comparison: dict | None = None  # {"kind", "label", "value", "period"?, "p_value"?, ...}
    direction: str = "not_judged"
    significant: bool = False
    source: str = ""
    theme: str | None = None
    suppressed: bool = False
    note: str = ""

    def as_dict(self) -> dict:
        return {k: _plain(v) for k, v in asdict(self).items()}

    @property
    def text(self) -> str:
        """The value as a reader sees it: "68% (32 of 47)", "14", "12.5 days"."""
        return format_value(self)


def _plain(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def format_count(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def format_percent(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    return f"{100 * value:.0f}%"


def format_value(figure: Figure) -> str:
    """A Figure's value in words and numbers, honouring suppression."""
    if figure.suppressed:
        return "c (fewer than 6, suppressed)"
    if figure.unit == "percent":
        if figure.value is None:
            return "no data"
        if figure.denominator in (None, 0):  # a share supplied without its counts
            return format_percent(figure.value)
        return (
            f"{format_percent(figure.value)} ({format_count(figure.numerator)} of "
            f"{format_count(figure.denominator)})"
        )
    if figure.unit == "status":
        return str(figure.value)
    if figure.unit == "days":
        return f"{format_count(figure.value)} days"
    if figure.unit == "number" and isinstance(figure.value, float) and abs(figure.value) < 10:
        return f"{round(figure.value, 2) + 0.0:.2f}"  # statistics such as kappa; no "-0.00"
    return format_count(figure.value)


def proportion(
    id: str,
    label: str,
    *,
    k: int,
    n: int,
    period: str,
    source: str,
    theme: str | None = None,
    previous: tuple[int, int] | None = None,
    previous_period: str = "",
    polarity: str = "higher",
    alpha: float = 0.05,
    min_n: int = 10,
    note: str = "",
) -> Figure:
    """A share with its Wilson interval and, given the previous period's counts, a judged change.

    The change is "improving" or "declining" only when Fisher's exact test on the 2x2 table is
    significant at ``alpha``; "not_judged" when either period has fewer than ``min_n``.
    """
    k, n = int(k), int(n)
    value = k / n if n else None
    low, high = stats.wilson_interval(k, n, alpha=alpha) if n else (None, None)
    comparison, direction, significant = None, "not_judged", False
    if previous is not None:
        k0, n0 = int(previous[0]), int(previous[1])
        comp = stats.compare_proportions(k0, n0, k, n, alpha=alpha, min_n=min_n, polarity=polarity)
        comparison = {
            "kind": "previous_period",
            "label": "previous period",
            "period": previous_period,
            "value": k0 / n0 if n0 else None,
            "numerator": k0,
            "denominator": n0,
            "difference": comp.difference,
            "p_value": comp.p_value,
        }
        direction, significant = comp.direction, bool(comp.significant)
    return Figure(
        id=id,
        label=label,
        value=value,
        unit="percent",
        numerator=k,
        denominator=n,
        ci_low=low,
        ci_high=high,
        period=period,
        comparison=comparison,
        direction=direction,
        significant=significant,
        source=source,
        theme=theme,
        note=note,
    )


def count(
    id: str,
    label: str,
    value: float,
    *,
    period: str,
    source: str,
    theme: str | None = None,
    previous: float | None = None,
    previous_period: str = "",
    unit: str = "count",
    note: str = "",
) -> Figure:
    """A count (or other number), with the previous period's value for reference (not judged)."""
    comparison = None
    if previous is not None:
        comparison = {
            "kind": "previous_period",
            "label": "previous period",
            "period": previous_period,
            "value": previous,
        }
    return Figure(
        id=id,
        label=label,
        value=value,
        unit=unit,
        period=period,
        comparison=comparison,
        source=source,
        theme=theme,
        note=note,
    )


def status(
    id: str,
    label: str,
    value: str,
    *,
    period: str,
    source: str,
    theme: str | None = None,
    note: str = "",
) -> Figure:
    """A Figure whose value is a label (a theme's triangulation status)."""
    return Figure(
        id=id,
        label=label,
        value=value,
        unit="status",
        period=period,
        source=source,
        theme=theme,
        note=note,
    )


def with_suppression(figure: Figure, suppressed: bool) -> Figure:
    """The same Figure, its numbers withheld when ``suppressed`` (public audience)."""
    if not suppressed:
        return figure
    return replace(
        figure,
        value=None,
        numerator=None,
        denominator=None,
        ci_low=None,
        ci_high=None,
        comparison=None,
        suppressed=True,
    )
