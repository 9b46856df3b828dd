"""Run a training generator on a worker thread, so that whoever draws it (a Streamlit page)
can redraw, stop, leave and come back without losing a step.

The generator is only ever advanced by one thread at a time and is kept suspended between
runs, so `start()` after `stop()` continues at exactly the next step.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from core import threads

IDLE, RUNNING, STOPPED, FINISHED, FAILED = "idle", "running", "stopped", "finished", "failed"


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
    """Owns one training generator and the full history of records it has yielded."""

    def __init__(self, records: Iterator[Any], total: int):
        self._records = records
        self.total = total
        self.history: list[Any] = []  # appended by the worker; read (by length) by the page
        self._times: list[float] = []
        self.status = IDLE
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def done(self) -> bool:
        return self.status in (FINISHED, FAILED)

    def start(self) -> None:
        """Start, or continue after a stop. Does nothing while running or once done."""
        if self.running or self.done:
            return
        self._stop.clear()
        self.status = RUNNING
        self._thread = threading.Thread(target=self._work, name="livelab-training", daemon=True)
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Ask the worker to stop after the current step; by default wait until it has."""
        self._stop.set()
        if wait and self._thread is not None:
            self._thread.join()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker has finished (or `timeout` passes); True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def _work(self) -> None:
        threads.use_for_training()
        try:
            while not self._stop.is_set():
                try:
                    record = next(self._records)
                except StopIteration:
                    self.status = FINISHED
                    return
                self._times.append(time.perf_counter())
                self.history.append(record)
            self.status = STOPPED
        except Exception as error:  # noqa: BLE001 - reported to the page, which explains it
            self.error = error
            self.status = FAILED

    def progress(self, window_s: float = 5.0) -> Progress:
        done = len(self.history)
        times = self._times[-200:]
        recent = [t for t in times if t >= times[-1] - window_s] if times else []
        rate = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) > 1 and recent[-1] > recent[0] else 0.0
        left = (self.total - done) / rate if rate > 0 else None
        return Progress(done=done, total=self.total, per_second=rate, seconds_left=left)
