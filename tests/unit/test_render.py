"""The renderers: escaping, no live formulas, Excel and Word as a council files them, reruns.

Every test renders tiny synthetic notebooks built here with nbformat (no pack is run). The
notebook carries hostile text in every path a value can take from an export or ``la.yaml`` into a
pack: a team name in a table cell, a column header, a table title and note, a Markdown paragraph
and heading, a Figure label and title, chart alt text and name, and the report title.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from support import closed_section

from qaanalysis.pipeline import word_table
from qaanalysis.pipeline.collect import blocks, figures_of, tables_of
from qaanalysis.pipeline.render import (
    TemplateError,
    render_docx,
    render_html,
    save_docx,
    write_xlsx,
)
from qaanalysis.pipeline.safe_text import display_value, heading, write_csv
from qaanalysis.session import FIGURES_MIME, TABLE_MIME

# A valid 1x1 pixel PNG (the smallest picture Word accepts).
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def attack(where: str) -> str:
    """A hostile value, tagged with the path it takes so a leak names its path."""
    return f"<script>alert('{where}')</script><img src=x onerror=alert('{where}')>"


PATHS = [
    "cell",
    "header",
    "title",
    "note",
    "paragraph",
    "heading",
    "figure-label",
    "figure-title",
    "alt",
    "report-title",
]


def figure(**overrides) -> dict:
    base = {
        "id": "audits.overall.good_or_better",
        "label": "Audits good or better",
        "value": 0.283019,
        "unit": "percent",
        "numerator": 15,
        "denominator": 53,
        "ci_low": 0.18,
        "ci_high": 0.42,
        "period": "2026-27-Q2",
        "comparison": None,
        "direction": "not_judged",
        "significant": False,
        "source": "audits",
        "theme": None,
        "suppressed": False,
        "note": "",
    }
    return {**base, **overrides}


def table_output(
    frame: pd.DataFrame, *, name: str, title: str, note: str = "", percent_columns: list[str] = ()
) -> dict:
    payload = {
        "name": name,
        "title": title,
        "note": note,
        "percent_columns": list(percent_columns),
        "data": {
            "columns": list(frame.columns),
            "data": frame.astype(object).where(frame.notna(), None).values.tolist(),
        },
    }
    return nbformat.v4.new_output(
        "display_data",
        data={TABLE_MIME: payload, "text/html": "<p>ignored</p>", "text/plain": title},
    )


def hostile_frame() -> pd.DataFrame:
    # The columns a team table has, as the Session records them (JSON: dates as ISO text).
    return pd.DataFrame(
        {
            "team": [attack("cell"), '=HYPERLINK("http://evil","click")', "Assessment Team 1"],
            attack("header"): ["-2+3", "@SUM(A1)", "plain"],
            "audit_date": ["2025-10-01T00:00:00.000", "2026-03-31T00:00:00.000", None],
            "audits": [53, 329.0, 7],  # 329.0: a count that went through a float
            "good_or_better_count": [15, 100, 2],
            "good_or_better_pct": [0.283019, 0.5, 0.0],
            "good_or_better_ci_low": [0.18, 0.4, 0.0],
            "change": [-3, 0, 5],  # a negative number is a number, not a formula
        }
    )


def hostile_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# Audits {attack('heading')}"))
    code = nbformat.v4.new_code_cell("s.say(...)")
    code.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/markdown": f"Paragraph {attack('paragraph')} with a "
                "[citation](#figure-audits.overall.good_or_better), a "
                "[bad link](javascript:alert(1)) and ![tracker](http://evil/x.png)",
                "text/plain": "x",
            },
        ),
        table_output(
            hostile_frame(),
            name="grades_team",
            title=f"Grades {attack('title')}",
            note=f"Note {attack('note')}",
            percent_columns=["good_or_better_pct", "good_or_better_ci_low"],
        ),
        nbformat.v4.new_output(
            "display_data",
            data={
                FIGURES_MIME: [figure(label=f"Share {attack('figure-label')}")],
                "text/html": "<table class='qa-figures'><caption>Key figures &lt;script&gt;"
                "alert(&#x27;figure-title&#x27;)&lt;/script&gt;&lt;img src=x "
                "onerror=alert(&#x27;figure-title&#x27;)&gt;</caption></table>",
                "text/plain": "x",
            },
        ),
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": PNG, "text/plain": "alt"},
            metadata={
                "qaanalysis": {"name": f"chart {attack('alt')}", "alt": f"Bars {attack('alt')}"}
            },
        ),
    ]
    nb.cells.append(code)
    return nb


NOTEBOOKS = [("10_audits.ipynb", hostile_notebook())]
TITLE = f"Northmoor {attack('report-title')}: Quarterly report"
ISSUED = dt.date(2026, 10, 2)


class Elements(HTMLParser):
    """Every element and attribute the browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(
        NOTEBOOKS,
        title=TITLE,
        subtitle="July to September 2026",
        audience="public",
        figures=figures_of([n for _, n in NOTEBOOKS]),
    )


def test_hostile_text_is_escaped_on_every_path_into_html(page):
    parser = Elements()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert "script" not in tags
    handlers = [(tag, a) for tag, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert handlers == []
    text = "".join(parser.text)
    for where in set(PATHS) - {"alt"}:  # each path's value is there, shown as text
        assert attack(where) in text, where
    # the only images are the chart, embedded, with its hostile alt text kept as text
    images = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert [i["src"][:22] for i in images] == ["data:image/png;base64,"]
    assert images[0]["alt"] == f"Bars {attack('alt')}"
    links = [attrs.get("href", "") for tag, attrs in parser.tags if tag == "a"]
    assert "#figure-audits.overall.good_or_better" in links
    assert not any(link.lower().startswith(("javascript", "http")) for link in links)
    # the contents list names the section by its (escaped) heading, linked to the heading
    entry = re.search(r"<li><a href='#(h-\d+)'>Audits &lt;script&gt;", page)
    assert entry is not None
    assert f"<h1 id='{entry[1]}'>Audits &lt;script&gt;" in page


def test_html_forbids_scripts_and_external_loads(page):
    parser = Elements()
    parser.feed(page)
    csp = [
        a["content"]
        for t, a in parser.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(csp) == 1
    rules = dict(rule.strip().split(" ", 1) for rule in csp[0].split(";"))
    assert rules["script-src"] == "'none'" and rules["default-src"] == "'none'"
    assert rules["img-src"] == "data:"
    assert "unsafe-inline" not in csp[0]
    # the page's one style sheet is allowed by its hash, so no injected style can run
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)[1]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert rules["style-src"] == f"'sha256-{digest}'"


def test_html_tables_read_as_a_person_would_write_them(page):
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert "01/10/2025" in cells and "31/03/2026" in cells
    assert "329" in cells and "329.0" not in page
    assert "28%" in cells and "0.283019" not in page
    assert "<th>Good or better, 95% interval low</th>" in page
    assert "T00:00:00" not in page


def test_headings_and_values_as_a_reader_sees_them():
    assert heading("good_or_better_ci_low") == "Good or better, 95% interval low"
    assert heading("accepted_pct") == "Accepted (%)"
    assert heading("kpi_id") == "KPI ID"
    assert heading("auditor's grade") == "Auditor's grade"
    assert heading("Requires Improvement") == "Requires Improvement"
    assert display_value("2025-10-01T00:00:00.000") == "01/10/2025"
    assert display_value("2025-10-01T00:00:00.000", column="month") == "Oct 2025"
    assert display_value("2025-02-31") == "2025-02-31"  # not a date: kept as typed
    assert display_value(329.0) == "329"
    assert display_value(1234.5) == "1,234.5"
    assert display_value(0.283019, percent=True) == "28%"
    assert display_value(2025.0, column="benchmark_year") == "2025"
    assert display_value(True) == "Yes" and display_value(None) == ""


def test_figure_titles_are_collected_unescaped():
    figures = [b for b in blocks(hostile_notebook()) if b.kind == "figures"]
    assert figures[0].meta["title"] == "Key figures " + attack("figure-title")


# ------------------------------------------------------------------------------------ Excel


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "tables.xlsx"
    nodes = [n for _, n in NOTEBOOKS]
    write_xlsx(
        path,
        tables_of(nodes),
        figures_of(nodes),
        authority="Northmoor",
        period="2026-27-Q2",
        issued=ISSUED,
    )
    return path


def test_xlsx_stores_formula_like_text_as_text_and_numbers_as_numbers(workbook_path):
    sheet = openpyxl.load_workbook(workbook_path)["grades_team"]
    formula = sheet["A3"]
    assert formula.value == '=HYPERLINK("http://evil","click")' and formula.data_type == "s"
    assert sheet["B2"].value == "-2+3" and sheet["B2"].data_type == "s"
    assert sheet["B3"].value == "@SUM(A1)" and sheet["B3"].data_type == "s"
    assert sheet["H2"].value == -3 and sheet["H2"].data_type == "n"
    with zipfile.ZipFile(workbook_path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if "worksheets" in n)
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere


def test_xlsx_formats_as_an_analyst_would(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    sheet = book["grades_team"]
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["Team", attack("header")]
    assert headers[4:7] == [
        "Good or better (number)",
        "Good or better (%)",
        "Good or better, 95% interval low",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H4"
    assert sheet["C2"].value == dt.datetime(2025, 10, 1)  # a real date, not text
    assert sheet["C2"].number_format == "dd/mm/yyyy"
    assert sheet["D3"].value == 329 and sheet["D3"].number_format == "#,##0"
    assert sheet["F2"].value == pytest.approx(0.283019) and sheet["F2"].number_format == "0%"
    widths = {col: sheet.column_dimensions[col].width for col in "ABCD"}
    assert widths["A"] == 60  # the long hostile team name is capped
    assert 8 <= widths["D"] < 20  # "Audits" and a few digits
    contents = book.worksheets[0]
    assert contents.title == "contents" and contents.freeze_panes == "A2"
    listed = {
        contents.cell(row=r, column=1).value: contents.cell(row=r, column=1).hyperlink
        for r in range(2, contents.max_row + 1)
    }
    assert set(listed) == set(book.sheetnames) - {"contents"}
    for name, link in listed.items():
        assert link.location == f"'{name}'!A1"
    assert contents["B2"].value == f"Grades {attack('title')}"
    figures = book["figures"]
    assert [c.value for c in figures[1]][:4] == ["ID", "Measure", "Value", "Shown as"]
    assert figures["C2"].number_format == "0%" and figures["D2"].value == "28% (15 of 53)"


def test_csv_neutralises_formulas_by_the_owasp_rule(tmp_path):
    frame = pd.DataFrame(
        {
            "value": ["=1+1", "+44 1234", "-cmd", "@SUM(A1)", "\tx", "\rx", "ok", "a=b"],
            "row": [2, 3, 4, 5, 6, 7, 8, -9],  # -9: a negative number stays a number
            "=header": ["x"] * 8,
        }
    )
    write_csv(frame, tmp_path / "rejected_rows.csv")
    back = pd.read_csv(tmp_path / "rejected_rows.csv", keep_default_na=False)
    assert len(back) == len(frame)  # a carriage return in a cell does not split its row
    assert list(back.columns) == ["value", "row", "'=header"]
    assert back["value"].tolist() == [
        "'=1+1",
        "'+44 1234",
        "'-cmd",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ok",
        "a=b",
    ]
    assert back["row"].tolist() == [2, 3, 4, 5, 6, 7, 8, -9]


# ------------------------------------------------------------------------------------ Word


def render_word(**kwargs):
    return render_docx(
        NOTEBOOKS,
        title=TITLE,
        subtitle="July to September 2026",
        authority="Northmoor",
        period="2026-27-Q2",
        issued=ISSUED,
        **kwargs,
    )


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    render_word().save(path)
    return path


def test_docx_is_a4_british_and_properly_described(docx_path):
    document = Document(str(docx_path))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        assert round(getattr(section, margin).mm, 1) == 20.0  # Word stores twips: 2 cm to 0.1 mm
    styles = document.styles.element
    default_lang = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert default_lang.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    normal = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal.get(qn("w:val")) == "en-GB"
    props = document.core_properties
    assert props.title == TITLE and props.author == "Northmoor"
    assert props.subject == "2026-27-Q2" and props.content_status == "Draft"
    assert props.keywords and props.language == "en-GB"
    assert props.created == props.modified == dt.datetime(2026, 10, 2, tzinfo=dt.UTC)


def test_docx_tables_captions_and_notes(docx_path):
    document = Document(str(docx_path))
    for table in document.tables:  # every header row repeats on each page
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == [f"Grades {attack('title')}", f"Key figures {attack('figure-title')}"]
    notes = [p for p in document.paragraphs if p.style.name == "Table Note"]
    assert [p.text for p in notes] == [f"Note {attack('note')}"]
    assert notes[0].style.font.italic and notes[0].style.font.size.pt < 11
    grades = document.tables[0]
    assert grades.rows[0].cells[6].text == "Good or better, 95% interval low"
    assert [grades.rows[1].cells[i].text for i in (2, 5)] == ["01/10/2025", "28%"]
    assert grades.rows[2].cells[3].text == "329"
    descr = document.inline_shapes[0]._inline.docPr.get("descr")
    assert descr == f"Bars {attack('alt')}"


def test_template_without_required_styles_stops_with_their_names(tmp_path):
    template = Document()
    styles = template.styles.element
    for style_id in ("Caption", "Heading3"):
        styles.remove(styles.xpath(f"w:style[@w:styleId='{style_id}']")[0])
    template.add_paragraph("Cover page of Northmoor")
    path = tmp_path / "house_style.docx"
    template.save(path)
    with pytest.raises(TemplateError) as caught:
        render_word(template=path)
    message = str(caught.value)
    assert str(path) in message and "Heading 3" in message and "Caption" in message
    assert "Heading 1" not in message  # only the missing ones are named


def test_template_with_its_styles_keeps_its_body(tmp_path):
    template = Document()
    template.add_paragraph("Cover page of Northmoor")
    path = tmp_path / "house_style.docx"
    template.save(path)
    document = render_word(template=path)
    assert document.paragraphs[0].text == "Cover page of Northmoor"
    assert document.paragraphs[1].style.name == "Title"


# ------------------------------------------------------------------------------------ reruns


def test_rerun_gives_byte_identical_files_with_fixed_dates(tmp_path):
    nodes = [n for _, n in NOTEBOOKS]
    made = []
    for run in ("first", "second"):
        folder = tmp_path / run
        folder.mkdir()
        html = render_html(
            NOTEBOOKS, title=TITLE, subtitle="s", audience="internal", figures=figures_of(nodes)
        )
        (folder / "report.html").write_text(html, encoding="utf-8")
        save_docx(render_word(), folder / "report.docx")
        write_xlsx(folder / "tables.xlsx", tables_of(nodes), figures_of(nodes), issued=ISSUED)
        made.append(folder)
    for name in ("report.html", "report.docx", "tables.xlsx"):
        assert (made[0] / name).read_bytes() == (made[1] / name).read_bytes(), name
    # the clock never reaches the files: every zip entry carries the issue date...
    for name in ("report.docx", "tables.xlsx"):
        with zipfile.ZipFile(made[0] / name) as archive:
            assert {i.date_time for i in archive.infolist()} == {(2026, 10, 2, 0, 0, 0)}, name
    # ...and so do the workbook's own dates (openpyxl would otherwise stamp "modified" now)
    props = openpyxl.load_workbook(made[0] / "tables.xlsx").properties
    assert props.created == props.modified == dt.datetime(2026, 10, 2)


def test_word_cites_figures_by_number_with_an_evidence_appendix(tmp_path):
    from docx import Document as open_docx

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(
            "Overall, [56% (61 of 108)](#figure-audits.overall.good_or_better) were good or better; "
            "[an uncited link](#figure-not.in.the.pack) keeps its words."
        )
    ]
    good = figure(
        id="audits.overall.good_or_better",
        label="Audits good or better",
        value=0.56,
        unit="percent",
        numerator=61,
        denominator=108,
    )
    other = figure(id="audits.count", label="Audits completed", value=108, unit="count")
    document = render_docx(
        [("90_quarterly_report.ipynb", notebook)],
        title=TITLE,
        subtitle="July to September 2026",
        figures=[other, good],
    )
    document.save(tmp_path / "report.docx")
    saved = open_docx(str(tmp_path / "report.docx"))
    text = "\n".join(p.text for p in saved.paragraphs)
    # the second Figure of the pack is F2; the key itself never reaches the reader
    assert "56% (61 of 108) (F2) were good or better" in text
    assert "an uncited link keeps its words" in text
    assert "audits.overall" not in text and "[" not in text
    rows = [[c.text for c in r.cells] for r in saved.tables[-1].rows]
    assert rows[1][:2] == ["F1", "Audits completed"] and rows[2][:2] == [
        "F2",
        "Audits good or better",
    ]


def test_a_long_table_shows_its_first_rows_in_the_drafts_and_all_in_the_workbook(tmp_path):
    """A list of 250 rows: the HTML and Word drafts show the first 200 (about five pages) and
    say so; tables.xlsx keeps all 250."""
    frame = pd.DataFrame({"team": [f"Team {i:03d}" for i in range(250)], "audits": range(250)})
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("s.show(...)")
    code.outputs = [table_output(frame, name="long_list", title="A long list")]
    nb.cells.append(code)
    notebooks = [("10_audits.ipynb", nb)]
    note = "The first 200 of 250 rows are shown here; tables.xlsx has every row."

    page = render_html(notebooks, title="T", subtitle="S", audience="internal", figures=[])
    assert "Team 199" in page and "Team 200" not in page
    assert note in page

    document = render_docx(
        notebooks, title="T", subtitle="S", authority="A", period="2026-27-Q2", issued=ISSUED
    )
    (table,) = document.tables
    assert len(table.rows) == 1 + 200
    assert note in [p.text for p in document.paragraphs]

    path = tmp_path / "tables.xlsx"
    write_xlsx(path, tables_of([nb]), figures_of([nb]))
    sheet = openpyxl.load_workbook(path)["long_list"]
    assert sheet.max_row == 1 + 250


# ------------------------------------------------------------------ Word tables fit the page


def test_column_needs_from_content_worked_by_hand():
    # "Team": longest word "North"/"South" (5 characters), longest text "North East" (10);
    # "Audits": its heading is the longest word (6), every value a number
    table = word_table.plan(["Team", "Audits"], [["North East", "12"], ["South", "7"]])
    pad, char = word_table.CELL_PAD_TWIPS, word_table.CHAR_TWIPS
    assert table.least == [5 * char + pad, 6 * char + pad]
    assert table.wanted == [10 * char + pad, 6 * char + pad]
    assert table.numeric == [False, True]


def test_widths_share_the_room_and_fill_the_width():
    least, wanted = [594, 684], [1044, 684]
    # room 222 (1500 - 1278) is less than "Team" wants beyond its least (450): all of it to Team
    assert word_table.widths(least, wanted, 1500) == [816, 684]
    # room 722: each column gets what it wants, the spare 272 shared in proportion to width:
    # 272 x 1044 / 1728 = 164.3 and 272 x 684 / 1728 = 107.7, the rounding to the last column
    assert word_table.widths(least, wanted, 2000) == [1208, 792]


def test_column_groups_repeat_the_first_column():
    table = word_table.Plan(["Team", "a", "b", "c"], [], [1000, 600, 600, 600], [0] * 4, [])
    # Team + a + b = 2,200 fits 2,300; c starts a second group, behind Team again
    assert word_table.column_groups(table, 2300) == [[0, 1, 2], [0, 3]]


def _sections_of_tables(document) -> list[tuple[object, int, bool]]:
    """(table element, usable width of its section in twips, landscape) for every table: a
    section's properties close it, in a paragraph or at the end of the body."""
    out, pending = [], []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            pending.append(element)
            continue
        page = closed_section(element)
        if page is None:
            continue
        out += [(table, *page) for table in pending]
        pending = []
    return out


def _wide_notebook() -> nbformat.NotebookNode:
    # a scorecard of 12 columns (too wide for portrait, fits landscape), a list of 30 columns
    # (too wide even for landscape) and a narrow table of a team and a count
    scorecard = pd.DataFrame(
        {"label": ["Re-referrals within 12 months", "Visits on time"]}
        | {f"benchmark_measure_{i}": [0.25, 0.5] for i in range(11)}
    )
    very_wide = pd.DataFrame({f"column_number_{i}": [f"value{i}"] for i in range(30)})
    narrow = pd.DataFrame({"team": ["Assessment Team North East"], "audits": [1234]})
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("s.show(...)")
    code.outputs = [
        table_output(scorecard, name="scorecard", title="Scorecard"),
        table_output(very_wide, name="very_wide", title="Very wide"),
    ]
    nb.cells += [code, nbformat.v4.new_markdown_cell("## Teams")]
    code = nbformat.v4.new_code_cell("s.show(...)")
    code.outputs = [table_output(narrow, name="teams", title="Teams")]
    nb.cells.append(code)
    return nb


def test_word_tables_fit_their_page_keep_rows_whole_and_split_only_when_too_wide():
    document = render_docx([("20_performance.ipynb", _wide_notebook())], title="T", subtitle="S")
    placed = _sections_of_tables(document)
    assert len(placed) == len(document.tables) >= 4
    for table, usable, _ in placed:
        grid = [int(col.get(qn("w:w"))) for col in table.iter(qn("w:gridCol"))]
        assert sum(grid) <= usable  # never wider than the page it is on
        assert table.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        rows = table.findall(qn("w:tr"))
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(row.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    scorecard, *groups, teams = placed
    assert scorecard[2] and not teams[2]  # landscape for the scorecard, portrait again after it
    assert len(scorecard[0].findall(qn("w:tr"))[0].findall(qn("w:tc"))) == 12
    # the 30-column list: column groups, each led by its first column, together every column
    headers = [
        [tc.xpath("string(.)") for tc in g.findall(qn("w:tr"))[0].findall(qn("w:tc"))]
        for g, _, _ in groups
    ]
    assert all(h[0] == "Column number 0" for h in headers)
    assert sum(len(h) - 1 for h in headers) == 29
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    # 30 columns of 774 twips (7 characters and the padding): 18 to a landscape page's 14,570
    assert len(groups) == 2
    assert captions == [
        "Scorecard",
        "Very wide",
        "Very wide (continued: part 2, more columns)",
        "Teams",
    ]
    # widths from content: the team's name wider than its count, the count right-aligned
    team_cells = teams[0].findall(qn("w:tr"))[1].findall(qn("w:tc"))
    name_width, count_width = (int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in team_cells)
    assert name_width > count_width
    alignment = [tc.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:jc')}") for tc in team_cells]
    assert alignment[0] is None and alignment[1].get(qn("w:val")) == "right"


def test_blocks_are_read_once_and_again_when_the_notebook_changes():
    nb = hostile_notebook()
    first = blocks(nb)
    again = blocks(nb)
    assert [b.content is c.content for b, c in zip(first, again, strict=True)] == [True] * len(
        first
    )  # the same frames: a pack's five readers build each table once
    nb.cells.append(nbformat.v4.new_markdown_cell("## A later heading"))
    changed = blocks(nb)
    assert len(changed) == len(first) + 1 and changed[-1].content == "## A later heading"
    nb.cells[-1] = nbformat.v4.new_markdown_cell("## Replaced")
    assert blocks(nb)[-1].content == "## Replaced"
    assert len(blocks(hostile_notebook())) == len(first)  # a new notebook is read afresh
