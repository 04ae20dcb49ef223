"""Planning parameters per SKU for the simulator (SPEC §2.3): read from a file or derived from lots + movements."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.intake.loading import LoadResult
from core.intake.problems import fail
from core.kpis import measures as kpis

PARAMETER_COLUMNS = ["sku", "mean_daily_demand", "std_daily_demand", "lead_time_days", "lead_time_std_days",
                     "unit_cost", "on_hand", "on_order", "abc_class", "ordering_cost", "holding_cost"]


@dataclass
class PlanningParameters:
    """Simulatable SKUs, and those left out with the reason (never silently dropped).

    `current_inventory_value` is what cash release is measured against: the lots' TIV at as-of when the
    parameters are derived from lots; None for a parameters file (then Σ on_hand × unit_cost, see `simulate`).
    """

    params: pd.DataFrame
    excluded: pd.DataFrame
    current_inventory_value: float | None = None

    @property
    def skus_without_on_hand(self) -> list[str]:
        return self.params.loc[self.params["on_hand"].isna(), "sku"].astype(str).tolist()

    @property
    def sku_count(self) -> int:
        return len(self.params)


def _excluded(skus: pd.Series, reason: str) -> pd.DataFrame:
    return pd.DataFrame({"sku": skus.to_numpy(), "reason": reason})


def complete_parameters(params: pd.DataFrame, default_lead_time: float | None = None) -> pd.DataFrame:
    """Fill the optional columns: lead time from the default, σ_L 0, on-order 0; on-hand stays NaN (= policy level)."""
    out = params.copy()
    for column in PARAMETER_COLUMNS:
        if column not in out:
            out[column] = np.nan if column != "abc_class" else None
    if default_lead_time is not None:
        out["lead_time_days"] = out["lead_time_days"].fillna(default_lead_time)
    out["lead_time_std_days"] = out["lead_time_std_days"].fillna(0.0)
    out["on_order"] = out["on_order"].fillna(0.0)
    return out[PARAMETER_COLUMNS].reset_index(drop=True)


def parameters_from_file(loaded: LoadResult, default_lead_time: float | None = None) -> PlanningParameters:
    """Checked parameters from a file: any row problem is fatal here, since a plan must not skip SKUs quietly."""
    errors = loaded.problems[loaded.problems["severity"] == "error"]
    if len(errors):
        first = errors.iloc[0]
        raise fail(loaded.name, first["message"].split(": ", 1)[1])
    if "lead_time_days" not in loaded.mapping and default_lead_time is None:
        raise fail(loaded.name, "column 'lead_time_days' is missing; add it or give a default lead time "
                                "(--default-lead-time DAYS)")
    params = complete_parameters(loaded.data, default_lead_time)
    rows = loaded.data["_row"].to_numpy()
    missing = params["lead_time_days"].isna().to_numpy()
    if missing.any():
        raise fail(loaded.name, "is empty; give a lead time or a default (--default-lead-time DAYS)",
                   row=int(rows[missing][0]), column="'lead_time_days'")
    zero = (params["lead_time_days"] <= 0).to_numpy()
    if zero.any():
        raise fail(loaded.name, "a lead time must be at least 1 day", row=int(rows[zero][0]),
                   column="'lead_time_days'")
    return PlanningParameters(params, _excluded(pd.Series([], dtype=object), ""))


def derive_parameters(lots: pd.DataFrame, movements: pd.DataFrame, as_of: pd.Timestamp | None = None,
                      history_days: int = 365, default_lead_time: float | None = None) -> PlanningParameters:
    """Demand statistics per SKU from the movements (days without a movement count as zero, over the days the
    movements cover), unit cost and on-hand from the as-of snapshot, ABC class by value; the lead time is the
    default the user sets."""
    if default_lead_time is None:
        raise ValueError("a default lead time is needed to derive parameters (lots have no lead-time column)")
    lots, snapshot, stock = kpis.as_of_stock(lots, as_of)
    period = kpis.Period.ending(snapshot, history_days).covered_by(movements)
    daily = period.movements(movements).groupby(["sku", "date"])["qty_out"].sum()
    by_sku = daily.groupby(level="sku")
    total, total_sq = by_sku.sum(), by_sku.apply(lambda q: float(np.square(q).sum()))
    days = period.days
    mean = total / days
    variance = ((total_sq - days * np.square(mean)) / (days - 1)).clip(lower=0)
    skus = pd.Index(stock["sku"].unique()).union(mean.index)
    costs = kpis.unit_costs(lots, snapshot)
    on_order = stock.groupby("sku")["on_order"].sum() if "on_order" in stock else pd.Series(dtype=float)
    params = pd.DataFrame({
        "sku": skus,
        "mean_daily_demand": mean.reindex(skus).fillna(0.0).to_numpy(),
        "std_daily_demand": np.sqrt(variance.reindex(skus).fillna(0.0)).to_numpy(),
        "lead_time_days": float(default_lead_time),
        "unit_cost": costs.reindex(skus).to_numpy(),
        "on_hand": stock.groupby("sku")["qty"].sum().reindex(skus).fillna(0.0).to_numpy(),
        "on_order": on_order.reindex(skus).fillna(0.0).to_numpy(),
        "abc_class": kpis.abc_classes(stock).set_index("sku")["abc"].reindex(skus).fillna("C").to_numpy(),
    })
    no_cost = params["unit_cost"].isna()
    excluded = _excluded(params.loc[no_cost, "sku"], "no unit cost: issued but never in stock with a value")
    return PlanningParameters(complete_parameters(params[~no_cost]), excluded, kpis.total_inventory_value(stock))
