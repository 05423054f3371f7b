"""The learning loop's measures: what audit actions and complaint learning are about, how well the
action tracker is kept, what distinguished good practice, and family feedback taken at audit.

Themes of learning come from a small, transparent keyword map in the configuration
(``learning.themes``: theme -> label and keywords, editable by the authority; no model is
trained). A text takes the first theme, in the configured order, one of whose keywords begins a
word in it, ignoring case and the kind of apostrophe ("record" finds "recorded"); a text matching
none is ``other``; a blank text is not counted.

Definitions:

- *Actions by theme*: audit actions raised in the period, and actions open at the period end
  (raised by then and not completed by then), by the theme of their words.
- *The stale tracker*: actions open at the period end that were raised more than
  ``learning.stale_action_days`` days before it.
- *Complaint learning by theme*: complaints received in the period with learning recorded, by the
  theme of the learning's words.
- *What distinguished good practice*: for each domain, the share graded good or better among the
  period's audits graded good or better overall, against the same share among the other audits
  (those graded below good overall); the difference is in percentage points.
- *Family feedback at audit*: the period's audits by whether the family's views were obtained,
  declined or not possible, or not recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from ..config import Config
from ..periods import Period
from ..sources import Evidence
from .actions import action_status
from .audits.base import _domain_labels, audits_in_period

OTHER = "other"
OTHER_LABEL = "Other (no theme's words found)"
#: The family-feedback outcomes at audit, in the order shown, with a blank as "not recorded".
FEEDBACK_OUTCOMES = {
    "obtained": "Family's views obtained",
    "declined": "Family declined",
    "not_possible": "Not possible to ask",
    "not_recorded": "Not recorded",
}
#: Each measure's columns (an empty frame of a source not supplied has them too).
COLUMNS = {
    "action_themes": ["theme_id", "theme", "raised", "open_at_end", "stale"],
    "complaint_learning_themes": ["theme_id", "theme", "complaints", "of"],
    "good_practice_domains": [
        "domain",
        "good_audits",
        "good_audits_good",
        "good_pct",
        "other_audits",
        "other_audits_good",
        "other_pct",
        "difference_points",
    ],
    "family_feedback": ["outcome", "audits", "of"],
    "family_feedback_by_service": ["service", "audits", "obtained", "obtained_pct"],
}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@cache
def _pattern(keywords: tuple[str, ...]) -> re.Pattern | None:
    """One pattern finding any of a theme's keywords at the start of a word (None: no keyword)."""
    if not keywords:
        return None
    words = "|".join(re.escape(k.translate(_APOSTROPHES).lower()) for k in keywords)
    return re.compile(rf"(?<!\w)(?:{words})")


def theme_of(text: object, config: Config) -> str | None:
    """The learning theme of one text (``other`` when no theme's keyword is found; None when
    blank)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    words = str(text).translate(_APOSTROPHES).lower()
    if not words.strip():
        return None
    for theme_id, theme in config.learning.themes.items():
        pattern = _pattern(tuple(theme.keywords))
        if pattern is not None and pattern.search(words):
            return theme_id
    return OTHER


def theme_labels(config: Config) -> dict[str, str]:
    """Each learning theme's label, in the configured order, then ``other``."""
    return {**{t: v.label for t, v in config.learning.themes.items()}, OTHER: OTHER_LABEL}


def themed(texts: pd.Series, config: Config) -> pd.Series:
    """Each text's learning theme (None for a blank text); index kept."""
    if not len(texts):
        return texts.astype(object)
    seen: dict[str, str | None] = {}  # actions and learning repeat their words: each read once

    def theme(text: object) -> str | None:
        if not isinstance(text, str):
            return theme_of(text, config)
        if text not in seen:
            seen[text] = theme_of(text, config)
        return seen[text]

    return texts.map(theme)


def _by_theme(columns: dict[str, pd.Series], config: Config) -> pd.DataFrame:
    """Counts of themes, one column per series of theme ids; themes with no count left out."""
    labels = theme_labels(config)
    frame = pd.DataFrame(
        {
            "theme": list(labels.values()),
            **{name: [int((s == t).sum()) for t in labels] for name, s in columns.items()},
        },
        index=list(labels),
    )
    counts = frame[list(columns)]
    return frame[counts.sum(axis=1) > 0].reset_index(names="theme_id")


def action_themes(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Audit actions by the theme of their words: raised in the period, open at its end.

    Returns:
        ``theme_id``, ``theme``, ``raised`` (actions raised in the period), ``open_at_end``
        (actions open at the period end) and ``stale`` (of those, raised more than
        ``learning.stale_action_days`` before the end); one row per theme with any count, in
        the configured order. Empty when the actions have no words (no ``action`` column).
    """
    config = evidence.config
    actions = evidence.audit_actions
    if "action" not in actions or not actions["action"].notna().any():
        return pd.DataFrame(columns=COLUMNS["action_themes"])
    status = action_status(evidence, period)
    theme = themed(status["action"], config)
    raised = period.contains(status["raised_date"])
    stale = _is_stale(status, period, config)
    return _by_theme(
        {
            "raised": theme.where(raised),
            "open_at_end": theme.where(status["is_open_at_end"]),
            "stale": theme.where(stale),
        },
        config,
    )


def _is_stale(status: pd.DataFrame, period: Period, config: Config) -> pd.Series:
    age = (period.end.normalize() - status["raised_date"]).dt.days
    return status["is_open_at_end"] & (age > config.learning.stale_action_days)


@dataclass(frozen=True)
class Tracker:
    """How well the action tracker is kept at the period end.

    Attributes:
        open: actions open at the period end.
        stale: of those, raised more than ``stale_days`` days before the end.
        stale_days: the configured ``learning.stale_action_days``.
        oldest_raised: the date the oldest open action was raised (None when none is open).
        oldest_days: days from then to the period end.
        stale_teams: teams holding stale actions, most first (team, count).
    """

    open: int
    stale: int
    stale_days: int
    oldest_raised: pd.Timestamp | None
    oldest_days: int | None
    stale_teams: tuple[tuple[str, int], ...] = ()


def tracker(evidence: Evidence, period: Period) -> Tracker:
    """The open and stale actions at the period end, the oldest, and the teams holding stale
    ones (see the module's definitions)."""
    config = evidence.config
    days = config.learning.stale_action_days
    if not len(evidence.audit_actions):
        return Tracker(0, 0, days, None, None)
    status = action_status(evidence, period)
    is_open = status[status["is_open_at_end"]]
    stale = status[_is_stale(status, period, config)]
    oldest = is_open["raised_date"].min() if len(is_open) else None
    teams = stale["team"].value_counts()
    teams = sorted(teams.items(), key=lambda kv: (-kv[1], kv[0]))
    return Tracker(
        open=len(is_open),
        stale=len(stale),
        stale_days=days,
        oldest_raised=oldest,
        oldest_days=int((period.end.normalize() - oldest).days) if oldest is not None else None,
        stale_teams=tuple((str(t), int(n)) for t, n in teams),
    )


def complaint_learning_themes(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Complaints received in the period with learning recorded, by the theme of the learning.

    Returns:
        ``theme_id``, ``theme``, ``complaints`` (with learning of that theme) and ``of`` (every
        complaint of the period with learning recorded), in the configured order.
    """
    complaints = evidence.complaints
    columns = COLUMNS["complaint_learning_themes"]
    if not len(complaints) or "learning" not in complaints:
        return pd.DataFrame(columns=columns)
    chosen = complaints[
        (complaints["record_type"] == "complaint") & period.contains(complaints["received_date"])
    ]
    theme = themed(chosen["learning"], evidence.config)
    out = _by_theme({"complaints": theme}, evidence.config)
    return out.assign(of=int(theme.notna().sum()))[columns]


def good_practice_domains(evidence: Evidence, period: Period) -> pd.DataFrame:
    """What distinguished the period's good practice, domain by domain.

    Returns:
        Per configured domain: ``domain``; ``good_audits`` (audits graded good or better overall
        that graded the domain) and ``good_audits_good`` (of those, the domain good or better);
        ``other_audits`` and ``other_audits_good`` the same for the audits graded below good
        overall; ``good_pct`` and ``other_pct`` the shares (fractions; None with no audits); and
        ``difference_points`` (percentage points, good minus other). Sorted by the difference,
        largest first; domains no audit graded are left out.
    """
    config = evidence.config
    columns = COLUMNS["good_practice_domains"]
    audits = audits_in_period(evidence, period)
    if not len(audits):
        return pd.DataFrame(columns=columns)
    good_overall = audits["overall_grade"].isin(config.grades.good_or_better)
    labels = _domain_labels(config)
    rows = []
    for domain in config.domain_ids:
        if domain not in audits:
            continue
        graded = audits[domain].notna()
        good = audits[domain].isin(config.grades.good_or_better)
        k1, n1 = int((good & good_overall).sum()), int((graded & good_overall).sum())
        k0, n0 = int((good & ~good_overall).sum()), int((graded & ~good_overall).sum())
        if n1 + n0 == 0:
            continue
        p1, p0 = (k1 / n1 if n1 else None), (k0 / n0 if n0 else None)
        rows.append(
            {
                "domain": labels[domain],
                "good_audits": n1,
                "good_audits_good": k1,
                "good_pct": p1,
                "other_audits": n0,
                "other_audits_good": k0,
                "other_pct": p0,
                "difference_points": (
                    round(100 * (p1 - p0)) if p1 is not None and p0 is not None else None
                ),
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(
        "difference_points", ascending=False, kind="stable", na_position="last"
    ).reset_index(drop=True)


def family_feedback(evidence: Evidence, period: Period) -> pd.DataFrame:
    """The period's audits by family feedback taken at audit.

    Returns:
        ``outcome`` (as a reader names it), ``audits`` and ``of`` (the period's audits), one row
        per outcome in :data:`FEEDBACK_OUTCOMES` order (blank: not recorded), outcomes with no
        audit left out. Empty when the period has no audits or the export has no such column.
    """
    audits = audits_in_period(evidence, period)
    columns = COLUMNS["family_feedback"]
    if not len(audits) or "family_feedback" not in audits:
        return pd.DataFrame(columns=columns)
    outcome = audits["family_feedback"].astype(object).where(audits["family_feedback"].notna())
    outcome = outcome.fillna("not_recorded")
    rows = [
        {"outcome": label, "audits": int((outcome == key).sum()), "of": len(audits)}
        for key, label in FEEDBACK_OUTCOMES.items()
    ]
    return pd.DataFrame([r for r in rows if r["audits"]], columns=columns)


def family_feedback_by_service(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Family feedback obtained at audit, by service: ``service``, ``audits``, ``obtained``,
    ``obtained_pct`` (a fraction), most audits first."""
    audits = audits_in_period(evidence, period)
    columns = COLUMNS["family_feedback_by_service"]
    if not len(audits) or "family_feedback" not in audits:
        return pd.DataFrame(columns=columns)
    obtained = (audits["family_feedback"] == "obtained").fillna(False).astype(bool)
    grouped = obtained.groupby(audits["service"].fillna("not recorded"), sort=True)
    out = pd.DataFrame(
        {"audits": grouped.size(), "obtained": grouped.sum().astype("int64")}
    ).reset_index(names="service")
    out["obtained_pct"] = out["obtained"] / out["audits"]
    return out.sort_values(["audits", "service"], ascending=[False, True]).reset_index(drop=True)[
        columns
    ]
