import numpy as np
import pytest
import torch

import core.data as data_module
from core.data import bundled_digits, load_images
from tests.conftest import write_idx


@pytest.mark.parametrize(("name", "folder"), [("mnist", "MNIST"), ("fashion-mnist", "FashionMNIST")])
def test_loads_idx_files_through_torchvision(tmp_path, name, folder):
    write_idx(tmp_path, folder, n_train=40, n_test=10)
    data = load_images(name, root=tmp_path, download=False)
    assert data.name == name and data.note == ""
    assert data.train_x.shape == (40, 28, 28) and data.train_x.dtype == torch.uint8
    assert data.test_x.shape == (10, 28, 28)
    assert data.train_y.dtype == torch.int64 and data.train_y[:10].tolist() == list(range(10))
    assert len(data.classes) == 10


def test_missing_files_without_download_fall_back_with_a_reason(tmp_path):
    data = load_images("mnist", root=tmp_path, download=False)
    assert data.name == "digits"
    assert "mnist" in data.note and data.note


def test_failed_download_falls_back_and_leaves_no_partial_files(tmp_path, monkeypatch):
    from torchvision import datasets

    def broken_download(self):
        (tmp_path / "MNIST" / "raw").mkdir(parents=True, exist_ok=True)
        (tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte").write_bytes(b"partial")
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")

    monkeypatch.setattr(datasets.MNIST, "download", broken_download)
    data = load_images("mnist", root=tmp_path, download=True)
    assert data.name == "digits" and "Error downloading" in data.note
    assert not (tmp_path / "MNIST" / "raw").exists()
    # A later start with good files works.
    write_idx(tmp_path, "MNIST", n_train=20, n_test=10)
    assert load_images("mnist", root=tmp_path, download=False).name == "mnist"


def test_corrupt_files_are_replaced_by_a_fresh_download(tmp_path, monkeypatch):
    from torchvision import datasets

    write_idx(tmp_path, "MNIST")
    (tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03junk")
    calls = []

    def fresh_download(self):
        calls.append(1)
        write_idx(tmp_path, "MNIST", n_train=30, n_test=10)

    monkeypatch.setattr(datasets.MNIST, "download", fresh_download)
    data = load_images("mnist", root=tmp_path, download=True)
    assert calls and data.name == "mnist" and len(data.train_y) == 30


def test_data_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(data_module.DATA_DIR_ENV, str(tmp_path))
    write_idx(tmp_path, "MNIST", n_train=20, n_test=10)
    assert load_images("mnist", download=False).name == "mnist"


def test_unknown_dataset_is_refused():
    with pytest.raises(ValueError):
        load_images("cifar")


def test_bundled_digits_look_like_mnist():
    data = bundled_digits()
    assert data.train_x.dtype == torch.uint8 and data.train_x.shape[1:] == (28, 28)
    assert len(data.test_y) == 360 and len(data.train_y) > 10_000  # 80/20 split, augmented train set
    assert set(data.test_y.tolist()) == set(range(10))
    # Prepared as MNIST was: ink fits a 20x20 box, its centre of mass in the middle of 28x28.
    from scipy import ndimage

    for image in data.test_x[:50].numpy():
        rows, cols = image.nonzero()
        assert np.ptp(rows) < 20 and np.ptp(cols) < 20
        assert abs(ndimage.center_of_mass(image)[0] - 13.5) < 1 and abs(ndimage.center_of_mass(image)[1] - 13.5) < 1
    assert data.test_x.max() > 200
