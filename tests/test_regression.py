"""The RNN regressor and its training loop (core only, no Streamlit)."""

import copy
import itertools
import math

import numpy as np
import pytest
import torch

from core import figures, presets
from core.base import TrainingDiverged, seeded
from core.models import RegressorSpec, RNNRegressor, count_parameters
from core.presets import settings_of
from core.regression import (
    RegressionConfig,
    compare_modes,
    detach_state,
    free_run,
    hidden_over_time,
    joined,
    last_loss,
    train_regressor,
    window,
)


class Spy(RNNRegressor):
    """Remembers the state each window started from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def encode(self, x, h=None):
        self.seen.append(h)
        return super().encode(x, h)


def spy(config: RegressionConfig, **model) -> Spy:
    return seeded(lambda: Spy(**model), config.seed)


def test_the_default_network_is_the_tutorials_and_the_page_trains_it_unchanged():
    assert presets.RNN_REGRESSION.settings() == settings_of(RegressorSpec(), RegressionConfig())
    model = RegressorSpec().build(seed=1)
    assert isinstance(model.rnn, torch.nn.RNN) and model.rnn.hidden_size == 32 and model.rnn.batch_first
    assert count_parameters(model) == (32 + 32 * 32 + 2 * 32) + (32 + 1)  # nn.RNN(1, 32) + nn.Linear(32, 1)


@pytest.mark.parametrize("field,value", [("time_steps", 1), ("time_steps", 10_000), ("lr", 0.0), ("lr", math.inf),
                                         ("steps", 100_000), ("hidden_mode", "keep"), ("target", "tan"),
                                         ("noise", 5.0)])
def test_config_refuses_out_of_range_values(field, value):
    with pytest.raises(ValueError):
        RegressionConfig(**{field: value})


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_shapes(cell):
    model = RNNRegressor(cell, hidden_size=8)
    y, h = model(torch.zeros(3, 7, 1))
    assert y.shape == (3, 7, 1)
    states, _ = model.encode(torch.zeros(3, 7, 1), h)  # a state can be handed back in
    assert states.shape == (3, 7, 8)
    parts = h if cell == "lstm" else (h,)
    assert all(part.shape == (1, 3, 8) for part in parts)


def test_unknown_cell_is_refused():
    with pytest.raises(ValueError):
        RNNRegressor("transformer")


def test_windows_follow_the_seed():
    config = RegressionConfig()
    t, x, y = window(config, 3)
    assert t.shape == x.shape == y.shape == (10,) and t.dtype == np.float32
    assert np.isclose(t[0], 3 * np.pi) and np.allclose(np.diff(t), np.pi / 10, atol=1e-5)  # [3π, 4π), no endpoint
    assert np.allclose(x, np.sin(t)) and np.allclose(y, np.cos(t))
    _, _, shifted = window(config.replace(target="shifted", phase=0.5), 3)
    assert np.allclose(shifted, np.cos(t), atol=1e-5)  # sin(t + π/2) = cos(t)
    noisy = config.replace(target="noisy", noise=0.3)
    assert np.array_equal(window(noisy, 3)[2], window(noisy, 3)[2])  # the same noise every time
    assert not np.allclose(window(noisy, 3)[2], y) and np.allclose(window(noisy, 3, noisy=False)[2], y)
    assert not np.array_equal(window(noisy, 3)[2], window(noisy.replace(seed=2), 3)[2])


def test_records_carry_the_window_prediction_and_hidden_state():
    config = RegressionConfig(steps=5)
    records = list(train_regressor(seeded(lambda: RNNRegressor(hidden_size=16), 0), config))
    assert [r.step for r in records] == [1, 2, 3, 4, 5] and all(r.total_steps == 5 for r in records)
    last = records[-1]
    assert last.prediction.shape == last.target.shape == last.t.shape == last.x.shape == (10,)
    assert last.hidden.shape == (10, 16) and np.all(np.abs(last.hidden) <= 1)  # tanh outputs
    assert np.isclose(last.loss, np.mean((last.prediction - last.target) ** 2), rtol=1e-5)
    t, x, target, prediction = joined(records)
    assert t.shape == (50,) and np.isclose(t[0], 0) and np.all(np.diff(t) > 0)
    times, hidden = hidden_over_time(records)
    assert hidden.shape == (50, 16) and np.array_equal(times, t)


def test_carried_state_is_the_last_one_and_detached():
    config = RegressionConfig(steps=6)
    model = spy(config)
    records = list(train_regressor(model, config))
    assert len(model.seen) == 6 and model.seen[0] is None  # the seed's h_state = None
    for previous, h in zip(records[:-1], model.seen[1:], strict=True):
        assert h.grad_fn is None and not h.requires_grad  # no graph reaches back a step
        assert torch.allclose(h[0, 0].cpu(), torch.from_numpy(previous.hidden[-1]))  # the state after the last point


def test_detach_state_is_what_lets_the_next_backward_run():
    model = RNNRegressor("lstm", hidden_size=4)
    x = torch.randn(1, 5, 1)
    y, h = model(x)
    y.sum().backward()  # frees this window's graph
    y, _ = model(x, h)
    with pytest.raises(RuntimeError):  # the graph behind h is gone
        y.sum().backward()
    y, _ = model(x, detach_state(h))
    y.sum().backward()
    assert all(not part.requires_grad for part in detach_state(h)) and detach_state(None) is None


def test_reset_really_starts_from_zeros():
    config = RegressionConfig(steps=5, hidden_mode="reset")
    model = spy(config)
    assert len(list(itertools.islice(train_regressor(model, config), 5))) == 5
    assert model.seen == [None] * 5  # torch reads None as a zero state
    # The prediction each step equals the pre-step network run from zeros; carrying makes it differ.
    for mode, same in (("reset", True), ("carry", False)):
        model = seeded(RNNRegressor, 0)
        records = train_regressor(model, config.replace(hidden_mode=mode))
        next(records)
        before = copy.deepcopy(model).cpu()
        record = next(records)
        with torch.no_grad():
            from_zeros = before(torch.from_numpy(record.x).view(1, -1, 1), torch.zeros(1, 1, 32))[0].flatten().numpy()
        assert np.allclose(record.prediction, from_zeros, atol=1e-6) == same


def test_seed_defaults_bring_the_loss_well_down():
    records = list(train_regressor(seeded(RNNRegressor, 1), RegressionConfig()))
    assert len(records) == 100
    assert last_loss(records) < 0.1 * records[0].loss


def test_same_seed_gives_the_same_curve():
    config = RegressionConfig(steps=15, target="noisy")

    def run():
        return [(r.loss, r.prediction) for r in train_regressor(seeded(RNNRegressor, config.seed), config)]
    first, second = run(), run()
    assert [loss for loss, _ in first] == [loss for loss, _ in second]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(first, second, strict=True))


def test_comparison_trains_both_modes_on_identical_data():
    config = RegressionConfig(steps=8)
    records, models = compare_modes(RegressorSpec(), config)
    records = list(records)
    assert [r.mode for r in records[:4]] == ["carry", "reset", "carry", "reset"] and len(records) == 16
    carry, reset = records[::2], records[1::2]
    assert all(np.array_equal(a.target, b.target) and a.step == b.step for a, b in zip(carry, reset, strict=True))
    assert np.array_equal(carry[0].prediction, reset[0].prediction)  # same weights, both start from zeros
    assert not np.array_equal(carry[-1].prediction, reset[-1].prediction)
    assert models["carry"] is not models["reset"]


def test_free_run_continues_on_unseen_time_without_learning():
    config = RegressionConfig(steps=30)
    model = seeded(RNNRegressor, 1)
    list(train_regressor(model, config))
    weights = copy.deepcopy(model.state_dict())
    result = free_run(model, config, first_window=30, windows=4)
    assert result.t.shape == result.prediction.shape == (40,) and np.isclose(result.t[0], 30 * np.pi)
    assert np.allclose(result.target, np.cos(result.t), atol=1e-5)
    assert np.isclose(result.mse, np.mean((result.prediction - result.target) ** 2))
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())
    assert model.training and torch.is_grad_enabled() and not torch.is_inference_mode_enabled()


def test_a_nan_loss_raises_a_clear_error():
    model = seeded(RNNRegressor, 0)
    with torch.no_grad():
        model.out.weight.fill_(math.nan)
    with pytest.raises(TrainingDiverged) as caught:
        next(train_regressor(model, RegressionConfig()))
    assert caught.value.step == 1 and caught.value.lr == 0.02


def test_max_steps_caps_the_run():
    config = RegressionConfig(max_steps=3)
    assert config.total_steps == 3
    records = list(train_regressor(seeded(RNNRegressor, 0), config))
    assert [r.step for r in records] == [1, 2, 3]


def test_signal_and_heatmap_figures():
    t = np.linspace(0, 1, 5)
    fig = figures.signals_figure([("a", t, t, "#000000"), ("b", t, -t, "#ffffff")], title="T", x_title="x",
                                 y_title="y", highlight=(0.2, 0.4))
    assert [trace.name for trace in fig.data] == ["a", "b"] and fig.data[0].line.color == "#000000"
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].x0 == 0.2 and fig.layout.shapes[0].x1 == 0.4
    heat = figures.heatmap_figure(np.zeros((3, 5)), t, title="H", x_title="t", y_title="unit")
    assert heat.data[0].z.shape == (3, 5) and heat.layout.title.text == "H"
