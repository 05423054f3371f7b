"""Every item a section computes is shown by its notebook: a reading computed and never shown is
work lost to the reader (the KPI trends were, until a cell showed them).

The notebooks name the items they show (``s.show(performance["kpi_trends_reading"])``); the
sections are computed for the sample's quarterly and monthly packs (internal: every item).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qaanalysis.periods import parse_period
from qaanalysis.sections import compute_findings

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {
    "data_quality": "00_data_quality.ipynb",
    "audits": "10_audits.ipynb",
    "performance": "20_performance.ipynb",
    "voice": "30_voice.ipynb",
    "quarterly": "90_quarterly_report.ipynb",
    "monthly": "91_monthly_clinic.ipynb",
}
# Records of the front page kept for the history of runs (the runner reads them), not for show.
RECORDS = {"key_messages_table", "recommendations_table"}


def shown(notebook: str) -> set[str]:
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return set(re.findall(r'\w+\[\s*"(\w+)"\s*\]', source))


@pytest.fixture(scope="module")
def evidence(sample_evidence):
    return sample_evidence  # loaded once per run (conftest.py)


@pytest.mark.parametrize(
    ("report", "period"), [("quarterly", "2026-27-Q2"), ("monthly", "2026-09")]
)
def test_every_item_of_a_section_is_shown_by_its_notebook(evidence, report, period):
    findings = compute_findings(evidence, parse_period(period), report=report)
    missing = {
        name: sorted(set(section.items) - shown(NOTEBOOKS[name]) - RECORDS)
        for name, section in findings.sections.items()
        if name in NOTEBOOKS
    }
    assert {name: keys for name, keys in missing.items() if keys} == {}
    # the monthly clinic reads complaints, feedback and escalations too (issue 15, part 5)
    assert {"data_quality", "audits", "performance", "voice", report} <= set(findings.sections)
