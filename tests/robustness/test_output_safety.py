"""What sib_sim will and will not overwrite (issue 9, data safety), through the real command line.

Every command that writes a folder (run, sensitivity, sweep, compare, price) replaces only a folder it
wrote itself, marked with `.sib-sim.json`; refuses a file, a folder it did not write and a project
folder with exit 2 and a message naming --force, before any simulation; keeps what it did not write
in its own folders; and leaves no temporary folder behind when it cannot write. `init` and `schema`
never write over an existing file without --force, nor through a planted symbolic link.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sib_sim.cli import app
from sib_sim.io.output_folder import MARKER, check_folder, read_marker
from sib_sim.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
WTW = ROOT / "scenarios" / "ways_to_wellness.yaml"
DIRECT = ROOT / "scenarios" / "ways_to_wellness_direct.yaml"
OBSERVED = "outcome,period,date,count,value\nwellbeing,0,,40,0.95\nwellbeing,,2015-09-14,25,1.6\nsecondary_care,12,,350,4200\n"
TRACEBACK = "Traceback (most recent call last)"
QUICK = ["--replications", "2", "--workers", "1", "--quiet"]


def _invoke(args: list[str]):
    return CliRunner().invoke(app, [str(a) for a in args])


def _commands(out: Path, tmp_path: Path) -> dict[str, list]:
    """Each command that writes a folder, writing to `out`."""
    observed = tmp_path / "observed.csv"
    observed.write_text(OBSERVED, encoding="utf-8")
    return {
        "run": ["run", WTW, *QUICK, "--out", out],
        "sensitivity": ["sensitivity", WTW, "--replications", "1", "--workers", "1", "--quiet", "--out", out],
        "sweep": ["sweep", WTW, "--param", "contract.outcomes.wellbeing.price=200:300:2", *QUICK, "--out", out],
        "compare": ["compare", WTW, DIRECT, *QUICK, "--out", out],
        "price": ["price", WTW, "--outcomes", observed, "--quiet", "--out", out],
    }


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any simulation or pricing fails the test: the output path must be refused before one starts."""
    def refuse(*args, **kwargs):
        raise AssertionError("the simulation ran before the output path was checked")

    # The command line imports each command's functions when it runs (light start-up), so patch them
    # where they are defined.
    # (importlib: the package's `sensitivity` and `sweep` attributes are the functions, not the modules)
    for module, name in (("sib_sim.experiment", "run"), ("sib_sim.experiment", "compare"),
                         ("sib_sim.experiment.sensitivity", "sensitivity"), ("sib_sim.experiment.sweep", "sweep"),
                         ("sib_sim.io.observed", "price_outcomes")):
        monkeypatch.setattr(importlib.import_module(module), name, refuse)


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".incomplete-" in p.name or ".old-" in p.name)


# --- refusals, before any simulation -------------------------------------------------------------

COMMANDS = ["run", "sensitivity", "sweep", "compare", "price"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_folder_sib_sim_did_not_write_is_refused_before_simulating(command, tmp_path, no_simulation):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copy(WTW, scenarios / WTW.name)
    before = _snapshot(scenarios)
    result = _invoke(_commands(scenarios, tmp_path)[command])
    assert result.exit_code == 2, result.output
    assert "was not written by sib_sim" in result.stderr and "--force" in result.stderr
    assert "another path" in result.stderr
    assert TRACEBACK not in result.output
    assert _snapshot(scenarios) == before
    assert _hidden(tmp_path) == [] and _hidden(scenarios) == []


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("victim", ["scenario", "notes"])
def test_a_file_is_never_replaced(command, victim, tmp_path, no_simulation):
    file = tmp_path / ("ways_to_wellness.yaml" if victim == "scenario" else "notes.txt")
    content = WTW.read_bytes() if victim == "scenario" else b"my notes\n"
    file.write_bytes(content)
    for force in ([], ["--force"]):  # not even with --force
        result = _invoke(_commands(file, tmp_path)[command] + force)
        assert result.exit_code == 2, result.output
        assert "not a folder" in result.stderr and TRACEBACK not in result.output
        assert file.read_bytes() == content
    assert _hidden(tmp_path) == []


def test_a_project_folder_is_refused(tmp_path, no_simulation, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "scenarios", project / "scenarios")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    before = _snapshot(project)
    monkeypatch.chdir(project)
    for out in (".", str(project), "scenarios/.."):
        result = _invoke(["run", WTW, *QUICK, "--out", out])
        assert result.exit_code == 2, result.output
        assert "was not written by sib_sim" in result.stderr
    assert _snapshot(project) == before


def test_a_folder_of_another_kind_is_refused(tmp_path, no_simulation):
    out = tmp_path / "priced"
    out.mkdir()
    (out / MARKER).write_text(json.dumps({"format": 1, "kind": "pricing", "state": "complete", "files": []}))
    result = _invoke(["run", WTW, *QUICK, "--out", out])
    assert result.exit_code == 2 and "pricing output, not results output" in result.stderr


def test_a_newer_format_is_refused(tmp_path, no_simulation):
    out = tmp_path / "future"
    out.mkdir()
    (out / MARKER).write_text(json.dumps({"format": 99, "kind": "results", "state": "complete", "files": []}))
    result = _invoke(["run", WTW, *QUICK, "--out", out])
    assert result.exit_code == 2 and "newer sib_sim" in result.stderr


# --- odd and unwritable paths ----------------------------------------------------------------------

def test_a_path_under_a_plain_file_is_refused(tmp_path, no_simulation):
    (tmp_path / "notes.txt").write_text("x")
    result = _invoke(["run", WTW, *QUICK, "--out", tmp_path / "notes.txt" / "deeper" / "out"])
    assert result.exit_code == 2 and "is a file, not a folder" in result.stderr, result.output
    assert (tmp_path / "notes.txt").read_text() == "x" and _hidden(tmp_path) == []


def test_a_dangling_symbolic_link_is_refused(tmp_path, no_simulation):
    (tmp_path / "out").symlink_to(tmp_path / "nowhere")
    result = _invoke(["run", WTW, *QUICK, "--out", tmp_path / "out"])
    assert result.exit_code == 2 and "symbolic link to nothing" in result.stderr
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere: the /proc case below covers root")
def test_an_unwritable_parent_is_refused(tmp_path, no_simulation):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = _invoke(["run", WTW, *QUICK, "--out", locked / "out"])
        assert result.exit_code == 2 and "not writable" in result.stderr, result.output
    finally:
        locked.chmod(0o755)


def test_a_place_the_system_will_not_write_is_a_user_error(tmp_path):
    """/proc refuses new folders even to root: the error comes from the write itself, after the run."""
    result = _invoke(["run", WTW, *QUICK, "--out", "/proc/sib-sim-test/out"])
    assert result.exit_code == 2, result.output
    assert "cannot write there" in result.stderr or "not writable" in result.stderr
    assert TRACEBACK not in result.output


# --- replacing its own folder keeps what it did not write -------------------------------------------

@pytest.fixture(scope="module")
def results_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("own") / "wtw"
    assert _invoke(["run", WTW, *QUICK, "--out", folder]).exit_code == 0
    return folder


def test_a_results_folder_is_marked(results_folder):
    marker = read_marker(results_folder)
    assert marker is not None and marker.kind == "results" and marker.state == "complete"
    assert {"summary.json", "report.html", "workbook.xlsx", "figures"} <= set(marker.files)
    assert MARKER not in marker.files


def test_running_again_keeps_the_users_files_and_other_commands_subfolders(results_folder, tmp_path):
    folder = tmp_path / "wtw"
    shutil.copytree(results_folder, folder)
    (folder / "my_notes.txt").write_text("keep me\n")
    (folder / "analysis").mkdir()
    (folder / "analysis" / "model.py").write_text("print(1)\n")
    assert _invoke(["sensitivity", WTW, "--replications", "1", "--workers", "1", "--quiet", "--out", folder]
                   ).exit_code == 0
    assert _invoke(["sweep", WTW, "--param", "contract.outcomes.wellbeing.price=200:300:2", *QUICK,
                    "--out", folder]).exit_code == 0
    (folder / "figures" / "old_figure_of_mine.png").write_bytes(b"not ours")  # inside sib_sim's own subfolder
    sensitivity, sweep = _snapshot(folder / "sensitivity"), _snapshot(folder / "sweep")
    result = _invoke(["run", WTW, "--replications", "3", "--workers", "1", "--quiet", "--out", folder])
    assert result.exit_code == 0, result.output
    assert json.loads((folder / "summary.json").read_text())["manifest"]["replications"] == 3
    assert (folder / "my_notes.txt").read_text() == "keep me\n"
    assert (folder / "analysis" / "model.py").read_text() == "print(1)\n"
    assert _snapshot(folder / "sensitivity") == sensitivity and _snapshot(folder / "sweep") == sweep
    assert read_marker(folder).state == "complete"
    assert _hidden(folder) == [] and _hidden(tmp_path) == []
    assert not (folder / "figures" / "old_figure_of_mine.png").exists()  # figures/ is sib_sim's, replaced whole


def test_force_writes_into_a_users_folder_and_keeps_its_files(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    result = _invoke(["run", WTW, *QUICK, "--out", folder, "--force"])
    assert result.exit_code == 0, result.output
    assert (folder / "notes.txt").read_text() == "mine\n" and (folder / "summary.json").is_file()
    assert "notes.txt" not in read_marker(folder).files


def test_an_empty_folder_is_used(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert _invoke(["run", WTW, *QUICK, "--out", folder]).exit_code == 0
    assert read_marker(folder).kind == "results"


def test_check_folder_is_the_api_guard(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(UserError, match="not a folder"):
        check_folder(tmp_path / "f", "results")
    assert check_folder(tmp_path / "new" / "deeper", "results") == tmp_path / "new" / "deeper"


# --- single files: init and schema ------------------------------------------------------------------

@pytest.mark.parametrize("command", [["schema"], ["init"]])
def test_an_existing_file_is_not_overwritten_without_force(command, tmp_path):
    keep = tmp_path / "keep_me.yaml"
    keep.write_text("precious: true\n")
    result = _invoke(command + [keep])
    assert result.exit_code == 2 and "--force" in result.stderr, result.output
    assert keep.read_text() == "precious: true\n"
    assert _invoke(command + [keep, "--force"]).exit_code == 0
    assert keep.read_text() != "precious: true\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep_me.yaml"]  # no temporary file left


@pytest.mark.parametrize("command", [["schema"], ["init"]])
def test_a_planted_symbolic_link_is_not_followed(command, tmp_path):
    victim = tmp_path / "victim.txt"
    link = tmp_path / "out.yaml"
    link.symlink_to(victim)  # dangling: writing "through" it would create the victim
    result = _invoke(command + [link])
    assert result.exit_code == 2 and not victim.exists()
    victim.write_text("untouched\n")
    assert _invoke(command + [link, "--force"]).exit_code == 0
    assert victim.read_text() == "untouched\n" and not link.is_symlink()  # the link is replaced, not followed


# --- report ---------------------------------------------------------------------------------------

def test_report_replaces_a_planted_link_instead_of_following_it(results_folder, tmp_path):
    folder = tmp_path / "wtw"
    shutil.copytree(results_folder, folder)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched\n")
    for name in (".report.html.incomplete", "report.html"):  # the old fixed temporary name, and the target
        path = folder / name
        path.unlink(missing_ok=True)
        path.symlink_to(victim)
    result = _invoke(["report", folder])
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "untouched\n"
    assert (folder / "report.html").is_file() and not (folder / "report.html").is_symlink()
    assert "<html" in (folder / "report.html").read_text()[:500].lower()
    assert not list(folder.glob(".report.html.*.incomplete"))


REPORT_CASES = {
    "an empty folder": ({}, "no summary.json"),
    "a plain folder": ({"notes.txt": "x"}, "no summary.json"),
    "summary.json not JSON": ({"summary.json": "{"}, "cannot be read"),
    "summary.json a list": ({"summary.json": "[]"}, "not sib_sim's"),
    "summary.json without metrics": ({"summary.json": '{"manifest": {}}'}, "not sib_sim's"),
    "summary.json malformed manifest": ({"summary.json": '{"manifest": 3, "metrics": {}}'}, "not sib_sim's"),
    "a pricing folder": ({MARKER: '{"format": 1, "kind": "pricing", "state": "complete", "files": []}',
                          "summary.json": '{"manifest": {}, "metrics": {}}'}, "pricing output"),
    "an interrupted folder": ({MARKER: '{"format": 1, "kind": "results", "state": "writing", "files": []}'},
                              "incomplete"),
}


@pytest.mark.parametrize("case", sorted(REPORT_CASES))
def test_report_on_a_folder_that_is_not_a_results_folder(case, tmp_path):
    files, says = REPORT_CASES[case]
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    result = _invoke(["report", folder])
    assert result.exit_code == 2, result.output
    assert says in result.stderr and TRACEBACK not in result.output
    assert not (folder / "report.html").exists()


def test_report_on_a_file_or_nothing(tmp_path):
    (tmp_path / "f.txt").write_text("x")
    for path in (tmp_path / "f.txt", tmp_path / "missing"):
        result = _invoke(["report", path])
        assert result.exit_code == 2 and "not a results folder" in result.stderr


def test_report_on_a_results_folder_with_malformed_metrics(results_folder, tmp_path):
    folder = tmp_path / "wtw"
    shutil.copytree(results_folder, folder)
    document = json.loads((folder / "summary.json").read_text())
    document["metrics"] = {name: "garbage" for name in document["metrics"]}
    (folder / "summary.json").write_text(json.dumps(document))
    result = _invoke(["report", folder])
    assert result.exit_code in (0, 2), result.output  # rendered with gaps, or refused; never our bug
    assert TRACEBACK not in result.output


# --- price ------------------------------------------------------------------------------------------

def test_price_without_out_promises_no_file(tmp_path, monkeypatch):
    observed = tmp_path / "observed.csv"
    observed.write_text(OBSERVED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _invoke(["price", WTW, "--outcomes", observed])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())  # the caption wraps with the table
    assert "all are in payments.csv" not in text and "written to" not in text
    assert "--out DIR writes them all to payments.csv" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["observed.csv"]
    with_out = _invoke(["price", WTW, "--outcomes", observed, "--out", tmp_path / "priced"])
    assert "all are in payments.csv" in " ".join(with_out.stdout.split()) and (tmp_path / "priced" / "payments.csv").is_file()
    assert read_marker(tmp_path / "priced").kind == "pricing"
