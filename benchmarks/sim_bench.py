"""Simulator speed: 10,000 SKUs × 365 days × 1 replication of periodic review, against a naive simpy model.

The baseline is the straightforward simpy model — one process per SKU stepping one day at a time, with scalar
state — on the same parameters and the same day timing. Two comparisons:
- in process: the engine against the baseline, both after start-up (target ≥ 10×);
- end to end: `python -m core.cli simulate PARAMS.csv` against `python benchmarks/sim_bench.py --baseline
  PARAMS.csv`, each a fresh process reading the same parameters file, best of `--runs` (target ≥ 25×), with
  each process's peak memory.
Run: `flock /tmp/bench.lock python benchmarks/sim_bench.py [--skus N] [--runs 3]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.processes import best_of
from core.sim.planning import complete_parameters
from core.sim.simulation import Scenario, plan_levels, simulate


def make_params(skus: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mean = rng.lognormal(2.0, 1.0, skus)
    return complete_parameters(pd.DataFrame({
        "sku": [f"SKU-{i:05d}" for i in range(skus)], "mean_daily_demand": mean,
        "std_daily_demand": mean * rng.uniform(0.2, 1.0, skus), "lead_time_days": rng.choice([7, 14, 21, 30], skus),
        "unit_cost": rng.lognormal(3.0, 1.0, skus),
    }))


def baseline(params: pd.DataFrame, scenario: Scenario) -> float:
    """One simpy process per SKU, one step per day: demand, receipts, review — average inventory value."""
    levels = plan_levels(params, scenario)
    env = simpy.Environment()
    rng = np.random.default_rng(scenario.seed)
    totals = []

    def sku(mu: float, sigma: float, cost: float, lead: int, order_up_to: float):
        on_hand, backorders, pipeline, value_days = order_up_to, 0.0, {}, 0.0
        for day in range(scenario.horizon_days):
            wanted = max(0.0, mu + sigma * rng.standard_normal())
            served = min(on_hand, wanted)
            on_hand -= served
            backorders += wanted - served
            arrived = pipeline.pop(day, 0.0)
            on_hand += arrived
            filled = min(on_hand, backorders)
            on_hand, backorders = on_hand - filled, backorders - filled
            if day % scenario.review_days == 0:
                position = on_hand + sum(pipeline.values()) - backorders
                if order_up_to > position:
                    pipeline[day + lead] = pipeline.get(day + lead, 0.0) + order_up_to - position
            value_days += on_hand * cost
            yield env.timeout(1)
        totals.append(value_days / scenario.horizon_days)

    for row, level in zip(params.itertuples(), levels.itertuples(), strict=True):
        env.process(sku(row.mean_daily_demand, row.std_daily_demand, row.unit_cost, int(level.lead_time_days),
                        level.order_up_to))
    env.run()
    return float(sum(totals))


def end_to_end(params: pd.DataFrame, runs: int) -> tuple[float, float, float, float]:
    """(our seconds, our peak MB, baseline seconds, baseline peak MB), each a fresh process on a parameters file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "planning_parameters.csv"
        columns = ["sku", "mean_daily_demand", "std_daily_demand", "lead_time_days", "unit_cost"]
        params[columns].to_csv(path, index=False)
        ours = best_of([sys.executable, "-m", "core.cli", "simulate", str(path), "--policy", "periodic",
                        "--replications", "1", "--seed", "1"], runs)
        naive = best_of([sys.executable, str(Path(__file__).resolve()), "--baseline", str(path)], 1)
    return (*ours, *naive)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", help="only run the baseline on this parameters file (the end-to-end run)")
    args = parser.parse_args()
    scenario = Scenario(policy="periodic", horizon_days=365, replications=1, seed=1,
                        demand_distribution="normal")  # like the baseline's draws
    if args.baseline:
        print(baseline(complete_parameters(pd.read_csv(args.baseline)), scenario))
        return
    params = make_params(args.skus)
    start = time.perf_counter()
    ours = simulate(params, scenario)
    engine = time.perf_counter() - start
    start = time.perf_counter()
    slow_value = baseline(params, scenario)
    slow = time.perf_counter() - start
    print(f"SKUs: {args.skus:,} × {scenario.horizon_days} days × 1 replication, periodic review")
    value = ours.totals["avg_inventory_value"]
    print(f"in process: vectorised engine           {engine:7.2f} s  (average inventory value {value:,.0f})")
    print(f"in process: one process per SKU (simpy) {slow:7.2f} s  (average inventory value {slow_value:,.0f})")
    print(f"in process: speed-up                    {slow / engine:7.1f}×  (target ≥ 10×)")
    e2e, e2e_mb, naive, naive_mb = end_to_end(params, args.runs)
    print(f"end to end: `python -m core.cli simulate` {e2e:7.2f} s  peak {e2e_mb:5.0f} MB (best of {args.runs})")
    print(f"end to end: naive simpy model           {naive:7.2f} s  peak {naive_mb:5.0f} MB")
    print(f"end to end: speed-up                    {naive / e2e:7.1f}×  (target ≥ 25×)")


if __name__ == "__main__":
    main()
