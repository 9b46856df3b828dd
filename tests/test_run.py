"""core.run: a run is built from a network spec and a config, so a config means one run everywhere."""

import pytest
import torch

from core.data import ImageData
from core.models import CNNSpec, RegressorSpec, RNNClassifierSpec
from core.regression import RegressionConfig
from core.run import (
    CELL_COMPARISON,
    cell_comparison_run,
    classifier_run,
    mode_comparison_run,
    regression_run,
)
from core.training import ClassifierConfig

QUICK = ClassifierConfig(max_steps=5, eval_every=100, embed_method="none", test_size=50)


def losses(run) -> list[float]:
    return [record.loss for record in run.train()]


@pytest.mark.parametrize("spec", [CNNSpec(), RNNClassifierSpec(hidden_size=16)], ids=["cnn", "lstm"])
def test_the_same_config_gives_the_same_run_weights_included(spec, tiny_digits):
    first, second = (classifier_run(spec, QUICK, tiny_digits) for _ in range(2))
    assert all(torch.equal(a, b) for a, b in zip(first.model.state_dict().values(),
                                                 second.model.state_dict().values(), strict=True))
    assert losses(first) == losses(second)


def test_the_same_regression_config_gives_the_same_run():
    config = RegressionConfig(steps=30, seed=1)
    assert losses(regression_run(RegressorSpec(), config)) == losses(regression_run(RegressorSpec(), config))


@pytest.mark.parametrize("build", [
    lambda seed, data: classifier_run(CNNSpec(), QUICK.replace(seed=seed), data),
    lambda seed, data: regression_run(RegressorSpec(), RegressionConfig(seed=seed)),
], ids=["cnn", "regressor"])
def test_a_different_seed_gives_different_initial_weights(build, tiny_digits):
    one, two = build(1, tiny_digits).model, build(2, tiny_digits).model
    assert not torch.equal(next(one.parameters()), next(two.parameters()))


def test_building_a_run_leaves_the_global_random_state_alone(tiny_digits):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    classifier_run(CNNSpec(), QUICK, tiny_digits)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("build", [classifier_run, cell_comparison_run], ids=["single", "cells"])
def test_a_run_refuses_a_spec_whose_classes_are_not_its_datas(build, tiny_digits):
    spec = RNNClassifierSpec(hidden_size=8, num_classes=3)
    with pytest.raises(ValueError, match=r"num_classes=3 .* 'digits' has 10 classes"):
        build(spec, QUICK, tiny_digits)


def test_a_run_on_three_classes_has_three_outputs(tiny_digits):
    train, test = tiny_digits.train_y < 3, tiny_digits.test_y < 3  # the 0s, 1s and 2s
    three = ImageData(tiny_digits.train_x[train], tiny_digits.train_y[train], tiny_digits.test_x[test],
                      tiny_digits.test_y[test], tiny_digits.classes[:3], "0-2")
    run = classifier_run(CNNSpec(num_classes=3), QUICK.replace(max_steps=2, eval_every=1), three)
    assert run.model.out.out_features == 3 and [r.evaluation.confusion.shape for r in run.train()] == [(3, 3)] * 2


def test_run_settings_default_to_the_spec_and_config_it_was_built_from(tiny_digits):
    run = classifier_run(CNNSpec(blocks="8c5-p,32c5-p"), QUICK.replace(lr=0.003), tiny_digits)
    assert run.settings["blocks"] == "8c5-p,32c5-p" and run.settings["lr"] == 0.003 and "max_steps" not in run.settings


def test_comparisons_train_one_network_per_cell_or_mode(tiny_digits):
    cells = cell_comparison_run(RNNClassifierSpec(hidden_size=8), QUICK.replace(max_steps=2), tiny_digits)
    assert cells.kind == CELL_COMPARISON and list(cells.models) == ["rnn", "lstm", "gru"]
    assert [r.cell for r in cells.train()] == ["rnn", "lstm", "gru"] * 2
    modes = mode_comparison_run(RegressorSpec(), RegressionConfig(steps=3))
    assert [r.mode for r in modes.train()] == ["carry", "reset"] * 3


def test_a_released_run_holds_nothing(tiny_digits):
    run = classifier_run(CNNSpec(), QUICK, tiny_digits)
    list(run.train())
    run.release()
    assert run.records == [] and run.models == {} and run.data is None


def test_a_rehearsal_trains_each_classifier_page_on_the_given_scheduler_and_leaves_it_idle():
    from core.run import rehearse
    from core.scheduler import Scheduler

    scheduler = Scheduler(slots=2, threads=2)
    submitted = []
    original = scheduler.submit
    scheduler.submit = lambda job: (submitted.append(job), original(job))[1]
    rehearse(scheduler)
    assert len(submitted) == 2 and all(job.status == "finished" and len(job.records) == 2 for job in submitted)
    assert scheduler.load() == 0


def test_stop_is_at_once_while_a_lone_runs_evaluation_takes_long_aside(tiny_digits, monkeypatch):
    # The run trains on while step 1's record waits for its evaluation on the other worker; each of those
    # steps hands control back to the scheduler, so that Stop (and a turn's end) need not wait for it.
    import threading
    import time

    from core import training
    from core.scheduler import Scheduler

    evaluating, release = threading.Event(), threading.Event()
    check = training._check
    monkeypatch.setattr(training, "_check", lambda *args: (evaluating.set(), release.wait(30), check(*args))[2])
    run = classifier_run(CNNSpec(), QUICK.replace(max_steps=1000, eval_every=1000), tiny_digits,
                         scheduler=Scheduler(slots=2, threads=1))
    run.start()
    assert evaluating.wait(10)
    time.sleep(0.1)  # training goes on meanwhile, its records behind step 1's evaluation (fewer than 200 steps:
    #                  past that bound training waits for the evaluation, core/pipeline.py)
    started = time.monotonic()
    run.stop()
    assert time.monotonic() - started < 5 and run.job.status == "stopped" and not run.records
    release.set()


def test_train_yields_every_record_once_in_order_while_evaluations_run_aside(tiny_digits, monkeypatch):
    import time

    from core import training
    from core.scheduler import Scheduler

    check = training._check
    monkeypatch.setattr(training, "_check", lambda *args: (time.sleep(0.2), check(*args))[1])  # slower than steps
    from core.runner import BackgroundRun

    scheduler = Scheduler(slots=2, threads=1)
    warm_up = BackgroundRun(iter([1]), 1, scheduler)
    warm_up.start()
    assert warm_up.wait(10)  # the workers are up and idle: evaluations go to them, not inline
    run = classifier_run(CNNSpec(), QUICK.replace(max_steps=12, eval_every=4), tiny_digits, scheduler=scheduler)
    records = list(run.train())
    assert [record.step for record in records] == list(range(1, 13))
    assert [record.step for record in records if record.accuracy is not None] == [1, 4, 8, 12]
