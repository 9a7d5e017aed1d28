"""Bad input through the command line: one clear message naming file, line and field; exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sib_sim.cli import app


def _edit(source: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    target = tmp_path / "bad.yaml"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


EDITS = [
    # (case, old text, new text, field named, fragment of the line the error must name)
    ("unknown key", "  caseload_per_worker:", "  caseload_per_wroker:", "caseload_per_wroker",
     "caseload_per_wroker"),
    ("wrong type", "    value: 118\n", "    value: lots\n", "cohort.referrals.rate_per_month", "value: lots"),
    ("negative rate", "    value: 118\n", "    value: -118\n", "cohort.referrals.rate_per_month", "value: -118"),
    ("probability above 1", "    value: 0.78\n", "    value: 1.78\n", "cohort.p_engage", "value: 1.78"),
    ("zero replications", "  replications: 200", "  replications: 0", "run.replications", "replications: 0"),
    ("unknown rule kind", "      kind: sliding_scale", "      kind: sliding_scales", "contract.outcomes.0",
     "kind: sliding_scales"),
    ("negative cap", "    value: 8200000", "    value: -8200000", "contract.cap", "value: -8200000"),
    ("unknown payer", "        - {payer: sof, share: 0.25}", "        - {payer: sofa, share: 0.25}",
     "contract.outcomes.0.payers.1.payer", "payer: sofa"),
    ("commissioner not a payer", "    payer: ccg\n", "    payer: nhse\n", "finance.commissioner.payer",
     "payer: nhse"),
    ("support bounds reversed", "    value: 24\n", "    value: 12\n", "service.support_months_max", "value: 12"),
]


@pytest.mark.parametrize("case,old,new,field,line_fragment", EDITS, ids=[e[0] for e in EDITS])
def test_bad_scenario_edits(tmp_path, wtw_path, case, old, new, field, line_fragment):
    bad = _edit(wtw_path, tmp_path, old, new)
    for command in (["validate", str(bad)], ["run", str(bad), "--replications", "2", "--out", str(tmp_path / "o")]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, (case, result.output)
        message = result.stderr
        assert "Traceback" not in result.output + message
        assert f"bad.yaml:{_line_of(bad, line_fragment)}:" in message, message
        assert field in message, message
    assert not (tmp_path / "o").exists()


def test_unknown_key_suggests_the_right_one(tmp_path, wtw_path):
    bad = _edit(wtw_path, tmp_path, "  caseload_per_worker:", "  caseload_per_wroker:")
    result = CliRunner().invoke(app, ["validate", str(bad)])
    assert "did you mean 'caseload_per_worker'" in result.stderr


@pytest.mark.parametrize("content,expect", [
    ("name: x\nrun:\n  seed: 1\n bad: 2\n", ":4:"),  # YAML syntax error: line of the problem
    ("", "empty"),
    ("- just\n- a list\n", "mapping"),
])
def test_bad_files(tmp_path, content, expect):
    path = tmp_path / "broken.yaml"
    path.write_text(content)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "broken.yaml" in result.stderr and expect in result.stderr.lower()
    assert "Traceback" not in result.output + result.stderr


def test_missing_file(tmp_path):
    result = CliRunner().invoke(app, ["run", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr and "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("override,expect", [
    ("contract.cap", "="),
    ("contract.kap=1", "kap"),
    ("cohort.p_engage=2", "cohort.p_engage"),
    ("run.replications=0", "run.replications"),
])
def test_bad_set(wtw_path, override, expect):
    result = CliRunner().invoke(app, ["validate", str(wtw_path), "--set", override])
    assert result.exit_code == 2, result.output
    assert "--set" in result.stderr and expect in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_zero_replications_on_the_command_line(wtw_path):
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--replications", "0"])
    assert result.exit_code == 2
    assert "replications" in result.output + result.stderr


def test_good_set_is_applied(wtw_path):
    result = CliRunner().invoke(app, ["validate", str(wtw_path), "--set", "contract.cap=10000000"])
    assert result.exit_code == 0 and "ok" in result.stdout


def test_real_console_script_exit_status_and_no_traceback(tmp_path, wtw_path):
    """Through the installed entry point, not the test runner: what a user's shell sees."""
    bad = _edit(wtw_path, tmp_path, "    value: 0.78\n", "    value: 1.78\n")
    script = Path(sys.executable).parent / "sib-sim"
    done = subprocess.run([str(script), "validate", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "cohort.p_engage" in done.stderr
    assert done.stderr.count("\n") <= 3  # one clear message
