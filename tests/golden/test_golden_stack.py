"""Hand-worked capital stacks: the waterfall by seniority, interest paid and rolled up, a guarantee
with capital protection, and first loss. Every number below is worked out in the comments."""

import numpy as np
import pytest

from sib_sim.finance.waterfall import run_waterfall
from sib_sim.scenario.finance import SurplusSplit, Tranche

MONTHLY_1PC = 1.01 ** 12 - 1  # an annual rate that accrues exactly 1% a month (years = m / 12)


def stack_run(income, costs, tranches, **kwargs):
    kwargs.setdefault("reserve_months", 0)
    return run_waterfall(np.array([income], float), np.array([costs], float), tranches,
                         split=SurplusSplit(commissioner=1.0), **kwargs)


def got(w, j):
    return w.stack.received[0, j].sum()


def test_seniority_not_drawdown_order_decides_who_is_repaid():
    # Month 0: costs 150; the junior tranche B is drawn first (drawdown_order 1): B 100, then A 50.
    # Month 1: income 120 pays the senior A its 50, then B 70. Month 2: income 10 goes to B (80 in all).
    a = Tranche(id="a", commitment=100, seniority=1, drawdown_order=2, return_cap={"multiple": 1.0})
    b = Tranche(id="b", commitment=100, seniority=2, drawdown_order=1, return_cap={"multiple": 1.0})
    w = stack_run([0, 120, 10], [150, 0, 0], [a, b])
    np.testing.assert_allclose(w.stack.draws[0, :, 0], [50, 100])
    np.testing.assert_allclose(w.stack.principal[0, :, 1], [50, 70])
    np.testing.assert_allclose(w.stack.principal[0, :, 2], [0, 10])
    assert got(w, 0) == pytest.approx(50) and got(w, 1) == pytest.approx(80)
    np.testing.assert_allclose(w.repayments[0], [0, 120, 10])  # the totals are the sums over tranches


@pytest.mark.parametrize("payment, income, interest", [
    # paid: 1% of 100 falls due in each of months 1-3 and is paid (1, 1, 1); principal at the horizon.
    ("paid", [0, 1, 1, 101], [0, 1, 1, 1]),
    # rolled up, repayable from month 3: interest compounds, 1 + 1.01 + 1.0201 = 3.0301, all paid at
    # month 3 with the principal; the income of months 1-2 (1 each) is kept in the SPV meanwhile.
    ("rolled_up", [0, 1, 1, 101.0301], [0, 0, 0, 3.0301]),
])
def test_interest_paid_or_rolled_up(payment, income, interest):
    loan = Tranche(id="loan", commitment=100, interest={"rate": MONTHLY_1PC, "payment": payment},
                   repay_from_month=3)
    w = stack_run(income, [100, 0, 0, 0], [loan])
    np.testing.assert_allclose(w.stack.interest[0, 0], interest, atol=1e-9)
    np.testing.assert_allclose(w.stack.principal[0, 0], [0, 0, 0, 100], atol=1e-9)
    assert w.cash[0, -1] == pytest.approx(0, abs=1e-9)
    if payment == "rolled_up":
        np.testing.assert_allclose(w.cash[0, 1:3], [1, 2], atol=1e-9)


def test_guarantee_then_capital_protection_at_the_horizon():
    # 100 drawn, 10 repaid: the loss of principal is 90. The guarantor covers up to 75% of the principal
    # drawn: min(90, 75) = 75, paid at the horizon. Capital protection of 90% then tops the recovery up
    # to 90: 90 - 10 - 75 = 5, paid by the commissioner. The investor loses 10.
    loan = Tranche(id="loan", commitment=100, guarantee={"guarantor": "g", "share": 0.75}, capital_protection=0.9,
                   return_cap={"multiple": 1.0})
    w = stack_run([0, 5, 5], [100, 0, 0], [loan])
    np.testing.assert_allclose(w.stack.guarantee[0, 0], [0, 0, 75])
    np.testing.assert_allclose(w.stack.protection[0, 0], [0, 0, 5])
    assert got(w, 0) == pytest.approx(90)
    np.testing.assert_allclose(w.guaranteed[0], [0, 0, 80])


def test_no_loss_no_call():
    loan = Tranche(id="loan", commitment=100, guarantee={"guarantor": "g", "share": 0.75}, return_cap={"multiple": 1.0})
    w = stack_run([0, 100], [100, 0], [loan])
    assert w.stack.guarantee.sum() == 0


def test_first_loss_bears_the_loss_whatever_its_seniority():
    # Both tranches 100, drawn in month 0 (costs 200). Month 1: income 150. The first-loss tranche has
    # the better seniority number, yet the other is repaid first: 100 to it, 50 to first loss.
    fl = Tranche(id="fl", commitment=100, seniority=1, first_loss=True, return_cap={"multiple": 1.0})
    other = Tranche(id="other", commitment=100, seniority=2, return_cap={"multiple": 1.0})
    w = stack_run([0, 150], [200, 0], [fl, other])
    assert got(w, 1) == pytest.approx(100) and got(w, 0) == pytest.approx(50)
    # Without the flag, seniority decides: the seniority-1 tranche is repaid in full.
    plain = Tranche(id="fl", commitment=100, seniority=1, return_cap={"multiple": 1.0})
    w = stack_run([0, 150], [200, 0], [plain, other])
    assert got(w, 0) == pytest.approx(100) and got(w, 1) == pytest.approx(50)


def test_interest_ranks_before_any_principal_and_first_loss_waits():
    # A senior loan of 100 at 1% a month paid, and a first-loss equity tranche of 50, both drawn in
    # month 0. Month 1: income 30 pays the loan's interest 1, then its principal 29. Month 2 (horizon):
    # interest 0.71 (1% of 71), income 100: 0.71 + 71 to the loan, the rest 28.29 to the first loss.
    loan = Tranche(id="loan", commitment=100, interest={"rate": MONTHLY_1PC})
    fl = Tranche(id="fl", commitment=50, seniority=2, first_loss=True, return_cap={"multiple": 1.0})
    w = stack_run([0, 30, 100], [150, 0, 0], [loan, fl])
    np.testing.assert_allclose(w.stack.interest[0, 0], [0, 1, 0.71], atol=1e-9)
    np.testing.assert_allclose(w.stack.principal[0, 0], [0, 29, 71], atol=1e-9)
    np.testing.assert_allclose(w.stack.principal[0, 1], [0, 0, 28.29], atol=1e-9)


def test_amortisation_schedule_repays_only_what_is_due():
    # A senior loan of 100 (no interest) due a quarter from month 2, half from month 4, all from month 5
    # (the horizon); a junior equity tranche of 100, repayable at once. Both drawn in month 0 (costs 200),
    # income 60 a month from month 1. Principal is paid by seniority among what is due, then cash is kept
    # for what is owed but not yet due (the same rule as repay_from_month):
    # month 1: nothing of the loan is due; the junior, due, takes the 60;
    # month 2: 25 of the loan falls due and is paid; the junior takes the other 35 (95 in all);
    # month 3: nothing more is due of the loan; the junior's last 5; 55 kept for the loan's 75;
    # month 4: cash 115; 25 more falls due (50 of 100) and is paid; 50 kept for the rest, 40 released;
    # month 5, the horizon: cash 110; the loan's last 50; 60 to the commissioner.
    loan = Tranche(id="loan", commitment=100, seniority=1, return_cap={"multiple": 1.0},
                   repayment_schedule=[{"month": 2, "share": 0.25}, {"month": 4, "share": 0.5},
                                       {"month": 5, "share": 1.0}])
    junior = Tranche(id="junior", commitment=100, seniority=2, return_cap={"multiple": 1.0})
    w = stack_run([0, 60, 60, 60, 60, 60], [200, 0, 0, 0, 0, 0], [loan, junior])
    np.testing.assert_allclose(w.stack.principal[0, 0], [0, 0, 25, 0, 25, 50], atol=1e-9)
    np.testing.assert_allclose(w.stack.principal[0, 1], [0, 60, 35, 5, 0, 0], atol=1e-9)
    np.testing.assert_allclose(w.cash[0], [0, 0, 0, 55, 50, 0], atol=1e-9)
    np.testing.assert_allclose(w.stack.principal_unpaid[0, 0], 0, atol=1e-9)  # never in arrears: paid when due
    assert got(w, 0) == pytest.approx(100) and got(w, 1) == pytest.approx(100)


def test_an_instalment_the_spv_cannot_pay_is_in_arrears():
    # 100 drawn in month 0; half due from month 1, all at the horizon (month 3). Income 30 in month 1:
    # 30 paid of the 50 due, 20 in arrears; month 2 income 30: the 20 and 10 more (no more is due: 50 due,
    # 50 paid), month 3 the rest.
    loan = Tranche(id="loan", commitment=100, return_cap={"multiple": 1.0},
                   repayment_schedule=[{"month": 1, "share": 0.5}])
    w = stack_run([0, 30, 30, 60], [100, 0, 0, 0], [loan])
    np.testing.assert_allclose(w.stack.principal[0, 0], [0, 30, 20, 50], atol=1e-9)
    np.testing.assert_allclose(w.stack.principal_unpaid[0, 0], [0, 20, 0, 0], atol=1e-9)


def test_a_return_never_takes_the_room_of_principal_not_yet_due():
    # Equity of 100 capped at 2.0x (200 in all), repayable from month 3. Month 1 brings 300: 100 is kept
    # for the principal not yet due, and the return may take only the cap's room beyond it: 200 - 100 =
    # 100; the last 100 goes to the commissioner. Month 3 repays the 100 kept: 200 in all, the cap. (Before,
    # the return took the whole 200 of room and the principal came on top: 300, above the cap.)
    equity = Tranche(id="eq", commitment=100, return_cap={"multiple": 2.0}, repay_from_month=3)
    w = stack_run([0, 300, 0, 0], [100, 0, 0, 0], [equity])
    np.testing.assert_allclose(w.stack.returns[0, 0], [0, 100, 0, 0], atol=1e-9)
    np.testing.assert_allclose(w.stack.principal[0, 0], [0, 0, 0, 100], atol=1e-9)
    assert got(w, 0) == pytest.approx(200)
    np.testing.assert_allclose(w.surplus_commissioner[0], [0, 100, 0, 0], atol=1e-9)
