"""Shared builders: small canonical frames for KPI tests and files written in a given encoding."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.services import create_database, postgres_cluster

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def lots_frame(rows: list[dict], snapshot: str = "2025-12-31") -> pd.DataFrame:
    """Canonical lots: each row needs sku and value; the rest defaults to one finished-goods warehouse."""
    frame = pd.DataFrame(rows)
    defaults = {"snapshot_date": snapshot, "warehouse": "成品仓", "stock_type": "finished_goods", "qty": 1.0}
    for column, value in defaults.items():
        if column not in frame:
            frame[column] = value
    for column in ("snapshot_date", "receipt_date", "last_move_date"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    frame["qty"] = frame["qty"].astype(float)
    frame["value"] = frame["value"].astype(float)
    return frame


def days_before(as_of: str, days: int) -> str:
    return (pd.Timestamp(as_of) - pd.Timedelta(days=days)).strftime("%Y-%m-%d")


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder of the app's own (IDB_DATA_DIR), and the server's database handle forgotten, so saved
    data of one test never shows in another."""
    monkeypatch.setenv("IDB_DATA_DIR", str(tmp_path / "data"))
    from ui import state
    state.database.clear()
    return tmp_path / "data"


@pytest.fixture(scope="module")
def sample():
    """The bundled sample, read as the app reads it: lots and movements as one dataset."""
    from core.intake.loading import load_lots, load_movements
    from core.kpis.report import Dataset

    lots, movements = load_lots(SAMPLE / "lots.csv.gz"), load_movements(SAMPLE / "movements.csv.gz")
    return Dataset(lots.data, movements.data, lots.currency)


@pytest.fixture
def write_file(tmp_path: Path):
    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path
    return write


# Helpers such as `ui.state.database.clear()` run outside a script run in the tests; Streamlit logs a harmless
# "missing ScriptRunContext" warning for each, which buries real output.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the test session (Debian's `postgresql`; missing means failing)."""
    with postgres_cluster() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return create_database(postgres_admin_url, f"t_{uuid.uuid4().hex[:12]}")
