"""Strict types: values pydantic would convert quietly are refused, naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Optional, Union

import pytest

from sib_sim.errors import UserError
from sib_sim.io.scenario_file import load_scenario
from sib_sim.scenario.base import coercion
from sib_sim.scenario.overrides import with_overrides

WTW = "scenarios/ways_to_wellness.yaml"


@pytest.mark.parametrize("annotation,value,path", [
    (float, True, ()), (int, False, ()), (Optional[float], False, ()), (dt.date, 0, ()), (dt.date, 1.5, ()),
    (bool, 1, ()), (bool, "yes", ()), (str, b"abc", ()), (list[float], [1.0, True], (1,)),
    (list[tuple[float, float]], [(0.5, 0.0), (1.4, True)], (1, 1)), (Union[float, list[int]], [], ()),
])
def test_coercions_refused(annotation: object, value: object, path: tuple) -> None:
    refused = coercion(annotation, value)
    assert refused is not None and refused[0] == path


@pytest.mark.parametrize("annotation,value", [
    (float, 3), (float, 2.5), (int, 7), (bool, True), (dt.date, dt.date(2015, 4, 1)), (Optional[float], None),
    (list[float], [1, 2.5]), (Union[float, list[int]], [1]), (str, "text"), (Union[bool, float], True),
])
def test_plain_values_pass(annotation: object, value: object) -> None:
    assert coercion(annotation, value) is None


@pytest.mark.parametrize("path,value", [("cohort.p_engage", True), ("run.replications", True),
                                        ("contract.cap", False), ("run.start_date", 0), ("run.seed", True)])
def test_with_overrides_refuses_coercion(path: str, value: object) -> None:
    scenario = load_scenario(WTW)
    with pytest.raises(UserError) as raised:
        with_overrides(scenario, {path: value})
    assert raised.value.field == path


def test_numbers_still_accepted_where_written_as_ints() -> None:
    scenario = with_overrides(load_scenario(WTW), {"contract.cap": 9000000, "cohort.p_engage": 1})
    assert scenario.contract.cap == 9e6 and scenario.cohort.p_engage == 1.0
