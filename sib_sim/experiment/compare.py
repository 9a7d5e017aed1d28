"""Compare sets of terms on the same simulated cohorts: exact paired differences.

Variants that differ only in `contract`, `finance` (or their names) share one simulation: the
cohorts are simulated and measured once and re-priced under each variant's terms. Variants that
differ in the model are simulated separately but on the same seeds and named streams (common random
numbers), so their differences are still paired replication by replication.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..measure import definitions_for
from ..scenario import Scenario
from .executor import Progress, default_workers, simulate_local
from .results import Results

TERMS_ONLY = {"name", "description", "contract", "finance"}


@dataclass(frozen=True)
class Comparison:
    variants: list[Results]  # the first is the base every other is compared with

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


def compare(scenarios: Sequence[Scenario], replications: int | None = None, seed: int | None = None,
            workers: int | None = None, progress: Progress | None = None) -> Comparison:
    """Run every variant on the same seeds; re-price shared cohorts instead of simulating again."""
    from . import evaluate  # the package's evaluate: contract, finance and metrics

    base = scenarios[0]
    n = base.run.replications if replications is None else replications
    seed = base.run.seed if seed is None else seed
    workers = default_workers() if workers is None else workers
    groups: dict[str, list[int]] = {}
    for index, scenario in enumerate(scenarios):
        groups.setdefault(simulation_key(scenario), []).append(index)
    results: dict[int, Results] = {}
    for members in groups.values():
        definitions = definitions_for([scenarios[i].contract for i in members])
        ledger = simulate_local(scenarios[members[0]], seed, list(range(n)), workers, progress, definitions)
        for i in members:
            results[i] = evaluate(scenarios[i], ledger, seed)
    return Comparison([results[i] for i in range(len(scenarios))])


def term_differences(base: Scenario, variant: Scenario) -> list[tuple[str, object, object]]:
    """(dotted path, base value, variant value) for every term that differs."""
    a, b = _flatten(base.model_dump(mode="json")), _flatten(variant.model_dump(mode="json"))
    missing = object()
    rows = []
    for path in sorted(set(a) | set(b), key=_natural):
        left, right = a.get(path, missing), b.get(path, missing)
        if left != right:
            rows.append((path, None if left is missing else left, None if right is missing else right))
    return rows


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out |= _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        out = {}
        for i, item in enumerate(value):
            label = item.get("id", i) if isinstance(item, dict) else i
            out |= _flatten(item, f"{prefix}.{label}")
        return out
    return {prefix: value}


def _natural(path: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in path.split(".")]
