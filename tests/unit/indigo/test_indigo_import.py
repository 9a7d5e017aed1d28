"""sib-sim indigo import: the round trip loses no contract or finance term; a plain INDIGO record
becomes a skeleton whose values name their INDIGO fields; bad records name file, JSON path and line."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from sib_sim.errors import UserError
from sib_sim.indigo import export_project, import_record, project_schema, record_text
from sib_sim.indigo.export import MODEL_SECTIONS
from sib_sim.io.scenario_file import read_scenario_file
from sib_sim.io.yaml_locations import parse_yaml

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_round_trip_of_every_shipped_scenario_keeps_contract_finance_and_run_exactly(path, tmp_path):
    source = read_scenario_file(path)
    original = source.scenario
    (tmp_path / "record.json").write_text(record_text(export_project(source)), encoding="utf-8")
    skeleton, text = import_record(tmp_path / "record.json")
    assert [line.split(":")[0] for line in skeleton.fill_list()] == [s for s in MODEL_SECTIONS if getattr(original, s)]
    # the skeleton is a scenario file: with the model sections it says are still to write, it loads
    model = {name: section for name, section in original.model_dump(mode="json", exclude_defaults=True).items()
             if name in MODEL_SECTIONS}  # the whole dump, so that uncertainty keeps its groups
    (tmp_path / "back.yaml").write_text(text + yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    back = read_scenario_file(tmp_path / "back.yaml")
    assert back.scenario.contract == original.contract
    assert back.scenario.finance == original.finance
    assert back.scenario.run == original.run
    assert back.scenario == original
    # and each value keeps its reference, assumption and note
    for field, was in source.sources.items():
        if field.split(".")[0] in ("contract", "finance", "run"):
            now = back.sources[field]
            assert (now.reference, now.assumption) == (was.reference, was.assumption)
            assert (now.note or "").startswith(was.note or "")


def test_values_an_indigo_field_also_records_name_that_field(tmp_path):
    source = read_scenario_file(ROOT / "scenarios" / "ways_to_wellness.yaml")
    (tmp_path / "r.json").write_text(record_text(export_project(source)), encoding="utf-8")
    _, text = import_record(tmp_path / "r.json")
    sources = parse_yaml(text, "s.yaml").sources
    assert sources[("contract", "payers", 1, "cap")].note == (
        "also INDIGO $.outcome_payment_commitments[1].maximum_potential_outcome_payment.amount.value")
    assert "INDIGO $.investments[0].investment_commitment.amount.exact.value" in sources[
        ("finance", "investor", "commitment")].note


def test_an_edited_indigo_field_is_reported_and_the_extension_wins(tmp_path):
    record = export_project(read_scenario_file(ROOT / "scenarios" / "ways_to_wellness.yaml"))
    record["outcome_pricings"][0]["price_per_unit"]["amount"]["value"] = 300.0
    (tmp_path / "r.json").write_text(json.dumps(record), encoding="utf-8")
    skeleton, text = import_record(tmp_path / "r.json")
    assert any("prices wellbeing at 300.00, the extension at 270.0" in r for r in skeleton.remarks)
    assert "price: {value: 270," in text


PLAIN = {
    "name": {"value": "Example Employment Impact Bond"},
    "dates": {"start_date_of_service_provision": {"value": "2019-07"},
              "anticipated_completion_date": {"value": "2022-06-30"}},
    "overall_project_finance": {"maximum_potential_outcome_payment_v2": {"currency": {"value": "GBP"},
                                                                         "amount": {"value": 1200000}}},
    "organisations": [{"id": "INDIGO-ORG-0001", "name": {"value": "Example County Council"}}],
    "outcome_payment_commitments": [{"organisation_id": {"value": "INDIGO-ORG-0001"},
                                     "maximum_potential_outcome_payment": {"amount": {"value": 1200000}}}],
    "investments": [{"investment_commitment": {"amount": {"exact": {"value": 400000}}},
                     "maximum_potential_return_type": {"value": "IRR"}, "maximum_potential_return": {"value": 8}},
                    ],
    "outcome_metrics": [{"id": "job_start", "definition": {"value": "Starts a job"}},
                        {"id": "sustained", "definition": {"value": "In work for 26 weeks"}}],
    "outcome_pricings": [{"outcome_metric_id": {"value": "job_start"}, "price_per_unit": {"amount": {"value": 1500}}}],
}


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "plain.json"
    path.write_text(json.dumps(PLAIN, indent=2), encoding="utf-8")
    assert list(jsonschema.Draft7Validator(project_schema()).iter_errors(PLAIN)) == []
    return import_record(path)


def test_a_plain_indigo_record_gives_its_prices_caps_payers_dates_and_investment(plain):
    skeleton, text = plain
    located = parse_yaml(text, "s.yaml")
    data = located.data
    assert data["name"] == "example_employment_impact_bond" and data["currency"] == "GBP"
    assert data["run"]["start_date"] == "2019-07-01" and data["run"]["horizon_months"] == 36
    assert data["contract"]["cap"] == 1200000
    assert data["contract"]["payers"] == [{"id": "example_county_council", "name": "Example County Council",
                                           "cap": 1200000}]
    job = data["contract"]["outcomes"][0]
    assert (job["id"], job["kind"], job["price"]) == ("job_start", "per_participant", 1500)
    assert job["payers"] == [{"payer": "example_county_council", "share": 1}]
    assert data["finance"]["investor"] == {"commitment": 400000, "return_cap": {"irr": 0.08}}
    refs = {k: s.reference for k, s in located.sources.items()}
    assert refs[("contract", "outcomes", 0, "price")] == "INDIGO $.outcome_pricings[0].price_per_unit.amount.value"
    assert refs[("contract", "payers", 0, "cap")] == (
        "INDIGO $.outcome_payment_commitments[0].maximum_potential_outcome_payment.amount.value (INDIGO-ORG-0001)")
    assert refs[("run", "start_date")] == "INDIGO $.dates.start_date_of_service_provision.value"


def test_a_plain_record_lists_every_field_still_to_fill_in_the_file_and_the_list(plain):
    skeleton, text = plain
    fill = [line.split(":")[0] for line in skeleton.fill_list()]
    assert fill == ["contract.outcomes.0.outcome", "contract.outcomes.0.claim", "contract.outcomes.1.kind",
                    "contract.outcomes.1.claim", "finance.costs", "finance.commissioner.payer",
                    "cohort", "service", "wellbeing", "hospital"]
    for line in skeleton.fill_list():
        assert f"#   - {line}" in text
    assert text.count("# TO FILL:") == 6  # each value to fill, at its own line


def test_the_unfilled_skeleton_fails_validation_at_a_field_to_fill(plain, tmp_path):
    _, text = plain
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_scenario_file(tmp_path / "s.yaml")
    assert caught.value.where.startswith(str(tmp_path / "s.yaml"))


def write(tmp_path, text, name="bad.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def fails(path):
    with pytest.raises(UserError) as caught:
        import_record(path)
    return caught.value


def test_bad_json_names_line_and_column(tmp_path):
    error = fails(write(tmp_path, '{\n  "name": {"value": "x"},\n  "dates": {\n}\n,}'))
    assert error.where == f"{tmp_path / 'bad.json'}:5:2" and "not valid JSON" in error.message


def test_a_wrong_type_names_the_json_path_and_its_line(tmp_path):
    bad = json.loads(json.dumps(PLAIN))
    bad["outcome_pricings"][0]["price_per_unit"]["amount"]["value"] = "1,500"
    error = fails(write(tmp_path, json.dumps(bad, indent=2)))
    assert error.field == "$.outcome_pricings[0].price_per_unit.amount.value"
    line = json.dumps(bad, indent=2).splitlines().index('          "value": "1,500"') + 1
    assert error.where == f"{tmp_path / 'bad.json'}:{line}:20"
    assert "must be a number" in error.message
    assert list(jsonschema.Draft7Validator(project_schema()).iter_errors(bad))  # jsonschema agrees


@pytest.mark.parametrize("change, field, words", [
    (lambda r: r["investments"][0]["maximum_potential_return_type"].update(value="Multiple"),
     "$.investments[0].maximum_potential_return_type.value", "not one of the standard's values"),
    (lambda r: r["dates"]["start_date_of_service_provision"].update(value="July 2019"),
     "$.dates.start_date_of_service_provision.value", "not a date"),
    (lambda r: r.update(outcome_metrics=[]), "$.outcome_metrics", "at least 1"),
    (lambda r: r["outcome_payment_commitments"][0]["maximum_potential_outcome_payment"]["amount"].update(value=-5),
     "$.outcome_payment_commitments[0].maximum_potential_outcome_payment.amount.value", "at least 0"),
    (lambda r: r["dates"]["anticipated_completion_date"].update(value="2018"),
     "$.dates.anticipated_completion_date.value", "before the start"),
])
def test_bad_values_are_refused_at_their_json_path(tmp_path, change, field, words):
    bad = json.loads(json.dumps(PLAIN))
    change(bad)
    error = fails(write(tmp_path, json.dumps(bad, indent=1)))
    assert error.field == field and words in str(error)
    assert ":" in error.where.removeprefix(str(tmp_path))  # a line and column


def test_not_an_object_and_missing_files_are_user_errors(tmp_path):
    assert fails(write(tmp_path, "[1, 2]")).field == "$"
    assert "not found" in fails(tmp_path / "nothing.json").message
    assert "directory" in fails(tmp_path).message


def test_a_bad_term_in_the_extension_names_its_path_and_line(tmp_path):
    record = export_project(read_scenario_file(ROOT / "scenarios" / "ways_to_wellness.yaml"))
    record["sib_sim"]["contract"]["outcomes"][0]["price"] = -1
    text = json.dumps(record, indent=2)
    error = fails(write(tmp_path, text))
    assert error.field == "$.sib_sim.contract.outcomes[0].price"
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip().startswith('"price": -1'))
    assert error.where.startswith(f"{tmp_path / 'bad.json'}:{line}:")
    record["sib_sim"]["contract"]["outcomes"][0]["price"] = 270
    record["sib_sim"]["finance"]["commissioner"]["payer"] = "nhs"
    error = fails(write(tmp_path, json.dumps(record)))
    assert error.field == "$.sib_sim.finance.commissioner.payer" and "'nhs' is not one of" in error.message
    record["sib_sim"]["format"] = 99
    assert "format 99" in fails(write(tmp_path, json.dumps(record))).message


def test_the_indigo_databases_api_answer_is_read_with_paths_as_in_the_file(tmp_path):
    wrapped = {"project": {"id": "INDIGO-POJ-9999", "data": PLAIN}}
    skeleton, text = import_record(write(tmp_path, json.dumps(wrapped), "api.json"))
    assert "INDIGO project INDIGO-POJ-9999." in skeleton.remarks
    assert parse_yaml(text, "s.yaml").data["contract"]["outcomes"][0]["price"] == 1500
    bad = json.loads(json.dumps(wrapped))
    bad["project"]["data"]["outcome_metrics"][0]["id"] = 7
    error = fails(write(tmp_path, json.dumps(bad, indent=1), "api.json"))
    assert error.field == "$.project.data.outcome_metrics[0].id" and "must be a string" in error.message


def test_suspensions_dated_shares_and_netting_come_back_exactly(tmp_path):
    from sib_sim import with_overrides
    from sib_sim.io.scenario_file import ScenarioFile

    source = read_scenario_file(ROOT / "scenarios" / "ways_to_wellness.yaml")
    changed = with_overrides(source.scenario, {
        "contract.outcomes.wellbeing.suspended": [{"from_month": 60, "to_month": 66, "fee_per_month": 1000}],
        "contract.outcomes.secondary_care.share": [{"from_month": 0, "share": 0.5}, {"from_month": 48, "share": 0.4}],
        "contract.outcomes.secondary_care.netting": "cumulative",
    })
    record = export_project(ScenarioFile(changed, "changed.yaml", "", source.sources))
    words = " ".join(m["outcome_metric_target"]["value"] for m in record["outcome_metrics"])
    assert '"fee_per_month": 1000.0' in words and 'netting: "cumulative"' in words and '"share": 0.4' in words
    (tmp_path / "r.json").write_text(record_text(record), encoding="utf-8")
    _, text = import_record(tmp_path / "r.json")
    model = {name: section for name, section in changed.model_dump(mode="json", exclude_defaults=True).items()
             if name in MODEL_SECTIONS}
    (tmp_path / "back.yaml").write_text(text + yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    assert read_scenario_file(tmp_path / "back.yaml").scenario == changed
