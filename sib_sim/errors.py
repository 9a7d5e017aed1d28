"""Errors a user can cause. The CLI turns any UserError into one message and exit status 2."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class UserError(Exception):
    """Bad input from a user: a file, a command-line value, a field.

    `where` is "path:line:column" (or "--set" for a command-line override) when known; `field` is the
    dotted path of the offending field; `hint` is an optional suggestion ("did you mean ...?").
    """

    message: str
    where: str | None = None
    field: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        parts = [f"{self.where}: " if self.where else ""]
        if self.field:
            parts.append(f"{self.field}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f" ({self.hint})")
        return "".join(parts)
