"""Sweep speed: SKUs × service levels × replications × days, in-process vs a Dask LocalCluster (issue 14).

Default size: 100,000 SKUs × 8 service levels × 20 replications × 365 days (5.84 billion SKU-days), in blocks
of 10,000 SKUs — each block × level one task carrying its own seed. Prints seconds and SKU-days per second
for each backend, the ratio, and whether the two gave the same numbers.
Run: `flock /tmp/bench.lock python benchmarks/optimise_bench.py [--skus N] [--workers 2]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.sim_bench import make_params
from core.sim.backends import InProcess, local_cluster, sweep_levels
from core.sim.scenarios import TRADEOFF_LEVELS
from core.sim.simulation import Scenario


def timed(backend, params: pd.DataFrame, scenario: Scenario, levels: tuple[float, ...], chunk: int):
    start = time.perf_counter()
    table = sweep_levels(params, scenario, levels, backend, chunk)
    return time.perf_counter() - start, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--levels", type=int, default=len(TRADEOFF_LEVELS))
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--chunk", type=int, default=10_000, help="SKUs per task")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    parser.add_argument("--skip-in-process", action="store_true")
    args = parser.parse_args()
    params = make_params(args.skus)
    levels = TRADEOFF_LEVELS[:args.levels]
    scenario = Scenario(policy="periodic", replications=args.replications, horizon_days=args.days,
                        demand_distribution="gamma")
    sku_days = args.skus * len(levels) * args.replications * args.days
    print(f"{args.skus:,} SKUs × {len(levels)} levels × {args.replications} replications × {args.days} days "
          f"= {sku_days:,} SKU-days, blocks of {args.chunk:,} SKUs", flush=True)
    results = {}
    if not args.skip_in_process:
        seconds, table = timed(InProcess(), params, scenario, levels, args.chunk)
        results["in-process"] = (seconds, table)
        print(f"in-process:            {seconds:8.1f} s  {sku_days / seconds:14,.0f} SKU-days/s", flush=True)
    with local_cluster(args.workers) as cluster:
        timed(cluster, params.head(10), scenario, levels[:1], args.chunk)  # warm the workers' imports
        seconds, table = timed(cluster, params, scenario, levels, args.chunk)
    results["cluster"] = (seconds, table)
    print(f"LocalCluster ×{args.workers} workers: {seconds:8.1f} s  {sku_days / seconds:14,.0f} SKU-days/s", flush=True)
    if len(results) == 2:
        (here, a), (there, b) = results["in-process"], results["cluster"]
        print(f"speed-up {here / there:.2f}×; identical numbers: {a.equals(b)}")


if __name__ == "__main__":
    main()
