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

A pack computes its areas twice (once to note the p-values, again under the cutoff where it
overturns a decision), so a measure marked :func:`reusable` is computed once per pack inside
:func:`reusing`: its result is kept with the decisions of the tests made while computing it, and
is given again only while every one of those tests would be decided the same way (judged alone, or
against the cutoff). A result that no test shaped is computed once; one whose test the cutoff
overturns is computed again.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Tests:
    """The distinct tests seen under :func:`recording`: key -> p-value."""

    p_values: dict[Hashable, float] = field(default_factory=dict)


_recording: ContextVar[Tests | None] = ContextVar("qaanalysis_tests", default=None)
_cutoff: ContextVar[float | None] = ContextVar("qaanalysis_cutoff", default=None)
# A test as a reusable result remembers it: (key, p-value, alpha, the decision made).
_Test = tuple[Hashable | None, float, float, bool]
_made: ContextVar[list[_Test] | None] = ContextVar("qaanalysis_tests_made", default=None)


def significant(p_value: float, alpha: float, *, key: Hashable | None = None) -> bool:
    """Whether a change or trend test is significant (see the module docstring).

    Args:
        p_value: the test's p-value (NaN when it could not be computed: never significant).
        alpha: the level for a test judged alone.
        key: what identifies the test (its name and inputs), so a test computed twice counts once.
    """
    if p_value is None or math.isnan(p_value):
        return False
    decision = _decide(p_value, alpha)
    _note((key, float(p_value), alpha, decision))
    return decision


def _decide(p_value: float, alpha: float) -> bool:
    cutoff = _cutoff.get()
    if cutoff is not None:
        return p_value <= cutoff
    return p_value < alpha


def _note(test: _Test) -> None:
    """Note a test made (or made again by a reused result) in the recording and the result."""
    key, p_value = test[0], test[1]
    tests = _recording.get()
    if tests is not None:
        tests.p_values.setdefault(
            key if key is not None else ("unkeyed", len(tests.p_values)), p_value
        )
    made = _made.get()
    if made is not None:
        made.append(test)


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


@dataclass
class _Memo:
    """The results of :func:`reusable` measures kept for one pack (see :func:`reusing`)."""

    results: dict[Hashable, tuple[Any, tuple[_Test, ...]]] = field(default_factory=dict)
    # Objects named in keys by identity, kept alive so that no other object takes their id.
    held: dict[int, Any] = field(default_factory=dict)
    # A kept result's copy given to a caller -> the token of the kept result, and the result.
    aliases: dict[int, tuple[Hashable, Any]] = field(default_factory=dict)

    def token(self, value: Any) -> Hashable:
        """What names an argument in a key: its value when hashable, else its identity (a copy
        of a kept result is named as the result while it is unchanged)."""
        if isinstance(value, tuple):
            return ("tuple", *(self.token(v) for v in value))
        alias = self.aliases.get(id(value))
        if alias is not None and self.held.get(id(value)) is value and _unchanged(value, alias[1]):
            return alias[0]
        try:
            hash(value)
        except TypeError:
            self.held[id(value)] = value
            return ("id", id(value))
        return (type(value), value)

    def key(self, function: Callable, args: tuple, kwargs: dict) -> Hashable:
        named = tuple(sorted((name, self.token(v)) for name, v in kwargs.items()))
        return (function, tuple(self.token(v) for v in args), named)

    def given(self, value: Any) -> Any:
        """A kept result as a caller receives it: frames, lists and dicts as shallow copies (a
        caller changing its copy changes no other), the copy named as the kept result."""
        if isinstance(value, pd.DataFrame | pd.Series):
            copy = value.copy(deep=False)
        elif isinstance(value, list | dict):
            copy = type(value)(value)
        else:
            return value
        self.aliases[id(copy)] = (self.token(value), value)
        self.held[id(copy)] = copy
        return copy


def _unchanged(copy: Any, kept: Any) -> bool:
    """Whether a caller's copy of a kept result still holds what the result holds (a caller may
    change its copy, and then hand it to another measure)."""
    if isinstance(copy, pd.DataFrame | pd.Series):
        return copy.equals(kept) and (
            not isinstance(copy, pd.DataFrame) or list(copy.columns) == list(kept.columns)
        )
    if isinstance(copy, dict):
        return list(copy) == list(kept) and all(copy[k] is kept[k] for k in copy)
    return len(copy) == len(kept) and all(a is b for a, b in zip(copy, kept, strict=True))


_memo: ContextVar[_Memo | None] = ContextVar("qaanalysis_memo", default=None)


@contextmanager
def reusing() -> Iterator[None]:
    """Keep the results of :func:`reusable` measures computed inside the block (one pack)."""
    token = _memo.set(_Memo())
    try:
        yield
    finally:
        _memo.reset(token)


def reusable(function: F) -> F:
    """Mark a pure measure whose result may be reused within :func:`reusing` (see the module
    docstring). Outside the block it is simply called.

    Only for a function whose result depends on nothing but its arguments and the decisions of the
    tests made while computing it (no clock, no file, no global setting), and that changes none of
    its arguments. An argument is matched by value when it can be hashed, else by identity: a
    frame or list changed in place between two calls would be taken for the same one, so measures
    never change their inputs (a reused frame, list or dict is handed out as a shallow copy, which
    its caller may change freely).
    """

    @functools.wraps(function)
    def reused(*args, **kwargs):
        memo = _memo.get()
        if memo is None:
            return function(*args, **kwargs)
        key = memo.key(function, args, kwargs)
        kept = memo.results.get(key)
        if kept is not None and all(_decide(p, alpha) == d for _, p, alpha, d in kept[1]):
            for test in kept[1]:
                _note(test)
            return memo.given(kept[0])
        made: list[_Test] = []
        token = _made.set(made)
        try:
            value = function(*args, **kwargs)
        finally:
            _made.reset(token)
        outer = _made.get()
        if outer is not None:
            outer.extend(made)
        memo.results[key] = (value, tuple(made))
        return memo.given(value)

    return reused  # type: ignore[return-value]
