"""The audits section: case-file audits, moderation and audit actions, each computed once.

Every item of ``notebooks/10_audits.ipynb``, in its order. Item keys name what a cell shows; a
table and the chart drawn from the same result share one computation.
"""

from __future__ import annotations

import math

from ..config import Config
from ..disclosure import disclose_figures
from ..findings import Chart, FigureSet, Item, Section, Table, Text
from ..measures import actions, audits, moderation
from ..measures.tables import shown_table
from ..narrative import audits as words
from ..periods import Period
from ..sources import Evidence
from .performance import CLINIC_NOTE, for_clinic


def build(evidence: Evidence, period: Period, *, audience: str) -> Section:
    """Compute the audits section for ``period`` (see the module docstring)."""
    config: Config = evidence.config
    grades = config.grades.labels
    items: dict[str, Item] = {}

    funnel = audits.team_funnel(evidence, period, named=audience != "public")
    persistent = audits.persistent_inadequate_teams(evidence, period)
    repeats = audits.repeat_inadequate_practitioners(evidence, period)
    audit_figs = audits.audit_figures(
        evidence, period, funnel=funnel, persistent=persistent, repeats=repeats
    )
    shown_audit_figs = disclose_figures(audit_figs, audience=audience, rule=config.suppression)
    items["audit_figures"] = FigureSet(
        "audit_figures", "Audits: headline figures", tuple(audit_figs), detail=True
    )
    items["grades_reading"] = Text("grades_reading", words.grades_reading(shown_audit_figs))

    monthly = audits.monthly_grades(evidence, period)
    items["grades_by_month_chart"] = Chart(
        "grades_by_month",
        "share_trend",
        {
            "frame": monthly,
            "x": "month",
            "share": "good_or_better_pct",
            "low": "good_or_better_ci_low",
            "high": "good_or_better_ci_high",
            "target": config.thresholds.audit_good_aspiration,
            "title": "Audits good or better by month, last 12 months",
        },
        alt="Share of audits graded good or better each month, with 95% intervals and the "
        "aspiration line",
    )
    items["grades_by_month"] = shown_table(
        monthly,
        name="grades_by_month",
        title="Overall grades by month, last 12 months",
        detail=True,
    )
    quarterly = audits.grade_distribution(evidence, period, by="quarter", months=24)
    items["grades_by_quarter_chart"] = Chart(
        "grades_by_quarter",
        "grade_bars",
        {
            "table": quarterly,
            "by": "quarter",
            "grades": grades,
            "title": "Overall grades by quarter, last two years",
        },
        alt="Stacked bars of the share of each overall grade per quarter",
    )
    by_service = audits.grade_distribution(evidence, period, by="service")
    items["grades_by_service_chart"] = Chart(
        "grades_by_service",
        "grade_bars",
        {
            "table": by_service,
            "by": "service",
            "grades": grades,
            "title": "Overall grades by service",
        },
        alt="Stacked bars of the share of each overall grade per service",
    )
    items["grades_service"] = shown_table(
        by_service,
        name="grades_service",
        title="Overall grades by service",
        detail=True,
    )
    by_team = audits.grade_distribution(evidence, period, by="team")
    items["grades_team"] = shown_table(
        by_team,
        name="grades_team",
        title="Overall grades by team",
        detail=True,
        rollup=shown_table(by_service, name="grades_team", title="Overall grades by team"),
    )
    for by, name, title in (
        ("cohort", "grades_cohort", "Overall grades by cohort"),
        ("audit_type", "grades_type", "Overall grades by audit type"),
    ):
        items[name] = shown_table(
            audits.grade_distribution(evidence, period, by=by), name=name, title=title, detail=True
        )

    summary = audits.domain_summary(evidence, period)
    extremes = audits.domain_extremes(evidence, period, summary=summary)
    trends = [f for f in shown_audit_figs if f.id.endswith(".trend") and "domain" in f.id]
    items["domains_reading"] = Text(
        "domains_reading",
        words.domains_reading(extremes, summary, config=config, audience=audience, trends=trends),
    )
    items["domain_extremes"] = shown_table(
        extremes, name="domain_extremes", title="Strongest and weakest domains", detail=True
    )
    items["domain_grades_chart"] = Chart(
        "domain_grades",
        "grade_bars",
        {"table": summary, "by": "domain_label", "grades": grades, "title": "Domain grades"},
        alt="Stacked bars of the share of each grade per practice domain",
    )
    items["domains"] = shown_table(
        summary,
        name="domains",
        title="Grades by practice domain",
        detail=True,
        note="Shares are of the audits that assessed the domain. Change is "
        "against the previous period (Fisher's exact test).",
    )
    matrix = audits.domain_service_matrix(evidence, period)
    shares, cells = words.matrix_cells(matrix, config=config, audience=audience)
    items["domain_service_heatmap"] = Chart(
        "domain_service_heatmap",
        "heatmap",
        {
            "table": shares,
            "annotations": cells,
            "title": "Good or better by domain and service",
        },
        alt="Heat map of the good-or-better share of each domain in each service",
    )
    by_quarter = audits.domain_service_matrix(evidence, period, column="quarter", months=24)
    quarter_shares, quarter_cells = words.matrix_cells(by_quarter, config=config, audience=audience)
    items["domain_quarter_heatmap"] = Chart(
        "domain_quarter_heatmap",
        "heatmap",
        {
            "table": quarter_shares,
            "annotations": quarter_cells,
            "title": "Good or better by domain and quarter, last two years",
        },
        alt="Heat map of the good-or-better share of each domain in each of the last eight "
        "quarters",
    )
    items["team_funnel_chart"] = Chart(
        "team_funnel",
        "funnel",
        {
            "points": funnel.points,
            "limits": funnel.limits,
            "centre": funnel.centre,
            "title": "Teams: good or better against audits, last 12 months",
        },
        alt="Funnel plot of each team's good-or-better share against its number of audits, with "
        "95% and 99.8% limits",
    )
    items["funnel_reading"] = Text(
        "funnel_reading", words.funnel_reading(funnel, config=config, audience=audience)
    )
    items["funnel_outside"] = Table(
        "funnel_outside",
        "Teams outside the 95% limits",
        funnel.outside,
        count_columns=("k", "n"),
        percent_columns=("share", "ci_low", "ci_high"),
        percent_of={"share": "k", "ci_low": "k", "ci_high": "k"},
    )

    mod_figs = _agreement_gated(moderation.moderation_figures(evidence, period), config=config)
    items["moderation_figures"] = FigureSet(
        "moderation_figures", "Moderation", tuple(mod_figs), detail=True
    )
    items["moderation_reading"] = Text(
        "moderation_reading", _moderation_words(evidence, period, audience=audience, months=None)
    )
    coverage = moderation.moderation_coverage(evidence, period)
    items["moderation_coverage"] = shown_table(
        coverage,
        name="moderation_coverage",
        title="Moderation by the auditor's grade",
        note="Must moderate: the framework says every audit with this grade is moderated. "
        "Expected (%): the share expected to be moderated.",
        detail=True,
    )
    grade_table = moderation.grade_table(evidence, period)
    items["moderation_table_chart"] = Chart(
        "moderation_table",
        "moderation_table",
        {"table": grade_table, "title": "Auditor's grade against moderated grade"},
        alt="Heat map of counts of audits by auditor's grade and moderated grade",
    )
    items["moderation_grades"] = Table(
        "moderation_grades",
        "Auditor's grade (rows) against moderated grade (columns)",
        grade_table.reset_index(),
        count_columns=tuple(grade_table.columns),
        detail=True,
    )
    mod_quarters = _kappa_gated(
        moderation.moderation_by_quarter(evidence, period), n="moderated_count", config=config
    )
    items["moderation_quarters"] = shown_table(
        mod_quarters,
        name="moderation_quarters",
        title="Moderation by quarter, last two years",
        detail=True,
    )
    items["moderation_reading_24m"] = Text(
        "moderation_reading_24m", _moderation_words(evidence, period, audience=audience, months=24)
    )
    by_role = _kappa_gated(
        moderation.moderation_by_role(evidence, period, months=24), n="moderated", config=config
    )
    items["moderation_role"] = shown_table(
        by_role,
        name="moderation_role",
        title="Moderation by auditor role, last two years",
        detail=True,
    )

    action_figs = actions.action_figures(evidence, period)
    items["action_figures"] = FigureSet(
        "action_figures", "Audit actions", tuple(action_figs), detail=True
    )
    items["actions_reading"] = Text(
        "actions_reading",
        words.actions_reading(
            disclose_figures(action_figs, audience=audience, rule=config.suppression)
        ),
    )
    actions_team = actions.actions_by_team(evidence, period)
    actions_service = actions.actions_by_team(evidence, period, by="service")
    items["actions_team"] = shown_table(
        actions_team,
        name="actions_team",
        title="Audit actions by team",
        detail=True,
        rollup=shown_table(actions_service, name="actions_team", title="Audit actions by team"),
    )
    items["actions_on_time_chart"] = Chart(
        "actions_on_time",
        "bars",
        {
            "frame": actions_service,
            "x": "service",
            "y": "closed_on_time_pct",
            "low": "closed_on_time_ci_low",
            "high": "closed_on_time_ci_high",
            "percent": True,
            "title": "Actions due in the period closed on time, by service",
        },
        alt="Bars of the share of actions closed on time per service, with 95% intervals",
    )
    items["actions_overdue"] = Table(
        "actions_overdue",
        "Actions overdue and still open at the period end, by team",
        for_clinic(actions.overdue_actions(evidence, period)),
        child_level=True,
        detail=True,
        note=CLINIC_NOTE,
    )

    responses = audits.immediate_responses(evidence, period)
    items["immediate_responses"] = shown_table(
        responses,
        name="immediate_responses",
        title="Immediate responses raised at audit, by service",
    )
    items["repeat_practitioners"] = Table(
        "repeat_practitioners",
        "Practitioners with consecutive inadequate audits",
        repeats,
        child_level=True,
        detail=True,
    )
    items["persistent_teams"] = Table(
        "persistent_teams",
        "Teams' inadequate share over recent quarters",
        persistent,
        child_level=True,
        note="Persistent: above the tolerance in every one of the quarters. "
        "Pooled above tolerance: the lower 95% limit of the pooled share is above it.",
        detail=True,
    )
    items["good_practice_theme"] = shown_table(
        audits.good_practice(evidence, period),
        name="good_practice_theme",
        title="Good and outstanding audits by audit theme",
    )
    items["good_practice_domain"] = shown_table(
        audits.good_practice(evidence, period, by="domain"),
        name="good_practice_domain",
        title="Good and outstanding grades by domain",
        detail=True,
    )
    items["good_practice_audits"] = Table(
        "good_practice_audits",
        "Audits graded good or better: candidates for Make a Difference summaries",
        audits.good_practice_audits(evidence, period),
        child_level=True,
        detail=True,
    )
    programme_options = {
        "count_columns": ["expected", "completed"],
        "percent_columns": ["completed_pct"],
        "percent_of": {"completed_pct": "completed"},
    }
    programme = audits.audit_programme(evidence, period)
    items["programme"] = shown_table(
        programme,
        name="programme",
        title="Audits completed against quota, by auditor role",
        detail=True,
        **programme_options,
    )
    items["programme_chart"] = Chart(
        "programme",
        "counts_over_time",
        {
            "frame": programme,
            "x": "auditor_role",
            "columns": ["expected", "completed"],
            "stacked": False,
            "title": "Audits expected and completed, by auditor role",
        },
        alt="Paired bars of audits expected and completed for each auditor role",
    )
    items["programme_month"] = shown_table(
        audits.audit_programme(evidence, period, by_month=True),
        name="programme_month",
        title="Audits completed against quota, by role and month",
        **programme_options,
        detail=True,
    )

    figures = tuple(audit_figs + mod_figs + action_figs)
    return Section("audits", items, figures, tuple(audits.signals(audit_figs, config=config)))


def _moderation_words(
    evidence: Evidence, period: Period, *, audience: str, months: int | None
) -> str:
    """The moderation reading of the period (or the ``months`` ending with it)."""
    pooled = audits.audits_in_period(evidence, period, months=months)
    moderated = pooled["moderated_grade"].notna().any() if len(pooled) else False
    result = (
        moderation.moderation_statistics(evidence, period, months=months) if moderated else None
    )
    if result is not None:
        # the body's reading gives agreement as counts (downgrades against upgrades show any
        # lean) and names no statistic: the kappa and the symmetry test are in the appendix's
        # moderation Figures when enough audits were moderated, and in the methods
        result = {**result, "kappa_linear": math.nan, "bowker_p": math.nan}
    return words.moderation_reading(
        pooled,
        result,
        config=evidence.config,
        audience=audience,
        window=audits.window(period, months) if months else None,
    )


# Figures that are agreement statistics rather than counts or shares of moderated audits.
AGREEMENT_STATISTICS = (
    "moderation.kappa",
    "moderation.kappa_quadratic",
    "moderation.krippendorff_alpha",
    "moderation.bowker",
)


def _agreement_gated(figures: list, *, config: Config) -> list:
    """The moderation Figures without the agreement statistics when fewer audits were moderated
    than ``thresholds.small_sample``: a kappa on a handful of pairs says nothing reliable."""
    pairs = next((f.denominator for f in figures if f.id == "moderation.agreement"), None)
    if pairs is None or pairs >= config.thresholds.small_sample:
        return figures
    return [f for f in figures if f.id not in AGREEMENT_STATISTICS]


def _kappa_gated(table, *, n: str, config: Config):
    """A moderation table with its kappa left blank on rows of fewer than
    ``thresholds.small_sample`` moderated audits."""
    if "kappa_linear" not in table.columns or n not in table.columns:
        return table
    table = table.copy()
    table.loc[table[n] < config.thresholds.small_sample, "kappa_linear"] = math.nan
    return table
