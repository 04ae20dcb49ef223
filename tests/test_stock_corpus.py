"""Issue 20: `report` on every file of tests/stock_corpus reads it right or refuses in one message.

The expected outcomes live in tests/stock_corpus/manifest.json and were worked out without the reader (by hand
from the rows the generator writes, or by summing the named columns of the copied public files — see
tests/stock_corpus/README.md). Exit 0 cases must give the TIV to the cent, the currency and an honest
`currency_source`; exit 2 cases must name the file and everything missing in the message on stderr, and no
hint in it may map a column to a role its values contradict (`never_proposed`). A mapping that makes a row total
the unit cost must draw a warning on stderr whatever the exit status.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "stock_corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]
SOURCES = {"column", "symbol", "profile", "mapping", "assumed"}


def without_file_names(case: dict, stderr: str) -> str:
    """stderr with the case's own file names taken out, so that a word of a file name (`…_movements.csv`) is
    never mistaken for the message naming what the file looks like."""
    text = stderr
    for name in [case["file"], *case["args"].values()]:
        text = text.replace(str(CORPUS / name), "").replace(name, "")
    return text.lower()


def run_report(case: dict) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "core.cli", "report", str(CORPUS / case["file"])]
    if "prices" in case["args"]:
        command += ["--prices", str(CORPUS / case["args"]["prices"])]
    if "sheet" in case["args"]:
        command += ["--sheet", case["args"]["sheet"]]
    if "mapping" in case["args"]:
        command += ["--mapping", str(CORPUS / case["args"]["mapping"])]
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
        assert expect["exit"] in (0, 2, [0, 2]), case["id"]
        if expect["exit"] == [0, 2]:
            assert expect["stderr_fragments"] and "mapping" in case["args"], case["id"]
        elif expect["exit"] == 0:
            assert isinstance(expect["tiv"], float) and expect["tiv"] > 0, case["id"]
            sources = expect["currency_source"]
            assert set(sources if isinstance(sources, list) else [sources]) <= SOURCES, case["id"]
        else:
            assert expect["message_fragments"], case["id"]
        assert case["provenance"] and case["how_expected"], case["id"]
        for option in ("prices", "mapping"):
            if option in case["args"]:
                assert (CORPUS / case["args"][option]).exists(), case["args"][option]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_report_on_corpus_file(case):
    result = run_report(case)
    expect = case["expect"]
    if expect["exit"] == [0, 2]:
        assert result.returncode in (0, 2), result.stderr[-2000:]
        message = without_file_names(case, result.stderr)
        missing = [group for group in expect["stderr_fragments"] if not any(word.lower() in message for word in group)]
        assert not missing, f"nothing on stderr says {missing}:\n{result.stderr[-2000:]}"
        return
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
        said = " ".join(report.get("warnings", [])).lower()
        unsaid = [group for group in expect.get("warnings", []) if not any(w.lower() in said for w in group)]
        assert not unsaid, f"no warning says {unsaid}: {report.get('warnings')}"
    else:
        assert result.stderr.strip(), "exit 2 without a message"
        file_named, *groups = expect["message_fragments"]
        assert any(name in result.stderr for name in file_named), f"the message does not name {file_named}"
        message = without_file_names(case, result.stderr)
        missing = [group for group in groups if not any(word.lower() in message for word in group)]
        assert not missing, f"message does not name {missing}:\n{result.stderr[-2000:]}"
        for header, role in expect.get("never_proposed", []):
            hint = re.compile(rf'"?{re.escape(header)}"?\s*(:|→|->|as)\s*"?{re.escape(role)}\b', re.IGNORECASE)
            assert not hint.search(result.stderr), f"hint proposes {header!r} as {role}, which its values contradict"
