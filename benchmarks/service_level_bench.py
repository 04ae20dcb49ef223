"""Service level delivered vs targeted (SPEC §4): steady SKUs (μ/σ 3–6, lead times 1–30 days) over 3,650 days.

Prints the simulated cycle service level (pooled over SKUs, and the worst lead-time group) for each policy ×
target × fixed/random lead time, and the fill rate under `service_target="fill"`.
Run: `python benchmarks/service_level_bench.py [--skus 180] [--distribution gamma|normal]`.

`--sample FILE` prints instead the table of the README: on a planning-parameters file (the bundled sample's SKUs
have a daily σ/μ of 1.1–19), every policy × demand model × target (CSL, fill) at `--level`, the service
delivered in total and the share of SKUs more than 3 points short, each SKU starting at its policy's level and
measured after a warm-up (`--days` measured days, `--replications`).
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


def chance_short(skus: pd.DataFrame, level: float, replications: int, draws: int = 50) -> str:
    """For a CSL target: the share of SKUs that would read more than 3 points short by chance alone if each
    delivered exactly `level` over the cycles it had (binomial); blank for a fill target."""
    if skus["cycle_service_level"].isna().all() or "fill" in skus.attrs.get("measure", ""):
        return ""
    cycles = np.maximum(np.round(skus["cycles"].to_numpy() * replications), 1).astype(int)
    rng = np.random.default_rng(0)
    chance = np.mean([(rng.binomial(cycles, level) / cycles < level - 0.03).mean() for _ in range(draws)])
    return f"; {chance:.1%} by chance"


def sample_table(path: str, level: float, days: int, warmup: int, replications: int, seed: int) -> None:
    """One row per policy, one cell per demand model × target: delivered in total (share of SKUs more than 3 points
    short; for a CSL target, the share a level delivering exactly the target would show by chance over the
    cycles each SKU had)."""
    params = complete_parameters(pd.read_csv(path)).assign(on_hand=np.nan, on_order=0.0)
    columns = [(model, target) for model in ("gamma", "normal") for target in ("csl", "fill")]
    print("| policy | " + " | ".join(f"{model}, {target.upper() if target == 'csl' else 'fill'} target"
                                     for model, target in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for policy in ("periodic", "rop", "minmax"):
        cells = []
        for model, target in columns:
            scenario = Scenario(policy=policy, service_level=level, horizon_days=warmup + days, warmup_days=warmup,
                                replications=replications, seed=seed, demand_distribution=model,
                                service_target=target)
            result = simulate(params, scenario)
            measure = scenario.service_measure
            skus = result.skus[result.skus["demand_units"] > 0]
            skus.attrs["measure"] = measure
            short = (skus[measure] < level - 0.03).mean()
            cells.append(f"{result.totals[measure]:.3f} ({short:.1%}{chance_short(skus, level, replications)})")
        print(f"| {policy} | " + " | ".join(cells) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skus", type=int, default=180)
    parser.add_argument("--distribution", choices=("gamma", "normal"), default="gamma")
    parser.add_argument("--sample", help="planning-parameters file: print the README's table for it instead")
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--warmup", type=int, default=120)
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if args.sample:
        sample_table(args.sample, args.level, args.days, args.warmup, args.replications, args.seed)
        return
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
