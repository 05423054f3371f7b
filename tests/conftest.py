"""Fixtures shared by the unit and integration tests."""

from __future__ import annotations

import pytest
from support import SAMPLE_CONFIG

from qaanalysis.config import load_config
from qaanalysis.sources import Evidence, load_evidence


@pytest.fixture(scope="session")
def sample_evidence() -> Evidence:
    """The sample authority's evidence, loaded once for the whole run (read it, never change it)."""
    return load_evidence(load_config(SAMPLE_CONFIG))


@pytest.fixture(scope="session")
def packs(tmp_path_factory) -> dict:
    """The sample's quarterly, annual and monthly internal packs, built once for the whole run in
    that order into one output folder (read them, never change them): report name -> pack folder."""
    from qaanalysis.pipeline import run_pack

    out = tmp_path_factory.mktemp("sample_packs")
    return {
        report: run_pack(
            SAMPLE_CONFIG, period=period, report=report, out=out, log=lambda *_: None
        ).folder
        for report, period in (
            ("quarterly", "2026-27-Q2"),
            ("annual", "2025-26"),
            ("monthly", "2026-09"),
        )
    }
