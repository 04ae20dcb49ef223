"""Loading real-world stock files: encodings, Excel, header aliases, number and date formats, bad input."""

from __future__ import annotations

import gzip
import io

import pandas as pd
import pytest

from core.intake.loading import load_lots, load_movements
from core.intake.problems import InputError
from core.intake.schema import infer_stock_type

CHINESE_LOTS = (
    "物料编码,物料名称,仓库,数量,单价,入库日期\n"
    "A-001,不锈钢螺丝,五金仓,100,0.35,2025-12-01\n"
    "B-002,冷轧钢板,原材料仓,2.5,4800,2025-11-15\n"
)


def _expected_frame(result) -> list[list]:
    return result.data[["sku", "sku_name", "warehouse", "qty", "unit_cost", "value"]].values.tolist()


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""),
                                               ("gb18030", b"")])
def test_csv_in_each_chinese_office_encoding_reads_the_same(encoding, bom, write_file):
    path = write_file("lots.csv", bom + CHINESE_LOTS.encode(encoding))
    result = load_lots(path)
    assert _expected_frame(result) == [["A-001", "不锈钢螺丝", "五金仓", 100.0, 0.35, 35.0],
                                       ["B-002", "冷轧钢板", "原材料仓", 2.5, 4800.0, 12000.0]]
    assert result.data["receipt_date"].tolist() == [pd.Timestamp("2025-12-01"), pd.Timestamp("2025-11-15")]
    assert result.problems.empty and result.rejected.empty


def test_gbk_is_decoded_as_gb18030_not_guessed(write_file):
    result = load_lots(write_file("lots.csv", CHINESE_LOTS, "gbk"))
    assert result.encoding == "gb18030"


def test_gzip_compressed_csv_is_read_transparently(write_file):
    result = load_lots(write_file("lots.csv.gz", gzip.compress(CHINESE_LOTS.encode("gbk"))))
    assert len(result.data) == 2


def test_xlsx_with_chinese_headers_excel_dates_and_serials(tmp_path):
    frame = pd.DataFrame({
        "料号": ["00123", "X-9"], "仓库": ["成品仓", "包材仓"], "数量": [3, 4], "金额": [30.5, 8.0],
        "入库日期": [pd.Timestamp("2025-12-01"), 45992],
    })
    path = tmp_path / "lots.xlsx"
    frame.to_excel(path, index=False)
    result = load_lots(path)
    assert result.data["sku"].tolist() == ["00123", "X-9"]
    assert result.data["value"].tolist() == [30.5, 8.0]
    assert result.data["unit_cost"].tolist() == [pytest.approx(30.5 / 3), 2.0]
    assert result.data["receipt_date"].tolist() == [pd.Timestamp("2025-12-01"), pd.Timestamp("2025-12-01")]
    assert result.data["stock_type"].tolist() == ["finished_goods", "packaging"]


def test_headers_match_english_aliases_regardless_of_case_and_spacing(write_file):
    text = " Item Code ,WAREHOUSE NAME,Qty,Unit Cost (¥),receipt_date\nA,成品仓,1,2,2025-12-01\n"
    result = load_lots(write_file("lots.csv", text))
    assert result.mapping == {"sku": "Item Code", "warehouse": "WAREHOUSE NAME", "qty": "Qty",
                              "unit_cost": "Unit Cost (¥)", "receipt_date": "receipt_date"}
    assert result.data["value"].tolist() == [2.0]


def test_explicit_mapping_fixes_a_header_that_matches_nothing(write_file):
    # With no warehouse column the file is one warehouse, named for the file; the mapping names the column.
    text = "物料编码,Ort,数量,金额\nA,成品仓,1,9\n"
    unmapped = load_lots(write_file("lots.csv", text))
    assert unmapped.data["warehouse"].tolist() == ["lots"]
    assert unmapped.extra["warehouse_source"] == "file name"
    result = load_lots(write_file("lots.csv", text), mapping={"warehouse": "Ort"})
    assert result.data["warehouse"].tolist() == ["成品仓"]
    assert result.unmatched == []


def test_header_row_below_a_title_is_found_and_rows_keep_their_line_numbers(write_file):
    text = "库存明细表 2025年12月\n\n物料编码,仓库,数量,单价\nA,成品仓,1,2\nB,成品仓,x,2\n"
    result = load_lots(write_file("lots.csv", text))
    assert result.data["_row"].tolist() == [4]
    assert result.problems["row"].tolist() == [5]


@pytest.mark.parametrize(("cell", "number"), [
    ("¥ 1,234.50", 1234.5), ("￥1,234.50", 1234.5), ("1.2万", 12000.0), ("RMB 88", 88.0), ("  7 ", 7.0),
    ("1 000", 1000.0), ("３５", 35.0), ("2.5e3", 2500.0),
])
def test_money_cells_with_signs_separators_and_wan(cell, number, write_file):
    text = f'物料编码,仓库,数量,单价\nA,成品仓,1,"{cell}"\n'
    assert load_lots(write_file("lots.csv", text, "gb18030")).data["unit_cost"].tolist() == [number]


@pytest.mark.parametrize("cell", ["2025-12-01", "2025/12/1", "2025年12月1日", "20251201", "45992",
                                  "2025-12-01 08:30:00", "2025.12.01"])
def test_every_date_format_reads_as_the_same_day(cell, write_file):
    text = f"物料编码,仓库,数量,单价,入库日期\nA,成品仓,1,2,{cell}\n"
    result = load_lots(write_file("lots.csv", text))
    assert result.data["receipt_date"].tolist() == [pd.Timestamp("2025-12-01")]


@pytest.mark.parametrize(("warehouse", "stock_type"), [
    ("成品仓", "finished_goods"), ("原材料仓", "raw_material"), ("包材仓", "packaging"), ("五金仓", "hardware"),
    ("半成品仓", "semi_finished"), ("产品余数仓", "remnant"), ("客户仓", "customer"), ("工程样板仓", "sample"),
    ("深圳一号仓", "other"),
])
def test_stock_type_is_inferred_from_the_warehouse_name(warehouse, stock_type):
    assert infer_stock_type(warehouse) == stock_type


def test_a_given_stock_type_column_wins_over_the_warehouse_name(write_file):
    text = "物料编码,仓库,库存类型,数量,单价\nA,成品仓,raw_material,1,2\nB,成品仓,包材,1,2\nC,原材料仓,,1,2\n"
    result = load_lots(write_file("lots.csv", text))
    assert result.data["stock_type"].tolist() == ["raw_material", "packaging", "raw_material"]


def test_value_column_is_used_as_given_and_unit_cost_fills_only_gaps(write_file):
    text = "sku,warehouse,qty,unit_cost,value\nA,成品仓,2,3,5.99\nB,成品仓,2,3,\n"
    assert load_lots(write_file("lots.csv", text)).data["value"].tolist() == [5.99, 6.0]


def test_text_in_qty_sets_the_row_aside_with_the_exact_message(write_file):
    text = "物料编码,仓库,数量,单价\nA,成品仓,1,2\nB,成品仓,十二,2\n"
    result = load_lots(write_file("lots.csv", text))
    assert result.data["sku"].tolist() == ["A"]
    assert result.problems["message"].tolist() == ["lots.csv: row 3, column '数量' (qty): '十二' is not a number"]
    assert result.rejected[["row", "物料编码", "数量"]].values.tolist() == [[3, "B", "十二"]]
    assert result.rejected["reason"].tolist() == ["lots.csv: row 3, column '数量' (qty): '十二' is not a number"]


def test_negative_qty_sets_the_row_aside_with_the_exact_message(write_file):
    text = "sku,warehouse,qty,unit_cost\nA,成品仓,-5,2\nB,成品仓,1,(3)\n"
    result = load_lots(write_file("lots.csv", text))
    assert result.data.empty
    assert result.problems["message"].tolist() == [
        "lots.csv: row 2, column 'qty': -5 is negative",
        "lots.csv: row 3, column 'unit_cost': -3 is negative",
    ]
    assert result.rejected_count == 2


def test_unreadable_or_missing_receipt_date_keeps_the_lot_with_a_warning_and_an_empty_key_is_set_aside(write_file):
    text = "sku,warehouse,qty,unit_cost,receipt_date\nA,成品仓,1,2,2025-13-45\n,成品仓,1,2,2025-01-01\nC,成品仓,1,2,\n"
    result = load_lots(write_file("lots.csv", text))
    assert result.data["sku"].tolist() == ["A", "C"]
    assert result.data["receipt_date"].isna().tolist() == [True, True]
    by_row = result.problems.set_index("row")
    assert by_row.loc[2, "message"] == ("lots.csv: row 2, column 'receipt_date': '2025-13-45' is not a date: "
                                        "the lot counts in every total but has no age")
    assert by_row.loc[2, "severity"] == "warning"
    assert by_row.loc[3, "message"] == "lots.csv: row 3, column 'sku': is empty"
    assert by_row.loc[4, "severity"] == "warning"


def test_blank_lines_and_malformed_lines_keep_true_row_numbers(write_file):
    text = "sku,warehouse,qty,unit_cost\nA,成品仓,1,2\n\nB,成品仓,1\nC,成品仓,x,2\n"
    result = load_lots(write_file("lots.csv", text))
    assert result.data["_row"].tolist() == [2]
    assert result.problems["row"].tolist() == [4, 5]
    assert "row 4: has a different number of fields" in result.problems["message"].iloc[0]
    assert result.rejected["row"].tolist() == [4, 5]


def test_every_row_is_either_used_or_set_aside(write_file):
    rows = ["A,成品仓,1,2", "B,成品仓,-1,2", "C,成品仓,abc,2", "D,成品仓,1,abc", "E,成品仓,1,2"]
    result = load_lots(write_file("lots.csv", "sku,warehouse,qty,unit_cost\n" + "\n".join(rows) + "\n"))
    assert len(result.data) + result.rejected_count == len(rows)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "lots.csv: the file is empty"),
    (b"   \n\n", "lots.csv: the file is empty"),
    (b"\x00\x01\x02\x03PNG\x89\x00\xff" * 10, "lots.csv: not a CSV or XLSX file (binary content)"),
    (b"sku,qty\n" + bytes([0xFF, 0x80, 0xFE, 0x81, 0x9F]) * 50,
     "lots.csv: unknown text encoding; save the file as UTF-8 or GBK CSV"),
    ("sku,warehouse,qty,Feld 4\nA,成品仓,1,2\n".encode(),
     "lots.csv: required column 'unit_cost' or 'value' is missing (accepted headers: unit_cost, unit cost, "
     "unit price, cost, price, 单价, 单位成本, …); the file has: sku, warehouse, qty, Feld 4; closest headers: "
     "Feld 4; map one on the Data page (column mapping) or headless with --mapping FILE holding "
     "{\"Feld 4\": \"unit_cost\"}"),
    ("仓库,数量,单价\nW,1,2\n".encode("gbk"),
     "lots.csv: required column 'sku' is missing (accepted headers: sku, item, item code, item no, material, "
     "material code, part number, …); the file has: 仓库, 数量, 单价; no column of the file can be it: the export "
     "needs this column"),
    (b"sku,warehouse,qty,value\n", "lots.csv: no data rows below the header"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     "lots.csv: cannot read the Excel workbook: the file is damaged or not a workbook"),
    (b"PK\x03\x04not really a zip", "lots.csv: cannot read the Excel workbook: the file is damaged or not a workbook"),
])
def test_fatal_input_gives_one_clear_message(content, message, write_file):
    with pytest.raises(InputError) as error:
        load_lots(write_file("lots.csv", content))
    assert str(error.value) == message


def test_missing_file_message(tmp_path):
    with pytest.raises(InputError) as error:
        load_lots(tmp_path / "nope.csv")
    assert str(error.value) == "nope.csv: file not found"


def test_uploaded_bytes_and_file_objects_are_named_in_messages():
    with pytest.raises(InputError, match=r"^upload\.csv: the file is empty$"):
        load_lots(io.BytesIO(b""), name="upload.csv")


def test_movements_file_with_chinese_headers(write_file):
    text = "日期,物料编码,出库数量,出库金额\n2025/3/1,A,5,10.5\n2025/3/2,A,bad,1\n"
    result = load_movements(write_file("moves.csv", text, "gbk"))
    assert result.data[["sku", "qty_out", "cogs"]].values.tolist() == [["A", 5.0, 10.5]]
    assert result.problems["message"].tolist() == [
        "moves.csv: row 3, column '出库数量' (qty_out): 'bad' is not a number"]


def test_currency_is_taken_from_money_signs_or_a_currency_column(write_file):
    assert load_lots(write_file("a.csv", 'sku,warehouse,qty,value\nA,W,1,"$5"\n')).currency == "USD"
    assert load_lots(write_file("b.csv", "sku,warehouse,qty,value,currency\nA,W,1,5,eur\n")).currency == "EUR"
    assert load_lots(write_file("c.csv", "sku,warehouse,qty,value\nA,W,1,5\n")).currency == "CNY"


def test_lines_ended_by_a_lone_carriage_return_are_read_with_their_line_numbers():
    # Classic Mac "CSV (Macintosh)" ends lines with CR alone; the bad qty is on line 3 as an editor shows it.
    text = "sku,warehouse,qty,unit_cost\rA,W1,1,2\rB,W1,x,5\rC,W2,3,4\r"
    result = load_lots(io.BytesIO(text.encode()), name="mac.csv")
    assert result.data["sku"].tolist() == ["A", "C"]
    assert result.data["qty"].tolist() == [1.0, 3.0]
    assert result.problems["row"].tolist() == [3]
    assert result.problems["message"].iloc[0].startswith("mac.csv: row 3, column ")
