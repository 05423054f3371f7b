"""The Annex A KPIs, each declared once: numerator, denominator, period rule, days and source.

:func:`kpi_definitions` turns the declarations into the text that the notebook, the narrative and
the methods appendix all read, with the authority's configured timescales filled in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import pandas as pd

from ...config import Config, Kpi
from ..registry import Measure, fill
from .evaluators import (
    CARE_LEAVER_AGES,
    CP_LONG_PLAN_YEARS,
    PLACEMENTS_THRESHOLD,
    _eval_assessment_timeliness,
    _eval_child_seen,
    _eval_cla_reviews,
    _eval_cla_visits,
    _eval_cp_long,
    _eval_cp_reviews,
    _eval_cp_seen_alone,
    _eval_cp_subsequent,
    _eval_cp_visits,
    _eval_eet,
    _eval_health,
    _eval_icpc_timeliness,
    _eval_in_touch,
    _eval_missing,
    _eval_nfa,
    _eval_placements,
    _eval_rereferral,
    _eval_s47_to_icpc,
    _eval_suitable,
)
from .evaluators_eh_cin_adoption import (
    _eval_adopter_approval,
    _eval_adoption_care_to_placement,
    _eval_adoption_decision_to_placement,
    _eval_adoption_order_to_match,
    _eval_cin_seen,
    _eval_early_help_timeliness,
)


@dataclass(frozen=True, kw_only=True)
class KpiDefinition(Measure):
    """One Annex A KPI, declared once: its registry entry (:class:`~qaanalysis.measures.registry.
    Measure`, Figure id ``kpi.<id>``) plus the fields its computation reads. Its label, unit,
    polarity and theme are the catalogue's (``kpis`` in the configuration).

    Text fields may name the authority's timescales in braces (``{assessment_working_days}``); use
    :func:`kpi_definitions` for the text with the configured values filled in.

    Attributes:
        kpi_id: the KPI id of the catalogue in ``defaults.yaml`` (``kpi.<id>`` is its Figure).
        list_id: the Annex A list it is computed from.
        numerator, denominator: what is counted, in words.
        period_rule: ``flow`` (events in the period, monthly series) or ``stock`` (open cases as at
            a date: the period end where the records allow, else the extract date).
        event: for flow KPIs, the column whose date places a record in a month.
        days: ``working`` or ``calendar`` days in the timescale; ``none`` without a timescale.
        statutory_source: where the timescale or definition comes from.
        needs: the columns without which the KPI cannot be computed.
        notes: how blanks and edge cases are counted.
        latest: for stock KPIs, what Annex A holds only each child's latest of ("statutory visit").
        as_at_events: for stock KPIs, the columns dating that latest event. The position at a date
            before the extract is rebuilt only when no record counted then has one of these after
            it; none declared: the position exists only at the extract date.
    """

    kpi_id: str = field(kw_only=False)
    list_id: str = field(kw_only=False)
    id: str = ""
    area: str = "performance"
    unit: str = "percent"
    polarity: str = "higher"
    period_rule: Literal["flow", "stock"]
    event: str | None
    days: Literal["working", "calendar", "none"]
    statutory_source: str
    needs: tuple[str, ...]
    latest: str = ""
    as_at_events: tuple[str, ...] = ()
    evaluate: Callable[..., pd.DataFrame] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", f"kpi.{self.kpi_id}")
        object.__setattr__(self, "source", f"Annex A {self.list_id.replace('_', ' ').title()}")
        super().__post_init__()

    def resolved(self, config: Config) -> Measure:
        """The registry entry with the catalogue's label, unit, polarity and theme, and the
        configured timescales filled in."""
        kpi = config.kpis.get(self.kpi_id) or Kpi(label=self.kpi_id)
        return Measure(
            id=self.id,
            label=kpi.label,
            area=self.area,
            source=self.source,
            unit=kpi.unit,
            polarity=kpi.polarity,
            numerator=fill(self.numerator, config),
            denominator=fill(self.denominator, config),
            period_rule=_period_rule_text(self, config),
            days=self.days,
            statutory_source=self.statutory_source,
            theme=config.theme_of_kpi(self.kpi_id) or "",
            notes=fill(self.notes, config),
        )


#: The registry's entry for a KPI of the authority's monthly scorecard (``kpis`` export).
SCORECARD_KPI = Measure(
    id="kpi.<kpi>",
    label="{kpi}",
    area="performance",
    source="monthly scorecard (kpis)",
    unit="percent",
    polarity="context",
    period_rule="monthly value as supplied",
    notes="Defined by the authority's scorecard.",
)


def scorecard_measure(kpi_id: str, config: Config) -> Measure:
    """The registry entry of a scorecard KPI in the catalogue (label, unit, polarity, theme)."""
    kpi = config.kpis[kpi_id]
    return replace(
        SCORECARD_KPI,
        id=f"kpi.{kpi_id}",
        label=kpi.label,
        unit=kpi.unit,
        polarity=kpi.polarity,
        theme=config.theme_of_kpi(kpi_id) or "",
    )


_CL_DENOMINATOR = (
    "care leavers on List 9 aged " + "{} to {}".format(*CARE_LEAVER_AGES) + " at the extract date, "
    "except those who have died"
)
# A stock KPI of a period ending up to this many weeks before the extract is shown as at the
# period end (where the records allow) or labelled with the extract date; the default of the
# configuration's thresholds.stock_as_at_window_weeks.
STOCK_AS_AT_WINDOW_WEEKS = 6
# The date a stock KPI describes: the period end, when the extract was taken up to the configured
# window after it and the records allow (:func:`qaanalysis.measures.performance.stock_as_at`).
_AS_AT = "the as-at date"
_CL_NOTE = (
    " Age at the extract date from the date of birth, else the Age column. DfE publishes ages 19 to "
    "21, the nearest comparator."
)
_STOCK_NOTE = (
    "As at the extract date when it falls in the period. For a period that ended up to "
    "{{stock_as_at_window_weeks}} weeks before the extract: as at the period end when no child "
    "counted then has a later {what} (Annex A holds each child's latest {what} only), otherwise as "
    "at the extract date. The figure states its date."
)
_EXTRACT_ONLY_NOTE = (
    "As at the extract date only: Annex A holds each child's latest {what}, so the position at an "
    "earlier date cannot be rebuilt. A period ending up to {{stock_as_at_window_weeks}} weeks "
    "before the extract shows the extract date's position, and the figure says so."
)
_NOT_DUE = "A first {what} not yet due counts as in timescale."

KPI_DEFINITIONS: dict[str, KpiDefinition] = {
    d.kpi_id: d
    for d in (
        KpiDefinition(
            "referrals_rereferral_12m",
            "list_3",
            numerator="referrals in the month where the Number of Referrals in Last 12 Months is more than 1",
            denominator="referrals in the month (Date of Referral)",
            period_rule="flow",
            event="referral_date",
            days="none",
            statutory_source="Ofsted Annex A List 3; DfE Characteristics of children in need (re-referrals within 12 months)",
            needs=("referral_date", "referrals_12m"),
            notes="Annex A counts the referral itself, so more than 1 means an earlier referral within 12 months. "
            "Referrals with the number blank are left out.",
            evaluate=_eval_rereferral,
        ),
        KpiDefinition(
            "referrals_nfa",
            "list_3",
            numerator="referrals in the month marked no further action (Referral NFA? = Yes)",
            denominator="referrals in the month with NFA recorded",
            period_rule="flow",
            event="referral_date",
            days="none",
            statutory_source="Ofsted Annex A List 3",
            needs=("referral_date", "referral_nfa"),
            notes="Context measure: neither high nor low is better.",
            evaluate=_eval_nfa,
        ),
        KpiDefinition(
            "assessments_within_45wd",
            "list_4",
            numerator="assessments authorised in the month within {assessment_working_days} working days of the {assessment_anchor_text}",
            denominator="assessments authorised in the month (Continuous Assessment Date of Authorisation)",
            period_rule="flow",
            event="assessment_authorised_date",
            days="working",
            statutory_source="Working Together to Safeguard Children: assessment within 45 working days of the referral; "
            "Annex A and ChAT time it from the assessment start",
            needs=("assessment_start_date", "assessment_authorised_date"),
            notes="Day 0 is the {assessment_anchor_text} date; weekends and bank holidays do not count. With the referral "
            "anchor, the child's latest List 3 referral on or before the assessment start is used; assessments "
            "with no referral found are left out.",
            evaluate=_eval_assessment_timeliness,
        ),
        KpiDefinition(
            "assessments_child_seen",
            "list_4",
            numerator="assessments authorised in the month where the child was seen (Child Seen During Continuous Assessment = Yes)",
            denominator="assessments authorised in the month",
            period_rule="flow",
            event="assessment_authorised_date",
            days="none",
            statutory_source="Working Together to Safeguard Children: the child is seen as part of the assessment",
            needs=("assessment_authorised_date", "child_seen"),
            notes="A blank or Unknown is counted as not seen: there is no record of the child being seen.",
            evaluate=_eval_child_seen,
        ),
        KpiDefinition(
            "s47_icpc_within_15wd",
            "list_5",
            numerator="ICPCs held in the month within {icpc_working_days} working days of the strategy discussion",
            denominator="initial child protection conferences held in the month (Date of Initial Child Protection Conference)",
            period_rule="flow",
            event="icpc_date",
            days="working",
            statutory_source="Working Together to Safeguard Children: ICPC within 15 working days of the strategy "
            "discussion at which the section 47 enquiry was initiated",
            needs=("strategy_discussion_date", "icpc_date"),
            notes="Day 0 is the strategy discussion; weekends and bank holidays do not count.",
            evaluate=_eval_icpc_timeliness,
        ),
        KpiDefinition(
            "s47_to_icpc",
            "list_5",
            numerator="section 47 enquiries starting in the month that have an ICPC date",
            denominator="section 47 enquiries starting in the month (strategy discussion date)",
            period_rule="flow",
            event="strategy_discussion_date",
            days="none",
            statutory_source="Ofsted Annex A List 5",
            needs=("strategy_discussion_date", "icpc_date"),
            notes="Context measure. Enquiries in the last few weeks before the extract may not have reached conference yet.",
            evaluate=_eval_s47_to_icpc,
        ),
        KpiDefinition(
            "cp_visit_in_timescale",
            "list_7",
            numerator="open plans whose last statutory visit was within {cp_visit_working_days} working days of "
            + _AS_AT,
            denominator="child protection plans open at " + _AS_AT,
            period_rule="stock",
            event=None,
            days="working",
            statutory_source="Local visiting standard (default every 10 working days); Working Together to Safeguard Children",
            needs=("cp_plan_start_date", "last_visit_date"),
            notes=_STOCK_NOTE.format(what="statutory visit") + " " + _NOT_DUE.format(what="visit"),
            latest="statutory visit",
            as_at_events=("last_visit_date",),
            evaluate=_eval_cp_visits,
        ),
        KpiDefinition(
            "cp_seen_alone",
            "list_7",
            numerator="open plans where the child was seen alone at the last visit",
            denominator="child protection plans open at " + _AS_AT,
            period_rule="stock",
            event=None,
            days="none",
            statutory_source="Working Together to Safeguard Children: children seen alone",
            needs=("cp_plan_start_date", "seen_alone"),
            notes=_STOCK_NOTE.format(what="visit") + " A blank is counted as not seen alone.",
            latest="visit",
            as_at_events=("last_visit_date",),
            evaluate=_eval_cp_seen_alone,
        ),
        KpiDefinition(
            "cp_review_in_timescale",
            "list_7",
            numerator="open plans whose next review conference is not overdue: the first within {cp_first_review_months} "
            "months of the plan start, then every {cp_review_months} months after the latest review",
            denominator="child protection plans open at " + _AS_AT,
            period_rule="stock",
            event=None,
            days="calendar",
            statutory_source="Working Together to Safeguard Children: first review within 3 months of the ICPC, then at "
            "intervals of no more than 6 months",
            needs=("cp_plan_start_date", "latest_review_date"),
            notes=_STOCK_NOTE.format(what="review conference")
            + " "
            + _NOT_DUE.format(what="review")
            + " A review dated before the plan started is ignored.",
            latest="review conference",
            as_at_events=("latest_review_date",),
            evaluate=_eval_cp_reviews,
        ),
        KpiDefinition(
            "cp_subsequent_plan",
            "list_7",
            numerator="plans starting in the month with one or more previous child protection plans",
            denominator="child protection plans starting in the month",
            period_rule="flow",
            event="cp_plan_start_date",
            days="none",
            statutory_source="DfE Characteristics of children in need (table D3: second or subsequent plans)",
            needs=("cp_plan_start_date", "previous_cp_plans"),
            notes="DfE counts any previous plan; Annex A's Number of Previous Child Protection Plans is used as given.",
            evaluate=_eval_cp_subsequent,
        ),
        KpiDefinition(
            "cp_plans_2y_plus",
            "list_7",
            numerator="plans ending in the month that had lasted "
            + str(CP_LONG_PLAN_YEARS)
            + " years or more",
            denominator="child protection plans ending in the month",
            period_rule="flow",
            event="cp_plan_end_date",
            days="calendar",
            statutory_source="DfE Characteristics of children in need (plans ceasing, by duration)",
            needs=("cp_plan_start_date", "cp_plan_end_date"),
            evaluate=_eval_cp_long,
        ),
        KpiDefinition(
            "cla_review_in_timescale",
            "list_8",
            numerator="children whose next statutory review is not overdue: the first within {cla_first_review_working_days} "
            "working days of coming into care, the second within {cla_second_review_months} months of the first, "
            "then every {cla_review_months} months",
            denominator="children in care at " + _AS_AT,
            period_rule="stock",
            event=None,
            days="working",
            statutory_source="Care Planning, Placement and Case Review (England) Regulations 2010, regulation 33",
            needs=("cla_start_date", "latest_review_date"),
            notes=_STOCK_NOTE.format(what="review")
            + " "
            + _NOT_DUE.format(what="review")
            + " The latest review counts as the first when it was held within {cla_first_review_working_days} "
            "working days of the start; otherwise the next is due {cla_review_months} months after it.",
            latest="review",
            as_at_events=("latest_review_date",),
            evaluate=_eval_cla_reviews,
        ),
        KpiDefinition(
            "cla_visit_in_timescale",
            "list_8",
            numerator="children whose last social work visit was within {cla_visit_weeks} weeks of "
            + _AS_AT,
            denominator="children in care at " + _AS_AT,
            period_rule="stock",
            event=None,
            days="calendar",
            statutory_source="Care Planning, Placement and Case Review (England) Regulations 2010, regulation 28: within a "
            "week of a placement, then at least every 6 weeks",
            needs=("cla_start_date", "last_visit_date"),
            notes=_STOCK_NOTE.format(what="visit")
            + " A child with no visit since coming into care is in timescale for "
            "{cla_first_visit_days} days.",
            latest="visit",
            as_at_events=("last_visit_date",),
            evaluate=_eval_cla_visits,
        ),
        KpiDefinition(
            "cla_health_assessment_in_date",
            "list_8",
            numerator="children with a health assessment within {health_assessment_months_under_5} months (under 5) or "
            "{health_assessment_months_5_plus} months (5 and over) of " + _AS_AT,
            denominator="children in care at " + _AS_AT + " whose age is known",
            period_rule="stock",
            event=None,
            days="calendar",
            statutory_source="Promoting the health and wellbeing of looked-after children (2015): reviews every 6 months "
            "under 5, every 12 months from 5",
            needs=("cla_start_date", "health_assessment_date", "date_of_birth"),
            notes=_STOCK_NOTE.format(what="health assessment")
            + " Age at the as-at date from the date of birth, else "
            "the Age column. An initial assessment is not due until "
            "{health_assessment_initial_working_days} working days after coming into care.",
            latest="health assessment",
            as_at_events=("health_assessment_date",),
            evaluate=_eval_health,
        ),
        KpiDefinition(
            "cla_3plus_placements",
            "list_8",
            numerator="children with "
            + str(PLACEMENTS_THRESHOLD)
            + " or more placements in the last 12 months",
            denominator="children in care at the extract date with the number of placements recorded",
            period_rule="stock",
            event=None,
            days="none",
            statutory_source="DfE Children looked after in England: placement stability",
            needs=("cla_start_date", "placements_12m"),
            notes=_EXTRACT_ONLY_NOTE.format(what="12-month placement count"),
            latest="12-month placement count",
            evaluate=_eval_placements,
        ),
        KpiDefinition(
            "cla_missing",
            "list_8",
            numerator="children with one or more missing episodes in the last 12 months",
            denominator="children in care at the extract date with missing episodes recorded",
            period_rule="stock",
            event=None,
            days="none",
            statutory_source="Ofsted Annex A List 8; DfE Children looked after in England (missing)",
            needs=("cla_start_date", "missing_episodes_12m"),
            notes=_EXTRACT_ONLY_NOTE.format(what="12-month missing count")
            + " Absences are not counted.",
            latest="12-month missing count",
            evaluate=_eval_missing,
        ),
        KpiDefinition(
            "care_leavers_in_touch",
            "list_9",
            numerator="care leavers the authority is in touch with (LA in Touch = Yes)",
            denominator=_CL_DENOMINATOR,
            period_rule="stock",
            event=None,
            days="none",
            statutory_source="Children (Leaving Care) Act 2000; DfE Children looked after in England (care leavers)",
            needs=("in_touch", "date_of_birth"),
            notes="As at the extract date. A blank is counted as not in touch, as DfE counts 'no information'."
            + _CL_NOTE,
            latest="status",
            evaluate=_eval_in_touch,
        ),
        KpiDefinition(
            "care_leavers_suitable_accommodation",
            "list_9",
            numerator="care leavers in accommodation recorded as suitable",
            denominator=_CL_DENOMINATOR,
            period_rule="stock",
            event=None,
            days="none",
            statutory_source="DfE Children looked after in England: care leavers in suitable accommodation",
            needs=("accommodation_suitable", "date_of_birth"),
            notes="As at the extract date. A blank is counted as not suitable, as DfE counts 'no information'."
            + _CL_NOTE,
            latest="status",
            evaluate=_eval_suitable,
        ),
        KpiDefinition(
            "care_leavers_eet",
            "list_9",
            numerator="care leavers in education, employment or training (activity codes F1 to F5, P1 to P5)",
            denominator=_CL_DENOMINATOR,
            period_rule="stock",
            event=None,
            days="none",
            statutory_source="DfE Children looked after in England: care leavers' activity (SSDA903 codes)",
            needs=("activity_status", "date_of_birth"),
            notes="As at the extract date. A blank or unrecognised activity is counted as not in education, "
            "employment or training." + _CL_NOTE,
            latest="status",
            evaluate=_eval_eet,
        ),
        KpiDefinition(
            "early_help_assessment_in_timescale",
            "list_2",
            numerator="early help assessments completed in the month within "
            "{early_help_assessment_working_days} working days of the start",
            denominator="early help assessments completed in the month (Assessment completion date)",
            period_rule="flow",
            event="assessment_completion_date",
            days="working",
            statutory_source="The authority's early help timescale (Working Together to Safeguard Children: "
            "early help assessments; no national timescale); Ofsted Annex A List 2",
            needs=("assessment_start_date", "assessment_completion_date"),
            notes="Day 0 is the assessment start; weekends and bank holidays do not count. Assessments by "
            "partner organisations are counted with the authority's own; the organisation completing "
            "the assessment stands for the team.",
            evaluate=_eval_early_help_timeliness,
        ),
        KpiDefinition(
            "cin_seen_in_timescale",
            "list_6",
            numerator="open children in need episodes where the child was last seen within {cin_visit_weeks} "
            "weeks of " + _AS_AT,
            denominator="children in need episodes open at "
            + _AS_AT
            + ", other than children on a protection plan, in care or leaving care",
            period_rule="stock",
            event=None,
            days="calendar",
            statutory_source="Local visiting standard for children in need (default every 6 weeks); "
            "Ofsted Annex A List 6",
            needs=("cin_start_date", "last_seen_date"),
            notes=_STOCK_NOTE.format(what="date seen")
            + " A child not yet seen since the episode began is in timescale for {cin_visit_weeks} weeks. "
            "Children whose Case Status is a protection plan, in care or a care leaver are left out "
            "(their visits are measured on Lists 7 and 8); the status is the extract's.",
            latest="date seen",
            as_at_events=("last_seen_date",),
            evaluate=_eval_cin_seen,
        ),
        KpiDefinition(
            "adoption_care_to_placement",
            "list_10",
            numerator="children placed for adoption in the month who moved in with their adoptive family "
            "within {adoption_care_to_placement_days} days of entering care",
            denominator="children placed for adoption in the month (Date Placed for Adoption)",
            period_rule="flow",
            event="placed_for_adoption_date",
            days="calendar",
            statutory_source="DfE adoption scorecard, indicator A1 (entering care to moving in with the adoptive "
            "family; threshold 426 days)",
            needs=("entered_care_date", "placed_for_adoption_date"),
            notes="Calendar days from the date the child entered care. A child placed earlier with the same "
            "family in a fostering for adoption or concurrent planning placement moved in on that date, "
            "as the scorecard counts it. The scorecard averages over 3 years; this counts each month's "
            "placements.",
            evaluate=_eval_adoption_care_to_placement,
        ),
        KpiDefinition(
            "adoption_order_to_match",
            "list_10",
            numerator="children matched in the month within {adoption_order_to_match_days} days of the "
            "placement order",
            denominator="children matched with prospective adopters in the month who had a placement order",
            period_rule="flow",
            event="matched_date",
            days="calendar",
            statutory_source="DfE adoption scorecard, indicator A2 (placement order to match; threshold 121 days)",
            needs=("placement_order_date", "matched_date"),
            notes="Calendar days from the placement order to the match. Children placed with their parents' "
            "consent (no placement order) are left out.",
            evaluate=_eval_adoption_order_to_match,
        ),
        KpiDefinition(
            "adoption_decision_to_placement",
            "list_10",
            numerator="children placed for adoption in the month within "
            "{adoption_decision_to_placement_months} months of the decision that they should be placed "
            "for adoption",
            denominator="children placed for adoption in the month with a decision date",
            period_rule="flow",
            event="placed_for_adoption_date",
            days="calendar",
            statutory_source="Former National Indicator 61 (placed within 12 months of the decision); "
            "Ofsted Annex A List 10",
            needs=("adoption_decision_date", "placed_for_adoption_date"),
            notes="Calendar months from the agency decision (should be placed for adoption) to the date "
            "placed for adoption.",
            evaluate=_eval_adoption_decision_to_placement,
        ),
        KpiDefinition(
            "adopters_approved_in_timescale",
            "list_11",
            numerator="adoptive households approved in the month within {adopter_approval_months} months of "
            "starting stage 1",
            denominator="adoptive households approved in the month (Date application approved)",
            period_rule="flow",
            event="application_approved_date",
            days="calendar",
            statutory_source="Statutory guidance on adoption (2013): stage 1 within 2 months, stage 2 within "
            "4 months; Ofsted Annex A List 11",
            needs=("stage1_start_date", "application_approved_date"),
            notes="List 11 has a row per adopter: a couple (one Family identifier) is counted once. A break "
            "between the stages is counted in the time, as List 11 does not record it.",
            evaluate=_eval_adopter_approval,
        ),
    )
}


def _period_rule_text(d: KpiDefinition, config: Config) -> str:
    if d.period_rule == "flow":
        return "events in the period (flow)"
    if not d.as_at_events:
        return "open cases as at the extract date (stock)"
    return (
        f"open cases as at the extract date when it falls in the period, else as at the period end "
        f"from an extract taken up to {as_at_window_weeks(config)} weeks after it, where the "
        f"records allow (stock)"
    )


def as_at_window_weeks(config: Config) -> int:
    """How many weeks after a period's end an extract may be taken for its stock KPIs to be shown
    (``thresholds.stock_as_at_window_weeks``, default :data:`STOCK_AS_AT_WINDOW_WEEKS`)."""
    return int(getattr(config.thresholds, "stock_as_at_window_weeks", STOCK_AS_AT_WINDOW_WEEKS))


def kpi_definitions(config: Config) -> pd.DataFrame:
    """Every KPI's definition, as the methods appendix shows it, with configured timescales.

    One row per KPI in the catalogue, read from its registry entry: Annex A KPIs with their
    declared numerator, denominator and period rule; scorecard KPIs as supplied by the
    authority's monthly ``kpis`` export.
    """
    rows = []
    for kpi_id, kpi in config.kpis.items():
        d = KPI_DEFINITIONS.get(kpi_id)
        m = scorecard_measure(kpi_id, config) if d is None else d.resolved(config)
        rows.append(
            {
                "kpi_id": kpi_id,
                "label": m.label,
                "source": m.source,
                "period_rule": m.period_rule,
                "numerator": m.numerator,
                "denominator": m.denominator,
                "days": m.days,
                "polarity": m.polarity,
                "target": kpi.target,
                "statutory_source": m.statutory_source,
                "notes": m.notes,
            }
        )
    return pd.DataFrame(rows)
