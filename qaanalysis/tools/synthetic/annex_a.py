"""The synthetic sample authority, Northmoor: every source in the authority's own export formats.

``generate(out_dir)`` writes a fictional mid-sized authority's exports (audits, audit actions, the
Annex A lists, a monthly scorecard, the complaints log, participation feedback, IRO / CP chair
escalations), the ``la.yaml`` that maps them to the canonical columns, and a ``README.md`` that
documents the planted patterns and the deliberately bad rows. Nothing in it is real: identifiers
are pseudonymous (``C000123``, ``P0042``, ``A007``), no names, no real people.

The same seed gives byte-identical files: output is sorted, formatted with fixed rules and carries
no timestamps (the XLSX's zip entries and document properties are pinned to the extract date).

Planted patterns (exact parameters in the generated README):

a. ``Safeguarding Team 2``'s good-or-better share falls from about 70% to about 30% in 2026-27,
   and one of its practitioners has three consecutive Inadequate audits.
b. Assessments authorised within 45 working days rise from about 72% to about 90% for assessments
   authorised from 1 October 2025.
c. ``worker_contact`` complaints rise from 2025-26 Q4, roughly doubling by 2026-27 Q2.
d. The audit domain ``assessment`` is poor (about 40% good or better in 2026-27) while assessment
   timeliness is good: compliance without quality.
e. Permanence and stability is a corroborated strength (domain, placement stability, feel settled).
f. Management oversight is a corroborated concern (domain, supervision KPI, management-response
   escalations rising).
g. Moderation downgrades outnumber upgrades (lenient first grading, mostly team managers).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import chdtrc, ndtri

from .periods import bank_holidays

__all__ = ["generate", "SCALES", "PLANTED_TEAM", "ASSESSMENT_SHIFT_DATE"]

SCALES = ("small", "large")
PLANTED_TEAM = "Safeguarding Team 2"
ASSESSMENT_SHIFT_DATE = "2025-10-01"
EXTRACT_DATE = "2026-09-30"

_D = "datetime64[D]"
_M = "datetime64[M]"
_NAT = np.datetime64("NaT", "D")
_GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")
# Latent-quality cut points: with a mean of 0 these give about 8% Outstanding, 52% Good,
# 30% Requires Improvement and 10% Inadequate (60% good or better).
_CUT_OUTSTANDING, _CUT_GOOD, _CUT_RI = 1.4, -0.25, -1.28

# Spellings seen in audit tools' exports, with how often each appears.
_GRADE_SPELLINGS = (
    (("Outstanding", 0.85), ("outstanding", 0.1), ("OUTSTANDING ", 0.05)),
    (("Good", 0.8), ("good", 0.1), (" Good", 0.05), ("GOOD", 0.05)),
    (
        ("Requires Improvement", 0.4),
        ("RI", 0.2),
        ("Requires improvement to be good", 0.2),
        ("Req Imp", 0.1),
        ("requires improvement", 0.05),
        ("Req. Improvement", 0.05),  # Northmoor's own variant: mapped in la.yaml grades.synonyms
    ),
    (("Inadequate", 0.85), ("inadequate", 0.1), ("Inadequate ", 0.05)),
)

# (service, team stem, teams at small scale, audit weight)
_SERVICES = (
    ("Front Door (MASH)", "MASH Team", 2, 0.8),
    ("Assessment", "Assessment Team", 3, 1.1),
    ("Safeguarding and Family Help", "Safeguarding Team", 3, 1.4),
    ("Children in Care", "Children in Care Team", 2, 1.2),
    ("Care Leavers", "Care Leavers Team", 2, 0.7),
    ("Early Help", "Early Help Team", 2, 0.7),
)

_DOMAINS = (
    ("help_protection_stability", "Help, protection and stability"),
    ("recording", "Recording and communication"),
    ("assessment", "Assessment"),
    ("relationships_direct_work", "Relationship-based practice and direct work"),
    ("multi_agency_planning", "Multi-agency planning, analysis, review and decision making"),
    ("management_oversight", "Supervision and management oversight"),
    ("review_unit", "Role of the safeguarding and independent review unit"),
    ("impact_outcomes", "Impact and overall outcomes"),
)
# Domain bias on the latent scale by financial year (start year); last value carries forward.
_DOMAIN_BIAS = {
    "help_protection_stability": {0: 0.75},
    "recording": {0: -0.1},
    "assessment": {2023: -0.05, 2024: -0.15, 2025: -0.35, 2026: -0.55},
    "relationships_direct_work": {0: 0.15},
    "multi_agency_planning": {0: 0.0},
    "management_oversight": {2023: -0.35, 2024: -0.45, 2025: -0.6, 2026: -0.7},
    "review_unit": {0: 0.1},
    "impact_outcomes": {0: -0.05},
}


def _domain_bias(domain: str, fy: np.ndarray) -> np.ndarray:
    by_year = _DOMAIN_BIAS[domain]
    years = np.array(sorted(by_year))
    values = np.array([by_year[y] for y in years])
    return values[np.clip(np.searchsorted(years, fy, "right") - 1, 0, len(years) - 1)]


# Latent mean of an ordinary team: about 64% good or better, so the authority sits near 60%.
_BASE_QUALITY = 0.1
# Moderation (pattern g): chance the moderator grades one step worse, by the first auditor's role
# (team managers are the most lenient), and one step better.
_DOWNGRADE = {
    "team_manager": 0.35,
    "service_manager": 0.22,
    "head_of_service": 0.18,
    "qa_lead": 0.12,
}
_UPGRADE = 0.04

_MONTHLY_THEMES = (
    "Neglect", "Voice of the child", "Domestic abuse", "Management oversight",
    "Permanence planning", "Contextual safeguarding", "Assessment quality", "Pre-birth assessment",
    "Transitions to adulthood", "Multi-agency working", "Recording", "Disabled children",
)  # fmt: skip


@dataclass(frozen=True)
class _Spec:
    scale: str
    start: np.datetime64  # first day of the window
    extract: np.datetime64
    volume: float  # multiplier of monthly volumes
    team_copies: int  # teams per service = small count x this
    workers_per_team: int
    quotas: dict

    @property
    def sim_start(self) -> np.datetime64:
        # Three years of history before the window so stock lists and 12-month counts are settled.
        return (self.start.astype(_M) - 36).astype(_D)


def _spec(scale: str) -> _Spec:
    extract = np.datetime64(EXTRACT_DATE, "D")
    if scale == "small":
        return _Spec(
            scale, np.datetime64("2023-04-01", "D"), extract, 1.0, 1, 7,
            {"team_manager": 1, "service_manager": 1, "head_of_service": 1, "qa_lead": 3},
        )  # fmt: skip
    if scale == "large":
        return _Spec(
            scale, np.datetime64("2021-04-01", "D"), extract, 10.0, 5, 14,
            {"team_manager": 2, "service_manager": 2, "head_of_service": 2, "qa_lead": 4},
        )  # fmt: skip
    raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")


# ---------------------------------------------------------------- dates


_HOL = bank_holidays().values.astype(_D)


class _Days:
    """Working days (England and Wales) and date helpers over the simulated span."""

    def __init__(self, spec: _Spec):
        lo = (spec.sim_start.astype(_M) - 24).astype(_D)
        hi = (spec.extract.astype(_M) + 24).astype(_D)
        every = np.arange(lo, hi, dtype=_D)
        self.work = every[np.is_busday(every, holidays=_HOL)]

    def between(self, rng, lo, hi) -> np.ndarray:
        """A random working day in [lo, hi] for each pair (lo itself if there is none)."""
        lo = np.asarray(lo, dtype=_D)
        hi = np.asarray(hi, dtype=_D)
        i_lo = np.searchsorted(self.work, lo, "left")
        i_hi = np.searchsorted(self.work, hi, "right")
        width = np.maximum(i_hi - i_lo, 1)
        idx = np.minimum(
            i_lo + np.floor(rng.random(lo.shape) * width).astype(int), len(self.work) - 1
        )
        return self.work[idx]

    def monthly(self, rng, months: np.ndarray, rates, *, counts=None) -> np.ndarray:
        """Events on working days: a Poisson number a month (or ``counts``), each on a random working day."""
        if counts is None:
            counts = rng.poisson(np.broadcast_to(np.asarray(rates, float), months.shape))
        counts = np.asarray(counts, dtype=int)
        mo = np.repeat(months, counts)
        return np.sort(self.between(rng, mo.astype(_D), (mo + 1).astype(_D) - 1))


def _wd(days, n) -> np.ndarray:
    return np.busday_offset(np.asarray(days, dtype=_D), n, roll="forward", holidays=_HOL)


def _add_months(days, months) -> np.ndarray:
    days = np.asarray(days, dtype=_D)
    ym = days.astype(_M)
    day = (days - ym.astype(_D)).astype(int)
    target = ym + np.asarray(months, dtype=int)
    last = ((target + 1).astype(_D) - target.astype(_D)).astype(int) - 1
    return target.astype(_D) + np.minimum(day, last)


def _months(lo, hi) -> np.ndarray:
    return np.arange(np.datetime64(lo, "M"), np.datetime64(hi, "M") + 1, dtype=_M)


_TEXT_BASE = np.datetime64("1980-01-01", "D")
_TEXT_DAYS = np.arange(_TEXT_BASE, np.datetime64("2040-01-01", "D"), dtype=_D)
_TEXT = np.array(
    [f"{d.day:02d}/{d.month:02d}/{d.year}" for d in _TEXT_DAYS.astype(object)] + [""], dtype=object
)


def _fmt(days) -> np.ndarray:
    """Dates as UK day-first text (31/03/2025); NaT as blank."""
    days = np.asarray(days, dtype=_D)
    idx = (days - _TEXT_BASE).astype(np.int64)
    idx = np.where(np.isnat(days), len(_TEXT) - 1, idx)
    if ((idx < 0) | (idx >= len(_TEXT))).any():
        raise ValueError("date outside 1980-2039")
    return _TEXT[idx]


def _ids(prefix: str, numbers, width: int) -> np.ndarray:
    """Identifiers such as ``C000123`` from integers, as an object array."""
    digits = np.strings.zfill(np.asarray(numbers).astype(np.int64).astype(str), width)
    return np.strings.add(prefix, digits).astype(object)


def _fy(days) -> np.ndarray:
    """Financial year (start year) of each date."""
    m = np.asarray(days, dtype=_D).astype(_M).astype(int)
    return (m - 3) // 12 + 1970


def _fq_index(days) -> np.ndarray:
    """Financial quarter number (consecutive integers) of each date."""
    m = np.asarray(days, dtype=_D).astype(_M).astype(int)
    return (m - 3) // 3


def _fq_code(days) -> np.ndarray:
    m = np.asarray(days, dtype=_D).astype(_M).astype(int)
    fy = (m - 3) // 12 + 1970
    q = (m - 3) % 12 // 3 + 1
    return np.array([f"{y}-{(y + 1) % 100:02d}-Q{k}" for y, k in zip(fy, q, strict=True)])


# ---------------------------------------------------------------- labels


def _pick(rng, n: int, options, p=None) -> np.ndarray:
    options = np.array(options, dtype=object)
    if p is not None:
        p = np.asarray(p, float) / np.sum(p)
    return options[rng.choice(len(options), size=n, p=p)]


def _prefixed(rng, idx: np.ndarray, labels, prefix_share: float) -> np.ndarray:
    """Annex A coded values: ``a) Yes`` style with the given probability, else plain."""
    plain = np.array(labels, dtype=object)
    coded = np.array([f"{chr(97 + i)}) {lab}" for i, lab in enumerate(labels)], dtype=object)
    use = rng.random(len(idx)) < prefix_share
    return np.where(use, coded[idx], plain[idx])


def _yes_no(rng, flags: np.ndarray, *, blank=None) -> np.ndarray:
    """Yes / no written the three ways Annex A exports write them."""
    flags = np.asarray(flags, bool)
    style = rng.choice(3, size=len(flags), p=[0.5, 0.35, 0.15])
    yes = np.array(["a) Yes", "Yes", "Y"], dtype=object)[style]
    no = np.array(["b) No", "No", "N"], dtype=object)[style]
    out = np.where(flags, yes, no)
    if blank is not None:
        out = np.where(blank, "", out)
    return out


def _grade_text(rng, grades: np.ndarray) -> np.ndarray:
    """Grade indexes (0 = Outstanding .. 3 = Inadequate, -1 = blank) as exported text."""
    out = np.full(len(grades), "", dtype=object)
    for g, spellings in enumerate(_GRADE_SPELLINGS):
        mask = grades == g
        labels, weights = zip(*spellings, strict=True)
        out[mask] = _pick(rng, int(mask.sum()), labels, weights)
    return out


def _grade_of(latent: np.ndarray) -> np.ndarray:
    return np.select(
        [latent > _CUT_OUTSTANDING, latent > _CUT_GOOD, latent > _CUT_RI], [0, 1, 2], default=3
    )


# ---------------------------------------------------------------- organisation


@dataclass
class _Org:
    teams: list[str]
    service_of: dict[str, str]
    stem_of: dict[str, str]
    workers: dict[str, list[str]]
    roster: list[dict]
    weight: dict[str, float]
    planted_worker: str

    def teams_of(self, stem: str) -> list[str]:
        return [t for t in self.teams if self.stem_of[t] == stem]


def _organisation(spec: _Spec) -> _Org:
    teams, service_of, stem_of, weight, workers = [], {}, {}, {}, {}
    n_worker = 0
    for service, stem, count, w in _SERVICES:
        for k in range(1, count * spec.team_copies + 1):
            team = f"{stem} {k}"
            teams.append(team)
            service_of[team], stem_of[team], weight[team] = service, stem, w
            ids = [f"P{n_worker + i + 1:04d}" for i in range(spec.workers_per_team)]
            n_worker += spec.workers_per_team
            workers[team] = ids
    roster: list[dict] = []

    def add(role: str, manages: list[str]) -> None:
        roster.append({"auditor_id": f"A{len(roster) + 1:03d}", "role": role, "manages": manages})

    for team in teams:
        add("team_manager", [team])
    for service, _stem, _count, _w in _SERVICES:
        in_service = [t for t in teams if service_of[t] == service]
        size = max(len(in_service) // spec.team_copies, 1)
        for i in range(0, len(in_service), size):
            add("service_manager", in_service[i : i + size])
    groups = (
        ("Front Door (MASH)", "Assessment", "Early Help"),
        ("Safeguarding and Family Help",),
        ("Children in Care", "Care Leavers"),
    )
    for group in groups:
        for _ in range(1 if spec.scale == "small" else 2):
            add("head_of_service", [t for t in teams if service_of[t] in group])
    for _ in range(2 if spec.scale == "small" else 10):
        add("qa_lead", [])
    return _Org(teams, service_of, stem_of, workers, roster, weight, workers[PLANTED_TEAM][0])


# ---------------------------------------------------------------- children


class _Children:
    """Every simulated child, with attributes fixed at first sight (id ``C`` + 6 digits)."""

    def __init__(self, rng):
        self.rng = rng
        self.dob: list[np.ndarray] = []
        self.n = 0

    def new(self, at: np.ndarray, ages_years: np.ndarray) -> np.ndarray:
        at = np.asarray(at, dtype=_D)
        dob = at - np.round(np.asarray(ages_years) * 365.25).astype(int)
        ids = np.arange(self.n + 1, self.n + len(at) + 1)
        self.n += len(at)
        self.dob.append(dob)
        return ids

    def finish(self) -> None:
        rng = self.rng
        self.dob_all = np.concatenate([np.array([_NAT])] + self.dob)  # index = child number
        n = len(self.dob_all)
        self.gender = rng.choice(3, size=n, p=[0.495, 0.485, 0.02])
        self.ethnicity = rng.choice(len(_ETHNICITY), size=n, p=_ETHNICITY_P)
        self.disabled = rng.random(n) < 0.08


_ETHNICITY = ("WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
              "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")  # fmt: skip
_ETHNICITY_P = np.array([78, 1, 4, 0.3, 0.7, 1.5, 0.8, 1, 1.5, 0.8,
                         1.5, 0.5, 0.7, 0.4, 1.2, 0.4, 0.3, 1.2, 0.7, 2.5])  # fmt: skip
_ETHNICITY_P = _ETHNICITY_P / _ETHNICITY_P.sum()


def _ages(rng, n: int, profile: str) -> np.ndarray:
    u = rng.random(n)
    if profile == "child":
        bands = [(0.08, 0, 1), (0.32, 1, 5), (0.58, 5, 10), (0.9, 10, 16), (1.0, 16, 17.9)]
    elif profile == "cla":
        bands = [(0.18, 0, 1), (0.33, 1, 5), (0.53, 5, 10), (0.88, 10, 16), (1.0, 16, 17.6)]
    else:  # early help and contacts
        bands = [(0.1, 0, 1), (0.35, 1, 5), (0.65, 5, 11), (0.95, 11, 16), (1.0, 16, 17.9)]
    lo = np.select([u < b[0] for b in bands], [b[1] for b in bands])
    hi = np.select([u < b[0] for b in bands], [b[2] for b in bands])
    return lo + rng.random(n) * (hi - lo)


def _count_within(
    child: np.ndarray, days: np.ndarray, at_child: np.ndarray, at: np.ndarray
) -> np.ndarray:
    """For each (at_child, at): that child's events in (at - 365 days, at] among (child, days)."""
    base = np.datetime64("1990-01-01", "D")
    key = np.sort(child.astype(np.int64) * 100_000 + (days - base).astype(np.int64))
    q_hi = at_child.astype(np.int64) * 100_000 + (at - base).astype(np.int64)
    return np.searchsorted(key, q_hi, "right") - np.searchsorted(key, q_hi - 364, "left")


# ---------------------------------------------------------------- Annex A


_L_COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]
_DISABILITY = "Does the Child have a Disability"
_SOURCES = ("1A: Individual", "1B: Individual - family member", "2A: Schools",
            "2B: Education services", "3A: Health services - GP", "3B: Health services - Health visitor",
            "3D: Health services - Other primary health services", "3E: Health services - A&E",
            "4: Local authority services", "5A: Housing - LA housing", "6: Police",
            "7: Other legal agency", "8: Other", "9: Anonymous")  # fmt: skip
_SOURCES_P = (6, 5, 17, 3, 3, 4, 8, 3, 6, 2, 30, 4, 7, 2)


@dataclass
class _Pool:
    """Cases a team holds, for choosing audited children: one row per case episode."""

    team: list = field(default_factory=list)
    child: list = field(default_factory=list)
    worker: list = field(default_factory=list)
    start: list = field(default_factory=list)
    end: list = field(default_factory=list)
    cohort: list = field(default_factory=list)
    weight: list = field(default_factory=list)

    def add(self, team, child, worker, start, end, cohort: str, weight: float = 1.0) -> None:
        n = len(child)
        self.team.append(np.asarray(team, dtype=object))
        self.child.append(np.asarray(child))
        self.worker.append(np.asarray(worker, dtype=object))
        self.start.append(np.asarray(start, dtype=_D))
        self.end.append(np.asarray(end, dtype=_D))
        self.cohort.append(np.full(n, cohort, dtype=object))
        self.weight.append(np.full(n, weight))

    def by_team(self) -> dict[str, dict[str, np.ndarray]]:
        cols = {k: np.concatenate(getattr(self, k)) for k in
                ("team", "child", "worker", "start", "end", "cohort", "weight")}  # fmt: skip
        order = np.argsort(cols["team"].astype(str), kind="stable")
        teams, first = np.unique(cols["team"][order].astype(str), return_index=True)
        bounds = [*first[1:], len(order)]
        return {
            str(t): {k: v[order[lo:hi]] for k, v in cols.items()}
            for t, lo, hi in zip(teams, first, bounds, strict=True)
        }


def _workers(rng, org: _Org, teams: np.ndarray) -> np.ndarray:
    out = np.empty(len(teams), dtype=object)
    for team in np.unique(teams):
        mask = teams == team
        out[mask] = _pick(rng, int(mask.sum()), org.workers[team])
    return out


def _annex_a(spec: _Spec, org: _Org, kids: _Children, days: _Days, rng) -> tuple[dict, _Pool, dict]:
    v = spec.volume
    ext, win = spec.extract, spec.start
    sim_months = _months(spec.sim_start, ext)
    pool = _Pool()
    facts: dict = {}

    # ---- List 4 assessments, anchored on the authorisation date so that timeliness can be set
    # by authorisation month (the planted improvement from 1 October 2025).
    auth_months = _months(spec.sim_start, (ext.astype(_M) + 3).astype(_D))
    auth = days.monthly(rng, auth_months, 240 * v)
    n = len(auth)
    shift = np.datetime64(ASSESSMENT_SHIFT_DATE, "D")
    within = rng.random(n) < np.where(auth >= shift, 0.90, 0.72)
    wd_in = 45 - np.floor(rng.beta(1.2, 2.5, n) * 35)
    wd_late = 46 + np.minimum(np.floor(rng.exponential(12, n)), 100)
    wd = np.where(within, wd_in, wd_late).astype(int)
    start = np.busday_offset(auth, -wd, roll="backward", holidays=_HOL)
    keep = (start <= ext) & (start >= spec.sim_start)
    auth, start, wd = auth[keep], start[keep], wd[keep]
    auth = np.where(auth > ext, _NAT, auth)
    n = len(auth)
    ass_team = _pick(rng, n, org.teams_of("Assessment Team"))
    ass_worker = _workers(rng, org, ass_team)
    ass_seen = rng.random(n) < 0.94
    ass_support = rng.random(n) < 0.58

    # ---- List 3 referrals: one before each assessment, plus referrals closed with no further action.
    lag = rng.choice(4, size=n, p=[0.45, 0.3, 0.15, 0.1])
    ref_from_ass = np.busday_offset(start, -lag, roll="backward", holidays=_HOL)
    n_nfa = rng.poisson(0.075 * n)
    ref_nfa = days.between(rng, np.full(n_nfa, spec.sim_start), np.full(n_nfa, ext))
    ref_date = np.concatenate([ref_from_ass, ref_nfa])
    ref_ass = np.concatenate([np.arange(n), np.full(n_nfa, -1)])  # assessment index or -1
    order = np.lexsort((rng.random(len(ref_date)), ref_date))
    ref_date, ref_ass = ref_date[order], ref_ass[order]
    ref_child = np.zeros(len(ref_date), dtype=np.int64)
    ref_month = ref_date.astype(_M)
    bounds = np.searchsorted(ref_month, sim_months)
    bounds = np.append(bounds, len(ref_date))
    for i in range(len(sim_months)):
        lo, hi = bounds[i], bounds[i + 1]
        if hi <= lo:
            continue
        pool_lo = bounds[max(i - 12, 0)]
        re_ref = (rng.random(hi - lo) < 0.21) & (lo > pool_lo)
        picks = pool_lo + np.floor(rng.random(hi - lo) * max(lo - pool_lo, 1)).astype(int)
        ids = np.where(re_ref, ref_child[np.minimum(picks, max(lo - 1, 0))], 0)
        fresh = ~re_ref
        ids[fresh] = kids.new(ref_date[lo:hi][fresh], _ages(rng, int(fresh.sum()), "child"))
        ref_child[lo:hi] = ids
    ref_count = _count_within(ref_child, ref_date, ref_child, ref_date)
    ref_team = _pick(rng, len(ref_date), org.teams_of("MASH Team"))
    ref_worker = _workers(rng, org, ref_team)
    ref_source = rng.choice(
        len(_SOURCES), size=len(ref_date), p=np.divide(_SOURCES_P, sum(_SOURCES_P))
    )
    ass_child = np.zeros(n, dtype=np.int64)
    ass_child[ref_ass[ref_ass >= 0]] = ref_child[ref_ass >= 0]
    facts["rereferral_share"] = float(np.mean(ref_count[ref_date >= win] > 1))

    # ---- List 5 section 47 enquiries, from about 29% of assessments.
    s47_of = np.flatnonzero(rng.random(n) < 0.29)
    strat = _wd(start[s47_of], rng.integers(0, 9, len(s47_of)))
    ok = strat <= ext
    s47_of, strat = s47_of[ok], strat[ok]
    m = len(s47_of)
    s47_child = ass_child[s47_of]
    unnecessary = rng.random(m) < 0.45
    icpc_wd = np.where(rng.random(m) < 0.8, rng.integers(7, 16, m), rng.integers(16, 31, m))
    icpc = np.where(unnecessary, _NAT, _wd(strat, icpc_wd))
    icpc = np.where(icpc > ext, _NAT, icpc)
    pending = ~unnecessary & np.isnat(icpc)
    plan = ~np.isnat(icpc) & (rng.random(m) < 0.88)
    s47_count = _count_within(s47_child, strat, s47_child, strat)
    held = ~np.isnat(icpc)
    icpc_count = _count_within(s47_child[held], icpc[held], s47_child, np.where(held, icpc, strat))

    # ---- List 7 child protection plans: every ICPC that resulted in a plan.
    cp_start = icpc[plan]
    cp_child = s47_child[plan]
    k = len(cp_start)
    cp_days = np.maximum(np.round(30.44 * np.exp(rng.normal(np.log(7.0), 0.65, k))), 14).astype(int)
    cp_end = cp_start + cp_days
    cp_end = np.where(cp_end > ext, _NAT, cp_end)
    cp_team = _pick(rng, k, org.teams_of("Safeguarding Team"))
    cp_worker = _workers(rng, org, cp_team)

    # ---- List 6 children in need: assessments that found the child needs support.
    cin_of = np.flatnonzero(ass_support & ~np.isnat(auth))
    cin_start = auth[cin_of]
    cin_child = ass_child[cin_of]
    c = len(cin_of)
    cin_days = np.maximum(np.round(30.44 * np.exp(rng.normal(np.log(5.0), 0.7, c))), 20).astype(int)
    cin_end = cin_start + cin_days
    cin_end = np.where(cin_end > ext, _NAT, cin_end)
    cin_team = _pick(rng, c, org.teams_of("Safeguarding Team"))
    cin_worker = _workers(rng, org, cin_team)

    # ---- List 8 children in care: children already in care when the simulation starts, children
    # whose protection plan ended in care, and other entrants (some known to the front door).
    n0 = int(round(430 * v))
    age0 = 0.3 + rng.random(n0) ** 0.8 * 17.2
    so_far = np.minimum(rng.exponential(30 * 30.44, n0), age0 * 365.25 - 30).astype(int)
    st0 = spec.sim_start - so_far
    ch0 = kids.new(np.full(n0, spec.sim_start), age0)
    cp_ended = np.flatnonzero(~np.isnat(cp_end))
    to_care = cp_ended[rng.random(len(cp_ended)) < 0.2]
    st1, ch1 = cp_end[to_care], cp_child[to_care]
    st2 = days.monthly(rng, sim_months, 9 * v)
    known = rng.random(len(st2)) < 0.5
    ch2 = np.zeros(len(st2), dtype=np.int64)
    earlier = np.searchsorted(ref_date, st2) - 1
    usable = known & (earlier > 0)
    ch2[usable] = ref_child[np.floor(rng.random(int(usable.sum())) * earlier[usable]).astype(int)]
    ch2[~usable] = kids.new(st2[~usable], _ages(rng, int((~usable).sum()), "cla"))
    cla_start = np.concatenate([st0, st1, st2])
    cla_child = np.concatenate([ch0, ch1, ch2])
    j = len(cla_start)
    long_stay = np.concatenate([np.ones(n0, bool), rng.random(j - n0) < 0.7])
    cla_days = np.where(long_stay, rng.exponential(60 * 30.44, j), rng.exponential(4 * 30.44, j))
    cla_days = np.maximum(np.round(cla_days), 7).astype(int)
    cla_days[:n0] += so_far  # stock at the start: time in care so far plus the time remaining
    kids_dob = np.concatenate([np.array([_NAT])] + kids.dob)
    dob = kids_dob[cla_child]
    eighteen = _add_months(dob, 18 * 12)
    cla_end = np.minimum(cla_start + cla_days, eighteen)
    at18 = cla_end == eighteen
    ok = (cla_start < eighteen) & (cla_start <= ext)
    cla_start, cla_child, cla_end, at18, dob = (
        cla_start[ok],
        cla_child[ok],
        cla_end[ok],
        at18[ok],
        dob[ok],
    )
    j = len(cla_start)

    # ---- List 10 adoption: about 45% of children entering care under 5 who stay in care.
    age_in = (cla_start - dob).astype(int) / 365.25
    adopt = (age_in < 5) & ((cla_end - cla_start).astype(int) > 300) & (rng.random(j) < 0.45)
    adm = _add_months(cla_start, rng.integers(3, 10, j))
    po = _add_months(adm, rng.integers(1, 6, j))
    match = _add_months(po, rng.integers(2, 9, j))
    placed = match + rng.integers(14, 45, j)
    order_date = _add_months(placed, rng.integers(6, 15, j))
    reversed_ = rng.random(j) < 0.1
    adopted = adopt & ~reversed_ & (order_date <= ext)
    cla_end = np.where(adopted, order_date, np.where(adopt & ~reversed_, _NAT, cla_end))
    at18 = at18 & ~adopt
    cla_end = np.where(cla_end > ext, _NAT, cla_end)
    cla_team = _pick(rng, j, org.teams_of("Children in Care Team"))
    cla_worker = _workers(rng, org, cla_team)

    # ---- List 9 care leavers: young people who left care at 18, and others who left care earlier
    # (18th birthday up to three years before the window), aged 18 to 20 at some point in it.
    leavers = np.flatnonzero(at18 & ~np.isnat(cla_end))
    cl_child_a = cla_child[leavers]
    cl_18_a = cla_end[leavers]
    months_cl = _months((win.astype(_M) - 36).astype(_D), ext)
    in_span = (cl_18_a.astype(_M) >= months_cl[0]) & (cl_18_a.astype(_M) <= months_cl[-1])
    chain = np.bincount(
        (cl_18_a[in_span].astype(_M) - months_cl[0]).astype(int), minlength=len(months_cl)
    )
    fill_rate = np.maximum(7 * v - chain, 0.5 * v)
    cl_18_b = days.monthly(rng, months_cl, fill_rate)
    cl_child_b = kids.new(cl_18_b, np.full(len(cl_18_b), 18.0))
    cl_child = np.concatenate([cl_child_a, cl_child_b])
    cl_18 = np.concatenate([cl_18_a, cl_18_b])
    keep = (cl_18 > (win.astype(_M) - 36).astype(_D)) & (cl_18 <= ext)
    cl_child, cl_18 = cl_child[keep], cl_18[keep]
    order = np.argsort(cl_child, kind="stable")
    cl_child, cl_18 = cl_child[order], cl_18[order]
    cl_child, first = np.unique(cl_child, return_index=True)
    cl_18 = cl_18[first]
    q = len(cl_child)
    cl_team = _pick(rng, q, org.teams_of("Care Leavers Team"))
    cl_worker = _workers(rng, org, cl_team)

    # ---- List 2 early help assessments.
    eh_start = days.monthly(rng, _months(win, ext), 110 * v)
    e = len(eh_start)
    eh_known = rng.random(e) < 0.3
    earlier = np.searchsorted(ref_date, eh_start) - 1
    usable = eh_known & (earlier > 0)
    eh_child = np.zeros(e, dtype=np.int64)
    eh_child[usable] = ref_child[
        np.floor(rng.random(int(usable.sum())) * earlier[usable]).astype(int)
    ]
    eh_child[~usable] = kids.new(eh_start[~usable], _ages(rng, int((~usable).sum()), "eh"))
    eh_done = _wd(eh_start, rng.integers(8, 41, e))
    eh_done = np.where((eh_done > ext) | (rng.random(e) < 0.04), _NAT, eh_done)
    eh_teams = org.teams_of("Early Help Team")
    eh_org = _pick(rng, e, eh_teams + ["School", "Health visiting", "Family hub"],
                   [0.72 / len(eh_teams)] * len(eh_teams) + [0.14, 0.07, 0.07])  # fmt: skip

    # ---- List 1 contacts: one before most referrals, plus contacts that went no further.
    in_win = ref_date >= win
    from_ref = np.flatnonzero(in_win & (rng.random(len(ref_date)) < 0.92))
    ct_a = np.busday_offset(ref_date[from_ref], -rng.choice(2, len(from_ref), p=[0.7, 0.3]),
                            roll="backward", holidays=_HOL)  # fmt: skip
    ct_b = days.monthly(rng, _months(win, ext), 360 * v)
    known = rng.random(len(ct_b)) < 0.45
    earlier = np.searchsorted(ref_date, ct_b) - 1
    usable = known & (earlier > 0)
    ch_b = np.zeros(len(ct_b), dtype=np.int64)
    ch_b[usable] = ref_child[np.floor(rng.random(int(usable.sum())) * earlier[usable]).astype(int)]
    ch_b[~usable] = kids.new(ct_b[~usable], _ages(rng, int((~usable).sum()), "eh"))
    ct_date = np.concatenate([ct_a, ct_b])
    ct_child = np.concatenate([ref_child[from_ref], ch_b])
    ct_source = np.concatenate([ref_source[from_ref],
                                rng.choice(len(_SOURCES), len(ct_b), p=np.divide(_SOURCES_P, sum(_SOURCES_P)))])  # fmt: skip
    keep = ct_date >= win
    ct_date, ct_child, ct_source = ct_date[keep], ct_child[keep], ct_source[keep]

    kids.finish()

    # ---- The audit pools: what each team holds on a date.
    in_ref = ref_date >= (win.astype(_M) - 2).astype(_D)
    pool.add(ref_team[in_ref], ref_child[in_ref], ref_worker[in_ref], ref_date[in_ref],
             ref_date[in_ref] + 45, "Child in Need")  # fmt: skip
    pool.add(ass_team, ass_child, ass_worker, start, np.where(np.isnat(auth), ext, auth) + 14,
             "Child in Need")  # fmt: skip
    pool.add(cin_team, cin_child, cin_worker, cin_start, np.where(np.isnat(cin_end), ext, cin_end),
             "CIN/Family Help")  # fmt: skip
    pool.add(cp_team, cp_child, cp_worker, cp_start, np.where(np.isnat(cp_end), ext, cp_end),
             "Child Protection", 3.0)  # fmt: skip
    pool.add(cla_team, cla_child, cla_worker, cla_start, np.where(np.isnat(cla_end), ext, cla_end),
             "Children in Care")  # fmt: skip
    pool.add(cl_team, cl_child, cl_worker, cl_18, _add_months(cl_18, 36), "Care Leaver")
    eh_in_team = np.isin(eh_org, eh_teams)
    eh_worker = np.full(e, "", dtype=object)
    eh_worker[eh_in_team] = _workers(rng, org, eh_org[eh_in_team])
    pool.add(eh_org[eh_in_team], eh_child[eh_in_team], eh_worker[eh_in_team], eh_start[eh_in_team],
             np.where(np.isnat(eh_done), ext, eh_done)[eh_in_team] + 60, "Early Help")  # fmt: skip

    # ---- Write the lists (episodes overlapping the window only).
    lists: dict[str, pd.DataFrame] = {}

    def person(child: np.ndarray, *, disability: bool, age_header: str = "Age") -> dict:
        g = kids.gender[child]
        cols = {
            "Child Unique ID": _ids("C", child, 6),
            "Gender": _prefixed(rng, g, ["Male", "Female", "Not stated/recorded"], 0.6),
            "Ethnicity": _prefixed(rng, kids.ethnicity[child], list(_ETHNICITY), 0.7),
            "Date of Birth": _fmt(kids.dob_all[child]),
            age_header: np.floor((ext - kids.dob_all[child]).astype(int) / 365.25).astype(int),
        }
        if disability:
            cols[_DISABILITY] = _yes_no(rng, kids.disabled[child])
        return cols

    def frame(cols: dict, sort_by: list[str]) -> pd.DataFrame:
        keys = []
        for k in reversed(sort_by):
            v = np.asarray(cols[k])
            keys.append(v.astype(str) if v.dtype == object else v)
        order = np.lexsort(keys)  # stable: ties keep their order
        # Text stays object (no string-dtype conversion): the frame is only written out.
        return pd.DataFrame(
            {k: _column(np.asarray(v)[order]) for k, v in cols.items() if not k.startswith("_")}
        )

    sel = np.argsort(ct_date, kind="stable")
    lists["list_1"] = frame(
        {**person(ct_child[sel], disability=False),
         "Date of Contact": _fmt(ct_date[sel]),
         "Contact Source": _prefixed(rng, ct_source[sel], list(_SOURCES), 0.5),
         "_d": ct_date[sel]},
        ["_d", "Child Unique ID"],
    )  # fmt: skip

    lists["list_2"] = frame(
        {**person(eh_child, disability=False),
         "Assessment start date": _fmt(eh_start),
         "Assessment completion date": _fmt(eh_done),
         "Organisation completing assessment": eh_org, "_d": eh_start},
        ["_d", "Child Unique ID"],
    )  # fmt: skip

    r = np.flatnonzero(in_win)
    lists["list_3"] = frame(
        {**person(ref_child[r], disability=False),
         "Date of Referral": _fmt(ref_date[r]),
         "Referral Source": _prefixed(rng, ref_source[r], list(_SOURCES), 0.5),
         "Referral NFA?": _yes_no(rng, ref_ass[r] < 0),
         "Number of Referrals in Last 12 Months": ref_count[r],
         "Allocated Team": ref_team[r], "Allocated Worker": ref_worker[r], "_d": ref_date[r]},
        ["_d", "Child Unique ID"],
    )  # fmt: skip

    a = np.flatnonzero(np.isnat(auth) | (auth >= win))
    lists["list_4"] = frame(
        {**person(ass_child[a], disability=True),
         "Continuous Assessment Start Date": _fmt(start[a]),
         "Child Seen During Continuous Assessment": _yes_no(rng, ass_seen[a]),
         "Continuous Assessment Date of Authorisation": _fmt(auth[a]),
         "Was the child assessed as requiring LA children's social care support?":
             _yes_no(rng, ass_support[a], blank=np.isnat(auth[a])),
         "Allocated Team": ass_team[a], "Allocated Worker": ass_worker[a], "_d": start[a]},
        ["_d", "Child Unique ID"],
    )  # fmt: skip
    done = ~np.isnat(auth)
    for label, lo, hi in (("before", None, shift), ("after", shift, None)):
        mask = done & (auth >= win)
        mask &= (auth < hi) if hi is not None else (auth >= lo)
        facts[f"assess_{label}"] = (int((wd[mask] <= 45).sum()), int(mask.sum()))

    s = np.flatnonzero(strat >= win)
    lists["list_5"] = frame(
        {**person(s47_child[s], disability=True),
         "Strategy discussion initiating Section 47 Enquiry Start Date": _fmt(strat[s]),
         "Was an Initial Child Protection Conference deemed unnecessary?":
             _yes_no(rng, unnecessary[s], blank=pending[s]),
         "Date of Initial Child Protection Conference": _fmt(icpc[s]),
         "Did the Initial Child Protection Conference Result in a Child Protection Plan":
             _yes_no(rng, plan[s], blank=np.isnat(icpc[s])),
         "Number of Section 47 Enquiries in the last 12 months": s47_count[s],
         "Number of ICPCs in the last 12 months": icpc_count[s],
         "Allocated Team": ass_team[s47_of[s]], "Allocated Worker": ass_worker[s47_of[s]],
         "_d": strat[s]},
        ["_d", "Child Unique ID"],
    )  # fmt: skip

    o = np.flatnonzero(np.isnat(cin_end) | (cin_end >= win))
    open_ = np.isnat(cin_end[o])
    ref_day = np.where(open_, ext, cin_end[o])
    need = rng.choice(len(_NEED), len(o), p=_NEED_P)
    closure = rng.choice(len(_CIN_CLOSURE), len(o), p=_CIN_CLOSURE_P)
    status = np.where(open_, np.where(rng.random(len(o)) < 0.9, 2, 0), 5)
    lists["list_6"] = frame(
        {**person(cin_child[o], disability=True),
         "CIN Start Date": _fmt(cin_start[o]),
         "Primary Need Code": np.array(_NEED, dtype=object)[need],
         "Date Child Was Last Seen": _fmt(np.maximum(ref_day - rng.integers(0, 40, len(o)), cin_start[o])),
         "CIN Closure Date": _fmt(cin_end[o]),
         "Reason for Closure": np.where(open_, "", np.array(_CIN_CLOSURE, dtype=object)[closure]),
         "Case Status": _prefixed(rng, status, list(_CASE_STATUS), 0.7),
         "Allocated Team": cin_team[o], "Allocated Worker": cin_worker[o], "_d": cin_start[o]},
        ["_d", "Child Unique ID"],
    )  # fmt: skip

    lists["list_7"], facts["cp"] = _list_7(rng, person, frame, cp_start, cp_end, cp_child, cp_team,
                                           cp_worker, win, ext)  # fmt: skip
    lists["list_8"], facts["cla"] = _list_8(rng, person, frame, cla_start, cla_end, cla_child,
                                            cla_team, cla_worker, at18, adopt, adopted, kids,
                                            win, ext)  # fmt: skip
    lists["list_9"] = _list_9(rng, person, frame, cl_child, cl_18, cl_team, cl_worker, ext)
    lists["list_10"], lists["list_11"] = _adoption(
        rng,
        person,
        frame,
        np.flatnonzero(adopt),
        cla_child,
        cla_start,
        adm,
        po,
        match,
        placed,
        order_date,
        reversed_,
        win,
        ext,
    )

    facts["volumes"] = {
        "referrals_month": float(len(r) / len(_months(win, ext))),
        "assessments_month": float(np.sum(done & (auth >= win)) / len(_months(win, ext))),
        "s47_month": float(len(s) / len(_months(win, ext))),
        "contacts_month": float(len(ct_date) / len(_months(win, ext))),
        "cp_open": _open_counts(cp_start, cp_end, win, ext),
        "cla_open": _open_counts(cla_start, cla_end, win, ext),
        "cin_open": _open_counts(cin_start, cin_end, win, ext),
        "care_leavers": _open_counts(cl_18, _add_months(cl_18, 36) - 1, win, ext),
    }
    facts["quote_child"] = int(cla_child[np.flatnonzero(np.isnat(cla_end))[0]])
    return lists, pool, facts


def _open_counts(start, end, win, ext) -> dict[str, int]:
    """Episodes open at each financial-year end in the window and at the extract date."""
    out = {}
    dates = [
        np.datetime64(f"{y}-03-31", "D") for y in range(int(_fy(np.array([win]))[0]) + 1, 2027)
    ]
    for d in [x for x in dates if x <= ext] + [ext]:
        open_ = (start <= d) & (np.isnat(end) | (end >= d))
        out[str(d)] = int(open_.sum())
    return out


_NEED = ("N1 - Abuse or Neglect", "N2 - Child's disability or illness", "N3 - Parental illness or disability",
         "N4 - Family in acute stress", "N5 - Family dysfunction", "N6 - Socially unacceptable behaviour",
         "N7 - Low income", "N8 - Absent parenting", "N9 - Cases other than children in need")  # fmt: skip
_NEED_P = np.array([56, 6, 3, 11, 14, 3, 1, 3, 3]) / 100
_CIN_CLOSURE = ("RC7 - Services ceased for any other reason", "RC9 - Case closed after assessment, referred to early help",
                "RC5 - Transferred to services of another LA", "RC6 - Transferred to adult social care",
                "RC4 - Special guardianship order", "RC3 - Child arrangements order")  # fmt: skip
_CIN_CLOSURE_P = np.array([74, 15, 5, 2, 2, 2]) / 100
_CASE_STATUS = ("Open assessment", "Child protection plan", "Child in need plan", "Looked after child",
                "Care leaver", "Closed episode")  # fmt: skip


def _review_dates(rng, start, ref, first, every_months, *, first_months=None, on_time=0.95):
    """Latest review held up to ``ref`` on a schedule (first review, then every N months).

    ``first`` is a date array (the first review's due date); later reviews fall every
    ``every_months`` after it (after ``first_months`` for the second review when given). A review
    is held up to 10 days early; with probability ``1 - on_time`` the latest is missed, leaving the
    one before (or none).
    """
    n = len(start)
    dues = [first]
    nxt = first if first_months is None else _add_months(first, first_months)
    if first_months is not None:
        dues.append(nxt)
    for _ in range(40):  # 20 years of six-monthly reviews
        nxt = _add_months(nxt, every_months)
        dues.append(nxt)
    dues = np.stack(dues, axis=1)
    count = (dues <= ref[:, None]).sum(axis=1)
    missed = rng.random(n) < (1 - on_time)
    idx = count - 1 - missed.astype(int)
    held = np.where(idx >= 0, dues[np.arange(n), np.maximum(idx, 0)], _NAT)
    held = held - rng.integers(0, 10, n)
    return np.where(idx >= 0, np.maximum(held, start), _NAT)


def _list_7(rng, person, frame, cp_start, cp_end, cp_child, cp_team, cp_worker, win, ext):
    o = np.flatnonzero(np.isnat(cp_end) | (cp_end >= win))
    start, end, child = cp_start[o], cp_end[o], cp_child[o]
    n = len(o)
    open_ = np.isnat(end)
    ref = np.where(open_, ext, end)
    visit_wd = np.where(rng.random(n) < 0.88, rng.integers(0, 11, n), rng.integers(11, 26, n))
    visit = np.busday_offset(ref, -visit_wd, roll="backward", holidays=_HOL)
    visit = np.maximum(visit, start)
    review = _review_dates(rng, start, ref, _add_months(start, 3), 6)
    cats = ("Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse", "Multiple")
    initial = rng.choice(5, n, p=[0.5, 0.37, 0.07, 0.04, 0.02])
    latest = np.where(
        rng.random(n) < 0.9, initial, rng.choice(5, n, p=[0.5, 0.37, 0.07, 0.04, 0.02])
    )
    previous = rng.choice(4, n, p=[0.77, 0.17, 0.045, 0.015])
    df = frame(
        {**person(child, disability=True),
         "Child Protection Plan Start Date": _fmt(start),
         "Initial Category of Abuse": np.array(cats, dtype=object)[initial],
         "Latest Category of Abuse": np.array(cats, dtype=object)[latest],
         "Date of the Last Statutory Visit": _fmt(visit),
         "Was the Child Seen Alone?": _yes_no(rng, rng.random(n) < 0.74),
         "Date of latest review conference": _fmt(review),
         "Child Protection Plan End Date": _fmt(end),
         "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)":
             _yes_no(rng, rng.random(n) < 0.04),
         "Number of Previous Child Protection Plans": previous,
         "Allocated Team": cp_team[o], "Allocated Worker": cp_worker[o], "_d": start},
        ["_d", "Child Unique ID"],
    )  # fmt: skip
    return df, {"subsequent_share": float(np.mean(previous > 0))}


_PLACEMENT = ("U4: Foster placement with other foster carer - long term fostering",
              "U6: Foster placement with other foster carer - not long term or FFA",
              "U1: Foster placement with relative or friend - long term fostering",
              "U3: Foster placement with relative or friend - not long term or FFA",
              "K2: Children's homes", "H5: Semi-independent living accommodation",
              "P1: Placed with own parent(s)", "A6: Placed for adoption with placement order")  # fmt: skip
_PROVIDER = ("PR1 - Own provision (by the LA)", "PR2 - Other LA provision", "PR3 - Other public provision",
             "PR4 - Private provision", "PR5 - Voluntary/third sector provision")  # fmt: skip
_LEGAL = ("C2: Full care order", "C1: Interim care order", "V2: Single period of accommodation under section 20",
          "E1: Placement order granted", "L2: Emergency protection order")  # fmt: skip
_PERMANENCE = ("Long-term fostering", "Return to family", "Special guardianship order", "Residential care",
               "Supported living", "Adoption", "Other")  # fmt: skip
_CEASED = ("E13: Left care to live with parent(s), relative(s), or other person(s) with parental responsibility",
           "E45: Special guardianship order made to former foster carer(s)",
           "E8: Period of being looked after ceased for any other reason",
           "E17: Aged 18 (remained with current carers)", "E5: Moved into independent living arrangement",
           "E12: Adopted - consent dispensed with by the court")  # fmt: skip


def _list_8(
    rng, person, frame, start, end, child, team, worker, at18, adopt, adopted, kids, win, ext
):
    o = np.flatnonzero(np.isnat(end) | (end >= win))
    start, end, child = start[o], end[o], child[o]
    at18, adopt, adopted = at18[o], adopt[o], adopted[o]
    n = len(o)
    open_ = np.isnat(end)
    ref = np.where(open_, ext, end)
    dob = kids.dob_all[child]
    age = (ref - dob).astype(int) / 365.25
    # Placement stability (planted strength e): few children with 3 or more placements in 12 months.
    placements = rng.choice([1, 2, 3, 4], n, p=[0.70, 0.24, 0.045, 0.015])
    teen = age >= 12
    missing = np.where(rng.random(n) < np.where(teen, 0.14, 0.02), rng.integers(1, 6, n), 0)
    absent = np.where(rng.random(n) < np.where(teen, 0.1, 0.01), rng.integers(1, 4, n), 0)
    offered = missing > 0
    first = np.busday_offset(start, 20, roll="forward", holidays=_HOL)
    review = _review_dates(rng, start, ref, first, 6, first_months=3)
    visit = ref - np.where(rng.random(n) < 0.92, rng.integers(0, 42, n), rng.integers(43, 90, n))
    limit = np.where(age < 5, 182, 365)
    ha = ref - np.where(rng.random(n) < 0.9, np.floor(rng.random(n) * limit).astype(int),
                        limit + rng.integers(1, 120, n))  # fmt: skip
    ha = np.where(ha < start - 30, _NAT, ha)
    dental = np.where(age < 1, _NAT, ref - rng.integers(10, 400, n))
    iro = ref - rng.integers(0, 180, n)
    legal = np.where(adopt, 3, rng.choice(5, n, p=[0.62, 0.17, 0.17, 0.0, 0.04]))
    # An interim order or section 20 accommodation usually dates from entry to care.
    later = np.floor(rng.random(n) * np.maximum((ref - start).astype(int), 1)).astype(int)
    legal_start = start + later * ~np.isin(legal, [1, 2])
    perm = np.where(adopt, 5, rng.choice(7, n, p=[0.45, 0.2, 0.11, 0.08, 0.0, 0.0, 0.16]))
    perm = np.where((age >= 16) & (perm == 3), 4, perm)
    ptype = np.where(
        adopt & ~adopted, 7, rng.choice(7, n, p=[0.3, 0.25, 0.1, 0.08, 0.12, 0.07, 0.08])
    )
    ptype = np.where((age < 16) & (ptype == 5), 1, ptype)
    provider = rng.choice(5, n, p=[0.55, 0.05, 0.02, 0.35, 0.03])
    span = np.maximum((ref - start).astype(int), 1)
    recent = np.where(
        placements > 1,
        ref - rng.integers(1, 365, n),
        start + np.floor(rng.random(n) * span).astype(int),
    )
    recent = np.clip(recent, start, ref)
    in_area = rng.random(n) < 0.76
    uasc = (rng.random(n) < 0.06) & (age >= 14)
    ceased = np.select([adopted, at18], [5, np.where(rng.random(n) < 0.5, 3, 4)],
                       default=rng.choice(3, n, p=[0.6, 0.2, 0.2]))  # fmt: skip
    need = np.where(uasc, 7, rng.choice(len(_NEED), n, p=_NEED_P))
    df = frame(
        {**person(child, disability=False),
         "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": _yes_no(rng, uasc),
         _DISABILITY: _yes_no(rng, kids.disabled[child]),
         "Date Started to be Looked After": _fmt(start),
         "Child's Category of Need": np.array(_NEED, dtype=object)[need],
         "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)":
             _yes_no(rng, rng.random(n) < 0.03),
         "Start date of current legal status": _fmt(legal_start),
         "Child's Legal Status": np.array(_LEGAL, dtype=object)[legal],
         "Date of Latest Statutory Review": _fmt(review),
         "Date of Last Social Work Visit": _fmt(np.maximum(visit, start)),
         "What is the permanence plan for this child?": _prefixed(rng, perm, list(_PERMANENCE), 0.4),
         "Date of Last IRO Visit / Contact to the Child": _fmt(np.maximum(iro, start)),
         "Date of Last Health Assessment": _fmt(ha),
         "Date of Last Dental Check": _fmt(dental),
         "Number of Placements in the Last 12 months": placements,
         "Date Ceased to be Looked After": _fmt(end),
         "Reason Ceased to be Looked After": np.where(open_, "", np.array(_CEASED, dtype=object)[ceased]),
         "Start Date of Most Recent Placement": _fmt(recent),
         "Placement Type": _prefixed(rng, ptype, list(_PLACEMENT), 0.5),
         "Placement Provider": _prefixed(rng, provider, list(_PROVIDER), 0.5),
         "Placement postcode": np.where(in_area, _pick(rng, n, ["NM1", "NM2", "NM3", "NM4", "NM5", "NM7"]),
                                        _pick(rng, n, ["BD9", "FE2", "FE4", "WV3"])),
         "URN of Placement": np.where(ptype == 4, _ids("SC", rng.integers(100000, 999999, n), 6), ""),
         "Placement Location": np.where(in_area, "In LA boundary", "Out of LA boundary"),
         "LA of Placement": np.where(in_area, "Northmoor", _pick(rng, n, ["Brackendale", "Fellside", "Wolds Vale"])),
         "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the last 12 months": missing,
         "Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in the last 12 months": absent,
         "Was the child offered a Return Interview after their last missing episode (Y/N)?":
             _yes_no(rng, rng.random(n) < 0.93, blank=~offered),
         "Did the child accept a Return Interview after their last missing episode (Y/N)?":
             _yes_no(rng, rng.random(n) < 0.6, blank=~offered),
         "Allocated Team": team[o], "Allocated Worker": worker[o], "_d": start},
        ["_d", "Child Unique ID"],
    )  # fmt: skip
    at_extract = open_ & (start <= ext)
    facts = {
        "open_at_extract": int(at_extract.sum()),
        "three_plus": int((placements[at_extract] >= 3).sum()),
    }
    return df, facts


_ACCOMMODATION = ("B: With parents or relatives", "E: Semi-independent, transitional accommodation",
                  "G: Supported lodgings", "K: Ordinary lodgings", "T: Foster care",
                  "U: Independent living", "Z: With former foster carers", "S: No fixed abode / homeless",
                  "X: In custody")  # fmt: skip
_ACTIVITY = ("F1: Full time in higher education", "P1: Part time in higher education",
             "F2: Full time in education other than higher", "P2: Part time in education other than higher",
             "F4: Full time in employment", "P4: Part time in employment", "F5: Full time in training",
             "G4: Not in education, training or employment, owing to other reasons",
             "G5: Not in education, training or employment, owing to illness or disability",
             "G6: Not in education, training or employment, owing to pregnancy or parenting")  # fmt: skip


def _list_9(rng, person, frame, child, at18, team, worker, ext):
    n = len(child)
    touch = rng.choice(3, n, p=[0.91, 0.05, 0.04])
    accom = rng.choice(
        len(_ACCOMMODATION), n, p=[0.12, 0.2, 0.1, 0.04, 0.05, 0.3, 0.14, 0.03, 0.02]
    )
    unsuitable = np.isin(accom, [7, 8]) | (rng.random(n) < 0.05)
    activity = rng.choice(
        len(_ACTIVITY), n, p=[0.08, 0.02, 0.2, 0.04, 0.17, 0.08, 0.04, 0.27, 0.06, 0.04]
    )
    return frame(
        {**person(child, disability=True),
         "Allocated Team": team, "Allocated Worker": worker,
         "Eligibility Category": _prefixed(rng, np.full(n, 2), ["Eligible child", "Relevant child",
                                                                "Former relevant child"], 0.6),
         "LA in Touch": _prefixed(rng, touch, ["Yes", "No", "Young person refuses contact"], 0.6),
         "Type of Accommodation": np.array(_ACCOMMODATION, dtype=object)[accom],
         "Suitability of Accommodation": _prefixed(rng, unsuitable.astype(int), ["Suitable", "Unsuitable"], 0.6),
         "Activity Status": np.array(_ACTIVITY, dtype=object)[activity],
         "UASC or formerly UASC (Y/N)": _yes_no(rng, rng.random(n) < 0.06),
         "Allocated Personal Advisor": worker,
         "Latest Pathway Plan Review Date": _fmt(ext - rng.integers(0, 200, n)),
         "Latest Date of Contact": _fmt(ext - np.where(rng.random(n) < 0.9, rng.integers(0, 56, n),
                                                       rng.integers(56, 200, n))),
         "_d": at18},
        ["_d", "Child Unique ID"],
    )  # fmt: skip


def _adoption(rng, person, frame, idx, cla_child, cla_start, adm, po, match, placed, order_date,
              reversed_, win, ext):  # fmt: skip
    lo = (win.astype(_M) - 12).astype(_D)
    idx = idx[(adm[idx] >= lo) & (adm[idx] <= ext)]
    n = len(idx)

    def upto(d):
        return np.where(d <= ext, d, _NAT)

    rev = reversed_[idx]
    rev_date = np.where(rev, _add_months(adm[idx], rng.integers(4, 12, n)), _NAT)
    rev_date = upto(rev_date)
    po_i = np.where(rev & (po[idx] >= rev_date), _NAT, upto(po[idx]))
    match_i = np.where(rev, _NAT, upto(match[idx]))
    placed_i = np.where(rev, _NAT, upto(placed[idx]))
    order_i = np.where(rev, _NAT, upto(order_date[idx]))
    family = np.where(~np.isnat(match_i), np.arange(1, n + 1) + 10000, 0)
    ffa = rng.random(n) < 0.1
    children = frame(
        {"Child Unique ID": person(cla_child[idx], disability=False)["Child Unique ID"],
         "Family identifier": np.where(family > 0, _ids("F", family, 5), ""),
         **{k: v for k, v in person(cla_child[idx], disability=True, age_header="Age of Child (Years)").items()
            if k != "Child Unique ID"},
         "Date the Child Entered Care": _fmt(cla_start[idx]),
         "Date of Decision that Child Should be Placed for Adoption": _fmt(adm[idx]),
         "Date of Placement Order": _fmt(po_i),
         "Date of Matching Child and Prospective Adopters": _fmt(match_i),
         "Date Placed for Adoption": _fmt(placed_i),
         "Date of Adoption Order": _fmt(order_i),
         "Date of Decision that Child Should No Longer be Placed for Adoption": _fmt(rev_date),
         "Reason Why Child No Longer Placed for Adoption": np.where(
             ~np.isnat(rev_date), _pick(rng, n, ["Plan changed to special guardianship",
                                                 "Child returned to birth family",
                                                 "Prospective adopters could not be found"]), ""),
         "Date the child was placed for fostering in FFA or concurrent planning placement":
             _fmt(np.where(ffa, cla_start[idx] + rng.integers(0, 30, n), _NAT)),
         "_d": adm[idx]},
        ["_d", "Child Unique ID"],
    )  # fmt: skip

    # List 11: adopter families matched with the children above, plus families who did not get
    # as far (still in assessment, or left the process).
    fam = family[family > 0]
    fam_match = match_i[family > 0]
    fam_placed = placed_i[family > 0]
    fam_order = order_i[family > 0]
    extra = max(int(round(len(fam) * 0.6)), 2)
    enquiry_x = lo + rng.integers(0, max(int((ext - lo).astype(int)), 1), extra)
    families = np.concatenate([fam, np.arange(20001, 20001 + extra)])
    approved = np.concatenate(
        [fam_match - rng.integers(30, 240, len(fam)), _NAT + np.zeros(extra, int)]
    )
    enquiry = np.concatenate([approved[: len(fam)] - rng.integers(180, 300, len(fam)), enquiry_x])
    f = len(families)
    s1_start = enquiry + rng.integers(7, 35, f)
    s1_end = s1_start + rng.integers(45, 70, f)
    s2_start = s1_end + rng.integers(0, 20, f)
    submitted = s2_start + rng.integers(0, 10, f)
    s2_end = s2_start + rng.integers(100, 130, f)
    approved = np.where(np.isnat(approved), s2_end + rng.integers(20, 45, f), approved)
    left = np.zeros(f, bool)
    left[len(fam) :] = rng.random(extra) < 0.4
    left_date = np.where(left, s1_start + rng.integers(20, 120, f), _NAT)

    def cut(d):
        d = np.where(left & (d > left_date), _NAT, d)
        return np.where(d <= ext, d, _NAT)

    n_adopters = rng.choice([1, 2], f, p=[0.3, 0.7])
    rows = np.repeat(np.arange(f), n_adopters)
    m = len(rows)
    matched = np.concatenate([fam_match, _NAT + np.zeros(extra, int)])[rows]
    placed_f = np.concatenate([fam_placed, _NAT + np.zeros(extra, int)])[rows]
    order_f = np.concatenate([fam_order, _NAT + np.zeros(extra, int)])[rows]
    adopters = frame(
        {"Individual adopter identifier": _ids("AD", np.arange(1, m + 1), 5),
         "Family identifier": _ids("F", families[rows], 5),
         "Gender": _prefixed(rng, rng.choice(2, m), ["Male", "Female"], 0.5),
         "Ethnicity": _prefixed(rng, rng.choice(len(_ETHNICITY), m, p=_ETHNICITY_P), list(_ETHNICITY), 0.6),
         "Disability": _yes_no(rng, rng.random(m) < 0.04),
         "Is the (prospective) adopter fostering for adoption?": _yes_no(rng, rng.random(m) < 0.1),
         "Date enquiry received": _fmt(cut(enquiry)[rows]),
         "Date Stage 1 started": _fmt(cut(s1_start)[rows]),
         "Date Stage 1 ended": _fmt(cut(s1_end)[rows]),
         "Date Stage 2 started": _fmt(cut(s2_start)[rows]),
         "Date Stage 2 ended": _fmt(cut(s2_end)[rows]),
         "Date application submitted": _fmt(cut(submitted)[rows]),
         "Date application approved": _fmt(cut(approved)[rows]),
         "Date adopter matched with child(ren)": _fmt(matched),
         "Date child/children placed with adopter(s)": _fmt(placed_f),
         "No. of children placed": np.where(np.isnat(placed_f), "", "1"),
         "Date of Adoption Order": _fmt(order_f),
         "Date of leaving adoption process": _fmt(cut(left_date)[rows]),
         "Reason for leaving adoption process": np.where(
             left[rows] & ~np.isnat(cut(left_date)[rows]),
             _pick(rng, m, ["Withdrew: change in circumstances", "Not approved", "Withdrew: other"]), ""),
         "_d": cut(enquiry)[rows]},
        ["_d", "Individual adopter identifier"],
    )  # fmt: skip
    return children, adopters


# ---------------------------------------------------------------- audits


def _team_p_good(day: np.datetime64) -> float:
    """The planted team's expected good-or-better share by financial quarter (pattern a)."""
    q = _fq_code(np.array([day]))[0]
    return {
        "2025-26-Q1": 0.64, "2025-26-Q2": 0.56, "2025-26-Q3": 0.48, "2025-26-Q4": 0.40,
        "2026-27-Q1": 0.28, "2026-27-Q2": 0.28,
    }.get(q, 0.70)  # fmt: skip


def _audits(spec: _Spec, org: _Org, pools: dict, days: _Days, rng) -> pd.DataFrame:
    months = _months(spec.start, spec.extract)
    rows: dict[str, list] = {k: [] for k in ("date", "team", "auditor", "role", "type", "theme")}
    qa_leads = [a for a in org.roster if a["role"] == "qa_lead"]
    for mi, month in enumerate(months):
        theme = _MONTHLY_THEMES[mi % len(_MONTHLY_THEMES)]
        themed = (mi % 3) == 1  # the middle month of each quarter has a themed audit
        for auditor in org.roster:
            quota = spec.quotas.get(auditor["role"], 0)
            done = quota if rng.random() < 0.88 else max(quota - 1 - int(rng.random() < 0.5), 0)
            extra = 2 if (themed and auditor["role"] == "qa_lead") else 0
            for i in range(done + extra):
                allowed = [t for t in org.teams if t not in auditor["manages"]]
                w = np.array([org.weight[t] for t in allowed])
                rows["team"].append(allowed[rng.choice(len(allowed), p=w / w.sum())])
                rows["auditor"].append(auditor["auditor_id"])
                rows["role"].append(auditor["role"])
                is_themed = auditor["role"] == "qa_lead" and themed and i >= done
                rows["type"].append("Themed" if is_themed else "Monthly case audit")
                rows["theme"].append(theme)
                rows["date"].append(month)
        # 2026-04 to 2026-09: a dip sample of the planted team, after concerns (pattern a).
        if np.datetime64("2026-04", "M") <= month:
            for i in range(int(round(5 * max(spec.volume / spec.team_copies, 1)))):
                auditor = qa_leads[(mi + i) % len(qa_leads)]
                rows["team"].append(PLANTED_TEAM)
                rows["auditor"].append(auditor["auditor_id"])
                rows["role"].append("qa_lead")
                rows["type"].append("Dip Sample")
                rows["theme"].append("Management oversight")
                rows["date"].append(month)
    mo = np.array(rows["date"], dtype=_M)
    date = days.between(rng, mo.astype(_D), np.minimum((mo + 1).astype(_D) - 1, spec.extract))
    team = np.array(rows["team"], dtype=object)
    n = len(date)
    child = np.zeros(n, dtype=np.int64)
    worker = np.empty(n, dtype=object)
    cohort = np.empty(n, dtype=object)
    for t in np.unique(team):
        p = pools[t]
        rows_t = np.flatnonzero(team == t)
        month_t = date[rows_t].astype(_M)
        for mo in np.unique(month_t):
            # Only the cases open at some time in the month can be open on the audit date.
            lo, hi = mo.astype(_D), (mo + 1).astype(_D) - 1
            bucket = np.flatnonzero((p["start"] <= hi) & (p["end"] >= lo))
            b_start, b_end = p["start"][bucket], p["end"][bucket]
            for i in rows_t[month_t == mo]:
                cand = bucket[(b_start <= date[i]) & (b_end >= date[i])]
                if len(cand) == 0:
                    nearest = np.argmin(np.abs((p["start"] - date[i]).astype(int)))
                    cand = np.array([int(nearest)])
                w = p["weight"][cand]
                k = cand[rng.choice(len(cand), p=w / w.sum())]
                child[i], worker[i], cohort[i] = p["child"][k], p["worker"][k], p["cohort"][k]

    # Planted run (pattern a): the planted practitioner is audited in May, July and September 2026,
    # and no other 2026-27 audits of the team are of their cases.
    planted = org.planted_worker
    p = pools[PLANTED_TEAM]
    run_months = [np.datetime64(m, "M") for m in ("2026-05", "2026-07", "2026-09")]
    in_period = (team == PLANTED_TEAM) & (date >= np.datetime64("2026-04-01"))
    run_idx = []
    for rm in run_months:
        cands = np.flatnonzero(in_period & (date.astype(_M) == rm))
        i = int(cands[np.argmin(date[cands])])
        run_idx.append(i)
        mine = np.flatnonzero(
            (p["worker"] == planted) & (p["start"] <= date[i]) & (p["end"] >= date[i])
        )
        k = mine[rng.integers(len(mine))]
        child[i], worker[i], cohort[i] = p["child"][k], planted, p["cohort"][k]
    for i in np.flatnonzero(in_period & (worker == planted)):
        if i in run_idx:
            continue
        other = np.flatnonzero(
            (p["worker"] != planted) & (p["start"] <= date[i]) & (p["end"] >= date[i])
        )
        k = other[rng.integers(len(other))]
        child[i], worker[i], cohort[i] = p["child"][k], p["worker"][k], p["cohort"][k]

    # Latent quality: team offset + a month-to-month authority wobble + the audit's own draw. The
    # planted team uses stratified draws within each quarter so that its shares are close to target.
    team_offset = {t: rng.normal(0, 0.12) for t in org.teams}
    team_offset[PLANTED_TEAM] = 0.0
    month_wobble = rng.normal(0, 0.1, len(months))
    mi = (date.astype(_M) - months[0]).astype(int)
    mu = _BASE_QUALITY + np.array([team_offset[t] for t in team]) + month_wobble[mi]
    eps = rng.normal(0, 1, n)
    is_planted = team == PLANTED_TEAM
    fq = _fq_index(date)
    for qv in np.unique(fq[is_planted]):
        g = np.flatnonzero(is_planted & (fq == qv))
        mu[g] = _CUT_GOOD + ndtri(_team_p_good(date[g[0]]))
        eps[g] = ndtri((rng.permutation(len(g)) + rng.random(len(g))) / len(g))
    latent = mu + eps
    # Force the planted run Inadequate by swapping draws within the quarter (keeps the shares).
    for i in run_idx:
        if latent[i] <= _CUT_RI:
            continue
        g = np.flatnonzero(is_planted & (fq == fq[i]) & (latent <= _CUT_RI))
        g = [x for x in g if x not in run_idx]
        j = g[int(np.argmin(latent[g]))]
        latent[i], latent[j] = latent[j], latent[i]
    before = np.flatnonzero((worker == planted) & (date < date[run_idx[0]]))
    if len(before):
        last = before[np.argmax(date[before])]
        if latent[last] <= _CUT_RI:
            g = np.flatnonzero((team == team[last]) & (fq == fq[last]) & (latent > _CUT_GOOD))
            j = g[int(np.argmax(latent[g]))]
            latent[last], latent[j] = latent[j], latent[last]

    audits = pd.DataFrame({
        "date": date, "team": team, "child": child, "worker": worker, "cohort": cohort,
        "auditor": rows["auditor"], "role": rows["role"], "type": rows["type"],
        "theme": rows["theme"], "latent": latent, "planted_run": False,
    })  # fmt: skip
    audits.loc[run_idx, "planted_run"] = True

    # Re-audits of Inadequate cases 8 to 13 weeks later (not the planted practitioner's).
    grade = _grade_of(audits["latent"].to_numpy())
    src = np.flatnonzero((grade == 3) & (audits["worker"].to_numpy() != planted))
    src = src[rng.random(len(src)) < 0.6]
    re_date = _wd(audits["date"].to_numpy()[src], rng.integers(40, 66, len(src)))
    ok = re_date <= spec.extract
    src, re_date = src[ok], re_date[ok]
    re = audits.iloc[src].copy()
    re["date"] = re_date
    re["type"] = "Re-audit"
    leads = [a["auditor_id"] for a in qa_leads]
    re["auditor"] = _pick(rng, len(re), leads)
    re["role"] = "qa_lead"
    re_mu = _BASE_QUALITY + np.array([team_offset[t] for t in re["team"]]) + 0.6
    re_mu = np.where(
        re["team"] == PLANTED_TEAM, [_CUT_GOOD + ndtri(_team_p_good(d)) for d in re_date], re_mu
    )
    re["latent"] = re_mu + rng.normal(0, 1, len(re))
    audits = pd.concat([audits, re], ignore_index=True)
    audits["grade"] = _grade_of(audits["latent"].to_numpy())

    # No one else may have three Inadequate audits running: the planted run stays the only one.
    audits = audits.sort_values(["date", "team", "child"], kind="stable").reset_index(drop=True)
    for _ in range(5):
        changed = False
        for w, g in audits.groupby("worker", sort=True):
            if w == planted:
                continue
            run = 0
            for i, gr in zip(g.index, g["grade"], strict=True):
                run = run + 1 if gr == 3 else 0
                if run >= 3:
                    audits.loc[i, ["grade", "latent"]] = [2, _CUT_RI + 0.3]
                    run, changed = 0, True
        if not changed:
            break

    # Domain grades: correlated with the audit's latent quality, with each domain's own bias.
    latent = audits["latent"].to_numpy()
    fy = _fy(audits["date"].to_numpy())
    coh = audits["cohort"].to_numpy()
    m = len(audits)
    for dom, _label in _DOMAINS:
        bias = _domain_bias(dom, fy)
        d_lat = 0.8 * latent + 0.6 * rng.normal(0, 1, m) + bias
        assessed = rng.random(m) < 0.93
        if dom == "review_unit":
            assessed = np.isin(coh, ["Child Protection", "Children in Care"]) & (
                rng.random(m) < 0.9
            )
        if dom == "assessment":
            assessed &= (coh != "Care Leaver") | (rng.random(m) < 0.5)
        audits[dom] = np.where(assessed, _grade_of(d_lat), -1)

    # Moderation (pattern g): every Inadequate and about 17% of the rest. First grading is
    # somewhat lenient, team managers most: downgrades outnumber upgrades.
    g = audits["grade"].to_numpy()
    moderated = (g == 3) | (rng.random(m) < 0.17)
    down_p = audits["role"].map(_DOWNGRADE).to_numpy()
    down_p = np.where(g == 0, down_p + 0.1, np.where(g == 3, 0.0, down_p))
    up_p = np.where(g == 0, 0.0, _UPGRADE)
    u = rng.random(m)
    mod = np.where(u < down_p, g + 1, np.where(u < down_p + up_p, g - 1, g))
    mod = np.where(audits["planted_run"], g, mod)
    audits["moderated"] = np.where(moderated, mod, -1)

    ir = np.where(g == 3, rng.random(m) < 0.12, rng.random(m) < 0.003)
    audits["immediate"] = np.where(ir, "Y", "N")
    audits["feedback"] = _pick(rng, m, ["Obtained", "Declined", "Not possible", "Unable to contact family"],
                               [0.45, 0.15, 0.27, 0.13])  # fmt: skip
    audits["audit_id"] = ""
    return audits


def _audit_rows(audits: pd.DataFrame, org: _Org, rng) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The audit tool's export: ids, spellings, and the deliberately bad rows."""
    a = audits.copy()
    n = len(a)
    a["audit_id"] = _ids("QA", np.arange(1, n + 1), 5)
    out = pd.DataFrame({
        "Audit Ref": a["audit_id"],
        "Child ID": _ids("C", a["child"].to_numpy(), 6),
        "Date of Audit": _fmt(a["date"].to_numpy()),
        "Service Area": a["team"].map(org.service_of),
        "Team": a["team"],
        "Worker ID": a["worker"],
        "Cohort": a["cohort"],
        "Audit Type": a["type"],
        "Theme": a["theme"],
        "Auditor ID": a["auditor"],
        "Auditor Role": a["role"].map({"team_manager": "Team Manager", "service_manager": "Service Manager",
                                       "head_of_service": "Head of Service", "qa_lead": "QA Lead"}),
        "Overall Grade": _grade_text(rng, a["grade"].to_numpy()),
    })  # fmt: skip
    for dom, label in _DOMAINS:
        text = _grade_text(rng, a[dom].to_numpy())
        na = (a[dom].to_numpy() < 0) & (rng.random(n) < 0.2)
        out[label] = np.where(na, "N/A", text)
    out["Moderated Grade"] = _grade_text(rng, a["moderated"].to_numpy())
    out["Immediate Response"] = a["immediate"]
    out["Family Feedback"] = a["feedback"]
    out["_d"] = a["date"].to_numpy()

    # Deliberately bad rows, documented in the README. Each is a copy of a real audit's row with
    # one fault, given a new reference (except the duplicate, which repeats one).
    bad: list[dict] = []

    def template(month: str) -> int:
        idx = np.flatnonzero(out["_d"].to_numpy().astype(_M) == np.datetime64(month, "M"))
        return int(idx[len(idx) // 2])

    specs = [
        ("2023-09", {"Child ID": ""}, "required child id blank"),
        ("2024-06", {"Overall Grade": "Gd"}, "overall grade 'Gd' is not a grade"),
        ("2025-02", {"Date of Audit": "31/02/2025"}, "no such date (31 February)"),
        ("2025-11", None, "exact duplicate of an earlier row (same Audit Ref)"),
        ("2026-09", {"Date of Audit": "03/10/2026"}, "audit dated after the extract date"),
    ]
    next_id = n + 1
    extra_rows = []
    for month, change, why in specs:
        i = template(month)
        row = out.iloc[i].copy()
        if change is None:
            ref = row["Audit Ref"]
        else:
            ref = f"QA{next_id:05d}"
            next_id += 1
            row["Audit Ref"] = ref
            for k, val in change.items():
                row[k] = val
        row["_pos"] = i + 0.5
        extra_rows.append(row)
        bad.append({"audit_ref": ref, "month": month, "fault": why, "column": next(iter(change))
                    if change else "Audit Ref"})  # fmt: skip
    # One optional value the loader blanks with a warning (the row is kept).
    w = template("2024-11")
    out.loc[w, "Immediate Response"] = "?"
    warning = {"audit_ref": out.loc[w, "Audit Ref"], "column": "Immediate Response", "value": "?"}
    out["_pos"] = np.arange(n, dtype=float)
    out = pd.concat([out, pd.DataFrame(extra_rows)], ignore_index=True)
    out = out.sort_values("_pos", kind="stable").drop(columns=["_d", "_pos"]).reset_index(drop=True)
    return out, a, {"bad": bad, "warning": warning}


_ACTIONS = {
    "assessment": [
        "Update the assessment to include the father's views",
        "Complete an updated assessment reflecting current risks",
        "Assessment analysis to weigh the impact on the child",
    ],
    "management_oversight": [
        "Supervision to be recorded on the child's file",
        "Manager to record rationale for the decision",
        "Case direction to be reviewed in supervision within 2 weeks",
    ],
    "recording": [
        "Update the chronology",
        "Case summary to be updated",
        "Record visits within 48 hours",
    ],
    "relationships_direct_work": [
        "Direct work with the child to be recorded",
        "Child's views to be gathered before the next review",
    ],
    "multi_agency_planning": [
        "Plan to be made SMART with clear timescales",
        "Core group to agree contingency plan",
    ],
    "help_protection_stability": [
        "Safety plan to be reviewed with the family",
        "Placement stability meeting to be held",
    ],
}


def _actions(audits: pd.DataFrame, spec: _Spec, rng) -> tuple[pd.DataFrame, dict]:
    g = audits["grade"].to_numpy()
    probs = np.array([[0.5, 0.4, 0.1, 0.0], [0.15, 0.5, 0.3, 0.05],
                      [0.02, 0.35, 0.43, 0.2], [0.0, 0.15, 0.45, 0.4]])  # fmt: skip
    u = rng.random(len(g))
    count = (u[:, None] > np.cumsum(probs[g], axis=1)).sum(axis=1)
    idx = np.repeat(np.arange(len(g)), count)
    n = len(idx)
    raised = audits["date"].to_numpy().astype(_D)[idx]
    has_due = rng.random(n) < 0.78
    due_days = rng.choice([14, 28, 31], n, p=[0.2, 0.3, 0.5])
    due = np.where(has_due, raised + due_days, _NAT)
    eff_due = np.where(has_due, due, raised + 31)
    status = rng.choice(3, n, p=[0.72, 0.18, 0.10])  # on time, late, open
    future = eff_due > spec.extract
    status = np.where(future, np.where(rng.random(n) < 0.5, 0, 2), status)
    span = np.maximum((eff_due - raised).astype(int), 1)
    on_time = raised + 1 + np.floor(rng.random(n) * span).astype(int)
    late = eff_due + rng.integers(1, 46, n)
    done = np.select([status == 0, status == 1], [on_time, late], default=_NAT)
    done = np.where(done > spec.extract, _NAT, done)
    topics = list(_ACTIONS)
    topic = rng.choice(len(topics), n)
    text = np.array([_ACTIONS[topics[t]][int(r * len(_ACTIONS[topics[t]]))]
                     for t, r in zip(topic, rng.random(n), strict=True)], dtype=object)  # fmt: skip
    out = pd.DataFrame({
        "Action Ref": _ids("ACT", np.arange(1, n + 1), 6),
        "Audit Ref": audits["audit_id"].to_numpy()[idx],
        "Action": text,
        "Team": audits["team"].to_numpy()[idx],
        "Date Raised": _fmt(raised),
        "Date Due": _fmt(due),
        "Date Completed": _fmt(done),
    })  # fmt: skip
    # One completed date typed as "TBC": an optional value the loader blanks with a warning.
    open_rows = np.flatnonzero(np.isnat(done) & (raised < spec.extract - 200))
    w = int(open_rows[0])
    out.loc[w, "Date Completed"] = "TBC"
    facts = {
        "count": n,
        "audits_with_actions": int((count > 0).sum()),
        "open_at_extract": int(np.isnat(done).sum()),
        "due_blank": int((~has_due).sum()),
        "warning": {"action_ref": out.loc[w, "Action Ref"], "value": "TBC"},
    }
    return out, facts


# ---------------------------------------------------------------- scorecard


def _scorecard(spec: _Spec, org: _Org, rng) -> tuple[pd.DataFrame, dict]:
    months = _months(spec.start, spec.extract)
    n = len(months)
    t = np.arange(n)
    staff = len(org.teams) * spec.workers_per_team
    # Supervision (pattern f): below its 85% target throughout, drifting down.
    dec = (months >= np.datetime64("2025-04", "M")) * (
        months - np.datetime64("2025-04", "M")
    ).astype(int)
    p_sup = 0.78 - 0.004 * np.maximum(dec, 0) + rng.normal(0, 0.015, n)
    due = rng.poisson(staff * 1.02, n)
    # Capped just under target so "below target every month" holds whatever the seed.
    held = np.minimum(rng.binomial(due, np.clip(p_sup, 0, 1)), np.floor(0.84 * due)).astype(int)
    fte = np.round(staff * 0.86 + rng.normal(0, 1.5 * spec.volume**0.5, n), 1)
    cases = np.round(fte * (17.6 + 0.5 * np.sin(t / 3) + rng.normal(0, 0.4, n)))
    agency = np.round(fte * np.clip(0.17 - 0.001 * t + rng.normal(0, 0.01, n), 0.05, 0.4), 1)
    leavers = rng.poisson(staff * 0.155, n)
    headcount = np.round(staff * 0.98 + rng.normal(0, 1.0, n))
    label = {
        "supervision_in_timescale": "Supervision within timescale",
        "caseload_average": "Average caseload (case-holding social workers)",
        "agency_rate": "Agency social workers",
        "turnover_rate": "Social worker turnover, rolling 12 months",
    }
    parts = [
        (label["supervision_in_timescale"], held / due, held, due),
        (label["caseload_average"], cases / fte, cases, fte),
        (label["agency_rate"], agency / fte, agency, fte),
        (label["turnover_rate"], leavers / headcount, leavers, headcount),
    ]
    rows = []
    for name, value, num, den in parts:
        for i in range(n):
            rows.append((name, str(months[i]), f"{value[i]:.4f}", _num(num[i]), _num(den[i])))
    df = pd.DataFrame(rows, columns=["Indicator", "Month", "Value", "Numerator", "Denominator"])
    last6 = held[-6:].sum() / due[-6:].sum()
    return df, {
        "supervision_last6": float(last6),
        "supervision_first12": float(held[:12].sum() / due[:12].sum()),
    }


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


# ---------------------------------------------------------------- complaints


_COMPLAINT_CATEGORIES = (
    ("Access to service", 0.14), ("Assessment", 0.12), ("Planning", 0.12),
    ("Not listened to", 0.16), ("Worker contact", 0.20), ("Recording and information", 0.12),
    ("Staff conduct", 0.14),
)  # fmt: skip
_LEARNING = {
    "Worker contact": [
        "Managers to make sure calls are returned within 2 working days.",
        "Family to be told who their worker is when a case transfers.",
        "Managers reminded that \u201cno reply\u201d is not an answer: calls must be returned.",
    ],
    "Access to service": [
        "Front door to explain decisions in writing to the family.",
        "Signposting leaflet updated.",
    ],
    "Assessment": [
        "Assessment to include the views of both parents.",
        "Family to see the assessment before it is finalised.",
    ],
    "Planning": [
        "Plan to be shared with the family in plain language.",
        "Review to be rearranged so the family can attend.",
    ],
    "Not listened to": [
        "Young person\u2019s views now recorded in the plan.",
        "Advocacy offer to be made at every review.",
    ],
    "Recording and information": [
        "Factual inaccuracies corrected on the file.",
        "Apology given and \u00a350 paid in recognition of time and trouble.",
    ],
    "Staff conduct": ["Practice discussed in supervision.", "Apology given by the team manager."],
}


def _complaints(spec: _Spec, org: _Org, days: _Days, rng) -> tuple[pd.DataFrame, dict]:
    months = _months(spec.start, spec.extract)
    v = spec.volume
    recs = []
    # Worker contact (pattern c): a steady rise from December 2025, reaching about 2.3 times its
    # earlier rate by September 2026.
    ramp = np.maximum((months - np.datetime64("2025-11", "M")).astype(int), 0) * 0.13 + 1.0
    for cat, share in _COMPLAINT_CATEGORIES:
        if cat == "Worker contact":
            # Randomised rounding rather than Poisson: the planted rise is not lost in noise.
            rate = 20 * v * share * ramp
            d = days.monthly(rng, months, None, counts=np.floor(rate + rng.random(len(months))))
        else:
            d = days.monthly(rng, months, 20 * v * share)
        recs.append(pd.DataFrame({"date": d, "type": "Complaint", "category": cat}))
    for kind, rate in (("Compliment", 11 * v), ("Comment", 3 * v)):
        d = days.monthly(rng, months, rate)
        recs.append(pd.DataFrame({"date": d, "type": kind, "category": ""}))
    c = pd.concat(recs, ignore_index=True)
    c = c.iloc[np.lexsort((rng.random(len(c)), c["date"].to_numpy()))].reset_index(drop=True)
    n = len(c)
    teams = np.array(org.teams, dtype=object)
    w = np.array([org.weight[t] for t in org.teams])
    c["team"] = teams[rng.choice(len(teams), n, p=w / w.sum())]
    c["stage"] = np.where(c["type"] == "Complaint", "Stage 1", "")
    complainant = _pick(rng, n, ["Parent", "Young person", "Child", "Foster carer", "Grandparent", "Other"],
                        [0.58, 0.12, 0.04, 0.1, 0.1, 0.06])  # fmt: skip
    c["complainant"] = complainant
    is_c = (c["type"] == "Complaint").to_numpy()
    young = np.isin(complainant, ["Young person", "Child"])
    c["advocate"] = np.where(
        is_c, np.where(rng.random(n) < np.where(young, 0.5, 0.03), "Y", "N"), ""
    )
    # Stage 1: 10 working days, extendable to 20.
    r = rng.random(n)
    wd = np.select([r < 0.85, r < 0.95], [rng.integers(2, 11, n), rng.integers(11, 21, n)],
                   default=rng.integers(11, 31, n))  # fmt: skip
    extended = (r >= 0.85) & (r < 0.95) | ((r >= 0.95) & (rng.random(n) < 0.5))
    responded = _wd(c["date"].to_numpy(), wd)
    c["responded"] = np.where(is_c & (responded <= spec.extract), responded, _NAT)
    c["extended"] = np.where(is_c, np.where(extended, "Yes", "No"), "")
    outcome = _pick(
        rng, n, ["Upheld", "Partially upheld", "Not upheld", "Withdrawn"], [0.2, 0.3, 0.42, 0.08]
    )
    c["outcome"] = np.where(is_c & ~np.isnat(c["responded"].to_numpy()), outcome, "")
    # Escalation: about 9% of concluded stage 1 complaints go to stage 2, a quarter of those to
    # stage 3, and a third of those to the Ombudsman.
    stages = [c]
    prev = c[is_c & ~np.isnat(c["responded"].to_numpy()) & (c["outcome"] != "Withdrawn")]
    for stage, p_up, tdays in (("Stage 2", 0.09, (15, 26)), ("Stage 3", 0.25, (20, 31)),
                               ("LGSCO", 0.33, (60, 120))):  # fmt: skip
        up = prev[rng.random(len(prev)) < p_up].copy()
        up["date"] = _wd(up["responded"].to_numpy(), rng.integers(5, 25, len(up)))
        up = up[up["date"].to_numpy() <= spec.extract]
        k = len(up)
        resp = _wd(up["date"].to_numpy(), rng.integers(*tdays, k))
        up["responded"] = np.where(resp <= spec.extract, resp, _NAT)
        up["stage"] = stage
        up["extended"] = np.where(rng.random(k) < 0.2, "Yes", "No")
        up["outcome"] = np.where(
            np.isnat(up["responded"].to_numpy()),
            "",
            _pick(rng, k, ["Upheld", "Partially upheld", "Not upheld"], [0.2, 0.35, 0.45]),
        )
        stages.append(up)
        prev = up[~np.isnat(up["responded"].to_numpy())]
    c = pd.concat(stages, ignore_index=True)
    c = c.iloc[np.lexsort((rng.random(len(c)), c["date"].to_numpy()))].reset_index(drop=True)
    n = len(c)
    learn = np.array([_LEARNING[cat][int(x * len(_LEARNING[cat]))] if cat else ""
                      for cat, x in zip(c["category"], rng.random(n), strict=True)], dtype=object)  # fmt: skip
    upheld = np.isin(c["outcome"].to_numpy(), ["Upheld", "Partially upheld"])
    learn = np.where(upheld, learn, "")
    # Make sure the Windows-1252 characters are present whatever the seed.
    category = c["category"].to_numpy()
    first = np.flatnonzero(upheld & (category == "Recording and information"))[0]
    learn[first] = "Apology given and \u00a350 paid in recognition of time and trouble."
    first = np.flatnonzero(upheld & (category == "Worker contact"))[0]
    learn[first] = (
        "Managers reminded that \u201cno reply\u201d is not an answer: calls must be returned."
    )
    cat = c["category"].to_numpy().copy()
    # Some stage 1 worker-contact complaints are logged under the team's older label.
    relabel = (cat == "Worker contact") & (rng.random(n) < 0.15)
    cat[relabel] = "Lack of contact from social worker"
    out = pd.DataFrame({
        "Reference": _ids("CCC-", np.arange(1, n + 1), 5),
        "Date Received": _fmt(c["date"].to_numpy()),
        "Type": c["type"],
        "Stage": c["stage"],
        "Service": c["team"].map(org.service_of),
        "Team": c["team"],
        "Category": cat,
        "Complainant": np.where(c["type"] == "Compliment", "", c["complainant"]),
        "Advocate": c["advocate"],
        "Date Responded": _fmt(c["responded"].to_numpy()),
        "Extended": c["extended"],
        "Outcome": c["outcome"],
        "Learning": learn,
    })  # fmt: skip
    wc = c[(c["category"] == "Worker contact") & (c["type"] == "Complaint")]
    by_q = pd.Series(_fq_code(wc["date"].to_numpy())).value_counts().sort_index()
    return out, {
        "worker_contact_by_quarter": {k: int(v) for k, v in by_q.items()},
        "count": int((c["type"] == "Complaint").sum()),
    }


# ---------------------------------------------------------------- feedback


_QUESTIONS = {
    # code: (question text as the tool exports it, share, respondents, channels, positive share)
    "listened_to": ("Do you feel listened to?", 0.22, ["Child", "Young person", "Parent"],
                    ["Mind of My Own", "Survey", "Audit conversation"], 0.68),
    "involved_in_plans": ("Were you involved in making your plan?", 0.14, ["Young person", "Parent"],
                          ["Survey", "Mind of My Own"], 0.63),
    "worker_relationship": ("How well do you get on with your worker?", 0.20,
                            ["Child", "Young person", "Parent", "Foster carer"],
                            ["Mind of My Own", "Survey", "Audit conversation"], 0.70),
    "feel_settled": ("Do you feel settled where you live?", 0.14, ["Child", "Young person"],
                     ["Mind of My Own", "Children in Care Council"], 0.85),
    "made_a_difference": ("Has our help made a difference?", 0.14, ["Parent", "Foster carer", "Partner agency"],
                          ["Survey", "Audit conversation"], 0.66),
    "staff_supported": ("I feel supported by my manager", 0.16, ["Social worker"], ["Survey"], 0.52),
}  # fmt: skip
_COMMENTS_GOOD = ("My worker listens to me.", "I like that my social worker sees me on my own.",
                  "Things are better at home now.", "I feel safe where I live.",
                  "The plan made sense to us.", "She explained everything so I could understand.",
                  "My carers are kind and I want to stay here.", "The meeting was at a good time for us.")  # fmt: skip
_COMMENTS_BAD = ("I have had three social workers this year.", "Nobody rings back when I call.",
                 "I was not told about the meeting until the day before.", "I don't know what my plan says.",
                 "The worker changed again and I had to tell my story again.",
                 "Supervision keeps getting cancelled.")  # fmt: skip


def _feedback(spec: _Spec, days: _Days, rng, quote_child: str) -> tuple[dict, dict]:
    months = _months(spec.start, spec.extract)
    frames = []
    for code, (text, share, resp, chans, pos) in _QUESTIONS.items():
        d = days.monthly(rng, months, 150 * spec.volume * share)
        k = len(d)
        p = np.full(k, pos)
        if code == "worker_relationship":  # softer in 2026, alongside the worker-contact complaints
            p = np.where(d >= np.datetime64("2026-01-01"), pos - 0.08, pos)
        positive = rng.random(k) < p
        score = np.where(
            positive,
            rng.choice([4, 5], k, p=[0.55, 0.45]),
            rng.choice([1, 2, 3], k, p=[0.15, 0.3, 0.55]),
        )
        frames.append(pd.DataFrame({
            "date": d, "question": text, "respondent": _pick(rng, k, resp),
            "channel": _pick(rng, k, chans), "score": score, "positive": positive, "code": code,
        }))  # fmt: skip
    f = pd.concat(frames, ignore_index=True)
    f = f.iloc[np.lexsort((rng.random(len(f)), f["date"].to_numpy()))].reset_index(drop=True)
    n = len(f)
    service = _pick(rng, n, ["Assessment", "Safeguarding and Family Help", "Children in Care",
                             "Early Help", "Care Leavers"])  # fmt: skip
    code = f["code"].to_numpy()
    service[(code == "feel_settled") | (f["respondent"].to_numpy() == "Foster carer")] = (
        "Children in Care"
    )
    service[code == "staff_supported"] = ""
    has_comment = rng.random(n) < 0.25
    good = np.array(_COMMENTS_GOOD, dtype=object)[rng.integers(0, len(_COMMENTS_GOOD), n)]
    bad = np.array(_COMMENTS_BAD, dtype=object)[rng.integers(0, len(_COMMENTS_BAD), n)]
    comment = np.where(has_comment, np.where(f["positive"], good, bad), "")
    consent = np.where(has_comment, np.where(rng.random(n) < 0.55, "Yes", "No"), "")
    score = f["score"].to_numpy().astype(object)
    score[rng.random(n) < 0.03] = None
    # Comments with identifiers, for the quote scrubber (consent given, so they would be quoted).
    planted = [
        "If you need me my email is someone@example.org",
        "Please call me on 07700 900123, the worker never rings back",
        "We moved to NE1 4ZZ and nobody told the new school",
        "Since 14/03/2026 things have been much better",
        f"My son {quote_child} was seen on his own and that helped",
        "Text me on 07700900456 if the meeting moves",
        "Write to me at parent.feedback@example.org please",
        "The office at NE2 4ZZ was hard to find",
    ]
    ids = _ids("FB", np.arange(1, n + 1), 6)
    targets = np.linspace(n * 0.3, n * 0.95, len(planted)).astype(int)
    scrub = []
    for t, text in zip(targets, planted, strict=True):
        comment[t], consent[t] = text, "Yes"
        scrub.append((ids[t], text))
    resp_label = f["respondent"].to_numpy()
    table = {
        "Response ID": ids, "Date": f["date"].to_numpy().astype(_D),
        "Channel": f["channel"].to_numpy(), "Respondent": resp_label,
        "Question": f["question"].to_numpy(), "Score": score, "Comment": comment,
        "Consent to Quote": consent, "Service": service,
    }  # fmt: skip
    settled = f[f["code"] == "feel_settled"]
    facts = {
        "count": n,
        "scrub": scrub,
        "positive": {code: float(g["positive"].mean()) for code, g in f.groupby("code")},
        "feel_settled_n": len(settled),
    }
    return table, facts


def _xml(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _write_xlsx(path: Path, table: dict, sheet: str, pin: str, *, blank_rows: int = 2) -> None:
    """A minimal XLSX (one sheet, inline strings, dates as serials in dd/mm/yyyy), written directly.

    Written by hand rather than through openpyxl: many times faster, and byte-identical for the
    same table (zip entries carry the fixed date ``pin``; there are no document timestamps).
    ``table`` maps headers to columns: ``datetime64`` columns are dates, columns of whole numbers
    (``None`` for blank) are numbers, anything else is text ("" for blank). ``blank_rows`` empty
    rows come above the header, as some case systems' exports have.
    """
    n = len(next(iter(table.values())))
    first = blank_rows + 2  # sheet row of the first data row
    rnum = [str(r) for r in range(first, first + n)]
    cols = []
    for c, values in enumerate(table.values()):
        col = _col(c)
        values = np.asarray(values)
        if values.dtype.kind == "M":
            blank = np.isnat(values).tolist()
            serial = (values.astype(_D) - np.datetime64("1899-12-30", "D")).astype(np.int64)
            cells = [
                "" if b else f'<c r="{col}{r}" s="1"><v>{v}</v></c>'
                for r, v, b in zip(rnum, serial.tolist(), blank, strict=True)
            ]
        elif all(v is None or isinstance(v, (int, np.integer)) for v in values):
            cells = [
                "" if v is None else f'<c r="{col}{r}"><v>{v}</v></c>'
                for r, v in zip(rnum, values.tolist(), strict=True)
            ]
        else:
            escaped = {v: _xml(str(v)) for v in set(values.tolist()) if v not in (None, "")}
            cells = [
                f'<c r="{col}{r}" t="inlineStr"><is><t xml:space="preserve">{escaped[v]}</t></is></c>'
                if v in escaped
                else ""
                for r, v in zip(rnum, values.tolist(), strict=True)
            ]
        cols.append(cells)
    body = [f'<row r="{r}">{"".join(cells)}</row>' for r, *cells in zip(rnum, *cols, strict=True)]
    header = "".join(
        f'<c r="{_col(c)}{blank_rows + 1}" t="inlineStr"><is><t xml:space="preserve">{_xml(h)}</t></is></c>'
        for c, h in enumerate(table)
    )
    cells_xml = [f'<row r="{r}"/>' for r in range(1, blank_rows + 1)]
    cells_xml += [f'<row r="{blank_rows + 1}">{header}</row>', *body]
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    doc = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{doc}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{doc}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{doc}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel_ns}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns} xmlns:r="{rel_ns}">'
            f'<sheets><sheet name="{_xml(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel_ns}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel_ns}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {ns}>'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns}>'
            f'<dimension ref="A1:{_col(len(table) - 1)}{blank_rows + 1 + n}"/><sheetData>'
            + "".join(cells_xml)
            + "</sheetData></worksheet>"
        ),
    }
    y, m, d = (int(x) for x in pin.split("-"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(y, m, d, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))


# ---------------------------------------------------------------- escalations


_ESC_CATEGORIES = (("Front door", 1.3), ("Planning", 2.8), ("Drift and delay", 2.5),
                   ("Multi-agency", 1.3), ("Recording", 1.1))  # fmt: skip


def _escalations(spec: _Spec, org: _Org, days: _Days, rng) -> tuple[pd.DataFrame, dict]:
    months = _months(spec.start, spec.extract)
    v = spec.volume
    parts = []
    for cat, rate in _ESC_CATEGORIES:
        parts.append(pd.DataFrame({"date": days.monthly(rng, months, rate * v), "category": cat}))
    # Management response (pattern f): about 1.4 a month until March 2025, then rising steadily to
    # about 4 a month by September 2026.
    step = np.maximum((months - np.datetime64("2025-03", "M")).astype(int), 0)
    mr = (1.4 + step * 2.8 / 18) * v
    parts.append(
        pd.DataFrame({"date": days.monthly(rng, months, mr), "category": "Management response"})
    )
    e = pd.concat(parts, ignore_index=True)
    e = e.iloc[np.lexsort((rng.random(len(e)), e["date"].to_numpy()))].reset_index(drop=True)
    n = len(e)
    cat = e["category"].to_numpy()
    sg = org.teams_of("Safeguarding Team")
    cic = org.teams_of("Children in Care Team")
    by_cat = {
        "Front door": org.teams_of("MASH Team"),
        "Multi-agency": sg + org.teams_of("Assessment Team"),
    }
    team = np.empty(n, dtype=object)
    for i in range(n):
        options = by_cat.get(cat[i], sg + cic)
        team[i] = options[int(rng.random() * len(options))]
    raised_by = np.where(np.isin(team, cic), "IRO", "CP Chair")
    stage = _pick(rng, n, ["Informal", "Stage 1", "Stage 2", "Stage 3"], [0.55, 0.3, 0.12, 0.03])
    wd = np.where(rng.random(n) < 0.8, rng.integers(2, 21, n), rng.integers(21, 61, n))
    resolved = _wd(e["date"].to_numpy(), wd)
    resolved = np.where(resolved > spec.extract, _NAT, resolved)
    outcome = _pick(rng, n, ["Resolved", "Resolved - plan updated", "Escalated to Head of Service", "Withdrawn"],
                    [0.5, 0.3, 0.12, 0.08])  # fmt: skip
    out = pd.DataFrame({
        "Alert Ref": _ids("PA-", np.arange(1, n + 1), 5),
        "Date Raised": _fmt(e["date"].to_numpy()),
        "Raised By": raised_by,
        "Category": cat,
        "Service": pd.Series(team).map(org.service_of),
        "Team": team,
        "Stage": stage,
        "Date Resolved": _fmt(resolved),
        "Outcome": np.where(np.isnat(resolved), "", outcome),
    })  # fmt: skip
    mgmt = e[e["category"] == "Management response"]
    by_q = pd.Series(_fq_code(mgmt["date"].to_numpy())).value_counts().sort_index()
    return out, {"management_response_by_quarter": {k: int(x) for k, x in by_q.items()}, "count": n}


# ---------------------------------------------------------------- la.yaml and README


def _la_yaml(spec: _Spec, org: _Org) -> str:
    files = "\n".join(f"      list_{k}: annex_a/{name}" for k, name in _LIST_FILES.items())
    domains = "\n".join(f'      {d}: "{label}"' for d, label in _DOMAINS)
    roster = "\n".join(
        f"    - {{auditor_id: {a['auditor_id']}, role: {a['role']}, manages: ["
        + ", ".join(f'"{t}"' for t in a["manages"])
        + "]}"
        for a in org.roster
    )
    quotas = ", ".join(f"{k}: {v}" for k, v in spec.quotas.items())
    return f"""\
# Northmoor: a SYNTHETIC authority generated by qaanalysis.synthetic (scale {spec.scale}).
# Never real data: every child, practitioner and auditor is a pseudonymous id. Regenerate with
#   qaanalysis synth --out <folder> --scale {spec.scale} --seed <seed>
# Only what differs from the package defaults (qaanalysis/defaults.yaml) is set here.

authority:
  name: Northmoor (synthetic)
  slug: northmoor
  # Borrowed from Barnsley (DfE old_la_code 370) ONLY so published DfE comparators and statistical
  # neighbours resolve in benchmarks; Northmoor's data have nothing to do with Barnsley.
  la_code: "370"
  region: Yorkshire and The Humber

extract_date: {EXTRACT_DATE}

# Northmoor's audit tool writes "Req. Improvement" for Requires Improvement.
grades:
  synonyms:
    req improvement: Requires Improvement

sources:
  audits:
    file: audits.csv
    # The audit tool's headers -> canonical columns. Headers that already match a canonical name
    # or a built-in synonym ("Team", "Audit Type", "Auditor ID", "Moderated Grade", ...) need no line.
    columns:
      audit_id: Audit Ref
      child_id: Child ID
      audit_date: Date of Audit
      service: Service Area
      overall_grade: Overall Grade
      practitioner_id: Worker ID
      # One column per domain, headed by the domain's label.
{domains}
    # The tool's own labels -> canonical values (built-in synonyms cover "Re-audit", "Dip Sample",
    # "Child Protection", "Children in Care", "Declined", ...).
    values:
      audit_type:
        "Monthly case audit": standard
      cohort:
        "CIN/Family Help": CIN
      family_feedback:
        "Unable to contact family": not_possible

  audit_actions:
    file: audit_actions.csv
    columns:
      action_id: Action Ref
      audit_id: Audit Ref
      raised_date: Date Raised
      due_date: Date Due            # blank = the default 31 days after raised
      completed_date: Date Completed
      owner_team: Team

  annex_a:
    # One CSV per Annex A list, with the Annex A headers; coded values appear both with letter
    # prefixes ("a) Yes", "b) Female") and plain, as real exports mix them.
    files:
{files}

  kpis:
    file: kpis.csv
    # The scorecard's indicator names -> KPI ids (declared under kpis: below). "Indicator" and
    # "Month" are built-in header synonyms.
    values:
      kpi_id:
        "Supervision within timescale": supervision_in_timescale
        "Average caseload (case-holding social workers)": caseload_average
        "Agency social workers": agency_rate
        "Social worker turnover, rolling 12 months": turnover_rate

  complaints:
    file: complaints.csv
    encoding: cp1252               # the complaints system exports Windows-1252 (pound signs, curly quotes)
    values:
      stage:
        "LGSCO": ombudsman
      complainant:
        "Grandparent": other
      category:
        # an older label still used by one officer
        "Lack of contact from social worker": worker_contact

  feedback:
    file: feedback.xlsx
    sheet: Responses               # two blank rows above the header, as the export writes them
    values:
      respondent:
        "Partner agency": partner
      question:
        "Do you feel listened to?": listened_to
        "Were you involved in making your plan?": involved_in_plans
        "How well do you get on with your worker?": worker_relationship
        "Do you feel settled where you live?": feel_settled
        "Has our help made a difference?": made_a_difference
        "I feel supported by my manager": staff_supported

  escalations:
    file: escalations.csv
    columns:
      alert_id: Alert Ref
      raised_date: Date Raised
      resolved_date: Date Resolved

kpis:
  # Monthly scorecard KPIs (proportions as fractions 0-1, with numerator and denominator).
  supervision_in_timescale: {{label: "Supervision held within timescale", unit: percent, polarity: higher, target: 0.85, source: scorecard, theme: management_oversight}}
  caseload_average: {{label: "Average caseload of case-holding social workers", unit: number, polarity: lower, target: 18, source: scorecard, theme: workforce}}
  agency_rate: {{label: "Agency social workers", unit: percent, polarity: lower, target: 0.12, source: scorecard, theme: workforce}}
  turnover_rate: {{label: "Social worker turnover (rolling 12 months)", unit: percent, polarity: lower, target: 0.15, source: scorecard, theme: workforce}}
  # The SPC baseline ends before the assessment improvement plan began (October 2025).
  assessments_within_45wd: {{baseline_end: "2025-09"}}

# Department for Education published statistics for benchmarks, read for the borrowed la_code. The
# files in published/ are DfE extracts placed beside the sample; the generator does not write them
# (an authority names its own downloads from Explore Education Statistics here).
published:
  sn_model: published/sn_model_2025_wide.csv
  measures:
    referrals_rereferral_12m: {{file: published/c1_referrals_and_rereferrals_2023_to_2025.csv, value_column: rereferral_percent}}
    referrals_nfa: {{file: published/c1_referrals_and_rereferrals_2023_to_2025.csv, value_column: no_further_action_percent}}
    cp_subsequent_plan: {{file: published/d3_cpps_subsequent_plan_2023_to_2025.csv, value_column: CPP_subsequent_percent}}
    cla_3plus_placements:
      file: published/cla_placement_stability_2023_to_2025.csv
      value_column: children_percent
      filters: {{cla_group: CLA on 31 March, placement_stability: With 3 or more placements during the year}}
    care_leavers_suitable_accommodation:
      file: published/care_leavers_accommodation_2023_to_2025.csv
      value_column: care_leaver_percent
      filters: {{care_leaver_age: 19 to 21 years, breakdown: Accommodation considered suitable}}
    turnover_rate: {{file: published/csww_indicators_2023_to_2025.csv, value_column: turnover_rate_fte}}
    agency_rate: {{file: published/csww_indicators_2023_to_2025.csv, value_column: agency_rate_fte}}
    caseload_average: {{file: published/csww_indicators_2023_to_2025.csv, value_column: caseload_fte, scale: 1}}

audit_programme:
  # Audits a month per auditor role; auditors never audit a team they manage.
  quotas: {{{quotas}}}
  roster:
{roster}
"""


_LIST_FILES = {
    1: "list_01_contacts.csv", 2: "list_02_early_help.csv", 3: "list_03_referrals.csv",
    4: "list_04_assessments.csv", 5: "list_05_section_47.csv", 6: "list_06_children_in_need.csv",
    7: "list_07_child_protection.csv", 8: "list_08_children_in_care.csv",
    9: "list_09_care_leavers.csv", 10: "list_10_adoption.csv", 11: "list_11_adopters.csv",
}  # fmt: skip


def _pct(k: int, n: int) -> str:
    return f"{k / n:.0%} ({k} of {n})" if n else "n/a"


def _readme(spec, seed, org, audits, bad, action_facts, annex_facts, kpi_facts,
            complaint_facts, feedback_facts, esc_facts, files) -> str:  # fmt: skip
    a = audits
    good = a["grade"] <= 1
    team = a["team"] == PLANTED_TEAM
    fq = pd.Series(_fq_code(a["date"].to_numpy()), index=a.index)
    base = team & (a["date"] < np.datetime64("2025-04-01"))
    recent = team & (a["date"] >= np.datetime64("2026-04-01"))
    q2 = fq == "2026-27-Q2"
    p0 = good[q2].mean()
    n_t = int((team & q2).sum())
    se = (p0 * (1 - p0) / n_t) ** 0.5
    last12 = a["date"] >= np.datetime64("2025-10-01")
    p12 = good[last12].mean()
    n12 = int((team & last12).sum())
    se12 = (p12 * (1 - p12) / n12) ** 0.5
    run = a[a["planted_run"]].sort_values("date")
    planted = org.planted_worker
    mine = a[a["worker"] == planted].sort_values("date")

    def dom_share(dom, mask):
        assessed = a[dom] >= 0
        k = int(((a[dom] <= 1) & (a[dom] >= 0) & mask).sum())
        return _pct(k, int((assessed & mask).sum()))

    mod = a[a["moderated"] >= 0]
    down = int((mod["moderated"] > mod["grade"]).sum())
    up = int((mod["moderated"] < mod["grade"]).sum())
    stat, df_ = _bowker(mod["grade"].to_numpy(), mod["moderated"].to_numpy())
    p_bowker = float(chdtrc(df_, stat)) if df_ else float("nan")
    months = pd.Series(a["date"].to_numpy().astype(_M))
    per_month = months.value_counts()
    b_k, b_n = annex_facts["assess_before"]
    f_k, f_n = annex_facts["assess_after"]
    vol = annex_facts["volumes"]
    wc = complaint_facts["worker_contact_by_quarter"]
    mr = esc_facts["management_response_by_quarter"]
    ts = pd.Timestamp(spec.start)
    start_s = f"{ts.day} {ts:%B %Y}"
    by_month_overall = a.groupby(months.to_numpy())["grade"].apply(lambda g: (g <= 1).mean())
    lines = [
        "# Northmoor: the synthetic sample authority",
        "",
        "**Synthetic, never real data.** Northmoor is a fictional mid-sized English local authority",
        "generated by `qaanalysis.synthetic` "
        f"(`qaanalysis synth --out data_samples --scale {spec.scale} --seed {seed}`). Every child,",
        "practitioner, auditor, adopter and complaint is invented; identifiers are pseudonymous",
        "(children `C000123`, practitioners `P0042`, auditors `A007`); there are no names. The DfE",
        'code `la_code: "370"` in `la.yaml` is borrowed from a real authority only so that published',
        "comparators and statistical neighbours resolve in benchmarks; the data have nothing to do with it.",
        "",
        f"Window: {start_s} to 30 September 2026 (extract date 30/09/2026). Regenerating with the same",
        "seed gives byte-identical files; edit the generator, not these files.",
        "",
        "## Services and teams",
        "",
        "| service | teams |",
        "|---|---|",
    ]
    for service, stem, _c, _w in _SERVICES:
        ts = org.teams_of(stem)
        lines.append(f"| {service} | {ts[0]} to {ts[-1]} ({len(ts)}) |")
    lines += [
        "",
        f"{sum(len(w) for w in org.workers.values())} practitioners ({spec.workers_per_team} per team, "
        f"`{org.workers[org.teams[0]][0]}` upwards); {len(org.roster)} auditors on the audit programme "
        "(team managers, service managers, heads of service, QA leads; `audit_programme` in `la.yaml`).",
        "",
        "## Files",
        "",
        "| file | what it is | rows |",
        "|---|---|---|",
    ]
    for name, what, rows in files:
        lines.append(f"| `{name}` | {what} | {rows} |")
    lines += [
        "",
        "`published/` is not written by the generator: Department for Education published statistics",
        "placed beside the sample (see its README) and named in `la.yaml` under `published:` for",
        "benchmarks. Because `la_code` is borrowed, the published *authority* values in them are the real",
        "authority's, not Northmoor's; compare Northmoor's own computed KPIs with England, region and",
        "statistical neighbours.",
        "",
        "Dates are UK day-first (`14/03/2025`) in the CSVs and real Excel dates in the XLSX. Grades are",
        'spelt as audit tools export them ("Good", "good", "RI", "Requires improvement to be good",',
        '"Req Imp", "Req. Improvement", odd spaces); domains not assessed are blank or "N/A".',
        "",
        "Annex A stock lists (6, 7, 8) hold every episode open at any time in the window, with start",
        "and end dates, so stock at any period end can be counted; their last-visit, review and",
        "health-assessment dates are as at the extract date (or the episode's end), as a real extract holds.",
        "List 9 holds young people aged 18 to 20 at some point in the window (a care leaver is counted",
        "from the 18th birthday to the 21st; there is no start date column in Annex A). Child ids follow",
        "a child from contact to referral, assessment, section 47, protection plan and care where they apply.",
        "",
        "Volumes (window averages): "
        f"contacts {vol['contacts_month']:.0f} a month, referrals {vol['referrals_month']:.0f}, "
        f"assessments authorised {vol['assessments_month']:.0f}, section 47 enquiries {vol['s47_month']:.0f}; "
        f"open at the extract date: CP plans {vol['cp_open'][EXTRACT_DATE]}, children in care "
        f"{vol['cla_open'][EXTRACT_DATE]}, CIN episodes {vol['cin_open'][EXTRACT_DATE]}, care leavers "
        f"{vol['care_leavers'][EXTRACT_DATE]}. Re-referrals within 12 months: "
        f"{annex_facts['rereferral_share']:.0%} of referrals.",
        "",
        f"Audits: {len(a)} valid audits, {per_month.min()} to {per_month.max()} a month; overall good or "
        f"better {_pct(int(good.sum()), len(a))} (monthly range {by_month_overall.min():.0%} to "
        f"{by_month_overall.max():.0%}).",
        "",
        "## Planted patterns (what the analyses should find)",
        "",
        "Shares are of the ORIGINAL overall grade (`Overall Grade`), among valid audits, unless stated.",
        "",
        f"**a. A team's audit quality declining.** `{PLANTED_TEAM}` (Safeguarding and Family Help):",
        "- expected good-or-better share 70% up to 2024-25, then 64%, 56%, 48%, 40% in 2025-26 Q1-Q4",
        "  and 28% in 2026-27 Q1-Q2 (stratified draws per quarter, so realised shares sit close to these);",
        f"- realised: up to 2024-25 {_pct(int((good & base).sum()), int(base.sum()))}; 2026-27 Q1-Q2 "
        f"{_pct(int((good & recent).sum()), int(recent.sum()))};",
        "- 2026-04 to 2026-09 a QA-lead dip sample adds 5 audits a month of this team (`Audit Type` Dip Sample);",
        f"- funnel, 2026-27 Q2: team {_pct(int((good & team & q2).sum()), n_t)} against the authority "
        f"{p0:.1%}; 95% lower limit {p0 - 1.96 * se:.1%}, 99.8% lower limit {p0 - 3.09 * se:.1%};",
        f"- funnel, last 12 months (Oct 2025 to Sep 2026): team "
        f"{_pct(int((good & team & last12).sum()), n12)} against {p12:.1%}; 95% lower limit "
        f"{p12 - 1.96 * se12:.1%};",
        f"- practitioner `{planted}` has exactly three consecutive Inadequate audits (their last three: "
        + ", ".join(f"{r.audit_id} on {pd.Timestamp(r.date):%d/%m/%Y}" for r in run.itertuples())
        + f"); their audit before the run is not Inadequate. They have {len(mine)} audits in all. No other",
        "  practitioner has three or more consecutive Inadequate audits (runs of two occur, as in life).",
        "  The run's moderated grades agree (Inadequate); their cases are not re-audited.",
        "",
        "**b. Assessment timeliness improving after 1 October 2025.** List 4: assessments authorised",
        "within 45 working days of the Continuous Assessment Start Date (England and Wales working days):",
        f"expected 72% for assessments authorised before 1/10/2025 and 90% from then; realised "
        f"{_pct(b_k, b_n)} before (in the window) and {_pct(f_k, f_n)} from 1/10/2025. About "
        f"{vol['assessments_month']:.0f} authorised a month: a clear SPC shift. `la.yaml` ends the SPC",
        "baseline at 2025-09.",
        "",
        '**c. A complaint theme rising.** `worker_contact` complaints (category "Worker contact", and',
        '"Lack of contact from social worker" mapped in `la.yaml`; all stages) rise steadily from December',
        "2025: the monthly rate is multiplied by 1 + 0.13 per month after November 2025 (2.3 times by",
        "September 2026). Complaints by quarter: "
        + ", ".join(
            f"{k} {wc.get(k, 0)}"
            for k in (
                "2024-25-Q2",
                "2025-26-Q2",
                "2025-26-Q3",
                "2025-26-Q4",
                "2026-27-Q1",
                "2026-27-Q2",
            )
        )
        + ".",
        "",
        "**d. Compliance without quality (assessment).** Timeliness is good after pattern b, but the",
        'audit domain `assessment` ("Assessment") is poor and worsening: domain bias on the latent scale',
        "-0.05, -0.15, -0.35, -0.55 in 2023-24 to 2026-27. Realised good or better: 2023-24 "
        + dom_share("assessment", pd.Series(_fy(a["date"].to_numpy()), index=a.index) == 2023)
        + ", 2026-27 Q2 "
        + dom_share("assessment", q2)
        + ". The assessment theme should read as mixed evidence.",
        "",
        "**e. Corroborated strength: permanence and stability.** Domain `help_protection_stability`",
        f"good or better {dom_share('help_protection_stability', a['grade'] >= 0)} over the window "
        f"(2026-27 Q2 {dom_share('help_protection_stability', q2)}); children in care at the extract date "
        f"with 3 or more placements in 12 months: {_pct(annex_facts['cla']['three_plus'], annex_facts['cla']['open_at_extract'])} "
        "(England is about 10%); feedback `feel_settled` positive (score 4 or 5) "
        f"{feedback_facts['positive']['feel_settled']:.0%} of {feedback_facts['feel_settled_n']} answers.",
        "",
        "**f. Corroborated concern: management oversight.** Domain `management_oversight` good or better "
        f"{dom_share('management_oversight', a['grade'] >= 0)} over the window, 2026-27 Q2 "
        f"{dom_share('management_oversight', q2)}; scorecard `supervision_in_timescale` below its 0.85",
        f"target every month (first 12 months {kpi_facts['supervision_first12']:.1%}, last 6 months "
        f"{kpi_facts['supervision_last6']:.1%}); `management_response` escalations about "
        f"{1.4 * spec.volume:g} a month until March 2025, then rising steadily to about "
        f"{4.2 * spec.volume:g} a month by September 2026: by quarter "
        + ", ".join(
            f"{k} {mr.get(k, 0)}"
            for k in (
                "2024-25-Q1",
                "2024-25-Q2",
                "2025-26-Q1",
                "2025-26-Q2",
                "2026-27-Q1",
                "2026-27-Q2",
            )
        )
        + ".",
        "",
        f"**g. Moderation.** {len(mod)} audits moderated ({len(mod) / len(a):.0%}): every Inadequate plus",
        "about 17% of the rest (`moderation.always_moderate: [Inadequate]`). Chance of a one-step",
        "downgrade by the first auditor's role: "
        + ", ".join(f"{k} {v:.0%}" for k, v in _DOWNGRADE.items())
        + f" (10 points more from Outstanding); upgrade {_UPGRADE:.0%}. Realised: agreement "
        f"{_pct(len(mod) - down - up, len(mod))}, downgrades {down}, upgrades {up}; Bowker's symmetry test",
        f"chi-square {stat:.1f} on {df_} df, p = {p_bowker:.2g}.",
        "",
        "## Deliberately bad rows",
        "",
        "The loader must reject exactly these rows of `audits.csv` (row numbers as the user sees them,",
        "header = row 1) and load every other row of every source:",
        "",
        "| row | Audit Ref | column | fault |",
        "|---|---|---|---|",
    ]
    for b in bad["bad"]:
        lines.append(f"| {b['row']} | {b['audit_ref']} | {b['column']} | {b['fault']} |")
    w = bad["warning"]
    aw = action_facts["warning"]
    lines += [
        "",
        "Optional values the loader blanks with a warning (the row is kept):",
        f'- `audits.csv` row {w["row"]} ({w["audit_ref"]}): `Immediate Response` is "?".',
        f'- `audit_actions.csv` row {aw["row"]} ({aw["action_ref"]}): `Date Completed` is "TBC".',
        "",
        "## Text for the quote scrubber",
        "",
        "These `feedback.xlsx` comments carry invented identifiers (consent to quote: Yes). The phone",
        "numbers are in Ofcom's drama range, the e-mail addresses use example.org, the postcodes are of",
        "the form NE1 4ZZ, and the child id is one that appears in the inputs (a child in care):",
        "",
    ]
    for rid, text in feedback_facts["scrub"]:
        lines.append(f'- {rid}: "{text}"')
    lines += [
        "",
        "## Other details",
        "",
        f"- Audit actions: {action_facts['count']} for {action_facts['audits_with_actions']} audits; "
        f"{action_facts['due_blank']} have no due date (the default is 31 days after raised); "
        f"{action_facts['open_at_extract']} still open at the extract date.",
        "- `complaints.csv` is Windows-1252 (a pound sign and curly quotes in `Learning`).",
        "- `feedback.xlsx` has two blank rows above the header (sheet `Responses`).",
        "- Scale `large` (benchmarks only): about ten times the volumes, five times the teams, from 1 April 2021.",
        "",
    ]
    return "\n".join(lines)


def _bowker(first: np.ndarray, second: np.ndarray) -> tuple[float, int]:
    k = len(_GRADES)
    table = np.zeros((k, k))
    np.add.at(table, (first, second), 1)
    stat, df_ = 0.0, 0
    for i in range(k):
        for j in range(i + 1, k):
            s = table[i, j] + table[j, i]
            if s > 0:
                stat += (table[i, j] - table[j, i]) ** 2 / s
                df_ += 1
    return stat, df_


# ---------------------------------------------------------------- entry point


def _column(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object) if values.dtype == object else pd.Series(values)


def _csv_field(values) -> list[str]:
    """One column as CSV text: quoted only where it holds a comma, a quote or a line break."""
    values = np.asarray(values)
    if values.dtype.kind in "iub":
        return values.astype(str).tolist()
    text = ["" if v is None else v if type(v) is str else str(v) for v in values.tolist()]
    joined = "\x00".join(text)
    if any(ch in joined for ch in (",", '"', "\r", "\n")):
        special = (",", '"', "\r", "\n")
        text = [
            '"' + v.replace('"', '""') + '"' if any(c in v for c in special) else v for v in text
        ]
    return text


def _write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    """Write a table as CSV (minimal quoting, ``\\n`` line ends), column by column for speed."""
    columns = [c for c in df.columns if not str(c).startswith("_")]
    fields = [_csv_field(df[c].to_numpy()) for c in columns]
    lines = [",".join(_csv_field(np.array(columns, dtype=object)))]
    lines += [",".join(row) for row in zip(*fields, strict=True)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def generate(out_dir: Path, *, scale: str = "small", seed: int = 2026) -> Path:
    """Write the synthetic authority Northmoor and its ``la.yaml`` into ``out_dir``.

    Args:
        out_dir: the folder to write (created if missing; existing files of the same names are
            replaced, others are left alone).
        scale: ``"small"`` (the committed sample: 1 April 2023 to 30 September 2026, about 30
            audits a month) or ``"large"`` (benchmarks: about ten times the volume, five times the
            teams, from 1 April 2021).
        seed: the random seed; the same seed gives byte-identical files.

    Returns:
        The path of the written ``la.yaml``.

    Examples:
        >>> from pathlib import Path; import tempfile
        >>> generate(Path(tempfile.mkdtemp()), seed=1).name
        'la.yaml'
    """
    spec = _spec(scale)
    out = Path(out_dir)
    (out / "annex_a").mkdir(parents=True, exist_ok=True)
    days = _Days(spec)
    org = _organisation(spec)
    kids = _Children(np.random.default_rng([seed, 1]))
    lists, pools, annex_facts = _annex_a(spec, org, kids, days, np.random.default_rng([seed, 2]))
    audits = _audits(spec, org, pools.by_team(), days, np.random.default_rng([seed, 3]))
    audit_out, audits, bad = _audit_rows(audits, org, np.random.default_rng([seed, 4]))
    actions, action_facts = _actions(audits, spec, np.random.default_rng([seed, 5]))
    kpis, kpi_facts = _scorecard(spec, org, np.random.default_rng([seed, 6]))
    complaints, complaint_facts = _complaints(spec, org, days, np.random.default_rng([seed, 7]))
    quote_child = f"C{annex_facts['quote_child']:06d}"
    feedback_table, feedback_facts = _feedback(
        spec, days, np.random.default_rng([seed, 8]), quote_child
    )
    escalations, esc_facts = _escalations(spec, org, days, np.random.default_rng([seed, 9]))

    # Row numbers as the user sees them (header = row 1) for the README's bad-row table.
    refs = audit_out["Audit Ref"].tolist()
    for b in bad["bad"]:
        positions = [i for i, r in enumerate(refs) if r == b["audit_ref"]]
        b["row"] = positions[-1] + 2
    bad["warning"]["row"] = refs.index(bad["warning"]["audit_ref"]) + 2
    action_facts["warning"]["row"] = (
        actions["Action Ref"].tolist().index(action_facts["warning"]["action_ref"]) + 2
    )

    _write_csv(audit_out, out / "audits.csv")
    _write_csv(actions, out / "audit_actions.csv")
    for key, name in _LIST_FILES.items():
        _write_csv(lists[f"list_{key}"], out / "annex_a" / name)
    _write_csv(kpis, out / "kpis.csv")
    _write_csv(complaints, out / "complaints.csv", encoding="cp1252")
    _write_xlsx(out / "feedback.xlsx", feedback_table, "Responses", EXTRACT_DATE)
    _write_csv(escalations, out / "escalations.csv")

    files = [
        (
            "la.yaml",
            "the configuration: file names, column and value mappings, KPIs, audit programme",
            "",
        ),
        (
            "audits.csv",
            "case-file audits (UTF-8): overall grade, 8 domain grades, moderation",
            len(audit_out),
        ),
        ("audit_actions.csv", "actions raised by audits: due and completed dates", len(actions)),
    ]
    list_titles = {1: "contacts", 2: "early help assessments", 3: "referrals", 4: "assessments",
                   5: "section 47 enquiries and ICPCs", 6: "children in need episodes",
                   7: "child protection plans", 8: "periods of care", 9: "care leavers",
                   10: "children with an adoption decision", 11: "adopters"}  # fmt: skip
    for key, name in _LIST_FILES.items():
        files.append(
            (
                f"annex_a/{name}",
                f"Annex A List {key}: {list_titles[key]}",
                len(lists[f"list_{key}"]),
            )
        )
    files += [
        ("kpis.csv", "monthly scorecard: supervision, caseload, agency, turnover", len(kpis)),
        ("complaints.csv", "complaints, compliments and comments (Windows-1252)", len(complaints)),
        (
            "feedback.xlsx",
            "participation feedback, one answer a row (Mind of My Own, surveys, ...)",
            feedback_facts["count"],
        ),
        ("escalations.csv", "IRO and CP chair practice alerts and DRP", len(escalations)),
    ]
    valid = audits
    readme = _readme(spec, seed, org, valid, bad, action_facts, annex_facts,
                     kpi_facts, complaint_facts, feedback_facts, esc_facts, files)  # fmt: skip
    (out / "README.md").write_text(readme, encoding="utf-8")
    la = out / "la.yaml"
    la.write_text(_la_yaml(spec, org), encoding="utf-8")
    return la
