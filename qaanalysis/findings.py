"""Signals: what one source says about one practice theme, with the Figures behind it.

Each measures module offers ``signals(evidence, period) -> list[Signal]``; triangulation reads them
together theme by theme (METHODS.md, triangulation). A signal is judged against the source's own
standard: an audit share against the authority's aspiration, a KPI against its target, benchmark and
SPC reading, complaints and escalations against their own trend, feedback against its positive
threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
