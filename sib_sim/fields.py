"""Building blocks of the scenario language: the strict base model and constrained number types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Every section forbids unknown keys (a misspelt key must never be silently ignored) and is
# frozen (a Scenario is validated once and then shared read-only by every stage and worker).
# NaN and infinity are refused too: a NaN rate would silently zero an outcome downstream.
STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Section(BaseModel):
    model_config = STRICT


Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Months = Annotated[float, Field(ge=0.0)]
Money = Annotated[float, Field(ge=0.0)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


class FieldError(ValueError):
    """A check across fields that knows which field is at fault.

    pydantic reports a model validator's error at the model's own location; the loader reads `path`
    (relative to the model) to point the user at the offending field and its line instead.
    """

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
