"""Complaints and compliments: volumes, stages, timeliness, outcomes, categories, complainants,
the open caseload and the complaint Figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ... import stats
from ...config import Config
from ...figures import Figure, proportion
from ...periods import Period, add_working_days, open_at, working_days_between
from ...sources import Evidence
from ..registry import label as declared
from .counting import (
    _as_at,
    _contains_until,
    _count_figure,
    _coverage_start,
    _in,
    _label,
    _n_in,
    _records,
    _theme_labels,
    category_changes,
    comparison_periods,
    count_windows,
    quarter_periods,
    theme_map,
)
from .definitions import (
    COMPLAINANT_LABELS,
    CONCLUDED,
    NOT_RECORDED,
    RESPONDENT_GROUPS,
    STAGE_LABELS,
    STAGES,
    UPHELD,
)


@stats.discovery.reusable
def quarterly_volumes(
    complaints: pd.DataFrame, *, period: Period, quarters: int = 8
) -> pd.DataFrame:
    """Complaints, compliments and comments received per quarter, up to the period's end.

    Only quarters the log covers (from its first month) are shown; a quarter running past the
    period's end counts records up to the period's end only.

    Returns:
        One row per quarter: ``quarter`` (code), ``complaints``, ``compliments``, ``comments``,
        ``stage_1`` to ``ombudsman`` (complaints by stage).
    """
    covered = _coverage_start(complaints["received_date"])
    rows = []
    for q in quarter_periods(period, quarters=quarters):
        if covered is None or q.end < covered:
            continue
        inside = complaints[_contains_until(q, period.end, complaints["received_date"])]
        row = {"quarter": q.code}
        for record_type in ("complaint", "compliment", "comment"):
            row[f"{record_type}s"] = int((inside["record_type"] == record_type).sum())
        stages = _records(inside, "complaint")["stage"]
        for stage in STAGES:
            row[_stage_column(stage)] = int((stages == stage).sum())
        rows.append(row)
    columns = ["quarter", "complaints", "compliments", "comments"] + [
        _stage_column(s) for s in STAGES
    ]
    return pd.DataFrame(rows, columns=columns)


def _stage_column(stage: str) -> str:
    return "ombudsman" if stage == "ombudsman" else f"stage_{stage}"


@stats.discovery.reusable
def stage_summary(complaints: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Complaints received in the period by stage, and the escalation ratio to the next stage.

    ``next_stage_per_100`` is complaints received at the next stage per 100 received at this
    stage in the same period: the log does not link a complaint's stages, so this is a ratio of
    flows, not the share of this period's complaints that will escalate.

    Returns:
        One row per stage (and ``not recorded`` when some rows have no stage): ``stage``,
        ``stage_label``, ``complaints``, ``complaints_pct`` (share of all complaints received),
        ``next_stage_pct`` (complaints at the next stage per 100 at this stage, as a fraction).
    """
    if not len(complaints):
        return pd.DataFrame(
            columns=["stage", "stage_label", "complaints", "complaints_pct", "next_stage_pct"]
        )
    received = _in(_records(complaints, "complaint"), "received_date", period)
    counts = received["stage"].value_counts()
    total = len(received)
    rows = []
    for i, stage in enumerate(STAGES):
        n = int(counts.get(stage, 0))
        following = int(counts.get(STAGES[i + 1], 0)) if i + 1 < len(STAGES) else None
        rows.append(
            {
                "stage": stage,
                "stage_label": STAGE_LABELS[stage],
                "complaints": n,
                "complaints_pct": n / total if total else math.nan,
                "next_stage_pct": following / n if following is not None and n else math.nan,
            }
        )
    missing = int(received["stage"].isna().sum())
    if missing:
        rows.append(
            {
                "stage": NOT_RECORDED,
                "stage_label": "Stage not recorded",
                "complaints": missing,
                "complaints_pct": missing / total,
                "next_stage_pct": math.nan,
            }
        )
    return pd.DataFrame(
        rows, columns=["stage", "stage_label", "complaints", "complaints_pct", "next_stage_pct"]
    )


def _timescales(config: Config) -> dict[str, tuple[int, int]]:
    t = config.timescales
    return {
        "1": (t.complaint_stage1_working_days, t.complaint_stage1_extended_working_days),
        "2": (t.complaint_stage2_working_days, t.complaint_stage2_extended_working_days),
    }


@stats.discovery.reusable
def complaint_timeliness(
    complaints: pd.DataFrame, *, period: Period, config: Config, as_at: pd.Timestamp
) -> pd.DataFrame:
    """Each complaint received in the period at a stage with a statutory timescale, and whether
    it was answered in time.

    The timescale is ``timescales.complaint_stage1_working_days`` (10) for stage 1, or
    ``complaint_stage1_extended_working_days`` (20) where ``extended`` is yes; stage 2 is 25, or 65
    where extended. Working days are counted after the day of receipt up to and including the day of
    the response, without weekends or England and Wales bank holidays
    (:func:`qaanalysis.periods.working_days_between`). Stage 3 and Ombudsman rows have no working-day
    timescale in the configuration and are left out.

    Status:
        ``within``: answered within the timescale. ``late``: answered after it, or unanswered and
        already past it at ``as_at`` (the extract date). ``pending``: unanswered and still within
        it (left out of the share). ``check_dates``: answered before it was received (left out).

    Returns:
        Indexed as the input: ``record_id``, ``stage``, ``received_date``, ``responded_date``,
        ``extended``, ``timescale_working_days``, ``due_date``, ``working_days``, ``status``.
    """
    limits = _timescales(config)
    rows = _in(_records(complaints, "complaint"), "received_date", period)
    rows = rows[rows["stage"].isin(list(limits))]
    extended = rows["extended"].astype("boolean").fillna(False).astype(bool)
    base = rows["stage"].map({s: v[0] for s, v in limits.items()})
    longer = rows["stage"].map({s: v[1] for s, v in limits.items()})
    timescale = longer.where(extended, base).astype(int)
    answered = rows["responded_date"].notna()
    taken = working_days_between(start=rows["received_date"], end=rows["responded_date"])
    waited = working_days_between(
        start=rows["received_date"], end=pd.Series(pd.Timestamp(as_at), index=rows.index)
    )
    status = np.select(
        [answered & (taken < 0), answered & (taken <= timescale), answered, waited > timescale],
        ["check_dates", "within", "late", "late"],
        default="pending",
    )
    due = [add_working_days(d, n) for d, n in zip(rows["received_date"], timescale, strict=True)]
    return pd.DataFrame(
        {
            "record_id": rows["record_id"],
            "stage": rows["stage"],
            "received_date": rows["received_date"],
            "responded_date": rows["responded_date"],
            "extended": extended,
            "timescale_working_days": timescale,
            "due_date": pd.to_datetime(pd.Series(due, index=rows.index, dtype="datetime64[ns]")),
            "working_days": taken,
            "status": pd.Series(status, index=rows.index, dtype=object),
        },
        index=rows.index,
    )


def timeliness_summary(timeliness: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Per stage: answered within timescale, late, pending, and the within-timescale share.

    Args:
        timeliness: the frame of :func:`complaint_timeliness`.

    Returns:
        One row per stage: ``stage``, ``within``, ``late``, ``pending``, ``assessed``
        (within + late), ``within_pct``, ``within_ci_low``, ``within_ci_high``,
        ``median_working_days`` (of those answered).
    """
    if not len(timeliness):
        return pd.DataFrame(
            columns=[
                "stage",
                "within",
                "late",
                "pending",
                "assessed",
                "within_pct",
                "within_ci_low",
                "within_ci_high",
                "median_working_days",
            ]
        )
    rows = []
    for stage in _timescale_stages(timeliness):
        part = timeliness[timeliness["stage"] == stage]
        within = int((part["status"] == "within").sum())
        late = int((part["status"] == "late").sum())
        n = within + late
        low, high = stats.wilson_interval(within, n, alpha=alpha) if n else (math.nan, math.nan)
        answered = part.loc[part["status"].isin(["within", "late"]), "working_days"].dropna()
        rows.append(
            {
                "stage": STAGE_LABELS[stage],
                "within": within,
                "late": late,
                "pending": int((part["status"] == "pending").sum()),
                "assessed": n,
                "within_pct": within / n if n else math.nan,
                "within_ci_low": low,
                "within_ci_high": high,
                "median_working_days": float(answered.median()) if len(answered) else math.nan,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "stage",
            "within",
            "late",
            "pending",
            "assessed",
            "within_pct",
            "within_ci_low",
            "within_ci_high",
            "median_working_days",
        ],
    )


def _timescale_stages(timeliness: pd.DataFrame) -> list[str]:
    return [s for s in ("1", "2") if (timeliness["stage"] == s).any()] or ["1"]


@stats.discovery.reusable
def period_timeliness(evidence: Evidence, period: Period) -> pd.DataFrame:
    """:func:`complaint_timeliness` of the period's complaints, judged at the extract date (what
    the timeliness table, the late complaints and the Figures all read)."""
    return complaint_timeliness(
        evidence.complaints, period=period, config=evidence.config, as_at=evidence.extract_date
    )


@stats.discovery.reusable
def timeliness_table(
    evidence: Evidence, period: Period, *, timeliness: pd.DataFrame | None = None
) -> pd.DataFrame:
    """:func:`timeliness_summary` of the period's complaints, judged at the extract date.

    Args:
        timeliness: :func:`period_timeliness` when already computed.
    """
    if timeliness is None:
        timeliness = period_timeliness(evidence, period)
    return timeliness_summary(timeliness, alpha=evidence.config.thresholds.significance_alpha)


@stats.discovery.reusable
def late_complaints(
    evidence: Evidence, period: Period, *, timeliness: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Complaints received in the period answered late or still unanswered, latest due first
    (one row per complaint: for the internal audience only).

    Args:
        timeliness: :func:`period_timeliness` when already computed.
    """
    table = period_timeliness(evidence, period) if timeliness is None else timeliness
    table = table[table["status"].isin(["late", "pending", "check_dates"])]
    return table.sort_values("due_date", ascending=False).reset_index(drop=True)


@stats.discovery.reusable
def complaint_outcomes(complaints: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Outcomes of complaints answered in the period, by stage.

    Returns:
        One row per stage with any answered complaint, then ``All``: ``stage``, ``upheld``,
        ``partly_upheld``, ``not_upheld``, ``withdrawn``, ``no_outcome`` (answered, outcome blank),
        ``concluded`` (upheld + partly + not), ``upheld_or_partly`` and ``upheld_or_partly_pct``
        (of those concluded).
    """
    if not len(complaints):
        return pd.DataFrame(
            columns=[
                "stage",
                "upheld",
                "partly_upheld",
                "not_upheld",
                "withdrawn",
                "no_outcome",
                "concluded",
                "upheld_or_partly",
                "upheld_or_partly_pct",
            ]
        )
    answered = _in(_records(complaints, "complaint"), "responded_date", period)
    columns = ["upheld", "partly_upheld", "not_upheld", "withdrawn"]
    rows = []
    groups = [(STAGE_LABELS[s], answered[answered["stage"] == s]) for s in STAGES]
    groups.append(("All", answered))
    for label, part in groups:
        if label != "All" and part.empty:
            continue
        counts = part["outcome"].value_counts()
        row = {"stage": label, **{c: int(counts.get(c, 0)) for c in columns}}
        row["no_outcome"] = int(part["outcome"].isna().sum())
        row["concluded"] = row["upheld"] + row["partly_upheld"] + row["not_upheld"]
        row["upheld_or_partly"] = k = row["upheld"] + row["partly_upheld"]
        row["upheld_or_partly_pct"] = k / row["concluded"] if row["concluded"] else math.nan
        rows.append(row)
    return pd.DataFrame(
        rows,
        columns=[
            "stage",
            *columns,
            "no_outcome",
            "concluded",
            "upheld_or_partly",
            "upheld_or_partly_pct",
        ],
    )


def _upheld_counts(complaints: pd.DataFrame, period: Period) -> tuple[int, int]:
    answered = _in(_records(complaints, "complaint"), "responded_date", period)
    concluded = answered[answered["outcome"].isin(CONCLUDED)]
    return int(concluded["outcome"].isin(UPHELD).sum()), len(concluded)


def _learning_counts(complaints: pd.DataFrame, period: Period) -> tuple[int, int]:
    answered = _in(_records(complaints, "complaint"), "responded_date", period)
    upheld = answered[answered["outcome"].isin(UPHELD)]
    has_learning = upheld["learning"].astype(object).fillna("").astype(str).str.strip() != ""
    return int(has_learning.sum()), len(upheld)


def _advocacy_counts(complaints: pd.DataFrame, period: Period) -> tuple[int, int]:
    received = _in(_records(complaints, "complaint"), "received_date", period)
    children = received[received["complainant"].isin(RESPONDENT_GROUPS["children_young_people"])]
    return int(children["advocate"].astype("boolean").fillna(False).sum()), len(children)


CATEGORY_COLUMNS = [
    "category",
    "category_label",
    "themes",
    "complaints",
    "previous",
    "previous_p",
    "last_year",
    "last_year_p",
    "change",
    "trend",
    "trend_p",
]


@stats.discovery.reusable
def complaint_categories(
    complaints: pd.DataFrame,
    *,
    period: Period,
    config: Config,
    record_type: str = "complaint",
    trend_quarters: int = 6,
) -> pd.DataFrame:
    """Complaints received in the period by category, with the themes they speak to and the
    change on the previous period and the same period last year.

    Every category in the theme map's ``complaint_categories`` is listed, and every category seen
    in the period or its comparison periods. The change is judged by :func:`compare_counts`
    (exact conditional Poisson test, period lengths in days as exposure) at
    ``thresholds.significance_alpha``; comparisons start no earlier than the log's first month.

    Returns:
        One row per category (most complaints first): ``category``, ``category_label``,
        ``themes``, ``complaints``, ``previous``, ``previous_p``, ``last_year``,
        ``last_year_p``, ``change`` ("significant rise", "significant fall", "broadly stable",
        "no comparison"), and the trend over the last ``trend_quarters`` covered quarters
        (:func:`count_trend`): ``trend`` ("rising", "falling", "no clear trend") and ``trend_p``.
        The change decides the signal; the trend is context.
    """
    if not len(complaints):
        return pd.DataFrame(columns=CATEGORY_COLUMNS)
    alpha = config.thresholds.significance_alpha
    records = _records(complaints, record_type)
    covered = _coverage_start(complaints["received_date"])
    comparisons, quarters = count_windows(
        period, covered_from=covered, trend_quarters=trend_quarters
    )
    categories = list(theme_map(config, "complaint_categories"))
    for p in [period, *comparisons.values()]:
        seen = _in(records, "received_date", p)["category"].dropna().unique()
        categories += [c for c in seen if c not in categories]
    changes = category_changes(
        records,
        "received_date",
        categories,
        period=period,
        comparisons=comparisons,
        quarters=quarters,
        alpha=alpha,
    )
    rows = [
        {"category": code, "category_label": _label(code), "complaints": c.pop("current"), **c}
        for code, c in changes.items()
    ]
    columns = [c for c in CATEGORY_COLUMNS if c != "themes"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.insert(2, "themes", _theme_labels(frame["category"], config, "complaint_categories"))
    frame[["previous", "last_year"]] = frame[["previous", "last_year"]].astype("Int64")
    return frame.sort_values(["complaints", "category"], ascending=[False, True], ignore_index=True)


@stats.discovery.reusable
def category_by_quarter(
    complaints: pd.DataFrame, *, period: Period, quarters: int = 8, record_type: str = "complaint"
) -> pd.DataFrame:
    """Records received per quarter (rows) and category (columns), up to the period's end.

    Returns:
        ``quarter`` then one column per category (ordered by the total, most first).
    """
    records = _records(complaints, record_type)
    covered = _coverage_start(complaints["received_date"])
    table = {}
    for q in quarter_periods(period, quarters=quarters):
        if covered is None or q.end < covered:
            continue
        inside = records[_contains_until(q, period.end, records["received_date"])]
        table[q.code] = inside["category"].fillna(NOT_RECORDED).value_counts()
    frame = pd.DataFrame(table).T.fillna(0).astype(int)
    if frame.empty:
        return pd.DataFrame({"quarter": pd.Series(dtype=object)})
    frame = frame[frame.sum().sort_values(ascending=False, kind="stable").index]
    return frame.rename_axis("quarter").reset_index()


@stats.discovery.reusable
def complainants(complaints: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Complaints received in the period by who made them, and how many had an advocate.

    Returns:
        One row per complainant type (and "not recorded"): ``complainant``, ``complaints``,
        ``with_advocate``, ``with_advocate_pct``.
    """
    if not len(complaints):
        return pd.DataFrame(
            columns=["complainant", "complaints", "with_advocate", "with_advocate_pct"]
        )
    received = _in(_records(complaints, "complaint"), "received_date", period)
    who = received["complainant"].astype(object).fillna(NOT_RECORDED)
    advocate = received["advocate"].astype("boolean").fillna(False).astype(bool)
    rows = []
    for code in [*COMPLAINANT_LABELS, NOT_RECORDED]:
        mask = who == code
        n = int(mask.sum())
        if code == NOT_RECORDED and not n:
            continue
        k = int((mask & advocate).sum())
        rows.append(
            {
                "complainant": COMPLAINANT_LABELS.get(code, "Not recorded"),
                "complaints": n,
                "with_advocate": k,
                "with_advocate_pct": k / n if n else math.nan,
            }
        )
    return pd.DataFrame(
        rows, columns=["complainant", "complaints", "with_advocate", "with_advocate_pct"]
    )


@stats.discovery.reusable
def compliments_by_service(
    complaints: pd.DataFrame, *, period: Period, config: Config
) -> pd.DataFrame:
    """Compliments received in the period by service (rows) and practice theme (columns).

    A compliment's theme is the theme whose ``complaint_categories`` list its category (the first
    one, where several do); a category the theme map does not list is "Other", and a compliment
    with no category is "Not categorised".

    Returns:
        ``service`` then one column per theme label, then ``total``; a last row ``All services``.
    """
    received = _in(_records(complaints, "compliment"), "received_date", period)
    mapping = theme_map(config, "complaint_categories")
    theme = (
        received["category"]
        .map(lambda c: config.themes[mapping[c][0]].label if c in mapping else "Other")
        .where(received["category"].notna(), "Not categorised")
    )
    service = received["service"].astype(object).fillna(NOT_RECORDED)
    if received.empty:
        return pd.DataFrame({"service": pd.Series(dtype=object), "total": pd.Series(dtype=int)})
    table = pd.crosstab(service, theme)
    order = [config.themes[t].label for t in config.themes if config.themes[t].label in table]
    table = table[order + [c for c in table.columns if c not in order]]
    table["total"] = table.sum(axis=1)
    table.loc["All services"] = table.sum()
    return table.rename_axis(index="service", columns=None).reset_index()


# ----------------------------------------------------------------------------- caseload


# Annex A list -> (start date, end date) of a case open in it (sources/annex_a.py columns).
OPEN_CASE_LISTS = {
    "list_6": ("cin_start_date", "cin_closure_date"),
    "list_7": ("cp_plan_start_date", "cp_plan_end_date"),
    "list_8": ("cla_start_date", "ceased_date"),
}


@stats.discovery.reusable
def open_caseload(annex_a: dict[str, pd.DataFrame], *, at: pd.Timestamp) -> int | None:
    """Children with a case open at ``at``: an open CIN episode (Annex A list 6), child protection
    plan (list 7) or period of care (list 8), each child counted once.

    Open is the suite's one rule (:func:`qaanalysis.periods.open_at`): started on or before ``at``
    and not ended (closed, ceased) by it, so a case ending on ``at`` is closed at ``at``. Lists 6 to
    8 hold every case open at the extract date, so the caseload is sound at a period end close to
    the extract; for earlier period ends it counts only the cases the lists still hold (cases
    closed long before the extract have dropped out), so it can be too low.

    Returns:
        The number of children, or None when none of the three lists has any rows.
    """
    at = pd.Timestamp(at)
    children: set[str] = set()
    found = False
    for list_id, (start, end) in OPEN_CASE_LISTS.items():
        frame = annex_a.get(list_id)
        if frame is None or not len(frame) or start not in frame.columns:
            continue
        found = True
        is_open = open_at(frame[start], frame[end] if end in frame.columns else None, at)
        children.update(frame.loc[is_open, "child_id"].dropna().astype(str))
    return len(children) if found else None


# ----------------------------------------------------------------------------- complaint figures


@stats.discovery.reusable
def complaint_figures(
    evidence: Evidence,
    period: Period,
    *,
    timeliness: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
) -> list[Figure]:
    """Figures for complaints and compliments received, answered and concluded in the period.

    Ids: ``complaints.count``, ``compliments.count``, ``complaints.stage.<stage>.count``,
    ``complaints.per_100_open`` (where Annex A gives the open caseload),
    ``complaints.stage1.within_timescale``, ``complaints.stage2.within_timescale`` (where any
    stage 2 complaint was received), ``complaints.upheld``, ``complaints.learning_recorded``,
    ``complaints.advocacy``, ``complaints.category.<code>.count`` for every mapped or seen
    category. Definitions: :data:`MEASURES`. Empty when the log has no rows.

    Args:
        timeliness: :func:`period_timeliness` when already computed.
        categories: :func:`complaint_categories` of the period when already computed.
    """
    complaints = evidence.complaints
    if not len(complaints):
        return []
    config = evidence.config
    t = config.thresholds
    alpha, min_n = t.significance_alpha, t.min_n_compare
    covered = _coverage_start(complaints["received_date"])
    compared = comparison_periods(period, covered_from=covered)
    previous = period.previous()
    src = "complaints"

    def counted(frame: pd.DataFrame, p: Period) -> int:
        return _n_in(frame, "received_date", p)

    def count_fig(id: str, label: str, frame: pd.DataFrame, polarity: str, theme=None) -> Figure:
        return _count_figure(
            id,
            label,
            current=counted(frame, period),
            compared=[(k, p, counted(frame, p)) for k, p in compared],
            period=period,
            source=src,
            theme=theme,
            polarity=polarity,
            alpha=alpha,
        )

    records = _records(complaints, "complaint")
    figs = [
        count_fig("complaints.count", declared("complaints.count", config), records, "lower"),
        count_fig(
            "compliments.count",
            declared("compliments.count", config),
            _records(complaints, "compliment"),
            "higher",
        ),
    ]
    for stage in STAGES:
        figs.append(
            count_fig(
                f"complaints.stage.{stage}.count",
                declared(
                    f"complaints.stage.{stage}.count", config, stage=_stage_count_label(stage)
                ),
                records[records["stage"] == stage],
                "lower",
            )
        )

    caseload = open_caseload(evidence.annex_a, at=_as_at(evidence, period))
    if caseload:
        k = counted(records, period)
        figs.append(
            Figure(
                id="complaints.per_100_open",
                label=declared("complaints.per_100_open", config),
                value=100 * k / caseload,
                unit="rate",
                numerator=k,
                denominator=caseload,
                period=period.code,
                source=src,
                note="open cases: children with an open CIN episode, CP plan or period of care "
                "(Annex A lists 6 to 8) at the period end",
            )
        )

    as_at = pd.Timestamp(evidence.extract_date)
    now = period_timeliness(evidence, period) if timeliness is None else timeliness
    before = complaint_timeliness(complaints, period=previous, config=config, as_at=as_at)
    for stage in ("1", "2"):
        if stage == "2" and not (now["stage"] == "2").any():
            continue
        k, n = _within(now, stage)
        k0, n0 = _within(before, stage)
        figs.append(
            proportion(
                f"complaints.stage{stage}.within_timescale",
                declared(f"complaints.stage{stage}.within_timescale", config),
                k=k,
                n=n,
                period=period.code,
                source=src,
                previous=(k0, n0),
                previous_period=previous.code,
                polarity="higher",
                alpha=alpha,
                min_n=min_n,
                theme=None,
            )
        )
    shares = (
        ("complaints.upheld", "Concluded complaints upheld or partly upheld", _upheld_counts,
         "context"),
        ("complaints.learning_recorded",
         "Upheld or partly upheld complaints with learning recorded", _learning_counts, "higher"),
        ("complaints.advocacy", "Complaints by children and young people made with an advocate",
         _advocacy_counts, "higher"),
    )  # fmt: skip
    for figure_id, _, counts, polarity in shares:
        k, n = counts(complaints, period)
        figs.append(
            proportion(
                figure_id,
                declared(figure_id, config),
                k=k,
                n=n,
                period=period.code,
                source=src,
                previous=counts(complaints, previous),
                previous_period=previous.code,
                polarity=polarity,
                alpha=alpha,
                min_n=min_n,
            )
        )

    mapping = theme_map(config, "complaint_categories")
    if categories is None:
        categories = complaint_categories(complaints, period=period, config=config)
    for code in categories["category"]:
        figs.append(
            count_fig(
                f"complaints.category.{code}.count",
                declared(
                    f"complaints.category.{code}.count", config, category=_label(code).lower()
                ),
                records.loc[records["category"] == code, ["received_date"]],
                "lower",
                theme=(mapping.get(code) or [None])[0],
            )
        )
    return figs


def _stage_count_label(stage: str) -> str:
    if stage == "ombudsman":
        return "referred to the Ombudsman"
    return f"received at {STAGE_LABELS[stage].lower()}"


def _within(timeliness: pd.DataFrame, stage: str) -> tuple[int, int]:
    part = timeliness[timeliness["stage"] == stage]
    within = int((part["status"] == "within").sum())
    return within, within + int((part["status"] == "late").sum())


def significant_rises(table: pd.DataFrame) -> list[str]:
    """The categories of a :func:`complaint_categories` (or escalation categories) table whose
    count rose significantly on the previous period or the same period last year."""
    if "change" not in table.columns:
        return []
    return table.loc[table["change"] == "significant rise", "category"].tolist()


def rising_categories(
    complaints: pd.DataFrame, *, period: Period, config: Config, record_type: str = "complaint"
) -> list[str]:
    """Complaint categories with significantly more complaints than in the previous period or the
    same period last year (:func:`complaint_categories`, read by :func:`significant_rises`)."""
    if not len(complaints):
        return []
    return significant_rises(
        complaint_categories(complaints, period=period, config=config, record_type=record_type)
    )
