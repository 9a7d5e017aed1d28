"""Return caps by hand: an IRR cap stops distributions at the cap rate (checked with XIRR)."""

import datetime as dt

import numpy as np
import pytest
from pydantic import ValidationError

from sib_sim.calendar import month_dates
from sib_sim.finance.caps import year_fractions
from sib_sim.finance.investor import irr_with_status
from sib_sim.finance.waterfall import run_waterfall
from sib_sim.scenario import Investor
from sib_sim.scenario.finance import ReturnCap

START = dt.date(2020, 1, 1)  # 2020 is a leap year: month lengths matter to XIRR


def timeline(horizon: int) -> tuple[list[dt.date], np.ndarray]:
    dates = month_dates(START, horizon)
    return dates, year_fractions(np.array([(d - START).days for d in dates]))


def monthly(horizon: int, **at: float) -> np.ndarray:
    out = np.zeros((1, horizon))
    for month, amount in at.items():
        out[0, int(month[1:])] = amount
    return out


def irr_cap(rate: float, commitment: float = 10_000) -> Investor:
    return Investor(commitment=commitment, reserve_months=0, return_cap={"irr": rate})


def test_irr_cap_one_draw_one_payment():
    dates, years = timeline(13)
    w = run_waterfall(monthly(13, m12=3000), monthly(13, m0=1000), irr_cap(0.10), years=years)
    # One draw of 1000 on 2020-01-01, paid back on 2021-01-01 (366 days) at exactly 10% a year.
    expected = 1000 * 1.10 ** (366 / 365)
    assert w.repayments[0, 12] + w.returns[0, 12] == pytest.approx(expected, rel=1e-12)
    assert w.surplus_provider[0, 12] == pytest.approx(3000 - expected, rel=1e-12)
    rate, status = irr_with_status(dates, w.repayments[0] + w.returns[0] - w.draws[0])
    assert status == "ok" and rate == pytest.approx(0.10, abs=1e-9)


def test_irr_cap_binds_over_many_draws_and_distributions():
    dates, years = timeline(24)
    income = monthly(24, m6=500, m12=600, m18=5000)
    costs = monthly(24, m0=400, m1=300, m2=300, m7=200)
    w = run_waterfall(income, costs, irr_cap(0.12), years=years)
    net = w.repayments[0] + w.returns[0] - w.draws[0]
    rate, status = irr_with_status(dates, net)
    assert status == "ok" and 0.12 - 1e-7 <= rate <= 0.12 + 1e-9
    assert w.surplus_provider.sum() > 0  # the cap bound: the rest went above it


def test_irr_cap_not_binding_pays_everything_to_the_investor():
    dates, years = timeline(13)
    w = run_waterfall(monthly(13, m12=1050), monthly(13, m0=1000), irr_cap(0.10), years=years)
    assert w.returns[0, 12] == pytest.approx(50) and w.surplus_provider.sum() == 0
    rate, _ = irr_with_status(dates, w.repayments[0] + w.returns[0] - w.draws[0])
    assert rate < 0.10


def test_multiple_cap_binds_at_the_multiple():
    w = run_waterfall(monthly(3, m2=1000), monthly(3, m0=100, m1=100),
                      Investor(commitment=500, reserve_months=0, return_cap={"multiple": 1.5}))
    assert (w.repayments + w.returns).sum() == pytest.approx(300)
    assert w.surplus_provider.sum() == pytest.approx(700)


def test_return_cap_needs_exactly_one_form():
    with pytest.raises(ValidationError, match="exactly one of multiple"):
        ReturnCap(multiple=2.0, irr=0.1)
    with pytest.raises(ValidationError, match="exactly one of multiple"):
        ReturnCap()
    with pytest.raises(ValidationError):
        ReturnCap(multiple=0.5)  # below 1: capital could not be repaid
    assert np.isnan(irr_cap(0.1).return_cap_multiple) and Investor(commitment=1).return_cap_multiple == 2.0
