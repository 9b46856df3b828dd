"""What one student has on this server, whichever of their browser tabs looks at it: values by name
(each page's run and kept runs, the name typed for the board, the sidebar's settings), the student's
id on the class board, and the Owner of their runs (core/owner.py).

Each value carries a version that grows with every change, so that a tab can tell what another tab
(or the tab before a reload) changed since it last looked; a removed value stays as MISSING with its
own version, so that removing travels too. No Streamlit and no torch: the values are whatever the
pages keep, and the shared objects (a Run, a RunHistory) are shared, not copied: a Stop on a run
stops it in every tab.

    state = StudentState()
    version = state.put("cnn.setting.lr", 0.01)
    state.get("cnn.setting.lr")          # (0.01, version)
    state.put("cnn.run", MISSING)        # the page has no run any more
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class _Missing:
    """No value: never put, or removed."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class StudentState:
    def __init__(self):
        self.board_id = secrets.token_urlsafe(16)  # the student on the class board: opaque, not their cookie
        # Held by a page while it changes several values that belong together (a run replaced and kept in
        # the page's history): two tabs of one student never interleave those changes.
        self.lock = threading.RLock()
        self._values: dict[str, tuple[Any, int]] = {}
        self._versions = itertools.count(1)
        self._owner: Any = None

    def get(self, key: str) -> tuple[Any, int]:
        """(value, version); (MISSING, 0) for a key never put."""
        return self._values.get(key, (MISSING, 0))

    def put(self, key: str, value: Any) -> int:
        """Set `key` (MISSING removes it); returns its new version."""
        with self.lock:
            version = next(self._versions)
            self._values[key] = (value, version)
            return version

    def setdefault(self, key: str, make: Callable[[], T]) -> tuple[T, int]:
        """The value of `key`, made with `make()` and put if there is none."""
        with self.lock:
            value, version = self.get(key)
            if value is MISSING:
                value = make()
                version = self.put(key, value)
            return value, version

    def keys(self) -> list[str]:
        with self.lock:
            return list(self._values)

    def holds(self, value: Any) -> bool:
        """Whether `value` (a run) is one of the student's values now."""
        with self.lock:
            return any(held is value for held, _ in self._values.values())

    def drop(self, which: Callable[[str], bool]) -> None:
        """Remove every value whose key `which` accepts (the student's runs, once released)."""
        with self.lock:
            for key in [key for key, (value, _) in self._values.items() if which(key) and value is not MISSING]:
                self.put(key, MISSING)

    def owner(self, make: Callable[[], T]) -> T:
        """The student's Owner of runs, made with `make()` the first time it is asked for."""
        with self.lock:
            if self._owner is None:
                self._owner = make()
            return self._owner
