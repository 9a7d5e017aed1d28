"""libyaml composes scenarios where PyYAML has it; the pure-Python parser reads anything it cannot.
Both must give the same values and the same file:line:column for every key and value."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sib_sim.errors import UserError
from sib_sim.io import yaml_locations
from sib_sim.io.yaml_locations import parse_yaml

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
pytestmark = pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")


def _pure_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(yaml_locations.yaml, "CSafeLoader")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_same_values_and_locations_from_both_parsers(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    fast = parse_yaml(text, path.name)
    _pure_python(monkeypatch)
    slow = parse_yaml(text, path.name)
    assert fast.data == slow.data
    assert fast.values == slow.values and fast.keys == slow.keys


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: 1\n a: 2\n", "- 1\n- 2\n", "a: *nowhere\n", "a: b: c\n"])
def test_same_message_for_bad_yaml(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UserError) as fast:
        parse_yaml(text, "s.yaml")
    _pure_python(monkeypatch)
    with pytest.raises(UserError) as slow:
        parse_yaml(text, "s.yaml")
    assert str(fast.value) == str(slow.value)
