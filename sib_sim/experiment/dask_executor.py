"""Replications on a Dask distributed cluster: the same chunks and chunk function as local processes.

Dask is an optional extra, imported here only when a scheduler is actually used, so `import sib_sim`
never imports it. Every replication depends only on (scenario, seed, replication) and chunks are put
back in order, so a cluster gives the same numbers, bit for bit, as a local run.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import UserError
from ..measure import OutcomeDefinitions, OutcomeLedger, stack_ledgers
from ..scenario import Scenario
from .chunks import ParameterSets, Progress, check_sets, chunk, chunk_sets
from .replicate import simulate_chunk

if TYPE_CHECKING:  # for type checkers only: at run time distributed is imported when first used
    from distributed import Client

CONNECT_TIMEOUT = 10  # seconds to reach the scheduler before saying it cannot be reached
WORKER_TIMEOUT = 60  # seconds to wait for a first worker: a scheduler alone would wait for ever
INSTALL_HINT = "install the distributed extra: pip install 'sib_sim[distributed]'"


def _distributed() -> ModuleType:
    try:
        import distributed
    except ImportError as e:
        raise UserError(f"running on a Dask scheduler needs dask and distributed ({e.name} is not installed)",
                        hint=INSTALL_HINT) from None
    return distributed


def _connect(distributed: ModuleType, scheduler: str) -> Client:
    # set_as_default=False: this client must not become the process-wide default for other dask code.
    try:
        return distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except ValueError as e:  # a malformed address: missing port, unknown scheme
        raise UserError(f"{scheduler!r} is not a Dask scheduler address: {e}",
                        hint="expected tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786") from None
    except (OSError, TimeoutError) as e:
        # distributed retries until the timeout and then reports only that; other failures say why.
        why = "" if str(e).startswith("Timed out") else f": {e}"
        raise UserError(f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT} s{why}",
                        hint="is `dask scheduler` running there, and the port open?") from None


def _wait_for_workers(client: Client, scheduler: str) -> int:
    """Total worker threads, once at least one worker has joined."""
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except TimeoutError:
        raise UserError(f"the Dask scheduler at {scheduler} has no workers after {WORKER_TIMEOUT} s",
                        hint=f"start some: dask worker {scheduler} --nworkers 2 --nthreads 1") from None
    return max(sum(client.nthreads().values()), 1)


def simulate_dask(scenario: Scenario, seed: int, replications: Sequence[int], scheduler: str,
                  progress: Progress | None = None, definitions: OutcomeDefinitions | None = None,
                  parameter_sets: ParameterSets | None = None) -> OutcomeLedger:
    """Simulate and measure `replications` on the cluster whose scheduler is at `scheduler`."""
    check_sets(replications, parameter_sets)
    distributed = _distributed()
    with _connect(distributed, scheduler) as client:
        # Chunk for the cluster's size (load balance); chunk sizes never change the numbers.
        chunks = chunk(replications, _wait_for_workers(client, scheduler))
        sets = chunk_sets(chunks, parameter_sets)
        # pure=False: no hashing of the scenario for task keys, and no reuse of another run's results.
        futures = [client.submit(simulate_chunk, scenario, seed, part, definitions, part_sets, pure=False)
                   for part, part_sets in zip(chunks, sets)]
        index = {future.key: i for i, future in enumerate(futures)}
        results: dict[int, OutcomeLedger] = {}
        for future in distributed.as_completed(futures, loop=client.loop):  # not the default client
            i = index[future.key]
            results[i] = future.result()  # a worker's exception is re-raised here, as locally
            if progress:
                progress(len(chunks[i]))
    return stack_ledgers([results[i] for i in range(len(chunks))])
