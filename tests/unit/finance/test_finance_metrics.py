"""Finance terms end to end: one measured cohort re-priced under other terms (common random numbers)."""

import numpy as np
import pytest

from sib_sim import with_overrides
from sib_sim.experiment import Results, evaluate, simulate
from sib_sim.scenario.finance import Commissioner


@pytest.fixture(scope="module")
def priced(wtw):
    ledger = simulate(wtw, replications=[0, 1], workers=1)

    def table(changes: dict) -> Results:
        return evaluate(with_overrides(wtw, changes), ledger)

    return table


SHORT = {"finance.investor.commitment": 300_000}  # runs out: the shortfall policy matters


def test_shipped_terms_have_no_cut_top_up_or_provider_loss(priced):
    t = priced({}).replications
    assert (t["delivery_cut"] == 0).all() and (t["commissioner_top_up"] == 0).all()
    assert (t["provider_net"] == t["spv_retained"]).all()  # fee for service: only the surplus share
    np.testing.assert_allclose(t["hospital_costs_avoided_cashable"] + t["hospital_costs_avoided_non_cashable"],
                               t["hospital_costs_avoided"])


def test_scale_back_reports_cuts_and_probability(priced):
    results = priced(SHORT)
    t = results.replications
    assert (t["delivery_cut"] > 0).all() and (t["delivery_cut_months"] >= 1).all()
    np.testing.assert_allclose(t["delivery_cut"], t["unfunded_cost"])
    summary = results.summary()
    assert summary["p_delivery_cut"] == {"value": 1.0, "n": 2}
    assert summary["provider_p_loss"] == {"value": 0.0, "n": 2}
    assert "delivery_cut_any" not in summary and "provider_loss" not in summary


def test_commissioner_top_up_adds_to_its_payments_and_net_cost(priced):
    cut = priced(SHORT).replications
    topped = priced(SHORT | {"finance.shortfall": "commissioner_tops_up"}).replications
    top_up = topped["commissioner_top_up"]
    assert (top_up > 0).all() and (topped["delivery_cut"] == 0).all()
    np.testing.assert_allclose(topped["commissioner_payments"] - cut["commissioner_payments"], top_up)
    np.testing.assert_allclose(topped["commissioner_net_cost"] - cut["commissioner_net_cost"], top_up)
    assert (topped["commissioner_payments_npv"] > cut["commissioner_payments_npv"]).all()


def test_provider_absorbs_shows_in_provider_metrics(priced):
    t = priced(SHORT | {"finance.shortfall": "provider_absorbs"}).replications
    assert (t["delivery_cut"] == 0).all()
    np.testing.assert_allclose(t["provider_net"], t["provider_surplus_share"] - t["provider_fees_unpaid"])


def test_commissioner_share_of_surplus_reduces_its_net_cost(priced):
    base = priced({}).replications
    shared = priced({"finance.surplus_split": {"commissioner": 1.0}}).replications
    np.testing.assert_allclose(shared["commissioner_surplus_share"], base["spv_retained"])
    np.testing.assert_allclose(base["commissioner_net_cost"] - shared["commissioner_net_cost"],
                               shared["commissioner_surplus_share"])
    assert (shared["provider_net"] == 0).all()


def test_no_investor_contract(priced):
    results = priced({"finance.investor.commitment": 0,
                      "finance.provider": {"basis": "at_risk", "at_risk_share": 1.0}})
    t = results.replications
    assert (t["investor_drawn"] == 0).all() and t["investor_multiple"].isna().all()
    assert (t["investor_irr_status"] == "no_outlay").all() and (t["investor_loss"] == 0).all()
    assert (t["delivery_cut"] == 0).all()  # the provider carries every cost: the SPV never runs short
    assert results.summary()["investor_p_loss"] == {"value": 0.0, "n": 2}


def test_discounting_defaults_to_the_green_book():
    assert Commissioner(payer="ccg").discount_rate == 0.035
