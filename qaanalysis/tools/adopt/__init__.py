"""Adopting the suite: propose an ``la.yaml`` from a folder of an authority's exports.

:func:`propose_config` reads every CSV and XLSX in a folder, recognises which source each one holds
(the Annex A workbook by its ``List 1`` .. ``List 11`` sheets; every other source by scoring its
headers against the source's declared canonical columns, helped by what the values look like:
grades for audits, stages and outcomes for complaints), proposes column and value mappings from
known synonyms and close matches, and returns a commented ``la.yaml``. Every inferred mapping carries
``# GUESS: ...`` with its evidence, every required column or source not found carries
``# GAP: ...`` with the candidate headers, and ``# NOTE: ...`` says what was seen and left alone.

The header and label matching it shares with ``qaanalysis validate`` lives in
:mod:`qaanalysis.sources.hints`. Here: ``tables`` reads each table below its title rows and profiles
its columns; ``recognise`` assigns tables to sources and maps columns and values; ``themes`` matches
labels and domains to the theme map; ``writing`` writes the commented YAML.

Guesses are for a person to check, never applied silently: the reader matches only the synonyms
declared in ``sources/schema.py``, so the wider, riskier vocabulary here (``Locality`` for service,
``LAC`` for children in care) takes effect only once written in ``la.yaml``.
"""

from __future__ import annotations

from pathlib import Path

from ...config import default_settings
from ...sources.hints import yaml_quote
from ...sources.schema import AUDIT_COLUMNS, SIMPLE_SOURCES
from .recognise import _check_values, _fill_gaps, _propose_domains, _propose_values, _recognise
from .tables import _ORDER, _SOURCE_TITLES, _default_grades
from .writing import (
    _latest_date,
    _write_annex,
    _write_domains_and_themes,
    _write_extract_date,
    _write_grades,
    _write_kpis,
    _write_published,
    _write_source,
    _write_targets,
    _write_theme_vocabulary,
    _Writer,
)

__all__ = ["propose_config"]


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
    w.line(
        f"name: {yaml_quote('Your authority')}",
        "GAP: your local authority's name, as reports should show it",
        indent=1,
    )
    w.line(
        "slug: your-authority",
        "GAP: a short name for output folders: lower-case letters, digits and hyphens",
        indent=1,
    )
    w.line(
        "la_code: null",
        'GAP: your DfE three-digit LA code (e.g. "340"). Left null, no KPI is compared with '
        "England, your region or your statistical neighbours from DfE published statistics",
        indent=1,
    )
    w.line()
    _write_extract_date(w, annex["exported"], _latest_date(proposals, schemas, annex))

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
            w.line(
                f"file: {yaml_quote('audits-export-not-found.csv')}",
                "GAP: no export was recognised as case-file audits (required). Name your "
                "audits file here and map its columns",
                indent=2,
            )
            w.line("columns: {}", indent=2)
            continue
        w.comment(
            f"GAP: no export recognised as {name} ({_SOURCE_TITLES[name]}; optional). To add "
            f'one: {name}: {{file: "...", columns: {{...}}}}',
            indent=1,
        )
    if annex["workbook"] is None and not annex["files"]:
        w.comment(
            "GAP: no Annex A lists found (optional; the statutory-timescale KPIs are computed "
            'from them). To add them: annex_a: {file: "annex_a.xlsx"} for a workbook with '
            'sheets List 1 .. List 11, or annex_a: {files: {list_4: "..."}}',
            indent=1,
        )
    if any(n.startswith("NOTE") for n in notes):
        w.line()
        for note in notes:
            w.comment(note)
    _write_published(w, annex, out)
    _write_grades(w, proposals)
    _write_domains_and_themes(w, proposals.get("audits"), defaults)
    _write_theme_vocabulary(w, proposals, defaults)
    _write_kpis(w, proposals.get("kpis"), defaults)
    _write_targets(w, proposals, annex, defaults)
    return w.text()
