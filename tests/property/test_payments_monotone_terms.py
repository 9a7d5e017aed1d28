"""The total paid never falls when a term rises: the rest of the contract language, every cap on.

test_payments_monotone.py draws the common lines (sliding scale, savings per claim, rate card, fee).
This one draws the terms real contracts add: a cohort_threshold line (tiers with lump sums, an
optional pooled test, dated tier prices), a suspension window replaced by a fee, dated prices and
shares, cumulative netting of savings, and a rate-card line paid by area (each area's payers with
their own caps and a shared top-up fund), with line, payer and contract caps and an overflow payer.

Each capped payer pays one line only (the fund, north and south the area line; the trust the savings
line), so the documented exception of tests/golden/19 (a line cap with a capped payer shared between
lines) is not drawn. A dated share is raised by scaling every dated value by the same factor: where a
month's saving is negative, raising the share in that month alone rightly pays less.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim.contract import apply_contract
from sib_sim.kinds.cohort_threshold import cohort_measures
from sib_sim.measure.ledger import AREA_SERIES, SERIES, STAR_CHANGE_BINS, OutcomeLedger
from sib_sim.scenario import Contract

HORIZON = 36
KEY = "engaged>=0@any"
AREAS = ("north", "south")
caps = st.one_of(st.none(), st.integers(0, 6_000).map(float))
small = st.integers(0, 45).map(lambda x: x / 100)


def _dated(amount: float, later: float | None, key: str = "amount"):
    """A number, or two dated values (from month 0, and from month 18) when `later` is given."""
    return amount if later is None else [{"from_month": 0, key: amount}, {"from_month": 18, key: later}]


def _cohort_line(t: dict) -> dict:
    tiers = [{"at_least": 0.05, "price": _dated(t["tier_price"], t["tier_price_later"])},
             {"at_least": 0.15, "price": _dated(t["tier_price"] + t["tier_step"],
                                                 None if t["tier_price_later"] is None
                                                 else t["tier_price_later"] + t["tier_step"])}]
    if t["pooled"]:
        pooled = {"pooled": {"at_least": 0.03}}
    else:  # lump sums only without a pooled test (the schema refuses both)
        tiers[0]["lump_sum"] = t["lump_sum"]
        tiers[1]["lump_sum"] = t["lump_sum"] + t["lump_step"]
        pooled = {}
    return {"id": "cohorts", "kind": "cohort_threshold", "follow_up_months": 6,
            "cohorts": [{"id": "c1", "start_from": 0, "start_to": 6}, {"id": "c2", "start_from": 6, "start_to": 12}],
            "tiers": tiers, "claim": {"evidence_delay_months": 2}, "payers": [{"payer": "ccg", "share": 1.0}],
            "cap": t["cohort_cap"], **pooled}


def _contract(t: dict) -> Contract:
    top_up = t["top_up"]
    areas = [{"area": a, "payers": [{"payer": "fund", "share": top_up}, {"payer": a, "share": 1.0 - top_up}],
              "overflow_to": "ccg" if t["overflow"] else None} for a in AREAS]
    share_later = None if t["share_later"] is None else t["share_later"]
    return Contract.model_validate({
        "cap": t["contract_cap"],
        "payers": [{"id": "ccg"}, {"id": "fund", "cap": t["fund_cap"]}, {"id": "trust", "cap": t["trust_cap"]},
                   {"id": "north", "cap": t["north_cap"]}, {"id": "south", "cap": t["south_cap"]}],
        "areas": areas,
        "outcomes": [
            {"id": "rate", "kind": "per_participant", "outcome": {"measure": "engaged"}, "by_area": True,
             "price": _dated(t["rate_price"], t["rate_price_later"]), "claim": {"frequency": "quarterly"},
             "cap": t["rate_cap"]},
            {"id": "savings", "kind": "savings_share", "share": _dated(t["share"], share_later, "share"),
             "netting": t["netting"], "claim": {"frequency": "annual", "first_claim_month": 6},
             "payers": [{"payer": "trust", "share": t["trust_share"]}, {"payer": "ccg", "share": 1 - t["trust_share"]}],
             "overflow_to": "ccg" if t["overflow"] else None, "cap": t["saving_cap"]},
            _cohort_line(t),
            {"id": "stars", "kind": "sliding_scale", "price": _dated(t["star_price"], t["star_price_later"]),
             "points": [[0.5, 0.0], [1.4, 1.0]], "claim": {"frequency": "quarterly", "payment_lag_months": 1},
             "suspended": [{"from_month": t["pause_from"], "to_month": t["pause_from"] + 4,
                            "fee_per_month": t["pause_fee"]}],
             "payers": [{"payer": "ccg", "share": 1.0}], "cap": t["star_cap"]},
        ]})


def _ledger(d: dict) -> OutcomeLedger:
    series = {k: np.zeros((1, HORIZON)) for k in SERIES}
    series["star_followups"][0] = d["followups"]
    series["star_change_sum"][0] = np.asarray(d["followups"]) * np.asarray(d["changes"])
    series["hospital_treated_cost"][0] = d["treated"]
    series["hospital_comparison_cost"][0] = d["comparison"]
    series["hospital_patient_months"][0] = 100.0
    by_area, area_milestones = {}, {}
    for area, engaged in zip(AREAS, (d["north"], d["south"])):
        by_area[area] = {k: np.zeros((1, HORIZON)) for k in AREA_SERIES}
        by_area[area]["engaged"][0] = engaged
        area_milestones[area] = {KEY: np.asarray(engaged, dtype=float).reshape(1, 1, HORIZON)}
    series["engaged"][0] = np.asarray(d["north"]) + np.asarray(d["south"])
    milestones = {KEY: series["engaged"][0].reshape(1, 1, HORIZON).copy()}
    return OutcomeLedger(series, {}, np.zeros((1, STAR_CHANGE_BINS.size)), milestones,
                         cohorts=_cohorts(d["cohorts"]), areas=AREAS, by_area=by_area,
                         area_milestones=area_milestones)


def _cohorts(totals: list[tuple[float, float]]) -> dict[str, np.ndarray]:
    """Each cohort's (participants, treated, comparison), and the pooled cohort's sums."""
    line = _contract(_PLAIN).outcomes[2]
    rows = [np.array([[100.0, treated, comparison]]) for treated, comparison in totals]
    keys = [m.key for m in cohort_measures(line)]
    pooled_key = [m.key for m in cohort_measures(line.model_copy(update={"pooled": {"at_least": 0.03}}))][-1]
    out = dict(zip(keys, rows))
    out[pooled_key] = sum(rows)
    return out


def _months(values):
    return st.lists(values, min_size=HORIZON, max_size=HORIZON)


ledgers = st.fixed_dictionaries({
    "followups": _months(st.integers(0, 40)), "changes": _months(st.floats(-2, 4)),
    "treated": _months(st.floats(0, 1_000)), "comparison": _months(st.floats(0, 1_000)),
    "north": _months(st.integers(0, 6)), "south": _months(st.integers(0, 6)),
    "cohorts": st.lists(st.tuples(st.integers(500, 1_500).map(float), st.integers(500, 1_500).map(float)),
                        min_size=2, max_size=2),
})
later = st.one_of(st.none(), st.integers(0, 30).map(float))
terms = st.fixed_dictionaries({
    "contract_cap": caps, "fund_cap": caps, "trust_cap": caps, "north_cap": caps, "south_cap": caps,
    "rate_cap": caps, "saving_cap": caps, "cohort_cap": caps, "star_cap": caps, "overflow": st.booleans(),
    "top_up": st.integers(0, 100).map(lambda x: x / 100), "trust_share": st.integers(0, 100).map(lambda x: x / 100),
    "rate_price": st.integers(0, 60).map(float), "rate_price_later": later,
    "share": small, "share_later": st.one_of(st.none(), small), "netting": st.sampled_from(["per_claim", "cumulative"]),
    "tier_price": st.integers(0, 3).map(float), "tier_price_later": st.one_of(st.none(), st.integers(0, 3).map(float)),
    "tier_step": st.integers(0, 2).map(float), "lump_sum": st.integers(0, 500).map(float),
    "lump_step": st.integers(0, 500).map(float), "pooled": st.booleans(),
    "star_price": st.integers(0, 20).map(float), "star_price_later": st.one_of(st.none(), st.integers(0, 20).map(float)),
    "pause_from": st.integers(0, 30), "pause_fee": st.integers(0, 100).map(float),
})
# A plain case, for the cohort keys of the line (they depend on its windows, not on its terms).
_PLAIN = {"contract_cap": None, "fund_cap": None, "trust_cap": None, "north_cap": None, "south_cap": None,
          "rate_cap": None, "saving_cap": None, "cohort_cap": None, "star_cap": None, "overflow": False,
          "top_up": 0.3, "trust_share": 0.5, "rate_price": 10.0, "rate_price_later": None, "share": 0.3,
          "share_later": None, "netting": "per_claim", "tier_price": 1.0, "tier_price_later": None,
          "tier_step": 0.0, "lump_sum": 0.0, "lump_step": 0.0, "pooled": False, "star_price": 5.0,
          "star_price_later": None, "pause_from": 0, "pause_fee": 0.0}

CAPS = ["contract_cap", "fund_cap", "trust_cap", "north_cap", "south_cap", "rate_cap", "saving_cap",
        "cohort_cap", "star_cap"]
PRICES = ["rate_price", "tier_price", "lump_sum", "star_price", "pause_fee"]  # with their dated values
RISES = CAPS + PRICES + ["share"]


def _raised(t: dict, name: str, factor: float) -> dict:
    """`name` raised: a cap or price by factor and 1; a price's dated value with it; the savings share
    (and its dated value) scaled by factor alone, within [0, 1]."""
    if name == "share":
        return t | {"share": min(t["share"] * factor, 1.0),
                    "share_later": None if t["share_later"] is None else min(t["share_later"] * factor, 1.0)}
    if t[name] is None:  # no cap: nothing to raise
        return t
    out = t | {name: t[name] * factor + 1.0}
    dated = f"{name}_later"
    if dated in t and t[dated] is not None:
        out[dated] = t[dated] * factor + 1.0
    return out


def _total(t: dict, ledger: OutcomeLedger) -> float:
    return float(apply_contract(_contract(t), ledger).total[0])


@settings(max_examples=250, deadline=None)
@given(ledgers, terms, st.sampled_from(RISES), st.floats(1.0, 3.0))
def test_total_never_falls_when_a_term_rises(d, t, name, factor):
    ledger = _ledger(d)
    before, after = _total(t, ledger), _total(_raised(t, name, factor), ledger)
    assert after >= before - 1e-6 * max(1.0, before), (name, before, after)


@settings(max_examples=150, deadline=None)
@given(ledgers, terms, st.sampled_from(AREAS), st.integers(0, HORIZON - 1), st.integers(1, 5), st.integers(0, 1),
       st.integers(1, 300))
def test_total_never_falls_when_a_count_or_a_measured_effect_rises(d, t, area, month, extra, cohort, more_avoided):
    """More participants reaching the outcome in one area's month, or a cohort's comparison total
    higher (a larger reduction), never lowers the total."""
    before = _total(t, _ledger(d))
    more = dict(d) | {area: list(d[area])}
    more[area][month] += extra
    assert _total(t, _ledger(more)) >= before - 1e-6 * max(1.0, before), "count"
    larger = dict(d) | {"cohorts": list(d["cohorts"])}
    treated, comparison = larger["cohorts"][cohort]
    larger["cohorts"][cohort] = (treated, comparison + more_avoided)
    assert _total(t, _ledger(larger)) >= before - 1e-6 * max(1.0, before), "cohort effect"


@settings(max_examples=150, deadline=None)
@given(ledgers, terms)
def test_caps_hold_and_every_claim_is_paid_or_cut(d, t):
    contract, ledger = _contract(t), _ledger(d)
    p = apply_contract(contract, ledger)
    by_payer, by_line = p.by_payer(), p.by_line()
    for payer in contract.payers:
        if payer.cap is not None:
            assert by_payer[payer.id][0] <= payer.cap * (1 + 1e-9) + 1e-9, payer.id
    if contract.cap is not None:
        assert p.total[0] <= contract.cap * (1 + 1e-9) + 1e-9
    for line in contract.outcomes:
        if line.cap is not None:
            assert by_line[line.id][0] <= line.cap * (1 + 1e-9) + 1e-9, line.id
    assert abs(sum(v[0] for v in by_payer.values()) - p.total[0]) <= 1e-6 * max(1.0, p.total[0])
    earned = sum(c.earned[0] for c in p.claims)
    assert abs(earned - p.total[0] - p.cut_total()[0]) <= 1e-6 * max(1.0, earned)
    for claim in p.claims:
        assert (claim.paid_by_payer >= -1e-12).all()
        assert claim.claim_month >= claim.period_start  # nothing claimed before its outcomes began
