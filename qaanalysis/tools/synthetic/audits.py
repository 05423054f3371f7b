"""Synthetic case-file audits (with planted patterns and bad rows), audit actions and the KPI scorecard."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .base import (
    _BASE_QUALITY,
    _CUT_GOOD,
    _CUT_RI,
    _D,
    _DOMAINS,
    _DOWNGRADE,
    _M,
    _MONTHLY_THEMES,
    _NAT,
    _UPGRADE,
    PLANTED_TEAM,
    _Days,
    _domain_bias,
    _fmt,
    _fq_code,
    _fq_index,
    _fy,
    _grade_of,
    _grade_text,
    _ids,
    _months,
    _pick,
    _Spec,
    _wd,
)
from .people import _Org

# ---------------------------------------------------------------- audits


# An authority with no change (``patterns=False``): every audit's latent mean puts 70% of audits
# good or better (the configured ``thresholds.audit_good_aspiration``); moderation samples audits at
# random, and the moderator's latent grade correlates with the first auditor's at this value, so
# agreement is about 80% and the table of first against moderated grade is symmetric in expectation.
_NULL_QUALITY = float(_CUT_GOOD + ndtri(0.70))
_NULL_MODERATED_SHARE = 0.24
_NULL_MODERATION_CORRELATION = 0.94


def _team_p_good(day: np.datetime64) -> float:
    """The planted team's expected good-or-better share by financial quarter (pattern a)."""
    q = _fq_code(np.array([day]))[0]
    return {
        "2025-26-Q1": 0.64,
        "2025-26-Q2": 0.56,
        "2025-26-Q3": 0.48,
        "2025-26-Q4": 0.40,
        "2026-27-Q1": 0.28,
        "2026-27-Q2": 0.28,
    }.get(q, 0.70)


def _audits(
    spec: _Spec, org: _Org, pools: dict, days: _Days, rng, *, patterns: bool = True
) -> pd.DataFrame:
    """The authority's audits; without ``patterns`` every audit has the same chance of each grade.

    With ``patterns=False`` (an authority with no change) there is no planted team, dip sample or
    practitioner run, no team offsets or month-to-month wobble, no domain biases, re-audits are no
    better than first audits, and moderation is unbiased: the moderator's grade is exchangeable
    with the first auditor's (see :func:`_null_moderation`).
    """
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
        if patterns and np.datetime64("2026-04", "M") <= month:
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
    planted = org.planted_worker if patterns else None
    p = pools[PLANTED_TEAM]
    run_months = [np.datetime64(m, "M") for m in ("2026-05", "2026-07", "2026-09")]
    run_months = run_months if patterns else []
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
    team_offset = {t: rng.normal(0, 0.12) if patterns else 0.0 for t in org.teams}
    team_offset[PLANTED_TEAM] = 0.0
    month_wobble = rng.normal(0, 0.1, len(months)) if patterns else np.zeros(len(months))
    mi = (date.astype(_M) - months[0]).astype(int)
    quality = _BASE_QUALITY if patterns else _NULL_QUALITY
    mu = quality + np.array([team_offset[t] for t in team]) + month_wobble[mi]
    eps = rng.normal(0, 1, n)
    is_planted = (team == PLANTED_TEAM) & patterns
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
    first_run = date[run_idx[0]] if run_idx else date.min()
    before = np.flatnonzero((worker == planted) & (date < first_run))
    if len(before):
        last = before[np.argmax(date[before])]
        if latent[last] <= _CUT_RI:
            g = np.flatnonzero((team == team[last]) & (fq == fq[last]) & (latent > _CUT_GOOD))
            j = g[int(np.argmax(latent[g]))]
            latent[last], latent[j] = latent[j], latent[last]

    audits = pd.DataFrame(
        {
            "date": date,
            "team": team,
            "child": child,
            "worker": worker,
            "cohort": cohort,
            "auditor": rows["auditor"],
            "role": rows["role"],
            "type": rows["type"],
            "theme": rows["theme"],
            "latent": latent,
            "planted_run": False,
        }
    )
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
    re_mu = quality + np.array([team_offset[t] for t in re["team"]]) + 0.6 * patterns
    if patterns:
        re_mu = np.where(
            re["team"] == PLANTED_TEAM,
            [_CUT_GOOD + ndtri(_team_p_good(d)) for d in re_date],
            re_mu,
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
        bias = _domain_bias(dom, fy) if patterns else 0.0
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
    if patterns:
        moderated = (g == 3) | (rng.random(m) < 0.17)
        down_p = audits["role"].map(_DOWNGRADE).to_numpy()
        down_p = np.where(g == 0, down_p + 0.1, np.where(g == 3, 0.0, down_p))
        up_p = np.where(g == 0, 0.0, _UPGRADE)
        u = rng.random(m)
        mod = np.where(u < down_p, g + 1, np.where(u < down_p + up_p, g - 1, g))
        mod = np.where(audits["planted_run"], g, mod)
        audits["moderated"] = np.where(moderated, mod, -1)
    else:
        audits["moderated"] = _null_moderation(latent, quality, rng)

    ir = np.where(g == 3, rng.random(m) < 0.12, rng.random(m) < 0.003)
    audits["immediate"] = np.where(ir, "Y", "N")
    audits["feedback"] = _pick(
        rng,
        m,
        ["Obtained", "Declined", "Not possible", "Unable to contact family"],
        [0.45, 0.15, 0.27, 0.13],
    )
    audits["audit_id"] = ""
    return audits


def _null_moderation(latent: np.ndarray, quality: float, rng) -> np.ndarray:
    """Unbiased moderation: the moderated grade index, or -1 for an audit not moderated.

    The first grade is ``_grade_of(latent)`` with ``latent = quality + e``, e standard normal;
    the moderator sees ``quality + r e + sqrt(1 - r^2) z`` with fresh z. Both are
    standard normal about the same mean with correlation r, so the pair is exchangeable and every
    off-diagonal cell (first i, moderated j) has the same expected count as (j, i).
    """
    m = len(latent)
    moderated = rng.random(m) < _NULL_MODERATED_SHARE
    r = _NULL_MODERATION_CORRELATION
    e = latent - quality
    second = quality + r * e + np.sqrt(1 - r**2) * rng.normal(0, 1, m)
    return np.where(moderated, _grade_of(second), -1)


def _audit_rows(audits: pd.DataFrame, org: _Org, rng) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The audit tool's export: ids, spellings, and the deliberately bad rows."""
    a = audits.copy()
    n = len(a)
    a["audit_id"] = _ids("QA", np.arange(1, n + 1), 5)
    out = pd.DataFrame(
        {
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
            "Auditor Role": a["role"].map(
                {
                    "team_manager": "Team Manager",
                    "service_manager": "Service Manager",
                    "head_of_service": "Head of Service",
                    "qa_lead": "QA Lead",
                }
            ),
            "Overall Grade": _grade_text(rng, a["grade"].to_numpy()),
        }
    )
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
        bad.append(
            {
                "audit_ref": ref,
                "month": month,
                "fault": why,
                "column": next(iter(change)) if change else "Audit Ref",
            }
        )
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
    probs = np.array(
        [
            [0.5, 0.4, 0.1, 0.0],
            [0.15, 0.5, 0.3, 0.05],
            [0.02, 0.35, 0.43, 0.2],
            [0.0, 0.15, 0.45, 0.4],
        ]
    )
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
    text = np.array(
        [
            _ACTIONS[topics[t]][int(r * len(_ACTIONS[topics[t]]))]
            for t, r in zip(topic, rng.random(n), strict=True)
        ],
        dtype=object,
    )
    out = pd.DataFrame(
        {
            "Action Ref": _ids("ACT", np.arange(1, n + 1), 6),
            "Audit Ref": audits["audit_id"].to_numpy()[idx],
            "Action": text,
            "Team": audits["team"].to_numpy()[idx],
            "Date Raised": _fmt(raised),
            "Date Due": _fmt(due),
            "Date Completed": _fmt(done),
        }
    )
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


# An authority with no change: supervision is held at its target's rate, each month a binomial
# draw; caseloads and agency shares have no season or drift.
_NULL_SUPERVISION = 0.85


def _scorecard(spec: _Spec, org: _Org, rng, *, patterns: bool = True) -> tuple[pd.DataFrame, dict]:
    """The monthly scorecard; without ``patterns`` every series is level (sampling noise only)."""
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
    if not patterns:
        held = rng.binomial(due, _NULL_SUPERVISION)
        t = np.zeros(n)  # no season, no drift
    fte = np.round(staff * 0.86 + rng.normal(0, 1.5 * spec.volume**0.5, n), 1)
    season = 0.5 * np.sin(t / 3) if patterns else 0.0
    cases = np.round(fte * (17.6 + season + rng.normal(0, 0.4, n)))
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
