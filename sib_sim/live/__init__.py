"""A running contract: its actuals, and re-projection of what is still to come from them.

    from sib_sim.live import actuals_from_results, project
    actuals = actuals_from_results("results/wtw", replication=3, as_of="2018-03")
    projection = project(scenario, actuals, particles=200)
"""

from __future__ import annotations

from .actuals import Actuals, history_of_path

__all__ = ["Actuals", "actuals_from_results", "history_of_path"]


def __getattr__(name: str):  # the heavier parts are imported when first used
    if name in ("actuals_from_results", "simulate_history", "read_run"):
        from . import simulated

        return getattr(simulated, name)
    raise AttributeError(name)
