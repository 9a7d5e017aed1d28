"""Short labels shared by the console tables and the figures (no matplotlib here)."""

from __future__ import annotations


def short_label(path: str) -> str:
    """A parameter path in a few words: its last two segments ("non_elective effect during support")."""
    parts = path.split(".")
    return " ".join(parts[-2:]).replace("_", " ")
