"""Capital stacks: cash conserved across tranches, seniors paid what is due before juniors in the
same month, principal repaid no faster than its schedule, return caps held, first loss waits,
guarantors pay only at the horizon on the tranche's known loss."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim.finance.waterfall import run_waterfall
from sib_sim.scenario.finance import SurplusSplit, Tranche

TOL = 1e-6


@st.composite
def tranches(draw: st.DrawFn, n_months: int) -> list[Tranche]:
    k = draw(st.integers(1, 3))
    out = []
    for j in range(k):
        loan = draw(st.booleans())
        schedule = draw(st.lists(st.tuples(st.integers(0, n_months - 1), st.floats(0, 300)), max_size=2,
                                 unique_by=lambda d: d[0]))
        out.append(Tranche(
            id=f"t{j}", commitment=draw(st.floats(0, 800)), seniority=draw(st.integers(1, 3)),
            drawdown_order=draw(st.integers(1, 3)),
            interest={"rate": draw(st.floats(0, 0.3)), "payment": draw(st.sampled_from(["paid", "rolled_up"]))}
            if loan else None,
            return_cap=None if loan else draw(st.one_of(st.builds(lambda m: {"multiple": m}, st.floats(1, 3)),
                                                        st.builds(lambda r: {"irr": r}, st.floats(0, 0.5)))),
            drawdown="schedule" if schedule else "as_needed",
            drawdown_schedule=[{"month": m, "amount": a} for m, a in schedule],
            **repayment(draw, n_months), first_loss=draw(st.booleans()),
            guarantee={"guarantor": "g", "share": draw(st.floats(0, 1))} if draw(st.booleans()) else None,
            capital_protection=draw(st.one_of(st.just(0.0), st.floats(0, 1)))))
    return out


def repayment(draw: st.DrawFn, n_months: int) -> dict:
    """Either a month from which principal is repayable or an amortisation schedule."""
    if draw(st.booleans()):
        return {"repay_from_month": draw(st.integers(0, n_months))}
    months = sorted(draw(st.sets(st.integers(0, n_months), min_size=1, max_size=3)))
    shares = sorted(draw(st.lists(st.floats(0.01, 1), min_size=len(months), max_size=len(months))))
    return {"repayment_schedule": [{"month": m, "share": x} for m, x in zip(months, shares)]}


def due_share(t: Tranche, n: int) -> np.ndarray:
    """The cumulative share of principal drawn that is due by each month (1 at the horizon)."""
    out = np.zeros(n)
    for month, share in [(i.month, i.share) for i in t.repayment_schedule] or [(t.repay_from_month, 1.0)]:
        out[min(month, n):] = share
    out[-1] = 1.0
    return out


def pay_order(ts: list[Tranche]) -> list[int]:
    """Interest and principal rank: non-first-loss by seniority, then first loss; ties by list order."""
    return sorted(range(len(ts)), key=lambda j: (ts[j].first_loss, ts[j].seniority, j))


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(2, 24))
def test_stack_invariants(data, n):
    r = data.draw(st.integers(1, 2))
    income = np.array([data.draw(st.lists(st.floats(0, 400), min_size=n, max_size=n)) for _ in range(r)])
    costs = np.array([data.draw(st.lists(st.floats(0, 300), min_size=n, max_size=n)) for _ in range(r)])
    ts = data.draw(tranches(n))
    investor_share = data.draw(st.floats(0, 1))
    w = run_waterfall(income, costs, ts, split=SurplusSplit(investor=investor_share, commissioner=1 - investor_share),
                      cash_buffer=data.draw(st.floats(0, 50)), reserve_months=data.draw(st.integers(0, 3)))
    s = w.stack

    # Cash is conserved across the tranches: the SPV identity holds and the totals are their sums.
    opening = np.concatenate([np.zeros((r, 1)), w.cash[:, :-1]], axis=1)
    outflow = w.costs_paid + w.repayments + w.returns + w.deferred_paid + w.spv_retained
    np.testing.assert_allclose(opening + income + w.draws + w.top_up - outflow, w.cash, atol=TOL)
    np.testing.assert_allclose(s.draws.sum(axis=1), w.draws, atol=TOL)
    np.testing.assert_allclose(s.principal.sum(axis=1), w.repayments, atol=TOL)
    np.testing.assert_allclose((s.interest + s.returns + s.surplus).sum(axis=1), w.returns, atol=TOL)
    assert (w.cash[:, -1] < TOL).all()
    for j, t in enumerate(ts):
        assert (s.draws[:, j].sum(axis=1) <= t.commitment + TOL).all()
        assert (s.principal[:, j].sum(axis=1) <= s.draws[:, j].sum(axis=1) + TOL).all()
        for name in ("draws", "interest", "principal", "returns", "surplus", "guarantee", "protection"):
            assert (getattr(s, name)[:, j] >= -1e-9).all(), name

    # Principal is repaid no faster than it falls due; and a money-multiple cap bounds what an equity
    # tranche is paid before the surplus share (principal and returns), even while principal waits.
    for j, t in enumerate(ts):
        repaid, drawn = s.principal[:, j].cumsum(axis=1), s.draws[:, j].cumsum(axis=1)
        assert (repaid <= due_share(t, n) * drawn + TOL).all()
        if t.return_cap is not None and t.return_cap.multiple is not None:
            paid = (s.principal[:, j] + s.returns[:, j]).sum(axis=1)
            assert (paid <= t.return_cap.multiple * s.draws[:, j].sum(axis=1) + TOL).all()

    # A senior is never paid less than a junior of what is due in the same month.
    order = pay_order(ts)
    for a, i in enumerate(order):
        for j in order[a + 1:]:
            junior_principal = s.principal[:, j] > TOL
            assert (s.principal_unpaid[:, i][junior_principal] <= TOL).all()
            assert (s.interest_unpaid[:, i][junior_principal] <= TOL).all()
            if ts[i].interest is not None and ts[i].interest.payment == "paid":
                assert (s.interest_unpaid[:, i][s.interest[:, j] > TOL] <= TOL).all()

    # First loss: paid nothing in a month in which another tranche is still owed what is due.
    others = [j for j, t in enumerate(ts) if not t.first_loss]
    for j, t in enumerate(ts):
        if t.first_loss and others:
            paid = (s.interest[:, j] + s.principal[:, j] + s.returns[:, j]) > TOL
            owed = (s.principal_unpaid[:, others] + s.interest_unpaid[:, others]).sum(axis=1) > TOL
            assert not (paid & owed).any()

    # Guarantors pay only at the horizon, once the tranche's loss of principal is known, and no more.
    assert (np.abs(s.guarantee[:, :, :-1]) <= TOL).all() and (np.abs(s.protection[:, :, :-1]) <= TOL).all()
    for j, t in enumerate(ts):
        drawn, repaid = s.draws[:, j].sum(axis=1), s.principal[:, j].sum(axis=1)
        loss = np.maximum(drawn - repaid, 0.0)
        share = t.guarantee.share if t.guarantee else 0.0
        np.testing.assert_allclose(s.guarantee[:, j, -1], np.minimum(loss, share * drawn), atol=TOL)
        assert (s.guarantee[:, j, -1] + s.protection[:, j, -1] <= loss + TOL).all()
