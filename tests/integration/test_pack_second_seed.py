"""A second synthetic authority (another seed) scanned as a whole, as the sample's packs are.

The committed sample is one authority (seed 2026): a disclosure rule that happens to hold on its
numbers could fail on another's. This authority is generated afresh with seed 7 into a temporary
folder (``qaanalysis synth --scale small --seed 7``), and its leadership and public quarterly
packs are scanned by ``tests/leak_scan.py`` for every identifier in its inputs, for counts from 1
to 5 (public), for live markup and live formulas, and for folders of this machine.
"""

from __future__ import annotations

from pathlib import Path

import leak_scan
import pytest

from qaanalysis.cli import main
from qaanalysis.pipeline import run_pack

SEED = "7"
PERIOD = "2026-27-Q2"


@pytest.fixture(scope="session")
def second_authority(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seed7")
    assert main(["synth", "--out", str(folder), "--scale", "small", "--seed", SEED]) == 0
    return folder


@pytest.fixture(scope="session")
def second_packs(second_authority, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("seed7-packs")
    return {
        audience: run_pack(
            second_authority / "la.yaml",
            period=PERIOD,
            audience=audience,
            out=out,
            log=lambda *_: None,
        ).folder
        for audience in ("leadership", "public")
    }


def test_the_second_authority_differs_from_the_sample(second_authority):
    """Another seed gives other children, records and dates: a second authority, not a copy."""
    sample = Path(__file__).resolve().parents[2] / "data_samples" / "audits.csv"
    if sample.is_file():
        assert (second_authority / "audits.csv").read_bytes() != sample.read_bytes()


@pytest.mark.parametrize("audience", ["leadership", "public"])
def test_second_authority_packs_disclose_nothing(second_authority, second_packs, audience):
    folder = second_packs[audience]
    identifiers = leak_scan.input_identifiers(second_authority)
    assert len(identifiers) > 1000  # children, practitioners and records of every export
    texts = leak_scan.pack_texts(folder)
    assert {"report.html", "figures.json", "manifest.json", "tables.xlsx"} <= set(texts)
    assert leak_scan.leaked_identifiers(texts, identifiers) == {}
    assert leak_scan.paths_named(texts, [second_authority, folder.parents[2]]) == {}
    live, csp = leak_scan.live_markup(texts["report.html"])
    assert live == [] and "script-src 'none'" in csp
    assert leak_scan.live_formulas_xlsx(folder / "tables.xlsx") == []
    assert leak_scan.word_fields(folder / "report.docx") == []
    assert not (folder / "rejected_rows.csv").exists()
    if audience == "public":
        assert leak_scan.small_counts_in_pack(folder) == []
