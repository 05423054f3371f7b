"""Audit chart shapes that :mod:`qaanalysis.charts` lacks, in its house style (to be folded in).

Like every chart, these take the tables the measures produce and compute no statistic.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from . import base as charts


def grade_bars(table: pd.DataFrame, *, by: str, grades: list[str], title: str) -> plt.Figure:
    """Stacked grade shares per row of a measure table whose breakdown is the column ``by``
    (a table of :func:`qaanalysis.measures.audits.grade_distribution` or ``domain_summary``)."""
    labels = table[by].map(lambda v: v.strftime("%b %Y") if hasattr(v, "strftime") else str(v))
    return charts.grade_distribution(table.set_index(labels)[grades], grades=grades, title=title)


def moderation_table(table: pd.DataFrame, *, title: str) -> plt.Figure:
    """The grade-by-grade moderation table as a heat map of counts (agreement on the diagonal).

    ``table`` is :func:`qaanalysis.measures.moderation.grade_table`; its ``Total`` row and column
    are left out of the colours.
    """
    counts = table.drop(index="Total", columns="Total", errors="ignore").astype("float64")
    # A count withheld for the public arrives as a gap: shown as "c", uncoloured.
    labels = counts.map(lambda v: "c" if pd.isna(v) else f"{v:.0f}")
    top = counts.max().max()
    fig, ax = plt.subplots(figsize=(1.3 * len(counts.columns) + 3, 0.6 * len(counts) + 1.8))
    sns.heatmap(
        counts,
        annot=labels,
        fmt="",
        cmap="Blues",
        vmin=0,
        vmax=max(1.0, 0.0 if pd.isna(top) else float(top)),
        cbar=False,
        linewidths=0.5,
        linecolor="white",
        ax=ax,
    )
    for i in range(len(counts)):
        ax.add_patch(plt.Rectangle((i, i), 1, 1, fill=False, edgecolor=charts.GREEN, linewidth=2))
    ax.set_xlabel("moderated grade")
    ax.set_ylabel("auditor's grade")
    ax.set_title(title)
    ax.text(
        1.0,
        -0.02,
        "Right of the green diagonal: downgraded; left: upgraded.",
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=8,
        color=charts.GREY,
    )
    plt.setp(ax.get_xticklabels(), rotation=20, ha="right")
    fig.tight_layout()
    return fig
