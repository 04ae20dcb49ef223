"""Planning parameters (read or derived) and `python -m core.cli simulate` per SPEC §2.3 and §5."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from core.cli.main import build_parser, main
from core.intake.plain_planning import read_plain_planning
from core.sim.planning import derive_parameters
from core.sim.simulation import Scenario, simulate
from tests.conftest import ROOT, SAMPLE, lots_frame

PARAMS = ("sku,mean_daily_demand,std_daily_demand,lead_time_days,unit_cost,on_hand\n"
          "A,100,20,9,2.5,\nB,10,0,5,1,300\n")
SKU_KEYS = ["sku", "safety_stock", "reorder_point", "order_up_to", "order_qty", "avg_on_hand", "avg_inventory_value",
            "fill_rate", "cycle_service_level", "stockout_days", "orders"]


def run(args, capsys):
    """Exit status, stdout and stderr of the command, whether it returned or argparse exited."""
    try:
        code = main(args)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_simulate_json_contract(write_file, capsys):
    code, out, err = run(["simulate", str(write_file("params.csv", PARAMS)), "--replications", "3",
                          "--horizon-days", "120", "--seed", "4"], capsys)
    assert code == 0, err
    payload = json.loads(out)
    assert list(payload)[:4] == ["policy", "service_level", "totals", "skus"]
    assert payload["policy"] == "periodic" and payload["service_level"] == 0.95
    assert list(payload["totals"])[:8] == ["avg_inventory_value", "ito", "dio", "fill_rate", "cycle_service_level",
                                           "stockout_days", "orders", "cash_release"]
    assert payload["totals"]["service_level_target"] == 0.95
    assert payload["totals"]["service_level_achieved"] == payload["totals"]["cycle_service_level"]
    assert payload["service_target"] == "csl"
    assert [list(s)[:len(SKU_KEYS)] for s in payload["skus"]] == [SKU_KEYS, SKU_KEYS]
    assert [s["service_level"] for s in payload["skus"]] == [0.95, 0.95]
    # gamma demand: 16 days are a gamma of shape 400, scale 4, whose 0.95-quantile by Cornish–Fisher (skew 0.1,
    # excess kurtosis 0.015: z + 0.0284257 − 0.0003027 − 0.0001878 = 1.672789) is 1600 + 80 × 1.672789
    assert payload["skus"][0]["order_up_to"] == pytest.approx(1733.82, abs=0.01)


def test_simulate_is_reproducible_from_the_command_line(write_file, capsys):
    path = str(write_file("params.csv", PARAMS))
    args = ["simulate", path, "--policy", "rop", "--replications", "2", "--horizon-days", "60", "--seed", "7"]
    assert run(args, capsys)[1] == run(args, capsys)[1]


@pytest.mark.parametrize(("content", "extra", "message"), [
    ("sku,mean_daily_demand,std_daily_demand,lead_time_days,unit_cost\nA,-3,1,5,1\n", [],
     "params.csv: row 2, column 'mean_daily_demand': -3 is negative\n"),
    ("sku,mean_daily_demand,std_daily_demand,unit_cost\nA,3,1,1\n", [],
     "params.csv: column 'lead_time_days' is missing; add it or give a default lead time (--default-lead-time DAYS)\n"),
    ("sku,mean_daily_demand,std_daily_demand,lead_time_days,unit_cost\nA,3,1,0,1\n", [],
     "params.csv: row 2, column 'lead_time_days': a lead time must be at least 1 day\n"),
    (PARAMS, ["--service-level", "1.2"],
     "python -m core.cli simulate: argument --service-level: service level must be between 0 and 1 (exclusive), "
     "got 1.2\n"),
    (PARAMS, ["--warmup-days", "400"], "simulate: the horizon must be longer than the warm-up\n"),
])
def test_bad_parameters_exit_2_with_one_message(content, extra, message, write_file, capsys):
    code, out, err = run(["simulate", str(write_file("params.csv", content)), *extra], capsys)
    assert code == 2
    assert (out, err) == ("", message)


def test_missing_lead_time_is_filled_by_the_default(write_file, capsys):
    content = "sku,mean_daily_demand,std_daily_demand,unit_cost\nA,3,1,1\n"
    code, out, _ = run(["simulate", str(write_file("params.csv", content)), "--default-lead-time", "5",
                        "--replications", "1", "--horizon-days", "30"], capsys)
    assert code == 0 and json.loads(out)["skus"][0]["reorder_point"] > 15


def test_derived_parameters_by_hand():
    lots = pd.concat([lots_frame([{"sku": "A", "qty": 10.0, "value": 50.0}, {"sku": "B", "qty": 4.0, "value": 8.0}],
                                 snapshot="2025-12-31")])
    # A issued 4 units on two days of a 4-day history → daily series 4, 0, 4, 0: mean 2, sample std √(16/3)
    dates = pd.to_datetime(["2025-12-28", "2025-12-30", "2025-12-30"]).astype("datetime64[s]")
    movements = pd.DataFrame({"date": dates, "sku": ["A", "A", "Z"], "qty_out": [4.0, 4.0, 1.0]})
    planning = derive_parameters(lots, movements, history_days=4, default_lead_time=7)
    params = planning.params.set_index("sku")
    assert params.loc["A", "mean_daily_demand"] == 2.0
    assert params.loc["A", "std_daily_demand"] == pytest.approx((16 / 3) ** 0.5)
    assert params.loc["A", "unit_cost"] == 5.0 and params.loc["A", "on_hand"] == 10.0
    assert params.loc["B", "mean_daily_demand"] == 0.0 and params.loc["B", "lead_time_days"] == 7.0
    assert planning.excluded.values.tolist() == [["Z", "no unit cost: issued but never in stock with a value"]]


def test_derive_without_a_lead_time_exits_2(capsys):
    code, _, err = run(["simulate", "--lots", str(SAMPLE / "lots.csv.gz"), "--movements",
                        str(SAMPLE / "movements.csv.gz")], capsys)
    assert code == 2
    assert err == "lots.csv.gz: lots carry no lead time; give --default-lead-time DAYS to derive parameters\n"


def test_sample_parameters_simulate_in_text_form(capsys):
    code, out, err = run(["simulate", str(SAMPLE / "planning_parameters.csv"), "--replications", "2",
                          "--horizon-days", "90", "--format", "text"], capsys)
    assert code == 0, err
    assert out.startswith("Policy periodic, service level 95.0%, 2000 SKUs, 90 days, 2 replications")


def test_command_line_and_app_share_the_gamma_demand_default(write_file, capsys):
    path = str(write_file("params.csv", PARAMS))
    args = ["simulate", path, "--replications", "2", "--horizon-days", "60", "--seed", "7"]
    assert build_parser().parse_args(args).demand_distribution == Scenario().demand_distribution == "gamma"
    assert run(args, capsys)[1] == run([*args, "--demand-distribution", "gamma"], capsys)[1]
    assert run(args, capsys)[1] != run([*args, "--demand-distribution", "normal"], capsys)[1]


def test_fill_rate_target_from_the_command_line(write_file, capsys):
    code, out, err = run(["simulate", str(write_file("params.csv", PARAMS)), "--service-target", "fill",
                          "--service-level", "0.97", "--replications", "2", "--horizon-days", "60", "--format",
                          "text"], capsys)
    assert code == 0, err
    assert "Service level (fill rate): target 97.0%, achieved " in out


def test_cash_release_from_a_parameters_file_names_skus_without_on_hand(write_file, capsys):
    # Only B has an on_hand: current stock = 300 × 1 = 300; A starts the run at its policy level, not counted.
    code, out, err = run(["simulate", str(write_file("params.csv", PARAMS)), "--replications", "2",
                          "--horizon-days", "60"], capsys)
    payload = json.loads(out)
    assert code == 0
    assert payload["totals"]["cash_release"] == pytest.approx(300 - payload["totals"]["avg_inventory_value"])
    assert payload["skus_without_on_hand"] == ["A"]
    assert "1 SKU has none: A" in err


def test_cash_release_is_steady_state_with_todays_value_beside_it(write_file, capsys):
    # A: L 9, R 7 → 9 + 7 + 1 = 17 settling days; B has no spread but demand, L 5 → 5 + 7 + 1. Today's value 300.
    path = str(write_file("params.csv", PARAMS))
    code, out, _ = run(["simulate", path, "--replications", "2", "--horizon-days", "60"], capsys)
    payload = json.loads(out)
    assert code == 0 and payload["start"] == "steady" and payload["settling_days"] == 17
    assert payload["totals"]["current_inventory_value"] == 300
    code, out, _ = run(["simulate", path, "--replications", "2", "--horizon-days", "60", "--format", "text"], capsys)
    assert "Inventory value today 300; average under the policy " in out and "17 settling days" in out
    code, out, _ = run(["simulate", path, "--replications", "2", "--horizon-days", "60", "--start", "today"], capsys)
    assert json.loads(out)["settling_days"] == 0


def test_cash_release_of_derived_parameters_is_against_the_lots_tiv():
    # Lots at as-of: A 50 + 40, B 8, C 3 (no qty, so no unit cost: left out of the simulation) → TIV 101, while
    # Σ on_hand × unit cost over the simulated SKUs is 15 × 6 + 4 × 2 = 98.
    lots = lots_frame([{"sku": "A", "qty": 10.0, "value": 50.0}, {"sku": "A", "qty": 5.0, "value": 40.0},
                       {"sku": "B", "qty": 4.0, "value": 8.0}, {"sku": "C", "qty": 0.0, "value": 3.0}])
    dates = pd.to_datetime(["2025-12-28", "2025-12-30"]).astype("datetime64[s]")
    movements = pd.DataFrame({"date": dates, "sku": ["A", "B"], "qty_out": [4.0, 1.0]})
    planning = derive_parameters(lots, movements, history_days=30, default_lead_time=7)
    assert planning.current_inventory_value == 101.0
    result = simulate(planning.params, Scenario(replications=2, horizon_days=60), planning.current_inventory_value)
    assert result.totals["cash_release"] == pytest.approx(101.0 - result.totals["avg_inventory_value"])
    assert result.skus_without_on_hand == []


def test_derived_demand_is_averaged_over_the_days_the_movements_cover():
    # 3 a day from 1 October to 31 December (92 days): mean 3, std 0 — not 3 × 92 / 365 = 0.76 over a year.
    lots = lots_frame([{"sku": "A", "qty": 10.0, "value": 50.0}])
    dates = pd.date_range("2025-10-01", "2025-12-31").astype("datetime64[s]")
    movements = pd.DataFrame({"date": dates, "sku": "A", "qty_out": 3.0})
    params = derive_parameters(lots, movements, default_lead_time=7).params.set_index("sku")
    assert params.loc["A", "mean_daily_demand"] == pytest.approx(3.0)
    assert params.loc["A", "std_daily_demand"] == pytest.approx(0.0, abs=1e-9)


def simulate_output(path, *options: str) -> tuple[bytes, bytes]:
    """stdout and stderr of `simulate` in a fresh process, as a user runs it."""
    done = subprocess.run([sys.executable, "-m", "core.cli", "simulate", str(path), *options], cwd=ROOT,
                          capture_output=True, check=True)
    return done.stdout, done.stderr


@pytest.mark.parametrize("options", [("--replications", "3"), ("--policy", "rop", "--service-target", "fill"),
                                     ("--policy", "minmax", "--lost-sales", "--format", "text")])
def test_a_plain_parameters_file_prints_what_the_full_loader_prints(tmp_path, options):
    # The same parameters as UTF-8 (read without pandas) and as GBK with a Chinese header (the full loader): the
    # engine gets the same table either way, so every byte of the output and of the warnings is the same.
    frame = pd.read_csv(SAMPLE / "planning_parameters.csv")
    plain, full = tmp_path / "plain.csv", tmp_path / "full.csv"
    frame.to_csv(plain, index=False)
    assert read_plain_planning(plain) is not None
    frame.rename(columns={"mean_daily_demand": "日均需求"}).to_csv(full, index=False, encoding="gbk")
    assert read_plain_planning(full) is None
    assert simulate_output(plain, *options) == simulate_output(full, *options)


def test_simulating_a_plain_parameters_file_does_not_import_pandas(tmp_path):
    path = tmp_path / "params.csv"
    path.write_text(PARAMS)
    script = ("import sys; from core.cli.main import main; "
              f"code = main(['simulate', {str(path)!r}, '--replications', '2']); "
              "sys.stdout.flush(); print('pandas' in sys.modules, 'pyarrow' in sys.modules, code, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["skus"][1]["sku"] == "B"
    assert done.stderr.splitlines()[-1] == "False False 0"
