"""The script behind a page: one self-contained, readable PyTorch file with the page's network, data,
training loop and settings, for a teacher who wants the exact code behind a chart. It runs outside
the app with only torch, torchvision and numpy, and reproduces the page's run: the same seed draws the
same weights and batches, so the same losses come out, as far as torch allows.

    spec, config = presets.CNN.split(settings)         # what the page trains
    Path(file_name(spec, config, "mnist")).write_text(script(spec, config, "mnist"))

    python -m core.export cnn lr=0.003 seed=7 > cnn.py  # the same text, without the browser

How a script is built: a template per part (the docstring, the network, the data, the loop, the
main), filled with the settings as literal values. Only the code paths the settings use are written
(Adam or SGD, a schedule or none, the one cell, the one target function), so the script reads like
the tutorial, not like a config interpreter.

Why the networks are written out here rather than copied from core.models with inspect.getsource:
core's classes carry the app's generality (any cell from a table, the row-by-row view's `every_row`,
input checks, an `encode` for the hidden-state chart), which a student would have to read through.
Written out, a network is the few lines its settings need. What keeps the two from drifting is
tests/test_export.py: a script's network must hold core's weights, tensor for tensor, for the same seed;
its windows must be core's; and generated scripts, run for 20 steps, must print core's per-step losses
(to 1e-4). A change to core's networks, initialisation order, batches, optimizer, schedule or windows
that these templates do not follow fails a test.
"""

from __future__ import annotations

import math
import sys
import textwrap
from collections.abc import Sequence
from string import Template
from typing import Any

from core import catalog, presets
from core.models import ACTIVATION_LAYERS, POOL_LAYERS, RNN_CELLS, CNNSpec, ModelSpec, RegressorSpec, RNNClassifierSpec
from core.network_spec import shape_table
from core.presets import Preset, TrainingConfig, settings_of
from core.regression import RegressionConfig
from core.training import EVAL_BATCH, ClassifierConfig

# target -> (its code in the script's window(), in words)
TARGET_CODE = {
    "cos": ("np.cos(t)", "cos(t)"),
    "noisy": ("np.cos(t)", "cos(t) plus noise"),
    "shifted": ("np.sin(t + PHASE * np.pi)", "sin(t + PHASE·π)"),
    "double": ("np.cos(2 * t)", "cos(2t)"),
    "half": ("np.cos(t / 2)", "cos(t/2)"),
}
DROP = "\0"  # what an unused optional part becomes before its line is dropped

HEADER = Template('''\
"""$title, exported from Live Lab.

$summary

Run it anywhere $needs are installed:

    python $file$usage

$about

$settings
"""
''')

ARGUMENTS = Template('''\
    parser.add_argument("--max-steps", type=int, default=$max_steps, help="stop after this many steps")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--print-losses", action="store_true", help="print every step's loss, to compare runs")''')

DROPOUT = '''\
class Dropout(nn.Module):
    """nn.Dropout with a random generator of its own, seeded as the weights are drawn: the page's runs drop the
    same values for the same seed, whatever else its server draws meanwhile."""

    def __init__(self, p):
        super().__init__()
        self.p = p
        self.generator = torch.Generator().manual_seed(int(torch.randint(2**62, ())))

    def forward(self, x):
        if not self.training:
            return x
        keep = torch.rand(x.shape, generator=self.generator) >= self.p
        return x * keep.to(x.device) / (1 - self.p)

'''

CNN = Template('''\
$dropout
class CNN(nn.Module):
    """$about"""

    def __init__(self):
        super().__init__()
$layers
        self.out = nn.Linear($features, $classes)

    def forward(self, x):  # x: (B, 28, 28)
$forward
        return self.out(features), features''')

RNN_CLASSIFIER = Template('''\
class RNN(nn.Module):
    """$cell_title reads an image as 28 time steps of one 28-pixel row each$what."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.$cell($arguments)
        self.out = nn.Linear($features, $classes)

    def forward(self, x):  # x: (B, 28, 28), one row per time step
        hidden, _ = self.rnn(x)  # (B, 28, $features): the top layer's output after each row; initial state zero
$features_code
        return self.out(features), features''')

LAST_ROW = "        features = hidden[:, -1]  # (B, $hidden): only the last row's output has read the whole image"
BOTH_WAYS = '''\
        # each direction's output once it has read the whole image: downwards after row 28, upwards after row 1
        features = torch.cat([hidden[:, -1, :$hidden], hidden[:, 0, $hidden:]], dim=1)  # (B, $features)'''

CLASSIFIER = Template('''\
$header
import argparse
import math

import torch
import torch.nn.functional as F
from torch import nn
from torchvision import datasets

SEED = $seed  # the initial weights and the order of the batches
EPOCHS = $epochs
BATCH_SIZE = $batch_size
LR = $lr
EVAL_EVERY = $eval_every  # steps between tests on the first TEST_SIZE test images (the page's accuracy curve)
TEST_SIZE = $test_size
EVAL_BATCH = $eval_batch  # test images per forward pass


$network


def load(root, train, download):
    """$dataset_name images as uint8 (N, 28, 28) and their labels (N,), from root/$folder/raw."""
    split = datasets.$torchvision_class(root, train=train, download=download)
    return split.data, split.targets


def accuracy(model, images, labels, device):
    """The share of `images` (uint8) classified right; they become floats a batch at a time."""
    model.eval()
    correct = 0
    with torch.inference_mode():
        for start in range(0, len(labels), EVAL_BATCH):
            logits, _ = model(images[start:start + EVAL_BATCH].to(device).float() / 255)
            correct += (logits.argmax(1).cpu() == labels[start:start + EVAL_BATCH]).sum().item()
    model.train()
    return correct / len(labels)


def train(model, train_x, train_y, test_x, test_y, args):
    """EPOCHS passes over the training images, BATCH_SIZE at a time, in an order drawn from SEED."""
    optimizer = $optimizer
    shuffle = torch.Generator().manual_seed(SEED)  # the batch order has a generator of its own
    per_epoch = math.ceil(len(train_y) / BATCH_SIZE)
    total = EPOCHS * per_epoch
    if args.max_steps:
        total = min(total, args.max_steps)
    $schedule
    step = 0
    for epoch in range(EPOCHS):
        order = torch.randperm(len(train_y), generator=shuffle)
        for i in range(per_epoch):
            index = order[i * BATCH_SIZE:(i + 1) * BATCH_SIZE]
            x = train_x[index].to(args.device).float() / 255  # (B, 28, 28) in [0, 1]
            y = train_y[index].to(args.device)
            logits, _ = model(x)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            $schedule_step
            step += 1
            if args.print_losses:
                print(f"step {step} loss {loss.item():.8f}")
            if step == 1 or step % EVAL_EVERY == 0 or step == total:
                test = accuracy(model, test_x[:TEST_SIZE], test_y[:TEST_SIZE], args.device)
                print(f"epoch {epoch} | step {step}/{total} | train loss {loss.item():.4f} | "
                      f"accuracy on {len(test_y[:TEST_SIZE])} test images {test:.4f}")
            if step == total:
                return


def main():
    parser = argparse.ArgumentParser(description="$title, exported from Live Lab")
    parser.add_argument("--data", default="data", help="the folder that holds $folder/raw")
    parser.add_argument("--download", action="store_true", help="download $dataset_name into --data first")
$arguments
    args = parser.parse_args()

    train_x, train_y = load(args.data, train=True, download=args.download)
    test_x, test_y = load(args.data, train=False, download=args.download)
    torch.manual_seed(SEED)  # the initial weights
    model = $model().to(args.device)
    print(f"$title: {len(train_y)} training and {len(test_y)} test images, {args.device}, "
          f"{torch.get_num_threads()} threads")
    train(model, train_x, train_y, test_x, test_y, args)
    print(f"test accuracy {accuracy(model, test_x, test_y, args.device):.4f}")  # on every test image


if __name__ == "__main__":
    main()
''')

REGRESSION = Template('''\
$header
import argparse

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

SEED = $seed  # $seeds
TIME_STEPS = $time_steps  # points per window; each window covers the next π of time
LR = $lr
STEPS = $steps  # windows trained on, one optimisation step each
$constant


class RNN(nn.Module):
    """$cell_title reads a signal one point per time step; a linear layer turns its output at every
    step into one number."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.$cell(input_size=1, hidden_size=$hidden, num_layers=1, batch_first=True)
        self.out = nn.Linear($hidden, 1)

    def forward(self, x, h=None):  # x: (1, T, 1); h: the state to start from, None for zeros
        states, h = self.rnn(x, h)  # (1, T, $hidden), and the final state
        return self.out(states), h  # (1, T, 1): the linear layer maps every time step at once


def window(index):
    """Window `index` (from 0): TIME_STEPS times t in [index·π, (index+1)·π); the input sin(t) and
    the target $target_words."""
    start = index * np.pi
    t = np.linspace(start, start + np.pi, TIME_STEPS, endpoint=False, dtype=np.float32)
    y = $target_code
    $noise
    return np.sin(t), y


def as_sequence(values, device):
    """(T,) numbers -> (1, T, 1): (batch, time step, input size), the layout a batch_first RNN reads."""
    return torch.from_numpy(values.astype(np.float32)).to(device).view(1, -1, 1)


def train(model, args):
    """One optimisation step per window, window after window; returns the losses."""
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    total = min(STEPS, args.max_steps) if args.max_steps else STEPS
    $start_state
    losses = []
    for index in range(total):
        x, y = window(index)
        $forward
        loss = F.mse_loss(prediction, as_sequence(y, args.device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        step = index + 1
        if args.print_losses:
            print(f"step {step} loss {losses[-1]:.8f}")
        if step % 10 == 0 or step == total:
            print(f"step {step}/{total} | loss {losses[-1]:.4f}")
    return losses


def main():
    parser = argparse.ArgumentParser(description="$title, exported from Live Lab")
$arguments
    args = parser.parse_args()

    torch.manual_seed(SEED)  # the initial weights
    model = RNN().to(args.device)
    print(f"$title: {STEPS} windows of {TIME_STEPS} points, {args.device}, {torch.get_num_threads()} threads")
    losses = train(model, args)
    print(f"last-10 loss {np.mean(losses[-10:]):.4g}")  # the mean loss of the last 10 windows


if __name__ == "__main__":
    main()
''')

# Code for the choices a run makes, by the names core's configs use for them.
OPTIMIZER_CODE = {
    "adam": "torch.optim.Adam(model.parameters(), lr=LR)",
    "sgd": "torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)",
}
LINEAR_SCHEDULE = ("# the learning rate falls in equal steps, to almost 0 at the end\n"
                   "    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda done: 1 - done / total)")
# How the state passes from window to window, in train()'s loop: carried (detached), or zeros every window.
CARRY = Template('''\
prediction, h = model(as_sequence(x, args.device), h)  # (1, T, 1), from the last window's state
        # !! Keep the state's numbers for the next window but cut the graph behind them: the next
        # backward() would otherwise run back into this window's graph, already freed.
        h = $detach''')
LSTM_DETACH = "(h[0].detach(), h[1].detach())  # an LSTM's state is a pair (h, c)"
RESET = "prediction, _ = model(as_sequence(x, args.device))  # (1, T, 1), every window starting from zeros"


def script(spec: ModelSpec, config: TrainingConfig, dataset: str = catalog.DEFAULT) -> str:
    """The page's run as a standalone Python script: `spec` and `config` as `Preset.split` returns them,
    `dataset` the run's (a name in core/catalog.py; a regression needs none). ValueError for a dataset
    torchvision cannot load (the bundled digits) or a spec that does not go with the config."""
    if isinstance(spec, RegressorSpec) != isinstance(config, RegressionConfig):
        raise ValueError(f"a {spec.name} network does not go with a {type(config).__name__}")
    if isinstance(config, RegressionConfig):
        return _regression(spec, config)
    if dataset not in loadable():
        raise ValueError(f"dataset={dataset!r}: a script loads {' or '.join(loadable())} (torchvision's)")
    return _classifier(spec, config, catalog.entry(dataset))


def loadable() -> tuple[str, ...]:
    """The datasets a script can load: the catalog's that torchvision has (not the bundled digits)."""
    return tuple(name for name, dataset in catalog.BY_NAME.items() if dataset.torchvision_class is not None)


def file_name(spec: ModelSpec, config: TrainingConfig, dataset: str = catalog.DEFAULT) -> str:
    """The script's file name: page, dataset and seed, e.g. cnn_mnist_seed1.py."""
    parts = [spec.name] + ([] if isinstance(spec, RegressorSpec) else [dataset]) + [f"seed{config.seed}"]
    return "_".join(parts).replace("-", "_") + ".py"


def _classifier(spec: CNNSpec | RNNClassifierSpec, config: ClassifierConfig, dataset: catalog.Dataset) -> str:
    cnn = isinstance(spec, CNNSpec)
    title = f"{'CNN' if cnn else _cell(spec.cell)} on {dataset.title}"
    network, learns = _network(spec)
    linear = config.lr_schedule == "linear"
    return _fill(
        CLASSIFIER, title=title, model="CNN" if cnn else "RNN", network=network, folder=dataset.folder,
        torchvision_class=dataset.torchvision_class, dataset_name=dataset.title,
        header=_header(spec, config, title, f"{learns} to tell {dataset.title}'s {dataset.shows} apart.",
                       dataset.name, "torch, torchvision and numpy",
                       f" --data DIR\n\nwhere DIR holds {dataset.folder}/raw, as torchvision lays it out "
                       "(--download puts it there)."),
        seed=config.seed, epochs=config.epochs, batch_size=config.batch_size, lr=repr(config.lr),
        eval_every=config.eval_every, test_size=config.test_size, eval_batch=EVAL_BATCH,
        optimizer=OPTIMIZER_CODE[config.optimizer], schedule=LINEAR_SCHEDULE if linear else "",
        schedule_step="schedule.step()" if linear else "", arguments=ARGUMENTS.substitute(max_steps=config.max_steps),
    )


def _network(spec: CNNSpec | RNNClassifierSpec) -> tuple[str, str]:
    """(the classifier's class, written out for `spec`; what it does, for the docstring)."""
    if isinstance(spec, CNNSpec):
        return _cnn(spec), f"{_count(len(spec.network.blocks), 'convolution block')} and {_linear_layers(spec)} learn"
    both = spec.bidirectional
    features = spec.hidden_size * (2 if both else 1)
    code = Template(BOTH_WAYS if both else LAST_ROW).substitute(hidden=spec.hidden_size, features=features)
    arguments = f"input_size=28, hidden_size={spec.hidden_size}, num_layers={spec.num_layers}, batch_first=True"
    what = (", downwards and upwards at once; a linear layer\n    classifies both readings' outputs once each has read "
            "every row" if both else "; a linear layer classifies\n    its output after the last row")
    return (_fill(RNN_CLASSIFIER, cell_title=_capital(_a_cell(spec.cell)), cell=_cell(spec.cell),
                  hidden=spec.hidden_size, layers=spec.num_layers, classes=spec.num_classes, features=features,
                  features_code=code, arguments=arguments + (", bidirectional=True" if both else ""), what=what),
            f"{_a_cell(spec.cell)} reads each image row by row and learns")


def _cnn(spec: CNNSpec) -> str:
    """The CNN class for `spec`: each block and hidden layer written out, with its output shape."""
    network = spec.network
    rows = shape_table(network, spec.num_classes)
    layers, forward, channels, size = [], [], 1, 28
    for index, (block, row) in enumerate(zip(network.blocks, rows[1:], strict=False), 1):
        padding = (block.kernel - 1) // 2 if block.pad else 0
        size = size + 2 * padding - block.kernel + 1  # the conv's output, before any pooling
        pool = POOL_LAYERS.get(block.pool)
        layers += [f"        self.conv{index} = nn.Sequential(",
                   f"            nn.Conv2d({channels}, {block.channels}, kernel_size={block.kernel}, stride=1, "
                   f"padding={padding}),  # (B, {block.channels}, {size}, {size})",
                   *([f"            nn.BatchNorm2d({block.channels}),"] if block.batch_norm else []),
                   f"            nn.{ACTIVATION_LAYERS[block.activation].__name__}(),",
                   *([f"            nn.{pool.__name__}(2),  # (B, {_dims(row.shape)})"] if pool else []),
                   *([f"            Dropout({block.dropout!r}),"] if block.dropout else []),
                   "        )"]
        size = row.shape[1]
        source = "x.unsqueeze(1)" if index == 1 else "x"
        forward.append(f"        x = self.conv{index}({source})  # (B, {_dims(row.shape)})")
        channels = block.channels
    flat = math.prod(rows[len(network.blocks)].shape)
    if not network.hidden:
        forward.append(f"        features = x.flatten(1)  # (B, {flat}): the last hidden layer")
    else:
        forward.append(f"        x = x.flatten(1)  # (B, {flat})")
    width = flat
    for index, layer in enumerate(network.hidden, 1):
        layers += [f"        self.hidden{index} = nn.Sequential(",
                   f"            nn.Linear({width}, {layer.width}),",
                   f"            nn.{ACTIVATION_LAYERS[layer.activation].__name__}(),",
                   *([f"            Dropout({layer.dropout!r}),"] if layer.dropout else []),
                   "        )"]
        last = index == len(network.hidden)
        forward.append(f"        {'features' if last else 'x'} = self.hidden{index}(x)  # (B, {layer.width})"
                       + (": the last hidden layer" if last else ""))
        width = layer.width
    about = (f"{_capital(_count(len(network.blocks), 'convolution block'))} and {_linear_layers(spec)}, "
             f"as the page built it: blocks={spec.blocks}" + (f" fc={spec.fc}" if spec.fc else "") + ".")
    dropout = any(layer.dropout for layer in network.blocks + network.hidden)
    about = textwrap.fill(about, 100, subsequent_indent="    ", break_on_hyphens=False)
    return _fill(CNN, dropout=DROPOUT if dropout else "", about=about, layers="\n".join(layers),
                 forward="\n".join(forward), features=width, classes=spec.num_classes)


def _dims(shape: tuple[int, ...]) -> str:
    return ", ".join(map(str, shape))


def _count(n: int, thing: str) -> str:
    return f"{['no', 'one', 'two', 'three', 'four'][n]} {thing}{'' if n == 1 else 's'}"


def _linear_layers(spec: CNNSpec) -> str:
    hidden = len(spec.network.hidden)
    return "one linear layer" if not hidden else f"{_count(hidden + 1, 'linear layer')}"


def _regression(spec: RegressorSpec, config: RegressionConfig) -> str:
    title = f"{_cell(spec.cell)} regression"
    carry = config.hidden_mode == "carry"
    target = _target_parts(config)
    state = "carrying its hidden state from one window to the next" if carry else "starting every window from zeros"
    summary = (f"{_a_cell(spec.cell)} reads sin(t) a window at a time and learns to output "
               f"{target['target_words'].replace('PHASE', str(config.phase))} at the same points, {state}.")
    return _fill(
        REGRESSION, title=title, cell=_cell(spec.cell), cell_title=_capital(_a_cell(spec.cell)),
        hidden=spec.hidden_size, seed=config.seed, time_steps=config.time_steps, lr=repr(config.lr),
        steps=config.steps, **target,
        header=_header(spec, config, title, summary, "", "torch and numpy",
                       "\n\nIt needs no data: its windows are computed."),
        start_state="h = None  # the hidden state: zeros before the first window" if carry else "",
        forward=CARRY.substitute(detach=LSTM_DETACH if spec.cell == "lstm" else "h.detach()") if carry else RESET,
        arguments=ARGUMENTS.substitute(max_steps=config.max_steps),
    )


def _target_parts(config: RegressionConfig) -> dict[str, str]:
    """The lines of the script that make the target: its formula, and its constant and noise if it has them."""
    code, words = TARGET_CODE[config.target]
    noisy, shifted = config.target == "noisy", config.target == "shifted"
    return {
        "target_code": code, "target_words": words,
        "seeds": "the initial weights and the noise on the target" if noisy else "the initial weights",
        "constant": (f"NOISE = {config.noise!r}  # the standard deviation of the noise on the target" if noisy else
                     f"PHASE = {config.phase!r}  # the target is sin(t + PHASE·π)" if shifted else ""),
        "noise": ("y = y + NOISE * np.random.default_rng([SEED, index]).standard_normal(len(t))  # the same every run"
                  if noisy else ""),
    }


def _header(spec: ModelSpec, config: TrainingConfig, title: str, summary: str, dataset: str, needs: str,
            usage: str) -> str:
    """The script's docstring: what it does, how to run it, and the settings that write it again."""
    settings = settings_of(spec, config) | ({"dataset": dataset} if dataset not in ("", catalog.DEFAULT) else {})
    words = " ".join(f"{name}={value}" for name, value in settings.items())
    about = (f"Same seed, same settings: the page's run, step for step, as far as torch allows. The settings, "
             f"as the page's sidebar and share links name them (`python -m core.export {spec.name}` followed by "
             f"them writes this script again):")
    return HEADER.substitute(title=title, summary=textwrap.fill(_capital(summary), 100), needs=needs, usage=usage,
                             file=file_name(spec, config, dataset or catalog.DEFAULT), about=textwrap.fill(about, 100),
                             settings=textwrap.fill(words, 100, initial_indent="    ", subsequent_indent="    "))


def _fill(template: Template, **parts: Any) -> str:
    """`template` with `parts` put in; a part that is "" (alone on its line) takes the line with it: code the
    settings do not use."""
    text = template.substitute({name: DROP if value == "" else value for name, value in parts.items()})
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() != DROP)


def _cell(cell: str) -> str:
    """torch's class for the cell: RNN, LSTM or GRU."""
    return RNN_CELLS[cell].__name__


def _a_cell(cell: str) -> str:
    return f"{'an' if cell in ('rnn', 'lstm') else 'a'} {_cell(cell)}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- python -m core.export ------------------------------------------------------------------------

USAGE = "usage: python -m core.export cnn|rnn-classifier|rnn-regression [name=value ...]"


def parse_settings(preset: Preset, pairs: Sequence[str], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """`name=value` texts -> settings, each of the type of the preset's value (or `extra`'s, for names that
    are not the preset's). ValueError names the first bad one."""
    defaults = preset.settings() | (extra or {})
    settings = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals:
            raise ValueError(f"{pair!r} is not name=value")
        if name not in defaults:
            raise ValueError(f"unknown setting {name!r}; known: {', '.join(defaults)}")
        try:
            settings[name] = _as_bool(text) if isinstance(defaults[name], bool) else type(defaults[name])(text)
        except ValueError:
            raise ValueError(f"{name}={text!r} is not a {type(defaults[name]).__name__}") from None
    return settings


def _as_bool(text: str) -> bool:
    """"True" or "False", as a share link writes a switch (bool("False") would be True)."""
    if text not in ("True", "False"):
        raise ValueError(text)
    return text == "True"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the script for a page (`cnn`, `rnn-classifier` or `rnn-regression`, at the page's settings
    changed by `name=value` pairs; `dataset=fashion-mnist` for a classifier) to stdout. A bad name or
    value: one line on stderr and status 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    kind, pairs = args[0], args[1:]
    try:
        if kind not in presets.BY_NAME:
            raise ValueError(f"unknown page {kind!r}; choose one of {', '.join(presets.BY_NAME)}")
        preset = presets.BY_NAME[kind]
        extra = {} if isinstance(preset.model, RegressorSpec) else {"dataset": catalog.DEFAULT}
        settings = parse_settings(preset, pairs, extra)
        dataset = settings.pop("dataset", catalog.DEFAULT)
        text = script(*preset.split(settings), dataset=dataset)
    except ValueError as error:
        print(f"core.export: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
