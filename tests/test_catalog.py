"""core/catalog.py: one entry describes a dataset, and everything else reads it. A made-up entry, added to
the table and nowhere else, is offered in the sidebar, loaded from its files and exported as a script."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core import catalog, export, presets
from core.catalog import Dataset
from core.data import load_images
from tests.conftest import finish, open_page, write_idx
from ui.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ("circle", "square", "triangle", "star", "heart", "moon", "cross", "arrow", "ring", "dot")
TOY = Dataset(name="toy-mnist", title="Toy-MNIST", labels={"en": "Toy shapes", "zh": "玩具形状"}, classes=SHAPES,
              shows="drawings of shapes", digits=False, torchvision_class="KMNIST")


@pytest.fixture
def toy(monkeypatch) -> Dataset:
    """The catalog with one more entry, for this test only."""
    monkeypatch.setitem(catalog.BY_NAME, TOY.name, TOY)
    return TOY


def test_every_entry_is_complete():
    from torchvision import datasets

    assert catalog.names() == ("mnist", "fashion-mnist", "digits")
    assert catalog.names()[0] == catalog.DEFAULT  # the sidebar's first choice is what loads by default
    for name, entry in catalog.BY_NAME.items():
        assert entry.name == name and len(entry.classes) == 10 and entry.title and entry.shows
        assert set(entry.labels) == set(LANGUAGES), name  # a label in every language the app speaks
        assert re.search(r"[\u4e00-\u9fff]", entry.labels["zh"]), name
        if entry.torchvision_class is not None:
            assert hasattr(datasets, entry.torchvision_class), name
    assert [name for name, entry in catalog.BY_NAME.items() if entry.digits] == ["mnist", "digits"]


def test_an_unknown_name_is_an_error():
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        catalog.entry("cifar")
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        load_images("cifar")


def test_the_catalog_and_the_sidebar_import_no_torch():
    """The first page lists the datasets, in the session's language, before torch has loaded."""
    code = "import sys, core.catalog, ui.app_sidebar; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_new_entry_is_loaded_from_its_folder_with_its_classes(toy, tmp_path):
    write_idx(tmp_path, "KMNIST", n_train=40, n_test=10)
    data = load_images("toy-mnist", root=tmp_path, download=False)
    assert data.name == "toy-mnist" and data.note == "" and data.classes == SHAPES
    assert data.train_x.shape == (40, 28, 28) and data.train_y[:10].tolist() == list(range(10))


def test_a_new_entry_is_downloaded_through_its_torchvision_class(toy, tmp_path, monkeypatch):
    from torchvision import datasets

    asked = []

    def download(self):  # what torchvision's download leaves in <its root>/KMNIST/raw
        asked.append(type(self).__name__)
        write_idx(Path(self.root), "KMNIST", n_train=30, n_test=10)

    monkeypatch.setattr(datasets.KMNIST, "download", download)
    data = load_images("toy-mnist", root=tmp_path, download=True)
    assert asked == ["KMNIST"] and data.name == "toy-mnist" and len(data.train_y) == 30
    assert (tmp_path / "KMNIST" / "raw" / "train-images-idx3-ubyte").is_file()


def test_a_new_entry_is_exported(toy):
    spec, config = presets.CNN.split(presets.CNN.settings())
    assert export.loadable() == ("mnist", "fashion-mnist", "toy-mnist")  # not the bundled digits
    text = export.script(spec, config, "toy-mnist")
    ast.parse(text)
    assert "datasets.KMNIST(root, train=train, download=download)" in text and "KMNIST/raw" in text
    assert text.startswith('"""CNN on Toy-MNIST, exported from Live Lab.')
    assert "to tell Toy-MNIST's drawings of shapes apart" in text and "dataset=toy-mnist" in text
    assert export.file_name(spec, config, "toy-mnist") == f"cnn_toy_mnist_seed{config.seed}.py"


@pytest.mark.parametrize(("lang", "label"), [("en", "Toy shapes"), ("zh", "玩具形状")])
def test_a_new_entry_is_offered_in_the_sidebar_and_trains_on_the_page(toy, app_env, lang, label):
    write_idx(app_env / "data", "KMNIST", n_train=60, n_test=20)
    at = open_page("app_pages/playground.py", dataset="toy-mnist", lang=lang)
    assert not at.exception
    choice = at.selectbox(key="dataset")
    assert label in choice.options and choice.value == "toy-mnist"
    assert not at.warning  # its files loaded: no fallback to the bundled digits
    assert any(label in info.value for info in at.info)  # the quick run offers to train on it, by its label


def test_the_playground_says_when_a_network_answers_with_a_datasets_class_names(toy, app_env):
    """A drawing given to a network that learnt shapes, not digits, gets one of the shapes' names."""
    from tests.test_app_playground import a_zero, draw_on_canvas

    write_idx(app_env / "data", "KMNIST", n_train=60, n_test=20)
    at = open_page("app_pages/playground.py", dataset="toy-mnist")
    at.button(key="playground.quick_train").click().run()
    assert finish(at, "cnn").data.name == "toy-mnist"
    draw_on_canvas(at, a_zero())
    assert not at.exception
    said = [caption.value for caption in at.caption if "its answers are names from that dataset" in caption.value]
    assert said == ["The CNN was trained on Toy shapes; its answers are names from that dataset."]
