"""Recognising which source each table holds, mapping its columns and proposing its values."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...config import GradeScale
from ...sources.hints import (
    column_names,
    expand_words,
    header_match,
    normalise_words,
    propose_value,
    value_options,
)
from ...sources.reader import SourceError, as_code, normalise_label
from ...sources.schema import AUDIT_COLUMNS, SIMPLE_SOURCES, Column
from .content import CONTENT_STRENGTH, content_matches
from .statutory import statutory_return, statutory_xml
from .tables import (
    _MAX_LABELS,
    _PROFILE_ROWS,
    _READABLE,
    _SKIP_PREFIXES,
    _THEMED_CODES,
    FILE_HINTS,
    _annex_declarations,
    _annex_sheets,
    _csv_top_rows,
    _default_grades,
    _Profile,
    _read_table,
    _Table,
    exported_date,
)
from .themes import _known_codes, _propose_code

# ---------------------------------------------------------------- recognising sources


@dataclass
class _Match:
    canonical: str
    header: str
    strength: float
    evidence: str
    by_values: bool = False  # recognised by what the column holds, not by its header


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


def _map_columns(
    table: _Table, columns: tuple[Column, ...], source: str | None = None
) -> dict[str, _Match]:
    """Greedy one-to-one matching of canonical columns to headers, strongest first; then, for
    ``source``, columns whose values identify a canonical column that no header named."""
    candidates = []
    for column in columns:
        for header, profile in table.profiles.items():
            strength, evidence = header_match(header, column)
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
    if source is not None:
        named = {name: m.header for name, m in matches.items()}
        for name, header, evidence in content_matches(table, columns, source=source, matched=named):
            matches[name] = _Match(name, header, CONTENT_STRENGTH, evidence, by_values=True)
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
            options = value_options(column, _default_grades())
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
    matches = _map_columns(table, columns, source)
    required = [c for c in columns if c.required]
    cover = sum(c.name in matches for c in required) / len(required) if required else 0.0
    score = sum(
        m.strength * (3 if c.required else 1) for c in columns if (m := matches.get(c.name))
    )
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


def _score_annex_list(
    list_id: str, table: _Table, columns: tuple[Column, ...], key_date: str | None
) -> _Proposal:
    """A single-list file: scored on the list's own columns (the child columns are everywhere)."""
    shared = {
        "child_id",
        "gender",
        "ethnicity",
        "date_of_birth",
        "age",
        "disability",
        "team",
        "worker",
        "family_id",
    }
    matches = _map_columns(table, columns)
    own = [c for c in columns if c.name not in shared]
    score = sum(
        matches[c.name].strength * (3 if c.name == key_date else 1)
        for c in own
        if c.name in matches
    )
    required = [c for c in columns if c.required]
    cover = sum(c.name in matches for c in required) / len(required) if required else 0.0
    if key_date is not None and key_date not in matches:
        score = 0.0
    elif key_date is None and (
        "child_id" not in matches or len(set(matches) & {c.name for c in own}) < 3
    ):
        score = 0.0  # List 9 has no key date: its own columns must speak for it
    proposal = _Proposal(
        "annex_a",
        table,
        score,
        cover,
        matches,
        list_id=list_id,
        evidence=f"{sum(c.name in matches for c in own)} of {len(own)} "
        f"{list_id.replace('_', ' ').title()} columns",
    )
    return proposal


# ---------------------------------------------------------------- building proposals


def _rank_candidates(table: _Table, column: Column, used: set[str]) -> list[str]:
    """Unused headers that might hold a column, most likely first (kind-compatible before others)."""
    scored = []
    _, names = column_names(column)
    targets = [column.name.replace("_", " "), *names]
    for header, profile in table.profiles.items():
        if header in used:
            continue
        ratio = max(
            difflib.SequenceMatcher(None, expand_words(header), expand_words(t)).ratio()
            for t in targets
        )
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
                h
                for h in candidates
                if (
                    table.profiles[h].date_share
                    if column.kind == "date"
                    else table.profiles[h].grade_share
                )
                >= 0.8
            ]
            if column.name == "overall_grade":
                fitting = [
                    h
                    for h in fitting
                    if any(w in normalise_label(h) for w in ("overall", "final", "judge", "grade"))
                ]
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
        known[normalise_words(domain["label"])] = domain["id"]
        known[normalise_words(domain["id"])] = domain["id"]
    used = {m.header for m in proposal.matches.values()}
    fixed = {c.name for c in AUDIT_COLUMNS}
    ids: set[str] = set()
    for header, profile in proposal.table.profiles.items():
        if header in used or len(profile.values) < 2 or profile.grade_share < 0.8:
            continue
        domain_id = (
            known.get(normalise_words(header))
            or normalise_words(header).replace(" ", "_")
            or "domain"
        )
        if domain_id in fixed or domain_id[0].isdigit():
            domain_id = f"domain_{domain_id}"
        base, n = domain_id, 2
        while domain_id in ids:
            domain_id, n = f"{base}_{n}", n + 1
        ids.add(domain_id)
        proposal.domains.append((domain_id, header, profile.grade_share))


def _propose_values(
    proposal: _Proposal, columns: tuple[Column, ...], grades: GradeScale, defaults: dict
) -> None:
    """Labels to map: in category, yes/no and grade columns, those the reader would not accept; in
    the columns the theme map reads (complaint categories, questions, KPI ids), free-text labels
    whose words match a code the theme map names."""
    by_name = {c.name: c for c in columns}
    graded = [
        (m.canonical, m.header)
        for m in proposal.matches.values()
        if by_name.get(m.canonical) and by_name[m.canonical].kind == "grade"
    ]
    graded += [(d, h) for d, h, _ in proposal.domains]
    targets = [
        (m.canonical, m.header)
        for m in proposal.matches.values()
        if by_name.get(m.canonical) and by_name[m.canonical].kind in ("category", "yesno")
    ]
    for name, header in targets + [("grades", h) for _, h in graded]:
        column = Column(header, "grade") if name == "grades" else by_name[name]
        profile = proposal.table.profiles[header]
        accepted = value_options(column, grades)
        counts = pd.Series(profile.values, dtype=object).value_counts(sort=False)
        entries = proposal.values.setdefault(name, [])
        for label, n in counts.items():
            if normalise_label(label) in accepted:
                continue
            seen = next((i for i, e in enumerate(entries) if e[0] == label), None)
            if seen is not None:  # the same grade label in another column: count it once more
                entries[seen] = (*entries[seen][:3], entries[seen][3] + int(n))
                continue
            value, evidence = propose_value(label, column, grades)
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


def _read_annex_sheets(
    path: Path, listed: dict[str, str], annex: dict, annex_lists: dict, grades: GradeScale
) -> None:
    """Read the Annex A workbook's list sheets once, for their mappings and their dates."""
    for list_id, sheet in listed.items():
        if list_id not in annex_lists:
            continue
        try:
            table = _read_table(path, sheet, grades)
        except SourceError:
            continue
        if table is not None:
            annex["tables"][list_id] = table
            stated = exported_date(table.above)
            if stated is not None:
                annex["exported"].append((*stated, table.label))


def _recognise(folder: Path, grades: GradeScale) -> tuple[dict[str, _Proposal], dict, list[str]]:
    """Every readable table in the folder, assigned to at most one source.

    Returns:
        ``{source: proposal}`` for the simple sources and audits; the Annex A plan, DfE files and
        the export dates the tables state (``{"workbook": (path, {list_id: sheet}) or None,
        "files": {list_id: proposal}, "published": [path, ...], "sn_model": path or None,
        "exported": [(date, line, table label), ...], "tables": {list_id: the workbook's table}}``);
        and notes.
    """
    notes: list[str] = []
    annex_lists, key_dates = _annex_declarations()
    annex: dict = {
        "workbook": None,
        "files": {},
        "published": [],
        "sn_model": None,
        "exported": [],
        "tables": {},
    }
    schemas = {"audits": AUDIT_COLUMNS, **SIMPLE_SOURCES}
    best: dict[str, list[_Proposal]] = {}
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in _READABLE
        and len(p.relative_to(folder).parts) <= 2  # the folder and its sub-folders, not deeper
        and not any(
            part.startswith(_SKIP_PREFIXES) or part == "outputs"
            for part in p.relative_to(folder).parts
        )
    )
    for other in sorted(folder.glob("*")):
        if other.suffix.lower() in (".xls", ".ods", ".numbers") and not other.name.startswith("~$"):
            notes.append(
                f"NOTE: '{other.name}' is not read (an older or non-Excel spreadsheet "
                "format); open it and save it as .xlsx or CSV, then run init again"
            )
    for path in sorted(folder.rglob("*.xml")):
        if len(path.relative_to(folder).parts) > 2 or path.name.startswith(_SKIP_PREFIXES):
            continue
        found = statutory_xml(path.read_bytes()[:65536].decode("utf-8", errors="ignore"))
        if found:
            notes.append(f"NOTE: '{path.name}' is {found[0]}. {found[1]}")
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
                    _read_annex_sheets(path, listed, annex, annex_lists, grades)
                    continue
                notes.append(
                    f"NOTE: '{path.name}' is a second Annex A workbook; only "
                    f"'{annex['workbook'][0].name}' is used"
                )
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
            stated = exported_date(table.above)
            if stated is not None:
                annex["exported"].append((*stated, table.label))
            found = statutory_return(table.frame.columns)
            if found:
                notes.append(f"NOTE: '{table.label}' is {found[0]}. {found[1]}")
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
