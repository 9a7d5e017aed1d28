"""A running contract: its actuals, and re-projection of what is still to come from them.

    from sib_sim.live import actuals_from_results, project, read_actuals_folder
    actuals = actuals_from_results("results/wtw", replication=3, as_of="2018-03")  # or:
    actuals = read_actuals_folder("actuals/wtw-2018-03", scenario)
    projection = project(scenario, actuals, particles=200)
"""

from __future__ import annotations

from .actuals import Actuals, history_of_path

__all__ = ["Actuals", "Projection", "actuals_from_results", "history_of_path", "project", "read_actuals_folder",
           "simulate_history", "write_actuals_folder"]

_LAZY = {"actuals_from_results": "..io.run_history", "simulate_history": "simulated", "read_run": "..io.run_history",
         "project": "projection", "Projection": "projection",
         "read_actuals_folder": "..io.actuals_folder", "write_actuals_folder": "..io.actuals_folder"}


def __getattr__(name: str):  # the heavier parts are imported when first used
    if name not in _LAZY:
        raise AttributeError(name)
    import importlib

    module = _LAZY[name]
    return getattr(importlib.import_module(module if module.startswith("..") else "." + module, __name__), name)
