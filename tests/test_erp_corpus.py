"""Every report in the ERP corpus is read by `report` with no mapping, to totals worked out by hand.

The three lots of tests/erp_corpus.py, by hand (as of 2025-12-31):
  A 1,234.5 × 2.50 = 3,086.25, received 2025-12-28 → 3 days → bucket 0-7
  B     0.5 × 174.60 =   87.30, received 2025-11-15 → 46 days → bucket 31-90
  C 2,000 × 1.25   = 2,500.00, received 2025-03-01 → 305 days → bucket >180
  TIV = 3,086.25 + 87.30 + 2,500.00 = 5,673.55 over 3 lots.
SAP MB52 splits them into categories: A = 1,000 unrestricted (2,500.00) + 200 quality (500.00) + 34.5 blocked
(86.25); C = 1,500 unrestricted (1,875.00) + 500 in transit (625.00); MB52 and MB5B carry no receipt date.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.cli.main import main
from core.intake.conventions import infer
from core.intake.loading import load_lots
from core.intake.parsing import parse_numbers
from tests.erp_corpus import CORPUS, write_corpus

TIV = 5673.55
AGED = {"0-7": 3086.25, "31-90": 87.30, ">180": 2500.00}
NO_DATES = None
B_UNREADABLE = {"0-7": 3086.25, ">180": 2500.00}
# file → (currency, aging by bucket or None when the report has no receipt date, recognised profile or None)
EXPECTED = {
    "sap_mb52_de.csv": ("EUR", NO_DATES, "SAP MB52 / MB5B (German)"),
    "sap_mb52_en.txt": ("USD", NO_DATES, "SAP MB52 / MB5B (English)"),
    "sap_mb52_de.xlsx": ("EUR", NO_DATES, "SAP MB52 / MB5B (German)"),
    "sap_mb5b_en.csv": ("EUR", NO_DATES, "SAP MB52 / MB5B (English)"),
    "kingdee_k3.xls": ("CNY", AGED, "Kingdee K/3 即时库存"),
    "kingdee_k3.csv": ("CNY", AGED, "Kingdee K/3 即时库存"),
    "u8_onhand.xlsx": ("CNY", AGED, "Yonyou U8 现存量 / 库存台账"),
    "u8_ledger.csv": ("CNY", NO_DATES, "Yonyou U8 现存量 / 库存台账"),
    "u8_ledger.xlsx": ("CNY", NO_DATES, "Yonyou U8 现存量 / 库存台账"),
    "odoo_quant.csv": ("USD", AGED, "Odoo stock.quant (Inventory report)"),
    "odoo_quant.xlsx": ("EUR", AGED, "Odoo stock.quant (Inventory report)"),
    "odoo_valuation.csv": ("CNY", AGED, "Odoo stock valuation"),
    "wms_unicode.txt": ("CNY", AGED, "WMS export (Unicode text)"),
    "euro_excel.csv": ("EUR", B_UNREADABLE, None),
    "us_excel.csv": ("USD", AGED, None),
    "german_wms_cp1252.txt": ("EUR", NO_DATES, "SAP MB52 / MB5B (German)"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("erp_corpus"))


def test_corpus_covers_at_least_fifteen_layouts():
    assert len(CORPUS) >= 15
    assert set(EXPECTED) == set(CORPUS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_report_reads_each_erp_export_with_no_mapping(name, corpus, capsys):
    currency, aging, _ = EXPECTED[name]
    assert main(["report", str(corpus[name]), "--as-of", "2025-12-31"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tiv"] == pytest.approx(TIV, abs=0.005)
    assert report["lot_count"] == 3
    assert report["currency"] == currency
    if aging is None:
        assert report["aging"] is None
    else:
        got = {row["bucket"]: row["value"] for row in report["aging"] if row["value"] and row["bucket"] != "unknown"}
        assert got == pytest.approx(aging)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_export_is_recognised_and_its_totals_rows_are_noted_not_counted(name, corpus):
    result = load_lots(corpus[name])
    assert result.profile == EXPECTED[name][2]
    assert result.rejected_count == 0
    totals = result.problems[result.problems["severity"] == "note"]
    assert result.totals_rows == len(totals)
    assert all("totals row" in message for message in totals["message"])


def test_totals_and_subtotal_rows_of_kingdee_are_each_reported_as_totals_rows(corpus):
    result = load_lots(corpus["kingdee_k3.csv"])
    assert result.totals_rows == 3  # two 小计 and one 合计, at file lines 4, 7 and 9
    assert sorted(result.problems.loc[result.problems["severity"] == "note", "row"]) == [4, 7, 9]


def test_sap_categories_sum_into_the_lot_and_stay_as_columns(corpus):
    lots = load_lots(corpus["sap_mb52_de.csv"]).data.set_index("sku")
    assert lots.loc["A-100", "qty"] == pytest.approx(1234.5)
    assert lots.loc["A-100", "value"] == pytest.approx(3086.25)
    assert lots.loc["A-100", "qty_quality"] == pytest.approx(200)
    assert lots.loc["A-100", "value_blocked"] == pytest.approx(86.25)
    assert lots.loc["C-300", "qty_in_transit"] == pytest.approx(500)
    assert lots.loc["B-200", "warehouse"] == "1000/0001"  # plant/storage location


def test_german_export_is_described_with_its_locale_and_currency(corpus):
    result = load_lots(corpus["sap_mb52_de.csv"])
    assert result.describe() == "SAP MB52 / MB5B (German), decimal comma, EUR"
    assert result.encoding == "cp1252"
    assert load_lots(corpus["wms_unicode.txt"]).conventions.day_first is True
    assert load_lots(corpus["us_excel.csv"]).conventions.day_first is False


def test_unreadable_date_keeps_the_lot_in_tiv_with_a_row_warning(corpus):
    result = load_lots(corpus["euro_excel.csv"])
    b = result.data.set_index("sku").loc["B-200"]
    assert pd.isna(b["receipt_date"]) and b["value"] == pytest.approx(87.30)
    warning = result.problems[result.problems["row"] == 3]
    assert warning["severity"].tolist() == ["warning"]
    assert "'unbekannt' is not a date" in warning["message"].iloc[0]


def test_value_that_disagrees_with_qty_times_cost_is_a_row_warning_and_in_the_summary(tmp_path, capsys):
    path = tmp_path / "lots.csv"
    path.write_text("sku,warehouse,qty,unit_cost,value\nA,成品仓,10,2,20\nB,成品仓,10,2,25\n", encoding="utf-8")
    result = load_lots(path)
    assert result.extra["value_mismatch_rows"] == 1
    assert result.problems["row"].tolist() == [3]
    assert "differs from qty × unit cost = 20.00" in result.problems["message"].iloc[0]
    assert main(["report", str(path)]) == 0
    assert "1 rows where value differs from qty × unit cost" in capsys.readouterr().err


def test_semicolon_decimal_comma_file_is_not_read_a_hundred_times_too_high(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("sku;warehouse;qty;unit_cost\nA;W;0,5;174,69\nB;W;2;1.000,5\n", encoding="utf-8")
    data = load_lots(path).data
    assert data["value"].tolist() == pytest.approx([0.5 * 174.69, 2 * 1000.5])


LOCALES = {  # (decimal mark, thousands separator)
    "point": (".", ","),
    "comma": (",", "."),
    "comma_space": (",", "\u00a0"),
    "point_apostrophe": (".", "'"),
}


def _write(value: float, decimal: str, thousands: str, sign: str) -> str:
    whole, fraction = f"{abs(value):,.2f}".split(".")
    text = sign + whole.replace(",", thousands) + decimal + fraction
    return ("-" if value < 0 else "") + text


@given(values=st.lists(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False), min_size=1,
                       max_size=20),
       locale=st.sampled_from(sorted(LOCALES)), sign=st.sampled_from(["", "€ ", "¥", "$"]))
def test_numbers_written_in_any_supported_locale_read_back_to_the_same_value(values, locale, sign):
    decimal, thousands = LOCALES[locale]
    texts = pd.Series([_write(float(v), decimal, thousands, sign) for v in values], dtype=object)
    inferred = infer(texts.tolist(), []).decimal  # the reader decides the mark from the cells, as for a file
    assert inferred == decimal
    parsed, invalid = parse_numbers(texts, inferred)
    assert not invalid.any()
    assert parsed.tolist() == pytest.approx([float(v) for v in values], abs=1e-6)


def test_every_problem_kind_and_severity_the_data_page_shows_has_a_label_in_both_languages():
    from core.intake.problems import problem_summary
    from ui.i18n import catalog

    messages = ["'x' is not a number", "'x' is not a date", "-1 is negative", "is empty",
                "has a different number of fields than the header", "appears twice; the first row is used",
                "totals row (not stock, not counted)", "'25' differs from qty × unit cost = 20.00", "something else"]
    problems = pd.DataFrame({"file": "f", "row": range(len(messages)), "column": "c", "value": "",
                             "message": messages, "severity": ["error", "warning", "note"] * 3})
    summary = problem_summary(problems)
    kinds = {re.sub(r"[^a-z]+", "_", kind.replace("×", "x")).strip("_") for kind in summary["problem"]}
    assert len(kinds) == len(messages)
    for language in ("zh", "en"):
        assert {f"data.problem.{kind}" for kind in kinds} <= set(catalog(language))
        assert {f"data.severity.{level}" for level in summary["severity"]} <= set(catalog(language))


def test_a_file_of_nothing_but_totals_rows_exits_2_with_a_message_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "totals.csv"
    path.write_text("sku,warehouse,qty,value\n合计,,3,4\n", encoding="utf-8")
    assert main(["report", str(path)]) == 2
    assert "totals.csv: no usable stock rows (0 set aside, 1 totals rows)" in capsys.readouterr().err


def test_utf16_text_saved_without_a_bom_is_read(tmp_path):
    path = tmp_path / "wms.txt"
    path.write_bytes("Item\tSite\tOn Hand Qty\tExtended Cost\nA\tDC1\t2\t3.50\n".encode("utf-16-le"))
    result = load_lots(path)
    assert result.data["value"].tolist() == [3.5]
    assert result.encoding == "utf-16-le"


def test_sap_list_output_with_ruling_lines_reads_without_bad_rows(tmp_path, capsys):
    rule = "-" * 60
    path = tmp_path / "mb52_list.txt"
    path.write_text("\n".join([
        "Lagerbestand Werk 1000", rule, "|Material|Lagerort|Charge|Frei verwendbar|Wert frei verw.|Währung|", rule,
        "|A-100|0001|CH01|1.234,500|3.086,25|EUR|", "|B-200|0001|CH02|0,500|87,30|EUR|",
        "|C-300|0002|CH03|2.000,000|2.500,00|EUR|", rule, "|*| | |3.235,000|5.673,55|EUR|", rule]), encoding="utf-8")
    result = load_lots(path)
    assert result.rejected_count == 0 and result.totals_rows == 1
    assert main(["report", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["tiv"], report["lot_count"], report["currency"]) == (pytest.approx(TIV), 3, "EUR")
