"""Everything the dashboard pages show, computed once per (data, filters, as-of) — pure, cacheable."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import polars as pl

from core.kpis import measures as kpis
from core.kpis.frame import CENTS, day, finished, kpi_frame, shared_frame, to_pandas
from core.kpis.measures import KpiSettings, Period
from core.kpis.report import Dataset

FILTER_COLUMNS = ("warehouse", "stock_type", "bu", "supplier")


@dataclass(frozen=True)
class Filters:
    """Selected values per column; an empty selection means everything."""

    warehouse: tuple[str, ...] = ()
    stock_type: tuple[str, ...] = ()
    bu: tuple[str, ...] = ()
    supplier: tuple[str, ...] = ()

    def active(self) -> dict[str, tuple[str, ...]]:
        return {c: getattr(self, c) for c in FILTER_COLUMNS if getattr(self, c)}


def filter_options(lots: pd.DataFrame) -> dict[str, list[str]]:
    return {c: sorted(lots[c].dropna().astype(str).unique()) for c in FILTER_COLUMNS if c in lots}


def apply_filters(data: Dataset, filters: Filters) -> Dataset:
    """Lots matching every active filter; movements of the SKUs left (so COGS follows the same scope)."""
    active = filters.active()
    if not active:
        return data
    mask = pd.Series(True, index=data.lots.index)
    for column, values in active.items():
        if column in data.lots:
            mask &= data.lots[column].isin(values)
    lots = data.lots[mask]
    movements = data.movements
    if movements is not None:
        movements = movements[movements["sku"].isin(lots["sku"].unique())]
    return Dataset(lots, movements, data.currency)


@dataclass
class DashboardNumbers:
    """The figures and tables of the Overview, Turnover & aging and Risk pages; the risk worklist, which only the
    Risk page shows and which is the slowest of them on a big file, is built apart (`build_worklist`)."""

    as_of: pd.Timestamp
    currency: str
    tiv: float
    previous_tiv: float | None
    previous_date: pd.Timestamp | None
    sku_count: int
    lot_count: int
    trend_month: pd.DataFrame
    trend_year: pd.DataFrame
    mix_warehouse: pd.DataFrame
    mix_stock_type: pd.DataFrame
    ranking_bu: pd.DataFrame
    ranking_supplier: pd.DataFrame
    abc: pd.DataFrame
    abc_summary: pd.DataFrame
    has_ages: bool
    aging: pd.DataFrame | None
    aging_by_type: pd.DataFrame | None
    slob: dict | None
    slob_by_type: pd.DataFrame | None
    suppliers_top5: pd.DataFrame
    dead_stock: dict | None
    turnover: dict
    days_of_supply: pd.DataFrame | None
    planning: dict | None
    extra: dict = field(default_factory=dict)
    future_receipt_lots: int = 0  # lots received after as-of: a date error, aged as unknown

    @property
    def tiv_change(self) -> float | None:
        if not self.previous_tiv:
            return None
        return self.tiv / self.previous_tiv - 1


def _previous_month_end(lots: pl.DataFrame, snapshot: pd.Timestamp) -> pd.Timestamp | None:
    """The last snapshot of the month before the as-of month."""
    earlier = lots["snapshot_date"].filter(lots["snapshot_date"] < day(snapshot.replace(day=1)))
    return None if earlier.is_empty() else pd.Timestamp(earlier.max())


def aging_by_stock_type(stock: pd.DataFrame | pl.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Value per (age bucket, stock type) for a stacked chart, in bucket order."""
    frame = kpi_frame(stock)
    table = (frame.filter(pl.col("stock_type").is_not_null())
             .group_by(kpis.bucket_expr(frame, as_of).alias("bucket"), "stock_type").agg(pl.col(CENTS).sum())
             .with_columns(pl.col("stock_type").cast(pl.String)))
    order = {bucket: rank for rank, bucket in enumerate([*kpis.AGING_BUCKETS, kpis.UNKNOWN_AGE])}
    table = table.sort([pl.col("bucket").replace_strict(order, return_dtype=pl.Int64), "stock_type"])
    return to_pandas(finished(table).select("bucket", "stock_type", "value"))


def _filtered_stock(data: Dataset, as_of: pd.Timestamp | None, filters: Filters | None
                    ) -> tuple[pd.DataFrame | None, pl.DataFrame, pd.Timestamp, pl.DataFrame]:
    """The movements within the filters, the lots (every snapshot), the as-of snapshot and the stock at it: on
    the loaded lots' one Polars frame, whichever filters are chosen."""
    lots, movements = shared_frame(data.lots), data.movements
    active = {c: v for c, v in (filters or Filters()).active().items() if c in lots.columns}
    if active:
        lots = lots.filter(pl.all_horizontal([pl.col(c).is_in(list(v)) for c, v in active.items()]))
        if movements is not None:
            movements = movements[movements["sku"].isin(lots["sku"].cast(pl.String).unique().to_list())]
    if lots.is_empty():
        raise ValueError("no stock matches the filters")
    return movements, *kpis.as_of_stock(lots, as_of)


def build_dashboard(data: Dataset, as_of: pd.Timestamp | None = None, settings: KpiSettings | None = None,
                    filters: Filters | None = None) -> DashboardNumbers:
    settings = settings or KpiSettings()
    movements, lots, snapshot, stock = _filtered_stock(data, as_of, filters)
    stock = kpis.with_lot_states(stock, snapshot, settings)
    previous = _previous_month_end(lots, snapshot)
    aged = kpis.has_ages(stock)
    period = Period.ending(snapshot, settings.period_days).covered_by(movements)
    abc = kpis.abc_classes(stock)
    turnover = kpis.turnover(lots, movements, period, settings)
    supply = kpis.days_of_supply(stock, movements, period) if movements is not None else None
    return DashboardNumbers(
        as_of=snapshot, currency=data.currency, tiv=kpis.total_inventory_value(stock),
        previous_tiv=kpis.total_inventory_value(kpis.stock_at(lots, previous)) if previous is not None else None,
        previous_date=previous, sku_count=stock["sku"].n_unique(), lot_count=stock.height,
        trend_month=kpis.inventory_trend(lots, snapshot, "month"),
        trend_year=kpis.inventory_trend(lots, snapshot, "year"),
        mix_warehouse=kpis.value_share(stock, "warehouse"), mix_stock_type=kpis.value_share(stock, "stock_type"),
        ranking_bu=kpis.value_share(stock, "bu"), ranking_supplier=kpis.value_share(stock, "supplier"),
        abc=abc, abc_summary=kpis.abc_summary(abc).reset_index(), has_ages=aged,
        aging=kpis.aging_buckets(stock, snapshot) if aged else None,
        aging_by_type=aging_by_stock_type(stock, snapshot) if aged else None,
        slob=kpis.slob_summary(stock, snapshot, settings) if aged else None,
        slob_by_type=kpis.slob_by_stock_type(stock, snapshot, settings) if aged else None,
        suppliers_top5=kpis.supplier_backlog(stock, 5),
        dead_stock=kpis.dead_stock(stock, snapshot) if aged else None,
        turnover=turnover, days_of_supply=supply,
        planning=kpis.planning_metrics(lots, stock, movements, period, turnover["cogs"], supply)
        if movements is not None else None,
        future_receipt_lots=len(kpis.future_receipts(stock, snapshot)) if "receipt_date" in stock else 0,
    )


def build_worklist(data: Dataset, as_of: pd.Timestamp | None = None, filters: Filters | None = None) -> pd.DataFrame:
    """The risk worklist of the stock `build_dashboard` sees with the same arguments (empty without lot ages)."""
    _, _, snapshot, stock = _filtered_stock(data, as_of, filters)
    if not kpis.has_ages(stock):
        return pd.DataFrame(columns=kpis.WORKLIST_COLUMNS)
    return kpis.risk_worklist(stock, snapshot)
