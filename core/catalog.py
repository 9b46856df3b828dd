"""The datasets the app offers, one entry each: where its images come from, what they show and how to
label it in each language. Everything else reads this table (core/data.py loads an entry, core/export.py
writes a script that loads it, the sidebar offers it, the playground asks whether it is digits), so a new
dataset is one more entry here.

No torch here: the first page a visitor sees lists the datasets before torch has finished loading
(ui/preload.py).
"""

from __future__ import annotations

from dataclasses import dataclass

DIGIT_CLASSES = tuple(str(d) for d in range(10))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


@dataclass(frozen=True)
class Dataset:
    """One dataset of 28x28 greyscale images in 10 classes (the networks read 28 rows of 28 pixels)."""

    name: str  # in code, share links and file names: "fashion-mnist"
    title: str  # its own name, the same in every language: "Fashion-MNIST"
    labels: dict[str, str]  # the sidebar's label in each of ui/i18n.py's languages
    classes: tuple[str, ...]  # class names, in the order of the labels' numbers
    shows: str  # what its images show, for an exported script's docstring: "pictures of clothes"
    digits: bool  # handwritten digits, so a drawing on the playground's pad is one of its classes
    torchvision_class: str | None  # its class in torchvision.datasets ("FashionMNIST"); None: not torchvision's

    @property
    def folder(self) -> str | None:
        """Where its files live in the data folder: <folder>/raw. torchvision names that folder after the
        class, and an exported script reads it through torchvision, so the two cannot differ."""
        return self.torchvision_class


BY_NAME: dict[str, Dataset] = {entry.name: entry for entry in (  # the first is the sidebar's first choice
    Dataset(name="mnist", title="MNIST", labels={"en": "MNIST digits", "zh": "MNIST 手写数字"},
            classes=DIGIT_CLASSES, shows="handwritten digits", digits=True, torchvision_class="MNIST"),
    Dataset(name="fashion-mnist", title="Fashion-MNIST", labels={"en": "Fashion-MNIST", "zh": "Fashion-MNIST 服饰"},
            classes=FASHION_CLASSES, shows="pictures of clothes", digits=False, torchvision_class="FashionMNIST"),
    Dataset(name="digits", title="scikit-learn's digits",  # scikit-learn's 8x8 digits, enlarged (core/data.py)
            labels={"en": "Bundled digits (offline)", "zh": "内置手写数字（离线）"},
            classes=DIGIT_CLASSES, shows="handwritten digits", digits=True, torchvision_class=None),
)}
DEFAULT = "mnist"  # the sidebar's first choice, and what an exported script loads unless told


def names() -> tuple[str, ...]:
    """The names of every entry, in the table's order."""
    return tuple(BY_NAME)


def entry(name: str) -> Dataset:
    """The entry called `name`; ValueError for a name the table does not have."""
    if name not in BY_NAME:
        raise ValueError(f"unknown dataset {name!r}; choose one of {names()}")
    return BY_NAME[name]
