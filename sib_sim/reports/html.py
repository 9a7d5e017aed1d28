"""report.html: one self-contained page a commissioner can email, rendered from a results folder.

`render_report` is a pure function of what a results folder holds (summary.json, replications.csv,
cashflows.csv, figures/*.png, sources.json, scenario.json, sensitivity/), not of a live Results: that
is what lets `sib-sim report DIR` re-render an old folder. Everything is formatted here, in Python; the
template (templates/report.html.j2) only lays out strings, with autoescape on. Figures are embedded
as base64 data URIs and the CSS is inline, so the page needs no network and no other file.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from ..errors import UserError
from .stack_table import stack_tables
from .summary_table import delivery_cut_warning
from .budget import budget_section
from .html_analyses import Analyses, sensitivity_section, sweep_section
from .html_timing import month_dates, payment_timing, payments_by_year
from .labels import variant_line

from .html_parts import (
    DASH, FIGURE_TEXT, Figure, Formats, Headline, Metrics, Row, STAT_HEADERS, Section,
    Table, by_id, commissioner_name, display_path, finite, general, label, payer_names, runs_share,
    scenario_at, spread, stat_row, stat_table,
)


# --- figures --------------------------------------------------------------------------------------

def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def embed(figures: Mapping[str, bytes], stem: str, title: str | None = None, caption: str = "") -> Figure:
    known_title, known_caption = FIGURE_TEXT.get(stem, (label(stem), ""))
    png = figures.get(stem)
    return Figure(title or known_title, caption or known_caption, data_uri(png) if png else None)


# --- sections -------------------------------------------------------------------------------------

def headlines(m: Metrics, f: Formats, scenario: Mapping[str, Any], replications: pd.DataFrame) -> list[Headline]:
    who = commissioner_name(scenario)
    cards = [card("Total outcome payments", m, "payments_total", "money", f, cap_note(replications, scenario, f)),
             card(f"{who} pays", m, "commissioner_payments", "money", f),
             card(f"{who}: net cost", m, "commissioner_net_cost", "money", f,
                  "Payments minus cashable hospital savings; negative means it saves money. "
                  + runs_where(replications, "commissioner_net_cost", lambda v: v > 0, "it pays more than it saves"))]
    if has_investor(m):
        cards += [card("Investor money multiple", m, "investor_multiple", "multiple", f),
                  card("Investor IRR (annual)", m, "investor_irr", "share", f, irr_note(m)),
                  Headline("Probability the investor loses money", runs_share(m, "investor_p_loss"))]
    else:
        cards.append(Headline("Investor", "No investor capital drawn", note="A direct or provider-risk contract."))
    cards += [card("Hospital cost below the comparison cohort", m, "hospital_cost_reduction", "share", f,
                   "As measured for outcome payments."),
              card("Change in Well-being Stars (cohort mean)", m, "star_change_mean", "points", f,
                   "First to latest recorded Star.")]
    return cards


def card(title: str, m: Metrics, name: str, kind: str, f: Formats, note: str = "") -> Headline:
    value, range_ = spread(m, name, kind, f)
    return Headline(title, value, "" if range_ == DASH else f"90% range {range_}", note.strip())


def has_investor(m: Metrics) -> bool:
    return m.value("investor_irr_status.no_outlay") < 1.0


def irr_note(m: Metrics) -> str:
    # Only no_root is undefined: a total loss has an IRR (-100%), and no outlay means no investor.
    undefined = m.value("investor_irr_status.no_root")
    return f"Undefined in {100 * undefined:.1f}% of runs (no rate gives zero NPV)." if undefined > 0 else ""


def runs_where(replications: pd.DataFrame, column: str, test: Callable[[pd.Series], pd.Series], what: str) -> str:
    """"In 12.5% of runs <what>." from replications.csv; empty when the column is not there."""
    if column not in replications.columns:
        return ""
    values = pd.to_numeric(replications[column], errors="coerce").dropna()
    if values.empty:
        return ""
    return f"In {100 * float(test(values).mean()):.1f}% of runs {what}."


def cap_note(replications: pd.DataFrame, scenario: Mapping[str, Any], f: Formats) -> str:
    cap = finite(scenario_at(scenario, "contract.cap"))
    if cap is None:
        return ""
    # Within one unit of currency: payments that reach the cap are cut to it exactly, up to float dust.
    return runs_where(replications, "payments_total", lambda v: v >= cap - 1.0,
                      f"payments reach the contract cap of {f('money', cap)}")


def warnings(m: Metrics, f: Formats) -> list[str]:
    found = []
    cut = delivery_cut_warning(m.metrics, f.currency)
    if cut:
        found.append(cut[0].upper() + cut[1:])
    if m.value("provider_p_loss") > 0:
        found.append(f"The provider loses money in {runs_share(m, 'provider_p_loss')} (median net "
                     f"{f('money', m.get('provider_net', 'p50'))}).")
    return found


def payments_section(m: Metrics, f: Formats, scenario: Mapping[str, Any], figures: Mapping[str, bytes]) -> Section:
    names, caps = payer_names(scenario), by_id(scenario, "contract.payers")
    payer_rows = tuple(stat_row(names.get(p, p), m, n, "money", f, payer_detail(p, caps.get(p), f))
                       for n in m.names("payments_by_payer.") for p in [n.removeprefix("payments_by_payer.")])
    lines = by_id(scenario, "contract.outcomes")
    line_rows = tuple(stat_row(label(o), m, n, "money", f, str((lines.get(o) or {}).get("description") or ""))
                      for n in m.names("payments_by_outcome.") for o in [n.removeprefix("payments_by_outcome.")])
    totals = (replace(stat_row("All outcome payments", m, "payments_total", "money", f), total=True),
              stat_row("Cut by caps (earned but not paid)", m, "payments_cut_by_caps", "money", f))
    who = commissioner_name(scenario)
    section = Section("payments", "What the commissioner pays", [
        "Outcome payments over the whole contract, by who pays and for which outcome. Each figure is over "
        "the simulated runs: the mean, the median and the range that holds 90% of runs."])
    section.tables += [Table("By payer", STAT_HEADERS, payer_rows + totals),
                       Table("By outcome line", STAT_HEADERS, line_rows),
                       stat_table(f"{who}: payments against hospital savings", m, f, [
                           ("Outcome payments", "commissioner_payments", "money"),
                           ("Outcome payments, present value", "commissioner_payments_npv", "money"),
                           ("Cashable hospital savings", "hospital_costs_avoided_cashable", "money"),
                           ("Shortfalls topped up", "commissioner_top_up", "money"),
                           ("Share of surplus received", "commissioner_surplus_share", "money"),
                           ("Net cost (negative: a saving)", "commissioner_net_cost", "money"),
                           ("Net cost, present value", "commissioner_net_cost_npv", "money")])]
    section.figures.append(embed(figures, "payments"))
    return section


def payer_detail(payer: str, spec: Mapping[str, Any] | None, f: Formats) -> str:
    cap = finite((spec or {}).get("cap"))
    return f"{payer}; cap {f('money', cap)}" if cap is not None else ""


def timing_section(cashflows: pd.DataFrame, f: Formats, figures: Mapping[str, bytes]) -> Section:
    section = Section("timing", "When payments arrive")
    table, sentence = payments_by_year(cashflows, f), payment_timing(cashflows, f)
    if table is None:
        section.paragraphs.append("Payments by year not available: the results folder has no cashflows.csv "
                                  "with outcome streams.")
    else:
        section.paragraphs.append(sentence or "")
        section.tables.append(table)
    section.figures.append(embed(figures, "cashflow_fan"))
    return section


def investor_section(m: Metrics, f: Formats, figures: Mapping[str, bytes]) -> Section:
    section = Section("investor", "What the investor gets")
    section.figures.append(embed(figures, "investor_multiple"))  # shown even without an investor: it says so
    if not has_investor(m):
        section.paragraphs.append("No investor capital is drawn in any run: nothing to report for an investor.")
        return section
    section.paragraphs.append(f"Probability the investor loses money (gets back less than it put in): "
                              f"{runs_share(m, 'investor_p_loss')}. {irr_note(m)}")
    paid_back, runs = m.get("investor_payback_month", "n") or 0, m.get("investor_p_loss", "n") or 0
    if paid_back < runs:
        section.paragraphs.append(f"The investor is paid back in {paid_back:.0f} of {runs:.0f} runs; the "
                                  "payback month is over those runs only.")
    section.tables.append(stat_table("Investor", m, f, [
        ("Capital drawn", "investor_drawn", "money"), ("Peak capital at work", "investor_peak_capital", "money"),
        ("Distributions received", "investor_distributions", "money"),
        ("Money multiple", "investor_multiple", "multiple"), ("IRR (annual, where defined)", "investor_irr", "share"),
        ("Paid back in", "investor_payback_month", "month")]))
    section.tables.extend(stack_tables(m, f))  # a capital stack: each tranche and guarantor
    return section


def cohort_section(m: Metrics, f: Formats, figures: Mapping[str, bytes]) -> Section:
    section = Section("cohort", "Cohort flow", ["Who is referred, who takes part and who completes the programme."])
    section.tables.append(stat_table("People", m, f, [
        ("Referrals", "referrals", "count"), ("Engaged (started support)", "engaged", "count"),
        ("Share of referrals engaged", "engagement_rate", "share"), ("Completed the programme", "completed", "count"),
        ("Left support early", "disengaged", "count"), ("Gave up waiting", "gave_up_waiting", "count"),
        ("Longest waiting list", "waiting_peak", "count"), ("Largest caseload", "caseload_peak", "count"),
        ("Link-worker utilisation", "link_worker_utilisation", "share")]))
    section.figures.append(embed(figures, "cohort_flow"))
    return section


def outcomes_section(m: Metrics, f: Formats, figures: Mapping[str, bytes]) -> Section:
    section = Section("outcomes", "Well-being Stars and hospital use against the comparison cohort", [
        "Measured results are what the contract pays on: recorded Stars, and hospital cost against a matched "
        "comparison cohort. The model also knows the true effect, which no evaluation sees; the gap between "
        "them comes from recording noise, missed assessments, regression to the mean and matching bias."])
    pairs = (("Star change, cohort mean", "star_change_mean", "star_change_true_mean", "points"),
             ("Hospital cost below comparison", "hospital_cost_reduction", "hospital_cost_reduction_true", "share"))
    rows = tuple(Row(text, spread(m, measured, kind, f) + spread(m, true, kind, f))
                 for text, measured, true, kind in pairs)
    section.tables.append(Table("Measured against true effect", (
        "", "Measured: median", "Measured: 90% range", "True: median", "True: 90% range"), rows))
    section.tables.append(stat_table("Other results", m, f, [
        ("Engaged patients with a follow-up Star", "share_with_followup_star", "share"),
        ("Comparison cohort hospital cost per patient-year", "comparison_cost_per_patient_year", "money"),
        ("Hospital costs avoided (true, gross)", "hospital_costs_avoided", "money"),
        ("of which cashable", "hospital_costs_avoided_cashable", "money")]))
    section.figures += [embed(figures, "star_change"), embed(figures, "hospital_cost")]
    return section


def other_figures_section(figures: Mapping[str, bytes]) -> Section | None:
    """Figures in the folder that no section shows: every figure is embedded somewhere."""
    extra = [stem for stem in figures if stem not in FIGURE_TEXT]
    return Section("other-figures", "Other figures", figures=[embed(figures, s) for s in extra]) if extra else None


def assumptions_section(sources: Mapping[str, Mapping[str, Any]] | None, scenario: Mapping[str, Any]) -> Section:
    section = Section("assumptions", "Assumptions and their sources")
    headers = ("Scenario value", "Value", "Basis", "Reference or note")
    if sources:
        rows = tuple(source_row(path, source, scenario) for path, source in sources.items())
        published = sum(bool(s.get("reference")) for s in sources.values())
        assumed = sum(bool(s.get("assumption")) and not s.get("reference") for s in sources.values())
        section.paragraphs.append(f"Of {len(sources)} annotated values, {published} rest on a published reference "
                                  f"and {assumed} are assumptions (with the reason, where one is given). Values "
                                  "without an annotation are not listed.")
    elif scenario:
        rows = tuple(Row(display_path(scenario, p), (general(v), "Not recorded", "")) for p, v in leaves(scenario))
        section.paragraphs.append("Sources not available: this results folder has no sources.json, so the values "
                                  "below are shown without their references.")
    else:
        section.paragraphs.append("Assumptions not available: this results folder has neither sources.json nor "
                                  "scenario.json.")
        return section
    section.tables.append(Table("Scenario values", headers, rows))
    return section


def source_row(path: str, source: Mapping[str, Any], scenario: Mapping[str, Any]) -> Row:
    value = general(scenario_at(scenario, path)) if scenario else "not available"
    if source.get("unit") and value not in ("not available", "not set"):
        value += f" {source['unit']}"
    reference, note = source.get("reference"), source.get("note")
    basis = "Published" if reference else "Assumption" if source.get("assumption") else "Not stated"
    text = " ".join(t for t in (reference, f"Note: {note}" if reference and note else note) if t)
    return Row(display_path(scenario, path), (value, basis, text or "No note given"))


def leaves(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """(dotted path, value) for every value in a scenario dict; lists of plain values count as one value."""
    if isinstance(node, Mapping):
        return [leaf for k, v in node.items() for leaf in leaves(v, f"{path}.{k}" if path else str(k))]
    if isinstance(node, list) and any(isinstance(v, Mapping) for v in node):
        return [leaf for i, v in enumerate(node) for leaf in leaves(v, f"{path}.{i}")]
    return [(path, node)]


MANIFEST_FIELDS = (("Scenario", "scenario"), ("Scenario file", "scenario_path"),
                   ("Scenario file SHA-256", "scenario_sha256"), ("Overrides", "overrides"),
                   ("Effective scenario SHA-256", "effective_scenario_sha256"), ("Seed", "seed"),
                   ("Replications", "replications"), ("Horizon (months)", "horizon_months"),
                   ("Currency", "currency"), ("Versions", "versions"))


def manifest_items(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(title, manifest_value(manifest.get(key))) for title, key in MANIFEST_FIELDS]


def manifest_value(value: Any) -> str:
    # As written, without thousands separators: a seed or a hash is something people retype.
    if value is None or value == "":
        return "not recorded"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "not recorded"
    return str(value)


# --- the page -------------------------------------------------------------------------------------

def render_report(document: dict, replications: pd.DataFrame, cashflows: pd.DataFrame, figures: dict[str, bytes],
                  sources: dict[str, dict] | None, scenario: dict | None, *,
                  sensitivity_tables: Mapping[str, pd.DataFrame] | None = None,
                  sensitivity_figures: Mapping[str, bytes] | None = None,
                  analyses: Analyses | None = None, budget: pd.DataFrame | None = None) -> str:
    """report.html from a results folder's contents (see render_report_from_folder): one HTML string.

    `document` is summary.json (`manifest`, `metrics`); `figures` are PNG bytes by stem; `sources` maps
    dotted scenario paths to {reference, assumption, note}; `scenario` is Scenario.model_dump(mode="json");
    `analyses` what sensitivity/ and sweep/ hold (or only `sensitivity_tables` and `_figures`).
    Anything missing (None, empty) gives a section that says so rather than an error.
    """
    manifest, scenario = document.get("manifest") or {}, scenario or {}
    m = Metrics(document.get("metrics") or {})
    f = Formats(str(manifest.get("currency") or scenario.get("currency") or "GBP"), month_dates(cashflows))
    analyses = analyses or Analyses(sensitivity_tables or {}, sensitivity_figures or {})
    sections = [payments_section(m, f, scenario, figures), timing_section(cashflows, f, figures),
                budget_section(budget, f.currency, figures.get("budget_exposure")),
                investor_section(m, f, figures), cohort_section(m, f, figures)]
    # A scenario without Stars or hospital use (a rate card of milestones) has no such section.
    if m.has("star_change_mean") or m.has("hospital_cost_reduction"):
        sections.append(outcomes_section(m, f, figures))
    sections += [sensitivity_section(analyses, f.currency), sweep_section(analyses, f.currency),
                other_figures_section({k: v for k, v in figures.items() if k != "budget_exposure"}),
                assumptions_section(sources, scenario)]
    name = str(manifest.get("scenario") or scenario.get("name") or "scenario")
    overrides = [str(o) for o in manifest.get("overrides") or [] if isinstance(manifest.get("overrides"), list)]
    return template().render(
        title=f"{label(name)}: simulated outcomes contract" + (" (variant)" if overrides else ""),
        variant=variant_line(overrides), description=scenario.get("description") or "",
        runs=int(m.get("payments_total", "n") or manifest.get("replications") or 0), seed=manifest.get("seed"),
        headlines=headlines(m, f, scenario, replications), timing=payment_timing(cashflows, f),
        warnings=warnings(m, f), sections=[s for s in sections if s is not None],
        manifest=manifest_items(manifest))


def template() -> jinja2.Template:
    # Autoescape everything: payer names, notes and references are user text from the scenario file.
    env = jinja2.Environment(loader=jinja2.PackageLoader("sib_sim.reports", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2")


def render_report_from_folder(folder: Path) -> str:
    """Read a results folder and render its report. Only summary.json is required."""
    folder = Path(folder)
    document = read_json(folder / "summary.json")
    if not isinstance(document, dict):
        raise UserError("not a results folder: summary.json is missing or unreadable", where=str(folder))
    sensitivity, sweep = folder / "sensitivity", folder / "sweep"
    analyses = Analyses(
        sensitivity_tables={p.stem: read_csv(p) for p in sorted(sensitivity.glob("*.csv"))},
        sensitivity_figures=read_pngs(sensitivity),
        sensitivity_settings={p.stem: as_dict(read_json(p)) or {} for p in sorted(sensitivity.glob("*.json"))},
        sweep_grid=read_csv(sweep / "grid.csv") if (sweep / "grid.csv").is_file() else None,
        sweep_settings=as_dict(read_json(sweep / "sweep.json")),
        sweep_figure=read_pngs(sweep).get("deal_zone"))
    return render_report(
        document, read_csv(folder / "replications.csv"), read_csv(folder / "cashflows.csv"),
        read_pngs(folder / "figures"), as_dict(read_json(folder / "sources.json")),
        as_dict(read_json(folder / "scenario.json")), analyses=analyses,
        budget=read_csv(folder / "budget_exposure.csv"))


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def as_dict(value: Any) -> dict | None:
    return value if isinstance(value, dict) else None


def read_csv(path: Path) -> pd.DataFrame:
    """The CSV, or an empty table when it is missing or unreadable (its sections then say so)."""
    try:
        return pd.read_csv(path)
    except (OSError, ValueError, pd.errors.EmptyDataError, pd.errors.ParserError):
        return pd.DataFrame()


def read_pngs(folder: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in sorted(folder.glob("*.png"))} if folder.is_dir() else {}
