"""What a lesson link does to the page it opens: which settings are locked (drawn disabled, with a
note) or hidden (not drawn, still used), the teacher's task at the top, and a notice when the link
was changed after the teacher signed it (core/lesson.py).

The rules are read from the link once per page and tab (with the link's settings, ui/controls.py) and
kept in this tab's session_state, so they hold through reruns and page switches, until the student
opens a link without them (a new session). They stay with the tab: the student's other tabs are their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import streamlit as st

from core.lesson import CHANGED, Lesson, LinkRules, verdict
from ui.i18n import t

if TYPE_CHECKING:
    from core.results import ResultsStore

RULES_SUFFIX = ".lesson_rules"  # "<page>.lesson_rules": this tab's rules for the page (not shared with other tabs)
CHANGED_NOTICE, UNKNOWN_NOTICE = "lesson.changed", "lesson.unknown"


@dataclass(frozen=True)
class PageRules:
    """What this tab's page follows: locked and hidden settings, the lesson (if known), a notice."""

    locked: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    lesson: Lesson | None = None
    notice: str = ""  # a translation key, "" for none
    values: Mapping[str, Any] = field(default_factory=dict)  # the locked and hidden settings' values, held

    @property
    def lesson_id(self) -> str:
        return self.lesson.id if self.lesson is not None else ""


NO_RULES = PageRules()


def rules(page: str) -> PageRules:
    return st.session_state.get(page + RULES_SUFFIX, NO_RULES)


def lesson_id(page: str) -> str:
    """The lesson the page's runs are started under ("" for none): the board shows it."""
    return rules(page).lesson_id


def read_link(page: str, names: Sequence[str], query: Mapping[str, str]) -> tuple[PageRules, Mapping[str, str]]:
    """The link's rules for the page and the settings to apply (as written): the link's own, or, when a
    lesson's link was changed and the lesson is known, the lesson's. `names`: the page's settings."""
    link = LinkRules.read(query)
    if not (link.sig or link.lesson_id):  # no lesson: no key or database is needed to judge it
        return PageRules(frozenset(link.lock_list(names)), _hidden(link, names)), query
    from core import classroom  # imports torch: only a lesson's link needs it

    trust = verdict(link, page, query, names, classroom.server().lesson_keys())
    lesson = _known_lesson(classroom.server().store, link.lesson_id, page) if link.lesson_id else None
    if trust == CHANGED:
        if lesson is None:
            return PageRules(notice=CHANGED_NOTICE), query  # an unlocked page, as a plain share link
        return _lesson_rules(lesson, names, CHANGED_NOTICE), lesson.values
    if lesson is None:  # signed by this server, but the lesson is not in its database: a plain share link
        return PageRules(notice=UNKNOWN_NOTICE), query
    return PageRules(frozenset(link.lock_list(names)), _hidden(link, names), lesson), query


def _hidden(link: LinkRules, names: Sequence[str]) -> frozenset[str]:
    return frozenset(name for name in link.hidden if name in names)


def _known_lesson(store: ResultsStore, lesson_id: str, page: str) -> Lesson | None:
    lesson = store.lesson(lesson_id)
    return lesson if lesson is not None and lesson.page == page else None


def _lesson_rules(lesson: Lesson, names: Sequence[str], notice: str) -> PageRules:
    return PageRules(frozenset(name for name in lesson.locked if name in names),
                     frozenset(name for name in lesson.hidden if name in names), lesson, notice)


def keep(page: str, page_rules: PageRules, settings: Mapping[str, Any]) -> None:
    """Hold the locked and hidden settings at their values in `settings` (as the link set them) from now on."""
    held = {name: settings[name] for name in page_rules.locked | page_rules.hidden if name in settings}
    st.session_state[page + RULES_SUFFIX] = PageRules(page_rules.locked, page_rules.hidden, page_rules.lesson,
                                                      page_rules.notice, held)


def show(page: str) -> None:
    """Above the page's content: the notice of a changed link or an unknown lesson, then the teacher's task
    (Markdown, never HTML: whatever tags it has are shown as text)."""
    page_rules = rules(page)
    if page_rules.notice == CHANGED_NOTICE:
        st.warning(t(CHANGED_NOTICE), icon="⚠️")
    elif page_rules.notice:
        st.caption(t(page_rules.notice))
    if page_rules.lesson is not None and page_rules.lesson.task:
        with st.container(border=True):
            st.caption(t("lesson.task_title"))
            st.markdown(page_rules.lesson.task)


def locked_note() -> None:
    st.sidebar.caption(t("lesson.locked_note"))
