"""Synthetic complaints, participation feedback and IRO / CP chair escalations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import _D, _NAT, _Days, _fmt, _fq_code, _ids, _months, _pick, _Spec, _wd
from .people import _Org

# ---------------------------------------------------------------- complaints


_COMPLAINT_CATEGORIES = (
    ("Access to service", 0.14),
    ("Assessment", 0.12),
    ("Planning", 0.12),
    ("Not listened to", 0.16),
    ("Worker contact", 0.20),
    ("Recording and information", 0.12),
    ("Staff conduct", 0.14),
)
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


def _complaints(
    spec: _Spec, org: _Org, days: _Days, rng, *, patterns: bool = True
) -> tuple[pd.DataFrame, dict]:
    """The complaints log; without ``patterns`` every category arrives at a constant Poisson rate."""
    months = _months(spec.start, spec.extract)
    v = spec.volume
    recs = []
    # Worker contact (pattern c): a steady rise from December 2025, reaching about 2.3 times its
    # earlier rate by September 2026.
    ramp = np.maximum((months - np.datetime64("2025-11", "M")).astype(int), 0) * 0.13 + 1.0
    for cat, share in _COMPLAINT_CATEGORIES:
        if cat == "Worker contact" and patterns:
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
    complainant = _pick(
        rng,
        n,
        ["Parent", "Young person", "Child", "Foster carer", "Grandparent", "Other"],
        [0.58, 0.12, 0.04, 0.1, 0.1, 0.06],
    )
    c["complainant"] = complainant
    is_c = (c["type"] == "Complaint").to_numpy()
    young = np.isin(complainant, ["Young person", "Child"])
    c["advocate"] = np.where(
        is_c, np.where(rng.random(n) < np.where(young, 0.5, 0.03), "Y", "N"), ""
    )
    # Stage 1: 10 working days, extendable to 20.
    r = rng.random(n)
    wd = np.select(
        [r < 0.85, r < 0.95],
        [rng.integers(2, 11, n), rng.integers(11, 21, n)],
        default=rng.integers(11, 31, n),
    )
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
    for stage, p_up, tdays in (
        ("Stage 2", 0.09, (15, 26)),
        ("Stage 3", 0.25, (20, 31)),
        ("LGSCO", 0.33, (60, 120)),
    ):
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
    learn = np.array(
        [
            _LEARNING[cat][int(x * len(_LEARNING[cat]))] if cat else ""
            for cat, x in zip(c["category"], rng.random(n), strict=True)
        ],
        dtype=object,
    )
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
    out = pd.DataFrame(
        {
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
        }
    )
    wc = c[(c["category"] == "Worker contact") & (c["type"] == "Complaint")]
    by_q = pd.Series(_fq_code(wc["date"].to_numpy())).value_counts().sort_index()
    return out, {
        "worker_contact_by_quarter": {k: int(v) for k, v in by_q.items()},
        "count": int((c["type"] == "Complaint").sum()),
    }


# ---------------------------------------------------------------- feedback


_QUESTIONS = {
    # code: (question text as the tool exports it, share, respondents, channels, positive share)
    "listened_to": (
        "Do you feel listened to?",
        0.22,
        ["Child", "Young person", "Parent"],
        ["Mind of My Own", "Survey", "Audit conversation"],
        0.68,
    ),
    "involved_in_plans": (
        "Were you involved in making your plan?",
        0.14,
        ["Young person", "Parent"],
        ["Survey", "Mind of My Own"],
        0.63,
    ),
    "worker_relationship": (
        "How well do you get on with your worker?",
        0.20,
        ["Child", "Young person", "Parent", "Foster carer"],
        ["Mind of My Own", "Survey", "Audit conversation"],
        0.70,
    ),
    "feel_settled": (
        "Do you feel settled where you live?",
        0.14,
        ["Child", "Young person"],
        ["Mind of My Own", "Children in Care Council"],
        0.85,
    ),
    "made_a_difference": (
        "Has our help made a difference?",
        0.14,
        ["Parent", "Foster carer", "Partner agency"],
        ["Survey", "Audit conversation"],
        0.66,
    ),
    "staff_supported": (
        "I feel supported by my manager",
        0.16,
        ["Social worker"],
        ["Survey"],
        0.52,
    ),
}
_COMMENTS_GOOD = (
    "My worker listens to me.",
    "I like that my social worker sees me on my own.",
    "Things are better at home now.",
    "I feel safe where I live.",
    "The plan made sense to us.",
    "She explained everything so I could understand.",
    "My carers are kind and I want to stay here.",
    "The meeting was at a good time for us.",
)
_COMMENTS_BAD = (
    "I have had three social workers this year.",
    "Nobody rings back when I call.",
    "I was not told about the meeting until the day before.",
    "I don't know what my plan says.",
    "The worker changed again and I had to tell my story again.",
    "Supervision keeps getting cancelled.",
)


# An authority with no change: every question's positive share is the configured aspiration
# (``thresholds.feedback_positive_aspiration``), with no settled strength or softer 2026.
_NULL_POSITIVE = 0.70


def _feedback(
    spec: _Spec, days: _Days, rng, quote_child: str, *, patterns: bool = True
) -> tuple[dict, dict]:
    """Participation feedback; without ``patterns`` every question has one constant positive share."""
    months = _months(spec.start, spec.extract)
    frames = []
    for code, (text, share, resp, chans, pos) in _QUESTIONS.items():
        d = days.monthly(rng, months, 150 * spec.volume * share)
        k = len(d)
        p = np.full(k, pos if patterns else _NULL_POSITIVE)
        # Softer in 2026, alongside the worker-contact complaints.
        if code == "worker_relationship" and patterns:
            p = np.where(d >= np.datetime64("2026-01-01"), pos - 0.08, pos)
        positive = rng.random(k) < p
        score = np.where(
            positive,
            rng.choice([4, 5], k, p=[0.55, 0.45]),
            rng.choice([1, 2, 3], k, p=[0.15, 0.3, 0.55]),
        )
        frames.append(
            pd.DataFrame(
                {
                    "date": d,
                    "question": text,
                    "respondent": _pick(rng, k, resp),
                    "channel": _pick(rng, k, chans),
                    "score": score,
                    "positive": positive,
                    "code": code,
                }
            )
        )
    f = pd.concat(frames, ignore_index=True)
    f = f.iloc[np.lexsort((rng.random(len(f)), f["date"].to_numpy()))].reset_index(drop=True)
    n = len(f)
    service = _pick(
        rng,
        n,
        [
            "Assessment",
            "Safeguarding and Family Help",
            "Children in Care",
            "Early Help",
            "Care Leavers",
        ],
    )
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
        "Response ID": ids,
        "Date": f["date"].to_numpy().astype(_D),
        "Channel": f["channel"].to_numpy(),
        "Respondent": resp_label,
        "Question": f["question"].to_numpy(),
        "Score": score,
        "Comment": comment,
        "Consent to Quote": consent,
        "Service": service,
    }
    settled = f[f["code"] == "feel_settled"]
    facts = {
        "count": n,
        "scrub": scrub,
        "positive": {code: float(g["positive"].mean()) for code, g in f.groupby("code")},
        "feel_settled_n": len(settled),
    }
    return table, facts


# ---------------------------------------------------------------- escalations


_ESC_CATEGORIES = (
    ("Front door", 1.3),
    ("Planning", 2.8),
    ("Drift and delay", 2.5),
    ("Multi-agency", 1.3),
    ("Recording", 1.1),
)


def _escalations(
    spec: _Spec, org: _Org, days: _Days, rng, *, patterns: bool = True
) -> tuple[pd.DataFrame, dict]:
    """IRO and CP chair alerts; without ``patterns`` management response stays at 1.4 a month."""
    months = _months(spec.start, spec.extract)
    v = spec.volume
    parts = []
    for cat, rate in _ESC_CATEGORIES:
        parts.append(pd.DataFrame({"date": days.monthly(rng, months, rate * v), "category": cat}))
    # Management response (pattern f): about 1.4 a month until March 2025, then rising steadily to
    # about 4 a month by September 2026.
    step = np.maximum((months - np.datetime64("2025-03", "M")).astype(int), 0) * patterns
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
    outcome = _pick(
        rng,
        n,
        ["Resolved", "Resolved - plan updated", "Escalated to Head of Service", "Withdrawn"],
        [0.5, 0.3, 0.12, 0.08],
    )
    out = pd.DataFrame(
        {
            "Alert Ref": _ids("PA-", np.arange(1, n + 1), 5),
            "Date Raised": _fmt(e["date"].to_numpy()),
            "Raised By": raised_by,
            "Category": cat,
            "Service": pd.Series(team).map(org.service_of),
            "Team": team,
            "Stage": stage,
            "Date Resolved": _fmt(resolved),
            "Outcome": np.where(np.isnat(resolved), "", outcome),
        }
    )
    mgmt = e[e["category"] == "Management response"]
    by_q = pd.Series(_fq_code(mgmt["date"].to_numpy())).value_counts().sort_index()
    return out, {"management_response_by_quarter": {k: int(x) for k, x in by_q.items()}, "count": n}
