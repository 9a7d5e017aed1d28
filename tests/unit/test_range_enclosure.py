"""validate's range check without scipy: the interval it tries always holds the exact tail
quantiles, and a distribution whose tails break a field is still refused by the exact quantiles."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim.scenario import ranges
from sib_sim.scenario import uncertainty as u


def _enclosure(dist: u.DistBase) -> tuple[float, float]:
    """The interval _enclosure_allowed tries, read back by recording the values it offers."""
    tried: list[float] = []

    def record(scenario: object, values: dict[str, float]) -> None:
        tried.extend(values.values())

    assert ranges._enclosure_allowed(None, "x", dist, record)
    return tried[0], tried[1]


@settings(max_examples=300, deadline=None)
@given(mean=st.floats(0.01, 1e4), ratio=st.floats(0.01, 20.0))
def test_gamma_enclosure_holds_both_tail_quantiles(mean: float, ratio: float) -> None:
    dist = u.Gamma(dist="gamma", mean=mean, sd=mean * ratio)
    low, high = _enclosure(dist)
    assert 0.0 <= low <= dist.ppf(u.TAIL) and dist.ppf(1 - u.TAIL) <= high
    assert low > 0.0 or dist.ppf(u.TAIL) < 1e-300  # above zero, as the quantile is, unless both underflow


@settings(max_examples=300, deadline=None)
@given(mean=st.floats(0.02, 0.98), share=st.floats(0.01, 0.99))
def test_beta_enclosure_holds_both_tail_quantiles(mean: float, share: float) -> None:
    sd = share * (mean * (1 - mean)) ** 0.5  # below the largest sd a beta with this mean can have
    dist = u.Beta(dist="beta", mean=mean, sd=sd)
    low, high = _enclosure(dist)
    assert 0.0 <= low <= dist.ppf(u.TAIL) and dist.ppf(1 - u.TAIL) <= high <= 1.0


def test_normal_enclosure_holds_both_tail_quantiles() -> None:
    dist = u.Normal(dist="normal", mean=0.26, sd=0.04)
    low, high = _enclosure(dist)
    assert low < dist.ppf(u.TAIL) and dist.ppf(1 - u.TAIL) < high


def test_a_refused_end_falls_back_to_the_exact_quantiles() -> None:
    def refuse(scenario: object, values: dict[str, float]) -> None:
        raise ValueError("out of range")

    assert not ranges._enclosure_allowed(None, "x", u.Gamma(dist="gamma", mean=18, sd=6), refuse)
    assert not ranges._enclosure_allowed(None, "x", u.Triangular(dist="triangular", min=0, mode=1, max=2), refuse)
