"""The speed work must not change a byte: `report` and `simulate` on sample_data against outputs saved from the
code as it was before the optimisation (tests/golden, committed first on their own). Produced again on purpose:
`simulate` and the 2026-03-31 report once issue 10 changed what they say (gamma demand by default, levels for
daily review, target beside achieved; COGS annualised over the 151 days the movements cover), and the three JSON
reports once by issue 24 (money in exact cents: only last digits of shares, quantities, ITO and DIO changed,
each now the nearest float to the exact decimal figure; every value to the cent is unchanged)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLE

GOLDEN = ROOT / "tests" / "golden"
LOTS = str(SAMPLE / "lots.csv.gz")
MOVES = str(SAMPLE / "movements.csv.gz")


def cli_output(args: list[str], env: dict[str, str] | None = None) -> bytes:
    """A fresh process, as a user runs it, so start-up shortcuts (lazy imports) are exercised too."""
    done = subprocess.run([sys.executable, "-m", "core.cli", *args], cwd=ROOT, capture_output=True, check=True,
                          env={**os.environ, **(env or {})})
    return done.stdout


def golden(name: str) -> bytes:
    path = GOLDEN / name
    return gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()


@pytest.mark.parametrize(("args", "name"), [
    (["report", LOTS], "report_sample_lots.json.gz"),
    (["report", LOTS, "--movements", MOVES], "report_sample_lots_movements.json.gz"),
    (["report", LOTS, "--movements", MOVES, "--as-of", "2026-03-31"],
     "report_sample_lots_movements_2026-03-31.json.gz"),
    (["report", LOTS, "--movements", MOVES, "--format", "text"], "report_sample_lots_movements.txt"),
])
def test_report_on_sample_is_byte_for_byte_the_pre_optimisation_output(args, name):
    assert cli_output(args) == golden(name)


def test_report_is_the_same_bytes_on_one_thread_as_on_every_core():
    # Money is summed in integer cents: the order in which threads add up their parts cannot change a digit.
    args = ["report", LOTS, "--movements", MOVES]
    assert cli_output(args, {"POLARS_MAX_THREADS": "1"}) == golden("report_sample_lots_movements.json.gz")


def test_simulate_on_sample_parameters_is_byte_for_byte_the_pre_optimisation_output():
    args = ["simulate", str(SAMPLE / "planning_parameters.csv"), "--replications", "3"]
    assert cli_output(args) == golden("simulate_sample_parameters_r3.json.gz")
