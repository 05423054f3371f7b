"""One rule for a share against a level (measures/levels.py), worked by hand.

Wilson 95% interval, z = 1.96: centre (p + z^2/2n) / (1 + z^2/n), half-width
z * sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n).
"""

import pytest

from qaanalysis.measures.levels import level_reading


def test_share_whose_interval_takes_in_the_level_is_not_clearly_different():
    # 45 of 50 = 90%: centre 0.9384/1.0768 = 0.8715, half-width 1.96*0.04673/1.0768 = 0.0851,
    # so 78.6% to 95.7%, which takes in 80%.
    r = level_reading(45, 50, 0.80, polarity="higher")
    assert r.ci_low == pytest.approx(0.7864, abs=1e-3)
    assert r.ci_high == pytest.approx(0.9565, abs=1e-3)
    assert (r.position, r.reading, r.signal) == ("not_clearly_different",) * 2 + ("neutral",)


def test_whole_interval_above_the_level_is_better_for_higher_and_worse_for_lower():
    # the same 78.6% to 95.7% lies wholly above 75%
    assert level_reading(45, 50, 0.75, polarity="higher").signal == "positive"
    low = level_reading(45, 50, 0.75, polarity="lower")
    assert (low.position, low.reading, low.signal) == ("above", "worse", "negative")


def test_whole_interval_below_the_level():
    # 20 of 50 = 40%: centre 0.4384/1.0768 = 0.4071, half-width 1.96*0.0720/1.0768 = 0.1311,
    # so 27.6% to 53.8%, wholly below a 70% aspiration
    r = level_reading(20, 50, 0.70, polarity="higher")
    assert r.ci_high == pytest.approx(0.538, abs=1e-3)
    assert (r.position, r.reading, r.signal) == ("below", "worse", "negative")
    assert level_reading(20, 50, 0.70, polarity="lower").signal == "positive"
    assert r.interval_text == "95% interval 28% to 54%"


def test_point_estimate_below_the_level_alone_is_not_a_concern():
    # 66 of 100 = 66% is below 70% as a point, but its interval (56.3% to 74.5%) takes in 70%
    r = level_reading(66, 100, 0.70, polarity="higher")
    assert r.position == "not_clearly_different" and r.signal == "neutral"


def test_too_few_and_empty():
    assert level_reading(5, 8, 0.7, polarity="higher", min_n=10).reading == "too_few"
    assert level_reading(0, 0, 0.7, polarity="higher").position == "too_few"


def test_context_polarity_gives_a_position_but_no_judgement():
    r = level_reading(45, 50, 0.5, polarity="context")
    assert (r.position, r.reading, r.signal) == ("above", "not_judged", "neutral")


def test_a_level_on_the_interval_end_is_not_beyond_it():
    r = level_reading(45, 50, 0.80, polarity="higher")
    on_edge = level_reading(45, 50, r.ci_low, polarity="higher")
    assert on_edge.position == "not_clearly_different"


def test_unknown_polarity_is_refused():
    with pytest.raises(ValueError):
        level_reading(1, 2, 0.5, polarity="up")


def test_audit_domain_a_little_above_the_aspiration_is_not_clearly_different():
    # Recording good in 10 of 12 audits: 83% as a point, but the Wilson interval 55.2% to 95.3%
    # takes in the 70% aspiration: neutral (the old point rule called it a strength).
    # Assessment good in 4 of 12: 33%, interval 13.8% to 60.9%, wholly below 70%: negative.
    from test_audits import Q2, G, R, audit, make_evidence

    from qaanalysis.measures import audits as am

    rows = [
        audit(i, "2025-08-01", G, recording=G if i < 10 else R, assessment=G if i < 4 else R)
        for i in range(12)
    ]
    evidence = make_evidence(rows)
    found = {s.theme: s for s in am.signals(am.audit_figures(evidence, Q2), config=evidence.config)}
    assert found["recording"].signal == "neutral"
    assert "not clearly different from the 70% aspiration" in found["recording"].reason
    assert "95% interval 55% to 95%" in found["recording"].reason
    assert found["assessment"].signal == "negative"
    assert "95% interval 14% to 61%" in found["assessment"].reason
