"""The synthetic authority's scale, calendar and label helpers, shared by every generator module."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...periods import bank_holidays

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
    "Neglect",
    "Voice of the child",
    "Domestic abuse",
    "Management oversight",
    "Permanence planning",
    "Contextual safeguarding",
    "Assessment quality",
    "Pre-birth assessment",
    "Transitions to adulthood",
    "Multi-agency working",
    "Recording",
    "Disabled children",
)


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
            scale,
            np.datetime64("2023-04-01", "D"),
            extract,
            1.0,
            1,
            7,
            {"team_manager": 1, "service_manager": 1, "head_of_service": 1, "qa_lead": 3},
        )
    if scale == "large":
        return _Spec(
            scale,
            np.datetime64("2021-04-01", "D"),
            extract,
            10.0,
            5,
            14,
            {"team_manager": 2, "service_manager": 2, "head_of_service": 2, "qa_lead": 4},
        )
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
