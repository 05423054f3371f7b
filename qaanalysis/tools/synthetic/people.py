"""The synthetic authority's organisation (services, teams, practitioners, auditors) and its children."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import _D, _NAT, _SERVICES, PLANTED_TEAM, _Spec

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


_ETHNICITY = (
    "WBRI",
    "WIRI",
    "WOTH",
    "WIRT",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
)
_ETHNICITY_P = np.array(
    [78, 1, 4, 0.3, 0.7, 1.5, 0.8, 1, 1.5, 0.8, 1.5, 0.5, 0.7, 0.4, 1.2, 0.4, 0.3, 1.2, 0.7, 2.5]
)
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
