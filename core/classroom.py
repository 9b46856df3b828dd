"""The class on this server: every run on the registry, each ended run's result in the store, the
lesson's name and the teacher's step cap. One per server process (`server()`); pages and the
session owner tell it what happens, the Class page reads it.

    classroom = Classroom(Registry(), ResultsStore(url))
    run_id = classroom.track("session", "cnn", run)   # on the board; its result stored when it ends
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from core import environment
from core.lesson import PROCESS_SECRET, ServerSecret, server_secret
from core.registry import ENDED, Registry, RunRow, student_label
from core.results import Result, ResultsStore, default_url, this_server
from core.run import Run
from core.run_history import Summary

ANONYMOUS = "Student {n}"  # the stored name of a student who typed none (the board translates its own)
PUBLISH_S = 5.0  # how often this server's runs are published for the boards of servers sharing its database
SECRET_RETRY_S = 30.0  # how often a server signing lessons with its process's own key asks its database again


class Classroom:
    def __init__(self, registry: Registry, store: ResultsStore, server: str | None = None):
        self.registry, self.store = registry, store
        self.lesson = ""  # the teacher's name for this lesson, stored with each result
        self.step_cap: int | None = None  # the teacher's cap on the steps of runs started from now on
        self.server = server or this_server()  # which server this is, where several share the database
        self._secret: ServerSecret | None = None
        self._secret_asked = 0.0  # when the database was last asked for the lesson key (time.monotonic())

    def lesson_secret(self, ask_again: bool = False) -> ServerSecret:
        """The key new lesson links are signed with (core/lesson.py). A lasting one (the environment's or the
        database's) is found once per process. While the database cannot keep one, it is the process's own, and
        the database is asked again after SECRET_RETRY_S, or now with `ask_again` (it has just answered): a
        database that was down at the first link checked must not leave the process signing with a key that
        its restart, and the class's other servers, do not know."""
        secret, now = self._secret, time.monotonic()
        if secret is None or (not secret.lasting and (ask_again or now - self._secret_asked >= SECRET_RETRY_S)):
            secret = self._secret = server_secret(self.store.lesson_secret)
            self._secret_asked = now
        return secret

    def lesson_keys(self) -> tuple[bytes, ...]:
        """The keys a lesson link's signature may hold under here: the lasting key, and the process's own, which
        signed the links made here while the database could not keep a key (they check until the process ends)."""
        return tuple(dict.fromkeys((self.lesson_secret().key, PROCESS_SECRET.key)))

    def track(self, session: str, page: str, run: Run, lesson_id: str = "") -> str:
        """Put `run` on the board (started under the lesson `lesson_id`, if any); each time it stops training
        its result is stored (one row per run, the latest). Returns its id on the board."""
        run_id = self.registry.add(session, page, run, lesson_id)
        run.job.on_end.append(lambda: self._store(run_id))
        return run_id

    def keep(self, run: Run, summary: Summary) -> None:
        """A page replaced `run` and kept it as `summary`: it stays on the board as that."""
        self.registry.keep(run, summary)

    def forget(self, run_or_summary: Run | Summary) -> None:
        """A run a page no longer has, live or kept, leaves the board (its result stays stored)."""
        self.registry.drop(run_or_summary)

    def leave(self, session: str) -> None:
        self.registry.leave(session)

    def come_back(self, session: str) -> None:
        self.registry.join(session)

    def release(self, session: str) -> None:
        """The session is gone for good: its runs leave the board; what they reached stays stored."""
        for row in self.registry.snapshot().runs:
            if row.session == session and row.steps:
                self.store.record(self.result(row))
        self.registry.release(session)

    def stop_every_run(self) -> int:
        """The teacher's Stop: every run that trains stops after its current step. Returns how many."""
        training = [run for run in self.registry.live_runs() if run.job.running]
        for run in training:
            run.pause()  # without waiting for each step in progress
        return len(training)

    def publish(self) -> None:
        """Put this server's runs as they are now in the database, for the other servers' boards."""
        self.store.publish(self.server, [self.result(row, live=True) for row in self.registry.snapshot().runs])

    def publish_every(self, seconds: float = PUBLISH_S) -> threading.Thread:
        """Publish this server's runs every `seconds` on a thread of its own, for as long as the process lives."""
        def loop() -> None:
            while True:
                time.sleep(seconds)
                self.publish()
        thread = threading.Thread(target=loop, name="livelab-publish", daemon=True)
        thread.start()
        return thread

    def result(self, row: RunRow, live: bool = False) -> Result:
        """A row of the board as the store keeps it: a run still paused (or, as its session is
        released, waiting) counts as stopped where it is; `live`: as it is now, for other servers."""
        status = row.status if live or row.status in ENDED else "stopped"
        now = datetime.now(UTC)
        return Result(
            id=row.run_id, ended_at=now, lesson=self.lesson, lesson_day=now.date(), server=self.server,
            session=row.session, name=student_label(row.student, ANONYMOUS), page=row.page, dataset=row.dataset,
            settings=dict(row.settings), steps=row.steps, total_steps=row.total, loss=row.loss, last10=row.last10,
            accuracy=row.accuracy, whole_test=row.whole_test, status=status, lesson_id=row.lesson_id)

    def _store(self, run_id: str) -> None:
        row = self.registry.row(run_id)
        if row is not None and row.steps:
            self.store.record(self.result(row))


_server: Classroom | None = None
_lock = threading.Lock()


def server() -> Classroom:
    """This process's class, made on first use: its results go where LIVELAB_DATABASE_URL says, by
    default a SQLite file in the data folder."""
    global _server
    with _lock:
        if _server is None:
            settings = environment.current()
            _server = Classroom(Registry(), ResultsStore(settings.database_url or default_url(settings.data_dir)))
            _server.publish_every()
        return _server
