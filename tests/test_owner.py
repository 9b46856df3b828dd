"""core.owner: a session's runs pause when it ends, and are released if it does not come back."""

import time

from core.models import CNNSpec
from core.owner import Owner
from core.run import classifier_run
from core.runner import STOPPED
from core.scheduler import Scheduler
from core.training import ClassifierConfig
from tests.conftest import wait_until

FOREVER = ClassifierConfig(epochs=20, eval_every=10_000, embed_method="none", test_size=50)


def training_run(data, scheduler):
    run = classifier_run(CNNSpec(), FOREVER, data, scheduler=scheduler)
    run.start()
    wait_until(lambda: run.records)
    return run


def test_leaving_pauses_every_run_at_once_and_frees_the_slots(tiny_digits):
    scheduler = Scheduler(slots=2, threads=1)
    owner, runs = Owner(), [training_run(tiny_digits, scheduler) for _ in range(2)]
    for run in runs:
        owner.adopt(run)
    owner.leave(grace_s=60)
    for run in runs:
        assert run.job.wait(10)
        assert run.job.status == STOPPED and run.records  # paused, not lost
    assert scheduler.load() == 0
    owner.arrive()


def left_mid_run(data, grace_s: float):
    """(scheduler, owner, run): one run training, and its session just gone."""
    scheduler, owner = Scheduler(slots=1, threads=1), Owner()
    run = training_run(data, scheduler)
    owner.adopt(run)
    owner.leave(grace_s)
    return scheduler, owner, run


def test_coming_back_within_the_grace_period_keeps_the_run_and_continue_works(tiny_digits):
    _, owner, run = left_mid_run(tiny_digits, grace_s=0.2)
    owner.arrive()
    time.sleep(0.4)
    done = len(run.records)
    assert done and run.models
    run.start()
    wait_until(lambda: len(run.records) > done)
    run.stop()


def test_a_session_that_does_not_come_back_has_its_runs_released(tiny_digits):
    scheduler, _, run = left_mid_run(tiny_digits, grace_s=0.1)
    wait_until(lambda: not run.models)
    assert run.models == {} and run.records == [] and scheduler.load() == 0


# --- one Owner per student, however many sessions (tabs, reloads) they have ---------------------------

class FakeRun:
    def __init__(self):
        self.paused = self.released = 0

    def pause(self) -> None:
        self.paused += 1

    def release(self) -> None:
        self.released += 1


class FakeBoard:
    def __init__(self):
        self.told = []

    def leave(self, session: str) -> None:
        self.told.append(("leave", session))

    def come_back(self, session: str) -> None:
        self.told.append(("come_back", session))

    def release(self, session: str) -> None:
        self.told.append(("release", session))


def student_with_two_tabs(grace_s: float = 0.1):
    board, released = FakeBoard(), []
    owner, run = Owner("board-7", board, on_release=lambda: released.append(True)), FakeRun()
    owner.adopt(run)
    owner.arrive()
    owner.arrive()
    return owner, run, board, released


def test_the_first_of_two_sessions_leaving_pauses_nothing_the_last_pauses_everything():
    owner, run, board, released = student_with_two_tabs()
    owner.leave(grace_s=0.1)
    time.sleep(0.3)
    assert run.paused == 0 and run.released == 0 and not released and owner.sessions == 1
    assert ("leave", "board-7") not in board.told  # still online on the board
    owner.leave(grace_s=0.1)
    assert run.paused == 1 and ("leave", "board-7") in board.told
    wait_until(lambda: run.released == 1, timeout=5)
    assert released == [True] and board.told[-1] == ("release", "board-7")


def test_a_session_of_the_student_coming_within_the_grace_period_cancels_the_release():
    owner, run, board, released = student_with_two_tabs()
    owner.leave(grace_s=0.2)
    owner.leave(grace_s=0.2)
    assert run.paused == 1
    owner.arrive()  # a reload, or a tab opened again
    time.sleep(0.5)
    assert run.released == 0 and not released and board.told[-1] == ("come_back", "board-7")


def test_leaving_again_after_coming_back_counts_the_grace_period_from_the_last_departure():
    owner, run, _, released = student_with_two_tabs()
    owner.leave(grace_s=5)
    owner.leave(grace_s=0.1)  # the student's last tab goes...
    owner.arrive()  # ...and one comes back at once...
    owner.leave(grace_s=60)  # ...and goes again: only the 60 s from now count
    time.sleep(0.4)
    assert run.released == 0 and not released
