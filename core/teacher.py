"""The teacher's password: compared in constant time, and after too many wrong tries a session waits
before it may try again. The Class page and every teacher action ask `Gate.attempt` first.

    gate = Gate(expected="s3cret")
    gate.attempt("guess", now=time.monotonic())   # WRONG; the 5th wrong try in a row starts a wait
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

OPEN, WRONG, WAIT, NO_PASSWORD = "open", "wrong", "wait", "no_password"
MAX_TRIES = 5  # wrong tries in a row...
WAIT_S = 30.0  # ...then this long before the next one is even compared


@dataclass
class Gate:
    """One session's tries at the password. `expected` is the configured password ("" when none is
    set: the board stays closed)."""

    expected: str
    wrong: int = 0  # wrong tries in a row
    locked_until: float = 0.0  # no try is compared before this time (time.monotonic())

    def attempt(self, given: str, now: float) -> str:
        """OPEN for the right password; WRONG; WAIT while locked (the try is not even compared);
        NO_PASSWORD when none is configured."""
        if not self.expected:
            return NO_PASSWORD
        if now < self.locked_until:
            return WAIT
        if hmac.compare_digest(given.encode("utf-8"), self.expected.encode("utf-8")):
            self.wrong = 0
            return OPEN
        self.wrong += 1
        if self.wrong >= MAX_TRIES:
            self.wrong, self.locked_until = 0, now + WAIT_S
        return WRONG

    def seconds_left(self, now: float) -> float:
        return max(0.0, self.locked_until - now)
