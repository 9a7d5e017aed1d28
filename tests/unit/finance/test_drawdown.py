"""Drawdown by hand: on a schedule (with an as-needed fallback), and contracts with no investor."""

import datetime as dt
import math

import numpy as np
import pytest
from pydantic import ValidationError

from sib_sim.calendar import month_dates
from sib_sim.finance.metrics import investor_metrics
from sib_sim.finance.waterfall import run_waterfall
from sib_sim.scenario import Investor
from sib_sim.scenario.finance import Provider


def row(*values: float) -> np.ndarray:
    return np.array([values], dtype=float)


def scheduled(commitment: float, *draws: tuple[int, float]) -> Investor:
    return Investor(commitment=commitment, drawdown="schedule", reserve_months=0,
                    drawdown_schedule=[{"month": m, "amount": a} for m, a in draws])


def test_schedule_draws_then_as_needed_from_what_is_left():
    income, costs = row(0, 0, 0, 400), row(100, 100, 100, 0)
    w = run_waterfall(income, costs, scheduled(300, (0, 200)))
    # Month 0: 200 drawn on schedule, 100 spent. The unspent 100 is held (not repaid at once) and pays
    # month 1. Month 2: cash would go to -100, so 100 more is drawn as needed (the rest of the 300).
    assert w.draws[0].tolist() == [200, 0, 100, 0]
    assert w.cash[0].tolist() == [100, 0, 0, 0]
    assert w.repayments[0].tolist() == [0, 0, 0, 300]
    assert w.returns[0].tolist() == [0, 0, 0, 100]


def test_as_needed_draws_only_what_each_month_needs():
    w = run_waterfall(row(0, 0, 0, 400), row(100, 100, 100, 0), Investor(commitment=300, reserve_months=0))
    assert w.draws[0].tolist() == [100, 100, 100, 0]


def test_schedule_is_capped_by_the_commitment():
    w = run_waterfall(row(0, 0, 0), row(50, 50, 50), scheduled(150, (0, 100), (1, 100)))
    # 100 then only the 50 left; the fallback has nothing left to draw in month 2.
    assert w.draws[0].tolist() == [100, 50, 0]
    assert w.unfunded[0].tolist() == [0, 0, 0]
    assert w.draws.sum() == 150


def test_schedule_after_the_horizon_never_happens():
    w = run_waterfall(row(0, 0), row(10, 10), scheduled(1000, (0, 30), (5, 500)))
    assert w.draws[0].tolist() == [30, 0]


def test_no_investor_metrics_are_well_defined():
    income, costs = row(0, 500), row(100, 100)
    w = run_waterfall(income, costs, Investor(commitment=0, reserve_months=0))
    assert w.draws.sum() == 0 and w.delivery_cut[0].tolist() == [100, 0]
    assert w.surplus_provider[0].tolist() == [0, 400]  # no cap room: all surplus is above the cap
    metrics, status = investor_metrics(w, month_dates(dt.date(2020, 1, 1), 2))
    assert status.tolist() == ["no_outlay"]
    assert math.isnan(metrics["investor_multiple"][0]) and math.isnan(metrics["investor_irr"][0])
    assert metrics["investor_drawn"][0] == 0 and metrics["investor_peak_capital"][0] == 0
    assert metrics["investor_loss"][0] == 0


def test_provider_fully_at_risk_with_no_investor():
    w = run_waterfall(row(0, 500), row(100, 100), Investor(commitment=0, reserve_months=0),
                      provider=Provider(basis="at_risk", at_risk_share=1.0))
    # The provider carries all costs until month 1's income pays its 200 of fees; 300 surplus follows.
    assert w.deferred_accrued[0].tolist() == [100, 100]
    assert w.deferred_paid[0].tolist() == [0, 200]
    assert w.surplus_provider[0].tolist() == [0, 300]
    assert w.delivery_cut.sum() == 0


def test_schedule_validation():
    with pytest.raises(ValidationError, match="needs a drawdown_schedule"):
        scheduled(100)
    with pytest.raises(ValidationError, match="month 1 is scheduled twice"):
        scheduled(100, (1, 10), (1, 20))
    with pytest.raises(ValidationError, match="only with drawdown: schedule"):
        Investor(commitment=100, drawdown_schedule=[{"month": 0, "amount": 10}])
