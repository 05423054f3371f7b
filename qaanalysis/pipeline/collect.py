"""Reading what executed notebooks showed: Figures, tables, charts and text, in order.

The Session tags each displayed output with a machine-readable copy (see ``qaanalysis.session``);
this module walks an executed notebook and yields its content as blocks for the renderers.
"""

from __future__ import annotations

import html
import re
import weakref
from dataclasses import dataclass
from typing import Any

import nbformat
import pandas as pd

from ..session import FIGURES_MIME, TABLE_MIME


@dataclass
class Block:
    """One piece of report content: ``markdown``, ``figures``, ``table`` or ``image``."""

    kind: str
    content: Any
    meta: dict


# The blocks of notebooks read lately: a pack asks for each notebook's blocks five times (its
# Figures, citations, tables, the HTML and the Word draft), and a large table's frame is costly
# to build. An entry holds the notebook weakly and is dropped when the notebook is.
_READ: dict[int, tuple[weakref.ref, tuple, list[Block]]] = {}


def _stamp(notebook: nbformat.NotebookNode) -> tuple:
    """What changes when a cell is added, removed or replaced, or gains or loses outputs."""
    return tuple(
        (id(cell), id(cell.get("source")), id(cell.get("outputs")), len(cell.get("outputs", ())))
        for cell in notebook.cells
    )


def blocks(notebook: nbformat.NotebookNode) -> list[Block]:
    """The report content of an executed notebook, in reading order.

    Markdown cells are kept (except a cell tagged ``hide``); code is never shown; of each code
    cell's outputs, the tagged Figures, tables and charts, and Markdown text, are kept. Errors
    and stray printed text are not report content. The blocks are shared by every caller that
    reads the same notebook (unchanged since): treat them as read-only.
    """
    key, stamp = id(notebook), _stamp(notebook)
    known = _READ.get(key)
    if known is not None and known[0]() is notebook and known[1] == stamp:
        return list(known[2])
    out = _blocks(notebook)
    try:
        held = weakref.ref(notebook, lambda _, key=key: _READ.pop(key, None))
    except TypeError:  # a plain dict cannot be held weakly: not remembered
        return out
    _READ[key] = (held, stamp, out)
    return list(out)


def _blocks(notebook: nbformat.NotebookNode) -> list[Block]:
    out: list[Block] = []
    for cell in notebook.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "hide" in tags or "parameters" in tags or "injected-parameters" in tags:
            continue
        if cell.cell_type == "markdown":
            out.append(Block("markdown", cell.source, {}))
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            meta = output.get("metadata", {})
            if FIGURES_MIME in data:
                detail = bool(meta.get("qaanalysis", {}).get("detail"))
                out.append(
                    Block(
                        "figures", data[FIGURES_MIME], {"title": _caption(data), "detail": detail}
                    )
                )
            elif TABLE_MIME in data:
                payload = data[TABLE_MIME]
                frame = pd.DataFrame(payload["data"]["data"], columns=payload["data"]["columns"])
                out.append(Block("table", frame, payload))
            elif "image/png" in data:
                info = meta.get("qaanalysis", {})
                alt = info.get("alt") or data.get("text/plain", "chart")
                out.append(Block("image", data["image/png"], {"alt": alt, **info}))
            elif "text/markdown" in data:
                out.append(Block("markdown", data["text/markdown"], {}))
    return out


def _caption(data: dict) -> str:
    """The title the Session gave a Figures table (its HTML caption, unescaped), or ""."""
    shown = data.get("text/html", "")
    shown = "".join(shown) if isinstance(shown, list) else str(shown)
    match = re.search(r"<caption>(.*?)</caption>", shown, re.DOTALL)
    return html.unescape(match[1]) if match else ""


def figures_of(notebooks: list[nbformat.NotebookNode]) -> list[dict]:
    """Every Figure shown in the notebooks, once per id (first shown wins), in order shown.

    Raises:
        ValueError: two notebooks showed the same Figure id with different values, which would
            make the pack contradict itself.
    """
    seen: dict[str, dict] = {}
    for notebook in notebooks:
        for block in blocks(notebook):
            if block.kind != "figures":
                continue
            for figure in block.content:
                previous = seen.get(figure["id"])
                if previous is None:
                    seen[figure["id"]] = figure
                elif _key(previous) != _key(figure):
                    raise ValueError(
                        f"Figure {figure['id']} was shown with two different values: "
                        f"{previous['value']!r} and {figure['value']!r}"
                    )
    return list(seen.values())


def _key(figure: dict) -> tuple:
    return (figure.get("value"), figure.get("numerator"), figure.get("denominator"))


def tables_of(notebooks: list[nbformat.NotebookNode]) -> list[tuple[str, str, pd.DataFrame]]:
    """Every table shown, as (name, title, frame), names made unique.

    Each frame's ``attrs`` carry its ``percent_columns`` (fractions shown as percentages) and note.
    """
    tables, names = [], set()
    for notebook in notebooks:
        for block in blocks(notebook):
            if block.kind != "table":
                continue
            name = block.meta["name"]
            base, i = name, 2
            while name in names:
                name, i = f"{base}_{i}", i + 1
            names.add(name)
            frame = block.content
            frame.attrs["percent_columns"] = list(block.meta.get("percent_columns", []))
            frame.attrs["note"] = block.meta.get("note", "")
            tables.append((name, block.meta["title"], frame))
    return tables


_CITATION = re.compile(r"\[([^\]]+)\]\(#figure-([^)]+)\)")


def cited_ids(notebooks: list[nbformat.NotebookNode]) -> set[str]:
    """Every Figure id cited by a Markdown link ``[text](#figure-<id>)``."""
    ids = set()
    for notebook in notebooks:
        for block in blocks(notebook):
            if block.kind == "markdown":
                ids |= {m[2] for m in _CITATION.finditer(block.content)}
    return ids
