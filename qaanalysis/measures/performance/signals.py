"""Performance's reading of each practice theme, for triangulation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ... import figures as fig
from ...config import Kpi
from ...figures import Figure
from ...findings import Signal
from ...periods import Period
from ...sources import Evidence
from ..levels import level_reading
from .benchmarks import _position, benchmarks
from .kpis import MISSING_TARGET, target_value
from .spc import ICON_WORDS, SpcResult, kpi_spc


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%" if 100 * value >= 1 else f"{100 * value:.1f}%"


def _shown(value: float, kpi: Kpi) -> str:
    return _percent(value) if kpi.unit == "percent" else f"{value:,.1f}"


def _england(bench: pd.Series | None) -> tuple[float | None, str]:
    """England's value of a benchmark row and its year ("2025"), or None."""
    if bench is None or pd.isna(bench.get("england")) or pd.isna(bench.get("year")):
        return None, ""
    return float(bench["england"]), str(int(bench["year"]))


def _kpi_reading(
    figure: Figure,
    kpi: Kpi,
    spc: SpcResult | None,
    bench: pd.Series | None,
    *,
    alpha: float = 0.05,
    min_n: int = 0,
    trend: Figure | None = None,
) -> tuple[str, str]:
    """One KPI's signal (positive, negative, neutral) and the clause that justifies it.

    A share with its counts is read against its target and England's latest published value by
    :func:`qaanalysis.measures.levels.level_reading` (the whole Wilson interval above or below);
    a value without counts against its target by the point value, and against England not at all
    (its position is stated). Special-cause variation and a significant trend over the trend
    window count either way.
    """
    if kpi.polarity == "context":
        return "neutral", f"{kpi.label.lower()} {fig.format_value(figure)} (context measure)"
    counted = (
        kpi.unit == "percent" and figure.denominator is not None and figure.denominator > 0
    ) and figure.numerator is not None
    kinds: list[str] = []
    reasons: list[str] = []

    def judged(level: float, name: str, detail: str = "") -> None:
        r = level_reading(
            figure.numerator,
            figure.denominator,
            level,
            polarity=kpi.polarity,
            alpha=alpha,
            min_n=min_n,
        )
        words = {"better": "better than", "worse": "worse than"}.get(r.reading)
        if words:
            kinds.append("positive" if r.reading == "better" else "negative")
            inside = "; ".join(x for x in (detail, r.interval_text) if x)
            reasons.append(f"{words} {name} ({inside})")
        elif r.reading == "not_clearly_different":
            reasons.append(
                f"not clearly different from {name}" + (f" ({detail})" if detail else "")
            )

    target = target_value(kpi)
    status = (figure.comparison or {}).get("target_status")
    if target is not None and counted:
        judged(target, f"the {_shown(target, kpi)} target")
    elif status:
        reasons.append(status)
        kinds.append("negative" if status == MISSING_TARGET else "positive")
    england, year = _england(bench)
    if england is not None and counted:
        judged(england, "England", f"{_shown(england, kpi)} in {year}")
    elif england is not None and figure.value is not None:
        position = _position(figure.value, england, kpi.polarity)
        if position in ("better", "worse"):
            reasons.append(
                f"{position} than England ({_shown(england, kpi)} in {year}; no counts to judge "
                "how clearly)"
            )
    if spc is not None and spc.variation:
        reasons.append(ICON_WORDS[spc.variation])
        if spc.variation == "special_cause_concern":
            kinds.append("negative")
        elif spc.variation == "special_cause_improvement":
            kinds.append("positive")
    if trend is not None and trend.direction in ("improving", "declining"):
        span = (trend.comparison or {}).get("label", "")
        reasons.append(
            f"{'rising' if (trend.value or 0) > 0 else 'falling'} over {span}: "
            f"{'an improvement' if trend.direction == 'improving' else 'a concern'}"
        )
        kinds.append("positive" if trend.direction == "improving" else "negative")
    text = f"{kpi.label.lower()} {fig.format_value(figure)}"
    text += f" ({', '.join(reasons)})" if reasons else ""
    if "negative" in kinds:
        return "negative", text
    if "positive" in kinds:
        return "positive", text
    return "neutral", text


def signals(
    figures: Mapping[str, Figure] | Sequence[Figure],
    *,
    evidence: Evidence,
    period: Period,
    spc: Mapping[str, SpcResult | None] | None = None,
    bench: pd.DataFrame | None = None,
    trends: Mapping[str, Figure] | Sequence[Figure] = (),
) -> list[Signal]:
    """Performance's reading of each theme, for triangulation, from the period's KPI Figures.

    Per KPI, a share with its counts is read against its target and against England's latest
    published value (:func:`benchmarks`, the package's shipped values where the authority
    configures none) by one rule (:func:`qaanalysis.measures.levels.level_reading`): better when
    the whole Wilson interval at ``thresholds.significance_alpha`` is on the good side of the
    level, worse when it is on the bad side, otherwise not clearly different. So a KPI with no
    local target can read positive: significantly better than England. A value without counts is
    read against its target by the point value only. Special-cause improvement or concern (Making
    Data Count) and a significant trend over the trend window (``kpi.<id>.trend``,
    :func:`kpi_trend_figure`) count as positive or negative too. A KPI is negative if anything
    is negative, positive if anything is positive and nothing negative, neutral otherwise;
    context measures are neutral. Per theme: negative if any of its KPIs is negative, positive if
    any is positive and none negative, else neutral. Each signal cites the theme's ``kpi.<id>``
    Figures (and the trend Figures it used).

    Args:
        figures: the period's ``kpi.<id>`` Figures (:func:`kpi_figures`), a list or id -> Figure.
        evidence: the evidence they were computed from (its configuration, and the charts and
            benchmarks when not given).
        period: their period.
        spc: KPI id -> its chart (:func:`spc_results`); computed here when not given.
        bench: the :func:`benchmarks` table of every KPI; computed here when not given.
        trends: the period's ``kpi.<id>.trend`` Figures (:func:`kpi_trend_figures`), a list or
            id -> Figure; none read when not given.
    """
    config = evidence.config
    figures = list(figures.values()) if isinstance(figures, Mapping) else list(figures)
    trends = list(trends.values()) if isinstance(trends, Mapping) else list(trends)
    trend_of = {t.id.removeprefix("kpi_trend."): t for t in trends}
    # Every count is read: the Wilson interval of a small count is wide, so it is rarely clear.
    alpha, min_n = config.thresholds.significance_alpha, 0
    bench = (benchmarks(evidence) if bench is None else bench).set_index("kpi_id")
    by_theme: dict[str, list[tuple[str, str, str]]] = {}
    for figure in figures:
        if figure.theme is None or not figure.id.startswith("kpi."):
            continue
        kpi_id = figure.id.removeprefix("kpi.")
        if kpi_id not in config.kpis:  # not a KPI's own Figure (a trend, say)
            continue
        kpi = config.kpis[kpi_id]
        b = bench.loc[kpi_id] if kpi_id in bench.index else None
        result = kpi_spc(evidence, kpi_id, period) if spc is None else spc.get(kpi_id)
        trend = trend_of.get(kpi_id)
        reading, text = _kpi_reading(figure, kpi, result, b, alpha=alpha, min_n=min_n, trend=trend)
        by_theme.setdefault(figure.theme, []).append((reading, text, figure.id))
        if trend is not None and trend.direction in ("improving", "declining"):
            by_theme[figure.theme].append(("cited", "", trend.id))
    out = []
    for theme, readings in by_theme.items():
        kinds = {r for r, _, _ in readings}
        signal = (
            "negative" if "negative" in kinds else "positive" if "positive" in kinds else "neutral"
        )
        ordered = sorted(
            (r for r in readings if r[0] != "cited"),
            key=lambda r: {"negative": 0, "positive": 1, "neutral": 2}[r[0]],
        )
        reason = "; ".join(text for _, text, _ in ordered)
        out.append(Signal(theme, "performance", signal, reason, tuple(i for _, _, i in readings)))
    return out


def signals_table(signals: Sequence[Signal]) -> pd.DataFrame:
    """Signals as a table (theme, signal, reason, figures)."""
    return pd.DataFrame(
        [
            {
                "theme": s.theme,
                "signal": s.signal,
                "reason": s.reason,
                "figures": ", ".join(s.figure_ids),
            }
            for s in signals
        ],
        columns=["theme", "signal", "reason", "figures"],
    )
