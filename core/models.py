"""The networks students train. Each `forward` returns what the pages need to draw:
classifiers return `(logits, features)` so the embedding view needs no hooks."""

from __future__ import annotations

import torch
from torch import nn


class CNN(nn.Module):
    """The seed's CNN: two conv blocks (conv -> ReLU -> 2x2 max-pool) and one linear layer."""

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

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if x.dim() == 3:  # (B, 28, 28) -> (B, 1, 28, 28)
            x = x.unsqueeze(1)
        x = self.conv2(self.conv1(x))
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
