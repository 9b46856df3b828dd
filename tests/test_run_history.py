"""core.run_history: a page keeps its last runs, compact (a summary and the weights, nothing that
trains), drops the oldest past its limit and says which; a kept run lets its generator go."""

import gc
import pickle
import types
import weakref

import numpy as np
import pytest
import torch
from torch import nn

from core.data import ImageData
from core.models import CNNSpec, RegressorSpec, RNNClassifierSpec
from core.regression import RegressionConfig
from core.run import CLASSIFIER, Run, WholeTest, classifier_run, regression_run
from core.run_history import KEPT_POINTS, KeptRun, RunHistory
from core.runner import BackgroundRun
from core.training import ClassifierConfig, EmbeddingFrame, Evaluation, StepRecord

QUICK = ClassifierConfig(max_steps=6, eval_every=3, embed_method="pca", embed_every=3, test_size=50,
                         embed_points=20, gallery_size=8)
SUMMARY_BYTES = 16 * 1024  # what a short kept run may hold besides its weights: settings, figures, curves
CURVE_BYTES = 2 * KEPT_POINTS * 5 * 4  # at most this many kept steps, five 4-byte numbers each


def cnn_run(data: ImageData, lr: float = 0.001, steps: int = 6) -> Run:
    run = classifier_run(CNNSpec(), QUICK.replace(lr=lr, max_steps=steps), data)
    list(run.train())
    return run


def reachable(root) -> list:
    """Every object reachable from `root` through references (modules, classes and functions are
    where an object's code lives, not what it holds: not followed)."""
    seen, stack, found = set(), [root], []
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (type, types.ModuleType, types.FunctionType)):
            continue
        seen.add(id(obj))
        found.append(obj)
        stack.extend(gc.get_referents(obj))
    return found


def test_the_last_runs_are_kept_and_the_oldest_dropped_saying_which(tiny_digits):
    history = RunHistory(limit=3)
    dropped = [history.add(cnn_run(tiny_digits, steps=1)) for _ in range(5)]
    assert [kept.number for kept in history.runs] == [3, 4, 5]
    assert dropped[:3] == [None, None, None]
    assert [kept.number for kept in dropped[3:]] == [1, 2]
    assert history.next_number == 6 and history.get(4) is history.runs[1] and history.get(1) is None


def test_a_kept_run_has_its_settings_figures_and_curves(tiny_digits):
    run = cnn_run(tiny_digits, lr=0.003)
    run.whole_test = WholeTest(step=6, accuracy=0.5)
    history = RunHistory()
    history.add(run)
    summary = history.runs[0].summary
    assert summary.number == 1 and summary.settings["lr"] == 0.003 and summary.dataset == "digits"
    assert summary.status == "finished" and summary.steps == summary.total == 6
    assert summary.whole_test == 0.5 and summary.weights_from == ""
    assert list(summary.metrics.step) == [1, 2, 3, 4, 5, 6]
    steps, accuracy = summary.metrics.accuracy_curve()
    assert list(steps) == [1, 3, 6] and summary.accuracy == pytest.approx(float(accuracy[-1]))
    assert summary.final_loss == pytest.approx(float(summary.metrics.smoothed[-1]))


def test_a_whole_test_figure_from_an_earlier_step_is_not_kept(tiny_digits):
    run = cnn_run(tiny_digits)
    run.whole_test = WholeTest(step=3, accuracy=0.9)  # measured, then the run went on
    history = RunHistory()
    history.add(run)
    assert history.runs[0].summary.whole_test is None


def test_a_kept_run_holds_nothing_that_trains_and_little_besides_its_weights(tiny_digits):
    run = cnn_run(tiny_digits)
    assert any(record.embedding is not None for record in run.records)  # what a live run holds
    history = RunHistory()
    history.add(run)
    kept = history.runs[0]
    held = reachable(kept)
    forbidden = (Run, BackgroundRun, nn.Module, torch.optim.Optimizer, types.GeneratorType, StepRecord,
                 Evaluation, EmbeddingFrame, ImageData)
    assert [type(obj).__name__ for obj in held if isinstance(obj, forbidden)] == []
    size = len(pickle.dumps(kept))  # pickling would fail on a generator: it holds none
    assert kept.weights.nbytes < size < kept.weights.nbytes + SUMMARY_BYTES


@pytest.mark.parametrize("build", [
    lambda data: classifier_run(RNNClassifierSpec(hidden_size=32), QUICK, data),
    lambda data: regression_run(RegressorSpec(), RegressionConfig(steps=20)),
], ids=["lstm", "regressor"])
def test_kept_rnn_runs_are_compact_too(build, tiny_digits):
    run = build(tiny_digits)
    list(run.train())
    history = RunHistory()
    history.add(run)
    kept = history.runs[0]
    assert len(pickle.dumps(kept)) < kept.weights.nbytes + SUMMARY_BYTES


def test_keeping_a_run_releases_its_generator_records_and_network(tiny_digits):
    run = classifier_run(CNNSpec(), QUICK, tiny_digits)
    steps = run.train()
    next(steps)  # stopped half-way: the generator holds the optimizer and the network
    model = weakref.ref(run.model)
    optimizer_state = weakref.ref(run.job._generator.gi_frame.f_locals["optimizer"])
    del steps
    history = RunHistory()
    history.add(run)
    gc.collect()
    assert model() is None and optimizer_state() is None  # gone, though `run` itself is still referenced
    assert run.records == [] and run.models == {}
    assert history.runs[0].summary.steps == 1


def test_a_kept_run_of_many_steps_keeps_a_bounded_curve(tiny_digits):
    n = 20_000  # more steps than a page allows: records made up, not trained
    records = iter(StepRecord(step=i, total_steps=n, epoch=0, loss=1 / i, lr=0.001,
                              accuracy=0.5 if i % 1000 == 0 else None) for i in range(1, n + 1))
    run = Run(CLASSIFIER, CNNSpec(), QUICK, {"model": CNNSpec().build(0)}, BackgroundRun(records, n), {}, tiny_digits)
    while run.job.step():
        pass
    history = RunHistory()
    history.add(run)
    metrics = history.runs[0].summary.metrics
    assert len(metrics.step) <= 2 * KEPT_POINTS and metrics.step[-1] == n
    assert metrics.nbytes <= CURVE_BYTES
    assert list(metrics.accuracy_curve()[0]) == list(range(1000, n + 1, 1000))


def test_weights_kept_are_a_cpu_copy_that_rebuilds_the_network(tiny_digits):
    run = cnn_run(tiny_digits)
    images = tiny_digits.test_x[:16].float() / 255
    with torch.inference_mode():
        expected = run.model.eval()(images)[0]
    history = RunHistory()
    history.add(run)
    kept: KeptRun = history.runs[0]
    assert all(tensor.device.type == "cpu" for tensor in kept.weights.state_dict.values())
    with torch.inference_mode():
        assert np.array_equal(kept.weights.build()(images)[0].numpy(), expected.numpy())


def test_a_diverged_run_is_kept_without_weights_a_student_could_not_use(tiny_digits):
    from core.base import TrainingDiverged
    from core.runner import FAILED

    run = classifier_run(CNNSpec(), QUICK.replace(lr=1.0, max_steps=50, eval_every=1000), tiny_digits)
    with pytest.raises(TrainingDiverged):
        list(run.train())
    history = RunHistory()
    history.add(run)
    (kept,) = history.runs
    assert kept.summary.status == FAILED and kept.summary.steps > 0
    assert kept.weights is None  # they are not numbers any more: a file of them would be refused on upload
