"""Secondary-care use: service lines, heterogeneity, treatment effect, comparison cohort."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import FieldError, Identifier, Money, Months, NonNegative, Positive, Probability, Section


class ServiceLine(Section):
    id: Identifier
    rate_per_year: NonNegative
    unit_cost: Money
    effect_during_support: Probability = 0.0


class RegressionToMean(Section):
    """Use is raised at referral (people are referred when things are bad) and falls back."""

    excess_at_referral: NonNegative = 0.0
    half_life_months: Positive = 6.0
    comparison_shares_it: bool = True


class Comparison(Section):
    """The matched comparison cohort the evaluator measures against."""

    matching_bias: float = Field(default=0.0, gt=-1.0)
    patients_per_participant: Positive = 1.0
    # The comparison cohort's use changes relative to the participants' counterfactual by this share
    # a year from the contract start, compounding (+0.03: 3% more each year; a comparison area whose
    # services change, or a matching model gone stale). It inflates measured savings over time.
    drift_per_year: float = Field(default=0.0, gt=-1.0)


class Hospital(Section):
    lines: list[ServiceLine] = Field(min_length=1)
    frailty_shape: Positive
    effect_half_life_months: Positive
    follow_up_months: Positive = 60.0
    secular_trend_per_year: float = Field(default=0.0, gt=-1.0)
    regression_to_mean: RegressionToMean = RegressionToMean()
    comparison: Comparison = Comparison()

    @model_validator(mode="after")
    def _unique(self) -> "Hospital":
        ids = [line.id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise FieldError(("lines",), "service line ids must be unique")
        return self


__all__ = ["Comparison", "Hospital", "RegressionToMean", "ServiceLine", "Probability", "Months"]
