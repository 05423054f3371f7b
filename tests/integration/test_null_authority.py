"""An authority with no change (``generate(patterns=False)``, ``qaanalysis synth --no-patterns``).

The checks read the generated exports with plain pandas and test each formerly planted pattern
directly (Fisher's exact test for two shares, the conditional binomial test for two Poisson
counts, a chi-square test across teams), on the same seed with and without patterns: with
patterns the change is there (p < 0.001), without it is not (p > 0.05).

Why a fixed seed may assert p > 0.05: without patterns both sides of each test draw from one
rate, so each p-value is uniform on (0, 1) over seeds, and 1 seed in 20 would fail any one check by
chance. Seed 10 was chosen after computing these p-values with plain pandas and scipy for seeds 1
to 12 (seed 1, for example, has p = 0.001 across teams; seed 6, p = 0.017 for assessments); the
value for seed 10 is noted beside each assertion (the smallest 0.16). They come from the exports,
not from the package's measures. With patterns on, the same checks give p < 0.001: the switch
works and each check can fail.
"""

from __future__ import annotations

from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, chi2_contingency, fisher_exact

from qaanalysis.cli import main as cli_main
from qaanalysis.tools.synthetic import generate

SEED = 10
GRADE = {  # the spellings an audit tool exports -> 0 Outstanding .. 3 Inadequate
    "outstanding": 0,
    "good": 1,
    "requires improvement": 2,
    "requires improvement to be good": 2,
    "ri": 2,
    "req imp": 2,
    "req. improvement": 2,
    "inadequate": 3,
}
WORKER_CONTACT = ("Worker contact", "Lack of contact from social worker")


@pytest.fixture(scope="module")
def null(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("null")
    generate(out, scale="small", seed=SEED, patterns=False)
    return out


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("planted")
    generate(out, scale="small", seed=SEED)
    return out


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")


def _audits(root: Path) -> pd.DataFrame:
    raw = pd.read_csv(root / "audits.csv", dtype=str, keep_default_na=False)
    grade = raw["Overall Grade"].str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    a = raw.assign(
        date=_dates(raw["Date of Audit"]),
        grade=grade.map(GRADE),
        moderated=_moderated(raw["Moderated Grade"]),
    )
    valid = a["date"].notna() & (a["date"] <= "2026-09-30") & a["grade"].notna()
    return a[valid & (a["Child ID"] != "") & ~a["Audit Ref"].duplicated()]


def _moderated(s: pd.Series) -> pd.Series:
    return s.str.strip().str.lower().str.replace(r"\s+", " ", regex=True).map(GRADE)


def _good_table(a: pd.DataFrame, first, second) -> list[list[int]]:
    """2x2 table [good, not good] for two masks of the audits frame."""
    good = a["grade"] <= 1
    return [[int((good & m).sum()), int((~good & m).sum())] for m in (first, second)]


def _between(d: pd.Series, lo: str, hi: str) -> pd.Series:
    return (d >= pd.Timestamp(lo)) & (d <= pd.Timestamp(hi))


def test_first_and_second_years_share_good_or_better(null, planted):
    # 2023-24 against 2024-25, every valid audit: one 70% rate throughout, so no difference.
    a = _audits(null)
    table = _good_table(
        a,
        _between(a["date"], "2023-04-01", "2024-03-31"),
        _between(a["date"], "2024-04-01", "2025-03-31"),
    )
    assert min(sum(r) for r in table) > 300  # about 30 audits a month
    assert fisher_exact(table).pvalue > 0.05  # seed 10: p = 0.74
    shares = [r[0] / sum(r) for r in table]
    # 70% expected; 3 standard errors of a year's share (about 380 audits) are about 0.07.
    assert all(0.63 < s < 0.77 for s in shares)  # seed 10: 69% and 68%


def _p_team(root: Path) -> float:
    a = _audits(root)
    a = a[(a["Team"] == "Safeguarding Team 2") & (a["Audit Type"] == "Monthly case audit")]
    table = _good_table(a, a["date"] < "2025-04-01", a["date"] >= "2026-04-01")
    return fisher_exact(table).pvalue


def test_the_formerly_declining_team_does_not_decline(null, planted):
    # Pattern a: Safeguarding Team 2 up to 2024-25 against 2026-27 Q1-Q2 (standard audits).
    assert _p_team(planted) < 0.001  # 70% falling to 28%
    assert _p_team(null) > 0.05  # seed 10: p = 0.78


def test_no_dip_sample_no_practitioner_run_no_team_offsets(null):
    a = _audits(null)
    assert set(a["Audit Type"]) == {"Monthly case audit", "Themed", "Re-audit"}
    # No practitioner has three Inadequate audits running (the planted run is off too).
    runs = (
        a.sort_values("date", kind="stable")
        .groupby("Worker ID")["grade"]
        .apply(lambda g: (g == 3).astype(int).groupby((g != 3).cumsum()).sum().max())
    )
    assert runs.max() < 3
    # Teams alike: a chi-square test of good or better across the 14 teams.
    good = a["grade"] <= 1
    table = pd.crosstab(a["Team"], good)
    assert len(table) == 14
    assert chi2_contingency(table).pvalue > 0.05  # seed 10: p = 0.51


def _p_assessments(root: Path) -> float:
    raw = pd.read_csv(
        root / "annex_a" / "list_04_assessments.csv", dtype=str, keep_default_na=False
    )
    start = _dates(raw["Continuous Assessment Start Date"])
    auth = _dates(raw["Continuous Assessment Date of Authorisation"])
    done = auth.notna() & (auth >= "2023-04-01")
    start, auth = start[done], auth[done]
    hol = [
        np.datetime64(d)
        for d in holidays.country_holidays("GB", subdiv="ENG", years=range(2018, 2028))
    ]
    wd = np.busday_count(
        start.to_numpy().astype("datetime64[D]") + 1,
        auth.to_numpy().astype("datetime64[D]") + 1,
        holidays=hol,
    )
    within = wd <= 45
    after = (auth >= "2025-10-01").to_numpy()
    table = [
        [int((within & ~after).sum()), int((~within & ~after).sum())],
        [int((within & after).sum()), int((~within & after).sum())],
    ]
    return fisher_exact(table).pvalue


def test_assessment_timeliness_has_no_shift(null, planted):
    # Pattern b: authorised within 45 working days before and from 1 October 2025 (List 4).
    assert _p_assessments(planted) < 0.001  # 72% to 90%
    assert _p_assessments(null) > 0.05  # seed 10: p = 0.84


def _p_worker_contact(root: Path) -> float:
    raw = pd.read_csv(root / "complaints.csv", dtype=str, keep_default_na=False, encoding="cp1252")
    d = _dates(raw["Date Received"])
    wc = (raw["Type"] == "Complaint") & raw["Category"].isin(WORKER_CONTACT)
    k_before = int((wc & _between(d, "2024-04-01", "2025-11-30")).sum())  # 20 months
    k_after = int((wc & _between(d, "2026-04-01", "2026-09-30")).sum())  # 6 months
    return binomtest(k_after, k_before + k_after, 6 / 26).pvalue


def test_worker_contact_complaints_do_not_rise(null, planted):
    # Pattern c: April to September 2026 against April 2024 to November 2025 (before the rise), as
    # two Poisson counts: given their total, the later count is binomial(total, 6 / 26 months).
    assert _p_worker_contact(planted) < 0.001  # about twice the rate
    assert _p_worker_contact(null) > 0.05  # seed 10: p = 0.16


def _p_moderation(root: Path) -> float:
    a = _audits(root)
    m = a[a["moderated"].notna()]
    down = int((m["moderated"] > m["grade"]).sum())
    up = int((m["moderated"] < m["grade"]).sum())
    return binomtest(down, down + up, 0.5).pvalue


def test_moderation_is_unbiased(null, planted):
    # Pattern g: downgrades against upgrades among moderated audits whose grade changed.
    assert _p_moderation(planted) < 0.001  # 42 downgrades against 12 upgrades in the sample
    assert _p_moderation(null) > 0.05  # seed 10: p = 1.00


def _p_supervision(root: Path) -> float:
    k = pd.read_csv(root / "kpis.csv", dtype=str)
    s = k[k["Indicator"] == "Supervision within timescale"]
    held, due = s["Numerator"].astype(int), s["Denominator"].astype(int)
    first = [int(held.iloc[:24].sum()), int((due - held).iloc[:24].sum())]
    last = [int(held.iloc[-12:].sum()), int((due - held).iloc[-12:].sum())]
    return fisher_exact([first, last]).pvalue


def test_supervision_is_level(null, planted):
    # Pattern f's scorecard: supervision held, the first 24 months against the last 12.
    assert _p_supervision(planted) < 0.001  # 78% drifting down 0.4 points a month from 2025-04
    assert _p_supervision(null) > 0.05  # seed 10: p = 1.00


def test_cli_writes_an_authority_with_no_change(tmp_path):
    assert cli_main(["synth", "--out", str(tmp_path), "--seed", str(SEED), "--no-patterns"]) == 0
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "## No planted patterns" in readme
    assert "## Planted patterns" not in readme
    assert "--no-patterns" in readme
