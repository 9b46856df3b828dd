import struct
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch

from core.data import RAW_FILES, bundled_digits, load_images
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


def tree(root):
    """Every path under root with its bytes (None for folders): what a teacher would see in the folder."""
    return {str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
            for path in sorted(root.rglob("*"))}


def dead_network(*args, **kwargs):
    raise urllib.error.URLError("[Errno -2] Name or service not known")


def truncate(path, size):
    path.write_bytes(path.read_bytes()[:size])


def test_truncated_file_and_no_network_keep_all_four_files(tmp_path, monkeypatch):
    write_idx(tmp_path, "MNIST")  # 60 train images: 16 + 60 * 784 = 47,056 bytes
    truncate(tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte", 1000)
    before = tree(tmp_path)
    monkeypatch.setattr(urllib.request, "urlopen", dead_network)  # torchvision's real download runs, offline

    data = load_images("mnist", root=tmp_path, download=True)

    assert data.name == "digits"
    assert tree(tmp_path) == before  # all four files byte for byte, nothing added, no temporary folder
    assert data.note.startswith("mnist unavailable, bundled digits used instead. ")
    assert "train-images-idx3-ubyte: 1,000 bytes, expected 47,056; download failed: RuntimeError: " in data.note
    assert "Error downloading train-images-idx3-ubyte.gz: <urlopen error" in data.note
    assert "\n" not in data.note


def fewer_train_images(raw):
    """50 train images beside the 60 labels: each file is well formed, the pair does not match."""
    labels = (raw / "train-labels-idx1-ubyte").read_bytes()
    write_idx(raw.parent.parent, "MNIST", n_train=50)
    (raw / "train-labels-idx1-ubyte").write_bytes(labels)


@pytest.mark.parametrize(("damage", "reason"), [
    (lambda raw: truncate(raw / "t10k-labels-idx1-ubyte", 15),
     "t10k-labels-idx1-ubyte: 15 bytes, expected 28"),
    (lambda raw: (raw / "train-labels-idx1-ubyte").unlink(),
     "train-labels-idx1-ubyte: missing"),
    (lambda raw: (raw / "t10k-images-idx3-ubyte").write_bytes(b"PK\x03\x04 not idx"),
     "t10k-images-idx3-ubyte: not an IDX image file (12 bytes, expected 7,840,016)"),
    (lambda raw: (raw / "train-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 0x0803, 1, 8, 8) + bytes(64)),
     "train-images-idx3-ubyte: not an IDX image file (80 bytes, expected 47,040,016)"),
    (fewer_train_images, "train-labels-idx1-ubyte: 60 labels for 50 images"),
])
def test_the_notice_names_each_bad_file_and_why(tmp_path, damage, reason):
    write_idx(tmp_path, "MNIST")
    damage(tmp_path / "MNIST" / "raw")
    data = load_images("mnist", root=tmp_path, download=False)
    assert data.name == "digits"
    assert data.note == f"mnist unavailable, bundled digits used instead. {reason}; downloading is off"


def test_an_empty_data_folder_says_so_in_a_short_notice(tmp_path):
    data = load_images("fashion-mnist", root=tmp_path, download=False)
    raw = tmp_path / "FashionMNIST" / "raw"
    assert data.note == f"fashion-mnist unavailable, bundled digits used instead. no files in {raw}; downloading is off"


def test_download_failing_halfway_leaves_the_data_folder_as_it_was(tmp_path, monkeypatch):
    from torchvision import datasets

    write_idx(tmp_path, "MNIST")
    (tmp_path / "MNIST" / "raw" / "t10k-images-idx3-ubyte").unlink()
    (tmp_path / "README.txt").write_text("the teacher's own notes")
    before = tree(tmp_path)
    asked = []

    def download_cut_short(self):  # writes what a real download would, then the network dies
        asked.append(Path(self.raw_folder))
        write_idx(Path(self.root), "MNIST", n_train=30, n_test=10)
        (Path(self.raw_folder) / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b half an archive")
        raise RuntimeError("Error downloading t10k-images-idx3-ubyte.gz:\nTried https://x/, got:\ntimed out\n")

    monkeypatch.setattr(datasets.MNIST, "download", download_cut_short)
    data = load_images("mnist", root=tmp_path, download=True)

    assert tree(tmp_path) == before  # same files, same bytes, no temporary folder left behind
    assert asked and not asked[0].is_relative_to(tmp_path / "MNIST")  # torchvision wrote elsewhere
    assert data.name == "digits"
    assert data.note.endswith("t10k-images-idx3-ubyte: missing; download failed: RuntimeError: "
                              "Error downloading t10k-images-idx3-ubyte.gz: timed out")
    # A later start with a complete set works.
    write_idx(tmp_path, "MNIST", n_train=20, n_test=10)
    assert load_images("mnist", root=tmp_path, download=False).name == "mnist"


def test_a_successful_download_lands_in_the_data_folder_and_loads(tmp_path, monkeypatch):
    from torchvision import datasets

    asked = []

    def good_download(self):  # what torchvision leaves in its raw folder: the four files and their archives
        asked.append(Path(self.root))
        write_idx(Path(self.root), "MNIST", n_train=30, n_test=10)
        for file in RAW_FILES:
            (Path(self.raw_folder) / f"{file}.gz").write_bytes(b"\x1f\x8b archive")

    monkeypatch.setattr(datasets.MNIST, "download", good_download)
    data = load_images("mnist", root=tmp_path, download=True)

    assert data.name == "mnist" and data.note == "" and len(data.train_y) == 30 and len(data.test_y) == 10
    assert asked[0].parent == tmp_path and asked[0] != tmp_path  # a temporary folder next to MNIST/
    assert sorted(tree(tmp_path)) == ["MNIST", "MNIST/raw", *(f"MNIST/raw/{file}" for file in sorted(RAW_FILES))]
    assert load_images("mnist", root=tmp_path, download=False).name == "mnist"  # and stays there


def test_corrupt_files_are_replaced_by_a_fresh_checked_download(tmp_path, monkeypatch):
    from torchvision import datasets

    write_idx(tmp_path, "MNIST")
    (tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03junk")
    calls = []

    def fresh_download(self):
        calls.append(1)
        write_idx(Path(self.root), "MNIST", n_train=30, n_test=10)

    monkeypatch.setattr(datasets.MNIST, "download", fresh_download)
    data = load_images("mnist", root=tmp_path, download=True)
    assert calls and data.name == "mnist" and len(data.train_y) == 30


def test_a_bad_download_is_not_moved_into_place(tmp_path, monkeypatch):
    from torchvision import datasets

    write_idx(tmp_path, "MNIST")
    truncate(tmp_path / "MNIST" / "raw" / "train-labels-idx1-ubyte", 40)
    before = tree(tmp_path)

    def short_download(self):
        write_idx(Path(self.root), "MNIST", n_train=30, n_test=10)
        truncate(Path(self.raw_folder) / "t10k-images-idx3-ubyte", 100)

    monkeypatch.setattr(datasets.MNIST, "download", short_download)
    data = load_images("mnist", root=tmp_path, download=True)
    assert data.name == "digits" and tree(tmp_path) == before
    assert data.note.endswith("train-labels-idx1-ubyte: 40 bytes, expected 68; download failed: downloaded files "
                              "are bad: t10k-images-idx3-ubyte: 100 bytes, expected 7,856")


def test_files_in_good_order_are_loaded_without_the_network(tmp_path, monkeypatch):
    from torchvision import datasets

    write_idx(tmp_path, "MNIST")
    monkeypatch.setattr(datasets.MNIST, "download", dead_network)
    assert load_images("mnist", root=tmp_path, download=True).name == "mnist"


def test_the_layouts_give_mnists_real_file_sizes():
    sizes = {file: layout.size(layout.mnist_count) for file, layout in RAW_FILES.items()}
    assert sizes == {"train-images-idx3-ubyte": 47_040_016, "train-labels-idx1-ubyte": 60_008,
                     "t10k-images-idx3-ubyte": 7_840_016, "t10k-labels-idx1-ubyte": 10_008}


def test_data_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVELAB_DATA_DIR", str(tmp_path))
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
