"""The speed work must not change a byte: `report` and `simulate` on sample_data against outputs saved from the
code as it was before the optimisation (tests/golden, committed first on their own). Two were produced again
from the unoptimised code once issue 10 changed what they should say on purpose: `simulate` (gamma demand by
default, levels for daily review, target beside achieved) and the 2026-03-31 report (movements cover only 151
days of that year, so COGS is annualised over them)."""

from __future__ import annotations

import gzip
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLE

GOLDEN = ROOT / "tests" / "golden"
LOTS = str(SAMPLE / "lots.csv.gz")
MOVES = str(SAMPLE / "movements.csv.gz")


def cli_output(args: list[str]) -> bytes:
    """A fresh process, as a user runs it, so start-up shortcuts (lazy imports) are exercised too."""
    done = subprocess.run([sys.executable, "-m", "core.cli", *args], cwd=ROOT, capture_output=True, check=True)
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


def test_simulate_on_sample_parameters_is_byte_for_byte_the_pre_optimisation_output():
    args = ["simulate", str(SAMPLE / "planning_parameters.csv"), "--replications", "3"]
    assert cli_output(args) == golden("simulate_sample_parameters_r3.json.gz")
