"""Declarations and shared helpers of the audit measures: measures declared, windows, and the
share columns and table options of :mod:`qaanalysis.measures.tables`."""

from __future__ import annotations

import pandas as pd

from ...config import Config
from ...periods import Period, quarter_codes
from ...sources import Evidence
from ..tables import NOT_COUNTS as NOT_COUNTS  # one rule for every area's tables
from ..tables import PERCENT_SUFFIXES as PERCENT_SUFFIXES
from ..tables import share_columns as share_columns
from ..tables import table_options as table_options

SOURCE = "audits"

# Columns an audit can be broken down by, besides the derived "month" and "quarter".
BREAKDOWNS = ("service", "team", "cohort", "audit_type", "theme", "auditor_role")

DIRECTION_WORDS = {
    "improving": "improving",
    "declining": "declining",
    "stable": "broadly stable",
    "not_judged": "too few to judge",
}

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
        raise ValueError(
            f"cannot break audits down by {by!r}; use month, quarter or one of "
            f"{', '.join(BREAKDOWNS)}"
        )
    return audits[by].astype(object).where(audits[by].notna(), "not recorded")
