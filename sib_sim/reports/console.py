"""What the command line prints: rich tables for run, price, compare, sensitivity and sweep.

Printing lives here and in cli.py only; these functions take the console to print on.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..contract import Payments
from ..experiment import Comparison, term_differences
from ..experiment.sensitivity import SensitivityResult
from ..experiment.sweep import SweepResult
from ..scenario.terms import Terms
from .compare_table import CAPTION, COLUMNS, comparison_rows, term_lines
from .labels import format_value, metric_kind, metric_label, parameter_label, path_kind, unit_text, variant_line
from .pricing import claims_table, cuts_table, pricing_summary
from .summary_table import SYMBOLS, probability_lines, summary_rows


def print_summary(console: Console, metrics: dict, scenario, n: int, seed: int,
                  overrides: Sequence[str] = ()) -> None:
    """The headline table; a `--set` run's title says it is a variant and lists what was changed."""
    variant = " (variant)" if overrides else ""
    table = Table(title=escape(f"{scenario.name}{variant}: {n} replications, seed {seed}"), title_justify="left")
    table.add_column("", no_wrap=True)
    for column in ("mean", "p5", "median", "p95"):
        table.add_column(column, justify="right", no_wrap=True)
    section = None
    for sec, label, values in summary_rows(metrics, scenario):
        if sec != section:
            table.add_row(f"[bold]{sec}[/]")
            section = sec
        table.add_row(label, *values)
    if overrides:  # before the table, at the terminal's width (a title wraps at the table's)
        console.print(escape(variant_line(overrides) + " (the scenario file with these values changed)"),
                      highlight=False, soft_wrap=True)
    console.print(table)
    for line in probability_lines(metrics, scenario.currency):
        console.print(line, highlight=False)


def _cash(value: float, currency: str) -> str:
    """Money to the penny, for checking invoices: £1,234.50."""
    symbol = SYMBOLS.get(currency, f"{currency} ")
    return f"{'-' if value < -0.005 else ''}{symbol}{abs(value):,.2f}"


def _number(value: float) -> str:
    if value != value:  # NaN: the rule reads no value
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


def _table(title: str, columns: tuple[str, ...]) -> Table:
    """Text columns left, numbers right; a narrow terminal folds cells rather than hiding digits."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, justify="left" if column in ("line", "payer", "level") else "right",
                         overflow="fold", min_width=len(column), no_wrap=column != "line")
    return table


def print_pricing(console: Console, payments: Payments, terms: Terms, written: bool = True) -> None:
    """`written`: whether payments.csv is being written (price --out), which the claims table may cite."""
    c = terms.currency
    console.print(_claims_table(payments, f"{terms.name}: claims on observed outcomes ({c})", c, written))
    summary = pricing_summary(payments)
    payers = _table("By payer", ("payer", "paid"))
    for payer, paid in summary["by_payer"].items():
        payers.add_row(payer, _cash(paid, c))
    console.print(payers)
    lines = _table("By outcome line", ("line", "earned", "paid", "cut"))
    for line, amounts in summary["by_line"].items():
        lines.add_row(line, *(_cash(amounts[k], c) for k in ("earned", "paid", "cut")))
    console.print(lines)
    cuts = cuts_table(payments)
    if cuts.empty:
        console.print("No cap cut any claim.")
    else:
        table = _table("Cut by caps", ("line", "months", "level", "payer", "amount"))
        for cut in cuts.itertuples():
            table.add_row(cut.line, f"{cut.period_start:g}-{cut.period_end:g}", cut.level, cut.payer or "-",
                          _cash(cut.amount, c))
        console.print(table)
    console.print(f"Total paid: {_cash(summary['total'], c)} (earned {_cash(summary['earned'], c)}, "
              f"cut by caps {_cash(summary['cut_total'], c)})", highlight=False)


def _claims_table(payments: Payments, title: str, currency: str, written: bool = True) -> Table:
    """One row per claim (payers summed); claims with nothing counted, earned or paid are left out."""
    claims = claims_table(payments)
    per_claim = claims.groupby(claims.index // len(payments.payer_ids)).agg(
        {"line": "first", "area": "first", "period_start": "first", "period_end": "first", "claim_month": "first",
         "paid_month": "first", "count": "first", "value": "first", "earned": "first", "paid": "sum"})
    shown = per_claim[(per_claim["count"].abs() + per_claim["earned"].abs() + per_claim["paid"].abs()) > 1e-9]
    table = _table(title, ("line", "months", "claim", "paid in", "count", "value", "earned", "paid"))
    for row in shown.itertuples():
        line = f"{row.line} ({row.area})" if row.area else row.line  # a by_area line's claim for one area
        table.add_row(line, f"{row.period_start:g}-{row.period_end:g}", f"{row.claim_month:g}",
                      f"{row.paid_month:g}", f"{row.count:,.4g}", _number(row.value), _cash(row.earned, currency),
                      _cash(row.paid, currency))
    hidden = len(per_claim) - len(shown)
    if hidden:
        where = "all are in payments.csv" if written else "--out DIR writes them all to payments.csv"
        table.caption = f"{hidden} claims with nothing counted or earned not shown ({where})"
    return table


def print_comparison(console: Console, comparison: Comparison, n: int) -> None:
    names = comparison.names
    currency = comparison.variants[0].scenario.currency
    for name, variant in zip(names[1:], comparison.variants[1:]):
        table = Table(title=f"{name} (variant) against {names[0]} (base) over {n} paired replications",
                      title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        rows = [(label, values) for row_name, label, values in comparison_rows(comparison) if row_name == name]
        # Each column at least as wide as its widest number, so on a narrow terminal the headers wrap
        # onto more lines and the numbers stay whole.
        table.add_column("", overflow="fold")  # labels fold on a narrow terminal, numbers stay whole
        for i, column in enumerate(COLUMNS):
            widest = max([len(values[i]) for _, values in rows] + [len(w) for w in column.split()])
            table.add_column(column, justify="right", overflow="fold", width=widest)
        for label, values in rows:
            table.add_row(label, *values)
        console.print(table)
        console.print(CAPTION, highlight=False)
        terms = term_differences(comparison.variants[0].scenario, variant.scenario)
        console.print(f"Terms that differ ({len(terms)}), base -> variant:", highlight=False)
        for line in term_lines(terms[:40], currency):
            console.print(f"  {line}", highlight=False, soft_wrap=True, markup=False, emoji=False)
        if len(terms) > 40:
            console.print(f"  ... and {len(terms) - 40} more (see compare.json)", highlight=False)
    for note in comparison.notes:  # variants re-simulated because they cut delivery
        console.print(f"Note: {note}", highlight=False, soft_wrap=True, markup=False)
    if comparison.voi is not None:
        from .vfm import print_voi

        console.print(f"Value of information for the choice between {', '.join(names)} (all rows, EVPPI "
                      "per parameter and group: compare.json, value_of_information.csv):", highlight=False,
                      markup=False)
        print_voi(console, comparison.voi.to_dict(), currency)


def _left_table(title: str, first: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(first, justify="left", no_wrap=True)
    return table


def _num(value: float) -> str:
    if value != value:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


SENSITIVITY_COLUMNS = {
    "oneway": (("P10", "low"), ("P90", "high"), ("at P10", "metric_low"), ("at P90", "metric_high"),
               ("swing", "swing"), ("± se", "swing_se")),
    "morris": (("mu*", "mu_star"), ("± 95%", "mu_star_conf"), ("sigma", "sigma"), ("mu", "mu")),
    "sobol": (("S1", "S1"), ("± 95%", "S1_conf"), ("ST", "ST"), ("± 95% ", "ST_conf")),
}


def print_sensitivity(console: Console, result: SensitivityResult, currency: str = "GBP") -> None:
    title = {"oneway": "One-way sensitivity (tornado)", "morris": "Morris screening", "sobol": "Sobol indices"}
    kind = metric_kind(result.metric)
    unit = {"money": f" in {SYMBOLS.get(currency, currency)}", "share": " in %"}.get(kind, "")
    table = _left_table(f"{title[result.method]} of {metric_label(result.metric).lower()}{unit} "
                        f"({result.metric}): {result.scenario}, {result.n_points} "
                        f"design points x {result.replications_per_point} replications", "parameter")
    columns = SENSITIVITY_COLUMNS[result.method]
    for label, _ in columns:
        table.add_column(label, justify="right", no_wrap=True)
    for row in result.table.itertuples(index=False):
        values = row._asdict()
        path = values["parameter"]
        cells = [_sensitivity_cell(key, float(values[key]), path, kind, currency) for _, key in columns]
        table.add_row(escape(parameter_label(path)), *cells)
    console.print(table)
    for note in result.notes:
        console.print(f"  {note}", highlight=False, soft_wrap=True, markup=False, emoji=False)


def _sensitivity_cell(key: str, value: float, path: str, kind: str, currency: str) -> str:
    """Parameter values in the parameter's unit, the metric and its swings in the metric's; indices plain."""
    if key in ("low", "high"):
        return format_value(path_kind(path), value, currency)
    if key in ("metric_low", "metric_high", "swing", "swing_se", "mu_star", "mu_star_conf", "sigma", "mu"):
        return format_value(kind, value, currency)
    return _num(value)


def _cell(row) -> str:
    mark = " [bold green]✓[/]" if row["deal"] else "  "
    return f"{row['p_investor_hurdle']:.0%}/{row['p_commissioner_covered']:.0%}{mark}"


def _axis_title(path: str, currency: str) -> str:
    return f"{parameter_label(path)}{unit_text(path_kind(path), currency)}"


def print_sweep(console: Console, result: SweepResult, currency: str = "GBP") -> None:
    """The grid with one format: probabilities as %, money as £7.79m, multiples as 1.84x."""
    grid, axes = result.grid, result.axes
    title = (f"{result.scenario}: P(investor multiple >= {result.hurdle_multiple:g}x) / P(commissioner net cost "
             f"<= 0) over {result.replications} replications; deal zone: both >= {result.probability:.0%}")
    value = (lambda path, v: format_value(path_kind(path), float(v), currency))
    if len(axes) == 1:
        path = axes[0].path
        table = _left_table(title, _axis_title(path, currency))
        table.caption = f"{path}; medians over the replications at each point"
        for column in ("P(investor)", "P(commissioner)", "deal", "median payments", "median multiple"):
            table.add_column(column, justify="right", no_wrap=True)
        for _, row in grid.iterrows():
            table.add_row(value(path, row[path]), f"{row['p_investor_hurdle']:.0%}",
                          f"{row['p_commissioner_covered']:.0%}", "yes" if row["deal"] else "",
                          format_value("money", row["payments_total_p50"], currency),
                          format_value("multiple", row["investor_multiple_p50"], currency))
    else:  # a matrix: rows the first term, columns the second
        a, b = axes
        table = _left_table(title, f"{parameter_label(a.path)} \\ {parameter_label(b.path)}")
        table.caption = (f"rows {a.path}, columns {b.path}; cells P(investor)/P(commissioner), "
                         "✓ deal zone")
        for v in b.values:
            table.add_column(value(b.path, v), justify="right", no_wrap=True)
        for i, v in enumerate(a.values):
            rows = grid.iloc[i * b.n:(i + 1) * b.n]
            table.add_row(value(a.path, v), *(_cell(row) for _, row in rows.iterrows()))
    console.print(table)
    for note in result.notes:
        console.print(f"  {note}", highlight=False, soft_wrap=True, markup=False, emoji=False)
