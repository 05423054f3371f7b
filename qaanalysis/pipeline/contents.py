"""The contents list of a pack: every heading of levels 1 to 3, linked, in HTML and in Word.

HTML headings gain an ``id`` and the list nests by level; in Word each heading gains a bookmark and
the list is written as linked lines (indented by level) where the renderer left a placeholder, so
the contents read correctly without Word updating a field. Internal Word links (to a bookmark) are
also used for the body's pointers to the appendix of detailed tables.
"""

from __future__ import annotations

import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .safe_text import clean_text

_HEADING = re.compile(r"<h([1-3])>(.*?)</h\1>", re.DOTALL)


def html_contents(html_parts: str) -> tuple[str, str]:
    """Every heading of levels 1 to 3 given an anchor, and the nested contents list."""
    entries: list[tuple[int, str, str]] = []

    def anchor(match: re.Match) -> str:
        level, inner = int(match[1]), match[2]
        ident = f"h-{len(entries) + 1}"
        entries.append((level, ident, re.sub(r"<[^>]+>", "", inner)))
        return f"<h{level} id='{ident}'>{inner}</h{level}>"

    body = _HEADING.sub(anchor, html_parts)
    out, depth = [], 0
    for level, ident, text in entries:
        level = min(level, depth + 1)  # a heading two levels down nests one level only
        while depth < level:
            out.append("<ol>")
            depth += 1
        while depth > level:
            out.append("</li></ol>")
            depth -= 1
        if out and out[-1] != "<ol>":
            out.append("</li>")
        out.append(f"<li><a href='#{ident}'>{text}</a>")
    while depth > 0:
        out.append("</li></ol>")
        depth -= 1
    return body, "".join(out)


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name (a letter first, letters, digits and underscores, 40 at most)."""
    return ("_qa_" + re.sub(r"[^A-Za-z0-9_]", "_", anchor))[:40]


def bookmark(paragraph, name: str) -> None:
    """A bookmark around the whole of ``paragraph``."""
    document_ids = paragraph.part.__dict__.setdefault("_qa_bookmarks", [0])
    document_ids[0] += 1
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(document_ids[0]))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(document_ids[0]))
    p = paragraph._p
    if p.pPr is not None:
        p.pPr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def internal_link(paragraph, text: str, bookmark: str) -> None:
    """A link within the document (to a bookmark), shown blue and underlined."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), bookmark)
    link.set(qn("w:history"), "1")
    run, properties = OxmlElement("w:r"), OxmlElement("w:rPr")
    colour, underline = OxmlElement("w:color"), OxmlElement("w:u")
    colour.set(qn("w:val"), "0563C1")
    underline.set(qn("w:val"), "single")
    properties.append(colour)
    properties.append(underline)
    words = OxmlElement("w:t")
    words.text = clean_text(text)
    words.set(qn("xml:space"), "preserve")
    run.append(properties)
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def word_contents(document, placeholder) -> None:
    """The contents list, written where ``placeholder`` stands: a linked line per heading."""
    for number, (level, paragraph) in enumerate(document._qa_headings, start=1):
        name = bookmark_name(f"h{number}")
        bookmark(paragraph, name)
        entry = placeholder.insert_paragraph_before()
        entry.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        entry.paragraph_format.space_after = Pt(0)
        internal_link(entry, paragraph.text, name)
    placeholder._p.getparent().remove(placeholder._p)
