"""Interrupting a run: Ctrl-C, SIGTERM, a killed main process, a killed worker, at named steps.

Each test starts the real console script (`sib-sim run ... --workers 2`) in a session of its own with
the test hook set (SIB_SIM_TEST_PAUSE=STEP, SIB_SIM_TEST_READY=FILE: sib_sim writes FILE when it
reaches STEP and waits there until FILE.go exists), waits for FILE, interrupts the run, and checks:
the exit status, no traceback, no results folder that looks complete, no temporary folder (but after
SIGKILL, which nothing can handle, a hidden one that the next run removes), and no process of the
run left. Nothing depends on the clock: every wait is for an event, with a generous bound only so a
broken run cannot hang the suite. Whatever the test started is killed (by its process group) at the end.
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
EXIT_TIMEOUT_S = 120.0  # bounds on waits for events, not measurements: a loaded machine is slow
READY_TIMEOUT_S = 300.0
# Waits on a process that has been killed only guard against a hang (they never judge speed): long
# enough for a loaded 2-core CI machine.
HANG_GUARD_S = 120.0
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

    @property
    def ready(self) -> Path:
        return self.folder / "ready"

    def go(self) -> None:
        """Let the paused run go on."""
        self.ready.with_name("ready.go").write_text("go\n")

    def stderr(self) -> str:
        return (self.folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return (self.folder / "stdout.txt").read_text(encoding="utf-8", errors="replace")

    def staging(self) -> list[Path]:
        return sorted(self.folder.glob(".out.*"))

    def alive(self) -> list[Proc]:
        """Workers of this run still running (zombies waiting to be reaped count as gone)."""
        return [worker for worker in self.workers if worker.running()]

    def wait_gone(self, timeout: float = EXIT_TIMEOUT_S) -> list:
        """Wait (at most `timeout` s) for every recorded worker to end; those still alive."""
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.alive()

    def wait(self) -> int:
        return self.process.wait(timeout=EXIT_TIMEOUT_S)


def _start(folder: Path, replications: int, pause: str | None = None, out: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(folder)}  # an internal error's log lands here
    if pause:
        env.update(SIB_SIM_TEST_PAUSE=pause, SIB_SIM_TEST_READY=str(folder / "ready"))
    # Output to files, not pipes: an orphaned worker would hold a pipe open and block the reader.
    with open(folder / "stdout.txt", "wb") as stdout, open(folder / "stderr.txt", "wb") as stderr:
        return subprocess.Popen(
            [str(SCRIPT), "run", str(WTW), "--replications", str(replications), "--workers", "2", "--quiet",
             "--out", str(out or folder / "out")],
            stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, cwd=folder, start_new_session=True, env=env)


def _wait_ready(process: subprocess.Popen, ready: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready.exists():
        assert process.poll() is None, f"the run ended ({process.returncode}) before reaching its pause"
        assert time.monotonic() < deadline, f"the run did not reach its pause in {READY_TIMEOUT_S} s"
        time.sleep(0.02)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill a run this test started that is still running: its own process group, by id (only while its
    leader lives, so the group id cannot have been reused). Orphans are killed by pid (Starter.cleanup)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
    try:
        process.wait(timeout=HANG_GUARD_S)
    except subprocess.TimeoutExpired:
        pass


class Starter:
    """start(replications, pause) -> a Run paused at that step, its workers recorded; cleanup() kills
    what is left."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runs: list[Run] = []

    def __call__(self, replications: int, pause: str = "simulating", folder: Path | None = None,
                 out: Path | None = None) -> Run:
        if folder is None:
            folder = self.folder / f"run{len(self.runs)}"
            folder.mkdir()
        process = _start(folder, replications, pause, out)
        run = Run(process, folder, [])
        self.runs.append(run)
        _wait_ready(process, run.ready)
        run.workers = [Proc.of(pid) for pid in _children(process.pid)]
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
    if not staging_allowed:
        assert run.staging() == [], run.staging()
    for staged in run.staging():  # whatever remains is hidden and says it is incomplete
        assert staged.name.startswith(".out.incomplete-")
        assert json.loads((staged / ".sib-sim.json").read_text())["state"] == "staging"


def _assert_clean_exit(run: Run, codes: tuple[int, ...]) -> None:
    code = run.wait()
    assert code in codes, (code, run.stderr())
    assert "interrupted" in run.stderr()
    assert TRACEBACK not in run.stderr() + run.stdout()


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
    assert json.loads((out / ".sib-sim.json").read_text())["state"] == "complete"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left
    assert TRACEBACK not in (tmp_path / "stderr.txt").read_text()


# --- Ctrl-C and SIGTERM ---------------------------------------------------------------------------

# 160 replications in chunks of 20: the run pauses after the first chunk, with the others in flight.
@pytest.mark.parametrize("signum,codes", [(signal.SIGINT, (130,)), (signal.SIGTERM, (143, 130))],
                         ids=["ctrl-c", "sigterm"])
def test_interrupted_simulation_leaves_no_folder_and_no_process(started, signum, codes) -> None:
    run = started(160)
    assert run.workers, "no worker processes while simulating"
    run.process.send_signal(signum)
    _assert_clean_exit(run, codes)
    _assert_no_results_folder(run, staging_allowed=False)
    assert run.wait_gone() == [], "worker processes outlived the interrupted run"


def test_sigterm_to_the_whole_process_group(started) -> None:
    """Batch schedulers signal every process of the job: the workers end quietly, the run as for one SIGTERM."""
    run = started(160)
    os.killpg(run.process.pid, signal.SIGTERM)
    _assert_clean_exit(run, (143, 130))
    _assert_no_results_folder(run, staging_allowed=False)
    assert run.wait_gone() == []


@pytest.mark.parametrize("signum,codes", [(signal.SIGINT, (130,)), (signal.SIGTERM, (143, 130))],
                         ids=["ctrl-c", "sigterm"])
def test_interrupted_while_writing_leaves_no_folder(started, signum, codes) -> None:
    run = started(4, pause="staged")  # every file written to the temporary folder, none in place
    assert run.staging(), "no temporary folder while writing"
    run.process.send_signal(signum)
    _assert_clean_exit(run, codes)
    _assert_no_results_folder(run, staging_allowed=False)


@pytest.mark.parametrize("signum,codes", [(signal.SIGINT, (130,)), (signal.SIGTERM, (143, 130))],
                         ids=["ctrl-c", "sigterm"])
def test_interrupted_during_start_up(started, signum, codes) -> None:
    run = started(4, pause="startup")
    run.process.send_signal(signum)
    _assert_clean_exit(run, codes)
    _assert_no_results_folder(run, staging_allowed=False)


# --- SIGKILL of the main process ------------------------------------------------------------------

@dataclass
class Killed:
    run: Run
    code: int
    orphans: list[Proc]  # workers still running after the main process was killed


@pytest.fixture(scope="module")
def killed_main(tmp_path_factory) -> Iterator[Killed]:
    """One run whose main process is SIGKILLed while simulating (shared by the two tests below)."""
    starter = Starter(tmp_path_factory.mktemp("sigkill"))
    try:
        run = starter(400)
        run.process.kill()
        code = run.process.wait(timeout=HANG_GUARD_S)
        orphans = run.wait_gone()  # the workers notice their parent has gone within a second or so
        yield Killed(run, code, orphans)
    finally:
        starter.cleanup()


def test_sigkill_of_the_main_process_leaves_no_folder(killed_main: Killed) -> None:
    assert killed_main.code == -signal.SIGKILL
    _assert_no_results_folder(killed_main.run, staging_allowed=True)


def test_sigkill_of_the_main_process_leaves_no_orphan_workers(killed_main: Killed) -> None:
    assert killed_main.orphans == [], f"orphan worker processes: {[w.pid for w in killed_main.orphans]}"


def test_sigkill_while_writing_leaves_nothing_complete_and_the_next_run_cleans_up(started) -> None:
    run = started(4, pause="staged")
    run.process.kill()
    assert run.wait() == -signal.SIGKILL
    _assert_no_results_folder(run, staging_allowed=True)
    assert run.staging(), "the killed run's temporary folder (the next run must remove it)"
    again = _start(run.folder, replications=4)  # the same --out
    try:
        assert again.wait(timeout=EXIT_TIMEOUT_S) == 0, run.stderr()
    finally:
        _kill_group(again)
    assert (run.out / "summary.json").is_file()
    assert run.staging() == [], f"the killed run's temporary folder is still there: {run.staging()}"


def test_sigkill_while_replacing_a_folder_keeps_the_folder(started, tmp_path: Path) -> None:
    """The user always has a folder: killed half-way through replacing it, it is still there with
    their files, says it is incomplete (no summary.json, `report` refuses it), and the next run
    completes it and removes what the killed one left."""
    folder = tmp_path / "replace"
    folder.mkdir()
    first = _start(folder, replications=4)
    try:
        assert first.wait(timeout=EXIT_TIMEOUT_S) == 0
    finally:
        _kill_group(first)
    out = folder / "out"
    (out / "my_notes.txt").write_text("keep me\n")
    for name in ("ready", "ready.go", "stdout.txt", "stderr.txt"):
        (folder / name).unlink(missing_ok=True)
    run = started(4, pause="replacing", folder=folder)
    run.process.kill()
    assert run.wait() == -signal.SIGKILL
    assert out.is_dir() and (out / "my_notes.txt").read_text() == "keep me\n"
    assert not (out / "summary.json").exists()  # does not look complete
    assert json.loads((out / ".sib-sim.json").read_text())["state"] == "writing"
    refused = subprocess.run([str(SCRIPT), "report", str(out)], capture_output=True, text=True,
                             timeout=EXIT_TIMEOUT_S)
    assert refused.returncode == 2 and "incomplete" in refused.stderr, refused.stderr
    again = _start(folder, replications=4)
    try:
        assert again.wait(timeout=EXIT_TIMEOUT_S) == 0, (folder / "stderr.txt").read_text()
    finally:
        _kill_group(again)
    assert json.loads((out / "summary.json").read_text())["manifest"]["replications"] == 4
    assert (out / "my_notes.txt").read_text() == "keep me\n"
    assert json.loads((out / ".sib-sim.json").read_text())["state"] == "complete"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".sib-sim.json"]
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


# --- a killed worker ------------------------------------------------------------------------------

def test_killed_worker_fails_the_run_cleanly(started) -> None:
    run = started(400)  # 16 chunks of 25: most still to do when the worker dies
    assert len(run.workers) >= 2
    victim, others = run.workers[0], run.workers[1:]
    victim.kill()
    run.go()
    code = run.wait()
    assert code != 0
    err = run.stderr()
    assert TRACEBACK not in err + run.stdout()
    _assert_no_results_folder(run, staging_allowed=False)
    assert run.wait_gone() == [], f"workers outlived the failed run: {[w.pid for w in run.alive()]}"
    assert others  # the surviving worker was recorded, and is gone too
    if code == 1:  # reported as an internal error: a short message and a log with the traceback
        log = err.split("Traceback saved to", 1)[-1].strip()
        assert Path(log).is_file() and Path(log).parent == run.folder, err
        assert TRACEBACK in Path(log).read_text()
