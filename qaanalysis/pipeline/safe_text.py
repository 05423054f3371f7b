"""Making values safe and readable on their way into a pack's files.

Everything here treats text as hostile: a team name, a label or a column header typed into an
export may hold markup (``<script>``) or a spreadsheet formula (``=HYPERLINK(...)``). The HTML
renderer escapes through :func:`html_text`; spreadsheets and CSV files neutralise formulas through
:func:`is_formula_like` and :func:`write_csv`. The same functions tidy what a reader sees: ISO
timestamps become UK dates, ``329.0`` becomes ``329`` and fractions in percentage columns become
percentages.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from pathlib import Path

import pandas as pd

# OWASP "CSV injection": a cell starting with one of these is read as a formula by spreadsheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Characters XML (and so Word and Excel) cannot hold; shown as the replacement character.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
REPLACEMENT = "\ufffd"

# ISO dates as pandas writes them to JSON ("2025-10-01T00:00:00.000") or plain ("2025-10-01").
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]00:?00)?)?$"
)

# Words shown in capitals in a heading made from a snake_case column name.
ACRONYMS = {
    "kpi": "KPI",
    "id": "ID",
    "ids": "IDs",
    "cp": "CP",
    "cin": "CIN",
    "iro": "IRO",
    "spc": "SPC",
    "la": "LA",
    "sn": "SN",
    "nfa": "NFA",
    "lado": "LADO",
}
# Suffixes of canonical column names and how a heading says them (STYLE.md, Naming).
SUFFIXES = (
    ("_ci_low", ", 95% interval low"),
    ("_ci_high", ", 95% interval high"),
    ("_pct", " (%)"),
    ("_count", " (number)"),
    ("_working_days", " (working days)"),
    ("_days", " (days)"),
)
STANDALONE = {
    "ci_low": "95% interval low",
    "ci_high": "95% interval high",
    "k": "Number",
    "n": "Out of",
    "p_value": "p value",
}


def clean_text(value: object) -> str:
    """``value`` as text that XML can hold (control characters shown as the replacement mark)."""
    return _CONTROL.sub(REPLACEMENT, str(value))


def html_text(value: object) -> str:
    """``value`` as escaped HTML text, quotes included, so it is safe in an attribute too."""
    return html.escape(clean_text(value), quote=True)


def heading(column: object) -> str:
    """A column name as a table heading a reader understands.

    Canonical snake_case names are spelt out (``good_or_better_ci_low`` -> "Good or better, 95%
    interval low", ``kpi_id`` -> "KPI ID", ``accepted_pct`` -> "Accepted (%)"); names that are
    already words (a grade label, "auditor's grade") only gain a capital letter.

    Examples:
        >>> heading("good_or_better_ci_low")
        'Good or better, 95% interval low'
        >>> heading("Requires Improvement")
        'Requires Improvement'
    """
    text = clean_text(column)
    if text in STANDALONE:
        return STANDALONE[text]
    if not re.fullmatch(r"[a-z0-9_]+", text):
        return text[:1].upper() + text[1:]
    tail = ""
    for suffix, words in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text, tail = text[: -len(suffix)], words
            break
    words = [ACRONYMS.get(word, word) for word in text.split("_") if word]
    out = " ".join(words) + tail
    return out[:1].upper() + out[1:]


def iso_date(value: object) -> dt.datetime | None:
    """The date (and time) an ISO date string holds, or None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _ISO.match(value.strip())
    if not match:
        return None
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        return dt.datetime(*parts)
    except ValueError:  # 2025-02-31 is text, not a date
        return None


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet would read this text as a formula (numbers never are)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def is_missing(value: object) -> bool:
    """None, NaN or pandas' NA/NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def display_value(value: object, *, column: object = "", percent: bool = False) -> str:
    """A table cell as a reader sees it in HTML and Word.

    ISO timestamps become ``01/10/2025`` (a ``month`` column ``Oct 2025``); whole floats lose
    their ``.0``; fractions in a percentage column become ``28%``; years and p values keep their
    own forms; yes/no values read "Yes"/"No"; text is kept as it came (escape it for HTML).
    """
    if is_missing(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Yes" if value else "No"
    name = str(column)
    if isinstance(value, str):
        when = iso_date(value)
        if when is None:
            return clean_text(value)
        if name == "month" or name.endswith("_month"):
            return when.strftime("%b %Y")
        if when.hour or when.minute or when.second:
            return when.strftime("%d/%m/%Y %H:%M")
        return when.strftime("%d/%m/%Y")
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if not isinstance(value, (int, float)):
        return clean_text(value)
    if isinstance(value, float) and math.isinf(value):
        return "infinite"
    if percent:
        return f"{100 * value:.0f}%"
    if name == "year" or name.endswith("_year"):
        return f"{value:.0f}"
    if name == "p_value" or name.endswith("_p"):
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def csv_safe(value: object) -> object:
    """A CSV cell neutralised by the OWASP rule: formula-like text gains a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as UTF-8 CSV with no live formulas.

    Text cells (and headers) that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gain a leading apostrophe, which spreadsheets show as typed rather than run. Numbers,
    negative ones included, are written as numbers. Used for ``rejected_rows.csv``.

    Args:
        frame: the table; its index is not written.
        path: where to write.
    """
    safe = frame.copy()
    safe.columns = [csv_safe(str(c)) for c in frame.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].astype(object).map(csv_safe)
    # CRLF line ends (RFC 4180): a field holding a lone carriage return is then quoted
    safe.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
