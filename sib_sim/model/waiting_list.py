"""The fast flow engine: the FIFO waiting list and caseload computed directly, without simpy.

It follows the simpy engine (model/caseload.py) rule for rule, so on the same draws both give the
same flow: a patient ready for a first appointment starts at once if a slot is free, else joins the
back of the list; a slot freeing or a staffing step serves the list from the front, dropping anyone
whose wait has passed `max_wait_months`; nothing happens at or after the horizon. A cut in capacity
never ends anyone's support. Start times are taken from the draws (a ready time, an end of support,
a staffing month), so they match simpy's clock to rounding.

The loop visits each event once: an arrival, an end of support (a heap of end times) or a staffing
step. Stretches where the list is empty are the common case and take the short path.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class QueueResult:
    """Per patient in ready order: start month (NaN: never started), gave up, and the start order."""

    start: np.ndarray
    gave_up: np.ndarray
    start_order: np.ndarray  # patient indices in the order they started


def run_waiting_list(ready: np.ndarray, service: np.ndarray, steps: list[tuple[float, int]],
                     max_wait: float, horizon: float) -> QueueResult:
    """`ready` sorted, all before the horizon; `service` the months each would stay in support;
    `steps` (from_month, slots) with increasing months, the first at month 0."""
    return _Queue(ready, service, steps, max_wait).run(horizon)


class _Queue:
    def __init__(self, ready: np.ndarray, service: np.ndarray, steps: list[tuple[float, int]],
                 max_wait: float) -> None:
        self.ready, self.service = ready.tolist(), service.tolist()
        self.step_times = [float(m) for m, _ in steps] + [np.inf]
        self.step_caps = [int(c) for _, c in steps]
        self.max_wait = max_wait
        n = len(self.ready)
        self.start = [np.nan] * n
        self.gave_up = [False] * n
        self.order: list[int] = []
        self.ends: list[float] = []  # a heap of the end months of those in support
        self.queue: deque[int] = deque()
        self.capacity, self.step = 0, 0

    def run(self, horizon: float) -> QueueResult:
        ready, service, ends, queue, order = self.ready, self.service, self.ends, self.queue, self.order
        step_times, step_caps, start = self.step_times, self.step_caps, self.start
        pop, push = heapq.heappop, heapq.heappush
        for i, r in enumerate(ready):
            if queue:
                self.events_until(r)  # the list is served at each end and step before r
            if not queue:
                # Nobody waiting: ends and steps before r change only counts, so apply them in bulk.
                while step_times[self.step] <= r:  # a step at r comes first, as in the event loop
                    self.capacity = step_caps[self.step]
                    self.step += 1
                while ends and ends[0] <= r:
                    pop(ends)
                if len(ends) < self.capacity:
                    start[i] = r
                    push(ends, r + service[i])
                    order.append(i)
                    continue
            queue.append(i)
        if queue:
            self.events_until(horizon, before=True)
        for p in queue:  # still waiting at the horizon: gave up if their wait ran out before it
            self.gave_up[p] = ready[p] + self.max_wait < horizon
        return QueueResult(np.array(start, dtype=float), np.array(self.gave_up, dtype=bool),
                           np.array(order, dtype=np.int64))

    def events_until(self, t: float, before: bool = False) -> None:
        """Staffing steps and ends of support at or before t (strictly before with `before`), in
        time order (a step first at a tie), serving the list at each while anyone waits."""
        ends, queue, ready, service, start = self.ends, self.queue, self.ready, self.service, self.start
        step_times, max_wait, order = self.step_times, self.max_wait, self.order
        pop, push, inf = heapq.heappop, heapq.heappush, np.inf
        while queue:
            t_step = step_times[self.step]
            t_end = ends[0] if ends else inf
            now = t_step if t_step <= t_end else t_end
            if now > t or (before and now >= t):
                return
            if t_step <= t_end:
                self.capacity = self.step_caps[self.step]
                self.step += 1
            else:
                pop(ends)
            # Serve the list from the front; those whose give-up came first are dropped, as in simpy.
            while len(ends) < self.capacity and queue:
                p = queue.popleft()
                if ready[p] + max_wait < now:
                    self.gave_up[p] = True
                    continue
                start[p] = now
                push(ends, now + service[p])
                order.append(p)
