"""A browser session's runs: each page's current run and its kept runs, in st.session_state, so
that a Stop click, a page switch or a rerun never loses a step. `begin` puts a fresh run in a
page's place and starts it; `reset` takes the page's run away, keeping it in the page's history."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core import classroom, scheduler
from core.run import CLASSIFIER, REGRESSION, Run
from core.run_history import RunHistory
from ui import host, run_owner, timeline
from ui.i18n import t

FIRST_RECORD_WAIT_S = 0.5  # a Train click's script run waits this long at most for the first step
ON_THE_BOARD = (CLASSIFIER, REGRESSION)  # single networks: the class board compares their settings and results


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
    board = classroom.server()
    if run.kind not in ON_THE_BOARD or not run.records:
        run.stop()
        board.forget(run)
        return
    kept = history(page)
    dropped = kept.add(run)
    board.keep(run, kept.runs[-1].summary)
    if dropped is not None:
        board.forget(dropped.summary)
        st.toast(t("history.dropped", number=dropped.number, limit=history(page).limit), icon="🗂️")


def begin(page: str, start: Callable[[], Run]) -> Run:
    """Replace the page's run with a fresh one built by `start`, and start training it. The new run
    is built first: if building fails, the page's run is as it was."""
    run = start()
    reset(page)
    timeline.forget(page)
    st.session_state[_key(page)] = run
    run_owner.session_owner().adopt(run)
    if run.kind in ON_THE_BOARD:
        classroom.server().track(run_owner.session_id(), page, run)
    if host.browser_on_this_machine():
        scheduler.browser_here()
    run.start()
    run.job.wait_for_record(FIRST_RECORD_WAIT_S)  # so that this very script run draws the first loss point
    return run
