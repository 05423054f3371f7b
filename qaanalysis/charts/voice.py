"""The voice charts (volumes by quarter, category lines, positive shares), in the house style.

Like every chart, these take the tables the voice section computed (``sections/voice.py`` names
them in its ``Chart`` items) and compute no statistic. Each draws
a plain "no records" panel when its table is empty, so a notebook runs for an authority without
complaints, feedback or escalations.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator, PercentFormatter

from . import base as charts


def _empty(title: str, message: str) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(8, 1.6))
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.4, message, ha="center", va="center", color=charts.GREY, transform=ax.transAxes)
    return fig


def volumes(frame: pd.DataFrame, *, x: str, columns: list[str], title: str) -> plt.Figure:
    """Counts per period as side-by-side bars, one colour per column (e.g. complaints,
    compliments, comments per quarter from ``quarterly_volumes``)."""
    if frame.empty:
        return _empty(title, "No records in these periods.")
    fig, ax = plt.subplots()
    frame.set_index(x)[columns].plot(
        kind="bar", ax=ax, width=0.8, color=sns.color_palette("colorblind")[: len(columns)]
    )
    ax.set_xlabel("")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    ax.legend(fontsize=8)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return fig


def category_lines(
    frame: pd.DataFrame,
    *,
    x: str,
    highlight: list[str],
    title: str,
    labels: dict[str, str] | None = None,
) -> plt.Figure:
    """One line per category over time; the ``highlight`` categories (significant rises, found
    by the measures) in colour and labelled, the rest in light grey for context.

    ``frame`` has the period column ``x`` and one count column per category (as
    ``category_by_quarter`` gives).
    """
    columns = [c for c in frame.columns if c != x]
    if frame.empty or not columns:
        return _empty(title, "No records in these periods.")
    labels = labels or {}
    fig, ax = plt.subplots(figsize=(8.5, 4))
    palette = iter(sns.color_palette("colorblind"))
    for column in columns:
        name = labels.get(column, str(column).replace("_", " "))
        if column in highlight:
            ax.plot(
                frame[x],
                frame[column],
                marker="o",
                linewidth=2.2,
                color=next(palette),
                label=f"{name} (significant rise)",
                zorder=3,
            )
        else:
            ax.plot(frame[x], frame[column], color="#C8C8C8", linewidth=1, zorder=1)
    ax.plot([], [], color="#C8C8C8", linewidth=1, label="other categories")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return fig


def positive_shares(
    frame: pd.DataFrame,
    *,
    label: str,
    share: str,
    low: str,
    high: str,
    aspiration: float,
    title: str,
) -> plt.Figure:
    """Horizontal bars of positive shares with 95% interval whiskers and the aspiration line."""
    if frame.empty:
        return _empty(title, "No scored answers in the period.")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(frame) + 1.5))
    values = frame[share].astype(float)
    err = [values - frame[low].astype(float), frame[high].astype(float) - values]
    ax.barh(
        frame[label].astype(str), values, xerr=err, color=charts.BLUE, ecolor=charts.GREY, capsize=3
    )
    ax.axvline(aspiration, color=charts.GREY, linestyle="--", linewidth=1, label="aspiration")
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
