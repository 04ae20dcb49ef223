"""`python -m core.cli optimize PARAMS --target-fill 0.97 …`: the least-inventory service levels (SPEC §5)."""

from __future__ import annotations

import argparse

from core.cli.base import UsageError, dump_json
from core.cli.plan_inputs import parameters_with_options
from core.sim.backends import backend_from_env
from core.sim.optimise import Optimisation, optimise
from core.sim.simulation import Scenario


def render_text(result: Optimisation) -> str:
    lines = [f"Policy {result.scenario.policy}, target fill rate {result.target_fill:.2%} "
             f"({result.weight}-weighted), levels by {result.by}, {len(result.levels)} SKUs",
             f"Optimised (fresh seeds): fill rate {result.achieved['fill_rate']:.4f}, "
             f"average inventory value {result.achieved['avg_inventory_value']:,.2f}"
             + ("" if result.reached else "  — SHORT OF THE TARGET"),
             f"Best uniform level {result.uniform['service_level']:.3f}: fill rate {result.uniform['fill_rate']:.4f}, "
             f"average inventory value {result.uniform['avg_inventory_value']:,.2f}",
             f"Cash released against the uniform level: {result.cash_vs_uniform:,.2f}"]
    if result.by == "class":
        lines += [f"  class {name}: service level {level:.3f}" for name, level in sorted(result.class_levels.items())]
    else:
        counts = result.levels["service_level"].value_counts().sort_index()
        lines += [f"  service level {level:.3f}: {count} SKUs" for level, count in counts.items()]
    return "\n".join(lines) + "\n"


def optimize_from_args(args: argparse.Namespace) -> str:
    params = parameters_with_options(args.params, args.default_lead_time)
    backend = None
    try:
        base = Scenario(policy=args.policy, review_days=args.review_days, horizon_days=args.horizon_days,
                        replications=args.replications, seed=args.seed, demand_distribution=args.demand_distribution)
        backend = backend_from_env()
        result = optimise(params, base, args.target_fill, weight=args.weight, by=args.by, backend=backend)
    except ValueError as error:
        raise UsageError(f"optimize: {error}") from None
    finally:
        if backend is not None:
            backend.close()
    return dump_json(result.payload()) if args.format == "json" else render_text(result)
