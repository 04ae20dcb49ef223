"""Turn an uploaded or named file into a raw table: bytes → format → encoding → header row → cells.

Text is decoded in a fixed order — BOM, strict UTF-8, strict GB18030 (unless the bytes look like Windows-1252
Latin text) — and only then handed to a charset detector, because detectors alone misread short Chinese text.
The separator is the one under which a header row is recognised and the body lines agree on their width (not
the first line, which may be a title); a second header row (U8's 结存 over 数量 | 金额) is joined to the first.
How numbers and dates are written is inferred from a sample of the body (`conventions`). CSV cells are parsed
by pyarrow; rows keep the line number the user sees in the file (the header is row 1 when it is the first line).
Excel workbooks (.xlsx and legacy .xls) are read by calamine.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from core.intake import limits
from core.intake.conventions import ConventionChoice, Conventions, infer
from core.intake.problems import fail

HEADER_SEARCH_ROWS = 20
CONVENTION_SAMPLE_ROWS = 2000
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

    def header_kinds(self, headers: list[str]) -> dict[str, str]:
        """Header → kind ("text", "number", "date") of the headers that map to a column."""


@dataclass
class RawTable:
    """Cells as read, one column per header (deduplicated), with each row's line number in the file."""

    name: str
    frame: pd.DataFrame
    rows: np.ndarray
    headers: list[str]
    encoding: str | None
    malformed: list[tuple[int, str]]  # (row, text) of lines with the wrong number of fields
    conventions: Conventions = field(default_factory=Conventions)
    sheet: str | None = None  # the workbook sheet read, and every sheet of the workbook
    sheets: list[str] = field(default_factory=list)
    title: str = ""  # the text above the header row (a report's title: 出入库流水账, Stock Summary)


def read_source(source: Source, name: str | None = None) -> tuple[bytes, str]:
    """The bytes of a path, bytes or file object, and the file name to show in messages."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        shown = name or path.name
        if not path.is_file():
            raise fail(shown, "file not found")
        limits.check_file_size(path.stat().st_size, shown)
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
        bom_less = _bom_less_utf16(data)
        if bom_less:
            return data.decode(bom_less, errors="replace"), bom_less
        raise fail(name, "not a CSV or XLSX file (binary content)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_like_latin_text(data):
        return data.decode("cp1252", errors="replace"), "cp1252"
    if _looks_like_shift_jis(data):
        return data.decode("cp932"), "cp932"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for files none of the above; too slow an import for every start-up

    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise fail(name, "unknown text encoding; save the file as UTF-8 or GBK CSV")
    return str(best), best.encoding


def _bom_less_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'-be' for UTF-16 text saved without a BOM: a NUL in nearly every odd (or even) byte."""
    head = data[:4096]
    if len(head) < 8:
        return None
    odd, even = head[1::2].count(0) / (len(head) // 2), head[0::2].count(0) / (len(head) // 2)
    if odd > 0.9 and even < 0.1:
        return "utf-16-le"
    if even > 0.9 and odd < 0.1:
        return "utf-16-be"
    return None


_RULE_LINE = re.compile(r"^[\s\-=_+|]+$")  # a list's ruling (-----, |----|, ====): layout, not a record
_HIGH_RUNS = re.compile(rb"[\x80-\xff]+")


_KANA = re.compile(r"[\u3041-\u30ff]")


def _looks_like_shift_jis(data: bytes, final: bool = True) -> bool:
    """Japanese Shift-JIS (cp932) text: it decodes strictly and writes full-width kana (ロット, 在庫数), which
    GBK bytes read as cp932 almost never give (they fall on half-width kana and rare kanji instead)."""
    head = data[:1 << 16]
    try:
        text = codecs.getincrementaldecoder("cp932")().decode(head, final=final and len(data) <= len(head))
    except UnicodeDecodeError:
        return False
    kana = len(_KANA.findall(text))
    half_width = sum(1 for ch in text if "\uff61" <= ch <= "\uff9f")
    return kana >= 2 and kana > half_width


def _looks_like_latin_text(data: bytes) -> bool:
    """Windows-1252 text (Währung, Qualitätsprüfung, €): lone high bytes between ASCII letters, where GBK
    writes each Chinese character as a pair of high bytes, in runs of two or more."""
    runs = [len(run) for run in _HIGH_RUNS.findall(data[:1 << 16])]
    return bool(runs) and sum(length == 1 for length in runs) >= 0.8 * len(runs)


def _choose_delimiter(lines: list[str], matcher: HeaderMatcher) -> tuple[str, list[list[str]], int]:
    """(separator, rows, header index): the separator that splits a recognised header whose width the body keeps."""
    best: tuple[tuple[int, int, int], str, list[list[str]], int] | None = None
    for delimiter in _DELIMITERS:
        rows = list(csv.reader(lines, delimiter=delimiter))
        header_at = find_header_row(rows, matcher)
        width = len(rows[header_at]) if rows else 0
        body = [row for row in rows[header_at + 1:] if any(cell.strip() for cell in row)]
        agreeing = sum(len(row) == width for row in body) if width > 1 else 0
        score = (matcher.score(rows[header_at]) if rows else 0, agreeing, width)
        if best is None or score > best[0]:
            best = (score, delimiter, rows, header_at)
    assert best is not None
    return best[1], best[2], best[3]


def _blank_cell(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and np.isnan(cell)) or not str(cell).strip()


def _is_number_cell(cell: object) -> bool:
    if isinstance(cell, (int, float, np.number)):
        return True
    return bool(re.fullmatch(r"[-+(]?[\d.,\s]+\)?", str(cell).strip()))


def joined_header(top: list[object], below: list[object], matcher: HeaderMatcher) -> list[str] | None:
    """`结存 | 数量`-style headers from a two-row (merged) header, or None when the next row is data.

    A merged top cell is written once, over the first of the columns it spans: it is carried right over the
    blanks whose lower cell has text. The join is kept only when it recognises more columns than the top row."""
    if not below or any(_is_number_cell(c) for c in below if not _blank_cell(c)):
        return None
    if sum(not _blank_cell(c) for c in below) < 2:
        return None
    joined, carried = [], ""
    for i, cell in enumerate(top):
        lower = "" if i >= len(below) or _blank_cell(below[i]) else str(below[i]).strip()
        upper = "" if _blank_cell(cell) else str(cell).strip()
        carried = upper or (carried if lower else "")
        joined.append(f"{carried}|{lower}" if carried and lower else (carried or lower))
    return joined if matcher.score(joined) > matcher.score(list(top)) else None


def _conventions(headers: list[str], rows: list[list[object]], matcher: HeaderMatcher,
                 choice: ConventionChoice | None) -> Conventions:
    """Decimal mark and date order from a sample of the body's number and date cells."""
    kinds = matcher.header_kinds(headers)
    numbers, dates = [], []
    for i, header in enumerate(headers):
        kind = kinds.get(header)
        if kind in ("number", "date"):
            cells = [row[i] for row in rows[:CONVENTION_SAMPLE_ROWS] if i < len(row) and isinstance(row[i], str)]
            (numbers if kind == "number" else dates).extend(cells)
    return infer(numbers, dates, choice)


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
    if best < 2:
        return 0
    at = scores.index(best)
    above = rows[at - 1] if at > 0 else []
    joined = joined_header(above, rows[at], matcher) if sum(not _blank_cell(c) for c in above) >= 2 else None
    if joined and matcher.score(joined) > best:
        return at - 1  # the upper row of a two-row header ('As of 03/31' over 'Quantity | Value')
    return at


def read_table(source: Source, matcher: HeaderMatcher, name: str | None = None,
               encoding: str | None = None, choice: ConventionChoice | None = None,
               sheet: str | None = None) -> RawTable:
    """Read CSV/TXT (optionally gzip-compressed), XLSX or XLS; `choice` overrides the inferred conventions,
    `sheet` the workbook sheet chosen by its headers."""
    data, name = read_source(source, name)
    if data[:2] == _GZIP_MAGIC:
        data = limits.gunzip(data, name)
    if not data or data.isspace():
        raise fail(name, "the file is empty")
    if data.startswith(_ZIP_MAGIC):
        limits.check_xlsx(data, name)
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        return _read_excel(data, name, matcher, choice, sheet)
    if sheet is not None:
        raise fail(name, f"is a text file, not a workbook: it has no sheet '{sheet}' (leave out --sheet)")
    limits.check_csv_shape(data, name)
    if encoding is None and _looks_like_utf8(data):
        try:
            return _read_csv(None, data, "utf-8", name, matcher, choice)
        except pa.ArrowInvalid:
            pass  # not UTF-8 after all: decode the whole file the careful way
    text, used = decode_text(data, name, encoding)
    return _read_csv(text, data, used, name, matcher, choice)


def read_header(source: Source, matcher: HeaderMatcher, name: str | None = None, sheet: str | None = None) -> list[str]:
    """The header of a file from its first rows only (for the Data page's mapping and remembered mappings):
    cheap even for a million-row file."""
    data, name = read_source(source, name)
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.GzipFile(fileobj=io.BytesIO(data)).read(1 << 18)
        except (OSError, EOFError):
            raise fail(name, "the compressed file is damaged") from None
    if data.startswith(_ZIP_MAGIC):
        limits.check_xlsx(data, name)  # calamine would expand a bomb's whole sheet to read its first rows
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        sheets = _sheets(data, name, nrows=HEADER_SEARCH_ROWS + 1)
        head = sheets[choose_sheet(sheets, matcher, name, sheet)].values.tolist() if sheets else []
        if not head:
            raise fail(name, "the file is empty")
        at = find_header_row(head, matcher)
        below = head[at + 1] if at + 1 < len(head) else []
        return _unique_headers(joined_header(head[at], below, matcher) or head[at])
    text = _head_text(data[:1 << 18])
    lines = text.lstrip("\ufeff").splitlines()[:HEADER_SEARCH_ROWS]
    if not lines:
        raise fail(name, "the file is empty")
    try:
        _, rows, at = _choose_delimiter(lines, matcher)
    except csv.Error:
        raise fail(name, "not a CSV file: its first lines cannot be split into columns") from None
    below = rows[at + 1] if at + 1 < len(rows) else []
    return _unique_headers(joined_header(rows[at], below, matcher) or rows[at])


def _head_text(head: bytes) -> str:
    """The start of a text file, decoded the way `decode_text` decodes the whole (a cut character is dropped)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    if b"\x00" in head and _bom_less_utf16(head):
        return head.decode(_bom_less_utf16(head), errors="ignore")
    if _looks_like_utf8(head):
        return head.decode("utf-8", errors="ignore")
    if _looks_like_latin_text(head):
        return head.decode("cp1252", errors="replace")
    if _looks_like_shift_jis(head, final=False):
        return head.decode("cp932", errors="ignore")
    return head.decode("gb18030", errors="ignore")


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


def _sheets(data: bytes, name: str, nrows: int | None = None) -> dict[str, pd.DataFrame]:
    """Every sheet of an .xlsx or .xls workbook as cells (calamine reads both, and large sheets far faster than
    openpyxl)."""
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, dtype=object, engine="calamine",
                               nrows=nrows)
    except Exception:  # calamine raises many kinds for a damaged or non-workbook file
        raise fail(name, "cannot read the Excel workbook: the file is damaged or not a workbook") from None
    return {str(sheet): cells.replace("", np.nan) for sheet, cells in sheets.items()}


def choose_sheet(sheets: dict[str, pd.DataFrame], matcher: HeaderMatcher, name: str, sheet: str | None = None) -> str:
    """The sheet asked for, else the one whose header row recognises most columns (then the one with most rows):
    a workbook whose first sheet is 'Assumptions' or a cover page is read at its stock list."""
    if not sheets:
        raise fail(name, "the file is empty")
    if sheet is not None:
        if sheet not in sheets:
            raise fail(name, f"no sheet '{sheet}'; the workbook has: {', '.join(sheets)}")
        return sheet

    def score(item: tuple[str, pd.DataFrame]) -> tuple[int, int]:
        head = item[1].head(HEADER_SEARCH_ROWS).values.tolist()
        return (matcher.score(head[find_header_row(head, matcher)]) if head else 0, len(item[1]))

    return max(sheets.items(), key=score)[0]


def _read_excel(data: bytes, name: str, matcher: HeaderMatcher, choice: ConventionChoice | None,
                sheet: str | None = None) -> RawTable:
    """The stock list's sheet of a workbook (see `choose_sheet`), its header row found as in a CSV."""
    sheets = _sheets(data, name)
    chosen = choose_sheet(sheets, matcher, name, sheet)
    cells = sheets[chosen]
    head = cells.head(HEADER_SEARCH_ROWS).values.tolist()
    if not head:
        raise fail(name, f"sheet '{chosen}' is empty" if len(sheets) > 1 else "the file is empty")
    header_at = find_header_row(head, matcher)
    below = head[header_at + 1] if header_at + 1 < len(head) else []
    joined = joined_header(head[header_at], below, matcher)
    header_rows = 2 if joined else 1
    headers = _unique_headers(joined or cells.iloc[header_at].tolist())
    frame = cells.iloc[header_at + header_rows:].reset_index(drop=True)
    frame.columns = headers
    keep = frame.notna().any(axis=1).to_numpy()
    first = header_at + header_rows + 1
    rows = np.arange(first, first + len(frame))[keep]
    frame = frame[keep].reset_index(drop=True)
    conventions = _conventions(headers, frame.head(CONVENTION_SAMPLE_ROWS).values.tolist(), matcher, choice)
    return RawTable(name, frame, rows, headers, None, [], conventions, sheet=chosen, sheets=list(sheets),
                    title=_title(head[:header_at]))


def _read_csv(text: str | None, data: bytes, encoding: str, name: str, matcher: HeaderMatcher,
              choice: ConventionChoice | None = None) -> RawTable:
    """Parse decoded CSV; `text=None` means `data` is UTF-8 and pyarrow checks it (raising ArrowInvalid if not)."""
    if text is not None:
        text = text.lstrip("\ufeff")
    head_text = text[:200_000] if text is not None else data[:200_000].decode("utf-8", errors="ignore")
    sample_lines = head_text.splitlines()[:CONVENTION_SAMPLE_ROWS]
    delimiter, head, header_at = _choose_delimiter(sample_lines[:HEADER_SEARCH_ROWS], matcher)
    top = head[header_at] if head else []
    sample = list(csv.reader(sample_lines[header_at + 1:], delimiter=delimiter))
    joined = joined_header(top, sample[0] if sample else [], matcher)
    header_rows = 2 if joined else 1
    headers = _unique_headers(joined or top)
    extra = _ragged_width(sample[header_rows - 1:], len(headers))
    headers += [f"column_{len(headers) + i + 1}" for i in range(extra)]
    conventions = _conventions(headers, sample[header_rows - 1:], matcher, choice)
    if extra:
        conventions = replace(conventions, notes=(*conventions.notes, (
            f"every data row has {extra} field(s) more than the header's {len(headers) - extra}: read the header's "
            f"columns from the left and the extra field(s) as unnamed {', '.join(headers[-extra:])}; check that "
            f"the columns line up")))
    skip = header_at + header_rows
    utf8 = data if text is None or encoding == "utf-8" else text.encode("utf-8")
    if encoding == "utf-8-sig":
        utf8 = data[len(codecs.BOM_UTF8):]
    text_headers = [h for h in headers if h not in matcher.typed_headers(headers)]
    table, malformed_count = _arrow_csv(utf8, delimiter, headers, text_headers, skip, conventions.decimal)
    frame = table.to_pandas(types_mapper=_arrow_backed_strings, date_as_object=False, split_blocks=True)
    blank = _all_null(table)
    if blank.any():  # a boolean selection copies every column even when it keeps every row
        frame = frame[~blank]
    if malformed_count or _physical_lines(utf8) != skip + table.num_rows:
        rows, malformed = _line_numbers(text if text is not None else data.decode("utf-8"), delimiter, skip,
                                        len(headers))
    else:
        rows, malformed = np.arange(skip + 1, skip + 1 + table.num_rows)[frame.index], []
    if len(rows) != len(frame):
        raise fail(name, "rows could not be told apart (unbalanced quotes?); check the file's quoting")
    return RawTable(name, frame.reset_index(drop=True), np.asarray(rows), headers, encoding, malformed, conventions,
                    title=_title(head[:header_at]))


RAGGED_SHARE = 0.9  # of data rows one width wider than the header that makes the extra field part of the layout


def _ragged_width(body: list[list[str]], width: int) -> int:
    """How many fields every data row has beyond the header's (a file written with one field too many on each
    row), or 0 when the rows keep the header's width."""
    rows = [row for row in body if any(cell.strip() for cell in row)]
    if len(rows) < 2 or width < 2:
        return 0
    widths = pd.Series([len(row) for row in rows]).value_counts()
    common = int(widths.index[0])
    return common - width if common > width and widths.iloc[0] >= RAGGED_SHARE * len(rows) else 0


def _title(rows: list[list[object]]) -> str:
    return " ".join(str(cell).strip() for row in rows for cell in row if not _blank_cell(cell))


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
               skip: int, decimal: str = ".") -> tuple[pa.Table, int]:
    """Parse with pyarrow: every column as text except numbers and dates, which pyarrow may type itself."""
    malformed = 0

    def skip_malformed(_row: object) -> str:
        nonlocal malformed
        malformed += 1
        return "skip"

    def parse(newlines_in_values: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(column_names=headers, skip_rows=skip, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values,
                                             invalid_row_handler=skip_malformed),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in text_headers},
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True,
                                                 decimal_point=decimal),
        )

    table = parse(False)
    if malformed:
        malformed = 0
        table = parse(True)
    return table, malformed


def _line_numbers(text: str, delimiter: str, skip: int, width: int) -> tuple[list[int], list[tuple[int, str]]]:
    """Exact line numbers of data records (after `skip` title and header lines), and malformed records;
    the slow path for files with gaps. Blank lines and ruling lines (SAP list output) are layout, not records."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)  # CR-only lines (old Mac exports) too
    rows: list[int] = []
    malformed: list[tuple[int, str]] = []
    start = 1
    for index, record in enumerate(reader):
        line, start = start, reader.line_num + 1
        if index < skip or not any(cell.strip() for cell in record) or _RULE_LINE.match(delimiter.join(record)):
            continue
        if len(record) != width:
            malformed.append((line, delimiter.join(record)))
            continue
        rows.append(line)
    return rows, malformed
