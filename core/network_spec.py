"""The CNN a student builds, as values: 1-4 conv blocks, then 0-2 hidden linear layers, then the
classifier. Its link grammar, its shape table, and the checks that refuse an impossible or too costly
network by naming the layer. No torch here: `core.models.CNN` builds the module from a `Network`.

The grammar (the share link's `blocks` and `fc` parameters, and the settings of the same names):

    blocks=16c5-p,32c5-bn-p,64c3    fc=128-d0.3

- `blocks`: the conv blocks, comma-separated, first to last. A block is `<channels>c<kernel>` followed by
  its options, each after a dash, in any order:
  `p` max-pool 2x2, `ap` average-pool 2x2 (neither: no pooling); `bn` batch norm; `tanh`, `sigmoid`,
  `gelu` (none: ReLU); `d<rate>` dropout, e.g. `d0.25`; `np` no padding (the image shrinks by kernel-1;
  by default padding keeps its size).
- `fc`: the hidden linear layers, comma-separated (empty: none). A layer is `<width>` followed by the
  same activation and dropout options, e.g. `128-d0.3`; the first dash may be left out (`128d0.3`).

`format_blocks` / `format_hidden` write the canonical form (options in the order the layers apply: bn,
activation, pooling, dropout, padding last), and `parse_*` read it back: parse(format(x)) == x.
The tutorial's network is `blocks=16c5-p,32c5-p` with no `fc`.

What is refused, each as a `Problem` (a reason key and the values its message needs, which the page
translates): a part the grammar cannot read, a value out of range, an image too small for a block's
kernel or pooling, more than MAX_PARAMETERS parameters, and more than MAX_COST times the tutorial's
multiply-adds per image (the server trains a whole class's networks on a few cores).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu")
POOLINGS = ("max", "avg", "none")
BLOCK_KERNELS = (1, 3, 5, 7)  # odd, so that padding keeps the image's size
CHANNELS = (1, 256)
WIDTHS = (1, 2048)
MAX_DROPOUT = 0.9
BLOCK_COUNT = (1, 4)
HIDDEN_COUNT = (0, 2)
MAX_PARAMETERS = 2_000_000
MAX_COST = 10  # times the tutorial's multiply-adds per image: a training step costs about as much more
IMAGE = (1, 28, 28)  # every dataset's images: one channel, 28 x 28

POOL_CODES = {"max": "p", "avg": "ap"}


@dataclass(frozen=True)
class ConvBlock:
    """conv -> [batch norm] -> activation -> [2x2 pooling] -> [dropout]."""

    channels: int
    kernel: int = 5
    activation: str = "relu"
    pool: str = "none"
    batch_norm: bool = False
    dropout: float = 0.0  # the share of values zeroed while training; 0: no dropout layer
    pad: bool = True  # padding (kernel-1)/2 keeps the image's size


@dataclass(frozen=True)
class Hidden:
    """A hidden linear layer: linear -> activation -> [dropout]."""

    width: int
    activation: str = "relu"
    dropout: float = 0.0


@dataclass(frozen=True)
class Problem:
    """Why a network is refused: `reason` is a key the page translates, `layer` names the layer
    ("block", "hidden" or "" for the whole network) with its 1-based `index`, and `values` fill the
    message's placeholders."""

    reason: str
    layer: str = ""
    index: int = 0
    values: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"{self.layer} {self.index}: " if self.layer else ""
        return f"{where}{self.reason} {dict(self.values)}" if self.values else f"{where}{self.reason}"


class NetworkError(ValueError):
    """An impossible, too large or too costly network; `problem` says which layer and why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Row:
    """One line of the shape table: a layer's output shape (C, H, W) or (width,) and its parameters."""

    layer: str  # "input", "block", "hidden" or "classifier"
    index: int  # 1-based within its kind (0 for input and classifier)
    shape: tuple[int, ...]
    parameters: int


@dataclass(frozen=True)
class Network:
    """The layers of a CNN, first to last (the classifier is implied: it maps the last layer to the classes)."""

    blocks: tuple[ConvBlock, ...]
    hidden: tuple[Hidden, ...] = ()

    @property
    def links(self) -> tuple[str, str]:
        """(blocks, fc) in the link grammar."""
        return format_blocks(self.blocks), format_hidden(self.hidden)

    def features_layer(self) -> tuple[str, int]:
        """The last hidden layer, whose values the t-SNE / PCA draws: ("hidden", i) or ("block", i)."""
        return ("hidden", len(self.hidden)) if self.hidden else ("block", len(self.blocks))


def tutorial_blocks(channels: tuple[int, ...] = (16, 32), kernel: int = 5) -> tuple[ConvBlock, ...]:
    """The tutorial's blocks (conv -> ReLU -> max-pool), with the given channels and kernel."""
    return tuple(ConvBlock(c, kernel, pool="max") for c in channels)


TUTORIAL = Network(tutorial_blocks())


# --- the grammar ---------------------------------------------------------------------------------

_BLOCK_HEAD = re.compile(r"(\d+)c(\d+)")
_WIDTH_HEAD = re.compile(r"(\d+)")
_DROPOUT = re.compile(r"d(\d*\.?\d+)")


def parse(blocks: str, fc: str = "") -> Network:
    """The network a link's `blocks` and `fc` describe, checked (`check`); NetworkError otherwise."""
    network = Network(parse_blocks(blocks), parse_hidden(fc))
    problem = check(network)
    if problem is not None:
        raise NetworkError(problem)
    return network


def parse_blocks(text: str) -> tuple[ConvBlock, ...]:
    """`16c5-p,32c5-bn-p` -> the blocks; NetworkError("syntax") for a part it cannot read."""
    return tuple(_parse_layer(part, index, "block") for index, part in enumerate(_parts(text), 1))


def parse_hidden(text: str) -> tuple[Hidden, ...]:
    """`128-d0.3,64-tanh` -> the hidden layers ("" -> none)."""
    return tuple(_parse_layer(part, index, "hidden") for index, part in enumerate(_parts(text), 1))


def format_blocks(blocks: tuple[ConvBlock, ...]) -> str:
    return ",".join(
        "-".join([f"{b.channels}c{b.kernel}", *(["bn"] if b.batch_norm else []), *_options(b.activation, b.dropout,
                  POOL_CODES.get(b.pool)), *([] if b.pad else ["np"])])
        for b in blocks)


def format_hidden(hidden: tuple[Hidden, ...]) -> str:
    return ",".join("-".join([str(h.width), *_options(h.activation, h.dropout)]) for h in hidden)


def _options(activation: str, dropout: float, pool: str | None = None) -> list[str]:
    return ([] if activation == "relu" else [activation]) + ([pool] if pool else []) + (
        [f"d{dropout:g}"] if dropout else [])


def _parts(text: str) -> list[str]:
    text = text.strip().lower()
    return [part.strip() for part in text.split(",")] if text else []


def _parse_layer(part: str, index: int, layer: str) -> ConvBlock | Hidden:
    head = (_BLOCK_HEAD if layer == "block" else _WIDTH_HEAD).match(part)
    if head is None:
        raise NetworkError(Problem("syntax", layer, index, {"part": part}))
    rest = part[head.end():]
    options = [option for option in (rest[1:] if rest.startswith("-") else rest).split("-") if option] if rest else []
    values: dict[str, Any] = {}
    for option in options:
        dropout = _DROPOUT.fullmatch(option)
        if option in ACTIVATIONS:
            values["activation"] = option
        elif dropout:
            values["dropout"] = float(dropout.group(1))
        elif layer == "block" and option in ("p", "ap"):
            values["pool"] = "max" if option == "p" else "avg"
        elif layer == "block" and option == "bn":
            values["batch_norm"] = True
        elif layer == "block" and option == "np":
            values["pad"] = False
        else:
            raise NetworkError(Problem("syntax", layer, index, {"part": part}))
    if layer == "block":
        return ConvBlock(int(head.group(1)), int(head.group(2)), **values)
    return Hidden(int(head.group(1)), **values)


# --- shapes, sizes and checks -----------------------------------------------------------------------

def check(network: Network, num_classes: int = 10) -> Problem | None:
    """The first reason `network` cannot or may not be trained on this server, or None."""
    counts = [("blocks", len(network.blocks), BLOCK_COUNT), ("hidden", len(network.hidden), HIDDEN_COUNT)]
    for name, count, (low, high) in counts:
        if not low <= count <= high:
            return Problem(f"{name}_count", values={"count": count, "low": low, "high": high})
    for index, layer in enumerate(network.blocks + network.hidden, 1):
        problem = _check_values(layer)
        if problem is not None:
            kind = "block" if isinstance(layer, ConvBlock) else "hidden"
            return Problem(problem[0], kind, index - (len(network.blocks) if kind == "hidden" else 0), problem[1])
    try:
        rows = shape_table(network, num_classes)
    except NetworkError as error:
        return error.problem
    total = sum(row.parameters for row in rows)
    if total > MAX_PARAMETERS:
        return Problem("parameters", values={"count": total, "limit": MAX_PARAMETERS})
    ratio = cost(network, num_classes) / cost(TUTORIAL, 10)
    if ratio > MAX_COST:
        return Problem("cost", values={"ratio": round(ratio, 1), "limit": MAX_COST})
    return None


def _check_values(layer: ConvBlock | Hidden) -> tuple[str, dict] | None:
    """(reason, values) for a value out of its range in one layer, or None."""
    if isinstance(layer, ConvBlock):
        if not CHANNELS[0] <= layer.channels <= CHANNELS[1]:
            return "channels", {"value": layer.channels, "low": CHANNELS[0], "high": CHANNELS[1]}
        if layer.kernel not in BLOCK_KERNELS:
            return "kernel", {"value": layer.kernel, "choices": ", ".join(map(str, BLOCK_KERNELS))}
        if layer.pool not in POOLINGS:
            return "syntax", {"part": layer.pool}
    elif not WIDTHS[0] <= layer.width <= WIDTHS[1]:
        return "width", {"value": layer.width, "low": WIDTHS[0], "high": WIDTHS[1]}
    if layer.activation not in ACTIVATIONS:
        return "syntax", {"part": layer.activation}
    if not 0 <= layer.dropout <= MAX_DROPOUT:
        return "dropout", {"value": layer.dropout, "high": MAX_DROPOUT}
    return None


def shape_table(network: Network, num_classes: int = 10) -> list[Row]:
    """The input, each layer's output shape and parameter count, and the classifier's; NetworkError
    naming the block whose image is too small for its kernel or its pooling."""
    channels, size = IMAGE[0], IMAGE[1]
    rows = [Row("input", 0, IMAGE, 0)]
    for index, block in enumerate(network.blocks, 1):
        if not block.pad and size < block.kernel:
            raise NetworkError(Problem("smaller_than_kernel", "block", index, {"size": size, "kernel": block.kernel}))
        size = size if block.pad else size - block.kernel + 1
        if block.pool != "none":
            if size < 2:
                raise NetworkError(Problem("too_small_to_pool", "block", index, {"size": size}))
            size //= 2
        weights = channels * block.channels * block.kernel ** 2 + block.channels
        rows.append(Row("block", index, (block.channels, size, size), weights + 2 * block.channels * block.batch_norm))
        channels = block.channels
    width = channels * size * size
    for index, layer in enumerate(network.hidden, 1):
        rows.append(Row("hidden", index, (layer.width,), width * layer.width + layer.width))
        width = layer.width
    rows.append(Row("classifier", 0, (num_classes,), width * num_classes + num_classes))
    return rows


def parameters(network: Network, num_classes: int = 10) -> int:
    return sum(row.parameters for row in shape_table(network, num_classes))


def cost(network: Network, num_classes: int = 10) -> int:
    """Multiply-adds per image in the forward pass (convolutions and linear layers: the rest is small);
    a training step's backward pass costs about twice as much again, in proportion."""
    rows = shape_table(network, num_classes)  # raises for an impossible network
    total, channels, size = 0, IMAGE[0], IMAGE[1]
    for block in network.blocks:
        size = size if block.pad else size - block.kernel + 1  # the conv's output, before any pooling
        total += size ** 2 * block.channels * channels * block.kernel ** 2
        size, channels = size // 2 if block.pool != "none" else size, block.channels
    return total + sum(row.parameters for row in rows[1 + len(network.blocks):])  # linear: a multiply-add per weight
