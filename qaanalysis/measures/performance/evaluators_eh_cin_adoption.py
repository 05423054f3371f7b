"""Record-level rules of the early help, children in need and adoption KPIs (Annex A Lists 2, 6,
10 and 11): one row per record considered.

Each evaluator takes the Annex A lists (list id -> frame), the configuration and the date the
position is taken at, and returns one row per record with ``met`` (counted in the numerator) and
``excluded`` (why the record is left out of the denominator; "" when counted), as the evaluators
of :mod:`.evaluators` do. The timescales are the authority's (``timescales`` in the
configuration).
"""

from __future__ import annotations

import pandas as pd

from ...periods import working_days_between
from .evaluators import _base, _exclude, _flag, _open_at

# Case statuses of List 6 whose children have their own visiting standard (Lists 7 and 8), left
# out of the children in need visiting KPI: a child protection plan, in care, a care leaver.
CIN_OWN_STANDARD_STATUS = r"protection|looked_after|in_care|care_leaver"


def _eval_early_help_timeliness(lists, config, as_at):
    f = lists["list_2"]
    out = _base(f, "assessment_completion_date")
    # List 2 has no allocated team: the organisation completing the assessment stands for it.
    if "organisation" in f:
        out["team"] = f["organisation"]
    out["start_date"] = f["assessment_start_date"]
    out["working_days"] = working_days_between(
        start=f["assessment_start_date"], end=f["assessment_completion_date"]
    )
    limit = config.timescales.early_help_assessment_working_days
    out["met"] = _flag(out["working_days"] <= limit)
    _exclude(out, f["assessment_start_date"].isna(), "no assessment start date")
    _exclude(out, out["working_days"] < 0, "completed before the start")
    return out


def _eval_cin_seen(lists, config, as_at):
    f = lists["list_6"]
    f = f[_open_at(f, "cin_start_date", "cin_closure_date", as_at)]
    out = _base(f, None)
    seen = f["last_seen_date"]
    # A visit counts from the episode's start up to the as-at date.
    seen = seen.where((seen >= f["cin_start_date"]) & (seen <= as_at))
    weeks = pd.Timedelta(weeks=config.timescales.cin_visit_weeks)
    # Not yet seen since the episode began: in timescale until the first visit is due.
    due = (seen + weeks).where(seen.notna(), f["cin_start_date"] + weeks)
    out["last_seen_date"] = seen
    out["next_visit_due"] = due
    out["met"] = _flag(due >= as_at)
    if "case_status" in f:
        status = f["case_status"].astype("string").str.contains(CIN_OWN_STANDARD_STATUS)
        _exclude(out, status, "on a protection plan, in care or a care leaver (own standard)")
    return out


def _moved_in(f: pd.DataFrame) -> pd.Series:
    """The date each child moved in with the family who adopted them: placed for adoption, or the
    earlier fostering for adoption or concurrent planning placement (the scorecard's A1 rule)."""
    placed = f["placed_for_adoption_date"]
    if "ffa_placement_date" not in f:
        return placed
    ffa = f["ffa_placement_date"].where(
        (f["ffa_placement_date"] >= f["entered_care_date"]) & (f["ffa_placement_date"] <= placed)
    )
    return ffa.where(ffa.notna(), placed)


def _eval_adoption_care_to_placement(lists, config, as_at):
    f = lists["list_10"]
    out = _base(f, "placed_for_adoption_date")
    moved_in = _moved_in(f)
    out["entered_care_date"] = f["entered_care_date"]
    out["moved_in_date"] = moved_in
    out["days"] = (moved_in - f["entered_care_date"]).dt.days
    out["met"] = _flag(out["days"] <= config.timescales.adoption_care_to_placement_days)
    _exclude(out, f["entered_care_date"].isna(), "no date of entering care")
    _exclude(out, out["days"] < 0, "placed before entering care")
    return out


def _eval_adoption_order_to_match(lists, config, as_at):
    f = lists["list_10"]
    out = _base(f, "matched_date")
    out["placement_order_date"] = f["placement_order_date"]
    out["days"] = (f["matched_date"] - f["placement_order_date"]).dt.days
    out["met"] = _flag(out["days"] <= config.timescales.adoption_order_to_match_days)
    _exclude(out, f["placement_order_date"].isna(), "no placement order (placed with consent)")
    _exclude(out, out["days"] < 0, "matched before the placement order")
    return out


def _eval_adoption_decision_to_placement(lists, config, as_at):
    f = lists["list_10"]
    out = _base(f, "placed_for_adoption_date")
    decision = f["adoption_decision_date"]
    months = config.timescales.adoption_decision_to_placement_months
    out["decision_date"] = decision
    out["placed_by"] = decision + pd.DateOffset(months=months)
    out["met"] = _flag(f["placed_for_adoption_date"] <= out["placed_by"])
    _exclude(out, decision.isna(), "no decision date")
    _exclude(out, f["placed_for_adoption_date"] < decision, "placed before the decision")
    return out


def _eval_adopter_approval(lists, config, as_at):
    f = lists["list_11"]
    out = _base(f, "application_approved_date")
    # One row per adopter: a couple is one household, counted once (its first row).
    household = f["family_id"].astype("string") if "family_id" in f else None
    adopter = f["adopter_id"].astype("string")
    household = adopter if household is None else household.fillna(adopter)
    out["household"] = household
    start = f["stage1_start_date"]
    months = config.timescales.adopter_approval_months
    out["stage1_start_date"] = start
    out["approved_by"] = start + pd.DateOffset(months=months)
    out["met"] = _flag(f["application_approved_date"] <= out["approved_by"])
    repeat = pd.DataFrame({"h": household, "d": f["application_approved_date"]}).duplicated()
    _exclude(out, repeat, "second adopter of the same household")
    _exclude(out, start.isna(), "no stage 1 start date")
    _exclude(out, f["application_approved_date"] < start, "approved before stage 1 started")
    return out
