"""Parameter draws: the closed-form quantiles equal the scipy distributions' ppf."""

import numpy as np
import pytest

from sib_sim.experiment.parameters import _point, quantile
from sib_sim.scenario.uncertainty import TAIL, Beta, Fixed, Gamma, LogNormal, Normal, Triangular, Uniform

DISTS = [
    Normal(dist="normal", mean=0.26, sd=0.04),
    LogNormal(dist="lognormal", median=0.85, sd_log=0.1),
    Gamma(dist="gamma", mean=118, sd=10),
    Gamma(dist="gamma", mean=1.0, sd=3.0),
    Beta(dist="beta", mean=0.52, sd=0.08),
    Beta(dist="beta", mean=0.02, sd=0.01),
    Triangular(dist="triangular", min=1.0, mode=1.5, max=4.0),
    Triangular(dist="triangular", min=0.0, mode=0.0, max=2.0),
    Uniform(dist="uniform", min=-1.0, max=3.0),
    Fixed(dist="fixed", at=7.0),
]


@pytest.mark.parametrize("dist", DISTS, ids=lambda d: d.dist)
def test_quantile_is_the_distributions_ppf(dist):
    for q in np.r_[0.0, TAIL / 2, np.linspace(0.0005, 0.9995, 41), 1 - TAIL / 3, 1.0]:
        assert quantile(dist, float(q)) == pytest.approx(dist.ppf(float(q)), rel=1e-12, abs=1e-14)


def test_quantile_rises_with_the_uniform():
    for dist in DISTS[:-1]:
        values = [quantile(dist, q) for q in np.linspace(0.01, 0.99, 99)]
        assert np.all(np.diff(values) > 0), dist.dist


@pytest.mark.parametrize("dist", DISTS, ids=lambda d: d.dist)
def test_point_is_cached_but_equal(dist):
    assert _point(dist) == dist.point
    assert _point(dist) == dist.point


def test_fixing_one_parameter_leaves_the_others_draws_alone(wtw):
    from sib_sim import with_overrides
    from sib_sim.experiment.parameters import draw_parameters
    from sib_sim.rng import streams

    fixed = with_overrides(wtw, {"hospital.lines.ae.effect_during_support": 0.5})
    assert len(fixed.uncertainty) == len(wtw.uncertainty) - 1
    for r in range(5):
        full, fewer = draw_parameters(wtw, streams(3, r).parameters), draw_parameters(fixed, streams(3, r).parameters)
        assert fewer == {k: v for k, v in full.items() if k in fewer}
    draws = [draw_parameters(wtw, streams(3, r).parameters)["cohort.p_engage"] for r in range(200)]
    dist = wtw.uncertainty["cohort.p_engage"]
    assert np.mean(draws) == pytest.approx(dist.mean, abs=3 * dist.sd / np.sqrt(200))
