"""Wall time of `python -m core.cli report` on 1,000,000-row lots files, against pyarrow parsing the same file.

Two files: a single snapshot (100,000 SKUs, 500 suppliers: every row is in the KPIs) and 13 month-end
snapshots (50,000 SKUs, 20 suppliers: the KPIs read the last one, the trend all of them).
Run: `flock /tmp/bench.lock python benchmarks/kpi_bench.py [--rows N] [--runs 3]`. Prints both times, their
ratio (issue 24's targets: ≤ 2.5× single snapshot, ≤ 2.0× multi-snapshot) and each side's peak memory. Both
sides are timed the same way — a fresh `python` process, best of `--runs`, the two commands taking turns so
that both see the same load — so interpreter start-up and imports count on both sides; the in-process pyarrow
parse time is printed too for reference, and the CPU seconds of each side (on a shared machine the wall time
mostly says how busy it was).
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.processes import ROOT, run_measured

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


def rows_argument(description: str) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=1_000_000)
    return parser.parse_args().rows


@contextlib.contextmanager
def temporary_lots(rows: int, **shape):
    """A lots CSV of `rows` rows in a temporary folder, removed afterwards (`shape`: see `make_lots`)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lots.csv"
        make_lots(rows, path, **shape)
        yield path


def lots_in_own_process(rows: int, folder: Path, **shape) -> Path:
    """`make_lots` in a process of its own, so that this process stays small: a child's peak memory counts the
    memory of the process that started it (Linux keeps the high-water mark across fork and exec)."""
    path = folder / "lots.csv"
    code = f"from benchmarks.kpi_bench import make_lots; from pathlib import Path; " \
           f"make_lots({rows}, Path({str(path)!r}), **{shape!r})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return path


SHAPES = {"single snapshot, 100,000 SKUs, 500 suppliers": {"snapshots": 1, "skus": 100_000, "suppliers": 500},
          "13 snapshots, 50,000 SKUs, 20 suppliers": {}}
TARGETS = (2.5, 2.0)


def compare(path: Path, runs: int) -> dict[str, float]:
    """In-process parse seconds, and per side (fresh parse, fresh report): best wall seconds, least CPU seconds
    and the largest peak MB over `runs` turns."""
    import pyarrow.csv as pacsv

    out = {}
    commands = {"arrow": [sys.executable, "-c", f"import pyarrow.csv as c; c.read_csv({str(path)!r})"],
                "report": [sys.executable, "-m", "core.cli", "report", str(path)]}
    turns: dict[str, list[tuple[float, float, float]]] = {side: [] for side in commands}
    for _ in range(runs):
        for side, command in commands.items():
            turns[side].append(run_measured(command))
    for side, results in turns.items():
        out[side] = min(r[0] for r in results)
        out[f"{side}_mb"] = max(r[1] for r in results)
        out[f"{side}_cpu"] = min(r[2] for r in results)
    out["own_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()  # last: reading in this process would count in every later child's peak
    pacsv.read_csv(path)
    out["in_process"] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for (label, shape), target in zip(SHAPES.items(), TARGETS, strict=True):
        with tempfile.TemporaryDirectory() as folder:
            m = compare(lots_in_own_process(args.rows, Path(folder), **shape), args.runs)
        print(f"{args.rows:,} rows, {label}")
        print(f"  pyarrow parse, in process:   {m['in_process']:6.2f} s")
        print(f"  pyarrow parse, fresh python: {m['arrow']:6.2f} s   CPU {m['arrow_cpu']:6.2f} s   "
              f"peak {m['arrow_mb']:6.0f} MB")
        print(f"  report command:              {m['report']:6.2f} s   CPU {m['report_cpu']:6.2f} s   "
              f"peak {m['report_mb']:6.0f} MB")
        print(f"  ratio report / pyarrow:      {m['report'] / m['arrow']:6.2f}  (target ≤ {target}); "
              f"CPU {m['report_cpu'] / m['arrow_cpu']:.2f}")
        print(f"  (peaks are at least this benchmark's own {m['own_mb']:.0f} MB when it started them)")


if __name__ == "__main__":
    main()
