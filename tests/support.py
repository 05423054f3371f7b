"""What many tests share: the repository's folders, the sample authority and one way to make a
configuration. Imported by name (``from support import ROOT``): ``tests`` is on pytest's path.
"""

from __future__ import annotations

import os
from pathlib import Path

from qaanalysis.config import Config, default_settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = ROOT / "data_samples"
# The sample authority's configuration; a test run can point it at another authority.
SAMPLE_CONFIG = Path(os.environ.get("QAANALYSIS_SAMPLE_CONFIG", SAMPLE / "la.yaml"))


def make_config(**overrides) -> Config:
    """The package defaults for a test authority, with ``overrides``: a mapping merges into the
    section of that name (``thresholds={"min_n": 5}`` keeps every other threshold); any other value
    replaces the setting."""
    settings = default_settings()
    settings.update(authority={"name": "Test", "slug": "test"}, sources={"audits": {"file": "a"}})
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(settings.get(key), dict):
            settings[key] = {**settings[key], **value}
        else:
            settings[key] = value
    return Config.model_validate(settings)


def closed_section(element) -> tuple[int, bool] | None:
    """The page of the Word section that ``element`` of a document's body closes: its usable
    width between the margins (twips) and whether it is landscape; None when it closes none (a
    section's properties close it in a paragraph, or at the end of the body)."""
    from docx.oxml.ns import qn

    closing = (
        element
        if element.tag == qn("w:sectPr")
        else element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
    )
    if closing is None:
        return None
    size, margins = closing.find(qn("w:pgSz")), closing.find(qn("w:pgMar"))
    usable = int(size.get(qn("w:w"))) - sum(
        int(margins.get(qn(f"w:{side}"))) for side in ("left", "right")
    )
    return usable, size.get(qn("w:orient")) == "landscape"
