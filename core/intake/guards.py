"""Plausibility guards on a loaded stock list, whichever way its columns were chosen (words, values or a mapping).

A figure that is probably wrong is said, never silently reported: a "unit cost" that is really a total, a TIV
that a handful of rows make up, stock below zero. Each guard returns a sentence for the summary and stderr.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import Said
from core.intake.problems import WARNING
from core.intake.roles import Roles, header_role
from core.intake.vocabulary import (
    category_of_header,
    closing_part,
    is_period_flow,
    names_period_flow,
    never_a_measure,
    says_cost,
    says_price,
    says_sale_price,
    says_value,
)

DOMINATING_ROWS = 3
DOMINATING_SHARE = 0.8  # of the TIV, in the top rows of a list of at least MIN_ROWS_FOR_DOMINANCE
MIN_ROWS_FOR_DOMINANCE = 20
COST_EQUALS_VALUE_SHARE = 0.5


def cost_is_a_total(frame: pd.DataFrame, mapping: dict[str, str], from_file: set[str]) -> str | None:
    """The unit cost column holds totals: its header names an amount, or it equals the value on most rows
    whose quantity is not 1."""
    header = mapping.get("unit_cost")
    if header is None:
        return None
    named = header_role(header)
    if named == "value" or (says_value(header) and named != "unit_cost"):
        return Said("cost_names_an_amount", f"column '{header}' is used as the unit cost but its header names an "
                    f"amount (a total): TIV = qty × that amount is likely far too high; map it as value instead",
                    header=header)
    if "value" in from_file:
        rows = frame["qty"].notna() & (frame["qty"] != 1) & frame["value"].notna() & (frame["value"] != 0)
        same = np.isclose(frame.loc[rows, "unit_cost"], frame.loc[rows, "value"])
        if rows.sum() >= 2 and same.mean() >= COST_EQUALS_VALUE_SHARE:
            return Said("cost_equals_value", f"column '{header}' (unit cost) equals the value on {same.mean():.0%} "
                        f"of the rows whose quantity is not 1: it looks like a total, not a price per unit",
                        header=header, share=float(same.mean()))
    return None


COST_PRICE_HEADERS = frozenset({"单价"})  # a Chinese stock list's 单价 is its unit cost (SPEC: 单价 → unit_cost)


def cost_is_a_sale_price(mapping: dict[str, str], from_file: set[str]) -> str | None:
    """The TIV comes from a price column that names no cost: a sale price ('Verkaufspreis', mapped by the user)
    values the stock at selling prices; a bare price ('Price', 'Precio') may be one."""
    header = mapping.get("unit_cost")
    if header is None or "value" in from_file or says_cost(header) or str(header).strip() in COST_PRICE_HEADERS:
        return None
    if says_sale_price(header):
        return Said("valued_at_sale_price", f"valued at a sale price: column '{header}' is a selling price used as "
                    f"the unit cost, so the TIV is at sale prices, not at cost; give a cost column or a price list "
                    f"(--prices FILE)", header=header)
    if says_price(header):
        return Said("cost_names_a_price", f"column '{header}' is used as the unit cost but its header names a "
                    f"price, not a cost: if it is the selling price, the stock is valued at a sale price (too high); "
                    f"give a cost column or a price list (--prices FILE)", header=header)
    return None


ITEM_SHARE = 0.01  # distinct items per row below which a mapped item column looks like a category
MIN_ROWS_FOR_ITEM_SHARE = 100


def roles_their_columns_cannot_hold(roles: Roles | None) -> list[str]:
    """A quantity, cost or value column whose header names an identifier, an adjustment, a coverage in days or
    months or a rate ('LocationID', 'Cobertura (Mes)', 'tip_cam'), and an item column with a few values repeated
    over many rows of one date (a category): how a hand-made mapping turns into a figure that means nothing."""
    if roles is None:
        return []
    found = []
    for key in ("qty", "unit_cost", "value"):
        header = roles.mapping.get(key)
        if header and never_a_measure(header):
            found.append(Said("never_a_measure", f"column '{header}' is used as {key} but its header names an "
                              f"identifier, an adjustment, a coverage or a rate, not stock or money: the TIV is "
                              f"likely meaningless; check the column mapping", header=header, role=key))
    item = roles.evidence.get(roles.mapping.get("sku", ""))
    mapped = roles.sources.get("sku") == "mapping" and "snapshot_date" not in roles.mapping
    if mapped and item is not None and item.filled >= MIN_ROWS_FOR_ITEM_SHARE \
            and item.distinct < ITEM_SHARE * item.filled:
        found.append(Said("item_is_a_category", f"column '{item.header}' is used as the item but holds only "
                          f"{item.distinct} different values over {item.filled} rows: it looks like a category, not "
                          f"the item; check the column mapping", header=item.header, distinct=item.distinct,
                          rows=item.filled))
    return found


def dominated_by_few_rows(frame: pd.DataFrame, rows: pd.Series) -> str | None:
    """A few rows make up most of the TIV: often a misread number or a total left in the list."""
    values = frame["value"].fillna(0).to_numpy(dtype=float)
    total = values.sum()
    if len(values) < MIN_ROWS_FOR_DOMINANCE or total <= 0:
        return None
    top = _largest(values, DOMINATING_ROWS)
    share = values[top].sum() / total
    if share < DOMINATING_SHARE:
        return None
    lines = ", ".join(str(int(rows.iloc[i])) for i in top)
    return Said("few_rows_hold_the_tiv", f"{DOMINATING_ROWS} rows (lines {lines}) hold {share:.0%} of the TIV: "
                f"check their quantity and cost (a misread number, or a total row left in the list)",
                count=DOMINATING_ROWS, lines=lines, share=float(share))


def _largest(values: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` largest values, largest first (equal values: the later row first), found by a
    partition instead of sorting a million values."""
    if len(values) <= count:
        return np.argsort(values, kind="stable")[::-1]
    bound = np.partition(values, len(values) - count)[len(values) - count]
    candidates = np.flatnonzero(values >= bound)
    return candidates[np.argsort(values[candidates], kind="stable")[::-1]][:count]


def negative_stock(problems: pd.DataFrame) -> str | None:
    """Negative stock or value: set aside (a plain quantity or cost), or kept as the report states it."""
    negative = problems[problems["message"].str.contains("is negative", regex=False)]
    if negative.empty:
        return None
    kept = negative[negative["severity"] == WARNING]["row"].nunique()
    aside = negative[negative["severity"] != WARNING]["row"].nunique()
    parts = ([f"{kept} rows with negative stock or value kept as the report states them (they lower the TIV)"]
             if kept else []) + ([f"{aside} rows with a negative quantity or cost set aside"] if aside else [])
    code = "negative_kept_and_aside" if kept and aside else "negative_kept" if kept else "negative_aside"
    return Said(code, "; ".join(parts), kept=kept, aside=aside)


def unused_stock_columns(roles: Roles | None) -> list[str]:
    """Number columns left unused whose header names a stock category or an amount: stock or value the TIV
    may be missing (or a column that repeats another)."""
    if roles is None:
        return []
    taken = set(roles.mapping.values())
    closing = any(closing_part(h) is not None for h in taken)
    unused = [h for h, e in roles.evidence.items() if h not in taken and e.is_number and e.filled
              and (category_of_header(h) or says_value(h)) and not names_period_flow(h) and not never_a_measure(h)
              and not (closing and closing_part(h) is not None)]
    return [Said("unused_stock_column", f"number column '{h}' ({category_of_header(h) or 'an amount'} by its "
                 f"header) is not used: if it holds stock or value that no other column holds, map it", header=h)
            for h in unused]


REPEATED_SHARE = 0.5  # of the rows whose item, warehouse, batch and dates appear on another row too
MIN_ROWS_FOR_REPEATS = 10
_LOT_KEYS = ("sku", "warehouse", "batch", "receipt_date", "last_move_date", "stock_type", "unit")


def repeated_lots(frame: pd.DataFrame, roles: Roles | None) -> str | None:
    """Most rows repeat another row's item and warehouse, with no snapshot date: a file of several stacked
    snapshots or a history, whose TIV would count the same stock once per copy."""
    if roles is None or "snapshot_date" in roles.mapping or len(frame) < MIN_ROWS_FOR_REPEATS:
        return None
    keys = [k for k in _LOT_KEYS if k in frame]
    share = float(frame.duplicated(keys, keep=False).mean())
    if share < REPEATED_SHARE:
        return None
    return Said("repeated_lots", f"{share:.0%} of the rows repeat another row's item and warehouse: if the file "
                f"holds several snapshots or a history, the TIV adds them up; map its date column as "
                f"snapshot_date to read the latest", share=share)


def flow_used_as_stock(roles: Roles | None) -> list[str]:
    """A quantity or value column naming the opening stock or a flow of the period ('In Qty', '期初金额'), chosen
    by a mapping or a profile: the TIV is then the receipts or the opening stock, not the stock at the end."""
    if roles is None:
        return []
    return [Said("flow_as_stock", f"column '{header}' is used as {key} but its header names the opening stock or a "
                 f"flow of the period (in, out, receipts, issues), not the stock at its end: map the closing balance "
                 f"column instead", header=header, role=key)
            for key in ("qty", "value") if (header := roles.mapping.get(key)) and is_period_flow(header)]


def plausibility(frame: pd.DataFrame, mapping: dict[str, str], from_file: set[str],
                 problems: pd.DataFrame, rows: pd.Series, roles: Roles | None = None) -> list[str]:
    """Every guard's warning, in the order a user should check them."""
    found = [cost_is_a_total(frame, mapping, from_file), cost_is_a_sale_price(mapping, from_file),
             dominated_by_few_rows(frame, rows), negative_stock(problems), repeated_lots(frame, roles)]
    return ([w for w in found if w] + flow_used_as_stock(roles) + roles_their_columns_cannot_hold(roles)
            + unused_stock_columns(roles))
