"""The scenario language as a pydantic schema. Only types and validation live here; no I/O."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr, model_serializer, model_validator

from ..kinds import KINDS
from .base import FieldError, Section
from .cohort import Cohort, PatientGroup, ReferralPause, Referrals
from .contract import (Claim, CohortThreshold, CohortWindow, Contract, DatedPrice, FixedFee, ParticipantOutcome,
                       Payer, PayerShare, PerParticipant, Pooled, SavingsShare, SlidingScale, Tier)
from .finance import Commissioner, DeliveryCosts, Finance, Investor
from .hospital import Comparison, Hospital, RegressionToMean, ServiceLine
from .milestones import Milestone, check_milestones
from .run import MAX_HORIZON_MONTHS, Run
from .service import Service, StaffingStep
from .overrides import canonical_path
from .paths import FieldPath, Source
from .uncertainty import UNCERTAIN_SECTIONS, Distribution, join_groups, resolve_groups, same_value, split_groups
from .wellbeing import STAR_AREAS, Wellbeing


class Scenario(Section):
    """One validated, immutable scenario: the input to every stage of the pipeline."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    currency: str = "GBP"
    run: Run = Run()
    cohort: Cohort
    service: Service
    # Optional: a youth-employment or homelessness rate card has no Stars and no hospital use.
    wellbeing: Wellbeing | None = None
    hospital: Hospital | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    contract: Contract
    finance: Finance
    # dotted path of a numeric value in cohort/service/wellbeing/hospital/milestones -> its distribution. Written
    # here, or inline where the value is (`{dist: ...}`): the loader moves inline ones here.
    uncertainty: dict[str, Distribution] = Field(default_factory=dict)
    # Named groups of uncertain parameters (name -> paths), written `uncertainty: {groups: ...}` in a
    # file: kept apart from the distributions here, and put back under `uncertainty` when dumped.
    uncertainty_groups: dict[str, list[str]] = Field(default_factory=dict)
    # Where each annotated value comes from (`{value: ..., reference: ...}` in the file), by path with
    # list items by position; set by the loader (sib_sim.io), not written in a scenario.
    _sources: dict[FieldPath, Source] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        """Scenarios are equal when their values are; where the values were cited from does not count."""
        return type(other) is type(self) and self.__dict__ == other.__dict__  # type: ignore[union-attr]

    @property
    def sources(self) -> dict[str, Source]:
        """Each annotated value's reference, assumption flag, note and unit, by dotted path."""
        return {str(path): source for path, source in self._sources.items()}

    def source(self, path: str | tuple[str | int, ...]) -> Source | None:
        """The annotation of the value at `path` (dotted text, list items by position or id), if any."""
        parsed = FieldPath.parse(path) if isinstance(path, str) else FieldPath(path)
        resolved = parsed.resolve(self.model_dump())
        return None if resolved is None else self._sources.get(resolved)

    def with_sources(self, sources: dict[tuple[str | int, ...], Source]) -> "Scenario":
        """This scenario carrying `sources` (the loader's annotations), as a copy."""
        copy = self.model_copy()
        copy._sources = {FieldPath(p): s for p, s in sources.items()}
        return copy

    @model_validator(mode="before")
    @classmethod
    def _split_groups(cls, data: Any) -> Any:
        return split_groups(data)

    @model_serializer(mode="wrap")
    def _join_groups(self, handler: Any) -> Any:
        dumped = handler(self)
        return join_groups(dumped) if isinstance(dumped, dict) else dumped

    def parameter_groups(self) -> dict[str, list[str]]:
        """The named groups, each as the `uncertainty:` keys of its members (ids resolved)."""
        return resolve_groups(self.uncertainty_groups, list(self.uncertainty),
                              self.model_dump(include=set(UNCERTAIN_SECTIONS)))

    @model_validator(mode="after")
    def _cross_checks(self) -> "Scenario":
        payer_ids = [p.id for p in self.contract.payers]
        if self.finance.commissioner.payer not in payer_ids:
            raise FieldError(
                ("finance", "commissioner", "payer"),
                f"finance.commissioner.payer {self.finance.commissioner.payer!r} is not a contract payer; "
                f"known: {payer_ids}"
            )
        self._check_horizon()
        self._check_draw_months()
        check_milestones(self.milestones)
        self._check_contract_areas()
        self._check_uncertain_paths()
        self.parameter_groups()  # every group names uncertain parameters only
        for i, rule in enumerate(self.contract.outcomes):
            self._check_line_inputs(i, rule)
        return self

    def _check_draw_months(self) -> None:
        f = self.finance
        for t, tranche in enumerate(f.tranches):
            where = ("finance", "investor") if f.investors is None else ("finance", "investors", t)
            for i, draw in enumerate(tranche.drawdown_schedule):
                if draw.month >= self.run.horizon_months:
                    raise FieldError((*where, "drawdown_schedule", i, "month"),
                                     f"month {draw.month:g} is after the horizon ({self.run.horizon_months} months)")

    def _check_contract_areas(self) -> None:
        """contract.areas names each of the cohort's areas once, and only those."""
        if not self.contract.areas:
            return
        cohort_areas = [a.id for a in self.cohort.areas]
        named = [a.area for a in self.contract.areas]
        for i, area in enumerate(named):
            if area not in cohort_areas:
                raise FieldError(("contract", "areas", i, "area"),
                                 f"unknown area {area!r}; the cohort's areas (cohort.areas): {cohort_areas or 'none'}")
        missing = [a for a in cohort_areas if a not in named]
        if missing:
            raise FieldError(("contract", "areas"), f"no payers for area(s) {', '.join(missing)}: name each of "
                             "cohort.areas once")

    def _check_line_inputs(self, i: int, rule: object) -> None:
        """A line must read something this scenario models: Stars, hospital use, a named milestone
        (each rule kind says what, sib_sim.kinds)."""
        try:
            KINDS[rule.kind].check(rule, self)
        except FieldError as error:
            raise FieldError(("contract", "outcomes", i) + error.path, str(error)) from None

    def _check_horizon(self) -> None:
        """Support must fit in the months simulated, or no participant could finish it (and every
        outcome that needs a completed support period would be zero for a reason no one sees)."""
        longest, horizon = self.service.support_months_max, self.run.horizon_months
        if longest > MAX_HORIZON_MONTHS:
            raise FieldError(("service", "support_months_max"), f"{longest:g} months of support is longer than "
                             f"the longest horizon sib_sim simulates ({MAX_HORIZON_MONTHS} months)")
        if horizon < longest:
            raise FieldError(("run", "horizon_months"), f"the horizon ({horizon} months) is shorter than support "
                             f"(service.support_months_max {longest:g} months): no one could finish support")

    def _check_uncertain_paths(self) -> None:
        data = self.model_dump(include=set(UNCERTAIN_SECTIONS))
        for path in self.uncertainty:
            try:
                parsed = FieldPath.parse(path)
            except ValueError as error:
                raise FieldError(("uncertainty", path), str(error)) from None
            if parsed[0] not in UNCERTAIN_SECTIONS:
                raise FieldError(("uncertainty", path), f"only values in {', '.join(UNCERTAIN_SECTIONS)} can be "
                                 "uncertain (explore contract and finance terms with sweep or compare)")
            node = parsed.value_in(data)
            if node is None:
                raise FieldError(("uncertainty", path), f"no such value: {path}")
            if isinstance(node, bool) or not isinstance(node, (int, float)):
                raise FieldError(("uncertainty", path), f"{path} is not a number")
            self._check_point_value(data, path, float(node))

    def _check_point_value(self, data: dict[str, object], path: str, written: float) -> None:
        """DESIGN.md section 3: a distribution's point value is the base case (what runs with
        `run.uncertainty: false`, and the one-way sensitivity base). A different value written in the
        field would be silently ignored, so it is refused at the field."""
        dist = self.uncertainty[path]
        if same_value(written, dist.point):
            return
        field = canonical_path(data, path) or FieldPath.parse(path)
        raise FieldError(field, f"the value written here ({written:g}) is not the point value of its "
                         f"distribution in uncertainty.{path} ({dist.point:g}, the {dist.point_name}), which is the "
                         f"base case: write {dist.point:g} here, centre the distribution on {written:g}, or fix the "
                         f"value with {{dist: fixed, at: {written:g}}}")


__all__ = [
    "STAR_AREAS", "FieldPath", "Source", "Claim", "Milestone", "Cohort", "CohortThreshold", "CohortWindow", "ParticipantOutcome", "PerParticipant",
    "Pooled", "Tier", "Commissioner", "Comparison", "Contract", "DatedPrice", "DeliveryCosts",
    "Finance", "FixedFee", "Hospital", "Investor", "PatientGroup", "Payer", "PayerShare", "ReferralPause",
    "Referrals", "RegressionToMean", "Run", "SavingsShare", "Scenario", "Service", "ServiceLine",
    "SlidingScale", "StaffingStep", "Wellbeing",
]
