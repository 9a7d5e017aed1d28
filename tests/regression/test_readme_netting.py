"""The README's figures for savings netting with no true effect, recomputed.

README (savings_share) says what a Ways to Wellness contract pays when the programme has no effect
at all, under `per_claim` and `cumulative` netting, over the shipped scenario's 200 replications and
seed. This runs both and checks the README's sentence figure for figure, as `sib-sim run` prints them,
so a change to the model, the measurement or the contract that moves them fails here until the README
is updated. It also checks what must hold whatever the seed: cumulative netting never earns more than
flooring each claim, with no effect (before caps).
"""

import re
from pathlib import Path

import numpy as np
import pytest

from sib_sim import run, simulate, with_overrides
from sib_sim.contract import apply_contract
from sib_sim.measure import as_measured_by
from sib_sim.reports.summary_table import money

README = Path(__file__).resolve().parents[2] / "README.md"
SENTENCE = re.compile(r"would still be paid (£[\d.]+[km]?) on average with `per_claim` netting\s+\(something in "
                      r"(\d+)% of runs\) and (£[\d.]+[km]?) with `cumulative` netting \((\d+)% of runs\)")


def _quoted() -> tuple[str, int, str, int]:
    found = SENTENCE.search(README.read_text(encoding="utf-8"))
    assert found, "the README's netting sentence has changed shape: update this test with it"
    return found[1], int(found[2]), found[3], int(found[4])


def _no_effect(scenario, netting: str) -> tuple[str, int]:
    """(mean, % of runs paying something) of payments with no true effect, as `run` prints them."""
    variant = with_overrides(scenario, {"contract.outcomes.secondary_care.netting": netting})
    table = run(variant, workers=2).replications
    paid = table["payments_no_effect"].to_numpy(float)
    return money(paid.mean(), variant.currency), int(f"{100 * float((paid > 0.005).mean()):.0f}")


@pytest.mark.parametrize("netting", ["per_claim", "cumulative"])
def test_readme_figures_for_no_effect(wtw, netting):
    per_claim_mean, per_claim_share, cumulative_mean, cumulative_share = _quoted()
    quoted = {"per_claim": (per_claim_mean, per_claim_share), "cumulative": (cumulative_mean, cumulative_share)}
    assert wtw.run.replications == 200
    assert _no_effect(wtw, netting) == quoted[netting]


def test_cumulative_netting_never_earns_more_than_flooring_each_claim(wtw):
    """share x max(0, the best cumulative saving) <= the sum of share x each year's saving floored at zero."""
    uncapped = with_overrides(wtw, {"contract.cap": None, "contract.payers.ccg.cap": None,
                                    "contract.payers.cbo.cap": None, "contract.payers.sof.cap": None})
    ledger = as_measured_by(simulate(uncapped, range(12), seed=5, workers=2), "null")
    earned = {}
    for netting in ("per_claim", "cumulative"):
        contract = with_overrides(uncapped, {"contract.outcomes.secondary_care.netting": netting}).contract
        claims = [c for c in apply_contract(contract, ledger).claims if c.line == "secondary_care"]
        earned[netting] = np.sum([c.earned for c in claims], axis=0)
    assert (earned["cumulative"] <= earned["per_claim"] + 1e-6).all()
    assert (earned["cumulative"] < earned["per_claim"] - 1.0).any()  # some replication claws back
