import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from core.embedding import place, project


def blobs(n=300, classes=5, dims=64, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, n)
    centres = rng.normal(size=(classes, dims)) * 4
    return centres[labels] + rng.normal(size=(n, dims)), labels


def neighbour_agreement(coords, labels):
    return KNeighborsClassifier(5).fit(coords, labels).score(coords, labels)


@pytest.mark.parametrize("method", ["tsne", "pca"])
def test_projection_separates_clusters(method):
    features, labels = blobs()
    coords = project(features, method)
    assert coords.shape == (300, 2) and np.isfinite(coords).all()
    assert neighbour_agreement(coords, labels) > 0.95


def test_warm_start_continues_from_the_previous_layout():
    features, labels = blobs()
    first = project(features, "tsne")
    mirrored = first * np.array([-1.0, 1.0], dtype=np.float32)  # a layout a cold start would not find
    warm = project(features + 0.05 * np.random.default_rng(1).normal(size=features.shape), "tsne", previous=mirrored)
    cold = project(features, "tsne")
    assert np.corrcoef(warm[:, 0], mirrored[:, 0])[0, 1] > 0.9  # it kept the mirrored layout
    assert np.corrcoef(cold[:, 0], mirrored[:, 0])[0, 1] < 0
    assert neighbour_agreement(warm, labels) > 0.95


def test_pca_keeps_the_previous_frames_orientation():
    features, _ = blobs()
    first = project(features, "pca")
    second = project(-features, "pca", previous=first)  # same structure, every axis flipped
    assert np.allclose(second, first, atol=1e-3)


def test_tiny_inputs_do_not_crash():
    assert project(np.ones((3, 4)), "tsne").shape == (3, 2)
    assert project(np.zeros((6, 1)), "pca").shape == (6, 2)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError):
        project(np.ones((10, 3)), "umap")


def test_place_puts_a_point_at_the_mean_of_its_nearest_neighbours():
    rng = np.random.default_rng(0)
    features, coords = rng.normal(size=(50, 8)), rng.normal(size=(50, 2))
    new = rng.normal(size=(3, 8))
    placed = place(features, coords, new, k=4)
    for point, xy in zip(new, placed, strict=True):
        nearest = np.argsort(np.linalg.norm(features - point, axis=1))[:4]  # brute force, independently
        assert np.allclose(xy, coords[nearest].mean(0), atol=1e-6)


def test_a_drawing_that_is_a_test_image_lands_on_that_image(tiny_digits):
    import torch

    from core.inspect_cnn import place_among
    from core.models import CNNSpec

    model = CNNSpec().build(seed=1).eval()
    images = tiny_digits.test_x[:40]
    coords = np.random.default_rng(1).normal(size=(40, 2)).astype(np.float32)
    for j in (0, 17):
        xy = place_among(model, images[j].numpy() / 255.0, images, coords, k=1)
        assert np.allclose(xy, coords[j], atol=1e-6)
    twice = [place_among(model, images[3].numpy() / 255.0, images, coords) for _ in range(2)]
    assert np.array_equal(*twice)  # deterministic
    assert torch.is_grad_enabled()
