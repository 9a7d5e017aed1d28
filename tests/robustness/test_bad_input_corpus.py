"""A corpus of bad scenario files and bad command lines, run through the real command line.

Every case must end as exactly one "error:" message that names the file with file:LINE:COL, the
dotted path of the field at fault, exit status 2, no traceback, and no results folder (DESIGN.md
section 8). Each case is one edit of a shipped scenario (or a small file of its own), so the line
it must point at is known: the first line of the named file containing `line`.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field as dc_field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sib_sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
BAD = "bad.yaml"


@dataclass(frozen=True)
class Case:
    """One bad scenario.

    base: the shipped scenario edited (None: `new` is the whole file); old -> new: the edit (first
    occurrence); field: the dotted field path the message must name (None only where YAML itself
    cannot be parsed, so no field is known); line: text on the line the message must point at, in
    `named` (the file the error is in); files: other files written next to bad.yaml.
    """

    id: str
    base: str | None
    old: str
    new: str
    field: str | None
    line: str
    named: str = BAD
    files: dict[str, str] = dc_field(default_factory=dict)
    run: bool = False  # also through `run --replications 2 --out ...`
    says: str | None = None  # words the message must contain (a hint, say)
    not_says: str | None = None  # words it must not contain


W = "ways_to_wellness.yaml"
DRAWDOWN_LINE = ('    drawdown: {value: as_needed, assumption: true, note: "the SPV draws when cash would fall below '
                 'the buffer"}\n')
RATE = "rate_card.yaml"
THRESH = "cohort_threshold.yaml"
RISK = "ways_to_wellness_provider_risk.yaml"

CASES = [
    # --- run -------------------------------------------------------------------------------------
    Case("run.replications zero", W, "  replications: 200", "  replications: 0", "run.replications",
         "replications: 0", run=True),
    Case("run.horizon_months too long", W, "    value: 96\n", "    value: 700\n", "run.horizon_months",
         "value: 700"),
    Case("run.start_date not a date", W, "  start_date: 2015-04-01", "  start_date: 2015-13-01",
         "run.start_date", "start_date: 2015-13-01", run=True),
    Case("run.seed negative", W, "  seed: 20150401", "  seed: -1", "run.seed", "seed: -1"),
    Case("run unknown key", W, "  seed: 20150401", "  seed: 20150401\n  replicatons: 3", "run.replicatons",
         "replicatons: 3"),
    Case("run.uncertainty not a bool", W, "  start_date: 2015-04-01",
         "  start_date: 2015-04-01\n  uncertainty: sometimes", "run.uncertainty", "uncertainty: sometimes"),
    # --- cohort ----------------------------------------------------------------------------------
    Case("cohort rate not a number", W, "      value: 118\n", "      value: lots\n",
         "cohort.referrals.rate_per_month", "value: lots", run=True),
    Case("cohort rate negative", W, "      value: 118\n", "      value: -118\n",
         "cohort.referrals.rate_per_month", "value: -118"),
    Case("cohort p_engage above 1", W, "    value: 0.78\n", "    value: 1.78\n", "cohort.p_engage",
         "value: 1.78"),
    Case("cohort group shares sum", W, "share: {value: 0.55,", "share: {value: 0.65,", "cohort.groups",
         "  groups:"),
    Case("cohort group multiplier zero", W, "hospital_multiplier: {value: 1.18,", "hospital_multiplier: {value: 0,",
         "cohort.groups.1.hospital_multiplier", "hospital_multiplier: {value: 0,"),
    Case("cohort group id pattern", W, "    - id: age_40_59", "    - id: Age 40-59", "cohort.groups.0.id",
         "id: Age 40-59"),
    Case("cohort pause ends before it starts", W, "    ramp_start_fraction: {value: 0.3, assumption: true}\n",
         "    ramp_start_fraction: {value: 0.3, assumption: true}\n"
         "    pauses:\n      - {start_month: 30, end_month: 20}\n",
         "cohort.referrals.pauses.0.end_month", "end_month: 20"),
    Case("cohort delay as text", W, "first_appointment_delay_months: {value: 0.5,",
         "first_appointment_delay_months: {value: two weeks,", "cohort.first_appointment_delay_months",
         "first_appointment_delay_months"),
    Case("cohort referrals missing", W, "  referrals:\n    rate_per_month:", "  referals:\n    rate_per_month:",
         "cohort.referals", "  referals:"),
    # --- service ---------------------------------------------------------------------------------
    Case("service unknown key (did you mean)", W, "  caseload_per_worker:", "  caseload_per_wroker:",
         "service.caseload_per_wroker", "caseload_per_wroker", run=True),
    Case("service staffing not from month 0", W, "{from_month: 0, fte: 8}", "{from_month: 1, fte: 8}",
         "service.link_worker_fte", "link_worker_fte:"),
    Case("service negative fte", W, "{from_month: 6, fte: 12}", "{from_month: 6, fte: -12}",
         "service.link_worker_fte.1.fte", "fte: -12"),
    Case("service support bounds reversed", W, "    value: 24\n", "    value: 12\n", "service.support_months_max",
         "value: 12"),
    Case("service disengagement above 1", W, "    value: 0.025\n", "    value: 2.5\n",
         "service.disengagement_per_month", "value: 2.5"),
    Case("service list for a number", W, "p_assessment_missed: {value: 0.2,", "p_assessment_missed: {value: [0.2],",
         "service.p_assessment_missed", "p_assessment_missed"),
    Case("service delivery period factor", W, "  max_wait_months: {value: 3, assumption: true}\n",
         "  max_wait_months: {value: 3, assumption: true}\n"
         "  delivery_periods:\n    - {start_month: 60, end_month: 66, effect_factor: 1.5}\n",
         "service.delivery_periods.0.effect_factor", "effect_factor: 1.5"),
    # --- wellbeing -------------------------------------------------------------------------------
    Case("wellbeing baseline above 10", W, "    value: 3.9\n", "    value: 11\n", "wellbeing.baseline_mean_per_area",
         "    value: 11$"),
    Case("wellbeing floor above ceiling", W, "  area_noise_sd: {value: 0.25, assumption: true}\n",
         "  area_noise_sd: {value: 0.25, assumption: true}\n  floor: 5\n  ceiling: 4\n", "wellbeing.ceiling",
         "ceiling: 4"),
    Case("wellbeing gain_decay above 1", W, "gain_decay: {value: 0.55,", "gain_decay: {value: 1.2,",
         "wellbeing.gain_decay", "gain_decay: {value: 1.2,"),
    Case("wellbeing missing required", W, "  baseline_correlation: {value: 0.45, assumption: true, note: "
         "\"the 8 areas form one coherent measure (Outcomes Star validation, Aug 2020)\"}\n", "",
         "wellbeing.baseline_correlation", "wellbeing:"),
    # --- hospital --------------------------------------------------------------------------------
    Case("hospital negative unit cost", W, "unit_cost: {value: 2300,", "unit_cost: {value: -2300,",
         "hospital.lines.1.unit_cost", "unit_cost: {value: -2300,"),
    Case("hospital duplicate line id", W, "    - id: elective", "    - id: ae", "hospital.lines", "  lines:"),
    Case("hospital matching bias below -1", W, "      value: 0.0\n", "      value: -1.5\n",
         "hospital.comparison.matching_bias", "value: -1.5"),
    Case("hospital bool as text", W, "    comparison_shares_it: true", "    comparison_shares_it: sometimes",
         "hospital.regression_to_mean.comparison_shares_it", "comparison_shares_it: sometimes"),
    Case("hospital frailty zero", W, "frailty_shape: {value: 1.2,", "frailty_shape: {value: 0,",
         "hospital.frailty_shape", "frailty_shape"),
    # --- contract --------------------------------------------------------------------------------
    Case("contract negative cap", W, "    value: 8200000", "    value: -8200000", "contract.cap", "value: -8200000",
         run=True),
    Case("contract unknown payer in shares", W, "{payer: sof, share: 0.25}", "{payer: sofa, share: 0.25}",
         "contract.outcomes.0.payers.1.payer", "payer: sofa"),
    Case("contract duplicate payer id", W, "    - id: sof", "    - id: cbo", "contract.payers", "  payers:"),
    Case("contract overflow to unknown payer", W, "      overflow_to: ccg", "      overflow_to: cgc",
         "contract.outcomes.0.overflow_to", "overflow_to: cgc"),
    Case("contract payer shares sum", W, "{payer: ccg, share: 0.30}", "{payer: ccg, share: 0.40}",
         "contract.outcomes.0.payers", "      payers:"),
    Case("contract unknown kind", W, "      kind: sliding_scale", "      kind: sliding_scales",
         "contract.outcomes.0.kind", "kind: sliding_scales", run=True),
    Case("contract missing kind", W, "      kind: savings_share\n", "", "contract.outcomes.1.kind",
         "- id: secondary_care"),
    Case("contract duplicate outcome id", W, "    - id: secondary_care", "    - id: wellbeing",
         "contract.outcomes", "  outcomes:"),
    Case("contract claim frequency", W, "        frequency: quarterly", "        frequency: weekly",
         "contract.outcomes.0.claim.frequency", "frequency: weekly"),
    Case("contract negative payment lag", W, "        payment_lag_months: {value: 2, assumption: true}",
         "        payment_lag_months: {value: -2, assumption: true}",
         "contract.outcomes.0.claim.payment_lag_months", "payment_lag_months: {value: -2"),
    # --- each rule kind --------------------------------------------------------------------------
    Case("sliding_scale points decreasing", W, "value: [[0.5, 0.0], [1.4, 1.0]]", "value: [[1.4, 0.0], [0.5, 1.0]]",
         "contract.outcomes.0.points", "      points:"),
    Case("sliding_scale one point", W, "value: [[0.5, 0.0], [1.4, 1.0]]", "value: [[0.5, 0.0]]",
         "contract.outcomes.0.points", "      points:"),
    Case("sliding_scale fraction above 1", W, "value: [[0.5, 0.0], [1.4, 1.0]]", "value: [[0.5, 0.0], [1.4, 1.5]]",
         "contract.outcomes.0.points.1.1", "value: [[0.5, 0.0], [1.4, 1.5]]"),
    Case("sliding_scale count unknown", W, "      count: star_followups", "      count: stars",
         "contract.outcomes.0.count", "count: stars"),
    Case("savings_share share above 1", W, "        value: 0.54\n", "        value: 1.54\n",
         "contract.outcomes.1.share", "value: 1.54"),
    Case("per_participant unknown measure", RATE, "outcome: {measure: engaged}", "outcome: {measure: happiness}",
         "contract.outcomes.0.outcome.measure", "measure: happiness", run=True),
    Case("per_participant in_support without months", RATE, "outcome: {measure: in_support, at_least: 6}",
         "outcome: {measure: in_support}", "contract.outcomes.1.outcome.at_least", "measure: in_support"),
    Case("per_participant assessment zero", RATE, "{measure: star_change, at_least: 3, assessment: 1}",
         "{measure: star_change, at_least: 3, assessment: 0}", "contract.outcomes.2.outcome.assessment",
         "assessment: 0"),
    Case("per_participant max zero", RATE, "      price: {value: 250, assumption: true}\n",
         "      price: {value: 250, assumption: true}\n      max_per_participant: 0\n",
         "contract.outcomes.0.max_per_participant", "max_per_participant: 0"),
    Case("cohort_threshold tiers decreasing", THRESH, "at_least: {value: 0.20, assumption: true}",
         "at_least: {value: 0.05, assumption: true}", "contract.outcomes.0.tiers", "      tiers:"),
    Case("cohort_threshold dated tier price falling below the lower tier", THRESH,
         "          price: {value: 1.0, assumption: true, note: \"paid per GBP of hospital cost avoided\"}",
         "          price: [{from_month: 0, amount: 1.0}, {from_month: 30, amount: 1.5}]",
         "contract.outcomes.0.tiers.1.price", "price: {value: 1.1, assumption: true}", says="in month 30"),
    Case("cohort_threshold window reversed", THRESH, "{id: cohort_2, start_from: 24, start_to: 48}",
         "{id: cohort_2, start_from: 24, start_to: 12}", "contract.outcomes.0.cohorts.1.start_to", "start_to: 12"),
    Case("cohort_threshold unknown measure", THRESH, "      measure: cost", "      measure: costs",
         "contract.outcomes.0.measure", "measure: costs"),
    Case("cohort_threshold pooled above 1", THRESH, "at_least: {value: 0.075,", "at_least: {value: 7.5,",
         "contract.outcomes.0.pooled.at_least", "at_least: {value: 7.5,"),
    Case("fixed_fee negative per_engaged", RISK, "per_engaged: {value: 45,", "per_engaged: {value: -45,",
         "contract.outcomes.0.per_engaged", "per_engaged: {value: -45,"),
    # --- finance ---------------------------------------------------------------------------------
    Case("finance negative cost", W, "      value: 35000\n", "      value: -35000\n",
         "finance.costs.link_worker_per_fte_per_year", "value: -35000", run=True),
    Case("finance drawdown unknown", W, "drawdown: {value: as_needed,", "drawdown: {value: as_required,",
         "finance.investor.drawdown", "drawdown: {value: as_required,"),
    Case("finance return cap both", W, "      multiple: {value: 2.0,", "      irr: 0.1\n      multiple: {value: 2.0,",
         "finance.investor.return_cap.multiple", "multiple: {value: 2.0,"),
    Case("finance surplus split sum", W, "      value: 1.0\n      assumption: true\n      note: \"surplus",
         "      value: 0.9\n      assumption: true\n      note: \"surplus", "finance.surplus_split.commissioner",
         "commissioner: {value: 0.0"),
    Case("finance commissioner not a payer", W, "    payer: ccg\n", "    payer: nhse\n",
         "finance.commissioner.payer", "payer: nhse"),
    Case("finance shortfall unknown", W, "shortfall: {value: scale_back,", "shortfall: {value: walk_away,",
         "finance.shortfall", "shortfall:"),
    Case("finance at_risk share with fee for service", W, "  surplus_split:\n",
         "    at_risk_share: 0.2\n  surplus_split:\n", "finance.provider.at_risk_share",
         "at_risk_share: 0.2"),
    Case("finance drawdown_schedule without schedule", W, "    cash_buffer: {value: 50000, assumption: true}\n",
         "    cash_buffer: {value: 50000, assumption: true}\n    drawdown_schedule: [{month: 200, amount: 1000}]\n",
         "finance.investor.drawdown", "drawdown: {value: as_needed"),
    Case("finance drawdown after horizon", W, DRAWDOWN_LINE,
         "    drawdown: schedule\n    drawdown_schedule: [{month: 0, amount: 500000}, {month: 200, amount: 1000}]\n",
         "finance.investor.drawdown_schedule.1.month", "month: 200"),
    Case("finance misspelt commitment", W, "    commitment:\n      value: 1650000\n",
         "    commitment_:\n      value: 1650000\n", "finance.investor.commitment_", "commitment_:"),
    # --- uncertainty -----------------------------------------------------------------------------
    Case("uncertainty beta sd too big", W, "outpatient.effect_during_support: {dist: beta, mean: 0.36, sd: 0.08",
         "outpatient.effect_during_support: {dist: beta, mean: 0.36, sd: 0.6",
         "uncertainty.hospital.lines.outpatient.effect_during_support.sd", "sd: 0.6"),
    Case("uncertainty on a contract term", W, "  wellbeing.gain_decay: {dist: beta,",
         "  contract.cap: {dist: normal, mean: 8000000, sd: 100}\n  wellbeing.gain_decay: {dist: beta,",
         "uncertainty.contract.cap", "contract.cap: {dist"),
    Case("uncertainty path does not exist", W, "  hospital.effect_half_life_months: {dist: gamma,",
         "  hospital.effect_half_life_month: {dist: gamma,", "uncertainty.hospital.effect_half_life_month",
         "hospital.effect_half_life_month:"),
    Case("uncertainty gamma negative sd", W, "{dist: gamma, mean: 18, sd: 6,", "{dist: gamma, mean: 18, sd: -6,",
         "uncertainty.hospital.effect_half_life_months.sd", "sd: -6"),
    Case("inline dist triangular mode outside", W, "  max_wait_months: {value: 3, assumption: true}",
         "  max_wait_months: {dist: triangular, min: 1, mode: 5, max: 4}", "service.max_wait_months.mode",
         "max_wait_months:", run=True),
    Case("inline dist unknown key", W, "  max_wait_months: {value: 3, assumption: true}",
         "  max_wait_months: {dist: normal, mean: 3, sd: 1, sigma: 2}", "service.max_wait_months.sigma",
         "max_wait_months:"),
    Case("inline dist on a finance term", W, "cash_buffer: {value: 50000, assumption: true}",
         "cash_buffer: {dist: uniform, min: 0, max: 100000}", "uncertainty.finance.investor.cash_buffer",
         "cash_buffer: {dist"),
    # --- extends ---------------------------------------------------------------------------------
    Case("extends missing parent", RATE, "extends: ways_to_wellness.yaml", "extends: ways_to_welness.yaml",
         "extends", "extends: ways_to_welness.yaml", run=True),
    Case("extends not a name", RATE, "extends: ways_to_wellness.yaml", "extends: [ways_to_wellness.yaml]",
         "extends", "extends:"),
    Case("extends a cycle", None, "", "extends: other.yaml\nname: bad\n", "extends", "extends: bad.yaml",
         named="other.yaml", files={"other.yaml": "extends: bad.yaml\nname: other\n"}),
    Case("extends a directory", None, "", "extends: sub\nname: bad\n", "extends", "extends: sub",
         files={"sub/x.yaml": "name: x\n"}),
    Case("extends child value bad", RATE, "    value: 6500000", "    value: -6500000", "contract.cap",
         "value: -6500000"),
    Case("extends error in the parent", None, "", "extends: parent.yaml\nname: child\n",
         "cohort.p_engage", "value: 1.78", named="parent.yaml",
         files={"parent.yaml": (SCENARIOS / W).read_text().replace("    value: 0.78\n", "    value: 1.78\n")}),
    Case("extends parent YAML syntax", None, "", "extends: parent.yaml\nname: child\n", None, "  seed: 1: 2",
         named="parent.yaml", files={"parent.yaml": "name: p\nrun:\n  seed: 1: 2\n"}),
    # --- YAML syntax and structure ----------------------------------------------------------------
    Case("yaml bad indentation", W, "  seed: 20150401", " seed: 20150401", None, "seed: 20150401"),
    Case("yaml tab indentation", W, "  seed: 20150401", "\tseed: 20150401", None, "seed: 20150401"),
    Case("yaml unclosed flow mapping", W, "max_wait_months: {value: 3, assumption: true}",
         "max_wait_months: {value: 3, assumption: true", None, "support_months_min:"),
    Case("yaml list item in a mapping", W, "  seed: 20150401", "  seed: 20150401\n  - 3", None, "  - 3"),
    Case("yaml duplicate key", W, "  seed: 20150401", "  seed: 20150401\n  seed: 7", "run.seed", "seed: 7",
         run=True),
    Case("yaml key is a bool", W, "  seed: 20150401", "  seed: 20150401\n  yes: 3", "run", "yes: 3"),
    Case("yaml undefined alias", W, "    value: 0.78\n", "    value: *p_engage\n", None, "value: *p_engage"),
    Case("yaml python tag", W, "  seed: 20150401", "  seed: !!python/object/apply:os.getpid []", "run.seed",
         "seed: !!python"),
    Case("yaml control character", W, "currency: GBP", "currency: G\x07BP", None, "currency: G"),
    Case("yaml section is a list", W, "  regression_to_mean:\n    excess_at_referral: {value: 0.15, assumption: true}\n"
         "    half_life_months: {value: 6, assumption: true}\n    comparison_shares_it: true\n",
         "  regression_to_mean: [0.15, 6]\n", "hospital.regression_to_mean", "regression_to_mean:"),
    Case("yaml merge of a scalar", W, "  seed: 20150401", "  <<: 3\n  seed: 20150401", "run", "<<: 3"),
    # --- annotated values -----------------------------------------------------------------------------
    Case("annotation unknown key", W, "ramp_start_fraction: {value: 0.3, assumption: true}",
         "ramp_start_fraction: {value: 0.3, asumption: true}", "cohort.referrals.ramp_start_fraction", "asumption"),
    Case("annotation assumption not a bool", W, "ramp_start_fraction: {value: 0.3, assumption: true}",
         "ramp_start_fraction: {value: 0.3, assumption: perhaps}", "cohort.referrals.ramp_start_fraction",
         "assumption: perhaps"),
    Case("annotation reference not text", W, "cash_buffer: {value: 50000, assumption: true}",
         "cash_buffer: {value: 50000, reference: [a, b]}", "finance.investor.cash_buffer", "reference: [a, b]"),
    Case("annotation without value", W, "max_wait_months: {value: 3, assumption: true}",
         "max_wait_months: {assumption: true, note: forgot the value}", "service.max_wait_months",
         "max_wait_months:"),
    Case("annotated value of wrong type", W, "reserve_months: {value: 6,", "reserve_months: {value: six,",
         "finance.investor.reserve_months", "reserve_months:"),
]

assert len({c.id for c in CASES}) == len(CASES)
assert len(CASES) >= 45

# Bad input the loader reports wrongly today (see the reason of each): the message names the wrong
# field, or the wrong line, or gives a misleading hint. Each must pass once the bug is fixed.
UNION_REASON = ("BUG: for a value that may be a number or a list of dated amounts (Price), an error inside "
                "the list is reported as 'Input should be a valid number; and 1 more error' at the key, "
                "not at the list item's field (overrides.explain_validation_error picks the first union member)")
DIST_TAG_REASON = ("BUG: an unknown `dist:` is reported as field '...kind' with \"unknown kind\" and no hint "
                   "(overrides._explain_one assumes every discriminator is `kind`)")
INLINE_REASON = ("BUG: errors inside an inline {dist: ...} are explained against the Scenario schema "
                 "(scenario_file._lift_distributions passes root=Scenario), so a missing key loses its name "
                 "and an unknown key's hint lists the scenario's sections")
BUG_CASES = [
    (Case("sliding_scale dated price negative", W, "        value: 270\n",
          "        value: [{from_month: 0, amount: 270}, {from_month: 36, amount: -1}]\n",
          "contract.outcomes.0.price.1.amount", "value: [{from_month: 0", not_says="valid number"), UNION_REASON),
    (Case("fixed_fee dated amount as text", RISK, "{from_month: 6, amount: 38938}", "{from_month: 6, amount: lots}",
          "contract.outcomes.0.per_period.1.amount", "amount: lots"), UNION_REASON),
    (Case("uncertainty unknown dist", W, "hospital.lines.ae.effect_during_support: {dist: beta,",
          "hospital.lines.ae.effect_during_support: {dist: betta,",
          "uncertainty.hospital.lines.ae.effect_during_support.dist", "dist: betta", says="did you mean 'beta'?"),
     DIST_TAG_REASON),
    (Case("inline dist unknown kind", W, "  max_wait_months: {value: 3, assumption: true}",
          "  max_wait_months: {dist: gaussian, mean: 3, sd: 1}", "service.max_wait_months.dist", "max_wait_months:",
          says="normal"), DIST_TAG_REASON),
    (Case("inline dist missing sd", W, "  max_wait_months: {value: 3, assumption: true}",
          "  max_wait_months: {dist: gamma, mean: 3}", "service.max_wait_months.sd", "max_wait_months:",
          says="missing required key 'sd'"), INLINE_REASON),
    (Case("inline dist unknown key hint", W, "  max_wait_months: {value: 3, assumption: true}",
          "  max_wait_months: {dist: normal, mean: 3, sd: 1, sigma: 2}", "service.max_wait_months.sigma",
          "max_wait_months:", not_says="cohort"), INLINE_REASON),
]


def _write_case(case: Case, folder: Path) -> Path:
    shutil.copy(SCENARIOS / W, folder / W)  # variants extend it by a relative name
    if case.base is None:
        text = case.new
    else:
        text = (SCENARIOS / case.base).read_text(encoding="utf-8")
        assert case.old in text, f"{case.id}: {case.old!r} is not in {case.base}"
        text = text.replace(case.old, case.new, 1)
    for name, content in case.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    bad = folder / BAD
    bad.write_text(text, encoding="utf-8")
    return bad


def _expected_line(path: Path, fragment: str) -> int:
    """The first line containing `fragment` (ending with it, if the fragment ends with $)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line if not fragment.endswith("$") else line.endswith(fragment[:-1]):
            return number
    raise AssertionError(f"{fragment!r} is on no line of {path}")


def _check_user_error(result, case: Case, folder: Path) -> None:
    text = result.output + (result.stderr or "")
    assert result.exit_code == 2, (case.id, result.exit_code, text, result.exception)
    assert "Traceback" not in text, text
    message = result.stderr
    assert len(re.findall(r"^error:", message, re.M)) == 1, message
    assert len(message.strip().splitlines()) == 1, message  # one message, on one line
    assert not message.lower().count("internal error"), message
    line = _expected_line(folder / case.named, case.line)
    where = re.search(rf"{re.escape(case.named)}:(\d+):(\d+): ", message)
    assert where, f"{case.id}: no {case.named}:LINE:COL in {message!r}"
    assert int(where.group(1)) == line, f"{case.id}: expected line {line}, message: {message!r}"
    if case.field is not None:
        assert f": {case.field}: " in message, f"{case.id}: field {case.field!r} not named in {message!r}"
    if case.says is not None:
        assert case.says in message, f"{case.id}: {case.says!r} not in {message!r}"
    if case.not_says is not None:
        assert case.not_says not in message, f"{case.id}: {case.not_says!r} in {message!r}"


# Cases that once were reported wrongly (pinned as xfails until fixed) now belong to the corpus.
CASES = CASES + [c for c, _ in BUG_CASES]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_scenario_validate(tmp_path: Path, case: Case) -> None:
    bad = _write_case(case, tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(app, ["validate", str(bad)])
    _check_user_error(result, case, tmp_path)
    assert sorted(tmp_path.rglob("*")) == before  # nothing written


def test_non_utf8_file_is_a_user_error(tmp_path: Path) -> None:
    text = (SCENARIOS / W).read_bytes().replace(b"currency: GBP", b"currency: \xa3GBP", 1)
    (tmp_path / BAD).write_bytes(text)
    result = CliRunner().invoke(app, ["validate", str(tmp_path / BAD)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "not UTF-8" in result.stderr and BAD in result.stderr


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    text = (SCENARIOS / W).read_bytes().replace(b"currency: GBP", b"currency: \xa3GBP", 1)
    (tmp_path / BAD).write_bytes(text)
    result = CliRunner().invoke(app, ["validate", str(tmp_path / BAD)])
    assert f"{BAD}:16:11:" in result.stderr, result.stderr


RUN_CASES = [c for c in CASES if c.run]


@pytest.mark.parametrize("case", RUN_CASES, ids=[c.id for c in RUN_CASES])
def test_bad_scenario_run(tmp_path: Path, case: Case) -> None:
    bad = _write_case(case, tmp_path)
    out = tmp_path / "results" / "out"
    result = CliRunner().invoke(app, ["run", str(bad), "--replications", "2", "--workers", "1", "--out", str(out)])
    _check_user_error(result, case, tmp_path)
    assert not out.exists()
    assert not (tmp_path / "results").exists() or not any((tmp_path / "results").iterdir())


def test_corpus_covers_every_section() -> None:
    fields = " ".join(c.field or "" for c in CASES)
    for section in ("run.", "cohort.", "service.", "wellbeing.", "hospital.", "contract.", "finance.",
                    "uncertainty.", "extends"):
        assert section in fields, section
    ids = " ".join(c.id for c in CASES)
    for kind in ("sliding_scale", "savings_share", "per_participant", "cohort_threshold", "fixed_fee",
                 "inline dist", "yaml", "annotation"):
        assert kind in ids, kind


# --- bad command lines ----------------------------------------------------------------------------

def _observed_csv(folder: Path, rows: str) -> Path:
    path = folder / "observed.csv"
    path.write_text("outcome,period,date,count,value\n" + rows, encoding="utf-8")
    return path


WTW = str(SCENARIOS / W)

# (id, arguments (TMP is replaced by the test's folder), text the message must contain)
COMMAND_LINES = [
    ("set without =", ["validate", WTW, "--set", "contract.cap"], "--set contract.cap"),
    ("set unknown key", ["validate", WTW, "--set", "contract.kap=1"], "kap"),
    ("set wrong type", ["run", WTW, "--set", "cohort.p_engage=lots", "--out", "TMP/o"], "cohort.p_engage"),
    ("set unreadable value", ["validate", WTW, "--set", "contract.cap=[1,"], "contract.cap"),
    ("set index out of range", ["validate", WTW, "--set", "contract.outcomes.7.price=1"], "no item 7"),
    ("set unknown list id", ["validate", WTW, "--set", "contract.outcomes.wellbeng.price=1"], "wellbeing"),
    ("set empty path", ["validate", WTW, "--set", "=3"], "missing path"),
    ("replications zero", ["run", WTW, "--replications", "0", "--out", "TMP/o"], "replications"),
    ("replications not a number", ["run", WTW, "--replications", "many", "--out", "TMP/o"], "replications"),
    ("workers zero", ["run", WTW, "--workers", "0", "--out", "TMP/o"], "workers"),
    ("seed negative", ["run", WTW, "--seed", "-1", "--out", "TMP/o"], "seed"),
    ("unknown option", ["run", WTW, "--frobnicate", "--out", "TMP/o"], "frobnicate"),
    ("unknown command", ["simulate", WTW], "simulate"),
    ("missing file", ["run", "TMP/nope.yaml", "--out", "TMP/o"], "nope.yaml"),
    ("directory as scenario", ["run", "TMP", "--out", "TMP/o"], "directory"),
    ("compare with one file", ["compare", WTW, "--out", "TMP/o"], "at least two"),
    ("compare with a bad file", ["compare", WTW, "TMP/nope.yaml", "--out", "TMP/o"], "nope.yaml"),
    ("price with a bad csv", ["price", WTW, "--outcomes", "TMP/observed.csv", "--out", "TMP/o"], "observed.csv:3"),
    ("price with a missing csv", ["price", WTW, "--outcomes", "TMP/missing.csv", "--out", "TMP/o"], "missing.csv"),
    ("price without outcomes", ["price", WTW, "--out", "TMP/o"], "outcomes"),
    ("report on a missing folder", ["report", "TMP/o"], "not a results folder"),
    ("report on a file", ["report", "TMP/observed.csv"], "observed.csv"),
    ("report on an empty folder", ["report", "TMP/empty"], "summary.json"),
]


@pytest.mark.parametrize("case_id,args,expect", COMMAND_LINES, ids=[c[0] for c in COMMAND_LINES])
def test_bad_command_line(tmp_path: Path, case_id: str, args: list[str], expect: str) -> None:
    _observed_csv(tmp_path, "wellbeing,0,,40,0.95\nwellbeing,1,,ten,1.2\n")
    (tmp_path / "empty").mkdir()
    argv = [a.replace("TMP", str(tmp_path)) for a in args]
    result = CliRunner().invoke(app, argv)
    text = result.output + (result.stderr or "")
    assert result.exit_code == 2, (case_id, result.exit_code, text, result.exception)
    assert "Traceback" not in text, text
    assert expect in text, (expect, text)
    assert not (tmp_path / "o").exists()
    assert not list(tmp_path.glob(".o.incomplete-*"))


def test_scenario_path_too_long(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(tmp_path / ("a" * 5000 + ".yaml"))])
    assert result.exit_code == 2, result.output[-300:]
    assert "Traceback" not in result.output
