"""The actuals folder: simulated history written and read back exactly; bad actuals refused with
file:line:column."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sib_sim import UserError, evaluate, simulate, with_overrides, write_results_folder
from sib_sim.cli import app
from sib_sim.io.actuals_folder import read_actuals_folder, write_actuals_folder
from sib_sim.live import actuals_from_results

SMALL = {"cohort.referrals.rate_per_month": 20, "run.replications": 2, "run.horizon_months": 72}


@pytest.fixture(scope="module")
def small(wtw):
    return with_overrides(wtw, SMALL)


@pytest.fixture(scope="module")
def results_folder(small, tmp_path_factory) -> Path:
    ledger = simulate(small, range(2), workers=1)
    folder = tmp_path_factory.mktemp("run") / "results"
    write_results_folder(evaluate(small, ledger), folder, report=False)
    return folder


@pytest.fixture(scope="module")
def results(small):
    return evaluate(small, simulate(small, range(2), workers=1))


@pytest.fixture(scope="module")
def folder(results_folder, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("actuals") / "a"
    write_actuals_folder(actuals_from_results(results_folder, 1, "2018-03"), target)
    return target


def test_history_is_the_runs_replication_to_as_of(folder, small, results):
    history = read_actuals_folder(folder, small)
    assert history.months == 36 and history.as_of.isoformat() == "2018-03-01"
    assert history.source["replication"] == 1 and history.source["seed"] == small.run.seed
    for payer in small.contract.payers:
        expected = float(results.monthly[f"payer.{payer.id}"][1, :36].sum())
        assert history.paid_by_payer[payer.id] == pytest.approx(expected, rel=1e-6)
    assert history.flows["referrals"].sum() == pytest.approx(results.monthly["cohort.referrals"][1, :36].sum())
    drawn = history.investors["investor"]["drawn"].sum()
    assert drawn == pytest.approx(float(results.monthly["investor.drawdown"][1, :36].sum()), rel=1e-6)
    assert history.paid_total > 0 and history.claimed.sum() >= history.paid_total - 1e-6


def test_written_and_read_back_equal(folder, small, tmp_path):
    history = read_actuals_folder(folder, small)
    again = tmp_path / "again"
    write_actuals_folder(history, again)
    for name in ("flows.csv", "stars.csv", "hospital.csv", "claims.csv", "payments.csv", "costs.csv",
                 "investors.csv", "manifest.json"):
        assert (again / name).read_text() == (folder / name).read_text(), name


def test_a_capital_stack_has_draws_and_distributions_by_tranche(tmp_path):
    """Several investors fit: each tranche of finance.investors is an investor of its own, its draws
    held to its own commitment (the senior loan's 4m here, not the subordinate's 1m)."""
    from sib_sim import load_scenario
    from sib_sim.contract import apply_contract
    from sib_sim.finance import cash_flows
    from sib_sim.live import history_of_path

    stack = with_overrides(load_scenario(Path(__file__).parents[3] / "scenarios" / "us_pay_for_success_stack.yaml"),
                           {"cohort.referrals.rate_per_month": 30})
    ledger = simulate(stack, [0], workers=1)
    payments = apply_contract(stack.contract, ledger)
    flows = cash_flows(stack, payments, ledger)
    history = history_of_path(stack, ledger, payments, flows, 40)
    assert set(history.investors) == {"senior_loan", "subordinate"}
    for k, tranche in enumerate(flows.waterfall.stack.ids):
        np.testing.assert_array_equal(history.investors[tranche]["drawn"], flows.waterfall.stack.draws[0, k, :40])
    total = sum(f["drawn"] for f in history.investors.values())
    np.testing.assert_allclose(total, flows.waterfall.draws[0, :40])
    target = tmp_path / "stack"
    write_actuals_folder(history, target)
    back = read_actuals_folder(target, stack)
    for tranche in history.investors:
        for flow in ("drawn", "distributed"):
            np.testing.assert_allclose(back.investors[tranche][flow], history.investors[tranche][flow])
    lines = (target / "investors.csv").read_text().splitlines()
    row = max(i for i, line in enumerate(lines) if line.split(",")[1] == "subordinate")  # its last draw
    cells = lines[row].split(",")
    cells[2] = "1000001"  # above the subordinate tranche's 1m (well within the senior loan's 4m)
    lines[row] = ",".join(cells)
    (target / "investors.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(UserError) as caught:
        read_actuals_folder(target, stack)
    assert f"investors.csv:{row + 1}:drawn" in str(caught.value) and "'subordinate'" in str(caught.value)


def test_actuals_command_writes_the_folder(results_folder, folder, tmp_path):
    target = tmp_path / "cli"
    result = CliRunner().invoke(app, ["actuals", str(results_folder), "--replication", "1", "--as-of", "2018-03",
                                      "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "payments.csv").read_text() == (folder / "payments.csv").read_text()


@pytest.mark.parametrize("args, message", [
    (["--replication", "5", "--as-of", "2018-03"], "replication 5 is not in this run"),
    (["--replication", "0", "--as-of", "2030-01"], "outside the run's months"),
    (["--replication", "0", "--as-of", "March"], "YYYY-MM"),
])
def test_actuals_command_bad_options(results_folder, tmp_path, args, message):
    result = CliRunner().invoke(app, ["actuals", str(results_folder), *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def _edit(folder: Path, tmp_path: Path, name: str, edit) -> Path:
    copy = tmp_path / "bad"
    shutil.copytree(folder, copy)
    lines = (copy / name).read_text().splitlines()
    edit(lines)
    (copy / name).write_text("\n".join(lines) + "\n")
    return copy


def _set(line: int, column: int, value: str):
    def edit(lines: list[str]) -> None:
        cells = lines[line - 1].split(",")
        cells[column] = value
        lines[line - 1] = ",".join(cells)
    return edit


BAD = [
    # (case, file, edit, where the error must point, words of the message)
    ("month after as-of", "payments.csv", _set(2, 0, "2018-04"), "payments.csv:2:month", "in the future"),
    ("month before start", "claims.csv", _set(2, 0, "2014-01"), "claims.csv:2:month", "before the contract"),
    ("malformed month", "costs.csv", _set(3, 0, "2015/04"), "costs.csv:3:month", "YYYY-MM"),
    ("unknown line", "payments.csv", _set(3, 1, "wellbeeing"), "payments.csv:3:line", "unknown outcome line"),
    ("unknown payer", "payments.csv", _set(4, 2, "nhse"), "payments.csv:4:payer", "unknown payer"),
    ("unknown cost item", "costs.csv", _set(2, 1, "rent"), "costs.csv:2:item", "unknown cost item"),
    ("unknown investor", "investors.csv", _set(2, 1, "bank"), "investors.csv:2:investor", "unknown investor"),
    ("payment above the payer cap", "payments.csv", _set(3, 3, "2000500"), "payments.csv:3:paid", "above the cap"),
    ("paid more than claimed", "payments.csv", _set(2, 3, "900000"), "payments.csv:2:paid", "claimed only"),
    ("more engaged than referred", "flows.csv", _set(2, 2, "400"), "flows.csv:2:engaged", "contradict"),
    ("more in support than started", "flows.csv", _set(3, 6, "300"), "flows.csv:3:in_service", "contradict"),
    ("count not whole", "flows.csv", _set(5, 1, "4.5"), "flows.csv:5:referrals", "whole number"),
    ("negative count", "flows.csv", _set(5, 1, "-4"), "flows.csv:5:referrals", "below 0"),
    ("month twice", "flows.csv", _set(3, 0, "2015-04"), "flows.csv:3:month", "given twice"),
    ("unknown column", "stars.csv", _set(1, 2, "mean"), "stars.csv:1:mean", "unknown column"),
    ("draws above commitment", "investors.csv", _set(2, 2, "1650001"), "investors.csv:", "commitment"),
    ("mean change out of range", "stars.csv", lambda lines: (_set(20, 1, "3")(lines), _set(20, 2, "90")(lines)),
     "stars.csv:20:mean_change", "above 72"),
]


@pytest.mark.parametrize("case, name, edit, where, words", BAD, ids=[b[0] for b in BAD])
def test_bad_actuals_name_file_line_and_column(folder, small, tmp_path, case, name, edit, where, words):
    bad = _edit(folder, tmp_path, name, edit)
    with pytest.raises(UserError) as caught:
        read_actuals_folder(bad, small)
    assert where in str(caught.value) and words in str(caught.value), str(caught.value)


def test_newer_format_version_is_refused(folder, small, tmp_path):
    bad = _edit(folder, tmp_path, "manifest.json", lambda lines: lines.__setitem__(2, '  "version": 2,'))
    with pytest.raises(UserError, match="format version 2") as caught:
        read_actuals_folder(bad, small)
    assert caught.value.where.endswith("manifest.json:3:14")  # the value's line and column


def test_a_bad_manifest_value_is_named_at_its_line(folder, small, tmp_path):
    bad = _edit(folder, tmp_path, "manifest.json", lambda lines: lines.__setitem__(4, '  "currency": "EUR",'))
    with pytest.raises(UserError, match="differs from the scenario") as caught:
        read_actuals_folder(bad, small)
    assert caught.value.where.endswith("manifest.json:5:15") and caught.value.field == "currency"


def test_flow_checks_pass_on_every_simulated_month(results_folder, small):
    """The contradiction rules are true of the engine's own flows, at every as-of month."""
    history = actuals_from_results(results_folder, 0, "2020-12")
    for months in (1, 7, 30, history.months):
        cum = {k: np.cumsum(v[:months]) for k, v in history.flows.items()}
        assert np.all(cum["engaged"] + cum["gave_up"] <= cum["referrals"])
        assert np.all(cum["completed"] + cum["disengaged"] <= cum["engaged"])
