"""`python -m core.cli propose PARAMS …`: what to order today, per SKU and per supplier (SPEC §5)."""

from __future__ import annotations

import argparse

from core.cli.base import UsageError, dump_json
from core.cli.plan_inputs import parameters_with_options
from core.sim.proposals import Proposal, propose
from core.sim.simulation import Scenario


def render_text(result: Proposal) -> str:
    lines = [f"Policy {result.scenario.policy}: {int((result.skus['order_qty'] > 0).sum())} order lines "
             f"of {len(result.skus)} SKUs, total value {result.total_value:,.2f}",
             f"{'supplier':<30}{'SKUs':>8}{'lines':>8}{'value':>18}"]
    for row in result.suppliers.itertuples():
        name = row.supplier if isinstance(row.supplier, str) else "—"
        lines.append(f"{name:<30}{row.sku_count:>8}{row.order_qty_lines:>8}{row.order_value:>18,.2f}")
    return "\n".join(lines) + "\n"


def propose_from_args(args: argparse.Namespace) -> str:
    params = parameters_with_options(args.params, args.default_lead_time, need_stock=True)
    try:
        scenario = Scenario(policy=args.policy, service_level=args.service_level, review_days=args.review_days)
        result = propose(params, scenario, args.as_of)
    except ValueError as error:
        raise UsageError(f"propose: {error}") from None
    return dump_json(result.payload()) if args.format == "json" else render_text(result)
