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
