"""Named groups of uncertain parameters (`uncertainty: groups:`): validated at their file and line,
resolved by FieldPath (list items by id or position), kept through dumps and overrides."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from sib_sim import Scenario, UserError, load_scenario, with_overrides
from sib_sim.io.scenario_file import scenario_json_schema

ROOT = Path(__file__).resolve().parents[3]
AE, HALF = "hospital.lines.ae.effect_during_support", "hospital.effect_half_life_months"


def _child(tmp_path: Path, groups: str) -> Path:
    path = tmp_path / "child.yaml"
    path.write_text(f"extends: {ROOT / 'scenarios' / 'ways_to_wellness.yaml'}\nuncertainty:\n  groups:\n{groups}",
                    encoding="utf-8")
    return path


def test_groups_load_with_members_resolved_to_the_uncertainty_keys(tmp_path):
    s = load_scenario(_child(tmp_path, f"    hosp: [hospital.lines.0.effect_during_support, {HALF}]\n"
                                       f"    ae_too: [{AE}]\n"))
    parent = load_scenario(ROOT / "scenarios" / "ways_to_wellness.yaml")  # its own groups are kept
    assert s.uncertainty_groups == parent.uncertainty_groups | {
        "hosp": ["hospital.lines.0.effect_during_support", HALF], "ae_too": [AE]}
    # overlapping groups are allowed
    assert s.parameter_groups() == parent.parameter_groups() | {"hosp": [AE, HALF], "ae_too": [AE]}
    dumped = s.model_dump(mode="json")
    assert dumped["uncertainty"]["groups"] == s.uncertainty_groups and "uncertainty_groups" not in dumped
    assert Scenario.model_validate(dumped) == s  # a dump reads back the same


@pytest.mark.parametrize("groups, line, message", [
    ("    hosp:\n      - " + AE + "\n      - hospital.lines.nonsense\n", 6,
     "uncertainty.groups.hosp.1: hospital.lines.nonsense is not an uncertain parameter"),
    ("    hosp: []\n", 4, "uncertainty.groups.hosp: the group 'hosp' is empty"),
    (f"    hosp: [{AE}, hospital.lines.0.effect_during_support]\n", 4, "hosp.1: " 
     "hospital.lines.0.effect_during_support is in the group 'hosp' twice"),
    (f"    {HALF}: [{AE}]\n", 4, "has the name of an uncertain parameter"),
    ("    hosp: [cohort.referrals.rate_per_month, service.caseload_per_worker]\n", 4,
     "hosp.1: service.caseload_per_worker is not an uncertain parameter"),
])
def test_a_bad_group_is_refused_at_its_line(tmp_path, groups, line, message):
    path = _child(tmp_path, groups)
    with pytest.raises(UserError) as caught:
        load_scenario(path)
    assert message in str(caught.value)
    assert caught.value.where.startswith(f"{path}:{line}:")


def test_fixing_a_parameter_drops_it_from_its_groups(wtw):
    s = with_overrides(wtw, {"uncertainty.groups": {"hosp": [AE, HALF], "ae": [AE]}})
    fixed = with_overrides(s, {AE: 0.2})
    assert AE not in fixed.uncertainty and fixed.uncertainty_groups == {"hosp": [HALF]}


def test_groups_are_not_a_top_level_key(wtw):
    data = wtw.model_dump()
    data["uncertainty_groups"] = {"hosp": [AE]}
    with pytest.raises(Exception, match="write groups under uncertainty"):
        Scenario.model_validate(data)


def test_the_json_schema_knows_groups(tmp_path):
    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    good = yaml.safe_load(_child(tmp_path, f"    hosp: [{AE}, {HALF}]\n").read_text())
    assert list(validator.iter_errors(good)) == []
    for bad in ({"hosp": []}, {"hosp": "x"}):
        assert list(validator.iter_errors(good | {"uncertainty": {"groups": bad}}))
    assert list(validator.iter_errors(good | {"uncertainty_groups": {"hosp": [AE]}}))
    assert json.dumps(scenario_json_schema())  # still plain JSON
