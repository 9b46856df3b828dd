"""Loading the datasets of core/catalog.py: torchvision's (MNIST, Fashion-MNIST) from their raw files,
with a bundled fallback.

Everything is returned as uint8 tensors, loaded once and shared read-only; batches are
converted to float by the training code. The raw files in the data folder are checked before
they are loaded; when one is bad or missing and a download is impossible (no network, server
error, bad checksum) `load_images` falls back to scikit-learn's bundled handwritten digits and
says why in `ImageData.note`, naming each bad file, so the app stays trainable anywhere.
Files in the data folder are never deleted: a download happens in a temporary folder and
replaces them only once it is complete and checked.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import socket
import struct
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from core import catalog, environment
from core.preprocess import to_mnist

DOWNLOAD_PREFIX = ".download-"  # our temporary download folders, inside the data folder
ABANDONED_AFTER_S = 3600  # one older than this was left by a process that died mid-download
DOWNLOAD_TIMEOUT_S = 20  # per socket operation; a dead network should fail fast, not hang a page


@dataclass(frozen=True)
class ImageData:
    """A train/test split of 28x28 greyscale images, kept as uint8."""

    train_x: torch.Tensor  # (N, 28, 28) uint8
    train_y: torch.Tensor  # (N,) int64
    test_x: torch.Tensor  # (M, 28, 28) uint8
    test_y: torch.Tensor  # (M,) int64
    classes: tuple[str, ...]
    name: str  # the dataset actually loaded, as core/catalog.py names it: "mnist", "fashion-mnist", "digits"
    note: str = ""  # why a fallback was used, or ""


def default_root() -> Path:
    """The data folder: LIVELAB_DATA_DIR, by default ./data (core/environment.py)."""
    return environment.current().data_dir


def load_images(name: str = catalog.DEFAULT, root: str | os.PathLike | None = None,
                download: bool = True) -> ImageData:
    """Load the catalog's `name` from `root` (downloading if allowed), or fall back to the bundled digits.
    ValueError for a name the catalog does not have."""
    dataset = catalog.entry(name)
    if dataset.torchvision_class is None:  # the bundled digits themselves
        return bundled_digits()
    root = Path(root) if root is not None else default_root()
    try:
        return _load_torchvision(dataset, root, download)
    except _UnusableFiles as error:
        reason = str(error)
    except Exception as error:  # noqa: BLE001 - any failure to get the files means "use the fallback"
        reason = _describe(error)
    return bundled_digits(note=f"{name} unavailable, bundled digits used instead. {reason}")


class _UnusableFiles(Exception):
    """The raw files cannot be loaded; the message names each bad file and why, for the page's notice."""


def _load_torchvision(dataset: catalog.Dataset, root: Path, download: bool) -> ImageData:
    """Load the four raw files in root/<folder>/raw (torchvision's layout), downloading a checked set
    through the entry's torchvision class first if one is bad.

    Files on disk are only read here: a teacher's copy, even a broken one, is never deleted. It can be
    replaced only by a complete download that passed the same checks.
    """
    raw = root / dataset.folder / "raw"
    problems = _raw_problems(raw)
    if problems and not download:
        raise _UnusableFiles(f"{_summary(problems, raw)}; downloading is off")
    if problems:
        from torchvision import datasets  # only to download: importing it takes a second

        try:
            _download_into_place(getattr(datasets, dataset.torchvision_class), root, raw)
        except Exception as error:  # noqa: BLE001 - no network, a bad mirror, a bad file: say so, fall back
            failure = str(error) if isinstance(error, _UnusableFiles) else _describe(error)
            raise _UnusableFiles(f"{_summary(problems, raw)}; download failed: {failure}") from error
    return _read_raw(raw, dataset)


def _download_into_place(cls, root: Path, raw: Path) -> None:
    """Download all four files into a temporary folder inside `root`; move them to `raw` once all are good.

    torchvision downloads into <its root>/<Dataset>/raw and leaves the .gz archives there, so it is given
    the temporary folder as its root: archives, half-written files and a download cut short live and die
    there, and a later start never sees them. The folder sits inside `root` so the final moves stay on one
    file system (os.replace is atomic per file). The four files are replaced together, as one set, so
    train images and labels always come from the same source.
    """
    root.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_downloads(root)
    with tempfile.TemporaryDirectory(prefix=DOWNLOAD_PREFIX, dir=root, ignore_cleanup_errors=True) as temp:
        with _socket_timeout(DOWNLOAD_TIMEOUT_S):
            cls(temp, train=True, download=True)  # fetches all four files, checks their MD5 and extracts them
        fresh = Path(temp) / cls.__name__ / "raw"
        problems = _raw_problems(fresh)
        if problems:
            raise _UnusableFiles("downloaded files are bad: " + "; ".join(problems))
        raw.mkdir(parents=True, exist_ok=True)
        for file in RAW_FILES:
            os.replace(fresh / file, raw / file)



def _remove_abandoned_downloads(root: Path) -> None:
    """Remove temporary download folders of ours that a killed process left behind (a normal failure
    removes its own). Only old ones: a younger one may be another server's download in progress."""
    for folder in root.glob(f"{DOWNLOAD_PREFIX}*"):
        with contextlib.suppress(OSError):
            if folder.is_dir() and time.time() - folder.stat().st_mtime > ABANDONED_AFTER_S:
                shutil.rmtree(folder, ignore_errors=True)

def _read_raw(raw: Path, dataset: catalog.Dataset) -> ImageData:
    """Read the four checked raw files (what torchvision's MNIST reads: unsigned bytes after the header)."""
    train_x, train_y, test_x, test_y = (_read_idx(raw / file, layout) for file, layout in RAW_FILES.items())
    return ImageData(train_x=train_x, train_y=train_y.long(), test_x=test_x, test_y=test_y.long(),
                     classes=dataset.classes, name=dataset.name)


def _read_idx(path: Path, layout: _IdxFile) -> torch.Tensor:
    items = np.fromfile(path, dtype=np.uint8, offset=layout.header_bytes)
    return torch.from_numpy(items.reshape(-1, *layout.item_shape))


# --- checking the raw files -----------------------------------------------------------------
# How strict: each file must be there, start with the IDX magic number of unsigned bytes in the right
# number of dimensions (images 28x28), be exactly as long as its header says, and a split's labels
# must count as many items as its images. MNIST's own counts (and so its file sizes) are NOT required:
# a teacher may bring a smaller set in the same format, and the tests do. Only headers are read, so the
# check costs nothing on every start; torchvision checks the MD5 of whatever it downloads.

@dataclass(frozen=True)
class _IdxFile:
    """The layout of one raw file: `count` items of `item_shape` unsigned bytes after a big-endian header."""

    item_shape: tuple[int, ...]  # (28, 28) per image, () per label
    mnist_count: int  # items in MNIST's (and Fashion-MNIST's) own file

    @property
    def magic(self) -> int:
        return 0x0800 + 1 + len(self.item_shape)  # 0x08: unsigned byte; then the number of dimensions

    @property
    def header_bytes(self) -> int:
        return 4 * (2 + len(self.item_shape))  # magic, count, then one size per item dimension

    def size(self, count: int) -> int:
        return self.header_bytes + count * math.prod(self.item_shape)


IMAGE_SHAPE = (28, 28)
RAW_FILES = {  # MNIST's sizes: 47,040,016 / 60,008 / 7,840,016 / 10,008 bytes
    "train-images-idx3-ubyte": _IdxFile(IMAGE_SHAPE, 60_000),
    "train-labels-idx1-ubyte": _IdxFile((), 60_000),
    "t10k-images-idx3-ubyte": _IdxFile(IMAGE_SHAPE, 10_000),
    "t10k-labels-idx1-ubyte": _IdxFile((), 10_000),
}
SPLITS = (("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"))


def _raw_problems(raw: Path) -> list[str]:
    """One "file: why" per raw file that cannot be loaded; empty when all four are good."""
    problems, counts = [], {}
    for file, layout in RAW_FILES.items():
        count, why = _check_idx(raw / file, layout)
        if why:
            problems.append(f"{file}: {why}")
        else:
            counts[file] = count
    for images, labels in SPLITS:  # torchvision would load a mismatched pair; training would not
        if images in counts and labels in counts and counts[images] != counts[labels]:
            problems.append(f"{labels}: {counts[labels]:,} labels for {counts[images]:,} images")
    return problems


def _check_idx(path: Path, layout: _IdxFile) -> tuple[int, str]:
    """(number of items, "") for a good file, else (0, why not). Reads the header and the file's size only.

    When the header itself is broken the expected size is MNIST's, the likeliest thing the file was meant
    to be; otherwise it is what the header promises, so a file cut short says how long it should be.
    """
    if not path.is_file():
        return 0, "missing"
    size = path.stat().st_size
    with path.open("rb") as f:
        header = f.read(layout.header_bytes)
    kind = "image" if layout.item_shape else "label"
    broken = f"not an IDX {kind} file ({size:,} bytes, expected {layout.size(layout.mnist_count):,})"
    if len(header) < layout.header_bytes:
        return 0, broken
    magic, count, *item_shape = struct.unpack(f">{len(header) // 4}I", header)
    if magic != layout.magic or tuple(item_shape) != layout.item_shape:
        return 0, broken
    if size != layout.size(count):
        return 0, f"{size:,} bytes, expected {layout.size(count):,}"
    return count, ""


def _summary(problems: list[str], raw: Path) -> str:
    """The problems as one line; "no files in <raw>" when none of the four is there (a first start)."""
    if problems == [f"{file}: missing" for file in RAW_FILES]:
        return f"no files in {raw}"
    return "; ".join(problems)


@contextmanager
def _socket_timeout(seconds: float):
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _describe(error: BaseException) -> str:
    """The error's type and first line, plus its last line when it has more than one.

    torchvision's download error names the file on its first line and the network's reason on its last.
    """
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    text = lines[0] if len(lines) == 1 else f"{lines[0].rstrip(':')}: {lines[-1]}"
    return f"{type(error).__name__}: {text[:160]}"


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
        classes=catalog.entry("digits").classes, name="digits", note=note,
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
    """uint8 (B, 28, 28) -> float (B, 28, 28) in [0, 1] on `device` (the tutorial's ToTensor scaling)."""
    return images.to(device, non_blocking=True).float().div_(255.0)
