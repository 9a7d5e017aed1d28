"""Interrupting a run: Ctrl-C, a killed main process, a killed worker.

Each test starts the real console script (`sib-sim run ... --workers 2`) in a session of its own,
waits until its worker processes exist and have been simulating for a moment, interrupts it, and
checks: no results folder at the target path (a hidden `.out.incomplete-*` staging folder may remain
only after SIGKILL of the main process), the exit status, and that no process of the run remains.
Every wait has a timeout; whatever the test started is killed (by its process group) at the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    import psutil
except ImportError:  # pragma: no cover - psutil comes with the dev extras (through distributed)
    psutil = None
GONE = (OSError,) + ((psutil.NoSuchProcess,) if psutil is not None else ())

ROOT = Path(__file__).resolve().parents[2]
WTW = ROOT / "scenarios" / "ways_to_wellness.yaml"
SCRIPT = Path(sys.executable).parent / "sib-sim"
UNDER_WAY_S = 1.0  # simulating for this long after the workers appear
EXIT_TIMEOUT_S = 60.0
TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True)
class Proc:
    """A process recorded by pid and start time (so a reused pid is not mistaken for it)."""

    pid: int
    started: float

    @classmethod
    def of(cls, pid: int) -> "Proc":
        if psutil is not None:
            return cls(pid, psutil.Process(pid).create_time())
        return cls(pid, float(_proc_stat(pid)[19]))

    def running(self) -> bool:
        try:
            if psutil is not None:
                process = psutil.Process(self.pid)
                return process.create_time() == self.started and process.status() != psutil.STATUS_ZOMBIE
            stat = _proc_stat(self.pid)
            return float(stat[19]) == self.started and stat[0] != "Z"
        except GONE:
            return False

    def kill(self) -> None:
        if self.running():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _proc_stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name: state first, start time at index 19."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def _children(pid: int) -> list[int]:
    """Descendants of a process (psutil, or /proc/PID/task/*/children without it)."""
    if psutil is not None:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found + [d for c in found for d in _children(c)]


@dataclass
class Run:
    process: subprocess.Popen
    folder: Path
    workers: list[Proc]  # the worker processes, recorded before the interruption

    @property
    def out(self) -> Path:
        return self.folder / "out"

    def stderr(self) -> str:
        return (self.folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return (self.folder / "stdout.txt").read_text(encoding="utf-8", errors="replace")

    def staging(self) -> list[Path]:
        return sorted(self.folder.glob(".out.*"))

    def alive(self) -> list[Proc]:
        """Workers of this run still running (zombies waiting to be reaped count as gone)."""
        return [worker for worker in self.workers if worker.running()]

    def wait_gone(self, timeout: float) -> list:
        """Wait up to `timeout` s for every recorded worker to end; those still alive."""
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.alive()


def _start(folder: Path, replications: int) -> subprocess.Popen:
    # Output to files, not pipes: an orphaned worker would hold a pipe open and block the reader.
    with open(folder / "stdout.txt", "wb") as stdout, open(folder / "stderr.txt", "wb") as stderr:
        return subprocess.Popen(
            [str(SCRIPT), "run", str(WTW), "--replications", str(replications), "--workers", "2", "--quiet",
             "--out", str(folder / "out")],
            stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, cwd=folder, start_new_session=True,
            env={**os.environ, "TMPDIR": str(folder)})  # an internal error's log lands here


def _workers(process: subprocess.Popen, want: int = 2, timeout: float = 60.0) -> list[Proc]:
    """The run's worker processes, once `want` of them exist."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the run ended before its workers started ({process.returncode})"
        children = _children(process.pid)
        if len(children) >= want:
            return [Proc.of(pid) for pid in children]
        time.sleep(0.05)
    raise AssertionError(f"no {want} worker processes after {timeout} s")


def _kill_group(process: subprocess.Popen) -> None:
    """Kill a run this test started that is still running: its own process group, by id (only while its
    leader lives, so the group id cannot have been reused). Orphans are killed by pid (Starter.cleanup)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


class Starter:
    """start(replications) -> a Run under way, its workers recorded; cleanup() kills what is left."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runs: list[Run] = []

    def __call__(self, replications: int) -> Run:
        folder = self.folder / f"run{len(self.runs)}"
        folder.mkdir()
        process = _start(folder, replications)
        run = Run(process, folder, [])
        self.runs.append(run)
        run.workers = _workers(process)
        time.sleep(UNDER_WAY_S)
        assert process.poll() is None, "the run finished before it could be interrupted"
        return run

    def cleanup(self) -> None:
        for run in self.runs:
            _kill_group(run.process)
            for worker in run.alive():
                worker.kill()  # an orphan this test made (recorded by pid and start time)


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Starter]:
    starter = Starter(tmp_path)
    yield starter
    starter.cleanup()


def _assert_no_results_folder(run: Run, staging_allowed: bool) -> None:
    assert not run.out.exists(), f"{run.out} exists after an interrupted run: {os.listdir(run.out)}"
    assert not (run.out / "summary.json").exists()
    if not staging_allowed:
        assert run.staging() == [], run.staging()
    for staged in run.staging():  # whatever remains is hidden and never holds the last file written
        assert staged.name.startswith(".out.incomplete-")


# --- a completed run ------------------------------------------------------------------------------

def test_completed_run_has_its_whole_folder(tmp_path: Path) -> None:
    process = _start(tmp_path, replications=4)
    try:
        assert process.wait(timeout=EXIT_TIMEOUT_S) == 0, (tmp_path / "stderr.txt").read_text()
    finally:
        _kill_group(process)
    out = tmp_path / "out"
    for name in ("summary.json", "replications.csv", "cashflows.csv", "report.html", "scenario.json"):
        assert (out / name).is_file(), name
    assert json.loads((out / "summary.json").read_text())["manifest"]["replications"] == 4
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left
    assert TRACEBACK not in (tmp_path / "stderr.txt").read_text()


# --- Ctrl-C ---------------------------------------------------------------------------------------

def test_ctrl_c_leaves_no_folder_and_no_process(started) -> None:
    # 160 replications: several seconds of simulation left when the signal arrives.
    run = started(160)
    run.process.send_signal(signal.SIGINT)
    code = run.process.wait(timeout=EXIT_TIMEOUT_S)
    assert code == 130, (code, run.stderr())
    assert "interrupted" in run.stderr()
    assert TRACEBACK not in run.stderr() + run.stdout()
    _assert_no_results_folder(run, staging_allowed=False)
    assert run.wait_gone(5.0) == [], "worker processes outlived the interrupted run"


def test_ctrl_c_stops_promptly(started) -> None:
    # 2,000 replications: a minute or more of work; a prompt stop finishes at most the chunks in flight.
    run = started(2000)
    signalled = time.monotonic()
    run.process.send_signal(signal.SIGINT)
    try:
        code = run.process.wait(timeout=6.0)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {time.monotonic() - signalled:.0f} s after Ctrl-C")
    assert code == 130
    _assert_no_results_folder(run, staging_allowed=False)
    assert run.wait_gone(5.0) == []


# --- SIGKILL of the main process ------------------------------------------------------------------

@dataclass
class Killed:
    run: Run
    code: int
    orphans: list[Proc]  # workers still running a few seconds after the main process was killed


@pytest.fixture(scope="module")
def killed_main(tmp_path_factory) -> Iterator[Killed]:
    """One run whose main process is SIGKILLed under way (shared by the two tests below)."""
    starter = Starter(tmp_path_factory.mktemp("sigkill"))
    try:
        run = starter(400)
        run.process.kill()
        code = run.process.wait(timeout=10)
        orphans = run.wait_gone(5.0)  # also gives a straggler time to (wrongly) finish the folder
        yield Killed(run, code, orphans)
    finally:
        starter.cleanup()


def test_sigkill_of_the_main_process_leaves_no_folder(killed_main: Killed) -> None:
    assert killed_main.code == -signal.SIGKILL
    _assert_no_results_folder(killed_main.run, staging_allowed=True)


def test_sigkill_of_the_main_process_leaves_no_orphan_workers(killed_main: Killed) -> None:
    assert killed_main.orphans == [], f"orphan worker processes: {[w.pid for w in killed_main.orphans]}"


# --- a killed worker ------------------------------------------------------------------------------

def test_killed_worker_fails_the_run_cleanly(started) -> None:
    run = started(400)
    victim, others = run.workers[0], run.workers[1:]
    victim.kill()
    code = run.process.wait(timeout=EXIT_TIMEOUT_S)
    assert code != 0
    err = run.stderr()
    assert TRACEBACK not in err + run.stdout()
    _assert_no_results_folder(run, staging_allowed=False)
    assert run.wait_gone(5.0) == [], f"workers outlived the failed run: {[w.pid for w in run.alive()]}"
    assert others  # the surviving worker was recorded, and is gone too
    if code == 1:  # reported as an internal error: a short message and a log with the traceback
        log = err.split("Traceback saved to", 1)[-1].strip()
        assert Path(log).is_file() and Path(log).parent == run.folder, err
        assert TRACEBACK in Path(log).read_text()
