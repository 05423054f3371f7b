"""The command line: ``qaanalysis validate | run | sample-audits | synth | init | cache``.

Exit codes, for schedulers: 0 success; 1 a part of the pack failed, or the disk or another run
stood in the way (named on stderr); 2 bad configuration, a missing file or a missing required
column, or a cache folder that is not private.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .config import ConfigError, load_config


def _validate(args) -> int:
    """Load every source and account for every row.

    Exit 0 when the sources load (rejected rows and empty sources are reported, not fatal); 2 when
    a file or required column is missing, a file cannot be read whole, or a source configured
    ``required: true`` has no accepted rows. Each empty source has its own ``EMPTY`` line (and
    ``empty`` list in ``--json``).
    """
    from .sources import load_evidence

    config = load_config(args.config)
    evidence = load_evidence(config)
    report = evidence.report
    warnings = _validate_warnings(evidence)
    if args.json:
        print(json.dumps({**report.as_dict(), "warnings": warnings}, indent=1, default=str))
    else:
        print(f"{config.authority.name}: extract date {evidence.extract_date:%d/%m/%Y}")
        print(report.summary().to_string(index=False))
        problems = report.problems()
        if len(problems):
            print(f"\n{len(problems)} problem(s); the first 20:")
            shown = problems.head(20).assign(
                value=lambda f: f["value"].map(lambda v: v if len(v) <= 60 else v[:59] + "\u2026")
            )
            print(shown.to_string(index=False))
        for name, source_report in report.sources.items():
            for note in source_report.notes:
                print(f"note ({name}): {note}")
        for empty in report.empty:
            required = ", required" if empty["required"] else ""
            print(f"EMPTY ({empty['source']}{required}): {empty['message']}")
        for warning in warnings:
            print(f"{warning['kind']} ({warning['source']}): {warning['message']}")
        for message in report.fatal:
            print(f"FATAL: {message}", file=sys.stderr)
    return 2 if report.fatal else 0


def _validate_warnings(evidence) -> list[dict]:
    """What loads but would leave a silent gap: an Annex A list older than the as-at window before
    the extract date (STALE), a measure whose column is not mapped (NOT MEASURED), a theme-map
    code matching nothing (THEME), a category no theme lists (UNTHEMED), a region that does not
    fit ``la_code`` (REGION). Each ``{"kind", "source", "message"}``; none is fatal."""
    import pandas as pd

    from .measures import data_quality as dq
    from .measures.performance.definitions import as_at_window_weeks
    from .sources.annex_a import LIST_TITLES, list_number

    out = []
    weeks = as_at_window_weeks(evidence.config)
    extract = pd.Timestamp(evidence.extract_date)
    for list_id in LIST_TITLES:
        latest, column = evidence.latest_activity(list_id)
        if latest is not None and latest < extract - pd.Timedelta(weeks=weeks):
            out.append(
                {
                    "kind": "STALE",
                    "source": f"annex_a.{list_id}",
                    "message": (
                        f"Annex A List {list_number(list_id)} ({LIST_TITLES[list_id]}) holds "
                        f"nothing dated after {latest:%d/%m/%Y} ({column.replace('_', ' ')}), "
                        f"{(extract - latest).days} days before the extract date "
                        f"({extract:%d/%m/%Y}); a pack for a period starting after "
                        f"{latest:%d/%m/%Y} withholds its stock KPIs. Check that the extract is "
                        "the current one"
                    ),
                }
            )
    for row in dq.unmapped_measures(evidence).itertuples():
        what = {
            "not_mapped": "is not mapped to a column of the export",
            "blank": "is blank in every row",
        }.get(row.problem)
        message = (
            f"{row.column} {what}, so these are not measured: {row.measures}"
            if what
            else f"{row.measures} cannot be computed: {row.column}"
        )
        out.append({"kind": "NOT MEASURED", "source": row.source, "message": message})
    for row in dq.theme_gaps(evidence).itertuples():
        out.append(
            {
                "kind": "THEME",
                "source": row.theme,
                "message": f"themes {row.entry} '{row.code}': {row.detail}",
            }
        )
    for row in dq.unthemed_categories(evidence).itertuples():
        out.append(
            {
                "kind": "UNTHEMED",
                "source": row.source,
                "message": (
                    f"category '{row.category}' ({row.rows:,} row(s)) is in no theme, so it feeds "
                    "no theme's evidence; add it to a theme in la.yaml"
                ),
            }
        )
    region = dq.region_problem(evidence)
    if region:
        out.append({"kind": "REGION", "source": "authority", "message": region})
    return out


def _run(args) -> int:
    from .cache import NO_CACHE_ENV
    from .pipeline import PackError, run_pack
    from .pipeline.guard import PackFault
    from .pipeline.progress import Progress

    before = os.environ.get(NO_CACHE_ENV)
    if args.no_cache:  # for this run only: a caller's process keeps its own setting
        os.environ[NO_CACHE_ENV] = "1"
    try:
        with Progress(quiet=args.quiet) as progress:
            try:
                run_pack(
                    args.config,
                    period=args.period,
                    report=args.report,
                    audience=args.audience,
                    out=args.out,
                    progress=progress,
                )
            except (PackError, PackFault) as exc:
                progress.fail()
                print(f"qaanalysis run: {exc}", file=sys.stderr)
                return exc.exit_code
            progress.finish()
        return 0
    finally:
        if before is None:
            os.environ.pop(NO_CACHE_ENV, None)
        else:
            os.environ[NO_CACHE_ENV] = before


def _cache(args) -> int:
    from . import cache

    if args.action == "clear":
        removed = cache.clear()
        print(
            f"{removed} cached {'entry' if removed == 1 else 'entries'} removed from "
            f"{cache.cache_dir()}"
        )
        return 0
    details = cache.info()
    state = "on" if details["enabled"] else f"off ({cache.NO_CACHE_ENV} is set)"
    made = "private to you" if Path(details["folder"]).is_dir() else "not made yet"
    print(f"Cache folder: {details['folder']} ({made})")
    print(f"Caching: {state}")
    print(f"Entries: {details['entries']}, {details['bytes'] / 1024**2:.1f} MB")
    if details["oldest"] is not None:
        days = (time.time() - details["oldest"]) / 86400
        print(
            f"Least recently used: {days:.1f} days ago; entries unused for "
            f"{cache.DEFAULT_MAX_AGE_DAYS} days are removed at the next run"
        )
    return 0


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("qaanalysis")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _sample(args) -> int:
    from .sources import load_evidence
    from .tools.sampling import SamplingError, sample_audits

    evidence = load_evidence(load_config(args.config))
    try:
        sample = sample_audits(
            evidence, month=args.month, theme=args.theme, seed=args.seed, size=args.size
        )
    except SamplingError as exc:
        print(f"qaanalysis sample-audits: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out or f"audit_sample_{args.month}.csv")
    sample.to_csv(out, index=False)
    print(f"{len(sample)} children sampled for {args.month}; written to {out}")
    return 0


def _synth(args) -> int:
    from .tools.synthetic import generate

    path = generate(Path(args.out), scale=args.scale, seed=args.seed, patterns=args.patterns)
    print(f"Synthetic authority written; configuration: {path}")
    return 0


def _init(args) -> int:
    from .tools.adopt import propose_config

    out = Path(args.out)
    text = propose_config(Path(args.source_dir), out=out)
    if out.exists() and not args.force:
        print(f"qaanalysis init: {out} exists; use --force to replace it", file=sys.stderr)
        return 2
    out.write_text(text, encoding="utf-8")
    print(
        f"Proposed configuration written to {out}; check every line marked GUESS or GAP, "
        f"then run: qaanalysis validate --config {out}"
    )
    return 0


def _history(args) -> int:
    from . import history

    path = history.history_path(load_config(args.config), args.out)
    try:
        if args.action != "list" and not args.target:
            what = "a folder to write to" if args.action == "export" else "a Figure id"
            print(f"qaanalysis history {args.action}: give {what}", file=sys.stderr)
            return 2
        if not path.is_file():
            print(
                f"qaanalysis history: there is no history at {path}; one is written each time "
                f"a pack is built (check --config and --out)",
                file=sys.stderr,
            )
            return 2
        if args.action == "export":
            written = history.export(path, args.target)
            print(
                f"{len(written)} tables written to {Path(args.target)}: "
                f"{', '.join(p.name for p in written)}"
            )
            return 0
        if args.action == "show":
            rows = history.figure_history(
                path, args.target, report=args.report, audience=args.audience
            )
            if rows.empty:
                print(
                    f"qaanalysis history show: no Figure {args.target!r} is recorded in {path}",
                    file=sys.stderr,
                )
                return 2
            print(f"{rows['label'].iloc[-1]} ({args.target}), from {path}")
            print(history.figure_table(rows).to_string(index=False))
            return 0
        rows = history.runs(path)
        print(f"{len(rows)} {'run' if len(rows) == 1 else 'runs'} recorded in {path}")
        if len(rows):
            print(history.runs_table(rows).to_string(index=False))
    except history.HistoryError as exc:
        print(f"qaanalysis history: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qaanalysis",
        description="Quality-assurance analytics for children's services: validate exports, "
        "build quarterly, annual and monthly packs.",
        epilog="Exit codes: 0 success; 1 a part of the pack failed or the disk stood in the way; "
        "2 bad configuration or a missing file or column.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"qaanalysis {_version()}",
        help="show the suite's version and exit",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title="commands"
    )

    p = commands.add_parser(
        "validate", help="load and validate every source; account for every row"
    )
    p.add_argument("--config", required=True, help="the authority's la.yaml")
    p.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    p.set_defaults(func=_validate)

    p = commands.add_parser("run", help="build a pack for a period")
    p.add_argument("--config", required=True, help="the authority's la.yaml")
    p.add_argument(
        "--period", required=True, help="2026-27-Q2 (quarter), 2025-26 (year), 2026-09 (month)"
    )
    p.add_argument(
        "--report",
        default="quarterly",
        choices=["quarterly", "annual", "monthly"],
        help="which pack: quarterly (a quarter), annual (a year) or monthly (a month); "
        "default quarterly",
    )
    p.add_argument(
        "--audience",
        default="internal",
        choices=["internal", "leadership", "public"],
        help="who the pack is for: internal (child-level detail), leadership (no identifiers) "
        "or public (small counts suppressed); default internal",
    )
    p.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    p.add_argument(
        "--quiet",
        action="store_true",
        help="show no progress, only errors (progress goes to stderr; plain lines when stderr "
        "is not a terminal)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="load the evidence afresh and keep no cached copy of it",
    )
    p.set_defaults(func=_run)

    p = commands.add_parser("sample-audits", help="draw next month's audit sample")
    p.add_argument("--config", required=True, help="the authority's la.yaml")
    p.add_argument("--month", required=True, help="the month to audit, e.g. 2025-11")
    p.add_argument("--theme", default=None, help="a themed cohort (a theme id)")
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed: the same seed draws the same sample (default 0)",
    )
    p.add_argument(
        "--size", type=int, default=None, help="children to sample (default: the quotas)"
    )
    p.add_argument("--out", default=None, help="CSV to write (default audit_sample_<month>.csv)")
    p.set_defaults(func=_sample)

    p = commands.add_parser("synth", help="generate a synthetic authority")
    p.add_argument("--out", required=True, help="folder to write the exports and la.yaml into")
    p.add_argument(
        "--scale",
        default="small",
        choices=["small", "large"],
        help="small (the committed sample: about 30 audits a month) or large (about ten "
        "times the volume, for benchmarks); default small",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=2026,
        help="random seed: the same seed gives the same authority (default 2026)",
    )
    p.add_argument(
        "--no-patterns",
        dest="patterns",
        action="store_false",
        help="an authority with no change (no planted patterns, every rate constant over time "
        "and across teams), for measuring false discoveries",
    )
    p.set_defaults(func=_synth)

    p = commands.add_parser("init", help="propose an la.yaml from a folder of exports")
    p.add_argument(
        "--from",
        dest="source_dir",
        required=True,
        help="the folder holding the authority's exports (CSV or XLSX)",
    )
    p.add_argument("--out", default="la.yaml", help="the la.yaml to write (default la.yaml)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(func=_init)

    p = commands.add_parser(
        "cache",
        help="show or empty the private cache of loaded evidence",
        description="The cache keeps loaded evidence (child-level data) in a folder private to "
        "you, so that a second pack from the same exports need not load them again. Entries "
        "unused for a week are removed at each run.",
    )
    p.add_argument(
        "action",
        choices=["info", "clear"],
        help="info: where the cache is and what it holds; clear: remove every entry",
    )
    p.set_defaults(func=_cache)

    p = commands.add_parser(
        "history",
        help="list, show or export the history of every pack built",
        description="Every pack records its Figures, theme statuses, key messages and "
        "recommendations in <out>/<authority>/history.sqlite (docs/history.md).",
    )
    p.add_argument("--config", required=True, help="the authority's la.yaml")
    p.add_argument("--out", default="outputs", help="the packs' output folder (default: outputs)")
    p.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=["list", "export", "show"],
        help="list: every run recorded (default); export FOLDER: one CSV per table; "
        "show FIGURE_ID: one Figure period by period",
    )
    p.add_argument("target", nargs="?", help="the folder (export) or the Figure id (show)")
    p.add_argument("--report", default=None, help="show: only this report's runs")
    p.add_argument("--audience", default=None, help="show: only this audience's runs")
    p.set_defaults(func=_history)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .cache import CacheError

    try:
        return args.func(args)
    except (ConfigError, CacheError) as exc:
        print(f"qaanalysis {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
