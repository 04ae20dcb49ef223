"""Persistence for what users edit: the risk worklist, saved scenarios, targets and the action plan.

SQLite in the user's data folder by default; any SQLAlchemy URL (e.g. PostgreSQL) by setting
`IDB_DATABASE_URL`. The folder is `IDB_DATA_DIR`, else `$XDG_DATA_HOME/inventory-decision-board`,
else `~/.local/share/inventory-decision-board`.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

APP_FOLDER = "inventory-decision-board"
WORKLIST_FIELDS = ("owner", "action", "action_status")

metadata = sa.MetaData()
worklist = sa.Table(
    "worklist", metadata,
    sa.Column("lot_key", sa.String(400), primary_key=True),
    sa.Column("owner", sa.String(200)), sa.Column("action", sa.String(200)), sa.Column("action_status", sa.String(100)),
    sa.Column("updated_at", sa.DateTime),
)
scenarios = sa.Table(
    "scenarios", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime),
)
targets = sa.Table(
    "targets", metadata,
    sa.Column("kpi", sa.String(100), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("due_date", sa.Date),
    sa.Column("updated_at", sa.DateTime),
)
plan_steps = sa.Table(
    "plan_steps", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("owner", sa.String(200)),
    sa.Column("due_date", sa.Date),
    sa.Column("status", sa.String(50), nullable=False, default="open"),
    sa.Column("planned_cash", sa.Float, nullable=False, default=0.0),
    sa.Column("released_cash", sa.Float, nullable=False, default=0.0),
    sa.Column("evidence", sa.Text),
    sa.Column("created_at", sa.DateTime),
)
PLAN_COLUMNS = ["id", "title", "owner", "due_date", "status", "planned_cash", "released_cash", "evidence"]
header_mappings = sa.Table(
    "header_mappings", metadata,
    sa.Column("signature", sa.String(64), primary_key=True),
    sa.Column("mapping", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime),
)


def data_dir() -> Path:
    if os.environ.get("IDB_DATA_DIR"):
        return Path(os.environ["IDB_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / APP_FOLDER


def database_url() -> str:
    return os.environ.get("IDB_DATABASE_URL") or f"sqlite:///{data_dir() / 'board.sqlite'}"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _clean(value: object) -> object:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else value


def edits_from_editor(shown: pd.DataFrame, edited_rows: dict) -> pd.DataFrame:
    """Rows to save from a data editor's `edited_rows` ({row position: {column: value}}) over the shown worklist."""
    rows = [{**shown.iloc[int(position)][["lot_key", *WORKLIST_FIELDS]].to_dict(), **change}
            for position, change in edited_rows.items()]
    return pd.DataFrame(rows, columns=["lot_key", *WORKLIST_FIELDS])


class Store:
    """One small gateway to the database; tables are created on first use."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(self.url)
        metadata.create_all(self.engine)

    def worklist_edits(self) -> pd.DataFrame:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(worklist)).mappings().all()
        return pd.DataFrame(rows, columns=["lot_key", *WORKLIST_FIELDS, "updated_at"])

    def save_worklist_edits(self, edits: pd.DataFrame) -> int:
        """Upsert owner/action/status per lot key; returns the number of lots saved."""
        with self.engine.begin() as connection:
            for row in edits.to_dict("records"):
                values = {f: _clean(row.get(f)) for f in WORKLIST_FIELDS} | {"updated_at": _now()}
                updated = connection.execute(sa.update(worklist).where(worklist.c.lot_key == row["lot_key"])
                                             .values(**values)).rowcount
                if not updated:
                    connection.execute(sa.insert(worklist).values(lot_key=row["lot_key"], **values))
        return len(edits)

    def save_scenario(self, name: str, settings: dict) -> None:
        name = name.strip()
        if not name:
            raise ValueError("a scenario needs a name")
        text = json.dumps(settings, ensure_ascii=False, sort_keys=True)
        with self.engine.begin() as connection:
            connection.execute(sa.delete(scenarios).where(scenarios.c.name == name))
            connection.execute(sa.insert(scenarios).values(name=name, settings=text, saved_at=_now()))

    def scenario_names(self) -> list[str]:
        with self.engine.connect() as connection:
            return list(connection.execute(sa.select(scenarios.c.name).order_by(scenarios.c.saved_at.desc())).scalars())

    def load_scenario(self, name: str) -> dict:
        with self.engine.connect() as connection:
            text = connection.execute(sa.select(scenarios.c.settings).where(scenarios.c.name == name)).scalar()
        if text is None:
            raise KeyError(name)
        return json.loads(text)

    def delete_scenario(self, name: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(scenarios).where(scenarios.c.name == name))

    def targets(self) -> dict[str, dict]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(targets)).mappings().all()
        return {r["kpi"]: {"value": r["value"], "due_date": r["due_date"]} for r in rows}

    def set_target(self, kpi: str, value: float, due_date: date | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(targets).where(targets.c.kpi == kpi))
            connection.execute(sa.insert(targets).values(kpi=kpi, value=float(value), due_date=due_date,
                                                         updated_at=_now()))

    def plan(self) -> pd.DataFrame:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(plan_steps).order_by(plan_steps.c.id)).mappings().all()
        return pd.DataFrame(rows, columns=[*PLAN_COLUMNS, "created_at"])[PLAN_COLUMNS]

    def add_plan_step(self, title: str, owner: str | None = None, due_date: date | None = None,
                      planned_cash: float = 0.0, evidence: str | None = None) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(sa.insert(plan_steps).values(
                title=title, owner=_clean(owner), due_date=due_date, status="open", planned_cash=float(planned_cash),
                released_cash=0.0, evidence=evidence, created_at=_now()))
        return int(result.inserted_primary_key[0])

    def update_plan(self, steps: pd.DataFrame) -> None:
        """Save edited steps (owner, due date, status, released cash); rows without an id are added."""
        with self.engine.begin() as connection:
            for row in steps.to_dict("records"):
                values = {k: _clean(row.get(k)) for k in ("title", "owner", "due_date", "status", "evidence")}
                values["due_date"] = pd.Timestamp(values["due_date"]).date() if values["due_date"] else None
                values["planned_cash"] = float(row.get("planned_cash") or 0.0)
                values["released_cash"] = float(row.get("released_cash") or 0.0)
                values["status"] = values["status"] or "open"
                if _clean(row.get("id")) is None:
                    if values["title"]:
                        connection.execute(sa.insert(plan_steps).values(**values, created_at=_now()))
                else:
                    connection.execute(sa.update(plan_steps).where(plan_steps.c.id == int(row["id"])).values(**values))

    def delete_plan_step(self, step_id: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(plan_steps).where(plan_steps.c.id == step_id))

    def save_header_mapping(self, signature: str, mapping: dict) -> None:
        """Remember a hand mapping (and reading conventions) for a file layout, keyed by its header signature."""
        text = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
        with self.engine.begin() as connection:
            connection.execute(sa.delete(header_mappings).where(header_mappings.c.signature == signature))
            connection.execute(sa.insert(header_mappings).values(signature=signature, mapping=text, saved_at=_now()))

    def header_mapping(self, signature: str) -> dict | None:
        with self.engine.connect() as connection:
            text = connection.execute(sa.select(header_mappings.c.mapping)
                                      .where(header_mappings.c.signature == signature)).scalar()
        return json.loads(text) if text is not None else None
