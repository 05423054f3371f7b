"""The notebooks' handle on the suite: load once, show tables, charts, Figures and text.

A notebook opens a :class:`Session` with its parameters and shows everything through it. The session
applies the audience's disclosure rules before anything is displayed, and tags each output with a
machine-readable copy (Figures, tables, chart alt text) that the pipeline collects from the executed
notebook to write ``figures.json``, ``tables.xlsx`` and the Word draft. Notebooks therefore never
write files, and an analyst in JupyterLab sees exactly what the pack shows.

Example (a notebook cell)::

    s = Session(config="../data_samples/la.yaml", period="2026-27-Q2", audience="internal")
    s.figures(audit_figures(s.evidence, s.period))
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from . import charts, disclosure
from .config import Config, load_config
from .figures import Figure, format_value
from .findings import Chart, FigureSet, Item, Section, Table, Text
from .narrative import movement_words
from .periods import Period, parse_period
from .sections import Findings, build_area, compute_findings
from .sources import Evidence, load_evidence

FIGURES_MIME = "application/vnd.qaanalysis.figures+json"
TABLE_MIME = "application/vnd.qaanalysis.table+json"
FINDINGS_ENV = "QAANALYSIS_FINDINGS"

SHOWN_ROWS = 200
"""The most rows of one table a notebook, the HTML or the Word draft shows (about five pages);
the table's payload and tables.xlsx hold every row. A data-quality list of 30,000 flagged rows is
a spreadsheet's job, not a report's (it made a notebook of 24 MB, half of it HTML)."""


def first_rows(frame: pd.DataFrame, *, limit: int = SHOWN_ROWS) -> tuple[pd.DataFrame, str]:
    """The rows of a table that are shown, and a note saying what is left to tables.xlsx."""
    if len(frame) <= limit:
        return frame, ""
    note = f"The first {limit:,} of {len(frame):,} rows are shown here; tables.xlsx has every row."
    return frame.head(limit), note


WITHHELD = "Withheld for this audience: child-level and identifiable detail appears in the internal pack only."


def _display(bundle: dict, metadata: dict | None = None) -> None:
    from IPython.display import display

    display(bundle, raw=True, metadata=metadata or {})


class Session:
    """One notebook's view of a run: configuration, period, audience and the evidence.

    Args:
        config: path to ``la.yaml`` (or a loaded Config).
        period: ``2026-27-Q2``, ``2025-26`` or ``2026-09``.
        audience: ``internal``, ``leadership`` or ``public``.

    The pack's findings come from the runner (a signed entry of the private cache named by
    ``QAANALYSIS_FINDINGS``); opened on its own, a notebook loads the evidence and computes them.
    """

    def __init__(
        self, config: str | Path | Config, period: str, audience: str = "internal"
    ) -> None:
        self.config = config if isinstance(config, Config) else load_config(config)
        self.period: Period = parse_period(period)
        self.audience = disclosure.check_audience(audience)
        self._evidence: Evidence | None = None
        self._findings: Findings | None = None
        self._sections: dict[str, Section] = {}

    @property
    def evidence(self) -> Evidence:
        """The validated evidence set (loaded once)."""
        if self._evidence is None:
            self._evidence = load_evidence(self.config)
        return self._evidence

    @property
    def findings(self) -> Findings:
        """The pack's findings, computed once: the runner's (handed over by ``QAANALYSIS_FINDINGS``)
        when it gave them for this period and audience, else computed here."""
        if self._findings is None:
            handed = _handed_findings()
            if (
                handed is not None
                and handed.period == self.period
                and handed.audience == self.audience
            ):
                self._findings = handed
            else:
                self._findings = compute_findings(
                    self.evidence, self.period, audience=self.audience
                )
        return self._findings

    def section(self, name: str) -> Section:
        """One area's section, from the pack's findings (the runner's, or computed here for the
        whole report, so that a notebook opened on its own judges the pack's change tests together
        and says what the pack says); an area outside the period's report is computed alone."""
        if name in self.findings.sections:
            return self.findings[name]
        if name not in self._sections:
            self._sections[name] = build_area(
                name, self.evidence, self.period, audience=self.audience
            )
        return self._sections[name]

    def show(self, item: Item) -> None:
        """Show one computed item: a table, a chart (drawn now), text or a set of Figures."""
        if isinstance(item, Table):
            self.table(
                item.frame,
                name=item.name,
                title=item.title,
                count_columns=list(item.count_columns),
                percent_columns=list(item.percent_columns),
                percent_of=dict(item.percent_of) if item.percent_of else None,
                child_level=item.child_level,
                note=item.note,
                rollup=item.rollup.frame if item.rollup is not None else None,
                detail=item.detail,
            )
        elif isinstance(item, Chart):
            if _nothing_to_draw(item):
                title = item.data.get("title")
                self.chart(
                    charts.message("No records for this chart in the period", title=title),
                    name=item.name,
                    alt=f"{title or item.alt}: no records in the period.",
                )
            else:
                self.chart(getattr(charts, item.draw)(**item.data), name=item.name, alt=item.alt)
        elif isinstance(item, Text):
            self.say(item.markdown)
        elif isinstance(item, FigureSet):
            self.figures(list(item.figures), title=item.title, detail=item.detail)
        else:
            raise TypeError(
                f"cannot show {type(item).__name__}: not a table, chart, text or Figures"
            )

    @property
    def internal(self) -> bool:
        return disclosure.shows_identifiers(self.audience)

    # ------------------------------------------------------------------ showing things

    def say(self, text: str) -> None:
        """A paragraph of narrative (Markdown); for the public, small shares are withheld."""
        if self.audience == "public":
            text = disclosure.suppress_text(text, self.config.suppression)
        _display({"text/markdown": text, "text/plain": text})

    def figures(
        self, figures: list[Figure], *, title: str | None = None, detail: bool = False
    ) -> None:
        """Show Figures as a small table (value with count, interval, change) and record them.

        For the public audience, Figures resting on small counts are shown suppressed. ``detail``
        marks a long reference list, which the pack shows in its appendix of detailed tables.
        """
        shown = [self._disclose_figure(f) for f in figures]
        rows = "".join(
            f"<tr><td>{html.escape(f.label)}</td>"
            f"<td>{html.escape(format_value(f))}</td><td>{_interval(f)}</td>"
            f"<td>{html.escape(_change(f))}</td></tr>"
            for f in shown
        )
        caption = f"<caption>{html.escape(title)}</caption>" if title else ""
        table = (
            f"<table class='qa-figures'>{caption}<thead><tr><th>Measure</th><th>Value</th>"
            f"<th>95% interval</th><th>Change</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        text = "\n".join(f"{f.label}: {format_value(f)}" for f in shown)
        _display(
            {FIGURES_MIME: [f.as_dict() for f in shown], "text/html": table, "text/plain": text},
            metadata={"qaanalysis": {"detail": True}} if detail else None,
        )

    def table(
        self,
        frame: pd.DataFrame,
        *,
        name: str,
        title: str,
        count_columns: list[str] = (),
        percent_columns: list[str] = (),
        percent_of: dict[str, str] | None = None,
        child_level: bool = False,
        rollup: pd.DataFrame | None = None,
        note: str = "",
        detail: bool = False,
    ) -> None:
        """Show a table and record it for ``tables.xlsx`` and the Word draft.

        Args:
            name: the sheet name in ``tables.xlsx`` (short, unique in the report).
            count_columns: counts, suppressed for the public audience.
            percent_columns: fractions shown as percentages.
            percent_of: percentage column -> the count column it is built on (suppressed with it).
            child_level: one row per child or record: shown to the internal audience only.
            rollup: for the public audience, a less detailed table (e.g. by service rather than
                team) to show when any cell of this one would be suppressed.
            detail: a detail table or row list, shown in the pack's appendix of detailed tables.
        """
        if child_level and not self.internal:
            self.say(f"**{title}.** {WITHHELD}")
            return
        shown = frame if self.internal else disclosure.drop_identifiers(frame)
        if self.audience == "public" and count_columns:
            rule = self.config.suppression
            small = (
                shown[list(count_columns)]
                .apply(pd.to_numeric, errors="coerce")
                .map(lambda v: disclosure.is_small(v, rule))
            )
            if rollup is not None and small.to_numpy().any():
                return self.table(
                    rollup,
                    name=name,
                    title=title + " (by service)",
                    count_columns=count_columns,
                    percent_columns=percent_columns,
                    percent_of=percent_of,
                    note=note,
                    detail=detail,
                )
            shown = disclosure.suppress_table(
                shown, count_columns=list(count_columns), rule=rule, percent_of=percent_of
            )
        if self.audience == "public":
            rule = self.config.suppression
            shown = shown.apply(
                lambda col: col.map(
                    lambda v: disclosure.suppress_text(v, rule) if isinstance(v, str) else v
                )
            )
        preview, cut = first_rows(shown)  # the payload below carries every row
        formatted = preview.copy()
        for column in percent_columns:
            if column in formatted:
                formatted[column] = formatted[column].map(_percent)
        formatted.columns = [humanise(c) for c in formatted.columns]
        html_table = formatted.to_html(index=False, na_rep="", classes="qa-table", border=0)
        caption = f"<p class='qa-caption'><strong>{html.escape(title)}</strong></p>"
        shown_note = f"{note} {cut}".strip()
        note_html = f"<p class='qa-note'>{html.escape(shown_note)}</p>" if shown_note else ""
        payload = {
            "name": name,
            "title": title,
            "note": note,
            "detail": detail,
            "percent_columns": [c for c in percent_columns if c in shown],
            "data": _json_frame(shown),
        }
        _display(
            {
                TABLE_MIME: payload,
                "text/html": caption + html_table + note_html,
                "text/plain": title,
            }
        )

    def chart(self, fig: plt.Figure, *, name: str, alt: str) -> None:
        """Show a chart as an embedded PNG with alternative text (kept for the Word draft)."""
        if self.audience == "public":
            alt = disclosure.suppress_text(alt, self.config.suppression)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        plt.close(fig)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        _display(
            {"image/png": data, "text/plain": alt},
            metadata={"image/png": {"alt": alt}, "qaanalysis": {"name": name, "alt": alt}},
        )

    def no_data(self, what: str) -> None:
        """Say plainly that a section has no data for the period."""
        self.say(f"*No data: {what}.*")

    def _disclose_figure(self, figure: Figure) -> Figure:
        if self.audience == "public":
            return disclosure.suppress_figure(figure, self.config.suppression)
        return figure


def _nothing_to_draw(chart: Chart) -> bool:
    """Whether a chart's data (its first frame) holds no record, every number in it missing or
    zero: a source absent or empty for the period draws a plain "no records" chart."""
    frames = [v for v in chart.data.values() if isinstance(v, pd.DataFrame)]
    if not frames:
        return False
    frame = frames[0]
    kept = [
        c
        for c in frame.columns
        if not isinstance(frame[c].dtype, pd.PeriodDtype | pd.DatetimeTZDtype)
        and not pd.api.types.is_datetime64_any_dtype(frame[c])
    ]  # dates say when, not how many
    numbers = frame[kept].apply(pd.to_numeric, errors="coerce")  # labels -> NaN
    return bool(numbers.fillna(0).eq(0).all().all())


# The findings last read from the runner's handed entry, by path: a kernel that runs several of a
# pack's notebooks reads them once (each run hands a fresh entry, under a new name).
_HANDED: dict[str, Findings | None] = {}


def _handed_findings() -> Findings | None:
    """The findings the runner computed for this pack: an entry of the user's private cache,
    checked (owner, mode, signature) before it is first read."""
    path = os.environ.get(FINDINGS_ENV)
    if not path:
        return None
    if path not in _HANDED:
        from .cache import load_path  # the runner's cache; imported only when handed one

        _HANDED.clear()  # only the current pack's findings are kept
        _HANDED[path] = load_path(path)
    return _HANDED[path]


def humanise(column: str) -> str:
    """A canonical column name as a table heading: ``rows_read`` -> "Rows read"."""
    text = str(column)
    text = text[:-4] + " (%)" if text.endswith("_pct") else text
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]


def _percent(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    try:
        return f"{100 * float(value):.0f}%"
    except (TypeError, ValueError):
        return str(value)


def _interval(figure: Figure) -> str:
    if figure.ci_low is None or figure.ci_high is None or figure.unit != "percent":
        return ""
    return f"{100 * figure.ci_low:.0f}% to {100 * figure.ci_high:.0f}%"


def _change(figure: Figure) -> str:
    comp = figure.comparison
    if not comp or comp.get("value") is None:
        return ""
    was = _percent(comp["value"]) if figure.unit == "percent" else f"{comp['value']:,.0f}"
    return f"{movement_words(figure)} (was {was}, {comp.get('label', '')})"


def _json_frame(frame: pd.DataFrame) -> dict:
    split = json.loads(frame.to_json(orient="split", index=False, date_format="iso"))
    return {"columns": [str(c) for c in split["columns"]], "data": split["data"]}
