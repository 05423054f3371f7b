"""One house style for every chart, and the chart types the packs use.

Charts take tidy frames produced by the measures and return a Matplotlib figure; they never compute
a statistic themselves. Colours are colour-blind safe (Okabe-Ito); grades run from dark green
(best) to red (worst) whatever the number of points on the configured scale.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

BLUE, ORANGE, GREEN, RED, GREY, PURPLE, SKY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#7F7F7F",
    "#CC79A7",
    "#56B4E9",
)
STATUS_COLOURS = {
    "improvement": BLUE,
    "concern": ORANGE,
    "neither": PURPLE,
    "common": GREY,
    "positive": GREEN,
    "negative": RED,
    "neutral": GREY,
    "absent": "#FFFFFF",
}


def apply_style() -> None:
    """The house style: white background, light grid, readable sizes."""
    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "figure.figsize": (8, 4),
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    )


apply_style()


def grade_colours(grades: list[str]) -> dict[str, str]:
    """Best grade dark green through to worst red, for any number of grades."""
    palette = sns.color_palette("RdYlGn_r", n_colors=max(len(grades), 2))
    return {g: matplotlib.colors.to_hex(palette[i]) for i, g in enumerate(grades)}


def grade_distribution(table: pd.DataFrame, *, grades: list[str], title: str) -> plt.Figure:
    """Stacked horizontal bars: share of each grade per row of ``table`` (counts, grade columns)."""
    shares = table[grades].div(table[grades].sum(axis=1).replace(0, np.nan), axis=0).fillna(0)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(shares) + 1.4))
    left = np.zeros(len(shares))
    colours = grade_colours(grades)
    for grade in grades:
        ax.barh(
            shares.index.astype(str), shares[grade], left=left, color=colours[grade], label=grade
        )
        left += shares[grade].to_numpy()
    totals = table[grades].sum(axis=1)
    for i, n in enumerate(totals):
        ax.text(1.01, i, f"n={n:,.0f}", va="center", fontsize=8, transform=ax.get_yaxis_transform())
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.legend(ncol=len(grades), loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8)
    fig.tight_layout()
    return fig


def share_trend(
    frame: pd.DataFrame,
    *,
    x: str,
    share: str,
    low: str,
    high: str,
    title: str,
    target: float | None = None,
    group: str | None = None,
) -> plt.Figure:
    """A share over time with its 95% interval band, optionally one line per group."""
    fig, ax = plt.subplots()
    groups = frame.groupby(group) if group else [(None, frame)]
    for i, (name, part) in enumerate(groups):
        colour = sns.color_palette("colorblind")[i % 10]
        ax.plot(part[x], part[share], marker="o", color=colour, label=name)
        ax.fill_between(part[x], part[low], part[high], color=colour, alpha=0.15, linewidth=0)
    if target is not None:
        ax.axhline(target, color=GREY, linestyle="--", linewidth=1, label="aspiration")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def funnel(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    *,
    centre: float,
    title: str,
    label: str = "team",
    k: str = "k",
    n: str = "n",
) -> plt.Figure:
    """Funnel plot: each unit's share against its size, with 95% and 99.8% limits."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(limits["n"], limits["lower_95"], color=GREY, linestyle="--", linewidth=1, label="95%")
    ax.plot(limits["n"], limits["upper_95"], color=GREY, linestyle="--", linewidth=1)
    ax.plot(limits["n"], limits["lower_998"], color=GREY, linewidth=1, label="99.8%")
    ax.plot(limits["n"], limits["upper_998"], color=GREY, linewidth=1)
    ax.axhline(centre, color="black", linewidth=1, label="authority")
    shares = points[k] / points[n]
    ax.scatter(points[n], shares, color=BLUE, zorder=3)
    for _, row in points.iterrows():
        ax.annotate(
            str(row[label]),
            (row[n], row[k] / row[n]),
            fontsize=7,
            xytext=(3, 3),
            textcoords="offset points",
        )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("audits")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def heatmap(
    table: pd.DataFrame,
    *,
    title: str,
    fmt: str = ".0%",
    cmap: str = "RdYlGn",
    vmin: float = 0,
    vmax: float = 1,
    annotations: pd.DataFrame | None = None,
) -> plt.Figure:
    """A heat map of shares (rows by columns), annotated with the values or given labels."""
    fig, ax = plt.subplots(figsize=(1.1 * len(table.columns) + 3, 0.5 * len(table) + 1.6))
    sns.heatmap(
        table.astype(float),
        annot=annotations if annotations is not None else True,
        fmt=fmt if annotations is None else "",
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        cbar=False,
        linewidths=0.5,
        ax=ax,
    )
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return fig


def bars(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    percent: bool = False,
    low: str | None = None,
    high: str | None = None,
    horizontal: bool = True,
    colour: str = BLUE,
) -> plt.Figure:
    """Bars, optionally with interval whiskers (``low``/``high``)."""
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(frame) + 1.4) if horizontal else (8, 4))
    values = frame[y].astype(float)
    err = None
    if low and high:
        err = np.vstack([values - frame[low].astype(float), frame[high].astype(float) - values])
    labels = frame[x].astype(str)
    if horizontal:
        ax.barh(labels, values, xerr=err, color=colour, ecolor=GREY, capsize=3)
        ax.invert_yaxis()
        axis = ax.xaxis
    else:
        ax.bar(labels, values, yerr=err, color=colour, ecolor=GREY, capsize=3)
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
        axis = ax.yaxis
    if percent:
        axis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(title)
    fig.tight_layout()
    return fig


def counts_over_time(
    frame: pd.DataFrame, *, x: str, columns: list[str], title: str, stacked: bool = True
) -> plt.Figure:
    """Counts per period as (stacked) bars, one colour per column."""
    fig, ax = plt.subplots()
    if frame.empty or not columns:
        ax.text(0.5, 0.5, "No records in the period", ha="center", va="center", color=GREY)
        ax.set_axis_off()
        ax.set_title(title)
        return fig
    frame.set_index(x)[columns].plot(
        kind="bar", stacked=stacked, ax=ax, color=sns.color_palette("colorblind"), width=0.8
    )
    ax.set_xlabel("")
    ax.set_title(title)
    ax.legend(fontsize=8)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return fig


def spc(
    points: pd.DataFrame,
    *,
    title: str,
    percent: bool = True,
    target: float | None = None,
    variation: str | None = None,
    assurance: str | None = None,
) -> plt.Figure:
    """A Making Data Count XmR chart (or a run chart when there are no limits).

    ``points`` is the per-point frame of :func:`qaanalysis.stats.xmr` indexed by month: value,
    mean, upper_limit, lower_limit and special_cause. Missing months are gaps, not joined.
    Special-cause points are coloured (blue improvement, orange concern, purple neither), and
    the variation and assurance icons are written beside the chart as text badges.
    """
    fig, ax = plt.subplots(figsize=(8.5, 3.8))
    x = points.index.to_timestamp() if isinstance(points.index, pd.PeriodIndex) else points.index
    ax.plot(x, points["value"], color=GREY, marker="o", markersize=4, linewidth=1)
    if "special_cause" in points:
        for cause in ("improvement", "concern", "neither"):
            hit = points["special_cause"] == cause
            if not hit.any():
                continue
            ax.scatter(
                x[hit.to_numpy()],
                points.loc[hit, "value"],
                color=STATUS_COLOURS[cause],
                zorder=3,
                s=30,
                label=f"special cause: {cause}",
            )
    for column, style in (("mean", "-"), ("upper_limit", ":"), ("lower_limit", ":")):
        if column in points and points[column].notna().any():
            ax.plot(x, points[column], color="black", linestyle=style, linewidth=1)
    if target is not None:
        ax.axhline(target, color=RED, linestyle="--", linewidth=1, label="target")
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    badges = [b.replace("_", " ") for b in (variation, assurance) if b]
    if badges:
        ax.text(
            1.01,
            0.98,
            "\n".join(badges),
            transform=ax.transAxes,
            va="top",
            fontsize=8,
            bbox={"boxstyle": "round", "facecolor": "#F2F2F2", "edgecolor": GREY},
        )
    ax.set_title(title)
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 0.6))
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def theme_matrix(signals: pd.DataFrame, *, title: str) -> plt.Figure:
    """Themes (rows) by sources (columns), each cell a signal: positive, negative, neutral, absent."""
    order = {"negative": -1, "neutral": 0, "positive": 1}
    numeric = signals.apply(lambda col: col.map(order)).astype(float)
    labels = signals.replace({"absent": ""}).fillna("")
    fig, ax = plt.subplots(figsize=(1.5 * len(signals.columns) + 3.5, 0.45 * len(signals) + 1.6))
    cmap = matplotlib.colors.ListedColormap([RED, "#D9D9D9", GREEN])
    sns.heatmap(
        numeric,
        annot=labels,
        fmt="",
        cmap=cmap,
        vmin=-1.5,
        vmax=1.5,
        cbar=False,
        linewidths=0.5,
        linecolor="white",
        ax=ax,
        annot_kws={"fontsize": 8},
    )
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    plt.setp(ax.get_xticklabels(), rotation=20, ha="right")
    fig.tight_layout()
    return fig
