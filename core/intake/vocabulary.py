"""Header evidence: what a header's words say a column is, in the languages stock lists are exported in.

The words are data (`vocabulary/headers.json`). A header matches a role by its normalised text exactly; SAP's
stock-category columns, whose abbreviations differ between releases and logon languages ('Wert frei verw.',
'Wert frei verwend.', 'Val.utiliz.livre'), are decided by a category word and, for their value, a value word.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from core.intake.schema import normalize_header

VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary" / "headers.json"


@cache
def _vocabulary() -> dict:
    return json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))


@cache
def _role_words() -> dict[str, str]:
    return {normalize_header(word): role for role, words in _vocabulary()["roles"].items() for word in words}


_BALANCE_WORDS = ("结存", "期末", "closing", "balance", "endbestand", "saldofinal", "onhand", "库存")
KINDS = ("movements", "purchase_ledger", "price_list")
_MONEY_SUFFIX = re.compile(r"\s*(?:in\s+|en\s+|em\s+)?(?:[€$¥£￥円元]|R\$|\b(?:EUR|USD|CNY|RMB|BRL|CLP|MXN|JPY|GBP|"
                           r"INR|IDR|CHF|ARS|COP|PEN)\b)\s*$", re.IGNORECASE)
_TOKENS = re.compile(r"[^\W\d_]+")
# Words that, as a token of a header, say what the column holds when no header word matched exactly.
_KEYWORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("unit_cost", frozenset({"cost", "costs", "kosten", "costo", "coste", "custo", "coût", "cout", "harga", "rate",
                             "price", "preis", "precio", "preço", "preco", "prix", "prezzo", "单价", "単価"})),
    ("qty", frozenset({"quantity", "qty", "quantite", "quantité", "quantidade", "cantidad", "menge", "bestand",
                       "jumlah", "stok", "existencias", "existencia", "onhand", "giacenza", "数量", "在庫数"})),
    ("sku", frozenset({"sku", "item", "artikel", "material", "product", "produkt", "produto", "producto", "barang",
                       "articulo", "artículo", "article", "part", "code", "codigo", "código"})),
    ("warehouse", frozenset({"warehouse", "bodega", "almacen", "almacén", "lager", "magasin", "gudang", "depot",
                             "location", "store"})),
)
# Words that name the stock on hand only when the header says nothing else ('Saldo Atual', 'Stock_Disponible',
# 'Inv', 'Saldo_Disponibile'); 'Stock UOM', 'Stock Age' or 'Saldo Valor' are other columns.
_BALANCE_QTY_TOKENS = frozenset({"saldo", "stock", "inv", "estoque", "disponible", "disponibile", "disponível",
                                 "existencia", "existencias", "bestand", "giacenza"})
_BALANCE_FILLERS = frozenset({"actual", "atual", "attuale", "current", "aktuell", "aktueller", "final", "de", "en",
                              "em", "in", "del", "do", "da", "di", "im", "lager", "fisico", "físico", "real"})
_NAME_TOKENS = frozenset({"name", "nama", "nombre", "nom", "description", "descripcion", "descripción", "bezeichnung",
                          "title", "designation", "désignation", "descrição", "descricao"})
_TOTAL_TOKENS = frozenset({"total", "extended", "ext", "amount", "value", "valor", "wert", "importe", "montant",
                           "betrag", "nilai", "valeur", "valore", "sum", "posted"})
_OTHER_TOKENS = frozenset({"date", "datum", "fecha", "data", "tanggal", "type", "category", "class", "group",
                           "reserved", "available", "committed", "incoming", "unavailable", "reorder", "safety",
                           "lead", "time", "days", "supplier", "vendor", "selling", "sale", "sales", "sold",
                           "shipped", "issued", "compare", "retail", "list", "regular", "transaction", "venta",
                           "venda", "vente", "vendita", "vta", "menu", "msrp"})
# Words that make a price a sale price, never a cost ('Sale price', 'Preço de venda', 'Verkaufspreis', '売価').
_SALE_PRICE_TOKENS = frozenset({"sale", "sales", "selling", "retail", "list", "regular", "menu", "msrp", "venta",
                                "venda", "vente", "vendita", "verkaufspreis", "listenpreis", "vk", "vkpreis",
                                "pvp", "rrp", "uvp"})
_SALE_PRICE_MARKS = ("售价", "零售价", "销售价", "会员价", "売価", "販売価格", "定価", "verkaufspreis", "listenpreis")
# Words of a cost: a cost column beats a bare price column, which may be a sale price.
_COST_TOKENS = frozenset({"cost", "costs", "kosten", "costo", "coste", "custo", "coût", "cout", "pmp", "cosprom",
                          "valuation", "einkaufspreis", "ek", "ekpreis", "bewertungspreis", "einstandspreis",
                          "average", "moving", "standard", "avg", "purchase", "compra", "achat", "acquisto"})
_COST_MARKS = ("成本", "进价", "采购价", "原価", "仕入", "einkaufspreis", "einstandspreis", "bewertungspreis")
# Header words of number columns that are never a stock quantity, a cost or a value: identifiers and codes,
# adjustments and flows in/out, coverage in days or months, rates and percentages.
_NOT_A_MEASURE_TOKENS = frozenset({
    "id", "ids", "code", "codes", "cod", "codigo", "código", "codice", "cve", "clave", "nr", "no", "num", "ean",
    "barcode", "codbar", "gtin", "upc", "ajuste", "ajustes", "adjustment", "adjustments", "adj", "rettifica",
    "rettifiche", "korrektur", "entradas", "entrada", "saidas", "saídas", "salidas", "salida", "baixas", "baixa",
    "devoluções", "devolucoes", "devoluciones", "receipts", "issues", "zugang", "abgang", "cobertura", "coverage",
    "cover", "dias", "días", "days", "day", "mes", "meses", "month", "months", "weeks", "semanas", "giorni", "tage",
    "monate", "promedio", "pct", "percent", "percentage", "porcentaje", "percentuale", "prozent", "tip", "cam",
    "cambio", "exchange", "fx", "wechselkurs", "tc", "rank", "ranking", "score", "lead", "diasvida", "peso",
    "weight", "gewicht", "min", "max", "minimum", "maximum", "reorder", "safety", "factor", "fact",
    "ratio", "ratios", "order", "orders", "recommended", "suggested", "proposed", "forecast", "shortage",
    "bestellvorschlag", "pedido", "pedidos", "sugerido", "sugerida", "pronóstico", "pronostico", "previsão",
    "difference", "diff", "variance", "differenz", "diferencia", "diferença", "écart", "hours", "hour", "hrs", "horas",
    "stunden", "heures", "growth", "yoy"})
# Order plans and forecasts (発注, 推奨, 订货, 采购建议) and rates (比率) are never stock, a cost or a value.
_NOT_A_MEASURE_MARKS = ("%", "汇率", "调整", "天数", "比例", "率", "発注", "推奨", "不足", "予測", "订货", "订购",
                        "采购建议", "建议采购", "建议订", "预测", "补货", "差異", "差异", "工时", "工数", "時間")
# Ratios: 'cashRatio', 'quick_ratio', and the camel-case 'assetToEquity', 'YOYLiability' of financial statements.
_RATIO = re.compile(r"ratio(?![a-z])|(?<=[a-z])To(?=[A-Z])|^YOY|YOY$")
_IDENTIFIER = re.compile(r"(?:^|[_\W])(?:id|cod|cve)(?:$|[_\W])|[a-z]ID$|^(?:cod|cve|id)[A-Z_]|^COD", re.UNICODE)
_SALES_TOKENS = frozenset({"transaction", "sold", "sale", "sales", "shipped", "issued", "verkauft", "vendido",
                           "vendida", "vendu"})


_BALANCE_TOP = re.compile(r"^\s*(?:as\s+of|closing|ending|end\s+of|balance|stand\s+am|endbestand|saldo\s+final|"
                          r"existencia\s+final|estoque\s+final|期末|结存|月末)", re.IGNORECASE)


_PERIOD_TOKENS = frozenset({"opening", "increases", "decreases", "in", "out", "receipts", "issues", "zugang", "abgang",
                            "zugänge", "abgänge", "anfangsbestand", "entradas", "salidas", "saídas", "inicial",
                            "initial", "ouverture", "entrées", "sorties"})
_PERIOD_MARKS = ("期初", "入库", "出库", "本期收入", "本期发出")


def names_period_flow(header: object) -> bool:
    """The header names the opening balance or a flow of a period report ('Opening Value', 'In Value',
    'Increases (LCY)|Value', '期初金额'), not the stock at its end."""
    top = str(header).partition("|")[0]
    return bool(_tokens(top) & _PERIOD_TOKENS) or any(mark in top for mark in _PERIOD_MARKS)


def closing_part(header: object) -> str | None:
    """The lower part of a two-row header ('As of 03/31/26|Value' → 'Value') whose upper part names a balance
    at a date (As of, Closing, 期末, 结存), or None."""
    top, bar, below = str(header).partition("|")
    return below if bar and _BALANCE_TOP.match(top) else None


def role_of_header(header: object) -> str | None:
    """The role the header's words name ('CodigoArticulo' → sku, '含税成本金额' → value, 'Einzelpreis in €' →
    unit_cost: a money suffix is no part of the name), or None; a balance's part of a two-row header by its
    lower part ('As of 03/31/26|Quantity' → qty)."""
    below = closing_part(header)
    if below is not None:
        role = role_of_header(below) or keyword_role(below)
        return role if role in ("qty", "value", "unit_cost") else None
    words = _role_words()
    text = normalize_header(header)
    return words.get(text) or words.get(normalize_header(_MONEY_SUFFIX.sub("", str(header))))


def keyword_role(header: object) -> str | None:
    """A weaker reading for headers no word list knows exactly: 'quantity_in_stock' → qty, 'cost_price' →
    unit_cost, 'Total Harga' → value, 'ID Barang' → sku; a name, date or type column is none of these."""
    tokens = set(_TOKENS.findall(str(header).lower()))
    if not tokens or tokens & _OTHER_TOKENS:
        return None
    if tokens & _NAME_TOKENS:
        return "sku_name"
    for role, words in _KEYWORDS:
        if tokens & words or any(w in str(header) for w in words if not w.isascii()):
            if role == "unit_cost" and tokens & _TOTAL_TOKENS:
                return "value"
            return None if role == "qty" and is_period_flow(header) else role
    if tokens & _BALANCE_QTY_TOKENS and tokens <= _BALANCE_QTY_TOKENS | _BALANCE_FILLERS:
        return "qty"
    return "value" if tokens & _TOTAL_TOKENS and not is_period_flow(header) else None


_STOCK_TOKENS = frozenset({"stock", "hand", "onhand", "balance", "closing", "ending", "bestand", "lager", "saldo"})


def is_period_flow(header: object) -> bool:
    """A flat header naming the opening stock or a flow of a period ('In Qty', 'Out Value', 'Opening Value',
    '期初数量', '入库金额'): never the stock at the end, which a 'Balance Qty' or '期末数量' beside it holds; 'Qty in
    stock' is stock."""
    return names_period_flow(header) and not (_tokens(header) & _STOCK_TOKENS)


def _tokens(header: object) -> set[str]:
    return set(_TOKENS.findall(str(header).lower()))


def says_sale_price(header: object) -> bool:
    """The header names a price at which the item is sold ('Sale price', 'Precio de venta', '売価', '零售价')."""
    text = str(header).lower()
    return bool(_tokens(header) & _SALE_PRICE_TOKENS) or any(mark in text for mark in _SALE_PRICE_MARKS)


_PRICE_TOKENS = frozenset({"price", "prices", "preis", "einzelpreis", "stückpreis", "precio", "preço", "preco", "prix",
                           "prezzo", "harga", "unitprice"})
_PRICE_MARKS = ("价", "価", "preis")


def says_price(header: object) -> bool:
    """The header names a price ('Price', 'Precio', 'Preço_Unitário', '单价'), which may be a cost or a sale price."""
    text = str(header).lower()
    return bool(_tokens(header) & _PRICE_TOKENS) or any(mark in text for mark in _PRICE_MARKS)


def says_cost(header: object) -> bool:
    """The header names a cost ('Cost', 'Costo unitario', 'Valuation Rate', '成本单价', '原価')."""
    text = str(header).lower()
    return bool(_tokens(header) & _COST_TOKENS) or any(mark in text for mark in _COST_MARKS)


def never_a_measure(header: object) -> bool:
    """The header names an identifier, an adjustment or flow, a coverage in days or months, a rate or a share:
    a number column that is never the stock quantity, a unit cost or a value ('LocationID', 'CODMAG', 'Ajustes',
    'Cobertura (Mes)', 'tip_cam')."""
    text = str(header)
    return (bool(_tokens(header) & _NOT_A_MEASURE_TOKENS) or any(mark in text for mark in _NOT_A_MEASURE_MARKS)
            or bool(_IDENTIFIER.search(text)) or bool(_RATIO.search(text))
            or bool(_RATIO.search(text.lower())))


_COUNT_TOKENS = frozenset({"qty", "quantity", "quantities", "count", "counted", "pcs", "units", "stück", "anzahl",
                           "menge", "cantidad", "quantidade", "quantité", "quantita", "quantità", "jumlah"})


def names_a_count(header: object) -> bool:
    """The header names a count of pieces ('Book Qty', '帳簿数', '実数', '数量'): never a unit cost."""
    text = str(header).strip()
    return bool(_tokens(header) & _COUNT_TOKENS) or text.endswith("数") or "数量" in text


_CURRENCY_WORDS = re.compile(r"currenc|moneda|moeda|devise|divisa|währung|waehrung|valuta|币种|币别|货币|通貨",
                             re.IGNORECASE)


def names_cost_currency(header: object) -> bool:
    """The header names the currency of the cost ('Moneda costo', 'Cost currency', '成本币种'), not of a price."""
    return bool(_CURRENCY_WORDS.search(str(header))) and says_cost(header)


def names_a_date(header: object) -> bool:
    """The header names a date ('Last Purchase Date', 'Fecha', '日付', '入库日期')."""
    text = str(header).lower()
    return bool(_tokens(header) & {"date", "datum", "fecha", "data", "tanggal", "dt"}) or any(
        mark in text for mark in ("日期", "日付", "年月日", "时间"))


def says_value(header: object) -> bool:
    """The header names an amount of money (Wert, Valor, 金额, Value …), not a count or a price."""
    text = normalize_header(header)
    vocabulary = _vocabulary()
    return any(w in text for w in vocabulary["value_words"]) or text.startswith(tuple(vocabulary["value_prefixes"]))


def category_of_header(header: object) -> str | None:
    """'qty_blocked', 'value_in_transit', …: a stock-category column by its words, or None."""
    text = normalize_header(header)
    if not text:
        return None
    measure = "value" if says_value(header) else "qty"
    tokens = set(_TOKENS.findall(str(header).lower()))
    for category, words in _vocabulary()["category_tokens"]:
        if tokens & set(words):
            return f"{measure}_{category}"
    for category, words in _vocabulary()["categories"]:
        if any(word in text for word in words):
            return f"{measure}_{category}"
    return None


def names_item(header: object) -> bool:
    """The header's words name the item (product_type, Artikelgruppe …), if not as a code."""
    return bool(set(_TOKENS.findall(str(header).lower())) & dict(_KEYWORDS)["sku"])


def dated_movements(headers: list[str], used: set[str], direction_values: list[str], signed_quantity: bool,
                    ) -> list[str]:
    """Headers showing a list of dated movements rather than stock on hand: a date column with a column of
    directions (Receipt/Issue, 入库/出库); or a date column no stock-list role took, with quantities in and out or
    signed quantities."""
    kinds = _vocabulary()["kinds"]
    date_words = {normalize_header(w) for w in kinds["date_words"]}
    dates = [h for h in headers if normalize_header(h) in date_words]
    free_dates = [h for h in dates if h not in used]
    if dates and direction_values:
        return [dates[0], *direction_values]
    if not free_dates:
        return []
    for into, out in kinds["in_out_pairs"]:
        ins = [h for h in headers if normalize_header(h).endswith(into) or normalize_header(h).startswith(into)]
        outs = [h for h in headers if normalize_header(h).endswith(out) or normalize_header(h).startswith(out)]
        if ins and outs:
            return [free_dates[0], ins[0], outs[0]]
    return free_dates if signed_quantity else []


def is_direction(values: tuple[str, ...]) -> bool:
    """Values naming the direction of a movement (Receipt, Issue, 入库, Salida …), all of them."""
    words = _vocabulary()["kinds"]["direction_words"]
    return bool(values) and all(any(w in str(v).lower() for w in words) for v in values)


@cache
def _kind_words() -> dict[str, frozenset[str]]:
    kinds = _vocabulary()["kinds"]
    return {kind: frozenset(normalize_header(w) for w in kinds[kind]) for kind in KINDS}


def kind_evidence(headers: list[str], title: str = "", used: set[str] = frozenset()) -> dict[str, list[str]]:
    """What marks another kind of file, by kind: its headers (Movement Type, Material Document, 收发类别), a
    purchase document's number or date ('ID Pembelian', 采购订单号), or the report's title above the header
    (出入库流水账, 采购明细表); a header `used` as a stock-list column (生产/采购日期 as the receipt date) is none."""
    kinds = _vocabulary()["kinds"]
    found: dict[str, list[str]] = {}
    for kind, words in _kind_words().items():
        hits = [h for h in headers if normalize_header(h) in words]
        if hits:
            found[kind] = hits
    moves = [h for h in headers if any(w in str(h).lower() for w in kinds["movement_tokens"])]
    if moves:
        found.setdefault("movements", moves)
    sales = [h for h in headers if h not in used and set(_TOKENS.findall(str(h).lower())) & _SALES_TOKENS]
    if sales:
        found["sales"] = sales
    purchase = [h for h in headers if h not in used and any(w in str(h).lower() for w in kinds["purchase_tokens"])
                and not any(w in str(h).lower() for w in ("last", "letzt", "ultim", "últim", "最后", "最近", "price",
                                                           "preis", "precio", "cost", "单价", "价格"))]
    if purchase:
        found.setdefault("purchase_ledger", purchase)
    balance = any(w in normalize_header(h) for h in headers for w in _BALANCE_WORDS)
    for kind, words in kinds["title_words"].items():
        hit = next((w for w in words if w in title.lower()), None)
        if kind == "movements" and balance:
            continue
        if hit:
            found.setdefault(kind, [f"title '{title.strip()}'"])
    return found
