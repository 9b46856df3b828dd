"""Where a student's browser runs, as far as the server can tell from the request."""

from __future__ import annotations

import streamlit as st


def browser_on_this_machine() -> bool:
    """Whether this student's browser runs on the server's machine: it opened the app on localhost
    (a teacher's `streamlit run`). A hosted app is reached by its public name."""
    host = (st.context.headers.get("Host") or "").lower()
    return host.startswith(("localhost", "127.0.0.1", "[::1]"))
