"""The pack runner: load once, execute the report's notebooks, render, write atomically.

``run_pack`` loads and validates the evidence once (reusing the private cache, ``cache.py``, keyed
by the hashes of the inputs, the configuration and the loader), computes the pack's findings once
(``sections.compute_findings``: every Figure, table, text and Signal, disclosed for the audience),
hands them to the report's notebooks, which only display them, executes those with papermill in
a small pool of kernels (the suite's named kernel, on private sockets: ``kernels.py``) started while
the evidence loads and reused from one notebook to the next, collects what they showed, renders ``report.html``, ``report.docx`` and ``tables.xlsx``, and writes ``figures.json`` and
``manifest.json``. Everything is written into a hidden work folder that replaces the earlier pack
only when complete, under a per-pack lock (``guard.py``); a failure keeps the earlier pack and names
the failing notebook and cell; disk faults end in messages.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat
import pandas as pd

from .. import cache, history
from ..config import Config, load_config
from ..disclosure import check_audience
from ..periods import parse_period
from ..sections import compute_findings
from ..session import FINDINGS_ENV
from ..sources import Evidence, load_evidence
from ..sources.published import published_files
from .collect import cited_ids, figures_of, tables_of
from .guard import (
    PackFault,
    apply_umask,
    clean_stale,
    fault_message,
    make_work_folder,
    pack_lock,
    replace_pack,
    write_faults,
)
from .kernels import KernelPool
from .layout import reader_labels
from .progress import LogProgress
from .render import TemplateError, check_template, render_docx, render_html, write_xlsx
from .safe_text import write_csv
from .versions import manifest_versions

KERNEL_NAME = "qaanalysis"
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"

# The notebooks of each report, in reading order. The first is the report's own narrative.
REPORTS = {
    "quarterly": [
        "90_quarterly_report",
        "10_audits",
        "20_performance",
        "30_voice",
        "00_data_quality",
    ],
    "annual": ["95_self_assessment", "10_audits", "20_performance", "30_voice", "00_data_quality"],
    "monthly": ["91_monthly_clinic", "10_audits", "20_performance", "30_voice", "00_data_quality"],
}
# Kernels a pack's notebooks share (at most the machine's processors): each starts once, while the
# evidence loads, and runs its share of the notebooks one after another.
KERNELS = 2
PERIOD_KINDS = {"quarterly": "quarter", "annual": "year", "monthly": "month"}
REPORT_TITLES = {
    "quarterly": "Quarterly performance and quality assurance report",
    "annual": "Annual self-assessment",
    "monthly": "Monthly quality assurance and performance clinic pack",
}


class PackError(Exception):
    """A pack could not be built; the message says which part failed."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class PackResult:
    folder: Path
    figures: list[dict]
    timings: dict[str, float] = field(default_factory=dict)


def pack_folder(config: Config, period: str, report: str, audience: str, out: Path) -> Path:
    """``<out>/<authority>/<period>/<report>``; other audiences get ``<report>-<audience>``."""
    name = report if audience == "internal" else f"{report}-{audience}"
    return out / config.authority.slug / period / name


def notebooks_for(report: str, notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks a report runs (those present; the report's own narrative first)."""
    if report not in REPORTS:
        raise PackError(f"report {report!r} is not one of {', '.join(REPORTS)}", 2)
    paths = [notebook_dir / f"{name}.ipynb" for name in REPORTS[report]]
    return [p for p in paths if p.is_file()]


def _cell_count(notebook: Path) -> int:
    try:
        return len(nbformat.read(notebook, as_version=4).cells)
    except Exception:  # noqa: BLE001 - an unreadable notebook fails (and is named) when run
        return 0


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return KERNEL_NAME if KERNEL_NAME in specs else "python3"


def inputs_digest(config: Config) -> str:
    """SHA-256 of the configuration, the loader's code and every configured input file, so any
    edit to an export, to ``la.yaml`` or to the loader gives a fresh load."""
    digest = hashlib.sha256(config.model_dump_json().encode())
    package = Path(__file__).resolve().parents[1]
    for code in sorted([package / "config.py", *(package / "sources").glob("*.py")]):
        digest.update(code.read_bytes())  # a changed loader must not reuse an old load
    inputs = [f for _, s in sorted(config.sources.items()) for f in [s.file, *s.files.values()]]
    for file in [*inputs, *published_files(config)]:
        if file and config.path(file).is_file():
            digest.update(file.encode())
            digest.update(config.path(file).read_bytes())
    return digest.hexdigest()[:32]


def evidence_cache(config: Config, evidence_loader=load_evidence) -> tuple[Evidence, str, float]:
    """Load the evidence, or reuse the private cache's copy made from identical inputs.

    Returns:
        The evidence, the inputs' digest (the cache key) and the seconds taken.
    """
    evidence, key, seconds, fresh = _cached_or_loaded(config, evidence_loader)
    if fresh:
        cache.store("evidence", key, evidence)
    return evidence, key, seconds


def _cached_or_loaded(config: Config, evidence_loader=load_evidence):
    """The cache's copy of the evidence, else a fresh load (not yet stored): the evidence, the
    inputs' digest, the seconds taken and whether it was loaded afresh."""
    started = time.perf_counter()
    key = inputs_digest(config)
    evidence = None
    if cache.enabled():
        cache.prune()
        evidence = cache.load("evidence", key)
    fresh = evidence is None
    if fresh:
        evidence = evidence_loader(config)
    return evidence, key, time.perf_counter() - started, fresh


def _execute(
    manager, notebook: Path, target: Path, parameters: dict, kernel: str, timeout: int
) -> Path:
    """Execute one notebook with papermill in the running kernel of ``manager`` (a pool's kernel,
    started in the notebooks' folder)."""
    import papermill as pm

    pm.execute_notebook(
        str(notebook),
        str(target),
        parameters=parameters,
        kernel_name=kernel,
        progress_bar=False,
        execution_timeout=timeout,
        language="python",
        km=manager,
        # Written once at the end (and on failure), not after every cell: a notebook of many
        # charts was otherwise serialised and validated again after each of its cells.
        request_save_on_cell_execute=False,
    )
    return target


def _failure_message(name: str, exc: Exception, executed: Path) -> str:
    import papermill as pm

    if isinstance(exc, pm.PapermillExecutionError):
        cell = exc.cell_index + 1
        if executed.is_file():  # papermill inserts a parameters cell: count cells as written
            nb = nbformat.read(executed, as_version=4)
            injected = [
                i
                for i, c in enumerate(nb.cells)
                if "injected-parameters" in c.get("metadata", {}).get("tags", [])
            ]
            cell -= sum(1 for i in injected if i < exc.cell_index)
        return f"notebook {name} failed at cell {cell}: {exc.ename}: {exc.evalue}"
    return f"notebook {name} failed: {type(exc).__name__}: {exc}"


def run_pack(
    config_path: str | Path,
    *,
    period: str,
    report: str = "quarterly",
    audience: str = "internal",
    out: str | Path = "outputs",
    notebook_dir: Path = NOTEBOOK_DIR,
    timeout: int = 600,
    workers: int | None = None,
    log=print,
    progress=None,
) -> PackResult:
    """Build one pack. See the module docstring.

    Args:
        log: called with each message when no ``progress`` reporter is given.
        progress: a :class:`~qaanalysis.pipeline.progress.Progress` (the command line's), told of
            each stage and notebook.

    Raises:
        PackError: with ``exit_code`` 2 for bad configuration or missing inputs, 1 when a notebook
            or a renderer failed. The earlier pack, if any, is untouched.
    """
    progress = progress if progress is not None else LogProgress(log)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        config = load_config(config_path)
        parsed = parse_period(period)
        check_audience(audience)
    except Exception as exc:  # configuration and argument errors are the user's to fix
        raise PackError(str(exc), 2) from None
    if report not in REPORTS:
        raise PackError(f"report {report!r} is not one of {', '.join(REPORTS)}", 2)
    if parsed.kind != PERIOD_KINDS[report]:
        raise PackError(
            f"a {report} report needs a {PERIOD_KINDS[report]} period "
            f"(e.g. {'2026-27-Q2' if report == 'quarterly' else '2025-26' if report == 'annual' else '2026-09'}), "
            f"not {period!r}",
            2,
        )
    notebooks = notebooks_for(report, notebook_dir)
    if not notebooks:
        raise PackError(f"no notebooks found for the {report} report in {notebook_dir}", 2)
    if config.word_template:  # a template without the draft's styles stops the run before any work
        from docx import Document

        template = config.path(config.word_template)
        try:
            check_template(Document(str(template)), template)
        except TemplateError as exc:
            raise PackError(str(exc), 2) from None
        except Exception as exc:  # noqa: BLE001 - not a Word file, unreadable
            raise PackError(f"the Word template {template} cannot be read: {exc}", 2) from None

    # The kernels start now, importing what the notebooks need while the evidence loads.
    kernel = _kernel_name()
    pool = KernelPool(
        workers or min(KERNELS, len(notebooks)), kernel_name=kernel, cwd=notebooks[0].parent
    )
    try:
        return _run(
            pool,
            kernel,
            notebooks,
            config=config,
            config_path=config_path,
            parsed=parsed,
            period=period,
            report=report,
            audience=audience,
            out=out,
            timeout=timeout,
            timings=timings,
            started=started,
            progress=progress,
        )
    finally:
        pool.shutdown()


def _run(
    pool: KernelPool,
    kernel: str,
    notebooks: list[Path],
    *,
    config: Config,
    config_path,
    parsed,
    period: str,
    report: str,
    audience: str,
    out,
    timeout: int,
    timings: dict,
    started: float,
    progress,
) -> PackResult:
    """Load, compute the findings once, run the notebooks in ``pool`` and write the pack."""
    progress.stage("Loading evidence")
    try:
        with write_faults(cache.cache_dir()):
            evidence, key, load_seconds, fresh = _cached_or_loaded(config)
    except cache.CacheError as exc:
        raise PackError(str(exc), 2) from None
    except PackFault as exc:
        raise PackError(str(exc), exc.exit_code) from None
    timings["evidence_load_s"] = round(load_seconds, 3)
    if evidence.report.fatal:
        raise PackError("cannot build the pack: " + "; ".join(evidence.report.fatal), 2)

    progress.stage("Computing findings")
    t0 = time.perf_counter()
    findings = compute_findings(
        evidence,
        parsed,
        report=report,
        audience=audience,
        history=history.history_path(config, out),
    )
    timings["findings_s"] = round(time.perf_counter() - t0, 3)

    out = Path(out).resolve()  # notebooks run in their own folder: a relative path would move
    final = pack_folder(config, period, report, audience, out)
    handed = None
    storing = None
    # With the cache off the findings are still handed over (through a private folder of this run,
    # deleted when it ends): notebooks computing their own would not judge the pack's change tests
    # together, nor read the history, so a --no-cache pack would say other things.
    private = None if cache.enabled() else Path(tempfile.mkdtemp(prefix="qaanalysis-findings-"))
    try:
        with write_faults(private or cache.cache_dir()):
            handed = cache.store(
                "findings",
                f"{key}-{period}-{report}-{audience}",
                findings,
                folder=private,
                always=private is not None,
            )
        if fresh and cache.enabled():
            # A fresh load is kept for the next run while the notebooks run (the processor this
            # process would otherwise leave idle); the pack is written only once it is stored.
            storing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qaanalysis-store")
            stored = storing.submit(cache.store, "evidence", key, evidence)
        with write_faults(final.parent), pack_lock(final):
            clean_stale(final)
            work = make_work_folder(final)
            try:
                figures = _build(
                    work,
                    notebooks,
                    config=config,
                    config_path=config_path,
                    evidence=evidence,
                    period=period,
                    label=parsed.label,
                    report=report,
                    audience=audience,
                    handed=handed,
                    timeout=timeout,
                    pool=pool,
                    kernel=kernel,
                    timings=timings,
                    started=started,
                    progress=progress,
                )
                if storing is not None:
                    with write_faults(cache.cache_dir()):
                        stored.result()
                apply_umask(work)
                replace_pack(work, final)
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                raise
            _record(
                config,
                out,
                findings,
                period=period,
                report=report,
                audience=audience,
                evidence=evidence,
                key=key,
            )
    except cache.CacheError as exc:
        raise PackError(str(exc), 2) from None
    except PackFault as exc:
        raise PackError(str(exc), exc.exit_code) from None
    except history.HistoryError as exc:
        raise PackError(
            f"the pack was written but its history was not: {exc}", exc.exit_code
        ) from None
    finally:
        if storing is not None:
            storing.shutdown(wait=True)  # never leave a half-written entry behind a failure
        if handed is not None:
            handed.unlink(missing_ok=True)  # the findings were for this run only
        if private is not None:
            shutil.rmtree(private, ignore_errors=True)
    progress(f"Pack written to {final}")
    return PackResult(final, figures, timings)


def _build(
    work: Path,
    notebooks: list[Path],
    *,
    config: Config,
    config_path,
    evidence: Evidence,
    period: str,
    label: str,
    report: str,
    audience: str,
    handed: Path | None,
    timeout: int,
    pool: KernelPool,
    kernel: str,
    timings: dict,
    started: float,
    progress,
) -> list[dict]:
    """Run the notebooks on the handed findings and write every file of the pack into ``work``."""
    (work / "notebooks").mkdir()
    parameters = {
        "config": str(Path(config_path).resolve()),
        "period": period,
        "audience": audience,
    }
    # The handed findings are named to each kernel before its notebook (without them, as in
    # JupyterLab, a notebook computes the pack's findings itself).
    environment = {FINDINGS_ENV: str(handed) if handed is not None else None}
    executed: dict[str, Path] = {}
    failures: list[str] = []
    progress.stage("Running notebooks", total=len(notebooks))
    t0 = time.perf_counter()

    def run(manager, notebook: Path) -> Path:
        progress.notebook_started(notebook.name)
        try:
            done = _execute(
                manager, notebook, work / "notebooks" / notebook.name, parameters, kernel, timeout
            )
        except BaseException:
            progress.notebook_finished(notebook.name, ok=False)
            raise
        progress.notebook_finished(notebook.name)
        return done

    # The longest notebooks (most cells) first, so the kernels finish at about the same time.
    longest_first = sorted(notebooks, key=_cell_count, reverse=True)
    futures = pool.map(run, longest_first, environment=environment)
    for notebook in notebooks:
        name = notebook.name
        try:
            executed[name] = futures[notebook].result()
        except Exception as exc:  # noqa: BLE001 - every failure is reported by name
            failures.append(
                fault_message(exc, work) or _failure_message(name, exc, work / "notebooks" / name)
            )
    timings["notebooks_s"] = round(time.perf_counter() - t0, 3)
    if failures:
        raise PackError("the pack was not written: " + "; ".join(failures), 1)

    if audience != "internal":
        for path in executed.values():
            _without_paths(path)
    progress.stage("Rendering")
    t0 = time.perf_counter()
    ordered = [(nb.name, nbformat.read(executed[nb.name], as_version=4)) for nb in notebooks]
    nodes = [node for _, node in ordered]
    figures = figures_of(nodes)
    missing = cited_ids(nodes) - {f["id"] for f in figures}
    if missing:
        raise PackError(f"the narrative cites Figures that were not produced: {sorted(missing)}", 1)
    title = f"{config.authority.name}: {REPORT_TITLES[report]}"
    subtitle = f"{label}. Draft for review; generated by qaanalysis from the authority's own data."
    (work / "report.html").write_text(
        render_html(
            ordered,
            title=title,
            subtitle=subtitle,
            audience=audience,
            figures=figures,
            labels=reader_labels(config),
        ),
        encoding="utf-8",
    )
    template = config.path(config.word_template) if config.word_template else None
    try:
        render_docx(
            ordered,
            title=title,
            subtitle=subtitle,
            template=template,
            authority=config.authority.name,
            period=period,
            issued=evidence.extract_date,
            figures=figures,
            labels=reader_labels(config),
        ).save(work / "report.docx")
    except TemplateError as exc:
        raise PackError(str(exc), 2) from None
    write_xlsx(
        work / "tables.xlsx",
        tables_of(nodes),
        figures,
        title=title,
        authority=config.authority.name,
        period=period,
        issued=evidence.extract_date,
    )
    (work / "figures.json").write_text(
        json.dumps(figures, indent=1, sort_keys=True), encoding="utf-8"
    )
    if audience == "internal":
        write_csv(evidence.report.rejected_rows, work / "rejected_rows.csv")
    timings["render_s"] = round(time.perf_counter() - t0, 3)
    timings["total_s"] = round(time.perf_counter() - started, 3)
    manifest = _manifest(
        config,
        evidence,
        period=period,
        report=report,
        audience=audience,
        notebooks=notebooks,
        timings=timings,
        kernel=kernel,
    )
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return figures


def _record(
    config: Config,
    out: Path,
    findings,
    *,
    period: str,
    report: str,
    audience: str,
    evidence: Evidence,
    key: str,
) -> None:
    """Add the pack to the authority's history (``history.sqlite`` beside its packs): every
    Figure computed (shown or not), the theme statuses, the key messages and recommendations."""
    own = findings[report].items
    messages = [
        history.MessageRow(
            kind,
            int(row["rank"]),
            row["text"],
            evidence=row.get("evidence"),
            meaning=row.get("meaning"),
            action=row.get("action"),
            owner=row.get("owner"),
            due=_date_or_none(row.get("due")),
            theme=row.get("theme"),
            figure_ids=tuple(i for i in str(row.get("figure_ids") or "").split(", ") if i),
        )
        for kind, item in (
            ("key_message", "key_messages_table"),
            ("recommendation", "recommendations_table"),
        )
        if item in own
        for row in own[item].frame.to_dict("records")
    ]
    history.record_run(
        history.history_path(config, out),
        run=history.RunInfo(
            period,
            report,
            audience,
            extract_date=evidence.extract_date,
            package_version=_version(),
            inputs_digest=key,
        ),
        figures=list(findings.figures),
        themes=[history.ThemeRow.of(a) for a in findings.assessments],
        messages=messages,
    )


def _date_or_none(value):
    """A due date as the history stores it: None while the draft still shows its "[date]" slot."""
    try:
        return pd.Timestamp(value).date() if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _without_paths(executed: Path) -> None:
    """An executed notebook for leadership or public readers names no folder of this machine: the
    injected parameters give ``la.yaml`` by name only and papermill's record of paths is dropped."""
    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = re.sub(
                r'config = "([^"]*)"', lambda m: f'config = "{Path(m[1]).name}"', cell.source
            )
    papermill = notebook.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        papermill.pop(key, None)
    if "config" in papermill.get("parameters", {}):
        papermill["parameters"]["config"] = Path(papermill["parameters"]["config"]).name
    nbformat.write(notebook, executed)


def _version() -> str:
    try:
        return metadata.version("qaanalysis")
    except metadata.PackageNotFoundError:
        return "unknown"


def _manifest(
    config: Config,
    evidence: Evidence,
    *,
    period: str,
    report: str,
    audience: str,
    notebooks: list[Path],
    timings: dict,
    kernel: str,
) -> dict:
    load = evidence.report
    return {
        "authority": config.authority.model_dump(),
        "period": period,
        "report": report,
        "audience": audience,
        "package_version": _version(),
        "python": platform.python_version(),
        "kernel": kernel,
        "extract_date": evidence.extract_date.strftime("%Y-%m-%d"),
        "notebooks": [nb.name for nb in notebooks],
        "inputs": [
            {
                "source": name,
                "file": Path(file).name if audience != "internal" else file,
                "sha256": load.file_hashes.get(file),
            }
            for name, source_report in load.sources.items()
            for file in source_report.files
        ]
        + [
            {
                "source": "published",
                "file": Path(file).name if audience != "internal" else file,
                "sha256": sha,
            }
            for file, sha in load.file_hashes.items()
            if not any(file in r.files for r in load.sources.values())
        ],
        "row_accounting": {
            name: {
                "rows_read": r.rows_read,
                "rows_accepted": r.rows_accepted,
                "rows_rejected": r.rows_rejected,
                "values_blanked": len(r.warnings),
            }
            for name, r in load.sources.items()
        },
        "versions": manifest_versions(),
        "timings": timings,
    }
