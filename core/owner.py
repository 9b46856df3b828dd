"""The runs of one browser session, so that they stop when the student leaves.

When a session ends (tab closed, laptop shut, network gone) its runs pause at once: nothing trains
for a student who is not there. The web framework keeps a session for a grace period in case the
student comes back (a network blip, a reload); then the runs are still there, paused, and Continue
goes on. Once the grace period is over the runs' memory is released, whether or not the framework
has dropped the session yet.
"""

from __future__ import annotations

import ctypes
import gc
import threading
import weakref
from contextlib import suppress
from typing import Protocol


class Releasable(Protocol):
    def pause(self) -> None: ...
    def release(self) -> None: ...


class Board(Protocol):
    """Where the class sees a session (core/classroom.py): told when it leaves, comes back or is released."""

    def leave(self, session: str) -> None: ...
    def come_back(self, session: str) -> None: ...
    def release(self, session: str) -> None: ...


class Owner:
    def __init__(self, session: str = "", board: Board | None = None):
        self.session, self._board = session, board
        self._runs: weakref.WeakSet[Releasable] = weakref.WeakSet()  # a run dropped by its page may go
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def adopt(self, run: Releasable) -> None:
        with self._lock:
            self._runs.add(run)

    def leave(self, grace_s: float) -> None:
        """The session has gone: pause every run now, and release them after `grace_s` seconds
        unless the session comes back first."""
        with self._lock:
            runs = list(self._runs)
            self._cancel_release()
            self._timer = threading.Timer(grace_s, self._release)
            self._timer.daemon = True
            self._timer.start()
        if self._board is not None:
            self._board.leave(self.session)  # first: its runs show as paused, not stopped by the student
        for run in runs:
            run.pause()

    def come_back(self) -> None:
        """The session is back within the grace period: keep its runs (paused: Continue goes on)."""
        with self._lock:
            self._cancel_release()
        if self._board is not None:
            self._board.come_back(self.session)

    def _cancel_release(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _release(self) -> None:
        with self._lock:
            runs, self._timer = list(self._runs), None
        if self._board is not None:
            self._board.release(self.session)  # first: what its runs reached is stored before they go
        for run in runs:
            run.release()
        give_back_memory()


def give_back_memory() -> None:
    """Hand memory the process has freed back to the system (glibc keeps freed heap pages for reuse,
    so a server's RSS would stay at its class-time peak). Elsewhere than glibc this does nothing."""
    gc.collect()
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
