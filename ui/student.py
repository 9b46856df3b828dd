"""The student behind this browser tab: who it is (a cookie that survives a reload), and what the
student has on the server (core/student_state.py), shared by all their tabs and reloads.

Streamlit's session is one WebSocket connection: a reload, a share link opened in the same tab, a
phone's browser reloading a tab it had put away, all make a new one, with an empty session_state.
So what a student has lives in their StudentState, and each tab's session_state is brought level with
it at the top of every script run (`attach`) and again at its end (`keep`), key by key, by version:

- a value this tab changed since it last looked (a widget, a Train) goes to the state;
- else a value the state has in a newer version (another tab's change, or everything after a reload)
  comes into this tab: a setting's widget is drawn anew from it, a new run starts its timeline afresh.

What is shared: each page's run and kept runs, the name, the sidebar's settings and the app's (dataset,
device, language). What stays with the tab: everything else (the timeline, selections, open expanders).
A page that replaces a run writes it through at once (`put`), so the student's other tabs never see a
page without its run, and their live fragment sees that the run it follows is no longer the page's.

The cookie holds a random id (core/identities.py), never the URL: a copied link carries nobody's runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from core import identities
from core.student_state import MISSING, StudentState
from ui import controls, timeline
from ui.app_sidebar import DATASET_KEY, DEVICE_KEY, NAME_KEY
from ui.cookie import set_cookie
from ui.i18n import LANGUAGE_KEY, t

STATE_KEY = "student.state"  # this tab's StudentState (the object: the id itself is never in session_state)
SYNCED_KEY = "student.synced"  # {key: (value, version)}: what this tab and the state last agreed on
COOKIE_KEY = "student.cookie"  # (cookie, expires): what this tab's browser is to be given, for a fresh identity
RESTARTED_KEY = "student.restarted"  # True until said: the browser came with an id from before a restart
RUN_SUFFIX, HISTORY_SUFFIX = ".run", ".history"  # "<page>.run", "<page>.history": a page's run and kept runs
APP_KEYS = (NAME_KEY, DATASET_KEY, DEVICE_KEY, LANGUAGE_KEY)  # the app-wide sidebar's values
T = TypeVar("T")


def run_key(page: str) -> str:
    return f"{page}{RUN_SUFFIX}"


def history_key(page: str) -> str:
    return f"{page}{HISTORY_SUFFIX}"


def shared(key: str) -> bool:
    """Whether a session_state key is the student's (every tab's) rather than this tab's."""
    return key in APP_KEYS or key.endswith((RUN_SUFFIX, HISTORY_SUFFIX)) or controls.widget_of(key) is not None


def runs_of(key: str) -> bool:
    """Whether a key holds runs (live or kept): what goes when the student's runs are released."""
    return key.endswith((RUN_SUFFIX, HISTORY_SUFFIX))


def browser_cookie() -> str | None:
    """The cookie the browser sent when this session opened (the tests replace this function: AppTest
    sends no cookies)."""
    return st.context.cookies.get(identities.COOKIE)


def attach() -> StudentState:
    """At the top of every script run: who this tab's student is (found from the cookie at the
    session's first run), then this tab and the student's state brought level."""
    state = current()
    _sync(state, pull=True)
    return state


def keep() -> None:
    """At the end of a script run (however it ends): what this run changed, for the student's other
    tabs and the next reload."""
    state = st.session_state.get(STATE_KEY)
    if state is not None:
        _sync(state, pull=False)


def welcome() -> None:
    """A tab with a fresh identity gives its browser the cookie, in every script run of the session (the
    browser writes it once; an empty element, so call it last), and a browser that came with an id
    from before a restart is told so, once, in the language the tab has by now."""
    if st.session_state.pop(RESTARTED_KEY, False):
        st.toast(t("common.server_restarted"), icon="🔄", duration="long")
    cookie = st.session_state.get(COOKIE_KEY)
    if cookie is not None:
        with st.sidebar:
            set_cookie(identities.COOKIE, cookie[0], cookie[1])


def current() -> StudentState:
    """This tab's student's state (found, or made, at the session's first run)."""
    state = st.session_state.get(STATE_KEY)
    if state is None:
        state = st.session_state[STATE_KEY] = _identify()
    return state


def _identify() -> StudentState:
    table = identities.server()
    found = table.find(browser_cookie())
    if found.state is not None:
        return found.state
    issued = table.issue()
    st.session_state[COOKIE_KEY] = (issued.cookie, issued.expires)
    st.session_state[RESTARTED_KEY] = found.verdict == identities.RESTARTED  # said by welcome()
    return issued.state


def put(key: str, value: Any) -> None:
    """Set a shared value in this tab and for the student at once (MISSING removes it)."""
    version = current().put(key, value)
    _set_here(key, value)
    st.session_state.setdefault(SYNCED_KEY, {})[key] = (value, version)


def setdefault(key: str, make: Callable[[], T]) -> T:
    """The student's value of `key` in this tab, made with `make()` if the student has none."""
    value = st.session_state.get(key, MISSING)
    if value is MISSING:
        value, version = current().setdefault(key, make)
        _set_here(key, value)
        st.session_state.setdefault(SYNCED_KEY, {})[key] = (value, version)
    return value


def latest(key: str) -> Any:
    """The student's value of `key` now, whatever this tab last saw (None for none)."""
    value, _ = current().get(key)
    return None if value is MISSING else value


def holds(value: Any) -> bool:
    """Whether `value` (a run this tab follows) is still one of the student's values."""
    state = st.session_state.get(STATE_KEY)
    return state is None or state.holds(value)


def _sync(state: StudentState, pull: bool) -> None:
    synced: dict[str, tuple[Any, int]] = st.session_state.setdefault(SYNCED_KEY, {})
    keys = {key for key in st.session_state if isinstance(key, str) and shared(key)} | set(synced)
    if pull:
        keys |= set(state.keys())
    for key in sorted(keys):
        here = st.session_state.get(key, MISSING)
        seen, seen_version = synced.get(key, (MISSING, 0))
        if not _same(here, seen):  # changed in this tab since it last looked
            synced[key] = (here, state.put(key, here))
            continue
        if pull:
            value, version = state.get(key)
            if version != seen_version:  # changed for the student elsewhere: in another tab, or before a reload
                _take(key, value)
                synced[key] = (value, version)


def _take(key: str, value: Any) -> None:
    _set_here(key, value)
    widget = controls.widget_of(key)
    if widget is not None:
        st.session_state.pop(widget, None)  # the setting's widget is drawn anew, from the new value
    if key.endswith(RUN_SUFFIX):
        timeline.forget(key.removesuffix(RUN_SUFFIX))  # a new run: its charts follow its newest step


def _set_here(key: str, value: Any) -> None:
    if value is MISSING:
        st.session_state.pop(key, None)
    else:
        st.session_state[key] = value


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if type(a) is not type(b) or not isinstance(a, str | int | float | bool | tuple):
        return False  # runs and kept runs are the same only when they are the same object
    return a == b
