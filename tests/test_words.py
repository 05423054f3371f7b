"""Direction words name the movement and its meaning separately (issue 13, part 8)."""

from qaanalysis.figures import Figure
from qaanalysis.narrative import movement_words
from qaanalysis.session import _change


def _count(value, before, direction, *, change=None, significant=True):
    comp = {"kind": "previous_period", "label": "previous period", "value": before}
    if change:
        comp["change"] = change
    return Figure(
        "complaints.category.worker_contact.count",
        "Complaints about worker contact",
        value,
        unit="count",
        comparison=comp,
        direction=direction,
        significant=significant,
    )


def test_a_count_of_complaints_that_rose_is_rising_a_concern_never_declining():
    # 22 -> 29 complaints, significant; fewer complaints is better, so the direction is declining.
    figure = _count(29, 22, "declining", change="increase")
    assert movement_words(figure) == "rising: a concern"
    assert _change(figure) == "rising: a concern (was 22, previous period)"


def test_a_fall_in_a_lower_is_better_share_is_falling_an_improvement():
    # 27% -> 20% of plans are repeat plans (lower is better), significant; no 'change' key: the
    # movement is read from the values.
    figure = Figure(
        "kpi.cp_subsequent",
        "Repeat plans",
        0.20,
        unit="percent",
        comparison={"value": 0.27, "label": "previous period"},
        direction="improving",
        significant=True,
    )
    assert movement_words(figure) == "falling: an improvement"
    assert _change(figure) == "falling: an improvement (was 27%, previous period)"


def test_no_significant_change_is_broadly_stable_and_too_few_is_said():
    assert movement_words(_count(25, 22, "stable", significant=False)) == "broadly stable"
    assert movement_words(_count(4, 2, "not_judged", significant=False)) == "too few to judge"


def test_a_significant_change_in_a_context_measure_names_only_the_movement():
    figure = _count(40, 20, "not_judged", change="increase")
    assert movement_words(figure) == "rising"
