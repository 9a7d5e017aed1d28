"""The comparison cohort: drift over time and how comparison patients are matched."""

import numpy as np
import pytest

from sib_sim import with_overrides
from sib_sim.measure import measure_outcomes
from sib_sim.measure.comparison import comparison_drift, matched_participants
from sib_sim.model import simulate_cohort
from sib_sim.rng import streams


def test_drift_compounds_from_the_contract_start(wtw):
    drift = comparison_drift(with_overrides(wtw, {"hospital.comparison.drift_per_year": 0.03}))
    assert drift[0] == pytest.approx(1.03 ** (0.5 / 12))
    assert drift[23] / drift[11] == pytest.approx(1.03)


def test_drift_raises_the_comparison_cost_over_time_only(wtw):
    drifting = with_overrides(wtw, {"hospital.comparison.drift_per_year": 0.05})
    named = streams(2, 0)
    log = simulate_cohort(wtw, named)
    base = measure_outcomes(log, wtw, streams(2, 0)).series
    more = measure_outcomes(log, drifting, streams(2, 0)).series
    late = slice(48, 84)
    assert more["hospital_comparison_cost"][:, late].sum() > 1.15 * base["hospital_comparison_cost"][:, late].sum()
    for name in ("hospital_treated_cost", "hospital_expected_cost", "hospital_counterfactual_cost"):
        np.testing.assert_array_equal(more[name], base[name])


def test_matching_covers_every_participant_and_spreads_a_small_comparison():
    np.testing.assert_array_equal(matched_participants(4, 4), [0, 1, 2, 3])
    np.testing.assert_array_equal(matched_participants(4, 8), [0, 1, 2, 3, 0, 1, 2, 3])
    np.testing.assert_array_equal(matched_participants(4, 6), [0, 1, 2, 3, 0, 2])
    small = matched_participants(1000, 100)
    assert small.size == 100 and small.min() == 0 and small.max() >= 990  # not just the earliest starters
    assert matched_participants(0, 0).size == 0


def test_a_smaller_comparison_cohort_is_noisier_but_not_biased(wtw):
    small = with_overrides(wtw, {"hospital.comparison.patients_per_participant": 0.2})
    named = streams(3, 0)
    log = simulate_cohort(wtw, named)
    s = measure_outcomes(log, small, streams(3, 0)).series
    # Scaled to one comparison per participant, the cost is the counterfactual cost give or take noise.
    ratio = s["hospital_comparison_cost"].sum() / s["hospital_counterfactual_cost"].sum()
    assert ratio == pytest.approx(1.0, abs=0.1)
