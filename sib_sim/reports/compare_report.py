"""The compare folder's report.html: each variant against the base (the console's table), the terms
that differ, and the value of information for the choice between the variants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..experiment.compare import Comparison, term_differences
from .compare_table import CAPTION, COLUMNS, comparison_rows, term_lines
from .html_parts import Headline, Row, Section, Table
from .vfm import _plus_minus, voi_tables


def comparison_sections(comparison: Comparison, document: Mapping[str, Any]) -> list[Section]:
    names, currency = comparison.names, document["currency"]
    rows = comparison_rows(comparison)
    sections = []
    for name, variant in zip(names[1:], comparison.variants[1:]):
        mine = tuple(Row(label, tuple(cells)) for row_name, label, cells in rows if row_name == name)
        terms = term_lines(term_differences(comparison.variants[0].scenario, variant.scenario), currency)
        sections.append(Section(f"variant-{len(sections) + 1}", f"{name} against {names[0]}",
                                [CAPTION, f"Terms that differ ({len(terms)}), base -> variant: "
                                 + ("; ".join(terms) if terms else "none")],
                                [Table(f"{name} (variant) against {names[0]} (base)", ("", *COLUMNS), mine, wide=True)]))
    voi = document.get("value_of_information")
    if voi is not None:
        sections.append(Section("voi", "Value of information", list(voi["notes"])
                                + [f"Decision between: {', '.join(voi['options'])}."], voi_tables(document)))
    return sections


def comparison_headlines(document: Mapping[str, Any]) -> list[Headline]:
    voi, currency = document.get("value_of_information"), document["currency"]
    if not voi:
        return []
    return [Headline(f"EVPI per programme at {r['value_per_non_cashable']:g} per {currency} non-cashable, "
                     f"{r['value_per_star_point']:g} per Star point", _plus_minus(r["per_programme"], r["se"], currency),
                     "", f"best on current information: {r['best_option']}")
            for r in voi["rows"] if r["kind"] == "evpi"]


def render_compare_report(comparison: Comparison, document: Mapping[str, Any]) -> str:
    from .html import template

    names = comparison.names
    return template().render(
        title=f"{names[0]}: comparison of {len(names)} variants", variant="", description="",
        runs=comparison.variants[0].n_replications, seed=comparison.variants[0].seed,
        headlines=comparison_headlines(document), timing=None, warnings=list(comparison.notes),
        sections=comparison_sections(comparison, document),
        manifest=[("variant", n) for n in names] + [("seed", str(comparison.variants[0].seed))])
