"""The KPI report of SPEC §5: one dict per as-of date, in JSON-ready shape, and its plain-text rendering."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import polars as pl

from core.kpis import measures as kpis
from core.kpis.frame import kpi_frame
from core.kpis.measures import KpiSettings, Period

MONEY_DECIMALS = 2
# The loader's columns the report reads: the rest (batch, item names, row numbers, unit costs) are not converted.
REPORT_COLUMNS = ("snapshot_date", "sku", "warehouse", "stock_type", "bu", "supplier", "unit", "qty", "value",
                  "receipt_date", "last_move_date", "age_days")


@dataclass(frozen=True)
class Dataset:
    """Loaded lots (every snapshot) and optional movements, in canonical columns."""

    lots: pd.DataFrame
    movements: pd.DataFrame | None = None
    currency: str = "CNY"


def _money(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), MONEY_DECIMALS)


def _records(table: pl.DataFrame, columns: list[str]) -> list[dict]:
    """JSON-ready rows from a Polars table's columns: money is already exact (cents ÷ 100), missing is None."""
    values = [table[key].to_list() for key in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _abc_summary(abc: pl.DataFrame) -> dict:
    return {cls: {"sku_count": count, "value": value, "share": share}
            for cls, count, value, share in kpis.abc_summary_table(abc).iter_rows()}


def _report_frames(data: Dataset, as_of: pd.Timestamp | str | None) -> tuple[pl.DataFrame, pd.Timestamp,
                                                                             pl.DataFrame]:
    """(the lots for the trend and turnover, the as-of snapshot, the stock at it) as engine frames. From the
    loader's pandas lots, only the as-of snapshot is converted whole; the other snapshots only in the columns
    the trend (and, with movements, the unit costs) read: 13 snapshots are not 13 times the conversion."""
    if isinstance(data.lots, pl.DataFrame):
        return kpis.as_of_stock(kpi_frame(data.lots), as_of)
    lots, snapshot, stock = kpis.as_of_stock(data.lots, as_of)
    stock = stock[[c for c in REPORT_COLUMNS if c in stock]]
    history = ["snapshot_date", "value"] + (["sku", "qty"] if data.movements is not None else [])
    return kpi_frame(lots[[c for c in history if c in lots]]), snapshot, kpi_frame(stock)


def build_report(data: Dataset, as_of: pd.Timestamp | str | None = None,
                 settings: KpiSettings | None = None, notes: list[str] | None = None) -> dict:
    """Every KPI of SPEC §3 as of a date; the JSON contract of `python -m core.cli report`.

    Computed on the engine's Polars frame (`core.kpis.frame`), money in exact cents. Where the data is the
    problem (short history, uncosted movements, receipts after as-of), a message is appended to `notes` when a
    list is given.
    """
    settings = settings or KpiSettings()
    lots, snapshot, stock = _report_frames(data, as_of)
    abc = kpis.abc_table(stock)
    aged = kpis.has_ages(stock)
    if aged:
        stock = kpis.with_lot_states(stock, snapshot, settings)
    turnover = kpis.turnover(lots, data.movements, Period.ending(snapshot, settings.period_days), settings)
    if notes is not None:
        notes.extend(data_notes(stock, snapshot, turnover, settings))
    slob = kpis.slob_summary(stock, snapshot, settings) if aged else None
    shares = {by: _records(kpis.value_share_table(stock, by), [by, "value", "share"]) if by in stock.columns else []
              for by in ("warehouse", "stock_type", "bu")}
    return {
        "as_of": snapshot.date().isoformat(),
        "currency": data.currency,
        "tiv": kpis.total_inventory_value(stock),
        "sku_count": stock["sku"].n_unique(),
        "lot_count": stock.height,
        "trend": _records(kpis.inventory_trend_table(lots, snapshot, "month"), ["period", "tiv"]),
        "mix_by_warehouse": shares["warehouse"],
        "mix_by_stock_type": shares["stock_type"],
        "ranking_bu": shares["bu"],
        "ranking_sku": _records(abc, ["sku", "value", "share", "abc"]),
        "abc": _abc_summary(abc),
        "aging": _records(kpis.aging_table(stock, snapshot), ["bucket", "qty", "value", "share", "sku_count"])
        if aged else None,
        "slob": slob,
        "suppliers_top5": _records(kpis.supplier_table(stock, 5), ["supplier", "qty", "value", "share"])
        if "supplier" in stock.columns else [],
        "dead_stock": kpis.dead_stock(stock, snapshot) if aged else None,
        "cogs": _money(turnover["cogs"]),
        "avg_inventory": _money(turnover["avg_inventory"]),
        "ito": turnover["ito"],
        "dio": turnover["dio"],
    }


def data_notes(stock: pl.DataFrame, as_of: pd.Timestamp, turnover: dict, settings: KpiSettings) -> list[str]:
    """Messages about the data behind the figures: what was shortened, left out or set aside, and why."""
    notes = []
    if turnover["short_history"]:
        first = (turnover["period_start"] + pd.Timedelta(days=1)).date().isoformat()
        notes.append(f"movements cover only {turnover['period_days']} days (from {first}): COGS is annualised "
                     f"over those days, not {settings.period_days}")
    if turnover["uncosted_rows"]:
        notes.append(f"{turnover['uncosted_rows']} movement rows of SKUs with no unit cost in the lots are not in "
                     "COGS (give a cogs column or the unit cost)")
    future = kpis.future_receipts(stock, as_of) if "receipt_date" in stock.columns else stock.head(0)
    if len(future):
        notes.append(f"{len(future)} lots have a receipt date after {as_of.date().isoformat()} "
                     f"(e.g. {future['sku'][0]}): counted in TIV, aged as 'unknown'")
    return notes
