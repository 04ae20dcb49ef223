"""The pandas-free planning reader: on plain files it reads exactly what `load_planning` reads; on anything else it
declines (None) and the caller falls back to `load_planning`."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from core.intake import limits, plain_planning
from core.intake.loading import ROW, load_planning
from core.intake.plain_planning import PlainPlanning, read_plain_planning
from core.intake.problems import InputError
from core.intake.schema import PLANNING, TOTALS_PREFIX

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = ("sku", "mean_daily_demand", "std_daily_demand", "unit_cost")
OPTIONAL = tuple(k for k in PLANNING.keys if k not in REQUIRED)
TEXT = {c.key for c in PLANNING.columns if c.kind == "text"}
HEADERS = {  # spellings a plain file may use: canonical keys, English and Chinese aliases, other cases
    "sku": ["sku", "SKU", "Item Code", "物料编码", "料号"],
    "mean_daily_demand": ["mean_daily_demand", "Mean Daily Demand", "日均需求", "日均用量"],
    "std_daily_demand": ["std_daily_demand", "Std Daily Demand", "需求标准差"],
    "lead_time_days": ["lead_time_days", "Lead Time", "交期", "采购周期"],
    "lead_time_std_days": ["lead_time_std_days", "交期标准差"],
    "unit_cost": ["unit_cost", "Unit Cost (¥)", "单价", "成本价"],
    "on_hand": ["on_hand", "On Hand", "现有库存"],
    "on_order": ["on_order", "Open PO Qty", "在途数量"],
    "abc_class": ["abc_class", "ABC", "ABC分类"],
    "ordering_cost": ["ordering_cost", "订货成本"],
    "holding_cost": ["holding_cost", "Annual Holding Cost", "持有成本"],
    "service_level": ["service_level", "服务水平"],
    "supplier": ["supplier", "Vendor Name", "供应商"],
    "backorders": ["backorders", "欠交数量"],
    "pack_size": ["pack_size", "Pack Size", "包装数量"],
    "moq": ["moq", "MOQ", "最小起订量"],
}
SUPPLIERS = ["华南五金厂", "Acme Parts Ltd", "东莞 包材 有限公司", "Müller GmbH", "O'Brien & Sons"]


def _number(rng: np.random.Generator) -> str:
    """Integers, short and long decimals, float reprs, leading zeros, 15-digit integers, 25-digit fractions."""
    kind = rng.integers(8)
    if kind == 0:
        return str(rng.integers(0, 1000))
    if kind == 1:
        return f"{rng.uniform(0, 1000):.2f}"
    if kind == 2:
        return repr(float(rng.lognormal(2, 2)))
    if kind == 3:
        return f"00{rng.integers(0, 100)}"
    if kind == 4:
        return str(rng.integers(10**14, 10**15 - 1))
    if kind == 5:
        return f"{rng.integers(0, 10**6)}.{rng.integers(10**12, 10**13)}{rng.integers(10**11, 10**12)}"
    if kind == 6:
        return f"{rng.integers(1, 999)}.{rng.integers(0, 1000):03d}"  # 1.234: a decimal point, not thousands
    return "0" if rng.random() < 0.5 else "0.0"


def _text(key: str, row: int, rng: np.random.Generator) -> str:
    if key == "sku":
        sku = [f"SKU-{row:05d}", f"物料{row}", f"A {row} B", f"{row:06d}"][row % 4]
        return f"  {sku} " if rng.random() < 0.1 else sku
    if key == "abc_class":
        return str(rng.choice(["A", "B", "C", " B "]))
    return str(rng.choice(SUPPLIERS))


def plain_file(seed: int) -> tuple[bytes, list[str]]:
    """A random plain planning file and its columns' keys in file order."""
    rng = np.random.default_rng(seed)
    optional = [k for k in OPTIONAL if rng.random() < 0.5]
    keys = list(REQUIRED) + optional
    rng.shuffle(keys)
    rows = int(rng.choice([1, 2, 7, 40, 300, 2500]))
    all_blank = {k for k in optional if rng.random() < 0.15}
    header = ",".join(str(rng.choice(HEADERS[k])) for k in keys)
    lines = [header]
    for row in range(rows):
        cells = []
        for key in keys:
            if key in all_blank or (key not in REQUIRED and rng.random() < 0.2):
                cells.append("")
            elif key in TEXT:
                cells.append(_text(key, row, rng))
            else:
                cells.append(_number(rng))
        lines.append(",".join(cells))
    end = "\r\n" if rng.random() < 0.3 else "\n"
    text = end.join(lines) + (end if rng.random() < 0.7 else "")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data if rng.random() < 0.3 else data), keys


def assert_same_as_loader(path: Path, keys: list[str]) -> None:
    plain = read_plain_planning(path)
    assert plain is not None
    assert list(plain.columns) == [k for k in PLANNING.keys if k in keys]
    assert_answer_is_the_loaders(path, plain)


def assert_answer_is_the_loaders(path: Path, plain: PlainPlanning) -> None:
    loaded = load_planning(path)
    assert loaded.problems.empty and loaded.rejected.empty and not loaded.unmatched
    assert loaded.conventions.notes == ()
    assert plain.name == path.name
    assert list(plain.columns) == [k for k in PLANNING.keys if k in loaded.data]
    for key, values in plain.columns.items():
        expected = loaded.data[key]
        if key in TEXT:
            assert values.dtype == object
            assert values.tolist() == [None if pd.isna(v) else v for v in expected], key
        else:
            assert values.dtype == np.float64
            assert np.array_equal(values, expected.to_numpy(dtype=float), equal_nan=True), key
    assert plain.rows.dtype.kind == "i"
    assert plain.rows.tolist() == loaded.data[ROW].tolist()


@pytest.mark.parametrize("seed", range(40))
def test_a_plain_file_reads_exactly_as_the_loader_reads_it(seed, tmp_path):
    data, keys = plain_file(seed)
    path = tmp_path / f"params_{seed}.csv"
    path.write_bytes(data)
    assert_same_as_loader(path, keys)


def test_the_benchmark_parameters_file_reads_exactly_as_the_loader_reads_it(tmp_path):
    from benchmarks.sim_bench import make_params

    keys = ["sku", "mean_daily_demand", "std_daily_demand", "lead_time_days", "unit_cost"]
    path = tmp_path / "params.csv"
    make_params(3000)[keys].to_csv(path, index=False)
    assert_same_as_loader(path, keys)


HOSTILE_CELLS = [
    "NA", " null", "#N/A", "-nan", "1.#IND", "Total", "tot al", "gesamtſumme", "SUMME", "Ergebnis X", "RESULT",
    "Kelvin \u212a", "合计A", "A合计", "小计(成品仓)", "*A", "A*", "1e3", "-1", "+1", ".5", "5.", "¥5", " 5", "5 ",
    "０５", "٣", "1_000", "inf", "nan", "true", "0x10", "1.2.3", "", " ", "\u00a0", "\u3000x", "\u200bx", "A\u0301",
    "A\x85B", "A\x01", "a\u2028b", "\ufeffA", "1'000", "(5)", "5万", "2025-01-01", "12:30", "1/2", "007", "1.234",
    "99999999999999999", "123456789012345", "3.14159265358979323846", "A B", "物料", "'", "\\", "=1+1",
]


def hostile_file(rng: np.random.Generator) -> bytes:
    """A small planning file whose cells are now and then drawn from a list of hostile spellings."""
    keys = list(REQUIRED) + [k for k in ("lead_time_days", "abc_class", "supplier", "on_hand") if rng.random() < 0.4]
    rng.shuffle(keys)
    lines = [",".join(str(rng.choice(HEADERS[k])) for k in keys)]
    for row in range(int(rng.integers(1, 6))):
        cells = []
        for key in keys:
            if rng.random() < 0.12:
                cells.append(str(rng.choice(HOSTILE_CELLS)))
            elif key in TEXT:
                cells.append(f"S{row}" if key == "sku" else str(rng.choice(["A", "华南"])))
            else:
                cells.append(str(rng.choice(["1", "2.5", "0"])))
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("seed", range(4))
def test_whenever_the_fast_path_answers_on_hostile_cells_it_answers_what_the_loader_reads(seed, tmp_path):
    rng = np.random.default_rng(100 + seed)
    answered = declined = 0
    for index in range(50):
        path = tmp_path / f"hostile_{index}.csv"
        path.write_bytes(hostile_file(rng))
        plain = read_plain_planning(path)
        if plain is None:
            declined += 1
            continue
        answered += 1
        assert_answer_is_the_loaders(path, plain)
    assert answered and declined  # both sides of the rule were exercised


def test_rows_are_line_numbers_with_the_header_as_row_one(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("\ufeffsku,日均需求,需求标准差,单价,供应商\r\nA,1,0.5,2.25,\r\nB,3,1,4,华南\r\n".encode())
    plain = read_plain_planning(path)
    assert plain is not None
    assert plain.rows.tolist() == [2, 3]
    assert plain.columns["mean_daily_demand"].tolist() == [1.0, 3.0]
    assert plain.columns["unit_cost"].tolist() == [2.25, 4.0]
    assert plain.columns["supplier"].tolist() == [None, "华南"]


HEAD = "sku,mean_daily_demand,std_daily_demand,unit_cost"
# (what is wrong, the file, what load_planning makes of it): "problem" — it reads the file but reports a problem;
# "refused" — it raises InputError; "reads" — it reads the file cleanly, so the fallback handles it and the plain
# path only declines to prove it; None — not asserted here.
NEAR_MISSES = [
    ("negative number", f"{HEAD}\nA,-1,1,2\n".encode(), "problem"),
    ("blank required number", f"{HEAD}\nA,,1,2\n".encode(), "problem"),
    ("blank sku", f"{HEAD}\n,1,1,2\nB,1,1,2\n".encode(), "problem"),
    ("duplicate sku", f"{HEAD}\nA,1,1,2\nA,2,1,2\n".encode(), "problem"),
    ("合计 row", f"{HEAD}\nA,1,1,2\n合计,1,1,2\n".encode(), "problem"),
    ("Total row", f"{HEAD}\nA,1,1,2\nTotal:,1,1,2\n".encode(), "problem"),
    ("totals word at the start of a sku", f"{HEAD}\nRESULT-01,1,1,2\n".encode(), "problem"),
    ("totals label in a text first column", f"supplier,{HEAD}\n小计,A,1,1,2\n".encode(), "problem"),
    ("asterisk sku", f"{HEAD}\nA,1,1,2\n*,1,1,2\n".encode(), "problem"),
    ("sku spelled as a null", f"{HEAD}\nNA,1,1,2\n".encode(), "problem"),
    ("ragged row", f"{HEAD}\nA,1,1,2\nB,1,1\n".encode(), "problem"),
    ("text in a number column", f"{HEAD}\nA,one,1,2\n".encode(), "problem"),
    ("GBK bytes", "物料编码,日均需求,需求标准差,单价\n甲,1,1,2\n".encode("gbk"), "reads"),
    ("semicolon separator", b"sku;mean_daily_demand;std_daily_demand;unit_cost\nA;1;1;2\n", "reads"),
    ("quoted field", f'{HEAD}\n"A",1,1,2\n'.encode(), "reads"),
    ("thousands separator in quotes", f'{HEAD}\nA,"1,234",1,2\n'.encode(), "reads"),
    ("1.234 with decimal-comma evidence", f'{HEAD}\nA,1.234,1,2\nB,"0,5",1,2\n'.encode(), "reads"),
    ("unknown extra header", f"{HEAD},remark\nA,1,1,2,x\n".encode(), "reads"),
    ("header on line 2 under a title", f"Planning 2025\n{HEAD}\nA,1,1,2\n".encode(), "reads"),
    ("blank line in the middle", f"{HEAD}\nA,1,1,2\n\nB,1,1,2\n".encode(), "reads"),
    ("blank line at the end", f"{HEAD}\nA,1,1,2\n\n".encode(), "reads"),
    ("currency sign", f"{HEAD}\nA,1,1,¥2\n".encode(), "reads"),
    ("exponent", f"{HEAD}\nA,1e3,1,2\n".encode(), "reads"),
    ("leading plus", f"{HEAD}\nA,+1,1,2\n".encode(), "reads"),
    ("space in a number", f"{HEAD}\nA, 1,1,2\n".encode(), "reads"),
    ("point without digits after", f"{HEAD}\nA,1.,1,2\n".encode(), "reads"),
    ("16-digit integer", f"{HEAD}\nA,1234567890123456,1,2\n".encode(), "reads"),
    ("tab in a text cell", f"{HEAD}\nA\tB,1,1,2\n".encode(), "reads"),
    ("no-break space around a sku", f"{HEAD}\n\u00a0A,1,1,2\n".encode(), "reads"),
    ("lone CR line ends", f"{HEAD}\rA,1,1,2\r".encode(), None),  # the loader fails on it (csv.Error) today
    ("BOM twice", f"\ufeff\ufeff{HEAD}\nA,1,1,2\n".encode(), "reads"),
    ("UTF-16 with BOM", f"{HEAD}\nA,1,1,2\n".encode("utf-16"), "reads"),
    ("gzip", gzip.compress(f"{HEAD}\nA,1,1,2\n".encode()), "reads"),
    ("duplicate column", f"{HEAD},sku\nA,1,1,2,B\n".encode(), "reads"),
    ("header needs a mapping", b"sku,demand avg,std_daily_demand,unit_cost\nA,1,1,2\n", "refused"),
    ("empty file", b"", "refused"),
    ("header only", f"{HEAD}\n".encode(), "refused"),
]


def _xlsx() -> bytes:
    out = io.BytesIO()
    pd.DataFrame({"sku": ["A"], "mean_daily_demand": [1], "std_daily_demand": [1], "unit_cost": [2]}).to_excel(
        out, index=False)
    return out.getvalue()


@pytest.mark.parametrize(("what", "content", "loader"),
                         [pytest.param(*case, id=case[0]) for case in [*NEAR_MISSES, (".xlsx", _xlsx(), "reads")]])
def test_a_near_miss_is_declined_and_left_to_the_loader(what, content, loader, tmp_path):
    path = tmp_path / "params.csv"
    path.write_bytes(content)
    assert read_plain_planning(path) is None, what
    if loader is None:
        return
    if loader == "refused":
        with pytest.raises(InputError):
            load_planning(path)
        return
    loaded = load_planning(path)
    has_problem = not loaded.problems.empty or bool(loaded.conventions.notes)
    assert has_problem == (loader == "problem"), (what, loaded.problems)


def test_the_decimal_trap_is_why_commas_anywhere_are_declined(tmp_path):
    """The loader reads `1.234` as 1234 once another cell shows a decimal comma: only a file whose number cells
    can carry no comma is taken, and there `1.234` is one point two three four for both readers."""
    trap = tmp_path / "trap.csv"
    trap.write_bytes(f'{HEAD}\nA,1.234,1,2\nB,"0,5",1,2\n'.encode())
    assert load_planning(trap).data["mean_daily_demand"].tolist() == [1234.0, 0.5]
    assert read_plain_planning(trap) is None
    plain = tmp_path / "plain.csv"
    plain.write_bytes(f"{HEAD}\nA,1.234,1,2\nB,0.5,1,2\n".encode())
    assert load_planning(plain).data["mean_daily_demand"].tolist() == [1.234, 0.5]
    assert read_plain_planning(plain).columns["mean_daily_demand"].tolist() == [1.234, 0.5]


def test_a_file_beyond_the_readers_limits_is_declined(tmp_path, monkeypatch):
    path = tmp_path / "params.csv"
    path.write_bytes(f"{HEAD}\nA,1,1,2\nB,1,1,2\nC,1,1,2\n".encode())
    assert read_plain_planning(path) is not None
    monkeypatch.setattr(limits, "MAX_ROWS", 2)
    assert read_plain_planning(path) is None
    monkeypatch.setattr(limits, "MAX_ROWS", 5_000_000)
    monkeypatch.setattr(limits, "MAX_EXPANDED_BYTES", 40)
    assert read_plain_planning(path) is None
    with pytest.raises(InputError, match="refused"):
        load_planning(path)


def test_a_file_larger_than_the_fast_path_pays_for_is_left_to_the_loader(tmp_path, monkeypatch):
    path = tmp_path / "params.csv"
    path.write_bytes(f"{HEAD}\nA,1,1,2\n".encode())
    assert read_plain_planning(path) is not None
    monkeypatch.setattr(plain_planning, "MAX_PLAIN_BYTES", len(path.read_bytes()) - 1)
    assert read_plain_planning(path) is None


def test_missing_file_is_left_to_the_loader(tmp_path):
    assert read_plain_planning(tmp_path / "nowhere.csv") is None


def test_the_null_spellings_are_pyarrows():
    assert list(plain_planning.ARROW_NULLS) == pacsv.ConvertOptions().null_values


def test_only_long_s_and_kelvin_fold_onto_ascii_letters_in_the_loaders_case_blind_match():
    """The totals check lower-cases and maps ſ to s; that covers every character the loader's regex engine
    (RE2 in Arrow) matches to an ASCII letter when ignoring case."""
    chars = [chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    folding = pc.match_substring_regex(pa.array(chars), "^[a-z]$", ignore_case=True).to_numpy(zero_copy_only=False)
    assert {c for c, hit in zip(chars, folding, strict=True) if hit} == {"ſ", "\u212a"}
    labels = ["ToTal", "SUBTOTAL", "\u212aa", "gesamtſumme", "Summe:", "小计(成品仓)", "*"]
    matched = pc.match_substring_regex(pa.array(labels), TOTALS_PREFIX, ignore_case=True).to_pylist()
    assert all(plain_planning._may_be_totals(label) for label, hit in zip(labels, matched, strict=True) if hit)
    assert sum(matched) == 6


def test_every_unicode_space_is_declined():
    spaces = [chr(c) for c in range(0x80, 0x110000) if chr(c).isspace()]
    assert spaces and all(plain_planning._NOT_PLAIN_WIDE.match(c) for c in spaces)


def test_the_module_imports_neither_pandas_nor_pyarrow():
    code = ("import sys, core.intake.plain_planning; "
            "assert 'pandas' not in sys.modules and 'pyarrow' not in sys.modules, "
            "sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'pyarrow'))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
