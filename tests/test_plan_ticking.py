"""Ticking recommended actions one by one on the Targets page (AppTest): each lands in the plan once, an owner
typed later goes to its step, and planned cash never exceeds the cash the actions can release."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.intake.loading import load_lots, load_movements
from core.kpis.actions import recommend_actions, total_cash
from core.kpis.measures import KpiSettings, as_of_stock
from core.storage import Store
from tests.conftest import ROOT, SAMPLE
from ui.exports import plan_step_words

TICKED = 8


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("IDB_DATA_DIR", str(tmp_path / "data"))
    from ui import state
    state.database.clear()
    return Store()


def test_ticking_actions_one_by_one_adds_each_once_and_never_beyond_releasable_cash(store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/targets.py")
    at.run()
    editor = next(e for e in at.data_editor if e.key == "actions_editor")
    titles = editor.value.iloc[:TICKED]
    edits: dict[int, dict] = {}
    for position in range(len(titles)):
        edits[position] = {"add": True}
        if position == 2:
            edits[0] = {"add": True, "owner": "李娜"}  # typing an owner must not re-add anything
        at.session_state["actions_editor"] = {"edited_rows": {k: dict(v) for k, v in edits.items()},
                                              "added_rows": [], "deleted_rows": []}
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        plan = store.plan()
        assert plan["title"].is_unique
    plan = store.plan()  # steps are stored as data and worded when shown, here in Chinese as the page was drawn
    plan = plan.assign(title=[plan_step_words(title, None, "CNY")[0] for title in plan["title"]])
    _, snapshot, stock = as_of_stock(load_lots(SAMPLE / "lots.csv.gz").data)
    releasable = total_cash(recommend_actions(stock, snapshot, load_movements(SAMPLE / "movements.csv.gz").data,
                                              KpiSettings()))
    assert plan["planned_cash"].sum() <= releasable + 0.01
    # each ticked action's cash, in order, capped at what was left: worked out from the table the user saw
    left, expected = releasable, {}
    divisor = 10_000
    for _, row in titles.iterrows():
        cash = min(round(row["cash"] * divisor, 2), left)
        if cash > 0.005:
            expected[row["action"]] = cash
            left -= cash
    assert plan.set_index("title")["planned_cash"].to_dict() == pytest.approx(expected, abs=divisor * 0.01)
    assert plan.set_index("title").loc[titles.iloc[0]["action"], "owner"] == "李娜"

