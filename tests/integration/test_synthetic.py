"""The synthetic authority: deterministic, loadable, and carrying the planted patterns.

The pattern checks read the generated exports with plain pandas (their own headers, their own
spellings) and recompute each planted pattern independently of the package's measures.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import holidays
import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from scipy.stats import chi2

from qaanalysis.config import load_config
from qaanalysis.sources import load_evidence
from qaanalysis.tools.synthetic import generate

SAMPLES = Path(__file__).resolve().parents[2] / "data_samples"
EXTRACT = pd.Timestamp("2026-09-30")
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


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("northmoor")
    generate(out, scale="small", seed=2026)
    return out


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")


def _grades(s: pd.Series) -> pd.Series:
    return s.str.strip().str.lower().str.replace(r"\s+", " ", regex=True).map(GRADE)


def _fq(d: pd.Series) -> pd.Series:
    """Financial quarter code, e.g. 2026-27-Q2."""
    fy = d.dt.year - (d.dt.month < 4)
    q = (d.dt.month - 4) % 12 // 3 + 1
    return fy.astype(str) + "-" + ((fy + 1) % 100).astype(str).str.zfill(2) + "-Q" + q.astype(str)


@pytest.fixture(scope="module")
def audits(sample) -> pd.DataFrame:
    raw = pd.read_csv(sample / "audits.csv", dtype=str, keep_default_na=False)
    a = raw.assign(
        date=_dates(raw["Date of Audit"]),
        grade=_grades(raw["Overall Grade"]),
        moderated=_grades(raw["Moderated Grade"]),
    )
    valid = (
        a["date"].notna()
        & (a["date"] <= EXTRACT)
        & a["grade"].notna()
        & (a["Child ID"] != "")
        & ~a["Audit Ref"].duplicated()
    )
    a = a[valid].copy()
    a["fq"] = _fq(a["date"])
    a["good"] = a["grade"] <= 1
    return a


@pytest.fixture(scope="module")
def feedback_grid(sample) -> pd.DataFrame:
    """feedback.xlsx as the sheet's grid, header row included (row 3)."""
    book = openpyxl.load_workbook(sample / "feedback.xlsx", read_only=True)
    rows = [list(r) + [None] * (9 - len(r)) for r in book["Responses"].iter_rows(values_only=True)]
    grid = pd.DataFrame(rows)
    book.close()
    return grid


def _domain_good(a: pd.DataFrame, label: str, mask=None) -> tuple[int, int]:
    g = _grades(a[label])
    if mask is not None:
        g = g[mask]
    g = g.dropna()
    return int((g <= 1).sum()), len(g)


# ---------------------------------------------------------------- determinism and loading


def test_same_seed_gives_byte_identical_files(sample, tmp_path):
    generate(tmp_path, scale="small", seed=2026)
    assert _files(tmp_path) == _files(sample)
    for rel in _files(sample):
        assert filecmp.cmp(sample / rel, tmp_path / rel, shallow=False), rel


def test_different_seed_gives_different_data(sample, tmp_path):
    generate(tmp_path, scale="small", seed=7)
    assert (tmp_path / "audits.csv").read_bytes() != (sample / "audits.csv").read_bytes()
    assert (tmp_path / "feedback.xlsx").read_bytes() != (sample / "feedback.xlsx").read_bytes()


def test_committed_sample_is_the_generators_output(sample):
    if not (SAMPLES / "la.yaml").is_file():
        pytest.skip("data_samples/ not generated")
    for rel in _files(sample):
        assert filecmp.cmp(sample / rel, SAMPLES / rel, shallow=False), (
            f"data_samples/{rel} differs from generate(seed=2026): regenerate the sample"
        )


def test_scale_is_checked(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale="huge")


def test_la_yaml_loads_strictly(sample):
    config = load_config(sample / "la.yaml")
    assert config.authority.slug == "northmoor"
    assert config.authority.la_code == "370"
    assert str(config.extract_date) == "2026-09-30"
    assert config.kpis["supervision_in_timescale"].target == 0.85
    assert set(config.sources["annex_a"].files) == {f"list_{k}" for k in range(1, 12)}


def test_loader_rejects_exactly_the_planted_bad_rows(sample):
    report = load_evidence(load_config(sample / "la.yaml")).report
    assert report.ok, report.fatal
    for name, source in report.sources.items():
        assert source.rows_read == source.rows_accepted + source.rows_rejected, name
        if name != "audits":
            assert source.rows_rejected == 0, (name, [p.as_dict() for p in source.rejections])
    reasons = sorted(p.reason.split(" (")[0] for p in report.sources["audits"].rejections)
    assert reasons == [
        "date after the extract date",
        "duplicate audit_id",
        "not a grade on the configured scale",
        "not a valid date",
        "required value is blank",
    ]
    warnings = {(p.column, p.value) for s in report.sources.values() for p in s.warnings}
    assert warnings == {("Immediate Response", "?"), ("Date Completed", "TBC")}


# ---------------------------------------------------------------- shape of the data


def test_audit_volumes_and_overall_share(audits):
    per_month = audits.groupby(audits["date"].dt.to_period("M")).size()
    assert len(per_month) == 42
    assert per_month.between(20, 42).all()
    assert 0.55 <= audits["good"].mean() <= 0.65


def test_auditors_never_audit_their_own_team(sample, audits):
    roster = yaml.safe_load((sample / "la.yaml").read_text())["audit_programme"]["roster"]
    manages = {a["auditor_id"]: set(a["manages"]) for a in roster}
    own = [t in manages[a] for a, t in zip(audits["Auditor ID"], audits["Team"], strict=True)]
    assert not any(own)


def test_audited_children_appear_in_the_annex_a_lists(sample, audits):
    ids = set()
    for path in (sample / "annex_a").glob("list_*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "Child Unique ID" in frame:
            ids |= set(frame["Child Unique ID"])
    assert audits["Child ID"].isin(ids).mean() > 0.99


def test_exports_have_their_real_world_quirks(sample, feedback_grid):
    raw = (sample / "complaints.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "\u00a3" in text and "\u201c" in text
    assert feedback_grid.iloc[:2].isna().all().all()
    assert feedback_grid.iloc[2, 0] == "Response ID"
    referrals = pd.read_csv(sample / "annex_a/list_03_referrals.csv", dtype=str)
    assert referrals["Gender"].str.match(r"^[a-z]\) ").any()
    assert referrals["Gender"].isin(["Male", "Female"]).any()


# ---------------------------------------------------------------- planted patterns


def test_a_team_decline_is_flagged_by_a_funnel_plot(audits):
    team = audits["Team"] == "Safeguarding Team 2"
    before = team & (audits["date"] < "2025-04-01")
    recent = team & (audits["date"] >= "2026-04-01")
    assert 0.62 <= audits.loc[before, "good"].mean() <= 0.78
    assert audits.loc[recent, "good"].mean() <= 0.35
    for period in (audits["fq"] == "2026-27-Q2", audits["date"] >= "2025-10-01"):
        p0 = audits.loc[period, "good"].mean()
        n = int((team & period).sum())
        lower95 = p0 - 1.96 * np.sqrt(p0 * (1 - p0) / n)
        assert audits.loc[team & period, "good"].mean() < lower95


def test_a_one_practitioner_has_three_consecutive_inadequate_audits(audits):
    runs = {}
    for worker, g in audits.sort_values(["date", "Audit Ref"]).groupby("Worker ID"):
        best = run = 0
        for inadequate in g["grade"] == 3:
            run = run + 1 if inadequate else 0
            best = max(best, run)
        runs[worker] = best
    three = [w for w, r in runs.items() if r >= 3]
    assert len(three) == 1
    worker = three[0]
    assert runs[worker] == 3
    mine = audits[audits["Worker ID"] == worker].sort_values("date")
    assert set(mine["Team"].tail(3)) == {"Safeguarding Team 2"}
    assert (mine["grade"].tail(3) == 3).all() and mine["date"].iloc[-3] >= pd.Timestamp(
        "2026-04-01"
    )


def test_b_assessment_timeliness_shifts_after_october_2025(sample):
    a = pd.read_csv(sample / "annex_a/list_04_assessments.csv", dtype=str, keep_default_na=False)
    start = _dates(a["Continuous Assessment Start Date"])
    auth = _dates(a["Continuous Assessment Date of Authorisation"])
    done = auth.notna() & (auth >= "2023-04-01")
    bank = np.array(
        sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2028))),
        dtype="datetime64[D]",
    )
    s = start[done].to_numpy().astype("datetime64[D]")
    e = auth[done].to_numpy().astype("datetime64[D]")
    within = pd.Series(np.busday_count(s + 1, e + 1, holidays=bank) <= 45, index=auth[done].index)
    after = auth[done] >= "2025-10-01"
    assert 0.69 <= within[~after].mean() <= 0.75
    assert within[after].mean() >= 0.86
    monthly = within.groupby(auth[done].dt.to_period("M")).mean()
    pre, post = monthly[monthly.index < "2025-10"], monthly[monthly.index >= "2025-10"]
    assert len(post) == 12 and (post > pre.mean() + 0.1).all()


def test_c_worker_contact_complaints_rise(sample):
    c = pd.read_csv(sample / "complaints.csv", dtype=str, keep_default_na=False, encoding="cp1252")
    labels = c["Category"].str.lower()
    wc = c[
        (c["Type"] == "Complaint")
        & labels.isin(["worker contact", "lack of contact from social worker"])
    ]
    by_q = _fq(_dates(wc["Date Received"])).value_counts()
    assert by_q["2025-26-Q4"] < by_q["2026-27-Q1"] < by_q["2026-27-Q2"]
    assert by_q["2026-27-Q2"] >= 1.7 * by_q["2025-26-Q2"]


def test_d_assessments_timely_but_poor_quality(audits):
    k, n = _domain_good(audits, "Assessment", audits["fq"] == "2026-27-Q2")
    assert n >= 60 and k / n <= 0.45
    k, n = _domain_good(audits, "Assessment", audits["date"] < "2024-04-01")
    assert k / n >= 0.55


def test_e_permanence_and_stability_is_a_strength(sample, audits, feedback_grid):
    k, n = _domain_good(audits, "Help, protection and stability")
    assert k / n >= 0.75
    cla = pd.read_csv(
        sample / "annex_a/list_08_children_in_care.csv", dtype=str, keep_default_na=False
    )
    open_now = cla["Date Ceased to be Looked After"] == ""
    assert 380 <= open_now.sum() <= 480
    placements = cla.loc[open_now, "Number of Placements in the Last 12 months"].astype(int)
    assert (placements >= 3).mean() <= 0.08
    fb = feedback_grid.iloc[3:].set_axis(feedback_grid.iloc[2].tolist(), axis=1)
    settled = fb[fb["Question"] == "Do you feel settled where you live?"]["Score"].dropna()
    assert len(settled) > 500 and (settled >= 4).mean() >= 0.78


def test_f_management_oversight_is_a_concern(sample, audits):
    k, n = _domain_good(audits, "Supervision and management oversight")
    assert k / n <= 0.45
    kpis = pd.read_csv(sample / "kpis.csv")
    supervision = kpis[kpis["Indicator"] == "Supervision within timescale"]
    assert len(supervision) == 42 and (supervision["Value"] < 0.85).all()
    e = pd.read_csv(sample / "escalations.csv", dtype=str, keep_default_na=False)
    q = _fq(_dates(e.loc[e["Category"] == "Management response", "Date Raised"])).value_counts()
    recent = q.get("2026-27-Q1", 0) + q.get("2026-27-Q2", 0)
    earlier = q.get("2024-25-Q1", 0) + q.get("2024-25-Q2", 0)
    assert recent >= 2 * earlier


def test_g_moderation_downgrades_outnumber_upgrades(audits):
    assert (audits.loc[audits["grade"] == 3, "moderated"].notna()).all()
    mod = audits[audits["moderated"].notna()]
    assert 0.2 <= len(mod) / len(audits) <= 0.3
    down = int((mod["moderated"] > mod["grade"]).sum())
    up = int((mod["moderated"] < mod["grade"]).sum())
    assert down >= 2 * up
    table = pd.crosstab(mod["grade"], mod["moderated"]).reindex(
        index=range(4), columns=range(4), fill_value=0
    )
    t = table.to_numpy()
    pairs = [(i, j) for i in range(4) for j in range(i + 1, 4) if t[i, j] + t[j, i] > 0]
    bowker = sum((t[i, j] - t[j, i]) ** 2 / (t[i, j] + t[j, i]) for i, j in pairs)
    assert chi2.sf(bowker, len(pairs)) < 0.01
