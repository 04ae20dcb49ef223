"""How close could a pandas-free `report` get? A probe, not the product, and not the KPI engine.

Computes the heavy core of the report with pyarrow.compute and numpy only (no pandas, no Polars): read the file,
the latest snapshot, value (qty × unit cost where blank), TIV, value by warehouse, the SKU ranking with
cumulative share and ABC classes, aging buckets and dead-stock bands, and the SKU ranking as JSON. It skips what
the real command does besides — the intake's row checks and their messages, locale inference, totals rows, stock
types, SLOB, suppliers, the trend, exact cents (its sums are floats) — so its time is a lower bound for the
command, not an estimate of it. The command itself computes on Polars with money in integer cents
(`core/kpis/frame.py`) and is measured by `kpi_bench.py`.

Run: `flock /tmp/bench.lock python benchmarks/arrow_report_probe.py [--rows N] [--runs 3]`. Prints the probe and
the pyarrow parse as fresh processes (best of `--runs`) and their ratio, for the single-snapshot file of
`kpi_bench` (every row in the KPIs), beside issue 24's target for the command (≤ 2.5×).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

AGE_EDGES = (7, 15, 30, 90, 180)  # inclusive upper bounds of 0-7 … 91-180; above is >180 (SPEC §3)
DEAD_DAYS = (180, 365)


def probe(path: str) -> None:
    """The heavy core of `report` on one file, printed as JSON to stdout."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={"sku": pa.string(), "warehouse": pa.string()}))
    dates = table["snapshot_date"]
    latest = pc.max(dates)
    stock = table.filter(pc.equal(dates, latest))
    value = pc.coalesce(stock["value"], pc.multiply(stock["qty"], stock["unit_cost"]))
    stock = stock.set_column(stock.schema.get_field_index("value"), "value", value)
    tiv = pc.sum(value).as_py()
    by_warehouse = stock.group_by("warehouse").aggregate([("value", "sum")]).sort_by([("value_sum", "descending")])
    ranking = stock.group_by("sku").aggregate([("value", "sum")]).sort_by([("value_sum", "descending"),
                                                                           ("sku", "ascending")])
    values = ranking["value_sum"].to_numpy()
    cents = np.round(values * 100).astype(np.int64)
    before, total = np.cumsum(cents) - cents, cents.sum()
    abc = np.select([before * 100 < 80 * total, before * 100 < 95 * total], ["A", "B"], "C")
    as_of = latest.as_py()
    age = (np.datetime64(as_of, "D") - stock["receipt_date"].to_numpy().astype("datetime64[D]")).astype(int)
    idle = (np.datetime64(as_of, "D") - stock["last_move_date"].to_numpy().astype("datetime64[D]")).astype(int)
    bucket = np.searchsorted(np.array(AGE_EDGES), age, side="left")
    aging = np.bincount(bucket, weights=value.to_numpy(), minlength=len(AGE_EDGES) + 1)
    dead = [float(value.to_numpy()[idle > days].sum()) for days in DEAD_DAYS]
    skus = ranking["sku"].to_pylist()
    rows = [{"sku": s, "value": round(v, 2), "share": v / tiv, "abc": c}
            for s, v, c in zip(skus, values.tolist(), abc.tolist(), strict=True)]
    print(json.dumps({"tiv": tiv, "warehouses": by_warehouse.to_pylist(), "aging": aging.tolist(), "dead": dead,
                      "skus": rows}, ensure_ascii=False, separators=(",", ":")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--probe", help="only run the probe on this file (the timed fresh process)")
    args = parser.parse_args()
    if args.probe:
        probe(args.probe)
        return
    from benchmarks.kpi_bench import SHAPES, temporary_lots
    from benchmarks.processes import best_of

    label, shape = next(iter(SHAPES.items()))
    with temporary_lots(args.rows, **shape) as path:
        arrow, _ = best_of([sys.executable, "-c", f"import pyarrow.csv as c; c.read_csv({str(path)!r})"], args.runs)
        core, core_mb = best_of([sys.executable, str(Path(__file__).resolve()), "--probe", str(path)], args.runs)
    print(f"{args.rows:,} rows, {label}")
    print(f"  pyarrow parse, fresh python:      {arrow:6.2f} s")
    print(f"  Arrow-native heavy core (probe):  {core:6.2f} s   peak {core_mb:6.0f} MB")
    print(f"  ratio probe / pyarrow:            {core / arrow:6.2f}  (the command's target ≤ 2.5)")


if __name__ == "__main__":
    main()
