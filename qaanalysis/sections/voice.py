"""The voice section: complaints, compliments, feedback, quotes and escalations, each computed once.

Every item of ``notebooks/30_voice.ipynb``, in its order. Item keys name what a cell shows; a table
and the chart drawn from the same result share one computation, and the Figures, readings and
Signals are computed from the same tables (the complaint categories behind the category Figures,
the table and the chart's highlighted rises are one computation; so are the escalation categories
and the alerts' status at the period end).
"""

from __future__ import annotations

from ..config import Config
from ..findings import Chart, FigureSet, Item, Section, Table, Text
from ..measures import voice
from ..measures.tables import shown_table
from ..narrative import voice as words
from ..periods import Period
from ..sources import Evidence

STAGES_NOTE = (
    "Next stage (%): complaints received at the next stage per 100 received at this stage in the "
    "same period. The log does not link a complaint's stages, so this is a ratio of flows, not a "
    "tracked share."
)
TIMELINESS_NOTE = (
    "Working days after receipt up to and including the response, without weekends and bank "
    "holidays. Pending: not yet answered and still within timescale at the extract date (left out "
    "of the share)."
)
CATEGORIES_NOTE = (
    "Previous: the previous quarter; Last year: the same quarter a year earlier; a column ending "
    "'p value' holds the exact test's p-value for that comparison."
)
QUOTES_NOTE = (
    "Only comments whose author agreed to be quoted; email addresses, phone numbers, postcodes, "
    "dates and any identifier found in the inputs are removed."
)
ESCALATIONS_NOTE = (
    "Open at end and Open past timescale are at the period end; Median (working days) is for "
    "alerts resolved in the period."
)


def build(evidence: Evidence, period: Period, *, audience: str) -> Section:
    """Compute the voice section for ``period`` (see the module docstring)."""
    config: Config = evidence.config
    coverage = voice.voice_coverage(evidence, period)
    items: dict[str, Item] = {}
    complaint_figs = _complaints(evidence, period, items, coverage=coverage, audience=audience)
    feedback_figs = _feedback(evidence, period, items, audience=audience)
    escalation_figs = _escalations(evidence, period, items, coverage=coverage, audience=audience)
    figures = complaint_figs + feedback_figs + escalation_figs  # voice_figures' order
    signals = voice.signals(figures, config=config, coverage=coverage)
    items["voice_signals"] = Table(
        "voice_signals",
        "Voice evidence by practice theme",
        words.signals_table(signals, config=config, audience=audience),
        detail=True,
    )
    return Section("voice", items, tuple(figures), tuple(signals))


def _complaints(
    evidence: Evidence,
    period: Period,
    items: dict[str, Item],
    *,
    coverage: voice.VoiceCoverage,
    audience: str,
) -> list:
    """The complaints and compliments items; returns the complaint Figures."""
    config = evidence.config
    complaints = evidence.complaints
    timeliness = voice.period_timeliness(evidence, period)
    categories = voice.complaint_categories(complaints, period=period, config=config)
    figs = voice.complaint_figures(evidence, period, timeliness=timeliness, categories=categories)
    items["complaint_figures"] = FigureSet(
        "complaint_figures", "Complaints and compliments", tuple(figs), detail=True
    )
    items["complaints_reading"] = Text(
        "complaints_reading",
        words.complaints_reading(figs, coverage=coverage, config=config, audience=audience),
    )

    volumes = voice.quarterly_volumes(complaints, period=period)
    items["volumes_chart"] = Chart(
        "voice_volumes",
        "volumes",
        {
            "frame": volumes,
            "x": "quarter",
            "columns": ["complaints", "compliments", "comments"],
            "title": "Complaints, compliments and comments received by quarter",
        },
        alt="Bars of complaints, compliments and comments received in each of the last eight "
        "quarters",
    )
    items["complaints_quarters"] = shown_table(
        volumes,
        name="complaints_quarters",
        title="Records received by quarter, and complaints by stage",
        detail=True,
    )
    items["complaints_stages"] = shown_table(
        voice.stage_summary(complaints, period=period),
        name="complaints_stages",
        title="Complaints received by stage",
        note=STAGES_NOTE,
        detail=True,
    )
    items["complaints_timeliness"] = shown_table(
        voice.timeliness_table(evidence, period, timeliness=timeliness),
        name="complaints_timeliness",
        title="Complaints answered within the statutory timescale, by stage",
        note=TIMELINESS_NOTE,
    )
    items["complaints_late"] = Table(
        "complaints_late",
        "Complaints answered late or still open",
        voice.late_complaints(evidence, period, timeliness=timeliness),
        child_level=True,
        detail=True,
    )
    items["complaints_outcomes"] = shown_table(
        voice.complaint_outcomes(complaints, period=period),
        name="complaints_outcomes",
        title="Outcomes of complaints answered in the period",
    )
    items["complaints_categories"] = shown_table(
        categories,
        name="complaints_categories",
        title="Complaints by category and practice theme",
        note=CATEGORIES_NOTE,
        detail=True,
    )
    by_quarter = voice.category_by_quarter(complaints, period=period)
    items["categories_trend_chart"] = Chart(
        "complaints_categories_trend",
        "category_lines",
        {
            "frame": by_quarter,
            "x": "quarter",
            "highlight": voice.significant_rises(categories),
            "title": "Complaints by category and quarter",
        },
        alt="Lines of complaints per quarter for each category, significant rises highlighted",
    )
    items["complaints_cat_quarters"] = shown_table(
        by_quarter,
        name="complaints_cat_quarters",
        title="Complaints by quarter and category",
        detail=True,
    )
    items["complainants"] = shown_table(
        voice.complainants(complaints, period=period),
        name="complainants",
        title="Complaints by complainant and use of an advocate",
        detail=True,
    )
    items["compliments"] = shown_table(
        voice.compliments_by_service(complaints, period=period, config=config),
        name="compliments",
        title="Compliments by service and practice theme",
        detail=True,
    )
    return figs


def _feedback(evidence: Evidence, period: Period, items: dict[str, Item], *, audience: str) -> list:
    """The participation and feedback items and the quotes; returns the feedback Figures."""
    config = evidence.config
    feedback = evidence.feedback
    figs = voice.feedback_figures(evidence, period)
    items["feedback_figures"] = FigureSet(
        "feedback_figures", "Participation and feedback", tuple(figs), detail=True
    )
    items["feedback_reading"] = Text(
        "feedback_reading", words.feedback_reading(figs, config=config, audience=audience)
    )
    items["feedback_channels"] = shown_table(
        voice.feedback_responses(feedback, period=period),
        name="feedback_channels",
        title="Answers by channel and respondent",
        detail=True,
    )
    items["feedback_groups"] = shown_table(
        voice.feedback_by_group(feedback, period=period, config=config),
        name="feedback_groups",
        title="Positive answers by question and respondent group",
        detail=True,
    )
    questions = voice.feedback_positive(feedback, period=period, config=config)
    items["feedback_questions_chart"] = Chart(
        "feedback_questions",
        "positive_shares",
        {
            "frame": questions,
            "label": "question_label",
            "share": "positive_pct",
            "low": "positive_ci_low",
            "high": "positive_ci_high",
            "aspiration": voice.voice_standards(config).feedback_aspiration,
            "title": "Positive answers by question",
        },
        alt="Bars of the positive share for each feedback question with 95% intervals and the "
        "aspiration line",
    )
    items["feedback_themes"] = shown_table(
        voice.feedback_positive(feedback, period=period, config=config, by=("theme",)),
        name="feedback_themes",
        title="Positive answers by practice theme",
    )
    quotes = voice.quotes(feedback, period=period, identifiers=voice.identifier_values(evidence))
    items["quotes"] = Table(
        "quotes",
        "What children and families told us",
        quotes,
        child_level=True,
        note=QUOTES_NOTE,
        detail=True,
    )
    return figs


def _escalations(
    evidence: Evidence,
    period: Period,
    items: dict[str, Item],
    *,
    coverage: voice.VoiceCoverage,
    audience: str,
) -> list:
    """The practice alerts and disputes items; returns the escalation Figures."""
    config = evidence.config
    escalations = evidence.escalations
    status = voice.period_status(evidence, period)
    table = voice.escalation_table(evidence, period, status=status)
    figs = voice.escalation_figures(evidence, period, table=table, status=status)
    items["escalation_figures"] = FigureSet(
        "escalation_figures", "Practice alerts and disputes", tuple(figs), detail=True
    )
    items["escalations_reading"] = Text(
        "escalations_reading",
        words.escalations_reading(figs, coverage=coverage, config=config, audience=audience),
    )
    items["escalation_categories"] = shown_table(
        table,
        name="escalation_categories",
        title="Alerts by category and practice theme",
        note=ESCALATIONS_NOTE,
        detail=True,
    )
    items["escalation_stages"] = shown_table(
        voice.escalation_stages(escalations, period=period),
        name="escalation_stages",
        title="Alerts raised by stage",
        detail=True,
    )
    items["escalations_trend_chart"] = Chart(
        "escalations_trend",
        "category_lines",
        {
            "frame": voice.escalations_by_quarter(escalations, period=period),
            "x": "quarter",
            "highlight": voice.significant_rises(table),
            "title": "Alerts by category and quarter",
        },
        alt="Lines of alerts raised per quarter for each category, significant rises highlighted",
    )
    return figs
