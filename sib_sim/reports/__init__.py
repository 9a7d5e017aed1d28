"""Report outputs built from a Results record: figures (saved by the caller, never written here).

make_figures is imported on first use, so the console tables (reports.console) load no matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["figure_builders", "make_figures"]

if TYPE_CHECKING:
    from .figures import figure_builders, make_figures


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import figures

        return getattr(figures, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
