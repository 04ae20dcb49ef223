"""Bounds on what one file may cost to read, so a hostile or mistaken upload cannot take the server down.

A 5 MB gzip can expand to 5 GB and an XLSX is a zip archive: both are decompressed in chunks, counting as they
go, and refused as soon as a limit is passed — never after the whole expansion is in memory. The limits sit far
beyond any real stock list (a 5,000,000-row list of 25 columns is about 1 GB of text) and far below what the
server can hold, because a workshop server is shared by a room of users.

- `MAX_EXPANDED_BYTES`: the text of one file after decompression (1 GiB).
- `MAX_RATIO`: expanded ÷ compressed size. Real exports compress 3–10×; zeros and bombs 200–1,000×. Checked once
  more than `RATIO_FLOOR` bytes are out, so small, very repetitive files still pass.
- `MAX_ROWS` lines of a CSV, `MAX_COLUMNS` columns; for XLSX, Excel's own sheet limit of rows and
  `MAX_XLSX_CELLS` cells, because every workbook cell becomes a Python object while it is read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from core.intake.problems import InputError, fail

MAX_EXPANDED_BYTES = 1 << 30
MAX_RATIO = 100
RATIO_FLOOR = 64 << 20
MAX_ROWS = 5_000_000
MAX_COLUMNS = 500
MAX_XLSX_ROWS = 1_048_576
MAX_XLSX_CELLS = 30_000_000
CHUNK = 1 << 20
_HEAD_LINES = 20
_DELIMITERS = (b",", b"\t", b";", b"|")
_WIDE_CELL = re.compile(rb"<c r=\"(?:[A-Z]{3,}|S[G-Z]|[T-Z][A-Z])[0-9]")  # column 501 (SG) or beyond
_SPLIT = "split it into smaller files (for example one per warehouse or business unit) or filter it in the ERP"


def _too_large(name: str, what: str) -> InputError:
    return fail(name, f"refused: {what}; {_SPLIT}")


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"


def _check_expansion(name: str, expanded: int, compressed: int) -> None:
    if expanded > MAX_EXPANDED_BYTES:
        raise _too_large(name, f"its text is larger than {_mib(MAX_EXPANDED_BYTES)} (the limit per file)")
    if expanded > RATIO_FLOOR and expanded > MAX_RATIO * max(compressed, 1):
        raise _too_large(name, f"it expands more than {MAX_RATIO} times (a compression bomb or a damaged archive)")


def gunzip(data: bytes, name: str) -> bytes:
    """Decompress gzip (one or more members) in chunks, refusing beyond the size or ratio limit."""
    chunks: list[bytes] = []
    expanded, start = 0, 0
    view = memoryview(data)
    try:
        while start < len(view) and any(view[start:start + 512]):  # zero padding after the last member is allowed
            decompressor = zlib.decompressobj(wbits=31)
            offset = start
            while not decompressor.eof and offset < len(view):
                out = decompressor.decompress(view[offset:offset + CHUNK], CHUNK)
                offset = min(offset + CHUNK, len(view))
                while True:
                    expanded += len(out)
                    used = offset - len(decompressor.unconsumed_tail) - len(decompressor.unused_data)
                    _check_expansion(name, expanded, used)
                    chunks.append(out)
                    if not decompressor.unconsumed_tail or decompressor.eof:
                        break
                    out = decompressor.decompress(decompressor.unconsumed_tail, CHUNK)
            if not decompressor.eof:
                raise fail(name, "the compressed file is damaged (it ends too early)")
            start = offset - len(decompressor.unused_data)
    except zlib.error:
        raise fail(name, "the compressed file is damaged") from None
    return b"".join(chunks)


def check_file_size(size: int, name: str) -> None:
    """Refuse a file larger than a decompressed one may be, before its bytes are read."""
    _check_expansion(name, size, size)


def check_csv_shape(data: bytes, name: str) -> None:
    """Refuse text with more lines than `MAX_ROWS` or a head row wider than `MAX_COLUMNS`, before parsing."""
    check_file_size(len(data), name)
    lines = data.count(b"\n")
    if lines > MAX_ROWS + _HEAD_LINES:
        raise _too_large(name, f"it has {lines:,} lines, more than the limit of {MAX_ROWS:,} rows")
    head = data[:4 << 20].split(b"\n", _HEAD_LINES)[:_HEAD_LINES]
    widest = max((line.count(d) + 1 for line in head for d in _DELIMITERS), default=0)
    if widest > MAX_COLUMNS:
        raise _too_large(name, f"a row near the top has {widest:,} columns, more than the limit of {MAX_COLUMNS}")


def check_xlsx(data: bytes, name: str) -> None:
    """Check an XLSX archive before a workbook reader opens it.

    Every member's declared size and ratio first (cheap), then each member is decompressed in chunks and
    discarded, counting its real size (the zip reader stops at the declared size and fails the CRC check of a
    member that lies), and the worksheets' rows, cells and column references.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        declared = sum(m.file_size for m in members)
        _check_expansion(name, declared, sum(m.compress_size for m in members))
        expanded = 0
        rows = cells = 0
        for member in members:
            sheet = member.filename.startswith("xl/worksheets/")
            tail = b""
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    expanded += len(chunk)
                    _check_expansion(name, expanded, len(data))
                    if sheet:
                        window = tail + chunk
                        rows += window.count(b"<row") - tail.count(b"<row")
                        cells += window.count(b"<c ") + window.count(b"<c>") - tail.count(b"<c ") - tail.count(b"<c>")
                        if _WIDE_CELL.search(window):
                            raise _too_large(name, f"a worksheet has more than {MAX_COLUMNS} columns")
                        tail = chunk[-8:]
            if rows > MAX_XLSX_ROWS:
                raise _too_large(name, f"a worksheet has more than {MAX_XLSX_ROWS:,} rows (Excel's own limit)")
            if cells > MAX_XLSX_CELLS:
                raise _too_large(name, f"the workbook has more than {MAX_XLSX_CELLS:,} cells; save it as CSV")
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError, ValueError):
        raise fail(name, "cannot read the Excel workbook: the file is damaged or not a workbook") from None
