"""Invariants of the contract stage on random ledgers and random caps (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim.contract import apply_contract
from sib_sim.measure.ledger import SERIES, STAR_CHANGE_BINS, OutcomeLedger
from sib_sim.scenario import Contract

HORIZON = 30
caps = st.one_of(st.none(), st.floats(0, 5_000))


def _ledger(followups, changes, treated, comparison) -> OutcomeLedger:
    series = {k: np.zeros((1, HORIZON)) for k in SERIES}
    series["star_followups"][0] = followups
    series["star_change_sum"][0] = np.asarray(followups) * np.asarray(changes)
    series["hospital_treated_cost"][0] = treated
    series["hospital_comparison_cost"][0] = comparison
    series["hospital_patient_months"][0] = 100.0
    series["engaged"][0] = followups
    return OutcomeLedger(series, {}, np.zeros((1, STAR_CHANGE_BINS.size)))


def _contract(contract_cap, ccg_cap, fund_cap, line_cap, fund_share, overflow) -> Contract:
    payers = [{"payer": "fund", "share": fund_share}, {"payer": "ccg", "share": 1.0 - fund_share}]
    return Contract.model_validate({
        "cap": contract_cap,
        "payers": [{"id": "ccg", "cap": ccg_cap}, {"id": "fund", "cap": fund_cap}],
        "outcomes": [
            {"id": "stars", "kind": "sliding_scale", "price": 7.0, "points": [[0.5, 0.0], [1.4, 1.0]],
             "claim": {"frequency": "quarterly", "payment_lag_months": 1}, "payers": payers,
             "overflow_to": "ccg" if overflow else None, "cap": line_cap},
            {"id": "savings", "kind": "savings_share", "share": 0.4,
             "claim": {"frequency": "annual", "first_claim_month": 12}, "payers": payers,
             "overflow_to": "ccg" if overflow else None},
        ]})


ledgers = st.builds(
    _ledger,
    st.lists(st.integers(0, 50), min_size=HORIZON, max_size=HORIZON),
    st.lists(st.floats(-2, 4), min_size=HORIZON, max_size=HORIZON),
    st.lists(st.floats(0, 1_000), min_size=HORIZON, max_size=HORIZON),
    st.lists(st.floats(0, 1_000), min_size=HORIZON, max_size=HORIZON),
)
contracts = st.builds(_contract, caps, caps, caps, caps, st.floats(0, 1), st.booleans())


@settings(max_examples=150, deadline=None)
@given(ledgers, contracts)
def test_caps_splits_and_conservation(ledger, contract):
    p = apply_contract(contract, ledger)
    by_payer = p.by_payer()
    tol = 1e-6
    for payer in contract.payers:
        if payer.cap is not None:
            assert by_payer[payer.id][0] <= payer.cap + tol
    if contract.cap is not None:
        assert p.total[0] <= contract.cap + tol
    for line in contract.outcomes:
        if line.cap is not None:
            assert p.by_line()[line.id][0] <= line.cap + tol
    # Every claim is either paid by someone or reported as cut: nothing vanishes or appears.
    earned = sum(c.earned[0] for c in p.claims)
    assert earned == np.float64(p.total[0] + p.cut_total()[0]) or abs(earned - p.total[0] - p.cut_total()[0]) < 1e-6
    # Payer payments sum to the total; cash by month sums to what is owed within the horizon.
    assert abs(sum(v[0] for v in by_payer.values()) - p.total[0]) < 1e-6
    assert abs(p.paid.sum() + p.after_horizon[0] - p.total[0]) < 1e-6
    assert (p.paid >= 0).all()


@settings(max_examples=60, deadline=None)
@given(ledgers, st.integers(0, HORIZON - 1), st.integers(1, 20))
def test_payments_never_fall_when_an_outcome_count_rises(ledger, month, extra):
    """Rule by rule, with no caps: more follow-up Stars at the claim period's average never pay less."""
    contract = _contract(None, None, None, None, 0.5, True)
    before = apply_contract(contract, ledger).by_line()["stars"][0]
    series = {k: v.copy() for k, v in ledger.series.items()}
    quarter = slice(3 * (month // 3), 3 * (month // 3) + 3)  # the claim period holding `month`
    count = series["star_followups"][0, quarter].sum()
    average = series["star_change_sum"][0, quarter].sum() / count if count else 1.0
    series["star_followups"][0, month] += extra
    series["star_change_sum"][0, month] += extra * average
    after = apply_contract(contract, OutcomeLedger(series, {}, ledger.star_change_histogram)).by_line()["stars"][0]
    assert after >= before - 1e-9


def _rate_card(max_per_participant: int) -> Contract:
    return Contract.model_validate({
        "payers": [{"id": "ccg"}],
        "outcomes": [
            {"id": "reviews", "kind": "per_participant", "price": 30.0, "max_per_participant": max_per_participant,
             "outcome": {"measure": "star_change", "at_least": 2}, "claim": {"frequency": "quarterly"},
             "payers": [{"payer": "ccg", "share": 1.0}]},
            {"id": "fee", "kind": "fixed_fee", "per_period": 5.0, "per_engaged": 2.0,
             "claim": {"frequency": "quarterly"}, "payers": [{"payer": "ccg", "share": 1.0}]},
            {"id": "savings", "kind": "savings_share", "share": 0.3, "claim": {"frequency": "annual"},
             "payers": [{"payer": "ccg", "share": 1.0}]},
        ]})


@settings(max_examples=60, deadline=None)
@given(ledgers, st.integers(0, HORIZON - 1), st.integers(1, 20), st.integers(0, 3), st.integers(1, 4))
def test_other_rules_never_pay_less_for_more(ledger, month, extra, occurrence, max_per_participant):
    """per_participant (more achievers), fixed_fee (more engaged), savings_share (more comparison
    cost, i.e. a larger measured saving): more of the outcome never pays less, line by line."""
    contract = _rate_card(max_per_participant)
    key = contract.outcomes[0].outcome.key
    milestones = np.zeros((1, 4, HORIZON))
    milestones[0, :, :] = ledger.series["star_followups"][0] // 3
    base = OutcomeLedger(ledger.series, {}, ledger.star_change_histogram, {key: milestones})
    before = apply_contract(contract, base).by_line()
    series = {k: v.copy() for k, v in ledger.series.items()}
    series["engaged"][0, month] += extra
    series["hospital_comparison_cost"][0, month] += 10.0 * extra
    more = milestones.copy()
    more[0, occurrence, month] += extra
    after = apply_contract(contract, OutcomeLedger(series, {}, ledger.star_change_histogram, {key: more})).by_line()
    for line in before:
        assert after[line][0] >= before[line][0] - 1e-9, line
