"""The link workers' caseload as a simpy pool of slots with a FIFO waiting list: the reference engine.

Capacity (FTE x caseload) changes over time, so neither simpy.Resource (fixed capacity, release
scans a list) nor Container (a queued `get` cannot jump ahead to shrink capacity) fits. This pool
keeps counts and a deque and lets simpy own the clock.

Events at the same month happen in a fixed order, whatever order they were scheduled in (simpy
alone would take them in the order they were scheduled, which is an accident of the run): staffing
steps first, then ends of support, then arrivals one at a time in ready order, then give-ups. So a
slot freed at month t is free for a patient ready at t; a support of no length that starts at t ends
before the next arrival at t; a patient whose longest wait runs out at exactly t may still start at
t. The fast engine (waiting_list.py) follows the same order, and tests hold the two to it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import numpy as np
import simpy

from .waiting_list import QueueResult

# simpy's URGENT (0) is kept for its own events (process starts, the end of the run at the horizon).
STEP, END, ARRIVAL, GIVE_UP = 1, 2, 3, 4


def at(env: simpy.Environment, delay: float, priority: int) -> simpy.Event:
    """An event `delay` months from now that comes after events of lower `priority` at that month."""
    event = simpy.Event(env)
    event._ok, event._value = True, None  # triggered, as simpy's own Timeout is
    env.schedule(event, priority, delay)
    return event


class CaseloadPool:
    def __init__(self, env: simpy.Environment, service_months: np.ndarray, max_wait_months: float) -> None:
        self.env = env
        self.capacity = 0
        self.in_use = 0
        self.service_months = service_months
        self.max_wait_months = max_wait_months
        n = service_months.size
        self.start = np.full(n, np.nan)
        self.gave_up = np.zeros(n, dtype=bool)
        self.order: list[int] = []  # patients in the order they started
        self._queue: deque[int] = deque()

    def arrive(self, patient: int) -> None:
        """A patient ready for a first appointment: start now, or join the back of the list."""
        if self.in_use < self.capacity and not self._queue:
            self._start(patient)
            return
        self._queue.append(patient)
        at(self.env, self.max_wait_months, GIVE_UP).callbacks.append(lambda _event: self._give_up(patient))

    def set_capacity(self, capacity: int) -> None:
        # A cut in capacity never ends anyone's support: it only delays new starts.
        self.capacity = capacity
        self._serve_queue()

    def _start(self, patient: int) -> None:
        self.in_use += 1
        self.start[patient] = self.env.now
        self.order.append(patient)
        at(self.env, self.service_months[patient], END).callbacks.append(self._finish)

    def _finish(self, _event: simpy.Event) -> None:
        self.in_use -= 1
        self._serve_queue()

    def _give_up(self, patient: int) -> None:
        if np.isnan(self.start[patient]):
            self.gave_up[patient] = True

    def _serve_queue(self) -> None:
        while self.in_use < self.capacity and self._queue:
            patient = self._queue.popleft()
            if not self.gave_up[patient]:  # those who gave up are dropped lazily here
                self._start(patient)


def staffing_process(env: simpy.Environment, pool: CaseloadPool,
                     steps: list[tuple[float, int]]) -> Iterator[simpy.Event]:
    """Change the number of caseload slots at each staffing step."""
    for month, capacity in steps:
        if month > env.now:
            yield at(env, month - env.now, STEP)
        pool.set_capacity(capacity)


def arrivals_process(env: simpy.Environment, pool: CaseloadPool,
                     ready_months: np.ndarray) -> Iterator[simpy.Event]:
    """Patients become ready for a first appointment in time order (ready_months is sorted). Each
    arrival is its own event, even at the same month, so that ends of support due at that month
    (a support of no length started by the arrival before) come first."""
    for patient, ready in enumerate(ready_months):
        yield at(env, ready - env.now, ARRIVAL)
        pool.arrive(patient)


def run_simpy_queue(ready: np.ndarray, service_months: np.ndarray, steps: list[tuple[float, int]],
                    max_wait: float, horizon: float) -> QueueResult:
    """The waiting list in simpy, with the arguments of waiting_list.run_waiting_list."""
    env = simpy.Environment()
    pool = CaseloadPool(env, service_months, max_wait)
    env.process(staffing_process(env, pool, steps))
    env.process(arrivals_process(env, pool, ready))
    env.run(until=horizon)
    return QueueResult(pool.start, pool.gave_up, np.array(pool.order, dtype=np.int64))
