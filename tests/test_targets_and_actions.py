"""Targets, recommended actions and the action plan (issue: from the numbers to what to do this month)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.formatting import money
from core.kpis.actions import ActionSettings, bu_gap_contribution, recommend_actions, total_cash
from core.kpis.measures import KpiSettings
from core.kpis.plan_report import render_plan_html
from core.kpis.report import Dataset
from core.kpis.targets import kpi_history, target_gaps
from core.storage import Store
from tests.conftest import ROOT, days_before, lots_frame
from ui.widgets import tiv_key

AS_OF = pd.Timestamp("2025-12-31")


def stock() -> pd.DataFrame:
    """Hand-made stock: two dead lots in 成品仓, one SLOB raw-material lot, fresh stock, open orders."""
    return lots_frame([
        {"sku": "D1", "warehouse": "成品仓", "stock_type": "finished_goods", "supplier": "V1", "bu": "BU1",
         "value": 500.0, "qty": 5.0, "receipt_date": days_before("2025-12-31", 400)},
        {"sku": "D2", "warehouse": "成品仓", "stock_type": "finished_goods", "supplier": "V1", "bu": "BU1",
         "value": 300.0, "qty": 3.0, "receipt_date": days_before("2025-12-31", 700)},
        {"sku": "R1", "warehouse": "原材料仓", "stock_type": "raw_material", "supplier": "V2", "bu": "BU2",
         "value": 200.0, "qty": 20.0, "receipt_date": days_before("2025-12-31", 45)},
        {"sku": "F1", "warehouse": "成品仓", "stock_type": "finished_goods", "supplier": "V2", "bu": "BU2",
         "value": 1000.0, "qty": 100.0, "receipt_date": days_before("2025-12-31", 10), "on_order": 50.0},
        {"sku": "F2", "warehouse": "成品仓", "stock_type": "finished_goods", "supplier": "V3", "bu": "BU2",
         "value": 100.0, "qty": 10.0, "receipt_date": days_before("2025-12-31", 10), "on_order": 40.0},
    ]).assign(on_order=lambda f: f["on_order"].fillna(0.0))


def movements() -> pd.DataFrame:
    # F1 issues 365 units a year → 1/day → 100 days of supply (> 90); F2 issues 3650 → 10/day → 1 day.
    dates = pd.to_datetime(["2025-06-01", "2025-06-01"]).astype("datetime64[s]")
    return pd.DataFrame({"date": dates, "sku": ["F1", "F2"], "qty_out": [365.0, 3650.0]})


def test_each_rule_with_hand_worked_cash():
    actions = recommend_actions(stock(), AS_OF, movements(), KpiSettings(), ActionSettings(90, 0.30))
    rows = actions[["rule", "subject", "cash", "lots", "skus", "overlaps"]].values.tolist()
    assert rows == [
        # D1 + D2, idle 400 and 700 days
        ["scrap_dead", "成品仓", 800.0, 2, 2, False],
        # V1 holds 800 of 2,100 = 38 % ≥ 30 %; its SLOB is D1 + D2 = 800, already counted above
        ["supplier_backlog", "V1", 800.0, 0, 2, True],
        # F1: 50 on order × unit cost 10 = 500 while holding 100 days of supply; F2 (1 day) is fine
        ["pause_purchases", "V2", 500.0, 0, 1, False],
        # R1, raw material idle 45 days > 30
        ["promote_slob", "原材料仓", 200.0, 1, 1, False],
        # V2 holds 1,200 = 57 %; its SLOB is R1 = 200, already counted above
        ["supplier_backlog", "V2", 200.0, 0, 1, True],
    ]
    assert total_cash(actions) == 800.0 + 500.0 + 200.0
    assert actions.iloc[0]["evidence"] == {"median_idle_days": 550.0}


def test_no_movements_means_no_purchase_rule_but_the_stock_rules_still_apply():
    actions = recommend_actions(stock(), AS_OF, None, KpiSettings(), ActionSettings(90, 0.99))
    assert set(actions["rule"]) == {"scrap_dead", "promote_slob"}


def test_bu_contribution_to_the_gap_by_hand():
    table = bu_gap_contribution(stock(), AS_OF, KpiSettings())
    assert table[["bu", "reducible", "share_of_gap"]].values.tolist() == [["BU1", 800.0, 0.8], ["BU2", 200.0, 0.2]]


def test_target_gaps_ceiling_floor_met_and_monthly_pace():
    current = {"tiv": 1200.0, "ito": 4.0, "dio": 91.25, "slob_share": 0.04}
    targets = {"tiv": {"value": 1000.0, "due_date": dt.date(2026, 6, 30)}, "ito": {"value": 5.0, "due_date": None},
               "slob_share": {"value": 0.05, "due_date": None}}
    gaps = target_gaps(current, targets, AS_OF).set_index("kpi")
    assert gaps.loc["tiv", "gap"] == 200.0 and not gaps.loc["tiv", "met"]
    # 181 days to 2026-06-30 = 5.951 months → 200 / 5.951 = 33.6 a month
    assert gaps.loc["tiv", "monthly_pace"] == pytest.approx(200 / (181 / (365 / 12)))
    assert gaps.loc["ito", "gap"] == 1.0 and pd.isna(gaps.loc["ito", "monthly_pace"])
    assert gaps.loc["slob_share", "met"] and gaps.loc["slob_share", "gap"] == 0.0
    assert "dio" not in gaps.index


def test_kpi_history_per_month_end():
    lots = pd.concat([lots_frame([{"sku": "A", "value": v, "receipt_date": "2025-01-01"}], snapshot=d)
                      for d, v in [("2025-09-30", 100.0), ("2025-10-31", 200.0), ("2025-12-31", 300.0)]])
    moves = pd.DataFrame({"date": pd.to_datetime(["2025-07-01", "2025-12-01"]).astype("datetime64[s]"),
                          "sku": ["A", "A"], "qty_out": [1.0, 1.0], "cogs": [10.0, 250.0]})
    history = kpi_history(Dataset(lots, moves), KpiSettings(), window_days=61)
    assert history["tiv"].tolist() == [100.0, 200.0, 300.0]
    assert history["slob_share"].tolist() == [1.0, 1.0, 1.0]  # received 2025-01-01: idle > 180 days everywhere
    # September's and October's 61-day windows open before the first snapshot (no opening stock): no ITO.
    # December's window opens at the 2025-10-31 snapshot and holds the 250 issue; average (200 + 300) / 2
    # → ITO = 250 × 365/61 / 250.
    assert history["ito"].iloc[:2].isna().all()
    assert history["ito"].iloc[2] == pytest.approx(365 / 61)


def test_plan_steps_persist_and_roll_up(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'plan.sqlite'}")
    first = store.add_plan_step("报废成品仓呆滞", "张伟", dt.date(2026, 1, 31), 800.0, "median idle 550 days")
    store.add_plan_step("暂停采购", None, None, 500.0)
    plan = store.plan()
    plan.loc[plan["id"] == first, ["status", "released_cash"]] = ["done", 600.0]
    store.update_plan(plan)
    again = Store(f"sqlite:///{tmp_path / 'plan.sqlite'}").plan()
    assert again["planned_cash"].sum() == 1300.0 and again["released_cash"].sum() == 600.0
    assert again.loc[again["id"] == first, "status"].item() == "done"
    store.delete_plan_step(first)
    assert store.plan()["title"].tolist() == ["暂停采购"]


def test_targets_persist(tmp_path):
    url = f"sqlite:///{tmp_path / 'targets.sqlite'}"
    Store(url).set_target("ito", 6.5, dt.date(2026, 6, 30))
    assert Store(url).targets() == {"ito": {"value": 6.5, "due_date": dt.date(2026, 6, 30)}}


def test_printable_plan_escapes_text_from_files():
    page = render_plan_html("行动计划", "截至 2025-12-31", {"计划": "¥1,300.00"},
                            {"Plan": pd.DataFrame({"title": ["<script>alert(1)</script>"]})})
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "行动计划" in page


@pytest.fixture
def app_store(tmp_path, monkeypatch):
    monkeypatch.setenv("IDB_DATA_DIR", str(tmp_path / "data"))
    from ui import state
    state.database.clear()
    return Store()


def open_targets(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/targets.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_targets_page_shows_gaps_actions_and_the_plan_rollup(app_store):
    app_store.set_target("ito", 8.0, dt.date(2027, 3, 31))
    app_store.add_plan_step("促销原材料仓呆滞", "李娜", dt.date(2026, 12, 31), 1_000_000.0)
    at = open_targets()
    labels = {m.label: m.value for m in at.metric}
    assert labels["周转率 ITO（不低于）"] == "6.02"
    assert labels["计划释放现金"] == "¥100.00万"
    assert any("可释放" in c.value for c in at.caption)


def test_saving_targets_in_the_form_persists_them(app_store):
    at = open_targets("en")
    at.number_input(key="tg_ito").set_value(7.5)
    at.number_input(key="tg_slob_share").set_value(4.0)
    next(b for b in at.button if b.label == "Save targets").click().run()
    assert app_store.targets()["ito"]["value"] == 7.5
    assert app_store.targets()["slob_share"]["value"] == pytest.approx(0.04)


def test_targets_saved_by_another_session_since_the_form_was_drawn_are_not_overwritten_and_the_loser_is_told(
        app_store):
    alice, bob = open_targets(), open_targets()  # both drawn before either saves
    alice.number_input(key="tg_ito").set_value(7.5)
    next(b for b in alice.button if b.label == "保存目标").click().run()
    bob.number_input(key="tg_ito").set_value(9.0)
    next(b for b in bob.button if b.label == "保存目标").click().run()
    assert app_store.targets()["ito"]["value"] == 7.5
    told = [w.value for w in bob.warning if "他人已先保存" in w.value]
    assert len(told) == 1, [w.value for w in bob.warning]
    assert bob.number_input(key="tg_ito").value == 7.5, "the form now shows what is saved"


def test_a_refused_target_is_told_in_the_money_the_page_shows(app_store):
    alice, bob = open_targets(), open_targets()
    alice.number_input(key=tiv_key(10_000)).set_value(100.0)  # a reduction of ¥100万
    next(b for b in alice.button if b.label == "保存目标").click().run()
    bob.number_input(key=tiv_key(10_000)).set_value(50.0)
    next(b for b in bob.button if b.label == "保存目标").click().run()
    saved = app_store.targets()["tiv"]["value"]
    told = [w.value for w in bob.warning if "他人已先保存" in w.value]
    assert len(told) == 1, [w.value for w in bob.warning]
    assert money(saved, "CNY") in told[0] and money(saved, "CNY").endswith("万")
    assert f"{saved:,.2f}" not in told[0]


def test_a_saved_tiv_target_never_changes_with_the_language(app_store):
    """Issue 22 item 1: a reduction of 1000 万 saved in Chinese reads 10,000 ¥k in English and 1000 万 again in
    Chinese; saving in either language without touching the box keeps the stored target to the yuan."""
    at = open_targets("zh")
    tiv = app_store.targets().get("tiv", {}).get("value")
    at.number_input(key=tiv_key(10_000)).set_value(1000.0)  # ¥1000万 = ¥10,000,000
    next(b for b in at.button if b.label == "保存目标").click().run()
    saved = app_store.targets()["tiv"]["value"]
    assert saved != tiv
    at.session_state["lang"] = "en"
    at.run()
    assert at.number_input(key=tiv_key(1_000)).value == pytest.approx(10_000.0)  # ¥10M in ¥k
    next(b for b in at.button if b.label == "Save targets").click().run()
    assert app_store.targets()["tiv"]["value"] == pytest.approx(saved, abs=0.01)
    at.session_state["lang"] = "zh"
    at.run()
    assert at.number_input(key=tiv_key(10_000)).value == pytest.approx(1000.0)
    next(b for b in at.button if b.label == "保存目标").click().run()
    assert app_store.targets()["tiv"]["value"] == pytest.approx(saved, abs=0.01)


def test_under_a_filter_the_targets_are_the_companys_and_a_save_keeps_the_company_tiv_target(app_store):
    """A lead filtered to one warehouse opens Targets: the TIV box shows the company's saved reduction (¥1,000万
    below the company TIV), not 0 against the warehouse's smaller TIV, and saving keeps the company target; it was
    replaced by the filtered one (found by the reviewer)."""
    from core.intake.loading import load_lots
    from core.kpis import measures as kpis
    from tests.conftest import SAMPLE

    company_tiv = kpis.total_inventory_value(kpis.as_of_stock(load_lots(SAMPLE / "lots.csv.gz").data)[2])
    app_store.set_target("tiv", company_tiv - 10_000_000)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.session_state["filter_warehouse"] = ["半成品仓"]
    at.run()
    at.switch_page("pages/targets.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("全公司" in i.value for i in at.info)
    assert at.number_input(key=tiv_key(10_000)).value == pytest.approx(1000.0)
    next(b for b in at.button if b.label == "保存目标").click().run()
    assert app_store.targets()["tiv"]["value"] == pytest.approx(company_tiv - 10_000_000, abs=0.01)
