"""The Streamlit app, headless (AppTest): every page renders, shows the engine's figures, and reacts."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.formatting import money
from core.kpis.dashboard import Filters, build_dashboard, build_worklist
from core.storage import Store, edits_from_editor
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("data_folder")

PAGES = ["pages/overview.py", "pages/turnover.py", "pages/risk.py", "pages/data.py"]


def open_page(page: str, **session) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
        at.run()
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_sample_without_exception(page):
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "each page has a title"


def test_headline_figures_equal_the_kpi_engine(sample):
    numbers = build_dashboard(sample)
    at = open_page(PAGES[0])
    assert metric(at, "库存总金额 (TIV)") == money(numbers.tiv, "CNY")
    assert metric(at, "SKU 数") == f"{numbers.sku_count:,}"
    turnover = open_page("pages/turnover.py")
    assert metric(turnover, "周转率 (ITO)") == f"{numbers.turnover['ito']:.2f}"
    assert metric(turnover, "周转天数 (DIO)") == f"{numbers.turnover['dio']:.1f} 天"


def test_language_switch_changes_every_label():
    chinese = open_page(PAGES[0])
    english = open_page(PAGES[0], lang="en")
    assert chinese.title[0].value == "库存总览" and english.title[0].value == "Inventory overview"
    assert [m.label for m in english.metric][:3] == ["Total inventory value (TIV)", "SKUs", "Lots"]
    assert english.sidebar.multiselect[0].label == "Warehouse"


def test_filters_change_the_figures_to_the_engines_filtered_ones(sample):
    at = open_page(PAGES[0])
    before = metric(at, "库存总金额 (TIV)")
    bu = "BU1 家电事业部"
    at.sidebar.multiselect(key="filter_bu").set_value([bu]).run()
    after = metric(at, "库存总金额 (TIV)")
    assert after != before
    assert after == money(build_dashboard(sample, filters=Filters(bu=(bu,))).tiv, "CNY")


def test_a_filter_set_in_the_sidebar_holds_on_the_next_page(sample):
    at = open_page(PAGES[0])
    at.sidebar.multiselect(key="filter_stock_type").set_value(["原材料"]).run()
    at.switch_page("pages/risk.py")
    at.run()
    slob = build_dashboard(sample, filters=Filters(stock_type=("raw_material",))).slob
    assert metric(at, "SLOB 占比") == f"{slob['share'] * 100:.1f}%"
    assert at.sidebar.multiselect(key="filter_stock_type").value == ["raw_material"]


def test_every_page_honours_the_filters(sample):
    numbers = build_dashboard(sample, filters=Filters(stock_type=("raw_material",)))
    session = {"filter_stock_type": ["raw_material"]}
    assert metric(open_page(PAGES[0], **session), "库存总金额 (TIV)") == money(numbers.tiv, "CNY")
    assert metric(open_page("pages/risk.py", **session), "SLOB 占比") == f"{numbers.slob['share'] * 100:.1f}%"
    assert metric(open_page("pages/turnover.py", **session), "周转率 (ITO)") == f"{numbers.turnover['ito']:.2f}"


def test_worklist_edits_survive_a_new_session(sample, data_folder):
    shown = build_worklist(sample).head(5).reset_index(drop=True)
    Store().save_worklist_edits(edits_from_editor(shown, {1: {"owner": "测试负责人", "action_status": "进行中"}}))
    at = open_page("pages/risk.py")
    worklist = next(frame.value for frame in at.dataframe if "lot_key" in frame.value.columns)
    row = worklist[worklist["lot_key"] == shown.loc[1, "lot_key"]].iloc[0]
    assert (row["owner"], row["action_status"]) == ("测试负责人", "进行中")


def test_worklist_edits_keep_the_untouched_fields_of_the_row():
    shown = pd.DataFrame({"lot_key": ["a|w|1", "b|w|2"], "owner": ["张伟", None], "action": ["促销", None],
                          "action_status": ["未开始", None]})
    edits = edits_from_editor(shown, {0: {"action_status": "已完成"}})
    assert edits.to_dict("records") == [{"lot_key": "a|w|1", "owner": "张伟", "action": "促销",
                                         "action_status": "已完成"}]


def test_data_page_reports_set_aside_rows_of_an_upload():
    from ui import state
    bad = "物料编码,仓库,数量,单价\nA,成品仓,1,2\nB,成品仓,十二,2\n".encode("gbk")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["source"] = state.Source(state.SourceFile.of("bad.csv", bad), None)
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    assert metric(at, "剔除行") == "1"
    assert metric(at, "可用行") == "1"


def test_data_page_shows_one_clear_message_for_an_unusable_file():
    from ui import state
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    # A warehouse is no longer required (issue 20); a cost or value is.
    at.session_state["source"] = state.Source(state.SourceFile.of("x.csv", "物料编码,数量\nA,1\n".encode()), None)
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    shown = at.error[0].value.replace("\\", "")  # the markdown source escapes the file's text
    assert shown.startswith("x.csv：未找到必需的列“单价或金额”")  # in the user's language, named as every page names it


def test_the_worklist_holds_the_dead_lots_of_the_filtered_stock_only(sample):
    everything = build_worklist(sample)
    raw = build_worklist(sample, filters=Filters(stock_type=("raw_material",)))
    assert 0 < len(raw) < len(everything)
    assert set(raw["stock_type"]) == {"raw_material"}
    assert raw["lot_key"].isin(everything["lot_key"]).all()
    assert (raw["idle_days"] > 180).all()  # dead stock: idle more than 180 days (SPEC §3)
