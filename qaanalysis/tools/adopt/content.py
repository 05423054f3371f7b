"""Recognising a column by its values, where its header says nothing ("Who", "Answer", "Issue Type").

A column is proposed for a canonical column when its values are that column's vocabulary:

- a closed vocabulary (respondent, complainant, stage, outcome, cohort, ...): every distinct label
  is one the reader accepts or a known variant (``Who`` holding Child, Young person, Parent, Carer
  is the feedback respondent);
- yes / no answers (consent to quote, advocate used, ...);
- scores on the configured feedback scale (``thresholds.feedback_scale``, 1 to 5 by default);
- the codes the theme map names (complaint and escalation categories, feedback questions, KPI ids):
  at least two labels, and at least half of them, are such codes or share their meaningful words.

A proposal needs both sides to be unique: the only unmatched canonical column that the values fit,
and the only unused column whose values fit it. Two yes / no columns and two unmatched yes / no
settings (advocate, extended) are left to the person, never guessed.
"""

from __future__ import annotations

import functools

from ...config import default_settings
from ...sources.hints import GUESS_VALUE_SYNONYMS, value_options
from ...sources.reader import as_code, normalise_label
from ...sources.schema import Column
from .tables import _THEMED_CODES, _default_grades, _Profile, _Table
from .themes import _known_codes, _propose_code

CONTENT_STRENGTH = 0.7  # below a header synonym (1.0), above the weakest header match (0.6)
_MIN_LABELS = 2  # one repeated label says nothing about a vocabulary
_SHOWN = 6  # labels quoted in the evidence


@functools.lru_cache(maxsize=1)
def _defaults() -> dict:
    return default_settings()


def _shown(labels) -> str:
    labels = sorted(labels, key=str.lower)
    more = len(labels) - _SHOWN
    return ", ".join(labels[:_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _fits_vocabulary(column: Column, profile: _Profile) -> str | None:
    """Evidence that every distinct label is one of a closed vocabulary's values, else None."""
    labels = profile.labels
    if not labels or len(labels) < _MIN_LABELS:
        return None
    norms = {normalise_label(v) for v in labels}
    if all(n.replace(" ", "").isdigit() for n in norms):
        return None  # counts and scores are not categories, even where 1, 2 and 3 are stages
    options = set(value_options(column, _default_grades()))
    options |= {normalise_label(k) for k in GUESS_VALUE_SYNONYMS.get(column.name, {})}
    if not norms <= options:
        return None
    if column.kind == "yesno":
        return f"its values are yes / no answers ({_shown(labels)})"
    return f"its values are all {column.name} labels ({_shown(labels)})"


def _fits_scale(profile: _Profile) -> str | None:
    """Evidence that every value is a whole number on the configured feedback scale, else None."""
    low, high = _defaults()["thresholds"]["feedback_scale"]
    labels = profile.labels
    if not labels or len(labels) < _MIN_LABELS:
        return None
    try:
        numbers = {float(v) for v in labels}
    except ValueError:
        return None
    if not all(n.is_integer() and low <= n <= high for n in numbers):
        return None
    return f"its values are whole numbers from {low:g} to {high:g}, the feedback scale"


def _fits_codes(key: str, profile: _Profile) -> str | None:
    """Evidence that enough labels are codes the theme map names under ``key``, else None."""
    labels = profile.labels
    if not labels or len(labels) < _MIN_LABELS or profile.date_share >= 0.5:
        return None
    if profile.number_share >= 0.5:
        return None
    known = _known_codes(key, _defaults())
    hits = [v for v in labels if as_code(v) in known or _propose_code(v, known)[0] is not None]
    if len(hits) < _MIN_LABELS or 2 * len(hits) < len(labels):
        return None
    what = key.replace("_", " ")
    return (
        f"{len(hits)} of its {len(labels)} labels are {what} the theme map names ({_shown(hits)})"
    )


def _evidence(source: str, column: Column, profile: _Profile) -> str | None:
    """Why a column's values say it holds ``column`` of ``source``, or None."""
    if column.kind in ("category", "yesno"):
        return _fits_vocabulary(column, profile)
    if source == "feedback" and column.name == "score":
        return _fits_scale(profile)
    key = _THEMED_CODES.get((source, column.name))
    if key is not None:
        return _fits_codes(key, profile)
    return None


def content_matches(
    table: _Table, columns: tuple[Column, ...], *, source: str, matched: dict[str, str]
) -> list[tuple[str, str, str]]:
    """Canonical columns with no header match that one unused column's values identify.

    Args:
        table: the table read from the export.
        columns: the source's canonical columns.
        source: the source being tried (``feedback``, ``escalations``, ...).
        matched: canonical name -> header, the header matches already made.

    Returns:
        ``(canonical name, header, evidence)`` for each proposal, in the order of ``columns``.
    """
    used = set(matched.values())
    fits: dict[str, dict[str, str]] = {}  # canonical -> header -> evidence
    for column in columns:
        if column.name in matched:
            continue
        for header, profile in table.profiles.items():
            if header in used:
                continue
            evidence = _evidence(source, column, profile)
            if evidence:
                fits.setdefault(column.name, {})[header] = evidence
    by_header: dict[str, list[str]] = {}
    for name, headers in fits.items():
        for header in headers:
            by_header.setdefault(header, []).append(name)
    found = []
    for column in columns:
        headers = fits.get(column.name, {})
        if len(headers) != 1:
            continue
        header, evidence = next(iter(headers.items()))
        if by_header[header] == [column.name]:
            found.append((column.name, header, evidence))
    return found
