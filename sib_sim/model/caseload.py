"""The link workers' caseload as a simpy pool of slots with a FIFO waiting list.

Capacity (FTE x caseload) changes over time, so neither simpy.Resource (fixed capacity, release
scans a list) nor Container (a queued `get` cannot jump ahead to shrink capacity) fits. This pool
keeps counts and a deque and lets simpy own the clock: one timeout per start and per give-up.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import numpy as np
import simpy


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
        self.env.timeout(self.max_wait_months).callbacks.append(lambda _event: self._give_up(patient))

    def set_capacity(self, capacity: int) -> None:
        # A cut in capacity never ends anyone's support: it only delays new starts.
        self.capacity = capacity
        self._serve_queue()

    def _start(self, patient: int) -> None:
        self.in_use += 1
        self.start[patient] = self.env.now
        self.order.append(patient)
        self.env.timeout(self.service_months[patient]).callbacks.append(self._finish)

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
            yield env.timeout(month - env.now)
        pool.set_capacity(capacity)


def arrivals_process(env: simpy.Environment, pool: CaseloadPool,
                     ready_months: np.ndarray) -> Iterator[simpy.Event]:
    """Patients become ready for a first appointment in time order (ready_months is sorted)."""
    for patient, ready in enumerate(ready_months):
        if ready > env.now:
            yield env.timeout(ready - env.now)
        pool.arrive(patient)
