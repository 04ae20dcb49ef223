"""Replenishment proposals (issue 14, SPEC §5 `propose`): today's orders worked out by hand per policy."""

from __future__ import annotations

import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from core.cli.main import main
from core.export import excel_workbook
from core.sim.planning import complete_parameters
from core.sim.proposals import order_today, placeable, proposal_tables, propose, with_lot_suppliers
from core.sim.simulation import Scenario


def levels(policy: str, s: list[float], big_s: list[float], q: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"policy": policy, "reorder_point": s, "order_up_to": big_s, "order_qty": q})


def test_reorder_point_orders_the_smallest_multiple_of_q_lifting_the_position_above_s():
    # s 50, Q 300: position 30 → 1 × 300 (330 > 50); −280 → 2 × 300 (320 > 50); 50 (= s) → 300; 60 → nothing
    qty, rule = order_today(np.array([30.0, -280.0, 50.0, 60.0]), levels("rop", [50] * 4, [350] * 4, [300] * 4))
    assert qty.tolist() == [300.0, 600.0, 300.0, 0.0]
    assert rule.tolist() == ["reorder_point", "reorder_point", "reorder_point", "none"]


def test_periodic_review_orders_up_to_s_today():
    # S 120: position 70 → 50; 120 → 0; 150 → 0 (never negative)
    qty, rule = order_today(np.array([70.0, 120.0, 150.0]), levels("periodic", [50] * 3, [120] * 3, [10] * 3))
    assert qty.tolist() == [50.0, 0.0, 0.0]
    assert rule.tolist() == ["order_up_to", "none", "none"]


def test_min_max_orders_up_to_max_only_at_or_below_min():
    # min 40, max 200: position 25 → 175; 40 → 160; 41 → 0 (above min, though below max)
    qty, rule = order_today(np.array([25.0, 40.0, 41.0]), levels("minmax", [40] * 3, [200] * 3, [160] * 3))
    assert qty.tolist() == [175.0, 160.0, 0.0]
    assert rule.tolist() == ["min_max", "min_max", "none"]


def stock_state() -> pd.DataFrame:
    """SPEC §4's example SKU (μ 100, σ 20, L 9, R 7): S at 95 % = 1600 + 1.6449 × 20 × 4 = 1731.59."""
    params = complete_parameters(pd.DataFrame({
        "sku": ["P1", "P2", "P3", "P4"], "mean_daily_demand": [100.0] * 4, "std_daily_demand": [20.0] * 4,
        "lead_time_days": [9] * 4, "unit_cost": [2.0, 2.0, 5.0, 1.0], "on_hand": [1000.0, 2000.0, 900.0, 0.0],
        "on_order": [200.0, 0.0, 0.0, 0.0]}))
    params["backorders"] = [50.0, 0.0, 0.0, 100.0]
    params["supplier"] = ["Acme", "Acme", "=cmd()", None]
    params["service_level"] = [np.nan, np.nan, 0.99, np.nan]
    return params


def test_periodic_proposal_from_on_hand_open_orders_and_back_orders():
    """Orders in whole units: S − position rounded up."""
    result = propose(stock_state(), Scenario(policy="periodic", service_level=0.95, review_days=7,
                                             demand_distribution="normal"), today=pd.Timestamp("2026-03-02"))
    skus = result.skus.set_index("sku")
    # P1: position 1000 + 200 − 50 = 1150 → 1731.59 − 1150 = 581.59 → 582, value × 2 = 1164
    assert skus.loc["P1", "position"] == 1150
    assert skus.loc["P1", "order_qty"] == 582
    assert skus.loc["P1", "order_value"] == 1164
    assert skus.loc["P1", "arrival"] == pd.Timestamp("2026-03-11")  # today + 9 days
    # P2: position 2000 above S → nothing, but listed
    assert skus.loc["P2", "order_qty"] == 0 and skus.loc["P2", "rule"] == "none"
    # P3: its own 99 % → S = 1600 + 2.3263 × 80 = 1786.11; position 900 → 886.11 → 887 × 5 = 4435
    assert skus.loc["P3", "order_up_to"] == pytest.approx(1786.11, abs=0.01)
    assert skus.loc["P3", "order_value"] == 4435
    # P4: 0 on hand, 100 back-ordered → position −100 → 1831.59 → 1832
    assert skus.loc["P4", "order_qty"] == 1832
    assert result.total_value == 1164 + 4435 + 1832


def test_orders_are_lifted_to_the_moq_and_rounded_up_to_whole_packs():
    # 581.59 with packs of 50 → 12 packs = 600; 3.2 with an MOQ of 100 (no pack) → 100; 130 with MOQ 100, pack 24
    # → 6 packs = 144; 0 stays 0 whatever the MOQ; a blank or zero pack means whole units; half-tonne bags: 1.2 → 1.5
    qty = placeable(np.array([581.59, 3.2, 130.0, 0.0, 7.01, 1.2]),
                    np.array([50.0, np.nan, 24.0, 10.0, 0.0, 0.5]), np.array([np.nan, 100.0, 100.0, 100.0, 0.0, 0.0]))
    assert qty.tolist() == [600.0, 100.0, 144.0, 0.0, 8.0, 1.5]


def test_pack_and_moq_columns_shape_the_proposal():
    params = stock_state().assign(pack_size=[100.0, 100.0, 1.0, 250.0], moq=[0.0, 0.0, 1000.0, 0.0])
    skus = propose(params, Scenario(policy="periodic", service_level=0.95, review_days=7)).skus.set_index("sku")
    assert skus.loc["P1", "order_qty"] == 600  # 581.59 → 6 packs of 100
    assert skus.loc["P3", "order_qty"] == 1000  # 886.11 → the MOQ
    assert skus.loc["P4", "order_qty"] == 2000  # 1831.59 → 8 packs of 250


def test_suppliers_come_from_the_lots_where_the_parameters_name_none():
    """A SKU's supplier: the parameters' own, else its most valuable lot at the latest snapshot naming one,
    else its last stock's (P4 has none today)."""
    lots = pd.DataFrame({
        "snapshot_date": pd.to_datetime(["2026-03-01"] * 4 + ["2026-02-01"]),
        "sku": ["P1", "P2", "P2", "P3", "P4"], "supplier": ["Other", "Small", "Big", None, "Old"],
        "value": [10.0, 5.0, 50.0, 9.0, 1.0]})
    params = with_lot_suppliers(stock_state(), lots)
    assert params["supplier"].tolist() == ["Acme", "Acme", "=cmd()", "Old"]
    bare = with_lot_suppliers(stock_state().drop(columns="supplier"), lots)
    assert bare["supplier"].tolist() == ["Other", "Big", None, "Old"]


def test_suppliers_total_their_order_lines():
    result = propose(stock_state(), Scenario(policy="periodic", service_level=0.95, review_days=7,
                                             demand_distribution="normal"))
    suppliers = result.suppliers
    assert suppliers["supplier"].tolist() == ["=cmd()", "Acme", None]  # by value to order; no supplier last
    acme = suppliers.iloc[1]
    assert (acme["sku_count"], acme["order_qty_lines"]) == (2, 1)
    assert acme["order_value"] == 1164
    assert suppliers["order_value"].sum() == pytest.approx(result.total_value)
    assert result.suppliers_to_order_from == 2  # "=cmd()" and Acme; the SKU without a supplier is not one


def test_workbook_text_cannot_become_a_formula():
    result = propose(stock_state(), Scenario(policy="periodic"))
    tables = proposal_tables(result, {})
    book = openpyxl.load_workbook(io.BytesIO(excel_workbook(tables)))
    cells = [cell for row in book.worksheets[1].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'=cmd()" in [cell.value for cell in cells]


def test_propose_without_on_hand_names_the_row(write_file, capsys):
    path = write_file("p.csv", "sku,mean_daily_demand,std_daily_demand,lead_time_days,unit_cost,on_hand\n"
                               "A,10,2,5,1,30\nB,10,2,5,1,\n")
    code = main(["propose", str(path)])
    _, err = capsys.readouterr()
    assert code == 2 and "row 3" in err and "'on_hand'" in err


def test_propose_rejects_a_service_level_outside_zero_one(write_file, capsys):
    path = write_file("p.csv", "sku,mean_daily_demand,std_daily_demand,lead_time_days,unit_cost,on_hand,"
                               "service_level\nA,10,2,5,1,30,95\n")
    code = main(["propose", str(path)])
    _, err = capsys.readouterr()
    assert code == 2 and "row 2" in err and "'service_level'" in err


PROPOSE_PARAMS = ("sku,mean_daily_demand,std_daily_demand,lead_time_days,unit_cost,on_hand,on_order,supplier\n"
                  "A,100,20,9,2,1000,200,Acme\nB,100,20,9,2,5000,0,Beta\nC,100,20,9,2.5,900,0,\n")


def test_propose_command_json_contract(write_file, capsys):
    """Gamma demand (the default): 16 days are a gamma of shape 400, scale 4, whose 0.95-quantile is
    1600 + 80 × 1.672789 = 1733.82 (Cornish–Fisher, skew 0.1, excess kurtosis 0.015).
    A: 1733.82 − 1200 = 533.82 → 534 units × 2 = 1068, arriving 9 days after 2026-03-02; C: 833.82 → 834 × 2.5."""
    path = write_file("p.csv", PROPOSE_PARAMS)
    code = main(["propose", str(path), "--policy", "periodic", "--service-level", "0.95", "--review-days", "7",
                 "--as-of", "2026-03-02"])
    out, err = capsys.readouterr()
    assert code == 0, err
    payload = json.loads(out)
    assert list(payload) == ["policy", "skus", "suppliers", "total_value"]
    assert [list(row) for row in payload["skus"]] == [["sku", "supplier", "position", "reorder_point",
                                                        "order_up_to", "order_qty", "order_value",
                                                        "expected_arrival", "rule"]] * 3
    assert [row["order_qty"] for row in payload["skus"]] == [534, 0, 834]
    assert [row["expected_arrival"] for row in payload["skus"]] == ["2026-03-11", None, "2026-03-11"]
    assert [row["rule"] for row in payload["skus"]] == ["order_up_to", "none", "order_up_to"]
    assert payload["suppliers"][0] == {"supplier": "Acme", "sku_count": 1, "order_qty_lines": 1,
                                       "order_value": 1068}
    assert payload["suppliers"][-1]["supplier"] is None
    assert payload["total_value"] == 1068 + 2085


def test_propose_text_is_an_order_list_by_supplier(write_file, capsys):
    path = write_file("p.csv", PROPOSE_PARAMS)
    code = main(["propose", str(path), "--format", "text", "--as-of", "2026-03-02"])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Purchase proposal, policy periodic: 2 order lines for 3 SKUs, total 3,153.00"
    assert "(no supplier) — 1 line of 1 SKU, 2,085.00" in lines
    assert "Beta — 0 lines of 1 SKU, 0.00" in lines
    acme = lines.index("Acme — 1 line of 1 SKU, 1,068.00")
    header, row = lines[acme + 1], lines[acme + 2]
    assert header.split() == ["sku", "order", "qty", "value", "arrives", "rule"]
    assert row.split() == ["A", "534", "1,068.00", "2026-03-11", "order_up_to"]
    assert header.index("value") + len("value") == row.index("1,068.00") + len("1,068.00")  # right-aligned


def test_propose_takes_suppliers_from_the_lots_file(write_file, capsys):
    params = write_file("p.csv", PROPOSE_PARAMS.replace(",Acme", ",").replace(",Beta", ","))
    lots = write_file("lots.csv", "sku,warehouse,supplier,qty,unit_cost\nA,成品仓,华东五金,10,2\n"
                                      "C,成品仓,Gamma,1,2.5\n")
    code = main(["propose", str(params), "--lots", str(lots), "--format", "text"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "华东五金 — 1 line of 1 SKU, ¥1,068.00" in out and "Gamma — 1 line of" in out


def test_propose_without_any_supplier_says_how_to_get_them(write_file, capsys):
    path = write_file("p.csv", PROPOSE_PARAMS.replace(",supplier", "").replace(",Acme", "").replace(",Beta", "")
                      .replace("0,\n", "0\n"))
    code = main(["propose", str(path)])
    _, err = capsys.readouterr()
    assert code == 0 and "--lots" in err


def test_propose_rejects_a_negative_pack(write_file, capsys):
    path = write_file("p.csv", "sku,mean_daily_demand,std_daily_demand,lead_time_days,unit_cost,on_hand,pack_size\n"
                               "A,10,2,5,1,30,12\nB,10,2,5,1,30,-6\n")
    code = main(["propose", str(path)])
    _, err = capsys.readouterr()
    assert code == 2 and "row 3" in err and "'pack_size'" in err
