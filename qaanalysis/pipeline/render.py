"""Rendering a pack: self-contained HTML, an editable Word draft and tables.xlsx.

All three are built from the same executed notebooks (the blocks of ``collect``), never from the
HTML the notebooks displayed, so every value that came from an input or from ``la.yaml`` passes
through this module's escaping: table cells and headings, narrative Markdown (raw HTML in it is
shown as text), notes, captions, alt text, headings and the contents list. The HTML fetches
nothing and runs nothing: a Content-Security-Policy forbids scripts and every external load, and
images are embedded as data: URIs. Spreadsheet cells that a spreadsheet would read as formulas
are stored as text. Word and Excel files carry fixed document dates and zip timestamps, so two
renders of the same notebooks are byte-identical.

This module renders the HTML; the Word draft is built in ``render_word`` and ``tables.xlsx`` in
``render_xlsx`` (their public names are importable from here too).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re

import mistune
import nbformat

from ..figures import format_value
from ..session import _change, _interval
from . import word_table
from .collect import Block
from .contents import html_contents
from .layout import (
    APPENDIX_ANCHOR,
    APPENDIX_TITLE,
    Detail,
    arrange,
    in_words,
)
from .render_base import (
    _BASE64,
    DEFAULT_ISSUED,
    LANGUAGE,
    _detail_caption,
    _figure,
    shown_table,
)
from .render_word import (
    NOTE_STYLE,
    REQUIRED_STYLES,
    TemplateError,
    check_template,
    render_docx,
    save_docx,
)
from .render_xlsx import EXCEL_CELL_LIMIT, write_xlsx
from .safe_text import clean_text, html_text

__all__ = [
    "CSP",
    "CSS",
    "DEFAULT_ISSUED",
    "EXCEL_CELL_LIMIT",
    "LANGUAGE",
    "NOTE_STYLE",
    "REQUIRED_STYLES",
    "TemplateError",
    "appendix_html",
    "check_template",
    "evidence_appendix_html",
    "markdown_html",
    "render_docx",
    "render_html",
    "save_docx",
    "write_xlsx",
]

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
table.qa-table { background: linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 2rem 100%
        no-repeat local, radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.25), rgba(0,0,0,0)) right
        / .8rem 100% no-repeat scroll; }
table.qa-table td:first-child, table.qa-table th:first-child { position: sticky; left: 0; background: #fff; }
table.qa-table thead th:first-child { background: #eef3f8; }
@page { size: A4; margin: 1.5cm; }
@page wide { size: A4 landscape; }
@media print {
  body { max-width: none; padding: 0; }
  table { display: table; overflow: visible; max-width: none; width: 100%; font-size: 7pt; }
  table.qa-table { background: none; }
  table.qa-wide { page: wide; }
  th, td { padding: 0.1rem 0.2rem; overflow-wrap: break-word; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  caption, h2, h3 { break-after: avoid; }
}
.audience { display: inline-block; background: #fff3cd; border: 1px solid #e0c060; padding: 0.1rem 0.5rem;
            border-radius: 0.3rem; font-size: 0.85rem; }
"""


CSP = (
    "default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; connect-src 'none'; font-src 'none'; img-src data:; "
    f"style-src 'sha256-{base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()}'"
)
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
    headings, cells, cut = shown_table(block, view)
    head = "".join(f"<th>{html_text(h)}</th>" for h in headings)
    body = "".join(
        "<tr>" + "".join(f"<td>{html_text(text)}</td>" for text in texts) + "</tr>"
        for texts in cells
    )
    notes = [n for n in (cut, block.meta.get("note")) if n]
    caption = block.meta.get("title", "") if caption is None else caption
    ident = f" id='{html_text(anchor)}'" if anchor else ""
    # a table too wide for a portrait page (as the Word draft measures it) prints on a landscape one
    wide = "" if word_table.plan(headings, cells).fits(word_table.A4_PORTRAIT) else " qa-wide"
    return (
        f"<table class='qa-table{wide}'{ident}><caption>{html_text(caption)}</caption>"
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
