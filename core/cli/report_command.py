"""`python -m core.cli report LOTS …`: the KPIs of SPEC §3 as JSON or text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.base import UsageError, dump_json
from core.cli.report_text import report_text
from core.cli.stock_input import load_stock, warn_rejected
from core.intake.loading import LoadResult, load_movements
from core.intake.mapping_file import MappingFile, read_mapping_file
from core.kpis.measures import KpiSettings
from core.kpis.report import Dataset, build_report


def _with_intake(report: dict, lots: LoadResult) -> dict:
    """The report with where its currency came from and what the reader found implausible."""
    out = _insert_after(report, "currency", "currency_source", lots.currency_source)
    out["warnings"] = list(lots.extra.get("warnings", ()))
    out["unpriced_items"] = list(lots.extra.get("unpriced") or [])
    return out


def _checked_stock(args: argparse.Namespace, mapping: MappingFile) -> LoadResult:
    lots = load_stock(args, mapping)
    warn_rejected(lots, args.rejects)
    if lots.data.empty:
        raise UsageError(f"{lots.name}: no usable stock rows ({lots.rejected_count} set aside, {lots.totals_rows} "
                         f"totals rows); write the rows set aside with --rejects FILE")
    return lots


def run_history_report(args: argparse.Namespace, mapping: MappingFile) -> str:
    """`report [LOTS] --history FOLDER`: LOTS' snapshots kept in the folder, then the report over all kept ones."""
    from core.kpis.history import history_report, keep_snapshots, kept_currency

    if args.movements:
        raise UsageError("--movements cannot be combined with --history: COGS, ITO and DIO are reported from one "
                         "lots file with its movements")
    folder = Path(args.history)
    lots = _checked_stock(args, mapping) if args.lots else None
    try:
        if lots is not None:
            keep_snapshots(lots.data, folder, lots.currency, lots.currency_source, args.as_of)
        report = history_report(folder, args.as_of, settings=KpiSettings(day_basis=args.day_basis))
    except (ValueError, OSError) as error:
        raise UsageError(f"{folder}: {error}" if str(folder) not in str(error) else str(error)) from None
    if lots is not None:
        return _output(_with_intake(report, lots), args)
    source = (kept_currency(folder) or ("", "assumed"))[1]
    return _output(dict(_insert_after(report, "currency", "currency_source", source), warnings=[],
                        unpriced_items=[]), args)


def _insert_after(report: dict, key: str, new_key: str, value: object) -> dict:
    out = {}
    for name, item in report.items():
        out[name] = item
        if name == key:
            out[new_key] = value
    return out


def _output(report: dict, args: argparse.Namespace) -> str:
    return dump_json(report) if args.format == "json" else report_text(report)


def run_report(args: argparse.Namespace) -> str:
    mapping = read_mapping_file(args.mapping, "lots") if args.mapping else MappingFile()
    if args.history:
        return run_history_report(args, mapping)
    if not args.lots:
        raise UsageError("report needs a lots file (or --history FOLDER to report over the snapshots kept there)")
    lots = _checked_stock(args, mapping)
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
    return _output(report, args)
