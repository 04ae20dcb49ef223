"""Replenishment policy levels (SPEC §4): safety stock, reorder point, order-up-to level, order quantity.

Names follow the textbook: z = Φ⁻¹(cycle service level); for a protection interval of P days,
SS = z × sqrt(P σ_d² + μ_d² σ_L²); reorder point s = μ_d L + SS(L); periodic order-up-to S = μ_d (L + R) + SS(L + R).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

POLICIES = ("rop", "periodic", "minmax")
ORDER_RULES = ("auto", "eoq", "cover")
DAYS_PER_YEAR = 365


def z_value(service_level: float) -> float:
    """Standard normal quantile of a cycle service level in (0, 1)."""
    if not 0 < service_level < 1:
        raise ValueError(f"service level must be between 0 and 1 (exclusive), got {service_level}")
    return NormalDist().inv_cdf(service_level)


def safety_stock(z: float | np.ndarray, mean_daily_demand: np.ndarray, std_daily_demand: np.ndarray,
                 protection_days: np.ndarray, lead_time_std_days: np.ndarray | float = 0.0) -> np.ndarray:
    """z × sqrt(P σ_d² + μ_d² σ_L²); with a fixed lead time this is z σ_d √P."""
    variance = protection_days * np.square(std_daily_demand) + np.square(mean_daily_demand * lead_time_std_days)
    return z * np.sqrt(variance)


def economic_order_quantity(ordering_cost: np.ndarray, holding_cost: np.ndarray,
                            annual_demand: np.ndarray) -> np.ndarray:
    """sqrt(2 K D / h): K per order, h per unit per year, D units per year; NaN where h is not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(2 * ordering_cost * annual_demand / np.where(holding_cost > 0, holding_cost, np.nan))


def order_quantity(params: pd.DataFrame, rule: str = "auto", cover_days: float = 30.0) -> np.ndarray:
    """Q per SKU: EOQ where ordering and holding costs are given (rule `auto` or `eoq`), else `cover_days` of demand."""
    if rule not in ORDER_RULES:
        raise ValueError(f"order rule must be one of {', '.join(ORDER_RULES)}")
    cover = params["mean_daily_demand"].to_numpy(float) * cover_days
    if rule == "cover" or "ordering_cost" not in params or "holding_cost" not in params:
        return cover
    eoq = economic_order_quantity(params["ordering_cost"].to_numpy(float), params["holding_cost"].to_numpy(float),
                                  params["mean_daily_demand"].to_numpy(float) * DAYS_PER_YEAR)
    return np.where(np.isfinite(eoq), eoq, cover)


def policy_levels(params: pd.DataFrame, policy: np.ndarray, z: np.ndarray, review_days: np.ndarray,
                  lead_time_days: np.ndarray, lead_time_std_days: np.ndarray, order_qty: np.ndarray) -> pd.DataFrame:
    """Per SKU: safety stock, reorder point s, order-up-to S and Q for each SKU's policy.

    `safety_stock` is the one the SKU's policy uses: over L for reorder point and min-max, over L + R for
    periodic review. For reorder point, S = s + Q is the position right after an order; for min-max, max = s + Q.
    """
    mu = params["mean_daily_demand"].to_numpy(float)
    sigma = params["std_daily_demand"].to_numpy(float)
    ss_lead = safety_stock(z, mu, sigma, lead_time_days, lead_time_std_days)
    ss_review = safety_stock(z, mu, sigma, lead_time_days + review_days, lead_time_std_days)
    periodic = policy == "periodic"
    reorder_point = mu * lead_time_days + ss_lead
    order_up_to = np.where(periodic, mu * (lead_time_days + review_days) + ss_review, reorder_point + order_qty)
    return pd.DataFrame({
        "sku": params["sku"].to_numpy(),
        "policy": policy,
        "safety_stock": np.where(periodic, ss_review, ss_lead),
        "reorder_point": reorder_point,
        "order_up_to": order_up_to,
        "order_qty": np.where(periodic, mu * review_days, order_qty),
    })
