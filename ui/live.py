"""Following a run live: its progress bar, its status and the page's charts of it. Training happens
off the page's thread; while a run trains, a fragment redraws it a few times a second
(st.fragment(run_every=...)), so every widget stays responsive and several runs on one page update
independently."""

from __future__ import annotations

import itertools
import time
import weakref
from collections.abc import Callable, Sequence

import streamlit as st

from core import threads
from core.base import TrainingDiverged
from core.run import Run
from core.runner import FAILED, FINISHED, STOPPED
from ui import student
from ui.i18n import t

REDRAW_SECONDS = 0.5  # the live charts' refresh period while training (each redraw is bytes for the browser)...
DRAW_SHARE = 0.2  # ...made longer when drawing would take more of the time: it shares the cores with training
_fragment_names = itertools.count()  # a new name for each fragment fresh_fragment declares
DRAW_MEMORY = 0.8  # the weight of earlier redraws in a run's typical redraw time (an exponential average)
_draw_seconds: weakref.WeakKeyDictionary[Run, float] = weakref.WeakKeyDictionary()  # a run's typical redraw


def follow(run: Run, draw: Callable[[Sequence, bool], None]) -> None:
    """Draw the run's progress and `draw(records, training)` now and, while it trains, again every
    redraw period, in a fragment: the rest of the page stays responsive, and widgets drawn by `draw`
    rerun only the fragment. When the run ends the whole page reruns, so its buttons and status follow
    (the status above the charts), and so does it when the student's other tab replaces the run.
    Each page run declares the live fragment anew (fresh_fragment)."""
    training = run.job.running
    period = _period(run)

    def redraw() -> None:
        threads.use_for_page()  # a fragment's rerun runs on a thread of its own
        started = time.perf_counter()
        _progress(run)
        records = run.records[:len(run.records)]
        if records:
            draw(records, training)
        _draw_seconds[run] = typical_draw(_draw_seconds.get(run), time.perf_counter() - started)

    def live() -> None:
        if not student.holds(run):
            st.rerun()  # another tab of the student's replaced or reset it: the page draws what it has now
        redraw()
        if not run.job.running:
            st.rerun()  # it has just ended (or another tab stopped it): the page with its final state and buttons
        if not period / 2 <= _period(run) <= 2 * period:
            st.rerun()  # the server got much busier or quieter: declare the fragment again, at the new period

    if training:
        fresh_fragment(live, run_every=period)()
    else:
        _status(run)  # above the progress bar and the charts, where the eye already is
        st.fragment(redraw)()


def fresh_fragment(fn: Callable[[], None], run_every: float) -> Callable[[], None]:
    """`fn` as a fragment that reruns every `run_every` seconds, declared under a name no earlier call
    gave (Streamlit makes a fragment's ID from its name): a redraw that the browser's timer still asks
    for after the page has rerun names a fragment the page no longer has, and Streamlit skips it."""
    def fragment() -> None:
        fn()
    fragment.__qualname__ = f"{fn.__qualname__}.{next(_fragment_names)}"
    return st.fragment(fragment, run_every=run_every)


def wait_after_drawing(seconds: float, sharing: float = 1.0) -> float:
    """The wait before the next redraw: the usual period, or longer so that drawing (which took
    `seconds`) stays within DRAW_SHARE of the time; `sharing` times longer when runs take turns on
    the server (each advances that much slower, and every redraw takes time from all of them)."""
    return max(REDRAW_SECONDS * sharing, seconds * (1 / DRAW_SHARE - 1))


def typical_draw(before: float | None, seconds: float) -> float:
    """A run's typical redraw time after one more redraw took `seconds`: averaged, so that one slow
    redraw (an evaluation's charts, a busy moment) does not change the period. Each change of period
    reruns the whole page, which sends every element of it to the browser again."""
    return seconds if before is None else DRAW_MEMORY * before + (1 - DRAW_MEMORY) * seconds


def _period(run: Run) -> float:
    """The live fragment's period, from how long its last redraw took and how busy the server is."""
    scheduler = run.job.scheduler
    return wait_after_drawing(_draw_seconds.get(run, 0.0), max(1.0, scheduler.load() / scheduler.slots))


def _progress(run: Run) -> None:
    """The progress bar: steps done, speed and time left; while the run waits for its turn, its
    place in line; while more runs train than the server has slots, that they take turns."""
    progress, place = run.job.progress(), run.job.place()
    if place is not None and not progress.done:
        text = t("common.waiting", ahead=_ahead(place.ahead), left=_duration(place.seconds))
    elif progress.seconds_left is None or not run.job.running:  # no speed to speak of before, or after
        text = t("common.progress_start", done=progress.done, total=progress.total)
    else:
        text = t("common.progress", done=progress.done, total=progress.total,
                 rate=f"{progress.per_second * run.samples_per_step:,.0f}",
                 left=_duration(progress.seconds_left))
    scheduler = run.job.scheduler
    if run.job.running and scheduler.load() > scheduler.slots:
        text += t("common.sharing", n=scheduler.load(), slots=scheduler.slots)
    st.progress(progress.fraction, text=text)


def _ahead(n: int) -> str:
    return t("common.ahead_none") if n == 0 else t("common.ahead_one") if n == 1 else t("common.ahead_many", n=n)


def _duration(seconds: float) -> str:
    seconds = max(1, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else t("common.seconds", n=seconds)


def _status(run: Run) -> None:
    status, error = run.job.status, run.job.error
    if status == FINISHED:
        st.success(t("common.finished"), icon="✅")
    elif status == STOPPED:
        st.info(t("common.stopped"), icon="⏸️")
    elif status == FAILED and isinstance(error, TrainingDiverged):
        st.error(t("common.diverged", step=error.step, lr=error.lr), icon="💥")
    elif status == FAILED:
        st.error(t("common.failed", error=f"{type(error).__name__}: {error}"), icon="⚠️")
