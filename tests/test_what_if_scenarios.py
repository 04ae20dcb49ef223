"""Saving a what-if scenario: one click saves under the typed name; an existing name is replaced only after the
user confirms."""

from __future__ import annotations

import pytest

from core.sim.simulation import Scenario
from tests.test_what_if_page import what_if

pytestmark = pytest.mark.usefixtures("data_folder")


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


def test_a_save_over_a_scenario_changed_by_another_session_since_it_was_loaded_is_refused_and_told():
    alice = what_if(wi_policy="rop")
    save(alice, "基准")
    bob = what_if()
    bob.selectbox(key="wi_load_choice").set_value("基准").run()
    bob.button(key="btn_load_scenario").click().run()
    bob.session_state["wi_policy"] = "minmax"
    bob.run()
    save(bob, "基准")
    bob.button(key="btn_overwrite_scenario").click().run()
    assert saved_policy("基准") == "minmax"

    alice.session_state["wi_policy"] = "periodic"
    alice.run()
    save(alice, "基准")  # Alice last saw her own "rop" version
    assert saved_policy("基准") == "minmax", "Bob's save is not overwritten"
    told = [w.value for w in alice.warning if "基准" in w.value]
    assert len(told) == 1 and "他人已保存" in told[0] and "最小-最大" in told[0], told
    assert alice.session_state["wi_policy"] == "periodic", "Alice's own settings stay on screen"
    alice.button(key="btn_load_winner").click().run()
    assert alice.session_state["wi_policy"] == "minmax" and not any("基准" in w.value for w in alice.warning)

    alice.session_state["wi_policy"] = "periodic"
    alice.run()
    save(alice, "基准")  # having seen Bob's version, replacing it is asked, then done
    alice.button(key="btn_overwrite_scenario").click().run()
    assert saved_policy("基准") == "periodic"


def test_a_scenario_replaced_by_another_session_while_the_replace_question_is_open_is_not_overwritten():
    alice = what_if(wi_policy="rop")
    save(alice, "基准")
    alice.session_state["wi_policy"] = "periodic"
    alice.run()
    save(alice, "基准")
    assert any("基准" in w.value for w in alice.warning), "the replace question is open"
    bob = what_if(wi_policy="minmax")
    save(bob, "基准")
    bob.button(key="btn_overwrite_scenario").click().run()
    alice.button(key="btn_overwrite_scenario").click().run()
    assert saved_policy("基准") == "minmax"
    assert any("他人已保存" in w.value and "最小-最大" in w.value for w in alice.warning)


def test_saving_again_what_is_saved_already_asks_nothing():
    """A second click (or Enter in the name box, then a click) on a scenario saved a moment ago: nothing to
    replace, so no "replace it?" question (reviewer R30 saw one after what looked like a single save)."""
    at = what_if(wi_policy="rop")
    save(at, "ROP")
    save(at, "ROP")
    assert not any("ROP" in w.value for w in at.warning)
    assert saved_policy("ROP") == "rop"
