"""`--mapping FILE` on report and simulate: header → column from JSON or YAML, with conventions set by hand."""

from __future__ import annotations

import json

import pytest

from core.cli.main import main

ODD_LOTS = "Teil;Ort;Bestand;Preis\nA;Lager 1;2;1,50\nB;Lager 2;4;2,25\n"  # 2 × 1.50 + 4 × 2.25 = 12.00


def test_report_without_a_mapping_names_the_closest_headers_and_how_to_map_them(tmp_path, capsys):
    lots = tmp_path / "lots.csv"
    lots.write_text(ODD_LOTS, encoding="utf-8")
    assert main(["report", str(lots)]) == 2
    err = capsys.readouterr().err
    assert "required column 'sku' is missing" in err
    assert "closest headers:" in err and "--mapping FILE" in err


def test_report_reads_odd_headers_through_a_json_mapping(tmp_path, capsys):
    lots = tmp_path / "lots.csv"
    lots.write_text(ODD_LOTS, encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"Teil": "sku", "Ort": "warehouse", "Bestand": "qty", "Preis": "unit_cost"}))
    assert main(["report", str(lots), "--mapping", str(mapping)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tiv"] == pytest.approx(12.00)
    assert report["lot_count"] == 2


def test_yaml_mapping_sets_the_decimal_mark_date_order_and_currency(tmp_path, capsys):
    # 1.500 read with a decimal comma is 1500 (a thousands point): 2 × 1500 = 3000; 12/01/2025 day-first is 12 Jan.
    lots = tmp_path / "lots.csv"
    lots.write_text("Teil,Ort,Bestand,Preis,Eingang\nA,L1,2,\"1.500\",12/01/2025\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("lots:\n  Teil: sku\n  Ort: warehouse\n  Bestand: qty\n  Preis: unit_cost\n"
                       "  Eingang: receipt_date\nlocale:\n  decimal: ','\n  dates: day-first\n  currency: eur\n",
                       encoding="utf-8")
    assert main(["report", str(lots), "--mapping", str(mapping), "--as-of", "2025-01-31"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tiv"] == pytest.approx(3000.0)
    assert report["currency"] == "EUR"
    assert {a["bucket"]: a["value"] for a in report["aging"] if a["value"]} == {"16-30": pytest.approx(3000.0)}


def test_mapping_to_an_unknown_column_exits_2_naming_the_mapping_file(tmp_path, capsys):
    lots = tmp_path / "lots.csv"
    lots.write_text(ODD_LOTS, encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"Teil": "item"}))
    assert main(["report", str(lots), "--mapping", str(mapping)]) == 2
    assert capsys.readouterr().err.startswith("map.json: 'item' (for header 'Teil') is not a lots column")


def test_simulate_reads_planning_parameters_through_a_mapping(tmp_path, capsys):
    params = tmp_path / "params.csv"
    params.write_text("Teil,Tagesbedarf,Streuung,Lieferzeit,Preis\nA,10,2,5,3\n", encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"Teil": "sku", "Tagesbedarf": "mean_daily_demand", "Streuung": "std_daily_demand",
                                   "Lieferzeit": "lead_time_days", "Preis": "unit_cost"}))
    assert main(["simulate", str(params), "--mapping", str(mapping), "--replications", "2",
                 "--horizon-days", "60"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [sku["sku"] for sku in result["skus"]] == ["A"]
