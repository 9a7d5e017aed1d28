"""The actuals folder: a running contract's history to an as-of month, as CSV files.

    manifest.json   {"format": "sib-sim actuals", "version": 1, "scenario", "currency",
                     "start": "YYYY-MM", "as_of": "YYYY-MM", "source": null or where it came from}
    flows.csv       month, referrals, engaged, completed, disengaged, gave_up, in_service, waiting
    stars.csv       month, returns, mean_change
    hospital.csv    month, patient_months, treated_cost, comparison_cost   (where hospital use is evaluated)
    claims.csv      month, line, claimed            (claims made, before caps, by the month made)
    payments.csv    month, line, payer, paid        (outcome payments, by the month paid)
    costs.csv       month, item, amount             (delivery costs: link_workers, management, ...)
    investors.csv   month, investor, drawn, distributed

Months are YYYY-MM, from the contract's start month to the as-of month. flows.csv, stars.csv and
hospital.csv have one row for every month; the other files list what happened (rows for the same
month and key add up; a month without a row had none). Reading checks everything against the
scenario and fails with a UserError naming file:line:column (see read_actuals_folder).
"""

from __future__ import annotations

import json
import datetime as dt
from pathlib import Path

import numpy as np

from ..errors import UserError
from ..finance import COST_ITEMS
from ..live.actuals import FLOW_COLUMNS, FORMAT_VERSION, HOSPITAL_COLUMNS, Actuals
from ..scenario import Scenario
from .yaml_locations import parse_yaml
from .actuals_csv import Row, known, month_index, month_of, month_text, number, read_rows
from .actuals_checks import check_flows, check_payments, check_investors
from .output_folder import staged_folder

FORMAT = "sib-sim actuals"
FILES = ("manifest.json", "flows.csv", "stars.csv", "hospital.csv", "claims.csv", "payments.csv", "costs.csv",
         "investors.csv")


# --- writing -------------------------------------------------------------------------------------

def write_actuals_folder(actuals: Actuals, out_dir: str | Path, force: bool = False) -> Path:
    """Write the folder (atomically, marked as sib_sim's 'actuals' output)."""
    start = actuals.start_date
    months = [month_text(start, m) for m in range(actuals.months)]
    with staged_folder(out_dir, "actuals", force) as staging:
        manifest = {"format": FORMAT, "version": FORMAT_VERSION, "scenario": actuals.scenario,
                    "currency": actuals.currency, "start": months[0], "as_of": months[-1],
                    "source": actuals.source}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _write(staging / "flows.csv", ("month",) + FLOW_COLUMNS,
               [[months[m]] + [_num(actuals.flows[c][m]) for c in FLOW_COLUMNS] for m in range(actuals.months)])
        _write(staging / "stars.csv", ("month", "returns", "mean_change"),
               [[months[m], _num(n), _num(actuals.star_change_sum[m] / n) if n > 0 else ""]
                for m, n in enumerate(actuals.star_returns)])
        if actuals.hospital is not None:
            _write(staging / "hospital.csv", ("month",) + HOSPITAL_COLUMNS,
                   [[months[m]] + [_num(actuals.hospital[c][m]) for c in HOSPITAL_COLUMNS]
                    for m in range(actuals.months)])
        _write(staging / "claims.csv", ("month", "line", "claimed"),
               [[months[m], line, _num(actuals.claimed[i, m])] for m in range(actuals.months)
                for i, line in enumerate(actuals.line_ids) if actuals.claimed[i, m] != 0])
        _write(staging / "payments.csv", ("month", "line", "payer", "paid"),
               [[months[m], line, payer, _num(actuals.paid[i, j, m])] for m in range(actuals.months)
                for i, line in enumerate(actuals.line_ids) for j, payer in enumerate(actuals.payer_ids)
                if actuals.paid[i, j, m] != 0])
        _write(staging / "costs.csv", ("month", "item", "amount"),
               [[months[m], item, _num(v[m])] for m in range(actuals.months)
                for item, v in actuals.costs.items() if v[m] != 0])
        _write(staging / "investors.csv", ("month", "investor", "drawn", "distributed"),
               [[months[m], name, _num(f["drawn"][m]), _num(f["distributed"][m])] for m in range(actuals.months)
                for name, f in actuals.investors.items() if f["drawn"][m] != 0 or f["distributed"][m] != 0])
    return Path(out_dir)


def _num(value: float) -> str:
    return f"{float(value):.10g}"


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- reading -------------------------------------------------------------------------------------

def read_actuals_folder(folder: str | Path, scenario: Scenario) -> Actuals:
    """Read and check an actuals folder against the scenario it is a history of.

    Refused, with file:line:column: a malformed or missing cell, a month before the start or after
    the as-of month, a flows/stars/hospital month missing or given twice, counts that contradict each
    other (more engaged than referred, more in support than started and not yet ended, ...), payments
    above a payer's, a line's or the contract's cap or above what was claimed, unknown lines, payers,
    cost items or investors, and draws above the investor's commitment.
    """
    path = Path(folder)
    if not path.is_dir():
        raise UserError("not an actuals folder: " + ("no such folder" if not path.exists() else "this is a file"),
                        where=str(folder))
    start, months, source = _read_manifest(path, scenario)
    flow_rows = read_rows(path, "flows.csv", ("month",) + FLOW_COLUMNS)
    flows = _monthly(flow_rows, FLOW_COLUMNS, start, months, integer=True)
    check_flows(flows, flow_rows, start)
    returns, change_sum = _stars(path, start, months)
    hospital = None
    if (path / "hospital.csv").is_file():
        hospital = _monthly(read_rows(path, "hospital.csv", ("month",) + HOSPITAL_COLUMNS), HOSPITAL_COLUMNS,
                            start, months)
    lines = tuple(o.id for o in scenario.contract.outcomes)
    payers = tuple(p.id for p in scenario.contract.payers)
    claimed = np.zeros((len(lines), months))
    for row in _optional(path, "claims.csv", ("month", "line", "claimed")):
        line = known(row, "line", lines, "outcome line")
        claimed[lines.index(line), month_of(row, "month", start, months)] += number(row, "claimed")
    paid = np.zeros((len(lines), len(payers), months))
    payment_rows = _optional(path, "payments.csv", ("month", "line", "payer", "paid"))
    for row in payment_rows:
        i = lines.index(known(row, "line", lines, "outcome line"))
        j = payers.index(known(row, "payer", payers, "payer"))
        paid[i, j, month_of(row, "month", start, months)] += number(row, "paid")
    check_payments(scenario.contract, payment_rows, claimed, start)
    costs = {item: np.zeros(months) for item in COST_ITEMS}
    for row in _optional(path, "costs.csv", ("month", "item", "amount")):
        costs[known(row, "item", COST_ITEMS, "cost item")][month_of(row, "month", start, months)] += number(row, "amount")
    investors = _investors(path, scenario, start, months)
    return Actuals(scenario.name, scenario.currency, start, months, flows, returns, change_sum, hospital,
                   lines, payers, claimed, paid, costs, investors, source)


def _read_manifest(path: Path, scenario: Scenario) -> tuple:
    file = path / "manifest.json"
    shown = str(file)
    if not file.is_file():
        raise UserError("not an actuals folder: it has no manifest.json", where=str(path))
    try:
        text = file.read_text(encoding="utf-8")
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"not valid JSON ({error.msg})", where=f"{shown}:{error.lineno}:{error.colno}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read the manifest ({type(error).__name__})", where=shown) from None
    at = _locations(text, shown)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UserError(f'not an actuals manifest: "format" must be "{FORMAT}"',
                        where=at("format") if isinstance(data, dict) else shown, field="format")
    extra = set(data) - {"format", "version", "scenario", "currency", "start", "as_of", "source"}
    if extra:
        raise UserError(f"unknown key {sorted(extra)[0]!r}", where=at(sorted(extra)[0]), field=sorted(extra)[0])
    if data.get("version") != FORMAT_VERSION:
        raise UserError(f"format version {data.get('version')!r} is not one this sib_sim reads "
                        f"(it reads version {FORMAT_VERSION})", where=at("version"), field="version")
    if data.get("currency") != scenario.currency:
        raise UserError(f"currency {data.get('currency')!r} differs from the scenario's {scenario.currency}",
                        where=at("currency"), field="currency")
    start = scenario.run.start_date
    for key in ("start", "as_of"):
        if not isinstance(data.get(key), str):
            raise UserError("missing: a month YYYY-MM", where=shown, field=key)
    try:
        first, last = month_index(data["start"], start), month_index(data["as_of"], start)
    except ValueError as error:
        raise UserError(str(error), where=at("start"), field="start/as_of") from None
    if first != 0:
        raise UserError(f"{data['start']} is not the scenario's start month {month_text(start, 0)}",
                        where=at("start"), field="start")
    if not 0 <= last < scenario.run.horizon_months:
        raise UserError(f"{data['as_of']} is not within the scenario's {scenario.run.horizon_months} months",
                        where=at("as_of"), field="as_of")
    source = data.get("source")
    return start, last + 1, source if isinstance(source, dict) else None


def _locations(text: str, shown: str):
    """A function from a manifest key to file:line:column of its value (JSON is read as YAML for
    the locations only); the file's name where the key is missing or the text cannot be located."""
    try:
        located = parse_yaml(text, shown)
    except UserError:
        return lambda key: shown
    return lambda key: located.where((key,)) or shown


def _optional(path: Path, name: str, columns: tuple[str, ...]) -> list[Row]:
    return read_rows(path, name, columns) if (path / name).is_file() else []


def _monthly(rows: list[Row], columns: tuple[str, ...], start: dt.date, months: int,
             integer: bool = False) -> dict[str, np.ndarray]:
    """One row per month, every month from the start to as-of."""
    out = {c: np.zeros(months) for c in columns}
    seen: dict[int, Row] = {}
    for row in rows:
        m = month_of(row, "month", start, months)
        if m in seen:
            raise UserError(f"month {row.cells['month']} is given twice (also line {seen[m].line})",
                            where=row.where("month"))
        seen[m] = row
        for c in columns:
            out[c][m] = number(row, c, integer=integer)
    missing = [m for m in range(months) if m not in seen]
    if missing:
        where = rows[0].file if rows else "file"
        raise UserError(f"month {month_text(start, missing[0])} has no row (every month from the start to "
                        "as-of needs one)", where=where)
    return out


def _stars(path: Path, start: dt.date, months: int) -> tuple[np.ndarray, np.ndarray]:
    rows = read_rows(path, "stars.csv", ("month", "returns", "mean_change"))
    returns, change = np.zeros(months), np.zeros(months)
    seen = set()
    for row in rows:
        m = month_of(row, "month", start, months)
        if m in seen:
            raise UserError(f"month {row.cells['month']} is given twice", where=row.where("month"))
        seen.add(m)
        returns[m] = number(row, "returns", integer=True)
        if returns[m] > 0:
            mean = number(row, "mean_change", minimum=-72.0)
            if mean > 72:
                raise UserError(f"{mean:g} is above 72, the largest change in a Star total of 8 areas",
                                where=row.where("mean_change"))
            change[m] = mean * returns[m]
        elif row.cells.get("mean_change", ""):
            raise UserError("a mean change with no returns: leave it empty", where=row.where("mean_change"))
    missing = [m for m in range(months) if m not in seen]
    if missing:
        raise UserError(f"month {month_text(start, missing[0])} has no row", where=str(path / "stars.csv"))
    return returns, change


def _investors(path: Path, scenario: Scenario, start: dt.date, months: int) -> dict[str, dict[str, np.ndarray]]:
    # Investors are the tranches (a single `finance.investor` is one, with id `investor`).
    commitments = {t.id: t.commitment for t in scenario.finance.tranches if t.commitment > 0}
    names = tuple(commitments)
    out = {name: {"drawn": np.zeros(months), "distributed": np.zeros(months)} for name in names}
    rows = _optional(path, "investors.csv", ("month", "investor", "drawn", "distributed"))
    for row in rows:
        name = known(row, "investor", names, "investor")
        m = month_of(row, "month", start, months)
        out[name]["drawn"][m] += number(row, "drawn")
        out[name]["distributed"][m] += number(row, "distributed")
    check_investors(rows, start, commitments)
    return out
