"""Audit actions: due, closed on time, overdue and open, for 2025-26 Q2 (1 July to 30 September 2025).

The default due date (raised + 31 days, ``timescales.action_due_days``) is filled by the loader's
``_derive``, which these tests apply as ``load_evidence`` does.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from qaanalysis.config import Config, default_settings, load_config
from qaanalysis.measures import actions as acts
from qaanalysis.narrative.audits import actions_reading
from qaanalysis.periods import parse_period
from qaanalysis.sources import Evidence, LoadReport, _derive, load_evidence

Q2 = parse_period("2025-26-Q2")

ACTIONS = [
    # raised 10 Jun, due 11 Jul by default (31 days), done 1 Jul: due in Q2, on time
    ("X1", "A1", "2025-06-10", None, "2025-07-01", "Team A"),
    # raised 15 Jul, due 15 Aug by default, done 20 Aug: due in Q2, late
    ("X2", "A1", "2025-07-15", None, "2025-08-20", None),  # team from audit A1: Team A
    # due 30 Sep (given), never done: due in Q2, not on time, overdue at the period end (0 days)
    ("X3", "A2", "2025-08-01", "2025-09-30", None, "Team B"),
    # raised 20 Sep, due 21 Oct: open at the end but not yet due
    ("X4", "A2", "2025-09-20", None, None, "Team B"),
    # due 1 Jun, done 5 Jul: late, closed during Q2 (overdue at the end of Q1)
    ("X5", "A1", "2025-05-01", None, "2025-07-05", "Team A"),
    # raised 1 Apr, due 2 May, never done: overdue at Q2 end by 151 days, 182 days old
    ("X6", "A2", "2025-04-01", None, None, "Team B"),
    # completed after the period end (8 Oct), due 1 Sep: still open and overdue on 30 Sep
    ("X7", "A2", "2025-08-01", "2025-09-01", "2025-10-08", "Team B"),
]


def make_evidence() -> Evidence:
    settings = default_settings()
    settings.update(
        authority={"name": "Test", "slug": "test"}, sources={"audits": {"file": "a.csv"}}
    )
    config = Config.model_validate(settings)
    audits = pd.DataFrame(
        {
            "audit_id": ["A1", "A2"],
            "child_id": ["C1", "C2"],
            "audit_date": pd.to_datetime(["2025-04-01", "2025-04-01"]),
            "service": ["S1", "S2"],
            "team": ["Team A", "Team B"],
            "overall_grade": ["Good", "Inadequate"],
        }
    )
    actions = pd.DataFrame(
        ACTIONS,
        columns=[
            "action_id",
            "audit_id",
            "raised_date",
            "due_date",
            "completed_date",
            "owner_team",
        ],
    )
    for column in ("raised_date", "due_date", "completed_date"):
        actions[column] = pd.to_datetime(actions[column])
    actions = actions.astype({"owner_team": object})
    actions["owner_team"] = actions["owner_team"].where(actions["owner_team"].notna(), None)
    frames = _derive({"audits": audits, "audit_actions": actions}, config)
    return Evidence(config, pd.Timestamp("2025-12-31"), frames, {}, LoadReport())


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return make_evidence()


def test_status_of_each_action(evidence):
    status = acts.action_status(evidence, Q2).set_index("action_id")
    assert status.loc["X1", "due_date"] == pd.Timestamp("2025-07-11")
    assert status["is_due_in_period"].to_dict() == {
        "X1": True,
        "X2": True,
        "X3": True,
        "X4": False,
        "X5": False,
        "X6": False,
        "X7": True,
    }
    assert status.index[status["is_closed_on_time"]].tolist() == ["X1"]
    assert status.index[status["is_overdue_open"]].tolist() == ["X3", "X6", "X7"]
    assert status.index[status["is_open_at_end"]].tolist() == ["X3", "X4", "X6", "X7"]
    assert status.loc["X6", "age_days"] == 182 and status.loc["X6", "days_overdue"] == 151
    assert status.loc["X3", "days_overdue"] == 0
    assert status.loc["X2", "team"] == "Team A"


def test_figures(evidence):
    figures = {f.id: f for f in acts.action_figures(evidence, Q2)}
    assert figures["actions.due"].value == 4
    on_time = figures["actions.closed_on_time"]
    assert (on_time.numerator, on_time.denominator) == (1, 4)
    assert figures["actions.overdue_open"].value == 3
    assert figures["actions.open"].value == 4
    # days overdue 0 (X3), 151 (X6), 29 (X7: 1 to 30 September): median 29
    assert figures["actions.overdue_open.median_days"].value == 29
    # Q1 (April to June): due X5 (1 Jun) and X6 (2 May); neither closed by its due date;
    # overdue at 30 June: X5 and X6.
    assert figures["actions.due"].comparison["value"] == 2
    assert figures["actions.overdue_open"].comparison["value"] == 2


def test_by_team_with_an_authority_row(evidence):
    table = acts.actions_by_team(evidence, Q2).set_index("team")
    assert table.loc["Team A", "due"] == 2 and table.loc["Team A", "closed_on_time_count"] == 1
    assert table.loc["Team B", "due"] == 2 and table.loc["Team B", "overdue_open"] == 3
    assert table.loc["All", "due"] == 4 and table.loc["All", "open"] == 4
    # open Team B actions at 30 Sep: X3 (60 days), X4 (10), X6 (182), X7 (60): median 60
    assert table.loc["Team B", "median_age_days"] == 60


def test_overdue_list_is_longest_overdue_first(evidence):
    assert acts.overdue_actions(evidence, Q2)["action_id"].tolist() == ["X6", "X7", "X3"]
    assert "3 actions were overdue" in actions_reading(acts.action_figures(evidence, Q2))


# ----------------------------------------------------------------------------- the sample authority

SAMPLE = Path(
    os.environ.get(
        "QAANALYSIS_SAMPLE_CONFIG", Path(__file__).parents[2] / "data_samples" / "la.yaml"
    )
)


@pytest.mark.skipif(not SAMPLE.is_file(), reason=f"sample authority not found at {SAMPLE}")
def test_sample_actions():
    config = load_config(SAMPLE)
    sources = {k: v for k, v in config.sources.items() if k in ("audits", "audit_actions")}
    evidence = load_evidence(config.model_copy(update={"sources": sources}))
    figures = {f.id: f for f in acts.action_figures(evidence, parse_period("2026-27-Q2"))}
    assert {"actions.due", "actions.closed_on_time", "actions.overdue_open"} <= set(figures)
    # 2026-27 Q2 ends on the extract date, so every action without a completion date is open.
    assert figures["actions.open"].value == evidence.audit_actions["completed_date"].isna().sum()
    due = evidence.audit_actions["due_date"]
    assert figures["actions.due"].value == ((due >= "2026-07-01") & (due <= "2026-09-30")).sum()
