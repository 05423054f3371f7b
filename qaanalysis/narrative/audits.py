"""Readings of the audit, moderation and action results, in plain English.

Written from computed results (Figures, frames), never from the evidence: the audits section
(``sections/audits.py``) computes each measure once and hands the results here. Small counts are
withheld for the public audience (the Figures arrive already disclosed; counts taken from frames are
withheld here).
"""

from __future__ import annotations

import math

import pandas as pd

from .. import disclosure
from ..config import Config
from ..figures import Figure
from ..measures.audits import DIRECTION_WORDS, DomainMatrix, TeamFunnel
from ..measures.moderation import kappa_words
from . import BOWKER_RULE, p_words


def count_text(value: int, *, config: Config, audience: str) -> str:
    """A count for a reading: the symbol for small counts when the audience is public."""
    if audience == "public" and disclosure.is_small(value, config.suppression):
        return config.suppression.symbol
    return f"{value:,}"


def share_text(k: int, n: int, *, config: Config, audience: str) -> str:
    """A share as "62% (18 of 29)", or withheld for the public when a count is small."""
    if not n:
        return "no data"
    if audience == "public" and any(
        disclosure.is_small(x, config.suppression) for x in (k, n, n - k)
    ):
        rule = config.suppression
        return f"{rule.symbol} (fewer than {rule.max_count + 1}, suppressed)"
    return f"{k / n:.0%} ({k} of {n})"


def matrix_cells(
    matrix: DomainMatrix, *, config: Config, audience: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A domain matrix's heat-map cells as the audience may see them: (shares, cell labels).

    A cell reads "62%\n(18/29)", "too few" (under the matrix's ``min_n`` audits) or "" (none
    assessed). For the public a cell is withheld (the suppression symbol, no share) when its
    good-or-better count, or the count of the rest, is small, and labels carry no counts.
    """
    public = disclosure.check_audience(audience) == "public"
    shares = matrix.shares.copy()
    labels = pd.DataFrame("", index=shares.index, columns=shares.columns, dtype=object)
    for row in shares.index:
        for column in shares.columns:
            n, k = int(matrix.counts.loc[row, column]), int(matrix.good.loc[row, column])
            if (
                n >= matrix.min_n
                and public
                and any(disclosure.is_small(x, config.suppression) for x in (k, n - k))
            ):
                shares.loc[row, column] = math.nan
                labels.loc[row, column] = config.suppression.symbol
            elif n >= matrix.min_n:
                labels.loc[row, column] = f"{k / n:.0%}" if public else f"{k / n:.0%}\n({k}/{n})"
            elif n:
                labels.loc[row, column] = "too few"
    return shares, labels


def grades_reading(figures: list[Figure]) -> str:
    """Plain-English reading of the overall grade Figures (``audit_figures``, disclosed)."""
    by_id = {f.id: f for f in figures}
    if "audits.count" not in by_id:
        return "No audits were completed in the period."
    parts = [f"{by_id['audits.count'].text} audits were completed."]
    for key, words in (
        ("audits.overall.good_or_better", "good or better"),
        ("audits.overall.inadequate", "inadequate"),
    ):
        f = by_id[key]
        if f.suppressed:
            parts.append(f"Graded {words}: {f.text}.")
            continue
        was = ""
        if f.comparison and f.comparison.get("value") is not None:
            c = f.comparison
            was = f" (previous period {c['value']:.0%} ({c['numerator']} of {c['denominator']}))"
        parts.append(
            f"{f.text} were graded {words}, interval {f.ci_low:.0%} to {f.ci_high:.0%}; "
            f"against the previous period this is {DIRECTION_WORDS[f.direction]}{was}."
        )
    trend = by_id.get("audits.overall.trend")
    if trend is not None:
        parts.append(
            f"Over the last 12 months overall grades are {DIRECTION_WORDS[trend.direction]}"
            f" ({trend.denominator} audits)."
        )
    return " ".join(parts)


def domains_reading(
    extremes: pd.DataFrame,
    summary: pd.DataFrame,
    *,
    config: Config,
    audience: str,
    trends: list[Figure] = (),
) -> str:
    """Plain-English reading of the strongest and weakest domains, against the aspiration, and of
    every domain whose good-or-better share rose or fell significantly over the trend window
    (``trends``: the disclosed ``audits.domain.<domain>.trend`` Figures)."""
    if extremes.empty:
        return "Too few audits assessed each domain to rank them."
    aspiration = config.thresholds.audit_good_aspiration

    def describe(rows: pd.DataFrame) -> str:
        parts = []
        for r in rows.itertuples():
            share = share_text(r.good_or_better_count, r.audits, config=config, audience=audience)
            parts.append(f"{r.domain_label}, {share}")
        return "; ".join(parts)

    strong = extremes[extremes["position"] == "strongest"]
    weak = extremes[extremes["position"] == "weakest"]
    text = f"Strongest: {describe(strong)}."
    if len(weak):
        text += f" Weakest: {describe(weak)}."
    judged = summary[summary["audits"] >= config.thresholds.min_n_compare]
    below = judged[judged["good_or_better_pct"] < aspiration]["domain_label"].tolist()
    text += f" Against the authority's aspiration of {aspiration:.0%} good or better, " + (
        f"{len(below)} of {len(judged)} domains fall short: {', '.join(below)}."
        if below
        else f"all {len(judged)} domains with enough audits meet it."
    )
    moving = [t for t in trends if t.direction in ("improving", "declining") and not t.suppressed]
    for t in moving:
        name = t.label.split(":")[0]
        way = "rising (an improvement)" if t.direction == "improving" else "falling (a concern)"
        text += (
            f" Over the last {config.thresholds.trend_quarters} quarters the share of audits "
            f"rating {name} good or better has been {way}, {_span(t)}."
        )
    return text


def _span(trend: Figure) -> str:
    comp = trend.comparison or {}
    first, last = comp.get("first"), comp.get("last")
    if not first or not last:
        return "a significant trend"
    return (
        f"from {first['numerator'] / first['denominator']:.0%} ({first['numerator']} of "
        f"{first['denominator']}) in the first quarter to "
        f"{last['numerator'] / last['denominator']:.0%} ({last['numerator']} of "
        f"{last['denominator']}) in the last"
    )


def funnel_reading(funnel: TeamFunnel, *, config: Config, audience: str) -> str:
    """Plain-English reading of the team funnel; teams are named for internal and leadership
    audiences only (the funnel arrives unnamed for the public), small counts withheld for the
    public."""
    if funnel.points.empty:
        return "No audits in the window, so teams cannot be compared."
    window_text = f"{funnel.start:%B %Y} to {funnel.end:%B %Y}"
    outside = funnel.outside
    k, n = int(funnel.points["k"].sum()), int(funnel.points["n"].sum())
    head = (
        f"From {window_text}, {funnel.centre:.0%} ({k} of {n}) of the authority's audits were "
        f"good or better. "
    )
    if outside.empty:
        return head + (
            f"All {len(funnel.points)} teams are within the 95% limits: their "
            "differences are within what chance alone would give."
        )
    parts = []
    for _, row in outside.iterrows():
        where = "below" if row["position"].startswith("below") else "above"
        level = "99.8%" if row["position"].endswith("998") else "95%"
        share = share_text(int(row["k"]), int(row["n"]), config=config, audience=audience)
        parts.append(f"{row['team']}, {share}, is {where} the {level} limit")
    return (
        head
        + "; ".join(parts)
        + (
            ". A team below the limits is worth a closer look; one "
            "above may hold practice to share."
        )
    )


def moderation_reading(
    audits: pd.DataFrame,
    result: dict | None,
    *,
    config: Config,
    audience: str,
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> str:
    """Plain-English reading of moderation: of the audits in the period (or pooled over a window
    ending with it, named by ``window``), and the agreement statistics of those moderated
    (``result``, from ``moderation_statistics``; None when none was moderated). Small counts are
    withheld for the public audience."""
    if audits.empty:
        return "No audits were completed, so none were moderated."
    intro = f"From {window[0]:%B %Y} to {window[1]:%B %Y}, " if window else ""

    def share(k: int, n: int) -> str:
        return share_text(int(k), int(n), config=config, audience=audience)

    is_moderated = audits["moderated_grade"].notna()
    parts = [
        f"{intro}{share(is_moderated.sum(), len(audits))} of audits were moderated, against "
        f"an expected {config.moderation.expected_rate:.0%}."
    ]
    must = audits["overall_grade"].isin(config.moderation.always_moderate)
    if must.any():
        grades = " or ".join(config.moderation.always_moderate)
        parts.append(
            f"Audits graded {grades} must always be moderated: "
            f"{share((must & is_moderated).sum(), must.sum())} were."
        )
    if not is_moderated.any() or result is None:
        return " ".join(parts)
    n = result["n"]
    down = count_text(result["downgraded_count"], config=config, audience=audience)
    up = count_text(result["upgraded_count"], config=config, audience=audience)
    parts.append(
        f"The moderator agreed with the auditor's grade in {share(result['exact_agreement_count'], n)}"
        f" and was within one grade in {share(result['within_one_count'], n)}. "
        f"{down} {'was' if down == '1' else 'were'} downgraded and {up} upgraded."
    )
    kappa = result["kappa_linear"]
    if not math.isnan(kappa):
        parts.append(
            f"Weighted kappa is {kappa:.2f} ({kappa_words(kappa)} agreement, interval "
            f"{result['kappa_linear_ci_low']:.2f} to {result['kappa_linear_ci_high']:.2f})"
            + (
                f"; with fewer than {config.thresholds.small_sample} pairs the interval is wide"
                if n < config.thresholds.small_sample
                else ""
            )
            + "."
        )
    p = result["bowker_p"]
    if not math.isnan(p) and p < config.thresholds.significance_alpha:
        lean = (
            "generous (moderators more often downgrade)"
            if result["downgraded_count"] > result["upgraded_count"]
            else "harsh (moderators more often upgrade)"
        )
        parts.append(
            f"Bowker's test finds the disagreements lean one way ({p_words(p)}): auditors "
            f"grade as a rule too {lean}. {BOWKER_RULE[0].upper()}{BOWKER_RULE[1:]}"
        )
    elif not math.isnan(p):
        parts.append(
            f"Bowker's test finds no systematic lean in the disagreements ({p_words(p)}). "
            f"{BOWKER_RULE[0].upper()}{BOWKER_RULE[1:]}"
        )
    return " ".join(parts)


def actions_reading(figures: list[Figure]) -> str:
    """Plain-English reading of the period's audit action Figures (``action_figures``, disclosed)."""
    by_id = {f.id: f for f in figures}
    if not by_id:
        return "No audit actions are recorded."
    words = {
        "improving": "improving",
        "declining": "declining",
        "stable": "broadly stable",
        "not_judged": "too few to judge a change",
    }
    parts = [f"{by_id['actions.due'].text} actions fell due in the period."]
    if "actions.closed_on_time" in by_id:
        f = by_id["actions.closed_on_time"]
        parts.append(
            f"{f.text} were closed by their due date ({words[f.direction]} against the "
            "previous period)."
        )
    overdue = by_id["actions.overdue_open"]
    median = by_id.get("actions.overdue_open.median_days")
    parts.append(
        f"At the period end {overdue.text} actions were overdue and still open"
        + (f", by a median of {median.text}" if median is not None else "")
        + "."
    )
    return " ".join(parts)
