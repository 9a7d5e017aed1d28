"""The surplus above the investor's cap, split between investor, provider and commissioner."""

import numpy as np
import pytest
from pydantic import ValidationError

from sib_sim.errors import UserError
from sib_sim.finance.waterfall import run_waterfall
from sib_sim import with_overrides
from sib_sim.scenario import Investor
from sib_sim.scenario.finance import SurplusSplit


def test_split_by_hand():
    income, costs = np.array([[0, 400]], dtype=float), np.array([[100, 0]], dtype=float)
    investor = Investor(commitment=100, reserve_months=0, return_cap={"multiple": 2.0})
    split = SurplusSplit(investor=0.25, provider=0.25, commissioner=0.5)
    w = run_waterfall(income, costs, investor, split=split)
    # 400 in: 100 capital, 100 capped return, 200 above the cap: 50 / 50 / 100.
    assert w.surplus_investor[0, 1] == 50 and w.surplus_provider[0, 1] == 50
    assert w.surplus_commissioner[0, 1] == 100
    assert w.returns[0, 1] == 150 and w.spv_retained[0, 1] == 150


def test_shares_must_sum_to_one():
    with pytest.raises(ValidationError, match="must sum to 1"):
        SurplusSplit(investor=0.5, provider=0.6)
    with pytest.raises(ValidationError, match="must sum to 1"):
        SurplusSplit()


def test_split_error_names_the_field(wtw):
    with pytest.raises(UserError) as caught:
        with_overrides(wtw, {"finance.surplus_split.investor": 0.5})
    assert caught.value.field == "finance.surplus_split.commissioner"
    assert "sum to 1 (they sum to 1.5)" in str(caught.value)


def test_shipped_scenario_keeps_the_surplus_with_ways_to_wellness(wtw):
    split = wtw.finance.surplus_split
    assert (split.investor, split.provider, split.commissioner) == (0.0, 1.0, 0.0)
    assert wtw.finance.investor.return_cap.multiple == 2.0 and wtw.finance.shortfall == "scale_back"
