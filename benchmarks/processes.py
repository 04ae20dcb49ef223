"""Timing fresh processes: wall time and peak memory (max RSS) of one command, best of N."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(command: list[str]) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of one run of `command` from the repository root."""
    seconds, megabytes, _ = run_measured(command)
    return seconds, megabytes


def run_measured(command: list[str]) -> tuple[float, float, float]:
    """(seconds, peak resident memory in MB, CPU seconds of all its threads) of one run of `command`: on a shared
    machine the CPU seconds say what the command costs when the wall time says mostly how busy the machine was."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def best_of(command: list[str], runs: int = 3) -> tuple[float, float]:
    """The fastest of `runs` runs, and the largest peak memory among them."""
    results = [run_once(command) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)
