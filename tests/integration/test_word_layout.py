"""The sample's Word drafts as a QA lead prints them: every table fits its page, nothing hidden.

Builds the sample's quarterly, annual and monthly packs once each and reads ``report.docx`` as
XML: every table is no wider than the usable width of the section it is in and laid out at those
widths (Word cannot widen it), its header row repeats on every page, no row splits across pages,
columns of numbers are right-aligned, a table too wide for a portrait page is on a landscape one,
and every column the HTML shows is in the Word table too (a table split into column groups joined
back). Read against the drafts built before this layout, the checks fail: no table was laid out
fixed, no row was kept whole, wide tables were squeezed onto portrait pages.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from support import closed_section

from qaanalysis.pipeline import word_table

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "data_samples" / "la.yaml"
NUMBER = re.compile(r"^(?:[<>]\s?)?-?\d[\d,]*(?:\.\d+)?%?$")
CONTINUED = re.compile(r" \(continued: part \d+, more columns\)$")

pytestmark = pytest.mark.skipif(not CONFIG.is_file(), reason="data_samples/ is absent")


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def placed_tables(path: Path) -> list[dict]:
    """Every table of a Word file in order: its rows' text, column widths, the usable width and
    orientation of its section, whether it continues the table before it (a column group), and
    its row and cell XML."""
    body = Document(str(path)).element.body
    out, pending, continued = [], [], False
    for element in body.iterchildren():
        if element.tag == qn("w:tbl"):
            rows = element.findall(qn("w:tr"))
            pending.append(
                {
                    "element": element,
                    "rows": rows,
                    "text": [[_text(tc) for tc in tr.findall(qn("w:tc"))] for tr in rows],
                    "grid": [int(c.get(qn("w:w"))) for c in element.iter(qn("w:gridCol"))],
                    "continues": continued,
                }
            )
            continued = False
            continue
        if element.tag == qn("w:p") and CONTINUED.search(_text(element)):
            continued = True
        page = closed_section(element)
        if page is None:
            continue
        for table in pending:
            table["usable"], table["landscape"] = page
        out += pending
        pending = []
    return out


def layout_problems(path: Path) -> list[str]:
    """Every way a draft's tables fail the page, as sentences naming the table."""
    problems = []
    portrait = min(t["usable"] for t in placed_tables(path))
    for number, table in enumerate(placed_tables(path), start=1):
        name = f"table {number} ({', '.join(table['text'][0][:3])})"
        width = table["element"].tblPr.find(qn("w:tblW"))
        layout = table["element"].tblPr.find(qn("w:tblLayout"))
        if sum(table["grid"]) > table["usable"]:
            problems.append(f"{name} is wider than its page")
        if width is None or width.get(qn("w:type")) != "dxa":
            problems.append(f"{name} has no fixed width")
        if layout is None or layout.get(qn("w:type")) != "fixed":
            problems.append(f"{name} is not laid out at its widths (Word may widen it)")
        header = table["rows"][0].trPr
        if header is None or header.find(qn("w:tblHeader")) is None:
            problems.append(f"{name}: its header row does not repeat")
        if any(r.trPr is None or r.trPr.find(qn("w:cantSplit")) is None for r in table["rows"]):
            problems.append(f"{name}: a row may split across pages")
        plan = word_table.plan(table["text"][0], table["text"][1:])
        if not plan.fits(portrait) and not table["landscape"]:
            problems.append(f"{name} is too wide for a portrait page but is on one")
        for j, numeric in enumerate(plan.numeric):
            cells = [tr.findall(qn("w:tc"))[j] for tr in table["rows"][1:]]
            aligned = [tc.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:jc')}") for tc in cells]
            if numeric and not all(
                a is not None and a.get(qn("w:val")) == "right" for a in aligned
            ):
                problems.append(f"{name}: numbers in column {j + 1} are not right-aligned")
    return problems


def joined_headers(path: Path) -> list[list[str]]:
    """The header of every Word table, a table split into column groups joined back into one."""
    headers: list[list[str]] = []
    for table in placed_tables(path):
        if table["continues"]:
            headers[-1] += table["text"][0][1:]
        else:
            headers.append(table["text"][0])
    return headers


def html_headers(path: Path) -> list[list[str]]:
    page = path.read_text(encoding="utf-8")
    return [
        [html.unescape(h) for h in re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", table, re.S)]
        for table in re.findall(r"<table.*?</table>", page, re.S)
    ]


@pytest.mark.parametrize("report", ["quarterly", "annual", "monthly"])
def test_every_word_table_fits_its_page_and_keeps_its_rows_whole(packs, report):
    path = packs[report] / "report.docx"
    assert layout_problems(path) == []
    tables = placed_tables(path)
    # the sample's scorecards are too wide for portrait: landscape pages, and the widest in groups
    assert any(t["landscape"] for t in tables) and any(t["continues"] for t in tables)
    assert sum(len(row) for t in tables for row in t["text"]) > 5_000


@pytest.mark.parametrize("report", ["quarterly", "annual", "monthly"])
def test_word_shows_every_column_the_html_shows(packs, report):
    """The Word tables, column groups joined, have the HTML tables' headers in the same order
    (the evidence appendix, laid out differently in each, aside)."""
    word = joined_headers(packs[report] / "report.docx")
    page = html_headers(packs[report] / "report.html")
    assert word[:-1] == page[:-1]
    assert max(len(h) for h in word) >= 15  # the scorecard kept every column


def test_the_html_prints_wide_tables_on_landscape_pages(packs):
    page = (packs["quarterly"] / "report.html").read_text(encoding="utf-8")
    assert "@page wide { size: A4 landscape; }" in page and "table.qa-wide { page: wide; }" in page
    wide = re.findall(r"<table class='qa-table qa-wide'.*?</thead>", page, re.S)
    assert wide and all(t.count("<th>") >= 8 for t in wide)
