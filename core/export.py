"""Downloads: CSV that Excel opens with Chinese intact, and one workbook holding several tables."""

from __future__ import annotations

import io
import re

import pandas as pd

SHEET_NAME_LIMIT = 31


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel on a Chinese Windows shows 仓库 rather than mojibake."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:SHEET_NAME_LIMIT] or "Sheet"
    candidate, n = base, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = base[:SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def excel_workbook(tables: dict[str, pd.DataFrame]) -> bytes:
    """One .xlsx with a sheet per table, in the given order."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
    return buffer.getvalue()
