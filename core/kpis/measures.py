"""Every KPI of SPEC §3 as pure functions of canonical frames (see `core.intake.loading`), computed with Polars.

`lots` holds every snapshot; most KPIs take `stock`, the lots of the as-of snapshot (`stock_at`). Either may be
the loader's pandas frame or the engine's Polars frame (`core.kpis.frame`); tables come back as pandas frames for
the pages. Money is summed in integer cents and quantities in millionths, so every total, share and ABC
boundary is exact and the same on every run; shares are fractions of those exact totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import polars as pl

from core.kpis.frame import CENTS, day, exact_qty_sum, finished, kpi_frame, money, to_pandas

AGING_BUCKETS: tuple[str, ...] = ("0-7", "8-15", "16-30", "31-90", "91-180", ">180")
AGING_UPPER_DAYS: tuple[int, ...] = (7, 15, 30, 90, 180)  # inclusive upper edge of each bucket but the last
UNKNOWN_AGE = "unknown"
ABC_A_BELOW = 0.80
ABC_B_BELOW = 0.95
SLOB_TARGET_SHARE = 0.05
DAYS_PER_YEAR = 365
SHORT_HISTORY_GRACE_DAYS = 31  # movements starting later than this after the period start shorten the period
DEAD_STOCK_BANDS = {"over_365": 365, "d181_365": 180}  # band: idle days it must exceed (most severe first)

Frame = pd.DataFrame | pl.DataFrame


@dataclass(frozen=True)
class KpiSettings:
    """Thresholds and conventions; frozen so a misspelt setting fails instead of being ignored.

    `day_basis` is the year DIO is counted in (DIO = day_basis ÷ ITO): 365, or 360 as some BI tools use.
    ITO always annualises the period's COGS over 365 days.
    """

    day_basis: int = 365
    period_days: int = 365
    slob_days: dict[str, int] = field(default_factory=lambda: {"finished_goods": 180, "raw_material": 30})
    slob_default_days: int = 180

    def __post_init__(self) -> None:
        if self.day_basis not in (360, 365):
            raise ValueError("day_basis must be 360 or 365")
        if self.period_days < 1:
            raise ValueError("period_days must be at least 1")

    def slob_threshold_expr(self) -> pl.Expr:
        """Idle days allowed per row, looked up once per distinct stock type (not once per row)."""
        return (pl.col("stock_type")
                .replace_strict(self.slob_days, default=self.slob_default_days, return_dtype=pl.Int64)
                .fill_null(self.slob_default_days))

    def slob_threshold(self, stock_type: pd.Series) -> pd.Series:
        """`slob_threshold_expr` for a pandas column of stock types."""
        names = stock_type.astype(object)
        frame = pl.DataFrame({"stock_type": pl.Series(names.where(names.notna(), None).tolist(), dtype=pl.String)})
        return pd.Series(frame.select(self.slob_threshold_expr()).to_series().to_numpy(), index=stock_type.index)


# --- snapshots ------------------------------------------------------------------------------------------------

def with_snapshots(lots: Frame, as_of: pd.Timestamp | None) -> Frame:
    """Lots with a snapshot date on every row: a file without one is a single snapshot at `as_of` (or today).

    A blank cell in a file that has dates is a row problem (the loader sets it aside), never a new snapshot.
    """
    has_dates = "snapshot_date" in lots.columns and (
        lots["snapshot_date"].notna().any() if isinstance(lots, pd.DataFrame)
        else lots["snapshot_date"].null_count() < lots.height)
    if has_dates:
        return lots
    when = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    if isinstance(lots, pl.DataFrame):
        return lots.with_columns(pl.lit(day(when), pl.Date).alias("snapshot_date"))
    out = lots.copy()
    fill = pd.Series(when, index=out.index).astype("datetime64[s]")
    out["snapshot_date"] = out["snapshot_date"].fillna(fill) if "snapshot_date" in out else fill
    return out


def _snapshot_dates(lots: Frame) -> pl.Series:
    dates = lots["snapshot_date"]
    return dates if isinstance(dates, pl.Series) else pl.Series(dates.to_numpy().astype("datetime64[D]"))


def resolve_as_of(lots: Frame, as_of: pd.Timestamp | str | None = None) -> pd.Timestamp:
    """The snapshot the KPIs describe: the latest one on or before `as_of` (default: the latest)."""
    dates = _snapshot_dates(lots)
    if as_of is None:
        return pd.Timestamp(dates.max())
    candidates = dates.filter(dates <= day(as_of))
    if candidates.is_empty():
        raise ValueError(f"no snapshot on or before {pd.Timestamp(as_of).date()}; "
                         f"the first is {pd.Timestamp(dates.min()).date()}")
    return pd.Timestamp(candidates.max())


def stock_at(lots: Frame, snapshot: pd.Timestamp) -> Frame:
    """The lots of one snapshot (a file of that snapshot alone is handed back as it is, not copied)."""
    if isinstance(lots, pl.DataFrame):
        return lots.filter(pl.col("snapshot_date") == day(snapshot))
    at = lots["snapshot_date"] == snapshot
    return lots if at.all() else lots[at]


def as_of_stock(lots: Frame, as_of: pd.Timestamp | str | None = None) -> tuple[Frame, pd.Timestamp, Frame]:
    """(the lots with a snapshot date on every row, the snapshot the KPIs describe, the lots at that snapshot)."""
    lots = with_snapshots(lots, pd.Timestamp(as_of) if as_of is not None else None)
    snapshot = resolve_as_of(lots, as_of)
    return lots, snapshot, stock_at(lots, snapshot)


# --- value and its split ----------------------------------------------------------------------------------------

def total_cents(stock: Frame) -> int:
    return int(kpi_frame(stock)[CENTS].sum() or 0)


def total_inventory_value(stock: Frame) -> float:
    return money(total_cents(stock))


def _text(column: str) -> pl.Expr:
    """A text column to group by, missing as "" (grouped on its dictionary codes when it is encoded)."""
    return pl.col(column).fill_null("")


def _named(table: pl.DataFrame, *keys: str) -> pl.DataFrame:
    """Grouped keys as plain text, so that sorting is by name and the pages get ordinary strings."""
    return table.with_columns(pl.col(k).cast(pl.String) for k in keys)


def value_share_table(stock: Frame, by: str) -> pl.DataFrame:
    """`value_share` as a Polars table that also keeps the exact cents."""
    frame = kpi_frame(stock)
    total = total_cents(frame)
    grouped = _named(frame.group_by(_text(by)).agg(pl.col(CENTS).sum()), by).sort([CENTS, by],
                                                                                  descending=[True, False])
    return finished(grouped, total).select(by, "value", "share", CENTS)


def value_share(stock: Frame, by: str) -> pd.DataFrame:
    """Value and share of TIV per `by`, value descending, ties by name ascending."""
    if by not in stock.columns:
        return pd.DataFrame(columns=[by, "value", "share"])
    return to_pandas(value_share_table(stock, by).drop(CENTS))


def inventory_trend_table(lots: Frame, until: pd.Timestamp | None = None, freq: str = "month") -> pl.DataFrame:
    """`inventory_trend` as a Polars table (snapshot dates as days)."""
    formats = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
    if freq not in formats:
        raise ValueError("freq must be day, month or year")
    frame = kpi_frame(lots)
    if until is not None:
        frame = frame.filter(pl.col("snapshot_date") <= day(until))
    daily = frame.group_by("snapshot_date").agg(pl.col(CENTS).sum()).sort("snapshot_date")
    table = daily.select(pl.col("snapshot_date").dt.strftime(formats[freq]).alias("period"), "snapshot_date", CENTS)
    table = table.group_by("period", maintain_order=True).last()
    return finished(table).select("period", "snapshot_date", pl.col("value").alias("tiv"), CENTS)


def inventory_trend(lots: Frame, until: pd.Timestamp | None = None, freq: str = "month") -> pd.DataFrame:
    """TIV per snapshot date (`freq="day"`), or the last snapshot of each month / year."""
    return to_pandas(inventory_trend_table(lots, until, freq).drop(CENTS))


def abc_table(stock: Frame) -> pl.DataFrame:
    """`abc_classes` as a Polars table that also keeps the exact cents."""
    table = value_share_table(stock, "sku")
    before, total = pl.col(CENTS).cum_sum() - pl.col(CENTS), pl.col(CENTS).sum()
    cls = (pl.when(before * 100 < round(ABC_A_BELOW * 100) * total).then(pl.lit("A"))
           .when(before * 100 < round(ABC_B_BELOW * 100) * total).then(pl.lit("B")).otherwise(pl.lit("C")))
    return table.with_columns(cls.alias("abc")).select("sku", "value", "share", "abc", CENTS)


def abc_classes(stock: Frame) -> pd.DataFrame:
    """SKUs by value with ABC class: A while the share ranked before is < 80 %, B while < 95 %, else C (on exact
    cents: a share of exactly 80 % is never 79.999… %)."""
    return to_pandas(abc_table(stock).drop(CENTS))


def abc_summary_table(abc: Frame) -> pl.DataFrame:
    """Per class A, B, C: SKU count, value and share of TIV, from exact cents."""
    frame = abc if isinstance(abc, pl.DataFrame) else pl.from_pandas(abc[["sku", "value", "abc"]])
    if CENTS not in frame.columns:
        frame = frame.with_columns((pl.col("value") * 100).round(0).cast(pl.Int64).alias(CENTS))
    total = int(frame[CENTS].sum() or 0)
    classes = pl.DataFrame({"abc": ["A", "B", "C"]})
    grouped = frame.group_by("abc").agg(pl.len().alias("sku_count"), pl.col(CENTS).sum())
    table = (classes.join(grouped, on="abc", how="left", maintain_order="left")
             .with_columns(pl.col("sku_count").fill_null(0).cast(pl.Int64), pl.col(CENTS).fill_null(0)))
    return finished(table, total).select("abc", "sku_count", "value", "share")


def abc_summary(abc: Frame) -> pd.DataFrame:
    return to_pandas(abc_summary_table(abc)).set_index("abc")


# --- ages, idle days, SLOB, dead stock -------------------------------------------------------------------------

def _days_since(column: str, as_of: pd.Timestamp) -> pl.Expr:
    return (pl.lit(day(as_of), pl.Date) - pl.col(column)).dt.total_days().cast(pl.Float64)


def age_expr(frame: pl.DataFrame, as_of: pd.Timestamp) -> pl.Expr:
    """Whole days since receipt (or the file's `age_days`); null where neither is known."""
    age = _days_since("receipt_date", as_of) if "receipt_date" in frame.columns else pl.lit(None, pl.Float64)
    if "age_days" in frame.columns:
        age = age.fill_null(pl.col("age_days").cast(pl.Float64).fill_nan(None))
    return age


def idle_expr(frame: pl.DataFrame, as_of: pd.Timestamp) -> pl.Expr:
    """Days since the lot last moved, falling back to its age when no movement date is known."""
    if _state("idle", as_of) in frame.columns:
        return pl.col(_state("idle", as_of))
    age = age_expr(frame, as_of)
    return _days_since("last_move_date", as_of).fill_null(age) if "last_move_date" in frame.columns else age


def bucket_expr(frame: pl.DataFrame, as_of: pd.Timestamp) -> pl.Expr:
    """Each lot's inclusive age bucket, `unknown` where it has no age or a receipt after as-of."""
    if _state("bucket", as_of) in frame.columns:
        return pl.col(_state("bucket", as_of))
    age = age_expr(frame, as_of)
    bucket = pl.when(age.is_null() | (age < 0)).then(pl.lit(UNKNOWN_AGE))
    for name, upper in zip(AGING_BUCKETS, AGING_UPPER_DAYS, strict=False):
        bucket = bucket.when(age <= upper).then(pl.lit(name))
    return bucket.otherwise(pl.lit(AGING_BUCKETS[-1]))


def slob_expr(frame: pl.DataFrame, as_of: pd.Timestamp, settings: KpiSettings) -> pl.Expr:
    """True for lots idle longer than their stock type's threshold."""
    if _state("slob", as_of, settings) in frame.columns:
        return pl.col(_state("slob", as_of, settings))
    threshold = settings.slob_threshold_expr() if "stock_type" in frame.columns else pl.lit(settings.slob_default_days)
    return (idle_expr(frame, as_of) > threshold).fill_null(False)


def _state(kind: str, as_of: pd.Timestamp, settings: KpiSettings | None = None) -> str:
    """The name of a lot state column `with_lot_states` adds: it names the as-of day and the SLOB thresholds, so
    that a state worked out for another date or other settings is never read."""
    name = f"_{kind}@{day(as_of)}"
    return name if settings is None else f"{name}@{sorted(settings.slob_days.items())}@{settings.slob_default_days}"


def with_lot_states(stock: Frame, as_of: pd.Timestamp, settings: KpiSettings) -> pl.DataFrame:
    """The stock with each lot's idle days, age bucket and SLOB flag as columns, worked out once for the figures
    that read them (aging, SLOB, dead stock) instead of once per figure."""
    frame = kpi_frame(stock)
    return frame.with_columns(idle_expr(frame, as_of).alias(_state("idle", as_of)),
                              bucket_expr(frame, as_of).alias(_state("bucket", as_of)),
                              band_expr(idle_expr(frame, as_of)).alias(_state("band", as_of)),
                              slob_expr(frame, as_of, settings).alias(_state("slob", as_of, settings)))


def _band_of(frame: pl.DataFrame, as_of: pd.Timestamp) -> pl.Expr:
    band = _state("band", as_of)
    return pl.col(band) if band in frame.columns else band_expr(idle_expr(frame, as_of))


def band_expr(idle: pl.Expr) -> pl.Expr:
    """`over_365`, `d181_365` or null per lot, from its idle days: the most severe band that applies."""
    band = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for name, days in DEAD_STOCK_BANDS.items():
        band = band.when(idle > days).then(pl.lit(name))
    return band.otherwise(pl.lit(None, pl.String))


def _per_row(stock: Frame, expr: pl.Expr) -> pd.Series:
    values = kpi_frame(stock).select(expr).to_series().to_pandas()
    return pd.Series(values.to_numpy(), index=stock.index if isinstance(stock, pd.DataFrame) else None)


def lot_age_days(stock: Frame, as_of: pd.Timestamp) -> pd.Series:
    """Whole days since receipt (or the file's `age_days`); NaN where neither is known."""
    return _per_row(stock, age_expr(kpi_frame(stock), as_of)).astype(float)


def idle_days(stock: Frame, as_of: pd.Timestamp) -> pd.Series:
    """Days since the lot last moved, falling back to its age when no movement date is known."""
    return _per_row(stock, idle_expr(kpi_frame(stock), as_of)).astype(float)


AGE_COLUMNS = ("receipt_date", "age_days")


def has_ages(stock: Frame) -> bool:
    """Whether any lot's age is known: a receipt date or an age in days on at least one row. A column left blank
    on every row knows nothing — SLOB and dead stock are then unknown, not 0 (they read 0.0 % once, in green)."""
    for column in (c for c in AGE_COLUMNS if c in stock.columns):
        values = stock[column]
        if isinstance(values, pd.Series):
            known = values.notna().any()
        else:
            known = (values.fill_nan(None) if values.dtype.is_float() else values).null_count() < len(values)
        if known:
            return True
    return False


def future_receipts(stock: Frame, as_of: pd.Timestamp) -> Frame:
    """Lots received after `as_of`: a date error in the data; they age as `unknown`, not as new stock."""
    future = (lot_age_days(stock, as_of) < 0).to_numpy()
    return stock[future] if isinstance(stock, pd.DataFrame) else stock.filter(pl.Series(future))


def age_bucket(stock: Frame, as_of: pd.Timestamp) -> np.ndarray:
    """Each lot's inclusive age bucket (`0-7` … `>180`), `unknown` where it has no age or a receipt after as-of."""
    return kpi_frame(stock).select(bucket_expr(kpi_frame(stock), as_of)).to_series().to_numpy().astype(object)


def _bucket_order() -> pl.DataFrame:
    return pl.DataFrame({"bucket": [*AGING_BUCKETS, UNKNOWN_AGE]})


def aging_table(stock: Frame, as_of: pd.Timestamp) -> pl.DataFrame:
    """`aging_buckets` as a Polars table."""
    frame = kpi_frame(stock)
    total = total_cents(frame)
    grouped = frame.group_by(bucket_expr(frame, as_of).alias("bucket")).agg(
        exact_qty_sum(frame), pl.col(CENTS).sum(), pl.col("sku").n_unique().alias("sku_count"))
    table = _bucket_order().join(grouped, on="bucket", how="left", maintain_order="left")
    table = table.filter((pl.col("bucket") != UNKNOWN_AGE) | pl.col(CENTS).is_not_null())
    table = table.with_columns(pl.col("qty").fill_null(0), pl.col(CENTS).fill_null(0),
                               pl.col("sku_count").fill_null(0).cast(pl.Int64))
    return finished(table, total).select("bucket", "qty", "value", "share", "sku_count")


def aging_buckets(stock: Frame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Qty, value, share and SKU count per inclusive age bucket; lots without an age under `unknown`."""
    return to_pandas(aging_table(stock, as_of))


def slob_lots(stock: Frame, as_of: pd.Timestamp, settings: KpiSettings) -> np.ndarray:
    """True for lots idle longer than their stock type's threshold."""
    frame = kpi_frame(stock)
    return frame.select(slob_expr(frame, as_of, settings)).to_series().to_numpy()


def slob_summary(stock: Frame, as_of: pd.Timestamp, settings: KpiSettings) -> dict:
    frame = kpi_frame(stock)
    tiv = total_cents(frame)
    slob = frame.filter(slob_expr(frame, as_of, settings))
    cents = total_cents(slob)
    by_type = (slob.filter(pl.col("stock_type").is_not_null())
               .group_by("stock_type").agg(pl.col(CENTS).sum(), pl.col("sku").n_unique().alias("sku_count")))
    by_type = _named(by_type, "stock_type").sort("stock_type")
    return {
        "value": money(cents),
        "share": cents / tiv if tiv else 0.0,
        "sku_count": slob["sku"].n_unique(),
        "by_stock_type": {t: {"value": money(c), "sku_count": int(n)}
                          for t, c, n in by_type.select("stock_type", CENTS, "sku_count").iter_rows()},
    }


def slob_by_stock_type(stock: Frame, as_of: pd.Timestamp, settings: KpiSettings) -> pd.DataFrame:
    """Per stock type: threshold, total and SLOB value, SLOB share of that type and SLOB SKU count."""
    frame = kpi_frame(stock)
    slob = slob_expr(frame, as_of, settings)
    table = _named(frame.filter(pl.col("stock_type").is_not_null()).group_by("stock_type")
                   .agg(pl.col(CENTS).sum(), pl.col(CENTS).filter(slob).sum().alias("slob_cents"),
                        pl.col("sku").filter(slob).n_unique().alias("slob_sku_count")), "stock_type")
    table = table.with_columns(settings.slob_threshold_expr().alias("threshold_days"),
                               pl.col("slob_sku_count").cast(pl.Int64))
    table = finished(table.sort(["slob_cents", "stock_type"], descending=[True, False]))
    slob_cents, cents = table["slob_cents"].to_numpy(), table[CENTS].to_numpy()
    table = table.with_columns(pl.Series("slob_value", slob_cents / 100),
                               pl.Series("slob_share", np.divide(slob_cents, cents, out=np.zeros(len(cents)),
                                                                 where=cents > 0)))
    return to_pandas(table.select("stock_type", "threshold_days", "value", "slob_value", "slob_sku_count",
                                  "slob_share"))


def supplier_table(stock: Frame, top: int | None = 5) -> pl.DataFrame:
    """`supplier_backlog` as a Polars table."""
    frame = kpi_frame(stock)
    total = total_cents(frame)
    aggs, has_units = [exact_qty_sum(frame), pl.col(CENTS).sum()], "unit" in frame.columns
    if has_units:  # the first unit (blank or not) when at most one is named, else "mixed"
        aggs += [pl.col("unit").first(), pl.col("unit").drop_nulls().n_unique().alias("units")]
    grouped = _named(frame.group_by(_text("supplier")).agg(aggs), "supplier", *(["unit"] if has_units else []))
    unit = pl.when(pl.col("units") > 1).then(pl.lit("mixed")).otherwise(pl.col("unit").fill_null("")) \
        if has_units else pl.lit("")
    grouped = grouped.with_columns(unit.alias("unit"))
    table = grouped.sort([CENTS, "supplier"], descending=[True, False])
    return finished(table.head(top) if top else table, total).select("supplier", "qty", "unit", "value", "share")


def supplier_backlog(stock: Frame, top: int | None = 5) -> pd.DataFrame:
    """Remaining qty (with its unit, `mixed` when units differ) and value per supplier, by value."""
    if "supplier" not in stock.columns:
        return pd.DataFrame(columns=["supplier", "qty", "unit", "value", "share"])
    return to_pandas(supplier_table(stock, top))


def dead_stock_band(stock: Frame, as_of: pd.Timestamp, idle: pd.Series | None = None) -> pd.Series:
    """`over_365`, `d181_365` or None per lot, from its idle days (`idle`, when the caller has them already)."""
    if idle is None:
        frame = kpi_frame(stock)
        return _per_row(stock, band_expr(idle_expr(frame, as_of))).astype(object).where(lambda b: b.notna(), None)
    bands = pl.DataFrame({"idle": pl.Series(np.asarray(idle, dtype=float)).fill_nan(None)}).select(
        band_expr(pl.col("idle"))).to_series()
    return pd.Series(bands.to_numpy().astype(object), index=getattr(idle, "index", None))


def dead_stock(stock: Frame, as_of: pd.Timestamp) -> dict:
    frame = kpi_frame(stock)
    grouped = (frame.group_by(_band_of(frame, as_of).alias("band"))
               .agg(pl.col(CENTS).sum(), exact_qty_sum(frame), pl.col("sku").n_unique().alias("sku_count")))
    found = {band: (cents, qty, count) for band, cents, qty, count in
             finished(grouped).select("band", CENTS, "qty", "sku_count").iter_rows()}
    out = {}
    for name in DEAD_STOCK_BANDS:
        cents, qty, count = found.get(name, (0, 0.0, 0))
        out[name] = {"value": money(cents), "qty": float(qty or 0.0), "sku_count": int(count)}
    return out


# --- the risk worklist -------------------------------------------------------------------------------------------

WORKLIST_COLUMNS = ["lot_key", "sku", "sku_name", "warehouse", "batch", "stock_type", "qty", "unit", "value",
                    "idle_days", "band", "owner", "action", "action_status"]


def lot_key_series(frame: pl.DataFrame) -> pl.Series:
    """A stable key for a lot across snapshots and sessions: sku | warehouse | batch. Lots that share it (no
    batch column, or a blank batch) are told apart by their order in the file: the second gets `#2`, and so on
    (numbered among the lots that share a key only: a window over a million keys costs seconds)."""
    batch = pl.col("batch").cast(pl.String).fill_null("") if "batch" in frame.columns else pl.lit("")
    parts = [pl.col("sku").cast(pl.String), pl.col("warehouse").cast(pl.String), batch]
    keys = frame.select(pl.concat_str(parts, separator="|").alias("lot_key"), pl.struct(
        pl.col("sku"), pl.col("warehouse"), batch.alias("batch")).is_duplicated().alias("shared"))
    if not keys["shared"].any():
        return keys["lot_key"]
    shared = keys.with_row_index("row").filter(pl.col("shared"))
    order = pl.int_range(pl.len()).over("lot_key")
    numbered = shared.select("row", pl.when(order == 0).then(pl.col("lot_key"))
                             .otherwise(pl.col("lot_key") + "#" + (order + 1).cast(pl.String)))
    return keys["lot_key"].scatter(numbered["row"], numbered["lot_key"])


def lot_keys(stock: Frame) -> pd.Series:
    keys = lot_key_series(kpi_frame(stock)).to_pandas()
    return pd.Series(keys.to_numpy(), index=stock.index if isinstance(stock, pd.DataFrame) else None).astype("str")


def worklist_table(stock: Frame, as_of: pd.Timestamp) -> pl.DataFrame:
    """`risk_worklist` as a Polars table."""
    frame = kpi_frame(stock)
    idle = idle_expr(frame, as_of)
    made = {"lot_key": pl.lit(lot_key_series(frame)), "idle_days": idle, "band": band_expr(idle)}
    columns = [made[c].alias(c) if c in made else pl.col(c) if c in frame.columns else pl.lit(None).alias(c)
               for c in WORKLIST_COLUMNS]
    dead = frame.select(columns).filter(pl.col("band").is_not_null())
    return dead.sort(["value", "lot_key"], descending=[True, False], nulls_last=True)


def risk_worklist(stock: Frame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Dead-stock lots (idle > 180 days) as a worklist, most valuable first (ties by lot key), with the file's
    tracker fields."""
    return to_pandas(worklist_table(stock, as_of))


def most_valuable_first(value: np.ndarray, lot_key: np.ndarray) -> np.ndarray:
    """Row order by value, largest first (no value last), then lot key."""
    rows = pl.DataFrame({"value": pl.Series(value, dtype=pl.Float64).fill_nan(None),
                         "lot_key": pl.Series(lot_key, dtype=pl.String)}).with_row_index("row")
    return rows.sort(["value", "lot_key"], descending=[True, False], nulls_last=True)["row"].to_numpy()


# --- turnover and planning ------------------------------------------------------------------------------------

def unit_costs(lots: Frame, as_of: pd.Timestamp) -> pd.Series:
    """Per SKU: value ÷ qty at the latest snapshot on or before `as_of` where the SKU has stock."""
    frame = kpi_frame(lots).filter((pl.col("snapshot_date") <= day(as_of)) & (pl.col("qty") > 0))
    latest = frame.filter(pl.col("snapshot_date") == pl.col("snapshot_date").max().over("sku"))
    sums = finished(_named(latest.group_by("sku").agg(pl.col(CENTS).sum(), exact_qty_sum(latest)), "sku"))
    return pd.Series(sums["value"].to_numpy() / sums["qty"].to_numpy(), index=pd.Index(sums["sku"].to_list(),
                                                                                      name="sku"), dtype=float)


@dataclass(frozen=True)
class Period:
    """[start, end]: opening snapshot at `start`, closing at `end`; movements count when start < date ≤ end."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> int:
        return int((self.end - self.start).days)

    @classmethod
    def ending(cls, end: pd.Timestamp, days: int) -> Period:
        return cls(end - pd.Timedelta(days=days), end)

    def movements(self, movements: pd.DataFrame) -> pd.DataFrame:
        return movements[(movements["date"] > self.start) & (movements["date"] <= self.end)]

    def covered_by(self, movements: pd.DataFrame | None) -> Period:
        """The period shortened to the days the movements cover, else the period itself.

        A file of three months of movements is three months of COGS, not a year's. The evidence that the file
        starts late (rather than the items moving rarely) is a quiet start much longer than any quiet spell
        after it: the first movement comes over a month after the period start and more than twice the longest
        gap between movement days that follows. One movement day is no evidence.
        """
        if movements is None or movements.empty:
            return self
        days = np.unique(movements["date"].dropna().to_numpy())
        days = days[days <= np.datetime64(self.end)]
        if len(days) < 2:
            return self
        first = pd.Timestamp(days[0])
        quiet_start = first - self.start
        if quiet_start <= pd.Timedelta(days=SHORT_HISTORY_GRACE_DAYS) or quiet_start <= 2 * pd.Timedelta(
                np.diff(days).max()):
            return self
        return Period(first - pd.Timedelta(days=1), self.end)


def cost_of_goods_sold(movements: pd.DataFrame, costs: pd.Series) -> tuple[float, int]:
    """(COGS, rows that could not be costed): Σ cogs where given, else Σ qty_out × the SKU's unit cost — each
    row's cost booked to the cent and the cents summed as integers, so the total is the same in any order."""
    fallback = movements["qty_out"].fillna(0).astype(float) * movements["sku"].map(costs).astype(float)
    if "cogs" in movements:
        fallback = movements["cogs"].astype(float).fillna(fallback)
    uncosted = int((fallback.isna() & (movements["qty_out"].fillna(0) > 0)).sum())
    return money(int(row_cents(fallback.to_numpy(dtype=float)).sum())), uncosted


def row_cents(amounts: np.ndarray) -> np.ndarray:
    """Amounts in integer cents, each rounded to the nearest cent as the lots' values are (`core.kpis.frame`);
    missing amounts count 0."""
    return np.round(np.nan_to_num(amounts, nan=0.0) * 100).astype(np.int64)


def average_inventory(lots: Frame, period: Period) -> float | None:
    """Mean TIV over the snapshot dates inside the period, opening and closing included (from exact cents)."""
    daily = inventory_trend_table(lots, freq="day")
    inside = daily.filter(pl.col("snapshot_date").is_between(day(period.start), day(period.end)))
    return int(inside[CENTS].sum()) / (100 * inside.height) if inside.height else None


def turnover(lots: Frame, movements: pd.DataFrame | None, period: Period, settings: KpiSettings) -> dict:
    """COGS, average inventory, ITO and DIO for the period; ITO/DIO are None (never 0) without movements."""
    requested = period.days
    period = period.covered_by(movements)
    empty = {"cogs": None, "avg_inventory": None, "ito": None, "dio": None, "uncosted_rows": 0,
             "period_start": period.start, "period_end": period.end, "period_days": period.days,
             "short_history": period.days < requested}
    if movements is None:
        return empty
    cogs, uncosted = cost_of_goods_sold(period.movements(movements), unit_costs(lots, period.end))
    average = average_inventory(lots, period)
    ito = cogs * (DAYS_PER_YEAR / period.days) / average if average and period.days else None
    dio = settings.day_basis / ito if ito else None
    return {**empty, "cogs": cogs, "avg_inventory": average, "ito": ito, "dio": dio, "uncosted_rows": uncosted}


def daily_demand(movements: pd.DataFrame, period: Period) -> pd.Series:
    """Mean daily demand per SKU over the period (days without a movement count as zero)."""
    issued = period.movements(movements).groupby("sku")["qty_out"].sum()
    return issued / period.days


def days_of_supply(stock: Frame, movements: pd.DataFrame, period: Period) -> pd.DataFrame:
    """On-hand qty ÷ mean daily demand per SKU; None where the SKU had no demand. Most days first, SKUs without
    demand last, ties by SKU."""
    frame = kpi_frame(stock)
    on_hand = finished(_named(frame.group_by("sku").agg(exact_qty_sum(frame)), "sku")).rename(
        {"qty": "on_hand"})
    demand = daily_demand(movements, period)
    demand = pl.DataFrame({"sku": pd.Index(demand.index).astype(str).tolist(),
                           "mean_daily_demand": demand.to_numpy(float)}, schema={"sku": pl.String,
                                                                                 "mean_daily_demand": pl.Float64})
    table = on_hand.join(demand, on="sku", how="left").with_columns(pl.col("mean_daily_demand").fill_null(0.0))
    demand_per_day = table["mean_daily_demand"].to_numpy()
    supply = np.divide(table["on_hand"].to_numpy(), demand_per_day, out=np.full(len(table), np.nan),
                       where=demand_per_day > 0)
    table = table.with_columns(pl.Series("days_of_supply", supply).fill_nan(None))
    return to_pandas(table.sort(["days_of_supply", "sku"], descending=[True, False], nulls_last=True))


def planning_metrics(lots: Frame, stock: Frame, movements: pd.DataFrame, period: Period,
                     cogs: float | None, supply: pd.DataFrame) -> dict:
    """Stockout rate, sell-through, median days of supply and the inventory/sales ratio (SPEC §3.10), from the
    period's COGS (`turnover`) and days of supply (`days_of_supply`) the caller has already computed.

    stockout rate: of the (SKU with demand, snapshot in the period) pairs, the share with no stock on hand.
    inventory/sales ratio: closing TIV ÷ the period's average monthly COGS.
    """
    issued = period.movements(movements)
    demanded = pl.Series(pd.Index(issued.loc[issued["qty_out"] > 0, "sku"].unique()).astype(str).tolist(),
                         dtype=pl.String)
    in_stock = kpi_frame(stock).filter(pl.col("qty") > 0)["sku"].cast(pl.String).unique()
    held = (kpi_frame(lots).filter(pl.col("snapshot_date").is_between(day(period.start), day(period.end))
                                   & (pl.col("qty") > 0))
            .select("snapshot_date", pl.col("sku").cast(pl.String)).unique())
    pairs = len(demanded) * held["snapshot_date"].n_unique()
    stocked = held.filter(pl.col("sku").is_in(demanded.implode())).height
    monthly_cogs = (cogs or 0.0) * (DAYS_PER_YEAR / 12) / period.days if period.days else 0.0
    supply = supply["days_of_supply"].dropna()
    return {
        "stockout_rate": (pairs - stocked) / pairs if pairs else None,
        "sell_through": int(in_stock.is_in(demanded.implode()).sum()) / len(in_stock) if len(in_stock) else None,
        "median_days_of_supply": float(supply.median()) if len(supply) else None,
        "inventory_sales_ratio": total_inventory_value(stock) / monthly_cogs if monthly_cogs else None,
    }
