"""A corpus of stock reports laid out as real ERPs export them, written into a folder at test time.

Every file carries the same three lots in its own layout (unless its docstring line says otherwise):
  A  1,234.5 pcs × 2.50   = 3,086.25, received 2025-12-28
  B      0.5 kg  × 174.60 =    87.30, received 2025-11-15
  C  2,000   pcs × 1.25   = 2,500.00, received 2025-03-01
The expected totals live in tests/test_erp_corpus.py, worked out by hand from these rows, not by the loader.
Traps: titles above the header, totals and subtotal rows, decimal commas, day-first and month-first dates,
two-row (merged) headers, stock-category columns, .xls, UTF-16, Windows-1252, GBK, EUR and USD.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

Writer = Callable[[Path], None]


def _text(path: Path, rows: list[list[object]], delimiter: str, encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _xlsx(path: Path, rows: list[list[object]], merges: list[tuple[int, int, int, int, str]] = ()) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell not in (None, ""):
                sheet.write(r, c, cell)
    for first_row, first_col, last_row, last_col, text in merges:
        sheet.merge_range(first_row, first_col, last_row, last_col, text)
    book.close()


def _xls(path: Path, rows: list[list[object]]) -> None:
    import xlwt  # test-only dependency: writes real BIFF8 .xls files

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell not in (None, ""):
                sheet.write(r, c, cell)
    book.save(str(path))


SAP_DE_HEADER = ["Material", "Materialkurztext", "Werk", "Lagerort", "Charge", "Basismengeneinheit",
                 "Frei verwendbar", "Wert frei verw.", "Qualitätsprüfung", "Wert in QualPrüf", "Gesperrt",
                 "Wert gesperrt", "Transit und Umlagerung", "Wert in Umlagerung", "Währung"]


def sap_mb52_de_csv(path: Path) -> None:
    """SAP MB52, German, Windows-1252, semicolons, decimal comma, a title line, categories, Summe row, EUR."""
    rows = [["Lagerbestand zum Stichtag 31.12.2025 – Werk 1000"], [],
            SAP_DE_HEADER,
            ["A-100", "Schraube M8", "1000", "0001", "CH01", "ST", "1.000", "2.500,00", "200", "500,00", "34,5",
             "86,25", "0", "0,00", "EUR"],
            ["B-200", "Fett Spezial", "1000", "0001", "CH02", "KG", "0,5", "87,30", "0", "0,00", "0", "0,00", "0",
             "0,00", "EUR"],
            ["C-300", "Mutter M8", "1000", "0002", "CH03", "ST", "1.500", "1.875,00", "0", "0,00", "0", "0,00",
             "500", "625,00", "EUR"],
            ["*", "Summe", "", "", "", "", "3.000,5", "4.462,30", "200", "500,00", "34,5", "86,25", "500", "625,00",
             "EUR"]]
    _text(path, rows, ";", "cp1252")


def sap_mb52_en_utf16(path: Path) -> None:
    """SAP MB52, English, 'Unicode text' (UTF-16 with BOM, tab separated), thousands commas, Total row, USD."""
    header = ["Material", "Material Description", "Plant", "Storage Location", "Batch", "Base Unit of Measure",
              "Unrestricted", "Value Unrestricted", "In Quality Insp.", "Value in QualInsp.", "Blocked",
              "Value BlockedStock", "Transit and Transfer", "Value in Transit", "Currency"]
    rows = [header,
            ["A-100", "Screw M8", "1000", "0001", "CH01", "PC", "1,000.000", "2,500.00", "200.000", "500.00",
             "34.500", "86.25", "0.000", "0.00", "USD"],
            ["B-200", "Grease", "1000", "0001", "CH02", "KG", "0.500", "87.30", "0.000", "0.00", "0.000", "0.00",
             "0.000", "0.00", "USD"],
            ["C-300", "Nut M8", "1000", "0002", "CH03", "PC", "1,500.000", "1,875.00", "0.000", "0.00", "0.000",
             "0.00", "500.000", "625.00", "USD"],
            ["Total", "", "", "", "", "", "3,000.500", "4,462.30", "200.000", "500.00", "34.500", "86.25", "500.000",
             "625.00", "USD"]]
    _text(path, rows, "\t", "utf-16")


def sap_mb52_de_xlsx(path: Path) -> None:
    """SAP MB52, German headers in an .xlsx (numbers as numbers), EUR in the currency column, Gesamt row."""
    rows = [SAP_DE_HEADER,
            ["A-100", "Schraube M8", "1000", "0001", "CH01", "ST", 1000, 2500, 200, 500, 34.5, 86.25, 0, 0, "EUR"],
            ["B-200", "Fett Spezial", "1000", "0001", "CH02", "KG", 0.5, 87.3, 0, 0, 0, 0, 0, 0, "EUR"],
            ["C-300", "Mutter M8", "1000", "0002", "CH03", "ST", 1500, 1875, 0, 0, 0, 0, 500, 625, "EUR"],
            ["Gesamt", "", "", "", "", "", 3000.5, 4462.3, 200, 500, 34.5, 86.25, 500, 625, "EUR"]]
    _xlsx(path, rows)


def sap_mb5b_en_csv(path: Path) -> None:
    """SAP MB5B (stock on posting date), English, closing stock and value, comma CSV, EUR signs in the header."""
    rows = [["Stock on Posting Date 31.12.2025"],
            ["Plant", "Storage Location", "Material", "Material Description", "Opening Stock", "Closing Stock",
             "Base Unit of Measure", "Opening Value", "Closing Value (EUR)"],
            ["1000", "0001", "A-100", "Screw M8", "900", "1234.5", "PC", "2250.00", "3086.25"],
            ["1000", "0001", "B-200", "Grease", "1", "0.5", "KG", "174.60", "87.30"],
            ["1000", "0002", "C-300", "Nut M8", "2000", "2000", "PC", "2500.00", "2500.00"]]
    _text(path, rows, ",", "utf-8")


def kingdee_xls(path: Path) -> None:
    """Kingdee K/3 即时库存 as a real .xls: a title line, 合计 row, CNY."""
    rows = [["即时库存查询"],
            ["物料代码", "物料名称", "规格型号", "仓库", "批号", "基本单位", "库存数量", "单价", "金额", "入库日期"],
            ["A-100", "螺丝", "M8", "原材料仓", "CH01", "个", 1234.5, 2.5, 3086.25, "2025-12-28"],
            ["B-200", "润滑脂", "1kg", "原材料仓", "CH02", "千克", 0.5, 174.6, 87.3, "2025-11-15"],
            ["C-300", "螺母", "M8", "成品仓", "CH03", "个", 2000, 1.25, 2500, "2025-03-01"],
            ["合计", "", "", "", "", "", 3235, "", 5673.55, ""]]
    _xls(path, rows)


def kingdee_gbk_csv(path: Path) -> None:
    """Kingdee K/3 即时库存, GBK CSV, 小计 row per warehouse and 合计, blank separator rows, YYYY/MM/DD dates."""
    header = ["物料长代码", "物料名称", "规格型号", "仓库", "批号", "基本单位", "库存数量", "单价", "金额",
              "生产/采购日期"]
    rows = [header,
            ["A-100", "螺丝", "M8", "原材料仓", "CH01", "个", "1,234.5", "2.50", "3,086.25", "2025/12/28"],
            ["B-200", "润滑脂", "1kg", "原材料仓", "CH02", "千克", "0.5", "174.60", "87.30", "2025/11/15"],
            ["小计", "", "", "原材料仓", "", "", "1,235", "", "3,173.55", ""],
            [],
            ["C-300", "螺母", "M8", "成品仓", "CH03", "个", "2,000", "1.25", "2,500.00", "2025/3/1"],
            ["小计", "", "", "成品仓", "", "", "2,000", "", "2,500.00", ""],
            [],
            ["合计", "", "", "", "", "", "3,235", "", "5,673.55", ""]]
    _text(path, rows, ",", "gbk")


def u8_onhand_xlsx(path: Path) -> None:
    """Yonyou U8 现存量查询 .xlsx, a title line and 总计 row."""
    rows = [["现存量查询"],
            ["存货编码", "存货名称", "规格型号", "主计量单位", "仓库名称", "批号", "现存数量", "结存单价", "结存金额",
             "入库日期"],
            ["A-100", "螺丝", "M8", "个", "原材料仓", "CH01", 1234.5, 2.5, 3086.25, "2025-12-28"],
            ["B-200", "润滑脂", "1kg", "千克", "原材料仓", "CH02", 0.5, 174.6, 87.3, "2025-11-15"],
            ["C-300", "螺母", "M8", "个", "成品仓", "CH03", 2000, 1.25, 2500, "2025-03-01"],
            ["总计", "", "", "", "", "", 3235, "", 5673.55, ""]]
    _xlsx(path, rows)


U8_TOP = ["存货编码", "存货名称", "仓库名称", "批号", "期初", "", "入库", "", "出库", "", "结存", ""]
U8_BELOW = ["", "", "", "", "数量", "金额", "数量", "金额", "数量", "金额", "数量", "金额"]


def u8_ledger_csv(path: Path) -> None:
    """Yonyou U8 库存台账, GBK CSV, two title lines, a two-row header (结存 over 数量 | 金额), 合计 row."""
    rows = [["库存台账"], ["期间：2025-12"], U8_TOP, U8_BELOW,
            ["A-100", "螺丝", "原材料仓", "CH01", "1000", "2500", "234.5", "586.25", "0", "0", "1234.5", "3086.25"],
            ["B-200", "润滑脂", "原材料仓", "CH02", "1", "174.6", "0", "0", "0.5", "87.3", "0.5", "87.3"],
            ["C-300", "螺母", "成品仓", "CH03", "2000", "2500", "0", "0", "0", "0", "2000", "2500"],
            ["合计", "", "", "", "3001", "5174.6", "234.5", "586.25", "0.5", "87.3", "3235", "5673.55"]]
    _text(path, rows, ",", "gbk")


def u8_ledger_xlsx(path: Path) -> None:
    """Yonyou U8 库存台账 .xlsx with merged cells over the two-row header."""
    top = ["存货编码", "存货名称", "仓库名称", "批号", "", "", "", ""]
    rows = [["库存台账"], top, ["", "", "", "", "数量", "金额", "数量", "金额"],
            ["A-100", "螺丝", "原材料仓", "CH01", 1000, 2500, 1234.5, 3086.25],
            ["B-200", "润滑脂", "原材料仓", "CH02", 1, 174.6, 0.5, 87.3],
            ["C-300", "螺母", "成品仓", "CH03", 2000, 2500, 2000, 2500],
            ["合计", "", "", "", 3001, 5174.6, 3235, 5673.55]]
    _xlsx(path, rows, merges=[(1, 4, 1, 5, "期初"), (1, 6, 1, 7, "结存")])


def odoo_quant_csv(path: Path) -> None:
    """Odoo stock.quant export: month-first dates with times, '$' values, Lot/Serial Number."""
    rows = [["Product", "Location", "Lot/Serial Number", "On Hand Quantity", "Unit of Measure", "Value",
             "Incoming Date"],
            ["[A-100] Screw M8", "WH/Stock", "CH01", "1,234.50", "Units", "$ 3,086.25", "12/28/2025 10:15:00"],
            ["[B-200] Grease", "WH/Stock", "CH02", "0.50", "kg", "$ 87.30", "11/15/2025 08:00:00"],
            ["[C-300] Nut M8", "WH/Finished", "CH03", "2,000.00", "Units", "$ 2,500.00", "3/1/2025 09:30:00"]]
    _text(path, rows, ",", "utf-8")


def odoo_quant_xlsx(path: Path) -> None:
    """Odoo stock.quant .xlsx: Quantity, Value, Currency EUR, ISO datetimes as text."""
    rows = [["Product", "Location", "Lot/Serial Number", "Quantity", "Unit of Measure", "Value", "Currency",
             "Incoming Date"],
            ["[A-100] Screw M8", "WH/Stock", "CH01", 1234.5, "Units", 3086.25, "EUR", "2025-12-28 10:15:00"],
            ["[B-200] Grease", "WH/Stock", "CH02", 0.5, "kg", 87.3, "EUR", "2025-11-15 08:00:00"],
            ["[C-300] Nut M8", "WH/Finished", "CH03", 2000, "Units", 2500, "EUR", "2025-03-01 09:30:00"]]
    _xlsx(path, rows)


def odoo_valuation_csv(path: Path) -> None:
    """Odoo stock valuation layers: Remaining Qty / Remaining Value are the stock; Quantity and Total Value
    are what each receipt moved (must not be read as stock)."""
    rows = [["Date", "Reference", "Product", "Warehouse", "Quantity", "Unit Value", "Total Value", "Remaining Qty",
             "Remaining Value"],
            ["2025-12-28 10:15:00", "WH/IN/00012", "[A-100] Screw M8", "WH", "1500.00", "2.50", "3750.00", "1234.50",
             "3086.25"],
            ["2025-11-15 08:00:00", "WH/IN/00009", "[B-200] Grease", "WH", "2.00", "174.60", "349.20", "0.50",
             "87.30"],
            ["2025-03-01 09:30:00", "WH/IN/00002", "[C-300] Nut M8", "WH", "2000.00", "1.25", "2500.00", "2000.00",
             "2500.00"]]
    _text(path, rows, ",", "utf-8")


def wms_unicode_txt(path: Path) -> None:
    """WMS 'Unicode text' export (UTF-16 LE with BOM, tabs), day-first dates with slashes (15/11/2025 decides)."""
    rows = [["Item Number", "Item Description", "Site", "Bin", "Lot Number", "On Hand Qty", "UOM", "Unit Cost",
             "Extended Cost", "Received Date"],
            ["A-100", "Screw M8", "DC1", "A-01-01", "CH01", "1234.5", "EA", "2.50", "3086.25", "28/12/2025"],
            ["B-200", "Grease", "DC1", "A-01-02", "CH02", "0.5", "KG", "174.60", "87.30", "15/11/2025"],
            ["C-300", "Nut M8", "DC2", "B-02-01", "CH03", "2000", "EA", "1.25", "2500.00", "01/03/2025"]]
    _text(path, rows, "\t", "utf-16")


def euro_excel_csv(path: Path) -> None:
    """European Excel CSV: semicolons, decimal comma with '.' thousands, € signs, DD.MM.YYYY, one unreadable
    date (the lot stays, age unknown), a blank line and a Summe row."""
    rows = [["sku;warehouse;qty;unit_cost;value;receipt_date"],
            ["A-100;Rohstofflager;1.234,5;€ 2,50;€ 3.086,25;28.12.2025"],
            ["B-200;Rohstofflager;0,5;€ 174,60;€ 87,30;unbekannt"],
            [""],
            ["C-300;Fertigwarenlager;2.000;€ 1,25;€ 2.500,00;01.03.2025"],
            ["Summe;;3.235;;€ 5.673,55;"]]
    path.write_bytes("\r\n".join(r[0] for r in rows).encode("utf-8"))


def us_excel_csv(path: Path) -> None:
    """US Excel CSV: quoted thousands, '$', M/D/YYYY dates where 12/28/2025 decides, Grand Total row."""
    rows = [["Item", "Warehouse", "Quantity", "Unit Cost", "Value", "Receipt Date"],
            ["A-100", "Raw Materials", "1,234.50", "$2.50", "$3,086.25", "12/28/2025"],
            ["B-200", "Raw Materials", "0.50", "$174.60", "$87.30", "11/15/2025"],
            ["C-300", "Finished Goods", "2,000.00", "$1.25", "$2,500.00", "3/1/2025"],
            ["Grand Total", "", "3,235.00", "", "$5,673.55", ""]]
    _text(path, rows, ",", "utf-8")


def cp1252_tab_txt(path: Path) -> None:
    """German WMS export in Windows-1252 with tabs and a decimal comma only visible in prices (0,5 · 174,60)."""
    rows = [["Material", "Bezeichnung", "Lagerort", "Charge", "Frei verwendbar", "Basismengeneinheit",
             "Wert frei verw.", "Währung"],
            ["A-100", "Schraube für Holz", "Hauptlager", "CH01", "1234,5", "ST", "3086,25", "EUR"],
            ["B-200", "Fett", "Hauptlager", "CH02", "0,5", "KG", "87,3", "EUR"],
            ["C-300", "Mutter", "Außenlager", "CH03", "2000", "ST", "2500", "EUR"]]
    _text(path, rows, "\t", "cp1252")


CORPUS: dict[str, Writer] = {
    "sap_mb52_de.csv": sap_mb52_de_csv,
    "sap_mb52_en.txt": sap_mb52_en_utf16,
    "sap_mb52_de.xlsx": sap_mb52_de_xlsx,
    "sap_mb5b_en.csv": sap_mb5b_en_csv,
    "kingdee_k3.xls": kingdee_xls,
    "kingdee_k3.csv": kingdee_gbk_csv,
    "u8_onhand.xlsx": u8_onhand_xlsx,
    "u8_ledger.csv": u8_ledger_csv,
    "u8_ledger.xlsx": u8_ledger_xlsx,
    "odoo_quant.csv": odoo_quant_csv,
    "odoo_quant.xlsx": odoo_quant_xlsx,
    "odoo_valuation.csv": odoo_valuation_csv,
    "wms_unicode.txt": wms_unicode_txt,
    "euro_excel.csv": euro_excel_csv,
    "us_excel.csv": us_excel_csv,
    "german_wms_cp1252.txt": cp1252_tab_txt,
}


def write_corpus(folder: Path) -> dict[str, Path]:
    """Write every corpus file into `folder`; returns name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, writer in CORPUS.items():
        writer(folder / name)
        paths[name] = folder / name
    return paths


if __name__ == "__main__":
    import sys

    for written in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "erp_corpus")).values():
        print(written)
