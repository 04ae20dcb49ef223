"""Saved data in the app: an upload never shows the sample's plan, targets or worklist; a data folder that cannot
be written still shows every page, with one warning."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.storage import SAMPLE_DATASET, Store
from tests.conftest import ROOT

PAGES = ["pages/overview.py", "pages/turnover.py", "pages/risk.py", "pages/what_if.py", "pages/targets.py",
         "pages/data.py"]
OTHER_COMPANY = ("物料编码,仓库,数量,单价,金额,入库日期\n"
                 "X-1,一号仓,10,2,20,2025-01-05\nX-2,二号仓,3,100,300,2025-10-20\n").encode()


def open_page(page: str, upload: bytes | None = None) -> AppTest:
    from ui import state
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    if upload is not None:
        at.session_state["source"] = state.Source(state.SourceFile.of("other.csv", upload), None)
    at.switch_page(page)
    at.run()
    return at


def test_another_companys_upload_does_not_show_the_samples_plan(data_folder):
    Store(dataset=SAMPLE_DATASET).add_plan_step("样例：报废成品仓呆滞", planned_cash=14_220_000.0)
    sample = open_page("pages/targets.py")
    assert not sample.exception
    assert metric(sample, "计划释放现金") == "¥1,422.00万" and metric(sample, "已完成步骤") == "0 / 1"
    upload = open_page("pages/targets.py", OTHER_COMPANY)
    assert not upload.exception
    assert metric(upload, "计划释放现金") == "¥0.00万" and metric(upload, "已完成步骤") == "0 / 0"


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_a_data_folder_that_cannot_be_written_still_shows_every_page_with_one_warning(page, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("IDB_DATA_DIR", str(blocker / "data"))
    from ui import state
    state.database.clear()
    at = open_page(page)
    assert not at.exception
    assert not at.error
    warnings = [w.value for w in at.warning if "无法保存" in w.value]
    assert len(warnings) == 1
