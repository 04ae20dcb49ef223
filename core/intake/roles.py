"""Column roles of a stock list decided from evidence: the headers' words and the columns' values, jointly.

The header evidence (the user's mapping, an ERP profile, the schema's aliases, the multilingual vocabulary, the
SAP stock-category words) proposes a role per column; the values confirm or refute it: a quantity, cost or value
must read as numbers, an item code must not be fractional numbers, a warehouse must not be a different code on
every row. Where `qty × price ≈ amount` holds row by row, the arithmetic settles which column is the unit cost
and which the extended value, whatever the headers say. A role no evidence decides stays open: the loader then
refuses with one message naming every open role and the columns whose values could fill it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from itertools import permutations

import numpy as np
import pandas as pd

from core.errors import Said
from core.intake.parsing import parse_numbers
from core.intake.schema import LOTS, STOCK_CATEGORIES, normalize_header
from core.intake.vocabulary import (
    category_of_header,
    dated_movements,
    is_direction,
    is_period_flow,
    keyword_role,
    kind_evidence,
    names_a_count,
    names_a_date,
    names_cost_currency,
    names_item,
    never_a_measure,
    role_of_header,
    says_cost,
    says_sale_price,
    says_value,
)

SAMPLE_ROWS = 2000
NUMERIC_SHARE = 0.8  # share of filled cells that must read as numbers for a number role
CONTRADICTING_SHARE = 0.5  # below this share of numbers, a column cannot be a number role (bad cells aside)
PRODUCT_FIT = 0.9  # share of rows where qty × price ≈ amount for the arithmetic to settle the roles
PRODUCT_TOLERANCE = 0.011
MAX_ARITHMETIC_COLUMNS = 24
MIN_PRICES = 3  # distinct values a cost or value column of 20 rows or more has at least (1/0 is a flag)
MIN_ITEM_SHARE = 0.05  # distinct values per filled cell below which a column names groups, not items
MIN_ROWS_FOR_CONTENT = 5  # rows before values alone may name the item column (two distinct words prove nothing)
CONFIDENCE = {"mapping": 1.0, "profile": 0.95, "alias": 0.9, "arithmetic": 0.9, "vocabulary": 0.85,
              "category": 0.8, "content": 0.6}
NUMBER_ROLES = frozenset({"qty", "unit_cost", "value", "age_days", "on_order",
                          *(f"{m}_{c}" for c in STOCK_CATEGORIES for m in ("qty", "value"))})
REQUIRED_LABELS = {"sku": "item (sku)", "qty": "quantity (qty)", "unit_cost": "unit cost or value"}
_CODE = re.compile(r"^[\w.\-/#]*\d[\w.\-/#]*$")
_CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}$")
# A calendar date or month with its four-digit year, as lists write it: 2026-03-01, 2026/3, 03/31/2026,
# 31.03.2026, 2026年3月, 202603 (a code like Kingdee's 1.01.001 or 01.02.03 is none).
_DATE = re.compile(r"^(?:(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])(?:[-/.](?:0?[1-9]|[12]\d|3[01]))?"
                   r"(?:[ T]\d\d?:\d\d(?::\d\d)?)?"
                   r"|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?:19|20)\d\d"
                   r"(?:\s+\d\d?:\d\d(?::\d\d)?)?"
                   r"|(?:19|20)\d\d年\d{1,2}月(?:\d{1,2}日)?|(?:19|20)\d\d(?:0[1-9]|1[0-2]))$")


@dataclass
class ColumnEvidence:
    """What a column's values are, from a sample of its filled cells."""

    header: str
    filled: int
    numeric: float  # share of filled cells that read as numbers
    integer: float  # share of those numbers that are whole
    distinct: int
    code_like: float  # share of filled cells that look like codes (no spaces, a digit)
    currency_code: float
    date_like: float  # share of filled cells that read as a date or a month
    numbers: np.ndarray  # the sample's numbers, NaN where a cell is not one
    examples: tuple[str, ...]

    @property
    def is_number(self) -> bool:
        return self.filled > 0 and self.numeric >= NUMERIC_SHARE

    @property
    def all_distinct(self) -> bool:
        return self.filled >= 20 and self.distinct == self.filled

    def contradicts(self, role: str) -> str | None:
        """Why the values cannot be that role, or None when they can."""
        if self.filled == 0:
            return None
        if role in NUMBER_ROLES and self.numeric < CONTRADICTING_SHARE:
            return f"only {self.numeric:.0%} of its cells are numbers"
        if role == "sku" and self.is_number and self.integer < 0.9:
            return "its values are fractional numbers, not item codes"
        if role in ("warehouse", "plant") and self.all_distinct:
            return "a different value on every row is a code, not a warehouse"
        if role in ("warehouse", "plant") and self.is_number and self.integer < 0.9:
            return "its values are fractional numbers"
        if role == "currency" and self.currency_code < NUMERIC_SHARE:
            return "its values are not currency codes"
        if role == "snapshot_date" and self.date_like < CONTRADICTING_SHARE:
            return "its values are not dates"
        if role == "sku" and self.date_like >= NUMERIC_SHARE:
            return "its values are dates, not item codes"
        return None

    def describe(self) -> Said:
        if self.is_number:
            kind = "whole numbers" if self.integer >= 0.99 else "numbers"
        elif self.code_like >= NUMERIC_SHARE:
            kind = "codes"
        else:
            kind = "text"
        return Said(f"values_{kind.replace(' ', '_')}", f"{kind}, {self.distinct} distinct of {self.filled}",
                    distinct=self.distinct, rows=self.filled)


def column_evidence(frame: pd.DataFrame, decimal: str) -> dict[str, ColumnEvidence]:
    """Evidence for each column from the first rows of the table as read."""
    sample = frame.head(SAMPLE_ROWS)
    found = {}
    for header in sample.columns:
        cells = sample[header]
        filled_mask = cells.notna().to_numpy() & (cells.astype(str).str.strip() != "").to_numpy()
        filled = int(filled_mask.sum())
        numbers, invalid = parse_numbers(cells, decimal)
        numbers = numbers.to_numpy(dtype=float)
        readable = filled_mask & ~invalid & np.isfinite(numbers)
        texts = cells[filled_mask].astype(str).str.strip()
        whole = np.isclose(numbers[readable], np.round(numbers[readable])) if readable.any() else np.array([])
        found[str(header)] = ColumnEvidence(
            header=str(header), filled=filled, numeric=readable.sum() / filled if filled else 0.0,
            integer=float(whole.mean()) if len(whole) else 0.0, distinct=int(texts.nunique()),
            code_like=float(texts.str.match(_CODE).mean()) if filled else 0.0,
            currency_code=float(texts.str.match(_CURRENCY_CODE).mean()) if filled else 0.0,
            date_like=float(texts.str.match(_DATE).mean()) if filled else 0.0,
            numbers=np.where(readable, numbers, np.nan), examples=tuple(texts.drop_duplicates().head(3)))
    return found


def product_fit(qty: np.ndarray, price: np.ndarray, amount: np.ndarray) -> float:
    """Share of rows (with all three given and a non-zero amount) where qty × price equals the amount."""
    rows = np.isfinite(qty) & np.isfinite(price) & np.isfinite(amount) & (amount != 0)
    if rows.sum() < 1:
        return 0.0
    expected = qty[rows] * price[rows]
    gap = np.abs(expected - amount[rows])
    return float(np.mean(gap <= PRODUCT_TOLERANCE * np.maximum(np.abs(amount[rows]), np.abs(expected)) + 0.01))


@dataclass
class Roles:
    """The roles chosen (key → header), how each was decided, and what is still open."""

    mapping: dict[str, str]
    sources: dict[str, str]
    evidence: dict[str, ColumnEvidence]
    reasons: dict[str, str] = field(default_factory=dict)  # key → why, for the Data page
    dropped: dict[str, str] = field(default_factory=dict)  # header → why its header role was refused
    missing: list[str] = field(default_factory=list)
    candidates: dict[str, list[str]] = field(default_factory=dict)

    def confidence(self, key: str) -> float:
        return CONFIDENCE.get(self.sources.get(key, ""), 0.0)

    def set(self, key: str, header: str, source: str, reason: str) -> None:
        self.mapping[key] = header
        self.sources[key] = source
        self.reasons[key] = reason

    def free_numbers(self) -> list[str]:
        """Number columns no role holds yet (the first MAX_ARITHMETIC_COLUMNS: the search is cubic in them)."""
        taken = set(self.mapping.values())
        return [h for h, e in self.evidence.items() if h not in taken and e.is_number and e.filled
                and not never_a_measure(h) and not is_period_flow(h)][:MAX_ARITHMETIC_COLUMNS]


def settle(mapping: dict[str, str], sources: dict[str, str], evidence: dict[str, ColumnEvidence],
           priced: bool = False, frame: pd.DataFrame | None = None) -> Roles:
    """Confirm the header roles by the values, fill the open ones from the arithmetic and the values, and list
    what is still missing with the candidates the evidence supports (no unit cost when a price list is given);
    `frame`, the table's rows, lets stacked snapshots be found by their dates."""
    roles = Roles(dict(mapping), dict(sources), evidence)
    _refuse_contradicted(roles)
    _prefer_cost_to_price(roles)
    _prefer_cost_currency(roles)
    _settle_money(roles)
    _find_item(roles)
    if frame is not None:
        _find_snapshot_date(roles, frame)
    roles.missing = [key for key in _missing(roles) if not (priced and key == "unit_cost")]
    roles.candidates = {key: money_candidates(roles) if key == "unit_cost" else candidates(key, roles)
                        for key in roles.missing}
    return roles


def _refuse_contradicted(roles: Roles) -> None:
    for key, header in list(roles.mapping.items()):
        if roles.sources.get(key) == "mapping" or header not in roles.evidence:
            continue
        why = roles.evidence[header].contradicts(key)
        if key == "unit_cost" and says_sale_price(header) and not says_cost(header):
            why = "it is a sale price, not a cost"
        if key in ("qty", "unit_cost", "value") and roles.sources.get(key) == "keyword" and never_a_measure(header):
            why = "it names an order, a forecast, an identifier or a rate, never the stock"
        if why:
            roles.dropped[header] = f"header says {key}, but {why}"
            del roles.mapping[key]
            roles.sources.pop(key, None)


def _prefer_cost_to_price(roles: Roles) -> None:
    """A cost column beats a bare price column taken as the unit cost ('Price' beside 'Cost'): a price may be
    the sale price, a cost never is."""
    header = roles.mapping.get("unit_cost")
    if header is None or roles.sources.get("unit_cost") == "mapping" or says_cost(header):
        return
    taken = set(roles.mapping.values())
    costs = [h for h, e in roles.evidence.items() if h not in taken and e.is_number and says_cost(h)
             and header_role(h) in (None, "unit_cost") and not says_value(h)]
    if costs:
        roles.set("unit_cost", costs[0], "vocabulary",
                  f"a cost column beats the price column '{header}' (a price may be the sale price)")


def _prefer_cost_currency(roles: Roles) -> None:
    """A column naming the cost's currency ('Moneda costo', 'Cost currency', '成本币种') beats a bare currency
    column, which may be the sale price's ('Moneda' beside 'Precio')."""
    header = roles.mapping.get("currency")
    if roles.sources.get("currency") == "mapping" or (header is not None and names_cost_currency(header)):
        return
    taken = set(roles.mapping.values())
    costs = [h for h, e in roles.evidence.items() if h not in taken and names_cost_currency(h)
             and not e.contradicts("currency") and e.filled]
    if costs:
        why = f"the cost's currency beats '{header}' (it may be the sale price's)" if header else "the cost's currency"
        roles.set("currency", costs[0], "vocabulary", why)


MIN_SNAPSHOT_COVER = 0.5  # mean share of the list's items each date holds, for the dates to be snapshots


def _find_snapshot_date(roles: Roles, frame: pd.DataFrame) -> None:
    """With no snapshot date named, a date column of a few values under each of which the list's items appear
    again ('month' 2022-01 … 2026-03, every item and warehouse once a month) is the date of stacked snapshots:
    the report then takes the latest, where summing them would count the stock once per snapshot."""
    if "snapshot_date" in roles.mapping or "sku" not in roles.mapping:
        return
    taken = set(roles.mapping.values())
    dated = [h for h, e in roles.evidence.items() if h not in taken and h in frame and e.date_like >= NUMERIC_SHARE]
    keys = [roles.mapping[k] for k in ("sku", "warehouse", "plant", "batch") if roles.mapping.get(k) in frame]
    if not dated or not keys:
        return
    texts = frame[keys].astype(object).fillna("").astype(str)
    items = texts.iloc[:, 0].str.cat([texts[k] for k in texts.columns[1:]], sep="|") if len(keys) > 1 \
        else texts.iloc[:, 0]
    for header in dated:
        dates = frame[header].astype(object).fillna("").astype(str).str.strip()
        distinct = dates.nunique()
        if distinct < 2 or distinct > len(frame) / 2:
            continue
        cover = items.groupby(dates).nunique().mean() / max(items.nunique(), 1)
        if cover >= MIN_SNAPSHOT_COVER and items.nunique() < len(frame) / 1.5:
            roles.set("snapshot_date", header, "content",
                      f"{distinct} dates, each holding {cover:.0%} of the items again: stacked snapshots")
            return


def _fits(roles: Roles, qty: str, price: str, amount: str) -> bool:
    e = roles.evidence
    return product_fit(e[qty].numbers, e[price].numbers, e[amount].numbers) >= PRODUCT_FIT


def _settle_money(roles: Roles) -> None:
    """qty × unit_cost ≈ value, row by row, decides which money column is which."""
    m, user = roles.mapping, {k for k, s in roles.sources.items() if s == "mapping"}
    qty, cost, value = m.get("qty"), m.get("unit_cost"), m.get("value")
    if qty is None:
        _find_quantity(roles)
        qty = m.get("qty")
        if qty is None:
            return
    free = roles.free_numbers()
    if cost and value:
        if not _fits(roles, qty, cost, value) and _fits(roles, qty, value, cost) and not {"unit_cost", "value"} & user:
            _set_money(roles, price=value, total=cost)
        return
    if cost:
        total = next((x for x in free if _fits(roles, qty, cost, x)), None)
        price = None if total else next((x for x in free if _fits(roles, qty, x, cost)), None)
        if total:
            _set_money(roles, price=cost, total=total, keys=("value",))
        elif price and "unit_cost" not in user:
            _set_money(roles, price=price, total=cost)
        return
    if value:
        price = next((x for x in free if _fits(roles, qty, x, value)), None)
        if price:
            _set_money(roles, price=price, total=value, keys=("unit_cost",))
        return
    pair = next(((p, t) for p, t in permutations(free, 2) if _fits(roles, qty, p, t) and not _fits(roles, qty, t, p)),
                None)
    if pair:
        _set_money(roles, price=pair[0], total=pair[1])


def _set_money(roles: Roles, price: str, total: str, keys: tuple[str, ...] = ("unit_cost", "value")) -> None:
    """The unit cost and the extended value, as the arithmetic showed them."""
    reason = f"qty × '{price}' = '{total}' row by row"
    for key in keys:
        roles.set(key, price if key == "unit_cost" else total, "arithmetic", reason)


def _find_quantity(roles: Roles) -> None:
    """With no quantity header, the column that multiplies a price into an amount is the quantity."""
    m = roles.mapping
    if any(k.startswith("qty_") for k in m):
        return
    free = roles.free_numbers()
    prices = [m["unit_cost"]] if "unit_cost" in m else free
    amounts = [m["value"]] if "value" in m else free
    for qty in free:
        for price in prices:
            for amount in amounts:
                if len({qty, price, amount}) == 3 and _fits(roles, qty, price, amount):
                    other = roles.evidence[price]
                    if roles.evidence[qty].integer < other.integer and "unit_cost" not in m:
                        qty, price = price, qty
                    roles.set("qty", qty, "arithmetic", f"'{qty}' × '{price}' = '{amount}' row by row")
                    if "unit_cost" not in m:
                        roles.set("unit_cost", price, "arithmetic", f"'{qty}' × '{price}' = '{amount}' row by row")
                    if "value" not in m:
                        roles.set("value", amount, "arithmetic", f"'{qty}' × '{price}' = '{amount}' row by row")
                    return


def _find_item(roles: Roles) -> None:
    """With no item header, the one column of codes (a digit, no spaces) that is nearly distinct per row."""
    if "sku" in roles.mapping:
        return
    taken = set(roles.mapping.values())
    codes: list[ColumnEvidence] = []
    texts = [e for h, e in roles.evidence.items() if h not in taken and e.filled >= MIN_ROWS_FOR_CONTENT
             and not e.is_number and e.date_like < NUMERIC_SHARE and not names_a_date(h)
             and header_role(h) in (None, "sku", "sku_name") and e.distinct >= 0.8 * e.filled]
    codes = [e for e in texts if e.code_like >= 0.95]
    if len(codes) == 1:
        roles.set("sku", codes[0].header, "content", "the only column of item-like codes")
    elif not codes and len(texts) == 1:
        roles.set("sku", texts[0].header, "content", "the only column naming a different item on nearly every row")
    else:
        named = [h for h, e in roles.evidence.items() if h not in taken and e.filled and not e.is_number
                 and names_item(h)]
        if len(named) == 1 and not codes:
            roles.set("sku", named[0], "content", "its header names the product and no column holds item codes")
    if "sku" not in roles.mapping and "sku_name" in roles.mapping and not codes:
        name = roles.mapping.pop("sku_name")
        roles.sources.pop("sku_name", None)
        roles.set("sku", name, "content", "no column holds item codes, so the item's name stands in as its key")


def _missing(roles: Roles) -> list[str]:
    present = set(roles.mapping)
    for total, parts in LOTS.parts.items():
        if set(parts) & present:
            present.add(total)
    missing = [key for key in ("sku", "qty") if key not in present]
    if not {"unit_cost", "value"} & present:
        missing.append("unit_cost")
    return missing


def unvalued_categories(roles: Roles) -> list[str]:
    """Stock categories with a quantity column but no value column, in a list valued by category: their stock
    is in the quantity but not in the TIV (said, never silent)."""
    m = roles.mapping
    if "value" in m or "unit_cost" in m or not any(k.startswith("value_") for k in m):
        return []
    return [f"qty_{c}" for c in STOCK_CATEGORIES if f"qty_{c}" in m and f"value_{c}" not in m]


def header_role(header: str) -> str | None:
    """What the header's own words say the column is (vocabulary, then the SAP category words)."""
    key_of = LOTS.header_keys()
    return (key_of.get(normalize_header(header)) or role_of_header(header) or category_of_header(header)
            or keyword_role(header))


def candidates(key: str, roles: Roles, limit: int = 3) -> list[str]:
    """Free columns whose values could be the role, most like its header words first; never a column whose
    values contradict the role, nor one whose header names another role (an amount as a unit cost)."""
    taken = set(roles.mapping.values())
    fitting = []
    for header, evidence in roles.evidence.items():
        if header in taken or evidence.filled == 0 or evidence.contradicts(key):
            continue
        named = header_role(header)
        if named and named != key:
            continue
        if key == "unit_cost" and (says_value(header) or (says_sale_price(header) and not says_cost(header))
                                   or names_a_count(header)):
            continue
        if key in NUMBER_ROLES and (never_a_measure(header) or is_period_flow(header)):
            continue
        if key == "value" and (names_a_count(header) or not says_value(header)):
            continue
        if key in ("unit_cost", "value") and evidence.filled >= 20 and evidence.distinct < MIN_PRICES:
            continue
        if key == "sku" and evidence.is_number and evidence.distinct < 0.5 * evidence.filled:
            continue
        if key == "sku" and evidence.distinct < max(2, MIN_ITEM_SHARE * evidence.filled):
            continue
        fitting.append(header)
    spellings = [normalize_header(a) for a in (key, *LOTS.column(key).aliases)]

    def likeness(header: str) -> float:
        text = normalize_header(header)
        return max(difflib.SequenceMatcher(None, text, s).ratio() for s in spellings)

    return sorted(fitting, key=likeness, reverse=True)[:limit]


def money_candidates(roles: Roles, limit: int = 3) -> list[str]:
    """For the open 'unit cost or value': the unit-cost candidates, then the columns whose header names an
    amount (期末金额, Balance Value): a value is as good as a cost when there is no price per unit."""
    found = candidates("unit_cost", roles, limit)
    return found + [h for h in candidates("value", roles, limit) if h not in found][:max(limit - len(found), 1)]


def money_role(header: str) -> str:
    """The role a money candidate is offered as: 'value' for an amount, else 'unit_cost'."""
    return "value" if says_value(header) else "unit_cost"


KIND_ADVICE = {
    "movements": "a movements list (material documents: receipts and issues), not a stock list: load it as "
                 "movements (--movements FILE, or the Data page's movements upload) beside a stock list",
    "purchase_ledger": "a purchase ledger (orders or invoices), not a stock list: it holds no stock on hand; "
                       "export the stock on hand (e.g. SAP MB52) instead",
    "serial_register": "a register of serial items (one row per piece with its status), not a stock list with "
                       "quantities: the reader does not count pieces by status; keep the rows in stock and add a "
                       "quantity column (1 per piece), or export the stock on hand",
    "price_list": "a price list (items and unit prices, no quantities), not a stock list: pass it with "
                  "--prices FILE beside a stock list (or the Data page's price upload)",
}


def other_kind(headers: list[str], roles: Roles, title: str = "") -> tuple[str, list[str]] | None:
    """(kind, the headers that show it) when the file is a movements list, a purchase ledger or a price list."""
    register = _serial_register(roles)
    if register:
        return "serial_register", register
    found = kind_evidence(headers, title, set(roles.mapping.values()))
    for kind in ("movements", "purchase_ledger"):
        if kind in found:
            return kind, found[kind]
    moving = _dated_movements(headers, roles)
    if moving:
        return "movements", moving
    if "sales" in found and "qty" in roles.missing:
        return "movements", found["sales"]
    if "price_list" in found and "qty" in roles.missing:
        return "price_list", found["price_list"]
    if roles.missing == ["qty"] and "sku" in roles.mapping and "unit_cost" in roles.mapping \
            and not _dated_events(roles):
        return "price_list", [roles.mapping["sku"], roles.mapping["unit_cost"]]
    return None


MIN_EVENT_DATES = 3
_VALIDITY = re.compile(r"valid|effective|gültig|gultig|vigen|desde|from|生效|有效|適用", re.IGNORECASE)


def _dated_events(roles: Roles) -> list[str]:
    """Date columns of events, several different dates ('Completed Date' of work orders): a price list has none;
    its dates say from when a price is valid ('Valid From', '生效日期'), often one date for all."""
    return [h for h, e in roles.evidence.items() if e.filled and (names_a_date(h) or e.date_like >= NUMERIC_SHARE)
            and not _VALIDITY.search(h) and e.distinct >= MIN_EVENT_DATES]


_STATUS = re.compile(r"^(?:status|estado|zustand|stato|statut|situa[cç][aã]o|状态|状態|ステータス)$", re.IGNORECASE)
MAX_STATUSES = 12


def _serial_register(roles: Roles) -> list[str]:
    """[item, status] headers when the list has no quantity, an item column with a different value on every row
    and a status column of a few values (Eingang/Ausgang, In stock/Sold): one row per serial piece."""
    item = roles.evidence.get(roles.mapping.get("sku", ""))
    if "qty" not in roles.missing or item is None or item.filled < 2 or item.distinct != item.filled:
        return []
    status = next((h for h, e in roles.evidence.items() if _STATUS.match(h.strip()) and not e.is_number
                   and 1 <= e.distinct <= MAX_STATUSES), None)
    return [roles.mapping["sku"], status] if status else []


SIGNED_SHARE = 0.1  # of rows with a negative quantity, in a dated list, that makes it a list of movements


def _dated_movements(headers: list[str], roles: Roles) -> list[str]:
    used = set(roles.mapping.values())
    directions = [h for h, e in roles.evidence.items() if h not in used and not e.is_number and 0 < e.distinct <= 12
                  and is_direction(e.examples)]
    qty = roles.evidence.get(roles.mapping.get("qty", ""))
    signed = qty is not None and qty.filled > 0 and float(np.mean(qty.numbers[np.isfinite(qty.numbers)] < 0)
                                                             if np.isfinite(qty.numbers).any() else 0) >= SIGNED_SHARE
    return dated_movements(headers, used, directions, signed)


def _wanted(key: str) -> str:
    return "unit_cost' or 'value" if key == "unit_cost" else key


def missing_message(roles: Roles, headers: list[str]) -> str:
    """Every open role in one message, each with the columns whose values could fill it."""
    if len(roles.missing) == 1:
        key = roles.missing[0]
        accepted = ", ".join(list(dict.fromkeys((key, *LOTS.column(key).aliases)))[:7])
        found = roles.candidates.get(key) or []
        role = money_role(found[0]) if key == "unit_cost" and found else key
        how = (f"closest headers: {', '.join(found)}; map one on the Data page (column mapping) or headless with "
               f"--mapping FILE holding {{\"{found[0]}\": \"{role}\"}}" if found
               else "no column of the file can be it: the export needs this column")
        if key == "unit_cost" and not found:
            how += "; or value a quantity-only list with a price list: --prices FILE (item → unit cost)"
        how += _sale_prices_said(roles) if key == "unit_cost" else ""
        return (f"required column '{_wanted(key)}' is missing (accepted headers: {accepted}, …); "
                f"the file has: {', '.join(headers)}; {how}")
    clauses, example = [], {}
    for key in roles.missing:
        found = roles.candidates.get(key) or []
        clauses.append(f"required column '{_wanted(key)}' is missing ("
                       + (f"closest headers: {', '.join(found)})" if found else "no column of the file can be it)"))
        free = next((h for h in found if h not in example), None)
        if free:
            example[free] = money_role(free) if key == "unit_cost" else key
    how = ("map them on the Data page (column mapping) or headless with --mapping FILE holding "
           + "{" + ", ".join(f'"{h}": "{k}"' for h, k in example.items()) + "}") if example \
        else "the export needs these columns"
    sale = _sale_prices_said(roles) if "unit_cost" in roles.missing else ""
    return f"{'; '.join(clauses)}; the file has: {', '.join(headers)}; {how}{sale}"


def _sale_prices_said(roles: Roles) -> str:
    """'; 'Sale price' is a sale price, not a cost': why a price column the file has was not taken as the cost."""
    sale = [h for h, e in roles.evidence.items() if e.is_number and says_sale_price(h) and not says_cost(h)]
    return f"; {', '.join(repr(h) for h in sale)}: a sale price, not a cost" if sale else ""
