"""The scenario schema's building blocks live in sib_sim.fields, below the rule kinds (sib_sim.kinds),
which the contract section is made of; they are named here too for the scenario's own sections."""

from ..fields import (LARGEST, STRICT, FieldError, Identifier, Money, Months, NonNegative, Positive, Probability,
                      Section, coercion)

__all__ = ["LARGEST", "STRICT", "FieldError", "Identifier", "Money", "Months", "NonNegative", "Positive",
           "Probability", "Section", "coercion"]
