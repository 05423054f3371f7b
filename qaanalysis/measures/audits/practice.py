"""Immediate responses, good practice and the audit programme against its quotas."""

from __future__ import annotations

import math

import pandas as pd

from ... import stats
from ...config import Config
from ...periods import Period
from ...sources import Evidence
from .base import (
    PERCENT_SUFFIXES,
    _alpha,
    _domain_labels,
    _group_values,
    audits_in_period,
    share_columns,
)

# ----------------------------------------------------------------------------- immediate responses


@stats.discovery.reusable
def immediate_responses(evidence: Evidence, period: Period, *, by: str = "service") -> pd.DataFrame:
    """Immediate responses raised at audit in the period, by service (or another breakdown).

    Definition: audits in the period with ``immediate_response`` yes; the share is of the
    period's audits in the group (audits with the field blank count as no response raised).
    Sefton raises one for a safeguarding concern or no supervision recorded for 6 months or more.
    """
    config = evidence.config
    audits = audits_in_period(evidence, period)
    raised = audits["immediate_response"].fillna(False).astype(bool)
    groups = _group_values(audits, by)
    rows = []
    for value, part in raised.groupby(groups, sort=True):
        rows.append(
            {
                by: value,
                "audits": len(part),
                **share_columns("immediate_response", int(part.sum()), len(part), _alpha(config)),
            }
        )
    columns = [by, "audits"] + [f"immediate_response{s}" for s in ("_count", *PERCENT_SUFFIXES)]
    out = pd.DataFrame(rows, columns=columns)
    out[["audits", "immediate_response_count"]] = out[
        ["audits", "immediate_response_count"]
    ].astype("int64")
    return out


# ----------------------------------------------------------------------------- good practice


@stats.discovery.reusable
def good_practice(evidence: Evidence, period: Period, *, by: str = "theme") -> pd.DataFrame:
    """Good and outstanding practice found at audit, by audit theme or by domain.

    Definition (``by="theme"``): the period's audits per audit theme (blank: "not recorded"),
    the count graded good or better overall, and how many of those the best grade on the scale.
    (``by="domain"``): per configured domain, the audits that assessed it and the count graded
    good or better and best on the scale in that domain. Feeds Sefton's "Make a Difference"
    summaries.
    """
    config = evidence.config
    best = config.grades.labels[0]
    audits = audits_in_period(evidence, period)
    alpha = _alpha(config)
    rows = []
    if by == "domain":
        labels = _domain_labels(config)
        for domain in config.domain_ids:
            grades = audits[domain].dropna()
            rows.append(
                {
                    "domain_label": labels[domain],
                    "audits": len(grades),
                    **share_columns(
                        "good_or_better",
                        int(grades.isin(config.grades.good_or_better).sum()),
                        len(grades),
                        alpha,
                    ),
                    "best_grade_count": int((grades == best).sum()),
                }
            )
        key = "domain_label"
    else:
        groups = _group_values(audits, by)
        for value, part in audits.groupby(groups, sort=True):
            grades = part["overall_grade"]
            rows.append(
                {
                    by: value,
                    "audits": len(part),
                    **share_columns(
                        "good_or_better",
                        int(grades.isin(config.grades.good_or_better).sum()),
                        len(part),
                        alpha,
                    ),
                    "best_grade_count": int((grades == best).sum()),
                }
            )
        key = by
    columns = [key, "audits"] + [f"good_or_better{s}" for s in ("_count", *PERCENT_SUFFIXES)]
    out = pd.DataFrame(rows, columns=[*columns, "best_grade_count"])
    for column in ("audits", "good_or_better_count", "best_grade_count"):
        out[column] = out[column].astype("int64")
    return out.sort_values("good_or_better_count", ascending=False).reset_index(drop=True)


@stats.discovery.reusable
def good_practice_audits(evidence: Evidence, period: Period) -> pd.DataFrame:
    """The period's audits graded good or better overall, for "Make a Difference" summaries.

    One row per audit (internal: pseudonymous ids): ``audit_id``, ``audit_date``, ``team``,
    ``practitioner_id``, ``theme``, ``overall_grade`` and ``best_domains`` (the domains given the
    best grade on the scale, else those graded good or better), best grade first, then date.
    """
    config = evidence.config
    labels = _domain_labels(config)
    audits = audits_in_period(evidence, period)
    good = audits[audits["overall_grade"].isin(config.grades.good_or_better)]
    best = config.grades.labels[0]

    def strongest(row: pd.Series) -> str:
        top = [labels[d] for d in config.domain_ids if row[d] == best]
        if not top:
            top = [labels[d] for d in config.domain_ids if row[d] in config.grades.good_or_better]
        return "; ".join(top)

    position = {g: i for i, g in enumerate(config.grades.labels)}
    out = good.assign(
        best_domains=good.apply(strongest, axis=1) if len(good) else pd.Series(dtype=object),
        _position=good["overall_grade"].map(position),
    ).sort_values(["_position", "audit_date", "audit_id"])
    columns = [
        "audit_id",
        "audit_date",
        "team",
        "practitioner_id",
        "theme",
        "overall_grade",
        "best_domains",
    ]
    return out[columns].reset_index(drop=True)


# ----------------------------------------------------------------------------- programme


def _expected_per_role(config: Config) -> dict[str, tuple[int, int]]:
    """role -> (quota per auditor per month, auditors on the roster with the role)."""
    roster = pd.Series([a.role for a in config.audit_programme.roster], dtype=object)
    return {
        role: (quota, int((roster == role).sum()))
        for role, quota in config.audit_programme.quotas.items()
    }


@stats.discovery.reusable
def audit_programme(evidence: Evidence, period: Period, *, by_month: bool = False) -> pd.DataFrame:
    """Audits completed against the programme's quotas, by auditor role (and month).

    Definition: ``audit_programme.quotas`` gives each role's audits per auditor per month; the
    expected number is the quota times the auditors with that role on ``audit_programme.roster``
    times the months of the period. Completed: the period's audits whose ``auditor_role`` is that
    role. Roles that completed audits but have no quota are listed with no expected number.

    Returns:
        ``auditor_role`` (and ``month``), ``auditors``, ``quota_per_auditor``, ``expected``,
        ``completed``, ``completed_pct`` (completed / expected; may exceed 100%).
    """
    config = evidence.config
    audits = audits_in_period(evidence, period)
    expected = _expected_per_role(config)
    roles = list(expected) + sorted(set(audits["auditor_role"].dropna()) - set(expected))
    months = [m.start for m in period.months()] if by_month else [None]
    month_of = audits["audit_date"].dt.to_period("M").dt.to_timestamp()
    rows = []
    for role in roles:
        quota, auditors = expected.get(role, (None, 0))
        for month in months:
            mask = audits["auditor_role"] == role
            if month is not None:
                mask &= month_of == month
            n_months = 1 if month is not None else len(period.months())
            target = quota * auditors * n_months if quota is not None else None
            completed = int(mask.sum())
            row = {"auditor_role": role}
            if by_month:
                row["month"] = month
            row.update(
                {
                    "auditors": auditors,
                    "quota_per_auditor": quota if quota is not None else math.nan,
                    "expected": target if target is not None else math.nan,
                    "completed": completed,
                    "completed_pct": completed / target if target else math.nan,
                }
            )
            rows.append(row)
    columns = [
        "auditor_role",
        *(["month"] if by_month else []),
        "auditors",
        "quota_per_auditor",
        "expected",
        "completed",
        "completed_pct",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out[["auditors", "completed"]] = out[["auditors", "completed"]].astype("int64")
    return out
