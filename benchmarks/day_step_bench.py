"""The simulator's day step in SKU-days per second per core, and what compiling it costs a fresh process.

Day step: the calendar (`engine.run_calendar`) of the sample's 2,000 SKUs × 365 days × 20 replications — the
what-if page's default run — for three policies, after one run has kept the draws and compiled the kernel, so
what is timed is what a moved what-if control pays for the days. CPU seconds of this process (one core), best
of `--runs`.

Start-up: a fresh `python -m core.cli simulate` on the sample with the compiled kernel cached on disk (warm) and
with an empty cache (cold: numba compiles the kernel first), best of `--runs`.

Run: `flock /tmp/bench.lock nice -n 10 python benchmarks/day_step_bench.py [--runs 5] [--skip-start-up]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

import pandas as pd  # noqa: E402

from core.sim import engine  # noqa: E402
from core.sim.planning import complete_parameters  # noqa: E402
from core.sim.simulation import frame_table  # noqa: E402

SCENARIOS = {
    "periodic review (R 7)": engine.Scenario(policy="periodic"),
    "reorder point, random lead times (σ_L 0.25 L)": engine.Scenario(policy="rop", lead_time_cv=0.25),
    "min-max": engine.Scenario(policy="minmax"),
}


def day_step_rate(table: engine.SkuTable, scenario: engine.Scenario, runs: int) -> float:
    """SKU-days per CPU second of the calendar alone, best of `runs`, draws kept and kernel compiled."""
    levels = engine.level_arrays(table, scenario)
    engine.run_calendar(engine.Model(table, levels, scenario), scenario)
    best, days = float("inf"), scenario.horizon_days
    for _ in range(runs):
        model = engine.Model(table, levels, scenario)
        days = model.days  # the settling days of a steady-state start included
        start = time.process_time()
        engine.run_calendar(model, scenario)
        best = min(best, time.process_time() - start)
    return len(table["sku"]) * days * scenario.replications / best


def start_up(runs: int, cache_dir: str | None) -> float:
    """Wall seconds of a fresh `simulate` on the sample, best of `runs`; with `cache_dir` each run starts from
    that directory emptied (cold compile)."""
    command = [sys.executable, "-m", "core.cli", "simulate", str(ROOT / "sample_data" / "planning_parameters.csv"),
               "--replications", "20"]
    best = float("inf")
    for _ in range(runs):
        env = dict(os.environ)
        if cache_dir is not None:
            folder = tempfile.mkdtemp(dir=cache_dir)
            env["NUMBA_CACHE_DIR"] = folder
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-start-up", action="store_true")
    args = parser.parse_args()
    table = frame_table(complete_parameters(pd.read_csv(ROOT / "sample_data" / "planning_parameters.csv")))
    print(f"day step, {len(table['sku']):,} SKUs × 365 days × 20 replications, CPU of one core, best of {args.runs}")
    for name, scenario in SCENARIOS.items():
        print(f"  {name:48s} {day_step_rate(table, scenario, args.runs) / 1e6:6.1f} million SKU-days/s")
    if args.skip_start_up:
        return
    start_up(1, None)  # the kernel in the ordinary cache, for the warm runs
    with tempfile.TemporaryDirectory() as folder:
        cold = start_up(args.runs, folder)
    warm = start_up(args.runs, None)
    print(f"fresh `simulate` on the sample, 20 replications: warm cache {warm:.2f} s, cold (compiling) {cold:.2f} s")


if __name__ == "__main__":
    main()
