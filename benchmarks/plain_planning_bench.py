"""Reading a plain planning file: the pandas-free fast path against `load_planning`, and the import each needs.

On a 10,000-row parameters file (sku, mean and std of daily demand, lead time, unit cost — as `sim_bench` writes it):
- in process, after imports: `read_plain_planning` against `load_planning`, best and median of `--runs` (target:
  well under 50 ms for the fast path);
- fresh processes: importing `core.intake.plain_planning` against importing `core.intake.loading`, best of 5;
- the sum of the two (import and read) for each path: what a command-line start pays.
`read_plain_planning` declines files above `MAX_PLAIN_BYTES`; raise it here (`--skus 200000`) to see why.
Run: `flock /tmp/bench.lock python benchmarks/plain_planning_bench.py [--skus N] [--runs 30]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.sim_bench import make_params
from core.intake import plain_planning
from core.intake.loading import load_planning
from core.intake.plain_planning import read_plain_planning

ROOT = Path(__file__).resolve().parents[1]


def timed(call, runs: int) -> tuple[float, float]:
    """(best, median) seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def import_seconds(module: str) -> float:
    """Best of five fresh interpreters importing `module`, less one importing nothing."""
    def best(code: str) -> float:
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
            runs.append(time.perf_counter() - start)
        return min(runs)
    return best(f"import {module}") - best("pass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "params.csv"
        columns = ["sku", "mean_daily_demand", "std_daily_demand", "lead_time_days", "unit_cost"]
        make_params(args.skus)[columns].to_csv(path, index=False)
        plain_planning.MAX_PLAIN_BYTES = 1 << 40  # measure past the cutoff too
        if read_plain_planning(path) is None:
            raise SystemExit("the benchmark file was not taken as plain")
        fast_best, fast_median = timed(lambda: read_plain_planning(path), args.runs)
        full_best, full_median = timed(lambda: load_planning(path), args.runs)
    print(f"{args.skus:,} rows, in process: read_plain_planning best {fast_best * 1e3:.1f} ms "
          f"(median {fast_median * 1e3:.1f}); load_planning best {full_best * 1e3:.1f} ms "
          f"(median {full_median * 1e3:.1f}); ratio {full_best / fast_best:.1f}×")
    fast_import, full_import = import_seconds("core.intake.plain_planning"), import_seconds("core.intake.loading")
    print(f"import: core.intake.plain_planning {fast_import * 1e3:.0f} ms; core.intake.loading "
          f"{full_import * 1e3:.0f} ms; ratio {full_import / max(fast_import, 1e-3):.1f}×")
    fast_total, full_total = fast_import + fast_best, full_import + full_best
    print(f"import + read: fast path {fast_total * 1e3:.0f} ms; loader {full_total * 1e3:.0f} ms; "
          f"ratio {full_total / fast_total:.1f}×")


if __name__ == "__main__":
    main()
