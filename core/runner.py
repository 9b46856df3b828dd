"""A training generator advanced off the page's thread, so that whoever draws it (a Streamlit page)
can redraw, stop, leave and come back without losing a step.

The generator is only ever advanced by one thread at a time and is kept suspended between
turns, so `start()` after `stop()` continues at exactly the next step.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from core import scheduler as scheduler_module
from core.pipeline import PENDING
from core.scheduler import Place, Scheduler

IDLE, RUNNING, STOPPED, FINISHED, FAILED = "idle", "running", "stopped", "finished", "failed"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    per_second: float  # steps per second over the recent past (0 before two records)
    seconds_left: float | None

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0


class BackgroundRun:
    """Owns one training generator and every record it has yielded. The server's
    scheduler advances it in turns with every other run (core/scheduler.py)."""

    def __init__(self, generator: Iterator[Any], total: int, scheduler: Scheduler | None = None,
                 pace_s: float = 0.0):
        self._generator = generator
        self.total = total
        self.records: list[Any] = []  # appended by whoever advances the run; read (by length) by the page
        self._times: list[float] = []
        self.status = IDLE
        self.error: BaseException | None = None
        self._scheduler = scheduler  # None: the server's
        # Whose share of the server's turns the run takes (core/scheduler.py): its student's board id,
        # set by whoever starts it for a student; None, a share of its own.
        self.share: Hashable | None = None
        # A pace the eye can follow: `pace_s` seconds' rest after each record, which holds no training
        # slot (the scheduler reads not_before, a time.monotonic()).
        self.pace_s, self.not_before = pace_s, 0.0
        self._recorded = threading.Event()  # set by each new record
        # Called each time the run stops training (finished, failed or stopped), in the thread that
        # saw it end: a training worker, or whoever stopped it. Keep them short (a queue's put).
        self.on_end: list[Callable[[], None]] = []

    @property
    def scheduler(self) -> Scheduler:
        return self._scheduler or scheduler_module.server()

    @property
    def running(self) -> bool:
        """Training, or waiting in line for its next turn."""
        return self.status == RUNNING

    @property
    def done(self) -> bool:
        return self.status in (FINISHED, FAILED)

    def step(self) -> bool:
        """Advance the generator by one record (or one PENDING step), in the calling thread; False once it
        has ended (finished, or failed: the error is kept for the page, which explains it)."""
        try:
            record = next(self._generator)
        except StopIteration:
            self.status = FINISHED
            self._ended()
            return False
        except Exception as error:  # noqa: BLE001 - reported to the page
            self.error, self.status = error, FAILED
            self._ended()
            return False
        if record is PENDING:  # a step trained, its record behind an evaluation (core/pipeline.py)
            return True
        self._times.append(time.perf_counter())
        self.records.append(record)
        self._recorded.set()
        if self.pace_s:
            self.not_before = time.monotonic() + self.pace_s
        return True

    def start(self) -> None:
        """Start, or continue after a stop. Does nothing while running or once done."""
        if self.running or self.done:
            return
        self.status = RUNNING
        self.scheduler.submit(self)

    def stop(self, wait: bool = True) -> None:
        """Stop after the current step; by default wait until it is over."""
        self.scheduler.withdraw(self, wait)
        if self.status == RUNNING:
            self.status = STOPPED
            self._ended()

    def _ended(self) -> None:
        for callback in list(self.on_end):
            try:
                callback()
            except Exception:  # noqa: BLE001 - a listener's failure must not stop the run or its page
                log.exception("a run's end listener failed")

    def release(self) -> None:
        """Stop for good and drop the generator and the records (their session is gone)."""
        self.stop()
        self._generator = iter(())
        self.records, self._times = [], []

    def wait_for_record(self, timeout: float) -> bool:
        """Block until the run has at least one record (or `timeout` passes, or it has ended); True if it has."""
        deadline = time.monotonic() + timeout
        while not self.records and self.running and time.monotonic() < deadline:
            self._recorded.wait(min(0.05, max(0.0, deadline - time.monotonic())))
        return bool(self.records)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run has ended or stopped (or `timeout` passes); True if it has."""
        return self.scheduler.wait(self, timeout)

    def place(self) -> Place | None:
        """Where the run stands in line while it waits for its turn; None while it trains or is idle."""
        return self.scheduler.place(self)

    def last_step_at(self) -> float | None:
        """When the last record came (time.perf_counter()), or None before the first."""
        times = self._times
        return times[-1] if times else None

    def progress(self, window_s: float = 5.0) -> Progress:
        done = len(self.records)
        times = self._times[-200:]
        recent = [t for t in times if t >= times[-1] - window_s] if times else []
        rate = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) > 1 and recent[-1] > recent[0] else 0.0
        left = (self.total - done) / rate if rate > 0 else None
        return Progress(done=done, total=self.total, per_second=rate, seconds_left=left)
