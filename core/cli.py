"""Headless command line (SPEC §5): `python -m core.cli report LOTS …` and `python -m core.cli simulate PARAMS …`.

Exit 0 on success, 2 on bad input with one message on stderr naming the file, row and column.
Rows set aside are summarised on stderr and can be written out with `--rejects FILE`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

import pandas as pd

from core.loading import LoadResult, load_lots, load_movements
from core.problems import InputError
from core.report import Dataset, build_report, render_text

EXIT_BAD_INPUT = 2
SHOWN_PROBLEMS = 5


class UsageError(Exception):
    """A command-line value that cannot be used; exits with status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one line (no usage block), still with exit status 2."""

    def error(self, message: str) -> None:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\n")


def _date(text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y-%m-%d"))
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2025-12-31") from None


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"service level must be between 0 and 1 (exclusive), got {text}")
    return value


def _positive(kind: type):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a {kind.__name__}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core.cli", description="Inventory Decision Board, headless.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = commands.add_parser("report", help="KPIs of a stock file (SPEC §3)")
    report.add_argument("lots", help="stock lots file (CSV or XLSX)")
    report.add_argument("--movements", help="movements file for COGS, ITO and DIO")
    report.add_argument("--as-of", type=_date, help="report date, YYYY-MM-DD (default: the latest snapshot)")
    report.add_argument("--format", choices=("json", "text"), default="json")
    report.add_argument("--day-basis", type=int, choices=(365, 360), default=365, help="days in a year for ITO/DIO")
    report.add_argument("--rejects", help="write the rows set aside to this CSV file")

    simulate = commands.add_parser("simulate", help="replenishment simulation (SPEC §4)")
    simulate.add_argument("params", nargs="?", help="planning-parameters file (SPEC §2.3)")
    simulate.add_argument("--lots", help="derive parameters from this lots file …")
    simulate.add_argument("--movements", help="… and this movements file")
    simulate.add_argument("--policy", choices=("rop", "periodic", "minmax"), default="periodic")
    simulate.add_argument("--service-level", type=_fraction, default=0.95)
    simulate.add_argument("--review-days", type=_positive(int), default=7)
    simulate.add_argument("--lead-time-scale", type=_positive(float), default=1.0)
    simulate.add_argument("--default-lead-time", type=_positive(float), default=None,
                          help="lead time in days for SKUs without one (needed when deriving parameters)")
    simulate.add_argument("--horizon-days", type=_positive(int), default=365)
    simulate.add_argument("--warmup-days", type=_non_negative_int, default=0)
    simulate.add_argument("--replications", type=_positive(int), default=20)
    simulate.add_argument("--seed", type=int, default=1)
    simulate.add_argument("--lost-sales", action="store_true")
    simulate.add_argument("--demand-distribution", choices=("normal", "gamma"), default="normal",
                          help="gamma keeps intermittent demand unbiased (normal is truncated at zero)")
    simulate.add_argument("--format", choices=("json", "text"), default="json")
    return parser


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


def _json_default(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def _clean(value: object) -> object:
    """NaN and infinities become null, so the output is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def dump_json(payload: dict) -> str:
    """Compact JSON (the C encoder; an indented dump of 100k SKUs takes seconds): pipe to `jq` to read it."""
    return json.dumps(_clean(payload), ensure_ascii=False, separators=(",", ":"), default=_json_default)


def run_report(args: argparse.Namespace) -> str:
    from core.kpis import KpiSettings

    lots = load_lots(args.lots)
    _warn_rejected(lots, args.rejects)
    movements = None
    if args.movements:
        movements = load_movements(args.movements)
        _warn_rejected(movements, None)
    data = Dataset(lots.data, movements.data if movements else None, lots.currency)
    try:
        report = build_report(data, args.as_of, KpiSettings(day_basis=args.day_basis))
    except ValueError as error:
        raise UsageError(f"{lots.name}: {error}") from None
    return dump_json(report) if args.format == "json" else render_text(report)


def run_simulate(args: argparse.Namespace) -> str:
    from core.simulate_command import simulate_from_args

    return simulate_from_args(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        output = run_report(args) if args.command == "report" else run_simulate(args)
    except (InputError, UsageError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print("not enough memory for this file", file=sys.stderr)
        return 1
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
