"""The reports' own prose and reading tables: key findings read together and written up.

The quarterly QA report, the annual self-assessment and the monthly clinic pack are written here
from a pack's computed :class:`~qaanalysis.sections.Findings` (its Figures, Signals and theme
assessments), never from the evidence: ``sections/report.py`` calls these once per pack.

The front page leads with :class:`KeyMessage` s ranked by weight of evidence, and the report
proposes :class:`Recommendation` s, one per theme of concern or mixed evidence; both are small
frozen records so that a history of runs can keep them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..config import Config
from ..figures import Figure, format_count, format_percent, format_value
from ..findings import SOURCES, Signal
from ..measures.performance import MISSING_TARGET, kpi_definitions
from ..periods import parse_period
from ..triangulate import (
    SOURCE_LABELS,
    STATUS_LABELS,
    ThemeAssessment,
    assessment_table,
    candidate_audit_themes,
    signal_matrix,
)
from . import (
    check_honesty,
    cite,
    cite_ids,
    headline,
    next_steps,
    plain_reason,
    templates,
    theme_paragraph,
)

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


# Themes whose reading a body paragraph is for: the sources agree, disagree, or one source is
# concerned. The others are named in one sentence (the themes table beside them has their detail).
_READ_IN_FULL = ("corroborated_concern", "corroborated_strength", "mixed")


def theme_paragraphs(
    findings: Findings,
    evidence: Evidence,
    *,
    area: str | None = None,
    brief: bool = False,
    leave_out: Iterable[str] = (),
) -> str:
    """A paragraph per theme (optionally only one judgement area's), citing the Figures behind it.

    ``brief`` (the quarterly report's body): paragraphs only for themes the sources corroborate or
    disagree on and for a single source's concern; the rest are named in one sentence each kind.
    ``leave_out``: themes (ids) read elsewhere (the key messages), neither written nor named.
    """
    skipped = set(leave_out)
    chosen = [
        a
        for a in findings.assessments
        if (area is None or a.judgement_area == area) and a.theme not in skipped
    ]
    full = [
        a
        for a in chosen
        if not brief
        or a.status in _READ_IN_FULL
        or (a.status == "single_source" and bool(a.negative))
    ]
    paragraphs = [
        theme_paragraph(
            a, config=evidence.config, period_label=findings.period.label, figures=findings.by_id
        )
        for a in full
    ]
    for status in ("single_source", "no_evidence"):
        named = [a.label for a in chosen if a not in full and a.status == status]
        if named:
            paragraphs.append(
                f"**{STATUS_LABELS[status].capitalize()}:** {_listed(named)}; "
                "the table of theme statuses gives what each source found."
            )
    return "\n\n".join(paragraphs)


def themes_beyond_messages(
    findings: Findings, evidence: Evidence, messages: list[KeyMessage]
) -> str:
    """The body's reading of the themes: those the key messages carry are pointed to, not
    repeated; a theme read in full by :func:`theme_paragraphs` (``brief``) and not carried is
    written as a key message's evidence is (its readings briefly, the neutral sources named);
    the rest are named by status. Every theme's full reading is in the report's appendix."""
    carried = {m.theme: m.rank for m in messages if m.theme is not None}
    by_id = findings.by_id
    lines = []
    if carried:
        ranked = sorted(
            (a for a in findings.assessments if a.theme in carried), key=lambda a: carried[a.theme]
        )
        named = _listed([f"{a.label} ({carried[a.theme]})" for a in ranked])
        lines.append(f"The key messages above read {named}.")
    rest = [a for a in findings.assessments if a.theme not in carried]
    for a in rest:
        if not (a.status in _READ_IN_FULL or (a.status == "single_source" and a.negative)):
            continue
        read = [s for s in a.signals if s.signal in ("positive", "negative")]
        neutral = [SOURCE_LABELS[s.source] for s in a.signals if s.signal == "neutral"]
        text = f"**{a.label}: {STATUS_LABELS[a.status]}.** " + " ".join(
            _linked(s, by_id, brief=True).rstrip(".") + "." for s in read
        )
        if neutral:
            text += f" {_and(neutral)[0].upper()}{_and(neutral)[1:]} read it as neither a strength nor a concern."
        lines.append(check_honesty(text))
    named = theme_paragraphs(
        findings,
        evidence,
        brief=True,
        leave_out={*carried, *(a.theme for a in rest if a.status in _READ_IN_FULL)}
        | {a.theme for a in rest if a.status == "single_source" and a.negative},
    )
    if named:
        lines.append(named)
    return "\n\n".join(lines)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def recommended_audit_themes(findings: Findings, evidence: Evidence) -> str:
    """Next quarter's themed audits: where evidence is of concern, mixed or single-source."""
    return next_steps(candidate_audit_themes(list(findings.assessments)), config=evidence.config)


def evidence_by_source(findings: Findings, *, area: str | None, evidence: Evidence) -> pd.DataFrame:
    """How we know: every signal behind a judgement area's themes, source by source."""
    themes = {a.theme: a for a in findings.assessments if area is None or a.judgement_area == area}
    by_id = findings.by_id
    rows = [
        {
            "theme": themes[s.theme].label,
            "source": SOURCE_LABELS[s.source],
            "reading": s.signal,
            "evidence": plain_reason(s.reason),
            "figures": cite_ids(s.figure_ids, by_id),
        }
        for s in findings.signals
        if s.theme in themes and s.signal != "absent"
    ]
    columns = ["theme", "source", "reading", "evidence", "figures"]
    return pd.DataFrame(rows, columns=columns).sort_values(["theme", "source"], kind="stable")


def area_actions(findings: Findings, *, area: str, config: Config) -> list[tuple[str, str, str]]:
    """What we will do next in a judgement area: one action per theme, from that theme's evidence.

    Themes with a reading take the action their key message would propose (improvement plan,
    themed audit, second source, sharing a strength); a theme read as neutral is kept under
    review, naming its sources; a theme no source read calls for the evidence to be built first.

    Returns:
        (theme label, kind of evidence, action) for each theme of the area, heaviest first.
    """
    t = templates(config)
    mine = [a for a in findings.assessments if a.judgement_area == area]
    themes = {a.theme for a in mine}
    chosen = [
        c
        for c in _findings(findings)
        if (c.assessment.theme if c.assessment is not None else c.changes[0].theme) in themes
    ]
    out = []
    for c in chosen:
        m = _write(c, rank=0, findings=findings, config=config)
        label = c.assessment.label if c.assessment is not None else c.changes[0].label
        out.append((label, m.kind, m.action))
    horizon = HORIZONS[findings.report]
    for a in mine:
        if a.status != "no_evidence":
            continue
        neutral = [SOURCE_LABELS[s.source] for s in a.signals if s.signal == "neutral"]
        theme = _lower_first(a.label)
        if neutral:
            action = t["action_unclear_neutral"].format(theme=theme, sources=_and(neutral))
        else:
            action = t["action_unclear_none"].format(
                theme=theme, horizon=horizon, period=findings.period.label
            )
        out.append((a.label, a.status_label, check_honesty(" ".join(action.split()))))
    return out


def next_steps_for_area(findings: Findings, evidence: Evidence, *, area: str) -> str:
    """What we will do next in a judgement area: a distinct, owned and dated action per theme."""
    t = templates(evidence.config)
    actions = area_actions(findings, area=area, config=evidence.config)
    if not actions:
        return "*No themes are mapped to this area.*"
    return "\n".join(
        f"- **{label}** ({kind}): {action} Owner: {t['owner_slot']}. By: {t['due_slot']}."
        for label, kind, action in actions
    )


def year_on_year(findings: Findings) -> pd.DataFrame:
    """The headline Figures for this year beside the year before, with the judged change."""
    keep = (
        "audits.count",
        "audits.overall.good_or_better",
        "audits.overall.inadequate",
        "moderation.agreement",
        "actions.closed_on_time",
        "complaints.count",
        "complaints.stage1.within_timescale",
        "feedback.positive",
        "escalations.count",
    )
    rows = []
    for f in findings.figures:
        if not (f.id in keep or f.id.startswith("kpi.")):
            continue
        comp = f.comparison or {}
        if comp.get("kind") != "previous_period":
            continue
        previous_counts = (comp.get("numerator"), comp.get("denominator"))
        rows.append(
            {
                "measure": f.label,
                "this_year": _shown(f.value, f.unit, f.numerator, f.denominator),
                "last_year": _shown(comp.get("value"), f.unit, *previous_counts),
                "change": {
                    "improving": "improved",
                    "declining": "declined",
                    "stable": "broadly stable",
                    "not_judged": "not judged",
                }.get(f.direction, f.direction),
            }
        )
    columns = ["measure", "this_year", "last_year", "change"]
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
    return pd.DataFrame(
        {
            "kpi": chosen["label"],
            "value": [
                _shown(v, u, k, n)
                for v, u, k, n in zip(
                    chosen["value"], units, chosen["numerator"], chosen["denominator"], strict=True
                )
            ],
            "target": [_shown(t, u) for t, u in zip(chosen["target"], units, strict=True)],
            "target_status": chosen["target_status"].fillna(""),
            "variation": chosen["variation"].fillna(""),
            "benchmark_position": chosen["benchmark_position"].fillna(""),
        }
    )


def _shown(value, unit: str, k=None, n=None) -> str:
    """A value as a reader sees it: a share with its count, or a number."""
    if value is None or pd.isna(value):
        return ""
    if unit == "percent":
        counts = (
            f" ({k:,.0f} of {n:,.0f})" if k is not None and n is not None and pd.notna(n) else ""
        )
        return f"{100 * value:.0f}%{counts}"
    return format_count(value)


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
        if len(table):  # the readings' words and Figures are in the paragraphs above
            how = _pipe_table(table.drop(columns=["evidence", "figures"]))
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
    columns = [
        "label",
        "source",
        "period_rule",
        "numerator",
        "denominator",
        "days",
        "statutory_source",
        "notes",
    ]
    return table[columns].rename(columns={"label": "kpi", "days": "working_or_calendar_days"})


# ---------------------------------------------------------------------------------------------
# Key messages and recommendations

# The front page holds at most this many key messages (issue 15: five to seven); with fewer
# findings resting on evidence it holds fewer, and says so, never padded.
KEY_MESSAGES_MOST = 7
KEY_MESSAGES_FEWEST = 5
# The order of weight of evidence: corroborated concerns and significant adverse changes, then
# mixed evidence, then corroborated strengths (and significant improvements), then single sources.
TIERS = ("concern", "mixed", "strength", "single")
KINDS = {
    "corroborated_concern": "corroborated concern",
    "mixed": "mixed evidence",
    "corroborated_strength": "corroborated strength",
    "single_source": "single source",
    "change": "significant change",
}
# Statistics named only in the methods appendix, never on the front page or in the body's prose.
STATISTICS_WORDS = re.compile(
    r"\bkappa\b|\btau\b|tau-b|Kendall|Bowker|Krippendorff|Cohen's|Benjamini|\bp-value|\bp = ",
    re.IGNORECASE,
)
# A trend Figure's label: "<subject>: trend in <measure> over <span>".
_TREND_LABEL = re.compile(r"(.+): trend in (.+) over (.+)")
# When the next report falls, for each report kind.
HORIZONS = {
    "quarterly": "by next quarter's report",
    "monthly": "at next month's clinic",
    "annual": "within the year",
}
# A second source a single-source reading can be tested against, by the source not yet reading.
SECOND_SOURCES = {
    "audits": "a themed audit",
    "performance": "the performance data",
    "complaints": "the complaints log",
    "feedback": "feedback from children and families",
    "escalations": "IRO and child protection chair alerts",
}


@dataclass(frozen=True)
class KeyMessage:
    """One finding on the front page, with its evidence, meaning and proposed action.

    Attributes:
        rank: its place on the front page, 1 first.
        text: the finding in one sentence.
        evidence: the evidence in counts, Markdown citing each Figure (``[..](#figure-<id>)``).
        meaning: what it means for children.
        action: the proposed action.
        owner: the owner slot ("[to agree]" until the QA lead fills it).
        due: the date slot ("[date]").
        theme: the practice theme (None for a change outside every theme read).
        figure_ids: the Figures it rests on.
        kind: what kind of evidence it is ("corroborated concern", "significant change", ...).
        tier: its weight of evidence, 1 (concern or adverse change) to 4 (single source).
    """

    rank: int
    text: str
    evidence: str
    meaning: str
    action: str
    owner: str
    due: str
    theme: str | None
    figure_ids: tuple[str, ...]
    kind: str
    tier: int


@dataclass(frozen=True)
class Recommendation:
    """One proposed action, owned and dated, with the evidence it answers.

    Attributes:
        rank: its place in the list, 1 first.
        text: the action.
        evidence: the evidence in counts, Markdown citing each Figure.
        owner: the owner slot.
        due: the date slot.
        theme: the practice theme (None for a change outside every theme read).
        figure_ids: the Figures it rests on.
    """

    rank: int
    text: str
    evidence: str
    owner: str
    due: str
    theme: str | None
    figure_ids: tuple[str, ...]


@dataclass(frozen=True)
class _Finding:
    """A candidate message: one theme's assessment with the significant changes it carries, or a
    significant change outside every theme with a reading."""

    assessment: ThemeAssessment | None
    changes: tuple[Figure, ...]
    order: int

    @property
    def adverse(self) -> list[Figure]:
        return [f for f in self.changes if f.direction == "declining"]

    @property
    def favourable(self) -> list[Figure]:
        return [f for f in self.changes if f.direction == "improving"]

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment is not None else "change"

    @property
    def tier(self) -> int:
        if self.status == "corroborated_concern" or self.adverse:
            return 1
        if self.status == "change":  # a significant improvement outside every theme
            return 3
        return {"mixed": 2, "corroborated_strength": 3, "single_source": 4}[self.status]

    @property
    def weight(self) -> int:
        """The evidence for the reading its rank gives it: sources reading the theme that way
        plus significant changes that way (for mixed evidence, every reading and change)."""
        a = self.assessment
        readings = {"positive", "negative"}
        changes = self.changes
        if self.tier == 1:
            readings, changes = {"negative"}, self.adverse
        elif self.tier == 3:
            readings, changes = {"positive"}, self.favourable
        sources = {s.source for s in a.signals if s.signal in readings} if a is not None else ()
        return len(sources) + len(changes)

    @property
    def sort_key(self) -> tuple:
        single_positive = self.status == "single_source" and not self.assessment.negative
        return (self.tier, -self.weight, not self.adverse, single_positive, self.order)

    @property
    def supporting(self) -> list[Signal]:
        """The Signals behind the reading (neutral and absent readings left out)."""
        if self.assessment is None:
            return []
        return [s for s in self.assessment.signals if s.signal in ("positive", "negative")]


def significant_changes(findings: Findings) -> list[Figure]:
    """Every Figure whose change (on a previous period or over a trend) is significant and judged
    better or worse, in the pack's order (theme statuses, unjudged changes and Figures suppressed
    for the public left out: their counts may not be stated)."""
    return [
        f
        for f in findings.figures
        if f.significant
        and f.direction in ("improving", "declining")
        and not f.suppressed
        and not f.id.startswith("triangulation.")
    ]


def _findings(findings: Findings) -> list[_Finding]:
    """Every candidate message, ranked by weight of evidence."""
    read = [a for a in findings.assessments if a.status != "no_evidence"]
    owner: dict[str, str] = {}
    for a in read:
        for figure_id in a.figure_ids:
            owner.setdefault(figure_id, a.theme)
    themes = {a.theme for a in read}
    carried: dict[str, list[Figure]] = {a.theme: [] for a in read}
    alone = []
    for f in significant_changes(findings):
        theme = owner.get(f.id) or (f.theme if f.theme in themes else None)
        if theme is None:
            alone.append(f)
        else:
            carried[theme].append(f)
    out = [_Finding(a, tuple(carried[a.theme]), i) for i, a in enumerate(read)]
    out += [_Finding(None, (f,), len(read) + i) for i, f in enumerate(alone)]
    return sorted(out, key=lambda c: c.sort_key)


def _and(items: Iterable[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _lower_first(text: str) -> str:
    """Lower-case a label's first letter ("Complaints about" -> "complaints about"), unless it
    begins an abbreviation ("IRO alerts")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _period_words(code: str | None, fallback: str) -> str:
    if not code:
        return fallback
    try:
        return parse_period(code).label
    except ValueError:
        return fallback


def _change_words(f: Figure) -> tuple[str, str]:
    """A significant change in words with its counts, and a short form for an action.

    ("Complaints about worker contact: a significant rise, from 14 in 2025-26 Q2 (July to
    September 2025) to [29](#figure-...)", "Complaints about worker contact rose significantly")
    """
    comp = f.comparison or {}
    if comp.get("kind") == "trend" and comp.get("first") and comp.get("last"):
        first, last = comp["first"], comp["last"]
        before_value = first["numerator"] / first["denominator"] if first["denominator"] else 0
        now_value = last["numerator"] / last["denominator"] if last["denominator"] else 0
        before = f"{format_percent(before_value)} ({first['numerator']} of {first['denominator']})"
        now = cite(f, f"{format_percent(now_value)} ({last['numerator']} of {last['denominator']})")
        when, after = "", f" ({comp.get('label', 'over the trend window')})"
    else:
        before_value, now_value = comp.get("value"), f.value
        if f.unit == "percent" and comp.get("denominator"):
            before = (
                f"{format_percent(before_value)} ({format_count(comp.get('numerator'))} of "
                f"{format_count(comp.get('denominator'))})"
            )
        elif f.unit == "percent":
            before = format_percent(before_value)
        else:
            before = format_count(before_value)
        when = f" in {_period_words(comp.get('period'), comp.get('label', 'the previous period'))}"
        now, after = cite(f), ""
    rose = (now_value or 0) > (before_value or 0)
    full = f"{f.label}: a significant {'rise' if rose else 'fall'}, from {before}{when} to {now}{after}"
    trend = _TREND_LABEL.fullmatch(f.label)
    if trend:  # "Assessment: trend in good or better over 8 quarters"
        subject, measure, span = trend.groups()
        short = f"{subject} rated {measure} {'rose' if rose else 'fell'} significantly over {span}"
    else:
        subject = f.label.replace(": good or better", " rated good or better")
        short = f"{subject} {'rose' if rose else 'fell'} significantly"
    return full, short


# A key message's evidence names at most this many measures of one source; the rest are counted
# and left to the evidence appendix (every Figure the message rests on is still cited there).
EVIDENCE_MEASURES_MOST = 3
# Asides a key message's evidence leaves to the evidence appendix: a share's interval, at whatever
# level the configured alpha gives (the words "below the 70% aspiration" already say how it
# stands), and a comparison without counts.
_EVIDENCE_ASIDES = (
    re.compile(r" \([\d.]+% interval [\d.]+% to [\d.]+%\)"),
    re.compile(r"; (?:[\d.]+% interval [\d.]+% to [\d.]+%|no counts to judge how clearly)"),
)


def _clauses(text: str) -> list[str]:
    """A reason's clauses: its parts separated by "; " outside brackets."""
    out, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith("; ", i):
            out.append(text[start:i])
            start = i + 2
    return [*out, text[start:]]


def _brief_reason(reason: str) -> tuple[str, str]:
    """A reason as a key message's evidence states it: without interval asides, and at most
    :data:`EVIDENCE_MEASURES_MOST` measures (the rest counted). Returns the words and the words
    left out (whose Figures are not cited again)."""
    for aside in _EVIDENCE_ASIDES:
        reason = aside.sub("", reason)
    clauses = _clauses(reason)
    if len(clauses) <= EVIDENCE_MEASURES_MOST:
        return reason, ""
    kept, left = clauses[:EVIDENCE_MEASURES_MOST], clauses[EVIDENCE_MEASURES_MOST:]
    more = f"{len(left)} more measure{'s' if len(left) > 1 else ''} in the evidence appendix"
    return "; ".join(kept) + f"; and {more}", "; ".join(left)


def _linked(signal: Signal, figures: Mapping[str, Figure], *, brief: bool = False) -> str:
    """A Signal's reason with its Figures cited: each share's words become its link; a Figure
    whose value is not in the words is cited after them by its label. ``brief``: the reason as
    :func:`_brief_reason` shortens it (a key message's evidence)."""
    reason, left = (
        _brief_reason(plain_reason(signal.reason))
        if brief
        else (
            plain_reason(signal.reason),
            "",
        )
    )
    rest = []
    for figure_id in signal.figure_ids:
        f = figures.get(figure_id)
        shown = format_value(f) if f is not None else None
        if left and shown and shown in left and shown not in reason:
            continue  # a measure left to the evidence appendix
        # a share's words ("38% (35 of 91)") are distinctive enough to link in place; a bare
        # count is not (it could be another number in the sentence)
        if f is not None and f.unit == "percent" and shown in reason and f"[{shown}]" not in reason:
            reason = reason.replace(shown, cite(f), 1)
        else:
            rest.append(figure_id)
    source = SOURCE_LABELS[signal.source]
    text = f"{source[0].upper()}{source[1:]}: {reason}"
    if rest:
        text += f" (see {cite_ids(rest, figures)})"
    return text


def _measures(finding: _Finding, figures: Mapping[str, Figure], *, signal: str) -> str:
    """The Figures behind the reading, named in words (at most three)."""
    labels = [
        _lower_first(figures[i].label).replace(": good or better", " rated good or better")
        for s in finding.supporting
        if s.signal == signal
        for i in s.figure_ids
        if i in figures
        and not STATISTICS_WORDS.search(figures[i].label)
        and not _TREND_LABEL.fullmatch(figures[i].label)
    ]
    labels = list(dict.fromkeys(labels))[:3]
    return _and(labels) if labels else "the measures behind this reading"


def _write(finding: _Finding, *, rank: int, findings: Findings, config: Config) -> KeyMessage:
    """One candidate written as a key message (and the action its recommendation proposes)."""
    t = templates(config)
    by_id = findings.by_id
    horizon = HORIZONS[findings.report]
    a = finding.assessment
    changes = [_change_words(f) for f in finding.changes]
    cited = {i for s in finding.supporting for i in s.figure_ids}
    evidence = [_linked(s, by_id, brief=True) for s in finding.supporting]
    evidence += [
        full for f, (full, _) in zip(finding.changes, changes, strict=True) if f.id not in cited
    ]
    ids = [*(i for s in finding.supporting for i in s.figure_ids), *(f.id for f in finding.changes)]
    evidence_text = ". ".join(e.rstrip(".") for e in evidence) + "."
    if a is None:
        (f,) = finding.changes
        full, short = changes[0]
        adverse = f.direction == "declining"
        text = t["message_change"].format(change=short[0].upper() + short[1:])
        meaning = t["meaning_change_adverse" if adverse else "meaning_change_favourable"]
        action = t["action_change_adverse" if adverse else "action_change_favourable"].format(
            change_short=_lower_first(short), horizon=horizon
        )
        return _message(
            rank, text, evidence_text, meaning, action, None, ids, "change", finding.tier, t
        )
    children = t["for_children"].get(
        a.theme, f"practice in {_lower_first(a.label)} serves children well"
    )
    negative_sources = _and(SOURCE_LABELS[s.source] for s in a.negative) if a.negative else ""
    positive_sources = _and(SOURCE_LABELS[s.source] for s in a.positive) if a.positive else ""
    # the finding names the changes that go its way; the others are in its evidence
    way = "improving" if a.status == "corroborated_strength" or not a.negative else "declining"
    suffix = "".join(
        f", and {_lower_first(short)}"
        for f, (_, short) in zip(finding.changes, changes, strict=True)
        if f.direction == way
    )
    why = (
        f"{positive_sources} read it as positive but {negative_sources} as negative"
        if a.status == "mixed"
        else ""
    )
    values = dict(
        label=a.label,
        theme=_lower_first(a.label),
        children=children,
        why=why,
        horizon=horizon,
        disagreement=a.disagreement,
        period=findings.period.label,
    )
    if a.status == "corroborated_concern":
        text = t["message_concern"].format(sources=negative_sources, change=suffix, **values)
        meaning = t["meaning_concern"].format(**values)
        action = t["action_concern"].format(
            measures=_measures(finding, by_id, signal="negative"), **values
        )
    elif a.status == "mixed":
        text = t["message_mixed"].format(change=suffix, **values)
        meaning = t["meaning_mixed"].format(**values)
        action = t["action_mixed"].format(**values)
    elif finding.adverse and not a.negative:  # read as a strength, yet a measure fell
        short = _and(
            _lower_first(s)
            for f, (_, s) in zip(finding.changes, changes, strict=True)
            if f.direction == "declining"
        )
        text = t["message_strength_challenged"].format(
            sources=positive_sources, change=short, **values
        )
        meaning = t["meaning_strength_challenged"].format(**values)
        action = t["action_strength_challenged"].format(change_short=short, **values)
    elif a.status == "corroborated_strength":
        text = t["message_strength"].format(sources=positive_sources, change=suffix, **values)
        meaning = t["meaning_strength"].format(**values)
        action = t["action_strength"].format(
            measures=_measures(finding, by_id, signal="positive"), **values
        )
    else:  # a single source
        (one,) = {s.source for s in finding.supporting}
        reading = "negative" if a.negative else "positive"
        quiet = [SECOND_SOURCES[s] for s in SOURCES if s != one]
        text = t[f"message_single_{reading}"].format(
            source=SOURCE_LABELS[one], change=suffix, **values
        )
        meaning = t[f"meaning_single_{reading}"].format(**values)
        action = t[f"action_single_{reading}"].format(
            source=SOURCE_LABELS[one],
            measures=_measures(finding, by_id, signal=reading),
            alternatives=" or ".join(quiet[:2]),
            **values,
        )
    kind = KINDS[a.status]
    if finding.adverse and a.status != "corroborated_concern":
        kind = f"{kind} and {KINDS['change']}"
    return _message(rank, text, evidence_text, meaning, action, a.theme, ids, kind, finding.tier, t)


def _message(rank, text, evidence, meaning, action, theme, ids, kind, tier, t) -> KeyMessage:
    def clean(words: str) -> str:
        return check_honesty(" ".join(words.split()))

    return KeyMessage(
        rank=rank,
        text=clean(text),
        evidence=clean(evidence),
        meaning=clean(meaning),
        action=clean(action),
        owner=t["owner_slot"],
        due=t["due_slot"],
        theme=theme,
        figure_ids=tuple(dict.fromkeys(ids)),
        kind=KINDS.get(kind, kind),
        tier=tier,
    )


def key_messages(
    findings: Findings, *, config: Config, most: int = KEY_MESSAGES_MOST
) -> list[KeyMessage]:
    """The front page's key messages, ranked by weight of evidence.

    Each theme with a reading is a candidate, carrying the significant changes among the Figures
    its Signals cite (or of its theme); a significant change outside every theme read is a
    candidate of its own. They are ranked: first corroborated concerns and any candidate carrying
    a significant adverse change; then mixed evidence; then corroborated strengths and significant
    improvements; then single-source readings (negative before positive). Within a rank, the more
    sources read the same way (and significant changes), the higher; then a carried change, then
    the configured theme order. At most ``most`` are kept; with fewer candidates, fewer are
    written, never padded.

    Args:
        findings: the pack's computed findings (disclosed for its audience).
        config: the configuration (templates, thresholds).
        most: the most messages to keep.
    """
    ranked = _findings(findings)[:most]
    return [_write(c, rank=i, findings=findings, config=config) for i, c in enumerate(ranked, 1)]


def recommendations(findings: Findings, *, config: Config) -> list[Recommendation]:
    """One recommendation per theme of concern or mixed evidence, and per significant adverse
    change outside them, in the order of weight of evidence; each with its own action, evidence,
    owner slot and date slot."""
    chosen = [c for c in _findings(findings) if c.tier <= 2]
    out = []
    for rank, c in enumerate(chosen, 1):
        m = _write(c, rank=rank, findings=findings, config=config)
        out.append(
            Recommendation(
                rank=rank,
                text=m.action,
                evidence=m.evidence,
                owner=m.owner,
                due=m.due,
                theme=m.theme,
                figure_ids=m.figure_ids,
            )
        )
    return out


def key_messages_text(messages: list[KeyMessage], *, config: Config, period_label: str) -> str:
    """The front page: each message's finding, evidence, meaning and action with its slots."""
    t = templates(config)
    if not messages:
        return check_honesty(" ".join(t["no_messages"].format(period=period_label).split()))
    blocks = [
        f"**{m.rank}. {m.text}** ({m.kind})\n\n"
        f"*Evidence.* {m.evidence}\n\n"
        f"*What it means for children.* {m.meaning}\n\n"
        f"*Proposed action.* {m.action} Owner: {m.owner}. By: {m.due}."
        for m in messages
    ]
    if len(messages) < KEY_MESSAGES_FEWEST:
        blocks.append(" ".join(t["fewer_messages"].format(count=len(messages)).split()))
    return "\n\n".join(blocks)


def recommendations_text(
    recs: list[Recommendation], *, config: Config, messages: list[KeyMessage] = ()
) -> str:
    """The recommendations: a numbered list, each distinct, with evidence, owner and date.

    A recommendation a key message already proposes (its theme's) points to that message for
    its evidence instead of stating it again.
    """
    t = templates(config)
    if not recs:
        return " ".join(t["recommendations_none"].split())
    by_theme = {m.theme: m for m in messages if m.theme is not None}

    def evidence(r: Recommendation) -> str:
        m = by_theme.get(r.theme)
        return (
            f"*Evidence:* key message {m.rank}." if m is not None else f"*Evidence:* {r.evidence}"
        )

    return "\n".join(
        f"{r.rank}. {r.text} Owner: {r.owner}. By: {r.due}. {evidence(r)}" for r in recs
    )


def changes_paragraph(findings: Findings, *, config: Config) -> str:
    """Every significant change of the pack in one paragraph, each with its counts and link."""
    t = templates(config)
    changes = [_change_words(f)[0] for f in significant_changes(findings)]
    if not changes:
        return t["changes_none"].format(period=findings.period.label)
    return check_honesty(
        t["changes"].format(period=findings.period.label, changes="; ".join(changes))
    )


def themes_to_watch(findings: Findings, *, config: Config) -> str:
    """The monthly clinic's themes to watch: concern, mixed, or one source's negative reading.

    A corroborated strength, or a single source's positive reading, is never listed.
    """
    t = templates(config)
    watch = [
        a
        for a in candidate_audit_themes(list(findings.assessments))
        if a.status != "single_source" or a.negative
    ]
    if not watch:
        return t["watch_none"]
    return check_honesty(
        " ".join(
            t["watch"]
            .format(themes="; ".join(f"{a.label} ({a.status_label})" for a in watch))
            .split()
        )
    )


def statistics_figures(figures: Iterable[Figure]) -> list[Figure]:
    """The Figures that are statistics rather than counts or shares (a label naming kappa,
    tau-b, ...; a trend's rank correlation): the methods appendix shows them, not the body."""
    return [
        f
        for f in figures
        if STATISTICS_WORDS.search(f.label) or (f.comparison or {}).get("kind") == "trend"
    ]


def reader_text_problems(text: str) -> list[str]:
    """What in a draft's text a reader should not see: raw codes, ISO timestamps, float
    artefacts, a year written with a thousands separator. Link targets are not read.

    Returns:
        One line per problem found (empty when the text is clean).
    """
    words = re.sub(r"\]\(#figure-[^)]*\)", "]", text)
    checks = {
        "raw code": r"\b[a-z]+(?:_[a-z0-9]+)+\b",
        "ISO timestamp": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}",
        # a count with ".0" (one decimal on a measure, "a caseload of 18.0", is not flagged)
        "float artefact": r"\b\d+\.\d{4,}\b|\b\d(?:\.\d+)?e[-+]\d+\b|\b\d{3,}\.0\b(?!\.)",
        "year with a separator": r"\b2,0\d\d\b",
    }
    return [
        f"{what}: {m.group(0)!r}"
        for what, pattern in checks.items()
        for m in re.finditer(pattern, words)
    ]
