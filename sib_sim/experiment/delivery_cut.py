"""Delivery cuts that happen: under `shortfall: scale_back`, less link-worker capacity from the month
cash and commitment run out, re-simulated on the same draws until payments, cash and capacity agree.

The iteration, for each replication whose waterfall cuts delivery:
1. price the measured cohort (contract, then finance) and find the first month `m` with a cut: costs
   that neither cash nor commitment could pay;
2. lower the cap on caseload slots from month `m` on by the fewest whole slots whose link-worker cost
   covers that month's cut (`ceil(cut / cost of one slot's FTE for a month)`); the cap never rises
   again, and it only ever falls (it is the minimum with every earlier cap);
3. re-simulate the replication on the same random streams with the staffing held under the cap
   (fewer new starts from month `m`; no one's current support ends: the model's caseload never
   ends support when capacity falls, it only delays starts), and go back to 1.

The fixed point is reached when the waterfall cuts nothing: the capacity schedule, the outcomes it
buys, the payments they earn and the cash they bring then agree. Because capacity only falls, by at
least one slot an iteration, and is a whole number of slots, the iteration cannot oscillate and ends
in at most as many steps as there are slots; `MAX_ITERATIONS` bounds it. Its limits: capacity, once
cut, stays cut for the rest of the programme (no re-expansion when later income arrives), so it is
the largest schedule *of this form* that is fully funded, not the best possible one; costs that do
not scale with capacity (management, evaluation, per-participant costs already committed) cannot be
cut, so when they alone exceed the money left, or after `MAX_ITERATIONS`, the run is reported as not
converged (`capacity_cut_not_converged`) and its remaining cut stays in `delivery_cut`.

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
    cut_month: float  # first month capacity was cut (NaN: never)
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
    return replace(ledger, parameters={k: np.array([float(v)]) for k, v in parameters.items()})


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
    """Lower the caps of each replication, month by month from its first cut, on this simulation's
    outcomes and income: each cut month's link-worker posts are reduced in a copy of the ledger (their
    cost with them) and the finance re-priced, until no month is cut or a cut month has no capacity
    left to cut. Returns whether each replication had a cap lowered (it is then re-simulated, since
    fewer starts change outcomes)."""
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
            now = int(round(series["capacity"][j][months[0]])) if months.size else 0
            if now <= 0:  # nothing cut; or nothing left to cut this month: costs that do not scale with capacity
                open_[j] = False
                continue
            m = int(months[0])
            caps[j][m] = max(now - math.ceil(cut[j, m] / slot_costs[j] - 1e-9), 0)
            series["capacity"][j, m] = caps[j][m]
            per_worker = per_fte_month / slot_costs[j]
            series["link_worker_fte"][j, m] = min(series["link_worker_fte"][j, m], caps[j][m] / per_worker)
            lowered[j] = True
        trial = replace(trial, series=series)
    return lowered


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
