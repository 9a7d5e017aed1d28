"""Hand-computed contract cases: sliding scale, savings share, caps at every level, overflow."""

import numpy as np
import pytest

from sib_sim.contract import History, apply_contract
from sib_sim.measure.ledger import SERIES, OutcomeLedger, STAR_CHANGE_BINS
from sib_sim.scenario import Contract


def ledger(horizon: int, **series: list[float]) -> OutcomeLedger:
    data = {k: np.zeros((1, horizon)) for k in SERIES}
    for name, values in series.items():
        data[name] = np.array([values], dtype=float)
    return OutcomeLedger(data, {}, np.zeros((1, STAR_CHANGE_BINS.size)))


def contract(**overrides) -> Contract:
    line = {"id": "stars", "kind": "sliding_scale", "price": 10.0, "points": [[0.5, 0.0], [1.4, 1.0]],
            "claim": {"frequency": "monthly"}, "payers": [{"payer": "fund", "share": 0.5},
                                                          {"payer": "ccg", "share": 0.5}],
            "overflow_to": "ccg"}
    spec = {"payers": [{"id": "ccg"}, {"id": "fund", "cap": 60.0}], "outcomes": [line]}
    spec.update(overrides)
    return Contract.model_validate(spec)


# Four months of Stars and a fifth month in which the last monthly claim is paid.
STARS = dict(star_followups=[10, 10, 10, 10, 0], star_change_sum=[5.0, 9.5, 14.0, 20.0, 0.0])


def test_sliding_scale_interpolates_and_top_up_fund_overflows_to_ccg():
    # Averages 0.5, 0.95, 1.4, 2.0 -> fractions 0, 0.5, 1, 1 -> earned 0, 50, 100, 100.
    # The fund pays half until its 60 cap: 25, then 35 (cap), then 0; the CCG picks up the rest.
    # A monthly claim is made at the end of its month, so cash arrives one month later.
    p = apply_contract(contract(), ledger(5, **STARS))
    assert [c.earned[0] for c in p.claims] == pytest.approx([0, 50, 100, 100, 0])
    fund = p.paid[0, 0, 1]
    ccg = p.paid[0, 0, 0]
    assert fund.tolist() == pytest.approx([0, 0, 25, 35, 0])
    assert ccg.tolist() == pytest.approx([0, 0, 25, 65, 100])
    assert p.total[0] == pytest.approx(250)
    assert p.cuts == ()


def test_contract_cap_cuts_the_claim_that_crosses_it_and_reports_the_cut():
    p = apply_contract(contract(cap=200.0), ledger(5, **STARS))
    assert p.total[0] == pytest.approx(200)
    assert p.paid[0].sum(axis=0).sum(axis=0).tolist() == pytest.approx([0, 0, 50, 100, 50])
    (cut,) = p.cuts
    assert (cut.level, cut.period_start, cut.amount[0]) == ("contract", 3, pytest.approx(50))


def test_payer_cap_without_overflow_is_a_cut():
    c = contract(payers=[{"id": "ccg", "cap": 70.0}, {"id": "fund", "cap": 60.0}])
    p = apply_contract(c.model_copy(update={"outcomes": [c.outcomes[0].model_copy(update={"overflow_to": None})]}),
                       ledger(5, **STARS))
    # fund: 25, 35 (cap), 0, 0; ccg: 25, 45 (cap 70), 0, 0
    assert p.by_payer()["fund"][0] == pytest.approx(60)
    assert p.by_payer()["ccg"][0] == pytest.approx(70)
    assert p.cut_total()[0] == pytest.approx(250 - 130)
    assert all(c.level == "payer" for c in p.cuts)


def test_line_cap():
    c = contract()
    line = c.outcomes[0].model_copy(update={"cap": 120.0})
    p = apply_contract(c.model_copy(update={"outcomes": [line]}), ledger(5, **STARS))
    assert p.total[0] == pytest.approx(120)
    assert sum(x.amount[0] for x in p.cuts if x.level == "line") == pytest.approx(130)


def test_savings_share_pays_share_of_positive_savings_yearly_from_first_claim_month():
    line = {"id": "hospital", "kind": "savings_share", "share": 0.5,
            "claim": {"frequency": "annual", "first_claim_month": 24, "evidence_delay_months": 3,
                      "payment_lag_months": 2},
            "payers": [{"payer": "ccg", "share": 1.0}]}
    c = Contract.model_validate({"payers": [{"id": "ccg"}], "outcomes": [line]})
    horizon = 48
    comparison = np.full(horizon, 100.0)
    treated = np.r_[np.full(12, 80.0), np.full(12, 120.0), np.full(12, 50.0), np.full(12, 100.0)]
    p = apply_contract(c, ledger(horizon, hospital_comparison_cost=comparison, hospital_treated_cost=treated,
                                 hospital_patient_months=np.full(horizon, 10.0)))
    # Year 1 saves 240 -> 120; year 2 loses (floored at 0); year 3 saves 600 -> 300; year 4 nothing.
    assert [c.earned[0] for c in p.claims] == pytest.approx([120, 0, 300, 0])
    # Year 1 cannot be claimed before month 24; year 2 is claimed at 24 + 3; year 3 at 36 + 3; all
    # paid 2 months after the claim.
    assert [c.paid_month for c in p.claims] == [26, 29, 41, 53]
    assert p.paid[0, 0, 0, 26] == pytest.approx(120)
    assert p.paid[0, 0, 0, 41] == pytest.approx(300)
    assert p.after_horizon[0] == pytest.approx(0)  # year 4 earned nothing, paid after the horizon
    assert p.total[0] == pytest.approx(420)


def test_dated_prices_apply_from_their_month():
    c = contract(payers=[{"id": "ccg"}, {"id": "fund"}])
    spec = c.model_dump()
    spec["outcomes"][0]["price"] = [{"from_month": 0, "amount": 10.0}, {"from_month": 3, "amount": 20.0}]
    p = apply_contract(Contract.model_validate(spec), ledger(5, **STARS))
    assert [x.earned[0] for x in p.claims] == pytest.approx([0, 50, 100, 200, 0])


def test_a_history_fixes_payments_to_as_of_and_starts_the_caps_from_them():
    # As of month 3 (months 0-2 observed) the history says: the month-1 claim was made at 40 (not the
    # ledger's 50) and paid 20/20 in month 2; the month-2 claim was claimed at 100, not yet paid.
    # Claims paid by month 2 are the history's; the month-2 claim pays the claimed 100 in month 3, the
    # fund's room is 60 - 20 = 40, so it pays 40 and the CCG 60; the month-3 claim (100) is the
    # ledger's: the fund is capped, the CCG pays all. The history's payments are a claim record.
    paid = np.zeros((1, 2, 3))
    paid[0, :, 2] = [20.0, 20.0]  # payers in the contract's order: ccg, fund
    claimed = np.array([[0.0, 40.0, 100.0]])
    p = apply_contract(contract(), ledger(5, **STARS), history=History(3, paid, claimed))
    assert p.paid[0, 0, 0].tolist() == pytest.approx([0, 0, 20, 60, 100])  # ccg
    assert p.paid[0, 0, 1].tolist() == pytest.approx([0, 0, 20, 40, 0])  # fund
    assert [c.earned[0] for c in p.claims] == pytest.approx([140, 100, 100, 0])
    assert p.by_payer()["fund"][0] == pytest.approx(60)
    assert p.total[0] == pytest.approx(240)


def test_an_empty_history_prices_as_from_the_start():
    empty = History(0, np.zeros((1, 2, 0)), np.zeros((1, 0)))
    p, q = apply_contract(contract(), ledger(5, **STARS)), apply_contract(contract(), ledger(5, **STARS), empty)
    np.testing.assert_allclose(q.paid, p.paid)
