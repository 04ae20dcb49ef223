"""The KPI engine's one input: the loader's lots as a Polars frame, with money in integer cents.

Everything `core.kpis` computes starts here, so the conversion happens in one place:
- `value_cents` (Int64): each lot's value rounded to the cent. Totals, shares and ABC boundaries are sums of
  integers, the same on every run, thread count and engine; a float sum in a multi-threaded engine is not.
- `qty_micro` (Int64): quantities in millionths of a unit when every quantity has at most six decimals (always so
  for ERP exports), summed exactly too; otherwise quantities are summed as floats.
- the text the KPIs group and filter by is dictionary-encoded (Categorical): each distinct name stored once.
- dates are calendar days (`pl.Date`); ages and idle days are whole days.

The app's loaded lots are converted once and remembered while they live (`shared_frame`), so the dashboard's
filter changes and the risk worklist work on the same Polars frame.
"""

from __future__ import annotations

import contextlib
import weakref
from datetime import date

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

CENTS = "value_cents"
QTY_MICRO = "qty_micro"
QTY_SCALE = 1_000_000
DATE_COLUMNS = ("snapshot_date", "receipt_date", "last_move_date")
ENCODED_TEXT = ("sku", "warehouse", "stock_type", "bu", "supplier", "unit")  # the text KPIs group and filter by

_converted: dict[int, tuple[weakref.ref, pl.DataFrame]] = {}


def kpi_frame(lots: pd.DataFrame | pl.DataFrame) -> pl.DataFrame:
    """`lots` as the engine's frame (a frame that is one already is returned as it is)."""
    if isinstance(lots, pl.DataFrame):
        return lots if CENTS in lots.columns else _encoded(lots)
    text = [c for c in ENCODED_TEXT if c in lots.columns]
    frame = pl.from_pandas(lots.drop(columns=text), include_index=False)
    return _encoded(frame.with_columns(_dictionary(lots[c]) for c in text).select(lots.columns))


def _dictionary(text: pd.Series) -> pl.Series:
    """A text column dictionary-encoded by Arrow (about twice as fast as Polars' cast for 100,000 names);
    a column Arrow cannot take as text is cast by Polars instead."""
    try:
        values = pa.array(text.array, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pl.Series(text.name, text.astype(object).where(text.notna(), None).tolist(), dtype=pl.String)
    if not pa.types.is_dictionary(values.type):
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            return pl.Series(text.name, values).cast(pl.String)
        values = values.dictionary_encode()
    return pl.Series(text.name, values)


def shared_frame(lots: pd.DataFrame | pl.DataFrame) -> pl.DataFrame:
    """`kpi_frame`, converted once per loaded frame while it lives: for the app's loaded files, which are never
    changed in place (a frame changed after its conversion would keep its old figures)."""
    if isinstance(lots, pl.DataFrame):
        return kpi_frame(lots)
    kept = _converted.get(id(lots))
    if kept is not None and kept[0]() is lots:
        return kept[1]
    frame, key = kpi_frame(lots), id(lots)
    with contextlib.suppress(TypeError):  # a frame that cannot be referred to weakly is converted on every call
        _converted[key] = (weakref.ref(lots, lambda _: _converted.pop(key, None)), frame)
    return frame


def _exact_quantities(qty: pl.Series) -> bool:
    values = qty.drop_nulls().drop_nans().to_numpy()
    scaled = np.round(values * QTY_SCALE)
    return bool(np.all(np.abs(scaled) < 2**62) and np.array_equal(scaled / QTY_SCALE, values))


def _encoded(frame: pl.DataFrame) -> pl.DataFrame:
    changes = [pl.col(c).cast(pl.Date) for c in DATE_COLUMNS if c in frame.columns]
    changes += [pl.col(c).cast(pl.String).cast(pl.Categorical) for c in ENCODED_TEXT
                if c in frame.columns and frame.schema[c] != pl.Categorical]
    if "value" in frame.columns:
        value = pl.col("value").cast(pl.Float64).fill_nan(None)
        changes += [value, (value * 100).round(0).cast(pl.Int64).alias(CENTS)]
    else:
        changes.append(pl.lit(0, pl.Int64).alias(CENTS))
    if "qty" in frame.columns:
        qty = pl.col("qty").cast(pl.Float64).fill_nan(None)
        changes.append(qty)
        if _exact_quantities(frame["qty"].cast(pl.Float64)):
            changes.append((qty * QTY_SCALE).round(0).cast(pl.Int64).alias(QTY_MICRO))
    return frame.with_columns(changes)


def day(when: pd.Timestamp | date) -> date:
    """A calendar day for comparing with the frame's dates."""
    return pd.Timestamp(when).date()


def money(cents: int | None) -> float:
    """Cents as currency units: the nearest float to the exact decimal amount."""
    return (cents or 0) / 100


def exact_qty_sum(frame: pl.DataFrame) -> pl.Expr:
    """Σ qty of a group as `qty`: in millionths of a unit (Int64, exact) when the frame holds them, else as
    floats. `finished` turns millionths back into units."""
    return pl.col(QTY_MICRO if QTY_MICRO in frame.columns else "qty").sum().alias("qty")


def finished(table: pl.DataFrame, total: int | None = None) -> pl.DataFrame:
    """An aggregated table with `value` (and `share` of `total`, when given) from its exact cents, and `qty` in
    units. Divided in numpy: Polars divides by a constant as a multiplication by its reciprocal, which misses
    the nearest float (7,000 ÷ 10,000 gives 0.7000000000000001), and the JSON spells out every digit."""
    columns = []
    if "qty" in table.columns and table.schema["qty"] == pl.Int64:
        columns.append(pl.Series("qty", table["qty"].to_numpy() / QTY_SCALE))
    if CENTS in table.columns:
        cents = table[CENTS].fill_null(0).to_numpy()
        columns.append(pl.Series("value", cents / 100))
        if total is not None:
            columns.append(pl.Series("share", cents / total if total else cents * 0.0))
    return table.with_columns(columns)


def to_pandas(table: pl.DataFrame) -> pd.DataFrame:
    """A result table for the pages: text as pandas strings, days as timestamps, as the loader hands them out."""
    changes = [pl.col(c).cast(pl.String) for c, kind in table.schema.items() if kind == pl.Categorical]
    changes += [pl.col(c).cast(pl.Datetime("ms")) for c, kind in table.schema.items() if kind == pl.Date]
    out = (table.with_columns(changes) if changes else table).to_pandas()
    for column, kind in table.schema.items():
        if kind == pl.Date:
            out[column] = out[column].astype("datetime64[s]")
    return out
