"""`python -m core.cli simulate …`: parameters from a file (or derived from lots + movements), one scenario."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.base import UsageError, dump_json
from core.intake.loading import load_lots, load_movements, load_planning
from core.intake.problems import fail
from core.kpis.report import json_rows
from core.sim.planning import PlanningParameters, derive_parameters, parameters_from_file
from core.sim.simulation import TOTAL_METRICS, Scenario, SimulationResult, simulate

SKU_FIELDS = ["sku", "safety_stock", "reorder_point", "order_up_to", "order_qty", "avg_on_hand", "avg_inventory_value",
              "fill_rate", "cycle_service_level", "stockout_days", "orders"]


def _parameters(args: argparse.Namespace) -> PlanningParameters:
    if args.params and (args.lots or args.movements):
        raise fail("simulate", "give a parameters file or --lots with --movements, not both")
    if args.params:
        return parameters_from_file(load_planning(args.params), args.default_lead_time)
    if not (args.lots and args.movements):
        raise fail("simulate", "give a planning-parameters file, or --lots and --movements to derive one")
    if args.default_lead_time is None:
        raise fail(Path(args.lots).name, "lots carry no lead time; give --default-lead-time DAYS to derive parameters")
    lots, movements = load_lots(args.lots), load_movements(args.movements)
    return derive_parameters(lots.data, movements.data, default_lead_time=args.default_lead_time)


def result_payload(result: SimulationResult) -> dict:
    """The JSON contract of SPEC §5: means over replications."""
    return {
        "policy": result.scenario.policy,
        "service_level": result.scenario.service_level,
        "totals": {k: result.totals[k] for k in TOTAL_METRICS},
        "skus": json_rows(result.skus, SKU_FIELDS),
    }


def render_text(result: SimulationResult, excluded: int) -> str:
    scenario = result.scenario
    lines = [f"Policy {scenario.policy}, service level {scenario.service_level:.1%}, "
             f"{len(result.skus)} SKUs, {scenario.horizon_days} days, {scenario.replications} replications",
             f"{'metric':<22}{'mean':>16}{'std':>14}{'p05':>16}{'p95':>16}"]
    for metric, row in result.spread.iterrows():
        lines.append(f"{metric:<22}{row['mean']:>16,.4g}{row['std']:>14,.3g}{row['p05']:>16,.4g}{row['p95']:>16,.4g}")
    if excluded:
        lines.append(f"{excluded} SKUs could not be simulated (see the app's planning page for reasons)")
    return "\n".join(lines) + "\n"


def simulate_from_args(args: argparse.Namespace) -> str:
    planning = _parameters(args)
    try:
        scenario = Scenario(policy=args.policy, service_level=args.service_level, review_days=args.review_days,
                            lead_time_scale=args.lead_time_scale, horizon_days=args.horizon_days,
                            warmup_days=args.warmup_days, replications=args.replications, seed=args.seed,
                            lost_sales=args.lost_sales, demand_distribution=args.demand_distribution)
        result = simulate(planning.params, scenario)
    except ValueError as error:
        raise UsageError(f"simulate: {error}") from None
    if len(planning.excluded):
        print(f"{len(planning.excluded)} SKUs left out: {planning.excluded['reason'].iloc[0]} "
              f"(e.g. {planning.excluded['sku'].iloc[0]})", file=sys.stderr)
    return dump_json(result_payload(result)) if args.format == "json" else render_text(result, len(planning.excluded))
