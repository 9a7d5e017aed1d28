"""The capital stack in the report and workbook: one row per tranche and per guarantor.

Reads only summary metrics (`investor.<id>.*`, `guarantor.<id>.call`; finance/stack_metrics.py), so
`sib-sim report DIR` re-renders it from the folder. No rows without a capital stack.
"""

from __future__ import annotations

from collections.abc import Mapping

from .html_parts import Formats, Metrics, Row, Table

TRANCHE_HEADERS = ("Tranche", "Drawn (mean)", "Peak exposure (mean)", "Distributions (mean)", "Multiple (median)",
                   "IRR (median)", "P(loss), 95% interval", "Expected loss, 95% interval")
GUARANTOR_HEADERS = ("Guarantor", "Expected call, 95% interval", "95th percentile call, 95% interval")


def tranche_ids(metrics: Mapping[str, Mapping[str, float]]) -> list[str]:
    return [name[len("investor."):-len(".drawn")] for name in metrics
            if name.startswith("investor.") and name.endswith(".drawn")]


def guarantor_ids(metrics: Mapping[str, Mapping[str, float]]) -> list[str]:
    return [name[len("guarantor."):-len(".call")] for name in metrics
            if name.startswith("guarantor.") and name.endswith(".call")]


def _interval(f: Formats, kind: str, value: float | None, lo: float | None, hi: float | None) -> str:
    return f"{f(kind, value)} ({f(kind, lo)} to {f(kind, hi)})"


def stack_tables(m: Metrics, f: Formats) -> list[Table]:
    """The tranche table and, when any tranche is guaranteed, the guarantor table."""
    ids = tranche_ids(m.metrics)
    if not ids:
        return []
    rows = []
    for t in ids:
        key = f"investor.{t}"
        p = f"{key}.p_loss"
        rows.append(Row(t, (f("money", m.get(f"{key}.drawn", "mean")), f("money", m.get(f"{key}.peak_exposure", "mean")),
                            f("money", m.get(f"{key}.distributions", "mean")),
                            f("multiple", m.get(f"{key}.multiple", "p50")), f("share", m.get(f"{key}.irr", "p50")),
                            _interval(f, "share", m.get(p, "value"), m.get(p, "lo"), m.get(p, "hi")),
                            _interval(f, "money", *(m.get(f"{key}.loss_amount", s) for s in ("mean", "mean_lo", "mean_hi"))))))
    tables = [Table("Capital stack: each tranche (intervals: Monte Carlo error of the estimate)", TRANCHE_HEADERS,
                    tuple(rows), wide=True)]
    guarantors = guarantor_ids(m.metrics)
    if guarantors:
        g_rows = tuple(Row(g, (_interval(f, "money", *(m.get(f"guarantor.{g}.call", s) for s in ("mean", "mean_lo", "mean_hi"))),
                               _interval(f, "money", *(m.get(f"guarantor.{g}.call", s) for s in ("p95", "p95_lo", "p95_hi")))))
                       for g in guarantors)
        tables.append(Table("Guarantors: calls at the horizon, on each guaranteed tranche's loss of principal",
                            GUARANTOR_HEADERS, g_rows))
    return tables


def stack_rows(metrics: Mapping[str, Mapping[str, float]]) -> list[tuple[str, str, float | None, float | None,
                                                                          float | None]]:
    """(tranche or guarantor, metric, value, lo, hi) for the workbook's Tranches sheet."""
    m = Metrics(metrics)
    out = []
    for t in tranche_ids(metrics):
        key = f"investor.{t}"
        for name in ("drawn", "peak_exposure", "distributions", "multiple", "irr"):
            out.append((t, name, m.get(f"{key}.{name}", "mean"), m.get(f"{key}.{name}", "mean_lo"),
                        m.get(f"{key}.{name}", "mean_hi")))
        out.append((t, "p_loss", m.get(f"{key}.p_loss", "value"), m.get(f"{key}.p_loss", "lo"),
                    m.get(f"{key}.p_loss", "hi")))
        out.append((t, "expected_loss", m.get(f"{key}.loss_amount", "mean"), m.get(f"{key}.loss_amount", "mean_lo"),
                    m.get(f"{key}.loss_amount", "mean_hi")))
    for g in guarantor_ids(metrics):
        stats = [m.get(f"guarantor.{g}.call", s) for s in ("mean", "mean_lo", "mean_hi", "p95", "p95_lo", "p95_hi")]
        out.append((g, "expected_call", *stats[:3]))
        out.append((g, "p95_call", *stats[3:]))
    return out
