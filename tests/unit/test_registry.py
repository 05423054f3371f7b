"""The registry of measure definitions (measures/registry.py): one shape, read by the Figures,
the KPI definitions of the methods appendix and docs/measures.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from qaanalysis.config import load_config
from qaanalysis.measures import registry
from qaanalysis.measures.performance import kpi_definitions
from qaanalysis.periods import parse_period
from qaanalysis.sections import compute_findings
from qaanalysis.sources import load_evidence

ROOT = Path(__file__).resolve().parents[2]


def _config(**timescales):
    config = registry.default_config()
    return config.model_copy(update={"timescales": config.timescales.model_copy(update=timescales)})


def test_docs_measures_page_matches_the_registry():
    page = (ROOT / "docs" / "measures.md").read_text(encoding="utf-8")
    assert page == registry.markdown(registry.default_config()), (
        "regenerate: .venv/bin/python -m qaanalysis.measures.registry > docs/measures.md"
    )


def test_labels_quote_the_configured_timescales():
    # The Regulations' 10 working days (20 extended) as configured, and a local 15 (30).
    assert registry.label("complaints.stage1.within_timescale", _config()) == (
        "Stage 1 complaints answered within 10 working days (20 if extended)"
    )
    local = _config(complaint_stage1_working_days=15, complaint_stage1_extended_working_days=30)
    assert registry.label("complaints.stage1.within_timescale", local) == (
        "Stage 1 complaints answered within 15 working days (30 if extended)"
    )
    m = next(m for m in registry.measures(local) if m.id == "complaints.stage1.within_timescale")
    assert m.numerator.startswith("stage 1 complaints answered within 15 working days, or 30")


def test_a_pattern_declares_every_id_of_its_shape_and_the_caller_fills_its_parts():
    entry = registry.lookup("audits.domain.assessment.good_or_better")
    assert entry.id == "audits.domain.<domain>.good_or_better"
    assert registry.lookup("audits.domain.assessment.trend").id == "audits.domain.<domain>.trend"
    assert registry.label(
        "audits.domain.assessment.good_or_better", _config(), domain="Assessment"
    ) == ("Assessment: good or better")
    assert registry.polarity("actions.overdue_open") == "lower"
    with pytest.raises(KeyError):
        registry.lookup("audits.no_such_measure")
    # A part is one dotted segment: no pattern swallows a longer id.
    with pytest.raises(KeyError):
        registry.lookup("audits.domain.assessment.extra.good_or_better")


def test_a_declaration_with_an_unknown_unit_or_polarity_is_refused():
    with pytest.raises(ValueError):
        registry.Measure(id="x.y", unit="percentage")
    with pytest.raises(ValueError):
        registry.Measure(id="x.y", polarity="up")


def test_kpi_definitions_are_the_registry_entries_with_the_catalogue():
    config = _config(assessment_working_days=40)
    table = kpi_definitions(config).set_index("kpi_id")
    row = table.loc["assessments_within_45wd"]
    assert row["numerator"] == (
        "assessments authorised in the month within 40 working days of the assessment start"
    )
    assert row["label"] == config.kpis["assessments_within_45wd"].label
    entries = {m.id: m for m in registry.measures(config)}
    # Every KPI of the catalogue is in the registry under its Figure id, scorecard ones too.
    assert {f"kpi.{k}" for k in config.kpis} <= set(entries)
    assert entries["kpi.assessments_within_45wd"].numerator == row["numerator"]
    assert entries["kpi.assessments_within_45wd"].source == "Annex A List 4"


@pytest.fixture(scope="module")
def sample_findings():
    config = load_config(ROOT / "data_samples" / "la.yaml")
    evidence = load_evidence(config)
    return config, compute_findings(evidence, parse_period("2026-27-Q2"), report="quarterly")


def test_every_figure_of_the_sample_quarter_is_declared_with_its_label_and_unit(sample_findings):
    config, findings = sample_findings
    entries = {m.id: m for m in registry.measures(config)}
    assert len(findings.figures) > 100
    for figure in findings.figures:
        entry = entries.get(figure.id) or registry.lookup(figure.id)
        assert entry.unit == figure.unit, figure.id
        if "<" not in entry.id:  # a pattern's label is filled by the caller
            assert entry.label == figure.label, figure.id
