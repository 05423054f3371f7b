"""Recognising the statutory returns (SSDA903, the CIN census) by their headers, to say what they are.

The suite does not read the returns themselves: it measures the same children month by month from
the Ofsted Annex A lists, which an authority produces from the same case records. ``init`` names a
return when it meets one, says what the suite does instead, and leaves the file alone, rather than
reporting it as an unrecognised table "closest to audits".

Headers are those of the Department for Education's specifications: the SSDA903 CSV tables (as
the DfE portal and Data to Insight's 903 validator name them) and the CIN census data items (as
flattened to one column per item).
"""

from __future__ import annotations

from collections.abc import Iterable

from ...sources.reader import normalise_label

# SSDA903 tables and their columns (CHILD, DOB and SEX appear in several; the rest name the table).
SSDA903_TABLES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
}
_SSDA903_SHARED = {"child", "dob", "sex"}

# CIN census data items, one column each when the return is flattened.
CIN_CENSUS_ITEMS = (
    "LAchildID",
    "UPN",
    "FormerUPN",
    "UPNunknown",
    "PersonBirthDate",
    "ExpectedPersonBirthDate",
    "GenderCurrent",
    "PersonDeathDate",
    "Ethnicity",
    "Disability",
    "CINdetailsID",
    "CINreferralDate",
    "ReferralSource",
    "PrimaryNeedCode",
    "CINclosureDate",
    "ReasonForClosure",
    "DateOfInitialCPC",
    "ReferralNFA",
    "AssessmentActualStartDate",
    "AssessmentInternalReviewDate",
    "AssessmentAuthorisationDate",
    "AssessmentFactors",
    "CINPlanStartDate",
    "CINPlanEndDate",
    "S47ActualStartDate",
    "InitialCPCtarget",
    "ICPCnotRequired",
    "CPPID",
    "CPPstartDate",
    "CPPendDate",
    "InitialCategoryOfAbuse",
    "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
    "CPPreviewDate",
)
_CIN_GENERIC = {"upn", "ethnicity", "disability"}  # items other exports may share
_CIN_MIN_ITEMS = 3  # distinctive CIN census items a table must carry to be taken for the census

SSDA903 = (
    "the SSDA903 return (the Department for Education's yearly child-level return on children "
    "looked after and care leavers)"
)
CIN_CENSUS = (
    "the CIN census (the Department for Education's yearly child-level return on children in "
    "need and child protection)"
)
SSDA903_USE = (
    "The suite does not read statutory returns: it measures children in care, care leavers and "
    "adoption from Annex A Lists 8 to 11, which hold the same children month by month. Supply "
    "those lists (annex_a: above) instead; this file is not used"
)
CIN_CENSUS_USE = (
    "The suite does not read statutory returns: it measures referrals, assessments, section 47 "
    "enquiries, children in need and child protection plans from Annex A Lists 3 to 7, which hold "
    "the same children month by month. Supply those lists (annex_a: above) instead; this file is "
    "not used"
)


def _norms(names: Iterable[str]) -> set[str]:
    return {normalise_label(n) for n in names}


def statutory_return(headers: Iterable[str]) -> tuple[str, str] | None:
    """What a table is, if its headers are a statutory return's, and what the suite does with it.

    Returns:
        ``(what it is, what the suite does with it)``, or None for any other table.

    Example:
        >>> what, _ = statutory_return(["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "DEC"])
        >>> what.startswith("the Episodes table of the SSDA903 return")
        True
    """
    found = _norms(headers)
    best: tuple[int, str] | None = None
    if "child" in found:
        for table, columns in SSDA903_TABLES.items():
            own = _norms(columns) - _SSDA903_SHARED
            hits = len(found & own)
            # Every distinctive column of a small table, or most of a large one.
            if hits >= min(len(own), 3) and (best is None or hits > best[0]):
                best = (hits, table)
    if best is not None:
        return f"the {best[1]} table of {SSDA903}", SSDA903_USE
    items = _norms(CIN_CENSUS_ITEMS) - _CIN_GENERIC
    if len(found & items) >= _CIN_MIN_ITEMS:
        return CIN_CENSUS, CIN_CENSUS_USE
    return None


def statutory_xml(text: str) -> tuple[str, str] | None:
    """The same for a return's XML file, from its opening text (the returns are XML as submitted)."""
    head = text[:65536]
    if "<Collection>CIN</Collection>" in head or "<CINreferralDate>" in head:
        return CIN_CENSUS, CIN_CENSUS_USE
    if "SSDA903" in head or "<DECOM>" in head:
        return SSDA903, SSDA903_USE
    return None
