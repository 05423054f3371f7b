"""The learning loop in words: what we said last time and what happened, the year-end positions,
what audit actions and complaint learning are about, the action tracker, what distinguished good
practice, family feedback at audit, and the QA lead's own words (or a marked slot to fill).

Written from computed frames and Figures (``measures/learning``, the history's rows as the
sections layer read them); nothing here reads a file or the evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from ..figures import Figure, format_percent, format_value
from . import check_honesty, cite, movement_words

if TYPE_CHECKING:
    from ..measures.learning import Tracker
    from .report import KeyMessage

# What the previous report is called, by report.
LAST = {"quarterly": "last quarter", "monthly": "last month", "annual": "last year"}
THIS = {"quarterly": "this quarter", "monthly": "this month", "annual": "this year"}
KIND_WORDS = {"key_message": "Key message", "recommendation": "Recommendation"}
# The Figures of one message followed up (the first it cites, statistics left out).
FOLLOW_UP_MOST = 3

#: The QA lead's own words: slot -> (heading, what to write). Read from the narrative inputs file.
SLOTS = {
    "auditors_findings": (
        "Auditors' findings",
        "the practice themes auditors found, in their own words: what was strong, what was "
        "missing, and what they asked teams to do",
    ),
    "make_a_difference": (
        "Make a Difference stories",
        "one or two short stories of practice that made a difference for a child or family, "
        "told without names",
    ),
    "observations": (
        "Observations of practice",
        "what was seen in observed visits, meetings and supervision",
    ),
    "multi_agency_learning": (
        "Multi-agency learning",
        "learning from multi-agency audits, reviews and partnership meetings",
    ),
}

# The slots each report shows (the monthly clinic: the month's audits and observations only).
QUARTERLY_SLOTS = tuple(SLOTS)
MONTHLY_SLOTS = ("auditors_findings", "observations")


def _with_capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------ what we said last time


def follow_up_table(
    messages: pd.DataFrame,
    then: pd.DataFrame,
    figures: Mapping[str, Figure],
    *,
    previous_period: str,
) -> pd.DataFrame:
    """Each message of the previous run beside the measures it cited, then and now.

    Args:
        messages: the previous run's messages (``history.messages_of``).
        then: the previous run's Figures (``history.figures_of``).
        figures: this pack's Figures by id.
        previous_period: the previous run's period code.

    Returns:
        One row per message and cited Figure (at most :data:`FOLLOW_UP_MOST` each; a message
        citing none has one row): ``kind``, ``rank``, ``said``, ``owner``, ``due``, ``figure_id``,
        ``measure``, ``then``, ``now`` and ``movement``.
    """
    stored = {row["figure_id"]: row for row in then.to_dict("records")}
    rows = []
    for m in messages.to_dict("records"):
        ids = [i for i in str(m.get("figure_ids") or "").split(", ") if i]
        ids = [  # a trend's statistic is for the methods appendix, not a measure then and now
            i
            for i in ids
            if "agreement" not in i and not i.endswith(".trend") and not i.startswith("kpi_trend.")
        ]
        base = {
            "kind": KIND_WORDS.get(m["kind"], m["kind"]),
            "rank": int(m["rank"]),
            "said": m["text"],
            "owner": m.get("owner") or "",
            "due": _due(m.get("due")),
        }
        if not ids:
            rows.append(
                {**base, "figure_id": "", "measure": "", "then": "", "now": "", "movement": ""}
            )
        for figure_id in ids[:FOLLOW_UP_MOST]:
            before, now = stored.get(figure_id), figures.get(figure_id)
            rows.append(
                {
                    **base,
                    "figure_id": figure_id,
                    "measure": (now.label if now is not None else (before or {}).get("label"))
                    or figure_id,
                    "then": (before or {}).get("text") or "not recorded then",
                    "now": format_value(now) if now is not None else "not in this pack",
                    "movement": _movement(now, previous_period) if now is not None else "",
                }
            )
    columns = ["kind", "rank", "said", "owner", "due", "figure_id", "measure", "then", "now"]
    return pd.DataFrame(rows, columns=[*columns, "movement"])


def _due(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return ""
    try:
        return _date(pd.Timestamp(value))
    except (TypeError, ValueError):
        return str(value)


def _date(day: pd.Timestamp) -> str:
    """A date as a reader writes it: 5 April 2023."""
    return f"{day.day} {day:%B %Y}"


def _and(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _movement(now: Figure, previous_period: str) -> str:
    """The movement since the previous period, when this Figure's own test compared the two."""
    comp = now.comparison or {}
    if comp.get("kind") == "previous_period" and comp.get("period") in (previous_period, None):
        return movement_words(now)
    return "not tested against then"


def follow_up_text(
    table: pd.DataFrame,
    figures: Mapping[str, Figure],
    *,
    report: str,
    previous_label: str,
    owner_slot: str,
    due_slot: str,
) -> str:
    """What we said last time and what happened: each message with its measures then and now."""
    if table.empty:
        return (
            f"The history holds the report for {previous_label}, but it recorded no key "
            "messages or recommendations to follow up."
        )
    blocks = [
        f"What we said {LAST[report]}, in the report for {previous_label}, and each measure it "
        f"rested on then and now. A change is called a rise or fall only where {THIS[report]}'s "
        "test on the two periods found one."
    ]
    shown: dict[tuple[str, ...], str] = {}  # the measures already given, and under which message
    for (kind, rank), part in table.groupby(["kind", "rank"], sort=False):
        first = part.iloc[0]
        owner = first["owner"] or owner_slot
        due = first["due"] or due_slot
        text = f"**{kind} {rank}.** {first['said']} Owner: {owner}. By: {due}."
        ids = tuple(i for i in part["figure_id"] if i)
        if ids and ids in shown:
            blocks.append(f"{text} Its measures now: as for {shown[ids]} above.")
            continue
        shown.setdefault(ids, f"{kind.lower()} {rank}")
        measures = []
        for row in part.to_dict("records"):
            if not row["figure_id"]:
                continue
            f = figures.get(row["figure_id"])
            now = cite(f) if f is not None else row["now"]
            move = f": {row['movement']}" if row["movement"] else ""
            measures.append(
                f"{_with_capital(row['measure'])}: {row['then']} then, {now} now{move}."
            )
        if measures:
            text += "\n\n*Its measures now.* " + " ".join(measures)
        blocks.append(text)
    return check_honesty("\n\n".join(blocks))


def no_previous_text(*, report: str, previous_label: str) -> str:
    """One line when the history holds no report of the previous period."""
    return (
        f"There is no report for {previous_label} in this authority's history, so nothing said "
        f"{LAST[report]} can be followed up here; the next report will follow up this one."
    )


# ------------------------------------------------------------------ year-end positions


def year_end_text(*, from_history: int, total: int, source_label: str | None, as_at: str) -> str:
    """Where the year-end positions come from."""
    if total == 0:
        return "No position KPI (children on a plan, in care, care leavers) is configured."
    if from_history == 0:
        return (
            "The history holds no report for the year's last quarter, so each year-end "
            "position is as far as this pack's later extract can rebuild it: the date each "
            "describes is given, or why it cannot be rebuilt."
        )
    rest = total - from_history
    text = (
        f"{from_history} of the {total} year-end positions {'is' if from_history == 1 else 'are'} "
        f"as the quarterly report for "
        f"{source_label} recorded them at {as_at}, read from the history"
    )
    if rest:
        text += (
            f"; the other {rest} were not recorded then, so are as this pack could rebuild "
            "them from a later extract, with the date each describes"
        )
    return text + "."


# ------------------------------------------------------------------ audit actions and the tracker


def _top(frame: pd.DataFrame, column: str, most: int = 3) -> str:
    chosen = frame[frame[column] > 0].sort_values(column, ascending=False, kind="stable")
    parts = [
        f"{r['theme'][:1].lower()}{r['theme'][1:]} ({r[column]:,})"
        for _, r in chosen.head(most).iterrows()
    ]
    return _and(parts)


def actions_text(themes: pd.DataFrame, tracker: Tracker, *, period_label: str) -> str:
    """What the period's audit actions were about, and whether the tracker is kept."""
    lines = []
    if themes.empty:
        lines.append(
            "The audit actions export gives no words for its actions, so they cannot be themed."
        )
    else:
        raised = int(themes["raised"].sum())
        if raised:
            lines.append(
                f"{raised:,} audit {'action was' if raised == 1 else 'actions were'} raised in "
                f"{period_label}; most were about {_top(themes, 'raised')}."
            )
        else:
            lines.append(f"No audit action was raised in {period_label}.")
    if tracker.open == 0:
        lines.append("No audit action was open at the period end.")
        return " ".join(lines)
    lines.append(
        f"At the period end {tracker.open:,} {'action was' if tracker.open == 1 else 'actions were'} "
        f"open, the oldest raised on {_date(tracker.oldest_raised)} ({tracker.oldest_days:,} "
        "days before)."
    )
    if tracker.stale:
        teams = _and([f"{t} ({n})" for t, n in tracker.stale_teams[:3]])
        held = f" Most sit with {teams}." if teams else ""
        about = f" They are mostly about {_top(themes, 'stale')}." if not themes.empty else ""
        lines.append(
            f"**The action tracker needs maintaining:** {tracker.stale:,} of the open actions "
            f"were raised more than {tracker.stale_days:,} days before the period end and are "
            "unlikely still to be live. Each should be closed with what was done, or re-dated "
            f"with a reason and an owner.{held}{about}"
        )
    else:
        lines.append(
            f"None was raised more than {tracker.stale_days:,} days before: the tracker is kept."
        )
    return " ".join(lines)


def complaint_learning_text(themes: pd.DataFrame, *, period_label: str) -> str:
    """What complaints taught us, by theme of the learning recorded."""
    if themes.empty:
        return f"No complaint received in {period_label} has learning recorded."
    total = int(themes["of"].iloc[0])
    return (
        f"Learning was recorded for {total:,} {'complaint' if total == 1 else 'complaints'} "
        f"received in {period_label}. What was learned was most often about "
        f"{_top(themes, 'complaints', most=4)}. The themes are found from the words recorded, "
        "by the keywords the authority set for each theme."
    )


# ------------------------------------------------------------------ good practice


def _share(k: int, n: int) -> str:
    return f"{format_percent(k / n)} ({k:,} of {n:,})" if n else "none"


def good_practice_text(
    domains: pd.DataFrame,
    by_theme: pd.DataFrame | None,
    figures: Mapping[str, Figure],
    *,
    period_label: str,
) -> str:
    """Good practice by domain and theme, and what distinguished it from the other audits."""
    overall = figures.get("audits.overall.good_or_better")
    if overall is None or not overall.denominator:
        return f"No audit was completed in {period_label}, so no good practice can be described."
    lines = [
        f"{cite(overall)} of the audits completed in {period_label} were graded good or better "
        "overall."
    ]
    compared = domains.dropna(subset=["difference_points"])
    if len(compared):
        parts = [
            f"{r['domain'][:1].lower()}{r['domain'][1:]}: good or better in "
            f"{_share(r['good_audits_good'], r['good_audits'])} of them, against "
            f"{_share(r['other_audits_good'], r['other_audits'])} of the other audits"
            for _, r in compared.head(2).iterrows()
        ]
        lines.append("What most distinguished them was " + "; then ".join(parts) + ".")
        closest = compared.iloc[-1]
        if len(compared) > 2:
            lines.append(
                f"The domain least different between them was "
                f"{closest['domain'][:1].lower()}{closest['domain'][1:]}, good or better in "
                f"{_share(closest['good_audits_good'], closest['good_audits'])} against "
                f"{_share(closest['other_audits_good'], closest['other_audits'])}: good "
                "practice there is not what sets the best work apart."
            )
    if by_theme is not None and len(by_theme) and "good_or_better_count" in by_theme:
        key = by_theme.columns[0]
        top = by_theme.sort_values("good_or_better_count", ascending=False).head(2)
        parts = [
            f"{str(r[key]).replace('_', ' ')}, where "
            f"{_share(int(r['good_or_better_count']), int(r['audits']))} were good or better"
            for _, r in top.iterrows()
            if r["good_or_better_count"]
        ]
        if parts:
            lines.append(
                "By audit theme, most good or better audits were in " + "; and ".join(parts) + "."
            )
    return check_honesty(" ".join(lines))


# ------------------------------------------------------------------ family feedback at audit


def family_feedback_text(
    outcomes: pd.DataFrame, by_service: pd.DataFrame, *, period_label: str
) -> str:
    """How often auditors took the family's views, and where."""
    if outcomes.empty:
        return f"No audit in {period_label} records whether the family's views were taken."
    total = int(outcomes["of"].iloc[0])
    counts = dict(zip(outcomes["outcome"], outcomes["audits"], strict=True))
    obtained = int(counts.get("Family's views obtained", 0))
    others = [
        f"{label.lower().replace('not possible to ask', 'it was not possible to ask')} at "
        f"{int(n):,}"
        for label, n in counts.items()
        if label != "Family's views obtained"
    ]
    text = (
        f"Auditors obtained the family's views in {_share(obtained, total)} of the audits "
        f"completed in {period_label}"
    )
    text += f" ({'; '.join(others)})." if others else "."
    known = by_service[by_service["audits"] > 0]
    if len(known) > 1:
        low = known.sort_values(["obtained_pct", "audits"], ascending=[True, False]).iloc[0]
        high = known.sort_values(["obtained_pct", "audits"], ascending=[False, False]).iloc[0]
        text += (
            f" By service it ranged from {_share(int(low['obtained']), int(low['audits']))} in "
            f"{low['service']} to {_share(int(high['obtained']), int(high['audits']))} in "
            f"{high['service']}. What families said is for the auditors' findings below."
        )
    return check_honesty(text)


# ------------------------------------------------------------------ the QA lead's own words


def slot_text(slot: str, text: str | None, *, period_label: str) -> str:
    """The QA lead's words for a slot, or a clearly marked slot to fill."""
    heading, what = SLOTS[slot]
    if text and text.strip():
        return text.strip()
    return (
        f"**[To add: {heading} for {period_label}: {what}. Write them in the narrative inputs "
        f"file for this period (see the guide for QA leads).]**"
    )


def edited_messages(messages: list[KeyMessage], edits: Mapping[int, Mapping[str, str]]) -> list:
    """The key messages with the QA lead's edits (by rank: text, meaning, action, owner, due)."""
    out = []
    for m in messages:
        fields = dict(edits.get(m.rank, {}))
        if fields.get("due"):
            fields["due"] = _due(fields["due"])  # 2026-12-31 -> 31 December 2026
        out.append(replace(m, **fields))
    return out
