"""Contract terms on their own: enough to price observed outcomes (`sib-sim price`) with no model."""

from __future__ import annotations

from pydantic import Field

from .base import Section
from .contract import Contract
from .run import Run


class Terms(Section):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    currency: str = "GBP"
    run: Run = Run()
    contract: Contract
