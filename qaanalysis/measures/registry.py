"""One registry of measure definitions: every Figure a pack states, declared once in one shape.

Each area declares its measures as :class:`Measure` entries beside its code (``audits.MEASURES``,
``actions.MEASURES``, ``moderation.MEASURES``, ``voice.MEASURES``; the Annex A KPIs as
:class:`~qaanalysis.measures.performance.definitions.KpiDefinition`, a Measure with its
computation fields). :func:`measures` gathers them, with the configured timescales and
thresholds filled in; the Figures take their labels from here (:func:`label`), the methods
appendix and ``docs/measures.md`` read :func:`definitions_table`.

Text fields may name configuration in braces: ``{timescales.complaint_stage1_working_days}``,
``{thresholds.trend_quarters}``, ``{moderation.always_moderate}`` (a list, joined with "or"),
or a timescale by its bare name (``{assessment_working_days}``). A Figure id pattern names its
variable parts in angle brackets (``audits.domain.<domain>.good_or_better``); its label names
them in braces (``{domain}: good or better``), filled by the caller.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, fields
from functools import cache

import pandas as pd

from ..config import Config

UNITS = ("percent", "count", "number", "days", "rate", "status")
POLARITIES = ("higher", "lower", "context")
# The areas, in the order the registry lists them.
AREAS = (
    "audits",
    "moderation",
    "actions",
    "complaints",
    "feedback",
    "escalations",
    "performance",
    "data_quality",
    "triangulation",
)


@dataclass(frozen=True, kw_only=True)
class Measure:
    """One measure's declared definition.

    Attributes:
        id: the Figure id, or its pattern with ``<placeholder>`` parts.
        label: the Figure's label (braces name configuration or the pattern's parts).
        area: which area states it (:data:`AREAS`).
        source: the export it is computed from.
        unit: ``percent`` (a fraction), ``count``, ``number``, ``days``, ``rate`` or ``status``.
        polarity: ``higher`` or ``lower`` is better, or ``context`` (neither).
        numerator: what is counted.
        denominator: what it is out of ("" for a count).
        period_rule: which records belong to a period.
        days: working or calendar days and where the timescale comes from ("" if none).
        statutory_source: the statute, guidance or publication the definition follows.
        theme: how the Figure finds its practice theme ("" for none).
        notes: how blanks and edge cases are counted.
    """

    id: str
    label: str = ""
    area: str = ""
    source: str = ""
    unit: str = "count"
    polarity: str = "context"
    numerator: str = ""
    denominator: str = ""
    period_rule: str = ""
    days: str = ""
    statutory_source: str = ""
    theme: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"{self.id}: unit {self.unit!r} is not one of {UNITS}")
        if self.polarity not in POLARITIES:
            raise ValueError(f"{self.id}: polarity {self.polarity!r} is not one of {POLARITIES}")

    @property
    def pattern(self) -> re.Pattern:
        """The ids this entry declares (``<part>`` matches one dotted part)."""
        parts = re.split(r"(<[a-z_]+>)", self.id)
        body = "".join(r"[^.]+" if p.startswith("<") else re.escape(p) for p in parts)
        return re.compile(f"^{body}$")

    def resolved(self, config: Config) -> Measure:
        """The entry with the configuration's values filled into its text."""
        text = {
            f.name: fill(getattr(self, f.name), config)
            for f in fields(Measure)
            if f.name not in ("id", "unit", "polarity", "area")
        }
        return Measure(id=self.id, unit=self.unit, polarity=self.polarity, area=self.area, **text)


class _Values(dict):
    """Configuration values for :func:`fill`; an unknown name stays as ``<name>``."""

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


class _Listed:
    """A list shown as "A or B" in text, whose items can still be read by index."""

    def __init__(self, items) -> None:
        self.items = list(items)

    def __format__(self, spec: str) -> str:
        return " or ".join(str(x) for x in self.items)


class _Section:
    """A configuration section whose list values read as "A or B"."""

    def __init__(self, section) -> None:
        self.section = section

    def __getattr__(self, name: str):
        value = getattr(self.section, name)
        return _Listed(value) if isinstance(value, (list, tuple)) else value


def values(config: Config, **params) -> dict:
    """The names a declaration's text may use: the configuration's timescales (also by bare
    name), thresholds and moderation settings, and ``params`` (a pattern's parts)."""
    timescales = config.timescales
    out = _Values(timescales.model_dump())
    from .performance.definitions import as_at_window_weeks

    out["stock_as_at_window_weeks"] = as_at_window_weeks(config)
    out["assessment_anchor_text"] = (
        "assessment start" if timescales.assessment_anchor == "assessment_start" else "referral"
    )
    out.update(
        timescales=_Section(timescales),
        thresholds=_Section(config.thresholds),
        moderation=_Section(config.moderation),
    )
    out.update(params)
    return out


def fill(text: str, config: Config, **params) -> str:
    """``text`` with the configured values (and ``params``) in place of its braced names."""
    if "{" not in text:
        return text
    return string.Formatter().vformat(text, (), values(config, **params))


@cache
def _declared() -> tuple[Measure, ...]:
    # Imported here: the areas import this module for Measure.
    from . import actions, moderation
    from .audits import MEASURES as AUDITS
    from .performance.definitions import KPI_DEFINITIONS, SCORECARD_KPI
    from .voice import MEASURES as VOICE

    return (
        *AUDITS,
        *moderation.MEASURES,
        *actions.MEASURES,
        *VOICE,
        *KPI_DEFINITIONS.values(),
        SCORECARD_KPI,
        *OTHER_AREAS,
    )


def measures(config: Config) -> tuple[Measure, ...]:
    """Every declared measure, with the configuration filled in, in :data:`AREAS` order.

    The KPIs are those of the configuration's ``kpis`` catalogue, each under its Figure id
    ``kpi.<id>`` with the catalogue's label, unit, polarity and theme.
    """
    from .performance.definitions import KPI_DEFINITIONS, SCORECARD_KPI, scorecard_measure

    out = [
        m.resolved(config)
        for m in _declared()
        if m is not SCORECARD_KPI and not (m.id.startswith("kpi.") and m.id[4:] not in config.kpis)
    ]
    out += [scorecard_measure(k, config) for k in config.kpis if k not in KPI_DEFINITIONS]
    order = {a: i for i, a in enumerate(AREAS)}
    return tuple(sorted(out, key=lambda m: order.get(m.area, len(order))))


def lookup(figure_id: str) -> Measure:
    """The declaration of a Figure id (an exact id first, else the pattern that matches it).

    Raises:
        KeyError: when no measure declares the id.
    """
    declared = _declared()
    exact = [m for m in declared if m.id == figure_id]
    if exact:
        return exact[0]
    matched = [m for m in declared if "<" in m.id and m.pattern.match(figure_id)]
    if not matched:
        raise KeyError(f"no measure declares the Figure id {figure_id!r}")
    return max(matched, key=lambda m: len(m.id.replace("<", "").split(".")))


def label(figure_id: str, config: Config, **params) -> str:
    """A Figure's label as declared, with the configuration and ``params`` filled in.

    Example:
        ``label("audits.domain.<domain>.good_or_better", config, domain="Assessment")``
    """
    return fill(lookup(figure_id).label, config, **params)


def polarity(figure_id: str) -> str:
    """A Figure's declared polarity (``higher``, ``lower`` or ``context``)."""
    return lookup(figure_id).polarity


DEFINITION_COLUMNS = [
    "id",
    "label",
    "area",
    "source",
    "unit",
    "polarity",
    "numerator",
    "denominator",
    "period_rule",
    "days",
    "statutory_source",
    "theme",
    "notes",
]


def definitions_table(config: Config) -> pd.DataFrame:
    """Every measure's definition, one row each, as the methods appendix and the docs show it."""
    rows = [{c: getattr(m, c) for c in DEFINITION_COLUMNS} for m in measures(config)]
    return pd.DataFrame(rows, columns=DEFINITION_COLUMNS)


def _cell(text: str) -> str:
    text = (text or "").replace("|", "\\|").replace("\n", " ")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def markdown(config: Config) -> str:
    """``docs/measures.md``: the registry as Markdown tables, one per area."""
    table = definitions_table(config)
    out = [
        "# Measures: what each Figure counts",
        "",
        "Generated from the registry of measure definitions (`qaanalysis/measures/registry.py`)",
        "with the default configuration's timescales and thresholds; an authority's own",
        "`la.yaml` may set other values. Regenerate with",
        "`.venv/bin/python -m qaanalysis.measures.registry > docs/measures.md`",
        "(a test checks this page matches the registry).",
        "",
        "A Figure id with `<part>` stands for one Figure per domain, category, group, question",
        "or theme. Percentages are shares of the denominator, always shown with their counts.",
    ]
    columns = ["id", "label", "unit", "polarity", "numerator", "denominator", "period_rule"]
    for area in AREAS:
        part = table[table["area"] == area]
        if not len(part):
            continue
        out += ["", f"## {area.replace('_', ' ').capitalize()}", ""]
        out.append(
            "| " + " | ".join(c.replace("_", " ") for c in columns) + " | timescale and source |"
        )
        out.append("|" + "---|" * (len(columns) + 1))
        for row in part.itertuples(index=False):
            cells = [f"`{row.id}`"] + [_cell(getattr(row, c)) for c in columns[1:]]
            theme = f"theme: {row.theme}" if row.theme else ""
            source = "; ".join(x for x in (row.days, row.statutory_source, row.notes, theme) if x)
            out.append("| " + " | ".join(cells) + f" | {_cell(source)} |")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- other areas

# Figures of areas whose code declares no Measure of its own (data quality, the themes).
OTHER_AREAS: tuple[Measure, ...] = (
    Measure(
        id="data_quality.<source>.accepted",
        label="{source}: rows accepted",
        area="data_quality",
        source="every export",
        unit="percent",
        polarity="higher",
        numerator="rows of the export that passed validation",
        denominator="rows read from the export",
        period_rule="the whole export as supplied",
    ),
    Measure(
        id="kpi_trend.<kpi>",
        label="{kpi}: trend over {thresholds.trend_quarters} quarters",
        area="performance",
        source="Annex A or the monthly scorecard",
        unit="number",
        numerator="Kendall's tau-b between month and whether each Annex A event met the standard "
        "(flow KPIs), else the monthly share (positive: the KPI rises); improving or declining "
        "given the KPI's polarity",
        denominator="events (flow KPIs) or months in the window",
        period_rule="the complete months of the {thresholds.trend_quarters} financial quarters "
        "ending with the period's",
        theme="the KPI's theme",
    ),
    Measure(
        id="triangulation.<theme>",
        label="{theme}: triangulated evidence",
        area="triangulation",
        source="every area's signals",
        unit="status",
        numerator="the theme's reading across sources: corroborated concern or strength, mixed, "
        "single source, or no clear reading",
        period_rule="the period's Signals of every area",
        theme="the theme itself (themes in the configuration)",
    ),
)


def default_config() -> Config:
    """The package defaults (national rules) as a configuration, for the docs."""
    from ..config import default_settings

    settings = default_settings()
    settings.update(
        authority={"name": "Defaults", "slug": "defaults"}, sources={"audits": {"file": "a.csv"}}
    )
    return Config.model_validate(settings)


if __name__ == "__main__":  # pragma: no cover - writes docs/measures.md
    print(markdown(default_config()), end="")
