"""Sensitivity: the SALib adapters on functions with known answers, design points through the executors,
the tornado on Ways to Wellness, the same numbers on any number of workers, clear errors, the folder."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sib_sim import UserError, simulate, with_overrides
from sib_sim.cli import app
from sib_sim.experiment import evaluate_points, sensitivity
from sib_sim.experiment.points import point_values, values_at_quantiles
from sib_sim.experiment.sensitivity import morris_effects, sobol_indices
from sib_sim.io.output_folder import Marker, write_marker
from sib_sim.io.sensitivity_folder import write_sensitivity_folder
from sib_sim.reports.sensitivity_figures import sensitivity_figure

ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
TOLERANCE = 0.01  # on top of the bootstrap half-width: the analytic values are rounded to 4 places


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.fixture(scope="module")
def small(wtw):
    """A year of referrals (about 1,000 patients, ~20 ms a replication) with two uncertain values:
    the referral rate, which drives the number of referrals, and a Star parameter, which cannot."""
    return with_overrides(wtw, {
        "cohort.referrals.end_month": 12,
        "uncertainty": {"cohort.referrals.rate_per_month": {"dist": "gamma", "mean": 118, "sd": 20},
                        "wellbeing.gain_decay": {"dist": "beta", "mean": 0.55, "sd": 0.08}}})


def test_sobol_adapter_reproduces_the_ishigami_indices():
    bounds = [[-np.pi, np.pi]] * 3
    table, pairs, x, y = sobol_indices(["x1", "x2", "x3"], bounds, ishigami, 4096, seed=20150401)
    assert pairs is None and len(x) == 4096 * 5 and y.shape == (len(x),)
    for row, s1, st in zip(table.itertuples(), ISHIGAMI_S1, ISHIGAMI_ST):
        assert abs(row.S1 - s1) <= row.S1_conf + TOLERANCE, (row.parameter, row.S1, row.S1_conf)
        assert abs(row.ST - st) <= row.ST_conf + TOLERANCE, (row.parameter, row.ST, row.ST_conf)
        assert row.S1_conf < 0.05 and row.ST_conf < 0.05  # narrow enough for the check to mean something


def test_sobol_second_order_on_ishigami_finds_the_x1_x3_interaction():
    table, pairs, x, _ = sobol_indices(["x1", "x2", "x3"], [[-np.pi, np.pi]] * 3, ishigami, 1024, seed=1,
                                       second_order=True)
    assert len(x) == 1024 * 8
    s2 = pairs.set_index(["parameter_1", "parameter_2"])["S2"]
    assert s2[("x1", "x3")] == pytest.approx(ISHIGAMI_ST[0] - ISHIGAMI_S1[0], abs=0.08)  # 0.2437
    assert abs(s2[("x1", "x2")]) < 0.08


def test_morris_adapter_on_a_linear_function():
    table, x, y = morris_effects(["a", "b", "c"], [[0, 1]] * 3, lambda q: 3 * q[:, 0] + q[:, 1], 10, seed=3)
    assert len(x) == 10 * 4
    assert table["mu_star"].tolist() == pytest.approx([3.0, 1.0, 0.0])
    assert table["sigma"].tolist() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


def test_parameter_sets_reach_the_replications_on_any_number_of_workers(small):
    sets = values_at_quantiles(small, np.array([[0.1, 0.5], [0.9, 0.5], [0.5, 0.2]]))
    one = simulate(small, [0, 0, 1], workers=1, parameter_sets=sets)
    two = simulate(small, [0, 0, 1], workers=2, parameter_sets=sets)
    rate = one.parameters["cohort.referrals.rate_per_month"]
    assert rate.tolist() == pytest.approx([s["cohort.referrals.rate_per_month"] for s in sets])
    assert all(np.array_equal(one.series[k], two.series[k]) for k in one.series)
    # Same streams (replication 0), lower rate: fewer referrals, exactly reproducible.
    assert one.series["referrals"][0].sum() < one.series["referrals"][1].sum()
    with pytest.raises(ValueError, match="one set per replication"):
        simulate(small, [0, 1], workers=1, parameter_sets=sets)


def test_evaluate_points_uses_common_random_numbers(small):
    base = point_values(small)
    values = evaluate_points(small, [base, base, {**base, "wellbeing.gain_decay": 0.7}], "referrals",
                             replications_per_point=2, workers=1)
    assert values[0] == values[1] == values[2]  # same streams, and Star parameters do not refer anyone


def test_one_way_ranks_a_big_effect_above_none(small):
    result = sensitivity(small, "oneway", metric="referrals", replications=3, workers=2)
    table = result.table.set_index("parameter")
    assert result.table["parameter"].tolist() == ["cohort.referrals.rate_per_month", "wellbeing.gain_decay"]
    assert table.loc["wellbeing.gain_decay", "swing"] == 0.0
    assert table.loc["cohort.referrals.rate_per_month", "swing"] > 100  # about 2 x 1.28 x 20 x 12 referrals
    low, high = small.uncertainty["cohort.referrals.rate_per_month"].ppf(0.1), small.uncertainty[
        "cohort.referrals.rate_per_month"].ppf(0.9)
    assert table.loc["cohort.referrals.rate_per_month", ["low", "high"]].tolist() == pytest.approx([low, high])
    assert result.n_points == 5 and result.base is not None


def test_tornado_on_ways_to_wellness_ranks_hospital_effects_above_star_parameters(wtw):
    """The issue's claim. Outcome A's sliding scale pays in full from +1.4 Star points and the cohort
    gains about +3.4, so the Star parameters barely move payments; hospital effects drive outcome B."""
    result = sensitivity(wtw, "oneway", replications=4, workers=2)
    rank = {p: i for i, p in enumerate(result.table["parameter"])}
    stars = [p for p in rank if p.startswith("wellbeing.")]
    assert len(stars) == 2
    for hospital in ("hospital.lines.non_elective.effect_during_support",
                     "hospital.lines.outpatient.effect_during_support", "hospital.effect_half_life_months"):
        assert all(rank[hospital] < rank[star] for star in stars), result.table
    assert any("caps cut payments" in note for note in result.notes)  # the cap mutes the high side


@pytest.mark.parametrize("method,samples", [("oneway", None), ("morris", 2), ("sobol", 2)])
def test_same_sensitivity_numbers_with_one_or_two_workers(small, method, samples):
    a = sensitivity(small, method, samples=samples, replications=2, workers=1)
    b = sensitivity(small, method, samples=samples, replications=2, workers=2)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_same_sensitivity_numbers_on_a_dask_cluster(small):
    distributed = pytest.importorskip("distributed")
    local = sensitivity(small, "morris", samples=2, replications=2, workers=1)
    quiet_http = {"dashboard_address": "127.0.0.1:0"}  # no fixed port another cluster may hold
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, scheduler_kwargs=quiet_http) as cluster:
        remote = sensitivity(small, "morris", samples=2, replications=2, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local.table, remote.table)
    pd.testing.assert_frame_equal(local.points, remote.points)


def test_sobol_on_the_model_runs_each_base_row_on_its_own_streams(small):
    result = sensitivity(small, "sobol", metric="referrals", samples=4, workers=2)
    assert result.n_points == 4 * (2 + 2) and len(result.points) == result.n_points
    referrals = result.points["referrals"].to_numpy().reshape(4, 4)
    rates = result.points["cohort.referrals.rate_per_month"].to_numpy().reshape(4, 4)
    # Within a row the Star parameter's cross-sample (column 2) keeps the rate of A (column 0): same
    # streams, same referrals. Rows differ in luck as well as in parameters.
    assert np.array_equal(referrals[:, 0], referrals[:, 2]) and np.array_equal(rates[:, 0], rates[:, 2])
    assert result.table.set_index("parameter").loc["wellbeing.gain_decay", "ST"] == pytest.approx(0.0, abs=1e-12)
    assert any("own random streams" in note for note in result.notes)


@pytest.mark.parametrize("kwargs,message", [
    ({"metric": "payments_totl"}, "did you mean 'payments_total'"),
    ({"metric": "investor_irr_status"}, "numeric column"),
    ({"method": "sobolev"}, "did you mean 'sobol'"),
    ({"method": "sobol", "samples": 48}, "power of two"),
    ({"method": "morris", "samples": 1}, "at least 2"),
    ({"method": "oneway", "samples": 8}, "one-way has none"),
    ({"method": "morris", "second_order": True}, "Sobol option"),
])
def test_bad_settings_are_user_errors(small, kwargs, message):
    with pytest.raises(UserError, match=message):
        sensitivity(small, **kwargs)


def test_no_uncertain_parameters_is_a_user_error(small):
    with pytest.raises(UserError, match="no uncertain parameters"):
        sensitivity(with_overrides(small, {"uncertainty": {}}), "oneway")


def test_folder_keeps_each_method_and_the_results_beside_it(small, tmp_path):
    (tmp_path / "summary.json").write_text("{}")
    write_marker(tmp_path, Marker("results", "complete", ("summary.json",)))  # a results folder sib_sim wrote
    oneway = sensitivity(small, "oneway", replications=1, workers=1)
    sobol = sensitivity(small, "sobol", samples=2, workers=1)
    write_sensitivity_folder(oneway, tmp_path, sensitivity_figure)
    folder = write_sensitivity_folder(sobol, tmp_path, sensitivity_figure)
    names = {p.name for p in folder.iterdir()}
    assert {"tornado.csv", "tornado.png", "tornado.json", "sobol.csv", "sobol.png", "sobol.json",
            "sobol_points.csv"} <= names
    assert (tmp_path / "summary.json").read_text() == "{}"
    document = json.loads((folder / "sobol.json").read_text())
    assert document["design_points"] == 8 and document["versions"]["SALib"]
    assert pd.read_csv(folder / "tornado.csv")["parameter"].tolist() == oneway.table["parameter"].tolist()


def test_cli_sensitivity_writes_and_prints(wtw_path, tmp_path):
    result = CliRunner().invoke(app, ["sensitivity", str(wtw_path), "--method", "morris", "--samples", "2",
                                      "--replications", "1", "--workers", "2", "--out", str(tmp_path),
                                      "--set", "cohort.referrals.end_month=12"])
    assert result.exit_code == 0, result.output
    assert "Morris screening of outcome payments in £ (payments_total)" in result.output and "mu*" in result.output
    assert (tmp_path / "sensitivity" / "morris.png").exists()


@pytest.mark.parametrize("options,message", [
    (["--metric", "investor_multipel"], "did you mean 'investor_multiple'"),
    (["--method", "sobolev"], "did you mean 'sobol'"),
    (["--method", "sobol", "--samples", "100"], "power of two"),
    (["--second-order"], "Sobol option"),
])
def test_cli_sensitivity_bad_options_exit_2(wtw_path, tmp_path, options, message):
    result = CliRunner().invoke(app, ["sensitivity", str(wtw_path), *options, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("error:") == 1
    assert "Traceback" not in result.output + result.stderr
    assert not (tmp_path / "o").exists()


def test_importing_sib_sim_does_not_import_salib():
    import subprocess
    import sys

    code = "import sib_sim, sib_sim.cli, sys; assert not any(m.split('.')[0] == 'SALib' for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)
