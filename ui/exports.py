"""Tables of the simulator made into downloads: data in the UI language, numbers as numbers in the unit the header
names (the on-screen formats go into the workbook's cells, see `export_frame`)."""

from __future__ import annotations

import pandas as pd

from core.formatting import MONEY_KPIS, SHARE_KPI_DECIMALS
from ui.i18n import t
from ui.widgets import export_frame


def sku_results(skus: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The per-SKU outcome as a file: every share (the service level targeted too) in %, yes/no for target met."""
    met = skus["target_met"].map({True: True, False: False}).astype("boolean")
    return export_frame(skus.assign(target_met=met), currency, money=("avg_inventory_value",),
                        shares=("fill_rate", "cycle_service_level", "service_level"))


def scenario_table(totals: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Saved scenarios side by side as data: a row per scenario, a column per figure in the unit its header names
    (money in 万元 / ¥k, shares in %), numbers a spreadsheet can sum."""
    frame = totals.T.rename_axis("scenario").reset_index()
    metrics = list(totals.index)
    return export_frame(frame, currency, money=tuple(m for m in metrics if m in MONEY_KPIS),
                        shares=tuple(m for m in metrics if m in SHARE_KPI_DECIMALS),
                        labels={m: t(f"whatif.metric.{m}") for m in metrics})
