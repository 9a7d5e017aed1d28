"""The cheap substitution of drawn parameter values gives the scenario re-validation gives."""

from pathlib import Path

import pytest

from sib_sim import load_scenario
from sib_sim.errors import UserError
from sib_sim.experiment.parameters import _substitute, draw_parameters, point_values, with_parameters
from sib_sim.rng import streams
from sib_sim.scenario.overrides import with_overrides
from sib_sim.scenario.uncertainty import TAIL

SCENARIOS = sorted((Path(__file__).resolve().parents[3] / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def shipped():
    return {path.stem: load_scenario(path) for path in SCENARIOS}


def _same(scenario, values):
    # _substitute itself: with_parameters falls back to re-validation on any refusal
    fast, validated = _substitute(scenario, values), with_overrides(scenario, dict(values))
    assert fast == validated
    assert fast.model_dump() == validated.model_dump()  # every value, to the last nested field
    assert fast.uncertainty == validated.uncertainty
    assert fast.sources == validated.sources
    return fast


def test_every_shipped_scenario_has_uncertain_fields(shipped):
    assert len(shipped) == len(SCENARIOS) >= 10
    assert all(s.uncertainty for s in shipped.values())


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_drawn_values_substitute_as_revalidation_does(shipped, name):
    scenario = shipped[name]
    before = scenario.model_dump()
    for replication in range(3):
        values = draw_parameters(scenario, streams(11, replication).parameters)
        fast = _same(scenario, values)
        assert fast.uncertainty == {}  # every parameter drawn: no distribution left
    for path, dist in scenario.uncertainty.items():  # each alone, at both tails and the point
        for value in (dist.ppf(TAIL), dist.ppf(1 - TAIL), point_values(scenario)[path]):
            fast = _same(scenario, {path: value})
            assert set(fast.uncertainty) == set(scenario.uncertainty) - {path}
    assert scenario.model_dump() == before  # the input is left as it was


def test_list_items_by_position_or_by_id(shipped):
    scenario = shipped["ways_to_wellness"]
    by_id = with_parameters(scenario, {"hospital.lines.ae.effect_during_support": 0.7})
    by_position = with_parameters(scenario, {"hospital.lines.0.effect_during_support": 0.7})
    assert scenario.hospital.lines[0].id == "ae"
    assert by_id == by_position == with_overrides(scenario, {"hospital.lines.ae.effect_during_support": 0.7})
    assert by_id.hospital.lines[0].effect_during_support == 0.7
    assert by_id.hospital.lines[1:] == scenario.hospital.lines[1:]
    assert "hospital.lines.ae.effect_during_support" not in by_id.uncertainty


def test_a_refused_value_is_explained_as_an_override_is(shipped):
    scenario = shipped["ways_to_wellness"]
    for values in ({"cohort.p_engage": 1.5}, {"hospital.lines.nosuch.effect_during_support": 0.5}):
        with pytest.raises(UserError) as fast:
            with_parameters(scenario, values)
        with pytest.raises(UserError) as validated:
            with_overrides(scenario, values)
        assert str(fast.value) == str(validated.value)
