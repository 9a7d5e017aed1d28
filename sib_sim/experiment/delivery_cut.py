"""Delivery cuts that happen: under `shortfall: scale_back`, less link-worker capacity when cash and
commitment run out, re-simulated on the same draws until payments, cash and capacity agree.

The iteration, for each replication whose waterfall cuts delivery:
1. price the measured cohort (contract, then finance) and find the first month `m` with a cut: costs
   that neither cash nor commitment could pay;
2. release the fewest whole caseload slots whose link-worker cost covers that cut
   (`ceil(cut / cost of one slot's FTE for a month)` slot-months): from month `m` first, then from
   the months before it, latest first, and never below the number carried into that month and still
   in support at mid-month (in support at mid-month less the month's starts). No one's support
   ends, so the link workers of those in support stay paid: what is cut is capacity that would have
   taken new starts, and a month's saving in an earlier month is still there at `m` (undrawn
   commitment and cash carry forward). Re-price and repeat from the next cut month;
3. re-simulate the replication on the same random streams with the staffing held under the caps
   (fewer new starts in the capped months), and go back to 1.

A month's cap only ever falls, and applies to that month alone: capacity returns to plan in months
that can be paid. The fixed point is reached when the waterfall cuts nothing: the capacity schedule,
the outcomes it buys, the payments they earn and the cash they bring then agree. Because capacity
only falls, by at least one slot an iteration, and is a whole number of slots, the iteration cannot
oscillate and ends in at most as many steps as there are slot-months; `MAX_ITERATIONS` bounds it.
Its limits: it is the largest schedule *of this form* that is fully funded (latest months cut first),
not the best possible one; costs that do not scale with capacity (management, evaluation,
per-participant costs already committed) and the link workers of those already in support cannot be
cut, so when they alone exceed the money left, or after `MAX_ITERATIONS`, the run is reported as not
converged (`capacity_cut_not_converged`) and its remaining cut stays in `delivery_cut`.

Why earlier months, when the money runs out only at `m`: from `m` on, the programme can stop new
starts, but the link workers of everyone already in support must still be paid, and 18-24 months of
support outlast the shortfall. Cutting from `m` alone would leave that cost unpaid (or, as this
module did before it kept a floor, pretend it saved money on posts that patients still need). The
only way to meet it is to have started fewer people before `m`. So the cut models an SPV that sees
its cash position coming, as its monthly forecast would show it, and pauses new starts just early
enough; a run where even that cannot pay (the caseload alone costs more than is left) is reported as
not converged, with the rest of its cut unfunded.

The capacity override is a scenario -> scenario function (the staffing steps), applied after the
replication's parameter draws, so the model itself is not changed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..contract import apply_contract
from ..finance import delivery_costs, spv_waterfall
from ..measure import OutcomeDefinitions, OutcomeLedger, measure_outcomes, stack_ledgers
from ..model import simulate_cohort
from ..rng import streams
from ..scenario import Scenario
from ..scenario.service import StaffingStep
from .parameters import draw_parameters, point_values, with_parameters

MAX_ITERATIONS = 60
CUT_TOLERANCE = 1e-6  # money: a cut below this is rounding


@dataclass(frozen=True)
class CutReplication:
    """One replication at its fixed point."""

    ledger: OutcomeLedger
    cut_month: float  # first month whose capacity was cut (NaN: never)
    planned_slots: float  # slot-months of capacity planned
    slots: float  # slot-months of capacity delivered
    iterations: int  # re-simulations
    converged: bool
    capacities: tuple[np.ndarray, ...]  # capacity by month at each iteration (the first: as planned)


def needs_cut(scenario: Scenario, ledger: OutcomeLedger) -> np.ndarray:
    """(n,) True where the waterfall cuts delivery under scale_back."""
    if scenario.finance.shortfall != "scale_back":
        return np.zeros(ledger.n_replications, dtype=bool)
    income = apply_contract(scenario.contract, ledger).paid.sum(axis=(1, 2))
    cut = spv_waterfall(scenario, income, sum(delivery_costs(scenario, ledger).values())).delivery_cut
    return cut.sum(axis=1) > CUT_TOLERANCE


def take(ledger: OutcomeLedger, i: int) -> OutcomeLedger:
    """Replication i of a stacked ledger, as a ledger of one."""
    def pick(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: v[i:i + 1] for k, v in d.items()}

    return replace(ledger, series=pick(ledger.series), scalars=pick(ledger.scalars),
                   star_change_histogram=ledger.star_change_histogram[i:i + 1], milestones=pick(ledger.milestones),
                   cohorts=pick(ledger.cohorts), parameters=pick(ledger.parameters),
                   comparison_milestones=pick(ledger.comparison_milestones),
                   by_area={a: pick(v) for a, v in ledger.by_area.items()},
                   area_milestones={a: pick(v) for a, v in ledger.area_milestones.items()},
                   area_comparison_milestones={a: pick(v) for a, v in ledger.area_comparison_milestones.items()})


def with_slot_cap(world: Scenario, caps: Mapping[int, int]) -> Scenario:
    """The world with link-worker posts held to at most `slots / caseload_per_worker` in each capped
    month (month -> slots): the pointwise minimum of the planned staffing and the caps."""
    if not caps:
        return world
    per_worker = world.service.caseload_per_worker
    planned = [(s.from_month, s.fte) for s in world.service.link_worker_fte]

    def level(at: float) -> float:
        fte = [f for start, f in planned if start <= at][-1]
        month = int(math.floor(at))
        return min(fte, caps[month] / per_worker) if month in caps else fte

    breaks = sorted({start for start, _ in planned} | {float(m) for m in caps} | {float(m + 1) for m in caps})
    steps = [StaffingStep(from_month=b, fte=level(b)) for b in breaks if b < world.run.horizon_months]
    # model_copy, not re-validation: a programme cut to no link workers at all is a valid outcome here.
    return world.model_copy(update={"service": world.service.model_copy(update={"link_worker_fte": steps})})


def simulate_capped(scenario: Scenario, seed: int, replication: int, definitions: OutcomeDefinitions | None,
                    caps: Mapping[int, int], parameters: Mapping[str, float] | None = None) -> OutcomeLedger:
    """experiment.replicate.simulate_replication with the slot caps applied after the parameter draws:
    the same named streams, so the same draws. `parameters`: the replication's parameter values when
    they were given rather than drawn (a sensitivity design point); by default drawn as in the run."""
    named = streams(seed, replication)
    if parameters is None:
        parameters = draw_parameters(scenario, named.parameters) if scenario.run.uncertainty \
            else point_values(scenario)
    world = with_slot_cap(with_parameters(scenario, parameters), caps)
    ledger = measure_outcomes(simulate_cohort(world, named), world, named, definitions)
    series = dict(ledger.series)
    series["link_worker_fte"] = staffed_fte(series, world.service.caseload_per_worker)
    return replace(ledger, series=series, parameters={k: np.array([float(v)]) for k, v in parameters.items()})


def carried_in(series: Mapping[str, np.ndarray]) -> np.ndarray:
    """(n, months) at least how many were in support before each month and still are at mid-month:
    in support at mid-month less every start of the month (a cap in a month stops only its starts)."""
    return np.maximum(series["in_service"] - series["engaged"], 0.0)


def staffed_fte(series: Mapping[str, np.ndarray], caseload: float) -> np.ndarray:
    """Link-worker FTE paid each month under the caps: the capped posts, but never fewer than those
    carried into the month need. A cap cannot end anyone's support (the model never does), so
    their link workers stay paid; without this, a cut below the caseload in support would save money
    that a real programme still spends."""
    needed = np.ceil(carried_in(series) - 1e-9) / caseload
    return np.maximum(series["link_worker_fte"], needed)


def slot_cost_per_month(scenario: Scenario, ledger: OutcomeLedger) -> float:
    """The link-worker cost of one caseload slot for a month (one slot is 1 / caseload_per_worker FTE),
    with the replication's own parameter values (the caseload may be uncertain)."""
    world = with_parameters(scenario, {k: float(v[0]) for k, v in ledger.parameters.items()})
    return world.finance.costs.link_worker_per_fte_per_year / 12.0 / world.service.caseload_per_worker


def fixed_point(scenario: Scenario, seed: int, replication: int, ledger: OutcomeLedger,
                definitions: OutcomeDefinitions | None = None) -> CutReplication:
    """Iterate one replication (`ledger`: its planned run, one replication) to its fixed point."""
    return fixed_points(scenario, seed, [replication], ledger, definitions)[0]


def fixed_points(scenario: Scenario, seed: int, replications: Sequence[int], ledger: OutcomeLedger,
                 definitions: OutcomeDefinitions | None = None) -> list[CutReplication]:
    """Iterate replications (`ledger`: their planned runs, stacked in the order of `replications`) to
    their fixed points, each as if alone. They are priced together, one contract and one waterfall
    call for all those still iterating at each step: those calls cost per month, not per replication
    (every replication's row is computed as it would be alone), and the cut ones are iterated tens of
    times each."""
    k = ledger.n_replications
    current = [take(ledger, j) for j in range(k)]
    planned = [one.series["capacity"][0].astype(float) for one in current]
    capacities = [[p] for p in planned]
    caps: list[dict[int, int]] = [{} for _ in range(k)]
    slot_costs = [slot_cost_per_month(scenario, one) for one in current]
    # The values each planned run used (drawn, or a design point's): its cut runs keep them.
    parameters = [{name: float(v[0]) for name, v in one.parameters.items()} for one in current]
    results: list[CutReplication | None] = [None] * k
    active = list(range(k))
    for iteration in range(MAX_ITERATIONS + 1):
        lowered = _cap_months(scenario, stack_ledgers([current[j] for j in active]), [caps[j] for j in active],
                              [slot_costs[j] for j in active])
        done = [j for j, low in zip(active, lowered) if not low or iteration == MAX_ITERATIONS]
        if done:
            still_cut = _cuts(scenario, stack_ledgers([current[j] for j in done])).any(axis=1)
            for j, cut in zip(done, still_cut):
                results[j] = _result(current[j], caps[j], planned[j], iteration, not cut, capacities[j])
        active = [j for j in active if results[j] is None]
        if not active:
            return [r for r in results if r is not None]
        for j in active:
            current[j] = simulate_capped(scenario, seed, int(replications[j]), definitions, caps[j],
                                         parameters[j])
            capacities[j].append(current[j].series["capacity"][0].astype(float))
    raise AssertionError("unreachable")


def _cut(scenario: Scenario, ledger: OutcomeLedger, income: np.ndarray | None = None) -> np.ndarray:
    """The waterfall's cut by month (rounding dropped) of a one-replication ledger."""
    return _cuts(scenario, ledger, income)[0]


def _cuts(scenario: Scenario, ledger: OutcomeLedger, income: np.ndarray | None = None) -> np.ndarray:
    """(n, months): the waterfall's cut by replication and month (rounding dropped). `income`: the
    monthly outcome payments when already known (the ledger's outcomes unchanged), so that only the
    waterfall is re-run."""
    if income is None:
        income = apply_contract(scenario.contract, ledger).paid.sum(axis=(1, 2))
    cut = spv_waterfall(scenario, income, sum(delivery_costs(scenario, ledger).values())).delivery_cut
    return np.where(cut > CUT_TOLERANCE, cut, 0.0)


def _cap_months(scenario: Scenario, ledger: OutcomeLedger, caps: list[dict[int, int]],
                slot_costs: list[float]) -> list[bool]:
    """Lower the caps of each replication on this simulation's outcomes and income: link-worker posts
    are released in a copy of the ledger (their cost with them) for every cut month in turn, and the
    finance re-priced, until no month is cut or no slot is left to release. Returns whether each
    replication had a cap lowered (it is then re-simulated, since fewer starts change outcomes).

    One pass covers every cut month, in order: money saved in a month stays in the SPV (cash and
    undrawn commitment carry forward, and a short SPV distributes nothing), so each month needs only
    what the months before it did not already save: the running total of cuts less the savings so
    far. The waterfall, re-run after the pass, checks that; where cash did leave between two months,
    the next pass releases what is still missing. (Releasing for one cut month at a time, with a
    waterfall run after each, gave the same caps at tens of times the cost.)"""
    trial, lowered = ledger, [False] * ledger.n_replications
    income = apply_contract(scenario.contract, ledger).paid.sum(axis=(1, 2))  # outcomes fixed until re-simulated
    per_fte_month = scenario.finance.costs.link_worker_per_fte_per_year / 12.0
    open_ = [cost > 0 for cost in slot_costs]
    for _ in range(ledger.horizon_months):
        if not any(open_):
            break
        cut = _cuts(scenario, trial, income)
        series = dict(trial.series)
        series["capacity"], series["link_worker_fte"] = series["capacity"].copy(), series["link_worker_fte"].copy()
        for j in (j for j in range(len(open_)) if open_[j]):
            months = np.flatnonzero(cut[j])
            released, missing = False, 0.0
            for m in months:
                missing += cut[j, m]
                slots = _release_slots(series, j, int(m), math.ceil(missing / slot_costs[j] - 1e-9), caps[j],
                                       per_fte_month / slot_costs[j])
                missing -= slots * slot_costs[j]
                released = released or slots > 0
            if released:
                lowered[j] = True
            else:  # nothing cut; or nothing left to cut: those in support keep their link workers, fixed costs stay
                open_[j] = False
        trial = replace(trial, series=series)
    return lowered


def _release_slots(series: dict[str, np.ndarray], j: int, month: int, slots: int, caps: dict[int, int],
                   per_worker: float) -> int:
    """Take `slots` slot-months of link-worker capacity (one slot-month costs the same in every month)
    from `month`, then from the months before it, latest first, never below the number carried into
    a month and still in support at mid-month: no one's support ends, so their link workers stay
    paid, and what a cut saves is capacity that would have taken new starts. Money not spent earlier is still there at
    `month` (undrawn commitment and cash carry forward). Updates `caps` and the copied series;
    returns how many slot-months it released (0: no month had a slot to release)."""
    capacity, fte = series["capacity"][j], series["link_worker_fte"][j]
    carried = carried_in(series)[j]
    released = 0
    for m in range(month, -1, -1):
        if slots <= 0:
            break
        now = int(round(capacity[m]))
        room = now - min(int(math.ceil(carried[m] - 1e-9)), now)
        take = min(room, slots)
        if take <= 0:
            continue
        caps[m] = now - take
        capacity[m] = caps[m]
        fte[m] = max(min(fte[m], caps[m] / per_worker), math.ceil(carried[m] - 1e-9) / per_worker)
        slots -= take
        released += take
    return released


def _result(ledger: OutcomeLedger, caps: Mapping[int, int], planned: np.ndarray, iterations: int,
            converged: bool, capacities: list[np.ndarray]) -> CutReplication:
    return CutReplication(ledger, float(min(caps)) if caps else math.nan, float(planned.sum()),
                          float(ledger.series["capacity"][0].sum()), iterations, converged, tuple(capacities))


def resolve_cuts(scenario: Scenario, ledger: OutcomeLedger, seed: int, replications: Sequence[int],
                 definitions: OutcomeDefinitions | None = None,
                 cut: np.ndarray | None = None) -> tuple[OutcomeLedger, dict[str, np.ndarray]]:
    """The ledger with every cut replication at its fixed point, and the cut metrics per replication:
    `capacity_cut` (0/1), `capacity_cut_share` (share of planned slot-months not delivered),
    `capacity_cut_month` (first month cut; NaN if none), `capacity_cut_iterations`,
    `capacity_cut_not_converged` (0/1). `cut`: needs_cut(scenario, ledger) when the caller has
    priced the ledger already (its `delivery_cut` metric above CUT_TOLERANCE)."""
    n = ledger.n_replications
    metrics = {"capacity_cut": np.zeros(n), "capacity_cut_share": np.zeros(n),
               "capacity_cut_month": np.full(n, np.nan), "capacity_cut_iterations": np.zeros(n),
               "capacity_cut_not_converged": np.zeros(n)}
    cut = needs_cut(scenario, ledger) if cut is None else np.asarray(cut, dtype=bool)
    if not cut.any():
        return ledger, metrics
    cut_at = [int(i) for i in np.flatnonzero(cut)]
    solved = dict(zip(cut_at, fixed_points(scenario, seed, [int(replications[i]) for i in cut_at],
                                            stack_ledgers([take(ledger, i) for i in cut_at]), definitions)))
    for i, result in solved.items():
        metrics["capacity_cut"][i] = float(bool(result.iterations))
        metrics["capacity_cut_share"][i] = 1.0 - result.slots / result.planned_slots if result.planned_slots else 0.0
        metrics["capacity_cut_month"][i] = result.cut_month
        metrics["capacity_cut_iterations"][i] = result.iterations
        metrics["capacity_cut_not_converged"][i] = float(not result.converged)
    return stack_ledgers([solved[i].ledger if i in solved else take(ledger, i) for i in range(n)]), metrics
