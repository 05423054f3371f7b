"""Scanning a whole pack for what its audience must not see.

Shared by ``test_pack_sample.py`` (the committed sample), ``test_pack_second_seed.py`` (a second
synthetic authority) and ``test_hostile_sources.py`` (packs built from hostile exports). Every
scan reads the pack's files as a reader's program would (the HTML parsed, the Word and Excel
files unzipped, every cell of every sheet) and returns what it found, so a test can say
``assert not found``. Nothing here imports the package's own disclosure code: the scans are a
second method, not the first one run again.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

# Headers of input columns holding an identifier of a child, a practitioner or a record.
IDENTIFIER_HEADERS = {
    "Audit Ref",
    "Child ID",
    "Worker ID",
    "Auditor ID",
    "Action ID",
    "Action Ref",
    "Reference",
    "Response ID",
    "Alert ID",
    "Alert Ref",
    "Child Unique ID",
    "Allocated Worker",
    "Family identifier",
    "Individual adopter identifier",
}
# A spreadsheet reads a cell opening with one of these as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TOKEN = re.compile(r"[A-Za-z0-9_/-]+")


def _input_frames(folder: Path):
    for path in sorted([*folder.glob("*.csv"), *folder.glob("annex_a/*.csv")]):
        yield pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    for path in sorted(folder.glob("*.xlsx")):
        grid = pd.read_excel(path, dtype=str, header=None, engine="openpyxl")
        # the header is the first row naming an identifier column (title rows above it)
        at = next(i for i, row in grid.iterrows() if IDENTIFIER_HEADERS & set(row.dropna()))
        frame = grid.iloc[at + 1 :]
        frame.columns = grid.iloc[at].tolist()
        yield frame


def input_identifiers(folder: Path) -> set[str]:
    """Every identifier in an authority's exports (four characters or more), from the raw files."""
    found: set[str] = set()
    for frame in _input_frames(folder):
        for column in set(frame.columns) & IDENTIFIER_HEADERS:
            found |= {v for v in frame[column].dropna().astype(str) if len(v) >= 4}
    return found


def _xlsx_text(path: Path) -> str:
    book = load_workbook(path)
    lines = []
    for sheet in book.worksheets:
        lines.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            lines.append("\t".join("" if v is None else str(v) for v in row))
    return "\n".join(lines)


def pack_texts(folder: Path) -> dict[str, str]:
    """The text of every file of a pack, by path inside it (Word: every XML part; Excel: every
    cell of every sheet and the sheet names; images are skipped, their alternative text is in the
    HTML and Word files)."""
    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                for part in z.namelist():
                    if part.endswith((".xml", ".rels")):
                        texts[f"{name}:{part}"] = z.read(part).decode("utf-8")
        elif path.suffix == ".xlsx":
            texts[name] = _xlsx_text(path)
        elif path.suffix in (".html", ".json", ".ipynb", ".csv", ".md", ".txt"):
            texts[name] = path.read_text(encoding="utf-8")
    return texts


def leaked_identifiers(texts: dict[str, str], identifiers: set[str]) -> dict[str, list[str]]:
    """Per file, the input identifiers it shows (a few of each)."""
    out = {}
    for name, text in texts.items():
        leaked = set(TOKEN.findall(text)) & identifiers
        if leaked:
            out[name] = sorted(leaked)[:5]
    return out


def paths_named(texts: dict[str, str], folders: list[Path]) -> dict[str, str]:
    """Per file, a folder of this machine it names."""
    return {name: str(f) for name, text in texts.items() for f in folders if str(f) in text}


class _Markup(HTMLParser):
    """Collects every live element and attribute that could run or load something."""

    RISKY = {"script", "iframe", "object", "embed", "svg", "math", "form", "base", "link", "meta"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.csp = ""

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == (
            "content-security-policy"
        ):
            self.csp = values.get("content") or ""
        elif tag == "meta" and set(values) <= {"charset", "name", "content"}:
            pass  # <meta charset>, <meta name="viewport">: inert
        elif tag in self.RISKY:
            self.found.append(f"<{tag}>")
        for key, value in attrs:
            if key.startswith("on"):
                self.found.append(f"<{tag} {key}=...>")
            if key in ("href", "src", "action", "formaction") and value:
                lowered = value.strip().lower()
                if lowered.startswith(("javascript:", "vbscript:")):
                    self.found.append(f"<{tag} {key}={value[:40]}>")
                if key == "src" and not lowered.startswith("data:image/"):
                    self.found.append(f"<{tag} src={value[:40]}>")


def live_markup(html: str) -> tuple[list[str], str]:
    """The live elements and attributes of a page that could run or load something, and the
    page's Content-Security-Policy."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.found, parser.csp


def live_formulas_xlsx(path: Path) -> list[str]:
    """Every cell of every sheet that a spreadsheet would run: a formula, or text opening with a
    formula character that is not stored as typed text (openpyxl's quote prefix)."""
    bad = []
    for sheet in load_workbook(path).worksheets:
        if sheet.title.startswith(FORMULA_START):
            bad.append(f"sheet named {sheet.title!r}")
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    bad.append(f"{where}: formula {cell.value!r}")
                elif cell.data_type in ("n", "d", "b") or cell.value is None:
                    continue
                elif cell.data_type in ("s", "inlineStr", "str"):
                    text = str(cell.value)
                    if text.startswith(FORMULA_START) and not cell.quotePrefix:
                        bad.append(f"{where}: text {text[:40]!r} without the quote prefix")
                else:
                    bad.append(f"{where}: cell of type {cell.data_type!r}")
    return bad


def live_formulas_csv(path: Path) -> list[str]:
    """Every cell of a CSV file a spreadsheet would read as a formula (numbers, negative ones
    included, are numbers)."""
    bad = []
    with path.open(encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.reader(handle), start=1):
            for j, cell in enumerate(row, start=1):
                if cell.startswith(FORMULA_START) and not _is_number(cell):
                    bad.append(f"line {i}, cell {j}: {cell[:40]!r}")
    return bad


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def word_fields(path: Path) -> list[str]:
    """Field codes (which Word runs: DDE, INCLUDETEXT, HYPERLINK) and external links in a .docx."""
    found = []
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            text = z.read(part).decode("utf-8", "replace") if part.endswith(("xml", "rels")) else ""
            for marker in ("<w:instrText", "<w:fldSimple", "<w:fldChar", "ddeLink"):
                if marker in text:
                    found.append(f"{part}: {marker}")
            if 'TargetMode="External"' in text:
                found.append(f"{part}: an external link")
    return found


# -- small counts (public packs)

SMALL = range(1, 6)
K_OF_N = re.compile(r"\b(\d[\d,]*) of (\d[\d,]*)\b")
AGAINST = re.compile(r"\bagainst (\d[\d,]*)\b(?! ?%)")
COUNTED = re.compile(  # "stage 1 complaints" names a stage, "5.1 complaints" a rate: not counts
    r"(?<![Ss]tage )(?<![\d.,])\b(\d+) (?:audits?|complaints?|compliments?|alerts?|actions?|responses?|children|child|"
    r"records?|cases?|escalations?|families|young people|care leavers|rows?)\b"
)
COUNT_HEADINGS = re.compile(r"(\(number\)|^Number$|^Out of$|^Count$|^Audits$|^Complaints$)")


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def small_counts_in_text(text: str) -> list[str]:
    """Counts from 1 to 5 stated in prose: "2 of 9" (or 7 of 9: 2 not), "against 3",
    "4 complaints"."""
    found = []
    for match in K_OF_N.finditer(text):
        k, n = _int(match[1]), _int(match[2])
        if any(v in SMALL for v in (k, n, n - k)):
            found.append(match[0])
    for pattern in (AGAINST, COUNTED):
        found += [m[0] for m in pattern.finditer(text) if _int(m[1]) in SMALL]
    return found


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        for key, value in attrs:
            if key in ("alt", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_words(html: str) -> str:
    """What a reader of the page sees and hears: its text and its alternative texts."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def small_counts_in_tables(path: Path) -> list[str]:
    """Counts from 1 to 5 in count columns of every sheet of tables.xlsx."""
    found = []
    for sheet in load_workbook(path).worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows or sheet.title in ("contents", "figures"):
            continue
        columns = [j for j, h in enumerate(rows[0]) if h and COUNT_HEADINGS.search(str(h))]
        for i, row in enumerate(rows[1:], start=2):
            for j in columns:
                value = row[j]
                if isinstance(value, int | float) and value in SMALL:
                    found.append(f"{sheet.title} row {i} {rows[0][j]}: {value}")
    return found


def comparison_counts(figure: dict) -> list[int]:
    """Every count a Figure's comparison states (its value for a count Figure; the numerator,
    denominator and their difference of any share or span)."""
    comp = figure.get("comparison") or {}
    out = []
    parts = [comp, *comp.get("others", []), *(v for v in comp.values() if isinstance(v, dict))]
    for part in parts:
        if figure["unit"] == "count" and isinstance(part.get("value"), int | float):
            out.append(part["value"])
        k, n = part.get("numerator"), part.get("denominator")
        if isinstance(k, int | float) and isinstance(n, int | float):
            out += [k, n, n - k]
    return [int(v) for v in out if float(v).is_integer()]


def small_counts_in_figures(figures: list[dict]) -> list[str]:
    """Figures shown (not suppressed) that state a count from 1 to 5, in value or comparison."""
    found = []
    for figure in figures:
        if figure.get("suppressed"):
            continue
        k, n = figure.get("numerator"), figure.get("denominator")
        counts = [figure["value"]] if figure["unit"] == "count" else []
        if isinstance(k, int | float) and isinstance(n, int | float):
            counts += [k, n, n - k]
        counts += comparison_counts(figure)
        found += [f"{figure['id']}: {c}" for c in counts if c in SMALL]
    return found


def small_counts_in_pack(folder: Path) -> list[str]:
    """Every count from 1 to 5 a public pack states: prose and alternative text (HTML, Word,
    notebooks' drafted text), count columns of its tables, and figures.json."""
    found = []
    html = (folder / "report.html").read_text(encoding="utf-8")
    found += [f"report.html: {m}" for m in small_counts_in_text(html_words(html))]
    with zipfile.ZipFile(folder / "report.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    words = " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    found += [f"report.docx: {m}" for m in small_counts_in_text(words)]
    for notebook in sorted((folder / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                text = "".join(output.get("data", {}).get("text/markdown", []))
                found += [f"{notebook.name}: {m}" for m in small_counts_in_text(text)]
    found += [f"tables.xlsx: {m}" for m in small_counts_in_tables(folder / "tables.xlsx")]
    figures = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
    found += [f"figures.json: {m}" for m in small_counts_in_figures(figures)]
    return found


def csv_rows(path: Path) -> list[list[str]]:
    """A CSV file's cells as written."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
