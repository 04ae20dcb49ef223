"""Persistence for what users edit: the risk worklist, saved scenarios, targets and the action plan.

SQLite in the user's data folder by default; any SQLAlchemy URL (e.g. PostgreSQL) by setting
`IDB_DATABASE_URL`. The folder is `IDB_DATA_DIR`, else `$XDG_DATA_HOME/inventory-decision-board`,
else `~/.local/share/inventory-decision-board`.

Everything saved belongs to one dataset (`dataset_key`): the bundled sample's edits never show on an upload, and
one company's plan never on another's. Worklist rows, targets, plan steps and scenarios carry a version: a save
names the version the user saw, and when another session saved first the save is refused (`EditConflict`) instead
of silently overwriting it. SQLite runs in WAL mode with a busy timeout, so readers never wait for a writer and two
writers queue; every save is one transaction, so a process killed mid-save leaves the old or the new value.
A data folder that cannot be written leaves the store read-only: figures still show, saves do nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

APP_FOLDER = "inventory-decision-board"
WORKLIST_FIELDS = ("owner", "action", "action_status")
WORKLIST_CODES = {"action": ("transfer", "promotion", "scrap", "return", "other"),
                  "action_status": ("todo", "doing", "done")}
"""The worklist's coded fields and their codes: stored as codes, shown in the words of the reader's language."""
SAMPLE_DATASET = "sample"
BUSY_TIMEOUT_MS = 10_000

metadata = sa.MetaData()
worklist = sa.Table(
    "worklist", metadata,
    sa.Column("dataset", sa.String(64), primary_key=True, default=SAMPLE_DATASET),
    sa.Column("lot_key", sa.String(400), primary_key=True),
    sa.Column("owner", sa.String(200)), sa.Column("action", sa.String(200)), sa.Column("action_status", sa.String(100)),
    sa.Column("updated_at", sa.DateTime),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)
scenarios = sa.Table(
    "scenarios", metadata,
    sa.Column("dataset", sa.String(64), primary_key=True, default=SAMPLE_DATASET),
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)
targets = sa.Table(
    "targets", metadata,
    sa.Column("dataset", sa.String(64), primary_key=True, default=SAMPLE_DATASET),
    sa.Column("kpi", sa.String(100), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("due_date", sa.Date),
    sa.Column("updated_at", sa.DateTime),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)
plan_steps = sa.Table(
    "plan_steps", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset", sa.String(64), nullable=False, index=True, default=SAMPLE_DATASET),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("owner", sa.String(200)),
    sa.Column("due_date", sa.Date),
    sa.Column("status", sa.String(50), nullable=False, default="open"),
    sa.Column("planned_cash", sa.Float, nullable=False, default=0.0),
    sa.Column("released_cash", sa.Float, nullable=False, default=0.0),
    sa.Column("evidence", sa.Text),
    sa.Column("created_at", sa.DateTime),
)
PLAN_STATUSES = ("open", "doing", "done", "exceeded")
"""A step's status; `exceeded` is the explicit word for more released than planned, which needs a reason."""
PLAN_COLUMNS = ["id", "title", "owner", "due_date", "status", "planned_cash", "released_cash", "evidence", "version"]
header_mappings = sa.Table(
    "header_mappings", metadata,
    sa.Column("signature", sa.String(64), primary_key=True),
    sa.Column("mapping", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime),
)


def coded(field: str, value: object, labels: dict[str, dict[str, str]]) -> object:
    """A worklist value as stored: the code of a known label (in any language, any case), a code as it is, empty
    as None; text that is neither (a tracker field typed in the ERP) is kept as typed."""
    value = _clean(value)
    if value is None or field not in WORKLIST_CODES:
        return value
    text = str(value).strip()
    if text in WORKLIST_CODES[field]:
        return text
    return labels.get(field, {}).get(text.casefold(), text)


class InvalidEdit(ValueError):
    """Steps that were not saved because what was typed cannot be true: `problems` holds, per step, the field, a
    catalogue code and its numbers (`released_above_planned`, `released`, `planned`), for the page to word."""

    def __init__(self, problems: list[dict]) -> None:
        super().__init__(f"{len(problems)} step(s) not saved: " + ", ".join(p["code"] for p in problems))
        self.problems = problems


def _day(value: object) -> date | None:
    """A date from a date, timestamp or text; None for nothing (None, NaN, NaT, "")."""
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _same_day(saved: object, typed: object) -> bool:
    return _day(saved) == _day(typed)


def plan_step_problems(step: dict, today: date) -> list[dict]:
    """What makes a typed plan step impossible: negative money, more released than planned (unless marked
    `exceeded` with a reason in the evidence), a due date before the step was created."""
    problems = []
    title = _clean(step.get("title")) or "—"
    planned, released = float(step.get("planned_cash") or 0.0), float(step.get("released_cash") or 0.0)
    for field, value in (("planned_cash", planned), ("released_cash", released)):
        if value < 0:
            problems.append({"step": title, "field": field, "code": "negative", "value": value})
    explained = step.get("status") == "exceeded" and _clean(step.get("evidence")) is not None
    if released > planned + 0.005 and not explained:
        problems.append({"step": title, "field": "released_cash", "code": "released_above_planned",
                         "released": released, "planned": planned})
    due, start = _day(step.get("due_date")), _day(step.get("created_at")) or today
    if due is not None and due < start:
        problems.append({"step": title, "field": "due_date", "code": "due_before_created",
                         "due": due.isoformat(), "created": start.isoformat()})
    return problems


class EditConflict(Exception):
    """Another session saved first: `current` holds what is saved now, by key (lot key, KPI or plan step id)."""

    def __init__(self, current: dict[object, dict]) -> None:
        super().__init__(f"{len(current)} edit(s) were saved by someone else first")
        self.current = current


def dataset_key(headers: list[str], warehouses: list[str]) -> str:
    """The key user data is saved under for an uploaded lots file: its header layout and its warehouses.

    Not the file's content hash, or next month's export of the same report would start an empty plan; not the
    file name, which users change (and which two companies may share). The ERP's header layout and the set of
    the company's warehouses stay the same from one month's export to the next and differ between companies.
    """
    signature = json.dumps([sorted({h.strip().lower() for h in headers}), sorted({str(w) for w in warehouses})],
                           ensure_ascii=False)
    return "upload:" + hashlib.sha256(signature.encode("utf-8")).hexdigest()[:24]


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
    """Rows to save from a data editor's `edited_rows` ({row position: {column: value}}) over the shown worklist.

    Only rows that now differ from what is shown: the editor keeps every edit since it was drawn, and an edit
    already saved (and so shown) must not be saved again over a newer one. With a `version` column in `shown`,
    each row carries the version the user saw, for the optimistic check in `Store.save_worklist_edits`.
    """
    columns = ["lot_key", *WORKLIST_FIELDS, *(["version"] if "version" in shown.columns else [])]
    rows = []
    for position, change in edited_rows.items():
        before = shown.iloc[int(position)][columns].to_dict()
        row = {**before, **{k: v for k, v in change.items() if k in WORKLIST_FIELDS}}
        if any(_clean(row[f]) != _clean(before[f]) for f in WORKLIST_FIELDS):
            rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _sqlite_pragmas(connection: sqlite3.Connection, _record: object) -> None:
    """WAL: readers never block on a writer; the busy timeout makes a second writer wait instead of failing."""
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if connection.execute("PRAGMA query_only").fetchone()[0] == 0:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")  # in WAL, durable against a killed process
        except sqlite3.OperationalError:
            pass  # a read-only database keeps its journal mode


def _begin_immediate(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _engine(url: str) -> sa.Engine:
    """An engine; for SQLite, transactions take the write lock when they begin (BEGIN IMMEDIATE).

    With a deferred BEGIN, a transaction that read and then writes after another session committed fails at once
    (a stale WAL snapshot cannot be upgraded, whatever the busy timeout); taken up front, the lock is waited for.
    """
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)  # a database server restarted meanwhile is reconnected
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None})
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    sa.event.listen(engine, "begin", _begin_immediate)
    return engine


def _inserted(connection: sa.Connection, insert: sa.Insert) -> bool:
    """Insert a new row; False when another session inserted the same key meanwhile.

    SQLite's writers queue (BEGIN IMMEDIATE), so the check before the insert holds; on PostgreSQL two transactions
    can both see the key free, and the second insert fails on the primary key. Inside a savepoint that failure
    leaves the rest of the transaction (the user's other rows) to be saved.
    """
    try:
        with connection.begin_nested():
            connection.execute(insert)
    except sa.exc.IntegrityError:
        return False
    return True


def _migrate(engine: sa.Engine) -> None:
    """Bring tables from before datasets and versions up to date: their rows become the sample's, at version 1."""
    with engine.begin() as connection:
        existing = sa.inspect(connection)
        for table in metadata.sorted_tables:
            if not existing.has_table(table.name):
                continue
            have = {c["name"] for c in existing.get_columns(table.name)}
            if {c.name for c in table.columns} <= have:
                continue
            old = f"{table.name}_before_datasets"
            connection.exec_driver_sql(f'ALTER TABLE "{table.name}" RENAME TO "{old}"')
            for index in table.indexes:
                connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{index.name}"')
            table.create(connection)
            shared = [c.name for c in table.columns if c.name in have]
            filled = {"dataset": f"'{SAMPLE_DATASET}'", "version": "1"}
            added = [c for c in filled if c not in have]
            columns = ", ".join(f'"{c}"' for c in [*shared, *added])
            values = ", ".join([*(f'"{c}"' for c in shared), *(filled[c] for c in added)])
            connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({columns}) SELECT {values} FROM "{old}"')
            connection.exec_driver_sql(f'DROP TABLE "{old}"')


def _create_tables(engine: sa.Engine, attempts: int = 3) -> None:
    """Migrate and create the tables. Two app servers starting at once on one empty PostgreSQL database race to
    create the same table; the loser's CREATE fails on the catalogue's unique index, and trying again finds the
    table made."""
    for attempt in range(attempts):
        try:
            _migrate(engine)
            metadata.create_all(engine)
            return
        except (sa.exc.IntegrityError, sa.exc.ProgrammingError):
            if attempt == attempts - 1:
                raise


class Store:
    """One small gateway to the database for one dataset's saved data; tables are created on first use.

    `writable` is False when the data folder or database cannot be written: reads then come from the existing
    database opened read-only (or an empty one in memory) and saves are ignored; the app says so once.
    """

    def __init__(self, url: str | None = None, dataset: str = SAMPLE_DATASET, *,
                 labels: dict[str, dict[str, str]] | None = None, _engine_of: Store | None = None) -> None:
        self.dataset = dataset
        self.labels = {f: {k.casefold(): c for k, c in known.items()} for f, known in (labels or {}).items()}
        if _engine_of is not None:
            self.url, self.engine, self.writable = _engine_of.url, _engine_of.engine, _engine_of.writable
            self.opened_at, self.unreachable = _engine_of.opened_at, _engine_of.unreachable
            self.labels = _engine_of.labels
            return
        self.url = url or database_url()
        self.opened_at = time.monotonic()
        self.unreachable = False  # a database server that did not answer: worth asking again later
        try:
            if self.url.startswith("sqlite:///"):
                Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _engine(self.url)
            _create_tables(self.engine)
            with self.engine.begin() as connection:  # a write that changes nothing proves the database writable
                connection.execute(sa.update(targets).where(sa.false()).values(value=0.0))
                if self.url.startswith("sqlite"):  # SQLite checks a read-only file only when a page is written
                    connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS write_probe (x)")
                    connection.exec_driver_sql("DROP TABLE write_probe")
            self.writable = True
            self._labels_to_codes()
        except (OSError, sa.exc.OperationalError, sa.exc.DatabaseError) as error:
            self.unreachable = not self.url.startswith("sqlite") and isinstance(error, sa.exc.OperationalError)
            self.engine, self.writable = self._read_only_engine(), False

    def _labels_to_codes(self) -> None:
        """Worklists saved before codes hold labels in whichever language the saver used: each known label becomes
        its code, once, in one transaction (a label no catalogue knows is left as typed)."""
        with self.engine.begin() as connection:
            for field, known in self.labels.items():
                column = worklist.c[field]
                for label, code in known.items():
                    connection.execute(sa.update(worklist).where(sa.func.lower(sa.func.trim(column)) == label)
                                       .values({field: code}))

    def _read_only_engine(self) -> sa.Engine:
        path = Path(self.url.removeprefix("sqlite:///")) if self.url.startswith("sqlite:///") else None
        if path is not None and path.is_file():
            engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true")
            try:
                with engine.connect() as connection:
                    connection.execute(sa.select(targets.c.kpi).limit(1)).all()
                return engine
            except sa.exc.DBAPIError:
                pass
        engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool,  # one empty database for all threads
                                  connect_args={"check_same_thread": False})
        metadata.create_all(engine)
        return engine

    def for_dataset(self, dataset: str) -> Store:
        """The same database, saving under another dataset's key."""
        return Store(dataset=dataset, _engine_of=self)

    def worklist_edits(self) -> pd.DataFrame:
        """Saved worklist rows; action and status as codes (a read-only database of old labels is coded here)."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(worklist).where(worklist.c.dataset == self.dataset)).mappings().all()
        saved = pd.DataFrame(rows, columns=["lot_key", *WORKLIST_FIELDS, "updated_at", "version"])
        for field in WORKLIST_CODES:
            saved[field] = saved[field].map(lambda v, f=field: coded(f, v, self.labels))
        return saved

    def save_worklist_edits(self, edits: pd.DataFrame) -> int:
        """Upsert owner/action/status per lot key; returns the number of lots saved.

        With a `version` column (the version each row had when the user saw it; 0 or empty for never saved) a
        row saved since by someone else is not overwritten: the other rows are saved, then `EditConflict` says
        which rows were refused and what they hold now.
        """
        if not self.writable:
            return 0
        checked = "version" in edits.columns
        refused: list[object] = []
        saved = 0
        with self.engine.begin() as connection:
            for row in edits.to_dict("records"):
                values = {f: coded(f, row.get(f), self.labels) for f in WORKLIST_FIELDS} | {"updated_at": _now()}
                seen = int(row["version"]) if checked and _clean(row.get("version")) is not None else 0
                where = (worklist.c.dataset == self.dataset) & (worklist.c.lot_key == row["lot_key"])
                if checked:
                    where &= worklist.c.version == seen
                updated = connection.execute(sa.update(worklist).where(where)
                                             .values(**values, version=worklist.c.version + 1)).rowcount
                if updated:
                    saved += 1
                elif checked and (seen or self._has_lot(connection, row["lot_key"])):
                    refused.append(row["lot_key"])
                elif _inserted(connection, sa.insert(worklist).values(dataset=self.dataset, lot_key=row["lot_key"],
                                                                       version=1, **values)):
                    saved += 1
                else:
                    refused.append(row["lot_key"])
        if refused:
            current = self.worklist_edits().set_index("lot_key")
            raise EditConflict({k: current.loc[k, [*WORKLIST_FIELDS, "version"]].to_dict() for k in refused})
        return saved

    def _has_lot(self, connection: sa.Connection, lot_key: str) -> bool:
        return connection.execute(sa.select(worklist.c.version).where(
            (worklist.c.dataset == self.dataset) & (worklist.c.lot_key == lot_key))).first() is not None

    def save_scenario(self, name: str, settings: dict, version: int | None = None) -> int:
        """Save a scenario under its name; returns the version it now has (0 when nothing can be saved).

        With `version` (the one the user last saw, 0 for a name they saw free) a scenario saved by someone else
        since is not overwritten: `EditConflict` says what it holds now (`settings`, `version`; empty if deleted).
        """
        name = name.strip()
        if not name:
            raise ValueError("a scenario needs a name")
        if not self.writable:
            return 0
        values = {"settings": json.dumps(settings, ensure_ascii=False, sort_keys=True), "saved_at": _now()}
        saved = self._save_versioned(scenarios, self._scenario(name), {"name": name}, values, version)
        if saved is None:
            raise EditConflict({name: self._scenario_now(name)})
        return saved

    def _save_versioned(self, table: sa.Table, where: sa.ColumnElement[bool], key: dict, values: dict,
                        version: int | None) -> int | None:
        """Insert or update the one row `where` selects, one version up; returns its new version. With `version`
        (the one the user saw, 0 for no row) a row saved by someone else since is left as it is: None."""
        with self.engine.begin() as connection:
            current = connection.execute(sa.select(table.c.version).where(where)).scalar()
            if version is not None and (current or 0) != version:
                return None
            if current is None:
                if not _inserted(connection, sa.insert(table).values(dataset=self.dataset, **key, version=1,
                                                                     **values)):
                    return None
            elif not connection.execute(sa.update(table).where(where & (table.c.version == current))
                                        .values(**values, version=current + 1)).rowcount:
                return None
        return (current or 0) + 1

    def _scenario_now(self, name: str) -> dict:
        """What a scenario holds now, `settings` and `version`; empty when it was deleted."""
        try:
            settings, version = self.saved_scenario(name)
        except KeyError:
            return {}
        return {"settings": settings, "version": version}

    def _scenario(self, name: str) -> sa.ColumnElement[bool]:
        return (scenarios.c.dataset == self.dataset) & (scenarios.c.name == name)

    def scenario_names(self) -> list[str]:
        with self.engine.connect() as connection:
            return list(connection.execute(sa.select(scenarios.c.name).where(scenarios.c.dataset == self.dataset)
                                           .order_by(scenarios.c.saved_at.desc())).scalars())

    def scenario_versions(self) -> dict[str, int]:
        """The version of each saved scenario, to hand back to `save_scenario` when the user saves over it."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(scenarios.c.name, scenarios.c.version)
                                      .where(scenarios.c.dataset == self.dataset)).all()
        return {name: version for name, version in rows}

    def saved_scenario(self, name: str) -> tuple[dict, int]:
        """A scenario's settings and version, read together (so the version is that of these settings)."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(scenarios.c.settings, scenarios.c.version)
                                     .where(self._scenario(name))).first()
        if row is None:
            raise KeyError(name)
        return json.loads(row.settings), int(row.version)

    def load_scenario(self, name: str) -> dict:
        return self.saved_scenario(name)[0]

    def delete_scenario(self, name: str) -> None:
        if not self.writable:
            return
        with self.engine.begin() as connection:
            connection.execute(sa.delete(scenarios).where(self._scenario(name)))

    def targets(self) -> dict[str, dict]:
        return {kpi: {"value": t["value"], "due_date": t["due_date"]} for kpi, t in self._target_rows().items()}

    def target_versions(self) -> dict[str, int]:
        """The version of each saved target, to hand back to `set_target` when the user saves."""
        return {kpi: t["version"] for kpi, t in self._target_rows().items()}

    def _target_rows(self) -> dict[str, dict]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(targets).where(targets.c.dataset == self.dataset)).mappings().all()
        return {r["kpi"]: dict(r) for r in rows}

    def set_target(self, kpi: str, value: float, due_date: date | None = None, version: int | None = None) -> None:
        """Save a target; with `version` (what the user saw, 0 for none) a target saved since raises EditConflict."""
        if not self.writable:
            return
        values = {"value": float(value), "due_date": due_date, "updated_at": _now()}
        where = (targets.c.dataset == self.dataset) & (targets.c.kpi == kpi)
        if self._save_versioned(targets, where, {"kpi": kpi}, values, version) is None:
            raise EditConflict({kpi: self._target_rows().get(kpi, {})})

    def plan(self) -> pd.DataFrame:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(plan_steps).where(plan_steps.c.dataset == self.dataset)
                                      .order_by(plan_steps.c.id)).mappings().all()
        return pd.DataFrame(rows, columns=[*PLAN_COLUMNS, "created_at"])[PLAN_COLUMNS]

    def add_plan_step(self, title: str, owner: str | None = None, due_date: date | None = None,
                      planned_cash: float = 0.0, evidence: str | None = None) -> int:
        if not self.writable:
            return 0
        with self.engine.begin() as connection:
            result = connection.execute(sa.insert(plan_steps).values(
                dataset=self.dataset, version=1, title=title, owner=_clean(owner), due_date=due_date, status="open",
                planned_cash=float(planned_cash), released_cash=0.0, evidence=evidence, created_at=_now()))
        return int(result.inserted_primary_key[0])

    def update_plan(self, steps: pd.DataFrame) -> None:
        """Save edited steps (owner, due date, status, released cash); rows without an id are added.

        A step that cannot be true (`plan_step_problems`) is not saved; the others are, then `InvalidEdit` says why.

        A step whose `version` is no longer the saved one (another session saved it first) is left as saved, the
        rest are saved, and `EditConflict` names the refused steps with what they hold now.
        """
        if not self.writable:
            return
        refused, invalid = [], []
        created = self._created_dates()
        with self.engine.begin() as connection:
            for row in steps.to_dict("records"):
                was = created.get(int(row["id"])) if _clean(row.get("id")) is not None else None
                unchanged = was is not None and _same_day(was[1], row.get("due_date"))
                problems = plan_step_problems({**row, "created_at": was[0] if was else None,
                                               **({"due_date": None} if unchanged else {})}, _now().date())
                if problems:
                    invalid.extend(problems)
                    continue
                values = {k: _clean(row.get(k)) for k in ("title", "owner", "due_date", "status", "evidence")}
                values["due_date"] = pd.Timestamp(values["due_date"]).date() if values["due_date"] else None
                values["planned_cash"] = float(row.get("planned_cash") or 0.0)
                values["released_cash"] = float(row.get("released_cash") or 0.0)
                values["status"] = values["status"] or "open"
                if _clean(row.get("id")) is None:
                    if values["title"]:
                        connection.execute(sa.insert(plan_steps).values(**values, dataset=self.dataset, version=1,
                                                                        created_at=_now()))
                    continue
                where = (plan_steps.c.id == int(row["id"])) & (plan_steps.c.dataset == self.dataset)
                if _clean(row.get("version")) is not None:
                    where &= plan_steps.c.version == int(row["version"])
                if not connection.execute(sa.update(plan_steps).where(where)
                                          .values(**values, version=plan_steps.c.version + 1)).rowcount:
                    refused.append(int(row["id"]))
        if refused:
            plan = self.plan().set_index("id")
            raise EditConflict({i: plan.loc[i].to_dict() if i in plan.index else {} for i in refused})
        if invalid:
            raise InvalidEdit(invalid)

    def _created_dates(self) -> dict[int, tuple[datetime | None, date | None]]:
        """Each saved step's creation time and saved due date: a due date is checked only when it is typed."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(plan_steps.c.id, plan_steps.c.created_at, plan_steps.c.due_date)
                                      .where(plan_steps.c.dataset == self.dataset)).all()
        return {int(i): (c, d) for i, c, d in rows}

    def delete_plan_step(self, step_id: int) -> None:
        if not self.writable:
            return
        with self.engine.begin() as connection:
            connection.execute(sa.delete(plan_steps).where((plan_steps.c.id == step_id)
                                                           & (plan_steps.c.dataset == self.dataset)))

    def save_header_mapping(self, signature: str, mapping: dict) -> None:
        """Remember a hand mapping (and reading conventions) for a file layout, keyed by its header signature."""
        if not self.writable:
            return
        text = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
        with self.engine.begin() as connection:
            connection.execute(sa.delete(header_mappings).where(header_mappings.c.signature == signature))
            connection.execute(sa.insert(header_mappings).values(signature=signature, mapping=text, saved_at=_now()))

    def header_mapping(self, signature: str) -> dict | None:
        with self.engine.connect() as connection:
            text = connection.execute(sa.select(header_mappings.c.mapping)
                                      .where(header_mappings.c.signature == signature)).scalar()
        return json.loads(text) if text is not None else None
