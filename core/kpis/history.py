"""A stock history longer than one machine's memory: years of month-end snapshots kept as Parquet, one file per
snapshot, in the engine's layout (`core.kpis.frame`: cents, dictionary-encoded text), and read by Polars' lazy
streaming engine.

Each month's file is checked once by the loader and kept with `keep_snapshots`; `history_report` then reads
only what each figure needs: the TIV trend streams every snapshot's cents through one small sum per date, and
the other KPIs read the as-of snapshot alone. Memory stays that of one snapshot, however long the history.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import polars as pl

from core.kpis import measures as kpis
from core.kpis.frame import CENTS, kpi_frame
from core.kpis.measures import KpiSettings, with_snapshots
from core.kpis.report import Dataset, build_report

SNAPSHOT_FILE = "snapshot-{date}.parquet"
CURRENCY_FILE = "currency.json"  # the currency every kept snapshot is in, and where it came from


def keep_snapshots(lots: pd.DataFrame | pl.DataFrame, folder: Path, currency: str | None = None,
                   currency_source: str = "assumed", as_of: pd.Timestamp | str | None = None) -> list[Path]:
    """Write each snapshot of `lots` (the loader's lots, checked) to `folder`, replacing a file of the same date;
    lots without snapshot dates are one snapshot at `as_of` (or today). A `currency` other than the one the folder
    already holds is refused (ValueError): the trend would add two currencies as one."""
    frame = with_snapshots(kpi_frame(lots), pd.Timestamp(as_of) if as_of is not None else None)
    folder.mkdir(parents=True, exist_ok=True)
    if currency is not None:
        _keep_currency(folder, currency, currency_source)
    written = []
    for (date,), snapshot in frame.partition_by("snapshot_date", as_dict=True, maintain_order=True).items():
        path = folder / SNAPSHOT_FILE.format(date=date.isoformat())
        snapshot.write_parquet(path)
        written.append(path)
    return written


def kept_currency(folder: Path) -> tuple[str, str] | None:
    """(currency, where it came from) of the snapshots kept in `folder`, or None before the first is kept."""
    path = folder / CURRENCY_FILE
    if not path.is_file():
        return None
    kept = json.loads(path.read_text(encoding="utf-8"))
    return kept["currency"], kept["currency_source"]


def _keep_currency(folder: Path, currency: str, source: str) -> None:
    kept = kept_currency(folder)
    if kept is None:
        (folder / CURRENCY_FILE).write_text(json.dumps({"currency": currency, "currency_source": source}),
                                            encoding="utf-8")
    elif kept[0] != currency:
        raise ValueError(f"the history in {folder} is in {kept[0]} and this file in {currency}: its TIV trend would "
                         f"add both as one currency; keep each currency in a history of its own")


def _snapshot_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob(SNAPSHOT_FILE.format(date="*")))
    if not files:
        raise ValueError(f"{folder}: no kept snapshots ({SNAPSHOT_FILE.format(date='YYYY-MM-DD')})")
    return files


def scan_history(folder: Path) -> pl.LazyFrame:
    """Every kept snapshot's dates and cents, which every file has whatever its other columns."""
    return pl.scan_parquet(_snapshot_files(folder), missing_columns="insert", extra_columns="ignore").select(
        "snapshot_date", CENTS)


def history_report(folder: Path, as_of: pd.Timestamp | str | None = None, currency: str | None = None,
                   settings: KpiSettings | None = None) -> dict:
    """The report of `build_report` over every snapshot kept in `folder`: the trend from all of them (streamed),
    every other figure from the as-of snapshot's file alone. `currency`: the kept one by default."""
    daily = (scan_history(folder).group_by("snapshot_date").agg(pl.col(CENTS).sum()).sort("snapshot_date")
             .collect(engine="streaming"))
    snapshot = kpis.resolve_as_of(daily, as_of)
    stock = pl.read_parquet(folder / SNAPSHOT_FILE.format(date=snapshot.date().isoformat()))
    currency = currency or (kept_currency(folder) or ("CNY", "assumed"))[0]
    report = build_report(Dataset(stock, None, currency), snapshot, settings)
    trend = kpis.inventory_trend_table(daily, snapshot, "month")
    report["trend"] = [{"period": period, "tiv": tiv} for period, tiv in trend.select("period", "tiv").iter_rows()]
    return report
