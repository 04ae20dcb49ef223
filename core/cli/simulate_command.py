"""`python -m core.cli simulate …`: parameters from a file (or derived from lots + movements), one scenario.

A plain parameters file (`core.intake.plain_planning`) is read without pandas, and the engine runs on arrays, so
the command starts in a fraction of the time pandas takes to import. Any other input — a mapping file, a file
the plain reader declines, lots and movements to derive from — goes through the full loader, which names every
problem; both paths hand the engine the same table, so they print the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.cli.base import UsageError, dump_json
from core.formatting import SHARE_KPI_DECIMALS, counted, number, percent
from core.intake.plain_planning import read_plain_planning
from core.intake.problems import fail
from core.sim import engine
from core.sim.engine import TOTAL_METRICS, Scenario

SKU_FIELDS = ["sku", "safety_stock", "reorder_point", "order_up_to", "order_qty", "avg_on_hand", "avg_inventory_value",
              "fill_rate", "cycle_service_level", "stockout_days", "orders", "service_level", "target_met"]


@dataclass
class SimulationInput:
    """The engine's table, the SKUs left out with their reason, and what cash release is measured against."""

    table: dict[str, np.ndarray]
    excluded: list[tuple[str, str]] = field(default_factory=list)
    current_inventory_value: float | None = None


def _plain_input(args: argparse.Namespace) -> SimulationInput | None:
    """A plain parameters file, read without pandas; None when the full loader must read the input."""
    if not args.params or args.lots or args.movements or args.mapping:
        return None
    plain = read_plain_planning(args.params)
    if plain is None or ("lead_time_days" not in plain.columns and args.default_lead_time is None):
        return None
    table = engine.sku_table(plain.columns, args.default_lead_time)
    if not (table["lead_time_days"] > 0).all():  # blank or zero: the full path names the row
        return None
    return SimulationInput(table)


def _loaded_input(args: argparse.Namespace) -> SimulationInput:
    from core.cli.stock_input import load_stock
    from core.intake.loading import load_movements, load_planning
    from core.intake.mapping_file import MappingFile, read_mapping_file
    from core.sim.planning import derive_parameters, parameters_from_file
    from core.sim.simulation import frame_table

    if args.params and (args.lots or args.movements):
        raise fail("simulate", "give a parameters file or --lots with --movements, not both")
    mapping = read_mapping_file(args.mapping, "planning" if args.params else "lots") if args.mapping else MappingFile()
    if args.params:
        loaded = load_planning(args.params, mapping=mapping.for_kind("planning"), choice=mapping.choice)
        planning = parameters_from_file(loaded, args.default_lead_time)
    elif not (args.lots and args.movements):
        raise fail("simulate", "give a planning-parameters file, or --lots and --movements to derive one")
    elif args.default_lead_time is None:
        raise fail(Path(args.lots).name, "lots carry no lead time; give --default-lead-time DAYS to derive parameters")
    else:
        lots = load_stock(args, mapping)
        movements = load_movements(args.movements, mapping=mapping.for_kind("movements"), choice=mapping.choice)
        planning = derive_parameters(lots.data, movements.data, default_lead_time=args.default_lead_time)
    excluded = list(zip(planning.excluded["sku"].astype(str), planning.excluded["reason"], strict=True))
    return SimulationInput(frame_table(planning.params), excluded, planning.current_inventory_value)


def _json_values(values: np.ndarray) -> list:
    """A column as Python scalars, NaN and None as None."""
    listed = values.tolist()
    if values.dtype.kind == "f":
        return [None if v != v else v for v in listed]
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in listed]


def sku_rows(skus: dict[str, np.ndarray]) -> list[dict]:
    columns = [_json_values(np.asarray(skus[name])) for name in SKU_FIELDS]
    return [dict(zip(SKU_FIELDS, row, strict=True)) for row in zip(*columns, strict=True)]


def result_payload(run: engine.Run) -> dict:
    """The JSON contract of SPEC §5 (means over replications), plus what was targeted beside what was achieved."""
    totals = run.totals
    return {
        "policy": run.scenario.policy,
        "service_level": run.scenario.service_level,
        "totals": {**{k: totals[k] for k in TOTAL_METRICS},
                   "current_inventory_value": run.current_inventory_value,
                   "service_level_target": run.scenario.service_level,
                   "service_level_achieved": run.achieved_service},
        "skus": sku_rows(run.skus),
        "service_target": run.scenario.service_target,
        "skus_missing_target": run.skus_missing_target,
        "skus_without_on_hand": run.skus_without_on_hand,
        "start": run.scenario.start,
        "settling_days": run.settling_days,
    }


def service_summary(run: engine.Run) -> list[str]:
    """Target beside achieved, and the SKUs that do not reach it, named."""
    measure = "fill rate" if run.scenario.service_target == "fill" else "cycle service level"
    achieved = run.achieved_service
    lines = [f"Service level ({measure}): target {run.scenario.service_level:.1%}, achieved "
             + ("n/a" if achieved is None else f"{achieved:.1%}")]
    missing = run.skus_missing_target
    if missing:
        lines.append(f"{counted(len(missing), 'SKU falls', 'SKUs fall', grouped=False)} short of the target in "
                     f"this run by more than the tolerance and 2 standard errors of the SKU's own estimate (under 1 "
                     f"in 40 would by chance): {_names(missing)}")
    return lines


def cash_summary(run: engine.Run) -> list[str]:
    """Today's inventory value beside the average the policy holds, and what that average is."""
    average, release = run.totals["avg_inventory_value"], run.totals["cash_release"]
    if run.scenario.start == "steady":
        basis = (f"steady state: each SKU from its policy's level, {run.settling_days} settling days, then "
                 f"{run.scenario.horizon_days - run.scenario.warmup_days} days averaged")
    else:
        basis = f"from today's stock, days {run.scenario.warmup_days}–{run.scenario.horizon_days - 1} averaged"
    return [f"Inventory value today {run.current_inventory_value:,.0f}; average under the policy "
            f"{average:,.0f} ({basis}); cash release {release:,.0f}"]


def _names(skus: list[str], shown: int = 10) -> str:
    more = f" and {len(skus) - shown} more" if len(skus) > shown else ""
    return ", ".join(skus[:shown]) + more


def spread_figure(metric: str, value: float, spread: bool = False) -> str:
    """A figure as a reader takes it in: shares in % (their spread in percentage points), money and counts with
    thousands separators and cents (never 6.013e+07), ITO and DIO with 2 decimals."""
    if metric in SHARE_KPI_DECIMALS:
        return f"{value * 100:.2f} pp" if spread else percent(value, 2)
    return number(value, 2)


def render_text(run: engine.Run, excluded: int) -> str:
    scenario = run.scenario
    lines = [f"Policy {scenario.policy}, service level {scenario.service_level:.1%}, "
             f"{counted(len(run.skus['sku']), 'SKU', 'SKUs', grouped=False)}, {scenario.horizon_days} days, "
             f"{counted(scenario.replications, 'replication', 'replications', grouped=False)}",
             *service_summary(run),
             *cash_summary(run),
             f"{'metric':<22}{'mean':>18}{'std':>16}{'p05':>18}{'p95':>18}"]
    for metric, row in run.spread.items():
        shown = [spread_figure(metric, row[column], column == "std") for column in ("mean", "std", "p05", "p95")]
        lines.append(f"{metric:<22}{shown[0]:>18}{shown[1]:>16}{shown[2]:>18}{shown[3]:>18}")
    if excluded:
        lines.append(f"{counted(excluded, 'SKU', 'SKUs', grouped=False)} could not be simulated (see the app's "
                     "planning page for reasons)")
    return "\n".join(lines) + "\n"


def simulate_from_args(args: argparse.Namespace) -> str:
    given = _plain_input(args) or _loaded_input(args)
    try:
        scenario = Scenario(policy=args.policy, service_level=args.service_level, review_days=args.review_days,
                            lead_time_scale=args.lead_time_scale, horizon_days=args.horizon_days,
                            warmup_days=args.warmup_days, replications=args.replications, seed=args.seed,
                            lost_sales=args.lost_sales, demand_distribution=args.demand_distribution,
                            service_target=args.service_target, start=args.start)
        run = engine.run(given.table, scenario, given.current_inventory_value)
    except ValueError as error:
        raise UsageError(f"simulate: {error}") from None
    if given.excluded:
        sku, reason = given.excluded[0]
        print(f"{counted(len(given.excluded), 'SKU', 'SKUs', grouped=False)} left out: {reason} (e.g. {sku})",
              file=sys.stderr)
    if run.skus_without_on_hand:
        print(f"cash release counts current stock only where on_hand is given; "
              f"{counted(len(run.skus_without_on_hand), 'SKU has', 'SKUs have', grouped=False)} none: "
              f"{_names(run.skus_without_on_hand)}", file=sys.stderr)
    if run.skus_missing_target:
        print(service_summary(run)[-1], file=sys.stderr)
    return dump_json(result_payload(run)) if args.format == "json" else render_text(run, len(given.excluded))
