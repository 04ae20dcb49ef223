"""Reading a large .xlsx: calamine (what the reader uses) against openpyxl (what it used before).

Run: `python benchmarks/excel_bench.py [--rows N]`. Writes an N-row lots workbook once, then times
`pandas.read_excel(..., engine=...)` for each engine, best of three, and prints the ratio.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.kpi_bench import make_lots, rows_argument


def best_of(read, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rows = rows_argument(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory() as folder:
        csv_path, xlsx_path = Path(folder) / "lots.csv", Path(folder) / "lots.xlsx"
        make_lots(rows, csv_path)
        pd.read_csv(csv_path).to_excel(xlsx_path, index=False, engine="xlsxwriter")
        timings = {engine: best_of(lambda engine=engine: pd.read_excel(xlsx_path, header=None, dtype=object,
                                                                       engine=engine))
                   for engine in ("calamine", "openpyxl")}
    print(f"rows: {rows:,}  file: lots.xlsx")
    for engine, seconds in timings.items():
        print(f"{engine:<10} {seconds:6.2f} s")
    print(f"openpyxl / calamine: {timings['openpyxl'] / timings['calamine']:.1f}×")


if __name__ == "__main__":
    main()
