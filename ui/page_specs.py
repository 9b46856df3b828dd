"""One spec per training page: its sidebar controls (defaults from the page's core preset, option
lists from core's tuples) and how the sidebar's settings become a run's network spec and config.
The playground's quick run uses the CNN page's spec, so it is a regular CNN run: the CNN page shows
it, and Continue / Reset work on it there."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core import presets
from core.models import RNN_CELLS, ModelSpec
from core.presets import Preset, TrainingConfig
from core.regression import HIDDEN_MODES, TARGETS
from core.training import EMBED_METHODS, LR_SCHEDULES, OPTIMIZERS
from ui import network_editor
from ui.controls import Control
from ui.navigation import URL_PATHS

SEED = Control("seed", 0, 2**31 - 1)
BATCH_SIZES = (16, 32, 50, 64, 128, 256, 512)
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


@dataclass(frozen=True)
class PageSpec:
    key: str  # the page's name in session state, translation tables and share links
    preset: Preset
    controls: tuple[Control, ...]  # the run's settings, in sidebar order; defaults are the preset's
    page_controls: tuple[Control, ...] = ()  # the page's own settings (not the run's), each with its default

    def __post_init__(self):
        defaults = self.preset.settings()
        bound = tuple(dataclasses.replace(control, default=defaults[control.name]) for control in self.controls)
        object.__setattr__(self, "controls", bound)

    @property
    def network(self) -> str:
        """The name of the network the page trains (a weights file names it too)."""
        return self.preset.model.name

    @property
    def all_controls(self) -> tuple[Control, ...]:
        return self.controls + self.page_controls

    @property
    def url_path(self) -> str:
        return URL_PATHS[self.key]

    @property
    def defaults(self) -> dict[str, Any]:
        """Every setting of the page's sidebar at its default."""
        return {control.name: control.default for control in self.all_controls}

    def split(self, settings: Mapping[str, Any], *, max_steps: int | None, device: str,
              num_classes: int | None = None) -> tuple[ModelSpec, TrainingConfig]:
        """The sidebar's settings -> the run's network spec and config, with what is not a setting
        given: the server's step cap (None: none), the device chosen in the app's sidebar and, for a
        classifier, the number of classes of its data (None: the preset's)."""
        own = {control.name for control in self.page_controls}
        classes = {"num_classes": num_classes} if num_classes is not None else {}
        return self.preset.split({k: v for k, v in settings.items() if k not in own},
                                 max_steps=max_steps, device=device, **classes)


CNN = PageSpec("cnn", presets.CNN, (
    Control("epochs", 1, 10),
    Control("batch_size", options=BATCH_SIZES),
    Control("lr", options=LEARNING_RATES),
    Control("optimizer", options=OPTIMIZERS),
    Control("blocks", reads=network_editor.read_blocks, draw=network_editor.draw_blocks),  # the student's network
    Control("fc", reads=network_editor.read_hidden, draw=network_editor.draw_hidden),
    Control("eval_every", 10, 500, 10),
    Control("test_size", 100, 5000, 100),
    Control("embed_method", options=EMBED_METHODS),
    Control("embed_every", 10, 1000, 10),
    Control("embed_points", 100, 1000, 50),
    SEED,
))

RNN_CLASSIFIER = PageSpec("rnn_classifier", presets.RNN_CLASSIFIER, (
    Control("cell", options=tuple(RNN_CELLS)),
    Control("hidden_size", 16, 256, 16),
    Control("num_layers", 1, 3),
    Control("bidirectional", options=(False, True)),
    Control("epochs", 1, 10),
    Control("batch_size", options=BATCH_SIZES),
    Control("lr", options=LEARNING_RATES[:-2]),  # 0.3 and 1.0 only blow an RNN up
    Control("lr_schedule", options=LR_SCHEDULES),
    Control("eval_every", 10, 500, 10),
    SEED,
))

RNN_REGRESSION = PageSpec("rnn_regression", presets.RNN_REGRESSION, (
    Control("cell", options=tuple(RNN_CELLS)),
    Control("hidden_size", options=(4, 8, 16, 32, 64, 128)),
    Control("time_steps", 2, 50),
    Control("lr", options=(0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.3)),
    Control("steps", 10, 500, 10),
    Control("hidden_mode", options=HIDDEN_MODES),
    Control("target", options=TARGETS),
    Control("phase", options=(0.0, 0.25, 0.5, 0.75, 1.0, 1.5)),
    Control("noise", 0.0, 0.5, 0.05),
    SEED,
), page_controls=(
    Control("step_delay", options=(0.0, 0.02, 0.05, 0.1), default=0.02),  # the tutorial's plt.pause, roughly
))

TRAINING_PAGES = (CNN, RNN_CLASSIFIER, RNN_REGRESSION)
BY_NETWORK = {page.network: page for page in TRAINING_PAGES}  # a network's name -> its page
PAGES = {page.key: page for page in TRAINING_PAGES}  # a page's key -> its page

PLAYGROUND_CONTROLS = (Control("stroke_width", 8, 40, 2, default=22),)
