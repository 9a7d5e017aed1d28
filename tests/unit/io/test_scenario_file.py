"""The scenario loader: locations, annotated values, extends, --set overrides and bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import textwrap
from pathlib import Path

import pytest

from sib_sim.errors import UserError
from sib_sim.io.scenario_file import ScenarioFile, Source, load_scenario, read_scenario_file
from sib_sim.scenario import Scenario

SHIPPED = Path(__file__).resolve().parents[3] / "scenarios" / "ways_to_wellness.yaml"

# A small valid scenario. Bad-input cases edit one line of it, so each case knows its line.
MINIMAL = textwrap.dedent("""\
    name: tiny
    run:
      replications: 10
      seed: 1
      start_date: 2015-04-01
    cohort:
      referrals:
        rate_per_month: {value: 100, reference: "a published figure"}
        end_month: 60
        pauses:
          - {start_month: 30, end_month: 36, rate_factor: 0.0}
      p_engage: {value: 0.8, assumption: true, note: "a guess"}
      groups:
        - {id: young, share: 0.5}
        - {id: old, share: 0.5}
    service:
      link_worker_fte:
        - {from_month: 0, fte: 10}
        - {from_month: 12, fte: 20}
      caseload_per_worker: 75
      max_wait_months: 3
      support_months_min: 18
      support_months_max: 24
      disengagement_per_month: 0.02
    wellbeing:
      baseline_mean_per_area: 3.9
      baseline_sd_per_area: 1.6
      baseline_correlation: 0.45
      gain_first_period_mean: 0.3
      gain_sd: 0.35
      gain_decay: 0.55
    hospital:
      lines:
        - {id: ae, rate_per_year: 0.8, unit_cost: 148}
      frailty_shape: 1.2
      effect_half_life_months: 18
    contract:
      cap: 8200000
      payers:
        - {id: ccg, cap: 5200000}
        - {id: cbo, cap: 2000000}
      outcomes:
        - id: wellbeing
          kind: sliding_scale
          price: 240
          points: [[0.5, 0.0], [1.4, 1.0]]
          payers:
            - {payer: cbo, share: 0.7}
            - {payer: ccg, share: 0.3}
        - id: secondary_care
          kind: savings_share
          share: 0.7
          payers:
            - {payer: ccg, share: 1.0}
    finance:
      costs:
        link_worker_per_fte_per_year: 35000
      investor:
        commitment: 1650000
      commissioner:
        payer: ccg
    """)


def edit(old: str, new: str, text: str = MINIMAL) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once in the scenario text"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert lines, f"{needle!r} not in the text"
    return lines[0]


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def load_error(path: Path, overrides: tuple[str, ...] = ()) -> UserError:
    with pytest.raises(UserError) as caught:
        load_scenario(path, overrides)
    return caught.value


# --- the shipped scenario ------------------------------------------------------------------------

def test_shipped_scenario_loads_with_its_sources() -> None:
    loaded = read_scenario_file(SHIPPED)
    assert isinstance(loaded, ScenarioFile)
    assert isinstance(loaded.scenario, Scenario)
    assert loaded.scenario.cohort.referrals.rate_per_month == 118
    assert loaded.scenario.contract.outcomes[0].points == [(0.5, 0.0), (1.4, 1.0)]
    assert loaded.path == str(SHIPPED)
    assert loaded.sha256 == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    source = loaded.sources["cohort.referrals.rate_per_month"]
    assert source.reference is not None and "referrals a year" in source.reference
    assert source.assumption is False


def test_shipped_sources_cover_assumptions_and_list_items() -> None:
    sources = read_scenario_file(SHIPPED).sources
    assumptions = [path for path, source in sources.items() if source.assumption]
    assert "service.caseload_per_worker" in assumptions
    assert sources["service.caseload_per_worker"].note
    assert sources["cohort.groups.0.share"].assumption is True
    assert "INDIGO" in (sources["contract.outcomes.0.points"].reference or "")
    top_up = sources["contract.outcomes.1.payers.0.share"]  # an annotation inside a flow mapping in a list
    assert top_up.assumption is True and top_up.reference is None and "top-ups" in (top_up.note or "")


def test_load_scenario_returns_the_scenario() -> None:
    assert load_scenario(SHIPPED) == read_scenario_file(SHIPPED).scenario


def test_minimal_scenario_loads(tmp_path: Path) -> None:
    loaded = read_scenario_file(write(tmp_path, MINIMAL))
    assert loaded.scenario.name == "tiny"
    assert loaded.scenario.cohort.p_engage == 0.8
    assert set(loaded.sources) == {"cohort.referrals.rate_per_month", "cohort.p_engage"}
    assert loaded.sources["cohort.p_engage"] == Source(assumption=True, note="a guess")


def test_annotation_with_value_only_and_unit(tmp_path: Path) -> None:
    text = edit("  caseload_per_worker: 75", "  caseload_per_worker: {value: 60, unit: patients}")
    loaded = read_scenario_file(write(tmp_path, text))
    assert loaded.scenario.service.caseload_per_worker == 60
    assert loaded.sources["service.caseload_per_worker"] == Source(unit="patients")


def test_anchors_and_merge_keys_are_read(tmp_path: Path) -> None:
    text = edit("    - {id: ae, rate_per_year: 0.8, unit_cost: 148}",
                "    - &ae {id: ae, rate_per_year: 0.8, unit_cost: 148}\n"
                "    - {<<: *ae, id: elective, unit_cost: 1180}")
    lines = load_scenario(write(tmp_path, text)).hospital.lines
    assert [(x.id, x.rate_per_year, x.unit_cost) for x in lines] == [("ae", 0.8, 148), ("elective", 0.8, 1180)]


# --- bad input: one edit of MINIMAL each, checking file, line and field ----------------------------

# (case id, old line text, new text, text on the expected line, field path, words in the message)
EDIT_CASES = [
    ("unknown key", "  caseload_per_worker: 75", "  caseload_per_wroker: 75", "caseload_per_wroker",
     "service.caseload_per_wroker", "unknown key 'caseload_per_wroker' (did you mean 'caseload_per_worker'?)"),
    ("unknown key, no close match", "  seed: 1", "  seed: 1\n  zzzz: 3", "zzzz", "run.zzzz",
     "allowed: replications, seed"),
    ("unknown key in an outcome", "      price: 240", "      pricee: 240", "pricee",
     "contract.outcomes.0.pricee", "did you mean 'price'?"),
    ("unknown top-level section", "name: tiny", "name: tiny\nrnu: {seed: 3}", "rnu", "rnu",
     "did you mean 'run'?"),
    ("wrong type", "p_engage: {value: 0.8,", "p_engage: {value: lots,", "p_engage", "cohort.p_engage",
     "Input should be a valid number"),
    ("wrong type in a list item", "{from_month: 12, fte: 20}", "{from_month: 12, fte: many}", "fte: many",
     "service.link_worker_fte.1.fte", "valid number"),
    ("wrong type in a union", "      price: 240", "      price: cheap", "price: cheap",
     "contract.outcomes.0.price", "valid number"),
    ("negative rate", "rate_per_month: {value: 100,", "rate_per_month: {value: -5,", "rate_per_month",
     "cohort.referrals.rate_per_month", "Input should be greater than 0 (got -5)"),
    ("negative cap", "  cap: 8200000", "  cap: -1", "cap: -1", "contract.cap", "greater than or equal to 0"),
    ("probability above 1", "p_engage: {value: 0.8,", "p_engage: {value: 1.5,", "p_engage", "cohort.p_engage",
     "less than or equal to 1"),
    ("fraction above 1 in a tuple", "[[0.5, 0.0], [1.4, 1.0]]", "[[0.5, 0.0], [1.4, 1.5]]", "points",
     "contract.outcomes.0.points.1.1", "less than or equal to 1"),
    ("zero replications", "  replications: 10", "  replications: 0", "replications", "run.replications",
     "greater than or equal to 1"),
    ("bad name", "name: tiny", "name: bad name!", "name:", "name", "should match pattern"),
    ("missing required key", "  p_engage: {value: 0.8, assumption: true, note: \"a guess\"}\n", "", "cohort:",
     "cohort.p_engage", "missing required key 'p_engage'"),
    ("missing kind", "      kind: savings_share\n", "", "id: secondary_care", "contract.outcomes.1.kind",
     "missing required key 'kind'"),
    ("unknown kind", "      kind: savings_share", "      kind: savings_shares", "savings_shares",
     "contract.outcomes.1.kind", "unknown kind 'savings_shares' (did you mean 'savings_share'?)"),
    ("payer shares not summing to 1", "{payer: ccg, share: 0.3}", "{payer: ccg, share: 0.4}",
     ("{payer: cbo, share: 0.7}", -1), "contract.outcomes.0.payers", "payer shares must sum to 1 (they sum to 1.1)"),
    ("outcome names an unknown payer", "{payer: ccg, share: 1.0}", "{payer: nhs, share: 1.0}", "payer: nhs",
     "contract.outcomes.1.payers.0.payer", "unknown payer 'nhs'; known: ['ccg', 'cbo']"),
    ("group shares not summing to 1", "{id: old, share: 0.5}", "{id: old, share: 0.6}", "groups:",
     "cohort.groups", "group shares must sum to 1"),
    ("pause ends before it starts", "end_month: 36,", "end_month: 20,", "start_month: 30", "cohort.referrals.pauses.0.end_month",
     ": end_month must be after start_month"),
    ("scale points not increasing", "[[0.5, 0.0], [1.4, 1.0]]", "[[1.5, 0.0], [1.4, 1.0]]", "[[1.5, 0.0]",
     "contract.outcomes.0.points", "increasing averages"),
    ("support max below min", "  support_months_max: 24", "  support_months_max: 12", "support_months_max: 12",
     "service.support_months_max", "support_months_max must be at least support_months_min"),
    ("date that does not exist", "  start_date: 2015-04-01", "  start_date: 2015-13-01", "start_date",
     "run.start_date", "cannot read this value"),
    ("duplicate key", "  seed: 1", "  seed: 1\n  seed: 2", "seed: 2", "run.seed",
     "duplicate key 'seed' (first written at line 4)"),
    ("key that YAML reads as a bool", "  seed: 1", "  seed: 1\n  yes: 1", "yes: 1", "run",
     "a key must be a name, not True"),
    ("unsafe tag on a scalar", "  seed: 1", "  seed: !!python/name:os.system", "seed", "run.seed",
     "cannot read this value"),
    ("unsafe tag on a list", "  seed: 1", "  seed: !!python/tuple [1, 2]", "seed", "run.seed",
     "unsupported YAML tag"),
    ("bad annotation key", "value: 100, reference:", "value: 100, refrence:", "rate_per_month",
     "cohort.referrals.rate_per_month", "unknown key 'refrence' next to 'value' (did you mean 'reference'?)"),
    ("annotation assumption not a bool", "assumption: true,", "assumption: maybe,", "p_engage",
     "cohort.p_engage", "'assumption' must be true or false, not 'maybe'"),
    ("annotation reference not text", "reference: \"a published figure\"", "reference: 2017", "rate_per_month",
     "cohort.referrals.rate_per_month", "'reference' must be text, not 2017"),
    ("annotation note is a list", "note: \"a guess\"", "note: [a, b]", "p_engage", "cohort.p_engage",
     "'note' must be text, not a list"),
    ("extends is not a file name", "name: tiny", "name: tiny\nextends: 3", "extends", "extends",
     "extends must name a scenario file"),
    ("yaml syntax error", "  seed: 1", "  seed: 1: 2", "seed: 1: 2", None, "YAML syntax error"),
    ("yaml tab indentation", "  seed: 1", "\tseed: 1", "seed: 1", None, "YAML syntax error"),
    ("yaml unclosed flow list", "    - {from_month: 0, fte: 10}", "    - [from_month: 0, fte: 10",
     "from_month: 12", None, "YAML syntax error"),
]


@pytest.mark.parametrize(("old", "new", "at", "field", "words"), [c[1:] for c in EDIT_CASES],
                         ids=[c[0] for c in EDIT_CASES])
def test_bad_input_names_file_line_and_field(tmp_path: Path, old: str, new: str, at: str | tuple[str, int],
                                             field: str | None, words: str) -> None:
    text = edit(old, new)
    path = write(tmp_path, text)
    error = load_error(path)
    message = str(error)
    # `at` is a fragment of the line the error must name, or (fragment, offset) for the line the
    # offset away from it (a list is named by the key line above its first item).
    line = line_of(text, at[0]) + at[1] if isinstance(at, tuple) else line_of(text, at)
    assert error.where is not None and error.where.startswith(f"{path}:{line}:"), message
    assert words in message
    if field is not None:
        assert error.field == field
        assert f": {field}: " in message
    assert message.startswith(str(path))


def test_missing_section_points_at_the_document(tmp_path: Path) -> None:
    text = MINIMAL[:MINIMAL.index("finance:")]
    error = load_error(write(tmp_path, text))
    assert error.field == "finance"
    assert error.where == f"{tmp_path / 'scenario.yaml'}:1:1"
    assert "missing required key 'finance'" in str(error)


def test_cross_section_check_points_at_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, edit("    payer: ccg\n", "    payer: nhs\n"))
    error = load_error(path)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "payer: nhs" in text)
    assert error.where.startswith(f"{path}:{line}:")
    assert error.field == "finance.commissioner.payer"
    assert "finance.commissioner.payer 'nhs' is not a contract payer" in str(error)


def test_several_errors_are_counted(tmp_path: Path) -> None:
    text = edit("  replications: 10", "  replications: 0")
    text = edit("  caseload_per_worker: 75", "  caseload_per_worker: -1", text)
    error = load_error(write(tmp_path, text))
    assert error.field == "run.replications"
    assert error.message.endswith("; and 1 more error")


def test_unclosed_flow_mapping_reports_a_location(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nrun: {seed: 1\n")
    error = load_error(path)
    assert error.where is not None and error.where.startswith(f"{path}:3:")
    assert "YAML syntax error" in error.message


# --- bad files -----------------------------------------------------------------------------------

FILE_CASES = [
    ("empty file", "", "is empty"),
    ("comments only", "# nothing here\n", "is empty"),
    ("top-level list", "- name: tiny\n- run: {}\n", "not a list"),
    ("top-level scalar", "just text\n", "not a single value"),
    ("two documents", "name: a\n---\nname: b\n", "YAML syntax error"),
    ("not utf-8", b"name: \xff\xfe tiny\n", "not UTF-8"),
    ("control character", "name: tiny\x01\n", "character #x0001 is not allowed"),
    ("nested too deeply", "name: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
]


@pytest.mark.parametrize(("content", "words"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_bad_files(tmp_path: Path, content: str | bytes, words: str) -> None:
    path = tmp_path / "bad.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    error = load_error(path)
    assert str(path) in str(error)
    assert words in str(error)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_scenario(path).name == "tiny"


def test_control_character_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "name: tiny\nrun: {seed: 1\x07}\n")
    assert load_error(path).where == f"{path}:2:14"


def test_missing_file_suggests_a_near_name(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base_case.yaml")
    error = load_error(tmp_path / "base_cse.yaml")
    assert error.where == str(tmp_path / "base_cse.yaml")
    assert "scenario file not found" in error.message
    assert error.hint is not None and "base_case.yaml" in error.hint


def test_directory_is_not_a_scenario(tmp_path: Path) -> None:
    error = load_error(tmp_path)
    assert error.where == str(tmp_path)
    assert "directory" in error.message


def test_top_level_list_points_at_line_1(tmp_path: Path) -> None:
    path = write(tmp_path, "- name: tiny\n")
    assert load_error(path).where == f"{path}:1:1"


# --- extends -------------------------------------------------------------------------------------

def test_extends_merges_child_over_parent(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    child = write(tmp_path, textwrap.dedent("""\
        extends: base.yaml
        name: tiny_variant
        contract:
          cap: {value: 9000000, assumption: true}
        service:
          link_worker_fte: [{from_month: 0, fte: 5}]
        """), "variant.yaml")
    loaded = read_scenario_file(child)
    scenario = loaded.scenario
    assert scenario.name == "tiny_variant"
    assert scenario.contract.cap == 9_000_000
    assert scenario.contract.payers[0].cap == 5_200_000  # inherited next to the overridden key
    assert [s.fte for s in scenario.service.link_worker_fte] == [5]  # lists are replaced whole
    assert scenario.service.caseload_per_worker == 75
    assert loaded.sources["contract.cap"] == Source(assumption=True)
    assert loaded.sources["cohort.p_engage"].note == "a guess"  # the parent's annotations are kept
    assert loaded.sha256 == hashlib.sha256(child.read_bytes()).hexdigest()


def test_extends_child_value_drops_the_parent_source(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    child = write(tmp_path, "extends: base.yaml\ncohort: {p_engage: 0.7}\n", "variant.yaml")
    loaded = read_scenario_file(child)
    assert loaded.scenario.cohort.p_engage == 0.7
    assert "cohort.p_engage" not in loaded.sources
    assert "cohort.referrals.rate_per_month" in loaded.sources


def test_extends_error_in_parent_names_the_parent(tmp_path: Path) -> None:
    base = write(tmp_path, edit("  caseload_per_worker: 75", "  caseload_per_worker: -75"), "base.yaml")
    child = write(tmp_path, "extends: base.yaml\nname: variant\n", "variant.yaml")
    error = load_error(child)
    assert error.where == f"{base}:{line_of(MINIMAL, 'caseload_per_worker')}:24"
    assert error.field == "service.caseload_per_worker"


def test_extends_error_in_child_names_the_child(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    child = write(tmp_path, "extends: base.yaml\nrun:\n  replications: 0\n", "variant.yaml")
    error = load_error(child)
    assert error.where == f"{child}:3:17"
    assert error.field == "run.replications"


def test_extends_syntax_error_in_parent_names_the_parent(tmp_path: Path) -> None:
    base = write(tmp_path, "name: [\n", "base.yaml")
    child = write(tmp_path, "extends: base.yaml\n", "variant.yaml")
    error = load_error(child)
    assert error.where is not None and error.where.startswith(str(base))


def test_extends_is_relative_to_the_extending_file_and_chains(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    write(tmp_path, "extends: ../base.yaml\nrun: {seed: 7}\n", "variants/middle.yaml")
    leaf = write(tmp_path, "extends: middle.yaml\nrun: {replications: 3}\n", "variants/leaf.yaml")
    run = load_scenario(leaf).run
    assert (run.seed, run.replications, run.start_date) == (7, 3, dt.date(2015, 4, 1))


EXTENDS_CASES = [
    ("cycle", {"a.yaml": "name: a\nextends: b.yaml\n", "b.yaml": "extends: a.yaml\n"}, "b.yaml:1:10",
     "extends makes a cycle: a.yaml -> b.yaml -> a.yaml"),
    ("self", {"a.yaml": "extends: a.yaml\n"}, "a.yaml:1:10", "cycle: a.yaml -> a.yaml"),
    ("missing parent", {"a.yaml": "name: a\n\nextends: nowhere.yaml\n"}, "a.yaml:3:10", "nowhere.yaml' not found"),
    ("parent is a directory", {"a.yaml": "extends: sub\n", "sub/x.yaml": "name: x\n"}, "a.yaml:1:10",
     "is a directory"),
]


@pytest.mark.parametrize(("files", "where", "words"), [c[1:] for c in EXTENDS_CASES],
                         ids=[c[0] for c in EXTENDS_CASES])
def test_extends_problems(tmp_path: Path, files: dict[str, str], where: str, words: str) -> None:
    for name, text in files.items():
        write(tmp_path, text, name)
    error = load_error(tmp_path / "a.yaml")
    assert error.where == str(tmp_path / where)
    assert error.field == "extends"
    assert words in error.message


# --- --set overrides -----------------------------------------------------------------------------

def test_overrides_parse_yaml_values(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    loaded = read_scenario_file(path, ["contract.cap=10000000", "run.start_date=2016-01-01",
                                       "contract.payers.ccg.cap=7e6", "contract.outcomes.wellbeing.price=300",
                                       "service.link_worker_fte.1.fte=25"])
    scenario = loaded.scenario
    assert scenario.contract.cap == 10_000_000
    assert scenario.run.start_date == dt.date(2016, 1, 1)
    assert scenario.contract.payers[0].cap == 7_000_000
    assert scenario.contract.outcomes[0].price == 300
    assert scenario.service.link_worker_fte[1].fte == 25
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_override_can_add_a_schema_field_absent_from_the_file(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, MINIMAL), ["contract.outcomes.secondary_care.cap=5",
                                                        "hospital.comparison.matching_bias=0.1"])
    assert scenario.contract.outcomes[1].cap == 5
    assert scenario.hospital.comparison.matching_bias == 0.1
    assert scenario.hospital.comparison.patients_per_participant == 1.0


def test_override_replaces_an_annotated_value_and_its_source(tmp_path: Path) -> None:
    loaded = read_scenario_file(write(tmp_path, MINIMAL), ["cohort.p_engage=0.5"])
    assert loaded.scenario.cohort.p_engage == 0.5
    assert "cohort.p_engage" not in loaded.sources


def test_later_override_wins(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, MINIMAL), ["run.seed=3", "run.seed=4"])
    assert scenario.run.seed == 4


SET_CASES = [
    # (case id, override, words in the message, words in the hint, field)
    ("no equals sign", "run.seed", "expected path=value", "for example --set", None),
    ("empty path", "=5", "missing path before '='", "for example --set", None),
    ("empty segment", "run..seed=1", "bad path 'run..seed'", None, None),
    ("unknown key", "contract.capp=1", "unknown key 'capp' in contract", "did you mean 'cap'?", "contract.capp"),
    ("unknown section", "rnu.seed=1", "unknown key 'rnu'", "did you mean 'run'?", "rnu.seed"),
    ("unknown key, no close match", "run.zzz=1", "unknown key 'zzz' in run", "allowed: replications, seed",
     "run.zzz"),
    ("unknown item id", "contract.outcomes.wellbeng.price=1", "no item 'wellbeng'", "did you mean 'wellbeing'?",
     "contract.outcomes.wellbeng.price"),
    ("index out of range", "service.link_worker_fte.7.fte=1", "no item 7 in service.link_worker_fte (it has 2)",
     None, "service.link_worker_fte.7.fte"),
    ("key under a single value", "contract.cap.amount=1", "contract.cap is a single value", None,
     "contract.cap.amount"),
    ("unparsable value", "contract.cap=[1,", "cannot read the value '[1,'", None, "contract.cap"),
    ("impossible date", "run.start_date=2016-02-30", "cannot read the value", None, "run.start_date"),
    ("invalid value", "run.replications=0", "Input should be greater than or equal to 1 (got 0)", None,
     "run.replications"),
    ("invalid type", "contract.outcomes.wellbeing.price=cheap", "valid number", None, "contract.outcomes.0.price"),
    ("invented key inside a new section", "hospital.comparison.matching_biass=0.1", "unknown key 'matching_biass'",
     "did you mean 'matching_bias'?", "hospital.comparison.matching_biass"),
]


@pytest.mark.parametrize(("override", "words", "hint", "field"), [c[1:] for c in SET_CASES],
                         ids=[c[0] for c in SET_CASES])
def test_bad_set(tmp_path: Path, override: str, words: str, hint: str | None, field: str | None) -> None:
    error = load_error(write(tmp_path, MINIMAL), ("run.seed=2", override))
    assert error.where == f"--set {override}"
    assert str(error).startswith(f"--set {override}: ")
    assert words in error.message
    if hint is not None:
        assert error.hint is not None and hint in error.hint
    assert error.field == field


def test_invalid_override_names_the_field_with_indices(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, MINIMAL), ("contract.outcomes.wellbeing.price=-1",))
    assert str(error) == ("--set contract.outcomes.wellbeing.price=-1: contract.outcomes.0.price: "
                          "Input should be greater than or equal to 0 (got -1)")
