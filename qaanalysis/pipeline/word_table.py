"""Word tables that fit the page: widths from their content, landscape when wide, split when wider.

A table's columns are sized from the text they hold: a column is at least as wide as its longest
word (numbers, dates and headings' words never break) and, room allowing, as wide as its longest
text up to :data:`WRAP_CHARS` characters (longer text wraps). The table is laid out ``fixed`` at
those widths, so Word and LibreOffice draw it as planned and never wider than the page.

When the narrowest layout is wider than an A4 portrait page, the table goes on landscape pages,
where a row of a scorecard still reads as one line. Only when it is too wide even for those is it
split into column groups, each repeating the first, identifying column (the team, KPI or domain),
because a reader can follow a row across two tables but not across a clipped or crushed one.

Every row is kept whole on a page (``w:cantSplit``), the header row repeats on every page
(``w:tblHeader``) and columns of numbers are right-aligned.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from .safe_text import clean_text

# Widths in twentieths of a point (twips, Word's own unit).
CHAR_TWIPS = 90  # one character of 8.5 pt text, a little over its average width
CELL_MARGIN_TWIPS = 57  # each side of a cell (0.1 cm)
CELL_PAD_TWIPS = 2 * CELL_MARGIN_TWIPS + 30  # both margins and the borders
WRAP_CHARS = 40  # a column's text longer than this wraps
WORD_CHARS = 16  # a longer word (a file name, a list of ids) breaks rather than widen its column
FONT_SIZE = Pt(8.5)
A4_PORTRAIT = 9638  # the width between 2 cm margins of an A4 portrait page
_NUMBER = re.compile(r"^(?:[<>]\s?)?[-+\u2212]?\u00a3?\d[\d,]*(?:\.\d+)?%?$")


@dataclass
class Plan:
    """A table's text and what its columns need (in twips)."""

    header: list[str]
    rows: list[list[str]]
    least: list[int]  # the longest word of each column
    wanted: list[int]  # the longest text of each column, up to WRAP_CHARS
    numeric: list[bool]  # every value a number (right-aligned)

    def fits(self, width: int) -> bool:
        return sum(self.least) <= width


def plan(header: list[str], rows: list[list[str]]) -> Plan:
    """What each column of a table needs, from its heading and every cell's text."""
    header = [clean_text(h) for h in header]
    texts = [["" if v is None else clean_text(v) for v in row] for row in rows]
    least, wanted, numeric = [], [], []
    for j, title in enumerate(header):
        column = [row[j] for row in texts if j < len(row)]
        words = [len(w) for text in [title, *column] for w in text.split()]
        longest_word = min(max(words, default=1), WORD_CHARS)
        longest = max((len(t) for t in column), default=0)
        title_word = max((len(w) for w in title.split()), default=1)
        least.append(longest_word * CHAR_TWIPS + CELL_PAD_TWIPS)
        need = max(longest_word, title_word, min(longest, WRAP_CHARS))
        wanted.append(need * CHAR_TWIPS + CELL_PAD_TWIPS)
        filled = [t for t in column if t]
        numeric.append(bool(filled) and all(_NUMBER.match(t) for t in filled))
    return Plan(header, texts, least, wanted, numeric)


def widths(least: list[int], wanted: list[int], width: int) -> list[int]:
    """Column widths that fill ``width``: each column its least, the room left shared out in
    proportion to what each wants beyond it, then any room still left in proportion to width.
    Columns are never narrower than their least (the caller checks that the least fit)."""
    if not least:  # a table without columns
        return []
    room = width - sum(least)
    extra = [w - n for n, w in zip(least, wanted, strict=True)]
    if sum(extra) >= room:
        share = room / sum(extra) if sum(extra) else 0
        out = [n + int(e * share) for n, e in zip(least, extra, strict=True)]
    else:
        spare = room - sum(extra)
        total = sum(wanted)
        out = [w + int(spare * w / total) for w in wanted]
    out[-1] += width - sum(out)  # rounding: the table is exactly ``width`` wide
    return out


def column_groups(table: Plan, width: int) -> list[list[int]]:
    """The columns of a table too wide for ``width``, as groups that each fit: the first column
    in every group, the others in order, as many to a group as fit."""
    groups: list[list[int]] = [[0]]
    for j in range(1, len(table.header)):
        group = groups[-1]
        if len(group) > 1 and sum(table.least[i] for i in [*group, j]) > width:
            groups.append([0, j])
        else:
            group.append(j)
    return groups


def subset(table: Plan, columns: list[int]) -> Plan:
    """The plan of some columns of a table."""
    return Plan(
        [table.header[j] for j in columns],
        [[row[j] if j < len(row) else "" for j in columns] for row in table.rows],
        [table.least[j] for j in columns],
        [table.wanted[j] for j in columns],
        [table.numeric[j] for j in columns],
    )


# ------------------------------------------------------------------------------------ pages


def usable_width(section) -> int:
    """The width between a section's margins, in twips."""
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


def is_landscape(document) -> bool:
    return document.sections[-1].orientation == WD_ORIENT.LANDSCAPE


def landscape_width(document) -> int:
    """The width a table has on a landscape page of this document, in twips."""
    section = document.sections[-1]
    if is_landscape(document):
        return usable_width(section)
    return int((section.page_height - section.left_margin - section.right_margin) / 635)


def portrait_width(document) -> int:
    """The width a table has on a portrait page of this document, in twips."""
    section = document.sections[-1]
    if not is_landscape(document):
        return usable_width(section)
    return int((section.page_height - section.left_margin - section.right_margin) / 635)


def orient(document, *, landscape: bool) -> None:
    """Start a new section (on a new page) turned ``landscape`` or portrait, unless the current
    one already is; its margins stay where the template put them."""
    if is_landscape(document) == landscape:
        return
    section = document.add_section(WD_SECTION.NEW_PAGE)
    height, width = section.page_width, section.page_height
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height


# ------------------------------------------------------------------------------------ tables


def write(document, table: Plan, width: int, style: str | None) -> None:
    """A Word table of ``table`` at ``width`` twips (its least must fit), laid out fixed, in the
    table style whose id is ``style``.

    The body rows copy the XML of one row built by python-docx and set each cell's text, which is
    the same document as building every cell through python-docx, many times faster (a large
    authority's draft holds some 40,000 cells). A value that python-docx writes otherwise (with
    tabs, line breaks or spaces at either end) and a short row are still built by python-docx.
    """
    columns = widths(table.least, table.wanted, width)
    header = table.header
    word = document.add_table(rows=1, cols=len(header))
    word._tbl.tblStyle_val = style  # the style's id (python-docx's name lookup is slow)
    _fixed(word, columns)
    first = word.rows[0]
    properties = first._tr.get_or_add_trPr()
    properties.append(_flag("w:cantSplit"))
    repeat = _flag("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for cell, text in zip(first.cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _shape(first, columns, table.numeric)
    model = None
    for texts in table.rows:
        if len(texts) >= len(header) and all(map(_plain_cell_text, texts[: len(header)])):
            if model is None:  # one row built as python-docx builds it, then copied
                model = word.add_row()
                model._tr.get_or_add_trPr().append(_flag("w:cantSplit"))
                for cell in model.cells:
                    cell.text = "x"
                _shape(model, columns, table.numeric)
                model._tr.getparent().remove(model._tr)
            tr = copy.deepcopy(model._tr)
            for t, text in zip(list(tr.iter(qn("w:t"))), texts, strict=False):
                if text:
                    t.text = text
                else:  # python-docx leaves a blank cell's run without text
                    t.getparent().remove(t)
            word._tbl.append(tr)
        else:
            row = word.add_row()
            row._tr.get_or_add_trPr().append(_flag("w:cantSplit"))
            for cell, text in zip(row.cells, texts, strict=False):
                cell.text = text
            _shape(row, columns, table.numeric)


def _flag(tag: str):
    return OxmlElement(tag)


def _fixed(word, columns: list[int]) -> None:
    """A table drawn at exactly these column widths, with narrow cell margins."""
    word.autofit = False  # w:tblLayout fixed
    tbl_pr = word._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(columns)))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)
    for grid_col, column in zip(word._tbl.tblGrid.findall(qn("w:gridCol")), columns, strict=True):
        grid_col.set(qn("w:w"), str(column))


def _shape(row, columns: list[int], numeric: list[bool]) -> None:
    """A row's cells at their column's width, in the table's small type, numbers to the right."""
    for cell, column, right in zip(row.cells, columns, numeric, strict=False):
        cell.width = Twips(column)
        for paragraph in cell.paragraphs:
            if right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs:
                run.font.size = FONT_SIZE


def _plain_cell_text(text: str) -> bool:
    """Whether python-docx writes ``text`` as one ``w:t`` element (none when blank), nothing else."""
    return text == text.strip() and not any(c in text for c in "\t\r\n")
