"""A worker killed half-way through sending its result: the executor itself never notices (its
manager thread waits for the rest of the message), so the run must, and must still exit.

The worker's chunk function is replaced (fork copies the replacement into the workers) by one that
writes the start of a result message that promises more bytes than it sends, then kills itself:
exactly what SIGKILL during a large send leaves behind. It runs in a subprocess, so a hang is
caught by a generous bound rather than hanging the suite (the bound is a guard, not a measurement).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent('''
    import multiprocessing, os, signal, struct, sys, threading
    from concurrent.futures.process import BrokenProcessPool
    from sib_sim.experiment import executor
    from sib_sim.io.scenario_file import load_scenario

    def half_sent(*args):
        frame = sys._getframe(1)
        while "result_queue" not in frame.f_locals:  # the executor's worker loop holds the queue
            frame = frame.f_back
        frame.f_locals["result_queue"]._writer._send(struct.pack("!i", 1 << 20) + b"partial")
        os.kill(os.getpid(), signal.SIGKILL)

    if multiprocessing.get_start_method() != "fork":
        print("SKIP"); sys.exit(0)
    executor.simulate_chunk = half_sent
    scenario = load_scenario("scenarios/ways_to_wellness.yaml")
    try:
        executor.simulate_local(scenario, 1, list(range(8)), workers=2)
    except BrokenProcessPool as error:
        print("BROKEN", error)
    alive = [t.name for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    print("THREADS", alive)
''')


def test_a_worker_killed_mid_result_fails_the_run_and_lets_it_exit() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    if done.stdout.startswith("SKIP"):
        return
    assert done.returncode == 0, done.stderr
    assert "BROKEN" in done.stdout, done.stdout + done.stderr
    assert "THREADS []" in done.stdout, done.stdout  # the manager thread ended: nothing to join at exit
    assert "Traceback" not in done.stderr, done.stderr
