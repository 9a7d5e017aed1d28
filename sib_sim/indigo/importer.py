"""An INDIGO project record as a skeleton scenario (`sib-sim indigo import`).

With sib_sim's extension (a record `sib-sim indigo export` wrote) the contract, finance and run
sections come back exactly as exported, with their own references. Without it, the skeleton holds
what INDIGO says (payers and their caps, the contract cap, prices per outcome, the investment,
dates), each value's reference naming the JSON path it came from, and marks what INDIGO cannot say
(the kind of each outcome rule, its counts and thresholds, claim timing, costs) as TO FILL.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import UserError
from ..scenario import Contract, Finance
from ..scenario.overrides import explain_validation_error
from ..scenario.paths import FieldPath
from ..scenario.run import Run
from .export import EXTENSION, EXTENSION_FORMAT, MODEL_SECTIONS, unit_price
from .record import JsonPath, Record, json_path
from .skeleton import Annotated, Skeleton

_MODEL_WHY = {"cohort": "referrals, engagement and patient groups (see sib-sim init for a commented example)",
              "service": "link workers, caseload, support length and assessments",
              "wellbeing": "Well-being Star baselines and change, if a line pays on Stars",
              "hospital": "hospital use and the comparison cohort, if a line pays on savings",
              "milestones": "participant milestones, if a line pays on them",
              "uncertainty": "distributions of uncertain model parameters (optional)"}


def import_project(record: Record) -> Skeleton:
    """The skeleton scenario of an INDIGO project record."""
    if EXTENSION in record.data:
        return _from_extension(record)
    return _from_indigo(record)


# --- with sib_sim's extension -------------------------------------------------------------------

def _from_extension(record: Record) -> Skeleton:
    ext = _get(record, (EXTENSION,), dict)
    fmt = ext.get("format")
    if fmt != EXTENSION_FORMAT:
        raise record.error((EXTENSION, "format"), f"sib_sim extension format {fmt!r} is not one this sib_sim reads "
                           f"({EXTENSION_FORMAT})", hint="export the scenario again with this version of sib_sim")
    sections = {"run": Run, "contract": Contract, "finance": Finance}
    checked = {name: _validated(record, (EXTENSION, name), model) for name, model in sections.items()}
    payer_ids = [p.id for p in checked["contract"].payers]
    if checked["finance"].commissioner.payer not in payer_ids:
        raise record.error((EXTENSION, "finance", "commissioner", "payer"),
                           f"{checked['finance'].commissioner.payer!r} is not one of the contract's payers {payer_ids}")
    name = _get(record, (EXTENSION, "name"), str)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise record.error((EXTENSION, "name"), f"{name!r} is not a scenario name (letters, digits, _ . -)")
    sources = _get(record, (EXTENSION, "sources"), dict, {})
    data: dict[str, Any] = {"name": name, "description": _get(record, (EXTENSION, "description"), str, ""),
                            "currency": _get(record, (EXTENSION, "currency"), str, "GBP")}
    also = _indigo_places(record, checked["contract"])
    for section, model in checked.items():
        dump = _sparse_but_annotated(model, section, sources)
        if section == "contract":  # each line's kind first, as people write them
            dump["outcomes"] = [{"id": o["id"], "kind": o["kind"], **o} for o in dump["outcomes"]]
        data[section] = _annotated(dump, (section,), sources, also)
    present = _get(record, (EXTENSION, "model_sections"), list, ["cohort", "service"])
    skeleton = Skeleton(data, sections_to_write={s: _MODEL_WHY[s] for s in MODEL_SECTIONS if s in present})
    skeleton.remarks.append("contract, finance and run are exactly those exported, from the record's sib_sim "
                            "extension ($.sib_sim).")
    skeleton.remarks += [f"note: {c}" for c in _conflicts(record, checked["contract"], checked["finance"])]
    return skeleton


def _validated(record: Record, path: JsonPath, model: type[BaseModel]) -> BaseModel:
    data = _get(record, path, dict)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problem = explain_validation_error(model, error, data)
        raise record.error(path + tuple(problem.path), problem.text, problem.hint) from None


def _sparse_but_annotated(model: BaseModel, section: str, sources: dict[str, Any]) -> dict[str, Any]:
    """A section as people write it (defaults left out), but with every value the original scenario
    annotated, even one equal to its default (`drawdown: {value: as_needed, assumption: true}`)."""
    full = model.model_dump(mode="json")
    if section == "run":
        return full
    sparse = model.model_dump(mode="json", exclude_defaults=True)
    for dotted_path in sources:
        parts = FieldPath.parse(dotted_path)
        if parts[0] != section or len(parts) < 2:
            continue
        keys: list[Any] = list(parts[1:])
        node_full, node = full, sparse
        for depth, key in enumerate(keys):
            try:
                value = node_full[key]
            except (KeyError, IndexError, TypeError):
                break
            last = depth == len(keys) - 1
            if isinstance(node, dict) and key not in node:
                node[key] = value if last or not isinstance(value, dict) else {}
            node_full, node = value, node[key]
    return sparse


def _indigo_places(record: Record, contract: Any) -> dict[str, str]:
    """Dotted scenario path -> the standard INDIGO field that says the same value (caps, prices, the
    investment), for the values' annotations."""
    places = {"finance.investor.commitment": ("investments", 0, "investment_commitment", "amount", "exact", "value")}
    if contract.cap is not None:
        places["contract.cap"] = ("overall_project_finance", "maximum_potential_outcome_payment_v2", "amount", "value")
    for i, payer in enumerate(contract.payers):
        if payer.cap is not None:
            places[f"contract.payers.{i}.cap"] = ("outcome_payment_commitments", i, "maximum_potential_outcome_payment",
                                                  "amount", "value")
    for i, line in enumerate(contract.outcomes):
        if isinstance(getattr(line, "price", None), (int, float)):
            places[f"contract.outcomes.{i}.price"] = ("outcome_pricings", i, "price_per_unit", "amount", "value")
    return {k: _from(p) for k, p in places.items() if _get(record, p, object, None) is not None}


def _annotated(value: Any, path: tuple[str | int, ...], sources: dict[str, Any], also: dict[str, str]) -> Any:
    """Plain data with each value that had an annotation in the original scenario annotated again, and
    each value a standard INDIGO field also records annotated with that field."""
    if isinstance(value, dict):
        out: Any = {k: _annotated(v, path + (k,), sources, also) for k, v in value.items()}
    elif isinstance(value, list):
        out = [_annotated(v, path + (i,), sources, also) for i, v in enumerate(value)]
    else:
        out = value
    key = ".".join(str(p) for p in path)
    source, indigo = sources.get(key), also.get(key)
    if isinstance(out, dict) or not path[1:] or (not isinstance(source, dict) and indigo is None):
        return out
    if not isinstance(source, dict):
        return Annotated(out, reference=indigo)
    note = "; ".join(t for t in (_text(source.get("note")), indigo and f"also {indigo}") if t) or None
    return Annotated(out, reference=_text(source.get("reference")), assumption=source.get("assumption") is True,
                     note=note)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _conflicts(record: Record, contract: Any, finance: Any) -> list[str]:
    """Where the record's INDIGO fields no longer say what the extension says (edited after export):
    the extension is what is imported, and the difference is said, not hidden."""
    said = []
    overall = _number(record, ("overall_project_finance", "maximum_potential_outcome_payment_v2", "amount", "value"))
    if overall is not None and overall != contract.cap:
        said.append(f"INDIGO's maximum potential outcome payment is {overall:,.2f}, the extension's contract cap "
                    f"{contract.cap}; the extension's is used")
    commitment = _number(record, ("overall_project_finance", "total_investment_commitment", "amount", "exact", "value"))
    committed = sum(t.commitment for t in (finance.investors if finance.investors is not None else [finance.investor]))
    if commitment is not None and commitment != committed:
        said.append(f"INDIGO's total investment commitment is {commitment:,.2f}, the extension's "
                    f"{committed:,.2f}; the extension's is used")
    prices = {line.id: unit_price(line) for line in contract.outcomes}
    for i, item in enumerate(_get(record, ("outcome_pricings",), list, [])):
        metric = _string(record, ("outcome_pricings", i, "outcome_metric_id", "value"))
        price = _number(record, ("outcome_pricings", i, "price_per_unit", "amount", "value"))
        if metric in prices and price is not None and price != prices[metric]:
            said.append(f"INDIGO prices {metric} at {price:,.2f}, the extension at {prices[metric]}; the extension's "
                        "is used")
    return said


# --- a record without the extension -------------------------------------------------------------

def _from_indigo(record: Record) -> Skeleton:
    skeleton = Skeleton({})
    title = _string(record, ("name", "value")) or _string(record, ("alternative_names", "value")) or "indigo_project"
    skeleton.data["name"] = _slug(_string(record, ("alternative_names", "value")) or title)
    skeleton.data["description"] = title
    currency = _currency(record)
    if currency is None:
        skeleton.to_fill[("currency",)] = "the currency of the amounts (INDIGO names none)"
    skeleton.data["currency"] = currency
    skeleton.data["run"] = _run(record, skeleton)
    skeleton.data["contract"] = _contract(record, skeleton)
    skeleton.data["finance"] = _finance(record, skeleton)
    skeleton.sections_to_write = {s: _MODEL_WHY[s] for s in ("cohort", "service", "wellbeing", "hospital")}
    skeleton.remarks.append("The record has no sib_sim extension: only what the INDIGO standard records is "
                            "filled in.")
    if record.project_id:
        skeleton.remarks.append(f"INDIGO project {record.project_id}.")
    return skeleton


def _from(path: JsonPath) -> str:
    return f"INDIGO {json_path(path)}"


def _run(record: Record, skeleton: Skeleton) -> dict[str, Any]:
    run: dict[str, Any] = {"replications": 200, "seed": 20150401}
    start_path = next((p for p in (("dates", "start_date_of_service_provision", "value"),
                                   ("dates", "outcomes_contract_signed", "value")) if _string(record, p)), None)
    if start_path is None:
        skeleton.to_fill[("run", "start_date")] = "the contract's first month, YYYY-MM-01 (INDIGO gives no start)"
        run["start_date"] = None
        start = None
    else:
        start = _date(record, start_path)
        run["start_date"] = Annotated(start.isoformat(), reference=_from(start_path))
    end_path = ("dates", "anticipated_completion_date", "value")
    if start is not None and _string(record, end_path):
        end = _date(record, end_path)
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months < 1:
            raise record.error(end_path, "the anticipated completion date is before the start")
        run["horizon_months"] = Annotated(months, reference=f"{_from(end_path)} (months from the start, inclusive)")
    else:
        skeleton.to_fill[("run", "horizon_months")] = "months to simulate, to the last outcome payment"
        run["horizon_months"] = None
    return run


def _contract(record: Record, skeleton: Skeleton) -> dict[str, Any]:
    contract: dict[str, Any] = {}
    cap_path = ("overall_project_finance", "maximum_potential_outcome_payment_v2", "amount", "value")
    cap = _number(record, cap_path, minimum=0)
    if cap is not None:
        contract["cap"] = Annotated(cap, reference=_from(cap_path))
    contract["payers"] = _payers(record, skeleton)
    contract["outcomes"] = _outcomes(record, skeleton, [p["id"] for p in contract["payers"]])
    return contract


def _payers(record: Record, skeleton: Skeleton) -> list[dict[str, Any]]:
    names = _organisation_names(record)
    payers, seen = [], set()
    for i, _ in enumerate(_get(record, ("outcome_payment_commitments",), list, [])):
        base = ("outcome_payment_commitments", i)
        org = _string(record, base + ("organisation_id", "value")) or f"payer{i + 1}"
        payer_id = _unique(_slug(names.get(org, org)), seen)
        payer: dict[str, Any] = {"id": payer_id, "name": names.get(org, org)}
        cap_path = base + ("maximum_potential_outcome_payment", "amount", "value")
        cap = _number(record, cap_path, minimum=0)
        if cap is not None:
            payer["cap"] = Annotated(cap, reference=f"{_from(cap_path)} ({org})")
        payers.append(payer)
    if not payers:
        skeleton.to_fill[("contract", "payers")] = "who pays for outcomes (INDIGO lists no outcome payment commitments)"
        return [{"id": None}]
    return payers


def _outcomes(record: Record, skeleton: Skeleton, payer_ids: list[str]) -> list[dict[str, Any]]:
    prices = {}
    for i, _ in enumerate(_get(record, ("outcome_pricings",), list, [])):
        metric = _string(record, ("outcome_pricings", i, "outcome_metric_id", "value"))
        path = ("outcome_pricings", i, "price_per_unit", "amount", "value")
        if metric and _number(record, path, minimum=0) is not None:
            prices[metric] = (path, _number(record, path))
    lines, seen = [], set()
    metrics = _get(record, ("outcome_metrics",), list, [])
    for i, metric in enumerate(metrics):
        metric_id = _string(record, ("outcome_metrics", i, "id")) or f"outcome{i + 1}"
        line_id = _unique(_slug(metric_id), seen)
        at = ("contract", "outcomes", i)
        line: dict[str, Any] = {"id": line_id,
                                "description": _string(record, ("outcome_metrics", i, "definition", "value")) or ""}
        if metric_id in prices:
            path, price = prices[metric_id]
            line.update(kind="per_participant", price=Annotated(price, reference=_from(path)), outcome=None)
            skeleton.to_fill[at + ("outcome",)] = ("what a participant must achieve to be paid for (measure, "
                                                   "at_least, ...); INDIGO describes it only in words")
        else:
            line.update(kind=None)
            skeleton.to_fill[at + ("kind",)] = ("the rule: per_participant, sliding_scale, savings_share, "
                                                "cohort_threshold or fixed_fee (INDIGO gives no price per unit)")
        if len(payer_ids) == 1 and payer_ids[0] is not None:
            line["payers"] = [{"payer": payer_ids[0], "share": 1.0}]
        else:
            line["payers"] = None
            skeleton.to_fill[at + ("payers",)] = "each payer's share of this line, summing to 1"
        line["claim"] = {"frequency": "quarterly", "evidence_delay_months": 0, "payment_lag_months": 0}
        skeleton.to_fill[at + ("claim",)] = "claim frequency, evidence delay and payment lag (written here: the defaults)"
        lines.append(line)
    if not lines:
        skeleton.to_fill[("contract", "outcomes")] = "the outcome lines (INDIGO lists no outcome metrics)"
        return [{"id": None}]
    return lines


def _finance(record: Record, skeleton: Skeleton) -> dict[str, Any]:
    investments = _get(record, ("investments",), list, [])
    paths = [("investments", i, "investment_commitment", "amount", "exact", "value") for i in range(len(investments))]
    amounts = [(p, _number(record, p, minimum=0)) for p in paths]
    amounts = [(p, a) for p, a in amounts if a is not None]
    overall = ("overall_project_finance", "total_investment_commitment", "amount", "exact", "value")
    if amounts:
        commitment = Annotated(sum(a for _, a in amounts), reference="sum of " + ", ".join(_from(p) for p, _ in amounts))
    elif _number(record, overall, minimum=0) is not None:
        commitment = Annotated(_number(record, overall), reference=_from(overall))
    else:
        commitment = None
        skeleton.to_fill[("finance", "investor", "commitment")] = "the investor's commitment (0 for none)"
    investor: dict[str, Any] = {"commitment": commitment}
    for i in range(len(investments)):
        kind = _string(record, ("investments", i, "maximum_potential_return_type", "value"))
        ret = _number(record, ("investments", i, "maximum_potential_return", "value"), minimum=0)
        if kind == "IRR" and ret is not None and len(investments) == 1:
            investor["return_cap"] = {"irr": Annotated(ret / 100, reference=f"{_from(('investments', i))} "
                                                       "maximum_potential_return (a percentage)")}
    skeleton.to_fill[("finance", "costs")] = "delivery costs: link_worker_per_fte_per_year at least"
    skeleton.to_fill[("finance", "commissioner", "payer")] = "which payer is the commissioner (its net cost is reported)"
    return {"costs": None, "investor": investor, "commissioner": {"payer": None}}


# --- reading values -----------------------------------------------------------------------------

def _get(record: Record, path: JsonPath, kind: type, default: Any = ...) -> Any:
    node: Any = record.data
    for depth, part in enumerate(path):
        inside = isinstance(node, dict) and part in node if isinstance(part, str) else (
            isinstance(node, list) and part < len(node))
        if not inside:
            if default is ...:
                raise record.error(path[:depth + 1], "missing")
            return default
        node = node[part]
    if not isinstance(node, kind) or (kind is not bool and isinstance(node, bool)):
        raise record.error(path, f"must be {'an' if kind in (dict, list, int) else 'a'} "
                                 f"{ {dict: 'object', list: 'array', str: 'string'}.get(kind, kind.__name__)}")
    return node


def _string(record: Record, path: JsonPath) -> str | None:
    value = _get(record, path, str, None)
    return value.strip() or None if value is not None else None


def _number(record: Record, path: JsonPath, minimum: float | None = None) -> float | None:
    node: Any = _get(record, path, object, None)
    if node is None:
        return None
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise record.error(path, "must be a number")
    if minimum is not None and node < minimum:
        raise record.error(path, f"must be at least {minimum:g} (it is {node:g})")
    return float(node)


def _date(record: Record, path: JsonPath) -> dt.date:
    text = _string(record, path) or ""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    try:
        if match is None:
            raise ValueError
        return dt.date(int(match[1]), int(match[2] or 1), 1)  # contracts start on the first of a month
    except ValueError:
        raise record.error(path, f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None


def _currency(record: Record) -> str | None:
    for path in (("overall_project_finance", "total_investment_commitment", "currency", "value"),
                 ("overall_project_finance", "maximum_potential_outcome_payment_v2", "currency", "value"),
                 ("outcome_payment_commitments", 0, "maximum_potential_outcome_payment", "currency", "value"),
                 ("outcome_pricings", 0, "currency", "value")):
        value = _string(record, path)
        if value:
            return value
    return None


def _organisation_names(record: Record) -> dict[str, str]:
    names = {}
    for i, _ in enumerate(_get(record, ("organisations",), list, [])):
        org, name = _string(record, ("organisations", i, "id")), _string(record, ("organisations", i, "name", "value"))
        if org and name:
            names[org] = name
    return names


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()[:40].strip("_")
    return slug if slug and slug[0].isalnum() else f"x{slug}"


def _unique(name: str, seen: set[str]) -> str:
    candidate, n = name, 2
    while candidate in seen:
        candidate, n = f"{name}_{n}", n + 1
    seen.add(candidate)
    return candidate


__all__ = ["UserError", "import_project"]
