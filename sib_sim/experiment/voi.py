"""Value of information: EVPI and EVPPI by the regression method of Strong, Oakley and Brennan.

For a decision between options d with net benefit NB_d (one value per replication, each replication
a parameter draw theta plus patient-level noise), the expected value of perfect information about
a set of parameters phi is

    EVPPI(phi) = E_phi[ max_d E(NB_d | phi) ] - max_d E(NB_d).

Strong, Oakley and Brennan (2014, "Estimating multiparameter partial expected value of perfect
information from a probabilistic sensitivity analysis sample: a nonparametric regression approach",
Medical Decision Making 34(3): 311-326) estimate E(NB_d - NB_0 | phi) by regressing the incremental
net benefit on phi; the regression's fitted values replace the inner expectation, so no nested
simulation is needed, and the regression removes the patient-level noise: EVPI on parameter
uncertainty is the EVPPI of all the uncertain parameters together. The regression here is a GAM
with cubic B-spline smooths (statsmodels GLMGam, Gaussian), additive in each parameter, plus the
pairwise products of a group's members (standardised) as linear terms so that a small group's
interactions are not lost. Standard errors follow the same paper: draw the regression coefficients
from their estimated sampling distribution, recompute the EVPPI for each draw, take the sd.

statsmodels is imported here only, when value of information is asked for.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SPLINE_DF = 5  # B-spline basis functions per parameter (cubic)
SE_DRAWS = 500  # coefficient draws for the standard error
MIN_PER_TERM = 8  # replications per fitted coefficient below which a smooth falls back to a line


@dataclass(frozen=True)
class Estimate:
    value: float
    se: float


def evppi(net_benefit: np.ndarray, phi: np.ndarray, seed: int = 0) -> Estimate:
    """EVPPI of the parameters in phi ((n,) or (n, k)) for options whose net benefits are the
    columns of net_benefit (n, D), D >= 2. Returns the estimate and its standard error."""
    nb = np.asarray(net_benefit, dtype=float)
    x = np.asarray(phi, dtype=float).reshape(len(nb), -1)
    x = x[:, np.ptp(x, axis=0) > 0]  # a parameter that never varies carries no information
    if x.shape[1] == 0 or nb.shape[1] < 2:
        return Estimate(0.0, 0.0)
    if len(nb) < MIN_PER_TERM * (x.shape[1] + 1):  # too few runs even for a line in each parameter
        return Estimate(float("nan"), float("nan"))
    incremental = nb[:, 1:] - nb[:, :1]
    fits = [_fit(incremental[:, j], x) for j in range(incremental.shape[1])]
    fitted = np.column_stack([np.zeros(len(nb))] + [design @ beta for design, beta, _ in fits])
    value = _value(fitted)
    # Coefficient draws, all at once: (n, draws) fitted values per incremental net benefit.
    rng = np.random.default_rng(seed)
    samples = np.stack([np.zeros((len(nb), SE_DRAWS))]
                       + [design @ _draws(beta, cov, rng) for design, beta, cov in fits], axis=1)  # (n, options, draws)
    draws = samples.max(axis=1).mean(axis=0) - samples.mean(axis=0).max(axis=0)
    return Estimate(value, float(np.std(draws, ddof=1)))


def _draws(beta: np.ndarray, cov: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """SE_DRAWS coefficient vectors from N(beta, cov), as columns (cov may be singular)."""
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    return beta[:, None] + root @ rng.standard_normal((len(beta), SE_DRAWS))


def _value(fitted: np.ndarray) -> float:
    """E[max_d g_d] - max_d E[g_d] for fitted incremental net benefits g (column 0 the reference)."""
    return float(np.mean(fitted.max(axis=1)) - fitted.mean(axis=0).max())


def _fit(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The GAM of y on x: its design matrix, coefficients and their covariance."""
    from statsmodels.gam.api import BSplines, GLMGam

    n, k = x.shape
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    pairs = [z[:, i] * z[:, j] for i, j in itertools.combinations(range(k), 2)] if k <= 4 else []
    exog = np.column_stack([np.ones(n)] + pairs)
    spline = n >= MIN_PER_TERM * (k * (SPLINE_DF - 1) + exog.shape[1])
    if not spline:  # too few replications for smooths: a linear regression in each parameter
        design = np.column_stack([exog, z])
        beta, cov = _least_squares(y, design)
        return design, beta, cov
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    smoother = BSplines(z, df=[SPLINE_DF] * k, degree=[3] * k)
    model = GLMGam(y, exog=exog, smoother=smoother, alpha=np.zeros(k))
    design = np.asarray(model.exog)
    try:
        result = model.fit()
    except PerfectSeparationError:  # the smooths fit y exactly (no noise): the coefficients are certain
        beta, cov = _least_squares(y, design)
        return design, beta, cov
    return design, np.asarray(result.params), np.asarray(result.cov_params())


def _least_squares(y: np.ndarray, design: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ beta
    dof = max(len(y) - design.shape[1], 1)
    cov = float(resid @ resid) / dof * np.linalg.pinv(design.T @ design)
    return beta, cov


@dataclass(frozen=True)
class ValueOfInformation:
    """EVPI and EVPPI at each willingness to pay, per programme and for `programmes` programmes."""

    options: tuple[str, ...]
    programmes: float
    rows: list[dict[str, object]]  # one per (willingness to pay, parameter or group)
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"options": list(self.options), "programmes": self.programmes, "rows": self.rows,
                "notes": list(self.notes)}


def value_of_information(net_benefits: Mapping[tuple[float, float], Mapping[str, np.ndarray]],
                         parameters: Mapping[str, np.ndarray], groups: Mapping[str, Sequence[str]] | None = None,
                         programmes: float = 1.0, seed: int = 0) -> ValueOfInformation:
    """EVPI and EVPPI for each parameter and each named group, at each willingness to pay.

    net_benefits: (value per pound of non-cashable savings, value per Star point) -> option -> (n,)
    net benefit; parameters: path -> (n,) draws, as in replications.csv's `param.` columns."""
    groups = dict(groups or {})
    check_groups(groups, sorted(parameters))
    subsets = {path: [path] for path in sorted(parameters)} | groups
    options: tuple[str, ...] = ()
    rows = []
    for (per_nc, per_star), by_option in net_benefits.items():
        options = tuple(by_option)
        nb = np.column_stack([np.asarray(by_option[o], dtype=float) for o in options])
        everything = (np.column_stack([parameters[p] for p in sorted(parameters)]) if parameters
                      else np.zeros((len(nb), 0)))
        best = options[int(np.argmax(nb.mean(axis=0)))]
        total = evppi(nb, everything, seed)
        rows.append(_row(per_nc, per_star, "EVPI (all parameters)", "evpi", total, programmes, best))
        for name, members in subsets.items():
            phi = np.column_stack([parameters[m] for m in members])
            rows.append(_row(per_nc, per_star, name, "group" if name in groups else "parameter",
                             evppi(nb, phi, seed), programmes, best))
    notes = ("EVPI and EVPPI on parameter uncertainty (the regression removes patient-level noise); Strong, "
             "Oakley and Brennan (2014), GAM by statsmodels",
             f"per programme, and for {programmes:g} programme(s); standard errors from the regression's "
             "coefficient uncertainty")
    if any(r["per_programme"] is None for r in rows):
        notes += (f"blank values: too few replications to estimate ({MIN_PER_TERM} per regression term are "
                  "needed; EVPI regresses on every uncertain parameter at once)",)
    if not parameters:
        notes += ("the scenario has no uncertain parameters (or run.uncertainty is off): nothing to learn",)
    return ValueOfInformation(options, float(programmes), rows, notes)


def check_groups(groups: Mapping[str, Sequence[str]], uncertain: Sequence[str]) -> None:
    """Each group names one or more uncertain parameters, and only those."""
    from ..errors import UserError

    for name, members in groups.items():
        unknown = [m for m in members if m not in uncertain]
        if unknown or not members:
            raise UserError(f"group {name!r} names parameter(s) that are not uncertain: {', '.join(unknown) or 'none'}",
                            where="--group", hint=f"uncertain parameters: {', '.join(uncertain) or 'none'}")


def _row(per_nc: float, per_star: float, name: str, kind: str, estimate: Estimate, programmes: float,
         best: str) -> dict[str, object]:
    known = bool(np.isfinite(estimate.value))  # None in JSON where there were too few runs to estimate
    value, se = (estimate.value, estimate.se) if known else (None, None)
    return {"value_per_non_cashable": per_nc, "value_per_star_point": per_star, "name": name, "kind": kind,
            "per_programme": value, "se": se, "scaled": value * programmes if known else None,
            "scaled_se": se * programmes if known else None, "best_option": best}
