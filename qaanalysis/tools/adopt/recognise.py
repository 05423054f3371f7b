"""Adopting the suite: propose an ``la.yaml`` from a folder of an authority's exports.

:func:`propose_config` reads every CSV and XLSX in a folder, recognises which source each one holds
(the Annex A workbook by its ``List 1`` .. ``List 11`` sheets; every other source by scoring its
headers against the source's declared canonical columns, helped by what the values look like:
grades for audits, stages and outcomes for complaints), proposes column and value mappings from
known synonyms and close matches, and returns a commented ``la.yaml``. Every inferred mapping carries
``# GUESS: ...`` with its evidence, every required column or source not found carries
``# GAP: ...`` with the candidate headers, and ``# NOTE: ...`` says what was seen and left alone.

:func:`suggest_column` and :func:`suggest_value` (and the sentences :func:`column_hint` and
:func:`value_hint` built on them) give ``qaanalysis validate`` its hints ("column 'Date of Audit'
looks like audit_date").

Guesses are for a person to check, never applied silently: the reader matches only the synonyms
declared in ``sources/schema.py``, so the wider, riskier vocabulary here (``Locality`` for service,
``LAC`` for children in care) takes effect only once written in ``la.yaml``.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import itertools
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import GradeScale, SourceConfig, default_settings
from .sources.reader import (
    BLANKS,
    SourceError,
    as_code,
    candidate_headers,
    dedupe_headers,
    grade_map,
    normalise_label,
    parse_dates,
    read_raw,
)
from .sources.schema import AUDIT_COLUMNS, SIMPLE_SOURCES, Column

__all__ = ["column_hint", "propose_config", "suggest_column", "suggest_value", "value_hint"]

# Header variants seen in authorities' exports, beyond the reader's declared synonyms. Keyed by
# canonical column name; a name shared by several sources (team, service) means the same there.
GUESS_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "audit_id": ("audit id", "audit number", "audit no", "audit reference number", "audit ref no",
                 "form id", "audit record id", "case audit id"),
    "child_id": ("child id", "young person id", "yp id", "person ref", "person reference", "client id",
                 "lcs id", "mosaic id", "eclipse id", "child number", "person number",
                 "child reference", "child unique identifier", "unique child id", "case id"),
    "audit_date": ("audit date", "audit completed", "date audit completed", "audit completion date",
                   "completion date", "date completed", "date of completion"),
    "service": ("service area", "locality", "area", "directorate", "division", "service name"),
    "team": ("team name", "allocated team", "current team", "owning team", "team at audit"),
    "overall_grade": ("overall grade", "overall rating", "final judgement", "final grade",
                      "overall judgment", "final judgment", "overall outcome", "judgement",
                      "overall audit grade"),
    "audit_type": ("type of audit", "audit category"),
    "theme": ("audit theme", "themed audit", "focus"),
    "cohort": ("case status", "child status", "childs status", "case type", "service level",
               "status", "case category"),
    "practitioner_id": ("social worker", "worker", "practitioner", "allocated worker", "case worker",
                        "allocated social worker", "caseworker", "lead practitioner"),
    "auditor_id": ("auditor", "auditor name", "audited by", "lead auditor"),
    "auditor_role": ("role of auditor", "auditor job title", "auditor position"),
    "moderated_grade": ("moderated judgement", "moderation judgement", "moderation outcome",
                        "moderated rating", "grade after moderation", "moderator grade",
                        "moderated judgment"),
    "immediate_response": ("immediate action", "immediate action required", "urgent action",
                           "immediate response required"),
    "family_feedback": ("family views", "feedback from family", "family consulted",
                        "family feedback obtained"),
    "action_id": ("action number", "action no", "action ref", "action reference"),
    "raised_date": ("raised on", "date action raised", "date of alert", "alert date",
                    "date escalated", "date raised"),
    "due_date": ("target date", "deadline", "due by"),
    "completed_date": ("completion date", "date closed", "closed on"),
    "owner_team": ("responsible team", "owner", "action owner team"),
    "kpi_id": ("kpi", "indicator id", "pi", "pi ref", "measure id"),
    "month": ("reporting month", "month ending", "month end"),
    "value": ("result", "actual", "performance"),
    "year": ("financial year", "reporting year"),
    "comparator": ("comparison", "benchmark type", "compared with", "benchmark"),
    "record_id": ("ref no", "reference number", "complaint ref", "complaint reference", "case ref",
                  "complaint id", "complaint number"),
    "received_date": ("received", "date logged", "date of complaint", "received on", "logged date"),
    "record_type": ("record type", "representation type", "type of representation", "contact type",
                    "feedback type", "nature of contact"),
    "stage": ("complaint stage", "stage of complaint", "procedure stage"),
    "category": ("complaint category", "subject", "nature of complaint", "issue", "alert category",
                 "reason for alert", "issue category", "main issue"),
    "complainant": ("who complained", "complainant type", "made by", "complainant relationship",
                    "relationship to child"),
    "advocate": ("advocate used", "advocate involved", "advocacy", "supported by advocate"),
    "responded_date": ("response sent", "date of response", "date response sent", "responded on",
                       "date responded"),
    "extended": ("extension", "extension agreed", "timescale extended", "extended timescale"),
    "outcome": ("result", "finding", "decision", "complaint outcome"),
    "learning": ("lessons learned", "lessons learnt", "learning identified", "actions taken"),
    "response_id": ("response no", "response number", "respondent id", "submission id",
                    "survey id", "response ref"),
    "date": ("response date", "date completed", "survey date", "date of response", "submitted",
             "date submitted"),
    "channel": ("method", "survey method", "how completed", "source", "mode", "collected via"),
    "respondent": ("completed by", "respondent type", "who completed", "person completing"),
    "question": ("question id", "survey question", "item"),
    "score": ("rating", "answer score", "response score"),
    "comment": ("comments", "free text", "verbatim", "what could be better"),
    "consent_to_quote": ("happy to be quoted", "consent", "quote consent", "may we quote",
                         "consent to share"),
    "alert_id": ("alert number", "alert ref", "escalation id", "drp id", "alert reference"),
    "resolved_date": ("date resolved", "resolution date", "closed date", "date closed"),
}  # fmt: skip

# Value variants beyond the declared vocabularies: proposed (as GUESS), never read silently.
GUESS_VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "cohort": {"lac": "CLA", "cic": "CLA", "looked after child": "CLA", "child in care": "CLA",
               "cp plan": "CP", "child protection plan": "CP", "cin plan": "CIN",
               "leaving care": "CL", "care leaver service": "CL", "eh": "EH"},
    "record_type": {"complaints": "complaint", "compliments": "compliment", "comments": "comment",
                    "representation": "complaint", "concern": "complaint"},
    "complainant": {"grandparent": "other", "grandmother": "other", "grandfather": "other",
                    "aunt": "other", "uncle": "other", "sibling": "other", "mum": "parent",
                    "dad": "parent", "step parent": "parent", "adoptive parent": "parent",
                    "special guardian": "carer", "kinship carer": "carer", "yp": "young_person"},
    "stage": {"stage one": "1", "stage two": "2", "stage three": "3", "st1": "1", "st2": "2",
              "st3": "3", "review panel": "3", "independent investigation": "2",
              "ombudsman": "ombudsman", "lgsco": "ombudsman"},
    "outcome": {"partial": "partly_upheld",
                "partially": "partly_upheld", "not substantiated": "not_upheld"},
    "respondent": {"yp": "young_person", "mum": "parent", "dad": "parent", "mother": "parent",
                   "father": "parent", "foster parent": "carer", "kinship carer": "carer",
                   "teacher": "partner", "school": "partner", "health": "partner",
                   "police": "partner", "partner agency": "partner", "worker": "practitioner"},
    "comparator": {"sns": "statistical_neighbours", "stat neighbour": "statistical_neighbours"},
}  # fmt: skip

# Words in a file name that hint at its source.
FILE_HINTS = {
    "audits": ("audit",),
    "audit_actions": ("action",),
    "kpis": ("kpi", "scorecard", "indicator"),
    "benchmarks": ("benchmark", "comparator", "lait"),
    "complaints": ("complaint", "compliment", "representation"),
    "feedback": ("feedback", "survey", "questionnaire", "participation"),
    "escalations": ("escalat", "alert", "drp", "dispute"),
}

# Abbreviations in headers, expanded before comparing ("Ref No" -> "reference number").
_WORD_EXPANSIONS = {"no": "number", "num": "number", "nr": "number", "ref": "reference",
                    "yp": "young person", "dt": "date", "sw": "social worker"}  # fmt: skip

_SKIP_PREFIXES = ("~$", ".")  # Excel lock files, hidden files
_READABLE = (".csv", ".txt", ".xlsx", ".xlsm")
_YESNO = {"yes": "yes", "y": "yes", "true": "yes", "1": "yes",
          "no": "no", "n": "no", "false": "no", "0": "no"}  # fmt: skip
_THEME_STOPWORDS = {"and", "of", "the", "for", "with", "to", "in", "on", "a", "an", "by", "at",
                    "child", "children", "childs", "young", "people", "person", "s", "quality",
                    "practice", "case", "overall", "effective", "effectiveness", "good", "role",
                    "unit", "decision", "making", "analysis"}  # fmt: skip
# Words that carry no meaning when matching a question or a KPI name to a code.
_CODE_STOPWORDS = _THEME_STOPWORDS | {"you", "your", "i", "my", "me", "we", "our", "us", "do",
                                      "does", "did", "how", "what", "were", "was", "is", "are",
                                      "has", "have", "had", "get", "got", "well", "from", "within",
                                      "number", "percentage", "rate", "per", "cent", "average"}  # fmt: skip
# Columns whose codes the theme map names (and, for KPIs, the KPI catalogue): matched by their words.
_THEMED_CODES = {("complaints", "category"): "complaint_categories",
                 ("feedback", "question"): "feedback_questions",
                 ("escalations", "category"): "escalation_categories",
                 ("kpis", "kpi_id"): "kpis"}  # fmt: skip
_ORDER = ("audits", "audit_actions", "annex_a", "kpis", "benchmarks", "complaints", "feedback",
          "escalations")  # fmt: skip
_SOURCE_TITLES = {
    "audits": "case-file audits",
    "audit_actions": "actions raised by audits",
    "annex_a": "Ofsted Annex A lists",
    "kpis": "monthly KPI scorecard",
    "benchmarks": "KPI benchmarks (England, region, statistical neighbours)",
    "complaints": "complaints, compliments and comments",
    "feedback": "participation and feedback responses",
    "escalations": "IRO / CP chair practice alerts and disputes",
}


# ---------------------------------------------------------------- matching words


@functools.lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    """``normalise_label`` with apostrophes dropped, so "Child's" reads as "childs"."""
    return normalise_label(str(text).replace("'", "").replace("\u2019", ""))


@functools.lru_cache(maxsize=65536)
def _expand(text: str) -> str:
    return " ".join(_WORD_EXPANSIONS.get(w, w) for w in _norm(text).split())


def _abbreviates(short: str, full: str) -> bool:
    """Each word of ``short`` begins the matching word of ``full`` ("req imp" -> "requires improvement")."""
    a, b = short.split(), full.split()
    if not a or len(a) != len(b) or a == b:
        return False
    return all(y.startswith(x) and (len(x) >= 2 or x == y) for x, y in zip(a, b, strict=True))


@functools.lru_cache(maxsize=65536)
def _similarity(text: str, target: str) -> tuple[float, str]:
    """How strongly ``text`` resembles ``target`` (both raw): strength 0..1 and the evidence."""
    a, b = _expand(text), _expand(target)
    if not a or not b:
        return 0.0, ""
    if a == b:
        return 1.0, "same words"
    if _abbreviates(a, b):
        return 0.85, f"abbreviation of '{target}'"
    ratio = 0.0
    # Lengths bound the ratio from above: most pairs are ruled out before the slow comparison.
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) >= 0.8:
        matcher = difflib.SequenceMatcher(None, a, b)
        ratio = matcher.ratio() if matcher.quick_ratio() >= 0.8 else 0.0
    best = (0.0, "")
    if ratio >= 0.8:
        best = (0.9 * ratio, f"close match to '{target}', {ratio:.0%}")
    if len(b.split()) >= 2 and f" {b} " in f" {a} " and best[0] < 0.7:
        best = (0.7, f"contains '{target}'")
    return best


@functools.lru_cache(maxsize=1024)
def _declared_synonyms(name: str) -> list[str]:
    """The reader's own header synonyms for a canonical name, from every source that declares it."""
    columns = AUDIT_COLUMNS + tuple(c for cols in SIMPLE_SOURCES.values() for c in cols)
    return [s for c in columns if c.name == name for s in c.header_synonyms]


def _column_names(column: Column | str, synonyms: Iterable[str] = ()) -> tuple[str, list[str]]:
    name = column if isinstance(column, str) else column.name
    # A name means the same in every source: audit_actions' audit_id is headed like audits' one.
    declared = (
        [] if isinstance(column, str) else list(column.header_synonyms)
    ) + _declared_synonyms(name)
    extra = list(GUESS_HEADER_SYNONYMS.get(name, ()))
    return name, list(dict.fromkeys([*synonyms, *declared, *extra]))


def _header_match(header: str, column: Column | str, synonyms: Iterable[str] = ()
                  ) -> tuple[float, str]:  # fmt: skip
    """Strength 0..1 with which ``header`` names ``column``, and the evidence in words."""
    name, names = _column_names(column, synonyms)
    return _header_match_names(header, name, tuple(names))


@functools.lru_cache(maxsize=65536)
def _header_match_names(header: str, name: str, names: tuple[str, ...]) -> tuple[float, str]:
    h = _norm(header)
    if not h:
        return 0.0, ""
    if h == _norm(name):
        return 1.0, "canonical name"
    if any(h == _norm(s) for s in names):
        return 1.0, "synonym"
    best = (0.0, "")
    for target in [name.replace("_", " "), *names]:
        found = _similarity(header, target)
        if found[0] > best[0]:
            best = found
    return best


def suggest_column(headers: Iterable[str], canonical: Column | str, *, synonyms: Iterable[str] = (),
                   exclude: Iterable[str] = ()) -> str | None:  # fmt: skip
    """The export header that most likely holds a canonical column, or None when none is close.

    Args:
        headers: the headers found in the export.
        canonical: the canonical column (a schema ``Column`` or its name).
        synonyms: further headers to accept, e.g. the one configured in ``la.yaml``.
        exclude: headers already used for other columns.

    Example:
        >>> suggest_column(["Ref", "Date of Audit", "Team"], "audit_date")
        'Date of Audit'
    """
    excluded = set(exclude)
    best, best_strength = None, 0.0
    for header in headers:
        if header in excluded:
            continue
        strength, _ = _header_match(header, canonical, synonyms)
        if strength > best_strength:
            best, best_strength = header, strength
    return best if best_strength >= 0.6 else None


def column_hint(headers: Iterable[str], canonical: Column | str, *, synonyms: Iterable[str] = (),
                exclude: Iterable[str] = ()) -> str | None:  # fmt: skip
    """A sentence for ``validate``: which header looks like the missing column and how to map it.

    Example:
        >>> print(column_hint(["Audit Completed", "Team"], "audit_date"))
        column 'Audit Completed' looks like audit_date (synonym); to use it, write audit_date: "Audit Completed" under this source's columns in la.yaml
    """
    headers = list(headers)
    header = suggest_column(headers, canonical, synonyms=synonyms, exclude=exclude)
    if header is None:
        return None
    name = canonical if isinstance(canonical, str) else canonical.name
    _, evidence = _header_match(header, canonical, synonyms)
    return (
        f"column '{header}' looks like {name} ({evidence}); to use it, write "
        f"{name}: {_q(header)} under this source's columns in la.yaml"
    )


def _value_options(column: Column, grades: GradeScale) -> dict[str, str]:
    """Normalised label -> canonical value, for the column's kind (grades, yes/no, a vocabulary)."""
    if column.kind == "grade":
        return grade_map(grades)
    if column.kind == "yesno":
        return dict(_YESNO)
    options = {normalise_label(v): v for v in column.vocab}
    options.update({normalise_label(k): v for k, v in column.value_synonyms.items()})
    return options


def _propose_value(label: str, column: Column, grades: GradeScale) -> tuple[str | None, str]:
    """A canonical value for a label the reader would not accept, with the evidence; None if none.

    Returns ``(value, evidence)``; ``value`` is None when there is no match or two values match
    equally (the evidence then names them).
    """
    norm = normalise_label(label)
    options = _value_options(column, grades)
    if norm in options:
        return options[norm], "accepted as it is"
    extra = {normalise_label(k): v for k, v in GUESS_VALUE_SYNONYMS.get(column.name, {}).items()}
    if norm in extra:
        return extra[norm], "a known variant"
    hits: dict[str, tuple[float, str]] = {}
    for option_norm, value in options.items():
        if len(option_norm) < 2:  # single letters ("o", "g") match anything short
            continue
        strength, evidence = 0.0, ""
        if _abbreviates(norm, option_norm) or (
            len(norm) >= 3 and " " not in norm and option_norm.startswith(norm)
        ):
            strength, evidence = 0.9, f"an abbreviation of '{option_norm}'"
        elif 2 * min(len(norm), len(option_norm)) / (len(norm) + len(option_norm)) >= 0.8:
            ratio = difflib.SequenceMatcher(None, norm, option_norm).ratio()
            if ratio >= 0.8:
                strength, evidence = ratio * 0.85, f"close to '{option_norm}' ({ratio:.0%})"
        if strength and strength > hits.get(value, (0.0, ""))[0]:
            hits[value] = (strength, evidence)
    if not hits:
        # A label holding exactly one known value as whole words: "Monthly case audit" -> monthly.
        inside = {
            value: option_norm
            for option_norm, value in {**options, **extra}.items()
            if len(option_norm) >= 4 and f" {option_norm} " in f" {norm} "
        }
        if len(inside) == 1:
            value, option_norm = next(iter(inside.items()))
            return value, f"it contains '{option_norm}'"
        return None, ("ambiguous: " + " or ".join(sorted(inside))) if inside else ""
    ranked = sorted(hits.items(), key=lambda kv: -kv[1][0])
    if len(ranked) > 1 and ranked[1][1][0] >= ranked[0][1][0] - 0.02:
        return None, "ambiguous: " + " or ".join(v for v, _ in ranked[:2])
    value, (_, evidence) = ranked[0]
    return value, evidence


def suggest_value(value: str, column: Column, *, grades: GradeScale) -> str | None:
    """The canonical value a rejected label most likely means, or None (for ``validate``'s hint).

    Example:
        >>> from qaanalysis.config import GradeScale
        >>> scale = GradeScale(labels=["Good", "Requires Improvement"], good_or_better=["Good"],
        ...                    inadequate=[])
        >>> suggest_value("Req. Improvement", Column("overall_grade", "grade"), grades=scale)
        'Requires Improvement'
    """
    proposed, _ = _propose_value(value, column, grades)
    return proposed


def value_hint(value: str, column: Column, *, grades: GradeScale) -> str | None:
    """A sentence for ``validate``: what a rejected label seems to mean and how to accept it.

    Example:
        >>> from qaanalysis.config import GradeScale
        >>> scale = GradeScale(labels=["Good", "Requires Improvement"], good_or_better=["Good"],
        ...                    inadequate=[])
        >>> print(value_hint("Req. Improvement", Column("overall_grade", "grade"), grades=scale))
        'Req. Improvement' looks like Requires Improvement; to accept it, add "Req. Improvement": "Requires Improvement" under grades: synonyms: in la.yaml
    """
    proposed = suggest_value(value, column, grades=grades)
    if proposed is None:
        return None
    where = (
        "grades: synonyms:" if column.kind == "grade" else f"this source's values: {column.name}:"
    )
    return (
        f"'{value}' looks like {proposed}; to accept it, add {_q(value)}: {_q(proposed)} "
        f"under {where} in la.yaml"
    )


# ---------------------------------------------------------------- reading the folder


@dataclass
class _Profile:
    """What one column's values look like."""

    header: str
    values: list[str]  # non-blank values
    rows: int
    date_share: float = 0.0
    number_share: float = 0.0
    grade_share: float = 0.0
    month_share: float = 0.0  # dates or months written 2025-04
    month_first: bool = False


@dataclass
class _Table:
    path: Path
    sheet: str | None
    frame: pd.DataFrame
    header_row: int
    encoding: str | None = None
    profiles: dict[str, _Profile] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.path.name + (f" [{self.sheet}]" if self.sheet else "")


def _grid_header(rows: list[list[str]]) -> int:
    """The header row of a grid: the first of the top rows filled nearly as fully as the fullest.

    A title ("Case audit export, September") or a date line above the header fills one or two
    cells; the header fills most of them.
    """
    top = rows[:30]
    filled = [sum(1 for c in r if c) for r in top]
    most = max(filled, default=0)
    for i, n in enumerate(filled):
        if n >= max(2, 0.5 * most):
            return i
    return 0


def _csv_top_rows(path: Path, n: int = 30) -> list[list[str]]:
    """The first rows of a CSV, whatever their width (``read_raw`` cuts rows to the first one's)."""
    data = path.read_bytes()[:262144]
    text = data.decode("utf-8-sig", errors="ignore")
    if "\ufffd" in text or not text.strip():
        text = data.decode("cp1252", errors="replace")
    return [[c.strip() for c in row] for row in itertools.islice(csv.reader(io.StringIO(text)), n)]


def _is_blank(value: str) -> bool:
    return value.strip().lower() in BLANKS


_PROFILE_ROWS = 5000  # shares are judged on the first rows; labels are collected from all
_MAX_LABELS = 40  # more distinct values than this: not a column of categories or grades


def _profile(header: str, series: pd.Series, grades: GradeScale) -> _Profile:
    values = [v for v in series.astype(str) if not _is_blank(v)]
    profile = _Profile(header, values, len(series))
    if not values:
        return profile
    text = pd.Series(values[:_PROFILE_ROWS], dtype=object)
    if text.str.contains(r"\d").mean() < 0.5:  # mostly words: no dates, months or numbers
        profile.grade_share = _grade_share(text, grades)
        return profile
    dates = parse_dates(text)
    profile.date_share = float(dates.notna().mean())
    months = dates.notna() | text.str.fullmatch(r"\d{4}-\d{1,2}")
    profile.month_share = float(months.mean())
    parts = text.str.extract(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.]\d{2,4}")
    second = pd.to_numeric(parts[1], errors="coerce")
    profile.month_first = bool((second > 12).any()) and profile.date_share < 0.9
    numbers = pd.to_numeric(text.str.replace(",", "").str.replace("%", ""), errors="coerce")
    profile.number_share = float(numbers.notna().mean())
    profile.grade_share = _grade_share(text, grades)
    return profile


def _grade_share(text: pd.Series, grades: GradeScale) -> float:
    """The share of values that are grades, or close enough to one to propose it."""
    distinct = set(text)
    if len(distinct) > _MAX_LABELS:  # ids, dates, free text: no grade column has so many labels
        mapping = grade_map(grades)
        return float(text.map(lambda v: normalise_label(v) in mapping).mean())
    grade = Column("grade", "grade")
    known = {v: _propose_value(v, grade, grades)[0] is not None for v in distinct}
    return sum(known[v] for v in text) / len(text)


def _read_table(path: Path, sheet: str | None, grades: GradeScale) -> _Table | None:
    expected: list[str] = []
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        # A title line above a CSV's header would set the table's width: name the real header.
        top = _csv_top_rows(path)
        if top:
            expected = [c for c in top[_grid_header(top)] if c]
    frame, header_row = read_raw(path, sheet=sheet, expected=expected)
    if frame.empty and not len(frame.columns):
        return None
    # read_raw took the first filled row as the header; find the real one below any title rows.
    header = ["" if str(h).startswith("(blank column") else str(h) for h in frame.columns]
    rows = [header] + [list(map(str, r)) for r in frame.to_numpy().tolist()]
    at = _grid_header(rows)
    names = [h if h else f"(blank column {i + 1})" for i, h in enumerate(rows[at])]
    names = dedupe_headers(names)
    body = rows[at + 1 :]
    table = pd.DataFrame(body, columns=names, dtype=object)
    # Columns with no header and no values are spreadsheet debris.
    keep = [c for c, h in zip(names, rows[at], strict=True) if h or (table[c] != "").any()]
    table = table[keep]
    encoding = None
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        try:
            path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding = "windows-1252"
    result = _Table(path, sheet, table, header_row + at, encoding)
    result.profiles = {h: _profile(h, table[h], grades) for h in table.columns}
    return result


def _annex_sheets(sheets: list[str]) -> dict[str, str]:
    """``{list_4: "List 4 - Assessments"}`` for the sheets named like Annex A lists."""
    pattern = re.compile(r"^list\s*0*(\d+)(?!\d)")
    found = {}
    for name in sheets:
        match = pattern.match(normalise_label(name))
        if match and 1 <= int(match[1]) <= 11:
            found.setdefault(f"list_{int(match[1])}", name)
    return found


def _annex_declarations() -> tuple[dict[str, tuple[Column, ...]], dict[str, str]]:
    """Annex A list columns and key dates, as declared in ``sources/annex_a.py`` (if declared)."""
    try:
        from .sources import annex_a
    except Exception:  # noqa: BLE001 - the module is being rewritten; adoption works without it
        return {}, {}
    return dict(getattr(annex_a, "ANNEX_A_LISTS", {}) or {}), dict(
        getattr(annex_a, "KEY_DATES", {})
    )


# ---------------------------------------------------------------- recognising sources


@dataclass
class _Match:
    canonical: str
    header: str
    strength: float
    evidence: str


@dataclass
class _Proposal:
    """One source's proposed settings."""

    source: str
    table: _Table
    score: float
    cover: float
    matches: dict[str, _Match]
    gaps: dict[str, list[str]] = field(default_factory=dict)  # required column -> candidates
    evidence: str = ""
    domains: list[tuple[str, str, float]] = field(default_factory=list)  # id, header, grade share
    notes: list[str] = field(default_factory=list)
    values: dict[str, list[tuple[str, str | None, str, int]]] = field(default_factory=dict)
    list_id: str | None = None  # annex_a single-list files


def _kind_fits(column: Column, profile: _Profile) -> bool:
    """Whether a column's values could be of the canonical column's kind (empty columns fit)."""
    if not profile.values:
        return True
    if column.kind == "date":
        return profile.date_share >= 0.5 or profile.month_first
    if column.kind == "month":
        return profile.month_share >= 0.5
    if column.kind == "grade":
        return profile.grade_share >= 0.5
    if column.kind in ("number", "integer"):
        return profile.number_share >= 0.5
    if column.kind == "year":
        return profile.number_share >= 0.3 or profile.date_share < 0.5
    if column.kind in ("id", "text", "code", "category", "yesno"):
        # A column of dates is not an id, a team or a category.
        return profile.date_share < 0.8
    return True


def _map_columns(table: _Table, columns: tuple[Column, ...]) -> dict[str, _Match]:
    """Greedy one-to-one matching of canonical columns to headers, strongest first."""
    candidates = []
    for column in columns:
        for header, profile in table.profiles.items():
            strength, evidence = _header_match(header, column)
            if strength < 0.6 or not _kind_fits(column, profile):
                continue
            candidates.append((strength, column.required, column.name, header, evidence))
    candidates.sort(key=lambda c: (-c[0], not c[1]))
    matches: dict[str, _Match] = {}
    used: set[str] = set()
    for strength, _, name, header, evidence in candidates:
        if name in matches or header in used:
            continue
        matches[name] = _Match(name, header, strength, evidence)
        used.add(header)
    return matches


def _value_bonus(source: str, table: _Table) -> tuple[float, str]:
    """Evidence from values: grade columns say audits; stage and outcome labels say complaints."""
    if source == "audits":
        graded = [
            h for h, p in table.profiles.items() if len(p.values) >= 2 and p.grade_share >= 0.8
        ]
        return min(len(graded), 4) * 1.5, f"{len(graded)} column(s) of grades" if graded else ""
    if source == "complaints":
        found = []
        for name in ("stage", "outcome"):
            column = next(c for c in SIMPLE_SOURCES["complaints"] if c.name == name)
            options = _value_options(column, _default_grades())
            for header, profile in table.profiles.items():
                distinct = set(profile.values[:_PROFILE_ROWS])
                if len(distinct) > _MAX_LABELS:
                    continue
                # Bare numbers (scores, counts) are not evidence of complaint stages.
                labels = {
                    v for v in map(normalise_label, distinct) if not v.replace(" ", "").isdigit()
                }
                if labels and sum(v in options for v in labels) / len(labels) >= 0.5:
                    found.append(f"{name} labels in '{header}'")
                    break
        return 2.0 * len(found), "; ".join(found)
    return 0.0, ""


def _score(source: str, table: _Table, columns: tuple[Column, ...]) -> _Proposal:
    matches = _map_columns(table, columns)
    required = [c for c in columns if c.required]
    cover = sum(c.name in matches for c in required) / len(required) if required else 0.0
    score = sum(m.strength * (3 if c.required else 1)
                for c in columns if (m := matches.get(c.name)))  # fmt: skip
    evidence = [f"{sum(c.name in matches for c in required)} of {len(required)} required columns"]
    name = normalise_label(table.path.stem)
    if any(h in name.replace(" ", "") for h in FILE_HINTS.get(source, ())):
        score += 2
        evidence.append(f"file name '{table.path.name}'")
    bonus, why = _value_bonus(source, table)
    if why:
        score += bonus
        evidence.append(why)
    return _Proposal(source, table, score, cover, matches, evidence="; ".join(evidence))


def _score_annex_list(list_id: str, table: _Table, columns: tuple[Column, ...], key_date: str | None
                      ) -> _Proposal:  # fmt: skip
    """A single-list file: scored on the list's own columns (the child columns are everywhere)."""
    shared = {"child_id", "gender", "ethnicity", "date_of_birth", "age", "disability", "team",
              "worker", "family_id"}  # fmt: skip
    matches = _map_columns(table, columns)
    own = [c for c in columns if c.name not in shared]
    score = sum(matches[c.name].strength * (3 if c.name == key_date else 1)
                for c in own if c.name in matches)  # fmt: skip
    required = [c for c in columns if c.required]
    cover = sum(c.name in matches for c in required) / len(required) if required else 0.0
    if key_date is not None and key_date not in matches:
        score = 0.0
    elif key_date is None and (
        "child_id" not in matches or len(set(matches) & {c.name for c in own}) < 3
    ):
        score = 0.0  # List 9 has no key date: its own columns must speak for it
    proposal = _Proposal("annex_a", table, score, cover, matches, list_id=list_id,
                         evidence=f"{sum(c.name in matches for c in own)} of {len(own)} "
                                  f"{list_id.replace('_', ' ').title()} columns")  # fmt: skip
    return proposal


@functools.lru_cache(maxsize=1)
def _default_grades() -> GradeScale:
    return GradeScale.model_validate(default_settings()["grades"])


# ---------------------------------------------------------------- building proposals


def _rank_candidates(table: _Table, column: Column, used: set[str]) -> list[str]:
    """Unused headers that might hold a column, most likely first (kind-compatible before others)."""
    scored = []
    _, names = _column_names(column)
    targets = [column.name.replace("_", " "), *names]
    for header, profile in table.profiles.items():
        if header in used:
            continue
        ratio = max(difflib.SequenceMatcher(None, _expand(header), _expand(t)).ratio()
                    for t in targets)  # fmt: skip
        fits = _kind_fits(column, profile) and bool(profile.values)
        if column.kind in ("date", "month"):
            fits = fits and profile.date_share >= 0.8
        if column.kind == "grade":
            fits = fits and profile.grade_share >= 0.8
        elif len(profile.values) >= 2 and profile.grade_share >= 0.8:
            fits = False  # a column of grades is a domain, not an id, a team or a date
        scored.append((fits, ratio, header))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    return [h for fits, ratio, h in scored if fits or ratio >= 0.4][:4]


def _fill_gaps(proposal: _Proposal, columns: tuple[Column, ...]) -> None:
    """Required columns with no header: a unique kind-compatible candidate is a GUESS, else a GAP."""
    table = proposal.table
    for column in columns:
        if not column.required or column.name in proposal.matches:
            continue
        used = {m.header for m in proposal.matches.values()}
        candidates = _rank_candidates(table, column, used)
        if column.kind in ("date", "grade"):
            fitting = [
                h for h in candidates
                if (table.profiles[h].date_share if column.kind == "date"
                    else table.profiles[h].grade_share) >= 0.8
            ]  # fmt: skip
            if column.name == "overall_grade":
                fitting = [h for h in fitting if any(w in normalise_label(h) for w in
                                                     ("overall", "final", "judge", "grade"))]  # fmt: skip
            if len(fitting) == 1:
                what = "dates" if column.kind == "date" else "grades"
                proposal.matches[column.name] = _Match(
                    column.name, fitting[0], 0.5, f"the only unmatched column of {what}"
                )
                continue
        proposal.gaps[column.name] = candidates


def _propose_domains(proposal: _Proposal, defaults: dict) -> None:
    """Audits: unmatched columns of grades become the authority's domains.

    A header naming one of the suite's default domains (its label or id) keeps the default id, so
    the default theme map still fits; any other header gives an id in snake_case.
    """
    known = {}
    for domain in defaults["domains"]:
        known[_norm(domain["label"])] = domain["id"]
        known[_norm(domain["id"])] = domain["id"]
    used = {m.header for m in proposal.matches.values()}
    fixed = {c.name for c in AUDIT_COLUMNS}
    ids: set[str] = set()
    for header, profile in proposal.table.profiles.items():
        if header in used or len(profile.values) < 2 or profile.grade_share < 0.8:
            continue
        domain_id = known.get(_norm(header)) or _norm(header).replace(" ", "_") or "domain"
        if domain_id in fixed or domain_id[0].isdigit():
            domain_id = f"domain_{domain_id}"
        base, n = domain_id, 2
        while domain_id in ids:
            domain_id, n = f"{base}_{n}", n + 1
        ids.add(domain_id)
        proposal.domains.append((domain_id, header, profile.grade_share))


def _propose_values(proposal: _Proposal, columns: tuple[Column, ...], grades: GradeScale,
                    defaults: dict) -> None:  # fmt: skip
    """Labels to map: in category, yes/no and grade columns, those the reader would not accept; in
    the columns the theme map reads (complaint categories, questions, KPI ids), free-text labels
    whose words match a code the theme map names."""
    by_name = {c.name: c for c in columns}
    graded = [(m.canonical, m.header) for m in proposal.matches.values()
              if by_name.get(m.canonical) and by_name[m.canonical].kind == "grade"]  # fmt: skip
    graded += [(d, h) for d, h, _ in proposal.domains]
    targets = [(m.canonical, m.header) for m in proposal.matches.values()
               if by_name.get(m.canonical) and by_name[m.canonical].kind in ("category", "yesno")]  # fmt: skip
    for name, header in targets + [("grades", h) for _, h in graded]:
        column = Column(header, "grade") if name == "grades" else by_name[name]
        profile = proposal.table.profiles[header]
        accepted = _value_options(column, grades)
        counts = pd.Series(profile.values, dtype=object).value_counts(sort=False)
        entries = proposal.values.setdefault(name, [])
        for label, n in counts.items():
            if normalise_label(label) in accepted:
                continue
            seen = next((i for i, e in enumerate(entries) if e[0] == label), None)
            if seen is not None:  # the same grade label in another column: count it once more
                entries[seen] = (*entries[seen][:3], entries[seen][3] + int(n))
                continue
            value, evidence = _propose_value(label, column, grades)
            entries.append((label, value, evidence, int(n)))
        if not entries:
            del proposal.values[name]
    for (source, name), key in _THEMED_CODES.items():
        if source != proposal.source or name not in proposal.matches:
            continue
        known = _known_codes(key, defaults)
        profile = proposal.table.profiles[proposal.matches[name].header]
        counts = pd.Series(profile.values, dtype=object).value_counts(sort=False)
        entries = []
        for label, n in counts.items():
            if as_code(label) in known:
                continue
            value, evidence = _propose_code(label, known)
            if value is not None:  # an open vocabulary: an unmatched label is its own code
                entries.append((label, value, evidence, int(n)))
        if entries:
            proposal.values[name] = entries


def _check_values(proposal: _Proposal, columns: tuple[Column, ...]) -> None:
    """Notes on dates that will not read, and on ids that repeat."""
    by_name = {c.name: c for c in columns}
    for match in proposal.matches.values():
        column = by_name.get(match.canonical)
        profile = proposal.table.profiles[match.header]
        if column is None or not profile.values:
            continue
        share = profile.month_share if column.kind == "month" else profile.date_share
        if column.kind in ("date", "month") and share < 0.95:
            bad = round((1 - share) * min(len(profile.values), _PROFILE_ROWS))
            if profile.month_first:
                proposal.notes.append(
                    f"GAP: '{match.header}' holds month-first dates (like 03/31/2025); the suite reads "
                    "only day-first (31/03/2025) or ISO (2025-03-31) dates. Re-export with UK dates."
                )
            else:
                proposal.notes.append(
                    f"NOTE: {bad} value(s) in '{match.header}' do not read as dates; validate lists them."
                )
        if column.unique:
            repeats = len(profile.values) - len(set(profile.values))
            if repeats:
                proposal.notes.append(
                    f"NOTE: '{match.header}' ({match.canonical}) has {repeats} repeated value(s); each "
                    "repeat will be rejected as a duplicate."
                )


def _published_kind(path: Path) -> str | None:
    """DfE files, recognised by their first line: published statistics or the SN model."""
    top = _csv_top_rows(path, 1)
    headers = {normalise_label(h) for h in (top[0] if top else [])}
    if {"old la code", "sn 1"} <= headers:
        return "sn_model"
    if {"time period", "geographic level"} <= headers:
        return "published"
    return None


def _recognise(folder: Path, grades: GradeScale) -> tuple[dict[str, _Proposal], dict, list[str]]:
    """Every readable table in the folder, assigned to at most one source.

    Returns:
        ``{source: proposal}`` for the simple sources and audits; the Annex A plan and DfE files
        (``{"workbook": (path, {list_id: sheet}) or None, "files": {list_id: proposal},
        "published": [path, ...], "sn_model": path or None}``); and notes.
    """
    notes: list[str] = []
    annex_lists, key_dates = _annex_declarations()
    annex: dict = {"workbook": None, "files": {}, "published": [], "sn_model": None}
    schemas = {"audits": AUDIT_COLUMNS, **SIMPLE_SOURCES}
    best: dict[str, list[_Proposal]] = {}
    files = sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in _READABLE
        and len(p.relative_to(folder).parts) <= 2  # the folder and its sub-folders, not deeper
        and not any(part.startswith(_SKIP_PREFIXES) or part == "outputs"
                    for part in p.relative_to(folder).parts)
    )  # fmt: skip
    for other in sorted(folder.glob("*")):
        if other.suffix.lower() in (".xls", ".ods", ".numbers") and not other.name.startswith("~$"):
            notes.append(f"NOTE: '{other.name}' is not read (an older or non-Excel spreadsheet "
                         "format); open it and save it as .xlsx or CSV, then run init again")  # fmt: skip
    if not files:
        notes.append(f"NOTE: no CSV or XLSX files found in {folder}")
    for path in files:
        sheets: list[str | None] = [None]
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            try:
                sheets = list(pd.ExcelFile(path, engine="openpyxl").sheet_names)
            except Exception as exc:  # noqa: BLE001 - openpyxl raises several kinds for a bad file
                notes.append(
                    f"NOTE: '{path.name}' could not be read as a workbook ({exc}); skipped"
                )
                continue
            listed = _annex_sheets(sheets)
            if len(listed) >= 2:
                if annex["workbook"] is None:
                    annex["workbook"] = (path, listed)
                    continue
                notes.append(f"NOTE: '{path.name}' is a second Annex A workbook; only "
                             f"'{annex['workbook'][0].name}' is used")  # fmt: skip
                continue
        if sheets == [None]:
            kind = _published_kind(path)
            if kind == "sn_model" and annex["sn_model"] is None:
                annex["sn_model"] = path
                continue
            if kind:
                annex["published"].append(path)
                continue
        for sheet in sheets:
            try:
                table = _read_table(path, sheet, grades)
            except SourceError as exc:
                notes.append(f"NOTE: {exc}; skipped")
                continue
            if table is None or not len(table.frame.columns):
                continue
            options = [_score(s, table, cols) for s, cols in schemas.items()]
            for list_id, cols in annex_lists.items():
                options.append(_score_annex_list(list_id, table, cols, key_dates.get(list_id)))
            eligible = [o for o in options if o.cover >= 0.5 and o.score >= 4]
            if not eligible:
                near = max(options, key=lambda o: o.score)
                notes.append(
                    f"NOTE: '{table.label}' was not recognised as any source (closest: "
                    f"{near.source}, {near.evidence}); it is not used"
                )
                continue
            chosen = max(eligible, key=lambda o: (o.score, o.cover))
            key = f"annex_a:{chosen.list_id}" if chosen.list_id else chosen.source
            best.setdefault(key, []).append(chosen)
    proposals: dict[str, _Proposal] = {}
    for key, found in best.items():
        found.sort(key=lambda o: -o.score)
        for other in found[1:]:
            notes.append(
                f"NOTE: '{other.table.label}' also looks like {key.replace('annex_a:', 'Annex A ')}, "
                f"but one file is read per source; '{found[0].table.label}' was chosen "
                "(combine the exports into one file to use both)"
            )
        if key.startswith("annex_a:"):
            annex["files"][key.split(":", 1)[1]] = found[0]
        else:
            proposals[key] = found[0]
    return proposals, annex, notes


# ---------------------------------------------------------------- themes


def _theme_words(
    text: str, stopwords: frozenset[str] | set[str] = _THEME_STOPWORDS
) -> dict[str, str]:
    """Meaningful words of a label, lightly stemmed: ``{stem: word as written}``."""
    words = {}
    for word in _norm(text).split():
        if word in stopwords:
            continue
        stem = word
        for suffix in ("ing", "ed", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                stem = word[: -len(suffix)]
                break
        words.setdefault(stem, word)
    return words


def _known_codes(key: str, defaults: dict) -> dict[str, list[str]]:
    """Codes the theme map names under ``key``, each with the texts its words are read from."""
    known: dict[str, list[str]] = {}
    for theme in defaults["themes"].values():
        for code in theme.get(key, []):
            known.setdefault(code, [code.replace("_", " ")])
    if key == "kpis":
        for kpi_id, kpi in defaults["kpis"].items():
            known.setdefault(kpi_id, [kpi_id.replace("_", " ")]).append(kpi["label"])
    return known


def _propose_code(label: str, known: dict[str, list[str]]) -> tuple[str | None, str]:
    """The known code a free-text label means, by shared words ("Do you feel listened to?" ->
    ``listened_to``); None when no code shares half its words or two codes match equally."""
    words = _theme_words(label, _CODE_STOPWORDS)
    ranked = []
    for code, texts in known.items():
        best = (0.0, 0, set())
        for text in texts:
            target = _theme_words(text, _CODE_STOPWORDS)
            shared = words.keys() & target.keys()
            if target and shared and len(shared) / len(target) > best[0]:
                best = (len(shared) / len(target), len(shared), shared)
        if best[0] >= 0.5:
            ranked.append((best[0], best[1], code, best[2]))
    if not ranked:
        return None, ""
    ranked.sort(key=lambda r: (-r[0], -r[1]))
    if len(ranked) > 1 and ranked[1][:2] == ranked[0][:2]:
        return None, f"ambiguous: {ranked[0][2]} or {ranked[1][2]}"
    shared = ", ".join(sorted(words[w] for w in ranked[0][3]))
    return ranked[0][2], f"shares the word(s) {shared}"


def _propose_themes(domains: list[tuple[str, str]], defaults: dict
                    ) -> tuple[dict[str, list[tuple[str, str]]], list[tuple[str, str]]]:  # fmt: skip
    """Each domain's best theme by shared words with the theme's label and default domains.

    Returns:
        ``{theme_id: [(domain_id, evidence), ...]}`` and the domains that matched no theme.
    """
    default_labels = {d["id"]: d["label"] for d in defaults["domains"]}
    themes = defaults["themes"]
    out: dict[str, list[tuple[str, str]]] = {t: [] for t in themes}
    unmatched = []
    for domain_id, label in domains:
        words = _theme_words(label)
        best: tuple[int, int, str | None, set[str]] = (0, 0, None, set())
        for theme_id, theme in themes.items():
            own = set(_theme_words(theme["label"])) | set(_theme_words(theme_id.replace("_", " ")))
            via: set[str] = set()
            for d in theme.get("audit_domains", []):
                via |= set(_theme_words(default_labels.get(d, d.replace("_", " "))))
            same_id = domain_id in theme.get("audit_domains", [])
            shared = (words.keys() & own) | (words.keys() & via)
            # Words of the theme's own label count double; a default domain's id counts most.
            score = 2 * len(words.keys() & own) + len(words.keys() & via) + (10 if same_id else 0)
            if score > best[0] or (score == best[0] and score and len(own) < best[1]):
                best = (score, len(own), theme_id, shared)
        if best[2] is None:
            unmatched.append((domain_id, label))
            continue
        if best[3]:
            why = f"'{label}' shares the word(s) " + ", ".join(sorted(words[k] for k in best[3]))
        else:
            why = f"'{label}' has the id of a default domain of this theme"
        out[best[2]].append((domain_id, why))
    return out, unmatched


# ---------------------------------------------------------------- writing YAML


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def _path_text(path: Path, out: Path | None) -> str:
    if out is not None:
        try:
            return Path(os.path.relpath(path.resolve(), out.resolve().parent)).as_posix()
        except ValueError:  # another drive on Windows
            pass
    return path.resolve().as_posix()


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, text: str = "", comment: str | None = None, *, indent: int = 0) -> None:
        pad = "  " * indent
        if comment:
            text = f"{text}  # {comment}" if text else f"# {comment}"
        self.lines.append(pad + text if text else "")

    def comment(self, text: str, *, indent: int = 0) -> None:
        self.line("", text, indent=indent)

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _write_source(w: _Writer, proposal: _Proposal, columns: tuple[Column, ...],
                  out: Path | None) -> None:  # fmt: skip
    table = proposal.table
    w.line(f"{proposal.source}:", indent=1)
    w.line(f"file: {_q(_path_text(table.path, out))}",
           f"GUESS: recognised as {_SOURCE_TITLES[proposal.source]} ({proposal.evidence})",
           indent=2)  # fmt: skip
    if table.sheet is not None:
        w.line(f"sheet: {_q(table.sheet)}",
               f"GUESS: the sheet holding the data; its header is on row {table.header_row}",
               indent=2)  # fmt: skip
    elif table.header_row > 1:
        w.comment(f"NOTE: the header is on row {table.header_row}; the rows above it are skipped",
                  indent=2)  # fmt: skip
    if table.encoding:
        w.line(f"encoding: {table.encoding}",
               "GUESS: the file is not UTF-8; read as Windows-1252 (as Excel saves CSV on Windows)",
               indent=2)  # fmt: skip
    w.line("columns:", indent=2)
    written = 0
    for column in columns:
        match = proposal.matches.get(column.name)
        if match is not None:
            if match.evidence == "canonical name":
                w.line(f"{column.name}: {_q(match.header)}",
                       f"header '{match.header}' is the canonical name", indent=3)  # fmt: skip
            else:
                w.line(f"{column.name}: {_q(match.header)}",
                       f"GUESS: header '{match.header}' resembles {column.name} ({match.evidence})",
                       indent=3)  # fmt: skip
            written += 1
        elif column.name in proposal.gaps:
            candidates = proposal.gaps[column.name]
            listed = ", ".join(f"'{c}'" for c in candidates) or "none"
            w.comment(f"GAP: required column {column.name} not found; candidate headers: {listed}. "
                      f"Write the export's header here:", indent=3)  # fmt: skip
            w.comment(f'{column.name}: "..."', indent=3)
    for domain_id, header, share in proposal.domains:
        w.line(f"{domain_id}: {_q(header)}",
               f"GUESS: audit domain: {share:.0%} of its values are grades", indent=3)  # fmt: skip
        written += 1
    if not written:
        w.line("{}", indent=3)
    unused = [h for h in table.profiles
              if h not in {m.header for m in proposal.matches.values()}
              and h not in {d[1] for d in proposal.domains}]  # fmt: skip
    if unused:
        w.comment("NOTE: columns not used: " + ", ".join(f"'{h}'" for h in unused)
                  + ". Map any that hold a canonical column (see docs/adopting.md).",
                  indent=2)  # fmt: skip
    value_lines = [(name, e) for name, entries in proposal.values.items() if name != "grades"
                   for e in entries]  # fmt: skip
    if value_lines:
        real = [(n, e) for n, e in value_lines if e[1] is not None]
        if real:
            w.line("values:", indent=2)
        by_name: dict[str, list] = {}
        for name, entry in value_lines:
            by_name.setdefault(name, []).append(entry)
        by_column = {c.name: c for c in columns}
        for name, entries in by_name.items():
            header = proposal.matches[name].header
            if any(e[1] is not None for e in entries):
                w.line(f"{name}:", indent=3)
            for label, value, evidence, n in entries:
                if value is not None:
                    w.line(f"{_q(label)}: {_q(value)}",
                           f"GUESS: '{label}' ({_plural(n, 'row')}) looks like {value}: {evidence}", indent=4)  # fmt: skip
                else:
                    column = by_column[name]
                    choices = ", ".join(column.vocab) if column.kind == "category" else "yes, no"
                    why = f" ({evidence})" if evidence else ""
                    effect = ("those rows are rejected" if column.required
                              else "those values are read as blank")  # fmt: skip
                    w.comment(f"GAP: '{label}' in '{header}' ({_plural(n, 'row')}) matches none of "
                              f"{choices}{why}; map it under values: {name}: or leave it and "
                              f"{effect}", indent=3)  # fmt: skip
    for note in proposal.notes:
        w.comment(note, indent=2)


def _write_annex(w: _Writer, annex: dict, out: Path | None, grades: GradeScale) -> None:
    annex_lists, _ = _annex_declarations()
    workbook, files = annex["workbook"], annex["files"]
    w.line("annex_a:", indent=1)
    mappings: list[tuple[str, str, str]] = []  # key, header, comment
    gaps: list[str] = []
    if workbook is not None:
        path, listed = workbook
        names = ", ".join(f"'{s}'" for s in listed.values())
        w.line(f"file: {_q(_path_text(path, out))}",
               f"GUESS: Annex A workbook: sheets {names}", indent=2)  # fmt: skip
        missing = [lid for lid in (f"list_{n}" for n in range(1, 12)) if lid not in listed]
        if missing:
            w.comment("NOTE: no sheet for " + ", ".join(missing) + "; those lists are treated as "
                      "not supplied", indent=2)  # fmt: skip
        for list_id, sheet in listed.items():
            if list_id not in annex_lists:
                continue
            try:
                table = _read_table(path, sheet, grades)
            except SourceError:
                table = None
            if table is None:
                continue
            _annex_list_mappings(list_id, table, annex_lists[list_id], mappings, gaps)
    if files:
        w.line("files:", indent=2)
        for list_id, proposal in sorted(files.items(), key=lambda kv: int(kv[0].split("_")[1])):
            w.line(f"{list_id}: {_q(_path_text(proposal.table.path, out))}",
                   f"GUESS: {proposal.evidence}", indent=3)  # fmt: skip
            _annex_list_mappings(list_id, proposal.table, annex_lists[list_id], mappings, gaps)
    if mappings:
        w.line("columns:", indent=2)
        for key, header, comment in mappings:
            w.line(f"{key}: {_q(header)}", comment, indent=3)
    for gap in gaps:
        w.comment(gap, indent=2)


def _annex_list_mappings(list_id: str, table: _Table, columns: tuple[Column, ...],
                         mappings: list, gaps: list) -> None:  # fmt: skip
    """Per-list mappings for headers the reader's own tolerant matching would miss."""
    empty = SourceConfig()
    by_norm = {normalise_label(h) for h in table.profiles}
    unmatched = [c for c in columns
                 if not any(normalise_label(w) in by_norm for w in candidate_headers(c, empty))]  # fmt: skip
    used = {h for h in table.profiles
            if any(normalise_label(h) in {normalise_label(w) for w in candidate_headers(c, empty)}
                   for c in columns)}  # fmt: skip
    for column in unmatched:
        header = suggest_column([h for h in table.profiles if h not in used], column)
        strength = _header_match(header, column)[0] if header else 0.0
        if (
            header
            and (column.required or strength >= 0.8)
            and _kind_fits(column, table.profiles[header])
        ):
            evidence = _header_match(header, column)[1]
            mappings.append((f"{list_id}.{column.name}", header,
                             f"GUESS: header '{header}' resembles {column.name} ({evidence})"))  # fmt: skip
            used.add(header)
        elif column.required:
            candidates = (
                ", ".join(f"'{c}'" for c in _rank_candidates(table, column, used)) or "none"
            )
            gaps.append(f"GAP: {table.label}: required column {column.name} not found; candidate "
                        f"headers: {candidates}. Map it as columns: {{{list_id}.{column.name}: \"...\"}}")  # fmt: skip


def propose_config(folder: Path, *, out: Path | None = None) -> str:
    """Propose a commented ``la.yaml`` for the exports in a folder.

    Args:
        folder: the folder of exports (CSV in UTF-8 or Windows-1252, XLSX).
        out: where the ``la.yaml`` will be written; file paths are then written relative to it.
            Without it they are written in full, so the file works wherever it is saved.

    Returns:
        The YAML text. Every inferred setting carries ``# GUESS: <evidence>``; every required column
        or source not found carries ``# GAP: ...`` with candidate headers. When the folder holds an
        audits export, the text loads with :func:`qaanalysis.config.load_config` as it is.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: not a folder")
    defaults = default_settings()
    grades = _default_grades()
    proposals, annex, notes = _recognise(folder, grades)
    schemas = {"audits": AUDIT_COLUMNS, **SIMPLE_SOURCES}
    for name, proposal in proposals.items():
        _fill_gaps(proposal, schemas[name])
        if name == "audits":
            _propose_domains(proposal, defaults)
        _propose_values(proposal, schemas[name], grades, defaults)
        _check_values(proposal, schemas[name])

    w = _Writer()
    w.comment(
        f"la.yaml proposed by `qaanalysis init` from the exports in {folder.resolve().as_posix()}"
    )
    w.comment("")
    w.comment("How to read this file (docs/adopting.md explains each step):")
    w.comment("  GUESS  a setting init inferred, with its evidence: check it against your export.")
    w.comment(
        "  GAP    something init could not find: fill it in, or leave it and accept the effect."
    )
    w.comment("  NOTE   what init saw and left alone.")
    w.comment("Delete a GUESS or GAP comment once you have dealt with it. Then run:")
    w.comment("  qaanalysis validate --config la.yaml")
    w.comment("Anything not written here (grades, themes, KPIs, timescales) comes from the suite's")
    w.comment("defaults; add a setting here only where your authority differs.")
    w.line()
    w.line("authority:")
    w.line(f"name: {_q('Your authority')}",
           "GAP: your local authority's name, as reports should show it", indent=1)  # fmt: skip
    w.line("slug: your-authority",
           "GAP: a short name for output folders: lower-case letters, digits and hyphens", indent=1)  # fmt: skip
    w.line("la_code: null",
           "GAP: DfE three-digit LA code (e.g. \"340\"), needed only for published benchmarks",
           indent=1)  # fmt: skip
    w.line()
    latest = _latest_date(proposals, schemas)
    if latest is not None:
        w.comment(f"NOTE: the latest date in these exports is {latest:%d/%m/%Y}. Set extract_date to the "
                  "day the exports were taken")  # fmt: skip
        w.comment("to check that no date lies after it; left out, today's date is used.")
        w.comment(f"extract_date: {latest:%Y-%m-%d}")
        w.line()

    w.line("sources:")
    for name in _ORDER:
        if name == "annex_a":
            if annex["workbook"] is not None or annex["files"]:
                _write_annex(w, annex, out, grades)
            continue
        if name in proposals:
            _write_source(w, proposals[name], schemas[name], out)
            continue
        if name == "audits":
            w.line("audits:", indent=1)
            w.line(f"file: {_q('audits-export-not-found.csv')}",
                   "GAP: no export was recognised as case-file audits (required). Name your "
                   "audits file here and map its columns", indent=2)  # fmt: skip
            w.line("columns: {}", indent=2)
            continue
        w.comment(f"GAP: no export recognised as {name} ({_SOURCE_TITLES[name]}; optional). To add "
                  f"one: {name}: {{file: \"...\", columns: {{...}}}}", indent=1)  # fmt: skip
    if annex["workbook"] is None and not annex["files"]:
        w.comment("GAP: no Annex A lists found (optional; the statutory-timescale KPIs are computed "
                  "from them). To add them: annex_a: {file: \"annex_a.xlsx\"} for a workbook with "
                  "sheets List 1 .. List 11, or annex_a: {files: {list_4: \"...\"}}", indent=1)  # fmt: skip
    if any(n.startswith("NOTE") for n in notes):
        w.line()
        for note in notes:
            w.comment(note)
    _write_published(w, annex, out)
    _write_grades(w, proposals)
    _write_domains_and_themes(w, proposals.get("audits"), defaults)
    _write_theme_vocabulary(w, proposals, defaults)
    _write_kpis(w, proposals.get("kpis"), defaults)
    return w.text()


def _write_published(w: _Writer, annex: dict, out: Path | None) -> None:
    """DfE published statistics and the statistical-neighbour model, if the folder holds them."""
    if annex["sn_model"] is None and not annex["published"]:
        return
    w.line()
    w.comment("DfE published statistics, for comparing KPIs with England, your region and your")
    w.comment("statistical neighbours. They need authority: la_code above.")
    if annex["sn_model"] is not None:
        w.line("published:")
        w.line(f"sn_model: {_q(_path_text(annex['sn_model'], out))}",
               "GUESS: the DfE statistical-neighbour model (columns old_la_code, SN_1 ...)",
               indent=1)  # fmt: skip
    for path in annex["published"]:
        w.comment(f"NOTE: '{path.name}' is a DfE published-statistics file. To benchmark a KPI with "
                  "it, add under published: measures: <kpi_id>: {file: \""
                  f"{_path_text(path, out)}\", value_column: \"...\", filters: {{...}}}}")  # fmt: skip


def _latest_date(proposals: dict[str, _Proposal], schemas: dict) -> pd.Timestamp | None:
    today = pd.Timestamp.today().normalize()
    latest = None
    for name, proposal in proposals.items():
        for column in schemas[name]:
            match = proposal.matches.get(column.name)
            if match is None or column.kind != "date" or not column.not_after_extract:
                continue
            values = pd.Series(proposal.table.profiles[match.header].values, dtype=object)
            dates = parse_dates(values) if len(values) else pd.Series(dtype="datetime64[ns]")
            dates = dates[dates <= today]
            if len(dates) and (latest is None or dates.max() > latest):
                latest = dates.max()
    return latest


def _write_grades(w: _Writer, proposals: dict[str, _Proposal]) -> None:
    audits = proposals.get("audits")
    entries = audits.values.get("grades", []) if audits else []
    if not entries:
        return
    w.line()
    real = [e for e in entries if e[1] is not None]
    if real:
        w.comment(
            "Grade spellings in your export that the suite does not know; added to the defaults."
        )
        w.line("grades:")
        w.line("synonyms:", indent=1)
        for label, value, evidence, n in real:
            w.line(f"{_q(label)}: {_q(value)}",
                   f"GUESS: '{label}' ({_plural(n, 'value')}) looks like {value}: {evidence}", indent=2)  # fmt: skip
    for label, value, evidence, n in entries:
        if value is None:
            why = f" ({evidence})" if evidence else ""
            w.comment(f"GAP: '{label}' ({_plural(n, 'value')}) is not a grade the suite knows{why}; "
                      "add it under grades: synonyms: with the grade it means, or the rows or values "
                      "holding it are rejected")  # fmt: skip


def _write_domains_and_themes(w: _Writer, audits: _Proposal | None, defaults: dict) -> None:
    default_ids = [d["id"] for d in defaults["domains"]]
    domains = [(d, h) for d, h, _ in audits.domains] if audits else []
    w.line()
    if not domains:
        w.comment("GAP: no audit domain columns (columns of grades besides the overall grade) were "
                  "found; the domain sections will be empty. List yours as {id: ..., label: ...}.")  # fmt: skip
        w.line("domains: []")
    elif [d for d, _ in domains] == default_ids:
        w.comment("NOTE: your audit domains are the suite's default domains.")
        return
    else:
        w.comment("Your audit domains (one per graded column), replacing the suite's default list.")
        w.line("domains:")
        for domain_id, header in domains:
            w.line(f"- {{id: {domain_id}, label: {_q(header)}}}", "GUESS: from the column header",
                   indent=1)  # fmt: skip
    ids = {d for d, _ in domains}
    matched, unmatched = _propose_themes(domains, defaults)
    w.line()
    w.comment(
        "The theme map: which of your audit domains speak to each practice theme. The default"
    )
    w.comment(
        "themes name the default domains, so each theme is pointed at yours (a theme naming an"
    )
    w.comment("unknown domain is an error). Labels, KPIs and other evidence stay as the defaults.")
    changed = []
    for theme_id, theme in defaults["themes"].items():
        default = theme.get("audit_domains", [])
        proposed = matched.get(theme_id, [])
        if [d for d, _ in proposed] == default and set(default) <= ids:
            continue
        if proposed or default:
            changed.append((theme_id, theme, proposed))
    if changed:
        w.line("themes:")
    for theme_id, theme, proposed in changed:
        new = [d for d, _ in proposed]
        w.line(f"{theme_id}:", indent=1)
        if proposed:
            why = "; ".join(e for _, e in proposed)
            w.line(f"audit_domains: [{', '.join(new)}]", f"GUESS: {why}", indent=2)
        else:
            w.line("audit_domains: []",
                   f"GAP: none of your domains matched \"{theme['label']}\"; add the ids of any that "
                   "speak to it", indent=2)  # fmt: skip
    for domain_id, label in unmatched:
        w.comment(f"GAP: domain {domain_id} ('{label}') matched no theme; add it to a theme's "
                  "audit_domains above", indent=1)  # fmt: skip


def _mapped_codes(proposal: _Proposal, column: str) -> list[str]:
    """The codes a column will hold once read: its labels, through the proposed mapping."""
    mapping = {label: value for label, value, _, _ in proposal.values.get(column, []) if value}
    profile = proposal.table.profiles[proposal.matches[column].header]
    return sorted({as_code(mapping.get(v, v)) for v in profile.values} - {""})


def _write_theme_vocabulary(w: _Writer, proposals: dict[str, _Proposal], defaults: dict) -> None:
    """Complaint categories, feedback questions and escalation categories that no theme names."""
    lines = []
    for (source, column), key in _THEMED_CODES.items():
        proposal = proposals.get(source)
        if key == "kpis" or proposal is None or column not in proposal.matches:
            continue
        codes = _mapped_codes(proposal, column)
        named = set(_known_codes(key, defaults))
        loose = [c for c in codes if c not in named]
        if not loose:
            continue
        kind = "GAP" if len(loose) == len(codes) else "NOTE"
        lines.append(f"{kind}: {source} {column} codes that no theme names: {', '.join(loose)}. "
                     f"Add each to a theme's {key} (e.g. themes: {{assessment: {{{key}: [...]}}}}) "
                     "so triangulation reads them; the default themes name: "
                     + ", ".join(sorted(named)))  # fmt: skip
    if lines:
        w.line()
        for line in lines:
            w.comment(line)


def _write_kpis(w: _Writer, proposal: _Proposal | None, defaults: dict) -> None:
    """Scorecard KPI ids the catalogue does not declare: declared, with a unit read from values."""
    if proposal is None or "kpi_id" not in proposal.matches or "value" not in proposal.matches:
        return
    frame = proposal.table.frame
    mapping = {label: value for label, value, _, _ in proposal.values.get("kpi_id", []) if value}
    labels = frame[proposal.matches["kpi_id"].header].astype(str)
    values = pd.to_numeric(frame[proposal.matches["value"].header].astype(str).str.replace(
        ",", "").str.replace("%", ""), errors="coerce")  # fmt: skip
    rows = []
    for label in dict.fromkeys(labels):
        if _is_blank(label):
            continue
        kpi_id = as_code(mapping.get(label, label))
        if kpi_id in defaults["kpis"] or kpi_id in {r[0] for r in rows}:
            continue
        these = values[labels == label].dropna()
        if len(these) and these.between(0, 1).all():
            unit, why = "percent", "its values all lie between 0 and 1 (fractions)"
        else:
            unit, why = "number", "its values are not all fractions"
        rows.append((kpi_id, label, unit, why))
    if not rows:
        return
    w.line()
    w.comment(
        "Scorecard KPIs the suite does not know, declared so the performance section can show"
    )
    w.comment(
        "them. Set each one's polarity (higher or lower is better; default higher) and target."
    )
    w.line("kpis:")
    for kpi_id, label, unit, why in rows:
        w.line(f"{kpi_id}: {{label: {_q(label)}, unit: {unit}, source: scorecard}}",
               f"GUESS: unit {unit}: {why}. GAP: polarity and target", indent=1)  # fmt: skip
