"""Audit measures, checked against hand-worked values on small inline frames.

Period under test: 2025-26 Q2 (July to September 2025); previous quarter April to June 2025.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest
from support import make_config

from qaanalysis.config import Config, default_settings, load_config
from qaanalysis.measures import audits as am
from qaanalysis.narrative import audits as audit_words
from qaanalysis.periods import parse_period
from qaanalysis.sources import Evidence, LoadReport, load_evidence
from qaanalysis.sources.schema import audit_columns

Q2 = parse_period("2025-26-Q2")
GRADES = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
O, G, R, I = GRADES  # noqa: E741


def funnel_words(evidence, period, *, audience="internal"):
    """The funnel reading as the audits section writes it (teams unnamed for the public)."""
    funnel = am.team_funnel(evidence, period, named=audience != "public")
    return audit_words.funnel_reading(funnel, config=evidence.config, audience=audience)


def make_audits(rows: list[dict], config: Config) -> pd.DataFrame:
    """Canonical audit rows: every column present, dates parsed, blanks missing."""
    columns = [c.name for c in audit_columns(config.domain_ids)]
    frame = pd.DataFrame(rows).reindex(columns=columns).astype(object)
    frame = frame.where(frame.notna(), None)
    frame["audit_date"] = pd.to_datetime(frame["audit_date"])
    frame["immediate_response"] = frame["immediate_response"].astype("boolean")
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
    return frame


def make_evidence(rows: list[dict], config: Config | None = None) -> Evidence:
    config = config or make_config()
    audits = make_audits(rows, config)
    frames = {"audits": audits, "audit_actions": pd.DataFrame()}
    return Evidence(config, pd.Timestamp("2025-12-31"), frames, {}, LoadReport())


def audit(i: int, date: str, grade: str, **extra) -> dict:
    base = {
        "audit_id": f"A{i:03d}",
        "child_id": f"C{i:03d}",
        "audit_date": date,
        "service": "Safeguarding",
        "team": "Team A",
        "overall_grade": grade,
    }
    return {**base, **extra}


# ----------------------------------------------------------------------------- grades


def test_good_or_better_share_has_the_hand_worked_wilson_interval():
    # 12 audits in Q2: 2 Outstanding + 5 Good = 7 good or better; 3 RI; 2 Inadequate.
    grades = [O, O, G, G, G, G, G, R, R, R, I, I]
    evidence = make_evidence([audit(i, "2025-08-15", g) for i, g in enumerate(grades)])
    table = am.grade_distribution(evidence, Q2)
    row = table.iloc[0]
    assert row[O] == 2 and row[G] == 5 and row[R] == 3 and row[I] == 2 and row["audits"] == 12
    assert row["good_or_better_count"] == 7
    # Wilson 95% for 7 of 12, by hand: centre (7/12 + 1.96^2/24) / (1 + 1.96^2/12) = 0.5631,
    # half-width 1.96 * sqrt(0.02025 + 0.00667) / 1.3201 = 0.2436, so 0.320 to 0.807.
    assert row["good_or_better_ci_low"] == pytest.approx(0.320, abs=5e-4)
    assert row["good_or_better_ci_high"] == pytest.approx(0.807, abs=5e-4)
    assert row["inadequate_pct"] == pytest.approx(2 / 12)


def test_breakdowns_count_every_audit_once_and_blank_groups_are_named():
    rows = [
        audit(1, "2025-07-01", G, cohort="CP"),
        audit(2, "2025-07-02", I, cohort="CP"),
        audit(3, "2025-08-01", R, cohort="CLA"),
        audit(4, "2025-09-30", G),  # no cohort recorded
        audit(5, "2025-10-01", G, cohort="CP"),  # Q3: outside the period
    ]
    table = am.grade_distribution(make_evidence(rows), Q2, by="cohort").set_index("cohort")
    assert table["audits"].to_dict() == {"CLA": 1, "CP": 2, "not recorded": 1}
    by_month = am.grade_distribution(make_evidence(rows), Q2, by="month")
    assert by_month["audits"].tolist() == [2, 1, 1]


def test_change_against_previous_period_is_judged_by_fisher():
    # Previous quarter: 2 of 20 good or better; this quarter 12 of 20. Fisher's exact test on
    # [[2, 18], [12, 8]] gives p = 0.0012 (< 0.05): improving.
    rows = [audit(i, "2025-05-10", G if i < 2 else R) for i in range(20)]
    rows += [audit(100 + i, "2025-08-10", G if i < 12 else R) for i in range(20)]
    figures = {f.id: f for f in am.audit_figures(make_evidence(rows), Q2)}
    gob = figures["audits.overall.good_or_better"]
    assert (gob.numerator, gob.denominator) == (12, 20)
    assert gob.comparison["numerator"] == 2 and gob.comparison["denominator"] == 20
    assert gob.direction == "improving" and gob.significant
    assert figures["audits.count"].value == 20 and figures["audits.count"].comparison["value"] == 20


def test_small_periods_are_too_few_to_judge():
    # 9 audits in each quarter: under min_n_compare (10), so not judged even though 0 -> 9.
    rows = [audit(i, "2025-05-10", I) for i in range(9)]
    rows += [audit(100 + i, "2025-08-10", G) for i in range(9)]
    figures = {f.id: f for f in am.audit_figures(make_evidence(rows), Q2)}
    assert figures["audits.overall.good_or_better"].direction == "not_judged"


def test_domain_shares_use_only_audits_that_assessed_the_domain():
    rows = [
        audit(1, "2025-07-01", G, assessment=G, recording=G),
        audit(2, "2025-07-01", G, assessment=I, recording=G),
        audit(3, "2025-07-01", G, assessment=None, recording=O),  # assessment not assessed
        audit(4, "2025-07-01", G, assessment=R, recording=R),
    ]
    summary = am.domain_summary(make_evidence(rows), Q2).set_index("domain")
    assert summary.loc["assessment", "audits"] == 3
    assert summary.loc["assessment", "good_or_better_count"] == 1
    assert summary.loc["recording", "good_or_better_pct"] == pytest.approx(3 / 4)
    assert summary.loc["impact_outcomes", "audits"] == 0


def test_weakest_and_strongest_domains_rank_only_domains_with_enough_audits():
    rows = []
    for i in range(10):
        rows.append(
            audit(
                i,
                "2025-08-01",
                G,
                help_protection_stability=G if i < 9 else R,  # 90%: strongest
                recording=G if i < 6 else R,  # 60%
                assessment=G if i < 3 else I,  # 30%: weakest
                management_oversight=G if i < 5 else R,  # 50%
                impact_outcomes=G if i < 2 else None,
            )
        )  # 2 assessed: unranked
    extremes = am.domain_extremes(make_evidence(rows), Q2, top=1)
    assert extremes["position"].tolist() == ["strongest", "weakest"]
    assert extremes["domain_label"].tolist() == ["Help, protection and stability", "Assessment"]


def test_domain_service_matrix_blanks_cells_with_too_few_audits():
    rows = [
        audit(i, "2025-08-01", G, service="Safeguarding", assessment=G if i < 4 else R)
        for i in range(8)
    ]  # 4 of 8 good or better
    rows += [
        audit(50 + i, "2025-08-01", G, service="Children in Care", assessment=G) for i in range(3)
    ]  # only 3: below the 6 needed by default
    evidence = make_evidence(rows)
    matrix = am.domain_service_matrix(evidence, Q2)
    assert matrix.shares.loc["Assessment", "Safeguarding"] == pytest.approx(0.5)
    assert math.isnan(matrix.shares.loc["Assessment", "Children in Care"])
    assert matrix.counts.loc["Assessment", "Children in Care"] == 3
    assert matrix.good.loc["Assessment", "Safeguarding"] == 4
    _, labels = audit_words.matrix_cells(matrix, config=evidence.config, audience="internal")
    assert labels.loc["Assessment", "Children in Care"] == "too few"
    assert labels.loc["Assessment", "Safeguarding"] == "50%\n(4/8)"


def test_domain_service_matrix_withholds_small_counts_for_the_public():
    # 7 of 8 good or better: the one audit that was not is a count of 1, so the public sees "c".
    rows = [audit(i, "2025-08-01", G, assessment=G if i < 7 else R) for i in range(8)]
    rows += [
        audit(20 + i, "2025-08-01", G, service="Early Help", assessment=G if i < 6 else R)
        for i in range(12)
    ]  # 6 of 12: both counts above 5, shown without counts
    evidence = make_evidence(rows)
    matrix = am.domain_service_matrix(evidence, Q2)  # the measure takes no audience
    _, internal = audit_words.matrix_cells(matrix, config=evidence.config, audience="internal")
    shares, public = audit_words.matrix_cells(matrix, config=evidence.config, audience="public")
    assert internal.loc["Assessment", "Safeguarding"] == "88%\n(7/8)"
    assert public.loc["Assessment", "Safeguarding"] == "c"
    assert math.isnan(shares.loc["Assessment", "Safeguarding"])
    assert matrix.shares.loc["Assessment", "Safeguarding"] == pytest.approx(7 / 8)  # unchanged
    assert public.loc["Assessment", "Early Help"] == "50%"


def test_monthly_trend_detects_a_steady_decline():
    # Twelve months to September 2025: the first six all Good, the last six all Inadequate.
    rows = []
    for m, month in enumerate(pd.date_range("2024-10-01", "2025-09-01", freq="MS")):
        for j in range(3):
            rows.append(audit(m * 10 + j, str(month.date()), G if m < 6 else I))
    evidence = make_evidence(rows)
    trend = am.grade_trend(evidence, Q2)
    assert trend.n == 36 and trend.tau < 0 and trend.direction == "declining"
    monthly = am.monthly_grades(evidence, Q2)
    assert len(monthly) == 12 and monthly["audits"].tolist() == [3] * 12


# ----------------------------------------------------------------------------- funnel


def funnel_rows():
    rows = []
    # Team A: 1 of 10 good or better; Team B: 9 of 10; Team C: 10 of 20. Authority: 20 of 40 = 0.5.
    for team, good, n in (("Team A", 1, 10), ("Team B", 9, 10), ("Team C", 10, 20)):
        for j in range(n):
            rows.append(audit(len(rows), "2025-03-15", G if j < good else R, team=team))
    return rows


def test_funnel_limits_and_positions_match_hand_worked_binomial_limits():
    funnel = am.team_funnel(make_evidence(funnel_rows()), Q2)
    assert funnel.centre == pytest.approx(0.5)
    at_10 = funnel.limits.set_index("n").loc[10]
    # Binomial(10, 0.5): P(X<=2) = 56/1024 is the first cumulative >= 0.025, P(X=2) = 45/1024,
    # so the lower 95% limit is (2 - (56/1024 - 0.025) / (45/1024)) / 10 = 0.13244.
    assert at_10["lower_95"] == pytest.approx(0.13244, abs=1e-5)
    # P(X<=9) = 1023/1024 is the first >= 0.999, P(X=9) = 10/1024:
    # upper 99.8% = (9 - (1023/1024 - 0.999) / (10/1024)) / 10 = 0.89976.
    assert at_10["upper_998"] == pytest.approx(0.89976, abs=1e-5)
    positions = funnel.points.set_index("team")["position"].to_dict()
    # A: 0.1 < 0.132 (below 95%) but > the 99.8% limit; B: 0.9 > 0.89976; C on the centre.
    assert positions == {"Team A": "below_95", "Team B": "above_998", "Team C": "within"}
    assert funnel.outside["team"].tolist() == ["Team A", "Team B"]
    evidence = make_evidence(funnel_rows())
    assert "Team A, 10% (1 of 10), is below the 95% limit" in funnel_words(evidence, Q2)
    # leadership sees names; the public sees neither names nor small counts
    assert "Team A" in funnel_words(evidence, Q2, audience="leadership")
    public = funnel_words(evidence, Q2, audience="public")
    assert "Team A" not in public and "1 of 10" not in public


def test_funnel_without_names_hides_team_and_service():
    funnel = am.team_funnel(make_evidence(funnel_rows()), Q2, named=False)
    assert set(funnel.points["team"]) == {"Team 1", "Team 2", "Team 3"}
    assert funnel.points["service"].isna().all()


# ----------------------------------------------------------------------------- repeat concern


def test_repeat_inadequate_runs_are_found_and_old_runs_are_not_raised_again():
    rows = [
        # P1: I, I in Q1, then G, then I in Q2: the run of 2 ended before the period.
        audit(1, "2025-04-10", I, practitioner_id="P1"),
        audit(2, "2025-05-10", I, practitioner_id="P1"),
        audit(3, "2025-06-10", G, practitioner_id="P1"),
        audit(4, "2025-07-10", I, practitioner_id="P1"),
        # P2: G in Q1, then I, I, I ending in Q2: a run of 3 that touches the period, ongoing.
        audit(5, "2025-05-01", G, practitioner_id="P2"),
        audit(6, "2025-06-01", I, practitioner_id="P2"),
        audit(7, "2025-07-01", I, practitioner_id="P2", team="Team B"),
        audit(8, "2025-09-01", I, practitioner_id="P2", team="Team B"),
        # P3: I then RI in the period: no run of 2.
        audit(9, "2025-07-01", I, practitioner_id="P3"),
        audit(10, "2025-08-01", R, practitioner_id="P3"),
        # P4: I, I in the period, then G after the period end (not yet known at the end).
        audit(11, "2025-08-01", I, practitioner_id="P4"),
        audit(12, "2025-09-15", I, practitioner_id="P4"),
        audit(13, "2025-10-15", G, practitioner_id="P4"),
        # no practitioner recorded: ignored
        audit(14, "2025-08-01", I),
        audit(15, "2025-08-02", I),
    ]
    found = am.repeat_inadequate_practitioners(make_evidence(rows), Q2)
    assert found["practitioner_id"].tolist() == ["P2", "P4"]
    p2 = found.iloc[0]
    assert p2["run_length"] == 3 and p2["team"] == "Team B" and p2["ongoing"]
    assert p2["audit_ids"] == "A006, A007, A008"
    assert found.iloc[1]["ongoing"]


def test_persistent_inadequate_team_needs_every_quarter_above_tolerance():
    rows = []
    # Team A: Q1 2 of 5 inadequate (40%), Q2 1 of 4 (25%): above 10% in both -> persistent.
    rows += [audit(len(rows), "2025-05-01", I if j < 2 else G, team="Team A") for j in range(5)]
    rows += [audit(len(rows), "2025-08-01", I if j < 1 else G, team="Team A") for j in range(4)]
    # Team B: Q1 0 of 5, Q2 3 of 5: only one quarter above.
    rows += [audit(len(rows), "2025-05-01", G, team="Team B") for j in range(5)]
    rows += [audit(len(rows), "2025-08-01", I if j < 3 else G, team="Team B") for j in range(5)]
    four = make_config(thresholds={**default_settings()["thresholds"], "persistent_min_audits": 4})
    table = am.persistent_inadequate_teams(make_evidence(rows, four), Q2).set_index("team")
    assert table.loc["Team A", "persistent"] and not table.loc["Team B", "persistent"]
    assert table.loc["Team A", "quarters_above"] == 2 and table.loc["Team B", "quarters_above"] == 1
    assert table.loc["Team A", "inadequate_count"] == 3 and table.loc["Team A", "audits"] == 9
    assert table.loc["Team A", "latest_quarter_inadequate_pct"] == pytest.approx(0.25)
    # With the default minimum of 10 audits in each quarter, 3 inadequate of 9 is not persistence.
    default = am.persistent_inadequate_teams(make_evidence(rows), Q2).set_index("team")
    assert not default["persistent"].any()


def test_team_comparisons_leave_out_chosen_samples():
    # Team A: 10 standard audits, 5 good; plus 6 dip-sample and 4 re-audits, all Inadequate.
    # Team B: 10 standard audits, 5 good. Chosen samples are not comparable between teams, so
    # both teams stand at 5 of 10 and the centre is 10 of 20 = 50%.
    rows = [audit(i, "2025-08-01", G if i < 5 else R, team="Team A") for i in range(10)]
    rows += [
        audit(10 + i, "2025-08-01", I, team="Team A", audit_type="dip_sample") for i in range(6)
    ]
    rows += [audit(20 + i, "2025-08-01", I, team="Team A", audit_type="re_audit") for i in range(4)]
    rows += [audit(30 + i, "2025-08-01", G if i < 5 else R, team="Team B") for i in range(10)]
    funnel = am.team_funnel(make_evidence(rows), Q2)
    points = funnel.points.set_index("team")
    assert (points.loc["Team A", "k"], points.loc["Team A", "n"]) == (5, 10)
    assert funnel.centre == pytest.approx(0.5)
    assert points["position"].eq("within").all()


# ----------------------------------------------------------------------------- other sections


def test_immediate_responses_by_service():
    rows = [
        audit(1, "2025-07-01", I, immediate_response=True),
        audit(2, "2025-07-01", G, immediate_response=False),
        audit(3, "2025-07-01", G),  # blank: no response raised
        audit(4, "2025-07-01", R, service="Children in Care", immediate_response=True),
        audit(5, "2025-04-01", R, immediate_response=True),  # previous quarter
    ]
    evidence = make_evidence(rows)
    table = am.immediate_responses(evidence, Q2).set_index("service")
    assert table["immediate_response_count"].to_dict() == {"Children in Care": 1, "Safeguarding": 1}
    assert table.loc["Safeguarding", "audits"] == 3
    figure = {f.id: f for f in am.audit_figures(evidence, Q2)}["audits.immediate_responses"]
    assert figure.value == 2 and figure.comparison["value"] == 1


def test_good_practice_by_theme_and_domain():
    rows = [
        audit(1, "2025-07-01", O, theme="neglect", assessment=O),
        audit(2, "2025-07-01", G, theme="neglect", assessment=G),
        audit(3, "2025-07-01", R, theme="neglect", assessment=R),
        audit(4, "2025-07-01", G, theme="exploitation", assessment=I),
    ]
    evidence = make_evidence(rows)
    by_theme = am.good_practice(evidence, Q2).set_index("theme")
    assert by_theme.loc["neglect", "good_or_better_count"] == 2
    assert by_theme.loc["neglect", "best_grade_count"] == 1
    by_domain = am.good_practice(evidence, Q2, by="domain").set_index("domain_label")
    assert by_domain.loc["Assessment", "good_or_better_count"] == 2
    listing = am.good_practice_audits(evidence, Q2)
    assert listing["audit_id"].tolist() == ["A001", "A002", "A004"]  # Outstanding first
    assert listing.iloc[0]["best_domains"] == "Assessment"


def test_audit_programme_compares_completed_with_quota_times_roster():
    config = make_config(
        audit_programme={
            "quotas": {"team_manager": 1, "service_manager": 2},
            "roster": [
                {"auditor_id": "TM1", "role": "team_manager", "manages": ["Team A"]},
                {"auditor_id": "TM2", "role": "team_manager", "manages": ["Team B"]},
                {"auditor_id": "SM1", "role": "service_manager"},
            ],
        }
    )
    rows = [audit(i, "2025-07-15", G, auditor_role="team_manager") for i in range(4)]
    rows += [audit(10, "2025-08-15", G, auditor_role="head_of_service")]  # no quota
    table = am.audit_programme(make_evidence(rows, config), Q2).set_index("auditor_role")
    # team managers: 1 a month x 2 managers x 3 months = 6 expected, 4 done.
    assert table.loc["team_manager", "expected"] == 6
    assert table.loc["team_manager", "completed_pct"] == pytest.approx(4 / 6)
    assert table.loc["service_manager", "expected"] == 6  # 2 x 1 x 3
    assert math.isnan(table.loc["head_of_service", "expected"])
    monthly = am.audit_programme(make_evidence(rows, config), Q2, by_month=True)
    tm = monthly[monthly["auditor_role"] == "team_manager"]
    assert tm["completed"].tolist() == [4, 0, 0] and tm["expected"].tolist() == [2, 2, 2]


def test_table_options_reads_counts_and_percentages():
    table = am.grade_distribution(make_evidence([audit(1, "2025-07-01", G)]), Q2, by="team")
    options = am.table_options(table)
    assert "good_or_better_count" in options["count_columns"] and G in options["count_columns"]
    assert options["percent_of"]["good_or_better_ci_low"] == "good_or_better_count"


# ----------------------------------------------------------------------------- figures, signals


def test_signals_judge_each_theme_against_the_aspiration_and_cite_existing_figures():
    rows = []
    for i in range(12):
        rows.append(
            audit(
                i,
                "2025-08-01",
                G,
                assessment=G if i < 4 else R,  # 33% < 70%: negative
                recording=G,  # 12 of 12: Wilson 75.8% to 100%, wholly above 70%: positive
                management_oversight=G if i < 3 else None,
            )
        )  # 3 assessed: neutral
    evidence = make_evidence(rows)
    found = {s.theme: s for s in am.signals(am.audit_figures(evidence, Q2), config=evidence.config)}
    assert found["assessment"].signal == "negative"
    assert "33% (4 of 12)" in found["assessment"].reason
    assert found["recording"].signal == "positive"
    assert found["management_oversight"].signal == "neutral"
    assert found["multi_agency"].signal == "absent" and found["multi_agency"].figure_ids == ()
    ids = {f.id for f in am.audit_figures(evidence, Q2)}
    for signal in found.values():
        assert set(signal.figure_ids) <= ids


def test_a_significant_decline_is_negative_even_above_the_aspiration():
    # Previous quarter: 20 of 20 good; this quarter 14 of 20 (70%, at the aspiration).
    # Fisher on [[20, 0], [14, 6]]: p = 0.020: declining.
    rows = [audit(i, "2025-05-01", G, recording=G) for i in range(20)]
    rows += [audit(100 + i, "2025-08-01", G, recording=G if i < 14 else R) for i in range(20)]
    found = {
        s.theme: s
        for s in am.signals(
            am.audit_figures(make_evidence(rows), Q2), config=make_evidence(rows).config
        )
    }
    assert found["recording"].signal == "negative"
    assert "significantly down" in found["recording"].reason


def test_audit_figures_carry_the_design_ids_and_nothing_without_audits():
    evidence = make_evidence([audit(1, "2025-07-01", G, assessment=G)])
    ids = [f.id for f in am.audit_figures(evidence, Q2)]
    for required in (
        "audits.count",
        "audits.overall.good_or_better",
        "audits.overall.inadequate",
        "audits.domain.assessment.good_or_better",
    ):
        assert required in ids
    assert "audits.domain.recording.good_or_better" not in ids  # not assessed in the period
    assert am.audit_figures(evidence, parse_period("2024-25-Q1")) == []


# ----------------------------------------------------------------------------- the sample authority
# The planted patterns of data_samples/README.md. The generator is tuned now and then, so these
# check the patterns themselves; counts are checked against a plain second computation.

SAMPLE = Path(
    os.environ.get(
        "QAANALYSIS_SAMPLE_CONFIG", Path(__file__).parents[2] / "data_samples" / "la.yaml"
    )
)
needs_sample = pytest.mark.skipif(
    not SAMPLE.is_file(), reason=f"sample authority not found at {SAMPLE}"
)
SAMPLE_Q2 = parse_period("2026-27-Q2")


@pytest.fixture(scope="module")
def sample() -> Evidence:
    config = load_config(SAMPLE)
    # audits and actions only: the Annex A lists are not needed here and take seconds to read
    sources = {k: v for k, v in config.sources.items() if k in ("audits", "audit_actions")}
    return load_evidence(config.model_copy(update={"sources": sources}))


@needs_sample
def test_sample_declining_team_is_below_the_funnel(sample):
    # Pattern a: Safeguarding Team 2 falls to about 28% good or better in 2026-27, against an
    # authority near 58%: below the 95% limit over the last 12 months.
    funnel = am.team_funnel(sample, SAMPLE_Q2)
    team = funnel.points.set_index("team").loc["Safeguarding Team 2"]
    audits = sample.audits
    last_year = audits[
        (audits["audit_date"] >= "2025-10-01") & (audits["audit_date"] <= "2026-09-30")
    ]
    # team comparisons use the comparable (standard and multi-agency) audits only
    last_year = last_year[
        last_year["audit_type"].fillna("standard").isin(["standard", "multi_agency"])
    ]
    mine = last_year[last_year["team"] == "Safeguarding Team 2"]
    assert (team["k"], team["n"]) == (int(mine["overall_grade"].isin([O, G]).sum()), len(mine))
    assert funnel.centre == pytest.approx(last_year["overall_grade"].isin([O, G]).mean())
    assert team["position"] in ("below_95", "below_998")
    assert team["share"] < 0.4 < funnel.centre
    assert "Safeguarding Team 2" in funnel.outside["team"].tolist()
    assert "Safeguarding Team 2" in funnel_words(sample, SAMPLE_Q2)


@needs_sample
def test_sample_repeat_inadequate_practitioner_is_found(sample):
    # Pattern a: P0043 has exactly three consecutive Inadequate audits, the last three, ending in
    # September 2026; nobody else has three or more in a row.
    found = am.repeat_inadequate_practitioners(sample, SAMPLE_Q2)
    p0043 = found.set_index("practitioner_id").loc["P0043"]
    assert p0043["run_length"] == 3 and p0043["ongoing"]
    assert p0043["team"] == "Safeguarding Team 2"
    mine = sample.audits[sample.audits["practitioner_id"] == "P0043"].sort_values("audit_date")
    assert p0043["audit_ids"] == ", ".join(mine["audit_id"].iloc[-3:])
    assert (found["run_length"] >= 3).sum() == 1


@needs_sample
def test_sample_domains_and_signals(sample):
    # Patterns d, e, f: assessment and management oversight poor, help, protection and stability
    # strong, against the 70% aspiration.
    summary = am.domain_summary(sample, SAMPLE_Q2).set_index("domain")
    q2 = am.audits_in_period(sample, SAMPLE_Q2)
    for domain in ("assessment", "help_protection_stability", "management_oversight"):
        graded = q2[domain].dropna()
        assert summary.loc[domain, "audits"] == len(graded)
        assert summary.loc[domain, "good_or_better_count"] == graded.isin([O, G]).sum()
    assert summary.loc["assessment", "good_or_better_pct"] < 0.5
    assert summary.loc["management_oversight", "good_or_better_pct"] < 0.5
    assert summary.loc["help_protection_stability", "good_or_better_pct"] > 0.7
    extremes = am.domain_extremes(sample, SAMPLE_Q2, top=2)
    assert extremes.iloc[0]["domain_label"] == "Help, protection and stability"
    assert set(extremes[extremes["position"] == "weakest"]["domain_label"]) == {
        "Assessment",
        "Supervision and management oversight",
    }
    found = {
        s.theme: s.signal
        for s in am.signals(am.audit_figures(sample, SAMPLE_Q2), config=sample.config)
    }
    assert found["assessment"] == "negative" and found["management_oversight"] == "negative"
    assert found["permanence_stability"] == "positive"
    ids = {f.id for f in am.audit_figures(sample, SAMPLE_Q2)}
    assert {"audits.count", "audits.overall.good_or_better", "audits.overall.inadequate"} <= ids
    assert {f"audits.domain.{d}.good_or_better" for d in sample.config.domain_ids} <= ids


def test_a_domain_falling_over_the_trend_window_is_a_declining_trend_and_a_negative_signal():
    # 2025-26 Q2 ends the default 8-quarter window, which opens with 2023-24 Q3 (October 2023).
    # Ten audits in October 2023 grade Assessment Good; ten in August 2025 grade it Inadequate:
    # every good audit is earlier than every poor one, so Kendall's tau-b is strongly negative.
    rows = [audit(i, "2023-10-02", G, assessment=G) for i in range(10)]
    rows += [audit(10 + i, "2025-08-01", I, assessment=I) for i in range(10)]
    evidence = make_evidence(rows)
    figures = {f.id: f for f in am.audit_figures(evidence, Q2)}
    trend = figures["audits.domain.assessment.trend"]
    assert trend.direction == "declining" and trend.value < -0.5
    assert trend.comparison["first"] == {"numerator": 10, "denominator": 10}
    assert trend.comparison["last"] == {"numerator": 0, "denominator": 10}
    found = {s.theme: s for s in am.signals(list(figures.values()), config=evidence.config)}
    theme = next(t for t, th in evidence.config.themes.items() if "assessment" in th.audit_domains)
    assert found[theme].signal == "negative"
    assert "falling over the last 8 quarters (from 100% (10 of 10) to 0% (0 of 10))" in (
        found[theme].reason
    )
    assert "audits.domain.assessment.trend" in found[theme].figure_ids


def test_a_flat_domain_has_no_trend():
    # Half good in the first quarter of the window and half good in the last: tau-b is 0.
    rows = [audit(i, "2023-10-02", G, assessment=G if i < 5 else R) for i in range(10)]
    rows += [audit(10 + i, "2025-08-01", G, assessment=G if i < 5 else R) for i in range(10)]
    figures = {f.id: f for f in am.audit_figures(make_evidence(rows), Q2)}
    assert figures["audits.domain.assessment.trend"].direction == "stable"
    assert figures["audits.domain.assessment.trend"].value == 0
