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
    owner.come_back()


def left_mid_run(data, grace_s: float):
    """(scheduler, owner, run): one run training, and its session just gone."""
    scheduler, owner = Scheduler(slots=1, threads=1), Owner()
    run = training_run(data, scheduler)
    owner.adopt(run)
    owner.leave(grace_s)
    return scheduler, owner, run


def test_coming_back_within_the_grace_period_keeps_the_run_and_continue_works(tiny_digits):
    _, owner, run = left_mid_run(tiny_digits, grace_s=0.2)
    owner.come_back()
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
