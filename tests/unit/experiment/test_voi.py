"""EVPI and EVPPI by regression against closed forms (linear-Gaussian) and nested Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

from sib_sim.experiment.voi import evppi, value_of_information


def closed_form(m: float, s: float) -> float:
    """E[max(0, G)] - max(0, m) for G ~ N(m, s^2): the EVPPI of a two-option linear-Gaussian model."""
    return m * stats.norm.cdf(m / s) + s * stats.norm.pdf(m / s) - max(0.0, m)


@pytest.fixture(scope="module")
def linear_gaussian():
    # INB = a + b1 t1 + b2 t2 + noise, t ~ N(0, 1): option 1 against option 0 (net benefit 0).
    rng = np.random.default_rng(7)
    n, a, b1, b2 = 4000, 0.3, 1.0, 0.5
    theta = rng.standard_normal((n, 2))
    inb = a + b1 * theta[:, 0] + b2 * theta[:, 1] + rng.normal(0, 2.0, n)  # patient-level noise, sd 2
    nb = np.column_stack([np.zeros(n), inb])
    return nb, theta, a, b1, b2


def test_evppi_matches_the_linear_gaussian_closed_form(linear_gaussian):
    nb, theta, a, b1, b2 = linear_gaussian
    one = evppi(nb, theta[:, 0])
    both = evppi(nb, theta)
    assert one.value == pytest.approx(closed_form(a, b1), abs=3 * one.se + 0.01)
    assert both.value == pytest.approx(closed_form(a, np.hypot(b1, b2)), abs=3 * both.se + 0.01)
    # By hand: 0.3 x Phi(0.3) + phi(0.3) - 0.3 = 0.3 x 0.61791 + 0.38139 - 0.3 = 0.26676.
    assert closed_form(a, b1) == pytest.approx(0.26676, abs=1e-4)
    assert 0 < one.se < 0.05


def test_the_regression_removes_noise_that_naive_evpi_counts(linear_gaussian):
    nb, theta, a, b1, b2 = linear_gaussian
    naive = np.mean(nb.max(axis=1)) - nb.mean(axis=0).max()  # treats the noise as learnable
    assert naive > 2 * closed_form(a, np.hypot(b1, b2))
    assert evppi(nb, theta).value < 0.5 * naive


def test_evppi_matches_nested_monte_carlo_on_a_nonlinear_case():
    # INB = t1^2 - 1 + t1 t2 - 0.2 + noise, t ~ N(0, 1); nested MC: inner mean over t2 given t1.
    rng = np.random.default_rng(11)
    outer, inner = 400, 400
    t1 = rng.standard_normal(outer)
    conditional = np.array([np.mean(x ** 2 - 1 + x * rng.standard_normal(inner) - 0.2) for x in t1])
    nested = np.mean(np.maximum(conditional, 0)) - max(np.mean(conditional), 0)
    n = 3000
    theta = rng.standard_normal((n, 2))
    inb = theta[:, 0] ** 2 - 1 + theta[:, 0] * theta[:, 1] - 0.2 + rng.normal(0, 0.5, n)
    estimate = evppi(np.column_stack([np.zeros(n), inb]), theta[:, 0])
    assert estimate.value == pytest.approx(nested, abs=3 * estimate.se + 0.05)
    assert estimate.value > 0.2  # far from zero: the test could tell a wrong estimator


def test_a_parameter_that_does_not_matter_is_worth_nothing():
    rng = np.random.default_rng(3)
    n = 1000
    theta = rng.standard_normal((n, 2))
    inb = 1.0 + theta[:, 0] + rng.normal(0, 1, n)
    assert evppi(np.column_stack([np.zeros(n), inb]), theta[:, 1]).value < 0.02
    assert evppi(np.column_stack([np.zeros(n), inb]), np.ones(n)).value == 0.0


@settings(max_examples=8, deadline=None)
@given(a=st.floats(-2, 2), b1=st.floats(-2, 2), b2=st.floats(-2, 2), noise=st.floats(0.1, 3),
       seed=st.integers(0, 1000))
def test_evppi_is_between_zero_and_evpi(a, b1, b2, noise, seed):
    rng = np.random.default_rng(seed)
    n = 300
    theta = rng.standard_normal((n, 2))
    inb = a + b1 * theta[:, 0] + b2 * np.tanh(theta[:, 1]) + rng.normal(0, noise, n)
    nb = np.column_stack([np.zeros(n), inb, 0.5 * inb])
    total = evppi(nb, theta)
    for column in (0, 1):
        part = evppi(nb, theta[:, column])
        assert part.value >= -1e-9
        assert part.value <= total.value + 2 * total.se + 1e-9


def test_value_of_information_reports_each_parameter_group_and_scale():
    rng = np.random.default_rng(5)
    n = 600
    params = {"a": rng.standard_normal(n), "b": rng.standard_normal(n), "c": rng.standard_normal(n)}
    nb = {(0.0, 0.0): {"sib": 0.2 + params["a"], "direct": np.zeros(n)},
          (1.0, 10.0): {"sib": 5.0 + params["a"], "direct": np.zeros(n)}}
    voi = value_of_information(nb, params, {"ab": ["a", "b"]}, programmes=10)
    rows = {(r["value_per_star_point"], r["name"]): r for r in voi.rows}
    assert rows[(0.0, "a")]["per_programme"] > 0.2
    assert rows[(0.0, "a")]["scaled"] == pytest.approx(10 * rows[(0.0, "a")]["per_programme"])
    assert rows[(0.0, "c")]["per_programme"] < 0.05
    assert rows[(0.0, "ab")]["kind"] == "group"
    assert rows[(10.0, "EVPI (all parameters)")]["per_programme"] < 1e-3  # 5 + a is almost never below 0
    assert rows[(0.0, "a")]["best_option"] == "sib"


def test_a_group_naming_an_unknown_parameter_is_a_user_error():
    from sib_sim.errors import UserError

    with pytest.raises(UserError, match="not uncertain"):
        value_of_information({(0.0, 0.0): {"x": np.zeros(5), "y": np.ones(5)}}, {"a": np.arange(5.0)},
                             {"g": ["a", "nope"]})
