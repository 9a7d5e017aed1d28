"""An at-risk provider by hand: part of its fees wait for surplus cash, ahead of the investor."""

import numpy as np
import pytest
from pydantic import ValidationError

from sib_sim.finance.metrics import provider_metrics
from sib_sim.finance.waterfall import run_waterfall
from sib_sim.scenario import Investor
from sib_sim.scenario.finance import Provider

COSTS = np.array([[100, 100, 0]], dtype=float)
INVESTOR = Investor(commitment=1000, reserve_months=0, return_cap={"multiple": 1.5})
AT_RISK = Provider(basis="at_risk", at_risk_share=0.3)


def test_at_risk_fees_are_deferred_and_paid_before_the_investor():
    w = run_waterfall(np.array([[0, 0, 500]], dtype=float), COSTS, INVESTOR, provider=AT_RISK)
    # The SPV pays 70 a month and draws only that; 30 a month is owed to the provider.
    assert w.costs_paid[0].tolist() == [70, 70, 0] and w.draws[0].tolist() == [70, 70, 0]
    assert w.deferred[0].tolist() == [30, 60, 0]
    # 500 in: 60 of fees, 140 capital, 70 capped return (1.5x), 230 above the cap to the provider.
    assert w.deferred_paid[0, 2] == 60 and w.repayments[0, 2] == 140 and w.returns[0, 2] == 70
    assert w.surplus_provider[0, 2] == 230
    p = provider_metrics(w, COSTS)
    assert (p["provider_income"][0], p["provider_cost"][0], p["provider_net"][0]) == (430, 200, 230)
    assert p["provider_loss"][0] == 0


def test_unpaid_deferred_fees_at_the_horizon_are_the_providers_loss():
    w = run_waterfall(np.array([[0, 0, 50]], dtype=float), COSTS, INVESTOR, provider=AT_RISK)
    assert w.deferred_paid[0, 2] == 50 and w.repayments.sum() == 0  # fees rank ahead of capital
    p = provider_metrics(w, COSTS)
    assert p["provider_fees_unpaid"][0] == pytest.approx(10)
    assert p["provider_net"][0] == pytest.approx(-10) and p["provider_loss"][0] == 1


def test_fee_for_service_provider_nets_only_its_surplus_share():
    w = run_waterfall(np.array([[0, 0, 500]], dtype=float), COSTS, INVESTOR)
    p = provider_metrics(w, COSTS)
    assert w.deferred.sum() == 0
    assert p["provider_net"][0] == pytest.approx(p["provider_surplus_share"][0]) == 200


def test_at_risk_share_needs_the_at_risk_basis():
    with pytest.raises(ValidationError, match="only with basis: at_risk"):
        Provider(at_risk_share=0.3)
    with pytest.raises(ValidationError):
        Provider(basis="at_risk", at_risk_share=1.5)
