"""What a filter change costs on 1,000,000 lot rows: the dashboard figures recomputed for a new selection.

Run: `python benchmarks/dashboard_bench.py [--rows N]`, on both files of `kpi_bench` in turn. Prints the seconds
of loading the file and of turning the loaded lots into the KPI engine's Polars frame (both once per upload,
cached by the app), then per selection the seconds of the dashboard figures (a filter change pays only these)
and of the risk worklist (built when the Risk page asks), wall and CPU.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.kpi_bench import SHAPES, rows_argument, temporary_lots
from core.intake.loading import load_lots
from core.kpis.dashboard import Filters, build_dashboard, build_worklist, filter_options
from core.kpis.frame import shared_frame
from core.kpis.report import Dataset


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of every thread of this process) of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    rows = rows_argument(__doc__)
    for label, shape in SHAPES.items():
        print(label)
        measure(rows, shape)


def measure(rows: int, shape: dict) -> None:
    with temporary_lots(rows, **shape) as path:
        start = time.perf_counter()
        loaded = load_lots(path)
        load_seconds = time.perf_counter() - start
    data = Dataset(loaded.data, None, loaded.currency)
    convert, convert_cpu = timed(lambda: shared_frame(data.lots))
    options = filter_options(data.lots)
    selections = {"everything": Filters(), "one BU": Filters(bu=(options["bu"][0],)),
                  "three warehouses": Filters(warehouse=tuple(options["warehouse"][:3])),
                  "one stock type": Filters(stock_type=(options["stock_type"][0],))}
    print(f"rows: {rows:,}; loading once: {load_seconds:.2f} s; the engine's frame once: {convert:.2f} s "
          f"(CPU {convert_cpu:.2f} s)")
    for name, selection in selections.items():
        figures, figures_cpu = timed(lambda s=selection: build_dashboard(data, filters=s))
        worklist, worklist_cpu = timed(lambda s=selection: build_worklist(data, filters=s))
        print(f"{name:<18} figures {figures:5.2f} s (CPU {figures_cpu:5.2f} s)   "
              f"worklist {worklist:5.2f} s (CPU {worklist_cpu:5.2f} s)")


if __name__ == "__main__":
    main()
