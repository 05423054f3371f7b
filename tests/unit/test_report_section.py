"""The report's own section: key messages, recommendations, the ILACS areas' actions, clean text.

Every test builds a pack's Findings by hand: small Sections of hand-made Figures and Signals (the
readings a measures module would give), read together into theme assessments. The expected order,
counts and wording are worked out here from the ranking rule (issue 15: corroborated concerns and
significant changes first, then mixed evidence, corroborated strengths, single-source readings),
not copied from the code's output.
"""

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from qaanalysis.config import load_config
from qaanalysis.figures import Figure
from qaanalysis.findings import Section, Signal
from qaanalysis.narrative import report as words
from qaanalysis.periods import parse_period
from qaanalysis.sections import Findings
from qaanalysis.sections import report as report_section
from qaanalysis.triangulate import assess_themes

PERIOD = parse_period("2026-27-Q2")
OWNER, DUE = "Owner: [to agree]", "By: [date]"
# Statistics a front page must not name (issue 15).
STATISTICS = re.compile(r"kappa|tau-b|Kendall|Bowker|Krippendorff|p = \d", re.IGNORECASE)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    # the national defaults: eleven themes, the four ILACS judgement areas, small_sample 30
    path = tmp_path_factory.mktemp("cfg") / "la.yaml"
    path.write_text(
        "authority: {name: Testshire, slug: testshire}\nsources: {audits: {file: a.csv}}\n"
    )
    return load_config(path)


def share(
    id,
    label,
    k,
    n,
    *,
    theme=None,
    source="audits",
    previous=None,
    direction="stable",
    significant=False,
):
    """A share Figure written out by hand (no test run: direction and significance are given)."""
    comparison = None
    if previous is not None:
        k0, n0 = previous
        comparison = {
            "kind": "previous_period",
            "label": "previous period",
            "period": "2026-27-Q1",
            "value": k0 / n0,
            "numerator": k0,
            "denominator": n0,
        }
    return Figure(
        id=id,
        label=label,
        value=k / n,
        unit="percent",
        numerator=k,
        denominator=n,
        ci_low=None,
        ci_high=None,
        period=PERIOD.code,
        comparison=comparison,
        direction=direction,
        significant=significant,
        source=source,
        theme=theme,
    )


def count(
    id,
    label,
    value,
    *,
    theme=None,
    source="complaints",
    previous=None,
    previous_period="2026-27-Q1",
    direction="not_judged",
    significant=False,
):
    comparison = None
    if previous is not None:
        comparison = {
            "kind": "previous_period",
            "label": "previous period",
            "period": previous_period,
            "value": previous,
        }
    return Figure(
        id=id,
        label=label,
        value=value,
        unit="count",
        period=PERIOD.code,
        comparison=comparison,
        direction=direction,
        significant=significant,
        source=source,
        theme=theme,
    )


def number(id, label, value, *, source="audits"):
    return Figure(id=id, label=label, value=value, unit="number", period=PERIOD.code, source=source)


# --- the hand-made pack --------------------------------------------------------------------------
# Audits: supervision 30% (12 of 40) and recording 50% (20 of 40) below the 70% aspiration;
# assessment 38% (15 of 40), down from 75% (30 of 40): a significant fall; stability 80% (32 of
# 40) above; direct work 55% (22 of 40) below; multi-agency 60% (24 of 40) below.
AUDIT_FIGURES = [
    share(
        "audits.domain.management_oversight.good_or_better",
        "Supervision: good or better",
        12,
        40,
        theme="management_oversight",
    ),
    share(
        "audits.domain.recording.good_or_better",
        "Recording: good or better",
        20,
        40,
        theme="recording",
    ),
    share(
        "audits.domain.assessment.good_or_better",
        "Assessment: good or better",
        15,
        40,
        theme="assessment",
        previous=(30, 40),
        direction="declining",
        significant=True,
    ),
    share(
        "audits.domain.help_protection_stability.good_or_better",
        "Stability: good or better",
        32,
        40,
        theme="permanence_stability",
    ),
    share(
        "audits.domain.relationships_direct_work.good_or_better",
        "Direct work: good or better",
        22,
        40,
        theme="relationships_visits",
    ),
    share(
        "audits.domain.multi_agency_planning.good_or_better",
        "Multi-agency: good or better",
        24,
        40,
        theme="multi_agency",
    ),
    count("audits.count", "Audits completed", 40, source="audits"),
    share("audits.overall.good_or_better", "Audits graded good or better overall", 20, 40),
    share("audits.overall.inadequate", "Audits graded inadequate overall", 6, 40),
    count("moderation.count", "Audits moderated", 34, source="audits"),
    share("moderation.rate", "Audits moderated (share of completed)", 34, 40),
    share("moderation.agreement", "Moderated audits whose grade was unchanged", 27, 34),
    share("moderation.downgraded", "Moderated audits downgraded by the moderator", 5, 34),
    share("moderation.upgraded", "Moderated audits upgraded by the moderator", 2, 34),
    number("moderation.kappa", "Agreement beyond chance (Cohen's kappa, linear weights)", 0.81),
    number("moderation.bowker", "Bowker's symmetry test (p-value)", 0.26),
]
AUDIT_SIGNALS = [
    Signal(
        "management_oversight",
        "audits",
        "negative",
        "supervision rated good or better in 30% (12 of 40) of audits, below the 70% aspiration",
        ("audits.domain.management_oversight.good_or_better",),
    ),
    Signal(
        "recording",
        "audits",
        "negative",
        "recording rated good or better in 50% (20 of 40) of audits, below the 70% aspiration",
        ("audits.domain.recording.good_or_better",),
    ),
    Signal(
        "assessment",
        "audits",
        "negative",
        "assessment rated good or better in 38% (15 of 40) of audits, significantly down",
        ("audits.domain.assessment.good_or_better",),
    ),
    Signal(
        "permanence_stability",
        "audits",
        "positive",
        "stability rated good or better in 80% (32 of 40) of audits, above the 70% aspiration",
        ("audits.domain.help_protection_stability.good_or_better",),
    ),
    Signal(
        "relationships_visits",
        "audits",
        "negative",
        "direct work rated good or better in 55% (22 of 40) of audits, below the 70% aspiration",
        ("audits.domain.relationships_direct_work.good_or_better",),
    ),
    Signal(
        "multi_agency",
        "audits",
        "negative",
        "multi-agency work rated good or better in 60% (24 of 40) of audits, below the 70% "
        "aspiration",
        ("audits.domain.multi_agency_planning.good_or_better",),
    ),
]
# Performance: supervision within timescale 60% (60 of 100), missing its target; assessments
# within 45 working days 90% (90 of 100), meeting it (timely but poor-quality assessments);
# agency social workers 20% (10 of 50), missing target; CP reviews 97% (97 of 100) on target.
PERFORMANCE_FIGURES = [
    share(
        "kpi.supervision_in_timescale",
        "Supervision held within timescale",
        60,
        100,
        theme="management_oversight",
        source="performance",
    ),
    share(
        "kpi.assessments_within_45wd",
        "Assessments completed within 45 working days",
        90,
        100,
        theme="assessment",
        source="performance",
    ),
    share(
        "kpi.agency_rate", "Agency social workers", 10, 50, theme="workforce", source="performance"
    ),
    share(
        "kpi.cp_review_in_timescale",
        "Child protection plans reviewed within timescale",
        97,
        100,
        theme="planning_review",
        source="performance",
    ),
]
PERFORMANCE_SIGNALS = [
    Signal(
        "management_oversight",
        "performance",
        "negative",
        "supervision held within timescale 60% (60 of 100) (missing target)",
        ("kpi.supervision_in_timescale",),
    ),
    Signal(
        "assessment",
        "performance",
        "positive",
        "assessments completed within 45 working days 90% (90 of 100) (meeting target)",
        ("kpi.assessments_within_45wd",),
    ),
    Signal(
        "workforce",
        "performance",
        "negative",
        "agency social workers 20% (10 of 50) (missing target)",
        ("kpi.agency_rate",),
    ),
    Signal(
        "planning_review",
        "performance",
        "positive",
        "child protection plans reviewed within timescale 97% (97 of 100) (meeting target)",
        ("kpi.cp_review_in_timescale",),
    ),
]
# Voice: complaints about worker contact rose significantly, 14 -> 29 against the same quarter
# last year; compliments rose significantly, 23 -> 45 (no theme); feedback on stability 83%
# (50 of 60) positive, on workforce 40% (20 of 50), on direct work 50% (25 of 50).
VOICE_FIGURES = [
    count(
        "complaints.category.worker_contact.count",
        "Complaints about worker contact",
        29,
        theme="relationships_visits",
        previous=14,
        previous_period="2025-26-Q2",
        direction="declining",
        significant=True,
    ),
    count(
        "compliments.count",
        "Compliments received",
        45,
        previous=23,
        direction="improving",
        significant=True,
    ),
    share(
        "feedback.theme.permanence_stability.positive",
        "Positive feedback on stability",
        50,
        60,
        theme="permanence_stability",
        source="feedback",
    ),
    share(
        "feedback.theme.workforce.positive",
        "Positive feedback on workforce",
        20,
        50,
        theme="workforce",
        source="feedback",
    ),
    share(
        "feedback.theme.relationships_visits.positive",
        "Positive feedback on direct work",
        25,
        50,
        theme="relationships_visits",
        source="feedback",
    ),
]
VOICE_SIGNALS = [
    Signal(
        "relationships_visits",
        "complaints",
        "negative",
        "complaints about worker contact rose significantly to 29, against 14 in the same "
        "period last year (exact test against the same period last year, p = 0.032)",
        ("complaints.category.worker_contact.count",),
    ),
    Signal(
        "permanence_stability",
        "feedback",
        "positive",
        "83% (50 of 60) of answers on stability were positive",
        ("feedback.theme.permanence_stability.positive",),
    ),
    Signal(
        "workforce",
        "feedback",
        "negative",
        "40% (20 of 50) of answers on workforce were positive, below the 70% aspiration",
        ("feedback.theme.workforce.positive",),
    ),
    Signal(
        "relationships_visits",
        "feedback",
        "negative",
        "50% (25 of 50) of answers on direct work were positive, below the 70% aspiration",
        ("feedback.theme.relationships_visits.positive",),
    ),
]
# By hand, theme by theme (sources negative / positive; significant changes carried):
#   relationships_visits  audits, complaints, feedback negative; worker contact rise  concern, 3+1
#   assessment            audits negative, performance positive; audit share's fall    mixed + change, 1+1
#   management_oversight  audits, performance negative                               concern, 2
#   workforce             performance, feedback negative                             concern, 2
#   permanence_stability  audits, feedback positive                                  strength, 2
#   (compliments)         a significant rise outside every theme                     improvement, 1
#   multi_agency          audits negative                                            single, negative
#   recording             audits negative                                            single, negative
#   planning_review       performance positive                                       single, positive
# Tier 1 by weight, a carried adverse change breaking the tie, then the configured theme order
# (front_door, assessment, planning_review, voice, relationships, multi_agency, recording,
# management_oversight, ..., workforce): relationships_visits, assessment, management_oversight,
# workforce; tier 3: permanence_stability (2) before compliments (1); tier 4: multi_agency before
# recording (theme order), planning_review last (positive).
EXPECTED_ORDER = [
    "relationships_visits",
    "assessment",
    "management_oversight",
    "workforce",
    "permanence_stability",
    None,
    "multi_agency",
    "recording",
    "planning_review",
]


def findings_of(config, sections, *, report="quarterly", period=PERIOD):
    signals = [s for section in sections.values() for s in section.signals]
    return Findings(period, report, "internal", sections, tuple(assess_themes(signals, config)))


def pack(
    config,
    *,
    report="quarterly",
    audit_figures=AUDIT_FIGURES,
    voice_figures=VOICE_FIGURES,
    voice_signals=VOICE_SIGNALS,
    period=PERIOD,
):
    sections = {
        "audits": Section("audits", {}, tuple(audit_figures), tuple(AUDIT_SIGNALS)),
        "performance": Section(
            "performance", {}, tuple(PERFORMANCE_FIGURES), tuple(PERFORMANCE_SIGNALS)
        ),
        "voice": Section("voice", {}, tuple(voice_figures), tuple(voice_signals)),
    }
    return findings_of(config, sections, report=report, period=period)


def test_key_messages_are_ranked_by_weight_of_evidence_and_capped_at_seven(config):
    messages = words.key_messages(pack(config), config=config)
    assert [m.theme for m in messages] == EXPECTED_ORDER[:7]
    assert [m.rank for m in messages] == [1, 2, 3, 4, 5, 6, 7]
    assert [m.tier for m in messages] == [1, 1, 1, 1, 3, 3, 4]
    assert [m.tier for m in messages] == sorted(m.tier for m in messages)
    assert messages[0].kind == "corroborated concern"
    assert messages[1].kind == "mixed evidence and significant change"
    assert messages[5].kind == "significant change"


def test_fewer_findings_give_fewer_messages_never_padded(config):
    # only two themes read: supervision and assessment (its audit Signal left out)
    sections = {
        "audits": Section("audits", {}, tuple(AUDIT_FIGURES), tuple(AUDIT_SIGNALS[:1])),
        "performance": Section(
            "performance", {}, tuple(PERFORMANCE_FIGURES), tuple(PERFORMANCE_SIGNALS[:2])
        ),
    }
    findings = findings_of(config, sections)
    messages = words.key_messages(findings, config=config)
    # supervision: audits and performance negative, a corroborated concern (weight 2);
    # assessment: performance positive only (single source), carrying its audit share's
    # significant fall (its Figure's theme), so it ranks with the concerns, weight 1
    assert [m.theme for m in messages] == ["management_oversight", "assessment"]
    assert [m.tier for m in messages] == [1, 1]
    # read as positive by one source yet falling: the disagreement is named
    assert "disagrees" in messages[1].text and "fell significantly" in messages[1].text
    text = words.key_messages_text(messages, config=config, period_label=PERIOD.label)
    assert text.count(OWNER) == 2
    assert "Only 2 of this period's findings" in text
    empty = findings_of(config, {"audits": Section("audits", {}, (), ())})
    assert words.key_messages(empty, config=config) == []
    assert "no finding to lead the report" in words.key_messages_text(
        [], config=config, period_label=PERIOD.label
    )


def test_each_message_has_evidence_meaning_action_owner_and_date(config):
    findings = pack(config)
    for m in words.key_messages(findings, config=config):
        assert m.text.endswith(".") and m.text.count(". ") == 0  # one sentence
        assert "#figure-" in m.evidence
        assert re.search(r"\d+ of \d+|\[\d+\]\(#figure-", m.evidence)  # counts, cited
        assert re.search(r"child|young people", m.meaning)  # what it means for children
        assert m.action and m.owner == "[to agree]" and m.due == "[date]"
        assert set(m.figure_ids) <= set(findings.by_id)
    first = words.key_messages(findings, config=config)[0]
    # the worker-contact share is linked in place; the count is cited after the words by label
    assert (
        "[50% (25 of 50)](#figure-feedback.theme.relationships_visits.positive)" in first.evidence
    )
    assert "(see [Complaints about worker contact](#figure-complaints." in first.evidence
    text = words.key_messages_text([first], config=config, period_label=PERIOD.label)
    assert f"{OWNER}. {DUE}." in text
    assert "*What it means for children.* We cannot be confident that children see" in text


def test_a_significant_change_is_written_with_its_counts_and_period(config):
    messages = words.key_messages(pack(config), config=config)
    compliments = messages[5]
    assert compliments.text == "Compliments received rose significantly."
    # 23 in 2026-27 Q1 (April to June 2026) to 45, cited
    assert compliments.evidence == (
        "Compliments received: a significant rise, from 23 in "
        "2026-27 Q1 (April to June 2026) to "
        "[45](#figure-compliments.count)."
    )
    assert "and assessment rated good or better fell significantly" in messages[1].text


def test_no_theme_is_both_a_strength_and_a_concern_without_the_disagreement_named(config):
    # the stability feedback share fell significantly (90% -> 83%) although the theme reads as a
    # corroborated strength: the message must say both, and name the disagreement
    falling = [
        f
        if f.id != "feedback.theme.permanence_stability.positive"
        else share(
            f.id,
            f.label,
            50,
            60,
            theme="permanence_stability",
            source="feedback",
            previous=(54, 60),
            direction="declining",
            significant=True,
        )
        for f in VOICE_FIGURES
    ]
    messages = words.key_messages(pack(config, voice_figures=falling), config=config)
    stability = [m for m in messages if m.theme == "permanence_stability"]
    assert len(stability) == 1
    (m,) = stability
    assert m.tier == 1  # an adverse change ranks with the concerns
    assert "strength" in m.text and "disagrees" in m.text
    assert "positive feedback on stability fell significantly" in m.text
    for theme in {m.theme for m in messages}:
        assert sum(x.theme == theme for x in messages) == 1


def test_recommendations_one_per_concern_or_mixed_theme_each_distinct(config):
    recs = words.recommendations(pack(config), config=config)
    # the four tier-1 themes (three concerns, assessment mixed with a fall); no strength, no
    # single source, no favourable change
    assert [r.theme for r in recs] == EXPECTED_ORDER[:4]
    assert len({r.text for r in recs}) == len(recs)
    for r in recs:
        assert r.owner == "[to agree]" and r.due == "[date]" and "#figure-" in r.evidence
    assert "themed audit of assessment" in recs[1].text
    assert "supervision held within timescale" in recs[2].text  # the measure to move, by name
    text = words.recommendations_text(recs, config=config)
    assert text.count(OWNER) == 4 and text.startswith("1. ")


def test_each_ilacs_area_has_its_own_distinct_actions(config):
    findings = pack(config, report="annual", period=parse_period("2025-26"))
    actions = {
        area.id: words.area_actions(findings, area=area.id, config=config)
        for area in config.judgement_areas
    }
    every = [a for acts in actions.values() for _, _, a in acts]
    assert len(every) == len(set(every))  # no sentence repeats across areas or themes
    for area, acts in actions.items():
        assert acts, area
    # care leavers: no source read the theme, so the action is to build the evidence, and the
    # area never claims its evidence is corroborated
    (care,) = actions["care_leavers"]
    assert care[1] == "no clear evidence" and care[2].startswith("Build the evidence")
    text = words.judgement_areas(findings, SimpleNamespace(config=config))
    care_leavers = text[text.index("## The experiences and progress of care leavers") :]
    assert "corroborated or neutral" not in text
    assert "No source gave" in care_leavers and "Build the evidence" in care_leavers
    assert text.count(OWNER) == len(every)


def test_themes_to_watch_never_list_a_strength_or_a_positive_single_source(config):
    text = words.themes_to_watch(pack(config, report="monthly"), config=config)
    assert "Permanence and stability" not in text  # a corroborated strength
    assert "Planning and review" not in text  # one source, positive
    for label in (
        "Relationships and direct work (visits)",
        "Assessment",
        "Recording",
        "Multi-agency working",
        "Workforce",
    ):
        assert label in text


def stub_evidence(config):
    # the report section reads the configuration, which sources gave rows (here: audits) and
    # the Annex A lists (none here, so none out of date)
    audits = SimpleNamespace(rows_accepted=12)
    frame = pd.DataFrame(  # the audits themselves are not read by these tests: none in the period
        {
            "audit_date": pd.Series(dtype="datetime64[ns]"),
            "overall_grade": pd.Series(dtype=object),
            "service": pd.Series(dtype=object),
            "family_feedback": pd.Series(dtype=object),
        }
    )
    return SimpleNamespace(
        config=config,
        audits=frame,
        annex_a={},
        report=SimpleNamespace(sources={"audits": audits}),
    )


def test_front_page_names_no_statistic_and_no_raw_code(config):
    section = report_section.build(pack(config), stub_evidence(config))
    assert list(section.items)[0] == "key_messages"
    front = section["key_messages"].markdown + section["summary"].markdown
    assert not STATISTICS.search(front), STATISTICS.search(front)
    for key in ("key_messages", "summary", "changes", "recommendations", "theme_paragraphs"):
        text = section[key].markdown
        assert words.reader_text_problems(text) == [], key
        # Figures are cited by their values or labels, never by their ids
        assert not re.search(r"\[(?:audits|kpi|feedback|complaints|moderation)\.[\w.]+\]", text)
    shown = {f.id for f in section["headline_figures"].figures}
    assert "moderation.kappa" not in shown and "moderation.bowker" not in shown
    assert {f.id for f in section["statistics"].figures} == {
        "moderation.kappa",
        "moderation.bowker",
    }
    assert "kappa" in section["statistics_note"].markdown


def test_no_agreement_statistics_on_too_few_moderated_audits(config):
    # 11 moderated audits, fewer than thresholds.small_sample (30)
    few = [
        f
        if f.id != "moderation.count"
        else count("moderation.count", "Audits moderated", 11, source="audits")
        for f in AUDIT_FIGURES
    ]
    section = report_section.build(
        pack(config, report="monthly", audit_figures=few), stub_evidence(config)
    )
    assert list(section.items)[0] == "key_messages"
    assert section["statistics"].figures == ()
    note = section["statistics_note"].markdown
    assert "are not given" in note and "fewer than the 30" in note
    assert "0.81" not in note
    # the month's key finding first: here the heaviest concern, direct work
    assert section["key_messages"].markdown.startswith("**1. Relationships and direct work")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("raised by the qa_lead", "raw code"),
        ("teams below_998", "raw code"),
        ("pooled_above_tolerance", "raw code"),
        ("on 2025-10-01T00:00:00.000", "ISO timestamp"),
        ("329.0 audits", "float artefact"),
        ("a share of 0.283019", "float artefact"),
        ("p 1.796629e-01", "float artefact"),
        ("in 2,025", "year with a separator"),
    ],
)
def test_reader_text_problems_finds_machine_output(text, problem):
    (found,) = words.reader_text_problems(text)
    assert found.startswith(problem)


def test_clean_text_passes_and_link_targets_are_not_read():
    text = (
        "[38% (35 of 91)](#figure-audits.domain.assessment.good_or_better) in 2025-26 Q2; "
        "caseload 17.8, last year 18.0; 1,234 answers; in 2025"
    )
    assert words.reader_text_problems(text) == []


def test_year_on_year_counts_are_whole_numbers(config):
    audits = count("audits.count", "Audits completed", 329, source="audits", previous=338)
    findings = findings_of(
        config,
        {"audits": Section("audits", {}, (audits,), ())},
        report="annual",
        period=parse_period("2025-26"),
    )
    table = words.year_on_year(findings)
    assert table.loc[0, "this_year"] == "329" and table.loc[0, "last_year"] == "338"
    assert "figure" not in table.columns  # ids are not reader text


def test_a_change_suppressed_for_the_public_is_not_stated(config):
    # compliments 45 against 23, significant, but withheld (a public pack's suppressed Figure
    # keeps its direction; its counts are gone, so no sentence may state the change)
    withheld = [
        f
        if f.id != "compliments.count"
        else Figure(
            id=f.id,
            label=f.label,
            value=None,
            unit="count",
            period=PERIOD.code,
            direction="improving",
            significant=True,
            source="complaints",
            suppressed=True,
        )
        for f in VOICE_FIGURES
    ]
    findings = pack(config, voice_figures=withheld)
    assert "compliments.count" not in {f.id for f in words.significant_changes(findings)}
    assert None not in [m.theme for m in words.key_messages(findings, config=config)]
    assert "Compliments" not in words.changes_paragraph(findings, config=config)


def test_a_carried_significant_fall_breaks_a_tie_of_weight(config):
    # front door: two sources negative (weight 2, first in the configured theme order);
    # workforce: one source negative and its share's significant fall (weight 1 + 1): the change
    # is news, so workforce leads although it comes last in the theme order
    figures = (
        share(
            "kpi.referrals_rereferral_12m",
            "Re-referrals within 12 months",
            30,
            100,
            theme="front_door",
            source="performance",
        ),
        share(
            "kpi.agency_rate",
            "Agency social workers",
            20,
            50,
            theme="workforce",
            source="performance",
            previous=(8, 50),
            direction="declining",
            significant=True,
        ),
    )
    signals = (
        Signal(
            "front_door",
            "performance",
            "negative",
            "re-referrals 30% (30 of 100)",
            ("kpi.referrals_rereferral_12m",),
        ),
        Signal("front_door", "complaints", "negative", "complaints about access rose", ()),
        Signal(
            "workforce",
            "performance",
            "negative",
            "agency social workers 40% (20 of 50)",
            ("kpi.agency_rate",),
        ),
    )
    findings = findings_of(config, {"performance": Section("performance", {}, figures, signals)})
    messages = words.key_messages(findings, config=config)
    assert [(m.theme, m.tier) for m in messages] == [("workforce", 1), ("front_door", 1)]
    assert "agency social workers fell significantly" not in messages[0].text  # it rose: 16% -> 40%
    assert "agency social workers rose significantly" in messages[0].text


# ---------------------------------------------------------------------------------------------
# The body within its length: said once, pointed to after


def test_recommendations_point_to_the_key_message_that_gives_their_evidence(config):
    findings = pack(config)
    messages = words.key_messages(findings, config=config)
    recs = words.recommendations(findings, config=config)
    # the four tier-1 themes are key messages 1 to 4 in the same order (EXPECTED_ORDER)
    text = words.recommendations_text(recs, config=config, messages=messages)
    lines = text.splitlines()
    assert len(lines) == 4
    for rank, line in enumerate(lines, 1):
        assert line.startswith(f"{rank}. ") and line.endswith(f"*Evidence:* key message {rank}.")
        assert f"{OWNER}. {DUE}." in line
    assert "#figure-" not in text  # the evidence is stated once, in the key message
    # without the messages (or for a theme no message carries) the evidence is stated in full
    alone = words.recommendations_text(recs[:1], config=config, messages=messages[1:])
    assert "*Evidence:* " in alone and "#figure-" in alone and "key message" not in alone


def test_the_body_reads_only_the_themes_the_key_messages_leave(config):
    findings = pack(config)
    messages = words.key_messages(findings, config=config)
    text = words.themes_beyond_messages(findings, SimpleNamespace(config=config), messages)
    # messages 1-7: relationships, assessment, supervision, workforce, stability, (compliments),
    # multi-agency; left: recording (audits negative alone) and planning and review (positive
    # alone), so recording is read briefly and planning and review named by its status, as are
    # the four themes no source read
    first, recording, named, unread = text.split("\n\n")
    assert first == (
        "The key messages above read Relationships and direct work (visits) (1), Assessment (2), "
        "Management oversight and supervision (3), Workforce (4), Permanence and stability (5) "
        "and Multi-agency working (7)."
    )
    assert recording == (
        "**Recording: single source.** Case-file audits: recording rated good or better in "
        "[50% (20 of 40)](#figure-audits.domain.recording.good_or_better) of audits, below the "
        "70% aspiration."
    )
    assert named.startswith("**Single source:** Planning and review;")
    assert unread.startswith("**No clear evidence:** Front door (contact and referral), Voice")
    assert "Workforce:" not in text and "supervision rated" not in text  # not repeated


def test_key_message_evidence_leaves_intervals_and_a_fourth_measure_to_the_appendix():
    reason = (
        "placements 6% (28 of 447) (better than England (10% in 2025; 95% interval 4% to 9%)); "
        "health 83% (372 of 447); missing 7% (31 of 447) (worse than the 5% target (95% interval "
        "5% to 10%)); adoption 100% (1 of 1); matching 0% (0 of 2)"
    )
    kept, left = words._brief_reason(reason)
    assert kept == (
        "placements 6% (28 of 447) (better than England (10% in 2025)); health 83% (372 of 447); "
        "missing 7% (31 of 447) (worse than the 5% target); and 2 more measures in the evidence "
        "appendix"
    )
    assert left == "adoption 100% (1 of 1); matching 0% (0 of 2)"
    assert words._brief_reason("one 50% (5 of 10); two 40% (4 of 10)") == (
        "one 50% (5 of 10); two 40% (4 of 10)",
        "",
    )
    # an authority whose alpha is 0.10 reads 90% intervals: they leave the evidence too
    assert words._brief_reason(
        "visits 80% (40 of 50) (below the 85% target (90% interval 70% to 87%))"
    )[0] == ("visits 80% (40 of 50) (below the 85% target)")
