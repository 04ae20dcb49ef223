"""Downloads: CSV that Excel opens with Chinese intact, and one workbook holding several tables.

Both are safe to open: a text cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`,
a tab or a carriage return — a supplier called `=HYPERLINK(...)`) is written with a leading `'`, the OWASP advice
for CSV injection, so it shows as the text it is. Numbers stay numbers.
"""

from __future__ import annotations

import io
import re
from pathlib import PurePath

import pandas as pd

SHEET_NAME_LIMIT = 31
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def neutralised(value: object) -> object:
    """A text that a spreadsheet would run as a formula, prefixed with `'`; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell and header neutralised (numbers, dates and booleans untouched)."""
    safe = frame.rename(columns=lambda c: neutralised(str(c)))
    for column in safe.columns[[not pd.api.types.is_numeric_dtype(d) and not pd.api.types.is_datetime64_any_dtype(d)
                                for d in safe.dtypes]]:
        safe[column] = safe[column].map(neutralised)
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel on a Chinese Windows shows 仓库 rather than mojibake; CRLF line ends, so a text
    holding a carriage return is quoted rather than splitting its row."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def file_name(stem: str, extension: str) -> str:
    """`set_aside_lots.csv.gz` + `csv` → `set_aside_lots.csv`: one extension, no path, nothing a file system refuses."""
    base = PurePath(str(stem).replace("\\", "/")).name
    while PurePath(base).suffix.lower() in (".csv", ".gz", ".txt", ".xlsx", ".xls", ".html"):
        base = base[: -len(PurePath(base).suffix)]
    base = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", base).strip(" .") or "download"
    return f"{base}.{extension}"


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:SHEET_NAME_LIMIT] or "Sheet"
    base = base.lstrip("'") or "Sheet"  # a sheet name cannot start with an apostrophe
    candidate, n = base, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = base[:SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def excel_workbook(tables: dict[str, pd.DataFrame]) -> bytes:
    """One .xlsx with a sheet per table, in the given order; text is written as text, never as a formula.

    A table's `attrs["number_formats"]` ({header: Excel number format}) is applied to its columns, so a cell holds
    the number and Excel shows it as the screen does. Sheet names keep within Excel's 31 characters, unique."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        for name, frame in tables.items():
            sheet = _sheet_name(name, used)
            safe_frame(frame).to_excel(writer, sheet_name=sheet, index=False)
            formats = frame.attrs.get("number_formats", {})
            for position, header in enumerate(frame.columns):
                if header in formats:
                    width = max(12, min(40, len(str(header)) + 2))
                    writer.sheets[sheet].set_column(position, position, width,
                                                    writer.book.add_format({"num_format": formats[header]}))
    return buffer.getvalue()
