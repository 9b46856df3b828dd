"""Every run on this server, for the teacher's board: whose it is, which page, its settings, how far
it has come and how well it does.

Students join with an opaque id (their board id, the same in every tab and after a reload; and, if they
typed one, a name); their runs are added when they start and kept (as their summaries) when a page
replaces them; a student who is released leaves with all their runs. The board reads `snapshot()`.
(The parameters keep the name `session`: it is the student's board id.)

Reading is cheap and never waits for training. Writers (a page's script, the owner's release timer)
replace one immutable state (students and runs together) under a lock of their own, which no
training step or page script takes; a reader takes whichever state is current and reads each live
run's progress from its records, a list that only grows (a slice of it is a consistent prefix).

    registry = Registry()
    registry.join("s1", name="Ada")
    registry.add("s1", "cnn", run)
    for row in registry.snapshot().runs:
        print(row.student, row.status, row.steps, row.accuracy)
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from core import series
from core.base import TrainingDiverged
from core.names import clean_name
from core.run import Run
from core.run_history import Summary
from core.runner import FAILED, FINISHED, IDLE, RUNNING, STOPPED

# A run's status on the board. "paused": stopped because its student left (it goes on with Continue
# when the student comes back); "stopped": stopped by its student.
WAITING, TRAINING, PAUSED, STOPPED_BY_STUDENT, FINISHED_RUN, DIVERGED, FAILED_RUN = (
    "waiting", "training", "paused", "stopped", "finished", "diverged", "failed")
STATUSES = (WAITING, TRAINING, PAUSED, STOPPED_BY_STUDENT, FINISHED_RUN, DIVERGED, FAILED_RUN)
ENDED = (STOPPED_BY_STUDENT, FINISHED_RUN, DIVERGED, FAILED_RUN)  # a run in one of these writes its result
LAST_LOSSES = 100  # records the latest smoothed loss is computed from (older ones weigh < 1e-4)
RECENT_S = 2.0  # a training run whose last step is older than this is waiting for its turn


@dataclass(frozen=True)
class Student:
    session: str  # the student's board id, opaque: the board never shows it
    number: int  # from 1, in order of joining: the anonymous label "Student 7"
    name: str = ""  # what the student typed (core/names.py), or ""
    online: bool = True  # False once the student's last session has gone (their runs are paused until released)


@dataclass(frozen=True)
class _Entry:
    """What the registry holds of one run: the live run, or once a page replaced it, its summary."""

    run_id: str
    session: str
    page: str
    started: float  # time.time() when it was added
    lesson_id: str = ""  # the lesson link it was started under (core/lesson.py), "" for none
    run: Run | None = None
    kept: Summary | None = None


@dataclass(frozen=True)
class _State:
    """Students and runs, replaced whole by each change: every run's session is among the students."""

    students: Mapping[str, Student] = field(default_factory=lambda: MappingProxyType({}))
    entries: Mapping[str, _Entry] = field(default_factory=lambda: MappingProxyType({}))

    def with_student(self, student: Student) -> _State:
        return _State(MappingProxyType({**self.students, student.session: student}), self.entries)

    def with_entry(self, entry: _Entry) -> _State:
        return _State(self.students, MappingProxyType({**self.entries, entry.run_id: entry}))

    def without(self, keep_entry, keep_student=lambda student: True) -> _State:
        return _State(MappingProxyType({k: s for k, s in self.students.items() if keep_student(s)}),
                      MappingProxyType({k: e for k, e in self.entries.items() if keep_entry(e)}))


@dataclass(frozen=True)
class RunRow:
    """One run on the board, as it was when the snapshot was taken."""

    run_id: str
    session: str
    student: Student
    page: str  # the page key: "cnn", "rnn_classifier", "rnn_regression"
    settings: Mapping[str, Any]
    dataset: str | None  # what a classifier trains on
    status: str  # one of STATUSES
    steps: int
    total: int
    loss: float | None  # the latest smoothed training loss
    last10: float | None  # the mean loss of the last 10 steps (the regression page's figure)
    accuracy: float | None  # the latest test accuracy (on the test subset)
    whole_test: float | None  # accuracy on the whole test set, once measured for the run's last step
    kept: bool  # replaced on its page, kept in the student's history
    started: float
    lesson_id: str  # the lesson link it was started under (core/lesson.py), "" for none
    _source: Run | Summary = field(repr=False, compare=False)

    def loss_curve(self, max_points: int = 100) -> tuple[np.ndarray, np.ndarray]:
        """(steps, smoothed loss), thinned to about `max_points` points: the board overlays 30 of them."""
        source = self._source
        if isinstance(source, Summary):
            steps, smoothed = source.metrics.step, source.metrics.smoothed
            return series.downsample(steps.astype(np.int64), smoothed.astype(np.float64), max_points=max_points)
        steps, losses = _steps_and_losses(source, self.steps)
        return series.downsample(steps, series.smooth(losses), max_points=max_points)


_read: weakref.WeakKeyDictionary[Run, tuple[np.ndarray, np.ndarray]] = weakref.WeakKeyDictionary()


def _steps_and_losses(run: Run, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The steps and losses of the run's first `count` records, as arrays. The board reads every run's
    curve at each redraw: each record is read once, the arrays kept for the next redraw (a board seen
    from two tabs at once may read a record twice, never a wrong one: records only grow)."""
    steps, losses = _read.get(run, (np.empty(0, np.int64), np.empty(0)))
    if len(steps) < count:
        new = run.records[len(steps):count]
        steps = np.concatenate([steps, np.fromiter((r.step for r in new), np.int64, len(new))])
        losses = np.concatenate([losses, np.fromiter((r.loss for r in new), np.float64, len(new))])
        _read[run] = steps, losses
    return steps[:count], losses[:count]


@dataclass(frozen=True)
class ClassSnapshot:
    students: tuple[Student, ...]
    runs: tuple[RunRow, ...]
    taken: float  # time.time()

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.runs)

    @property
    def online(self) -> int:
        return sum(student.online for student in self.students)


class Registry:
    def __init__(self):
        self._lock = threading.Lock()  # writers only
        self._state = _State()
        self._numbers = itertools.count(1)

    # --- writers --------------------------------------------------------------------------------

    def join(self, session: str, name: str = "") -> Student:
        """The session is here (again): online, with its number kept from its first visit."""
        with self._lock:
            return self._join(session, name)

    def _join(self, session: str, name: str = "") -> Student:
        student = self._state.students.get(session)
        student = (replace(student, online=True) if student is not None
                   else Student(session, next(self._numbers), clean_name(name)))
        self._state = self._state.with_student(student)
        return student

    def rename(self, session: str, name: str) -> str:
        """Set the session's name; returns it as kept (cleaned)."""
        name = clean_name(name)
        with self._lock:
            student = self._state.students.get(session)
            if student is not None:
                self._state = self._state.with_student(replace(student, name=name))
        return name

    def leave(self, session: str) -> None:
        """The session has gone; its runs stay (paused) until it comes back or is released."""
        with self._lock:
            student = self._state.students.get(session)
            if student is not None:
                self._state = self._state.with_student(replace(student, online=False))

    def add(self, session: str, page: str, run: Run, lesson_id: str = "") -> str:
        """A run the session has started (the session joins if it has not), under the lesson `lesson_id`
        (if any); returns its id on the board."""
        with self._lock:
            if session not in self._state.students:
                self._join(session)
            run_id = uuid.uuid4().hex  # unique across servers: its result is stored under it
            self._state = self._state.with_entry(_Entry(run_id, session, page, time.time(), lesson_id, run))
            return run_id

    def keep(self, run: Run, summary: Summary) -> None:
        """`run` was replaced on its page and kept as `summary` (its live objects are released)."""
        with self._lock:
            entry = self._find(run)
            if entry is not None:
                self._state = self._state.with_entry(replace(entry, run=None, kept=summary))

    def drop(self, run_or_summary: Run | Summary) -> None:
        """A run, live or kept, that its page no longer has."""
        with self._lock:
            self._state = self._state.without(
                lambda entry: entry.run is not run_or_summary and entry.kept is not run_or_summary)

    def _find(self, run: Run) -> _Entry | None:
        return next((entry for entry in self._state.entries.values() if entry.run is run), None)

    def release(self, session: str) -> None:
        """The session is gone for good: it and its runs leave the board."""
        with self._lock:
            self._state = self._state.without(lambda entry: entry.session != session,
                                              lambda student: student.session != session)

    def live_runs(self) -> list[Run]:
        """Every run still held by a page (for the teacher's "stop every run")."""
        return [entry.run for entry in self._state.entries.values() if entry.run is not None]

    # --- the reader -----------------------------------------------------------------------------

    def snapshot(self) -> ClassSnapshot:
        """Every student and run as they are now, without taking any lock."""
        state = self._state
        rows = sorted((_row(entry, state.students[entry.session]) for entry in state.entries.values()),
                      key=lambda row: row.started)
        return ClassSnapshot(tuple(sorted(state.students.values(), key=lambda s: s.number)), tuple(rows), time.time())

    def row(self, run_id: str) -> RunRow | None:
        """One run as it is now (for writing its result when it ends)."""
        state = self._state
        entry = state.entries.get(run_id)
        return _row(entry, state.students[entry.session]) if entry is not None else None


def _row(entry: _Entry, student: Student) -> RunRow:
    if entry.kept is not None:
        return _kept_row(entry, student, entry.kept)
    run = entry.run
    records = run.records[:len(run.records)]
    losses = [record.loss for record in records[-LAST_LOSSES:]]
    whole = run.whole_test
    return RunRow(
        run_id=entry.run_id, session=entry.session, student=student, page=entry.page, settings=run.settings,
        dataset=run.data.name if run.data is not None else None, status=live_status(run, student.online),
        steps=len(records), total=run.job.total, loss=float(series.smooth(np.asarray(losses))[-1]) if losses else None,
        last10=float(np.mean(losses[-10:])) if losses else None, accuracy=series.latest(records, "accuracy"),
        whole_test=whole.accuracy if whole is not None and whole.step == len(records) else None,
        kept=False, started=entry.started, lesson_id=entry.lesson_id, _source=run)


def _kept_row(entry: _Entry, student: Student, summary: Summary) -> RunRow:
    loss = summary.metrics.loss
    return RunRow(
        run_id=entry.run_id, session=entry.session, student=student, page=entry.page, settings=summary.settings,
        dataset=summary.dataset, status=ended_status(summary.status, None), steps=summary.steps,
        total=summary.total, loss=summary.final_loss, last10=float(np.mean(loss[-10:])) if len(loss) else None,
        accuracy=summary.accuracy, whole_test=summary.whole_test, kept=True, started=entry.started,
        lesson_id=entry.lesson_id, _source=summary)


def live_status(run: Run, online: bool = True) -> str:
    """A live run's status on the board."""
    job = run.job
    if job.status == RUNNING:
        last = job.last_step_at()
        return TRAINING if last is not None and time.perf_counter() - last < RECENT_S else WAITING
    if job.status == IDLE:
        return WAITING
    if job.status == STOPPED and not online:
        return PAUSED
    return ended_status(job.status, job.error)


def ended_status(status: str, error: BaseException | None) -> str:
    """A run's status once it trains no more: finished, stopped, diverged or failed (a kept run's
    error is not kept: a failed kept run counts as diverged, by far the likeliest failure)."""
    if status == FINISHED:
        return FINISHED_RUN
    if status == FAILED:
        return DIVERGED if error is None or isinstance(error, TrainingDiverged) else FAILED_RUN
    return STOPPED_BY_STUDENT


def student_label(student: Student, anonymous: str) -> str:
    """The name the board shows: the student's own, or `anonymous` (e.g. "Student {n}") with the number."""
    return student.name or anonymous.format(n=student.number)
