"""ui.page_specs: a page's sidebar settings become a run's network spec and config. What is not a
setting is given to split, so it needs no Streamlit session."""

import dataclasses

from core import presets
from ui.page_specs import CNN, RNN_REGRESSION


def test_split_takes_the_step_cap_and_the_device_it_is_given():
    spec, config = CNN.split({"lr": 0.003, "blocks": "8c5-p,32c5-p"}, max_steps=7, device="cpu")
    assert spec == dataclasses.replace(presets.CNN.model, blocks="8c5-p,32c5-p")
    assert config == presets.CNN.config.replace(lr=0.003, max_steps=7, device="cpu")


def test_split_leaves_the_pages_own_settings_out_of_the_run():
    settings = {**RNN_REGRESSION.preset.settings(), "steps": 50, "step_delay": 0.05}  # step_delay: the page's own
    spec, config = RNN_REGRESSION.split(settings, max_steps=None, device="auto")
    assert spec == presets.RNN_REGRESSION.model and config == presets.RNN_REGRESSION.config.replace(steps=50)


def test_split_gives_a_classifier_as_many_outputs_as_its_data_has_classes():
    spec, _ = CNN.split({}, max_steps=None, device="auto", num_classes=3)
    assert spec.num_classes == 3
    assert CNN.split({}, max_steps=None, device="auto")[0].num_classes == presets.CNN.model.num_classes
