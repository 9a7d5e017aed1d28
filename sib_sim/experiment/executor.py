"""Where replications run: in this process, in local worker processes, or on a Dask cluster.

Work is cut into chunks of replications so the per-task overhead stays small; chunks are put back
in replication order, so results never depend on the number of workers or the backend.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..measure import OutcomeDefinitions, OutcomeLedger, stack_ledgers
from ..scenario import Scenario
from .chunks import ParameterSets, Progress, check_sets, chunk, chunk_sets
from .parameters import check_parameters
from .replicate import simulate_chunk

# How often the parent checks that its workers are alive while it waits for chunks: a worker killed
# while sending its result is never reported by the executor itself. (An event poll, not a timeout.)
_LIVENESS_POLL_S = 0.5


def default_workers() -> int:
    return max(os.cpu_count() or 1, 1)


def simulate_local(scenario: Scenario, seed: int, replications: Sequence[int], workers: int,
                   progress: Progress | None = None, definitions: OutcomeDefinitions | None = None,
                   parameter_sets: ParameterSets | None = None) -> OutcomeLedger:
    check_sets(replications, parameter_sets)
    chunks = chunk(replications, workers)
    sets = chunk_sets(chunks, parameter_sets)
    if workers <= 1 or len(chunks) == 1:
        ledgers = []
        for part, part_sets in zip(chunks, sets):
            ledgers.append(simulate_chunk(scenario, seed, part, definitions, part_sets))
            if progress:
                progress(len(part))
        return stack_ledgers(ledgers)
    # The platform's default start method (fork on Linux): workers need no re-import and scripts
    # without a __main__ guard still work. Workers only simulate; they never touch the parent's
    # threads (a progress bar), so forking under one is safe.
    results: dict[int, OutcomeLedger] = {}
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(),
                               initializer=exit_with_parent, initargs=(os.getpid(),))
    try:
        futures = {pool.submit(simulate_chunk, scenario, seed, part, definitions, sets[i]): i
                   for i, part in enumerate(chunks)}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=_LIVENESS_POLL_S, return_when=FIRST_COMPLETED)
            for future in done:
                index = futures[future]
                results[index] = future.result()
                if progress:
                    progress(len(chunks[index]))
            if not done and _a_worker_died(pool):
                raise BrokenProcessPool("a worker process ended abruptly (it was killed, or ran out of memory)")
    except BaseException:
        # Ctrl-C, or a worker that died: stop now rather than wait for every queued chunk.
        _stop(pool)
        raise
    pool.shutdown()
    return stack_ledgers([results[i] for i in range(len(chunks))])


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the workers at once (no orphans, no waiting)."""
    # The executor has no public handle on its processes, manager thread or result pipe.
    workers = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    result_queue = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        if process.is_alive():
            process.terminate()
    for process in workers:
        process.join(timeout=5)
    if manager is None:
        return
    # A worker killed while sending its result leaves the manager thread waiting for the rest of a
    # message that will never come, and Python joins that thread at exit, so the run would hang. With
    # every worker gone, ours is the pipe's last writing end: closing it gives the thread end-of-file.
    if result_queue is not None and not any(process.is_alive() for process in workers):
        result_queue._writer.close()
    # Python 3.11's exit hook also wakes that thread without its lock; if the thread is still closing
    # its pipe then, the hook writes to a closed pipe and prints a traceback (fixed in 3.12): so
    # wait for the thread to end, which it does within moments once the workers are gone.
    manager.join(timeout=30)


def _a_worker_died(pool: ProcessPoolExecutor) -> bool:
    """A worker has ended while chunks are still pending (they only end at shutdown)."""
    return any(process.exitcode is not None for process in (getattr(pool, "_processes", None) or {}).values())


def exit_with_parent(parent: int) -> None:
    """Worker initializer: a daemon thread ends the worker if the parent process dies (say it was
    killed), so no orphan keeps computing or waiting on a queue nobody reads."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def simulate_replications(scenario: Scenario, seed: int, replications: Sequence[int], workers: int | None = None,
                          scheduler: str | None = None, progress: Progress | None = None,
                          definitions: OutcomeDefinitions | None = None,
                          parameter_sets: ParameterSets | None = None) -> OutcomeLedger:
    """Run on the Dask cluster at `scheduler` if given (`workers` is then the cluster's), else locally.

    `parameter_sets`: one mapping of uncertain-parameter values per replication (a sensitivity design
    point): replication `replications[i]` runs with `parameter_sets[i]`, its random streams still
    from (seed, replication), so the numbers never depend on the workers or the backend.
    """
    if scenario.run.uncertainty:
        check_parameters(scenario)  # a distribution that can break its field fails now, not in a worker
    if scheduler:
        from .dask_executor import simulate_dask  # here, not at the top: only a cluster run needs dask
        return simulate_dask(scenario, seed, replications, scheduler, progress, definitions, parameter_sets)
    return simulate_local(scenario, seed, replications, default_workers() if workers is None else workers,
                          progress, definitions, parameter_sets)
