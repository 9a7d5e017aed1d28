"""Replications of a scenario, and re-pricing measured cohorts under other terms.

Names are imported on first use (PEP 562): the command line reads the defaults in
experiment.defaults without loading pandas and the rest of the output stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "Results": ".results", "summarise": ".summary",
    "evaluate": ".runs", "run": ".runs", "simulate": ".runs",
    "Comparison": ".compare", "compare": ".compare", "term_differences": ".compare",
    "evaluate_points": ".points",
    "SensitivityResult": ".sensitivity", "sensitivity": ".sensitivity",  # SALib is imported only when used
    "SweepResult": ".sweep", "sweep": ".sweep",
}

__all__ = sorted(_PUBLIC)

if TYPE_CHECKING:
    from .compare import Comparison, compare, term_differences
    from .points import evaluate_points
    from .results import Results
    from .runs import evaluate, run, simulate
    from .sensitivity import SensitivityResult, sensitivity
    from .summary import summarise
    from .sweep import SweepResult, sweep


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
