"""The synthetic Annex A lists 7 to 11: children on plans, in care, care leavers, adoption."""

from __future__ import annotations

import numpy as np

from .base import (
    _D,
    _HOL,
    _M,
    _NAT,
    _add_months,
    _fmt,
    _ids,
    _pick,
    _prefixed,
    _yes_no,
)
from .people import _ETHNICITY, _ETHNICITY_P

_DISABILITY = "Does the Child have a Disability"
_PLACEMENTS_P = (0.70, 0.24, 0.045, 0.015)
_NULL_PLACEMENTS_P = (0.66, 0.24, 0.075, 0.025)
_NEED = (
    "N1 - Abuse or Neglect",
    "N2 - Child's disability or illness",
    "N3 - Parental illness or disability",
    "N4 - Family in acute stress",
    "N5 - Family dysfunction",
    "N6 - Socially unacceptable behaviour",
    "N7 - Low income",
    "N8 - Absent parenting",
    "N9 - Cases other than children in need",
)
_NEED_P = np.array([56, 6, 3, 11, 14, 3, 1, 3, 3]) / 100


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
        {
            **person(child, disability=True),
            "Child Protection Plan Start Date": _fmt(start),
            "Initial Category of Abuse": np.array(cats, dtype=object)[initial],
            "Latest Category of Abuse": np.array(cats, dtype=object)[latest],
            "Date of the Last Statutory Visit": _fmt(visit),
            "Was the Child Seen Alone?": _yes_no(rng, rng.random(n) < 0.74),
            "Date of latest review conference": _fmt(review),
            "Child Protection Plan End Date": _fmt(end),
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)": _yes_no(
                rng, rng.random(n) < 0.04
            ),
            "Number of Previous Child Protection Plans": previous,
            "Allocated Team": cp_team[o],
            "Allocated Worker": cp_worker[o],
            "_d": start,
        },
        ["_d", "Child Unique ID"],
    )
    return df, {"subsequent_share": float(np.mean(previous > 0))}


_PLACEMENT = (
    "U4: Foster placement with other foster carer - long term fostering",
    "U6: Foster placement with other foster carer - not long term or FFA",
    "U1: Foster placement with relative or friend - long term fostering",
    "U3: Foster placement with relative or friend - not long term or FFA",
    "K2: Children's homes",
    "H5: Semi-independent living accommodation",
    "P1: Placed with own parent(s)",
    "A6: Placed for adoption with placement order",
)
_PROVIDER = (
    "PR1 - Own provision (by the LA)",
    "PR2 - Other LA provision",
    "PR3 - Other public provision",
    "PR4 - Private provision",
    "PR5 - Voluntary/third sector provision",
)
_LEGAL = (
    "C2: Full care order",
    "C1: Interim care order",
    "V2: Single period of accommodation under section 20",
    "E1: Placement order granted",
    "L2: Emergency protection order",
)
_PERMANENCE = (
    "Long-term fostering",
    "Return to family",
    "Special guardianship order",
    "Residential care",
    "Supported living",
    "Adoption",
    "Other",
)
_CEASED = (
    "E13: Left care to live with parent(s), relative(s), or other person(s) with parental responsibility",
    "E45: Special guardianship order made to former foster carer(s)",
    "E8: Period of being looked after ceased for any other reason",
    "E17: Aged 18 (remained with current carers)",
    "E5: Moved into independent living arrangement",
    "E12: Adopted - consent dispensed with by the court",
)


def _list_8(
    rng,
    person,
    frame,
    start,
    end,
    child,
    team,
    worker,
    at18,
    adopt,
    adopted,
    kids,
    win,
    ext,
    *,
    patterns: bool = True,
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
    placements = rng.choice([1, 2, 3, 4], n, p=_PLACEMENTS_P if patterns else _NULL_PLACEMENTS_P)
    teen = age >= 12
    missing = np.where(rng.random(n) < np.where(teen, 0.14, 0.02), rng.integers(1, 6, n), 0)
    absent = np.where(rng.random(n) < np.where(teen, 0.1, 0.01), rng.integers(1, 4, n), 0)
    offered = missing > 0
    first = np.busday_offset(start, 20, roll="forward", holidays=_HOL)
    review = _review_dates(rng, start, ref, first, 6, first_months=3)
    visit = ref - np.where(rng.random(n) < 0.92, rng.integers(0, 42, n), rng.integers(43, 90, n))
    limit = np.where(age < 5, 182, 365)
    ha = ref - np.where(
        rng.random(n) < 0.9,
        np.floor(rng.random(n) * limit).astype(int),
        limit + rng.integers(1, 120, n),
    )
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
    ceased = np.select(
        [adopted, at18],
        [5, np.where(rng.random(n) < 0.5, 3, 4)],
        default=rng.choice(3, n, p=[0.6, 0.2, 0.2]),
    )
    need = np.where(uasc, 7, rng.choice(len(_NEED), n, p=_NEED_P))
    df = frame(
        {
            **person(child, disability=False),
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": _yes_no(
                rng, uasc
            ),
            _DISABILITY: _yes_no(rng, kids.disabled[child]),
            "Date Started to be Looked After": _fmt(start),
            "Child's Category of Need": np.array(_NEED, dtype=object)[need],
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)": _yes_no(
                rng, rng.random(n) < 0.03
            ),
            "Start date of current legal status": _fmt(legal_start),
            "Child's Legal Status": np.array(_LEGAL, dtype=object)[legal],
            "Date of Latest Statutory Review": _fmt(review),
            "Date of Last Social Work Visit": _fmt(np.maximum(visit, start)),
            "What is the permanence plan for this child?": _prefixed(
                rng, perm, list(_PERMANENCE), 0.4
            ),
            "Date of Last IRO Visit / Contact to the Child": _fmt(np.maximum(iro, start)),
            "Date of Last Health Assessment": _fmt(ha),
            "Date of Last Dental Check": _fmt(dental),
            "Number of Placements in the Last 12 months": placements,
            "Date Ceased to be Looked After": _fmt(end),
            "Reason Ceased to be Looked After": np.where(
                open_, "", np.array(_CEASED, dtype=object)[ceased]
            ),
            "Start Date of Most Recent Placement": _fmt(recent),
            "Placement Type": _prefixed(rng, ptype, list(_PLACEMENT), 0.5),
            "Placement Provider": _prefixed(rng, provider, list(_PROVIDER), 0.5),
            "Placement postcode": np.where(
                in_area,
                _pick(rng, n, ["NM1", "NM2", "NM3", "NM4", "NM5", "NM7"]),
                _pick(rng, n, ["BD9", "FE2", "FE4", "WV3"]),
            ),
            "URN of Placement": np.where(
                ptype == 4, _ids("SC", rng.integers(100000, 999999, n), 6), ""
            ),
            "Placement Location": np.where(in_area, "In LA boundary", "Out of LA boundary"),
            "LA of Placement": np.where(
                in_area, "Northmoor", _pick(rng, n, ["Brackendale", "Fellside", "Wolds Vale"])
            ),
            "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the last 12 months": missing,
            "Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in the last 12 months": absent,
            "Was the child offered a Return Interview after their last missing episode (Y/N)?": _yes_no(
                rng, rng.random(n) < 0.93, blank=~offered
            ),
            "Did the child accept a Return Interview after their last missing episode (Y/N)?": _yes_no(
                rng, rng.random(n) < 0.6, blank=~offered
            ),
            "Allocated Team": team[o],
            "Allocated Worker": worker[o],
            "_d": start,
        },
        ["_d", "Child Unique ID"],
    )
    at_extract = open_ & (start <= ext)
    facts = {
        "open_at_extract": int(at_extract.sum()),
        "three_plus": int((placements[at_extract] >= 3).sum()),
    }
    return df, facts


_ACCOMMODATION = (
    "B: With parents or relatives",
    "E: Semi-independent, transitional accommodation",
    "G: Supported lodgings",
    "K: Ordinary lodgings",
    "T: Foster care",
    "U: Independent living",
    "Z: With former foster carers",
    "S: No fixed abode / homeless",
    "X: In custody",
)
_ACTIVITY = (
    "F1: Full time in higher education",
    "P1: Part time in higher education",
    "F2: Full time in education other than higher",
    "P2: Part time in education other than higher",
    "F4: Full time in employment",
    "P4: Part time in employment",
    "F5: Full time in training",
    "G4: Not in education, training or employment, owing to other reasons",
    "G5: Not in education, training or employment, owing to illness or disability",
    "G6: Not in education, training or employment, owing to pregnancy or parenting",
)


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
        {
            **person(child, disability=True),
            "Allocated Team": team,
            "Allocated Worker": worker,
            "Eligibility Category": _prefixed(
                rng,
                np.full(n, 2),
                ["Eligible child", "Relevant child", "Former relevant child"],
                0.6,
            ),
            "LA in Touch": _prefixed(
                rng, touch, ["Yes", "No", "Young person refuses contact"], 0.6
            ),
            "Type of Accommodation": np.array(_ACCOMMODATION, dtype=object)[accom],
            "Suitability of Accommodation": _prefixed(
                rng, unsuitable.astype(int), ["Suitable", "Unsuitable"], 0.6
            ),
            "Activity Status": np.array(_ACTIVITY, dtype=object)[activity],
            "UASC or formerly UASC (Y/N)": _yes_no(rng, rng.random(n) < 0.06),
            "Allocated Personal Advisor": worker,
            "Latest Pathway Plan Review Date": _fmt(ext - rng.integers(0, 200, n)),
            "Latest Date of Contact": _fmt(
                ext
                - np.where(rng.random(n) < 0.9, rng.integers(0, 56, n), rng.integers(56, 200, n))
            ),
            "_d": at18,
        },
        ["_d", "Child Unique ID"],
    )


def _adoption(
    rng,
    person,
    frame,
    idx,
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
):
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
        {
            "Child Unique ID": person(cla_child[idx], disability=False)["Child Unique ID"],
            "Family identifier": np.where(family > 0, _ids("F", family, 5), ""),
            **{
                k: v
                for k, v in person(
                    cla_child[idx], disability=True, age_header="Age of Child (Years)"
                ).items()
                if k != "Child Unique ID"
            },
            "Date the Child Entered Care": _fmt(cla_start[idx]),
            "Date of Decision that Child Should be Placed for Adoption": _fmt(adm[idx]),
            "Date of Placement Order": _fmt(po_i),
            "Date of Matching Child and Prospective Adopters": _fmt(match_i),
            "Date Placed for Adoption": _fmt(placed_i),
            "Date of Adoption Order": _fmt(order_i),
            "Date of Decision that Child Should No Longer be Placed for Adoption": _fmt(rev_date),
            "Reason Why Child No Longer Placed for Adoption": np.where(
                ~np.isnat(rev_date),
                _pick(
                    rng,
                    n,
                    [
                        "Plan changed to special guardianship",
                        "Child returned to birth family",
                        "Prospective adopters could not be found",
                    ],
                ),
                "",
            ),
            "Date the child was placed for fostering in FFA or concurrent planning placement": _fmt(
                np.where(ffa, cla_start[idx] + rng.integers(0, 30, n), _NAT)
            ),
            "_d": adm[idx],
        },
        ["_d", "Child Unique ID"],
    )

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
        {
            "Individual adopter identifier": _ids("AD", np.arange(1, m + 1), 5),
            "Family identifier": _ids("F", families[rows], 5),
            "Gender": _prefixed(rng, rng.choice(2, m), ["Male", "Female"], 0.5),
            "Ethnicity": _prefixed(
                rng, rng.choice(len(_ETHNICITY), m, p=_ETHNICITY_P), list(_ETHNICITY), 0.6
            ),
            "Disability": _yes_no(rng, rng.random(m) < 0.04),
            "Is the (prospective) adopter fostering for adoption?": _yes_no(
                rng, rng.random(m) < 0.1
            ),
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
                _pick(
                    rng, m, ["Withdrew: change in circumstances", "Not approved", "Withdrew: other"]
                ),
                "",
            ),
            "_d": cut(enquiry)[rows],
        },
        ["_d", "Individual adopter identifier"],
    )
    return children, adopters
