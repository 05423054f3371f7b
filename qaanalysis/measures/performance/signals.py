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
from .benchmarks import _position, benchmarks
from .kpis import MEETING_TARGET, MISSING_TARGET
from .spc import ICON_WORDS, SpcResult, kpi_spc


def _kpi_reading(
    figure: Figure, kpi: Kpi, spc: SpcResult | None, bench: pd.Series | None
) -> tuple[str, str]:
    """One KPI's signal (positive, negative, neutral) and the clause that justifies it."""
    if kpi.polarity == "context":
        return "neutral", f"{kpi.label.lower()} {fig.format_value(figure)} (context measure)"
    status = (figure.comparison or {}).get("target_status")
    concern = spc is not None and spc.variation == "special_cause_concern"
    improvement = spc is not None and spc.variation == "special_cause_improvement"
    worse_both = bench is not None and all(
        _position(figure.value, bench[c], kpi.polarity) == "worse"
        for c in ("england", "statistical_neighbours")
    )
    text = f"{kpi.label.lower()} {fig.format_value(figure)}"
    reasons = []
    if status:
        reasons.append(status)
    if spc is not None and spc.variation:
        reasons.append(ICON_WORDS[spc.variation])
    if worse_both:
        reasons.append(f"worse than England and statistical neighbours ({int(bench['year'])})")
    text += f" ({', '.join(reasons)})" if reasons else ""
    if status == MISSING_TARGET or concern or worse_both:
        return "negative", text
    if status == MEETING_TARGET or improvement:
        return "positive", text
    return "neutral", text


def signals(
    figures: Mapping[str, Figure] | Sequence[Figure],
    *,
    evidence: Evidence,
    period: Period,
    spc: Mapping[str, SpcResult | None] | None = None,
    bench: pd.DataFrame | None = None,
) -> list[Signal]:
    """Performance's reading of each theme, for triangulation, from the period's KPI Figures.

    Per KPI: negative when it misses its target, shows special-cause concern, or is worse than both
    England and statistical neighbours; positive when it meets its target or shows special-cause
    improvement (and nothing negative); neutral otherwise. Per theme: negative if any of its KPIs
    is negative, positive if any is positive and none negative, else neutral. Each signal cites the
    theme's ``kpi.<id>`` Figures.

    Args:
        figures: the period's ``kpi.<id>`` Figures (:func:`kpi_figures`), a list or id -> Figure.
        evidence: the evidence they were computed from (its configuration, and the charts and
            benchmarks when not given).
        period: their period.
        spc: KPI id -> its chart (:func:`spc_results`); computed here when not given.
        bench: the :func:`benchmarks` table of every KPI; computed here when not given.
    """
    config = evidence.config
    figures = list(figures.values()) if isinstance(figures, Mapping) else list(figures)
    bench = (benchmarks(evidence) if bench is None else bench).set_index("kpi_id")
    by_theme: dict[str, list[tuple[str, str, str]]] = {}
    for figure in figures:
        if figure.theme is None or not figure.id.startswith("kpi."):
            continue
        kpi_id = figure.id.removeprefix("kpi.")
        kpi = config.kpis[kpi_id]
        b = bench.loc[kpi_id] if kpi_id in bench.index else None
        result = kpi_spc(evidence, kpi_id, period) if spc is None else spc.get(kpi_id)
        reading, text = _kpi_reading(figure, kpi, result, b)
        by_theme.setdefault(figure.theme, []).append((reading, text, figure.id))
    out = []
    for theme, readings in by_theme.items():
        kinds = {r for r, _, _ in readings}
        signal = (
            "negative" if "negative" in kinds else "positive" if "positive" in kinds else "neutral"
        )
        ordered = sorted(readings, key=lambda r: {"negative": 0, "positive": 1, "neutral": 2}[r[0]])
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
