"""The history of every run (qaanalysis.history): hand-worked runs of consecutive quarters.

Every expected value below is written out by hand from the Figures the test records; none is read
back from the module and compared with itself.
"""

import csv
import os
import sqlite3
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from qaanalysis import cli, history
from qaanalysis.figures import Figure
from qaanalysis.history import MessageRow, RunInfo, ThemeRow, store

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONFIG = ROOT / "data_samples" / "la.yaml"  # authority slug: northmoor


def stock(value, period):
    """Children in care missing from placement at the quarter's end: a stock count."""
    return Figure(
        "kpi.cla_missing",
        "Children in care missing at period end",
        value,
        period=period,
        source="Annex A List 8",
    )


def visits(k, n, period, *, direction="stable"):
    """Child protection visits in timescale: a share, stored as a fraction."""
    return Figure(
        "kpi.cp_visit_in_timescale",
        "Child protection visits in timescale",
        k / n,
        unit="percent",
        numerator=k,
        denominator=n,
        period=period,
        direction=direction,
        source="Annex A List 9",
    )


def audits(n, period):
    return Figure("audits.count", "Audits completed", n, period=period, source="audits")


def run(period, audience="internal", *, extract="2026-10-05"):
    return RunInfo(
        period,
        "quarterly",
        audience,
        extract_date=extract,
        package_version="1.2.0",
        inputs_digest="d" * 32,
    )


THEMES = [
    ThemeRow(
        "assessment",
        "Assessment",
        "mixed",
        "mixed evidence",
        "help_and_protection",
        ("audits.domain.assessment.good_or_better", "kpi.assessments_within_45wd"),
    )
]


@pytest.fixture
def path(tmp_path):
    return tmp_path / "outputs" / "northmoor" / "history.sqlite"


@pytest.fixture
def two_quarters(path):
    """Q1 and Q2 of 2026-27, recorded in order; returns their run numbers."""
    q1 = history.record_run(
        path,
        run=run("2026-27-Q1"),
        themes=THEMES,
        messages=[
            MessageRow("recommendation", 1, "Audit assessment timeliness next quarter."),
        ],
        figures=[stock(12, "2026-27-Q1"), visits(45, 50, "2026-27-Q1"), audits(30, "2026-27-Q1")],
    )
    q2 = history.record_run(
        path,
        run=run("2026-27-Q2"),
        themes=THEMES,
        messages=[],
        figures=[stock(15, "2026-27-Q2"), visits(40, 50, "2026-27-Q2"), audits(28, "2026-27-Q2")],
    )
    return q1, q2


def table(path, sql):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


# -- recording and replacing ---------------------------------------------------------------------


def test_a_rerun_of_the_second_quarter_replaces_its_rows_only(path, two_quarters):
    q1, q2 = two_quarters
    # The rerun of Q2 (a corrected extract) has two Figures, no themes, one key message.
    q2_again = history.record_run(
        path,
        run=run("2026-27-Q2", extract="2026-10-12"),
        themes=[],
        figures=[stock(14, "2026-27-Q2"), audits(29, "2026-27-Q2")],
        messages=[MessageRow("key_message", 1, "Fewer children in care went missing.")],
    )
    assert (q1, q2, q2_again) == (1, 2, 3)  # a new number, never the replaced run's
    assert table(path, "SELECT run_id, period, extract_date FROM runs ORDER BY run_id") == [
        (1, "2026-27-Q1", "2026-10-05"),
        (3, "2026-27-Q2", "2026-10-12"),
    ]
    # Q1 keeps its three Figures, its theme and its recommendation; Q2 has only the rerun's.
    assert table(
        path, "SELECT run_id, figure_id, value FROM figures ORDER BY run_id, figure_id"
    ) == [
        (1, "audits.count", 30),
        (1, "kpi.cla_missing", 12),
        (1, "kpi.cp_visit_in_timescale", 0.9),
        (3, "audits.count", 29),
        (3, "kpi.cla_missing", 14),
    ]
    assert table(path, "SELECT run_id, theme_id, status FROM themes") == [
        (1, "assessment", "mixed")
    ]
    assert table(path, "SELECT run_id, kind, rank FROM messages ORDER BY run_id") == [
        (1, "recommendation", 1),
        (3, "key_message", 1),
    ]


def test_figures_keep_their_counts_interval_flags_and_reader_text(path, two_quarters):
    q1, _ = two_quarters
    (row,) = table(
        path,
        "SELECT unit, value, value_text, text, numerator, denominator, "
        "significant, suppressed, period FROM figures WHERE run_id = 1 AND "
        "figure_id = 'kpi.cp_visit_in_timescale'",
    )
    # 45 of 50 = 0.9, shown "90% (45 of 50)"; counts stay whole numbers, not 45.0.
    assert row == ("percent", 0.9, None, "90% (45 of 50)", 45, 50, 0, 0, "2026-27-Q1")
    assert isinstance(row[4], int)


def test_the_dicts_of_figures_json_and_a_status_figure_are_stored(path):
    status = Figure(
        "triangulation.assessment",
        "Assessment: triangulated evidence",
        "mixed evidence",
        unit="status",
        period="2026-27-Q1",
        source="triangulation",
        comparison=None,
    )
    history.record_run(
        path, run=run("2026-27-Q1"), themes=[], messages=[], figures=[status.as_dict()]
    )
    assert table(path, "SELECT value, value_text, text FROM figures") == [
        (None, "mixed evidence", "mixed evidence")
    ]


def test_theme_rows_come_from_theme_assessments(path):
    from qaanalysis.findings import Signal
    from qaanalysis.triangulate import ThemeAssessment

    # Audits negative and performance positive on one theme: mixed evidence.
    assessment = ThemeAssessment(
        "assessment",
        "Assessment",
        "mixed",
        (
            Signal(
                "assessment",
                "audits",
                "negative",
                "r",
                ("audits.domain.assessment.good_or_better",),
            ),
            Signal("assessment", "performance", "positive", "r", ("kpi.assessments_within_45wd",)),
        ),
        "help_and_protection",
    )
    rid = history.record_run(
        path, run=run("2026-27-Q1"), figures=[], messages=[], themes=[ThemeRow.of(assessment)]
    )
    assert history.themes_of(path, rid).to_dict("records") == [
        {
            "theme_id": "assessment",
            "label": "Assessment",
            "status": "mixed",
            "status_label": "mixed evidence",
            "judgement_area": "help_and_protection",
            "figure_ids": "audits.domain.assessment.good_or_better, kpi.assessments_within_45wd",
        }
    ]


def test_messages_come_back_key_messages_first_in_rank_order(path):
    messages = [
        MessageRow(
            "recommendation",
            1,
            "Audit assessment timeliness.",
            owner="Head of QA",
            due="2026-12-31",
        ),
        MessageRow(
            "key_message",
            2,
            "Visits slipped.",
            evidence="40 of 50 (80%)",
            meaning="Some children were not seen as often as their plan says.",
            action="Review visit scheduling",
            owner="Service manager",
            due="2026-11-30",
            theme="child_protection",
            figure_ids=("kpi.cp_visit_in_timescale",),
        ),
        MessageRow("key_message", 1, "Fewer children went missing."),
    ]
    rid = history.record_run(path, run=run("2026-27-Q2"), figures=[], themes=[], messages=messages)
    got = history.messages_of(path, rid)
    assert list(zip(got["kind"], got["rank"], strict=True)) == [
        ("key_message", 1),
        ("key_message", 2),
        ("recommendation", 1),
    ]
    second = got.iloc[1]
    assert (second["owner"], second["due"], second["figure_ids"]) == (
        "Service manager",
        "2026-11-30",
        "kpi.cp_visit_in_timescale",
    )


@pytest.mark.parametrize(
    "bad, names",
    [
        (
            dict(messages=[MessageRow("action", 1, "x")]),
            "message 1 (action 1): kind must be one of",
        ),
        (dict(messages=[MessageRow("key_message", 0, "x")]), "rank must be a whole number from 1"),
        (
            dict(messages=[MessageRow("key_message", 1, "a"), MessageRow("key_message", 1, "b")]),
            "message 2 (key_message 1): two messages of one kind share a rank",
        ),
        (
            dict(figures=[{"id": "kpi.x", "label": "X", "value": 1, "colour": "red"}]),
            "figure 1 ('kpi.x'): unknown fields ['colour']",
        ),
        (
            dict(figures=[stock(1, "2026-27-Q1"), audits(2, "2026-27-Q1"), stock(3, "2026-27-Q1")]),
            "figure 3 ('kpi.cla_missing'): the id appears twice",
        ),
        (
            dict(figures=[Figure("kpi.x", "X", True)]),
            "figure 1 ('kpi.x') value: True is not a number",
        ),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(path, bad, names):
    arguments = dict(run=run("2026-27-Q1"), figures=[], themes=[], messages=[]) | bad
    with pytest.raises(history.HistoryError) as caught:
        history.record_run(path, **arguments)
    assert names in str(caught.value)
    assert not path.exists()


def test_a_period_written_another_way_is_refused(path):
    with pytest.raises(history.HistoryError, match="not a financial year"):
        history.record_run(path, run=run("2026 Q2"), figures=[], themes=[], messages=[])


# -- reading -------------------------------------------------------------------------------------


def test_a_figure_s_history_is_in_period_order_one_row_per_period(path):
    # Recorded out of order: Q2 2026-27, then Q4 2025-26, then Q1 2026-27 (and a public Q1).
    history.record_run(
        path, run=run("2026-27-Q2"), figures=[stock(15, "2026-27-Q2")], themes=[], messages=[]
    )
    history.record_run(
        path, run=run("2025-26-Q4"), figures=[stock(9, "2025-26-Q4")], themes=[], messages=[]
    )
    withheld = Figure(
        "kpi.cla_missing",
        "Children in care missing at period end",
        None,
        period="2026-27-Q1",
        source="Annex A List 8",
        suppressed=True,
    )
    history.record_run(
        path, run=run("2026-27-Q1", "public"), figures=[withheld], themes=[], messages=[]
    )
    history.record_run(
        path, run=run("2026-27-Q1"), figures=[stock(12, "2026-27-Q1")], themes=[], messages=[]
    )
    got = history.figure_history(path, "kpi.cla_missing")
    # The financial year 2025-26 ends in March 2026, before 2026-27 Q1 (April to June 2026).
    assert list(got["period"]) == ["2025-26-Q4", "2026-27-Q1", "2026-27-Q2"]
    assert list(got["value"]) == [9, 12, 15]  # Q1's internal run, not the public one
    assert list(got["audience"]) == ["internal"] * 3
    public = history.figure_history(path, "kpi.cla_missing", audience="public")
    assert (list(public["period"]), list(public["suppressed"])) == (["2026-27-Q1"], [True])
    assert history.figure_history(path, "kpi.never_recorded").empty
    assert history.figure_history(path, "kpi.cla_missing", report="annual").empty


def test_previous_run_is_the_run_of_the_period_before(path, two_quarters):
    q1, q2 = two_quarters
    history.record_run(path, run=run("2025-26-Q4"), figures=[], themes=[], messages=[])
    before_q2 = history.previous_run(
        path, period="2026-27-Q2", report="quarterly", audience="internal"
    )
    assert (before_q2.run_id, before_q2.period) == (q1, "2026-27-Q1")
    # The quarter before April to June 2026 is January to March 2026: the last year's Q4.
    before_q1 = history.previous_run(
        path, period="2026-27-Q1", report="quarterly", audience="internal"
    )
    assert (before_q1.period, before_q1.period_end) == ("2025-26-Q4", "2026-03-31")
    after = history.previous_run(path, period="2026-27-Q3", report="quarterly", audience="internal")
    assert after.run_id == q2
    # No Q3 recorded: Q4 has no previous run (a gap is not bridged); nor has another audience.
    assert (
        history.previous_run(path, period="2026-27-Q4", report="quarterly", audience="internal")
        is None
    )
    assert (
        history.previous_run(path, period="2026-27-Q2", report="quarterly", audience="leadership")
        is None
    )


def test_year_end_positions_are_the_kpis_of_the_year_s_fourth_quarter(path):
    for period, missing, seen in (
        ("2025-26-Q3", 11, 41),
        ("2025-26-Q4", 9, 47),
        ("2026-27-Q1", 12, 45),
    ):
        history.record_run(
            path,
            run=run(period),
            themes=[],
            messages=[],
            figures=[stock(missing, period), visits(seen, 50, period), audits(30, period)],
        )
    got = history.year_end_positions(path, year="2025-26")
    # Q4 of 2025-26 is January to March 2026: positions at 31 March 2026, KPIs only.
    assert list(got["figure_id"]) == ["kpi.cla_missing", "kpi.cp_visit_in_timescale"]
    assert list(got["value"]) == [9, 47 / 50]
    assert set(got["as_at"]) == {"2026-03-31"}
    assert got.equals(history.year_end_positions(path, year=2025))  # the year it starts
    assert history.year_end_positions(path, year="2026-27").empty  # its Q4 is not recorded
    with pytest.raises(history.HistoryError, match="not a financial year"):
        history.year_end_positions(path, year="2025-26-Q4")


def test_a_history_not_yet_written_reads_as_empty(path):
    assert history.runs(path).empty
    assert history.figure_history(path, "kpi.cla_missing").empty
    assert (
        history.previous_run(path, period="2026-27-Q2", report="quarterly", audience="internal")
        is None
    )
    assert not path.exists()  # reading creates nothing


def test_export_writes_one_csv_per_table_with_its_rows(path, two_quarters, tmp_path):
    written = history.export(path, tmp_path / "export")
    counts = {}
    for file in written:
        with file.open(encoding="utf-8", newline="") as handle:
            counts[file.name] = len(list(csv.reader(handle))) - 1  # less the header
    # Two runs; 3 + 3 Figures; one theme each; Q1's one recommendation; one version row.
    assert counts == {
        "schema_version.csv": 1,
        "runs.csv": 2,
        "figures.csv": 6,
        "themes.csv": 2,
        "messages.csv": 1,
    }


# -- the file: version, mode, locking and faults -------------------------------------------------


def test_a_file_from_a_newer_version_is_refused_and_left_unchanged(path, two_quarters):
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (history.SCHEMA_VERSION + 1,))
    conn.close()
    before = path.read_bytes()
    with pytest.raises(history.HistoryError, match="written by a newer qaanalysis") as caught:
        history.record_run(path, run=run("2026-27-Q3"), figures=[], themes=[], messages=[])
    assert caught.value.exit_code == 1
    with pytest.raises(history.HistoryError, match="Upgrade qaanalysis"):
        history.runs(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_history_is_refused(path):
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE something_else (x)")
    conn.close()
    with pytest.raises(history.HistoryError, match="not a qaanalysis history"):
        history.record_run(path, run=run("2026-27-Q1"), figures=[], themes=[], messages=[])
    path.write_text("quarterly,report\n")  # a CSV saved under the wrong name
    with pytest.raises(history.HistoryError, match="is damaged or is not an SQLite file"):
        history.runs(path)


@pytest.mark.parametrize("umask, folder_mode", [(0o022, 0o755), (0o002, 0o775), (0o077, 0o700)])
def test_the_file_is_private_and_its_folder_follows_the_umask(path, umask, folder_mode):
    old = os.umask(umask)
    try:
        history.record_run(path, run=run("2026-27-Q1"), figures=[], themes=[], messages=[])
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == folder_mode


def test_a_run_waits_for_another_run_s_write(path, two_quarters, monkeypatch):
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another run is writing
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    with pytest.raises(history.HistoryError, match="another run held .* for more than"):
        history.record_run(path, run=run("2026-27-Q3"), figures=[], themes=[], messages=[])
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 10.0)
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    rid = history.record_run(path, run=run("2026-27-Q3"), figures=[], themes=[], messages=[])
    release.join()
    holder.close()
    assert time.monotonic() - started >= 0.25  # it waited for the other write, then wrote
    assert list(history.runs(path)["run_id"]) == [1, 2, rid]


def test_a_full_disk_ends_in_a_message_and_leaves_the_history_unchanged(
    path, two_quarters, monkeypatch
):
    connect = store._connect

    def no_room(target, *, readonly):
        conn = connect(target, readonly=readonly)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk holds no more pages
        return conn

    monkeypatch.setattr(store, "_connect", no_room)
    many = [Figure(f"kpi.k{i}", "x" * 200, i, period="2026-27-Q3") for i in range(300)]
    with pytest.raises(history.HistoryError, match="the disk holding .* is full") as caught:
        history.record_run(path, run=run("2026-27-Q3"), figures=many, themes=[], messages=[])
    assert caught.value.exit_code == 1
    monkeypatch.undo()
    assert list(history.runs(path)["period"]) == ["2026-27-Q1", "2026-27-Q2"]


def test_a_read_only_history_ends_in_a_message(path, two_quarters, monkeypatch):
    connect = store._connect
    monkeypatch.setattr(
        store, "_connect", lambda target, *, readonly: connect(target, readonly=True)
    )  # as if the file or its folder could not be written
    with pytest.raises(history.HistoryError, match=f"cannot write to {path}"):
        history.record_run(path, run=run("2026-27-Q3"), figures=[], themes=[], messages=[])


# -- the command line ----------------------------------------------------------------------------


def test_the_command_line_lists_shows_and_exports(tmp_path, two_quarters, capsys):
    out = tmp_path / "outputs"
    assert cli.main(["history", "--config", str(SAMPLE_CONFIG), "--out", str(out)]) == 0
    listed = capsys.readouterr().out
    assert "2 runs recorded" in listed
    lines = [line.split() for line in listed.splitlines()[2:]]
    # Run, period, report, audience, extract date (UK), recorded date and time, Figures, version.
    assert [line[:5] for line in lines] == [
        ["1", "2026-27-Q1", "quarterly", "internal", "05/10/2026"],
        ["2", "2026-27-Q2", "quarterly", "internal", "05/10/2026"],
    ]
    assert [line[-2:] for line in lines] == [["3", "1.2.0"], ["3", "1.2.0"]]

    assert (
        cli.main(
            [
                "history",
                "--config",
                str(SAMPLE_CONFIG),
                "--out",
                str(out),
                "show",
                "kpi.cp_visit_in_timescale",
            ]
        )
        == 0
    )
    shown = capsys.readouterr().out
    assert "90% (45 of 50)" in shown and "80% (40 of 50)" in shown
    assert shown.index("2026-27-Q1") < shown.index("2026-27-Q2")
    assert "broadly stable" in shown

    folder = tmp_path / "csv"
    assert (
        cli.main(
            ["history", "--config", str(SAMPLE_CONFIG), "--out", str(out), "export", str(folder)]
        )
        == 0
    )
    assert sorted(p.name for p in folder.iterdir()) == [
        "figures.csv",
        "messages.csv",
        "runs.csv",
        "schema_version.csv",
        "themes.csv",
    ]


def test_the_command_line_names_a_missing_history_and_a_missing_argument(tmp_path, capsys):
    out = tmp_path / "elsewhere"
    assert cli.main(["history", "--config", str(SAMPLE_CONFIG), "--out", str(out)]) == 2
    assert f"no history at {out / 'northmoor' / 'history.sqlite'}" in capsys.readouterr().err
    assert cli.main(["history", "--config", str(SAMPLE_CONFIG), "--out", str(out), "show"]) == 2
    assert "give a Figure id" in capsys.readouterr().err


# -- read by the next report (issue 15, part 3: what we said last time and what happened) ---------


def _findings(period: str, report: str, figures=(), *, audience="internal"):
    from qaanalysis.findings import Section
    from qaanalysis.periods import parse_period
    from qaanalysis.sections import Findings

    return Findings(parse_period(period), report, audience, {"x": Section("x", {}, tuple(figures))})


def _share(figure_id, label, k, n, period, previous=None, previous_period=None):
    from qaanalysis import figures

    return figures.proportion(
        figure_id,
        label,
        k=k,
        n=n,
        period=period,
        source="audits",
        previous=previous,
        previous_period=previous_period,
    )


def test_last_quarters_recommendation_is_followed_up_with_its_measure_then_and_now(tmp_path):
    from qaanalysis.narrative import learning as learned

    path = tmp_path / "history.sqlite"
    then = _share(
        "audits.domain.assessment.good_or_better",
        "Assessment: good or better",
        12,
        30,
        "2026-27-Q1",
    )
    history.record_run(
        path,
        run=RunInfo("2026-27-Q1", "quarterly", "internal"),
        figures=[then],
        themes=[],
        messages=[
            MessageRow(
                "recommendation",
                1,
                "Agree an improvement plan for assessment.",
                owner="Head of Assessment",
                due="2026-09-30",
                figure_ids=("audits.domain.assessment.good_or_better",),
            )
        ],
    )
    # this quarter: 18 of 30, tested against last quarter's 12 of 30 (Fisher p = 0.19: stable)
    now = _share(
        "audits.domain.assessment.good_or_better",
        "Assessment: good or better",
        18,
        30,
        "2026-27-Q2",
        previous=(12, 30),
        previous_period="2026-27-Q1",
    )
    findings = _findings("2026-27-Q2", "quarterly", [now])
    stored = history.previous_run(
        path, period="2026-27-Q2", report="quarterly", audience="internal"
    )
    table = learned.follow_up_table(
        history.messages_of(path, stored.run_id),
        history.figures_of(path, stored.run_id),
        findings.by_id,
        previous_period=stored.period,
    )
    text = learned.follow_up_text(
        table,
        findings.by_id,
        report="quarterly",
        previous_label="Q1",
        owner_slot="[to agree]",
        due_slot="[date]",
    )
    assert "**Recommendation 1.** Agree an improvement plan for assessment." in text
    assert "Owner: Head of Assessment. By: 30 September 2026." in text
    assert (
        "Assessment: good or better: 40% (12 of 30) then, "
        "[60% (18 of 30)](#figure-audits.domain.assessment.good_or_better) now: broadly stable."
    ) in text


def test_a_measure_not_compared_with_last_quarter_is_not_called_a_change(tmp_path):
    from qaanalysis.narrative import learning as learned

    now = _share("kpi.x", "A KPI", 5, 10, "2026-27-Q2")  # no comparison with last quarter
    messages = pd.DataFrame(
        [{"kind": "key_message", "rank": 1, "text": "Said.", "figure_ids": "kpi.x, kpi.gone"}]
    )
    then = pd.DataFrame([{"figure_id": "kpi.x", "label": "A KPI", "text": "30% (3 of 10)"}])
    table = learned.follow_up_table(messages, then, {"kpi.x": now}, previous_period="2026-27-Q1")
    assert table[["then", "now", "movement"]].values.tolist() == [
        ["30% (3 of 10)", "50% (5 of 10)", "not tested against then"],
        ["not recorded then", "not in this pack", ""],
    ]


def test_with_no_earlier_run_the_report_says_so_in_one_line(tmp_path):
    from qaanalysis.sections.report import _follow_up

    findings = _findings("2026-27-Q2", "quarterly")
    items = _follow_up(findings, None, tmp_path / "none.sqlite")
    assert items["follow_up"].markdown == (
        "There is no report for 2026-27 Q1 (April to June 2026) in this authority's history, so "
        "nothing said last quarter can be followed up here; the next report will follow up this one."
    )
    assert "\n" not in items["follow_up"].markdown


@pytest.fixture(scope="module")
def sample():
    from qaanalysis.config import load_config
    from qaanalysis.sources import load_evidence

    config = load_config(SAMPLE_CONFIG)
    return config, load_evidence(config)


def test_two_consecutive_quarterly_runs_follow_up_last_quarters_recommendations(tmp_path, sample):
    """The runner's own steps on the sample: Q1 computed and recorded, then Q2 reads it."""
    from qaanalysis.periods import parse_period
    from qaanalysis.pipeline import _record
    from qaanalysis.sections import compute_findings

    config, evidence = sample
    path = history.history_path(config, tmp_path)
    q1 = compute_findings(evidence, parse_period("2026-27-Q1"), report="quarterly", history=path)
    assert q1["quarterly"]["follow_up"].markdown.startswith("There is no report for 2025-26 Q4")
    _record(
        config,
        tmp_path,
        q1,
        period="2026-27-Q1",
        report="quarterly",
        audience="internal",
        evidence=evidence,
        key="test",
    )
    q2 = compute_findings(evidence, parse_period("2026-27-Q2"), report="quarterly", history=path)
    text = q2["quarterly"]["follow_up"].markdown
    recommendations = q1["quarterly"]["recommendations_table"].frame
    assert len(recommendations)  # the sample's first quarter proposes actions
    for rank, said in zip(recommendations["rank"], recommendations["text"], strict=True):
        assert f"**Recommendation {rank}.** {said}" in text
    # each cited measure: its value as Q1's pack showed it, and as Q2's pack shows it now
    table = q2["quarterly"]["follow_up_table"].frame
    first = recommendations.iloc[0]
    cited = [i for i in first["figure_ids"].split(", ") if ".trend" not in i][0]
    row = table[(table["kind"] == "Recommendation") & (table["rank"] == first["rank"])].iloc[0]
    from qaanalysis.figures import format_value

    assert row["then"] == format_value(q1.by_id[cited])
    assert row["now"] == format_value(q2.by_id[cited])
    assert f"{row['then']} then, [{row['now']}](#figure-{cited}) now" in text


def test_the_annual_takes_year_end_positions_from_the_fourth_quarters_run(tmp_path, sample):
    from qaanalysis.sections.report import _year_end

    config, evidence = sample
    path = tmp_path / "history.sqlite"
    q4 = _share("kpi.cla_missing", "Children in care with a missing episode", 12, 100, "2025-26-Q4")
    history.record_run(
        path,
        run=RunInfo("2025-26-Q4", "quarterly", "internal"),
        figures=[q4],
        themes=[],
        messages=[],
    )
    items = _year_end(_findings("2025-26", "annual"), evidence, path)
    table = items["year_end_table"].frame.set_index("measure")
    label = config.kpis["cla_missing"].label
    assert table.loc[label].tolist() == [
        "12% (12 of 100)",
        "31/03/2026",
        "the quarterly report for 2025-26 Q4 (January to March 2026)",
    ]
    # the others were not recorded then: as this pack's extract allows (30/09/2026, 26 weeks on)
    other = table.drop(index=label)
    assert set(other["position"]) == {"not computable"}
    assert (
        other["from"].str.startswith("the extract (30/09/2026) was taken more than 6 weeks").all()
    )
    assert items["year_end"].markdown.startswith(
        f"1 of the {len(table)} year-end positions is as the quarterly report for 2025-26 Q4"
    )


def test_without_a_fourth_quarter_the_annual_says_positions_are_rebuilt(tmp_path, sample):
    from qaanalysis.sections.report import _year_end

    config, evidence = sample
    items = _year_end(_findings("2025-26", "annual"), evidence, tmp_path / "none.sqlite")
    assert "holds no report for the year's last quarter" in items["year_end"].markdown
    assert not items["year_end_table"].frame["from"].str.startswith("the quarterly report").any()


def test_a_recommendation_citing_the_same_measures_points_to_the_message_above():
    from qaanalysis.narrative import learning as learned

    now = _share("kpi.x", "A KPI", 5, 10, "2026-27-Q2")
    messages = pd.DataFrame(
        [
            {"kind": "key_message", "rank": 1, "text": "Found.", "figure_ids": "kpi.x"},
            {"kind": "recommendation", "rank": 1, "text": "Do.", "figure_ids": "kpi.x"},
        ]
    )
    then = pd.DataFrame([{"figure_id": "kpi.x", "label": "A KPI", "text": "30% (3 of 10)"}])
    table = learned.follow_up_table(messages, then, {"kpi.x": now}, previous_period="2026-27-Q1")
    text = learned.follow_up_text(
        table,
        {"kpi.x": now},
        report="quarterly",
        previous_label="Q1",
        owner_slot="[o]",
        due_slot="[d]",
    )
    assert text.count("30% (3 of 10) then") == 1
    assert (
        "**Recommendation 1.** Do. Owner: [o]. By: [d]. Its measures now: as for key message 1 above."
        in text
    )
