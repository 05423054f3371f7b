"""What the three renderers share: Figures from their JSON, fixed dates and reproducible zips."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from ..figures import Figure
from ..session import first_rows
from .collect import Block
from .layout import Detail, reader_frame
from .safe_text import display_value, heading

LANGUAGE = "en-GB"
# A fixed document date when the caller gives none: a rerun must not change the file.
DEFAULT_ISSUED = dt.datetime(2000, 1, 1)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


def _figure(payload: dict) -> Figure:
    return Figure(**{k: payload.get(k) for k in Figure.__dataclass_fields__ if k in payload})


def _detail_caption(detail: Detail) -> str:
    return f"{detail.label}. {detail.title}" if detail.title else detail.label


def _fixed_zip(data: bytes, when: dt.datetime, edit=None) -> bytes:
    """The same zip with every entry dated ``when`` and stored in the same way, so reruns match;
    ``edit(name, content) -> content``, when given, may change an entry on the way."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            content = source.read(info.filename)
            target.writestr(entry, edit(info.filename, content) if edit else content)
    return out.getvalue()


def _when(issued: dt.date | dt.datetime | None) -> dt.datetime:
    if issued is None:
        return DEFAULT_ISSUED
    # a plain datetime, whole seconds, whatever came in (date, datetime, pandas Timestamp)
    parts = [getattr(issued, name, 0) for name in ("hour", "minute", "second")]
    return dt.datetime(issued.year, issued.month, issued.day, *parts)


def shown_table(block: Block, view: dict) -> tuple[list[str], list[list[str]], str]:
    """A table block as the HTML and Word drafts show it: its headings, every cell's text (the
    rows a draft shows, ``layout.reader_frame``, ``display_value``) and the note saying what it
    left to tables.xlsx. Worked out once per block and view, for both drafts."""
    key = (view.get("labels"), view.get("refs"))
    known = getattr(block, "_qa_shown", None)
    if known is not None and known[0] == key:
        return known[1]
    percent = set(block.meta.get("percent_columns", []))
    rows, cut = first_rows(block.content)
    frame = reader_frame(rows, percent=percent, **view)
    shares = [c in percent for c in frame.columns]
    cells = [
        [
            display_value(v, column=c, percent=share)
            for c, share, v in zip(frame.columns, shares, record, strict=True)
        ]
        for record in frame.itertuples(index=False, name=None)
    ]
    shown = ([heading(c) for c in frame.columns], cells, cut)
    block._qa_shown = (key, shown)
    return shown
