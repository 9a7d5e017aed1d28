"""service.delivery_periods: months in which support does less (or more) good, e.g. remote delivery."""

import numpy as np
import pytest

from sib_sim import with_overrides
from sib_sim.errors import UserError
from sib_sim.model import simulate_cohort
from sib_sim.model.delivery import effect_factor_by_month, mean_effect_factor, star_gain_factors
from sib_sim.rng import streams
from sib_sim.scenario.service import DeliveryPeriod


def periods(*items):
    return {"service.delivery_periods": [dict(zip(("start_month", "end_month", "effect_factor"), x)) for x in items]}


def test_factor_is_the_time_weighted_mean_over_an_interval():
    p = [DeliveryPeriod(start_month=2, end_month=4, effect_factor=0.5)]
    f = mean_effect_factor(p, np.array([0.0, 2.0, 10.0, 3.5]), np.array([6.0, 4.0, 12.0, 3.5]))
    np.testing.assert_allclose(f, [1 - 2 / 6 * 0.5, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(effect_factor_by_month(p, 6), [1, 1, 0.5, 0.5, 1, 1])
    np.testing.assert_allclose(star_gain_factors(p, np.array([1.0]), 2.0, 3), [[0.75, 0.75, 1.0]])


def test_periods_are_validated(wtw):
    with pytest.raises(UserError, match="end_month"):
        with_overrides(wtw, periods((10, 10, 0.5)))
    with pytest.raises(UserError, match="overlap"):
        with_overrides(wtw, periods((10, 20, 0.5), (15, 30, 0.8)))
    with pytest.raises(UserError):
        with_overrides(wtw, periods((10, 20, 1.5)))
    assert len(with_overrides(wtw, periods((10, 20, 0.5), (20, 30, 0.8))).service.delivery_periods) == 2


def test_a_factor_of_one_changes_nothing(wtw):
    same = with_overrides(wtw, periods((0, 96, 1.0)))
    a, b = simulate_cohort(wtw, streams(3, 0)), simulate_cohort(same, streams(3, 0))
    np.testing.assert_array_equal(a.star_paths, b.star_paths)
    np.testing.assert_array_equal(a.hospital.cost, b.hospital.cost)
    np.testing.assert_array_equal(a.hospital.expected_cost, b.hospital.expected_cost)


def test_no_effect_throughout_means_no_gain_and_no_hospital_effect(wtw):
    off = with_overrides(wtw, periods((0, 96, 0.0)) | {"wellbeing.area_noise_sd": 0.0})
    log = simulate_cohort(off, streams(3, 0))
    change = log.star_paths[:, 1:] - log.star_paths[:, :1]
    assert np.abs(change).max() == 0
    np.testing.assert_allclose(log.hospital.expected_cost, log.hospital.counterfactual_cost)


def test_weaker_delivery_for_a_while_lowers_gains_and_savings_only_then(wtw):
    remote = with_overrides(wtw, periods((40, 60, 0.5)))
    a, b = simulate_cohort(wtw, streams(5, 0)), simulate_cohort(remote, streams(5, 0))
    np.testing.assert_array_equal(a.star_paths[:, 0], b.star_paths[:, 0])  # same draws, same baselines
    gain_a = (a.star_paths[:, -1] - a.star_paths[:, 0]).sum()
    gain_b = (b.star_paths[:, -1] - b.star_paths[:, 0]).sum()
    assert gain_b < gain_a
    early = slice(0, 40)
    np.testing.assert_array_equal(a.hospital.expected_cost[early], b.hospital.expected_cost[early])
    saved_a = a.hospital.counterfactual_cost - a.hospital.expected_cost
    saved_b = b.hospital.counterfactual_cost - b.hospital.expected_cost
    assert saved_b[40:60].sum() < 0.8 * saved_a[40:60].sum()
    # Participants who were in support then keep less effect afterwards too.
    assert saved_b[60:].sum() < saved_a[60:].sum()
