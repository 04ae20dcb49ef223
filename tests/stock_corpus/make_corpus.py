"""Writes the written half of the stock corpus and its manifest, deterministically.

Run from the repository root: `python tests/stock_corpus/make_corpus.py`. The committed files are what
tests/test_stock_corpus.py reads; this script is how they were made and how every expected figure was worked out.

Every expected TIV comes from the rows below, not from the reader: each written row is a list of stock
categories (quantity, value) with value = quantity × unit price in exact decimals, and the TIV is the sum of
those values (every stock category counted once). For the real public files copied into this folder
(`real_*`), the TIV is summed straight from the named columns of the file with the csv module or openpyxl
(`real_expectations`), never through core/.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import xlsxwriter

HERE = Path(__file__).resolve().parent
CENT = Decimal("0.01")
FIXED_TIME = datetime.datetime(2025, 12, 31, 18, 0, 0)
CATEGORIES = ("unrestricted", "transit", "quality", "restricted", "blocked", "returns")


# ---------------------------------------------------------------- writing helpers

def number(value: Decimal, decimals: int, decimal_mark: str = ".", thousands: str = "") -> str:
    """`value` with a fixed number of decimals, the given decimal mark and thousands separator."""
    text = f"{abs(value):,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", decimal_mark).replace("\x00", thousands)
    return ("-" if value < 0 else "") + text


def write_text(path: Path, rows: list[list[object]], delimiter: str, encoding: str, bom: bool = False,
               quoting: int = csv.QUOTE_MINIMAL) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=quoting).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    if bom and encoding.lower().replace("-", "") in ("utf8", "utf_8"):
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


def write_utf16(path: Path, rows: list[list[object]]) -> None:
    """SAP GUI 'Unicode text': UTF-16 little endian with BOM, tab separated."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    path.write_bytes(b"\xff\xfe" + buffer.getvalue().encode("utf-16-le"))


def fill_sheet(sheet, rows: list[list[object]]) -> None:
    """Write the non-empty cells of `rows` into an xlsxwriter or xlwt sheet; decimals as numbers."""
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is not None and cell != "":
                sheet.write(r, c, float(cell) if isinstance(cell, Decimal) else cell)


def write_xlsx(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": FIXED_TIME})  # same bytes on every run
    for name, rows in sheets:
        fill_sheet(book.add_worksheet(name), rows)
    book.close()


def write_xls(path: Path, rows: list[list[object]], sheet_name: str = "Sheet1") -> None:
    import xlwt  # test-only dependency: writes real BIFF8 .xls files

    book = xlwt.Workbook(encoding="utf-8")
    fill_sheet(book.add_sheet(sheet_name), rows)
    book.save(str(path))


# ---------------------------------------------------------------- the manifest

@dataclass
class Case:
    """One run of `report` on one corpus file and what it must answer."""

    id: str
    file: str
    provenance: str
    shape: str
    exit: int
    how: str
    tiv: float | None = None
    lots: int | None = None
    currency: str | None = None
    currency_source: str | list[str] | None = None
    fragments: list[list[str]] = field(default_factory=list)
    prices: str | None = None
    sheet: str | None = None
    mapping: str | None = None
    never_proposed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[list[str]] = field(default_factory=list)  # exit 0: each group's word is in a JSON warning

    def as_dict(self) -> dict:
        data = {"id": self.id, "file": self.file, "provenance": self.provenance, "shape": self.shape,
                "args": {k: v for k, v in (("prices", self.prices), ("sheet", self.sheet),
                                           ("mapping", self.mapping)) if v},
                "expect": {"exit": self.exit}, "how_expected": self.how}
        expect = data["expect"]
        if self.exit == 0:
            expect["tiv"] = self.tiv
            expect["currency_source"] = self.currency_source
            if self.currency:
                expect["currency"] = self.currency
            if self.lots is not None:
                expect["lots"] = self.lots
            if self.warnings:
                expect["warnings"] = self.warnings
        elif self.exit == 2:
            expect["message_fragments"] = self.fragments
            if self.never_proposed:
                expect["never_proposed"] = [list(pair) for pair in self.never_proposed]
        else:
            expect["exit"] = [0, 2]
            expect["stderr_fragments"] = self.fragments
        return data


def money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


GUARDED = -1  # exit 0 with a warning or exit 2: either way stderr must say what is wrong


def refused(case_id: str, file: str, provenance: str, shape: str, how: str, *groups: list[str],
            never_proposed: tuple[tuple[str, str], ...] = ()) -> Case:
    """An exit-2 case: the message names the file and every group (any word of a group will do), and no hint in
    it maps a header of `never_proposed` to a role its values contradict."""
    return Case(case_id, file, provenance, shape, 2, how, fragments=[[file], *map(list, groups)],
                never_proposed=list(never_proposed))


# ---------------------------------------------------------------- SAP MB52 in eight logon languages

KEYS = ("material", "text", "plant", "sloc", "batch", "uom",
        "unrestricted", "v_unrestricted", "transit", "v_transit", "quality", "v_quality",
        "restricted", "v_restricted", "blocked", "v_blocked", "returns", "v_returns", "currency")

SAP_HEADERS = {
    "EN": ["Material", "Material Description", "Plant", "Storage Location", "Batch", "Base Unit of Measure",
           "Unrestricted", "Value Unrestricted", "Transit and Transfer", "Val. in Trans./Tfr", "In Quality Insp.",
           "Value in QualInsp.", "Restricted-Use Stock", "Value Restricted", "Blocked", "Value BlockedStock",
           "Returns", "Value Rets Blocked", "Currency"],
    "DE": ["Material", "Materialkurztext", "Werk", "Lagerort", "Charge", "Basismengeneinheit",
           "Frei verwendbar", "Wert frei verwend.", "Transit und Umlagerung", "Wert in Umlag.", "Qualitätsprüfung",
           "Wert in QualPrüf", "Nicht frei verwendbar", "Wert nicht frei", "Gesperrt", "Wert gesperrt",
           "Retouren", "Wert Ret.gesperrt", "Währung"],
    "FR": ["Article", "Désignation article", "Division", "Magasin", "Lot", "Unité de quantité de base",
           "Utilisation libre", "Val. utilis. libre", "Transit et transfert", "Val. trans./transf.",
           "En contrôle qualité", "Valeur en CQ", "Utilisation restreinte", "Val. util. restreinte", "Bloqué",
           "Val. stock bloqué", "Retours", "Val. retours bloqués", "Devise"],
    "ES": ["Material", "Texto breve de material", "Centro", "Almacén", "Lote", "Unidad medida base",
           "Libre utilización", "Valor libre util.", "Trans./Trasl.", "Val.en trans./trasl.", "Inspecc.de calidad",
           "Valor en inspecc.cal.", "Stock no libre", "Valor util.restringida", "Bloqueado",
           "Valor stock bloqueado", "Devoluciones", "Val.devol.bloqueadas", "Moneda"],
    "PT": ["Material", "Texto breve material", "Centro", "Depósito", "Lote", "UM básica",
           "Utilização livre", "Val.utiliz.livre", "Trânsito e TE", "Val.em trâns.e Trf", "Controle qualidade",
           "Valor verif.qual.", "Estq.não disponível", "Val.util.restrita", "Bloqueado", "Val.estoque bloq.",
           "Devoluções", "Val.devol.bloq.", "Moeda"],
    "IT": ["Materiale", "Testo breve materiale", "Divisione", "Magazzino", "Partita", "Unità di misura base",
           "Utilizzo libero", "Val. utilizzo libero", "Transito e trasferimento", "Val. trans./trasf.",
           "Controllo qualità", "Val. controllo qualità", "Utilizzo limitato", "Val. utilizzo limitato",
           "Bloccato", "Val. stock bloccato", "Resi", "Val. resi bloccati", "Divisa"],
    "ZH": ["物料", "物料描述", "工厂", "库存地点", "批次", "基本计量单位",
           "非限制使用库存", "非限制使用的值", "在途和转移", "在途/转移的值", "质检中", "质检中的值",
           "受限制使用的库存", "受限制使用的值", "冻结的", "冻结库存的值", "退货", "冻结退货的值", "货币"],
    "JA": ["品目", "品目テキスト", "プラント", "保管場所", "ロット", "基本数量単位",
           "非制限使用在庫", "非制限使用在庫金額", "積送/転送中在庫", "積送/転送中金額", "品質検査中在庫",
           "品質検査中金額", "制限使用在庫", "制限使用在庫金額", "保留在庫", "保留在庫金額",
           "返品", "返品保留金額", "通貨"],
}
TEXTS = {
    "EN": ["Hex bolt M8x40", "Bearing 6204-2RS", "Gear oil ISO VG 220", "Seal kit DN50", "Pump housing",
           "Cable gland M20", "Control board v3", "Filter cartridge"],
    "DE": ["Sechskantschraube M8x40", "Rillenkugellager 6204", "Getriebeöl VG 220", "Dichtsatz DN50",
           "Pumpengehäuse", "Kabelverschraubung M20", "Steuerplatine v3", "Filterpatrone"],
    "FR": ["Vis hexagonale M8x40", "Roulement 6204", "Huile de réducteur", "Kit joints DN50", "Corps de pompe",
           "Presse-étoupe M20", "Carte de commande", "Cartouche filtrante"],
    "ES": ["Tornillo hexagonal M8", "Rodamiento 6204", "Aceite engranajes", "Juego de juntas DN50",
           "Carcasa de bomba", "Prensaestopas M20", "Placa de control", "Cartucho de filtro"],
    "PT": ["Parafuso sextavado M8", "Rolamento 6204", "Óleo de engrenagem", "Kit vedação DN50",
           "Carcaça da bomba", "Prensa-cabo M20", "Placa de controle", "Cartucho filtrante"],
    "IT": ["Vite esagonale M8", "Cuscinetto 6204", "Olio ingranaggi", "Kit guarnizioni DN50", "Corpo pompa",
           "Pressacavo M20", "Scheda di controllo", "Cartuccia filtro"],
    "ZH": ["六角螺栓M8x40", "深沟球轴承6204", "齿轮油VG220", "密封件套装DN50", "泵壳", "电缆接头M20",
           "控制板V3", "滤芯"],
    "JA": ["六角ボルトM8x40", "ベアリング6204", "ギヤオイルVG220", "シールキットDN50", "ポンプハウジング",
           "ケーブルグランドM20", "制御基板V3", "フィルターカートリッジ"],
}


@dataclass
class SapRow:
    material: str
    text: str
    plant: str
    sloc: str
    batch: str
    uom: str
    price: Decimal
    qty: dict[str, Decimal]

    def value(self, category: str) -> Decimal:
        return (self.qty.get(category, Decimal(0)) * self.price).quantize(CENT)

    @property
    def total(self) -> Decimal:
        return sum((self.value(c) for c in CATEGORIES), Decimal(0))


def sap_rows(seed: int, language: str, yen: bool = False) -> list[SapRow]:
    """Eight materials over two storage locations of two plants, every stock category present, and two
    plant-level rows (empty storage location) holding only stock in transit."""
    rng = random.Random(seed)
    rows: list[SapRow] = []
    for i, text in enumerate(TEXTS[language]):
        price = Decimal(rng.randint(3, 900) * 10) if yen else Decimal(rng.randint(25, 250_00)) / 100
        material = f"{rng.randint(10, 99)}{rng.randint(100000, 999999)}"
        uom = "KG" if i == 2 else "PC"
        plant = "1000" if i < 5 else "1100"
        for sloc in ("0001", "0002")[: 1 + (i % 2)]:
            qty = {"unrestricted": Decimal(rng.randint(1, 2500))}
            extra = CATEGORIES[1 + (i + len(rows)) % (len(CATEGORIES) - 1)]
            qty[extra] = Decimal(rng.randint(1, 300))
            rows.append(SapRow(material, text, plant, sloc, f"B{rng.randint(1000, 9999)}", uom, price, qty))
        if i in (1, 6):
            rows.append(SapRow(material, text, plant, "", "", uom, price,
                               {"transit": Decimal(rng.randint(50, 900))}))
    seen = {c for row in rows for c in row.qty}
    assert seen == set(CATEGORIES), seen
    return rows


def sap_table(rows: list[SapRow], language: str, qty_text, value_text, currency: str | None,
              with_currency: bool = True) -> list[list[object]]:
    header = SAP_HEADERS[language][: len(KEYS) - (0 if with_currency else 1)]
    table: list[list[object]] = [header]
    for row in rows:
        line: list[object] = [row.material, row.text, row.plant, row.sloc, row.batch, row.uom]
        for category in CATEGORIES:
            line += [qty_text(row.qty.get(category, Decimal(0))), value_text(row.value(category))]
        if with_currency:
            line.append(currency)
        table.append(line)
    return table


def sap_expectation(rows: list[SapRow]) -> tuple[float, int]:
    return money(sum((row.total for row in rows), Decimal(0))), len(rows)


SAP_HOW = ("sum over rows of every category's value (unrestricted + transit/transfer + quality + restricted + "
           "blocked + returns), each value = quantity × the material's unit price; a plant-level row (empty "
           "storage location) holds stock in transit and counts")


def build_sap(folder: Path) -> list[Case]:
    cases: list[Case] = []
    doc = "written from SAP MB52 (Warehouse Stocks of Material) field texts, logon language {}"

    rows = sap_rows(1, "EN")
    table = sap_table(rows, "EN", lambda q: number(q, 3, ".", ","), lambda v: number(v, 2, ".", ","), "USD")
    write_utf16(folder / "sap_mb52_en_unicode.txt", [["Warehouse Stocks of Material"], [], *table])
    tiv, lots = sap_expectation(rows)
    cases.append(Case("sap_mb52_en_unicode", "sap_mb52_en_unicode.txt", doc.format("EN"),
                      "UTF-16 tab 'Unicode text', title line, thousands commas, all six categories", 0, SAP_HOW,
                      tiv, lots, "USD", "column"))

    rows = sap_rows(2, "DE")
    table = sap_table(rows, "DE", lambda q: number(q, 3, ",", "."), lambda v: number(v, 2, ",", "."), "EUR")
    total = ["*", "Summe", "", "", "", ""]
    for category in CATEGORIES:
        total += [number(sum((r.qty.get(category, Decimal(0)) for r in rows), Decimal(0)), 3, ",", "."),
                  number(sum((r.value(category) for r in rows), Decimal(0)), 2, ",", ".")]
    write_text(folder / "sap_mb52_de_cp1252.csv",
               [["Lagerbestand zum Stichtag 31.12.2025 – Werke 1000/1100"], [], *table, [*total, "EUR"]],
               ";", "cp1252")
    tiv, lots = sap_expectation(rows)
    cases.append(Case("sap_mb52_de_cp1252", "sap_mb52_de_cp1252.csv", doc.format("DE"),
                      "Windows-1252, semicolons, decimal comma, title, 'Wert frei verwend.', '*' Summe row", 0,
                      SAP_HOW + "; the Summe row is not a lot", tiv, lots, "EUR", "column"))

    rows = sap_rows(3, "FR")
    table = sap_table(rows, "FR", lambda q: q, lambda v: v, "EUR")
    write_xlsx(folder / "sap_mb52_fr.xlsx", [("Stocks magasin", table)])
    tiv, lots = sap_expectation(rows)
    cases.append(Case("sap_mb52_fr", "sap_mb52_fr.xlsx", doc.format("FR"), "XLSX, numeric cells, Devise column",
                      0, SAP_HOW, tiv, lots, "EUR", "column"))

    rows = sap_rows(4, "ES")
    table = sap_table(rows, "ES", lambda q: number(q, 3, ",", "."), lambda v: number(v, 2, ",", "."), "EUR")
    write_text(folder / "sap_mb52_es.csv",
               [["Stocks de almacén de material"], ["Fecha: 31.12.2025"], [], *table], ";", "utf-8", bom=True)
    tiv, lots = sap_expectation(rows)
    cases.append(Case("sap_mb52_es", "sap_mb52_es.csv", doc.format("ES"),
                      "UTF-8 BOM, semicolons, decimal comma, two title lines, 'Almacén', 'Libre utilización'", 0,
                      SAP_HOW, tiv, lots, "EUR", "column"))

    rows = sap_rows(5, "PT")
    table = sap_table(rows, "PT", lambda q: q, lambda v: v, "BRL")
    table[0].append("Valor em trânsito")
    for line, row in zip(table[1:], rows, strict=True):
        line.append(row.value("transit") if not row.sloc else Decimal(0))
    write_xlsx(folder / "sap_mb52_pt.xlsx", [("Sheet1", table)])
    tiv, lots = sap_expectation(rows)
    cases.append(Case("sap_mb52_pt", "sap_mb52_pt.xlsx", doc.format("PT"),
                      "XLSX, 'Depósito', 'Val.utiliz.livre', Moeda BRL, plus 'Valor em trânsito' (the in-transit "
                      "part of 'Val.em trâns.e Trf', as the real Sanofi export carries it)", 0,
                      SAP_HOW + "; 'Valor em trânsito' repeats part of 'Val.em trâns.e Trf' and is not added again",
                      tiv, lots, "BRL", "column"))

    rows = sap_rows(6, "IT")
    table = sap_table(rows, "IT", lambda q: number(q, 3, ",", "."), lambda v: number(v, 2, ",", "."), "EUR")
    write_text(folder / "sap_mb52_it.csv", table, ";", "utf-8", bom=True)
    tiv, lots = sap_expectation(rows)
    cases.append(Case("sap_mb52_it", "sap_mb52_it.csv", doc.format("IT"),
                      "UTF-8 BOM, semicolons, decimal comma, 'Magazzino', 'Utilizzo libero'", 0, SAP_HOW, tiv, lots,
                      "EUR", "column"))

    rows = sap_rows(7, "ZH")
    table = sap_table(rows, "ZH", lambda q: number(q, 3, ".", ","), lambda v: number(v, 2, ".", ","), "CNY")
    total = ["合计", "", "", "", "", ""]
    for category in CATEGORIES:
        total += ["", number(sum((r.value(category) for r in rows), Decimal(0)), 2, ".", ",")]
    write_text(folder / "sap_mb52_zh_gbk.csv", [*table, [*total, "CNY"]], ",", "gbk")
    tiv, lots = sap_expectation(rows)
    cases.append(Case("sap_mb52_zh_gbk", "sap_mb52_zh_gbk.csv", doc.format("ZH"),
                      "GBK, commas, quoted thousands, '库存地点', '非限制使用库存', 合计 row", 0,
                      SAP_HOW + "; the 合计 row is not a lot", tiv, lots, "CNY", "column"))

    rows = sap_rows(8, "JA", yen=True)
    table = sap_table(rows, "JA", lambda q: number(q, 3, ".", ","), lambda v: number(v, 0, ".", ","), "JPY")
    write_text(folder / "sap_mb52_ja_sjis.txt", [["倉庫別品目在庫一覧"], [], *table], "\t", "cp932")
    tiv, lots = sap_expectation(rows)
    cases.append(Case("sap_mb52_ja_sjis", "sap_mb52_ja_sjis.txt", doc.format("JA"),
                      "Shift-JIS (cp932), tab, yen without decimals, '保管場所', '非制限使用在庫'", 0, SAP_HOW, tiv,
                      lots, "JPY", "column"))

    rows = sap_rows(9, "EN")
    table = sap_table(rows, "EN", lambda q: q, lambda v: v, None, with_currency=False)
    total = ["Total", "", "", "", "", ""]
    for category in CATEGORIES:
        total += [sum((r.qty.get(category, Decimal(0)) for r in rows), Decimal(0)),
                  sum((r.value(category) for r in rows), Decimal(0))]
    write_xlsx(folder / "sap_mb52_en_nocurrency.xlsx",
               [("Sheet1", [["Warehouse Stocks of Material"], ["Plants 1000, 1100"], [], *table, total])])
    tiv, lots = sap_expectation(rows)
    cases.append(Case("sap_mb52_en_nocurrency", "sap_mb52_en_nocurrency.xlsx", doc.format("EN"),
                      "XLSX without a currency column, title lines, Total row", 0,
                      SAP_HOW + "; no currency anywhere, so the currency can only be assumed", tiv, lots, None,
                      "assumed"))

    rows = sap_rows(10, "DE")
    table = sap_table(rows, "DE", lambda q: q, lambda v: v, "EUR")
    assumptions = [["Annahme", "Wert"], ["Stichtag", "31.12.2025"], ["Zinssatz", 0.08], ["Lagerkostensatz", 0.25],
                   ["Planungshorizont (Tage)", 365]]
    summary = [["Werk", "Gesamtwert"], ["1000", sum((r.total for r in rows if r.plant == "1000"), Decimal(0))],
               ["1100", sum((r.total for r in rows if r.plant == "1100"), Decimal(0))]]
    write_xlsx(folder / "sap_mb52_de_workbook.xlsx",
               [("Assumptions", assumptions), ("Summe je Werk", summary), ("MB52 Lagerbestand", table)])
    tiv, lots = sap_expectation(rows)
    how = SAP_HOW + "; read from sheet 'MB52 Lagerbestand' (the third of three; the first is 'Assumptions')"
    cases.append(Case("sap_mb52_de_workbook", "sap_mb52_de_workbook.xlsx", doc.format("DE"),
                      "XLSX with three sheets, stock on the third, a per-plant summary on the second", 0, how, tiv,
                      lots, "EUR", "column"))
    cases.append(Case("sap_mb52_de_workbook_sheet_named", "sap_mb52_de_workbook.xlsx", doc.format("DE"),
                      "same workbook, sheet chosen with --sheet", 0, how, tiv, lots, "EUR", "column",
                      sheet="MB52 Lagerbestand"))

    rows = sap_rows(11, "EN")
    header = SAP_HEADERS["EN"][:6] + [SAP_HEADERS["EN"][6 + 2 * i] for i in range(len(CATEGORIES))]
    table = [header] + [[r.material, r.text, r.plant, r.sloc, r.batch, r.uom,
                         *(number(r.qty.get(c, Decimal(0)), 3) for c in CATEGORIES)] for r in rows]
    write_text(folder / "sap_mb52_en_qty_only.csv", table, ",", "utf-8")
    prices = {(r.material, r.plant): r.price for r in rows}
    write_text(folder / "sap_mb52_en_qty_only_prices.csv",
               [["Material", "Plant", "Moving Average Price", "Price Unit", "Currency"]]
               + [[m, plant, number(p, 2), "1", "USD"] for (m, plant), p in prices.items()], ",", "utf-8")
    tiv, lots = sap_expectation(rows)
    how = ("quantities of every category × the material's Moving Average Price from the price list "
           "(price unit 1), summed")
    cases.append(Case("sap_mb52_en_qty_only_priced", "sap_mb52_en_qty_only.csv", doc.format("EN") + " (no values)",
                      "MB52 quantities without value columns, with a material price list", 0, how, tiv, lots, "USD",
                      "column", prices="sap_mb52_en_qty_only_prices.csv"))
    cases.append(refused("sap_mb52_en_qty_only_unpriced", "sap_mb52_en_qty_only.csv",
                         doc.format("EN") + " (no values)", "MB52 quantities only, no price list",
                         "no cost or value column and no --prices: the one message names the missing cost/value",
                         ["cost"], ["value"],
                         never_proposed=(("Plant", "unit_cost"), ("Unrestricted", "unit_cost"),
                                         ("Transit and Transfer", "qty"), ("Material Description", "unit_cost"))))
    return cases


def build_sap_other(folder: Path) -> list[Case]:
    """MB5B (stock on posting date) and MB51 (material documents)."""
    cases: list[Case] = []
    rng = random.Random(21)
    header = ["Material", "Plant", "Material Description", "Opening Stock", "Total Receipt Qties",
              "Total Issue Quantities", "Closing Stock", "Base Unit of Measure", "Opening Value",
              "Total Receipt Values", "Total Issue Values", "Closing Value", "Currency"]
    table: list[list[object]] = [["Stock on Posting Date"], ["Period 01.12.2025 - 31.12.2025"], [], header]
    closing_total = Decimal(0)
    for _i, text in enumerate(TEXTS["EN"][:6]):
        price = Decimal(rng.randint(100, 90000)) / 100
        opening, receipts = Decimal(rng.randint(100, 900)), Decimal(rng.randint(0, 500))
        issues = Decimal(rng.randint(0, int(opening)))
        closing = opening + receipts - issues
        values = [(q * price).quantize(CENT) for q in (opening, receipts, issues)]
        closing_value = values[0] + values[1] - values[2]
        closing_total += closing_value
        table.append([f"4{rng.randint(100000, 999999)}", "1000", text, number(opening, 3, ".", ","),
                      number(receipts, 3, ".", ","), number(issues, 3, ".", ","), number(closing, 3, ".", ","),
                      "PC", *(number(v, 2, ".", ",") for v in values), number(closing_value, 2, ".", ","), "EUR"])
    write_text(folder / "sap_mb5b_en.csv", table, ",", "utf-8")
    cases.append(Case("sap_mb5b_en", "sap_mb5b_en.csv", "written from SAP MB5B (Stock on Posting Date) field texts, EN",
                      "opening, receipts, issues and closing per material; no storage location", 0,
                      "sum of Closing Value (= opening value + receipt values − issue values per row); opening, "
                      "receipt and issue columns are not stock", money(closing_total), 6, "EUR", "column"))

    header = ["Material", "Plant", "Storage Location", "Movement Type", "Material Document", "Item",
              "Posting Date", "Qty in Unit of Entry", "Unit of Entry", "Amount in LC", "Currency"]
    table = [header]
    for doc_no in range(14):
        qty = Decimal(rng.randint(1, 400))
        mvt = rng.choice(["101", "261", "601", "311"])
        sign = -1 if mvt in ("261", "601") else 1
        table.append([f"4{rng.randint(100000, 999999)}", "1000", "0001", mvt, str(4900012300 + doc_no), "1",
                      f"{rng.randint(1, 28):02d}.12.2025", number(sign * qty, 3, ",", "."),
                      "PC", number(sign * qty * Decimal("12.50"), 2, ",", "."), "EUR"])
    write_text(folder / "sap_mb51_material_documents.csv", table, ";", "utf-8")
    cases.append(refused("sap_mb51_material_documents", "sap_mb51_material_documents.csv",
                         "written from SAP MB51 (Material Document List) field texts, EN",
                         "movements offered as lots: movement type, document, posting date, signed quantities",
                         "a material-document list is movements, not stock: the message says what it looks like",
                         ["movements"]))
    return cases


# ---------------------------------------------------------------- other ERPs, shops and WMS

@dataclass
class Item:
    sku: str
    name: str
    warehouse: str
    qty: Decimal
    price: Decimal

    @property
    def value(self) -> Decimal:
        amount = self.qty * self.price
        assert amount == amount.quantize(CENT), (self.sku, amount)
        return amount


def items(seed: int, names: list[str], warehouses: list[str], code: str, yen: bool = False,
          half_units: bool = False) -> list[Item]:
    rng = random.Random(seed)
    result = []
    for i, name in enumerate(names):
        qty = Decimal(rng.randint(1, 1200))
        if half_units and i % 3 == 0:
            qty += Decimal("0.5")
        price = Decimal(rng.randint(5, 4000) * 10) if yen else Decimal(rng.randint(10, 60000)) / 100
        if qty % 1:
            price = (price * 2).quantize(CENT)  # even cents keep qty × price exact
        result.append(Item(code.format(rng.randint(1000, 99999), i), name, warehouses[i % len(warehouses)], qty, price))
    assert len({r.sku for r in result}) == len(result), "item codes repeat"
    return result


def total(rows: list[Item]) -> Decimal:
    return sum((r.value for r in rows), Decimal(0))


ZH_GOODS = ["纯棉T恤白色L", "牛仔裤直筒32", "运动鞋黑色42", "保温杯500ml", "蓝牙耳机Pro", "洗发水750ml", "抽纸3层10包",
            "电动牙刷", "羽绒服黑色XL", "儿童书包"]
EN_GOODS = ["Widget A", "Widget B", "Bracket steel 40mm", "Hinge brass", "Gasket kit", "Motor 0.75kW", "Valve 1/2in",
            "Hose 10m", "Sensor PT100", "Relay 24V"]
ES_GOODS = ["Camiseta algodón", "Pantalón vaquero", "Zapatilla running", "Mochila 20L", "Gorra deportiva",
            "Chaqueta impermeable", "Calcetines pack 3", "Botella acero 1L"]
DE_GOODS = ["Schraubendreher-Set", "Akkuschrauber 18V", "Wasserwaage 60cm", "Zollstock 2m", "Bohrer-Set HSS",
            "Arbeitshandschuhe", "Schutzbrille", "Cuttermesser"]
FR_GOODS = ["Savon de Marseille", "Confiture fraise", "Huile d'olive 1L", "Café moulu 250g", "Thé vert", "Miel 500g",
            "Biscuits beurre", "Sel de Guérande"]
PT_GOODS = ["Café torrado 500g", "Açúcar cristal 1kg", "Arroz tipo 1 5kg", "Feijão carioca 1kg", "Óleo de soja",
            "Farinha de trigo", "Leite em pó", "Macarrão espaguete"]
JA_GOODS = ["緑茶ティーバッグ", "醤油1L", "味噌750g", "米5kg", "のり10枚", "うどん乾麺", "梅干し", "わさび"]


def build_chinese(folder: Path) -> list[Case]:
    cases: list[Case] = []
    stores = ["北京朝阳店", "上海徐汇店", "广州天河店"]
    rows = items(31, ZH_GOODS, stores, "69{0:05d}{1:02d}")
    retail = {r.sku: (r.price * Decimal("1.8")).quantize(CENT) for r in rows}
    table: list[list[object]] = [["库存查询（按店仓）"], ["截止日期：2025-12-31"],
                                 ["店仓", "商品", "商品名称", "库存数量", "零售价", "含税成本金额"]]
    for r in rows:
        table.append([r.warehouse, r.sku, r.name, number(r.qty, 0), number(retail[r.sku], 2),
                      number(r.value, 2, ".", ",")])
    table.append(["合计", "", "", number(sum((r.qty for r in rows), Decimal(0)), 0), "",
                  number(total(rows), 2, ".", ",")])
    write_text(folder / "retail_dian_cang_gbk.csv", table, ",", "gbk")
    cases.append(Case("retail_dian_cang_gbk", "retail_dian_cang_gbk.csv",
                      "written from the layout of Chinese retail 店仓/商品 stock queries (issue 20)",
                      "GBK, title lines, 含税成本金额 is the row's total cost (not a unit price), 零售价 a sale price,"
                      " 合计 row", 0, "sum of 含税成本金额 (each = 库存数量 × cost); 零售价 is not a cost",
                      money(total(rows)), len(rows), "CNY", "assumed"))

    rows = items(32, ZH_GOODS, ["总仓", "华东仓"], "SP{0:05d}{1:02d}")
    table = [["门店/仓库", "商品编码", "条码", "商品名称", "库存数量", "含税成本价", "含税成本金额"]]
    for i, r in enumerate(rows):
        table.append([r.warehouse, r.sku, f"690{1234560000 + i * 7919}", r.name, r.qty, r.price, r.value])
    write_xlsx(folder / "retail_zh_cost_price_and_amount.xlsx", [("库存明细", table)])
    cases.append(Case("retail_zh_cost_price_and_amount", "retail_zh_cost_price_and_amount.xlsx",
                      "written from the layout of Chinese retail stock lists", "XLSX, unit cost and total both given,"
                      " 13-digit barcode column", 0, "sum of 含税成本金额 = Σ 库存数量 × 含税成本价 (row by row equal)",
                      money(total(rows)), len(rows), "CNY", "assumed"))

    rows = items(33, ZH_GOODS[:8], ["深圳南山店", "深圳福田店"], "{0:05d}{1:02d}")
    write_text(folder / "retail_zh_qty_only_gbk.csv",
               [["店仓", "商品编码", "商品名称", "库存数量"]] + [[r.warehouse, r.sku, r.name, number(r.qty, 0)]
                                                      for r in rows], ",", "gbk")
    seen: dict[str, Decimal] = {}
    for r in rows:
        seen.setdefault(r.sku, r.price)
    write_text(folder / "retail_zh_qty_only_gbk_prices.csv",
               [["商品编码", "商品名称", "成本价"]] + [[r.sku, r.name, number(r.price, 2)] for r in rows], ",", "gbk")
    cases.append(Case("retail_zh_qty_only_gbk_priced", "retail_zh_qty_only_gbk.csv",
                      "written from the layout of Chinese retail stock lists",
                      "GBK quantity-only list + GBK price list",
                      0, "Σ 库存数量 × 成本价 of the price list, matched on 商品编码", money(total(rows)), len(rows),
                      "CNY", "assumed", prices="retail_zh_qty_only_gbk_prices.csv"))
    cases.append(refused("retail_zh_qty_only_gbk_unpriced", "retail_zh_qty_only_gbk.csv",
                         "written from the layout of Chinese retail stock lists",
                         "GBK quantity-only list, no price list",
                         "no cost or value column: the message names the missing cost/value", ["cost", "成本"],
                         ["value", "金额"], never_proposed=(("库存数量", "unit_cost"), ("商品编码", "unit_cost"),
                                                           ("商品名称", "unit_cost"), ("库存数量", "value"))))

    rows = items(34, ["螺丝M6", "螺母M6", "垫片6mm", "轴承6205", "皮带A36", "链条08B", "齿轮Z20"],
                 ["原材料仓", "五金仓"], "1.01.{0:03d}{1:02d}", half_units=True)
    table = [["即时库存"], ["物料代码", "物料名称", "规格型号", "仓库", "单位", "库存数量", "单价", "金额"]]
    for r in rows:
        table.append([r.sku, r.name, "", r.warehouse, "个", r.qty, r.price, r.value])
    write_xls(folder / "kingdee_jishi_kucun.xls", table)
    cases.append(Case("kingdee_jishi_kucun", "kingdee_jishi_kucun.xls",
                      "written from Kingdee K/3 即时库存 export layout",
                      "legacy .xls, title line, 物料代码/仓库/库存数量/单价/金额", 0, "sum of 金额 = Σ 库存数量 × 单价",
                      money(total(rows)), len(rows), "CNY", ["profile", "assumed"]))

    rows = items(35, ["钢板Q235", "铝型材6063", "铜排T2", "PVC粒料", "ABS粒料", "包装纸箱"], ["原料库"],
                 "0{0:05d}{1:01d}")
    rng = random.Random(36)
    table = [["收发存汇总表"], ["存货编码", "存货名称", "期初", "", "入库", "", "出库", "", "结存", ""],
             ["", "", "数量", "金额", "数量", "金额", "数量", "金额", "数量", "金额"]]
    for r in rows:
        issued = Decimal(rng.randint(0, 300))
        opening = r.qty + issued - Decimal(rng.randint(0, int(issued)))
        received = r.qty + issued - opening
        table.append([r.sku, r.name, opening, opening * r.price, received, received * r.price, issued,
                      issued * r.price, r.qty, r.value])
    write_xlsx(folder / "u8_shoufacun_huizong.xlsx", [("收发存汇总表", table)])
    cases.append(Case("u8_shoufacun_huizong", "u8_shoufacun_huizong.xlsx",
                      "written from Yonyou U8 收发存汇总表 layout",
                      "two-row header (期初/入库/出库/结存 × 数量/金额), no warehouse column",
                      0, "sum of 结存|金额 (closing); 期初, 入库, 出库 are not stock",
                      money(total(rows)), len(rows), "CNY", ["profile", "assumed"]))

    rows = items(37, ZH_GOODS[:9], ["成品仓", "原材料仓", "半成品仓"], "{0:05d}{1:02d}", half_units=True)
    rows.sort(key=lambda r: r.warehouse)
    table = [["现存量查询"], ["仓库名称", "存货编码", "存货名称", "规格型号", "现存数量", "单价", "金额"]]
    for warehouse in sorted({r.warehouse for r in rows}):
        group = [r for r in rows if r.warehouse == warehouse]
        table += [[r.warehouse, r.sku, r.name, "", number(r.qty, 2), number(r.price, 2), number(r.value, 2)]
                  for r in group]
        table.append(["小计", "", "", "", number(sum((r.qty for r in group), Decimal(0)), 2), "",
                      number(total(group), 2)])
    table.append(["总计", "", "", "", number(sum((r.qty for r in rows), Decimal(0)), 2), "", number(total(rows), 2)])
    write_text(folder / "u8_xiancunliang_subtotals_gbk.csv", table, ",", "gbk")
    cases.append(Case("u8_xiancunliang_subtotals_gbk", "u8_xiancunliang_subtotals_gbk.csv",
                      "written from Yonyou U8 现存量查询 export layout",
                      "GBK, title, a 小计 subtotal row after each warehouse and a 总计 row", 0,
                      "sum of 金额 over item rows only (= 现存数量 × 单价); 小计 and 总计 rows are not lots",
                      money(total(rows)), len(rows), "CNY", ["profile", "assumed"]))

    table = [["出入库流水账"],
             ["日期", "单据号", "物料编码", "物料名称", "仓库", "收发类别", "入库数量", "出库数量", "单价", "金额"]]
    for i in range(12):
        qty = Decimal(rng.randint(1, 200))
        inbound = i % 3 != 0
        table.append([f"2025-12-{i + 1:02d}", f"CK2025120{i:02d}", f"1.01.{100 + i % 4}", ZH_GOODS[i % 4], "成品仓",
                      "采购入库" if inbound else "销售出库", number(qty, 0) if inbound else "",
                      "" if inbound else number(qty, 0), "15.00", number(qty * 15, 2)])
    write_text(folder / "zh_movements_liushui_gbk.csv", table, ",", "gbk")
    cases.append(refused("zh_movements_liushui_gbk", "zh_movements_liushui_gbk.csv",
                         "written from Chinese ERP 出入库流水账 layout",
                         "movements (in/out quantities, document numbers, dates) offered as lots",
                         "a movements list: the message says what it looks like",
                         ["movements", "流水"]))

    table = [["采购明细表"], ["单据日期", "单据编号", "供应商", "存货编码", "存货名称", "数量", "含税单价", "价税合计"]]
    for i in range(10):
        qty = Decimal(rng.randint(10, 500))
        price = Decimal(rng.randint(100, 9000)) / 100
        table.append([f"2025-11-{i + 3:02d}", f"CG20251100{i}", "苏州恒信包装材料有限公司", f"2.03.{200 + i}",
                      ZH_GOODS[i % len(ZH_GOODS)], number(qty, 0), number(price, 2), number(qty * price, 2)])
    write_text(folder / "zh_purchase_ledger_gbk.csv", table, ",", "gbk")
    cases.append(refused("zh_purchase_ledger_gbk", "zh_purchase_ledger_gbk.csv",
                         "written from Chinese ERP 采购明细表 layout",
                         "purchase ledger (supplier, document, date, price, amount) offered as lots",
                         "a purchase ledger: the message says what it looks like", ["purchase", "采购"]))

    table = [["物料编码", "物料名称", "规格型号", "计量单位", "含税单价", "币别", "生效日期"]]
    for i, name in enumerate(ZH_GOODS):
        table.append([f"3.01.{300 + i}", name, "", "件", number(Decimal(rng.randint(100, 20000)) / 100, 2), "人民币",
                      "2025-01-01"])
    write_text(folder / "zh_price_list.csv", table, ",", "utf-8", bom=True)
    cases.append(refused("zh_price_list", "zh_price_list.csv", "written from Chinese ERP 价目表 layout",
                         "price list offered as lots (item, unit price, valid-from date, no quantity)",
                         "a price list has no stock quantity: the message says it looks like a price list",
                         ["price list", "price-list", "价目表", "--prices"]))
    return cases


def build_western(folder: Path) -> list[Case]:
    cases: list[Case] = []

    rows = items(41, ["Tornillo hex 8mm", "Tuerca M8", "Arandela 8mm", "Perno anclaje", "Taladro 13mm",
                      "Disco corte 115", "Guante nitrilo", "Casco seguridad", "Cinta aislante"],
                 ["B01", "B02", "B03"], "{0:05d}{1:02d}")
    rows = [Item(r.sku, r.name, r.warehouse, r.qty, (r.price.quantize(Decimal(1)) + 1) * 37) for r in rows]
    table = [["CodigoArticulo", "Descripcion", "CodigoBodega", "NombreBodega", "StockActual", "CostoUnitario",
              "ValorTotalInventario", "Moneda"]]
    names = {"B01": "Bodega Central", "B02": "Sala de Ventas", "B03": "Bodega Temuco"}
    for r in rows:
        table.append([r.sku, r.name, r.warehouse, names[r.warehouse], number(r.qty, 0, ",", "."),
                      number(r.price, 0, ",", "."), number(r.value, 0, ",", "."), "CLP"])
    write_text(folder / "chile_inventario_clp.csv", table, ";", "cp1252")
    cases.append(Case("chile_inventario_clp", "chile_inventario_clp.csv",
                      "written from Chilean ERP (Softland/Defontana-style) inventory list headers quoted in issue 20",
                      "Windows-1252, semicolons, CLP without decimals, thousands dots, Moneda column", 0,
                      "sum of ValorTotalInventario = Σ StockActual × CostoUnitario (whole pesos)", money(total(rows)),
                      len(rows), "CLP", "column"))

    rows = items(42, ["Harina 25kg", "Azúcar 50kg", "Sal 1kg", "Aceite 5L", "Arroz 25kg", "Fideos 400g"], ["Única"],
                 "{0:05d}{1:02d}")
    rows = [Item(r.sku, r.name, r.warehouse, r.qty, r.price.quantize(Decimal(1)) + 1) for r in rows]
    table = [["Listado de existencias"], [], ["Código", "Descripción", "Stock", "Costo Promedio", "Total"]]
    for r in rows:
        table.append([r.sku, r.name, r.qty, r.price, r.value])
    write_xlsx(folder / "chile_existencias_sin_bodega.xlsx", [("Existencias", table)])
    cases.append(Case("chile_existencias_sin_bodega", "chile_existencias_sin_bodega.xlsx",
                      "written from Chilean small-business ERP stock list layouts",
                      "XLSX, no warehouse column, no currency evidence", 0,
                      "sum of Total = Σ Stock × Costo Promedio; one warehouse; currency can only be assumed",
                      money(total(rows)), len(rows), None, "assumed"))

    rows = items(43, ES_GOODS, ["Madrid", "Valencia"], "REF-{0:05d}", half_units=False)
    table = [["Referencia", "Descripción", "Almacén", "Existencias", "Precio coste", "Importe", "Fecha última entrada"]]
    for i, r in enumerate(rows):
        table.append([r.sku, r.name, r.warehouse, number(r.qty, 0, ",", "."), number(r.price, 2, ",", ".") + " €",
                      number(r.value, 2, ",", ".") + " €", f"{13 + i:02d}/{(i % 12) + 1:02d}/2025"])
    write_text(folder / "spain_tienda_eur.csv", table, ";", "utf-8", bom=True)
    cases.append(Case("spain_tienda_eur", "spain_tienda_eur.csv", "written from Spanish shop-software stock exports",
                      "semicolons, decimal comma, '€' in the cells, day-first dates", 0,
                      "sum of Importe = Σ Existencias × Precio coste", money(total(rows)), len(rows), "EUR", "symbol"))

    rows = items(44, DE_GOODS, ["-"], "{0:05d}")
    table = [["ArtikelNr", "Bezeichnung", "Einzelpreis in €", "Lagerbestand"]]
    for r in rows:
        table.append([r.sku, r.name, number(r.price, 2, ",", "."), number(r.qty, 0, ",", ".")])
    write_text(folder / "german_shop_artikel.csv", table, ";", "cp1252")
    cases.append(Case("german_shop_artikel", "german_shop_artikel.csv",
                      "written from the German shop-list headers quoted in issue 20 (ArtikelNr, Einzelpreis, "
                      "Lagerbestand)", "Windows-1252, semicolons, decimal comma, no warehouse, '€' in a header", 0,
                      "Σ Lagerbestand × Einzelpreis; one warehouse for the file", money(total(rows)), len(rows), "EUR",
                      "symbol"))

    rows = items(45, DE_GOODS, ["Hauptlager", "Filiale Nord"], "A-{0:05d}", half_units=True)
    table = [["Artikelnummer", "Artikelname", "Lager", "Bestand", "EK-Preis", "Lagerwert", "Letzter Zugang"]]
    for i, r in enumerate(rows):
        table.append([r.sku, r.name, r.warehouse, r.qty, r.price, r.value, f"{i + 2:02d}.{(i % 12) + 1:02d}.2025"])
    write_xlsx(folder / "german_lagerliste.xlsx", [("Lagerliste", table)])
    cases.append(Case("german_lagerliste", "german_lagerliste.xlsx", "written from German WaWi stock-list exports",
                      "XLSX, half units, dotted day-first dates as text, no currency evidence", 0,
                      "sum of Lagerwert = Σ Bestand × EK-Preis", money(total(rows)), len(rows), None, "assumed"))

    rows = items(46, FR_GOODS, ["Magasin Lyon", "Magasin Lille"], "FR{0:05d}")
    table = [["État du stock valorisé au 31/12/2025"], [],
              ["Référence", "Désignation", "Magasin", "Quantité", "PMP", "Valeur stock"]]
    for r in rows:
        table.append([r.sku, r.name, r.warehouse, number(r.qty, 0, ",", " "), number(r.price, 2, ",", " ") + " €",
                      number(r.value, 2, ",", " ") + " €"])
    table.append(["Total général", "", "", "", "", number(total(rows), 2, ",", " ") + " €"])
    write_text(folder / "france_stock_valorise.csv", table, ";", "cp1252")
    cases.append(Case("france_stock_valorise", "france_stock_valorise.csv",
                      "written from French stock-valuation (état du stock valorisé) exports",
                      "Windows-1252, semicolons, space thousands, '€' cells, title, 'Total général' row", 0,
                      "sum of Valeur stock = Σ Quantité × PMP", money(total(rows)), len(rows), "EUR", "symbol"))

    rows = items(47, PT_GOODS, ["CD São Paulo", "Loja Centro"], "{0:06d}")
    table = [["Código", "Descrição", "Depósito", "Quantidade", "Custo Unitário", "Valor Total"]]
    for r in rows:
        table.append([r.sku, r.name, r.warehouse, number(r.qty, 0, ",", "."), "R$ " + number(r.price, 2, ",", "."),
                      "R$ " + number(r.value, 2, ",", ".")])
    write_text(folder / "brasil_estoque_brl.csv", table, ";", "utf-8")
    cases.append(Case("brasil_estoque_brl", "brasil_estoque_brl.csv", "written from Brazilian ERP stock exports",
                      "semicolons, decimal comma, 'R$' cells", 0, "sum of Valor Total = Σ Quantidade × Custo Unitário",
                      money(total(rows)), len(rows), "BRL", "symbol"))

    rows = items(48, JA_GOODS, ["東京倉庫", "大阪倉庫"], "J{0:05d}", yen=True)
    table = [["商品コード", "商品名", "倉庫", "在庫数", "単価(円)", "在庫金額(円)"]]
    for r in rows:
        table.append([r.sku, r.name, r.warehouse, r.qty, r.price, r.value])
    write_xlsx(folder / "japan_zaiko_jpy.xlsx", [("在庫一覧", table)])
    cases.append(Case("japan_zaiko_jpy", "japan_zaiko_jpy.xlsx", "written from Japanese 在庫一覧 exports",
                      "XLSX, yen (円) in the headers", 0, "sum of 在庫金額 = Σ 在庫数 × 単価", money(total(rows)),
                      len(rows), "JPY", "symbol"))
    return cases


def build_us(folder: Path) -> list[Case]:
    cases: list[Case] = []
    rows = items(51, EN_GOODS, ["MAIN", "EAST"], "ITM-{0:05d}")
    table = [["Item No.", "Description", "Location Code", "Quantity", "Unit Cost", "Inventory Value"]]
    for r in rows:
        table.append([r.sku, r.name, r.warehouse, number(r.qty, 0, ".", ","), "$" + number(r.price, 2, ".", ","),
                      "$" + number(r.value, 2, ".", ",")])
    write_text(folder / "nav_inventory_value_usd.csv", table, ",", "utf-8")
    cases.append(Case("nav_inventory_value_usd", "nav_inventory_value_usd.csv",
                      "written from Dynamics NAV/BC inventory valuation field names", "'$' cells, thousands commas",
                      0, "sum of Inventory Value = Σ Quantity × Unit Cost", money(total(rows)), len(rows), "USD",
                      "symbol"))

    rows = items(52, EN_GOODS, ["-"], "{0:04d}-{1:02d}")
    table = [["CRONUS USA, Inc."], ["Inventory Valuation Summary"], ["As of December 31, 2025"], [],
             ["", "SKU", "Qty", "Asset Value", "Calc. Avg"]]
    for r in rows:
        table.append([r.name, r.sku, number(r.qty, 2), number(r.value, 2), number(r.price, 2)])
    table.append(["TOTAL", "", number(sum((r.qty for r in rows), Decimal(0)), 2), number(total(rows), 2), ""])
    write_text(folder / "quickbooks_inventory_valuation_summary.csv", table, ",", "utf-8")
    cases.append(Case("quickbooks_inventory_valuation_summary", "quickbooks_inventory_valuation_summary.csv",
                      "written from QuickBooks Online 'Inventory Valuation Summary' report layout",
                      "three title lines, item name in an unnamed first column, no warehouse, TOTAL row", 0,
                      "sum of Asset Value (= Qty × Calc. Avg); no currency evidence", money(total(rows)), len(rows),
                      None, "assumed"))

    rows = items(53, EN_GOODS, ["Dallas DC", "Reno DC"], "SKU{0:05d}")
    table = [["Item", "Description", "Location", "On Hand", "Average Cost", "Total Value", "Currency"]]
    for r in rows:
        table.append([r.sku, r.name, r.warehouse, r.qty, r.price, r.value, "USD"])
    write_xlsx(folder / "netsuite_inventory_valuation.xlsx", [("Inventory Valuation", table)])
    cases.append(Case("netsuite_inventory_valuation", "netsuite_inventory_valuation.xlsx",
                      "written from NetSuite inventory valuation saved-search columns", "XLSX, Currency column", 0,
                      "sum of Total Value = Σ On Hand × Average Cost", money(total(rows)), len(rows), "USD", "column"))

    rows = items(54, EN_GOODS, ["WH1", "WH2", "WH3"], "P{0:05d}")
    table = [["Item Number", "Item Description", "Site", "Qty On Hand", "Extended Cost"]]
    for r in rows:
        table.append([r.sku, r.name, r.warehouse, number(r.qty, 0), number(r.value, 2)])
    write_text(folder / "extended_cost_only.csv", table, ",", "utf-8")
    cases.append(Case("extended_cost_only", "extended_cost_only.csv",
                      "written from Sage/Dynamics GP-style stock status exports",
                      "Extended Cost is a row total; no unit cost column",
                      0, "sum of Extended Cost (a total, not a price: Qty × it would be wrong)",
                      money(total(rows)), len(rows), None, "assumed"))

    rows = items(55, EN_GOODS[:8], ["-"], "{0:05d}")
    table = [["Product Code", "Description", "Qty in Stock", "Cost Price", "Stock Value"]]
    for r in rows:
        table.append([r.sku, r.name, number(r.qty, 2), "£" + number(r.price, 2, ".", ","),
                      "£" + number(r.value, 2, ".", ",")])
    write_text(folder / "sage50_stock_valuation_gbp.csv", table, ",", "cp1252")
    cases.append(Case("sage50_stock_valuation_gbp", "sage50_stock_valuation_gbp.csv",
                      "written from Sage 50 Accounts stock valuation report columns", "Windows-1252 '£' cells, no"
                      " warehouse", 0, "sum of Stock Value = Σ Qty in Stock × Cost Price", money(total(rows)),
                      len(rows), "GBP", "symbol"))

    rows = items(56, ["Cement 50kg", "Steel rod 12mm", "Sand (cft)", "Bricks (1000)", "Paint 20L", "PVC pipe 4in"],
                 ["Main Location"], "{0:04d}")
    table = [["Sharma Traders"], ["Stock Summary"], ["1-Apr-25 to 31-Dec-25"],
             ["Particulars", "Closing Balance", "", ""], ["", "Quantity", "Rate", "Value"]]
    for r in rows:
        table.append([r.name, f"{number(r.qty, 0)} Nos", number(r.price, 2), number(r.value, 2, ".", ",")])
    table.append(["Grand Total", "", "", number(total(rows), 2, ".", ",")])
    write_xlsx(folder / "tally_stock_summary.xlsx", [("Stock Summary", table)])
    cases.append(Case("tally_stock_summary", "tally_stock_summary.xlsx", "written from Tally Prime 'Stock Summary' "
                      "export layout", "company/title/period lines, two-row header under 'Closing Balance', items by"
                      " name only, quantities with unit text, Grand Total", 0, "sum of Value (= Quantity × Rate)",
                      money(total(rows)), len(rows), None, "assumed"))

    rows = items(57, EN_GOODS, ["M1", "M2"], "AS{0:05d}")
    table = [["Item", "Item Description", "Organization", "Subinventory", "Locator", "Lot", "Primary UOM", "On-hand"]]
    for r in rows:
        table.append([r.sku, r.name, "M1", r.warehouse, "1.1.1", "", "Ea", number(r.qty, 0)])
    write_text(folder / "oracle_onhand_quantities.csv", table, ",", "utf-8")
    write_text(folder / "oracle_onhand_quantities_prices.csv",
               [["Item", "Cost Type", "Item Cost", "Currency"]] + [[r.sku, "Frozen", number(r.price, 2), "USD"]
                                                                  for r in rows], ",", "utf-8")
    cases.append(Case("oracle_onhand_quantities_priced", "oracle_onhand_quantities.csv",
                      "written from Oracle EBS 'Onhand Quantities' export + item cost columns",
                      "quantity-only with an item-cost list", 0, "Σ On-hand × Item Cost (Frozen), matched on Item",
                      money(total(rows)), len(rows), "USD", "column", prices="oracle_onhand_quantities_prices.csv"))
    cases.append(refused("oracle_onhand_quantities_unpriced", "oracle_onhand_quantities.csv",
                         "written from Oracle EBS 'Onhand Quantities' export", "quantity-only, no price list",
                         "no cost or value: the message names the missing cost/value", ["cost"], ["value"]))

    rows = items(58, ["Classic Tee - S", "Classic Tee - M", "Classic Tee - L", "Hoodie - M", "Hoodie - L",
                      "Cap - One size", "Tote bag"], ["Shop location"], "SHP-{0:05d}")
    table = [["Handle", "Title", "Option1 Name", "Option1 Value", "SKU", "HS Code", "COO", "Location", "Incoming",
              "Unavailable", "Committed", "Available", "On hand"]]
    rng = random.Random(59)
    for r in rows:
        committed = Decimal(rng.randint(0, int(r.qty) // 3))
        unavailable = Decimal(rng.randint(0, 3))
        available = r.qty - committed - unavailable
        table.append([r.name.split(" - ")[0].lower().replace(" ", "-"), r.name, "Size", r.name.split(" - ")[-1],
                      r.sku, "", "", r.warehouse, str(rng.randint(0, 40)), str(unavailable), str(committed),
                      str(available), str(r.qty)])
    write_text(folder / "shopify_inventory_export.csv", table, ",", "utf-8")
    write_text(folder / "shopify_inventory_export_prices.csv",
               [["Handle", "Title", "Variant SKU", "Variant Price", "Variant Compare At Price", "Cost per item"]]
               + [[r.name.split(" - ")[0].lower().replace(" ", "-"), r.name, r.sku, number(r.price * 3, 2), "",
                   number(r.price, 2)] for r in rows], ",", "utf-8")
    cases.append(Case("shopify_inventory_priced", "shopify_inventory_export.csv",
                      "written from Shopify's inventory CSV export and product CSV columns",
                      "quantity-only (Available/Committed/Unavailable/On hand/Incoming) + product list with sale and"
                      " cost price", 0, "Σ On hand × Cost per item (not Variant Price; Incoming is not stock)",
                      money(total(rows)), len(rows), None, "assumed", prices="shopify_inventory_export_prices.csv"))
    cases.append(refused("shopify_inventory_unpriced", "shopify_inventory_export.csv",
                         "written from Shopify's inventory CSV export", "quantity-only, no price list",
                         "no cost or value: the message names the missing cost/value", ["cost"], ["value"]))

    rows = items(60, EN_GOODS, ["Atlanta", "Chicago"], "AG-{0:05d}")
    rng = random.Random(61)
    aging = [["Inventory Aging Report as of 12/31/2025"], [],
             ["Item", "Description", "Warehouse", "Qty On Hand", "Unit Cost", "Ext. Value", "0-30 Days",
              "31-60 Days", "61-90 Days", "Over 90 Days"]]
    for r in rows:
        first = (r.value * Decimal(rng.randint(0, 100)) / 100).quantize(CENT)
        second = ((r.value - first) * Decimal(rng.randint(0, 100)) / 100).quantize(CENT)
        aging.append([r.sku, r.name, r.warehouse, r.qty, r.price, r.value, first, second, Decimal(0),
                      r.value - first - second])
    aging.append(["Total", "", "", sum((r.qty for r in rows), Decimal(0)), "", total(rows), "", "", "", ""])
    assumptions = [["Assumption", "Value"], ["Carrying cost rate", 0.22], ["Obsolescence threshold (days)", 180],
                   ["Prepared by", "Finance"]]
    write_xlsx(folder / "inventory_aging_workbook.xlsx",
               [("Assumptions", assumptions), ("Inventory Aging Report", aging)])
    cases.append(Case("inventory_aging_workbook", "inventory_aging_workbook.xlsx",
                      "written from ERP 'Inventory Aging Report' exports saved into a planning workbook",
                      "XLSX of 2 sheets, 'Assumptions' first; the report has a title, age-bucket value columns and "
                      "a Total row", 0, "sum of Ext. Value (= Qty On Hand × Unit Cost); the bucket columns split the "
                      "same value by age and are not added again", money(total(rows)), len(rows), None, "assumed"))

    rows = items(62, EN_GOODS, ["WH/Stock", "WH/Stock/Shelf 1", "SF/Stock"], "FURN_{0:04d}")
    table = [["Location", "Product", "Lot/Serial Number", "On Hand Quantity", "Reserved Quantity",
              "Unit of Measure", "Value"]]
    for i, r in enumerate(rows):
        table.append([r.warehouse, f"[{r.sku}] {r.name}", f"LOT{i:04d}" if i % 2 else "", r.qty,
                      min(r.qty, Decimal(i)), "Units", r.value])
    write_xlsx(folder / "odoo_stock_quant.xlsx", [("Sheet1", table)])
    cases.append(Case("odoo_stock_quant", "odoo_stock_quant.xlsx",
                      "written from Odoo 17 Inventory > Reporting > Stock export columns",
                      "XLSX, product as '[code] name', locations as paths, reserved quantity beside on hand", 0,
                      "sum of Value (= On Hand Quantity × cost); Reserved Quantity is part of on hand, not added",
                      money(total(rows)), len(rows), None, "assumed"))

    rows = items(63, ["Hoodie", "Beanie", "T-Shirt", "Sunglasses", "Belt", "Cap", "Polo", "Album"], ["-"],
                 "woo-{0:05d}")
    table = [["ID", "Type", "SKU", "Name", "Published", "In stock?", "Stock", "Regular price", "Sale price",
              "Categories"]]
    for i, r in enumerate(rows):
        table.append([str(10 + i), "simple", r.sku, r.name, "1", "1", number(r.qty, 0), number(r.price * 3, 2),
                      "", "Clothing"])
    write_text(folder / "woocommerce_products.csv", table, ",", "utf-8", bom=True)
    write_text(folder / "woocommerce_products_prices.csv",
               [["SKU", "Cost"]] + [[r.sku, number(r.price, 2)] for r in rows], ",", "utf-8")
    cases.append(Case("woocommerce_products_priced", "woocommerce_products.csv",
                      "written from WooCommerce's product CSV export columns", "stock and sale prices only, no cost;"
                      " a cost list by SKU", 0, "Σ Stock × Cost from the price list (Regular price is a sale price)",
                      money(total(rows)), len(rows), None, "assumed", prices="woocommerce_products_prices.csv"))
    cases.append(refused("woocommerce_products_unpriced", "woocommerce_products.csv",
                         "written from WooCommerce's product CSV export columns",
                         "stock and sale prices only, no cost, no price list",
                         "a sale price is not a cost: the message names the missing cost/value", ["cost"], ["value"],
                         never_proposed=(("Stock", "unit_cost"), ("ID", "unit_cost"))))

    table = [["Posting Date", "Entry Type", "Document No.", "Item No.", "Description", "Location Code", "Quantity",
              "Remaining Quantity", "Cost Amount (Actual)", "Open"]]
    rng = random.Random(64)
    for i in range(16):
        sale = i % 3 == 2
        qty = Decimal(rng.randint(1, 60)) * (-1 if sale else 1)
        table.append([f"{(i % 12) + 1}/{rng.randint(1, 28)}/2025", "Sale" if sale else "Purchase",
                      f"{'PS-INV' if sale else 'PR-RCPT'}1{i:04d}", f"19{rng.randint(10, 99)}-S",
                      EN_GOODS[i % len(EN_GOODS)], "MAIN", number(qty, 0),
                      "0" if sale else number(abs(qty), 0), number(qty * Decimal("7.25"), 2),
                      "No" if sale else "Yes"])
    write_text(folder / "bc_item_ledger_entries.csv", table, ",", "utf-8")
    cases.append(refused("bc_item_ledger_entries", "bc_item_ledger_entries.csv",
                         "written from Dynamics 365 Business Central 'Item Ledger Entries' columns",
                         "item ledger (entry type, document, posting date, signed quantities) offered as lots",
                         "an item ledger is movements, not a stock list", ["movements", "ledger"]))

    table = [["Location", "Bin", "Qty", "Last Count"]]
    for i in range(8):
        table.append(["DC-01", f"A-{i:02d}-01", str(10 * i + 3), "2025-12-30"])
    write_text(folder / "wms_bins_no_item.csv", table, ",", "utf-8")
    cases.append(refused("wms_bins_no_item", "wms_bins_no_item.csv", "written from WMS bin-count exports",
                         "locations and quantities only: no item and no cost",
                         "every missing role in one message: the item and the cost/value", ["item", "sku"], ["cost"],
                         ["value"], never_proposed=(("Qty", "unit_cost"), ("Qty", "value"), ("Last Count", "sku"),
                                                    ("Location", "unit_cost"))))

    table = [["SKU", "Product", "Unit Price", "Currency", "Valid From"]]
    for i, name in enumerate(EN_GOODS):
        table.append([f"ITM-{1000 + i}", name, number(Decimal(100 + 37 * i) / 10, 2), "USD", "01/01/2026"])
    write_text(folder / "en_price_list.csv", table, ",", "utf-8")
    cases.append(refused("en_price_list", "en_price_list.csv", "written from ERP price-list exports",
                         "price list offered as lots (no quantity)", "a price list: the message says so",
                         ["price list", "price-list", "--prices"]))
    return cases


# ---------------------------------------------------------------- real public files

def _csv_rows(name: str, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    with open(HERE / name, encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def summed_columns(name: str, header_row: int, item: str, columns: tuple[str, ...], sheet: str | None = None
                   ) -> Decimal:
    """Σ of the named columns of a workbook over the rows below the header that name an item (headers compared
    without their padding spaces); rows with no item — totals, blanks — are left out."""
    book = openpyxl.load_workbook(HERE / name, read_only=True)
    rows = list((book[sheet] if sheet else book.active).iter_rows(values_only=True))
    header = [str(cell).strip() if cell is not None else "" for cell in rows[header_row]]
    where, key = [header.index(column) for column in columns], header.index(item)
    return sum((Decimal(str(row[i] or 0)) for row in rows[header_row + 1:] if row[key] is not None for i in where),
               Decimal(0))


def write_lagerbestand_prices(folder: Path) -> None:
    """A written price list for the real German quantity-only list (its repository has none)."""
    prices = [("1001", "0,45"), ("1002", "1,89"), ("1003", "24,90"), ("1004", "3,20"), ("1005", "0,95")]
    write_text(folder / "real_lagerbestand_analyse_prices.csv",
               [["Artikelnummer", "Einkaufspreis", "Währung"], *([n, p, "EUR"] for n, p in prices)], ";", "cp1252")


def real_expectations() -> list[Case]:
    """Expected figures of the copied public files, summed from their named columns."""
    cases: list[Case] = []
    amari = "AmariRiley/inventory-stock-analyzer@a17ad3dc data/{}"
    stock = _csv_rows("real_amari_inventory.csv")
    cost = {row["product_id"]: Decimal(row["unit_cost"]) for row in _csv_rows("real_amari_inventory_prices.csv")}
    tiv = sum((Decimal(r["quantity_on_hand"]) * cost[r["product_id"]] for r in stock), Decimal(0))
    cases.append(Case("real_amari_inventory_priced", "real_amari_inventory.csv",
                      amari.format("inventory.csv") + " + products.csv as the price list",
                      "quantity-only; the product list keys on product_id and also has a different 'sku' column and"
                      " a sale 'unit_price'", 0, "Σ quantity_on_hand × products.unit_cost matched on product_id "
                      "(reserved_quantity is part of on hand; last_counted is a count date, not a snapshot)",
                      money(tiv), len(stock), None, "assumed", prices="real_amari_inventory_prices.csv"))
    cases.append(refused("real_amari_inventory_unpriced", "real_amari_inventory.csv", amari.format("inventory.csv"),
                         "quantity-only, no price list", "no cost or value: the message names the missing cost/value",
                         ["cost"], ["value"]))
    cases.append(refused("real_amari_purchase_orders", "real_amari_purchase_orders.csv",
                         amari.format("purchase_orders.csv"), "purchase orders offered as lots",
                         "purchase orders (po_id, supplier, order dates, quantity_ordered, unit_cost, status) are not "
                         "stock", ["purchase"]))
    cases.append(refused("real_amari_sales_transactions", "real_amari_sales_transactions.csv",
                         amari.format("sales_transactions.csv"), "sales transactions offered as lots",
                         "sales transactions are movements, not stock", ["movements", "sales"]))

    shop = "Annspringday/commercial-inventory-analysis@c4d63f00 {}"
    stock = _csv_rows("real_onlineshop_stock.csv", delimiter=";")
    price = {r["product_id"]: Decimal(r["price"])
             for r in _csv_rows("real_onlineshop_stock_prices.csv", "cp1251", ";")}
    tiv = sum((Decimal(r["quantity_in_stock"]) * price[r["product_id"]] for r in stock), Decimal(0))
    cases.append(Case("real_onlineshop_stock_priced", "real_onlineshop_stock.csv",
                      shop.format("stock.csv") + " + products.csv (Windows-1251) as the price list",
                      "semicolons, quoted, quantity-only; price list in Cyrillic Windows-1251", 0,
                      "Σ quantity_in_stock × products.price matched on product_id", money(tiv), len(stock), None,
                      "assumed", prices="real_onlineshop_stock_prices.csv"))

    indo = "CallystaLareina/AnalisisData-PersediaanPembelianDanPenjualan@928447b2 {}"
    cases.append(refused("real_persediaan_stock", "real_persediaan_stock.csv", indo.format("stock.csv"),
                         "Indonesian stock movement summary (Stok Awal/Masuk/Keluar/Akhir), no cost",
                         "no cost or value: the message names the missing cost/value", ["cost"], ["value"]))
    cases.append(refused("real_persediaan_pembelian", "real_persediaan_pembelian.csv", indo.format("pembelian.csv"),
                         "Indonesian purchase ledger (ID Pembelian, Tanggal Pembelian, Harga Satuan, Total Harga)",
                         "a purchase ledger offered as lots", ["purchase"]))

    oolu = _csv_rows("real_oolu_inventory.csv")
    tiv = sum((Decimal(r["cost_price"]) * Decimal(r["quantite"]) for r in oolu), Decimal(0))
    cases.append(Case("real_oolu_inventory", "real_oolu_inventory.csv",
                      "134130U/Inventory_dashboard@405323a6 data/inventory.csv",
                      "French/English mix (quantite, cost_price, country), item names repeat across rows", 0,
                      "Σ cost_price × quantite over all rows; no currency evidence (several West-African countries)",
                      money(tiv), len(oolu), None, "assumed"))

    tiv = summed_columns("real_retail_dian_cang_ttl.xlsx", 1, "商品", ("含税成本金额",), sheet="TTL")
    cases.append(Case("real_retail_dian_cang_ttl", "real_retail_dian_cang_ttl.xlsx",
                      "dolphinfafa/inventory-@e8ae53ec 库存.xlsx (sheet 'TTL', first 1,999 of 6,401 rows; the second "
                      "stock list 'Sheet1' and the empty 'Sheet2' removed, the pivot 'Sheet3' kept)",
                      "the real 店仓/商品/库存数量/含税成本金额 file of issue 20: blank first row, "
                      "two columns both headed 店仓, 零售价/会员价 sale prices, 在途数量 without value, "
                      "含税成本金额 a row total, 3 rows with a negative amount, a pivot sheet after it", 0,
                      "Σ 含税成本金额 over all item rows, the 3 negative amounts included (the file's own figure; the "
                      "full sheet sums to ¥40,181,119.25, as issue 20 says); 库存数量 × 含税成本金额 would be the "
                      "¥172 billion mistake; no lot count: 8 rows hold no stock", money(tiv), None, None, "assumed"))
    mapping = "real_retail_dian_cang_ttl_total_as_cost.json"
    roles = {"店仓": "warehouse", "商品": "sku", "库存数量": "qty", "含税成本金额": "unit_cost"}
    (HERE / mapping).write_text(json.dumps(roles, ensure_ascii=False) + "\n", encoding="utf-8")
    cases.append(Case("real_retail_dian_cang_ttl_total_as_cost", "real_retail_dian_cang_ttl.xlsx",
                      "dolphinfafa/inventory-@e8ae53ec 库存.xlsx with the mapping issue 20 was hinted into",
                      "mapping {含税成本金额: unit_cost} on a column that is a row total", GUARDED,
                      "the mapping makes qty × 含税成本金额 (about 2,000× the file's value): the plausibility guard "
                      "must say on stderr that this 'unit cost' looks like a total, whether the run stops (exit 2) "
                      "or goes on (exit 0)", fragments=[["unit cost", "unit_cost", "含税成本金额"], ["total", "合计"]],
                      mapping=mapping))
    cases.append(refused("real_overseas_wh_kucun", "real_overseas_wh_kucun.xlsx",
                         "raymond-Chan-189/bp-dashboard@d0ec0755 库存.xlsx",
                         "real overseas-warehouse stock (站点, 仓库, SKU, 入库日期, 数量, 库龄天数, "
                         "占用体积), quantity-only, plus two empty sheets",
                         "no cost or value: the message names the missing cost/value",
                         ["cost", "成本"], ["value", "金额"]))

    stock = _csv_rows("real_lagerbestand_analyse.csv")
    price = {r["Artikelnummer"]: Decimal(r["Einkaufspreis"].replace(",", "."))
             for r in _csv_rows("real_lagerbestand_analyse_prices.csv", "cp1252", ";")}
    tiv = sum((Decimal(r["bestand"]) * price[r["artikelnummer"]] for r in stock), Decimal(0))
    german = "bithung/lagerbestand-analyse@4eedb578 lagerbestand.csv"
    cases.append(Case("real_lagerbestand_analyse_priced", "real_lagerbestand_analyse.csv",
                      german + " + a written German price list (semicolons, decimal comma, Währung column)",
                      "quantity-only German list with a minimum-stock column (mindestbestand)", 0,
                      "Σ bestand × Einkaufspreis (25×0.45 + 80×1.89 + 5×24.90 + 60×3.20 + 12×0.95 = 490.35); "
                      "mindestbestand is a reorder level, not stock", money(tiv), len(stock), "EUR", "column",
                      prices="real_lagerbestand_analyse_prices.csv"))
    cases.append(refused("real_lagerbestand_analyse_unpriced", "real_lagerbestand_analyse.csv", german,
                         "quantity-only, no price list", "no cost or value: the message names the missing cost/value",
                         ["cost"], ["value"]))

    tiv = summed_columns("real_sap_mb52_pt_sanofi.xlsx", 0, "Material",
                         ("Val.utiliz.livre", "Valor verif.qual.", "Val.estoque bloq.", "Val.util.restrita",
                          "Val.em trâns.e Trf"))
    cases.append(Case("real_sap_mb52_pt_sanofi", "real_sap_mb52_pt_sanofi.xlsx",
                      "LeoSNF/Invent-rio@d2f25b51 MB52.xlsx (first 1,999 of 7,178 item rows"
                      " and its own grand-total row)",
                      "real SAP MB52, Portuguese logon: Depósito/Centro, Val.utiliz.livre, plant-level in-transit"
                      " rows with empty Depósito, 'Valor em trânsito' repeating the transit value, a grand-total row"
                      " (over the full 7,178 rows) with no material", 0,
                      "Σ of Val.utiliz.livre + Valor verif.qual. + Val.estoque bloq. + Val.util.restrita + "
                      "Val.em trâns.e Trf over rows with a Material ('Valor em trânsito' equals 'Val.em trâns.e Trf'"
                      " on every row and is not added twice; 'Estoque do bloqueio avaliado na EM' has no value "
                      "column; the last row is the export's own total; no lot count: 11 rows hold only "
                      "GR-blocked stock with no value)",
                      money(tiv), None, None, "assumed"))

    tiv = summed_columns("real_sap_mb52_es_almacen.xlsx", 0, "Material",
                         ("Valor libre util.", "Valor en insp.cal.", "Valor tránsito"))
    cases.append(Case("real_sap_mb52_es_almacen", "real_sap_mb52_es_almacen.xlsx",
                      "abastecimientointerno/app_gestion_insumos@ffa37699 data/MB52.XLSX",
                      "real SAP MB52, Spanish logon: Centro/Almacén, 'Libre utilización', 'Valor libre util.', "
                      "'Inspecc.de calidad', 6 plant-level rows with an empty Almacén holding stock in transit", 0,
                      "Σ Valor libre util. + Valor en insp.cal. + Valor tránsito over all rows ('Trans./Trasl.' and "
                      "'Stock en tránsito' are the same transit quantity, valued once by 'Valor tránsito'); no "
                      "currency evidence; no lot count: 2 rows hold no stock", money(tiv), None, None, "assumed"))

    tiv = summed_columns("real_sap_mb52_es_ars.xlsx", 1, "Número de material",
                         ("Valor libre util.", "Val.trans.c/cond.", "Valor en insp.cal.", "Valor no libre",
                          "Valor stock bloq.", "Val.stock bl.dev."))
    cases.append(Case("real_sap_mb52_es_ars", "real_sap_mb52_es_ars.xlsx",
                      "JaimeMVC/consulta_giro@5355b8f9 stock_sap.xlsx (sheet 'SAP 15.08.2025', first 1,999 of "
                      "16,892 rows, its blank row and its own '*' total row)",
                      "real SAP list export, Spanish (Argentina): blank first row and two blank leading columns, "
                      "right-aligned headers with leading spaces, a blank row under the header, an empty 'Alm' "
                      "column, Mon. = ARS, all six value categories, '*' total row over the full file", 0,
                      "Σ of the six value columns (Valor libre util., Val.trans.c/cond., Valor en insp.cal., Valor no "
                      "libre, Valor stock bloq., Val.stock bl.dev.) over rows with a material number; the '*' row is "
                      "the export's own total", money(tiv), None, "ARS", "column"))
    cases.append(refused("real_sap_mb51_es_documentos", "real_sap_mb51_es_documentos.xlsx",
                         "abastecimientointerno/app_gestion_insumos@ffa37699 data/MB51.XLSX (first 2,000 of 5,357 "
                         "rows)", "real SAP MB51 material documents, Spanish: Clase de movimiento, "
                         "Documento material, Fe.contabilización, signed Cantidad and Impte.mon.local",
                         "a material-document list is movements, not stock", ["movements"]))

    cases.append(refused("real_sap_mb52_pt_quoted_lines", "real_sap_mb52_pt_quoted_lines.csv",
                         "leiclermarvim-hash/teste-app-2.0@24a12329 mb52.csv (first 19 of about 15,000 rows, as "
                         "served by the code index: UTF-8, LF line ends)",
                         "real SAP MB52 quantities, Portuguese, every line wrapped in one pair of quotes with a "
                         "trailing ';', plant-level in-transit rows with an empty Depósito, no value columns",
                         "quantity-only: the message names the missing cost/value", ["cost"], ["value"],
                         never_proposed=(("Centro", "unit_cost"), ("Utilização livre", "unit_cost"),
                                         ("Estoque em trânsito", "qty"), ("Nome 1", "unit_cost"))))
    cases.append(refused("real_wms_inventory_reconciliation", "real_wms_inventory_reconciliation.xlsx",
                         "LeoSNF/Invent-rio@d2f25b51 02+-+Inventory+Reconciliation.xlsx (first 2,000 of 10,838 rows)",
                         "real WMS stock by location/lot (NUMERO, STOLOC, LOTNUM, UNTQTY), quantity-only",
                         "no cost or value column: the message names the missing cost/value", ["cost"], ["value"],
                         never_proposed=(("UNTQTY", "unit_cost"), ("UNTQTY", "value"), ("DATA", "sku"),
                                         ("DESCRICAO", "unit_cost"), ("STOLOC", "unit_cost"))))
    return cases


TESTER = "independent tester, 2026-12-06: {} (the file and its TIV as the tester brought them)"


def tester_expectations() -> list[Case]:
    """Files an independent tester brought (public repositories nobody here wrote, and variants written from
    ERP documentation), with the TIVs and outcomes the tester worked out without the reader."""
    def real(case_id: str, source: str, shape: str, how: str, tiv: float, currency: str | None, source_of: str,
             warnings: tuple[list[str], ...] = (), **args: str) -> Case:
        return Case(case_id, f"{case_id}.{args.pop('ext', 'csv')}", TESTER.format(source), shape, 0, how, tiv,
                    None, currency, source_of, warnings=list(warnings), **args)

    cases = [
        real("tester_mx_cafe_inventario", "Eortiz2025/gdp-dashboard@997ccfa4 inventario.csv",
             "codigo/nombre/precio/stock; precio is a café menu (sale) price, no cost in the file",
             "Σ stock × precio = 12,150, valued at the only price, said to be a possible sale price", 12150.0,
             None, "assumed", (["sale price"],)),
        real("tester_br_controle_estoque", "caiovrsdev/controle-estoque-python-powerbi@55421d0d estoque.csv",
             "ID/Produto/Quantidade/Preço_Unitário, no warehouse", "Σ Quantidade × Preço_Unitário = 14,250",
             14250.0, None, "assumed", (["sale price"],)),
        real("tester_fr_inventaire_prix_stock", "Paola8888/analyse-donnees-python-sql-excel@c71e9f03 inventaire.csv",
             "Nom/Prix/Stock: no item code, the name stands in", "Σ Stock × Prix = 101.50", 101.5, None,
             "assumed", (["sale price"],)),
        real("tester_in_minierp_inventory_report_ragged", "manoj5412/mini-erp-flask@fffe0c71 inventory_report.csv",
             "4 header fields, 5 fields on every row: read from the left", "Σ Price × Quantity = 1,329,000",
             1329000.0, None, "assumed"),
        real("tester_th_svsops_stock_valuation", "autthapolsaiyat/SVSOps@8ee6d2ce stock_valuation.csv",
             "sku/wh/on_hand/avg_cost/value, a negative row with value 0", "Σ value = 50.00", 50.0, None, "assumed",
             (["negative"],)),
        real("tester_pk_ricemill_inventory_snapshots", "BaqarW-tech/rice-mill-bi-operations-erp@5dce4ac7 "
             "data/inventory.csv + data/products.csv as the price list", "dated snapshots, quantity-only",
             "last snapshot (2026-06-29): Σ quantity_on_hand_kg × products.unit_cost = 276,258.04", 276258.04, None,
             "assumed", prices="tester_pk_ricemill_products_prices.csv"),
        real("tester_adv_erpnext_stock_balance", "written from ERPNext's Stock Balance report columns",
             "Balance/Opening/In/Out Qty and Value, Valuation Rate, a totals row", "Σ Balance Value = 14,988,045.20",
             14988045.2, None, "assumed"),
        real("tester_adv_bc_inventory_valuation", "written from Business Central's Inventory Valuation report",
             "title lines ('All amounts are in USD'), two-row header As of/Increases/Decreases/As of × Quantity/"
             "Value, totals row", "Σ closing 'As of 03/31/26' Value = 1,356,792.52 USD", 1356792.52, "USD",
             "symbol", ext="xlsx"),
        real("tester_adv_ja_zaiko_ichiran_sjis", "written: a Japanese 在庫一覧表 in Shift-JIS",
             "title lines, 単価(円)/在庫金額(円)/売価(円), one row without a warehouse",
             "Σ 在庫金額 = 133,720,902 JPY", 133720902.0, "JPY", "symbol"),
        real("tester_adv_wms_stock_on_third_sheet", "written: a WMS workbook whose stock is on its third sheet",
             "sheets Export info / Summary / Stock; 'Unit cost EUR', 'Stock value EUR'",
             "Σ Stock value EUR of sheet 'Stock' = 2,868,756.02 EUR", 2868756.02, "EUR", "symbol", ext="xlsx"),
        real("tester_adv_price_and_cost_columns", "written: a shop list with both Price (sale) and Cost",
             "SKU/Description/Warehouse/On Hand/Price/Cost", "Σ On Hand × Cost = 256,170.64 (at Price it would "
             "be 422,679.79)", 256170.64, None, "assumed"),
    ]
    quantity_only = [
        ("tester_th_svsops_stock_balance", "csv", "autthapolsaiyat/SVSOps@8ee6d2ce stock_balance.csv", ()),
        ("tester_pk_ricemill_inventory_snapshots", "csv", "BaqarW-tech/rice-mill-bi-operations-erp@5dce4ac7 "
         "data/inventory.csv (no price list)", (("inventory_id", "unit_cost"), ("product_id", "unit_cost"))),
        ("tester_mx_ferreteria_inventario_trim2000", "csv", "CRUIZ999/inventario-panel@e81752ff inventario.csv "
         "(first 2,000 rows)", (("Cobertura (Mes)", "unit_cost"), ("Cobertura Dias (30)", "qty"),
                                ("Promedio Vta Mes", "unit_cost"), ("Codigo", "unit_cost"))),
        ("tester_ar_sap_libre_utilizacion_contratistas_trim2000", "xlsx",
         "brunolapen94-Cat/stock-contratistas@3196c7c4 stock.xlsx (first 2,000 rows)", (("Centro", "unit_cost"),)),
        ("tester_es_enertex_producto_stock", "xlsx", "alexxvives/enertex-stock@5e31bd0e stock.xlsx", ()),
        ("tester_it_giorza_magazzino_saldo", "csv", "LesPaul997/giorza_ultimate@1c640e99 magazzino.csv",
         (("CODMAG", "qty"), ("CODMAG", "unit_cost"), ("Saldo_Disponibile", "unit_cost"))),
        ("tester_es_adventureworks_inventario_stock_disponible", "xlsx",
         "VirginiaCanoData/AdventureWorks-Inventory-Analysis@eb1b5e0a inventario.xlsx",
         (("LocationID", "unit_cost"), ("LocationID", "qty"), ("ProductID", "unit_cost"))),
        ("tester_br_almoxeletrico_estoque_saldo", "xlsx", "Pedreb/almoxeletrico@26da65d1 estoque.xlsx",
         (("Ajustes", "unit_cost"), ("Entradas", "unit_cost"), ("Baixas EQTL", "unit_cost"))),
    ]
    for case_id, ext, source, never in quantity_only:
        cases.append(refused(f"{case_id}_unpriced" if "ricemill" in case_id else case_id, f"{case_id}.{ext}",
                             TESTER.format(source), "quantity-only: no cost or value column",
                             "no TIV without a cost: the message names the missing cost/value and proposes no "
                             "identifier, adjustment or coverage column", ["cost"], ["value"],
                             never_proposed=tuple(never)))
    farmiral = "Geratano/Farmiral@136173fb Inventarios.csv (first 2,000 rows, Windows-1252)"
    cases.append(refused("tester_mx_farmiral_inventarios_lotes_trim2000", "tester_mx_farmiral_inventarios_lotes_"
                         "trim2000.csv", TESTER.format(farmiral), "lots with per-row currency (cve_monc) and "
                         "exchange rate (tip_cam), no cost word the reader knows",
                         "refused: names the missing cost; never proposes the exchange rate, a category or a flag",
                         ["cost"], never_proposed=(("tip_cam", "unit_cost"), ("des_tial", "sku"),
                                                   ("stalote", "unit_cost"), ("cve_monc", "unit_cost"))))
    cases.append(Case("tester_mx_farmiral_mapped", "tester_mx_farmiral_inventarios_lotes_trim2000.csv",
                      TESTER.format(farmiral) + " with the tester's right mapping",
                      "cto_ent in each lot's currency (3 USD lots, tip_cam 17.6867)", GUARDED,
                      "Σ existencia × cto_ent × tip_cam = 36,683,729.36 MXN; unconverted the sum mixes currencies: "
                      "stderr must say the rows are in several currencies",
                      fragments=[["several currencies"]], mapping="tester_mx_farmiral_mapping.json"))
    cases.append(Case("tester_mx_farmiral_old_hint", "tester_mx_farmiral_inventarios_lotes_trim2000.csv",
                      TESTER.format(farmiral) + " with the mapping the reader's old hint proposed",
                      "des_tial (a category, 8 values) as the item", GUARDED,
                      "an item column of 8 values over 2,000 lots is a category: stderr must say so",
                      fragments=[["category"]], mapping="tester_mx_farmiral_mapping_suggested.json"))
    cases.append(Case("tester_mx_ferreteria_old_hint", "tester_mx_ferreteria_inventario_trim2000.csv",
                      TESTER.format("CRUIZ999/inventario-panel@e81752ff inventario.csv (first 2,000 rows)")
                      + " with the mapping the reader's old hint proposed",
                      "coverage in days as qty, coverage in months as unit cost", GUARDED,
                      "coverage columns are neither stock nor money: stderr must say the figure is meaningless",
                      fragments=[["Cobertura Dias (30)"], ["Cobertura (Mes)"]],
                      mapping="tester_mx_ferreteria_mapping_suggested.json"))
    cases.append(refused("tester_de_mein_lager_lagerbestand_qr", "tester_de_mein_lager_lagerbestand_qr.xlsx",
                         TESTER.format("eh-des/mein-lager@2cae2a3e Lagerbestand.xlsx"),
                         "one row per serial piece with Status Eingang/Ausgang and a Preis, no quantity",
                         "a serial-item register (the tester's 492 = Preis of the rows in stock): named as such, "
                         "never as a price list", ["serial", "register"]))
    return cases


def write_case_table(cases: list[Case]) -> None:
    """The README's table of cases, between its markers, from the manifest's own figures."""
    lines = ["| file | provenance | expected |", "|---|---|---|"]
    for case in cases:
        args = " ".join(f"--{name} {value}" for name, value in case.as_dict()["args"].items())
        if case.exit == 0:
            source = "/".join(case.currency_source) if isinstance(case.currency_source, list) \
                else case.currency_source
            outcome = f"exit 0, TIV {case.tiv:,.2f} {case.currency or '(any)'} ({source}); {case.how}"
        elif case.exit == GUARDED:
            outcome = "exit 0 with a warning or exit 2; stderr names " + "; ".join(" or ".join(group)
                                                                                for group in case.fragments)
        else:
            outcome = "exit 2, names " + "; ".join(" or ".join(group) for group in case.fragments[1:])
        lines.append(f"| `{case.file}`{' ' + args if args else ''} | {case.provenance} | {outcome} |")
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split("<!-- cases -->\n", 1)
    tail = rest.split("<!-- /cases -->", 1)[1]
    readme.write_text(head + "<!-- cases -->\n" + "\n".join(lines) + "\n<!-- /cases -->" + tail, encoding="utf-8")


def main() -> None:
    write_lagerbestand_prices(HERE)
    cases = (build_sap(HERE) + build_sap_other(HERE) + build_chinese(HERE) + build_western(HERE) + build_us(HERE)
             + real_expectations() + tester_expectations())
    ids = [case.id for case in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for case in cases:
        assert (HERE / case.file).exists(), case.file
    manifest = {"about": "Expected outcome of `python -m core.cli report FILE [--prices P] [--sheet S] --format json`"
                         " for every corpus file, worked out independently of the reader (see README.md).",
                "cases": [case.as_dict() for case in cases]}
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_case_table(cases)
    print(f"{len(cases)} cases over {len({c.file for c in cases})} stock files")


if __name__ == "__main__":
    main()
