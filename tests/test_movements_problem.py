"""A movements file whose headers cannot be matched does not block the app: every page shows the stock KPIs
without ITO/DIO and says why, and the Data page offers the movements file's column mapping to fix it."""

from __future__ import annotations

import gzip

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, SAMPLE

pytestmark = pytest.mark.usefixtures("data_folder")

PAGES = ["pages/overview.py", "pages/turnover.py", "pages/risk.py", "pages/targets.py", "pages/data.py"]


def source_with_unreadable_movements():
    from ui.state import Source, SourceFile
    text = gzip.decompress((SAMPLE / "movements.csv.gz").read_bytes()).decode("utf-8")
    renamed = text.replace("日期,物料编码,出库数量", "记账日,料号,发货", 1)  # no header the matcher knows
    lots = SourceFile.of("lots.csv.gz", (SAMPLE / "lots.csv.gz").read_bytes())
    return Source(lots, SourceFile.of("流水.csv", renamed.encode("utf-8")))


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["source"] = source_with_unreadable_movements()
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", PAGES[:4])
def test_every_dashboard_page_runs_without_movements_and_says_why(page):
    at = open_page(page)
    assert any("出入库流水文件无法使用" in w.value for w in at.warning)
    assert at.metric or at.dataframe, "the stock figures are still shown"


def test_the_data_page_offers_the_movements_mapping_and_applying_it_brings_ito_back():
    at = open_page("pages/data.py")
    assert any("流水" in e.value and "“日期”" in e.value for e in at.error)  # the missing column in the UI's words
    at.selectbox(key="map_movements_date").set_value("记账日")
    at.selectbox(key="map_movements_sku").set_value("料号")
    at.selectbox(key="map_movements_qty_out").set_value("发货")
    at.button(key="btn_apply_movements_mapping").click().run()
    assert not at.exception and not at.error
    at.switch_page("pages/turnover.py")
    at.run()
    assert any(m.label.startswith("周转率") for m in at.metric)
