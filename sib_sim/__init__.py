"""sib_sim: simulate outcomes contracts (social impact bonds) from referral to investor return.

The public API, for notebooks and scripts:

    from sib_sim import load_scenario, with_overrides, run
    scenario = load_scenario("scenarios/ways_to_wellness.yaml")
    results = run(with_overrides(scenario, {"contract.cap": 10_000_000}), replications=200)
    results.summary()["investor_multiple"]
"""

from .errors import UserError
from .experiment import Results, evaluate, run, simulate
from .io.results_folder import write_results_folder
from .io.scenario_file import load_scenario, read_scenario_file
from .scenario import Scenario
from .scenario.overrides import with_overrides

__all__ = ["Results", "Scenario", "UserError", "evaluate", "load_scenario", "read_scenario_file", "run",
           "simulate", "with_overrides", "write_results_folder"]
