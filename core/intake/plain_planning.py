"""A pandas-free fast path for the planning-parameters file (SPEC §2.3), for a command line that must start fast.

Importing pandas costs more than a whole simulation, so a planning file that is plain — the kind a script writes —
is read here with the standard library and numpy. "Plain" is decided conservatively: only a file that
`core.intake.loading.load_planning` provably reads to the same values, with not one problem (error, warning or
note), is taken; for anything else `read_plain_planning` returns None and the caller uses `load_planning`, which
reads every layout and gives the full messages. Each rule below closes one way the full reader could read the file
differently or report something:

- strict UTF-8 with at most a leading BOM (the reader's first choice of encoding), no NUL or other control
  character, no whitespace but the space and the line ends, no `"` (quoting), no tab, `;` or `|` (the separators
  the reader weighs against the comma);
- LF or CRLF line ends only (a lone CR, U+2028 and kin split lines differently in the reader's parsers);
- the first line is the header, every header maps to a PLANNING column by the same alias table the loader uses,
  none unknown or twice, the four required columns present (so the reader finds no better header row below it,
  joins no second header row — the first data row carries the required numbers — and leaves nothing unmatched; the
  planning schema has no ERP profile);
- every other line, and at least one, has exactly the header's number of fields (no blank line, no ragged row);
- number cells are blank (optional columns only) or plain decimals `123` / `123.45`, at most 15 digits before the
  point: no sign (a negative is a row problem), no exponent, space, currency sign or separator. Such cells carry no
  comma, so the decimal-mark evidence the reader gathers (`conventions`) cannot vote for a decimal comma: it reads
  them with the point, as here; and pyarrow types such a column int64 (exact below 10^15) or float64;
- text cells (sku, abc_class, supplier) are stripped as the loader strips them; none is one of pyarrow's null
  spellings (NA, NULL, n/a, …), which the reader would turn into a blank;
- every sku is given and unique, and neither the sku column nor a text first column holds a cell the totals-row
  rules could match: no `*` and none of the totals words (合计, Total, Summe, …) anywhere in the cell;
- the file is within the reader's limits (`limits.MAX_EXPANDED_BYTES`, `limits.MAX_ROWS`).

A plain file larger than `MAX_PLAIN_BYTES` is also left to the loader, for speed alone: this path costs about
4 µs a row, pyarrow's threaded parser about 1 µs a row after a pandas import of about 0.6 s, so past some 150,000
rows (10 MB) the loader is the faster of the two even counting its import (`benchmarks/plain_planning_bench.py`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from itertools import product, repeat
from pathlib import Path

import numpy as np

from core.intake import limits
from core.intake.schema import PLANNING, TOTALS_WORDS, normalize_header

HEADER_ROW = 1
MAX_PLAIN_BYTES = 8 << 20  # beyond it the loader is faster, import included
# Bytes of ASCII characters a plain file may hold (besides every non-ASCII byte, checked as characters below): no
# control character but the line ends, no quote, no tab, `;` or `|`.
_PLAIN_ASCII = bytes(b for b in range(256) if (b >= 0x20 or b in b"\r\n") and b not in b'\x7f";|')
# Non-ASCII characters that are not plain: C1 controls, every Unicode space (str.isspace) and the BOM.
_NOT_PLAIN_WIDE = re.compile("[\x80-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")
_NUMBER = r"[0-9]{1,15}+(?:\.[0-9]++)?+"  # possessive: nothing to backtrack into, so faster
_NUMBERS = re.compile(rf"{_NUMBER}(?:\n{_NUMBER})*+")
_NUMBERS_OR_BLANKS = re.compile(rf"(?:{_NUMBER})?+(?:\n(?:{_NUMBER})?+)*+")
# Searched in lower-cased text with ſ as s: every cell the loader's case-blind totals patterns match is found.
_TOTALS_HINT = re.compile(rf"\*|{TOTALS_WORDS}")
# pyarrow.csv.ConvertOptions().null_values: cells the reader turns into blanks, text columns included.
ARROW_NULLS = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "N/A", "NA",
               "NULL", "NaN", "n/a", "nan", "null")
# Every upper/lower-case spelling of each (a text cell matching one, stripped or not, is not plain).
_NULL_SPELLINGS = frozenset("".join(chars) for n in ARROW_NULLS if n
                            for chars in product(*({c.lower(), c.upper()} for c in n)))
_HEADER_KEYS = PLANNING.header_keys()
_KINDS = {c.key: c.kind for c in PLANNING.columns}
_REQUIRED = tuple(c.key for c in PLANNING.columns if c.required)


@dataclass(frozen=True)
class PlainPlanning:
    """The canonical columns of a plain planning file: numbers as float64 (NaN when blank), text as objects (None
    when blank), only the columns the file has, in PLANNING's order; `rows` is each row's line in the file."""

    name: str
    columns: dict[str, np.ndarray]
    rows: np.ndarray


def read_plain_planning(path: str | Path) -> PlainPlanning | None:
    """The planning file's canonical columns as numpy arrays when it is a plain file that `load_planning` would
    read identically and without a single problem (error, warning or note); None otherwise (the caller then uses
    load_planning, which gives the full messages)."""
    path = Path(path)
    try:
        size = path.stat().st_size if path.is_file() else None
        if size is None or size > min(MAX_PLAIN_BYTES, limits.MAX_EXPANDED_BYTES):
            return None
        data = path.read_bytes()
    except OSError:
        return None
    text = _plain_text(data)
    if text is None:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if len(lines) < 2 or len(lines) > limits.MAX_ROWS:
        return None
    keys = _header_keys(lines[0].split(","))
    if keys is None:
        return None
    columns = _columns(lines[1:], keys)
    if columns is None:
        return None
    return PlainPlanning(path.name, columns, np.arange(HEADER_ROW + 1, HEADER_ROW + len(lines)))


def _plain_text(data: bytes) -> str | None:
    """The file's text with LF line ends, or None when its bytes or characters are not plain."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if data.translate(None, _PLAIN_ASCII):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.isascii() and _NOT_PLAIN_WIDE.search(text):
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    return text


def _header_keys(headers: list[str]) -> list[str] | None:
    """The canonical key of each header, or None when one is unknown or twice or a required column is missing."""
    keys = [_HEADER_KEYS.get(normalize_header(header)) for header in headers]
    known = [key for key in keys if key is not None]
    if len(known) != len(keys) or len(set(known)) != len(known) or not set(_REQUIRED) <= set(known):
        return None
    return known


def _columns(lines: list[str], keys: list[str]) -> dict[str, np.ndarray] | None:
    """Each column of the data lines, read by its kind, or None when a line's width or a cell is not plain."""
    width = len(keys)
    if set(map(str.count, lines, repeat(","))) != {width - 1}:
        return None
    cells = ",".join(lines).split(",")
    by_key = {key: cells[i::width] for i, key in enumerate(keys)}
    columns: dict[str, np.ndarray] = {}
    for key in PLANNING.keys:
        if key not in by_key:
            continue
        if _KINDS[key] == "number":
            column = _numbers(by_key[key], key in _REQUIRED)
        else:
            column = _texts(by_key[key], key == "sku", labels=key in ("sku", keys[0]))
        if column is None:
            return None
        columns[key] = column
    return columns


def _numbers(cells: list[str], required: bool) -> np.ndarray | None:
    """float64 of plain decimal cells (NaN for blanks), or None when a cell is not plain or a required one blank."""
    if not (_NUMBERS if required else _NUMBERS_OR_BLANKS).fullmatch("\n".join(cells)):
        return None
    distinct = set(cells)
    if len(distinct) * 4 < len(cells):  # lead times, service levels: parse each value once
        values = {cell: float(cell) if cell else np.nan for cell in distinct}
        return np.fromiter(map(values.__getitem__, cells), dtype=np.float64, count=len(cells))
    if "" in distinct:
        cells = [cell or "nan" for cell in cells]
    return np.array(cells, dtype=np.float64)


def _texts(cells: list[str], key: bool, labels: bool) -> np.ndarray | None:
    """Stripped text cells (None for blanks), or None when one is a null spelling, or, in the key column (sku),
    one is blank or twice, or, in a column the loader searches for totals labels, one may be such a label."""
    joined = "\n".join(cells)
    if " " in joined:
        cells = [cell.strip() for cell in cells]
        joined = "\n".join(cells)
    distinct = set(cells)
    if not distinct.isdisjoint(_NULL_SPELLINGS) or (key and ("" in distinct or len(distinct) != len(cells))):
        return None
    if labels and _may_be_totals(joined):
        return None
    texts = np.array(cells, dtype=object)
    if "" in distinct:
        texts[texts == ""] = None
    return texts


def _may_be_totals(joined: str) -> bool:
    """True when any cell holds a `*` or a totals word anywhere: a superset of what the loader's totals-row rules
    match (they look at the start of the cell, ignoring case; only ſ and the Kelvin sign fold onto their ASCII
    letters besides the ASCII capitals)."""
    return bool(_TOTALS_HINT.search(joined.lower().replace("ſ", "s")))
