"""Rendering a pack: self-contained HTML, an editable Word draft and tables.xlsx.

All three are built from the same executed notebooks, so they carry the same narrative, Figures,
tables and charts. The HTML fetches nothing: styles are inline, images embedded, no scripts.
"""

from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path

import nbformat
import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from nbconvert import HTMLExporter

from ..figures import Figure, format_value
from ..session import humanise
from .collect import blocks

CSS = """
body { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; max-width: 62rem; margin: 0 auto;
       padding: 1.5rem 2rem 4rem; line-height: 1.5; }
header.qa { border-bottom: 4px solid #0072B2; margin-bottom: 1.5rem; }
header.qa .meta { color: #555; font-size: 0.9rem; }
nav.qa ol { columns: 2; font-size: 0.95rem; }
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

_EXPORTER = None


def _exporter() -> HTMLExporter:
    global _EXPORTER
    if _EXPORTER is None:
        _EXPORTER = HTMLExporter(
            template_name="basic", exclude_input=True, exclude_input_prompt=True,
            exclude_output_prompt=True,
        )  # fmt: skip
    return _EXPORTER


def _strip_hidden(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without parameter cells, hidden cells, errors or stray text outputs."""
    nb = nbformat.from_dict(notebook)
    kept = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if {"parameters", "injected-parameters", "hide"} & set(tags):
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if _is_content(o)]
        kept.append(cell)
    nb.cells = kept
    return nb


def _is_content(output: dict) -> bool:
    """Displayed content only: not errors, printed text or a cell's bare return value."""
    kind = output.get("output_type")
    if kind == "display_data":
        return True
    return kind == "execute_result" and set(output.get("data", {})) - {"text/plain"} != set()


def _title_of(notebook: nbformat.NotebookNode, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match[1].strip()
    return fallback


def evidence_appendix_html(figures: list[dict]) -> str:
    """The evidence appendix: one anchored row per Figure (value, count, interval, comparison)."""
    rows = []
    for f in figures:
        fig = Figure(**{k: f.get(k) for k in Figure.__dataclass_fields__ if k in f})
        interval = ""
        if f.get("ci_low") is not None and f.get("unit") == "percent":
            interval = f"{100 * f['ci_low']:.0f}% to {100 * f['ci_high']:.0f}%"
        comparison = ""
        comp = f.get("comparison") or {}
        if comp.get("value") is not None:
            value = comp["value"]
            shown = f"{100 * value:.0f}%" if f.get("unit") == "percent" else f"{value:,.4g}"
            comparison = f"{comp.get('label', '')} {comp.get('period', '') or ''}: {shown}"
        rows.append(
            f"<tr id='figure-{html.escape(f['id'])}'><td><code>{html.escape(f['id'])}</code></td>"
            f"<td>{html.escape(f.get('label', ''))}</td><td>{html.escape(format_value(fig))}</td>"
            f"<td>{interval}</td><td>{html.escape(comparison)}</td>"
            f"<td>{html.escape((f.get('direction') or '').replace('_', ' '))}</td>"
            f"<td>{html.escape(f.get('source') or '')}</td><td>{html.escape(f.get('period') or '')}</td></tr>"
        )
    return (
        "<section class='qa-section' id='evidence-appendix'><h1>Evidence appendix</h1>"
        "<p>Every figure the report states, with its count, 95% interval, comparison and source. "
        "Links in the text lead here.</p><table><thead><tr><th>Id</th><th>Measure</th><th>Value</th>"
        "<th>95% interval</th><th>Compared with</th><th>Direction</th><th>Source</th><th>Period</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )


def render_html(notebooks: list[tuple[str, nbformat.NotebookNode]], *, title: str, subtitle: str,
                audience: str, figures: list[dict]) -> str:  # fmt: skip
    """One self-contained HTML page: a section per notebook, then the evidence appendix."""
    sections, contents = [], []
    for name, notebook in notebooks:
        body, _ = _exporter().from_notebook_node(_strip_hidden(notebook))
        anchor = f"section-{Path(name).stem}"
        contents.append(
            f"<li><a href='#{anchor}'>{html.escape(_title_of(notebook, name))}</a></li>"
        )
        sections.append(f"<section class='qa-section' id='{anchor}'>{body}</section>")
    contents.append("<li><a href='#evidence-appendix'>Evidence appendix</a></li>")
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header class='qa'><h1>{html.escape(title)}</h1><p class='meta'>{html.escape(subtitle)} "
        f"<span class='audience'>Audience: {html.escape(audience)}</span></p></header>"
        f"<nav class='qa'><h2>Contents</h2><ol>{''.join(contents)}</ol></nav>"
        + "".join(sections)
        + evidence_appendix_html(figures)
        + "</body></html>"
    )


# ------------------------------------------------------------------------------------ Word

_LINK = re.compile(r"\[([^\]]+)\]\(#figure-([^)]+)\)")
_EMPHASIS = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*)")


def _add_inline(paragraph, text: str) -> None:
    """Markdown bold and italic as Word runs; figure links as text with the id in brackets."""
    text = _LINK.sub(lambda m: f"{m[1]} [{m[2]}]", text)
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
    try:
        document.add_heading(text, level=level)
    except KeyError:  # an authority's template without heading styles: bold text instead
        document.add_paragraph().add_run(text).bold = True


def _add_markdown(document, text: str) -> None:
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = chunk.splitlines()
        if not lines:
            continue
        heading = re.match(r"^(#{1,4})\s+(.*)$", lines[0])
        if heading and len(lines) == 1:
            _heading(document, heading[2].strip(), min(len(heading[1]), 4))
            continue
        if all(re.match(r"^\s*([-*]|\d+\.)\s+", line) for line in lines):
            for line in lines:
                numbered = re.match(r"^\s*\d+\.", line)
                style = "List Number" if numbered else "List Bullet"
                item = re.sub(r"^\s*([-*]|\d+\.)\s+", "", line)
                _add_inline(document.add_paragraph(style=_style(document, style)), item)
            continue
        if lines[0].lstrip().startswith("|"):
            _add_pipe_table(document, lines)
            continue
        if heading:
            _heading(document, heading[2].strip(), min(len(heading[1]), 4))
            lines = lines[1:]
        _add_inline(document.add_paragraph(), " ".join(line.strip() for line in lines))


def _style(document, name: str) -> str | None:
    return name if name in [s.name for s in document.styles] else None


def _add_pipe_table(document, lines: list[str]) -> None:
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in lines
        if not re.match(r"^\s*\|?\s*:?-{2,}", line)
    ]
    _word_table(document, rows[0], rows[1:])


def _word_table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    style = _style(document, "Light Grid Accent 1") or _style(document, "Table Grid")
    if style:
        table.style = style
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            cell.text = "" if value is None else str(value)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)


def _frame_rows(frame: pd.DataFrame, percent_columns: list[str]) -> list[list[str]]:
    out = []
    for record in frame.itertuples(index=False):
        row = []
        for column, value in zip(frame.columns, record, strict=True):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                row.append("")
            elif column in percent_columns and isinstance(value, (int, float)):
                row.append(f"{100 * value:.0f}%")
            elif isinstance(value, float):
                row.append(f"{value:,.2f}".rstrip("0").rstrip("."))
            else:
                row.append(str(value))
        out.append(row)
    return out


def render_docx(notebooks: list[tuple[str, nbformat.NotebookNode]], *, title: str, subtitle: str,
                template: Path | None = None) -> Document:  # fmt: skip
    """The editable Word draft: the same narrative, real Word tables, charts with alt text."""
    document = Document(str(template)) if template else Document()
    _heading(document, title, 0)
    intro = document.add_paragraph(subtitle)
    intro.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for _, notebook in notebooks:
        for block in blocks(notebook):
            if block.kind == "markdown":
                _add_markdown(document, block.content)
            elif block.kind == "table":
                document.add_paragraph().add_run(block.meta.get("title", "")).bold = True
                frame = block.content
                _word_table(document, [humanise(c) for c in frame.columns],
                            _frame_rows(frame, block.meta.get("percent_columns", [])))  # fmt: skip
                if block.meta.get("note"):
                    document.add_paragraph(block.meta["note"]).italic = True
            elif block.kind == "figures":
                rows = []
                for f in block.content:
                    fig = Figure(**{k: f.get(k) for k in Figure.__dataclass_fields__ if k in f})
                    rows.append(
                        [f["label"], format_value(fig), f.get("direction", "").replace("_", " ")]
                    )
                _word_table(document, ["Measure", "Value", "Direction"], rows)
            elif block.kind == "image":
                run = document.add_paragraph().add_run()
                picture = run.add_picture(io.BytesIO(base64.b64decode(block.content)), width=Cm(16))
                picture._inline.docPr.set("descr", block.meta.get("alt", ""))
                picture._inline.docPr.set("title", block.meta.get("name", ""))
    return document


# ------------------------------------------------------------------------------------ Excel


def write_xlsx(
    path: Path, tables: list[tuple[str, str, pd.DataFrame]], figures: list[dict]
) -> None:
    """``tables.xlsx``: a contents sheet, every table on its own sheet, and the Figures."""
    used: set[str] = {"contents"}

    def sheet_name(name: str) -> str:
        base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31]
        candidate, i = base, 2
        while candidate.lower() in used:
            suffix = f"_{i}"
            candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
        used.add(candidate.lower())
        return candidate

    contents = []
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        named = [(sheet_name(n), t, f) for n, t, f in tables]
        figures_sheet = sheet_name("figures")
        contents = [{"sheet": s, "table": t} for s, t, _ in named]
        contents.append({"sheet": figures_sheet, "table": "Every Figure stated in the report"})
        pd.DataFrame(contents).to_excel(writer, sheet_name="contents", index=False)
        for sheet, _, frame in named:
            frame.to_excel(writer, sheet_name=sheet, index=False)
        flat = pd.json_normalize(figures) if figures else pd.DataFrame(columns=["id"])
        flat.to_excel(writer, sheet_name=figures_sheet, index=False)
