"""The true and null series next to the measured ones, and the ledger views built on them."""

import numpy as np
import pytest

from sib_sim import load_scenario, with_overrides
from sib_sim.measure import VIEWS, as_measured_by, definitions_for, measure_outcomes
from sib_sim.measure.ledger import SERIES
from sib_sim.model import simulate_cohort
from sib_sim.rng import streams

NO_HOSPITAL_EFFECT = "hospital.lines.{}.effect_during_support"


def measured(scenario, seed=4, definitions=None):
    named = streams(seed, 0)
    return measure_outcomes(simulate_cohort(scenario, named), scenario, named, definitions)


@pytest.fixture(scope="module")
def ledger(wtw):
    return measured(wtw)


def test_new_series_are_in_the_ledger(ledger):
    for name in ("star_followups_true", "star_change_sum_true", "star_change_sum_null", "hospital_treated_cost_null"):
        assert name in SERIES and ledger.series[name].shape == ledger.series["referrals"].shape


def test_true_stars_count_every_scheduled_followup(wtw, ledger):
    s = ledger.series
    assert s["star_followups_true"].sum() > s["star_followups"].sum()  # 20% of follow-ups are missed
    assert np.all(s["star_followups_true"] >= s["star_followups"])
    complete = measured(with_overrides(wtw, {"service.p_assessment_missed": 0.0}))
    np.testing.assert_array_equal(complete.series["star_followups_true"], complete.series["star_followups"])


def test_true_and_null_star_changes(wtw, ledger):
    s = ledger.series
    true_mean = s["star_change_sum_true"].sum() / s["star_followups_true"].sum()
    measured_mean = s["star_change_sum"].sum() / s["star_followups"].sum()
    null_mean = s["star_change_sum_null"].sum() / s["star_followups"].sum()
    assert true_mean == pytest.approx(measured_mean, abs=0.3)
    assert abs(null_mean) < 0.15  # recording noise and rounding only: no drift either way
    exact = measured(with_overrides(wtw, {"wellbeing.gain_first_period_mean": 0.0, "wellbeing.gain_sd": 0.0,
                                          "wellbeing.area_noise_sd": 0.0, "wellbeing.measurement_noise_sd": 0.0}))
    assert not exact.series["star_change_sum_true"].any() and not exact.series["star_change_sum_null"].any()


def test_null_stars_keep_the_measured_draws(wtw, ledger):
    """The null noise is drawn last from the measurement stream, so measured Stars are unchanged."""
    from sib_sim.measure.stars import record_stars, star_series

    named = streams(4, 0)
    log = simulate_cohort(wtw, named)
    recorded, _ = record_stars(log, wtw, named.measurement)
    followups, change_sum = star_series(log, recorded, log.horizon_months)
    np.testing.assert_array_equal(ledger.series["star_change_sum"][0], change_sum)
    np.testing.assert_array_equal(ledger.series["star_followups"][0], followups)


def test_with_no_hospital_effect_true_costs_agree_and_null_is_the_measured(wtw):
    none = with_overrides(wtw, {NO_HOSPITAL_EFFECT.format(x.id): 0.0 for x in wtw.hospital.lines})
    s = measured(none).series
    np.testing.assert_array_equal(s["hospital_counterfactual_cost"], s["hospital_expected_cost"])
    np.testing.assert_array_equal(s["hospital_treated_cost_null"], s["hospital_treated_cost"])
    true = as_measured_by(measured(none), "true").series
    np.testing.assert_array_equal(true["hospital_comparison_cost"], true["hospital_treated_cost"])


def test_null_hospital_cost_adds_the_prevented_events(ledger):
    s = ledger.series
    assert np.all(s["hospital_treated_cost_null"] >= s["hospital_treated_cost"])
    # In expectation the null cost is the counterfactual cost.
    assert s["hospital_treated_cost_null"].sum() == pytest.approx(s["hospital_counterfactual_cost"].sum(), rel=0.03)


def test_views_swap_only_star_and_hospital_series(ledger):
    for view, swap in VIEWS.items():
        seen = as_measured_by(ledger, view)
        for name in SERIES:
            expected = ledger.series[swap.get(name, name)]
            assert seen.series[name] is expected, (view, name)
        assert seen.scalars is ledger.scalars and seen.milestones is ledger.milestones
        assert seen.cohorts is ledger.cohorts and seen.star_change_histogram is ledger.star_change_histogram
    assert as_measured_by(ledger, "true").series["hospital_treated_cost"] is ledger.series["hospital_expected_cost"]
    assert ledger.series["hospital_treated_cost"] is not ledger.series["hospital_expected_cost"]  # input unchanged


def test_views_leave_milestones_and_cohorts_as_measured(wtw_path):
    rate_card = load_scenario(wtw_path.parent / "rate_card.yaml")
    threshold = load_scenario(wtw_path.parent / "cohort_threshold.yaml")
    both = measured(rate_card, definitions=definitions_for([rate_card.contract, threshold.contract]))
    assert both.milestones and both.cohorts
    for view in ("true", "null"):
        seen = as_measured_by(both, view)
        for key, value in both.milestones.items():
            np.testing.assert_array_equal(seen.milestones[key], value)
        for key, value in both.cohorts.items():
            np.testing.assert_array_equal(seen.cohorts[key], value)


def test_unknown_view_is_an_error(ledger):
    with pytest.raises(ValueError, match="unknown view"):
        as_measured_by(ledger, "perfect")
