"""The command line: ``qaanalysis validate | run | sample-audits | synth | init``.

Exit codes, for schedulers: 0 success; 1 a part of the pack failed (named on stderr); 2 bad
configuration, a missing file or a missing required column.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import ConfigError, load_config


def _validate(args) -> int:
    from .sources import load_evidence

    config = load_config(args.config)
    evidence = load_evidence(config)
    report = evidence.report
    if args.json:
        print(json.dumps(report.as_dict(), indent=1, default=str))
    else:
        print(f"{config.authority.name}: extract date {evidence.extract_date:%d/%m/%Y}")
        print(report.summary().to_string(index=False))
        problems = report.problems()
        if len(problems):
            print(f"\n{len(problems)} problem(s); the first 20:")
            print(problems.head(20).to_string(index=False))
        for name, source_report in report.sources.items():
            for note in source_report.notes:
                print(f"note ({name}): {note}")
        for message in report.fatal:
            print(f"FATAL: {message}", file=sys.stderr)
    return 2 if report.fatal else 0


def _run(args) -> int:
    from .pipeline import PackError, run_pack

    try:
        run_pack(args.config, period=args.period, report=args.report, audience=args.audience,
                 out=args.out)  # fmt: skip
    except PackError as exc:
        print(f"qaanalysis run: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


def _sample(args) -> int:
    from .tools.sampling import SamplingError, sample_audits
    from .sources import load_evidence

    evidence = load_evidence(load_config(args.config))
    try:
        sample = sample_audits(evidence, month=args.month, theme=args.theme, seed=args.seed,
                               size=args.size)  # fmt: skip
    except SamplingError as exc:
        print(f"qaanalysis sample-audits: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out or f"audit_sample_{args.month}.csv")
    sample.to_csv(out, index=False)
    print(f"{len(sample)} children sampled for {args.month}; written to {out}")
    return 0


def _synth(args) -> int:
    from .tools.synthetic import generate

    path = generate(Path(args.out), scale=args.scale, seed=args.seed)
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
    print(f"Proposed configuration written to {out}; check every line marked GUESS or GAP, "
          f"then run: qaanalysis validate --config {out}")  # fmt: skip
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qaanalysis",
        description="Quality-assurance analytics for children's services: validate exports, "
        "build quarterly, annual and monthly packs.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser(
        "validate", help="load and validate every source; account for every row"
    )
    p.add_argument("--config", required=True, help="the authority's la.yaml")
    p.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    p.set_defaults(func=_validate)

    p = commands.add_parser("run", help="build a pack for a period")
    p.add_argument("--config", required=True)
    p.add_argument(
        "--period", required=True, help="2026-27-Q2 (quarter), 2025-26 (year), 2026-09 (month)"
    )
    p.add_argument("--report", default="quarterly", choices=["quarterly", "annual", "monthly"])
    p.add_argument("--audience", default="internal", choices=["internal", "leadership", "public"])
    p.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    p.set_defaults(func=_run)

    p = commands.add_parser("sample-audits", help="draw next month's audit sample")
    p.add_argument("--config", required=True)
    p.add_argument("--month", required=True, help="the month to audit, e.g. 2025-11")
    p.add_argument("--theme", default=None, help="a themed cohort (a theme id)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--size", type=int, default=None, help="children to sample (default: the quotas)"
    )
    p.add_argument("--out", default=None, help="CSV to write (default audit_sample_<month>.csv)")
    p.set_defaults(func=_sample)

    p = commands.add_parser("synth", help="generate a synthetic authority")
    p.add_argument("--out", required=True)
    p.add_argument("--scale", default="small", choices=["small", "large"])
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=_synth)

    p = commands.add_parser("init", help="propose an la.yaml from a folder of exports")
    p.add_argument("--from", dest="source_dir", required=True)
    p.add_argument("--out", default="la.yaml")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=_init)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"qaanalysis {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
