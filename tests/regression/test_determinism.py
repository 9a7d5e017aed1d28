"""Same seed, same numbers: whatever the worker count, and for a replication re-run alone."""

import numpy as np
from typer.testing import CliRunner

from sib_sim.cli import app
from sib_sim.experiment.replicate import simulate_chunk, simulate_replication


def _run(tmp_path, wtw_path, workers: int):
    out = tmp_path / f"w{workers}"
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--replications", "12", "--seed", "7",
                                      "--workers", str(workers), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def test_byte_identical_outputs_with_one_and_two_workers(tmp_path, wtw_path):
    one, two = _run(tmp_path, wtw_path, 1), _run(tmp_path, wtw_path, 2)
    for name in ("summary.json", "replications.csv", "cashflows.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_a_replication_re_run_alone_is_identical(wtw):
    chunk = simulate_chunk(wtw, 7, [3, 4, 5])
    alone = simulate_replication(wtw, 7, 4)
    for name, series in alone.series.items():
        np.testing.assert_array_equal(series[0], chunk.series[name][1], err_msg=name)


def test_different_seeds_differ(wtw):
    a = simulate_replication(wtw, 1, 0).series["referrals"]
    b = simulate_replication(wtw, 2, 0).series["referrals"]
    assert not np.array_equal(a, b)
