"""The SPV waterfall by hand, and the IRR status rules."""

import datetime as dt
import math

import numpy as np
import pytest

from sib_sim.finance.investor import irr_with_status, payback_month
from sib_sim.finance.waterfall import run_waterfall
from sib_sim.scenario import Investor
from sib_sim.scenario.finance import SurplusSplit


def test_waterfall_hand_case():
    income = np.array([[0, 0, 100, 0, 300]], dtype=float)
    costs = np.array([[50, 50, 50, 50, 0]], dtype=float)
    investor = Investor(commitment=120, cash_buffer=0, reserve_months=0, return_cap={"multiple": 1.5})
    w = run_waterfall(income, costs, investor)
    assert w.draws[0].tolist() == [50, 50, 0, 20, 0]
    assert w.unfunded[0].tolist() == [0, 0, 0, 30, 0]  # commitment exhausted in month 3
    assert w.repayments[0].tolist() == [0, 0, 50, 0, 70]
    assert w.returns[0].tolist() == [0, 0, 0, 0, 60]  # capped at 1.5 x 120 distributed in all
    assert w.spv_retained[0].tolist() == [0, 0, 0, 0, 170]
    assert w.cash[0].tolist() == [0, 0, 0, 0, 0]


def test_investor_share_of_surplus_above_cap():
    income = np.array([[0, 400]], dtype=float)
    costs = np.array([[100, 0]], dtype=float)
    investor = Investor(commitment=100, reserve_months=0, return_cap={"multiple": 2.0})
    w = run_waterfall(income, costs, investor, split=SurplusSplit(investor=0.25, provider=0.75))
    # 400 surplus: 100 capital, 100 capped return, 200 above: 50 to the investor, 150 kept.
    assert w.repayments.sum() == 100 and w.returns.sum() == 150 and w.spv_retained.sum() == 150


def test_reserve_holds_cash_back_until_the_end():
    income = np.array([[0, 300, 0, 0]], dtype=float)
    costs = np.array([[100, 50, 50, 50]], dtype=float)
    investor = Investor(commitment=100, reserve_months=2, return_cap={"multiple": 3.0})
    w = run_waterfall(income, costs, investor)
    # Month 1: cash 250; the next two months' costs (100) stay in reserve; 150 goes out: 100 capital,
    # 50 return. The reserve then pays months 2 and 3.
    assert w.repayments[0].tolist() == [0, 100, 0, 0]
    assert w.returns[0].tolist() == [0, 50, 0, 0]
    assert w.cash[0].tolist() == [0, 100, 50, 0]


def _dates(n):
    return [dt.date(2020 + i, 1, 1) for i in range(n)]


def test_irr_status():
    rate, status = irr_with_status([dt.date(2021, 1, 1), dt.date(2022, 1, 1)], np.array([-100.0, 110.0]))
    assert status == "ok" and rate == pytest.approx(0.10, abs=1e-9)
    assert irr_with_status(_dates(3), np.array([0.0, 0.0, 0.0])) == (pytest.approx(math.nan, nan_ok=True), "no_outlay")
    assert irr_with_status(_dates(3), np.array([-100.0, 0.0, 0.0])) == (-1.0, "total_loss")
    rate, status = irr_with_status(_dates(3), np.array([-100.0, 300.0, -300.0]))
    assert status == "no_root" and math.isnan(rate)


def test_payback_month():
    assert payback_month(np.array([-10.0, -5.0, 5.0, 10.0, 1.0])) == 3
    assert math.isnan(payback_month(np.array([-10.0, 5.0])))
