"""The fast flow engine: the FIFO waiting list and caseload computed directly, without simpy.

It follows the simpy engine (model/caseload.py) rule for rule, so on the same draws both give the
same flow: a patient ready for a first appointment starts at once if a slot is free, else joins the
back of the list; a slot freeing or a staffing step serves the list from the front, dropping anyone
whose wait has passed `max_wait_months`; nothing happens at or after the horizon. Events at one
month come in a fixed order: staffing steps, ends of support, arrivals one at a time (a support of
no length ends before the next arrival), then give-ups (so a wait that runs out at exactly that
month still starts). A cut in capacity never ends anyone's support. Start times are taken from the
draws (a ready time, an end of support, a staffing month), so they match simpy's clock to rounding.

Two modes. While nobody waits (the common case), ends of support and staffing steps change only
counts, so a run of arrivals is settled in bulk: each starts at once unless the number still in
support when it arrives (ends after its ready time) has reached the capacity at that time, and
both counts are sorted searches over the whole run. The first arrival who finds no free slot joins
the list. While the list is in use it is settled window by window (see `_Queue.windows`): FIFO
with no one ending who started in the window is a merge of the sorted ends of those in support with
the list's ready times. An event loop (each end of support from a heap, each staffing step) takes
what neither settles: near capacity with the list empty, supports of no length, short windows. The
event loop alone is the same rules one event at a time (`settle_at_once=False`), and tests hold the
two to identical numbers.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass

import numpy as np

FIRST_RUN = 64  # arrivals tried in bulk after the list empties; doubled after each run that all start
LONGEST_RUN = 8192
# Free slots at which the event loop hands back to bulk mode. Near capacity, runs in bulk end after
# a few arrivals and each hand-over sorts everyone in support: the event loop is cheaper there.
PLENTY = 32
# A window settled at once must start at least this many, or the event loop takes the next
# WINDOW_REST arrivals (a single slot, or capacity steps close together, make windows short).
WINDOW_LEAST, WINDOW_REST, WINDOW_ARRIVALS = 8, 32, 1024


@dataclass(frozen=True)
class QueueResult:
    """Per patient in ready order: start month (NaN: never started), gave up, and the start order."""

    start: np.ndarray
    gave_up: np.ndarray
    start_order: np.ndarray  # patient indices in the order they started


def run_waiting_list(ready: np.ndarray, service: np.ndarray, steps: list[tuple[float, int]],
                     max_wait: float, horizon: float, settle_at_once: bool = True) -> QueueResult:
    """`ready` sorted, all before the horizon; `service` the months each would stay in support;
    `steps` (from_month, slots) with increasing months, the first at month 0. `settle_at_once`
    False: the event loop alone, one event at a time (tests hold the bulk runs and windows to it)."""
    return _Queue(ready, service, steps, max_wait, settle_at_once).run(horizon)


class _Queue:
    def __init__(self, ready: np.ndarray, service: np.ndarray, steps: list[tuple[float, int]],
                 max_wait: float, settle_at_once: bool) -> None:
        self.settle_at_once = settle_at_once
        self.ready_array = np.asarray(ready, dtype=float)
        self.ends_array = self.ready_array + np.asarray(service, dtype=float)  # end if started at once
        self.service_array = np.asarray(service, dtype=float)
        self.step_months = np.array([m for m, _ in steps], dtype=float)
        self.slots = np.array([0] + [int(c) for _, c in steps], dtype=np.int64)  # [k]: after k steps
        self.step_times = [float(m) for m, _ in steps] + [np.inf]
        self.step_caps = [int(c) for _, c in steps]
        self.max_wait = max_wait
        n = self.ready_array.size
        self.start = np.full(n, np.nan)
        self.gave_up = np.zeros(n, dtype=bool)
        self.started: list[np.ndarray] = []  # the start order, in runs
        self.order: list[int] = []  # the event loop's starts since it last handed back
        self.pending = np.empty(0)  # bulk mode: sorted ends of those in support
        self.ends: list[float] = []  # event loop: a heap of the end months of those in support
        self.queue: deque[int] = deque()
        self.capacity, self.step = 0, 0

    def run(self, horizon: float) -> QueueResult:
        n, i, run_length, settle_at_once = self.ready_array.size, 0, FIRST_RUN, self.settle_at_once
        in_bulk, rest = settle_at_once, 0  # rest: arrivals the event loop takes before windows again
        while i < n:
            if in_bulk:
                i, run_length, in_bulk = self.bulk(i, run_length)
            elif self.queue and not rest and settle_at_once:
                i, worth_it = self.windows(i, horizon)
                rest = 0 if worth_it else WINDOW_REST
            else:
                in_bulk, run_length = self.arrive(i), FIRST_RUN
                i += 1
                rest = max(rest - 1, 0)
        if self.queue:
            self.events_until(horizon, before=True)
        ready = self.ready_array
        for p in self.queue:  # still waiting at the horizon: gave up if their wait ran out before it
            self.gave_up[p] = ready[p] + self.max_wait < horizon
        self.started.append(np.array(self.order, dtype=np.int64))
        return QueueResult(self.start, self.gave_up, np.concatenate(self.started))

    def arrive(self, i: int) -> bool:
        """Arrival i in the event loop: serve the list up to its ready time, then start it or add it
        to the list. True when the list is empty and slots are plentiful, so bulk mode pays again."""
        r, ends = float(self.ready_array[i]), self.ends
        if self.queue:
            self.events_until(r)  # the list is served at each end and step before r
        if self.queue:
            self.queue.append(i)
            return False
        # Nobody waiting: ends and steps before r change only counts, so apply them in bulk.
        step_times = self.step_times
        while step_times[self.step] <= r:  # a step at r comes first, as in the event loop
            self.capacity = self.step_caps[self.step]
            self.step += 1
        while ends and ends[0] <= r:
            heapq.heappop(ends)
        free = self.capacity - len(ends)
        if free <= 0:
            self.queue.append(i)
            return False
        self.start[i] = r
        heapq.heappush(ends, r + float(self.service_array[i]))
        self.order.append(i)
        if free <= PLENTY or not self.settle_at_once:
            return False
        self.hand_back()
        return True

    def bulk(self, first: int, run_length: int) -> tuple[int, int, bool]:
        """Arrivals from `first` with nobody waiting: start those who find a free slot, up to the
        first who does not, who joins the list (the event loop takes over). Returns the next
        arrival to place, the next run's length and whether bulk mode goes on."""
        stop = min(first + run_length, self.ready_array.size)
        ready, ends = self.ready_array[first:stop], self.ends_array[first:stop]
        # A support of no length (its end is its ready time) would be counted as ended by an earlier
        # arrival at the same month: such a patient only ever opens a run, where nobody precedes it.
        instant = np.flatnonzero(ends <= ready)
        if instant.size:
            stop = first + max(int(instant[0]), 1)
            ready, ends = ready[:stop - first], ends[:stop - first]
        # In support at arrival i: ends after r_i, among those already in support and the earlier
        # arrivals of this run (a later arrival's end is after r_i, so counting all of them is
        # the same as counting the earlier ones). An end at r_i has freed its slot.
        pending = self.pending
        earlier_ended = np.searchsorted(np.sort(ends, kind="stable"), ready, side="right")
        earlier_ended[0] = 0  # nobody precedes the first: not even its own instant end
        busy = pending.size - np.searchsorted(pending, ready, side="right") + np.arange(ready.size) - earlier_ended
        steps_done = np.searchsorted(self.step_months, ready, side="right")  # a step at r_i comes first
        full = np.flatnonzero(busy >= self.slots[steps_done])
        k = int(full[0]) if full.size else ready.size
        self.start[first:first + k] = ready[:k]
        self.started.append(np.arange(first, first + k, dtype=np.int64))
        merged = np.sort(np.concatenate([pending, ends[:k]]), kind="stable")  # two sorted runs
        if k == ready.size:
            self.pending = merged[np.searchsorted(merged, ready[-1], side="right"):]
            return stop, min(2 * run_length, LONGEST_RUN), True
        # Patient first + k finds every slot taken: the event loop takes over from its arrival.
        waiting, r = first + k, float(ready[k])
        self.ends = merged[np.searchsorted(merged, r, side="right"):].tolist()  # sorted: a heap
        self.step = int(steps_done[k])
        self.capacity = int(self.slots[self.step])
        self.queue.append(waiting)
        return waiting + 1, FIRST_RUN, False

    def windows(self, nxt: int, horizon: float) -> tuple[int, bool]:
        """Serve a list that is in use window by window, each settled at once; `nxt` the next
        arrival, all events up to the last arrival's ready time done. Returns the next arrival for
        the event loop and whether the windows settled enough to be worth trying again.

        A window runs from now until the next staffing step, the first give-up the list's front
        could reach, or the horizon. The list is FIFO and holds the arrivals from its front to
        `nxt`. While no one who starts in the window has ended, the k-th slot freed is the k-th
        end of those in support (after the first len(in support) - capacity ends, which only
        bring the count down to capacity), and the k-th in the list, or the k-th arrival after
        it, starts at the later of its ready time and that slot. The window is cut at the first
        end of someone it started; everything before the cut is settled."""
        ready, service, max_wait = self.ready_array, self.service_array, self.max_wait
        self.flush()
        ends = np.sort(np.array(self.ends, dtype=float))
        head, n, started = self.queue[0], ready.size, 0
        limit = min(self.step_times[self.step], horizon)  # no step inside a window
        while True:
            cut = min(limit, ready[head] + max_wait)  # nobody's wait can run out inside it
            last = min(nxt + WINDOW_ARRIVALS, n)
            if last < n:
                cut = min(cut, ready[last])
            stop = nxt + int(np.searchsorted(ready[nxt:last], cut, side="left"))
            slots = ends[ends.size - self.capacity:]
            k = min(stop - head, int(np.searchsorted(slots, cut, side="left")))
            begin = np.maximum(ready[head:head + k], slots[:k])
            finish = begin + service[head:head + k]
            instant = np.flatnonzero(finish <= begin)  # a support of no length: leave it to the loop
            if instant.size:  # and cut before it, so that whatever starts at that time waits too
                cut = float(begin[instant[0]])
                k = int(np.searchsorted(begin, cut, side="left"))
            if k == 0:
                break
            first_end = np.minimum.accumulate(finish[:k])
            late = np.flatnonzero(begin[1:k] >= first_end[:k - 1])  # a slot from this window's starts
            k = int(late[0]) + 1 if late.size else k
            cut = min(cut, float(first_end[k - 1]))
            self.start[head:head + k] = begin[:k]
            self.started.append(np.arange(head, head + k, dtype=np.int64))
            kept = ends[np.searchsorted(ends, cut, side="left"):]
            ends = np.sort(np.concatenate([kept, finish[:k]]), kind="stable")
            head += k
            started += k
            nxt = max(head, nxt + int(np.searchsorted(ready[nxt:stop], cut, side="left")))
            if head == nxt or k < WINDOW_LEAST:
                break
        self.ends = ends.tolist()  # sorted: a heap
        self.queue = deque(range(head, nxt))
        return nxt, started >= WINDOW_LEAST

    def flush(self) -> None:
        self.started.append(np.array(self.order, dtype=np.int64))
        self.order = []

    def hand_back(self) -> None:
        """The list is empty: hand those in support and the starts so far back to bulk mode."""
        self.pending = np.sort(np.array(self.ends, dtype=float))
        self.ends = []
        self.flush()

    def events_until(self, t: float, before: bool = False) -> None:
        """Staffing steps and ends of support at or before t (strictly before with `before`), in
        time order (a step first at a tie), serving the list at each while anyone waits."""
        ends, queue, ready, service, start = self.ends, self.queue, self.ready_array, self.service_array, self.start
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
