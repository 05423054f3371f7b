"""False discoveries on authorities with no change (issue 13, part 3).

For each of N seeds (default 20) the script generates an authority with no planted change
(``qaanalysis synth --no-patterns``, small scale) in a temporary folder, loads it, computes the
analysis layer (``sections.compute_findings``) of the 2026-27 Q2 quarterly pack and of the 2025-26
annual pack, and counts what each pack claims:

- **claimed changes**: Figures whose ``direction`` is ``improving`` or ``declining``. On these
  authorities every such claim is false: nothing changed but sampling noise.
- **theme statuses** other than ``no_evidence`` and ``single_source`` (corroborated strengths and
  concerns, mixed evidence). These rest on levels against targets, aspirations and England as well
  as on changes, so they are listed, not counted as claimed changes.

It prints a line per seed, the Figure ids claimed and how often, and the summary line
``claimed changes: X in N packs (quarterly), Y in N packs (annual)`` (the issue's aim: at most 1 in
20 packs). Where a pack records how its tests were judged together (``Findings.discovery``), the
tests made and those significant alone and together are printed too.

While an area's section builder has not landed (``qaanalysis/sections/<area>.py`` missing), a
stand-in from the area's measures is used and the output says so: for ``performance``, the
``kpi.<id>`` Figures and the performance Signals.

Usage: ``python benchmarks/null_authorities.py [--seeds 20] [--first-seed 1] [--workers 2]
[--json PATH]``
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import platform
import shutil
import sys
import tempfile
import time
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "data_samples" / "published"
PACKS = (("quarterly", "2026-27-Q2"), ("annual", "2025-26"))
CLAIMED = ("improving", "declining")
UNCLAIMED_STATUSES = ("no_evidence", "single_source")


def _stand_ins() -> list[str]:
    """Register stand-in builders for areas whose section module has not landed; their names."""
    from qaanalysis.findings import Section

    used = []
    if importlib.util.find_spec("qaanalysis.sections.performance") is None:
        from qaanalysis.measures import performance

        def build(evidence, period, *, audience):
            figures = performance.kpi_figures(evidence, period)
            signals = performance.signals(figures, evidence=evidence, period=period)
            return Section("performance", {}, tuple(figures), tuple(signals))

        module = types.ModuleType("qaanalysis.sections.performance")
        module.build = build
        sys.modules[module.__name__] = module
        used.append("performance")
    return used


def _claim(figure) -> dict:
    """What a claimed change rests on: the Figure's id, direction, comparison and p-value."""
    comparison = figure.comparison or {}
    return {
        "id": figure.id,
        "direction": figure.direction,
        "source": figure.source,
        "comparison": comparison.get("kind", ""),
        "against": comparison.get("period", ""),
        "p_value": comparison.get("p_value"),
    }


def one_seed(seed: int, scale: str = "small") -> dict:
    """Generate, load and analyse one authority with no change; what its packs claim."""
    from qaanalysis.config import load_config
    from qaanalysis.periods import parse_period
    from qaanalysis.sections import compute_findings
    from qaanalysis.sources import load_evidence
    from qaanalysis.tools.synthetic import generate

    stand_ins = _stand_ins()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"qa_null_{seed}_") as tmp:
        out = Path(tmp)
        generate(out, scale=scale, seed=seed, patterns=False)
        if PUBLISHED.is_dir():  # la.yaml names the published statistics beside the sample
            shutil.copytree(PUBLISHED, out / "published")
        evidence = load_evidence(load_config(out / "la.yaml"))
        packs = {}
        for report, code in PACKS:
            findings = compute_findings(evidence, parse_period(code), report=report)
            discovery = getattr(findings, "discovery", None)
            packs[report] = {
                "figures": len(findings.figures),
                "claims": [_claim(f) for f in findings.figures if f.direction in CLAIMED],
                "themes": [
                    {"theme": a.theme, "status": a.status}
                    for a in findings.assessments
                    if a.status not in UNCLAIMED_STATUSES
                ],
                "tests": None
                if discovery is None
                else {
                    "tests": discovery.tests,
                    "alone": discovery.alone,
                    "together": discovery.discoveries,
                },
            }
    return {
        "seed": seed,
        "seconds": time.perf_counter() - started,
        "packs": packs,
        "stand_ins": stand_ins,
    }


def summarise(results: list[dict]) -> list[str]:
    """The report: a line per seed, the ids claimed with their counts, and the summary line."""
    lines = []
    stand_ins = sorted({s for r in results for s in r["stand_ins"]})
    if stand_ins:
        lines.append(
            f"stand-in builders (section module not landed): {', '.join(stand_ins)}; "
            "their Figures and Signals come straight from the measures"
        )
    lines.append(
        "seed | report | figures | claimed changes | theme statuses | tests (alone, together)"
    )
    for r in results:
        for report, _code in PACKS:
            p = r["packs"][report]
            claims = ", ".join(f"{c['id']} ({c['direction']})" for c in p["claims"]) or "-"
            themes = ", ".join(f"{t['theme']}: {t['status']}" for t in p["themes"]) or "-"
            tests = (
                "-"
                if p["tests"] is None
                else (f"{p['tests']['tests']} ({p['tests']['alone']}, {p['tests']['together']})")
            )
            lines.append(
                f"{r['seed']} | {report} | {p['figures']} | {len(p['claims'])}: {claims} | "
                f"{themes} | {tests}"
            )
    for report, _code in PACKS:
        ids = collections.Counter(c["id"] for r in results for c in r["packs"][report]["claims"])
        lines.append(
            f"{report}: Figures claimed (id: packs) "
            + (", ".join(f"{i}: {k}" for i, k in ids.most_common()) or "none")
        )
        statuses = collections.Counter(
            t["status"] for r in results for t in r["packs"][report]["themes"]
        )
        lines.append(
            f"{report}: theme statuses other than no evidence or single source "
            + (", ".join(f"{s}: {k}" for s, k in statuses.most_common()) or "none")
        )
        with_claim = sum(bool(r["packs"][report]["claims"]) for r in results)
        lines.append(
            f"{report}: packs with at least one claimed change: {with_claim} of {len(results)}"
        )
    n = len(results)
    x = sum(len(r["packs"]["quarterly"]["claims"]) for r in results)
    y = sum(len(r["packs"]["annual"]["claims"]) for r in results)
    lines.append(f"claimed changes: {x} in {n} packs (quarterly), {y} in {n} packs (annual)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="authorities to build (default 20)")
    parser.add_argument("--first-seed", type=int, default=1, help="the first seed (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--scale", default="small", choices=["small", "large"])
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    started = time.perf_counter()
    if args.workers > 1:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(one_seed, seeds, [args.scale] * len(seeds)))
    else:
        results = [one_seed(s, args.scale) for s in seeds]
    elapsed = time.perf_counter() - started
    for line in summarise(results):
        print(line)
    print(
        f"{len(seeds)} authorities (seeds {seeds[0]} to {seeds[-1]}, {args.scale} scale) in "
        f"{elapsed:.0f} s with {args.workers} workers; Python {platform.python_version()}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
