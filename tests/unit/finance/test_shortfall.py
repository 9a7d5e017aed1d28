"""Shortfall policies by hand: the commitment runs out in month 1 of three (50 of 100 unpaid)."""

import numpy as np
import pytest

from sib_sim.finance.metrics import provider_metrics, spv_metrics
from sib_sim.finance.waterfall import run_waterfall
from sib_sim.scenario import Investor
from sib_sim.scenario.finance import Provider

COSTS = np.array([[100, 100, 0]], dtype=float)
INVESTOR = Investor(commitment=150, reserve_months=0, return_cap={"multiple": 2.0})


def income(last: float) -> np.ndarray:
    return np.array([[0, 0, last]], dtype=float)


def test_scale_back_cuts_delivery():
    w = run_waterfall(income(300), COSTS, INVESTOR, shortfall="scale_back")
    assert w.draws[0].tolist() == [100, 50, 0]
    assert w.delivery_cut[0].tolist() == [0, 50, 0]
    assert w.costs_paid[0].tolist() == [100, 50, 0]
    assert w.repayments[0].tolist() == [0, 0, 150] and w.returns[0].tolist() == [0, 0, 150]
    spv = spv_metrics(w, COSTS)
    assert spv["delivery_cut"][0] == 50 and spv["delivery_cut_months"][0] == 1
    assert spv["delivery_cut_any"][0] == 1 and spv["unfunded_cost"][0] == 50
    provider = provider_metrics(w, COSTS)
    assert provider["provider_cost"][0] == 150  # it did not deliver what was cut
    assert provider["provider_net"][0] == 0 and provider["provider_loss"][0] == 0


def test_provider_absorbs_and_is_repaid_before_the_investor():
    w = run_waterfall(income(300), COSTS, INVESTOR, shortfall="provider_absorbs")
    assert w.delivery_cut.sum() == 0 and w.costs_paid[0].tolist() == [100, 50, 0]
    assert w.deferred[0].tolist() == [0, 50, 0]
    # 300 in: 50 of fees owed to the provider first, then 150 of capital, then 100 of capped return.
    assert w.deferred_paid[0].tolist() == [0, 0, 50]
    assert w.repayments[0, 2] == 150 and w.returns[0, 2] == 100
    assert provider_metrics(w, COSTS)["provider_net"][0] == 0


def test_provider_absorbs_a_loss_when_outcomes_fall_short():
    w = run_waterfall(income(30), COSTS, INVESTOR, shortfall="provider_absorbs")
    provider = provider_metrics(w, COSTS)
    assert w.deferred_paid[0, 2] == 30 and w.repayments.sum() == 0
    assert provider["provider_fees_unpaid"][0] == 20
    assert provider["provider_income"][0] == 180 and provider["provider_cost"][0] == 200
    assert provider["provider_net"][0] == -20 and provider["provider_loss"][0] == 1


def test_commissioner_tops_up_the_gap():
    w = run_waterfall(income(300), COSTS, INVESTOR, shortfall="commissioner_tops_up")
    assert w.top_up[0].tolist() == [0, 50, 0]
    assert w.costs_paid[0].tolist() == [100, 100, 0] and w.delivery_cut.sum() == 0
    assert w.repayments[0, 2] == 150 and w.returns[0, 2] == 150
    assert provider_metrics(w, COSTS)["provider_net"][0] == 0


def test_scale_back_with_an_at_risk_provider_cuts_the_whole_cost():
    costs = np.array([[100, 100]], dtype=float)
    investor = Investor(commitment=75, reserve_months=0)
    w = run_waterfall(np.zeros((1, 2)), costs, investor, provider=Provider(basis="at_risk", at_risk_share=0.5))
    # Month 1: the SPV owes 50 in cash but has 25 left: half the month's delivery (cost 50) is cut,
    # and the provider's deferred half shrinks with it (25 of fees deferred, not 50).
    assert w.draws[0].tolist() == [50, 25]
    assert w.delivery_cut[0].tolist() == [0, 50]
    assert w.deferred_accrued[0].tolist() == [50, 25]
    np.testing.assert_allclose(w.costs_paid + w.deferred_accrued + w.delivery_cut, costs)
    provider = provider_metrics(w, costs)
    assert provider["provider_cost"][0] == 150 and provider["provider_income"][0] == 75
    assert provider["provider_net"][0] == -75


@pytest.mark.parametrize("policy", ["scale_back", "provider_absorbs", "commissioner_tops_up"])
def test_policies_agree_when_nothing_is_short(policy):
    w = run_waterfall(income(500), COSTS, Investor(commitment=1000, reserve_months=0), shortfall=policy)
    assert w.unfunded.sum() == 0 and w.delivery_cut.sum() == 0 and w.top_up.sum() == 0
    assert w.draws.sum() == 200
