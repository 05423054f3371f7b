"""Sources: read every configured export into one validated evidence set.

``load_evidence(config)`` is the only entry point the rest of the package needs. Only this package
and :mod:`qaanalysis.config` read input files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import SOURCE_NAMES, Config
from ..periods import Period
from . import annex_a, checks
from .published import load_published
from .reader import Problem, SourceError, SourceReport, empty_dtype, read_source
from .schema import ANNEX_A_FRESHNESS_DATES, KEY_DATES, SIMPLE_SOURCES, audit_columns

__all__ = [
    "Evidence",
    "LoadReport",
    "Problem",
    "SourceError",
    "SourceReport",
    "key_dates",
    "load_evidence",
]


def key_dates() -> dict[str, str]:
    """The key date of every source and Annex A list (``annex_a.list_7`` -> ``cp_plan_start_date``):
    the date that places a record in time, on which freshness is measured."""
    lists = {**annex_a.KEY_DATES, **ANNEX_A_FRESHNESS_DATES}
    return {
        **KEY_DATES,
        **{f"annex_a.{k}": lists[k] for k in annex_a.LIST_IDS if k in lists},
    }


def activity_dates(list_id: str) -> tuple[str, ...]:
    """Every column of an Annex A list dating something that happened (a start, a visit, a review,
    an end): its date columns other than dates of birth and dates that may lie ahead."""
    return tuple(
        c.name
        for c in annex_a.ANNEX_A_LISTS[list_id]
        if c.kind == "date" and not c.birth_date and c.not_after_extract
    )


@dataclass
class LoadReport:
    """Row accounting for every source, and the messages that stopped loading (``fatal``).

    ``empty`` lists each configured source that loaded but has no accepted rows (header only, or
    every row rejected): ``{"source", "required", "message"}``. A source configured
    ``required: true`` that is empty is also in ``fatal``. ``flags`` holds, per source, the rows
    the cross-field checks (:mod:`~qaanalysis.sources.checks`) flagged but kept.
    """

    sources: dict[str, SourceReport] = field(default_factory=dict)
    fatal: list[str] = field(default_factory=list)
    empty: list[dict] = field(default_factory=list)
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    file_hashes: dict[str, str] = field(default_factory=dict)
    flags: dict[str, list[Problem]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.fatal

    def as_dict(self) -> dict:
        """The ``validate --json`` object of DESIGN.md."""
        sources = {n: r.as_dict() for n, r in self.sources.items()}
        for name, flagged in self.flags.items():
            if name in sources:
                sources[name]["flagged"] = [p.as_dict() for p in flagged]
        return {"sources": sources, "empty": self.empty, "fatal": self.fatal}

    def summary(self) -> pd.DataFrame:
        """One row per source: files, rows read, accepted, rejected, flagged, values blanked."""
        return pd.DataFrame(
            [
                {
                    "source": name,
                    "files": len(r.files),
                    "rows_read": r.rows_read,
                    "rows_accepted": r.rows_accepted,
                    "rows_rejected": r.rows_rejected,
                    "rows_flagged": len({(p.file, p.row) for p in self.flags.get(name, [])}),
                    "values_blanked": len(r.warnings),
                }
                for name, r in self.sources.items()
            ]
        )

    def problems(self) -> pd.DataFrame:
        """Every rejection, flagged row and blanked value, one row each, with its source."""
        rows = [
            {"source": name, "effect": effect, **p.as_dict()}
            for name, r in self.sources.items()
            for effect, problems in (
                ("row rejected", r.rejections),
                ("row used, flagged", self.flags.get(name, [])),
                ("value blanked", r.warnings),
            )
            for p in problems
        ]
        columns = ["source", "effect", "file", "row", "column", "value", "reason"]
        order = {name: i for i, name in enumerate(self.sources)}
        frame = pd.DataFrame(rows, columns=columns)
        frame = frame.assign(_order=frame["source"].map(order))
        return frame.sort_values(["_order", "file", "row"], kind="stable").drop(columns="_order")


@dataclass
class Evidence:
    """The validated evidence set: one canonical frame per source (empty when absent)."""

    config: Config
    extract_date: pd.Timestamp
    frames: dict[str, pd.DataFrame]
    annex_a: dict[str, pd.DataFrame]
    report: LoadReport
    published: dict[str, pd.DataFrame] = field(
        default_factory=dict
    )  # DfE files, by name in la.yaml

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(name)

    def has(self, source: str) -> bool:
        """Whether a source has any accepted rows."""
        if source == "annex_a":
            return any(len(f) for f in self.annex_a.values())
        return source in self.frames and len(self.frames[source]) > 0

    def latest_activity(self, list_id: str) -> tuple[pd.Timestamp | None, str]:
        """The latest date on an Annex A list (any start, visit, review or end: every column of
        :func:`activity_dates`) and its column; ``(None, "")`` when the list has no dated row."""
        frame = self.annex_a.get(list_id)
        if frame is None or not len(frame):
            return None, ""
        latest = {
            c: frame[c].max()
            for c in activity_dates(list_id)
            if c in frame and frame[c].notna().any()
        }
        if not latest:
            return None, ""
        column = max(latest, key=latest.get)
        return pd.Timestamp(latest[column]), column

    def stale_list(self, list_id: str, period: Period) -> str:
        """Why an Annex A list cannot describe ``period`` ("" when it can).

        A list is stale for a period when nothing on it (no start, visit, review or end) is dated
        on or after the period's first day: its records end before the period, so a position
        taken from them would describe an earlier date. Stock KPIs read from it are withheld.
        A list of episodes (children in need, on plans, in care) holding nothing but their start
        dates cannot show this alone (an open episode may have begun years ago): it is stale only
        when no other list of the Annex A holds a date on or after the period's first day either
        (and is not judged when there is no other list).
        """
        latest, column = self.latest_activity(list_id)
        if latest is None or latest >= period.start:
            return ""
        title = annex_a.LIST_TITLES[list_id].lower()
        name = f"Annex A List {annex_a.list_number(list_id)} ({title})"
        key = annex_a.KEY_DATES.get(list_id)
        frame = self.annex_a[list_id]
        only_starts = list_id in checks.EPISODES and not any(
            c != key and c in frame and frame[c].notna().any() for c in activity_dates(list_id)
        )
        if only_starts:
            others = [
                (*self.latest_activity(other), other)
                for other in annex_a.LIST_IDS
                if other != list_id and self.latest_activity(other)[0] is not None
            ]
            if not others:
                return ""
            latest_other, column_other, other = max(others, key=lambda t: t[0])
            if latest_other >= period.start:
                return ""
            held = (
                f"holds only start dates (the latest {latest:%d/%m/%Y}) and no list of the Annex A "
                f"holds anything dated after {latest_other:%d/%m/%Y} (List "
                f"{annex_a.list_number(other)}, {column_other.replace('_', ' ')})"
            )
        else:
            held = f"holds nothing dated after {latest:%d/%m/%Y} ({column.replace('_', ' ')})"
        return (
            f"withheld: {name} {held}, before {period.label} began ({period.start:%d/%m/%Y}); its "
            "records are out of date for the period, so check that the extract is the current one"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _empty(columns) -> pd.DataFrame:
    frame = pd.DataFrame({c.name: pd.Series(dtype=empty_dtype(c)) for c in columns})
    frame.index.name = "row"
    return frame


def load_evidence(config: Config, *, extract_date: pd.Timestamp | None = None) -> Evidence:
    """Load and validate every configured source.

    Missing files and required columns are collected in ``report.fatal`` (a required source that
    cannot be loaded leaves its frame empty); rejected rows and blanked values are in each
    source's report. Sources that are not configured are empty frames with zero rows; configured
    sources with no accepted rows are listed in ``report.empty`` (and in ``report.fatal`` when
    configured ``required: true``).
    """
    if extract_date is None:
        extract_date = pd.Timestamp(config.extract_date or pd.Timestamp.today().normalize())
    report = LoadReport()
    frames: dict[str, pd.DataFrame] = {}
    rejected: list[pd.DataFrame] = []
    grades = config.grades
    schemas = {"audits": audit_columns(config.domain_ids), **SIMPLE_SOURCES}
    lists: dict[str, pd.DataFrame] = {}
    for name in SOURCE_NAMES:
        source = config.sources.get(name)
        if name == "annex_a":
            if source is None:
                report.sources[name] = SourceReport(name)
                continue
            try:
                lists, source_report, bad = annex_a.load_annex_a(
                    source, config, extract_date=extract_date
                )
            except SourceError as exc:
                report.fatal.append(str(exc))
                report.sources[name] = SourceReport(name)
                continue
            report.sources[name] = source_report
            rejected.append(bad)
            _flag_if_empty(report, name, source_report, required=source.required)
            continue
        columns = schemas[name]
        frames[name] = _empty(columns)
        if source is None or source.file is None:
            report.sources[name] = SourceReport(name)
            continue
        path = config.path(source.file)
        try:
            frame, source_report, bad = read_source(
                name,
                columns,
                source,
                path=path,
                grades=grades,
                extract_date=extract_date,
                reading=config.reading,
            )
        except SourceError as exc:
            report.fatal.append(str(exc))
            report.sources[name] = SourceReport(name, files=[str(path)])
            continue
        frames[name] = frame
        report.sources[name] = source_report
        rejected.append(bad)
        _flag_if_empty(report, name, source_report, required=source.required)
    for source_report in report.sources.values():
        for file in source_report.files:
            path = Path(file)
            if path.is_file():
                report.file_hashes[str(path)] = _sha256(path)
    checked = checks.apply_checks(
        frames,
        lists,
        report.sources,
        key_dates={
            k.split(".", 1)[1]: v for k, v in key_dates().items() if k.startswith("annex_a.")
        },
        extract_date=pd.Timestamp(extract_date),
    )
    frames, lists, report.flags = checked.frames, checked.lists, checked.flags
    rejected += checked.rejected_rows
    for name, source_report in report.sources.items():
        if source_report.rows_read and not source_report.rows_accepted:
            if not any(e["source"] == name for e in report.empty):
                source = config.sources.get(name)
                _flag_if_empty(
                    report, name, source_report, required=bool(source and source.required)
                )
    report.rejected_rows = (
        pd.concat([r for r in rejected if len(r)], ignore_index=True)
        if any(len(r) for r in rejected)
        else pd.DataFrame(columns=["source", "file", "reason"])
    )
    frames = _derive(frames, config)
    published, notes = load_published(config)
    if notes:
        report.sources.setdefault("benchmarks", SourceReport("benchmarks")).notes.extend(notes)
    for file in published:
        report.file_hashes[str(config.path(file))] = _sha256(config.path(file))
    return Evidence(config, extract_date, frames, lists, report, published)


def _flag_if_empty(report: LoadReport, name: str, source: SourceReport, *, required: bool) -> None:
    """Record a configured source that loaded with no accepted rows (fatal if required)."""
    if source.rows_accepted:
        return
    files = ", ".join(Path(f).name for f in source.files) or "no file"
    if source.rows_read:
        why = f"all {source.rows_read:,} row(s) of {files} were rejected"
    else:
        why = f"{files} has no data rows (a header at most)"
    message = f"{name}: no accepted rows: {why}"
    report.empty.append({"source": name, "required": required, "message": message})
    if required:
        report.fatal.append(f"{message}; the source is configured required: true")


def _derive(frames: dict[str, pd.DataFrame], config: Config) -> dict[str, pd.DataFrame]:
    """Defaults the data contract fills in: an action's due date is raised + the configured days."""
    actions = frames.get("audit_actions")
    if actions is not None and len(actions):
        default_due = actions["raised_date"] + pd.Timedelta(days=config.timescales.action_due_days)
        actions = actions.assign(
            due_date=actions["due_date"].fillna(default_due),
            is_due_date_default=actions["due_date"].isna(),
        )
        frames["audit_actions"] = actions
    return frames
