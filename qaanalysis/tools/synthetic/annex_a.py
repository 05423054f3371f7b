"""The synthetic Annex A lists 1 to 11: contacts through adopters, in the Ofsted layout."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .annex_a_care import _DISABILITY, _NEED, _NEED_P, _adoption, _list_7, _list_8, _list_9
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
from .people import _ETHNICITY, _ages, _Children, _count_within, _Org
from .writers import _column

# ---------------------------------------------------------------- Annex A


_L_COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]
_SOURCES = (
    "1A: Individual",
    "1B: Individual - family member",
    "2A: Schools",
    "2B: Education services",
    "3A: Health services - GP",
    "3B: Health services - Health visitor",
    "3D: Health services - Other primary health services",
    "3E: Health services - A&E",
    "4: Local authority services",
    "5A: Housing - LA housing",
    "6: Police",
    "7: Other legal agency",
    "8: Other",
    "9: Anonymous",
)
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
        cols = {
            k: np.concatenate(getattr(self, k))
            for k in ("team", "child", "worker", "start", "end", "cohort", "weight")
        }
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
    eh_org = _pick(
        rng,
        e,
        eh_teams + ["School", "Health visiting", "Family hub"],
        [0.72 / len(eh_teams)] * len(eh_teams) + [0.14, 0.07, 0.07],
    )

    # ---- List 1 contacts: one before most referrals, plus contacts that went no further.
    in_win = ref_date >= win
    from_ref = np.flatnonzero(in_win & (rng.random(len(ref_date)) < 0.92))
    ct_a = np.busday_offset(
        ref_date[from_ref],
        -rng.choice(2, len(from_ref), p=[0.7, 0.3]),
        roll="backward",
        holidays=_HOL,
    )
    ct_b = days.monthly(rng, _months(win, ext), 360 * v)
    known = rng.random(len(ct_b)) < 0.45
    earlier = np.searchsorted(ref_date, ct_b) - 1
    usable = known & (earlier > 0)
    ch_b = np.zeros(len(ct_b), dtype=np.int64)
    ch_b[usable] = ref_child[np.floor(rng.random(int(usable.sum())) * earlier[usable]).astype(int)]
    ch_b[~usable] = kids.new(ct_b[~usable], _ages(rng, int((~usable).sum()), "eh"))
    ct_date = np.concatenate([ct_a, ct_b])
    ct_child = np.concatenate([ref_child[from_ref], ch_b])
    ct_source = np.concatenate(
        [
            ref_source[from_ref],
            rng.choice(len(_SOURCES), len(ct_b), p=np.divide(_SOURCES_P, sum(_SOURCES_P))),
        ]
    )
    keep = ct_date >= win
    ct_date, ct_child, ct_source = ct_date[keep], ct_child[keep], ct_source[keep]

    kids.finish()

    # ---- The audit pools: what each team holds on a date.
    in_ref = ref_date >= (win.astype(_M) - 2).astype(_D)
    pool.add(
        ref_team[in_ref],
        ref_child[in_ref],
        ref_worker[in_ref],
        ref_date[in_ref],
        ref_date[in_ref] + 45,
        "Child in Need",
    )
    pool.add(
        ass_team,
        ass_child,
        ass_worker,
        start,
        np.where(np.isnat(auth), ext, auth) + 14,
        "Child in Need",
    )
    pool.add(
        cin_team,
        cin_child,
        cin_worker,
        cin_start,
        np.where(np.isnat(cin_end), ext, cin_end),
        "CIN/Family Help",
    )
    pool.add(
        cp_team,
        cp_child,
        cp_worker,
        cp_start,
        np.where(np.isnat(cp_end), ext, cp_end),
        "Child Protection",
        3.0,
    )
    pool.add(
        cla_team,
        cla_child,
        cla_worker,
        cla_start,
        np.where(np.isnat(cla_end), ext, cla_end),
        "Children in Care",
    )
    pool.add(cl_team, cl_child, cl_worker, cl_18, _add_months(cl_18, 36), "Care Leaver")
    eh_in_team = np.isin(eh_org, eh_teams)
    eh_worker = np.full(e, "", dtype=object)
    eh_worker[eh_in_team] = _workers(rng, org, eh_org[eh_in_team])
    pool.add(
        eh_org[eh_in_team],
        eh_child[eh_in_team],
        eh_worker[eh_in_team],
        eh_start[eh_in_team],
        np.where(np.isnat(eh_done), ext, eh_done)[eh_in_team] + 60,
        "Early Help",
    )

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
        {
            **person(ct_child[sel], disability=False),
            "Date of Contact": _fmt(ct_date[sel]),
            "Contact Source": _prefixed(rng, ct_source[sel], list(_SOURCES), 0.5),
            "_d": ct_date[sel],
        },
        ["_d", "Child Unique ID"],
    )

    lists["list_2"] = frame(
        {
            **person(eh_child, disability=False),
            "Assessment start date": _fmt(eh_start),
            "Assessment completion date": _fmt(eh_done),
            "Organisation completing assessment": eh_org,
            "_d": eh_start,
        },
        ["_d", "Child Unique ID"],
    )

    r = np.flatnonzero(in_win)
    lists["list_3"] = frame(
        {
            **person(ref_child[r], disability=False),
            "Date of Referral": _fmt(ref_date[r]),
            "Referral Source": _prefixed(rng, ref_source[r], list(_SOURCES), 0.5),
            "Referral NFA?": _yes_no(rng, ref_ass[r] < 0),
            "Number of Referrals in Last 12 Months": ref_count[r],
            "Allocated Team": ref_team[r],
            "Allocated Worker": ref_worker[r],
            "_d": ref_date[r],
        },
        ["_d", "Child Unique ID"],
    )

    a = np.flatnonzero(np.isnat(auth) | (auth >= win))
    lists["list_4"] = frame(
        {
            **person(ass_child[a], disability=True),
            "Continuous Assessment Start Date": _fmt(start[a]),
            "Child Seen During Continuous Assessment": _yes_no(rng, ass_seen[a]),
            "Continuous Assessment Date of Authorisation": _fmt(auth[a]),
            "Was the child assessed as requiring LA children's social care support?": _yes_no(
                rng, ass_support[a], blank=np.isnat(auth[a])
            ),
            "Allocated Team": ass_team[a],
            "Allocated Worker": ass_worker[a],
            "_d": start[a],
        },
        ["_d", "Child Unique ID"],
    )
    done = ~np.isnat(auth)
    for label, lo, hi in (("before", None, shift), ("after", shift, None)):
        mask = done & (auth >= win)
        mask &= (auth < hi) if hi is not None else (auth >= lo)
        facts[f"assess_{label}"] = (int((wd[mask] <= 45).sum()), int(mask.sum()))

    s = np.flatnonzero(strat >= win)
    lists["list_5"] = frame(
        {
            **person(s47_child[s], disability=True),
            "Strategy discussion initiating Section 47 Enquiry Start Date": _fmt(strat[s]),
            "Was an Initial Child Protection Conference deemed unnecessary?": _yes_no(
                rng, unnecessary[s], blank=pending[s]
            ),
            "Date of Initial Child Protection Conference": _fmt(icpc[s]),
            "Did the Initial Child Protection Conference Result in a Child Protection Plan": _yes_no(
                rng, plan[s], blank=np.isnat(icpc[s])
            ),
            "Number of Section 47 Enquiries in the last 12 months": s47_count[s],
            "Number of ICPCs in the last 12 months": icpc_count[s],
            "Allocated Team": ass_team[s47_of[s]],
            "Allocated Worker": ass_worker[s47_of[s]],
            "_d": strat[s],
        },
        ["_d", "Child Unique ID"],
    )

    o = np.flatnonzero(np.isnat(cin_end) | (cin_end >= win))
    open_ = np.isnat(cin_end[o])
    ref_day = np.where(open_, ext, cin_end[o])
    need = rng.choice(len(_NEED), len(o), p=_NEED_P)
    closure = rng.choice(len(_CIN_CLOSURE), len(o), p=_CIN_CLOSURE_P)
    status = np.where(open_, np.where(rng.random(len(o)) < 0.9, 2, 0), 5)
    lists["list_6"] = frame(
        {
            **person(cin_child[o], disability=True),
            "CIN Start Date": _fmt(cin_start[o]),
            "Primary Need Code": np.array(_NEED, dtype=object)[need],
            "Date Child Was Last Seen": _fmt(
                np.maximum(ref_day - rng.integers(0, 40, len(o)), cin_start[o])
            ),
            "CIN Closure Date": _fmt(cin_end[o]),
            "Reason for Closure": np.where(
                open_, "", np.array(_CIN_CLOSURE, dtype=object)[closure]
            ),
            "Case Status": _prefixed(rng, status, list(_CASE_STATUS), 0.7),
            "Allocated Team": cin_team[o],
            "Allocated Worker": cin_worker[o],
            "_d": cin_start[o],
        },
        ["_d", "Child Unique ID"],
    )

    lists["list_7"], facts["cp"] = _list_7(
        rng, person, frame, cp_start, cp_end, cp_child, cp_team, cp_worker, win, ext
    )
    lists["list_8"], facts["cla"] = _list_8(
        rng,
        person,
        frame,
        cla_start,
        cla_end,
        cla_child,
        cla_team,
        cla_worker,
        at18,
        adopt,
        adopted,
        kids,
        win,
        ext,
        patterns=patterns,
    )
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


_CIN_CLOSURE = (
    "RC7 - Services ceased for any other reason",
    "RC9 - Case closed after assessment, referred to early help",
    "RC5 - Transferred to services of another LA",
    "RC6 - Transferred to adult social care",
    "RC4 - Special guardianship order",
    "RC3 - Child arrangements order",
)
_CIN_CLOSURE_P = np.array([74, 15, 5, 2, 2, 2]) / 100
_CASE_STATUS = (
    "Open assessment",
    "Child protection plan",
    "Child in need plan",
    "Looked after child",
    "Care leaver",
    "Closed episode",
)
