"""Every KPI of SPEC §3 as pure functions of canonical frames (see `core.intake.loading`).

`lots` holds every snapshot; most KPIs take `stock`, the lots of the as-of snapshot (`stock_at`).
Money is in the data's currency; shares are fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

AGING_BUCKETS: tuple[str, ...] = ("0-7", "8-15", "16-30", "31-90", "91-180", ">180")
AGING_EDGES: tuple[float, ...] = (-np.inf, 7, 15, 30, 90, 180, np.inf)
UNKNOWN_AGE = "unknown"
ABC_A_BELOW = 0.80
ABC_B_BELOW = 0.95
SLOB_TARGET_SHARE = 0.05
DAYS_PER_YEAR = 365
SHORT_HISTORY_GRACE_DAYS = 31  # movements starting later than this after the period start shorten the period
DEAD_STOCK_BANDS = {"over_365": 365, "d181_365": 180}  # band: idle days it must exceed (most severe first)
GROUPED_TEXT = ("sku", "warehouse", "stock_type", "bu", "supplier", "unit")  # the text KPIs group by


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

    def slob_threshold(self, stock_type: pd.Series) -> pd.Series:
        """Idle days allowed per row, looked up once per distinct stock type (not once per row)."""
        codes, types = pd.factorize(stock_type, use_na_sentinel=True)
        per_type = np.array([self.slob_days.get(t, self.slob_default_days) for t in types] + [self.slob_default_days],
                            dtype=float)
        return pd.Series(per_type[codes], index=stock_type.index)


def with_snapshots(lots: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """Lots with a snapshot date on every row: a file without one is a single snapshot at `as_of` (or today).

    A blank cell in a file that has dates is a row problem (the loader sets it aside), never a new snapshot.
    """
    if "snapshot_date" in lots and lots["snapshot_date"].notna().any():
        return lots
    when = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    out = lots.copy()
    fill = pd.Series(when, index=out.index).astype("datetime64[s]")
    out["snapshot_date"] = out["snapshot_date"].fillna(fill) if "snapshot_date" in out else fill
    return out


def resolve_as_of(lots: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> pd.Timestamp:
    """The snapshot the KPIs describe: the latest one on or before `as_of` (default: the latest)."""
    dates = lots["snapshot_date"]
    if as_of is None:
        return pd.Timestamp(dates.max())
    candidates = dates[dates <= pd.Timestamp(as_of)]
    if candidates.empty:
        raise ValueError(f"no snapshot on or before {pd.Timestamp(as_of).date()}; "
                         f"the first is {pd.Timestamp(dates.min()).date()}")
    return pd.Timestamp(candidates.max())


def stock_at(lots: pd.DataFrame, snapshot: pd.Timestamp) -> pd.DataFrame:
    return lots[lots["snapshot_date"] == snapshot]


def as_of_stock(lots: pd.DataFrame, as_of: pd.Timestamp | str | None = None
                ) -> tuple[pd.DataFrame, pd.Timestamp, pd.DataFrame]:
    """(the lots with a snapshot date on every row, the snapshot the KPIs describe, the lots at that snapshot)."""
    lots = with_snapshots(lots, pd.Timestamp(as_of) if as_of is not None else None)
    snapshot = resolve_as_of(lots, as_of)
    return lots, snapshot, stock_at(lots, snapshot)


def total_inventory_value(stock: pd.DataFrame) -> float:
    return float(stock["value"].sum())


def group_key(values: pd.Series) -> pd.Series:
    """A text column to group by, missing as "": also for dictionary-encoded (categorical) text, which stays so."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        if not values.hasnans:
            return values
        if "" not in values.cat.categories:
            values = values.cat.add_categories("")
    return values.fillna("")


def dictionary_encoded(stock: pd.DataFrame) -> pd.DataFrame:
    """The text columns the KPIs group by as codes into their distinct values (each factorised once, not once
    per KPI); the figures do not change."""
    text = {c: stock[c].astype("category") for c in GROUPED_TEXT
            if c in stock and not isinstance(stock[c].dtype, pd.CategoricalDtype)}
    return stock.assign(**text) if text else stock


def plain_text(values: pd.Series) -> pd.Series:
    """Grouped keys back as ordinary text, so sorting is by name whatever the input's encoding."""
    return values.astype("str") if isinstance(values.dtype, pd.CategoricalDtype) else values


def _share(values: pd.Series, total: float) -> pd.Series:
    return values / total if total else values * 0.0


def value_share(stock: pd.DataFrame, by: str) -> pd.DataFrame:
    """Value and share of TIV per `by`, value descending, ties by name ascending."""
    if by not in stock:
        return pd.DataFrame(columns=[by, "value", "share"])
    grouped = stock.groupby(group_key(stock[by]), sort=False, observed=True)["value"].sum().reset_index()
    grouped[by] = plain_text(grouped[by])
    grouped["share"] = _share(grouped["value"], total_inventory_value(stock))
    return grouped.sort_values(["value", by], ascending=[False, True], ignore_index=True)


def inventory_trend(lots: pd.DataFrame, until: pd.Timestamp | None = None, freq: str = "month") -> pd.DataFrame:
    """TIV per snapshot date (`freq="day"`), or the last snapshot of each month / year."""
    frame = lots if until is None else lots[lots["snapshot_date"] <= until]
    daily = frame.groupby("snapshot_date", sort=True)["value"].sum()
    if freq == "day":
        periods = daily.index.strftime("%Y-%m-%d")
    elif freq in ("month", "year"):
        periods = daily.index.strftime("%Y-%m" if freq == "month" else "%Y")
    else:
        raise ValueError("freq must be day, month or year")
    table = pd.DataFrame({"period": periods, "snapshot_date": daily.index, "tiv": daily.to_numpy()})
    return table.groupby("period", sort=True).tail(1).reset_index(drop=True)


def abc_classes(stock: pd.DataFrame) -> pd.DataFrame:
    """SKUs by value with ABC class: A while the share ranked before is < 80 %, B while < 95 %, else C."""
    table = value_share(stock, "sku")
    cents = np.round(table["value"].to_numpy(float) * 100).astype(np.int64)  # exact sums: no flip at 80 % from rounding
    before, total = np.cumsum(cents) - cents, cents.sum()
    table["abc"] = np.select([before * 100 < round(ABC_A_BELOW * 100) * total,
                              before * 100 < round(ABC_B_BELOW * 100) * total], ["A", "B"], "C")
    return table


def abc_summary(abc: pd.DataFrame) -> pd.DataFrame:
    summary = abc.groupby("abc").agg(sku_count=("sku", "size"), value=("value", "sum"), share=("share", "sum"))
    return summary.reindex(["A", "B", "C"], fill_value=0)


def lot_age_days(stock: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Whole days since receipt (or the file's `age_days`); NaN where neither is known."""
    age = pd.Series(np.nan, index=stock.index)
    if "receipt_date" in stock:
        age = (as_of - stock["receipt_date"]).dt.days.astype(float)
    if "age_days" in stock:
        age = age.fillna(stock["age_days"])
    return age


def idle_days(stock: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Days since the lot last moved, falling back to its age when no movement date is known."""
    age = lot_age_days(stock, as_of)
    if "last_move_date" not in stock:
        return age
    return (as_of - stock["last_move_date"]).dt.days.astype(float).fillna(age)


def has_ages(stock: pd.DataFrame) -> bool:
    return "receipt_date" in stock or "age_days" in stock


def future_receipts(stock: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Lots received after `as_of`: a date error in the data; they age as `unknown`, not as new stock."""
    return stock[(lot_age_days(stock, as_of) < 0).to_numpy()]


def age_bucket(stock: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    """Each lot's inclusive age bucket (`0-7` … `>180`), `unknown` where it has no age or a receipt after as-of."""
    age = lot_age_days(stock, as_of)
    age = age.where(age >= 0)
    return pd.cut(age, AGING_EDGES, labels=AGING_BUCKETS, right=True).astype(object).fillna(UNKNOWN_AGE).to_numpy()


def aging_buckets(stock: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Qty, value, share and SKU count per inclusive age bucket; lots without an age under `unknown`."""
    grouped = stock.groupby(age_bucket(stock, as_of), sort=False).agg(
        qty=("qty", "sum"), value=("value", "sum"), sku_count=("sku", "nunique"))
    order = list(AGING_BUCKETS) + ([UNKNOWN_AGE] if UNKNOWN_AGE in grouped.index else [])
    table = grouped.reindex(order, fill_value=0).rename_axis("bucket").reset_index()
    table["share"] = _share(table["value"], total_inventory_value(stock))
    return table[["bucket", "qty", "value", "share", "sku_count"]]


def slob_lots(stock: pd.DataFrame, as_of: pd.Timestamp, settings: KpiSettings) -> pd.Series:
    """True for lots idle longer than their stock type's threshold."""
    return (idle_days(stock, as_of) > settings.slob_threshold(stock["stock_type"])).to_numpy()


def slob_summary(stock: pd.DataFrame, as_of: pd.Timestamp, settings: KpiSettings) -> dict:
    slob = stock.loc[slob_lots(stock, as_of, settings), ["value", "sku", "stock_type"]]
    value = float(slob["value"].sum())
    by_type = slob.groupby("stock_type", sort=True).agg(value=("value", "sum"), sku_count=("sku", "nunique"))
    tiv = total_inventory_value(stock)
    return {
        "value": value,
        "share": value / tiv if tiv else 0.0,
        "sku_count": int(slob["sku"].nunique()),
        "by_stock_type": {t: {"value": float(r.value), "sku_count": int(r.sku_count)} for t, r in by_type.iterrows()},
    }


def slob_by_stock_type(stock: pd.DataFrame, as_of: pd.Timestamp, settings: KpiSettings) -> pd.DataFrame:
    """Per stock type: threshold, total and SLOB value, SLOB share of that type and SLOB SKU count."""
    slob = slob_lots(stock, as_of, settings)
    frame = stock[["stock_type", "value"]].assign(slob_value=np.where(slob, stock["value"], 0.0))
    table = frame.groupby("stock_type", sort=True, observed=True).agg(value=("value", "sum"),
                                                                      slob_value=("slob_value", "sum"))
    skus = stock.loc[slob].groupby("stock_type", sort=True, observed=True)["sku"].nunique()
    table["slob_sku_count"] = skus.reindex(table.index, fill_value=0).astype(int)
    table = table.reset_index()
    table.insert(1, "threshold_days", settings.slob_threshold(table["stock_type"]).astype(int))
    table["slob_share"] = (table["slob_value"] / table["value"].where(table["value"] > 0)).fillna(0.0)
    table["stock_type"] = plain_text(table["stock_type"])
    return table.sort_values(["slob_value", "stock_type"], ascending=[False, True], ignore_index=True)


def supplier_backlog(stock: pd.DataFrame, top: int | None = 5) -> pd.DataFrame:
    """Remaining qty (with its unit, `mixed` when units differ) and value per supplier, by value."""
    if "supplier" not in stock:
        return pd.DataFrame(columns=["supplier", "qty", "unit", "value", "share"])
    suppliers = group_key(stock["supplier"])
    grouped = stock.groupby(suppliers, sort=False, observed=True).agg(qty=("qty", "sum"), value=("value", "sum"))
    if "unit" in stock:
        units = stock["unit"].groupby(suppliers, sort=False, observed=True)
        first = units.first(skipna=False).astype(object)
        grouped["unit"] = first.where(units.nunique() == 1, "mixed").fillna("")
    else:
        grouped["unit"] = ""
    grouped["share"] = _share(grouped["value"], total_inventory_value(stock))
    table = grouped.rename_axis("supplier").reset_index()
    table["supplier"] = plain_text(table["supplier"])
    table = table.sort_values(["value", "supplier"], ascending=[False, True], ignore_index=True)
    return table[["supplier", "qty", "unit", "value", "share"]].head(top) if top else table


def dead_stock_band(stock: pd.DataFrame, as_of: pd.Timestamp, idle: pd.Series | None = None) -> pd.Series:
    """`over_365`, `d181_365` or None per lot, from its idle days (`idle`, when the caller has them already)."""
    idle = (idle_days(stock, as_of) if idle is None else idle).to_numpy()
    band = np.full(len(idle), None, dtype=object)
    for name, days in reversed(DEAD_STOCK_BANDS.items()):  # the most severe band is written last and wins
        band[idle > days] = name
    return pd.Series(band, index=stock.index)


def dead_stock(stock: pd.DataFrame, as_of: pd.Timestamp) -> dict:
    band = dead_stock_band(stock, as_of)
    out = {}
    for name in DEAD_STOCK_BANDS:
        lots = stock.loc[(band == name).to_numpy(), ["value", "qty", "sku"]]
        out[name] = {"value": float(lots["value"].sum()), "qty": float(lots["qty"].sum()),
                     "sku_count": int(lots["sku"].nunique())}
    return out


WORKLIST_COLUMNS = ["lot_key", "sku", "sku_name", "warehouse", "batch", "stock_type", "qty", "unit", "value",
                    "idle_days", "band", "owner", "action", "action_status"]


def lot_keys(stock: pd.DataFrame) -> pd.Series:
    """A stable key for a lot across snapshots and sessions: sku | warehouse | batch. Lots that share it (no
    batch column, or a blank batch) are told apart by their order in the file: the second gets `#2`, and so on."""
    batch = stock["batch"].fillna("") if "batch" in stock else ""
    keys = stock["sku"].astype(str) + "|" + stock["warehouse"].astype(str) + "|" + batch
    shared = keys.duplicated(keep=False)
    if not shared.any():
        return keys
    repeats = keys[shared]
    order = repeats.groupby(repeats, sort=False).cumcount()
    return keys.mask(shared, repeats.where(order == 0, repeats + "#" + (order + 1).astype(str)))


def risk_worklist(stock: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Dead-stock lots (idle > 180 days) as a worklist, most valuable first, with the file's tracker fields."""
    idle = idle_days(stock, as_of)
    band = dead_stock_band(stock, as_of, idle)
    dead = np.flatnonzero(band.notna().to_numpy())
    keys = lot_keys(stock)
    order = dead[most_valuable_first(stock["value"].to_numpy(float)[dead], keys.to_numpy()[dead])]
    made = {"lot_key": keys, "idle_days": idle, "band": band}
    columns = {}
    for column in WORKLIST_COLUMNS:  # each column taken once, in worklist order, from the whole stock
        source = made.get(column, stock.get(column))
        columns[column] = None if source is None else source.take(order).reset_index(drop=True)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(order)))


def most_valuable_first(value: np.ndarray, lot_key: np.ndarray) -> np.ndarray:
    """Row order by value, largest first (no value last), then lot key: pandas' `sort_values` order, sorted by
    Arrow, which sorts text a few times faster."""
    columns = pa.table({"value": pa.array(value, from_pandas=True), "lot_key": pa.array(lot_key)})
    return pc.sort_indices(columns, sort_keys=[("value", "descending"), ("lot_key", "ascending")]).to_numpy()


def unit_costs(lots: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Per SKU: value ÷ qty at the latest snapshot on or before `as_of` where the SKU has stock."""
    frame = lots[(lots["snapshot_date"] <= as_of) & (lots["qty"] > 0)]
    latest = frame.groupby("sku")["snapshot_date"].transform("max")
    frame = frame[frame["snapshot_date"] == latest]
    sums = frame.groupby("sku")[["value", "qty"]].sum()
    return (sums["value"] / sums["qty"]).astype(float)


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
    """(COGS, rows that could not be costed): Σ cogs where given, else Σ qty_out × the SKU's unit cost."""
    fallback = movements["qty_out"].fillna(0).astype(float) * movements["sku"].map(costs).astype(float)
    if "cogs" in movements:
        fallback = movements["cogs"].fillna(fallback)
    uncosted = int((fallback.isna() & (movements["qty_out"].fillna(0) > 0)).sum())
    return float(fallback.sum()), uncosted


def average_inventory(lots: pd.DataFrame, period: Period) -> float | None:
    """Mean TIV over the snapshot dates inside the period, opening and closing included."""
    daily = inventory_trend(lots, freq="day")
    inside = daily[(daily["snapshot_date"] >= period.start) & (daily["snapshot_date"] <= period.end)]
    return float(inside["tiv"].mean()) if len(inside) else None


def turnover(lots: pd.DataFrame, movements: pd.DataFrame | None, period: Period, settings: KpiSettings) -> dict:
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


def days_of_supply(stock: pd.DataFrame, movements: pd.DataFrame, period: Period) -> pd.DataFrame:
    """On-hand qty ÷ mean daily demand per SKU; None where the SKU had no demand."""
    on_hand = stock.groupby("sku")["qty"].sum()
    demand = daily_demand(movements, period).reindex(on_hand.index).fillna(0.0)
    supply = (on_hand / demand.where(demand > 0)).astype(float)
    skus = plain_text(pd.Series(on_hand.index)).to_numpy()
    return pd.DataFrame({"sku": skus, "on_hand": on_hand.to_numpy(), "mean_daily_demand": demand.to_numpy(),
                         "days_of_supply": supply.to_numpy()}).sort_values("days_of_supply", ascending=False,
                                                                            na_position="last", ignore_index=True)


def planning_metrics(lots: pd.DataFrame, stock: pd.DataFrame, movements: pd.DataFrame, period: Period,
                     cogs: float | None, supply: pd.DataFrame) -> dict:
    """Stockout rate, sell-through, median days of supply and the inventory/sales ratio (SPEC §3.10), from the
    period's COGS (`turnover`) and days of supply (`days_of_supply`) the caller has already computed.

    stockout rate: of the (SKU with demand, snapshot in the period) pairs, the share with no stock on hand.
    inventory/sales ratio: closing TIV ÷ the period's average monthly COGS.
    """
    issued = period.movements(movements)
    demanded = pd.Index(issued.loc[issued["qty_out"] > 0, "sku"].unique())
    in_stock = pd.Index(stock.loc[stock["qty"] > 0, "sku"].unique())
    snapshots = lots[(lots["snapshot_date"] >= period.start) & (lots["snapshot_date"] <= period.end)]
    held = snapshots[snapshots["qty"] > 0].groupby("snapshot_date")["sku"].apply(lambda s: set(s))
    pairs = len(demanded) * len(held)
    stocked = sum(len(demanded.intersection(list(skus))) for skus in held)
    monthly_cogs = (cogs or 0.0) * (DAYS_PER_YEAR / 12) / period.days if period.days else 0.0
    supply = supply["days_of_supply"].dropna()
    return {
        "stockout_rate": (pairs - stocked) / pairs if pairs else None,
        "sell_through": len(in_stock.intersection(demanded)) / len(in_stock) if len(in_stock) else None,
        "median_days_of_supply": float(supply.median()) if len(supply) else None,
        "inventory_sales_ratio": total_inventory_value(stock) / monthly_cogs if monthly_cogs else None,
    }
