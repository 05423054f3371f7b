"""Speed and memory of the suite on the sample authority and on a large synthetic one.

Each stage runs in its own process so its peak memory is its own:

- raw read: every input file read with pandas and nothing else (the reference);
- evidence load: reading, mapping, validating and row accounting (``load_evidence``);
- analysis layer: every Figure and Signal of the quarter, triangulated, every section's tables and text (``sections.compute_findings``);
- quarterly pack: the whole ``qaanalysis run`` (notebooks, HTML, Word, Excel), cold: a fresh, empty
  private cache, so the evidence is loaded, not reused. Its stages (the runner's own timings) are
  printed beside it.

Targets (issue 7, on a 2-core machine): large authority analysis under 10 s and 2 GB; full
quarterly pack under 60 s; evidence load within 3 times the raw read. Issue 12: the large
authority's quarterly pack within 8 times the raw read and under 30 s; evidence load within 2 times
the raw read. Ratios are taken within one run (the machine is shared: the load average at the start
and end is printed). With ``--repeat N`` each stage runs N times, interleaved, and the median is
kept. Results are printed as a table and written to ``benchmarks/results/results.md``.

Usage: ``python benchmarks/run.py [--skip-large] [--skip-pack] [--repeat N] [--large LA_YAML]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2026-27-Q2"

STAGES = {
    "raw read": """
        import pandas as pd
        from qaanalysis.config import load_config
        config = load_config(CONFIG)
        for source in config.sources.values():
            for file in [source.file, *source.files.values()]:
                if not file:
                    continue
                path = config.path(file)
                if path.suffix.lower() == ".xlsx":
                    pd.read_excel(path, sheet_name=None, dtype=str, engine="calamine")
                else:
                    data = path.read_bytes()
                    try:
                        data.decode("utf-8")
                        encoding = "utf-8-sig"
                    except UnicodeDecodeError:
                        encoding = "cp1252"
                    pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    """,
    "evidence load": """
        from qaanalysis.config import load_config
        from qaanalysis.sources import load_evidence
        load_evidence(load_config(CONFIG))
    """,
    "analysis layer": """
        import time
        from qaanalysis.config import load_config
        from qaanalysis.periods import parse_period
        from qaanalysis.sources import load_evidence
        from qaanalysis.sections import compute_findings
        evidence = load_evidence(load_config(CONFIG))
        START = time.perf_counter()
        compute_findings(evidence, parse_period(PERIOD))
    """,
    "quarterly pack": """
        import os, tempfile
        os.environ["QAANALYSIS_CACHE_DIR"] = tempfile.mkdtemp()  # cold: nothing cached
        from qaanalysis.pipeline import run_pack
        result = run_pack(CONFIG, period=PERIOD, out=tempfile.mkdtemp(), log=lambda *a: None)
        STAGES = result.timings
    """,
}

HARNESS = """
import json, resource, sys, time
CONFIG, PERIOD = sys.argv[1], sys.argv[2]
STAGES = {{}}
START = time.perf_counter()
{body}
elapsed = time.perf_counter() - START
own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime  # kernels included
peak_mb = max(own.ru_maxrss, children.ru_maxrss) / 1024
print(json.dumps({{"seconds": elapsed, "cpu": cpu, "peak_mb": peak_mb, "stages": STAGES}}))
"""


def measure(stage: str, config: Path) -> dict:
    code = HARNESS.format(body=textwrap.dedent(STAGES[stage]))
    done = subprocess.run(
        [sys.executable, "-c", code, str(config), PERIOD], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode:
        raise SystemExit(f"{stage} failed on {config}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_run(runs: list[dict]) -> dict:
    """The run of median wall time (its memory and stages with it)."""
    return sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]


def load_average() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def _stage_note(run: dict) -> str:
    """The runner's own stage timings of a pack, e.g. "load 8.1, findings 7.9, notebooks 9.0"."""
    names = {
        "evidence_load_s": "load",
        "findings_s": "findings",
        "notebooks_s": "notebooks",
        "render_s": "render",
    }
    stages = run.get("stages") or {}
    return ", ".join(f"{label} {stages[k]:.1f}" for k, label in names.items() if k in stages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--skip-pack", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each stage (median kept)")
    parser.add_argument("--large", type=Path, help="an authority already generated (its la.yaml)")
    args = parser.parse_args()
    authorities = [("sample", ROOT / "data_samples" / "la.yaml")]
    if args.large:
        authorities.append(("large", args.large.resolve()))
    elif not args.skip_large:
        large = Path(tempfile.mkdtemp(prefix="qaanalysis-large-"))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "qaanalysis.cli",
                "synth",
                "--out",
                str(large),
                "--scale",
                "large",
                "--seed",
                "2026",
            ],
            check=True,
            cwd=ROOT,
        )
        authorities.append(("large", large / "la.yaml"))
    rows = []
    started_load = load_average()
    stages = [s for s in STAGES if not (s == "quarterly pack" and args.skip_pack)]
    for name, config in authorities:
        runs: dict[str, list[dict]] = {stage: [] for stage in stages}
        for _ in range(max(1, args.repeat)):  # interleaved, so a busy spell hits every stage
            for stage in stages:
                run = measure(stage, config)
                runs[stage].append(run)
                print(
                    f"{name:>7} {stage:<15} {run['seconds']:8.2f} s {run['cpu']:8.2f} s cpu "
                    f"{run['peak_mb']:8.0f} MB "
                    f"{_stage_note(run)}",
                    flush=True,
                )
        results = {stage: median_run(r) for stage, r in runs.items()}
        raw = max(results["raw read"]["seconds"], 1e-9)
        for stage, r in results.items():
            note = f"{r['seconds'] / raw:.1f}x raw read" if stage != "raw read" else ""
            if stage == "analysis layer":
                note = ""
            if r.get("stages"):
                note += "; " + _stage_note(r)
            rows.append((name, stage, r["seconds"], r["cpu"], r["peak_mb"], note))
    lines = [
        "| authority | stage | wall time (s) | processor time (s) | peak memory (MB) | note |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {a} | {s} | {t:.2f} | {c:.2f} | {m:.0f} | {n} |" for a, s, t, c, m, n in rows]
    lines += [
        "",
        f"{max(1, args.repeat)} run(s) of each stage, median shown; load average (1, 5, 15 min) "
        f"at the start {started_load}, at the end {load_average()}; {os.cpu_count()} processors.",
    ]
    table = "\n".join(lines)
    print("\n" + table)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "results.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
