"""Audience rules: small-count suppression (primary and secondary) and quote scrubbing.

Suppression follows the Department for Education: counts of 1 to 5 are shown as "c", zero is
shown, and a second cell is hidden wherever one hidden cell could be worked back from a total.
Expected tables are worked by hand, pass by pass, in the comments.
"""

import pandas as pd
import pytest

from qaanalysis.config import Suppression
from qaanalysis.disclosure import (
    REMOVED,
    check_audience,
    drop_identifiers,
    is_small,
    scrub_quote,
    shows_identifiers,
    suppress_figure,
    suppress_table,
    suppress_text,
)
from qaanalysis.figures import Figure, count, proportion

RULE = Suppression(min_count=1, max_count=5, symbol="c")
C = "c"


# ----------------------------------------------------------------------------- audiences


def test_audiences():
    assert shows_identifiers("internal")
    assert not shows_identifiers("leadership")
    assert not shows_identifiers("public")
    with pytest.raises(ValueError, match="internal, leadership, public"):
        check_audience("board")


def test_drop_identifiers_keeps_aggregate_columns():
    frame = pd.DataFrame({"child_id": ["C1"], "record_id": ["R1"], "team": ["A"], "n": [3]})
    assert list(drop_identifiers(frame).columns) == ["team", "n"]


# ----------------------------------------------------------------------------- primary


@pytest.mark.parametrize(
    ("value", "small"),
    [
        (0, False),  # zero is shown
        (1, True),
        (5, True),  # 1 to 5 suppressed
        (6, False),
        (5.0, True),
        (float("nan"), False),
        (None, False),
        ("c", False),
    ],
)
def test_is_small(value, small):
    assert is_small(value, RULE) is small


@pytest.mark.parametrize(
    ("figure", "suppressed"),
    [
        (count("x", "x", 3, period="p", source="s"), True),
        (count("x", "x", 0, period="p", source="s"), False),
        (count("x", "x", 6, period="p", source="s"), False),
        # 10 of 20: neither the count, the total nor the complement (10) is small.
        (proportion("x", "x", k=10, n=20, period="p", source="s"), False),
        # 18 of 20: the complement, 2, would be disclosed.
        (proportion("x", "x", k=18, n=20, period="p", source="s"), True),
        # 6 of 11: complement 5.
        (proportion("x", "x", k=6, n=11, period="p", source="s"), True),
        # 0 of 12: zero is shown, complement 12.
        (proportion("x", "x", k=0, n=12, period="p", source="s"), False),
        # 3 of 4: everything small.
        (proportion("x", "x", k=3, n=4, period="p", source="s"), True),
    ],
)
def test_suppress_figure(figure, suppressed):
    shown = suppress_figure(figure, RULE)
    assert shown.suppressed is suppressed
    if suppressed:
        assert (shown.value, shown.numerator, shown.denominator, shown.comparison) == (
            None,
            None,
            None,
            None,
        )


def test_suppress_figure_withholds_rates_built_on_small_counts():
    # 3 complaints per 250 open cases = 1.2 per 100: the numerator 3 is in figures.json.
    rate = Figure(
        id="complaints.per_100_open",
        label="x",
        value=1.2,
        unit="rate",
        numerator=3,
        denominator=250,
    )
    assert suppress_figure(rate, RULE).suppressed


# ----------------------------------------------------------------------------- secondary


def test_secondary_suppression_hand_worked():
    frame = pd.DataFrame(
        {"team": ["T1", "T2", "T3"], "a": [3, 8, 7], "b": [10, 9, 15], "c": [12, 20, 4]}
    )
    # Primary: T1.a (3) and T3.c (4).
    # Pass 1, rows: T1 has one hidden cell -> its next smallest, T1.b (10); T3 likewise -> T3.a (7).
    # Pass 1, columns: a has two hidden; b has one (T1.b) -> smallest other, T2.b (9);
    #   c has one (T3.c) -> smallest other, T1.c (12).
    # Pass 2, rows: T1 all hidden; T2 has one (T2.b) -> T2.a (8); T3 has two.
    # Pass 2, columns: a 3 hidden, b 2, c 2. Pass 3 changes nothing.
    expected = pd.DataFrame(
        {"team": ["T1", "T2", "T3"], "a": [C, C, C], "b": [C, C, 15], "c": [C, 20, C]}
    )
    got = suppress_table(frame, count_columns=["a", "b", "c"], rule=RULE)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_secondary_suppression_protects_against_a_total_column():
    frame = pd.DataFrame({"service": ["A", "B"], "cin": [4, 10], "cp": [20, 12], "total": [24, 22]})
    # Primary: A.cin (4). Row A: one hidden -> next smallest, A.cp (20) (not the total, 24).
    # Column cin: one hidden -> B.cin (10); column cp: one hidden (A.cp) -> B.cp (12).
    # Every row and column now has 0 or 2 hidden cells: 24 - ? - ? cannot be solved.
    expected = pd.DataFrame({"service": ["A", "B"], "cin": [C, C], "cp": [C, C], "total": [24, 22]})
    got = suppress_table(frame, count_columns=["cin", "cp", "total"], rule=RULE)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_zero_is_shown_and_never_used_as_the_second_cell():
    frame = pd.DataFrame({"x": [0], "y": [3], "z": [9]})
    # y is small; the next smallest non-zero count is z (a zero hides nothing).
    got = suppress_table(frame, count_columns=["x", "y", "z"], rule=RULE)
    assert got.iloc[0].tolist() == [0, C, C]


def test_percentages_follow_their_counts():
    frame = pd.DataFrame({"team": ["A", "B"], "k": [2, 30], "n": [40, 60], "pct": [0.05, 0.5]})
    # Primary: A.k (2). Row A: -> A.n (40). Column k: one hidden -> B.k (30); column n: one
    # hidden -> B.n (60). The percentages on k are hidden with it.
    got = suppress_table(frame, count_columns=["k", "n"], rule=RULE, percent_of={"pct": "k"})
    assert got["pct"].tolist() == [C, C]
    assert got["k"].tolist() == [C, C]


def test_nothing_small_nothing_hidden():
    frame = pd.DataFrame({"a": [0, 6], "b": [7, 100]})
    got = suppress_table(frame, count_columns=["a", "b"], rule=RULE)
    pd.testing.assert_frame_equal(got, frame, check_dtype=False)


def test_suppress_table_does_not_modify_its_input():
    frame = pd.DataFrame({"a": [3, 8], "b": [10, 9]})
    copy = frame.copy()
    suppress_table(frame, count_columns=["a", "b"], rule=RULE)
    pd.testing.assert_frame_equal(frame, copy)


# ----------------------------------------------------------------------------- scrubbing quotes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Email addresses.
        ("write to jane.doe+cs@council.gov.uk please", f"write to {REMOVED} please"),
        # Phone numbers: mobile, landline, international, run together.
        ("ring 07700 900123 today", f"ring {REMOVED} today"),
        ("ring 0161 496 0000", f"ring {REMOVED}"),
        ("ring +44 7700 900123", f"ring {REMOVED}"),
        ("ring 01632960123.", f"ring {REMOVED}."),
        # Postcodes: with and without the space, any case.
        ("we moved to SW1A 1AA", f"we moved to {REMOVED}"),
        ("near m1 1ae", f"near {REMOVED}"),
        ("at B338TH now", f"at {REMOVED} now"),
        # Dates: day-first numeric, ISO, written.
        ("on 12/03/2025 and 12.3.25", f"on {REMOVED} and {REMOVED}"),
        ("since 2025-03-12", f"since {REMOVED}"),
        ("my birthday is 12th March 2025", f"my birthday is {REMOVED}"),
        ("from 3 Sept", f"from {REMOVED}"),
    ],
)
def test_scrub_quote_removes_contact_details_and_dates(text, expected):
    assert scrub_quote(text) == expected


def test_scrub_quote_removes_ids_found_in_the_inputs():
    ids = {"C000123", "REC-2024-0001", "SW0042"}
    text = "About (C000123), ref REC-2024-0001; SW0042's visit. C0001234 is not an id here."
    assert scrub_quote(text, identifiers=ids) == (
        f"About ({REMOVED}), ref {REMOVED}; {REMOVED}'s visit. C0001234 is not an id here."
    )


def test_scrub_quote_leaves_ordinary_words_and_numbers():
    text = "My worker listens to me and visits every 2 weeks."
    assert scrub_quote(text, identifiers={"C000123"}) == text


# Gaps found in scrub_quote by review (2026-11), now closed.


@pytest.mark.parametrize("text", ["ring (01632) 960123", "ring +44 (0)7700 900123"])
def test_scrub_quote_bracketed_phone_numbers(text):
    assert scrub_quote(text) == f"ring {REMOVED}"


@pytest.mark.parametrize("text", ["born March 12, 2015", "born 3rd of March", "born 2015-3-1"])
def test_scrub_quote_other_date_forms(text):
    assert REMOVED in scrub_quote(text)
    assert not any(ch.isdigit() for ch in scrub_quote(text))


@pytest.mark.parametrize(
    ("text", "ident"),
    [
        ("my number is c000123", "C000123"),
        ("case CH/0042 again", "CH/0042"),
        ("Jane Smith came round", "Jane Smith"),
    ],
)
def test_scrub_quote_ids_in_other_forms(text, ident):
    assert REMOVED in scrub_quote(text, identifiers={ident})


@pytest.mark.parametrize("text", ["she made 3 decisions", "I got 2 marks", "we passed 4 junctions"])
def test_scrub_quote_does_not_strike_ordinary_phrases(text):
    assert scrub_quote(text) == text


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        # lower case; ids under 4 characters ("W12", "x9") ignored, as they would strike
        # ordinary numbers
        ({"C000123", "AB12", "W12", "x9", ""}, {"c000123", "ab12"}),
        # white space: padding dropped, runs of it made one space
        ({"C000123", "Jane  Smith", "  X12345 ", "ab "}, {"c000123", "jane smith", "x12345"}),
        # beyond ASCII
        ({"C000123", "ÄB1234"}, {"c000123", "äb1234"}),
    ],
)
def test_identifiers_are_normalised_to_lower_case_single_spaced(ids, expected):
    from qaanalysis.disclosure import _normalised

    assert _normalised(frozenset(ids)) == expected


def test_scrub_quote_ignores_short_ids():
    ids = {"C000123", "AB12", "W12"}
    assert scrub_quote("ab12, w12 and C000123", identifiers=ids) == (
        f"{REMOVED}, w12 and {REMOVED}"
    )


def test_suppress_text_withholds_small_shares_in_narrative():
    # 5 of 34: the count is small; 30 of 34: the complement (4) is small; 27 of 34 is safe.
    text = "downgraded 15% (5 of 34); agreed 88% (30 of 34); within one 79% (27 of 34)"
    assert suppress_text(text, RULE) == f"downgraded {C}; agreed {C}; within one 79% (27 of 34)"


# ----------------------------------------------------------------------------- the one gate


def test_a_small_count_in_a_further_comparison_is_dropped_for_the_public():
    # 12 complaints now; 9 in the previous quarter (shown); 2 a year ago (small: dropped).
    figure = Figure(
        "complaints.count",
        "Complaints",
        12,
        unit="count",
        comparison={
            "kind": "previous_period",
            "label": "previous period",
            "value": 9,
            "others": [
                {"kind": "same_period_last_year", "label": "same period last year", "value": 2},
                {"kind": "x", "label": "two years ago", "value": 14},
            ],
        },
    )
    shown = suppress_figure(figure, RULE)
    assert shown.value == 12 and shown.comparison["value"] == 9
    assert [o["value"] for o in shown.comparison["others"]] == [14]


def _config(settings):
    from qaanalysis.config import Config

    settings.update(
        authority={"name": "Test", "slug": "test"}, sources={"audits": {"file": "a.csv"}}
    )
    return Config.model_validate(settings)


def _section_with(signal, figures, chart_frame):
    from qaanalysis.findings import Chart, Section

    chart = Chart("bars", "counts_over_time", {"frame": chart_frame, "x": "quarter"}, alt="bars")
    return Section("voice", {"bars": chart}, tuple(figures), (signal,))


def test_public_gate_rewrites_a_reason_stating_a_small_count_and_masks_chart_counts():
    from qaanalysis.config import default_settings
    from qaanalysis.findings import Signal
    from qaanalysis.sections import disclose

    class _Evidence:  # the gate reads only the configuration
        config = _config(default_settings())

    small = Figure(
        "escalations.category.multi_agency.count", "Alerts about multi agency", 2, unit="count"
    )
    signal = Signal(
        "multi_agency",
        "escalations",
        "neutral",
        "alerts raised about multi agency: 2, against 5 in the previous period",
        (small.id,),
    )
    frame = pd.DataFrame({"quarter": ["Q1", "Q2"], "alerts": [2, 14]})
    section = _section_with(signal, [small], frame)
    public = disclose(section, audience="public", evidence=_Evidence())
    assert public.signals[0].reason == "Alerts about multi agency: c (fewer than 6, suppressed)"
    masked = public.items["bars"].data["frame"]["alerts"]
    assert masked.isna().tolist() == [True, False] and masked.iloc[1] == 14
    # leadership readers see the section as computed
    leadership = disclose(section, audience="leadership", evidence=_Evidence())
    assert leadership.signals == section.signals
    assert leadership.items["bars"].data["frame"].equals(frame)


def test_public_gate_keeps_a_reason_whose_numbers_are_not_small():
    from qaanalysis.config import default_settings
    from qaanalysis.findings import Signal
    from qaanalysis.sections import disclose

    class _Evidence:
        config = _config(default_settings())

    signal = Signal(
        "assessment",
        "audits",
        "negative",
        "Assessment rated good or better in 38% (10 of 26) of audits",
        ("a",),
    )
    section = _section_with(signal, [], pd.DataFrame({"quarter": ["Q1"], "alerts": [0]}))
    public = disclose(section, audience="public", evidence=_Evidence())
    assert public.signals[0].reason == signal.reason
    assert public.items["bars"].data["frame"]["alerts"].tolist() == [0]  # zero is shown


def test_reason_kind_drops_the_typed_value_and_the_suggested_fix():
    from qaanalysis.measures.data_quality import reason_kind

    typed = (
        "not a grade on the configured scale (Good, Inadequate); 'Jo Bloggs 07700 900123' "
        "looks like Good; to accept it, add 'Jo Bloggs 07700 900123': Good under grades"
    )
    assert reason_kind(typed) == "not a grade on the configured scale (Good, Inadequate)"
    assert reason_kind("value 'C123456' is not a date") == "value a value is not a date"


def test_a_trend_span_resting_on_small_counts_is_dropped_for_the_public():
    # First quarter 3 of 8 good (3 is small), last quarter 20 of 30 (none small): only "first" goes.
    figure = Figure(
        "audits.domain.assessment.trend",
        "Assessment: trend",
        -0.2,
        unit="number",
        comparison={
            "kind": "trend",
            "p_value": 0.01,
            "first": {"numerator": 3, "denominator": 8},
            "last": {"numerator": 20, "denominator": 30},
        },
    )
    shown = suppress_figure(figure, RULE)
    assert "first" not in shown.comparison and shown.comparison["last"]["numerator"] == 20


# --- No folder of this machine beyond internal readers ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/srv/qa/exports/published/c1.csv: published statistics file not found",
            "c1.csv: published statistics file not found",
        ),
        ("C:\\Exports\\QA\\audits.xlsx: sheet not found", "audits.xlsx: sheet not found"),
        ("read /home/ana/la/a.csv and /tmp/x/b.csv.", "read a.csv and b.csv."),
        # fractions, "and/or", web addresses and a lone folder word are not paths of this machine
        ("24/7 cover, and/or 1/2 of cases; see https://www.gov.uk/a/b", None),
        ("(see /home)", None),
    ],
)
def test_paths_are_cut_to_the_file_name(text, expected):
    from qaanalysis.disclosure import without_paths

    assert without_paths(text) == (text if expected is None else expected)


def test_the_gate_removes_machine_paths_for_leadership_and_public_only():
    from qaanalysis.findings import Section, Signal, Table, Text
    from qaanalysis.sections import disclose

    secret = "/var/lib/council/exports/published/d3.csv"
    section = Section(
        "performance",
        {
            "note": Text("note", f"{secret}: published statistics file not found"),
            "bench": Table(
                "bench",
                "Benchmarks",
                pd.DataFrame({"kpi": ["repeat plans"], "note": [f"{secret}: not found"]}),
                note=f"Read from {secret}",
            ),
        },
        (),
        (Signal("assessment", "performance", "neutral", f"no benchmark ({secret})", ()),),
    )
    internal = disclose(section, audience="internal", evidence=None)
    assert (
        secret in internal.items["note"].markdown
    )  # the analyst sees where the file was looked for
    shown = disclose(section, audience="leadership", evidence=None)
    words = [
        shown.items["note"].markdown,
        shown.items["bench"].note,
        *shown.items["bench"].frame["note"],
        shown.signals[0].reason,
    ]
    assert all("/var/lib" not in w and "d3.csv" in w for w in words), words


# The quotes of a large authority are scrubbed against its ids given as one column of distinct
# values: only the ids among the quotes' words are read. Each quote must come out as it does from
# the whole set of ids.
IDS = [
    "C000123",
    "Jane Smith",  # two words
    "  X12345 ",  # padded
    "ÄB1234",  # beyond ASCII
    "AB12",
    "W12",  # under four characters: never struck
    "CH/0042",
    "REC-2024-0001",
    "Tab\tName",  # white space inside: normalised to "tab name"
    "Sep\x1cX",  # a separator str.split() splits on: "sep x"
]
QUOTES = [
    "Seen by C000123 and again by c000123.",
    "jane   smith visited, then JANE SMITH rang",
    "ref CH/0042 and REC-2024-0001; x12345 too",
    "äb1234 wrote; ab12 and w12 did not",
    "tab name and sep x came",
    "nothing to see here",
]


def test_a_column_of_ids_scrubs_quotes_as_the_whole_set_does():
    from qaanalysis.disclosure import quote_scrubber

    by_set = quote_scrubber(frozenset(IDS))
    by_column = quote_scrubber(pd.Series(IDS, dtype="str"), texts=QUOTES[:-2])
    # the last two quotes were not named in texts: their own words are looked up when met
    assert [by_column(q) for q in QUOTES] == [by_set(q) for q in QUOTES]
    assert [by_set(q) for q in QUOTES] == [
        f"Seen by {REMOVED} and again by {REMOVED}.",
        f"{REMOVED} visited, then {REMOVED} rang",
        f"ref {REMOVED} and {REMOVED}; {REMOVED} too",
        f"{REMOVED} wrote; {REMOVED} and w12 did not",
        f"{REMOVED} and {REMOVED} came",
        "nothing to see here",
    ]
