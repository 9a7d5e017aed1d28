"""Shared fixtures: the shipped scenario and small seeded runs of it."""

from pathlib import Path

import pytest

from sib_sim import load_scenario

ROOT = Path(__file__).resolve().parent.parent
WTW = ROOT / "scenarios" / "ways_to_wellness.yaml"


@pytest.fixture(scope="session")
def wtw():
    return load_scenario(WTW)


@pytest.fixture(scope="session")
def wtw_path() -> Path:
    return WTW


def _xlsx_tables(path: Path) -> dict[str, list[list[object]]]:
    """A workbook's sheets as rows of values (shared strings resolved; numbers as floats), read with
    zipfile and ElementTree: no spreadsheet library is needed."""
    import re
    import zipfile
    import xml.etree.ElementTree as ET

    m = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        shared = ([("".join(t.text or "" for t in si.iter(f"{m}t")))
                   for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{m}si")]
                  if "xl/sharedStrings.xml" in z.namelist() else [])
        out = {}
        for sheet in book.iter(f"{m}sheet"):
            target = rels[sheet.get(rel)].lstrip("/")
            root = ET.fromstring(z.read(target if target.startswith("xl/") else f"xl/{target}"))
            rows = []
            for row in root.iter(f"{m}row"):
                cells: dict[int, object] = {}
                for c in row.iter(f"{m}c"):
                    letters = re.match(r"[A-Z]+", c.get("r")).group(0)
                    col = 0
                    for ch in letters:
                        col = col * 26 + ord(ch) - 64
                    v = c.find(f"{m}v")
                    text = v.text if v is not None else None
                    t = c.get("t")
                    cells[col - 1] = (shared[int(text)] if t == "s" else text == "1" if t == "b"
                                      else float(text) if text not in (None, "") else None)
                rows.append([cells.get(i) for i in range(max(cells) + 1)] if cells else [])
            out[sheet.get("name")] = rows
    return out


@pytest.fixture(scope="session")
def xlsx_tables():
    return _xlsx_tables
