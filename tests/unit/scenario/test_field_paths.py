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
