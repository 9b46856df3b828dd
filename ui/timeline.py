"""The timeline: one step slider that rewinds every chart of a run.

While its knob is at the right end the slider follows a live run (every redraw moves it to the
newest step); once a student drags it back it stays where they put it, and dragging it to the right
end again follows the run again.
"""

from __future__ import annotations

import streamlit as st


def step_slider(key: str, newest: int, label: str, help_text: str | None = None) -> int:
    """The step (1..newest) the run's charts should show."""
    if newest < 2:  # a slider needs two values
        return newest
    value_key, follow_key = f"{key}.step", f"{key}.follow"
    if st.session_state.get(follow_key, True) or st.session_state.get(value_key, newest) > newest:
        st.session_state[value_key] = newest
    st.slider(label, 1, newest, key=value_key, help=help_text, on_change=_moved, args=(value_key, follow_key, newest))
    return st.session_state[value_key]


def _moved(value_key: str, follow_key: str, newest: int) -> None:
    st.session_state[follow_key] = st.session_state[value_key] >= newest
