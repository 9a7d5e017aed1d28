"""Views of a ledger: the same cohorts as a perfect evaluator, or with no true effect, would see them.

The contract pays on what the evaluator measures. To separate measurement risk from delivery risk,
the same contract is priced on three ledgers that differ only in the series the payment rules read:

- "measured": the ledger as it is;
- "true": a perfect evaluator: every scheduled follow-up Star with its true latent change, and the
  participants' expected hospital cost against their own counterfactual (no Poisson noise, no
  comparison cohort, so no matching bias, drift, sampling noise or regression-to-the-mean gap);
- "null": this evaluator, with its missed Stars, recording noise and comparison cohort, measuring a
  programme that did nothing (the Stars do not truly move; participants' use is drawn at their
  counterfactual rates).

Only the Star and hospital series are swapped. Milestones (per-participant outcomes such as "Star up 3
points") and cohort totals (threshold contracts) stay as measured, because rebuilding them needs
per-participant data that is not kept; so are the flow series (referrals, engaged, ...), which the
evaluator counts without error. Lines paid on milestones, cohort totals or fixed fees therefore pay
the same in every view.
"""

from __future__ import annotations

from dataclasses import replace

from .ledger import OutcomeLedger

# view -> {series the payment rules read: series that replaces it}
VIEWS: dict[str, dict[str, str]] = {
    "measured": {},
    "true": {
        "star_followups": "star_followups_true",
        "star_change_sum": "star_change_sum_true",
        "hospital_treated_cost": "hospital_expected_cost",
        "hospital_comparison_cost": "hospital_counterfactual_cost",
    },
    "null": {
        "star_change_sum": "star_change_sum_null",
        "hospital_treated_cost": "hospital_treated_cost_null",
    },
}


def as_measured_by(ledger: OutcomeLedger, view: str) -> OutcomeLedger:
    """A new ledger whose measured Star and hospital series are those of `view` (see module doc).

    Milestones, cohort totals, flow series and scalars stay as measured. The input is not changed.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; known: {', '.join(VIEWS)}")
    swap = VIEWS[view]
    if not swap:
        return ledger
    series = dict(ledger.series) | {name: ledger.series[source] for name, source in swap.items()}
    return replace(ledger, series=series)
