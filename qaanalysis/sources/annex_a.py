"""Annex A lists (being written)."""

from __future__ import annotations

import pandas as pd

from .reader import SourceReport

ANNEX_A_LISTS: dict = {}


def load_annex_a(source, config, *, extract_date):
    return {}, SourceReport("annex_a"), pd.DataFrame()
