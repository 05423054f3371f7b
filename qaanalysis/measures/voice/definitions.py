"""Voice vocabularies, the declared definitions of every voice measure, and the standards its
signals are judged against."""

from __future__ import annotations

from dataclasses import dataclass

from ...config import Config

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


@dataclass(frozen=True)
class Measure:
    """One measure's declared definition (read by the methods appendix).

    Attributes:
        id: the Figure id, or its pattern with ``<placeholder>`` parts.
        title: what a reader calls it.
        source: complaints, feedback or escalations.
        numerator: what is counted.
        denominator: what it is out of ("" for a count).
        period_rule: which records belong to a period.
        days: working or calendar days and where the timescale comes from ("" if none).
    """

    id: str
    title: str
    source: str
    numerator: str
    denominator: str = ""
    period_rule: str = ""
    days: str = ""


MEASURES: tuple[Measure, ...] = (
    Measure(
        "complaints.count",
        "Complaints received",
        "complaints",
        "complaint records (any stage) received in the period",
        "",
        "received_date in the period; change judged against the previous period and the same "
        "period a year earlier by the exact conditional test of two Poisson counts",
    ),
    Measure(
        "complaints.stage.<stage>.count",
        "Complaints received at a stage",
        "complaints",
        "complaint records at the stage received in the period",
        "",
        "received_date",
    ),
    Measure(
        "complaints.per_100_open",
        "Complaints per 100 open cases",
        "complaints",
        "complaints received in the period x 100",
        "children with an open CIN episode (Annex A list 6), child protection plan (list 7) or "
        "period of care (list 8) at the period end, each child counted once",
        "received_date in the period; caseload at the period end",
    ),
    Measure(
        "complaints.stage1.within_timescale",
        "Stage 1 complaints answered within timescale",
        "complaints",
        "stage 1 complaints answered within 10 working days, or 20 where the extension is recorded",
        "stage 1 complaints received in the period that have been answered, or are unanswered "
        "and already past their timescale at the extract date (unanswered ones still in time "
        "are left out as pending)",
        "received_date in the period",
        "working days after receipt up to and including the response (England and Wales bank "
        "holidays excluded); timescales.complaint_stage1_working_days and "
        "complaint_stage1_extended_working_days (Children Act 1989 Representations Procedure "
        "(England) Regulations 2006)",
    ),
    Measure(
        "complaints.stage2.within_timescale",
        "Stage 2 complaints answered within timescale",
        "complaints",
        "stage 2 complaints answered within 25 working days, or 65 where extended",
        "as for stage 1",
        "received_date in the period",
        "working days; timescales.complaint_stage2_working_days and "
        "complaint_stage2_extended_working_days",
    ),
    Measure(
        "complaints.upheld",
        "Complaints upheld or partly upheld",
        "complaints",
        "concluded complaints upheld or partly upheld",
        "complaints answered in the period with an outcome of upheld, partly upheld or not "
        "upheld (withdrawn complaints are left out)",
        "responded_date in the period",
    ),
    Measure(
        "complaints.learning_recorded",
        "Upheld complaints with learning recorded",
        "complaints",
        "upheld or partly upheld complaints with learning recorded",
        "complaints answered in the period and upheld or partly upheld",
        "responded_date in the period",
    ),
    Measure(
        "complaints.advocacy",
        "Children's complaints made with an advocate",
        "complaints",
        "complaints by a child or young person where an advocate is recorded",
        "complaints by a child or young person received in the period",
        "received_date",
    ),
    Measure(
        "complaints.category.<code>.count",
        "Complaints in a category",
        "complaints",
        "complaints received in the period with the category",
        "",
        "received_date; change judged as for complaints.count",
    ),
    Measure(
        "compliments.count",
        "Compliments received",
        "complaints",
        "compliment records received in the period",
        "",
        "received_date",
    ),
    Measure(
        "feedback.count",
        "Feedback responses",
        "feedback",
        "answers (one respondent, one question) dated in the period",
        "",
        "date in the period",
    ),
    Measure(
        "feedback.positive",
        "Feedback answers that are positive",
        "feedback",
        "scored answers at or above thresholds.feedback_positive_score",
        "answers with a score on the configured scale (thresholds.feedback_scale)",
        "date in the period",
    ),
    Measure(
        "feedback.group.<group>.positive",
        "Positive answers by respondent group",
        "feedback",
        "as feedback.positive, for children and young people, parents and carers, staff, or "
        "partners",
        "",
        "date in the period",
    ),
    Measure(
        "feedback.group.<group>.count",
        "Answers by respondent group",
        "feedback",
        "answers from children and young people, parents and carers, staff, or partners",
        "",
        "date in the period",
    ),
    Measure(
        "feedback.question.<q>.positive",
        "Positive answers to one question",
        "feedback",
        "as feedback.positive, for one question",
        "",
        "date in the period",
    ),
    Measure(
        "feedback.theme.<theme>.positive",
        "Positive answers to a theme's questions",
        "feedback",
        "as feedback.positive, pooling the theme's feedback_questions",
        "",
        "date in the period",
    ),
    Measure(
        "escalations.count",
        "Practice alerts and disputes raised",
        "escalations",
        "IRO and CP chair alerts and DRP escalations raised in the period",
        "",
        "raised_date in the period",
    ),
    Measure(
        "escalations.category.<c>.count",
        "Alerts raised in a category",
        "escalations",
        "alerts raised in the period with the category",
        "",
        "raised_date",
    ),
    Measure(
        "escalations.resolved_within_timescale",
        "Alerts resolved within timescale",
        "escalations",
        "alerts resolved within timescales.escalation_resolution_working_days",
        "alerts resolved in the period",
        "resolved_date in the period",
        "working days after raising up to and including resolution",
    ),
    Measure(
        "escalations.resolution_median_working_days",
        "Median time to resolve an alert",
        "escalations",
        "median working days from raising to resolution",
        "alerts resolved in the period",
        "resolved_date in the period",
        "working days",
    ),
    Measure(
        "escalations.open_past_timescale",
        "Alerts open past timescale",
        "escalations",
        "alerts open at the period end (or extract date, if earlier) more than "
        "timescales.escalation_resolution_working_days working days after they were raised",
        "alerts open at the period end",
        "open at the period end",
        "working days",
    ),
    Measure(
        "escalations.theme.<theme>.open_past_timescale",
        "Alerts about a theme open past timescale",
        "escalations",
        "as escalations.open_past_timescale, for the theme's escalation_categories",
        "the theme's alerts open at the period end",
        "open at the period end",
        "working days",
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
