"""What each training page starts from: a network shape and a training config, the one home of
every default. The tutorial's own values stay the configs' and specs' defaults; a preset names the
few a page changes, and why.

Settings are the flat `name=value` pairs a page's sidebar, a share link, a run's history and
`python -m core.export` speak: the spec's fields and the config's, by their own names.

    spec, config = presets.CNN.split({"lr": 0.003, "blocks": "8c5-p,32c5-bn-p,64c3"})
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.models import CNNSpec, ModelSpec, RegressorSpec, RNNClassifierSpec
from core.regression import RegressionConfig
from core.rnn_analysis import TUTORIAL_CONFIG
from core.training import ClassifierConfig

TrainingConfig = ClassifierConfig | RegressionConfig
NOT_SETTINGS = ("num_classes", "max_steps", "device")  # fixed by the data, the server and the sidebar


@dataclass(frozen=True)
class Preset:
    """A page's starting network and training config."""

    model: ModelSpec
    config: TrainingConfig

    def settings(self) -> dict[str, Any]:
        """Every setting by name, at the preset's values."""
        return settings_of(self.model, self.config)

    def split(self, settings: Mapping[str, Any], **fixed: Any) -> tuple[ModelSpec, TrainingConfig]:
        """Flat settings -> (network spec, training config), the rest at the preset's values; `fixed`
        sets what is not a setting (num_classes, max_steps, device). An unknown name raises ValueError,
        and so does a value out of bounds (the spec and the config check their own)."""
        unknown = set(settings) - set(self.settings())
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}; known: {sorted(self.settings())}")
        values = {**settings, **fixed}
        return (_replace(self.model, values), _replace(self.config, values))


def settings_of(model: ModelSpec, config: TrainingConfig) -> dict[str, Any]:
    """The flat settings a spec and a config were made from."""
    return {name: value for part in (model, config) for name, value in dataclasses.asdict(part).items()
            if name not in NOT_SETTINGS}


def _replace(part, values: Mapping[str, Any]):
    names = {field.name for field in dataclasses.fields(part)}
    return dataclasses.replace(part, **{name: value for name, value in values.items() if name in names})


# The CNN page evaluates on 1,000 test images every 100 steps, with a t-SNE frame of 300 points per
# 100 steps: the tutorial did both every 50 steps on 2,000 images and 500 points, which took most of
# the time (README: the live page against the bare loop). Its learning rate falls linearly over the
# run, as the RNN page's: at a constant rate a student's bigger network with batch norm ends an epoch
# on a noisy step (97-99 %), falling it ends above 99 % (README: the better network).
CNN = Preset(CNNSpec(), ClassifierConfig(eval_every=100, test_size=1000, embed_every=100, embed_points=300,
                                         lr_schedule="linear"))

# The tutorial's LSTM settings, its learning rate decaying linearly over the run (README: the
# accuracy it gains); a t-SNE frame per 200 steps keeps the live page cheap.
RNN_CLASSIFIER = Preset(RNNClassifierSpec(), TUTORIAL_CONFIG.replace(lr_schedule="linear", embed_every=200,
                                                                     embed_points=300))

# The tutorial's regression, unchanged.
RNN_REGRESSION = Preset(RegressorSpec(), RegressionConfig())

BY_NAME = {preset.model.name: preset for preset in (CNN, RNN_CLASSIFIER, RNN_REGRESSION)}
