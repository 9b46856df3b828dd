"""The timeline: one step slider that rewinds every chart of a run, and the rest of what a student
sets on a run's charts (the gallery's filter), which a new run starts without.

While a run trains the charts follow its newest step, and a toggle lets a student stop following and
rewind with the slider; once the run is over, the slider is there from the start, at its last step.
The slider is never drawn while following: the page would have to move it to every new step, and a
live fragment reruns several times a second, so the browser could send back a value it showed before
our move reached it, which would look like a student's drag.
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import t


def step_slider(key: str, newest: int, last: int, training: bool, label: str) -> int:
    """The step (1..newest) a run's charts should show; `last` is the run's final step."""
    following_key, value_key = f"{key}.following", f"{key}.step"
    following = st.session_state.setdefault(following_key, True)
    if training:
        toggle_key = f"{key}.follow_toggle"
        st.session_state[toggle_key] = following
        st.toggle(t("charts.follow"), key=toggle_key, on_change=_toggled, args=(toggle_key, following_key,
                                                                                 value_key, newest))
        if following or last < 2:
            return newest
        st.slider(label, 1, last, key=value_key, help=t("charts.timeline_help"))
        return min(st.session_state[value_key], newest)
    if newest < 2:
        return newest
    shown_key = f"{key}.newest_shown"  # the newest step the slider was last put at
    stale = following and st.session_state.get(shown_key) != newest
    if stale or not 1 <= st.session_state.get(value_key, 0) <= newest:
        st.session_state[value_key] = newest
        st.session_state[shown_key] = newest
    st.slider(label, 1, newest, key=value_key, help=t("charts.timeline_help"))
    return st.session_state[value_key]


def _toggled(toggle_key: str, following_key: str, value_key: str, newest: int) -> None:
    st.session_state[following_key] = st.session_state[toggle_key]
    if not st.session_state[toggle_key]:  # rewinding starts from where the charts are
        st.session_state[value_key] = newest


def filter_key(key: str) -> str:
    """Where the gallery filter of the charts under `key` is kept: a confusion cell or chosen points."""
    return f"{key}.gallery_filter"


def generation_key(key: str) -> str:
    """A number in the selectable charts' keys: a new number makes new charts, with no selection."""
    return f"{key}.selection_generation"


def clear_selection(key: str) -> None:
    st.session_state.pop(filter_key(key), None)
    st.session_state[generation_key(key)] = st.session_state.get(generation_key(key), 0) + 1


def forget(key: str) -> None:
    """A new run under `key`: its charts follow its newest step, unfiltered (where the student had
    rewound the old run to, or what they had chosen in it, means nothing for the new one)."""
    for name in [name for name in st.session_state if str(name).startswith(f"{key}.timeline.")]:
        del st.session_state[name]
    clear_selection(key)
