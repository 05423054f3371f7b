"""Ofsted Annex A: the eleven child-level lists, read tolerantly into canonical columns.

An authority supplies Annex A either as one workbook (XLSX, XLS or ODS) with sheets ``List 1`` ..
``List 11`` (``file``, with ``sheets: {list_4: "Assessments"}`` where a sheet is named otherwise) or
as one file per list (``files: {list_4: assessments.csv}``); the two can be mixed, a ``files`` entry
winning for its list.

Each list's canonical columns are declared once in :data:`ANNEX_A_LISTS`, with the header variants of
the pre-2024 and 2024 layouts (``Age`` or ``Age of Child (Years)``, the care-leaver columns added in
2024, missing and absent episodes split or combined). Headers match ignoring case, spaces,
punctuation and curly quotes; coded values match with or without their letter prefix
(``b) Female``, ``Female``; ``a) Yes``, ``Yes``, ``Y``). ``la.yaml`` may map a header or a label for
every list (``columns: {team: "Team Name"}``) or for one list only
(``columns: {list_4.assessment_authorised_date: "Date Completed"}``).

Rules:

- A list's required columns are the child id (the adopter id in List 11) and the list's key date;
  a row whose required value is blank or unreadable is rejected with a reason, other unreadable
  values are blanked and reported.
- A list missing from the workbook is reported in the notes unless it was configured explicitly
  (``sheets`` or ``files``), which stops loading, as does a missing file or required column.
- ``Unknown`` in a yes/no column (Annex A's ``c) Unknown``) is read as not known: blank, counted in
  the notes rather than reported row by row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..config import Config, SourceConfig
from .reader import (
    SPREADSHEET_SUFFIXES,
    SourceError,
    SourceReport,
    normalise_label,
    read_source,
    workbook_sheets,
)
from .schema import Column

LIST_IDS = tuple(f"list_{n}" for n in range(1, 12))

LIST_TITLES = {
    "list_1": "Contacts",
    "list_2": "Early help assessments",
    "list_3": "Referrals",
    "list_4": "Assessments",
    "list_5": "Section 47 enquiries and ICPCs",
    "list_6": "Children in need",
    "list_7": "Child protection plans",
    "list_8": "Children in care",
    "list_9": "Care leavers",
    "list_10": "Adoption",
    "list_11": "Adopters",
}

# The date that places a row of each list in time (required on every row); List 9 has none.
KEY_DATES = {
    "list_1": "contact_date",
    "list_2": "assessment_start_date",
    "list_3": "referral_date",
    "list_4": "assessment_start_date",
    "list_5": "strategy_discussion_date",
    "list_6": "cin_start_date",
    "list_7": "cp_plan_start_date",
    "list_8": "cla_start_date",
    "list_10": "entered_care_date",
    "list_11": "enquiry_date",
}

# "c) Unknown" and its variants in a yes/no column: not known, so blank (not an error).
_UNKNOWN = {"unknown", "not known", "unk", "not recorded", "not stated"}


def _date(name: str, *synonyms: str, required: bool = False) -> Column:
    return Column(name, "date", required=required, header_synonyms=synonyms)


def _yesno(name: str, *synonyms: str) -> Column:
    return Column(name, "yesno", header_synonyms=synonyms)


def _count(name: str, *synonyms: str) -> Column:
    return Column(name, "integer", header_synonyms=synonyms, bounds=(0, None))


def _code(name: str, *synonyms: str) -> Column:
    return Column(name, "code", header_synonyms=synonyms)


CHILD_ID = Column(
    "child_id",
    "id",
    required=True,
    header_synonyms=(
        "child unique id",
        "child unique identifier",
        "child id",
        "unique child id",
        "person id",
        "child ref",
        "upn",
    ),
)
GENDER = Column(
    "gender",
    "category",
    vocab=("male", "female", "neither", "not_recorded"),
    value_synonyms={
        "m": "male",
        "f": "female",
        "boy": "male",
        "girl": "female",
        "not stated recorded": "not_recorded",
        "not stated": "not_recorded",
        "not recorded": "not_recorded",
        "unknown": "not_recorded",
        "not known": "not_recorded",
        "indeterminate": "not_recorded",
    },
)
ETHNICITY = _code("ethnicity", "ethnic origin", "ethnicity code")
DATE_OF_BIRTH = Column(
    "date_of_birth",
    "date",
    not_after_extract=False,
    birth_date=True,
    header_synonyms=("dob", "birth date"),
)  # unborn children: expected date
AGE = Column(
    "age",
    "number",
    bounds=(-1, 25),  # an unborn child (pre-birth work) to a care leaver of 25
    header_synonyms=(
        "age of child (years)",
        "age of child",
        "age (years)",
        "age in years",
        "child age",
    ),
)
DISABILITY = _yesno(
    "disability",
    "does the child have a disability",
    "disabled",
    "does the child have a disability (y/n)",
)
TEAM = Column("team", "text", header_synonyms=("allocated team", "team name", "current team"))
WORKER = Column(
    "worker",
    "text",
    header_synonyms=("allocated worker", "allocated social worker", "social worker", "worker name"),
)

_CHILD = (CHILD_ID, GENDER, ETHNICITY, DATE_OF_BIRTH, AGE)
_CASE = (TEAM, WORKER)

ANNEX_A_LISTS: dict[str, tuple[Column, ...]] = {
    "list_1": _CHILD
    + (
        _date("contact_date", "date of contact", "contact date", required=True),
        _code("contact_source", "source of contact"),
    ),
    "list_2": _CHILD
    + (
        _date("assessment_start_date", "early help assessment start date", required=True),
        _date(
            "assessment_completion_date",
            "early help assessment completion date",
            "assessment completed date",
        ),
        Column("organisation", "text", header_synonyms=("organisation completing assessment",)),
    ),
    "list_3": _CHILD
    + (
        _date("referral_date", "date of referral", required=True),
        _code("referral_source", "source of referral"),
        _yesno(
            "referral_nfa", "referral nfa?", "referral nfa", "nfa", "referral no further action"
        ),
        _count(
            "referrals_12m",
            "number of referrals in last 12 months",
            "number of referrals in the last 12 months",
            "referrals in last 12 months",
        ),
    )
    + _CASE,
    "list_4": _CHILD
    + (
        DISABILITY,
        _date(
            "assessment_start_date",
            "continuous assessment start date",
            "assessment start date",
            "date assessment started",
            required=True,
        ),
        _yesno(
            "child_seen",
            "child seen during continuous assessment",
            "child seen during assessment",
            "was the child seen",
            "child seen",
        ),
        _date(
            "assessment_authorised_date",
            "continuous assessment date of authorisation",
            "assessment date of authorisation",
            "date of authorisation",
            "assessment authorisation date",
            "assessment authorised date",
        ),
        _yesno(
            "requires_support",
            "was the child assessed as requiring la children's social care support?",
            "was the child assessed as requiring la childrens social care support",
        ),
        # Not in the Annex A specification; some exports add it, and the referral anchor uses it.
        _date("referral_date", "date of referral"),
    )
    + _CASE,
    "list_5": _CHILD
    + (
        DISABILITY,
        _date(
            "strategy_discussion_date",
            "strategy discussion initiating section 47 enquiry start date",
            "section 47 enquiry start date",
            "strategy discussion date",
            "s47 start date",
            required=True,
        ),
        _yesno(
            "icpc_unnecessary", "was an initial child protection conference deemed unnecessary?"
        ),
        _date("icpc_date", "date of initial child protection conference", "icpc date"),
        _yesno(
            "icpc_to_plan",
            "did the initial child protection conference result in a child protection plan",
        ),
        _count("s47_12m", "number of section 47 enquiries in the last 12 months"),
        _count("icpcs_12m", "number of icpcs in the last 12 months"),
    )
    + _CASE,
    "list_6": _CHILD
    + (
        DISABILITY,
        _date("cin_start_date", "cin start date", "child in need start date", required=True),
        _code("primary_need", "primary need code", "primary need"),
        _date("last_seen_date", "date child was last seen"),
        _date("cin_closure_date", "cin closure date"),
        _code("closure_reason", "reason for closure"),
        _code("case_status", "case status"),
    )
    + _CASE,
    "list_7": _CHILD
    + (
        DISABILITY,
        _date(
            "cp_plan_start_date",
            "child protection plan start date",
            "cp plan start date",
            required=True,
        ),
        _code("initial_abuse_category", "initial category of abuse"),
        _code("latest_abuse_category", "latest category of abuse"),
        _date(
            "last_visit_date", "date of the last statutory visit", "date of last statutory visit"
        ),
        _yesno("seen_alone", "was the child seen alone?", "child seen alone"),
        _date(
            "latest_review_date",
            "date of latest review conference",
            "date of the latest review conference",
        ),
        _date("cp_plan_end_date", "child protection plan end date", "cp plan end date"),
        _yesno(
            "emergency_protection_6m",
            "subject to emergency protection order or protected under police powers in last six "
            "months (y/n)",
        ),
        _count("previous_cp_plans", "number of previous child protection plans"),
    )
    + _CASE,
    "list_8": _CHILD
    + (
        _yesno(
            "uasc",
            "unaccompanied asylum seeking child (uasc) within the last 12 months (y/n)",
            "uasc within the last 12 months (y/n)",
        ),
        DISABILITY,
        _date(
            "cla_start_date",
            "date started to be looked after",
            "date started to be looked after (current period of care)",
            required=True,
        ),
        _code("category_of_need", "child's category of need"),
        _yesno(
            "second_period_12m",
            "is this a second or subsequent period of being a looked after child within the last "
            "12 months (y/n)",
            "second or subsequent period of being looked after within the last 12 months (y/n)",
        ),
        _date("legal_status_start_date", "start date of current legal status"),
        _code("legal_status", "child's legal status"),
        _date("latest_review_date", "date of latest statutory review"),
        _date("last_visit_date", "date of last social work visit"),
        _code("permanence_plan", "what is the permanence plan for this child?", "permanence plan"),
        _date("last_iro_contact_date", "date of last iro visit / contact to the child"),
        _date("health_assessment_date", "date of last health assessment"),
        _date("dental_check_date", "date of last dental check"),
        _count("placements_12m", "number of placements in the last 12 months"),
        _date("ceased_date", "date ceased to be looked after"),
        _code("ceased_reason", "reason ceased to be looked after"),
        _date("placement_start_date", "start date of most recent placement"),
        _code("placement_type", "placement type"),
        _code("placement_provider", "placement provider"),
        Column("placement_postcode", "text", header_synonyms=("placement postcode",)),
        Column("placement_urn", "text", header_synonyms=("urn of placement",)),
        _code("placement_location", "placement location"),
        Column("placement_la", "text", header_synonyms=("la of placement",)),
        # 2024 layout: missing and absent counted separately; earlier: one combined column.
        _count(
            "missing_episodes_12m",
            "number of episodes the child has been 'missing' from their placement in the last "
            "12 months",
            "number of episodes the child has been 'missing' / 'absent' from their placement in "
            "the last 12 months",
        ),
        _count(
            "absent_episodes_12m",
            "number of episodes the child has been 'absent' from their placement in the last "
            "12 months",
        ),
        _yesno(
            "return_interview_offered",
            "was the child offered a return interview after their last missing episode (y/n)?",
            "was the child offered / did the child accept a return interview after their last "
            "missing episode (y/n)?",
        ),
        _yesno(
            "return_interview_accepted",
            "did the child accept a return interview after their last missing episode (y/n)?",
        ),
    )
    + _CASE,
    "list_9": _CHILD
    + (
        _yesno(
            "uasc",
            "unaccompanied asylum seeking child (uasc), or formerly uasc if 18 or over (y/n)",
            "uasc or formerly uasc (y/n)",
        ),
        DISABILITY,
        *_CASE,
        Column("personal_advisor", "text", header_synonyms=("allocated personal advisor",)),
        _code("eligibility", "eligibility category"),
        _date("pathway_plan_review_date", "latest pathway plan review date"),
        Column(
            "in_touch",
            "category",
            vocab=("yes", "no", "died", "refused", "not_required", "returned_home"),
            value_synonyms={
                "y": "yes",
                "n": "no",
                "refu": "refused",
                "nreq": "not_required",
                "no longer requires services": "not_required",
                "rhom": "returned_home",
                "returned home": "returned_home",
                "dead": "died",
                "young person refuses contact": "refused",
                "refuses contact": "refused",
                "refused contact": "refused",
            },
            header_synonyms=("la in touch", "local authority in touch"),
        ),
        _date("latest_contact_date", "latest date of contact"),
        _code("accommodation_type", "type of accommodation"),
        Column(
            "accommodation_suitable",
            "category",
            vocab=("suitable", "unsuitable"),
            value_synonyms={
                "not suitable": "unsuitable",
                "yes": "suitable",
                "y": "suitable",
                "no": "unsuitable",
                "n": "unsuitable",
            },
            header_synonyms=("suitability of accommodation", "accommodation suitable"),
        ),
        _code("activity_status", "activity status", "main activity"),
    ),
    "list_10": (
        CHILD_ID,
        Column("family_id", "id", header_synonyms=("family identifier",)),
        GENDER,
        ETHNICITY,
        DATE_OF_BIRTH,
        AGE,
        DISABILITY,
        _date("entered_care_date", "date the child entered care", required=True),
        _date(
            "adoption_decision_date", "date of decision that child should be placed for adoption"
        ),
        _date("placement_order_date", "date of placement order"),
        _date("matched_date", "date of matching child and prospective adopters"),
        _date("placed_for_adoption_date", "date placed for adoption"),
        _date("adoption_order_date", "date of adoption order"),
        _date(
            "no_longer_adoption_date",
            "date of decision that child should no longer be placed for adoption",
        ),
        _code("no_longer_adoption_reason", "reason why child no longer placed for adoption"),
        _date(
            "ffa_placement_date",
            "date the child was placed for fostering in ffa or concurrent planning placement",
        ),
    ),
    "list_11": (
        Column(
            "adopter_id",
            "id",
            required=True,
            header_synonyms=("individual adopter identifier", "adopter identifier", "adopter id"),
        ),
        Column("family_id", "id", header_synonyms=("family identifier",)),
        GENDER,
        ETHNICITY,
        _yesno("disability", "disability"),
        _yesno("fostering_for_adoption", "is the (prospective) adopter fostering for adoption?"),
        _date("enquiry_date", "date enquiry received", required=True),
        _date("stage1_start_date", "date stage 1 started"),
        _date("stage1_end_date", "date stage 1 ended"),
        _date("stage2_start_date", "date stage 2 started"),
        _date("stage2_end_date", "date stage 2 ended"),
        _date("application_submitted_date", "date application submitted"),
        _date("application_approved_date", "date application approved"),
        _date("matched_date", "date adopter matched with child(ren)"),
        _date("placed_date", "date child/children placed with adopter(s)"),
        _count("children_placed", "no. of children placed", "number of children placed"),
        _date("adoption_order_date", "date of adoption order"),
        _date("left_process_date", "date of leaving adoption process"),
        _code("left_process_reason", "reason for leaving adoption process"),
    ),
}

_SHEET = re.compile(r"^list\s*0*(\d+)(?!\d)")
_WORKBOOK = SPREADSHEET_SUFFIXES


def list_number(list_id: str) -> int:
    """``"list_4"`` -> 4."""
    return int(list_id.split("_")[1])


def empty_list(list_id: str) -> pd.DataFrame:
    """A list with its canonical columns, typed, and no rows."""
    dtypes = {"date": "datetime64[ns]", "yesno": "boolean", "number": "float64", "integer": "Int64"}
    frame = pd.DataFrame(
        {c.name: pd.Series(dtype=dtypes.get(c.kind, "object")) for c in ANNEX_A_LISTS[list_id]}
    )
    frame.index.name = "row"
    return frame


def _sheet_for(list_id: str, sheet_names: list[str]) -> str | None:
    """The workbook sheet holding a list: ``List 4``, ``list4``, ``List 4 - Assessments``."""
    wanted = list_number(list_id)
    for name in sheet_names:
        match = _SHEET.match(normalise_label(name))
        if match and int(match[1]) == wanted:
            return name
    return None


def _list_config(source: SourceConfig, list_id: str) -> SourceConfig:
    """The source settings for one list: plain keys apply to every list, ``list_4.x`` to one."""
    names = {c.name for c in ANNEX_A_LISTS[list_id]}

    def pick(mapping: dict) -> dict:
        out = {k: v for k, v in mapping.items() if "." not in k and k in names}
        prefix = f"{list_id}."
        out.update({k[len(prefix) :]: v for k, v in mapping.items() if k.startswith(prefix)})
        return out

    return source.model_copy(
        update={"columns": pick(source.columns), "values": pick(source.values), "sheet": None}
    )


def _check_keys(source: SourceConfig) -> None:
    for what, keys in (("files", source.files), ("sheets", source.sheets)):
        unknown = sorted(set(keys) - set(LIST_IDS))
        if unknown:
            raise SourceError(
                f"annex_a.{what}: unknown list(s) {unknown}; expected list_1 .. list_11"
            )
    for what, mapping in (("columns", source.columns), ("values", source.values)):
        for key in mapping:
            if "." in key:
                list_id, column = key.split(".", 1)
                if list_id not in ANNEX_A_LISTS or column not in {
                    c.name for c in ANNEX_A_LISTS[list_id]
                }:
                    raise SourceError(f"annex_a.{what}: '{key}' names no Annex A list column")


def _workbook_sheets(path: Path) -> list[str]:
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    if path.suffix.lower() not in _WORKBOOK:
        raise SourceError(
            f"{path}: annex_a.file must be a workbook with sheets 'List 1' .. 'List 11'; for one "
            "file per list use annex_a.files: {list_1: ..., list_4: ...}"
        )
    return workbook_sheets(path)


def _locate(
    list_id: str, source: SourceConfig, config: Config, book: Path | None, sheets: list[str]
) -> tuple[Path, str | None, bool] | str:
    """Where a list is: (path, sheet, explicitly configured), or why it is absent."""
    if list_id in source.files:
        path = config.path(source.files[list_id])
        if not path.is_file():
            raise SourceError(f"{path}: file not found (annex_a.files.{list_id})")
        sheet = source.sheets.get(list_id)
        if sheet is None and path.suffix.lower() in _WORKBOOK:
            found = _workbook_sheets(path)
            sheet = _sheet_for(list_id, found) or found[0]
        return path, sheet, True
    if book is None:
        return f"{LIST_TITLES[list_id]} ({list_id}) not supplied"
    if list_id in source.sheets:
        sheet = source.sheets[list_id]
        if sheet not in sheets:
            raise SourceError(
                f"{book}: sheet '{sheet}' (annex_a.sheets.{list_id}) not found; sheets found: "
                + ", ".join(sheets)
            )
        return book, sheet, True
    sheet = _sheet_for(list_id, sheets)
    if sheet is None:
        return (
            f"{book.name}: no sheet for List {list_number(list_id)} ({LIST_TITLES[list_id]}); "
            f"sheets found: {', '.join(sheets)}. The list is treated as not supplied"
        )
    return book, sheet, False


def _read_list(
    list_id: str,
    path: Path,
    sheet: str | None,
    source: SourceConfig,
    config: Config,
    extract_date: pd.Timestamp,
) -> tuple[pd.DataFrame, SourceReport, pd.DataFrame]:
    columns = ANNEX_A_LISTS[list_id]
    frame, report, rejected = read_source(
        "annex_a",
        columns,
        _list_config(source, list_id),
        path=path,
        grades=config.grades,
        extract_date=extract_date,
        sheet=sheet,
        reading=config.reading,
        search_sheets=False,
    )
    yesno = {c.name for c in columns if c.kind == "yesno"}
    headers = {report.columns_found[n]: n for n in yesno if n in report.columns_found}
    unknown = [
        w for w in report.warnings if w.column in headers and normalise_label(w.value) in _UNKNOWN
    ]
    if unknown:
        report.warnings = [w for w in report.warnings if w not in unknown]
        by_column = pd.Series([headers[w.column] for w in unknown]).value_counts()
        for column, n in by_column.items():
            report.notes.append(
                f"{list_id}: {n} 'Unknown' value(s) in {column} read as not known (blank)"
            )
    report.columns_found = {f"{list_id}.{k}": v for k, v in report.columns_found.items()}
    if not len(frame.columns):
        frame = empty_list(list_id)
    frame.attrs["source_label"] = f"{path.name}" + (f" [{sheet}]" if sheet else "")
    return frame, report, rejected


def load_annex_a(
    source: SourceConfig, config: Config, *, extract_date: pd.Timestamp
) -> tuple[dict[str, pd.DataFrame], SourceReport, pd.DataFrame]:
    """Read every Annex A list the configuration points to.

    Args:
        source: ``sources.annex_a`` of ``la.yaml``: ``file`` (a workbook), ``sheets``, ``files``,
            ``columns`` and ``values`` (keys plain or ``list_N.``-prefixed).
        config: the authority's configuration (for paths and grades).
        extract_date: dates after it are errors (blanked, or the row rejected if required).

    Returns:
        ``{"list_1": frame, ..., "list_11": frame}`` (every key present; a list not supplied is an
        empty frame with its canonical columns; index ``row`` is the row the user sees), the
        combined report (name ``annex_a``) and the rejected rows as read.

    Raises:
        SourceError: the workbook or a configured file or sheet is missing or unreadable, a list's
            required column is missing, or the workbook holds no Annex A list at all.
    """
    _check_keys(source)
    report = SourceReport("annex_a")
    lists = {list_id: empty_list(list_id) for list_id in LIST_IDS}
    rejected: list[pd.DataFrame] = []
    book = config.path(source.file) if source.file else None
    sheets = _workbook_sheets(book) if book is not None else []
    if book is None and not source.files:
        raise SourceError("sources.annex_a: give a workbook (file) or one file per list (files)")
    found_any = False
    for list_id in LIST_IDS:
        where = _locate(list_id, source, config, book, sheets)
        if isinstance(where, str):
            report.notes.append(where)
            continue
        path, sheet, explicit = where
        try:
            frame, list_report, bad = _read_list(
                list_id, path, sheet, source, config, pd.Timestamp(extract_date)
            )
        except SourceError as exc:
            # 2024-05: exports often keep an empty sheet for a list the service does not hold.
            if explicit or "the file is empty" not in str(exc):
                raise
            report.notes.append(
                f"{path.name} [{sheet}]: the sheet is empty; "
                f"{LIST_TITLES[list_id]} ({list_id}) treated as not supplied"
            )
            report.files.append(str(path))
            continue
        found_any = True
        lists[list_id] = frame
        found = dict(list_report.columns_found)
        report.add(list_report)
        report.columns_found.update(found)
        if len(bad):
            bad = bad.copy()
            bad.insert(1, "list", list_id)
            rejected.append(bad)
    if not found_any:
        raise SourceError(
            f"{book}: no Annex A list found; expected sheets 'List 1' .. 'List 11', found: "
            + (", ".join(sheets) or "none")
        )
    report.files = list(dict.fromkeys(report.files))
    bad_rows = (
        pd.concat(rejected, ignore_index=True)
        if rejected
        else pd.DataFrame(columns=["source", "list", "file", "reason"])
    )
    return lists, report, bad_rows
