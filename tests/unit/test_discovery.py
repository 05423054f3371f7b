"""A pack's change and trend tests judged together (Benjamini-Hochberg), worked by hand."""

import pandas as pd
import pytest

from qaanalysis import stats
from qaanalysis.stats import discovery


def test_bh_cutoff_all_four_discoveries():
    # m = 4, rate 5%: sorted p 0.005, 0.01, 0.03, 0.04 against 0.0125, 0.025, 0.0375, 0.05:
    # every one is at or below its bound, so the cutoff is the largest, 0.04.
    assert discovery.bh_cutoff([0.01, 0.04, 0.03, 0.005], rate=0.05) == 0.04


def test_bh_cutoff_steps_up_past_a_p_value_above_its_own_bound():
    # m = 3: 0.02 > 1/3 x 0.05 = 0.0167, but 0.03 <= 2/3 x 0.05 = 0.0333, so both are discoveries;
    # 0.5 > 0.05 is not.
    assert discovery.bh_cutoff([0.5, 0.02, 0.03], rate=0.05) == 0.03


def test_bh_cutoff_none_when_no_p_value_is_small_enough():
    # m = 2: 0.04 > 0.025 and 0.06 > 0.05.
    assert discovery.bh_cutoff([0.04, 0.06], rate=0.05) == -1.0
    assert discovery.bh_cutoff([], rate=0.05) == -1.0


def test_a_pack_counts_a_test_once_and_judges_it_against_the_cutoff():
    # 20 of 40 vs 28 of 40: Fisher's exact two-sided p = 0.1095 (the hypergeometric tables as
    # likely or less than the observed one; > 5%: stable alone); 10 of 40 vs 30 of 40: p = 1.5e-5.
    with discovery.recording() as tests:
        first = stats.compare_proportions(20, 40, 28, 40, alpha=0.05, min_n=10)
        stats.compare_proportions(20, 40, 28, 40, alpha=0.05, min_n=10)  # the same test again
        strong = stats.compare_proportions(10, 40, 30, 40, alpha=0.05, min_n=10)
    assert len(tests.p_values) == 2
    assert first.p_value == pytest.approx(0.1095, abs=5e-4) and not first.significant
    assert strong.significant
    # judged against a cutoff of 0.12 the first becomes significant; at 1e-6 neither is
    with discovery.judged_at(0.12):
        assert stats.compare_proportions(20, 40, 28, 40, alpha=0.05, min_n=10).significant
    with discovery.judged_at(1e-6):
        assert not stats.compare_proportions(10, 40, 30, 40, alpha=0.05, min_n=10).significant
    # outside the blocks a test is judged alone again
    assert stats.compare_proportions(10, 40, 30, 40, alpha=0.05, min_n=10).significant


# A pack computes its areas twice (noting p-values, then judged at the cutoff): a reusable measure
# is computed again only when the cutoff decides one of its own tests differently.
calls: list[str] = []


@discovery.reusable
def _change(k_previous: int, k_current: int):
    calls.append(f"{k_previous}->{k_current}")
    return stats.compare_proportions(k_previous, 40, k_current, 40, alpha=0.05, min_n=10)


@discovery.reusable
def _table(rows: int):
    import pandas as pd

    calls.append(f"table {rows}")
    return pd.DataFrame({"n": range(rows)})


def test_a_reusable_measure_is_computed_once_while_its_tests_are_decided_the_same_way():
    calls.clear()
    with discovery.reusing():
        with discovery.recording() as tests:
            weak = _change(20, 28)  # p = 0.1095 (above): not significant alone
            strong = _change(10, 30)  # p = 1.5e-5: significant alone
            _change(20, 28)  # the same measure again: reused, its test noted once
        assert calls == ["20->28", "10->30"] and len(tests.p_values) == 2
        assert not weak.significant and strong.significant
        # at a cutoff of 0.12 the weak change's test is overturned: it alone is computed again
        with discovery.judged_at(0.12):
            assert _change(20, 28).significant and _change(10, 30).significant
        assert calls == ["20->28", "10->30", "20->28"]
        # at 0.0001 the weak change is decided otherwise than in the kept result (at 0.12):
        # computed again; the strong one is decided as before: reused
        with discovery.judged_at(1e-4):
            assert not _change(20, 28).significant and _change(10, 30).significant
        assert calls == ["20->28", "10->30", "20->28", "20->28"]
        # a reused result notes its tests in the recording around it, as computing it would
        with discovery.recording() as again:
            _change(10, 30)
        assert list(again.p_values.values()) == [strong.p_value]
    # outside the block a measure is simply computed
    _change(10, 30)
    assert calls[-1] == "10->30" and len(calls) == 5


def test_a_reused_frame_is_a_copy_that_its_caller_may_change():
    calls.clear()
    with discovery.reusing():
        first = _table(3)
        first.loc[1, "n"] = 99  # the caller changes its copy in place ...
        first["extra"] = 1
        second = _table(3)
        second["n"] = 0
        third = _table(3)
    assert calls == ["table 3"]  # ... each later caller is given the kept result, unchanged
    assert third["n"].tolist() == [0, 1, 2] and list(third.columns) == ["n"]


@discovery.reusable
def _total(frame: pd.DataFrame) -> int:
    calls.append("total")
    return int(frame["n"].sum())


def test_a_copy_changed_by_its_caller_is_not_taken_for_the_kept_result():
    # A caller changes its copy of a kept table, then hands it to another measure: the measure
    # reads the changed copy (0 + 1 + 2 + 100), not the kept table's answer (3). An unchanged
    # copy is still taken for the kept table, so the measure is not computed again for it.
    calls.clear()
    with discovery.reusing():
        assert _total(_table(3)) == 3
        unchanged = _table(3)
        assert _total(unchanged) == 3
        changed = _table(3)
        changed.loc[len(changed)] = [100]
        assert _total(changed) == 103
        listed = list(range(3))
        assert _total(pd.DataFrame({"n": listed})) == 3
    assert calls == ["table 3", "total", "total", "total"]
