"""One language at a time (issue 22): stored values never change with the language, what is stored is codes and
canonical units, and every screen shows the words of the language chosen."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from core.kpis.dashboard import build_worklist
from core.storage import InvalidEdit, Store, edits_from_editor
from tests.conftest import ROOT, SAMPLE
from ui.i18n import catalog, worklist_label_codes

CJK = re.compile(r"[\u4e00-\u9fff]")


def open_page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_with_file(page: str, name: str, content: str, lang: str = "zh") -> AppTest:
    """`page` in `lang`, showing a stock list of `name` holding `content` (no movements)."""
    from ui import state
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.session_state["source"] = state.Source(state.SourceFile.of(name, content.encode()), None)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_worklist_labels_saved_in_either_language_become_codes_when_an_old_database_opens(tmp_path):
    url = f"sqlite:///{tmp_path / 'board.sqlite'}"
    Store(url).save_worklist_edits(pd.DataFrame({
        "lot_key": ["a", "b", "c", "d"], "owner": ["张伟", None, None, None],
        "action": ["报废申请", "Scrap application", "promotion", "自己写的措施"],
        "action_status": ["进行中", "In progress", " done ", None]}))  # as saved before codes
    saved = Store(url, labels=worklist_label_codes()).worklist_edits().set_index("lot_key")
    assert saved["action"].tolist() == ["scrap", "scrap", "promotion", "自己写的措施"]
    assert saved.loc[["a", "b", "c"], "action_status"].tolist() == ["doing", "doing", "done"]
    with sa.create_engine(url).connect() as connection:  # migrated in the database, not only when read
        stored = dict(connection.execute(sa.text("SELECT lot_key, action FROM worklist")).all())
    assert stored == {"a": "scrap", "b": "scrap", "c": "promotion", "d": "自己写的措施"}


def test_an_edit_saved_as_a_label_of_either_language_is_stored_as_its_code(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'board.sqlite'}", labels=worklist_label_codes())
    shown = pd.DataFrame({"lot_key": ["a", "b"], "owner": [None, None], "action": [None, None],
                          "action_status": [None, None]})
    store.save_worklist_edits(edits_from_editor(shown, {0: {"action": "Return to supplier", "action_status": "已完成"},
                                                        1: {"action": "跨部门调拨"}}))
    saved = store.worklist_edits().set_index("lot_key")
    assert saved.loc["a", ["action", "action_status"]].tolist() == ["return", "done"]
    assert saved.loc["b", "action"] == "transfer"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_worklist_shows_and_offers_only_the_words_of_the_language_chosen(lang, sample, data_folder):
    lots = build_worklist(sample).head(3).reset_index(drop=True)
    Store().save_worklist_edits(edits_from_editor(lots, {0: {"action": "报废申请", "action_status": "进行中"},
                                                         1: {"action": "Promotion", "action_status": "Done"}}))
    at = open_page("pages/risk.py", lang)
    editor = next(e for e in at.data_editor if "lot_key" in e.value.columns)
    rows = editor.value.set_index("lot_key")
    words = catalog(lang)
    assert rows.loc[lots.loc[0, "lot_key"], ["action", "action_status"]].tolist() == [
        words["risk.action.scrap"], words["risk.status.doing"]]
    assert rows.loc[lots.loc[1, "lot_key"], ["action", "action_status"]].tolist() == [
        words["risk.action.promotion"], words["risk.status.done"]]
    config = json.loads(editor.proto.columns)
    offered = {o for column in ("action", "action_status") for o in config[column]["type_config"]["options"]}
    other = catalog("zh" if lang == "en" else "en")
    theirs = {other[k] for k in other if k.startswith(("risk.action.", "risk.status."))}
    assert {words[f"risk.action.{a}"] for a in ("transfer", "scrap", "return")} <= offered
    assert not offered & (theirs - set(words.values())), "the other language's words are offered"


def test_released_cash_above_planned_is_refused_unless_marked_exceeded_with_a_reason(tmp_path):
    """Issue 22 item 4: 9,999万 released on a ¥198.31万 step was accepted (完成 1453.2 %)."""
    store = Store(f"sqlite:///{tmp_path / 'board.sqlite'}")
    step = store.add_plan_step("促销原材料仓呆滞", "李娜", None, 1_983_100.0)
    other = store.add_plan_step("暂停采购", None, None, 500_000.0)
    plan = store.plan()
    plan.loc[plan["id"] == step, "released_cash"] = 999_900_000.0
    plan.loc[plan["id"] == other, "released_cash"] = 200_000.0
    with pytest.raises(InvalidEdit) as refused:
        store.update_plan(plan)
    assert [(p["field"], p["code"], p["released"], p["planned"]) for p in refused.value.problems] == [
        ("released_cash", "released_above_planned", 999_900_000.0, 1_983_100.0)]
    saved = store.plan().set_index("id")
    assert saved.loc[step, "released_cash"] == 0.0, "the impossible step is left as saved"
    assert saved.loc[other, "released_cash"] == 200_000.0, "the other step is saved"
    plan = store.plan()
    plan.loc[plan["id"] == step, ["released_cash", "status"]] = [2_100_000.0, "exceeded"]
    with pytest.raises(InvalidEdit):  # exceeded, but no reason given
        store.update_plan(plan)
    plan = store.plan()
    plan.loc[plan["id"] == step, ["released_cash", "status", "evidence"]] = [2_100_000.0, "exceeded", "客户追加订单"]
    store.update_plan(plan)
    assert store.plan().set_index("id").loc[step, "released_cash"] == 2_100_000.0


def test_a_typed_due_date_before_the_step_was_created_and_negative_money_are_refused(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'board.sqlite'}")
    step = store.add_plan_step("报废", None, None, 1000.0)
    plan = store.plan()
    plan.loc[plan["id"] == step, "due_date"] = dt.date(2000, 1, 1)
    with pytest.raises(InvalidEdit) as refused:
        store.update_plan(plan)
    assert refused.value.problems[0]["code"] == "due_before_created"
    new = pd.DataFrame([{"title": "新步骤", "planned_cash": -5.0, "released_cash": 0.0}])
    with pytest.raises(InvalidEdit) as refused:
        store.update_plan(new)
    assert refused.value.problems[0]["code"] == "negative"
    assert store.plan()["title"].tolist() == ["报废"]


def test_suppliers_to_order_from_counts_named_suppliers_only(data_folder):
    """The sample's lots name 20 suppliers (counted in the file itself); "(no supplier)" is not a 21st."""
    named = pd.read_csv(SAMPLE / "lots.csv.gz", encoding="gbk", usecols=["供应商"])["供应商"].dropna().nunique()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["lang"], at.session_state["po_replications"] = "en", 2
    at.run()
    at.switch_page("pages/plan_orders.py")
    at.run()
    count = int(next(m.value for m in at.metric if m.label == catalog("en")["orders.suppliers"]).replace(",", ""))
    assert named == 20 and 0 < count <= named


@pytest.mark.parametrize(("lang", "shown_format"), [("zh", '"¥"#,##0.00"万"'), ("en", '"¥"#,##0.00"k"')])
def test_workbook_money_and_shares_are_numbers_drawn_as_on_screen(lang, shown_format, monkeypatch):
    """¥12,345,000 is 1,234.50万 / 12,345.00 ¥k: the cell holds that number, Excel draws the unit; 0.939 is 93.9%."""
    import io

    import openpyxl

    from core.export import excel_workbook
    from ui import widgets
    monkeypatch.setattr(widgets, "language", lambda: lang)
    monkeypatch.setattr("ui.i18n.language", lambda: lang)
    frame = widgets.export_frame(pd.DataFrame({"sku": ["A-1"], "value": [12_345_000.0], "share": [0.939]}), "CNY",
                                 money=("value",), shares=("share",))
    book = openpyxl.load_workbook(io.BytesIO(excel_workbook({"Recommended actions (by cash freed) in full": frame,
                                                              "Recommended actions (by cash freed) in fully": frame})))
    assert all(len(name) <= 31 for name in book.sheetnames) and len(set(book.sheetnames)) == 2
    sheet = book.worksheets[0]
    money_cell, share_cell = sheet["B2"], sheet["C2"]
    assert money_cell.value == pytest.approx(1234.5 if lang == "zh" else 12_345.0)
    assert money_cell.number_format == shown_format
    assert share_cell.value == pytest.approx(93.9) and share_cell.number_format == '0.0"%"'
    assert sheet["A1"].value == catalog(lang)["col.sku"]


def test_percentage_changes_of_shares_read_in_points():
    from core.formatting import kpi_delta

    assert kpi_delta("fill_rate", 0.0019, "CNY", "en") == "+0.19 pp"  # 93.74 % → 93.93 %
    assert kpi_delta("fill_rate", -0.0019, "CNY", "zh") == "-0.19 个百分点"
    assert kpi_delta("fill_rate", 0.00001, "CNY", "en") is None
    assert kpi_delta("avg_inventory_value", -830_000.0, "CNY", "zh") == "-¥83.00万"


def test_per_sku_what_if_download_has_translated_headers_and_every_share_in_percent(monkeypatch):
    from ui import widgets
    monkeypatch.setattr(widgets, "language", lambda: "en")
    monkeypatch.setattr("ui.i18n.language", lambda: "en")
    from ui.exports import sku_results
    skus = pd.DataFrame({"sku": ["A-1", "B-2"], "policy": ["periodic", "periodic"], "cycles": [2.5, 1.0],
                         "demand_units": [717.3, 10.0], "service_level": [0.95, 0.95], "fill_rate": [1.0, 0.9],
                         "cycle_service_level": [1.0, 0.8], "avg_inventory_value": [338_513.8, 4_536.2],
                         "target_met": [True, False]}, index=[0, 1]).astype({"target_met": object})
    shown = sku_results(skus, "CNY")
    english = catalog("en")
    assert list(shown.columns[:5]) == [english["col.sku"], english["col.policy"], english["col.cycles"],
                                       english["col.demand_units"], english["col.service_level"] + " (%)"]
    assert shown[english["col.service_level"] + " (%)"].tolist() == [95.0, 95.0]
    assert shown[english["col.target_met"]].tolist() == [english["common.yes"], english["common.no"]]
    assert shown[english["col.avg_inventory_value"] + " (¥k)"].tolist() == [338.5138, 4.5362]  # to the cent


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/risk.py", "pages/targets.py"])
@pytest.mark.parametrize(("content", "lang", "expected"), [
    ("物料编码,数量\nA,1\n", "zh", "x.csv：未找到必需的列“单价或金额”"),
    ("物料编码,数量\nA,1\n", "en", "x.csv: the required column “Unit cost or value” was not found"),
    ("备注,说明\n甲,乙\n", "zh", "x.csv：未找到必需的列“物料编码”、“数量”、“单价或金额”"),
    ("", "zh", "x.csv：文件是空的"),
])
def test_an_unusable_file_is_told_in_the_users_language_on_every_page(page, content, lang, expected, data_folder):
    at = open_with_file(page, "x.csv", content, lang)
    shown = at.error[0].value.replace("\\", "")
    assert shown.startswith(expected), shown
    assert "--mapping" not in shown  # the command-line hint belongs to the command line


def test_an_out_of_reach_fill_rate_is_told_in_percent_in_the_users_language(monkeypatch):
    from core.errors import CodedError
    from ui.messages import error_text
    monkeypatch.setattr("ui.i18n.language", lambda: "zh")
    error = CodedError("fill_out_of_reach", "target fill rate 0.9990 is out of reach", target=0.999, level=0.999,
                       achieved=0.9973)
    assert error_text(error).startswith("目标满足率 99.90% 无法达到：即使服务水平取最高的 99.90%，"
                                        "模拟满足率也只有 99.73%")
    assert str(error) == "target fill rate 0.9990 is out of reach"  # what the command line prints


def test_purchase_proposal_workbook_is_in_the_money_unit_of_the_screen(monkeypatch):
    """The screen shows order values in ¥k (English): so does the workbook, as numbers rounded to the cent of a
    thousand, Excel drawing ¥…k; the total row is the proposal's total."""
    import io

    import openpyxl

    from core.export import excel_workbook
    from core.intake.loading import load_planning
    from core.sim.planning import parameters_from_file
    from core.sim.proposals import propose
    from core.sim.simulation import Scenario
    from ui import widgets
    from ui.exports import proposal_sheets
    monkeypatch.setattr(widgets, "language", lambda: "en")
    monkeypatch.setattr("ui.i18n.language", lambda: "en")
    params = parameters_from_file(load_planning(SAMPLE / "planning_parameters.csv")).params.head(200)
    proposal = propose(params, Scenario(policy="periodic"))
    english = catalog("en")
    book = openpyxl.load_workbook(io.BytesIO(excel_workbook(proposal_sheets(proposal, "CNY"))))
    assert book.sheetnames == [english["orders.sheet_suppliers"], english["orders.sheet_order_lines"],
                               english["orders.sheet_all_skus"]]
    suppliers = book[english["orders.sheet_suppliers"]]
    header = [c.value for c in suppliers[1]]
    value_column = header.index(english["col.order_value"] + " (¥k)")
    total = next(suppliers.iter_rows(min_row=suppliers.max_row, values_only=True))
    assert total[0] == english["orders.total"]
    assert total[value_column] == pytest.approx(proposal.total_value / 1000, abs=0.005)
    assert suppliers.cell(row=2, column=value_column + 1).number_format == '"¥"#,##0.00"k"'


def test_simulate_text_output_prints_money_in_full_and_shares_in_percent(capsys):
    from core.cli.main import main
    code = main(["simulate", str(SAMPLE / "planning_parameters.csv"), "--replications", "2", "--horizon-days", "60",
                 "--format", "text"])
    out = capsys.readouterr().out
    assert code == 0
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.split()}
    assert "e+" not in out
    assert re.fullmatch(r"\d{1,3}(,\d{3})+\.\d{2}", rows["avg_inventory_value"][0])  # e.g. 90,666,294.66
    assert re.fullmatch(r"\d{1,3}\.\d{2}%", rows["fill_rate"][0]) and rows["fill_rate"][1:3][1] == "pp"


def test_aging_chart_colours_follow_the_stock_type_code_not_its_words(monkeypatch):
    from ui import charts
    by_type = pd.DataFrame({"stock_type": ["raw_material", "finished_goods", "raw_material"],
                            "bucket": ["0-7", "0-7", "8-15"], "value": [1.0, 2.0, 3.0]})
    specs = {}
    for lang in ("zh", "en"):
        monkeypatch.setattr("ui.i18n.language", lambda lang=lang: lang)
        specs[lang] = charts.aging_chart(by_type, ["0-7", "8-15"], "CNY").to_dict()["encoding"]["color"]
    assert specs["zh"]["field"] == specs["en"]["field"] == "stock_type"
    assert specs["zh"]["scale"] == specs["en"]["scale"]  # same domain, same colours
    assert catalog("zh")["stock_type.raw_material"] in specs["zh"]["legend"]["labelExpr"]
    assert catalog("en")["stock_type.raw_material"] in specs["en"]["legend"]["labelExpr"]


def test_report_text_lines_up_chinese_names_by_display_width_and_names_stock_types_in_words(capsys):
    from core.cli.main import main
    from core.cli.report_text import STOCK_TYPES, display_width
    assert main(["report", str(SAMPLE / "lots.csv.gz"), "--format", "text"]) == 0
    out = capsys.readouterr().out
    section = out.split("Mix by warehouse\n")[1].split("\n\n")[0].splitlines()
    assert any(CJK.search(line) for line in section)
    assert len({display_width(line) for line in section}) == 1, section  # every share ends in the same column
    types = out.split("Mix by stock type\n")[1].split("\n\n")[0]
    assert "finished_goods" not in types and "Finished goods" in types
    english = catalog("en")
    assert {k.removeprefix("stock_type."): v for k, v in english.items() if k.startswith("stock_type.")} == STOCK_TYPES


def test_zero_money_reads_in_wan_in_chinese_like_the_figures_beside_it():
    from core.formatting import money
    assert money(0.0, "CNY", language="zh") == "¥0.00万"
    assert money(0.0, "CNY", language="en") == "¥0.00k" and money(0.0, "USD", language="zh") == "$0.00"


def test_a_recommended_step_added_in_chinese_reads_in_english_with_english_money(monkeypatch):
    """Issue 22: the English plan export kept the Chinese step text and 万 figures it was added with."""
    from ui.exports import action_ref, plan_step_words
    row = pd.Series({"rule": "supplier_backlog", "subject": "华东精密五金有限公司", "lots": 12, "skus": 7,
                     "evidence": {"share": 0.216, "value": 25_847_640.18}})
    stored = action_ref(row)
    monkeypatch.setattr("ui.i18n.language", lambda: "zh")
    zh_title, zh_facts = plan_step_words(stored, None, "CNY")
    monkeypatch.setattr("ui.i18n.language", lambda: "en")
    en_title, en_facts = plan_step_words(stored, None, "CNY")
    assert "¥2,584.76万" in zh_facts and "¥25,847.64k" in en_facts and "万" not in en_facts
    assert zh_title != en_title and "华东精密五金有限公司" in en_title  # the supplier's own name stays
    assert not CJK.search(en_title.replace("华东精密五金有限公司", ""))
    assert plan_step_words("自己写的步骤", "原因", "CNY") == ("自己写的步骤", "原因")  # typed text as typed
    assert plan_step_words(stored, "客户追加订单", "CNY")[1] == "客户追加订单"  # a reason typed wins


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "没有仓库列：所有库存归为一个仓库“stock”。"),
    ("en", "No warehouse column: all stock is one warehouse, “stock”."),
])
def test_the_readers_notes_and_warnings_on_the_data_page_speak_the_users_language(lang, expected, data_folder):
    """The reader's notes carry a code (the command line prints their English text): a list without a warehouse
    and with a negative quantity is told in the app's language only."""
    content = "物料编码,数量,单价\nA,10,2.5\nB,-1,3\n" + "".join(f"C{i},1,1\n" for i in range(20))
    at = open_with_file("pages/data.py", "stock.csv", content, lang)
    shown = [element.value.replace("\\", "") for element in [*at.info, *at.warning]]
    assert any(expected in text for text in shown), shown
    other_language = re.compile(r"[A-Za-z]{4,}") if lang == "zh" else CJK
    notes = [text for text in shown if "仓库" in text or "warehouse" in text or "负" in text or "negative" in text]
    assert notes and not any(other_language.search(text.replace("stock.csv", "").replace("stock", "")) for text in
                             notes), notes
    described = " ".join(str(cell) for frame in at.dataframe for cell in frame.value.to_numpy().ravel())
    assert ("distinct" in described) == (lang == "en")  # the roles table's "values seen"


def test_a_coded_note_survives_the_apps_cache_and_prints_as_its_english_text():
    import pickle

    from core.errors import Said
    note = Said("one_warehouse", "no warehouse column: all stock is one warehouse, 'x'", warehouse="x")
    kept = pickle.loads(pickle.dumps(note))  # st.cache_data pickles what it keeps
    assert (kept.code, kept.params, str(kept)) == ("one_warehouse", {"warehouse": "x"}, str(note))
    assert json.dumps([note]) == json.dumps(["no warehouse column: all stock is one warehouse, 'x'"])


def test_the_language_is_kept_in_the_address_so_a_reload_keeps_it():
    """A reload is a new session: it used to come back in Chinese whatever the user had chosen (reviewer R31).
    The choice is written to the address (`?lang=en`) and a new session opened there starts in it."""
    english = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    english.session_state["lang"] = "en"
    english.run()
    assert english.query_params["lang"] == "en"
    reloaded = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    reloaded.query_params["lang"] = "en"
    reloaded.run()
    assert not reloaded.exception
    assert reloaded.session_state["lang"] == "en"
    assert reloaded.title[0].value == catalog("en")["overview.title"]
    stranger = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    stranger.query_params["lang"] = "xx"  # an address nobody can read in: the default, not an error
    stranger.run()
    assert not stranger.exception and stranger.session_state["lang"] == "zh"


def test_the_what_if_address_keeps_the_language_beside_its_settings():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.session_state["wi_replications"] = 2
    at.session_state["wi_horizon"] = 120
    at.run()
    at.switch_page("pages/what_if.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["lang"] == "en" and "policy" in at.query_params


@pytest.mark.parametrize(("key", "values", "one_text", "many_text"), [
    ("actions.rule.pause_purchases", {"subject": "Acme"}, "Pause purchases from Acme for 1 overstocked SKU",
     "Pause purchases from Acme for 2 overstocked SKUs"),
    ("risk.saved", {}, "Saved 1 row", "Saved 2 rows"),
    ("whatif.skus", {}, "1 SKU simulated", "2 SKUs simulated"),
    ("data.unpriced", {"items": "A"}, "1 item has no price in the price list and is not valued: A",
     "2 items have no price in the price list and are not valued: A"),
])
def test_english_counts_agree_with_their_nouns_and_verbs(key, values, one_text, many_text, monkeypatch):
    """Issue 22: "1 overstocked SKUs", "Saved 1 rows"."""
    from ui.i18n import t
    monkeypatch.setattr("ui.i18n.language", lambda: "en")
    count = next((name for name in ("skus", "count") if "{" + name in catalog("en")[key]), "count")
    assert t(key, **values, **{count: 1}) == one_text
    assert t(key, **values, **{count: "2"}) == many_text
    monkeypatch.setattr("ui.i18n.language", lambda: "zh")
    assert "|" not in t(key, **values, **{count: 1})


def test_every_english_count_of_a_plural_noun_has_its_singular():
    """A count placed before a plural noun in an English label ("{count} SKUs") reads wrong for one."""
    plural_after_count = re.compile(r"\{(\w+)\}(?: [a-z-]+)? (SKUs|rows|lots|items|days|values|units|dates)\b")
    unsaid = {key: text for key, text in catalog("en").items() if plural_after_count.search(text)}
    assert unsaid == {}


@pytest.mark.parametrize(("lang", "reason", "column"), [
    ("zh", "第 3 行，列“数量”：“abc”不是数字", "“单价”"),
    ("en", "row 3, column '数量' (Qty): 'abc', not a number", "'单价' (Unit cost)"),
])
def test_rows_set_aside_and_the_problems_of_a_file_are_told_in_the_users_language(lang, reason, column, data_folder):
    """Issue 22: the Data page listed set-aside rows under `row` / `reason` with the reader's English text
    ("bad.csv: row 3, column '数量' (qty): 'abc' is not a number") and its problem table named columns by code."""
    content = "物料编码,仓库,数量,单价\nA,成品仓,10,2.5\nB,成品仓,abc,3\nC,原料仓,5,-1\n"
    at = open_with_file("pages/data.py", "bad.csv", content, lang)
    words = catalog(lang)
    aside = next(f.value for f in at.dataframe if words["col.reason"] in f.value.columns)
    assert aside.columns[:2].tolist() == [words["col.row"], words["col.reason"]]
    assert aside[words["col.reason"]].tolist()[0] == reason
    problems = next(f.value for f in at.dataframe if words["col.column"] in f.value.columns)
    assert column in problems[words["col.column"]].tolist()
    cells = " ".join(str(c) for frame in (aside, problems) for c in frame.to_numpy().ravel())
    assert "unit_cost" not in cells and "(qty)" not in cells and "is negative" not in cells
    if lang == "zh":
        assert not re.search(r"[A-Za-z]{4,}", cells.replace("abc", ""))


@pytest.mark.parametrize(("content", "lang", "expected"), [
    ("", "zh", "bad.csv：文件是空的"),
    ("物料编码,数量,单价\n", "zh", "bad.csv：表头下方没有数据行"),
    ("物料编码,数量,单价\n", "en", "bad.csv: there are no data rows below the header"),
])
def test_a_file_the_reader_cannot_use_is_told_on_the_data_page_in_the_users_language(content, lang, expected,
                                                                                        data_folder):
    """The Data page showed the reader's own English ("the file is empty", "no data rows below the header") in the
    Chinese UI, where the other pages already worded it."""
    at = open_with_file("pages/data.py", "bad.csv", content, lang)
    shown = [e.value.replace("\\", "") for e in at.error]
    assert any(text.startswith(expected) for text in shown), shown
    assert not at.success  # no green "showing bad.csv" above the red "cannot use bad.csv"


@pytest.mark.parametrize(("content", "band", "worklist"), [
    ("物料编码,仓库,数量,单价,入库日期\nA,成品仓,10,2.5,2020-01-01\nB,成品仓,5,1,2020-02-01\n",
     "risk.age_band_over_365", "risk.worklist_help_age"),
    ("物料编码,仓库,数量,单价\nA,成品仓,10,2.5\n", None, "turnover.no_ages"),
])
def test_the_risk_page_says_idle_only_where_it_knows_a_lot_last_moved(content, band, worklist, data_folder):
    """Reviewer R18/R19: with only receipt dates the bands read '超过 365 天未动' (unmoved), and with no date at all
    the worklist said 'No lot has been idle for more than 180 days' — neither is known."""
    at = open_with_file("pages/risk.py", "stock.csv", content)
    words = catalog("zh")
    shown = [e.value for e in [*at.markdown, *at.caption, *at.info]]
    assert (band is None) or any(words[band] in text for text in shown), shown
    assert (band is None) or any(words["risk.age_basis_note"] in text for text in shown), shown
    assert any(words[worklist] in text for text in shown), shown
    assert not any(words["risk.worklist_empty"] in text or "未动" in text for text in shown), shown


@pytest.mark.parametrize(("lang", "value", "share"), [("zh", "¥123.46万", "59.1%"), ("en", "¥1,234.57k", "59.1%")])
def test_the_printable_page_shows_numbers_as_the_screen_does(lang, value, share, monkeypatch):
    """Reviewer R13: the printable plan read 'Total inventory value ¥k 119416.89' and '7.48' where the screen shows
    ¥119,416.89k and 7.5 %: each number column is printed in the format the workbook gives it."""
    from ui import widgets
    monkeypatch.setattr("ui.i18n.language", lambda: lang)
    monkeypatch.setattr(widgets, "language", lambda: lang)
    frame = pd.DataFrame({"warehouse": ["成品仓"], "value": [1_234_567.891], "share": [0.5913341842636762],
                          "sku_count": [1075]})
    shown = widgets.printed(widgets.export_frame(frame, "CNY", ("value",), ("share",)))
    assert shown.iloc[0].tolist() == ["成品仓", value, share, "1,075"]


@pytest.mark.parametrize(("lang", "policy", "level", "by_class"), [
    ("en", "Reorder point (s,Q)", "95.00%", "A: Reorder point (s,Q) · 99.00% · every 7 days"),
    ("zh", "再订货点 (s,Q)", "95.00%", "A: 再订货点 (s,Q) · 99.00% · 每 7 天"),
])
def test_the_scenario_settings_sheet_speaks_the_users_language(lang, policy, level, by_class, monkeypatch):
    """Reviewer R27: the Settings sheet of scenarios.xlsx held `policy | rop` and `service_level | 0.95`."""
    from core.sim.simulation import ClassSettings, Scenario
    from ui.exports import scenario_settings
    monkeypatch.setattr("ui.i18n.language", lambda: lang)
    words = catalog(lang)
    sheet = scenario_settings({"ROP": Scenario(policy="rop", by_class={
        "A": ClassSettings(policy="rop", service_level=0.99, review_days=7)})}).set_index(words["col.setting"])["ROP"]
    assert (sheet[words["whatif.policy"]], sheet[words["whatif.service_level"]]) == (policy, level)
    assert sheet[words["whatif.by_class"]] == by_class
    assert sheet[words["whatif.lost_sales"]] == words["common.no"]
    assert not {"rop", "0.95", "gamma", "steady", "csl"} & set(sheet)


def test_the_scenario_comparison_file_reads_as_the_screen(monkeypatch):
    """Reviewer R28: the screen read 98.65 %, 43.2 days, 3,247 stock-out days and the file 98.6, 43.23, 3247.4."""
    from ui import widgets
    from ui.exports import scenario_table
    monkeypatch.setattr("ui.i18n.language", lambda: "en")
    monkeypatch.setattr(widgets, "language", lambda: "en")
    totals = pd.DataFrame({"ROP": {"fill_rate": 0.98654, "cycle_service_level": 0.95137, "dio": 43.234,
                                   "stockout_days": 3247.4, "orders": 15644.7, "avg_inventory_value": 84_692_670.0}})
    row = scenario_table(totals, "CNY").iloc[0]
    english = catalog("en")
    assert row[english["whatif.metric.fill_rate"] + " (%)"] == 98.65
    assert row[english["whatif.metric.cycle_service_level"] + " (%)"] == 95.14
    assert row[english["whatif.metric.dio"]] == 43.2
    assert (row[english["whatif.metric.stockout_days"]], row[english["whatif.metric.orders"]]) == (3247, 15645)
    assert row[english["whatif.metric.avg_inventory_value"] + " (¥k)"] == 84_692.67


def test_a_missing_column_with_nothing_close_is_said_without_an_empty_list(data_folder):
    """The second review: "Closest headers in the file: —" when no header comes close."""
    at = open_with_file("pages/data.py", "nocost.csv", "Item,Warehouse,Qty\nA-1,Main,3\nB-2,Main,4\n", "en")
    shown = [e.value.replace("\\", "") for e in at.error]
    assert any("no header in the file comes close" in text for text in shown), shown
    assert not any("—" in text for text in shown), shown
