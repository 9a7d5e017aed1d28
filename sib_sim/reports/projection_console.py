"""A projection's answers printed on the console (rich tables). Never simulates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from ..live.tables import cap_binding, headline, parameter_shift, remaining_by_year

if TYPE_CHECKING:
    from ..live.projection import Projection


def print_projection(console: Console, projection: Projection) -> None:
    h = headline(projection)
    currency, r = h["currency"], h["remaining_payments"]
    console.print(f"{projection.scenario.name}: actuals to {h['as_of']} ({h['months_observed']} months), "
                  f"{h['paths']} projected paths", highlight=False, markup=False)
    console.print(f"Outcome payments to date: {h['paid_to_date']:,.0f} {currency}; still to come: mean "
                  f"{r['mean']:,.0f} (90% interval {r['p5']:,.0f} to {r['p95']:,.0f})", highlight=False, markup=False)
    stages, pool, prior = h["smc_stages"], h["prior_paths_ess"], h["prior_paths"]
    how = ("the prior paths were re-weighted and resampled" if pool >= 0.5 * h["paths"] else
           "too few for importance sampling, so the paths were simulated afresh at the posterior parameters")
    console.print(f"Effective sample size of the {prior} prior paths under the actuals: {pool:,.1f} ({how}"
                  + (f"; the SMC ran {len(stages)} stages, ESS {stages[-1]['ess']:,.0f} at the last" if stages else "")
                  + ")", highlight=False, markup=False)
    m = h["investor_multiple_now"]
    if m["mean"] is not None:
        console.print(f"Investor's expected multiple now: {m['mean']:.2f} (90% interval {m['p5']:.2f} to "
                      f"{m['p95']:.2f})", highlight=False, markup=False)
    console.print(_table("Remaining outcome payments by payer and UK financial year (mean, " + currency + ")",
                         remaining_by_year(projection).reset_index(), "{:,.0f}"))
    console.print(_table("Caps", cap_binding(projection), "{:,.2f}"))
    shift = parameter_shift(projection)
    if len(shift):
        console.print(_table("How far the actuals moved each parameter", shift, "{:.3g}"))


def _table(title: str, frame, number: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(str(column), justify="left" if frame[column].dtype == object else "right")
    for _, row in frame.iterrows():
        table.add_row(*[number.format(v) if isinstance(v, float) else ("" if v is None else str(v)) for v in row])
    return table
