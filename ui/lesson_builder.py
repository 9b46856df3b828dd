"""The teacher's lesson builder, on the Class page behind the password: a page, its settings set with
the page's own controls (kept apart from the teacher's own sidebar), which of them the students may
change (the rest locked, some of those hidden), and a task. Create lesson keeps the lesson in the
results database and gives its signed link (core/lesson.py), a QR code of it to project, and a copy
button. The board can then be narrowed to one lesson's runs (`narrow`)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import streamlit as st

from core import board, qr
from core.board import BoardRow
from core.classroom import Classroom
from core.lesson import TASK_MAX_CHARS, Lesson, new_lesson_id
from ui import controls
from ui.i18n import has, t
from ui.page_specs import PAGES

KEY = "lesson.builder"
CREATED_KEY = f"{KEY}.created"  # (link, lesson id, whether its key lasts) of the lesson just created
QR_WIDTH_PX = 480  # on a projected board: a phone at the back of the room still reads it
ALL_RUNS = ""
KNOWN_KEY = "board.lessons_known"  # {lesson id: Lesson | None}, looked up once per tab


def build(classroom: Classroom) -> None:
    """The builder, in an expander of its own (the board stays the Class page's main content)."""
    with st.expander(t("lesson.builder.title"), icon="📝", expanded=CREATED_KEY in st.session_state):
        page = st.selectbox(t("lesson.builder.page"), list(PAGES), key=f"{KEY}.page",
                            format_func=lambda key: t(f"{key}.nav"))
        spec = PAGES[page]
        columns = st.columns(3)
        values = {control.name: controls.setting_widget(page, control, scope=f"{KEY}.{page}",
                                                        container=columns[i % len(columns)])
                  for i, control in enumerate(spec.all_controls)}
        names = list(values)
        open_ = st.multiselect(t("lesson.builder.open"), names, default=[n for n in ("lr",) if n in names],
                               key=f"{KEY}.{page}.open", format_func=lambda name: _label(page, name),
                               help=t("lesson.builder.open_help"))
        locked = [name for name in names if name not in open_]
        hidden = st.multiselect(t("lesson.builder.hidden"), locked, key=f"{KEY}.{page}.hidden",
                                format_func=lambda name: _label(page, name), help=t("lesson.builder.hidden_help"))
        task = st.text_area(t("lesson.builder.task"), max_chars=TASK_MAX_CHARS, key=f"{KEY}.task",
                            help=t("lesson.builder.task_help"))
        if st.button(t("lesson.builder.create"), type="primary", key=f"{KEY}.create", icon="🔗"):
            lesson = Lesson(new_lesson_id(), page, {name: str(value) for name, value in values.items()},
                            tuple(locked), tuple(hidden), task.strip())
            try:
                classroom.store.save_lesson(lesson)
            except Exception as error:  # noqa: BLE001 - no link for a lesson the students could not find
                st.error(t("lesson.builder.not_saved", problem=str(error).splitlines()[0][:200]), icon="🗄️")
                return
            secret = classroom.lesson_secret(ask_again=True)  # the database has just kept the lesson: it answers
            st.session_state[CREATED_KEY] = _link(lesson, secret.key), lesson.id, secret.lasting
        if CREATED_KEY in st.session_state:
            _hand_out(*st.session_state[CREATED_KEY])


def _link(lesson: Lesson, key: bytes) -> str:
    """The lesson's link: the page's address on this server (as the teacher's browser reached it), its
    settings, language and dataset, then its rules and signature."""
    link = controls.share_link(lesson.values, page_path=PAGES[lesson.page].url_path)
    return f"{link}&{urlencode(lesson.params(key))}"


def _hand_out(link: str, lesson_id: str, lasting: bool) -> None:
    st.success(t("lesson.builder.created", id=lesson_id), icon="✅")
    if not lasting:
        st.warning(t("lesson.builder.secret_not_kept"), icon="⚠️")
    st.code(link, language=None, wrap_lines=True)  # its copy button is the one to use
    st.image(qr.png(link), width=QR_WIDTH_PX, caption=t("lesson.builder.qr_caption"))


def _label(page: str, name: str) -> str:
    key = f"{page}.controls.{name}"
    return t(key) if has(key) else name


# --- the board, narrowed to one lesson -----------------------------------------------------------

def narrow(classroom: Classroom, rows: Sequence[BoardRow], key: str = "board") -> tuple[list[BoardRow], list | None]:
    """A choice of the lessons the board's runs were started under: the runs of the one chosen (all by
    default), and the settings that lesson leaves open (None: every setting)."""
    known: dict = st.session_state.setdefault(KNOWN_KEY, {})
    for lesson_id in {row.lesson_id for row in rows} - set(known) - {ALL_RUNS}:
        known[lesson_id] = classroom.store.lesson(lesson_id)
    lessons = {lesson_id: lesson for lesson_id, lesson in known.items()
               if lesson is not None and any(row.lesson_id == lesson_id for row in rows)}
    if not lessons:
        return list(rows), None
    chosen = st.selectbox(t("lesson.board.filter"), [ALL_RUNS, *lessons], key=f"{key}.lesson_filter",
                          format_func=lambda lesson_id: _lesson_label(lessons[lesson_id]) if lesson_id
                          else t("lesson.board.all_runs"))
    lesson = lessons.get(chosen)
    open_settings = board.open_settings(lesson) if lesson is not None else []
    return board.of_lesson(rows, lesson), open_settings or None  # a lesson that leaves none open: every setting


def _lesson_label(lesson: Lesson) -> str:
    task = " ".join(lesson.task.split())
    return t("lesson.board.lesson", page=t(f"{lesson.page}.nav"), id=lesson.id,
             task=task[:40] + ("…" if len(task) > 40 else ""))
