"""The what-if charts drawn from a spec built once (Altair's building and validating skipped on a moved control)
are the charts `st.altair_chart` draws from the Altair chart: the same Vega-Lite spec and the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from ui import charts


def days(level: float) -> pd.DataFrame:
    day = np.arange(30)
    return pd.DataFrame({"day": day, "mean": level + day * 1000.0, "p05": level - 5e4 + day, "p95": level + 5e4})


def as_drawn(spec: dict) -> tuple[str, list[bytes]]:
    """The spec with its datasets named in order of first use, and their Arrow bytes in that order."""
    datasets = spec.pop("datasets")
    text = str(spec)
    names = sorted(datasets, key=text.index)
    for i, name in enumerate(names):
        text = text.replace(name, f"dataset-{i}")
    data = [value if isinstance(value, bytes) else dataframe_util.convert_anything_to_arrow_bytes(value)
            for value in (datasets[name] for name in names)]
    return text, data


@pytest.mark.parametrize("currency", ["CNY", "USD"])
def test_daily_value_spec_is_the_altair_chart(currency):
    series = {"默认基准": days(8e6), "情景": days(7e6)}
    assert as_drawn(charts.daily_value_spec(series, currency)) == as_drawn(
        _convert_altair_to_vega_lite_spec(charts.daily_value_chart(series, currency)))


def test_tradeoff_spec_is_the_altair_chart_and_moves_its_marker():
    curve = pd.DataFrame({"service_level": [0.8, 0.9, 0.99], "avg_inventory_value": [6e6, 7e6, 9e6],
                          "fill_rate": [0.95, 0.97, 0.995]})
    current = {"avg_inventory_value": 7.5e6, "fill_rate": 0.98}
    spec = charts.tradeoff_spec(curve, current, "CNY")
    assert spec["datasets"]["position"][["amount", "fill"]].to_numpy().tolist() == [[750.0, 98.0]]  # 万, %
    assert as_drawn(spec) == as_drawn(_convert_altair_to_vega_lite_spec(charts.tradeoff_chart(curve, current, "CNY")))
    moved = charts.tradeoff_spec(curve, {"avg_inventory_value": 8e6, "fill_rate": 0.99}, "CNY")
    assert moved["datasets"]["position"][["amount", "fill"]].to_numpy().tolist() == [[800.0, 99.0]]
