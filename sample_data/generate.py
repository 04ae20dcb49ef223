"""Regenerate the bundled sample data: `python sample_data/generate.py` (deterministic, seed 2026).

A manufacturer with 8 warehouse types, 4 BUs, 20 suppliers and 2,000 SKUs. Each SKU is simulated day by day:
demand is issued first-in first-out from its lots, and a weekly review orders from its supplier, so lot ages,
slow movers and dead stock arise from the flows rather than being painted on. Writes:
- `lots.csv.gz`: 13 month-end snapshots, GBK, Chinese headers (as a Chinese ERP exports them);
- `movements.csv.gz`: a year of daily issues with their FIFO cost;
- `planning_parameters.csv`: per-SKU demand statistics, lead times and costs for the simulator.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2026
HERE = Path(__file__).resolve().parent
SKU_COUNT = 2000
FIRST_SNAPSHOT = pd.Timestamp("2025-10-31")
LAST_SNAPSHOT = pd.Timestamp("2026-10-31")
HISTORY_START = pd.Timestamp("2025-04-01")

STOCK_TYPES = {  # type: (warehouse, share of SKUs, units, cost range)
    "finished_goods": ("成品仓", 0.30, ("pcs", "箱"), (20, 600)),
    "raw_material": ("原材料仓", 0.24, ("吨", "kg", "卷"), (5, 300)),
    "semi_finished": ("半成品仓", 0.12, ("pcs",), (10, 200)),
    "packaging": ("包材仓", 0.10, ("pcs", "卷"), (0.5, 8)),
    "hardware": ("五金仓", 0.10, ("pcs", "套"), (0.2, 30)),
    "remnant": ("产品余数仓", 0.05, ("pcs",), (10, 300)),
    "customer": ("客户仓", 0.05, ("pcs", "箱"), (20, 500)),
    "sample": ("工程样板仓", 0.04, ("pcs",), (20, 400)),
}
BUS = ("BU1 家电事业部", "BU2 汽车零部件事业部", "BU3 消费电子事业部", "BU4 工业设备事业部")
BU_WEIGHTS = (0.37, 0.31, 0.20, 0.12)
SUPPLIERS = ("华东精密五金有限公司", "苏州恒信包装材料有限公司", "宁波金达塑胶制品厂", "深圳市鑫源电子有限公司",
             "东莞华辉模具有限公司", "佛山顺德联合钢材贸易", "无锡新材料科技有限公司", "广州南方纸品有限公司",
             "青岛海润化工原料有限公司", "杭州天成电机有限公司", "厦门宏远五金制品厂", "天津北方铝业有限公司",
             "重庆长江橡胶制品有限公司", "合肥众诚电子科技有限公司", "常州永盛紧固件有限公司", "昆山协力精工有限公司",
             "温州瑞丰阀门有限公司", "成都西部包装印务有限公司", "武汉楚天铜材有限公司", "江门力拓塑料有限公司")
NAME_PARTS = {
    "finished_goods": ("智能电饭煲", "空气净化器", "车载充电器", "蓝牙音箱", "电动工具套装", "控制柜", "加湿器"),
    "raw_material": ("冷轧钢板", "ABS塑料粒子", "铝合金锭", "电解铜", "PP原料", "硅胶", "不锈钢带"),
    "semi_finished": ("电机总成", "PCB组件", "外壳半成品", "线束组件", "注塑件"),
    "packaging": ("瓦楞纸箱", "EPE珍珠棉", "缠绕膜", "说明书", "彩盒"),
    "hardware": ("不锈钢螺丝", "弹簧垫圈", "铰链", "六角螺母", "铆钉"),
    "remnant": ("尾数成品", "余料组件"),
    "customer": ("客供料", "客户寄存成品"),
    "sample": ("工程样机", "试产样板"),
}
SUPPLIER_WEIGHTS = (1 / np.arange(1, len(SUPPLIERS) + 1) ** 0.8) / (1 / np.arange(1, len(SUPPLIERS) + 1) ** 0.8).sum()
LOT_HEADERS = ["快照日期", "物料编码", "物料名称", "仓库", "事业部", "供应商", "批次", "数量", "单位", "单价", "金额",
               "入库日期", "最后出库日期", "在途数量"]
OWNERS = ("张伟", "李娜", "王芳", "刘洋", "陈静", "赵磊")
ACTIONS = ("跨部门调拨", "促销", "报废申请", "退回供应商")
STATUSES = ("未开始", "进行中", "已完成")


@dataclass
class Lot:
    batch: str
    qty: float
    unit_cost: float
    receipt: pd.Timestamp
    last_move: pd.Timestamp | None = None


@dataclass
class Sku:
    code: str
    name: str
    stock_type: str
    warehouse: str
    unit: str
    bu: str
    supplier: str
    unit_cost: float
    mean_demand: float
    demand_probability: float
    lead_time: int
    lead_time_std: float
    cover_days: float
    lots: list[Lot] = field(default_factory=list)
    pipeline: list[tuple[pd.Timestamp, float]] = field(default_factory=list)


def make_skus(rng: np.random.Generator) -> list[Sku]:
    types = list(STOCK_TYPES)
    shares = np.array([STOCK_TYPES[t][1] for t in types])
    skus = []
    for _i in range(SKU_COUNT):
        stock_type = types[rng.choice(len(types), p=shares / shares.sum())]
        warehouse, _, units, (low, high) = STOCK_TYPES[stock_type]
        prefix = "".join(rng.choice(list("ABCDEFGHJKMNPRSTW"), 3))
        dead = rng.random() < (0.35 if stock_type in ("remnant", "sample", "customer") else 0.08)
        slow = not dead and rng.random() < 0.12
        skus.append(Sku(
            code=f"{prefix}-{rng.integers(10, 99)}-{rng.integers(100000, 999999)}",
            name=f"{rng.choice(NAME_PARTS[stock_type])} {rng.choice(list('ABCDEFGH'))}{rng.integers(1, 99)}型",
            stock_type=stock_type, warehouse=warehouse, unit=str(rng.choice(units)),
            bu=BUS[rng.choice(len(BUS), p=BU_WEIGHTS)],
            supplier=SUPPLIERS[rng.choice(len(SUPPLIERS), p=SUPPLIER_WEIGHTS)],
            unit_cost=round(float(np.exp(rng.uniform(np.log(low), np.log(high)))), 2),
            mean_demand=0.0 if dead else float(rng.lognormal(2.0, 1.0)),
            demand_probability=float(rng.uniform(0.01, 0.04) if slow else rng.uniform(0.1, 0.6)),
            cover_days=float(rng.uniform(15, 75)),
            lead_time=int(rng.choice([7, 10, 14, 21, 30])), lead_time_std=float(rng.choice([0, 1, 2, 3])),
        ))
    return skus


def seed_lots(sku: Sku, rng: np.random.Generator) -> None:
    """Opening stock: active SKUs hold about a month of demand; dead ones hold old, unmoved lots."""
    count = int(rng.integers(1, 4))
    for j in range(count):
        if sku.mean_demand:
            age, qty = int(rng.integers(5, 90)), sku.mean_demand * rng.uniform(10, 30)
        else:
            age, qty = int(rng.integers(40, 800)), float(rng.lognormal(4, 1))
        receipt = HISTORY_START - pd.Timedelta(days=age)
        sku.lots.append(Lot(f"{receipt:%Y%m%d}-{j + 1:02d}", round(qty, 2), _lot_cost(sku, rng), receipt, None))


def _lot_cost(sku: Sku, rng: np.random.Generator) -> float:
    return round(sku.unit_cost * float(rng.uniform(0.97, 1.03)), 2)


def issue_fifo(sku: Sku, qty: float, day: pd.Timestamp) -> tuple[float, float]:
    """Issue up to `qty` oldest lots first; returns (issued qty, its cost)."""
    issued = cost = 0.0
    for lot in sku.lots:
        if qty <= 0:
            break
        take = min(lot.qty, qty)
        if take > 0:
            lot.qty = round(lot.qty - take, 4)
            lot.last_move = day
            issued, cost, qty = issued + take, cost + take * lot.unit_cost, qty - take
    sku.lots = [lot for lot in sku.lots if lot.qty > 1e-9]
    return issued, cost


def simulate(skus: list[Sku], rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    days = pd.date_range(HISTORY_START, LAST_SNAPSHOT, freq="D")
    snapshot_days = set(pd.date_range(FIRST_SNAPSHOT, LAST_SNAPSHOT, freq="ME"))
    snapshots, movements = [], []
    for sku in skus:
        seed_lots(sku, rng)
    for day in days:
        weekly_review = day.day_of_week == 0
        for sku in skus:
            arrived = [q for due, q in sku.pipeline if due == day]
            sku.pipeline = [(due, q) for due, q in sku.pipeline if due != day]
            if sku.mean_demand and rng.random() < sku.demand_probability:
                wanted = round(float(rng.gamma(2.0, sku.mean_demand / sku.demand_probability / 2.0)), 2)
                issued, cost = issue_fifo(sku, wanted, day)
                if issued > 0 and day >= FIRST_SNAPSHOT + pd.Timedelta(days=1):
                    movements.append((day, sku.code, round(issued, 4), round(cost, 2)))
            for qty in arrived:
                sku.lots.append(Lot(f"{day:%Y%m%d}-{len(sku.lots) + 1:02d}", qty, _lot_cost(sku, rng), day))
            if weekly_review and sku.mean_demand:
                order_up_to(sku, day, rng)
        if day in snapshot_days:
            snapshots.extend(snapshot_rows(skus, day))
    return pd.DataFrame(snapshots), pd.DataFrame(movements, columns=["日期", "物料编码", "出库数量", "出库金额"])


def order_up_to(sku: Sku, day: pd.Timestamp, rng: np.random.Generator) -> None:
    """Weekly review with a generous, slightly erratic target: real planners over-order."""
    target = sku.mean_demand * (sku.lead_time + 7 + sku.cover_days) * rng.uniform(1.0, 1.5)
    position = sum(lot.qty for lot in sku.lots) + sum(q for _, q in sku.pipeline)
    if position < target * 0.6:
        lead = max(1, round(rng.normal(sku.lead_time, sku.lead_time_std)))
        sku.pipeline.append((day + pd.Timedelta(days=lead), round(target - position, 2)))


def snapshot_rows(skus: list[Sku], day: pd.Timestamp) -> list[tuple]:
    """One row per lot; the SKU's open purchase orders sit on its first lot (as many ERPs list them)."""
    return [(day, sku.code, sku.name, sku.warehouse, sku.bu, sku.supplier, lot.batch, round(lot.qty, 2), sku.unit,
             lot.unit_cost, round(lot.qty * lot.unit_cost, 2), lot.receipt, lot.last_move,
             round(sum(q for _, q in sku.pipeline), 2) if i == 0 else 0.0)
            for sku in skus for i, lot in enumerate(lot for lot in sku.lots if lot.qty > 0)]


def add_tracker(lots: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Owners and actions on part of the latest snapshot's dead stock, as a team mid-way through a clean-up."""
    last = lots["快照日期"] == LAST_SNAPSHOT
    moved = lots["最后出库日期"].fillna(lots["入库日期"])
    dead = last & ((LAST_SNAPSHOT - moved).dt.days > 180)
    tracked = dead & (rng.random(len(lots)) < 0.6)
    n = int(tracked.sum())
    lots["负责人"] = None
    lots["处理措施"] = None
    lots["处理状态"] = None
    lots.loc[tracked, "负责人"] = rng.choice(OWNERS, n)
    lots.loc[tracked, "处理措施"] = rng.choice(ACTIONS, n)
    lots.loc[tracked, "处理状态"] = rng.choice(STATUSES, n, p=(0.5, 0.35, 0.15))
    return lots


def planning_parameters(skus: list[Sku], lots: pd.DataFrame, movements: pd.DataFrame) -> pd.DataFrame:
    days = (LAST_SNAPSHOT - FIRST_SNAPSHOT).days
    daily = movements.pivot_table(index="日期", columns="物料编码", values="出库数量", aggfunc="sum")
    daily = daily.reindex(pd.date_range(FIRST_SNAPSHOT + pd.Timedelta(days=1), LAST_SNAPSHOT), fill_value=0).fillna(0)
    on_hand = lots[lots["快照日期"] == LAST_SNAPSHOT].groupby("物料编码")["数量"].sum()
    rows = []
    for sku in skus:
        series = daily[sku.code] if sku.code in daily else pd.Series(0.0, index=range(days))
        rows.append({"sku": sku.code, "mean_daily_demand": round(float(series.mean()), 4),
                     "std_daily_demand": round(float(series.std(ddof=1)), 4), "lead_time_days": sku.lead_time,
                     "lead_time_std_days": sku.lead_time_std, "unit_cost": sku.unit_cost,
                     "on_hand": round(float(on_hand.get(sku.code, 0.0)), 2),
                     "on_order": round(sum(q for _, q in sku.pipeline), 2),
                     "ordering_cost": 300.0, "holding_cost": round(sku.unit_cost * 0.25, 4),
                     "supplier": sku.supplier})
    return pd.DataFrame(rows)


def write_gzip_csv(frame: pd.DataFrame, path: Path, encoding: str) -> None:
    text = frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")
    with gzip.GzipFile(path, "wb", mtime=0) as out:
        out.write(text.encode(encoding))


def main() -> None:
    rng = np.random.default_rng(SEED)
    skus = make_skus(rng)
    snapshots, movements = simulate(skus, rng)
    lots = snapshots.set_axis(LOT_HEADERS, axis=1)
    lots = add_tracker(lots, rng)
    write_gzip_csv(lots, HERE / "lots.csv.gz", "gbk")
    write_gzip_csv(movements, HERE / "movements.csv.gz", "utf-8")
    params = planning_parameters(skus, lots, movements)
    params.to_csv(HERE / "planning_parameters.csv", index=False, lineterminator="\n")
    print(f"{len(lots):,} lot rows, {len(movements):,} movements, {len(params):,} SKUs with parameters")


if __name__ == "__main__":
    main()
