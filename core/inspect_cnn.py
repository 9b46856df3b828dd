"""What a trained CNN makes of one image: class probabilities, its feature maps, its first
layer's filters and a saliency map. Pure torch: the playground draws these, a notebook can too.

Pass a model in eval mode; for one that may still be training on another thread, pass
`core.models.snapshot(model)`, a private copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.data import as_float
from core.embedding import place
from core.models import CNN


def _batch(image: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.asarray(image, dtype=np.float32)).reshape(1, 28, 28)  # (1, 28, 28)


@dataclass(frozen=True)
class CNNView:
    probabilities: np.ndarray  # (C,)
    block_maps: tuple[np.ndarray, ...]  # each conv block's (c, h, w) maps after its activation, before pooling
    conv1_filters: np.ndarray  # (c1, k, k) the first layer's weights
    saliency: np.ndarray  # (28, 28) in [0, 1]: how much each pixel pushed the top class up


def look_inside_cnn(model: CNN, image: np.ndarray) -> CNNView:
    """Everything the playground shows about one image going through the CNN."""
    x = _batch(image).unsqueeze(1)  # (1, 1, 28, 28)
    maps = []
    with torch.inference_mode():
        logits, _ = model(x)
        for block in model.blocks:  # conv, [batch norm], activation, [pooling], [dropout]
            activated = 2 if isinstance(block[1], nn.BatchNorm2d) else 1
            maps.append(block[:activated + 1](x))  # (1, c, h, w)
            x = block[activated + 1:](maps[-1])
    probs = logits[0].softmax(0)
    return CNNView(
        probabilities=probs.numpy(),
        block_maps=tuple(m[0].contiguous().numpy() for m in maps),
        conv1_filters=model.conv1[0].weight.detach()[:, 0].numpy().copy(),
        saliency=saliency(model, image, int(probs.argmax())),
    )


def saliency(model: nn.Module, image: np.ndarray, target: int) -> np.ndarray:
    """Gradient x input for class `target`, positive part, scaled to [0, 1]: the inked pixels
    whose brightness raised that class's score (zero where nothing is drawn)."""
    x = _batch(image).requires_grad_(True)  # (1, 28, 28)
    with torch.enable_grad():
        logits, _ = model(x)
        (grad,) = torch.autograd.grad(logits[0, target], x)
    contribution = (grad * x.detach())[0].clamp(min=0)  # (28, 28)
    peak = contribution.max()
    return (contribution / peak if peak > 0 else contribution).numpy()



def place_among(model: nn.Module, image: np.ndarray, test_images: torch.Tensor, coords: np.ndarray,
                k: int = 10) -> np.ndarray:
    """Where `image` (28, 28) in [0, 1] lands in an embedding frame: `coords` (N, 2) are the frame's
    positions of `test_images` (N, 28, 28) uint8. Both go through `model` to its last hidden layer,
    and the image is placed at the mean position of its k nearest test images there
    (core.embedding.place). The same model and image always give the same place."""
    with torch.inference_mode():
        _, test_features = model(as_float(test_images))
        _, features = model(_batch(image))
    return place(test_features.numpy(), coords, features.numpy(), k)[0]
