"""What the environment sets: every LIVELAB_* variable the app reads, read here and nowhere else.

`VARIABLES` gives each its name, what it means when unset, the values it accepts and one line on what
it does; the README's table "Settings from the environment" says the same (tests/test_environment.py
checks that they agree). `current()` returns the values parsed, as an `Environment`. A value that
cannot be used is logged as a warning that names the variable, the value and the default used instead,
and the app goes on with the default.

Read when asked, not once at import: tests set these variables per test (monkeypatch) and AppTest
runs the app in the test's own process, so values read at import would be the first test's. Each
call looks at the raw strings and parses a variable only when its string is one not seen before (a
cache keyed by the raw string), so a page rerun costs a few dictionary look-ups and a bad value is
logged once, not on every rerun. What the server makes once (the scheduler, with its slots and
threads) reads the environment once, when it is made.

No torch and no Streamlit here: the sidebar reads it before torch has loaded (ui/app_sidebar.py).

    from core import environment
    environment.current().max_steps     # None, or the step cap every run gets
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Environment:
    """The settings the environment gives, parsed; each default is what an unset variable means."""

    data_dir: Path = Path("data")  # datasets are read from here and downloaded into it
    download: bool = True  # False: never try the network
    max_steps: int | None = None  # a cap on every training run's steps; None: no cap
    training_slots: int | None = None  # runs trained at once; None: core/scheduler.py's choice from the cores
    training_threads: int | None = None  # torch threads for training; None: core/threads.py's choice
    database_url: str = ""  # where the class's results are kept; "": a SQLite file in the data folder
    teacher_password: str = ""  # opens the Class page (st.secrets["teacher_password"] comes first); "": closed
    lesson_secret: str = ""  # signs lesson links (core/lesson.py); "": one kept in the results database


@dataclass(frozen=True)
class Variable:
    """One environment variable. A value is a whole number within `bounds`, one of `choices`'
    words, or (neither given) text: `text` says what it is, a folder is taken as a path."""

    name: str
    field: str  # the Environment field it sets
    unset: str  # what leaving it unset means, in words (the README's "default" column)
    meaning: str  # one line: what it does
    bounds: tuple[int, int] | None = None  # lowest and highest whole number accepted
    choices: tuple[tuple[str, Any], ...] | None = None  # (word, value) pairs
    text: str = "a folder"  # what a text value is, in words

    @property
    def accepts(self) -> str:
        if self.bounds:
            return "a whole number from {:,} to {:,}".format(*self.bounds)
        if self.choices:
            return " or ".join(word for word, _ in self.choices)
        return self.text

    def parse(self, text: str | None) -> Any:
        """The field's value for the variable's raw text (None: unset); a bad value is logged and
        gives the default."""
        default = getattr(DEFAULTS, self.field)
        word = (text or "").strip()
        if not word:
            return default
        if self.choices:
            choices = dict(self.choices)
            value, good = choices.get(word), word in choices
        elif self.bounds:
            value = int(word) if word.isascii() and word.isdigit() else None
            good = value is not None and self.bounds[0] <= value <= self.bounds[1]
        else:
            value, good = (Path(word) if self.text == "a folder" else word), True
        if not good:
            log.warning("%s=%r is not %s; using the default (%s)", self.name, text, self.accepts, self.unset)
            return default
        return value


DEFAULTS = Environment()
MAX_STEPS_BOUND = 1_000_000  # the training configs' own bound on max_steps (core/training.py, core/regression.py)

# The README's table "Settings from the environment" shows these, in this order (names and values in backticks).
VARIABLES = (
    Variable("LIVELAB_DATA_DIR", "data_dir", "data",
             "the folder datasets are read from and downloaded into"),
    Variable("LIVELAB_DOWNLOAD", "download", "1",
             "0: never try to download a dataset, use the files in the folder or the bundled digits "
             "(offline classrooms, tests)",
             choices=(("1", True), ("0", False))),
    Variable("LIVELAB_MAX_STEPS", "max_steps", "no cap",
             "stops every training run after this many steps (tests, slow demo machines)",
             bounds=(1, MAX_STEPS_BOUND)),
    # These upper bounds only refuse an absurd value (a typo's extra digits), far above any machine's cores.
    Variable("LIVELAB_TRAINING_SLOTS", "training_slots", "one per core, at most 4",
             "how many runs the server trains at once, in turns",
             bounds=(1, 64)),
    Variable("LIVELAB_TRAINING_THREADS", "training_threads",
             "every core, one less while a browser on the server's machine draws the pages",
             "how many torch threads the training runs share",
             bounds=(1, 256)),
    Variable("LIVELAB_DATABASE_URL", "database_url", "a SQLite file in the data folder",
             "where the class's results are kept (a PostgreSQL URL where several servers serve one class)",
             text="a SQLAlchemy URL"),
    Variable("LIVELAB_TEACHER_PASSWORD", "teacher_password", "none: the Class page stays closed",
             "the teacher's password for the Class page (st.secrets' teacher_password comes first)",
             text="any text"),
    Variable("LIVELAB_LESSON_SECRET", "lesson_secret", "one made once and kept in the results database",
             "the key that signs lesson links, so a student who edits a locked setting is noticed",
             text="any text"),
)


def current() -> Environment:
    """The settings as the environment gives them now."""
    return Environment(**{v.field: value_of(v, os.environ.get(v.name)) for v in VARIABLES})


@functools.lru_cache(maxsize=256)  # bounded: tests give LIVELAB_DATA_DIR a new folder each
def value_of(variable: Variable, text: str | None) -> Any:
    """`variable.parse(text)`, once per distinct text (tests empty the cache with `value_of.cache_clear()`)."""
    return variable.parse(text)
