"""Cross-field checks on loaded records, in the manner of the DfE validators.

The reader checks each value on its own (a readable date, a known code); these rules compare the
values of one record with each other, or one record with the rest of its list, as the DfE's CIN
census, SSDA903 and Annex A validators do. Every rule is declared once below, with its effect:

- ``reject``: the record cannot be placed in time (an episode that ends before it starts, care
  that starts before the child was born). The row is removed and reported as a rejected row, so
  that no count rests on it.
- ``flag``: the record is unlikely but may be right, or only one of its values is wrong (a visit
  after the plan ended, a child outside the list's age range, a child listed twice in a list of one
  row per child, two rows alike in every value). The row is used as it is and reported as
  flagged, with its reason.

Either way every row is accounted for: used, or reported with its file, row, column, value and
reason (:class:`~qaanalysis.sources.reader.Problem`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .reader import Problem, SourceReport

# ----------------------------------------------------------------------------- declared rules


@dataclass(frozen=True)
class Order:
    """``later`` must not fall before ``earlier`` on the same record.

    Attributes:
        source: ``annex_a.list_8`` for an Annex A list, else the source's name.
        earlier: the column that comes first (``date_of_birth``, a start date).
        later: the column that must not be before it.
        effect: ``reject`` or ``flag``.
        what: the rule in words, used as the start of the reason.
        grace_days: how far ``later`` may fall before ``earlier`` and still pass (pre-birth work:
            an unborn child may be referred, assessed or on a plan before birth).
        blame_earlier: report ``earlier`` as the value in doubt (an event after an episode ended:
            the event), else ``later``.
    """

    source: str
    earlier: str
    later: str
    effect: str
    what: str
    grace_days: int = 0
    blame_earlier: bool = False


# Pre-birth work is lawful on Lists 1 to 7 (referral, assessment, enquiry, plan for an unborn
# child), so a date there is implausible only when it is more than a pregnancy (40 weeks) before
# the (expected) date of birth. A child cannot be looked after, adopted or a care leaver unborn.
PREGNANCY_DAYS = 280

_BEFORE_BIRTH_PREBIRTH = {
    "list_1": ("contact_date",),
    "list_2": ("assessment_start_date",),
    "list_3": ("referral_date",),
    "list_4": ("assessment_start_date",),
    "list_5": ("strategy_discussion_date",),
    "list_6": ("cin_start_date",),
    "list_7": ("cp_plan_start_date",),
}
_BEFORE_BIRTH_NEVER = {
    "list_8": (
        "legal_status_start_date",
        "latest_review_date",
        "last_visit_date",
        "health_assessment_date",
        "dental_check_date",
        "placement_start_date",
    ),
    "list_9": ("pathway_plan_review_date", "latest_contact_date"),
    "list_10": (
        "adoption_decision_date",
        "placement_order_date",
        "matched_date",
        "placed_for_adoption_date",
        "adoption_order_date",
    ),
}

ORDER_RULES: tuple[Order, ...] = (
    # Care, and entry to care before adoption, cannot start before birth (SSDA903: DOB after the
    # start of the period of care). The record cannot be placed: rejected.
    Order(
        "annex_a.list_8", "date_of_birth", "cla_start_date", "reject", "care starts before birth"
    ),
    Order(
        "annex_a.list_10",
        "date_of_birth",
        "entered_care_date",
        "reject",
        "care starts before birth",
    ),
    *(
        Order(
            f"annex_a.{list_id}",
            "date_of_birth",
            column,
            "flag",
            "more than 40 weeks before the date of birth",
            grace_days=PREGNANCY_DAYS,
        )
        for list_id, columns in _BEFORE_BIRTH_PREBIRTH.items()
        for column in columns
    ),
    *(
        Order(f"annex_a.{list_id}", "date_of_birth", column, "flag", "before the date of birth")
        for list_id, columns in _BEFORE_BIRTH_NEVER.items()
        for column in columns
    ),
    # An episode that ends before it starts cannot be placed in time (CIN census: closure before
    # start; SSDA903: ceased before started): rejected.
    Order(
        "annex_a.list_2",
        "assessment_start_date",
        "assessment_completion_date",
        "reject",
        "the assessment ends before it starts",
    ),
    Order(
        "annex_a.list_4",
        "assessment_start_date",
        "assessment_authorised_date",
        "reject",
        "the assessment is authorised before it starts",
    ),
    Order(
        "annex_a.list_5",
        "strategy_discussion_date",
        "icpc_date",
        "reject",
        "the conference is before the strategy discussion",
    ),
    Order(
        "annex_a.list_6",
        "cin_start_date",
        "cin_closure_date",
        "reject",
        "the episode closes before it starts",
    ),
    Order(
        "annex_a.list_7",
        "cp_plan_start_date",
        "cp_plan_end_date",
        "reject",
        "the plan ends before it starts",
    ),
    Order(
        "annex_a.list_8",
        "cla_start_date",
        "ceased_date",
        "reject",
        "care ends before it starts",
    ),
    # Events after the episode closed, or before it began: one value is wrong; flagged.
    Order(
        "annex_a.list_6",
        "last_seen_date",
        "cin_closure_date",
        "flag",
        "the child is seen after the episode closed",
        blame_earlier=True,
    ),
    *(
        Order(
            "annex_a.list_7",
            column,
            "cp_plan_end_date",
            "flag",
            f"{what} after the plan ended",
            blame_earlier=True,
        )
        for column, what in (("last_visit_date", "a visit"), ("latest_review_date", "a review"))
    ),
    *(
        Order(
            "annex_a.list_8",
            column,
            "ceased_date",
            "flag",
            f"{what} after care ended",
            blame_earlier=True,
        )
        for column, what in (
            ("last_visit_date", "a visit"),
            ("latest_review_date", "a review"),
            ("placement_start_date", "a placement starts"),
        )
    ),
    Order(
        "annex_a.list_8",
        "cla_start_date",
        "placement_start_date",
        "flag",
        "the most recent placement starts before the current period of care",
    ),
    # The voice and audit exports: a reply, a completion or a resolution before the record began.
    Order(
        "audit_actions",
        "raised_date",
        "completed_date",
        "flag",
        "completed before it was raised",
    ),
    Order(
        "complaints",
        "received_date",
        "responded_date",
        "flag",
        "answered before it was received",
    ),
    Order(
        "escalations",
        "raised_date",
        "resolved_date",
        "flag",
        "resolved before it was raised",
    ),
)

# The ages each list covers (Annex A: children, that is under 18, on Lists 1 to 8 and 10; care
# leavers aged 16 to 25 on List 9: relevant children of 16 and 17, former relevant young people
# to 21, and to 25 while they receive support). Age in completed years at the list's key date
# (at the extract date for List 9), from the date of birth, else the export's age column.
AGE_RANGES: dict[str, tuple[int, int]] = {
    **{f"list_{n}": (0, 17) for n in (1, 2, 3, 4, 5, 6, 7, 8, 10)},
    "list_9": (16, 25),
}

# Lists that hold one row per child (their care-leaver record, their adoption journey); a child
# listed twice there is flagged.
ONE_ROW_PER_CHILD = ("list_9", "list_10")

# Lists of episodes (start, end): a child may have several, one after another, but never two open
# at once (CIN census: overlapping CIN episodes or plans; SSDA903: one period of care at a time).
EPISODES = {
    "list_6": ("cin_start_date", "cin_closure_date"),
    "list_7": ("cp_plan_start_date", "cp_plan_end_date"),
    "list_8": ("cla_start_date", "ceased_date"),
}


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Finding:
    """One record a rule caught: where it is and why."""

    source: str  # "annex_a.list_8" or a source name
    row: int
    column: str  # canonical column
    value: str
    reason: str
    effect: str  # reject or flag


def _fmt(value) -> str:
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _words(column: str) -> str:
    return column.replace("_", " ")


def _order_findings(frame: pd.DataFrame, rule: Order) -> list[Finding]:
    if rule.earlier not in frame or rule.later not in frame:
        return []
    first, then = frame[rule.earlier], frame[rule.later]
    bad = (then < first - pd.Timedelta(days=rule.grace_days)).fillna(False).astype(bool)
    found = []
    for row in bad.index[bad.to_numpy()]:
        if rule.blame_earlier:
            column, value = rule.earlier, first[row]
            why = f"{_words(rule.earlier)} {_fmt(value)} is after {_words(rule.later)} {_fmt(then[row])}"
        else:
            column, value = rule.later, then[row]
            why = f"{_words(rule.later)} {_fmt(value)} is before {_words(rule.earlier)} {_fmt(first[row])}"
        if rule.grace_days:
            why += f" by more than {rule.grace_days} days"
        found.append(
            Finding(rule.source, int(row), column, _fmt(value), f"{rule.what}: {why}", rule.effect)
        )
    return found


def _completed_years(born: pd.Series, at: pd.Series | pd.Timestamp) -> pd.Series:
    at = at if isinstance(at, pd.Series) else pd.Series(at, index=born.index)
    years = at.dt.year - born.dt.year
    before_birthday = (at.dt.month < born.dt.month) | (
        (at.dt.month == born.dt.month) & (at.dt.day < born.dt.day)
    )
    return (years - before_birthday.astype(int)).where(born.notna() & at.notna())


def _age_findings(
    list_id: str, frame: pd.DataFrame, *, key_date: str | None, extract_date: pd.Timestamp
) -> list[Finding]:
    """Ages outside the list's range. From the date of birth: the age at the key date (List 9:
    at the extract date). Where there is no date of birth, the exported age is taken as the age at
    the extract date, and flagged only when it is outside the range whatever the key date (so the
    years between the key date and the extract are allowed for)."""
    if list_id not in AGE_RANGES or not len(frame):
        return []
    low, high = AGE_RANGES[list_id]
    dated = bool(key_date and key_date in frame and list_id != "list_9")
    at = frame[key_date] if dated else pd.Series(extract_date, index=frame.index)
    when = f"at the {key_date.replace('_', ' ')}" if dated else "at the extract date"
    # A negative age (an event before birth) is judged by the before-birth rules, except on
    # List 9, which has none.
    floor = low if list_id == "list_9" else 0
    found = []
    if "date_of_birth" in frame:
        age = _completed_years(frame["date_of_birth"], at)
        below = (age < floor) if list_id == "list_9" else (age >= 0) & (age < floor)
        outside = (below | (age > high)).fillna(False).astype(bool)
        rows = outside.index[outside.to_numpy()]
        births = frame.loc[rows, "date_of_birth"].dt.strftime("%d/%m/%Y")
        found += [  # built column-wise: a large authority has tens of thousands of these
            Finding(
                f"annex_a.{list_id}",
                int(row),
                "date_of_birth",
                born,
                f"aged {int(years)} {when}: outside the list's ages ({low} to {high})",
                "flag",
            )
            for row, born, years in zip(rows, births, age.loc[rows], strict=True)
        ]
        no_birth = frame["date_of_birth"].isna()
    else:
        no_birth = pd.Series(True, index=frame.index)
    if "age" in frame:
        exported = frame["age"].where(no_birth)
        years_since = np.ceil((extract_date - at).dt.days / 365.25) if dated else 0
        outside = ((exported < floor) | (exported - years_since > high)).fillna(False).astype(bool)
        for row in outside.index[outside.to_numpy()]:
            found.append(
                Finding(
                    f"annex_a.{list_id}",
                    int(row),
                    "age",
                    _fmt(exported[row]),
                    f"exported age {_fmt(exported[row])} with no date of birth: outside the "
                    f"list's ages ({low} to {high}) {when}",
                    "flag",
                )
            )
    return found


def _duplicate_findings(list_id: str, frame: pd.DataFrame) -> list[Finding]:
    """The same values twice (every column equal): later copies flagged (two contacts about one
    child on one day from one source can both be real). A child listed more than once in a list
    of one row per child: every row after the first flagged."""
    if not len(frame):
        return []
    found = []
    rows = pd.Series(frame.index, index=frame.index)
    # Rows alike in every column are alike in their dates and numbers: compare every column only
    # among the rows alike in those (a large authority's lists hold a million rows).
    maybe = _candidates(frame)
    alike = frame[maybe]
    copies = pd.Series(False, index=frame.index)
    copies[maybe] = alike.duplicated(keep="first").to_numpy()
    if copies.any():
        key = pd.util.hash_pandas_object(alike, index=False)
        first = rows[alike.index].groupby(key.to_numpy()).transform("min")
        for row in copies.index[copies.to_numpy()]:
            found.append(
                Finding(
                    f"annex_a.{list_id}",
                    int(row),
                    "child_id" if "child_id" in frame else frame.columns[0],
                    _fmt(frame.iloc[:, 0][row]),
                    f"the same values as row {first[row]} (exported twice, or two records alike?)",
                    "flag",
                )
            )
    if list_id in ONE_ROW_PER_CHILD and "child_id" in frame:
        ids = frame.loc[~copies, "child_id"]
        again = ids.duplicated(keep="first") & ids.notna()
        first = rows[ids.index].groupby(ids.fillna("").to_numpy()).transform("min")
        for row in again.index[again.to_numpy()]:
            found.append(
                Finding(
                    f"annex_a.{list_id}",
                    int(row),
                    "child_id",
                    _fmt(ids[row]),
                    f"the child is listed again (first at row {first[row]}); the list holds one "
                    "row per child",
                    "flag",
                )
            )
    return found


def _candidates(frame: pd.DataFrame) -> np.ndarray:
    """Rows that may have a copy: alike in the dates and numbers (cheap to compare), which two
    rows alike in every column must be. Every row when there are no such columns."""
    cheap = [c for c, d in frame.dtypes.items() if isinstance(d, np.dtype) and d.kind in "Mmfiub"]
    if not cheap or len(cheap) == len(frame.columns):
        return np.ones(len(frame), dtype=bool)
    return frame[cheap].duplicated(keep=False).to_numpy()


_OPEN = pd.Timestamp("2200-01-01")  # an episode with no end: open beyond any date in an export


def _overlap_findings(list_id: str, frame: pd.DataFrame) -> list[Finding]:
    """A child's episode that starts before their earlier episode on the list has ended."""
    if list_id not in EPISODES or not len(frame) or "child_id" not in frame:
        return []
    start, end = EPISODES[list_id]
    if start not in frame or end not in frame:
        return []
    part = frame[[start, end, "child_id"]].dropna(subset=[start, "child_id"])
    part = part.assign(_row=part.index).sort_values(["child_id", start, "_row"], kind="stable")
    child = pd.factorize(part["child_id"])[0]  # grouped by number: cheaper than by text
    open_until = part[end].fillna(_OPEN).groupby(child).cummax()
    earlier_end = open_until.groupby(child).shift(1)
    earlier_row = part["_row"].groupby(child).shift(1)
    clash = (part[start] < earlier_end).fillna(False).astype(bool).to_numpy()
    # Built column-wise: a large authority has tens of thousands of these.
    rows = part.index[clash]
    starts = part[start].to_numpy()[clash]
    shown = pd.Series(starts).dt.strftime("%d/%m/%Y").fillna("")  # starts are never blank here
    earlier = earlier_row.to_numpy()[clash]
    return [
        Finding(
            f"annex_a.{list_id}",
            int(row),
            start,
            when,
            f"a second episode for the child starts ({when}) while an earlier one is open "
            f"(row {int(before)} on)",
            "flag",
        )
        for row, when, before in zip(rows, shown, earlier, strict=True)
    ]


def find_problems(
    frames: dict[str, pd.DataFrame],
    lists: dict[str, pd.DataFrame],
    *,
    key_dates: dict[str, str],
    extract_date: pd.Timestamp,
) -> list[Finding]:
    """Every record the declared rules catch, in source and row order.

    Args:
        frames: the loaded sources (``audits``, ``complaints``, ...).
        lists: the loaded Annex A lists (``list_1`` ... ``list_11``).
        key_dates: the key date of each Annex A list (``list_8`` -> ``cla_start_date``).
        extract_date: the age of a care leaver is taken at it.

    Returns:
        One :class:`Finding` per record and rule (a record may break several rules).
    """
    found: list[Finding] = []
    for rule in ORDER_RULES:
        if rule.source.startswith("annex_a."):
            frame = lists.get(rule.source.split(".", 1)[1])
        else:
            frame = frames.get(rule.source)
        if frame is not None and len(frame):
            found += _order_findings(frame, rule)
    for list_id, frame in lists.items():
        found += _age_findings(
            list_id, frame, key_date=key_dates.get(list_id), extract_date=extract_date
        )
        found += _duplicate_findings(list_id, frame)
        found += _overlap_findings(list_id, frame)
    return found


# ----------------------------------------------------------------------------- applying them


@dataclass
class Applied:
    """The frames after the checks, and what the checks reported."""

    frames: dict[str, pd.DataFrame]
    lists: dict[str, pd.DataFrame]
    flags: dict[str, list[Problem]]  # source -> rows used but flagged
    rejected_rows: list[pd.DataFrame]  # rows removed, with source, list, file and reason


def _where(source: str, frame: pd.DataFrame, report: SourceReport) -> tuple[str, dict[str, str]]:
    """The file label and the export header of each canonical column, for a problem's report."""
    if source.startswith("annex_a."):
        list_id = source.split(".", 1)[1]
        prefix = f"{list_id}."
        headers = {
            k[len(prefix) :]: v for k, v in report.columns_found.items() if k.startswith(prefix)
        }
        return frame.attrs.get("source_label", list_id), headers
    label = Path(report.files[0]).name if report.files else source
    return frame.attrs.get("source_label", label), dict(report.columns_found)


def apply_checks(
    frames: dict[str, pd.DataFrame],
    lists: dict[str, pd.DataFrame],
    reports: dict[str, SourceReport],
    *,
    key_dates: dict[str, str],
    extract_date: pd.Timestamp,
) -> Applied:
    """Run :func:`find_problems`, remove rejected rows and account for every row caught.

    A rejected row is removed from its frame, counted in its source's ``rows_rejected`` (and out of
    ``rows_accepted``) and reported in its ``rejections``; a flagged row stays and is returned in
    ``flags``. A row both rejected and flagged is reported once, as rejected. The inputs are not
    modified except the source reports, whose counts and rejections are updated.
    """
    found = find_problems(frames, lists, key_dates=key_dates, extract_date=extract_date)
    frames, lists = dict(frames), dict(lists)
    flags: dict[str, list[Problem]] = {}
    removed: list[pd.DataFrame] = []
    by_source: dict[str, list[Finding]] = {}
    for f in found:
        by_source.setdefault(f.source, []).append(f)
    for source, items in by_source.items():
        is_list = source.startswith("annex_a.")
        name = "annex_a" if is_list else source
        key = source.split(".", 1)[1] if is_list else source
        frame = lists[key] if is_list else frames[key]
        report = reports.get(name) or SourceReport(name)
        label, headers = _where(source, frame, report)
        rejected_rows: dict[int, str] = {}
        for f in items:
            if f.effect == "reject" and f.row not in rejected_rows:
                rejected_rows[f.row] = f"{f.column}: {f.reason}"
                problem = Problem(label, f.row, headers.get(f.column, f.column), f.value, f.reason)
                report.rejections.append(problem)
        for f in items:
            if f.effect == "flag" and f.row not in rejected_rows:
                problem = Problem(label, f.row, headers.get(f.column, f.column), f.value, f.reason)
                flags.setdefault(name, []).append(problem)
        if rejected_rows:
            rows = list(rejected_rows)
            gone = frame.loc[rows].copy()
            gone.insert(0, "reason", [rejected_rows[r] for r in rows])
            gone.insert(0, "file", label)
            if is_list:
                gone.insert(0, "list", key)
            gone.insert(0, "source", name)
            removed.append(gone.reset_index(drop=True))
            kept = frame.drop(index=rows)
            kept.attrs = dict(frame.attrs)
            if is_list:
                lists[key] = kept
            else:
                frames[key] = kept
            report.rows_rejected += len(rows)
            report.rows_accepted -= len(rows)
    return Applied(frames, lists, flags, removed)
