"""Shared pieces of the scenario schema: the strict base model and constrained number types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Every section forbids unknown keys (a misspelt key must never be silently ignored) and is
# frozen (a Scenario is validated once and then shared read-only by every stage and worker).
STRICT = ConfigDict(extra="forbid", frozen=True)


class Section(BaseModel):
    model_config = STRICT


Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Months = Annotated[float, Field(ge=0.0)]
Money = Annotated[float, Field(ge=0.0)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
