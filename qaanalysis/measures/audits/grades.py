"""Grades: distributions by month, quarter, service, team, cohort and type; domains; trends."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import stats
from ...config import Config
from ...figures import Figure
from ...periods import Period, period_of
from ...sources import Evidence
from ..registry import label as declared
from .base import (
    DIRECTION_WORDS,
    PERCENT_SUFFIXES,
    SOURCE,
    _alpha,
    _between,
    _domain_labels,
    _group_values,
    _min_n,
    audits_in_period,
    share_columns,
    theme_of_domain,
    window,
)

# ----------------------------------------------------------------------------- grades


def grade_counts(
    audits: pd.DataFrame, *, config: Config, grade: str = "overall_grade", by: str | None = None
) -> pd.DataFrame:
    """Grade distribution of a frame of audits, with good-or-better and inadequate shares.

    Args:
        audits: audit rows (canonical columns).
        config: the configuration (grade scale, significance level).
        grade: ``overall_grade`` or a domain id; blank grades are not counted.
        by: a column to break down by (``month``, ``quarter`` or one of :data:`BREAKDOWNS`);
            None gives one row, "All audits".

    Returns:
        One row per group: the group, one count column per grade (best first), ``audits`` (graded),
        then ``good_or_better_count``/``_pct``/``_ci_low``/``_ci_high`` and the same for
        ``inadequate``.
    """
    labels = config.grades.labels
    alpha = _alpha(config)
    graded = audits[audits[grade].notna()]
    key = by or "scope"
    groups = _group_values(graded, by) if by else pd.Series("All audits", index=graded.index)
    rows = []
    for value, part in graded.groupby(groups, sort=True):
        counts = part[grade].value_counts()
        n = len(part)
        row = {key: value, **{g: int(counts.get(g, 0)) for g in labels}, "audits": n}
        row.update(
            share_columns(
                "good_or_better", part[grade].isin(config.grades.good_or_better).sum(), n, alpha
            )
        )
        row.update(
            share_columns("inadequate", part[grade].isin(config.grades.inadequate).sum(), n, alpha)
        )
        rows.append(row)
    columns = [key, *labels, "audits"] + [
        f"{p}{s}" for p in ("good_or_better", "inadequate") for s in ("_count", *PERCENT_SUFFIXES)
    ]
    out = pd.DataFrame(rows, columns=columns)
    for column in [*labels, "audits", "good_or_better_count", "inadequate_count"]:
        out[column] = out[column].astype("int64")
    return out


@stats.discovery.reusable
def grade_distribution(
    evidence: Evidence,
    period: Period,
    *,
    by: str | None = None,
    grade: str = "overall_grade",
    months: int | None = None,
) -> pd.DataFrame:
    """Grade distribution of the period's audits, overall or by a breakdown.

    Definition: audits whose ``audit_date`` is in the period (or in the ``months`` calendar months
    ending with it, for trend tables by month or quarter); counts of each grade; good-or-better and
    inadequate shares of the graded audits with 95% Wilson intervals. See :func:`grade_counts`.

    Args:
        by: ``service``, ``team``, ``cohort``, ``audit_type``, ``theme``, ``auditor_role``,
            ``month``, ``quarter`` or None (one row).
        grade: ``overall_grade`` or a domain id.
        months: widen the window to this many months ending with the period.
    """
    audits = audits_in_period(evidence, period, months=months)
    return grade_counts(audits, config=evidence.config, grade=grade, by=by)


@stats.discovery.reusable
def domain_summary(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Each configured domain: grade counts, good-or-better and inadequate shares, change.

    Definition: among the period's audits that assessed the domain, the count of each grade, the
    good-or-better and inadequate shares with 95% Wilson intervals, and the good-or-better share
    of the previous period with the judged change (Fisher's exact test; "too few to judge" under
    ``thresholds.min_n_compare`` in either period). ``rank`` orders domains from strongest (1) by
    good-or-better share; domains with fewer than ``min_n_compare`` audits are not ranked.
    """
    config = evidence.config
    current = audits_in_period(evidence, period)
    previous = audits_in_period(evidence, period.previous())
    labels = _domain_labels(config)
    rows = []
    for domain in config.domain_ids:
        table = grade_counts(current, config=config, grade=domain)
        if table.empty:
            row = {g: 0 for g in config.grades.labels}
            row.update(
                {
                    "audits": 0,
                    **share_columns("good_or_better", 0, 0, _alpha(config)),
                    **share_columns("inadequate", 0, 0, _alpha(config)),
                }
            )
        else:
            row = table.iloc[0].drop("scope").to_dict()
        k0 = int(previous[domain].isin(config.grades.good_or_better).sum())
        n0 = int(previous[domain].notna().sum())
        comparison = stats.compare_proportions(
            k0,
            n0,
            int(row["good_or_better_count"]),
            int(row["audits"]),
            alpha=_alpha(config),
            min_n=_min_n(config),
            polarity="higher",
        )
        rows.append(
            {
                "domain": domain,
                "domain_label": labels[domain],
                **row,
                "previous_audits": n0,
                "previous_good_or_better_count": k0,
                "previous_good_or_better_pct": k0 / n0 if n0 else math.nan,
                "change": DIRECTION_WORDS[comparison.direction],
                "p_value": comparison.p_value,
            }
        )
    out = pd.DataFrame(rows)
    for column in [
        *config.grades.labels,
        "audits",
        "good_or_better_count",
        "inadequate_count",
        "previous_audits",
        "previous_good_or_better_count",
    ]:
        out[column] = out[column].astype("int64")
    rankable = out["audits"] >= _min_n(config)
    ranks = out.loc[rankable, "good_or_better_pct"].rank(ascending=False, method="min")
    out["rank"] = ranks.reindex(out.index).astype("Int64")
    return out


@stats.discovery.reusable
def domain_extremes(
    evidence: Evidence, period: Period, *, top: int = 2, summary: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The ``top`` strongest and weakest domains by good-or-better share (ranked domains only).

    Returns the rows of :func:`domain_summary` with a ``position`` column, strongest first then
    weakest (weakest last, worst at the bottom). A domain is not both. ``summary`` is the
    period's :func:`domain_summary` when the caller has it already.
    """
    if summary is None:
        summary = domain_summary(evidence, period)
    ranked = summary[summary["rank"].notna()].sort_values(
        ["good_or_better_pct", "audits"], ascending=[False, False]
    )
    strongest = ranked.head(top)
    weakest = ranked.drop(strongest.index).tail(top)
    out = pd.concat([strongest.assign(position="strongest"), weakest.assign(position="weakest")])
    columns = [
        "position",
        "domain_label",
        "audits",
        "good_or_better_count",
        "good_or_better_pct",
        "good_or_better_ci_low",
        "good_or_better_ci_high",
        "inadequate_count",
        "inadequate_pct",
        "change",
    ]
    return out[columns].reset_index(drop=True)


@dataclass(frozen=True)
class DomainMatrix:
    """Good-or-better share of each domain (rows) by service (columns), for a heat map.

    Attributes:
        shares: fractions; NaN where fewer than ``min_n`` audits assessed the domain.
        counts: audits that assessed the domain, per cell.
        good: of those, audits grading it good or better, per cell.
        min_n: the fewest audits a cell's share rests on.
    """

    shares: pd.DataFrame
    counts: pd.DataFrame
    good: pd.DataFrame
    min_n: int


@stats.discovery.reusable
def domain_service_matrix(
    evidence: Evidence,
    period: Period,
    *,
    column: str = "service",
    months: int | None = None,
    min_n: int | None = None,
) -> DomainMatrix:
    """Good-or-better share per domain and service (or another breakdown, such as ``quarter``).

    Definition: for each domain and service, the period's audits (or those of the ``months``
    months ending with it) that assessed the domain, and their good-or-better share. Cells with
    fewer than ``min_n`` audits (default: above the suppression range,
    ``suppression.max_count + 1``) have no share, so none rests on a handful of audits. What a
    cell says, and what the public may see of it, is the narrative's (``narrative.audits``).
    """
    config = evidence.config
    min_n = config.suppression.max_count + 1 if min_n is None else min_n
    audits = audits_in_period(evidence, period, months=months)
    groups = sorted(_group_values(audits, column).dropna().unique().tolist(), key=str)
    labels = _domain_labels(config)
    index = [labels[d] for d in config.domain_ids]
    shares = pd.DataFrame(np.nan, index=index, columns=groups, dtype=float)
    counts = pd.DataFrame(0, index=index, columns=groups, dtype="int64")
    good = pd.DataFrame(0, index=index, columns=groups, dtype="int64")
    values = _group_values(audits, column)
    for domain in config.domain_ids:
        for group in groups:
            grades = audits.loc[values == group, domain].dropna()
            n = len(grades)
            k = int(grades.isin(config.grades.good_or_better).sum())
            counts.loc[labels[domain], group] = n
            good.loc[labels[domain], group] = k
            if n >= min_n:
                shares.loc[labels[domain], group] = k / n
    return DomainMatrix(shares=shares, counts=counts, good=good, min_n=min_n)


# ----------------------------------------------------------------------------- trend


@stats.discovery.reusable
def monthly_grades(evidence: Evidence, period: Period, *, months: int = 12) -> pd.DataFrame:
    """Overall grades month by month over the ``months`` months ending with the period.

    One row per calendar month (months with no audits included, with zero audits and blank
    shares): counts of each grade, good-or-better and inadequate shares with Wilson intervals.
    """
    config = evidence.config
    table = grade_distribution(evidence, period, by="month", months=months)
    start, end = window(period, months)
    all_months = pd.date_range(start, end, freq="MS")
    table = table.set_index("month").reindex(all_months)
    table.index.name = "month"
    for column in [*config.grades.labels, "audits", "good_or_better_count", "inadequate_count"]:
        table[column] = table[column].fillna(0).astype("int64")
    return table.reset_index()


def grade_trend(evidence: Evidence, period: Period, *, months: int = 12) -> stats.TrendResult:
    """Kendall's tau-b between audit month and overall grade over ``months`` months.

    Each audit is one pair (month number, grade score), the score counting up from 0 for the
    worst grade so that a positive tau means grades getting better; tau-b handles the many ties.
    Reported as "improving" or "declining" only when significant at
    ``thresholds.significance_alpha``; "too few to judge" under ``thresholds.min_n_compare``
    audits.
    """
    config = evidence.config
    audits = audits_in_period(evidence, period, months=months)
    labels = config.grades.labels
    score = {g: len(labels) - 1 - i for i, g in enumerate(labels)}
    grades = audits["overall_grade"].map(score).astype(float)
    times = (audits["audit_date"].dt.year * 12 + audits["audit_date"].dt.month).astype(float)
    return stats.ordinal_trend(
        grades.to_numpy(),
        times.to_numpy(),
        polarity="higher",
        alpha=_alpha(config),
        min_n=_min_n(config),
    )


def trend_window(period: Period, config: Config) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The ``thresholds.trend_quarters`` financial quarters ending with the one that holds the
    period's last day: the window over which a measure's trend is read."""
    last = period_of(period.end, "quarter")
    first = last
    for _ in range(config.thresholds.trend_quarters - 1):
        first = first.previous()
    return first.start, last.end


def _domain_trend_figure(evidence: Evidence, period: Period, domain: str) -> Figure | None:
    """``audits.domain.<domain>.trend``: is the domain's good-or-better share rising or falling
    over the trend window, not only against the previous period?

    Kendall's tau-b between each assessing audit's quarter (its number in the window) and whether
    the domain was graded good or better (1 or 0): a rank test of trend in a proportion, with the
    many ties handled. Improving or declining only when significant; the value is tau.
    """
    config = evidence.config
    start, end = trend_window(period, config)
    audits = evidence.audits[_between(evidence.audits["audit_date"], start, end)]
    grades = audits[domain].dropna()
    if grades.empty:
        return None
    dates = audits.loc[grades.index, "audit_date"]
    first_quarter = period_of(start, "quarter")
    quarter = (
        (dates.dt.year - first_quarter.start.year) * 12 + dates.dt.month - first_quarter.start.month
    ) // 3
    good = grades.isin(config.grades.good_or_better).astype(float)
    trend = stats.ordinal_trend(
        good.to_numpy(),
        quarter.to_numpy(dtype=float),
        polarity="higher",
        alpha=_alpha(config),
        min_n=_min_n(config),
    )
    by_quarter = good.groupby(quarter).agg(["sum", "count"])
    first, last = by_quarter.iloc[0], by_quarter.iloc[-1]
    label = _domain_labels(config)[domain]
    return Figure(
        id=f"audits.domain.{domain}.trend",
        label=declared(f"audits.domain.{domain}.trend", config, domain=label),
        value=None if math.isnan(trend.tau) else round(trend.tau, 3),
        unit="number",
        denominator=trend.n,
        period=period.code,
        direction=trend.direction,
        significant=trend.significant,
        source=SOURCE,
        theme=theme_of_domain(config, domain),
        comparison={
            "kind": "trend",
            "label": f"{start:%B %Y} to {end:%B %Y}",
            "value": None,
            "p_value": trend.p_value,
            "first": {"numerator": int(first["sum"]), "denominator": int(first["count"])},
            "last": {"numerator": int(last["sum"]), "denominator": int(last["count"])},
        },
        note=(
            f"{DIRECTION_WORDS[trend.direction]}; Kendall's tau-b between quarter and good or "
            "better; positive tau means more audits good or better"
        ),
    )
