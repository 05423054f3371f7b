"""The authority's context for a year: demand (flows in the year) and caseload (open at its end).

Counted from the Annex A lists: flows by their key date in the period; stocks as children whose
episode started on or before the date and had not ended by it.
"""

from __future__ import annotations

import pandas as pd

from ..periods import Period, open_at
from ..sources import Evidence


def context(evidence: Evidence, period: Period) -> pd.DataFrame:
    """The authority's context for the year: demand (flow) and caseload (as at the year end)."""
    lists = evidence.annex_a
    rows = []
    flows = {
        "list_1": ("contacts", "contact_date"),
        "list_3": ("referrals", "referral_date"),
        "list_4": ("assessments completed", "assessment_authorised_date"),
        "list_5": ("section 47 enquiries", "strategy_discussion_date"),
    }
    for list_id, (label, column) in flows.items():
        frame = lists.get(list_id)
        if frame is not None and column in frame and len(frame):
            rows.append(
                {
                    "measure": f"{label.capitalize()} in the year",
                    "count": int(period.contains(frame[column]).sum()),
                }
            )
    stocks = {
        "list_6": ("children in need", "cin_start_date", "cin_closure_date"),
        "list_7": ("children on a child protection plan", "cp_plan_start_date", "cp_plan_end_date"),
        "list_8": ("children in care", "cla_start_date", "ceased_date"),
    }
    for list_id, (label, start, end) in stocks.items():
        frame = lists.get(list_id)
        if frame is None or start not in frame or not len(frame):
            continue
        at = min(period.end, evidence.extract_date)
        open_ = open_at(frame[start], frame[end] if end in frame else None, at)
        rows.append(
            {
                "measure": f"{label.capitalize()} at {at:%d %B %Y}",
                "count": int(frame.loc[open_, "child_id"].nunique()),
            }
        )
    return pd.DataFrame(rows, columns=["measure", "count"])
