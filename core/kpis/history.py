"""A stock history longer than one machine's memory: years of month-end snapshots kept as Parquet, one file per
snapshot, in the engine's layout (`core.kpis.frame`: cents, dictionary-encoded text), and read by Polars' lazy
streaming engine.

Each month's file is checked once by the loader and kept with `keep_snapshots`; `history_report` then reads
only what each figure needs: the TIV trend streams every snapshot's cents through one small sum per date, and
the other KPIs read the as-of snapshot alone. Memory stays that of one snapshot, however long the history.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl

from core.kpis import measures as kpis
from core.kpis.frame import CENTS, day, kpi_frame
from core.kpis.measures import KpiSettings
from core.kpis.report import Dataset, build_report

SNAPSHOT_FILE = "snapshot-{date}.parquet"


def keep_snapshots(lots: pd.DataFrame | pl.DataFrame, folder: Path) -> list[Path]:
    """Write each snapshot of `lots` (the loader's lots, checked) to `folder`, replacing a file of the same date."""
    frame = kpi_frame(lots)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for (date,), snapshot in frame.partition_by("snapshot_date", as_dict=True, maintain_order=True).items():
        path = folder / SNAPSHOT_FILE.format(date=date.isoformat())
        snapshot.write_parquet(path)
        written.append(path)
    return written


def scan_history(folder: Path) -> pl.LazyFrame:
    files = sorted(folder.glob(SNAPSHOT_FILE.format(date="*")))
    if not files:
        raise ValueError(f"{folder}: no snapshot files ({SNAPSHOT_FILE.format(date='YYYY-MM-DD')})")
    return pl.scan_parquet(files)


def history_report(folder: Path, as_of: pd.Timestamp | str | None = None, currency: str = "CNY",
                   settings: KpiSettings | None = None) -> dict:
    """The report of `build_report` over every snapshot kept in `folder`: the trend from all of them (streamed),
    every other figure from the as-of snapshot."""
    history = scan_history(folder)
    daily = (history.group_by("snapshot_date").agg(pl.col(CENTS).sum()).sort("snapshot_date")
             .collect(engine="streaming"))
    snapshot = kpis.resolve_as_of(daily, as_of)
    stock = history.filter(pl.col("snapshot_date") == day(snapshot)).collect(engine="streaming")
    report = build_report(Dataset(stock, None, currency), snapshot, settings)
    trend = kpis.inventory_trend_table(daily, snapshot, "month")
    report["trend"] = [{"period": period, "tiv": tiv} for period, tiv in trend.select("period", "tiv").iter_rows()]
    return report
