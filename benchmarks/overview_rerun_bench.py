"""CPU one Overview rerun costs (a widget click that changes nothing the page computes), measured with AppTest.

Run: `python benchmarks/overview_rerun_bench.py [--reruns N]`. Prints the process CPU seconds per rerun after a
warm first run (the dashboard figures are cached, so what remains is drawing: tables, charts and downloads).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reruns", type=int, default=10)
    reruns = parser.parse_args().reruns
    os.environ.setdefault("IDB_DATA_DIR", tempfile.mkdtemp(prefix="idb-bench-"))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.run()  # warm: caches filled
    samples = []
    for _ in range(reruns):
        started = time.process_time()
        at.run()
        samples.append(time.process_time() - started)
    assert not at.exception, [e.value for e in at.exception]
    samples.sort()
    print(f"Overview rerun CPU over {reruns} reruns: median {samples[len(samples) // 2]:.3f} s, "
          f"min {samples[0]:.3f} s, max {samples[-1]:.3f} s")


if __name__ == "__main__":
    main()
