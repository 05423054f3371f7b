"""Participation and feedback: the positive-share rule, answers by channel, question, theme and
respondent group, the feedback Figures, and the quotes that may be used (scrubbed of identifiers)."""

from __future__ import annotations

import math
import re

import pandas as pd

from ... import stats
from ...config import Config
from ...disclosure import IDENTIFIER_COLUMNS, quote_scrubber
from ...figures import Figure, proportion
from ...periods import Period
from ...sources import Evidence
from ...sources.annex_a import ANNEX_A_LISTS
from ...sources.schema import SIMPLE_SOURCES, audit_columns
from ..registry import label as declared
from .counting import _in, _label, theme_map
from .definitions import GROUP_LABELS, NOT_RECORDED, RESPONDENT_GROUPS


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


@stats.discovery.reusable
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


@stats.discovery.reusable
def feedback_positive(
    feedback: pd.DataFrame, *, period: Period, config: Config, by: tuple[str, ...] = ("question",)
) -> pd.DataFrame:
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
        out = pd.DataFrame(
            {
                "question": answers["question"],
                "channel": answers["channel"],
                "group": respondent_group(answers["respondent"]),
                "positive": positive_answers(answers, config=config),
            },
            index=answers.index,
        )
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
    for key, k, n, k0, n0 in zip(
        counts.index, counts["sum"], counts["count"], prior["sum"], prior["count"], strict=True
    ):
        key = key if isinstance(key, tuple) else (key,)
        k, n, k0, n0 = int(k), int(n), int(k0), int(n0)
        low, high = stats.wilson_interval(k, n, alpha=t.significance_alpha)
        comp = stats.compare_proportions(
            k0, n0, k, n, alpha=t.significance_alpha, min_n=t.min_n_compare, polarity="higher"
        )
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "scored": n,
                "positive": k,
                "positive_pct": k / n,
                "positive_ci_low": low,
                "positive_ci_high": high,
                "previous_scored": n0,
                "previous_positive": k0,
                "previous_positive_pct": k0 / n0 if n0 else math.nan,
                "change": _change_words(comp.direction, n0, n, t.min_n_compare),
                "p_value": comp.p_value,
            }
        )
    frame = pd.DataFrame(rows)
    if "question" in keys:
        frame.insert(keys.index("question") + 1, "question_label", frame["question"].map(_label))
    if "theme" in keys:
        frame.insert(
            keys.index("theme") + 1,
            "theme_label",
            frame["theme"].map(lambda x: config.themes[x].label),
        )
    if "group" in keys:
        frame["group"] = frame["group"].map(lambda g: GROUP_LABELS.get(g, NOT_RECORDED))
    return frame


def _change_words(direction: str, n0: int, n: int, min_n: int) -> str:
    if min(n0, n) < min_n:
        return "too few to judge"
    return {"improving": "improving", "declining": "declining"}.get(direction, "broadly stable")


@stats.discovery.reusable
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


@stats.discovery.reusable
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
    kwargs = {
        "period": period.code,
        "source": src,
        "previous_period": previous.code,
        "polarity": "higher",
        "alpha": t.significance_alpha,
        "min_n": t.min_n_compare,
    }
    figs = [
        Figure(
            id="feedback.count",
            label=declared("feedback.count", config),
            value=len(answers),
            unit="count",
            numerator=len(answers),
            period=period.code,
            source=src,
            comparison={
                "kind": "previous_period",
                "label": "previous period",
                "period": previous.code,
                "value": len(before),
            },
        )
    ]
    k, n = _positive_counts(answers, config)
    figs.append(
        proportion(
            "feedback.positive",
            declared("feedback.positive", config),
            k=k,
            n=n,
            previous=_positive_counts(before, config),
            **kwargs,
        )
    )
    groups_now, groups_before = (
        respondent_group(answers["respondent"]),
        respondent_group(before["respondent"]),
    )
    for group, label in GROUP_LABELS.items():
        mine, theirs = answers[groups_now == group], before[groups_before == group]
        if mine.empty:
            continue
        figs.append(
            Figure(
                id=f"feedback.group.{group}.count",
                label=declared(f"feedback.group.{group}.count", config, group=label.lower()),
                value=len(mine),
                unit="count",
                numerator=len(mine),
                period=period.code,
                source=src,
            )
        )
        k, n = _positive_counts(mine, config)
        figs.append(
            proportion(
                f"feedback.group.{group}.positive",
                declared(f"feedback.group.{group}.positive", config, group=label.lower()),
                k=k,
                n=n,
                previous=_positive_counts(theirs, config),
                **kwargs,
            )
        )
    mapping = theme_map(config, "feedback_questions")
    for question in sorted(answers["question"].dropna().unique()):
        mine = answers[answers["question"] == question]
        k, n = _positive_counts(mine, config)
        if not n:
            continue
        theirs = before[before["question"] == question]
        figs.append(
            proportion(
                f"feedback.question.{question}.positive",
                declared(
                    f"feedback.question.{question}.positive", config, question=_label(question)
                ),
                k=k,
                n=n,
                previous=_positive_counts(theirs, config),
                theme=(mapping.get(question) or [None])[0],
                **kwargs,
            )
        )
    for theme_id, theme in config.themes.items():
        if not theme.feedback_questions:
            continue
        mine = answers[answers["question"].isin(theme.feedback_questions)]
        k, n = _positive_counts(mine, config)
        if not n:
            continue
        theirs = before[before["question"].isin(theme.feedback_questions)]
        figs.append(
            proportion(
                f"feedback.theme.{theme_id}.positive",
                declared(f"feedback.theme.{theme_id}.positive", config, theme=theme.label.lower()),
                k=k,
                n=n,
                previous=_positive_counts(theirs, config),
                theme=theme_id,
                **kwargs,
            )
        )
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


@stats.discovery.reusable
def identifier_values(evidence: Evidence) -> pd.Series:
    """Every child, practitioner, auditor and record id found in the inputs, for quote scrubbing:
    the distinct values, stripped, none blank, as a column of pandas strings (a large authority
    has over half a million; see :func:`collect_identifiers` for which columns are read)."""
    names = _id_columns()
    found = []
    frames = list(evidence.frames.values()) + list(evidence.annex_a.values())
    for frame in frames:
        for column in frame.columns:
            if column in names or _ID_NAME.search(str(column).lower()):
                distinct = frame[column].dropna().unique()  # each value read once
                values = pd.Series(distinct, dtype=frame[column].dtype).astype(str).str.strip()
                found.append(values[values != ""])
    if not found:
        return pd.Series([], dtype=str)
    return pd.concat(found, ignore_index=True).drop_duplicates(ignore_index=True)


@stats.discovery.reusable
def collect_identifiers(evidence: Evidence) -> frozenset[str]:
    """Every child, practitioner, auditor and record id found in the inputs, for quote scrubbing.

    Reads, in every source and every Annex A list, the columns declared as identifiers (kind
    ``id`` in the schemas: ``child_id``, ``audit_id``, ``record_id``, ``family_id``,
    ``adopter_id`` ...), the disclosure module's identifier columns, the columns naming a
    practitioner or placement (``worker``, ``personal_advisor``, ``placement_urn``), and any
    other column whose name marks an identifier (``..._id``, ``..._identifier``).
    """
    return frozenset(identifier_values(evidence).tolist())


@stats.discovery.reusable
def quotes(
    feedback: pd.DataFrame, *, period: Period, identifiers: frozenset[str] | set[str] | pd.Series
) -> pd.DataFrame:
    """'What children and families told us': comments in the period that may be quoted.

    Only answers with ``consent_to_quote`` recorded as yes and a comment are used; each comment is
    scrubbed by :func:`qaanalysis.disclosure.scrub_quote` of email addresses, phone numbers,
    postcodes, dates and every identifier in ``identifiers`` (:func:`collect_identifiers`, or
    :func:`identifier_values`, of which only the ids among the comments' words are read). The
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
    quoted = text[chosen.index]
    scrub = quote_scrubber(identifiers, texts=quoted)  # ids normalised once, not once per quote
    frame = pd.DataFrame(
        {
            "date": chosen["date"],
            "group": group.map(GROUP_LABELS),
            "respondent": chosen["respondent"].map(lambda r: str(r).replace("_", " ")),
            "channel": chosen["channel"].map(_label),
            "question": chosen["question"].map(_label),
            "quote": quoted.map(scrub),
            "_order": group.map(order),
        }
    )
    frame = frame.sort_values(["_order", "date"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)
