"""A training run as one object: the network(s) it trains, built from a spec and the config's seed,
the data, the settings it came from, every record so far, and what was measured after it.

The builders below are the one way a page, a benchmark or a notebook makes a run, so that a config
always means the same run, weights included:

    run = classifier_run(CNNSpec(), ClassifierConfig(seed=1, max_steps=200), data)
    for record in run.train():          # in this thread; a page calls run.start() instead
        print(record.step, record.loss)
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from core import presets
from core import scheduler as scheduler_module
from core.catalog import DIGIT_CLASSES
from core.data import ImageData
from core.models import ModelSpec, RegressorSpec, RNNClassifierSpec
from core.presets import TrainingConfig, settings_of
from core.regression import RegressionConfig, compare_modes, train_regressor
from core.rnn_analysis import CELLS, cell_models, compare_cells
from core.runner import BackgroundRun
from core.scheduler import Scheduler
from core.training import ClassifierConfig, total_steps, train_classifier
from core.weights import Weights, cpu_copy

CLASSIFIER, CELL_COMPARISON, REGRESSION, MODE_COMPARISON = "classifier", "cells", "regression", "modes"


@dataclass(frozen=True)
class WholeTest:
    """The network's accuracy on every test image, measured once the run had done `step` steps."""

    step: int
    accuracy: float


@dataclass(eq=False)
class Run:
    kind: str  # CLASSIFIER, CELL_COMPARISON, REGRESSION or MODE_COMPARISON
    spec: ModelSpec  # the network's shape (a comparison's cells or modes vary it)
    config: TrainingConfig
    models: dict[str, nn.Module]  # one ("model") or, in a comparison, one per cell or hidden-state mode
    job: BackgroundRun  # advances the records, keeps them, knows the status
    settings: Mapping[str, Any]  # what the page's sidebar said: spec, config and page-only settings
    data: ImageData | None = None  # what a classifier trains and tests on
    whole_test: WholeTest | None = None  # measured when a student asks; it holds for the step it names
    weights_from: str = ""  # the weights file its network started from; "": drawn from config.seed

    @property
    def model(self) -> nn.Module:
        """The network of a single run (a comparison's first)."""
        return next(iter(self.models.values()))

    @property
    def records(self) -> list:
        return self.job.records

    @property
    def samples_per_step(self) -> int:
        return self.config.batch_size if isinstance(self.config, ClassifierConfig) else self.config.time_steps

    def start(self) -> None:
        """Train in the background (or go on after a stop)."""
        self.job.start()

    def stop(self) -> None:
        self.job.stop()

    def pause(self) -> None:
        """Stop without waiting for the step in progress (a student left; nobody waits)."""
        self.job.stop(wait=False)

    def release(self) -> None:
        """Give back everything the run holds (its session is gone for good): the generator with its
        optimizer, the networks, the records."""
        self.job.release()
        self.models.clear()
        self.data = None

    def trained_weights(self) -> Weights:
        """The network's weights now, copied to the CPU, with what rebuilds it (for a weights file)."""
        data = self.data
        return Weights(self.spec, cpu_copy(self.model), dataclasses.asdict(self.config),
                       data.name if data is not None else None, tuple(data.classes) if data is not None else (),
                       len(self.records))

    def train(self) -> Iterator[Any]:
        """Train in the calling thread, yielding each new record (for notebooks and scripts)."""
        seen = len(self.job.records)
        while self.job.step():  # a step may add no record (one behind its evaluation) or several (core/pipeline.py)
            yield from self.job.records[seen:]
            seen = len(self.job.records)
            time.sleep(max(0.0, self.job.not_before - time.monotonic()))  # a paced run's rest
        if self.job.error is not None:
            raise self.job.error


def classifier_run(spec: ModelSpec, config: ClassifierConfig, data: ImageData,
                   settings: Mapping[str, Any] | None = None, scheduler: Scheduler | None = None, *,
                   weights: Mapping[str, torch.Tensor] | None = None, weights_from: str = "") -> Run:
    """A CNN or an RNN classifier of `spec`, its weights drawn from config.seed (or, given `weights`,
    a state_dict that fits `spec`, loaded strictly), trained on `data` (when started: by
    `scheduler`, the server's by default). spec.num_classes must be len(data.classes) (else ValueError)."""
    _check_classes(spec, data)
    model = _start_from(spec.build(config.seed), weights)

    def aside(task):  # evaluations on a worker no run needs, else inline (core/pipeline.py)
        return (scheduler or scheduler_module.server()).aside(task)
    job = BackgroundRun(train_classifier(model, data, config, aside, pending=True),
                        total_steps(len(data.train_y), config), scheduler)
    return Run(CLASSIFIER, spec, config, {"model": model}, job, _settings(spec, config, settings), data,
               weights_from=weights_from)


def cell_comparison_run(spec: RNNClassifierSpec, config: ClassifierConfig, data: ImageData,
                        settings: Mapping[str, Any] | None = None) -> Run:
    """RNN, LSTM and GRU of `spec`'s size, same seed and batches, one step of each in turn. Without
    embedding or gallery: the comparison draws curves only. spec.num_classes must be len(data.classes)."""
    _check_classes(spec, data)
    quiet = config.replace(embed_method="none", gallery_size=0)
    models = cell_models(spec, quiet.seed, CELLS)
    job = BackgroundRun(compare_cells(models, data, quiet), len(models) * total_steps(len(data.train_y), quiet))
    return Run(CELL_COMPARISON, spec, quiet, dict(models), job, _settings(spec, config, settings), data)


def regression_run(spec: RegressorSpec, config: RegressionConfig, settings: Mapping[str, Any] | None = None,
                   step_delay: float = 0.0, *, weights: Mapping[str, torch.Tensor] | None = None,
                   weights_from: str = "") -> Run:
    """The regressor of `spec`, its weights drawn from config.seed (or given, as for classifier_run);
    `step_delay` seconds' rest after each step so the eye can follow (a rest holds no training slot)."""
    model = _start_from(spec.build(config.seed), weights)
    job = BackgroundRun(train_regressor(model, config), config.total_steps, pace_s=step_delay)
    return Run(REGRESSION, spec, config, {"model": model}, job, _settings(spec, config, settings),
               weights_from=weights_from)


def mode_comparison_run(spec: RegressorSpec, config: RegressionConfig, settings: Mapping[str, Any] | None = None,
                        step_delay: float = 0.0) -> Run:
    """Two identical regressors, one carrying its hidden state and one resetting it, in turn."""
    records, models = compare_modes(spec, config)
    job = BackgroundRun(records, 2 * config.total_steps, pace_s=step_delay / 2)
    return Run(MODE_COMPARISON, spec, config, dict(models), job, _settings(spec, config, settings))


def _check_classes(spec: ModelSpec, data: ImageData) -> None:
    if spec.num_classes != len(data.classes):
        raise ValueError(f"the spec has num_classes={spec.num_classes} but the data {data.name!r} has "
                         f"{len(data.classes)} classes: give num_classes=len(data.classes) to the spec")


def _start_from(model: nn.Module, weights: Mapping[str, torch.Tensor] | None) -> nn.Module:
    """The freshly built `model`, its weights replaced by `weights` when given (strictly: every key,
    every shape)."""
    if weights is not None:
        model.load_state_dict(weights, strict=True)
    return model


def _settings(spec: ModelSpec, config: TrainingConfig, settings: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(settings) if settings is not None else settings_of(spec, config)


def rehearse(scheduler: Scheduler | None = None) -> None:
    """Train throwaway networks of the classifier pages for two steps on blank images, through the
    scheduler, evaluating aside. A process's first run pays for starting the training workers, for
    torch's first optimiser step (which imports more of torch) and for preparing its convolutions
    and recurrent kernels for these shapes; a rehearsal at start-up pays it before a student presses
    Train, so that the first loss point comes at once."""
    blank = ImageData(train_x=torch.zeros(128, 28, 28, dtype=torch.uint8), train_y=torch.zeros(128, dtype=torch.long),
                      test_x=torch.zeros(1000, 28, 28, dtype=torch.uint8), test_y=torch.zeros(1000, dtype=torch.long),
                      classes=DIGIT_CLASSES, name="rehearsal")
    for preset in (presets.CNN, presets.RNN_CLASSIFIER):
        spec, config = preset.split({}, max_steps=2)
        run = classifier_run(spec, config.replace(eval_every=1, embed_method="none"), blank, scheduler=scheduler)
        run.start()
        run.job.wait()
