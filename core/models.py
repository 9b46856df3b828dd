"""The networks students train, and the specs that rebuild them. Each `forward` returns what the
pages need to draw: classifiers return `(logits, features)` so the embedding view needs no hooks.

A spec (CNNSpec, RNNClassifierSpec, RegressorSpec) is a network's shape as plain, bounded values:
`spec.build(seed)` is the one way a run gets its network, weights drawn from the random seed, and the same
values rebuild it for a weights file or an exported script.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from core.base import check_bounds, seeded
from core.network_spec import IMAGE, TUTORIAL, ConvBlock, Network, NetworkError, check, parse, shape_table


class CNN(nn.Module):
    """A student's CNN (the tutorial's by default: two conv blocks, conv -> ReLU -> 2x2 max-pool, and one
    linear layer): conv blocks `conv1`, `conv2`, ..., hidden linear layers `hidden1`, ..., and the
    classifier `out`, built in that order so that the tutorial's network draws the tutorial's weights."""

    def __init__(self, network: Network = TUTORIAL, num_classes: int = 10):
        super().__init__()
        problem = check(network, num_classes)
        if problem is not None:
            raise NetworkError(problem)
        self.network = network
        channels = IMAGE[0]
        for index, block in enumerate(network.blocks, 1):  # (B, C, H, W) -> (B, channels, H', W')
            self.add_module(f"conv{index}", conv_block(channels, block))
            channels = block.channels
        width = math.prod(shape_table(network)[len(network.blocks)].shape)  # the last block, flattened
        for index, layer in enumerate(network.hidden, 1):
            self.add_module(f"hidden{index}", nn.Sequential(
                nn.Linear(width, layer.width), activation_layer(layer.activation),
                *([SeededDropout(layer.dropout)] if layer.dropout else [])))
            width = layer.width
        self.out = nn.Linear(width, num_classes)
        # Channels-last memory (the same numbers, laid out pixel by pixel): on a CPU the convolutions and
        # the max-pooling run much faster this way (README, "Threads").
        self.to(memory_format=torch.channels_last)

    @property
    def blocks(self) -> list[nn.Sequential]:
        """The conv blocks, first to last."""
        return [getattr(self, f"conv{index}") for index in range(1, len(self.network.blocks) + 1)]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if x.dim() == 3:  # (B, 28, 28) -> (B, 1, 28, 28)
            x = x.unsqueeze(1)
        x = x.contiguous(memory_format=torch.channels_last)
        for block in self.blocks:
            x = block(x)  # tutorial: (B, 16, 14, 14), then (B, 32, 7, 7)
        features = x.flatten(1)  # (B, C*H*W)
        for index in range(1, len(self.network.hidden) + 1):
            features = getattr(self, f"hidden{index}")(features)  # (B, width)
        return self.out(features), features  # features: the last hidden layer, drawn by t-SNE


ACTIVATION_LAYERS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}
POOL_LAYERS = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}


def activation_layer(name: str) -> nn.Module:
    """The activation `name`. ReLU works in place: the same values without a copy of every map, which
    makes an evaluation a third faster (bench/lone_run.py; the exported script keeps the plain form)."""
    return nn.ReLU(inplace=True) if name == "relu" else ACTIVATION_LAYERS[name]()


def conv_block(in_channels: int, block: ConvBlock) -> nn.Sequential:
    """conv -> [batch norm] -> activation -> [2x2 pooling] -> [dropout], as `block` says."""
    padding = (block.kernel - 1) // 2 if block.pad else 0  # 'same' size for stride 1
    return nn.Sequential(
        nn.Conv2d(in_channels, block.channels, block.kernel, stride=1, padding=padding),
        *([nn.BatchNorm2d(block.channels)] if block.batch_norm else []),
        activation_layer(block.activation),
        *([POOL_LAYERS[block.pool](2)] if block.pool != "none" else []),
        *([SeededDropout(block.dropout)] if block.dropout else []),
    )


class SeededDropout(nn.Module):
    """nn.Dropout with a random generator of its own, seeded from the build's seed: the same seed drops the same
    values, step after step, whatever other runs draw meanwhile (nn.Dropout draws from torch's global generator,
    which every run on the server shares)."""

    def __init__(self, p: float):
        super().__init__()
        self.p = p
        # drawn as the weights are (on the CPU even where a shape check builds the network on the meta device)
        self.generator = torch.Generator().manual_seed(int(torch.randint(2**62, (), device="cpu")))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        keep = torch.rand(x.shape, generator=self.generator) >= self.p  # on the CPU, where the generator is
        return x * keep.to(x.device) / (1 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"


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
    28-pixel row each, and a linear layer classifies the hidden state after the last row. A bidirectional
    one reads the rows top to bottom and bottom to top at once, and classifies both readings together."""

    def __init__(self, cell: str = "lstm", hidden_size: int = 64, num_layers: int = 1,
                 input_size: int = 28, num_classes: int = 10, bidirectional: bool = False):
        super().__init__()
        if cell not in RNN_CELLS:
            raise ValueError(f"unknown cell {cell!r}; choose one of {tuple(RNN_CELLS)}")
        self.cell, self.bidirectional = cell, bidirectional
        self.rnn = RNN_CELLS[cell](input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)
        self.out = nn.Linear(hidden_size * (2 if bidirectional else 1), num_classes)

    def forward(self, x: torch.Tensor, every_row: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, 28, 28) -> (logits (B, C), final hidden state (B, H)); with `every_row`, the
        scores and hidden state after each row instead: ((B, 28, C), (B, 28, H)). H is twice the
        hidden size for a bidirectional network: the downward reading's state, then the upward one's."""
        if x.dim() == 4:  # (B, 1, 28, 28) -> (B, 28, 28)
            x = x.squeeze(1)
        hidden, _ = self.rnn(x)  # (B, 28, H): the top layer's output after each row; initial state zero
        if every_row:
            # row r: downwards rows 1..r have been read, upwards rows r..28: a bidirectional network has read them all
            return self.out(hidden), hidden  # (B, 28, C), (B, 28, H)
        if self.bidirectional:  # each direction's output once it has read the whole image
            size = hidden.shape[-1] // 2
            features = torch.cat([hidden[:, -1, :size], hidden[:, 0, size:]], dim=1)  # (B, 2 * hidden size)
        else:
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

@dataclass(frozen=True)
class CNNSpec:
    """CNN's shape (the tutorial's by default) in the link grammar of core/network_spec.py."""

    name: ClassVar[str] = "cnn"
    blocks: str = TUTORIAL.links[0]  # the conv blocks (tutorial: "16c5-p,32c5-p")
    fc: str = ""  # the hidden linear layers before the classifier (tutorial: none)
    num_classes: int = 10

    def __post_init__(self):
        check_bounds(self, {"num_classes": (2, 100)}, {})
        network = parse(self.blocks, self.fc)
        problem = check(network, self.num_classes)
        if problem is not None:
            raise NetworkError(problem)
        # written the one way the grammar writes it, so that equal networks are equal specs and links
        object.__setattr__(self, "blocks", network.links[0])
        object.__setattr__(self, "fc", network.links[1])

    @property
    def network(self) -> Network:
        return parse(self.blocks, self.fc)

    def build(self, seed: int) -> CNN:
        """The network, its initial weights drawn from `seed`."""
        return seeded(lambda: CNN(self.network, self.num_classes), seed)


@dataclass(frozen=True)
class RNNClassifierSpec:
    """RNNClassifier's shape (the tutorial's LSTM by default)."""

    name: ClassVar[str] = "rnn-classifier"
    cell: str = "lstm"  # "lstm" (tutorial), "gru" or "rnn"
    hidden_size: int = 64  # units in the recurrent layer (tutorial: 64)
    num_layers: int = 1  # stacked recurrent layers (tutorial: 1)
    bidirectional: bool = False  # read the rows downwards and upwards at once (tutorial: downwards only)
    num_classes: int = 10

    def __post_init__(self):
        check_bounds(self, {"hidden_size": (1, 512), "num_layers": (1, 4), "num_classes": (2, 100)},
                     {"cell": tuple(RNN_CELLS)})

    def build(self, seed: int) -> RNNClassifier:
        return seeded(lambda: RNNClassifier(self.cell, self.hidden_size, self.num_layers,
                                            num_classes=self.num_classes, bidirectional=self.bidirectional), seed)


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
