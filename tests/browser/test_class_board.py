"""The teacher's board (the Class page) in real browsers: students train in contexts of their own, the
teacher sees their runs live (the table and the class experiment) and stops them all; and a lesson's
results, written to the database, are on the board again after the server restarts."""

import re
import sqlite3
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.results import FILE_NAME
from tests.browser import harness
from tests.browser.conftest import TEACHER_PASSWORD, server_env
from tests.browser.steps import EXCEPTION, assert_no_exception, open_app, wait_until_idle

pytestmark = pytest.mark.browser
# Busy for the whole step cap (big batches, no embedding): both runs still train when the teacher stops them.
LONG_RUN = "cnn?batch_size=512&eval_every=500&test_size=100&embed_method=none&epochs=10&lang=en"
SHORT_RUN = "cnn?eval_every=500&test_size=100&embed_method=none&lang=en"
STUDENTS = {"Ada": 0.003, "Bo": 0.01}  # name -> learning rate
EXPERIMENT = "test accuracy against Learning rate"
STEP = re.compile(r"Step (\d+) of (\d+)")
PROJECTOR = {"width": 1920, "height": 1080}  # the teacher's board; narrower, the table's last columns scroll away

# The runs table as the browser holds it: a glide-data-grid canvas, with an accessible table behind it
# ({header: cell text} per row; cells show raw values there, e.g. 0.325 for a 32.5 % progress bar). Only
# the columns in view are in it.
TABLE_JS = """() => {
  const grid = document.querySelector("[data-testid='stDataFrame'] table[role='grid']");
  if (!grid) return [];
  const headers = [...grid.querySelectorAll('thead th')].map(th => th.textContent);
  return [...grid.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
    [...tr.querySelectorAll('td')].map((td, i) => [headers[i], td.textContent])));
}"""
# The class experiment's points: (hover text, x, run id) per point, from Plotly's own data on the chart.
POINTS_JS = """(title) => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => (p.layout?.title?.text || '').includes(title));  // Streamlit wraps the title in <b>
  if (!plot) return [];
  const list = v => Array.from(v?._inputArray || v || []);
  return plot.data.flatMap(trace => {
    const x = list(trace.x), ids = list(trace.customdata);
    return list(trace.text).map((text, i) => [text, x[i], ids[i]]);
  });
}"""


def table_rows(page) -> dict[str, dict[str, str]]:
    """The board's runs table, by student."""
    return {row["Student"]: row for row in page.evaluate(TABLE_JS)}


def status(page, student: str) -> str:
    """A student's run's status on the board ("" while the table has no row of theirs)."""
    return table_rows(page).get(student, {}).get("Status", "")


def experiment_points(page) -> dict[str, tuple[float, str]]:
    """The class experiment's points, by student: (the x value, the run id the point carries)."""
    points = page.evaluate(POINTS_JS, EXPERIMENT)
    return {re.match(r"<b>(.*?)</b>", text).group(1): (x, run_id) for text, x, run_id in points}


def wait_for_board(page, condition, what: str, timeout_s: float = 60) -> None:
    """Wait until `condition(page)` holds on the live board (it redraws every 2 s)."""
    deadline = time.monotonic() + timeout_s
    while not condition(page):
        if time.monotonic() > deadline:
            raise AssertionError(f"the board never showed {what}: table {table_rows(page)}, "
                                 f"points {experiment_points(page)}")
        page.wait_for_timeout(250)


def log_in(page, app_url: str) -> None:
    """Open the Class page and give the teacher's password."""
    open_app(page, app_url, "class")
    page.get_by_role("textbox", name="Teacher's password").fill(TEACHER_PASSWORD)
    page.get_by_role("button", name="Open the board").click()
    page.get_by_role("heading", name="Teacher actions").wait_for(timeout=60_000)
    wait_until_idle(page)


def student_page(stack: ExitStack, browser, app_url: str, url_path: str, name: str):
    """A student's own browser context on a training page, with their name typed in the sidebar."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    stack.callback(context.close)
    page = context.new_page()
    open_app(page, app_url, url_path)
    box = page.get_by_role("textbox", name="Your name (optional)")
    box.fill(name)
    box.press("Enter")
    wait_until_idle(page)
    return page


def progress(page) -> tuple[int, int]:
    """(steps done, steps in the run) from a student's progress bar."""
    done, total = STEP.search(page.locator("[data-testid='stProgress']").first.inner_text()).groups()
    return int(done), int(total)


def test_teacher_sees_two_students_runs_and_stops_every_run(browser, browser_page, app_url):
    teacher = browser_page
    teacher.set_viewport_size(PROJECTOR)
    log_in(teacher, app_url)  # before the students train: the board must follow them from there
    with ExitStack() as stack:
        students = {name: student_page(stack, browser, app_url, f"{LONG_RUN}&lr={lr}", name)
                    for name, lr in STUDENTS.items()}
        for page in students.values():
            page.get_by_role("button", name="Train", exact=True).click()

        # Both rows in the table, training, and one point per run on the class experiment.
        wait_for_board(teacher, lambda page: all(re.search("training|waiting", status(page, name))
                                                 for name in STUDENTS), "both students' runs training")
        wait_for_board(teacher, lambda page: set(STUDENTS) <= experiment_points(page).keys(), "both points")
        points = experiment_points(teacher)
        assert {name: points[name][0] for name in STUDENTS} == STUDENTS
        assert points["Ada"][1] != points["Bo"][1]  # a point per run: each carries its own run id
        for name, lr in STUDENTS.items():
            assert f"lr={lr}" in table_rows(teacher)[name]["Settings changed"]

        # The teacher stops every run; the students' pages say so, part way through their runs.
        stop_all = teacher.get_by_role("button", name="Stop every run")
        expect(stop_all).to_be_enabled(timeout=15_000)
        stop_all.click()
        confirm = teacher.get_by_role("button", name=re.compile(r"^Yes, stop all \d+ runs$"))
        confirm.wait_for(timeout=30_000)
        stopped = int(re.search(r"\d+", confirm.inner_text()).group())
        assert stopped >= len(STUDENTS)
        confirm.click()
        teacher.get_by_text(f"Runs stopped: {stopped}.").wait_for(timeout=30_000)
        for page in students.values():
            page.get_by_text("Stopped. Nothing is lost").wait_for(timeout=30_000)
            wait_until_idle(page)
            done, total = progress(page)
            assert 0 < done < total, f"the run was not stopped part way: step {done} of {total}"
            assert_no_exception(page)
        wait_for_board(teacher, lambda page: all("stopped" in status(page, name) for name in STUDENTS),
                       "both runs stopped")
        expect(teacher.locator(EXCEPTION)).to_have_count(0)


def stored_rows(data_dir: Path, lesson: str) -> int:
    """Results of `lesson` written to the data folder's SQLite file (0 until the file has its table)."""
    path = data_dir / FILE_NAME
    if not path.exists():
        return 0
    with sqlite3.connect(path) as connection:
        try:
            return connection.execute("select count(*) from results where lesson = ?", (lesson,)).fetchone()[0]
        except sqlite3.OperationalError:  # no table yet
            return 0


def test_a_lessons_board_is_shown_again_from_the_database_after_a_restart(browser, tmp_path):
    data_dir, lesson = tmp_path / "data", "Week 3: convolutions"
    env = server_env(data_dir, max_steps="10")
    with harness.running_server(env, log=tmp_path / "first.log") as server, ExitStack() as stack:
        context = browser.new_context(viewport=PROJECTOR)
        stack.callback(context.close)
        teacher = context.new_page()
        log_in(teacher, server.url)
        name_box = teacher.get_by_role("textbox", name="Lesson name (optional)")
        name_box.fill(lesson)
        name_box.press("Enter")
        wait_until_idle(teacher)
        student = student_page(stack, browser, server.url, SHORT_RUN, "Cy")
        student.get_by_role("button", name="Train", exact=True).click()
        student.get_by_text("Training finished.").wait_for(timeout=120_000)
        assert_no_exception(student)
        deadline = time.monotonic() + 30
        while stored_rows(data_dir, lesson) != 1:  # the store's writer thread has written it
            assert time.monotonic() < deadline, "the finished run's result was never written"
            time.sleep(0.2)

    with harness.running_server(env, log=tmp_path / "second.log") as server, ExitStack() as stack:
        context = browser.new_context(viewport=PROJECTOR)
        stack.callback(context.close)
        teacher = context.new_page()
        log_in(teacher, server.url)
        teacher.get_by_test_id("stSelectbox").filter(has_text="Board").click()
        teacher.get_by_role("option", name=re.compile(rf"^\d{{4}}-\d\d-\d\d · {re.escape(lesson)} · runs: 1$")).click()
        teacher.get_by_text("The board of an earlier lesson").wait_for(timeout=30_000)
        wait_until_idle(teacher)
        wait_for_board(teacher, lambda page: "finished" in status(page, "Cy"), "the stored run", timeout_s=30)
        wait_for_board(teacher, lambda page: "Cy" in experiment_points(page), "its point", timeout_s=30)
        assert list(table_rows(teacher)) == ["Cy"]
        assert experiment_points(teacher)["Cy"][0] == 0.001  # the page's default learning rate
        assert_no_exception(teacher)
