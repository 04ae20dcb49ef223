"""Cell parsers for what ERP exports write: `¥ 1,234.50`, `1.2万`, `2025年12月1日`, `20251201`, Excel serials.

Each parser works on the distinct values of a column only (`pd.factorize`), so a million rows with a few
thousand distinct dates cost a few thousand parses. Each returns the parsed values and a mask of cells that
held something but could not be parsed — blank cells are missing, never invalid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

DATE_DTYPE = "datetime64[s]"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_CURRENCY = r"R\$|[¥￥$€£円元]|RMB|CNY|USD|EUR|HKD|BRL|CLP|MXN|JPY|GBP"
_UNIT_SUFFIX = r"(?<=\d)\s+[^\W\d_]{1,6}\.?$|/\s*[^\W\d_]{1,6}\.?$"  # '1147 Nos', '7.63/Nos': a number and its unit
_SEPARATORS = {".": r"[,\s\u00a0，']", ",": r"[.\s\u00a0']"}
_SCALES = {"万": 1e4, "亿": 1e8}


def _invalid(parsed: pd.Series, values: pd.Series) -> np.ndarray:
    """Cells that held something but did not parse; only the unparsed rows are inspected."""
    invalid = parsed.isna().to_numpy().copy()
    if invalid.any():
        invalid[invalid] = ~_blank(values[invalid])
    return invalid


def _blank(values: pd.Series) -> np.ndarray:
    """Cells that hold nothing: missing, or only spaces."""
    missing = values.isna().to_numpy()
    if ptypes.is_numeric_dtype(values) or ptypes.is_datetime64_any_dtype(values):
        return missing
    text = values.astype(str).str.strip()
    return missing | (text == "").to_numpy()


def map_distinct(values: pd.Series, parse_distinct) -> pd.Series:
    """Apply `parse_distinct` to the Series of distinct non-missing values and spread the result over the rows;
    missing cells stay missing (NaN, NaT or None by the result's dtype)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = parse_distinct(pd.Series(np.asarray(uniques, dtype=object), dtype=object)).to_numpy()
    filler = np.array([{"f": np.nan, "M": np.datetime64("NaT")}.get(parsed.dtype.kind)], dtype=parsed.dtype)
    out = np.concatenate([parsed, filler])[np.where(codes < 0, len(parsed), codes)]
    return pd.Series(out, index=values.index)


def _is_number(values: pd.Series) -> pd.Series:
    """Cells holding a number as such (Excel gives ints and floats), bools excluded."""
    return values.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool))


def _number_from_text(texts: pd.Series, decimal: str = ".") -> pd.Series:
    s = texts.astype(str).str.normalize("NFKC").str.strip()
    s = s.str.replace(_UNIT_SUFFIX, "", regex=True).str.replace(_CURRENCY, "", regex=True)
    s = s.str.replace(_SEPARATORS[decimal], "", regex=True)
    if decimal == ",":
        s = s.str.replace(",", ".", regex=False)
    negative = s.str.startswith("(") & s.str.endswith(")")
    s = s.str.strip("()")
    scale = pd.Series(1.0, index=s.index)
    for suffix, factor in _SCALES.items():
        has_suffix = s.str.endswith(suffix)
        scale = scale.where(~has_suffix, factor)
        s = s.where(~has_suffix, s.str[:-1])
    number = pd.to_numeric(s, errors="coerce").astype(float) * scale
    return number.where(~negative, -number).round(8)


def _number_from_objects(values: pd.Series, decimal: str = ".") -> pd.Series:
    is_number = _is_number(values)
    out = pd.Series(np.nan, index=values.index, dtype=float)
    out[is_number] = values[is_number].astype(float)
    if (~is_number).any():
        out[~is_number] = _number_from_text(values[~is_number], decimal).to_numpy()
    return out


def parse_numbers(values: pd.Series, decimal: str = ".") -> tuple[pd.Series, np.ndarray]:
    """Numbers from a column as read, text with the given decimal mark; returns (float values, invalid mask)."""
    if ptypes.is_bool_dtype(values):
        values = values.astype(object)
    if ptypes.is_numeric_dtype(values):
        return values.astype(float), np.zeros(len(values), dtype=bool)
    parsed = map_distinct(values, lambda distinct: _number_from_objects(distinct, decimal)).astype(float)
    return parsed, _invalid(parsed, values)


def _dates_from_numbers(numbers: pd.Series) -> pd.Series:
    """20251201 → 2025-12-01; 45992 → the Excel serial date; anything else → NaT."""
    numbers = numbers.astype(float)
    whole = numbers.where(numbers == numbers.round())
    out = pd.Series(pd.NaT, index=numbers.index, dtype=DATE_DTYPE)
    compact = whole.between(10_000_101, 99_991_231)
    if compact.any():
        out[compact] = pd.to_datetime(whole[compact].astype("int64").astype(str), format="%Y%m%d",
                                      errors="coerce").astype(DATE_DTYPE)
    serial = numbers.between(1, 99_999) & ~compact
    if serial.any():
        days = np.floor(numbers[serial].to_numpy()).astype("int64")
        out[serial] = (EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).astype(DATE_DTYPE)
    return out


def _dates_from_text(texts: pd.Series, day_first: bool = False) -> pd.Series:
    s = texts.astype(str).str.normalize("NFKC").str.strip()
    s = s.str.split(r"[ T]", n=1, regex=True).str[0]
    s = s.str.replace(r"[年月/.]", "-", regex=True).str.replace("日", "", regex=False).str.strip("-")
    out = pd.Series(pd.NaT, index=s.index, dtype=DATE_DTYPE)
    digits = s.str.fullmatch(r"\d+(?:\.\d+)?")
    if digits.any():
        out[digits] = _dates_from_numbers(pd.to_numeric(s[digits])).to_numpy()
    day_month = s.str.fullmatch(r"\d{1,2}-\d{1,2}-(?:\d{2}|\d{4})") & ~digits
    if day_month.any():
        out[day_month] = _dates_day_month(s[day_month], day_first).to_numpy()
    rest = ~(digits | day_month)
    if rest.any():
        out[rest] = pd.to_datetime(s[rest], format="%Y-%m-%d", errors="coerce").astype(DATE_DTYPE).to_numpy()
    return out


def _dates_day_month(texts: pd.Series, day_first: bool) -> pd.Series:
    """`31-12-2025` (day first) or `12-31-25` (month first); a two-digit year is 20YY."""
    parts = texts.str.split("-", expand=True).astype(int)
    year = parts[2].where(parts[2] >= 100, parts[2] + 2000)
    day, month = (parts[0], parts[1]) if day_first else (parts[1], parts[0])
    moments = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce")
    return moments.astype(DATE_DTYPE)


def _dates_from_objects(values: pd.Series, day_first: bool = False) -> pd.Series:
    out = pd.Series(pd.NaT, index=values.index, dtype=DATE_DTYPE)
    is_moment = values.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year"))
    is_number = _is_number(values)
    if is_moment.any():
        out[is_moment] = pd.to_datetime(values[is_moment]).dt.normalize().astype(DATE_DTYPE).to_numpy()
    if is_number.any():
        out[is_number] = _dates_from_numbers(values[is_number]).to_numpy()
    text = ~(is_moment | is_number)
    if text.any():
        out[text] = _dates_from_text(values[text], day_first).to_numpy()
    return out


def parse_dates(values: pd.Series, day_first: bool = False) -> tuple[pd.Series, np.ndarray]:
    """Dates (day precision) from a column as read, `d/m/y` text read day-first or month-first as told;
    returns (datetime64 values, invalid mask)."""
    if ptypes.is_datetime64_any_dtype(values):
        parsed = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        if not _at_midnight(parsed):
            parsed = parsed.dt.normalize()
        return parsed.astype(DATE_DTYPE), np.zeros(len(values), dtype=bool)
    if ptypes.is_numeric_dtype(values) and not ptypes.is_bool_dtype(values):
        parsed = _dates_from_numbers(values)
    else:
        parsed = map_distinct(values, lambda distinct: _dates_from_objects(distinct, day_first)).astype(DATE_DTYPE)
    return parsed, _invalid(parsed, values)


def _at_midnight(moments: pd.Series) -> bool:
    """Every moment is a whole day already (dates read as dates): normalising them would only copy them."""
    ticks = moments.to_numpy()
    if ticks.dtype.kind != "M":
        return False
    per_day = np.timedelta64(1, "D") // np.timedelta64(1, np.datetime_data(ticks.dtype)[0])
    known = ticks[~np.isnat(ticks)].view("int64")
    return bool(np.all(known % per_day == 0))


def parse_text(values: pd.Series) -> pd.Series:
    """Text cells stripped; numbers from Excel written without a spurious `.0`; blanks become missing."""
    if values.dtype == object:
        values = values.map(_cell_text, na_action="ignore")
    text = values.astype("str").str.strip()
    return text.where(text != "")



def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
