"""Declared canonical columns of every source: one rule, one place.

Each source is a tuple of :class:`Column`. A column's ``kind`` says how raw text is read:

- ``id``: pseudonymous identifier, kept as text (Excel integers lose their ``.0``).
- ``text``: free text, whitespace tidied.
- ``code``: a category written as a ``snake_case`` code ("Not listened to" -> ``not_listened_to``),
  with an open vocabulary (complaint categories, feedback questions, themes).
- ``category``: a closed vocabulary (``vocab``); other labels are mapped through ``la.yaml``.
- ``grade``: a grade on the configured scale.
- ``date``: ISO (2025-03-31) or UK day-first (31/03/2025); never month-first; in a spreadsheet, an
  Excel serial date number too. Dates outside ``reading`` in ``la.yaml`` are implausible: before
  ``earliest_date`` (``earliest_birth_date`` for dates of birth), or after the extract date (for
  columns that expect later dates, such as a due date, more than ``latest_years_after_extract``
  years after it; for a date of birth, more than ``birth_weeks_after_extract`` weeks).
- ``month``: a month (2025-03, or any date in it), kept as the first of the month.
- ``yesno``: yes / no (Y, N, true, false, 1, 0, ``a) Yes``).
- ``number``, ``integer``: numbers.
- ``year``: a year ending 31 March (2025, or 2024-25, both meaning April 2024 to March 2025).

Required columns must be present in the export and filled on every row; a row whose required value
cannot be read is rejected. An optional column's unreadable value is blanked and reported as a
warning, so the rest of the row is still used.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    required: bool = False
    vocab: tuple[str, ...] = ()
    value_synonyms: dict[str, str] = field(default_factory=dict)
    header_synonyms: tuple[str, ...] = ()
    unique: bool = False
    not_after_extract: bool = True  # dates only: a date after the extract date is an error
    birth_date: bool = False  # dates only: a date of birth (earlier; an unborn child's due date)
    needed_for: tuple[
        str, ...
    ] = ()  # optional columns: the measures that cannot be computed without
    bounds: tuple[float | None, float | None] | None = None  # numbers: plausible (low, high)


YES_NO = ("yes", "no")

AUDIT_COLUMNS = (
    Column(
        "audit_id",
        "id",
        required=True,
        unique=True,
        header_synonyms=("audit ref", "audit reference"),
    ),
    Column(
        "child_id",
        "id",
        required=True,
        header_synonyms=("child unique id", "person id", "child ref"),
    ),
    Column(
        "audit_date",
        "date",
        required=True,
        header_synonyms=("date of audit", "date audited", "completed date"),
    ),
    Column("service", "text", required=True),
    Column("team", "text", required=True),
    Column(
        "overall_grade",
        "grade",
        required=True,
        header_synonyms=("overall", "overall judgement", "grade"),
    ),
    Column(
        "audit_type",
        "category",
        vocab=("standard", "themed", "dip_sample", "multi_agency", "re_audit"),
        value_synonyms={
            "monthly": "standard",
            "dip": "dip_sample",
            "dip sample": "dip_sample",
            "multi agency": "multi_agency",
            "reaudit": "re_audit",
            "re audit": "re_audit",
        },
    ),
    Column("theme", "code"),
    Column(
        "cohort",
        "category",
        vocab=("EH", "CIN", "CP", "CLA", "CL", "FH"),
        value_synonyms={
            "early help": "EH",
            "child in need": "CIN",
            "children in need": "CIN",
            "child protection": "CP",
            "looked after": "CLA",
            "children in care": "CLA",
            "child looked after": "CLA",
            "care leaver": "CL",
            "care leavers": "CL",
            "family help": "FH",
        },
    ),
    Column("practitioner_id", "id", header_synonyms=("worker id", "social worker id")),
    Column("auditor_id", "id"),
    Column("auditor_role", "code"),
    Column(
        "moderated_grade",
        "grade",
        needed_for=("moderation: agreement between auditors and moderators",),
        header_synonyms=("moderation grade", "moderated"),
    ),
    Column("immediate_response", "yesno", needed_for=("audits needing an immediate response",)),
    Column(
        "family_feedback",
        "category",
        vocab=("obtained", "declined", "not_possible"),
        value_synonyms={
            "yes": "obtained",
            "no": "declined",
            "not possible": "not_possible",
            "n/a": "not_possible",
        },
    ),
)

AUDIT_ACTION_COLUMNS = (
    Column("action_id", "id", required=True, unique=True),
    Column("audit_id", "id", required=True),
    Column("raised_date", "date", required=True, header_synonyms=("date raised",)),
    Column("due_date", "date", not_after_extract=False, header_synonyms=("date due",)),
    Column(
        "completed_date",
        "date",
        needed_for=("audit actions completed, and overdue",),
        header_synonyms=("date completed", "closed date"),
    ),
    Column("owner_team", "text", header_synonyms=("team",)),
    Column("action", "text", header_synonyms=("action text", "action required", "description")),
)

KPI_COLUMNS = (
    Column("kpi_id", "code", required=True, header_synonyms=("indicator", "measure")),
    Column("month", "month", required=True, header_synonyms=("period",)),
    Column("value", "number", required=True),
    Column("numerator", "number", bounds=(0, None)),
    Column("denominator", "number", bounds=(0, None)),
)

BENCHMARK_COLUMNS = (
    Column("kpi_id", "code", required=True),
    Column("year", "year", required=True, header_synonyms=("time period", "time_period")),
    Column(
        "comparator",
        "category",
        required=True,
        vocab=("england", "region", "statistical_neighbours"),
        value_synonyms={
            "national": "england",
            "regional": "region",
            "sn": "statistical_neighbours",
            "statistical neighbours": "statistical_neighbours",
            "stat neighbours": "statistical_neighbours",
        },
    ),
    Column("value", "number", required=True),
)

COMPLAINT_COLUMNS = (
    Column("record_id", "id", required=True, unique=True, header_synonyms=("reference", "ref")),
    Column("received_date", "date", required=True, header_synonyms=("date received",)),
    Column(
        "record_type",
        "category",
        required=True,
        vocab=("complaint", "compliment", "comment"),
        header_synonyms=("type",),
    ),
    Column(
        "stage",
        "category",
        needed_for=(
            "complaints by stage",
            "complaint response times against each stage's timescale",
        ),
        vocab=("1", "2", "3", "ombudsman"),
        value_synonyms={
            "stage 1": "1",
            "stage 2": "2",
            "stage 3": "3",
            "lgsco": "ombudsman",
            "local government ombudsman": "ombudsman",
            "lgo": "ombudsman",
        },
    ),
    Column("service", "text"),
    Column("team", "text"),
    Column("category", "code", needed_for=("complaints by category and theme",)),
    Column(
        "complainant",
        "category",
        vocab=("child", "young_person", "parent", "carer", "other"),
        value_synonyms={
            "young person": "young_person",
            "foster carer": "carer",
            "mother": "parent",
            "father": "parent",
            "relative": "other",
        },
    ),
    Column("advocate", "yesno", needed_for=("the share of complaints made with an advocate",)),
    Column(
        "responded_date",
        "date",
        needed_for=("complaint response times",),
        header_synonyms=("response date", "date responded"),
    ),
    Column("extended", "yesno"),
    Column(
        "outcome",
        "category",
        needed_for=("the share of complaints upheld",),
        vocab=("upheld", "partly_upheld", "not_upheld", "withdrawn"),
        value_synonyms={
            "partly upheld": "partly_upheld",
            "partially upheld": "partly_upheld",
            "not upheld": "not_upheld",
        },
    ),
    Column(
        "learning", "text", needed_for=("the share of upheld complaints with learning recorded",)
    ),
)

FEEDBACK_COLUMNS = (
    Column("response_id", "id", required=True, unique=True),
    Column("date", "date", required=True),
    Column("channel", "code", required=True),
    Column(
        "respondent",
        "category",
        required=True,
        vocab=("child", "young_person", "parent", "carer", "practitioner", "partner"),
        value_synonyms={
            "young person": "young_person",
            "social worker": "practitioner",
            "staff": "practitioner",
            "professional": "partner",
            "foster carer": "carer",
        },
    ),
    Column("question", "code", required=True),
    Column("score", "number", needed_for=("the share of positive feedback",)),
    Column("comment", "text"),
    Column("consent_to_quote", "yesno"),
    Column("service", "text"),
)

ESCALATION_COLUMNS = (
    Column("alert_id", "id", required=True, unique=True),
    Column("raised_date", "date", required=True),
    Column("category", "code", required=True),
    Column("service", "text"),
    Column("team", "text"),
    Column("stage", "code", needed_for=("escalations by stage",)),
    Column(
        "resolved_date",
        "date",
        needed_for=("escalations resolved, and open past their timescale",),
    ),
    Column("outcome", "code"),
)


def audit_columns(domain_ids: list[str]) -> tuple[Column, ...]:
    """The audits source's columns: the fixed ones plus one optional grade column per domain."""
    return AUDIT_COLUMNS + tuple(
        Column(d, "grade", needed_for=(f"grades in the {d.replace('_', ' ')} domain",))
        for d in domain_ids
    )


SIMPLE_SOURCES = {
    "audit_actions": AUDIT_ACTION_COLUMNS,
    "kpis": KPI_COLUMNS,
    "benchmarks": BENCHMARK_COLUMNS,
    "complaints": COMPLAINT_COLUMNS,
    "feedback": FEEDBACK_COLUMNS,
    "escalations": ESCALATION_COLUMNS,
}


# The date that places a record of each source in time: freshness is measured on it (Annex A
# lists: ``annex_a.KEY_DATES``, the date required on every row of each list).
KEY_DATES = {
    "audits": "audit_date",
    "audit_actions": "raised_date",
    "kpis": "month",
    "complaints": "received_date",
    "feedback": "date",
    "escalations": "raised_date",
}

# List 9 (care leavers) has no date required on every row; its freshness is measured on the
# latest contact with the young person.
ANNEX_A_FRESHNESS_DATES = {"list_9": "latest_contact_date"}
