"""sib-sim indigo export: the record validates against the INDIGO schema, and says what the scenario says."""

import datetime as dt
import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from sib_sim import run
from sib_sim.indigo import export_project, planned_payments, project_schema
from sib_sim.indigo.export import PLANNED_NOTE, organisation_ids
from sib_sim.io.scenario_file import read_scenario_file

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def exported():
    """Every shipped scenario and its record (no planned payments: those are tested once, below)."""
    out = {}
    for path in SHIPPED:
        source = read_scenario_file(path)
        out[path.name] = (source, export_project(source))
    return out


def by_value(items, key):
    return {item[key]["value"] if isinstance(item[key], dict) else item[key]: item for item in items}


@pytest.mark.parametrize("name", [p.name for p in SHIPPED])
def test_every_shipped_scenario_exports_a_record_valid_against_the_indigo_schema(exported, name):
    _, record = exported[name]
    jsonschema.Draft7Validator.check_schema(project_schema())
    errors = list(jsonschema.Draft7Validator(project_schema()).iter_errors(record))
    assert errors == []


@pytest.mark.parametrize("name", [p.name for p in SHIPPED])
def test_every_price_cap_and_commitment_equals_the_scenarios(exported, name):
    source, record = exported[name]
    contract, finance = source.scenario.contract, source.scenario.finance
    ids = organisation_ids(source)
    overall = record["overall_project_finance"]
    if contract.cap is None:
        assert "maximum_potential_outcome_payment_v2" not in overall
    else:
        assert overall["maximum_potential_outcome_payment_v2"]["amount"]["value"] == contract.cap
    commitments = by_value(record["outcome_payment_commitments"], "organisation_id")
    assert len(commitments) == len(contract.payers)
    for payer in contract.payers:
        item = commitments[ids[f"payer.{payer.id}"]]
        cap = item.get("maximum_potential_outcome_payment", {}).get("amount", {}).get("value")
        assert cap == payer.cap
        assert item["maximum_potential_outcome_payment"]["currency"]["value"] == source.scenario.currency if cap else True
    pricings = by_value(record["outcome_pricings"], "outcome_metric_id")
    assert list(pricings) == [line.id for line in contract.outcomes]
    for line in contract.outcomes:
        price = getattr(line, "price", None)
        unit = pricings[line.id].get("price_per_unit", {}).get("amount", {}).get("value")
        expected = price if isinstance(price, float) else price[0].amount if price else None
        assert unit == expected
        if line.cap is not None:
            assert float(pricings[line.id]["maximum_price_if_all_targets_achieved"]["amount"]["value"]) == line.cap
    invested = sum(i["investment_commitment"]["amount"]["exact"]["value"] for i in record["investments"])
    committed = sum(t.commitment for t in (finance.investors if finance.investors is not None else [finance.investor]))
    assert invested == committed  # one investment per tranche of a capital stack
    if committed > 0:
        assert overall["total_investment_commitment"]["amount"]["exact"]["value"] == committed


@pytest.mark.parametrize("name", [p.name for p in SHIPPED])
def test_every_organisation_referred_to_has_a_record(exported, name):
    _, record = exported[name]
    known = {org["id"] for org in record["organisations"]}
    referred = {item["organisation_id"]["value"] for key in ("outcome_payment_commitments", "investments",
                                                              "service_provisions") for item in record[key]}
    assert referred <= known and len(known) == len(record["organisations"])


def test_payers_keep_the_indigo_organisation_ids_their_references_name(exported):
    source, record = exported["ways_to_wellness.yaml"]
    orgs = {org["id"]: org["name"]["value"] for org in record["organisations"]}
    assert orgs["INDIGO-ORG-0495"] == "NHS Newcastle Gateshead CCG"
    assert {"INDIGO-ORG-0306", "INDIGO-ORG-0115", "SIBSIM-ORG-investor", "SIBSIM-ORG-provider"} <= set(orgs)


def test_what_indigo_cannot_say_is_in_the_descriptions_and_exactly_in_the_extension(exported):
    source, record = exported["ways_to_wellness.yaml"]
    metrics = by_value(record["outcome_metrics"], "id")
    target = metrics["wellbeing"]["outcome_metric_target"]["value"]
    assert "sliding_scale" in target and "points: [[0.5, 0.0], [1.4, 1.0]]" in target
    assert "share: 0.54" in metrics["secondary_care"]["outcome_metric_target"]["value"]
    ext = record["sib_sim"]
    assert ext["contract"] == source.scenario.contract.model_dump(mode="json", exclude_defaults=True)
    assert ext["finance"] == source.scenario.finance.model_dump(mode="json", exclude_defaults=True)
    assert ext["sources"]["contract.cap"]["reference"].startswith("INDIGO: CCG GBP 5.2m")
    assert ext["model_sections"] == ["cohort", "service", "wellbeing", "hospital", "uncertainty"]


def test_dated_prices_are_described_as_contracted_increases(exported):
    # a dated price is the first amount per unit, and its schedule in words
    for name, (source, record) in exported.items():
        for line, pricing in zip(source.scenario.contract.outcomes, record["outcome_pricings"]):
            price = getattr(line, "price", None)
            if isinstance(price, list) and len(price) > 1:
                words = pricing["contracted_increases_to_outcome_pricing"]["value"]
                assert all(f"{p.amount:g} from month {p.from_month:g}" in words for p in price)


def test_planned_payments_sum_months_into_contract_quarters():
    monthly = {"outcome.a": np.array([[1.0, 2, 3, 4, 5, 6, 7], [3.0, 2, 1, 0, 1, 2, 3]])}
    planned = planned_payments(monthly, ["a"], replications=2, seed=7)
    # means by month: 2, 2, 2, 2, 3, 4, 5 -> quarters [0-2] 6, [3-5] 9, [6] 5 (the last quarter is cut by the horizon)
    assert planned.by_line["a"].tolist() == [6.0, 9.0, 5.0]


@pytest.fixture(scope="module")
def planned_record():
    source = read_scenario_file(ROOT / "scenarios" / "youth_engagement_rate_card.yaml")
    results = run(source.scenario, replications=2)
    lines = [line.id for line in source.scenario.contract.outcomes]
    return source, results, export_project(source, planned_payments(results.monthly, lines, 2, 99))


def test_planned_payments_are_the_mean_by_quarter_of_a_run_and_say_so(planned_record):
    source, results, record = planned_record
    items = record["outcome_payments"]
    assert items and all(i["type"]["value"] == "Planned" for i in items)
    assert {i["notes"] for i in items} == {PLANNED_NOTE.format(n=2, seed=99)}
    for line in source.scenario.contract.outcomes:
        mine = [i["money"]["amount"]["value"] for i in items if i["outcome_metric_id"]["value"] == line.id]
        expected = results.monthly[f"outcome.{line.id}"].mean(axis=0).sum()
        assert sum(mine) == pytest.approx(expected, abs=0.01 * len(mine))
    first = items[0]["period"]
    start = source.scenario.run.start_date
    assert first["start_date"]["value"] >= start.isoformat()
    day = dt.date.fromisoformat(first["start_date"]["value"])
    end = dt.date.fromisoformat(first["end_date"]["value"])
    assert day.day == 1 and (end + dt.timedelta(days=1)).month == (day.month + 2) % 12 + 1
    assert list(jsonschema.Draft7Validator(project_schema()).iter_errors(record)) == []


def test_every_term_of_every_line_is_written_in_words(exported):
    # thresholds, tiers, netting, suspensions, dated shares, claim timing: whatever a line sets
    seen = set()
    for source, record in exported.values():
        for line, metric in zip(source.scenario.contract.outcomes, record["outcome_metrics"]):
            target = metric["outcome_metric_target"]["value"]
            full = line.model_dump(mode="json")
            for key in line.model_dump(mode="json", exclude_defaults=True):
                if key not in ("id", "description", "payers", "overflow_to", "price", "cap", "kind"):
                    assert f"{key}: {json.dumps(full[key], separators=(', ', ': '))}" in target
                    seen.add(key)
    assert {"points", "share", "claim", "tiers", "cohorts", "outcome", "pooled"} <= seen
