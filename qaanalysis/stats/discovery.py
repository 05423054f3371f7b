"""Change and trend tests judged together: the false discovery rate of a pack (METHODS.md).

A pack makes dozens of period-on-period and trend tests. Judged one by one at 5%, an authority
whose rates never changed would still be told of "improvements" and "declines" by chance. So a pack
is computed under :func:`recording`, which notes the p-value of every distinct change or trend test
(each test function calls :func:`significant`); the Benjamini-Hochberg step-up procedure at the
configured rate gives one cutoff (:func:`bh_cutoff`); and the pack is then judged under
:func:`judged_at` that cutoff: a test is significant only when its p-value is at or below it. Outside
these blocks (a notebook cell, a unit test) a test is judged alone: ``p < alpha``.

Each test is counted once however often a pack computes it (a domain's Fisher test behind a Figure,
a table and a Signal is one hypothesis), identified by the ``key`` its function passes.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Tests:
    """The distinct tests seen under :func:`recording`: key -> p-value."""

    p_values: dict[Hashable, float] = field(default_factory=dict)


_recording: ContextVar[Tests | None] = ContextVar("qaanalysis_tests", default=None)
_cutoff: ContextVar[float | None] = ContextVar("qaanalysis_cutoff", default=None)


def significant(p_value: float, alpha: float, *, key: Hashable | None = None) -> bool:
    """Whether a change or trend test is significant (see the module docstring).

    Args:
        p_value: the test's p-value (NaN when it could not be computed: never significant).
        alpha: the level for a test judged alone.
        key: what identifies the test (its name and inputs), so a test computed twice counts once.
    """
    if p_value is None or math.isnan(p_value):
        return False
    tests = _recording.get()
    if tests is not None:
        tests.p_values.setdefault(
            key if key is not None else ("unkeyed", len(tests.p_values)), float(p_value)
        )
    cutoff = _cutoff.get()
    if cutoff is not None:
        return p_value <= cutoff
    return p_value < alpha


def bh_cutoff(p_values: Iterable[float], *, rate: float) -> float:
    """The Benjamini-Hochberg cutoff: the largest p(i) with p(i) <= i/m x rate (-1 when none).

    Every test with a p-value at or below the cutoff is a discovery; the expected share of false
    discoveries among them is at most ``rate`` (for independent or positively dependent tests).
    """
    ordered = sorted(p for p in p_values if not math.isnan(p))
    m = len(ordered)
    cutoff = -1.0
    for i, p in enumerate(ordered, start=1):
        if p <= i / m * rate:
            cutoff = p
    return cutoff


@contextmanager
def recording() -> Iterator[Tests]:
    """Note every distinct test's p-value made inside the block (judged alone meanwhile)."""
    tests = Tests()
    token = _recording.set(tests)
    try:
        yield tests
    finally:
        _recording.reset(token)


@contextmanager
def judged_at(cutoff: float) -> Iterator[None]:
    """Judge every test inside the block against a pack's cutoff rather than alone."""
    token = _cutoff.set(cutoff)
    try:
        yield
    finally:
        _cutoff.reset(token)
