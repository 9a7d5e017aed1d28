"""Building blocks of the scenario language: the strict base model, its refusal to coerce, constrained number types."""

from __future__ import annotations

import datetime as dt
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Every section forbids unknown keys (a misspelt key must never be silently ignored) and is
# frozen (a Scenario is validated once and then shared read-only by every stage and worker).
# NaN and infinity are refused too: a NaN rate would silently zero an outcome downstream.
STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class FieldError(ValueError):
    """A check across fields that knows which field is at fault.

    pydantic reports a model validator's error at the model's own location; the loader reads `path`
    (relative to the model) to point the user at the offending field and its line instead.
    """

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


class Section(BaseModel):
    model_config = STRICT

    @model_validator(mode="before")
    @classmethod
    def _no_coercion(cls, data: Any) -> Any:
        """Refuse the values pydantic would quietly convert: `true` as 1.0, `0` as 1970-01-01, binary
        data as text, `1` or "yes" as true. Each is almost always a slip, and a slip that runs."""
        if isinstance(data, dict):
            for name, value in data.items():
                field = cls.model_fields.get(name) if isinstance(name, str) else None
                if field is not None:
                    refused = coercion(field.annotation, value)
                    if refused is not None:
                        raise FieldError((name,) + refused[0], refused[1])
        return data


def annotation_members(annotation: object) -> tuple[object, ...]:
    """The alternatives of an annotation, looking through Annotated[...] and Optional/Union."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(m for arg in get_args(annotation) for m in annotation_members(arg))
    return (annotation,)


def _item_types(members: tuple[object, ...], index: int) -> list[object]:
    """What item `index` of a list or tuple may be, for each list or tuple member."""
    found: list[object] = []
    for member in members:
        args = get_args(member)
        if get_origin(member) is list and args:
            found.append(args[0])
        elif get_origin(member) is tuple and args:
            if len(args) == 2 and args[1] is Ellipsis:
                found.append(args[0])
            elif index < len(args):
                found.append(args[index])
    return found


def coercion(annotation: object, value: object) -> tuple[tuple[int, ...], str] | None:
    """(path within the value, message) if pydantic would have to convert `value` to fit, else None."""
    members = annotation_members(annotation)
    if Any in members or object in members:
        return None
    numbers = any(m in (int, float) for m in members)
    if isinstance(value, (bytes, bytearray)):
        return (), "binary data cannot be a scenario value; write it as plain text"
    if isinstance(value, bool):
        if numbers and bool not in members:
            return (), (f"{str(value).lower()} is not a number (YAML reads yes, no, on and off as true or "
                        "false); write the number itself")
        return None
    if bool in members and not numbers and str not in members and not isinstance(value, (dict, list, tuple)):
        return (), f"must be true or false (got {value!r})"
    if isinstance(value, (int, float)) and dt.date in members and not numbers:
        return (), f"{value!r} is not a date; write it as YYYY-MM-DD"
    if isinstance(value, (list, tuple)):
        lists = [m for m in members if get_origin(m) in (list, tuple)]
        if not value and lists and numbers:
            return (), "an empty list: give a number, or a list of at least one dated amount"
        for i, item in enumerate(value):
            for item_type in _item_types(tuple(lists), i):
                refused = coercion(item_type, item)
                if refused is not None:
                    return (i,) + refused[0], refused[1]
    return None


# The largest amount, count or rate a scenario may hold (a documented limit, README "Limits"): far
# above any programme, and far enough below float overflow that prices x counts x months stay finite.
LARGEST = 1e12

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0, le=LARGEST)]
Positive = Annotated[float, Field(gt=0.0, le=LARGEST)]
Months = Annotated[float, Field(ge=0.0)]
Money = Annotated[float, Field(ge=0.0, le=LARGEST)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
