"""Report outputs built from a Results record: figures (saved by the caller, never written here)."""

from .figures import make_figures

__all__ = ["make_figures"]
