"""Every source is optional at run time: a pack rests on the sources it is given.

Issue 11 (part 2) and issue 14 (part 6): remove each source of the sample authority in turn and
the pack's findings are still computed, with the removed source's Figures absent rather than zero;
an authority with only Annex A gets a whole pack.
"""

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from qaanalysis.config import SOURCE_NAMES
from qaanalysis.periods import parse_period
from qaanalysis.sections import compute_findings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data_samples" / "la.yaml"
Q2 = parse_period("2026-27-Q2")
# The Figures each source alone gives (their id prefixes).
OWN = {"audits": ("audits.", "moderation."), "audit_actions": ("actions.",),
       "annex_a": ("kpi.assessments_within_45wd",), "complaints": ("complaints.", "compliments."),
       "feedback": ("feedback.",), "escalations": ("escalations.",)}  # fmt: skip


@pytest.fixture(scope="module")
def sample(sample_evidence):
    return sample_evidence  # loaded once per run (conftest.py)


@pytest.mark.parametrize("gone", [s for s in SOURCE_NAMES if s in OWN])
def test_findings_are_computed_with_each_source_removed(sample, gone):
    config = sample.config.model_copy(
        update={"sources": {k: v for k, v in sample.config.sources.items() if k != gone}}
    )
    frames = {k: (v.iloc[0:0] if k == gone else v) for k, v in sample.frames.items()}
    evidence = replace(sample, config=config, frames=frames,
                       annex_a={} if gone == "annex_a" else sample.annex_a)  # fmt: skip
    findings = compute_findings(evidence, Q2, report="quarterly")
    ids = {f.id for f in findings.figures}
    assert not any(i.startswith(OWN[gone]) for i in ids), f"{gone} removed, yet its Figures remain"
    others = [p for s, prefixes in OWN.items() if s != gone for p in prefixes]
    assert any(i.startswith(tuple(others)) for i in ids)  # the other sources still speak
    assert findings["quarterly"].items  # the report's own section is written


def test_an_authority_with_only_annex_a_gets_a_whole_pack(tmp_path):
    from qaanalysis.pipeline import run_pack

    settings = yaml.safe_load(SAMPLE.read_text())
    annex = settings["sources"]["annex_a"]
    for key in ("file",):
        if annex.get(key):
            annex[key] = str(SAMPLE.parent / annex[key])
    annex["files"] = {k: str(SAMPLE.parent / v) for k, v in annex.get("files", {}).items()}
    settings["sources"] = {"annex_a": annex}
    settings.pop("published", None)
    config = tmp_path / "la.yaml"
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    result = run_pack(config, period="2026-27-Q2", out=tmp_path / "out", log=lambda *_: None)
    html = (result.folder / "report.html").read_text(encoding="utf-8")
    ids = {f["id"] for f in result.figures}
    assert any(i.startswith("kpi.") for i in ids)
    assert not any(i.startswith(("audits.", "complaints.", "feedback.")) for i in ids)
    assert "No records for this chart in the period" in html or "No audits" in html
    # the report says which exports it rests on and which it could not read
    assert "rests on the authority&#x27;s own exports of the Ofsted Annex A lists" in html or (
        "rests on the authority's own exports of the Ofsted Annex A lists" in html
    )
    assert "so not read here: case-file audits, audit actions" in html
