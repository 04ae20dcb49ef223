"""Canonical columns of each input file and the header aliases that map onto them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

STOCK_TYPES: tuple[str, ...] = (
    "finished_goods",
    "semi_finished",
    "raw_material",
    "packaging",
    "hardware",
    "remnant",
    "customer",
    "sample",
)
OTHER_STOCK_TYPE = "other"

# Checked in order: the more specific names first (半成品 before 成品, 产品余数 before 成品).
WAREHOUSE_STOCK_TYPES: tuple[tuple[str, str], ...] = (
    ("半成品", "semi_finished"),
    ("余数", "remnant"),
    ("尾数", "remnant"),
    ("样板", "sample"),
    ("样品", "sample"),
    ("客户", "customer"),
    ("原材料", "raw_material"),
    ("原料", "raw_material"),
    ("包材", "packaging"),
    ("包装", "packaging"),
    ("五金", "hardware"),
    ("成品", "finished_goods"),
    ("semi", "semi_finished"),
    ("remnant", "remnant"),
    ("sample", "sample"),
    ("customer", "customer"),
    ("raw", "raw_material"),
    ("packag", "packaging"),
    ("hardware", "hardware"),
    ("finished", "finished_goods"),
)


@dataclass(frozen=True)
class Column:
    """One canonical column: its key, kind and the header spellings that map to it."""

    key: str
    kind: str  # "text", "number", "date"
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class FileSchema:
    """The columns of one input file; `one_of` lists groups of which at least one must be present;
    `parts` names columns a report may split into stock categories (qty = Σ qty_unrestricted, qty_blocked, …)."""

    name: str
    columns: tuple[Column, ...]
    one_of: tuple[tuple[str, ...], ...] = field(default=())
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def header_keys(self) -> dict[str, str]:
        """Normalised spelling of every key and alias → its key: how a header is matched to a column."""
        return {normalize_header(a): c.key for c in self.columns for a in (c.key, *c.aliases)}


def normalize_header(header: object) -> str:
    """Lower-case a header and drop spacing, punctuation and a bracketed unit suffix: 'Unit Cost (¥)' → 'unitcost';
    the `|` joining a two-row header goes too ('结存|数量' → '结存数量')."""
    text = str(header).strip().lower()
    text = re.sub(r"[\(（\[【].*?[\)）\]】]", "", text)
    return re.sub(r"[\s_\-./:：#|]+", "", text)


# Labels of a report's totals and subtotal rows (合计, Summe:, 小计(成品仓), Grand Total, *), matched ignoring case.
TOTALS_WORDS = r"合计|小计|总计|总合计|累计|共计|总库存|库存合计|合計|小計|総計|" \
               r"total|totals|grand total|sub-?total|summe|gesamtsumme|gesamt|" \
               r"zwischensumme|ergebnis|gesamtergebnis|result|overall result"
TOTALS_LABEL = rf"^\s*(?:\*+|(?:{TOTALS_WORDS})\s*[:：*]*)\s*$"  # the whole cell: 合计, Summe:, *
TOTALS_PREFIX = rf"^\s*(?:\*+\s*$|\*?\s*(?:{TOTALS_WORDS})(?:\s*[:：*]*\s*$|[\s:：(（\-*]))"  # 小计(成品仓)

STOCK_CATEGORIES: tuple[str, ...] = ("unrestricted", "quality", "blocked", "in_transit", "restricted", "returns")
CATEGORY_COLUMNS: tuple[Column, ...] = tuple(
    Column(f"{measure}_{category}", "number") for category in STOCK_CATEGORIES for measure in ("qty", "value"))

LOTS = FileSchema(
    name="lots",
    columns=(
        Column("snapshot_date", "date", ("snapshot_date", "snapshot", "stock date", "report date", "count date",
                                        "快照日期", "盘点日期", "库存日期", "统计日期", "报表日期", "截止日期")),
        Column("sku", "text", ("sku", "item", "item code", "item no", "material", "material code", "part number",
                               "part no", "物料编码", "料号", "物料号", "物料代码", "存货编码", "产品编码", "商品编码",
                               "品号", "编码"), required=True),
        Column("sku_name", "text", ("sku_name", "sku name", "item name", "description", "material description",
                                    "物料名称", "品名", "存货名称", "产品名称", "商品名称", "物料描述", "名称")),
        Column("warehouse", "text", ("warehouse", "warehouse name", "wh", "仓库", "仓库名称", "库房", "仓别", "仓位")),
        Column("plant", "text", ("plant",)),
        Column("stock_type", "text", ("stock_type", "stock type", "inventory type", "库存类型", "存货类别", "物料类型",
                                      "库存类别")),
        Column("bu", "text", ("bu", "business unit", "事业部", "业务单元", "事业部bu")),
        Column("supplier", "text", ("supplier", "supplier name", "vendor", "vendor name", "供应商", "供应商名称",
                                    "厂商")),
        Column("batch", "text", ("batch", "lot", "batch no", "lot no", "batch id", "批次", "批号", "批次号")),
        Column("qty", "number", ("qty", "quantity", "on hand", "on hand qty", "stock qty", "数量", "库存数量",
                                 "结存数量", "在库数量", "现存量", "库存量",
                                 # a stocktake's counted quantity beats its book quantity (帳簿数, 账面数量)
                                 "counted qty", "counted quantity", "physical count", "physical qty",
                                 "physical quantity", "实盘数量", "实盘数", "盘点数量", "実数", "実棚数", "実在庫数",
                                 "棚卸数", "棚卸数量"), required=True),
        Column("unit", "text", ("unit", "uom", "unit of measure", "单位", "计量单位")),
        Column("unit_cost", "number", ("unit_cost", "unit cost", "unit price", "cost", "price", "单价", "单位成本",
                                       "成本单价", "成本价")),
        Column("value", "number", ("value", "amount", "inventory value", "stock value", "total value", "金额",
                                   "库存金额", "结存金额", "总金额", "成本金额")),
        Column("receipt_date", "date", ("receipt_date", "receipt date", "received date", "receiving date", "gr date",
                                        "入库日期", "收货日期", "入库时间", "进仓日期")),
        Column("last_move_date", "date", ("last_move_date", "last move date", "last movement date",
                                          "last issue date", "最后异动日期", "最后出库日期", "最近出库日期",
                                          "最后移动日期", "最后动态日期")),
        Column("age_days", "number", ("age_days", "age days", "age", "aging days", "库龄", "库龄天数")),
        Column("on_order", "number", ("on_order", "on order", "open po qty", "open order qty", "在途数量",
                                      "未交数量", "采购在途", "在途")),
        Column("currency", "text", ("currency", "币种", "币别", "货币")),
        Column("owner", "text", ("owner", "负责人", "责任人")),
        Column("action", "text", ("action", "处理措施", "处理方式", "措施", "处理方案")),
        Column("action_status", "text", ("action_status", "action status", "status", "处理状态", "状态")),
        *CATEGORY_COLUMNS,
    ),
    one_of=(("unit_cost", "value"),),
    parts={measure: tuple(f"{measure}_{category}" for category in STOCK_CATEGORIES) for measure in ("qty", "value")},
)

MOVEMENTS = FileSchema(
    name="movements",
    columns=(
        Column("date", "date", ("date", "posting date", "movement date", "日期", "出库日期", "单据日期", "过账日期",
                                "业务日期"), required=True),
        Column("sku", "text", LOTS.column("sku").aliases, required=True),
        Column("qty_out", "number", ("qty_out", "qty out", "issue qty", "issued qty", "sales qty", "出库数量",
                                     "发出数量", "消耗数量", "销售数量", "出库量"), required=True),
        Column("qty_in", "number", ("qty_in", "qty in", "receipt qty", "入库数量", "收货数量", "入库量")),
        Column("cogs", "number", ("cogs", "cost of goods sold", "销售成本", "出库金额", "出库成本")),
    ),
)

PLANNING = FileSchema(
    name="planning parameters",
    columns=(
        Column("sku", "text", LOTS.column("sku").aliases, required=True),
        Column("mean_daily_demand", "number", ("mean_daily_demand", "mean daily demand", "日均需求", "日均用量"),
               required=True),
        Column("std_daily_demand", "number", ("std_daily_demand", "std daily demand", "需求标准差", "日需求标准差"),
               required=True),
        Column("lead_time_days", "number", ("lead_time_days", "lead time days", "lead time", "采购周期", "交期",
                                            "提前期")),
        Column("lead_time_std_days", "number", ("lead_time_std_days", "lead time std days", "交期标准差")),
        Column("unit_cost", "number", LOTS.column("unit_cost").aliases, required=True),
        Column("on_hand", "number", ("on_hand", "on hand", "现有库存", "在库数量")),
        Column("on_order", "number", LOTS.column("on_order").aliases),
        Column("abc_class", "text", ("abc_class", "abc class", "abc", "abc分类")),
        Column("ordering_cost", "number", ("ordering_cost", "ordering cost", "订货成本")),
        Column("holding_cost", "number", ("holding_cost", "holding cost", "annual holding cost", "持有成本")),
        Column("service_level", "number", ("service_level", "service level", "服务水平", "目标服务水平")),
        Column("supplier", "text", LOTS.column("supplier").aliases),
        Column("backorders", "number", ("backorders", "back orders", "backorder qty", "欠交数量", "欠货数量")),
        Column("pack_size", "number", ("pack_size", "pack size", "pack qty", "case qty", "order multiple",
                                       "rounding value", "包装数量", "包装规格数量", "最小包装量", "整包数量")),
        Column("moq", "number", ("moq", "minimum order quantity", "min order qty", "minimum lot size",
                                 "最小起订量", "起订量", "最小订货量")),
    ),
)


def infer_stock_type(warehouse: str) -> str:
    """Stock type from a warehouse name (成品仓 → finished_goods); `other` when no keyword matches."""
    name = str(warehouse).strip().lower()
    for keyword, stock_type in WAREHOUSE_STOCK_TYPES:
        if keyword in name:
            return stock_type
    return OTHER_STOCK_TYPE

PRICES = FileSchema(
    name="price list",
    columns=(
        Column("sku", "text", LOTS.column("sku").aliases, required=True),
        Column("unit_cost", "number", LOTS.column("unit_cost").aliases, required=True),
        Column("sku_name", "text", LOTS.column("sku_name").aliases),
        Column("currency", "text", LOTS.column("currency").aliases),
    ),
)
