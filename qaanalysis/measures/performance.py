"""Performance: statutory-timescale KPIs from Annex A, scorecard KPIs, SPC charts and benchmarks.

Every Annex A KPI is declared once in :data:`KPI_DEFINITIONS` (numerator, denominator, period rule,
working or calendar days, statutory source); :func:`kpi_definitions` turns the declarations into
the text that the notebook, the narrative and the methods appendix all read, with the authority's
configured timescales filled in.

Two period rules:

- **flow** KPIs count events in a month (an assessment authorised, an ICPC held, a plan starting):
  a monthly series, summed over the months of a reporting period.
- **stock** KPIs describe the children open on a date (CP plans, children in care, care leavers).
  Annex A holds only the *latest* visit, review, health assessment and placement count of each
  child, as at the extract date, so the position at an earlier month end cannot be rebuilt: a stock
  KPI is computed only as at the extract date, and only for a period that contains it. A stock
  KPI's history comes from the monthly scorecard (the ``kpis`` source) where the authority keeps one.

Working days exclude weekends and England and Wales bank holidays
(:func:`qaanalysis.periods.working_days_between`: the day of the first event is day 0).

Trends are read as Making Data Count XmR charts (:func:`qaanalysis.stats.xmr`), with the baselines
and recalculation dates set in the KPI catalogue of ``la.yaml``. Benchmarks come from the
``benchmarks`` source or from Department for Education published statistics named in
``la.yaml`` (``published``).
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .. import charts, stats
from .. import figures as fig
from ..config import Config, Kpi
from ..figures import Figure
from ..findings import Signal
from ..periods import Period, working_days_between
from ..sources import Evidence

# ----------------------------------------------------------------------------- declarations

# Declared constants of the measures below (not authority settings), with their sources.
CP_LONG_PLAN_YEARS = 2  # DfE CIN census: plans ending that lasted 2 years or more
RE_REFERRAL_COUNT = 1  # Annex A List 3 counts this referral: more than 1 = re-referral in 12 months
CLA_FIRST_VISIT_DAYS = 7  # Care Planning Regulations 2010, reg. 28: within one week of a placement
# Promoting the health and wellbeing of looked-after children (2015): initial health assessment.
INITIAL_HEALTH_ASSESSMENT_WORKING_DAYS = 20
PLACEMENTS_THRESHOLD = 3  # DfE placement stability: 3 or more placements in 12 months
# DfE's care leaver statistics cover young people aged 17 to 21 (headline figures 19 to 21).
CARE_LEAVER_AGES = (17, 21)
# No contact or referral in a month's first week means the extract's window began mid-month.
WINDOW_START_GRACE_DAYS = 7
# Activity codes of the SSDA903 care-leaver return: F (full time) and P (part time) are education,
# employment or training; G is not.
_EET = re.compile(r"^[fp][0-9]")

SUPPRESSION_REASONS = {
    "c": "confidential: 1 to 5, suppressed",
    "x": "not available",
    "z": "not applicable",
    "k": "rounds to zero",
    "u": "low reliability",
    "low": "rounds to zero but is not zero",
    ":": "not available",
}


@dataclass(frozen=True)
class KpiDefinition:
    """One Annex A KPI, declared once.

    Text fields may name the authority's timescales in braces (``{assessment_working_days}``); use
    :func:`kpi_definitions` for the text with the configured values filled in.

    Attributes:
        id: the KPI id of the catalogue in ``defaults.yaml`` (``kpi.<id>`` is its Figure).
        list_id: the Annex A list it is computed from.
        numerator, denominator: what is counted, in words.
        period_rule: ``flow`` (events in the period, monthly series) or ``stock`` (open cases as at
            the extract date).
        event: for flow KPIs, the column whose date places a record in a month.
        days: ``working`` or ``calendar`` days in the timescale; ``none`` without a timescale.
        statutory_source: where the timescale or definition comes from.
        needs: the columns without which the KPI cannot be computed.
        notes: how blanks and edge cases are counted.
    """

    id: str
    list_id: str
    numerator: str
    denominator: str
    period_rule: Literal["flow", "stock"]
    event: str | None
    days: Literal["working", "calendar", "none"]
    statutory_source: str
    needs: tuple[str, ...]
    notes: str = ""
    evaluate: Callable[..., pd.DataFrame] | None = field(default=None, repr=False, compare=False)


# ---- record-level evaluators: one row per record considered, with ``met`` (in the numerator) and
# ``excluded`` (why a record is left out of the denominator; "" when counted).


def _base(frame: pd.DataFrame, event: str | None) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    out["child_id"] = frame["child_id"] if "child_id" in frame else pd.NA
    out["team"] = frame["team"] if "team" in frame else pd.NA
    out["event_date"] = frame[event] if event else pd.NaT
    out["excluded"] = ""
    return out


def _exclude(out: pd.DataFrame, mask: pd.Series, reason: str) -> None:
    mask = mask.fillna(False).astype(bool) & (out["excluded"] == "")
    out.loc[mask, "excluded"] = reason


def _open_at(frame: pd.DataFrame, start: str, end: str | None, as_at: pd.Timestamp) -> pd.Series:
    is_open = frame[start] <= as_at
    if end and end in frame:
        is_open &= frame[end].isna() | (frame[end] > as_at)
    return is_open.fillna(False).astype(bool)


def _flag(series: pd.Series) -> pd.Series:
    return series.fillna(False).astype(bool)


def _eval_rereferral(lists, config, as_at):
    f = lists["list_3"]
    out = _base(f, "referral_date")
    out["referrals_12m"] = f["referrals_12m"]
    out["met"] = _flag(f["referrals_12m"] > RE_REFERRAL_COUNT)
    _exclude(out, f["referrals_12m"].isna(), "number of referrals in last 12 months blank")
    return out


def _eval_nfa(lists, config, as_at):
    f = lists["list_3"]
    out = _base(f, "referral_date")
    out["met"] = _flag(f["referral_nfa"])
    _exclude(out, f["referral_nfa"].isna(), "referral NFA blank")
    return out


def _assessment_anchor(lists, config) -> tuple[pd.Series, str]:
    """The date the 45 working days run from: the assessment start or the referral."""
    f = lists["list_4"]
    if config.timescales.assessment_anchor == "assessment_start":
        return f["assessment_start_date"], "assessment start"
    anchor = f["referral_date"].copy() if "referral_date" in f else pd.Series(pd.NaT, index=f.index)
    todo = anchor.isna() & f["assessment_start_date"].notna() & f["child_id"].notna()
    referrals = lists.get("list_3")
    if todo.any() and referrals is not None and len(referrals):
        # The child's latest referral on or before the assessment started (List 3).
        left = pd.DataFrame({"child_id": f.loc[todo, "child_id"].astype(str),
                             "date": f.loc[todo, "assessment_start_date"].astype("datetime64[ns]"),
                             "row": f.index[todo]}).sort_values("date")  # fmt: skip
        right = pd.DataFrame({"child_id": referrals["child_id"].astype(str),
                              "date": referrals["referral_date"].astype("datetime64[ns]")})  # fmt: skip
        right = right.dropna().sort_values("date")
        right["referral"] = right["date"]
        joined = pd.merge_asof(left, right, on="date", by="child_id", direction="backward")
        anchor.loc[joined["row"].to_numpy()] = joined["referral"].to_numpy()
    return anchor, "referral"


def _eval_assessment_timeliness(lists, config, as_at):
    f = lists["list_4"]
    out = _base(f, "assessment_authorised_date")
    anchor, anchor_name = _assessment_anchor(lists, config)
    out["anchor_date"] = anchor
    out["working_days"] = working_days_between(start=anchor, end=f["assessment_authorised_date"])
    out["met"] = _flag(out["working_days"] <= config.timescales.assessment_working_days)
    _exclude(out, anchor.isna(), f"no {anchor_name} date")
    _exclude(out, out["working_days"] < 0, f"authorised before the {anchor_name}")
    return out


def _eval_child_seen(lists, config, as_at):
    f = lists["list_4"]
    out = _base(f, "assessment_authorised_date")
    out["met"] = _flag(f["child_seen"])
    return out


def _eval_icpc_timeliness(lists, config, as_at):
    f = lists["list_5"]
    out = _base(f, "icpc_date")
    out["working_days"] = working_days_between(
        start=f["strategy_discussion_date"], end=f["icpc_date"]
    )
    out["met"] = _flag(out["working_days"] <= config.timescales.icpc_working_days)
    _exclude(out, out["working_days"] < 0, "ICPC before the strategy discussion")
    return out


def _eval_s47_to_icpc(lists, config, as_at):
    f = lists["list_5"]
    out = _base(f, "strategy_discussion_date")
    out["met"] = f["icpc_date"].notna()
    return out


def _open_cp(lists, as_at):
    f = lists["list_7"]
    return f[_open_at(f, "cp_plan_start_date", "cp_plan_end_date", as_at)]


def _eval_cp_visits(lists, config, as_at):
    f = _open_cp(lists, as_at)
    out = _base(f, None)
    limit = config.timescales.cp_visit_working_days
    since_visit = working_days_between(start=f["last_visit_date"], end=as_at)
    since_start = working_days_between(start=f["cp_plan_start_date"], end=as_at)
    out["working_days_since_visit"] = since_visit
    visited = f["last_visit_date"].notna()
    # No visit yet: in timescale while the first visit is not yet due.
    out["met"] = _flag(since_visit.le(limit).where(visited, since_start.le(limit)))
    return out


def _eval_cp_seen_alone(lists, config, as_at):
    f = _open_cp(lists, as_at)
    out = _base(f, None)
    out["met"] = _flag(f["seen_alone"])
    return out


def _eval_cp_reviews(lists, config, as_at):
    f = _open_cp(lists, as_at)
    out = _base(f, None)
    ts = config.timescales
    review = f["latest_review_date"].where(f["latest_review_date"] >= f["cp_plan_start_date"])
    due = (f["cp_plan_start_date"] + pd.DateOffset(months=ts.cp_first_review_months)).where(
        review.isna(), review + pd.DateOffset(months=ts.cp_review_months)
    )
    out["next_review_due"] = due
    out["met"] = _flag(due >= as_at)
    return out


def _eval_cp_subsequent(lists, config, as_at):
    f = lists["list_7"]
    out = _base(f, "cp_plan_start_date")
    out["met"] = _flag(f["previous_cp_plans"] >= 1)
    _exclude(out, f["previous_cp_plans"].isna(), "number of previous plans blank")
    return out


def _eval_cp_long(lists, config, as_at):
    f = lists["list_7"]
    out = _base(f, "cp_plan_end_date")
    out["met"] = _flag(
        f["cp_plan_end_date"] >= f["cp_plan_start_date"] + pd.DateOffset(years=CP_LONG_PLAN_YEARS)
    )
    return out


def _open_cla(lists, as_at):
    f = lists["list_8"]
    return f[_open_at(f, "cla_start_date", "ceased_date", as_at)]


def _eval_cla_reviews(lists, config, as_at):
    f = _open_cla(lists, as_at)
    out = _base(f, None)
    ts = config.timescales
    start = f["cla_start_date"]
    review = f["latest_review_date"].where(f["latest_review_date"] >= start)
    first_window = working_days_between(start=start, end=review) <= ts.cla_first_review_working_days
    next_due = (review + pd.DateOffset(months=ts.cla_second_review_months)).where(
        first_window, review + pd.DateOffset(months=ts.cla_review_months)
    )
    first_ok = working_days_between(start=start, end=as_at) <= ts.cla_first_review_working_days
    out["met"] = _flag((next_due >= as_at).where(review.notna(), first_ok))
    return out


def _eval_cla_visits(lists, config, as_at):
    f = _open_cla(lists, as_at)
    out = _base(f, None)
    visit = f["last_visit_date"].where(f["last_visit_date"] >= f["cla_start_date"])
    due = (visit + pd.Timedelta(weeks=config.timescales.cla_visit_weeks)).where(
        visit.notna(), f["cla_start_date"] + pd.Timedelta(days=CLA_FIRST_VISIT_DAYS)
    )
    out["next_visit_due"] = due
    out["met"] = _flag(due >= as_at)
    return out


def _age_at(frame: pd.DataFrame, as_at: pd.Timestamp) -> pd.Series:
    """Whole years at ``as_at`` from the date of birth, else the export's Age column."""
    dob = frame["date_of_birth"]
    years = pd.Series(np.nan, index=frame.index)
    known = dob.notna()
    if known.any():
        d = dob[known]
        had_birthday = (d.dt.month < as_at.month) | (
            (d.dt.month == as_at.month) & (d.dt.day <= as_at.day)
        )
        years[known] = as_at.year - d.dt.year - (~had_birthday).astype(int)
    return years.fillna(np.floor(frame["age"])) if "age" in frame else years


def _eval_health(lists, config, as_at):
    f = _open_cla(lists, as_at)
    out = _base(f, None)
    ts = config.timescales
    age = _age_at(f, as_at)
    out["age"] = age
    months = pd.Series(np.where(age < 5, ts.health_assessment_months_under_5,
                                ts.health_assessment_months_5_plus), index=f.index)  # fmt: skip
    assessed = f["health_assessment_date"]
    due = pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
    for m in months.unique():
        rows = months == m
        due[rows] = assessed[rows] + pd.DateOffset(months=int(m))
    first_ok = (
        working_days_between(start=f["cla_start_date"], end=as_at)
        <= INITIAL_HEALTH_ASSESSMENT_WORKING_DAYS
    )
    out["met"] = _flag((due >= as_at).where(assessed.notna(), first_ok))
    _exclude(out, age.isna(), "age unknown (no date of birth or age)")
    return out


def _eval_placements(lists, config, as_at):
    f = _open_cla(lists, as_at)
    out = _base(f, None)
    out["met"] = _flag(f["placements_12m"] >= PLACEMENTS_THRESHOLD)
    _exclude(out, f["placements_12m"].isna(), "number of placements blank")
    return out


def _eval_missing(lists, config, as_at):
    f = _open_cla(lists, as_at)
    out = _base(f, None)
    out["met"] = _flag(f["missing_episodes_12m"] >= 1)
    _exclude(out, f["missing_episodes_12m"].isna(), "number of missing episodes blank")
    return out


def _care_leavers(lists, as_at):
    f = lists["list_9"]
    out = _base(f, None)
    age = _age_at(f, as_at)
    low, high = CARE_LEAVER_AGES
    _exclude(out, f["in_touch"].eq("died"), "died")
    _exclude(out, age.isna(), "age unknown (no date of birth or age)")
    _exclude(out, (age < low) | (age > high), f"not aged {low} to {high} at the extract date")
    return f, out


def _eval_in_touch(lists, config, as_at):
    f, out = _care_leavers(lists, as_at)
    out["met"] = _flag(f["in_touch"].eq("yes"))
    return out


def _eval_suitable(lists, config, as_at):
    f, out = _care_leavers(lists, as_at)
    out["met"] = _flag(f["accommodation_suitable"].eq("suitable"))
    return out


def _eval_eet(lists, config, as_at):
    f, out = _care_leavers(lists, as_at)
    out["met"] = _flag(f["activity_status"].astype("string").str.match(_EET))
    return out


_CL_DENOMINATOR = (
    "care leavers on List 9 aged " + "{} to {}".format(*CARE_LEAVER_AGES) + " at the extract date, "
    "except those who have died"
)
_CL_NOTE = (
    " Age at the extract date from the date of birth, else the Age column. DfE publishes ages 19 to "
    "21, the nearest comparator."
)
_STOCK_NOTE = (
    "Computed as at the extract date only: Annex A holds each child's latest {what}, so the "
    "position at an earlier date cannot be rebuilt."
)
_NOT_DUE = "A first {what} not yet due counts as in timescale."

KPI_DEFINITIONS: dict[str, KpiDefinition] = {d.id: d for d in (
    KpiDefinition(
        "referrals_rereferral_12m", "list_3",
        numerator="referrals in the month where the Number of Referrals in Last 12 Months is more than 1",
        denominator="referrals in the month (Date of Referral)",
        period_rule="flow", event="referral_date", days="none",
        statutory_source="Ofsted Annex A List 3; DfE Characteristics of children in need (re-referrals within 12 months)",
        needs=("referral_date", "referrals_12m"),
        notes="Annex A counts the referral itself, so more than 1 means an earlier referral within 12 months. "
              "Referrals with the number blank are left out.",
        evaluate=_eval_rereferral),
    KpiDefinition(
        "referrals_nfa", "list_3",
        numerator="referrals in the month marked no further action (Referral NFA? = Yes)",
        denominator="referrals in the month with NFA recorded",
        period_rule="flow", event="referral_date", days="none",
        statutory_source="Ofsted Annex A List 3",
        needs=("referral_date", "referral_nfa"), notes="Context measure: neither high nor low is better.",
        evaluate=_eval_nfa),
    KpiDefinition(
        "assessments_within_45wd", "list_4",
        numerator="assessments authorised in the month within {assessment_working_days} working days of the {assessment_anchor_text}",
        denominator="assessments authorised in the month (Continuous Assessment Date of Authorisation)",
        period_rule="flow", event="assessment_authorised_date", days="working",
        statutory_source="Working Together to Safeguard Children: assessment within 45 working days of the referral; "
                         "Annex A and ChAT time it from the assessment start",
        needs=("assessment_start_date", "assessment_authorised_date"),
        notes="Day 0 is the {assessment_anchor_text} date; weekends and bank holidays do not count. With the referral "
              "anchor, the child's latest List 3 referral on or before the assessment start is used; assessments "
              "with no referral found are left out.",
        evaluate=_eval_assessment_timeliness),
    KpiDefinition(
        "assessments_child_seen", "list_4",
        numerator="assessments authorised in the month where the child was seen (Child Seen During Continuous Assessment = Yes)",
        denominator="assessments authorised in the month",
        period_rule="flow", event="assessment_authorised_date", days="none",
        statutory_source="Working Together to Safeguard Children: the child is seen as part of the assessment",
        needs=("assessment_authorised_date", "child_seen"),
        notes="A blank or Unknown is counted as not seen: there is no record of the child being seen.",
        evaluate=_eval_child_seen),
    KpiDefinition(
        "s47_icpc_within_15wd", "list_5",
        numerator="ICPCs held in the month within {icpc_working_days} working days of the strategy discussion",
        denominator="initial child protection conferences held in the month (Date of Initial Child Protection Conference)",
        period_rule="flow", event="icpc_date", days="working",
        statutory_source="Working Together to Safeguard Children: ICPC within 15 working days of the strategy "
                         "discussion at which the section 47 enquiry was initiated",
        needs=("strategy_discussion_date", "icpc_date"),
        notes="Day 0 is the strategy discussion; weekends and bank holidays do not count.",
        evaluate=_eval_icpc_timeliness),
    KpiDefinition(
        "s47_to_icpc", "list_5",
        numerator="section 47 enquiries starting in the month that have an ICPC date",
        denominator="section 47 enquiries starting in the month (strategy discussion date)",
        period_rule="flow", event="strategy_discussion_date", days="none",
        statutory_source="Ofsted Annex A List 5",
        needs=("strategy_discussion_date", "icpc_date"),
        notes="Context measure. Enquiries in the last few weeks before the extract may not have reached conference yet.",
        evaluate=_eval_s47_to_icpc),
    KpiDefinition(
        "cp_visit_in_timescale", "list_7",
        numerator="open plans whose last statutory visit was within {cp_visit_working_days} working days of the extract date",
        denominator="child protection plans open at the extract date",
        period_rule="stock", event=None, days="working",
        statutory_source="Local visiting standard (default every 10 working days); Working Together to Safeguard Children",
        needs=("cp_plan_start_date", "last_visit_date"),
        notes=_STOCK_NOTE.format(what="statutory visit") + " " + _NOT_DUE.format(what="visit"),
        evaluate=_eval_cp_visits),
    KpiDefinition(
        "cp_seen_alone", "list_7",
        numerator="open plans where the child was seen alone at the last visit",
        denominator="child protection plans open at the extract date",
        period_rule="stock", event=None, days="none",
        statutory_source="Working Together to Safeguard Children: children seen alone",
        needs=("cp_plan_start_date", "seen_alone"),
        notes=_STOCK_NOTE.format(what="visit") + " A blank is counted as not seen alone.",
        evaluate=_eval_cp_seen_alone),
    KpiDefinition(
        "cp_review_in_timescale", "list_7",
        numerator="open plans whose next review conference is not overdue: the first within {cp_first_review_months} "
                  "months of the plan start, then every {cp_review_months} months after the latest review",
        denominator="child protection plans open at the extract date",
        period_rule="stock", event=None, days="calendar",
        statutory_source="Working Together to Safeguard Children: first review within 3 months of the ICPC, then at "
                         "intervals of no more than 6 months",
        needs=("cp_plan_start_date", "latest_review_date"),
        notes=_STOCK_NOTE.format(what="review conference") + " " + _NOT_DUE.format(what="review")
              + " A review dated before the plan started is ignored.",
        evaluate=_eval_cp_reviews),
    KpiDefinition(
        "cp_subsequent_plan", "list_7",
        numerator="plans starting in the month with one or more previous child protection plans",
        denominator="child protection plans starting in the month",
        period_rule="flow", event="cp_plan_start_date", days="none",
        statutory_source="DfE Characteristics of children in need (table D3: second or subsequent plans)",
        needs=("cp_plan_start_date", "previous_cp_plans"),
        notes="DfE counts any previous plan; Annex A's Number of Previous Child Protection Plans is used as given.",
        evaluate=_eval_cp_subsequent),
    KpiDefinition(
        "cp_plans_2y_plus", "list_7",
        numerator="plans ending in the month that had lasted " + str(CP_LONG_PLAN_YEARS) + " years or more",
        denominator="child protection plans ending in the month",
        period_rule="flow", event="cp_plan_end_date", days="calendar",
        statutory_source="DfE Characteristics of children in need (plans ceasing, by duration)",
        needs=("cp_plan_start_date", "cp_plan_end_date"),
        evaluate=_eval_cp_long),
    KpiDefinition(
        "cla_review_in_timescale", "list_8",
        numerator="children whose next statutory review is not overdue: the first within {cla_first_review_working_days} "
                  "working days of coming into care, the second within {cla_second_review_months} months of the first, "
                  "then every {cla_review_months} months",
        denominator="children in care at the extract date",
        period_rule="stock", event=None, days="working",
        statutory_source="Care Planning, Placement and Case Review (England) Regulations 2010, regulation 33",
        needs=("cla_start_date", "latest_review_date"),
        notes=_STOCK_NOTE.format(what="review") + " " + _NOT_DUE.format(what="review")
              + " The latest review counts as the first when it was held within {cla_first_review_working_days} "
                "working days of the start; otherwise the next is due {cla_review_months} months after it.",
        evaluate=_eval_cla_reviews),
    KpiDefinition(
        "cla_visit_in_timescale", "list_8",
        numerator="children whose last social work visit was within {cla_visit_weeks} weeks of the extract date",
        denominator="children in care at the extract date",
        period_rule="stock", event=None, days="calendar",
        statutory_source="Care Planning, Placement and Case Review (England) Regulations 2010, regulation 28: within a "
                         "week of a placement, then at least every 6 weeks",
        needs=("cla_start_date", "last_visit_date"),
        notes=_STOCK_NOTE.format(what="visit") + " A child with no visit since coming into care is in timescale for "
              + str(CLA_FIRST_VISIT_DAYS) + " days.",
        evaluate=_eval_cla_visits),
    KpiDefinition(
        "cla_health_assessment_in_date", "list_8",
        numerator="children with a health assessment within {health_assessment_months_under_5} months (under 5) or "
                  "{health_assessment_months_5_plus} months (5 and over) of the extract date",
        denominator="children in care at the extract date whose age is known",
        period_rule="stock", event=None, days="calendar",
        statutory_source="Promoting the health and wellbeing of looked-after children (2015): reviews every 6 months "
                         "under 5, every 12 months from 5",
        needs=("cla_start_date", "health_assessment_date", "date_of_birth"),
        notes=_STOCK_NOTE.format(what="health assessment") + " Age at the extract date from the date of birth, else "
              "the Age column. An initial assessment is not due until " + str(INITIAL_HEALTH_ASSESSMENT_WORKING_DAYS)
              + " working days after coming into care.",
        evaluate=_eval_health),
    KpiDefinition(
        "cla_3plus_placements", "list_8",
        numerator="children with " + str(PLACEMENTS_THRESHOLD) + " or more placements in the last 12 months",
        denominator="children in care at the extract date with the number of placements recorded",
        period_rule="stock", event=None, days="none",
        statutory_source="DfE Children looked after in England: placement stability",
        needs=("cla_start_date", "placements_12m"),
        notes=_STOCK_NOTE.format(what="12-month placement count"),
        evaluate=_eval_placements),
    KpiDefinition(
        "cla_missing", "list_8",
        numerator="children with one or more missing episodes in the last 12 months",
        denominator="children in care at the extract date with missing episodes recorded",
        period_rule="stock", event=None, days="none",
        statutory_source="Ofsted Annex A List 8; DfE Children looked after in England (missing)",
        needs=("cla_start_date", "missing_episodes_12m"),
        notes=_STOCK_NOTE.format(what="12-month missing count") + " Absences are not counted.",
        evaluate=_eval_missing),
    KpiDefinition(
        "care_leavers_in_touch", "list_9",
        numerator="care leavers the authority is in touch with (LA in Touch = Yes)",
        denominator=_CL_DENOMINATOR,
        period_rule="stock", event=None, days="none",
        statutory_source="Children (Leaving Care) Act 2000; DfE Children looked after in England (care leavers)",
        needs=("in_touch", "date_of_birth"),
        notes="As at the extract date. A blank is counted as not in touch, as DfE counts 'no information'." + _CL_NOTE,
        evaluate=_eval_in_touch),
    KpiDefinition(
        "care_leavers_suitable_accommodation", "list_9",
        numerator="care leavers in accommodation recorded as suitable",
        denominator=_CL_DENOMINATOR,
        period_rule="stock", event=None, days="none",
        statutory_source="DfE Children looked after in England: care leavers in suitable accommodation",
        needs=("accommodation_suitable", "date_of_birth"),
        notes="As at the extract date. A blank is counted as not suitable, as DfE counts 'no information'." + _CL_NOTE,
        evaluate=_eval_suitable),
    KpiDefinition(
        "care_leavers_eet", "list_9",
        numerator="care leavers in education, employment or training (activity codes F1 to F5, P1 to P5)",
        denominator=_CL_DENOMINATOR,
        period_rule="stock", event=None, days="none",
        statutory_source="DfE Children looked after in England: care leavers' activity (SSDA903 codes)",
        needs=("activity_status", "date_of_birth"),
        notes="As at the extract date. A blank or unrecognised activity is counted as not in education, "
              "employment or training." + _CL_NOTE,
        evaluate=_eval_eet),
)}  # fmt: skip


def _fill(text: str, config: Config) -> str:
    values = config.timescales.model_dump()
    values["assessment_anchor_text"] = (
        "assessment start"
        if config.timescales.assessment_anchor == "assessment_start"
        else "referral"
    )
    return text.format(**values)


def kpi_definitions(config: Config) -> pd.DataFrame:
    """Every KPI's definition, as the methods appendix shows it, with configured timescales.

    One row per KPI in the catalogue: Annex A KPIs with their declared numerator, denominator and
    period rule; scorecard KPIs as supplied by the authority's monthly ``kpis`` export.
    """
    rows = []
    for kpi_id, kpi in config.kpis.items():
        d = KPI_DEFINITIONS.get(kpi_id)
        if d is None:
            rows.append({"kpi_id": kpi_id, "label": kpi.label, "source": "monthly scorecard (kpis)",
                         "period_rule": "monthly value as supplied", "numerator": "", "denominator": "",
                         "days": "", "polarity": kpi.polarity, "target": kpi.target,
                         "statutory_source": "", "notes": "Defined by the authority's scorecard."})  # fmt: skip
            continue
        rows.append({
            "kpi_id": kpi_id, "label": kpi.label,
            "source": f"Annex A {d.list_id.replace('_', ' ').title()}",
            "period_rule": "events in the period (flow)" if d.period_rule == "flow"
            else "open cases as at the extract date (stock)",
            "numerator": _fill(d.numerator, config), "denominator": _fill(d.denominator, config),
            "days": d.days, "polarity": kpi.polarity, "target": kpi.target,
            "statutory_source": d.statutory_source, "notes": _fill(d.notes, config),
        })  # fmt: skip
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- computing


_MEMO: dict[int, tuple[weakref.ref, dict]] = {}


def _memo(evidence: Evidence) -> dict:
    """Results already computed for this Evidence (the evidence is never modified; the memo lives
    here and is dropped with the evidence)."""
    key = id(evidence)
    entry = _MEMO.get(key)
    if entry is None or entry[0]() is not evidence:
        entry = (weakref.ref(evidence, lambda _ref, k=key: _MEMO.pop(k, None)), {})
        _MEMO[key] = entry
    return entry[1]


def _lists(evidence: Evidence) -> dict[str, pd.DataFrame]:
    return getattr(evidence, "annex_a", {}) or {}


def missing_inputs(evidence: Evidence, kpi_id: str) -> str:
    """Why an Annex A KPI cannot be computed from this evidence ("" when it can)."""
    d = KPI_DEFINITIONS[kpi_id]
    frame = _lists(evidence).get(d.list_id)
    if frame is None or not len(frame):
        return f"Annex A {d.list_id.replace('_', ' ').title()} not supplied or empty"
    needs = list(d.needs)
    if (
        kpi_id == "assessments_within_45wd"
        and evidence.config.timescales.assessment_anchor == "referral"
    ):
        has_ref = "referral_date" in frame and frame["referral_date"].notna().any()
        list_3 = _lists(evidence).get("list_3")
        if not has_ref and (list_3 is None or not len(list_3)):
            return "the referral anchor needs List 3 (referrals) or a referral date on List 4"
    if "date_of_birth" in needs:  # the Age column will do instead
        needs = [n for n in needs if n != "date_of_birth"]
        if frame["date_of_birth"].isna().all() and frame["age"].isna().all():
            return f"neither date of birth nor age is recorded on {d.list_id.replace('_', ' ').title()}"
    empty = [n for n in needs if n not in frame or frame[n].isna().all()]
    if empty:
        return f"{', '.join(empty)} blank or absent on {d.list_id.replace('_', ' ').title()}"
    return ""


def window_start(evidence: Evidence) -> pd.Timestamp | None:
    """The first complete month of the Annex A extract's window, or None without Lists 1 and 3.

    Lists 1 (contacts) and 3 (referrals) hold only events inside the window, so the earliest of
    their dates marks its start: the first of that month, unless the earliest event is more than
    :data:`WINDOW_START_GRACE_DAYS` days into the month (a window starting mid-month), then the
    first of the next month.
    Lists of open cases (4 to 8) also hold episodes that started before the window, but only those
    still open in it, so a flow count before the window start would be too low: flow KPIs count
    events from this date.
    """
    memo = _memo(evidence)
    if "window_start" not in memo:
        firsts = [frame[column].min() for list_id, column in (("list_1", "contact_date"),
                                                             ("list_3", "referral_date"))
                  if len(frame := _lists(evidence).get(list_id, pd.DataFrame()))
                  and column in frame and frame[column].notna().any()]  # fmt: skip
        start = min(firsts) if firsts else None
        if start is not None:
            first = start - pd.offsets.MonthBegin(1) if start.day != 1 else start
            start = (
                first if start.day <= WINDOW_START_GRACE_DAYS else first + pd.offsets.MonthBegin(1)
            )
        memo["window_start"] = start
    return memo["window_start"]


def kpi_records(
    evidence: Evidence, kpi_id: str, *, as_at: pd.Timestamp | None = None
) -> pd.DataFrame:
    """The records behind an Annex A KPI, one row each (child-level: internal audience only).

    Columns: ``child_id``, ``team``, ``event_date`` (flow KPIs), ``met`` (counted in the numerator),
    ``excluded`` (why a record is left out of the denominator, "" when counted) and the working
    days or due dates the judgement rests on. Flow KPIs keep the events from
    :func:`window_start`; stock KPIs are evaluated as at ``as_at`` (default the extract date).

    Raises:
        KeyError: ``kpi_id`` is not an Annex A KPI.
    """
    d = KPI_DEFINITIONS[kpi_id]
    as_at = pd.Timestamp(as_at if as_at is not None else evidence.extract_date).normalize()
    memo = _memo(evidence)
    key = ("records", kpi_id, None if d.period_rule == "flow" else as_at)
    if key not in memo:
        if missing_inputs(evidence, kpi_id):
            out = pd.DataFrame(columns=["child_id", "team", "event_date", "met", "excluded"])
        else:
            out = d.evaluate(_lists(evidence), evidence.config, as_at)
            if d.period_rule == "flow":
                start = window_start(evidence)
                out = out[out["event_date"].notna()]
                if start is not None:
                    out = out[out["event_date"] >= start]
        memo[key] = out
    return memo[key].copy()


def _aggregate(records: pd.DataFrame) -> tuple[int, int]:
    counted = records[records["excluded"] == ""]
    return int(counted["met"].sum()), len(counted)


def _extract(evidence: Evidence) -> pd.Timestamp:
    return pd.Timestamp(evidence.extract_date).normalize()


def _is_month_end(date: pd.Timestamp) -> bool:
    return (date + pd.Timedelta(days=1)).day == 1


def _scorecard_series(evidence: Evidence, kpi_id: str) -> tuple[pd.DataFrame, list[str]]:
    """The ``kpis`` source's rows for one KPI, as a monthly series (percent values as fractions)."""
    notes: list[str] = []
    frame = evidence.frames.get("kpis")
    empty = pd.DataFrame(columns=["month", "numerator", "denominator", "value"])
    if frame is None or not len(frame):
        return empty, notes
    rows = frame[frame["kpi_id"] == kpi_id]
    if not len(rows):
        return empty, notes
    rows = rows.groupby("month", as_index=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), value=("value", "last"),
        n_num=("numerator", "count"), n_den=("denominator", "count"), rows=("value", "size"),
    )  # fmt: skip
    if (rows["rows"] > 1).any():
        notes.append(
            f"{kpi_id}: more than one scorecard row for a month; numerators and denominators summed"
        )
    kpi = evidence.config.kpis.get(kpi_id)
    counts = (
        (rows["n_num"] == rows["rows"])
        & (rows["n_den"] == rows["rows"])
        & (rows["denominator"] > 0)
    )
    value = rows["value"].astype(float)
    if kpi is not None and kpi.unit == "percent":
        if (value[~counts] > 1).any():
            notes.append(
                f"{kpi_id}: scorecard values above 1 read as percentages and divided by 100"
            )
            value = value.where(counts | (value <= 1), value / 100)
        value = value.where(~counts, rows["numerator"] / rows["denominator"])
    rows["numerator"] = rows["numerator"].where(counts)
    rows["denominator"] = rows["denominator"].where(counts)
    rows["value"] = value
    rows["month"] = pd.to_datetime(rows["month"]).dt.to_period("M")
    return rows[["month", "numerator", "denominator", "value"]], notes


def kpi_series(evidence: Evidence, kpi_id: str, *, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """A KPI by month, up to ``end`` (default the extract date).

    Flow KPIs: one row per month from the first month with an event to the last, each month's
    numerator, denominator and value (a month without events has no value). Stock KPIs: one row, the
    position as at the extract date. Months the monthly scorecard (``kpis`` source) holds and Annex A
    does not are added from the scorecard; ``origin`` says which.

    Returns:
        Columns ``month`` (monthly Period), ``numerator``, ``denominator``, ``value`` (a fraction for
        percent KPIs), ``origin`` (``annex_a`` or ``scorecard``) and ``is_partial`` (the extract
        date falls inside the month, so the month is incomplete).
    """
    extract = _extract(evidence)
    end = pd.Timestamp(end if end is not None else extract).normalize()
    columns = ["month", "numerator", "denominator", "value", "origin", "is_partial"]
    parts = []
    d = KPI_DEFINITIONS.get(kpi_id)
    kpi = evidence.config.kpis.get(kpi_id)
    if d is not None and (kpi is None or kpi.source == "annex_a"):
        records = kpi_records(evidence, kpi_id)
        if len(records) and d.period_rule == "flow":
            records = records[(records["event_date"] <= min(end, extract))]
            counted = records[records["excluded"] == ""]
            month = counted["event_date"].dt.to_period("M")
            grouped = counted.groupby(month)["met"].agg(["sum", "size"])
            if len(grouped):
                index = pd.period_range(grouped.index.min(), grouped.index.max(), freq="M")
                grouped = grouped.reindex(index)
                frame = pd.DataFrame({
                    "month": index, "numerator": grouped["sum"].fillna(0).to_numpy(),
                    "denominator": grouped["size"].fillna(0).to_numpy(),
                })  # fmt: skip
                frame["value"] = frame["numerator"] / frame["denominator"].where(
                    frame["denominator"] > 0
                )
                frame["origin"] = "annex_a"
                parts.append(frame)
        elif len(records) and extract <= end:
            k, n = _aggregate(records)
            parts.append(pd.DataFrame({"month": [extract.to_period("M")], "numerator": [k],
                                       "denominator": [n], "value": [k / n if n else np.nan],
                                       "origin": ["annex_a"]}))  # fmt: skip
    scorecard, _ = _scorecard_series(evidence, kpi_id)
    if len(scorecard):
        scorecard = scorecard[scorecard["month"] <= end.to_period("M")].assign(origin="scorecard")
        have = set(parts[0]["month"]) if parts else set()
        parts.append(scorecard[~scorecard["month"].isin(have)])
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=columns)
    series = pd.concat(parts, ignore_index=True).sort_values("month").reset_index(drop=True)
    series["is_partial"] = (
        (series["origin"] == "annex_a")
        & (series["month"] == extract.to_period("M"))
        & (not _is_month_end(extract))
    )
    return series[columns]


# ----------------------------------------------------------------------------- period values


@dataclass(frozen=True)
class PeriodValue:
    """A KPI's value for a reporting period, with how it was reached."""

    kpi_id: str
    numerator: float | None
    denominator: float | None
    value: float | None
    basis: str  # "events in the period", "as at <date>", "latest month (<month>)"
    origin: str  # annex_a or scorecard
    note: str = ""


def _stock_as_at(evidence: Evidence, period: Period) -> tuple[pd.Timestamp | None, str]:
    extract = _extract(evidence)
    if period.start <= extract <= period.end:
        return extract, ""
    if extract > period.end:
        return None, (
            f"not computable for {period.label}: the extract ({extract:%d/%m/%Y}) is after the period "
            "end and Annex A holds only each child's latest record"
        )
    return None, f"no extract within {period.label}"


def _flow_basis(evidence: Evidence, period: Period) -> str:
    """'events in the period', saying when the Annex A window or the extract cut it short."""
    start, extract = window_start(evidence), _extract(evidence)
    parts = []
    if start is not None and start > period.start:
        parts.append(f"from {start:%d/%m/%Y} (start of the Annex A window)")
    if extract < period.end:
        parts.append(f"to {extract:%d/%m/%Y} (the extract date)")
    return "events in the period" + (", " + " ".join(parts) if parts else "")


def period_value(evidence: Evidence, kpi_id: str, period: Period) -> PeriodValue | None:
    """A KPI's value for ``period``, or None when there is none.

    Flow KPIs: numerators and denominators summed over the period's months. Stock KPIs: as at the
    extract date when it falls in the period. Otherwise, and for scorecard KPIs, the monthly
    scorecard's latest month in the period (a scorecard month is usually a snapshot, so months are
    not added together).
    """
    d = KPI_DEFINITIONS.get(kpi_id)
    kpi = evidence.config.kpis.get(kpi_id)
    annex = d is not None and (kpi is None or kpi.source == "annex_a")
    if annex and not missing_inputs(evidence, kpi_id):
        if d.period_rule == "flow":
            records = kpi_records(evidence, kpi_id)
            in_period = records[period.contains(records["event_date"])]
            k, n = _aggregate(in_period)
            if n:
                return PeriodValue(kpi_id, k, n, k / n, _flow_basis(evidence, period), "annex_a")
        else:
            as_at, why = _stock_as_at(evidence, period)
            if as_at is not None:
                k, n = _aggregate(kpi_records(evidence, kpi_id, as_at=as_at))
                if n:
                    return PeriodValue(kpi_id, k, n, k / n, f"as at {as_at:%d/%m/%Y}", "annex_a")
    scorecard, notes = _scorecard_series(evidence, kpi_id)
    months = [m.start.to_period("M") for m in period.months()]
    rows = scorecard[scorecard["month"].isin(months)] if len(scorecard) else scorecard
    if not len(rows):
        return None
    # A scorecard row is a month's reading; most are snapshots (caseloads, supervision in date,
    # rolling turnover), so the period's value is its latest month, never a sum of snapshots.
    last = rows.sort_values("month").iloc[-1]
    k = None if pd.isna(last["numerator"]) else float(last["numerator"])
    n = None if pd.isna(last["denominator"]) else float(last["denominator"])
    return PeriodValue(kpi_id, k, n, float(last["value"]), f"latest month ({last['month']})",
                       "scorecard", "; ".join(notes))  # fmt: skip


def _target(kpi: Kpi) -> float | None:
    if kpi.target is None:
        return None
    # A percent target written as 85 rather than 0.85.
    return kpi.target / 100 if kpi.unit == "percent" and kpi.target > 1 else kpi.target


MEETING_TARGET, MISSING_TARGET = "meeting target", "missing target"


def target_status(value: float | None, kpi: Kpi) -> str | None:
    """``meeting target`` / ``missing target`` given polarity; None without target or value."""
    target = _target(kpi)
    if target is None or value is None or kpi.polarity == "context" or pd.isna(value):
        return None
    met = value >= target if kpi.polarity == "higher" else value <= target
    return MEETING_TARGET if met else MISSING_TARGET


# ----------------------------------------------------------------------------- SPC


@dataclass(frozen=True)
class SpcResult:
    """A KPI's Making Data Count chart: the points, icons and the settings used."""

    kpi_id: str
    label: str
    # stats.xmr's frame indexed by month (missing months NaN), with numerator and denominator
    points: pd.DataFrame
    variation: str | None
    assurance: str | None
    is_run_chart: bool
    baseline_end: str | None
    recalc_dates: tuple[str, ...]
    notes: tuple[str, ...] = ()


def kpi_spc(evidence: Evidence, kpi_id: str, period: Period) -> SpcResult | None:
    """XmR chart of a KPI's monthly series up to the period end (None with fewer than 2 points).

    Settings from configuration: polarity, target, ``baseline_end`` and ``recalc_dates`` of the
    KPI, and ``spc`` (``min_points``, ``shift_length``, ``trend_length``). A month still in
    progress at the extract date is left off; missing months stay as gaps. A baseline or
    recalculation month outside the data is ignored, with a note.
    """
    memo = _memo(evidence)
    key = ("spc", kpi_id, period.code)
    if key not in memo:
        memo[key] = _kpi_spc(evidence, kpi_id, period)
    return memo[key]


def _kpi_spc(evidence: Evidence, kpi_id: str, period: Period) -> SpcResult | None:
    config = evidence.config
    kpi = config.kpis.get(kpi_id, Kpi(label=kpi_id))
    series = kpi_series(evidence, kpi_id, end=period.end)
    notes: list[str] = []
    if len(series) and series["is_partial"].any():
        notes.append(f"{series.loc[series['is_partial'], 'month'].iloc[0]} is incomplete at the extract "
                     "date and is left off the chart")  # fmt: skip
        series = series[~series["is_partial"]]
    series = series[series["value"].notna()]
    if len(series) < 2:  # one point (a stock KPI without scorecard history) is not a chart
        return None
    index = pd.period_range(series["month"].min(), series["month"].max(), freq="M")
    values = series.set_index("month")["value"].astype(float).reindex(index)
    first, last = index[0], index[-1]
    baseline = kpi.baseline_end
    if baseline is not None and not first <= pd.Period(baseline, "M") <= last:
        notes.append(
            f"baseline end {baseline} is outside the data ({first} to {last}); all points used"
        )
        baseline = None
    recalcs = []
    for date in kpi.recalc_dates:
        if first < pd.Period(date, "M") <= last:
            recalcs.append(date)
        else:
            notes.append(
                f"recalculation date {date} is outside the data ({first} to {last}); ignored"
            )
    result = stats.xmr(
        values, polarity=kpi.polarity, target=_target(kpi), baseline_end=baseline,
        recalc_dates=recalcs, shift_length=config.spc.shift_length,
        trend_length=config.spc.trend_length, min_points=config.spc.min_points,
    )  # fmt: skip
    points = result.frame.copy()
    counts = series.set_index("month")[["numerator", "denominator"]].reindex(index)
    points["numerator"] = counts["numerator"].to_numpy()
    points["denominator"] = counts["denominator"].to_numpy()
    if result.is_run_chart:
        notes.append(f"{int(values.notna().sum())} monthly points: a run chart, without limits or "
                     f"icons, until there are {config.spc.min_points}")  # fmt: skip
    return SpcResult(kpi_id, kpi.label, points, result.variation, result.assurance,
                     result.is_run_chart, baseline, tuple(recalcs), tuple(notes))  # fmt: skip


_ICON_WORDS = {
    "common_cause": "common cause variation",
    "special_cause_improvement": "special cause improvement",
    "special_cause_concern": "special cause concern",
    "special_cause_neither": "special cause (neither better nor worse)",
    "consistently_passing": "consistently passing the target",
    "consistently_failing": "consistently failing the target",
    "hit_and_miss": "hit and miss against the target",
}


def spc_reading(evidence: Evidence, period: Period, kpi_id: str) -> str:
    """A plain-English reading of a KPI's SPC chart: icons, the latest special-cause run, limits."""
    result = kpi_spc(evidence, kpi_id, period)
    kpi = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id))
    if result is None:
        return f"{kpi.label}: no monthly data to chart."
    p = result.points
    present = p[p["value"].notna()]
    unit_pct = kpi.unit == "percent"

    def show(v: float) -> str:
        return f"{100 * v:.0f}%" if unit_pct else f"{v:,.1f}"

    counts = ""
    series = kpi_series(evidence, kpi_id)
    months = series["month"]
    if not isinstance(months.dtype, pd.PeriodDtype):
        months = pd.to_datetime(months).dt.to_period("M")
    month = series[months == pd.Period(present.index[-1], "M")]
    if unit_pct and len(month) and pd.notna(month["denominator"].iloc[0]):
        counts = f" ({month['numerator'].iloc[0]:,.0f} of {month['denominator'].iloc[0]:,.0f})"
    if result.is_run_chart:
        return (f"{kpi.label}: {len(present)} monthly points, too few for control limits (a run chart "
                f"until there are {evidence.config.spc.min_points}); latest {show(present['value'].iloc[-1])}{counts}.")  # fmt: skip
    last = present.iloc[-1]
    text = (f"{kpi.label}: {_ICON_WORDS.get(result.variation, result.variation)} in "
            f"{present.index[-1].strftime('%B %Y')} ({show(last['value'])}{counts}; mean {show(last['mean'])}, "
            f"process limits {show(last['lower_limit'])} to {show(last['upper_limit'])}).")  # fmt: skip
    flagged = present["special_cause"].notna()
    if flagged.iloc[-1]:
        run_start = flagged[::-1].cumprod()[::-1]
        since = present.index[run_start.astype(bool)][0]
        rules = [name.replace("rule_", "").replace("_", " ") for name in
                 ("rule_outside", "rule_shift", "rule_trend", "rule_two_of_three") if present.loc[
                     run_start.astype(bool), name].any()]  # fmt: skip
        text += (f" Special cause since {since.strftime('%B %Y')} ({', '.join(rules)}): "
                 f"{present.loc[since:, 'special_cause'].dropna().iloc[-1]}.")  # fmt: skip
    if result.assurance:
        text += f" Against the target of {show(_target(kpi))}: {_ICON_WORDS[result.assurance]}."
    return text


@dataclass(frozen=True)
class Chart:
    """A chart ready for ``Session.chart``: the figure, a sheet-safe name and alternative text."""

    figure: object
    name: str
    alt: str


def spc_chart(evidence: Evidence, period: Period, kpi_id: str) -> Chart:
    """The Making Data Count chart of a KPI with its variation and assurance icons beside it.

    The alternative text is :func:`spc_reading`. Without monthly data the chart says so.
    """
    result = kpi_spc(evidence, kpi_id, period)
    kpi = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id))
    if result is None:
        figure = charts.message(f"{kpi.label}: no monthly data to chart")
        return Chart(figure, f"spc_{kpi_id}"[:31], f"{kpi.label}: no monthly data to chart.")
    title = f"{kpi.label}" + (" (run chart)" if result.is_run_chart else "")
    figure = charts.spc(result.points, title=title, percent=kpi.unit == "percent", target=_target(kpi),
                        variation=result.variation, assurance=result.assurance)  # fmt: skip
    return Chart(figure, f"spc_{kpi_id}"[:31], spc_reading(evidence, period, kpi_id))


def spc_summary(evidence: Evidence, period: Period) -> pd.DataFrame:
    """One row per KPI with a monthly series: points, chart type, icons, baseline and recalculations."""
    rows = []
    for kpi_id, kpi in evidence.config.kpis.items():
        result = kpi_spc(evidence, kpi_id, period)
        if result is None:
            continue
        present = result.points[result.points["value"].notna()]
        rows.append({
            "kpi_id": kpi_id, "label": kpi.label, "points": len(present),
            "first_month": str(present.index[0]), "last_month": str(present.index[-1]),
            "chart": "run chart" if result.is_run_chart else "XmR",
            "variation": _ICON_WORDS.get(result.variation, ""),
            "assurance": _ICON_WORDS.get(result.assurance, ""),
            "baseline_end": result.baseline_end or "all points",
            "recalculated": ", ".join(result.recalc_dates),
            "notes": "; ".join(result.notes),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["kpi_id", "label", "points", "first_month", "last_month", "chart", "variation", "assurance", "baseline_end",
                                       "recalculated", "notes"])  # fmt: skip


# ----------------------------------------------------------------------------- benchmarks

BENCHMARK_COLUMNS = ["kpi_id", "label", "year", "authority", "england", "region", "region_name",
                     "statistical_neighbours", "sn_available", "vs_england", "vs_region",
                     "vs_statistical_neighbours", "source", "notes"]  # fmt: skip


def _position(value, comparator, polarity: str) -> str:
    if value is None or comparator is None or pd.isna(value) or pd.isna(comparator):
        return "not available"
    if polarity == "context":
        return "not judged (context)"
    if math.isclose(float(value), float(comparator), abs_tol=1e-9):
        return "same"
    better = value > comparator if polarity == "higher" else value < comparator
    return "better" if better else "worse"


def _published(evidence: Evidence, file: str) -> pd.DataFrame:
    table = getattr(evidence, "published", {}).get(file)
    if table is None:
        raise FileNotFoundError(
            f"{evidence.config.path(file)}: published statistics file not found"
        )
    return table


def read_published_value(text: str, scale: float) -> tuple[float | None, str]:
    """A published cell as a number (scaled) or missing with the reason its symbol gives.

    Example:
        >>> read_published_value("c", 0.01)
        (None, 'confidential: 1 to 5, suppressed')
    """
    text = (text or "").strip()
    if text.lower() in SUPPRESSION_REASONS:
        return None, SUPPRESSION_REASONS[text.lower()]
    if text == "":
        return None, "blank"
    try:
        return float(text.replace(",", "")) * scale, ""
    except ValueError:
        return None, f"not a number ({text!r})"


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", str(text).lower()).strip()


def _statistical_neighbours(evidence: Evidence, la_code: str) -> tuple[list[str], str]:
    config = evidence.config
    if not config.published.sn_model:
        return [], "no statistical-neighbour model configured (published.sn_model)"
    try:
        model = _published(evidence, config.published.sn_model)
    except FileNotFoundError as exc:
        return [], str(exc)
    row = model[model["old_la_code"] == la_code]
    if not len(row):
        return [], f"la_code {la_code} not found in the statistical-neighbour model"
    columns = [c for c in model.columns if re.fullmatch(r"SN_?\d+", c)]
    codes = [row.iloc[0][c] for c in columns if row.iloc[0][c]]
    return codes, ""


def _single_value(frame: pd.DataFrame, what: str, *, year: str, measure, notes: list[str]
                  ) -> float | None:  # fmt: skip
    """The one published value a comparator's rows give, or None with the reason in ``notes``."""
    if len(frame) == 0:
        notes.append(f"{what}: no row for {year}")
        return None
    if len(frame) > 1:
        notes.append(f"{what}: the filters match {len(frame)} rows; add filters to pick one")
        return None
    value, why = read_published_value(frame[measure.value_column].iloc[0], measure.scale)
    if why:
        notes.append(f"{what}: {why}")
    return value


def _published_benchmarks(evidence: Evidence, kpi_ids: list[str]) -> list[dict]:
    config = evidence.config
    la_code = config.authority.la_code
    rows = []
    if not config.published.measures:
        return rows
    sns, sn_note = _statistical_neighbours(evidence, la_code) if la_code else ([], "")
    for kpi_id in kpi_ids:
        measure = config.published.measures.get(kpi_id)
        if measure is None:
            continue
        kpi = config.kpis.get(kpi_id, Kpi(label=kpi_id))
        notes = [sn_note] if sn_note else []
        if not la_code:
            notes.append("authority.la_code not set: no authority, region or neighbour values")
        try:
            data = _published(evidence, measure.file)
        except FileNotFoundError as exc:
            rows.append({"kpi_id": kpi_id, "label": kpi.label, "notes": str(exc)})
            continue
        missing = [c for c in ("time_period", "geographic_level", measure.value_column, *measure.filters)
                   if c not in data.columns]  # fmt: skip
        if missing:
            rows.append({"kpi_id": kpi_id, "label": kpi.label,
                         "notes": f"{Path(measure.file).name}: column(s) {missing} not found"})  # fmt: skip
            continue
        for column, wanted in measure.filters.items():
            data = data[data[column].map(_norm) == _norm(wanted)]
        level = data["geographic_level"].map(_norm)
        code_column = (
            "new_la_code" if la_code and la_code.upper().startswith("E") else "old_la_code"
        )
        la_rows = data[(level == "local authority") & (data.get(code_column, "") == la_code)]
        england_rows = data[level == "national"]
        years = sorted(
            set(england_rows["time_period"]), key=lambda y: int(re.sub(r"\D", "", y) or 0)
        )
        year = None
        for candidate in reversed(years):
            value, _ = read_published_value(
                england_rows.loc[england_rows["time_period"] == candidate, measure.value_column].iloc[0],
                measure.scale,
            )  # fmt: skip
            if value is not None:
                year = candidate
                break
        if year is None:
            rows.append({"kpi_id": kpi_id, "label": kpi.label,
                         "notes": f"{Path(measure.file).name}: no England value in any year"})  # fmt: skip
            continue
        in_year = data[data["time_period"] == year]
        level_y = in_year["geographic_level"].map(_norm)

        def one(frame: pd.DataFrame, what: str, _y=year, _m=measure, _n=notes) -> float | None:
            return _single_value(frame, what, year=_y, measure=_m, notes=_n)

        england = one(in_year[level_y == "national"], "England")
        la_year = la_rows[la_rows["time_period"] == year]
        authority = one(la_year, "authority") if la_code else None
        region_name = config.authority.region or (
            la_year["region_name"].iloc[0] if len(la_year) and "region_name" in la_year else None
        )
        region = None
        if region_name:
            regional = in_year[
                (level_y == "regional") & (in_year["region_name"].map(_norm) == _norm(region_name))
            ]
            region = one(regional, f"region ({region_name})")
        sn_values = []
        for code in sns:
            sn_row = in_year[(level_y == "local authority") & (in_year["old_la_code"] == code)]
            if len(sn_row) == 1:
                value, _ = read_published_value(sn_row[measure.value_column].iloc[0], measure.scale)
                if value is not None:
                    sn_values.append(value)
        sn_mean = float(np.mean(sn_values)) if sn_values else None
        if sns and len(sn_values) < len(sns):
            notes.append(f"statistical neighbours: {len(sn_values)} of {len(sns)} have a value "
                         "(others suppressed or missing)")  # fmt: skip
        rows.append({
            "kpi_id": kpi_id, "label": kpi.label, "year": int(re.sub(r"\D", "", year)[:4]),
            "authority": authority, "england": england, "region": region, "region_name": region_name,
            "statistical_neighbours": sn_mean, "sn_available": len(sn_values),
            "source": f"Department for Education, {Path(measure.file).name}",
            "notes": "; ".join(dict.fromkeys(n for n in notes if n)),
        })  # fmt: skip
    return rows


def _canonical_benchmarks(evidence: Evidence, kpi_ids: list[str]) -> list[dict]:
    frame = evidence.frames.get("benchmarks")
    rows = []
    if frame is None or not len(frame):
        return rows
    for kpi_id in kpi_ids:
        part = frame[frame["kpi_id"] == kpi_id]
        if not len(part):
            continue
        kpi = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id))
        year = int(part["year"].max())
        latest = part[part["year"] == year].groupby("comparator")["value"].last().astype(float)
        notes = []
        if kpi.unit == "percent" and (latest > 1).any():
            latest = latest.where(latest <= 1, latest / 100)
            notes.append("benchmark values above 1 read as percentages and divided by 100")
        rows.append({
            "kpi_id": kpi_id, "label": kpi.label, "year": year, "authority": None,
            "england": latest.get("england"), "region": latest.get("region"),
            "region_name": evidence.config.authority.region,
            "statistical_neighbours": latest.get("statistical_neighbours"), "sn_available": None,
            "source": "benchmarks source", "notes": "; ".join(notes),
        })  # fmt: skip
    return rows


def benchmarks(evidence: Evidence, *, kpi_ids: list[str] | None = None,
               units: tuple[str, ...] | None = None) -> pd.DataFrame:  # fmt: skip
    """England, region and statistical-neighbour values for each KPI, latest comparable year.

    From the canonical ``benchmarks`` source where it has the KPI, otherwise derived from the
    Department for Education published CSVs named in ``la.yaml`` (``published.measures``) for the
    authority's ``la_code``: the latest year with an England value; the region is
    ``authority.region`` or the region of the authority's own row; the statistical-neighbour value
    is the mean of the neighbours (DfE model) that have a value, ``sn_available`` saying how many.
    Published suppression symbols (c, x, z, k, u, low, :) are missing values with their reason in
    ``notes``, never zero. ``vs_*`` compare the authority's own published value for the same year
    with each comparator, given the KPI's polarity.

    Args:
        kpi_ids: the KPIs to look up (default every catalogued KPI).
        units: keep only KPIs of these units.

    Returns:
        One row per KPI with a benchmark (columns :data:`BENCHMARK_COLUMNS`); values are fractions
        for percent KPIs.
    """
    config = evidence.config
    kpi_ids = list(kpi_ids if kpi_ids is not None else config.kpis)
    if units is not None:
        kpi_ids = [k for k in kpi_ids if config.kpis.get(k, Kpi(label=k)).unit in units]
    rows = _canonical_benchmarks(evidence, kpi_ids)
    have = {r["kpi_id"] for r in rows}
    rows += _published_benchmarks(evidence, [k for k in kpi_ids if k not in have])
    table = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    for comparator in ("england", "region", "statistical_neighbours"):
        table[f"vs_{comparator}"] = [
            _position(a, c, config.kpis.get(k, Kpi(label=k)).polarity)
            for k, a, c in zip(table["kpi_id"], table["authority"], table[comparator], strict=True)
        ]
    return table.reset_index(drop=True)


def _benchmark_position(value: float | None, row: pd.Series | None, kpi: Kpi) -> str:
    """Where a current value sits against the benchmark row: "better than England and SN (2025)"."""
    if row is None or value is None:
        return ""
    parts = []
    for column, name in (("england", "England"), ("region", "region"),
                         ("statistical_neighbours", "statistical neighbours")):  # fmt: skip
        position = _position(value, row[column], kpi.polarity)
        if position in ("better", "worse", "same"):
            parts.append(f"{position} than {name}" if position != "same" else f"same as {name}")
    return f"{'; '.join(parts)} ({int(row['year'])})" if parts else ""


# ----------------------------------------------------------------------------- figures, scorecard


def _has_data(evidence: Evidence, kpi_id: str, period: Period) -> PeriodValue | None:
    value = period_value(evidence, kpi_id, period)
    return value if value is not None and value.value is not None else None


def kpi_figure(evidence: Evidence, kpi_id: str, period: Period) -> Figure | None:
    """``kpi.<id>`` for the period: value with count, the previous period (judged for percent flow
    KPIs by Fisher's exact test), and the target in the comparison and note. None without data."""
    config = evidence.config
    kpi = config.kpis.get(kpi_id, Kpi(label=kpi_id))
    current = _has_data(evidence, kpi_id, period)
    if current is None:
        return None
    theme = config.theme_of_kpi(kpi_id)
    source = (f"Annex A {KPI_DEFINITIONS[kpi_id].list_id.replace('_', ' ').title()}"
              if current.origin == "annex_a" else "monthly scorecard")  # fmt: skip
    status = target_status(current.value, kpi)
    target = _target(kpi)
    note_parts = [current.basis]
    if target is not None:
        shown = f"{100 * target:.0f}%" if kpi.unit == "percent" else f"{target:,.1f}"
        met = {MEETING_TARGET: "met", MISSING_TARGET: "missed"}.get(status or "")
        note_parts.append(f"target {shown}" + (f", {met}" if met else ""))
    if current.note:
        note_parts.append(current.note)
    previous_period = period.previous()
    previous = _has_data(evidence, kpi_id, previous_period)
    d = KPI_DEFINITIONS.get(kpi_id)
    # Stock positions exist only at the extract date, so a previous period's value is compared only
    # for flow KPIs, or for scorecard readings with scorecard readings.
    comparable = (
        previous is not None
        and previous.origin == current.origin
        and (current.origin == "scorecard" or d.period_rule == "flow")
    )
    if kpi.unit == "percent" and not current.denominator:
        # A scorecard percentage supplied without its counts: shown, never tested.
        figure = Figure(
            id=f"kpi.{kpi_id}", label=kpi.label, value=current.value, unit="percent",
            period=period.code, source=source, theme=theme, note="; ".join(note_parts),
            comparison=None if not comparable else {
                "kind": "previous_period", "label": "previous period",
                "period": previous_period.code, "value": previous.value},
        )  # fmt: skip
    elif kpi.unit == "percent":
        prev_counts = None
        if comparable and previous.denominator and previous.numerator is not None:
            prev_counts = (round(previous.numerator), round(previous.denominator))
        figure = fig.proportion(
            f"kpi.{kpi_id}", kpi.label, k=round(current.numerator), n=round(current.denominator),
            period=period.code, source=source, theme=theme, previous=prev_counts,
            previous_period=previous_period.code, polarity=kpi.polarity,
            alpha=config.thresholds.significance_alpha, min_n=config.thresholds.min_n_compare,
            note="; ".join(note_parts),
        )  # fmt: skip
    else:
        figure = fig.count(
            f"kpi.{kpi_id}", kpi.label, current.value, period=period.code, source=source,
            theme=theme, previous=previous.value if comparable else None,
            previous_period=previous_period.code,
            unit=kpi.unit if kpi.unit in ("count", "days", "rate") else "number",
            note="; ".join(note_parts),
        )  # fmt: skip
    if target is not None:
        comparison = dict(
            figure.comparison or {"kind": "target", "label": "target", "value": target}
        )
        comparison.update({"target": target, "target_status": status})
        figure = replace(figure, comparison=comparison)
    return figure


def kpi_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """``kpi.<kpi_id>`` for every catalogued KPI with data in the period (Annex A and scorecard)."""
    out = []
    for kpi_id in evidence.config.kpis:
        figure = kpi_figure(evidence, kpi_id, period)
        if figure is not None:
            out.append(figure)
    return out


SCORECARD_COLUMNS = ["kpi_id", "label", "theme", "basis", "value", "numerator", "denominator",
                     "target", "target_status", "previous_value", "change", "chart", "variation",
                     "assurance", "benchmark_year", "england", "region", "statistical_neighbours",
                     "benchmark_position", "source"]  # fmt: skip


def scorecard(evidence: Evidence, period: Period, *, units: tuple[str, ...] | None = None
              ) -> pd.DataFrame:  # fmt: skip
    """The performance scorecard: one row per KPI with data in the period.

    ``units`` keeps only KPIs of those units (``("percent",)``), so that a table shows one kind of
    number.

    Latest value with its count (``numerator`` of ``denominator``), target and status, the previous
    period and the judged change, the SPC chart type and icons, and the benchmark position of the
    current value against the latest published England, region and statistical-neighbour values
    (the year is stated). Percent values are fractions.
    """
    config = evidence.config
    bench = benchmarks(evidence).set_index("kpi_id")
    rows = []
    for figure in kpi_figures(evidence, period):
        kpi_id = figure.id.removeprefix("kpi.")
        kpi = config.kpis[kpi_id]
        if units is not None and kpi.unit not in units:
            continue
        spc = kpi_spc(evidence, kpi_id, period)
        b = bench.loc[kpi_id] if kpi_id in bench.index else None
        comp = figure.comparison or {}
        rows.append({
            "kpi_id": kpi_id, "label": kpi.label, "theme": figure.theme,
            "basis": figure.note.split(";")[0], "value": figure.value,
            "numerator": figure.numerator, "denominator": figure.denominator,
            "target": _target(kpi), "target_status": comp.get("target_status"),
            "previous_value": comp.get("value") if comp.get("kind") == "previous_period" else None,
            "change": {"improving": "improving", "declining": "declining", "stable": "broadly stable",
                       "not_judged": "not judged"}.get(figure.direction, figure.direction)
            if comp.get("kind") == "previous_period" else "",
            "chart": "" if spc is None else ("run chart" if spc.is_run_chart else "XmR"),
            "variation": "" if spc is None else _ICON_WORDS.get(spc.variation, ""),
            "assurance": "" if spc is None else _ICON_WORDS.get(spc.assurance, ""),
            "benchmark_year": None if b is None or pd.isna(b["year"]) else int(b["year"]),
            "england": None if b is None else b["england"],
            "region": None if b is None else b["region"],
            "statistical_neighbours": None if b is None else b["statistical_neighbours"],
            "benchmark_position": _benchmark_position(figure.value, b, kpi),
            "source": figure.source,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def team_breakdown(
    evidence: Evidence, period: Period, *, kpi_ids: list[str] | None = None
) -> pd.DataFrame:
    """Annex A KPIs by allocated team for the period (KPIs marked ``team_drilldown`` by default).

    Each team's count, share and 95% Wilson interval, and its position on a funnel around the
    authority's own value (``within``, ``above_95``, ``below_998``...): a team outside the 99.8%
    limits differs from the authority by more than chance.
    """
    config = evidence.config
    if kpi_ids is None:
        kpi_ids = [
            k for k, kpi in config.kpis.items() if kpi.team_drilldown and k in KPI_DEFINITIONS
        ]
    rows = []
    for kpi_id in kpi_ids:
        d = KPI_DEFINITIONS[kpi_id]
        if missing_inputs(evidence, kpi_id):
            continue
        if d.period_rule == "flow":
            records = kpi_records(evidence, kpi_id)
            records = records[period.contains(records["event_date"])]
        else:
            as_at, _ = _stock_as_at(evidence, period)
            if as_at is None:
                continue
            records = kpi_records(evidence, kpi_id, as_at=as_at)
        counted = records[records["excluded"] == ""]
        if not len(counted):
            continue
        overall = counted["met"].mean()
        teams = counted.assign(team=counted["team"].fillna("(no team recorded)"))
        for team, part in teams.groupby("team", sort=True):
            k, n = int(part["met"].sum()), len(part)
            low, high = stats.wilson_interval(k, n, alpha=config.thresholds.significance_alpha)
            position = stats.funnel_position(k, n, p0=overall) if 0 < overall < 1 else None
            rows.append({"kpi_id": kpi_id, "label": config.kpis[kpi_id].label, "team": team,
                         "numerator": k, "denominator": n, "value": k / n, "ci_low": low,
                         "ci_high": high, "authority_value": overall, "funnel_position": position})  # fmt: skip
    return pd.DataFrame(rows, columns=["kpi_id", "label", "team", "numerator", "denominator", "value",
                                       "ci_low", "ci_high", "authority_value", "funnel_position"])  # fmt: skip


def exceptions(evidence: Evidence, period: Period, kpi_id: str) -> pd.DataFrame:
    """The records behind an Annex A KPI that miss its standard in the period (child-level).

    For a higher-is-better KPI, the records not meeting it (late assessments, overdue visits); for
    a lower-is-better KPI, the records counted in it (children with 3 or more placements). Empty
    when the KPI cannot be computed for the period.
    """
    d = KPI_DEFINITIONS[kpi_id]
    kpi = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id))
    if missing_inputs(evidence, kpi_id):
        return pd.DataFrame(columns=["child_id", "team"])
    if d.period_rule == "flow":
        records = kpi_records(evidence, kpi_id)
        records = records[period.contains(records["event_date"])]
    else:
        as_at, _ = _stock_as_at(evidence, period)
        if as_at is None:
            return pd.DataFrame(columns=["child_id", "team"])
        records = kpi_records(evidence, kpi_id, as_at=as_at)
    counted = records[records["excluded"] == ""]
    flagged = counted[counted["met"]] if kpi.polarity == "lower" else counted[~counted["met"]]
    columns = [c for c in flagged.columns if c not in ("met", "excluded")]
    if d.period_rule == "stock":
        columns.remove("event_date")
    return flagged[columns].sort_values(["team", "child_id"]).reset_index(drop=True)


def kpi_availability(evidence: Evidence, period: Period) -> pd.DataFrame:
    """What could and could not be computed for each Annex A KPI, and why (never guessed).

    ``status``: ``computed``, ``no records in the period`` or ``not computable``; ``excluded``
    counts the records left out of the denominator, with their reasons.
    """
    rows = []
    for kpi_id, d in KPI_DEFINITIONS.items():
        label = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id)).label
        why = missing_inputs(evidence, kpi_id)
        excluded, reasons, status, n = 0, "", "computed", 0
        if why:
            status = "not computable"
        else:
            if d.period_rule == "flow":
                records = kpi_records(evidence, kpi_id)
                records = records[period.contains(records["event_date"])]
            else:
                as_at, why = _stock_as_at(evidence, period)
                records = kpi_records(evidence, kpi_id, as_at=as_at) if as_at is not None else None
            if records is None:
                status = "not computable"
            else:
                counted = records["excluded"] == ""
                n, excluded = int(counted.sum()), int((~counted).sum())
                reasons = "; ".join(f"{r} ({c})" for r, c in records.loc[~counted, "excluded"]
                                    .value_counts().items())  # fmt: skip
                if not n:
                    status = "no records in the period"
        rows.append({"kpi_id": kpi_id, "label": label, "list": d.list_id, "period_rule": d.period_rule,
                     "status": status, "records": n, "excluded": excluded,
                     "reason": why or reasons})  # fmt: skip
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- signals


def _kpi_reading(figure: Figure, kpi: Kpi, spc: SpcResult | None, bench: pd.Series | None
                 ) -> tuple[str, str]:  # fmt: skip
    """One KPI's signal (positive, negative, neutral) and the clause that justifies it."""
    if kpi.polarity == "context":
        return "neutral", f"{kpi.label.lower()} {fig.format_value(figure)} (context measure)"
    status = (figure.comparison or {}).get("target_status")
    concern = spc is not None and spc.variation == "special_cause_concern"
    improvement = spc is not None and spc.variation == "special_cause_improvement"
    worse_both = bench is not None and all(
        _position(figure.value, bench[c], kpi.polarity) == "worse"
        for c in ("england", "statistical_neighbours")
    )
    text = f"{kpi.label.lower()} {fig.format_value(figure)}"
    reasons = []
    if status:
        reasons.append(status)
    if spc is not None and spc.variation:
        reasons.append(_ICON_WORDS[spc.variation])
    if worse_both:
        reasons.append(f"worse than England and statistical neighbours ({int(bench['year'])})")
    text += f" ({', '.join(reasons)})" if reasons else ""
    if status == MISSING_TARGET or concern or worse_both:
        return "negative", text
    if status == MEETING_TARGET or improvement:
        return "positive", text
    return "neutral", text


def signals(evidence: Evidence, period: Period) -> list[Signal]:
    """Performance's reading of each theme, for triangulation.

    Per KPI: negative when it misses its target, shows special-cause concern, or is worse than both
    England and statistical neighbours; positive when it meets its target or shows special-cause
    improvement (and nothing negative); neutral otherwise. Per theme: negative if any of its KPIs
    is negative, positive if any is positive and none negative, else neutral. Each signal cites the
    theme's ``kpi.<id>`` Figures.
    """
    config = evidence.config
    bench = benchmarks(evidence).set_index("kpi_id")
    by_theme: dict[str, list[tuple[str, str, str]]] = {}
    for figure in kpi_figures(evidence, period):
        if figure.theme is None:
            continue
        kpi_id = figure.id.removeprefix("kpi.")
        kpi = config.kpis[kpi_id]
        b = bench.loc[kpi_id] if kpi_id in bench.index else None
        reading, text = _kpi_reading(figure, kpi, kpi_spc(evidence, kpi_id, period), b)
        by_theme.setdefault(figure.theme, []).append((reading, text, figure.id))
    out = []
    for theme, readings in by_theme.items():
        kinds = {r for r, _, _ in readings}
        signal = (
            "negative" if "negative" in kinds else "positive" if "positive" in kinds else "neutral"
        )
        ordered = sorted(readings, key=lambda r: {"negative": 0, "positive": 1, "neutral": 2}[r[0]])
        reason = "; ".join(text for _, text, _ in ordered)
        out.append(Signal(theme, "performance", signal, reason, tuple(i for _, _, i in readings)))
    return out


def signals_table(evidence: Evidence, period: Period) -> pd.DataFrame:
    """The performance signals as a table (theme, signal, reason, figures)."""
    return pd.DataFrame(
        [{"theme": s.theme, "signal": s.signal, "reason": s.reason, "figures": ", ".join(s.figure_ids)}
         for s in signals(evidence, period)],
        columns=["theme", "signal", "reason", "figures"],
    )  # fmt: skip
