"""Issue 20: `report` on every file of tests/stock_corpus reads it right or refuses in one message.

The expected outcomes live in tests/stock_corpus/manifest.json and were worked out without the reader (by hand
from the rows the generator writes, or by summing the named columns of the copied public files — see
tests/stock_corpus/README.md). Exit 0 cases must give the TIV to the cent, the currency and an honest
`currency_source`; exit 2 cases must name the file and everything missing in the message on stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "stock_corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]
SOURCES = {"column", "symbol", "profile", "mapping", "assumed"}


def run_report(case: dict) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "core.cli", "report", str(CORPUS / case["file"])]
    if "prices" in case["args"]:
        command += ["--prices", str(CORPUS / case["args"]["prices"])]
    if "sheet" in case["args"]:
        command += ["--sheet", case["args"]["sheet"]]
    command += ["--format", "json"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300)


def test_manifest_covers_the_corpus():
    files = {case["file"] for case in CASES}
    on_disk = {path.name for path in CORPUS.iterdir()
               if path.suffix in (".csv", ".txt", ".xlsx", ".xls") and not path.stem.endswith("_prices")}
    assert files == on_disk
    assert len(files) >= 40
    for case in CASES:
        expect = case["expect"]
        assert expect["exit"] in (0, 2), case["id"]
        if expect["exit"] == 0:
            assert isinstance(expect["tiv"], float) and expect["tiv"] > 0, case["id"]
            sources = expect["currency_source"]
            assert set(sources if isinstance(sources, list) else [sources]) <= SOURCES, case["id"]
        else:
            assert expect["message_fragments"], case["id"]
        assert case["provenance"] and case["how_expected"], case["id"]
        for name in case["args"].values():
            if name.endswith((".csv", ".xlsx")):
                assert (CORPUS / name).exists(), name


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_report_on_corpus_file(case):
    result = run_report(case)
    expect = case["expect"]
    assert result.returncode == expect["exit"], (
        f"{case['file']}: exit {result.returncode}, expected {expect['exit']}\nstderr: {result.stderr[-2000:]}")
    if expect["exit"] == 0:
        report = json.loads(result.stdout)
        assert report["tiv"] == pytest.approx(expect["tiv"], abs=0.005), case["how_expected"]
        honest = expect["currency_source"]
        assert report.get("currency_source") in (honest if isinstance(honest, list) else [honest])
        if "currency" in expect:
            assert report["currency"] == expect["currency"]
        if "lots" in expect:
            assert report["lot_count"] == expect["lots"]
    else:
        message = result.stderr.lower()
        assert message.strip(), "exit 2 without a message"
        missing = [group for group in expect["message_fragments"]
                   if not any(word.lower() in message for word in group)]
        assert not missing, f"message does not name {missing}:\n{result.stderr[-2000:]}"
