"""The Owner (core/owner.py) of a browser session's runs: when the session ends its runs pause, and
their memory is released unless the session comes back within Streamlit's grace period."""

from __future__ import annotations

import streamlit as st

from core.owner import Owner
from core.run import Run

OWNER_KEY = "runs.owner"
LEAVE_MARGIN_S = 5  # released this long after Streamlit would no longer let the session reconnect


def _leave(owner: Owner) -> None:
    owner.leave(grace_s=st.get_option("server.disconnectedSessionTTL") + LEAVE_MARGIN_S)


@st.cache_resource(scope="session", on_release=_leave, show_spinner=False)
def session_owner() -> Owner:
    """Made at a session's first script run and again when it reconnects after a disconnect (the
    session cache is cleared then, which calls _leave): the same Owner comes back, with its runs."""
    owner = st.session_state.setdefault(OWNER_KEY, Owner())
    owner.come_back()
    for value in list(st.session_state.values()):
        if isinstance(value, Run):
            owner.adopt(value)
    return owner
