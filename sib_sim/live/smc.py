"""The posterior of the uncertain parameters given the actuals' summaries: a synthetic likelihood
sampled by sequential Monte Carlo (SMC) with resample-and-move.

The model has no tractable likelihood. Simulated paths give, for parameters z, summaries s of the
history (live/summaries.py). We fit, over simulated (z, s) pairs, a regression of each summary on
[1, z, z^2] for its mean mu(z) and take the residual covariance Sigma (shrunk towards its diagonal)
for its noise; the synthetic likelihood is then the Gaussian density

    L(z) = N(s_obs; mu(z), Sigma)

(Wood 2010, "Statistical inference for noisy nonlinear ecological dynamic systems", Nature
466:1102-1104; here with one regression over all particles instead of many paths per particle, as
in the semi-parametric and regression variants of Price et al. 2018, J. Comput. Graph. Stat.
27:1-11). The regression is fitted twice: over the prior particles, then again over those and paths
simulated at the first posterior, so that it is accurate where the posterior lies.

Parameters live on the probit scale z (standard normal prior; a value is its distribution's quantile
at Phi(z)), the scale of every draw in sib_sim (one uniform per parameter, by inversion). The SMC
tempers from the prior to the posterior, prior(z) L(z)^beta with beta from 0 to 1, each step as large
as keeps the effective sample size ESS = 1 / sum(w^2) at half the particles; after each step the
particles are resampled (systematic) and moved by Metropolis-Hastings random walks with twice their
covariance. Weights therefore never collapse onto a few particles: the stages and their ESS are
reported. Evaluating L needs no simulation, so the SMC runs many more particles than paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

SHRINK = 0.2  # weight of the diagonal in the noise covariance (few paths per summary pair)
# Draws are kept within the 0.1% and 99.9% quantiles (scenario.uncertainty.TAIL): beyond |z| = 3.09
# every z gives the same value, so the posterior is kept inside that box, where the values differ.
Z_BOX = 3.09


@dataclass(frozen=True)
class Stage:
    beta: float  # likelihood tempering exponent reached
    ess: float  # effective sample size of the weights before resampling
    accepted: float  # share of Metropolis-Hastings moves accepted after it


@dataclass(frozen=True)
class Surrogate:
    """mu(z) = features(z) @ coef, noise covariance `cov`, on the summaries kept."""

    keep: np.ndarray  # which summaries vary between paths (the others say nothing)
    coef: np.ndarray
    precision: np.ndarray
    observed: np.ndarray

    def log_likelihood(self, z: np.ndarray) -> np.ndarray:
        r = features(z) @ self.coef - self.observed
        return -0.5 * np.einsum("ij,jk,ik->i", r, self.precision, r)


def features(z: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(z)), z, z * z])


def normals(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Standard normals by inversion of uniforms: a fixed number of uniforms each (DESIGN.md section 6)."""
    return ndtri(np.clip(rng.random(shape), 1e-16, 1.0 - 1e-16))


def ess(weights: np.ndarray) -> float:
    w = weights / weights.sum()
    return float(1.0 / np.sum(w * w))


def fit_surrogate(z: np.ndarray, s: np.ndarray, observed: np.ndarray) -> Surrogate:
    """The regression mean and shrunk residual covariance of the summaries on the particles."""
    keep = np.std(s, axis=0) > 1e-12 * (1.0 + np.abs(s).mean(axis=0))
    s = s[:, keep]
    x = features(z)
    if len(z) < 2 * x.shape[1]:  # too few paths for the squares: linear only
        x = x[:, : 1 + z.shape[1]]
    coef, *_ = np.linalg.lstsq(x, s, rcond=None)
    resid = s - x @ coef
    cov = resid.T @ resid / max(len(z) - x.shape[1], 1)
    cov = (1.0 - SHRINK) * cov + SHRINK * np.diag(np.diag(cov))
    cov += 1e-9 * np.diag(np.diag(cov) + 1.0)
    full = np.zeros((features(z[:1]).shape[1], s.shape[1]))
    full[: x.shape[1]] = coef
    return Surrogate(keep, full, np.linalg.inv(cov), observed[0, keep])


def systematic(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    w = weights / weights.sum()
    positions = (rng.random() + np.arange(len(w))) / len(w)
    return np.minimum(np.searchsorted(np.cumsum(w), positions), len(w) - 1)


def _next_beta(loglik: np.ndarray, beta: float, fraction: float) -> float:
    def ess_at(b: float) -> float:
        log_w = (b - beta) * loglik
        return ess(np.exp(log_w - log_w.max()))

    need = fraction * len(loglik)
    if ess_at(1.0) >= need:
        return 1.0
    low, high = beta, 1.0
    for _ in range(60):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if ess_at(mid) >= need else (low, mid)
    return max(low, beta + 1e-6)


def sample_posterior(surrogate: Surrogate, n: int, p: int, rng: np.random.Generator, moves: int = 5,
                     fraction: float = 0.5, max_stages: int = 200) -> tuple[np.ndarray, tuple[Stage, ...]]:
    """n equally weighted particles from prior(z) L(z) by tempered SMC with resample-and-move."""
    z = np.clip(normals(rng, (n, p)), -Z_BOX, Z_BOX)
    loglik = surrogate.log_likelihood(z)
    beta, stages = 0.0, []
    while beta < 1.0 and len(stages) < max_stages:
        new = _next_beta(loglik, beta, fraction)
        log_w = (new - beta) * loglik
        weights = np.exp(log_w - log_w.max())
        before = ess(weights)
        index = systematic(weights, rng)
        z, loglik, beta = z[index], loglik[index], new
        z, loglik, accepted = _move(z, loglik, beta, surrogate, rng, moves)
        stages.append(Stage(beta, before, accepted))
    return z, tuple(stages)


def _move(z: np.ndarray, loglik: np.ndarray, beta: float, surrogate: Surrogate, rng: np.random.Generator,
          moves: int) -> tuple[np.ndarray, np.ndarray, float]:
    n, p = z.shape
    if p == 0:
        return z, loglik, 1.0
    root = np.linalg.cholesky(2.0 * np.atleast_2d(np.cov(z.T)) + 1e-9 * np.eye(p))
    accepted = 0
    for _ in range(moves):
        proposed = z + normals(rng, (n, p)) @ root.T
        new = surrogate.log_likelihood(proposed)
        log_ratio = 0.5 * (np.sum(z * z, axis=1) - np.sum(proposed * proposed, axis=1)) + beta * (new - loglik)
        accept = (np.log(rng.random(n)) < log_ratio) & np.all(np.abs(proposed) <= Z_BOX, axis=1)
        z = np.where(accept[:, None], proposed, z)
        loglik = np.where(accept, new, loglik)
        accepted += int(accept.sum())
    return z, loglik, accepted / (n * moves)
