"""Moderation: how consistently audits are graded (METHODS.md, moderation).

A moderated audit is one with a ``moderated_grade``: a second person re-graded the overall grade.
Period rule: an audit's moderation belongs to the period of its ``audit_date`` (the audits source
carries no moderation date), so the moderation rate is moderated / completed among the same audits.

Grades are ordered best first. An *upgrade* is a moderated grade better than the auditor's; a
*downgrade* one worse (the auditor was too generous). Chance-corrected agreement is Cohen's kappa
with linear weights (headline), quadratic weights and Krippendorff's ordinal alpha (secondary), on
the full grade-by-grade table (every grade of the scale, used or not). Bowker's test asks whether
disagreements lean one way (systematically harsh or lenient auditors).
"""

from __future__ import annotations

import math

import pandas as pd

from .. import figures as fig
from .. import stats
from ..figures import Figure
from ..periods import Period, period_of
from ..sources import Evidence
from .audits import audits_in_period, share_columns
from .registry import Measure, polarity
from .registry import label as declared

SOURCE = "audits"

_MODERATED = "moderated audits in the period"
_PERIOD = "audit_date in the period (the audits source carries no moderation date)"

#: Declared measures of moderation (the registry, :mod:`qaanalysis.measures.registry`).
MEASURES: tuple[Measure, ...] = tuple(
    Measure(area="moderation", source=SOURCE, period_rule=_PERIOD, **m)
    for m in (
        dict(
            id="moderation.count",
            label="Audits moderated",
            polarity="higher",
            numerator="audits in the period with a moderated grade",
        ),
        dict(
            id="moderation.rate",
            label="Audits moderated (share of completed)",
            unit="percent",
            polarity="higher",
            numerator="audits in the period with a moderated grade",
            denominator="audits in the period",
            notes="The expectation is {moderation.expected_rate:.0%} (moderation.expected_rate).",
        ),
        dict(
            id="moderation.always_moderated",
            label="Audits graded {moderation.always_moderate} that were moderated (all should be)",
            unit="percent",
            polarity="higher",
            numerator="of those, audits with a moderated grade",
            denominator="audits in the period graded {moderation.always_moderate} overall "
            "(moderation.always_moderate)",
        ),
        dict(
            id="moderation.agreement",
            label="Moderated audits whose grade was unchanged",
            unit="percent",
            polarity="higher",
            numerator="moderated audits with moderated grade = overall grade",
            denominator=_MODERATED,
        ),
        dict(
            id="moderation.within_one",
            label="Moderated audits within one grade",
            unit="percent",
            polarity="higher",
            numerator="moderated audits whose grades differ by at most one step of the scale",
            denominator=_MODERATED,
        ),
        dict(
            id="moderation.downgraded",
            label="Moderated audits downgraded by the moderator",
            unit="percent",
            polarity="lower",
            numerator="moderated audits whose moderated grade is worse than the auditor's",
            denominator=_MODERATED,
        ),
        dict(
            id="moderation.upgraded",
            label="Moderated audits upgraded by the moderator",
            unit="percent",
            polarity="lower",
            numerator="moderated audits whose moderated grade is better than the auditor's",
            denominator=_MODERATED,
        ),
        dict(
            id="moderation.kappa",
            label="Agreement beyond chance (Cohen's kappa, linear weights)",
            unit="number",
            polarity="higher",
            numerator="statsmodels cohens_kappa(table, wt='linear') on the full grade table",
            denominator=_MODERATED,
        ),
        dict(
            id="moderation.kappa_quadratic",
            label="Agreement beyond chance (Cohen's kappa, quadratic weights)",
            unit="number",
            polarity="higher",
            numerator="statsmodels cohens_kappa(table, wt='quadratic')",
            denominator=_MODERATED,
        ),
        dict(
            id="moderation.krippendorff_alpha",
            label="Krippendorff's alpha (ordinal)",
            unit="number",
            polarity="higher",
            numerator="Krippendorff (2011), ordinal metric, two coders",
            denominator=_MODERATED,
        ),
        dict(
            id="moderation.bowker",
            label="Bowker's symmetry test (p-value)",
            unit="number",
            numerator="chi-square over pairs of grades of (n_ij - n_ji)^2 / (n_ij + n_ji)",
            denominator=_MODERATED,
        ),
    )
)


def moderated_audits(
    evidence: Evidence, period: Period, *, months: int | None = None
) -> pd.DataFrame:
    """The period's audits that were moderated (a moderated grade is recorded)."""
    audits = audits_in_period(evidence, period, months=months)
    return audits[audits["moderated_grade"].notna()]


@stats.discovery.reusable
def grade_table(evidence: Evidence, period: Period, *, months: int | None = None) -> pd.DataFrame:
    """The full grade-by-grade moderation table, with totals.

    Rows are the auditor's overall grade, columns the moderated grade, every grade of the scale
    in order (best first) even when unused; a ``Total`` row and column are added. Read the
    diagonal as agreement, cells right of it as downgrades, left of it as upgrades.
    """
    labels = evidence.config.grades.labels
    moderated = moderated_audits(evidence, period, months=months)
    table = stats.agreement_table(
        moderated["overall_grade"].tolist(),
        moderated["moderated_grade"].tolist(),
        categories=labels,
    )
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table.index.name = "auditor's grade"
    table.columns.name = "moderated grade"
    return table.astype("int64")


@stats.discovery.reusable
def moderation_coverage(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Moderation by the auditor's overall grade, against the framework's rules.

    One row per grade of the scale: audits completed, moderated, the share moderated with its
    Wilson interval, and ``must_moderate`` (the grade is in ``moderation.always_moderate``, so
    the share should be 100%). A final row "All grades" compares the overall rate with
    ``moderation.expected_rate`` (in ``expected_pct``).
    """
    config = evidence.config
    audits = audits_in_period(evidence, period)
    alpha = config.thresholds.significance_alpha
    rows = []
    for grade in config.grades.labels:
        part = audits[audits["overall_grade"] == grade]
        must = grade in config.moderation.always_moderate
        rows.append(
            {
                "grade": grade,
                "audits": len(part),
                **share_columns(
                    "moderated", int(part["moderated_grade"].notna().sum()), len(part), alpha
                ),
                "must_moderate": must,
                "expected_pct": 1.0 if must else math.nan,
            }
        )
    rows.append(
        {
            "grade": "All grades",
            "audits": len(audits),
            **share_columns(
                "moderated", int(audits["moderated_grade"].notna().sum()), len(audits), alpha
            ),
            "must_moderate": False,
            "expected_pct": config.moderation.expected_rate,
        }
    )
    out = pd.DataFrame(rows)
    out[["audits", "moderated_count"]] = out[["audits", "moderated_count"]].astype("int64")
    return out


def agreement_statistics(
    original, moderated, *, categories: list[str], alpha: float = 0.05
) -> dict:
    """All the moderation statistics of a set of (original, moderated) grade pairs.

    Returns:
        ``n``; ``exact_agreement``, ``within_one``, ``upgraded``, ``downgraded`` counts
        (``_count``) and shares (``_pct``); ``kappa_linear`` with ``kappa_linear_ci_low``/
        ``_ci_high`` (:func:`qaanalysis.stats.weighted_kappa`'s interval, clipped to kappa's
        possible range, -1 to 1); ``kappa_quadratic``; ``krippendorff_alpha``;
        ``bowker_statistic``, ``bowker_df``, ``bowker_p``.
    """
    original, moderated = list(original), list(moderated)
    summary = stats.agreement_summary(original, moderated, categories=categories)
    table = stats.agreement_table(original, moderated, categories=categories)
    linear = stats.weighted_kappa(table, weights="linear", alpha=alpha)
    # The normal-approximation interval can pass 1 with few pairs; kappa cannot.
    linear_ci = (max(linear.ci_low, -1.0), min(linear.ci_high, 1.0))
    quadratic = stats.weighted_kappa(table, weights="quadratic", alpha=alpha)
    bowker = stats.bowker_symmetry(table)
    out = {"n": int(summary["n"])}
    for name in ("exact_agreement", "within_one", "upgraded", "downgraded"):
        out[f"{name}_count"] = int(summary[f"{name}_count"])
        out[f"{name}_pct"] = summary[f"{name}_pct"]
    out.update(
        {
            "kappa_linear": linear.kappa,
            "kappa_linear_ci_low": linear_ci[0],
            "kappa_linear_ci_high": linear_ci[1],
            "kappa_quadratic": quadratic.kappa,
            "krippendorff_alpha": stats.krippendorff_alpha_ordinal(
                original, moderated, categories=categories
            ),
            "bowker_statistic": bowker.statistic,
            "bowker_df": bowker.df,
            "bowker_p": bowker.p_value,
        }
    )
    return out


@stats.discovery.reusable
def moderation_by_role(
    evidence: Evidence, period: Period, *, months: int | None = None
) -> pd.DataFrame:
    """Moderation results by the auditor's role.

    One row per ``auditor_role`` (blank: "not recorded") with moderated audits: the count, exact
    agreement, within one grade, upgraded and downgraded (counts and shares) and linearly
    weighted kappa (blank where undefined). Roles with few moderated audits have wide
    uncertainty: read the counts.
    """
    config = evidence.config
    moderated = moderated_audits(evidence, period, months=months)
    roles = (
        moderated["auditor_role"]
        .astype(object)
        .where(moderated["auditor_role"].notna(), "not recorded")
    )
    rows = []
    for role, part in moderated.groupby(roles, sort=True):
        result = agreement_statistics(
            part["overall_grade"],
            part["moderated_grade"],
            categories=config.grades.labels,
            alpha=config.thresholds.significance_alpha,
        )
        rows.append(
            {
                "auditor_role": role,
                "moderated": result["n"],
                **{
                    k: result[k]
                    for k in result
                    if k.endswith(("_count", "_pct")) and not k.startswith("within")
                },
                "kappa_linear": result["kappa_linear"],
            }
        )
    columns = (
        ["auditor_role", "moderated"]
        + [
            f"{name}{s}"
            for name in ("exact_agreement", "upgraded", "downgraded")
            for s in ("_count", "_pct")
        ]
        + ["kappa_linear"]
    )
    out = pd.DataFrame(rows, columns=columns)
    counts = ["moderated", "exact_agreement_count", "upgraded_count", "downgraded_count"]
    out[counts] = out[counts].astype("int64")
    return out


@stats.discovery.reusable
def moderation_statistics(evidence: Evidence, period: Period, *, months: int | None = None) -> dict:
    """:func:`agreement_statistics` of the period's moderated audits."""
    config = evidence.config
    moderated = moderated_audits(evidence, period, months=months)
    return agreement_statistics(
        moderated["overall_grade"],
        moderated["moderated_grade"],
        categories=config.grades.labels,
        alpha=config.thresholds.significance_alpha,
    )


def _number(
    id: str,
    label: str,
    value: float,
    *,
    period: str,
    n: int,
    note: str = "",
    low: float | None = None,
    high: float | None = None,
) -> Figure:
    clean = None if value is None or math.isnan(value) else round(float(value), 3)
    return Figure(
        id=id,
        label=label,
        value=clean,
        unit="number",
        denominator=n,
        period=period,
        ci_low=None if low is None or math.isnan(low) else low,
        ci_high=None if high is None or math.isnan(high) else high,
        source=SOURCE,
        note=note,
    )


@stats.discovery.reusable
def moderation_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """Every moderation Figure of the period (ids in :data:`MEASURES` and DESIGN.md).

    ``moderation.count`` and ``moderation.rate`` whenever audits were completed in the period;
    ``moderation.always_moderated`` when an audit had a must-moderate grade; the agreement
    Figures (``.agreement``, ``.within_one``, ``.downgraded``, ``.upgraded``, ``.kappa``,
    ``.kappa_quadratic``, ``.krippendorff_alpha``, ``.bowker``) when any audit was moderated.
    Shares are compared with the previous period; the rate's note gives the expected rate.
    """
    config = evidence.config
    audits = audits_in_period(evidence, period)
    if audits.empty:
        return []
    previous_period = period.previous()
    before = audits_in_period(evidence, previous_period)
    alpha = config.thresholds.significance_alpha
    common = {
        "period": period.code,
        "source": SOURCE,
        "previous_period": previous_period.code,
        "alpha": alpha,
        "min_n": config.thresholds.min_n_compare,
    }
    is_moderated, was_moderated = (
        audits["moderated_grade"].notna(),
        before["moderated_grade"].notna(),
    )
    expected = config.moderation.expected_rate
    rate = int(is_moderated.sum()) / len(audits)
    out = [
        fig.count(
            "moderation.count",
            declared("moderation.count", config),
            int(is_moderated.sum()),
            previous=int(was_moderated.sum()),
            period=period.code,
            source=SOURCE,
            previous_period=previous_period.code,
        ),
        fig.proportion(
            "moderation.rate",
            declared("moderation.rate", config),
            k=int(is_moderated.sum()),
            n=len(audits),
            previous=(int(was_moderated.sum()), len(before)),
            polarity=polarity("moderation.rate"),
            note=f"expected {expected:.0%}: " + ("met" if rate >= expected else "not met"),
            **common,
        ),
    ]
    must = config.moderation.always_moderate
    if must:
        now = audits["overall_grade"].isin(must)
        then = before["overall_grade"].isin(must)
        if now.any():
            out.append(
                fig.proportion(
                    "moderation.always_moderated",
                    declared("moderation.always_moderated", config),
                    k=int((now & is_moderated).sum()),
                    n=int(now.sum()),
                    previous=(int((then & was_moderated).sum()), int(then.sum())),
                    polarity=polarity("moderation.always_moderated"),
                    **common,
                )
            )
    moderated = audits[is_moderated]
    if moderated.empty:
        return out
    result = moderation_statistics(evidence, period)
    previous = moderation_statistics(evidence, previous_period)
    n = result["n"]
    for name in ("agreement", "within_one", "downgraded", "upgraded"):
        key = "exact_agreement" if name == "agreement" else name
        out.append(
            fig.proportion(
                f"moderation.{name}",
                declared(f"moderation.{name}", config),
                k=result[f"{key}_count"],
                n=n,
                previous=(previous[f"{key}_count"], previous["n"]),
                polarity=polarity(f"moderation.{name}"),
                **common,
            )
        )
    wide = (
        f"fewer than {config.thresholds.small_sample} pairs: the interval is wide"
        if n < config.thresholds.small_sample
        else ""
    )
    out += [
        _number(
            "moderation.kappa",
            declared("moderation.kappa", config),
            result["kappa_linear"],
            period=period.code,
            n=n,
            low=result["kappa_linear_ci_low"],
            high=result["kappa_linear_ci_high"],
            note=wide,
        ),
        _number(
            "moderation.kappa_quadratic",
            declared("moderation.kappa_quadratic", config),
            result["kappa_quadratic"],
            period=period.code,
            n=n,
        ),
        _number(
            "moderation.krippendorff_alpha",
            declared("moderation.krippendorff_alpha", config),
            result["krippendorff_alpha"],
            period=period.code,
            n=n,
        ),
        _number(
            "moderation.bowker",
            declared("moderation.bowker", config),
            result["bowker_p"],
            period=period.code,
            n=n,
            note=f"chi-square {result['bowker_statistic']:.2f} on {result['bowker_df']} df; "
            + (
                "disagreements lean one way"
                if result["bowker_p"] < alpha
                else "no evidence that disagreements lean one way"
            ),
        ),
    ]
    return out


def kappa_words(kappa: float) -> str:
    """Landis and Koch's (1977) descriptive bands for kappa, for plain-English readings."""
    if kappa is None or math.isnan(kappa):
        return "not defined"
    for upper, words in (
        (0, "poor"),
        (0.2, "slight"),
        (0.4, "fair"),
        (0.6, "moderate"),
        (0.8, "substantial"),
    ):
        if kappa <= upper:
            return words
    return "almost perfect"


@stats.discovery.reusable
def moderation_by_quarter(evidence: Evidence, period: Period, *, quarters: int = 8) -> pd.DataFrame:
    """Moderation quarter by quarter, for the ``quarters`` financial quarters ending with the one
    that holds the period's last day.

    Columns: ``quarter``, ``audits`` (completed), ``moderated_count``/``_pct`` (with interval),
    ``exact_agreement_count``/``_pct``, ``downgraded_count``, ``upgraded_count``, ``kappa_linear``.
    """
    config = evidence.config
    last = period_of(period.end, "quarter")
    periods = [last]
    while len(periods) < quarters:
        periods.insert(0, periods[0].previous())
    rows = []
    for quarter in periods:
        audits = audits_in_period(evidence, quarter)
        result = moderation_statistics(evidence, quarter)
        rows.append(
            {
                "quarter": quarter.code,
                "audits": len(audits),
                **share_columns(
                    "moderated",
                    int(audits["moderated_grade"].notna().sum()),
                    len(audits),
                    config.thresholds.significance_alpha,
                ),
                "exact_agreement_count": result["exact_agreement_count"],
                "exact_agreement_pct": result["exact_agreement_pct"],
                "downgraded_count": result["downgraded_count"],
                "upgraded_count": result["upgraded_count"],
                "kappa_linear": result["kappa_linear"],
            }
        )
    out = pd.DataFrame(rows)
    counts = [
        "audits",
        "moderated_count",
        "exact_agreement_count",
        "downgraded_count",
        "upgraded_count",
    ]
    out[counts] = out[counts].astype("int64")
    return out
