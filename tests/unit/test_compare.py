"""compare: variants re-price shared cohorts (exact pairing) and report paired differences."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sib_sim import evaluate, load_scenario, simulate, with_overrides
from sib_sim.cli import app
from sib_sim.experiment import compare, term_differences
from sib_sim.measure import definitions_for


@pytest.fixture(scope="module")
def direct(wtw_path):
    return load_scenario(wtw_path.parent / "ways_to_wellness_direct.yaml")


def test_terms_only_variants_share_one_simulation_and_pair_exactly(wtw, direct):
    c = compare([wtw, direct], replications=4, seed=3, workers=1)
    base, variant = (r.replications for r in c.variants)
    np.testing.assert_array_equal(base["engaged"], variant["engaged"])  # same cohorts
    # The same numbers as pricing one ledger under each set of terms by hand.
    ledger = simulate(wtw, range(4), seed=3, workers=1, definitions=definitions_for([wtw.contract, direct.contract]))
    by_hand = evaluate(direct, ledger, 3).replications["commissioner_net_cost"] \
        - evaluate(wtw, ledger, 3).replications["commissioner_net_cost"]
    d = c.differences()["ways_to_wellness_direct"]["commissioner_net_cost"]
    assert d["mean"] == pytest.approx(by_hand.mean())
    assert d["p_positive"] == pytest.approx((by_hand > 0).mean())
    assert d["p5"] <= d["mean"] <= d["p95"]


def test_model_variants_use_common_random_numbers(wtw):
    weaker = with_overrides(wtw, {"name": "weaker", "hospital.lines.ae.effect_during_support": 0.1})
    c = compare([wtw, weaker], replications=3, seed=5, workers=1)
    base, variant = (r.replications for r in c.variants)
    np.testing.assert_array_equal(base["referrals"], variant["referrals"])  # same referral stream
    assert (variant["hospital_cost_reduction_true"] < base["hospital_cost_reduction_true"]).all()


def test_term_differences_are_item_level_for_added_lines(wtw, direct):
    rows = dict((path, (a, b)) for path, a, b in term_differences(wtw, direct))
    assert rows["contract.outcomes.service_fee"] == (None, "(fixed_fee line)")
    assert rows["contract.outcomes.wellbeing"] == ("(sliding_scale line)", None)
    assert rows["finance.investor.commitment"] == (1_650_000, 0)
    assert "cohort.referrals.rate_per_month" not in rows


def test_compare_command_reads_like_a_finance_paper(tmp_path, wtw_path):
    direct = wtw_path.parent / "ways_to_wellness_direct.yaml"
    result = CliRunner().invoke(app, ["compare", str(wtw_path), str(direct), "--replications", "4",
                                      "--workers", "1", "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    # An 80-column test terminal wraps headers and labels onto several lines: look for single words.
    assert "median" in result.stdout and "paired" in result.stdout and " pp" in result.stdout
    assert "P(>0)" not in result.stdout and "Terms that differ (13), base -> variant:" in result.stdout
    assert "finance.investor.commitment" in result.stdout
    document = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    assert document["base"] == "ways_to_wellness"
    diff = document["differences"]["ways_to_wellness_direct"]["commissioner_net_cost"]
    assert set(diff) == {"mean", "p5", "p95", "p_positive", "n"}


def test_compare_needs_two_files(wtw_path):
    result = CliRunner().invoke(app, ["compare", str(wtw_path)])
    assert result.exit_code == 2 and "at least two" in result.stderr
