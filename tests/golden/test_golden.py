"""Golden contract cases: observed outcomes priced by hand (the arithmetic is in each YAML file).

Each case is priced through the same path as `sib-sim price`: the terms written to a YAML file and
read with read_terms_file, the observed rows written to a CSV file and read with read_observed, then
apply_contract. Two more tests go through the command line itself.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sib_sim.cli import app
from sib_sim.contract import Payments, apply_contract
from sib_sim.io.observed import COLUMNS, pricing_contract, read_observed
from sib_sim.io.scenario_file import read_terms_file
from sib_sim.kinds import KINDS
from sib_sim.reports.pricing import pricing_summary

HERE = Path(__file__).resolve().parent
CASES = sorted(HERE.glob("*.yaml"))
MONEY = dict(abs=0.01)


def _load(case: Path) -> dict:
    return yaml.safe_load(case.read_text(encoding="utf-8"))


def _write_inputs(case: dict, folder: Path) -> tuple[Path, Path]:
    terms = folder / "terms.yaml"
    terms.write_text(yaml.safe_dump(case["terms"], sort_keys=False), encoding="utf-8")
    observed = folder / "observed.csv"
    rows = case["observed"] or []
    columns = [c for c in COLUMNS if any(c in row for row in rows)] or ["outcome", "period", "count"]
    with observed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: ("" if v is None else str(v)) for k, v in row.items()} for row in rows)
    return terms, observed


def _price(terms_path: Path, observed_path: Path) -> Payments:
    """What `sib-sim price` does between reading its arguments and printing."""
    terms = read_terms_file(terms_path)
    ledger = read_observed(observed_path, terms)
    assert ledger.n_replications == 1
    return apply_contract(pricing_contract(terms), ledger)


def _claim(payments: Payments, want: dict):
    matches = [c for c in payments.claims if c.line == want["line"] and c.period_start == want["period_start"]
               and ("period_end" not in want or c.period_end == want["period_end"])
               and ("area" not in want or c.area == want["area"])]
    assert len(matches) == 1, f"no single claim of {want['line']} from month {want['period_start']}: {matches}"
    return matches[0]


def _cases() -> list:
    return [pytest.param(case, id=case.stem) for case in CASES]


@pytest.mark.parametrize("case_file", _cases())
def test_golden_case(case_file: Path, tmp_path: Path):
    case = _load(case_file)
    expected = case["expected"]
    payments = _price(*_write_inputs(case, tmp_path))
    summary = pricing_summary(payments)

    assert summary["total"] == pytest.approx(expected["total"], **MONEY)
    assert summary["by_payer"] == pytest.approx(expected["by_payer"], **MONEY)
    assert set(summary["by_line"]) == set(expected["by_line"])
    for line, amounts in expected["by_line"].items():
        for key, amount in amounts.items():
            assert summary["by_line"][line][key] == pytest.approx(amount, **MONEY), (line, key)
    assert summary["cut_total"] == pytest.approx(sum(c["amount"] for c in expected["cuts"]), **MONEY)

    for want in expected.get("claims", []):
        claim = _claim(payments, want)
        assert claim.area == want.get("area")
        got = {"count": float(claim.outcome_count[0]), "value": float(claim.outcome_value[0]),
               "earned": float(claim.earned[0]), "paid": float(claim.paid_by_payer[0].sum()),
               "claim_month": claim.claim_month, "paid_month": claim.paid_month}
        for key in got.keys() & want.keys():
            assert got[key] == pytest.approx(want[key], **MONEY), (want, key, got[key])

    # Whatever the case: every claim is paid inside the ledger, and earned = paid + cut.
    assert payments.after_horizon[0] == 0
    assert summary["earned"] == pytest.approx(summary["total"] + summary["cut_total"], **MONEY)

    cuts = [{"level": c.level, "line": c.line, "payer": c.payer, "period_start": c.period_start,
             "amount": float(c.amount[0])} for c in payments.cuts]
    assert len(cuts) == len(expected["cuts"]), cuts
    for got, want in zip(cuts, expected["cuts"]):
        for key, value in want.items():
            assert got[key] == (pytest.approx(value, **MONEY) if key == "amount" else value), (key, got, want)


def test_cases_cover_every_rule_kind_and_cap_level():
    kinds = {line["kind"] for case in CASES for line in _load(case)["terms"]["contract"]["outcomes"]}
    levels = {cut["level"] for case in CASES for cut in _load(case)["expected"]["cuts"]}
    assert kinds == set(KINDS)  # a new kind needs its golden case
    assert levels == {"participant", "line", "contract", "payer"}


def test_a_line_cap_with_a_shared_payer_is_the_one_case_a_higher_price_pays_less(tmp_path: Path):
    """Case 19 at twice the Star price: 150, not 175 (see its comments and sib_sim.contract.caps)."""
    case = _load(HERE / "19_line_cap_with_a_shared_payer.yaml")
    case["terms"]["contract"]["outcomes"][0]["price"] = 10
    payments = _price(*_write_inputs(case, tmp_path))
    assert payments.total[0] == pytest.approx(150)
    assert payments.by_payer() == {"ccg": pytest.approx(50), "fund": pytest.approx(100)}


def test_price_command_prints_the_total_and_writes_the_folder(tmp_path: Path):
    case = _load(HERE / "13_rate_card_capped.yaml")
    terms, observed = _write_inputs(case, tmp_path)
    out = tmp_path / "priced"
    result = CliRunner().invoke(app, ["price", str(terms), "--outcomes", str(observed), "--out", str(out)],
                                env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Total paid: £100,000.00" in result.stdout
    assert "£10,250.00" in result.stdout  # the cut of the claim that crossed the contract cap
    assert sorted(p.name for p in out.iterdir()) == [".sib-sim.json", "cuts.csv", "payments.csv", "summary.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".priced")]  # no staging folder left

    summary = json.loads((out / "summary.json").read_text())
    assert summary["summary"]["total"] == pytest.approx(100000)
    assert summary["summary"]["by_payer"] == {"dclg": 50000, "cabinet_office": 50000}
    assert summary["manifest"]["currency"] == "GBP"
    with (out / "payments.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6 * 8 * 2  # six lines, eight quarters, two payers
    assert math.fsum(float(r["paid"]) for r in rows) == pytest.approx(100000)
    with (out / "cuts.csv").open(newline="") as handle:
        cuts = list(csv.DictReader(handle))
    assert [(c["line"], c["level"], float(c["amount"])) for c in cuts] == [
        ("sustained_12m", "contract", 10250), ("sustained_12m", "contract", 6000), ("completed", "contract", 16000)]

    # --set overrides the terms as for run and validate: lift the cap and nothing is cut.
    result = CliRunner().invoke(app, ["price", str(terms), "--outcomes", str(observed), "--set",
                                      "contract.cap=150000", "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_price_command_bad_csv_names_file_line_and_column(tmp_path: Path):
    case = _load(HERE / "05_per_participant.yaml")
    terms, observed = _write_inputs(case, tmp_path)
    lines = observed.read_text().splitlines()
    assert lines[0] == "outcome,period,date,count" and lines[3] == "star_gain,5,,2", lines
    lines[3] = "star_gain,5,,two"  # line 4 of the file (the header is line 1)
    observed.write_text("\n".join(lines) + "\n")
    out = tmp_path / "priced"
    result = CliRunner().invoke(app, ["price", str(terms), "--outcomes", str(observed), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{observed}:4: count:" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_kind_scales_its_own_prices(case: Path, tmp_path: Path):
    """kinds.Kind.scaled (what value for money's indifference price scales): with every cap off,
    each line's outcome payments double when its kind doubles its prices; fees (fixed-fee lines and
    the fees that replace a suspended line's outcomes) stay as they are."""
    from sib_sim.experiment.vfm_price import scale_prices

    data = _load(case)
    contract = data["terms"]["contract"]
    contract.pop("cap", None)
    if "participant_cap" in contract:
        contract["participant_cap"]["amount"] = 1e12  # the largest amount the language takes
    for item in contract["payers"] + contract["outcomes"]:
        item.pop("cap", None)

    def by_line(terms_data: dict, folder: Path, k: float) -> dict:
        terms_path, observed = _write_inputs(data | {"terms": terms_data}, folder)
        terms = read_terms_file(terms_path)
        ledger = read_observed(observed, terms)
        return apply_contract(pricing_contract(scale_prices(terms, k)), ledger).by_line()

    without_fees = yaml.safe_load(yaml.safe_dump(data["terms"]))
    for line in without_fees["contract"]["outcomes"]:
        for window in line.get("suspended", []):
            window.pop("fee_per_month", None)
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir(), (tmp_path / "c").mkdir()
    base, doubled = by_line(data["terms"], tmp_path / "a", 1.0), by_line(data["terms"], tmp_path / "b", 2.0)
    outcomes_only = by_line(without_fees, tmp_path / "c", 1.0)
    for line in contract["outcomes"]:
        name = line["id"]
        fees = base[name][0] if line["kind"] == "fixed_fee" else base[name][0] - outcomes_only[name][0]
        want = fees + 2.0 * (base[name][0] - fees)
        assert doubled[name][0] == pytest.approx(want, rel=1e-12, abs=1e-9), name
