"""The shipped stress scenarios validate, run and move what they stress in the expected direction.

Each runs on the same seeds as the base scenario (common random numbers), so the differences are the
stress, not sampling noise.
"""

from pathlib import Path

import numpy as np
import pytest

from sib_sim import load_scenario, read_scenario_file, simulate
from sib_sim.contract import apply_contract
from sib_sim.experiment.metrics import replications_table
from sib_sim.finance import cash_flows

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
STRESS = ("stress_covid_2020", "stress_staff_shortfall", "stress_comparison_drift")
N, SEED = 8, 7


def table(scenario):
    ledger = simulate(scenario, range(N), seed=SEED, workers=2)
    payments = apply_contract(scenario.contract, ledger)
    return replications_table(np.arange(N), ledger, payments, cash_flows(scenario, payments, ledger),
                              scenario.contract)


@pytest.fixture(scope="module")
def base(wtw):
    return table(wtw)


@pytest.fixture(scope="module")
def stressed():
    return {name: table(load_scenario(SCENARIOS / f"{name}.yaml")) for name in STRESS}


@pytest.mark.parametrize("name", STRESS)
def test_extends_the_base_and_labels_its_numbers(name):
    path = SCENARIOS / f"{name}.yaml"
    text = path.read_text()
    assert text.startswith("#") and "extends: ways_to_wellness.yaml" in text
    assert "../shared/reference/ways_to_wellness.md" in text
    sources = read_scenario_file(path).sources
    for source_path, source in sources.items():
        assert source.reference or source.assumption, source_path


def test_covid_cuts_referrals_and_star_change(base, stressed):
    covid = stressed["stress_covid_2020"]
    assert (covid["referrals"] <= base["referrals"]).all() and covid["referrals"].mean() < base["referrals"].mean()
    assert covid["star_change_true_mean"].mean() < base["star_change_true_mean"].mean() - 0.1
    assert covid["star_change_mean"].mean() < base["star_change_mean"].mean() - 0.1
    assert covid["hospital_cost_reduction_true"].mean() < base["hospital_cost_reduction_true"].mean()
    assert covid["payments_true_measurement"].mean() < base["payments_true_measurement"].mean()


def test_staff_shortfall_grows_the_waiting_list_and_people_give_up(base, stressed):
    short = stressed["stress_staff_shortfall"]
    # (Uncertain referral rates give some base runs a long list too, at other times.)
    assert short["waiting_peak"].mean() > base["waiting_peak"].mean() + 50
    assert (short["waiting_peak"] > base["waiting_peak"]).mean() >= 0.75
    # Almost every run has give-ups; a run that draws a low referral rate (replication 5 draws 102 a
    # month) keeps every wait under the maximum even with the shortfall.
    assert (short["gave_up_waiting"] > 0).mean() >= 0.75
    assert short["gave_up_waiting"].mean() > 3 * base["gave_up_waiting"].mean()
    assert short["engaged"].mean() < base["engaged"].mean()


def test_comparison_drift_inflates_measured_savings_but_not_true_ones(base, stressed):
    drift = stressed["stress_comparison_drift"]
    gap = drift["hospital_cost_reduction"] - drift["hospital_cost_reduction_true"]
    base_gap = base["hospital_cost_reduction"] - base["hospital_cost_reduction_true"]
    assert gap.mean() > base_gap.mean() + 0.05
    np.testing.assert_allclose(drift["hospital_cost_reduction_true"], base["hospital_cost_reduction_true"])
    np.testing.assert_allclose(drift["payments_true_measurement"], base["payments_true_measurement"])
    assert drift["payments_no_effect"].mean() > 3 * base["payments_no_effect"].mean()
