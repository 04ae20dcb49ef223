"""Wall time of `python -m core.cli report` on a 1,000,000-row lots file, against pyarrow parsing the same file.

Run: `python benchmarks/kpi_bench.py [--rows N]`. Prints both times and their ratio (target ≤ 2.0).
Both sides are timed the same way — a fresh `python` process, best of three — so interpreter start-up and
imports count on both sides; the in-process pyarrow parse time is printed too for reference.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
WAREHOUSES = np.array(["成品仓", "原材料仓", "半成品仓", "包材仓", "五金仓", "产品余数仓", "客户仓", "工程样板仓"])


def make_lots(rows: int, path: Path, seed: int = 7, snapshots: int = 13, skus: int = 50_000,
              suppliers: int = 20) -> None:
    """Realistic lots: month-end snapshots ending 2025-12-31 (13 by default; 1 puts every row in the KPIs),
    `skus` SKUs, `suppliers` suppliers, Chinese warehouse names, ISO dates."""
    rng = np.random.default_rng(seed)
    periods = snapshots
    snapshots = pd.date_range(end="2025-12-31", periods=periods, freq="ME").strftime("%Y-%m-%d").to_numpy()
    receipt = pd.Timestamp("2025-12-31") - pd.to_timedelta(rng.integers(0, 900, rows), unit="D")
    moved = receipt + pd.to_timedelta(rng.integers(0, 200, rows), unit="D")
    qty = rng.integers(1, 5000, rows)
    cost = np.round(rng.lognormal(3, 1, rows), 2)
    frame = pd.DataFrame({
        "snapshot_date": snapshots[np.sort(rng.integers(0, periods, rows))],
        "sku": np.char.add("SKU-", rng.integers(0, skus, rows).astype(str)),
        "warehouse": WAREHOUSES[rng.integers(0, len(WAREHOUSES), rows)],
        "bu": np.char.add("BU", rng.integers(1, 5, rows).astype(str)),
        "supplier": np.char.add("供应商", rng.integers(1, suppliers + 1, rows).astype(str)),
        "batch": np.char.add("B", rng.integers(0, 10**6, rows).astype(str)),
        "qty": qty, "unit": "pcs", "unit_cost": cost, "value": np.round(qty * cost, 2),
        "receipt_date": receipt.strftime("%Y-%m-%d"), "last_move_date": moved.strftime("%Y-%m-%d"),
    })
    frame.to_csv(path, index=False)


def best_of(command: list[str], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def rows_argument(description: str) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=1_000_000)
    return parser.parse_args().rows


@contextlib.contextmanager
def temporary_lots(rows: int):
    """A lots CSV of `rows` rows in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lots.csv"
        make_lots(rows, path)
        yield path


def main() -> None:
    rows = rows_argument(__doc__)
    with temporary_lots(rows) as path:
        import pyarrow.csv as pacsv

        start = time.perf_counter()
        pacsv.read_csv(path)
        in_process = time.perf_counter() - start
        arrow = best_of([sys.executable, "-c", f"import pyarrow.csv as c; c.read_csv({str(path)!r})"])
        report = best_of([sys.executable, "-m", "core.cli", "report", str(path)])
    print(f"rows: {rows:,}  file: {path.name}")
    print(f"pyarrow parse, in process:   {in_process:6.2f} s")
    print(f"pyarrow parse, fresh python: {arrow:6.2f} s")
    print(f"report command:              {report:6.2f} s")
    print(f"ratio report / pyarrow:      {report / arrow:6.2f}  (target ≤ 2.0)")


if __name__ == "__main__":
    main()
