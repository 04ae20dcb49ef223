"""What a filter change costs on 1,000,000 lot rows: the dashboard figures recomputed for a new selection.

Run: `python benchmarks/dashboard_bench.py [--rows N]`. Prints seconds per selection and the ratio to loading
the file once (loading is cached by the app; a filter change pays only the recomputation).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.kpi_bench import rows_argument, temporary_lots
from core.intake.loading import load_lots
from core.kpis.dashboard import Filters, build_dashboard, filter_options
from core.kpis.report import Dataset


def main() -> None:
    rows = rows_argument(__doc__)
    with temporary_lots(rows) as path:
        start = time.perf_counter()
        loaded = load_lots(path)
        load_seconds = time.perf_counter() - start
    data = Dataset(loaded.data, None, loaded.currency)
    options = filter_options(data.lots)
    selections = {"everything": Filters(), "one BU": Filters(bu=(options["bu"][0],)),
                  "three warehouses": Filters(warehouse=tuple(options["warehouse"][:3])),
                  "one stock type": Filters(stock_type=(options["stock_type"][0],))}
    print(f"rows: {rows:,}; loading once: {load_seconds:.2f} s")
    for name, selection in selections.items():
        start = time.perf_counter()
        build_dashboard(data, filters=selection)
        seconds = time.perf_counter() - start
        print(f"{name:<18} {seconds:6.2f} s  ({seconds / load_seconds:.2f} × loading)")


if __name__ == "__main__":
    main()
