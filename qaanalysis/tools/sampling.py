"""Next month's audit sample: children drawn at random from the open cohort, stratified by team,
with auditors allocated to teams they do not manage (Dudley's framework, seeds/001: "cases to be
audited are selected randomly from the identified theme and cohort of all relevant children";
"Team Managers will audit cases from teams they are not directly responsible for").

The cohort comes from the Annex A lists: children in need (List 6), on a child protection plan
(List 7), in care (List 8), care leavers (List 9) and children with an open assessment (List 4).
A child is open when the episode started on or before the reference day and had not ended by it;
the reference day is the day before the sampled month, or the extract date if earlier; a care
leaver is open from their 18th to their 21st birthday (:data:`CARE_LEAVER_AGES`). A child on
several lists is sampled once, under the first of :data:`COHORT_PRIORITY`.

The draw is reproducible: the same evidence, month, theme, size and seed give the same children
and the same auditors, whatever the order of the input rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import Config
from ..periods import Period, parse_period
from ..sources import Evidence

#: cohort -> (Annex A list, episode start column, episode end column); List 9 has no episode dates
#: (every care leaver on the list is open).
COHORTS: dict[str, tuple[str, str | None, str | None]] = {
    "CLA": ("list_8", "cla_start_date", "ceased_date"),
    "CL": ("list_9", None, None),
    "CP": ("list_7", "cp_plan_start_date", "cp_plan_end_date"),
    "CIN": ("list_6", "cin_start_date", "cin_closure_date"),
    "assessment": ("list_4", "assessment_start_date", "assessment_authorised_date"),
}
COHORT_PRIORITY = ("CLA", "CL", "CP", "CIN", "assessment")

#: A care leaver on List 9 is open from their 18th birthday until their 21st (where the date of
#: birth is known); List 9 exports often cover everyone who was a care leaver in the window.
CARE_LEAVER_AGES = (18, 21)

#: A theme's Ofsted judgement area -> the cohorts it samples; other areas sample every cohort.
JUDGEMENT_AREA_COHORTS = {
    "help_protection": ("CP", "CIN", "assessment"),
    "children_in_care": ("CLA",),
    "care_leavers": ("CL",),
}

SAMPLE_COLUMNS = [
    "month",
    "child_id",
    "cohort",
    "team",
    "auditor_id",
    "auditor_role",
    "theme",
    "seed",
]


class SamplingError(Exception):
    """The sample cannot be drawn; the message says why and what to change."""


def cohorts_for(config: Config, theme: str | None) -> tuple[str, ...]:
    """The cohorts a theme samples.

    ``theme`` is a theme id of the configuration (its judgement area decides the cohorts, see
    :data:`JUDGEMENT_AREA_COHORTS`), a cohort code (``CIN``, ``CP``, ``CLA``, ``CL``,
    ``assessment``, any case) or None for every cohort.
    """
    if theme is None:
        return COHORT_PRIORITY
    if theme in config.themes:
        area = config.themes[theme].judgement_area
        return JUDGEMENT_AREA_COHORTS.get(area or "", COHORT_PRIORITY)
    codes = {c.lower(): c for c in COHORTS}
    if theme.lower() in codes:
        return (codes[theme.lower()],)
    raise SamplingError(
        f"theme {theme!r} is neither a configured theme ({', '.join(config.themes)}) nor a cohort "
        f"({', '.join(COHORTS)})"
    )


def open_cohort(
    evidence: Evidence, *, as_at: pd.Timestamp, cohorts: tuple[str, ...] = COHORT_PRIORITY
) -> pd.DataFrame:
    """Children open on ``as_at`` in the given cohorts: one row per child (``child_id``,
    ``cohort``, ``team``), the child's first cohort in :data:`COHORT_PRIORITY` order."""
    parts = []
    for cohort in COHORT_PRIORITY:
        if cohort not in cohorts:
            continue
        list_id, start, end = COHORTS[cohort]
        frame = evidence.annex_a.get(list_id)
        if frame is None or frame.empty:
            continue
        is_open = pd.Series(True, index=frame.index)
        if start is not None:
            is_open &= frame[start].notna() & (frame[start] <= as_at)
        if end is not None and end in frame:
            is_open &= frame[end].isna() | (frame[end] > as_at)
        if cohort == "CL" and "date_of_birth" in frame:
            born = frame["date_of_birth"]
            youngest, oldest = CARE_LEAVER_AGES
            aged = (born + pd.DateOffset(years=youngest) <= as_at) & (
                born + pd.DateOffset(years=oldest) > as_at
            )
            is_open &= born.isna() | aged
        rows = frame.loc[is_open & frame["child_id"].notna(), ["child_id"]].copy()
        team = frame.loc[rows.index, "team"] if "team" in frame else pd.Series(index=rows.index)
        rows["team"] = team.astype(object).where(team.notna(), "not recorded")
        rows["cohort"] = cohort
        parts.append(rows)
    if not parts:
        return pd.DataFrame(columns=["child_id", "cohort", "team"])
    # sort so that, within a child's rows, the cohort of highest priority comes first
    priority = {c: i for i, c in enumerate(COHORT_PRIORITY)}
    combined = pd.concat(parts, ignore_index=True)
    combined["_priority"] = combined["cohort"].map(priority)
    combined = combined.sort_values(["child_id", "_priority", "team"], kind="mergesort")
    combined = combined.drop_duplicates("child_id")
    return combined[["child_id", "cohort", "team"]].reset_index(drop=True)


def _programme_size(config: Config) -> int:
    quotas = config.audit_programme.quotas
    return sum(quotas.get(a.role, 0) for a in config.audit_programme.roster)


def _allocate_strata(counts: pd.Series, size: int, rng: np.random.Generator) -> pd.Series:
    """Proportional allocation of ``size`` to strata by largest remainder (random tie-break)."""
    total = int(counts.sum())
    exact = counts * size / total
    base = np.floor(exact).astype(int)
    remainder = exact - base
    left = size - int(base.sum())
    tie_break = pd.Series(rng.random(len(counts)), index=counts.index)
    order = pd.DataFrame({"r": remainder, "t": tie_break}).sort_values(["r", "t"], ascending=False)
    for stratum in order.index:
        if left == 0:
            break
        if base[stratum] < counts[stratum]:
            base[stratum] += 1
            left -= 1
    return base


def _assign_auditors(
    sample: pd.DataFrame, config: Config, rng: np.random.Generator
) -> tuple[list, list]:
    """Match children to auditors' monthly slots so no auditor audits a team they manage.

    Each rostered auditor has as many slots as their role's quota. Slots are tried round-robin
    (every auditor's first slot, in random order, before anyone's second), and Kuhn's augmenting
    paths find a maximum matching, so a child goes unallocated only when no allocation could
    place them.
    """
    quotas = config.audit_programme.quotas
    roster = sorted(config.audit_programme.roster, key=lambda a: a.auditor_id)
    order = rng.permutation(len(roster))
    slots = []
    for rank in range(max([quotas.get(a.role, 0) for a in roster], default=0)):
        for i in order:
            if quotas.get(roster[i].role, 0) > rank:
                slots.append(roster[i])
    teams = sample["team"].tolist()
    eligible = [[s for s, a in enumerate(slots) if team not in a.manages] for team in teams]
    slot_child: dict[int, int] = {}

    def place(child: int, seen: set[int]) -> bool:
        for s in eligible[child]:
            if s in seen:
                continue
            seen.add(s)
            if s not in slot_child or place(slot_child[s], seen):
                slot_child[s] = child
                return True
        return False

    for child in range(len(teams)):
        place(child, set())
    ids, roles = [None] * len(teams), [None] * len(teams)
    for s, child in slot_child.items():
        ids[child], roles[child] = slots[s].auditor_id, slots[s].role
    return ids, roles


def sample_audits(
    evidence: Evidence,
    *,
    month: str,
    theme: str | None = None,
    seed: int = 0,
    size: int | None = None,
) -> pd.DataFrame:
    """Draw the audit sample for a month.

    Steps:

    1. The cohort: children open on the day before ``month`` (or on the extract date, if earlier)
       in the cohorts of ``theme`` (:func:`cohorts_for`), from Annex A Lists 4, 6, 7, 8 and 9.
    2. Exclusions: children with an audit dated in the ``audit_programme.exclude_recent_months``
       months before ``month`` (or later).
    3. Size: ``size``, or the programme's monthly capacity (each rostered auditor's role quota,
       summed).
    4. Stratified random sample: the size is shared between teams in proportion to their
       eligible children (largest remainder, ties broken at random), then children are drawn at
       random within each team.
    5. Auditors: each child is matched to a rostered auditor with a free slot (role quota per
       month) who does not manage the child's team; blank where none can be found.

    Args:
        evidence: the loaded evidence (Annex A lists, audits, configuration).
        month: the month the audits will be done, ``2025-11``.
        theme: a configured theme id or a cohort code (``CIN``, ``CP``, ``CLA``, ``CL``,
            ``assessment``); None samples every cohort.
        seed: the random seed; the same seed gives the same sample.
        size: children to sample; default the programme's monthly capacity.

    Returns:
        One row per sampled child: ``month``, ``child_id``, ``cohort``, ``team``, ``auditor_id``,
        ``auditor_role``, ``theme``, ``seed``, ordered by team and child.

    Raises:
        SamplingError: the month or theme cannot be read, there are no Annex A lists, no size is
            given or configured, or the eligible cohort is smaller than the sample.
    """
    config = evidence.config
    try:
        period: Period = parse_period(month)
    except ValueError as exc:
        raise SamplingError(str(exc)) from None
    if period.kind != "month":
        raise SamplingError(f"--month must be a calendar month such as 2025-11, not {month!r}")
    cohorts = cohorts_for(config, theme)
    lists = sorted({COHORTS[c][0] for c in cohorts}, key=lambda x: int(x.split("_")[1]))
    if not any(
        evidence.annex_a.get(list_id) is not None and len(evidence.annex_a[list_id])
        for list_id in lists
    ):
        raise SamplingError(
            "no open cohort: the Annex A lists this sample draws from ("
            + ", ".join(lists)
            + ") are not loaded; configure sources.annex_a in la.yaml"
        )
    if size is None:
        size = _programme_size(config)
        if size == 0:
            raise SamplingError(
                "no sample size: give --size, or set audit_programme.quotas (audits per auditor "
                "per month by role) and audit_programme.roster in la.yaml"
            )
    if size < 1:
        raise SamplingError(f"sample size must be at least 1, got {size}")

    as_at = min(period.start - pd.Timedelta(days=1), pd.Timestamp(evidence.extract_date))
    cohort = open_cohort(evidence, as_at=as_at, cohorts=cohorts)
    months_back = config.audit_programme.exclude_recent_months
    audits = evidence.audits
    since = period.start - pd.DateOffset(months=months_back)
    recent = set(audits.loc[audits["audit_date"] >= since, "child_id"].dropna().astype(str))
    if months_back == 0:
        recent = set()
    eligible = cohort[~cohort["child_id"].astype(str).isin(recent)]
    eligible = eligible.sort_values(["team", "child_id"]).reset_index(drop=True)
    label = theme or "all cohorts"
    if len(eligible) < size:
        excluded = len(cohort) - len(eligible)
        raise SamplingError(
            f"cohort too small: {len(eligible)} children are eligible for {label} in "
            f"{period.label} ({len(cohort)} open on {as_at:%d/%m/%Y} in {', '.join(cohorts)}, "
            f"{excluded} audited in the last {months_back} months) but {size} are needed. "
            "Choose a smaller size, a broader theme, or fewer months in "
            "audit_programme.exclude_recent_months."
        )

    rng = np.random.default_rng(seed)
    counts = eligible.groupby("team").size()
    allocation = _allocate_strata(counts, size, rng)
    drawn = []
    for team in counts.index:
        members = eligible.index[eligible["team"] == team]
        take = int(allocation[team])
        if take:
            drawn.extend(rng.choice(members, size=take, replace=False).tolist())
    sample = eligible.loc[sorted(drawn)].reset_index(drop=True)
    auditor_ids, roles = _assign_auditors(sample, config, rng)
    sample = sample.assign(
        month=period.code, auditor_id=auditor_ids, auditor_role=roles, theme=theme, seed=seed
    )
    return sample[SAMPLE_COLUMNS]


def sample_summary(sample: pd.DataFrame) -> pd.DataFrame:
    """Children sampled per team and cohort, and how many have an auditor."""
    if sample.empty:
        return pd.DataFrame(columns=["team", "cohort", "children", "allocated"])
    grouped = sample.assign(allocated=sample["auditor_id"].notna()).groupby(["team", "cohort"])
    out = grouped.agg(children=("child_id", "size"), allocated=("allocated", "sum")).reset_index()
    out[["children", "allocated"]] = out[["children", "allocated"]].astype("int64")
    return out
