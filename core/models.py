"""The networks students train, and the specs that rebuild them. Each `forward` returns what the
pages need to draw: classifiers return `(logits, features)` so the embedding view needs no hooks.

A spec (CNNSpec, RNNClassifierSpec, RegressorSpec) is a network's shape as plain, bounded values:
`spec.build(seed)` is the one way a run gets its network, weights drawn from the random seed, and the same
values rebuild it for a weights file or an exported script.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from core.base import check_bounds, seeded


class CNN(nn.Module):
    """The tutorial's CNN: two conv blocks (conv -> ReLU -> 2x2 max-pool) and one linear layer."""

    def __init__(self, channels: tuple[int, int] = (16, 32), kernel_size: int = 5, num_classes: int = 10):
        super().__init__()
        if kernel_size % 2 == 0:
            raise ValueError("kernel_size must be odd so that padding keeps the 28x28 size")
        c1, c2 = channels
        padding = (kernel_size - 1) // 2  # 'same' size for stride 1
        self.conv1 = nn.Sequential(  # (B, 1, 28, 28)
            nn.Conv2d(1, c1, kernel_size, stride=1, padding=padding),  # (B, c1, 28, 28)
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, c1, 14, 14)
        )
        self.conv2 = nn.Sequential(
            nn.Conv2d(c1, c2, kernel_size, stride=1, padding=padding),  # (B, c2, 14, 14)
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, c2, 7, 7)
        )
        self.out = nn.Linear(c2 * 7 * 7, num_classes)
        # Channels-last memory (the same numbers, laid out pixel by pixel): on a CPU the convolutions and
        # the max-pooling run much faster this way (README, "Threads").
        self.to(memory_format=torch.channels_last)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if x.dim() == 3:  # (B, 28, 28) -> (B, 1, 28, 28)
            x = x.unsqueeze(1)
        x = self.conv2(self.conv1(x.contiguous(memory_format=torch.channels_last)))
        features = x.flatten(1)  # (B, c2*7*7): the last hidden layer, drawn by t-SNE
        return self.out(features), features


def layer_table(model: nn.Module, example: torch.Tensor) -> list[dict]:
    """One row per leaf layer: name, type, output shape and parameter count, for display."""
    rows: list[dict] = []
    hooks = []
    for name, module in model.named_modules():
        if next(module.children(), None) is not None:
            continue  # containers are described by their leaves

        def record(mod, _inputs, output, name=name):
            out = output[0] if isinstance(output, tuple) else output
            rows.append({
                "layer": name,
                "type": type(mod).__name__,
                "output shape": tuple(out.shape[1:]),
                "parameters": sum(p.numel() for p in mod.parameters()),
            })
        hooks.append(module.register_forward_hook(record))
    try:
        with torch.inference_mode():
            model(example)
    finally:
        for hook in hooks:
            hook.remove()
    return rows


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


RNN_CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RNNClassifier(nn.Module):
    """The tutorial's second network: a recurrent cell reads a 28x28 image as 28 time steps of one
    28-pixel row each, and a linear layer classifies the hidden state after the last row."""

    def __init__(self, cell: str = "lstm", hidden_size: int = 64, num_layers: int = 1,
                 input_size: int = 28, num_classes: int = 10):
        super().__init__()
        if cell not in RNN_CELLS:
            raise ValueError(f"unknown cell {cell!r}; choose one of {tuple(RNN_CELLS)}")
        self.cell = cell
        self.rnn = RNN_CELLS[cell](input_size, hidden_size, num_layers, batch_first=True)
        self.out = nn.Linear(hidden_size, num_classes)

    def forward(self, x: torch.Tensor, every_row: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, 28, 28) -> (logits (B, C), final hidden state (B, H)); with `every_row`, the
        scores and hidden state after each row instead: ((B, 28, C), (B, 28, H))."""
        if x.dim() == 4:  # (B, 1, 28, 28) -> (B, 28, 28)
            x = x.squeeze(1)
        hidden, _ = self.rnn(x)  # (B, 28, H): the top layer's output after each row; initial state zero
        if every_row:
            return self.out(hidden), hidden  # (B, 28, C), (B, 28, H)
        features = hidden[:, -1]  # (B, H): only the last row's output has read the whole image
        return self.out(features), features


class RNNRegressor(nn.Module):
    """The tutorial's regressor: a recurrent layer reads a signal one point per time step, and a linear
    layer turns its output at every step into one number. The final state is returned so that
    the caller can carry it into the next window."""

    def __init__(self, cell: str = "rnn", hidden_size: int = 32):
        super().__init__()
        if cell not in RNN_CELLS:
            raise ValueError(f"unknown cell {cell!r}; choose one of {tuple(RNN_CELLS)}")
        self.cell = cell
        self.rnn = RNN_CELLS[cell](input_size=1, hidden_size=hidden_size, num_layers=1, batch_first=True)
        self.out = nn.Linear(hidden_size, 1)

    def encode(self, x: torch.Tensor, h=None):
        """(B, T, 1) -> (the recurrent layer's output at every step (B, T, H), its final state).
        The state is (1, B, H), or a pair of them for an LSTM; None means zeros."""
        return self.rnn(x, h)

    def forward(self, x: torch.Tensor, h=None):
        states, h = self.encode(x, h)  # (B, T, H)
        return self.out(states), h  # (B, T, 1): nn.Linear maps every time step at once


# --- specs: a network's shape as values ----------------------------------------------------------

KERNEL_SIZES = (3, 5, 7)


@dataclass(frozen=True)
class CNNSpec:
    """CNN's shape (the tutorial's by default)."""

    name: ClassVar[str] = "cnn"
    conv1_channels: int = 16  # filters in the first conv block (tutorial: 16)
    conv2_channels: int = 32  # filters in the second (tutorial: 32)
    kernel_size: int = 5  # odd, so that padding keeps 28 x 28 (tutorial: 5)
    num_classes: int = 10

    def __post_init__(self):
        check_bounds(self, {"conv1_channels": (1, 128), "conv2_channels": (1, 128), "num_classes": (2, 100)},
                     {"kernel_size": KERNEL_SIZES})

    def build(self, seed: int) -> CNN:
        """The network, its initial weights drawn from `seed`."""
        return seeded(lambda: CNN((self.conv1_channels, self.conv2_channels), self.kernel_size, self.num_classes),
                      seed)


@dataclass(frozen=True)
class RNNClassifierSpec:
    """RNNClassifier's shape (the tutorial's LSTM by default)."""

    name: ClassVar[str] = "rnn-classifier"
    cell: str = "lstm"  # "lstm" (tutorial), "gru" or "rnn"
    hidden_size: int = 64  # units in the recurrent layer (tutorial: 64)
    num_layers: int = 1  # stacked recurrent layers (tutorial: 1)
    num_classes: int = 10

    def __post_init__(self):
        check_bounds(self, {"hidden_size": (1, 512), "num_layers": (1, 4), "num_classes": (2, 100)},
                     {"cell": tuple(RNN_CELLS)})

    def build(self, seed: int) -> RNNClassifier:
        return seeded(lambda: RNNClassifier(self.cell, self.hidden_size, self.num_layers,
                                            num_classes=self.num_classes), seed)


@dataclass(frozen=True)
class RegressorSpec:
    """RNNRegressor's shape (the tutorial's plain RNN by default)."""

    name: ClassVar[str] = "rnn-regression"
    cell: str = "rnn"  # "rnn" (tutorial), "lstm" or "gru"
    hidden_size: int = 32  # units in the recurrent layer (tutorial: 32)

    def __post_init__(self):
        check_bounds(self, {"hidden_size": (1, 512)}, {"cell": tuple(RNN_CELLS)})

    def build(self, seed: int) -> RNNRegressor:
        return seeded(lambda: RNNRegressor(self.cell, self.hidden_size), seed)


ModelSpec = CNNSpec | RNNClassifierSpec | RegressorSpec


def snapshot(model: nn.Module) -> nn.Module:
    """A CPU copy of `model` in eval mode, safe to analyse while a worker thread trains the original."""
    with torch.no_grad():
        clone = copy.deepcopy(model)  # a parameter's .grad is not copied
    return clone.cpu().eval()
