"""The SPV's cash is conserved month by month, and the investor is never paid beyond the rules."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim.finance.waterfall import run_waterfall
from sib_sim.scenario import Investor

months = st.integers(2, 40)


@settings(max_examples=200, deadline=None)
@given(st.data(), months)
def test_cash_conserved_and_investor_bounded(data, n):
    income = np.array([data.draw(st.lists(st.floats(0, 500), min_size=n, max_size=n))])
    costs = np.array([data.draw(st.lists(st.floats(0, 300), min_size=n, max_size=n))])
    investor = Investor(commitment=data.draw(st.floats(0, 2_000)), cash_buffer=data.draw(st.floats(0, 100)),
                        reserve_months=data.draw(st.integers(0, 6)),
                        return_cap_multiple=data.draw(st.floats(1, 3)),
                        share_above_cap=data.draw(st.floats(0, 1)))
    w = run_waterfall(income, costs, investor)
    opening = np.concatenate([[0.0], w.cash[0, :-1]])
    outflow = costs[0] - w.unfunded[0] + w.repayments[0] + w.returns[0] + w.spv_retained[0]
    np.testing.assert_allclose(opening + income[0] + w.draws[0] - outflow, w.cash[0], atol=1e-6)
    assert w.cash[0, -1] < 1e-6  # wound up at the horizon
    assert w.draws.sum() <= investor.commitment + 1e-6
    assert w.repayments.sum() <= w.draws.sum() + 1e-6
    capped = investor.return_cap_multiple * w.draws.sum()
    if investor.share_above_cap == 0:
        assert w.repayments.sum() + w.returns.sum() <= capped + 1e-6
    for arr in (w.draws, w.repayments, w.returns, w.spv_retained, w.unfunded, w.cash):
        assert (arr >= -1e-9).all()
