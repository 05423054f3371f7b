"""Rendering a pack: self-contained HTML, an editable Word draft and tables.xlsx.

All three are built from the same executed notebooks (the blocks of ``collect``), never from the
HTML the notebooks displayed, so every value that came from an input or from ``la.yaml`` passes
through this module's escaping: table cells and headings, narrative Markdown (raw HTML in it is
shown as text), notes, captions, alt text, headings and the contents list. The HTML fetches
nothing and runs nothing: a Content-Security-Policy forbids scripts and every external load, and
images are embedded as data: URIs. Spreadsheet cells that a spreadsheet would read as formulas
are stored as text. Word and Excel files carry fixed document dates and zip timestamps, so two
renders of the same notebooks are byte-identical.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import functools
import hashlib
import io
import re
import zipfile
from pathlib import Path

import mistune
import nbformat
import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter

from ..figures import Figure, format_value
from ..session import _change, _interval
from .collect import Block
from .contents import bookmark, bookmark_name, html_contents, internal_link, word_contents
from .layout import (
    APPENDIX_ANCHOR,
    APPENDIX_TITLE,
    Detail,
    arrange,
    draft_rows,
    in_words,
    reader_frame,
)
from .safe_text import (
    clean_text,
    display_value,
    heading,
    html_text,
    is_formula_like,
    is_missing,
    iso_date,
)

CSS = """
body { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; max-width: 62rem; margin: 0 auto;
       padding: 1.5rem 2rem 4rem; line-height: 1.5; }
header.qa { border-bottom: 4px solid #0072B2; margin-bottom: 1.5rem; }
header.qa .meta { color: #555; font-size: 0.9rem; }
nav.qa > ol { columns: 2; font-size: 0.95rem; }
nav.qa ol ol { font-size: 0.88rem; padding-left: 1.1rem; list-style: none; }
nav.qa li { break-inside: avoid; }
.qa-pointer { color: #333; font-size: 0.9rem; border-left: 3px solid #0072B2; padding-left: 0.6rem; }
section.qa-section { border-top: 1px solid #ccc; margin-top: 2.5rem; padding-top: 0.5rem; }
h1 { font-size: 1.7rem; } h2 { font-size: 1.35rem; color: #0b3d62; } h3 { font-size: 1.1rem; }
.anchor-link { display: none; }
table { border-collapse: collapse; margin: 0.6rem 0 1.2rem; font-size: 0.88rem; display: block;
        overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
thead th { background: #eef3f8; }
caption, .qa-caption { font-weight: bold; text-align: left; margin: 0.8rem 0 0.2rem; }
.qa-note { color: #555; font-size: 0.85rem; }
img { max-width: 100%; height: auto; }
.output_stderr, .output_error { display: none; }
a[href^="#figure-"] { color: #0b5394; }
.audience { display: inline-block; background: #fff3cd; border: 1px solid #e0c060; padding: 0.1rem 0.5rem;
            border-radius: 0.3rem; font-size: 0.85rem; }
"""


CSP = (
    "default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; connect-src 'none'; font-src 'none'; img-src data:; "
    f"style-src 'sha256-{base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()}'"
)
LANGUAGE = "en-GB"
# A fixed document date when the caller gives none: a rerun must not change the file.
DEFAULT_ISSUED = dt.datetime(2000, 1, 1)
# Word styles the draft cannot do without; a template lacking one stops the run.
REQUIRED_STYLES = ("Heading 1", "Heading 2", "Heading 3", "Caption", "Table Grid")
NOTE_STYLE = "Table Note"
# Excel holds at most 32,767 characters in a cell.
EXCEL_CELL_LIMIT = 32_000
EXCEL_WIDTH = (8, 60)  # narrowest and widest column, in characters
EXCEL_WIDTH_SAMPLE = 500  # rows read to size a column
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


class TemplateError(ValueError):
    """The authority's Word template lacks styles the draft needs (the run stops, exit code 2)."""


# ------------------------------------------------------------------------------------ HTML


class _SafeRenderer(mistune.HTMLRenderer):
    """Markdown as HTML with raw HTML escaped and images only from embedded data."""

    def image(self, text: str, url: str, title: str | None = None) -> str:
        if not url.startswith("data:image/"):
            return html_text(text)  # an external picture would be a load: its alt text instead
        return super().image(text, url, title)


@functools.cache
def _markdown() -> mistune.Markdown:
    return mistune.create_markdown(
        renderer=_SafeRenderer(escape=True), plugins=["table", "strikethrough"]
    )


def markdown_html(text: str) -> str:
    """Narrative Markdown as HTML; any HTML written in it is shown as text, never run."""
    return _markdown()(clean_text(text))


def _figure(payload: dict) -> Figure:
    return Figure(**{k: payload.get(k) for k in Figure.__dataclass_fields__ if k in payload})


def _figures_html(block: Block, caption: str | None = None, anchor: str = "") -> str:
    rows = "".join(
        f"<tr><td>{html_text(fig.label)}</td><td>{html_text(format_value(fig))}</td>"
        f"<td>{html_text(_interval(fig))}</td><td>{html_text(_change(fig))}</td></tr>"
        for fig in (_figure(f) for f in block.content)
    )
    title = block.meta.get("title") if caption is None else caption
    caption = f"<caption>{html_text(title)}</caption>" if title else ""
    ident = f" id='{html_text(anchor)}'" if anchor else ""
    return (
        f"<table class='qa-figures'{ident}>{caption}<thead><tr><th>Measure</th><th>Value</th>"
        f"<th>95% interval</th><th>Change</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _table_html(block: Block, view: dict, caption: str | None = None, anchor: str = "") -> str:
    percent = set(block.meta.get("percent_columns", []))
    rows, cut = draft_rows(block.content)
    frame = reader_frame(rows, percent=percent, **view)
    head = "".join(f"<th>{html_text(heading(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{html_text(display_value(v, column=c, percent=c in percent))}</td>"
            for c, v in zip(frame.columns, record, strict=True)
        )
        + "</tr>"
        for record in frame.itertuples(index=False)
    )
    notes = [n for n in (cut, block.meta.get("note")) if n]
    caption = block.meta.get("title", "") if caption is None else caption
    ident = f" id='{html_text(anchor)}'" if anchor else ""
    return (
        f"<table class='qa-table'{ident}><caption>{html_text(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        + "".join(f"<p class='qa-note'>{html_text(n)}</p>" for n in notes)
    )


def _image_html(block: Block) -> str:
    data = re.sub(r"\s+", "", "".join(block.content))
    alt = html_text(block.meta.get("alt", ""))
    if not _BASE64.match(data):
        return f"<p class='qa-note'>[Chart not shown: its image data was not valid.] {alt}</p>"
    return f'<figure><img src="data:image/png;base64,{data}" alt="{alt}"></figure>'


def _block_html(block: Block, view: dict) -> str:
    if block.kind == "markdown":
        return markdown_html(block.content)
    if block.kind == "figures":
        return _figures_html(block)
    if block.kind == "table":
        return _table_html(block, view)
    if block.kind == "image":
        return _image_html(block)
    if block.kind == "pointer":
        links = "; ".join(
            f"<a href='#{d.anchor}'>{html_text(d.label)}</a>, {html_text(d.title)}"
            for d in block.content
        )
        return f"<p class='qa-pointer'>In the appendix: {links}.</p>"
    return ""


def _detail_caption(detail: Detail) -> str:
    return f"{detail.label}. {detail.title}" if detail.title else detail.label


def appendix_html(details: list[Detail], view: dict) -> str:
    """The appendix of detailed tables, grouped under the section each came from."""
    if not details:
        return ""
    out, section = [], None
    for detail in details:
        if detail.section != section:
            section = detail.section
            out.append(f"<h2>{html_text(section)}</h2>")
        caption = _detail_caption(detail)
        if detail.block.kind == "figures":
            out.append(_figures_html(detail.block, caption, detail.anchor))
        else:
            out.append(_table_html(detail.block, view, caption, detail.anchor))
    return (
        f"<section class='qa-section' id='{APPENDIX_ANCHOR}'><h1>{html_text(APPENDIX_TITLE)}</h1>"
        "<p>The detail behind the body of the report: longer tables and lists of records, "
        "numbered as the body points to them. Every table is also in tables.xlsx.</p>"
        + "".join(out)
        + "</section>"
    )


def evidence_appendix_html(figures: list[dict]) -> str:
    """The evidence appendix: one anchored row per Figure (value, count, interval, comparison)."""
    rows = []
    for number, f in enumerate(figures, start=1):
        fig = _figure(f)
        comparison = ""
        comp = f.get("comparison") or {}
        if comp.get("value") is not None:
            value = comp["value"]
            shown = f"{100 * value:.0f}%" if f.get("unit") == "percent" else f"{value:,.4g}"
            comparison = f"{comp.get('label', '')} {comp.get('period', '') or ''}: {shown}"
        rows.append(
            f"<tr id='figure-{html_text(f['id'])}'><td>F{number}</td>"
            f"<td>{html_text(f.get('label', ''))}</td><td>{html_text(format_value(fig))}</td>"
            f"<td>{html_text(_interval(fig))}</td><td>{html_text(comparison)}</td>"
            f"<td>{html_text((f.get('direction') or '').replace('_', ' '))}</td>"
            f"<td>{html_text(in_words(f.get('source') or ''))}</td>"
            f"<td>{html_text(f.get('period') or '')}</td></tr>"
        )
    return (
        "<section class='qa-section' id='evidence-appendix'><h1>Evidence appendix</h1>"
        "<p>Every figure the report states, with its count, 95% interval, comparison and source. "
        "Links in the text lead here.</p><table><thead><tr><th>Ref</th><th>Measure</th><th>Value</th>"
        "<th>95% interval</th><th>Compared with</th><th>Direction</th><th>Source</th><th>Period</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )


def render_html(
    notebooks: list[tuple[str, nbformat.NotebookNode]],
    *,
    title: str,
    subtitle: str,
    audience: str,
    figures: list[dict],
    labels: dict[str, str] | None = None,
) -> str:
    """One self-contained HTML page: the contents, a section per notebook (its body), the
    appendix of detailed tables, then the evidence appendix.

    Built from the notebooks' recorded content (``collect.blocks``), laid out by
    ``layout.arrange`` (tables marked detail move to the appendix), with every value escaped;
    table cells show labels for codes (``labels``: ``layout.reader_labels``) and Figure numbers
    for Figure ids. The contents list every heading of levels 1 to 3. The page carries a
    Content-Security-Policy that forbids scripts and external loads.
    """
    refs = {f["id"]: i for i, f in enumerate(figures, start=1)}
    view = {"labels": labels or {}, "refs": refs}
    parts, details = arrange(notebooks)
    sections = {True: [], False: []}
    for part in parts:
        anchor = f"section-{html_text(re.sub(r'[^A-Za-z0-9_-]', '_', part.name))}"
        body = "\n".join(_block_html(block, view) for block in part.blocks)
        sections[part.appendix].append(
            f"<section class='qa-section' id='{anchor}'>{body}</section>"
        )
    content, contents = html_contents(
        "\n".join(sections[False])
        + appendix_html(details, view)
        + "\n".join(sections[True])
        + evidence_appendix_html(figures)
    )
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        "<meta name='referrer' content='no-referrer'>"
        f"<title>{html_text(title)}</title><style>{CSS}</style></head><body>"
        f"<header class='qa'><h1>{html_text(title)}</h1><p class='meta'>{html_text(subtitle)} "
        f"<span class='audience'>Audience: {html_text(audience)}</span></p></header>"
        f"<nav class='qa'><h2>Contents</h2>{contents}</nav>" + content + "</body></html>"
    )


# ------------------------------------------------------------------------------------ files


def _fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every entry dated ``when`` and stored in the same way, so reruns match."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _when(issued: dt.date | dt.datetime | None) -> dt.datetime:
    if issued is None:
        return DEFAULT_ISSUED
    # a plain datetime, whole seconds, whatever came in (date, datetime, pandas Timestamp)
    parts = [getattr(issued, name, 0) for name in ("hour", "minute", "second")]
    return dt.datetime(issued.year, issued.month, issued.day, *parts)


# ------------------------------------------------------------------------------------ Word

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
    paragraph = document.add_paragraph(style=style)
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
                _add_inline(document.add_paragraph(style=_style(document, style)), item, refs)
            continue
        if lines[0].lstrip().startswith("|"):
            _add_pipe_table(document, lines)
            continue
        if heading_match:
            _heading(document, heading_match[2].strip(), min(len(heading_match[1]), 4))
            lines = lines[1:]
        _add_inline(document.add_paragraph(), " ".join(line.strip() for line in lines), refs)


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


def _caption(document, text: str) -> None:
    document.add_paragraph(clean_text(text), style="Caption")


def _word_table(document, header: list[str], rows: list[list[str]]) -> None:
    """A Word table whose header row repeats on every page.

    The body rows copy the XML of one row built by python-docx and set each cell's text, which is
    the same document as building every cell through python-docx, many times faster (a large
    authority's draft holds some 40,000 cells). A value that python-docx writes otherwise (with
    tabs, line breaks or spaces at either end) and a short row are still built by python-docx.
    """
    table = document.add_table(rows=1, cols=len(header))
    table.style = _style(document, "Light Grid Accent 1") or "Table Grid"
    first = table.rows[0]
    properties = first._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for cell, text in zip(first.cells, header, strict=True):
        cell.text = clean_text(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _small_runs(first)
    model = None
    for values in rows:
        texts = ["" if value is None else clean_text(value) for value in values]
        if len(texts) >= len(header) and all(map(_plain_cell_text, texts[: len(header)])):
            if model is None:  # one row built as python-docx builds it, then copied
                model = table.add_row()
                for cell in model.cells:
                    cell.text = "x"
                _small_runs(model)
                model._tr.getparent().remove(model._tr)
            tr = copy.deepcopy(model._tr)
            for t, text in zip(list(tr.iter(qn("w:t"))), texts, strict=False):
                if text:
                    t.text = text
                else:  # python-docx leaves a blank cell's run without text
                    t.getparent().remove(t)
            table._tbl.append(tr)
        else:
            row = table.add_row()
            for cell, text in zip(row.cells, texts, strict=False):
                cell.text = text
            _small_runs(row)


def _plain_cell_text(text: str) -> bool:
    """Whether python-docx writes ``text`` as one ``w:t`` element (none when blank), nothing else."""
    return text == text.strip() and not any(c in text for c in "\t\r\n")


def _small_runs(row) -> None:
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(8.5)


def _frame_rows(frame: pd.DataFrame, percent_columns: list[str]) -> list[list[str]]:
    percent = set(percent_columns)
    return [
        [
            display_value(v, column=c, percent=c in percent)
            for c, v in zip(frame.columns, record, strict=True)
        ]
        for record in frame.itertuples(index=False)
    ]


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
    for part in parts:
        if not part.appendix:
            for block in part.blocks:
                _docx_block(document, block, refs, view)
    if details:
        _heading(document, APPENDIX_TITLE, 1)
        document.add_paragraph(
            "The detail behind the body of the report: longer tables and lists of records, "
            "numbered as the body points to them. Every table is also in tables.xlsx."
        )
        section = None
        for detail in details:
            if detail.section != section:
                section = detail.section
                _heading(document, section, 2)
            _docx_block(document, detail.block, refs, view, detail=detail)
    for part in parts:
        if part.appendix:
            for block in part.blocks:
                _docx_block(document, block, refs, view)
    if figures:
        _heading(document, "Evidence appendix: every Figure cited", 1)
        rows = []
        for f in figures:
            fig = _figure(f)
            rows.append(
                [f"F{refs[f['id']]}", fig.label, format_value(fig), _interval(fig), _change(fig)]
            )
        _caption(document, "Figures of this report, numbered as the text cites them")
        _word_table(document, ["Ref", "Measure", "Value", "95% interval", "Change"], rows)
    word_contents(document, placeholder)
    document.save = functools.partial(save_docx, document)  # reruns give identical bytes
    return document


def _docx_block(document, block: Block, refs: dict, view: dict, detail: Detail | None = None):
    """One block of a notebook as Word content (a detail table under its appendix caption)."""
    if block.kind == "markdown":
        _add_markdown(document, block.content, refs)
    elif block.kind == "pointer":
        paragraph = document.add_paragraph(style=NOTE_STYLE)
        paragraph.add_run("In the appendix: ")
        for i, moved in enumerate(block.content):
            internal_link(paragraph, moved.label, bookmark_name(moved.anchor))
            paragraph.add_run(f", {clean_text(moved.title)}")
            paragraph.add_run("; " if i < len(block.content) - 1 else ".")
    elif block.kind == "table":
        caption = _detail_caption(detail) if detail else block.meta.get("title", "")
        paragraph = document.add_paragraph(clean_text(caption), style="Caption")
        if detail:
            bookmark(paragraph, bookmark_name(detail.anchor))
        percent = block.meta.get("percent_columns", [])
        rows, cut = draft_rows(block.content)
        frame = reader_frame(rows, percent=percent, **view)
        percent = [c for c in percent if c in frame.columns]
        _word_table(document, [heading(c) for c in frame.columns], _frame_rows(frame, percent))
        for note in (cut, block.meta.get("note")):
            if note:
                document.add_paragraph(clean_text(note), style=NOTE_STYLE)
    elif block.kind == "figures":
        caption = _detail_caption(detail) if detail else block.meta.get("title")
        if caption:
            paragraph = document.add_paragraph(clean_text(caption), style="Caption")
            if detail:
                bookmark(paragraph, bookmark_name(detail.anchor))
        rows = []
        for f in block.content:
            fig = _figure(f)
            rows.append([fig.label, format_value(fig), _interval(fig), _change(fig)])
        _word_table(document, ["Measure", "Value", "95% interval", "Change"], rows)
    elif block.kind == "image":
        data = re.sub(r"\s+", "", "".join(block.content))
        if not _BASE64.match(data):
            document.add_paragraph(
                "[Chart not shown: its image data was not valid.]", style=NOTE_STYLE
            )
            return
        run = document.add_paragraph().add_run()
        picture = run.add_picture(io.BytesIO(base64.b64decode(data)), width=Cm(16))
        picture._inline.docPr.set("descr", clean_text(block.meta.get("alt", "")))
        picture._inline.docPr.set("title", clean_text(block.meta.get("name", "")))


# ------------------------------------------------------------------------------------ Excel

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF3F8")
FORMATS = {
    "percent": "0%",
    "count": "#,##0",
    "number": "#,##0.0#",
    "date": "dd/mm/yyyy",
    "month": "mmm yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
    "year": "0",
    "p_value": "0.000",
}


def _cell_value(value, *, column: str, percent: bool) -> tuple[object, str | None, str]:
    """(value to store, number format, text a reader sees) for one table cell."""
    if is_missing(value):
        return None, None, ""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    shown = display_value(value, column=column, percent=percent)
    if isinstance(value, bool):
        return value, None, shown
    if isinstance(value, str):
        when = iso_date(value)
        if when is not None:
            if column == "month" or column.endswith("_month"):
                return when, FORMATS["month"], shown
            timed = when.hour or when.minute or when.second
            return when, FORMATS["datetime" if timed else "date"], shown
        text = clean_text(value)
        if len(text) > EXCEL_CELL_LIMIT:
            text = text[:EXCEL_CELL_LIMIT] + " [cut: longer than a spreadsheet cell holds]"
        return text, None, shown
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not pd.notna(value):
            return None, None, ""
        if percent:
            return value, FORMATS["percent"], shown
        if column == "year" or column.endswith("_year"):
            return value, FORMATS["year"], shown
        if column == "p_value" or column.endswith("_p"):
            return value, FORMATS["p_value"], shown
        whole = float(value).is_integer()
        return value, FORMATS["count" if whole else "number"], shown
    return clean_text(value), None, shown


def _put(sheet, row: int, column: int, value, number_format: str | None = None):
    """Write a cell; text that would be read as a formula is stored as text, shown as typed."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    return cell


def _grid(sheet, header: list[str], rows: list[list[tuple[object, str | None, str]]]) -> None:
    """Header row (bold, frozen, filtered) and rows; widths fitted to what a reader sees."""
    widths = [len(h) for h in header]
    for j, text in enumerate(header, start=1):
        cell = _put(sheet, 1, j, clean_text(text))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(rows, start=2):
        for j, (value, number_format, shown) in enumerate(row, start=1):
            _put(sheet, i, j, value, number_format)
            if i - 2 < EXCEL_WIDTH_SAMPLE:
                widths[j - 1] = max(widths[j - 1], len(shown))
    for j, width in enumerate(widths, start=1):
        narrow, wide = EXCEL_WIDTH
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, narrow), wide)
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows) + 1, 1)}"


def _figure_rows(figures: list[dict]) -> tuple[list[str], list[list[tuple]]]:
    header = [
        "ID",
        "Measure",
        "Value",
        "Shown as",
        "Number",
        "Out of",
        "95% interval low",
        "95% interval high",
        "Unit",
        "Period",
        "Compared with",
        "Comparison period",
        "Comparison value",
        "Direction",
        "Significant",
        "Source",
        "Theme",
        "Suppressed",
        "Note",
    ]
    rows = []
    for f in figures:
        percent = f.get("unit") == "percent"
        comp = f.get("comparison") or {}

        def number(value, percent=percent, column=""):
            return _cell_value(value, column=column, percent=percent)

        def text(value):
            return _cell_value("" if value is None else str(value), column="", percent=False)

        rows.append(
            [
                text(f.get("id")),
                text(f.get("label")),
                number(f.get("value")),
                text(format_value(_figure(f))),
                number(f.get("numerator"), False),
                number(f.get("denominator"), False),
                number(f.get("ci_low")),
                number(f.get("ci_high")),
                text(f.get("unit")),
                text(f.get("period")),
                text(comp.get("label")),
                text(comp.get("period")),
                number(comp.get("value")),
                text((f.get("direction") or "").replace("_", " ")),
                _cell_value(bool(f.get("significant")), column="", percent=False),
                text(f.get("source")),
                text(f.get("theme")),
                _cell_value(bool(f.get("suppressed")), column="", percent=False),
                text(f.get("note")),
            ]
        )
    return header, rows


def _sheet_namer():
    used: set[str] = set()

    def name(wanted: str) -> str:
        base = re.sub(r"[\[\]:*?/\\']", "_", clean_text(wanted)).strip() or "table"
        base = base[:31]
        candidate, i = base, 2
        while candidate.lower() in used:
            suffix = f"_{i}"
            candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
        used.add(candidate.lower())
        return candidate

    return name


def write_xlsx(
    path: Path,
    tables: list[tuple[str, str, pd.DataFrame]],
    figures: list[dict],
    *,
    title: str = "Tables behind the report",
    authority: str | None = None,
    period: str | None = None,
    issued: dt.date | dt.datetime | None = None,
    percent_columns: dict[str, list[str]] | None = None,
) -> None:
    """``tables.xlsx``: a contents sheet, every table on its own sheet, and the Figures.

    Each sheet has readable headers, a frozen header row, a filter and fitted column widths;
    numbers stay numbers (counts ``#,##0``, shares ``0%``), ISO dates become real dates shown
    ``dd/mm/yyyy``, and text a spreadsheet would read as a formula is stored as text. The
    contents sheet links to every sheet. The workbook's dates and zip timestamps are fixed
    (``issued``), so reruns give identical bytes.

    Args:
        path: where to write.
        tables: (name, title, frame) of every table, in reading order (``collect.tables_of``).
        figures: every Figure (``collect.figures_of``).
        title: the workbook's title property.
        authority: the authority's name (the workbook's author).
        period: the period code (the workbook's subject).
        issued: the workbook's created and modified date; default a fixed date.
        percent_columns: table name -> its columns holding fractions (default: the frame's
            ``attrs["percent_columns"]``, else the columns ending ``_pct``, ``_ci_low`` or
            ``_ci_high``).
    """
    percent_columns = percent_columns or {}
    name_for = _sheet_namer()
    contents_name, figures_name = name_for("contents"), name_for("figures")
    named = [(name_for(n), n, t, f) for n, t, f in tables]
    workbook = Workbook()
    contents = workbook.active
    contents.title = contents_name
    listing = [(sheet, t) for sheet, _, t, _ in named]
    listing.append((figures_name, "Every Figure stated in the report, with its definition"))
    rows = [
        [_cell_value(sheet, column="", percent=False), _cell_value(t, column="", percent=False)]
        for sheet, t in listing
    ]
    _grid(contents, ["Sheet", "Table"], rows)
    for i, (sheet, _) in enumerate(listing, start=2):
        cell = contents.cell(row=i, column=1)
        cell.hyperlink = Hyperlink(
            ref=cell.coordinate, location=f"'{sheet}'!A1", tooltip=f"Go to {sheet}"
        )
        cell.style = "Hyperlink"
    for sheet_name, name, _, frame in named:
        sheet = workbook.create_sheet(sheet_name)
        percent = set(percent_columns.get(name, frame.attrs.get("percent_columns", []))) or {
            str(c) for c in frame.columns if str(c).endswith(("_pct", "_ci_low", "_ci_high"))
        }
        columns = [str(c) for c in frame.columns]
        rows = [
            [
                _cell_value(v, column=c, percent=c in percent)
                for c, v in zip(columns, record, strict=True)
            ]
            for record in frame.itertuples(index=False)
        ]
        _grid(sheet, [heading(c) for c in columns], rows)
    header, rows = _figure_rows(figures)
    _grid(workbook.create_sheet(figures_name), header, rows)
    when = _when(issued)
    props = workbook.properties
    props.title = clean_text(title)
    props.creator = props.lastModifiedBy = clean_text(authority or "qaanalysis")
    props.subject = clean_text(period or "")
    props.created = props.modified = when
    buffer = io.BytesIO()
    # openpyxl's save() stamps "modified" with the clock; its writer keeps the date given
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    Path(path).write_bytes(_fixed_zip(buffer.getvalue(), when))
