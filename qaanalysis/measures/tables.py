"""How a measure table's columns are read, one rule for every area: share columns, the display
options (:func:`table_options`) their names imply, and a section's table shown with them
(:func:`shown_table`)."""

from __future__ import annotations

import math

import pandas as pd

from .. import stats
from ..findings import Table

#: The suffixes of a share's columns: the fraction and its Wilson interval.
PERCENT_SUFFIXES = ("_pct", "_ci_low", "_ci_high")

#: Whole-number columns that count no children or records, so are never suppressed.
NOT_COUNTS = frozenset(
    {
        "rank",
        "quarters_above",
        "run_length",
        "auditors",
        "quota_per_auditor",
        "seed",
        "timescale_working_days",
    }
)

#: A share whose count column is not named after it: the share -> the count it is out of.
PERCENT_OF_TOTAL = {"next_stage": "complaints"}


def share_columns(prefix: str, k: int, n: int, alpha: float) -> dict:
    """``<prefix>_count``, ``_pct``, ``_ci_low``, ``_ci_high``: a share with its Wilson interval."""
    low, high = stats.wilson_interval(int(k), int(n), alpha=alpha) if n else (math.nan, math.nan)
    return {
        f"{prefix}_count": int(k),
        f"{prefix}_pct": k / n if n else math.nan,
        f"{prefix}_ci_low": low,
        f"{prefix}_ci_high": high,
    }


def _stem(column: str) -> str:
    return next(column[: -len(s)] for s in PERCENT_SUFFIXES if column.endswith(s))


def table_options(frame: pd.DataFrame) -> dict:
    """Display options for :meth:`Session.table`, read from a measure table's column names.

    Whole-number columns are counts (suppressed for the public audience), except those in
    :data:`NOT_COUNTS`. ``X_pct``, ``X_ci_low`` and ``X_ci_high`` are percentages, each
    suppressed with its count: ``X_count`` where the table has it, else the count column ``X``
    itself, else the total :data:`PERCENT_OF_TOTAL` names (``next_stage_pct`` is a share of the
    row's ``complaints``).

    Example:
        ``s.table(t, name="grades", title="...", **table_options(t))``
    """
    counts = [
        c
        for c in frame.columns
        if pd.api.types.is_integer_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])
        and c not in NOT_COUNTS
    ]
    percents = [c for c in frame.columns if str(c).endswith(PERCENT_SUFFIXES)]
    percent_of = {}
    for column in percents:
        stem = _stem(str(column))
        if f"{stem}_count" in frame.columns:
            percent_of[column] = f"{stem}_count"
        elif stem in counts:
            percent_of[column] = stem
        elif PERCENT_OF_TOTAL.get(stem) in counts:
            percent_of[column] = PERCENT_OF_TOTAL[stem]
    return {"count_columns": counts, "percent_columns": percents, "percent_of": percent_of}


def shown_table(
    frame: pd.DataFrame,
    *,
    name: str,
    title: str,
    note: str = "",
    rollup: Table | None = None,
    detail: bool = False,
    **options,
) -> Table:
    """A measure table as a section shows it, with the options its column names imply
    (:func:`table_options`) unless ``options`` give them; ``detail`` tables go to the pack's
    appendix of detailed tables."""
    shown = {**table_options(frame), **options}
    return Table(
        name,
        title,
        frame,
        count_columns=tuple(shown["count_columns"]),
        percent_columns=tuple(shown["percent_columns"]),
        percent_of=shown["percent_of"],
        rollup=rollup,
        note=note,
        detail=detail,
    )
