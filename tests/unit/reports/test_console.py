"""What the terminal shows: one wording for a delivery cut, compare's medians apart from its paired
differences, sweep and tornado tables in one format with £ signs, and a --set run titled a variant.

Inputs are built by hand (a few replications, a two-point sweep) so every expected cell is computed
here, not read back from the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from sib_sim.experiment import Comparison, Results
from sib_sim.experiment.sensitivity import SensitivityResult
from sib_sim.experiment.sweep import Axis, SweepResult
from sib_sim.reports.compare_table import COLUMNS, comparison_rows, term_lines
from sib_sim.reports.console import print_comparison, print_sensitivity, print_summary, print_sweep
from sib_sim.reports.labels import parameter_label
from sib_sim.reports.summary_table import delivery_cut_warning, money, probability_lines


def _console(width: int = 160) -> Console:
    return Console(width=width, record=True, color_system=None)


# --- money and the delivery cut ------------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    (7_930_000.0, "£7.93m"), (999_999.0, "£1.00m"), (375_400.0, "£375k"), (99_960.0, "£100k"),
    (44_900.0, "£44.9k"), (999.6, "£1.0k"), (449.0, "£449"), (-0.4, "£0"), (-68_449.0, "-£68.4k"),
    (float("nan"), "-")])
def test_money_has_one_rounding(value: float, text: str) -> None:
    assert money(value, "GBP") == text


def test_delivery_cut_says_per_affected_run_and_over_all_runs() -> None:
    # README's case: cut in 2 of 200 runs (1%), 449 over all runs -> 44,900 in each run with a cut.
    metrics = {"p_delivery_cut": {"value": 0.01, "n": 200}, "delivery_cut": {"mean": 449.0, "n": 200}}
    text = delivery_cut_warning(metrics, "GBP")
    assert text.startswith("delivery was cut in 1.0% of runs (2 of 200): cash and the investor's commitment ran out.")
    assert "In those runs, £44.9k of delivery costs on average could not be paid (£449 averaged over all runs" in text
    lines = probability_lines(metrics, "GBP")
    assert lines == ["Warning: " + text]
    assert delivery_cut_warning({"p_delivery_cut": {"value": 0.0, "n": 200}}, "GBP") is None


# --- the run's title -------------------------------------------------------------------------------

def test_a_set_run_is_titled_a_variant(wtw) -> None:
    metrics = {"payments_total": {"mean": 7.6e6, "p5": 6.28e6, "p50": 7.8e6, "p95": 8.2e6, "n": 3}}
    console = _console()
    print_summary(console, metrics, wtw, 3, 7, ("contract.cap=10000000", "cohort.p_engage=0.7"))
    text = console.export_text()
    assert "ways_to_wellness (variant): 3 replications, seed 7" in text
    assert "Variant: --set contract.cap=10000000, --set cohort.p_engage=0.7" in text
    assert "£7.80m" in text
    plain = _console()
    print_summary(plain, metrics, wtw, 3, 7)
    assert "Variant" not in plain.export_text()


# --- compare ----------------------------------------------------------------------------------------

def _results(scenario, columns: dict[str, list[float]]) -> Results:
    table = pd.DataFrame({"replication": range(len(next(iter(columns.values())))), **columns})
    return Results(scenario=scenario, seed=1, replications=table, monthly={},
                   star_change_histogram=np.zeros(145))


@pytest.fixture(scope="module")
def comparison(wtw) -> Comparison:
    """Five paired runs where the medians and the paired mean disagree in sign.

    Net cost: base [0, 10, 20, 30, 40] (median 20), variant [100, 5, 15, 25, 35] (median 25):
    median gap +5; paired differences [+100, -5, -5, -5, -5], mean +16, 4 of 5 lower.
    Investor IRR 10% -> 12% in every run: +2.0 pp. P(investor loss): 1 of 5 -> 2 of 5, +20.0 pp.
    """
    variant = wtw.model_copy(update={"name": "variant"})
    base = _results(wtw, {"commissioner_net_cost": [0.0, 10e3, 20e3, 30e3, 40e3], "investor_irr": [0.10] * 5,
                          "investor_loss": [1.0, 0, 0, 0, 0]})
    other = _results(variant, {"commissioner_net_cost": [100e3, 5e3, 15e3, 25e3, 35e3], "investor_irr": [0.12] * 5,
                               "investor_loss": [1.0, 1.0, 0, 0, 0]})
    return Comparison([base, other])


def test_compare_shows_median_gap_and_paired_mean_apart(comparison: Comparison) -> None:
    rows = {label: cells for _, label, cells in comparison_rows(comparison)}
    assert COLUMNS == ("base median", "variant median", "median gap", "paired mean", "paired 5%/95%", "% higher")
    # paired differences [+100k, -5k, -5k, -5k, -5k]: 5th percentile -5k, 95th 100k - 0.2 * 105k = 79k
    assert rows["Commissioner net cost"] == ["£20.0k", "£25.0k", "+£5.0k", "+£16.0k", "-£5.0k/+£79.0k", "20%"]


def test_compare_rates_in_points_and_probabilities_without_p_higher(comparison: Comparison) -> None:
    rows = {label: cells for _, label, cells in comparison_rows(comparison)}
    assert rows["Investor IRR"][:4] == ["10.0%", "12.0%", "+2.0 pp", "+2.0 pp"]
    assert rows["P(investor loss)"] == ["20.0%", "40.0%", "", "+20.0 pp", "", ""]


def test_compare_prints_removed_terms_in_words(wtw_path) -> None:
    from sib_sim import load_scenario
    from sib_sim.experiment import term_differences

    base = load_scenario(wtw_path)
    direct = load_scenario(wtw_path.parent / "ways_to_wellness_direct.yaml")
    lines = term_lines(term_differences(base, direct), "GBP")
    assert "contract.cap: £8.20m -> none" in lines
    assert "contract.payers.sof: (sof: Cabinet Office, Social Outcomes Fund) -> none" in lines
    assert "finance.investor.commitment: £1.65m -> £0" in lines
    assert not any("{" in line or '"' in line for line in lines)  # no JSON


def test_print_comparison_has_the_caption(comparison: Comparison) -> None:
    console = _console()
    print_comparison(console, comparison, 5)
    text = console.export_text()
    assert "variant (variant) against ways_to_wellness (base) over 5 paired replications" in text
    assert "can have the other sign from the median gap" in text
    assert "P(>0)" not in text


# --- sweep and sensitivity --------------------------------------------------------------------------

def _sweep(axes: tuple[Axis, ...], grid: pd.DataFrame) -> SweepResult:
    return SweepResult("wtw", axes, grid, hurdle_multiple=1.5, probability=0.8, replications=6, seed=1,
                       simulations=1, notes=())


def test_sweep_table_has_one_format_and_pounds() -> None:
    path = "contract.outcomes.wellbeing.price"
    grid = pd.DataFrame({path: [100.0, 500.0], "p_investor_hurdle": [1.0, 0.5], "p_commissioner_covered": [1.0, 2 / 3],
                         "deal": [True, False], "payments_total_p50": [6_141_972.9, 77_910.0],
                         "investor_multiple_p50": [1.575049584, 2.0]})
    console = _console()
    print_sweep(console, _sweep((Axis(path, 100.0, 500.0, 2),), grid), "GBP")
    text = console.export_text()
    assert "Wellbeing price (£)" in text
    assert "P(investor multiple >= 1.5x)" in text and "both >= 80%" in text
    lines = [line.split() for line in text.splitlines()]
    assert ["£100", "100%", "100%", "yes", "£6.14m", "1.58x"] in lines
    assert ["£500", "50%", "67%", "£77.9k", "2.00x"] in lines
    assert "e+0" not in text and "6,141,973" not in text


def test_sweep_matrix_labels_both_terms() -> None:
    a, b = Axis("contract.outcomes.wellbeing.price", 200.0, 400.0, 2), Axis("contract.outcomes.secondary_care.share",
                                                                           0.3, 0.5, 2)
    grid = pd.DataFrame({a.path: [200.0, 200.0, 400.0, 400.0], b.path: [0.3, 0.5, 0.3, 0.5],
                         "p_investor_hurdle": [0.5, 1.0, 1.0, 1.0], "p_commissioner_covered": [1.0, 1.0, 0.9, 0.2],
                         "deal": [False, True, True, False]})
    console = _console()
    print_sweep(console, _sweep((a, b), grid), "GBP")
    text = console.export_text()
    assert "Wellbeing price \\ Secondary care share of savings paid" in text
    assert "30.0%" in text and "50.0%" in text
    assert any(line.split()[:3] == ["£200", "50%/100%", "100%/100%"] for line in text.splitlines())


def test_tornado_table_in_words_and_pounds() -> None:
    table = pd.DataFrame({"parameter": ["hospital.lines.ae.effect_during_support"], "low": [0.4164], "high": [0.6232],
                          "metric_low": [77_910.0], "metric_high": [8.2e6], "swing": [8_122_090.0],
                          "swing_se": [29_196.0]})
    result = SensitivityResult("oneway", "payments_total", table, (), "wtw", 1, None, 2, 3, base=8_015_202.4)
    console = _console()
    print_sensitivity(console, result, "GBP")
    text = console.export_text()
    assert "One-way sensitivity (tornado) of outcome payments in £ (payments_total)" in text
    row = next(line for line in text.splitlines() if line.startswith("A&E reduction during support"))
    assert row.split()[-6:] == ["41.6%", "62.3%", "£77.9k", "£8.20m", "£8.12m", "£29.2k"]
    assert "e+0" not in text


@pytest.mark.parametrize(("path", "words"), [
    ("hospital.lines.non_elective.effect_during_support", "Non elective reduction during support"),
    ("cohort.p_engage", "Share of referrals who engage"),
    ("contract.cap", "Contract cap"),
    ("contract.payers.sof.cap", "SOF cap"),
    ("wellbeing.gain_decay", "Star gain kept each later period"),
    ("some.unknown_field", "Some unknown field")])
def test_parameter_labels(path: str, words: str) -> None:
    assert parameter_label(path) == words
