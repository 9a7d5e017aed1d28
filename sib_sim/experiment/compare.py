"""Compare sets of terms on the same simulated cohorts: exact paired differences.

Variants that differ only in `contract`, `finance` (or their names) share one simulation: the
cohorts are simulated and measured once and re-priced under each variant's terms. Variants that
differ in the model are simulated separately (and so is any replication in which a variant's money
runs out under `shortfall: scale_back`: its delivery cut is re-simulated, experiment.delivery_cut) but on the same seeds and named streams (common random
numbers), so their differences are still paired replication by replication.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import UserError
from ..measure import OutcomeLedger, definitions_for
from ..scenario import Scenario
from .executor import Progress, default_workers, simulate_replications
from .results import Results
from .voi import ValueOfInformation

# (value per pound of non-cashable savings, value per Star point): vfm's default willingness to pay.
DEFAULT_WILLINGNESS = ((0.0, 0.0), (0.5, 100.0), (1.0, 500.0))

TERMS_ONLY = {"name", "description", "contract", "finance"}


@dataclass(frozen=True)
class Comparison:
    variants: list[Results]  # the first is the base every other is compared with
    notes: tuple[str, ...] = ()  # how the variants were run (re-priced or re-simulated for delivery cuts)
    voi: ValueOfInformation | None = None  # EVPI and EVPPI for the choice between the variants

    @property
    def names(self) -> list[str]:
        return unique_names([r.scenario.name for r in self.variants])

    def differences(self) -> dict[str, dict[str, dict[str, float]]]:
        """variant -> metric -> {mean, p5, p95, p_positive} of (variant - base), paired by replication."""
        base = self.variants[0].replications
        out = {}
        for name, variant in zip(self.names[1:], self.variants[1:]):
            out[name] = {metric: paired_difference(variant.replications[metric], base[metric])
                         for metric in numeric_metrics(base, variant.replications)}
        return out


def unique_names(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def numeric_metrics(a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    return [c for c in a.columns if c in b.columns and c != "replication"
            and pd.api.types.is_numeric_dtype(a[c]) and pd.api.types.is_numeric_dtype(b[c])]


def paired_difference(variant: pd.Series, base: pd.Series) -> dict[str, float]:
    diff = (variant.to_numpy(dtype=float) - base.to_numpy(dtype=float))
    finite = diff[np.isfinite(diff)]
    if finite.size == 0:
        return {"n": 0}
    p5, p95 = np.percentile(finite, [5, 95])
    return {"mean": float(finite.mean()), "p5": float(p5), "p95": float(p95),
            "p_positive": float(np.mean(finite > 0)), "n": int(finite.size)}


def simulation_key(scenario: Scenario) -> str:
    """What determines the simulated cohorts: everything but the terms."""
    return scenario.model_dump_json(exclude=TERMS_ONLY)


def check_currencies(scenarios: Sequence[Scenario], names: Sequence[str] | None = None) -> None:
    """Differences of amounts in different currencies mean nothing: refuse them (no exchange rates)."""
    base = scenarios[0]
    for i, variant in enumerate(scenarios[1:], start=1):
        if variant.currency != base.currency:
            where = names[i] if names else variant.name
            raise UserError(f"this variant is in {variant.currency} but the base is in {base.currency}; compare "
                            "scenarios in one currency (sib_sim does not convert)", where=where, field="currency")


def compare(scenarios: Sequence[Scenario], replications: int | None = None, seed: int | None = None,
            workers: int | None = None, progress: Progress | None = None,
            scheduler: str | None = None, value_of_information: bool = True,
            willingness: Sequence[tuple[float, float]] = DEFAULT_WILLINGNESS,
            groups: Mapping[str, Sequence[str]] | None = None, programmes: float = 1.0) -> Comparison:
    """Run every variant on the same seeds; re-price shared cohorts instead of simulating again.

    value_of_information: also EVPI and EVPPI for the choice between the variants (compare_voi), at
    each willingness to pay ((per pound of non-cashable savings, per Star point) pairs), for each
    uncertain parameter and each group (the variants' `uncertainty: groups:`, then `groups`, name ->
    uncertain paths, added or replacing one of the same name), per programme and for `programmes`.
    """
    from . import priced_with_cuts  # the package's evaluate, with delivery cuts re-simulated
    from .compare_voi import compare_value_of_information, merged_groups

    base = scenarios[0]
    check_currencies(scenarios)
    if not np.isfinite(programmes) or programmes <= 0:
        raise UserError(f"the number of programmes must be above 0 (got {programmes:g})", where="--programmes")
    named_groups = merged_groups(scenarios, groups)
    n = base.run.replications if replications is None else replications
    seed = base.run.seed if seed is None else seed
    workers = default_workers() if workers is None else workers
    worlds: dict[str, list[int]] = {}  # variants that share simulated cohorts
    for index, scenario in enumerate(scenarios):
        worlds.setdefault(simulation_key(scenario), []).append(index)
    priced: dict[int, tuple[Results, OutcomeLedger]] = {}
    notes: list[str] = []
    names = unique_names([s.name for s in scenarios])
    for members in worlds.values():
        definitions = definitions_for([scenarios[i].contract for i in members])
        ledger = simulate_replications(scenarios[members[0]], seed, list(range(n)), workers, scheduler,
                                       progress, definitions)
        for i in members:
            # A variant whose money runs out cuts delivery: its cut replications are re-simulated with
            # less capacity (on the same draws), so it no longer shares the group's cohorts there.
            priced[i] = priced_with_cuts(scenarios[i], ledger, seed, list(range(n)), definitions)
            table = priced[i][0].replications
            if "capacity_cut" in table.columns and table["capacity_cut"].any():
                notes.append(f"{names[i]}: delivery was cut in {int(table['capacity_cut'].sum())} of {n} "
                             "replications; those were re-simulated with the cut capacity (same random draws), "
                             "not re-priced on the shared simulation")
    ordered = [priced[i] for i in range(len(scenarios))]
    voi = (compare_value_of_information(ordered, names, willingness, named_groups, programmes, seed)
           if value_of_information else None)
    return Comparison([results for results, _ in ordered], tuple(notes), voi)


def term_differences(base: Scenario, variant: Scenario) -> list[tuple[str, object, object]]:
    """(dotted path, base value, variant value) for every term that differs.

    Items of lists with ids (outcome lines, payers, hospital lines) are matched by id; an item present
    on one side only is reported once, as a whole, not field by field.
    """
    rows: list[tuple[str, object, object]] = []
    _diff(base.model_dump(mode="json"), variant.model_dump(mode="json"), "", rows)
    return rows


def _by_id(value: object) -> dict[str, object] | None:
    if isinstance(value, list) and value and all(isinstance(x, dict) and "id" in x for x in value):
        return {str(x["id"]): x for x in value}
    return None


def _diff(a: object, b: object, path: str, rows: list[tuple[str, object, object]]) -> None:
    a_items, b_items = _by_id(a), _by_id(b)
    if a_items is not None and b_items is not None:
        a, b = a_items, b_items
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            where = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                rows.append((where, _brief(a.get(key)), _brief(b.get(key))))
            else:
                _diff(a[key], b[key], where, rows)
    elif a != b:
        rows.append((path, _brief(a), _brief(b)))


def _brief(value: object) -> object:
    """A whole item, in a few words: '(per_participant line)' or its compact JSON, cut short."""
    if isinstance(value, dict):
        if "kind" in value:
            return f"({value['kind']} line)"
        if "id" in value:  # a payer, hospital line or cohort: its id and name, not its JSON
            return f"({value['id']}" + (f": {value['name']})" if value.get("name") else ")")
        text = json.dumps(value, separators=(",", ":"))
        return text if len(text) <= 60 else text[:57] + "..."
    return value
