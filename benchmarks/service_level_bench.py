"""Service level delivered vs targeted (SPEC §4): steady SKUs (μ/σ 3–6, lead times 1–30 days) over 3,650 days.

Prints the simulated cycle service level (pooled over SKUs, and the worst lead-time group) for each policy ×
target × fixed/random lead time, and the fill rate under `service_target="fill"`.
Run: `python benchmarks/service_level_bench.py [--skus 180] [--distribution gamma|normal]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from core.sim.planning import complete_parameters
from core.sim.policies import POLICIES
from core.sim.simulation import Scenario, simulate

LEAD_TIMES = (1, 2, 3, 5, 7, 9, 14, 21, 30)
TARGETS = (0.80, 0.90, 0.95, 0.98, 0.995)


def steady_skus(n: int, random_lead: bool, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mean = rng.lognormal(3, 1, n)
    lead = np.resize(np.array(LEAD_TIMES, dtype=float), n)
    return complete_parameters(pd.DataFrame({
        "sku": [f"S{i:04d}" for i in range(n)], "mean_daily_demand": mean,
        "std_daily_demand": mean / rng.uniform(3, 6, n), "lead_time_days": lead,
        "lead_time_std_days": 0.25 * lead if random_lead else 0.0, "unit_cost": 1.0}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skus", type=int, default=180)
    parser.add_argument("--distribution", choices=("gamma", "normal"), default="gamma")
    args = parser.parse_args()
    for target_kind in ("csl", "fill"):
        for random_lead in (False, True):
            params = steady_skus(args.skus, random_lead)
            for policy in POLICIES:
                cells = []
                for level in TARGETS:
                    result = simulate(params, Scenario(policy=policy, service_level=level, horizon_days=3650,
                                                       warmup_days=100, replications=1, seed=3,
                                                       demand_distribution=args.distribution,
                                                       service_target=target_kind))
                    skus = result.skus
                    if target_kind == "csl":
                        ok = (skus["cycle_service_level"] * skus["orders"]).groupby(params["lead_time_days"]).sum()
                        by_lead = ok / skus["orders"].groupby(params["lead_time_days"]).sum()
                        worst = by_lead.iloc[int((by_lead - level).abs().argmax())]
                        cells.append(f"{level:.3f}→{result.totals['cycle_service_level']:.3f} (worst L {worst:.3f})")
                    else:
                        cells.append(f"{level:.3f}→{result.totals['fill_rate']:.4f}")
                lead = "random L" if random_lead else "fixed L"
                print(f"{target_kind:<5}{policy:<9}{lead:<9}" + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
