"""The value-for-money report (report.html of a vfm folder) and console tables, from vfm.json.

Everything here reads the JSON document (experiment.vfm.ValueForMoney.to_dict), so the page can be
re-rendered from the folder alone, and the console and the page show the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from .budget import budget_section
from .html_parts import Headline, Row, Section, Table, finite
from .summary_table import money

ARMS = ("sib", "direct", "nothing")
ARM_TITLES = {"sib": "SIB", "direct": "Direct", "nothing": "No service"}
COMMISSIONER_ROWS = (  # (column, label, kind)
    ("commissioner.payments", "Payments", "money"),
    ("commissioner.net_cost", "Net cost (payments less cashable savings)", "money"),
    ("commissioner.net_cost_npv", "Net cost, discounted (NPV)", "money"),
    ("commissioner.cashable", "Cashable savings", "money"),
    ("commissioner.non_cashable", "Non-cashable savings", "money"),
    ("commissioner.star_points", "Star points gained", "count"),
    ("commissioner.cost_per_star_point", "Cost per Star point", "money"),
)
PAYER_ROWS = (("payments", "Payments"), ("payments_npv", "Payments, discounted"), ("savings", "Savings"),
              ("net_cost_npv", "Net cost, discounted"), ("cost_per_participant", "Cost per participant"))
WHAT = {"commissioner_indifferent": "Commissioner indifferent between SIB and direct",
        "investor_breaks_even": "Investor breaks even (distributions = capital drawn)"}


def _value(kind: str, value: object, currency: str) -> str:
    v = finite(value)
    if v is None:
        return "–"
    return money(v, currency) if kind == "money" else f"{v:,.0f}" if kind == "count" else f"{v:.2f}"


def _stat(stats: Mapping[str, Any] | None, kind: str, currency: str) -> str:
    """mean (p5 to p95)."""
    if not stats or not stats.get("n"):
        return "–"
    return (f"{_value(kind, stats.get('mean'), currency)} ({_value(kind, stats.get('p5'), currency)} to "
            f"{_value(kind, stats.get('p95'), currency)})")


def commissioner_table(doc: Mapping[str, Any]) -> Table:
    currency, arms = doc["currency"], doc["arms"]
    rows = tuple(Row(label, tuple(_stat(arms[a].get(column), kind, currency) for a in ARMS))
                 for column, label, kind in COMMISSIONER_ROWS)
    return Table(f"The commissioner ({doc['commissioner']}): mean (5th to 95th percentile)",
                 tuple(["", *(ARM_TITLES[a] if a != "direct" else f"Direct: {doc['comparator']}" for a in ARMS)]),
                 rows, wide=True)


def payer_table(doc: Mapping[str, Any]) -> Table:
    currency, rows = doc["currency"], []
    for arm in ("sib", "direct"):
        payers = sorted({c.split(".")[0] for c in doc["arms"][arm] if not c.startswith("commissioner.")})
        for payer in payers:
            cells = tuple(_stat(doc["arms"][arm].get(f"{payer}.{k}"), "money", currency) for k, _ in PAYER_ROWS)
            rows.append(Row(f"{ARM_TITLES[arm]}: {payer}", cells))
    return Table("Each payer: mean (5th to 95th percentile)", ("Arm and payer", *(t for _, t in PAYER_ROWS)),
                 tuple(rows), wide=True)


def _scale(value: object) -> str:
    v = finite(value)
    return "–" if v is None else f"{v:.3f}x"


def _never(item: Mapping[str, Any]) -> str:
    return (f"below zero at every scale to {item['max_scale']:g}x in {item['never_above']} runs, above in "
            f"{item['never_below']}")


def indifference_table(doc: Mapping[str, Any]) -> Table:
    rows = []
    for item in doc["indifference"]:
        crossing = f"{item['n_crossing']} of {item['n']}"
        never = f"always below: {item['never_above']}, always above: {item['never_below']}"
        rows.append(Row(WHAT.get(item["what"], item["what"]),
                        (_scale(item.get("point")), _scale(item.get("p5")), _scale(item.get("p50")),
                         _scale(item.get("p95")), crossing, never),
                        detail=f"scale on {'line ' + item['line'] if item.get('line') else 'every outcome price'}, "
                               f"searched from 0 to {item['max_scale']:g}x"))
    return Table("Indifference prices: the scale on today's prices at which each difference is zero",
                 ("", "Mean difference is zero at", "p5", "p50", "p95", "Runs that cross", "Runs that never cross"),
                 tuple(rows), wide=True)


def corridor_table(doc: Mapping[str, Any]) -> Table:
    currency, rows = doc["currency"], []
    for item in doc["corridor"]:
        if item["kind"] == "cost_floor":
            label = "Cost floor: delivery + cost of finance"
            detail = (f"delivery {money(item['delivery'], currency)}, finance "
                      f"{money(item['cost_of_finance'], currency)}")
        else:
            label = "Value ceiling" + ("" if item.get("open") else " (below the cost floor: no corridor)")
            detail = (f"cashable savings + {item['value_per_non_cashable']:g} per {currency} non-cashable + "
                      f"{money(item['value_per_star_point'], currency)} per Star point")
        rows.append(Row(label, (money(item["amount"], currency), _scale(item.get("scale"))), detail=detail))
    at_one = doc["corridor"][0]["payments_at_scale_1"] if doc["corridor"] else None
    return Table(f"Pricing corridor (mean outcome payments at today's prices: {_value('money', at_one, currency)})",
                 ("", "Over the programme", "Price scale that pays it"), tuple(rows))


def _plus_minus(value: object, se: object, currency: str) -> str:
    if finite(value) is None:
        return "–"
    return f"{_value('money', value, currency)} ± {_value('money', se, currency)}"


def voi_tables(doc: Mapping[str, Any]) -> list[Table]:
    voi, currency = doc["value_of_information"], doc["currency"]
    frame = pd.DataFrame(voi["rows"])
    tables = []
    if frame.empty:
        return tables
    for (nc, star), group in frame.groupby(["value_per_non_cashable", "value_per_star_point"], sort=False):
        rows = tuple(Row(str(r["name"]), (_plus_minus(r["per_programme"], r["se"], currency),
                                          _plus_minus(r["scaled"], r["scaled_se"], currency)),
                         total=r["kind"] == "evpi") for r in group.to_dict(orient="records"))
        tables.append(Table(f"Willingness to pay: {nc:g} per {currency} non-cashable, {money(star, currency)} per Star "
                            f"point (best on current information: {group['best_option'].iloc[0]})",
                            ("Parameter or group", "Per programme ± s.e.", f"For {voi['programmes']:g} programme(s)"),
                            rows))
    return tables


def vfm_sections(doc: Mapping[str, Any], budget_png: bytes | None) -> list[Section]:
    arms = Section("vfm", "Value for money", [
        "The same simulated cohorts bought three ways: through the SIB, commissioned directly and not at all. "
        "Savings are measured against no service and belong to the commissioner; other payers have none."],
        [commissioner_table(doc), payer_table(doc)])
    price = Section("indifference", "Indifference prices and the pricing corridor", [
        "A scale multiplies every outcome price and savings share (or one line's). Roots are found per run by "
        "brentq on the paired difference; caps can keep a difference on one side at every scale."],
        [indifference_table(doc), corridor_table(doc)])
    voi = Section("voi", "Value of information", list(doc["value_of_information"]["notes"]) + [
        f"Decision between: {', '.join(doc['value_of_information']['options'])}."], voi_tables(doc))
    budget = budget_section(pd.DataFrame(doc["budget_exposure"]), doc["currency"], budget_png)
    return [arms, price, budget, voi]


def headlines(doc: Mapping[str, Any]) -> list[Headline]:
    currency = doc["currency"]
    d = doc["sib_minus_direct"]["commissioner.net_cost_npv"]
    cards = [Headline("Commissioner: SIB minus direct, discounted net cost", money(d["mean"], currency),
                      f"{money(d['p5'], currency)} to {money(d['p95'], currency)}",
                      f"the SIB costs the commissioner more in {100 * d['p_sib_dearer']:.0f}% of runs")]
    for item in doc["indifference"]:
        cards.append(Headline(WHAT.get(item["what"], item["what"]), _scale(item.get("point")) + " of today's prices",
                              f"{_scale(item.get('p5'))} to {_scale(item.get('p95'))}" if item.get("p5") is not None
                              else "", _never(item)))
    for row in doc["value_of_information"]["rows"][:1]:
        cards.append(Headline("EVPI per programme (first willingness to pay)",
                              _value("money", row["per_programme"], currency),
                              f"± {_value('money', row['se'], currency)}",
                              f"best on current information: {row['best_option']}"))
    return cards


def render_vfm_report(doc: Mapping[str, Any], budget_png: bytes | None) -> str:
    from .html import template

    return template().render(
        title=f"{doc['scenario']}: value for money", variant="", description="", runs=doc["replications"],
        seed=doc["seed"], headlines=headlines(doc), timing=None, warnings=[], sections=vfm_sections(doc, budget_png),
        manifest=[("scenario", doc["scenario"]), ("comparator", doc["comparator"]), ("seed", str(doc["seed"])),
                  ("replications", str(doc["replications"]))] + [("note", n) for n in doc["notes"]])


def print_vfm(console: Console, doc: Mapping[str, Any]) -> None:
    currency = doc["currency"]
    table = RichTable(title=escape(f"{doc['scenario']}: value for money, {doc['replications']} replications"),
                      title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("commissioner", "SIB", f"direct: {doc['comparator']}", "no service"):
        table.add_column(escape(column), justify="left" if column == "commissioner" else "right")
    for column, label, kind in COMMISSIONER_ROWS[:4]:
        table.add_row(label, *(_value(kind, doc["arms"][a].get(column, {}).get("mean"), currency) for a in ARMS))
    console.print(table)
    for item in doc["indifference"]:
        console.print(f"{WHAT.get(item['what'], item['what'])}: {_scale(item.get('point'))} of today's prices "
                      f"(p5 {_scale(item.get('p5'))}, p95 {_scale(item.get('p95'))}; {item['n_crossing']} of "
                      f"{item['n']} runs cross; {_never(item)})", highlight=False, markup=False)
    for item in doc["corridor"]:
        state = "" if item["kind"] == "cost_floor" else " open" if item.get("open") else " below the cost floor"
        console.print(f"{item['kind'].replace('_', ' ')}: {money(item['amount'], currency)} "
                      f"(price scale {_scale(item.get('scale'))}){state}", highlight=False, markup=False)
    print_voi(console, doc["value_of_information"], currency)


def print_voi(console: Console, voi: Mapping[str, Any], currency: str) -> None:
    """EVPI at each willingness to pay, per programme and scaled (vfm and compare print the same)."""
    for row in voi["rows"]:
        if row["kind"] == "evpi":
            console.print(f"EVPI at {row['value_per_non_cashable']:g}/{currency} non-cashable, "
                          f"{money(row['value_per_star_point'], currency)}/Star point: "
                          f"{_plus_minus(row['per_programme'], row['se'], currency)} per programme, "
                          f"{_plus_minus(row['scaled'], row['scaled_se'], currency)} for {voi['programmes']:g} "
                          f"(best on current information: {row['best_option']})", highlight=False, markup=False)
    for note in voi["notes"]:
        if note.startswith("blank values"):
            console.print(f"–: {note}", highlight=False, markup=False)
