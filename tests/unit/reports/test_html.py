"""report.html: rendered from a real results folder, self-contained, escaped, and never "nan"."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from sib_sim import UserError, read_scenario_file, run, write_results_folder
from sib_sim.reports import make_figures
from sib_sim.reports.html import DASH, Formats, render_report, render_report_from_folder
from sib_sim.reports.summary_table import money

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """The parts of a page the tests look at: tags (checked to nest), attributes, text, table rows."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self.open: list[str] = []
        self.errors: list[str] = []
        self._style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        if tag not in VOID:
            self.open.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th") and self.rows:
            self.rows[-1].append("")
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
        else:
            self.open.pop()
        self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            return
        self.text.append(data)
        if self.rows and self.rows[-1] and {"td", "th"} & set(self.open[-3:]):
            self.rows[-1][-1] += data

    def row(self, first_cell: str) -> list[str]:
        return next(r for r in self.rows if r and r[0].strip() == first_cell)


@pytest.fixture(scope="module")
def scenario_file(wtw_path: Path):
    return read_scenario_file(wtw_path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, scenario_file) -> Path:
    """A real results folder (4 runs) plus the sources.json and scenario.json the report reads."""
    results = run(scenario_file.scenario, replications=4, workers=1)
    out = write_results_folder(results, tmp_path_factory.mktemp("results") / "wtw", figures=make_figures)
    sources = {path: dataclasses.asdict(s) for path, s in scenario_file.sources.items()}
    (out / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    (out / "scenario.json").write_text(json.dumps(scenario_file.scenario.model_dump(mode="json")), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def html(folder: Path) -> str:
    return render_report_from_folder(folder)


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    return Page(html)


@pytest.fixture(scope="module")
def metrics(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text())["metrics"]


def _bare_folder(folder: Path, tmp_path: Path, keep: tuple[str, ...]) -> Path:
    """A copy of the results folder with only the files named in `keep`."""
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in keep:
        shutil.copy(folder / name, bare / name)
    return bare


def _no_nan_text(page: Page) -> None:
    words = re.findall(r"\b(?:nan|inf|infinity)\b", " ".join(page.text), flags=re.IGNORECASE)
    assert not words, words


# --- numbers ---------------------------------------------------------------------------------------

def test_headline_numbers_appear_formatted_as_in_summary(html: str, metrics: dict) -> None:
    total = metrics["payments_total"]
    for stat in ("p50", "p5", "p95"):  # the console's rounding: £7.71m, £68.4k
        assert money(total[stat], "GBP") in html
    assert money(metrics["commissioner_net_cost"]["p50"], "GBP") in html
    assert f"{metrics['investor_multiple']['p50']:.2f}x" in html
    assert f"{100 * metrics['investor_irr']['p50']:.1f}%" in html
    assert f"{100 * metrics['hospital_cost_reduction']['p50']:.1f}%" in html
    assert f"{metrics['star_change_mean']['p50']:+.2f} points" in html
    assert f"{100 * metrics['investor_p_loss']['value']:.1f}% (" in html


def test_payments_by_payer_and_outcome_rows(page: Page, metrics: dict, scenario_file) -> None:
    for payer in scenario_file.scenario.contract.payers:
        row = page.row(payer.name + f"{payer.id}; cap {money(payer.cap, 'GBP')}")
        assert row[1:] == [money(metrics[f"payments_by_payer.{payer.id}"][s], "GBP")
                           for s in ("mean", "p5", "p50", "p95")]
    row = next(r for r in page.rows if r[0].startswith("Secondary care"))
    assert row[3] == money(metrics["payments_by_outcome.secondary_care"]["p50"], "GBP")


def test_payments_by_year_add_up_to_the_mean_total(page: Page, metrics: dict) -> None:
    row = page.row("All years")
    assert row[-2] == money(metrics["payments_total"]["mean"], "GBP")
    assert row[-1] == "100.0%"
    assert page.row("Year 1Apr 2015 to Mar 2016")


def test_measured_against_true_effect(page: Page, metrics: dict) -> None:
    row = page.row("Hospital cost below comparison")
    assert row[1] == f"{100 * metrics['hospital_cost_reduction']['p50']:.1f}%"
    assert row[3] == f"{100 * metrics['hospital_cost_reduction_true']['p50']:.1f}%"


@pytest.mark.parametrize(("kind", "value", "text"), [
    ("money", 8089494.24, "£8.09m"), ("money", -552891.7, "-£553k"), ("money", -0.4, "£0"),
    ("money", 999_999.0, "£1.00m"), ("money", 99_960.0, "£100k"), ("money", 68_449.0, "£68.4k"),
    ("money", 999.6, "£1.0k"), ("money", 449.4, "£449"),
    ("share", 0.2826, "28.3%"), ("multiple", 1.375, "1.38x"), ("points", 3.416, "+3.42 points"),
    ("count", 6714.0, "6,714"), ("money", float("nan"), DASH), ("share", float("inf"), DASH),
    ("multiple", None, DASH), ("count", "not a number", DASH)])
def test_formats(kind: str, value: object, text: str) -> None:
    assert Formats("GBP")(kind, value) == text


# --- the page ---------------------------------------------------------------------------------------

def test_every_figure_is_embedded(html: str, folder: Path) -> None:
    pngs = sorted((folder / "figures").glob("*.png"))
    assert len(pngs) == 7  # make_figures' six and the budget exposure by financial year
    for png in pngs:
        assert "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode() in html, png.name


def test_budget_exposure_by_financial_year_is_a_section_with_its_table(html: str, folder: Path) -> None:
    import pandas as pd

    table = pd.read_csv(folder / "budget_exposure.csv")
    assert list(table.columns[:5]) == ["payer", "year", "mean", "p90", "p99"]
    assert set(table["payer"]) == {"ccg", "cbo", "sof"} and table["year"].iloc[0] == "2015-16"
    assert (table["p90"] <= table["p99"] + 1e-6).all()
    assert 'id="budget"' in html and "Budget exposure by financial year" in html and "ccg 2017-18" in html


def test_assumptions_table_gives_each_reference(page: Page, scenario_file) -> None:
    row = page.row("cohort.referrals.rate_per_month")
    assert row[1:3] == ["118", "Published"]
    assert row[3] == scenario_file.sources["cohort.referrals.rate_per_month"].reference
    # list items are named by id, as --set accepts them
    assert page.row("hospital.lines.ae.unit_cost")[1] == "148"
    assert page.row("service.caseload_per_worker")[2] == "Assumption"


def test_no_network_urls(page: Page, html: str) -> None:
    linked = [(tag, name, value) for tag, name, value in page.attrs
              if name in ("src", "href", "srcset", "action", "poster", "data")]
    assert linked
    for tag, name, value in linked:
        assert value.startswith(("data:image/png;base64,", "#")), (tag, name, value[:80])
    assert not {"script", "link", "iframe", "object"} & set(page.starts)
    assert not re.search(r"url\(|@import", html)


def test_valid_html_with_one_document(page: Page) -> None:
    assert page.starts.count("html") == 1 and page.starts.count("body") == 1
    assert not page.errors and not page.open


def test_no_nan_or_inf_text(page: Page) -> None:
    _no_nan_text(page)


def test_printable(html: str) -> None:
    assert "@media print" in html and "break-before: page" in html


def test_equal_folders_give_equal_pages(folder: Path, html: str) -> None:
    assert render_report_from_folder(folder) == html


# --- missing, odd and hostile input -----------------------------------------------------------------

def test_only_summary_json_still_renders(folder: Path, tmp_path: Path) -> None:
    page = Page(render_report_from_folder(_bare_folder(folder, tmp_path, ("summary.json",))))
    text = " ".join(page.text)
    for missing in ("Payments by year not available", "Figure not available", "Sensitivity results not available",
                    "Assumptions not available"):
        assert missing in text
    assert not page.errors
    _no_nan_text(page)


def test_without_sources_the_scenario_values_are_listed(folder: Path, tmp_path: Path) -> None:
    bare = _bare_folder(folder, tmp_path, ("summary.json", "cashflows.csv", "scenario.json"))
    page = Page(render_report_from_folder(bare))
    assert "Sources not available" in " ".join(page.text)
    assert page.row("cohort.referrals.rate_per_month")[1:3] == ["118", "Not recorded"]


def test_not_a_results_folder(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="summary.json"):
        render_report_from_folder(tmp_path)


def test_sensitivity_results_when_present(folder: Path, tmp_path: Path) -> None:
    bare = _bare_folder(folder, tmp_path, ("summary.json",))
    (bare / "sensitivity").mkdir()
    shutil.copy(folder / "figures" / "payments.png", bare / "sensitivity" / "tornado.png")
    pd.DataFrame({"parameter": ["cohort.p_engage", "contract.cap"], "low": [7.1e6, float("nan")],
                  "high": [8.2e6, float("inf")]}).to_csv(bare / "sensitivity" / "one_way.csv", index=False)
    page = Page(render_report_from_folder(bare))
    assert page.row("Share of referrals who engagecohort.p_engage")[1:] == ["7,100,000", "8,200,000"]
    assert page.row("Contract capcontract.cap")[1:] == [DASH, DASH]
    assert any(t == "One-way sensitivity (tornado)." for t in page.text)
    _no_nan_text(page)


def test_tornado_table_in_words_and_pounds(folder: Path, tmp_path: Path) -> None:
    """The tornado's values as the console prints them (£77.9k, 41.6%), not 7.791e+04; labels in words."""
    bare = _bare_folder(folder, tmp_path, ("summary.json",))
    (bare / "sensitivity").mkdir()
    pd.DataFrame({"parameter": ["hospital.lines.ae.effect_during_support", "cohort.referrals.rate_per_month"],
                  "low": [0.4164, 105.38], "high": [0.6232, 130.98], "metric_low": [7.791e4, 7_118_100.7],
                  "metric_high": [8.2e6, 8.2e6], "swing": [8_122_090.0, 1_081_899.3], "swing_se": [29_196.0, 0.0]}
                 ).to_csv(bare / "sensitivity" / "tornado.csv", index=False)
    (bare / "sensitivity" / "tornado.json").write_text(json.dumps({"metric": "payments_total", "base": 8_015_202.4}))
    html = render_report_from_folder(bare)
    page = Page(html)
    assert page.row("A&E reduction during supporthospital.lines.ae.effect_during_support")[1:] == [
        "41.6%", "62.3%", "£77.9k", "£8.20m", "£8.12m", "£29.2k"]
    assert page.row("Referrals per monthcohort.referrals.rate_per_month")[1:3] == ["105.4", "131"]
    assert "One-way sensitivity (tornado) of outcome payments (£), base £8.02m" in page.text
    assert "e+0" not in " ".join(page.text)


def test_sweep_and_deal_zone_when_present(folder: Path, tmp_path: Path) -> None:
    bare = _bare_folder(folder, tmp_path, ("summary.json",))
    (bare / "sweep").mkdir()
    shutil.copy(folder / "figures" / "payments.png", bare / "sweep" / "deal_zone.png")
    pd.DataFrame({"contract.outcomes.wellbeing.price": [100.0, 500.0], "p_investor_hurdle": [1.0, 0.5],
                  "p_commissioner_covered": [1.0, 2 / 3], "deal": [True, False],
                  "payments_total_p50": [6_141_972.9, 8.2e6], "investor_multiple_p50": [1.575, 2.0],
                  "commissioner_net_cost_p50": [-1_106_973.0, -454_912.0], "n": [6, 6]}
                 ).to_csv(bare / "sweep" / "grid.csv", index=False)
    (bare / "sweep" / "sweep.json").write_text(json.dumps({
        "axes": [{"path": "contract.outcomes.wellbeing.price"}], "hurdle_multiple": 1.5, "probability": 0.8,
        "replications": 6}))
    html = render_report_from_folder(bare)
    page = Page(html)
    assert page.row("Wellbeing price £100")[1:] == ["100.0%", "100.0%", "£6.14m", "1.57x", "-£1.11m", "yes"]
    assert page.row("Wellbeing price £500")[1:] == ["50.0%", "66.7%", "£8.20m", "2.00x", "-£455k", ""]
    text = " ".join(page.text)
    assert "money multiple reaches 1.5x" in text and "at least 80% of 6 runs" in text
    assert base64.b64encode((bare / "sweep" / "deal_zone.png").read_bytes()).decode() in html
    assert 'href="#sweep"' in html


def test_a_variant_says_so(folder: Path) -> None:
    document = json.loads((folder / "summary.json").read_text())
    document["manifest"]["overrides"] = ["contract.cap=10000000", "cohort.p_engage=0.7"]
    page = Page(render_report(document, pd.DataFrame(), pd.DataFrame(), {}, None, None))
    assert "Ways to wellness: simulated outcomes contract (variant)" in page.text
    assert any("Variant: --set contract.cap=10000000, --set cohort.p_engage=0.7" in t for t in page.text)
    plain = Page(render_report(json.loads((folder / "summary.json").read_text()), pd.DataFrame(),
                               pd.DataFrame(), {}, None, None))
    assert not any("Variant" in t for t in plain.text)


def test_text_is_escaped(folder: Path, html: str) -> None:
    document = json.loads((folder / "summary.json").read_text())
    scenario = json.loads((folder / "scenario.json").read_text())
    scenario["contract"]["payers"][0]["name"] = "<script>alert(1)</script> & Co"
    out = render_report(document, pd.DataFrame(), pd.DataFrame(), {}, {"contract.cap": {"reference": "<b>x</b>"}},
                        scenario)
    assert "<script>" not in out and "<b>x</b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in out and "&lt;b&gt;x&lt;/b&gt;" in out


def test_warnings_and_undefined_numbers(folder: Path) -> None:
    document = json.loads((folder / "summary.json").read_text())
    bad = copy.deepcopy(document)
    bad["metrics"].update({"p_delivery_cut": {"value": 0.25, "n": 4}, "provider_p_loss": {"value": 0.5, "n": 4},
                           "delivery_cut": {"mean": 125000.0, "n": 4}, "investor_irr": {"n": 0},
                           "payments_total": {"mean": float("nan"), "p5": float("inf"), "p50": float("nan"),
                                              "p95": float("-inf"), "n": 4}})
    page = Page(render_report(bad, pd.DataFrame(), pd.DataFrame(), {}, None, {}))
    text = " ".join(page.text)
    # One wording with the console: the mean over the runs with a cut, and over all runs.
    assert "Delivery was cut in 25.0% of runs (1 of 4)" in text
    assert "In those runs, £500k of delivery costs on average could not be paid (£125k averaged over all runs" in text
    assert "The provider loses money in 50.0% (2 of 4 runs)" in text
    _no_nan_text(page)


def test_without_an_investor(folder: Path) -> None:
    document = json.loads((folder / "summary.json").read_text())
    document["metrics"]["investor_irr_status.no_outlay"] = {"value": 1.0, "n": 4}
    figures = {p.stem: p.read_bytes() for p in (folder / "figures").glob("*.png")}
    out = render_report(document, pd.DataFrame(), pd.DataFrame(), figures, None, None)
    assert "No investor capital drawn" in out
    assert base64.b64encode(figures["investor_multiple"]).decode() in out  # every figure, still
