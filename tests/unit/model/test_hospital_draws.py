"""Hospital use: the summed-risk cells against the dense per-patient formulas, and the inversion draws."""

import numpy as np
import pytest
from scipy import stats

from sib_sim import with_overrides
from sib_sim.model.inversion import gamma_frailty, poisson_quantile
from sib_sim.model.risk_cells import risk_cells


def dense_cells(scenario, start, end, multiplier, with_rtm, during=None, lasting=None):
    """The per-patient (n, H) formulas the cells replace, summed by start month: a reference."""
    h, horizon = scenario.hospital, scenario.run.horizon_months
    mids = np.arange(horizon) + 0.5
    since = mids[None, :] - start[:, None]
    mask = (since >= 0) & (since < h.follow_up_months)
    weight = np.where(mask, multiplier[:, None], 0.0)
    rtm = h.regression_to_mean
    if with_rtm:
        weight = weight * (1.0 + rtm.excess_at_referral * np.exp2(-np.maximum(since, 0.0) / rtm.half_life_months))
    during = np.ones(horizon) if during is None else during
    lasting = np.ones(start.size) if lasting is None else lasting
    after = np.maximum(mids[None, :] - end[:, None], 0.0)
    strength = np.where(mids[None, :] < end[:, None], during[None, :],
                        lasting[:, None] * np.exp2(-after / h.effect_half_life_months))
    cell = np.clip(np.floor(start), 0, horizon - 1).astype(int)
    risk, treated = np.zeros((horizon, horizon)), np.zeros((horizon, horizon))
    np.add.at(risk, cell, weight)
    np.add.at(treated, cell, weight * strength)
    return risk, treated, mask.sum(axis=0)


@pytest.mark.parametrize("effect_half_life, rtm_half_life, follow_up", [
    (18.0, 6.0, 60.0), (0.05, 0.3, 12.5), (400.0, 90.0, 200.0), (1.0, 2.0, 0.4)])
def test_cells_equal_the_dense_per_patient_sums(wtw, effect_half_life, rtm_half_life, follow_up):
    scenario = with_overrides(wtw, {"hospital.effect_half_life_months": effect_half_life,
                                    "hospital.regression_to_mean.half_life_months": rtm_half_life,
                                    "hospital.follow_up_months": follow_up})
    rng = np.random.default_rng(5)
    horizon = scenario.run.horizon_months
    start = np.r_[rng.uniform(0, horizon, 400), [0.0, 0.5, 0.25, horizon - 0.2, 12.5]]
    end = start + np.r_[rng.uniform(0.01, 30, 400), [24.0, 0.5, 0.1, 30.0, 0.5]]
    multiplier = rng.gamma(1.2, 1 / 1.2, start.size)
    during = rng.uniform(0.3, 1.0, horizon)
    lasting = rng.uniform(0.3, 1.0, start.size)
    for with_rtm in (True, False):
        for d, k in ((None, None), (during, lasting)):
            cells = risk_cells(scenario, start, multiplier, with_rtm, end, d, k)
            risk, treated, months = dense_cells(scenario, start, end, multiplier, with_rtm, d, k)
            np.testing.assert_allclose(cells.risk, risk, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(cells.treated, treated, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(cells.patient_months, months, atol=1e-9)


def test_poisson_quantile_is_the_exact_inverse_distribution_function():
    rng = np.random.default_rng(3)
    for scale in (0.001, 0.3, 3.9, 4.1, 40.0, 3000.0):
        mean = rng.random(5000) * scale
        u = rng.random(5000)
        np.testing.assert_array_equal(poisson_quantile(u, mean), stats.poisson.ppf(u, mean))
    assert poisson_quantile(np.array([0.0, 0.5, 1 - 1e-16]), np.array([5.0, 0.0, 2.0])).tolist()[:2] == [0.0, 0.0]


def test_poisson_quantile_never_falls_as_the_mean_rises():
    u = np.random.default_rng(4).random(20000)
    mean = np.linspace(0.0, 60.0, 20000)
    low, high = poisson_quantile(u, mean), poisson_quantile(u, mean * 1.01 + 1e-3)
    assert np.all(high >= low) and np.any(high > low)


def test_the_poisson_table_gives_the_same_counts_as_the_direct_search():
    """The table settles most counts from its grid means and leaves the rest to the direct search:
    the counts must be the very ones the direct search gives (seeded numbers do not move), over
    many seeds, means on and between grid points, at the table's edges and in the tails of u."""
    rng = np.random.default_rng(12)
    grid = 4.0 + np.arange(0, 60 * 32 + 1) / 32  # grid means themselves, the last past the table
    for seed in range(60):
        mean = np.concatenate([rng.uniform(3.9, 66.0, 20000), grid, np.full(50, 64.0), np.full(50, 4.0)])
        u = rng.random(mean.size)
        u[:200] = np.r_[rng.random(100) * 1e-12, 1.0 - (rng.random(100) + 0.05) * 1e-14]
        np.testing.assert_array_equal(poisson_quantile(u, mean), poisson_quantile(u, mean, use_table=False),
                                      err_msg=f"seed {seed}")


def test_the_poisson_table_counts_do_not_depend_on_what_was_built_first(monkeypatch):
    from sib_sim.model import poisson_table

    u, mean = np.random.default_rng(2).random(4000), np.linspace(4.0, 63.9, 4000)
    expected = poisson_quantile(u, mean, use_table=False)
    for order in (slice(None), slice(None, None, -1)):
        monkeypatch.setattr(poisson_table, "_cdf", np.full_like(poisson_table._cdf, np.nan))
        monkeypatch.setattr(poisson_table, "_built", np.zeros_like(poisson_table._built))
        poisson_quantile(u[order][:10], mean[order][:10])  # one end of the table built first
        np.testing.assert_array_equal(poisson_quantile(u, mean), expected)


def test_gamma_frailty_has_mean_one_and_variance_one_over_shape():
    u = (np.arange(200000) + 0.5) / 200000  # a fine grid of quantiles: the distribution itself
    frailty = gamma_frailty(u, 1.2)
    assert frailty.mean() == pytest.approx(1.0, rel=1e-3)
    assert frailty.var() == pytest.approx(1 / 1.2, rel=1e-2)
    assert np.all(np.diff(frailty) > 0)


@pytest.mark.parametrize("shape", [0.05, 0.3, 1.2, 5.0, 80.0])
def test_gamma_quantile_table_equals_scipys_inverse(shape):
    from scipy import special

    from sib_sim.model import inversion

    rng = np.random.default_rng(11)
    u = np.r_[rng.random(50000), [0.0, 2.0**-53, 1e-12, 0.5, 1 - 2.0**-53, 1 - 1e-12]]
    x = inversion.gamma_quantile(u, shape)
    np.testing.assert_allclose(x, special.gammaincinv(shape, u), rtol=1e-13, atol=0.0)
    assert np.all(np.diff(inversion.gamma_quantile(np.sort(u), shape)) >= 0)
    # The same numbers whatever the process computed before (a replication must not depend on it).
    inversion._tables.clear()
    np.testing.assert_array_equal(inversion.gamma_quantile(u[:1000], shape), x[:1000])
