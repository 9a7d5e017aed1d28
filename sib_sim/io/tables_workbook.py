"""A workbook of plain tables, one sheet per table: what `compare` and `vfm` write as workbook.xlsx.

The run's workbook (io.workbook) rebuilds the cash flows with live formulas; these analyses are
summaries over replications (paired differences, value of information, budget exposure), so each
sheet holds the table as computed, with a header row, the values formatted as in the run's workbook,
and a notes column where the analysis has notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import xlsxwriter

from .workbook import FIXED_CREATED, FORMATS, write_value

MAX_SHEET_NAME = 31  # Excel's limit


def write_tables_workbook(path: Path, title: str, sheets: Mapping[str, pd.DataFrame],
                          notes: Sequence[str] = ()) -> None:
    """Write each table to its own sheet (in order), and the notes to a `Notes` sheet."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": FIXED_CREATED, "title": title})  # equal runs, equal bytes
    formats = {k: workbook.add_format(v) for k, v in FORMATS.items()}
    for name, table in sheets.items():
        sheet = workbook.add_worksheet(name[:MAX_SHEET_NAME])
        for col, header in enumerate(table.columns):
            sheet.write_string(0, col, str(header), formats["header"])
            sheet.set_column(col, col, max(12, min(48, len(str(header)) + 2)))
        for row, record in enumerate(table.itertuples(index=False), start=1):
            for col, value in enumerate(record):
                write_value(sheet, row, col, value.item() if hasattr(value, "item") else value, formats)
        sheet.freeze_panes(1, 0)
    if notes:
        sheet = workbook.add_worksheet("Notes")
        sheet.set_column(0, 0, 120)
        for row, note in enumerate(notes):
            sheet.write_string(row, 0, note)
    workbook.close()
