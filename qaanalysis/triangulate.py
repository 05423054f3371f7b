"""Triangulation: reading audits, performance data and the voice of children and families together.

Each measures module gives per-theme :class:`~qaanalysis.findings.Signal` objects; this module reads
them theme by theme (METHODS.md, triangulation):

- **corroborated strength**: two or more sources positive, none negative;
- **corroborated concern**: two or more sources negative, none positive;
- **mixed evidence**: at least one source positive and one negative (the disagreement is named,
  e.g. timely but poor-quality assessments);
- **single source**: only one source gives a positive or negative reading;
- **no clear evidence**: no source gives a positive or negative reading (absent or neutral).

Themes with mixed, single-source or negative evidence become candidates for next quarter's themed
audits.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import figures as fig
from .config import Config
from .findings import SOURCES, Signal
from .periods import Period

STATUS_LABELS = {
    "corroborated_strength": "corroborated strength",
    "corroborated_concern": "corroborated concern",
    "mixed": "mixed evidence",
    "single_source": "single source",
    "no_evidence": "no clear evidence",
}
SOURCE_LABELS = {
    "audits": "case-file audits",
    "performance": "performance data",
    "complaints": "complaints",
    "feedback": "feedback from children, families and staff",
    "escalations": "IRO and child protection chair escalations",
}
# The order in which candidates for themed audits are proposed: concern first.
CANDIDATE_ORDER = ("corroborated_concern", "mixed", "single_source")


@dataclass(frozen=True)
class ThemeAssessment:
    """One theme read across every source."""

    theme: str
    label: str
    status: str
    signals: tuple[Signal, ...]
    judgement_area: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def positive(self) -> list[Signal]:
        return [s for s in self.signals if s.signal == "positive"]

    @property
    def negative(self) -> list[Signal]:
        return [s for s in self.signals if s.signal == "negative"]

    @property
    def figure_ids(self) -> list[str]:
        return [i for s in self.signals for i in s.figure_ids]

    @property
    def disagreement(self) -> str | None:
        """For mixed evidence, which sources disagree: "performance data positive but case-file
        audits negative"."""
        if self.status != "mixed":
            return None
        good = " and ".join(SOURCE_LABELS[s.source] for s in self.positive)
        bad = " and ".join(SOURCE_LABELS[s.source] for s in self.negative)
        return f"{good} positive but {bad} negative"


def theme_status(signals: list[Signal]) -> str:
    """The status of one theme from its sources' signals (see the module docstring)."""
    positive = {s.source for s in signals if s.signal == "positive"}
    negative = {s.source for s in signals if s.signal == "negative"}
    if positive and negative:
        return "mixed"
    if len(positive) >= 2:
        return "corroborated_strength"
    if len(negative) >= 2:
        return "corroborated_concern"
    if positive or negative:
        return "single_source"
    return "no_evidence"


def assess_themes(signals: list[Signal], config: Config) -> list[ThemeAssessment]:
    """Every configured theme's assessment, in the configuration's order.

    Signals for themes not in the configuration are ignored; a source that gave no signal for a
    theme counts as absent.
    """
    out = []
    for theme_id, theme in config.themes.items():
        mine = tuple(s for s in signals if s.theme == theme_id)
        out.append(
            ThemeAssessment(
                theme_id, theme.label, theme_status(list(mine)), mine, theme.judgement_area
            )
        )
    return out


def signal_matrix(assessments: list[ThemeAssessment]) -> pd.DataFrame:
    """Themes (rows, by label) by sources (columns): positive, negative, neutral or absent.

    Where a source gives several signals for a theme (two KPIs, say), negative outranks positive
    outranks neutral, so a concern is never hidden.
    """
    rank = {"negative": 3, "positive": 2, "neutral": 1, "absent": 0}
    rows = {}
    for a in assessments:
        row = dict.fromkeys(SOURCES, "absent")
        for s in a.signals:
            if rank[s.signal] > rank[row[s.source]]:
                row[s.source] = s.signal
        rows[a.label] = row
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(SOURCES))


def assessment_table(assessments: list[ThemeAssessment]) -> pd.DataFrame:
    """One row per theme: status, the sources for and against, and the disagreement named."""
    return pd.DataFrame(
        [
            {
                "theme": a.label,
                "status": a.status_label,
                "positive": ", ".join(SOURCE_LABELS[s.source] for s in a.positive),
                "negative": ", ".join(SOURCE_LABELS[s.source] for s in a.negative),
                "disagreement": a.disagreement or "",
            }
            for a in assessments
        ],
        columns=["theme", "status", "positive", "negative", "disagreement"],
    )


def candidate_audit_themes(assessments: list[ThemeAssessment]) -> list[ThemeAssessment]:
    """Themes for next quarter's themed audits: concern first, then mixed, then single-source
    themes whose one signal is negative, then those whose one signal is positive (to confirm)."""

    def key(a: ThemeAssessment) -> tuple:
        single_negative = a.status == "single_source" and bool(a.negative)
        return (CANDIDATE_ORDER.index(a.status), not single_negative)

    return sorted([a for a in assessments if a.status in CANDIDATE_ORDER], key=key)


def triangulation_figures(assessments: list[ThemeAssessment], period: Period) -> list[fig.Figure]:
    """``triangulation.<theme>``: each theme's status, citing the Figures behind it."""
    return [
        fig.status(
            f"triangulation.{a.theme}",
            f"{a.label}: triangulated evidence",
            a.status_label,
            period=period.code,
            source="triangulation",
            theme=a.theme,
            note="rests on: " + (", ".join(a.figure_ids) or "no figures"),
        )
        for a in assessments
    ]
