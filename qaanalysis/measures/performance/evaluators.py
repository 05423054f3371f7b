"""Record-level rules of the Annex A KPIs: one row per record considered.

Each evaluator takes the Annex A lists (list id -> frame), the configuration and the date the
position is taken at, and returns one row per record with ``met`` (counted in the numerator) and
``excluded`` (why the record is left out of the denominator; "" when counted). The declared
constants below are the measures' own rules (not authority settings), each with its source.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ...periods import open_at, working_days_between

# Declared constants of the measures below (not authority settings), with their sources.
CP_LONG_PLAN_YEARS = 2  # DfE CIN census: plans ending that lasted 2 years or more
RE_REFERRAL_COUNT = 1  # Annex A List 3 counts this referral: more than 1 = re-referral in 12 months
# Promoting the health and wellbeing of looked-after children (2015): initial health assessment.
PLACEMENTS_THRESHOLD = 3  # DfE placement stability: 3 or more placements in 12 months
# DfE's care leaver statistics cover young people aged 17 to 21 (headline figures 19 to 21).
CARE_LEAVER_AGES = (17, 21)
# No contact or referral in a month's first week means the extract's window began mid-month.
WINDOW_START_GRACE_DAYS = 7
# Activity codes of the SSDA903 care-leaver return: F (full time) and P (part time) are education,
# employment or training; G is not.
_EET = re.compile(r"^[fp][0-9]")
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
    """Whether each episode is open at ``as_at`` (the suite's one rule, :func:`periods.open_at`)."""
    ends = frame[end] if end and end in frame else None
    return open_at(frame[start], ends, as_at).fillna(False).astype(bool)


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
        left = pd.DataFrame(
            {
                "child_id": f.loc[todo, "child_id"].astype(str),
                "date": f.loc[todo, "assessment_start_date"].astype("datetime64[ns]"),
                "row": f.index[todo],
            }
        ).sort_values("date")
        right = pd.DataFrame(
            {
                "child_id": referrals["child_id"].astype(str),
                "date": referrals["referral_date"].astype("datetime64[ns]"),
            }
        )
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
        visit.notna(),
        f["cla_start_date"] + pd.Timedelta(days=config.timescales.cla_first_visit_days),
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
    months = pd.Series(
        np.where(age < 5, ts.health_assessment_months_under_5, ts.health_assessment_months_5_plus),
        index=f.index,
    )
    assessed = f["health_assessment_date"]
    due = pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
    for m in months.unique():
        rows = months == m
        due[rows] = assessed[rows] + pd.DateOffset(months=int(m))
    first_ok = (
        working_days_between(start=f["cla_start_date"], end=as_at)
        <= ts.health_assessment_initial_working_days
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
