"""FieldPath: one type that parses, prints and resolves dotted field paths; and each annotated
value's source reachable from the Scenario."""

from pathlib import Path

import pytest

from sib_sim import load_scenario, with_overrides
from sib_sim.scenario import FieldPath, Source

ROOT = Path(__file__).resolve().parents[3]
DATA = {"contract": {"outcomes": [{"id": "wellbeing", "price": 270}, {"id": "secondary_care", "share": 0.52}]},
        "run": {"seed": 1}}


def test_parse_and_print():
    path = FieldPath.parse("contract.outcomes.0.price")
    assert path == ("contract", "outcomes", 0, "price") and str(path) == "contract.outcomes.0.price"
    assert str(FieldPath(("a", 2)) + ("b",)) == "a.2.b"
    for bad in ("", "a..b", " . "):
        with pytest.raises(ValueError, match="bad path"):
            FieldPath.parse(bad)


def test_resolve_names_list_items_by_position_or_id():
    assert FieldPath.parse("contract.outcomes.secondary_care.share").resolve(DATA) == ("contract", "outcomes", 1,
                                                                                       "share")
    assert FieldPath.parse("contract.outcomes.1.share").value_in(DATA) == 0.52
    assert FieldPath.parse("contract.outcomes.wellbeing.price").value_in(DATA) == 270
    assert FieldPath.parse("contract.outcomes.nope.price").resolve(DATA) is None
    assert FieldPath.parse("contract.outcomes.5").value_in(DATA) is None
    assert FieldPath.parse("run.seed.x").value_in(DATA) is None
    assert str(FieldPath.parse("contract.outcomes.0.price").named(DATA)) == "contract.outcomes.wellbeing.price"


def test_each_annotated_value_is_cited_from_the_scenario():
    scenario = load_scenario(ROOT / "scenarios" / "ways_to_wellness.yaml")
    share = scenario.source("contract.outcomes.secondary_care.share")
    assert isinstance(share, Source) and share.assumption and "calibrate_tariffs" in share.note
    assert scenario.source(("contract", "outcomes", 1, "share")) == share
    assert "contract.outcomes.1.share" in scenario.sources
    assert scenario.source("contract.outcomes.secondary_care.id") is None
    # A value changed by an override no longer carries its old citation; the others keep theirs.
    changed = with_overrides(scenario, {"contract.outcomes.secondary_care.share": 0.6})
    assert changed.source("contract.outcomes.secondary_care.share") is None
    assert len(changed.sources) == len(scenario.sources) - 1
    # Where a value was cited from is not part of the scenario's value.
    assert changed == with_overrides(scenario.with_sources({}), {"contract.outcomes.secondary_care.share": 0.6})


def test_a_path_knows_its_field_its_sections_and_what_it_shares():
    path = FieldPath.parse("contract.outcomes.0.price")
    assert path.field == "price"
    assert [str(p) for p in path.ancestry()] == ["contract.outcomes.0.price", "contract.outcomes.0",
                                                 "contract.outcomes", "contract"]
    assert path.shared_depth(("contract", "outcomes", "0", "cap")) == 3  # a position and its text alike
    assert path.under(("contract", "outcomes", 0)) and not path.under(("contract", "payers"))
    assert path.under(path) and not FieldPath.parse("contract").under(path)


def test_a_path_reads_a_validated_scenario_as_it_reads_its_data():
    scenario = load_scenario(ROOT / "scenarios" / "ways_to_wellness.yaml")
    data = scenario.model_dump()
    for text in ("hospital.lines.ae.unit_cost", "hospital.lines.1.unit_cost", "contract.cap",
                 "cohort.referrals.rate_per_month", "contract.outcomes.0.price"):
        path = FieldPath.parse(text)
        assert path.value_in(scenario) == path.value_in(data) is not None, text
    assert FieldPath.parse("hospital.lines.nowhere.unit_cost").value_in(scenario) is None
    assert FieldPath.parse("contract.no_such_field").value_in(scenario) is None


def test_a_source_written_on_a_section_covers_the_fields_under_it():
    from sib_sim.scenario.paths import source_within

    line, cap = Source(reference="rate card"), Source(assumption=True)
    sources = {"contract.outcomes.0": line, "contract.outcomes.0.cap": cap}
    assert source_within(sources, "contract.outcomes.0.price") is line
    assert source_within(sources, "contract.outcomes.0.cap") is cap
    assert source_within(sources, "contract.outcomes.1.price") is None
