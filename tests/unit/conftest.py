"""Helpers shared by the unit tests: Annex A lists and evidence made by hand from a few rows.

Fixtures, each a function the test calls: ``annex_list(list_id, rows)`` (a list with its canonical
columns and types), ``annex_evidence(extract, config=, kpis=, list_7=rows, ...)`` (the evidence of
those lists, every other list empty) and ``kpi_value(ev, kpi_id, period)`` (a KPI's numerator and
denominator for the period).
"""

from pathlib import Path

import pandas as pd
import pytest
import support

from qaanalysis.config import Config
from qaanalysis.measures import performance as perf
from qaanalysis.periods import parse_period
from qaanalysis.sources import Evidence, LoadReport
from qaanalysis.sources.annex_a import ANNEX_A_LISTS, LIST_IDS, empty_list
from qaanalysis.sources.published import load_published

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _annex_list(list_id: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, index=pd.RangeIndex(2, 2 + len(rows), name="row"))
    out = empty_list(list_id).reindex(frame.index)
    for column in ANNEX_A_LISTS[list_id]:
        if column.name not in frame:
            continue
        values = frame[column.name]
        if column.kind == "date":
            values = pd.to_datetime(values)
        elif column.kind == "yesno":
            values = values.astype("boolean")
        elif column.kind == "integer":
            values = values.astype("Int64")
        out[column.name] = values
    return out


def _annex_evidence(
    extract: str,
    *,
    config: Config | None = None,
    kpis: pd.DataFrame | None = None,
    **lists: list[dict],
) -> Evidence:
    frames = {list_id: empty_list(list_id) for list_id in LIST_IDS}
    frames.update({list_id: _annex_list(list_id, rows) for list_id, rows in lists.items()})
    other = {"kpis": kpis} if kpis is not None else {}
    config = config or support.make_config(
        authority={"name": "Testshire", "slug": "testshire"}, base_dir=FIXTURES
    )
    published, _ = load_published(config)  # the published files the configuration names
    return Evidence(config, pd.Timestamp(extract), other, frames, LoadReport(), published)


def _kpi_value(ev: Evidence, kpi_id: str, period: str) -> tuple[int, int]:
    v = perf.period_value(ev, kpi_id, parse_period(period))
    return (int(v.numerator), int(v.denominator))


@pytest.fixture
def annex_list():
    """An Annex A list with its canonical columns and types, from a few hand-made rows."""
    return _annex_list


@pytest.fixture
def annex_evidence():
    """Evidence of hand-made Annex A lists (every other list empty) and scorecard rows."""
    return _annex_evidence


@pytest.fixture
def kpi_value():
    """A KPI's (numerator, denominator) for a period of the evidence."""
    return _kpi_value
