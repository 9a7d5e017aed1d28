"""Stars and hospital use in the true world, and what the evaluator records."""

import numpy as np
import pytest

from sib_sim import run, with_overrides
from sib_sim.measure import measure_outcomes
from sib_sim.measure.stars import latest_change, record_stars
from sib_sim.model import simulate_cohort
from sib_sim.rng import streams


def test_recorded_stars_are_integers_in_range_and_first_is_always_recorded(wtw):
    log = simulate_cohort(wtw, streams(4, 0))
    recorded, _ = record_stars(log, wtw, streams(4, 0).measurement)
    values = recorded[~np.isnan(recorded)]
    assert np.all(values == np.rint(values)) and values.min() >= 8 and values.max() <= 80
    assert not np.isnan(recorded[:, 0]).any()
    baseline = recorded[:, 0].mean() / 8
    assert baseline == pytest.approx(wtw.wellbeing.baseline_mean_per_area, abs=0.25)
    assessed = ~np.isnan(log.star_times[:, 1:])
    missed = np.isnan(recorded[:, 1:]) & assessed
    assert missed.sum() / assessed.sum() == pytest.approx(wtw.service.p_assessment_missed, abs=0.02)


def test_latest_change_uses_the_latest_recorded_star():
    totals = np.array([[30, 32, np.nan, 35], [30, np.nan, np.nan, np.nan], [20, 25, 24, np.nan]])
    np.testing.assert_array_equal(latest_change(totals), [5, np.nan, 4])


def test_hospital_use_without_support_matches_the_comparison_in_expectation(wtw):
    none = with_overrides(wtw, {f"hospital.lines.{x.id}.effect_during_support": 0.0 for x in wtw.hospital.lines})
    log = simulate_cohort(none, streams(8, 0))
    np.testing.assert_allclose(log.hospital.expected_cost, log.hospital.counterfactual_cost)
    ledger = measure_outcomes(log, none, streams(8, 0))
    s = ledger.series
    ratio = s["hospital_treated_cost"].sum() / s["hospital_comparison_cost"].sum()
    assert ratio == pytest.approx(1.0, abs=0.05)


def test_matching_bias_inflates_measured_savings(wtw):
    biased = with_overrides(wtw, {"hospital.comparison.matching_bias": 0.10})
    base = run(wtw, replications=4, workers=1).replications["hospital_cost_reduction"].mean()
    more = run(biased, replications=4, workers=1).replications["hospital_cost_reduction"].mean()
    true = run(biased, replications=4, workers=1).replications["hospital_cost_reduction_true"].mean()
    assert more > base + 0.04
    assert true == pytest.approx(base, abs=0.02)


def test_comparison_cost_per_patient_year_is_in_the_published_range(wtw):
    t = run(wtw, replications=3, workers=1).replications
    # WtW comparison cohort: about GBP 1,000-1,900 per patient-year (reference file, section 4).
    assert 1000 <= t["comparison_cost_per_patient_year"].median() <= 1900
