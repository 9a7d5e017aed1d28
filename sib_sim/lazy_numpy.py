"""numpy, imported on first use: the scenario language's modules (kinds/, scenario/) compute with
numpy only when a contract is priced or a cohort drawn, so `validate` and `--help` need not pay
for importing it (about a tenth of a second). `from ..lazy_numpy import np` stands in for
`import numpy as np`; attribute access costs one extra lookup, outside any inner loop."""

from __future__ import annotations

import importlib
from typing import Any


class _LazyNumpy:
    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("numpy"), name)


np: Any = _LazyNumpy()
