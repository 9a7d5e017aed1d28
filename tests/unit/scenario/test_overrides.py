"""Changing a scenario by dotted path, and explaining validation errors in the user's terms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from sib_sim.errors import UserError
from sib_sim.io.scenario_file import load_scenario
from sib_sim.scenario import Run, Scenario
from sib_sim.scenario.overrides import (clean_loc, explain_validation_error, field_names, set_path, type_at,
                                        value_at, with_overrides)

SHIPPED = Path(__file__).resolve().parents[3] / "scenarios" / "ways_to_wellness.yaml"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(SHIPPED)


@pytest.fixture()
def data(scenario: Scenario) -> dict:
    return scenario.model_dump(mode="python")


# --- with_overrides --------------------------------------------------------------------------------

def test_top_level_field(scenario: Scenario) -> None:
    changed = with_overrides(scenario, {"contract.cap": 1e7})
    assert changed.contract.cap == 1e7
    assert scenario.contract.cap == 8_200_000  # the input is not changed
    assert isinstance(changed, Scenario)


def test_list_item_by_id(scenario: Scenario) -> None:
    changed = with_overrides(scenario, {"contract.outcomes.wellbeing.price": 300, "contract.payers.ccg.cap": 7e6})
    assert changed.contract.outcomes[0].price == 300
    assert changed.contract.payers[0].cap == 7e6
    assert changed.contract.outcomes[1] == scenario.contract.outcomes[1]


def test_list_item_by_index(scenario: Scenario) -> None:
    changed = with_overrides(scenario, {"service.link_worker_fte.0.fte": 9, "contract.outcomes.1.share": 0.5})
    assert changed.service.link_worker_fte[0].fte == 9
    assert changed.contract.outcomes[1].share == 0.5


def test_inside_a_tuple(scenario: Scenario) -> None:
    changed = with_overrides(scenario, {"contract.outcomes.wellbeing.points.1.1": 0.9})
    assert changed.contract.outcomes[0].points == [(0.5, 0.0), (1.4, 0.9)]


def test_whole_sections_and_dates(scenario: Scenario) -> None:
    seeded = with_overrides(scenario, {"run.seed": 3})
    changed = with_overrides(seeded, {"run": {"replications": 5}, "run.start_date": dt.date(2016, 1, 1)})
    assert seeded.run.seed == 3
    assert changed.run.replications == 5
    assert changed.run.seed == Run().seed  # a section given whole is refilled from its defaults
    assert changed.run.start_date == dt.date(2016, 1, 1)


def test_no_changes_gives_an_equal_scenario(scenario: Scenario) -> None:
    assert with_overrides(scenario, {}) == scenario


def test_changing_a_rule_kind_is_revalidated(scenario: Scenario) -> None:
    changed = with_overrides(scenario, {"contract.outcomes.secondary_care": {
        "id": "secondary_care", "kind": "fixed_fee", "per_engaged": 100, "payers": [{"payer": "ccg", "share": 1}]}})
    assert changed.contract.outcomes[1].kind == "fixed_fee"


REVALIDATION_CASES = [
    ("zero replications", {"run.replications": 0}, "run.replications", "greater than or equal to 1", None),
    ("negative price", {"contract.outcomes.wellbeing.price": -1}, "contract.outcomes.0.price",
     "greater than or equal to 0", None),
    ("shares not summing to 1", {"contract.outcomes.wellbeing.payers.0.share": 0.9}, "contract.outcomes.0.payers",
     "payer shares must sum to 1", None),
    ("unknown payer", {"contract.outcomes.secondary_care.overflow_to": "nhs"}, "contract.outcomes.1.overflow_to",
     "unknown payer 'nhs'", None),
    ("unknown kind", {"contract.outcomes.secondary_care.kind": "savings_shar"}, "contract.outcomes.1.kind",
     "unknown kind 'savings_shar'", "did you mean 'savings_share'?"),
    ("wrong type", {"cohort.p_engage": "most"}, "cohort.p_engage", "valid number", None),
    ("unknown key inside a new value", {"run": {"replicatons": 5}}, "run.replicatons", "unknown key 'replicatons'",
     "did you mean 'replications'?"),
]


@pytest.mark.parametrize(("changes", "field", "words", "hint"), [c[1:] for c in REVALIDATION_CASES],
                         ids=[c[0] for c in REVALIDATION_CASES])
def test_revalidation_errors(scenario: Scenario, changes: dict, field: str, words: str, hint: str | None) -> None:
    with pytest.raises(UserError) as caught:
        with_overrides(scenario, changes)
    assert caught.value.field == field
    assert words in caught.value.message
    assert caught.value.hint == hint


BAD_PATHS = [
    ("unknown key", "contract.capp", "unknown key 'capp' in contract", "did you mean 'cap'?"),
    ("unknown id", "contract.outcomes.wellbeng.price", "no item 'wellbeng'", "did you mean 'wellbeing'?"),
    ("index out of range", "service.link_worker_fte.40.fte", "no item 40", None),
    ("through a number", "contract.cap.x", "contract.cap is a single value", None),
    ("empty", "", "bad path", None),
    ("empty segment", "contract..cap", "bad path", None),
]


@pytest.mark.parametrize(("path", "words", "hint"), [c[1:] for c in BAD_PATHS], ids=[c[0] for c in BAD_PATHS])
def test_bad_paths(scenario: Scenario, path: str, words: str, hint: str | None) -> None:
    with pytest.raises(UserError) as caught:
        with_overrides(scenario, {path: 1})
    assert words in caught.value.message
    if hint is not None:
        assert caught.value.hint == hint


# --- the helpers the loader shares ------------------------------------------------------------------

def test_set_path_returns_the_path_with_indices(data: dict) -> None:
    path = set_path(data, "contract.outcomes.secondary_care.claim.payment_lag_months", 4, root=Scenario)
    assert path == ("contract", "outcomes", 1, "claim", "payment_lag_months")
    assert value_at(data, path) == 4


def test_set_path_creates_a_missing_section_only_where_the_schema_has_one() -> None:
    raw: dict = {"hospital": {}}
    set_path(raw, "hospital.comparison.matching_bias", 0.1, root=Scenario)
    assert raw == {"hospital": {"comparison": {"matching_bias": 0.1}}}
    with pytest.raises(UserError, match="set it whole"):
        set_path({"cohort": {}}, "cohort.groups.0.share", 1.0, root=Scenario)


def test_set_path_reports_where(data: dict) -> None:
    with pytest.raises(UserError) as caught:
        set_path(data, "run.sed", 1, root=Scenario, where="--set run.sed=1")
    assert str(caught.value) == "--set run.sed=1: run.sed: unknown key 'sed' in run (did you mean 'seed'?)"


def test_field_names_follow_the_kind_of_each_outcome(data: dict) -> None:
    assert "points" in field_names(Scenario, ("contract", "outcomes", 0), data)
    assert "share" in field_names(Scenario, ("contract", "outcomes", 1), data)
    assert "points" not in field_names(Scenario, ("contract", "outcomes", 1), data)
    assert field_names(Scenario, ("contract", "cap"), data) is None
    assert type_at(Scenario, ("contract", "nothing"), data) is None


@pytest.mark.parametrize(("loc", "expected"), [
    (("contract", "outcomes", 0, "sliding_scale", "price", "constrained-float"), ("contract", "outcomes", 0, "price")),
    (("contract", "outcomes", 0, "sliding_scale", "price", "list[DatedPrice]"), ("contract", "outcomes", 0, "price")),
    (("cohort", "function-after[_shares(), Cohort]", "groups", 1, "share"), ("cohort", "groups", 1, "share")),
    (("contract", "outcomes", 1, "savings_share", "cap"), ("contract", "outcomes", 1, "cap")),
    (("service", "caseload_per_wroker"), ("service",)),
])
def test_clean_loc(data: dict, loc: tuple, expected: tuple) -> None:
    assert clean_loc(Scenario, loc, data) == expected


def test_explain_drops_the_missing_key_a_misspelling_explains(data: dict) -> None:
    data["service"]["caseload_per_wroker"] = data["service"].pop("caseload_per_worker")
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    problem = explain_validation_error(Scenario, caught.value, data)
    assert problem.path == ("service", "caseload_per_wroker")
    assert problem.at_key
    assert problem.more == 0
    assert problem.text == "unknown key 'caseload_per_wroker'"
