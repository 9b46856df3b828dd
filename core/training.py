"""The classifier's training generator: one frozen record per optimisation step, so a page (or a
notebook, or a test) can draw, stop and resume training wherever it likes.

    config = ClassifierConfig(seed=1)
    model = CNNSpec().build(config.seed)          # the weights come from the same seed
    for record in train_classifier(model, data, config):
        print(record.step, record.loss, record.accuracy)

`train_classifier` trains the model it is given: its initial weights are whatever they were when it
was built. `core.run.classifier_run(spec, config, data)` builds both from the config, and is what the
pages, the benchmarks and the exported scripts use.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core import threads
from core.base import Aside, TrainingDiverged, check_bounds, check_loss, inline, pick_device
from core.data import ImageData, as_float
from core.embedding import project
from core.pipeline import PENDING, Pipeline

OPTIMIZERS = ("adam", "sgd")
LR_SCHEDULES = ("constant", "linear")
EMBED_METHODS = ("tsne", "pca", "none")
EVAL_BATCH = 500  # test images per forward pass when evaluating: bounds memory


@dataclass(frozen=True)
class ClassifierConfig:
    """How a classifier is trained; the defaults are the tutorial's CNN script."""

    epochs: int = 1  # passes over the training set (tutorial: EPOCH = 1)
    batch_size: int = 50  # images per step (tutorial: BATCH_SIZE = 50)
    lr: float = 0.001  # learning rate (tutorial: LR = 0.001)
    optimizer: str = "adam"  # "adam" (the tutorial's) or "sgd" (with momentum 0.9)
    lr_schedule: str = "constant"  # "constant" (tutorial) or "linear": lr falls in equal steps to ~0 at the end
    eval_every: int = 50  # steps between test evaluations (tutorial: step % 50 == 0)
    test_size: int = 2000  # test images per evaluation (tutorial: the first 2000)
    embed_method: str = "tsne"  # "tsne" (tutorial), "pca" (fast) or "none"
    embed_every: int = 50  # one embedding frame per this many steps (on an evaluation step, from step embed_every)
    embed_points: int = 500  # test images drawn in the embedding (tutorial: plot_only = 500)
    gallery_size: int = 24  # test predictions kept per evaluation, misclassified first
    # The batch order; and the initial weights when the run is built by core.run (spec.build(seed)).
    # t-SNE needs no seed: it starts from the PCA layout.
    seed: int = 1
    max_steps: int | None = None  # stop after this many steps in all (quick runs, tests)
    device: str = "auto"  # "auto", "cpu", "cuda" or "mps"

    def __post_init__(self):
        check_bounds(self, CLASSIFIER_BOUNDS,
                     {"optimizer": OPTIMIZERS, "lr_schedule": LR_SCHEDULES, "embed_method": EMBED_METHODS})

    def replace(self, **changes) -> ClassifierConfig:
        return dataclasses.replace(self, **changes)


CLASSIFIER_BOUNDS = {
    "epochs": (1, 20),
    "batch_size": (1, 1024),
    "lr": (1e-6, 10.0),
    "eval_every": (1, 10_000),
    "test_size": (10, 10_000),
    "embed_every": (1, 100_000),
    "embed_points": (10, 2_000),
    "gallery_size": (0, 100),
    "seed": (0, 2**31 - 1),
    "max_steps": (1, 1_000_000),
}


@dataclass(frozen=True)
class Evaluation:
    """What the network said about the test subset (the first N test images) at one step."""

    accuracy: float  # on the test subset
    confusion: np.ndarray  # (C, C) counts: rows are true classes, columns predictions
    predicted: np.ndarray  # (N,) uint8: the class predicted for each test image of the subset
    confidence: np.ndarray  # (N,) float16: the probability it gave that class
    gallery_index: np.ndarray  # (G,) test-set indices shown in the gallery, misclassified first

    def in_cell(self, true_labels: np.ndarray, true: int, predicted: int) -> np.ndarray:
        """Indices of the subset's images of class `true` that were predicted `predicted`
        (`true_labels`: the subset's labels)."""
        return np.flatnonzero((true_labels[:len(self.predicted)] == true) & (self.predicted == predicted))


@dataclass(frozen=True)
class EmbeddingFrame:
    coords: np.ndarray  # (N, 2)
    labels: np.ndarray  # (N,) true classes of the first N test images
    method: str


@dataclass(frozen=True)
class StepRecord:
    step: int  # optimisation steps done, from 1
    total_steps: int
    epoch: int  # from 0
    loss: float  # this step's training loss
    lr: float  # the learning rate this step was taken with
    accuracy: float | None = None  # test accuracy on evaluation steps, else None
    evaluation: Evaluation | None = None
    embedding: EmbeddingFrame | None = None


def steps_per_epoch(n_train: int, batch_size: int) -> int:
    return math.ceil(n_train / batch_size)


def total_steps(n_train: int, config: ClassifierConfig) -> int:
    steps = config.epochs * steps_per_epoch(n_train, config.batch_size)
    return min(steps, config.max_steps) if config.max_steps else steps


def is_eval_step(step: int, total: int, every: int) -> bool:
    """Evaluate after the first step (an early point), every `every` steps, and at the end."""
    return step == 1 or step % every == 0 or step == total


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    return torch.optim.SGD(params, lr=lr, momentum=0.9)


def make_lr_schedule(name: str, optimizer: torch.optim.Optimizer, total: int) -> torch.optim.lr_scheduler.LRScheduler:
    """"constant", or "linear": step k (from 0) of `total` uses lr * (1 - k / total), big steps while
    the weights are far off and fine ones at the end (README: what it does for the tutorial's LSTM)."""
    factor = (lambda done: 1 - done / total) if name == "linear" else (lambda done: 1.0)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def train_classifier(model: nn.Module, data: ImageData, config: ClassifierConfig = ClassifierConfig(),
                     aside: Aside = inline, pending: bool = False) -> Iterator[StepRecord]:
    """Train `model` (forward(x) -> (logits, features)) on `data`, yielding a record per step.

    The model's weights are as it was built: build it with `spec.build(config.seed)` (or use
    core.run) for a run that is the same every time. Raises TrainingDiverged when the loss becomes
    NaN, infinite or explodes.

    Evaluations (and embedding frames) run on a frozen copy of the network through `aside`, which may
    run them on another core while training goes on; records still come in order, each with its own
    evaluation (core/pipeline.py states how). The same config gives the same records whichever way
    they ran. With `pending`, a step whose record must wait for an evaluation yields
    core.pipeline.PENDING instead of nothing: a scheduler gets control back at every step.
    """
    device = pick_device(config.device)
    model.to(device)
    optimizer = make_optimizer(config.optimizer, model.parameters(), config.lr)
    shuffle = torch.Generator().manual_seed(config.seed)
    n_train = len(data.train_y)
    per_epoch = steps_per_epoch(n_train, config.batch_size)
    total = total_steps(n_train, config)
    schedule = make_lr_schedule(config.lr_schedule, optimizer, total)
    evaluator = Evaluator(data, config, total, aside)
    pipeline = Pipeline(_record)  # records in order, each once its evaluation is done

    step = 0
    for epoch in range(config.epochs):
        order = torch.randperm(n_train, generator=shuffle)
        for i in range(per_epoch):
            index = order[i * config.batch_size:(i + 1) * config.batch_size]
            x = as_float(data.train_x[index], device)  # (B, 28, 28)
            y = data.train_y[index].to(device)
            lr = optimizer.param_groups[0]["lr"]  # this step's rate: the schedule moves it after the step
            model.train()
            logits, _ = model(x)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            step += 1
            try:
                loss_value = check_loss(loss.item(), step, config.lr)
            except TrainingDiverged as blow_up:  # the steps before it still come out: the curve shows it
                yield from pipeline.drain(then_raise=blow_up)
            evaluation = None
            if is_eval_step(step, total, config.eval_every):  # started aside: training goes on meanwhile
                evaluation = evaluator.start(model, step)
            released = False
            for record in pipeline.put(dict(step=step, total_steps=total, epoch=epoch, loss=loss_value, lr=lr),
                                       evaluation):
                released = True
                yield record
            if pending and not released:
                yield PENDING
            if step >= total:
                yield from pipeline.drain()
                return


class FrameSchedule:
    """Which evaluations also make an embedding frame, and the frame each starts from.

    One frame at the first evaluation in each block of `every` steps after the first block, and one
    at the last step: none in the first block, so the first loss point never waits for a cold
    t-SNE start. Each frame is warm-started from the previous frame's layout (core.embedding): so
    `previous` is that frame's evaluation, which the next one waits for only after its own forward
    pass (`_check`)."""

    def __init__(self, points: int, every: int, total: int):
        self.points, self.every, self.total = points, every, total  # points: 0 for no frames
        self.previous: Future | None = None
        self._block = 0  # the block of `every` steps that has the newest frame

    def due(self, step: int) -> bool:
        """Whether the evaluation at `step` makes a frame."""
        return self.points > 0 and (step // self.every > self._block or step == self.total)

    def made(self, step: int, evaluation: Future) -> None:
        """The evaluation at `step` makes a frame: the next frame starts from its layout."""
        self._block, self.previous = step // self.every, evaluation


class Evaluator:
    """A run's evaluations on its test subset (the first config.test_size test images), each on a
    frozen copy of the network, started through `aside` (core/pipeline.py) so training can go on."""

    def __init__(self, data: ImageData, config: ClassifierConfig, total: int, aside: Aside):
        self.x, self.y = data.test_x[: config.test_size], data.test_y[: config.test_size]  # views: no copy per run
        self.num_classes, self.config, self.aside = len(data.classes), config, aside
        points = min(config.embed_points, len(self.y)) if config.embed_method != "none" else 0
        self.frames = FrameSchedule(points, config.embed_every, total)

    def start(self, model: nn.Module, step: int) -> Future[tuple[Evaluation, EmbeddingFrame | None]]:
        """The evaluation at `step`, with an embedding frame when one is due."""
        frame = self.frames.due(step)
        evaluation = self.aside(functools.partial(
            _check, _frozen(model), self.x, self.y, self.num_classes, self.config.gallery_size,
            self.frames.points if frame else 0, self.config.embed_method, self.frames.previous if frame else None))
        if frame:
            self.frames.made(step, evaluation)
        return evaluation


def _frozen(model: nn.Module) -> nn.Module:
    """A private copy of the network as it is now, for an evaluation that may run while it trains on."""
    with torch.no_grad():
        return copy.deepcopy(model).eval()


def _check(model: nn.Module, x: torch.Tensor, y: torch.Tensor, num_classes: int, gallery_size: int,
           frame_points: int, method: str, previous: Future | None) -> tuple[Evaluation, EmbeddingFrame | None]:
    """One step's evaluation, and its embedding frame when `frame_points` > 0, warm-started from the
    layout of the `previous` frame's check (waited for only here, after the forward pass, so training
    never waits for it). On one torch thread wherever it runs, so its numbers do not depend on where
    it ran."""
    with threads.only_one():
        evaluation, features = evaluate(model, x, y, num_classes, gallery_size, keep_features=frame_points)
    if not frame_points:
        return evaluation, None
    start = previous.result()[1].coords if previous is not None else None
    return evaluation, EmbeddingFrame(project(features, method, start), y[:frame_points].numpy(), method)


def _record(fields: dict, result: tuple[Evaluation, EmbeddingFrame | None] | None) -> StepRecord:
    evaluation, embedding = result or (None, None)
    return StepRecord(**fields, accuracy=evaluation.accuracy if evaluation else None, evaluation=evaluation,
                      embedding=embedding)


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, num_classes: int,
             gallery_size: int = 0, keep_features: int = 0) -> tuple[Evaluation, np.ndarray]:
    """One forward pass over uint8 test images `x` (N, 28, 28) with labels `y`: accuracy, confusion
    matrix, gallery, and the hidden features of the first `keep_features` images (for the embedding).
    Images become floats a batch at a time, so a run holds no float copy of its test set."""
    model.eval()
    device = next(model.parameters()).device
    logits, kept = [], []
    with torch.inference_mode():
        for start in range(0, len(x), EVAL_BATCH):
            out, features = model(as_float(x[start:start + EVAL_BATCH], device))
            logits.append(out)
            if start < keep_features:
                kept.append(features[: keep_features - start].float().cpu())
    model.train()
    probs = torch.cat(logits).float().softmax(1).cpu()
    conf, pred = probs.max(1)
    true = y.cpu()
    correct = pred == true
    confusion = torch.bincount(true * num_classes + pred, minlength=num_classes**2).reshape(num_classes, num_classes)
    order = torch.cat([torch.nonzero(~correct).flatten(), torch.nonzero(correct).flatten()])[:gallery_size]
    evaluation = Evaluation(
        accuracy=correct.float().mean().item(),
        confusion=confusion.numpy(),
        predicted=pred.numpy().astype(np.uint8),  # 100 classes at most (CNNSpec's bound)
        confidence=conf.numpy().astype(np.float16),
        gallery_index=order.numpy(),
    )
    features = torch.cat(kept).numpy() if kept else np.empty((0, 0), np.float32)
    return evaluation, features


def whole_test_accuracy(model: nn.Module, data: ImageData) -> float:
    """Accuracy on the whole test set. Training runs test a subset (the first config.test_size test
    images) to stay cheap; this is the figure to quote once a run is over."""
    evaluation, _ = evaluate(model, data.test_x, data.test_y, len(data.classes))
    return evaluation.accuracy

