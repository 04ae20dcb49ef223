"""Load stock lots, movements, planning parameters and price lists into canonical columns, setting bad rows aside.

Intake runs as stages, data flowing one way:
  bytes → table (`reading`: format, encoding, separator, the workbook's stock sheet, header rows, title)
  → layout (totals and subtotal rows set aside, here)
  → column roles (`roles`: header evidence from `profiles`, the schema's aliases and `vocabulary`, confirmed or
    refused by the values and `qty × price ≈ amount`; a stock list of another kind or with open roles is refused
    in one message)
  → typed columns (`parsing` with the file's `conventions`)
  → lots with their problems (warehouse from plant/sloc or the file, prices, value, stock type, currency) and the
    plausibility `guards`.

A fatal problem (file unreadable, empty, a required column missing) raises `InputError` with one message.
A row-level problem (a number that cannot be read, a negative quantity or cost, an empty key) sets
the row aside: it is listed in `LoadResult.problems` and kept as the file had it in `LoadResult.rejected`.
A receipt or last-move date that cannot be read keeps its lot (age unknown) with a warning; totals and
subtotal rows (合计, Summe, Grand Total, …) are not stock: they are noted as such and never counted.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.errors import Said
from core.intake.conventions import ConventionChoice, Conventions
from core.intake.guards import plausibility
from core.intake.parsing import parse_dates, parse_numbers, parse_text
from core.intake.problems import ERROR, NOTE, WARNING, empty_problems, fail, problems_frame
from core.intake.profiles import ErpProfile, profiles, recognise
from core.intake.reading import RawTable, Source, read_table
from core.intake.roles import (
    KIND_ADVICE,
    Roles,
    column_evidence,
    missing_message,
    other_kind,
    settle,
    unvalued_categories,
)
from core.intake.schema import (
    LOTS,
    MOVEMENTS,
    OTHER_STOCK_TYPE,
    PLANNING,
    PRICES,
    STOCK_TYPES,
    TOTALS_LABEL,
    TOTALS_PREFIX,
    FileSchema,
    infer_stock_type,
    normalize_header,
)
from core.intake.vocabulary import category_of_header, closing_part, keyword_role, role_of_header

ROW = "_row"
DEFAULT_CURRENCY = "CNY"
_CURRENCY_SIGNS = {"R$": "BRL", "円": "JPY", "CLP": "CLP", "BRL": "BRL", "JPY": "JPY", "MXN": "MXN",
                   "¥": "CNY", "￥": "CNY", "元": "CNY", "RMB": "CNY", "CNY": "CNY", "€": "EUR", "EUR": "EUR",
                   "US$": "USD", "$": "USD", "USD": "USD", "£": "GBP", "GBP": "GBP", "HKD": "HKD"}
CURRENCY_SOURCES = {"user": "mapping", "column": "column", "signs": "symbol", "profile": "profile",
                    "default": "assumed"}
VALUE_TOLERANCE = 0.01  # relative gap between value and qty × unit_cost that draws a warning


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
    profile: str | None = None
    conventions: Conventions = field(default_factory=Conventions)
    currency_basis: str = "default"  # user | column | signs | profile | default

    @property
    def currency_source(self) -> str:
        """Where the currency came from, as the report says it: mapping, column, symbol, profile or assumed."""
        return CURRENCY_SOURCES.get(self.currency_basis, self.currency_basis)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    @property
    def totals_rows(self) -> int:
        return int(self.extra.get("totals_rows", 0))

    def describe(self) -> str:
        """'SAP MB52 / MB5B (German), decimal comma, day-first dates, EUR': what was recognised, in English."""
        currency = self.currency + (" (assumed)" if self.currency_basis == "default" else "")
        sheets = self.extra.get("sheets") or []
        where = [f"sheet '{self.extra['sheet']}' of {len(sheets)}"] if len(sheets) > 1 else []
        return ", ".join([*where, self.profile or "generic columns", self.conventions.describe(), currency])


class SchemaMatcher:
    """Matches headers to a schema's columns by their normalised aliases."""

    def __init__(self, schema: FileSchema, overrides: dict[str, str] | None = None) -> None:
        self.schema = schema
        self.overrides = {k: v for k, v in (overrides or {}).items() if v}
        self.by_alias = schema.header_keys()
        self.profiles = profiles_for(schema)

    def key_of(self, header: object) -> str | None:
        return self.by_alias.get(normalize_header(header))

    def word_key_of(self, header: object) -> str | None:
        """A stock list's column by the multilingual vocabulary or the SAP stock-category words."""
        if self.schema not in (LOTS, PRICES):
            return None
        key = role_of_header(header) or category_of_header(header)
        return key if key in self.schema.keys else None

    def keyword_key_of(self, header: object) -> str | None:
        """A stock list's column by a telling word among the header's words (the weakest header evidence)."""
        if self.schema not in (LOTS, PRICES):
            return None
        key = keyword_role(header)
        return key if key in self.schema.keys else None

    def score(self, cells: list[object]) -> int:
        """Columns recognised in a row, by the generic aliases and words or by the ERP profile that knows most."""
        texts = [c for c in cells if isinstance(c, str) and c.strip()]
        best = len({self.key_of(c) or self.word_key_of(c) for c in texts} - {None})
        for profile in self.profiles:
            best = max(best, len({profile.key_of(c) for c in texts} & set(self.schema.keys)))
        return best

    def profile(self, headers: list[str]) -> ErpProfile | None:
        if not self.profiles:
            return None
        return recognise(headers, self.key_of, self.schema.keys)

    def mapping(self, headers: list[str]) -> dict[str, str]:
        return self.resolve(headers)[0]

    def resolve(self, headers: list[str]) -> tuple[dict[str, str], dict[str, str]]:
        """(canonical key → header, key → where it came from): explicit overrides first, then the recognised ERP
        profile's vocabulary, then the generic aliases, then (stock lists) the multilingual words."""
        unknown = sorted(set(self.overrides) - set(self.schema.keys))
        if unknown:
            raise ValueError(f"unknown column keys in the mapping: {', '.join(unknown)}")
        mapping = dict(self.overrides)
        sources = dict.fromkeys(mapping, "mapping")
        taken = set(mapping.values())
        profile = self.profile(headers)
        lookups = ([(profile.key_of, "profile")] if profile else []) + [(self.key_of, "alias")]
        lookups.append((self.word_key_of, "vocabulary"))
        lookups.append((self.keyword_key_of, "keyword"))
        if self.schema is LOTS:
            lookups.insert(0, (_closing_balance_of(headers), "vocabulary"))
        for key_of, source in lookups:
            for header in headers:
                key = key_of(header)
                if source == "keyword" and any(k.startswith(f"{key}_") for k in mapping):
                    continue  # a total by a weak word, where the file already gives its categories
                if key in self.schema.keys and key not in mapping and header not in taken:
                    mapping[key] = header
                    sources[key] = source
                    taken.add(header)
        return mapping, sources

    def header_kinds(self, headers: list[str]) -> dict[str, str]:
        kinds = {c.key: c.kind for c in self.schema.columns}
        return {h: kinds[k] for k, h in self.mapping(headers).items()}

    def typed_headers(self, headers: list[str]) -> set[str]:
        kinds = {c.key: c.kind for c in self.schema.columns}
        return {h for k, h in self.mapping(headers).items() if kinds[k] in ("number", "date")}


def _closing_balance_of(headers: list[str]) -> Callable[[object], str | None]:
    """A period report's columns (As of 01/01 | Quantity, Value; Increases; Decreases; As of 03/31 | Quantity,
    Value): its stock is the last balance, so only the last balance group's parts name the quantity and value."""
    tops = [h.partition("|")[0] for h in headers if closing_part(h) is not None]
    last = tops[-1] if tops else None

    def key_of(header: object) -> str | None:
        return role_of_header(header) if last is not None and str(header).partition("|")[0] == last else None
    return key_of


def profiles_for(schema: FileSchema) -> tuple[ErpProfile, ...]:
    """ERP report profiles describe stock reports: they apply to the lots file only."""
    return profiles() if schema is LOTS else ()


def _check_columns(raw: RawTable, schema: FileSchema, mapping: dict[str, str]) -> None:
    missing_override = [h for h in mapping.values() if h not in raw.headers]
    if missing_override:
        raise fail(raw.name, f"mapped column '{missing_override[0]}' is not in the file; "
                             f"the file has: {', '.join(raw.headers)}")
    present = set(mapping) | {total for total, parts in schema.parts.items() if set(parts) & set(mapping)}
    for column in schema.columns:
        if column.required and column.key not in present:
            raise fail(raw.name, missing_column_message(column.key, schema, raw.headers, mapping),
                       missing=column.key, closest=tuple(closest_headers(column.key, schema, raw.headers, mapping)))
    for group in schema.one_of:
        if not any(key in present for key in group):
            raise fail(raw.name, missing_column_message(group, schema, raw.headers, mapping), missing=group[0],
                       closest=tuple(closest_headers(group[0], schema, raw.headers, mapping)))
    if len(raw.frame) == 0:
        raise fail(raw.name, "no data rows below the header")


def closest_headers(key: str, schema: FileSchema, headers: list[str], mapping: dict[str, str],
                    limit: int = 3) -> list[str]:
    """Headers of the file not yet mapped, most like the column's key and aliases first."""
    import difflib

    taken = set(mapping.values())
    spellings = [normalize_header(a) for a in (key, *schema.column(key).aliases)]

    def likeness(header: str) -> float:
        text = normalize_header(header)
        return max(difflib.SequenceMatcher(None, text, spelling).ratio() for spelling in spellings)

    free = [h for h in headers if h not in taken]
    return sorted(free, key=likeness, reverse=True)[:limit]


def missing_column_message(keys: str | tuple[str, ...], schema: FileSchema, headers: list[str],
                           mapping: dict[str, str]) -> str:
    """What is missing, the closest headers in the file, and how to map one (in the app or with --mapping)."""
    keys = (keys,) if isinstance(keys, str) else keys
    wanted = "' or '".join(keys)
    accepted = ", ".join(list(dict.fromkeys((keys[0], *schema.column(keys[0]).aliases)))[:7])
    closest = closest_headers(keys[0], schema, headers, mapping)
    if not closest:
        how = "every header is already mapped: the export needs this column"
    else:
        how = (f"closest headers: {', '.join(closest)}; map one on the Data page (column mapping) or headless with "
               f"--mapping FILE holding {{\"{closest[0]}\": \"{keys[0]}\"}}")
    return (f"required column '{wanted}' is missing (accepted headers: {accepted}, …); "
            f"the file has: {', '.join(headers)}; {how}")


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
        self.unreadable: dict[str, np.ndarray] = {}
        self.profile: ErpProfile | None = None
        self.roles: Roles | None = None

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

    def add_totals(self, rows: np.ndarray, labels: list[str]) -> None:
        """Totals and subtotal rows: noted as what they are, never set aside as bad lots nor counted."""
        if len(rows):
            self.found.append(pd.DataFrame({
                "file": self.raw.name, "row": rows, "column": "", "value": labels, "severity": NOTE,
                "message": [f"{self.raw.name}: row {r}: totals row (not stock, not counted)" for r in rows]}))

    def add_malformed(self, malformed: list[tuple[int, str]]) -> None:
        for row, text in malformed:
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


AGE_DATES = ("receipt_date", "last_move_date")
# An ERP's stock report may state negative stock in a category (backflushed issues) or a negative amount (a
# revaluation): those figures are the report's own and are kept, with a warning; a negative unit cost or plain
# quantity column is a misread row and is set aside.
SIGNED_AS_STATED = frozenset({"value", *LOTS.parts["qty"], *LOTS.parts["value"]})


def _parse_columns(raw: RawTable, schema: FileSchema, mapping: dict[str, str], checks: _RowChecks) -> pd.DataFrame:
    data = {}
    conventions = raw.conventions
    for column in schema.columns:
        if column.key not in mapping:
            continue
        cells = raw.frame[mapping[column.key]]
        if column.kind == "text":
            data[column.key] = parse_text(cells)
            continue
        if column.kind == "number":
            values, invalid = parse_numbers(cells, conventions.decimal)
            checks.add(column.key, invalid, lambda bad: _quoted(bad) + " is not a number")
        elif column.key in AGE_DATES:
            values, invalid = parse_dates(cells, conventions.day_first)
            checks.unreadable[column.key] = invalid
            checks.add(column.key, invalid, lambda bad: _quoted(bad) + " is not a date: the lot counts in every "
                       "total but has no age", WARNING)
        else:
            values, invalid = parse_dates(cells, conventions.day_first)
            checks.add(column.key, invalid, lambda bad: _quoted(bad) + " is not a date")
        if column.kind == "number":
            negative = (values < 0).to_numpy()
            if schema is LOTS and column.key in SIGNED_AS_STATED:
                checks.add(column.key, negative, lambda _, v=values[negative]: v.map("{:g}".format)
                           + " is negative: kept as the report states it (negative stock or a correction)", WARNING)
            else:
                checks.add(column.key, negative, lambda _, v=values[negative]: v.map("{:g}".format) + " is negative")
        data[column.key] = values.reset_index(drop=True)
    frame = pd.DataFrame(data)
    for total, parts in schema.parts.items():
        present = [part for part in parts if part in frame]
        if present and total not in frame:
            frame[total] = frame[present].sum(axis=1, min_count=1)
    for column in schema.columns:
        if column.required and column.key in frame:
            blank = frame[column.key].isna().to_numpy() & ~checks.bad
            if BLANK_WHEN_GIVEN.get(column.key) in frame:
                blank &= frame[BLANK_WHEN_GIVEN[column.key]].isna().to_numpy()
            checks.add(column.key, blank, "is empty")
    return frame


def _finish(raw: RawTable, frame: pd.DataFrame, mapping: dict[str, str], checks: _RowChecks) -> LoadResult:
    footer = [(r, t) for r, t in raw.malformed if re.match(TOTALS_PREFIX, t, re.IGNORECASE)]  # 'Total Parts,26'
    checks.add_totals(np.array([r for r, _ in footer], dtype=int), [t for _, t in footer])
    malformed = [(r, t) for r, t in raw.malformed if (r, t) not in footer]
    checks.add_malformed(malformed)
    frame[ROW] = raw.rows
    problems = checks.problems()
    rejected = raw.frame[checks.bad].copy()
    rejected.insert(0, "row", raw.rows[checks.bad])
    reasons = problems[problems["severity"] == ERROR].groupby("row")["message"].agg("; ".join)
    rejected.insert(1, "reason", rejected["row"].map(reasons).to_numpy())
    malformed = pd.DataFrame([{"row": r, "reason": _malformed(raw.name, r), "line": t} for r, t in malformed])
    if len(malformed):
        rejected = pd.concat([rejected, malformed], ignore_index=True).sort_values("row", ignore_index=True)
    matched = set(mapping.values())
    return LoadResult(
        name=raw.name, data=(frame[~checks.bad] if checks.bad.any() else frame).reset_index(drop=True),
        problems=problems,
        rejected=rejected.reset_index(drop=True), mapping=mapping,
        unmatched=[h for h in raw.headers if h not in matched], encoding=raw.encoding,
        conventions=raw.conventions,
    )


def _label_mask(cells: pd.Series, prefix: bool) -> np.ndarray:
    """Cells that label a totals row: the distinct values are matched in Arrow, and only when one matches are
    the rows looked up (the usual file has none, so a million rows cost one hash pass)."""
    if cells.dtype == object:
        texts = pa.array(cells.map(lambda v: v if isinstance(v, str) else None), type=pa.string(), from_pandas=True)
    else:  # text the reader left in Arrow memory: used as it is, not copied
        texts = pa.array(cells.array, from_pandas=True)
    distinct = pc.unique(texts)
    hits = pc.filter(distinct, pc.fill_null(pc.match_substring_regex(
        distinct, TOTALS_PREFIX if prefix else TOTALS_LABEL, ignore_case=True), False))
    if len(hits) == 0:
        return np.zeros(len(cells), dtype=bool)
    return pc.fill_null(pc.is_in(texts, value_set=hits), False).to_numpy(zero_copy_only=False)


def _totals_rows(raw: RawTable, mapping: dict[str, str]) -> np.ndarray:
    """Rows labelled 合计/Summe/Grand Total/* in the item or warehouse column (or the first column), and rows with
    numbers but no item, warehouse, batch or name at all — a report's sums, not stock."""
    frame = raw.frame
    mask = np.zeros(len(frame), dtype=bool)
    labelled = dict.fromkeys(h for h in (mapping.get("sku"), mapping.get("warehouse"), raw.headers[0]) if h in frame)
    for header in labelled:
        if pd.api.types.is_string_dtype(frame[header]):
            mask |= _label_mask(frame[header], prefix=True)
    if mapping.get("sku_name") in frame and pd.api.types.is_string_dtype(frame[mapping["sku_name"]]):
        mask |= _label_mask(frame[mapping["sku_name"]], prefix=False)
    keys = [mapping[k] for k in ("sku", "warehouse", "batch", "sku_name") if mapping.get(k) in frame]
    if keys:
        mask |= frame[keys].isna().all(axis=1).to_numpy()
    return mask


def _drop_totals(raw: RawTable, mapping: dict[str, str]) -> tuple[RawTable, np.ndarray, list[str]]:
    mask = _totals_rows(raw, mapping)
    if not mask.any():
        return raw, np.array([], dtype=int), []
    labels = raw.frame[mask].astype(object).apply(
        lambda row: next((str(v) for v in row if isinstance(v, str) and v.strip()), ""), axis=1).tolist()
    kept = dataclasses.replace(raw, frame=raw.frame[~mask].reset_index(drop=True), rows=raw.rows[~mask])
    return kept, raw.rows[mask], labels


def load_table(source: Source, schema: FileSchema, name: str | None = None, mapping: dict[str, str] | None = None,
               encoding: str | None = None, choice: ConventionChoice | None = None, sheet: str | None = None,
               priced: bool = False) -> tuple[RawTable, pd.DataFrame, dict[str, str], _RowChecks]:
    """Read, find the roles, set totals aside and parse; `priced`: a price list will supply the unit costs."""
    matcher = SchemaMatcher(schema, mapping)
    raw = read_table(source, matcher, name=name, encoding=encoding, choice=choice, sheet=sheet)
    roles = None
    if schema is LOTS:
        raw, resolved, roles, totals_at, totals_labels = _lot_roles(raw, matcher, priced)
    else:
        resolved = matcher.mapping(raw.headers)
        _check_columns(raw, schema, resolved)
        raw, totals_at, totals_labels = _drop_totals(raw, resolved)
    checks = _RowChecks(raw, resolved)
    checks.roles = roles
    checks.add_totals(totals_at, totals_labels)
    frame = _parse_columns(raw, schema, resolved, checks)
    checks.profile = matcher.profile(raw.headers)
    return raw, frame, resolved, checks


def _where(raw: RawTable) -> str:
    """'sheet 'Inventory' of 3 (Assumptions, Inventory, Notes): ' for a message about a workbook of several sheets."""
    return f"sheet '{raw.sheet}' of {len(raw.sheets)} ({', '.join(raw.sheets)}): " if len(raw.sheets) > 1 else ""


def _evidence_roles(raw: RawTable, matcher: SchemaMatcher, priced: bool,
                    ) -> tuple[dict[str, str], Roles, RawTable, np.ndarray, list]:
    by_header, sources = matcher.resolve(raw.headers)
    missing_override = [h for h in by_header.values() if h not in raw.headers]
    if missing_override:
        raise fail(raw.name, f"mapped column '{missing_override[0]}' is not in the file; "
                             f"the file has: {', '.join(raw.headers)}")
    body, totals_at, totals_labels = _drop_totals(raw, by_header)
    roles = settle(by_header, sources, column_evidence(body.frame, raw.conventions.decimal), priced, body.frame)
    return by_header, roles, body, totals_at, totals_labels


def read_roles(source: Source, name: str | None = None, mapping: dict[str, str] | None = None,
               encoding: str | None = None, choice: ConventionChoice | None = None, sheet: str | None = None,
               priced: bool = False) -> tuple[RawTable, Roles]:
    """The table of a stock list and the roles its evidence supports, open roles included — what the Data page
    shows and lets the user change; `load_lots` refuses where this only reports."""
    matcher = SchemaMatcher(LOTS, mapping)
    raw = read_table(source, matcher, name=name, encoding=encoding, choice=choice, sheet=sheet)
    return raw, _evidence_roles(raw, matcher, priced)[1]


def _lot_roles(raw: RawTable, matcher: SchemaMatcher, priced: bool,
               ) -> tuple[RawTable, dict[str, str], Roles, np.ndarray, list]:
    """The stock list's roles from its headers and values (see `roles`); refuses a file of another kind, or
    one with open roles, in one message."""
    by_header, roles, body, totals_at, totals_labels = _evidence_roles(raw, matcher, priced)
    kind = other_kind(raw.headers, roles, raw.title)
    if kind:
        raise fail(raw.name, f"{_where(raw)}looks like {KIND_ADVICE[kind[0]]} (columns {', '.join(kind[1])})")
    if roles.missing:
        first = roles.missing[0]
        raise fail(raw.name, _where(raw) + missing_message(roles, raw.headers), missing=first,
                   closest=tuple(roles.candidates.get(first, ())), candidates=roles.candidates)
    if len(raw.frame) == 0:
        raise fail(raw.name, "no data rows below the header")
    if roles.mapping != by_header:
        body, totals_at, totals_labels = _drop_totals(raw, roles.mapping)
    return body, roles.mapping, roles, totals_at, totals_labels


PLANT_LEVEL = "plant level"


def _settle_warehouse(frame: pd.DataFrame, name: str, checks: _RowChecks) -> str:
    """The warehouse of each lot, and where it came from: the column; SAP's plant and storage location as
    `plant/sloc` (an empty storage location is plant-level stock, in transit between plants: `1000 (plant level)`);
    the plant alone; or, in a file with neither (or with a warehouse column empty on every row), one warehouse
    named for the file."""
    for key in ("plant", "warehouse"):
        if key in frame and frame[key].isna().all():
            del frame[key]
    if "plant" in frame:
        plant = frame["plant"]
        if "warehouse" not in frame:
            frame["warehouse"] = plant
            return "plant"
        sloc = frame["warehouse"]
        frame["warehouse"] = (plant + "/" + sloc).where(sloc.notna(), plant + f" ({PLANT_LEVEL})").where(
            plant.notna(), sloc)
        checks.add("warehouse", frame["warehouse"].isna().to_numpy() & ~checks.bad, "is empty")
        return "plant and storage location"
    if "warehouse" in frame:
        checks.add("warehouse", frame["warehouse"].isna().to_numpy() & ~checks.bad, "is empty")
        return "column"
    frame["warehouse"] = re.sub(r"(\.[A-Za-z0-9]{1,4})+$", "", name) or name
    return "file name"


def _stock_type_of(given: object, warehouse: object) -> str:
    """A canonical stock type as given, else inferred from the given text, else from the warehouse name."""
    text = "" if pd.isna(given) else str(given).strip().lower().replace(" ", "_")
    if text in STOCK_TYPES:
        return text
    inferred = infer_stock_type(text) if text else OTHER_STOCK_TYPE
    return inferred if inferred != OTHER_STOCK_TYPE else infer_stock_type("" if pd.isna(warehouse) else warehouse)


def _stock_types(frame: pd.DataFrame) -> pd.Series:
    """Worked out once per distinct warehouse (or stock type and warehouse pair), not once per row, and spread
    over the rows as Arrow text (a million Python strings would cost more than the lookups)."""
    warehouse_codes, warehouses = pd.factorize(frame["warehouse"].fillna(""))
    if "stock_type" not in frame:
        return _spread_text(warehouse_codes, [_stock_type_of("", w) for w in warehouses], frame.index)
    given_codes, given = pd.factorize(frame["stock_type"].fillna(""))
    codes, pairs = pd.factorize(given_codes.astype(np.int64) * len(warehouses) + warehouse_codes)
    types = [_stock_type_of(given[pair // len(warehouses)], warehouses[pair % len(warehouses)]) for pair in pairs]
    return _spread_text(codes, types, frame.index)


def _spread_text(codes: np.ndarray, texts: list[str], index: pd.Index) -> pd.Series:
    """`texts[code]` for each row's code, as pandas' Arrow-backed text."""
    taken = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(texts, pa.large_string()))
    return pd.Series(taken.cast(pa.large_string()), index=index, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _sign_in(text: str) -> str | None:
    for sign, currency in _CURRENCY_SIGNS.items():
        if sign in text:
            return currency
    return None


def _currency(frame: pd.DataFrame, raw: RawTable, mapping: dict[str, str], profile: ErpProfile | None,
              choice: ConventionChoice | None) -> tuple[str, str]:
    """(currency, basis): the user's choice, else a currency column, else the signs in the money columns or
    their headers, else the ERP's usual currency, else the default."""
    if choice and choice.currency:
        return choice.currency.upper(), "user"
    if "currency" in frame and frame["currency"].notna().any():
        return str(frame["currency"].mode().iloc[0]).strip().upper(), "column"
    found = _currency_sign(raw, mapping)
    if found:
        return ("JPY" if found == "CNY" and _japanese(raw) else found), "signs"
    stated = _TITLE_CURRENCY.search(raw.title or "")
    if stated:
        return stated.group(1).upper(), "signs"
    if profile and profile.currency:
        return profile.currency, "profile"
    if _japanese(raw):
        return "JPY", "default"  # kana in the headers: a Japanese list, in yen unless it says otherwise
    return DEFAULT_CURRENCY, "default"


# Kana, or a kanji form written only in Japan (単, 価, 発 …, where Chinese writes 单/單, 价/價, 发/發).
_JAPANESE = re.compile(r"[\u3040-\u30ff単価発売円済払検実]")


def _japanese(raw: RawTable) -> bool:
    """The headers are Japanese: kana, or a kanji form only Japanese writes (現在庫 alone may be Chinese)."""
    return any(_JAPANESE.search(h) for h in raw.headers)


def _currency_sign(raw: RawTable, mapping: dict[str, str]) -> str | None:
    """The currency the money cells or headers write (€ 12,50; R$ 41,07; 'Einzelpreis in €'; '単価(円)')."""
    money = [k for k in ("value", "unit_cost", *LOTS.parts["value"]) if k in mapping]
    for key in money:
        cells = raw.frame[mapping[key]]
        if not pd.api.types.is_numeric_dtype(cells):
            found = _sign_in(" ".join(cells.dropna().astype(str).head(200)))
            if found:
                return found
    for key in money:
        found = _sign_in(re.sub(r"^[^(（\[]*", "", mapping[key]).upper() or "") or _sign_in(
            re.sub(r"^.*?(?=(?:\s(?:in|en|em)\s|[€$¥£￥円]|R\$)|$)", "", mapping[key]))
        code = _CODE_SUFFIX.search(mapping[key])
        if found or code:
            return found or code.group(1).upper()
    return None


# A report's title stating its currency: 'All amounts are in USD', 'Currency: EUR', 'Währung: CHF', '币种：CNY'.
_TITLE_CURRENCY = re.compile(r"(?:currency|amounts?\s+(?:are\s+)?in|währung|moneda|moeda|devise|valuta|divisa|币种|"
                             r"货币|通貨)\s*[:：]?\s*([A-Z]{3})\b", re.IGNORECASE)
MAX_CURRENCIES = 20  # distinct values of a column that codes each row's currency
_CODE_SUFFIX = re.compile(r"(?:^|[\s_/(（\[])(EUR|USD|CNY|RMB|JPY|GBP|BRL|MXN|CLP|ARS|COP|PEN|CHF|INR|IDR|CAD|AUD|"
                          r"THB|PKR|KRW|SGD|HKD|TWD|ZAR|SEK|NOK|DKK|PLN|CZK|TRY|VND|MYR|PHP)[)）\]]?\s*$")
_RATE_HEADER = re.compile(r"tip[_\s.]*cam|tipo\s*de\s*cambio|exchange\s*rate|fx\s*rate|wechselkurs|taux\s*de\s*change|"
                          r"cambio|汇率|為替", re.IGNORECASE)
_CURRENCY_HEADER = re.compile(r"mone?d|monc|currenc|divisa|devise|währung|waehrung|moeda|valuta|币种|货币|通貨",
                              re.IGNORECASE)


def _mixed_currencies(frame: pd.DataFrame, raw: RawTable, mapping: dict[str, str], currency: str) -> str | None:
    """Rows in several currencies, which the TIV would add as if they were one: a currency column with several
    codes, or a per-row currency column beside an exchange-rate column (cve_monc / tip_cam)."""
    if "currency" in frame:
        codes = sorted(frame["currency"].dropna().astype(str).str.strip().str.upper().unique())
        if len(codes) > 1:
            return Said("several_currencies", f"rows are in {len(codes)} currencies ({', '.join(codes[:5])}): the "
                        f"TIV adds them as if all were {currency}; convert them first or load one currency at a time",
                        count=len(codes), codes=", ".join(codes[:5]), currency=currency)
        return None
    used = set(mapping.values())
    rates = [h for h in raw.headers if h not in used and _RATE_HEADER.search(h) and raw.frame[h].nunique() > 1]
    kinds = [h for h in raw.headers if h not in used and _CURRENCY_HEADER.search(h)
             and 1 < raw.frame[h].nunique() <= MAX_CURRENCIES]
    if rates and kinds:
        return Said("currency_beside_rate", f"rows may be in several currencies: column '{kinds[0]}' has "
                    f"{raw.frame[kinds[0]].nunique()} different values beside an exchange-rate column '{rates[0]}'; "
                    f"the TIV adds every row as {currency} without converting", header=kinds[0], rate=rates[0],
                    currency=currency)
    return None


def _check_value(frame: pd.DataFrame, checks: _RowChecks) -> int:
    """Rows whose value disagrees with qty × unit_cost by more than 1 %: the cheapest guard against misread numbers."""
    expected = frame["qty"] * frame["unit_cost"]
    gap = (frame["value"] - expected).abs()
    off = ((gap > VALUE_TOLERANCE * np.maximum(frame["value"].abs(), expected.abs())) & (gap > 0.01)).to_numpy().copy()
    off &= ~checks.bad
    if off.any():
        shown = expected[off].map("{:,.2f}".format)
        checks.add("value", off, lambda cells: _quoted(cells) + " differs from qty × unit cost = " + shown.to_numpy()
                   + " by more than 1 %: check the decimal mark and the column mapping", WARNING)
    return int(off.sum())


def load_lots(source: Source, name: str | None = None, mapping: dict[str, str] | None = None,
              encoding: str | None = None, choice: ConventionChoice | None = None, sheet: str | None = None,
              prices: LoadResult | None = None) -> LoadResult:
    """Stock lots (SPEC §2.1): value from qty × unit_cost where absent, stock type from the warehouse name;
    `prices` (see `load_prices`) gives the unit cost of lots the file does not value."""
    raw, frame, resolved, checks = load_table(source, LOTS, name, mapping, encoding, choice, sheet, prices is not None)
    warehouse_source = _settle_warehouse(frame, raw.name, checks)
    mismatched = _check_value(frame, checks) if {"value", "unit_cost"} <= set(frame) else 0
    unpriced = _apply_prices(frame, prices, checks) if prices is not None else []
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
        unreadable = checks.unreadable.get("receipt_date", np.zeros(len(frame), dtype=bool))
        checks.add("receipt_date", frame["receipt_date"].isna().to_numpy() & ~checks.bad & ~unreadable,
                   "is empty: the lot counts in every total but has no age", WARNING)
    frame["stock_type"] = _stock_types(frame)
    result = _finish(raw, frame, resolved, checks)
    result.currency, result.currency_basis = _currency(frame, raw, resolved, checks.profile, choice)
    if prices is not None and result.currency_basis == "default" and prices.currency_basis != "default":
        result.currency, result.currency_basis = prices.currency, prices.currency_basis
    result.profile = checks.profile.name if checks.profile else None
    result.extra.update(totals_rows=int((result.problems["severity"] == NOTE).sum()), value_mismatch_rows=mismatched,
                        warehouse_source=warehouse_source, roles=checks.roles, unpriced=unpriced,
                        sheet=raw.sheet, sheets=raw.sheets)
    result.extra["warnings"] = plausibility(result.data, result.mapping, set(result.mapping), result.problems,
                                            result.data[ROW], checks.roles)
    mixed = _mixed_currencies(frame, raw, resolved, result.currency)
    if mixed:
        result.extra["warnings"].insert(0, mixed)
    result.extra["notes"] = _intake_notes(result, warehouse_source)
    if prices is not None and prices.extra.get("joined_on"):
        joined_on = prices.extra["joined_on"]
        result.extra["notes"].append(Said("prices_matched", f"price list {prices.name} matched on its column "
                                          f"'{joined_on}'", file=prices.name, header=joined_on))
    if checks.roles is not None:
        result.extra["warnings"] += _unvalued_stock(result.data, checks.roles)
    return result


def _unvalued_stock(frame: pd.DataFrame, roles: Roles) -> list[str]:
    warnings = []
    for key in unvalued_categories(roles):
        units = float(frame[key].fillna(0).abs().sum()) if key in frame else 0.0
        if units:
            warnings.append(Said("unvalued_category", f"'{roles.mapping[key]}' holds {units:,.10g} units of "
                                 f"{key[4:].replace('_', ' ')} stock but the file has no value column for them: they "
                                 f"are not in the TIV", header=roles.mapping[key], units=units))
    return warnings


def _intake_notes(result: LoadResult, warehouse_source: str) -> list[str]:
    """What the summary says about how the list was read beyond its headers."""
    notes = []
    if warehouse_source == "file name" and len(result.data):
        warehouse = result.data["warehouse"].iloc[0]
        notes.append(Said("one_warehouse", f"no warehouse column: all stock is one warehouse, '{warehouse}'",
                          warehouse=warehouse))
    if warehouse_source == "plant and storage location":
        plant_level = int(result.data["warehouse"].str.endswith(f"({PLANT_LEVEL})").sum())
        if plant_level:
            notes.append(Said("plant_level_stock", f"{plant_level} rows have no storage location: plant-level stock "
                              f"(in transit), kept as warehouse '<plant> ({PLANT_LEVEL})'", rows=plant_level))
    roles = result.extra.get("roles")
    if roles is not None:
        for key, source in roles.sources.items():
            if source in ("arithmetic", "content"):
                notes.append(Said("read_as", f"'{roles.mapping[key]}' read as {key}: {roles.reasons[key]}",
                                  header=roles.mapping[key], role=key, source=source))
    return notes


def _apply_prices(frame: pd.DataFrame, prices: LoadResult, checks: _RowChecks) -> list[str]:
    """Unit costs from the price list for lots the file leaves unvalued; a lot whose item has no price is set
    aside and listed, never valued at zero. Returns the unpriced items."""
    key = _price_key(frame["sku"], prices)
    by_item = pd.Series(prices.data["unit_cost"].to_numpy(), index=key.to_numpy())
    by_item = by_item[~by_item.index.duplicated(keep="first")]
    listed = frame["sku"].map(by_item).astype(float)
    unvalued = frame["value"].isna() if "value" in frame else pd.Series(True, index=frame.index)
    if "unit_cost" in frame:
        frame["unit_cost"] = frame["unit_cost"].where(frame["unit_cost"].notna() | ~unvalued, listed)
    else:
        frame["unit_cost"] = listed
    unpriced = (frame["unit_cost"].isna() & unvalued).to_numpy() & ~checks.bad & frame["sku"].notna().to_numpy()
    checks.add("sku", unpriced, lambda cells: _quoted(cells) + f" has no unit cost here and is not in the price "
               f"list {prices.name}: set aside, not valued at zero")
    return sorted(frame.loc[unpriced, "sku"].astype(str).unique())


def _price_key(items: pd.Series, prices: LoadResult) -> pd.Series:
    """The price list's column that names the stock list's items: its item column, or the column whose values
    match most of the items (a price list keyed by product_id beside a SKU column)."""
    wanted = set(items.dropna().astype(str))
    table = prices.extra.get("table")
    columns = {"sku": prices.data["sku"]}
    if table is not None:
        columns.update({h: parse_text(table[h]) for h in table.columns})

    def matched(values: pd.Series) -> int:
        return len(wanted & set(values.dropna().astype(str)))

    best = max(columns, key=lambda h: (matched(columns[h]), h == "sku"))
    if best != "sku":
        prices.extra["joined_on"] = best
    return columns[best].astype(object)


def load_prices(source: Source, name: str | None = None, mapping: dict[str, str] | None = None,
                encoding: str | None = None, choice: ConventionChoice | None = None) -> LoadResult:
    """A price list (item master): one unit cost per item, for stock lists that carry quantities only."""
    raw, frame, resolved, checks = load_table(source, PRICES, name, mapping, encoding, choice)
    duplicated = frame["sku"].duplicated(keep="first").to_numpy() & frame["sku"].notna().to_numpy()
    checks.add("sku", duplicated, "appears twice; the first price is used", WARNING)
    table = raw.frame[~checks.bad].reset_index(drop=True)
    result = _finish(raw, frame, resolved, checks)
    result.extra["table"] = table
    result.currency, result.currency_basis = _currency(frame, raw, resolved, None, choice)
    return result


def load_movements(source: Source, name: str | None = None, mapping: dict[str, str] | None = None,
                   encoding: str | None = None, choice: ConventionChoice | None = None) -> LoadResult:
    """Movements (SPEC §2.2): one row per issue or receipt with `date, sku, qty_out`; a receipt row (qty_in,
    blank qty_out) issues nothing."""
    raw, frame, resolved, checks = load_table(source, MOVEMENTS, name, mapping, encoding, choice)
    if "qty_in" in frame:
        frame["qty_out"] = frame["qty_out"].where(frame["qty_in"].isna() | frame["qty_out"].notna(), 0.0)
    return _finish(raw, frame, resolved, checks)


def load_planning(source: Source, name: str | None = None, mapping: dict[str, str] | None = None,
                  encoding: str | None = None, choice: ConventionChoice | None = None) -> LoadResult:
    """Planning parameters (SPEC §2.3), one row per SKU."""
    raw, frame, resolved, checks = load_table(source, PLANNING, name, mapping, encoding, choice)
    duplicated = frame["sku"].duplicated(keep="first").to_numpy() & frame["sku"].notna().to_numpy()
    checks.add("sku", duplicated, "appears twice; the first row is used")
    return _finish(raw, frame, resolved, checks)
