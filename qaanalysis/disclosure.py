"""Audience rules: what each audience may see (METHODS.md, disclosure control).

- ``internal``: everything, including child-level rows and pseudonymous identifiers.
- ``leadership``: no identifiers and no child-level rows; aggregate tables and figures only.
- ``public``: as leadership, and counts of 1 to 5 shown as ``c`` with secondary suppression, as the
  Department for Education does; percentages built on a suppressed count are suppressed too.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .config import Suppression
from .figures import Figure, with_suppression

AUDIENCES = ("internal", "leadership", "public")

# Canonical columns that identify a person or a record about a person.
IDENTIFIER_COLUMNS = frozenset(
    {
        "child_id",
        "practitioner_id",
        "auditor_id",
        "audit_id",
        "action_id",
        "record_id",
        "response_id",
        "alert_id",
        "family_id",
        "adopter_id",
        "worker",
    }
)


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
    """Withhold a Figure resting on a small count, and any small count in its comparison.

    A Figure is withheld when its count (a count Figure's value), numerator, denominator or, for a
    share, the complement (denominator - numerator) is small: any of them would let a reader
    recover a small number. A comparison resting on small counts is dropped from a Figure that is
    otherwise shown.
    """
    k, n = figure.numerator, figure.denominator
    parts = [k, n, None if k is None or n is None else n - k]
    if figure.unit == "count":
        parts.append(figure.value)
    if any(is_small(x, rule) for x in parts):
        return with_suppression(figure, True)
    comp = figure.comparison or {}
    k0, n0 = comp.get("numerator"), comp.get("denominator")
    previous = [k0, n0, None if k0 is None or n0 is None else n0 - k0]
    if figure.unit == "count":
        previous.append(comp.get("value"))
    if any(is_small(x, rule) for x in previous):
        return replace(figure, comparison=None, direction="not_judged", significant=False)
    spans = {
        key: value
        for key, value in comp.items()
        if isinstance(value, dict) and {"numerator", "denominator"} <= set(value)
    }
    for key, span in spans.items():  # e.g. a trend's first and last quarters
        k1, n1 = span["numerator"], span["denominator"]
        if any(is_small(x, rule) for x in (k1, n1, None if k1 is None or n1 is None else n1 - k1)):
            comp = {k: v for k, v in comp.items() if k != key}
            figure = replace(figure, comparison=comp)
    others = comp.get("others")
    if figure.unit == "count" and others:  # further comparisons (e.g. the same period last year)
        kept = [o for o in others if not is_small(o.get("value"), rule)]
        if len(kept) != len(others):
            return replace(figure, comparison={**comp, "others": kept})
    return figure


def disclose_figures(figures: list[Figure], *, audience: str, rule: Suppression) -> list[Figure]:
    """The Figures as ``audience`` may see them (small counts withheld for the public)."""
    if check_audience(audience) != "public":
        return list(figures)
    return [suppress_figure(f, rule) for f in figures]


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
# UK numbers: 0 and 9 or 10 digits, or +44 with an optional (0), spaces, dashes and brackets between.
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s)-]*\d){8,9}(?!\d)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)
_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"  # 31/03/2025, 3-1-25
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"  # 2025-03-31, 2015-3-1
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}})?"  # 3rd of March 2015
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?",  # March 12, 2015
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[\w][\w/.-]*[\w]|\w")
REMOVED = "[removed]"
MAX_ID_WORDS = 4  # multi-word identifiers (a worker's name in an Annex A list) up to four words


def _identifier_spans(text: str, identifiers: set[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` that are a known identifier, ignoring case; longest match first."""
    tokens = list(_TOKEN.finditer(text))
    spans, i = [], 0
    while i < len(tokens):
        for width in range(min(MAX_ID_WORDS, len(tokens) - i), 0, -1):
            window = tokens[i : i + width]
            gaps = [text[a.end() : b.start()] for a, b in zip(window, window[1:], strict=False)]
            if any(g.strip() for g in gaps):
                continue
            candidate = " ".join(t.group() for t in window).lower()
            if candidate in identifiers:
                spans.append((window[0].start(), window[-1].end()))
                i += width
                break
        else:
            i += 1
    return spans


def _normalised(identifiers: frozenset[str] | set[str]) -> frozenset[str]:
    """The identifiers in lower case with single spaces, those of four characters or more."""
    return frozenset(" ".join(i.lower().split()) for i in identifiers if len(i.strip()) >= 4)


def _candidates(texts) -> set[str]:
    """Every run of up to :data:`MAX_ID_WORDS` words with nothing but white space between them,
    in lower case and joined by one space: what :func:`_identifier_spans` may look up."""
    found = set()
    for text in texts:
        tokens = list(_TOKEN.finditer(text))
        for i in range(len(tokens)):
            for width in range(1, min(MAX_ID_WORDS, len(tokens) - i) + 1):
                window = tokens[i : i + width]
                if width > 1 and text[window[-2].end() : window[-1].start()].strip():
                    break  # a wider window holds the same gap
                found.add(" ".join(t.group() for t in window).lower())
    return found


# What str.split() splits on among ASCII characters.
_ASCII_SPACE = "[\t\n\x0b\x0c\r \x1c\x1d\x1e\x1f]"


def _known_among(values: pd.Series, candidates: set[str]) -> frozenset[str]:
    """The normalised ids (as :func:`_normalised`) of ``values`` that are among ``candidates``.

    The ids that are one ASCII word (nearly all) are lowered and looked up column-wise; the rest
    are normalised one by one.
    """
    ids = pa.array(values.array).drop_null() if len(values) else pa.array([], pa.string())
    if not candidates or not len(ids):
        return frozenset()
    simple = pc.and_(
        pc.string_is_ascii(ids), pc.invert(pc.match_substring_regex(ids, _ASCII_SPACE))
    )
    lowered = pc.ascii_lower(ids.filter(simple))
    wanted = pa.array(sorted(candidates), type=lowered.type)
    hit = pc.and_(pc.greater_equal(pc.binary_length(lowered), 4), pc.is_in(lowered, wanted))
    found = set(lowered.filter(hit).to_pylist())
    rest = (i for i in ids.filter(pc.invert(simple)).to_pylist() if len(i.strip()) >= 4)
    found.update(n for n in (" ".join(i.lower().split()) for i in rest) if n in candidates)
    return frozenset(found)


def quote_scrubber(identifiers: frozenset[str] | set[str] | pd.Series = frozenset(), *, texts=()):
    """A scrubber for many quotes: the identifiers are normalised once (a large authority has
    over half a million), then each quote costs only its own words. See :func:`scrub_quote`.

    ``identifiers`` may also be the distinct ids as a column of pandas strings; then only those
    among the words of ``texts`` (the quotes to be scrubbed) are read, and a quote outside them
    has its own words looked up.
    """
    if isinstance(identifiers, pd.Series):
        known = set(_known_among(identifiers, _candidates(texts)))
        seen = set(texts)
    else:
        known, seen = _normalised(identifiers), None

    def scrub(text: str) -> str:
        out = text
        if seen is not None and text not in seen:
            known.update(_known_among(identifiers, _candidates([text])))
            seen.add(text)
        if known:
            for start, end in reversed(_identifier_spans(out, known)):
                out = out[:start] + REMOVED + out[end:]
        for pattern in (_EMAIL, _PHONE, _POSTCODE, _DATE):
            out = pattern.sub(REMOVED, out)
        return out

    return scrub


def scrub_quote(text: str, *, identifiers: frozenset[str] | set[str] = frozenset()) -> str:
    """A quote with email addresses, phone numbers, postcodes, dates and known ids removed.

    Args:
        text: the free-text comment.
        identifiers: every child, practitioner and record id (and worker name) found in the
            inputs. Any that appears in the text, in any case, is removed; ids shorter than four
            characters (Annex A integer ids) are ignored, as they would strike ordinary numbers.
            For many quotes, make one :func:`quote_scrubber` instead.

    Examples:
        >>> scrub_quote("Ring me on 07700 900123 or a@b.org", identifiers={"C000123"})
        'Ring me on [removed] or [removed]'
    """
    return quote_scrubber(identifiers)(text)


_SHARE_WITH_COUNT = re.compile(r"\d+(?:\.\d+)?% \((\d[\d,]*) of (\d[\d,]*)\)")
_K_OF_N = re.compile(r"\b(\d[\d,]*) of (\d[\d,]*)\b")


def suppress_text(text: str, rule: Suppression) -> str:
    """Text for the public: "15% (5 of 34)" and "5 of 34" resting on a small count become "c".

    A safety net under the measures' own audience-aware wording: a share is withheld when its
    count, its denominator or their difference is small.
    """

    def small(match: re.Match) -> bool:
        k, n = (int(g.replace(",", "")) for g in match.groups())
        return any(is_small(v, rule) for v in (k, n, n - k))

    text = _SHARE_WITH_COUNT.sub(lambda m: rule.symbol if small(m) else m.group(), text)
    return _K_OF_N.sub(lambda m: rule.symbol if small(m) else m.group(), text)


# A path of this machine: a POSIX path of two or more parts not part of a word, a fraction or a URL
# ("/home/qa/exports/audits.csv"), or a Windows path ("C:\\Exports\\audits.csv").
_MACHINE_PATH = re.compile(
    r"(?<![\w/.:])(?:/[^\s/;,'\"<>()\[\]|]+){2,}/?"
    r"|(?<![\w])[A-Za-z]:\\(?:[^\s\\;,'\"<>()|]+\\)*[^\s\\;,'\"<>()|]*"
)


def without_paths(text: str) -> str:
    """Text naming no folder of this machine: every absolute path is cut to its file's name
    ("/srv/qa/exports/audits.csv: not found" becomes "audits.csv: not found").

    Leadership and public packs go beyond the analyst's machine; where an export lives there says
    nothing to their readers and something about the machine to anyone else.
    """
    if "/" not in text and "\\" not in text:
        return text
    return _MACHINE_PATH.sub(lambda m: re.split(r"[/\\]", m[0].rstrip("/\\"))[-1], text)
