"""Replenishment proposals: what to order today, per SKU and per supplier (SPEC §5 `propose`).

Today's inventory position is on-hand + on-order − back-orders. The policy's review rule is applied once, as
if today were a review day — exactly the rule the simulator applies each day (SPEC §4):

- reorder point (s, Q): when position ≤ s, the smallest multiple of Q that lifts the position above s;
- periodic review (R, S): S − position (today is the review);
- min-max (s, S): when position ≤ min, up to max.

The levels are the simulator's own (`plan_levels`), so a proposal is what the simulated plan would order.
A per-SKU `service_level` column in the parameters overrides the scenario's level (and its per-class level).

An order is placed as it can be bought: at least the item's minimum order quantity (`moq`) and rounded up to a
whole number of packs (`pack_size`), or of units where the parameters give no pack. Each SKU's supplier comes from
the parameters, else from its most valuable lot at the latest snapshot (`with_lot_suppliers`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.sim.simulation import Scenario, plan_levels

RULES = ("reorder_point", "order_up_to", "min_max", "none")
SKU_COLUMNS = ["sku", "supplier", "position", "reorder_point", "order_up_to", "order_qty", "order_value",
               "expected_arrival", "rule"]
SUPPLIER_COLUMNS = ["supplier", "sku_count", "order_qty_lines", "order_value"]


@dataclass
class Proposal:
    """Order lines per SKU (zero lines included) and per supplier, with the total value to order."""

    scenario: Scenario
    skus: pd.DataFrame
    suppliers: pd.DataFrame

    @property
    def total_value(self) -> float:
        return float(self.skus["order_value"].sum())

    @property
    def suppliers_to_order_from(self) -> int:
        """Named suppliers with at least one order line (SKUs without a supplier are no supplier to call)."""
        table = self.suppliers
        return int((table["supplier"].notna() & (table["order_qty_lines"] > 0)).sum())

    def payload(self) -> dict:
        def records(frame: pd.DataFrame) -> list[dict]:
            return frame.astype(object).where(frame.notna(), None).to_dict("records")

        skus = self.skus.assign(expected_arrival=self.skus["arrival"].dt.strftime("%Y-%m-%d"))
        return {"policy": self.scenario.policy, "skus": records(skus[SKU_COLUMNS]),
                "suppliers": records(self.suppliers[SUPPLIER_COLUMNS]), "total_value": self.total_value}


def levels_with_sku_service(params: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """`plan_levels`, with each SKU's own `service_level` (when the column gives one) in place of the scenario's
    and its class's: SKUs sharing a level are planned together, with the class service levels cleared."""
    own = params["service_level"].to_numpy(float) if "service_level" in params else np.full(len(params), np.nan)
    levels = plan_levels(params, scenario)
    if np.isnan(own).all():
        return levels
    cleared = {name: replace(settings, service_level=None) for name, settings in scenario.by_class.items()}
    for level in np.unique(own[~np.isnan(own)]):
        rows = np.flatnonzero(own == level)
        planned = plan_levels(params.iloc[rows].reset_index(drop=True),
                              replace(scenario, service_level=float(level), by_class=cleared))
        levels.iloc[rows] = planned.to_numpy()
    return levels


def order_today(position: np.ndarray, levels: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(quantity, rule fired) per SKU for today's position under each SKU's policy."""
    policy = levels["policy"].to_numpy(str)
    s, big_s = levels["reorder_point"].to_numpy(float), levels["order_up_to"].to_numpy(float)
    q = levels["order_qty"].to_numpy(float)
    below = position <= s
    with np.errstate(divide="ignore", invalid="ignore"):
        multiples = np.where(q > 0, (np.floor((s - position) / np.where(q > 0, q, 1)) + 1) * q, 0.0)
    qty = np.select([(policy == "rop") & below, policy == "periodic", (policy == "minmax") & below],
                    [multiples, np.maximum(0.0, big_s - position), np.maximum(0.0, big_s - position)], 0.0)
    rule = np.select([(policy == "rop") & below & (qty > 0), (policy == "periodic") & (qty > 0),
                      (policy == "minmax") & below & (qty > 0)], ["reorder_point", "order_up_to", "min_max"], "none")
    return qty, rule


def placeable(qty: np.ndarray, pack_size: np.ndarray | None = None, moq: np.ndarray | None = None) -> np.ndarray:
    """Quantities as they can be ordered: nothing stays nothing; anything else is lifted to the MOQ and rounded up
    to a whole number of packs (of units where no pack is given). A pack or MOQ that is blank, zero or negative
    is not a constraint."""
    qty = np.asarray(qty, dtype=float)
    pack = np.ones_like(qty) if pack_size is None else np.asarray(pack_size, dtype=float)
    pack = np.where(np.isfinite(pack) & (pack > 0), pack, 1.0)
    least = np.zeros_like(qty) if moq is None else np.asarray(moq, dtype=float)
    least = np.where(np.isfinite(least) & (least > 0), least, 0.0)
    packs = np.ceil(np.maximum(qty, least) / pack - 1e-9)  # 1e-9: 12.0000000001 packs is 12, not 13
    return np.where(qty > 1e-9, np.round(packs * pack, 9), 0.0)


def _column(params: pd.DataFrame, name: str) -> np.ndarray | None:
    return pd.to_numeric(params[name], errors="coerce").to_numpy(float) if name in params else None


def propose(params: pd.DataFrame, scenario: Scenario, today: pd.Timestamp | None = None) -> Proposal:
    """Today's order lines. Every SKU needs an on-hand (a proposal from an assumed stock would be a guess)."""
    if params.empty:
        raise ValueError("no SKUs to propose orders for")
    params = params.reset_index(drop=True)
    on_hand = params["on_hand"].to_numpy(float)
    if np.isnan(on_hand).any():
        missing = params.loc[np.isnan(on_hand), "sku"]
        raise ValueError(f"{len(missing)} SKUs have no on-hand (e.g. {missing.iloc[0]}); "
                         "a proposal needs today's stock")
    on_order = params["on_order"].fillna(0).to_numpy(float) if "on_order" in params else 0.0
    backorders = params["backorders"].fillna(0).to_numpy(float) if "backorders" in params else 0.0
    position = on_hand + on_order - backorders
    levels = levels_with_sku_service(params, scenario)
    raw, rule = order_today(position, levels)
    qty = placeable(raw, _column(params, "pack_size"), _column(params, "moq"))
    day = pd.Timestamp(today if today is not None else pd.Timestamp.today()).normalize()
    supplier = _named(params["supplier"] if "supplier" in params else pd.Series([None] * len(params)))
    lead = levels["lead_time_days"].to_numpy(float)
    skus = pd.DataFrame({
        "sku": params["sku"].to_numpy(), "supplier": supplier.to_numpy(), "policy": levels["policy"].to_numpy(),
        "on_hand": on_hand, "on_order": on_order + np.zeros(len(params)),
        "backorders": backorders + np.zeros(len(params)), "position": position,
        "reorder_point": levels["reorder_point"].to_numpy(float),
        "order_up_to": levels["order_up_to"].to_numpy(float), "order_qty": qty,
        "unit_cost": params["unit_cost"].to_numpy(float), "order_value": qty * params["unit_cost"].to_numpy(float),
        "rule": rule, "lead_time_days": lead,
        "arrival": [day + pd.Timedelta(days=int(d)) if q > 0 else pd.NaT for d, q in zip(lead, qty, strict=True)],
    })
    return Proposal(scenario, skus, by_supplier(skus))


def _named(supplier: pd.Series) -> pd.Series:
    """Supplier names with blanks as None."""
    supplier = supplier.astype(object)
    return supplier.where(supplier.notna() & (supplier.astype(str).str.strip() != ""), None)


def lot_suppliers(lots: pd.DataFrame) -> pd.Series:
    """sku → the supplier of the SKU's most valuable lot naming one at the latest snapshot that has such a lot
    (a SKU out of stock today keeps the supplier of its last stock); SKUs whose lots name none are left out."""
    if "supplier" not in lots:
        return pd.Series(dtype=object)
    named = lots.assign(supplier=_named(lots["supplier"])).dropna(subset=["supplier"])
    keys = [key for key in ("snapshot_date", "value") if key in named]
    named = named.sort_values([*keys, "supplier"], ascending=[False] * len(keys) + [True], kind="stable",
                              na_position="last")
    return named.drop_duplicates("sku").set_index("sku")["supplier"]


def with_lot_suppliers(params: pd.DataFrame, lots: pd.DataFrame) -> pd.DataFrame:
    """The parameters with each SKU's supplier: its own where the parameters give one, else its lots'."""
    given = _named(params["supplier"]) if "supplier" in params else pd.Series([None] * len(params), index=params.index)
    from_lots = params["sku"].map(lot_suppliers(lots))
    return params.assign(supplier=_named(given.where(given.notna(), from_lots)))


def by_supplier(skus: pd.DataFrame) -> pd.DataFrame:
    """Per supplier: SKUs, order lines (SKUs with something to order) and value; largest value first, SKUs
    without a supplier as one group (supplier null) last."""
    keyed = skus.assign(_key=skus["supplier"].fillna("\uffff"), _line=skus["order_qty"] > 0)
    table = keyed.groupby("_key", sort=True).agg(sku_count=("sku", "size"), order_qty_lines=("_line", "sum"),
                                                 order_value=("order_value", "sum")).reset_index()
    table["supplier"] = pd.Series([None if key == "\uffff" else key for key in table["_key"]], dtype=object,
                                  index=table.index)
    table["_none"] = table["supplier"].isna()
    table = table.sort_values(["_none", "order_value", "supplier"], ascending=[True, False, True], kind="stable")
    table["order_qty_lines"] = table["order_qty_lines"].astype(int)
    return table[SUPPLIER_COLUMNS].reset_index(drop=True)


LINE_COLUMNS = ["supplier", "sku", "policy", "on_hand", "on_order", "backorders", "position", "reorder_point",
                "order_up_to", "order_qty", "unit_cost", "order_value", "rule", "lead_time_days", "arrival"]


def proposal_tables(proposal: Proposal, labels: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The purchase-proposal workbook's sheets — suppliers with a total, the order lines, every SKU — with
    sheet names and column headers from `labels` (the caller's language; a missing label keeps the key)."""
    label = lambda key: labels.get(key, key)  # noqa: E731
    suppliers = proposal.suppliers.copy()
    suppliers.loc[len(suppliers)] = [label("total"), int(suppliers["sku_count"].sum()),
                                     int(suppliers["order_qty_lines"].sum()), proposal.total_value]
    skus = proposal.skus[LINE_COLUMNS].sort_values(["supplier", "sku"], na_position="last", kind="stable")
    skus = skus.assign(arrival=skus["arrival"].dt.date)
    lines = skus[skus["order_qty"] > 0]
    rename = {c: label(c) for c in [*SUPPLIER_COLUMNS, *LINE_COLUMNS]}
    return {label("sheet_suppliers"): suppliers.rename(columns=rename),
            label("sheet_order_lines"): lines.rename(columns=rename),
            label("sheet_all_skus"): skus.rename(columns=rename)}
