"""Declarations and shared helpers of the audit measures: measures declared, windows, and the
share columns and table options of :mod:`qaanalysis.measures.tables`."""

from __future__ import annotations

import pandas as pd

from ...config import Config
from ...periods import Period, quarter_codes
from ...sources import Evidence
from ..registry import Measure
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

_IN_PERIOD = "audit_date in the period; compared with the previous period (Fisher)"
_DOMAIN_THEME = "the first theme listing the domain in its audit_domains"

#: Declared measures of the audits (the registry, :mod:`qaanalysis.measures.registry`).
MEASURES: tuple[Measure, ...] = tuple(
    Measure(area="audits", source=SOURCE, **m)
    for m in (
        dict(
            id="audits.count",
            label="Audits completed",
            numerator="audits whose audit_date falls in the period",
            period_rule="audit_date in the period",
        ),
        dict(
            id="audits.overall.good_or_better",
            label="Audits graded good or better overall",
            unit="percent",
            polarity="higher",
            numerator="audits in the period with an overall grade in grades.good_or_better",
            denominator="audits in the period",
            period_rule=_IN_PERIOD,
        ),
        dict(
            id="audits.overall.inadequate",
            label="Audits graded inadequate overall",
            unit="percent",
            polarity="lower",
            numerator="audits in the period with an overall grade in grades.inadequate",
            denominator="audits in the period",
            period_rule=_IN_PERIOD,
        ),
        dict(
            id="audits.overall.trend",
            label="Trend in overall grades (last 12 months, Kendall's tau-b)",
            unit="number",
            polarity="higher",
            numerator="Kendall's tau-b between audit month and overall grade (positive: better)",
            denominator="audits in the 12 months ending with the period",
            period_rule="12 calendar months ending on the period's last day",
        ),
        dict(
            id="audits.domain.<domain>.good_or_better",
            label="{domain}: good or better",
            unit="percent",
            polarity="higher",
            numerator="audits in the period grading the domain good or better",
            denominator="audits in the period that assessed the domain (grade not blank)",
            period_rule=_IN_PERIOD,
            theme=_DOMAIN_THEME,
        ),
        dict(
            id="audits.domain.<domain>.trend",
            label="{domain}: trend in good or better over {thresholds.trend_quarters} quarters",
            unit="number",
            polarity="higher",
            numerator="Kendall's tau-b between the quarter of each audit assessing the domain "
            "and whether it was graded good or better (positive: more good or better)",
            denominator="audits assessing the domain in the trend window",
            period_rule="{thresholds.trend_quarters} financial quarters ending with the period's",
            theme=_DOMAIN_THEME,
        ),
        dict(
            id="audits.immediate_responses",
            label="Immediate responses raised at audit",
            numerator="audits in the period with immediate_response = yes",
            period_rule="audit_date in the period (the form is raised at the audit)",
        ),
        dict(
            id="audits.repeat_inadequate.practitioners",
            label="Practitioners with {thresholds.repeat_inadequate_run} or more consecutive "
            "inadequate audits",
            polarity="lower",
            numerator="practitioners whose run of {thresholds.repeat_inadequate_run} or more "
            "consecutive inadequate audits includes an audit in the period",
            period_rule="runs read over all audits up to the period end",
        ),
        dict(
            id="audits.teams.below_funnel",
            label="Teams below the 95% funnel limit (good or better, last 12 months)",
            polarity="lower",
            numerator="teams whose good-or-better share is below the lower 95% funnel limit "
            "around the authority's share",
            period_rule="12 calendar months ending on the period's last day",
        ),
        dict(
            id="audits.teams.persistent_inadequate",
            label="Teams with a persistently high inadequate share",
            polarity="lower",
            numerator="teams with more than {thresholds.audit_inadequate_tolerance:.0%} inadequate in each of "
            "the last {thresholds.team_inadequate_quarters} quarters",
            period_rule="the quarters ending with the one that holds the period's last day",
        ),
    )
)


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
