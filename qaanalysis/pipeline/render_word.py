"""The editable Word draft of a pack (``render_docx``), built with python-docx."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import re
from pathlib import Path

import nbformat
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..figures import format_value
from ..session import _change, _interval
from . import word_table
from .collect import Block
from .contents import bookmark, bookmark_name, internal_link, word_contents
from .layout import APPENDIX_TITLE, Detail, arrange
from .render_base import (
    _BASE64,
    DEFAULT_ISSUED,
    LANGUAGE,
    _detail_caption,
    _figure,
    _fixed_zip,
    _when,
    shown_table,
)
from .safe_text import clean_text

# Word styles the draft cannot do without; a template lacking one stops the run.
REQUIRED_STYLES = ("Heading 1", "Heading 2", "Heading 3", "Caption", "Table Grid")
NOTE_STYLE = "Table Note"


class TemplateError(ValueError):
    """The authority's Word template lacks styles the draft needs (the run stops, exit code 2)."""


_LINK = re.compile(r"\[([^\]]+)\]\(#figure-([^)]+)\)")
_EMPHASIS = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*)")


def _add_inline(paragraph, text: str, refs: dict[str, int] | None = None) -> None:
    """Markdown bold and italic as Word runs; a Figure link as its text with a numbered reference
    to the evidence appendix ("56% (61 of 108) (F3)"), or the text alone when it has none."""
    refs = refs or {}
    text = _LINK.sub(
        lambda m: f"{m[1]} (F{refs[m[2]]})" if m[2] in refs else m[1], clean_text(text)
    )
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    for part in _EMPHASIS.split(text):
        if not part:
            continue
        if part.startswith("**"):
            paragraph.add_run(part[2:-2]).bold = True
        elif part.startswith("*") and len(part) > 1:
            paragraph.add_run(part[1:-1]).italic = True
        else:
            paragraph.add_run(part.replace("`", ""))


def _heading(document, text: str, level: int) -> None:
    names = {0: "Title", 1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
    fallback = {0: "Heading 1", 4: "Heading 3"}  # present in every accepted template
    style = _style(document, names[level]) or fallback[level]
    paragraph = _paragraph(document, style=style)
    paragraph.add_run(clean_text(text))
    recorded = getattr(document, "_qa_headings", None)
    if recorded is not None and 1 <= level <= 3:
        recorded.append((level, paragraph))


def _add_markdown(document, text: str, refs: dict[str, int] | None = None) -> None:
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = chunk.splitlines()
        if not lines:
            continue
        heading_match = re.match(r"^(#{1,4})\s+(.*)$", lines[0])
        if heading_match and len(lines) == 1:
            _heading(document, heading_match[2].strip(), min(len(heading_match[1]), 4))
            continue
        if all(re.match(r"^\s*([-*]|\d+\.)\s+", line) for line in lines):
            for line in lines:
                numbered = re.match(r"^\s*\d+\.", line)
                style = "List Number" if numbered else "List Bullet"
                item = re.sub(r"^\s*([-*]|\d+\.)\s+", "", line)
                _add_inline(_paragraph(document, style=_style(document, style)), item, refs)
            continue
        if lines[0].lstrip().startswith("|"):
            _add_pipe_table(document, lines)
            continue
        if heading_match:
            _heading(document, heading_match[2].strip(), min(len(heading_match[1]), 4))
            lines = lines[1:]
        _add_inline(document.add_paragraph(), " ".join(line.strip() for line in lines), refs)


def _paragraph(document, text: str = "", style: str | None = None):
    """``document.add_paragraph(text, style)``, the style's id looked up once per document
    (python-docx looks it up among all the styles for every paragraph)."""
    paragraph = document.add_paragraph(text)
    if style is not None:
        paragraph._p.style = _style_id(document, style)
    return paragraph


def _style_id(document, name: str) -> str | None:
    """The id of a style (None for the default style of its kind, as python-docx writes it)."""
    ids = getattr(document, "_qa_style_ids", None)
    if ids is None:
        ids = document._qa_style_ids = {}
    if name not in ids:
        style = document.styles[name]
        ids[name] = None if _is_default(style) else style.style_id
    return ids[name]


def _is_default(style) -> bool:
    return style.element.get(qn("w:default")) in ("1", "true", "on")


def _style(document, name: str) -> str | None:
    """``name`` when the document defines that style, else None (the names are read once)."""
    names = getattr(document, "_qa_style_names", None)
    if names is None:
        names = document._qa_style_names = {s.name for s in document.styles}
    return name if name in names else None


def _add_pipe_table(document, lines: list[str]) -> None:
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in lines
        if not re.match(r"^\s*\|?\s*:?-{2,}", line)
    ]
    _word_table(document, rows[0], rows[1:])


def _word_table(document, header: list[str], rows: list[list[str]]) -> None:
    """A Word table (header row repeating on every page) fitted to the current page's width."""
    _place(document, word_table.plan(header, rows))


def _place(document, table: word_table.Plan, caption=None) -> None:
    """A table where it fits: at most a portrait page wide, on a landscape page only when it needs
    one (the caller turns the page), and in column groups each repeating the first column when
    even the page it is on is too narrow. ``caption(part, parts)`` writes each part's caption."""
    style = _style(document, "Light Grid Accent 1") or "Table Grid"
    room = word_table.usable_width(document.sections[-1])
    width = min(room, word_table.portrait_width(document))
    everything = list(range(len(table.header)))
    if table.fits(room):
        groups = [everything]
    else:
        groups = word_table.column_groups(table, room)
    for part, columns in enumerate(groups):
        if caption:
            caption(part, len(groups))
        shown = word_table.subset(table, columns) if len(groups) > 1 else table
        at = width if shown.fits(width) else room
        word_table.write(document, shown, at, _style_id(document, style))


def check_template(document, template: Path | str) -> None:
    """Stop when an authority's Word template lacks a style the draft needs.

    Raises:
        TemplateError: naming the template and every missing style.
    """
    present = {s.name for s in document.styles}
    missing = [name for name in REQUIRED_STYLES if name not in present]
    if missing:
        raise TemplateError(
            f"the Word template {template} lacks the style{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}, which the draft needs. Word keeps a built-in style in a "
            "document only once it has been used or changed: apply each once (or modify it in "
            "the Styles pane), save the template and run again."
        )


def _set_language(element, language: str) -> None:
    """``w:lang`` on a run-properties element (``w:rPr``)."""
    lang = element.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        element.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), language)


def _house_layout(document, *, page: bool) -> None:
    """en-GB on the document defaults and Normal; A4 portrait, 2 cm margins; the note style."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    r_default = defaults.find(qn("w:rPrDefault"))
    if r_default is None:
        r_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_default)
    r_pr = r_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_default.append(r_pr)
    _set_language(r_pr, LANGUAGE)
    _set_language(document.styles["Normal"].element.get_or_add_rPr(), LANGUAGE)
    if page:
        for section in document.sections:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Cm(21), Cm(29.7)
            for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
                setattr(section, side, Cm(2))
    if NOTE_STYLE not in {s.name for s in document.styles}:
        note = document.styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = document.styles["Normal"]
        note.font.italic = True
        note.font.size = Pt(9)
        note.paragraph_format.space_after = Pt(10)


def _properties(
    document,
    *,
    title: str,
    authority: str | None,
    period: str | None,
    keywords: str,
    when: dt.datetime,
) -> None:
    props = document.core_properties
    props.title = clean_text(title)
    props.author = clean_text(authority or "")
    props.last_modified_by = clean_text(authority or "")
    props.subject = clean_text(period or "")
    props.keywords = clean_text(keywords)
    props.content_status = "Draft"
    props.language = LANGUAGE
    props.category = "Quality assurance report"
    props.comments = ""
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when


def save_docx(document, path: str | Path) -> None:
    """Save a Word document with every zip entry dated as its core properties say.

    The same content therefore gives the same bytes on every run.
    """
    when = document.core_properties.modified or DEFAULT_ISSUED
    buffer = io.BytesIO()
    document.part.save(buffer)
    Path(path).write_bytes(_fixed_zip(buffer.getvalue(), when.replace(tzinfo=None)))


def render_docx(
    notebooks: list[tuple[str, nbformat.NotebookNode]],
    *,
    title: str,
    subtitle: str,
    template: Path | None = None,
    authority: str | None = None,
    period: str | None = None,
    issued: dt.date | dt.datetime | None = None,
    keywords: str = "children's services; quality assurance; performance",
    figures: list[dict] | None = None,
    labels: dict[str, str] | None = None,
) -> Document:
    """The editable Word draft: the same narrative, real Word tables, charts with alt text.

    The draft is A4 portrait with 2 cm margins (an authority template keeps its own page
    layout), in British English, with table and Figure titles in the Caption style, table notes
    in the "Table Note" style and header rows that repeat on each page. The returned document's
    ``save`` writes a reproducible file (see :func:`save_docx`).

    Args:
        notebooks: (file name, executed notebook) in reading order.
        title: the report's title (also the document's Title property).
        subtitle: the line under the title.
        template: the authority's own .docx to draft into.
        authority: the authority's name: the document's author.
        period: the period code, e.g. "2026-27-Q2": the document's subject.
        issued: the document's created and modified date (the extract date or the period end),
            fixed so that reruns give identical files; default a fixed date.
        keywords: the document's keywords.
        figures: the pack's Figures (``figures.json``): numbered F1, F2, ... in an evidence
            appendix at the end, which the narrative's citations refer to.
        labels: code -> label for table cells (``layout.reader_labels``).

    The draft opens with a contents list of every heading (levels 1 to 3), each a link; tables
    marked detail are in the appendix of detailed tables, the body keeping a pointer to each.

    Raises:
        TemplateError: the template lacks Heading 1 to 3, Caption or Table Grid.
    """
    refs = {f["id"]: i for i, f in enumerate(figures or [], start=1)}
    document = Document(str(template)) if template else Document()
    if template:
        check_template(document, template)
    _house_layout(document, page=template is None)
    _properties(
        document,
        title=title,
        authority=authority,
        period=period,
        keywords=keywords,
        when=_when(issued),
    )
    _heading(document, title, 0)
    intro = document.add_paragraph(clean_text(subtitle))
    intro.alignment = WD_ALIGN_PARAGRAPH.LEFT
    contents_title = document.add_paragraph()
    contents_title.add_run("Contents").bold = True
    placeholder = document.add_paragraph()
    document._qa_headings = []  # (level, paragraph) of every heading from here on
    view = {"labels": labels or {}, "refs": refs}
    parts, details = arrange(notebooks)
    steps: list[tuple[Block, Detail | None]] = []  # everything after the contents, in order
    steps += [(block, None) for part in parts if not part.appendix for block in part.blocks]
    if details:
        steps.append((Block("heading", APPENDIX_TITLE, {"level": 1}), None))
        steps.append((Block("text", APPENDIX_INTRO, {}), None))
        section = None
        for detail in details:
            if detail.section != section:
                section = detail.section
                steps.append((Block("heading", section, {"level": 2}), None))
            steps.append((detail.block, detail))
    steps += [(block, None) for part in parts if part.appendix for block in part.blocks]
    if figures:
        steps.append(
            (Block("heading", "Evidence appendix: every Figure cited", {"level": 1}), None)
        )
        rows = []
        for f in figures:
            fig = _figure(f)
            rows.append(
                [f"F{refs[f['id']]}", fig.label, format_value(fig), _interval(fig), _change(fig)]
            )
        header = ["Ref", "Measure", "Value", "95% interval", "Change"]
        title = "Figures of this report, numbered as the text cites them"
        steps.append((Block("grid", (header, rows), {"title": title}), None))
    _write_steps(document, steps, view)
    word_contents(document, placeholder)
    document.save = functools.partial(save_docx, document)  # reruns give identical bytes
    return document


APPENDIX_INTRO = (
    "The detail behind the body of the report: longer tables and lists of records, "
    "numbered as the body points to them. Every table is also in tables.xlsx."
)


def _table_plan(block: Block, view: dict) -> tuple[word_table.Plan, list[str]]:
    """A table or Figure list as the draft shows it, and the notes under it."""
    if block.kind == "grid":
        return word_table.plan(*block.content), []
    if block.kind == "figures":
        rows = []
        for f in block.content:
            fig = _figure(f)
            rows.append([fig.label, format_value(fig), _interval(fig), _change(fig)])
        return word_table.plan(["Measure", "Value", "95% interval", "Change"], rows), []
    headings, cells, cut = shown_table(block, view)
    notes = [n for n in (cut, block.meta.get("note")) if n]
    return word_table.plan(headings, cells), notes


def _write_steps(document, steps: list[tuple[Block, Detail | None]], view: dict) -> None:
    """Write the draft's blocks, turning the page where a table needs it.

    A table too wide for a portrait page starts landscape pages (with its caption); they go on
    through what follows until a heading whose next table fits a portrait page, where portrait
    pages start again. So a run of wide tables and the readings between them share landscape
    pages, and each new subsection of narrative starts on portrait ones.
    """
    portrait = word_table.portrait_width(document)
    plans, needs = {}, []
    for i, (block, _) in enumerate(steps):
        if block.kind in ("table", "figures", "grid"):
            plans[i] = _table_plan(block, view)
            needs.append("narrow" if plans[i][0].fits(portrait) else "wide")
        elif block.kind == "heading" or (
            block.kind == "markdown" and block.content.lstrip().startswith("#")
        ):
            needs.append("heading")
        else:
            needs.append("")
    for i, (block, detail) in enumerate(steps):
        if needs[i] == "wide":
            word_table.orient(document, landscape=True)
        elif needs[i] == "heading" and word_table.is_landscape(document):
            ahead = next((n for n in needs[i + 1 :] if n in ("narrow", "wide")), "narrow")
            if ahead != "wide":
                word_table.orient(document, landscape=False)
        _docx_block(document, block, view["refs"], detail, plans.get(i))


def _docx_block(document, block: Block, refs: dict, detail: Detail | None, table=None) -> None:
    """One block of a notebook as Word content (a detail table under its appendix caption);
    ``table``: a table's plan and notes (:func:`_table_plan`)."""
    if block.kind == "markdown":
        _add_markdown(document, block.content, refs)
    elif block.kind == "heading":
        _heading(document, block.content, block.meta["level"])
    elif block.kind == "text":
        document.add_paragraph(clean_text(block.content))
    elif block.kind == "pointer":
        paragraph = _paragraph(document, style=NOTE_STYLE)
        paragraph.add_run("In the appendix: ")
        for i, moved in enumerate(block.content):
            internal_link(paragraph, moved.label, bookmark_name(moved.anchor))
            paragraph.add_run(f", {clean_text(moved.title)}")
            paragraph.add_run("; " if i < len(block.content) - 1 else ".")
    elif block.kind in ("table", "figures", "grid"):
        plan, notes = table
        caption = _detail_caption(detail) if detail else block.meta.get("title", "")

        def captions(part: int, parts: int) -> None:
            if not caption and block.kind == "figures":
                return
            # "part 2", never "2 of 3": a public pack states no count from 1 to 5
            text = caption if part == 0 else f"{caption} (continued: part {part + 1}, more columns)"
            paragraph = _paragraph(document, clean_text(text), style="Caption")
            if detail and part == 0:
                bookmark(paragraph, bookmark_name(detail.anchor))

        _place(document, plan, captions)
        for note in notes:
            _paragraph(document, clean_text(note), style=NOTE_STYLE)
    elif block.kind == "image":
        data = re.sub(r"\s+", "", "".join(block.content))
        if not _BASE64.match(data):
            _paragraph(
                document, "[Chart not shown: its image data was not valid.]", style=NOTE_STYLE
            )
            return
        run = document.add_paragraph().add_run()
        picture = run.add_picture(io.BytesIO(base64.b64decode(data)), width=Cm(16))
        picture._inline.docPr.set("descr", clean_text(block.meta.get("alt", "")))
        picture._inline.docPr.set("title", clean_text(block.meta.get("name", "")))
