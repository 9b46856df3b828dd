"""What the RNN classifier page shows besides the usual training charts: the tutorial's
hyperparameters, a run that trains RNN, LSTM and GRU side by side, the class scores and hidden
state after every row of one image, and how much each row's input still moves the loss.

    models = cell_models(RNNClassifierSpec(), seed=1)
    for tagged in compare_cells(models, data, TUTORIAL_CONFIG):
        print(tagged.cell, tagged.record.step, tagged.record.loss)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core.data import ImageData, as_float
from core.models import RNN_CELLS, RNNClassifier, RNNClassifierSpec
from core.training import ClassifierConfig, StepRecord, train_classifier

# The tutorial script's settings for its LSTM (EPOCH, BATCH_SIZE, LR, and a test on the first 2000
# images every 50 steps); its network is RNNClassifierSpec()'s: hidden_size=64, num_layers=1.
TUTORIAL_CONFIG = ClassifierConfig(epochs=1, batch_size=64, lr=0.01, optimizer="adam", eval_every=50, test_size=2000)
CELLS = tuple(RNN_CELLS)  # ("rnn", "lstm", "gru"): the comparison's order, plain RNN first


# --- comparing cells -------------------------------------------------------------------------

@dataclass(frozen=True)
class CellRecord:
    cell: str  # "rnn", "lstm" or "gru"
    record: StepRecord  # that cell's training step


def cell_models(spec: RNNClassifierSpec, seed: int, cells: Sequence[str] = CELLS) -> dict[str, RNNClassifier]:
    """One classifier per cell type, of `spec`'s size, each initialised from the same seed."""
    return {cell: dataclasses.replace(spec, cell=cell).build(seed) for cell in cells}


def compare_cells(models: dict[str, nn.Module], data: ImageData,
                  config: ClassifierConfig = TUTORIAL_CONFIG) -> Iterator[CellRecord]:
    """Train every model on the same batches with the same config, one step of each in turn, so
    all curves grow together. Ends when every model has done its steps."""
    runs = {cell: train_classifier(model, data, config) for cell, model in models.items()}
    while runs:
        for cell in list(runs):
            record = next(runs[cell], None)
            if record is None:
                del runs[cell]
            else:
                yield CellRecord(cell, record)


# --- reading one image row by row ------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    probabilities: np.ndarray  # (28, C): class probabilities after each row
    hidden: np.ndarray  # (28, H): the top layer's hidden state after each row
    prediction: int  # what forward() predicts: the class after the last row (a bidirectional network's, once
    #                  each direction has read every row)
    every_row_read: bool  # whether the network has read every row at each row (bidirectional: both ways at once)


def read_rows(model: RNNClassifier, image: torch.Tensor) -> Reading:
    """Run one uint8 image (28, 28) through `model`, keeping what it thinks after every row."""
    model.eval()
    with torch.inference_mode():
        x = as_float(image[None], next(model.parameters()).device)
        logits, hidden = model(x, every_row=True)
        probabilities = logits[0].float().softmax(-1).cpu().numpy()  # (28, C)
        hidden = hidden[0].float().cpu().numpy()  # (28, H)
        prediction = int(model(x)[0][0].argmax())
    return Reading(probabilities, hidden, prediction, model.bidirectional)


def mistakes(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch: int = 500) -> np.ndarray:
    """Indices of the images (uint8 (N, 28, 28)) that `model` gets wrong, in order."""
    model.eval()
    device = next(model.parameters()).device
    wrong = []
    with torch.inference_mode():
        for start in range(0, len(images), batch):
            logits, _ = model(as_float(images[start:start + batch], device))
            miss = logits.argmax(1).cpu() != labels[start:start + batch]
            wrong.append(torch.nonzero(miss).flatten() + start)
    return torch.cat(wrong).numpy() if wrong else np.empty(0, np.int64)


def next_mistake(wrong: np.ndarray, after: int) -> int | None:
    """The first index in `wrong` past `after`, wrapping round; None when there is none."""
    if len(wrong) == 0:
        return None
    later = wrong[wrong > after]
    return int(later[0] if len(later) else wrong[0])


# --- gradient flow ---------------------------------------------------------------------------

def step_gradients(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """(28,) the size of d loss / d (row t of the input), averaged over the batch, for t = 1..28.

    The loss only sees the last row's output, so this is how strongly each earlier row can still
    steer learning: a plain RNN's gradient shrinks by a factor at every step back in time.
    The model's own .grad fields are left untouched.
    """
    model.eval()
    x = as_float(images, next(model.parameters()).device).requires_grad_(True)  # (B, 28, 28)
    with torch.enable_grad():
        logits, _ = model(x)
        loss = F.cross_entropy(logits, labels.to(x.device))
        (grad,) = torch.autograd.grad(loss, x)  # (B, 28, 28)
    return grad.norm(dim=2).mean(0).cpu().numpy()  # (28,)
