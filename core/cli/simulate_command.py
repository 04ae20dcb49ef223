"""`python -m core.cli simulate …`: parameters from a file (or derived from lots + movements), one scenario."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.base import UsageError, dump_json
from core.intake.loading import load_lots, load_movements, load_planning
from core.intake.mapping_file import MappingFile, read_mapping_file
from core.intake.problems import fail
from core.kpis.report import json_rows
from core.sim.planning import PlanningParameters, derive_parameters, parameters_from_file
from core.sim.simulation import TOTAL_METRICS, Scenario, SimulationResult, simulate

SKU_FIELDS = ["sku", "safety_stock", "reorder_point", "order_up_to", "order_qty", "avg_on_hand", "avg_inventory_value",
              "fill_rate", "cycle_service_level", "stockout_days", "orders", "service_level", "target_met"]


def _parameters(args: argparse.Namespace) -> PlanningParameters:
    if args.params and (args.lots or args.movements):
        raise fail("simulate", "give a parameters file or --lots with --movements, not both")
    mapping = read_mapping_file(args.mapping, "planning" if args.params else "lots") if args.mapping else MappingFile()
    if args.params:
        planning = load_planning(args.params, mapping=mapping.for_kind("planning"), choice=mapping.choice)
        return parameters_from_file(planning, args.default_lead_time)
    if not (args.lots and args.movements):
        raise fail("simulate", "give a planning-parameters file, or --lots and --movements to derive one")
    if args.default_lead_time is None:
        raise fail(Path(args.lots).name, "lots carry no lead time; give --default-lead-time DAYS to derive parameters")
    lots = load_lots(args.lots, mapping=mapping.for_kind("lots"), choice=mapping.choice)
    movements = load_movements(args.movements, mapping=mapping.for_kind("movements"), choice=mapping.choice)
    return derive_parameters(lots.data, movements.data, default_lead_time=args.default_lead_time)


def result_payload(result: SimulationResult) -> dict:
    """The JSON contract of SPEC §5 (means over replications), plus what was targeted beside what was achieved."""
    return {
        "policy": result.scenario.policy,
        "service_level": result.scenario.service_level,
        "totals": {**{k: result.totals[k] for k in TOTAL_METRICS},
                   "service_level_target": result.scenario.service_level,
                   "service_level_achieved": result.achieved_service},
        "skus": json_rows(result.skus, SKU_FIELDS),
        "service_target": result.scenario.service_target,
        "skus_missing_target": result.skus_missing_target["sku"].astype(str).tolist(),
        "skus_without_on_hand": result.skus_without_on_hand,
    }


def service_summary(result: SimulationResult) -> list[str]:
    """Target beside achieved, and the SKUs that do not reach it, named."""
    measure = "fill rate" if result.scenario.service_target == "fill" else "cycle service level"
    achieved = result.achieved_service
    lines = [f"Service level ({measure}): target {result.scenario.service_level:.1%}, achieved "
             + ("n/a" if achieved is None else f"{achieved:.1%}")]
    missing = result.skus_missing_target["sku"].astype(str).tolist()
    if missing:
        lines.append(f"{len(missing)} SKUs do not reach their target in this run (typically lumpy or intermittent "
                     f"demand): {_names(missing)}")
    return lines


def _names(skus: list[str], shown: int = 10) -> str:
    more = f" and {len(skus) - shown} more" if len(skus) > shown else ""
    return ", ".join(skus[:shown]) + more


def render_text(result: SimulationResult, excluded: int) -> str:
    scenario = result.scenario
    lines = [f"Policy {scenario.policy}, service level {scenario.service_level:.1%}, "
             f"{len(result.skus)} SKUs, {scenario.horizon_days} days, {scenario.replications} replications",
             *service_summary(result),
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
                            lost_sales=args.lost_sales, demand_distribution=args.demand_distribution,
                            service_target=args.service_target)
        result = simulate(planning.params, scenario, planning.current_inventory_value)
    except ValueError as error:
        raise UsageError(f"simulate: {error}") from None
    if len(planning.excluded):
        print(f"{len(planning.excluded)} SKUs left out: {planning.excluded['reason'].iloc[0]} "
              f"(e.g. {planning.excluded['sku'].iloc[0]})", file=sys.stderr)
    if result.skus_without_on_hand:
        print(f"cash release counts current stock only where on_hand is given; {len(result.skus_without_on_hand)} "
              f"SKUs have none: {_names(result.skus_without_on_hand)}", file=sys.stderr)
    if len(result.skus_missing_target):
        print(service_summary(result)[-1], file=sys.stderr)
    return dump_json(result_payload(result)) if args.format == "json" else render_text(result, len(planning.excluded))
