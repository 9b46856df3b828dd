"""Sidebar controls declared once per page: each becomes a bounded widget, a config field,
and a URL query parameter (so a teacher can share a page's exact settings).

Values live under a page-scoped key in st.session_state that outlives the widget, so
settings survive a trip to another page and back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import streamlit as st

from core.lesson import ALL, HIDE, LOCK, RULE_PARAMS, LinkRules
from ui import lesson_view
from ui.app_sidebar import DATASET_KEY
from ui.i18n import DEFAULT_LANGUAGE, LANGUAGE_KEY, has, labeller, t


@dataclass(frozen=True)
class Control:
    """One sidebar setting. A training setting's default comes from the page's preset (PageSpec
    binds it); a page's own setting (not the run's) states its default here."""

    name: str  # setting name and query parameter
    low: float | None = None  # int / float sliders
    high: float | None = None
    step: float | None = None
    options: tuple = ()  # a select box (strings) or a select slider (numbers)
    default: Any = None
    reads: Callable[[str], Any] | None = None  # a text setting: its text -> its value, or ValueError
    draw: Callable[[str, str], None] | None = None  # (page, widget key) -> draws its own editor (a text setting)

    def parse(self, text: str) -> Any:
        """A query-parameter string -> a valid value, or ValueError."""
        if self.reads is not None:
            return self.reads(text)
        if self.options:
            for option in self.options:
                if str(option) == text or (isinstance(option, float) and _same_float(option, text)):
                    return option
            raise ValueError(text)
        number = float(text)
        if not (math.isfinite(number) and self.low <= number <= self.high):  # "inf", "nan", out of range
            raise ValueError(text)
        if isinstance(self.default, int):
            if not number.is_integer():
                raise ValueError(text)
            return int(number)
        return number


def _same_float(option: float, text: str) -> bool:
    try:
        return math.isclose(option, float(text), rel_tol=1e-9)
    except ValueError:
        return False


SETTING = ".setting."  # a page's settings are kept under "<page>.setting.<name>"


def _state_key(page: str, name: str) -> str:
    return f"{page}{SETTING}{name}"


def widget_of(key: str) -> str | None:
    """The widget key of the setting kept under `key`; None when `key` keeps no page setting."""
    page, found, name = key.partition(SETTING)
    return _widget_key(page, name) if found and page and name else None


def _widget_key(page: str, name: str) -> str:
    return f"widget.{page}.{name}"


def sidebar(page: str, controls: Sequence[Control], heading_key: str = "common.hyperparameters") -> dict[str, Any]:
    """Draw the page's controls in the sidebar and return {name: value}."""
    _apply_query_params(page, controls)
    lesson_view.show(page)
    st.sidebar.subheader(t(heading_key))
    page_rules = lesson_view.rules(page)
    values = {}
    for control in controls:
        if control.name in page_rules.hidden:  # not drawn; the link's value is used
            values[control.name] = st.session_state[_state_key(page, control.name)] = page_rules.values[control.name]
            continue
        locked = control.name in page_rules.locked
        if locked:  # held at the link's value, whatever another tab of the student's set
            st.session_state[_widget_key(page, control.name)] = page_rules.values[control.name]
        values[control.name] = setting_widget(page, control, disabled=locked)
        if locked:
            lesson_view.locked_note()
    _share_button(page, values)
    return values


def share_link(values: Mapping[str, Any], dataset: str | None = None, page_path: str | None = None) -> str:
    """A link to this page (or the page at `page_path`) that restores `values`, the language and the
    dataset (the sidebar's, unless `dataset` names another: a past run's, another student's)."""
    params = {**{name: str(value) for name, value in values.items()},
              LANGUAGE_KEY: st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)}
    dataset = dataset or st.session_state.get(DATASET_KEY)
    if dataset is not None:
        params[DATASET_KEY] = dataset
    base = st.context.url or ""
    if page_path is not None:  # the app's address, then the page's: http://host/cnn
        base = f"{base.rsplit('/', 1)[0]}/{page_path}"
    return f"{base}?{urlencode(params, safe=',')}"  # a network's layers stay readable: blocks=16c5-p,32c5-p


def _share_button(page: str, values: dict[str, Any]) -> None:
    if st.sidebar.button(t("common.share"), key=f"{page}.btn.share", icon="🔗", width="stretch"):
        link = share_link(values)
        st.query_params.from_dict(dict(parse_qsl(link.partition("?")[2])))  # the address bar shows it too
        st.sidebar.caption(t("common.share_help"))
        st.sidebar.code(link, language=None, wrap_lines=True)


def setting_widget(page: str, control: Control, *, scope: str | None = None, container: Any = None,
                   disabled: bool = False) -> Any:
    """Draw one of `page`'s settings (in the sidebar, or `container`) and return its value. `scope`: where its
    value is kept, when not the page's own (the teacher's lesson builder sets a page's settings apart)."""
    scope = scope or page
    container = container or st.sidebar
    stored, widget = _state_key(scope, control.name), _widget_key(scope, control.name)
    if widget not in st.session_state:
        st.session_state[widget] = st.session_state.get(stored, control.default)
    if control.draw is not None and not disabled and container is st.sidebar:
        control.draw(page, widget)  # the editor keeps its value under the widget key, as text
        st.session_state[stored] = st.session_state[widget]
        return st.session_state[stored]
    label = t(f"{page}.controls.{control.name}")
    help_key = f"{page}.controls_help.{control.name}"
    options = dict(key=widget, help=t(help_key) if has(help_key) else None, disabled=disabled)
    if control.reads is not None:  # a text setting whose editor is elsewhere: locked, or in the lesson builder
        container.text_input(label, **options)
    elif control.options == (False, True):  # a switch
        container.toggle(label, **options)
    elif control.options and isinstance(control.options[0], str):
        container.selectbox(label, control.options, format_func=labeller(f"{page}.options.{control.name}"), **options)
    elif control.options:
        container.select_slider(label, control.options, **options)
    elif isinstance(control.default, int) and control.step is None and control.high - control.low > 1000:
        container.number_input(label, int(control.low), int(control.high), step=1, **options)
    else:
        container.slider(label, control.low, control.high, step=control.step, **options)
    st.session_state[stored] = st.session_state[widget]
    return st.session_state[stored]


def _apply_query_params(page: str, controls: Sequence[Control]) -> None:
    """Once per session and page: settings named in the URL override the defaults.
    Unknown or out-of-range parameters are ignored with a notice."""
    flag = f"{page}.query_applied"
    if st.session_state.get(flag):
        return
    st.session_state[flag] = True
    by_name = {c.name: c for c in controls}
    query = st.query_params.to_dict()
    page_rules, settings = lesson_view.read_link(page, tuple(by_name), query)
    rules = LinkRules.read(query)
    ignored = [f"{param}={name}" for param, names in ((LOCK, rules.locked), (HIDE, rules.hidden))
               for name in names if name not in by_name and (param, name) != (LOCK, ALL)]
    for name, text in settings.items():
        if name in (LANGUAGE_KEY, DATASET_KEY, *RULE_PARAMS):  # app-wide settings, and a lesson's rules
            continue
        control = by_name.get(name)
        try:
            if control is None:
                raise ValueError(name)
            st.session_state[_state_key(page, name)] = control.parse(text)
            st.session_state.pop(_widget_key(page, name), None)
        except ValueError:
            ignored.append(f"{name}={text}")
    if ignored:
        st.toast(t("common.ignored_params", params=", ".join(ignored)))
    lesson_view.keep(page, page_rules, current(page, controls))


def restore(page: str, controls: Sequence[Control], values: Mapping[str, Any]) -> None:
    """Set the page's sidebar to `values` (those that name one of its controls). For a widget's
    callback: it runs before the sidebar is drawn, the only moment a widget's value may be set."""
    for control in controls:
        if control.name in values:
            st.session_state[_state_key(page, control.name)] = values[control.name]
            st.session_state[_widget_key(page, control.name)] = values[control.name]


def shown(page: str, control: Control, value: Any) -> str:
    """A setting's value as its widget shows it: an option's label, a number as written."""
    if value == "":
        return "–"  # a text setting left empty (a network without hidden layers)
    if isinstance(value, str) and control.options:
        return labeller(f"{page}.options.{control.name}")(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def current(page: str, controls: Sequence[Control]) -> dict[str, Any]:
    """The page's settings as stored, without drawing anything (for links and comparisons)."""
    return {c.name: st.session_state.get(_state_key(page, c.name), c.default) for c in controls}
