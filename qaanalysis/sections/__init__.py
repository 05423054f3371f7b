"""Sections: everything a pack shows, computed once per pack.

After loading, the runner calls :func:`compute_findings` once for the period, report and audience:
each area's builder (``sections/<area>.py``) calls its measures once, has the narrative layer write
its readings from those results, and returns a :class:`~qaanalysis.findings.Section` of named
items (tables, chart data, text, Figures) with its Figures and Signals; the themes are then read
across every area's Signals (``triangulate``), and the report's own section is written from all of
it. The disclosure gate (:func:`disclose`) applies the audience's rules once, before anything is
shown. Notebooks only display items (``s.show(section["key"])``); a notebook opened on its own in
JupyterLab computes just its area.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path

import pandas as pd

from ..disclosure import check_audience, is_small, suppress_figure, without_paths
from ..figures import Figure
from ..findings import Chart, FigureSet, Section, Signal, Table, Text
from ..periods import Period
from ..sources import Evidence
from ..stats import discovery
from ..triangulate import ThemeAssessment, assess_themes, triangulation_figures

# The areas each report reads, in the order their Figures are gathered; the report's own section
# (``sections/report.py``) is written last, from all of them.
REPORT_AREAS = {
    "quarterly": ("audits", "performance", "voice", "data_quality"),
    "annual": ("audits", "performance", "voice", "data_quality"),
    "monthly": ("audits", "performance", "voice", "data_quality"),
}
REPORT_OF_PERIOD = {"quarter": "quarterly", "year": "annual", "month": "monthly"}
# A whole number standing alone in prose (not part of a share, a decimal, a date or an id).
_STANDALONE_NUMBER = re.compile(r"(?<![\w.,%/-])(\d+)(?![\w%/-]|[.,]\d)")


@dataclass(frozen=True)
class Findings:
    """Every section of one pack, and the themes read together.

    Attributes:
        period: the pack's period.
        report: ``quarterly``, ``annual`` or ``monthly``.
        audience: the audience the sections were disclosed for.
        sections: area or report name -> its section.
        assessments: every configured theme read across the areas' Signals.
    """

    period: Period
    report: str
    audience: str
    sections: Mapping[str, Section]
    assessments: tuple[ThemeAssessment, ...] = ()
    discovery: Discovery | None = None

    def __getitem__(self, name: str) -> Section:
        try:
            return self.sections[name]
        except KeyError:
            raise KeyError(
                f"this {self.report} pack has no section {name!r}; it has: "
                f"{', '.join(self.sections)}"
            ) from None

    @property
    def figures(self) -> tuple[Figure, ...]:
        """Every Figure of the pack's areas, then the theme statuses (each id once)."""
        seen: dict[str, Figure] = {}
        for section in self.sections.values():
            for figure in section.figures:
                seen.setdefault(figure.id, figure)
        return tuple(seen.values())

    @property
    def by_id(self) -> dict[str, Figure]:
        return {f.id: f for f in self.figures}

    @property
    def signals(self) -> tuple[Signal, ...]:
        return tuple(s for section in self.sections.values() for s in section.signals)


@dataclass(frozen=True)
class Discovery:
    """How a pack's change and trend tests were judged together (Benjamini-Hochberg).

    Attributes:
        tests: distinct change and trend tests made.
        rate: the false discovery rate controlled (``thresholds.significance_alpha``).
        cutoff: the largest p-value called significant (-1 when none is).
        alone: tests that would have been significant judged alone, at the rate.
        discoveries: tests significant when judged together.
    """

    tests: int
    rate: float
    cutoff: float
    alone: int
    discoveries: int

    @property
    def sentence(self) -> str:
        """One sentence for the methods appendix."""
        return (
            f"The pack's {self.tests} change and trend tests were judged together "
            f"(Benjamini-Hochberg), so that on average no more than 1 in {round(1 / self.rate)} "
            f"of the changes called significant is a chance finding: {self.discoveries} "
            f"{'change is' if self.discoveries == 1 else 'changes are'} called significant, "
            f"where {self.alone} would have been judged one by one."
        )


def _judged_together(
    evidence: Evidence, period: Period, *, report: str, audience: str
) -> tuple[dict[str, Section], Discovery]:
    """Every area of the report, its change and trend tests judged together.

    The areas are computed once, noting each distinct test's p-value; the Benjamini-Hochberg
    cutoff at the configured rate follows. Only an area where the cutoff overturns a decision made
    test by test is computed again under it, so every Figure, table, reading and Signal calls the
    same changes significant; within it, a measure marked :func:`~qaanalysis.stats.discovery.reusable`
    is computed again only when one of its own tests is decided differently.
    """
    rate = evidence.config.thresholds.significance_alpha

    def build(name: str) -> Section:
        return _builder(name)(evidence, period, audience=audience)

    sections, tested = {}, {}
    with discovery.reusing():  # the second pass recomputes only what a changed decision shaped
        for name in REPORT_AREAS[report]:
            with discovery.recording() as tests:
                sections[name] = build(name)
            tested[name] = tests.p_values
        p_values = {key: p for tests in tested.values() for key, p in tests.items()}
        cutoff = discovery.bh_cutoff(p_values.values(), rate=rate)
        alone = sum(p < rate for p in p_values.values())
        together = sum(p <= cutoff for p in p_values.values())
        with discovery.judged_at(cutoff):
            for name, tests in tested.items():  # only areas where the cutoff overturns a decision
                if any((p < rate) != (p <= cutoff) for p in tests.values()):
                    sections[name] = build(name)
    return sections, Discovery(len(p_values), rate, cutoff, alone, together)


def _builder(name: str) -> Callable[..., Section]:
    return import_module(f"{__name__}.{name}").build


def build_area(name: str, evidence: Evidence, period: Period, *, audience: str) -> Section:
    """One area's section, disclosed for ``audience`` (a notebook opened on its own uses this)."""
    section = _builder(name)(evidence, period, audience=check_audience(audience))
    return disclose(section, audience=audience, evidence=evidence)


def compute_findings(
    evidence: Evidence,
    period: Period,
    *,
    report: str | None = None,
    audience: str = "internal",
    history: str | Path | None = None,
) -> Findings:
    """Compute a pack's findings once: every area, the themes, the report's own section.

    Args:
        evidence: the validated evidence.
        period: the pack's period.
        report: ``quarterly``, ``annual`` or ``monthly`` (default: the one the period's kind
            implies).
        audience: ``internal``, ``leadership`` or ``public``.
        history: the authority's history of runs (``history.sqlite``), read only: the report
            follows up the previous period's messages and takes year-end positions from it. None
            (or a file not yet written) reads as no earlier run.
    """
    from . import report as report_section

    audience = check_audience(audience)
    report = report or REPORT_OF_PERIOD[period.kind]
    sections, discovery = _judged_together(evidence, period, report=report, audience=audience)
    signals = [s for name in sections for s in sections[name].signals]
    assessments = tuple(assess_themes(signals, evidence.config))
    themes = Section("triangulation", {}, tuple(triangulation_figures(list(assessments), period)))
    disclosed = {
        name: disclose(section, audience=audience, evidence=evidence)
        for name, section in {**sections, "triangulation": themes}.items()
    }  # the report's own narrative is written from disclosed Figures
    if audience == "public":
        shown = tuple(s for section in disclosed.values() for s in section.signals)
        assessments = disclose_assessments(assessments, shown)
    partial = Findings(period, report, audience, disclosed, assessments, discovery)
    own = report_section.build(partial, evidence, history=history)
    own = disclose(own, audience=audience, evidence=evidence)
    return replace(partial, sections={**partial.sections, report: own})


def disclose(section: Section, *, audience: str, evidence: Evidence) -> Section:
    """The disclosure gate, applied once to what a section will show.

    Beyond internal readers: no folder of this machine is named (every absolute path in text,
    tables, chart text, Signals and Figures is cut to its file's name). For the public: Figures on small counts are suppressed (in the section's Figures and in every
    Figure set it shows); each Signal's reason is rewritten from its disclosed Figures, so no count
    from the suppressed range reaches prose through it; and chart data loses every count in that
    range (a bar, cell or point is left out rather than drawn). Tables and text pass the Session's
    own gate when shown (identifiers and child-level rows for internal readers only; small counts
    suppressed for the public).
    """
    if check_audience(audience) == "internal":
        return section
    section = _without_paths(section)
    if audience != "public":
        return section
    rule = evidence.config.suppression

    def gate(figures):
        return tuple(suppress_figure(f, rule) for f in figures)

    figures = gate(section.figures)
    by_id = {f.id: f for f in figures}
    items = {}
    for key, item in section.items.items():
        if isinstance(item, FigureSet):
            item = replace(item, figures=gate(item.figures))
        elif isinstance(item, Chart):
            item = replace(item, data={k: _mask_counts(v, rule) for k, v in item.data.items()})
        items[key] = item
    signals = tuple(_public_signal(s, by_id, rule) for s in section.signals)
    return replace(section, items=items, figures=figures, signals=signals)


def _without_paths(section: Section) -> Section:
    """The section naming no folder of this machine (:func:`disclosure.without_paths`)."""

    def text(value):
        return without_paths(value) if isinstance(value, str) else value

    def frame(value):
        if not isinstance(value, pd.DataFrame):
            return text(value)
        out = value.rename(columns=lambda c: text(c) if isinstance(c, str) else c)
        for column in out.columns:
            if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
                out[column] = out[column].map(text)
        return out

    def item(value):
        if isinstance(value, Text):
            return replace(value, markdown=text(value.markdown))
        if isinstance(value, Table):
            rollup = value.rollup and item(value.rollup)
            return replace(
                value,
                frame=frame(value.frame),
                title=text(value.title),
                note=text(value.note),
                rollup=rollup,
            )
        if isinstance(value, Chart):
            data = {k: frame(v) for k, v in value.data.items()}
            return replace(value, data=data, alt=text(value.alt))
        if isinstance(value, FigureSet):
            return replace(value, figures=tuple(figure(f) for f in value.figures))
        return value

    def figure(value: Figure) -> Figure:
        return replace(
            value, label=text(value.label), note=text(value.note), source=text(value.source)
        )

    return replace(
        section,
        items={key: item(value) for key, value in section.items.items()},
        figures=tuple(figure(f) for f in section.figures),
        signals=tuple(replace(s, reason=text(s.reason)) for s in section.signals),
    )


def disclose_assessments(
    assessments: tuple[ThemeAssessment, ...], signals: tuple[Signal, ...]
) -> tuple[ThemeAssessment, ...]:
    """The theme assessments with their Signals replaced by the disclosed ones (same statuses)."""
    disclosed = {(s.theme, s.source): s for s in signals}
    return tuple(
        replace(a, signals=tuple(disclosed.get((s.theme, s.source), s) for s in a.signals))
        for a in assessments
    )


def _public_signal(signal: Signal, by_id: Mapping[str, Figure], rule) -> Signal:
    """The Signal as the public may read it: when its reason states a number in the suppressed
    range, the reason is rewritten from its disclosed Figures ("label: value")."""
    numbers = (int(n) for n in _STANDALONE_NUMBER.findall(signal.reason))
    if not any(is_small(n, rule) for n in numbers):
        return signal
    cited = [by_id[i] for i in signal.figure_ids if i in by_id]
    if not cited:
        return replace(signal, reason=rule.symbol)
    reason = "; ".join(f"{f.label}: {f.text}" for f in cited)
    return replace(signal, reason=reason)


def _mask_counts(value, rule):
    """A chart's frame with whole-number counts in the suppressed range left out (NaN)."""
    if not isinstance(value, pd.DataFrame):
        return value
    frame = value.copy()
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series):
            small = series.map(lambda v: is_small(v, rule)).astype(bool)
            if small.any():
                frame[column] = series.astype("float64").mask(small)
    return frame
