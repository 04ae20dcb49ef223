"""Every label the app asks for exists in both languages, with the same placeholders."""

from __future__ import annotations

import re
import string

from tests.conftest import ROOT
from ui.i18n import catalog

SOURCES = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-zA-Z0-9_.]+)["']""")


def _placeholders(text: str) -> set[str]:
    """The values a label takes; `{count|SKU|SKUs}` (the word for a count) takes `count`."""
    return {name.split("|")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogs_have_the_same_keys_and_placeholders():
    zh, en = catalog("zh"), catalog("en")
    assert set(zh) == set(en)
    assert {k: _placeholders(v) for k, v in zh.items()} == {k: _placeholders(v) for k, v in en.items()}


def test_every_literal_label_used_in_the_app_is_in_the_catalog():
    used = {key for path in SOURCES for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 150
    assert sorted(used - set(catalog("en"))) == []


def test_labels_built_from_codes_exist_for_every_code():
    from core.intake.schema import STOCK_TYPES
    from core.sim.policies import POLICIES
    from core.sim.simulation import TOTAL_METRICS
    en = catalog("en")
    keys = [f"stock_type.{s}" for s in STOCK_TYPES] + [f"whatif.policy.{p}" for p in POLICIES]
    keys += [f"whatif.metric.{m}" for m in TOTAL_METRICS] + [f"targets.kpi.{k}" for k in ("tiv", "ito", "dio",
                                                                                          "slob_share")]
    keys += [f"actions.rule.{r}" for r in ("scrap_dead", "promote_slob", "pause_purchases", "supplier_backlog")]
    keys += [f"actions.evidence.{r}" for r in ("scrap_dead", "promote_slob", "pause_purchases", "supplier_backlog")]
    assert [k for k in keys if k not in en] == []


def test_every_column_of_every_shown_table_has_a_header_in_both_languages():
    import pandas as pd

    from core.intake.loading import load_lots, load_movements
    from core.intake.problems import problem_summary
    from core.kpis.actions import bu_gap_contribution, recommend_actions
    from core.kpis.dashboard import build_dashboard
    from core.kpis.measures import KpiSettings
    from core.kpis.report import Dataset
    from tests.conftest import SAMPLE

    lots, movements = load_lots(SAMPLE / "lots.csv.gz"), load_movements(SAMPLE / "movements.csv.gz")
    numbers = build_dashboard(Dataset(lots.data, movements.data, lots.currency))
    tables = [v for v in vars(numbers).values() if isinstance(v, pd.DataFrame)]
    stock = lots.data[lots.data["snapshot_date"] == numbers.as_of]
    actions = recommend_actions(stock, numbers.as_of, movements.data)
    tables += [bu_gap_contribution(stock, numbers.as_of, KpiSettings()), lots.data.drop(columns=["_row"]),
               actions[["cash"]],
               problem_summary(pd.DataFrame({"column": ["qty"], "message": ["x: row 2, column qty: -1 is negative"],
                                             "severity": ["error"]}))]
    columns = {c for table in tables for c in table.columns}
    for language in ("zh", "en"):
        assert sorted(c for c in columns if f"col.{c}" not in catalog(language)) == []


def test_text_from_files_is_inert_in_markdown():
    from ui.i18n import plain

    hostile = "[点我](http://evil.example) ![img](x.png) :red[假警告] :material/home: **粗体** <b>x</b>"
    escaped = plain(hostile)
    assert re.search(r"(?<!\\)[\[\]()!:*<>]", escaped) is None, "every markdown character is escaped"
    assert escaped.replace("\\", "") == hostile
