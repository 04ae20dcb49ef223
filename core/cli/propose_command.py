"""`python -m core.cli propose PARAMS …`: what to order today, per SKU and per supplier (SPEC §5)."""

from __future__ import annotations

import argparse
import sys
import unicodedata

import pandas as pd

from core.cli.base import UsageError, dump_json
from core.cli.plan_inputs import parameters_with_options
from core.formatting import counted, money, number
from core.intake.loading import load_lots
from core.sim.proposals import Proposal, propose, with_lot_suppliers
from core.sim.simulation import Scenario

NO_SUPPLIER = "(no supplier)"
LINE_HEADERS = ("sku", "order qty", "value", "arrives", "rule")


def width(text: str) -> int:
    """Columns a terminal gives the text: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    space = " " * max(0, columns - width(text))
    return space + text if right else text + space


def quantity(value: float) -> str:
    """Whole units without decimals; a fractional pack multiple (0.5 t) with the decimals it needs."""
    return number(value) if float(value).is_integer() else f"{value:,.6g}"


def render_text(result: Proposal, currency: str | None = None) -> str:
    """The order list: per supplier (largest order first, SKUs without a supplier last), its order lines with
    quantity, value, expected arrival and the rule that fired; SKUs with nothing to order are counted, not listed."""
    amount = (lambda v: money(v, currency, exact=True, language="en")) if currency else (lambda v: number(v, 2))
    skus = result.skus
    lines = skus[skus["order_qty"] > 0]
    out = [f"Purchase proposal, policy {result.scenario.policy}: {counted(len(lines), 'order line', 'order lines')} "
           f"for {counted(len(skus), 'SKU', 'SKUs')}, "
           f"total {amount(result.total_value)}"]
    for supplier in result.suppliers.itertuples():
        name = supplier.supplier if isinstance(supplier.supplier, str) else NO_SUPPLIER
        mine = lines[lines["supplier"].eq(supplier.supplier) if isinstance(supplier.supplier, str)
                     else lines["supplier"].isna()]
        out += ["", f"{name} — {counted(supplier.order_qty_lines, 'line', 'lines')} of "
                    f"{counted(supplier.sku_count, 'SKU', 'SKUs')}, "
                    f"{amount(supplier.order_value)}"]
        if mine.empty:
            continue
        rows = [(str(r.sku), quantity(r.order_qty), amount(r.order_value),
                 r.arrival.strftime("%Y-%m-%d") if pd.notna(r.arrival) else "", r.rule)
                for r in mine.sort_values(["order_value", "sku"], ascending=[False, True]).itertuples()]
        widths = [max(width(row[i]) for row in [LINE_HEADERS, *rows]) for i in range(len(LINE_HEADERS))]
        right = (False, True, True, False, False)
        for row in [LINE_HEADERS, *rows]:
            out.append(("  " + "  ".join(pad(cell, w, r) for cell, w, r in zip(row, widths, right, strict=True)))
                       .rstrip())
    return "\n".join(out) + "\n"


def propose_from_args(args: argparse.Namespace) -> str:
    params = parameters_with_options(args.params, args.default_lead_time, need_stock=True)
    currency = None
    if args.lots:
        lots = load_lots(args.lots)
        params, currency = with_lot_suppliers(params, lots.data), lots.currency
    try:
        scenario = Scenario(policy=args.policy, service_level=args.service_level, review_days=args.review_days)
        result = propose(params, scenario, args.as_of)
    except ValueError as error:
        raise UsageError(f"propose: {error}") from None
    if result.skus["supplier"].isna().all():
        print("propose: no supplier is known for any SKU; give the parameters a supplier column, or --lots LOTS "
              "to take each SKU's supplier from its stock lots", file=sys.stderr)
    return dump_json(result.payload()) if args.format == "json" else render_text(result, currency)
