"""Drafts a QA lead would send: no machine output a reader sees, a body of readable length, a full
contents list, accessible charts, and a monthly clinic pack without unreliable statistics.

The first tests are small and hand-worked (the presentation rule, the layout, the gates, the
charts). The last ones build the sample's quarterly, annual and monthly packs once each and read
their HTML and Word text as a reader would: a scanner looks for every snake_case code the
configuration knows (themes, domains, KPIs, categories, feedback questions, roles, column names),
ISO timestamps, float artefacts and bare Figure keys, and is shown to catch a planted one.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from qaanalysis import charts
from qaanalysis.config import load_config
from qaanalysis.figures import proportion
from qaanalysis.pipeline.collect import Block
from qaanalysis.pipeline.layout import APPENDIX_TITLE, arrange, reader_frame
from qaanalysis.sections.audits import AGREEMENT_STATISTICS, _agreement_gated, _kappa_gated
from qaanalysis.sections.performance import for_clinic
from qaanalysis.session import FIGURES_MIME, TABLE_MIME

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "data_samples" / "la.yaml"
# Issue 15, part 2: the quarterly body (before the appendices) and each ILACS area of the annual.
# "At most about": a count 5% over is still about the limit (word counts differ by method).
QUARTERLY_BODY_WORDS = 6_000
ANNUAL_AREA_WORDS = 1_200
ABOUT = 1.05
# Each area chapter's body (readings, key charts, small tables; detail in the appendix): the share
# of the quarterly body the area notebooks may take beside the report's own section.
AREA_CHAPTER_WORDS = 1_500
AREA_CHAPTERS = (
    "Case-file audits, moderation and actions",
    "Performance: statutory timescales, trends and benchmarks",
    "The voice of children and families",
)

# ----------------------------------------------------------------------------- the presentation rule


def test_codes_become_labels_and_a_repeated_code_column_is_left_out():
    frame = pd.DataFrame(
        {
            "kpi_id": ["cp_visit_in_timescale"],  # repeats the label beside it: left out
            "label": ["Children on a plan visited in timescale"],
            "theme": ["management_oversight"],  # a configured theme: its label
            "position": ["below_998"],  # a funnel position: in words
            "auditor_role": ["qa_lead"],  # any other code: in words, QA in capitals
            "figures": ["kpi.a, kpi.b"],  # Figure ids: their numbers in the evidence appendix
        }
    )
    labels = {
        "cp_visit_in_timescale": "Children on a plan visited in timescale",
        "management_oversight": "Management oversight and supervision",
    }
    shown = reader_frame(frame, labels=labels, refs={"kpi.a": 4, "kpi.b": 7})
    assert list(shown.columns) == ["label", "theme", "position", "auditor_role", "figures"]
    assert shown.iloc[0].tolist() == [
        "Children on a plan visited in timescale",
        "Management oversight and supervision",
        "below the 99.8% limit",
        "QA lead",
        "F4, F7",
    ]
    assert frame["kpi_id"].iloc[0] == "cp_visit_in_timescale"  # the frame itself is unchanged


def test_an_interval_is_one_column_and_a_label_column_is_headed_by_its_name():
    frame = pd.DataFrame(
        {
            "domain": ["assessment"],
            "domain_label": ["Assessment"],
            "good_or_better_pct": [0.38],
            "good_or_better_ci_low": [0.2949],  # 29% to 49%, rounded as a reader reads it
            "good_or_better_ci_high": [0.4851],
        }
    )
    percent = {"good_or_better_pct", "good_or_better_ci_low", "good_or_better_ci_high"}
    shown = reader_frame(frame, labels={"assessment": "Assessment"}, percent=percent)
    assert list(shown.columns) == ["domain", "good_or_better_pct", "Good or better, 95% interval"]
    assert shown.iloc[0].tolist() == ["Assessment", 0.38, "29% to 49%"]


# ----------------------------------------------------------------------------- the layout


def notebook(cells: list[tuple[str, object, dict]]) -> nbformat.NotebookNode:
    """A tiny executed notebook: ("md", text, {}) or ("table", frame, meta) or ("figs", [..], meta)."""
    nb = nbformat.v4.new_notebook()
    for kind, content, meta in cells:
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(content))
            continue
        cell = nbformat.v4.new_code_cell("s.show(x)")
        if kind == "table":
            payload = {
                "name": meta["name"],
                "title": meta["title"],
                "note": "",
                "detail": meta.get("detail", False),
                "percent_columns": [],
                "data": {"columns": list(content.columns), "data": content.values.tolist()},
            }
            data, metadata = {TABLE_MIME: payload, "text/plain": meta["title"]}, {}
        else:
            data = {FIGURES_MIME: content, "text/plain": ""}
            metadata = {"qaanalysis": {"detail": True}} if meta.get("detail") else {}
        cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
        if meta.get("tags"):
            cell.metadata["tags"] = list(meta["tags"])
        nb.cells.append(cell)
    return nb


def test_detail_tables_leave_the_body_for_the_appendix_with_one_pointer_per_run():
    small = pd.DataFrame({"team": ["A"], "audits": [3]})
    nb = notebook(
        [
            ("md", "# Audits\n\nWhat the audits say.", {}),
            ("table", small, {"name": "by_service", "title": "By service"}),
            ("table", small, {"name": "by_team", "title": "By team", "detail": True}),
            ("figs", [], {"detail": True}),
            ("md", "A reading.", {}),
            ("table", small, {"name": "overdue", "title": "Overdue", "detail": True}),
            ("md", "## Next part", {}),
            ("md", "Its reading.", {}),
        ]
    )
    quality = notebook([("md", "# Data quality", {})])
    parts, details = arrange([("10_audits.ipynb", nb), ("00_data_quality.ipynb", quality)])
    assert [d.label for d in details] == ["Table A1", "Table A2", "Table A3"]
    assert [d.title for d in details] == ["By team", "", "Overdue"]
    assert {d.section for d in details} == {"Audits"}
    kinds = [b.kind for b in parts[0].blocks]
    # the subsection's moved items share one pointer at its end, before the next heading
    assert kinds == ["markdown", "table", "markdown", "pointer", "markdown", "markdown"]
    assert [d.label for d in parts[0].blocks[3].content] == ["Table A1", "Table A2", "Table A3"]
    # the data-quality account is an appendix, titled as one
    assert [p.appendix for p in parts] == [False, True]
    assert parts[1].blocks[0].content == "# Appendix: Data quality"


def test_an_appendix_heading_part_way_through_a_notebook_opens_an_appendix_part():
    small = pd.DataFrame({"kpi": ["Visits"], "definition": ["Seen within 10 days"]})
    nb = notebook(
        [
            ("md", "# Quarterly report\n\nThe body.", {}),
            ("md", "## Recommendations", {}),
            ("table", small, {"name": "moved", "title": "Moved", "detail": True}),
            ("md", "# Appendix: Methods\n\nHow the report reads its evidence.", {}),
            ("table", small, {"name": "defs", "title": "Definitions", "detail": True}),
            ("table", small, {"name": "kept", "title": "Kept in the appendix part"}),
        ]
    )
    parts, details = arrange([("90_report.ipynb", nb)])
    assert [(p.title, p.appendix) for p in parts] == [
        ("Quarterly report", False),
        ("Appendix: Methods", True),
    ]
    # the body's pointer closes before the appendix opens; the appendix keeps its own tables,
    # detail or not, where it shows them (not under its own heading in the detailed tables)
    assert [b.kind for b in parts[0].blocks] == ["markdown", "markdown", "pointer"]
    assert [b.kind for b in parts[1].blocks] == ["markdown", "table", "table"]
    assert [(d.label, d.section) for d in details] == [("Table A1", "Quarterly report")]
    # the heading of a notebook that is an appendix already opens nothing new
    quality = notebook([("md", "# Data quality", {}), ("md", "# Appendix: Another", {})])
    parts, _ = arrange([("00_data_quality.ipynb", quality)])
    assert len(parts) == 1 and parts[0].appendix


def test_a_cell_tagged_appendix_sends_its_table_to_the_appendix_and_changes_no_notebook():
    small = pd.DataFrame({"team": ["A"], "audits": [3]})
    nb = notebook(
        [
            ("md", "# Voice\n\n## Complaints", {}),
            ("table", small, {"name": "kept", "title": "Kept"}),
            ("table", small, {"name": "moved", "title": "Moved", "tags": ["appendix"]}),
            ("figs", [], {"tags": ["appendix"]}),
            ("table", small, {"name": "other", "title": "Other tag", "tags": ["hide-input"]}),
        ]
    )
    parts, details = arrange([("30_voice.ipynb", nb)])
    assert [d.title for d in details] == ["Moved", ""]
    assert [b.kind for b in parts[0].blocks] == ["markdown", "table", "table", "pointer"]
    assert [b.meta["title"] for b in parts[0].blocks if b.kind == "table"] == ["Kept", "Other tag"]
    # the executed notebook itself still shows the table in place (an analyst reads it there)
    assert nb.cells[2].outputs[0]["data"][TABLE_MIME]["detail"] is False
    assert "qaanalysis" not in nb.cells[3].outputs[0]["metadata"]
    # the repository's notebooks tag the tables their body leaves to the appendix
    tagged = {
        name: [
            "".join(c["source"])
            for c in nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells
            if "appendix" in c.get("metadata", {}).get("tags", [])
        ]
        for name in ("10_audits", "20_performance", "30_voice")
    }
    assert 's.show(voice["feedback_themes"])' in tagged["30_voice"]  # its p values: a statistic
    assert 's.show(performance["scorecard_summary"])' in tagged["20_performance"]


# ----------------------------------------------------------------------------- the gates


def test_agreement_statistics_are_withheld_below_the_minimum_pairs():
    config = load_config(CONFIG)  # thresholds.small_sample: the minimum pairs (30)
    minimum = config.thresholds.small_sample

    def figures(pairs: int) -> list:
        common = {"period": "2026-09", "source": "audits"}
        agreement = proportion("moderation.agreement", "Unchanged", k=pairs - 2, n=pairs, **common)
        kappa = proportion("moderation.kappa", "Kappa", k=1, n=2, **common)  # only its id counts
        return [agreement, kappa]

    assert [f.id for f in _agreement_gated(figures(11), config=config)] == ["moderation.agreement"]
    assert [f.id for f in _agreement_gated(figures(minimum), config=config)] == [
        "moderation.agreement",
        "moderation.kappa",
    ]
    assert "moderation.kappa" in AGREEMENT_STATISTICS
    table = pd.DataFrame(
        {"quarter": ["Q1", "Q2"], "moderated_count": [11, 34], "kappa_linear": [0.7, 0.8]}
    )
    gated = _kappa_gated(table, n="moderated_count", config=config)
    assert gated["kappa_linear"].isna().tolist() == [True, False]


def test_a_clinic_list_is_by_team_with_an_empty_commentary_column():
    frame = pd.DataFrame({"child_id": ["C2", "C1", "C3"], "team": ["Team B", "Team A", "Team B"]})
    listed = for_clinic(frame)
    assert listed["team"].tolist() == ["Team A", "Team B", "Team B"]
    assert listed["child_id"].tolist() == ["C1", "C2", "C3"]  # order within a team kept
    assert listed["commentary"].tolist() == ["", "", ""]


# ----------------------------------------------------------------------------- the charts


def _relative_luminance(colour: str) -> float:
    r, g, b = matplotlib.colors.to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _deuteranopia(colour: str) -> np.ndarray:
    """Machado et al. (2009) deuteranopia simulation (severity 1), in linear-ish RGB."""
    matrix = np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    )
    return np.clip(matrix @ np.array(matplotlib.colors.to_rgb(colour)), 0, 1)


def test_good_and_requires_improvement_differ_for_colour_blind_readers():
    grades = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
    colours = charts.base.grade_colours(grades)
    hatches = charts.base.grade_hatches(grades)
    good, ri = colours["Good"], colours["Requires Improvement"]
    # simulated deuteranopia keeps them apart (red-green palettes put them within 0.1)
    assert np.linalg.norm(_deuteranopia(good) - _deuteranopia(ri)) > 0.25
    assert hatches["Good"] != hatches["Requires Improvement"]  # and a pattern tells them apart
    assert len(set(colours.values())) == len(grades)
    # the old scale (seaborn RdYlGn, four grades) fails the same check: the test can fail
    rag = {"Good": "#d9ef8b", "Requires Improvement": "#fee08b"}
    assert (
        np.linalg.norm(_deuteranopia(rag["Good"]) - _deuteranopia(rag["Requires Improvement"]))
        < 0.25
    )


def test_funnel_names_only_teams_outside_the_limits_and_no_labels_overlap():
    # four teams crowded at the same size and share, all outside; one inside (not named)
    points = pd.DataFrame(
        {
            "team": ["North", "South", "East", "West", "Centre"],
            "k": [19, 19, 19, 20, 10],
            "n": [20, 20, 21, 21, 20],
            "position": ["above_998", "above_998", "above_95", "above_998", "within"],
        }
    )
    limits = pd.DataFrame(
        {
            "n": [1, 30],
            "lower_95": [0.1, 0.35],
            "upper_95": [0.9, 0.65],
            "lower_998": [0.0, 0.25],
            "upper_998": [1.0, 0.75],
        }
    )
    fig = charts.funnel(points, limits, centre=0.5, title="Teams")
    ax = fig.axes[0]
    named = [t for t in ax.texts]
    assert sorted(t.get_text() for t in named) == ["East", "North", "South", "West"]
    fig.canvas.draw()
    boxes = [matplotlib.text.Text.get_window_extent(t) for t in named]  # the words, not the line
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


# ----------------------------------------------------------------------------- the sample packs

pytestmark_packs = pytest.mark.skipif(not CONFIG.is_file(), reason="data_samples/ is absent")


class _Text(HTMLParser):
    """The text of an HTML page as a reader sees it, with the headings and their levels."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.contents: list[str] = []
        self._skip = 0
        self._heading: int | None = None
        self._nav = False
        self._header = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title"):
            self._skip += 1
        if tag == "nav":
            self._nav = True
        if tag == "header":
            self._header = True
        if tag in ("h1", "h2", "h3") and not self._nav and not self._header:
            self._heading, self._buffer = int(tag[1]), []
        if tag in ("p", "td", "th", "li", "h1", "h2", "h3", "caption", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1
        if tag == "nav":
            self._nav = False
        if tag == "header":
            self._header = False
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append((self._heading, "".join(self._buffer).strip()))
            self._heading = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._nav:
            if data.strip() and data.strip() != "Contents":
                self.contents.append(data.strip())
            return
        self.parts.append(data)
        if self._heading is not None:
            self._buffer.append(data)


def html_reading(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def docx_text(path: Path) -> str:
    """The text of a Word document in reading order: paragraphs and table rows as they come."""
    document = Document(str(path))
    lines = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            lines.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            table = Table(element, document)
            lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


def known_codes(folder: Path) -> set[str]:
    """Every snake_case code the configuration knows, and every table column name of the pack."""
    config = load_config(CONFIG)
    codes = set(config.themes) | {d.id for d in config.domains} | set(config.kpis)
    codes |= {a.id for a in config.judgement_areas} | set(config.learning.themes)
    for theme in config.themes.values():
        codes |= set(theme.complaint_categories) | set(theme.escalation_categories)
        codes |= set(theme.feedback_questions) | set(theme.audit_domains)
    codes |= set(config.audit_programme.quotas) | {a.role for a in config.audit_programme.roster}
    codes |= set(config.sources) | set(
        config.sources["annex_a"].files if "annex_a" in config.sources else {}
    )
    for path in (folder / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                payload = output.get("data", {}).get(TABLE_MIME)
                if payload:
                    codes |= set(payload["data"]["columns"])
    return {c for c in codes if isinstance(c, str) and re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", c)}


def without_data_quality(text: str) -> str:
    """The text without the data-quality appendix: its problem lists quote the loader's messages
    and the export's own values (a header, a column name, an exported age as the file gave it),
    which are the evidence of the problem. (On the sample they hold "duplicate audit_id" and an
    exported age of -2.525221639111506e+16: the loader's wording, for the sources' owners.)"""
    start = text.rfind("Appendix: Data quality")  # the heading, not its line in the contents
    if start < 0:
        return text
    end = text.find("Evidence appendix", start)
    return text[:start] + (text[end:] if end >= 0 else "")


def machine_output(text: str, *, codes: set[str], figure_ids: set[str]) -> list[str]:
    """What a reader should never see: codes, ISO timestamps, float artefacts, Figure keys."""
    snake = r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b(?!\.[a-z]{2,4}\b)"  # not a file name (audits.csv)
    found = [f"code {m[0]}" for m in re.finditer(snake, text) if m[0] in codes]
    found += [f"timestamp {m[0]}" for m in re.finditer(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text)]
    found += [f"float {m[0]}" for m in re.finditer(r"(?<![\d.])\d+\.\d{4,}\b", text)]
    found += [f"float {m[0]}" for m in re.finditer(r"\b\d(?:\.\d+)?e[-+]\d+\b", text)]
    found += [f"float {m[0]}" for m in re.finditer(r"(?<![\w.,])\d+\.0\b(?!\.)", text)]
    found += [
        f"Figure key {f}" for f in figure_ids if re.search(rf"(?<![\w#-]){re.escape(f)}\b", text)
    ]
    return found


def test_the_scanner_catches_what_it_is_meant_to_catch():
    codes, ids = {"worker_contact", "qa_lead"}, {"audits.overall.good_or_better"}
    for planted in (
        "Complaints about worker_contact rose.",
        "2025-10-01T00:00:00.000",
        "Inadequate (%) 0.283019",
        "1.796629e-01",
        "329.0 complaints",
        "see audits.overall.good_or_better",
    ):
        assert machine_output(planted, codes=codes, figure_ids=ids), planted
    clean = (
        "Worker contact rose: 28% (15 of 53), 329 complaints, Annex A List 8, 2.5 days, "
        "worker_contact.csv, Open Government Licence v3.0."
    )
    assert machine_output(clean, codes=codes, figure_ids=ids) == []


@pytestmark_packs
@pytest.mark.parametrize("report", ["quarterly", "annual", "monthly"])
def test_no_machine_output_in_html_or_word(packs, report):
    folder = packs[report]
    codes = known_codes(folder)
    figure_ids = {f["id"] for f in json.loads((folder / "figures.json").read_text())}
    assert {"management_oversight", "qa_lead", "kpi_id"} <= codes  # the scanner knows the codes
    html = without_data_quality("".join(html_reading(folder / "report.html").parts))
    word = without_data_quality(docx_text(folder / "report.docx"))
    # a planted code is found in this very text, so a clean result means something
    assert machine_output(html + " qa_lead", codes=codes, figure_ids=figure_ids)
    assert machine_output(html, codes=codes, figure_ids=figure_ids) == []
    assert machine_output(word, codes=codes, figure_ids=figure_ids) == []


@pytestmark_packs
@pytest.mark.parametrize("report", ["quarterly", "annual", "monthly"])
def test_the_contents_list_every_heading(packs, report):
    folder = packs[report]
    page = html_reading(folder / "report.html")
    headings = [text for level, text in page.headings if text]
    assert len(headings) > 20  # every section and subsection, not one line per notebook
    assert page.contents == headings
    document = Document(str(folder / "report.docx"))
    names = {"Heading 1": 1, "Heading 2": 2, "Heading 3": 3}
    word_headings = [p.text for p in document.paragraphs if p.style.name in names and p.text]
    start = next(i for i, p in enumerate(document.paragraphs) if p.text == "Contents")
    listed = [p.text for p in document.paragraphs[start + 1 : start + 1 + len(word_headings)]]
    assert listed == word_headings


def body_words(folder: Path) -> int:
    """Words of the HTML body: after the contents, before the first appendix."""
    text = "".join(html_reading(folder / "report.html").parts)
    body = text.split(APPENDIX_TITLE)[0]
    return len(body.split())


@pytestmark_packs
def test_the_quarterly_body_is_at_most_about_6000_words(packs):
    words = body_words(packs["quarterly"])
    assert words <= QUARTERLY_BODY_WORDS * ABOUT, words
    # the body still holds the report: it is not short for having lost its key messages,
    # learning or recommendations (on the sample: about 5,950 words in all)
    assert words > QUARTERLY_BODY_WORDS / 2, words


def body_text(folder: Path) -> str:
    """The HTML body as a reader reads it: after the contents, before the first appendix."""
    return "".join(html_reading(folder / "report.html").parts).split(APPENDIX_TITLE)[0]


@pytestmark_packs
def test_every_significant_change_and_corroborated_theme_is_in_the_body(packs):
    folder = packs["quarterly"]
    figures = json.loads((folder / "figures.json").read_text())
    body = body_text(folder)
    changes = [
        f
        for f in figures
        if f.get("significant")
        and f.get("direction") in ("improving", "declining")
        and not f.get("suppressed")
        and not f["id"].startswith("triangulation.")
    ]
    assert len(changes) >= 2  # the sample: assessment quality falling, timeliness rising
    for f in changes:  # written out in prose with its counts, not only a table row
        assert f"{f['label']}: a significant " in body, f["id"]
    themes = {
        f["label"].removesuffix(": triangulated evidence"): f["value"]
        for f in figures
        if f["id"].startswith("triangulation.")
    }
    corroborated = {label: status for label, status in themes.items() if "corroborated" in status}
    assert set(corroborated.values()) == {"corroborated concern", "corroborated strength"}
    front = body[body.index("\nKey messages\n") : body.index("\nThe quarter in numbers\n")]
    for label, status in corroborated.items():  # a key message of its own, named as such
        assert re.search(rf"\n\d\. {re.escape(label)} [^\n]*\({status}\)", front), label
    # every theme is named in the body, whether or not a key message reads it
    for label in themes:
        assert label in body, label
    # the recommendations are owned and dated, and point to the message that gives the evidence
    recommendations = body[body.index("\nRecommendations\n") :]
    assert "Owner: Head of Service, Safeguarding and Family Help. By: 31 December 2026." in (
        recommendations
    )
    assert "Evidence: key message 1." in recommendations


@pytestmark_packs
def test_each_area_chapter_of_the_quarterly_body_keeps_to_its_share(packs):
    page = html_reading(packs["quarterly"] / "report.html")
    text = "".join(page.parts)
    body = text.split(APPENDIX_TITLE)[0]
    firsts = [(level, words) for level, words in page.headings if level == 1]
    for chapter in AREA_CHAPTERS:
        at = [words for _, words in firsts].index(chapter)
        start = body.find("\n" + chapter + "\n")
        following = firsts[at + 1][1] if at + 1 < len(firsts) else APPENDIX_TITLE
        end = body.find("\n" + following + "\n", start + 1)
        words = len(body[start : end if end > 0 else len(body)].split())
        assert 0 < words <= AREA_CHAPTER_WORDS, (chapter, words)


@pytestmark_packs
def test_each_ilacs_area_of_the_annual_is_at_most_about_1200_words(packs):
    config = load_config(CONFIG)
    page = html_reading(packs["annual"] / "report.html")
    text = "".join(page.parts)
    headings = page.headings
    found = 0
    for area in (a.label for a in config.judgement_areas):
        at = next(i for i, (level, words) in enumerate(headings) if words == area)
        level = headings[at][0]
        following = next(words for lvl, words in headings[at + 1 :] if lvl <= level)
        start = text.find("\n" + area + "\n")
        end = text.find("\n" + following + "\n", start + 1)
        assert 0 <= start < end
        found += 1
        assert len(text[start:end].split()) <= ANNUAL_AREA_WORDS * ABOUT, area
    assert found == len(config.judgement_areas)


@pytestmark_packs
def test_the_monthly_clinic_pack_shows_no_agreement_statistic_on_few_pairs(packs):
    folder = packs["monthly"]
    figures = {f["id"]: f for f in json.loads((folder / "figures.json").read_text())}
    pairs = figures["moderation.agreement"]["denominator"]
    assert pairs < load_config(CONFIG).thresholds.small_sample  # the sample month: 11 pairs
    assert not set(AGREEMENT_STATISTICS) & set(figures)
    html = "".join(html_reading(folder / "report.html").parts)
    body = html.split(APPENDIX_TITLE)[0]
    audits = body.split("Case-file audits, moderation and actions")[-1]
    assert not re.search(r"kappa|Krippendorff|Bowker", audits, re.IGNORECASE)


@pytestmark_packs
def test_team_exception_lists_carry_an_empty_commentary_column_for_the_internal_pack(packs):
    from openpyxl import load_workbook

    book = load_workbook(packs["monthly"] / "tables.xlsx", read_only=True)
    for sheet in ("cp_visits_overdue", "cp_reviews_overdue", "actions_overdue"):
        rows = list(book[sheet].iter_rows(values_only=True))
        assert rows[0][-1] == "Commentary", sheet
        assert all(row[-1] in (None, "") for row in rows[1:]), sheet


def test_block_kinds_the_layout_knows():
    assert Block("pointer", [], {}).kind == "pointer"
