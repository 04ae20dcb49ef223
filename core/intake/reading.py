"""Turn an uploaded or named file into a raw table: bytes → format → encoding → header row → cells.

Text is decoded in a fixed order — BOM, strict UTF-8, strict GB18030 — and only then handed to a charset
detector, because detectors alone misread short Chinese text. CSV cells are parsed by pyarrow; rows keep
the line number the user sees in the file (the header is row 1 when it is the first line).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from core.intake.problems import fail

HEADER_SEARCH_ROWS = 20
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_GZIP_MAGIC = b"\x1f\x8b"
_DELIMITERS = (",", "\t", ";", "|")

Source = str | Path | bytes | BinaryIO


class HeaderMatcher(Protocol):
    """What the reader needs to know of a file's schema."""

    def score(self, cells: list[object]) -> int:
        """How many cells of a row are recognised headers."""

    def typed_headers(self, headers: list[str]) -> set[str]:
        """Headers of number and date columns, which the CSV parser may type itself."""


@dataclass
class RawTable:
    """Cells as read, one column per header (deduplicated), with each row's line number in the file."""

    name: str
    frame: pd.DataFrame
    rows: np.ndarray
    headers: list[str]
    encoding: str | None
    malformed: list[tuple[int, str]]  # (row, text) of lines with the wrong number of fields


def read_source(source: Source, name: str | None = None) -> tuple[bytes, str]:
    """The bytes of a path, bytes or file object, and the file name to show in messages."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        shown = name or path.name
        if not path.is_file():
            raise fail(shown, "file not found")
        return path.read_bytes(), shown
    if isinstance(source, bytes):
        return source, name or "upload"
    data = source.read()
    return data, name or getattr(source, "name", None) or "upload"


def decode_text(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding) of a text file; raises InputError for binary content or an unknown encoding."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            raise fail(name, f"cannot be read as {encoding} text") from None
    for bom, bom_encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                              (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(bom_encoding), bom_encoding
            except UnicodeDecodeError:
                raise fail(name, "unknown text encoding; save the file as UTF-8 or GBK CSV") from None
    if b"\x00" in data[:65536]:
        raise fail(name, "not a CSV or XLSX file (binary content)")
    for strict in ("utf-8", "gb18030"):
        try:
            return data.decode(strict), strict
        except UnicodeDecodeError:
            continue
    import charset_normalizer  # only for files neither UTF-8 nor GB18030; too slow an import for every start-up

    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise fail(name, "unknown text encoding; save the file as UTF-8 or GBK CSV")
    return str(best), best.encoding


def _sniff_delimiter(first_line: str) -> str:
    return max(_DELIMITERS, key=first_line.count)


def _unique_headers(headers: list[object]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, header in enumerate(headers):
        text = "" if header is None or (isinstance(header, float) and np.isnan(header)) else str(header).strip()
        text = text or f"column_{i + 1}"
        count = seen.get(text, 0)
        seen[text] = count + 1
        out.append(text if count == 0 else f"{text}.{count}")
    return out


def find_header_row(rows: list[list[object]], matcher: HeaderMatcher) -> int:
    """Index of the first row among the first rows with the most recognised headers (0 when none stands out)."""
    scores = [matcher.score(row) for row in rows[:HEADER_SEARCH_ROWS]]
    best = max(scores, default=0)
    return scores.index(best) if best >= 2 else 0


def read_table(source: Source, matcher: HeaderMatcher, name: str | None = None,
               encoding: str | None = None) -> RawTable:
    """Read CSV (optionally gzip-compressed) or XLSX."""
    data, name = read_source(source, name)
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            raise fail(name, "the compressed file is damaged") from None
    if not data or data.isspace():
        raise fail(name, "the file is empty")
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, name, matcher)
    if data.startswith(_OLE_MAGIC):
        raise fail(name, "old Excel .xls format is not supported; save it as .xlsx or CSV")
    if encoding is None and _looks_like_utf8(data):
        try:
            return _read_csv(None, data, "utf-8", name, matcher)
        except pa.ArrowInvalid:
            pass  # not UTF-8 after all: decode the whole file the careful way
    text, used = decode_text(data, name, encoding)
    return _read_csv(text, data, used, name, matcher)


def _looks_like_utf8(data: bytes) -> bool:
    """The first megabyte is strict UTF-8 with no BOM or NUL; pyarrow then validates the rest as it parses."""
    head = data[:1 << 20]
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(data) <= len(head))
    except UnicodeDecodeError:
        return False
    return True


def _read_xlsx(data: bytes, name: str, matcher: HeaderMatcher) -> RawTable:
    try:
        cells = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except Exception as error:  # openpyxl raises many kinds for a damaged or non-workbook zip
        raise fail(name, f"cannot read the Excel workbook ({type(error).__name__})") from None
    head = cells.head(HEADER_SEARCH_ROWS).values.tolist()
    if not head:
        raise fail(name, "the file is empty")
    header_at = find_header_row(head, matcher)
    headers = _unique_headers(cells.iloc[header_at].tolist())
    frame = cells.iloc[header_at + 1:].reset_index(drop=True)
    frame.columns = headers
    keep = frame.notna().any(axis=1).to_numpy()
    rows = np.arange(header_at + 2, header_at + 2 + len(frame))[keep]
    return RawTable(name, frame[keep].reset_index(drop=True), rows, headers, None, [])


def _read_csv(text: str | None, data: bytes, encoding: str, name: str, matcher: HeaderMatcher) -> RawTable:
    """Parse decoded CSV; `text=None` means `data` is UTF-8 and pyarrow checks it (raising ArrowInvalid if not)."""
    if text is not None:
        text = text.lstrip("\ufeff")
    head_text = text[:200_000] if text is not None else data[:200_000].decode("utf-8", errors="ignore")
    head_lines = head_text.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = _sniff_delimiter(head_lines[0] if head_lines else "")
    head = list(csv.reader(head_lines, delimiter=delimiter))
    header_at = find_header_row(head, matcher)
    headers = _unique_headers(head[header_at] if head else [])
    utf8 = data if text is None or encoding == "utf-8" else text.encode("utf-8")
    if encoding == "utf-8-sig":
        utf8 = data[len(codecs.BOM_UTF8):]
    text_headers = [h for h in headers if h not in matcher.typed_headers(headers)]
    table, malformed_count = _arrow_csv(utf8, delimiter, headers, text_headers, header_at)
    frame = table.to_pandas(types_mapper=_arrow_backed_strings, date_as_object=False, split_blocks=True)
    frame = frame[~_all_null(table)]
    if malformed_count or _physical_lines(utf8) != header_at + 1 + table.num_rows:
        rows, malformed = _line_numbers(text if text is not None else data.decode("utf-8"), delimiter, header_at,
                                        len(headers))
    else:
        rows, malformed = np.arange(header_at + 2, header_at + 2 + table.num_rows)[frame.index], []
    if len(rows) != len(frame):
        raise fail(name, "rows could not be told apart (unbalanced quotes?); check the file's quoting")
    return RawTable(name, frame.reset_index(drop=True), np.asarray(rows), headers, encoding, malformed)


def _physical_lines(utf8: bytes) -> int:
    """Lines in the file; when pyarrow returns fewer records, it skipped blank lines or joined quoted newlines."""
    return utf8.count(b"\n") + (0 if utf8.endswith(b"\n") else 1)


def _arrow_backed_strings(arrow_type: pa.DataType) -> pd.StringDtype | None:
    """Keep text in Arrow memory (pandas' `str` dtype) instead of a million Python objects."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=np.nan)
    return None


def _all_null(table: pa.Table) -> np.ndarray:
    """Rows whose every cell is empty (such lines carry no data and are not counted as rows)."""
    blank = pa.array(np.ones(table.num_rows, dtype=bool))
    for column in table.columns:
        blank = pc.and_(blank, pc.is_null(column))
    return blank.to_numpy(zero_copy_only=False)


def _arrow_csv(utf8: bytes, delimiter: str, headers: list[str], text_headers: list[str],
               header_at: int) -> tuple[pa.Table, int]:
    """Parse with pyarrow: every column as text except numbers and dates, which pyarrow may type itself."""
    malformed = 0

    def skip_malformed(_row: object) -> str:
        nonlocal malformed
        malformed += 1
        return "skip"

    def parse(newlines_in_values: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(column_names=headers, skip_rows=header_at + 1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values,
                                             invalid_row_handler=skip_malformed),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in text_headers},
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True),
        )

    table = parse(False)
    if malformed:
        malformed = 0
        table = parse(True)
    return table, malformed


def _line_numbers(text: str, delimiter: str, header_at: int, width: int) -> tuple[list[int], list[tuple[int, str]]]:
    """Exact line numbers of data records, and malformed records; the slow path for files with gaps."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[int] = []
    malformed: list[tuple[int, str]] = []
    start = 1
    for index, record in enumerate(reader):
        line, start = start, reader.line_num + 1
        if index <= header_at or not any(cell.strip() for cell in record):
            continue
        if len(record) != width:
            malformed.append((line, delimiter.join(record)))
            continue
        rows.append(line)
    return rows, malformed
