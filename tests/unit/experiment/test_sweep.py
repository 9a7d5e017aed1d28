"""Sweeps and the deal zone: parsing, one simulation for terms, probabilities, monotone prices, errors."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from sib_sim import UserError, with_overrides
from sib_sim.cli import app
from sib_sim.experiment import sweep
from sib_sim.experiment.sweep import Axis, parse_axis
from sib_sim.io.output_folder import MARKER, Marker, write_marker
from sib_sim.io.sensitivity_folder import write_sweep_folder
from sib_sim.reports.sensitivity_figures import deal_zone

# The package exports the function `sweep`, which hides the module of the same name as an attribute.
sweep_module = sys.modules["sib_sim.experiment.sweep"]

PRICE = "contract.outcomes.wellbeing.price"
SHARE = "contract.outcomes.secondary_care.share"


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """Count cohort simulations (calls to the executor), each with its number of replications."""
    calls: list[int] = []
    real = sweep_module.simulate_replications

    def counting(scenario, seed, replications, *args, **kwargs):
        calls.append(len(replications))
        return real(scenario, seed, replications, *args, **kwargs)

    monkeypatch.setattr(sweep_module, "simulate_replications", counting)
    return calls


def test_parse_axis():
    assert parse_axis(f"{PRICE}=200:400:5") == Axis(PRICE, 200.0, 400.0, 5)
    assert parse_axis(f" {SHARE} =0.3:0.7:3").values == pytest.approx([0.3, 0.5, 0.7])


@pytest.mark.parametrize("text,message", [
    ("contract.cap", "bad --param"),
    ("contract.cap=1:2", "bad --param"),
    ("=1:2:3", "bad --param"),
    ("contract.cap=a:2:3", "LO and HI must be numbers"),
    ("contract.cap=1:2:2.5", "N a whole number"),
    ("contract.cap=1:2:1", "N must be at least 2"),
    ("contract.cap=5:2:3", "LO must be below HI"),
    ("contract.cap=2:2:3", "LO must be below HI"),
    ("contract.cap=1:inf:3", "finite"),
])
def test_bad_param_strings(text, message):
    with pytest.raises(UserError, match=message) as error:
        parse_axis(text)
    assert "PATH=LO:HI:N" in str(error.value)


def test_one_dimensional_terms_grid_simulates_once(wtw, counted):
    result = sweep(wtw, [f"{PRICE}=100:300:3"], replications=6, workers=2)
    assert counted == [6] and result.simulations == 1
    assert result.grid[PRICE].tolist() == [100.0, 200.0, 300.0]
    for column in ("p_investor_hurdle", "p_commissioner_covered"):
        assert result.grid[column].between(0.0, 1.0).all()
    assert (result.grid["n"] == 6).all()


def test_two_dimensional_terms_grid_simulates_once(wtw, counted):
    result = sweep(wtw, [f"{PRICE}=100:500:3", f"{SHARE}=0.3:0.7:4"], hurdle_multiple=1.5, replications=6,
                   workers=2)
    assert counted == [6] and result.simulations == 1
    assert len(result.grid) == 12
    assert result.grid[[PRICE, SHARE]].iloc[:4].values.tolist() == [[100, 0.3], [100, 0.3 + 0.4 / 3],
                                                                    [100, 0.3 + 0.8 / 3], [100, 0.7]]
    both = (result.grid["p_investor_hurdle"] >= 0.8) & (result.grid["p_commissioner_covered"] >= 0.8)
    assert (result.grid["deal"] == both).all()


def test_a_value_that_changes_the_world_is_simulated_per_point_on_the_same_seeds(wtw, counted):
    result = sweep(wtw, ["hospital.lines.ae.unit_cost=100:200:2", f"{PRICE}=200:300:2"], replications=2,
                   workers=1)
    assert counted == [2, 2] and result.simulations == 2  # the price axis still re-prices


def test_higher_price_helps_the_investor_and_costs_the_commissioner(wtw):
    """Along the outcome A price, on the same cohorts: P(hurdle) never falls, P(covered) never rises."""
    result = sweep(wtw, [f"{PRICE}=0:400:5"], hurdle_multiple=1.5, replications=20, workers=2)
    investor, commissioner = result.grid["p_investor_hurdle"], result.grid["p_commissioner_covered"]
    assert investor.is_monotonic_increasing and commissioner.is_monotonic_decreasing
    assert investor.iloc[-1] > investor.iloc[0] and commissioner.iloc[-1] < commissioner.iloc[0]
    assert result.grid["payments_total_p50"].is_monotonic_increasing


def test_no_investor_never_meets_the_hurdle(wtw):
    direct = with_overrides(wtw, {"finance.investor.commitment": 0})
    result = sweep(direct, [f"{PRICE}=200:300:2"], replications=2, workers=1)
    assert (result.grid["p_investor_hurdle"] == 0).all() and not result.grid["deal"].any()
    assert np.isnan(result.grid["investor_multiple_p50"]).all()
    assert any("no investor" in note for note in result.notes)


@pytest.mark.parametrize("params,message", [
    ([f"{PRICE}=1:2:2", f"{PRICE}=3:4:2"], "given twice"),
    ([f"{PRICE}=1:2:2", f"{SHARE}=0.1:0.2:2", "contract.cap=1:2:2"], "one or two"),
    (["contract.outcomes.wellbeing.pryce=1:2:2"], "did you mean 'price'"),
    ([f"{SHARE}=0.5:1.5:3"], "less than or equal to 1"),
    (["contract.outcomes.wellbeing.claim=1:2:2"], "not a number"),
])
def test_bad_axes_are_user_errors(wtw, params, message):
    with pytest.raises(UserError, match=message):
        sweep(wtw, params, replications=1, workers=1)


@pytest.mark.parametrize("kwargs,message", [({"probability": 0.0}, "probability"), ({"hurdle_multiple": -1}, "hurdle")])
def test_bad_thresholds_are_user_errors(wtw, kwargs, message):
    with pytest.raises(UserError, match=message):
        sweep(wtw, [f"{PRICE}=1:2:2"], replications=1, workers=1, **kwargs)


def test_folder_and_figures(wtw, tmp_path):
    (tmp_path / "summary.json").write_text("{}")
    write_marker(tmp_path, Marker("results", "complete", ("summary.json",)))  # a results folder sib_sim wrote
    for params in ([f"{PRICE}=200:300:2"], [f"{PRICE}=200:300:2", f"{SHARE}=0.4:0.6:3"]):
        result = sweep(wtw, params, replications=2, workers=1)
        folder = write_sweep_folder(result, tmp_path, deal_zone)
        assert {p.name for p in folder.iterdir()} == {"grid.csv", "deal_zone.png", "sweep.json", MARKER}
        document = json.loads((folder / "sweep.json").read_text())
        assert [a["path"] for a in document["axes"]] == [p.split("=")[0] for p in params]
        assert document["simulations"] == 1
    assert (tmp_path / "summary.json").read_text() == "{}"


def _one_clear_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    assert result.stderr.count("error:") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.mark.parametrize("param,fragment", [
    ("contract.outcomes.wellbeing.price", "expected PATH=LO:HI:N"),
    ("contract.outcomes.wellbeing.price=300:200:3", "LO must be below HI"),
    ("contract.outcomes.wellbeing.price=200:300:1", "N must be at least 2"),
    ("contract.outcomes.wellbeing.price=lo:300:3", "LO and HI must be numbers"),
    ("contract.outcomes.wellbeing.prise=200:300:3", "did you mean 'price'"),
])
def test_cli_bad_param_exits_2_with_one_message(wtw_path, tmp_path, param, fragment):
    result = CliRunner().invoke(app, ["sweep", str(wtw_path), "--param", param, "--replications", "1",
                                      "--out", str(tmp_path / "o")])
    _one_clear_error(result, fragment)
    assert not (tmp_path / "o").exists()


def test_cli_sweep_prints_the_grid_and_writes_the_folder(wtw_path, tmp_path):
    result = CliRunner().invoke(app, ["sweep", str(wtw_path), "--param", f"{PRICE}=200:300:2", "--param",
                                      f"{SHARE}=0.4:0.6:2", "--replications", "2", "--workers", "1",
                                      "--hurdle", "1.2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "P(investor multiple >= 1.2)" in result.output
    assert (tmp_path / "sweep" / "deal_zone.png").exists()
