"""A cap that tighter caps mask changes no payment: an override of it is warned about."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sib_sim.cli import app
from sib_sim.io.scenario_file import load_scenario
from sib_sim.scenario.masking import masked_caps, masked_overrides

WTW = "scenarios/ways_to_wellness.yaml"
ROOT = Path(__file__).resolve().parents[3]


def _masked(*overrides: str) -> dict[str, str]:
    s = load_scenario(WTW, list(overrides))
    return masked_caps(s.contract, s.currency)


def test_shipped_caps_are_not_masked() -> None:
    assert _masked() == {}  # £8.2m contract cap = £5.2m + £2.0m + £1.0m payer caps: both can bind


def test_contract_cap_above_the_payer_caps_is_masked() -> None:
    why = _masked("contract.cap=10000000")["contract.cap"]
    assert "10,000,000 GBP" in why and "8,200,000 GBP" in why
    assert _masked("contract.cap=10000000", "contract.payers.ccg.cap=7000000") == {}  # 7 + 2 + 1 = 10


def test_payer_and_line_caps_above_the_contract_cap_are_masked() -> None:
    found = _masked("contract.payers.ccg.cap=9000000", "contract.outcomes.wellbeing.cap=9000000")
    assert set(found) == {"contract.payers.ccg.cap", "contract.outcomes.wellbeing.cap"}


def test_only_overrides_are_warned_about_by_id_or_index() -> None:
    s = load_scenario(WTW, ["contract.payers.0.cap=9000000"])
    assert masked_overrides(s.contract, s.currency, ["run.seed=3"]) == []
    [warning] = masked_overrides(s.contract, s.currency, ["contract.payers.0.cap=9000000"])
    assert warning.startswith("--set contract.payers.0.cap=9000000 changes no payment: contract.payers.ccg.cap")


def test_run_warns_on_the_console_and_in_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(app, ["run", WTW, "--replications", "2", "--workers", "1", "--out", str(out),
                                      "--set", "contract.cap=10000000"])
    assert result.exit_code == 0, result.output
    assert "warning: --set contract.cap=10000000 changes no payment" in result.stderr
    document = json.loads((out / "summary.json").read_text())
    assert len(document["warnings"]) == 1 and "8,200,000 GBP" in document["warnings"][0]


def test_a_capped_line_sharing_a_capped_payer_with_another_line_is_noted() -> None:
    """The shape of tests/golden/19, where a higher price can lower the total: noted, not refused."""
    import yaml

    from sib_sim.scenario import Contract
    from sib_sim.scenario.masking import shared_payer_caps

    case = yaml.safe_load((ROOT / "tests" / "golden" / "19_line_cap_with_a_shared_payer.yaml").read_text())
    contract = Contract.model_validate(case["terms"]["contract"])
    (note,) = shared_payer_caps(contract)
    assert note.startswith("contract.outcomes.stars.cap with payer fund (capped), which also pays engaged")
    data = case["terms"]["contract"]
    data["outcomes"][1]["payers"] = [{"payer": "ccg", "share": 1.0}]  # the fund pays stars alone
    assert shared_payer_caps(Contract.model_validate(data)) == []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert shared_payer_caps(load_scenario(path).contract) == [], path.name


def test_a_participant_cap_whose_claims_another_cap_can_cut_is_noted() -> None:
    """The per-participant cap's exception (tests/property/test_participant_cap.py): noted, not refused."""
    import yaml

    from sib_sim.scenario import Contract
    from sib_sim.scenario.masking import shared_payer_caps

    case = yaml.safe_load((ROOT / "tests" / "golden" / "26_participant_cap_across_lines.yaml").read_text())
    data = case["terms"]["contract"]
    (note,) = shared_payer_caps(Contract.model_validate(data))
    assert note.startswith("contract.participant_cap spans entry, qualification, sustained and "
                           "contract.payers.fund.cap can cut their claims")
    data["payers"][1].pop("cap")  # nothing else can cut the capped lines' claims
    assert shared_payer_caps(Contract.model_validate(data)) == []
    data["outcomes"][0]["cap"] = 5000
    (note,) = shared_payer_caps(Contract.model_validate(data))
    assert "contract.outcomes.entry.cap can cut" in note
