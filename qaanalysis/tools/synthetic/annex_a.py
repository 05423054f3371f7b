"""The synthetic Annex A lists 1 to 11: contacts through adopters, in the Ofsted layout."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .base import (
    _D,
    _HOL,
    _M,
    _NAT,
    ASSESSMENT_SHIFT_DATE,
    _add_months,
    _Days,
    _fmt,
    _fy,
    _ids,
    _months,
    _pick,
    _prefixed,
    _Spec,
    _wd,
    _yes_no,
)
from .people import _ETHNICITY, _ETHNICITY_P, _ages, _Children, _count_within, _Org
from .writers import _column

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


# An authority with no change (``patterns=False``): one assessment timeliness throughout, and
# placement stability at England's (about 10% of children in care with 3 or more placements).
_NULL_WITHIN_45 = 0.80
_PLACEMENTS_P = (0.70, 0.24, 0.045, 0.015)
_NULL_PLACEMENTS_P = (0.66, 0.24, 0.075, 0.025)


def _annex_a(
    spec: _Spec, org: _Org, kids: _Children, days: _Days, rng, *, patterns: bool = True
) -> tuple[dict, _Pool, dict]:
    """Annex A Lists 1 to 11; without ``patterns`` no planted timeliness shift or stability strength."""
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
    within = rng.random(n) < (np.where(auth >= shift, 0.90, 0.72) if patterns else _NULL_WITHIN_45)
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
            age_header: _age(ext, kids.dob_all[child]),
        }
        if disability:
            cols[_DISABILITY] = _yes_no(rng, kids.disabled[child])
        return cols

    def _age(at, dob: np.ndarray) -> np.ndarray:
        """Completed years at ``at``; blank where the date of birth is (never a number from NaT)."""
        years = np.floor((at - dob).astype(int) / 365.25).astype(int)
        return np.where(np.isnat(dob), "", years.astype(str))

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
                                            win, ext, patterns=patterns)  # fmt: skip
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


def _list_8(rng, person, frame, start, end, child, team, worker, at18, adopt, adopted, kids,
            win, ext, *, patterns: bool = True):  # fmt: skip
    o = np.flatnonzero(np.isnat(end) | (end >= win))
    start, end, child = start[o], end[o], child[o]
    at18, adopt, adopted = at18[o], adopt[o], adopted[o]
    n = len(o)
    open_ = np.isnat(end)
    ref = np.where(open_, ext, end)
    dob = kids.dob_all[child]
    age = (ref - dob).astype(int) / 365.25
    # Placement stability (planted strength e): few children with 3 or more placements in 12 months.
    placements = rng.choice([1, 2, 3, 4], n, p=_PLACEMENTS_P if patterns else _NULL_PLACEMENTS_P)
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
