"""Observed outcomes CSV: what each row puts into the ledger, and every bad row named by line and column."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import numpy as np
import pytest

from sib_sim.contract import apply_contract
from sib_sim.errors import UserError
from sib_sim.io.observed import ledger_horizon, pricing_contract, read_observed
from sib_sim.measure.definitions import cohort_measures
from sib_sim.measure.ledger import SERIES, STAR_CHANGE_BINS
from sib_sim.scenario.terms import Terms

PAYERS = [{"payer": "ccg", "share": 1.0}]
TERMS = Terms.model_validate({
    "name": "observed",
    "run": {"horizon_months": 24, "start_date": dt.date(2020, 4, 1)},
    "contract": {
        "payers": [{"id": "ccg"}],
        "outcomes": [
            {"id": "wellbeing", "kind": "sliding_scale", "price": 10, "points": [[0.5, 0.0], [1.4, 1.0]],
             "payers": PAYERS},
            {"id": "hospital", "kind": "savings_share", "share": 0.5, "payers": PAYERS,
             "claim": {"frequency": "annual", "payment_lag_months": 2}},
            {"id": "fees", "kind": "fixed_fee", "per_engaged": 20, "payers": PAYERS},
            {"id": "gain", "kind": "per_participant", "outcome": {"measure": "star_change", "at_least": 3},
             "price": 100, "max_per_participant": 3, "payers": PAYERS},
            {"id": "reoffending", "kind": "cohort_threshold", "follow_up_months": 12, "payers": PAYERS,
             "cohorts": [{"id": "early", "start_from": 0, "start_to": 6},
                         {"id": "late", "start_from": 6, "start_to": 12}],
             "tiers": [{"at_least": 0.1, "price": 1.0}], "pooled": {"at_least": 0.05},
             "claim": {"evidence_delay_months": 6, "payment_lag_months": 3}},
        ],
    },
})


def _csv(tmp_path: Path, text: str, name: str = "observed.csv") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> UserError:
    path = _csv(tmp_path, text)
    with pytest.raises(UserError) as caught:
        read_observed(path, TERMS)
    return caught.value


# --- what the rows become ----------------------------------------------------------------------

def test_each_rule_kind_fills_the_series_it_reads(tmp_path):
    path = _csv(tmp_path, """\
        outcome,period,date,count,value,cohort,comparison
        wellbeing,0,,10,0.5,,
        wellbeing,0,,30,1.5,,
        wellbeing,,2020-06-30,5,-1,,
        hospital,3,,200,1500.5,,
        hospital,3,,100,-500,,
        fees,1,,7,,,
        gain,2,,4,,,
        reoffending,,,100,80,early,100
        reoffending,,,50,45,late,50
        """)
    ledger = read_observed(path, TERMS)
    assert ledger.n_replications == 1
    s = ledger.series
    assert set(s) == set(SERIES)
    assert s["star_followups"][0, 0] == 40 and s["star_change_sum"][0, 0] == pytest.approx(10 * 0.5 + 30 * 1.5)
    assert s["star_followups"][0, 2] == 5 and s["star_change_sum"][0, 2] == -5  # June 2020 is month 2
    assert s["hospital_patient_months"][0, 3] == 300
    assert s["hospital_comparison_cost"][0, 3] == pytest.approx(1000.5)
    assert s["hospital_treated_cost"].sum() == 0
    assert s["engaged"][0, 1] == 7
    gain = ledger.milestones["star_change>=3@any"]
    assert gain.shape == (1, 1, ledger.horizon_months)  # observed counts are the occurrences paid: one row
    assert gain[0, 0, 2] == 4 and gain.sum() == 4
    early, late, pooled = (ledger.cohorts[m.key][0].tolist() for m in cohort_measures(TERMS.contract.outcomes[4]))
    assert early == [100, 80, 100] and late == [50, 45, 50] and pooled == [150, 125, 150]
    assert ledger.scalars == {}
    assert ledger.star_change_histogram.shape == (1, len(STAR_CHANGE_BINS))


def test_the_ledger_runs_until_the_last_claim_is_paid(tmp_path):
    path = _csv(tmp_path, "outcome,period,count\n")
    # cohorts: the late cohort is claimed at 12 + 12 + 6 = 30 and paid at 33; the savings line's last year
    # (months 12-23) is claimed at 24 and paid at 26: the ledger needs months 0-33.
    ledger = read_observed(path, TERMS)
    assert ledger.horizon_months == 34
    assert all(v.shape == (1, 34) for v in ledger.series.values())
    assert ledger_horizon(pricing_contract(TERMS), 24) == 34
    payments = apply_contract(pricing_contract(TERMS), ledger)
    assert payments.after_horizon[0] == 0 and payments.total[0] == 0


def test_pricing_contract_ends_outcome_periods_with_the_run():
    contract = pricing_contract(TERMS.model_copy(update={"run": TERMS.run.model_copy(update={"horizon_months": 12})}))
    assert [line.claim.last_outcome_month for line in contract.outcomes] == [12.0] * 5
    assert contract.outcomes[0].price == TERMS.contract.outcomes[0].price


def test_rows_of_the_same_month_add_up_and_blank_lines_byte_order_mark_and_spaces_are_fine(tmp_path):
    path = tmp_path / "observed.csv"
    path.write_text("\ufeffoutcome , count, period\n\nfees, 3 ,5\nfees,4,5\n,,\n", encoding="utf-8")
    ledger = read_observed(path, TERMS)
    assert ledger.series["engaged"][0, 5] == 7


def test_whole_number_periods_may_be_written_as_floats(tmp_path):
    ledger = read_observed(_csv(tmp_path, "outcome,period,count\nfees,5.0,2\n"), TERMS)
    assert ledger.series["engaged"][0, 5] == 2


# --- bad files and rows ------------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(UserError) as caught:
        read_observed(tmp_path / "nope.csv", TERMS)
    assert "not found" in str(caught.value) and "nope.csv" in str(caught.value)


def test_empty_file(tmp_path):
    error = _error(tmp_path, "")
    assert error.where.endswith("observed.csv:1") and "header" in str(error)


BAD = [
    # (case, file text, line, column, words in the message)
    ("unknown column", "outcome,period,cuont\nfees,1,2\n", 1, "cuont", ["unknown column", "did you mean 'count'"]),
    ("missing column", "outcome,period\nfees,1\n", 1, "count", ["missing column"]),
    ("duplicate column", "outcome,period,count,count\nfees,1,2,2\n", 1, "count", ["twice"]),
    ("unknown outcome line", "outcome,period,count\nfees,1,2\nwelbeing,1,2\n", 3, "outcome",
     ["unknown outcome line 'welbeing'", "did you mean 'wellbeing'"]),
    ("missing outcome", "outcome,period,count\n,1,2\n", 2, "outcome", ["missing outcome"]),
    ("both period and date", "outcome,period,date,count\nfees,1,2020-05-01,2\n", 2, "period", ["not both"]),
    ("neither period nor date", "outcome,period,date,count\nfees,,,2\n", 2, "period", ["period", "date"]),
    ("no period or date column", "outcome,count\nfees,2\n", 2, "period", ["missing period"]),
    ("non-integer period", "outcome,period,count\nfees,1.5,2\n", 2, "period", ["whole number"]),
    ("text period", "outcome,period,count\nfees,May,2\n", 2, "period", ["whole number"]),
    ("negative period", "outcome,period,count\nfees,-1,2\n", 2, "period", ["negative"]),
    ("period after the run", "outcome,period,count\nfees,24,2\n", 2, "period", ["after the end of the run"]),
    ("bad date", "outcome,date,count\nfees,2020-13-01,2\n", 2, "date", ["YYYY-MM-DD"]),
    ("date written day first", "outcome,date,count\nfees,01/05/2020,2\n", 2, "date", ["YYYY-MM-DD"]),
    ("date before the start", "outcome,date,count\nfees,2020-03-31,2\n", 2, "date", ["before the contract start"]),
    ("date after the run", "outcome,date,count\nfees,2022-04-01,2\n", 2, "date", ["after the end of the run"]),
    ("non-numeric count", "outcome,period,count\nfees,1,2\nfees,2,ten\n", 3, "count", ["not a number"]),
    ("negative count", "outcome,period,count\nfees,1,-2\n", 2, "count", ["negative"]),
    ("count not finite", "outcome,period,count\nfees,1,nan\n", 2, "count", ["finite"]),
    ("missing count", "outcome,period,count\nfees,1,\n", 2, "count", ["missing count"]),
    ("missing value (sliding scale)", "outcome,period,count,value\nwellbeing,1,10,\n", 2, "value",
     ["missing value", "mean Star change"]),
    ("missing value (savings share)", "outcome,period,count\nhospital,1,10\n", 2, "value", ["missing value"]),
    ("non-numeric value", "outcome,period,count,value\nwellbeing,1,10,+1.2pts\n", 2, "value", ["not a number"]),
    ("value on a line that reads none", "outcome,period,count,value\nfees,1,10,5\n", 2, "value", ["no value"]),
    ("unknown cohort", "outcome,count,value,cohort,comparison\nreoffending,10,8,erly,10\n", 2, "cohort",
     ["unknown cohort 'erly'", "did you mean 'early'"]),
    ("cohort line row without cohort", "outcome,count,value,comparison\nreoffending,10,8,10\n", 2, "cohort",
     ["missing cohort", "early, late"]),
    ("cohort row without comparison", "outcome,count,value,cohort\nreoffending,10,8,early\n", 2, "comparison",
     ["missing comparison"]),
    ("negative cohort total", "outcome,count,value,cohort,comparison\nreoffending,10,-8,early,10\n", 2, "value",
     ["negative"]),
    ("cohort given twice", "outcome,count,value,cohort,comparison\nreoffending,10,8,early,10\n"
     "reoffending,10,8,late,10\nreoffending,1,1,early,1\n", 4, "cohort", ["already given on line 2"]),
    ("cohort on another kind of line", "outcome,period,count,cohort\nfees,1,2,early\n", 2, "cohort",
     ["only to cohort_threshold"]),
    ("too many cells", "outcome,period,count\nfees,1,2,3\n", 2, None, ["cells"]),
]


@pytest.mark.parametrize("case,text,line,column,words", BAD, ids=[b[0] for b in BAD])
def test_bad_rows_name_file_line_and_column(tmp_path, case, text, line, column, words):
    error = _error(tmp_path, text)
    message = str(error)
    assert error.where == f"{tmp_path / 'observed.csv'}:{line}", message
    assert message.startswith(f"{tmp_path / 'observed.csv'}:{line}: "), message
    if column is not None:
        assert error.field == column, message
        assert f":{line}: {column}: " in message, message
    for word in words:
        assert word in message, message


def test_two_lines_reading_the_same_series_are_refused(tmp_path):
    terms = TERMS.model_copy(update={"contract": TERMS.contract.model_copy(update={"outcomes": [
        TERMS.contract.outcomes[2],
        TERMS.contract.outcomes[0].model_copy(update={"id": "stars_engaged", "count": "engaged"})]})})
    path = _csv(tmp_path, "outcome,period,count,value\nfees,1,5,\nstars_engaged,1,5,1.0\n")
    with pytest.raises(UserError) as caught:
        read_observed(path, terms)
    assert caught.value.where.endswith("observed.csv:3") and caught.value.field == "outcome"
    assert "'fees'" in str(caught.value) and "engaged" in str(caught.value)
    # Given once, under either line, both lines read it.
    ledger = read_observed(_csv(tmp_path, "outcome,period,count,value\nstars_engaged,1,5,1.0\n"), terms)
    assert ledger.series["engaged"][0, 1] == 5 and ledger.series["star_followups"][0, 1] == 5


def test_not_utf8(tmp_path):
    path = tmp_path / "observed.csv"
    path.write_bytes(b"outcome,period,count\nfees,1,\xff\n")
    with pytest.raises(UserError) as caught:
        read_observed(path, TERMS)
    assert "UTF-8" in str(caught.value)


def test_every_error_is_a_user_error_not_a_crash(tmp_path):
    """Random damage to a good file never escapes as anything but UserError."""
    good = "outcome,period,date,count,value,cohort,comparison\nwellbeing,0,,10,0.5,,\nhospital,3,,200,15,,\n"
    rng = np.random.default_rng(3)
    for _ in range(200):
        chars = list(good)
        for i in rng.integers(0, len(chars), 3):
            chars[i] = rng.choice(list(",\"x-.9 \n"))
        path = _csv(tmp_path, "".join(chars))
        try:
            read_observed(path, TERMS)
        except UserError:
            pass


# --- the participant column (contract.participant_cap) ------------------------------------------

CAPPED = Terms.model_validate({
    "name": "capped", "run": {"horizon_months": 12, "start_date": dt.date(2020, 4, 1)},
    "contract": {"payers": [{"id": "ccg"}], "participant_cap": {"amount": 150, "lines": ["entry", "gain"]},
                 "outcomes": [
                     {"id": "entry", "kind": "per_participant", "outcome": {"measure": "engaged"}, "price": 100,
                      "payers": PAYERS},
                     {"id": "gain", "kind": "per_participant", "price": 100, "max_per_participant": 2,
                      "outcome": {"measure": "star_change", "at_least": 3}, "payers": PAYERS},
                     {"id": "fees", "kind": "fixed_fee", "per_engaged": 0, "per_period": 5, "payers": PAYERS}]},
})
PARTICIPANT_BAD = [
    ("no participant column", "outcome,period,count\nentry,1,1\n", 1, "participant", ["add a `participant` column"]),
    ("missing participant", "outcome,period,count,participant\nentry,1,1,a\ngain,2,1,\n", 3, "participant",
     ["missing participant", "'gain'"]),
    ("participant on an uncapped line", "outcome,period,count,participant\nfees,1,1,a\n", 2, "participant",
     ["only to lines under the per-participant cap"]),
    ("fractional count", "outcome,period,count,participant\nentry,1,1.5,a\n", 2, "count", ["whole number"]),
    ("more than max_per_participant", "outcome,period,count,participant\ngain,1,2,a\ngain,3,1,a\n", 3, "count",
     ["more than 2 time(s)"]),
]


@pytest.mark.parametrize("case,text,line,column,words", PARTICIPANT_BAD, ids=[b[0] for b in PARTICIPANT_BAD])
def test_bad_participant_rows_name_file_line_and_column(tmp_path, case, text, line, column, words):
    path = _csv(tmp_path, text)
    with pytest.raises(UserError) as caught:
        read_observed(path, CAPPED)
    error = caught.value
    assert error.where == f"{path}:{line}" and error.field == column, str(error)
    for word in words:
        assert word in str(error), str(error)


def test_participant_rows_are_capped_over_the_lines(tmp_path):
    """a: entry 100 + gain 100 -> 150 in all; b: gain twice (200) -> 150; c: entry 100."""
    path = _csv(tmp_path, "outcome,period,count,participant\nentry,0,1,a\ngain,4,1,a\ngain,1,2,b\nentry,2,1,c\n")
    payments = apply_contract(pricing_contract(CAPPED), read_observed(path, CAPPED))
    assert payments.by_line()["entry"][0] == pytest.approx(200)
    assert payments.by_line()["gain"][0] == pytest.approx(50 + 150)
    assert payments.total[0] == pytest.approx(400 + 5 * 4)  # and the quarterly fee, uncapped


# --- the area column (contract.areas) -------------------------------------------------------------

AREAS = Terms.model_validate({
    "name": "areas", "run": {"horizon_months": 12, "start_date": dt.date(2020, 4, 1)},
    "contract": {"payers": [{"id": "ccg"}, {"id": "north"}, {"id": "south"}],
                 "areas": [{"area": "north", "payers": [{"payer": "north", "share": 1.0}]},
                           {"area": "south", "payers": [{"payer": "south", "share": 1.0}]}],
                 "outcomes": [
                     {"id": "entry", "kind": "per_participant", "outcome": {"measure": "engaged"}, "price": 100,
                      "by_area": True},
                     {"id": "fees", "kind": "fixed_fee", "per_engaged": 10, "payers": PAYERS}]},
})
AREA_BAD = [
    ("missing area on a by_area line", "outcome,period,count,area\nentry,1,1,\n", 2, "area", ["missing area"]),
    ("no area column", "outcome,period,count\nentry,1,1\n", 2, "area", ["missing area", "north, south"]),
    ("unknown area", "outcome,period,count,area\nentry,1,1,nort\n", 2, "area", ["unknown area 'nort'",
                                                                              "did you mean 'north'"]),
]


@pytest.mark.parametrize("case,text,line,column,words", AREA_BAD, ids=[b[0] for b in AREA_BAD])
def test_bad_area_rows_name_file_line_and_column(tmp_path, case, text, line, column, words):
    path = _csv(tmp_path, text)
    with pytest.raises(UserError) as caught:
        read_observed(path, AREAS)
    assert caught.value.where == f"{path}:{line}" and caught.value.field == column, str(caught.value)
    for word in words:
        assert word in str(caught.value), str(caught.value)


def test_an_area_on_a_contract_without_areas_is_refused(tmp_path):
    error = _error(tmp_path, "outcome,period,count,area\nfees,1,2,north\n")
    assert error.field == "area" and "only to contracts with contract.areas" in str(error)


def test_rows_by_area_are_priced_per_area(tmp_path):
    """Each area pays for its own rows of the by_area line; the whole-cohort fee reads every row."""
    path = _csv(tmp_path, "outcome,period,count,area\nentry,1,2,north\nentry,2,3,south\nfees,1,4,north\n"
                          "fees,5,1,\n")
    ledger = read_observed(path, AREAS)
    payments = apply_contract(pricing_contract(AREAS), ledger)
    assert payments.by_payer() == {"ccg": pytest.approx(50), "north": pytest.approx(200), "south": pytest.approx(300)}
    assert ledger.by_area["north"]["engaged"].sum() == 4 and ledger.series["engaged"].sum() == 5
