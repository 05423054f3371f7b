"""The authority's configuration (``la.yaml``) as a strict, typed object.

Package defaults (``defaults.yaml``) hold the national rules; an authority's file overrides only what
differs. Mappings are merged key by key; lists are replaced whole. An unknown or misspelt key is an
error that names the key and the file.
"""

from __future__ import annotations

import datetime as dt
import difflib
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SOURCE_NAMES = (
    "audits",
    "audit_actions",
    "annex_a",
    "kpis",
    "benchmarks",
    "complaints",
    "feedback",
    "escalations",
)


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Authority(_Strict):
    name: str
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    la_code: str | None = None  # DfE 3-digit code (old_la_code), for published benchmarks
    region: str | None = None


class SourceConfig(_Strict):
    """Where one source's export is and how its headers and labels map to the canonical ones."""

    file: str | None = None
    files: dict[str, str] = {}  # annex_a only: one file per list, e.g. {list_4: assessments.csv}
    sheet: str | None = None
    sheets: dict[str, str] = {}  # annex_a only: sheet name per list if not "List N"
    encoding: str | None = None  # default: UTF-16 by byte-order mark, UTF-8, Windows-1252
    delimiter: Literal[",", ";", "\t", "|"] | None = None  # default: found from the first lines
    required: bool = False  # true: validate (and run) stop when the source has no accepted rows
    columns: dict[str, str | list[str]] = {}  # canonical column -> the export's header(s)
    values: dict[str, dict[str, str]] = {}  # canonical column -> {export label: canonical value}


class GradeScale(_Strict):
    labels: list[str]
    good_or_better: list[str]
    inadequate: list[str]
    synonyms: dict[str, str] = {}
    numeric_best: Literal[1, "high"] | None = 1

    @model_validator(mode="after")
    def _subsets(self) -> GradeScale:
        for name in ("good_or_better", "inadequate"):
            unknown = set(getattr(self, name)) - set(self.labels)
            if unknown:
                raise ValueError(f"grades.{name} names grades not on the scale: {sorted(unknown)}")
        unknown = set(self.synonyms.values()) - set(self.labels)
        if unknown:
            raise ValueError(f"grades.synonyms map to grades not on the scale: {sorted(unknown)}")
        return self


class Domain(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str


class Theme(_Strict):
    label: str
    audit_domains: list[str] = []
    kpis: list[str] = []
    complaint_categories: list[str] = []
    feedback_questions: list[str] = []
    escalation_categories: list[str] = []
    judgement_area: str | None = None


class JudgementArea(_Strict):
    id: str
    label: str


class Kpi(_Strict):
    label: str
    unit: Literal["percent", "count", "number", "days", "rate"] = "percent"
    polarity: Literal["higher", "lower", "context"] = "higher"
    target: float | None = None
    source: Literal["annex_a", "scorecard"] = "scorecard"
    theme: str | None = None
    team_drilldown: bool = False
    baseline_end: str | None = None  # month (2024-03) ending the SPC baseline; default all points
    recalc_dates: list[str] = []  # months at which SPC limits are recalculated


class Timescales(_Strict):
    assessment_working_days: int
    assessment_anchor: Literal["assessment_start", "referral"]
    icpc_working_days: int
    cp_visit_working_days: int
    cp_first_review_months: int
    cp_review_months: int
    cla_first_review_working_days: int
    cla_second_review_months: int
    cla_review_months: int
    cla_visit_weeks: int
    cla_first_visit_days: int = 7
    health_assessment_initial_working_days: int = 20
    health_assessment_months_under_5: int
    health_assessment_months_5_plus: int
    complaint_stage1_working_days: int
    complaint_stage1_extended_working_days: int
    complaint_stage2_working_days: int
    complaint_stage2_extended_working_days: int
    action_due_days: int
    escalation_resolution_working_days: int
    # Early help, children in need and adoption (Annex A Lists 2, 6, 10 and 11).
    early_help_assessment_working_days: int = 45
    cin_visit_weeks: int = 6
    adoption_care_to_placement_days: int = 426
    adoption_order_to_match_days: int = 121
    adoption_decision_to_placement_months: int = 12
    adopter_approval_months: int = 6


class Thresholds(_Strict):
    audit_good_aspiration: float
    audit_inadequate_tolerance: float
    feedback_scale: tuple[int, int]
    feedback_positive_score: float
    significance_alpha: float
    min_n_compare: int
    small_sample: int
    repeat_inadequate_run: int
    team_inadequate_quarters: int
    feedback_positive_aspiration: float
    escalation_open_past_share: float
    escalation_open_past_min: int
    persistent_min_audits: int = 10
    trend_quarters: int = 8
    stock_as_at_window_weeks: int = 6


class Moderation(_Strict):
    expected_rate: float
    always_moderate: list[str] = []


class Auditor(_Strict):
    auditor_id: str
    role: str
    manages: list[str] = []


class AuditProgramme(_Strict):
    quotas: dict[str, int] = {}
    roster: list[Auditor] = []
    exclude_recent_months: int = 6
    comparable_types: list[str] = ["standard", "multi_agency"]


class Spc(_Strict):
    min_points: int
    shift_length: int
    trend_length: int


class Suppression(_Strict):
    min_count: int
    max_count: int
    symbol: str


class PublishedMeasure(_Strict):
    """A KPI's benchmark read from a DfE published-statistics CSV (Explore Education Statistics)."""

    file: str
    value_column: str
    filters: dict[str, str] = {}  # column -> value, to pick one breakdown row per area and year
    scale: float = 0.01  # multiply the published value by this (percent -> fraction)


class Published(_Strict):
    sn_model: str | None = None  # DfE statistical-neighbour model CSV
    measures: dict[str, PublishedMeasure] = {}


class Reading(_Strict):
    """Limits the reader applies to every export (hostile or damaged files included)."""

    earliest_date: dt.date  # event dates before this are implausible and rejected
    earliest_birth_date: dt.date  # dates of birth before this are implausible
    birth_weeks_after_extract: int  # an unborn child's expected date of birth: at most this far on
    latest_years_after_extract: int  # dates allowed after the extract date (due dates): at most
    max_cell_chars: int = Field(gt=0)  # longer cells are cut to this many characters, with a note


class LearningTheme(_Strict):
    label: str
    keywords: list[str]  # matched ignoring case at the start of a word ("record" finds "recorded")


class Learning(_Strict):
    """Themes of learning found in the words of audit actions and complaint learning."""

    themes: dict[str, LearningTheme] = {}  # in order: a text takes the first theme it matches
    stale_action_days: int = Field(default=365, gt=0)  # open longer than this: a stale action


class Config(_Strict):
    authority: Authority
    extract_date: dt.date | None = None  # default: the day the suite runs
    sources: dict[str, SourceConfig]
    grades: GradeScale
    domains: list[Domain]
    themes: dict[str, Theme]
    judgement_areas: list[JudgementArea]
    kpis: dict[str, Kpi]
    timescales: Timescales
    thresholds: Thresholds
    moderation: Moderation
    audit_programme: AuditProgramme
    spc: Spc
    suppression: Suppression
    reading: Reading
    published: Published = Published()
    narrative_templates: str | None = None  # the authority's own narrative templates (a YAML file)
    word_template: str | None = None  # the authority's own .docx to draft into
    learning: Learning = Learning()
    # the QA lead's own words for a report: <folder>/<period>.yaml (docs/qa_leads.md)
    narrative_inputs: str = "narrative_inputs"
    base_dir: Path = Path(".")  # set by load_config: the folder of la.yaml

    @model_validator(mode="after")
    def _cross_references(self) -> Config:
        unknown = set(self.sources) - set(SOURCE_NAMES)
        if unknown:
            raise ValueError(
                f"sources: unknown source(s) {sorted(unknown)}; known: {', '.join(SOURCE_NAMES)}"
            )
        if not self.sources:
            raise ValueError(
                f"sources: name at least one export (any of {', '.join(SOURCE_NAMES)}); a pack "
                "rests on the sources it is given and says which are missing"
            )
        domain_ids = {d.id for d in self.domains}
        for theme_id, theme in self.themes.items():
            missing = set(theme.audit_domains) - domain_ids
            if missing:
                raise ValueError(
                    f"themes.{theme_id}.audit_domains names unknown domain(s) {sorted(missing)}"
                )
        for kpi_id, kpi in self.kpis.items():
            if kpi.theme is not None and kpi.theme not in self.themes:
                raise ValueError(f"kpis.{kpi_id}.theme: unknown theme {kpi.theme!r}")
        return self

    def path(self, file: str) -> Path:
        """A file named in the configuration, relative to the folder of ``la.yaml``."""
        p = Path(file).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    @property
    def domain_ids(self) -> list[str]:
        return [d.id for d in self.domains]

    def theme_of_kpi(self, kpi_id: str) -> str | None:
        """The theme a KPI speaks to: its own setting, else the first theme that lists it."""
        kpi = self.kpis.get(kpi_id)
        if kpi is not None and kpi.theme:
            return kpi.theme
        return next((t for t, theme in self.themes.items() if kpi_id in theme.kpis), None)


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def default_settings() -> dict:
    """The package defaults (national rules) as a plain mapping."""
    text = resources.files("qaanalysis").joinpath("defaults.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _describe(error: dict, raw: dict) -> str:
    loc = ".".join(str(p) for p in error["loc"])
    if error["type"] == "extra_forbidden":
        parent = raw
        for part in error["loc"][:-1]:
            parent = parent.get(part, {}) if isinstance(parent, dict) else {}
        siblings = _known_fields(error["loc"][:-1])
        hint = difflib.get_close_matches(str(error["loc"][-1]), siblings, n=1)
        return f"unknown key '{loc}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
    if error["type"] == "missing":
        return f"missing key '{loc}'"
    return f"'{loc}': {error['msg']}" if loc else error["msg"]


def _known_fields(loc: tuple) -> list[str]:
    model: type[BaseModel] | None = Config
    for part in loc:
        if model is None:
            return []
        field = model.model_fields.get(str(part))
        if field is None:
            # inside a dict or list: the value model of the container
            continue
        model = _model_of(field.annotation)
    return list(model.model_fields) if model else []


def _model_of(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found:
            return found
    return None


# Limits on la.yaml (and any YAML the suite reads): a settings file is a few kilobytes and a few
# levels deep; far beyond these it is damaged or built to exhaust the machine.
YAML_MAX_BYTES = 1_000_000
YAML_MAX_DEPTH = 20
YAML_MAX_NODES = 100_000  # scalars and collections, with every alias counted as a copy


def read_yaml(
    path: str | Path,
    *,
    max_bytes: int = YAML_MAX_BYTES,
    max_depth: int = YAML_MAX_DEPTH,
    max_nodes: int = YAML_MAX_NODES,
) -> object:
    """Read a YAML file safely: size, nesting and alias expansion are checked before building it.

    The document's events are scanned first (PyYAML's event parser keeps its own stack, so deep
    nesting cannot exhaust Python's), counting nesting depth and the nodes the document would have
    if every alias were expanded (the "billion laughs" attack builds a few lines into billions).

    Raises:
        ConfigError: the file is missing, too large, too deeply nested, expands beyond
            ``max_nodes``, or is not valid YAML; the message names the file.

    Example:
        >>> read_yaml("la.yaml")  # doctest: +SKIP
        {'authority': {'name': 'Northmoor', 'slug': 'northmoor'}, ...}
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    size = path.stat().st_size
    if size > max_bytes:
        raise ConfigError(
            f"{path}: the file is {size:,} bytes; a settings file may be at most {max_bytes:,} "
            "bytes (is this the right file?)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        _check_yaml_shape(text, max_depth=max_depth, max_nodes=max_nodes)
        return yaml.safe_load(text)
    except _YamlTooBig as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    except RecursionError:  # pragma: no cover - the shape check stops this first
        raise ConfigError(f"{path}: nested too deeply to read") from None


class _YamlTooBig(Exception):
    pass


def _check_yaml_shape(text: str, *, max_depth: int, max_nodes: int) -> None:
    """Raise ``_YamlTooBig`` when the document nests or expands beyond the limits."""
    # Each open collection: [its expanded node count so far, its anchor]; anchors: name -> count.
    stack: list[list] = []
    anchors: dict[str, int] = {}
    total = 0

    def count(nodes: int) -> None:
        nonlocal total
        total += nodes
        if stack:
            stack[-1][0] += nodes
        if total > max_nodes:
            raise _YamlTooBig(
                f"the settings expand to more than {max_nodes:,} values (an alias, '*name', "
                "repeats all it points to); write the settings out plainly"
            )

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= max_depth:
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise _YamlTooBig(
                    f"line {line}: settings nested more than {max_depth} levels deep; "
                    "la.yaml never needs more than a few"
                )
            stack.append([0, event.anchor])
            count(1)  # the collection itself
        elif isinstance(event, yaml.CollectionEndEvent):
            nodes, anchor = stack.pop()
            if anchor:
                anchors[anchor] = nodes
            if stack:
                stack[-1][0] += nodes
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                anchors[event.anchor] = 1
            count(1)
        elif isinstance(event, yaml.AliasEvent):
            count(anchors.get(event.anchor, 1))


def load_config(path: str | Path) -> Config:
    """Read ``la.yaml``, merge it over the package defaults and validate it strictly.

    Raises:
        ConfigError: the file is missing, not YAML, too large (over 1 MB), nested too deeply
            (over 20 levels) or expanded through aliases beyond 100,000 values, or a key is
            unknown, missing or invalid; the message names the file and every offending key.
    """
    path = Path(path)
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    if "base_dir" in raw:
        raise ConfigError(f"{path}: unknown key 'base_dir'")
    settings = _merge(default_settings(), raw)
    settings["base_dir"] = path.resolve().parent
    try:
        return Config.model_validate(settings)
    except ValidationError as exc:
        problems = "; ".join(_describe(e, raw) for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None
