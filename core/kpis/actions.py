"""From the numbers to what to do: recommended actions with the cash each frees and its evidence.

Rules (SPEC §3 thresholds; the rest are settings):
- `scrap_dead`: lots idle over 365 days, per warehouse — scrap or sell at a discount; frees their value.
- `promote_slob`: other SLOB lots (idle ≤ 365 days), per warehouse — promote or transfer; frees their value.
- `pause_purchases`: SKUs with open orders whose days of supply exceed a threshold, per supplier — pause those
  orders; frees the open orders' value.
- `supplier_backlog`: suppliers whose share of stock is at least a threshold — negotiate returns or consignment
  of their SLOB; the value overlaps the SLOB rules above, so it is flagged and left out of totals.
Money is inventory value at cost; actions are ranked by it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl

from core.kpis import measures as kpis
from core.kpis.frame import CENTS, exact_qty_sum, finished, kpi_frame, to_pandas
from core.kpis.measures import KpiSettings, Period

ACTION_COLUMNS = ["rule", "subject", "cash", "lots", "skus", "evidence", "overlaps"]


@dataclass(frozen=True)
class ActionSettings:
    days_of_supply_threshold: float = 90.0
    supplier_share_threshold: float = 0.15


def _per_group(frame: pl.DataFrame, rows: pl.Expr, rule: str, by: str, idle: pl.Expr) -> pd.DataFrame:
    """One action per `by` (lots without one are left out) over the rows chosen: cash, lots, SKUs, median idle."""
    grouped = (frame.filter(rows & pl.col(by).is_not_null()).group_by(by)
               .agg(pl.col(CENTS).sum(), pl.len().alias("lots"), pl.col("sku").n_unique().alias("skus"),
                    idle.median().alias("idle")))
    if grouped.is_empty():
        return pd.DataFrame(columns=ACTION_COLUMNS)
    grouped = finished(grouped.with_columns(pl.col(by).cast(pl.String)).sort(by))
    return pd.DataFrame({"rule": rule, "subject": grouped[by].to_list(), "cash": grouped["value"].to_numpy(),
                         "lots": grouped["lots"].to_numpy(), "skus": grouped["skus"].to_numpy(),
                         "evidence": [{"median_idle_days": float(d)} for d in grouped["idle"]], "overlaps": False})


def dead_and_slob_actions(stock: pd.DataFrame | pl.DataFrame, as_of: pd.Timestamp,
                          settings: KpiSettings) -> pd.DataFrame:
    frame = kpi_frame(stock)
    idle = kpis.idle_expr(frame, as_of)
    dead = kpis.band_expr(idle) == "over_365"
    slob = kpis.slob_expr(frame, as_of, settings) & dead.not_().fill_null(True)
    return pd.concat([_per_group(frame, dead.fill_null(False), "scrap_dead", "warehouse", idle),
                      _per_group(frame, slob, "promote_slob", "warehouse", idle)], ignore_index=True)


def pause_purchase_actions(stock: pd.DataFrame, movements: pd.DataFrame | None, period: Period,
                           threshold: float) -> pd.DataFrame:
    """Open orders of SKUs that already hold more than `threshold` days of supply, per supplier."""
    if movements is None or "on_order" not in stock:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    frame = kpi_frame(stock)
    supply = kpis.days_of_supply(frame, movements, period).set_index("sku")["days_of_supply"]
    supplier = pl.col("supplier").drop_nulls().first() if "supplier" in frame.columns else pl.col("sku").first()
    per_sku = finished(frame.group_by("sku").agg(pl.col("on_order").sum(), exact_qty_sum(frame), pl.col(CENTS).sum(),
                                                 supplier.cast(pl.String).alias("supplier")))
    per_sku = to_pandas(per_sku.select(pl.col("sku").cast(pl.String), "on_order", "qty", "value", "supplier")
                        ).set_index("sku")
    per_sku["unit_cost"] = (per_sku["value"] / per_sku["qty"]).where(per_sku["qty"] > 0)
    per_sku["days"] = supply.reindex(per_sku.index).fillna(np.inf)  # no demand at all: any open order is excess
    excess = per_sku[(per_sku["on_order"] > 0) & (per_sku["days"] > threshold) & per_sku["unit_cost"].notna()]
    if excess.empty:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    excess = excess.assign(cash=excess["on_order"] * excess["unit_cost"])
    grouped = excess.groupby("supplier").agg(cash=("cash", "sum"), skus=("cash", "size"),
                                             days=("days", lambda d: float(np.median(d))))
    return pd.DataFrame({"rule": "pause_purchases", "subject": grouped.index, "cash": grouped["cash"].to_numpy(),
                         "lots": 0, "skus": grouped["skus"].to_numpy(),
                         "evidence": [{"median_days_of_supply": d, "threshold_days": threshold}
                                      for d in grouped["days"]], "overlaps": False})


def supplier_actions(stock: pd.DataFrame, as_of: pd.Timestamp, settings: KpiSettings,
                     threshold: float) -> pd.DataFrame:
    backlog = kpis.supplier_backlog(stock, None)
    heavy = backlog[backlog["share"] >= threshold]
    if heavy.empty:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    frame = kpi_frame(stock)
    slob = finished(frame.filter(kpis.slob_expr(frame, as_of, settings) & pl.col("supplier").is_not_null())
                    .group_by(pl.col("supplier")).agg(pl.col(CENTS).sum(), pl.col("sku").n_unique().alias("skus"))
                    .with_columns(pl.col("supplier").cast(pl.String)))
    slob_value = pd.Series(slob["value"].to_numpy(), index=slob["supplier"].to_list(), dtype=float)
    slob_skus = pd.Series(slob["skus"].to_numpy(), index=slob["supplier"].to_list(), dtype=float)
    return pd.DataFrame({"rule": "supplier_backlog", "subject": heavy["supplier"].to_numpy(),
                         "cash": heavy["supplier"].map(slob_value).fillna(0.0).to_numpy(), "lots": 0,
                         "skus": heavy["supplier"].map(slob_skus).fillna(0).astype(int).to_numpy(),
                         "evidence": [{"share": float(s), "value": float(v)} for s, v in zip(heavy["share"],
                                                                                          heavy["value"], strict=True)],
                         "overlaps": True})


def recommend_actions(stock: pd.DataFrame, as_of: pd.Timestamp, movements: pd.DataFrame | None = None,
                      settings: KpiSettings | None = None, rules: ActionSettings | None = None) -> pd.DataFrame:
    """Every recommendation, most cash first (ties by rule and subject)."""
    settings, rules = settings or KpiSettings(), rules or ActionSettings()
    frames = [pause_purchase_actions(stock, movements, Period.ending(as_of, settings.period_days),
                                     rules.days_of_supply_threshold)]
    if kpis.has_ages(stock):
        frames += [dead_and_slob_actions(stock, as_of, settings),
                   supplier_actions(stock, as_of, settings, rules.supplier_share_threshold)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    table = pd.concat(frames, ignore_index=True)
    table["cash"] = table["cash"].astype(float)
    return table.sort_values(["cash", "rule", "subject"], ascending=[False, True, True], ignore_index=True)


def total_cash(actions: pd.DataFrame) -> float:
    """Cash of the actions without double counting (overlapping rows left out)."""
    return float(actions.loc[~actions["overlaps"].astype(bool), "cash"].sum())


def bu_gap_contribution(stock: pd.DataFrame | pl.DataFrame, as_of: pd.Timestamp,
                        settings: KpiSettings) -> pd.DataFrame:
    """Per BU: reducible value (SLOB, which includes dead stock) and its share of the total reducible value."""
    if "bu" not in stock.columns or not kpis.has_ages(stock):
        return pd.DataFrame(columns=["bu", "value", "reducible", "share_of_gap"])
    frame = kpi_frame(stock)
    table = (frame.group_by(pl.col("bu").fill_null(""))
             .agg(pl.col(CENTS).sum(), pl.col(CENTS).filter(kpis.slob_expr(frame, as_of, settings)).sum()
                  .alias("reducible_cents"))
             .with_columns(pl.col("bu").cast(pl.String)).sort(["reducible_cents", "bu"], descending=[True, False]))
    reducible = table["reducible_cents"].to_numpy()
    total = int(reducible.sum())
    table = finished(table).with_columns(pl.Series("reducible", reducible / 100),
                                         pl.Series("share_of_gap", reducible / total if total else reducible * 0.0))
    return to_pandas(table.select("bu", "value", "reducible", "share_of_gap"))
