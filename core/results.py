"""The results kept after the lesson: one row per run that ended, in a real database.

Each finished, stopped, diverged or failed run becomes a `Result` (time, lesson, student's name, page,
settings, steps, final figures, status). `ResultsStore.record` hands it to one background writer
thread and returns at once: a training worker never waits for the database. The writer writes in
batches, one transaction each; when a write fails (disk full, database gone, a replica's PostgreSQL
restarting) it keeps the rows in memory (up to `limit`), says what went wrong in `problem`, and tries
again later, less and less often. A run written twice (stopped, continued, finished) is one row: the
later one replaces it.

The database is SQLite by default (a file in the data folder, `default_url`), or any database
SQLAlchemy reaches through the same URL: PostgreSQL where several servers serve one class, so that
every server's board shows the whole class. Only SQLAlchemy Core builds the SQL.

    store = ResultsStore(default_url("data"))
    store.record(Result(id=new_id(), ended_at=..., lesson="", lesson_day=date.today(), ...))
    store.lessons()                          # [EarlierLesson(day, name, runs), ...], newest first
    store.results(date.today(), "")          # the rows of today's unnamed lesson

A URL that cannot be read or reached, or a file that is not a database, never raises: the store
starts anyway, `problem` says why results are not being kept, and rows wait in memory. Reads take
the engine's own connections and no lock of a writer or a training worker; they include the rows
still waiting to be written, so a board looks the same whether or not the database has caught up.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import socket
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import exc

from core.lesson import Lesson

T = TypeVar("T")

STATUSES = ("finished", "stopped", "diverged", "failed")
LIVE_STATUSES = ("waiting", "training", "paused")  # a run still on its server's board (the live table only)
LIVE_FRESH_S = 30.0  # another server's live rows older than this are taken as gone (that server stopped)
FILE_NAME = "livelab-results.sqlite3"
LIMIT = 10_000  # rows kept in memory while the database is unreachable: many lessons of a large class
BATCH = 500  # rows per transaction (SQLite allows 32,766 bound values; a delete binds one per row)
TIMEOUT_S = 5.0  # how long a connection waits for a busy SQLite file or an unreachable server
FIRST_RETRY_S, LAST_RETRY_S = 0.5, 30.0  # the writer's wait after a failed write, doubling up to the last


@dataclass(frozen=True)
class Result:
    """One run that ended, as the board shows it after the lesson."""

    id: str  # unique per run: a run written again (stopped, then finished) replaces its row
    ended_at: datetime  # when it ended, in UTC (a naive time is taken as UTC)
    lesson: str  # the lesson's name, "" when the teacher gave none
    lesson_day: date  # the day of the lesson, to open an earlier lesson by date
    server: str  # which server process wrote it (replicas share one database)
    session: str  # the student who ran it (their board id: core/student_state.py), opaque
    name: str  # the student's display name, plain text
    page: str  # the page's key: "cnn", "rnn_classifier", "rnn_regression"
    dataset: str | None  # what a classifier trained on; None for the regression
    settings: Mapping[str, Any]  # the page's sidebar, stored as JSON (tuples come back as lists)
    steps: int  # steps done
    total_steps: int  # steps it was set to do
    loss: float | None  # the final smoothed loss
    last10: float | None  # the mean loss of the last 10 steps (the regression's figure on the board)
    accuracy: float | None  # the latest test accuracy measured while training
    whole_test: float | None  # accuracy on the whole test set, if measured after the last step
    status: str  # one of STATUSES
    lesson_id: str = ""  # the lesson link (core/lesson.py) the run was started under, "" for none

    def __post_init__(self):
        if self.status not in STATUSES + LIVE_STATUSES:
            raise ValueError(f"status={self.status!r}; choose one of {STATUSES + LIVE_STATUSES}")
        object.__setattr__(self, "ended_at", _utc(self.ended_at))
        object.__setattr__(self, "settings", dict(self.settings))


@dataclass(frozen=True)
class EarlierLesson:
    """A lesson on the board: a day, the teacher's name for it ("" for none), and its runs."""

    day: date
    name: str
    runs: int


def default_url(data_dir: str | os.PathLike) -> str:
    """The SQLite file in the data folder (the folder is made if missing)."""
    folder = Path(data_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / FILE_NAME}"


def new_id() -> str:
    """A run id unique across servers."""
    return uuid.uuid4().hex


def this_server() -> str:
    """This server process, as `Result.server` names it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


metadata = sa.MetaData()
table = sa.Table(
    "results", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("lesson", sa.Text, nullable=False),
    sa.Column("lesson_day", sa.Date, nullable=False),
    sa.Column("server", sa.Text, nullable=False),
    sa.Column("session", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("page", sa.String(40), nullable=False),
    sa.Column("dataset", sa.String(40)),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("steps", sa.BigInteger, nullable=False),
    sa.Column("total_steps", sa.BigInteger, nullable=False),
    sa.Column("loss", sa.Float),
    sa.Column("last10", sa.Float),
    sa.Column("accuracy", sa.Float),
    sa.Column("whole_test", sa.Float),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("lesson_id", sa.String(32), nullable=False, server_default=""),
    sa.Index("results_by_lesson", "lesson_day", "lesson"),
)
FIELDS = tuple(column.name for column in table.columns)
# Each server's runs as they are now, replaced whole every few seconds, so that where several servers share the
# database each one's board shows the whole class (core/classroom.py publishes; the board reads the others').
live_table = sa.Table("live_runs", metadata, *(column._copy() for column in table.columns),
                      sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
                      sa.Index("live_by_server", "server"))
# The lessons teachers hand out (core/lesson.py): a link names one by its id, so links stay short.
lessons_table = sa.Table(
    "lessons", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("page", sa.String(40), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),  # {setting: its text in the link}
    sa.Column("locked", sa.JSON, nullable=False),
    sa.Column("hidden", sa.JSON, nullable=False),
    sa.Column("task", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
# Secrets the servers sharing this database share: the key lesson links are signed with.
secrets_table = sa.Table(
    "secrets", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False))
LESSON_SECRET = "lesson"


class ResultsStore:
    """The results database of this server, with its writer thread. Safe to share between threads."""

    def __init__(self, url: str, *, limit: int = LIMIT, timeout: float = TIMEOUT_S):
        self._url = url  # never shown: it may hold a password (see `where`)
        self.limit = limit
        self._timeout = timeout
        self._engine: sa.Engine | None = None
        self._opening = threading.Lock()  # held while the engine is made (no connection is made under it)
        self._ready = False  # the table is known to exist
        self._queue: deque[Result] = deque()  # recorded, not yet taken by the writer (append needs no lock)
        self._unwritten: dict[str, Result] = {}  # taken by the writer, not yet written; by id, oldest first
        self._lock = threading.Condition()  # guards _unwritten's changes and the writer's state below, briefly
        self._wake = threading.Event()
        self._hurry = self._closing = False
        self._begun = self._failed = 0  # the writer's attempts begun, and the number of the last that failed
        self._problem: str | None = None  # the writer's (or the start's) failure
        self._read_problem: str | None = None
        self._dropped = self._rejected = 0
        self._live: tuple[str, list[Result]] | None = None  # this server's runs to publish (the latest only)
        self._publisher: str | None = None  # the server that published here: its runs leave when it closes
        try:
            self._open()
        except Exception as error:  # noqa: BLE001 - any failure leaves the app running, said on the board
            self._problem = self._explain(error)
        self._writer = threading.Thread(target=self._work, name="livelab-results", daemon=True)
        self._writer.start()
        atexit.register(self.close, 2.0)

    # what the board reads

    @property
    def where(self) -> str:
        """The database's URL with its password hidden."""
        try:
            return sa.make_url(self._url).render_as_string(hide_password=True)
        except exc.ArgumentError:
            return "an unreadable URL"

    @property
    def problem(self) -> str | None:
        """Why results are not being kept now (or what was lost), in a sentence; None when all is well."""
        notes = [self._problem or self._read_problem]
        if self._dropped:
            notes.append(f"{self._dropped} results were dropped: more than {self.limit} waited for the database.")
        if self._rejected:
            notes.append(f"{self._rejected} results were refused by the database and not kept.")
        return " ".join(note for note in notes if note) or None

    @property
    def waiting(self) -> int:
        """Rows recorded and not yet written."""
        return len(self._queue) + len(self._unwritten)

    def lessons(self) -> list[EarlierLesson]:
        """Every lesson with its number of runs, the newest first (by day, then by its last run)."""
        held = self._held()

        def read(connection: sa.Connection) -> tuple[list[sa.Row], list[sa.Row]]:
            query = (sa.select(table.c.lesson_day, table.c.lesson, sa.func.count(table.c.id),
                               sa.func.max(table.c.ended_at)).group_by(table.c.lesson_day, table.c.lesson))
            rewritten = [row for chunk in _chunks(list(held)) for row in connection.execute(
                sa.select(table.c.lesson_day, table.c.lesson).where(table.c.id.in_(chunk)))]
            return list(connection.execute(query)), rewritten

        groups, rewritten = self._from_database(read) or ([], [])
        counts: Counter[tuple[date, str]] = Counter()
        last: dict[tuple[date, str], datetime] = {}
        for day, name, count, ended in groups:
            counts[day, name], last[day, name] = count, _utc(ended)
        for day, name in rewritten:  # rows waiting to be written again: counted below, as they are now
            counts[day, name] -= 1
        for result in held.values():
            key = (result.lesson_day, result.lesson)
            counts[key] += 1
            last[key] = max(last.get(key, result.ended_at), result.ended_at)
        found = sorted((key for key, count in counts.items() if count > 0), key=lambda key: (key[0], last[key]),
                       reverse=True)
        return [EarlierLesson(day, name, counts[day, name]) for day, name in found]

    def results(self, day: date, lesson: str | None = None) -> list[Result]:
        """The rows of the lesson `lesson` on `day` (None: every lesson of that day), in the order they ended."""
        query = sa.select(table).where(table.c.lesson_day == day)
        if lesson is not None:
            query = query.where(table.c.lesson == lesson)
        held = self._held()
        rows = self._from_database(lambda connection: {row.id: Result(**row._asdict())
                                                       for row in connection.execute(query)}) or {}
        for key, result in held.items():  # the rows waiting to be written are the newer ones
            rows.pop(key, None)
            if result.lesson_day == day and (lesson is None or result.lesson == lesson):
                rows[key] = result
        return sorted(rows.values(), key=lambda result: (result.ended_at, result.id))

    def live_elsewhere(self, server: str, fresh_s: float = LIVE_FRESH_S) -> list[Result]:
        """The runs other servers sharing this database have now (published in the last `fresh_s` seconds)."""
        since = datetime.now(UTC) - timedelta(seconds=fresh_s)
        query = sa.select(live_table).where(live_table.c.server != server, live_table.c.updated_at >= since)
        return self._from_database(lambda connection: [
            Result(**{name: value for name, value in row._asdict().items() if name != "updated_at"})
            for row in connection.execute(query)]) or []

    def publish(self, server: str, rows: list[Result]) -> None:
        """`server`'s runs as they are now, for the other servers' boards: written by the writer when it is
        free, replacing the last; on a failure they are not retried (the next publication follows)."""
        self._live, self._publisher = (server, rows), server
        self._wake.set()

    # the lessons teachers hand out: written and read at once (a teacher's click, a link's first opening)

    def save_lesson(self, lesson: Lesson) -> None:
        """Keep `lesson` (raises if the database cannot: the teacher is told, and no link is given)."""
        self._open()
        with self._engine.begin() as connection:
            connection.execute(lessons_table.insert(), {
                "id": lesson.id, "page": lesson.page, "settings": dict(lesson.values), "locked": list(lesson.locked),
                "hidden": list(lesson.hidden), "task": lesson.task, "created_at": datetime.now(UTC)})

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id; None when there is none (or the database cannot answer)."""
        query = sa.select(lessons_table).where(lessons_table.c.id == lesson_id[:32])
        row = self._from_database(lambda connection: connection.execute(query).first())
        if row is None:
            return None
        return Lesson(row.id, row.page, row.settings, tuple(row.locked), tuple(row.hidden), row.task)

    def lesson_secret(self, make: Callable[[], str]) -> str | None:
        """The key lesson links are signed with, kept here once (`make()`'s, the first time) for every server
        sharing this database; None when the database cannot answer."""
        query = sa.select(secrets_table.c.value).where(secrets_table.c.name == LESSON_SECRET)
        try:
            self._open()
            with self._engine.connect() as connection:
                found = connection.execute(query).scalar()
            if found is None:
                try:
                    with self._engine.begin() as connection:
                        connection.execute(secrets_table.insert(), {"name": LESSON_SECRET, "value": make()})
                except exc.IntegrityError:  # another server kept one first: theirs is the class's
                    pass
                with self._engine.connect() as connection:
                    found = connection.execute(query).scalar()
        except Exception as error:  # noqa: BLE001 - the caller falls back to a secret of its own process
            self._read_problem = self._explain(error)
            return None
        return found

    # what a training worker calls

    def record(self, result: Result) -> None:
        """Keep `result` (written in the background; returns at once, whatever the database's state)."""
        self._queue.append(result)
        self._wake.set()

    # tests and shutdown

    def flush(self, timeout: float = 5.0) -> bool:
        """Write what was recorded so far now (without waiting for the next retry); True once it is all
        written, False if a write failed or `timeout` seconds passed first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            begun, self._hurry = self._begun, True
        self._wake.set()
        with self._lock:
            while self._queue or self._unwritten:
                left = deadline - time.monotonic()
                if left <= 0 or self._failed > begun or not self._writer.is_alive():
                    return False
                self._lock.wait(left)
        return True

    def close(self, timeout: float = 5.0) -> bool:
        """Flush, stop the writer and close the database's connections; True if nothing was left unwritten."""
        atexit.unregister(self.close)
        if self._publisher is not None:
            self._live = (self._publisher, [])  # its runs are no longer anywhere: off the other boards now
        written = self.flush(timeout)
        with self._lock:
            self._closing = True
        self._wake.set()
        self._writer.join(timeout)
        if self._engine is not None:
            self._engine.dispose()
        return written

    # the writer

    def _open(self) -> None:
        """Connect (the engine, once) and make the table if it is missing."""
        with self._opening:
            if self._engine is None:
                self._engine = _engine(self._url, self._timeout)
        if not self._ready:
            metadata.create_all(self._engine, checkfirst=True)
            _add_lesson_id(self._engine)
            self._ready = True

    def _work(self) -> None:
        retry_at, wait = 0.0, FIRST_RETRY_S
        while True:
            self._wake.wait(None if not self._unwritten and not self._queue else max(0.0, retry_at - time.monotonic()))
            self._wake.clear()
            with self._lock:
                self._take_queue()
                hurry, self._hurry, closing = self._hurry, False, self._closing
            if self._unwritten and (hurry or time.monotonic() >= retry_at):
                with self._lock:
                    self._begun += 1
                if self._attempt():
                    retry_at, wait = 0.0, FIRST_RETRY_S
                else:
                    retry_at, wait = time.monotonic() + wait, min(2 * wait, LAST_RETRY_S)
                    with self._lock:
                        self._failed = self._begun
            live, self._live = self._live, None
            if live is not None:
                self._write_live(*live)
            with self._lock:
                self._lock.notify_all()
            if closing:
                return

    def _take_queue(self) -> None:
        """Move recorded rows to the writer's own (under the lock), dropping the oldest past `limit`."""
        while self._queue:
            result = self._queue.popleft()
            self._unwritten.pop(result.id, None)  # a newer version goes to the back of the line
            self._unwritten[result.id] = result
        while len(self._unwritten) > self.limit:
            del self._unwritten[next(iter(self._unwritten))]
            self._dropped += 1

    def _attempt(self) -> bool:
        """Write the oldest batch of waiting rows; False (and `problem` says why) if the database failed."""
        batch = list(self._unwritten.values())[:BATCH]
        try:
            self._open()
            self._write(batch)
        except Exception as error:  # noqa: BLE001 - a database failure keeps the rows for the next try
            self._ready = False  # the table may be what went (a database recreated): check it again
            self._problem = self._explain(error)
            return False
        with self._lock:
            for result in batch:
                del self._unwritten[result.id]
        self._problem = self._read_problem = None  # it answers again
        return True

    def _write(self, batch: list[Result]) -> None:
        """Replace these rows in one transaction; a row the database refuses (its data, not the
        database's state) is dropped alone so that it cannot hold back the others."""
        try:
            with self._engine.begin() as connection:
                connection.execute(table.delete().where(table.c.id.in_([result.id for result in batch])))
                connection.execute(table.insert(), [_row(result) for result in batch])
        except Exception as error:
            if not _refused(error):
                raise  # the database or the connection failed, not the rows
            if len(batch) == 1:
                self._rejected += 1
                return
            for result in batch:
                self._write([result])

    def _write_live(self, server: str, rows: list[Result]) -> None:
        now = datetime.now(UTC)
        try:
            self._open()
            with self._engine.begin() as connection:
                connection.execute(live_table.delete().where(live_table.c.server == server))
                if rows:
                    connection.execute(live_table.insert(),
                                       [_row(row) | {"server": server, "updated_at": now} for row in rows])
        except Exception as error:  # noqa: BLE001 - the board says the database's state through `problem`
            self._problem = self._problem or self._explain(error)

    # reading

    def _held(self) -> dict[str, Result]:
        """The rows recorded and not yet written, by id (the latest version of each)."""
        with self._lock:
            held = dict(self._unwritten)
        for result in self._queue.copy():  # deque.copy is atomic: record() appends without a lock
            held[result.id] = result
        return held

    def _from_database(self, read: Callable[[sa.Connection], T]) -> T | None:
        """read(connection) on one of the engine's connections; None when the database cannot answer (a read
        then shows the rows waiting in memory, and `problem` says why)."""
        try:
            with self._connect() as connection:
                found = read(connection)
        except Exception as error:  # noqa: BLE001 - a board without its database still shows what is in memory
            self._read_problem = self._explain(error)
            return None
        self._read_problem = None
        return found

    def _connect(self) -> sa.Connection:
        with self._opening:  # the writer or a reader makes the engine, once; no connection is made under it
            if self._engine is None:
                self._engine = _engine(self._url, self._timeout)
        return self._engine.connect()

    def _explain(self, error: BaseException) -> str:
        """`error` as one sentence for the board: what failed and where, the password hidden."""
        if isinstance(error, exc.NoSuchModuleError | ImportError):  # (NoSuchModuleError is an ArgumentError)
            return f"No driver for the results database {self.where} is installed; results are not being kept."
        if isinstance(error, exc.ArgumentError):
            return ("The results database URL cannot be read (it should look like sqlite:///path/file.sqlite3 "
                    "or postgresql+psycopg://user:password@host/db); results are not being kept.")
        text = str(getattr(error, "orig", None) or error).strip()
        reason = text.splitlines()[0] if text else type(error).__name__
        password = _password(self._url)
        if password:
            reason = reason.replace(password, "***")
        if "file is not a database" in reason:
            return f"{self.where} is not a database (it is left as it is); results are not being kept."
        return (f"The results database {self.where} failed ({reason[:200]}): results are not being kept for now; "
                "they wait in memory and are written when it answers again.")


def _add_lesson_id(engine: sa.Engine) -> None:
    """A database made before runs recorded their lesson gets the column (empty for its old rows)."""
    for name in (table.name, live_table.name):
        if "lesson_id" not in {column["name"] for column in sa.inspect(engine).get_columns(name)}:
            with engine.begin() as connection:
                connection.execute(sa.text(f"ALTER TABLE {name} ADD COLUMN lesson_id VARCHAR(32) NOT NULL DEFAULT ''"))


def _engine(url: str, timeout: float) -> sa.Engine:
    """An engine for `url`: connections checked before use (a restarted server), a bounded wait for a busy
    or unreachable database, JSON that never fails on a value it does not know (written as its text)."""
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    connect_args: dict[str, Any] = {}
    if backend == "sqlite":
        connect_args["timeout"] = timeout  # SQLite's busy timeout
    elif backend == "postgresql":
        connect_args["connect_timeout"] = max(1, round(timeout))
    engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args,
                              json_serializer=functools.partial(json.dumps, default=str))
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_wal)
    return engine


def _sqlite_wal(connection, _record) -> None:
    """Readers (the board) and the writer do not block each other in SQLite's write-ahead log mode."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: no sync per commit; a power cut may lose the last ones
    cursor.close()


def _refused(error: Exception) -> bool:
    """Whether the database or its driver refused the values written (a number too large, a value it cannot
    store), rather than failing itself (gone, full, locked, out of connections)."""
    if isinstance(error, exc.DBAPIError):
        return isinstance(error, exc.DataError | exc.IntegrityError)
    return isinstance(error, exc.StatementError | ValueError | TypeError | OverflowError)


def _password(url: str) -> str | None:
    try:
        return sa.make_url(url).password
    except exc.ArgumentError:
        return None


def _row(result: Result) -> dict[str, Any]:
    return {name: getattr(result, name) for name in FIELDS}


def _utc(when: datetime) -> datetime:
    """`when` in UTC; without a zone it is taken as UTC (SQLite gives back the UTC time it was given without
    its zone; PostgreSQL gives it in the session's)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    return (items[start:start + size] for start in range(0, len(items), size))
