"""A lesson the teacher hands out: a page, its settings, which of them are locked (or hidden), and a
short task, as one link. The link is tamper-evident: `sig=` is an HMAC-SHA256 over the page, the
locked settings' values and the lock list, keyed by the server's secret, so a student who edits a
locked value or drops the lock gets a page that says the link was changed.

    lesson = Lesson(new_lesson_id(), "cnn", {"lr": "0.01", "epochs": "1"}, locked=("epochs",), task="...")
    link_rules = {**lesson.params(secret), ...}             # lock=epochs&lesson=...&sig=...
    verdict(LinkRules.read(query), "cnn", query, names, [secret])  # SIGNED, HAND_WRITTEN, PLAIN or CHANGED

A hand-written `lock=` without `sig` (and without a lesson) is taken as a convenience: it prevents
accidents, not a determined student. The secret is LIVELAB_LESSON_SECRET, else one made once and kept
in the results database (shared by replicas on one PostgreSQL, surviving restarts), else, while the
database cannot answer, one of this process's own (`ServerSecret.lasting` is False: links made now
check only on this process, until it ends; core/classroom.py asks the database again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from core import environment

TASK_MAX_CHARS = 1_000
LOCK, HIDE, LESSON, SIG = "lock", "hide", "lesson", "sig"  # a link's query parameters for a lesson's rules
RULE_PARAMS = (LOCK, HIDE, LESSON, SIG)
ALL = "all"  # lock=all: every setting of the page
SIG_BYTES = 16  # 128 bits of the HMAC: 22 URL-safe characters, far beyond guessing
SECRET_BYTES = 32
PLAIN, HAND_WRITTEN, SIGNED, CHANGED = "plain", "hand_written", "signed", "changed"


@dataclass(frozen=True)
class Lesson:
    """What the teacher set: every setting's value as a link writes it, which ones are locked and
    which of those are hidden, and the task (Markdown, at most TASK_MAX_CHARS)."""

    id: str
    page: str  # the page's key: "cnn", "rnn_classifier", "rnn_regression"
    values: Mapping[str, str] = field(default_factory=dict)  # {setting: its text in the link}
    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()  # drawn nowhere; their values are used all the same
    task: str = ""

    def __post_init__(self):
        if len(self.task) > TASK_MAX_CHARS:
            raise ValueError(f"a task has at most {TASK_MAX_CHARS} characters, not {len(self.task)}")
        object.__setattr__(self, "values", dict(self.values))
        object.__setattr__(self, "locked", tuple(self.locked))
        object.__setattr__(self, "hidden", tuple(self.hidden))

    def params(self, secret: bytes) -> dict[str, str]:
        """The lesson's rules as query parameters (the settings' own parameters go beside them)."""
        rules = {LOCK: ",".join(self.locked)} if self.locked else {}
        if self.hidden:
            rules[HIDE] = ",".join(self.hidden)
        return rules | {LESSON: self.id, SIG: sign(secret, self.page, self.values, self.locked)}


@dataclass(frozen=True)
class LinkRules:
    """What a link says about locks: its lock and hide lists (names as written), lesson id and signature."""

    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    lesson_id: str = ""
    sig: str = ""

    @classmethod
    def read(cls, query: Mapping[str, str]) -> LinkRules:
        return cls(_names(query.get(LOCK, "")), _names(query.get(HIDE, "")), query.get(LESSON, "").strip(),
                   query.get(SIG, "").strip())

    def lock_list(self, names: Sequence[str]) -> tuple[str, ...]:
        """The locked names among the page's `names` (`lock=all`: all of them)."""
        return tuple(names) if ALL in self.locked else tuple(name for name in self.locked if name in names)


def new_lesson_id() -> str:
    return uuid.uuid4().hex[:12]  # short: links stay short; 48 bits are plenty for one server's lessons


def canonical(page: str, values: Mapping[str, str], locked: Sequence[str]) -> bytes:
    """What a signature covers, as bytes that depend on nothing but the page, the locked settings'
    values and the lock list (not on their order)."""
    names = sorted(set(locked))
    return json.dumps({"page": page, "lock": names, "values": {name: str(values.get(name, "")) for name in names}},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign(secret: bytes, page: str, values: Mapping[str, str], locked: Sequence[str]) -> str:
    """The link's `sig=`: a truncated HMAC-SHA256, URL-safe base64 without padding."""
    digest = hmac.new(secret, canonical(page, values, locked), hashlib.sha256).digest()[:SIG_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed(secret: bytes, sig: str, page: str, values: Mapping[str, str], locked: Sequence[str]) -> bool:
    """Whether `sig` is this server's signature of the page, values and locks (compared in constant time)."""
    return hmac.compare_digest(sig.encode(), sign(secret, page, values, locked).encode())


def verdict(rules: LinkRules, page: str, values: Mapping[str, str], names: Sequence[str],
            keys: Sequence[bytes]) -> str:
    """How far to trust a link's locks. PLAIN: no lock, no lesson; HAND_WRITTEN: `lock=` without a
    signature or a lesson; SIGNED: the signature holds; CHANGED: a lesson id or a signature is there and
    the signature does not hold (a value edited, the lock dropped, `sig` dropped, another page's or another
    server's signature). `values`: the link's settings as written; `names`: the page's settings; `keys`: those
    a signature may hold under (Classroom.lesson_keys)."""
    if not rules.sig and not rules.lesson_id:
        return HAND_WRITTEN if rules.locked else PLAIN
    if rules.sig and any(signed(key, rules.sig, page, values, rules.lock_list(names)) for key in keys):
        return SIGNED
    return CHANGED


@dataclass(frozen=True)
class ServerSecret:
    key: bytes
    lasting: bool  # False: this process's own (the database could not keep one); its links end with it


def server_secret(stored: Callable[[Callable[[], str]], str | None]) -> ServerSecret:
    """The key lessons are signed with: LIVELAB_LESSON_SECRET, else the results database's (`stored(make)`
    returns the one kept there, keeping `make()`'s the first time; None when the database cannot answer),
    else one of this process's own."""
    configured = environment.current().lesson_secret
    if configured:
        return ServerSecret(configured.encode(), True)
    kept = stored(lambda: secrets.token_urlsafe(SECRET_BYTES))
    if kept:
        return ServerSecret(kept.encode(), True)
    return PROCESS_SECRET


PROCESS_SECRET = ServerSecret(secrets.token_bytes(SECRET_BYTES), False)


def _names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
