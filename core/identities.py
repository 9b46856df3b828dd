"""Who a browser is, across reloads: the identities this server has issued, each a random id that a
first-party cookie keeps for a school day, and what each student has on the server (a StudentState).

A browser that comes without a cookie, or with one that is malformed, oversized, expired or never
issued here, gets a fresh identity and nothing else, silently. The cookie also names the server's
boot (a random id made when the process starts), so that a browser coming back after a restart can
be told so kindly: its id is from an earlier boot (RESTARTED), and it too gets a fresh identity. An id
is only ever compared whole against the table: guessing one means guessing 256 random bits.

The table is bounded: an identity expires LIFETIME_S after it was issued, and past `limit` identities
the oldest goes. No Streamlit and no torch: a browser's first page is drawn before torch has loaded.

    table = Identities()
    issued = table.issue()                 # issued.cookie goes to the browser, issued.state to its tabs
    table.find(issued.cookie).state is issued.state
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.student_state import StudentState

COOKIE = "livelab_student"  # the cookie's name
LIFETIME_S = 12 * 60 * 60  # a school day: the cookie's lifetime, and the identity's on the server
LIMIT = 10_000  # identities kept at most; past it the oldest goes (a flood of new browsers cannot fill memory)
KNOWN, RESTARTED, UNKNOWN = "known", "restarted", "unknown"  # what a cookie says
_ID_BYTES = 32  # a student's id: 32 random bytes, 43 URL-safe characters, after the boot's 8 and a dot
_BOOT = re.compile(r"[A-Za-z0-9_-]{8}")
_FORMAT = re.compile(r"([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{43})")
MAX_COOKIE = 52  # characters of a well-formed cookie: anything longer is refused before it is even parsed


@dataclass(frozen=True)
class Issued:
    cookie: str = field(repr=False)  # the browser's, and only the browser's: never shown, never logged
    expires: float  # time.time() when it expires: the cookie's Expires and the table's
    state: StudentState


@dataclass(frozen=True)
class Found:
    verdict: str  # KNOWN, RESTARTED or UNKNOWN (missing, malformed, expired or never issued here)
    state: StudentState | None  # the student's, when KNOWN


@dataclass
class _Entry:
    issued: float
    state: StudentState


class Identities:
    def __init__(self, lifetime_s: float = LIFETIME_S, limit: int = LIMIT, boot: str | None = None,
                 clock: Callable[[], float] = time.time):
        self.lifetime_s, self.limit, self._clock = lifetime_s, limit, clock
        self.boot = boot or secrets.token_urlsafe(6)  # 6 bytes: 8 characters
        if not _BOOT.fullmatch(self.boot):
            raise ValueError("a boot id is 8 URL-safe characters")
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}  # cookie -> entry, oldest first

    def issue(self) -> Issued:
        """A fresh identity, with an empty StudentState."""
        now = self._clock()
        cookie = f"{self.boot}.{secrets.token_urlsafe(_ID_BYTES)}"
        entry = _Entry(now, StudentState())
        with self._lock:
            self._expire(now)
            self._entries[cookie] = entry
            while len(self._entries) > self.limit:
                del self._entries[next(iter(self._entries))]
        return Issued(cookie, now + self.lifetime_s, entry.state)

    def find(self, cookie: str | None) -> Found:
        """What a browser's cookie says: KNOWN with the student's state, RESTARTED for an id of this
        server's earlier boot, else UNKNOWN."""
        if not isinstance(cookie, str) or len(cookie) > MAX_COOKIE:
            return Found(UNKNOWN, None)
        parts = _FORMAT.fullmatch(cookie)
        if parts is None:
            return Found(UNKNOWN, None)
        if parts.group(1) != self.boot:
            return Found(RESTARTED, None)
        with self._lock:
            self._expire(self._clock())
            entry = self._entries.get(cookie)
        return Found(KNOWN, entry.state) if entry is not None else Found(UNKNOWN, None)

    def __len__(self) -> int:
        return len(self._entries)

    def _expire(self, now: float) -> None:
        while self._entries:
            oldest = next(iter(self._entries))
            if now - self._entries[oldest].issued < self.lifetime_s:
                return
            del self._entries[oldest]


_server: Identities | None = None
_server_lock = threading.Lock()


def server() -> Identities:
    """This process's table, made on first use (its boot id with it)."""
    global _server
    with _server_lock:
        if _server is None:
            _server = Identities()
        return _server
