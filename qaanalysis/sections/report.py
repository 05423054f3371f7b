"""The report's own section: the quarterly report, the annual self-assessment or the monthly clinic.

Written last, from the pack's computed findings (every area's Figures and Signals and the themes
read together); nothing here recomputes an area's measures. Each report leads with its key
messages (the monthly clinic with the month's key finding); the counts follow; statistics are
named only in the methods appendix.

The learning loop: each report follows up the previous period's key messages and recommendations
from the authority's history of runs (read only), the annual takes its year-end positions from
the history's fourth-quarter run, the learning measures (``measures/learning``) are written up,
and the QA lead's own words (``sources/narrative_inputs``) fill their slots or are marked to add.
"""

from __future__ import annotations

import re
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import history as runs
from .. import narrative
from ..figures import Figure, format_value
from ..findings import Chart, FigureSet, Item, Section, Table, Text
from ..measures import data_quality, learning
from ..measures.context import context
from ..measures.performance import KPI_DEFINITIONS, stock_as_at
from ..narrative import learning as learned
from ..narrative import report as words
from ..narrative import templates
from ..periods import Period, parse_period
from ..sources import Evidence
from ..sources.narrative_inputs import NarrativeInputs, read_narrative_inputs

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
    inputs = read_narrative_inputs(evidence.config, findings.period)
    own = {"quarterly": _quarterly, "annual": _annual, "monthly": _monthly}[findings.report](
        findings, evidence, inputs
    )
    items = {**own.items, **_follow_up(findings, evidence, history)}
    if findings.report == "annual":
        items.update(_year_end(findings, evidence, history))
    return replace(own, items=items)


def _cited(
    findings: Findings,
    key: str,
    title: str,
    prefixes: tuple[str, ...],
    *,
    detail: bool = False,
) -> FigureSet:
    """The Figures with the given id prefixes, without those naming a statistic (the methods
    appendix shows those); ``detail``: a reference list for the appendix of detailed tables."""
    chosen = words.cited_figures(findings, prefixes=prefixes)
    statistics = set(map(id, words.statistics_figures(chosen)))
    figures = tuple(f for f in chosen if id(f) not in statistics)
    return FigureSet(key, title, figures, detail=detail)


def _messages(findings: Findings, evidence: Evidence, inputs: NarrativeInputs) -> list:
    """The key messages with the QA lead's edits."""
    messages = words.key_messages(findings, config=evidence.config)
    return learned.edited_messages(messages, inputs.key_messages)


def _front(findings: Findings, evidence: Evidence, messages: list) -> dict[str, Item]:
    """The key messages (shown, with the QA lead's edits), their record (for the history of
    runs) and the same as a sheet a QA lead can edit (``tables.xlsx``; the reports show it in an
    appendix of their own, not the body)."""
    config = evidence.config
    text = words.key_messages_text(messages, config=config, period_label=findings.period.label)
    return {
        "key_messages": Text("key_messages", text),
        "key_messages_table": Table(
            "key_messages", "Key messages", _records(messages, words.KeyMessage)
        ),
        "key_messages_sheet": Table(
            "key_messages",
            "Key messages, to edit",
            _sheet(messages, ["rank", "text", "kind", "evidence", "meaning", "action"]).rename(
                columns={"text": "finding"}
            ),
        ),
    }


def _recommendations(findings: Findings, evidence: Evidence, messages: list) -> dict[str, Item]:
    """The recommendations, each carrying the QA lead's edits to the key message proposing the
    same action (its wording, owner and date), pointed to rather than repeated."""
    config = evidence.config
    edited = {m.theme: m for m in messages if m.theme is not None}
    recs = [
        replace(
            r, text=edited[r.theme].action, owner=edited[r.theme].owner, due=edited[r.theme].due
        )
        if r.theme in edited
        else r
        for r in words.recommendations(findings, config=config)
    ]
    return {
        "recommendations": Text(
            "recommendations",
            words.recommendations_text(recs, config=config, messages=messages),
        ),
        "recommendations_table": Table(
            "recommendations", "Recommendations", _records(recs, words.Recommendation)
        ),
        "recommendations_sheet": Table(
            "recommendations",
            "Recommendations, to edit",
            _sheet(recs, ["rank", "text", "evidence"]).rename(columns={"text": "action"}),
        ),
    }


# A Figure's link in a draft's Markdown: "[38% (35 of 91)](#figure-audits.domain...)".
_LINK = re.compile(r"\[([^\]]*)\]\(#figure-[^)]*\)")


def _sheet(records: list, columns: list[str]) -> pd.DataFrame:
    """Key messages or recommendations as a reader edits them: the chosen fields in words (links
    as their words), then the owner and date slots."""
    rows = [
        {
            **{c: _LINK.sub(r"\1", str(getattr(r, c))) if c != "rank" else r.rank for c in columns},
            "owner": r.owner,
            "by": r.due,
        }
        for r in records
    ]
    return pd.DataFrame(rows, columns=[*columns, "owner", "by"])


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


def sources_text(evidence: Evidence, period: Period | None = None) -> Text:
    """Which exports the report rests on, and which it could not read (absent or empty); with
    ``period``, a warning first when an Annex A list is out of date for it (its records end before
    the period, so its stock KPIs are withheld)."""
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
    stale = data_quality.stale_lists(evidence, period) if period is not None else {}
    if stale:
        text = (
            "**Warning: the Annex A extract is out of date for this period.** "
            + " ".join(f"{why[0].upper()}{why[1:].rstrip('.')}." for why in stale.values())
            + " Take a fresh extract and run the pack again.\n\n"
            + text
        )
    return Text("sources", text)


def _summary(findings: Findings, evidence: Evidence) -> Text:
    return Text("summary", words.summary(findings, evidence))


def _recommended(findings: Findings, evidence: Evidence) -> Text:
    return Text("recommended", words.recommended_audit_themes(findings, evidence))


def _changes(findings: Findings, evidence: Evidence) -> Text:
    return Text("changes", words.changes_paragraph(findings, config=evidence.config))


def _quarterly(findings: Findings, evidence: Evidence, inputs: NarrativeInputs) -> Section:
    messages = _messages(findings, evidence, inputs)
    items: dict[str, Item] = {
        **_front(findings, evidence, messages),
        "sources": sources_text(evidence, findings.period),
        "summary": _summary(findings, evidence),
        "changes": _changes(findings, evidence),
        "headline_figures": _cited(
            findings, "headline_figures", "Headline figures", HEADLINE_PREFIXES, detail=True
        ),
        "theme_matrix_chart": _theme_matrix(
            findings,
            "A grid of practice themes against evidence sources, each cell positive, "
            "negative, neutral or blank where the source gave no reading.",
        ),
        "themes": Table(
            "themes", "Triangulated status of each theme", words.themes_table(findings)
        ),
        "theme_reading": Text(
            "theme_reading", words.themes_beyond_messages(findings, evidence, messages)
        ),
        "theme_paragraphs": Text(
            "theme_paragraphs", words.theme_paragraphs(findings, evidence, brief=True)
        ),
        "theme_statuses": _cited(
            findings, "theme_statuses", "Theme statuses", ("triangulation.",), detail=True
        ),
        "exceptions": _exceptions(findings, evidence),
        **_recommendations(findings, evidence, messages),
        "recommended": _recommended(findings, evidence),
        **_learning(findings, evidence),
        **_slots(findings, inputs, learned.QUARTERLY_SLOTS),
        "kpi_definitions": Table(
            "kpi_definitions", "KPI definitions", words.methods(evidence), detail=True
        ),
        **_methods_statistics(findings, evidence),
    }
    return Section("quarterly", items)


def _annual(findings: Findings, evidence: Evidence, inputs: NarrativeInputs) -> Section:
    messages = _messages(findings, evidence, inputs)
    items: dict[str, Item] = {
        **_front(findings, evidence, messages),
        "sources": sources_text(evidence, findings.period),
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
        "theme_statuses": _cited(
            findings, "theme_statuses", "Theme statuses", ("triangulation.",), detail=True
        ),
        "judgement_areas": Text("judgement_areas", words.judgement_areas(findings, evidence)),
        **_learning(findings, evidence),
        **_slots(findings, inputs, learned.QUARTERLY_SLOTS),
        "figures_by_theme": _cited(
            findings,
            "figures_by_theme",
            "Figures cited by theme",
            ("audits.domain.", "kpi."),
            detail=True,
        ),
        **_recommendations(findings, evidence, messages),
        **_methods_statistics(findings, evidence),
    }
    return Section("annual", items)


def _monthly(findings: Findings, evidence: Evidence, inputs: NarrativeInputs) -> Section:
    messages = _messages(findings, evidence, inputs)
    items: dict[str, Item] = {
        **_front(findings, evidence, messages),
        "sources": sources_text(evidence, findings.period),
        "summary": _summary(findings, evidence),
        "changes": _changes(findings, evidence),
        "headline_figures": _cited(findings, "headline_figures", "This month", HEADLINE_PREFIXES),
        "exceptions": _exceptions(findings, evidence),
        "watch": Text("watch", words.themes_to_watch(findings, config=evidence.config)),
        **_slots(findings, inputs, learned.MONTHLY_SLOTS),
        **_recommendations(findings, evidence, messages),
        "figures_cited": _cited(
            findings, "figures_cited", "Figures cited", ("triangulation.", "audits.domain.", "kpi.")
        ),
        **_methods_statistics(findings, evidence),
    }
    return Section("monthly", items)


# ---------------------------------------------------------------------------------------------
# The learning loop: last period followed up, year-end positions, learning, the QA lead's words


def _follow_up(findings: Findings, evidence: Evidence, history: str | Path | None) -> dict:
    """What the previous period's report said and its measures now, read from the history."""
    report, previous = findings.report, findings.period.previous()
    stored = None
    if history is not None:
        try:
            stored = runs.previous_run(
                history, period=findings.period.code, report=report, audience=findings.audience
            )
            said = runs.messages_of(history, stored.run_id) if stored else None
            then = runs.figures_of(history, stored.run_id) if stored else None
        except runs.HistoryError:
            stored = None
    if stored is None:
        text = learned.no_previous_text(report=report, previous_label=previous.label)
        return {"follow_up": Text("follow_up", text)}
    table = learned.follow_up_table(said, then, findings.by_id, previous_period=stored.period)
    t = templates(evidence.config)
    text = learned.follow_up_text(
        table,
        findings.by_id,
        report=report,
        previous_label=previous.label,
        owner_slot=t["owner_slot"],
        due_slot=t["due_slot"],
    )
    return {
        "follow_up": Text("follow_up", text),
        "follow_up_table": Table(
            "follow_up",
            f"What we said {learned.LAST[report]} and its measures now",
            table.drop(columns=["figure_id"]),
            detail=True,
        ),
    }


# "not computable for 2025-26 (April 2025 to March 2026): " before a stock KPI's reason
_NOT_COMPUTABLE = re.compile(r"^not computable for [^:]*: ")


def _year_end(findings: Findings, evidence: Evidence, history: str | Path | None) -> dict:
    """The year-end positions of the stock KPIs: from the history's fourth-quarter report where it
    holds them (labelled with that run), else as this pack could rebuild them."""
    config, period = evidence.config, findings.period
    stock = [k for k, d in KPI_DEFINITIONS.items() if d.period_rule == "stock" and k in config.kpis]
    recorded = pd.DataFrame()
    if history is not None:
        try:
            recorded = runs.year_end_positions(
                history, year=period.code, audience=findings.audience
            )
        except runs.HistoryError:
            recorded = pd.DataFrame()
    by_id = {r["figure_id"]: r for r in recorded.to_dict("records")} if len(recorded) else {}
    rows, source_label, as_at = [], None, f"{period.end:%d/%m/%Y}"
    for kpi_id in stock:
        row = by_id.get(f"kpi.{kpi_id}")
        if row is not None and row.get("text"):
            source_label = parse_period(row["period"]).label
            as_at = f"{pd.Timestamp(row['as_at']):%d/%m/%Y}"
            rows.append(
                {
                    "measure": config.kpis[kpi_id].label,
                    "position": row["text"],
                    "as_at": as_at,
                    "from": f"the quarterly report for {source_label}",
                }
            )
            continue
        figure: Figure | None = findings.by_id.get(f"kpi.{kpi_id}")
        basis = stock_as_at(evidence, kpi_id, period)
        rows.append(
            {
                "measure": config.kpis[kpi_id].label,
                "position": format_value(figure) if figure is not None else "not computable",
                "as_at": f"{basis.date:%d/%m/%Y}" if basis.date is not None else "",
                "from": (
                    f"this pack's extract, {basis.label}"
                    if basis.date is not None
                    else _NOT_COMPUTABLE.sub("", basis.why)
                ),
            }
        )
    frame = pd.DataFrame(rows, columns=["measure", "position", "as_at", "from"])
    text = learned.year_end_text(
        from_history=sum(r["from"].startswith("the quarterly report") for r in rows),
        total=len(rows),
        source_label=source_label,
        as_at=as_at,
    )
    return {
        "year_end": Text("year_end", text),
        "year_end_table": Table("year_end", "Positions at the year end", frame),
    }


# The good-practice domain table's columns as a reader reads them.
_DOMAIN_HEADINGS = {
    "good_audits": "audits_good_overall",
    "good_audits_good": "domain_good_in_those",
    "good_pct": "share_in_those",
    "other_audits": "other_audits",
    "other_audits_good": "domain_good_in_others",
    "other_pct": "share_in_others",
    "difference_points": "difference_in_points",
}


def _learning(findings: Findings, evidence: Evidence) -> dict[str, Item]:
    """Audit actions and complaint learning by theme, the action tracker, what distinguished good
    practice, and family feedback taken at audit."""
    period, label = findings.period, findings.period.label

    def gave(source: str) -> bool:  # a source that gave no rows is absent, not zero
        report = evidence.report.sources.get(source)
        return report is not None and bool(report.rows_accepted)

    def measured(source: str, measure):
        if gave(source):
            return measure(evidence, period)
        return pd.DataFrame(columns=learning.COLUMNS[measure.__name__])

    themes = measured("audit_actions", learning.action_themes)
    days = evidence.config.learning.stale_action_days
    tracker = (
        learning.tracker(evidence, period)
        if gave("audit_actions")
        else learning.Tracker(0, 0, days, None, None)
    )
    if findings.audience == "public":  # the public pack names no team holding stale actions
        tracker = replace(tracker, stale_teams=())
    complaints = measured("complaints", learning.complaint_learning_themes)
    domains = measured("audits", learning.good_practice_domains)
    feedback = measured("audits", learning.family_feedback)
    by_service = measured("audits", learning.family_feedback_by_service)
    audits = findings.sections.get("audits")
    by_theme = audits.items.get("good_practice_theme") if audits is not None else None
    return {
        "actions_learning": Text(
            "actions_learning",
            learned.actions_text(themes, tracker, period_label=label),
        ),
        "actions_themes": Table(
            "actions_themes",
            "Audit actions by theme of their words",
            themes.drop(columns=["theme_id"]),
            count_columns=("raised", "open_at_end", "stale"),
            detail=True,
        ),
        "complaint_learning": Text(
            "complaint_learning", learned.complaint_learning_text(complaints, period_label=label)
        ),
        "complaint_learning_themes": Table(
            "complaint_learning",
            "Complaint learning by theme",
            complaints.drop(columns=["theme_id"]),
            count_columns=("complaints", "of"),
            detail=True,
        ),
        "good_practice": Text(
            "good_practice",
            learned.good_practice_text(
                domains,
                by_theme.frame if isinstance(by_theme, Table) else None,
                findings.by_id,
                period_label=label,
            ),
        ),
        "good_practice_domains": Table(
            "good_practice_domains",
            "What distinguished good practice: domains graded good or better",
            domains.rename(columns=_DOMAIN_HEADINGS),
            count_columns=(
                "audits_good_overall",
                "domain_good_in_those",
                "other_audits",
                "domain_good_in_others",
            ),
            percent_columns=("share_in_those", "share_in_others"),
            detail=True,
        ),
        "family_feedback": Text(
            "family_feedback",
            learned.family_feedback_text(feedback, by_service, period_label=label),
        ),
        "family_feedback_table": Table(
            "family_feedback",
            "Family feedback taken at audit",
            by_service,
            count_columns=("audits", "obtained"),
            percent_columns=("obtained_pct",),
            detail=True,
        ),
    }


def _slots(findings: Findings, inputs: NarrativeInputs, names: tuple[str, ...]) -> dict:
    """The QA lead's own words, or marked slots to fill."""
    return {
        name: Text(
            name, learned.slot_text(name, inputs.text(name), period_label=findings.period.label)
        )
        for name in names
    }
