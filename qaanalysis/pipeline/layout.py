"""How a pack is laid out for a reader: the body, the appendix of detailed tables, and labels.

The renderers (``render.py``) decide a pack's structure here, in one place, from the items' own
kinds: a table or Figure list the section builder marked ``detail`` (``findings.Table``) leaves
the body for the "Appendix: detailed tables" after it, and the body keeps a one-line pointer to
it. ``tables.xlsx`` keeps every table as computed.

Every table cell a reader sees in HTML or Word also passes :func:`reader_frame`: a code known to
the configuration (a theme, domain, KPI, judgement area or learning theme id, a source or Annex A
list name) is shown as its label, any other ``snake_case`` code in words, a cell listing Figure
ids as the Figures' numbers (F1, F2, ...), and a column of codes that only repeats a column of
labels beside it is left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from ..config import Config
from ..session import FIGURES_MIME, TABLE_MIME
from .collect import Block, blocks

APPENDIX_TITLE = "Appendix: detailed tables"
# Notebooks a pack shows as appendices after its body (their title gains "Appendix: "): the
# data-quality account is reference for analysts, not a reading for leaders.
APPENDIX_NOTEBOOKS = ("00_data_quality",)
APPENDIX_ANCHOR = "appendix-detailed-tables"
# A notebook cell tagged so (Jupyter's cell tags, as ``parameters`` and ``hide``) shows its table
# or Figures in the appendix of detailed tables whatever its builder marked: the notebook chooses
# what its report's body holds, and an analyst still sees the table in place.
APPENDIX_TAG = "appendix"

# Codes the measures write into tables, in words (the configuration's own ids are labelled from
# the configuration: :func:`reader_labels`).
VOCABULARY = {
    "annex_a": "Annex A",
    "below_998": "below the 99.8% limit",
    "below_95": "below the 95% limit",
    "above_95": "above the 95% limit",
    "above_998": "above the 99.8% limit",
    "within_95": "within the limits",
    "re_audit": "re-audit",
    "multi_agency": "multi-agency",
    "dip_sample": "dip sample",
}
# Words shown in capitals when a code is put into words.
ACRONYMS = {
    "qa": "QA",
    "kpi": "KPI",
    "cp": "CP",
    "cin": "CIN",
    "iro": "IRO",
    "spc": "SPC",
    "csww": "CSWW",
    "eet": "EET",
    "nfa": "NFA",
    "icpc": "ICPC",
    "mash": "MASH",
    "drp": "DRP",
    "lado": "LADO",
}
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_LIST = re.compile(r"^list_0?(\d+)$")
_NUMBER = re.compile(r"^-?\d+\.\d+$")


def reader_labels(config: Config) -> dict[str, str]:
    """Every code of the configuration a table may hold -> the label a reader sees.

    Themes, practice domains, KPIs, judgement areas and learning themes by their configured
    labels; sources and Annex A lists in words.
    """
    labels = dict(VOCABULARY)
    labels |= {
        "audit_actions": "audit actions",
        "scorecard": "scorecard",
    }
    labels |= {theme_id: theme.label for theme_id, theme in config.themes.items()}
    labels |= {domain.id: domain.label for domain in config.domains}
    labels |= {area.id: area.label for area in config.judgement_areas}
    labels |= {kpi_id: kpi.label for kpi_id, kpi in config.kpis.items()}
    labels |= {theme_id: theme.label for theme_id, theme in config.learning.themes.items()}
    return labels


def in_words(code: str, labels: Mapping[str, str] | None = None) -> str:
    """A code as a reader says it: its label, an Annex A list by number, else its words.

    Examples:
        >>> in_words("list_08")
        'Annex A List 8'
        >>> in_words("qa_lead")
        'QA lead'
    """
    labels = labels or {}
    if code in labels:
        return labels[code]
    if code in VOCABULARY:
        return VOCABULARY[code]
    listed = _LIST.match(code)
    if listed:
        return f"Annex A List {int(listed[1])}"
    words = [ACRONYMS.get(word, word) for word in code.split("_") if word]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def reader_value(value: object, *, labels: Mapping[str, str], refs: Mapping[str, int]) -> object:
    """One table cell as a reader sees it: codes as labels, Figure ids as numbers (F3), a
    number held as text as a number."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text in refs:
        return f"F{refs[text]}"
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
        if parts and all(p in refs for p in parts):
            return ", ".join(f"F{refs[p]}" for p in parts)
        if all(_CODE.match(p) or p in labels for p in parts):
            return ", ".join(in_words(p, labels) for p in parts)
    if text in labels or _CODE.match(text):
        return in_words(text, labels)
    if _NUMBER.match(text):  # a number written as text ("18.0"): shown as a number is
        return float(text)
    return value


def reader_frame(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    refs: Mapping[str, int] | None = None,
    percent: tuple[str, ...] | list[str] | set[str] = (),
) -> pd.DataFrame:
    """A table as HTML and Word show it (see the module docstring); the frame is not changed.

    A column of codes whose labels repeat another column (``kpi_id`` beside ``label``,
    ``domain`` beside ``domain_label``) is left out, and ``domain_label`` is then headed
    "Domain"; a share's interval (``<x>_ci_low`` and ``<x>_ci_high`` among the ``percent``
    columns) is one column, "47% to 65%", so that a table fits the page; column names that are
    codes (a theme id as a column) become labels.
    """
    labels, refs = labels or {}, refs or {}
    original = _intervals(frame, set(percent))
    shown = original.copy()
    for column in shown.columns:
        series = shown[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            shown[column] = series.astype(object).map(
                lambda v: reader_value(v, labels=labels, refs=refs)
            )
    repeated = [
        column
        for i, column in enumerate(shown.columns)
        if _has_codes(original[column])
        and any(
            shown[column].astype(str).equals(shown[other].astype(str))
            for j, other in enumerate(shown.columns)
            if j != i
        )
    ]
    shown = shown.drop(columns=repeated)
    names = [str(c) for c in shown.columns]
    shown.columns = [
        labels.get(c, c.removesuffix("_label") if c.endswith("_label") else c)
        if c.removesuffix("_label") not in names or c == c.removesuffix("_label")
        else c
        for c in names
    ]
    return shown


def _intervals(frame: pd.DataFrame, percent: set[str]) -> pd.DataFrame:
    """``<x>_ci_low`` and ``<x>_ci_high`` (fractions) as one text column "<X>, 95% interval"."""
    shown = frame.copy()
    for low in [c for c in frame.columns if str(c).endswith("ci_low") and c in percent]:
        base = str(low).removesuffix("ci_low")
        high = f"{base}ci_high"
        if high not in frame.columns or high not in percent:
            continue
        at = list(shown.columns).index(low)
        text = [
            f"{100 * lo:.0f}% to {100 * hi:.0f}%" if pd.notna(lo) and pd.notna(hi) else ""
            for lo, hi in zip(
                pd.to_numeric(frame[low], errors="coerce"),
                pd.to_numeric(frame[high], errors="coerce"),
                strict=True,
            )
        ]
        shown = shown.drop(columns=[low, high])
        name = f"{in_words(base.rstrip('_'))}, 95% interval" if base else "95% interval"
        shown.insert(at, name, text)
    return shown


def _has_codes(series: pd.Series) -> bool:
    values = [v for v in series if isinstance(v, str) and v]
    return bool(values) and all(v.isidentifier() and v == v.lower() for v in values)


# ------------------------------------------------------------------------------ arrangement


@dataclass
class Detail:
    """A detail table (or Figure list) moved to the appendix, numbered A1, A2, ... ."""

    number: int
    section: str
    block: Block

    @property
    def anchor(self) -> str:
        return f"detail-{self.number}"

    @property
    def label(self) -> str:
        return f"Table A{self.number}"

    @property
    def title(self) -> str:
        return str(self.block.meta.get("title") or "")


@dataclass
class Part:
    """One notebook's body: its blocks in order; the tables moved out of each subsection are
    named by one ``pointer`` block at the subsection's end, whose content is the list of
    :class:`Detail` it points to."""

    name: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    appendix: bool = False


def is_detail(block: Block) -> bool:
    """Whether a block belongs in the appendix of detailed tables."""
    return block.kind in ("table", "figures") and bool(block.meta.get("detail"))


def title_of(content: list[Block], fallback: str) -> str:
    """A notebook's title: its first level-one Markdown heading."""
    for block in content:
        if block.kind == "markdown":
            match = re.search(r"^#\s+(.+)$", block.content, re.MULTILINE)
            if match:
                return match[1].strip()
    return fallback


def _starts_subsection(block: Block) -> bool:
    """Whether a block opens a new heading (where the pointer to the last one's tables goes)."""
    return block.kind == "markdown" and bool(re.match(r"^#{1,3}\s", block.content.lstrip()))


def _as_appendix(content: list[Block]) -> list[Block]:
    """A notebook's blocks with its title (first level-one heading) read "Appendix: <title>"."""
    out, done = [], False
    for block in content:
        if not done and block.kind == "markdown" and re.search(r"^#\s", block.content, re.M):
            text = re.sub(r"^#\s+(.+)$", r"# Appendix: \1", block.content, count=1, flags=re.M)
            block, done = Block("markdown", text, block.meta), True
        out.append(block)
    return out


def _opens_appendix(block: Block) -> str | None:
    """The title of an appendix a notebook opens part-way ("# Appendix: Methods"), or None."""
    if block.kind != "markdown":
        return None
    match = _APPENDIX_HEADING.match(block.content.lstrip())
    return match[1].strip() if match else None


_APPENDIX_HEADING = re.compile(r"^#\s+(Appendix:\s.+)$", re.MULTILINE)


def _tagged_outputs(notebook: nbformat.NotebookNode) -> set[int]:
    """The tables and Figures shown by the cells tagged :data:`APPENDIX_TAG`, by identity: the
    payloads that ``collect.blocks`` makes their blocks of (its blocks are shared, so they are
    matched rather than read again from a changed copy)."""
    out = set()
    for cell in notebook.cells:
        if APPENDIX_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in (TABLE_MIME, FIGURES_MIME):
                if mime in data:
                    out.add(id(data[mime]))
    return out


def _as_detail(block: Block, tagged: set[int]) -> Block:
    """A block of a cell tagged :data:`APPENDIX_TAG` marked detail (a new block; the shared one
    is not changed)."""
    shown = block.meta if block.kind == "table" else block.content
    if block.kind in ("table", "figures") and id(shown) in tagged:
        return Block(block.kind, block.content, {**block.meta, "detail": True})
    return block


def arrange(notebooks: list[tuple[str, nbformat.NotebookNode]]) -> tuple[list[Part], list[Detail]]:
    """The pack's parts (a part per notebook, in order; those of :data:`APPENDIX_NOTEBOOKS`
    marked ``appendix``) and its appendix of detailed tables.

    A level-one heading "# Appendix: <title>" part-way through a notebook ends its body there:
    what follows is an appendix part of its own (the report's methods, say), shown after the
    appendix of detailed tables like the data-quality account. A cell tagged
    :data:`APPENDIX_TAG` sends its table to the appendix of detailed tables; a detail table shown
    in an appendix part (the methods' KPI definitions) stays where it is shown.
    """
    parts, details = [], []
    for name, notebook in notebooks:
        tagged = _tagged_outputs(notebook)
        content = [_as_detail(block, tagged) for block in blocks(notebook)]
        stem = Path(name).stem
        part = Part(stem, title_of(content, stem), appendix=stem in APPENDIX_NOTEBOOKS)
        if part.appendix:
            content = _as_appendix(content)
        pending: list[Detail] = []
        for block in content:
            if is_detail(block) and not part.appendix:  # an appendix keeps its own tables
                pending.append(Detail(len(details) + 1, part.title, block))
                details.append(pending[-1])
                continue
            opened = None if part.appendix else _opens_appendix(block)
            if pending and (_starts_subsection(block) or opened):
                part.blocks.append(Block("pointer", pending, {}))
                pending = []
            if opened:
                parts.append(part)
                part = Part(f"{stem}-appendix-{len(parts)}", opened, appendix=True)
            part.blocks.append(block)
        if pending:
            part.blocks.append(Block("pointer", pending, {}))
        parts.append(part)
    return parts, details
