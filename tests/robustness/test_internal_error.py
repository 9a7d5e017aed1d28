"""An internal error (our bug, not the user's): exit 1, one short message naming a log file that holds
the traceback, and no traceback on the console; nothing written where the results would go."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sib_sim.experiment as experiment
import sib_sim.experiment.executor as executor
from sib_sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
WTW = ROOT / "scenarios" / "ways_to_wellness.yaml"
TRACEBACK = "Traceback (most recent call last)"


def _broken_cash_flows(*args, **kwargs):
    raise RuntimeError("deliberately broken cash flows (robustness test)")


def _broken_chunk(*args, **kwargs):
    raise RuntimeError("deliberately broken worker (robustness test)")


def _check_internal_error(result, tmp_path: Path, words: str) -> None:
    console = result.output + (result.stderr or "")
    assert result.exit_code == 1, console
    assert TRACEBACK not in console, console
    message = result.stderr
    assert "internal error" in message.lower(), message
    assert "error:" not in message.replace("internal error:", ""), message  # not dressed as a user error
    assert len(message.strip().splitlines()) <= 3, message  # short
    match = re.search(r"(/\S+\.log)", message)
    assert match, f"no log file named in {message!r}"
    log = Path(match.group(1))
    try:
        assert log.is_file(), log
        saved = log.read_text(encoding="utf-8")
        assert TRACEBACK in saved and "RuntimeError" in saved and words in saved, saved
    finally:
        log.unlink(missing_ok=True)
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out.*"))


def test_internal_error_in_the_main_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Deep in the pipeline: experiment.evaluate -> finance.cash_flows, after the simulation.
    monkeypatch.setattr(experiment, "cash_flows", _broken_cash_flows)
    result = CliRunner().invoke(app, ["run", str(WTW), "--replications", "2", "--workers", "1", "--quiet",
                                      "--out", str(tmp_path / "out")])
    _check_internal_error(result, tmp_path, "deliberately broken cash flows")


def test_internal_error_in_a_worker_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Raised in a forked worker, sent back through the pool, reported by the main process.
    monkeypatch.setattr(executor, "simulate_chunk", _broken_chunk)
    result = CliRunner().invoke(app, ["run", str(WTW), "--replications", "4", "--workers", "2", "--quiet",
                                      "--out", str(tmp_path / "out")])
    _check_internal_error(result, tmp_path, "deliberately broken worker")


def test_internal_error_while_validating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sib_sim.io.scenario_file as scenario_file

    def broken(*args, **kwargs):
        raise RuntimeError("deliberately broken loader (robustness test)")

    monkeypatch.setattr(scenario_file, "_lift_distributions", broken)
    result = CliRunner().invoke(app, ["validate", str(WTW)])
    _check_internal_error(result, tmp_path, "deliberately broken loader")
