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

from core.kpis import measures as kpis
from core.kpis.measures import KpiSettings, Period

ACTION_COLUMNS = ["rule", "subject", "cash", "lots", "skus", "evidence", "overlaps"]


@dataclass(frozen=True)
class ActionSettings:
    days_of_supply_threshold: float = 90.0
    supplier_share_threshold: float = 0.15


def _per_group(lots: pd.DataFrame, rule: str, by: str, idle: pd.Series) -> pd.DataFrame:
    if lots.empty:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    grouped = lots.assign(idle=idle).groupby(by).agg(cash=("value", "sum"), lots=("value", "size"),
                                                     skus=("sku", "nunique"), idle=("idle", "median"))
    return pd.DataFrame({"rule": rule, "subject": grouped.index, "cash": grouped["cash"].to_numpy(),
                         "lots": grouped["lots"].to_numpy(), "skus": grouped["skus"].to_numpy(),
                         "evidence": [{"median_idle_days": float(d)} for d in grouped["idle"]], "overlaps": False})


def dead_and_slob_actions(stock: pd.DataFrame, as_of: pd.Timestamp, settings: KpiSettings) -> pd.DataFrame:
    idle = kpis.idle_days(stock, as_of)
    dead = (kpis.dead_stock_band(stock, as_of) == "over_365").to_numpy()
    slob = kpis.slob_lots(stock, as_of, settings) & ~dead
    return pd.concat([_per_group(stock[dead], "scrap_dead", "warehouse", idle[dead]),
                      _per_group(stock[slob], "promote_slob", "warehouse", idle[slob])], ignore_index=True)


def pause_purchase_actions(stock: pd.DataFrame, movements: pd.DataFrame | None, period: Period,
                           threshold: float) -> pd.DataFrame:
    """Open orders of SKUs that already hold more than `threshold` days of supply, per supplier."""
    if movements is None or "on_order" not in stock:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    supply = kpis.days_of_supply(stock, movements, period).set_index("sku")["days_of_supply"]
    per_sku = stock.groupby("sku").agg(on_order=("on_order", "sum"), qty=("qty", "sum"), value=("value", "sum"),
                                       supplier=("supplier", "first") if "supplier" in stock else ("sku", "first"))
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
    slob = stock[kpis.slob_lots(stock, as_of, settings)]
    slob_value = slob.groupby("supplier")["value"].sum()
    slob_skus = slob.groupby("supplier")["sku"].nunique()
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


def bu_gap_contribution(stock: pd.DataFrame, as_of: pd.Timestamp, settings: KpiSettings) -> pd.DataFrame:
    """Per BU: reducible value (SLOB, which includes dead stock) and its share of the total reducible value."""
    if "bu" not in stock or not kpis.has_ages(stock):
        return pd.DataFrame(columns=["bu", "value", "reducible", "share_of_gap"])
    reducible = np.where(kpis.slob_lots(stock, as_of, settings), stock["value"], 0.0)
    table = stock.assign(reducible=reducible).groupby(stock["bu"].fillna("")).agg(
        value=("value", "sum"), reducible=("reducible", "sum")).rename_axis("bu").reset_index()
    total = table["reducible"].sum()
    table["share_of_gap"] = table["reducible"] / total if total else 0.0
    return table.sort_values(["reducible", "bu"], ascending=[False, True], ignore_index=True)
