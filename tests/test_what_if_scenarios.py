"""Saving a what-if scenario: one click saves under the typed name; an existing name is replaced only after the
user confirms."""

from __future__ import annotations

from core.sim.simulation import Scenario
from tests.test_what_if_page import data_folder, what_if  # noqa: F401


def save(at, name: str) -> None:
    at.text_input(key="wi_name").input(name)
    at.button(key="btn_save_scenario").click().run()
    assert not at.exception, [e.value for e in at.exception]


def saved_policy(name: str) -> str:
    from ui import state
    return Scenario.from_dict(state.store().load_scenario(name)).policy


def test_one_click_saves_and_an_existing_name_is_only_replaced_after_confirming():
    at = what_if(wi_policy="rop")
    save(at, "基准")
    assert saved_policy("基准") == "rop"
    at.session_state["wi_policy"] = "minmax"
    at.run()
    save(at, "基准")
    assert saved_policy("基准") == "rop", "not replaced before the user confirms"
    assert any("基准" in w.value for w in at.warning)
    at.button(key="btn_keep_scenario").click().run()
    assert saved_policy("基准") == "rop" and not any("基准" in w.value for w in at.warning)
    save(at, "基准")
    at.button(key="btn_overwrite_scenario").click().run()
    assert saved_policy("基准") == "minmax"
