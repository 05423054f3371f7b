"""The records behind each Annex A KPI, and what they show by team, by exception and by status.

Flow KPIs keep the events from the start of the Annex A window (:func:`window_start`); stock KPIs
are evaluated as at a date (:func:`stock_as_at`). Records are computed once per Evidence and KPI
(and date, for stock KPIs) and reused.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import pandas as pd

from ... import stats
from ...config import Kpi
from ...periods import Period
from ...sources import Evidence
from .definitions import KPI_DEFINITIONS, as_at_window_weeks
from .evaluators import WINDOW_START_GRACE_DAYS

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
        firsts = [
            frame[column].min()
            for list_id, column in (("list_1", "contact_date"), ("list_3", "referral_date"))
            if len(frame := _lists(evidence).get(list_id, pd.DataFrame()))
            and column in frame
            and frame[column].notna().any()
        ]
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


@dataclass(frozen=True)
class AsAt:
    """The date a stock KPI of a period describes, or why there is none.

    Attributes:
        date: the date the position is taken at (None: not computable for the period).
        label: how the figure states it ("as at 30/09/2026 (the period end)").
        why: why it is not computable ("" when it is).
    """

    date: pd.Timestamp | None
    label: str = ""
    why: str = ""


@stats.discovery.reusable
def stock_as_at(evidence: Evidence, kpi_id: str, period: Period) -> AsAt:
    """The date a stock KPI is computed as at for ``period``, with its label.

    - The extract falls in the period: as at the extract date (its position is the period's
      latest).
    - The extract was taken after the period end, up to ``thresholds.stock_as_at_window_weeks``
      weeks after it: as at the period end when the records allow, that is the KPI declares the
      columns of its latest event (:attr:`KpiDefinition.as_at_events`) and no record counted at the
      period end (a child open then) has one of them after it; otherwise as at the extract date,
      labelled so and saying why the period end cannot be rebuilt.
    - Later, or an extract before the period: not computable, saying why.
    - The KPI's list holds nothing dated in or after the period (a stale Annex A): withheld,
      saying why (:meth:`Evidence.stale_list`).
    """
    d = KPI_DEFINITIONS[kpi_id]
    stale = evidence.stale_list(d.list_id, period) if hasattr(evidence, "stale_list") else ""
    if stale:
        return AsAt(None, why=stale)
    extract, end = _extract(evidence), period.end.normalize()
    if period.start <= extract <= end:
        return AsAt(extract, f"as at {extract:%d/%m/%Y}")
    if extract < period.start:
        return AsAt(None, why=f"no extract within {period.label}")
    weeks = as_at_window_weeks(evidence.config)
    if extract > end + pd.Timedelta(weeks=weeks):
        return AsAt(
            None,
            why=(
                f"not computable for {period.label}: the extract ({extract:%d/%m/%Y}) was taken more "
                f"than {weeks} weeks after the period end ({end:%d/%m/%Y}) and Annex A holds only each "
                f"child's latest {d.latest or 'record'}"
            ),
        )
    later = _later_events(evidence, kpi_id, end)
    if later == 0:
        return AsAt(end, f"as at {end:%d/%m/%Y} (the period end)")
    if later is None:
        reason = f"Annex A holds only each child's latest {d.latest}"
    else:
        counted = len(_counted(kpi_records(evidence, kpi_id, as_at=end)))
        verb = "has" if later == 1 else "have"
        reason = f"{later} of the {counted} children counted then {verb} a later {d.latest}"
    return AsAt(
        extract,
        (
            f"as at {extract:%d/%m/%Y} (the extract date, {(extract - end).days} days after the period "
            f"end: the position at {end:%d/%m/%Y} cannot be rebuilt, as {reason})"
        ),
    )


def _counted(records: pd.DataFrame) -> pd.DataFrame:
    return records[records["excluded"] == ""]


def _later_events(evidence: Evidence, kpi_id: str, as_at: pd.Timestamp) -> int | None:
    """How many records counted as at ``as_at`` have their latest event after it (None: the KPI
    declares no latest event, so its position exists only at the extract date)."""
    d = KPI_DEFINITIONS[kpi_id]
    if not d.as_at_events:
        return None
    records = _counted(kpi_records(evidence, kpi_id, as_at=as_at))
    frame = _lists(evidence)[d.list_id].loc[records.index]
    later = pd.Series(False, index=frame.index)
    for column in d.as_at_events:
        later |= (frame[column] > as_at).fillna(False).astype(bool)
    return int(later.sum())


@stats.discovery.reusable
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
            as_at = stock_as_at(evidence, kpi_id, period).date
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
            rows.append(
                {
                    "kpi_id": kpi_id,
                    "label": config.kpis[kpi_id].label,
                    "team": team,
                    "numerator": k,
                    "denominator": n,
                    "value": k / n,
                    "ci_low": low,
                    "ci_high": high,
                    "authority_value": overall,
                    "funnel_position": position,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "kpi_id",
            "label",
            "team",
            "numerator",
            "denominator",
            "value",
            "ci_low",
            "ci_high",
            "authority_value",
            "funnel_position",
        ],
    )


@stats.discovery.reusable
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
        as_at = stock_as_at(evidence, kpi_id, period).date
        if as_at is None:
            return pd.DataFrame(columns=["child_id", "team"])
        records = kpi_records(evidence, kpi_id, as_at=as_at)
    counted = records[records["excluded"] == ""]
    flagged = counted[counted["met"]] if kpi.polarity == "lower" else counted[~counted["met"]]
    columns = [c for c in flagged.columns if c not in ("met", "excluded")]
    if d.period_rule == "stock":
        columns.remove("event_date")
    return flagged[columns].sort_values(["team", "child_id"]).reset_index(drop=True)


@stats.discovery.reusable
def kpi_availability(evidence: Evidence, period: Period) -> pd.DataFrame:
    """What could and could not be computed for each Annex A KPI, and why (never guessed).

    ``status``: ``computed``, ``no records in the period`` or ``not computable``; ``as_at``: the
    date a stock KPI describes (:func:`stock_as_at`); ``excluded`` counts the records left out of
    the denominator, with their reasons.
    """
    rows = []
    for kpi_id, d in KPI_DEFINITIONS.items():
        label = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id)).label
        why = missing_inputs(evidence, kpi_id)
        excluded, reasons, status, n, described = 0, "", "computed", 0, ""
        if why:
            status = "not computable"
        else:
            if d.period_rule == "flow":
                records = kpi_records(evidence, kpi_id)
                records = records[period.contains(records["event_date"])]
            else:
                as_at = stock_as_at(evidence, kpi_id, period)
                why, described = as_at.why, as_at.label
                records = (
                    None if as_at.date is None else kpi_records(evidence, kpi_id, as_at=as_at.date)
                )
            if records is None:
                status = "not computable"
            else:
                counted = records["excluded"] == ""
                n, excluded = int(counted.sum()), int((~counted).sum())
                reasons = "; ".join(
                    f"{r} ({c})"
                    for r, c in records.loc[~counted, "excluded"].value_counts().items()
                )
                if not n:
                    status = "no records in the period"
        rows.append(
            {
                "kpi_id": kpi_id,
                "label": label,
                "list": d.list_id,
                "period_rule": d.period_rule,
                "as_at": described,
                "status": status,
                "records": n,
                "excluded": excluded,
                "reason": why or reasons,
            }
        )
    return pd.DataFrame(rows)
