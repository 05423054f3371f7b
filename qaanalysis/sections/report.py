"""The report's own section: the quarterly report, the annual self-assessment or the monthly clinic.

Written last, from the pack's computed findings (every area's Figures and Signals and the themes
read together); nothing here recomputes an area's measures. Each report leads with its key
messages (the monthly clinic with the month's key finding); the counts follow; statistics are
named only in the methods appendix.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import narrative
from ..findings import Chart, FigureSet, Item, Section, Table, Text
from ..measures.context import context
from ..narrative import report as words
from ..sources import Evidence

if TYPE_CHECKING:
    from . import Findings

# The Figures of the front page: volumes, grades, moderation, actions and the voice headlines.
HEADLINE_PREFIXES = (
    "audits.count",
    "audits.overall.",
    "moderation.",
    "actions.",
    "complaints.count",
    "complaints.stage1",
    "complaints.upheld",
    "compliments.count",
    "feedback.count",
    "feedback.positive",
    "escalations.count",
)


def build(findings: Findings, evidence: Evidence, *, history: str | Path | None = None) -> Section:
    """The section of ``findings.report`` (``quarterly``, ``annual`` or ``monthly``).

    Args:
        findings: the pack's areas and themes, disclosed for its audience.
        evidence: the validated evidence.
        history: the authority's history file (read only), or None.
    """
    return {"quarterly": _quarterly, "annual": _annual, "monthly": _monthly}[findings.report](
        findings, evidence
    )


def _cited(findings: Findings, key: str, title: str, prefixes: tuple[str, ...]) -> FigureSet:
    """The Figures with the given id prefixes, without those naming a statistic (the methods
    appendix shows those)."""
    chosen = words.cited_figures(findings, prefixes=prefixes)
    statistics = set(map(id, words.statistics_figures(chosen)))
    return FigureSet(key, title, tuple(f for f in chosen if id(f) not in statistics))


def _front(
    findings: Findings, evidence: Evidence, *, most: int = words.KEY_MESSAGES_MOST
) -> dict[str, Item]:
    """The key messages (shown) and their records (for tables.xlsx and the history of runs)."""
    config = evidence.config
    messages = words.key_messages(findings, config=config, most=most)
    text = words.key_messages_text(messages, config=config, period_label=findings.period.label)
    return {
        "key_messages": Text("key_messages", text),
        "key_messages_table": Table(
            "key_messages", "Key messages", _records(messages, words.KeyMessage)
        ),
    }


def _recommendations(findings: Findings, evidence: Evidence) -> dict[str, Item]:
    config = evidence.config
    recs = words.recommendations(findings, config=config)
    return {
        "recommendations": Text("recommendations", words.recommendations_text(recs, config=config)),
        "recommendations_table": Table(
            "recommendations", "Recommendations", _records(recs, words.Recommendation)
        ),
    }


def _records(records: list, kind: type) -> pd.DataFrame:
    """Key messages or recommendations as a frame, one row each (figure ids joined by commas)."""
    columns = list(kind.__dataclass_fields__)
    rows = [{**asdict(r), "figure_ids": ", ".join(r.figure_ids)} for r in records]
    return pd.DataFrame(rows, columns=columns)


def _methods_statistics(findings: Findings, evidence: Evidence) -> dict[str, Item]:
    """The statistics the methods appendix names: the Figures (on enough moderated audits) and a
    sentence on agreement and on how the pack's changes were judged together."""
    figures = findings.by_id
    count = figures.get("moderation.count")
    enough = count is not None and (count.value or 0) >= evidence.config.thresholds.small_sample
    chosen = [
        f
        for f in words.statistics_figures(findings.figures)
        if enough or not f.id.startswith("moderation.")
    ]
    lines = [narrative.moderation_statistics(figures, config=evidence.config)]
    if findings.discovery is not None and findings.discovery.tests:
        lines.append(findings.discovery.sentence)
    return {
        "statistics": FigureSet("statistics", "Statistics behind the findings", tuple(chosen)),
        "statistics_note": Text("statistics_note", "\n\n".join(line for line in lines if line)),
    }


def _theme_matrix(findings: Findings, alt: str) -> Chart:
    return Chart(
        "theme_matrix",
        "theme_matrix",
        {"signals": words.themes_matrix(findings), "title": "Themes by source"},
        alt=alt,
    )


def _scorecard(findings: Findings) -> pd.DataFrame:
    """The performance section's scorecard, every unit (percentages and other measures)."""
    performance = findings["performance"]
    parts = [
        performance[key].frame
        for key in ("scorecard", "scorecard_numbers")
        if key in performance.items
    ]
    card = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if card.empty:
        return card
    order = {kpi: i for i, kpi in enumerate(_kpi_order(findings))}
    return card.sort_values("kpi_id", key=lambda s: s.map(order), kind="stable")


def _kpi_order(findings: Findings) -> list[str]:
    return [
        f.id.removeprefix("kpi.")
        for f in findings["performance"].figures
        if f.id.startswith("kpi.")
    ]


def _exceptions(findings: Findings, evidence: Evidence) -> Table:
    return Table(
        "exceptions",
        "Scorecard exceptions",
        words.scorecard_exceptions(_scorecard(findings), evidence=evidence),
    )


# The exports a pack can rest on, as a reader names them.
SOURCE_WORDS = {
    "audits": "case-file audits",
    "audit_actions": "audit actions",
    "annex_a": "the Ofsted Annex A lists",
    "kpis": "the monthly performance scorecard",
    "complaints": "complaints and compliments",
    "feedback": "feedback from children, families and staff",
    "escalations": "IRO and child protection chair escalations",
}


def sources_text(evidence: Evidence) -> Text:
    """Which exports the report rests on, and which it could not read (absent or empty)."""
    used, missing = [], []
    for name, words_ in SOURCE_WORDS.items():
        report = evidence.report.sources.get(name)
        (used if report is not None and report.rows_accepted else missing).append(words_)
    text = (
        "This report rests on the authority's own exports of "
        + (", ".join(used) if used else "nothing: no export gave an accepted row")
        + "."
    )
    if missing:
        text += (
            f" Not supplied or empty, so not read here: {', '.join(missing)}; what they would "
            "show is absent from this report, not zero."
        )
    return Text("sources", text)


def _summary(findings: Findings, evidence: Evidence) -> Text:
    return Text("summary", words.summary(findings, evidence))


def _recommended(findings: Findings, evidence: Evidence) -> Text:
    return Text("recommended", words.recommended_audit_themes(findings, evidence))


def _changes(findings: Findings, evidence: Evidence) -> Text:
    return Text("changes", words.changes_paragraph(findings, config=evidence.config))


def _quarterly(findings: Findings, evidence: Evidence) -> Section:
    items: dict[str, Item] = {
        **_front(findings, evidence),
        "sources": sources_text(evidence),
        "summary": _summary(findings, evidence),
        "changes": _changes(findings, evidence),
        "headline_figures": _cited(
            findings, "headline_figures", "Headline figures", HEADLINE_PREFIXES
        ),
        "theme_matrix_chart": _theme_matrix(
            findings,
            "A grid of practice themes against evidence sources, each cell positive, "
            "negative, neutral or blank where the source gave no reading.",
        ),
        "themes": Table(
            "themes", "Triangulated status of each theme", words.themes_table(findings)
        ),
        "theme_paragraphs": Text("theme_paragraphs", words.theme_paragraphs(findings, evidence)),
        "theme_statuses": _cited(findings, "theme_statuses", "Theme statuses", ("triangulation.",)),
        "exceptions": _exceptions(findings, evidence),
        **_recommendations(findings, evidence),
        "recommended": _recommended(findings, evidence),
        "kpi_definitions": Table("kpi_definitions", "KPI definitions", words.methods(evidence)),
        **_methods_statistics(findings, evidence),
    }
    return Section("quarterly", items)


def _annual(findings: Findings, evidence: Evidence) -> Section:
    items: dict[str, Item] = {
        **_front(findings, evidence),
        "sources": sources_text(evidence),
        "context": Table(
            "context",
            "Demand and caseload",
            context(evidence, findings.period),
            count_columns=("count",),
        ),
        "summary": _summary(findings, evidence),
        "changes": _changes(findings, evidence),
        "headline_figures": _cited(
            findings, "headline_figures", "Headline figures for the year", HEADLINE_PREFIXES
        ),
        "year_on_year": Table(
            "year_on_year", "This year against last year", words.year_on_year(findings)
        ),
        "theme_matrix_chart": _theme_matrix(
            findings,
            "A grid of practice themes against evidence sources, each cell positive, "
            "negative, neutral or blank.",
        ),
        "theme_statuses": _cited(findings, "theme_statuses", "Theme statuses", ("triangulation.",)),
        "judgement_areas": Text("judgement_areas", words.judgement_areas(findings, evidence)),
        "figures_by_theme": _cited(
            findings, "figures_by_theme", "Figures cited by theme", ("audits.domain.", "kpi.")
        ),
        **_recommendations(findings, evidence),
        **_methods_statistics(findings, evidence),
    }
    return Section("annual", items)


def _monthly(findings: Findings, evidence: Evidence) -> Section:
    front = _front(findings, evidence)
    items: dict[str, Item] = {
        **front,
        "sources": sources_text(evidence),
        "summary": _summary(findings, evidence),
        "changes": _changes(findings, evidence),
        "headline_figures": _cited(findings, "headline_figures", "This month", HEADLINE_PREFIXES),
        "exceptions": _exceptions(findings, evidence),
        "watch": Text("watch", words.themes_to_watch(findings, config=evidence.config)),
        **_recommendations(findings, evidence),
        "figures_cited": _cited(
            findings, "figures_cited", "Figures cited", ("triangulation.", "audits.domain.", "kpi.")
        ),
        **_methods_statistics(findings, evidence),
    }
    return Section("monthly", items)
