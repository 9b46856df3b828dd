"""The runs of one student, so that they stop when the student leaves.

A student may look through several browser sessions at once (two tabs) or one after another (a
reload). When the last of them ends (tab closed, laptop shut, network gone) the student's runs pause
at once: nothing trains for a student who is not there. The web framework keeps a session for a grace
period in case it comes back (a network blip); then, or when any session of the student comes, the
runs are still there, paused, and Continue goes on. Once the student has been gone for the grace
period the runs' memory is released, whether or not the framework has dropped the session yet.
"""

from __future__ import annotations

import ctypes
import gc
import threading
import weakref
from collections.abc import Callable
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
    """`session`: the student's id on the board; `on_release`: called once their runs are released
    (the student's state drops what it held of them)."""

    def __init__(self, session: str = "", board: Board | None = None,
                 on_release: Callable[[], None] | None = None):
        self.session, self._board, self._on_release = session, board, on_release
        self._runs: weakref.WeakSet[Releasable] = weakref.WeakSet()  # a run dropped by its page may go
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._sessions = 0  # the student's browser sessions here now
        self._leaving = 0  # which departure the release timer is for: a timer of an earlier one does nothing

    @property
    def sessions(self) -> int:
        return self._sessions

    def adopt(self, run: Releasable) -> None:
        with self._lock:
            self._runs.add(run)

    def leave(self, grace_s: float) -> None:
        """A session of the student has gone. If it was the last: pause every run now, and release
        them after `grace_s` seconds unless a session of the student comes first."""
        with self._lock:
            self._sessions = max(0, self._sessions - 1)
            if self._sessions:
                return  # another tab of the student's is still here: its runs go on
            runs = list(self._runs)
            self._cancel_release()
            self._timer = threading.Timer(grace_s, self._release, args=(self._leaving,))
            self._timer.daemon = True
            self._timer.start()
        if self._board is not None:
            self._board.leave(self.session)  # first: its runs show as paused, not stopped by the student
        for run in runs:
            run.pause()

    def arrive(self) -> None:
        """A session of the student is here (a first tab, another, a reload, or one back after a blip):
        keep the runs (those paused stay paused: Continue goes on)."""
        with self._lock:
            self._sessions += 1
            self._cancel_release()
        if self._board is not None:
            self._board.come_back(self.session)

    def _cancel_release(self) -> None:
        self._leaving += 1
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _release(self, leaving: int) -> None:
        with self._lock:
            if self._sessions or leaving != self._leaving:  # a session came just as the timer fired
                return
            runs, self._timer = list(self._runs), None
        if self._board is not None:
            self._board.release(self.session)  # first: what its runs reached is stored before they go
        for run in runs:
            run.release()
        if self._on_release is not None:
            self._on_release()
        give_back_memory()


def give_back_memory() -> None:
    """Hand memory the process has freed back to the system (glibc keeps freed heap pages for reuse,
    so a server's RSS would stay at its class-time peak). Elsewhere than glibc this does nothing."""
    gc.collect()
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
