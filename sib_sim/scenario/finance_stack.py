"""The capital stack: tranches of investor capital (loans and equity) and the guarantors behind them.

`finance.investors:` lists the tranches; `finance.guarantors:` names who guarantees them. The old
single `finance.investor:` is still accepted and is read as one equity tranche with id `investor`
(finance/stack.py), so single-investor scenarios keep their numbers exactly.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import FieldError, Identifier, Money, NonNegative, Probability, Section

MonthIndex = Annotated[int, Field(ge=0)]


class ScheduledDraw(Section):
    """The SPV draws `amount` at the start of contract month `month` (0 = the first month)."""

    month: MonthIndex
    amount: Money


class ReturnCap(Section):
    """The most the investor can be paid before the surplus split: a money multiple or an annual IRR.

    Exactly one of the two. An IRR cap stops distributions once paying more would lift the investor's
    IRR (XIRR convention, actual/365) above `irr`.
    """

    multiple: float | None = Field(default=None, ge=1.0)
    irr: NonNegative | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "ReturnCap":
        if (self.multiple is None) == (self.irr is None):
            raise FieldError(("multiple",), "give exactly one of multiple (e.g. 2.0) or irr (annual, e.g. 0.12)")
        return self


class Interest(Section):
    """A loan's interest: an annual rate on what is owed (principal plus unpaid interest).

    `paid`: interest falls due every month and is paid from surplus cash by seniority; what cannot be
    paid is carried as arrears (and bears interest). `rolled_up`: interest is added to the balance
    and falls due with the principal.
    """

    rate: NonNegative
    payment: Literal["paid", "rolled_up"] = "paid"


class Instalment(Section):
    """From contract month `month`, `share` of the principal drawn is due, in all (cumulative)."""

    month: MonthIndex
    share: Probability


class Guarantee(Section):
    """A named guarantor covers the tranche's loss of principal, up to `share` of the principal drawn."""

    guarantor: Identifier
    share: Probability


class Guarantor(Section):
    id: Identifier
    name: str = ""


class Tranche(Section):
    """One tranche of capital. With `interest` it is a loan (its return is its interest); without, it
    is equity with a `return_cap` (default a 2.0x money multiple) and a share of any surplus above the
    caps. Lower `seniority` numbers are paid first; lower `drawdown_order` numbers are drawn first
    (default: the order of the list)."""

    id: Identifier
    name: str = ""
    commitment: Money
    seniority: int = Field(default=1, ge=1)
    drawdown_order: int | None = Field(default=None, ge=1)
    drawdown: Literal["as_needed", "schedule"] = "as_needed"
    drawdown_schedule: list[ScheduledDraw] = []
    interest: Interest | None = None
    return_cap: ReturnCap | None = None
    repay_from_month: MonthIndex = 0
    repayment_schedule: list[Instalment] = []
    first_loss: bool = False
    guarantee: Guarantee | None = None
    capital_protection: Probability = 0.0

    @model_validator(mode="after")
    def _consistent(self) -> "Tranche":
        if self.interest is not None and self.return_cap is not None:
            raise FieldError(("return_cap",), "a loan's return is its interest: give interest or return_cap, "
                                              "not both")
        check_drawdown(self.drawdown, self.drawdown_schedule)
        check_instalments(self.repayment_schedule, self.repay_from_month)
        return self


def check_instalments(schedule: list[Instalment], repay_from_month: int) -> None:
    """An amortisation schedule: months rising, shares due rising (cumulative, so never falling) and
    positive; it replaces `repay_from_month`, which it then cannot be given with."""
    if schedule and repay_from_month:
        raise FieldError(("repayment_schedule",), "give repay_from_month or a repayment_schedule, not both: "
                                                  "the schedule's first month is when repayment starts")
    for i, (before, now) in enumerate(zip(schedule, schedule[1:]), start=1):
        if now.month <= before.month:
            raise FieldError(("repayment_schedule", i, "month"),
                             f"instalment months must rise: month {now.month} comes after month {before.month}")
        if now.share < before.share:
            raise FieldError(("repayment_schedule", i, "share"),
                             f"shares are cumulative (the share due by that month, in all): {now.share} is below "
                             f"the {before.share} due by month {before.month}")
    if schedule and schedule[0].share <= 0:
        raise FieldError(("repayment_schedule", 0, "share"), "the first instalment must make some principal due")


def check_drawdown(drawdown: str, schedule: list[ScheduledDraw]) -> None:
    """A drawdown schedule is given exactly when drawdown is `schedule`, each month at most once
    (for the single investor and for every tranche alike)."""
    if drawdown == "schedule" and not schedule:
        raise FieldError(("drawdown_schedule",), "drawdown: schedule needs a drawdown_schedule "
                                                 "(a list of {month, amount})")
    if drawdown == "as_needed" and schedule:
        raise FieldError(("drawdown",), "a drawdown_schedule is used only with drawdown: schedule")
    months = [d.month for d in schedule]
    for i, month in enumerate(months):
        if month in months[:i]:
            raise FieldError(("drawdown_schedule", i, "month"), f"month {month} is scheduled twice")


def check_stack(tranches: list[Tranche], guarantors: list[Guarantor]) -> None:
    """Ids unique; every guarantee names a guarantor of `finance.guarantors`."""
    ids = [t.id for t in tranches]
    for i, tranche_id in enumerate(ids):
        if tranche_id in ids[:i]:
            raise FieldError(("investors", i, "id"), f"tranche id {tranche_id!r} is used twice")
    known = [g.id for g in guarantors]
    for i, g in enumerate(guarantors):
        if g.id in known[:i]:
            raise FieldError(("guarantors", i, "id"), f"guarantor id {g.id!r} is used twice")
    for i, t in enumerate(tranches):
        if t.guarantee is not None and t.guarantee.guarantor not in known:
            raise FieldError(("investors", i, "guarantee", "guarantor"),
                             f"unknown guarantor {t.guarantee.guarantor!r}; finance.guarantors: {known or 'none'}")
    used = {t.guarantee.guarantor for t in tranches if t.guarantee is not None}
    for i, g in enumerate(guarantors):
        if g.id not in used:
            raise FieldError(("guarantors", i, "id"), f"guarantor {g.id!r} guarantees no tranche")


__all__ = ["Guarantee", "Guarantor", "Instalment", "Interest", "MonthIndex", "ReturnCap", "ScheduledDraw", "Tranche", "check_stack"]
