"""Executors: local processes and a real Dask cluster give byte-identical results; chunking; no eager dask."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sib_sim import run, write_results_folder
from sib_sim.cli import app
from sib_sim.experiment import dask_executor
from sib_sim.experiment.chunks import chunk

REPLICATIONS = 6
FILES = ("summary.json", "replications.csv", "cashflows.csv")
# No dashboard, and the scheduler's small HTTP server (health, metrics) on any free local port rather
# than 8787, which another cluster or test run on this machine may hold.
QUIET_HTTP = {"dashboard_address": "127.0.0.1:0"}


@pytest.fixture(scope="module")
def local_folders(wtw, tmp_path_factory) -> dict[int, Path]:
    """The reference: local runs on one and on two worker processes (before any cluster starts)."""
    root = tmp_path_factory.mktemp("local")
    return {workers: write_results_folder(run(wtw, replications=REPLICATIONS, workers=workers),
                                          root / f"workers{workers}")
            for workers in (1, 2)}


@pytest.fixture(scope="module")
def scheduler(local_folders) -> str:
    """A real two-process Dask cluster on this machine only; closed after the module's tests."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, scheduler_kwargs=QUIET_HTTP) as cluster:
        yield cluster.scheduler_address


def _same_files(a: Path, b: Path) -> None:
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_dask_cluster_gives_byte_identical_results(wtw, local_folders, scheduler, tmp_path):
    done: list[int] = []
    results = run(wtw, replications=REPLICATIONS, scheduler=scheduler, progress=done.append)
    folder = write_results_folder(results, tmp_path / "dask")
    assert sum(done) == REPLICATIONS  # progress reported as chunks complete
    _same_files(folder, local_folders[2])
    _same_files(folder, local_folders[1])


def test_cli_run_on_the_cluster(wtw_path, local_folders, scheduler, tmp_path):
    out = tmp_path / "cli"
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--replications", str(REPLICATIONS),
                                      "--scheduler", scheduler, "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    # The manifest names the scenario path, so compare the per-replication numbers.
    assert (out / "replications.csv").read_bytes() == (local_folders[1] / "replications.csv").read_bytes()
    assert (out / "cashflows.csv").read_bytes() == (local_folders[1] / "cashflows.csv").read_bytes()


def test_cli_compare_on_the_cluster(wtw_path, scheduler, tmp_path):
    variant = wtw_path.parent / "ways_to_wellness_direct.yaml"
    outputs = {}
    for backend, option in (("local", ["--workers", "1"]), ("dask", ["--scheduler", scheduler])):
        outputs[backend] = tmp_path / backend
        result = CliRunner().invoke(app, ["compare", str(wtw_path), str(variant), "--replications", "3",
                                          "--out", str(outputs[backend]), "--quiet", *option])
        assert result.exit_code == 0, result.output
    assert (outputs["dask"] / "compare.json").read_bytes() == (outputs["local"] / "compare.json").read_bytes()


def _assert_one_clear_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    assert result.stderr.count("error:") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_unreachable_scheduler_is_a_user_error(wtw_path, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 2)  # the message is the point, not the 10 s wait
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--replications", "2", "--scheduler",
                                      "tcp://127.0.0.1:1", "--out", str(tmp_path / "o"), "--quiet"])
    _assert_one_clear_error(result, "tcp://127.0.0.1:1", "cannot reach the Dask scheduler")
    assert not (tmp_path / "o").exists()


def test_malformed_scheduler_address_is_a_user_error(wtw_path, tmp_path):
    pytest.importorskip("distributed")
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--replications", "2", "--scheduler", "10.0.0.5",
                                      "--out", str(tmp_path / "o"), "--quiet"])
    _assert_one_clear_error(result, "'10.0.0.5' is not a Dask scheduler address", "tcp://HOST:PORT")


def test_missing_distributed_says_how_to_install(wtw_path, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    result = CliRunner().invoke(app, ["run", str(wtw_path), "--replications", "2", "--scheduler",
                                      "tcp://127.0.0.1:8786", "--out", str(tmp_path / "o"), "--quiet"])
    _assert_one_clear_error(result, "pip install 'sib_sim[distributed]'")


def test_scheduler_without_workers_is_a_user_error(wtw, monkeypatch):
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(dask_executor, "WORKER_TIMEOUT", 1)
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None,
                                  scheduler_kwargs=QUIET_HTTP) as cluster:
        with pytest.raises(dask_executor.UserError, match="has no workers"):
            run(wtw, replications=1, scheduler=cluster.scheduler_address)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 24, 25, 101, 1000])
@pytest.mark.parametrize("workers", [1, 2, 3, 16])
def test_chunks_cover_every_replication_once_in_order(n, workers):
    for replications in (list(range(n)), list(range(40, 40 + n))):
        chunks = chunk(replications, workers)
        assert [r for part in chunks for r in part] == replications
        assert all(1 <= len(part) <= 25 for part in chunks)


def test_importing_sib_sim_does_not_import_dask():
    code = "import sib_sim, sib_sim.cli, sys; assert 'dask' not in sys.modules and 'distributed' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
