"""`sib-sim indigo export|import` on the command line: files written, files refused, exit 2 for bad input."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sib_sim.cli import app
from sib_sim.indigo import import_record

ROOT = Path(__file__).resolve().parents[3]
WTW = ROOT / "scenarios" / "ways_to_wellness.yaml"


def invoke(*args):
    return CliRunner().invoke(app, ["indigo", *map(str, args)])


@pytest.mark.parametrize("command", ["export", "import"])
def test_both_commands_have_help_with_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Example" in result.stdout and "sib-sim indigo" in result.stdout


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    result = invoke("export", WTW, "--out", folder / "wtw.json", "--replications", "0")
    assert result.exit_code == 0, result.output
    assert "2 outcome lines, 3 payers, 0 planned" in " ".join(result.stdout.split())  # the console may wrap
    return folder


def test_import_writes_the_skeleton_and_lists_what_to_fill(exported):
    result = invoke("import", exported / "wtw.json", "--out", exported / "wtw.yaml")
    assert result.exit_code == 0, result.output
    assert "Still to fill (5):" in result.stdout and "  - cohort: referrals" in result.stdout
    assert (exported / "wtw.yaml").read_text().startswith("# Skeleton scenario from the INDIGO record wtw.json")


def test_writing_again_replaces_only_sib_sims_own_files(exported, tmp_path):
    assert invoke("export", WTW, "--out", exported / "wtw.json", "--replications", "0").exit_code == 0
    assert invoke("import", exported / "wtw.json", "--out", exported / "again.yaml").exit_code == 0
    assert invoke("import", exported / "wtw.json", "--out", exported / "again.yaml").exit_code == 0
    mine = tmp_path / "mine.yaml"
    shutil.copy(WTW, mine)
    refused = invoke("import", exported / "wtw.json", "--out", mine)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert mine.read_text() == WTW.read_text()
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}')
    assert invoke("export", WTW, "--out", notes, "--replications", "0").exit_code == 2
    assert notes.read_text() == '{"mine": true}'
    assert invoke("export", WTW, "--out", notes, "--replications", "0", "--force").exit_code == 0
    assert json.loads(notes.read_text())["sib_sim"]["name"] == "ways_to_wellness"


def test_export_takes_set_overrides(tmp_path):
    result = invoke("export", WTW, "--out", tmp_path / "r.json", "--replications", "0",
                    "--set", "contract.cap=9000000")
    assert result.exit_code == 0
    record = json.loads((tmp_path / "r.json").read_text())
    assert record["overall_project_finance"]["maximum_potential_outcome_payment_v2"]["amount"]["value"] == 9e6
    skeleton, _ = import_record(tmp_path / "r.json")
    assert skeleton.data["contract"]["cap"].value == 9e6


def test_bad_input_is_one_message_and_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "outcome_pricings": [\n    {"price_per_unit": {"amount": {"value": "lots"}}}\n  ]\n}\n')
    result = invoke("import", bad, "--out", tmp_path / "s.yaml")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{bad}:3:45: $.outcome_pricings[0].price_per_unit.amount.value: must be a number" in result.stderr
    assert not (tmp_path / "s.yaml").exists()
    missing = invoke("export", tmp_path / "none.yaml", "--out", tmp_path / "r.json")
    assert missing.exit_code == 2 and "scenario file not found" in missing.stderr
    negative = invoke("export", WTW, "--out", tmp_path / "r.json", "--replications", "-1")
    assert negative.exit_code == 2 and not (tmp_path / "r.json").exists()


def test_export_refuses_a_users_file_before_simulating(tmp_path, monkeypatch):
    import sib_sim.indigo as indigo

    def never(*args, **kwargs):
        raise AssertionError("simulated although the output would be refused")

    monkeypatch.setattr(indigo, "planned_for", never)
    mine = tmp_path / "mine.json"
    mine.write_text("{}")
    result = invoke("export", WTW, "--out", mine)
    assert result.exit_code == 2 and "file exists" in result.stderr and mine.read_text() == "{}"
    assert invoke("export", WTW, "--out", tmp_path).exit_code == 2  # a folder


def test_a_planted_symbolic_link_is_refused_and_never_followed(exported, tmp_path):
    victim = tmp_path / "victim.yaml"
    link = tmp_path / "link.yaml"
    link.symlink_to(victim)  # dangling: writing through it would create the victim
    assert invoke("import", exported / "wtw.json", "--out", link).exit_code == 2
    assert invoke("import", exported / "wtw.json", "--out", link, "--force").exit_code == 0
    assert not victim.exists() and link.is_file() and not link.is_symlink()
    own = tmp_path / "own.yaml"
    assert invoke("import", exported / "wtw.json", "--out", own).exit_code == 0
    pointer = tmp_path / "pointer.yaml"
    pointer.symlink_to(own)  # even a link to sib-sim's own file is not written through
    assert invoke("import", exported / "wtw.json", "--out", pointer).exit_code == 2
