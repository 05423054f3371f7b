"""Performance: statutory-timescale KPIs from Annex A, scorecard KPIs, SPC readings and benchmarks.

Every Annex A KPI is declared once in :data:`KPI_DEFINITIONS` (numerator, denominator, period rule,
working or calendar days, statutory source); :func:`kpi_definitions` turns the declarations into
the text that the notebook, the narrative and the methods appendix all read, with the authority's
configured timescales filled in.

Two period rules:

- **flow** KPIs count events in a month (an assessment authorised, an ICPC held, a plan starting):
  a monthly series, summed over the months of a reporting period.
- **stock** KPIs describe the children open on a date (children in need, CP plans, children in
  care, care leavers).
  Annex A holds only the *latest* visit, review, health assessment and placement count of each
  child, as at the extract date. A stock KPI is computed as at the extract date for a period that
  contains it; for a period that ended up to ``thresholds.stock_as_at_window_weeks`` (default 6)
  weeks before the extract, as at the period end where the records allow (the children open then,
  none with a later visit, review or assessment than the period end), else as at the extract date,
  labelled; for earlier periods not at all (:func:`stock_as_at` says why). A stock KPI's history
  comes from the monthly scorecard (the ``kpis`` source) where the authority keeps one.

Working days exclude weekends and England and Wales bank holidays
(:func:`qaanalysis.periods.working_days_between`: the day of the first event is day 0).

Trends are read as Making Data Count XmR charts (:func:`qaanalysis.stats.xmr`), with the baselines
and recalculation dates set in the KPI catalogue of ``la.yaml``, and over the whole trend window
(``thresholds.trend_quarters``) by Kendall's tau-b (:func:`kpi_trend_figure`, ``kpi_trend.<id>``).
Benchmarks come from the ``benchmarks`` source or from Department for Education published
statistics named in ``la.yaml`` (``published``), else England's latest published value shipped
with the package (:func:`national_values`). A KPI is read against its target and England by the
Wilson interval (:func:`qaanalysis.measures.levels.level_reading`).

The package, along its seams: ``evaluators`` (the record-level rules and their declared constants;
``evaluators_eh_cin_adoption`` those of early help, children in need and adoption, Lists 2, 6, 10
and 11),
``definitions`` (:data:`KPI_DEFINITIONS`, :func:`kpi_definitions`), ``records`` (the records behind
each KPI, by team, exceptions, availability), ``series`` (KPIs by month), ``kpis`` (period values,
target status, ``kpi.<id>`` Figures), ``spc`` (Making Data Count), ``benchmarks``, ``scorecard`` and
``signals``. Every name is importable from ``qaanalysis.measures.performance``. The functions are
pure: no prose beyond a Signal's reason, no audience, no charts; the SPC readings are written by
:mod:`qaanalysis.narrative.performance` and the charts drawn by :mod:`qaanalysis.charts`.
"""

from .benchmarks import (
    BENCHMARK_COLUMNS,
    SUPPRESSION_REASONS,
    benchmarks,
    national_values,
    of_units,
    read_published_value,
)
from .definitions import (
    KPI_DEFINITIONS,
    STOCK_AS_AT_WINDOW_WEEKS,
    KpiDefinition,
    as_at_window_weeks,
    kpi_definitions,
)
from .evaluators import (
    CARE_LEAVER_AGES,
    CP_LONG_PLAN_YEARS,
    PLACEMENTS_THRESHOLD,
    RE_REFERRAL_COUNT,
    WINDOW_START_GRACE_DAYS,
)
from .evaluators_eh_cin_adoption import CIN_OWN_STANDARD_STATUS
from .kpis import (
    MEETING_TARGET,
    MISSING_TARGET,
    PeriodValue,
    kpi_figure,
    kpi_figures,
    period_value,
    target_status,
    target_value,
)
from .records import (
    AsAt,
    exceptions,
    kpi_availability,
    kpi_records,
    missing_inputs,
    stock_as_at,
    team_breakdown,
    window_start,
)
from .scorecard import SCORECARD_COLUMNS, scorecard
from .series import kpi_series, kpi_trend_figure, kpi_trend_figures, trend_months
from .signals import signals, signals_table
from .spc import ICON_WORDS, SpcResult, kpi_spc, spc_results, spc_summary

__all__ = [
    "BENCHMARK_COLUMNS",
    "ICON_WORDS",
    "CARE_LEAVER_AGES",
    "CIN_OWN_STANDARD_STATUS",
    "CP_LONG_PLAN_YEARS",
    "KPI_DEFINITIONS",
    "MEETING_TARGET",
    "MISSING_TARGET",
    "PLACEMENTS_THRESHOLD",
    "RE_REFERRAL_COUNT",
    "SCORECARD_COLUMNS",
    "STOCK_AS_AT_WINDOW_WEEKS",
    "SUPPRESSION_REASONS",
    "WINDOW_START_GRACE_DAYS",
    "AsAt",
    "KpiDefinition",
    "PeriodValue",
    "SpcResult",
    "as_at_window_weeks",
    "benchmarks",
    "exceptions",
    "of_units",
    "kpi_availability",
    "kpi_definitions",
    "kpi_figure",
    "kpi_figures",
    "kpi_records",
    "kpi_series",
    "kpi_trend_figure",
    "kpi_trend_figures",
    "kpi_spc",
    "missing_inputs",
    "national_values",
    "period_value",
    "read_published_value",
    "scorecard",
    "signals",
    "signals_table",
    "spc_results",
    "spc_summary",
    "stock_as_at",
    "target_status",
    "target_value",
    "team_breakdown",
    "trend_months",
    "window_start",
]
