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
from core.sim.proposals import order_today, proposal_tables, propose
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
    result = propose(stock_state(), Scenario(policy="periodic", service_level=0.95, review_days=7,
                                             demand_distribution="normal"), today=pd.Timestamp("2026-03-02"))
    skus = result.skus.set_index("sku")
    # P1: position 1000 + 200 − 50 = 1150 → 1731.59 − 1150 = 581.59, value × 2 = 1163.18
    assert skus.loc["P1", "position"] == 1150
    assert skus.loc["P1", "order_qty"] == pytest.approx(581.59, abs=0.01)
    assert skus.loc["P1", "order_value"] == pytest.approx(1163.18, abs=0.02)
    assert skus.loc["P1", "arrival"] == pd.Timestamp("2026-03-11")  # today + 9 days
    # P2: position 2000 above S → nothing, but listed
    assert skus.loc["P2", "order_qty"] == 0 and skus.loc["P2", "rule"] == "none"
    # P3: its own 99 % → S = 1600 + 2.3263 × 80 = 1786.11; position 900 → 886.11 × 5 = 4430.54
    assert skus.loc["P3", "order_up_to"] == pytest.approx(1786.11, abs=0.01)
    assert skus.loc["P3", "order_value"] == pytest.approx(4430.54, abs=0.05)
    # P4: 0 on hand, 100 back-ordered → position −100 → 1831.59
    assert skus.loc["P4", "order_qty"] == pytest.approx(1831.59, abs=0.01)
    assert result.total_value == pytest.approx(1163.18 + 4430.54 + 1831.59, abs=0.1)


def test_suppliers_total_their_order_lines():
    result = propose(stock_state(), Scenario(policy="periodic", service_level=0.95, review_days=7,
                                             demand_distribution="normal"))
    suppliers = result.suppliers
    assert suppliers["supplier"].tolist() == ["=cmd()", "Acme", None]  # by value to order; no supplier last
    acme = suppliers.iloc[1]
    assert (acme["sku_count"], acme["order_qty_lines"]) == (2, 1)
    assert acme["order_value"] == pytest.approx(1163.18, abs=0.02)
    assert suppliers["order_value"].sum() == pytest.approx(result.total_value)


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


def test_propose_command_json_contract(write_file, capsys):
    path = write_file("p.csv", "sku,mean_daily_demand,std_daily_demand,lead_time_days,unit_cost,on_hand,on_order,"
                               "supplier\nA,100,20,9,2,1000,200,Acme\nB,100,20,9,2,5000,0,Beta\n")
    code = main(["propose", str(path), "--policy", "periodic", "--service-level", "0.95", "--review-days", "7"])
    out, err = capsys.readouterr()
    assert code == 0, err
    payload = json.loads(out)
    assert list(payload) == ["policy", "skus", "suppliers", "total_value"]
    assert [list(row) for row in payload["skus"]] == [["sku", "supplier", "position", "reorder_point",
                                                        "order_up_to", "order_qty", "order_value"]] * 2
    # gamma demand (the default): 16 days are a gamma of shape 400, scale 4; its 0.95-quantile by Cornish–Fisher
    # (skew 0.1, excess kurtosis 0.015) is 1600 + 80 × 1.672789 = 1733.82, so 1733.82 − 1200 = 533.82
    assert [row["order_qty"] for row in payload["skus"]] == [pytest.approx(533.82, abs=0.01), 0.0]
    assert payload["suppliers"][0] == {"supplier": "Acme", "sku_count": 1, "order_qty_lines": 1,
                                       "order_value": pytest.approx(1067.65, abs=0.02)}
    assert payload["total_value"] == pytest.approx(1067.65, abs=0.02)
