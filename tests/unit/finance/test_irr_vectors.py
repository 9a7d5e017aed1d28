"""The investor IRR against independent references: numpy-financial's periodic IRR on monthly flows
and Excel's XIRR on dated flows; undefined IRRs carry a status, never a silent NaN."""

import datetime as dt
import math

import numpy as np
import numpy_financial as npf
import pyxirr
import pytest

from sib_sim.calendar import month_dates
from sib_sim.finance.investor import irr_with_status

MONTHLY = [
    # a SIB-shaped profile: draws for two years, distributions later
    [-60_000.0] * 24 + [0.0] * 12 + [150_000.0] * 12,
    [-1_000.0, 0.0, 0.0, 200.0, 300.0, 400.0, 500.0],
    [-500.0, -500.0] + [90.0] * 14,
    [-100.0] + [1.0] * 11 + [101.0],
]


@pytest.mark.parametrize("flows", MONTHLY)
def test_equal_periods_match_numpy_financial_exactly(flows):
    """With periods exactly 365 days apart, the dated IRR is numpy-financial's periodic IRR."""
    flows = np.array(flows)
    dates = [dt.date(2001, 1, 1) + dt.timedelta(days=365 * k) for k in range(flows.size)]
    rate, status = irr_with_status(dates, flows)
    assert status == "ok"
    assert rate == pytest.approx(npf.irr(flows), abs=1e-9)


@pytest.mark.parametrize("flows", MONTHLY)
def test_monthly_flows_match_numpy_financial_up_to_day_count(flows):
    """Dated monthly flows (first of each month, actual/365) against the periodic monthly IRR,
    annualised: the two differ only by the days in each month (under 1% of the rate)."""
    flows = np.array(flows)
    dates = month_dates(dt.date(2015, 4, 1), flows.size)
    rate, status = irr_with_status(dates, flows)
    assert status == "ok"
    assert rate == pytest.approx((1 + npf.irr(flows)) ** 12 - 1, rel=0.01)
    assert pyxirr.xnpv(rate, dates, flows) == pytest.approx(0.0, abs=1e-6 * np.abs(flows).sum())


def test_excel_xirr_documented_example():
    """Microsoft's XIRR documentation: these flows give 0.373362535 (37.34%)."""
    dates = [dt.date(2008, 1, 1), dt.date(2008, 3, 1), dt.date(2008, 10, 30), dt.date(2009, 2, 15),
             dt.date(2009, 4, 1)]
    rate, status = irr_with_status(dates, np.array([-10_000.0, 2_750.0, 4_250.0, 3_250.0, 2_750.0]))
    assert status == "ok" and rate == pytest.approx(0.373362535, abs=1e-8)


def test_one_year_at_ten_percent():
    rate, status = irr_with_status([dt.date(2021, 1, 1), dt.date(2022, 1, 1)], np.array([-100.0, 110.0]))
    assert status == "ok" and rate == pytest.approx(0.10, abs=1e-12)


def test_several_sign_changes_with_roots():
    """-100, +230, -132 a year apart has two IRRs (10% and 20%): whichever is reported, NPV is 0."""
    dates = [dt.date(2021, 1, 1), dt.date(2022, 1, 1), dt.date(2023, 1, 1)]
    flows = np.array([-100.0, 230.0, -132.0])
    rate, status = irr_with_status(dates, flows)
    assert status == "ok"
    assert min(abs(rate - 0.10), abs(rate - 0.20)) < 2e-3
    assert pyxirr.xnpv(rate, dates, flows) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("flows,status", [
    ([-100.0, 300.0, -300.0], "no_root"),  # changes sign twice, NPV never zero
    ([-100.0, 0.0, 0.0], "total_loss"),
    ([0.0, 0.0, 0.0], "no_outlay"),
    ([50.0, 10.0, 0.0], "no_outlay"),
])
def test_undefined_irr_has_a_status(flows, status):
    dates = [dt.date(2020 + i, 1, 1) for i in range(len(flows))]
    rate, got = irr_with_status(dates, np.array(flows))
    assert got == status
    if status == "total_loss":
        assert rate == -1.0
    else:
        assert math.isnan(rate)  # reported with its status; the summary counts statuses, not NaNs
    if status == "no_root":
        assert npf.irr(flows) != npf.irr(flows)  # numpy-financial finds no root either (NaN)
