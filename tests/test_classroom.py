"""core.classroom: the class on one server; each run that ends leaves its result in the store."""

from datetime import UTC, datetime

import pytest

from core import classroom as classroom_module
from core.base import TrainingDiverged
from core.classroom import Classroom
from core.lesson import PROCESS_SECRET, SIGNED, LinkRules, ServerSecret, verdict
from core.models import CNNSpec
from core.registry import Registry
from core.results import ResultsStore, default_url
from core.run import classifier_run
from core.runner import BackgroundRun
from core.training import ClassifierConfig, StepRecord
from tests.conftest import wait_until
from tests.test_lesson import LESSON

QUICK = ClassifierConfig(max_steps=6, eval_every=3, embed_method="none", test_size=50)


@pytest.fixture
def classroom(tmp_path):
    store = ResultsStore(default_url(tmp_path))
    yield Classroom(Registry(), store)
    store.close()


def stored(classroom: Classroom) -> list:
    assert classroom.store.flush(10)
    return classroom.store.results(datetime.now(UTC).date(), classroom.lesson)


def test_a_finished_run_leaves_one_row_with_its_lesson_name_and_figures(classroom, tiny_digits):
    classroom.lesson = "Learning rates"
    classroom.registry.join("s1", name="<b>Ada</b>")
    run = classifier_run(CNNSpec(), QUICK.replace(lr=0.003), tiny_digits, settings={"lr": 0.003})
    run_id = classroom.track("s1", "cnn", run)
    list(run.train())
    (result,) = stored(classroom)
    assert result.id == run_id and result.status == "finished" and result.lesson == "Learning rates"
    assert result.name == "<b>Ada</b>" and result.page == "cnn" and result.settings == {"lr": 0.003}
    assert result.steps == result.total_steps == 6 and result.accuracy == run.records[-1].accuracy


def blowing_up(steps: int):
    """Records of a run whose loss blows up after `steps` steps."""
    for step in range(1, steps + 1):
        yield StepRecord(step=step, total_steps=100, epoch=0, loss=2.0 * step, lr=10.0)
    raise TrainingDiverged(steps + 1, 10.0)


def test_a_run_that_blows_up_is_stored_as_diverged(classroom, tiny_digits):
    run = classifier_run(CNNSpec(), QUICK, tiny_digits)
    run.job = BackgroundRun(blowing_up(3), total=100)
    classroom.track("s1", "cnn", run)
    while run.job.step():
        pass
    (result,) = stored(classroom)
    assert result.status == "diverged" and result.name == "Student 1"


def test_a_stopped_then_finished_run_is_one_row_the_latest(classroom, tiny_digits):
    run = classifier_run(CNNSpec(), QUICK.replace(max_steps=400), tiny_digits)
    classroom.track("s1", "cnn", run)
    run.start()
    wait_until(lambda: len(run.records) >= 2)
    run.stop()
    assert [r.status for r in stored(classroom)] == ["stopped"]
    run.start()
    run.job.wait()
    (result,) = stored(classroom)
    assert result.status == "finished" and result.steps == result.total_steps == len(run.records)


def test_the_teachers_stop_stops_every_training_run_and_a_released_session_is_stored(classroom, tiny_digits):
    runs = [classifier_run(CNNSpec(), QUICK.replace(max_steps=100_000, epochs=20), tiny_digits) for _ in range(2)]
    for session, run in zip(("s1", "s2"), runs, strict=True):
        classroom.track(session, "cnn", run)
        run.start()
    wait_until(lambda: all(run.records for run in runs))
    assert classroom.stop_every_run() == 2
    for run in runs:
        run.job.wait()
    assert all(run.job.status == "stopped" for run in runs)
    classroom.release("s1")
    assert [row.session for row in classroom.registry.snapshot().runs] == ["s2"]
    assert sorted(result.status for result in stored(classroom)) == ["stopped", "stopped"]


def test_a_class_served_by_two_servers_is_whole_on_each_board(tmp_path, tiny_digits):
    """Two servers (replicas) share one results database: one's runs, as it publishes them, are on
    the other's board."""
    url = default_url(tmp_path)
    stores = [ResultsStore(url), ResultsStore(url)]
    here, there = (Classroom(Registry(), store, server=name) for store, name in zip(stores, ("a", "b"), strict=True))
    there.registry.join("s9", name="Bo")
    run = classifier_run(CNNSpec(), QUICK, tiny_digits, settings={"lr": 0.001})
    there.track("s9", "cnn", run)
    list(run.train())
    there.publish()
    wait_until(lambda: here.store.live_elsewhere(here.server), timeout=10)
    (seen,) = here.store.live_elsewhere(here.server)
    assert (seen.name, seen.status, seen.steps, seen.settings) == ("Bo", "finished", 6, {"lr": 0.001})
    for store in stores:
        store.close()


class DatabaseForTheKey:
    """A results store's lesson key (ResultsStore.lesson_secret): none while the database is down."""

    def __init__(self):
        self.down, self.asked = True, 0

    def lesson_secret(self, make) -> str | None:
        self.asked += 1
        return None if self.down else "kept in the database"


def test_a_lesson_key_the_database_could_not_keep_is_asked_for_again_and_its_links_still_check(
        monkeypatch, fresh_environment):
    monkeypatch.delenv("LIVELAB_LESSON_SECRET", raising=False)
    database = DatabaseForTheKey()
    classroom = Classroom(Registry(), database)
    assert classroom.lesson_secret() == PROCESS_SECRET  # down when the first link was checked
    made_while_down = {**LESSON.values, **LESSON.params(classroom.lesson_secret().key)}
    assert database.asked == 1  # not on every page run: at most every SECRET_RETRY_S
    database.down = False
    assert classroom.lesson_secret(ask_again=True) == ServerSecret(b"kept in the database", True)  # a lesson saved
    monkeypatch.setattr(classroom_module, "SECRET_RETRY_S", 0.0)
    assert classroom.lesson_secret().lasting and database.asked == 2  # a lasting key is found once
    made_now = {**LESSON.values, **LESSON.params(classroom.lesson_secret().key)}
    for query in (made_while_down, made_now):
        assert verdict(LinkRules.read(query), "cnn", query, list(LESSON.values), classroom.lesson_keys()) == SIGNED
    assert made_while_down["sig"] != made_now["sig"]


def test_a_server_whose_database_stays_down_asks_it_again_after_a_while(monkeypatch, fresh_environment):
    monkeypatch.delenv("LIVELAB_LESSON_SECRET", raising=False)
    database = DatabaseForTheKey()
    classroom = Classroom(Registry(), database)
    monkeypatch.setattr(classroom_module, "SECRET_RETRY_S", 0.0)
    assert not classroom.lesson_secret().lasting
    database.down = False
    assert classroom.lesson_secret() == ServerSecret(b"kept in the database", True)
