"""Load stock lots, movements and planning parameters into canonical columns, setting bad rows aside.

A fatal problem (file unreadable, empty, a required column missing) raises `InputError` with one message.
A row-level problem (a number or date that cannot be read, a negative quantity or cost, an empty key) sets
the row aside: it is listed in `LoadResult.problems` and kept as the file had it in `LoadResult.rejected`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.intake.parsing import map_distinct, parse_dates, parse_numbers, parse_text
from core.intake.problems import ERROR, WARNING, empty_problems, fail, problems_frame
from core.intake.reading import RawTable, Source, read_table
from core.intake.schema import (
    LOTS,
    MOVEMENTS,
    OTHER_STOCK_TYPE,
    PLANNING,
    STOCK_TYPES,
    FileSchema,
    infer_stock_type,
    normalize_header,
)

ROW = "_row"
DEFAULT_CURRENCY = "CNY"
_CURRENCY_SIGNS = {"¥": "CNY", "￥": "CNY", "元": "CNY", "$": "USD", "€": "EUR", "£": "GBP"}


@dataclass
class LoadResult:
    """Usable rows in canonical columns (plus `_row`, the line in the file) and what was set aside and why."""

    name: str
    data: pd.DataFrame
    problems: pd.DataFrame
    rejected: pd.DataFrame
    mapping: dict[str, str]
    unmatched: list[str]
    encoding: str | None = None
    currency: str = DEFAULT_CURRENCY
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)


class SchemaMatcher:
    """Matches headers to a schema's columns by their normalised aliases."""

    def __init__(self, schema: FileSchema, overrides: dict[str, str] | None = None) -> None:
        self.schema = schema
        self.overrides = {k: v for k, v in (overrides or {}).items() if v}
        self.by_alias = {normalize_header(a): c.key for c in schema.columns for a in (c.key, *c.aliases)}

    def key_of(self, header: object) -> str | None:
        return self.by_alias.get(normalize_header(header))

    def score(self, cells: list[object]) -> int:
        return len({self.key_of(c) for c in cells if c is not None} - {None})

    def mapping(self, headers: list[str]) -> dict[str, str]:
        """Canonical key → header; explicit overrides first, then the first header matching each key."""
        unknown = sorted(set(self.overrides) - set(self.schema.keys))
        if unknown:
            raise ValueError(f"unknown column keys in the mapping: {', '.join(unknown)}")
        mapping = dict(self.overrides)
        taken = set(mapping.values())
        for header in headers:
            key = self.key_of(header)
            if key and key not in mapping and header not in taken:
                mapping[key] = header
                taken.add(header)
        return mapping

    def typed_headers(self, headers: list[str]) -> set[str]:
        kinds = {c.key: c.kind for c in self.schema.columns}
        return {h for k, h in self.mapping(headers).items() if kinds[k] in ("number", "date")}


def _check_columns(raw: RawTable, schema: FileSchema, mapping: dict[str, str]) -> None:
    missing_override = [h for h in mapping.values() if h not in raw.headers]
    if missing_override:
        raise fail(raw.name, f"mapped column '{missing_override[0]}' is not in the file; "
                             f"the file has: {', '.join(raw.headers)}")
    for column in schema.columns:
        if column.required and column.key not in mapping:
            accepted = ", ".join(list(dict.fromkeys((column.key, *column.aliases)))[:7])
            raise fail(raw.name, f"required column '{column.key}' is missing (accepted headers: {accepted}, …); "
                                 f"the file has: {', '.join(raw.headers)}")
    for group in schema.one_of:
        if not any(key in mapping for key in group):
            names = "' or '".join(group)
            raise fail(raw.name, f"needs a '{names}' column; the file has: {', '.join(raw.headers)}")
    if len(raw.frame) == 0:
        raise fail(raw.name, "no data rows below the header")


def _label(key: str, header: str) -> str:
    return f"'{header}'" if normalize_header(header) == normalize_header(key) else f"'{header}' ({key})"


class _RowChecks:
    """Collects row-level problems as frames; rows with an error are set aside at the end."""

    def __init__(self, raw: RawTable, mapping: dict[str, str]) -> None:
        self.raw = raw
        self.mapping = mapping
        self.rows = pd.Series(raw.rows)
        self.found: list[pd.DataFrame] = []
        self.bad = np.zeros(len(raw.frame), dtype=bool)

    def add(self, key: str, mask: np.ndarray, what: str | Callable[[pd.Series], pd.Series],
            severity: str = ERROR) -> None:
        """Record a problem for each masked row; `what` may be a function of the masked cells as read."""
        if not mask.any():
            return
        header = self.mapping.get(key, key)
        values = self.raw.frame[header][mask] if header in self.raw.frame else pd.Series("", index=np.flatnonzero(mask))
        if callable(what):
            what = what(values)
        self.found.append(problems_frame(self.raw.name, self.rows[mask], _label(key, header),
                                         values.reset_index(drop=True).set_axis(self.rows[mask].index), what,
                                         severity))
        if severity == ERROR:
            self.bad |= mask

    def add_malformed(self) -> None:
        for row, text in self.raw.malformed:
            self.found.append(pd.DataFrame([{"file": self.raw.name, "row": row, "column": "", "value": text,
                                             "severity": ERROR, "message": _malformed(self.raw.name, row)}]))

    def problems(self) -> pd.DataFrame:
        frames = [f for f in self.found if len(f)]
        if not frames:
            return empty_problems()
        return pd.concat(frames, ignore_index=True).sort_values(["row", "column"], kind="stable",
                                                                 ignore_index=True)


BLANK_WHEN_GIVEN = {"qty_out": "qty_in"}  # a required cell that may be blank when the other is given on the row


def _malformed(file: str, row: int) -> str:
    return f"{file}: row {row}: has a different number of fields than the header"


def _quoted(values: pd.Series) -> pd.Series:
    return "'" + values.astype(object).astype(str) + "'"


def _parse_columns(raw: RawTable, schema: FileSchema, mapping: dict[str, str], checks: _RowChecks) -> pd.DataFrame:
    data = {}
    for column in schema.columns:
        if column.key not in mapping:
            continue
        cells = raw.frame[mapping[column.key]]
        if column.kind == "text":
            data[column.key] = parse_text(cells)
            continue
        parse = parse_numbers if column.kind == "number" else parse_dates
        values, invalid = parse(cells)
        kind = "a number" if column.kind == "number" else "a date"
        checks.add(column.key, invalid, lambda bad, kind=kind: _quoted(bad) + f" is not {kind}")
        if column.kind == "number":
            negative = (values < 0).to_numpy()
            checks.add(column.key, negative, lambda _, v=values[negative]: v.map("{:g}".format) + " is negative")
        data[column.key] = values.reset_index(drop=True)
    frame = pd.DataFrame(data)
    for column in schema.columns:
        if column.required and column.key in frame:
            blank = frame[column.key].isna().to_numpy() & ~checks.bad
            if BLANK_WHEN_GIVEN.get(column.key) in frame:
                blank &= frame[BLANK_WHEN_GIVEN[column.key]].isna().to_numpy()
            checks.add(column.key, blank, "is empty")
    return frame


def _finish(raw: RawTable, frame: pd.DataFrame, mapping: dict[str, str], checks: _RowChecks) -> LoadResult:
    checks.add_malformed()
    frame[ROW] = raw.rows
    problems = checks.problems()
    rejected = raw.frame[checks.bad].copy()
    rejected.insert(0, "row", raw.rows[checks.bad])
    reasons = problems[problems["severity"] == ERROR].groupby("row")["message"].agg("; ".join)
    rejected.insert(1, "reason", rejected["row"].map(reasons).to_numpy())
    malformed = pd.DataFrame([{"row": r, "reason": _malformed(raw.name, r), "line": t} for r, t in raw.malformed])
    if len(malformed):
        rejected = pd.concat([rejected, malformed], ignore_index=True).sort_values("row", ignore_index=True)
    matched = set(mapping.values())
    return LoadResult(
        name=raw.name, data=frame[~checks.bad].reset_index(drop=True), problems=problems,
        rejected=rejected.reset_index(drop=True), mapping=mapping,
        unmatched=[h for h in raw.headers if h not in matched], encoding=raw.encoding,
    )


def load_table(source: Source, schema: FileSchema, name: str | None = None, mapping: dict[str, str] | None = None,
               encoding: str | None = None) -> tuple[RawTable, pd.DataFrame, dict[str, str], _RowChecks]:
    matcher = SchemaMatcher(schema, mapping)
    raw = read_table(source, matcher, name=name, encoding=encoding)
    resolved = matcher.mapping(raw.headers)
    _check_columns(raw, schema, resolved)
    checks = _RowChecks(raw, resolved)
    frame = _parse_columns(raw, schema, resolved, checks)
    return raw, frame, resolved, checks


def _stock_type_of(given: object, warehouse: object) -> str:
    """A canonical stock type as given, else inferred from the given text, else from the warehouse name."""
    text = "" if pd.isna(given) else str(given).strip().lower().replace(" ", "_")
    if text in STOCK_TYPES:
        return text
    inferred = infer_stock_type(text) if text else OTHER_STOCK_TYPE
    return inferred if inferred != OTHER_STOCK_TYPE else infer_stock_type("" if pd.isna(warehouse) else warehouse)


def _stock_types(frame: pd.DataFrame) -> pd.Series:
    """Worked out once per distinct warehouse (or stock type and warehouse pair), not once per row."""
    warehouses = frame["warehouse"].fillna("")
    if "stock_type" not in frame:
        return map_distinct(warehouses, lambda names: names.map(lambda w: _stock_type_of("", w))).astype(str)
    pairs = pd.Series(list(zip(frame["stock_type"].fillna(""), warehouses, strict=True)), index=frame.index)
    return map_distinct(pairs, lambda distinct: distinct.map(lambda pair: _stock_type_of(*pair))).astype(str)


def _currency(frame: pd.DataFrame, raw: RawTable, mapping: dict[str, str]) -> str:
    if "currency" in frame and frame["currency"].notna().any():
        return str(frame["currency"].mode().iloc[0]).upper()
    for key in ("value", "unit_cost"):
        cells = raw.frame[mapping[key]] if key in mapping else None
        if cells is None or pd.api.types.is_numeric_dtype(cells):
            continue
        sample = " ".join(cells.dropna().astype(str).head(200))
        for sign, currency in _CURRENCY_SIGNS.items():
            if sign in sample:
                return currency
    return DEFAULT_CURRENCY


def load_lots(source: Source, name: str | None = None, mapping: dict[str, str] | None = None,
              encoding: str | None = None) -> LoadResult:
    """Stock lots (SPEC §2.1): value from qty × unit_cost where absent, stock type from the warehouse name."""
    raw, frame, resolved, checks = load_table(source, LOTS, name, mapping, encoding)
    if "value" not in frame:
        frame["value"] = frame["qty"] * frame["unit_cost"]
    elif "unit_cost" in frame:
        frame["value"] = frame["value"].fillna(frame["qty"] * frame["unit_cost"])
    checks.add("value", frame["value"].isna().to_numpy() & ~checks.bad, "is empty and there is no unit cost")
    if "snapshot_date" in frame:
        checks.add("snapshot_date", frame["snapshot_date"].isna().to_numpy() & ~checks.bad,
                   "is empty: the lot belongs to no snapshot")
    if "unit_cost" not in frame:
        frame["unit_cost"] = (frame["value"] / frame["qty"]).where(frame["qty"] > 0)
    if "receipt_date" in frame and "age_days" not in frame:
        checks.add("receipt_date", frame["receipt_date"].isna().to_numpy() & ~checks.bad,
                   "is empty: the lot counts in every total but has no age", WARNING)
    frame["stock_type"] = _stock_types(frame)
    result = _finish(raw, frame, resolved, checks)
    result.currency = _currency(frame, raw, resolved)
    return result


def load_movements(source: Source, name: str | None = None, mapping: dict[str, str] | None = None,
                   encoding: str | None = None) -> LoadResult:
    """Movements (SPEC §2.2): one row per issue or receipt with `date, sku, qty_out`; a receipt row (qty_in,
    blank qty_out) issues nothing."""
    raw, frame, resolved, checks = load_table(source, MOVEMENTS, name, mapping, encoding)
    if "qty_in" in frame:
        frame["qty_out"] = frame["qty_out"].where(frame["qty_in"].isna() | frame["qty_out"].notna(), 0.0)
    return _finish(raw, frame, resolved, checks)


def load_planning(source: Source, name: str | None = None, mapping: dict[str, str] | None = None,
                  encoding: str | None = None) -> LoadResult:
    """Planning parameters (SPEC §2.3), one row per SKU."""
    raw, frame, resolved, checks = load_table(source, PLANNING, name, mapping, encoding)
    duplicated = frame["sku"].duplicated(keep="first").to_numpy() & frame["sku"].notna().to_numpy()
    checks.add("sku", duplicated, "appears twice; the first row is used")
    return _finish(raw, frame, resolved, checks)
