"""Practice alerts and disputes (IRO, CP chair, DRP): time to resolution, alerts open past the
timescale, categories and the escalation Figures."""

from __future__ import annotations

import math

import pandas as pd

from ... import stats
from ...config import Config
from ...figures import Figure, proportion
from ...periods import Period, working_days_between
from ...sources import Evidence
from ..registry import label as declared
from .complaints import category_by_quarter, significant_rises
from .counting import (
    _as_at,
    _count_figure,
    _coverage_start,
    _in,
    _label,
    _n_in,
    _theme_labels,
    category_changes,
    comparison_periods,
    count_windows,
    theme_map,
)
from .definitions import NOT_RECORDED


def escalation_status(
    escalations: pd.DataFrame, *, config: Config, as_at: pd.Timestamp
) -> pd.DataFrame:
    """Each alert raised on or before ``as_at``: time to resolution and whether it is open past
    the timescale at ``as_at``.

    Working days count after the day an alert was raised up to and including the day it was
    resolved (or ``as_at``), without weekends and bank holidays; the timescale is
    ``timescales.escalation_resolution_working_days``. An alert resolved after ``as_at`` is open
    at ``as_at``.

    Returns:
        Indexed as the input: ``alert_id``, ``category``, ``stage``, ``raised_date``,
        ``resolved_date``, ``resolution_working_days`` (resolved by ``as_at``), ``is_open``,
        ``open_working_days``, ``is_past_timescale`` (open and past the timescale).
    """
    as_at = pd.Timestamp(as_at)
    limit = config.timescales.escalation_resolution_working_days
    alerts = escalations[escalations["raised_date"] <= as_at]
    resolved = alerts["resolved_date"].notna() & (alerts["resolved_date"] <= as_at)
    taken = working_days_between(start=alerts["raised_date"], end=alerts["resolved_date"])
    waited = working_days_between(
        start=alerts["raised_date"], end=pd.Series(as_at, index=alerts.index)
    )
    return pd.DataFrame(
        {
            "alert_id": alerts["alert_id"],
            "category": alerts["category"],
            "stage": alerts["stage"],
            "raised_date": alerts["raised_date"],
            "resolved_date": alerts["resolved_date"],
            "resolution_working_days": taken.where(resolved),
            "is_open": ~resolved,
            "open_working_days": waited.where(~resolved),
            "is_past_timescale": ~resolved & (waited > limit),
        },
        index=alerts.index,
    )


ESCALATION_COLUMNS = [
    "category",
    "category_label",
    "themes",
    "raised",
    "previous",
    "last_year",
    "change",
    "trend",
    "resolved",
    "resolved_within_timescale",
    "median_working_days",
    "open_at_end",
    "open_past_timescale",
]


def escalation_categories(
    escalations: pd.DataFrame,
    *,
    period: Period,
    config: Config,
    as_at: pd.Timestamp,
    trend_quarters: int = 6,
    status: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Alerts by category: raised in the period (with the change on the previous period and the
    same period last year), resolved in the period, median working days to resolve, and open past
    the timescale at the period end.

    Returns:
        One row per category (most raised first): ``category``, ``category_label``, ``themes``,
        ``raised``, ``previous``, ``last_year``, ``change``, ``trend`` (over the last six covered
        quarters, :func:`count_trend`), ``resolved``, ``resolved_within_timescale``,
        ``median_working_days``, ``open_at_end``, ``open_past_timescale``.

    Args:
        status: :func:`escalation_status` at ``as_at`` when already computed.
    """
    if not len(escalations):
        return pd.DataFrame(columns=ESCALATION_COLUMNS)
    alpha = config.thresholds.significance_alpha
    limit = config.timescales.escalation_resolution_working_days
    covered = _coverage_start(escalations["raised_date"])
    comparisons, quarters = count_windows(
        period, covered_from=covered, trend_quarters=trend_quarters
    )
    if status is None:
        status = escalation_status(escalations, config=config, as_at=as_at)
    categories = list(theme_map(config, "escalation_categories"))
    categories += [c for c in escalations["category"].dropna().unique() if c not in categories]
    changes = category_changes(
        escalations,
        "raised_date",
        categories,
        period=period,
        comparisons=comparisons,
        quarters=quarters,
        alpha=alpha,
    )
    rows = []
    for code, counts in changes.items():
        row = {
            "category": code,
            "category_label": _label(code),
            "raised": counts["current"],
            **{k: counts[k] for k in ("previous", "last_year", "change", "trend")},
        }
        st = status[status["category"] == code]
        done = st[period.contains(st["resolved_date"]) & st["resolution_working_days"].notna()]
        row["resolved"] = len(done)
        row["resolved_within_timescale"] = int((done["resolution_working_days"] <= limit).sum())
        row["median_working_days"] = (
            float(done["resolution_working_days"].median()) if len(done) else math.nan
        )
        row["open_at_end"] = int(st["is_open"].sum())
        row["open_past_timescale"] = int(st["is_past_timescale"].sum())
        if any(row[c] for c in ("raised", "resolved", "open_at_end")) or code in theme_map(
            config, "escalation_categories"
        ):
            rows.append(row)
    frame = pd.DataFrame(rows, columns=[c for c in ESCALATION_COLUMNS if c != "themes"])
    frame.insert(2, "themes", _theme_labels(frame["category"], config, "escalation_categories"))
    frame[["previous", "last_year"]] = frame[["previous", "last_year"]].astype("Int64")
    return frame.sort_values(["raised", "category"], ascending=[False, True], ignore_index=True)


@stats.discovery.reusable
def escalation_stages(escalations: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Alerts raised in the period by stage (alert, formal, DRP stage...) as the log records it.

    Returns:
        ``stage`` and ``raised``, most first.
    """
    raised = _in(escalations, "raised_date", period)
    counts = raised["stage"].astype(object).fillna(NOT_RECORDED).map(_label).value_counts()
    return counts.rename_axis("stage").reset_index(name="raised")


@stats.discovery.reusable
def escalations_by_quarter(
    escalations: pd.DataFrame, *, period: Period, quarters: int = 8
) -> pd.DataFrame:
    """Alerts raised per quarter (rows) and category (columns), up to the period's end."""
    frame = escalations.rename(columns={"raised_date": "received_date"}).assign(
        record_type="complaint"
    )
    return category_by_quarter(frame, period=period, quarters=quarters)


@stats.discovery.reusable
def escalation_figures(
    evidence: Evidence,
    period: Period,
    *,
    table: pd.DataFrame | None = None,
    status: pd.DataFrame | None = None,
) -> list[Figure]:
    """Figures for IRO and CP chair alerts and DRP escalations.

    Ids: ``escalations.count``, ``escalations.category.<c>.count``,
    ``escalations.resolved_within_timescale``, ``escalations.resolution_median_working_days``
    (where any alert was resolved in the period), ``escalations.open_past_timescale`` and, per
    theme with escalation categories, ``escalations.theme.<theme>.open_past_timescale``.
    Empty when the log has no rows.

    Args:
        table: :func:`escalation_table` of the period when already computed.
        status: :func:`period_status` of the period when already computed.
    """
    escalations = evidence.escalations
    if not len(escalations):
        return []
    config = evidence.config
    t = config.thresholds
    alpha = t.significance_alpha
    limit = config.timescales.escalation_resolution_working_days
    covered = _coverage_start(escalations["raised_date"])
    compared = comparison_periods(period, covered_from=covered)
    as_at = _as_at(evidence, period)
    src = "escalations"

    def counted(frame: pd.DataFrame, p: Period) -> int:
        return _n_in(frame, "raised_date", p)

    def count_fig(id: str, label: str, frame: pd.DataFrame, theme=None) -> Figure:
        return _count_figure(
            id,
            label,
            current=counted(frame, period),
            compared=[(k, p, counted(frame, p)) for k, p in compared],
            period=period,
            source=src,
            theme=theme,
            polarity="lower",
            alpha=alpha,
        )

    figs = [count_fig("escalations.count", declared("escalations.count", config), escalations)]
    if status is None:
        status = escalation_status(escalations, config=config, as_at=as_at)
    if table is None:
        table = escalation_categories(
            escalations, period=period, config=config, as_at=as_at, status=status
        )
    mapping = theme_map(config, "escalation_categories")
    for code in table["category"]:
        figs.append(
            count_fig(
                f"escalations.category.{code}.count",
                declared(
                    f"escalations.category.{code}.count", config, category=_label(code).lower()
                ),
                escalations.loc[escalations["category"] == code, ["raised_date"]],
                theme=(mapping.get(code) or [None])[0],
            )
        )
    previous = period.previous()
    before = escalation_status(escalations, config=config, as_at=previous.end)

    def resolved(st: pd.DataFrame, p: Period) -> pd.Series:
        done = st[p.contains(st["resolved_date"])]
        return done["resolution_working_days"].dropna()

    now_days, old_days = resolved(status, period), resolved(before, previous)
    figs.append(
        proportion(
            "escalations.resolved_within_timescale",
            declared("escalations.resolved_within_timescale", config),
            k=int((now_days <= limit).sum()),
            n=len(now_days),
            previous=(int((old_days <= limit).sum()), len(old_days)),
            previous_period=previous.code,
            period=period.code,
            source=src,
            polarity="higher",
            alpha=alpha,
            min_n=t.min_n_compare,
        )
    )
    if len(now_days):
        figs.append(
            Figure(
                id="escalations.resolution_median_working_days",
                label=declared("escalations.resolution_median_working_days", config),
                value=float(now_days.median()),
                unit="days",
                denominator=len(now_days),
                period=period.code,
                source=src,
                note="working days; alerts resolved in the period",
            )
        )
    figs.append(
        _open_past_figure(
            "escalations.open_past_timescale",
            declared("escalations.open_past_timescale", config),
            status,
            period,
            None,
        )
    )
    for theme_id, theme in config.themes.items():
        if theme.escalation_categories:
            mine = status[status["category"].isin(theme.escalation_categories)]
            figs.append(
                _open_past_figure(
                    f"escalations.theme.{theme_id}.open_past_timescale",
                    declared(
                        f"escalations.theme.{theme_id}.open_past_timescale",
                        config,
                        theme=theme.label.lower(),
                    ),
                    mine,
                    period,
                    theme_id,
                )
            )
    return figs


def _open_past_figure(
    id: str, label: str, status: pd.DataFrame, period: Period, theme: str | None
) -> Figure:
    k, n = int(status["is_past_timescale"].sum()), int(status["is_open"].sum())
    return Figure(
        id=id,
        label=label,
        value=k,
        unit="count",
        numerator=k,
        denominator=n,
        period=period.code,
        source="escalations",
        theme=theme,
        note="numerator: open past timescale; denominator: all alerts open at the period end",
    )


@stats.discovery.reusable
def period_status(evidence: Evidence, period: Period) -> pd.DataFrame:
    """:func:`escalation_status` at the period end (or the extract date, if earlier): what the
    escalation table and Figures read."""
    return escalation_status(
        evidence.escalations, config=evidence.config, as_at=_as_at(evidence, period)
    )


def rising_escalations(escalations: pd.DataFrame, *, period: Period, config: Config) -> list[str]:
    """Escalation categories with significantly more alerts than in the previous period or the
    same period last year (:func:`escalation_categories`)."""
    if not len(escalations):
        return []
    return significant_rises(
        escalation_categories(escalations, period=period, config=config, as_at=period.end)
    )


@stats.discovery.reusable
def escalation_table(
    evidence: Evidence, period: Period, *, status: pd.DataFrame | None = None
) -> pd.DataFrame:
    """:func:`escalation_categories` for the period, open alerts judged at the period end (or the
    extract date, if earlier).

    Args:
        status: :func:`period_status` when already computed.
    """
    return escalation_categories(
        evidence.escalations,
        period=period,
        config=evidence.config,
        as_at=_as_at(evidence, period),
        status=status,
    )
