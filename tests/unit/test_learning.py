"""The learning loop (issue 15, part 3 and 4): themes of learning from the words of audit actions and
complaint learning, the stale action tracker, what distinguished good practice, family feedback at
audit, and the QA lead's narrative inputs file. Every expected value is worked out by hand from the
small frames below, for 2025-26 Q2 (1 July to 30 September 2025).
"""

from __future__ import annotations

import pandas as pd
import pytest

from qaanalysis.config import Config, default_settings
from qaanalysis.measures import learning
from qaanalysis.narrative import learning as learned
from qaanalysis.narrative.report import KeyMessage
from qaanalysis.periods import parse_period
from qaanalysis.pipeline.render import markdown_html
from qaanalysis.sources import Evidence, LoadReport, _derive
from qaanalysis.sources.narrative_inputs import NarrativeInputsError, read_narrative_inputs

Q2 = parse_period("2025-26-Q2")


def make_config(base_dir=None, **extra) -> Config:
    settings = default_settings()
    settings.update(
        authority={"name": "Test", "slug": "test"}, sources={"audits": {"file": "a.csv"}}, **extra
    )
    config = Config.model_validate(settings)
    return config.model_copy(update={"base_dir": base_dir}) if base_dir else config


AUDITS = [
    # id, date, service, overall, assessment, recording, family feedback
    ("A1", "2025-07-03", "North", "Good", "Good", "Good", "obtained"),
    ("A2", "2025-07-10", "North", "Outstanding", "Good", "Requires Improvement", "declined"),
    ("A3", "2025-08-01", "North", "Requires Improvement", "Inadequate", "Good", "obtained"),
    ("A4", "2025-08-20", "South", "Inadequate", "Inadequate", None, None),  # recording ungraded
    ("A5", "2025-09-30", "South", "Good", "Requires Improvement", "Good", "not_possible"),
    ("A6", "2025-06-30", "South", "Good", "Good", "Good", "obtained"),  # Q1: not in the period
]

ACTIONS = [
    # id, audit, raised, completed, words
    ("X1", "A1", "2025-07-05", None, "Plan to be made SMART"),  # planning; open, 87 days old
    ("X2", "A1", "2025-07-06", "2025-08-01", "Record visits within 48 hours"),  # recording; closed
    ("X3", "A3", "2024-01-10", None, "Child’s views to be gathered"),  # voice; open 629 days: stale
    ("X4", "A3", "2024-09-01", None, "Update the chronology"),  # recording; open 394 days: stale
    ("X5", "A5", "2024-10-01", None, "Ring the school"),  # no theme's words: other; 364 days
    ("X6", "A5", "2025-09-01", None, None),  # no words: not themed, but open
]

COMPLAINTS = [
    # id, received, type, learning
    ("C1", "2025-07-01", "complaint", "Managers to make sure calls are returned."),  # communication
    ("C2", "2025-07-15", "complaint", "Apology given by the team manager."),  # redress, not mgmt
    ("C3", "2025-08-15", "complaint", "Practice discussed in supervision."),  # management
    ("C4", "2025-08-16", "complaint", None),  # no learning recorded
    ("C5", "2025-09-01", "compliment", "Thanks passed on to the worker."),  # a compliment
    ("C6", "2025-06-30", "complaint", "Apology given."),  # Q1
]


def make_evidence() -> Evidence:
    config = make_config()
    audits = pd.DataFrame(
        AUDITS,
        columns=[
            "audit_id",
            "audit_date",
            "service",
            "overall_grade",
            "assessment",
            "recording",
            "family_feedback",
        ],
    )
    audits["audit_date"] = pd.to_datetime(audits["audit_date"])
    audits["child_id"] = audits["audit_id"]
    audits["team"] = audits["service"] + " Team"
    for domain in config.domain_ids:
        if domain not in audits:
            audits[domain] = None
    actions = pd.DataFrame(
        ACTIONS, columns=["action_id", "audit_id", "raised_date", "completed_date", "action"]
    )
    for column in ("raised_date", "completed_date"):
        actions[column] = pd.to_datetime(actions[column])
    actions["due_date"] = pd.NaT
    actions["owner_team"] = None
    complaints = pd.DataFrame(
        COMPLAINTS, columns=["record_id", "received_date", "record_type", "learning"]
    )
    complaints["received_date"] = pd.to_datetime(complaints["received_date"])
    frames = _derive({"audits": audits, "audit_actions": actions, "complaints": complaints}, config)
    return Evidence(config, pd.Timestamp("2025-12-31"), frames, {}, LoadReport())


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return make_evidence()


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        (
            "Managers reminded that “no reply” is not an answer: calls must be returned.",
            "communication",
        ),
        ("Young person’s views now recorded in the plan.", "voice"),  # views before plan, record
        ("Supervision to be recorded on the child's file", "management_oversight"),
        ("Direct work with the child to be recorded", "voice"),
        ("Safety plan to be reviewed with the family", "planning"),
        ("Factual inaccuracies corrected on the file.", "recording"),
        ("Signposting leaflet updated.", "guidance"),
        ("Explained to the family", "communication"),  # "explain" begins "Explained"
        ("An explanation given", "other"),  # "explanation" does not begin with "explain"
        ("Ring the school", "other"),
        ("   ", None),
        (None, None),
    ],
)
def test_a_text_takes_the_first_theme_whose_keyword_begins_a_word(text, theme):
    config = make_config()
    assert learning.theme_of(text, config) == theme


def test_a_keyword_inside_a_word_does_not_match():
    # the keyword must begin a word: "plan" begins "Planned" but is only inside "Replanned"
    config = make_config()
    assert learning.theme_of("Replanned", config) == "other"
    assert learning.theme_of("Planned", config) == "planning"


def test_the_authority_edits_the_keyword_map_in_configuration():
    config = make_config(
        learning={"themes": {"schools": {"label": "Schools", "keywords": ["school"]}}}
    )
    assert learning.theme_of("Ring the school", config) == "schools"
    assert learning.theme_of("Plan to be made SMART", config) == "other"  # the map was replaced


def test_actions_by_theme_raised_open_and_stale(evidence):
    frame = learning.action_themes(evidence, Q2).set_index("theme_id")
    # raised in Q2: X1 planning, X2 recording (X6 has no words); open at 30 Sep: X1, X3, X4, X5
    # (and X6, unthemed); stale (raised more than 365 days before 30 Sep 2025): X3 (629), X4 (394)
    assert frame["raised"].to_dict() == {"voice": 0, "planning": 1, "recording": 1, "other": 0}
    assert frame["open_at_end"].to_dict() == {"voice": 1, "planning": 1, "recording": 1, "other": 1}
    assert frame["stale"].to_dict() == {"voice": 1, "planning": 0, "recording": 1, "other": 0}


def test_the_tracker_counts_open_and_stale_actions_and_the_oldest(evidence):
    tracker = learning.tracker(evidence, Q2)
    assert tracker.open == 5  # X1, X3, X4, X5, X6
    assert tracker.stale == 2  # X3 and X4; X5 is 364 days old
    assert tracker.oldest_raised == pd.Timestamp("2024-01-10")
    assert tracker.oldest_days == 629  # 10 Jan 2024 to 30 Sep 2025
    assert tracker.stale_teams == (("North Team", 2),)  # no owner team: A3's team


def test_actions_text_says_the_tracker_needs_maintaining(evidence):
    text = learned.actions_text(
        learning.action_themes(evidence, Q2), learning.tracker(evidence, Q2), period_label="Q2"
    )
    assert "2 audit actions were raised in Q2" in text
    assert "5 actions were open, the oldest raised on 10 January 2024 (629 days before)" in text
    assert "tracker needs maintaining" in text and "2 of the open actions" in text
    assert "Most sit with North Team (2)." in text
    # the public pack names no team (sections/report.py gives the tracker without them)
    from dataclasses import replace

    public = replace(learning.tracker(evidence, Q2), stale_teams=())
    text = learned.actions_text(learning.action_themes(evidence, Q2), public, period_label="Q2")
    assert "Team" not in text and "tracker needs maintaining" in text


def test_complaint_learning_by_theme(evidence):
    frame = learning.complaint_learning_themes(evidence, Q2).set_index("theme_id")
    # Q2 complaints with learning: C1 communication, C2 redress, C3 management (C4 blank, C5 a
    # compliment, C6 in Q1)
    assert frame["complaints"].to_dict() == {
        "communication": 1,
        "redress": 1,
        "management_oversight": 1,
    }
    assert set(frame["of"]) == {3}


def test_what_distinguished_good_practice_by_domain(evidence):
    frame = learning.good_practice_domains(evidence, Q2).set_index("domain")
    # Q2 audits: good or better overall A1, A2, A5; others A3, A4.
    # Assessment: good audits Good, Good, RI -> 2 of 3; others Inadequate, Inadequate -> 0 of 2.
    # Recording: good audits Good, RI, Good -> 2 of 3; others Good (A4 ungraded) -> 1 of 1.
    assessment = frame.loc["Assessment"]
    assert (assessment["good_audits_good"], assessment["good_audits"]) == (2, 3)
    assert (assessment["other_audits_good"], assessment["other_audits"]) == (0, 2)
    assert assessment["difference_points"] == 67  # 66.7 - 0
    recording = frame.loc["Recording and communication"]
    assert (recording["other_audits_good"], recording["other_audits"]) == (1, 1)
    assert recording["difference_points"] == -33  # 66.7 - 100
    assert list(frame.index) == ["Assessment", "Recording and communication"]  # largest first


def test_family_feedback_taken_at_audit(evidence):
    frame = learning.family_feedback(evidence, Q2).set_index("outcome")
    # Q2: A1, A3 obtained; A2 declined; A5 not possible; A4 blank
    assert frame["audits"].to_dict() == {
        "Family's views obtained": 2,
        "Family declined": 1,
        "Not possible to ask": 1,
        "Not recorded": 1,
    }
    assert set(frame["of"]) == {5}
    by_service = learning.family_feedback_by_service(evidence, Q2).set_index("service")
    assert by_service.loc["North", ["audits", "obtained"]].tolist() == [3, 2]
    assert by_service.loc["South", ["audits", "obtained"]].tolist() == [2, 0]
    text = learned.family_feedback_text(
        learning.family_feedback(evidence, Q2), by_service.reset_index(), period_label="Q2"
    )
    assert "in 40% (2 of 5) of the audits" in text
    assert "from 0% (0 of 2) in South to 67% (2 of 3) in North" in text


# ------------------------------------------------------------------ narrative inputs


def write(tmp_path, text: str, period: str = "2025-26-Q2"):
    folder = tmp_path / "narrative_inputs"
    folder.mkdir(exist_ok=True)
    (folder / f"{period}.yaml").write_text(text, encoding="utf-8")
    return make_config(base_dir=tmp_path)


def test_no_file_gives_marked_slots_to_fill(tmp_path):
    inputs = read_narrative_inputs(make_config(base_dir=tmp_path), Q2)
    assert not inputs.found and inputs.slots == {}
    text = learned.slot_text(
        "make_a_difference", inputs.text("make_a_difference"), period_label="Q2"
    )
    assert text.startswith("**[To add: Make a Difference stories for Q2")


def test_the_qa_leads_words_and_key_message_edits_are_read(tmp_path):
    config = write(
        tmp_path,
        "auditors_findings: |\n  Plans were clearer.\n\n  Fathers were seen more often.\n"
        "key_messages:\n  2:\n    owner: Head of Safeguarding\n    due: 2026-12-31\n",
    )
    inputs = read_narrative_inputs(config, Q2)
    assert (
        inputs.text("auditors_findings") == "Plans were clearer.\n\nFathers were seen more often."
    )
    assert inputs.key_messages == {2: {"owner": "Head of Safeguarding", "due": "2026-12-31"}}
    message = KeyMessage(2, "t", "e", "m", "a", "[to agree]", "[date]", None, (), "k", 1)
    (edited,) = learned.edited_messages([message], inputs.key_messages)
    assert (edited.owner, edited.due, edited.text) == (
        "Head of Safeguarding",
        "31 December 2026",
        "t",
    )


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("auditors_findings: ok\nmake_a_diference: typo\n", "line 2", "unknown heading"),
        ("auditors_findings: [a, b]\n", "line 1", "should be text"),
        ("key_messages:\n  first:\n    owner: x\n", "line 2", "not a key message number"),
        ("key_messages:\n  1:\n    who: x\n", "line 3", "has no field 'who'"),
        ("auditors_findings: |\n  fine\n bad: [\n", "line", "not valid YAML"),
    ],
)
def test_a_faulty_file_names_the_file_and_line(tmp_path, text, where, says):
    config = write(tmp_path, text)
    with pytest.raises(NarrativeInputsError) as caught:
        read_narrative_inputs(config, Q2)
    message = str(caught.value)
    assert "2025-26-Q2.yaml" in message and where in message and says in message


def test_markup_in_the_qa_leads_words_is_shown_as_text_never_run(tmp_path):
    config = write(tmp_path, "observations: <script>alert(1)</script> seen at a visit\n")
    words = read_narrative_inputs(config, Q2).text("observations")
    shown = markdown_html(learned.slot_text("observations", words, period_label="Q2"))
    assert "<script>" not in shown and "&lt;script&gt;" in shown


def test_the_sample_quarter_has_the_qa_leads_words_for_every_slot():
    from pathlib import Path

    from qaanalysis.config import load_config

    config = load_config(Path(__file__).parents[2] / "data_samples" / "la.yaml")
    inputs = read_narrative_inputs(config, parse_period("2026-27-Q2"))
    assert inputs.found and set(inputs.slots) == set(learned.SLOTS)
    assert inputs.key_messages[1]["owner"] == "Head of Service, Safeguarding and Family Help"
    # another quarter has no file: its draft shows the slots to fill
    assert not read_narrative_inputs(config, parse_period("2026-27-Q1")).found


def test_a_faulty_file_stops_the_run_with_its_file_and_line(tmp_path, capsys):
    import shutil
    from pathlib import Path

    from qaanalysis import cli

    mini = Path(__file__).parents[1] / "fixtures" / "mini"
    shutil.copytree(mini, tmp_path / "la")
    (tmp_path / "la" / "narrative_inputs").mkdir()
    (tmp_path / "la" / "narrative_inputs" / "2025-26-Q2.yaml").write_text(
        "observations: fine\nauditor_findings: a typo\n", encoding="utf-8"
    )
    code = cli.main(
        [
            "run",
            "--config",
            str(tmp_path / "la" / "la.yaml"),
            "--period",
            "2025-26-Q2",
            "--report",
            "quarterly",
            "--out",
            str(tmp_path / "out"),
            "--no-cache",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "2025-26-Q2.yaml, line 2: unknown heading 'auditor_findings'" in err
    assert not (tmp_path / "out" / "minitown" / "2025-26-Q2").exists()  # no pack written
