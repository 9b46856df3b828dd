"""The Owner (core/owner.py) of a student's runs, one per student whatever the number of their tabs:
each browser session that opens a training page counts in, and when the last one ends the runs
pause; their memory is released unless a session of the student comes within Streamlit's grace
period. The class's board (core/classroom.py) is told each of these, under the student's board id
(ui/student.py), and shows the name the student typed."""

from __future__ import annotations

import streamlit as st

from core import classroom
from core.owner import Owner
from core.run import Run
from core.student_state import StudentState
from ui import student
from ui.app_sidebar import NAME_KEY

SHOWN_NAME_KEY = "student.name_on_board"
LEAVE_MARGIN_S = 5  # released this long after Streamlit would no longer let the session reconnect


def board_id() -> str:
    """The student's id on the class board: random and opaque (the board never shows it), the same in
    every tab and after a reload, and not the id their cookie holds."""
    return student.current().board_id


def show_name() -> None:
    """The board shows the name the student typed in the sidebar (or, with none, a number)."""
    name = st.session_state.get(NAME_KEY, "")
    if st.session_state.get(SHOWN_NAME_KEY) != name:
        classroom.server().registry.rename(board_id(), name)
        st.session_state[SHOWN_NAME_KEY] = name


def _leave(owner: Owner) -> None:
    owner.leave(grace_s=st.get_option("server.disconnectedSessionTTL") + LEAVE_MARGIN_S)


def _owner_of(state: StudentState) -> Owner:
    return state.owner(lambda: Owner(state.board_id, classroom.server(),
                                     on_release=lambda: state.drop(student.runs_of)))


@st.cache_resource(scope="session", on_release=_leave, show_spinner=False)
def session_owner() -> Owner:
    """Made at a session's first script run on a training page, and again when it reconnects after a
    disconnect (the session cache is cleared then, which calls _leave): the session counts in with
    the student's Owner, which adopts the runs it sees."""
    owner = _owner_of(student.current())
    owner.arrive()
    for value in list(st.session_state.values()):
        if isinstance(value, Run):
            owner.adopt(value)
    return owner
