"""One language at a time (issue 22): stored values never change with the language, what is stored is codes and
canonical units, and every screen shows the words of the language chosen."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from core.intake.loading import load_lots, load_movements
from core.kpis.dashboard import build_worklist
from core.kpis.report import Dataset
from core.storage import InvalidEdit, Store, edits_from_editor
from tests.conftest import ROOT, SAMPLE
from ui.i18n import catalog, worklist_label_codes


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("IDB_DATA_DIR", str(tmp_path / "data"))
    from ui import state
    state.database.clear()
    return tmp_path / "data"


@pytest.fixture(scope="module")
def sample() -> Dataset:
    lots, movements = load_lots(SAMPLE / "lots.csv.gz"), load_movements(SAMPLE / "movements.csv.gz")
    return Dataset(lots.data, movements.data, lots.currency)


def open_page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_worklist_labels_saved_in_either_language_become_codes_when_an_old_database_opens(tmp_path):
    url = f"sqlite:///{tmp_path / 'board.sqlite'}"
    Store(url).save_worklist_edits(pd.DataFrame({
        "lot_key": ["a", "b", "c", "d"], "owner": ["张伟", None, None, None],
        "action": ["报废申请", "Scrap application", "promotion", "自己写的措施"],
        "action_status": ["进行中", "In progress", " done ", None]}))  # as saved before codes
    saved = Store(url, labels=worklist_label_codes()).worklist_edits().set_index("lot_key")
    assert saved["action"].tolist() == ["scrap", "scrap", "promotion", "自己写的措施"]
    assert saved.loc[["a", "b", "c"], "action_status"].tolist() == ["doing", "doing", "done"]
    with sa.create_engine(url).connect() as connection:  # migrated in the database, not only when read
        stored = dict(connection.execute(sa.text("SELECT lot_key, action FROM worklist")).all())
    assert stored == {"a": "scrap", "b": "scrap", "c": "promotion", "d": "自己写的措施"}


def test_an_edit_saved_as_a_label_of_either_language_is_stored_as_its_code(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'board.sqlite'}", labels=worklist_label_codes())
    shown = pd.DataFrame({"lot_key": ["a", "b"], "owner": [None, None], "action": [None, None],
                          "action_status": [None, None]})
    store.save_worklist_edits(edits_from_editor(shown, {0: {"action": "Return to supplier", "action_status": "已完成"},
                                                        1: {"action": "跨部门调拨"}}))
    saved = store.worklist_edits().set_index("lot_key")
    assert saved.loc["a", ["action", "action_status"]].tolist() == ["return", "done"]
    assert saved.loc["b", "action"] == "transfer"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_worklist_shows_and_offers_only_the_words_of_the_language_chosen(lang, sample, data_folder):
    lots = build_worklist(sample).head(3).reset_index(drop=True)
    Store().save_worklist_edits(edits_from_editor(lots, {0: {"action": "报废申请", "action_status": "进行中"},
                                                         1: {"action": "Promotion", "action_status": "Done"}}))
    at = open_page("pages/risk.py", lang)
    editor = next(e for e in at.data_editor if "lot_key" in e.value.columns)
    rows = editor.value.set_index("lot_key")
    words = catalog(lang)
    assert rows.loc[lots.loc[0, "lot_key"], ["action", "action_status"]].tolist() == [
        words["risk.action.scrap"], words["risk.status.doing"]]
    assert rows.loc[lots.loc[1, "lot_key"], ["action", "action_status"]].tolist() == [
        words["risk.action.promotion"], words["risk.status.done"]]
    config = json.loads(editor.proto.columns)
    offered = {o for column in ("action", "action_status") for o in config[column]["type_config"]["options"]}
    other = catalog("zh" if lang == "en" else "en")
    theirs = {other[k] for k in other if k.startswith(("risk.action.", "risk.status."))}
    assert {words[f"risk.action.{a}"] for a in ("transfer", "scrap", "return")} <= offered
    assert not offered & (theirs - set(words.values())), "the other language's words are offered"



def test_released_cash_above_planned_is_refused_unless_marked_exceeded_with_a_reason(tmp_path):
    """Issue 22 item 4: 9,999万 released on a ¥198.31万 step was accepted (完成 1453.2 %)."""
    store = Store(f"sqlite:///{tmp_path / 'board.sqlite'}")
    step = store.add_plan_step("促销原材料仓呆滞", "李娜", None, 1_983_100.0)
    other = store.add_plan_step("暂停采购", None, None, 500_000.0)
    plan = store.plan()
    plan.loc[plan["id"] == step, "released_cash"] = 999_900_000.0
    plan.loc[plan["id"] == other, "released_cash"] = 200_000.0
    with pytest.raises(InvalidEdit) as refused:
        store.update_plan(plan)
    assert [(p["field"], p["code"], p["released"], p["planned"]) for p in refused.value.problems] == [
        ("released_cash", "released_above_planned", 999_900_000.0, 1_983_100.0)]
    saved = store.plan().set_index("id")
    assert saved.loc[step, "released_cash"] == 0.0, "the impossible step is left as saved"
    assert saved.loc[other, "released_cash"] == 200_000.0, "the other step is saved"
    plan = store.plan()
    plan.loc[plan["id"] == step, ["released_cash", "status"]] = [2_100_000.0, "exceeded"]
    with pytest.raises(InvalidEdit):  # exceeded, but no reason given
        store.update_plan(plan)
    plan = store.plan()
    plan.loc[plan["id"] == step, ["released_cash", "status", "evidence"]] = [2_100_000.0, "exceeded", "客户追加订单"]
    store.update_plan(plan)
    assert store.plan().set_index("id").loc[step, "released_cash"] == 2_100_000.0


def test_a_typed_due_date_before_the_step_was_created_and_negative_money_are_refused(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'board.sqlite'}")
    step = store.add_plan_step("报废", None, None, 1000.0)
    plan = store.plan()
    plan.loc[plan["id"] == step, "due_date"] = dt.date(2000, 1, 1)
    with pytest.raises(InvalidEdit) as refused:
        store.update_plan(plan)
    assert refused.value.problems[0]["code"] == "due_before_created"
    new = pd.DataFrame([{"title": "新步骤", "planned_cash": -5.0, "released_cash": 0.0}])
    with pytest.raises(InvalidEdit) as refused:
        store.update_plan(new)
    assert refused.value.problems[0]["code"] == "negative"
    assert store.plan()["title"].tolist() == ["报废"]


def test_suppliers_to_order_from_counts_named_suppliers_only(data_folder):
    """The sample's lots name 20 suppliers (counted in the file itself); "(no supplier)" is not a 21st."""
    named = pd.read_csv(SAMPLE / "lots.csv.gz", encoding="gbk", usecols=["供应商"])["供应商"].dropna().nunique()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["lang"], at.session_state["po_replications"] = "en", 2
    at.run()
    at.switch_page("pages/plan_orders.py")
    at.run()
    count = int(next(m.value for m in at.metric if m.label == catalog("en")["orders.suppliers"]).replace(",", ""))
    assert named == 20 and 0 < count <= named
