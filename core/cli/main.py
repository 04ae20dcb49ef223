"""Headless command line (SPEC §5): `python -m core.cli report LOTS …` and `python -m core.cli simulate PARAMS …`.

Exit 0 on success, 2 on bad input with one message on stderr naming the file, row and column.
Rows set aside are summarised on stderr and can be written out with `--rejects FILE`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from core.cli.base import (
    EXIT_BAD_INPUT,
    OneLineParser,
    UsageError,
    date_arg,
    fraction_arg,
    non_negative_int_arg,
    positive_arg,
)
from core.intake.problems import InputError


def _options(*adders) -> argparse.ArgumentParser:
    """A parent parser: options several commands share, declared once."""
    parent = argparse.ArgumentParser(add_help=False)
    for add in adders:
        add(parent)
    return parent


def _policy(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", choices=("rop", "periodic", "minmax"), default="periodic")
    parser.add_argument("--review-days", type=positive_arg(int), default=7)
    parser.add_argument("--default-lead-time", type=positive_arg(float), default=None,
                        help="lead time in days for SKUs without one")


def _service_level(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--service-level", type=fraction_arg, default=0.95)


def _runs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--horizon-days", type=positive_arg(int), default=365)
    parser.add_argument("--replications", type=positive_arg(int), default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--demand-distribution", choices=("gamma", "normal"), default="gamma",
                        help="gamma keeps intermittent demand unbiased (normal is truncated at zero)")


def _mapping(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mapping", help="JSON or YAML file of header → column for headers the aliases miss")


def _stock_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sheet", help="workbook sheet holding the stock list (default: the one whose headers "
                                        "read as a stock list)")
    parser.add_argument("--prices", help="price list (item → unit cost) for a stock list without costs")


def _format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("json", "text"), default="json")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m core.cli", description="Inventory Decision Board, headless.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    report = commands.add_parser("report", help="KPIs of a stock file (SPEC §3)",
                                 parents=[_options(_mapping, _stock_inputs, _format)])
    report.add_argument("lots", nargs="?", help="stock lots file (CSV or XLSX); optional with --history")
    report.add_argument("--movements", help="movements file for COGS, ITO and DIO")
    report.add_argument("--as-of", type=date_arg, help="report date, YYYY-MM-DD (default: the latest snapshot)")
    report.add_argument("--day-basis", type=int, choices=(365, 360), default=365, help="days in a year for ITO/DIO")
    report.add_argument("--rejects", help="write the rows set aside to this CSV file")
    report.add_argument("--history", metavar="FOLDER",
                        help="keep LOTS' snapshots in this folder (replacing kept ones of the same date) and report "
                             "over every snapshot kept there: the trend from all, the rest at the as-of snapshot")

    simulate = commands.add_parser("simulate", help="replenishment simulation (SPEC §4)",
                                   parents=[_options(_policy, _service_level, _runs, _mapping, _stock_inputs, _format)])
    simulate.add_argument("params", nargs="?", help="planning-parameters file (SPEC §2.3)")
    simulate.add_argument("--lots", help="derive parameters from this lots file …")
    simulate.add_argument("--movements", help="… and this movements file")
    simulate.add_argument("--lead-time-scale", type=positive_arg(float), default=1.0)
    simulate.add_argument("--warmup-days", type=non_negative_int_arg, default=0)
    simulate.add_argument("--start", choices=("steady", "today"), default="steady",
                          help="steady: measure the policy's steady state (cash release against today's TIV); "
                               "today: run from today's on-hand and on-order")
    simulate.add_argument("--lost-sales", action="store_true")
    simulate.add_argument("--service-target", choices=("csl", "fill"), default="csl",
                          help="what --service-level means: cycle service level, or fill rate")

    optimize = commands.add_parser("optimize", help="least-inventory service levels for a target fill rate, or the "
                                   "best fill rate within a budget (SPEC §5)",
                                   parents=[_options(_policy, _runs, _format)])
    optimize.add_argument("params", help="planning-parameters file (SPEC §2.3)")
    question = optimize.add_mutually_exclusive_group(required=True)
    question.add_argument("--target-fill", type=fraction_arg, help="overall fill rate to reach with the least stock")
    question.add_argument("--budget", type=positive_arg(float),
                          help="average inventory value to stay within, with the best fill rate")
    optimize.set_defaults(replications=None)  # the optimiser's own default, the app's too
    optimize.add_argument("--weight", choices=("value", "units"), default="value", help="how the fill rate weighs SKUs")
    optimize.add_argument("--by", choices=("class", "sku"), default="class", help="a level per ABC class or per SKU")

    propose = commands.add_parser("propose", help="what to order today, per SKU and supplier (SPEC §5)",
                                  parents=[_options(_policy, _service_level, _format)])
    propose.add_argument("params", help="planning-parameters file with on_hand (SPEC §2.3)")
    propose.add_argument("--as-of", type=date_arg, help="today, for the expected arrival dates (default: today)")
    propose.add_argument("--lots", help="stock lots file: each SKU's supplier where the parameters name none")
    return parser


COMMANDS = {
    "report": "core.cli.report_command:run_report",
    "simulate": "core.cli.simulate_command:simulate_from_args",
    "optimize": "core.cli.optimize_command:optimize_from_args",
    "propose": "core.cli.propose_command:propose_from_args",
}


def _run(args: argparse.Namespace) -> str:
    """Import only the command asked for, so `report` does not pay for simpy and the simulator."""
    import importlib

    module, function = COMMANDS[args.command].split(":")
    return getattr(importlib.import_module(module), function)(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        output = _run(args)
    except (InputError, UsageError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print("not enough memory for this file", file=sys.stderr)
        return 1
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0
