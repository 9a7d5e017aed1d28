"""The SPV's cash is conserved month by month, and nobody is paid beyond the rules, under every policy."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim.finance.metrics import provider_metrics
from sib_sim.finance.waterfall import run_waterfall
from sib_sim.scenario import Investor
from sib_sim.scenario.finance import Provider, SurplusSplit

TOL = 1e-6
months = st.integers(2, 40)
replications = st.integers(1, 3)
money = st.floats(0, 500)


@st.composite
def investors(draw: st.DrawFn, n: int) -> Investor:
    schedule = draw(st.lists(st.tuples(st.integers(0, n + 2), st.floats(0, 800)), max_size=4,
                             unique_by=lambda d: d[0]))
    cap = draw(st.one_of(st.builds(lambda m: {"multiple": m}, st.floats(1, 3)),
                         st.builds(lambda r: {"irr": r}, st.floats(0, 0.5))))
    return Investor(commitment=draw(st.floats(0, 2_000)), cash_buffer=draw(st.floats(0, 100)),
                    reserve_months=draw(st.integers(0, 6)), return_cap=cap,
                    drawdown="schedule" if schedule else "as_needed",
                    drawdown_schedule=[{"month": m, "amount": a} for m, a in schedule])


@st.composite
def providers(draw: st.DrawFn) -> Provider:
    share = draw(st.one_of(st.just(0.0), st.floats(0, 1)))
    return Provider(basis="at_risk", at_risk_share=share) if share > 0 else Provider()


@st.composite
def splits(draw: st.DrawFn) -> SurplusSplit:
    investor = draw(st.one_of(st.just(0.0), st.floats(0, 1)))
    provider = draw(st.floats(0, 1 - investor))
    return SurplusSplit(investor=investor, provider=provider, commissioner=1 - investor - provider)


def flows(data: st.DataObject, r: int, n: int, values: st.SearchStrategy) -> np.ndarray:
    return np.array([data.draw(st.lists(values, min_size=n, max_size=n)) for _ in range(r)])


@settings(max_examples=300, deadline=None)
@given(st.data(), replications, months)
def test_cash_conserved_and_everyone_bounded(data, r, n):
    income, costs = flows(data, r, n, money), flows(data, r, n, st.floats(0, 300))
    investor, provider, split = data.draw(investors(n)), data.draw(providers()), data.draw(splits())
    policy = data.draw(st.sampled_from(["scale_back", "provider_absorbs", "commissioner_tops_up"]))
    w = run_waterfall(income, costs, investor, shortfall=policy, provider=provider, split=split)

    opening = np.concatenate([np.zeros((r, 1)), w.cash[:, :-1]], axis=1)
    inflow = income + w.draws + w.top_up
    outflow = w.costs_paid + w.repayments + w.returns + w.deferred_paid + w.spv_retained
    np.testing.assert_allclose(opening + inflow - outflow, w.cash, atol=TOL)
    np.testing.assert_allclose(w.spv_retained, w.surplus_provider + w.surplus_commissioner, atol=TOL)
    assert (w.cash[:, -1] < TOL).all()  # wound up at the horizon

    # Every cost is paid as incurred, deferred (owed to the provider) or cut; never anything else.
    np.testing.assert_allclose(w.costs_paid + w.deferred_accrued + w.delivery_cut, costs, atol=TOL)
    if policy != "scale_back":
        assert (w.delivery_cut == 0).all()
    if policy != "commissioner_tops_up":
        assert (w.top_up == 0).all()
    _deferred_fees_consistent(w)
    _draws_follow_the_rules(w, investor, n)
    _investor_within_cap(w, investor, split, n)
    p = provider_metrics(w, costs)
    np.testing.assert_allclose(p["provider_net"], p["provider_income"] - p["provider_cost"], atol=1e-5)
    for name in ("draws", "repayments", "returns", "spv_retained", "unfunded", "cash", "costs_paid",
                 "deferred_accrued", "deferred_paid", "deferred", "delivery_cut", "top_up",
                 "surplus_investor", "surplus_provider", "surplus_commissioner"):
        assert (getattr(w, name) >= -1e-9).all(), name


def _deferred_fees_consistent(w) -> None:
    opening = np.concatenate([np.zeros((w.deferred.shape[0], 1)), w.deferred[:, :-1]], axis=1)
    np.testing.assert_allclose(opening + w.deferred_accrued - w.deferred_paid, w.deferred, atol=TOL)
    assert (w.deferred >= -1e-9).all()


def _draws_follow_the_rules(w, investor: Investor, n: int) -> None:
    drawn = np.cumsum(w.draws, axis=1)
    assert (drawn[:, -1] <= investor.commitment + TOL).all()
    assert (np.cumsum(w.repayments, axis=1) <= drawn + TOL).all()
    schedule = np.zeros(n)
    for d in investor.drawdown_schedule:
        if d.month < n:
            schedule[d.month] += d.amount
    # Scheduled draws happen (as far as the commitment allows), whatever the cash position.
    assert (drawn >= np.minimum(np.cumsum(schedule), investor.commitment) - TOL).all()


def _investor_within_cap(w, investor: Investor, split: SurplusSplit, n: int) -> None:
    capped = w.repayments + w.returns - w.surplus_investor  # what the cap governs
    assert (capped >= -TOL).all()
    cap = investor.return_cap
    scale = 1 + w.draws.sum()
    if cap.multiple is not None:
        assert (np.cumsum(capped, axis=1) <= cap.multiple * np.cumsum(w.draws, axis=1) + TOL * scale).all()
    else:
        # The investor's NPV at the cap rate, to every month, stays at or below zero: IRR <= cap.
        factors = (1 + cap.irr) ** (-np.arange(n) / 12.0)
        assert (np.cumsum((capped - w.draws) * factors, axis=1) <= TOL * scale).all()
    if split.investor == 0:
        assert (w.surplus_investor == 0).all()
