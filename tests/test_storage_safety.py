"""Saved data under concurrency and faults: optimistic versions, WAL, a killed writer, a read-only folder,
and user data kept per dataset."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest
import sqlalchemy as sa

from core.storage import SAMPLE_DATASET, EditConflict, Store, dataset_key, edits_from_editor
from tests.conftest import ROOT

LOT = "A-001|成品仓|B1"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """Each database the app is run on: SQLite in the data folder (one server), PostgreSQL (several servers)."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'board.sqlite'}"


def shown_row(store: Store, lot_key: str = LOT) -> pd.DataFrame:
    """The worklist row as a session shows it: the file's fields overridden by what is saved, with its version."""
    saved = store.worklist_edits().set_index("lot_key")
    row = {"lot_key": lot_key, "owner": None, "action": None, "action_status": None, "version": 0}
    if lot_key in saved.index:
        row |= saved.loc[lot_key, ["owner", "action", "action_status", "version"]].to_dict()
    return pd.DataFrame([row])


def test_the_second_of_two_edits_of_one_worklist_row_is_refused_and_told_the_winners_value(url):
    alice, bob = Store(url), Store(url)  # two sessions (or two servers) on one database
    assert alice.writable and bob.writable
    seen_by_alice, seen_by_bob = shown_row(alice), shown_row(bob)
    alice.save_worklist_edits(edits_from_editor(seen_by_alice, {0: {"owner": "王芳"}}))
    with pytest.raises(EditConflict) as refused:
        bob.save_worklist_edits(edits_from_editor(seen_by_bob, {0: {"owner": "李雷"}}))
    assert refused.value.current[LOT]["owner"] == "王芳"
    assert shown_row(alice).loc[0, "owner"] == shown_row(bob).loc[0, "owner"] == "王芳"


def test_an_edit_made_after_seeing_the_latest_version_is_saved(url):
    alice, bob = Store(url), Store(url)
    alice.save_worklist_edits(edits_from_editor(shown_row(alice), {0: {"owner": "王芳"}}))
    bob.save_worklist_edits(edits_from_editor(shown_row(bob), {0: {"owner": "李雷"}}))
    assert shown_row(alice).loc[0, ["owner", "version"]].tolist() == ["李雷", 2]


def test_an_edit_already_saved_and_shown_is_not_saved_again():
    shown = pd.DataFrame([{"lot_key": LOT, "owner": "王芳", "action": None, "action_status": None, "version": 3}])
    assert edits_from_editor(shown, {0: {"owner": "王芳"}}).empty


def test_concurrent_writers_from_threads_lose_no_update_silently(url):
    """Twenty threads each try to save their name over version 0: exactly one wins, nineteen are told."""
    stores = [Store(url) for _ in range(20)]
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def edit(store: Store, name: str) -> None:
        seen = shown_row(store)
        start.wait()
        try:
            store.save_worklist_edits(edits_from_editor(seen, {0: {"owner": name}}))
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("told")

    threads = [threading.Thread(target=edit, args=(s, f"user{i}")) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved"] + ["told"] * 19
    assert shown_row(stores[0]).loc[0, "version"] == 1


def test_a_target_saved_by_someone_else_since_it_was_shown_is_not_overwritten(url):
    alice, bob = Store(url), Store(url)
    alice.set_target("ito", 6.0, version=alice.target_versions().get("ito", 0))
    with pytest.raises(EditConflict) as refused:
        bob.set_target("ito", 8.0, version=0)  # Bob's page was drawn before Alice saved
    assert refused.value.current["ito"]["value"] == 6.0
    bob.set_target("ito", 8.0, version=bob.target_versions()["ito"])
    assert alice.targets()["ito"]["value"] == 8.0


def test_a_plan_step_saved_by_someone_else_since_it_was_shown_is_not_overwritten(url):
    alice, bob = Store(url), Store(url)
    step = alice.add_plan_step("暂停采购", None, dt.date(2026, 1, 31), 500.0)
    seen_by_bob = bob.plan()
    alice_plan = alice.plan()
    alice_plan.loc[0, "released_cash"] = 200.0
    alice.update_plan(alice_plan)
    seen_by_bob.loc[0, "released_cash"] = 300.0
    with pytest.raises(EditConflict) as refused:
        bob.update_plan(seen_by_bob)
    assert refused.value.current[step]["released_cash"] == 200.0
    assert alice.plan().loc[0, "released_cash"] == bob.plan().loc[0, "released_cash"] == 200.0


def test_a_scenario_saved_by_someone_else_since_it_was_seen_is_not_overwritten(url):
    alice, bob = Store(url), Store(url)
    first = alice.save_scenario("基准", {"policy": "rop"}, version=0)
    seen_by_alice, seen_by_bob = alice.saved_scenario("基准")[1], bob.saved_scenario("基准")[1]
    assert first == seen_by_alice == seen_by_bob == 1
    assert bob.save_scenario("基准", {"policy": "minmax"}, version=seen_by_bob) == 2
    with pytest.raises(EditConflict) as refused:
        alice.save_scenario("基准", {"policy": "periodic"}, version=seen_by_alice)
    assert refused.value.current["基准"] == {"settings": {"policy": "minmax"}, "version": 2}
    assert alice.load_scenario("基准") == bob.load_scenario("基准") == {"policy": "minmax"}
    assert alice.save_scenario("基准", {"policy": "periodic"}, version=2) == 3  # after seeing Bob's
    assert bob.scenario_versions() == {"基准": 3} and bob.load_scenario("基准") == {"policy": "periodic"}


def test_a_new_scenario_name_taken_by_someone_else_meanwhile_is_not_overwritten(url):
    alice, bob = Store(url), Store(url)
    alice.save_scenario("短提前期", {"lead_time_scale": 0.8}, version=0)
    with pytest.raises(EditConflict) as refused:
        bob.save_scenario("短提前期", {"lead_time_scale": 0.5}, version=0)  # Bob saw the name free
    assert refused.value.current["短提前期"]["settings"] == {"lead_time_scale": 0.8}


def test_a_scenario_deleted_since_it_was_seen_is_reported_empty_and_an_unchecked_save_still_replaces(url):
    alice, bob = Store(url), Store(url)
    alice.save_scenario("基准", {"policy": "rop"})
    bob.delete_scenario("基准")
    with pytest.raises(EditConflict) as refused:
        alice.save_scenario("基准", {"policy": "minmax"}, version=1)
    assert refused.value.current == {"基准": {}}
    alice.save_scenario("基准", {"policy": "minmax"})
    alice.save_scenario("基准", {"policy": "periodic"})
    assert bob.saved_scenario("基准") == ({"policy": "periodic"}, 2)


def test_concurrent_saves_of_one_scenario_from_threads_lose_none_silently(url):
    """Twenty threads each save their scenario over version 1: exactly one wins, nineteen are told."""
    Store(url).save_scenario("基准", {"policy": "rop"})
    stores = [Store(url) for _ in range(20)]
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def save(store: Store, review_days: int) -> None:
        seen = store.saved_scenario("基准")[1]
        start.wait()
        try:
            store.save_scenario("基准", {"policy": "periodic", "review_days": review_days}, version=seen)
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("told")

    threads = [threading.Thread(target=save, args=(s, i + 1)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved"] + ["told"] * 19
    assert stores[0].saved_scenario("基准")[1] == 2


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'board.sqlite'}")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_user_data_is_kept_per_dataset_and_the_samples_apart(url):
    sample, ours, theirs = Store(url), Store(url, "upload:ours"), Store(url, "upload:theirs")
    sample.add_plan_step("样例计划", planned_cash=14_220_000.0)
    sample.set_target("ito", 6.0)
    sample.save_scenario("样例情景", {"policy": "rop"})
    ours.add_plan_step("我们的计划", planned_cash=100_000.0)
    assert sample.dataset == SAMPLE_DATASET
    assert ours.plan()["title"].tolist() == ["我们的计划"]
    assert theirs.plan().empty and theirs.targets() == {} and theirs.scenario_names() == []
    assert sample.plan()["title"].tolist() == ["样例计划"]


def test_next_months_export_of_the_same_report_keeps_its_dataset_key_and_another_companys_does_not():
    november = dataset_key(["物料编码", "仓库", "数量", "金额"], ["成品仓", "原材料仓"])
    december = dataset_key([" 物料编码", "金额", "仓库", "数量"], ["原材料仓", "成品仓"])
    other = dataset_key(["物料编码", "仓库", "数量", "金额"], ["一号仓", "二号仓"])
    assert november == december != other
    assert november.startswith("upload:") and november != SAMPLE_DATASET


def test_a_database_from_before_datasets_keeps_its_rows_as_the_samples(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE worklist (lot_key VARCHAR(400) PRIMARY KEY, owner VARCHAR(200), "
                    "action VARCHAR(200), action_status VARCHAR(100), updated_at DATETIME)")
        old.execute("INSERT INTO worklist (lot_key, owner) VALUES (?, ?)", (LOT, "张伟"))
        old.execute("CREATE TABLE targets (kpi VARCHAR(100) PRIMARY KEY, value FLOAT NOT NULL, due_date DATE, "
                    "updated_at DATETIME)")
        old.execute("INSERT INTO targets (kpi, value) VALUES ('ito', 5.5)")
    store = Store(f"sqlite:///{path}")
    assert store.worklist_edits().loc[0, ["lot_key", "owner", "version"]].tolist() == [LOT, "张伟", 1]
    assert store.targets()["ito"]["value"] == 5.5
    assert Store(f"sqlite:///{path}", "upload:x").targets() == {}


def test_scenarios_saved_before_versions_keep_their_settings_at_version_1(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE scenarios (dataset VARCHAR(64) NOT NULL, name VARCHAR(200) NOT NULL, "
                    "settings TEXT NOT NULL, saved_at DATETIME, PRIMARY KEY (dataset, name))")
        old.execute("INSERT INTO scenarios (dataset, name, settings) VALUES (?, ?, ?)",
                    ("sample", "基准", '{"policy": "rop"}'))
    store = Store(f"sqlite:///{path}")
    assert store.saved_scenario("基准") == ({"policy": "rop"}, 1)
    with pytest.raises(EditConflict):
        store.save_scenario("基准", {"policy": "minmax"}, version=0)
    assert store.save_scenario("基准", {"policy": "minmax"}, version=1) == 2


def test_a_folder_that_cannot_be_created_leaves_a_read_only_store_that_reads_nothing_and_saves_nothing(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = Store(f"sqlite:///{blocker / 'data' / 'board.sqlite'}")
    assert not store.writable
    store.set_target("ito", 6.0)
    store.add_plan_step("x")
    assert store.targets() == {} and store.plan().empty and store.worklist_edits().empty


def test_a_read_only_database_still_shows_what_was_saved(tmp_path, monkeypatch):
    path = tmp_path / "board.sqlite"
    Store(f"sqlite:///{path}").set_target("ito", 6.0)
    real_engine = sa.create_engine

    def read_only_disk(url, *args, **kwargs):
        if "mode=ro" not in str(url):  # as on a read-only mount: every writable open fails
            kwargs.setdefault("connect_args", {})
            url = f"sqlite:///file:{path}?mode=ro&uri=true"
        return real_engine(url, *args, **kwargs)

    monkeypatch.setattr(sa, "create_engine", read_only_disk)
    store = Store(f"sqlite:///{path}")
    assert not store.writable
    assert store.targets()["ito"]["value"] == 6.0
    store.set_target("ito", 9.0)
    monkeypatch.undo()
    assert Store(f"sqlite:///{path}").targets()["ito"]["value"] == 6.0


WRITER = """
import sys
from core.storage import Store
store = Store(sys.argv[1])
store.set_target("ito", 0.0)
print("ready", flush=True)
i = 0
while True:
    i += 1
    edits = __import__("pandas").DataFrame([{"lot_key": f"lot{k}", "owner": f"v{i}", "action": f"v{i}",
                                             "action_status": f"v{i}"} for k in range(200)])
    store.save_worklist_edits(edits)  # 200 rows in one transaction: all at v{i} or all at v{i-1}
    store.set_target("ito", float(i))
"""


def test_a_writer_killed_mid_save_leaves_a_readable_database_with_old_or_new_values(tmp_path):
    url = f"sqlite:///{tmp_path / 'board.sqlite'}"
    for _ in range(3):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        with sqlite3.connect(tmp_path / "board.sqlite") as check:
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        restarted = Store(url)
        saved = restarted.worklist_edits()
        assert len(saved) == 200
        assert saved["owner"].nunique() == 1  # one transaction's rows: never a mix of two saves
        assert (saved["owner"] == saved["action"]).all() and (saved["owner"] == saved["action_status"]).all()
        saves = int(saved["owner"].iloc[0].removeprefix("v"))
        assert restarted.targets()["ito"]["value"] in (saves - 1.0, float(saves))


def test_a_database_server_down_when_the_app_starts_is_used_once_it_answers(postgres_url, monkeypatch):
    """The app server started before PostgreSQL (or during its restart): read-only at first, then asked again
    (every 30 s at most) and written to once it answers, without restarting the app."""
    import core.storage as storage
    from ui import state

    real_engine, down = storage._engine, [True]

    def engine(url: str) -> sa.Engine:
        if down[0]:
            raise sa.exc.OperationalError("connect", {}, ConnectionRefusedError("connection refused"))
        return real_engine(url)

    monkeypatch.setattr(storage, "_engine", engine)
    monkeypatch.setenv("IDB_DATABASE_URL", postgres_url)
    state.database.clear()
    assert not state.open_database().writable
    down[0] = False
    assert not state.open_database().writable  # not asked again on every rerun of every session
    monkeypatch.setattr(state, "UNREACHABLE_RETRY_SECONDS", 0.0)
    store = state.open_database()
    assert store.writable
    store.set_target("ito", 6.0)
    assert Store(postgres_url).targets()["ito"]["value"] == 6.0
    state.database.clear()


def test_a_sqlite_file_that_cannot_be_written_is_not_asked_again(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert not Store(f"sqlite:///{blocker / 'board.sqlite'}").unreachable
