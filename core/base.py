"""The ground floor of `core`: what every training loop shares. It imports no other core module,
so any of them can import it without a cycle (docs/architecture.md)."""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

import torch
from torch import nn

M = TypeVar("M", bound=nn.Module)
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # server.maxUploadSize in .streamlit/config.toml; a file's size is checked again
T = TypeVar("T")
Aside = Callable[[Callable[[], T]], "Future[T]"]  # runs a task, here or aside: the contract is core/pipeline.py's


def inline(task: Callable[[], T]) -> Future[T]:
    """Run `task` here and now (the Aside for a caller with no other thread to offer; core/pipeline.py)."""
    future: Future[T] = Future()
    resolve(future, task)
    return future


def resolve(future: Future[T], task: Callable[[], T]) -> None:
    """Run `task` and put its result, or the error it raised, in `future`."""
    try:
        future.set_result(task())
    except Exception as error:  # noqa: BLE001 - handed to whoever asks for the result
        future.set_exception(error)


def pick_device(preference: str = "auto") -> torch.device:
    """CUDA or Apple MPS when present (or asked for), else the CPU."""
    if preference != "auto":
        return torch.device(preference)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seeded(factory: Callable[[], M], seed: int) -> M:
    """Build a model with its initial weights drawn from `seed`: same seed, same network. The
    global random state is left as it was, so building a model never changes anyone else's run."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return factory()


def check_bounds(config, bounds: dict, choices: dict) -> None:
    """Raise ValueError for any field outside its range or list: a shared server must survive
    a student asking for 10,000 epochs, whichever way the config was built."""
    for name, (low, high) in bounds.items():
        value = getattr(config, name)
        if value is None and name == "max_steps":
            continue
        if not (low <= value <= high) or (isinstance(value, float) and not math.isfinite(value)):
            raise ValueError(f"{name}={value!r} is outside [{low}, {high}]")
    for name, allowed in choices.items():
        if getattr(config, name) not in allowed:
            raise ValueError(f"{name}={getattr(config, name)!r}; choose one of {allowed}")


class TrainingDiverged(ArithmeticError):
    """The loss became NaN, infinite or absurdly large: the learning rate is almost always too high."""

    def __init__(self, step: int, lr: float):
        super().__init__(f"the loss blew up at step {step} (learning rate {lr})")
        self.step, self.lr = step, lr


EXPLODED_LOSS = 1_000.0  # far above any loss a sane run reaches (cross-entropy at chance ~2.3, MSE of ±2 targets)


def check_loss(loss: float, step: int, lr: float) -> float:
    """The step's loss, or TrainingDiverged when it is NaN, infinite or exploded."""
    if not math.isfinite(loss) or loss > EXPLODED_LOSS:
        raise TrainingDiverged(step, lr)
    return loss

