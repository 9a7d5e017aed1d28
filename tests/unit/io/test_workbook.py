"""workbook.xlsx: four kinds of sheet, every formula with its result cached, and those results right.

The formulas are checked by evaluating them here, independently of the writer, from the cells they
read (the xlsx XML parsed with zipfile and ElementTree: no spreadsheet library is needed). Where
LibreOffice is installed the workbook is also recalculated by it and its numbers compared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest
import pyxirr

from sib_sim import load_scenario, run
from sib_sim.finance.investor import discount_factors
from sib_sim.io.scenario_file import read_scenario_file
from sib_sim.io.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[3]
SHEETS = ["Summary", "Assumptions", "Cash flows", "Cash flows P50", "Budget by year", "Replications"]
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
EXCEL_EPOCH = dt.date(1899, 12, 30)


# --- reading an xlsx without a spreadsheet library ----------------------------------------------

@dataclasses.dataclass
class Cell:
    formula: str | None
    value: float | str | bool | None  # the cached (or constant) value


@dataclasses.dataclass
class Book:
    sheets: dict[str, dict[str, Cell]]  # sheet -> "C3" -> cell
    names: dict[str, str]  # defined name -> reference text


def read_book(path: Path) -> Book:
    with zipfile.ZipFile(path) as z:
        workbook = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        shared = _shared_strings(z)
        sheets = {}
        for sheet in workbook.iter(f"{M}sheet"):
            target = rels[sheet.get(REL)].lstrip("/")
            target = target if target.startswith("xl/") else f"xl/{target}"
            sheets[sheet.get("name")] = _cells(ET.fromstring(z.read(target)), shared)
    names = {n.get("name"): n.text for n in workbook.iter(f"{M}definedName")}
    return Book(sheets, names)


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    root = ET.fromstring(z.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{M}t")) for si in root.iter(f"{M}si")]


def _cells(root: ET.Element, shared: list[str]) -> dict[str, Cell]:
    cells = {}
    for c in root.iter(f"{M}c"):
        f, v, t = c.find(f"{M}f"), c.find(f"{M}v"), c.get("t")
        text = v.text if v is not None else None
        if t == "s":
            value = shared[int(text)]
        elif t in ("str", "e"):
            value = text
        elif t == "b":
            value = text == "1"
        elif t == "inlineStr":
            value = "".join(x.text or "" for x in c.iter(f"{M}t"))
        else:
            value = float(text) if text not in (None, "") else None
        cells[c.get("r")] = Cell(f.text if f is not None else None, value)
    return cells


# --- an independent evaluator for the formulas the workbook uses --------------------------------

TOKEN = re.compile(r"""\s*(?:(?P<string>"(?:[^"]|"")*")|(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
    |(?P<ref>(?:'[^']+'!|[A-Za-z]\w*!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)(?![\w(])
    |(?P<func>[A-Za-z_][\w.]*)\(|(?P<name>[A-Za-z_][\w.]*)|(?P<op>>=|<=|<>|[-+*/^(),=<>]))""", re.X)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while text[pos:].strip():
        m = TOKEN.match(text, pos)
        assert m and m.lastgroup, f"cannot read {text[pos:]!r}"
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    return tokens


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


class Evaluator:
    """Evaluates a formula from the cells it reads, recursively: other formula cells are evaluated,
    never read from their cached values."""

    def __init__(self, book: Book) -> None:
        self.book, self.memo = book, {}
        self.tokens, self.pos, self.sheet = [], 0, ""

    def cell(self, sheet: str, ref: str) -> object:
        key = (sheet, ref)
        if key not in self.memo:
            c = self.book.sheets[sheet].get(ref)
            self.memo[key] = None if c is None else c.value if c.formula is None else self.formula(sheet, c.formula)
        return self.memo[key]

    def formula(self, sheet: str, text: str) -> object:
        saved = (self.tokens, self.pos, self.sheet)  # a formula may name another: parse it, then resume
        self.tokens, self.pos, self.sheet = tokenize(text.lstrip("=")), 0, sheet
        value = self.compare()
        assert self.pos == len(self.tokens), f"unparsed formula {text!r}"
        self.tokens, self.pos, self.sheet = saved
        return value

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def binary(self, ops: dict, operand) -> object:
        left = operand()
        while self.peek() and self.peek()[1] in ops:
            left = ops[self.take()[1]](left, operand())
        return left

    def compare(self) -> object:
        return self.binary({">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
                            "<": lambda a, b: a < b, "=": lambda a, b: a == b}, self.additive)

    def additive(self) -> object:
        return self.binary({"+": lambda a, b: a + b, "-": lambda a, b: a - b}, self.term)

    def term(self) -> object:
        return self.binary({"*": lambda a, b: a * b, "/": lambda a, b: a / b}, self.power)

    def power(self) -> object:
        return self.binary({"^": lambda a, b: a ** b}, self.unary)

    def unary(self) -> object:  # Excel: negation binds tighter than ^
        if self.peek() and self.peek()[1] in ("+", "-"):
            sign = self.take()[1]
            return -self.unary() if sign == "-" else self.unary()
        return self.primary()

    def primary(self) -> object:
        kind, text = self.take()
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            return self.reference(text)
        if kind == "name":
            return self.name(text)
        if kind == "func":
            args = [] if self.peek()[1] == ")" else [self.compare()]
            while self.take()[1] == ",":
                args.append(self.compare())
            return FUNCTIONS[text.upper()](*args)
        assert text == "(", f"unexpected {text!r}"
        value = self.compare()
        assert self.take()[1] == ")"
        return value

    def name(self, name: str) -> object:
        return self.formula(self.sheet, self.book.names[name])

    def reference(self, text: str) -> object:
        sheet, _, ref = text.rpartition("!")
        sheet = sheet.strip("'") or self.sheet
        ref = ref.replace("$", "")
        if ":" not in ref:
            return self.cell(sheet, ref)
        (c1, r1), (c2, r2) = (re.fullmatch(r"([A-Z]+)(\d+)", p).groups() for p in ref.split(":"))
        return [self.cell(sheet, f"{col_letters(c)}{r}") for r in range(int(r1), int(r2) + 1)
                for c in range(col_index(c1), col_index(c2) + 1)]


def _numbers(args) -> list[float]:
    flat = [x for a in args for x in (a if isinstance(a, list) else [a])]
    return [float(x) for x in flat if isinstance(x, (int, float)) and not isinstance(x, bool)]


def _xnpv(rate: float, values: list, dates: list) -> float:
    d0 = dates[0]
    return sum(v / (1 + rate) ** ((d - d0) / 365) for v, d in zip(values, dates))


FUNCTIONS = {
    "SUM": lambda *a: sum(_numbers(a)),
    "MIN": lambda *a: min(_numbers(a)),
    "SUMPRODUCT": lambda a, b: sum(x * y for x, y in zip(_numbers([a]), _numbers([b]))),
    "IF": lambda c, a, b: a if c else b,
    "XNPV": _xnpv,
    "XIRR": lambda v, d: pyxirr.xirr([EXCEL_EPOCH + dt.timedelta(days=x) for x in d], v),
}


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def results():
    return run(load_scenario(ROOT / "scenarios" / "ways_to_wellness.yaml"), replications=4, workers=1)


@pytest.fixture(scope="module")
def workbook_path(results, tmp_path_factory) -> Path:
    sources = read_scenario_file(ROOT / "scenarios" / "ways_to_wellness.yaml").sources
    path = tmp_path_factory.mktemp("workbook") / "workbook.xlsx"
    write_workbook(results, path, sources)
    return path


@pytest.fixture(scope="module")
def book(workbook_path) -> Book:
    return read_book(workbook_path)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


def find(book: Book, sheet: str, label: str, column: str) -> Cell:
    """The cell in `column` on the row whose column A reads `label`."""
    row = next(ref[1:] for ref, c in book.sheets[sheet].items() if ref.startswith("A") and ref[1:].isdigit()
               and c.value == label)
    return book.sheets[sheet][f"{column}{row}"]


def header_column(book: Book, header: str, sheet: str = "Cash flows") -> str:
    return next(re.match(r"[A-Z]+", ref).group() for ref, c in book.sheets[sheet].items()
                if ref.endswith("2") and ref[:-1].isalpha() and c.value == header)


def formula_cells(book: Book):
    return [(s, ref, c) for s, cells in book.sheets.items() for ref, c in cells.items() if c.formula is not None]


# --- the file -----------------------------------------------------------------------------------

def test_the_workbook_opens_with_its_sheets_and_named_inputs(book, workbook_path):
    assert zipfile.ZipFile(workbook_path).testzip() is None
    assert list(book.sheets) == SHEETS
    for name in ("discount_rate", "contract_cap", "cap_ccg", "cap_cbo", "cap_sof", "dates", "investor_net",
                 "commissioner_payments", "discount_factor", "total_outcome_payments", "investor_flows"):
        assert name in book.names
    assert book.names["discount_rate"].startswith("Assumptions!")


def test_every_formula_has_its_result_cached(book):
    cells = formula_cells(book)
    assert len(cells) > 1000
    for sheet, ref, cell in cells:
        assert cell.value not in (None, ""), f"{sheet}!{ref} {cell.formula} has no cached value"


def test_no_nan_inf_or_error_anywhere(book, workbook_path):
    for sheet, cells in book.sheets.items():
        for ref, cell in cells.items():
            if isinstance(cell.value, float):
                assert math.isfinite(cell.value), f"{sheet}!{ref}"
            assert not (isinstance(cell.value, str) and cell.value.startswith("#")), f"{sheet}!{ref}: {cell.value}"
    with zipfile.ZipFile(workbook_path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                text = z.read(name).decode()
                assert not re.search(r"<v>(nan|-?inf)</v>", text, re.I)
                assert "<v></v>" not in text


# --- the formulas -------------------------------------------------------------------------------

def test_every_formula_evaluates_to_its_cached_value(book):
    evaluate = Evaluator(book)
    for sheet, ref, cell in formula_cells(book):
        got = evaluate.cell(sheet, ref)
        if isinstance(cell.value, str):
            assert got == cell.value, f"{sheet}!{ref} {cell.formula}"
        else:
            assert close(got, cell.value), f"{sheet}!{ref} {cell.formula}: {got} != {cell.value}"


def test_formula_totals_equal_the_python_totals(book, results):
    evaluate = Evaluator(book)
    mean = {k: v.astype(float).mean(axis=0) for k, v in results.monthly.items()}
    total_row = str(3 + results.scenario.run.horizon_months)
    for stream in [s for s in mean if s.startswith(("payer.", "outcome.", "cost.", "investor."))]:
        column = header_column(book, stream)
        assert close(evaluate.cell("Cash flows", f"{column}{total_row}"), mean[stream].sum()), stream
    outcomes = sum(v for k, v in mean.items() if k.startswith("outcome.")).sum()
    assert close(evaluate.cell("Summary", live_ref(book, "Outcome payments")), outcomes)


def test_commissioner_npv_is_the_discounted_mean_flow(book, results):
    c = results.scenario.finance.commissioner
    paid = (results.monthly[f"payer.{c.payer}"] + results.monthly["spv.top_up"]).astype(float).mean(axis=0)
    expected = float(paid @ discount_factors(results.scenario.run.horizon_months, c.discount_rate))
    label = "Commissioner payments NPV, factor (1+r)^(-month/12)"
    ref = live_ref(book, label)
    assert close(Evaluator(book).cell("Summary", ref), expected)
    assert close(book.sheets["Summary"][ref].value, expected)
    # NPV is linear, so the NPV of the mean flow is the mean of the replications' NPVs (float32 flows).
    assert close(expected, results.replications["commissioner_payments_npv"].mean())
    xnpv = find(book, "Cash flows", "Commissioner payments XNPV (actual/365 days from the start)", "F").value
    assert close(xnpv, pyxirr.xnpv(c.discount_rate, results.month_dates, paid))


def test_cached_xirr_is_pyxirr_of_the_mean_investor_flow(book, results):
    net = results.monthly["investor.net"].astype(float).mean(axis=0)
    cell = book.sheets["Summary"][live_ref(book, "Investor XIRR of the mean net flow")]
    assert cell.formula == "XIRR(investor_flows,investor_dates)"
    assert close(cell.value, pyxirr.xirr(results.month_dates, net))
    # The range starts at the first investor flow (Excel's XIRR misreads leading zeros).
    first = int(np.flatnonzero(net)[0])
    assert book.names["investor_flows"].split(":")[0].endswith(f"${3 + first}")


def test_cap_columns_apply_the_payer_caps(book, results):
    evaluate = Evaluator(book)
    for payer in results.scenario.contract.payers:
        assert evaluate.name(f"cap_{payer.id}") == payer.cap
        cumulative = np.cumsum(results.monthly[f"payer.{payer.id}"].astype(float).mean(axis=0))
        within, binds = header_column(book, f"{payer.id} within cap"), header_column(book, f"{payer.id} cap binds")
        for i in (0, len(cumulative) // 2, len(cumulative) - 1):
            assert close(evaluate.cell("Cash flows", f"{within}{3 + i}"), min(payer.cap, cumulative[i]))
            flag = "yes" if cumulative[i] >= payer.cap - 1.0 else "no"
            assert evaluate.cell("Cash flows", f"{binds}{3 + i}") == flag
    assert any(c.formula.startswith("MIN(cap_ccg,") for _, _, c in formula_cells(book))


# --- the other sheets ---------------------------------------------------------------------------

def test_summary_lists_every_metric(book, results):
    for name, stats in results.summary().items():
        if "mean" in stats:
            assert close(find(book, "Summary", name, "B").value, stats["mean"]), name
            assert close(find(book, "Summary", name, "F").value, stats["p95"]), name
        elif "value" in stats:
            assert close(find(book, "Summary", name, "G").value, stats["value"]), name
    notes = [c.value for c in book.sheets["Summary"].values() if isinstance(c.value, str)]
    assert any("mean monthly flows" in n and "replication" in n and "IRR" in n for n in notes)


def test_assumptions_carry_values_and_sources(book, results):
    sheet = book.sheets["Assumptions"]
    rows = {c.value: ref[1:] for ref, c in sheet.items() if ref.startswith("A")}
    rate = rows["finance.commissioner.discount_rate"]
    assert sheet[f"B{rate}"].value == results.scenario.finance.commissioner.discount_rate
    assert book.names["discount_rate"] == f"Assumptions!$B${rate}"
    assert sheet[f"C{rows['contract.payers.0.cap']}"].value == results.scenario.currency
    sources = read_scenario_file(ROOT / "scenarios" / "ways_to_wellness.yaml").sources
    for path, source in sources.items():
        row = rows[path]
        assert sheet[f"E{row}"].value == ("yes" if source.assumption else "no"), path
        assert sheet.get(f"D{row}", Cell(None, "")).value == (source.reference or ""), path
    points = results.scenario.model_dump(mode="json")["contract"]["outcomes"][0]["points"]
    assert json.loads(sheet[f"B{rows['contract.outcomes.0.points']}"].value) == points


def test_replications_sheet_is_the_table(book, results):
    sheet = book.sheets["Replications"]
    columns = list(results.replications.columns)
    assert [sheet[f"{col_letters(j + 1)}1"].value for j in range(len(columns))] == columns
    j = col_letters(columns.index("payments_total") + 1)
    assert [sheet[f"{j}{i + 2}"].value for i in range(len(results.replications))] == pytest.approx(
        results.replications["payments_total"].tolist(), rel=1e-12)


def test_no_investor_no_xirr_and_nan_metrics_left_empty(tmp_path, results):
    direct = run(load_scenario(ROOT / "scenarios" / "ways_to_wellness_direct.yaml"), replications=2, workers=1)
    path = tmp_path / "workbook.xlsx"
    write_workbook(direct, path)  # no sources: the Assumptions sheet still lists every field
    book = read_book(path)
    assert find(book, "Summary", "Investor XIRR of the mean net flow", "B").value.startswith("not defined")
    irr = col_letters(list(direct.replications.columns).index("investor_irr") + 1)
    assert f"{irr}2" not in book.sheets["Replications"]  # NaN: an empty cell
    evaluate = Evaluator(book)
    for sheet, ref, cell in formula_cells(book):
        got = evaluate.cell(sheet, ref)
        assert got == cell.value if isinstance(got, str) else close(got, cell.value), f"{sheet}!{ref}"


# --- LibreOffice, where installed ---------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# LibreOffice's default for xlsx files is to trust the cached values (OOXMLRecalcMode 1, "never
# recalculate"), so a conversion proves nothing about the formulas. 0 is "always recalculate on load".
RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""
CACHED = re.compile(r"(</f>|<f[^>]*/>)<v>[^<]*</v>")


def zero_cached_values(source: Path, target: Path) -> int:
    """A copy of the workbook with every formula's cached value set to 0; the number of values zeroed."""
    zeroed = 0
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in z.infolist():
            data = z.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                text, n = CACHED.subn(lambda m: m.group(1) + "<v>0</v>", data.decode("utf-8"))
                data, zeroed = text.encode("utf-8"), zeroed + n
            out.writestr(item, data)
    return zeroed


def libreoffice_convert(workbook: Path, folder: Path, recalc_mode: int) -> Book:
    """The workbook as LibreOffice saves it again, loaded with the given recalculation mode."""
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE.format(mode=recalc_mode))
    out = folder / "converted"
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                    "--convert-to", "xlsx", "--outdir", str(out), str(workbook)],
                   check=True, capture_output=True, timeout=600)  # a bound on a hang, not a measurement
    return read_book(out / workbook.name)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs Debian's "
                                            "libreoffice-calc); the formulas are checked above without it")
def test_libreoffice_recalculates_the_same_numbers(book, workbook_path, tmp_path):
    """Every cached value zeroed first: only a real recalculation can give the numbers back."""
    zeroed = tmp_path / "workbook.xlsx"
    assert zero_cached_values(workbook_path, zeroed) == len(formula_cells(book))
    recalculated = libreoffice_convert(zeroed, tmp_path / "always", recalc_mode=0)
    wrong = []
    for sheet, ref, cell in formula_cells(book):
        got = recalculated.sheets[sheet][ref].value
        if not (got == cell.value if isinstance(cell.value, str) else close(got, cell.value)):
            wrong.append((sheet, ref, got, cell.value))
    assert wrong == [], wrong[:10]
    # The check has teeth: the same workbook loaded without recalculation keeps the zeros.
    trusted = libreoffice_convert(zeroed, tmp_path / "never", recalc_mode=1)
    nonzero = [(s, r) for s, r, c in formula_cells(book) if isinstance(c.value, float) and abs(c.value) > 1e-6]
    assert nonzero and all(trusted.sheets[s][r].value in (0, 0.0, "0") for s, r in nonzero)


def test_equal_runs_give_byte_equal_workbooks(results, tmp_path):
    """No wall-clock creation time in docProps/core.xml, nor anywhere else."""
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_workbook(results, first)
    with zipfile.ZipFile(first) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "2000-01-01T00:00:00Z" in core
    write_workbook(results, second)
    assert first.read_bytes() == second.read_bytes()


def live_ref(book: Book, label: str) -> str:
    """Summary: the cell holding the live formula labelled `label`."""
    row = next(ref[1:] for ref, c in book.sheets["Summary"].items() if ref.startswith("A") and c.value == label)
    return f"B{row}"


def test_the_budget_sheet_holds_payments_by_payer_and_financial_year(book, results):
    from sib_sim.calendar import by_financial_year

    cells = book.sheets["Budget by year"]
    assert cells["B4"].value == "Financial year" and cells["C4"].value == "Mean"
    labels, yearly = by_financial_year(results.scenario.run.start_date, results.monthly["payer.ccg"])
    # Row 5 onwards: the CCG's years first, in order (April 2015 starts 2015-16).
    assert cells["A5"].value == "ccg" and cells["B5"].value == labels[0] == "2015-16"
    third = 5 + 2
    assert cells[f"B{third}"].value == labels[2]
    assert close(float(cells[f"C{third}"].value), float(yearly[:, 2].mean()))
    assert close(float(cells[f"G{third}"].value), 5_200_000.0)  # the CCG's cap
