"""A history past one machine's memory: the report over N month-end snapshots of R lots each (default 60 ×
1,000,000 = 60,000,000 rows), kept as snapshot files (`core.kpis.history`) and read by Polars' streaming engine.

Run: `nice -n 10 flock /tmp/bench.lock python benchmarks/history_bench.py [--months 60] [--rows 1000000]`.
The snapshots are generated straight into the kept layout in a temporary folder (removed afterwards), then
`history_report` runs in a fresh process; prints its wall and CPU seconds and peak memory. Checking each month's
file through the loader happens once per month, when it is kept, and is not part of this time (see kpi_bench).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.kpi_bench import WAREHOUSES
from benchmarks.processes import run_measured
from core.kpis.frame import kpi_frame
from core.kpis.history import keep_snapshots


def month_of_lots(rows: int, month_end: pd.Timestamp, rng: np.random.Generator, skus: int = 100_000) -> pd.DataFrame:
    receipt = month_end - pd.to_timedelta(rng.integers(0, 900, rows), unit="D")
    qty = rng.integers(1, 5000, rows).astype(float)
    cost = np.round(rng.lognormal(3, 1, rows), 2)
    return pd.DataFrame({
        "snapshot_date": np.full(rows, month_end.to_datetime64()).astype("datetime64[s]"),
        "sku": np.char.add("SKU-", rng.integers(0, skus, rows).astype(str)),
        "warehouse": WAREHOUSES[rng.integers(0, len(WAREHOUSES), rows)],
        "stock_type": np.array(["finished_goods", "raw_material", "packaging"])[rng.integers(0, 3, rows)],
        "bu": np.char.add("BU", rng.integers(1, 5, rows).astype(str)),
        "supplier": np.char.add("供应商", rng.integers(1, 501, rows).astype(str)),
        "batch": np.char.add("B", rng.integers(0, 10**6, rows).astype(str)),
        "qty": qty, "unit": "pcs", "value": np.round(qty * cost, 2),
        "receipt_date": receipt.to_numpy().astype("datetime64[s]"),
        "last_move_date": (receipt + pd.to_timedelta(rng.integers(0, 200, rows), unit="D")).to_numpy()
        .astype("datetime64[s]"),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    with tempfile.TemporaryDirectory() as folder:
        history = Path(folder) / "history"
        start = time.perf_counter()
        for month_end in pd.date_range(end="2025-12-31", periods=args.months, freq="ME"):
            keep_snapshots(kpi_frame(month_of_lots(args.rows, month_end, rng)), history)
        made = time.perf_counter() - start
        size = sum(p.stat().st_size for p in history.iterdir()) / 2**20
        code = (f"from pathlib import Path; from core.kpis.history import history_report; "
                f"from core.cli.base import dump_json; dump_json(history_report(Path({str(history)!r})))")
        seconds, peak_mb, cpu = run_measured([sys.executable, "-c", code])
    print(f"{args.months} snapshots × {args.rows:,} lots = {args.months * args.rows:,} rows, "
          f"{size:,.0f} MB of snapshot files (generated and kept in {made:.0f} s)")
    print(f"history report, fresh process: {seconds:.2f} s (CPU {cpu:.2f} s), peak memory {peak_mb:,.0f} MB")
    print(f"rows in memory at once: one snapshot ({args.rows:,}); {pl.thread_pool_size()} Polars threads")


if __name__ == "__main__":
    main()
