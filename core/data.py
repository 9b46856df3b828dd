"""Datasets for Live Lab: MNIST / Fashion-MNIST through torchvision, with a bundled fallback.

Everything is returned as uint8 tensors, loaded once and shared read-only; batches are
converted to float by the training code. When a download is impossible (no network, server
error, bad checksum) `load_images` falls back to scikit-learn's bundled handwritten digits
and says why in `ImageData.note`, so the app stays trainable anywhere.
"""

from __future__ import annotations

import os
import shutil
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from core.catalog import DATASETS, DIGIT_CLASSES, FASHION_CLASSES
from core.preprocess import to_mnist

DATA_DIR_ENV = "LIVELAB_DATA_DIR"  # moves the data folder (default ./data)
DOWNLOAD_TIMEOUT_S = 20  # per socket operation; a dead network should fail fast, not hang a page


@dataclass(frozen=True)
class ImageData:
    """A train/test split of 28x28 greyscale images, kept as uint8."""

    train_x: torch.Tensor  # (N, 28, 28) uint8
    train_y: torch.Tensor  # (N,) int64
    test_x: torch.Tensor  # (M, 28, 28) uint8
    test_y: torch.Tensor  # (M,) int64
    classes: tuple[str, ...]
    name: str  # the dataset actually loaded: "mnist", "fashion-mnist" or "digits"
    note: str = ""  # why a fallback was used, or ""


def default_root() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV, "data"))


def load_images(name: str = "mnist", root: str | os.PathLike | None = None,
                download: bool = True) -> ImageData:
    """Load `name` from `root` (downloading if allowed), or fall back to the bundled digits."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {DATASETS}")
    if name == "digits":
        return bundled_digits()
    root = Path(root) if root is not None else default_root()
    try:
        return _load_torchvision(name, root, download)
    except Exception as error:  # noqa: BLE001 - any failure to get the files means "use the fallback"
        return bundled_digits(note=f"{name} unavailable, bundled digits used instead. {_describe(error)}")


def _load_torchvision(name: str, root: Path, download: bool) -> ImageData:
    from torchvision import datasets

    cls = datasets.MNIST if name == "mnist" else datasets.FashionMNIST
    raw = root / cls.__name__ / "raw"
    try:  # files already there: load them without touching the network
        return _from_torchvision(cls, root, name, download=False)
    except Exception:  # noqa: BLE001 - missing or corrupt files; a fresh download may fix it
        if not download:
            raise
    shutil.rmtree(raw, ignore_errors=True)  # a partial download must not break a later start
    try:
        with _socket_timeout(DOWNLOAD_TIMEOUT_S):
            return _from_torchvision(cls, root, name, download=True)
    except BaseException:
        shutil.rmtree(raw, ignore_errors=True)
        raise


def _from_torchvision(cls, root: Path, name: str, download: bool) -> ImageData:
    train = cls(str(root), train=True, download=download)
    test = cls(str(root), train=False, download=download)
    classes = DIGIT_CLASSES if name == "mnist" else FASHION_CLASSES
    return ImageData(
        train_x=train.data.to(torch.uint8), train_y=train.targets.to(torch.int64),
        test_x=test.data.to(torch.uint8), test_y=test.targets.to(torch.int64),
        classes=classes, name=name,
    )


@contextmanager
def _socket_timeout(seconds: float):
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:160]}" if text else type(error).__name__


# --- the bundled fallback -------------------------------------------------------------------

BUNDLED_AUGMENT_COPIES = 8  # jittered copies per training image, so one epoch is a real epoch


def bundled_digits(note: str = "", seed: int = 0) -> ImageData:
    """scikit-learn's 1,797 8x8 digits, prepared the way MNIST's were (see core.preprocess).

    20% are held out as the test set. The training set is enlarged with small random shifts,
    rotations and scalings so that one epoch at MNIST's batch size has a few hundred steps.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = torch.from_numpy(digits.images.astype(np.float32) / 16.0)  # (1797, 8, 8) in [0, 1]
    labels = torch.from_numpy(digits.target.astype(np.int64))
    train_idx, test_idx = train_test_split(
        np.arange(len(labels)), test_size=0.2, random_state=seed, stratify=digits.target)
    # MNIST's own preparation (crop, fit 20x20, centre of mass in the middle), as for a drawing.
    big = torch.from_numpy(np.stack([to_mnist(image) for image in images.numpy()]))  # (1797, 28, 28)
    train_x, train_y = big[train_idx], labels[train_idx]
    generator = torch.Generator().manual_seed(seed)
    copies = [train_x] + [_jitter(train_x, generator) for _ in range(BUNDLED_AUGMENT_COPIES)]
    train_x = torch.cat(copies)
    train_y = train_y.repeat(BUNDLED_AUGMENT_COPIES + 1)
    return ImageData(
        train_x=_to_uint8(train_x), train_y=train_y,
        test_x=_to_uint8(big[test_idx]), test_y=labels[test_idx],
        classes=DIGIT_CLASSES, name="digits", note=note,
    )


def _jitter(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random affine: rotate up to 12 degrees, scale 0.9-1.1, shift up to 2 px."""
    n = images.shape[0]
    angle = (torch.rand(n, generator=generator) * 2 - 1) * (12 * np.pi / 180)
    scale = 0.9 + 0.2 * torch.rand(n, generator=generator)
    shift = (torch.rand(n, 2, generator=generator) * 2 - 1) * (2 / 14)  # 2 px in [-1, 1] units
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                         torch.stack([sin, cos, shift[:, 1]], 1)], 1)  # (N, 2, 3)
    grid = F.affine_grid(theta, (n, 1, 28, 28), align_corners=False)
    return F.grid_sample(images[:, None], grid, align_corners=False)[:, 0]


def _to_uint8(images: torch.Tensor) -> torch.Tensor:
    return (images.clamp(0, 1) * 255).round().to(torch.uint8)


# --- batches --------------------------------------------------------------------------------

def as_float(images: torch.Tensor, device: torch.device | str = "cpu") -> torch.Tensor:
    """uint8 (B, 28, 28) -> float (B, 28, 28) in [0, 1] on `device` (the seed's ToTensor scaling)."""
    return images.to(device, non_blocking=True).float().div_(255.0)
