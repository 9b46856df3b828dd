"""AppTest: the Class page (the teacher's board), behind the teacher's password."""

import json
from datetime import UTC, date, datetime

import pytest

from core.base import TrainingDiverged
from core.models import CNNSpec
from core.results import Result
from core.run import classifier_run
from core.teacher import MAX_TRIES
from core.training import ClassifierConfig
from tests.conftest import open_page, wait_until

PASSWORD = "correct horse"
QUICK = ClassifierConfig(max_steps=6, eval_every=3, embed_method="none", test_size=50)
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("LIVELAB_TEACHER_PASSWORD", PASSWORD)


def student_trains(this_class, session, name, lr, data):
    this_class.registry.join(session, name)
    run = classifier_run(CNNSpec(), QUICK.replace(lr=lr), data, settings={"lr": lr, "epochs": 1})
    this_class.track(session, "cnn", run)
    list(run.train())
    return run


def log_in(at, given=PASSWORD):
    at.text_input(key="board.password").input(given)
    at.button[0].click().run()
    return at


def charts(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_without_a_password_the_board_is_closed_and_shows_no_student_data(this_class, tiny_digits):
    student_trains(this_class, "s1", "Zoltan", 0.001, tiny_digits)
    at = open_page("app_pages/class_board.py")
    assert not at.exception
    assert "no teacher's password is set" in at.info[0].value
    assert not at.dataframe and not charts(at) and [w.key for w in at.text_input] == ["student.name"]
    assert "Zoltan" not in str(at)


def test_a_wrong_password_then_a_wait_after_five(this_class, password):
    at = open_page("app_pages/class_board.py")
    log_in(at, "guess")
    assert [e.value for e in at.error] == ["That is not the teacher's password."] and not at.dataframe
    for _ in range(MAX_TRIES - 1):
        log_in(at, "guess")
    assert "Wait 30 s" in at.warning[0].value
    log_in(at)  # the right one, but the session waits
    assert not at.dataframe and "Wait" in at.warning[0].value
    assert not at.exception


def test_the_right_password_shows_every_students_runs_and_the_class_experiment(this_class, password, tiny_digits):
    student_trains(this_class, "s1", "Ada", 0.001, tiny_digits)
    student_trains(this_class, "s2", "", 0.01, tiny_digits)
    at = log_in(open_page("app_pages/class_board.py"))
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["student"]) == ["Ada", "Student 2"]
    assert list(table["changed"]) == ["(the page's defaults)", "lr=0.01"]
    assert list(table["status"]) == ["✅ finished", "✅ finished"]
    experiment = next(c for c in charts(at) if c["layout"]["title"]["text"].startswith("test accuracy against"))
    xs = [x for trace in experiment["data"] for x in trace["x"]]
    ids = [run_id for trace in experiment["data"] for run_id in trace["customdata"]]
    assert sorted(xs) == [0.001, 0.01] and experiment["layout"]["xaxis"]["type"] == "log"
    assert set(ids) == {row.run_id for row in this_class.registry.snapshot().runs}
    curves = next(c for c in charts(at) if c["layout"]["title"]["text"] == "Loss curves")
    _, latest, median = curves["data"]  # every run in one thin trace; a dot at each run's end names it
    assert latest["text"] == ["Ada", "Student 2"] and median["name"] == "class median"
    assert [m.label for m in at.metric][:2] == ["Students online", "Training"]


def test_names_with_markup_are_shown_literally(this_class, password, tiny_digits):
    student_trains(this_class, "s1", XSS, 0.001, tiny_digits)
    student_trains(this_class, "s2", "**bold**", 0.003, tiny_digits)
    at = log_in(open_page("app_pages/class_board.py"))
    assert list(at.dataframe[0].value["student"]) == [XSS, "**bold**"]  # a dataframe shows text as text
    hover = [text for chart in charts(at) for trace in chart["data"] for text in trace.get("text") or []]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in text for text in hover)
    assert not any("<img" in text for text in hover)
    assert not at.exception


def test_the_teacher_stops_every_run_after_confirming_and_caps_new_runs(this_class, password, tiny_digits):
    run = classifier_run(CNNSpec(), QUICK.replace(max_steps=100_000, epochs=20), tiny_digits)  # trains on
    this_class.track("s1", "cnn", run)
    run.start()
    at = log_in(open_page("app_pages/class_board.py"))
    at.button(key="board.stop_all").click().run()
    assert run.job.running  # not before the confirmation
    at.button(key="board.confirm").click().run()
    run.job.wait(30)
    assert run.job.status == "stopped"
    assert "Runs stopped: 1." in [s.value for s in at.success]
    assert "board.confirm" not in [b.key for b in at.button]  # asked and answered: gone
    assert at.button(key="board.stop_all").disabled  # nothing left to stop
    at.number_input(key="board.cap").set_value(5).run()
    assert this_class.step_cap == 5
    student = open_page("app_pages/cnn.py")
    assert "Your teacher caps every new run at 5 steps." in [c.value for c in student.caption]
    student.button(key="cnn.btn.train").click().run()
    assert student.session_state["cnn.run"].job.total == 5


def test_an_earlier_lesson_is_shown_from_the_stored_results(this_class, password):
    day = date(2026, 11, 30)
    this_class.store.record(Result(
        id="old-1", ended_at=datetime(2026, 11, 30, 10, tzinfo=UTC), lesson="Learning rates", lesson_day=day,
        server="other:1", session="x", name="Bo", page="cnn", dataset="mnist", settings={"lr": 0.1}, steps=50,
        total_steps=50, loss=0.3, last10=0.31, accuracy=0.9, whole_test=None, status="finished"))
    assert this_class.store.flush(10)
    at = log_in(open_page("app_pages/class_board.py"))
    at.selectbox(key="board.lesson_view").set_value(0).run()
    assert not at.exception
    assert list(at.dataframe[0].value["student"]) == ["Bo"]
    assert "2026-11-30 · Learning rates · runs: 1" in at.selectbox(key="board.lesson_view").options


def test_the_runs_of_another_server_sharing_the_database_are_on_the_board(this_class, password, tiny_digits):
    student_trains(this_class, "s1", "Ada", 0.001, tiny_digits)
    this_class.store.publish("replica-2", [Result(
        id="there-1", ended_at=datetime.now(UTC), lesson="", lesson_day=date.today(), server="replica-2",
        session="t", name="Cy", page="cnn", dataset="mnist", settings={"lr": 0.03}, steps=20, total_steps=1200,
        loss=1.2, last10=1.3, accuracy=0.4, whole_test=None, status="training")])
    wait_until(lambda: this_class.store.live_elsewhere(this_class.server), timeout=10)
    at = log_in(open_page("app_pages/class_board.py"))
    table = at.dataframe[0].value
    assert list(table["student"]) == ["Ada", "Cy"] and list(table["status"]) == ["✅ finished", "🏃 training"]
    assert [m.value for m in at.metric][:2] == ["2", "1"]  # students online, training


def test_a_diverged_run_comes_first_in_the_table_with_its_status_marked(this_class, password, tiny_digits):
    student_trains(this_class, "s1", "Ada", 0.001, tiny_digits)
    with pytest.raises(TrainingDiverged):
        student_trains(this_class, "s2", "Ben", 10.0, tiny_digits)
    at = log_in(open_page("app_pages/class_board.py"))
    table = at.dataframe[0].value
    assert list(table["student"]) == ["Ben", "Ada"] and list(table["status"]) == ["💥 diverged", "✅ finished"]
    assert not at.exception
