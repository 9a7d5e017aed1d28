"""Outcome payments follow measured effects: no effect, no payment (beyond measurement noise)."""

import pytest

from sib_sim import run, with_overrides


@pytest.fixture(scope="module")
def base(wtw):
    return run(wtw, replications=20, workers=2).replications


def test_no_hospital_effect_pays_outcome_b_nothing_beyond_noise(wtw, base):
    # Delivery as planned (the provider absorbs any shortfall): with no outcome B the money runs out and
    # scale_back would pause new starts, leaving a smaller cohort whose measurement is noisier than the
    # base case's. The claim here is about measurement noise at the same cohort size.
    none = with_overrides(wtw, {f"hospital.lines.{x.id}.effect_during_support": 0.0
                                for x in wtw.hospital.lines} | {"finance.shortfall": "provider_absorbs"})
    t = run(none, replications=20, workers=2).replications
    assert t["hospital_cost_reduction_true"].abs().max() < 1e-9
    assert t["hospital_cost_reduction"].abs().median() < 0.03
    # Savings floored at zero per year still pay on lucky years: a few per cent of the base case.
    paid = t["payments_by_outcome.secondary_care"].mean()
    assert paid < 0.08 * base["payments_by_outcome.secondary_care"].mean()


NO_GAIN = {"wellbeing.gain_first_period_mean": 0.0, "wellbeing.gain_sd": 0.0, "wellbeing.area_noise_sd": 0.0}


def test_no_star_improvement_pays_outcome_a_nothing(wtw):
    exact = with_overrides(wtw, NO_GAIN | {"wellbeing.measurement_noise_sd": 0.0})
    t = run(exact, replications=10, workers=2).replications
    assert (t["star_change_mean"] == 0).all()
    assert (t["payments_by_outcome.wellbeing"] == 0).all()


def test_no_star_improvement_with_recording_noise_pays_only_on_small_noisy_quarters(wtw, base):
    noisy = with_overrides(wtw, NO_GAIN | {"finance.shortfall": "provider_absorbs"})  # the cohort as planned
    t = run(noisy, replications=10, workers=2).replications
    assert t["star_change_mean"].abs().max() < 0.15
    assert t["payments_by_outcome.wellbeing"].mean() < 0.03 * base["payments_by_outcome.wellbeing"].mean()
