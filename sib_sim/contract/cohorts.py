"""Cohort threshold lines (Peterborough-style): a cohort is paid only if its reduction reaches a tier.

Each cohort is claimed once its last participant's follow-up is over (plus the evidence delay). The
pooled test, if any, is claimed with (just after) the last cohort: if all cohorts together reach its
threshold it pays for the whole pooled effect, net of what the cohorts earned (before caps: the rule
cannot see caps, which apply later; so a capped cohort payment is not topped up by the pooled one).
"""

from __future__ import annotations

import numpy as np

from ..kinds.thresholds import reduction_reaches
from ..measure import OutcomeLedger
from ..measure.definitions import CohortMeasure, cohort_measures
from ..scenario.contract import CohortThreshold
from .records import PendingClaim


def _measured(ledger: OutcomeLedger, measure: CohortMeasure) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(participants, treated total, comparison total) of one cohort."""
    data = ledger.cohorts[measure.key]
    return data[:, 0], data[:, 1], data[:, 2]


def _reduction(treated: np.ndarray, comparison: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(comparison > 0, 1.0 - treated / np.where(comparison > 0, comparison, 1.0), 0.0)


def _tier_price(line: CohortThreshold, treated: np.ndarray, comparison: np.ndarray) -> np.ndarray:
    """The price of the highest tier the cohort reaches (0 below the first), thresholds met exactly."""
    price = np.zeros(treated.shape)
    for tier in line.tiers:  # increasing thresholds and prices: the highest tier reached wins
        price = np.where(reduction_reaches(treated, comparison, tier.at_least), tier.price, price)
    return price


def cohort_claims(line: CohortThreshold, ledger: OutcomeLedger) -> list[PendingClaim]:
    measures = cohort_measures(line)
    claims = []
    for window, measure in zip(line.cohorts, measures):
        participants, treated, comparison = _measured(ledger, measure)
        ready = max(window.start_to + line.follow_up_months + line.claim.evidence_delay_months,
                    line.claim.first_claim_month)
        avoided = np.maximum(comparison - treated, 0.0)
        claims.append(PendingClaim(window.start_from, window.start_to, ready, participants,
                                  _reduction(treated, comparison), _tier_price(line, treated, comparison) * avoided))
    if line.pooled is not None:
        participants, treated, comparison = _measured(ledger, measures[-1])
        reduction, avoided = _reduction(treated, comparison), np.maximum(comparison - treated, 0.0)
        reached = reduction_reaches(treated, comparison, line.pooled.at_least)
        whole = np.where(reached, line.tiers[0].price * avoided, 0.0)
        already = sum(c.earned for c in claims)
        claims.append(PendingClaim(measures[-1].start_from, measures[-1].start_to, max(c.claim_month for c in claims),
                                  participants, reduction, np.maximum(whole - already, 0.0)))
    return claims
