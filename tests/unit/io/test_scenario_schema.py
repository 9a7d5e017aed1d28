"""`sib-sim schema` describes the language people write: every shipped scenario and the starter pass."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from sib_sim.cli import app
from sib_sim.io.scenario_file import scenario_json_schema, starter_scenario

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def _plain(data: object) -> object:
    """The document as an editor's YAML plug-in sees it: dates are text."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data.isoformat() if isinstance(data, (dt.date, dt.datetime)) else data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(CliRunner().invoke(app, ["schema"]).output)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, text: str) -> list[str]:
    return [e.message for e in validator.iter_errors(_plain(yaml.safe_load(text)))]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_scenario_validates(validator, path: Path) -> None:
    assert _errors(validator, path.read_text(encoding="utf-8")) == []


def test_starter_validates(validator) -> None:
    assert _errors(validator, starter_scenario()) == []


def test_shipped_set_has_partial_and_annotated_files() -> None:
    texts = [p.read_text(encoding="utf-8") for p in SHIPPED]
    assert any("extends:" in t for t in texts) and any("reference:" in t for t in texts)


WTW = (ROOT / "scenarios" / "ways_to_wellness.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("old,new", [
    ("  seed: 20150401", "  seed: 20150401\n  replicatons: 3"),  # unknown key
    ("  replications: 200", "  replications: many"),  # not a number
    ("    value: 0.78\n", "    value: 0.78\n    refrence: typo\n"),  # unknown annotation key
    ("  caseload_per_worker:", "  caseload_per_wroker:"),  # misspelt, so a required key is missing
    ("      kind: sliding_scale", "      kind: sliding_scales"),  # unknown rule kind
])
def test_mistakes_are_refused(validator, old: str, new: str) -> None:
    assert old in WTW
    assert _errors(validator, WTW.replace(old, new, 1))


def test_a_partial_file_needs_extends(validator) -> None:
    partial = "name: cap_10m\ncontract:\n  cap: 10000000\n"
    assert _errors(validator, partial)  # a whole scenario needs every section
    assert _errors(validator, "extends: ways_to_wellness.yaml\n" + partial) == []
    assert _errors(validator, "extends: ways_to_wellness.yaml\n" + partial + "  kap: 1\n")


def test_inline_distributions_only_for_numbers(validator) -> None:
    child = "extends: w.yaml\nname: c\ncohort:\n  p_engage: {dist: beta, mean: 0.7, sd: 0.02}\n"
    assert _errors(validator, child) == []
    assert _errors(validator, child.replace("beta", "betta"))
    assert _errors(validator, "extends: w.yaml\nname: c\nrun:\n  start_date: {dist: uniform, min: 0, max: 1}\n")


def test_schema_function_matches_the_command() -> None:
    assert json.loads(CliRunner().invoke(app, ["schema"]).output) == scenario_json_schema()
