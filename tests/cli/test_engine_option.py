"""--engine: the reference simpy engine from the command line gives the fast engine's numbers."""

import json

import pandas as pd
from typer.testing import CliRunner

from sib_sim.cli import app


def _run(tmp_path, wtw_path, engine):
    out = tmp_path / engine
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--replications", "2", "--workers", "1", "--quiet",
                                      "--seed", "4", "--engine", engine, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_run_with_either_engine_writes_the_same_numbers(tmp_path, wtw_path):
    fast, ref = _run(tmp_path, wtw_path, "fast"), _run(tmp_path, wtw_path, "simpy")
    a, b = pd.read_csv(fast / "replications.csv"), pd.read_csv(ref / "replications.csv")
    numeric = a.select_dtypes("number").columns
    pd.testing.assert_frame_equal(a[numeric], b[numeric], rtol=1e-9)
    overrides = json.loads((ref / "summary.json").read_text())["manifest"]["overrides"]
    assert "run.engine=simpy" in overrides  # the manifest says which engine ran


def test_an_unknown_engine_is_a_user_error(wtw_path):
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--engine", "turbo"])
    assert result.exit_code == 2 and "turbo" in result.output
