"""Re-projection from actuals: history fixed, caps from what has been paid, seeds of its own, the
synthetic likelihood's posterior on a case with a known answer, and the tables it answers with."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sib_sim import UserError, load_scenario
from sib_sim.cli import app
from sib_sim.contract import apply_contract
from sib_sim.experiment import simulate
from sib_sim.finance import cash_flows
from sib_sim.io.actuals_folder import read_actuals_folder, write_actuals_folder
from sib_sim.live.actuals import history_of_path
from sib_sim.live.condition import conditioned_payments, scale_future, splice_ledger, starting_caps, take_ledger
from sib_sim.live.projection import project, projection_seed
from sib_sim.live.smc import fit_surrogate, normals, sample_posterior
from sib_sim.live.tables import cap_binding, investor_multiple, parameter_shift, remaining_by_year

SMALL = Path(__file__).with_name("small_live.yaml")
MONTHS = 30


@pytest.fixture(scope="module")
def small():
    return load_scenario(SMALL)


@pytest.fixture(scope="module")
def truth(small):
    ledger = simulate(small, range(3), small.run.seed, workers=1)
    payments = apply_contract(small.contract, ledger)
    return ledger, payments, cash_flows(small, payments, ledger)


@pytest.fixture(scope="module")
def actuals(small, truth):
    return history_of_path(small, *truth, MONTHS, index=1, source={"seed": small.run.seed, "replication": 1})


@pytest.fixture(scope="module")
def projection(small, actuals):
    return project(small, actuals, particles=40, workers=1, smc_particles=400)


def test_a_path_conditioned_on_its_own_history_is_unchanged(small, truth):
    """Splicing a path's own history into it and re-capping its future pays exactly what it paid."""
    ledger, payments, flows = truth
    for months in (6, MONTHS, 60):
        own = history_of_path(small, ledger, payments, flows, months, index=2)
        again = conditioned_payments(small.contract, splice_ledger(take_ledger(ledger, np.array([2])), own), own)
        np.testing.assert_allclose(again.paid[0], payments.paid[2], atol=1e-6)
        assert again.total[0] == pytest.approx(payments.total[2], abs=1e-6)


def test_caps_start_from_what_has_been_paid(small, actuals):
    caps = starting_caps(small.contract, actuals, 4)
    for payer in small.contract.payers:
        np.testing.assert_allclose(caps.payers[payer.id], payer.cap - actuals.paid_by_payer[payer.id])
    np.testing.assert_allclose(caps.contract, small.contract.cap - actuals.paid_total)


def test_payments_already_made_count_against_a_cap(small, truth):
    """With a contract cap just above what was paid by as-of, the future pays only the difference."""
    ledger, payments, flows = truth
    own = history_of_path(small, ledger, payments, flows, 60, index=0)
    tight = small.model_copy(update={"contract": small.contract.model_copy(update={"cap": own.paid_total + 1000.0})})
    again = conditioned_payments(tight.contract, splice_ledger(ledger, own), own)
    assert own.paid_total > 10_000
    np.testing.assert_allclose(again.total, own.paid_total + 1000.0, atol=1e-6)
    np.testing.assert_allclose(again.paid[:, :, :, :60], np.broadcast_to(own.paid, again.paid[:, :, :, :60].shape))


def test_future_scaled_up_stays_within_every_cap(small, truth):
    ledger, payments, flows = truth
    own = history_of_path(small, ledger, payments, flows, MONTHS, index=0)
    conditioned = conditioned_payments(small.contract, splice_ledger(ledger, own), own)
    scaled = scale_future(small.contract, conditioned, own, np.full((3, 2), 50.0))
    by_payer = scaled.paid.sum(axis=(1, 3))
    for j, payer in enumerate(small.contract.payers):
        assert np.all(by_payer[:, j] <= payer.cap + 1e-6)
    assert np.all(scaled.paid.sum(axis=(1, 2, 3)) <= small.contract.cap + 1e-6)
    np.testing.assert_allclose(scaled.paid[:, :, :, :MONTHS], conditioned.paid[:, :, :, :MONTHS])
    for payer, total in scaled.by_payer().items():  # claim records scaled alike
        np.testing.assert_allclose(total, by_payer[:, list(scaled.payer_ids).index(payer)], rtol=1e-9, atol=1e-6)


def test_projection_seeds_are_never_the_historys(small, actuals):
    derived = projection_seed(small, actuals)
    assert derived != small.run.seed
    with pytest.raises(UserError, match="seeds of its own"):
        projection_seed(small, actuals, small.run.seed)


def test_history_in_every_path_is_the_actuals(projection, actuals):
    m = actuals.months
    for j, payer in enumerate(projection.payments.payer_ids):
        paths = projection.results.monthly[f"payer.{payer}"][:, :m]
        np.testing.assert_allclose(paths, np.broadcast_to(actuals.paid.sum(axis=0)[j], paths.shape), atol=0.05)
    np.testing.assert_array_equal(projection.results.monthly["cohort.referrals"][:, :m],
                                  np.broadcast_to(actuals.flows["referrals"], (40, m)))


def test_actuals_move_the_referral_rate_towards_the_truth(projection, truth):
    """The referral rate is well measured by 30 months of referrals: the posterior narrows around the
    replication's true rate."""
    true_rate = float(truth[0].parameters["cohort.referrals.rate_per_month"][1])
    table = parameter_shift(projection).set_index("parameter")
    rate = table.loc["cohort.referrals.rate_per_month"]
    assert rate.posterior_sd < 0.5 * rate.prior_sd
    assert abs(rate.posterior_mean - true_rate) < abs(rate.prior_mean - true_rate) + 0.1 * rate.prior_sd
    assert abs(rate.posterior_mean - true_rate) < 3 * rate.posterior_sd


def test_tables_agree_with_the_paths(projection):
    remaining = projection.remaining_payments
    table = remaining_by_year(projection)
    assert table.loc["all payers", "total"] == pytest.approx(remaining.mean(), rel=1e-9)
    assert list(table.columns[:2]) == ["2017-18", "2018-19"]  # as-of 2017-09: the rest of 2017-18 first
    caps = cap_binding(projection)
    assert set(caps["cap"]) == {"contract", "ccg", "cbo", "sof"}
    assert caps["probability"].between(0, 1).all()
    multiple = investor_multiple(projection)
    drawn = sum(f["drawn"].sum() for f in projection.actuals.investors.values())
    assert np.all(multiple >= 0) and drawn > 0


def test_synthetic_likelihood_posterior_of_a_linear_gaussian_case():
    """s = 2 z + e, e ~ N(0, 0.5^2), z ~ N(0, 1), s_obs = 1: the posterior is N(8/17, 1/17)."""
    rng = np.random.default_rng(5)
    z = normals(rng, (400, 1))
    s = 2.0 * z + 0.5 * normals(rng, (400, 1))
    posterior, stages = sample_posterior(fit_surrogate(z, s, np.array([[1.0]])), 4000, 1, rng)
    assert posterior.mean() == pytest.approx(8 / 17, abs=0.03)
    assert posterior.std() == pytest.approx(np.sqrt(1 / 17), rel=0.08)
    assert stages[-1].beta == 1.0 and all(st.ess >= 0.5 * 4000 - 1 for st in stages)


def test_project_command(small, actuals, tmp_path):
    folder = tmp_path / "actuals"
    write_actuals_folder(actuals, folder)
    out = tmp_path / "projection"
    result = CliRunner().invoke(app, ["project", str(SMALL), "--actuals", str(folder), "--particles", "20",
                                      "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "still to come" in result.output
    for name in ("summary.json", "projection.json", "parameters.csv", "remaining_by_year.csv", "caps.csv",
                 "figures/projection_fan.png", "report.html"):
        assert (out / name).is_file(), name


def test_actuals_without_hospital_use_project_on_the_rest(small, actuals, tmp_path):
    """hospital.csv is optional (only where hospital use is evaluated): without it the paths are
    summarised without hospital use too, rather than matched against summaries the actuals lack."""
    folder = tmp_path / "actuals"
    write_actuals_folder(actuals, folder)
    (folder / "hospital.csv").unlink()
    no_hospital = read_actuals_folder(folder, small)
    assert no_hospital.hospital is None
    projected = project(small, no_hospital, particles=20, workers=1, smc_particles=200, refine=False)
    assert "hospital_cost_ratio" not in projected.summary_names
    assert np.isfinite(projected.remaining_payments).all() and projected.remaining_payments.min() >= 0
    result = CliRunner().invoke(app, ["project", str(SMALL), "--actuals", str(folder), "--particles", "20",
                                      "--workers", "1", "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output


def test_project_command_refuses_bad_actuals(small, actuals, tmp_path):
    folder = tmp_path / "actuals"
    write_actuals_folder(actuals, folder)
    text = (folder / "payments.csv").read_text().replace(",sof,", ",nhse,", 1)
    (folder / "payments.csv").write_text(text)
    result = CliRunner().invoke(app, ["project", str(SMALL), "--actuals", str(folder), "--out",
                                      str(tmp_path / "p")])
    assert result.exit_code == 2 and "payments.csv:" in result.output and ":payer" in result.output
    assert "unknown payer 'nhse'" in result.output and not (tmp_path / "p").exists()


def test_a_participant_cap_is_refused_at_its_line(small, tmp_path):
    """The actuals have no payments by participant: the refusal names the cap's file:line and the way out."""
    from sib_sim.io.yaml_locations import key_location
    from sib_sim.live.projection import refuse_participant_cap
    from sib_sim.scenario.contract import ParticipantCap

    capped = small.model_copy(update={"contract": small.contract.model_copy(
        update={"participant_cap": ParticipantCap.model_validate({"amount": 2000})})})
    file = tmp_path / "capped.yaml"
    file.write_text("name: capped\n# the cap\ncontract:\n  participant_cap: {amount: 2000}\n")
    with pytest.raises(UserError) as caught:
        refuse_participant_cap(capped, key_location(str(file), ("contract", "participant_cap")))
    assert caught.value.where == f"{file}:4:3" and caught.value.field == "contract.participant_cap"
    assert "remove contract.participant_cap" in caught.value.message
    refuse_participant_cap(small, str(file))  # no cap: nothing to refuse
