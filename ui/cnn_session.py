"""The CNN page's settings and training session, in one place, so that the playground's quick
run is a regular CNN run: the CNN page shows it, and Continue / Reset work on it there."""

from __future__ import annotations

from typing import Any

from core.data import ImageData
from core.models import CNN
from core.runner import BackgroundRun
from core.training import ClassifierConfig, seeded, total_steps, train_classifier
from ui import runs
from ui.controls import Control

PAGE = "cnn"
# Defaults are the seed's, except evaluation and embedding, which the seed ran so often that
# they took most of the time; these keep the live charts under half the cost of training.
CONTROLS = (
    Control("epochs", 1, 1, 10),
    Control("batch_size", 50, options=(16, 32, 50, 64, 128, 256, 512)),
    Control("lr", 0.001, options=(0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)),
    Control("optimizer", "adam", options=("adam", "sgd")),
    Control("conv1_channels", 16, 4, 64, 4),
    Control("conv2_channels", 32, 4, 64, 4),
    Control("kernel_size", 5, options=(3, 5, 7)),
    Control("eval_every", 100, 10, 500, 10),
    Control("test_size", 1000, 100, 5000, 100),
    Control("embed_method", "tsne", options=("tsne", "pca", "none")),
    Control("embed_every", 100, 50, 1000, 50),
    Control("embed_points", 300, 100, 1000, 50),
    Control("seed", 1, 0, 2**31 - 1),
)
MODEL_FIELDS = ("conv1_channels", "conv2_channels", "kernel_size")


def make_config(settings: dict[str, Any], max_steps: int | None, device: str) -> ClassifierConfig:
    return ClassifierConfig(**{k: v for k, v in settings.items() if k not in MODEL_FIELDS},
                            max_steps=max_steps, device=device)


def new_model(settings: dict[str, Any], num_classes: int) -> CNN:
    return seeded(lambda: CNN((settings["conv1_channels"], settings["conv2_channels"]),
                              settings["kernel_size"], num_classes), settings["seed"])


def new_session(settings: dict[str, Any], data: ImageData, config: ClassifierConfig) -> runs.TrainingSession:
    """A fresh, not yet started CNN run of `config` on `data`."""
    model = new_model(settings, len(data.classes))
    return runs.TrainingSession(
        run=BackgroundRun(train_classifier(model, data, config), total_steps(len(data.train_y), config)),
        config=config, model=model, samples_per_step=config.batch_size,
        extra={"data": data, "settings": settings},
    )
