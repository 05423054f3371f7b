"""The reports' own prose and reading tables: key findings read together and written up.

The quarterly QA report, the annual self-assessment and the monthly clinic pack are written here
from a pack's computed :class:`~qaanalysis.sections.Findings` (its Figures, Signals and theme
assessments), never from the evidence: ``sections/report.py`` calls these once per pack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..figures import Figure
from ..measures.performance import MISSING_TARGET, kpi_definitions
from ..triangulate import (
    SOURCE_LABELS,
    assessment_table,
    candidate_audit_themes,
    signal_matrix,
)
from . import headline, next_steps, theme_paragraph

if TYPE_CHECKING:  # the sections layer computes Findings and calls this module
    from ..sections import Findings
    from ..sources import Evidence


def summary(findings: Findings, evidence: Evidence) -> str:
    """The summary paragraphs: audits, moderation, actions, complaints, feedback, escalations."""
    paragraphs = headline(
        findings.by_id, config=evidence.config, period_label=findings.period.label
    )
    return "\n\n".join(paragraphs)


def cited_figures(findings: Findings, *, prefixes: tuple[str, ...]) -> list[Figure]:
    """The Figures with the given id prefixes, to show beside the narrative that cites them."""
    return [f for f in findings.figures if f.id.startswith(prefixes)]


def themes_table(findings: Findings) -> pd.DataFrame:
    """One row per theme: its triangulated status, sources for and against, any disagreement."""
    return assessment_table(list(findings.assessments))


def themes_matrix(findings: Findings) -> pd.DataFrame:
    """Themes by sources: each cell positive, negative, neutral or absent."""
    matrix = signal_matrix(list(findings.assessments))
    matrix.columns = [SOURCE_LABELS[c] for c in matrix.columns]
    return matrix


def theme_paragraphs(findings: Findings, evidence: Evidence, *, area: str | None = None) -> str:
    """A paragraph per theme (optionally only one judgement area's), citing the Figures behind it."""
    chosen = [a for a in findings.assessments if area is None or a.judgement_area == area]
    return "\n\n".join(
        theme_paragraph(a, config=evidence.config, period_label=findings.period.label)
        for a in chosen
    )


def recommended_audit_themes(findings: Findings, evidence: Evidence) -> str:
    """Next quarter's themed audits: where evidence is of concern, mixed or single-source."""
    return next_steps(candidate_audit_themes(list(findings.assessments)), config=evidence.config)


def evidence_by_source(findings: Findings, *, area: str | None, evidence: Evidence) -> pd.DataFrame:
    """How we know: every signal behind a judgement area's themes, source by source."""
    themes = {a.theme: a for a in findings.assessments if area is None or a.judgement_area == area}
    rows = [
        {
            "theme": themes[s.theme].label,
            "source": SOURCE_LABELS[s.source],
            "reading": s.signal,
            "evidence": s.reason,
            "figures": ", ".join(s.figure_ids),
        }  # fmt: skip
        for s in findings.signals
        if s.theme in themes and s.signal != "absent"
    ]
    columns = ["theme", "source", "reading", "evidence", "figures"]
    return pd.DataFrame(rows, columns=columns).sort_values(["theme", "source"], kind="stable")


def next_steps_for_area(findings: Findings, evidence: Evidence, *, area: str) -> str:
    """What we will do next in a judgement area: its themes of concern, mixed or single-source."""
    chosen = [
        a for a in candidate_audit_themes(list(findings.assessments)) if a.judgement_area == area
    ]
    if not chosen:
        return (
            "The evidence for this area is corroborated or neutral across sources: keep the current "
            "audit and performance programme, and test it again next quarter."
        )
    lines = []
    for a in chosen:
        if a.status == "corroborated_concern":
            action = "agree an improvement plan with service leads and re-audit within the quarter"
        elif a.status == "mixed":
            action = f"run a themed audit to resolve the disagreement ({a.disagreement})"
        else:
            action = (
                "seek a second source (themed audit, feedback or data) before drawing conclusions"
            )
        lines.append(f"- **{a.label}** ({a.status_label}): {action}.")
    return "\n".join(lines)


def year_on_year(findings: Findings) -> pd.DataFrame:
    """The headline Figures for this year beside the year before, with the judged change."""
    keep = ("audits.count", "audits.overall.good_or_better", "audits.overall.inadequate",
            "moderation.agreement", "actions.closed_on_time", "complaints.count",
            "complaints.stage1.within_timescale", "feedback.positive", "escalations.count")  # fmt: skip
    rows = []
    for f in findings.figures:
        if not (f.id in keep or f.id.startswith("kpi.")):
            continue
        comp = f.comparison or {}
        if comp.get("kind") != "previous_period":
            continue
        previous_counts = (comp.get("numerator"), comp.get("denominator"))
        rows.append({
            "measure": f.label, "this_year": _shown(f.value, f.unit, f.numerator, f.denominator),
            "last_year": _shown(comp.get("value"), f.unit, *previous_counts),
            "change": {"improving": "improved", "declining": "declined", "stable": "broadly stable",
                       "not_judged": "not judged"}.get(f.direction, f.direction),
            "figure": f.id,
        })  # fmt: skip
    columns = ["measure", "this_year", "last_year", "change", "figure"]
    return pd.DataFrame(rows, columns=columns)


def scorecard_exceptions(card: pd.DataFrame, *, evidence: Evidence) -> pd.DataFrame:
    """KPIs needing attention: missing target, special-cause concern, or worse than England.

    Wider than the performance signal (which needs worse than both England and statistical
    neighbours): the clinic looks at anything a board might ask about.
    """
    if card.empty:
        return card
    flagged = (
        (card["target_status"] == MISSING_TARGET)
        | card["variation"].fillna("").astype(str).str.contains("concern", case=False)
        | card["benchmark_position"].fillna("").astype(str).str.contains("worse than England")
    )
    chosen = card.loc[flagged]
    units = chosen["kpi_id"].map(lambda k: evidence.config.kpis[k].unit)
    return pd.DataFrame({
        "kpi": chosen["label"],
        "value": [_shown(v, u, k, n) for v, u, k, n in
                  zip(chosen["value"], units, chosen["numerator"], chosen["denominator"], strict=True)],
        "target": [_shown(t, u) for t, u in zip(chosen["target"], units, strict=True)],
        "target_status": chosen["target_status"].fillna(""),
        "variation": chosen["variation"].fillna(""),
        "benchmark_position": chosen["benchmark_position"].fillna(""),
    })  # fmt: skip


def _shown(value, unit: str, k=None, n=None) -> str:
    """A value as a reader sees it: a share with its count, or a number."""
    if value is None or pd.isna(value):
        return ""
    if unit == "percent":
        counts = (
            f" ({k:,.0f} of {n:,.0f})" if k is not None and n is not None and pd.notna(n) else ""
        )
        return f"{100 * value:.0f}%{counts}"
    return f"{value:,.1f}"


def _pipe_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c).replace("_", " ").capitalize() for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = [
        "| " + " | ".join(str(v).replace("|", "/").replace("\n", " ") for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body])


def judgement_areas(findings: Findings, evidence: Evidence) -> str:
    """The self-assessment's body: per judgement area, what we know about the quality and impact
    of practice, how we know it (the evidence, source by source) and what we will do next."""
    sections = []
    for area in evidence.config.judgement_areas:
        known = theme_paragraphs(findings, evidence, area=area.id)
        table = evidence_by_source(findings, area=area.id, evidence=evidence)
        if len(table):
            table = table.assign(figures=table["figures"].map(
                lambda ids: ", ".join(f"[{i}](#figure-{i})" for i in ids.split(", ") if i)))  # fmt: skip
            how = _pipe_table(table)
        else:
            how = "*No source gave a reading for this area's themes in the period.*"
        sections.append(
            f"## {area.label}\n\n### What we know about the quality and impact of practice\n\n"
            f"{known or '*No themes are mapped to this area.*'}\n\n### How we know it\n\n{how}\n\n"
            f"### What we will do next\n\n{next_steps_for_area(findings, evidence, area=area.id)}"
        )
    return "\n\n".join(sections)


def methods(evidence: Evidence) -> pd.DataFrame:
    """The methods appendix: each KPI's declared definition, in the words the calculations use."""
    table = kpi_definitions(evidence.config)
    columns = ["label", "source", "period_rule", "numerator", "denominator", "days",
               "statutory_source", "notes"]  # fmt: skip
    return table[columns].rename(columns={"label": "kpi", "days": "working_or_calendar_days"})
