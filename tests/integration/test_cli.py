"""The command line talks: version, help on every option, cache commands, progress, fault exits."""

import argparse
import io
import os
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import numpy
import pandas
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import qaanalysis.pipeline
from qaanalysis import cache, cli
from qaanalysis.pipeline.guard import PackFault
from qaanalysis.pipeline.progress import Progress
from qaanalysis.pipeline.versions import manifest_versions

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Terminal(io.StringIO):
    def isatty(self):
        return True


def screen(text: str) -> list[str]:
    """What a terminal shows after ``text``: a carriage return goes back to the line's start and
    later characters overwrite earlier ones."""
    lines, column = [[]], 0
    for char in text:
        if char == "\n":
            lines.append([])
            column = 0
        elif char == "\r":
            column = 0
        else:
            line = lines[-1]
            if column < len(line):
                line[column] = char
            else:
                line.append(char)
            column += 1
    return ["".join(line).rstrip() for line in lines]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    monkeypatch.setenv(cache.NO_CACHE_ENV, "0")
    return folder


# -- version and help --------------------------------------------------------------------------


def test_version_is_the_installed_suites(capsys):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"qaanalysis {declared}"


def _parsers(parser):
    yield parser.prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield f"{parser.prog} {choice.dest} (command)", choice
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_command_and_option_has_help():
    missing = []
    for prog, parser in _parsers(cli.build_parser()):
        if isinstance(parser, argparse.Action):  # a command in its parent's list
            if not parser.help:
                missing.append(prog)
            continue
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{prog} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, f"no help text: {missing}"


def test_help_names_the_cache_command_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    assert "cache" in text and "Exit codes" in text


# -- cache -----------------------------------------------------------------------------------


def test_cache_clear_empties_the_cache(private_cache, capsys):
    cache.store("evidence", "a", "x")
    cache.store("evidence", "b", "y")
    assert cli.main(["cache", "clear"]) == 0
    assert capsys.readouterr().out.strip() == f"2 cached entries removed from {private_cache}"
    assert [p.name for p in private_cache.iterdir()] == [cache.KEY_FILE]
    assert cli.main(["cache", "clear"]) == 0
    assert capsys.readouterr().out.startswith("0 cached entries removed")


def test_cache_info_says_where_and_how_much(private_cache, capsys):
    cache.store("evidence", "a", b"x" * 2 * 1024**2)  # 2 MB of payload
    assert cli.main(["cache", "info"]) == 0
    text = capsys.readouterr().out
    assert f"Cache folder: {private_cache} (private to you)" in text
    assert "Caching: on" in text
    assert "Entries: 1, 2.0 MB" in text
    assert "Least recently used: 0.0 days ago" in text


def test_cache_info_before_any_run(private_cache, capsys):
    assert cli.main(["cache", "info"]) == 0
    assert f"Cache folder: {private_cache} (not made yet)" in capsys.readouterr().out
    assert not private_cache.exists()


def test_a_cache_folder_open_to_others_stops_with_a_message(private_cache, capsys):
    private_cache.mkdir()
    os.chmod(private_cache, 0o755)
    assert cli.main(["cache", "clear"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qaanalysis cache: the cache folder")
    assert f"chmod 700 {private_cache}" in err
    assert "Traceback" not in err


# -- run ---------------------------------------------------------------------------------------

RUN = ["run", "--config", "la.yaml", "--period", "2026-27-Q2"]


def test_run_shows_the_runners_messages_on_their_own_lines(monkeypatch, capsys):
    def run_pack(config, *, period, report, audience, out, progress):
        progress("Evidence loaded (0.4 s); running 5 notebooks")
        progress("Pack written to outputs/northmoor/2026-27-Q2/quarterly")

    monkeypatch.setattr(qaanalysis.pipeline, "run_pack", run_pack)
    assert cli.main(RUN) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[:2] == [
        "Evidence loaded (0.4 s); running 5 notebooks",
        "Pack written to outputs/northmoor/2026-27-Q2/quarterly",
    ]
    assert lines[2].startswith("Finished in ")
    assert "\r" not in captured.err  # stderr is not a terminal under pytest: plain lines


def test_run_reports_stages_to_a_runner_that_takes_progress(monkeypatch, capsys):
    def run_pack(config, *, period, report, audience, out, progress):
        progress.stage("Loading evidence")
        progress.stage("Running notebooks", total=1)
        progress.notebook_started("10_audits")
        progress.notebook_finished("10_audits")

    monkeypatch.setattr(qaanalysis.pipeline, "run_pack", run_pack)
    assert cli.main(RUN) == 0
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == [
        "Loading evidence",
        "  10_audits",
        "Running notebooks (1 of 1)",
    ]
    assert lines[3].startswith("Finished in ") and len(lines) == 4


def test_quiet_run_says_nothing(monkeypatch, capsys):
    def run_pack(config, *, period, report, audience, out, progress):
        progress.stage("Loading evidence")
        progress("Evidence loaded")

    monkeypatch.setattr(qaanalysis.pipeline, "run_pack", run_pack)
    assert cli.main([*RUN, "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


def test_a_run_stopped_by_another_run_exits_1_with_a_message(monkeypatch, capsys):
    def run_pack(config, **kwargs):
        raise PackFault("another run is building this pack (pid 4242) in outputs/northmoor")

    monkeypatch.setattr(qaanalysis.pipeline, "run_pack", run_pack)
    assert cli.main([*RUN, "--quiet"]) == 1
    err = capsys.readouterr().err
    assert (
        err == "qaanalysis run: another run is building this pack (pid 4242) in outputs/northmoor\n"
    )


def test_no_cache_turns_the_cache_off_for_the_run(monkeypatch):
    seen = {}

    def run_pack(config, **kwargs):
        seen["enabled"] = cache.enabled()

    monkeypatch.setattr(qaanalysis.pipeline, "run_pack", run_pack)
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    assert cli.main([*RUN, "--quiet", "--no-cache"]) == 0
    assert seen == {"enabled": False}
    # for that run only: the calling process keeps its cache (a test after this one once found
    # the cache off because an earlier --no-cache run had left the setting behind)
    assert cache.enabled()


# -- the progress reporter ------------------------------------------------------------------------


def _a_run(progress: Progress, clock: Clock) -> None:
    """Five minutes of a pack, by hand: stages and two notebooks in parallel, one failing."""
    progress.stage("Loading evidence")
    clock.now = 1.94
    progress.stage("Running notebooks", total=2)
    clock.now = 2.0
    progress.notebook_started("10_audits")
    clock.now = 2.5
    progress.notebook_started("20_performance")
    clock.now = 14.3
    progress.notebook_finished("10_audits")  # 14.3 - 2.0
    clock.now = 20.5
    progress.notebook_finished("20_performance", ok=False)  # 20.5 - 2.5
    clock.now = 21.0
    progress.stage("Rendering")
    progress("Word template: the authority's own")
    clock.now = 95.0
    progress.finish()


EXPECTED_LINES = [
    "Loading evidence: done in 1.9 s",
    "  10_audits: done in 12.3 s",
    "  20_performance: FAILED after 18.0 s",
    "Running notebooks (2 of 2): done in 19.1 s",  # 21.0 - 1.94
    "Word template: the authority's own",
    "Rendering: done in 1 min 14 s",  # 95 - 21
    "Finished in 1 min 35 s",
]


def test_plain_lines_when_not_a_terminal():
    clock, stream = Clock(), io.StringIO()
    _a_run(Progress(stream=stream, clock=clock), clock)
    assert stream.getvalue() == "\n".join(EXPECTED_LINES) + "\n"


def test_a_terminal_gets_a_status_line_rewritten_in_place():
    clock, stream = Clock(), Terminal()
    progress = Progress(stream=stream, clock=clock, refresh=None)
    assert progress.interactive  # judged from the stream
    progress.stage("Running notebooks", total=2)
    clock.now = 3.0
    progress.notebook_started("10_audits")
    assert screen(stream.getvalue()) == [
        "Running notebooks, 0 of 2 done, running 10_audits ... 3.0 s"
    ]
    clock.now = 7.5
    progress.notebook_finished("10_audits")
    assert screen(stream.getvalue()) == [
        "  10_audits: done in 4.5 s",
        "Running notebooks, 1 of 2 done ... 7.5 s",
    ]
    progress.finish()
    assert "\r" in stream.getvalue()
    assert screen(stream.getvalue()) == [
        "  10_audits: done in 4.5 s",
        "Running notebooks (1 of 2): done in 7.5 s",
        "Finished in 7.5 s",
        "",
    ]


def test_the_same_run_on_a_terminal_leaves_the_same_lines():
    clock, stream = Clock(), Terminal()
    _a_run(Progress(stream=stream, clock=clock, refresh=None), clock)
    assert screen(stream.getvalue()) == [*EXPECTED_LINES, ""]


def test_the_status_line_keeps_time_between_events():
    stream = Terminal()
    progress = Progress(stream=stream, refresh=0.01)
    progress.stage("Loading evidence")
    ticker = progress._ticker
    for _ in range(500):  # up to five seconds on a busy machine
        if stream.getvalue().count("\r") >= 8:
            break
        ticker.join(0.01)
    progress.finish()
    assert stream.getvalue().count("\r") >= 8  # redrawn without any event
    assert not ticker.is_alive()


def test_quiet_writes_nothing_even_on_a_terminal():
    clock, stream = Clock(), Terminal()
    _a_run(Progress(stream=stream, clock=clock, quiet=True), clock)
    with Progress(stream=stream, quiet=True) as progress:
        progress.stage("Loading evidence")
        progress.fail()
    assert stream.getvalue() == ""


def test_an_error_ends_the_stage_without_a_summary():
    clock, stream = Clock(), io.StringIO()
    with pytest.raises(RuntimeError):
        with Progress(stream=stream, clock=clock) as progress:
            progress.stage("Rendering")
            clock.now = 2.0
            raise RuntimeError("renderer failed")
    assert stream.getvalue() == "Rendering: stopped after 2.0 s\n"


# -- reproducible installs -----------------------------------------------------------------------


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def test_manifest_versions_name_what_is_installed():
    versions = manifest_versions()
    assert list(versions)[:2] == ["python", "qaanalysis"]
    assert versions["python"] == "{}.{}.{}".format(*sys.version_info[:3])
    wanted = {"numpy", "pandas", "scipy", "statsmodels", "matplotlib"}
    assert wanted <= set(versions)
    for name in wanted | {"qaanalysis"}:
        assert versions[name] == metadata.version(name)
    assert numpy.__version__ == versions["numpy"] and pandas.__version__ == versions["pandas"]


def test_constraints_pin_every_dependency_within_pyprojects_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins()
    assert "qaanalysis" not in pins  # the suite itself is installed from the checkout
    for line in project["dependencies"] + project["optional-dependencies"]["dev"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"constraints.txt does not pin {name}"
        assert requirement.specifier.contains(pins[name]), (
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject's {requirement.specifier}"
        )


def test_results_packages_have_upper_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    bounds = {
        canonicalize_name(Requirement(d).name): Requirement(d).specifier
        for d in project["dependencies"]
    }
    for name in ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "holidays"):
        assert any(spec.operator == "<" for spec in bounds[name]), f"{name} has no upper bound"
    assert not bounds["pandas"].contains("4.0") and not bounds["numpy"].contains("3.0")
    assert not bounds["statsmodels"].contains("0.16.0") and not bounds["scipy"].contains("2.0")


def test_this_environment_was_installed_from_the_constraints():
    pins = _pins()
    for name in ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "holidays"):
        assert metadata.version(name) == pins[name], f"{name} differs from constraints.txt"


def test_make_setup_installs_from_the_constraints():
    makefile = (ROOT / "Makefile").read_text()
    assert 'pip install --quiet -c constraints.txt -e ".[dev]"' in makefile
    assert "$(STAMP): pyproject.toml constraints.txt" in makefile  # a new lock reinstalls
    assert "make test-newest" in (ROOT / ".ci" / "run").read_text()


# ----------------------------------------------------------------------------- validate: silent gaps

FEEDBACK_NO_SCORE = (
    "response_id,date,channel,respondent,question,comment\n"
    "F1,03/09/2026,survey,child,listened_to,Fine\n"
    "F2,04/09/2026,survey,parent,listened_to,\n"
)  # no score column at all: the positive share cannot be measured
COMPLAINTS = (
    "record_id,received_date,record_type,category\n"
    "C1,01/09/2026,complaint,assessment\n"
    "C2,02/09/2026,complaint,parking\n"
    "C3,03/09/2026,complaint,parking\n"
)  # 'parking' is in no theme; no row carries the other themed categories


def _gap_config(tmp_path: Path) -> Path:
    (tmp_path / "feedback.csv").write_text(FEEDBACK_NO_SCORE)
    (tmp_path / "complaints.csv").write_text(COMPLAINTS)
    path = tmp_path / "la.yaml"
    path.write_text(
        "authority: {name: Testshire, slug: testshire}\n"
        "extract_date: 2026-10-02\n"
        "sources:\n"
        "  feedback: {file: feedback.csv}\n"
        "  complaints: {file: complaints.csv}\n"
    )
    return path


def test_validate_names_every_silent_gap(tmp_path, capsys):
    assert cli.main(["validate", "--config", str(_gap_config(tmp_path))]) == 0
    out = capsys.readouterr().out
    # The feedback score is not mapped: the positive share is not measured (not zero).
    assert (
        "NOT MEASURED (Feedback): Score is not mapped to a column of the export, so these are "
        "not measured: the share of positive feedback"
    ) in out
    # Complaint columns the export lacks: stage, outcome, response date.
    assert "NOT MEASURED (Complaints): Stage is not mapped" in out
    assert "NOT MEASURED (Complaints): Outcome is not mapped" in out
    # A theme-map code that matches no row (the default themes name 'worker_contact').
    assert (
        "THEME (Relationships and direct work (visits)): themes complaint_categories "
        "'worker_contact': no complaints row has category worker_contact"
    ) in out
    assert "themes feedback_questions 'feel_settled': no feedback row has question" in out
    # 'listened_to' and 'assessment' are used: no line for them.
    assert "'listened_to'" not in out and "'assessment'" not in out
    # A category in the data that no theme lists.
    assert (
        "UNTHEMED (Complaints): category 'parking' (2 row(s)) is in no theme, so it feeds no "
        "theme's evidence"
    ) in out


def test_validate_json_carries_the_warnings(tmp_path, capsys):
    import json

    assert cli.main(["validate", "--config", str(_gap_config(tmp_path)), "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    kinds = {(w["kind"], w["source"]) for w in warnings}
    assert ("NOT MEASURED", "Feedback") in kinds and ("UNTHEMED", "Complaints") in kinds


def test_the_data_quality_section_says_not_measured_where_a_column_is_unmapped(tmp_path):
    from qaanalysis.config import load_config
    from qaanalysis.measures import data_quality as dq
    from qaanalysis.periods import parse_period
    from qaanalysis.sections import data_quality as section
    from qaanalysis.sources import load_evidence

    evidence = load_evidence(load_config(_gap_config(tmp_path)))
    assert dq.not_measured(evidence, "feedback", "score")
    assert not dq.not_measured(evidence, "feedback", "comment")
    built = section.build(evidence, parse_period("2026-27-Q2"), audience="internal")
    assert (
        "- **Not measured.** Feedback: score is not mapped, so the share of positive feedback "
        "cannot be measured (reported as not measured, not as zero)."
    ) in built.items["warnings"].markdown
    table = built.items["not_measured"].frame
    row = table[(table["source"] == "Feedback") & (table["column"] == "Score")].iloc[0]
    assert row["problem"] == "column not mapped: not measured"
