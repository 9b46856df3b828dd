"""Train / Stop / Continue / Reset for any page, and following a run live.

A page's run (core.run.Run) lives in st.session_state, so a Stop click, a page switch or a rerun
never loses a step. Training happens off the page's thread; the page follows each run with a
fragment that redraws a few times a second (st.fragment(run_every=...)), so every widget stays
responsive and several runs on one page update independently.
"""

from __future__ import annotations

import itertools
import time
import weakref
from collections.abc import Callable, Sequence

import streamlit as st

from core import scheduler, threads
from core.base import TrainingDiverged
from core.owner import Owner
from core.run import CLASSIFIER, REGRESSION, Run
from core.run_history import RunHistory
from core.runner import FAILED, FINISHED, STOPPED
from ui import timeline
from ui.i18n import t

REDRAW_SECONDS = 0.3  # the live charts' refresh period while training...
DRAW_SHARE = 0.2  # ...made longer when drawing would take more of the time: it shares the cores with training
FIRST_RECORD_WAIT_S = 0.5  # a Train click's script run waits this long at most for the first step
_live_fragments = itertools.count()  # a fresh name for each live fragment declared (see follow)
_draw_seconds: weakref.WeakKeyDictionary[Run, float] = weakref.WeakKeyDictionary()  # each run's last redraw
OWNER_KEY = "runs.owner"
LEAVE_MARGIN_S = 5  # released this long after Streamlit would no longer let the session reconnect


def _key(page: str) -> str:
    return f"{page}.run"


def get(page: str) -> Run | None:
    return st.session_state.get(_key(page))


def history(page: str) -> RunHistory:
    """The page's kept runs (core/run_history.py), made at first use."""
    return st.session_state.setdefault(f"{page}.history", RunHistory())


def reset(page: str) -> None:
    """The page has no run any more. A single network's run that took a step is kept in the page's
    history, compacted (the oldest kept run may go: a notice says so); any other just stops."""
    run = st.session_state.pop(_key(page), None)
    if run is None:
        return
    if run.kind not in (CLASSIFIER, REGRESSION) or not run.records:
        run.stop()
        return
    dropped = history(page).add(run)
    if dropped is not None:
        st.toast(t("history.dropped", number=dropped.number, limit=history(page).limit), icon="🗂️")


def begin(page: str, start: Callable[[], Run]) -> Run:
    """Replace the page's run with a fresh one built by `start`, and start training it. The new run
    is built first: if building fails, the page's run is as it was."""
    run = start()
    reset(page)
    timeline.forget(page)
    st.session_state[_key(page)] = run
    _session_owner().adopt(run)
    if browser_on_this_machine():
        scheduler.browser_here()
    run.start()
    run.job.wait_for_record(FIRST_RECORD_WAIT_S)  # so that this very script run draws the first loss point
    return run


def browser_on_this_machine() -> bool:
    """Whether this student's browser runs on the server's machine: it opened the app on localhost
    (a teacher's `streamlit run`). A hosted app is reached by its public name."""
    host = (st.context.headers.get("Host") or "").lower()
    return host.startswith(("localhost", "127.0.0.1", "[::1]"))


def _leave(owner: Owner) -> None:
    owner.leave(grace_s=st.get_option("server.disconnectedSessionTTL") + LEAVE_MARGIN_S)


@st.cache_resource(scope="session", on_release=_leave, show_spinner=False)
def _session_owner() -> Owner:
    """Made at a session's first script run and again when it reconnects after a disconnect (the
    session cache is cleared then, which calls _leave): the same Owner comes back, with its runs."""
    owner = st.session_state.setdefault(OWNER_KEY, Owner())
    owner.come_back()
    for value in list(st.session_state.values()):
        if isinstance(value, Run):
            owner.adopt(value)
    return owner


def buttons(page: str, start: Callable[[], Run]) -> Run | None:
    """The four buttons; `start` builds a fresh run from the current settings.

    Clicks are handled before the buttons are drawn, so that they are drawn in the state the
    click leads to (Stop enabled as soon as Train is pressed)."""
    _session_owner()  # from now on, this session's runs pause when it ends (core/owner.py)
    keys = {name: f"{page}.btn.{name}" for name in ("train", "stop", "continue", "reset")}
    clicked = {name: bool(st.session_state.get(key)) for name, key in keys.items()}
    run = get(page)
    if clicked["train"]:
        run = begin(page, start)
    elif run is not None and clicked["stop"]:
        run.stop()
    elif run is not None and clicked["continue"]:
        run.start()
    elif clicked["reset"]:
        reset(page)
        run = None

    running = run is not None and run.job.running
    resumable = run is not None and not running and run.job.status == STOPPED
    states = {"train": running, "stop": not running, "continue": not resumable, "reset": run is None}
    for column, (name, disabled) in zip(st.columns(4), states.items(), strict=True):
        column.button(t(f"common.{name}"), type="primary" if name == "train" else "secondary",
                      disabled=disabled, key=keys[name], width="stretch")
    return run


def panel(page: str, start: Callable[[], Run], settings: dict, data=None,
          hint_key: str = "common.press_train") -> Run | None:
    """The buttons and what goes under them: a hint before the first run, a note when the sidebar
    no longer matches the run's settings (or dataset), and the weights file a run started from."""
    run = buttons(page, start)
    if run is None:
        st.info(t(hint_key))
    elif dict(run.settings) != settings or (data is not None and run.data is not data):
        st.caption(t("common.settings_changed"))
    if run is not None and run.weights_from:
        st.caption(t("history.started_from", name=run.weights_from))
    return run


def follow(run: Run, draw: Callable[[Sequence, bool], None]) -> None:
    """Draw the run's progress and `draw(records, training)` now and, while it trains, again every
    redraw period, in a fragment: the rest of the page stays responsive, and widgets drawn by `draw`
    rerun only the fragment. When the run ends the whole page reruns, so its buttons and status follow
    (the status above the charts).

    Each page run declares its live fragment under a new name, so a new fragment ID: the browser's
    timer may still ask for one more redraw of the fragment it knew after the page has rerun, and
    Streamlit skips a request for a fragment the page no longer has. When it was the same fragment,
    that late redraw raced the page's own rerun, and the browser could keep a stale progress bar and
    drop the status under it: "Training finished." never showed (Streamlit 1.67)."""
    training = run.job.running
    period = _period(run)

    def redraw() -> None:
        threads.use_for_page()  # a fragment's rerun runs on a thread of its own
        started = time.perf_counter()
        _progress(run)
        records = run.records[:len(run.records)]
        if records:
            draw(records, training)
        _draw_seconds[run] = time.perf_counter() - started

    def live() -> None:
        redraw()
        if not run.job.running:
            st.rerun()  # it has just ended: redraw the page with its final state and buttons
        if not period / 2 <= _period(run) <= 2 * period:
            st.rerun()  # the server got much busier or quieter: declare the fragment again, at the new period

    if training:
        live.__qualname__ = f"{live.__qualname__}.{next(_live_fragments)}"  # the fragment ID comes from the name
        st.fragment(live, run_every=period)()
    else:
        _status(run)  # above the progress bar and the charts, where the eye already is
        st.fragment(redraw)()


def wait_after_drawing(seconds: float, sharing: float = 1.0) -> float:
    """The wait before the next redraw: the usual period, or longer so that drawing (which took
    `seconds`) stays within DRAW_SHARE of the time; `sharing` times longer when runs take turns on
    the server (each advances that much slower, and every redraw takes time from all of them)."""
    return max(REDRAW_SECONDS * sharing, seconds * (1 / DRAW_SHARE - 1))


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
