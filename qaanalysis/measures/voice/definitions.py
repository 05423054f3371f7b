"""Voice vocabularies, the declared definitions of every voice measure, and the standards its
signals are judged against."""

from __future__ import annotations

from dataclasses import dataclass

from ...config import Config
from ..registry import Measure

# ----------------------------------------------------------------------------- vocabularies

STAGES = ("1", "2", "3", "ombudsman")
STAGE_LABELS = {
    "1": "Stage 1 (local resolution)",
    "2": "Stage 2 (investigation)",
    "3": "Stage 3 (review panel)",
    "ombudsman": "Referred to the Ombudsman",
}
CONCLUDED = ("upheld", "partly_upheld", "not_upheld")
UPHELD = ("upheld", "partly_upheld")
COMPLAINANT_LABELS = {
    "child": "Child",
    "young_person": "Young person",
    "parent": "Parent",
    "carer": "Carer",
    "other": "Other",
}
# Children's and young people's views are kept apart from everyone else's (issue: voice).
RESPONDENT_GROUPS = {
    "children_young_people": ("child", "young_person"),
    "parents_carers": ("parent", "carer"),
    "practitioners": ("practitioner",),
    "partners": ("partner",),
}
GROUP_LABELS = {
    "children_young_people": "Children and young people",
    "parents_carers": "Parents and carers",
    "practitioners": "Staff (practitioners)",
    "partners": "Partner agencies",
}
NOT_RECORDED = "not recorded"


def _voice(
    source: str,
    id: str,
    label: str,
    numerator: str,
    denominator: str = "",
    period_rule: str = "",
    days: str = "",
    **more,
) -> Measure:
    return Measure(
        id=id,
        label=label,
        area=source,
        source=source,
        numerator=numerator,
        denominator=denominator,
        period_rule=period_rule,
        days=days,
        **more,
    )


_STAT = "Children Act 1989 Representations Procedure (England) Regulations 2006"
_CATEGORY_THEME = "the first theme listing the category in its {field}"

#: Declared measures of the voice of children, families and partners (the registry,
#: :mod:`qaanalysis.measures.registry`).
MEASURES: tuple[Measure, ...] = (
    _voice(
        "complaints",
        "complaints.count",
        "Complaints received",
        "complaint records (any stage) received in the period",
        "",
        "received_date in the period; change judged against the previous period and the same "
        "period a year earlier by the exact conditional test of two Poisson counts",
        polarity="lower",
    ),
    _voice(
        "complaints",
        "complaints.stage.<stage>.count",
        "Complaints {stage}",
        "complaint records at the stage received in the period",
        "",
        "received_date",
        polarity="lower",
        notes="{stage}: received at stage 1 (local resolution), stage 2 (investigation) or "
        "stage 3 (review panel), or referred to the Ombudsman.",
    ),
    _voice(
        "complaints",
        "complaints.per_100_open",
        "Complaints per 100 open cases",
        "complaints received in the period x 100",
        "children with an open CIN episode (Annex A list 6), child protection plan (list 7) or "
        "period of care (list 8) at the period end, each child counted once",
        "received_date in the period; caseload at the period end",
        unit="rate",
    ),
    _voice(
        "complaints",
        "complaints.stage1.within_timescale",
        "Stage 1 complaints answered within {timescales.complaint_stage1_working_days} working "
        "days ({timescales.complaint_stage1_extended_working_days} if extended)",
        "stage 1 complaints answered within {timescales.complaint_stage1_working_days} working "
        "days, or {timescales.complaint_stage1_extended_working_days} where the extension is "
        "recorded",
        "stage 1 complaints received in the period that have been answered, or are unanswered "
        "and already past their timescale at the extract date (unanswered ones still in time "
        "are left out as pending)",
        "received_date in the period",
        "working days after receipt up to and including the response (England and Wales bank "
        "holidays excluded); timescales.complaint_stage1_working_days and "
        "complaint_stage1_extended_working_days",
        unit="percent",
        polarity="higher",
        statutory_source=_STAT,
    ),
    _voice(
        "complaints",
        "complaints.stage2.within_timescale",
        "Stage 2 complaints answered within {timescales.complaint_stage2_working_days} working "
        "days ({timescales.complaint_stage2_extended_working_days} if extended)",
        "stage 2 complaints answered within {timescales.complaint_stage2_working_days} working "
        "days, or {timescales.complaint_stage2_extended_working_days} where extended",
        "as for stage 1",
        "received_date in the period",
        "working days; timescales.complaint_stage2_working_days and "
        "complaint_stage2_extended_working_days",
        unit="percent",
        polarity="higher",
        statutory_source=_STAT,
    ),
    _voice(
        "complaints",
        "complaints.upheld",
        "Concluded complaints upheld or partly upheld",
        "concluded complaints upheld or partly upheld",
        "complaints answered in the period with an outcome of upheld, partly upheld or not "
        "upheld (withdrawn complaints are left out)",
        "responded_date in the period",
        unit="percent",
    ),
    _voice(
        "complaints",
        "complaints.learning_recorded",
        "Upheld or partly upheld complaints with learning recorded",
        "upheld or partly upheld complaints with learning recorded",
        "complaints answered in the period and upheld or partly upheld",
        "responded_date in the period",
        unit="percent",
        polarity="higher",
    ),
    _voice(
        "complaints",
        "complaints.advocacy",
        "Complaints by children and young people made with an advocate",
        "complaints by a child or young person where an advocate is recorded",
        "complaints by a child or young person received in the period",
        "received_date",
        unit="percent",
        polarity="higher",
    ),
    _voice(
        "complaints",
        "complaints.category.<code>.count",
        "Complaints about {category}",
        "complaints received in the period with the category",
        "",
        "received_date; change judged as for complaints.count",
        polarity="lower",
        theme=_CATEGORY_THEME.format(field="complaint_categories"),
    ),
    _voice(
        "complaints",
        "compliments.count",
        "Compliments received",
        "compliment records received in the period",
        "",
        "received_date",
        polarity="higher",
    ),
    _voice(
        "feedback",
        "feedback.count",
        "Feedback answers received",
        "answers (one respondent, one question) dated in the period",
        "",
        "date in the period",
    ),
    _voice(
        "feedback",
        "feedback.positive",
        "Feedback answers that are positive",
        "scored answers at or above thresholds.feedback_positive_score "
        "({thresholds.feedback_positive_score})",
        "answers with a score on the configured scale (thresholds.feedback_scale)",
        "date in the period",
        unit="percent",
        polarity="higher",
    ),
    _voice(
        "feedback",
        "feedback.group.<group>.positive",
        "Positive answers from {group}",
        "as feedback.positive, for children and young people, parents and carers, staff, or "
        "partners",
        "",
        "date in the period",
        unit="percent",
        polarity="higher",
    ),
    _voice(
        "feedback",
        "feedback.group.<group>.count",
        "Answers from {group}",
        "answers from children and young people, parents and carers, staff, or partners",
        "",
        "date in the period",
    ),
    _voice(
        "feedback",
        "feedback.question.<q>.positive",
        "Positive answers to '{question}'",
        "as feedback.positive, for one question",
        "",
        "date in the period",
        unit="percent",
        polarity="higher",
        theme=_CATEGORY_THEME.format(field="feedback_questions").replace("category", "question"),
    ),
    _voice(
        "feedback",
        "feedback.theme.<theme>.positive",
        "Positive feedback on {theme}",
        "as feedback.positive, pooling the theme's feedback_questions",
        "",
        "date in the period",
        unit="percent",
        polarity="higher",
        theme="the theme itself",
    ),
    _voice(
        "escalations",
        "escalations.count",
        "Practice alerts and disputes raised",
        "IRO and CP chair alerts and DRP escalations raised in the period",
        "",
        "raised_date in the period",
        polarity="lower",
    ),
    _voice(
        "escalations",
        "escalations.category.<c>.count",
        "Alerts raised about {category}",
        "alerts raised in the period with the category",
        "",
        "raised_date",
        polarity="lower",
        theme=_CATEGORY_THEME.format(field="escalation_categories"),
    ),
    _voice(
        "escalations",
        "escalations.resolved_within_timescale",
        "Alerts resolved within {timescales.escalation_resolution_working_days} working days",
        "alerts resolved within {timescales.escalation_resolution_working_days} working days "
        "(timescales.escalation_resolution_working_days)",
        "alerts resolved in the period",
        "resolved_date in the period",
        "working days after raising up to and including resolution",
        unit="percent",
        polarity="higher",
    ),
    _voice(
        "escalations",
        "escalations.resolution_median_working_days",
        "Median working days to resolve an alert",
        "median working days from raising to resolution",
        "alerts resolved in the period",
        "resolved_date in the period",
        "working days",
        unit="days",
        polarity="lower",
    ),
    _voice(
        "escalations",
        "escalations.open_past_timescale",
        "Alerts open more than {timescales.escalation_resolution_working_days} working days at "
        "the period end",
        "alerts open at the period end (or extract date, if earlier) more than "
        "{timescales.escalation_resolution_working_days} working days after they were raised",
        "alerts open at the period end",
        "open at the period end",
        "working days",
        polarity="lower",
    ),
    _voice(
        "escalations",
        "escalations.theme.<theme>.open_past_timescale",
        "Alerts about {theme} open past timescale at the period end",
        "as escalations.open_past_timescale, for the theme's escalation_categories",
        "the theme's alerts open at the period end",
        "open at the period end",
        "working days",
        polarity="lower",
        theme="the theme itself",
    ),
)


# ----------------------------------------------------------------------------- standards


@dataclass(frozen=True)
class VoiceStandards:
    """The standards the voice signals are judged against (METHODS.md, triangulation).

    Attributes:
        feedback_aspiration: the positive share a theme's feedback should reach. Read from
            ``thresholds.feedback_positive_aspiration`` when the configuration has it, otherwise
            the authority's audit aspiration ``thresholds.audit_good_aspiration`` (the same
            "what good looks like" bar, so audits and feedback are read alike).
        escalation_open_past_share: a theme's alerts are a concern when more than this share of
            those open at the period end are past the resolution timescale ...
        escalation_open_past_min: ... and at least this many are.
        alpha: significance level (``thresholds.significance_alpha``).
        min_n: fewest answers (or observations in each period) to judge
            (``thresholds.min_n_compare``).
    """

    feedback_aspiration: float
    escalation_open_past_share: float
    escalation_open_past_min: int
    alpha: float
    min_n: int


def voice_standards(config: Config) -> VoiceStandards:
    """The standards of :class:`VoiceStandards`, from the configuration where it has them."""
    t = config.thresholds
    return VoiceStandards(
        feedback_aspiration=t.feedback_positive_aspiration,
        escalation_open_past_share=t.escalation_open_past_share,
        escalation_open_past_min=t.escalation_open_past_min,
        alpha=t.significance_alpha,
        min_n=t.min_n_compare,
    )
