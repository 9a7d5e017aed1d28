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


# --- the point value of a distribution is the base case -----------------------------------------

def test_written_value_must_be_the_point_value() -> None:
    from pydantic import ValidationError

    from sib_sim.scenario import Scenario

    data = load_scenario(WTW).model_dump()
    data["cohort"]["p_engage"] = 0.30  # the entry under uncertainty is a beta with mean 0.78
    with pytest.raises(ValidationError, match=r"not the point value .*\(0.78, the mean\)"):
        Scenario.model_validate(data)
    data["cohort"]["p_engage"] = 0.78 + 1e-13  # rounding is not a difference
    assert Scenario.model_validate(data).cohort.p_engage == pytest.approx(0.78)


def test_setting_a_distribution_moves_its_field_to_the_point() -> None:
    scenario = load_scenario(WTW)
    spec = {"dist": "triangular", "min": 0.6, "mode": 0.7, "max": 0.95}
    moved = with_overrides(scenario, {"uncertainty": {**scenario.model_dump()["uncertainty"], "cohort.p_engage": spec}})
    assert moved.cohort.p_engage == pytest.approx(0.75)  # (0.6 + 0.7 + 0.95) / 3
    assert moved.uncertainty["cohort.p_engage"].point == pytest.approx(0.75)


def test_setting_a_field_by_hand_drops_its_distribution() -> None:
    fixed = with_overrides(load_scenario(WTW), {"cohort.p_engage": 0.3})
    assert fixed.cohort.p_engage == 0.3 and "cohort.p_engage" not in fixed.uncertainty


@pytest.mark.parametrize("spec,point", [
    ({"dist": "normal", "mean": 2.0, "sd": 1.0}, 2.0), ({"dist": "lognormal", "median": 3.0, "sd_log": 0.5}, 3.0),
    ({"dist": "beta", "mean": 0.4, "sd": 0.1}, 0.4), ({"dist": "gamma", "mean": 5.0, "sd": 2.0}, 5.0),
    ({"dist": "triangular", "min": 1.0, "mode": 2.0, "max": 6.0}, 3.0), ({"dist": "uniform", "min": 1.0, "max": 2.0}, 1.5),
    ({"dist": "fixed", "at": 7.0}, 7.0),
])
def test_point_values_by_hand(spec: dict, point: float) -> None:
    from pydantic import TypeAdapter

    from sib_sim.scenario.uncertainty import Distribution

    dist = TypeAdapter(Distribution).validate_python(spec)
    assert dist.point == pytest.approx(point, rel=1e-12)
    if spec["dist"] not in ("lognormal", "fixed"):
        assert dist.point == pytest.approx(float(dist.frozen().mean()), rel=1e-9)  # the analytic mean is scipy's
