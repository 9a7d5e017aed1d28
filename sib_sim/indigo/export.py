"""A scenario's deal as an INDIGO project record (the GO Lab INDIGO data standard; see SOURCE.md).

INDIGO records who pays how much for which outcome, what was invested and what was planned; it
has no words for a sliding scale's shape, thresholds, netting, tiers, milestones, suspensions or
dated shares. Those go, in plain words, into the description fields of the INDIGO items, and
exactly, as the validated contract and finance sections, into the record's `sib_sim` extension,
from which `sib-sim indigo import` writes them back unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np

from ..calendar import add_months
from ..io.scenario_file import ScenarioFile
from ..scenario.paths import FieldPath, Source
from ..scenario import Scenario

EXTENSION = "sib_sim"
EXTENSION_FORMAT = 1
MODEL_SECTIONS = ("cohort", "service", "wellbeing", "hospital", "milestones", "uncertainty")
_INDIGO_ORG = re.compile(r"\bINDIGO-ORG-\d+\b")
PLANNED_NOTE = ("sib_sim: the mean over {n} simulated replications (seed {seed}) of outcome payments paid in this "
                "contract quarter; a model's expectation, not a plan agreed by the parties")


@dataclass(frozen=True)
class PlannedPayments:
    """Mean outcome payments by contract quarter (quarter q is months 3q to 3q+2) for each line."""

    replications: int
    seed: int
    by_line: dict[str, np.ndarray]


def planned_payments(monthly: dict[str, np.ndarray], line_ids: list[str], replications: int,
                     seed: int) -> PlannedPayments:
    """From a run's monthly flows (`outcome.<line>`: replications x months, cash by month paid)."""
    by_line = {}
    for line in line_ids:
        flows = np.asarray(monthly[f"outcome.{line}"], dtype=float).mean(axis=0)
        padded = np.concatenate([flows, np.zeros(-len(flows) % 3)])
        by_line[line] = padded.reshape(-1, 3).sum(axis=1)
    return PlannedPayments(replications, seed, by_line)


def export_project(source: ScenarioFile, planned: PlannedPayments | None = None) -> dict[str, Any]:
    """The INDIGO project record of a scenario (with the `sib_sim` extension)."""
    scenario = source.scenario
    ids = organisation_ids(source)
    record: dict[str, Any] = {
        "name": _value(scenario.description or scenario.name),
        "alternative_names": _value(scenario.name),
        "dates": _dates(scenario),
        "overall_project_finance": _overall_finance(scenario),
        "sources": [{"id": "sib_sim", "name": _value(f"sib_sim scenario {scenario.name} ({source.path})"),
                     "notes": "Written by sib-sim indigo export from a scenario file; figures are the "
                              "scenario's terms, planned payments are simulated means."}],
        "organisations": _organisations(scenario, ids),
        "service_provisions": _provision(scenario, ids),
        "outcome_payment_commitments": [_commitment(scenario, payer, ids) for payer in scenario.contract.payers],
        "investments": _investments(scenario, ids),
        "outcome_metrics": [_metric(line) for line in scenario.contract.outcomes],
        "outcome_pricings": [_pricing(scenario, line) for line in scenario.contract.outcomes],
        "outcome_payments": _planned_items(scenario, planned) if planned else [],
        EXTENSION: _extension(source, planned),
    }
    return record


def organisation_ids(source: ScenarioFile) -> dict[str, str]:
    """sib_sim's party -> organisation id: a payer whose references name one INDIGO organisation id
    keeps it; everyone else gets sib_sim's own (INDIGO ids are given by the GO Lab, not made up)."""
    ids = {"investor": "SIBSIM-ORG-investor", "provider": "SIBSIM-ORG-provider"}
    for tranche in source.scenario.finance.investors or []:
        ids[f"investor.{tranche.id}"] = f"SIBSIM-ORG-investor-{tranche.id}"
    for i, payer in enumerate(source.scenario.contract.payers):
        texts = [s.reference or "" for p, s in source.sources.items() if FieldPath.parse(p).under(("contract", "payers", i))]
        texts += [s.note or "" for p, s in source.sources.items() if FieldPath.parse(p).under(("contract", "payers", i))]
        found = {m for text in texts for m in _INDIGO_ORG.findall(text)}
        ids[f"payer.{payer.id}"] = found.pop() if len(found) == 1 else f"SIBSIM-ORG-payer-{payer.id}"
    return ids


def _value(value: Any) -> dict[str, Any]:
    return {"value": value}


def _money(currency: str, amount: float) -> dict[str, Any]:
    return {"currency": _value(currency), "amount": _value(float(amount))}


def _dates(scenario: Scenario) -> dict[str, Any]:
    start = scenario.run.start_date
    return {"start_date_of_service_provision": _value(start.isoformat()),
            "notes": f"sib_sim: month 0 of the contract is {start:%B %Y}; the scenario simulates "
                     f"{scenario.run.horizon_months} months from then."}


def _overall_finance(scenario: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {}
    commitment = sum(tranche.commitment for _, tranche in _tranches(scenario))
    if commitment > 0:
        out["total_investment_commitment"] = {"currency": _value(scenario.currency),
                                              "amount": {"exact": _value(float(commitment))}}
    if scenario.contract.cap is not None:
        out["maximum_potential_outcome_payment_v2"] = _money(scenario.currency, scenario.contract.cap)
    else:
        out["notes"] = "sib_sim: the contract has no overall cap (payers' and lines' caps still apply)."
    return out


def _organisations(scenario: Scenario, ids: dict[str, str]) -> list[dict[str, Any]]:
    orgs = [{"id": ids[f"payer.{p.id}"], "name": _value(p.name or p.id)} for p in scenario.contract.payers]
    for key, tranche in _tranches(scenario):
        if tranche.commitment > 0:
            name = getattr(tranche, "name", "") or ("The investor" if key == "investor" else f"Tranche {tranche.id}")
            orgs.append({"id": ids[key], "name": _value(f"{name} (not named in the scenario)"
                                                        if key == "investor" else name)})
    orgs.append({"id": ids["provider"], "name": _value("The service provider (not named in the scenario)")})
    return orgs


def _provision(scenario: Scenario, ids: dict[str, str]) -> list[dict[str, Any]]:
    provider = scenario.finance.provider
    basis = ("paid its costs as incurred (fee for service)" if provider.basis == "fee_for_service" else
             f"at risk for {provider.at_risk_share:.0%} of its costs, repaid from surplus before the investor")
    return [{"id": "serviceprovision1", "organisation_id": _value(ids["provider"]),
             "planned_service": {"start_date": _value(scenario.run.start_date.isoformat())},
             "notes": f"sib_sim: the provider is {basis}."}]


def _commitment(scenario: Scenario, payer: Any, ids: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"organisation_id": _value(ids[f"payer.{payer.id}"])}
    if payer.cap is not None:
        item["maximum_potential_outcome_payment"] = _money(scenario.currency, payer.cap)
    contract = scenario.contract
    shares = [f"{share.share:.4g} of {line.id}" + (f" for area {split.area}" if line.by_area else "")
              for line in contract.outcomes for split in contract.splits(line)
              for share in split.payers if share.payer == payer.id]
    overflow = sorted({line.id for line in contract.outcomes for split in contract.splits(line)
                       if split.overflow_to == payer.id})
    words = [f"sib_sim payer {payer.id}" + ("" if payer.cap is not None else " (no cap of its own)"),
             "pays " + (", ".join(shares) if shares else "no line's share directly")]
    if overflow:
        words.append("takes what other payers' caps cut from " + ", ".join(overflow))
    if scenario.finance.commissioner.payer == payer.id:
        words.append("the commissioner")
    item["notes"] = "; ".join(words) + "."
    return item


def _tranches(scenario: Scenario) -> list[tuple[str, Any]]:
    """(organisation key, investor) for the single investor or each tranche of a capital stack."""
    finance = scenario.finance
    if finance.investors is not None:
        return [(f"investor.{tranche.id}", tranche) for tranche in finance.investors]
    return [("investor", finance.investor)]


def _investments(scenario: Scenario, ids: dict[str, str]) -> list[dict[str, Any]]:
    items = []
    for key, investor in _tranches(scenario):
        if investor.commitment <= 0:
            continue
        item: dict[str, Any] = {"id": f"investment{len(items) + 1}", "organisation_id": _value(ids[key]),
                                "investment_commitment": {"currency": _value(scenario.currency),
                                                          "amount": {"exact": _value(float(investor.commitment))}}}
        item["notes"] = f"sib_sim: {_investment_terms(scenario, investor)}."
        items.append(item)
        cap = investor.return_cap
        if cap is not None and cap.irr is not None:
            item["maximum_potential_return_type"] = _value("IRR")
            item["maximum_potential_return"] = _value(round(cap.irr * 100, 10))
    return items


def _investment_terms(scenario: Scenario, investor: Any) -> str:
    """The terms INDIGO has no field for, in words (the extension keeps them exactly)."""
    words = [f"drawn {investor.drawdown.replace('_', ' ')}"]
    interest, cap = getattr(investor, "interest", None), investor.return_cap
    if interest is not None:
        words.append(f"a loan at {interest.rate:.4g} a year, interest {interest.payment.replace('_', ' ')}")
    elif cap is not None and cap.irr is not None:
        words.append(f"returns capped at an IRR of {cap.irr:.4g}")
    elif cap is not None:
        words.append(f"distributions capped at {cap.multiple:g} times the capital drawn")
    if getattr(investor, "seniority", None) is not None and scenario.finance.investors is not None:
        words.append(f"seniority {investor.seniority}" + (", first loss" if investor.first_loss else ""))
        if investor.guarantee is not None:
            words.append(f"guarantee: {json.dumps(investor.guarantee.model_dump(mode='json'))}")
    words.append(f"surplus above the cap split {_split(scenario)}")
    return "; ".join(words)


def _split(scenario: Scenario) -> str:
    split = scenario.finance.surplus_split
    return ", ".join(f"{name} {share:.0%}" for name, share in
                     (("investor", split.investor), ("provider", split.provider), ("commissioner", split.commissioner)))


# Fields that INDIGO's own items already carry, left out of the plain-words terms.
_SAID_ELSEWHERE = {"id", "description", "payers", "overflow_to", "kind", "price", "cap"}


def line_terms(line: Any) -> str:
    """Every term of an outcome line that INDIGO has no field for, in one line of text."""
    dump = line.model_dump(mode="json")
    terms = [f"{key}: {json.dumps(value, separators=(', ', ': '))}" for key, value in dump.items()
             if key not in _SAID_ELSEWHERE and value not in (None, [], False)]
    return f"sib_sim kind {line.kind}" + ("; " + "; ".join(terms) if terms else "")


def _metric(line: Any) -> dict[str, Any]:
    return {"id": line.id, "definition": _value(line.description or line.id),
            "outcome_metric_target": _value(line_terms(line)),
            "notes": "sib_sim: the full rule, exactly, is in this record's sib_sim extension (contract.outcomes)."}


def unit_price(line: Any) -> float | None:
    """The price per outcome a line pays, when it has one (the first, if prices are dated)."""
    price = getattr(line, "price", None)
    if isinstance(price, (int, float)):
        return float(price)
    if isinstance(price, list) and price and hasattr(price[0], "amount"):
        return float(price[0].amount)
    return None


def _pricing(scenario: Scenario, line: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"outcome_metric_id": _value(line.id), "currency": _value(scenario.currency)}
    price = unit_price(line)
    if price is not None:
        item["price_per_unit"] = {"amount": _value(price)}
    if line.cap is not None:
        item["maximum_price_if_all_targets_achieved"] = {"amount": _value(f"{line.cap:.2f}")}
    dated = getattr(line, "price", None)
    if isinstance(dated, list) and len(dated) > 1:
        item["contracted_increases_to_outcome_pricing"] = _value(
            "; ".join(f"{p.amount:g} from month {p.from_month:g}" for p in dated))
    item["price_description"] = _value(_price_words(line))
    return item


def _price_words(line: Any) -> str:
    shares = ", ".join(f"{s.payer} {s.share:.4g}" for s in line.payers) if not line.by_area else \
        "each area's payers (contract.areas)"
    words = {"sliding_scale": "price x count, times a fraction read from the sliding scale's points",
             "per_participant": "price per participant achieving the outcome",
             "savings_share": "a share of the measured saving against the comparison cohort",
             "fixed_fee": "a scheduled fee, not an outcome price",
             "cohort_threshold": "price x effect size when the reduction reaches a tier's threshold"}
    return f"sib_sim {line.kind}: {words.get(line.kind, line.kind)}; paid by {shares}."


def _planned_items(scenario: Scenario, planned: PlannedPayments) -> list[dict[str, Any]]:
    items = []
    start = scenario.run.start_date
    note = PLANNED_NOTE.format(n=planned.replications, seed=planned.seed)
    for line, quarters in planned.by_line.items():
        for q, amount in enumerate(quarters):
            if amount <= 0:
                continue
            end = add_months(start, 3 * q + 3) - dt.timedelta(days=1)
            items.append({"outcome_metric_id": _value(line),
                          "period": {"start_date": _value(add_months(start, 3 * q).isoformat()),
                                     "end_date": _value(end.isoformat())},
                          "type": _value("Planned"),
                          "money": _money(scenario.currency, round(float(amount), 2)),
                          "notes": note})
    return items


def _source_dict(source: Source) -> dict[str, Any]:
    return {k: v for k, v in vars(source).items() if v not in (None, False)}


def _extension(source: ScenarioFile, planned: PlannedPayments | None) -> dict[str, Any]:
    scenario = source.scenario
    try:
        version = metadata.version("sib_sim")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        version = "unknown"
    return {
        "format": EXTENSION_FORMAT,
        "written_by": f"sib_sim {version}",
        "name": scenario.name,
        "description": scenario.description,
        "currency": scenario.currency,
        "run": scenario.run.model_dump(mode="json"),
        "contract": scenario.contract.model_dump(mode="json", exclude_defaults=True),
        "finance": scenario.finance.model_dump(mode="json", exclude_defaults=True),
        "sources": {path: _source_dict(s) for path, s in sorted(source.sources.items())
                    if FieldPath.parse(path)[0] in ("run", "contract", "finance")},
        "model_sections": [name for name in MODEL_SECTIONS if getattr(scenario, name)],
        "planned_payments": None if planned is None else {"replications": planned.replications, "seed": planned.seed,
                                                          "what": "mean outcome payments by contract quarter"},
    }


__all__ = ["EXTENSION", "EXTENSION_FORMAT", "PlannedPayments", "export_project", "line_terms", "organisation_ids",
           "planned_payments", "unit_price"]
