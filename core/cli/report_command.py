"""`python -m core.cli report LOTS …`: the KPIs of SPEC §3 as JSON or text."""

from __future__ import annotations

import argparse
import sys

from core.cli.base import UsageError, dump_json
from core.cli.report_text import report_text
from core.intake.loading import LoadResult, load_lots, load_movements
from core.intake.mapping_file import MappingFile, read_mapping_file
from core.kpis.measures import KpiSettings
from core.kpis.report import Dataset, build_report

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
        if result.totals_rows:
            print(f"{result.name}: {result.totals_rows} totals rows not counted", file=sys.stderr)
        mismatched = result.extra.get("value_mismatch_rows", 0)
        if mismatched:
            print(f"{result.name}: {mismatched} rows where value differs from qty × unit cost by more than 1 %; "
                  f"check the decimal mark and the column mapping", file=sys.stderr)
    if rejects_path:
        result.rejected.to_csv(rejects_path, index=False, encoding="utf-8-sig")


def run_report(args: argparse.Namespace) -> str:
    mapping = read_mapping_file(args.mapping, "lots") if args.mapping else MappingFile()
    lots = load_lots(args.lots, mapping=mapping.for_kind("lots"), choice=mapping.choice)
    if lots.profile or lots.conventions.decimal != "." or lots.conventions.date_basis != "none" \
            or lots.currency_basis != "default":
        print(f"{lots.name}: read as {lots.describe()}", file=sys.stderr)
    for note in lots.conventions.notes:
        print(f"{lots.name}: {note}", file=sys.stderr)
    _warn_rejected(lots, args.rejects)
    if lots.data.empty:
        raise UsageError(f"{lots.name}: no usable stock rows ({lots.rejected_count} set aside, {lots.totals_rows} "
                         f"totals rows); write the rows set aside with --rejects FILE")
    movements = None
    if args.movements:
        movements = load_movements(args.movements, mapping=mapping.for_kind("movements"), choice=mapping.choice)
        _warn_rejected(movements, None)
    data = Dataset(lots.data, movements.data if movements else None, lots.currency)
    notes: list[str] = []
    try:
        report = build_report(data, args.as_of, KpiSettings(day_basis=args.day_basis), notes)
    except ValueError as error:
        raise UsageError(f"{lots.name}: {error}") from None
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    return dump_json(report) if args.format == "json" else report_text(report)
