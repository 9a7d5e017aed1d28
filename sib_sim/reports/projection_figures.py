"""The fan chart of a re-projected contract, with the actuals overlaid. Never simulates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from .figure_parts import BLUE, GREY, date_ticks, fan, money_ticks, new_figure

if TYPE_CHECKING:
    from ..live.projection import Projection


def projection_fan(projection: Projection) -> Figure:
    """Cumulative outcome payments (top) and investor capital outstanding (bottom): the actuals to
    the as-of month, then the projection's median and 25-75% and 5-95% bands."""
    fig, (top, bottom) = new_figure(2, 1, sharex=True)
    results, actuals, m = projection.results, projection.actuals, projection.months
    dates, currency = results.month_dates, projection.scenario.currency
    paid = projection.payments.paid.sum(axis=(1, 2))
    cumulative = np.cumsum(paid, axis=1)
    fan(top, dates[m - 1:], cumulative[:, m - 1:], BLUE)
    top.plot(dates[:m], np.cumsum(actuals.paid.sum(axis=(0, 1))), color="black", linewidth=2, label="Actuals")
    top.axvline(dates[m - 1], color=GREY, linestyle=":", linewidth=1)
    top.set_ylabel(f"Outcome payments,\ncumulative ({currency})")
    top.set_title(f"{projection.scenario.name}: re-projected from actuals to {actuals.as_of:%Y-%m} "
                  f"({len(paid)} paths)", fontsize=10)
    money_ticks(top.yaxis, currency)
    top.legend(loc="upper left", fontsize=8)
    w = projection.flows.waterfall
    drawn = sum(f["drawn"] for f in actuals.investors.values()) if actuals.investors else np.zeros(m)
    back = sum(f["distributed"] for f in actuals.investors.values()) if actuals.investors else np.zeros(m)
    history = np.cumsum(drawn - back)
    future = history[-1] + np.cumsum((w.draws - w.repayments - w.returns)[:, m:], axis=1)
    fan(bottom, dates[m - 1:], np.column_stack([np.full(len(future), history[-1]), future]), BLUE)
    bottom.plot(dates[:m], history, color="black", linewidth=2)
    bottom.axvline(dates[m - 1], color=GREY, linestyle=":", linewidth=1)
    bottom.axhline(0.0, color=GREY, linewidth=0.8)
    bottom.set_ylabel(f"Investor: drawn less\ndistributed ({currency})")
    money_ticks(bottom.yaxis, currency)
    date_ticks(bottom)
    return fig
