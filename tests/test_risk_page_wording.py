"""The Risk page says only what the file lets it know (reviewer R18, R19): with no dates at all it cannot say that
no lot is idle; with receipt dates but no last-movement date, long-held stock is 'in stock for' so long, not
'idle' — an old lot may have moved yesterday."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.i18n import catalog

pytestmark = pytest.mark.usefixtures("data_folder")
ZH, EN = catalog("zh"), catalog("en")


def risk_page(csv: str, lang: str) -> AppTest:
    from ui.state import Source, SourceFile

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["source"] = Source(SourceFile.of("stock.csv", csv.encode("utf-8")), None)
    at.run()
    at.switch_page("pages/risk.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_text(at: AppTest) -> str:
    return "\n".join([i.value for i in at.info] + [c.value for c in at.caption] + [m.value for m in at.markdown])


def test_a_file_without_dates_never_says_that_no_lot_is_idle():
    at = risk_page("item,warehouse,qty,unit_cost\nA-1,Main,10,2.5\nB-2,Main,4,10\n", "en")
    text = shown_text(at)
    assert EN["risk.worklist_empty"] not in text
    assert EN["turnover.no_ages"] in text


def test_ages_since_receipt_are_not_called_idle_without_last_movement_dates():
    # as-of is the file's only snapshot, 2026-11-30: A-1 in stock 400 days (over 365), B-2 200 days
    csv = ("物料编码,仓库,数量,单价,入库日期,快照日期\n"
           "A-1,成品仓,10,2.5,2025-10-26,2026-11-30\nB-2,成品仓,4,10,2026-05-14,2026-11-30\n")
    at = risk_page(csv, "zh")
    text = shown_text(at)
    assert ZH["risk.age_band_over_365"] in text and ZH["risk.age_band_d181_365"] in text
    assert ZH["risk.band_over_365"] not in text and "未动" not in text
    assert ZH["risk.age_basis_note"] in text
    assert ZH["risk.worklist_help_age"] in text
