"""The history of every run: one SQLite file per authority, beside its outputs.

Each pack records what it found: its Figures, its theme statuses, its key messages and its
recommendations. Stock KPIs (children on a plan, in care, care leavers in touch) describe one date and
Annex A holds only the latest state, so the history is where a quarter-end or year-end position is kept
once the extract has moved on; trends, year-on-year comparisons and "what we said last quarter" are read
from it (DESIGN.md, "kept over time").

The file is ``<out>/<authority slug>/history.sqlite`` (:func:`history_path`), written with the
standard library's ``sqlite3``: no server, one file the QA team can copy, back up or open in any
SQLite reader. ``docs/history.md`` describes it for readers; the schema below is the reference.

Schema (version 1)::

    schema_version  version           the schema the file is written in (one row)
                    written_by        the qaanalysis version that created or last migrated it
    runs            run_id            a new number for every run (never reused)
                    period            2026-27-Q2, 2025-26 or 2026-09
                    period_kind       quarter, year or month
                    period_start      first day of the period (ISO date), for ordering
                    period_end        last day of the period (ISO date): the as-at date of stocks
                    report            quarterly, annual or monthly
                    audience          internal, leadership or public
                    extract_date      the date the exports were taken (ISO date), if known
                    package_version   the qaanalysis version that built the pack
                    created_at        when the run was recorded (ISO time, UTC)
                    inputs_digest     SHA-256 (shortened) of the configuration and every input
                    UNIQUE (period, report, audience): one run per period, report and audience
    figures         run_id, figure_id the Figure's stable id (kpi.cla_missing, audits.count, ...)
                    label, unit       as in figures.json
                    value             the number as computed (integer or real; NULL for a status)
                    value_text        a status Figure's label (NULL otherwise)
                    text              the value as a reader sees it: "68% (32 of 47)"
                    numerator, denominator, ci_low, ci_high
                    direction         improving, declining, stable or not_judged
                    significant       0 or 1
                    period            the Figure's own period (normally the run's)
                    suppressed        0 or 1 (public packs withhold small counts)
                    source, theme, note
                    comparison        the Figure's comparison as JSON text (NULL when none)
                    PRIMARY KEY (run_id, figure_id)
    themes          run_id, theme_id  a configured practice theme
                    label, status     status: corroborated_strength, corroborated_concern,
                                      mixed, single_source or no_evidence
                    status_label      the status as a reader sees it
                    judgement_area    the ILACS judgement area the theme informs
                    figure_ids        the Figures the status rests on, ", " between them
                    PRIMARY KEY (run_id, theme_id)
    messages        run_id, kind      key_message or recommendation
                    rank              1 = first on the page
                    text              the finding (or the recommendation) in one sentence
                    evidence          the evidence in counts
                    meaning           what it means for children
                    action, owner, due  the proposed action, who owns it, by when (ISO date)
                    theme             the practice theme it concerns, if one
                    figure_ids        the Figures it cites, ", " between them (to measure it later)
                    PRIMARY KEY (run_id, kind, rank)

Writes are safe: the file is created readable and writable by its owner only (0600) in a folder
made under the user's umask; every write is one transaction taken at once (``BEGIN IMMEDIATE``), so
concurrent runs wait for each other (up to :data:`BUSY_TIMEOUT_S`), and re-recording a period, report
and audience replaces that run's rows in the same transaction (other periods are kept). A read-only
folder, a full disk, a locked or damaged file ends in :class:`HistoryError` (``exit_code`` 1) with a
message saying what to do. A file written by a newer schema is refused; an older one is migrated
when written to, or refused when no migration exists.
"""

from .read import (
    DIRECTION_WORDS,
    StoredRun,
    export,
    figure_history,
    figure_table,
    figures_of,
    messages_of,
    previous_run,
    runs,
    runs_table,
    themes_of,
    year_end_positions,
)
from .store import (
    AUDIENCE_PREFERENCE,
    BUSY_TIMEOUT_S,
    FILE_NAME,
    MESSAGE_KINDS,
    SCHEMA_VERSION,
    TABLES,
    HistoryError,
    fault_message,
    history_path,
)
from .write import MessageRow, RunInfo, ThemeRow, record_run

__all__ = [
    "AUDIENCE_PREFERENCE",
    "BUSY_TIMEOUT_S",
    "DIRECTION_WORDS",
    "FILE_NAME",
    "MESSAGE_KINDS",
    "SCHEMA_VERSION",
    "TABLES",
    "HistoryError",
    "MessageRow",
    "RunInfo",
    "StoredRun",
    "ThemeRow",
    "export",
    "fault_message",
    "figure_history",
    "figure_table",
    "figures_of",
    "history_path",
    "messages_of",
    "previous_run",
    "record_run",
    "runs",
    "runs_table",
    "themes_of",
    "year_end_positions",
]
