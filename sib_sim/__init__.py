"""sib_sim: simulate outcomes contracts (social impact bonds) from referral to investor return.

The public API, for notebooks and scripts:

    from sib_sim import load_scenario, with_overrides, run
    scenario = load_scenario("scenarios/ways_to_wellness.yaml")
    results = run(with_overrides(scenario, {"contract.cap": 10_000_000}), replications=200)
    results.summary()["investor_multiple"]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Name -> module that defines it. Imported on first use (PEP 562), so `import sib_sim.contract` or the
# command line's --help does not load the whole output stack (pandas, matplotlib, xlsxwriter, ...).
_PUBLIC = {
    "UserError": ".errors",
    "Comparison": ".experiment", "Results": ".experiment", "compare": ".experiment",
    "evaluate": ".experiment", "run": ".experiment", "simulate": ".experiment",
    "value_for_money": ".experiment",
    "write_results_folder": ".io.results_folder",
    "price_outcomes": ".io.observed",
    "load_scenario": ".io.scenario_file", "read_scenario_file": ".io.scenario_file",
    "read_terms_file": ".io.scenario_file",
    "Scenario": ".scenario",
    "with_overrides": ".scenario.overrides",
}

__all__ = sorted(_PUBLIC)

if TYPE_CHECKING:  # for type checkers and editors: the same names, eagerly
    from .errors import UserError
    from .experiment import Comparison, Results, compare, evaluate, run, simulate, value_for_money
    from .io.observed import price_outcomes
    from .io.results_folder import write_results_folder
    from .io.scenario_file import load_scenario, read_scenario_file, read_terms_file
    from .scenario import Scenario
    from .scenario.overrides import with_overrides


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'sib_sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
