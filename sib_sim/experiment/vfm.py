"""Value for money: the SIB against direct commissioning and doing nothing, on the same cohorts.

    from sib_sim.experiment.vfm import value_for_money
    result = value_for_money(scenario, replications=100)
    result.to_dict()["indifference"]

One simulation of the cohorts (common random numbers) is priced three ways (vfm_arms): the SIB,
direct commissioning (the same delivery paid at cost, or a comparator scenario) and no service. On
those arms: each payer's net cost, NPV, cost per participant and per Star point, savings; the
indifference prices (vfm_price): the scale on outcome prices at which the commissioner's discounted
net cost under the SIB equals direct commissioning's, and at which the investor breaks even; the
pricing corridor between the cost floor (delivery plus the cost of finance) and the value ceiling
(what the outcomes are worth to the commissioner at each willingness to pay); the budget exposure
by payer and UK financial year (vfm_budget); and the value of information (voi) for the decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import UserError
from ..finance.costs import delivery_costs
from ..measure import OutcomeLedger, definitions_for
from ..scenario import Scenario
from .compare import DEFAULT_WILLINGNESS, check_currencies, simulation_key
from .executor import Progress, simulate_replications
from .vfm_arms import arm_summary, direct_arm, net_benefit, nothing_arm, outcome_values, sib_arm
from .vfm_budget import budget_exposure, check_budgets, payer_monthly
from .vfm_price import DEFAULT_MAX_SCALE, Indifference, indifference
from .voi import ValueOfInformation, check_groups, value_of_information

__all__ = ["DEFAULT_WILLINGNESS", "ValueForMoney", "value_for_money"]  # the willingness to pay shown: compare's


@dataclass(frozen=True)
class ValueForMoney:
    scenario: Scenario
    comparator: str  # "direct (at cost)" or the comparator scenario's name
    seed: int
    replications: int
    arms: dict[str, pd.DataFrame]  # sib, direct, nothing: one row per replication
    indifference: list[Indifference]
    corridor: list[dict[str, object]]
    budget: pd.DataFrame
    voi: ValueOfInformation
    notes: tuple[str, ...]
    parameters: dict[str, np.ndarray]  # uncertain parameter path -> (replications,) values drawn

    def differences(self) -> dict[str, dict[str, float]]:
        """SIB minus direct for the commissioner, paired by replication."""
        sib, direct = self.arms["sib"], self.arms["direct"]
        out = {}
        for column in ("commissioner.payments", "commissioner.net_cost", "commissioner.net_cost_npv"):
            d = sib[column].to_numpy(dtype=float) - direct[column].to_numpy(dtype=float)
            p5, p95 = np.percentile(d, [5, 95])
            out[column] = {"mean": float(d.mean()), "p5": float(p5), "p95": float(p95),
                           "p_sib_dearer": float(np.mean(d > 0)), "n": int(d.size)}
        return out

    def to_dict(self) -> dict[str, object]:
        return {"scenario": self.scenario.name, "comparator": self.comparator, "currency": self.scenario.currency,
                "seed": self.seed, "replications": self.replications,
                "commissioner": self.scenario.finance.commissioner.payer,
                "arms": {name: arm_summary(arm) for name, arm in self.arms.items()},
                "sib_minus_direct": self.differences(),
                "indifference": [i.summary() for i in self.indifference],
                "corridor": self.corridor, "budget_exposure": self.budget.to_dict(orient="records"),
                "value_of_information": self.voi.to_dict(), "notes": list(self.notes)}


def value_for_money(scenario: Scenario, comparator: Scenario | None = None, replications: int | None = None,
                    seed: int | None = None, workers: int | None = None, progress: Progress | None = None,
                    scheduler: str | None = None, line: str | None = None, max_scale: float = DEFAULT_MAX_SCALE,
                    budgets: Mapping[str, float] | None = None,
                    willingness: Sequence[tuple[float, float]] = DEFAULT_WILLINGNESS,
                    groups: Mapping[str, Sequence[str]] | None = None, programmes: float = 1.0,
                    include_nothing: bool = False, prices: bool = True) -> ValueForMoney:
    """Run the cohorts once and price them as SIB, direct and nothing (see the module's docstring).

    line: scale only this outcome line's price or share (default: every outcome line's).
    budgets: payer -> annual budget for the budget exposure. willingness: (per pound of non-cashable
    savings, per Star point) pairs for the net benefit. groups: name -> uncertain parameter paths, added
    to the scenario's `uncertainty: groups:` (a group of the same name replaces the scenario's).
    programmes: how many programmes the decision applies to (the value of information is scaled by it).
    include_nothing: the decision for the value of information includes doing nothing.
    prices: search the indifference prices and the corridor's scales (a few contract and finance
    evaluations per replication: the slow part with many replications); False leaves them out."""
    from . import priced_with_cuts

    _check(scenario, comparator, line, max_scale, budgets or {}, programmes)
    groups = scenario.parameter_groups() | dict(groups or {})  # the scenario's, with these added or replacing
    check_groups(groups, sorted(scenario.uncertainty))
    n = scenario.run.replications if replications is None else replications
    seed = scenario.run.seed if seed is None else seed
    shared = comparator is not None and simulation_key(comparator) == simulation_key(scenario)
    contracts = [scenario.contract] + ([comparator.contract] if shared else [])
    ledger = simulate_replications(scenario, seed, list(range(n)), workers, scheduler, progress,
                                   definitions_for(contracts))
    # The SIB's money can run out (shortfall: scale_back): its cut runs are re-simulated with less
    # delivery, while direct commissioning pays for the delivery as planned.
    results, delivered = priced_with_cuts(scenario, ledger, seed, list(range(n)), definitions_for(contracts))
    arms = {"sib": sib_arm(results, delivered)}
    monthly = {f"sib.{k}": v for k, v in payer_monthly(results.monthly).items()}
    notes = ["one simulation of the cohorts priced as SIB, direct and no service (common random numbers)"]
    if "capacity_cut" in results.replications and results.replications["capacity_cut"].any():
        notes.append(f"the SIB cut delivery (its money ran out) in {int(results.replications['capacity_cut'].sum())} "
                     f"of {n} runs: those were re-simulated with the cut for the SIB arm; direct commissioning pays "
                     "for the delivery as planned; indifference prices and the corridor re-price the planned delivery")
    if comparator is None:
        arms["direct"] = direct_arm(scenario, ledger)
        monthly[f"direct.{scenario.finance.commissioner.payer}"] = sum(delivery_costs(scenario, ledger).values())
        name = "direct (at cost)"
    else:
        wanted = definitions_for(contracts if shared else [comparator.contract])
        other = ledger if shared else simulate_replications(comparator, seed, list(range(n)), workers, scheduler,
                                                            progress, wanted)
        priced, other = priced_with_cuts(comparator, other, seed, list(range(n)), wanted)  # its own cuts too
        arms["direct"] = sib_arm(priced, other)
        monthly |= {f"direct.{k}": v for k, v in payer_monthly(priced.monthly).items()}
        name = comparator.name
        if not shared:
            notes.append(f"{comparator.name} changes the simulated cohorts: simulated again on the same seeds")
    arms["nothing"] = nothing_arm(scenario, n)
    found, corridor = [], []
    if prices:
        found = _indifference_prices(scenario, ledger, arms["direct"], line, max_scale)
        corridor = _corridor(scenario, ledger, results.replications, willingness, line, max_scale)
    else:
        notes.append("indifference prices and the corridor were not searched (prices=False, --no-prices)")
    caps = {f"sib.{p.id}": p.cap for p in scenario.contract.payers}
    budget = budget_exposure(monthly, scenario.run.start_date, caps,
                             {f"{arm}.{k}": v for k, v in (budgets or {}).items() for arm in ("sib", "direct")})
    options = ["sib", "direct"] + (["nothing"] if include_nothing else [])
    benefits = {(a, b): {o: net_benefit(arms[o], a, b) for o in options} for a, b in willingness}
    voi = value_of_information(benefits, dict(ledger.parameters), groups, programmes, seed)
    return ValueForMoney(scenario, name, seed, n, arms, found, corridor, budget, voi, tuple(notes),
                         dict(ledger.parameters))


def _check(scenario: Scenario, comparator: Scenario | None, line: str | None, max_scale: float,
           budgets: Mapping[str, float], programmes: float) -> None:
    if comparator is not None:
        check_currencies([scenario, comparator])
    ids = [rule.id for rule in scenario.contract.outcomes]
    if line is not None and line not in ids:
        raise UserError(f"unknown outcome line {line!r}", where="--line",
                        hint=f"the scenario's lines: {', '.join(ids)}")
    if not np.isfinite(max_scale) or max_scale <= 0:
        raise UserError(f"the largest price scale searched must be above 0 (got {max_scale:g})", where="--max-scale")
    if not np.isfinite(programmes) or programmes <= 0:
        raise UserError(f"the number of programmes must be above 0 (got {programmes:g})", where="--programmes")
    check_budgets(budgets, [p.id for p in scenario.contract.payers])


def _indifference_prices(scenario: Scenario, ledger: OutcomeLedger, direct: pd.DataFrame, line: str | None,
                         max_scale: float) -> list[Indifference]:
    direct_cost = direct["commissioner.net_cost_npv"].to_numpy(dtype=float)

    def commissioner(metrics: dict[str, np.ndarray], index: np.ndarray) -> np.ndarray:
        return metrics["commissioner_net_cost_npv"] - direct_cost[index]

    def investor(metrics: dict[str, np.ndarray], index: np.ndarray) -> np.ndarray:
        return metrics["investor_distributions"] - metrics["investor_drawn"]

    found = [indifference(scenario, ledger, commissioner, "commissioner_indifferent", line, max_scale)]
    if any(t.commitment > 0 for t in scenario.finance.tranches):  # the investors in total, in a stack
        found.append(indifference(scenario, ledger, investor, "investor_breaks_even", line, max_scale))
    return found


def _corridor(scenario: Scenario, ledger: OutcomeLedger, table: pd.DataFrame,
              willingness: Sequence[tuple[float, float]], line: str | None,
              max_scale: float) -> list[dict[str, object]]:
    """Cost floor: delivery (link workers, management, per patient, evaluation) plus the cost of
    finance (the investor's mean return above its capital at the scenario's prices, at least 0). Value
    ceiling: cashable savings plus the non-cashable ones and Star points at each willingness to pay.
    Each as money over the programme and as the scale on prices at which mean outcome payments reach
    it (brentq on the mean; NaN when caps stop payments short of it)."""
    delivery = float(table["delivery_cost"].mean())
    finance = max(float((table["investor_distributions"] - table["investor_drawn"]).mean()), 0.0)
    values = {k: float(np.mean(v)) for k, v in outcome_values(scenario, ledger).items()}
    levels = [("cost_floor", delivery + finance, {"delivery": delivery, "cost_of_finance": finance})]
    for per_nc, per_star in willingness:
        ceiling = values["cashable"] + per_nc * values["non_cashable"] + per_star * values["star_points"]
        levels.append(("value_ceiling", float(ceiling), {"value_per_non_cashable": per_nc,
                                                          "value_per_star_point": per_star}))
    out = []
    for kind, amount, parts in levels:
        def reach(metrics: dict[str, np.ndarray], index: np.ndarray, amount: float = amount) -> np.ndarray:
            return metrics["payments_total"] - amount
        found = indifference(scenario, ledger, reach, kind, line, max_scale, per_replication=False)
        out.append({"kind": kind, "amount": amount, "scale": found.summary()["point"],
                    "payments_at_scale_1": float(table["payments_total"].mean())} | parts)
        if kind == "value_ceiling":  # a corridor exists where the outcomes are worth more than they cost
            out[-1]["open"] = amount >= levels[0][1]
    return out
