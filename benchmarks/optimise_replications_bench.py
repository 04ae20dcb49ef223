"""Replications for the optimiser (issue 21): noise against time on the sample, behind DEFAULT_REPLICATIONS.

For 5, 10 and 20 replications: the standard error of the total fill rate (its spread over replications of one
run at 0.95, ÷ √replications), the seconds `optimise` takes for a 97 % value-weighted target by class, and the
uniform level and plan it finds. Run: `nice -n 10 python benchmarks/optimise_replications_bench.py`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from core.intake.loading import load_planning
from core.sim.optimise import optimise
from core.sim.planning import parameters_from_file
from core.sim.simulation import Scenario, simulate

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "planning_parameters.csv"


def main() -> None:
    params = parameters_from_file(load_planning(SAMPLE)).params
    for replications in (5, 10, 20):
        run = simulate(params, Scenario(replications=replications, service_level=0.95))
        error = run.replications["fill_rate"].std(ddof=1) / replications ** 0.5
        start = time.perf_counter()
        result = optimise(params, Scenario(replications=replications), 0.97, weight="value", by="class")
        seconds = time.perf_counter() - start
        print(f"{replications:>3} replications: fill standard error {error:.4f}, optimise {seconds:.0f} s, "
              f"uniform level {result.uniform['service_level']:.4f}, plan {result.achieved['avg_inventory_value']:,.0f}"
              f" at fill {result.achieved['fill_rate']:.4f}, released {result.cash_vs_uniform:,.0f}")


if __name__ == "__main__":
    main()
