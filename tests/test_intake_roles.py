"""Issue 20: column roles from header words and values, the one message, the guards, currency_source, sheets,
price lists and files of other kinds. Every TIV below is worked out by hand in the comment beside it."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from core.cli.main import main
from core.intake.loading import load_lots, read_roles
from core.intake.problems import InputError
from core.intake.roles import candidates
from tests.test_stock_corpus import CASES, CORPUS


def report(args: list[str], capsys) -> tuple[int, dict | None, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_chilean_list_is_read_by_its_words_and_the_arithmetic(write_file, capsys):
    # 10 × 1500 + 5 × 2000 = 25,000; no currency anywhere in the file: assumed, and said so.
    text = ("CodigoArticulo;Descripcion;CodigoBodega;StockActual;CostoUnitario;ValorTotalInventario\n"
            "A100;Tornillo;B01;10;1500;15000\nA200;Tuerca;B02;5;2000;10000\n")
    code, out, _ = report([str(write_file("inventario.csv", text))], capsys)
    assert code == 0
    assert out["tiv"] == 25000 and out["currency_source"] == "assumed"
    assert [r["warehouse"] for r in out["mix_by_warehouse"]] == ["B01", "B02"]


def test_german_shop_list_without_warehouse_is_one_warehouse_named_for_the_file(write_file, capsys):
    # 10 × 1,50 + 4 × 2,25 = 24,00 EUR (the € in the header).
    text = "ArtikelNr;Bezeichnung;Lagerbestand;Einzelpreis in €\n1001;Schraube;10;1,50\n1002;Mutter;4;2,25\n"
    code, out, err = report([str(write_file("artikel.csv", text))], capsys)
    assert code == 0
    assert out["tiv"] == pytest.approx(24.0)
    assert (out["currency"], out["currency_source"]) == ("EUR", "symbol")
    assert out["mix_by_warehouse"] == [{"warehouse": "artikel", "value": 24.0, "share": 1.0}]
    assert "all stock is one warehouse, 'artikel'" in err


def test_arithmetic_tells_the_unit_cost_from_the_extended_value_whatever_the_headers(write_file):
    # 'Preis' holds 20 = 4 × 5 and 'Wert' holds 5: qty × Wert = Preis row by row, so Wert is the price.
    text = "sku,lager,menge,preis,wert\nA,W,4,20,5\nB,W,3,6,2\n"
    result = load_lots(write_file("swapped.csv", text))
    assert result.mapping["unit_cost"] == "wert" and result.mapping["value"] == "preis"
    assert result.data["value"].sum() == 26  # 4 × 5 + 3 × 2


def test_sap_spanish_mb52_sums_every_category_and_keeps_plant_level_stock(write_file):
    # 100-1: 100 + 20 + 10 + 0 + 30 + 10 = 170 (unrestricted, transit, quality, restricted, blocked, returns);
    # 100-2 has no storage location (plant-level, in transit): 50.  TIV 220 EUR.
    text = ("Material;Centro;Almacén;Libre utilización;Moneda;Valor libre util.;Trasl./Tránsito;Val.tras.y tráns.;"
            "En control calidad;Valor en insp.cal.;Stock no libre;Valor stock no libre;Bloqueado;Valor stock bloq.;"
            "Devoluciones;Val.bloq.devol.\n"
            "100-1;1000;0001;10;EUR;100,00;2;20,00;1;10,00;0;0,00;3;30,00;1;10,00\n"
            "100-2;1000;;0;EUR;0,00;5;50,00;0;0,00;0;0,00;0;0,00;0;0,00\n")
    result = load_lots(write_file("mb52_es.csv", text))
    data = result.data.set_index("sku")
    assert data["value"].sum() == pytest.approx(220.0)
    assert data.loc["100-1", "qty"] == pytest.approx(17)  # 10 + 2 + 1 + 0 + 3 + 1
    assert data.loc["100-1", "value_returns"] == pytest.approx(10.0)
    assert data["warehouse"].tolist() == ["1000/0001", "1000 (plant level)"]
    assert result.currency_source == "column"


def test_a_category_with_quantities_but_no_value_column_is_warned_never_silent(write_file):
    # Blocked stock 3 units with no value column: TIV = 100 (unrestricted only), with a warning.
    text = "Material;Werk;Lagerort;Frei verwendbar;Wert frei verw.;Gesperrt\nA;1000;0001;10;100,00;3\n"
    result = load_lots(write_file("mb52.csv", text))
    assert result.data["value"].sum() == pytest.approx(100.0)
    assert any("'Gesperrt' holds 3 units of blocked stock" in w for w in result.extra["warnings"])


def test_every_missing_role_is_named_in_one_message_with_fitting_candidates(write_file):
    text = "Lager,Feld A,Feld B,Bemerkung\nW1,3,2.5,gut\nW2,4,1.5,schlecht\n"
    with pytest.raises(InputError) as error:
        load_lots(write_file("odd.csv", text))
    message = str(error.value)
    for role in ("'sku'", "'qty'", "'unit_cost' or 'value'"):
        assert f"required column {role} is missing" in message
    assert set(error.value.problem.candidates["qty"]) == {"Feld A", "Feld B"}
    assert "Bemerkung" not in error.value.problem.candidates["qty"]  # text is never a quantity
    assert "Lager" not in error.value.problem.candidates["qty"]


def test_a_total_amount_mapped_as_unit_cost_is_warned(write_file, capsys):
    # The case: {"含税成本金额": "unit_cost"} gives qty × amount; the run says it is probably wrong.
    lots = write_file("retail.csv", "店仓,商品,库存数量,含税成本金额\n北京店,6901,10,150.5\n上海店,6902,4,80\n")
    mapping = write_file("map.json", json.dumps({"含税成本金额": "unit_cost"}, ensure_ascii=False))
    code, out, err = report([str(lots), "--mapping", str(mapping)], capsys)
    assert code == 0
    assert out["tiv"] == pytest.approx(10 * 150.5 + 4 * 80)
    assert any("names an amount" in w for w in out["warnings"]) and "warning:" in err
    code, out, _ = report([str(lots)], capsys)  # unmapped, the same column is read as the value
    assert out["tiv"] == pytest.approx(230.5) and out["warnings"] == []


def test_a_tiv_made_by_three_rows_is_warned(write_file):
    rows = "".join(f"S{i},W,1,1\n" for i in range(30)) + "BIG,W,1000,1000\n"  # 30 + 1,000,000
    result = load_lots(write_file("lots.csv", "sku,warehouse,qty,unit_cost\n" + rows))
    assert any("hold 100% of the TIV" in w for w in result.extra["warnings"])


def test_currency_source_says_where_the_currency_came_from(write_file, capsys):
    base = "sku,warehouse,qty,value"
    cases = [(f"{base}\nA,W,1,5\n", None, ("CNY", "assumed")),
             (f"{base},currency\nA,W,1,5,eur\n", None, ("EUR", "column")),
             (f'{base}\nA,W,1,"R$ 5,00"\n', None, ("BRL", "symbol")),
             (f"{base}\nA,W,1,5\n", "lots: {}\nlocale: {currency: clp}\n", ("CLP", "mapping"))]
    for text, mapping, expected in cases:
        args = [str(write_file("lots.csv", text))]
        if mapping:
            args += ["--mapping", str(write_file("map.yaml", mapping))]
        code, out, _ = report(args, capsys)
        assert code == 0
        assert (out["currency"], out["currency_source"]) == expected


def test_text_output_says_an_assumed_currency(write_file, capsys):
    main(["report", str(write_file("lots.csv", "sku,warehouse,qty,value\nA,W,1,5\n")), "--format", "text"])
    assert capsys.readouterr().out.splitlines()[0].endswith("(CNY (assumed))")


def _workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def test_the_stock_sheet_of_a_workbook_is_found_and_named_and_sheet_overrides(write_file, capsys):
    stock = pd.DataFrame({"Item Code": ["A1", "B2"], "Warehouse": ["W1", "W2"], "Qty": [3, 4], "Unit Cost": [2.5, 1]})
    other = pd.DataFrame({"Item Code": ["A1"], "Warehouse": ["W9"], "Qty": [1], "Unit Cost": [100]})
    book = write_file("book.xlsx", _workbook({"Assumptions": pd.DataFrame({"Parameter": ["rate"], "Value": [1]}),
                                              "Inventory Aging Report": stock, "Old": other.head(0)}))
    code, out, err = report([str(book)], capsys)
    assert code == 0 and out["tiv"] == pytest.approx(11.5)  # 3 × 2.5 + 4 × 1
    assert "sheet 'Inventory Aging Report' of 3" in err
    code, _, err = report([str(book), "--sheet", "Nope"], capsys)
    assert code == 2 and "no sheet 'Nope'; the workbook has: Assumptions, Inventory Aging Report, Old" in err
    code, out, _ = report([str(book), "--sheet", "Old"], capsys)
    assert code == 2  # the sheet asked for is read, even an empty one: no data rows
    code, _, err = report([str(write_file("lots.csv", "sku,warehouse,qty,value\nA,W,1,5\n")), "--sheet", "X"], capsys)
    assert code == 2 and "not a workbook" in err


def test_quantity_only_list_is_valued_by_a_price_list_and_unpriced_items_are_listed(write_file, capsys):
    stock = write_file("stock.csv", "SKU,Location,On Hand\nA1,W1,10\nB2,W1,5\nC3,W2,7\n")
    prices = write_file("prices.csv", "Item,Unit Price\nA1,2.5\nB2,4\n")
    code, _, err = report([str(stock)], capsys)
    assert code == 2 and "--prices FILE" in err
    code, out, err = report([str(stock), "--prices", str(prices)], capsys)
    assert code == 0
    assert out["tiv"] == pytest.approx(45.0)  # 10 × 2.5 + 5 × 4; C3 has no price
    assert out["unpriced_items"] == ["C3"] and "C3" in err and "not valued" in err


@pytest.mark.parametrize(("text", "kind"), [
    ("Material,Plant,Storage Location,Movement Type,Material Document,Quantity,Amount in LC\n"
     "A,1000,0001,101,5000001,10,100\n", "movements"),
    ("采购明细表\n单据日期,单据编号,供应商,存货编码,数量,含税单价,价税合计\n2025-11-03,CG1,苏州,2.03,210,28.46,5976.60\n",
     "purchase ledger"),
    ("Item,Unit Price\nA1,2.5\nB2,4\n", "price list"),
    ("Date,SKU,Warehouse,Type,Quantity,Unit Cost\n2025-01-01,A,W,Receipt,10,2\n2025-01-05,A,W,Issue,-3,2\n",
     "movements"),
    ("Date,Item,Qty In,Qty Out,Balance,Unit Cost\n2025-01-01,A,10,,10,2\n2025-01-05,A,,3,7,2\n", "movements"),
    ("posting_date,item_code,warehouse,actual_qty,qty_after_transaction,valuation_rate,stock_value,voucher_type,"
     "voucher_no\n2025-01-01,A,W,10,10,2,20,Purchase Receipt,PR-1\n", "movements"),
])
def test_files_of_other_kinds_are_named_for_what_they_are(text, kind, write_file):
    with pytest.raises(InputError, match=f"looks like a {kind}"):
        load_lots(write_file("file.csv", text))


AMOUNT_WORDS = re.compile(r"amount|value|valor|wert|total|金额|額|importe|montant|betrag|合计", re.IGNORECASE)


def _numbers_share(cells: pd.Series) -> float:
    text = cells.dropna().astype(str).str.replace(r"[^\d.,\-]", "", regex=True).str.replace(",", ".")
    filled = cells.dropna().astype(str).str.strip().ne("").sum()
    return pd.to_numeric(text.str.replace(r"\.(?=.*\.)", "", regex=True), errors="coerce").notna().sum() / max(
        filled, 1)


@pytest.mark.parametrize("case", [c for c in CASES if c["file"].endswith((".csv", ".txt", ".xlsx"))],
                         ids=lambda c: c["id"])
def test_no_hint_proposes_a_column_whose_values_contradict_the_role(case):
    """For every file of the corpus and every role, the candidates a message would propose are checked against
    the raw cells, independently of the reader's own evidence."""
    raw, roles = read_roles(CORPUS / case["file"], sheet=case["args"].get("sheet"))
    frame = raw.frame.head(2000)
    for key in ("sku", "warehouse", "qty", "unit_cost", "value"):
        for header in candidates(key, roles):
            cells = frame[header]
            if key in ("qty", "unit_cost", "value"):
                assert _numbers_share(cells) >= 0.5, (case["file"], key, header)
            if key == "unit_cost":
                assert not AMOUNT_WORDS.search(header), (case["file"], key, header)
            if key == "warehouse":
                filled = cells.dropna()
                assert len(filled) < 20 or filled.nunique() < len(filled), (case["file"], key, header)


def test_data_page_shows_the_roles_and_values_a_quantity_only_list_with_its_price_list():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from ui import state

    stock = state.SourceFile.of("lager.csv", b"ArtikelNr;Lagerbestand\n1001;10\n1002;4\n1003;2\n")
    prices = state.SourceFile.of("preise.csv", "Artikelnummer;Einkaufspreis;Währung\n1001;1,50;EUR\n1002;2,25;EUR\n"
                                 .encode())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["source"] = state.Source(stock, None, prices=prices)
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    roles = next(frame.value for frame in at.dataframe if "物料编码" in set(frame.value.iloc[:, 0]))
    chosen = dict(zip(roles.iloc[:, 0], roles.iloc[:, 1], strict=True))
    assert chosen == {"物料编码": "ArtikelNr", "数量": "Lagerbestand"}
    lots, _ = state._load(at.session_state["source"].key, at.session_state["source"])[:2]
    assert lots.data["value"].sum() == pytest.approx(24.0)  # 10 × 1,50 + 4 × 2,25; 1003 has no price
    assert lots.extra["unpriced"] == ["1003"] and lots.currency == "EUR"
    assert any("1003" in w.value for w in at.warning)


def test_a_cost_column_beats_a_price_column(write_file, capsys):
    # At cost: 10 × 6 + 4 × 2.50 = 70.00 (at the sale price it would be 10 × 9 + 4 × 4 = 106).
    text = "SKU,Warehouse,On Hand,Price,Cost\nA1,Main,10,9,6\nA2,Main,4,4,2.50\n"
    code, out, err = report([str(write_file("price_and_cost.csv", text))], capsys)
    assert code == 0 and out["tiv"] == 70.0
    assert "sale price" not in err


@pytest.mark.parametrize("header", ["Precio", "Price", "Prix"])
def test_a_lone_price_used_as_the_cost_is_warned_as_maybe_a_sale_price(header, write_file, capsys):
    # 10 × 3 + 2 × 5 = 40 at the only price there is; the run says it may be a sale price.
    text = f"codigo,nombre,{header},stock\n001,Café,3,10\n002,Pan,5,2\n"
    code, out, err = report([str(write_file("menu.csv", text))], capsys)
    assert code == 0 and out["tiv"] == 40.0
    assert any("sale price" in w for w in out["warnings"]) and "sale price" in err


@pytest.mark.parametrize("header", ["Preço de venda", "Verkaufspreis", "售价", "売価", "Sale price", "Menu price"])
def test_an_explicit_sale_price_is_never_the_cost_nor_proposed_as_one(header, write_file, capsys):
    text = f"SKU,Stock,{header}\nA1,10,3\nA2,2,5\n"
    code, _, err = report([str(write_file("shop.csv", text))], capsys)
    assert code == 2 and "unit_cost" in err and "a sale price, not a cost" in err
    assert not re.search(rf'"{re.escape(header)}"\s*:\s*"unit_cost"', err)


def test_a_sale_price_mapped_as_the_cost_is_valued_with_a_warning(write_file, capsys):
    # 10 × 3 + 2 × 5 = 40, at sale prices the user chose: said in the warnings.
    stock = write_file("shop.csv", "SKU,Stock,Verkaufspreis\nA1,10,3\nA2,2,5\n")
    mapping = write_file("map.json", json.dumps({"Verkaufspreis": "unit_cost"}))
    code, out, _ = report([str(stock), "--mapping", str(mapping)], capsys)
    assert code == 0 and out["tiv"] == 40.0
    assert any("valued at a sale price" in w for w in out["warnings"])


def test_identifiers_adjustments_and_coverage_are_never_hints_for_cost_or_quantity(write_file):
    rows = "\n".join(f"P{i},{i},{i % 7 - 3},{i % 12 + 1},{i * 3 % 11},{2 * i}" for i in range(1, 41))
    text = "ProductID,LocationID,Ajustes,Cobertura (Mes),Cobertura Dias (30),tip_cam\n" + rows + "\n"
    _, roles = read_roles(write_file("hints.csv", text))
    assert set(roles.missing) == {"qty", "unit_cost"}
    for key in ("qty", "unit_cost"):
        assert candidates(key, roles) == [], key


@pytest.mark.parametrize("header", ["Saldo_Disponibile", "Saldo", "Inv", "Existencia", "Disponible",
                                    "Stock_Disponible"])
def test_stock_balance_words_are_quantities(header, write_file):
    _, roles = read_roles(write_file("saldo.csv", f"CODART,{header}\n005.01,6\n005.02,12\n"))
    assert roles.mapping.get("qty") == header


def test_item_names_stand_in_for_a_missing_item_code_and_a_ragged_file_is_said(write_file, capsys):
    # Every data row has a fifth field; read from the left: 14500 × 12 + 850 × 40 = 208,000.
    text = "ID,Name,Price,Quantity\n1,Dell Laptop,14500.0,12,1\n2,Mouse,850.0,40,2\n"
    code, out, err = report([str(write_file("ragged.csv", text))], capsys)
    assert code == 0 and out["tiv"] == 208000.0
    assert "1 field(s) more than the header" in err
    assert "'Name' read as sku" in err
    assert {r["sku"] for r in out["ranking_sku"]} == {"Dell Laptop", "Mouse"}


@pytest.mark.parametrize(("header", "currency"), [("Valor (EUR)", "EUR"), ("Cost USD", "USD"), ("金额(元)", "CNY"),
                                                   ("Preço R$", "BRL")])
def test_currency_from_a_money_header(header, currency, write_file, capsys):
    text = f"SKU,Qty,{header}\nA1,2,10\nA2,1,5\n"
    code, out, _ = report([str(write_file("money.csv", text))], capsys)
    assert code == 0 and out["currency"] == currency and out["currency_source"] == "symbol"


def test_rows_in_several_currencies_are_warned_never_silently_summed(write_file, capsys):
    per_row = write_file("fx.csv", "sku,existencia,costo,cve_monc,tip_cam\nA,1,10,1,1\nB,2,5,2,17.6867\n")
    code, out, _ = report([str(per_row)], capsys)
    assert code == 0 and any("several currencies" in w for w in out["warnings"])
    coded = write_file("codes.csv", "SKU,Qty,Cost,Currency\nA,1,10,EUR\nB,2,5,USD\n")
    code, out, _ = report([str(coded)], capsys)
    assert code == 0 and any("2 currencies" in w for w in out["warnings"])


def test_a_period_report_is_stock_at_its_closing_balance_in_the_title_currency(write_file, capsys):
    # Closing 'As of 03/31' values: 17,190.06 + 2,347.84 = 19,537.90 USD (opening and flows are not stock).
    text = ("Inventory Valuation\nAll amounts are in USD\n"
            "No.,Description,As of 01/01/26,,Increases (LCY),,Decreases (LCY),,As of 03/31/26,\n"
            ",,Quantity,Value,Quantity,Value,Quantity,Value,Quantity,Value\n"
            "1896-S,desk,19,8595.03,29,13118.73,10,4523.70,38,17190.06\n"
            "1899-S,chair,150,3828.00,24,612.48,82,2092.64,92,2347.84\n")
    code, out, err = report([str(write_file("valuation.csv", text))], capsys)
    assert code == 0, err
    assert out["tiv"] == 19537.9 and out["currency"] == "USD" and out["currency_source"] == "symbol"
    assert "price list" not in err and not any("Increases" in w or "01/01" in w for w in out["warnings"])


def test_a_register_of_serial_pieces_is_named_not_called_a_price_list(write_file, capsys):
    text = ("QR_ID,Material,Status,Preis\nSN-1,Pumpe,Eingang,450\nSN-2,Kabel,Ausgang,32.5\n"
            "SN-3,Öl,Eingang,42\n")
    code, _, err = report([str(write_file("register.csv", text))], capsys)
    assert code == 2 and "serial" in err and "price list" not in err


def test_a_mapping_onto_coverage_columns_or_a_category_as_item_is_warned(write_file, capsys):
    rows = "\n".join(f"{i},K{i % 3},{i * 5},{i % 4 + 1},{i % 30 + 1}" for i in range(400))  # 3 classes, 400 rows
    stock = write_file("cover.csv", "Codigo,Clase,Inv,Cobertura (Mes),Cobertura Dias (30)\n" + rows + "\n")
    mapping = write_file("map.json", json.dumps({"Clase": "sku", "Cobertura Dias (30)": "qty",
                                                 "Cobertura (Mes)": "unit_cost"}))
    code, out, _ = report([str(stock), "--mapping", str(mapping)], capsys)
    assert code == 0
    said = " ".join(out["warnings"])
    assert "'Cobertura Dias (30)' is used as qty" in said and "'Cobertura (Mes)' is used as unit_cost" in said
    assert "'Clase' is used as the item but holds only 3 different values" in said


@pytest.mark.parametrize("header", ["Nom", "Name", "Nombre", "Descripción", "商品名称"])
def test_an_item_name_stands_in_when_no_column_holds_codes(header, write_file, capsys):
    # 10 × 1.5 + 4 × 2 = 23 at cost; the summary says the name is the item's key.
    text = f"{header},Quantity,Cost\nScrew,10,1.5\nNut,4,2\n"
    code, out, err = report([str(write_file("names.csv", text))], capsys)
    assert code == 0 and out["tiv"] == 23.0
    assert f"'{header}' read as sku" in err and {r["sku"] for r in out["ranking_sku"]} == {"Screw", "Nut"}


def test_a_chinese_stock_lists_unit_price_is_its_cost_without_a_warning(write_file):
    """单价 is how Chinese stock lists head the unit cost (the documented alias): no 'names a price' warning on
    every such file (the reviewer found it on each Chinese upload); a bare English 'Price' is still questioned."""
    chinese = load_lots(write_file("库存.csv", "物料编码,仓库,数量,单价\nA-1,成品仓,10,2.5\n", "gbk"))
    assert chinese.data["value"].sum() == 25.0
    assert not [w for w in chinese.extra["warnings"] if "price" in str(w)]
    english = load_lots(write_file("stock.csv", "Item,Warehouse,Qty,Price\nA-1,Main,10,2.5\n"))
    assert [w for w in english.extra["warnings"] if "price" in str(w)]


def _monthly_rows(date_header: str) -> str:
    # Two items × two warehouses, three month-end snapshots; the latest (2026-03-31) holds
    # A/W1 5 × 2 + A/W2 1 × 2 + B/W1 3 × 10 + B/W2 2 × 10 = 10 + 2 + 30 + 20 = 62.
    rows = [f"{date_header},sku,warehouse,qty,unit_cost"]
    for month, base in (("2026-01-31", 9), ("2026-02-28", 7), ("2026-03-31", 0)):
        rows += [f"{month},A,W1,{5 + base},2", f"{month},A,W2,{1 + base},2",
                 f"{month},B,W1,{3 + base},10", f"{month},B,W2,{2 + base},10"]
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("date_header", ["Periodo", "年月", "Stand"])
def test_stacked_snapshots_are_read_at_the_latest_date_by_header_or_by_values(date_header, write_file, capsys):
    # 'Periodo' and '年月' are snapshot words; 'Stand' is not: its three dates, each holding every item and
    # warehouse again, make it the snapshot date. Summing all three months would give 62 + 4 × 7 × … far more.
    code, out, _ = report([str(write_file("monthly.csv", _monthly_rows(date_header)))], capsys)
    assert code == 0
    assert out["tiv"] == 62 and out["as_of"] == "2026-03-31" and out["lot_count"] == 4


def test_lot_receipt_dates_are_not_mistaken_for_snapshots(write_file):
    # One row per lot, each with its own receipt day: no date holds the items again, so no snapshot date;
    # TIV = 1 × 2 + 2 × 2 + 3 × 10 = 36 (every lot counts).
    text = "sku,warehouse,qty,unit_cost,Eingang\nA,W1,1,2,2026-01-03\nA,W1,2,2,2026-02-11\nB,W1,3,10,2026-03-20\n"
    result = load_lots(write_file("lots.csv", text))
    assert "snapshot_date" not in result.mapping
    assert result.data["value"].sum() == 36


@pytest.mark.parametrize(("flows", "balance"), [
    (("Opening Qty", "Opening Value", "Receipts Qty", "Receipts Value"), ("Closing Qty", "Closing Value")),
    (("期初数量", "期初金额", "本期入库数量", "本期入库金额"), ("期末数量", "期末金额")),
    (("In Quantity", "In Amount", "Out Quantity", "Out Amount"), ("Balance Quantity", "Balance Amount")),
])
def test_the_closing_balance_is_the_stock_never_the_opening_or_a_flow(flows, balance, write_file):
    # Closing: 4 × 2.5 = 10 and 6 × 5 = 30 → TIV 40; the opening and receipts columns hold other numbers.
    header = ",".join(("sku", *flows, *balance))
    text = f"{header}\nA,9,22.5,3,7.5,4,10\nB,8,40,5,25,6,30\n"
    result = load_lots(write_file("period.csv", text))
    assert (result.mapping["qty"], result.mapping["value"]) == balance
    assert result.data["value"].sum() == 40


def test_a_value_column_is_offered_when_there_is_no_unit_cost(write_file):
    # '结余金额' (balance amount) names an amount no word list knows and nothing names a cost: the open
    # 'unit cost or value' offers it as the value, never as a unit cost.
    text = "商品编码,结余数,结余金额\nA,2,20\nB,3,33\n"
    with pytest.raises(InputError) as refused:
        load_lots(write_file("jieyu.csv", text), mapping={"qty": "结余数"})
    assert '"结余金额": "value"' in str(refused.value)


def test_an_order_plan_is_valued_by_the_stock_not_the_recommended_order(write_file):
    # Stock 2 × 100 + 5 × 10 = 250; 'Suggested Order Qty' × cost = 'Order Value' row by row, yet an order is
    # never the stock.
    text = "Item,On hand,Suggested Order Qty,Unit Cost,Order Value\nA,2,8,100,800\nB,5,15,10,150\n"
    result = load_lots(write_file("plan.csv", text))
    assert result.mapping["qty"] == "On hand" and result.data["value"].sum() == 250


def test_a_stocktake_counts_the_counted_quantity_and_offers_no_count_as_a_cost(write_file):
    text = "品番,帳簿数,実数,差異\n300,10,9,-1\n301,39,38,-1\n302,78,78,0\n"
    _raw, roles = read_roles(write_file("tanaoroshi.csv", text))
    assert roles.mapping["qty"] == "実数"
    assert roles.missing == ["unit_cost"] and roles.candidates["unit_cost"] == []


@pytest.mark.parametrize("header", ["cashRatio", "quick_ratio", "debtToEquity", "YOYRevenue", "比率"])
def test_ratios_are_never_a_quantity_or_a_cost(header, write_file):
    text = f"code,{header}\nA1,0.5\nA2,1.25\nA3,2.75\nA4,0.1\nA5,3.3\n"
    _raw, roles = read_roles(write_file("ratios.csv", text))
    assert header not in roles.candidates.get("qty", []) + roles.candidates.get("unit_cost", [])


def test_the_cost_currency_beats_the_sale_price_currency(write_file, capsys):
    # 2 × 7.5 + 1 × 10 = 25 USD: 'Cost currency' names the cost's currency; 'Currency' is the price's (EUR).
    text = "sku,Price,Currency,qty,Cost,Cost currency\nA,20,EUR,2,7.5,USD\nB,30,EUR,1,10,USD\n"
    code, out, _ = report([str(write_file("catalogue.csv", text))], capsys)
    assert code == 0 and out["tiv"] == 25 and (out["currency"], out["currency_source"]) == ("USD", "column")


def test_a_warehouse_column_empty_on_every_row_is_one_warehouse(write_file, capsys):
    # 3 × 4 + 2 × 5 = 22, nothing set aside.
    text = "SKU,Location,Qty On Hand,Unit Cost\nA-1,,3,4\nA-2,,2,5\n"
    code, out, err = report([str(write_file("valuation.csv", text))], capsys)
    assert code == 0 and out["tiv"] == 22 and out["lot_count"] == 2
    assert "all stock is one warehouse, 'valuation'" in err


def test_a_column_of_iso_dates_is_never_the_item(write_file):
    text = "Ref No,Name,Qty,Unit Cost,Last Receipt\n" + "".join(
        f"X-{i},Part {i},{i},2,2026-0{1 + i % 9}-1{i % 10}\n" for i in range(1, 9))
    _raw, roles = read_roles(write_file("parts.csv", text))
    assert roles.mapping["sku"] == "Ref No"


def test_a_work_order_list_is_not_called_a_price_list(write_file):
    text = ("Job No,Title,Finished Date,Labor Hours,Labor Cost\n"
            + "".join(f"J-{i},Fix {i},2026-10-0{i},{i}.5,{i}00\n" for i in range(1, 7)))
    with pytest.raises(InputError) as refused:
        load_lots(write_file("jobs.csv", text))
    message = str(refused.value)
    assert "looks like a price list" not in message and "'qty' is missing" in message
    assert "no column of the file can be it" in message  # never 'closest headers: Labor Hours'


def test_an_id_is_never_an_unused_amount_and_subtotal_rows_are_totals(write_file):
    text = "valuation_id,item,warehouse,quantity,unit_cost\n1,A,W1,2,3\n2,A,W2,1,3\n,总库存:,,3,\n"
    result = load_lots(write_file("ids.csv", text))
    assert not any("valuation_id" in str(w) for w in result.extra["warnings"])
    assert result.data["value"].sum() == 9 and result.extra["totals_rows"] == 1


@pytest.mark.parametrize(("header", "currency"), [("品番,在庫数,単価", "JPY"), ("商品编码,库存数量,单价", "CNY")])
def test_an_unsaid_currency_is_assumed_from_the_headers_language(header, currency, write_file, capsys):
    code, out, _ = report([str(write_file("list.csv", f"{header}\nA1,2,3\nA2,1,4\n"))], capsys)
    assert code == 0 and out["tiv"] == 10 and (out["currency"], out["currency_source"]) == (currency, "assumed")


def test_a_short_footer_block_of_totals_is_totals_rows_not_rows_set_aside(write_file):
    # 2 × 3 + 1 × 4 = 10; the footer lines have two fields where the header has four.
    text = "Part Number,Qty On Hand,Unit Cost,Total Value\nP-1,2,3,6\nP-2,1,4,4\n\nTotal Parts,2\nTotal Value,10\n"
    result = load_lots(write_file("footer.csv", text))
    assert result.data["value"].sum() == 10
    assert result.totals_rows == 2 and result.rejected_count == 0


def test_rows_repeating_their_item_and_warehouse_without_a_date_are_warned(write_file):
    # Three copies of the same four lots under a column of period labels that are no dates: the TIV adds the
    # copies (3 × 62 = 186 with the numbers of _monthly_rows at base 0), and a warning says why it may be wrong.
    lots = "A,W1,5,2\nA,W2,1,2\nB,W1,3,10\nB,W2,2,10\n"
    text = "Lauf,sku,warehouse,qty,unit_cost\n" + "".join(
        "".join(f"{run},{line}\n" for line in lots.splitlines()) for run in ("P1", "P2", "P3"))
    result = load_lots(write_file("runs.csv", text))
    assert result.data["value"].sum() == 186
    assert any(getattr(w, "code", "") == "repeated_lots" for w in result.extra["warnings"])


def test_a_flow_mapped_as_the_quantity_is_warned(write_file):
    # The mapping takes the receipts 'In Qty' (3 × 2 + 1 × 5 = 11) where the stock is 'Balance Qty': said.
    text = "sku,In Qty,Balance Qty,Unit Cost\nA,3,7,2\nB,1,4,5\n"
    result = load_lots(write_file("flows.csv", text), mapping={"qty": "In Qty"})
    assert result.data["value"].sum() == 11
    assert any(getattr(w, "code", "") == "flow_as_stock" for w in result.extra["warnings"])
