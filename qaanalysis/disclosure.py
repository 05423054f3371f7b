"""Audience rules: what each audience may see (METHODS.md, disclosure control).

- ``internal``: everything, including child-level rows and pseudonymous identifiers.
- ``leadership``: no identifiers and no child-level rows; aggregate tables and figures only.
- ``public``: as leadership, and counts of 1 to 5 shown as ``c`` with secondary suppression, as the
  Department for Education does; percentages built on a suppressed count are suppressed too.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .config import Suppression
from .figures import Figure, with_suppression

AUDIENCES = ("internal", "leadership", "public")

# Canonical columns that identify a person or a record about a person.
IDENTIFIER_COLUMNS = frozenset({
    "child_id", "practitioner_id", "auditor_id", "audit_id", "action_id", "record_id",
    "response_id", "alert_id", "family_id", "adopter_id", "worker",
})  # fmt: skip


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise ValueError(f"audience {audience!r} is not one of {', '.join(AUDIENCES)}")
    return audience


def shows_identifiers(audience: str) -> bool:
    """Only the internal audience sees identifiers and child-level rows."""
    return check_audience(audience) == "internal"


def is_small(value, rule: Suppression) -> bool:
    """Whether a count falls in the suppressed range (1 to 5 by default; zero is shown)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return not np.isnan(number) and rule.min_count <= number <= rule.max_count


def suppress_figure(figure: Figure, rule: Suppression) -> Figure:
    """Withhold a Figure whose count, denominator or complement is small."""
    if figure.unit == "percent":
        k, n = figure.numerator, figure.denominator
        small = any(is_small(x, rule) for x in (k, n, None if k is None or n is None else n - k))
    elif figure.unit == "count":
        small = is_small(figure.value, rule)
    else:
        small = False
    return with_suppression(figure, small)


def suppress_table(
    frame: pd.DataFrame,
    *,
    count_columns: list[str],
    rule: Suppression,
    percent_of: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Primary and secondary suppression of a table of counts.

    Primary: every count from ``rule.min_count`` to ``rule.max_count`` becomes ``rule.symbol``.
    Secondary: where a row has exactly one suppressed count among ``count_columns``, the next
    smallest count in that row is suppressed too, so the hidden count cannot be recovered from a
    row total; the same is done down each column. ``percent_of`` maps a percentage column to the
    count column it is built on; it is suppressed wherever that count is.
    """
    counts = frame[count_columns].apply(pd.to_numeric, errors="coerce")
    hidden = counts.map(lambda v: is_small(v, rule))
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            lines = hidden.iterrows() if axis == 1 else hidden.items()
            for key, line in lines:
                if line.sum() != 1 or len(line) < 2:
                    continue
                values = counts.loc[key] if axis == 1 else counts[key]
                candidates = values[~line & values.notna() & (values > 0)]
                if candidates.empty:
                    continue
                target = candidates.idxmin()
                if axis == 1:
                    hidden.loc[key, target] = True
                else:
                    hidden.loc[target, key] = True
                changed = True
    out = frame.copy()
    for column in count_columns:
        out[column] = out[column].astype(object).where(~hidden[column], rule.symbol)
    for percent_column, count_column in (percent_of or {}).items():
        out[percent_column] = (
            out[percent_column].astype(object).where(~hidden[count_column], rule.symbol)
        )
    return out


def drop_identifiers(frame: pd.DataFrame) -> pd.DataFrame:
    """The table without identifier columns."""
    return frame.drop(columns=[c for c in frame.columns if c in IDENTIFIER_COLUMNS])


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)(\+44\s?|0)(\d[\s-]?){9,10}(?!\w)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b(\s+\d{4})?",
    re.IGNORECASE,
)
REMOVED = "[removed]"


def scrub_quote(text: str, *, identifiers: frozenset[str] | set[str] = frozenset()) -> str:
    """A quote with email addresses, phone numbers, postcodes, dates and known ids removed.

    Args:
        text: the free-text comment.
        identifiers: every child, practitioner and record id found in the inputs; any that appears
            in the text as a whole word is removed.

    Examples:
        >>> scrub_quote("Ring me on 07700 900123 or a@b.org", identifiers={"C000123"})
        'Ring me on [removed] or [removed]'
    """
    out = _EMAIL.sub(REMOVED, text)
    out = _PHONE.sub(REMOVED, out)
    out = _POSTCODE.sub(REMOVED, out)
    out = _DATE.sub(REMOVED, out)
    if identifiers:
        words = set(re.findall(r"[A-Za-z0-9_-]+", out))
        # Ids shorter than four characters (Annex A integer ids) would strike ordinary numbers.
        for ident in words & {i for i in identifiers if len(i) >= 4}:
            out = re.sub(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", REMOVED, out)
    return out
