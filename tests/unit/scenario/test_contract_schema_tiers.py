"""Tier prices must not fall as the tier rises."""

import pytest
from pydantic import ValidationError

from sib_sim.scenario import Contract


def _contract(tiers):
    return {"payers": [{"id": "moj"}], "outcomes": [{
        "id": "reoffending", "kind": "cohort_threshold", "follow_up_months": 12,
        "cohorts": [{"id": "c1", "start_from": 0, "start_to": 6}], "tiers": tiers,
        "payers": [{"payer": "moj", "share": 1.0}]}]}


def test_tier_prices_rising_are_accepted():
    Contract.model_validate(_contract([{"at_least": 0.1, "price": 1.0}, {"at_least": 0.2, "price": 1.0}]))


def test_a_higher_tier_paying_less_is_refused():
    with pytest.raises(ValidationError, match="a higher tier must not pay less"):
        Contract.model_validate(_contract([{"at_least": 0.1, "price": 2.0}, {"at_least": 0.2, "price": 1.0}]))
