"""`python -m core.cli report LOTS …`: the KPIs of SPEC §3 as JSON or text."""

from __future__ import annotations

import argparse
import sys

from core.cli.base import UsageError, dump_json
from core.cli.report_text import report_text
from core.cli.stock_input import load_stock, warn_rejected
from core.intake.loading import LoadResult, load_movements
from core.intake.mapping_file import MappingFile, read_mapping_file
from core.kpis.measures import KpiSettings
from core.kpis.report import Dataset, build_report


def _with_intake(report: dict, lots: LoadResult) -> dict:
    """The report with where its currency came from and what the reader found implausible."""
    out = {}
    for key, value in report.items():
        out[key] = value
        if key == "currency":
            out["currency_source"] = lots.currency_source
    out["warnings"] = list(lots.extra.get("warnings", ()))
    out["unpriced_items"] = list(lots.extra.get("unpriced") or [])
    return out


def run_report(args: argparse.Namespace) -> str:
    mapping = read_mapping_file(args.mapping, "lots") if args.mapping else MappingFile()
    lots = load_stock(args, mapping)
    warn_rejected(lots, args.rejects)
    if lots.data.empty:
        raise UsageError(f"{lots.name}: no usable stock rows ({lots.rejected_count} set aside, {lots.totals_rows} "
                         f"totals rows); write the rows set aside with --rejects FILE")
    movements = None
    if args.movements:
        movements = load_movements(args.movements, mapping=mapping.for_kind("movements"), choice=mapping.choice)
        warn_rejected(movements, None)
    data = Dataset(lots.data, movements.data if movements else None, lots.currency)
    notes: list[str] = []
    try:
        report = _with_intake(build_report(data, args.as_of, KpiSettings(day_basis=args.day_basis), notes), lots)
    except ValueError as error:
        raise UsageError(f"{lots.name}: {error}") from None
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    return dump_json(report) if args.format == "json" else report_text(report)
