"""The Class page: every run of the class on one page, live, for the teacher to project; the class's
runs as one experiment; the teacher's actions; the boards of earlier lessons. Behind the teacher's
password."""

import streamlit as st

from core import classroom
from ui import board_view, lesson_builder
from ui.i18n import t

st.title(t("board.title"))
st.caption(t("board.intro"))
if board_view.unlocked():
    this_class = classroom.server()
    lesson = board_view.choose_lesson(this_class)
    if lesson is None:
        board_view.live(this_class)
        board_view.actions(this_class)
        lesson_builder.build(this_class)
    else:
        board_view.earlier(this_class, lesson)
