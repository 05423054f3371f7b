"""Data quality: row accounting, completeness, and freshness of every source on its key date.

Read before any other section: a figure is only as good as the rows behind it.
"""

from __future__ import annotations

import re

import pandas as pd

from .. import figures as fig
from ..figures import Figure
from ..periods import Period
from ..sources import Evidence, activity_dates, key_dates
from ..sources.annex_a import LIST_TITLES, list_number
from ..sources.published import region_mismatch
from ..sources.schema import SIMPLE_SOURCES, audit_columns
from .performance import KPI_DEFINITIONS, missing_inputs

# The date that places a record in time, per source and Annex A list: declared once, in sources.
KEY_DATES = key_dates()


_SOURCE_LABELS = {"kpis": "Scorecard KPIs", "annex_a": "Annex A"}
_ACRONYMS = {"cin": "CIN", "cp": "CP", "cla": "CLA", "icpc": "ICPC", "iro": "IRO", "uasc": "UASC"}


def source_label(source: str) -> str:
    """A source as a reader names it: ``annex_a.list_7`` -> "Annex A List 7 (Child protection
    plans)", ``audit_actions`` -> "Audit actions"."""
    if source.startswith("annex_a."):
        list_id = source.split(".", 1)[1]
        return f"Annex A List {list_number(list_id)} ({LIST_TITLES[list_id]})"
    return _SOURCE_LABELS.get(source, source.replace("_", " ").capitalize())


def column_label(column: str) -> str:
    """A canonical column as a reader names it: ``cin_start_date`` -> "CIN start date"."""
    words = [_ACRONYMS.get(w, w) for w in column.split("_")]
    first = words[0] if words[0] in _ACRONYMS.values() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def _frames(evidence: Evidence) -> dict[str, pd.DataFrame]:
    frames = {name: evidence.frames[name] for name in KEY_DATES if name in evidence.frames}
    frames.update({f"annex_a.{k}": v for k, v in evidence.annex_a.items()})
    return frames


def row_accounting(evidence: Evidence) -> pd.DataFrame:
    """Rows read, accepted and rejected per source, and optional values blanked.

    Rows read always equals rows accepted plus rows rejected; ``accepted_pct`` is accepted / read.
    """
    table = evidence.report.summary()
    table["accepted_pct"] = table["rows_accepted"] / table["rows_read"].where(
        table["rows_read"] > 0
    )
    return table


def completeness(evidence: Evidence) -> pd.DataFrame:
    """Share of accepted rows with a value, per source and canonical column (ordered worst first)."""
    rows = []
    for source, frame in _frames(evidence).items():
        if not len(frame):
            continue
        for column in frame.columns:
            filled = int(frame[column].notna().sum())
            rows.append(
                {
                    "source": source_label(source),
                    "column": column_label(column),
                    "filled": filled,
                    "rows": len(frame),
                    "filled_pct": filled / len(frame),
                }
            )
    columns = ["source", "column", "filled", "rows", "filled_pct"]
    return pd.DataFrame(rows, columns=columns).sort_values(["filled_pct", "source", "column"])


def freshness(evidence: Evidence, period: Period) -> pd.DataFrame:
    """How far each source and Annex A list reaches, measured on its key date, against the extract
    date and the period.

    Per source with rows: the key date (:data:`KEY_DATES`), its earliest and latest value,
    ``days_before_extract`` (from the latest key date to the extract date), ``latest_record``
    (Annex A: the latest of every start, visit, review or end on the list; else the latest key
    date), the number of calendar months between the earliest and latest key dates with no record
    (gaps), and ``status``:

    - ``ends_before_period``: nothing dated on or after the period's first day; for an Annex A
      list its stock KPIs are withheld (:meth:`Evidence.stale_list`, reason in ``withheld``);
    - ``none_in_period``: records continue into the period but no key date falls in it;
    - ``current``: a key date falls in the period.
    """
    rows = []
    for source, frame in _frames(evidence).items():
        column = KEY_DATES.get(source)
        if not len(frame) or column is None or column not in frame:
            continue
        dates = frame[column].dropna()
        if dates.empty:
            continue
        withheld = ""
        if source.startswith("annex_a."):
            list_id = source.split(".", 1)[1]
            latest_record, _ = evidence.latest_activity(list_id)
            withheld = evidence.stale_list(list_id, period)
        else:
            latest_record = dates.max()
        if latest_record is None or latest_record < period.start:
            status = "ends_before_period"
        elif not period.contains(dates).any():
            status = "none_in_period"
        else:
            status = "current"
        months = dates.dt.year * 12 + dates.dt.month  # a calendar month as one number
        gaps = int(months.max() - months.min() + 1 - months.nunique())
        rows.append(
            {
                "source": source_label(source),
                "key_date": column_label(column),
                "earliest": dates.min(),
                "latest": dates.max(),
                "days_before_extract": int((evidence.extract_date - dates.max()).days),
                "latest_record": latest_record,
                "months_without_records": gaps,
                "status": status,
                "withheld": withheld,
            }
        )
    columns = [
        "source",
        "key_date",
        "earliest",
        "latest",
        "days_before_extract",
        "latest_record",
        "months_without_records",
        "status",
        "withheld",
    ]
    return pd.DataFrame(rows, columns=columns)


def stale_lists(evidence: Evidence, period: Period) -> dict[str, str]:
    """Annex A lists whose records end before the period, with why their stock KPIs are withheld."""
    out = {}
    for list_id, frame in evidence.annex_a.items():
        if len(frame) and activity_dates(list_id):
            why = evidence.stale_list(list_id, period)
            if why:
                out[list_id] = why
    return out


# A value quoted back in a reason ('...' or "..."): typed by a person, so possibly identifying.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def reason_kind(reason: str) -> str:
    """A rejection reason without the value it quotes or the fix it suggests for that value:
    "not a grade on the configured scale (...)" from "...; 'Gd' looks like Good; to accept it..."."""
    return _QUOTED.sub("a value", str(reason).split("; ")[0]).strip()


def problem_summary(evidence: Evidence, *, by_kind: bool = False) -> pd.DataFrame:
    """Rejected rows and blanked values grouped by source, column and reason, with counts.

    ``by_kind`` groups by :func:`reason_kind` (no typed value, no suggested fix): what leadership
    and public packs show.
    """
    problems = evidence.report.problems()
    if problems.empty:
        return pd.DataFrame(columns=["source", "effect", "column", "reason", "count"])
    if by_kind:
        problems = problems.assign(reason=problems["reason"].map(reason_kind))
    return (
        problems.groupby(["source", "effect", "column", "reason"], as_index=False)
        .size()
        .rename(columns={"size": "count"})
        .sort_values("count", ascending=False)
    )


def notes(evidence: Evidence) -> str:
    """Loader notes (empty files, absent lists, configured columns not found) as a Markdown list."""
    found = [f"- {name}: {n}" for name, r in evidence.report.sources.items() for n in r.notes]
    return "\n".join(found) or "No loader notes."


def data_quality_figures(evidence: Evidence, period: Period) -> list[Figure]:
    """``data_quality.<source>.accepted``: share of rows read that were accepted, per source."""
    out = []
    for name, report in evidence.report.sources.items():
        if report.rows_read:
            out.append(
                fig.proportion(
                    f"data_quality.{name}.accepted",
                    f"{name.replace('_', ' ').capitalize()}: rows accepted",
                    k=report.rows_accepted,
                    n=report.rows_read,
                    period=period.code,
                    source=name,
                )
            )
    return out


# ----------------------------------------------------------------------------- silent gaps


def _loaded(evidence: Evidence, source: str) -> bool:
    """Whether a source was configured and read (a file with a header), whatever its rows."""
    report = evidence.report.sources.get(source)
    return bool(report is not None and report.files and report.columns_found)


def unmapped_measures(evidence: Evidence) -> pd.DataFrame:
    """Every measure that cannot be computed because a column it needs is not mapped or is blank.

    For each source read, each optional column declaring the measures that need it
    (``Column.needed_for`` in :mod:`qaanalysis.sources.schema`): ``problem`` is ``not_mapped``
    (no column of the export matched it) or ``blank`` (matched, no value in any accepted row).
    For Annex A, each KPI that cannot be computed (:func:`measures.performance.missing_inputs`)
    from a list that was supplied.

    Returns:
        ``source``, ``column``, ``problem``, ``measures`` (the measures in words, ``; ``-joined).
    """
    schemas = {"audits": audit_columns(evidence.config.domain_ids), **SIMPLE_SOURCES}
    rows = []
    for source, columns in schemas.items():
        if not _loaded(evidence, source):
            continue
        found = evidence.report.sources[source].columns_found
        frame = evidence.frames.get(source, pd.DataFrame())
        for column in columns:
            if not column.needed_for:
                continue
            if column.name not in found:
                problem = "not_mapped"
            elif len(frame) and frame[column.name].isna().all():
                problem = "blank"
            else:
                continue
            rows.append(
                {
                    "source": source_label(source),
                    "column": column_label(column.name),
                    "problem": problem,
                    "measures": "; ".join(column.needed_for),
                }
            )
    if _loaded(evidence, "annex_a"):
        for kpi_id, d in KPI_DEFINITIONS.items():
            frame = evidence.annex_a.get(d.list_id)
            if frame is None or not len(frame):
                continue
            why = missing_inputs(evidence, kpi_id)
            if why:
                kpi = evidence.config.kpis.get(kpi_id)
                rows.append(
                    {
                        "source": source_label(f"annex_a.{d.list_id}"),
                        "column": why,
                        "problem": "not_computable",
                        "measures": kpi.label if kpi else kpi_id,
                    }
                )
    return pd.DataFrame(rows, columns=["source", "column", "problem", "measures"])


def not_measured(evidence: Evidence, source: str, column: str) -> bool:
    """Whether a measure resting on ``source.column`` is not measured (the column unmapped, or
    blank in every accepted row), so that it is reported as not measured rather than zero."""
    if not _loaded(evidence, source):
        return False
    if column not in evidence.report.sources[source].columns_found:
        return True
    frame = evidence.frames.get(source, pd.DataFrame())
    return bool(len(frame)) and bool(frame[column].isna().all())


# Theme-map entries whose codes must match a row of a source: entry -> (source, column).
THEME_CODES = {
    "complaint_categories": ("complaints", "category"),
    "escalation_categories": ("escalations", "category"),
    "feedback_questions": ("feedback", "question"),
}


def theme_gaps(evidence: Evidence) -> pd.DataFrame:
    """Theme-map codes that match no row or no declared measure.

    - ``complaint_categories``, ``escalation_categories``, ``feedback_questions``: a code no
      accepted row of the source carries (judged only when the source has rows);
    - ``audit_domains``: a domain no accepted audit grades (when audits have rows);
    - ``kpis``: a KPI not declared in the catalogue (``kpis:``), or declared with no data: a
      scorecard KPI with no row in the scorecard export, an Annex A KPI not computable.

    Returns:
        ``theme``, ``entry`` (the theme-map key), ``code``, ``problem`` (``no_row``,
        ``not_declared``, ``not_computable``), ``detail``.
    """
    config = evidence.config
    rows = []

    def add(theme_id, entry, code, problem, detail=""):
        rows.append(
            {
                "theme": config.themes[theme_id].label,
                "entry": entry,
                "code": code,
                "problem": problem,
                "detail": detail,
            }
        )

    present = {}  # entry -> the codes the source's rows carry (judged when it has rows)
    for entry, (source, column) in THEME_CODES.items():
        frame = evidence.frames.get(source, pd.DataFrame())
        if len(frame) and column in frame:
            present[entry] = {str(code) for code in frame[column].dropna().unique()}
    for theme_id, theme in config.themes.items():
        for entry, codes in present.items():
            source, column = THEME_CODES[entry]
            for code in getattr(theme, entry):
                if code not in codes:
                    add(theme_id, entry, code, "no_row", f"no {source} row has {column} {code}")
        audits = evidence.frames.get("audits", pd.DataFrame())
        for domain in theme.audit_domains:
            if len(audits) and (domain not in audits or audits[domain].isna().all()):
                add(theme_id, "audit_domains", domain, "no_row", "no audit grades this domain")
        kpis = evidence.frames.get("kpis", pd.DataFrame())
        for kpi_id in theme.kpis:
            kpi = config.kpis.get(kpi_id)
            if kpi is None:
                add(theme_id, "kpis", kpi_id, "not_declared", "not a KPI of the catalogue (kpis:)")
            elif kpi_id in KPI_DEFINITIONS:
                if evidence.has("annex_a"):
                    why = missing_inputs(evidence, kpi_id)
                    if why:
                        add(theme_id, "kpis", kpi_id, "not_computable", why)
            elif len(kpis) and not (kpis["kpi_id"] == kpi_id).any():
                add(theme_id, "kpis", kpi_id, "no_row", "no scorecard row has this KPI")
    return pd.DataFrame(rows, columns=["theme", "entry", "code", "problem", "detail"])


def unthemed_categories(evidence: Evidence) -> pd.DataFrame:
    """Complaint and escalation categories in the data that no theme lists, with their rows:
    records that feed no theme's triangulation.

    Returns:
        ``source``, ``category``, ``rows``.
    """
    rows = []
    for entry in ("complaint_categories", "escalation_categories"):
        source, column = THEME_CODES[entry]
        frame = evidence.frames.get(source, pd.DataFrame())
        if not len(frame) or column not in frame:
            continue
        themed = {c for t in evidence.config.themes.values() for c in getattr(t, entry)}
        counts = frame[column].dropna().astype(str).value_counts()
        for category, n in sorted(counts.items()):
            if category not in themed:
                rows.append({"source": source_label(source), "category": category, "rows": int(n)})
    return pd.DataFrame(rows, columns=["source", "category", "rows"])


def region_problem(evidence: Evidence) -> str:
    """Why ``authority.region`` does not fit ``authority.la_code`` ("" when it does)."""
    return region_mismatch(evidence.config, evidence.published)
