"""Whether each uncertain field's distribution stays within what the field allows.

Draws are kept within the TAIL quantiles, so both are tried as values of the field, with the whole
scenario re-validated (scenario.overrides.with_overrides). This sits above both the distributions
(scenario.uncertainty) and the overrides that set a value by path, which import neither this module
nor each other's validators.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import UserError
from .overrides import with_overrides
from .uncertainty import TAIL, Beta, DistBase, Gamma, Normal


def check_ranges(scenario: Any) -> None:
    """Fail before any simulation if a distribution's tails break its field's rules (say a normal
    rate that can go negative): draws are kept within the 0.1% and 99.9% quantiles, so both of those
    are tried. Raises UserError with field `uncertainty.<path>`; the loader adds file:line."""
    for path, dist in scenario.uncertainty.items():
        if _enclosure_allowed(scenario, path, dist):
            continue
        for q in (TAIL, 1.0 - TAIL):
            value = dist.ppf(q)
            try:
                with_overrides(scenario, {path: value})
            except UserError as error:
                raise UserError(f"its {100 * q:g}% quantile is {value:.4g}, which this field does not allow "
                                f"({error.message}); choose a distribution that stays in range",
                                field=f"uncertainty.{path}") from None


# One-sided Chebyshev (Cantelli): P(X >= mean + k sd) <= 1 / (1 + k^2), which is TAIL at this k, so
# the TAIL quantiles of any distribution lie within mean -/+ k sd.
_CANTELLI_K = math.sqrt((1.0 - TAIL) / TAIL)


def _enclosure_allowed(scenario: Any, path: str, dist: DistBase, set_value: Any = with_overrides) -> bool:
    """Whether the field accepts both ends of an interval certain to hold the TAIL quantiles (mean
    -/+ k sd by Cantelli's inequality, cut to the support). A field's rules on one value are
    intervals (bounds and orderings), so every draw between them then passes too, and `validate`
    need not import scipy.special (a quarter of a second) to compute exact quantiles. A refusal
    here is never reported: the exact quantiles are then tried, and only they decide."""
    if not isinstance(dist, (Normal, Beta, Gamma)):
        return False
    low, high = dist.mean - _CANTELLI_K * dist.sd, dist.mean + _CANTELLI_K * dist.sd
    if isinstance(dist, Beta):
        low = max(low, 0.0)
    if isinstance(dist, Gamma):
        # The density is at most x^(k-1) / (Gamma(k) scale^k), so P(X <= x) <= (x / scale)^k / Gamma(k + 1):
        # a lower bound on the TAIL quantile that stays above zero, as the quantile does (cut by
        # 0.1% against rounding where the bound is nearly tight, at very small shapes).
        shape, scale = (dist.mean / dist.sd) ** 2, dist.sd ** 2 / dist.mean
        bound = scale * math.exp((math.log(TAIL) + math.lgamma(shape + 1.0)) / shape)
        low = max(low, 0.999 * bound)
    if isinstance(dist, Beta):
        high = min(high, 1.0)
    for value in (low, high):
        try:
            set_value(scenario, {path: value})
        except Exception:  # noqa: BLE001 - any refusal (or overflow) sends us to the exact quantiles
            return False
    return True
