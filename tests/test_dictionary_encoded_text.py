"""KPIs on dictionary-encoded (categorical) text, as the report hands them over, read the same as on plain text:
missing names group under "", ties still sort by name, units per supplier, SLOB thresholds per stock type."""

from __future__ import annotations

import pandas as pd

from core.intake.loading import load_lots, load_movements
from core.kpis import measures as kpis
from core.kpis.dashboard import build_dashboard
from core.kpis.measures import KpiSettings
from core.kpis.report import Dataset
from tests.conftest import SAMPLE, lots_frame

AS_OF = pd.Timestamp("2025-12-31")


def encoded(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return frame.assign(**{c: frame[c].astype("category") for c in columns})


def stock() -> pd.DataFrame:
    return lots_frame([
        {"sku": "B", "bu": "BU2", "supplier": "V1", "unit": "pcs", "value": 30.0},
        {"sku": "A", "bu": None, "supplier": "V1", "unit": "kg", "value": 30.0},
        {"sku": "C", "bu": "BU1", "supplier": None, "unit": "pcs", "value": 40.0},
        {"sku": "C", "bu": "BU1", "supplier": "V2", "unit": "pcs", "value": 0.0},
    ])


def test_missing_names_group_under_empty_text_and_ties_sort_by_name():
    shares = kpis.value_share(encoded(stock(), "bu", "sku"), "bu")
    assert shares["bu"].tolist() == ["BU1", "", "BU2"]  # 40, then the 30-30 tie by name ("" before "BU2")
    assert shares["value"].tolist() == [40.0, 30.0, 30.0]
    assert shares["share"].tolist() == [0.4, 0.3, 0.3]
    ranking = kpis.value_share(encoded(stock(), "sku"), "sku")
    assert ranking["sku"].tolist() == ["C", "A", "B"]
    assert str(ranking["sku"].dtype) == str(kpis.value_share(stock(), "sku")["sku"].dtype)


def test_supplier_backlog_on_encoded_text_keeps_units_and_the_unnamed_supplier():
    backlog = kpis.supplier_backlog(encoded(stock(), "supplier", "unit"), None)
    assert backlog["supplier"].tolist() == ["V1", "", "V2"]
    assert backlog["unit"].tolist() == ["mixed", "pcs", "pcs"]
    assert backlog["value"].tolist() == [60.0, 40.0, 0.0]


def test_slob_thresholds_are_looked_up_per_stock_type_with_the_default_for_unknown_or_missing():
    settings = KpiSettings(slob_days={"raw_material": 30}, slob_default_days=90)
    types = pd.Series(["raw_material", "finished_goods", None, "raw_material"], dtype="category")
    assert settings.slob_threshold(types).tolist() == [30.0, 90.0, 90.0, 30.0]
    assert settings.slob_threshold(types.astype(object)).tolist() == [30.0, 90.0, 90.0, 30.0]


def test_dashboard_tables_hand_their_text_back_as_plain_text():
    # The dashboard groups by codes; the pages sort, map and chart the tables it hands out as ordinary text.
    lots, movements = load_lots(SAMPLE / "lots.csv.gz"), load_movements(SAMPLE / "movements.csv.gz")
    numbers = build_dashboard(Dataset(lots.data, movements.data, lots.currency))
    tables = {name: value for name, value in vars(numbers).items() if isinstance(value, pd.DataFrame)}
    assert {"abc", "mix_warehouse", "slob_by_type", "aging_by_type", "days_of_supply"} <= set(tables)
    for name, table in tables.items():
        categorical = [c for c in table.columns if isinstance(table[c].dtype, pd.CategoricalDtype)]
        assert not categorical, f"{name}: {categorical}"
    raw = numbers.slob_by_type.set_index("stock_type")
    assert raw.loc["raw_material", "slob_sku_count"] > 0  # counted on codes, as on text
