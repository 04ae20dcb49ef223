"""`python -m core.cli report LOTS …`: the KPIs of SPEC §3 as JSON or text."""

from __future__ import annotations

import argparse
import sys

from core.cli.base import UsageError, dump_json
from core.intake.loading import LoadResult, load_lots, load_movements
from core.kpis.measures import KpiSettings
from core.kpis.report import Dataset, build_report, render_text

SHOWN_PROBLEMS = 5


def _warn_rejected(result: LoadResult, rejects_path: str | None) -> None:
    problems = result.problems
    if len(problems):
        errors = problems[problems["severity"] == "error"]
        warnings = problems[problems["severity"] == "warning"]
        if result.rejected_count:
            print(f"{result.name}: {result.rejected_count} rows set aside", file=sys.stderr)
        for message in errors["message"].head(SHOWN_PROBLEMS):
            print(f"  {message}", file=sys.stderr)
        if len(errors) > SHOWN_PROBLEMS:
            print(f"  … and {len(errors) - SHOWN_PROBLEMS} more (write them all with --rejects FILE)", file=sys.stderr)
        if len(warnings):
            print(f"{result.name}: {len(warnings)} warnings, e.g. {warnings['message'].iloc[0]}", file=sys.stderr)
    if rejects_path:
        result.rejected.to_csv(rejects_path, index=False, encoding="utf-8-sig")


def run_report(args: argparse.Namespace) -> str:
    lots = load_lots(args.lots)
    _warn_rejected(lots, args.rejects)
    movements = None
    if args.movements:
        movements = load_movements(args.movements)
        _warn_rejected(movements, None)
    data = Dataset(lots.data, movements.data if movements else None, lots.currency)
    notes: list[str] = []
    try:
        report = build_report(data, args.as_of, KpiSettings(day_basis=args.day_basis), notes)
    except ValueError as error:
        raise UsageError(f"{lots.name}: {error}") from None
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    return dump_json(report) if args.format == "json" else render_text(report)
