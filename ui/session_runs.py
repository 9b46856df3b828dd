"""A student's runs: each page's current run and its kept runs, in st.session_state, so that a Stop
click, a page switch or a rerun never loses a step, and in the student's state (ui/student.py), so
that a reload or another tab of the student finds them. `begin` puts a fresh run in a page's place
and starts it; `reset` takes the page's run away, keeping it in the page's history."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core import classroom, scheduler
from core.run import CLASSIFIER, REGRESSION, Run
from core.run_history import RunHistory
from core.student_state import MISSING
from ui import host, lesson_view, run_owner, student, timeline
from ui.i18n import t

FIRST_RECORD_WAIT_S = 0.5  # a Train click's script run waits this long at most for the first step
ON_THE_BOARD = (CLASSIFIER, REGRESSION)  # single networks: the class board compares their settings and results


def get(page: str) -> Run | None:
    return st.session_state.get(student.run_key(page))


def history(page: str) -> RunHistory:
    """The page's kept runs (core/run_history.py), made at first use."""
    return student.setdefault(student.history_key(page), RunHistory)


def reset(page: str) -> None:
    """The page has no run any more. A single network's run that took a step is kept in the page's
    history, compacted (the oldest kept run may go: a notice says so); any other just stops."""
    with student.current().lock:
        run = student.latest(student.run_key(page))
        if run is not None:
            student.put(student.run_key(page), MISSING)
            _retire(page, run)


def _retire(page: str, run: Run) -> None:
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
    run.job.share = run_owner.board_id()  # the student's share of the server's turns, whichever tab started it
    with student.current().lock:  # another tab of the student's may be replacing it too
        old = student.latest(student.run_key(page))  # the student's, even if another tab replaced it just now
        student.put(student.run_key(page), run)  # first: the student's other tabs never see the page without one
        timeline.forget(page)
        run_owner.session_owner().adopt(run)
        if run.kind in ON_THE_BOARD:
            classroom.server().track(run_owner.board_id(), page, run, lesson_view.lesson_id(page))
        if old is not None:
            _retire(page, old)
    if host.browser_on_this_machine():
        scheduler.browser_here()
    run.start()
    run.job.wait_for_record(FIRST_RECORD_WAIT_S)  # so that this very script run draws the first loss point
    return run
