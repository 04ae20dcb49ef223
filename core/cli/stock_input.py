"""The stock list as the commands read it (`report`, `simulate --lots`): sheet, mapping and price list, with
what was recognised, assumed or set aside said on stderr."""

from __future__ import annotations

import argparse
import sys

from core.intake.loading import LoadResult, load_lots, load_prices
from core.intake.mapping_file import MappingFile

SHOWN_PROBLEMS = 5
SHOWN_UNPRICED = 10


def warn_rejected(result: LoadResult, rejects_path: str | None) -> None:
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


def load_stock(args: argparse.Namespace, mapping: MappingFile) -> LoadResult:
    """The stock list as `report` and `simulate --lots` read it: its sheet, its mapping, its price list; how it
    was read, what was assumed and what looks implausible go to stderr."""
    prices = None
    if getattr(args, "prices", None):
        prices = load_prices(args.prices, mapping=mapping.for_kind("prices"), choice=mapping.choice)
        warn_rejected(prices, None)
    lots = load_lots(args.lots, mapping=mapping.for_kind("lots"), choice=mapping.choice,
                     sheet=getattr(args, "sheet", None), prices=prices)
    if lots.profile or lots.conventions.decimal != "." or lots.conventions.date_basis != "none" \
            or lots.currency_basis != "default" or len(lots.extra.get("sheets") or []) > 1:
        print(f"{lots.name}: read as {lots.describe()}", file=sys.stderr)
    for note in (*lots.conventions.notes, *lots.extra.get("notes", ())):
        print(f"{lots.name}: {note}", file=sys.stderr)
    unpriced = lots.extra.get("unpriced") or []
    if unpriced:
        shown = ", ".join(unpriced[:SHOWN_UNPRICED]) + (" …" if len(unpriced) > SHOWN_UNPRICED else "")
        print(f"{lots.name}: {len(unpriced)} items have no price in {prices.name} and are not valued: {shown}",
              file=sys.stderr)
    for warning in lots.extra.get("warnings", ()):
        print(f"warning: {lots.name}: {warning}", file=sys.stderr)
    return lots
