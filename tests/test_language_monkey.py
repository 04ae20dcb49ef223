"""The language-switch monkey (issue 22): a seeded random walk over the pages that switches the language at random
points — after typing, after saving — and checks after every run that what is stored is what was saved, that the
headline figures are the engine's in the language shown, and that no label of the other language is on screen."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.formatting import money, money_divisor
from core.intake.loading import load_lots, load_movements
from core.kpis.dashboard import build_dashboard
from core.kpis.report import Dataset
from core.storage import Store
from tests.conftest import ROOT, SAMPLE
from ui.i18n import catalog, speaking
from ui.widgets import tiv_key

PAGES = ("pages/overview.py", "pages/turnover.py", "pages/risk.py", "pages/targets.py", "pages/data.py",
         "pages/what_if.py")
FAST = {"wi_replications": 2, "wi_horizon": 90}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("IDB_DATA_DIR", str(tmp_path / "data"))
    from ui import state
    state.database.clear()
    return Store()


@pytest.fixture(scope="module")
def tiv() -> float:
    lots, movements = load_lots(SAMPLE / "lots.csv.gz"), load_movements(SAMPLE / "movements.csv.gz")
    return build_dashboard(Dataset(lots.data, movements.data, lots.currency)).tiv


def foreign_words(shown: str) -> tuple[set[str], list[str]]:
    """Labels of the other catalogue that the shown one does not share: whole labels, and the fixed parts of
    templates long enough not to occur by chance (4+ Chinese characters, 12+ Latin ones)."""
    own, other = catalog(shown), catalog("en" if shown == "zh" else "zh")
    mine = set(own.values())
    labels, parts = set(), []
    for text in other.values():
        if text in mine:
            continue
        for part in re.split(r"\{[^}]*\}", text):
            part = part.strip(" ：:，,。.()（）·")
            if part in mine or not part:
                continue
            long_enough = len(CJK.findall(part)) >= 4 if CJK.search(part) else len(part) >= 12
            if "{" not in text and len(part) >= 2:
                labels.add(part)
            if long_enough:
                parts.append(part)
    return labels, parts


def shown_texts(at: AppTest) -> list[str]:
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error",
                                  "success") for e in getattr(at, kind)]
    texts += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    texts += [b.label for b in at.button]
    for kind in ("number_input", "selectbox", "multiselect", "radio", "slider", "date_input", "checkbox", "toggle",
                 "text_input", "select_slider"):
        texts += [w.label for w in getattr(at, kind) if w.label and w.label.strip()]
    texts += [e.label for e in at.expander] + [e.label for e in at.tabs]
    return [str(t) for t in texts if t]


def assert_one_language(at: AppTest, language: str) -> None:
    labels, parts = foreign_words(language)
    for text in shown_texts(at):
        assert text.strip() not in labels, f"{language} screen shows the other language's label: {text!r}"
        hit = next((p for p in parts if p in text), None)
        assert hit is None, f"{language} screen shows {hit!r} of the other language in {text!r}"


def stored(store: Store) -> tuple:
    targets = {k: (round(v["value"], 2), v["due_date"]) for k, v in store.targets().items()}
    return targets, store.plan()[["title", "planned_cash", "released_cash", "status"]].to_dict("records")


def test_switching_language_anywhere_never_changes_what_is_stored_nor_mixes_languages(store, tiv):
    chance = random.Random(22)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for key, value in FAST.items():
        at.session_state[key] = value
    at.session_state["lang"] = language = "zh"
    at.run()
    store.add_plan_step("促销原材料仓呆滞", "李娜", None, 1_983_100.0)
    expected = stored(store)
    page, drawn = PAGES[0], language
    walk = [("page", p) for p in chance.sample(PAGES, len(PAGES)) * 2]  # every page, twice, in a random order
    moves = []
    for move in walk:
        moves.append(move)
        extra = ["switch"] * chance.randint(1, 2)
        if move[1] == "pages/targets.py":
            extra += [*chance.sample(["type_switch", "type_save", "type_save"], 3), "switch"]
        moves += [(m, None) for m in extra]
    for step, (move, where) in enumerate(moves):
        if move == "page":
            page = where
            at.switch_page(page)
        elif move == "switch":
            language = "en" if language == "zh" else "zh"
            at.session_state["lang"] = language
        else:
            reduction = float(chance.randrange(1, 500))
            at.number_input(key=tiv_key(money_divisor("CNY", language))).set_value(reduction)
            if move == "type_switch":  # typed, then the language switched before saving
                language = "en" if language == "zh" else "zh"
                at.session_state["lang"] = language
            else:
                save = catalog(language)["targets.save"]
                next(b for b in at.button if b.label == save).click()
                with speaking(drawn):
                    at.run()
                target = tiv - reduction * money_divisor("CNY", language)
                assert store.targets()["tiv"]["value"] == pytest.approx(target, abs=0.01), (step, language)
                expected = stored(store)
        with speaking(drawn):  # AppTest formats the choices of the page as drawn, on this thread
            at.run()
        drawn = language
        assert not at.exception, (step, page, [e.value for e in at.exception])
        assert at.session_state["lang"] == language
        assert stored(store) == expected, f"step {step}: {move} on {page} in {language} changed what is stored"
        if page == "pages/overview.py":
            tiv_label = catalog(language)["overview.tiv"]
            shown = next(m.value for m in at.metric if m.label == tiv_label)
            assert shown == money(tiv, "CNY", language=language)
        if page == "pages/targets.py" and "tiv" in store.targets():
            divisor = money_divisor("CNY", language)
            assert at.number_input(key=tiv_key(money_divisor("CNY", language))).value == pytest.approx(
                max(0.0, round((tiv - store.targets()["tiv"]["value"]) / divisor, 2)))
        assert_one_language(at, language)
    assert isinstance(expected[1], list) and pd.notna(tiv)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_export_holds_a_word_of_the_other_language(language, monkeypatch):
    """The downloads of every page, built as the pages build them, read back as text: headers and every text cell
    carry no label of the other catalogue (the data's own names — warehouses, suppliers — are the file's)."""
    from core.export import csv_bytes
    from core.intake.loading import load_planning
    from core.sim.planning import parameters_from_file
    from core.sim.proposals import propose
    from core.sim.simulation import Scenario, simulate
    from ui import widgets
    from ui.exports import proposal_sheets, scenario_table, sku_results
    monkeypatch.setattr("ui.i18n.language", lambda: language)
    monkeypatch.setattr(widgets, "language", lambda: language)
    lots, movements = load_lots(SAMPLE / "lots.csv.gz"), load_movements(SAMPLE / "movements.csv.gz")
    numbers = build_dashboard(Dataset(lots.data, movements.data, lots.currency))
    params = parameters_from_file(load_planning(SAMPLE / "planning_parameters.csv")).params.head(60)
    run = simulate(params.assign(abc_class="A"), Scenario(replications=2, horizon_days=60))
    tables = [widgets.export_frame(numbers.aging, "CNY", ("value",), ("share",)),
              widgets.export_frame(numbers.slob_by_type, "CNY", ("value", "slob_value"), ("slob_share",)),
              widgets.export_frame(numbers.suppliers_top5, "CNY", ("value",), ("share",)),
              widgets.export_frame(numbers.days_of_supply, "CNY"),
              widgets.export_frame(numbers.abc, "CNY", ("value",), ("share", "cumulative_share")),
              sku_results(run.skus, "CNY"), scenario_table(pd.DataFrame({"A": run.totals}), "CNY"),
              *proposal_sheets(propose(params, Scenario(policy="periodic")), "CNY").values()]
    labels, parts = foreign_words(language)
    for table in tables:
        text = csv_bytes(table).decode("utf-8-sig")
        cells = {c.strip('"') for line in text.splitlines() for c in line.split(",")}
        assert not cells & labels, (language, sorted(cells & labels))
        assert not [p for p in parts if p in text], (language, [p for p in parts if p in text])
