"""Schema rules of the rule kinds: tiers, suspensions, claim terms that do not apply."""

import pytest
from pydantic import ValidationError

from sib_sim.scenario import Contract


def _contract(tiers, **line):
    return {"payers": [{"id": "moj"}], "outcomes": [{
        "id": "reoffending", "kind": "cohort_threshold", "follow_up_months": 12,
        "cohorts": [{"id": "c1", "start_from": 0, "start_to": 6}], "tiers": tiers,
        "payers": [{"payer": "moj", "share": 1.0}], **line}]}


def _fee(**line):
    return {"payers": [{"id": "ccg"}], "outcomes": [{
        "id": "fee", "kind": "fixed_fee", "per_period": 10, "payers": [{"payer": "ccg", "share": 1.0}], **line}]}


def test_tier_prices_rising_are_accepted():
    Contract.model_validate(_contract([{"at_least": 0.1, "price": 1.0}, {"at_least": 0.2, "price": 1.0}]))


def test_a_higher_tier_paying_less_is_refused():
    with pytest.raises(ValidationError, match="a higher tier must not pay less"):
        Contract.model_validate(_contract([{"at_least": 0.1, "price": 2.0}, {"at_least": 0.2, "price": 1.0}]))


@pytest.mark.parametrize("name", ["lump_sum", "percent_of_target"])
def test_a_higher_tier_with_a_smaller_lump_sum_or_percentage_is_refused(name):
    tiers = [{"at_least": 0.1, name: 0.5}, {"at_least": 0.2, name: 0.25}]
    with pytest.raises(ValidationError, match=f"a higher tier must not pay less: {name}"):
        Contract.model_validate(_contract(tiers, target=1000))


def test_dated_tier_prices_that_stay_in_order_are_accepted():
    tiers = [{"at_least": 0.1, "price": [{"from_month": 0, "amount": 1.0}, {"from_month": 24, "amount": 2.0}]},
             {"at_least": 0.2, "price": [{"from_month": 0, "amount": 1.5}, {"from_month": 24, "amount": 2.0}]}]
    Contract.model_validate(_contract(tiers))


def test_a_higher_tier_paying_less_after_a_date_is_refused_naming_the_month():
    # The lower tier's price rises in month 24 past the higher tier's flat price: from then on,
    # reaching the higher tier would pay less.
    tiers = [{"at_least": 0.1, "price": [{"from_month": 0, "amount": 1.0}, {"from_month": 24, "amount": 3.0}]},
             {"at_least": 0.2, "price": 2.0}]
    with pytest.raises(ValidationError, match="price 2 at 0.2 is below 3 at 0.1 in month 24"):
        Contract.model_validate(_contract(tiers))


def test_a_pooled_test_with_a_dated_lump_sum_is_refused():
    tiers = [{"at_least": 0.1, "price": 1.0, "lump_sum": [{"from_month": 0, "amount": 0.0},
                                                           {"from_month": 12, "amount": 100.0}]}]
    with pytest.raises(ValidationError, match="cannot be combined with lump_sum"):
        Contract.model_validate(_contract(tiers, pooled={"at_least": 0.075}))


def test_percent_of_target_needs_a_target():
    with pytest.raises(ValidationError, match="needs the line's target"):
        Contract.model_validate(_contract([{"at_least": 0.1, "percent_of_target": 0.5}]))


@pytest.mark.parametrize("claim", [{"frequency": "annual"}, {"frequency": "monthly"}, {"last_outcome_month": 24}])
def test_claim_terms_a_cohort_line_does_not_read_are_refused(claim):
    with pytest.raises(ValidationError, match="does not apply to a cohort_threshold line"):
        Contract.model_validate(_contract([{"at_least": 0.1, "price": 1.0}], claim=claim))


def test_a_cohort_line_cannot_be_suspended():
    with pytest.raises(ValidationError, match="cannot be suspended"):
        Contract.model_validate(_contract([{"at_least": 0.1, "price": 1.0}],
                                          suspended=[{"from_month": 0, "to_month": 3}]))


def test_suspension_windows_must_be_ordered_and_apart():
    with pytest.raises(ValidationError, match="to_month must be after from_month"):
        Contract.model_validate(_fee(suspended=[{"from_month": 5, "to_month": 5}]))
    with pytest.raises(ValidationError, match="must not overlap"):
        Contract.model_validate(_fee(suspended=[{"from_month": 0, "to_month": 6}, {"from_month": 3, "to_month": 9}]))


def _milestone_line(**line):
    return {"payers": [{"id": "council"}], "outcomes": [{
        "id": "work", "kind": "per_participant", "price": 500, "payers": [{"payer": "council", "share": 1.0}],
        **line}]}


def test_net_of_comparison_needs_a_model_milestone_paid_once():
    Contract.model_validate(_milestone_line(outcome={"measure": "milestone", "milestone": "work"},
                                            net_of_comparison=True))
    with pytest.raises(ValidationError, match="needs an outcome with measure milestone"):
        Contract.model_validate(_milestone_line(outcome={"measure": "engaged"}, net_of_comparison=True))
    with pytest.raises(ValidationError, match="pays each participant once"):
        Contract.model_validate(_milestone_line(outcome={"measure": "milestone", "milestone": "work"},
                                                net_of_comparison=True, max_per_participant=2))


def test_a_target_no_tier_reads_is_refused():
    with pytest.raises(ValidationError, match="target is read only by a tier's percent_of_target"):
        Contract.model_validate(_contract([{"at_least": 0.1, "price": 1.0}], target=1000))


@pytest.mark.parametrize("tier", [{"lump_sum": 500.0}, {"percent_of_target": 0.5}])
def test_a_pooled_test_with_lump_sums_or_a_target_is_refused(tier):
    """The pooled test pays the first tier's price on the pooled effect: a lump sum or a share of the
    target there would be silently left out of it."""
    with pytest.raises(ValidationError, match="pooled test pays the first tier's price"):
        Contract.model_validate(_contract([{"at_least": 0.1, "price": 1.0, **tier}], pooled={"at_least": 0.075},
                                          target=1000 if "percent_of_target" in tier else None))
    Contract.model_validate(_contract([{"at_least": 0.1, "price": 1.0}, {"at_least": 0.2, "price": 1.5}],
                                      pooled={"at_least": 0.075}))


def _scale(points):
    return {"payers": [{"id": "ccg"}], "outcomes": [{
        "id": "stars", "kind": "sliding_scale", "price": 100, "points": points,
        "payers": [{"payer": "ccg", "share": 1.0}]}]}


def test_a_sliding_scale_that_pays_less_as_the_average_rises_is_refused():
    Contract.model_validate(_scale([[0.5, 0.0], [1.0, 0.5], [1.4, 0.5], [2.0, 1.0]]))  # flat is fine
    with pytest.raises(ValidationError, match="must not pay less as the average rises"):
        Contract.model_validate(_scale([[0.5, 0.0], [1.0, 0.8], [1.4, 0.6]]))


@pytest.mark.parametrize("measure", ["engaged", "completed"])
def test_at_least_on_an_outcome_that_is_reached_or_not_is_refused(measure):
    line = {"id": "paid", "kind": "per_participant", "price": 10, "outcome": {"measure": measure, "at_least": 5},
            "payers": [{"payer": "ccg", "share": 1.0}]}
    with pytest.raises(ValidationError, match=f"at_least does not apply to measure {measure}"):
        Contract.model_validate({"payers": [{"id": "ccg"}], "outcomes": [line]})
    del line["outcome"]["at_least"]
    Contract.model_validate({"payers": [{"id": "ccg"}], "outcomes": [line]})


def _areas(**line):
    return {"payers": [{"id": "fund"}, {"id": "north"}],
            "areas": [{"area": "north", "payers": [{"payer": "fund", "share": 0.3}, {"payer": "north", "share": 0.7}]}],
            "outcomes": [{"id": "entry", "kind": "per_participant", "outcome": {"measure": "engaged"}, "price": 100,
                          **line}]}


def test_a_by_area_line_has_no_payers_of_its_own():
    """Its claims are paid by each area's payers, so payers or an overflow payer written on it would be
    ignored: they are refused, and a line that is not by_area must have payers."""
    contract = Contract.model_validate(_areas(by_area=True))
    assert contract.payers_of(contract.outcomes[0]) == {"fund", "north"}
    for extra in ({"payers": [{"payer": "fund", "share": 1.0}]}, {"overflow_to": "fund"}):
        name = next(iter(extra))
        with pytest.raises(ValidationError, match=f"a by_area line is paid by each area's payers.*remove its {name}"):
            Contract.model_validate(_areas(by_area=True, **extra))
    with pytest.raises(ValidationError, match="an outcome line needs payers"):
        Contract.model_validate(_areas())
