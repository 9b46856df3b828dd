"""The Owner (core/owner.py) of a browser session's runs: when the session ends its runs pause, and
their memory is released unless the session comes back within Streamlit's grace period. The class's
board (core/classroom.py) is told each of these, and shows the name the student typed."""

from __future__ import annotations

import secrets

import streamlit as st

from core import classroom
from core.owner import Owner
from core.run import Run
from ui.app_sidebar import NAME_KEY

OWNER_KEY, SESSION_KEY, SHOWN_NAME_KEY = "runs.owner", "student.session", "student.name_on_board"
LEAVE_MARGIN_S = 5  # released this long after Streamlit would no longer let the session reconnect


def session_id() -> str:
    """The session's id on the class board: random and opaque (the board never shows it)."""
    return st.session_state.setdefault(SESSION_KEY, secrets.token_urlsafe(16))


def show_name() -> None:
    """The board shows the name the student typed in the sidebar (or, with none, a number)."""
    name = st.session_state.get(NAME_KEY, "")
    if st.session_state.get(SHOWN_NAME_KEY) != name:
        classroom.server().registry.rename(session_id(), name)
        st.session_state[SHOWN_NAME_KEY] = name


def _leave(owner: Owner) -> None:
    owner.leave(grace_s=st.get_option("server.disconnectedSessionTTL") + LEAVE_MARGIN_S)


@st.cache_resource(scope="session", on_release=_leave, show_spinner=False)
def session_owner() -> Owner:
    """Made at a session's first script run and again when it reconnects after a disconnect (the
    session cache is cleared then, which calls _leave): the same Owner comes back, with its runs."""
    owner = st.session_state.setdefault(OWNER_KEY, Owner(session_id(), classroom.server()))
    owner.arrive()
    for value in list(st.session_state.values()):
        if isinstance(value, Run):
            owner.adopt(value)
    return owner
