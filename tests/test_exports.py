"""The one export path: every download is what the screen shows and is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import threading

import openpyxl
import pandas as pd
import pytest

from core.export import FORMULA_STARTS, csv_bytes, excel_workbook, file_name
from ui import i18n, widgets
from ui.widgets import export_frame

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]


@pytest.fixture(params=["zh", "en"])
def language(request, monkeypatch):
    monkeypatch.setattr(i18n, "language", lambda: request.param)
    return request.param


def hostile_mix() -> pd.DataFrame:
    """A mix table (as the Overview shows it) whose warehouse names come from a hostile file."""
    return pd.DataFrame({"warehouse": HOSTILE, "stock_type": ["finished_goods"] * 6,
                         "value": [1_234_567.891, 20_000.0, -30_000.0, 1.0, 0.0, 99_999.0],
                         "share": [0.5913341842636762, 0.2, 0.1, 0.05, 0.04, 0.01]})


def test_hostile_text_never_becomes_a_formula_in_the_workbook(language):
    workbook = openpyxl.load_workbook(io.BytesIO(excel_workbook({"=sheet": export_frame(
        hostile_mix(), "CNY", ("value",), ("share",))})))
    sheet = workbook.worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2, max_col=1)]
    assert [c.data_type for c in cells] == ["s"] * len(HOSTILE)
    assert [c.value.replace("_x000D_", "\r") for c in cells] == ["'" + name for name in HOSTILE]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.title == "=sheet"  # a sheet name is not a cell: it cannot run


def test_hostile_text_never_starts_a_csv_field_with_a_formula_character(language):
    raw = csv_bytes(export_frame(hostile_mix(), "CNY", ("value",), ("share",)))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    fields = [field for row in rows for field in row]
    text_fields = [f for f in fields if not _is_number(f)]
    assert [f for f in text_fields if f.startswith(FORMULA_STARTS)] == []
    assert [row[0] for row in rows[1:]] == ["'" + name for name in HOSTILE]
    assert b"'=HYPERLINK(" in raw and b"'+cmd|" in raw and b"'-2+3" in raw and b"'@SUM(" in raw


def test_numbers_stay_numbers_even_when_negative():
    raw = csv_bytes(pd.DataFrame({"value": [-3.0, 2.5]})).decode("utf-8-sig")
    assert raw.splitlines() == ["value", "-3.0", "2.5"]
    assert raw.endswith("\r\n")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", {"仓库": "成品仓", "库存类型": "成品", "金额 (万元)": 123.456789, "占比 (%)": 59.1}),
    ("en", {"Warehouse": "成品仓", "Stock type": "Finished goods", "Value (¥k)": 1_234.56789, "Share (%)": 59.1}),
])
def test_headers_units_labels_as_on_screen_and_money_to_the_cent(lang, expected, monkeypatch):
    """¥1,234,567.891 is ¥1,234,567.89: 123.456789 万 / 1,234.56789 k in the cell, which Excel shows as the screen
    does (¥123.46万); rounded to the screen's two decimals a column of order values summed ¥300 off its total
    (reviewer R12). Shares keep the screen's decimals."""
    monkeypatch.setattr(i18n, "language", lambda: lang)
    frame = pd.DataFrame({"warehouse": ["成品仓"], "stock_type": ["finished_goods"], "value": [1_234_567.891],
                          "share": [0.5913341842636762]})
    shown = export_frame(frame, "CNY", ("value",), ("share",))
    assert shown.iloc[0].to_dict() == expected


@pytest.mark.parametrize(("lang", "yes", "band"), [("zh", "是", ">365 天"), ("en", "Yes", ">365 days")])
def test_booleans_codes_and_missing_text_read_as_words(lang, yes, band, monkeypatch):
    monkeypatch.setattr(i18n, "language", lambda: lang)
    frame = pd.DataFrame({"overlaps": [True, False], "band": ["over_365", None], "owner": [None, "王芳"],
                          "days_of_supply": [1075.0399216631515, float("inf")]})
    shown = export_frame(frame, "CNY")
    assert shown.iloc[:, 0].tolist() == [yes, "否" if lang == "zh" else "No"]
    assert shown.iloc[:, 1].tolist() == [band, ""]
    assert shown.iloc[:, 2].tolist() == ["", "王芳"]
    assert shown.iloc[0, 3] == 1075.0 and pd.isna(shown.iloc[1, 3])  # one decimal, and no "inf" days


def test_workbook_money_is_exact_to_the_cent_in_the_display_unit(language):
    workbook = openpyxl.load_workbook(io.BytesIO(excel_workbook({"mix": export_frame(
        hostile_mix(), "CNY", ("value",), ("share",))})))
    values = [row[2].value for row in workbook.worksheets[0].iter_rows(min_row=2)]
    divisor, cents = (10_000, 6) if language == "zh" else (1_000, 5)
    assert values == [round(v / divisor, cents) for v in hostile_mix()["value"]]


@pytest.mark.parametrize(("stem", "extension", "name"), [
    ("set_aside_lots.csv", "csv", "set_aside_lots.csv"), ("set_aside_lots.csv.gz", "csv", "set_aside_lots.csv"),
    ("overview", "xlsx", "overview.xlsx"), ("../../etc/passwd", "csv", "passwd.csv"), ("a:b", "csv", "a_b.csv"),
])
def test_download_file_names_have_one_extension_and_no_path(stem, extension, name):
    assert file_name(stem, extension) == name


@pytest.mark.parametrize("drawn_in", ["zh", "en"])
def test_a_download_built_when_clicked_speaks_the_language_its_page_was_drawn_in(drawn_in, monkeypatch):
    monkeypatch.setattr(widgets, "language", lambda: drawn_in)
    build = widgets._later(lambda: csv_bytes(export_frame(hostile_mix(), "CNY", ("value",), ("share",))))
    built = []
    clicked = threading.Thread(target=lambda: built.append(build()))  # the server's thread: no session to ask
    clicked.start()
    clicked.join()
    rows = list(csv.reader(io.StringIO(built[0].decode("utf-8-sig"))))
    spoken = i18n.catalog(drawn_in)
    assert rows[0][:2] == [spoken["col.warehouse"], spoken["col.stock_type"]]
    assert rows[1][1] == spoken["stock_type.finished_goods"]


def test_purchase_proposal_order_lines_sum_to_the_suppliers_total(language, monkeypatch):
    """Reviewer R12: the order lines summed to 480.65万 beside a total of 480.62万, each cell rounded to ¥100."""
    from core.intake.loading import load_planning
    from core.sim.planning import parameters_from_file
    from core.sim.proposals import propose
    from core.sim.simulation import Scenario
    from tests.conftest import SAMPLE
    from ui.exports import proposal_sheets

    monkeypatch.setattr(widgets, "language", lambda: language)
    proposal = propose(parameters_from_file(load_planning(SAMPLE / "planning_parameters.csv")).params,
                       Scenario(policy="periodic"))
    suppliers, lines, _ = proposal_sheets(proposal, "CNY").values()
    value = next(c for c in lines.columns if c.startswith(i18n.t("col.order_value")))
    divisor = 10_000 if language == "zh" else 1_000
    assert lines[value].sum() == pytest.approx(proposal.total_value / divisor, abs=1e-6)
    assert suppliers[value].iloc[-1] == pytest.approx(proposal.total_value / divisor, abs=1e-6)
