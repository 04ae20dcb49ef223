"""`python -m core.cli optimize PARAMS --target-fill 0.97 …` (the least-inventory service levels) or
`… --budget VALUE` (the best fill rate within an average inventory value) (SPEC §5)."""

from __future__ import annotations

import argparse
import sys

from core.cli.base import UsageError, dump_json
from core.cli.plan_inputs import parameters_with_options
from core.formatting import counted
from core.sim.backends import backend_from_env
from core.sim.optimise import COARSE_LEVELS, DEFAULT_REPLICATIONS, Optimisation, optimise
from core.sim.simulation import Scenario


def _question(result: Optimisation) -> str:
    if result.budget is not None:
        return f"best fill rate within an average inventory value of {result.budget:,.2f}"
    return f"least stock for a fill rate of {result.target_fill:.2%}"


def render_text(result: Optimisation) -> str:
    short = "  — OVER THE BUDGET" if result.budget is not None else "  — SHORT OF THE TARGET"
    lines = [f"Policy {result.scenario.policy}, {_question(result)} ({result.weight}-weighted), levels by "
             f"{result.by}, {counted(len(result.levels), 'SKU', 'SKUs', grouped=False)}, "
             f"{counted(result.scenario.replications, 'replication', 'replications', grouped=False)}",
             f"Plan (fresh seeds): fill rate {result.achieved['fill_rate']:.4f}, "
             f"average inventory value {result.achieved['avg_inventory_value']:,.2f}"
             + ("" if result.reached else short),
             f"Best uniform level {result.uniform['service_level']:.4f}: fill rate {result.uniform['fill_rate']:.4f}, "
             f"average inventory value {result.uniform['avg_inventory_value']:,.2f}",
             f"Cash released against the uniform level: {result.cash_vs_uniform:,.2f}"]
    if result.fallback:
        lines.append(f"Note: {result.fallback}.")
    if result.budget is None and result.uniform["service_level"] <= COARSE_LEVELS[0]:
        lines.append(f"Note: one level of {COARSE_LEVELS[0]:.2f} for all, the floor of the search, already reaches "
                     "the target.")
    if result.by == "class":
        lines += [f"  class {name}: service level {level:.4f}" for name, level in sorted(result.class_levels.items())]
    else:
        counts = result.levels["service_level"].value_counts().sort_index()
        lines += [f"  service level {level:.4f}: {counted(count, 'SKU', 'SKUs', grouped=False)}"
                  for level, count in counts.items()]
    return "\n".join(lines) + "\n"


def optimize_from_args(args: argparse.Namespace) -> str:
    params = parameters_with_options(args.params, args.default_lead_time)
    backend = None
    try:
        base = Scenario(policy=args.policy, review_days=args.review_days, horizon_days=args.horizon_days,
                        replications=args.replications or DEFAULT_REPLICATIONS, seed=args.seed,
                        demand_distribution=args.demand_distribution)
        backend = backend_from_env()
        result = optimise(params, base, args.target_fill, weight=args.weight, by=args.by, backend=backend,
                          budget=args.budget)
    except ValueError as error:
        raise UsageError(f"optimize: {error}") from None
    finally:
        if backend is not None:
            backend.close()
    if args.format == "json":
        if result.fallback:
            print(f"optimize: {result.fallback}", file=sys.stderr)
        return dump_json(result.payload())
    return render_text(result)
