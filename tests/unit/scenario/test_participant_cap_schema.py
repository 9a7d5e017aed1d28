"""contract.participant_cap: which lines it takes, and refusals that name the field."""

import pytest
from pydantic import ValidationError

from sib_sim.scenario import Contract

PAYERS = [{"payer": "ccg", "share": 1.0}]


def _contract(cap: dict) -> Contract:
    return Contract.model_validate({"payers": [{"id": "ccg"}], "participant_cap": cap, "outcomes": [
        {"id": "entry", "kind": "per_participant", "outcome": {"measure": "engaged"}, "price": 1, "payers": PAYERS},
        {"id": "net", "kind": "per_participant", "outcome": {"measure": "milestone", "milestone": "job"},
         "price": 1, "net_of_comparison": True, "payers": PAYERS},
        {"id": "done", "kind": "per_participant", "outcome": {"measure": "completed"}, "price": 1, "payers": PAYERS},
        {"id": "fee", "kind": "fixed_fee", "per_period": 1, "payers": PAYERS}]})


def test_by_default_every_per_participant_line_not_net_of_comparison():
    assert _contract({"amount": 10}).participant_capped == ("entry", "done")
    assert _contract({"amount": 10, "lines": ["done"]}).participant_capped == ("done",)


@pytest.mark.parametrize("cap,words", [
    ({"amount": 10, "lines": ["fee"]}, "does not pay per named participant (fixed_fee)"),
    ({"amount": 10, "lines": ["net"]}, "net of comparison"),
    ({"amount": 10, "lines": ["entyr"]}, "unknown outcome line 'entyr'"),
    ({"amount": 10, "lines": ["entry", "entry"]}, "each line is named once"),
    ({"amount": 10, "lines": ["entry"], "cut_first": ["done"]}, "'done' is not a line under the per-participant cap"),
    ({"amount": -1}, "greater than or equal to 0"),
    ({"amount": 10, "cut_frist": ["done"]}, "Extra inputs"),
])
def test_refused(cap, words):
    with pytest.raises(ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        _contract(cap)
