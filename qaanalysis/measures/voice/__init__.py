"""The voice of children and families: complaints, compliments, participation feedback, escalations.

Every measure here is declared once in :data:`MEASURES` (numerator, denominator, period rule, days
and timescale source), so the methods appendix, notebooks and narratives read the same definition.
The functions are pure: they take the canonical frames (or the Evidence), a :class:`Period` and the
configuration, and return new frames, Figures or Signals; they never modify their inputs.

The package, along its seams: ``definitions`` (vocabularies, :data:`MEASURES`, the standards),
``counting`` (the exact tests for counts, comparison periods, theme maps, table options),
``complaints``, ``feedback`` (with the quotes), ``escalations`` and ``signals``. Their readings are
written by the narrative layer (:mod:`qaanalysis.narrative.voice`). Every name is
importable from ``qaanalysis.measures.voice``.

Reading rules (also in ``docs/assumptions.md`` when it is written):

- A complaints-log row is one complaint (or compliment or comment) *at one stage*: a complaint
  that goes to stage 2 appears again as a stage 2 row. The log does not link a stage 2 row to its
  stage 1 row, so "escalation" is read as the ratio of complaints received at the next stage to
  complaints received at this stage in the same period, not as a tracked share.
- Counts are of records received (raised, answered) in the period.
- Changes in counts are judged by the exact conditional test of two Poisson counts
  (:func:`compare_counts`), against the previous period and the same period a year earlier, and
  only against periods the source covers (a comparison before the first record is not made).
- Shares are shown with 95% Wilson intervals, and judged against the previous period by Fisher's
  exact test (:func:`qaanalysis.stats.compare_proportions`).
"""

from ...disclosure import scrub_quote
from ..tables import NOT_COUNTS, PERCENT_SUFFIXES, table_options
from .complaints import (
    CATEGORY_COLUMNS,
    OPEN_CASE_LISTS,
    category_by_quarter,
    complainants,
    complaint_categories,
    complaint_figures,
    complaint_outcomes,
    complaint_timeliness,
    compliments_by_service,
    late_complaints,
    open_caseload,
    period_timeliness,
    quarterly_volumes,
    rising_categories,
    significant_rises,
    stage_summary,
    timeliness_summary,
    timeliness_table,
)
from .counting import (
    COMPARISON_LABELS,
    TREND_WORDS,
    CountComparison,
    CountTrend,
    VoiceCoverage,
    compare_counts,
    comparison_periods,
    count_trend,
    quarter_periods,
    theme_map,
    voice_coverage,
)
from .definitions import (
    COMPLAINANT_LABELS,
    CONCLUDED,
    GROUP_LABELS,
    MEASURES,
    NOT_RECORDED,
    RESPONDENT_GROUPS,
    STAGE_LABELS,
    STAGES,
    UPHELD,
    Measure,
    VoiceStandards,
    voice_standards,
)
from .escalations import (
    ESCALATION_COLUMNS,
    escalation_categories,
    escalation_figures,
    escalation_stages,
    escalation_status,
    escalation_table,
    escalations_by_quarter,
    period_status,
    rising_escalations,
)
from .feedback import (
    PERSON_COLUMNS,
    collect_identifiers,
    feedback_by_group,
    feedback_figures,
    feedback_positive,
    feedback_responses,
    identifier_values,
    positive_answers,
    quotes,
    respondent_group,
)
from .signals import p_text, signals, voice_figures

__all__ = [
    "CATEGORY_COLUMNS",
    "COMPARISON_LABELS",
    "COMPLAINANT_LABELS",
    "CONCLUDED",
    "CountComparison",
    "CountTrend",
    "ESCALATION_COLUMNS",
    "GROUP_LABELS",
    "MEASURES",
    "Measure",
    "NOT_COUNTS",
    "NOT_RECORDED",
    "OPEN_CASE_LISTS",
    "PERCENT_SUFFIXES",
    "PERSON_COLUMNS",
    "RESPONDENT_GROUPS",
    "STAGES",
    "STAGE_LABELS",
    "TREND_WORDS",
    "UPHELD",
    "VoiceCoverage",
    "VoiceStandards",
    "category_by_quarter",
    "collect_identifiers",
    "identifier_values",
    "compare_counts",
    "comparison_periods",
    "complainants",
    "complaint_categories",
    "complaint_figures",
    "complaint_outcomes",
    "complaint_timeliness",
    "compliments_by_service",
    "count_trend",
    "escalation_categories",
    "escalation_figures",
    "escalation_stages",
    "escalation_status",
    "escalation_table",
    "escalations_by_quarter",
    "feedback_by_group",
    "feedback_figures",
    "feedback_positive",
    "feedback_responses",
    "late_complaints",
    "open_caseload",
    "p_text",
    "period_status",
    "period_timeliness",
    "positive_answers",
    "quarter_periods",
    "quarterly_volumes",
    "quotes",
    "respondent_group",
    "rising_categories",
    "rising_escalations",
    "scrub_quote",
    "signals",
    "significant_rises",
    "stage_summary",
    "table_options",
    "theme_map",
    "timeliness_summary",
    "timeliness_table",
    "voice_coverage",
    "voice_figures",
    "voice_standards",
]
