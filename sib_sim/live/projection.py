"""Re-projection of a running contract from its actuals: `sib_sim.live.project`.

1. Prior particles: `particles` parameter sets drawn from the scenario's uncertainty (one uniform
   per parameter, by inversion) and one whole simulated path each, on the projection's own seed.
2. A synthetic likelihood of the history's summaries (live/summaries.py), fitted over the paths,
   sampled by tempered SMC with resample-and-move (live/smc.py); refitted once over paths
   simulated at that first posterior.
3. The projection's paths: the prior paths resampled by their likelihood while that keeps enough
   of them (importance sampling), else fresh paths at the posterior's parameters (resample and
   move); in each, the history replaced by the actuals where it is observed and the caps starting
   from what has been paid (live/condition.py), priced by the same contract code as `run`.
4. Each path's future payments, line by line, moved by a regression adjustment from its own
   simulated history to the actual one (live/adjust.py), within the caps; then financed by the same
   finance code as `run`.

Projections draw from seeds of their own: `seed`, by default one derived from the scenario's seed
and the as-of month, and never the seed of the history (the actuals' source) or of the scenario.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from ..contract import Payments, apply_contract
from ..errors import UserError
from ..experiment import Results, simulate
from ..experiment.metrics import monthly_streams, replications_table
from ..experiment.parameters import parameter_paths, quantile
from ..finance import CashFlows, cash_flows
from ..measure import OutcomeLedger
from ..rng import streams
from ..scenario import Scenario
from .actuals import Actuals
from .adjust import adjusted
from .condition import conditioned_payments, scale_future, splice_ledger, take_ledger
from .smc import Stage, ess, fit_surrogate, normals, sample_posterior, systematic
from .summaries import summarise_actuals, summarise_paths

# The stream the SMC's own choices (prior uniforms, resampling, moves) come from: a replication
# index no path uses.
SMC_STREAM = 2**40


@dataclass(frozen=True)
class PriorBatch:
    """Prior particles and their paths; independent of the actuals, so a backtest can share them."""

    seed: int
    z: np.ndarray  # (k, p) probit-scale parameters
    ledger: OutcomeLedger
    payments: Payments


@dataclass(frozen=True)
class Projection:
    scenario: Scenario
    actuals: Actuals
    seed: int
    parameters: list[str]  # the uncertain parameters' paths
    prior_z: np.ndarray  # (k0, p) prior particles, probit scale
    z: np.ndarray  # (k, p) the posterior particles the projected paths ran at
    stages: tuple[tuple[Stage, ...], ...]  # the SMC's stages, one tuple per fit used for new paths
    summary_names: tuple[str, ...]
    observed: np.ndarray  # (d,) the actuals' summaries
    predicted: np.ndarray  # (k, d) the projected paths' own simulated summaries (before splicing)
    pool_ess: float  # ESS of the prior paths weighted by the likelihood (at or above half: they were used)
    results: Results  # the conditioned paths, as `run` returns them
    payments: Payments
    flows: CashFlows

    @property
    def months(self) -> int:
        return self.actuals.months

    @property
    def remaining_payments(self) -> np.ndarray:
        """(k,) outcome payments after as-of (to the horizon and after it), per path."""
        return self.payments.paid[:, :, :, self.months:].sum(axis=(1, 2, 3)) + self.payments.after_horizon


def projection_seed(scenario: Scenario, actuals: Actuals, seed: int | None = None) -> int:
    """The projection's seed: given, or derived; never the history's or the scenario's own."""
    history = actuals.source.get("seed") if actuals.source else None
    forbidden = {scenario.run.seed} | ({int(history)} if isinstance(history, int) else set())
    if seed is not None:
        if seed in forbidden:
            raise UserError(f"seed {seed} is the seed of the history being projected from: a projection needs "
                            "seeds of its own", field="--seed")
        return seed
    text = f"sib_sim projection {scenario.run.seed} {actuals.months} {sorted(forbidden)}".encode()
    derived = int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little") >> 1
    while derived in forbidden:
        derived += 1
    return derived


def values_of(scenario: Scenario, z: np.ndarray) -> list[dict[str, float]]:
    """Parameter sets from probit-scale particles: each the distribution's quantile at Phi(z)."""
    paths = parameter_paths(scenario)
    u = ndtr(z)
    return [{p: quantile(scenario.uncertainty[p], float(row[j])) for j, p in enumerate(paths)} for row in u]


def _paths(scenario: Scenario, seed: int, first: int, z: np.ndarray,
           workers: int | None) -> tuple[OutcomeLedger, Payments]:
    sets = values_of(scenario, z) if scenario.run.uncertainty else None
    ledger = simulate(scenario, range(first, first + len(z)), seed, workers=workers, parameter_sets=sets)
    return ledger, apply_contract(scenario.contract, ledger)


def prior_batch(scenario: Scenario, particles: int, seed: int, workers: int | None = None) -> PriorBatch:
    rng = streams(seed, SMC_STREAM).parameters
    p = len(parameter_paths(scenario)) if scenario.run.uncertainty else 0
    z = normals(rng, (particles, p))
    ledger, payments = _paths(scenario, seed, 0, z, workers)
    return PriorBatch(seed, z, ledger, payments)


def project(scenario: Scenario, actuals: Actuals, particles: int = 200, seed: int | None = None,
            workers: int | None = None, smc_particles: int = 2000, refine: bool = True,
            prior: PriorBatch | None = None, pool_ess: float = 0.5) -> Projection:
    """Re-project the contract from its actuals (see the module's docstring for the method).

    `particles`: paths for the prior and for each later round; `smc_particles`: particles of the SMC
    on the synthetic likelihood (no simulation each); `refine`: refit the likelihood near the first
    posterior before the final paths. When the prior paths, weighted by the likelihood of their
    parameters, keep an effective sample size of at least `pool_ess` x `particles`, they are
    resampled as the projection's paths and nothing more is simulated (importance sampling); below
    that, fresh paths are simulated at the SMC's posterior parameters (resample and move)."""
    _check_matches(scenario, actuals)
    seed = projection_seed(scenario, actuals, seed if prior is None else prior.seed)
    batch = prior or prior_batch(scenario, particles, seed, workers)
    months, p = actuals.months, batch.z.shape[1]
    # Hospital summaries only where both sides have them: hospital use modelled and hospital.csv given.
    hospital = "hospital" in batch.ledger.modelled and actuals.hospital is not None
    names, s_fit = summarise_paths(batch.ledger, batch.payments, months, hospital)
    z_fit = batch.z
    observed = summarise_actuals(actuals, hospital)[1]
    rng = streams(seed, SMC_STREAM + 1 + months).parameters
    surrogate = fit_surrogate(z_fit, s_fit, observed)
    rounds = [sample_posterior(surrogate, smc_particles, p, rng)]
    log_w = surrogate.log_likelihood(batch.z)
    weights = np.exp(log_w - log_w.max())
    pool = ess(weights)
    if pool >= pool_ess * particles:
        index = systematic(weights, rng)[np.argsort(rng.random(len(batch.z)))[:particles]]
        return _condition(scenario, actuals, seed, batch, batch.z[index], take_ledger(batch.ledger, index),
                          s_fit[index], (rounds[0][1],), tuple(names), observed[0], pool)
    for fit in range(2 if refine else 1):
        posterior = rounds[-1][0]
        z = posterior[np.argsort(rng.random(len(posterior)))[:particles]]
        # path blocks: the prior is 0..k-1; each later block its own replication numbers
        ledger, payments = _paths(scenario, seed, (1 + fit) * 10_000_000 + months * 100_000, z, workers)
        s = summarise_paths(ledger, payments, months, hospital)[1]
        z_fit, s_fit = np.vstack([z_fit, z]), np.vstack([s_fit, s])
        if fit == 0 and refine:
            rounds.append(sample_posterior(fit_surrogate(z_fit, s_fit, observed), smc_particles, p, rng))
    return _condition(scenario, actuals, seed, batch, z, ledger, s, tuple(r[1] for r in rounds), tuple(names),
                      observed[0], pool)


def _condition(scenario: Scenario, actuals: Actuals, seed: int, batch: PriorBatch, z: np.ndarray,
               paths: OutcomeLedger, predicted: np.ndarray, rounds: tuple, names: tuple[str, ...],
               observed: np.ndarray, pool_ess: float) -> Projection:
    ledger = splice_ledger(paths, actuals)
    payments = conditioned_payments(scenario.contract, ledger, actuals)
    payments = scale_future(scenario.contract, payments, actuals, _line_factors(payments, predicted, observed,
                                                                                actuals.months))
    flows = cash_flows(scenario, payments, ledger)
    table = replications_table(np.arange(ledger.n_replications), ledger, payments, flows)
    results = Results(scenario, seed, table, monthly_streams(ledger, payments, flows),
                      ledger.star_change_histogram.sum(axis=0))
    paths_ = parameter_paths(scenario) if scenario.run.uncertainty else []
    return Projection(scenario, actuals, seed, paths_, batch.z, z, rounds, names, observed, predicted, pool_ess,
                      results, payments, flows)


def _line_factors(payments: Payments, predicted: np.ndarray, observed: np.ndarray, months: int) -> np.ndarray:
    """(k, lines): each path's regression-adjusted future payments of each line over its own (live/adjust.py)."""
    future = payments.paid[:, :, :, months:].sum(axis=(2, 3))
    factor = np.ones_like(future)
    for i in range(future.shape[1]):
        y = future[:, i]
        moved = np.maximum(adjusted(y, predicted, observed), 0.0)
        factor[:, i] = np.where(y > 0, moved / np.where(y > 0, y, 1.0), 1.0)
    return factor


def _check_matches(scenario: Scenario, actuals: Actuals) -> None:
    lines = tuple(o.id for o in scenario.contract.outcomes)
    payers = tuple(p.id for p in scenario.contract.payers)
    if actuals.line_ids != lines or actuals.payer_ids != payers:
        raise UserError("the actuals' outcome lines and payers are not the scenario's", field="actuals")
    if actuals.start_date != scenario.run.start_date:
        raise UserError("the actuals start in another month than the scenario", field="actuals")
    refuse_participant_cap(scenario)


PARTICIPANT_CAP_TEXT = ("a contract with a per-participant cap cannot be re-projected yet: the actuals hold "
                        "payments by line and payer, not by participant, so what each participant has left "
                        "under the cap at as-of is unknown. To project without it, remove contract.participant_cap "
                        "from a copy of the scenario (each participant then starts with the whole cap again, so "
                        "the projection over-states what is still to be paid)")


def refuse_participant_cap(scenario: Scenario, where: str | None = None) -> None:
    """A UserError for a participant cap, at `where` (the cap's file:line, when the caller knows it)."""
    if scenario.contract.participant_cap is None:
        return
    raise UserError(PARTICIPANT_CAP_TEXT, where=where, field="contract.participant_cap")
