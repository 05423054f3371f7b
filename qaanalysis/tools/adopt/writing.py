"""Writing the proposed ``la.yaml``: each source, Annex A, grades, domains, themes and KPIs."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ...config import GradeScale, SourceConfig
from ...sources.hints import header_match, suggest_column, yaml_quote
from ...sources.reader import as_code, candidate_headers, normalise_label, parse_dates
from ...sources.schema import Column
from .recognise import _kind_fits, _map_columns, _Proposal, _rank_candidates
from .tables import (
    _SOURCE_TITLES,
    _THEMED_CODES,
    _annex_declarations,
    _is_blank,
    _Table,
)
from .themes import _known_codes, _propose_themes

# ---------------------------------------------------------------- writing YAML


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


def _write_source(
    w: _Writer, proposal: _Proposal, columns: tuple[Column, ...], out: Path | None
) -> None:
    table = proposal.table
    w.line(f"{proposal.source}:", indent=1)
    w.line(
        f"file: {yaml_quote(_path_text(table.path, out))}",
        f"GUESS: recognised as {_SOURCE_TITLES[proposal.source]} ({proposal.evidence})",
        indent=2,
    )
    if table.sheet is not None:
        w.line(
            f"sheet: {yaml_quote(table.sheet)}",
            f"GUESS: the sheet holding the data; its header is on row {table.header_row}",
            indent=2,
        )
    elif table.header_row > 1:
        w.comment(
            f"NOTE: the header is on row {table.header_row}; the rows above it are skipped",
            indent=2,
        )
    if table.encoding:
        w.line(
            f"encoding: {table.encoding}",
            "GUESS: the file is not UTF-8; read as Windows-1252 (as Excel saves CSV on Windows)",
            indent=2,
        )
    w.line("columns:", indent=2)
    written = 0
    for column in columns:
        match = proposal.matches.get(column.name)
        if match is not None:
            if match.by_values:
                w.line(
                    f"{column.name}: {yaml_quote(match.header)}",
                    f"GUESS: '{match.header}' holds {column.name}: {match.evidence}",
                    indent=3,
                )
            elif match.evidence == "canonical name":
                w.line(
                    f"{column.name}: {yaml_quote(match.header)}",
                    f"header '{match.header}' is the canonical name",
                    indent=3,
                )
            else:
                w.line(
                    f"{column.name}: {yaml_quote(match.header)}",
                    f"GUESS: header '{match.header}' resembles {column.name} ({match.evidence})",
                    indent=3,
                )
            written += 1
        elif column.name in proposal.gaps:
            candidates = proposal.gaps[column.name]
            listed = ", ".join(f"'{c}'" for c in candidates) or "none"
            w.comment(
                f"GAP: required column {column.name} not found; candidate headers: {listed}. "
                f"Write the export's header here:",
                indent=3,
            )
            w.comment(f'{column.name}: "..."', indent=3)
    for domain_id, header, share in proposal.domains:
        w.line(
            f"{domain_id}: {yaml_quote(header)}",
            f"GUESS: audit domain: {share:.0%} of its values are grades",
            indent=3,
        )
        written += 1
    if not written:
        w.line("{}", indent=3)
    unused = [
        h
        for h in table.profiles
        if h not in {m.header for m in proposal.matches.values()}
        and h not in {d[1] for d in proposal.domains}
    ]
    if unused:
        w.comment(
            "NOTE: columns not used: "
            + ", ".join(f"'{h}'" for h in unused)
            + ". Map any that hold a canonical column (see docs/adopting.md).",
            indent=2,
        )
    value_lines = [
        (name, e) for name, entries in proposal.values.items() if name != "grades" for e in entries
    ]
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
                    w.line(
                        f"{yaml_quote(label)}: {yaml_quote(value)}",
                        f"GUESS: '{label}' ({_plural(n, 'row')}) looks like {value}: {evidence}",
                        indent=4,
                    )
                else:
                    column = by_column[name]
                    choices = ", ".join(column.vocab) if column.kind == "category" else "yes, no"
                    why = f" ({evidence})" if evidence else ""
                    effect = (
                        "those rows are rejected"
                        if column.required
                        else "those values are read as blank"
                    )
                    w.comment(
                        f"GAP: '{label}' in '{header}' ({_plural(n, 'row')}) matches none of "
                        f"{choices}{why}; map it under values: {name}: or leave it and "
                        f"{effect}",
                        indent=3,
                    )
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
        w.line(
            f"file: {yaml_quote(_path_text(path, out))}",
            f"GUESS: Annex A workbook: sheets {names}",
            indent=2,
        )
        missing = [lid for lid in (f"list_{n}" for n in range(1, 12)) if lid not in listed]
        if missing:
            w.comment(
                "NOTE: no sheet for " + ", ".join(missing) + "; those lists are treated as "
                "not supplied",
                indent=2,
            )
        for list_id, table in annex["tables"].items():
            _annex_list_mappings(list_id, table, annex_lists[list_id], mappings, gaps)
    if files:
        w.line("files:", indent=2)
        for list_id, proposal in sorted(files.items(), key=lambda kv: int(kv[0].split("_")[1])):
            w.line(
                f"{list_id}: {yaml_quote(_path_text(proposal.table.path, out))}",
                f"GUESS: {proposal.evidence}",
                indent=3,
            )
            _annex_list_mappings(list_id, proposal.table, annex_lists[list_id], mappings, gaps)
    if mappings:
        w.line("columns:", indent=2)
        for key, header, comment in mappings:
            w.line(f"{key}: {yaml_quote(header)}", comment, indent=3)
    for gap in gaps:
        w.comment(gap, indent=2)


def _annex_list_mappings(
    list_id: str, table: _Table, columns: tuple[Column, ...], mappings: list, gaps: list
) -> None:
    """Per-list mappings for headers the reader's own tolerant matching would miss."""
    empty = SourceConfig()
    by_norm = {normalise_label(h) for h in table.profiles}
    unmatched = [
        c
        for c in columns
        if not any(normalise_label(w) in by_norm for w in candidate_headers(c, empty))
    ]
    used = {
        h
        for h in table.profiles
        if any(
            normalise_label(h) in {normalise_label(w) for w in candidate_headers(c, empty)}
            for c in columns
        )
    }
    for column in unmatched:
        header = suggest_column([h for h in table.profiles if h not in used], column)
        strength = header_match(header, column)[0] if header else 0.0
        if (
            header
            and (column.required or strength >= 0.8)
            and _kind_fits(column, table.profiles[header])
        ):
            evidence = header_match(header, column)[1]
            mappings.append(
                (
                    f"{list_id}.{column.name}",
                    header,
                    f"GUESS: header '{header}' resembles {column.name} ({evidence})",
                )
            )
            used.add(header)
        elif column.required:
            candidates = (
                ", ".join(f"'{c}'" for c in _rank_candidates(table, column, used)) or "none"
            )
            gaps.append(
                f"GAP: {table.label}: required column {column.name} not found; candidate "
                f'headers: {candidates}. Map it as columns: {{{list_id}.{column.name}: "..."}}'
            )


def _write_published(w: _Writer, annex: dict, out: Path | None) -> None:
    """DfE published statistics and the statistical-neighbour model, if the folder holds them."""
    if annex["sn_model"] is None and not annex["published"]:
        return
    w.line()
    w.comment("DfE published statistics, for comparing KPIs with England, your region and your")
    w.comment("statistical neighbours. They need authority: la_code above.")
    if annex["sn_model"] is not None:
        w.line("published:")
        w.line(
            f"sn_model: {yaml_quote(_path_text(annex['sn_model'], out))}",
            "GUESS: the DfE statistical-neighbour model (columns old_la_code, SN_1 ...)",
            indent=1,
        )
    for path in annex["published"]:
        w.comment(
            f"NOTE: '{path.name}' is a DfE published-statistics file. To benchmark a KPI with "
            'it, add under published: measures: <kpi_id>: {file: "'
            f'{_path_text(path, out)}", value_column: "...", filters: {{...}}}}'
        )


def _latest_date(
    proposals: dict[str, _Proposal], schemas: dict, annex: dict
) -> tuple[pd.Timestamp, str] | None:
    """The latest date in the recognised exports' dated columns (Annex A's too), and where it is.

    Only columns whose dates may not lie after the extract date count (not due dates, not dates of
    birth). Dates after today are left out: they are typing errors (2062 for 2026), never the
    extract date.
    """
    annex_lists, _ = _annex_declarations()
    tables = [(p.table, schemas[name], p.matches) for name, p in proposals.items()]
    listed = {**annex["tables"], **{lid: p.table for lid, p in annex["files"].items()}}
    for list_id, table in listed.items():
        columns = annex_lists.get(list_id, ())
        tables.append((table, columns, _map_columns(table, columns)))
    today = pd.Timestamp.today().normalize()
    latest = None
    where = ""
    for table, columns, matches in tables:
        for column in columns:
            match = matches.get(column.name)
            if match is None or column.kind != "date" or not column.not_after_extract:
                continue
            values = pd.Series(table.profiles[match.header].values, dtype=object)
            dates = parse_dates(values) if len(values) else pd.Series(dtype="datetime64[ns]")
            dates = dates[dates <= today]
            if len(dates) and (latest is None or dates.max() > latest):
                latest = dates.max()
                where = f"'{match.header}' in {table.label}"
    return (latest, where) if latest is not None else None


def _write_extract_date(w: _Writer, exported: list, latest: tuple | None) -> None:
    """``extract_date``: the date an export's title rows state, else the latest date in the data.

    Args:
        w: the writer.
        exported: ``(date, line, table label)`` for each table whose title rows say when it was
            exported.
        latest: the latest date found in the exports and where, or None.
    """
    effect = (
        "Dates after it are reported as errors, and KPIs about open cases are worked out as "
        "at this day; change it each time you refresh the exports"
    )
    if exported:
        date, line, label = max(exported, key=lambda e: e[0])
        w.line(
            f"extract_date: {date:%Y-%m-%d}",
            f"GUESS: {label} says '{line}' above its header. {effect}",
        )
        others = sorted({f"{d:%d/%m/%Y} ({lab})" for d, _, lab in exported if d != date})
        if others:
            w.comment(
                "NOTE: other exports say they were taken earlier: "
                + ", ".join(others)
                + "; the latest is used, so none of their dates is wrongly rejected"
            )
    elif latest is not None:
        date, where = latest
        w.line(
            f"extract_date: {date:%Y-%m-%d}",
            f"GUESS: no export says when it was taken; this is the latest date in them "
            f"({where}). Set it to the day the exports were taken. {effect}",
        )
    else:
        w.comment(
            "GAP: extract_date: the day the exports were taken (no export says, and no dates "
            "were found). Left out, the day the suite runs is used, so future-dated errors "
            "are judged against that day"
        )
    w.line()


def _write_targets(
    w: _Writer, proposals: dict[str, _Proposal], annex: dict, defaults: dict
) -> None:
    """A GAP asking for targets for the catalogue's KPIs that the exports feed (KPIs the catalogue
    does not know are declared by :func:`_write_kpis`, each with its own GAP)."""
    fed = []
    if annex["workbook"] is not None or annex["files"]:
        fed += [k for k, kpi in defaults["kpis"].items() if kpi.get("source") == "annex_a"]
    scorecard = proposals.get("kpis")
    if scorecard is not None and "kpi_id" in scorecard.matches:
        mapping = {lab: val for lab, val, _, _ in scorecard.values.get("kpi_id", []) if val}
        labels = scorecard.table.profiles[scorecard.matches["kpi_id"].header].values
        fed += [c for c in dict.fromkeys(as_code(mapping.get(v, v)) for v in labels) if c]
    if not fed:
        return
    catalogue = defaults["kpis"]
    without = [
        k for k in dict.fromkeys(fed) if k in catalogue and catalogue[k].get("target") is None
    ]
    if not without:
        return
    example = next((k for k in without if catalogue[k].get("polarity") == "higher"), without[0])
    w.line()
    w.comment(
        f"GAP: KPI targets: none is set for {_plural(len(without), 'KPI')} your exports feed "
        f"({', '.join(without)}). Left out, the performance section shows each KPI's value, "
        "trend and benchmarks but never 'meeting target' or 'missing target'. Add your "
        "authority's targets under kpis: (a share as 0.85 or 85), for example: kpis: "
        f"{{{example}: {{target: 0.85}}}}"
    )


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
            w.line(
                f"{yaml_quote(label)}: {yaml_quote(value)}",
                f"GUESS: '{label}' ({_plural(n, 'value')}) looks like {value}: {evidence}",
                indent=2,
            )
    for label, value, evidence, n in entries:
        if value is None:
            why = f" ({evidence})" if evidence else ""
            w.comment(
                f"GAP: '{label}' ({_plural(n, 'value')}) is not a grade the suite knows{why}; "
                "add it under grades: synonyms: with the grade it means, or the rows or values "
                "holding it are rejected"
            )


def _write_domains_and_themes(w: _Writer, audits: _Proposal | None, defaults: dict) -> None:
    default_ids = [d["id"] for d in defaults["domains"]]
    domains = [(d, h) for d, h, _ in audits.domains] if audits else []
    w.line()
    if not domains:
        w.comment(
            "GAP: no audit domain columns (columns of grades besides the overall grade) were "
            "found; the domain sections will be empty. List yours as {id: ..., label: ...}."
        )
        w.line("domains: []")
    elif [d for d, _ in domains] == default_ids:
        w.comment("NOTE: your audit domains are the suite's default domains.")
        return
    else:
        w.comment("Your audit domains (one per graded column), replacing the suite's default list.")
        w.line("domains:")
        for domain_id, header in domains:
            w.line(
                f"- {{id: {domain_id}, label: {yaml_quote(header)}}}",
                "GUESS: from the column header",
                indent=1,
            )
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
            w.line(
                "audit_domains: []",
                f'GAP: none of your domains matched "{theme["label"]}"; add the ids of any that '
                "speak to it",
                indent=2,
            )
    for domain_id, label in unmatched:
        w.comment(
            f"GAP: domain {domain_id} ('{label}') matched no theme; add it to a theme's "
            "audit_domains above",
            indent=1,
        )


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
        lines.append(
            f"{kind}: {source} {column} codes that no theme names: {', '.join(loose)}. "
            f"Add each to a theme's {key} (e.g. themes: {{assessment: {{{key}: [...]}}}}) "
            "so triangulation reads them; the default themes name: " + ", ".join(sorted(named))
        )
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
    values = pd.to_numeric(
        frame[proposal.matches["value"].header]
        .astype(str)
        .str.replace(",", "")
        .str.replace("%", ""),
        errors="coerce",
    )
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
        w.line(
            f"{kpi_id}: {{label: {yaml_quote(label)}, unit: {unit}, source: scorecard}}",
            f"GUESS: unit {unit}: {why}. GAP: polarity (left out: higher is better) and "
            "target (left out: no 'meeting target' or 'missing target')",
            indent=1,
        )
