"""The voice of children and families: complaints, compliments, participation feedback, escalations.

Every measure here is declared once in :data:`MEASURES` (numerator, denominator, period rule, days
and timescale source), so the methods appendix, notebooks and narratives read the same definition.
The functions are pure: they take the canonical frames (or the Evidence), a :class:`Period` and the
configuration, and return new frames, Figures or Signals; they never modify their inputs.

Reading rules (also in ``docs/assumptions.md`` when it is written):

- A complaints-log row is one complaint (or compliment or comment) *at one stage*: a complaint
  that goes to stage 2 appears again as a stage 2 row. The log does not link a stage 2 row to its
  stage 1 row, so "escalation" is read as the ratio of complaints received at the next stage to
  complaints received at this stage in the same period, not as a tracked share.
- Counts are of records received (raised, answered) in the period.
- Changes in counts are judged by the exact conditional test of two Poisson counts
  (:func:`compare_counts`), against the previous period and the same period a year earlier, and
  only against periods the source covers (a comparison before the first record is not made).
- Shares are shown with 95% Wilson intervals, and judged against the previous period by Fisher's
  exact test (:func:`qaanalysis.stats.compare_proportions`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from .. import stats
from ..config import Config
from ..disclosure import IDENTIFIER_COLUMNS, check_audience, is_small, scrub_quote, suppress_figure
from ..figures import Figure, proportion
from ..findings import Signal
from ..periods import Period, add_working_days, period_of, working_days_between
from ..sources import Evidence
from ..sources.annex_a import ANNEX_A_LISTS
from ..sources.schema import SIMPLE_SOURCES, audit_columns

# ----------------------------------------------------------------------------- vocabularies

STAGES = ("1", "2", "3", "ombudsman")
STAGE_LABELS = {
    "1": "Stage 1 (local resolution)",
    "2": "Stage 2 (investigation)",
    "3": "Stage 3 (review panel)",
    "ombudsman": "Referred to the Ombudsman",
}
CONCLUDED = ("upheld", "partly_upheld", "not_upheld")
UPHELD = ("upheld", "partly_upheld")
COMPLAINANT_LABELS = {
    "child": "Child",
    "young_person": "Young person",
    "parent": "Parent",
    "carer": "Carer",
    "other": "Other",
}
# Children's and young people's views are kept apart from everyone else's (issue: voice).
RESPONDENT_GROUPS = {
    "children_young_people": ("child", "young_person"),
    "parents_carers": ("parent", "carer"),
    "practitioners": ("practitioner",),
    "partners": ("partner",),
}
GROUP_LABELS = {
    "children_young_people": "Children and young people",
    "parents_carers": "Parents and carers",
    "practitioners": "Staff (practitioners)",
    "partners": "Partner agencies",
}
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Measure:
    """One measure's declared definition (read by the methods appendix).

    Attributes:
        id: the Figure id, or its pattern with ``<placeholder>`` parts.
        title: what a reader calls it.
        source: complaints, feedback or escalations.
        numerator: what is counted.
        denominator: what it is out of ("" for a count).
        period_rule: which records belong to a period.
        days: working or calendar days and where the timescale comes from ("" if none).
    """

    id: str
    title: str
    source: str
    numerator: str
    denominator: str = ""
    period_rule: str = ""
    days: str = ""


MEASURES: tuple[Measure, ...] = (
    Measure("complaints.count", "Complaints received", "complaints",
            "complaint records (any stage) received in the period", "",
            "received_date in the period; change judged against the previous period and the same "
            "period a year earlier by the exact conditional test of two Poisson counts"),
    Measure("complaints.stage.<stage>.count", "Complaints received at a stage", "complaints",
            "complaint records at the stage received in the period", "", "received_date"),
    Measure("complaints.per_100_open", "Complaints per 100 open cases", "complaints",
            "complaints received in the period x 100",
            "children with an open CIN episode (Annex A list 6), child protection plan (list 7) or "
            "period of care (list 8) at the period end, each child counted once",
            "received_date in the period; caseload at the period end"),
    Measure("complaints.stage1.within_timescale", "Stage 1 complaints answered within timescale",
            "complaints",
            "stage 1 complaints answered within 10 working days, or 20 where the extension is "
            "recorded",
            "stage 1 complaints received in the period that have been answered, or are unanswered "
            "and already past their timescale at the extract date (unanswered ones still in time "
            "are left out as pending)",
            "received_date in the period",
            "working days after receipt up to and including the response (England and Wales bank "
            "holidays excluded); timescales.complaint_stage1_working_days and "
            "complaint_stage1_extended_working_days (Children Act 1989 Representations Procedure "
            "(England) Regulations 2006)"),
    Measure("complaints.stage2.within_timescale", "Stage 2 complaints answered within timescale",
            "complaints",
            "stage 2 complaints answered within 25 working days, or 65 where extended",
            "as for stage 1", "received_date in the period",
            "working days; timescales.complaint_stage2_working_days and "
            "complaint_stage2_extended_working_days"),
    Measure("complaints.upheld", "Complaints upheld or partly upheld", "complaints",
            "concluded complaints upheld or partly upheld",
            "complaints answered in the period with an outcome of upheld, partly upheld or not "
            "upheld (withdrawn complaints are left out)", "responded_date in the period"),
    Measure("complaints.learning_recorded", "Upheld complaints with learning recorded",
            "complaints", "upheld or partly upheld complaints with learning recorded",
            "complaints answered in the period and upheld or partly upheld",
            "responded_date in the period"),
    Measure("complaints.advocacy", "Children's complaints made with an advocate", "complaints",
            "complaints by a child or young person where an advocate is recorded",
            "complaints by a child or young person received in the period", "received_date"),
    Measure("complaints.category.<code>.count", "Complaints in a category", "complaints",
            "complaints received in the period with the category", "",
            "received_date; change judged as for complaints.count"),
    Measure("compliments.count", "Compliments received", "complaints",
            "compliment records received in the period", "", "received_date"),
    Measure("feedback.count", "Feedback responses", "feedback",
            "answers (one respondent, one question) dated in the period", "", "date in the period"),
    Measure("feedback.positive", "Feedback answers that are positive", "feedback",
            "scored answers at or above thresholds.feedback_positive_score",
            "answers with a score on the configured scale (thresholds.feedback_scale)",
            "date in the period"),
    Measure("feedback.group.<group>.positive", "Positive answers by respondent group", "feedback",
            "as feedback.positive, for children and young people, parents and carers, staff, or "
            "partners", "", "date in the period"),
    Measure("feedback.group.<group>.count", "Answers by respondent group", "feedback",
            "answers from children and young people, parents and carers, staff, or partners",
            "", "date in the period"),
    Measure("feedback.question.<q>.positive", "Positive answers to one question", "feedback",
            "as feedback.positive, for one question", "", "date in the period"),
    Measure("feedback.theme.<theme>.positive", "Positive answers to a theme's questions",
            "feedback", "as feedback.positive, pooling the theme's feedback_questions", "",
            "date in the period"),
    Measure("escalations.count", "Practice alerts and disputes raised", "escalations",
            "IRO and CP chair alerts and DRP escalations raised in the period", "",
            "raised_date in the period"),
    Measure("escalations.category.<c>.count", "Alerts raised in a category", "escalations",
            "alerts raised in the period with the category", "", "raised_date"),
    Measure("escalations.resolved_within_timescale", "Alerts resolved within timescale",
            "escalations", "alerts resolved within timescales.escalation_resolution_working_days",
            "alerts resolved in the period", "resolved_date in the period",
            "working days after raising up to and including resolution"),
    Measure("escalations.resolution_median_working_days", "Median time to resolve an alert",
            "escalations", "median working days from raising to resolution",
            "alerts resolved in the period", "resolved_date in the period", "working days"),
    Measure("escalations.open_past_timescale", "Alerts open past timescale", "escalations",
            "alerts open at the period end (or extract date, if earlier) more than "
            "timescales.escalation_resolution_working_days working days after they were raised",
            "alerts open at the period end", "open at the period end", "working days"),
    Measure("escalations.theme.<theme>.open_past_timescale",
            "Alerts about a theme open past timescale", "escalations",
            "as escalations.open_past_timescale, for the theme's escalation_categories",
            "the theme's alerts open at the period end", "open at the period end", "working days"),
)  # fmt: skip


# ----------------------------------------------------------------------------- standards


@dataclass(frozen=True)
class VoiceStandards:
    """The standards the voice signals are judged against (METHODS.md, triangulation).

    Attributes:
        feedback_aspiration: the positive share a theme's feedback should reach. Read from
            ``thresholds.feedback_positive_aspiration`` when the configuration has it, otherwise
            the authority's audit aspiration ``thresholds.audit_good_aspiration`` (the same
            "what good looks like" bar, so audits and feedback are read alike).
        escalation_open_past_share: a theme's alerts are a concern when more than this share of
            those open at the period end are past the resolution timescale ...
        escalation_open_past_min: ... and at least this many are.
        alpha: significance level (``thresholds.significance_alpha``).
        min_n: fewest answers (or observations in each period) to judge
            (``thresholds.min_n_compare``).
    """

    feedback_aspiration: float
    escalation_open_past_share: float
    escalation_open_past_min: int
    alpha: float
    min_n: int


def voice_standards(config: Config) -> VoiceStandards:
    """The standards of :class:`VoiceStandards`, from the configuration where it has them."""
    t = config.thresholds
    return VoiceStandards(
        feedback_aspiration=t.feedback_positive_aspiration,
        escalation_open_past_share=t.escalation_open_past_share,
        escalation_open_past_min=t.escalation_open_past_min,
        alpha=t.significance_alpha,
        min_n=t.min_n_compare,
    )


# ----------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class CountComparison:
    """Two event counts compared by the exact conditional test of two Poisson rates.

    Attributes:
        current, previous: the counts.
        current_exposure, previous_exposure: the time each was counted over (days).
        rate_ratio: (current / current_exposure) / (previous / previous_exposure); inf when the
            previous count is 0 and the current is not, nan when both are 0.
        ci_low, ci_high: exact (Clopper-Pearson based) interval for the rate ratio.
        p_value: two-sided exact p-value; nan when both counts are 0.
        significant: ``p_value < alpha``.
        change: ``"increase"`` or ``"decrease"`` when significant, else ``"no_change"``.
    """

    current: int
    previous: int
    current_exposure: float
    previous_exposure: float
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool
    change: str


def compare_counts(
    current: int,
    previous: int,
    *,
    current_exposure: float = 1.0,
    previous_exposure: float = 1.0,
    alpha: float = 0.05,
) -> CountComparison:
    """Is a count significantly up or down on an earlier one? (exact conditional Poisson test)

    If both counts are Poisson with the same rate per unit of exposure, then given their total
    ``n = current + previous`` the current count is Binomial(n, t1 / (t1 + t0)), where t1 and t0
    are the exposures (the days each period covers). The two-sided p-value is that binomial
    test's (``scipy.stats.binomtest``, summing the probabilities of outcomes no more likely than
    the one seen); the rate ratio's interval is the Clopper-Pearson interval of the binomial
    proportion, turned into a ratio. No minimum count is needed: with few events the exact test
    simply cannot reach significance (5 against 0 gives p = 0.0625).

    Args:
        current: events in the current period.
        previous: events in the comparison period.
        current_exposure, previous_exposure: the length of each period (days), or any exposure.
        alpha: significance level; the interval is at 1 - alpha.

    Example:
        >>> c = compare_counts(12, 3)
        >>> round(c.p_value, 4), c.change
        (0.0352, 'increase')
    """
    current, previous = int(current), int(previous)
    if current < 0 or previous < 0:
        raise ValueError(f"counts must not be negative, got {current!r} and {previous!r}")
    n = current + previous
    if n == 0:
        return CountComparison(current, previous, current_exposure, previous_exposure,
                               math.nan, math.nan, math.nan, math.nan, False, "no_change")  # fmt: skip
    share = current_exposure / (current_exposure + previous_exposure)
    test = sps.binomtest(current, n, share, alternative="two-sided")
    p_value = float(test.pvalue)
    ci = test.proportion_ci(confidence_level=1 - alpha, method="exact")
    scale = previous_exposure / current_exposure

    def ratio(pi: float) -> float:
        return math.inf if pi >= 1 else pi / (1 - pi) * scale

    rate_ratio = (
        (current / current_exposure) / (previous / previous_exposure) if previous else math.inf
    )
    significant = bool(p_value < alpha)
    change = "no_change"
    if significant:
        rising = current / current_exposure > previous / previous_exposure
        change = "increase" if rising else "decrease"
    return CountComparison(current, previous, current_exposure, previous_exposure, rate_ratio,
                           ratio(ci.low), ratio(ci.high), p_value, significant, change)  # fmt: skip


@dataclass(frozen=True)
class CountTrend:
    """A trend across consecutive event counts (score test for a log-linear Poisson trend).

    Attributes:
        counts: the counts, oldest first.
        z: the standardised score statistic (positive: rising).
        p_value: two-sided p-value from the normal distribution; nan with no events.
        significant: ``p_value < alpha``.
        change: ``"increase"``, ``"decrease"`` or ``"no_change"``.
    """

    counts: tuple[int, ...]
    z: float
    p_value: float
    significant: bool
    change: str


def count_trend(counts, *, exposures=None, alpha: float = 0.05) -> CountTrend:
    """Are consecutive counts rising or falling? (score test for trend in Poisson counts)

    Under no trend, given the total N, the counts are multinomial with shares proportional to
    the exposures (period lengths). The score statistic for a log-linear trend in the period's
    position t is U = sum(t x) - N sum(t pi), with variance N (sum(t^2 pi) - (sum(t pi))^2);
    z = U / sqrt(variance) is read against the normal distribution (the test of Armitage for
    counts; it needs an average of about five events a period to be trusted).

    Example:
        >>> round(count_trend([15, 14, 13, 17, 22, 29]).z, 2)  # 2.74 by hand
        2.74
    """
    x = np.asarray([int(c) for c in counts], dtype=float)
    d = np.ones_like(x) if exposures is None else np.asarray(exposures, dtype=float)
    n = x.sum()
    if n == 0 or len(x) < 2:
        return CountTrend(tuple(int(c) for c in x), math.nan, math.nan, False, "no_change")
    t = np.arange(len(x), dtype=float)
    pi = d / d.sum()
    mean_t = float((t * pi).sum())
    u = float((t * x).sum() - n * mean_t)
    z = u / math.sqrt(n * float(((t - mean_t) ** 2 * pi).sum()))
    p_value = float(2 * sps.norm.sf(abs(z)))
    significant = p_value < alpha
    change = "no_change" if not significant else "increase" if z > 0 else "decrease"
    return CountTrend(tuple(int(c) for c in x), z, p_value, significant, change)


def _days(period: Period) -> int:
    return int((period.end_exclusive - period.start).days)


def _coverage_start(dates: pd.Series) -> pd.Timestamp | None:
    """The first day of the month of the earliest record: comparisons start no earlier."""
    dates = dates.dropna()
    return None if dates.empty else period_of(dates.min(), "month").start


def comparison_periods(
    period: Period, *, covered_from: pd.Timestamp | None
) -> list[tuple[str, Period]]:
    """The periods a count is compared with: the previous one and the same one a year earlier.

    A year's previous period is the year before, so it is listed once. A period that starts before
    ``covered_from`` (the source's first month) is not compared with.
    """
    out: list[tuple[str, Period]] = []
    for kind, other in (("previous_period", period.previous()),
                        ("same_period_last_year", period.same_period_last_year())):  # fmt: skip
        if any(o.start == other.start and o.end == other.end for _, o in out):
            continue
        if covered_from is None or other.start >= covered_from:
            out.append((kind, other))
    return out


COMPARISON_LABELS = {
    "previous_period": "previous period",
    "same_period_last_year": "same period last year",
}


def _count_figure(id: str, label: str, *, current: int, compared: list[tuple[str, Period, int]],
                  period: Period, source: str, theme: str | None, polarity: str, alpha: float,
                  note: str = "") -> Figure:  # fmt: skip
    """A count with its change judged by :func:`compare_counts` against each comparison period.

    A significant rise on either comparison decides the direction (a rise is the reading that
    matters for complaints and alerts); else a significant fall; else "stable". The comparison
    shown is the one that decided, or the previous period when neither test is significant.
    """
    tests = []
    for kind, other, value in compared:
        c = compare_counts(current, value, current_exposure=_days(period),
                           previous_exposure=_days(other), alpha=alpha)  # fmt: skip
        tests.append({
            "kind": kind, "label": COMPARISON_LABELS[kind], "period": other.code, "value": value,
            "rate_ratio": _finite(c.rate_ratio), "p_value": _finite(c.p_value),
            "change": c.change, "test": "exact conditional Poisson (binomial)",
        })  # fmt: skip
    comparison, direction, significant = None, "not_judged", False
    if tests:
        chosen = (next((t for t in tests if t["change"] == "increase"), None)
                  or next((t for t in tests if t["change"] == "decrease"), None) or tests[0])  # fmt: skip
        comparison = dict(chosen, others=[t for t in tests if t is not chosen])
        direction = stats.judge_direction(chosen["change"], polarity)
        significant = chosen["change"] != "no_change"
    return Figure(id=id, label=label, value=int(current), unit="count", numerator=int(current),
                  period=period.code, comparison=comparison, direction=direction,
                  significant=significant, source=source, theme=theme, note=note)  # fmt: skip


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


# ----------------------------------------------------------------------------- theme maps


def theme_map(config: Config, field: str) -> dict[str, list[str]]:
    """Code -> the themes that list it, for ``complaint_categories``, ``feedback_questions`` or
    ``escalation_categories`` (in the theme map's order)."""
    out: dict[str, list[str]] = {}
    for theme_id, theme in config.themes.items():
        for code in getattr(theme, field):
            out.setdefault(code, []).append(theme_id)
    return out


def _theme_labels(codes: pd.Series, config: Config, field: str) -> pd.Series:
    mapping = theme_map(config, field)
    return codes.map(
        lambda c: ", ".join(config.themes[t].label for t in mapping.get(c, [])) or "(not mapped)"
    )


def _label(code: str) -> str:
    return str(code).replace("_", " ").capitalize()


# ----------------------------------------------------------------------------- complaints


def _records(complaints: pd.DataFrame, record_type: str) -> pd.DataFrame:
    return complaints[complaints["record_type"] == record_type]


def _in(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    return frame[period.contains(frame[column])]


def quarter_periods(period: Period, *, quarters: int) -> list[Period]:
    """The ``quarters`` financial quarters ending with the one that holds the period's end."""
    last = period_of(period.end, "quarter")
    out = [last]
    while len(out) < quarters:
        out.insert(0, out[0].previous())
    return out


def quarterly_volumes(
    complaints: pd.DataFrame, *, period: Period, quarters: int = 8
) -> pd.DataFrame:
    """Complaints, compliments and comments received per quarter, up to the period's end.

    Only quarters the log covers (from its first month) are shown; a quarter running past the
    period's end counts records up to the period's end only.

    Returns:
        One row per quarter: ``quarter`` (code), ``complaints``, ``compliments``, ``comments``,
        ``stage_1`` to ``ombudsman`` (complaints by stage).
    """
    covered = _coverage_start(complaints["received_date"])
    rows = []
    for q in quarter_periods(period, quarters=quarters):
        if covered is None or q.end < covered:
            continue
        inside = complaints[_contains_until(q, period.end, complaints["received_date"])]
        row = {"quarter": q.code}
        for record_type in ("complaint", "compliment", "comment"):
            row[f"{record_type}s"] = int((inside["record_type"] == record_type).sum())
        stages = _records(inside, "complaint")["stage"]
        for stage in STAGES:
            row[_stage_column(stage)] = int((stages == stage).sum())
        rows.append(row)
    columns = ["quarter", "complaints", "compliments", "comments"] + [
        _stage_column(s) for s in STAGES
    ]
    return pd.DataFrame(rows, columns=columns)


def _stage_column(stage: str) -> str:
    return "ombudsman" if stage == "ombudsman" else f"stage_{stage}"


def _contains_until(period: Period, until: pd.Timestamp, dates: pd.Series) -> pd.Series:
    """Dates in ``period`` and not after ``until``."""
    return period.contains(dates) & (dates < until + pd.Timedelta(days=1))


def stage_summary(complaints: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Complaints received in the period by stage, and the escalation ratio to the next stage.

    ``next_stage_per_100`` is complaints received at the next stage per 100 received at this
    stage in the same period: the log does not link a complaint's stages, so this is a ratio of
    flows, not the share of this period's complaints that will escalate.

    Returns:
        One row per stage (and ``not recorded`` when some rows have no stage): ``stage``,
        ``stage_label``, ``complaints``, ``complaints_pct`` (share of all complaints received),
        ``next_stage_pct`` (complaints at the next stage per 100 at this stage, as a fraction).
    """
    if not len(complaints):
        return pd.DataFrame(
            columns=["stage", "stage_label", "complaints", "complaints_pct", "next_stage_pct"]
        )
    received = _in(_records(complaints, "complaint"), "received_date", period)
    counts = received["stage"].value_counts()
    total = len(received)
    rows = []
    for i, stage in enumerate(STAGES):
        n = int(counts.get(stage, 0))
        following = int(counts.get(STAGES[i + 1], 0)) if i + 1 < len(STAGES) else None
        rows.append({
            "stage": stage, "stage_label": STAGE_LABELS[stage], "complaints": n,
            "complaints_pct": n / total if total else math.nan,
            "next_stage_pct": following / n if following is not None and n else math.nan,
        })  # fmt: skip
    missing = int(received["stage"].isna().sum())
    if missing:
        rows.append({"stage": NOT_RECORDED, "stage_label": "Stage not recorded",
                     "complaints": missing, "complaints_pct": missing / total,
                     "next_stage_pct": math.nan})  # fmt: skip
    return pd.DataFrame(rows, columns=["stage", "stage_label", "complaints", "complaints_pct",
                                       "next_stage_pct"])  # fmt: skip


def _timescales(config: Config) -> dict[str, tuple[int, int]]:
    t = config.timescales
    return {
        "1": (t.complaint_stage1_working_days, t.complaint_stage1_extended_working_days),
        "2": (t.complaint_stage2_working_days, t.complaint_stage2_extended_working_days),
    }


def complaint_timeliness(complaints: pd.DataFrame, *, period: Period, config: Config,
                         as_at: pd.Timestamp) -> pd.DataFrame:  # fmt: skip
    """Each complaint received in the period at a stage with a statutory timescale, and whether
    it was answered in time.

    The timescale is ``timescales.complaint_stage1_working_days`` (10) for stage 1, or
    ``complaint_stage1_extended_working_days`` (20) where ``extended`` is yes; stage 2 is 25, or 65
    where extended. Working days are counted after the day of receipt up to and including the day of
    the response, without weekends or England and Wales bank holidays
    (:func:`qaanalysis.periods.working_days_between`). Stage 3 and Ombudsman rows have no working-day
    timescale in the configuration and are left out.

    Status:
        ``within``: answered within the timescale. ``late``: answered after it, or unanswered and
        already past it at ``as_at`` (the extract date). ``pending``: unanswered and still within
        it (left out of the share). ``check_dates``: answered before it was received (left out).

    Returns:
        Indexed as the input: ``record_id``, ``stage``, ``received_date``, ``responded_date``,
        ``extended``, ``timescale_working_days``, ``due_date``, ``working_days``, ``status``.
    """
    limits = _timescales(config)
    rows = _in(_records(complaints, "complaint"), "received_date", period)
    rows = rows[rows["stage"].isin(list(limits))]
    extended = rows["extended"].astype("boolean").fillna(False).astype(bool)
    base = rows["stage"].map({s: v[0] for s, v in limits.items()})
    longer = rows["stage"].map({s: v[1] for s, v in limits.items()})
    timescale = longer.where(extended, base).astype(int)
    answered = rows["responded_date"].notna()
    taken = working_days_between(start=rows["received_date"], end=rows["responded_date"])
    waited = working_days_between(
        start=rows["received_date"], end=pd.Series(pd.Timestamp(as_at), index=rows.index)
    )
    status = np.select(
        [answered & (taken < 0), answered & (taken <= timescale), answered, waited > timescale],
        ["check_dates", "within", "late", "late"],
        default="pending",
    )
    due = [add_working_days(d, n) for d, n in zip(rows["received_date"], timescale, strict=True)]
    return pd.DataFrame({
        "record_id": rows["record_id"], "stage": rows["stage"],
        "received_date": rows["received_date"], "responded_date": rows["responded_date"],
        "extended": extended, "timescale_working_days": timescale,
        "due_date": pd.to_datetime(pd.Series(due, index=rows.index, dtype="datetime64[ns]")),
        "working_days": taken, "status": pd.Series(status, index=rows.index, dtype=object),
    }, index=rows.index)  # fmt: skip


def timeliness_summary(timeliness: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Per stage: answered within timescale, late, pending, and the within-timescale share.

    Args:
        timeliness: the frame of :func:`complaint_timeliness`.

    Returns:
        One row per stage: ``stage``, ``within``, ``late``, ``pending``, ``assessed``
        (within + late), ``within_pct``, ``within_ci_low``, ``within_ci_high``,
        ``median_working_days`` (of those answered).
    """
    if not len(timeliness):
        return pd.DataFrame(
            columns=[
                "stage",
                "within",
                "late",
                "pending",
                "assessed",
                "within_pct",
                "within_ci_low",
                "within_ci_high",
                "median_working_days",
            ]
        )
    rows = []
    for stage in _timescale_stages(timeliness):
        part = timeliness[timeliness["stage"] == stage]
        within = int((part["status"] == "within").sum())
        late = int((part["status"] == "late").sum())
        n = within + late
        low, high = stats.wilson_interval(within, n, alpha=alpha) if n else (math.nan, math.nan)
        answered = part.loc[part["status"].isin(["within", "late"]), "working_days"].dropna()
        rows.append({
            "stage": STAGE_LABELS[stage], "within": within, "late": late,
            "pending": int((part["status"] == "pending").sum()), "assessed": n,
            "within_pct": within / n if n else math.nan, "within_ci_low": low,
            "within_ci_high": high,
            "median_working_days": float(answered.median()) if len(answered) else math.nan,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["stage", "within", "late", "pending", "assessed",
                                       "within_pct", "within_ci_low", "within_ci_high",
                                       "median_working_days"])  # fmt: skip


def _timescale_stages(timeliness: pd.DataFrame) -> list[str]:
    return [s for s in ("1", "2") if (timeliness["stage"] == s).any()] or ["1"]


def timeliness_table(evidence: Evidence, period: Period) -> pd.DataFrame:
    """:func:`timeliness_summary` of the period's complaints, judged at the extract date."""
    return timeliness_summary(
        complaint_timeliness(evidence.complaints, period=period, config=evidence.config,
                             as_at=evidence.extract_date),
        alpha=evidence.config.thresholds.significance_alpha,
    )  # fmt: skip


def late_complaints(evidence: Evidence, period: Period) -> pd.DataFrame:
    """Complaints received in the period answered late or still unanswered, latest due first
    (one row per complaint: for the internal audience only)."""
    table = complaint_timeliness(evidence.complaints, period=period, config=evidence.config,
                                 as_at=evidence.extract_date)  # fmt: skip
    table = table[table["status"].isin(["late", "pending", "check_dates"])]
    return table.sort_values("due_date", ascending=False).reset_index(drop=True)


def complaint_outcomes(complaints: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Outcomes of complaints answered in the period, by stage.

    Returns:
        One row per stage with any answered complaint, then ``All``: ``stage``, ``upheld``,
        ``partly_upheld``, ``not_upheld``, ``withdrawn``, ``no_outcome`` (answered, outcome blank),
        ``concluded`` (upheld + partly + not), ``upheld_or_partly`` and ``upheld_or_partly_pct``
        (of those concluded).
    """
    if not len(complaints):
        return pd.DataFrame(
            columns=[
                "stage",
                "upheld",
                "partly_upheld",
                "not_upheld",
                "withdrawn",
                "no_outcome",
                "concluded",
                "upheld_or_partly",
                "upheld_or_partly_pct",
            ]
        )
    answered = _in(_records(complaints, "complaint"), "responded_date", period)
    columns = ["upheld", "partly_upheld", "not_upheld", "withdrawn"]
    rows = []
    groups = [(STAGE_LABELS[s], answered[answered["stage"] == s]) for s in STAGES]
    groups.append(("All", answered))
    for label, part in groups:
        if label != "All" and part.empty:
            continue
        counts = part["outcome"].value_counts()
        row = {"stage": label, **{c: int(counts.get(c, 0)) for c in columns}}
        row["no_outcome"] = int(part["outcome"].isna().sum())
        row["concluded"] = row["upheld"] + row["partly_upheld"] + row["not_upheld"]
        row["upheld_or_partly"] = k = row["upheld"] + row["partly_upheld"]
        row["upheld_or_partly_pct"] = k / row["concluded"] if row["concluded"] else math.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["stage", *columns, "no_outcome", "concluded",
                                       "upheld_or_partly", "upheld_or_partly_pct"])  # fmt: skip


def _upheld_counts(complaints: pd.DataFrame, period: Period) -> tuple[int, int]:
    answered = _in(_records(complaints, "complaint"), "responded_date", period)
    concluded = answered[answered["outcome"].isin(CONCLUDED)]
    return int(concluded["outcome"].isin(UPHELD).sum()), len(concluded)


def _learning_counts(complaints: pd.DataFrame, period: Period) -> tuple[int, int]:
    answered = _in(_records(complaints, "complaint"), "responded_date", period)
    upheld = answered[answered["outcome"].isin(UPHELD)]
    has_learning = upheld["learning"].fillna("").astype(str).str.strip() != ""
    return int(has_learning.sum()), len(upheld)


def _advocacy_counts(complaints: pd.DataFrame, period: Period) -> tuple[int, int]:
    received = _in(_records(complaints, "complaint"), "received_date", period)
    children = received[received["complainant"].isin(RESPONDENT_GROUPS["children_young_people"])]
    return int(children["advocate"].astype("boolean").fillna(False).sum()), len(children)


CATEGORY_COLUMNS = ["category", "category_label", "themes", "complaints", "previous", "previous_p",
                    "last_year", "last_year_p", "change", "trend", "trend_p"]  # fmt: skip
TREND_WORDS = {"increase": "rising", "decrease": "falling", "no_change": "no clear trend"}


def _count_changes(records: pd.DataFrame, date_column: str, *, period: Period,
                   comparisons: dict[str, Period], quarters: list[Period], alpha: float) -> dict:  # fmt: skip
    """Records in the period, against the previous period and the same period last year.

    Each change is judged by :func:`compare_counts` (exposure = days in each period); "significant
    rise" wins over "significant fall", so a concern is never hidden. The trend over ``quarters``
    (:func:`count_trend`) is context.

    Returns:
        ``current``, ``previous``, ``previous_p``, ``last_year``, ``last_year_p`` (NaN where there is
        no comparison period), ``change``, ``trend`` and ``trend_p``.
    """
    current = len(_in(records, date_column, period))
    out: dict = {"current": current}
    changes = []
    for kind, column in (("previous_period", "previous"), ("same_period_last_year", "last_year")):
        other = comparisons.get(kind)
        if other is None:
            out[column], out[f"{column}_p"] = math.nan, math.nan
            continue
        value = len(_in(records, date_column, other))
        c = compare_counts(current, value, current_exposure=_days(period),
                           previous_exposure=_days(other), alpha=alpha)  # fmt: skip
        out[column], out[f"{column}_p"] = value, c.p_value
        changes.append(c.change)
    out["change"] = ("significant rise" if "increase" in changes else "significant fall"
                     if "decrease" in changes else "broadly stable" if changes
                     else "no comparison")  # fmt: skip
    trend = count_trend([len(_in(records, date_column, q)) for q in quarters],
                        exposures=[_days(q) for q in quarters], alpha=alpha)  # fmt: skip
    out["trend"], out["trend_p"] = TREND_WORDS[trend.change], trend.p_value
    return out


def complaint_categories(complaints: pd.DataFrame, *, period: Period, config: Config,
                         record_type: str = "complaint",
                         trend_quarters: int = 6) -> pd.DataFrame:  # fmt: skip
    """Complaints received in the period by category, with the themes they speak to and the
    change on the previous period and the same period last year.

    Every category in the theme map's ``complaint_categories`` is listed, and every category seen
    in the period or its comparison periods. The change is judged by :func:`compare_counts`
    (exact conditional Poisson test, period lengths in days as exposure) at
    ``thresholds.significance_alpha``; comparisons start no earlier than the log's first month.

    Returns:
        One row per category (most complaints first): ``category``, ``category_label``,
        ``themes``, ``complaints``, ``previous``, ``previous_p``, ``last_year``,
        ``last_year_p``, ``change`` ("significant rise", "significant fall", "broadly stable",
        "no comparison"), and the trend over the last ``trend_quarters`` covered quarters
        (:func:`count_trend`): ``trend`` ("rising", "falling", "no clear trend") and ``trend_p``.
        The change decides the signal; the trend is context.
    """
    if not len(complaints):
        return pd.DataFrame(columns=CATEGORY_COLUMNS)
    alpha = config.thresholds.significance_alpha
    records = _records(complaints, record_type)
    covered = _coverage_start(complaints["received_date"])
    comparisons = dict(comparison_periods(period, covered_from=covered))
    categories = list(theme_map(config, "complaint_categories"))
    # Whole quarters the log covers, ending with the period's last quarter (partial quarters
    # would read as a fall).
    quarters = [q for q in quarter_periods(period, quarters=trend_quarters)
                if covered is not None and q.start >= covered and q.end <= period.end]  # fmt: skip
    windows = [period, *comparisons.values()]
    for p in windows:
        seen = _in(records, "received_date", p)["category"].dropna().unique()
        categories += [c for c in seen if c not in categories]
    rows = []
    for code in categories:
        in_category = records[records["category"] == code]
        counts = _count_changes(in_category, "received_date", period=period,
                                comparisons=comparisons, quarters=quarters, alpha=alpha)  # fmt: skip
        row = {"category": code, "category_label": _label(code),
               "complaints": counts.pop("current"), **counts}  # fmt: skip
        rows.append(row)
    columns = [c for c in CATEGORY_COLUMNS if c != "themes"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.insert(2, "themes", _theme_labels(frame["category"], config, "complaint_categories"))
    frame[["previous", "last_year"]] = frame[["previous", "last_year"]].astype("Int64")
    return frame.sort_values(["complaints", "category"], ascending=[False, True],
                             ignore_index=True)  # fmt: skip


def category_by_quarter(complaints: pd.DataFrame, *, period: Period, quarters: int = 8,
                        record_type: str = "complaint") -> pd.DataFrame:  # fmt: skip
    """Records received per quarter (rows) and category (columns), up to the period's end.

    Returns:
        ``quarter`` then one column per category (ordered by the total, most first).
    """
    records = _records(complaints, record_type)
    covered = _coverage_start(complaints["received_date"])
    table = {}
    for q in quarter_periods(period, quarters=quarters):
        if covered is None or q.end < covered:
            continue
        inside = records[_contains_until(q, period.end, records["received_date"])]
        table[q.code] = inside["category"].fillna(NOT_RECORDED).value_counts()
    frame = pd.DataFrame(table).T.fillna(0).astype(int)
    if frame.empty:
        return pd.DataFrame({"quarter": pd.Series(dtype=object)})
    frame = frame[frame.sum().sort_values(ascending=False, kind="stable").index]
    return frame.rename_axis("quarter").reset_index()


def complainants(complaints: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Complaints received in the period by who made them, and how many had an advocate.

    Returns:
        One row per complainant type (and "not recorded"): ``complainant``, ``complaints``,
        ``with_advocate``, ``with_advocate_pct``.
    """
    if not len(complaints):
        return pd.DataFrame(
            columns=["complainant", "complaints", "with_advocate", "with_advocate_pct"]
        )
    received = _in(_records(complaints, "complaint"), "received_date", period)
    who = received["complainant"].fillna(NOT_RECORDED)
    advocate = received["advocate"].astype("boolean").fillna(False).astype(bool)
    rows = []
    for code in [*COMPLAINANT_LABELS, NOT_RECORDED]:
        mask = who == code
        n = int(mask.sum())
        if code == NOT_RECORDED and not n:
            continue
        k = int((mask & advocate).sum())
        rows.append({"complainant": COMPLAINANT_LABELS.get(code, "Not recorded"),
                     "complaints": n, "with_advocate": k,
                     "with_advocate_pct": k / n if n else math.nan})  # fmt: skip
    return pd.DataFrame(rows, columns=["complainant", "complaints", "with_advocate",
                                       "with_advocate_pct"])  # fmt: skip


def compliments_by_service(
    complaints: pd.DataFrame, *, period: Period, config: Config
) -> pd.DataFrame:
    """Compliments received in the period by service (rows) and practice theme (columns).

    A compliment's theme is the theme whose ``complaint_categories`` list its category (the first
    one, where several do); a category the theme map does not list is "Other", and a compliment
    with no category is "Not categorised".

    Returns:
        ``service`` then one column per theme label, then ``total``; a last row ``All services``.
    """
    received = _in(_records(complaints, "compliment"), "received_date", period)
    mapping = theme_map(config, "complaint_categories")
    theme = (
        received["category"]
        .map(lambda c: config.themes[mapping[c][0]].label if c in mapping else "Other")
        .where(received["category"].notna(), "Not categorised")
    )
    service = received["service"].fillna(NOT_RECORDED)
    if received.empty:
        return pd.DataFrame({"service": pd.Series(dtype=object), "total": pd.Series(dtype=int)})
    table = pd.crosstab(service, theme)
    order = [config.themes[t].label for t in config.themes if config.themes[t].label in table]
    table = table[order + [c for c in table.columns if c not in order]]
    table["total"] = table.sum(axis=1)
    table.loc["All services"] = table.sum()
    return table.rename_axis(index="service", columns=None).reset_index()


# ----------------------------------------------------------------------------- caseload


# Annex A list -> (start date, end date) of a case open in it (sources/annex_a.py columns).
OPEN_CASE_LISTS = {
    "list_6": ("cin_start_date", "cin_closure_date"),
    "list_7": ("cp_plan_start_date", "cp_plan_end_date"),
    "list_8": ("cla_start_date", "ceased_date"),
}


def open_caseload(annex_a: dict[str, pd.DataFrame], *, at: pd.Timestamp) -> int | None:
    """Children with a case open at ``at``: an open CIN episode (Annex A list 6), child protection
    plan (list 7) or period of care (list 8), each child counted once.

    Open means started on or before ``at`` and not ended (closed, ceased) before ``at``. Lists 6 to
    8 hold every case open at the extract date, so the caseload is sound at a period end close to
    the extract; for earlier period ends it counts only the cases the lists still hold (cases
    closed long before the extract have dropped out), so it can be too low.

    Returns:
        The number of children, or None when none of the three lists has any rows.
    """
    at = pd.Timestamp(at)
    children: set[str] = set()
    found = False
    for list_id, (start, end) in OPEN_CASE_LISTS.items():
        frame = annex_a.get(list_id)
        if frame is None or not len(frame) or start not in frame.columns:
            continue
        found = True
        is_open = frame[start] <= at
        if end in frame.columns:
            is_open &= frame[end].isna() | (frame[end] >= at)
        children.update(frame.loc[is_open, "child_id"].dropna().astype(str))
    return len(children) if found else None


# ----------------------------------------------------------------------------- complaint figures


def _as_at(evidence: Evidence, period: Period) -> pd.Timestamp:
    return min(period.end, pd.Timestamp(evidence.extract_date).normalize())


def complaint_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """Figures for complaints and compliments received, answered and concluded in the period.

    Ids: ``complaints.count``, ``compliments.count``, ``complaints.stage.<stage>.count``,
    ``complaints.per_100_open`` (where Annex A gives the open caseload),
    ``complaints.stage1.within_timescale``, ``complaints.stage2.within_timescale`` (where any
    stage 2 complaint was received), ``complaints.upheld``, ``complaints.learning_recorded``,
    ``complaints.advocacy``, ``complaints.category.<code>.count`` for every mapped or seen
    category. Definitions: :data:`MEASURES`. Empty when the log has no rows.
    """
    complaints = evidence.complaints
    if not len(complaints):
        return []
    config = evidence.config
    t = config.thresholds
    alpha, min_n = t.significance_alpha, t.min_n_compare
    covered = _coverage_start(complaints["received_date"])
    compared = comparison_periods(period, covered_from=covered)
    previous = period.previous()
    src = "complaints"

    def counted(frame: pd.DataFrame, p: Period) -> int:
        return len(_in(frame, "received_date", p))

    def count_fig(id: str, label: str, frame: pd.DataFrame, polarity: str, theme=None) -> Figure:
        return _count_figure(id, label, current=counted(frame, period),
                             compared=[(k, p, counted(frame, p)) for k, p in compared],
                             period=period, source=src, theme=theme, polarity=polarity,
                             alpha=alpha)  # fmt: skip

    records = _records(complaints, "complaint")
    figs = [
        count_fig("complaints.count", "Complaints received", records, "lower"),
        count_fig(
            "compliments.count",
            "Compliments received",
            _records(complaints, "compliment"),
            "higher",
        ),
    ]
    for stage in STAGES:
        figs.append(count_fig(f"complaints.stage.{stage}.count",
                              _stage_count_label(stage),
                              records[records["stage"] == stage], "lower"))  # fmt: skip

    caseload = open_caseload(evidence.annex_a, at=_as_at(evidence, period))
    if caseload:
        k = counted(records, period)
        figs.append(Figure(
            id="complaints.per_100_open", label="Complaints per 100 open cases",
            value=100 * k / caseload, unit="rate", numerator=k, denominator=caseload,
            period=period.code, source=src,
            note="open cases: children with an open CIN episode, CP plan or period of care "
                 "(Annex A lists 6 to 8) at the period end",
        ))  # fmt: skip

    as_at = pd.Timestamp(evidence.extract_date)
    now = complaint_timeliness(complaints, period=period, config=config, as_at=as_at)
    before = complaint_timeliness(complaints, period=previous, config=config, as_at=as_at)
    limits = _timescales(config)
    for stage in ("1", "2"):
        if stage == "2" and not (now["stage"] == "2").any():
            continue
        k, n = _within(now, stage)
        k0, n0 = _within(before, stage)
        base, longer = limits[stage]
        figs.append(proportion(
            f"complaints.stage{stage}.within_timescale",
            f"Stage {stage} complaints answered within {base} working days ({longer} if extended)",
            k=k, n=n, period=period.code, source=src, previous=(k0, n0),
            previous_period=previous.code, polarity="higher", alpha=alpha, min_n=min_n,
            theme=None,
        ))  # fmt: skip
    k, n = _upheld_counts(complaints, period)
    k0, n0 = _upheld_counts(complaints, previous)
    figs.append(proportion("complaints.upheld", "Concluded complaints upheld or partly upheld",
                           k=k, n=n, period=period.code, source=src, previous=(k0, n0),
                           previous_period=previous.code, polarity="context", alpha=alpha,
                           min_n=min_n))  # fmt: skip
    k, n = _learning_counts(complaints, period)
    k0, n0 = _learning_counts(complaints, previous)
    figs.append(proportion("complaints.learning_recorded",
                           "Upheld or partly upheld complaints with learning recorded",
                           k=k, n=n, period=period.code, source=src, previous=(k0, n0),
                           previous_period=previous.code, polarity="higher", alpha=alpha,
                           min_n=min_n))  # fmt: skip
    k, n = _advocacy_counts(complaints, period)
    k0, n0 = _advocacy_counts(complaints, previous)
    figs.append(proportion("complaints.advocacy",
                           "Complaints by children and young people made with an advocate",
                           k=k, n=n, period=period.code, source=src, previous=(k0, n0),
                           previous_period=previous.code, polarity="higher", alpha=alpha,
                           min_n=min_n))  # fmt: skip

    mapping = theme_map(config, "complaint_categories")
    for code in complaint_categories(complaints, period=period, config=config)["category"]:
        figs.append(count_fig(f"complaints.category.{code}.count",
                              f"Complaints about {_label(code).lower()}",
                              records[records["category"] == code], "lower",
                              theme=(mapping.get(code) or [None])[0]))  # fmt: skip
    return figs


def _stage_count_label(stage: str) -> str:
    if stage == "ombudsman":
        return "Complaints referred to the Ombudsman"
    return f"Complaints received at {STAGE_LABELS[stage].lower()}"


def _within(timeliness: pd.DataFrame, stage: str) -> tuple[int, int]:
    part = timeliness[timeliness["stage"] == stage]
    within = int((part["status"] == "within").sum())
    return within, within + int((part["status"] == "late").sum())


# ----------------------------------------------------------------------------- feedback


def respondent_group(respondent: pd.Series) -> pd.Series:
    """The respondent group of each answer: children_young_people, parents_carers, practitioners
    or partners (missing where the respondent is not one of the canonical types)."""
    lookup = {r: g for g, members in RESPONDENT_GROUPS.items() for r in members}
    return respondent.map(lookup)


def positive_answers(feedback: pd.DataFrame, *, config: Config) -> pd.Series:
    """The positive-share rule, answer by answer.

    An answer is *scored* when its score lies on the configured scale
    (``thresholds.feedback_scale``, inclusive); it is *positive* when scored and at or above
    ``thresholds.feedback_positive_score``. On the default 1 to 5 scale with a threshold of 4,
    scores 4 and 5 are positive, 1 to 3 are not, and blank or off-scale scores (0, 6, 45) are not
    scored and count in neither the numerator nor the denominator.

    Returns:
        A nullable boolean Series indexed as ``feedback``: True (positive), False (scored, not
        positive) or missing (not scored).
    """
    low, high = config.thresholds.feedback_scale
    score = pd.to_numeric(feedback["score"], errors="coerce")
    scored = score.between(low, high)
    positive = (score >= config.thresholds.feedback_positive_score).astype("boolean")
    return positive.where(scored, pd.NA).astype("boolean")


def feedback_responses(feedback: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Answers in the period by channel (rows) and respondent type (columns), with totals.

    Returns:
        ``channel`` then one column per respondent type present, ``total``, and a last row
        ``All channels``.
    """
    answers = _in(feedback, "date", period)
    if answers.empty:
        return pd.DataFrame({"channel": pd.Series(dtype=object), "total": pd.Series(dtype=int)})
    table = pd.crosstab(answers["channel"].map(_label), answers["respondent"])
    order = [r for members in RESPONDENT_GROUPS.values() for r in members if r in table]
    table = table[order].rename(columns=lambda r: r.replace("_", " "))
    table["total"] = table.sum(axis=1)
    table.loc["All channels"] = table.sum()
    return table.rename_axis(index="channel", columns=None).reset_index()


def _positive_counts(answers: pd.DataFrame, config: Config) -> tuple[int, int]:
    positive = positive_answers(answers, config=config)
    return int(positive.fillna(False).sum()), int(positive.notna().sum())


def feedback_positive(feedback: pd.DataFrame, *, period: Period, config: Config,
                      by: tuple[str, ...] = ("question",)) -> pd.DataFrame:  # fmt: skip
    """Positive share of scored answers in the period, by question, theme or respondent group,
    with its Wilson interval and the change on the previous period.

    Args:
        by: columns to group by, from ``question``, ``group`` (respondent group), ``theme``
            (a question's themes, one row per theme it speaks to) and ``channel``.

    Returns:
        One row per group: the ``by`` columns (``question`` and ``theme`` also with a ``_label``),
        ``scored``, ``positive``, ``positive_pct``, ``positive_ci_low``, ``positive_ci_high``,
        ``previous_scored``, ``previous_positive``, ``previous_positive_pct``, ``change``
        ("improving", "declining", "broadly stable", "too few to judge") and ``p_value``.
    """
    t = config.thresholds
    previous = period.previous()

    def tidy(p: Period) -> pd.DataFrame:
        answers = _in(feedback, "date", p)
        out = pd.DataFrame({
            "question": answers["question"], "channel": answers["channel"],
            "group": respondent_group(answers["respondent"]),
            "positive": positive_answers(answers, config=config),
        }, index=answers.index)  # fmt: skip
        if "theme" in by:
            mapping = theme_map(config, "feedback_questions")
            out["theme"] = out["question"].map(lambda q: mapping.get(q, []))
            out = out.explode("theme").dropna(subset=["theme"])
        return out[out["positive"].notna()]

    now, before = tidy(period), tidy(previous)
    keys = list(by)
    if now.empty:
        return pd.DataFrame(columns=[*keys, "scored", "positive", "positive_pct"])
    counts = now.groupby(keys, dropna=False)["positive"].agg(["sum", "count"])
    prior = before.groupby(keys, dropna=False)["positive"].agg(["sum", "count"])
    prior = prior.reindex(counts.index, fill_value=0)
    rows = []
    for key, k, n, k0, n0 in zip(counts.index, counts["sum"], counts["count"], prior["sum"],
                                 prior["count"], strict=True):  # fmt: skip
        key = key if isinstance(key, tuple) else (key,)
        k, n, k0, n0 = int(k), int(n), int(k0), int(n0)
        low, high = stats.wilson_interval(k, n, alpha=t.significance_alpha)
        comp = stats.compare_proportions(k0, n0, k, n, alpha=t.significance_alpha,
                                         min_n=t.min_n_compare, polarity="higher")  # fmt: skip
        rows.append({
            **dict(zip(keys, key, strict=True)), "scored": n, "positive": k,
            "positive_pct": k / n, "positive_ci_low": low, "positive_ci_high": high,
            "previous_scored": n0, "previous_positive": k0,
            "previous_positive_pct": k0 / n0 if n0 else math.nan,
            "change": _change_words(comp.direction, n0, n, t.min_n_compare),
            "p_value": comp.p_value,
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    if "question" in keys:
        frame.insert(keys.index("question") + 1, "question_label", frame["question"].map(_label))
    if "theme" in keys:
        frame.insert(keys.index("theme") + 1, "theme_label",
                     frame["theme"].map(lambda x: config.themes[x].label))  # fmt: skip
    if "group" in keys:
        frame["group"] = frame["group"].map(lambda g: GROUP_LABELS.get(g, NOT_RECORDED))
    return frame


def _change_words(direction: str, n0: int, n: int, min_n: int) -> str:
    if min(n0, n) < min_n:
        return "too few to judge"
    return {"improving": "improving", "declining": "declining"}.get(direction, "broadly stable")


def feedback_by_group(feedback: pd.DataFrame, *, period: Period, config: Config) -> pd.DataFrame:
    """Positive share by question (rows) for each respondent group, children's and young people's
    views first and apart from parents', carers', staff and partners'.

    Returns:
        ``question_label`` then, per group with answers (``children_young_people``,
        ``parents_carers``, ``practitioners``, ``partners``), ``<group>_scored``,
        ``<group>_positive`` and ``<group>_positive_pct``.
    """
    table = feedback_positive(feedback, period=period, config=config, by=("question", "group"))
    if table.empty:
        return pd.DataFrame({"question_label": pd.Series(dtype=object)})
    out = pd.DataFrame({"question_label": table["question_label"].unique()})
    for group, label in GROUP_LABELS.items():
        part = table[table["group"] == label].set_index("question_label")
        if part.empty:
            continue
        for column in ("scored", "positive"):
            out[f"{group}_{column}"] = out["question_label"].map(part[column]).fillna(0).astype(int)
        out[f"{group}_positive_pct"] = out["question_label"].map(part["positive_pct"])
    return out


def feedback_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """Figures for participation and feedback answers in the period.

    Ids: ``feedback.count``, ``feedback.positive`` (all scored answers),
    ``feedback.group.<group>.count`` and ``feedback.group.<group>.positive`` (children_young_people,
    parents_carers, practitioners, partners), ``feedback.question.<q>.positive`` and
    ``feedback.theme.<theme>.positive`` for every theme with feedback questions and answers.
    Shares carry Wilson intervals and Fisher's test on the previous period. Empty when there are
    no answers at all.
    """
    feedback = evidence.feedback
    if not len(feedback):
        return []
    config = evidence.config
    t = config.thresholds
    previous = period.previous()
    answers, before = _in(feedback, "date", period), _in(feedback, "date", previous)
    src = "feedback"
    kwargs = {"period": period.code, "source": src, "previous_period": previous.code,
              "polarity": "higher", "alpha": t.significance_alpha, "min_n": t.min_n_compare}  # fmt: skip
    figs = [Figure(id="feedback.count", label="Feedback answers received", value=len(answers),
                   unit="count", numerator=len(answers), period=period.code, source=src,
                   comparison={"kind": "previous_period", "label": "previous period",
                               "period": previous.code, "value": len(before)})]  # fmt: skip
    k, n = _positive_counts(answers, config)
    figs.append(proportion("feedback.positive", "Feedback answers that are positive", k=k, n=n,
                           previous=_positive_counts(before, config), **kwargs))  # fmt: skip
    groups_now, groups_before = (
        respondent_group(answers["respondent"]),
        respondent_group(before["respondent"]),
    )
    for group, label in GROUP_LABELS.items():
        mine, theirs = answers[groups_now == group], before[groups_before == group]
        if mine.empty:
            continue
        figs.append(Figure(id=f"feedback.group.{group}.count", label=f"Answers from {label.lower()}",
                           value=len(mine), unit="count", numerator=len(mine),
                           period=period.code, source=src))  # fmt: skip
        k, n = _positive_counts(mine, config)
        figs.append(proportion(f"feedback.group.{group}.positive",
                               f"Positive answers from {label.lower()}", k=k, n=n,
                               previous=_positive_counts(theirs, config), **kwargs))  # fmt: skip
    mapping = theme_map(config, "feedback_questions")
    for question in sorted(answers["question"].dropna().unique()):
        mine = answers[answers["question"] == question]
        k, n = _positive_counts(mine, config)
        if not n:
            continue
        theirs = before[before["question"] == question]
        figs.append(proportion(f"feedback.question.{question}.positive",
                               f"Positive answers to '{_label(question)}'", k=k, n=n,
                               previous=_positive_counts(theirs, config),
                               theme=(mapping.get(question) or [None])[0], **kwargs))  # fmt: skip
    for theme_id, theme in config.themes.items():
        if not theme.feedback_questions:
            continue
        mine = answers[answers["question"].isin(theme.feedback_questions)]
        k, n = _positive_counts(mine, config)
        if not n:
            continue
        theirs = before[before["question"].isin(theme.feedback_questions)]
        figs.append(proportion(f"feedback.theme.{theme_id}.positive",
                               f"Positive feedback on {theme.label.lower()}", k=k, n=n,
                               previous=_positive_counts(theirs, config), theme=theme_id,
                               **kwargs))  # fmt: skip
    return figs


# ----------------------------------------------------------------------------- quotes


# Columns that name a practitioner or a placement rather than hold an id (Annex A).
PERSON_COLUMNS = frozenset({"worker", "personal_advisor", "placement_urn"})
# Any other column a loader may add whose name marks an identifier.
_ID_NAME = re.compile(r"(^|_)(id|identifier|worker|adviser|advisor|urn)($|_)")


def _id_columns() -> set[str]:
    schemas = [*SIMPLE_SOURCES.values(), audit_columns([]), *ANNEX_A_LISTS.values()]
    columns = {c.name for cols in schemas for c in cols if c.kind == "id"}
    return columns | set(IDENTIFIER_COLUMNS) | PERSON_COLUMNS


def collect_identifiers(evidence: Evidence) -> frozenset[str]:
    """Every child, practitioner, auditor and record id found in the inputs, for quote scrubbing.

    Reads, in every source and every Annex A list, the columns declared as identifiers (kind
    ``id`` in the schemas: ``child_id``, ``audit_id``, ``record_id``, ``family_id``,
    ``adopter_id`` ...), the disclosure module's identifier columns, the columns naming a
    practitioner or placement (``worker``, ``personal_advisor``, ``placement_urn``), and any
    other column whose name marks an identifier (``..._id``, ``..._identifier``).
    """
    names = _id_columns()
    found: set[str] = set()
    frames = list(evidence.frames.values()) + list(evidence.annex_a.values())
    for frame in frames:
        for column in frame.columns:
            if column in names or _ID_NAME.search(str(column).lower()):
                values = frame[column].dropna().astype(str).str.strip()
                found.update(v for v in values if v)
    return frozenset(found)


def quotes(
    feedback: pd.DataFrame, *, period: Period, identifiers: frozenset[str] | set[str]
) -> pd.DataFrame:
    """'What children and families told us': comments in the period that may be quoted.

    Only answers with ``consent_to_quote`` recorded as yes and a comment are used; each comment is
    scrubbed by :func:`qaanalysis.disclosure.scrub_quote` of email addresses, phone numbers,
    postcodes, dates and every identifier in ``identifiers`` (:func:`collect_identifiers`). The
    table has no identifier column, but it is still one row per respondent: show it to the
    internal audience only (``Session.table(..., child_level=True)``), never to the public.

    Returns:
        Children's and young people's comments first, then by date: ``date``, ``group``,
        ``respondent``, ``channel``, ``question``, ``quote``.
    """
    answers = _in(feedback, "date", period)
    consent = answers["consent_to_quote"].astype("boolean").fillna(False).astype(bool)
    text = answers["comment"].fillna("").astype(str).str.strip()
    chosen = answers[consent & (text != "")]
    group = respondent_group(chosen["respondent"])
    order = {g: i for i, g in enumerate(RESPONDENT_GROUPS)}
    ids = frozenset(identifiers)
    frame = pd.DataFrame({
        "date": chosen["date"], "group": group.map(GROUP_LABELS),
        "respondent": chosen["respondent"].map(lambda r: str(r).replace("_", " ")),
        "channel": chosen["channel"].map(_label), "question": chosen["question"].map(_label),
        "quote": text[chosen.index].map(lambda q: scrub_quote(q, identifiers=ids)),
        "_order": group.map(order),
    })  # fmt: skip
    frame = frame.sort_values(["_order", "date"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


# ----------------------------------------------------------------------------- escalations


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
    waited = working_days_between(start=alerts["raised_date"],
                                  end=pd.Series(as_at, index=alerts.index))  # fmt: skip
    return pd.DataFrame({
        "alert_id": alerts["alert_id"], "category": alerts["category"], "stage": alerts["stage"],
        "raised_date": alerts["raised_date"], "resolved_date": alerts["resolved_date"],
        "resolution_working_days": taken.where(resolved), "is_open": ~resolved,
        "open_working_days": waited.where(~resolved),
        "is_past_timescale": ~resolved & (waited > limit),
    }, index=alerts.index)  # fmt: skip


ESCALATION_COLUMNS = ["category", "category_label", "themes", "raised", "previous", "last_year",
                      "change", "trend", "resolved", "resolved_within_timescale",
                      "median_working_days", "open_at_end", "open_past_timescale"]  # fmt: skip


def escalation_categories(escalations: pd.DataFrame, *, period: Period, config: Config,
                          as_at: pd.Timestamp, trend_quarters: int = 6) -> pd.DataFrame:  # fmt: skip
    """Alerts by category: raised in the period (with the change on the previous period and the
    same period last year), resolved in the period, median working days to resolve, and open past
    the timescale at the period end.

    Returns:
        One row per category (most raised first): ``category``, ``category_label``, ``themes``,
        ``raised``, ``previous``, ``last_year``, ``change``, ``trend`` (over the last six covered
        quarters, :func:`count_trend`), ``resolved``, ``resolved_within_timescale``,
        ``median_working_days``, ``open_at_end``, ``open_past_timescale``.
    """
    if not len(escalations):
        return pd.DataFrame(columns=ESCALATION_COLUMNS)
    alpha = config.thresholds.significance_alpha
    limit = config.timescales.escalation_resolution_working_days
    covered = _coverage_start(escalations["raised_date"])
    comparisons = dict(comparison_periods(period, covered_from=covered))
    status = escalation_status(escalations, config=config, as_at=as_at)
    quarters = [q for q in quarter_periods(period, quarters=trend_quarters)
                if covered is not None and q.start >= covered and q.end <= period.end]  # fmt: skip
    categories = list(theme_map(config, "escalation_categories"))
    categories += [c for c in escalations["category"].dropna().unique() if c not in categories]
    rows = []
    for code in categories:
        mine = escalations[escalations["category"] == code]
        counts = _count_changes(mine, "raised_date", period=period, comparisons=comparisons,
                                quarters=quarters, alpha=alpha)  # fmt: skip
        row = {"category": code, "category_label": _label(code), "raised": counts["current"],
               **{k: counts[k] for k in ("previous", "last_year", "change", "trend")}}  # fmt: skip
        st = status[status["category"] == code]
        done = st[period.contains(st["resolved_date"]) & st["resolution_working_days"].notna()]
        row["resolved"] = len(done)
        row["resolved_within_timescale"] = int((done["resolution_working_days"] <= limit).sum())
        row["median_working_days"] = (float(done["resolution_working_days"].median())
                                      if len(done) else math.nan)  # fmt: skip
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


def escalation_stages(escalations: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Alerts raised in the period by stage (alert, formal, DRP stage...) as the log records it.

    Returns:
        ``stage`` and ``raised``, most first.
    """
    raised = _in(escalations, "raised_date", period)
    counts = raised["stage"].fillna(NOT_RECORDED).map(_label).value_counts()
    return counts.rename_axis("stage").reset_index(name="raised")


def escalations_by_quarter(
    escalations: pd.DataFrame, *, period: Period, quarters: int = 8
) -> pd.DataFrame:
    """Alerts raised per quarter (rows) and category (columns), up to the period's end."""
    frame = escalations.rename(columns={"raised_date": "received_date"}).assign(
        record_type="complaint"
    )
    return category_by_quarter(frame, period=period, quarters=quarters)


def escalation_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """Figures for IRO and CP chair alerts and DRP escalations.

    Ids: ``escalations.count``, ``escalations.category.<c>.count``,
    ``escalations.resolved_within_timescale``, ``escalations.resolution_median_working_days``
    (where any alert was resolved in the period), ``escalations.open_past_timescale`` and, per
    theme with escalation categories, ``escalations.theme.<theme>.open_past_timescale``.
    Empty when the log has no rows.
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
        return len(_in(frame, "raised_date", p))

    def count_fig(id: str, label: str, frame: pd.DataFrame, theme=None) -> Figure:
        return _count_figure(id, label, current=counted(frame, period),
                             compared=[(k, p, counted(frame, p)) for k, p in compared],
                             period=period, source=src, theme=theme, polarity="lower",
                             alpha=alpha)  # fmt: skip

    figs = [count_fig("escalations.count", "Practice alerts and disputes raised", escalations)]
    table = escalation_categories(escalations, period=period, config=config, as_at=as_at)
    mapping = theme_map(config, "escalation_categories")
    for code in table["category"]:
        figs.append(count_fig(f"escalations.category.{code}.count",
                              f"Alerts raised about {_label(code).lower()}",
                              escalations[escalations["category"] == code],
                              theme=(mapping.get(code) or [None])[0]))  # fmt: skip
    status = escalation_status(escalations, config=config, as_at=as_at)
    previous = period.previous()
    before = escalation_status(escalations, config=config, as_at=previous.end)

    def resolved(st: pd.DataFrame, p: Period) -> pd.Series:
        done = st[p.contains(st["resolved_date"])]
        return done["resolution_working_days"].dropna()

    now_days, old_days = resolved(status, period), resolved(before, previous)
    figs.append(proportion(
        "escalations.resolved_within_timescale",
        f"Alerts resolved within {limit} working days", k=int((now_days <= limit).sum()),
        n=len(now_days), previous=(int((old_days <= limit).sum()), len(old_days)),
        previous_period=previous.code, period=period.code, source=src, polarity="higher",
        alpha=alpha, min_n=t.min_n_compare,
    ))  # fmt: skip
    if len(now_days):
        figs.append(Figure(id="escalations.resolution_median_working_days",
                           label="Median working days to resolve an alert",
                           value=float(now_days.median()), unit="days", denominator=len(now_days),
                           period=period.code, source=src,
                           note="working days; alerts resolved in the period"))  # fmt: skip
    figs.append(_open_past_figure("escalations.open_past_timescale",
                                  f"Alerts open more than {limit} working days at the period end",
                                  status, period, None))  # fmt: skip
    for theme_id, theme in config.themes.items():
        if theme.escalation_categories:
            mine = status[status["category"].isin(theme.escalation_categories)]
            figs.append(_open_past_figure(
                f"escalations.theme.{theme_id}.open_past_timescale",
                f"Alerts about {theme.label.lower()} open past timescale at the period end",
                mine, period, theme_id))  # fmt: skip
    return figs


def _open_past_figure(id: str, label: str, status: pd.DataFrame, period: Period,
                      theme: str | None) -> Figure:  # fmt: skip
    k, n = int(status["is_past_timescale"].sum()), int(status["is_open"].sum())
    return Figure(id=id, label=label, value=k, unit="count", numerator=k, denominator=n,
                  period=period.code, source="escalations", theme=theme,
                  note="numerator: open past timescale; denominator: all alerts open at the period end")  # fmt: skip


# ----------------------------------------------------------------------------- display and readings

PERCENT_SUFFIXES = ("_pct", "_ci_low", "_ci_high")
# Whole-number columns that count no records, so are never suppressed.
NOT_COUNTS = frozenset({"timescale_working_days"})


def table_options(frame: pd.DataFrame) -> dict:
    """Display options for :meth:`Session.table`, read from a voice table's column names.

    Whole-number columns are counts (suppressed for the public audience); ``X_pct``,
    ``X_ci_low`` and ``X_ci_high`` are percentages, suppressed with the count ``X`` (or, for
    ``next_stage_pct``, the row's ``complaints``).

    Example:
        ``s.table(t, name="outcomes", title="...", **table_options(t))``
    """
    counts = [c for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])
              and not pd.api.types.is_bool_dtype(frame[c]) and c not in NOT_COUNTS]  # fmt: skip
    percents = [c for c in frame.columns if str(c).endswith(PERCENT_SUFFIXES)]
    percent_of = {}
    for column in percents:
        stem = next(str(column)[: -len(x)] for x in PERCENT_SUFFIXES if str(column).endswith(x))
        base = stem if stem in frame.columns else "complaints" if stem == "next_stage" else None
        if base in counts:
            percent_of[column] = base
    return {"count_columns": counts, "percent_columns": percents, "percent_of": percent_of}


DIRECTION_WORDS = {
    "improving": "improving",
    "declining": "declining",
    "stable": "broadly stable",
    "not_judged": "too few to judge",
}


class _Words:
    """Numbers in a reading, withheld as the audience requires (public: counts of 1 to 5)."""

    def __init__(self, config: Config, audience: str) -> None:
        self.rule = config.suppression
        self.public = check_audience(audience) == "public"

    def n(self, value) -> str:
        if self.public and is_small(value, self.rule):
            return f"fewer than {self.rule.max_count + 1}"
        return f"{value:,.0f}"

    def figure(self, fig: Figure) -> Figure:
        return suppress_figure(fig, self.rule) if self.public else fig

    def share(self, fig: Figure, what: str) -> str:
        fig = self.figure(fig)
        if fig.suppressed:
            return (f"{fig.label}: withheld, as it rests on fewer than {self.rule.max_count + 1} "
                    "cases.")  # fmt: skip
        if not fig.denominator:
            return f"{fig.label}: no cases in the period."
        comp = fig.comparison or {}
        was = ""
        if comp.get("value") is not None and not (
            self.public
            and any(is_small(comp.get(x), self.rule) for x in ("numerator", "denominator"))
        ):
            counts = ""
            if comp.get("numerator") is not None and comp.get("denominator") is not None:
                counts = f" ({comp['numerator']:,.0f} of {comp['denominator']:,.0f})"
            was = f" (was {comp['value']:.0%}{counts})"
        change = {
            "improving": f"an improvement on the previous period{was}",
            "declining": f"a decline from the previous period{was}",
            "stable": f"broadly stable on the previous period{was}",
        }.get(fig.direction, "too few in one of the periods to judge a change")
        return (f"{fig.text} {what} (95% interval {fig.ci_low:.0%} to {fig.ci_high:.0%}): "
                f"{change}.")  # fmt: skip

    def count(self, fig: Figure, what: str) -> str:
        comp = fig.comparison
        if not comp:
            return f"{self.n(fig.value).capitalize()} {what}."
        change = {"increase": "significantly more than", "decrease": "significantly fewer than"}
        others = "".join(f"; {self.n(o['value'])} in the {o['label']}"
                         for o in comp.get("others", []))  # fmt: skip
        return (f"{self.n(fig.value).capitalize()} {what}, "
                f"{change.get(comp['change'], 'broadly the same as')} the {self.n(comp['value'])} "
                f"in the {comp['label']}{others}.")  # fmt: skip

    def reason(self, fig: Figure) -> str:
        comp = fig.comparison or {}
        parts = [f"{self.n(c['value'])} in the {c['label']} ({c['period']})"
                 for c in [comp, *comp.get("others", [])] if c]  # fmt: skip
        base = self.n(fig.value)
        return f"{base}, against " + " and ".join(parts) if parts else base


def _rising(figs: dict[str, Figure], prefix: str) -> list[Figure]:
    return [f for i, f in figs.items()
            if i.startswith(prefix) and (f.comparison or {}).get("change") == "increase"]  # fmt: skip


def rising_categories(complaints: pd.DataFrame, *, period: Period, config: Config,
                      record_type: str = "complaint") -> list[str]:  # fmt: skip
    """Complaint categories with significantly more complaints than in the previous period or the
    same period last year (:func:`complaint_categories`)."""
    if not len(complaints):
        return []
    table = complaint_categories(complaints, period=period, config=config, record_type=record_type)
    return table.loc[table["change"] == "significant rise", "category"].tolist()


def rising_escalations(escalations: pd.DataFrame, *, period: Period, config: Config) -> list[str]:
    """Escalation categories with significantly more alerts than in the previous period or the
    same period last year (:func:`escalation_categories`)."""
    if not len(escalations):
        return []
    table = escalation_categories(escalations, period=period, config=config, as_at=period.end)
    return table.loc[table["change"] == "significant rise", "category"].tolist()


def escalation_table(evidence: Evidence, period: Period) -> pd.DataFrame:
    """:func:`escalation_categories` for the period, open alerts judged at the period end (or the
    extract date, if earlier)."""
    return escalation_categories(evidence.escalations, period=period, config=evidence.config,
                                 as_at=_as_at(evidence, period))  # fmt: skip


def complaints_reading(evidence: Evidence, period: Period, *, audience: str = "internal") -> str:
    """Plain-English reading of the period's complaints and compliments Figures.

    For the public audience, counts of 1 to 5 are written "fewer than 6" and shares built on them
    are withheld, as in the Figures shown.
    """
    if not _covers(evidence.complaints["received_date"], period):
        return "No complaints log covers this period."
    w = _Words(evidence.config, audience)
    figs = _by_id(complaint_figures(evidence, period))
    parts = [w.count(figs["complaints.count"], "complaints were received"),
             w.count(figs["compliments.count"], "compliments were received")]  # fmt: skip
    rate = figs.get("complaints.per_100_open")
    if rate is not None and not w.figure(rate).suppressed and not is_small(rate.numerator, w.rule):
        parts.append(f"That is {rate.value:.1f} complaints per 100 children with an open case.")
    parts.append(w.share(figs["complaints.stage1.within_timescale"],
                         "of stage 1 complaints were answered within timescale"))  # fmt: skip
    parts.append(w.share(figs["complaints.upheld"],
                         "of the complaints concluded were upheld in full or in part"))  # fmt: skip
    rising = _rising(figs, "complaints.category.")
    if rising:
        parts.append("Complaints rose significantly about " + "; ".join(
            f"{f.label.lower().removeprefix('complaints about ')} ({w.reason(f)})" for f in rising
        ) + ".")  # fmt: skip
    else:
        parts.append("No category of complaint rose significantly.")
    return " ".join(parts)


def feedback_reading(evidence: Evidence, period: Period, *, audience: str = "internal") -> str:
    """Plain-English reading of the period's feedback Figures, children's views first."""
    figs = _by_id(feedback_figures(evidence, period))
    if not figs or not figs["feedback.count"].value:
        return "No feedback was recorded in this period."
    w = _Words(evidence.config, audience)
    parts = [f"{w.n(figs['feedback.count'].value).capitalize()} answers were received."]
    for group, label in GROUP_LABELS.items():
        fig = figs.get(f"feedback.group.{group}.positive")
        if fig is not None and fig.denominator:
            parts.append(w.share(fig, f"of answers from {label.lower()} were positive"))
    std = voice_standards(evidence.config)
    below = [t for t in evidence.config.themes
             if (f := figs.get(f"feedback.theme.{t}.positive")) is not None
             and f.denominator >= std.min_n and f.ci_high < std.feedback_aspiration]  # fmt: skip
    if below:
        parts.append(f"Clearly below the {std.feedback_aspiration:.0%} aspiration: " + ", ".join(
            evidence.config.themes[t].label.lower() for t in below) + ".")  # fmt: skip
    return " ".join(parts)


def escalations_reading(evidence: Evidence, period: Period, *, audience: str = "internal") -> str:
    """Plain-English reading of the period's escalation Figures."""
    if not _covers(evidence.escalations["raised_date"], period):
        return "No practice alerts or disputes log covers this period."
    w = _Words(evidence.config, audience)
    figs = _by_id(escalation_figures(evidence, period))
    limit = evidence.config.timescales.escalation_resolution_working_days
    parts = [w.count(figs["escalations.count"], "practice alerts and disputes were raised")]
    parts.append(w.share(figs["escalations.resolved_within_timescale"],
                         f"of those resolved were resolved within {limit} working days"))  # fmt: skip
    past = figs["escalations.open_past_timescale"]
    parts.append(f"At the period end {w.n(past.value)} of {w.n(past.denominator)} open alerts had "
                 f"been open longer than {limit} working days.")  # fmt: skip
    rising = _rising(figs, "escalations.category.")
    if rising:
        parts.append("Alerts rose significantly about " + "; ".join(
            f"{f.label.lower().removeprefix('alerts raised about ')} ({w.reason(f)})"
            for f in rising) + ".")  # fmt: skip
    return " ".join(parts)


def signals_table(
    evidence: Evidence, period: Period, *, audience: str = "internal"
) -> pd.DataFrame:
    """The voice signals (:func:`signals`) as a table: theme, source, signal, reason.

    The reasons quote counts, so for the public audience they are replaced by the Figure ids the
    signal rests on (shown, suppressed where small, with the Figures).
    """
    public = check_audience(audience) == "public"
    rows = [{"theme": evidence.config.themes[sg.theme].label, "source": sg.source,
             "signal": sg.signal,
             "reason": ("see " + ", ".join(sg.figure_ids)) if public else sg.reason}
            for sg in signals(evidence, period)]  # fmt: skip
    return pd.DataFrame(rows, columns=["theme", "source", "signal", "reason"])


# ----------------------------------------------------------------------------- all together


def voice_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """Every Figure of this module: complaints, feedback and escalations."""
    return (complaint_figures(evidence, period) + feedback_figures(evidence, period)
            + escalation_figures(evidence, period))  # fmt: skip


def _by_id(figures: list[Figure]) -> dict[str, Figure]:
    return {f.id: f for f in figures}


def _count_reason(fig: Figure) -> str:
    comp = fig.comparison or {}
    parts = [f"{c['value']} in the {c['label']} ({c['period']})"
             for c in [comp, *comp.get("others", [])] if c]  # fmt: skip
    return f"{fig.value}, against " + " and ".join(parts) if parts else f"{fig.value}"


def signals(evidence: Evidence, period: Period) -> list[Signal]:
    """What complaints, feedback and escalations say about each practice theme.

    Complaints (themes with ``complaint_categories``): **negative** when any of the theme's
    categories has significantly more complaints than in the previous period or the same period
    last year (:func:`compare_counts`, at ``thresholds.significance_alpha``); otherwise
    **neutral**. A significant fall is noted but stays neutral: fewer complaints can mean less
    access to the procedure as well as better practice, and compliments are context, not evidence
    of practice.

    Feedback (themes with ``feedback_questions``): the positive share of the theme's scored
    answers against the aspiration of :func:`voice_standards`: **positive** when the whole 95%
    Wilson interval is at or above it, **negative** when the whole interval is below it,
    **neutral** otherwise, and neutral ("too few to judge") under ``thresholds.min_n_compare``
    answers.

    Escalations (themes with ``escalation_categories``): **negative** when any category's alerts
    rose significantly (as for complaints), or when at least ``escalation_open_past_min`` of the
    theme's alerts open at the period end are past the resolution timescale and they are more
    than ``escalation_open_past_share`` of those open; otherwise **neutral**.

    **Absent**: complaints and escalations when the log has no records up to the period's end (a
    log that does cover the period makes a zero a count); feedback when none of the theme's
    questions got a scored answer in the period.
    """
    config = evidence.config
    std = voice_standards(config)
    out: list[Signal] = []
    complaint_figs = _by_id(complaint_figures(evidence, period))
    feedback_figs = _by_id(feedback_figures(evidence, period))
    escalation_figs = _by_id(escalation_figures(evidence, period))
    complaints, feedback = evidence.complaints, evidence.feedback
    has_complaints = _covers(complaints["received_date"], period)
    has_feedback = len(_in(feedback, "date", period)) > 0
    has_escalations = _covers(evidence.escalations["raised_date"], period)
    for theme_id, theme in config.themes.items():
        if theme.complaint_categories:
            out.append(_complaint_signal(theme_id, theme, complaint_figs, has_complaints))
        if theme.feedback_questions:
            out.append(_feedback_signal(theme_id, theme, feedback_figs, has_feedback, std))
        if theme.escalation_categories:
            out.append(_escalation_signal(theme_id, theme, escalation_figs, has_escalations, std))
    return out


def _test_words(fig: Figure) -> str:
    comp = fig.comparison
    return f"exact test against the {comp['label']}, p = {comp['p_value']:.3f}"


def _covers(dates: pd.Series, period: Period) -> bool:
    """Whether a log has records from before the period's end (so a zero count is a count)."""
    start = _coverage_start(dates)
    return start is not None and start <= period.end


def _complaint_signal(theme_id, theme, figs: dict[str, Figure], has_data: bool) -> Signal:
    if not has_data:
        return Signal(theme_id, "complaints", "absent", "no complaints log covering the period")
    ids = tuple(f"complaints.category.{c}.count" for c in theme.complaint_categories
                if f"complaints.category.{c}.count" in figs)  # fmt: skip
    rising = [figs[i] for i in ids if (figs[i].comparison or {}).get("change") == "increase"]
    if rising:
        reason = "; ".join(
            f"{f.label.lower()} rose significantly to {_count_reason(f)} ({_test_words(f)})"
            for f in rising
        )
        return Signal(theme_id, "complaints", "negative", reason, ids)
    falling = [figs[i] for i in ids if (figs[i].comparison or {}).get("change") == "decrease"]
    reason = "; ".join(f"{figs[i].label.lower()}: {_count_reason(figs[i])}" for i in ids)
    reason = (reason or "no complaints in the theme's categories") + (
        ", broadly stable" if not falling else ", a significant fall (not read as a strength)"
    )
    return Signal(theme_id, "complaints", "neutral", reason, ids)


def _feedback_signal(theme_id, theme, figs: dict[str, Figure], has_data: bool,
                     std: VoiceStandards) -> Signal:  # fmt: skip
    fid = f"feedback.theme.{theme_id}.positive"
    if not has_data or fid not in figs:
        return Signal(theme_id, "feedback", "absent",
                      f"no scored feedback on {theme.label.lower()} in the period")  # fmt: skip
    f = figs[fid]
    share = (f"{100 * f.value:.0f}% ({f.numerator:.0f} of {f.denominator:.0f}) of answers on "
             f"{theme.label.lower()} were positive")  # fmt: skip
    aim = f"{100 * std.feedback_aspiration:.0f}%"
    interval = f"95% interval {100 * f.ci_low:.0f}% to {100 * f.ci_high:.0f}%"
    if f.denominator < std.min_n:
        return Signal(theme_id, "feedback", "neutral", f"{share}: too few answers to judge", (fid,))
    if f.ci_low >= std.feedback_aspiration:
        return Signal(theme_id, "feedback", "positive",
                      f"{share}, at or above the {aim} aspiration ({interval})", (fid,))  # fmt: skip
    if f.ci_high < std.feedback_aspiration:
        return Signal(theme_id, "feedback", "negative",
                      f"{share}, below the {aim} aspiration ({interval})", (fid,))  # fmt: skip
    return Signal(theme_id, "feedback", "neutral",
                  f"{share}, not clearly different from the {aim} aspiration ({interval})", (fid,))  # fmt: skip


def _escalation_signal(theme_id, theme, figs: dict[str, Figure], has_data: bool,
                       std: VoiceStandards) -> Signal:  # fmt: skip
    if not has_data:
        return Signal(
            theme_id, "escalations", "absent", "no practice alerts log covering the period"
        )
    ids = tuple(f"escalations.category.{c}.count" for c in theme.escalation_categories
                if f"escalations.category.{c}.count" in figs)  # fmt: skip
    open_id = f"escalations.theme.{theme_id}.open_past_timescale"
    open_fig = figs.get(open_id)
    cited = ids + ((open_id,) if open_fig else ())
    reasons = []
    rising = [figs[i] for i in ids if (figs[i].comparison or {}).get("change") == "increase"]
    for f in rising:
        reasons.append(f"{f.label.lower()} rose significantly to {_count_reason(f)} "
                       f"({_test_words(f)})")  # fmt: skip
    late = False
    if open_fig is not None and open_fig.denominator:
        k, n = open_fig.numerator, open_fig.denominator
        late = k >= std.escalation_open_past_min and k / n > std.escalation_open_past_share
        if late:
            reasons.append(f"{k:.0f} of {n:.0f} alerts open at the period end were past the "
                           f"resolution timescale")  # fmt: skip
    if rising or late:
        return Signal(theme_id, "escalations", "negative", "; ".join(reasons), cited)
    counts = "; ".join(f"{figs[i].label.lower()}: {_count_reason(figs[i])}" for i in ids)
    open_text = ""
    if open_fig is not None:
        open_text = (f"{open_fig.numerator:.0f} of {open_fig.denominator:.0f} alerts open at the "
                     "period end past timescale" if open_fig.denominator
                     else "no alerts open at the period end")  # fmt: skip
    reason = ", ".join(x for x in (counts, open_text) if x) or "no alerts in the theme's categories"
    return Signal(theme_id, "escalations", "neutral", reason + ", broadly stable", cited)
