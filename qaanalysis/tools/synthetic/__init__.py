"""The synthetic sample authority, Northmoor: every source in the authority's own export formats.

``generate(out_dir)`` writes a fictional mid-sized authority's exports (audits, audit actions, the
Annex A lists, a monthly scorecard, the complaints log, participation feedback, IRO / CP chair
escalations), the ``la.yaml`` that maps them to the canonical columns, and a ``README.md`` that
documents the planted patterns and the deliberately bad rows. Nothing in it is real: identifiers
are pseudonymous (``C000123``, ``P0042``, ``A007``), no names, no real people.

The same seed gives byte-identical files: output is sorted, formatted with fixed rules and carries
no timestamps (the XLSX's zip entries and document properties are pinned to the extract date).

Planted patterns (exact parameters in the generated README):

a. ``Safeguarding Team 2``'s good-or-better share falls from about 70% to about 30% in 2026-27,
   and one of its practitioners has three consecutive Inadequate audits.
b. Assessments authorised within 45 working days rise from about 72% to about 90% for assessments
   authorised from 1 October 2025.
c. ``worker_contact`` complaints rise from 2025-26 Q4, roughly doubling by 2026-27 Q2.
d. The audit domain ``assessment`` is poor (about 40% good or better in 2026-27) while assessment
   timeliness is good: compliance without quality.
e. Permanence and stability is a corroborated strength (domain, placement stability, feel settled).
f. Management oversight is a corroborated concern (domain, supervision KPI, management-response
   escalations rising).
g. Moderation downgrades outnumber upgrades (lenient first grading, mostly team managers).

The generator is split along its seams: ``base`` (scale, calendar, labels), ``people``
(organisation and children), ``annex_a`` (Lists 1 to 11), ``audits`` (audits, actions, scorecard),
``voice`` (complaints, feedback, escalations), ``writers`` (CSV and XLSX) and ``documents``
(``la.yaml`` and the README). Each source draws from its own seeded random stream, in the order
:func:`generate` calls them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .annex_a import _annex_a
from .audits import _actions, _audit_rows, _audits, _scorecard
from .base import ASSESSMENT_SHIFT_DATE, EXTRACT_DATE, PLANTED_TEAM, SCALES, _Days, _spec
from .documents import _LIST_FILES, _la_yaml, _readme
from .people import _Children, _organisation
from .voice import _complaints, _escalations, _feedback
from .writers import _write_csv, _write_xlsx

__all__ = ["ASSESSMENT_SHIFT_DATE", "PLANTED_TEAM", "SCALES", "generate"]


def generate(
    out_dir: Path, *, scale: str = "small", seed: int = 2026, patterns: bool = True
) -> Path:
    """Write the synthetic authority Northmoor and its ``la.yaml`` into ``out_dir``.

    Args:
        out_dir: the folder to write (created if missing; existing files of the same names are
            replaced, others are left alone).
        scale: ``"small"`` (the committed sample: 1 April 2023 to 30 September 2026, about 30
            audits a month) or ``"large"`` (benchmarks: about ten times the volume, five times the
            teams, from 1 April 2021).
        seed: the random seed; the same seed gives byte-identical files.
        patterns: plant the patterns a to g (the default). ``False`` writes an authority with no
            change, for measuring false discoveries: every rate (grades, domains, timeliness,
            complaint and escalation categories, feedback shares, scorecard series) is constant
            over time and across teams, with sampling noise only; no team decline, practitioner
            run, dip sample, lenient auditor, season or drift; levels at the configured
            aspirations, targets or England's value. The bad rows and export quirks stay.

    Returns:
        The path of the written ``la.yaml``.

    Examples:
        >>> from pathlib import Path; import tempfile
        >>> generate(Path(tempfile.mkdtemp()), seed=1).name
        'la.yaml'
    """
    spec = _spec(scale)
    out = Path(out_dir)
    (out / "annex_a").mkdir(parents=True, exist_ok=True)
    days = _Days(spec)
    org = _organisation(spec)
    kids = _Children(np.random.default_rng([seed, 1]))
    lists, pools, annex_facts = _annex_a(
        spec, org, kids, days, np.random.default_rng([seed, 2]), patterns=patterns
    )
    audits = _audits(
        spec, org, pools.by_team(), days, np.random.default_rng([seed, 3]), patterns=patterns
    )
    audit_out, audits, bad = _audit_rows(audits, org, np.random.default_rng([seed, 4]))
    actions, action_facts = _actions(audits, spec, np.random.default_rng([seed, 5]))
    kpis, kpi_facts = _scorecard(spec, org, np.random.default_rng([seed, 6]), patterns=patterns)
    complaints, complaint_facts = _complaints(
        spec, org, days, np.random.default_rng([seed, 7]), patterns=patterns
    )
    quote_child = f"C{annex_facts['quote_child']:06d}"
    feedback_table, feedback_facts = _feedback(
        spec, days, np.random.default_rng([seed, 8]), quote_child, patterns=patterns
    )
    escalations, esc_facts = _escalations(
        spec, org, days, np.random.default_rng([seed, 9]), patterns=patterns
    )

    # Row numbers as the user sees them (header = row 1) for the README's bad-row table.
    refs = audit_out["Audit Ref"].tolist()
    for b in bad["bad"]:
        positions = [i for i, r in enumerate(refs) if r == b["audit_ref"]]
        b["row"] = positions[-1] + 2
    bad["warning"]["row"] = refs.index(bad["warning"]["audit_ref"]) + 2
    action_facts["warning"]["row"] = (
        actions["Action Ref"].tolist().index(action_facts["warning"]["action_ref"]) + 2
    )

    _write_csv(audit_out, out / "audits.csv")
    _write_csv(actions, out / "audit_actions.csv")
    for key, name in _LIST_FILES.items():
        _write_csv(lists[f"list_{key}"], out / "annex_a" / name)
    _write_csv(kpis, out / "kpis.csv")
    _write_csv(complaints, out / "complaints.csv", encoding="cp1252")
    _write_xlsx(out / "feedback.xlsx", feedback_table, "Responses", EXTRACT_DATE)
    _write_csv(escalations, out / "escalations.csv")

    files = [
        (
            "la.yaml",
            "the configuration: file names, column and value mappings, KPIs, audit programme",
            "",
        ),
        (
            "audits.csv",
            "case-file audits (UTF-8): overall grade, 8 domain grades, moderation",
            len(audit_out),
        ),
        ("audit_actions.csv", "actions raised by audits: due and completed dates", len(actions)),
    ]
    list_titles = {
        1: "contacts",
        2: "early help assessments",
        3: "referrals",
        4: "assessments",
        5: "section 47 enquiries and ICPCs",
        6: "children in need episodes",
        7: "child protection plans",
        8: "periods of care",
        9: "care leavers",
        10: "children with an adoption decision",
        11: "adopters",
    }
    for key, name in _LIST_FILES.items():
        files.append(
            (
                f"annex_a/{name}",
                f"Annex A List {key}: {list_titles[key]}",
                len(lists[f"list_{key}"]),
            )
        )
    files += [
        ("kpis.csv", "monthly scorecard: supervision, caseload, agency, turnover", len(kpis)),
        ("complaints.csv", "complaints, compliments and comments (Windows-1252)", len(complaints)),
        (
            "feedback.xlsx",
            "participation feedback, one answer a row (Mind of My Own, surveys, ...)",
            feedback_facts["count"],
        ),
        ("escalations.csv", "IRO and CP chair practice alerts and DRP", len(escalations)),
    ]
    valid = audits
    readme = _readme(
        spec,
        seed,
        org,
        valid,
        bad,
        action_facts,
        annex_facts,
        kpi_facts,
        complaint_facts,
        feedback_facts,
        esc_facts,
        files,
        patterns=patterns,
    )
    (out / "README.md").write_text(readme, encoding="utf-8")
    la = out / "la.yaml"
    la.write_text(_la_yaml(spec, org), encoding="utf-8")
    return la
