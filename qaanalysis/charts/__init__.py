"""The charts layer: every chart the packs draw, in the house style, drawn from computed results.

Charts never compute statistics: they take the frames that measures returned. One namespace for
every chart type, so a notebook or the Session can name a chart by its function name.
"""

from .audits import grade_bars, moderation_table
from .base import (
    apply_style,
    bars,
    counts_over_time,
    funnel,
    grade_colours,
    grade_distribution,
    heatmap,
    share_trend,
    spc,
    theme_matrix,
)
from .performance import message
from .voice import category_lines, positive_shares, volumes

__all__ = [
    "apply_style",
    "bars",
    "category_lines",
    "counts_over_time",
    "funnel",
    "grade_bars",
    "grade_colours",
    "grade_distribution",
    "heatmap",
    "message",
    "moderation_table",
    "positive_shares",
    "share_trend",
    "spc",
    "theme_matrix",
    "volumes",
]
