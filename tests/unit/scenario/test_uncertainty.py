"""Uncertain parameters: YAML forms, point values, draws per replication, errors with locations."""

import textwrap

import numpy as np
import pytest
from pydantic import TypeAdapter

from sib_sim import UserError, load_scenario, read_scenario_file, run, with_overrides
from sib_sim.experiment.parameters import check_parameters, draw_parameters
from sib_sim.rng import streams
from sib_sim.scenario.uncertainty import TAIL, Distribution

DIST = TypeAdapter(Distribution)


def _child(tmp_path, wtw_path, body: str):
    path = tmp_path / "child.yaml"
    path.write_text(f"extends: {wtw_path}\nname: child\n" + textwrap.dedent(body))
    return path


@pytest.mark.parametrize("spec,point,p10,p90", [
    ({"dist": "lognormal", "median": 0.85, "sd_log": 0.1}, 0.85, 0.85 * np.exp(-1.2815516 * 0.1),
     0.85 * np.exp(1.2815516 * 0.1)),
    ({"dist": "normal", "mean": 3.0, "sd": 1.0}, 3.0, 3 - 1.2815516, 3 + 1.2815516),
    ({"dist": "uniform", "min": 0.0, "max": 10.0}, 5.0, 1.0, 9.0),
    ({"dist": "triangular", "min": 0.0, "mode": 0.0, "max": 1.0}, 1 / 3, 1 - np.sqrt(0.9), 1 - np.sqrt(0.1)),
    ({"dist": "fixed", "at": 2.5}, 2.5, 2.5, 2.5),
])
def test_point_values_and_quantiles(spec, point, p10, p90):
    d = DIST.validate_python(spec)
    assert d.point == pytest.approx(point, rel=1e-6)
    assert d.ppf(0.1) == pytest.approx(p10, rel=1e-5) and d.ppf(0.9) == pytest.approx(p90, rel=1e-5)


def test_beta_and_gamma_match_their_moments():
    beta = DIST.validate_python({"dist": "beta", "mean": 0.3, "sd": 0.05}).frozen()
    gamma = DIST.validate_python({"dist": "gamma", "mean": 18, "sd": 6}).frozen()
    assert (beta.mean(), beta.std()) == pytest.approx((0.3, 0.05))
    assert (gamma.mean(), gamma.std()) == pytest.approx((18, 6))


def test_inline_distribution_moves_to_the_uncertainty_section(tmp_path, wtw_path):
    path = _child(tmp_path, wtw_path, """\
        cohort:
          p_engage: {dist: beta, mean: 0.7, sd: 0.03, reference: "a source"}
        """)
    loaded = read_scenario_file(path)
    assert loaded.scenario.cohort.p_engage == pytest.approx(0.7)  # the point value in place
    assert loaded.scenario.uncertainty["cohort.p_engage"].dist == "beta"
    assert loaded.sources["cohort.p_engage"].reference == "a source"


def test_bad_inline_distribution_names_its_line(tmp_path, wtw_path):
    path = _child(tmp_path, wtw_path, """\
        cohort:
          p_engage: {dist: beta, mean: 0.7, sd: 0.9}
        """)
    with pytest.raises(UserError) as error:
        load_scenario(path)
    assert "child.yaml:4:" in str(error.value) and "cohort.p_engage.sd" in str(error.value)


def test_only_the_world_can_be_uncertain(wtw):
    with pytest.raises(UserError, match="only values in cohort"):
        with_overrides(wtw, {"uncertainty": {"contract.cap": {"dist": "uniform", "min": 1, "max": 2}}})


def test_tails_must_respect_the_field(wtw):
    s = with_overrides(wtw, {"uncertainty": {"cohort.referrals.rate_per_month": {"dist": "normal", "mean": 5,
                                                                                  "sd": 3}}})
    with pytest.raises(UserError, match="quantile"):
        check_parameters(s)


def test_draws_per_replication_reproducible_and_within_tails(wtw):
    s = with_overrides(wtw, {"uncertainty": {"cohort.p_engage": {"dist": "beta", "mean": 0.78, "sd": 0.05},
                                             "hospital.frailty_shape": {"dist": "gamma", "mean": 1.2, "sd": 0.3}}})
    draws = [draw_parameters(s, streams(3, r).parameters) for r in range(200)]
    again = [draw_parameters(s, streams(3, r).parameters) for r in range(200)]
    assert draws == again
    p = np.array([d["cohort.p_engage"] for d in draws])
    assert p.min() >= s.uncertainty["cohort.p_engage"].ppf(TAIL) - 1e-12
    assert abs(p.mean() - 0.78) < 0.01 and 0.03 < p.std() < 0.07
    table = run(s, replications=4, workers=1).replications
    assert table["param.cohort.p_engage"].nunique() == 4
    off = run(with_overrides(s, {"run.uncertainty": False}), replications=2, workers=1).replications
    assert (off["param.cohort.p_engage"] == s.uncertainty["cohort.p_engage"].point).all()  # the base case


def test_setting_a_value_fixes_it(wtw):
    s = with_overrides(wtw, {"uncertainty": {"cohort.p_engage": {"dist": "beta", "mean": 0.78, "sd": 0.05}}})
    assert "cohort.p_engage" not in with_overrides(s, {"cohort.p_engage": 0.5}).uncertainty
