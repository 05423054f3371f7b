"""Audit actions: due, closed on time, overdue and still open (Sefton: closed within 31 days).

An action's due date is its own ``due_date``, or, where the export leaves it blank, the raised date
plus ``timescales.action_due_days`` calendar days (filled by the loader; ``is_due_date_default``
marks those rows). An action's team is its ``owner_team``, else the team of the audit that raised it.

- *Due in the period*: ``due_date`` falls in the period.
- *Closed on time*: of those, ``completed_date`` on or before ``due_date``.
- *Overdue and open at period end*: ``due_date`` on or before the period's last day and not
  completed by the end of that day; its age is days from raised to the period end, its lateness
  days from due to the period end.
- *Open at period end*: raised by the period end and not completed by then, due or not.
"""

from __future__ import annotations

import pandas as pd

from .. import figures as fig
from .. import stats
from ..figures import Figure
from ..periods import Period
from ..sources import Evidence
from .audits import PERCENT_SUFFIXES, share_columns
from .registry import Measure, polarity
from .registry import label as declared

SOURCE = "audit_actions"

#: Declared measures of audit actions (the registry, :mod:`qaanalysis.measures.registry`).
MEASURES: tuple[Measure, ...] = tuple(
    Measure(area="actions", source=SOURCE, **m)
    for m in (
        dict(
            id="actions.due",
            label="Audit actions due in the period",
            numerator="actions whose due date falls in the period",
            period_rule="due_date in the period",
            days="calendar days: the due date as recorded, else raised + "
            "{timescales.action_due_days} days (timescales.action_due_days)",
        ),
        dict(
            id="actions.closed_on_time",
            label="Actions due in the period closed by their due date",
            unit="percent",
            polarity="higher",
            numerator="of those, actions completed on or before the due date",
            denominator="actions due in the period",
            period_rule="due_date in the period; compared with the previous period (Fisher)",
        ),
        dict(
            id="actions.overdue_open",
            label="Actions overdue and still open at the period end",
            polarity="lower",
            numerator="actions due on or before the period's last day, not completed by then",
            period_rule="open at the period end",
        ),
        dict(
            id="actions.open",
            label="Actions open at the period end",
            numerator="actions raised by the period end and not completed by then",
            period_rule="open at the period end",
        ),
        dict(
            id="actions.overdue_open.median_days",
            label="Median days overdue (actions overdue at the period end)",
            unit="days",
            polarity="lower",
            numerator="median of (period end - due date) over overdue open actions",
            period_rule="open at the period end",
        ),
    )
)


def _with_team(evidence: Evidence) -> pd.DataFrame:
    """Actions with ``team``: the owner team, else the team of the audit that raised them."""
    actions = evidence.audit_actions
    audits = evidence.audits[["audit_id", "team", "service"]].drop_duplicates("audit_id")
    merged = actions.merge(audits, on="audit_id", how="left", validate="many_to_one")
    merged.index = actions.index
    merged["team"] = merged["owner_team"].where(merged["owner_team"].notna(), merged["team"])
    merged["team"] = merged["team"].astype(object).where(merged["team"].notna(), "not recorded")
    return merged


def _open_at(actions: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Raised by ``day`` and not completed by the end of it."""
    done = actions["completed_date"].notna() & (actions["completed_date"] <= day)
    return (actions["raised_date"] <= day) & ~done


def action_status(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Every action with its standing for the period (one row per action; internal detail).

    Adds to the canonical columns ``team``, ``is_due_in_period``, ``is_closed_on_time`` (for
    actions due in the period), ``is_open_at_end``, ``is_overdue_open``, ``age_days`` (raised to
    period end, open actions) and ``days_overdue`` (due to period end, overdue open actions).
    """
    actions = _with_team(evidence)
    end = period.end
    due = period.contains(actions["due_date"])
    on_time = actions["completed_date"].notna() & (actions["completed_date"] <= actions["due_date"])
    is_open = _open_at(actions, end)
    overdue = is_open & (actions["due_date"] <= end)
    return actions.assign(
        is_due_in_period=due,
        is_closed_on_time=due & on_time,
        is_open_at_end=is_open,
        is_overdue_open=overdue,
        age_days=(end - actions["raised_date"]).dt.days.where(is_open).astype("Int64"),
        days_overdue=(end - actions["due_date"]).dt.days.where(overdue).astype("Int64"),
    )


@stats.discovery.reusable
def actions_by_team(evidence: Evidence, period: Period, *, by: str = "team") -> pd.DataFrame:
    """Actions due, closed on time, overdue and open, by team (or ``service``).

    Columns: the group, ``due`` (due in the period), ``closed_on_time_count``/``_pct`` with its
    Wilson interval (of those due), ``overdue_open`` and ``open`` at the period end, and
    ``median_age_days`` of the open actions (days since raised) at the period end. A final row
    "All" gives the authority.
    """
    config = evidence.config
    status = action_status(evidence, period)
    alpha = config.thresholds.significance_alpha
    groups = status[by].astype(object).where(status[by].notna(), "not recorded")
    rows = []
    parts = [(value, part) for value, part in status.groupby(groups, sort=True)]
    parts.append(("All", status))
    for value, part in parts:
        due = int(part["is_due_in_period"].sum())
        if not (due or part["is_open_at_end"].any()):
            continue
        rows.append(
            {
                by: value,
                "due": due,
                **share_columns("closed_on_time", int(part["is_closed_on_time"].sum()), due, alpha),
                "overdue_open": int(part["is_overdue_open"].sum()),
                "open": int(part["is_open_at_end"].sum()),
                "median_age_days": part["age_days"].dropna().astype(float).median(),
            }
        )
    columns = (
        [by, "due"]
        + [f"closed_on_time{s}" for s in ("_count", *PERCENT_SUFFIXES)]
        + ["overdue_open", "open", "median_age_days"]
    )
    out = pd.DataFrame(rows, columns=columns)
    counts = ["due", "closed_on_time_count", "overdue_open", "open"]
    out[counts] = out[counts].astype("int64")
    out["median_age_days"] = out["median_age_days"].astype(float)
    return out


@stats.discovery.reusable
def overdue_actions(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Actions overdue and still open at the period end, longest overdue first (internal)."""
    status = action_status(evidence, period)
    overdue = status[status["is_overdue_open"]]
    columns = [
        "action_id",
        "audit_id",
        "team",
        "raised_date",
        "due_date",
        "is_due_date_default",
        "age_days",
        "days_overdue",
    ]
    columns = [c for c in columns if c in overdue.columns]
    return overdue.sort_values(["days_overdue", "action_id"], ascending=[False, True])[
        columns
    ].reset_index(drop=True)


@stats.discovery.reusable
def action_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """Every action Figure of the period (ids in :data:`MEASURES` and DESIGN.md).

    ``actions.due``, ``actions.closed_on_time`` (when any action was due),
    ``actions.overdue_open``, ``actions.open`` and ``actions.overdue_open.median_days`` (when
    any is overdue). Empty when no action is recorded.
    """
    if not evidence.has(SOURCE):
        return []
    config = evidence.config
    previous_period = period.previous()
    now = action_status(evidence, period)
    before = action_status(evidence, previous_period)
    common = {"period": period.code, "source": SOURCE, "previous_period": previous_period.code}
    due, due_before = int(now["is_due_in_period"].sum()), int(before["is_due_in_period"].sum())
    days = config.timescales.action_due_days
    out = [
        fig.count(
            "actions.due",
            declared("actions.due", config),
            due,
            previous=due_before,
            note=f"due date as recorded, else {days} days after raised",
            **common,
        )
    ]
    if due:
        out.append(
            fig.proportion(
                "actions.closed_on_time",
                declared("actions.closed_on_time", config),
                k=int(now["is_closed_on_time"].sum()),
                n=due,
                previous=(int(before["is_closed_on_time"].sum()), due_before),
                polarity=polarity("actions.closed_on_time"),
                alpha=config.thresholds.significance_alpha,
                min_n=config.thresholds.min_n_compare,
                **common,
            )
        )
    overdue = int(now["is_overdue_open"].sum())
    out += [
        fig.count(
            "actions.overdue_open",
            declared("actions.overdue_open", config),
            overdue,
            previous=int(before["is_overdue_open"].sum()),
            **common,
        ),
        fig.count(
            "actions.open",
            declared("actions.open", config),
            int(now["is_open_at_end"].sum()),
            previous=int(before["is_open_at_end"].sum()),
            **common,
        ),
    ]
    if overdue:
        median = float(now["days_overdue"].dropna().median())
        out.append(
            fig.count(
                "actions.overdue_open.median_days",
                declared("actions.overdue_open.median_days", config),
                median,
                unit="days",
                period=period.code,
                source=SOURCE,
            )
        )
    return out
