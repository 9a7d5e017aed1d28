"""Measurement risk: the same contract priced as measured, measured perfectly, and with no effect."""

import numpy as np
import pytest

from sib_sim import simulate, with_overrides
from sib_sim.contract import apply_contract
from sib_sim.experiment.measurement_risk import measurement_risk_metrics, measurement_variance_share
from sib_sim.experiment.metrics import replications_table
from sib_sim.experiment.summary import summarise
from sib_sim.finance import cash_flows
from sib_sim.measure import as_measured_by

N = 20
NOISIER = {"wellbeing.measurement_noise_sd": 1.5, "hospital.comparison.patients_per_participant": 0.25}
NO_CAPS = {"contract.cap": None, "contract.payers.ccg.cap": None, "contract.payers.cbo.cap": None,
           "contract.payers.sof.cap": None}


def table(scenario, n=N, seed=11):
    ledger = simulate(scenario, range(n), seed=seed, workers=2)
    payments = apply_contract(scenario.contract, ledger)
    return replications_table(np.arange(n), ledger, payments, cash_flows(scenario, payments, ledger),
                              scenario.contract)


@pytest.fixture(scope="module")
def ledger(wtw):
    return simulate(wtw, range(N), seed=11, workers=2)


@pytest.fixture(scope="module")
def base(wtw):
    return table(wtw)


def by_line(contract, ledger, view):
    return apply_contract(contract, as_measured_by(ledger, view)).by_line()


def test_null_view_pays_almost_nothing_on_stars_and_only_noise_on_savings(wtw, ledger):
    measured, null = by_line(wtw.contract, ledger, "measured"), by_line(wtw.contract, ledger, "null")
    assert null["wellbeing"].mean() < 0.005 * measured["wellbeing"].mean()
    # About 70% of replications pay nothing on Stars in the null view (42 of 60 with seed 11); on
    # these 20 the share has a binomial sd of about 10 points, so test two sd below it.
    assert (null["wellbeing"] == 0).mean() >= 0.5
    # Savings floored at zero year by year pay on lucky years: a few per cent of the measured payments.
    assert 0 < null["secondary_care"].mean() < 0.08 * measured["secondary_care"].mean()


def test_true_view_with_no_hospital_effect_pays_no_savings(wtw):
    none = with_overrides(wtw, {f"hospital.lines.{x.id}.effect_during_support": 0.0 for x in wtw.hospital.lines})
    ledger = simulate(none, range(4), seed=11, workers=1)
    s = ledger.series
    np.testing.assert_array_equal(s["hospital_counterfactual_cost"], s["hospital_expected_cost"])
    assert not by_line(none.contract, ledger, "true")["secondary_care"].any()


def test_measured_columns_do_not_change_when_risk_is_added(wtw, ledger, base):
    payments = apply_contract(wtw.contract, ledger)
    plain = replications_table(np.arange(N), ledger, payments, cash_flows(wtw, payments, ledger))
    for column in plain.columns:
        if column != "investor_irr_status":
            np.testing.assert_array_equal(plain[column].to_numpy(float), base[column].to_numpy(float), column)
    assert set(base.columns) - set(plain.columns) >= {"payments_true_measurement", "payments_no_effect"}


def test_metrics_and_summary(wtw, base):
    assert (base["payments_no_effect"] == base["payments_no_effect_by_outcome.wellbeing"]
            + base["payments_no_effect_by_outcome.secondary_care"]).all()
    assert (base["payments_true_measurement"] > 0).all()
    summary = summarise(base)
    for name in ("p_payment_without_effect", "p_payment_without_effect.wellbeing",
                 "p_payment_without_effect.secondary_care", "p_no_payment_despite_effect.wellbeing",
                 "p_no_payment_despite_effect.secondary_care", "measurement_variance_share"):
        assert set(summary[name]) == {"value", "n"} and 0 <= summary[name]["value"] <= 1, name
        assert summary[name]["n"] == N
    assert "payment_without_effect" not in summary  # flags become probabilities, not metrics
    assert summary["p_payment_without_effect"]["value"] == (base["payments_no_effect"] > 0.005).mean()
    assert summary["p_no_payment_despite_effect.wellbeing"]["value"] == 0  # Stars beat the scale every time


def test_a_comparison_much_healthier_than_the_participants_pays_nothing_despite_an_effect(wtw):
    healthier = with_overrides(wtw, {"hospital.comparison.matching_bias": -0.6})
    summary = summarise(table(healthier, n=6))
    assert summary["p_no_payment_despite_effect.secondary_care"]["value"] == 1.0
    assert summary["p_payment_without_effect.secondary_care"]["value"] == 0.0


def test_rules_the_views_do_not_reach_are_left_out(wtw_path):
    from sib_sim import load_scenario

    rate_card = load_scenario(wtw_path.parent / "rate_card.yaml")
    ledger = simulate(rate_card, range(2), seed=11, workers=1)
    payments = apply_contract(rate_card.contract, ledger)
    out = measurement_risk_metrics(rate_card.contract, ledger, payments)
    assert set(out) == {"payments_true_measurement"}  # milestones are not re-measured
    np.testing.assert_allclose(out["payments_true_measurement"], payments.total)


def test_variance_share_is_a_share():
    rng = np.random.default_rng(0)
    true = rng.normal(10, 1, 500)
    assert measurement_variance_share(true, true) == 0
    assert measurement_variance_share(np.ones(5), np.ones(5)) == 0
    assert measurement_variance_share(true + rng.normal(0, 1, 500), true) == pytest.approx(0.5, abs=0.08)
    assert measurement_variance_share(np.full(500, 10.0), true) == pytest.approx(0.5)  # a cap that always binds


@pytest.mark.parametrize("caps", [{}, NO_CAPS], ids=["shipped_caps", "no_caps"])
def test_a_noisier_evaluator_has_a_larger_measurement_share(wtw, caps):
    shares = []
    for changes in ({}, NOISIER):
        t = table(with_overrides(wtw, caps | changes), n=30, seed=2)
        true = t["payments_true_measurement"].to_numpy()
        shares.append(measurement_variance_share(t["payments_total"].to_numpy(), true))
        if changes:  # the true view does not depend on the evaluator
            np.testing.assert_allclose(true, base_true)
        base_true = true
    assert 0 <= shares[0] < shares[1] <= 1
    assert shares[1] > shares[0] + 0.05
