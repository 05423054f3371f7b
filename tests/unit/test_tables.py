"""One rule for reading a measure table's columns (measures/tables.py), shared by every area."""

from __future__ import annotations

import pandas as pd
import pytest

from qaanalysis.measures import audits, tables, voice


def test_one_table_options_for_audits_and_voice():
    # The audits and voice packages offer the same function and the same column rules.
    assert audits.table_options is tables.table_options
    assert voice.table_options is tables.table_options
    assert audits.PERCENT_SUFFIXES == voice.PERCENT_SUFFIXES == ("_pct", "_ci_low", "_ci_high")
    assert audits.NOT_COUNTS is voice.NOT_COUNTS is tables.NOT_COUNTS


def test_each_share_is_suppressed_with_the_count_it_rests_on():
    frame = pd.DataFrame(
        {
            "team": ["A"],
            "audits": [12],  # a count
            "good_or_better_count": [9],  # audit style: the share's count is X_count
            "good_or_better_pct": [0.75],
            "good_or_better_ci_low": [0.47],
            "upheld": [3],  # voice style: the share's count is X itself
            "upheld_pct": [0.25],
            "complaints": [12],
            "next_stage_pct": [0.5],  # a share of the row's complaints
            "timescale_working_days": [10],  # counts no records: never suppressed
            "rank": [1],  # nor this
            "late": [True],  # a yes/no column is not a count
        }
    )
    options = tables.table_options(frame)
    assert options["count_columns"] == [
        "audits",
        "good_or_better_count",
        "upheld",
        "complaints",
    ]
    assert options["percent_columns"] == [
        "good_or_better_pct",
        "good_or_better_ci_low",
        "upheld_pct",
        "next_stage_pct",
    ]
    assert options["percent_of"] == {
        "good_or_better_pct": "good_or_better_count",
        "good_or_better_ci_low": "good_or_better_count",
        "upheld_pct": "upheld",
        "next_stage_pct": "complaints",
    }


def test_share_columns_hold_the_wilson_interval():
    # 8 of 10 with a 95% Wilson interval: 0.4902 to 0.9433 (Wilson 1927, z = 1.96).
    row = tables.share_columns("seen", 8, 10, 0.05)
    assert row["seen_count"] == 8 and row["seen_pct"] == pytest.approx(0.8)
    assert row["seen_ci_low"] == pytest.approx(0.4902, abs=1e-4)
    assert row["seen_ci_high"] == pytest.approx(0.9433, abs=1e-4)
