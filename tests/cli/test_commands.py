"""The guiding parts of the command line: init, schema, --json, --help with an example everywhere."""

import json

import pytest
from typer.testing import CliRunner

from sib_sim import load_scenario
from sib_sim.cli import app

COMMANDS = ["run", "validate", "price", "compare", "report", "sensitivity", "sweep", "vfm", "init", "schema"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout and "sib-sim" in result.stdout


def test_init_writes_a_starter_that_validates_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "mine.yaml"
    assert CliRunner().invoke(app, ["init", str(target)]).exit_code == 0
    scenario = load_scenario(target)
    assert scenario.name == "my_programme" and len(scenario.contract.outcomes) == 2
    again = CliRunner().invoke(app, ["init", str(target)])
    assert again.exit_code == 2 and "--force" in again.stderr
    assert CliRunner().invoke(app, ["init", str(target), "--force"]).exit_code == 0


def test_schema_is_json_schema_of_the_scenario_language(tmp_path):
    result = CliRunner().invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert {"cohort", "service", "contract", "finance", "extends"} <= set(schema["properties"])
    assert CliRunner().invoke(app, ["schema", str(tmp_path / "s.json")]).exit_code == 0
    assert json.loads((tmp_path / "s.json").read_text()) == schema


def test_run_json_prints_the_summary_for_scripts(tmp_path, wtw_path):
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--replications", "2", "--workers", "1",
                                      "--out", str(tmp_path / "o"), "--json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document == json.loads((tmp_path / "o" / "summary.json").read_text())
    assert document["manifest"]["replications"] == 2


def test_results_folder_has_every_output(tmp_path, wtw_path):
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--replications", "2", "--workers", "1",
                                      "--out", str(tmp_path / "o"), "--quiet"])
    assert result.exit_code == 0 and result.stdout == ""
    names = {p.name for p in (tmp_path / "o").iterdir()}
    assert {"summary.json", "replications.csv", "cashflows.csv", "figures", "report.html", "workbook.xlsx",
            "scenario.json", "sources.json"} <= names
    assert len(list((tmp_path / "o" / "figures").glob("*.png"))) >= 6
