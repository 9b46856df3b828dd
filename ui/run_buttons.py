"""Train / Stop / Continue / Reset for any page, and what goes under them."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core import classroom
from core.run import Run
from core.runner import STOPPED
from ui import run_owner, session_runs
from ui.i18n import t


def buttons(page: str, start: Callable[[], Run]) -> Run | None:
    """The four buttons; `start` builds a fresh run from the current settings.

    Clicks are handled before the buttons are drawn, so that they are drawn in the state the
    click leads to (Stop enabled as soon as Train is pressed)."""
    run_owner.session_owner()  # from now on, this session's runs pause when it ends (core/owner.py)
    run_owner.show_name()
    keys = {name: f"{page}.btn.{name}" for name in ("train", "stop", "continue", "reset")}
    clicked = {name: bool(st.session_state.get(key)) for name, key in keys.items()}
    run = session_runs.get(page)
    if clicked["train"]:
        run = session_runs.begin(page, start)
    elif run is not None and clicked["stop"]:
        run.stop()
    elif run is not None and clicked["continue"]:
        run.start()
    elif clicked["reset"]:
        session_runs.reset(page)
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
    no longer matches the run's settings (or dataset), the weights file a run started from, and the
    teacher's step cap."""
    run = buttons(page, start)
    cap = classroom.server().step_cap
    if cap:
        st.caption(t("common.teacher_cap", n=f"{cap:,}"))
    if run is None:
        st.info(t(hint_key))
    elif dict(run.settings) != settings or (data is not None and run.data is not data):
        st.caption(t("common.settings_changed"))
    if run is not None and run.weights_from:
        st.caption(t("history.started_from", name=run.weights_from))
    return run
