"""One house style for every chart, and the chart types the packs use.

Charts take tidy frames produced by the measures and return a Matplotlib figure; they never compute
a statistic themselves. Colours are colour-blind safe (Okabe-Ito): grades run from dark blue (best)
through sky blue and orange to vermilion (worst) whatever the number of points on the configured
scale, and the grades below good or better are also hatched, so Good and Requires Improvement
differ in lightness, hue and pattern; shares run from orange (low) to blue (high), never red to
green.
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
    "positive": BLUE,
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


# Best to worst grade (Okabe-Ito): distinguishable with any common colour-vision deficiency.
GRADE_PALETTE = (BLUE, SKY, ORANGE, RED)
# Shares, low to high: orange to blue through a light neutral (a colour-blind safe diverging map).
SHARE_CMAP = matplotlib.colors.LinearSegmentedColormap.from_list(
    "share", [RED, ORANGE, "#F7F7F7", SKY, BLUE]
)
# Patterns of the grades from best to worst: the worse half of the scale is hatched.
HATCHES = ("", "", "//", "xx", "..", "++")


def grade_colours(grades: list[str]) -> dict[str, str]:
    """Best grade dark blue, then sky blue, orange and vermilion for the worst, for any number
    of grades (a scale of four takes the four Okabe-Ito colours exactly)."""
    if len(grades) == len(GRADE_PALETTE):
        return dict(zip(grades, GRADE_PALETTE, strict=True))
    cmap = matplotlib.colors.LinearSegmentedColormap.from_list("grades", list(GRADE_PALETTE))
    steps = np.linspace(0, 1, max(len(grades), 2))
    return {g: matplotlib.colors.to_hex(cmap(steps[i])) for i, g in enumerate(grades)}


def grade_hatches(grades: list[str]) -> dict[str, str]:
    """No pattern for the better half of the scale; a distinct hatching for each worse grade."""
    half = (len(grades) + 1) // 2
    return {
        g: "" if i < half else HATCHES[2 + (i - half) % (len(HATCHES) - 2)]
        for i, g in enumerate(grades)
    }


def grade_distribution(table: pd.DataFrame, *, grades: list[str], title: str) -> plt.Figure:
    """Stacked horizontal bars: share of each grade per row of ``table`` (counts, grade columns)."""
    shares = table[grades].div(table[grades].sum(axis=1).replace(0, np.nan), axis=0).fillna(0)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(shares) + 1.4))
    left = np.zeros(len(shares))
    colours, hatches = grade_colours(grades), grade_hatches(grades)
    for grade in grades:
        bars = ax.barh(
            shares.index.astype(str),
            shares[grade],
            left=left,
            color=colours[grade],
            hatch=hatches[grade],
            edgecolor="white",
            linewidth=0.5,
            label=grade,
        )
        for bar, share in zip(bars, shares[grade], strict=True):
            if share >= 0.08:  # a label only where it fits, on a white ground over any pattern
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    f"{share:.0%}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none"},
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
    position: str = "position",
) -> plt.Figure:
    """Funnel plot: each unit's share against its size, with 95% and 99.8% limits.

    Only the units outside the limits (``position`` other than "within", as the measure placed
    them) are named, their labels pushed apart so that none overlaps; without a ``position``
    column every unit is named.
    """
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(limits["n"], limits["lower_95"], color=GREY, linestyle="--", linewidth=1, label="95%")
    ax.plot(limits["n"], limits["upper_95"], color=GREY, linestyle="--", linewidth=1)
    ax.plot(limits["n"], limits["lower_998"], color=GREY, linewidth=1, label="99.8%")
    ax.plot(limits["n"], limits["upper_998"], color=GREY, linewidth=1)
    ax.axhline(centre, color="black", linewidth=1, label="authority")
    shares = points[k] / points[n]
    outside = (
        points[position].ne("within").to_numpy()
        if position in points
        else np.ones(len(points), dtype=bool)
    )
    ax.scatter(points[n][~outside], shares[~outside], color=SKY, zorder=3, label="within limits")
    ax.scatter(
        points[n][outside],
        shares[outside],
        color=ORANGE,
        marker="D",
        zorder=4,
        label="outside the 95% limits" if position in points else None,
    )

    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.02)
    _repelled_labels(
        ax,
        xs=points[n][outside].to_numpy(dtype=float),
        ys=shares[outside].to_numpy(dtype=float),
        texts=points[label][outside].astype(str).tolist(),
    )
    ax.set_xlabel("audits")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def _repelled_labels(ax, *, xs: np.ndarray, ys: np.ndarray, texts: list[str]) -> None:
    """Name points with labels set apart vertically (in order of height) so none overlaps, each
    joined to its point by a thin line when moved."""
    if not texts:
        return
    order = np.argsort(ys)
    fontsize = 7
    low, high = ax.get_ylim()
    height = ax.get_window_extent().height or 1.0  # pixels
    # the least vertical distance between labels: 1.8 lines of text, in data units
    gap = 1.8 * fontsize / 72 * ax.figure.dpi / height * (high - low)
    placed: list[float] = []
    for i in order:
        y = max(ys[i], placed[-1] + gap) if placed else ys[i]
        placed.append(y)
    overflow = placed[-1] - (high - gap / 2)
    if overflow > 0:  # shift the column of labels down to stay on the chart
        placed = [y - overflow for y in placed]
    span = (np.nanmax(xs) - np.nanmin(xs)) or 1.0
    for i, y in zip(order, placed, strict=True):
        ax.annotate(
            texts[i],
            (xs[i], ys[i]),
            xytext=(xs[i] + 0.03 * span + 0.5, y),
            textcoords="data",
            fontsize=fontsize,
            va="center",
            arrowprops={"arrowstyle": "-", "color": GREY, "lw": 0.5},
        )


def heatmap(
    table: pd.DataFrame,
    *,
    title: str,
    fmt: str = ".0%",
    cmap: str | matplotlib.colors.Colormap = SHARE_CMAP,
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
    cmap = matplotlib.colors.ListedColormap([RED, "#D9D9D9", BLUE])
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
