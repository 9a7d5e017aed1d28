"""Report outputs built from a Results record: figures (saved by the caller, never written here).

make_figures is imported on first use, so the console tables (reports.console) load no matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["make_figures"]

if TYPE_CHECKING:
    from .figures import make_figures


def __getattr__(name: str) -> Any:
    if name == "make_figures":
        from .figures import make_figures

        return make_figures
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
