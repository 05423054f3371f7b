"""Plain-English paragraphs from Figures and theme assessments, each citing its Figures.

The rules of honest reporting (DOMAIN.md) are built in, not left to the templates:

- every percentage is written with its count, "68% (32 of 47)", and links to its Figure;
- a change is "improved" or "declined" only when the Figure's test said so; otherwise "broadly
  stable", or "too few to judge" for small samples;
- small samples are named as such, with their interval;
- where sources disagree, the disagreement is named.

Wording comes from ``templates/narrative.yaml``; an authority can override any template with its own
file (``narrative_templates`` in ``la.yaml``). :func:`check_honesty` enforces the count rule on
every paragraph this module writes.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from importlib import resources

import yaml

from ..config import Config
from ..figures import Figure, format_count, format_percent, format_value
from ..triangulate import SOURCE_LABELS, STATUS_LABELS, ThemeAssessment

DIRECTION_WORDS = {"improving": "improved", "declining": "declined"}


class HonestyError(ValueError):
    """A drafted paragraph broke a rule of honest reporting."""


def templates(config: Config | None = None) -> dict:
    """The narrative templates: the package's, overridden by the authority's own file.

    Every value is a template string except ``for_children`` (theme id -> what good practice in
    the theme means for a child), which an authority's file extends theme by theme.
    """
    found = copy.deepcopy(_package_templates())
    if config is not None and config.narrative_templates:
        own = yaml.safe_load(config.path(config.narrative_templates).read_text("utf-8")) or {}
        unknown = set(own) - set(found)
        if unknown:
            raise ValueError(f"{config.narrative_templates}: unknown template(s) {sorted(unknown)}")
        children = {**found["for_children"], **(own.pop("for_children", None) or {})}
        found.update(own, for_children=children)
    return found


@functools.cache
def _package_templates() -> dict:
    """The package's templates, read once (a pack asks for them some 30 times)."""
    text = resources.files("qaanalysis").joinpath("templates/narrative.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def cite(figure: Figure, text: str | None = None) -> str:
    """A Figure's value as a link to its row in the evidence appendix."""
    return f"[{text or format_value(figure)}](#figure-{figure.id})"


# A parenthesis stating a test and its p-value: the methods appendix names the tests.
_TEST_ASIDE = re.compile(r" ?\([^()]*\bp = [\d.e-]+[^()]*\)")


def plain_reason(reason: str) -> str:
    """A Signal's reason without its test asides ("(exact test ..., p = 0.032)")."""
    return _TEST_ASIDE.sub("", reason)


def cite_ids(ids, figures: Mapping[str, Figure] | None = None) -> str:
    """Links to Figures by id, each named in words (the Figure's label), never by its raw id.

    A Figure not in ``figures`` is linked as "evidence 1", "evidence 2", ...
    """
    figures = figures or {}
    links = []
    for number, figure_id in enumerate(ids, start=1):
        known = figures.get(figure_id)
        text = known.label if known is not None else f"evidence {number}"
        links.append(f"[{text}](#figure-{figure_id})")
    return ", ".join(links)


_KIND_WORDS = {"quarter": "quarter", "year": "year", "month": "month"}


def comparison_words(comparison: Mapping) -> str:
    """What a Figure was compared with, named exactly: "the previous quarter (2026-27 Q1 (April
    to June 2026))", "the same quarter last year (...)", "the previous year (...)".

    Read from the comparison's ``kind`` (``previous_period`` or ``same_period_last_year``) and its
    ``period`` code (which says quarter, year or month); its ``label`` otherwise.
    """
    from ..periods import parse_period

    code, kind = comparison.get("period"), comparison.get("kind")
    try:
        period = parse_period(code) if code else None
    except ValueError:
        period = None
    if period is None:
        return f"the {comparison.get('label') or 'previous period'}"
    unit = _KIND_WORDS.get(period.kind, "period")
    if kind == "same_period_last_year":
        return f"the same {unit} last year ({period.label})"
    if kind == "previous_period":
        return f"the previous {unit} ({period.label})"
    return f"the {comparison.get('label') or 'comparison period'} ({period.label})"


def change_phrase(figure: Figure, *, small_sample: int = 30, min_n: int = 10) -> str:
    """How a Figure compares with the previous period, in words that respect the test.

    Examples: "improved from 55% (22 of 40) in the previous quarter (2026-27 Q1 (April to June
    2026))"; "broadly stable (55% (22 of 40) in the same quarter last year (...))"; "too few to
    judge a change". The comparison is named by :func:`comparison_words`.
    """
    comparison = figure.comparison or {}
    if comparison.get("value") is None or figure.value is None:
        return "with no previous period to compare"
    if figure.unit == "percent":
        before = (
            f"{format_percent(comparison['value'])} ({format_count(comparison.get('numerator'))} of "
            f"{format_count(comparison.get('denominator'))})"
        )
    else:
        before = format_count(comparison["value"])
    when = f"in {comparison_words(comparison)}"
    if figure.direction in DIRECTION_WORDS and figure.significant:
        return f"{DIRECTION_WORDS[figure.direction]} from {before} {when}"
    n_now, n_then = figure.denominator or 0, comparison.get("denominator") or 0
    if figure.direction == "not_judged" and figure.unit == "percent" and not figure.significant:
        if min(n_now, n_then) < small_sample and (
            n_now == 0 or n_then == 0 or min(n_now, n_then) < 10
        ):
            return f"too few to judge a change ({before} {when})"
    if figure.direction == "not_judged" and figure.significant:
        return f"a real change from {before} {when}, which this measure does not judge good or bad"
    return f"broadly stable ({before} {when})"


def small_sample_note(figure: Figure, *, small_sample: int) -> str:
    """ " (a small sample: the 95% interval runs from 27% to 81%)" when n is small."""
    if figure.unit != "percent" or not figure.denominator or figure.denominator >= small_sample:
        return ""
    if figure.ci_low is None or figure.ci_high is None:
        return ""
    return (
        f" (a small sample of {format_count(figure.denominator)}: the 95% interval runs from "
        f"{format_percent(figure.ci_low)} to {format_percent(figure.ci_high)})"
    )


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_WITH_COUNT = re.compile(r"^ \([\d,.]+ of [\d,.]+\)")
_RANGE = re.compile(r"^ to \d+(?:\.\d+)?%")
# Standards and chart lines are not measurements with a count of their own.
_STANDARD_WORDS = (
    "aspiration",
    "target",
    "standard",
    "threshold",
    "expectation",
    "expected",
    "tolerance",
    "mean",
    "process limits",
    "centre",
)
# Confidence levels ("95% Wilson interval", "95% and 99.8% limits") are not measurements.
_CONFIDENCE = re.compile(
    r"^ (?:and \d+(?:\.\d+)?% )?(?:wilson |confidence )?(?:intervals?|limits?)", re.I
)
_STANDARD_AFTER = re.compile(r"^ (" + "|".join(_STANDARD_WORDS) + ")")
_STANDARD_BEFORE = re.compile(r"(" + "|".join(_STANDARD_WORDS) + r")( of)? $")
# A comparator's published value: "better than England (23% in 2025; ...)".
_COMPARATOR_BEFORE = re.compile(r"(England|region|statistical neighbours) \($")


def check_honesty(text: str) -> str:
    """Return ``text``, or raise :class:`HonestyError` if a percentage appears without its count.

    A percentage passes when followed by its count, "68% (32 of 47)"; when it is an end of an
    interval, "27% to 81%"; or when it is a configured standard or a published comparator rather
    than a measurement, "the 70% aspiration", "a target of 85%", "England (23% in 2025)".
    """
    for match in _PERCENT.finditer(text):
        after, before = text[match.end() :], text[: match.start()]
        if (
            _WITH_COUNT.match(after)
            or _RANGE.match(after)
            or before.endswith(" to ")
            or _STANDARD_AFTER.match(after)
            or _CONFIDENCE.match(after)
            or _STANDARD_BEFORE.search(before)
            or _COMPARATOR_BEFORE.search(before)
        ):
            continue
        context = text[max(0, match.start() - 60) : match.end() + 20]
        raise HonestyError(f"percentage without its count: ...{context}...")
    return text


def standard_phrase(value: float | None) -> str:
    """A standard (aspiration, target, expectation): "a 25% expectation" style words."""
    return "none set" if value is None else f"{format_percent(value)}"


def _fill(template: str, **values) -> str:
    return check_honesty(" ".join(template.format(**values).split()))


def headline(figures: dict[str, Figure], *, config: Config, period_label: str) -> list[str]:
    """The summary paragraphs of a report: audits, moderation, actions and the voice sources.

    Only paragraphs whose Figures exist are written; each cites its Figures.
    """
    t = templates(config)
    small = config.thresholds.small_sample
    out = []
    count = figures.get("audits.count")
    if count is None or not count.value:
        out.append(_fill(t["audits_none"], period=period_label))
    else:
        good = figures["audits.overall.good_or_better"]
        out.append(
            _fill(
                t["audits"],
                count=cite(count),
                period=period_label,
                good=cite(good) + small_sample_note(good, small_sample=small),
                good_change=change_phrase(
                    good, small_sample=small, min_n=config.thresholds.min_n_compare
                ),
                inadequate=cite(figures["audits.overall.inadequate"]),
            )
        )
    if figures.get("moderation.count") and figures["moderation.count"].value:
        f = figures
        text = t["moderation"].format(
            count=cite(f["moderation.count"]),
            rate=cite(f["moderation.rate"]),
            expected=standard_phrase(config.moderation.expected_rate),
            agreement=cite(f["moderation.agreement"]),
            downgraded=cite(f["moderation.downgraded"]),
            upgraded=cite(f["moderation.upgraded"]),
        )
        if f["moderation.count"].value < small:
            text += t["moderation_small"].format(small=small)
        out.append(check_honesty(" ".join(text.split())))
    if figures.get("actions.due") is not None:
        out.append(
            _fill(
                t["actions"],
                due=cite(figures["actions.due"]),
                period=period_label,
                closed_on_time=cite(figures["actions.closed_on_time"]),
                overdue=cite(figures["actions.overdue_open"]),
            )
        )
    if "complaints.count" in figures and "complaints.stage1.within_timescale" in figures:
        out.append(
            _fill(
                t["complaints"],
                complaints=cite(figures["complaints.count"]),
                compliments=cite(figures["compliments.count"])
                if "compliments.count" in figures
                else "no",
                period=period_label,
                stage1=cite(figures["complaints.stage1.within_timescale"]),
                upheld=cite(figures["complaints.upheld"]),
            )
        )
    if "feedback.count" in figures and "feedback.positive" in figures:
        out.append(
            _fill(
                t["feedback"],
                count=cite(figures["feedback.count"]),
                positive=cite(figures["feedback.positive"]),
            )
        )
    if "escalations.count" in figures:
        out.append(
            _fill(t["escalations"], count=cite(figures["escalations.count"]), period=period_label)
        )
    return out


def moderation_statistics(figures: Mapping[str, Figure], *, config: Config) -> str:
    """The methods appendix's sentence on agreement beyond chance, or why none is given.

    No agreement statistic is stated on fewer than ``thresholds.small_sample`` moderated audits;
    an empty string when nothing was moderated. Bowker's test is given with its degrees-of-freedom
    rule (:data:`BOWKER_RULE`).
    """
    t = templates(config)
    count = figures.get("moderation.count")
    if count is None or not count.value:
        return ""
    small = config.thresholds.small_sample
    if count.value < small:
        return _fill(t["moderation_statistics_small"], count=cite(count), small=small)
    text = _fill(
        t["moderation_statistics"], count=cite(count), kappa=_kappa(figures.get("moderation.kappa"))
    )
    bowker = figures.get("moderation.bowker")
    if bowker is not None and bowker.value is not None and bowker.value == bowker.value:
        text += " " + check_honesty(
            f"Bowker's test of symmetry gave {p_words(bowker.value)}; {BOWKER_RULE}"
        )
    return text


# Where the suite's Bowker test differs from common packages, stated wherever its result is shown.
BOWKER_RULE = (
    "its degrees of freedom count only the pairs of grades with any disagreement between auditor "
    "and moderator (statsmodels and SPSS count every pair of grades, so their p-value can differ)."
)


def p_words(p_value: float) -> str:
    """ "p = 0.035", or "p < 0.001" (never "p = 0.000")."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _kappa(figure: Figure | None) -> str:
    if figure is None or figure.value is None:
        return "not calculable"
    interval = ""
    if figure.ci_low is not None and figure.ci_high is not None:
        interval = f", 95% interval {figure.ci_low:.2f} to {figure.ci_high:.2f}"
    return cite(figure, f"{figure.value:.2f}") + interval


def theme_paragraph(
    assessment: ThemeAssessment,
    *,
    config: Config,
    period_label: str,
    figures: Mapping[str, Figure] | None = None,
) -> str:
    """A theme's status and the reading of each source, each reading citing its Figures.

    The citations name each Figure by its label (from ``figures``), never by its id.
    """
    t = templates(config)
    readings = []
    for s in assessment.signals:
        if s.signal == "absent":
            continue
        links = cite_ids(s.figure_ids, figures)
        source = SOURCE_LABELS[s.source]
        readings.append(
            f"{source[0].upper()}{source[1:]} ({s.signal}): {plain_reason(s.reason)}"
            + (f" ({links})." if links else ".")
        )
    detail = " ".join(readings) or t["theme_none"].format(period=period_label)
    if assessment.status == "mixed":
        detail = t["theme_mixed"].format(disagreement=assessment.disagreement, detail=detail)
    return _fill(
        t["theme"], label=assessment.label, status=STATUS_LABELS[assessment.status], detail=detail
    )


def next_steps(candidates: list[ThemeAssessment], *, config: Config) -> str:
    """The recommended themes for next quarter's themed audits, with why."""
    t = templates(config)
    if not candidates:
        return _fill(t["next_steps_none"])
    themes = "; ".join(f"{a.label} ({a.status_label})" for a in candidates)
    return _fill(t["next_steps"], themes=themes)


def movement_words(figure: Figure) -> str:
    """A Figure's change in words that name the movement and its meaning separately.

    "rising: an improvement", "falling: a concern", "rising" (a context measure, neither good nor
    bad), "broadly stable" or "too few to judge". The movement is read from the Figure's own
    comparison (its test's ``change``, else the values), so a count of complaints that rose is
    never "declining" however its polarity reads.
    """
    comp = figure.comparison or {}
    if figure.direction == "not_judged" and not figure.significant:
        return "too few to judge" if comp else "not judged"
    if figure.direction == "stable" or not figure.significant:
        return "broadly stable"
    change = comp.get("change")
    if change not in ("increase", "decrease"):
        before, now = comp.get("value"), figure.value
        change = None
        if isinstance(before, (int, float)) and isinstance(now, (int, float)) and before != now:
            change = "increase" if now > before else "decrease"
    movement = {"increase": "rising", "decrease": "falling"}.get(change, "changed")
    meaning = {"improving": "an improvement", "declining": "a concern"}.get(figure.direction)
    return f"{movement}: {meaning}" if meaning else movement
