"""Case-file audits: grades, domains, teams compared fairly, trend, immediate responses, repeat
concern, good practice and the audit programme.

Period rule: an audit belongs to the period that contains its ``audit_date``. Every share is a
fraction with its count and a 95% Wilson interval (METHODS.md, proportions). "Good or better" and
"inadequate" are the grades the configuration lists under ``grades.good_or_better`` and
``grades.inadequate``; a domain's share is among the audits that assessed it (a blank domain grade
means "not assessed" and is left out of that domain's denominator).

A change against the previous period is judged by Fisher's exact test (``stats.compare_proportions``):
"improving" or "declining" only when significant at ``thresholds.significance_alpha``, "too few to
judge" under ``thresholds.min_n_compare`` audits in either period, otherwise "broadly stable".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import disclosure, stats
from .. import figures as fig
from ..config import Config
from ..figures import Figure
from ..findings import Signal
from ..periods import Period, period_of, quarter_codes
from ..sources import Evidence

SOURCE = "audits"

# Columns an audit can be broken down by, besides the derived "month" and "quarter".
BREAKDOWNS = ("service", "team", "cohort", "audit_type", "theme", "auditor_role")

DIRECTION_WORDS = {
    "improving": "improving",
    "declining": "declining",
    "stable": "broadly stable",
    "not_judged": "too few to judge",
}

PERCENT_SUFFIXES = ("_pct", "_ci_low", "_ci_high")

# Whole-number columns that count no children or records, so are never suppressed.
NOT_COUNTS = frozenset({"rank", "quarters_above", "run_length", "auditors", "quota_per_auditor",
                        "seed"})  # fmt: skip

#: Declared measures of this module (the methods appendix reads these).
MEASURES = {
    "audits.count": {
        "label": "Audits completed",
        "numerator": "audits whose audit_date falls in the period",
        "denominator": None,
        "period_rule": "audit_date in the period",
    },
    "audits.overall.good_or_better": {
        "label": "Audits graded good or better overall",
        "numerator": "audits in the period with an overall grade in grades.good_or_better",
        "denominator": "audits in the period",
        "period_rule": "audit_date in the period; compared with the previous period (Fisher)",
    },
    "audits.overall.inadequate": {
        "label": "Audits graded inadequate overall",
        "numerator": "audits in the period with an overall grade in grades.inadequate",
        "denominator": "audits in the period",
        "period_rule": "audit_date in the period; compared with the previous period (Fisher)",
    },
    "audits.overall.trend": {
        "label": "Trend in overall grades over the last 12 months",
        "numerator": "Kendall's tau-b between audit month and overall grade (positive: better)",
        "denominator": "audits in the 12 months ending with the period",
        "period_rule": "12 calendar months ending on the period's last day",
    },
    "audits.domain.<domain>.good_or_better": {
        "label": "<domain>: good or better",
        "numerator": "audits in the period grading the domain good or better",
        "denominator": "audits in the period that assessed the domain (grade not blank)",
        "period_rule": "audit_date in the period; compared with the previous period (Fisher)",
    },
    "audits.domain.<domain>.trend": {
        "label": "<domain>: trend in good or better over thresholds.trend_quarters quarters",
        "numerator": "Kendall's tau-b between the quarter of each audit assessing the domain and "
        "whether it was graded good or better (positive: more good or better)",
        "denominator": "audits assessing the domain in the trend window",
        "period_rule": "thresholds.trend_quarters financial quarters ending with the period's",
    },
    "audits.immediate_responses": {
        "label": "Immediate responses raised",
        "numerator": "audits in the period with immediate_response = yes",
        "denominator": None,
        "period_rule": "audit_date in the period (the form is raised at the audit)",
    },
    "audits.repeat_inadequate.practitioners": {
        "label": "Practitioners with consecutive inadequate audits",
        "numerator": "practitioners whose run of thresholds.repeat_inadequate_run or more "
        "consecutive inadequate audits includes an audit in the period",
        "denominator": None,
        "period_rule": "runs read over all audits up to the period end",
    },
    "audits.teams.below_funnel": {
        "label": "Teams below the 95% funnel limit (good or better, last 12 months)",
        "numerator": "teams whose good-or-better share is below the lower 95% funnel limit "
        "around the authority's share",
        "denominator": None,
        "period_rule": "12 calendar months ending on the period's last day",
    },
    "audits.teams.persistent_inadequate": {
        "label": "Teams with a persistently high inadequate share",
        "numerator": "teams above thresholds.audit_inadequate_tolerance in each of the last "
        "thresholds.team_inadequate_quarters quarters",
        "denominator": None,
        "period_rule": "the quarters ending with the one that holds the period's last day",
    },
}


# ----------------------------------------------------------------------------- helpers


def window(period: Period, months: int | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of ``months`` calendar months ending with the period (or the period)."""
    if months is None:
        return period.start, period.end
    start = period.end_exclusive - pd.DateOffset(months=months)
    return min(start, period.start), period.end


def _between(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    return (dates >= start) & (dates < end + pd.Timedelta(days=1))


def audits_in_period(
    evidence: Evidence, period: Period, *, months: int | None = None
) -> pd.DataFrame:
    """The audits whose ``audit_date`` falls in the period (or the ``months`` ending with it)."""
    audits = evidence.audits
    start, end = window(period, months)
    return audits[_between(audits["audit_date"], start, end)]


def _alpha(config: Config) -> float:
    return config.thresholds.significance_alpha


def _min_n(config: Config) -> int:
    return config.thresholds.min_n_compare


def share_columns(prefix: str, k: int, n: int, alpha: float) -> dict:
    """``<prefix>_count``, ``_pct``, ``_ci_low``, ``_ci_high``: a share with its Wilson interval."""
    low, high = stats.wilson_interval(int(k), int(n), alpha=alpha) if n else (math.nan, math.nan)
    return {
        f"{prefix}_count": int(k),
        f"{prefix}_pct": k / n if n else math.nan,
        f"{prefix}_ci_low": low,
        f"{prefix}_ci_high": high,
    }


def table_options(frame: pd.DataFrame) -> dict:
    """Display options for :meth:`Session.table`, read from a measure table's column names.

    Integer columns are counts (suppressed for the public audience); ``_pct``, ``_ci_low`` and
    ``_ci_high`` columns are percentages, each suppressed with its ``_count`` column.

    Example:
        ``s.table(t, name="grades", title="...", **table_options(t))``
    """
    counts = [c for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])
              and not pd.api.types.is_bool_dtype(frame[c]) and c not in NOT_COUNTS]  # fmt: skip
    percents = [c for c in frame.columns if str(c).endswith(PERCENT_SUFFIXES)]
    percent_of = {}
    for column in percents:
        stem = str(column)
        for suffix in PERCENT_SUFFIXES:
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        if f"{stem}_count" in frame.columns:
            percent_of[column] = f"{stem}_count"
    return {"count_columns": counts, "percent_columns": percents, "percent_of": percent_of}








def _domain_labels(config: Config) -> dict[str, str]:
    return {d.id: d.label for d in config.domains}


def theme_of_domain(config: Config, domain: str) -> str | None:
    """The first theme of the theme map that lists ``domain`` among its audit domains."""
    return next((t for t, theme in config.themes.items() if domain in theme.audit_domains), None)


def _group_values(audits: pd.DataFrame, by: str) -> pd.Series:
    if by == "month":
        return audits["audit_date"].dt.to_period("M").dt.to_timestamp()
    if by == "quarter":
        return quarter_codes(audits["audit_date"])
    if by not in audits.columns:
        raise ValueError(f"cannot break audits down by {by!r}; use month, quarter or one of "
                         f"{', '.join(BREAKDOWNS)}")  # fmt: skip
    return audits[by].astype(object).where(audits[by].notna(), "not recorded")


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
        row.update(share_columns("good_or_better",
                                  part[grade].isin(config.grades.good_or_better).sum(), n, alpha))  # fmt: skip
        row.update(share_columns("inadequate",
                                  part[grade].isin(config.grades.inadequate).sum(), n, alpha))  # fmt: skip
        rows.append(row)
    columns = [key, *labels, "audits"] + [
        f"{p}{s}" for p in ("good_or_better", "inadequate") for s in ("_count", *PERCENT_SUFFIXES)
    ]
    out = pd.DataFrame(rows, columns=columns)
    for column in [*labels, "audits", "good_or_better_count", "inadequate_count"]:
        out[column] = out[column].astype("int64")
    return out


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
            row.update({"audits": 0, **share_columns("good_or_better", 0, 0, _alpha(config)),
                        **share_columns("inadequate", 0, 0, _alpha(config))})  # fmt: skip
        else:
            row = table.iloc[0].drop("scope").to_dict()
        k0 = int(previous[domain].isin(config.grades.good_or_better).sum())
        n0 = int(previous[domain].notna().sum())
        comparison = stats.compare_proportions(
            k0, n0, int(row["good_or_better_count"]), int(row["audits"]),
            alpha=_alpha(config), min_n=_min_n(config), polarity="higher",
        )  # fmt: skip
        rows.append({
            "domain": domain, "domain_label": labels[domain], **row,
            "previous_audits": n0, "previous_good_or_better_count": k0,
            "previous_good_or_better_pct": k0 / n0 if n0 else math.nan,
            "change": DIRECTION_WORDS[comparison.direction],
            "p_value": comparison.p_value,
        })  # fmt: skip
    out = pd.DataFrame(rows)
    for column in [*config.grades.labels, "audits", "good_or_better_count", "inadequate_count",
                   "previous_audits", "previous_good_or_better_count"]:  # fmt: skip
        out[column] = out[column].astype("int64")
    rankable = out["audits"] >= _min_n(config)
    ranks = out.loc[rankable, "good_or_better_pct"].rank(ascending=False, method="min")
    out["rank"] = ranks.reindex(out.index).astype("Int64")
    return out


def domain_extremes(evidence: Evidence, period: Period, *, top: int = 2,
                    summary: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
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
    columns = ["position", "domain_label", "audits", "good_or_better_count", "good_or_better_pct",
               "good_or_better_ci_low", "good_or_better_ci_high", "inadequate_count",
               "inadequate_pct", "change"]  # fmt: skip
    return out[columns].reset_index(drop=True)


@dataclass(frozen=True)
class DomainMatrix:
    """Good-or-better share of each domain (rows) by service (columns), for a heat map.

    Attributes:
        shares: fractions; NaN where fewer than ``min_n`` audits assessed the domain.
        counts: audits that assessed the domain, per cell.
        labels: cell text, "62% (18/29)", or "too few" / "" (none assessed).
    """

    shares: pd.DataFrame
    counts: pd.DataFrame
    labels: pd.DataFrame


def domain_service_matrix(
    evidence: Evidence,
    period: Period,
    *,
    column: str = "service",
    months: int | None = None,
    min_n: int | None = None,
    audience: str = "internal",
) -> DomainMatrix:
    """Good-or-better share per domain and service (or another breakdown, such as ``quarter``).

    Definition: for each domain and service, the period's audits (or those of the ``months``
    months ending with it) that assessed the domain, and their good-or-better share. Cells with
    fewer than ``min_n`` audits (default: above the suppression range,
    ``suppression.max_count + 1``) are left blank ("too few"), so no share rests on a handful of
    audits. For the public audience a cell is also withheld (the suppression symbol) when its
    good-or-better count, or the count of the rest, is in the suppression range, and labels carry
    no counts.
    """
    config = evidence.config
    min_n = config.suppression.max_count + 1 if min_n is None else min_n
    public = disclosure.check_audience(audience) == "public"
    audits = audits_in_period(evidence, period, months=months)
    groups = sorted(_group_values(audits, column).dropna().unique().tolist(), key=str)
    labels = _domain_labels(config)
    index = [labels[d] for d in config.domain_ids]
    shares = pd.DataFrame(np.nan, index=index, columns=groups, dtype=float)
    counts = pd.DataFrame(0, index=index, columns=groups, dtype="int64")
    text = pd.DataFrame("", index=index, columns=groups, dtype=object)
    values = _group_values(audits, column)
    for domain in config.domain_ids:
        for group in groups:
            grades = audits.loc[values == group, domain].dropna()
            n = len(grades)
            k = int(grades.isin(config.grades.good_or_better).sum())
            counts.loc[labels[domain], group] = n
            small = public and any(disclosure.is_small(x, config.suppression) for x in (k, n - k))
            if n >= min_n and small:
                text.loc[labels[domain], group] = config.suppression.symbol
            elif n >= min_n:
                shares.loc[labels[domain], group] = k / n
                text.loc[labels[domain], group] = (
                    f"{k / n:.0%}" if public else f"{k / n:.0%}\n({k}/{n})"
                )
            elif n:
                text.loc[labels[domain], group] = "too few"
    return DomainMatrix(shares=shares, counts=counts, labels=text)


# ----------------------------------------------------------------------------- trend


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
    return stats.ordinal_trend(grades.to_numpy(), times.to_numpy(), polarity="higher",
                               alpha=_alpha(config), min_n=_min_n(config))  # fmt: skip


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
    quarter = ((dates.dt.year - first_quarter.start.year) * 12
               + dates.dt.month - first_quarter.start.month) // 3  # fmt: skip
    good = grades.isin(config.grades.good_or_better).astype(float)
    trend = stats.ordinal_trend(good.to_numpy(), quarter.to_numpy(dtype=float), polarity="higher",
                                alpha=_alpha(config), min_n=_min_n(config))  # fmt: skip
    by_quarter = good.groupby(quarter).agg(["sum", "count"])
    first, last = by_quarter.iloc[0], by_quarter.iloc[-1]
    label = _domain_labels(config)[domain]
    return Figure(
        id=f"audits.domain.{domain}.trend",
        label=f"{label}: trend in good or better over {config.thresholds.trend_quarters} quarters",
        value=None if math.isnan(trend.tau) else round(trend.tau, 3), unit="number",
        denominator=trend.n, period=period.code, direction=trend.direction,
        significant=trend.significant, source=SOURCE, theme=theme_of_domain(config, domain),
        comparison={"kind": "trend", "label": f"{start:%B %Y} to {end:%B %Y}", "value": None,
                    "p_value": trend.p_value,
                    "first": {"numerator": int(first["sum"]), "denominator": int(first["count"])},
                    "last": {"numerator": int(last["sum"]), "denominator": int(last["count"])}},
        note=(f"{DIRECTION_WORDS[trend.direction]}; Kendall's tau-b between quarter and good or "
              "better; positive tau means more audits good or better"),
    )  # fmt: skip


# ----------------------------------------------------------------------------- teams


@dataclass(frozen=True)
class TeamFunnel:
    """Teams' good-or-better shares against funnel limits around the authority's share.

    Attributes:
        points: one row per team: ``team`` (a neutral label when not named), ``service``, ``k``
            (good or better), ``n`` (audits), ``share``, its Wilson interval and ``position``
            (``within``, ``below_95``, ``below_998``, ``above_95``, ``above_998``).
        limits: the funnel limits for every audit count from 1 to the largest team's
            (``n``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``).
        centre: the authority's good-or-better share over the window.
        start, end: the window.
    """

    points: pd.DataFrame
    limits: pd.DataFrame
    centre: float
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def outside(self) -> pd.DataFrame:
        """Teams beyond the 95% limits, lowest share first."""
        return self.points[self.points["position"] != "within"].sort_values("share")


def comparable(audits: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The audits whose type is drawn the same way in every team
    (``audit_programme.comparable_types``; a blank type counts as standard): what team
    comparisons use, since chosen samples such as dip samples and re-audits are not comparable."""
    kinds = audits["audit_type"].fillna("standard") if "audit_type" in audits else None
    if kinds is None:
        return audits
    return audits[kinds.isin(config.audit_programme.comparable_types)]


def team_funnel(
    evidence: Evidence, period: Period, *, months: int = 12, named: bool = True
) -> TeamFunnel:
    """Funnel plot data: each team's good-or-better share against its number of audits.

    Definition: comparable audits (:func:`comparable`) in the ``months`` calendar months ending
    with the period (12 by default, so small teams have enough audits to read); centre line the authority's good-or-better share
    over the same window; exact binomial limits at 95% and 99.8% (Spiegelhalter 2005,
    ``stats.funnel_limits``). A team beyond a 95% limit differs from the authority by more than
    chance would usually give; beyond 99.8% almost certainly. Small teams have wide limits, so
    their extreme shares are not over-read.

    Args:
        named: show team names (internal and leadership audiences). When False, teams are
            labelled "Team 1", "Team 2", ... in order of audits and the service is withheld.
    """
    config = evidence.config
    audits = comparable(audits_in_period(evidence, period, months=months), config)
    start, end = window(period, months)
    audits = audits[["team", "service", "overall_grade"]]
    good = audits["overall_grade"].isin(config.grades.good_or_better)
    total_k, total_n = int(good.sum()), len(audits)
    centre = total_k / total_n if total_n else math.nan
    columns = ["team", "service", "k", "n", "share", "ci_low", "ci_high", "position"]
    if not total_n:
        return TeamFunnel(pd.DataFrame(columns=columns), pd.DataFrame(), centre, start, end)
    grouped = audits.assign(good=good).groupby("team", sort=True)
    rows = []
    for team, part in grouped:
        k, n = int(part["good"].sum()), len(part)
        low, high = stats.wilson_interval(k, n, alpha=_alpha(config))
        service = part["service"].mode().iloc[0] if part["service"].notna().any() else None
        # Every audit good (or none): no team can differ from the authority, and the binomial
        # limits collapse onto the centre line.
        position = stats.funnel_position(k, n, p0=centre) if 0 < centre < 1 else "within"
        rows.append({"team": team, "service": service, "k": k, "n": n, "share": k / n,
                     "ci_low": low, "ci_high": high, "position": position})  # fmt: skip
    points = pd.DataFrame(rows, columns=columns)
    points[["k", "n"]] = points[["k", "n"]].astype("int64")
    if not named:
        points = points.sort_values(["n", "team"], ascending=[False, True]).reset_index(drop=True)
        points["team"] = [f"Team {i + 1}" for i in range(len(points))]
        points["service"] = None
    sizes = np.arange(1, int(points["n"].max()) + 1)
    if 0 < centre < 1:
        limits = stats.funnel_limits(sizes, p0=centre)
    else:
        limits = pd.DataFrame({"n": sizes, **{f"{side}_{level}": centre for side in ("lower", "upper")
                                              for level in ("95", "998")}})  # fmt: skip
    return TeamFunnel(points, limits, centre, start, end)




def persistent_inadequate_teams(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Teams with a persistently high share of inadequate audits (Sefton's repeat-concern rule).

    Definition: for the ``thresholds.team_inadequate_quarters`` financial quarters ending with
    the quarter that holds the period's last day, each team's inadequate share per quarter among
    its comparable audits (:func:`comparable`). A team is ``persistent`` when its share exceeds
    ``thresholds.audit_inadequate_tolerance`` in every one of those quarters and it had at least
    ``thresholds.persistent_min_audits`` audits in each (a quarter with no audits, or too few,
    breaks the run: 3 inadequate of 16 audits is not evidence of a persistent problem).
    ``pooled_above_tolerance`` says whether the lower 95% Wilson limit of the pooled share is
    above the tolerance, i.e. whether the excess is more than chance.

    Returns:
        One row per team with audits in those quarters: ``team``, ``service``,
        ``quarters_above``, ``audits``, ``inadequate_count``/``_pct``/``_ci_low``/``_ci_high``,
        ``latest_quarter_inadequate_pct``, ``persistent``, ``pooled_above_tolerance``;
        persistent teams first.
    """
    config = evidence.config
    tolerance = config.thresholds.audit_inadequate_tolerance
    quarters_needed = config.thresholds.team_inadequate_quarters
    last = period_of(period.end, "quarter")
    quarters = [last]
    while len(quarters) < quarters_needed:
        quarters.insert(0, quarters[0].previous())
    audits = evidence.audits[_between(evidence.audits["audit_date"], quarters[0].start, last.end)]
    audits = comparable(audits, config)[["team", "service", "audit_date", "overall_grade"]]
    min_audits = config.thresholds.persistent_min_audits
    inadequate = audits["overall_grade"].isin(config.grades.inadequate)
    quarter = quarter_codes(audits["audit_date"])
    rows = []
    for team, part in audits.assign(bad=inadequate, quarter=quarter).groupby("team", sort=True):
        shares, sizes = [], []
        for q in quarters:
            in_q = part[part["quarter"] == q.code]
            shares.append(in_q["bad"].mean() if len(in_q) else math.nan)
            sizes.append(len(in_q))
        above = [s > tolerance for s in shares if not math.isnan(s)]
        enough = min(sizes) >= min_audits
        k, n = int(part["bad"].sum()), len(part)
        row = {"team": team, "service": part["service"].mode().iloc[0],
               "quarters_above": int(sum(above)), "audits": n,
               **share_columns("inadequate", k, n, _alpha(config)),
               "latest_quarter_inadequate_pct": shares[-1],
               "persistent": enough and len(above) == quarters_needed and all(above)}  # fmt: skip
        row["pooled_above_tolerance"] = bool(row["inadequate_ci_low"] > tolerance)
        rows.append(row)
    columns = ["team", "service", "quarters_above", "audits", "inadequate_count", "inadequate_pct",
               "inadequate_ci_low", "inadequate_ci_high", "latest_quarter_inadequate_pct",
               "persistent", "pooled_above_tolerance"]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    out[["quarters_above", "audits", "inadequate_count"]] = out[
        ["quarters_above", "audits", "inadequate_count"]
    ].astype("int64")
    return out.sort_values(["persistent", "inadequate_pct"], ascending=[False, False]).reset_index(
        drop=True
    )


# ----------------------------------------------------------------------------- repeat concern


def repeat_inadequate_practitioners(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Practitioners with consecutive inadequate audits (Sefton: 2 or more in a row).

    Definition: each practitioner's audits up to the period end, in date order (audit id breaks
    ties); a run is consecutive audits whose overall grade is inadequate. A run of at least
    ``thresholds.repeat_inadequate_run`` is listed when at least one of its audits falls in the
    period, so a run is raised when it forms and again while it continues, not every quarter
    after it ended. Audits without a practitioner are left out. Pseudonymous ids only: an
    internal table.

    Returns:
        One row per run: ``practitioner_id``, ``team`` (of the latest audit in the run),
        ``run_length``, ``first_audit_date``, ``last_audit_date``, ``audit_ids`` (comma
        separated), ``ongoing`` (the practitioner's latest audit is the run's last).
    """
    config = evidence.config
    audits = evidence.audits
    keep = audits["practitioner_id"].notna() & (audits["audit_date"] <= period.end)
    audits = audits.loc[
        keep, ["practitioner_id", "audit_date", "audit_id", "team", "overall_grade"]
    ]
    audits = audits.sort_values(["practitioner_id", "audit_date", "audit_id"]).reset_index(
        drop=True
    )
    who = audits["practitioner_id"]
    bad = audits["overall_grade"].isin(config.grades.inadequate)
    # a new run starts wherever the practitioner or the inadequate flag changes
    run = ((who != who.shift()) | (bad != bad.shift())).cumsum()
    last_of_practitioner = who != who.shift(-1)
    runs = audits[bad].assign(
        run=run[bad], in_period=period.contains(audits.loc[bad, "audit_date"]),
        is_last=last_of_practitioner[bad],
    ).groupby("run", sort=False).agg(
        practitioner_id=("practitioner_id", "first"), team=("team", "last"),
        run_length=("audit_id", "size"), first_audit_date=("audit_date", "first"),
        last_audit_date=("audit_date", "last"), audit_ids=("audit_id", ", ".join),
        in_period=("in_period", "any"), ongoing=("is_last", "last"),
    )  # fmt: skip
    runs = runs[(runs["run_length"] >= config.thresholds.repeat_inadequate_run) & runs["in_period"]]
    columns = ["practitioner_id", "team", "run_length", "first_audit_date", "last_audit_date",
               "audit_ids", "ongoing"]  # fmt: skip
    out = runs.reset_index(drop=True).reindex(columns=columns)
    out["run_length"] = out["run_length"].astype("int64")
    out["ongoing"] = out["ongoing"].astype(bool)
    return out.sort_values(["run_length", "practitioner_id"], ascending=[False, True]).reset_index(
        drop=True
    )


# ----------------------------------------------------------------------------- immediate responses


def immediate_responses(evidence: Evidence, period: Period, *, by: str = "service") -> pd.DataFrame:
    """Immediate responses raised at audit in the period, by service (or another breakdown).

    Definition: audits in the period with ``immediate_response`` yes; the share is of the
    period's audits in the group (audits with the field blank count as no response raised).
    Sefton raises one for a safeguarding concern or no supervision recorded for 6 months or more.
    """
    config = evidence.config
    audits = audits_in_period(evidence, period)
    raised = audits["immediate_response"].fillna(False).astype(bool)
    groups = _group_values(audits, by)
    rows = []
    for value, part in raised.groupby(groups, sort=True):
        rows.append({by: value, "audits": len(part),
                     **share_columns("immediate_response", int(part.sum()), len(part),
                                      _alpha(config))})  # fmt: skip
    columns = [by, "audits"] + [f"immediate_response{s}" for s in ("_count", *PERCENT_SUFFIXES)]
    out = pd.DataFrame(rows, columns=columns)
    out[["audits", "immediate_response_count"]] = out[
        ["audits", "immediate_response_count"]
    ].astype("int64")
    return out


# ----------------------------------------------------------------------------- good practice


def good_practice(evidence: Evidence, period: Period, *, by: str = "theme") -> pd.DataFrame:
    """Good and outstanding practice found at audit, by audit theme or by domain.

    Definition (``by="theme"``): the period's audits per audit theme (blank: "not recorded"),
    the count graded good or better overall, and how many of those the best grade on the scale.
    (``by="domain"``): per configured domain, the audits that assessed it and the count graded
    good or better and best on the scale in that domain. Feeds Sefton's "Make a Difference"
    summaries.
    """
    config = evidence.config
    best = config.grades.labels[0]
    audits = audits_in_period(evidence, period)
    alpha = _alpha(config)
    rows = []
    if by == "domain":
        labels = _domain_labels(config)
        for domain in config.domain_ids:
            grades = audits[domain].dropna()
            rows.append({"domain_label": labels[domain], "audits": len(grades),
                         **share_columns("good_or_better",
                                          int(grades.isin(config.grades.good_or_better).sum()),
                                          len(grades), alpha),
                         "best_grade_count": int((grades == best).sum())})  # fmt: skip
        key = "domain_label"
    else:
        groups = _group_values(audits, by)
        for value, part in audits.groupby(groups, sort=True):
            grades = part["overall_grade"]
            rows.append({by: value, "audits": len(part),
                         **share_columns("good_or_better",
                                          int(grades.isin(config.grades.good_or_better).sum()),
                                          len(part), alpha),
                         "best_grade_count": int((grades == best).sum())})  # fmt: skip
        key = by
    columns = [key, "audits"] + [f"good_or_better{s}" for s in ("_count", *PERCENT_SUFFIXES)]
    out = pd.DataFrame(rows, columns=[*columns, "best_grade_count"])
    for column in ("audits", "good_or_better_count", "best_grade_count"):
        out[column] = out[column].astype("int64")
    return out.sort_values("good_or_better_count", ascending=False).reset_index(drop=True)


def good_practice_audits(evidence: Evidence, period: Period) -> pd.DataFrame:
    """The period's audits graded good or better overall, for "Make a Difference" summaries.

    One row per audit (internal: pseudonymous ids): ``audit_id``, ``audit_date``, ``team``,
    ``practitioner_id``, ``theme``, ``overall_grade`` and ``best_domains`` (the domains given the
    best grade on the scale, else those graded good or better), best grade first, then date.
    """
    config = evidence.config
    labels = _domain_labels(config)
    audits = audits_in_period(evidence, period)
    good = audits[audits["overall_grade"].isin(config.grades.good_or_better)]
    best = config.grades.labels[0]

    def strongest(row: pd.Series) -> str:
        top = [labels[d] for d in config.domain_ids if row[d] == best]
        if not top:
            top = [labels[d] for d in config.domain_ids if row[d] in config.grades.good_or_better]
        return "; ".join(top)

    position = {g: i for i, g in enumerate(config.grades.labels)}
    out = good.assign(
        best_domains=good.apply(strongest, axis=1) if len(good) else pd.Series(dtype=object),
        _position=good["overall_grade"].map(position),
    ).sort_values(["_position", "audit_date", "audit_id"])
    columns = ["audit_id", "audit_date", "team", "practitioner_id", "theme", "overall_grade",
               "best_domains"]  # fmt: skip
    return out[columns].reset_index(drop=True)


# ----------------------------------------------------------------------------- programme


def _expected_per_role(config: Config) -> dict[str, tuple[int, int]]:
    """role -> (quota per auditor per month, auditors on the roster with the role)."""
    roster = pd.Series([a.role for a in config.audit_programme.roster], dtype=object)
    return {role: (quota, int((roster == role).sum()))
            for role, quota in config.audit_programme.quotas.items()}  # fmt: skip


def audit_programme(evidence: Evidence, period: Period, *, by_month: bool = False) -> pd.DataFrame:
    """Audits completed against the programme's quotas, by auditor role (and month).

    Definition: ``audit_programme.quotas`` gives each role's audits per auditor per month; the
    expected number is the quota times the auditors with that role on ``audit_programme.roster``
    times the months of the period. Completed: the period's audits whose ``auditor_role`` is that
    role. Roles that completed audits but have no quota are listed with no expected number.

    Returns:
        ``auditor_role`` (and ``month``), ``auditors``, ``quota_per_auditor``, ``expected``,
        ``completed``, ``completed_pct`` (completed / expected; may exceed 100%).
    """
    config = evidence.config
    audits = audits_in_period(evidence, period)
    expected = _expected_per_role(config)
    roles = list(expected) + sorted(set(audits["auditor_role"].dropna()) - set(expected))
    months = [m.start for m in period.months()] if by_month else [None]
    month_of = audits["audit_date"].dt.to_period("M").dt.to_timestamp()
    rows = []
    for role in roles:
        quota, auditors = expected.get(role, (None, 0))
        for month in months:
            mask = audits["auditor_role"] == role
            if month is not None:
                mask &= month_of == month
            n_months = 1 if month is not None else len(period.months())
            target = quota * auditors * n_months if quota is not None else None
            completed = int(mask.sum())
            row = {"auditor_role": role}
            if by_month:
                row["month"] = month
            row.update({"auditors": auditors,
                        "quota_per_auditor": quota if quota is not None else math.nan,
                        "expected": target if target is not None else math.nan,
                        "completed": completed,
                        "completed_pct": completed / target if target else math.nan})  # fmt: skip
            rows.append(row)
    columns = ["auditor_role", *(["month"] if by_month else []), "auditors", "quota_per_auditor",
               "expected", "completed", "completed_pct"]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    out[["auditors", "completed"]] = out[["auditors", "completed"]].astype("int64")
    return out


# ----------------------------------------------------------------------------- figures, signals


def _domain_figure(evidence: Evidence, period: Period, domain: str, *,
                   frames: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> Figure | None:  # fmt: skip
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
        f"audits.domain.{domain}.good_or_better", f"{_domain_labels(config)[domain]}: good or better",
        k=int(current.isin(good).sum()), n=n, period=period.code, source=SOURCE,
        theme=theme_of_domain(config, domain),
        previous=(int(previous.isin(good).sum()), int(previous.notna().sum())),
        previous_period=period.previous().code, polarity="higher", alpha=_alpha(config),
        min_n=_min_n(config),
    )  # fmt: skip


def audit_figures(evidence: Evidence, period: Period, *, funnel: TeamFunnel | None = None,
                  persistent: pd.DataFrame | None = None, repeats: pd.DataFrame | None = None
                  ) -> list[Figure]:  # fmt: skip
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
        fig.count("audits.count", "Audits completed", len(current), previous=len(previous),
                  **common),  # fmt: skip
        fig.proportion(
            "audits.overall.good_or_better", "Audits graded good or better overall",
            k=int(current["overall_grade"].isin(grades.good_or_better).sum()), n=len(current),
            previous=(int(previous["overall_grade"].isin(grades.good_or_better).sum()),
                      len(previous)),
            polarity="higher", **shares,
        ),
        fig.proportion(
            "audits.overall.inadequate", "Audits graded inadequate overall",
            k=int(current["overall_grade"].isin(grades.inadequate).sum()), n=len(current),
            previous=(int(previous["overall_grade"].isin(grades.inadequate).sum()), len(previous)),
            polarity="lower", **shares,
        ),
    ]  # fmt: skip
    trend = grade_trend(evidence, period)
    start, end = window(period, 12)
    out.append(Figure(
        id="audits.overall.trend", label="Trend in overall grades (last 12 months, Kendall's tau-b)",
        value=None if math.isnan(trend.tau) else round(trend.tau, 3), unit="number",
        denominator=trend.n, period=period.code, direction=trend.direction,
        significant=trend.significant, source=SOURCE,
        comparison={"kind": "trend", "label": f"{start:%B %Y} to {end:%B %Y}",
                    "value": None, "p_value": trend.p_value},
        note=f"{DIRECTION_WORDS[trend.direction]}; positive tau means grades getting better",
    ))  # fmt: skip
    for domain in config.domain_ids:
        figure = _domain_figure(evidence, period, domain, frames=(current, previous))
        if figure is not None:
            out.append(figure)
            trend = _domain_trend_figure(evidence, period, domain)
            if trend is not None:
                out.append(trend)
    raised = int(current["immediate_response"].fillna(False).astype(bool).sum())
    raised_before = int(previous["immediate_response"].fillna(False).astype(bool).sum())
    out.append(fig.count("audits.immediate_responses", "Immediate responses raised at audit",
                         raised, previous=raised_before, **common))  # fmt: skip
    if repeats is None:
        repeats = repeat_inadequate_practitioners(evidence, period)
    out.append(fig.count(
        "audits.repeat_inadequate.practitioners",
        f"Practitioners with {config.thresholds.repeat_inadequate_run} or more consecutive "
        "inadequate audits", repeats["practitioner_id"].nunique(), period=period.code, source=SOURCE,
    ))  # fmt: skip
    if funnel is None:
        funnel = team_funnel(evidence, period)
    below = int(funnel.points["position"].astype(str).str.startswith("below").sum())
    out.append(fig.count("audits.teams.below_funnel",
                         "Teams below the 95% funnel limit (good or better, last 12 months)",
                         below, period=period.code, source=SOURCE,
                         note=f"around the authority's {funnel.centre:.0%}"))  # fmt: skip
    if persistent is None:
        persistent = persistent_inadequate_teams(evidence, period)
    out.append(fig.count("audits.teams.persistent_inadequate",
                         "Teams with a persistently high inadequate share",
                         int(persistent["persistent"].sum()), period=period.code, source=SOURCE))  # fmt: skip
    return out






def _trend_span(trend: Figure) -> str:
    """"from 62% (18 of 29) to 38% (10 of 26)": a trend Figure's first and last quarters."""
    comp = trend.comparison or {}
    first, last = comp.get("first"), comp.get("last")
    if not first or not last or not first["denominator"] or not last["denominator"]:
        return "significant"
    return (f"from {first['numerator'] / first['denominator']:.0%} ({first['numerator']} of "
            f"{first['denominator']}) to {last['numerator'] / last['denominator']:.0%} "
            f"({last['numerator']} of {last['denominator']})")


def signals(figures: list[Figure], *, config: Config) -> list[Signal]:
    """What audits say about each theme of the theme map that lists audit domains.

    For each domain of a theme, among the period's audits that assessed it:

    - too few audits (under ``thresholds.min_n_compare``): neutral;
    - good-or-better share below ``thresholds.audit_good_aspiration``, or significantly
      declining against the previous period, or over the trend window
      (``audits.domain.<domain>.trend``): negative;
    - otherwise (at or above the aspiration): positive.

    A theme is negative if any of its domains is negative, positive if at least one is positive
    and none negative, neutral if all are too few, absent if no audit assessed them. Each signal
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
            if figure.denominator < min_n and not falling:
                readings.append(("neutral", f"{label} assessed in too few audits to judge "
                                            f"({figure.text})"))  # fmt: skip
            elif figure.value < aspiration or figure.direction == "declining" or falling:
                why = [f"below the {aspiration:.0%} aspiration"] if figure.value < aspiration else []
                if figure.direction == "declining":
                    why.append("significantly down on the previous period")
                if falling:
                    why.append(f"falling over the last {config.thresholds.trend_quarters} quarters "
                               f"({_trend_span(trend)})")  # fmt: skip
                why = ", ".join(why)
                readings.append(("negative", f"{label} rated good or better in {figure.text} of "
                                             f"audits, {why}"))  # fmt: skip
            else:
                readings.append(("positive", f"{label} rated good or better in {figure.text} of "
                                             f"audits, at or above the {aspiration:.0%} aspiration"))  # fmt: skip
        if not readings:
            out.append(Signal(theme_id, "audits", "absent",
                              "no audit in the period assessed this theme's domains"))  # fmt: skip
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
