"""The results store (core/results.py), against SQLite and a real PostgreSQL (tests/postgres.py): rows
read back whole, a run written twice is one row, lessons listed and filtered, nothing lost while the
database is down, bad files and URLs said without an exception, and a lesson read back after a restart."""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from core.lesson import Lesson
from core.results import FILE_NAME, EarlierLesson, Result, ResultsStore, default_url, new_id
from core.results import table as results_table
from tests.conftest import wait_until
from tests.postgres import PASSWORD, free_port

TIMEOUT_S = 0.3  # the stores' wait for a busy or unreachable database: short, so an outage shows at once
DAY = date(2025, 3, 14)
NOON = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)


@dataclass
class Database:
    url: str
    outage: Callable[[], AbstractContextManager]  # `with database.outage():` the database refuses every write

    def store(self, **options) -> ResultsStore:
        return ResultsStore(self.url, timeout=TIMEOUT_S, **options)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Database:
    if request.param == "sqlite":
        path = tmp_path / "results.sqlite3"

        @contextmanager
        def locked() -> Iterator[None]:  # another process holds SQLite's write lock: writes time out
            holder = sqlite3.connect(path, timeout=0, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                holder.execute("ROLLBACK")
                holder.close()

        return Database(f"sqlite:///{path}", locked)
    cluster = request.getfixturevalue("postgres_cluster")

    @contextmanager
    def stopped() -> Iterator[None]:  # the server goes away and comes back
        cluster.stop()
        try:
            yield
        finally:
            cluster.start()

    return Database(cluster.new_database(), stopped)


@pytest.fixture
def stores() -> Iterator[Callable[[ResultsStore], ResultsStore]]:
    """keep(store): closed at the end of the test, whatever happened."""
    opened: list[ResultsStore] = []
    yield lambda store: opened.append(store) or store
    for store in opened:
        store.close(timeout=1)


def result(**changes) -> Result:
    values = dict(id=new_id(), ended_at=NOON, lesson="", lesson_day=DAY, server="host-a:41", session="s-1",
                  name="Ada", page="cnn", dataset="mnist", settings={"lr": 0.01, "epochs": 1, "optimizer": "adam"},
                  steps=120, total_steps=1200, loss=0.42, last10=0.4, accuracy=0.91, whole_test=None, status="stopped")
    return Result(**(values | changes))


def test_a_row_is_read_back_with_every_field(database, stores):
    store = stores(database.store())
    assert store.problem is None
    written = result(
        ended_at=datetime(2025, 3, 14, 23, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5))),  # 04:30 UTC next day
        lesson="CNN, first look", name="Zoë <b>O'Neil</b>", page="rnn_classifier",
        settings={"lr": 0.003, "cell": "lstm", "layers": [1, 2], "nested": {"on": True, "none": None}},
        loss=None, whole_test=0.9712, status="finished", lesson_id="abc123")
    assert written.ended_at == datetime(2025, 3, 15, 4, 30, 15, 123456, tzinfo=UTC)  # kept in UTC
    store.record(written)
    assert store.flush(10) and store.waiting == 0
    fresh = stores(database.store())  # nothing in its memory: what it reads comes from the database
    (read,) = fresh.results(DAY, "CNN, first look")
    for field in fields(Result):
        assert getattr(read, field.name) == getattr(written, field.name), field.name
    assert read.ended_at.tzinfo == UTC and type(read.lesson_day) is date
    assert fresh.results(DAY) == [written] and fresh.lessons() == [EarlierLesson(DAY, "CNN, first look", 1)]


def test_a_run_written_twice_is_one_row_the_later(database, stores):
    store = stores(database.store())
    stopped = result(steps=300, status="stopped")
    finished = replace(stopped, ended_at=NOON + timedelta(minutes=2), steps=1200, loss=0.1, status="finished")
    store.record(stopped)
    store.record(finished)  # in the same batch
    assert store.flush(10)
    assert store.results(DAY) == [finished]
    again = replace(finished, ended_at=NOON + timedelta(minutes=5), steps=1500, total_steps=2400, status="diverged")
    store.record(again)  # after the first was written
    assert store.flush(10)
    assert stores(database.store()).results(DAY) == [again]
    assert store.lessons() == [EarlierLesson(DAY, "", 1)]


def test_lessons_newest_first_with_counts_and_a_lesson_filters(database, stores):
    store = stores(database.store())
    before, after = DAY - timedelta(days=7), DAY + timedelta(days=1)
    rows = [result(lesson_day=before, ended_at=NOON - timedelta(days=7)),
            result(ended_at=NOON, name="Ada"), result(ended_at=NOON + timedelta(minutes=1), name="Ben"),
            result(lesson="Intro", ended_at=NOON + timedelta(hours=2)),  # the day's later lesson
            *(result(lesson="CNN", lesson_day=after, ended_at=NOON + timedelta(days=1, minutes=m)) for m in range(3))]
    for row in reversed(rows):
        store.record(row)
    assert store.flush(10)
    expected = [EarlierLesson(after, "CNN", 3), EarlierLesson(DAY, "Intro", 1), EarlierLesson(DAY, "", 2),
                EarlierLesson(before, "", 1)]
    assert store.lessons() == expected
    assert [row.name for row in store.results(DAY, "")] == ["Ada", "Ben"]  # in the order they ended
    assert store.results(DAY, "Intro") == [rows[3]]
    assert store.results(DAY) == rows[1:4]
    assert store.results(DAY, "CNN") == [] and store.results(after - timedelta(days=30)) == []


def test_record_returns_at_once_while_the_database_is_down_and_nothing_is_lost(database, stores):
    store = stores(database.store())
    first = result(name="before", ended_at=NOON - timedelta(minutes=1))
    store.record(first)
    assert store.flush(10)
    waiting = [result(name=f"student {i}", ended_at=NOON + timedelta(seconds=i)) for i in range(100)]
    with database.outage():
        seconds = []
        for row in waiting:
            start = time.perf_counter()
            store.record(row)
            seconds.append(time.perf_counter() - start)
        assert statistics.median(seconds) < 0.001 and max(seconds) < 0.05, (statistics.median(seconds), max(seconds))
        wait_until(lambda: store.problem is not None, timeout=10)
        assert "results are not being kept" in store.problem and PASSWORD not in store.problem
        assert not store.flush(5)  # a write was tried again, and failed
        continued = replace(first, steps=1200, status="finished")  # the written run, continued and finished
        store.record(continued)
        assert store.waiting == 101
        shown = store.results(DAY)  # the board still shows every run that ended, each once, as it is now
        assert {row.id for row in waiting} <= {row.id for row in shown} and continued in shown
        assert first not in shown and store.lessons() == [EarlierLesson(DAY, "", 101)]
    assert store.flush(10), store.problem
    assert store.problem is None and store.waiting == 0
    assert stores(database.store()).results(DAY) == [continued, *waiting]


def test_a_row_the_database_refuses_does_not_hold_back_the_others(database, stores):
    store = stores(database.store())
    good = [result(name="Ada"), result(name="Ben", ended_at=NOON + timedelta(minutes=1))]
    store.record(good[0])
    store.record(result(steps=2**70))  # fits no integer column
    store.record(good[1])
    assert store.flush(10)
    assert store.results(DAY) == good
    assert "1 results were refused" in store.problem


def test_a_lesson_is_read_back_after_a_restart(database, stores):
    first = stores(database.store())
    rows = [result(lesson="Monday", name=name) for name in ("Ada", "Ben", "Cy")]
    rows.append(result(name="Dee", ended_at=NOON + timedelta(minutes=1)))  # the day's later lesson
    for row in rows:
        first.record(row)
    assert first.close()
    second = stores(database.store())  # a new server process on the same database
    assert second.lessons() == [EarlierLesson(DAY, "", 1), EarlierLesson(DAY, "Monday", 3)]
    assert sorted(second.results(DAY, "Monday"), key=lambda r: r.name) == rows[:3]
    assert second.results(DAY, "") == rows[3:]


def test_each_servers_board_sees_the_runs_the_other_servers_publish(database, stores):
    """Two servers sharing one database: each one's live runs reach the other's board, the latest
    publication replacing the last, and a server that stopped publishing drops out."""
    first, second = stores(database.store()), stores(database.store())
    first.publish("a", [result(id="run-1", status="training", steps=10), result(id="run-2", status="waiting")])
    second.publish("b", [result(id="run-3", status="paused", name="Bo")])
    wait_until(lambda: len(second.live_elsewhere("b")) == 2 and len(first.live_elsewhere("a")) == 1, timeout=10)
    assert {(r.id, r.status, r.steps) for r in second.live_elsewhere("b")} == {("run-1", "training", 10),
                                                                            ("run-2", "waiting", 120)}
    assert [(r.name, r.status) for r in first.live_elsewhere("a")] == [("Bo", "paused")]
    first.publish("a", [result(id="run-1", status="finished", steps=1200)])  # replaces a's last publication
    wait_until(lambda: [(r.id, r.status) for r in second.live_elsewhere("b")] == [("run-1", "finished")], timeout=10)
    time.sleep(0.2)
    assert second.live_elsewhere("b", fresh_s=0.1) == []  # a's last publication is too old: a is gone
    assert [r.id for r in second.live_elsewhere("b")] == ["run-1"]
    first.close()  # a stops: its runs leave the other boards at once
    assert second.live_elsewhere("b") == []


def test_a_lesson_and_its_signing_key_are_kept_for_every_server_on_the_database(database, stores):
    first, second = stores(database.store()), stores(database.store())
    task = "Change **only** the learning rate. <script>alert(1)</script>"
    handed_out = Lesson("abc123", "cnn", {"lr": "0.01", "epochs": "1"}, ("epochs",), ("seed",), task)
    first.save_lesson(handed_out)
    assert second.lesson("abc123") == handed_out and second.lesson("nope") is None
    key = first.lesson_secret(lambda: "made by the first")
    assert key == "made by the first" and second.lesson_secret(lambda: "made by the second") == key
    with database.outage():
        if database.url.startswith("postgresql"):  # SQLite's locked file still answers reads
            assert second.lesson("abc123") is None


def test_a_database_from_before_lessons_gets_the_lesson_id_column(tmp_path, stores):
    path = tmp_path / "old.sqlite3"
    before = sa.Table("results", sa.MetaData(), *(c._copy() for c in results_table.columns if c.name != "lesson_id"))
    engine = sa.create_engine(f"sqlite:///{path}")
    before.create(engine)
    with engine.begin() as connection:
        connection.execute(before.insert(), {name: value for name, value in vars(result(id="old")).items()
                                             if name != "lesson_id"})
    engine.dispose()
    store = stores(ResultsStore(f"sqlite:///{path}", timeout=TIMEOUT_S))
    store.record(result(lesson_id="abc123"))
    assert store.flush(10) and store.problem is None
    assert sorted(row.lesson_id for row in stores(ResultsStore(f"sqlite:///{path}")).results(DAY)) == ["", "abc123"]


def test_a_file_that_is_not_a_database_is_left_alone(tmp_path, stores):
    path = tmp_path / FILE_NAME
    path.write_bytes(b"these are a teacher's notes, not a database\n" * 200)
    before = path.read_bytes()
    store = stores(ResultsStore(default_url(tmp_path), timeout=TIMEOUT_S))
    assert "is not a database" in store.problem and "Traceback" not in store.problem
    row = result()
    store.record(row)
    assert not store.flush(2)
    assert store.results(DAY) == [row] and store.waiting == 1  # kept in memory, shown
    store.close(timeout=1)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]  # no journal or log beside it


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://teacher:{PASSWORD}@127.0.0.1:{free_port()}/class",  # nothing listens there
    f"postgresql+psycopg://teacher:{PASSWORD}@no-such-host.invalid/class",
    "not a database URL",
    f"nosuchdriver://teacher:{PASSWORD}@host/class",
    "sqlite:////no/such/folder/results.sqlite3",
])
def test_an_unreachable_or_unreadable_url_at_start_is_said_and_rows_wait(url, stores):
    start = time.perf_counter()
    store = stores(ResultsStore(url, timeout=TIMEOUT_S, limit=3))
    assert time.perf_counter() - start < 5
    problem = store.problem
    assert problem and "results are not being kept" in problem
    assert PASSWORD not in problem and "Traceback" not in problem and "\n" not in problem
    rows = [result(name=name, ended_at=NOON + timedelta(minutes=i)) for i, name in enumerate("ABCDE")]
    for row in rows:
        store.record(row)
    assert not store.flush(2)
    assert store.waiting == 3 and store.results(DAY) == rows[2:]  # the newest, up to the limit
    assert "2 results were dropped" in store.problem
    assert store.lessons() == [EarlierLesson(DAY, "", 3)]


def test_default_url_is_a_file_in_the_data_folder(tmp_path):
    url = default_url(tmp_path / "data" / "new")
    assert url == f"sqlite:///{tmp_path / 'data' / 'new' / FILE_NAME}"
    assert (tmp_path / "data" / "new").is_dir()


def test_a_result_has_a_known_status():
    with pytest.raises(ValueError, match="status"):
        result(status="done")
    assert result(ended_at=datetime(2025, 1, 1, 8)).ended_at == datetime(2025, 1, 1, 8, tzinfo=UTC)  # naive: UTC

