"""Actuals: what has happened to a running contract, month by month, up to an as-of month.

An `Actuals` record is what `sib_sim.io.actuals_folder` reads from (and writes to) a folder of CSVs,
and what `sib_sim.live.project` conditions a projection on. Months are contract months: month 0 is
the month of `run.start_date`, and months 0 .. `months - 1` are observed (the last is the as-of month).

`history_of_path` takes one simulated replication (its ledger, payments and cash flows) and returns
its history in this form, so that anyone can make test actuals (`sib-sim actuals`) and the backtest
can check projections against the truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..calendar import add_months
from ..contract import Payments
from ..finance import CashFlows
from ..finance.waterfall import Waterfall
from ..measure import OutcomeLedger
from ..scenario import Scenario

FORMAT_VERSION = 1
# Monthly flow counts, as the ledger names them (ledger.SERIES).
FLOW_COLUMNS = ("referrals", "engaged", "completed", "disengaged", "gave_up", "in_service", "waiting")
HOSPITAL_COLUMNS = ("patient_months", "treated_cost", "comparison_cost")
INVESTOR = "investor"  # the id of a single `finance.investor` (its one tranche)


@dataclass(frozen=True)
class Actuals:
    """A contract's history to its as-of month; every array has one value per observed month."""

    scenario: str
    currency: str
    start_date: dt.date
    months: int  # months observed; the as-of month is months - 1
    flows: dict[str, np.ndarray]  # FLOW_COLUMNS -> counts by month
    star_returns: np.ndarray  # recorded follow-up Stars by month
    star_change_sum: np.ndarray  # sum of their change since the first Star (returns x mean change)
    hospital: dict[str, np.ndarray] | None  # HOSPITAL_COLUMNS by month, where evaluated
    line_ids: tuple[str, ...]
    payer_ids: tuple[str, ...]
    claimed: np.ndarray  # (n_lines, months): claimed before caps, by the month the claim was made
    paid: np.ndarray  # (n_lines, n_payers, months): outcome payments by the month paid
    costs: dict[str, np.ndarray]  # delivery cost item -> amount by month
    investors: dict[str, dict[str, np.ndarray]]  # tranche id -> {"drawn", "distributed"} by month
    source: dict[str, object] | None = field(default=None)  # where simulated actuals came from

    @property
    def as_of(self) -> dt.date:
        return add_months(self.start_date, self.months - 1)

    @property
    def paid_by_payer(self) -> dict[str, float]:
        return {p: float(self.paid[:, i].sum()) for i, p in enumerate(self.payer_ids)}

    @property
    def paid_by_line(self) -> dict[str, float]:
        return {line: float(self.paid[i].sum()) for i, line in enumerate(self.line_ids)}

    @property
    def paid_total(self) -> float:
        return float(self.paid.sum())


def history_of_path(scenario: Scenario, ledger: OutcomeLedger, payments: Payments, flows: CashFlows,
                    months: int, index: int = 0, source: dict[str, object] | None = None) -> Actuals:
    """Replication `index` of a simulated (ledger, payments, flows) as actuals to `months` months."""
    if not 1 <= months <= scenario.run.horizon_months:
        raise ValueError(f"months observed must be 1 to {scenario.run.horizon_months}, not {months}")
    s = ledger.series
    window = slice(0, months)
    claimed = np.zeros((len(payments.line_ids), months))
    for claim in payments.claims:
        made = int(np.floor(claim.claim_month))
        if made < months:
            claimed[payments.line_ids.index(claim.line), made] += float(claim.earned[index])
    hospital = None
    if "hospital" in ledger.modelled:
        hospital = {name: s[f"hospital_{name}"][index, window].astype(float) for name in HOSPITAL_COLUMNS}
    w = flows.waterfall
    return Actuals(
        scenario=scenario.name, currency=scenario.currency, start_date=scenario.run.start_date, months=months,
        flows={name: s[name][index, window].astype(float) for name in FLOW_COLUMNS},
        star_returns=s["star_followups"][index, window].astype(float),
        star_change_sum=s["star_change_sum"][index, window].astype(float),
        hospital=hospital, line_ids=payments.line_ids, payer_ids=payments.payer_ids,
        claimed=claimed, paid=payments.paid[index, :, :, window].astype(float),
        costs={item: np.asarray(v[index, window], dtype=float) for item, v in flows.costs.items()},
        investors=_investors_of_path(w, index, window), source=source)


def _investors_of_path(w: Waterfall, index: int, window: slice) -> dict[str, dict[str, np.ndarray]]:
    """Draws and distributions by investor: each tranche of a capital stack (paid by the SPV:
    interest, capital, return and surplus share), or the one investor."""
    if w.stack is None:
        return {INVESTOR: {"drawn": w.draws[index, window].astype(float),
                           "distributed": (w.repayments + w.returns)[index, window].astype(float)}}
    st = w.stack
    paid = st.interest + st.principal + st.returns + st.surplus
    return {tranche: {"drawn": st.draws[index, k, window].astype(float),
                      "distributed": paid[index, k, window].astype(float)} for k, tranche in enumerate(st.ids)}
