"""`python -m core.cli report` per SPEC §5: JSON contract, text form, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.cli.main import main
from tests.conftest import ROOT, SAMPLE

TOP_KEYS = ["as_of", "currency", "currency_source", "tiv", "sku_count", "lot_count", "trend", "mix_by_warehouse",
            "mix_by_stock_type", "ranking_bu", "ranking_sku", "abc", "aging", "slob", "suppliers_top5", "dead_stock",
            "cogs", "avg_inventory", "ito", "dio", "warnings", "unpriced_items"]

LOTS = ("snapshot_date,sku,warehouse,bu,supplier,qty,unit,unit_cost,receipt_date\n"
        "2024-12-31,A,成品仓,BU1,V1,10,pcs,20,2024-12-01\n"
        "2025-12-31,A,成品仓,BU1,V1,10,pcs,20,2025-12-25\n"
        "2025-12-31,B,原材料仓,BU2,V2,5,吨,20,2024-06-01\n")
MOVES = "date,sku,qty_out,cogs\n2025-03-01,A,1,600\n2025-09-01,A,1,600\n"


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_report_json_has_the_spec_keys_and_hand_worked_values(write_file, capsys):
    lots, moves = write_file("lots.csv", LOTS), write_file("moves.csv", MOVES)
    code, out, err = run(["report", str(lots), "--movements", str(moves)], capsys)
    assert code == 0, err
    report = json.loads(out)
    assert list(report) == TOP_KEYS
    assert report["currency_source"] == "assumed" and report["warnings"] == []
    assert report["as_of"] == "2025-12-31"
    assert report["tiv"] == 300.0
    assert report["trend"] == [{"period": "2024-12", "tiv": 200.0}, {"period": "2025-12", "tiv": 300.0}]
    assert report["ranking_bu"] == [{"bu": "BU1", "value": 200.0, "share": pytest.approx(2 / 3)},
                                    {"bu": "BU2", "value": 100.0, "share": pytest.approx(1 / 3)}]
    assert report["ranking_sku"][0] == {"sku": "A", "value": 200.0, "share": pytest.approx(2 / 3), "abc": "A"}
    # B is ranked after 2/3 of the value (< 80 %) → also A
    assert report["abc"] == {"A": {"sku_count": 2, "value": 300.0, "share": 1.0},
                             "B": {"sku_count": 0, "value": 0.0, "share": 0.0},
                             "C": {"sku_count": 0, "value": 0.0, "share": 0.0}}
    assert report["slob"]["by_stock_type"] == {"raw_material": {"value": 100.0, "sku_count": 1}}
    assert report["dead_stock"]["over_365"] == {"value": 100.0, "qty": 5.0, "sku_count": 1}
    assert report["suppliers_top5"][0] == {"supplier": "V1", "qty": 10.0, "value": 200.0,
                                           "share": pytest.approx(2 / 3)}
    assert report["cogs"] == 1200.0 and report["avg_inventory"] == 250.0
    assert report["ito"] == pytest.approx(4.8) and report["dio"] == pytest.approx(76.0417, abs=1e-4)


def test_without_movements_turnover_is_null(write_file, capsys):
    code, out, _ = run(["report", str(write_file("lots.csv", LOTS))], capsys)
    report = json.loads(out)
    assert code == 0
    assert [report[k] for k in ("cogs", "avg_inventory", "ito", "dio")] == [None] * 4


def test_as_of_selects_an_earlier_snapshot(write_file, capsys):
    code, out, _ = run(["report", str(write_file("lots.csv", LOTS)), "--as-of", "2025-06-30"], capsys)
    assert code == 0
    assert json.loads(out)["tiv"] == 200.0


def test_text_format_is_readable(write_file, capsys):
    code, out, _ = run(["report", str(write_file("lots.csv", LOTS)), "--format", "text"], capsys)
    assert code == 0
    assert "TIV CNY 300.00" in out and "ITO / DIO: not available" in out


@pytest.mark.parametrize(("content", "message"), [
    (b"", "lots.csv: the file is empty\n"),
    ("仓库,数量,单价\nW,1,2\n".encode("gbk"), "lots.csv: required column 'sku' is missing"),
])
def test_bad_input_exits_2_with_one_message_on_stderr(content, message, write_file, capsys):
    code, out, err = run(["report", str(write_file("lots.csv", content))], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_as_of_before_every_snapshot_exits_2(write_file, capsys):
    code, _, err = run(["report", str(write_file("lots.csv", LOTS)), "--as-of", "2020-01-01"], capsys)
    assert code == 2
    assert err == "lots.csv: no snapshot on or before 2020-01-01; the first is 2024-12-31\n"


def test_rows_set_aside_are_reported_on_stderr_and_written_out(write_file, tmp_path, capsys):
    lots = write_file("lots.csv", LOTS + "2025-12-31,C,成品仓,BU1,V1,lots,pcs,1,2025-01-01\n")
    rejects = tmp_path / "rejects.csv"
    code, out, err = run(["report", str(lots), "--rejects", str(rejects)], capsys)
    assert code == 0
    assert json.loads(out)["tiv"] == 300.0
    assert "lots.csv: 1 rows set aside" in err
    assert "lots.csv: row 5, column 'qty': 'lots' is not a number" in err
    assert "'lots' is not a number" in rejects.read_text(encoding="utf-8-sig")


def test_missing_file_from_a_real_process_has_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "core.cli", "report", str(tmp_path / "none.csv")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr == "none.csv: file not found\n"


def test_bad_as_of_value_exits_2():
    with pytest.raises(SystemExit) as exit_:
        main(["report", "x.csv", "--as-of", "31/12/2025"])
    assert exit_.value.code == 2


def test_sample_data_report_is_consistent(capsys):
    code, out, err = run(["report", str(SAMPLE / "lots.csv.gz"), "--movements", str(SAMPLE / "movements.csv.gz")],
                         capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["as_of"] == "2026-10-31"
    assert len(report["trend"]) == 13
    assert sum(r["value"] for r in report["mix_by_warehouse"]) == pytest.approx(report["tiv"], abs=0.05)
    assert sum(r["value"] for r in report["aging"]) == pytest.approx(report["tiv"], abs=0.05)
    assert sum(r["sku_count"] for r in report["abc"].values()) == report["sku_count"]
    assert 0 < report["slob"]["share"] < 1 and report["ito"] > 0
    assert err == ""


JANUARY = ("snapshot_date,sku,warehouse,qty,unit,unit_cost\n"
           "2025-01-31,A,成品仓,10,pcs,2.00\n"
           "2025-01-31,B,原材料仓,5,pcs,3.10\n")
FEBRUARY = ("snapshot_date,sku,warehouse,qty,unit,unit_cost\n"
            "2025-02-28,A,成品仓,4,pcs,2.00\n"
            "2025-02-28,C,成品仓,1,pcs,0.10\n")


def test_report_history_keeps_each_month_and_reports_over_all_kept(write_file, tmp_path, capsys):
    history = str(tmp_path / "history")
    code, out, err = run(["report", str(write_file("jan.csv", JANUARY)), "--history", history], capsys)
    assert code == 0, err
    january = json.loads(out)
    assert list(january) == TOP_KEYS
    assert january["tiv"] == 35.5  # 10 × 2.00 + 5 × 3.10
    assert january["trend"] == [{"period": "2025-01", "tiv": 35.5}]
    code, out, err = run(["report", str(write_file("feb.csv", FEBRUARY)), "--history", history], capsys)
    february = json.loads(out)
    assert code == 0, err
    assert february["as_of"] == "2025-02-28" and february["tiv"] == 8.1  # 4 × 2.00 + 1 × 0.10
    assert february["trend"] == [{"period": "2025-01", "tiv": 35.5}, {"period": "2025-02", "tiv": 8.1}]
    assert [(r["sku"], r["value"]) for r in february["ranking_sku"]] == [("A", 8.0), ("C", 0.1)]
    assert february["ranking_sku"][0]["share"] == pytest.approx(8.0 / 8.1)
    # the kept history alone gives the same report; an earlier as-of date reads January's snapshot
    code, out, _ = run(["report", "--history", history], capsys)
    assert code == 0 and json.loads(out) == february
    code, out, _ = run(["report", "--history", history, "--as-of", "2025-02-15"], capsys)
    earlier = json.loads(out)
    assert (earlier["as_of"], earlier["tiv"], earlier["sku_count"]) == ("2025-01-31", 35.5, 2)
    assert earlier["trend"] == [{"period": "2025-01", "tiv": 35.5}]


def test_report_history_replaces_a_month_kept_again_and_refuses_another_currency(write_file, tmp_path, capsys):
    history = str(tmp_path / "history")
    run(["report", str(write_file("jan.csv", JANUARY)), "--history", history], capsys)
    run(["report", str(write_file("feb.csv", FEBRUARY)), "--history", history], capsys)
    corrected = FEBRUARY.replace("4,pcs,2.00", "4,pcs,2.50")
    code, out, _ = run(["report", str(write_file("feb2.csv", corrected)), "--history", history], capsys)
    assert code == 0
    assert json.loads(out)["trend"] == [{"period": "2025-01", "tiv": 35.5}, {"period": "2025-02", "tiv": 10.1}]
    euros = "snapshot_date,sku,qty,unit_cost,currency\n2025-03-31,A,1,1.00,EUR\n"
    code, out, err = run(["report", str(write_file("mar.csv", euros)), "--history", history], capsys)
    assert code == 2 and out == ""
    assert "CNY" in err and "EUR" in err and "Traceback" not in err
    code, out, err = run(["report", "--history", history], capsys)
    assert json.loads(out)["as_of"] == "2025-02-28"  # the refused month was not kept


def test_report_history_refusals_exit_2_with_one_message(write_file, tmp_path, capsys):
    code, _, err = run(["report", "--history", str(tmp_path / "empty")], capsys)
    assert code == 2 and "no kept snapshots" in err
    code, _, err = run(["report"], capsys)
    assert code == 2 and "--history" in err
    moves = write_file("moves.csv", MOVES)
    code, _, err = run(["report", str(write_file("jan.csv", JANUARY)), "--history", str(tmp_path / "h"),
                        "--movements", str(moves)], capsys)
    assert code == 2 and "--movements" in err


def test_report_history_of_the_sample_is_the_sample_report_byte_for_byte(tmp_path, capsys):
    lots = str(SAMPLE / "lots.csv.gz")
    code, plain, _ = run(["report", lots], capsys)
    assert code == 0
    code, kept, _ = run(["report", lots, "--history", str(tmp_path / "history")], capsys)
    assert code == 0 and kept == plain  # 13 month-end snapshots kept as files, the trend streamed from them
    code, again, _ = run(["report", "--history", str(tmp_path / "history")], capsys)
    assert code == 0 and again == plain
