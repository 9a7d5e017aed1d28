"""sib_sim: simulate outcomes contracts (social impact bonds) from referral to investor return.

The public API, for notebooks and scripts:

    from sib_sim import load_scenario, with_overrides, run
    scenario = load_scenario("scenarios/ways_to_wellness.yaml")
    results = run(with_overrides(scenario, {"contract.cap": 10_000_000}), replications=200)
    results.summary()["investor_multiple"]
"""

from .errors import UserError
from .experiment import Comparison, Results, compare, evaluate, run, simulate
from .io.results_folder import write_results_folder
from .io.observed import price_outcomes
from .io.scenario_file import load_scenario, read_scenario_file, read_terms_file
from .scenario import Scenario
from .scenario.overrides import with_overrides

__all__ = ["Comparison", "Results", "Scenario", "UserError", "compare", "evaluate", "load_scenario",
           "price_outcomes", "read_scenario_file", "read_terms_file", "run", "simulate", "with_overrides",
           "write_results_folder"]
