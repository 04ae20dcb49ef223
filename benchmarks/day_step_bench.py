"""The simulator's day step in SKU-days per second per core, numpy and compiled, and what loading the compiled
one costs a fresh process.

Day step: the calendar (`engine.run_calendar`) of the sample's 2,000 SKUs × 365 days × 20 replications — the
what-if page's default run — for three policies, each with the numpy passes and the numba-compiled pass (taking
turns), after one run has kept the draws and loaded the kernel, so what is timed is what a moved what-if control
pays for the days. CPU seconds of this process (one core), best of `--runs`.

Start-up: a fresh process importing numba and running the compiled kernel once (its cache on disk), best of
`--runs`; from it and the two rates, the run size above which a fresh process gains from loading numba
(`core.sim.day_step.COMPILED_FROM_SKU_DAYS`). Then a fresh `python -m core.cli simulate` on the sample (which
picks numpy at that size), best of `--runs`.

Run: `flock /tmp/bench.lock nice -n 10 python benchmarks/day_step_bench.py [--runs 5] [--skip-start-up]`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

import pandas as pd  # noqa: E402

from core.sim import day_step, engine  # noqa: E402
from core.sim.planning import complete_parameters  # noqa: E402
from core.sim.simulation import frame_table  # noqa: E402

SCENARIOS = {
    "periodic review (R 7)": engine.Scenario(policy="periodic"),
    "reorder point, random lead times (σ_L 0.25 L)": engine.Scenario(policy="rop", lead_time_cv=0.25),
    "min-max": engine.Scenario(policy="minmax"),
}


def day_step_rate(table: engine.SkuTable, scenario: engine.Scenario, kernels, runs: int) -> float:
    """SKU-days per CPU second of the calendar alone on `kernels` (a `core.sim.day_step` implementation), best of
    `runs`, draws kept and kernel loaded."""
    levels = engine.level_arrays(table, scenario)
    best, days = float("inf"), scenario.horizon_days
    for attempt in range(runs + 1):
        model = engine.Model(table, levels, scenario)
        model.kernels, model.in_transit = kernels, kernels.orders_in_transit(model.reps * model.n)
        days = model.days  # the settling days of a steady-state start included
        start = time.process_time()
        engine.run_calendar(model, scenario)
        if attempt:  # the first run keeps the draws and loads the kernel
            best = min(best, time.process_time() - start)
    return len(table["sku"]) * days * scenario.replications / best


LOAD_COMPILED = ("import time; start = time.perf_counter(); from core.sim import day_step, engine; "
                 "from core.sim.simulation import Scenario; import numpy as np; "
                 "k = day_step.load_compiled(); i = k.orders_in_transit(1); "
                 "k.expect_each(np.array([0]), np.array([3]), np.array([1.0]), *i.arrays()); "
                 "k.fill_gamma_demand(np.zeros((1, 1)), np.ones((1, 1), np.float32), 0, np.array([0]), np.ones(1)); "
                 "a = lambda *v: np.array(v); f = lambda: np.zeros(1); n = lambda: np.zeros(1, np.int64); "
                 "k.step_day(0, True, False, f(), np.empty(0, np.float32), a(True), n(), a(7), a(False), a(False), "
                 "f(), f(), f(), a(1.0), f(), f(), f(), f(), a(False), n() - 1, f(), f(), f(), n(), n(), n(), n(), "
                 "f(), *i.arrays()); print(time.perf_counter() - start)")


def compiled_load_seconds(runs: int) -> float:
    """Wall seconds a fresh process takes to import numba and run each compiled kernel once, minus the same
    process without them, best of `runs`."""
    best = float("inf")
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", LOAD_COMPILED], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout
        best = min(best, float(output))
    return best


def start_up(runs: int) -> float:
    """Wall seconds of a fresh `simulate` on the sample, best of `runs`."""
    command = [sys.executable, "-m", "core.cli", "simulate", str(ROOT / "sample_data" / "planning_parameters.csv"),
               "--replications", "20"]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-start-up", action="store_true")
    args = parser.parse_args()
    table = frame_table(complete_parameters(pd.read_csv(ROOT / "sample_data" / "planning_parameters.csv")))
    print(f"day step, {len(table['sku']):,} SKUs × 365 days × 20 replications, CPU of one core, best of {args.runs}")
    compiled = day_step.load_compiled()
    slowest = {}
    for name, scenario in SCENARIOS.items():
        rates = {}
        for implementation in (day_step, compiled, day_step, compiled):  # taking turns
            rate = day_step_rate(table, scenario, implementation, args.runs)
            rates[implementation.__name__] = max(rates.get(implementation.__name__, 0.0), rate)
        print(f"  {name:48s} numpy {rates[day_step.__name__] / 1e6:5.1f}, "
              f"compiled {rates[compiled.__name__] / 1e6:5.1f} million SKU-days/s")
        slowest = {key: min(slowest.get(key, rate), rate) for key, rate in rates.items()}
    if args.skip_start_up:
        return
    load = compiled_load_seconds(args.runs)
    gain = 1 / slowest[day_step.__name__] - 1 / slowest[compiled.__name__]
    print(f"a fresh process importing numba and loading the compiled kernels: {load:.2f} s; it gains from them "
          f"above {load / gain / 1e6:.0f} million SKU-days (COMPILED_FROM_SKU_DAYS = "
          f"{day_step.COMPILED_FROM_SKU_DAYS / 1e6:.0f} million)")
    print(f"fresh `simulate` on the sample, 20 replications: {start_up(args.runs):.2f} s")


if __name__ == "__main__":
    main()
