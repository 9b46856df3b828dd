"""The timeline: one step slider that rewinds every chart of a run.

The slider spans the whole run (1 to its last step) from the start, so that it stays the same widget
while the run trains (Streamlit makes a slider whose range changes a new widget, which would drop a
drag in progress). While its knob is at the newest step it follows a live run; once a student drags
it back it stays where they put it; dragging it to the newest step, or past it, follows the run again.
"""

from __future__ import annotations

import streamlit as st


def step_slider(key: str, newest: int, last: int, label: str, help_text: str | None = None) -> int:
    """The step (1..newest) a run's charts should show; `last` is the run's final step."""
    if last < 2 or newest < 1:  # a slider needs two values
        return newest
    value_key, follow_key = f"{key}.step", f"{key}.follow"
    if st.session_state.get(follow_key, True) or st.session_state.get(value_key, newest) > newest:
        st.session_state[value_key] = newest
    st.slider(label, 1, last, key=value_key, help=help_text, on_change=_moved, args=(value_key, follow_key, newest))
    return min(st.session_state[value_key], newest)


def _moved(value_key: str, follow_key: str, newest: int) -> None:
    st.session_state[follow_key] = st.session_state[value_key] >= newest
