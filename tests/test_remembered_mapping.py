"""A hand mapping is remembered by the file's header signature and applied to the next upload of that layout."""

from __future__ import annotations

import pytest

from core.intake.mapping_file import header_signature
from core.storage import Store

ODD = "Teil;Ort;Bestand;Preis\n"


def test_signature_is_the_layout_not_the_rows_or_the_spelling_of_spaces_and_case():
    assert header_signature("lots", ["Teil", "Ort", "Bestand"]) == header_signature("lots", ["teil", " Ort", "BESTAND"])
    assert header_signature("lots", ["Teil", "Ort"]) != header_signature("lots", ["Teil", "Lager"])
    assert header_signature("lots", ["Teil"]) != header_signature("movements", ["Teil"])


def test_store_keeps_a_header_mapping_per_signature(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'board.sqlite'}")
    assert store.header_mapping("abc") is None
    store.save_header_mapping("abc", {"columns": {"sku": "Teil"}, "conventions": [",", True, "EUR"]})
    store.save_header_mapping("abc", {"columns": {"sku": "Teil", "qty": "Bestand"}, "conventions": [",", True, "EUR"]})
    assert Store(store.url).header_mapping("abc") == {"columns": {"sku": "Teil", "qty": "Bestand"},
                                                      "conventions": [",", True, "EUR"]}


def test_next_upload_of_the_same_layout_is_read_with_the_remembered_mapping(tmp_path, monkeypatch):
    import streamlit as st

    from ui import state

    monkeypatch.setenv("IDB_DATA_DIR", str(tmp_path))
    state.database.clear()
    st.session_state.clear()
    january = (ODD + "A;Lager 1;2;1,50\n").encode()
    state.use_upload(("jan.csv", january), None)
    state.set_mapping({"sku": "Teil", "warehouse": "Ort", "qty": "Bestand", "unit_cost": "Preis"})
    state.set_conventions(",", None, "EUR")
    february = (ODD + "A;Lager 1;4;1,50\nB;Lager 2;1;2,25\n").encode()  # 4 × 1.50 + 1 × 2.25 = 8.25
    state.use_upload(("feb.csv", february), None)
    lots, _ = state.loaded()
    assert lots.data["value"].sum() == pytest.approx(8.25)
    assert lots.currency == "EUR"
    state.database.clear()
    st.session_state.clear()


def test_data_page_corrects_the_currency_and_names_what_was_recognised(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from tests.erp_corpus import sap_mb52_de_csv
    from ui import state

    monkeypatch.setenv("IDB_DATA_DIR", str(tmp_path / "data"))
    state.database.clear()
    sap_mb52_de_csv(tmp_path / "sap.csv")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.session_state["source"] = state.Source(state.SourceFile.of("sap.csv", (tmp_path / "sap.csv").read_bytes()),
                                              None)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "SAP MB52 / MB5B (German) · decimal comma · EUR" in shown
    at.selectbox(key="conv_currency").set_value("USD")
    next(b for b in at.button if b.label == "Apply").click()
    at.run()
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "SAP MB52 / MB5B (German) · decimal comma · USD" in shown
    assert at.session_state["source"].conventions == (None, None, "USD")
    state.database.clear()
