"""Header and label hints: which export header or label most likely means a canonical one.

Used by the reader, so that ``qaanalysis validate`` can say "column 'Date of Audit' looks like
audit_date" or "'Req. Improvement' looks like Requires Improvement" (:func:`column_hint`,
:func:`value_hint`), and by ``qaanalysis init`` (:mod:`qaanalysis.tools.adopt`), which proposes the
same matches as ``GUESS`` settings in a new ``la.yaml``.

The vocabulary here (``GUESS_HEADER_SYNONYMS``, ``GUESS_VALUE_SYNONYMS``) is wider and riskier than
the synonyms declared in ``sources/schema.py``: it only ever suggests; the reader matches only the
declared synonyms and what ``la.yaml`` names.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable

from ..config import GradeScale
from .reader import grade_map, normalise_label
from .schema import AUDIT_COLUMNS, SIMPLE_SOURCES, Column

__all__ = [
    "GUESS_HEADER_SYNONYMS",
    "GUESS_VALUE_SYNONYMS",
    "column_hint",
    "column_names",
    "expand_words",
    "header_match",
    "normalise_words",
    "propose_value",
    "suggest_column",
    "suggest_value",
    "value_hint",
    "value_options",
    "yaml_quote",
]


# Header variants seen in authorities' exports, beyond the reader's declared synonyms. Keyed by
# canonical column name; a name shared by several sources (team, service) means the same there.
GUESS_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "audit_id": (
        "audit id",
        "audit number",
        "audit no",
        "audit reference number",
        "audit ref no",
        "form id",
        "audit record id",
        "case audit id",
    ),
    "child_id": (
        "child id",
        "young person id",
        "yp id",
        "person ref",
        "person reference",
        "client id",
        "lcs id",
        "mosaic id",
        "eclipse id",
        "child number",
        "person number",
        "child reference",
        "child unique identifier",
        "unique child id",
        "case id",
    ),
    "audit_date": (
        "audit date",
        "audit completed",
        "date audit completed",
        "audit completion date",
        "completion date",
        "date completed",
        "date of completion",
    ),
    "service": ("service area", "locality", "area", "directorate", "division", "service name"),
    "team": ("team name", "allocated team", "current team", "owning team", "team at audit"),
    "overall_grade": (
        "overall grade",
        "overall rating",
        "final judgement",
        "final grade",
        "overall judgment",
        "final judgment",
        "overall outcome",
        "judgement",
        "overall audit grade",
    ),
    "audit_type": ("type of audit", "audit category"),
    "theme": ("audit theme", "themed audit", "focus"),
    "cohort": (
        "case status",
        "child status",
        "childs status",
        "case type",
        "service level",
        "status",
        "case category",
    ),
    "practitioner_id": (
        "social worker",
        "worker",
        "practitioner",
        "allocated worker",
        "case worker",
        "allocated social worker",
        "caseworker",
        "lead practitioner",
    ),
    "auditor_id": ("auditor", "auditor name", "audited by", "lead auditor"),
    "auditor_role": ("role of auditor", "auditor job title", "auditor position"),
    "moderated_grade": (
        "moderated judgement",
        "moderation judgement",
        "moderation outcome",
        "moderated rating",
        "grade after moderation",
        "moderator grade",
        "moderated judgment",
    ),
    "immediate_response": (
        "immediate action",
        "immediate action required",
        "urgent action",
        "immediate response required",
    ),
    "family_feedback": (
        "family views",
        "feedback from family",
        "family consulted",
        "family feedback obtained",
    ),
    "action_id": ("action number", "action no", "action ref", "action reference"),
    "raised_date": (
        "raised on",
        "date action raised",
        "date of alert",
        "alert date",
        "date escalated",
        "date raised",
    ),
    "due_date": ("target date", "deadline", "due by"),
    "completed_date": ("completion date", "date closed", "closed on"),
    "owner_team": ("responsible team", "owner", "action owner team"),
    "kpi_id": ("kpi", "indicator id", "pi", "pi ref", "measure id"),
    "month": ("reporting month", "month ending", "month end"),
    "value": ("result", "actual", "performance"),
    "year": ("financial year", "reporting year"),
    "comparator": ("comparison", "benchmark type", "compared with", "benchmark"),
    "record_id": (
        "ref no",
        "reference number",
        "complaint ref",
        "complaint reference",
        "case ref",
        "complaint id",
        "complaint number",
    ),
    "received_date": ("received", "date logged", "date of complaint", "received on", "logged date"),
    "record_type": (
        "record type",
        "representation type",
        "type of representation",
        "contact type",
        "feedback type",
        "nature of contact",
    ),
    "stage": ("complaint stage", "stage of complaint", "procedure stage"),
    "category": (
        "complaint category",
        "subject",
        "nature of complaint",
        "issue",
        "alert category",
        "reason for alert",
        "issue category",
        "main issue",
    ),
    "complainant": (
        "who complained",
        "complainant type",
        "made by",
        "complainant relationship",
        "relationship to child",
    ),
    "advocate": ("advocate used", "advocate involved", "advocacy", "supported by advocate"),
    "responded_date": (
        "response sent",
        "date of response",
        "date response sent",
        "responded on",
        "date responded",
    ),
    "extended": ("extension", "extension agreed", "timescale extended", "extended timescale"),
    "outcome": ("result", "finding", "decision", "complaint outcome"),
    "learning": ("lessons learned", "lessons learnt", "learning identified", "actions taken"),
    "response_id": (
        "response no",
        "response number",
        "respondent id",
        "submission id",
        "survey id",
        "response ref",
    ),
    "date": (
        "response date",
        "date completed",
        "survey date",
        "date of response",
        "submitted",
        "date submitted",
    ),
    "channel": ("method", "survey method", "how completed", "source", "mode", "collected via"),
    "respondent": ("completed by", "respondent type", "who completed", "person completing"),
    "question": ("question id", "survey question", "item"),
    "score": ("rating", "answer score", "response score"),
    "comment": ("comments", "free text", "verbatim", "what could be better"),
    "consent_to_quote": (
        "happy to be quoted",
        "consent",
        "quote consent",
        "may we quote",
        "consent to share",
    ),
    "alert_id": ("alert number", "alert ref", "escalation id", "drp id", "alert reference"),
    "resolved_date": ("date resolved", "resolution date", "closed date", "date closed"),
}

# Value variants beyond the declared vocabularies: proposed (as GUESS), never read silently.
GUESS_VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "cohort": {
        "lac": "CLA",
        "cic": "CLA",
        "looked after child": "CLA",
        "child in care": "CLA",
        "cp plan": "CP",
        "child protection plan": "CP",
        "cin plan": "CIN",
        "leaving care": "CL",
        "care leaver service": "CL",
        "eh": "EH",
    },
    "record_type": {
        "complaints": "complaint",
        "compliments": "compliment",
        "comments": "comment",
        "representation": "complaint",
        "concern": "complaint",
    },
    "complainant": {
        "grandparent": "other",
        "grandmother": "other",
        "grandfather": "other",
        "aunt": "other",
        "uncle": "other",
        "sibling": "other",
        "mum": "parent",
        "dad": "parent",
        "step parent": "parent",
        "adoptive parent": "parent",
        "special guardian": "carer",
        "kinship carer": "carer",
        "yp": "young_person",
    },
    "stage": {
        "stage one": "1",
        "stage two": "2",
        "stage three": "3",
        "st1": "1",
        "st2": "2",
        "st3": "3",
        "review panel": "3",
        "independent investigation": "2",
        "ombudsman": "ombudsman",
        "lgsco": "ombudsman",
    },
    "outcome": {
        "partial": "partly_upheld",
        "partially": "partly_upheld",
        "not substantiated": "not_upheld",
    },
    "respondent": {
        "yp": "young_person",
        "mum": "parent",
        "dad": "parent",
        "mother": "parent",
        "father": "parent",
        "foster parent": "carer",
        "kinship carer": "carer",
        "teacher": "partner",
        "school": "partner",
        "health": "partner",
        "police": "partner",
        "partner agency": "partner",
        "worker": "practitioner",
    },
    "comparator": {"sns": "statistical_neighbours", "stat neighbour": "statistical_neighbours"},
}

# Abbreviations in headers, expanded before comparing ("Ref No" -> "reference number").
_WORD_EXPANSIONS = {
    "no": "number",
    "num": "number",
    "nr": "number",
    "ref": "reference",
    "yp": "young person",
    "dt": "date",
    "sw": "social worker",
}

_YESNO = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "1": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "0": "no",
}

# ---------------------------------------------------------------- matching words


@functools.lru_cache(maxsize=65536)
def normalise_words(text: str) -> str:
    """``normalise_label`` with apostrophes dropped, so "Child's" reads as "childs"."""
    return normalise_label(str(text).replace("'", "").replace("\u2019", ""))


@functools.lru_cache(maxsize=65536)
def expand_words(text: str) -> str:
    return " ".join(_WORD_EXPANSIONS.get(w, w) for w in normalise_words(text).split())


def _abbreviates(short: str, full: str) -> bool:
    """Each word of ``short`` begins the matching word of ``full`` ("req imp" -> "requires improvement")."""
    a, b = short.split(), full.split()
    if not a or len(a) != len(b) or a == b:
        return False
    return all(y.startswith(x) and (len(x) >= 2 or x == y) for x, y in zip(a, b, strict=True))


@functools.lru_cache(maxsize=65536)
def _similarity(text: str, target: str) -> tuple[float, str]:
    """How strongly ``text`` resembles ``target`` (both raw): strength 0..1 and the evidence."""
    a, b = expand_words(text), expand_words(target)
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


def column_names(column: Column | str, synonyms: Iterable[str] = ()) -> tuple[str, list[str]]:
    name = column if isinstance(column, str) else column.name
    # A name means the same in every source: audit_actions' audit_id is headed like audits' one.
    declared = (
        [] if isinstance(column, str) else list(column.header_synonyms)
    ) + _declared_synonyms(name)
    extra = list(GUESS_HEADER_SYNONYMS.get(name, ()))
    return name, list(dict.fromkeys([*synonyms, *declared, *extra]))


def header_match(
    header: str, column: Column | str, synonyms: Iterable[str] = ()
) -> tuple[float, str]:
    """Strength 0..1 with which ``header`` names ``column``, and the evidence in words."""
    name, names = column_names(column, synonyms)
    return _header_match_names(header, name, tuple(names))


@functools.lru_cache(maxsize=65536)
def _header_match_names(header: str, name: str, names: tuple[str, ...]) -> tuple[float, str]:
    h = normalise_words(header)
    if not h:
        return 0.0, ""
    if h == normalise_words(name):
        return 1.0, "canonical name"
    if any(h == normalise_words(s) for s in names):
        return 1.0, "synonym"
    best = (0.0, "")
    for target in [name.replace("_", " "), *names]:
        found = _similarity(header, target)
        if found[0] > best[0]:
            best = found
    return best


def suggest_column(
    headers: Iterable[str],
    canonical: Column | str,
    *,
    synonyms: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> str | None:
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
        strength, _ = header_match(header, canonical, synonyms)
        if strength > best_strength:
            best, best_strength = header, strength
    return best if best_strength >= 0.6 else None


def column_hint(
    headers: Iterable[str],
    canonical: Column | str,
    *,
    synonyms: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> str | None:
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
    _, evidence = header_match(header, canonical, synonyms)
    return (
        f"column '{header}' looks like {name} ({evidence}); to use it, write "
        f"{name}: {yaml_quote(header)} under this source's columns in la.yaml"
    )


def value_options(column: Column, grades: GradeScale) -> dict[str, str]:
    """Normalised label -> canonical value, for the column's kind (grades, yes/no, a vocabulary)."""
    if column.kind == "grade":
        return grade_map(grades)
    if column.kind == "yesno":
        return dict(_YESNO)
    options = {normalise_label(v): v for v in column.vocab}
    options.update({normalise_label(k): v for k, v in column.value_synonyms.items()})
    return options


def propose_value(label: str, column: Column, grades: GradeScale) -> tuple[str | None, str]:
    """A canonical value for a label the reader would not accept, with the evidence; None if none.

    Returns ``(value, evidence)``; ``value`` is None when there is no match or two values match
    equally (the evidence then names them).
    """
    norm = normalise_label(label)
    options = value_options(column, grades)
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
    proposed, _ = propose_value(value, column, grades)
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
        f"'{value}' looks like {proposed}; to accept it, add {yaml_quote(value)}: {yaml_quote(proposed)} "
        f"under {where} in la.yaml"
    )


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)
