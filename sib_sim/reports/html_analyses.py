"""report.html's sections for analyses added to a results folder: `sensitivity/` and `sweep/`.

Each table is formatted as the console formats it (reports/console.py): parameters in words with
their paths beside them, money as £77.9k, probabilities as %, multiples as 1.84x, never 7.791e+04.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .html_parts import MAX_SENSITIVITY_ROWS, Figure, Row, Section, Table, finite, general, label
from .labels import format_value, metric_kind, metric_label, parameter_label, path_kind, unit_text

# Per method: (column in the CSV, header, what its values are: the parameter's unit, the metric's, plain).
SENSITIVITY_COLUMNS = {
    "tornado": (("low", "Parameter at P10", "parameter"), ("high", "Parameter at P90", "parameter"),
                ("metric_low", "Result at P10", "metric"), ("metric_high", "Result at P90", "metric"),
                ("swing", "Swing", "metric"), ("swing_se", "± standard error", "metric")),
    "morris": (("mu_star", "mu* (influence)", "metric"), ("mu_star_conf", "± 95%", "metric"),
               ("sigma", "sigma (interactions)", "metric"), ("mu", "mu", "metric")),
    "sobol": (("S1", "First order (S1)", "plain"), ("S1_conf", "± 95%", "plain"),
              ("ST", "Total order (ST)", "plain"), ("ST_conf", "± 95% ", "plain")),
}
TITLES = {"tornado": "One-way sensitivity (tornado)", "morris": "Morris screening", "sobol": "Sobol indices"}


@dataclass
class Analyses:
    """What a results folder's sensitivity/ and sweep/ hold, read by html.render_report_from_folder."""

    sensitivity_tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    sensitivity_figures: Mapping[str, bytes] = field(default_factory=dict)
    sensitivity_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # stem -> <stem>.json
    sweep_grid: pd.DataFrame | None = None
    sweep_settings: Mapping[str, Any] | None = None
    sweep_figure: bytes | None = None


def _uri(png: bytes | None) -> str | None:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None


def _cell(value: object, kind: str, currency: str) -> str:
    v = finite(value.item() if hasattr(value, "item") else value)
    return "–" if v is None else format_value(kind, v, currency)


def sensitivity_section(analyses: Analyses, currency: str) -> Section:
    section = Section("sensitivity", "Sensitivity")
    tables, figures = analyses.sensitivity_tables, analyses.sensitivity_figures
    if not tables and not figures:
        section.paragraphs.append("Sensitivity results not available: this run did not include a sensitivity "
                                  "analysis.")
        return section
    section.paragraphs.append("How much the results move when uncertain assumptions are varied. Parameters are "
                              "named in words, with their scenario path below.")
    for stem, png in figures.items():
        metric = str((analyses.sensitivity_settings.get(stem) or {}).get("metric") or "")
        what = f" of {metric_label(metric).lower()}" if metric else ""
        section.figures.append(Figure(f"{TITLES.get(stem, label(stem))}{what}", "", _uri(png)))
    for stem, frame in tables.items():
        if stem in SENSITIVITY_COLUMNS and not frame.empty:
            section.tables.append(sensitivity_table(stem, frame, analyses.sensitivity_settings.get(stem) or {},
                                                    currency))
    points = sorted(s for s in tables if s not in SENSITIVITY_COLUMNS and s.endswith(("_points", "_second_order")))
    section.tables += [frame_table(label(stem), frame) for stem, frame in tables.items()
                       if stem not in SENSITIVITY_COLUMNS and stem not in points and not frame.empty]
    if points:  # one row per design point: too long for a page, and read by scripts
        section.paragraphs.append("Every design point is in " + ", ".join(f"sensitivity/{s}.csv" for s in points)
                                  + ".")
    return section


def frame_table(caption: str, frame: pd.DataFrame) -> Table:
    """Any other CSV as a table (first column as row labels, a parameter path in words), cut to a page."""
    shown = frame.head(MAX_SENSITIVITY_ROWS)
    parameters = frame.columns[0] == "parameter"
    rows = tuple(Row(parameter_label(str(r[0])) if parameters else _general(r[0]),
                     tuple(_general(v) for v in r[1:]), str(r[0]) if parameters else "")
                 for r in shown.itertuples(index=False))
    if len(frame) > len(shown):
        caption += f" (first {len(shown)} of {len(frame)} rows; all are in the CSV)"
    return Table(caption, tuple(str(c) for c in frame.columns), rows, wide=len(frame.columns) > 6)


def _general(value: object) -> str:
    # pandas hands back numpy scalars; .item() turns them into the Python numbers general() knows.
    return general(value.item() if hasattr(value, "item") else value)


def sensitivity_table(stem: str, frame: pd.DataFrame, settings: Mapping[str, Any], currency: str) -> Table:
    metric = str(settings.get("metric") or "")
    kind = metric_kind(metric) if metric else "number"
    columns = [c for c in SENSITIVITY_COLUMNS[stem] if c[0] in frame.columns]
    shown = frame.head(MAX_SENSITIVITY_ROWS)
    rows = []
    for record in shown.to_dict("records"):
        path = str(record.get("parameter", ""))
        kinds = {"parameter": path_kind(path), "metric": kind, "plain": "number"}
        rows.append(Row(parameter_label(path), tuple(_cell(record[c], kinds[k], currency) for c, _, k in columns),
                        path))
    caption = TITLES[stem]
    if metric:
        base = finite(settings.get("base"))
        caption += f" of {metric_label(metric).lower()}{unit_text(kind, currency)}"
        if base is not None:
            caption += f", base {format_value(kind, base, currency)}"
    if len(frame) > len(shown):
        caption += f" (first {len(shown)} of {len(frame)} rows; all are in the CSV)"
    return Table(caption, ("Parameter", *(h for _, h, _ in columns)), tuple(rows), wide=len(columns) > 5)


def sweep_section(analyses: Analyses, currency: str) -> Section | None:
    """The deal zone: where both the investor's hurdle and the commissioner's cover are likely enough."""
    grid, settings = analyses.sweep_grid, analyses.sweep_settings or {}
    if (grid is None or grid.empty) and not analyses.sweep_figure:
        return None
    section = Section("sweep", "The deal zone")
    hurdle, probability = finite(settings.get("hurdle_multiple")), finite(settings.get("probability"))
    axes = [str(a.get("path")) for a in settings.get("axes") or [] if isinstance(a, Mapping)]
    if grid is not None and not axes:  # no sweep.json: the term columns are those before the results
        axes = list(grid.columns[:list(grid.columns).index("p_investor_hurdle")]) \
            if "p_investor_hurdle" in grid.columns else []
    if hurdle is not None and probability is not None:
        section.paragraphs.append(
            f"Each point re-prices the simulated cohorts with different terms. The deal zone holds the points "
            f"where the investor's money multiple reaches {hurdle:g}x and the commissioner's net cost is at most "
            f"zero, each in at least {probability:.0%} of {general(settings.get('replications'))} runs.")
    section.figures.append(Figure("Deal zone", "Probabilities over the runs at each point; the deal zone is "
                                  "shaded or hatched.", _uri(analyses.sweep_figure)))
    if grid is not None and not grid.empty:
        section.tables.append(sweep_table(grid, axes, currency))
    return section


def sweep_table(grid: pd.DataFrame, axes: list[str], currency: str) -> Table:
    results = (("p_investor_hurdle", "P(investor reaches hurdle)", "share"),
               ("p_commissioner_covered", "P(commissioner net cost <= 0)", "share"),
               ("payments_total_p50", "Median outcome payments", "money"),
               ("investor_multiple_p50", "Median multiple", "multiple"),
               ("commissioner_net_cost_p50", "Median commissioner net cost", "money"))
    results = tuple(r for r in results if r[0] in grid.columns)
    shown = grid.head(MAX_SENSITIVITY_ROWS)
    rows = []
    for record in shown.to_dict("records"):
        terms = [f"{parameter_label(a)} {_cell(record.get(a), path_kind(a), currency)}" for a in axes]
        deal = str(record.get("deal")).lower() in ("true", "1", "1.0")
        cells = tuple(_cell(record.get(c), k, currency) for c, _, k in results) + ("yes" if deal else "",)
        rows.append(Row("; ".join(terms), cells))
    caption = "The grid: " + ", ".join(axes)
    if len(grid) > len(shown):
        caption += f" (first {len(shown)} of {len(grid)} points; all are in sweep/grid.csv)"
    return Table(caption, ("Terms", *(h for _, h, _ in results), "Deal zone"), tuple(rows), wide=True)
