"""Signals: what one source says about one practice theme, with the Figures behind it.

Each measures module offers ``signals(evidence, period) -> list[Signal]``; triangulation reads them
together theme by theme (METHODS.md, triangulation). A signal is judged against the source's own
standard: an audit share against the authority's aspiration, a KPI against its target, benchmark and
SPC reading, complaints and escalations against their own trend, feedback against its positive
threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .figures import Figure

SIGNALS = ("positive", "negative", "neutral", "absent")
SOURCES = ("audits", "performance", "complaints", "feedback", "escalations")


@dataclass(frozen=True)
class Signal:
    """One source's reading of one theme.

    Attributes:
        theme: theme id from the configuration's theme map.
        source: one of :data:`SOURCES`.
        signal: positive, negative, neutral or absent.
        reason: a plain-English clause a narrative can use, with counts
            ("assessment domain rated good or better in 41% (12 of 29) of audits, below the 70%
            aspiration").
        figure_ids: the Figures the reading rests on (each must appear in the run's figures.json).
    """

    theme: str
    source: str
    signal: str
    reason: str
    figure_ids: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.signal not in SIGNALS:
            raise ValueError(f"signal {self.signal!r} is not one of {SIGNALS}")
        if self.source not in SOURCES:
            raise ValueError(f"source {self.source!r} is not one of {SOURCES}")


# ---------------------------------------------------------------------------------------------
# What a section shows, computed once per pack. A section builder (``qaanalysis.sections``) returns
# these; the Session shows them; nothing is computed at display time except drawing a chart.


@dataclass(frozen=True)
class Table:
    """A computed table and how it is shown.

    Attributes:
        name: the sheet name in ``tables.xlsx`` (short, unique in the report).
        title: the caption.
        frame: the data (canonical column names; shares as fractions).
        count_columns: counts, suppressed for the public audience.
        percent_columns: fractions shown as percentages.
        percent_of: percentage column -> the count column it is built on (suppressed with it).
        child_level: one row per child or record: shown to the internal audience only.
        rollup: a less detailed table shown to the public when a cell of this one is suppressed.
        note: a note under the table.
        detail: a detail table or row list: the renderer moves it out of the report's body into
            the appendix of detailed tables (it stays in ``tables.xlsx``), leaving a pointer.
    """

    name: str
    title: str
    frame: pd.DataFrame
    count_columns: tuple[str, ...] = ()
    percent_columns: tuple[str, ...] = ()
    percent_of: Mapping[str, str] | None = None
    child_level: bool = False
    rollup: Table | None = None
    note: str = ""
    detail: bool = False


@dataclass(frozen=True)
class Chart:
    """A chart to draw from computed data: ``qaanalysis.charts.<draw>(**data)``.

    Attributes:
        name: the chart's name in the pack.
        draw: the name of a chart function in :mod:`qaanalysis.charts`.
        data: its keyword arguments (frames, column names, title).
        alt: alternative text.
    """

    name: str
    draw: str
    data: Mapping[str, Any]
    alt: str


@dataclass(frozen=True)
class Text:
    """A paragraph (or several) of narrative in Markdown, written by the narrative layer."""

    name: str
    markdown: str


@dataclass(frozen=True)
class FigureSet:
    """Figures shown together as a small table.

    Attributes:
        name: the set's name.
        title: the caption.
        figures: the Figures, in the order shown.
        detail: a long reference list: shown in the appendix of detailed tables, not the body.
    """

    name: str
    title: str
    figures: tuple[Figure, ...]
    detail: bool = False


Item = Table | Chart | Text | FigureSet


@dataclass(frozen=True)
class Section:
    """Everything one area of a pack shows, computed once, in reading order.

    Attributes:
        name: the area (``audits``, ``performance``, ``voice``, ``data_quality``, a report).
        items: item key -> item, in the order the area's notebook shows them. The key is what a
            notebook cell names (``s.show(section["grades_by_month_chart"])``).
        figures: every Figure of the area (those shown and those only cited), for triangulation.
        signals: the area's readings of each practice theme.
    """

    name: str
    items: Mapping[str, Item]
    figures: tuple[Figure, ...] = ()
    signals: tuple[Signal, ...] = ()

    def __getitem__(self, key: str) -> Item:
        try:
            return self.items[key]
        except KeyError:
            raise KeyError(
                f"section {self.name!r} has no item {key!r}; it has: {', '.join(self.items)}"
            ) from None
