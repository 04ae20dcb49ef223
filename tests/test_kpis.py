"""KPI engine against values worked out by hand (SPEC §3)."""

from __future__ import annotations

import json
from fractions import Fraction

import pandas as pd
import pytest

from core.cli.main import main
from core.intake.loading import load_lots, load_movements
from core.kpis import measures as kpis
from core.kpis.measures import KpiSettings, Period
from tests.conftest import days_before, lots_frame

AS_OF = pd.Timestamp("2025-12-31")


def test_tiv_is_the_sum_of_lot_values_at_the_as_of_snapshot():
    lots = pd.concat([
        lots_frame([{"sku": "A", "value": 100.10}, {"sku": "B", "value": 250.55}, {"sku": "C", "value": 49.35}]),
        lots_frame([{"sku": "A", "value": 999.0}], snapshot="2025-11-30"),
    ])
    snapshot = kpis.resolve_as_of(lots)
    assert snapshot == AS_OF
    assert kpis.total_inventory_value(kpis.stock_at(lots, snapshot)) == pytest.approx(400.00, abs=1e-9)


def test_as_of_between_snapshots_uses_the_latest_snapshot_before_it():
    lots = pd.concat([lots_frame([{"sku": "A", "value": 1.0}], snapshot="2025-11-30"),
                      lots_frame([{"sku": "A", "value": 2.0}], snapshot="2025-12-31")])
    assert kpis.resolve_as_of(lots, "2025-12-15") == pd.Timestamp("2025-11-30")
    with pytest.raises(ValueError, match="no snapshot on or before 2025-01-01"):
        kpis.resolve_as_of(lots, "2025-01-01")


def test_trend_rolls_up_to_the_last_snapshot_of_each_month_and_year():
    lots = pd.concat([
        lots_frame([{"sku": "A", "value": 100.0}], snapshot="2025-01-15"),
        lots_frame([{"sku": "A", "value": 150.0}, {"sku": "B", "value": 50.0}], snapshot="2025-01-31"),
        lots_frame([{"sku": "A", "value": 300.0}], snapshot="2025-02-28"),
        lots_frame([{"sku": "A", "value": 50.0}], snapshot="2026-03-31"),
    ])
    month = kpis.inventory_trend(lots, freq="month")
    assert month[["period", "tiv"]].values.tolist() == [["2025-01", 200.0], ["2025-02", 300.0], ["2026-03", 50.0]]
    year = kpis.inventory_trend(lots, freq="year")
    assert year[["period", "tiv"]].values.tolist() == [["2025", 300.0], ["2026", 50.0]]
    day = kpis.inventory_trend(lots, until=pd.Timestamp("2025-01-31"), freq="day")
    assert day["tiv"].tolist() == [100.0, 200.0]


def test_mix_by_warehouse_has_value_and_share_descending():
    stock = lots_frame([{"sku": "A", "warehouse": "成品仓", "value": 600.0},
                        {"sku": "B", "warehouse": "原材料仓", "value": 300.0},
                        {"sku": "C", "warehouse": "成品仓", "value": 100.0}])
    mix = kpis.value_share(stock, "warehouse")
    assert mix.values.tolist() == [["成品仓", 700.0, 0.7], ["原材料仓", 300.0, 0.3]]


def test_ranking_ties_are_broken_by_name_ascending():
    stock = lots_frame([{"sku": "A", "bu": "BU2", "value": 50.0}, {"sku": "B", "bu": "BU1", "value": 50.0},
                        {"sku": "C", "bu": "BU3", "value": 80.0}])
    assert kpis.value_share(stock, "bu")["bu"].tolist() == ["BU3", "BU1", "BU2"]


def test_abc_class_uses_the_share_ranked_before_each_sku():
    # shares .50 .29 .15 .05 .01 → ranked before: 0 .50 .79 .94 .99
    stock = lots_frame([{"sku": s, "value": v} for s, v in
                        [("E", 1.0), ("A", 50.0), ("B", 29.0), ("C", 15.0), ("D", 5.0)]])
    abc = kpis.abc_classes(stock)
    assert abc[["sku", "abc"]].values.tolist() == [["A", "A"], ["B", "A"], ["C", "A"], ["D", "B"], ["E", "C"]]


def test_abc_boundaries_at_exactly_80_and_95_percent_fall_to_the_next_class():
    # ranked before: 0 .50 .80 .95 → A A B C
    stock = lots_frame([{"sku": s, "value": v} for s, v in [("A", 50.0), ("B", 30.0), ("C", 15.0), ("D", 5.0)]])
    assert kpis.abc_classes(stock)["abc"].tolist() == ["A", "A", "B", "C"]
    summary = kpis.abc_summary(kpis.abc_classes(stock))
    assert summary.loc["A"].tolist() == [2, 80.0, 0.8]


def test_abc_ties_in_value_rank_by_sku():
    stock = lots_frame([{"sku": "B", "value": 10.0}, {"sku": "A", "value": 10.0}])
    assert kpis.abc_classes(stock)["sku"].tolist() == ["A", "B"]


@pytest.mark.parametrize(("age", "bucket"), [
    (0, "0-7"), (7, "0-7"), (8, "8-15"), (15, "8-15"), (16, "16-30"), (30, "16-30"), (31, "31-90"),
    (90, "31-90"), (91, "91-180"), (180, "91-180"), (181, ">180"), (900, ">180"),
])
def test_aging_bucket_edges_are_inclusive(age, bucket):
    stock = lots_frame([{"sku": "A", "value": 10.0, "qty": 2.0, "receipt_date": days_before("2025-12-31", age)}])
    table = kpis.aging_buckets(stock, AS_OF).set_index("bucket")
    assert table.loc[bucket, "value"] == 10.0
    assert table.loc[bucket, "share"] == 1.0
    assert table["value"].sum() == 10.0


def test_aging_table_counts_qty_value_share_and_distinct_skus():
    stock = lots_frame([
        {"sku": "A", "value": 30.0, "qty": 3.0, "receipt_date": "2025-12-30"},
        {"sku": "A", "value": 10.0, "qty": 1.0, "receipt_date": "2025-12-29"},
        {"sku": "B", "value": 60.0, "qty": 6.0, "receipt_date": "2025-01-01"},
    ])
    table = kpis.aging_buckets(stock, AS_OF).set_index("bucket")
    assert table.loc["0-7"].tolist() == [4.0, 40.0, 0.4, 1]
    assert table.loc[">180"].tolist() == [6.0, 60.0, 0.6, 1]
    assert list(table.index) == list(kpis.AGING_BUCKETS)


def test_lot_without_receipt_date_is_counted_under_unknown_age():
    stock = lots_frame([{"sku": "A", "value": 5.0, "receipt_date": None}, {"sku": "B", "value": 5.0,
                                                                            "receipt_date": "2025-12-30"}])
    table = kpis.aging_buckets(stock, AS_OF).set_index("bucket")
    assert table.loc["unknown", "value"] == 5.0
    assert table["value"].sum() == 10.0


@pytest.mark.parametrize(("stock_type", "idle", "is_slob"), [
    ("finished_goods", 180, False), ("finished_goods", 181, True),
    ("raw_material", 30, False), ("raw_material", 31, True),
    ("packaging", 180, False), ("packaging", 181, True),
    ("other", 181, True),
])
def test_slob_threshold_per_stock_type(stock_type, idle, is_slob):
    stock = lots_frame([{"sku": "A", "value": 10.0, "stock_type": stock_type,
                         "receipt_date": days_before("2025-12-31", idle)}])
    assert kpis.slob_summary(stock, AS_OF, KpiSettings())["value"] == (10.0 if is_slob else 0.0)


def test_slob_uses_last_move_date_when_present_and_reports_share_and_types():
    stock = lots_frame([
        {"sku": "A", "value": 40.0, "stock_type": "raw_material", "receipt_date": "2024-01-01",
         "last_move_date": "2025-12-20"},  # old receipt, moved 11 days ago → not SLOB
        {"sku": "B", "value": 10.0, "stock_type": "raw_material", "receipt_date": "2025-10-01",
         "last_move_date": None},  # 91 days old, never moved → SLOB
        {"sku": "C", "value": 50.0, "stock_type": "finished_goods", "receipt_date": "2025-01-01",
         "last_move_date": "2025-06-01"},  # idle 213 days → SLOB
    ])
    slob = kpis.slob_summary(stock, AS_OF, KpiSettings())
    assert slob["value"] == 60.0
    assert slob["share"] == pytest.approx(0.6)
    assert slob["sku_count"] == 2
    assert slob["by_stock_type"] == {"finished_goods": {"value": 50.0, "sku_count": 1},
                                     "raw_material": {"value": 10.0, "sku_count": 1}}


def test_slob_thresholds_are_configurable():
    stock = lots_frame([{"sku": "A", "value": 10.0, "stock_type": "finished_goods",
                         "receipt_date": days_before("2025-12-31", 100)}])
    settings = KpiSettings(slob_days={"finished_goods": 90, "raw_material": 30})
    assert kpis.slob_summary(stock, AS_OF, settings)["value"] == 10.0


@pytest.mark.parametrize(("idle", "band"), [(180, None), (181, "d181_365"), (365, "d181_365"), (366, "over_365")])
def test_dead_stock_band_edges(idle, band):
    stock = lots_frame([{"sku": "A", "value": 7.0, "qty": 3.0, "receipt_date": days_before("2025-12-31", idle)}])
    dead = kpis.dead_stock(stock, AS_OF)
    for name in ("over_365", "d181_365"):
        expected = {"value": 7.0, "qty": 3.0, "sku_count": 1} if name == band else \
            {"value": 0.0, "qty": 0.0, "sku_count": 0}
        assert dead[name] == expected


def test_risk_worklist_lists_dead_stock_lots_most_valuable_first_with_tracker_fields():
    stock = lots_frame([
        {"sku": "A", "batch": "B1", "value": 10.0, "receipt_date": "2024-01-01", "owner": "张伟", "action": "促销"},
        {"sku": "B", "batch": "B2", "value": 90.0, "receipt_date": "2025-05-01", "owner": None, "action": None},
        {"sku": "C", "batch": "B3", "value": 500.0, "receipt_date": "2025-12-01", "owner": None, "action": None},
    ])
    worklist = kpis.risk_worklist(stock, AS_OF)
    assert worklist["lot_key"].tolist() == ["B|成品仓|B2", "A|成品仓|B1"]
    assert worklist["band"].tolist() == ["d181_365", "over_365"]
    assert worklist.loc[1, "owner"] == "张伟"


def test_supplier_backlog_top5_with_units_and_shares():
    rows = [{"sku": f"S{i}", "supplier": f"V{i}", "value": float(10 * i), "qty": float(i), "unit": "pcs"}
            for i in range(1, 7)]
    rows.append({"sku": "X", "supplier": "V6", "value": 4.0, "qty": 1.0, "unit": "吨"})
    stock = lots_frame(rows)
    backlog = kpis.supplier_backlog(stock, 5)
    assert backlog["supplier"].tolist() == ["V6", "V5", "V4", "V3", "V2"]
    assert backlog.iloc[0].tolist() == ["V6", 7.0, "mixed", 64.0, pytest.approx(64 / 214)]
    assert backlog.iloc[1]["unit"] == "pcs"


def _turnover_case(opening: float, closing: float, cogs: list[float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    lots = pd.concat([lots_frame([{"sku": "A", "value": opening, "qty": 1.0}], snapshot="2024-12-31"),
                      lots_frame([{"sku": "A", "value": closing, "qty": 1.0}], snapshot="2025-12-31")])
    dates = pd.date_range("2025-01-15", periods=len(cogs), freq="MS").astype("datetime64[s]")
    movements = pd.DataFrame({"date": dates, "sku": "A", "qty_out": 1.0, "cogs": cogs})
    return lots, movements


@pytest.mark.parametrize(("opening", "closing", "cogs", "ito", "dio"), [
    (200.0, 300.0, 1200.0, 4.8, 76.04),
    (500.0, 700.0, 3000.0, 5.0, 73.0),
])
def test_spec_worked_turnover_checks(opening, closing, cogs, ito, dio):
    lots, movements = _turnover_case(opening, closing, [cogs / 4] * 4)
    result = kpis.turnover(lots, movements, Period.ending(AS_OF, 365), KpiSettings())
    assert result["period_days"] == 365
    assert result["cogs"] == cogs
    assert result["avg_inventory"] == (opening + closing) / 2
    assert result["ito"] == pytest.approx(ito)
    assert result["dio"] == pytest.approx(dio, abs=0.005)


def test_dio_on_a_360_day_basis():
    lots, movements = _turnover_case(200.0, 300.0, [1200.0])
    result = kpis.turnover(lots, movements, Period.ending(AS_OF, 365), KpiSettings(day_basis=360))
    assert result["ito"] == pytest.approx(4.8)
    assert result["dio"] == pytest.approx(75.0)


def test_average_inventory_is_the_mean_over_every_snapshot_in_the_period():
    lots = pd.concat([lots_frame([{"sku": "A", "value": v}], snapshot=d) for d, v in
                      [("2024-12-31", 100.0), ("2025-06-30", 400.0), ("2025-12-31", 100.0), ("2024-11-30", 9e9)]])
    assert kpis.average_inventory(lots, Period.ending(AS_OF, 365)) == 200.0


def test_cogs_falls_back_to_qty_out_times_unit_cost_from_the_lots():
    lots = pd.concat([lots_frame([{"sku": "A", "value": 20.0, "qty": 10.0}], snapshot="2024-12-31"),
                      lots_frame([{"sku": "A", "value": 30.0, "qty": 10.0},
                                  {"sku": "A", "value": 10.0, "qty": 10.0}], snapshot="2025-12-31")])
    # unit cost of A at the as-of snapshot: 40 / 20 = 2.0 → COGS = 150 × 2 = 300; average = (20 + 40) / 2 = 30
    dates = pd.to_datetime(["2025-03-01", "2025-09-01", "2024-12-31"]).astype("datetime64[s]")
    movements = pd.DataFrame({"date": dates, "sku": ["A", "A", "A"], "qty_out": [100.0, 50.0, 999.0]})
    result = kpis.turnover(lots, movements, Period.ending(AS_OF, 365), KpiSettings())
    assert result["cogs"] == 300.0
    assert result["ito"] == pytest.approx(10.0)


def test_cogs_is_summed_in_exact_cents_whatever_the_order_of_the_rows():
    # 0.1 + 0.2 + 0.3 in floats is 0.6000000000000001, and 0.3 + 0.2 + 0.1 is 0.6: in cents both are 60 → 0.60
    lots, movements = _turnover_case(100.0, 100.0, [0.1, 0.2, 0.3])
    reversed_rows = movements.assign(cogs=[0.3, 0.2, 0.1])
    for rows in (movements, reversed_rows):
        assert kpis.turnover(lots, rows, Period.ending(AS_OF, 365), KpiSettings())["cogs"] == 0.6
    # without a cogs column: three issues of one unit at 1.00 ÷ 10 = 0.10 each → 30 cents (floats: 0.30000000000000004)
    lots = lots_frame([{"sku": "A", "value": 1.0, "qty": 10.0}], snapshot="2025-12-31")
    issues = movements.drop(columns="cogs")
    assert kpis.turnover(lots, issues, Period.ending(AS_OF, 365), KpiSettings())["cogs"] == 0.3


def test_movements_of_skus_without_a_cost_are_counted_as_uncosted():
    lots, _ = _turnover_case(100.0, 100.0, [])
    movements = pd.DataFrame({"date": pd.to_datetime(["2025-03-01"]).astype("datetime64[s]"), "sku": ["ZZ"],
                              "qty_out": [5.0]})
    assert kpis.turnover(lots, movements, Period.ending(AS_OF, 365), KpiSettings())["uncosted_rows"] == 1


def test_no_movement_inside_the_period_means_zero_cogs_and_zero_turnover():
    lots, _ = _turnover_case(200.0, 300.0, [])
    early = pd.DataFrame({"date": pd.to_datetime(["2024-12-20"]).astype("datetime64[s]"), "sku": ["A"],
                          "qty_out": [3.0]})
    result = kpis.turnover(lots, early, Period.ending(AS_OF, 365), KpiSettings())
    assert result["cogs"] == 0.0 and result["ito"] == 0.0 and result["dio"] is None


def test_without_movements_ito_and_dio_are_absent_not_zero():
    lots, _ = _turnover_case(200.0, 300.0, [])
    result = kpis.turnover(lots, None, Period.ending(AS_OF, 365), KpiSettings())
    assert result["ito"] is None and result["dio"] is None and result["cogs"] is None


def test_days_of_supply_is_on_hand_over_mean_daily_demand():
    stock = lots_frame([{"sku": "A", "value": 1.0, "qty": 100.0}, {"sku": "B", "value": 1.0, "qty": 5.0}])
    movements = pd.DataFrame({"date": pd.to_datetime(["2025-06-01"]).astype("datetime64[s]"), "sku": ["A"],
                              "qty_out": [730.0]})
    supply = kpis.days_of_supply(stock, movements, Period.ending(AS_OF, 365)).set_index("sku")
    assert supply.loc["A", "days_of_supply"] == pytest.approx(50.0)
    assert pd.isna(supply.loc["B", "days_of_supply"])


def test_planning_metrics_by_hand():
    # In stock at the as-of snapshot: A, B, D (C is at zero); issued: A, B, C → sell-through 2/3.
    # snapshots in period: 2024-12-31 holds A, B; 2025-12-31 holds A, B, D (C stocked out) → 6 pairs, 2 empty.
    opening = lots_frame([{"sku": "A", "value": 50.0, "qty": 5.0}, {"sku": "B", "value": 50.0, "qty": 5.0}],
                         snapshot="2024-12-31")
    closing = lots_frame([{"sku": s, "value": 30.0, "qty": 3.0} for s in "ABD"] +
                         [{"sku": "C", "value": 0.0, "qty": 0.0}])
    lots = pd.concat([opening, closing], ignore_index=True)
    movements = pd.DataFrame({"date": pd.to_datetime(["2025-02-01"] * 3).astype("datetime64[s]"),
                              "sku": list("ABC"), "qty_out": [1.0, 1.0, 1.0], "cogs": [365.0, 365.0, 365.0]})
    stock, period = kpis.stock_at(lots, AS_OF), Period.ending(AS_OF, 365)
    cogs = kpis.turnover(lots, movements, period, KpiSettings())["cogs"]
    assert cogs == 1095.0
    metrics = kpis.planning_metrics(lots, stock, movements, period, cogs, kpis.days_of_supply(stock, movements, period))
    assert metrics["sell_through"] == pytest.approx(2 / 3)
    assert metrics["stockout_rate"] == pytest.approx(2 / 6)
    # monthly COGS = 1095 × (365/12) / 365 = 91.25; TIV 90 → 0.9863
    assert metrics["inventory_sales_ratio"] == pytest.approx(90 / 91.25)


# --- edge cases where the data is the problem (SPEC §3) -------------------------------------------------------

def test_blank_snapshot_cell_is_a_row_problem_not_a_new_snapshot(write_file):
    path = write_file("lots.csv", "snapshot_date,sku,warehouse,qty,value\n2025-12-31,A,成品仓,1,100\n"
                                  "2025-12-31,B,成品仓,1,50\n,C,成品仓,1,7\n")
    loaded = load_lots(path)
    assert loaded.rejected["row"].tolist() == [4]
    assert loaded.problems["message"].tolist() == ["lots.csv: row 4, column 'snapshot_date': is empty: the lot "
                                                   "belongs to no snapshot"]
    _, snapshot, stock = kpis.as_of_stock(loaded.data)
    assert snapshot == AS_OF and kpis.total_inventory_value(stock) == 150.0


def test_a_blank_snapshot_date_among_dates_never_becomes_today():
    lots = lots_frame([{"sku": "A", "value": 100.0}, {"sku": "B", "value": 50.0}, {"sku": "C", "value": 7.0}])
    lots.loc[2, "snapshot_date"] = pd.NaT
    _, snapshot, stock = kpis.as_of_stock(lots)
    assert snapshot == AS_OF and kpis.total_inventory_value(stock) == 150.0


def _three_months_of_movements() -> tuple[pd.DataFrame, pd.DataFrame]:
    lots = pd.concat([lots_frame([{"sku": "A", "value": v, "qty": 1.0}], snapshot=d)
                      for d, v in [("2024-12-31", 200.0), ("2025-09-30", 250.0), ("2025-12-31", 300.0)]])
    dates = pd.date_range("2025-10-01", "2025-12-31").astype("datetime64[s]")  # 92 days
    return lots, pd.DataFrame({"date": dates, "sku": "A", "qty_out": 1.0, "cogs": 3.0})


def test_three_months_of_movements_are_annualised_over_the_days_they_cover():
    # 92 days × 3 = COGS 276; period (2025-09-30, 2025-12-31]: average of the snapshots in it (250 + 300)/2 = 275.
    # ITO = 276 × 365/92 / 275 = 3 × 365 / 275 = 3.98182; DIO = 275 / 3 = 91.667. Over 365 days it would be 1.10.
    lots, movements = _three_months_of_movements()
    result = kpis.turnover(lots, movements, Period.ending(AS_OF, 365), KpiSettings())
    assert result["short_history"] and result["period_days"] == 92
    assert result["cogs"] == 276.0 and result["avg_inventory"] == 275.0
    assert result["ito"] == pytest.approx(3 * 365 / 275) and result["dio"] == pytest.approx(275 / 3)


def test_sparse_movements_over_the_year_keep_the_full_period():
    # Issues on 1 March and 1 September only: the quiet start (60 days) is shorter than twice the gap after it.
    lots, _ = _three_months_of_movements()
    dates = pd.to_datetime(["2025-03-01", "2025-09-01"]).astype("datetime64[s]")
    movements = pd.DataFrame({"date": dates, "sku": "A", "qty_out": 1.0, "cogs": 600.0})
    result = kpis.turnover(lots, movements, Period.ending(AS_OF, 365), KpiSettings())
    assert not result["short_history"] and result["period_days"] == 365


def test_short_history_is_said_on_the_command_line(write_file, capsys):
    lots, movements = _three_months_of_movements()
    lots_path, moves_path = write_file("lots.csv", lots.to_csv(index=False)), write_file("m.csv", movements.to_csv(
        index=False))
    assert main(["report", str(lots_path), "--movements", str(moves_path)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["ito"] == pytest.approx(3 * 365 / 275)
    assert "warning: movements cover only 92 days (from 2025-10-01): COGS is annualised over those days, not 365" \
        in err


def test_risk_worklist_keeps_every_lot_without_a_batch_column():
    # Two dead lots of A in one warehouse and no batch column: two rows, 30 in value, not one row of 20.
    stock = lots_frame([{"sku": "A", "value": 10.0, "receipt_date": "2024-01-01"},
                        {"sku": "A", "value": 20.0, "receipt_date": "2024-06-01"}])
    worklist = kpis.risk_worklist(stock, AS_OF)
    assert worklist["lot_key"].tolist() == ["A|成品仓|#2", "A|成品仓|"]
    assert worklist["value"].sum() == 30.0


def test_worklist_ties_in_value_go_by_lot_key_and_lots_without_a_value_go_last():
    table = pd.DataFrame({"value": [5.0, None, 7.5, 5.0, None, 0.0, -0.0, 5.0],
                          "lot_key": ["b|仓|1", "a|仓|", "z|仓|", "a|仓|2", "Z|仓|", "y|仓|", "x|仓|", "a|仓|10"]})
    order = kpis.most_valuable_first(table["value"].to_numpy(float), table["lot_key"].to_numpy())
    ordered = table["lot_key"].take(order).tolist()
    assert ordered == ["z|仓|", "a|仓|10", "a|仓|2", "b|仓|1", "x|仓|", "y|仓|", "Z|仓|", "a|仓|"]


def test_lots_sharing_a_key_are_numbered_in_file_order_and_the_others_keep_theirs():
    stock = lots_frame([{"sku": sku, "batch": batch, "value": 1.0} for sku, batch in
                        [("A", "B1"), ("A", None), ("C", "B1"), ("A", ""), ("A", "B1"), ("A", None)]])
    assert kpis.lot_keys(stock).tolist() == ["A|成品仓|B1", "A|成品仓|", "C|成品仓|B1", "A|成品仓|#2",
                                             "A|成品仓|B1#2", "A|成品仓|#3"]


def test_movements_without_a_unit_cost_are_counted_and_warned_on_the_command_line(write_file, capsys):
    lots = write_file("lots.csv", "snapshot_date,sku,warehouse,qty,value\n2024-12-31,A,成品仓,10,100\n"
                                  "2025-12-31,A,成品仓,10,100\n")
    moves = write_file("m.csv", "date,sku,qty_out\n2025-03-01,A,2\n2025-06-01,ZZ,5\n2025-09-01,ZZ,1\n")
    assert main(["report", str(lots), "--movements", str(moves)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["cogs"] == 20.0  # A: 2 × 10; ZZ has no unit cost
    assert "warning: 2 movement rows of SKUs with no unit cost in the lots are not in COGS" in err


def test_receipt_only_movement_row_is_accepted(write_file):
    path = write_file("m.csv", "date,sku,qty_out,qty_in\n2025-03-01,A,,5\n2025-03-02,A,2,\n2025-03-03,A,,\n")
    loaded = load_movements(path)
    assert loaded.data["qty_out"].tolist() == [0.0, 2.0]
    assert loaded.data["qty_in"].fillna(0).tolist() == [5.0, 0.0]
    assert loaded.problems["message"].tolist() == ["m.csv: row 4, column 'qty_out': is empty"]


def test_abc_class_does_not_flip_at_exactly_80_percent_from_rounding():
    # Shares .7 .1 .1 .1: C is ranked after exactly 80 % → B. In floating point .7 + .1 + .1 − .1 = .79999….
    for scale in (1.0, 0.01, 123.45):
        stock = lots_frame([{"sku": s, "value": v * scale} for s, v in [("A", 70.0), ("B", 10.0), ("C", 10.0),
                                                                          ("D", 10.0)]])
        assert kpis.abc_classes(stock)["abc"].tolist() == ["A", "A", "B", "B"]


def test_receipt_after_as_of_is_not_new_stock():
    stock = lots_frame([{"sku": "A", "value": 10.0, "receipt_date": "2025-12-28"},
                        {"sku": "B", "value": 40.0, "receipt_date": "2026-01-05"}])
    aging = kpis.aging_buckets(stock, AS_OF).set_index("bucket")["value"]
    assert aging["0-7"] == 10.0 and aging["unknown"] == 40.0
    assert kpis.future_receipts(stock, AS_OF)["sku"].tolist() == ["B"]


def test_receipt_after_as_of_is_warned_on_the_command_line(write_file, capsys):
    lots = write_file("lots.csv", "snapshot_date,sku,warehouse,qty,value,receipt_date\n"
                                  "2025-12-31,A,成品仓,1,10,2025-12-28\n2025-12-31,B,成品仓,1,40,2026-01-05\n")
    assert main(["report", str(lots)]) == 0
    out, err = capsys.readouterr()
    assert [b["value"] for b in json.loads(out)["aging"] if b["bucket"] in ("0-7", "unknown")] == [10.0, 40.0]
    assert "warning: 1 lots have a receipt date after 2025-12-31 (e.g. B): counted in TIV, aged as 'unknown'" in err


def test_dashboard_counts_receipts_after_as_of_and_shortens_its_period():
    from core.kpis.dashboard import build_dashboard
    from core.kpis.report import Dataset

    lots, movements = _three_months_of_movements()
    lots = lots.assign(receipt_date=pd.Timestamp("2025-06-01"))
    lots.loc[lots["snapshot_date"] == AS_OF, "receipt_date"] = pd.Timestamp("2026-02-01")
    numbers = build_dashboard(Dataset(lots, movements))
    assert numbers.future_receipt_lots == 1
    assert numbers.turnover["period_days"] == 92 and numbers.turnover["ito"] == pytest.approx(3 * 365 / 275)


# --- exact money: totals, shares and ties from integer cents (issue 24) ----------------------------------------

def test_skus_with_equal_cent_totals_rank_by_name_not_by_float_noise():
    # A's two lots make 796,681.65 exactly, as B's one lot does; added as floats they make 796,681.6499999999,
    # which used to put B first. Equal values are ordered by SKU code (docs/kpis.md).
    stock = lots_frame([{"sku": "B", "value": 796681.65}, {"sku": "A", "value": 79.20},
                        {"sku": "A", "value": 796602.45}, {"sku": "C", "value": 0.10}])
    abc = kpis.abc_classes(stock)
    assert abc["sku"].tolist() == ["A", "B", "C"]
    assert abc["value"].tolist() == [796681.65, 796681.65, 0.10]
    half = float(Fraction(79668165, 2 * 79668165 + 10))  # each one's share of the exact total, 1,593,363.40
    assert abc["share"].tolist() == [half, half, float(Fraction(10, 2 * 79668165 + 10))]
    assert abc["abc"].tolist() == ["A", "A", "C"]  # B is ranked after 49.99999 %, C after 99.99999 %
    by_bu = kpis.value_share(stock.assign(bu=stock["sku"].map({"A": "BU9", "B": "BU1", "C": "BU5"})), "bu")
    assert by_bu["bu"].tolist() == ["BU1", "BU9", "BU5"]  # the same tie among BUs: by name


def test_values_quantities_and_shares_add_up_to_the_exact_decimals():
    # 0.1 + 0.2 is 0.30000000000000004 in floating point; the KPIs say 0.3.
    stock = lots_frame([{"sku": "A", "value": 0.1, "qty": 0.1, "receipt_date": "2025-12-30"},
                        {"sku": "B", "value": 0.2, "qty": 0.2, "receipt_date": "2025-12-29"},
                        {"sku": "C", "value": 0.7, "qty": 0.7, "receipt_date": "2025-01-02"}])
    assert kpis.total_inventory_value(stock) == 1.0
    aging = kpis.aging_buckets(stock, AS_OF).set_index("bucket")
    assert aging.loc["0-7"].tolist() == [0.3, 0.3, 0.3, 2]
    assert aging.loc[">180"].tolist() == [0.7, 0.7, 0.7, 1]
    summary = kpis.abc_summary(kpis.abc_classes(stock))
    # C (ranked after 0 %) and B (after 70 %) are A, A (after 90 %) is B; 0.7 + 0.2 as floats is 0.8999999999999999
    assert summary.loc["A"].tolist() == [2, 0.9, 0.9]
    assert summary.loc["B"].tolist() == [1, 0.1, 0.1]
    assert summary.loc["C"].tolist() == [0, 0.0, 0.0]


def test_a_history_kept_as_snapshot_files_reports_what_the_whole_file_reports(tmp_path):
    # The streamed history (trend over every snapshot kept, other figures from the as-of one) is the same report.
    from core.kpis.history import history_report, keep_snapshots
    from core.kpis.report import Dataset, build_report

    lots = pd.concat([
        lots_frame([{"sku": "A", "value": 10.5, "supplier": "V1", "receipt_date": "2024-01-01"}],
                   snapshot="2025-10-31"),
        lots_frame([{"sku": "A", "value": 20.25, "supplier": "V1", "receipt_date": "2024-01-01"},
                    {"sku": "B", "value": 5.0, "supplier": None, "receipt_date": "2025-11-20"}], snapshot="2025-11-30"),
        lots_frame([{"sku": "B", "value": 7.0, "supplier": "V2", "receipt_date": "2025-11-20"},
                    {"sku": "C", "value": 7.0, "supplier": "V1", "receipt_date": "2025-12-30"}], snapshot="2025-12-31"),
    ], ignore_index=True)
    assert len(keep_snapshots(lots, tmp_path / "history")) == 3
    for as_of in (None, "2025-12-15"):
        kept = history_report(tmp_path / "history", as_of)
        assert kept == build_report(Dataset(lots), as_of)
    assert [row["tiv"] for row in kept["trend"]] == [10.5, 25.25]  # as of 2025-11-30: two months
    assert history_report(tmp_path / "history")["ranking_sku"][:2] == [
        {"sku": "B", "value": 7.0, "share": 0.5, "abc": "A"}, {"sku": "C", "value": 7.0, "share": 0.5, "abc": "A"}]


def test_filter_changes_and_the_worklist_use_the_loaded_lots_converted_once(monkeypatch):
    from core.kpis import frame
    from core.kpis.dashboard import Filters, build_dashboard, build_worklist
    from core.kpis.report import Dataset

    conversions = []
    convert = frame.kpi_frame
    monkeypatch.setattr(frame, "kpi_frame", lambda lots: conversions.append(len(lots)) or convert(lots))
    lots = lots_frame([{"sku": "A", "bu": "BU1", "value": 10.0, "receipt_date": "2024-01-01"},
                       {"sku": "B", "bu": "BU2", "value": 30.0, "receipt_date": "2025-12-01"}])
    data = Dataset(lots)
    assert build_dashboard(data).tiv == 40.0
    assert build_dashboard(Dataset(lots), filters=Filters(bu=("BU1",))).tiv == 10.0  # a rerun's new Dataset
    assert build_worklist(data, filters=Filters(bu=("BU2",))).empty
    assert build_worklist(data)["sku"].tolist() == ["A"]
    assert conversions == [2]


def test_lot_states_worked_out_once_give_the_figures_of_each_date_and_setting_they_were_made_for():
    # idle days at 2025-12-31: A 400 (dead, > 365), B 200 (181–365), C 40 (raw material: SLOB past 30 days), D 5
    stock = lots_frame([
        {"sku": "A", "value": 100.0, "last_move_date": days_before("2025-12-31", 400), "receipt_date": "2024-01-01"},
        {"sku": "B", "value": 50.0, "last_move_date": days_before("2025-12-31", 200), "receipt_date": "2025-01-01"},
        {"sku": "C", "value": 20.0, "last_move_date": days_before("2025-12-31", 40), "receipt_date": "2025-11-01",
         "stock_type": "raw_material"},
        {"sku": "D", "value": 5.0, "last_move_date": days_before("2025-12-31", 5), "receipt_date": "2025-12-26"},
    ])
    settings = KpiSettings()
    with_states = kpis.with_lot_states(stock, AS_OF, settings)
    assert kpis.slob_summary(with_states, AS_OF, settings)["value"] == 170.0  # A, B (> 180 days) and C (> 30)
    assert kpis.dead_stock(with_states, AS_OF)["over_365"]["value"] == 100.0
    assert kpis.dead_stock(with_states, AS_OF)["d181_365"]["value"] == 50.0
    assert kpis.aging_table(with_states, AS_OF)["value"].to_list() == kpis.aging_table(stock, AS_OF)["value"].to_list()
    # a state made for 2025-12-31 and the default thresholds is not read for another date or other thresholds
    earlier, strict = pd.Timestamp("2025-07-01"), KpiSettings(slob_days={"raw_material": 10})
    assert kpis.dead_stock(with_states, earlier) == kpis.dead_stock(stock, earlier)
    assert kpis.slob_summary(with_states, AS_OF, strict) == kpis.slob_summary(stock, AS_OF, strict)
    assert kpis.aging_table(with_states, earlier).equals(kpis.aging_table(stock, earlier))


def test_a_receipt_date_column_blank_on_every_row_knows_no_age():
    """Reviewer: a file whose 入库日期 column was empty on every row read SLOB 0.0 % (in green) and 'no lot over
    180 days': no age is known, so SLOB and dead stock are unknown (None), as for a file without the column."""
    from core.kpis.dashboard import build_dashboard
    from core.kpis.report import Dataset

    lots = lots_frame([{"sku": "A", "value": 100.0}, {"sku": "B", "value": 50.0}])
    lots["receipt_date"] = pd.Series([pd.NaT, pd.NaT], dtype="datetime64[s]")
    numbers = build_dashboard(Dataset(lots, None, "CNY"))
    assert numbers.has_ages is False and numbers.slob is None and numbers.dead_stock is None
    dated = lots.assign(receipt_date=pd.to_datetime(["2024-01-01", None]).astype("datetime64[s]"))
    assert build_dashboard(Dataset(dated, None, "CNY")).slob is not None
