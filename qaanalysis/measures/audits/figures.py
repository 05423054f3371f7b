"""The audit Figures of a period and what audits say about each practice theme (Signals)."""

from __future__ import annotations

import math

import pandas as pd

from ... import figures as fig
from ... import stats
from ...config import Config
from ...figures import Figure
from ...findings import Signal
from ...periods import Period
from ...sources import Evidence
from ..levels import level_reading
from ..registry import label as declared
from .base import (
    DIRECTION_WORDS,
    SOURCE,
    _alpha,
    _domain_labels,
    _min_n,
    audits_in_period,
    theme_of_domain,
    window,
)
from .grades import _domain_trend_figure, grade_trend
from .teams import (
    TeamFunnel,
    persistent_inadequate_teams,
    repeat_inadequate_practitioners,
    team_funnel,
)

# ----------------------------------------------------------------------------- figures, signals


def _domain_figure(
    evidence: Evidence,
    period: Period,
    domain: str,
    *,
    frames: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> Figure | None:
    """``audits.domain.<domain>.good_or_better``; ``frames`` are the period's and the previous
    period's audits when the caller already has them."""
    config = evidence.config
    if frames is None:
        frames = (audits_in_period(evidence, period), audits_in_period(evidence, period.previous()))
    current, previous = frames[0][domain], frames[1][domain]
    n = int(current.notna().sum())
    if not n:
        return None
    good = config.grades.good_or_better
    return fig.proportion(
        f"audits.domain.{domain}.good_or_better",
        declared(
            f"audits.domain.{domain}.good_or_better", config, domain=_domain_labels(config)[domain]
        ),
        k=int(current.isin(good).sum()),
        n=n,
        period=period.code,
        source=SOURCE,
        theme=theme_of_domain(config, domain),
        previous=(int(previous.isin(good).sum()), int(previous.notna().sum())),
        previous_period=period.previous().code,
        polarity="higher",
        alpha=_alpha(config),
        min_n=_min_n(config),
    )


@stats.discovery.reusable
def audit_figures(
    evidence: Evidence,
    period: Period,
    *,
    funnel: TeamFunnel | None = None,
    persistent: pd.DataFrame | None = None,
    repeats: pd.DataFrame | None = None,
) -> list[Figure]:
    """Every audit Figure of the period (ids in :data:`MEASURES` and DESIGN.md).

    ``audits.count``, ``audits.overall.good_or_better``, ``audits.overall.inadequate``,
    ``audits.overall.trend``, ``audits.domain.<domain>.good_or_better`` (domains assessed in the
    period), ``audits.immediate_responses``, ``audits.repeat_inadequate.practitioners``,
    ``audits.teams.below_funnel`` and ``audits.teams.persistent_inadequate``. Empty when no audit
    falls in the period. ``funnel``, ``persistent`` and ``repeats`` are this period's
    :func:`team_funnel`, :func:`persistent_inadequate_teams` and
    :func:`repeat_inadequate_practitioners` when the caller has computed them already.
    """
    config = evidence.config
    current = audits_in_period(evidence, period)
    if current.empty:
        return []
    previous_period = period.previous()
    previous = audits_in_period(evidence, previous_period)
    common = {"period": period.code, "source": SOURCE, "previous_period": previous_period.code}
    shares = {"alpha": _alpha(config), "min_n": _min_n(config), **common}
    grades = config.grades
    out = [
        fig.count(
            "audits.count",
            declared("audits.count", config),
            len(current),
            previous=len(previous),
            **common,
        ),
        fig.proportion(
            "audits.overall.good_or_better",
            declared("audits.overall.good_or_better", config),
            k=int(current["overall_grade"].isin(grades.good_or_better).sum()),
            n=len(current),
            previous=(
                int(previous["overall_grade"].isin(grades.good_or_better).sum()),
                len(previous),
            ),
            polarity="higher",
            **shares,
        ),
        fig.proportion(
            "audits.overall.inadequate",
            declared("audits.overall.inadequate", config),
            k=int(current["overall_grade"].isin(grades.inadequate).sum()),
            n=len(current),
            previous=(int(previous["overall_grade"].isin(grades.inadequate).sum()), len(previous)),
            polarity="lower",
            **shares,
        ),
    ]
    trend = grade_trend(evidence, period)
    start, end = window(period, 12)
    out.append(
        Figure(
            id="audits.overall.trend",
            label=declared("audits.overall.trend", config),
            value=None if math.isnan(trend.tau) else round(trend.tau, 3),
            unit="number",
            denominator=trend.n,
            period=period.code,
            direction=trend.direction,
            significant=trend.significant,
            source=SOURCE,
            comparison={
                "kind": "trend",
                "label": f"{start:%B %Y} to {end:%B %Y}",
                "value": None,
                "p_value": trend.p_value,
            },
            note=f"{DIRECTION_WORDS[trend.direction]}; positive tau means grades getting better",
        )
    )
    for domain in config.domain_ids:
        figure = _domain_figure(evidence, period, domain, frames=(current, previous))
        if figure is not None:
            out.append(figure)
            trend = _domain_trend_figure(evidence, period, domain)
            if trend is not None:
                out.append(trend)
    raised = int(current["immediate_response"].fillna(False).astype(bool).sum())
    raised_before = int(previous["immediate_response"].fillna(False).astype(bool).sum())
    out.append(
        fig.count(
            "audits.immediate_responses",
            declared("audits.immediate_responses", config),
            raised,
            previous=raised_before,
            **common,
        )
    )
    if repeats is None:
        repeats = repeat_inadequate_practitioners(evidence, period)
    out.append(
        fig.count(
            "audits.repeat_inadequate.practitioners",
            declared("audits.repeat_inadequate.practitioners", config),
            repeats["practitioner_id"].nunique(),
            period=period.code,
            source=SOURCE,
        )
    )
    if funnel is None:
        funnel = team_funnel(evidence, period)
    below = int(funnel.points["position"].astype(str).str.startswith("below").sum())
    out.append(
        fig.count(
            "audits.teams.below_funnel",
            declared("audits.teams.below_funnel", config),
            below,
            period=period.code,
            source=SOURCE,
            note=f"around the authority's {funnel.centre:.0%}",
        )
    )
    if persistent is None:
        persistent = persistent_inadequate_teams(evidence, period)
    out.append(
        fig.count(
            "audits.teams.persistent_inadequate",
            declared("audits.teams.persistent_inadequate", config),
            int(persistent["persistent"].sum()),
            period=period.code,
            source=SOURCE,
        )
    )
    return out


def _trend_span(trend: Figure) -> str:
    """ "from 62% (18 of 29) to 38% (10 of 26)": a trend Figure's first and last quarters."""
    comp = trend.comparison or {}
    first, last = comp.get("first"), comp.get("last")
    if not first or not last or not first["denominator"] or not last["denominator"]:
        return "significant"
    return (
        f"from {first['numerator'] / first['denominator']:.0%} ({first['numerator']} of "
        f"{first['denominator']}) to {last['numerator'] / last['denominator']:.0%} "
        f"({last['numerator']} of {last['denominator']})"
    )


def signals(figures: list[Figure], *, config: Config) -> list[Signal]:
    """What audits say about each theme of the theme map that lists audit domains.

    For each domain of a theme, among the period's audits that assessed it:

    - too few audits (under ``thresholds.min_n_compare``): neutral;
    - good-or-better share below ``thresholds.audit_good_aspiration`` (the whole Wilson interval
      below it, :func:`qaanalysis.measures.levels.level_reading`, the rule feedback and KPIs
      follow too), or significantly declining against the previous period, or over the trend
      window (``audits.domain.<domain>.trend``): negative;
    - above the aspiration (the whole interval above it): positive;
    - otherwise (the interval takes in the aspiration): neutral, "not clearly different".

    A theme is negative if any of its domains is negative, positive if at least one is positive
    and none negative, neutral otherwise, absent if no audit assessed them. Each signal
    cites the ``audits.domain.<domain>.good_or_better`` Figures it rests on.

    Args:
        figures: the period's :func:`audit_figures` (its domain Figures are read).
    """
    by_id = {f.id: f for f in figures}
    aspiration = config.thresholds.audit_good_aspiration
    min_n = _min_n(config)
    out = []
    for theme_id, theme in config.themes.items():
        if not theme.audit_domains:
            continue
        readings, ids = [], []
        for domain in theme.audit_domains:
            figure = by_id.get(f"audits.domain.{domain}.good_or_better")
            if figure is None:
                continue
            ids.append(figure.id)
            label = _domain_labels(config)[domain]
            trend = by_id.get(f"audits.domain.{domain}.trend")
            falling = trend is not None and trend.direction == "declining"
            if falling:
                ids.append(trend.id)
            level = level_reading(
                figure.numerator or 0,
                figure.denominator or 0,
                aspiration,
                polarity="higher",
                alpha=_alpha(config),
                min_n=min_n,
            )
            below = level.position == "below"
            if figure.denominator < min_n and not falling:
                readings.append(
                    ("neutral", f"{label} assessed in too few audits to judge ({figure.text})")
                )
            elif below or figure.direction == "declining" or falling:
                why = (
                    [f"below the {aspiration:.0%} aspiration ({level.interval_text})"]
                    if below
                    else []
                )
                if figure.direction == "declining":
                    why.append("significantly down on the previous period")
                if falling:
                    why.append(
                        f"falling over the last {config.thresholds.trend_quarters} quarters "
                        f"({_trend_span(trend)})"
                    )
                why = ", ".join(why)
                readings.append(
                    ("negative", f"{label} rated good or better in {figure.text} of audits, {why}")
                )
            elif level.position == "above":
                readings.append(
                    (
                        "positive",
                        f"{label} rated good or better in {figure.text} of "
                        f"audits, above the {aspiration:.0%} aspiration ({level.interval_text})",
                    )
                )
            else:
                readings.append(
                    (
                        "neutral",
                        f"{label} rated good or better in {figure.text} of audits, not clearly "
                        f"different from the {aspiration:.0%} aspiration ({level.interval_text})",
                    )
                )
        if not readings:
            out.append(
                Signal(
                    theme_id,
                    "audits",
                    "absent",
                    "no audit in the period assessed this theme's domains",
                )
            )
            continue
        kinds = [k for k, _ in readings]
        if "negative" in kinds:
            signal = "negative"
        elif "positive" in kinds:
            signal = "positive"
        else:
            signal = "neutral"
        reason = "; ".join(text for _, text in readings)
        out.append(Signal(theme_id, "audits", signal, reason, tuple(ids)))
    return out
