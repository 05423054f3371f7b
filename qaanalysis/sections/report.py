"""The report's own section: the quarterly report, the annual self-assessment or the monthly clinic.

Written last, from the pack's computed findings (every area's Figures and Signals and the themes
read together); nothing here recomputes an area's measures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..findings import Chart, FigureSet, Item, Section, Table, Text
from ..measures.context import context
from ..narrative import report as words
from ..sources import Evidence

if TYPE_CHECKING:
    from . import Findings

# The Figures of the front page: volumes, grades, moderation, actions and the voice headlines.
HEADLINE_PREFIXES = ("audits.count", "audits.overall.", "moderation.", "actions.",
                     "complaints.count", "complaints.stage1", "complaints.upheld",
                     "compliments.count", "feedback.count", "feedback.positive",
                     "escalations.count")  # fmt: skip


def build(findings: Findings, evidence: Evidence) -> Section:
    """The section of ``findings.report`` (``quarterly``, ``annual`` or ``monthly``)."""
    return {"quarterly": _quarterly, "annual": _annual, "monthly": _monthly}[findings.report](
        findings, evidence
    )


def _cited(findings: Findings, key: str, title: str, prefixes: tuple[str, ...]) -> FigureSet:
    return FigureSet(key, title, tuple(words.cited_figures(findings, prefixes=prefixes)))


def _theme_matrix(findings: Findings, alt: str) -> Chart:
    return Chart("theme_matrix", "theme_matrix",
                 {"signals": words.themes_matrix(findings), "title": "Themes by source"}, alt=alt)  # fmt: skip


def _scorecard(findings: Findings) -> pd.DataFrame:
    """The performance section's scorecard, every unit (percentages and other measures)."""
    performance = findings["performance"]
    parts = [performance[key].frame for key in ("scorecard", "scorecard_numbers")
             if key in performance.items]  # fmt: skip
    card = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if card.empty:
        return card
    order = {kpi: i for i, kpi in enumerate(_kpi_order(findings))}
    return card.sort_values("kpi_id", key=lambda s: s.map(order), kind="stable")


def _kpi_order(findings: Findings) -> list[str]:
    return [f.id.removeprefix("kpi.") for f in findings["performance"].figures
            if f.id.startswith("kpi.")]  # fmt: skip


def _exceptions(findings: Findings, evidence: Evidence) -> Table:
    return Table("exceptions", "Scorecard exceptions",
                 words.scorecard_exceptions(_scorecard(findings), evidence=evidence))  # fmt: skip


def _summary(findings: Findings, evidence: Evidence) -> Text:
    return Text("summary", words.summary(findings, evidence))


def _recommended(findings: Findings, evidence: Evidence) -> Text:
    return Text("recommended", words.recommended_audit_themes(findings, evidence))


def _quarterly(findings: Findings, evidence: Evidence) -> Section:
    items: dict[str, Item] = {
        "summary": _summary(findings, evidence),
        "headline_figures": _cited(findings, "headline_figures", "Headline figures",
                                   HEADLINE_PREFIXES),
        "theme_matrix_chart": _theme_matrix(
            findings, "A grid of practice themes against evidence sources, each cell positive, "
                      "negative, neutral or blank where the source gave no reading."),
        "themes": Table("themes", "Triangulated status of each theme", words.themes_table(findings)),
        "theme_paragraphs": Text("theme_paragraphs", words.theme_paragraphs(findings, evidence)),
        "theme_statuses": _cited(findings, "theme_statuses", "Theme statuses", ("triangulation.",)),
        "exceptions": _exceptions(findings, evidence),
        "recommended": _recommended(findings, evidence),
        "kpi_definitions": Table("kpi_definitions", "KPI definitions", words.methods(evidence)),
    }  # fmt: skip
    return Section("quarterly", items)


def _annual(findings: Findings, evidence: Evidence) -> Section:
    items: dict[str, Item] = {
        "context": Table("context", "Demand and caseload", context(evidence, findings.period),
                         count_columns=("count",)),
        "summary": _summary(findings, evidence),
        "headline_figures": _cited(findings, "headline_figures", "Headline figures for the year",
                                   HEADLINE_PREFIXES),
        "year_on_year": Table("year_on_year", "This year against last year",
                              words.year_on_year(findings)),
        "theme_matrix_chart": _theme_matrix(
            findings, "A grid of practice themes against evidence sources, each cell positive, "
                      "negative, neutral or blank."),
        "theme_statuses": _cited(findings, "theme_statuses", "Theme statuses", ("triangulation.",)),
        "judgement_areas": Text("judgement_areas", words.judgement_areas(findings, evidence)),
        "figures_by_theme": _cited(findings, "figures_by_theme", "Figures cited by theme",
                                   ("audits.domain.", "kpi.")),
    }  # fmt: skip
    return Section("annual", items)


def _monthly(findings: Findings, evidence: Evidence) -> Section:
    items: dict[str, Item] = {
        "summary": _summary(findings, evidence),
        "headline_figures": _cited(findings, "headline_figures", "This month", HEADLINE_PREFIXES),
        "exceptions": _exceptions(findings, evidence),
        "recommended": _recommended(findings, evidence),
        "figures_cited": _cited(findings, "figures_cited", "Figures cited",
                                ("triangulation.", "audits.domain.", "kpi.")),
    }  # fmt: skip
    return Section("monthly", items)
