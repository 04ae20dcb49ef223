"""Targets: each KPI's gap to its target, its history, and the monthly pace needed to close the gap in time."""

from __future__ import annotations

import pandas as pd

from core.kpis import measures as kpis
from core.kpis.frame import kpi_frame
from core.kpis.measures import KpiSettings, Period
from core.kpis.report import Dataset

# A target is a ceiling (the KPI should be at most the target) or a floor (at least).
TARGET_KPIS = {"tiv": "ceiling", "dio": "ceiling", "slob_share": "ceiling", "ito": "floor"}
DEFAULT_TARGETS = {"slob_share": kpis.SLOB_TARGET_SHARE}
HISTORY_WINDOW_DAYS = 90
DAYS_PER_MONTH = 365 / 12


def kpi_history(data: Dataset, settings: KpiSettings | None = None,
                window_days: int = HISTORY_WINDOW_DAYS) -> pd.DataFrame:
    """Per month-end snapshot: TIV, SLOB share and the trailing `window_days` ITO / DIO (None without movements)."""
    settings = settings or KpiSettings()
    lots = kpis.with_snapshots(kpi_frame(data.lots), None)  # converted once for every month's figures
    first_snapshot = pd.Timestamp(lots["snapshot_date"].min())
    month_ends = kpis.inventory_trend(lots, freq="month")["snapshot_date"]
    first_movement = data.movements["date"].min() if data.movements is not None and len(data.movements) else None
    rows = []
    for snapshot in month_ends:
        stock = kpis.stock_at(lots, snapshot)
        window = Period.ending(snapshot, window_days)
        turnover = kpis.turnover(lots, data.movements, window, settings)
        has_window = (first_movement is not None and first_movement <= window.start + pd.Timedelta(days=7)
                      and first_snapshot <= window.start)
        rows.append({
            "snapshot_date": snapshot, "tiv": kpis.total_inventory_value(stock),
            "slob_share": kpis.slob_summary(stock, snapshot, settings)["share"] if kpis.has_ages(stock) else None,
            "ito": turnover["ito"] if has_window else None, "dio": turnover["dio"] if has_window else None,
        })
    return pd.DataFrame(rows)


def target_gaps(current: dict[str, float | None], targets: dict[str, dict], as_of: pd.Timestamp) -> pd.DataFrame:
    """Per KPI with a target: current value, target, gap (positive = still to go), met, and required monthly pace."""
    rows = []
    for kpi, direction in TARGET_KPIS.items():
        if kpi not in targets or current.get(kpi) is None:
            continue
        value, target = float(current[kpi]), float(targets[kpi]["value"])
        gap = value - target if direction == "ceiling" else target - value
        due = targets[kpi].get("due_date")
        months_left = (pd.Timestamp(due) - as_of).days / DAYS_PER_MONTH if due else None
        pace = gap / months_left if gap > 0 and months_left and months_left > 0 else None
        rows.append({"kpi": kpi, "direction": direction, "current": value, "target": target, "gap": max(gap, 0.0),
                     "met": gap <= 0, "due_date": due, "months_left": months_left, "monthly_pace": pace})
    return pd.DataFrame(rows, columns=["kpi", "direction", "current", "target", "gap", "met", "due_date",
                                       "months_left", "monthly_pace"])
