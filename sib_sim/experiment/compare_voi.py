"""Value of information for the choice between `compare` variants (experiment.voi does the estimating).

The decision is which variant to sign, on the commissioner's net benefit in money (as `vfm`:
cashable savings less what the commissioner pays, discounted, plus a value per pound of non-cashable
savings and per Star point, at each willingness to pay). Every variant is run on the same seeds, and
each uncertain parameter's draw in a replication is fixed by (seed, replication, path) alone
(experiment.parameters.draw_parameters), so variants that make the same field uncertain share its
draws exactly. Where their uncertain fields differ:

- a field uncertain in some variants and fixed in others: the draws of the variants where it is
  uncertain are the information (the others use their fixed value in every replication, so learning
  it tells nothing about them);
- a field with different distributions in different variants: each variant's value is its own
  distribution's inverse CDF at the same uniform, so the values move together (comonotone) and
  learning one is learning the others; the regression uses the first such variant's values.

Both cases are stated in the notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..measure import OutcomeLedger
from ..scenario import Scenario
from .results import Results
from .vfm_arms import outcome_values
from .voi import ValueOfInformation, check_groups, value_of_information


def net_benefit_of(results: Results, ledger: OutcomeLedger, per_non_cashable: float,
                   per_star_point: float) -> np.ndarray:
    """The commissioner's net benefit in each replication of one variant (vfm_arms.net_benefit's terms)."""
    values = outcome_values(results.scenario, ledger)
    return (-results.replications["commissioner_net_cost_npv"].to_numpy(dtype=float)
            + per_non_cashable * values["non_cashable_npv"] + per_star_point * values["star_points"])


def shared_parameters(scenarios: Sequence[Scenario], ledgers: Sequence[OutcomeLedger],
                      names: Sequence[str]) -> tuple[dict[str, np.ndarray], list[str]]:
    """The union of the variants' uncertain parameters (path -> draws), and notes on those whose
    uncertainty differs between variants (see the module's docstring)."""
    parameters: dict[str, np.ndarray] = {}
    notes = []
    paths = sorted({p for ledger in ledgers for p in ledger.parameters})
    for path in paths:
        having = [i for i, s in enumerate(scenarios) if path in s.uncertainty and path in ledgers[i].parameters]
        if not having:
            continue
        parameters[path] = np.asarray(ledgers[having[0]].parameters[path], dtype=float)
        if len(having) < len(scenarios):
            fixed = [names[i] for i in range(len(scenarios)) if i not in having]
            notes.append(f"{path} is uncertain in {', '.join(names[i] for i in having)} but fixed in "
                         f"{', '.join(fixed)}: the draws of the first are the information")
        dists = {scenarios[i].uncertainty[path].model_dump_json(exclude={"reference", "assumption", "note", "unit"})
                 for i in having}
        if len(dists) > 1:
            notes.append(f"{path} has different distributions in {', '.join(names[i] for i in having)}: each is "
                         f"drawn from the same uniform (comonotone), and the regression uses "
                         f"{names[having[0]]}'s values")
    return parameters, notes


def merged_groups(scenarios: Sequence[Scenario],
                  groups: Mapping[str, Sequence[str]] | None) -> dict[str, Sequence[str]]:
    """Each variant's `uncertainty: groups:` (the first variant to name a group wins), then `groups`
    (added, or replacing a group of the same name), each checked against the variants' uncertain
    parameters."""
    merged: dict[str, Sequence[str]] = {}
    for scenario in scenarios:
        merged = scenario.parameter_groups() | merged
    merged |= dict(groups or {})
    check_groups(merged, sorted({p for s in scenarios for p in s.uncertainty}))
    return merged


def compare_value_of_information(priced: Sequence[tuple[Results, OutcomeLedger]], names: Sequence[str],
                                 willingness: Sequence[tuple[float, float]],
                                 groups: Mapping[str, Sequence[str]] | None, programmes: float,
                                 seed: int) -> ValueOfInformation:
    """EVPI and EVPPI (each parameter and group) for the choice between the variants."""
    parameters, notes = shared_parameters([r.scenario for r, _ in priced], [ledger for _, ledger in priced], names)
    benefits = {(a, b): {name: net_benefit_of(results, ledger, a, b) for name, (results, ledger) in zip(names, priced)}
                for a, b in willingness}
    voi = value_of_information(benefits, parameters, groups, programmes, seed)
    notes.insert(0, "for the choice between the compare variants on the commissioner's net benefit (paired on the "
                    "same seeds and parameter draws)")
    return ValueOfInformation(voi.options, voi.programmes, voi.rows, tuple(notes) + voi.notes)
