"""Train / Stop / Continue / Reset for any page, with a live progress bar.

A page's training session (model, config, background run) lives in st.session_state, so
a Stop click, a page switch or a rerun never loses a step. Training itself runs on a
worker thread (core.runner); the page only follows it, redrawing a few times a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from core.runner import FAILED, FINISHED, STOPPED, BackgroundRun
from core.training import TrainingDiverged
from ui.i18n import t

REDRAW_SECONDS = 0.3  # the charts' refresh period while training...
DRAW_SHARE = 0.2  # ...made longer when drawing would take more of the time: it shares the cores with training
FIRST_POLL_SECONDS = 0.05  # until the first record: the first loss point should appear at once


@dataclass
class TrainingSession:
    run: BackgroundRun
    config: Any
    model: Any = None
    samples_per_step: int = 1
    extra: dict = field(default_factory=dict)  # page-specific things that belong to this run


def _key(page: str) -> str:
    return f"{page}.session"


def get(page: str) -> TrainingSession | None:
    return st.session_state.get(_key(page))


def reset(page: str) -> None:
    session = st.session_state.pop(_key(page), None)
    if session is not None:
        session.run.stop()


def begin(page: str, start: Callable[[], TrainingSession]) -> TrainingSession:
    """Replace the page's session with a fresh one built by `start`, and start training it."""
    reset(page)
    session = start()
    st.session_state[_key(page)] = session
    session.run.start()
    return session


def buttons(page: str, start: Callable[[], TrainingSession]) -> TrainingSession | None:
    """The four buttons; `start` builds a fresh session from the current settings.

    Clicks are handled before the buttons are drawn, so that they are drawn in the state the
    click leads to (Stop enabled as soon as Train is pressed)."""
    keys = {name: f"{page}.btn.{name}" for name in ("train", "stop", "continue", "reset")}
    clicked = {name: bool(st.session_state.get(key)) for name, key in keys.items()}
    session = get(page)
    if clicked["train"]:
        session = begin(page, start)
    elif session is not None and clicked["stop"]:
        session.run.stop()
    elif session is not None and clicked["continue"]:
        session.run.start()
    elif clicked["reset"]:
        reset(page)
        session = None

    running = session is not None and session.run.running
    resumable = session is not None and not running and session.run.status == STOPPED
    columns = st.columns(4)
    states = {"train": running, "stop": not running, "continue": not resumable, "reset": session is None}
    for column, (name, disabled) in zip(columns, states.items(), strict=True):
        column.button(t(f"common.{name}"), type="primary" if name == "train" else "secondary",
                      disabled=disabled, key=keys[name], width="stretch")
    return session


def panel(page: str, start: Callable[[], TrainingSession], settings: dict, data: Any = None,
          hint_key: str = "common.press_train") -> TrainingSession | None:
    """The buttons and what goes under them: a hint before the first run, and a note when the
    sidebar no longer matches the run's settings (or dataset)."""
    session = buttons(page, start)
    if session is None:
        st.info(t(hint_key))
    elif session.extra.get("settings") != settings or (data is not None and session.extra.get("data") is not data):
        st.caption(t("common.settings_changed"))
    return session


def follow_all(followers: Sequence[tuple[Any, TrainingSession, Callable[[Sequence], None]]]) -> None:
    """Follow several runs of one page, each (container, session, draw). A finished run is drawn
    at once; a running one keeps the script busy until it ends, so running ones go last."""
    for container, session, draw in sorted(followers, key=lambda follower: follower[1].run.running):
        with container:
            follow(session, draw)


def follow(session: TrainingSession, draw: Callable[[Sequence], None]) -> None:
    """Draw the session's history, and keep redrawing while its run is training."""
    bar = st.empty()
    run = session.run
    was_running = run.running
    drawn, pause = -1, FIRST_POLL_SECONDS
    while True:
        alive = run.running
        count = len(run.history)
        if count != drawn:
            started = time.perf_counter()
            records = run.history[:count]
            _progress(bar, run, session.samples_per_step)
            if records:
                draw(records)
                pause = pause_after_drawing(time.perf_counter() - started)
            drawn = count
        if not alive:
            break
        run.wait(pause)  # the pause, cut short when the run ends: its final charts and buttons come at once
    _status(run)
    if was_running:
        st.rerun()  # refresh the buttons now that the run has ended


def pause_after_drawing(seconds: float) -> float:
    """The wait before the next redraw: the usual period, or longer so that drawing (which took
    `seconds`) stays within DRAW_SHARE of the time."""
    return max(REDRAW_SECONDS, seconds * (1 / DRAW_SHARE - 1))


def _progress(bar, run: BackgroundRun, samples_per_step: int) -> None:
    progress = run.progress()
    if progress.seconds_left is None:
        text = t("common.progress_start", done=progress.done, total=progress.total)
    else:
        text = t("common.progress", done=progress.done, total=progress.total,
                 rate=f"{progress.per_second * samples_per_step:,.0f}",
                 left=_duration(progress.seconds_left))
    bar.progress(progress.fraction, text=text)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else t("common.seconds", n=seconds)


def _status(run: BackgroundRun) -> None:
    if run.status == FINISHED:
        st.success(t("common.finished"), icon="✅")
    elif run.status == STOPPED:
        st.info(t("common.stopped"), icon="⏸️")
    elif run.status == FAILED and isinstance(run.error, TrainingDiverged):
        st.error(t("common.diverged", step=run.error.step, lr=run.error.lr), icon="💥")
    elif run.status == FAILED:
        st.error(t("common.failed", error=f"{type(run.error).__name__}: {run.error}"), icon="⚠️")
