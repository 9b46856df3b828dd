"""The Class page's pieces: the password gate, the class's counts, the table of runs, the class
experiment, every run's loss curve, the teacher's actions and the boards of earlier lessons.

What students typed (their names) is shown as plain text everywhere: in the table (a dataframe shows
text as text), and escaped in the charts' hover labels (Plotly reads a few HTML tags there)."""

from __future__ import annotations

import html
import math
import time
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from core import board, environment
from core import scheduler as scheduler_module
from core.board import ACCURACY, LAST10, LOG_SETTINGS, PAGE, BoardRow
from core.classroom import Classroom
from core.figures import class_curves_figure, experiment_figure
from core.registry import DIVERGED, FAILED_RUN, FINISHED_RUN, TRAINING, WAITING, RunRow, student_label
from core.results import EarlierLesson, Result
from core.teacher import OPEN, WAIT, Gate
from ui import controls, lesson_builder
from ui.i18n import has, t
from ui.page_specs import PAGES

GATE_KEY, OPEN_KEY = "board.gate", "board.open"
PICKED_KEY, CONFIRM_KEY = "board.picked", "board.confirm_stop"
REDRAW_S = 2.0  # the live board's refresh period: a projected board needs no more
LIVE = "live"


# --- who may see it ---------------------------------------------------------------------------

def teacher_password() -> str:
    """The configured password: st.secrets["teacher_password"], else LIVELAB_TEACHER_PASSWORD, else ""."""
    try:
        secret = st.secrets.get("teacher_password", "")
    except FileNotFoundError:  # no secrets file at all
        secret = ""
    return str(secret or environment.current().teacher_password or "")


def unlocked() -> bool:
    """Whether this session may see the board: the password form until the right password is given,
    a wait after 5 wrong tries, and how to set a password when none is."""
    expected = teacher_password()
    if not expected:
        st.info(t("board.no_password"), icon="🔒")
        return False
    if st.session_state.get(OPEN_KEY) == expected:  # a password changed since asks again
        return True
    gate: Gate = st.session_state.setdefault(GATE_KEY, Gate(expected))
    gate.expected = expected
    with st.form("board.login"):
        given = st.text_input(t("board.password"), type="password", key="board.password")
        submitted = st.form_submit_button(t("board.open"), type="primary")
    if submitted:
        now = time.monotonic()
        outcome = gate.attempt(given, now)
        if outcome == OPEN:
            st.session_state[OPEN_KEY] = expected
            st.rerun()
        if outcome != WAIT:
            st.error(t("board.wrong"), icon="🚫")
        if gate.seconds_left(now) > 0:
            st.warning(t("board.wait", s=math.ceil(gate.seconds_left(now))), icon="⏳")
    return False


# --- which board --------------------------------------------------------------------------------

def choose_lesson(classroom: Classroom) -> EarlierLesson | None:
    """This lesson, live (None), or one stored earlier; and this lesson's name."""
    lessons = classroom.store.lessons()
    options = [LIVE, *range(len(lessons))]
    left, right = st.columns(2)
    picked = left.selectbox(t("board.view"), options, key="board.lesson_view",
                            format_func=lambda i: t("board.live") if i == LIVE else _lesson_label(lessons[i]))
    classroom.lesson = right.text_input(t("board.lesson"), value=classroom.lesson, max_chars=60,
                                        help=t("board.lesson_help"), key="board.lesson_name").strip()
    if not lessons:
        left.caption(t("board.no_earlier"))
    return None if picked == LIVE else lessons[picked]


def _lesson_label(lesson: EarlierLesson) -> str:
    if lesson.name:
        return t("board.earlier", day=lesson.day.isoformat(), lesson=lesson.name, n=lesson.runs)
    return t("board.earlier_untitled", day=lesson.day.isoformat(), n=lesson.runs)


# --- the live board ------------------------------------------------------------------------------

def live(classroom: Classroom) -> None:
    """The board of the runs on this server now, redrawn every REDRAW_S seconds."""
    idle = not training(classroom)
    st.fragment(lambda: _live(classroom, idle), run_every=REDRAW_S)()


def _live(classroom: Classroom, idle: bool) -> None:
    """This server's runs, and those that other servers sharing the results database publish."""
    if idle and training(classroom):
        st.rerun()  # the teacher's actions, outside this fragment, were drawn with nothing to stop: again
    snapshot = classroom.registry.snapshot()
    elsewhere = classroom.store.live_elsewhere(classroom.server)
    rows = [board_row(row) for row in snapshot.runs] + [stored_row(result) for result in elsewhere]
    rows, open_settings = lesson_builder.narrow(classroom, rows)
    counts(rows, online=snapshot.online + len({(result.server, result.session) for result in elsewhere}))
    problem = classroom.store.problem
    if problem:
        st.warning(t("board.results_off", problem=problem), icon="🗄️")
    if not rows:
        st.info(t("board.no_runs"))
        return
    table(rows)
    download(rows)  # made at each redraw, so it is the board as it is now
    experiment(rows, settings=open_settings)
    curves(snapshot.runs)  # this server's runs: other servers publish no curves


def counts(rows: Sequence[BoardRow], online: int) -> None:
    """The class in four figures, then the server in three."""
    memory = board.memory_mb()
    status = [row.status for row in rows]
    for figures in ([("online", online), ("training", status.count(TRAINING)),
                     ("finished", status.count(FINISHED_RUN)), ("diverged", status.count(DIVERGED))],
                    [("slots", scheduler_module.server().slots), ("in_line", status.count(WAITING)),
                     ("memory", t("board.memory_value", mb=f"{memory:,.0f}") if memory is not None else "–"),
                     ("", "")]):
        for column, (name, value) in zip(st.columns(len(figures)), figures, strict=True):
            if name:
                column.metric(t(f"board.{name}"), value)


def board_row(row: RunRow) -> BoardRow:
    return BoardRow(row.run_id, student_label(row.student, t("board.anonymous")), row.page, row.settings,
                    row.dataset, row.status, row.steps, row.total, row.loss, row.last10, row.accuracy, row.whole_test,
                    row.lesson_id)


def stored_row(result: Result) -> BoardRow:
    return BoardRow(result.id, result.name, result.page, result.settings, result.dataset, result.status,
                    result.steps, result.total_steps, result.loss, result.last10, result.accuracy, result.whole_test,
                    result.lesson_id)


def table(rows: Sequence[BoardRow]) -> None:
    """Every run, sortable by any column (click its header); a diverged or failed run first, its status
    marked (a styled table would cost the live board most of its redraw)."""
    rows = sorted(rows, key=lambda row: row.status not in (DIVERGED, FAILED_RUN))  # stable: else as they came
    frame = pd.DataFrame({  # the widest column last, so a projector's narrow screen cuts nothing that matters
        "student": [row.student for row in rows],
        "page": [t(f"{row.page}.nav") for row in rows],
        "status": [t(f"board.statuses.{row.status}") for row in rows],
        "progress": [row.steps / row.total if row.total else 0.0 for row in rows],
        "accuracy": [row.figure[ACCURACY] for row in rows],
        "loss": [row.loss for row in rows],
        "changed": [board.describe(board.changed(row.settings, _defaults(row.page))) or t("board.defaults")
                    for row in rows],
    })
    st.subheader(t("board.runs_title"))
    st.dataframe(frame, hide_index=True, width="stretch", key="board.table", column_config={
        "student": st.column_config.TextColumn(t("board.columns.student")),
        "page": st.column_config.TextColumn(t("board.columns.page")),
        "status": st.column_config.TextColumn(t("board.columns.status")),
        "progress": st.column_config.ProgressColumn(t("board.columns.progress"), min_value=0.0, max_value=1.0,
                                                    format="percent"),
        "accuracy": st.column_config.NumberColumn(t("board.columns.accuracy"), format="percent"),
        "loss": st.column_config.NumberColumn(t("board.columns.loss"), format="%.3f"),
        "changed": st.column_config.TextColumn(t("board.columns.changed")),
    })


def experiment(rows: Sequence[BoardRow], key: str = "board.experiment", settings: Sequence[str] | None = None) -> None:
    """The class experiment: a setting the teacher picks (among `settings`, else any) against accuracy (or the
    regression's loss), one point per run; a click gives that run's settings as a share link."""
    st.subheader(t("board.experiment.title"))
    names = list(settings) if settings is not None else sorted({name for row in rows for name in row.settings})
    x_column, y_column, colour_column = st.columns(3)
    x = x_column.selectbox(t("board.experiment.x"), names, index=names.index("lr") if "lr" in names else 0,
                           key=f"{key}.x", format_func=lambda name: _setting_label(name, rows))
    y = y_column.selectbox(t("board.experiment.y"), (ACCURACY, LAST10), key=f"{key}.y",
                           format_func=lambda name: t(f"board.experiment.{name}"))
    colour = colour_column.selectbox(t("board.experiment.colour"), [PAGE, *(n for n in names if n != x)],
                                     key=f"{key}.colour", format_func=lambda name: t("board.experiment.by_page")
                                     if name == PAGE else _setting_label(name, rows))
    points = board.experiment(rows, x, y, colour)
    if not points:
        st.caption(t("board.experiment.no_points"))
        return
    groups: dict[str, list] = {}
    for point in points:
        name = t(f"{point.colour}.nav") if colour == PAGE else point.colour
        group = groups.setdefault(name, [[], [], [], []])
        for values, value in zip(group, (point.x, point.y, _hover(point.student, point.settings), point.run_id),
                                 strict=True):
            values.append(value)
    categorical = any(isinstance(point.x, str) for point in points)
    figure = experiment_figure(
        [(name, *values) for name, values in groups.items()],
        title=t("board.experiment.chart_title", y=t(f"board.experiment.{y}"), x=_setting_label(x, rows)),
        x_title=_setting_label(x, rows), y_title=t(f"board.experiment.{y}"),
        log_x=x in LOG_SETTINGS and not categorical,
        categories=sorted({point.x for point in points}, key=str) if categorical else (),
        y_range=(0, 1) if y == ACCURACY else None)
    event = st.plotly_chart(figure, key=f"{key}.chart", on_select="rerun", selection_mode="points")
    picked = [point.get("customdata") for point in (event.selection.points if event else [])]
    if picked:
        st.session_state[PICKED_KEY] = picked[0]
    _share_picked(rows)


def _share_picked(rows: Sequence[BoardRow]) -> None:
    row = next((row for row in rows if row.run_id == st.session_state.get(PICKED_KEY)), None)
    if row is None:
        return
    st.caption(t("board.experiment.picked", name=row.student))
    link = controls.share_link(row.settings, dataset=row.dataset, page_path=PAGES[row.page].url_path)
    st.code(link, language=None, wrap_lines=True)


def _hover(student: str, settings: Mapping) -> str:
    return "<br>".join([f"<b>{html.escape(student)}</b>", html.escape(board.describe(settings))])


def _setting_label(name: str, rows: Sequence[BoardRow]) -> str:
    page = next((row.page for row in rows if name in row.settings), None)
    key = f"{page}.controls.{name}"
    return t(key) if has(key) else name


def _defaults(page: str) -> Mapping:
    spec = PAGES.get(page)
    return spec.defaults if spec is not None else {}


def curves(runs: Sequence[RunRow]) -> None:
    """Every run's smoothed loss on one page, thin, with the class's median bold."""
    st.subheader(t("board.curves.title"))
    pages = sorted({row.page for row in runs})
    page = st.selectbox(t("board.curves.page"), pages, key="board.curves.page", format_func=lambda p: t(f"{p}.nav"))
    chosen = [row for row in runs if row.page == page and row.steps]
    if not chosen:
        st.caption(t("board.curves.none"))
        return
    lines = [(html.escape(student_label(row.student, t("board.anonymous"))), *row.loss_curve()) for row in chosen]
    st.plotly_chart(class_curves_figure(
        lines, board.median_curve([(x, y) for _, x, y in lines]), title=t("board.curves.title"),
        x_title=t("charts.step"), y_title=t("charts.loss"), median_name=t("board.curves.median"),
        log_y=page == "rnn_regression"), key="board.curves.chart")


# --- an earlier lesson ---------------------------------------------------------------------------

def earlier(classroom: Classroom, lesson: EarlierLesson) -> None:
    """An earlier lesson's board, from the results stored as its runs ended."""
    st.caption(t("board.earlier_caption"))
    rows = [stored_row(result) for result in classroom.store.results(lesson.day, lesson.name)]
    if not rows:
        st.info(t("board.no_runs"))
        return
    rows, open_settings = lesson_builder.narrow(classroom, rows, key="board.earlier")
    table(rows)
    experiment(rows, key=f"board.earlier.{lesson.day.isoformat()}.{lesson.name}", settings=open_settings)
    download(rows)


# --- the teacher's actions -----------------------------------------------------------------------

def actions(classroom: Classroom) -> None:
    """Stop every run (after a confirmation) and cap the steps of new runs. Clicks are handled before
    the buttons are drawn, so they are drawn in the state the click leads to."""
    st.subheader(t("board.actions.title"))
    stop, cap = st.columns(2)
    stopped = None
    if st.session_state.get("board.confirm"):
        stopped, st.session_state[CONFIRM_KEY] = classroom.stop_every_run(), False
    elif st.session_state.get("board.stop_all"):
        st.session_state[CONFIRM_KEY] = True
    running = training(classroom)
    if not running:
        st.session_state[CONFIRM_KEY] = False  # nothing left to confirm: a later run must not find it armed
    stop.button(t("board.actions.stop_all"), key="board.stop_all", disabled=not running, icon="⏹️")
    if st.session_state.get(CONFIRM_KEY):
        stop.button(t("board.actions.confirm", n=running), type="primary", key="board.confirm")
    if stopped is not None:
        stop.success(t("board.actions.stopped_all", n=stopped))
    chosen = cap.number_input(t("board.actions.cap"), min_value=0, max_value=1_000_000, step=100,
                              value=classroom.step_cap or 0, help=t("board.actions.cap_help"), key="board.cap")
    classroom.step_cap = int(chosen) or None


def training(classroom: Classroom) -> int:
    """This server's runs that train or wait for their turn: what "Stop every run" stops."""
    return sum(run.job.running for run in classroom.registry.live_runs())


def download(rows: Sequence[BoardRow]) -> None:
    st.download_button(t("board.actions.download"), data=board.board_csv(rows), file_name="livelab-class.csv",
                       mime="text/csv", key="board.download", on_click="ignore", icon="⬇️",
                       disabled=not rows)
