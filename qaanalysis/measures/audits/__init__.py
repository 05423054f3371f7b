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

from .base import (
    BREAKDOWNS,
    DIRECTION_WORDS,
    MEASURES,
    NOT_COUNTS,
    PERCENT_SUFFIXES,
    SOURCE,
    audits_in_period,
    share_columns,
    table_options,
    theme_of_domain,
    window,
)
from .figures import audit_figures, signals
from .grades import (
    DomainMatrix,
    domain_extremes,
    domain_service_matrix,
    domain_summary,
    grade_counts,
    grade_distribution,
    grade_trend,
    monthly_grades,
    trend_window,
)
from .practice import audit_programme, good_practice, good_practice_audits, immediate_responses
from .teams import (
    TeamFunnel,
    comparable,
    persistent_inadequate_teams,
    repeat_inadequate_practitioners,
    team_funnel,
)

__all__ = [
    "BREAKDOWNS",
    "DIRECTION_WORDS",
    "MEASURES",
    "NOT_COUNTS",
    "PERCENT_SUFFIXES",
    "SOURCE",
    "DomainMatrix",
    "TeamFunnel",
    "audit_figures",
    "audit_programme",
    "audits_in_period",
    "comparable",
    "domain_extremes",
    "domain_service_matrix",
    "domain_summary",
    "good_practice",
    "good_practice_audits",
    "grade_counts",
    "grade_distribution",
    "grade_trend",
    "immediate_responses",
    "monthly_grades",
    "persistent_inadequate_teams",
    "repeat_inadequate_practitioners",
    "share_columns",
    "signals",
    "table_options",
    "team_funnel",
    "theme_of_domain",
    "trend_window",
    "window",
]
