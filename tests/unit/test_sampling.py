"""Audit sampling for November 2025: cohort, exclusions, stratification, auditors, refusals.

The reference day for November 2025 is 31 October 2025 (the extract date, 30 November, is later).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from qaanalysis.config import Config, default_settings, load_config
from qaanalysis.sources import Evidence, LoadReport, load_evidence
from qaanalysis.tools.sampling import SamplingError, open_cohort, sample_audits, sample_summary

ROSTER = [
    {"auditor_id": "TM-A", "role": "team_manager", "manages": ["Team A"]},
    {"auditor_id": "TM-B", "role": "team_manager", "manages": ["Team B"]},
    {"auditor_id": "TM-C", "role": "team_manager", "manages": ["Team C"]},
    {"auditor_id": "SM-1", "role": "service_manager", "manages": ["Team C"]},
]


def make_config(**programme) -> Config:
    settings = default_settings()
    settings.update(
        authority={"name": "Test", "slug": "test"},
        sources={"audits": {"file": "a.csv"}},
        audit_programme={
            "quotas": {"team_manager": 2, "service_manager": 4},
            "roster": ROSTER,
            "exclude_recent_months": 6,
            **programme,
        },
    )
    return Config.model_validate(settings)


def cin_list() -> pd.DataFrame:
    rows = []
    # Team A: 10 open children, Team B: 6, Team C: 4 (CIN, started 2025, not closed).
    for team, n in (("Team A", 10), ("Team B", 6), ("Team C", 4)):
        for j in range(n):
            rows.append((f"{team[-1]}{j:02d}", team, "2025-01-15", None))
    rows += [
        ("Z01", "Team A", "2025-01-15", "2025-10-20"),  # closed before 31 Oct: not open
        ("Z02", "Team A", "2025-11-05", None),  # starts after 31 Oct: not open yet
        ("Z03", "Team B", "2025-01-15", "2025-11-10"),  # closes after 31 Oct: open (excluded below)
    ]
    frame = pd.DataFrame(rows, columns=["child_id", "team", "cin_start_date", "cin_closure_date"])
    for column in ("cin_start_date", "cin_closure_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def make_evidence(
    config: Config | None = None, lists: dict | None = None, audited: list[tuple[str, str]] = ()
) -> Evidence:
    config = config or make_config()
    audits = pd.DataFrame(list(audited), columns=["child_id", "audit_date"])
    audits["audit_date"] = pd.to_datetime(audits["audit_date"])
    if lists is None:
        lists = {"list_6": cin_list()}
    return Evidence(config, pd.Timestamp("2025-11-30"), {"audits": audits}, lists, LoadReport())


# Z03 was audited in June 2025, within 6 months of November: excluded; A00 in March 2025: not.
AUDITED = [("Z03", "2025-06-10"), ("A00", "2025-03-01")]


def test_cohort_is_open_on_the_day_before_the_month():
    cohort = open_cohort(make_evidence(), as_at=pd.Timestamp("2025-10-31"))
    assert len(cohort) == 21  # 20 open + Z03 (closes in November)
    assert not {"Z01", "Z02"} & set(cohort["child_id"])


def test_stratified_by_team_in_proportion_and_reproducible():
    evidence = make_evidence(audited=AUDITED)
    sample = sample_audits(evidence, month="2025-11", seed=7, size=10)
    # 20 eligible (Z03 excluded): A 10, B 6, C 4 -> 10 x (10, 6, 4) / 20 = 5, 3, 2 exactly.
    assert sample.groupby("team").size().to_dict() == {"Team A": 5, "Team B": 3, "Team C": 2}
    assert "Z03" not in set(sample["child_id"])
    again = sample_audits(evidence, month="2025-11", seed=7, size=10)
    pd.testing.assert_frame_equal(sample, again)
    # the order of the input rows does not change the draw
    shuffled = {"list_6": cin_list().sample(frac=1, random_state=3)}
    pd.testing.assert_frame_equal(
        sample,
        sample_audits(
            make_evidence(lists=shuffled, audited=AUDITED), month="2025-11", seed=7, size=10
        ),
    )
    others = [
        set(sample_audits(evidence, month="2025-11", seed=s, size=10)["child_id"])
        for s in range(8, 12)
    ]
    assert any(o != set(sample["child_id"]) for o in others)


def test_largest_remainder_allocation():
    # size 7 of A 10, B 6, C 4: exact 3.5, 2.1, 1.4 -> floors 3, 2, 1 (6); the one left goes to
    # the largest remainder, Team A (0.5).
    sample = sample_audits(make_evidence(audited=AUDITED), month="2025-11", seed=1, size=7)
    assert sample.groupby("team").size().to_dict() == {"Team A": 4, "Team B": 2, "Team C": 1}


def test_auditors_never_audit_a_team_they_manage_and_keep_to_quota():
    # default size: quotas x roster = 2 + 2 + 2 + 4 = 10
    sample = sample_audits(make_evidence(audited=AUDITED), month="2025-11", seed=3)
    assert len(sample) == 10 and sample["auditor_id"].notna().all()
    manages = {a["auditor_id"]: set(a["manages"]) for a in ROSTER}
    for _, row in sample.iterrows():
        assert row["team"] not in manages[row["auditor_id"]]
    load = sample["auditor_id"].value_counts().to_dict()
    assert load.get("SM-1", 0) <= 4 and all(load.get(a, 0) <= 2 for a in ("TM-A", "TM-B", "TM-C"))
    # SM-1 manages Team C so takes only Team A and B children
    assert set(sample.loc[sample["auditor_id"] == "SM-1", "team"]) <= {"Team A", "Team B"}


def test_the_matching_places_as_many_as_any_allocation_could():
    # If SM-1 managed Teams A and B, the 5 Team A children (of 10 sampled) could go only to TM-B
    # and TM-C (4 slots), and Team B's 3 only to TM-A and TM-C: at most 8 can be placed.
    roster = [dict(a) for a in ROSTER]
    roster[3]["manages"] = ["Team A", "Team B"]
    evidence = make_evidence(make_config(roster=roster), audited=AUDITED)
    sample = sample_audits(evidence, month="2025-11", seed=3)
    assert sample["auditor_id"].notna().sum() == 8


def test_unplaceable_children_are_left_without_an_auditor():
    # 12 children but only 10 slots: two have no auditor, and nobody is double-booked.
    # (A full allocation of 10 exists: C to TM-A and TM-B; B to TM-A and TM-C x 2; A to TM-B
    # and SM-1 x 4.)
    sample = sample_audits(make_evidence(audited=AUDITED), month="2025-11", seed=3, size=12)
    assert sample["auditor_id"].isna().sum() == 2
    assert sample_summary(sample)["allocated"].sum() == 10


def test_refuses_when_the_cohort_is_too_small():
    with pytest.raises(SamplingError, match=r"cohort too small: 20 children are eligible"):
        sample_audits(make_evidence(audited=AUDITED), month="2025-11", size=21)


def test_refuses_without_lists_size_or_a_known_theme():
    with pytest.raises(SamplingError, match="Annex A lists"):
        sample_audits(make_evidence(lists={}), month="2025-11", size=3)
    with pytest.raises(SamplingError, match="no sample size"):
        sample_audits(make_evidence(make_config(quotas={}, roster=[])), month="2025-11")
    with pytest.raises(SamplingError, match="neither a configured theme"):
        sample_audits(make_evidence(), month="2025-11", theme="astrology", size=3)
    with pytest.raises(SamplingError, match="calendar month"):
        sample_audits(make_evidence(), month="2025-26-Q2", size=3)


def test_theme_selects_cohorts_and_a_child_on_two_lists_is_sampled_once():
    cp = pd.DataFrame(
        {
            "child_id": ["A00", "A01", "P99"],
            "team": ["Team A"] * 3,
            "cp_plan_start_date": pd.to_datetime(["2025-02-01"] * 3),
            "cp_plan_end_date": pd.to_datetime([None, None, "2025-09-01"]),
        }
    )
    cla = pd.DataFrame(
        {
            "child_id": ["L01", "L02"],
            "team": ["Team C", "Team C"],
            "cla_start_date": pd.to_datetime(["2024-01-01", "2024-01-01"]),
            "ceased_date": pd.to_datetime([None, None]),
        }
    )
    evidence = make_evidence(lists={"list_6": cin_list(), "list_7": cp, "list_8": cla})
    cohort = open_cohort(evidence, as_at=pd.Timestamp("2025-10-31")).set_index("child_id")
    assert cohort.loc["A00", "cohort"] == "CP" and cohort.loc["A02", "cohort"] == "CIN"
    assert "P99" not in cohort.index  # plan ended in September
    # permanence_stability is a children-in-care theme: the CLA list only
    sample = sample_audits(evidence, month="2025-11", theme="permanence_stability", size=2)
    assert sorted(sample["child_id"]) == ["L01", "L02"]
    assert set(sample["cohort"]) == {"CLA"} and set(sample["theme"]) == {"permanence_stability"}
    assert len(sample_audits(evidence, month="2025-11", theme="cp", size=2)) == 2


def test_care_leavers_are_open_from_18_to_21():
    leavers = pd.DataFrame(
        {
            "child_id": ["L18", "L21", "L17", "LNA"],
            "team": ["Team L"] * 4,
            "date_of_birth": pd.to_datetime(
                [
                    "2007-10-31",  # 18 on 31 Oct 2025: open
                    "2004-10-31",  # 21 on 31 Oct 2025: no longer a care leaver
                    "2008-01-01",  # 17: not yet
                    None,
                ]
            ),
        }
    )  # no date of birth: kept
    cohort = open_cohort(make_evidence(lists={"list_9": leavers}), as_at=pd.Timestamp("2025-10-31"))
    assert sorted(cohort["child_id"]) == ["L18", "LNA"]


# ----------------------------------------------------------------------------- the sample authority

SAMPLE = Path(
    os.environ.get(
        "QAANALYSIS_SAMPLE_CONFIG", Path(__file__).parents[2] / "data_samples" / "la.yaml"
    )
)


@pytest.mark.skipif(not SAMPLE.is_file(), reason=f"sample authority not found at {SAMPLE}")
def test_sample_audits_on_the_sample_authority():
    config = load_config(SAMPLE)
    annex = config.sources["annex_a"]
    lists = {
        k: v
        for k, v in annex.files.items()
        if k in ("list_4", "list_6", "list_7", "list_8", "list_9")
    }
    sources = {
        "audits": config.sources["audits"],
        "annex_a": annex.model_copy(update={"files": lists}),
    }
    evidence = load_evidence(config.model_copy(update={"sources": sources}))
    sample = sample_audits(evidence, month="2026-10", seed=2026)
    # quotas x roster in la.yaml: 14 team managers, 6 service managers, 3 heads of service (1 a
    # month each) and 2 QA leads (3 a month each) = 29
    assert len(sample) == 29 and sample["child_id"].is_unique
    assert sample["auditor_id"].notna().all()
    manages = {a.auditor_id: set(a.manages) for a in config.audit_programme.roster}
    assert all(
        t not in manages[a] for t, a in zip(sample["team"], sample["auditor_id"], strict=True)
    )
    audits = evidence.audits
    recent = audits.loc[audits["audit_date"] >= pd.Timestamp("2026-04-01"), "child_id"]
    assert not set(sample["child_id"]) & set(recent)
    pd.testing.assert_frame_equal(sample, sample_audits(evidence, month="2026-10", seed=2026))
