"""Teams and practitioners: the funnel plot, persistent inadequate shares, repeat inadequate audits."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import stats
from ...config import Config
from ...periods import Period, period_of, quarter_codes
from ...sources import Evidence
from .base import _alpha, _between, audits_in_period, share_columns, window

# ----------------------------------------------------------------------------- teams


@dataclass(frozen=True)
class TeamFunnel:
    """Teams' good-or-better shares against funnel limits around the authority's share.

    Attributes:
        points: one row per team: ``team`` (a neutral label when not named), ``service``, ``k``
            (good or better), ``n`` (audits), ``share``, its Wilson interval and ``position``
            (``within``, ``below_95``, ``below_998``, ``above_95``, ``above_998``).
        limits: the funnel limits for every audit count from 1 to the largest team's
            (``n``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``).
        centre: the authority's good-or-better share over the window.
        start, end: the window.
    """

    points: pd.DataFrame
    limits: pd.DataFrame
    centre: float
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def outside(self) -> pd.DataFrame:
        """Teams beyond the 95% limits, lowest share first."""
        return self.points[self.points["position"] != "within"].sort_values("share")


def comparable(audits: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The audits whose type is drawn the same way in every team
    (``audit_programme.comparable_types``; a blank type counts as standard): what team
    comparisons use, since chosen samples such as dip samples and re-audits are not comparable."""
    kinds = audits["audit_type"].fillna("standard") if "audit_type" in audits else None
    if kinds is None:
        return audits
    return audits[kinds.isin(config.audit_programme.comparable_types)]


@stats.discovery.reusable
def team_funnel(
    evidence: Evidence, period: Period, *, months: int = 12, named: bool = True
) -> TeamFunnel:
    """Funnel plot data: each team's good-or-better share against its number of audits.

    Definition: comparable audits (:func:`comparable`) in the ``months`` calendar months ending
    with the period (12 by default, so small teams have enough audits to read); centre line the authority's good-or-better share
    over the same window; exact binomial limits at 95% and 99.8% (Spiegelhalter 2005,
    ``stats.funnel_limits``). A team beyond a 95% limit differs from the authority by more than
    chance would usually give; beyond 99.8% almost certainly. Small teams have wide limits, so
    their extreme shares are not over-read.

    Args:
        named: show team names (internal and leadership audiences). When False, teams are
            labelled "Team 1", "Team 2", ... in order of audits and the service is withheld.
    """
    config = evidence.config
    audits = comparable(audits_in_period(evidence, period, months=months), config)
    start, end = window(period, months)
    audits = audits[["team", "service", "overall_grade"]]
    good = audits["overall_grade"].isin(config.grades.good_or_better)
    total_k, total_n = int(good.sum()), len(audits)
    centre = total_k / total_n if total_n else math.nan
    columns = ["team", "service", "k", "n", "share", "ci_low", "ci_high", "position"]
    if not total_n:
        return TeamFunnel(pd.DataFrame(columns=columns), pd.DataFrame(), centre, start, end)
    grouped = audits.assign(good=good).groupby("team", sort=True)
    rows = []
    for team, part in grouped:
        k, n = int(part["good"].sum()), len(part)
        low, high = stats.wilson_interval(k, n, alpha=_alpha(config))
        service = part["service"].mode().iloc[0] if part["service"].notna().any() else None
        # Every audit good (or none): no team can differ from the authority, and the binomial
        # limits collapse onto the centre line.
        position = stats.funnel_position(k, n, p0=centre) if 0 < centre < 1 else "within"
        rows.append(
            {
                "team": team,
                "service": service,
                "k": k,
                "n": n,
                "share": k / n,
                "ci_low": low,
                "ci_high": high,
                "position": position,
            }
        )
    points = pd.DataFrame(rows, columns=columns)
    points[["k", "n"]] = points[["k", "n"]].astype("int64")
    if not named:
        points = points.sort_values(["n", "team"], ascending=[False, True]).reset_index(drop=True)
        points["team"] = [f"Team {i + 1}" for i in range(len(points))]
        points["service"] = None
    sizes = np.arange(1, int(points["n"].max()) + 1)
    if 0 < centre < 1:
        limits = stats.funnel_limits(sizes, p0=centre)
    else:
        limits = pd.DataFrame(
            {
                "n": sizes,
                **{
                    f"{side}_{level}": centre
                    for side in ("lower", "upper")
                    for level in ("95", "998")
                },
            }
        )
    return TeamFunnel(points, limits, centre, start, end)


@stats.discovery.reusable
def persistent_inadequate_teams(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Teams with a persistently high share of inadequate audits (Sefton's repeat-concern rule).

    Definition: for the ``thresholds.team_inadequate_quarters`` financial quarters ending with
    the quarter that holds the period's last day, each team's inadequate share per quarter among
    its comparable audits (:func:`comparable`). A team is ``persistent`` when its share exceeds
    ``thresholds.audit_inadequate_tolerance`` in every one of those quarters and it had at least
    ``thresholds.persistent_min_audits`` audits in each (a quarter with no audits, or too few,
    breaks the run: 3 inadequate of 16 audits is not evidence of a persistent problem).
    ``pooled_above_tolerance`` says whether the lower 95% Wilson limit of the pooled share is
    above the tolerance, i.e. whether the excess is more than chance.

    Returns:
        One row per team with audits in those quarters: ``team``, ``service``,
        ``quarters_above``, ``audits``, ``inadequate_count``/``_pct``/``_ci_low``/``_ci_high``,
        ``latest_quarter_inadequate_pct``, ``persistent``, ``pooled_above_tolerance``;
        persistent teams first.
    """
    config = evidence.config
    tolerance = config.thresholds.audit_inadequate_tolerance
    quarters_needed = config.thresholds.team_inadequate_quarters
    last = period_of(period.end, "quarter")
    quarters = [last]
    while len(quarters) < quarters_needed:
        quarters.insert(0, quarters[0].previous())
    audits = evidence.audits[_between(evidence.audits["audit_date"], quarters[0].start, last.end)]
    audits = comparable(audits, config)[["team", "service", "audit_date", "overall_grade"]]
    min_audits = config.thresholds.persistent_min_audits
    inadequate = audits["overall_grade"].isin(config.grades.inadequate)
    quarter = quarter_codes(audits["audit_date"])
    rows = []
    for team, part in audits.assign(bad=inadequate, quarter=quarter).groupby("team", sort=True):
        shares, sizes = [], []
        for q in quarters:
            in_q = part[part["quarter"] == q.code]
            shares.append(in_q["bad"].mean() if len(in_q) else math.nan)
            sizes.append(len(in_q))
        above = [s > tolerance for s in shares if not math.isnan(s)]
        enough = min(sizes) >= min_audits
        k, n = int(part["bad"].sum()), len(part)
        row = {
            "team": team,
            "service": part["service"].mode().iloc[0],
            "quarters_above": int(sum(above)),
            "audits": n,
            **share_columns("inadequate", k, n, _alpha(config)),
            "latest_quarter_inadequate_pct": shares[-1],
            "persistent": enough and len(above) == quarters_needed and all(above),
        }
        row["pooled_above_tolerance"] = bool(row["inadequate_ci_low"] > tolerance)
        rows.append(row)
    columns = [
        "team",
        "service",
        "quarters_above",
        "audits",
        "inadequate_count",
        "inadequate_pct",
        "inadequate_ci_low",
        "inadequate_ci_high",
        "latest_quarter_inadequate_pct",
        "persistent",
        "pooled_above_tolerance",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out[["quarters_above", "audits", "inadequate_count"]] = out[
        ["quarters_above", "audits", "inadequate_count"]
    ].astype("int64")
    return out.sort_values(["persistent", "inadequate_pct"], ascending=[False, False]).reset_index(
        drop=True
    )


# ----------------------------------------------------------------------------- repeat concern


@stats.discovery.reusable
def repeat_inadequate_practitioners(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Practitioners with consecutive inadequate audits (Sefton: 2 or more in a row).

    Definition: each practitioner's audits up to the period end, in date order (audit id breaks
    ties); a run is consecutive audits whose overall grade is inadequate. A run of at least
    ``thresholds.repeat_inadequate_run`` is listed when at least one of its audits falls in the
    period, so a run is raised when it forms and again while it continues, not every quarter
    after it ended. Audits without a practitioner are left out. Pseudonymous ids only: an
    internal table.

    Returns:
        One row per run: ``practitioner_id``, ``team`` (of the latest audit in the run),
        ``run_length``, ``first_audit_date``, ``last_audit_date``, ``audit_ids`` (comma
        separated), ``ongoing`` (the practitioner's latest audit is the run's last).
    """
    config = evidence.config
    audits = evidence.audits
    keep = audits["practitioner_id"].notna() & (audits["audit_date"] <= period.end)
    audits = audits.loc[
        keep, ["practitioner_id", "audit_date", "audit_id", "team", "overall_grade"]
    ]
    audits = audits.sort_values(["practitioner_id", "audit_date", "audit_id"]).reset_index(
        drop=True
    )
    who = audits["practitioner_id"]
    bad = audits["overall_grade"].isin(config.grades.inadequate)
    # a new run starts wherever the practitioner or the inadequate flag changes
    run = ((who != who.shift()) | (bad != bad.shift())).cumsum()
    last_of_practitioner = who != who.shift(-1)
    runs = (
        audits[bad]
        .assign(
            run=run[bad],
            in_period=period.contains(audits.loc[bad, "audit_date"]),
            is_last=last_of_practitioner[bad],
        )
        .groupby("run", sort=False)
        .agg(
            practitioner_id=("practitioner_id", "first"),
            team=("team", "last"),
            run_length=("audit_id", "size"),
            first_audit_date=("audit_date", "first"),
            last_audit_date=("audit_date", "last"),
            audit_ids=("audit_id", ", ".join),
            in_period=("in_period", "any"),
            ongoing=("is_last", "last"),
        )
    )
    runs = runs[(runs["run_length"] >= config.thresholds.repeat_inadequate_run) & runs["in_period"]]
    columns = [
        "practitioner_id",
        "team",
        "run_length",
        "first_audit_date",
        "last_audit_date",
        "audit_ids",
        "ongoing",
    ]
    out = runs.reset_index(drop=True).reindex(columns=columns)
    out["run_length"] = out["run_length"].astype("int64")
    out["ongoing"] = out["ongoing"].astype(bool)
    return out.sort_values(["run_length", "practitioner_id"], ascending=[False, True]).reset_index(
        drop=True
    )
