"""The tutorial's RNN regression: a recurrent network reads sin(t) a window at a time and learns to
output cos(t) at the same points, carrying its hidden state from one window to the next.

    config = RegressionConfig(seed=1)
    for record in train_regressor(RegressorSpec().build(config.seed), config):
        print(record.step, record.loss)

Windows are a pure function of (config, step), so two runs (carry and reset, say) see exactly
the same data, and a free-running test can continue where training stopped.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.base import check_bounds, check_loss, pick_device
from core.models import RegressorSpec, RNNRegressor

WINDOW = math.pi  # each step covers the next π of time (tutorial: start, end = step * π, (step + 1) * π)
HIDDEN_MODES = ("carry", "reset")
TARGETS = ("cos", "shifted", "noisy", "double", "half")


@dataclass(frozen=True)
class RegressionConfig:
    """How the regressor is trained; the defaults are the tutorial's. The network's own shape is a
    RegressorSpec (the tutorial's: a plain RNN with 32 units)."""

    time_steps: int = 10  # points per window (tutorial: TIME_STEP = 10)
    lr: float = 0.02  # Adam's learning rate (tutorial: LR = 0.02)
    steps: int = 100  # windows trained on, one optimisation step each (tutorial: range(100))
    hidden_mode: str = "carry"  # "carry": detached state passed on (tutorial); "reset": zeros each window
    target: str = "cos"  # what to predict from sin(t): one of TARGETS (tutorial: cos)
    phase: float = 0.25  # φ in multiples of π, for target "shifted": sin(t + φπ)
    noise: float = 0.1  # standard deviation of the noise added for target "noisy"
    # The noise of target "noisy"; and the initial weights when the run is built by core.run
    # (spec.build(seed)). The windows themselves need no seed.
    seed: int = 1
    max_steps: int | None = None  # stop after this many steps (quick runs, tests)
    device: str = "auto"  # "auto", "cpu", "cuda" or "mps"

    def __post_init__(self):
        check_bounds(self, REGRESSION_BOUNDS, {"hidden_mode": HIDDEN_MODES, "target": TARGETS})

    def replace(self, **changes) -> RegressionConfig:
        return dataclasses.replace(self, **changes)

    @property
    def total_steps(self) -> int:
        return min(self.steps, self.max_steps) if self.max_steps else self.steps


REGRESSION_BOUNDS = {
    "time_steps": (2, 100),
    "lr": (1e-5, 1.0),
    "steps": (1, 2_000),
    "phase": (0.0, 2.0),
    "noise": (0.0, 1.0),
    "seed": (0, 2**31 - 1),
    "max_steps": (1, 1_000_000),
}


@dataclass(frozen=True)
class RegressionRecord:
    step: int  # optimisation steps done, from 1; this step trained on window step - 1
    total_steps: int
    loss: float  # this window's mean squared error
    t: np.ndarray  # (T,) the window's time points
    x: np.ndarray  # (T,) the input, sin(t)
    target: np.ndarray  # (T,) what the network should output
    prediction: np.ndarray  # (T,) what it did output (before this step's update)
    hidden: np.ndarray  # (T, H) the recurrent layer's output at each time point
    mode: str = "carry"  # the hidden-state mode that produced this record


def target_values(name: str, t: np.ndarray, phase: float = 0.25) -> np.ndarray:
    """The noise-free target at times t."""
    if name == "shifted":
        return np.sin(t + phase * np.pi)
    if name == "double":
        return np.cos(2 * t)  # = 1 - 2 sin²(t): a function of the current input alone
    if name == "half":
        return np.cos(t / 2)  # flips sign every 2π while sin(t) repeats: the input cannot tell
    return np.cos(t)  # "cos" and "noisy"


def window(config: RegressionConfig, index: int, noisy: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Window `index` (from 0): times in [index·π, (index+1)·π), input sin(t) and the target.
    Noise is drawn from (seed, index), so every run with this config sees the same windows."""
    start = index * WINDOW
    t = np.linspace(start, start + WINDOW, config.time_steps, endpoint=False, dtype=np.float32)  # (T,)
    y = target_values(config.target, t, config.phase)
    if noisy and config.target == "noisy":
        y = y + config.noise * np.random.default_rng([config.seed, index]).standard_normal(len(t))
    return t, np.sin(t), y.astype(np.float32)


def preview(config: RegressionConfig, points: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tutorial's first plot: (t, input sin(t), target) over [0, 2π], noise included."""
    t = np.linspace(0, 2 * np.pi, points, dtype=np.float32)
    y = target_values(config.target, t, config.phase)
    if config.target == "noisy":
        y = y + config.noise * np.random.default_rng([config.seed]).standard_normal(len(t))
    return t, np.sin(t), y.astype(np.float32)


def as_sequence(values: np.ndarray, device: torch.device) -> torch.Tensor:
    """(T,) numbers -> (1, T, 1): (batch, time_step, input_size), the layout a batch_first RNN reads
    (the tutorial's x_np[np.newaxis, :, np.newaxis])."""
    return torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32)).to(device).view(1, -1, 1)


def detach_state(h):
    """The hidden state with its history cut off: same numbers, no graph behind them.

    The state carried into the next window still remembers where the sine is (rising or
    falling), which is what lets the network tell cos(t) = +1 from -1 at sin(t) = 0. But it
    was computed from the weights and the inputs of every earlier window; without the cut,
    the next backward() would run back into the previous window, whose graph is already freed
    (an error), or, were every graph kept, through all of them (each step slower). The tutorial
    writes `h_state = h_state.data`; `.detach()` is the same cut without bypassing autograd's
    checks. An LSTM's state is a pair (h, c).
    """
    if h is None:
        return None
    if isinstance(h, tuple):
        return tuple(part.detach() for part in h)
    return h.detach()


def train_regressor(model: RNNRegressor, config: RegressionConfig = RegressionConfig(), mode: str | None = None,
                    ) -> Iterator[RegressionRecord]:
    """Train `model` on window after window, yielding a record per step.

    The model's weights are as it was built: build it with `spec.build(config.seed)` (or use
    core.run) for a run that is the same every time. `mode` overrides config.hidden_mode (the
    comparison trains both on one config). Raises TrainingDiverged when the loss becomes NaN,
    infinite or explodes.
    """
    mode = mode or config.hidden_mode
    device = pick_device(config.device)
    model.to(device)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    h = None  # zeros: the tutorial's h_state = None
    for index in range(config.total_steps):
        t, x_np, y_np = window(config, index)
        x, y = as_sequence(x_np, device), as_sequence(y_np, device)  # (1, T, 1) each
        states, h = model.encode(x, None if mode == "reset" else h)  # (1, T, H)
        h = detach_state(h)  # !! the tutorial's important step: keep the numbers, drop the graph
        prediction = model.out(states)  # (1, T, 1)
        loss = F.mse_loss(prediction, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        loss_value = check_loss(loss.item(), index + 1, config.lr)
        yield RegressionRecord(
            step=index + 1, total_steps=config.total_steps, loss=loss_value, t=t, x=x_np, target=y_np,
            prediction=prediction.detach().flatten().cpu().numpy(), hidden=states.detach()[0].cpu().numpy(),
            mode=mode,
        )


def compare_modes(spec: RegressorSpec, config: RegressionConfig = RegressionConfig(),
                  ) -> tuple[Iterator[RegressionRecord], dict[str, RNNRegressor]]:
    """Two identical networks (same seed, same windows), one carrying its state and one resetting it,
    trained in turn: the records alternate carry, reset, carry, ... Returns (records, models by mode)."""
    models = {mode: spec.build(config.seed) for mode in HIDDEN_MODES}
    runs = [train_regressor(models[mode], config, mode) for mode in HIDDEN_MODES]

    def interleaved() -> Iterator[RegressionRecord]:
        for pair in zip(*runs, strict=True):
            yield from pair
    return interleaved(), models


@dataclass(frozen=True)
class FreeRun:
    t: np.ndarray  # (N,)
    x: np.ndarray  # (N,) sin(t)
    target: np.ndarray  # (N,) noise-free
    prediction: np.ndarray  # (N,)
    mse: float


def free_run(model: RNNRegressor, config: RegressionConfig, first_window: int, windows: int = 4) -> FreeRun:
    """The trained network, not learning, over `windows` windows from `first_window` on: a time
    range training never reached. It starts from a zero state and treats it as it was trained
    (carried from window to window, or reset); the target is noise-free."""
    device = next(model.parameters()).device
    model.eval()
    h, parts = None, []
    with torch.inference_mode():
        for index in range(first_window, first_window + windows):
            t, x, y = window(config, index, noisy=False)
            prediction, h = model(as_sequence(x, device), None if config.hidden_mode == "reset" else h)
            parts.append((t, x, y, prediction.flatten().cpu().numpy()))
    model.train()
    t, x, y, prediction = (np.concatenate(column) for column in zip(*parts, strict=True))
    return FreeRun(t, x, y, prediction, float(np.mean((prediction - y) ** 2)))


def joined(records: Sequence[RegressionRecord]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(t, x, target, prediction) of the records' windows, joined along the time axis."""
    if not records:
        empty = np.empty(0, np.float32)
        return empty, empty, empty, empty
    return tuple(np.concatenate([getattr(r, name) for r in records]) for name in ("t", "x", "target", "prediction"))


def hidden_over_time(records: Sequence[RegressionRecord]) -> tuple[np.ndarray, np.ndarray]:
    """(t (N,), hidden (N, H)): every hidden unit at every time point trained on."""
    return np.concatenate([r.t for r in records]), np.concatenate([r.hidden for r in records])


def last_loss(records: Sequence[RegressionRecord], n: int = 10) -> float:
    """The mean loss of the last `n` records (the benchmark's figure)."""
    return float(np.mean([r.loss for r in records[-n:]]))
