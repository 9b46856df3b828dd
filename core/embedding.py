"""2-D projections of hidden features for the "clusters forming" view.

Frames are warm-started from the previous frame, so the points drift into clusters
instead of jumping to a new random layout every time.
"""

from __future__ import annotations

import numpy as np

METHODS = ("tsne", "pca")


def project(features: np.ndarray, method: str = "tsne", previous: np.ndarray | None = None) -> np.ndarray:
    """(N, F) features -> (N, 2) coordinates. `previous` (N, 2) warm-starts the layout.
    Deterministic: a cold start begins from the PCA layout, as scikit-learn's init="pca" does."""
    features = np.asarray(features, dtype=np.float32)
    if method == "pca":
        return _pca(features, previous)
    if method == "tsne":
        return _tsne(features, previous)
    raise ValueError(f"unknown embedding method {method!r}; choose one of {METHODS}")


def _pca(features: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    centred = features - features.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vt[:2].T
    if coords.shape[1] < 2:
        coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
    if previous is not None and previous.shape == coords.shape:
        # An axis's sign is arbitrary; keep the one that matches the last frame.
        signs = np.sign((coords * previous).sum(0))
        coords = coords * np.where(signs == 0, 1, signs)
    return coords.astype(np.float32)


def _tsne(features: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Exact t-SNE (van der Maaten & Hinton, 2008) in NumPy.

    A few hundred points need no Barnes-Hut approximation, and owning the loop lets a warm
    start skip the early-exaggeration phase: a new frame costs ~100 cheap iterations instead of
    a full fit (the tutorial's scikit-learn t-SNE refits from scratch at every frame).
    """
    n = len(features)
    if n < 5:  # t-SNE needs a few neighbours; tiny sets fall back to PCA
        return _pca(features, previous)
    x = features.astype(np.float64)
    x = x - x.mean(0)
    if x.shape[1] > 50:  # the usual speed-up: work on the top 50 principal components
        x = x @ np.linalg.svd(x, full_matrices=False)[2][:50].T
    p = _joint_probabilities(_squared_distances(x), perplexity=min(30.0, (n - 1) / 3))

    warm = previous is not None and previous.shape == (n, 2)
    if warm:
        y = previous.astype(np.float64)
        phases = [(1.0, 0.5, 20), (1.0, 0.8, 80)]  # (exaggeration, momentum, iterations)
    else:
        pcs = _pca(x, None).astype(np.float64)
        y = pcs / (pcs[:, 0].std() + 1e-12) * 1e-4  # PCA start, tiny, as in scikit-learn
        phases = [(12.0, 0.5, 250), (1.0, 0.8, 250)]
    return _optimise(p, y, phases).astype(np.float32)


def _squared_distances(x: np.ndarray) -> np.ndarray:
    sq = (x * x).sum(1)
    dist = x @ x.T
    dist *= -2
    dist += sq[:, None]
    dist += sq[None, :]
    return np.maximum(dist, 0, out=dist)


def _joint_probabilities(dist: np.ndarray, perplexity: float, tol: float = 1e-4) -> np.ndarray:
    """Symmetric P over each point's 3*perplexity nearest neighbours (as scikit-learn does).
    Each row's Gaussian bandwidth is found by bisection, all rows at once, so that the row's
    entropy matches log(perplexity)."""
    n = len(dist)
    k = min(n - 1, int(3 * perplexity) + 1)
    np.fill_diagonal(dist, np.inf)
    neighbours = np.argpartition(dist, k - 1, axis=1)[:, :k]  # (N, k)
    near = np.take_along_axis(dist, neighbours, 1)
    near -= near.min(1, keepdims=True)  # numerically safe exponentials
    target = np.log(perplexity)
    beta, low, high = np.ones(n), np.zeros(n), np.full(n, np.inf)
    for _ in range(100):
        p = np.exp(-near * beta[:, None])
        p /= p.sum(1, keepdims=True)
        entropy = -(p * np.log(np.maximum(p, 1e-300))).sum(1)
        if np.abs(entropy - target).max() < tol:
            break
        too_flat = entropy > target  # too many neighbours: narrow the Gaussian (larger beta)
        low = np.where(too_flat, beta, low)
        high = np.where(too_flat, high, beta)
        beta = np.where(np.isinf(high), beta * 2, (low + high) / 2)
    joint = np.zeros((n, n))
    np.put_along_axis(joint, neighbours, p, 1)
    joint = (joint + joint.T) / (2 * n)
    return np.maximum(joint, 1e-12).astype(np.float32)


def _optimise(p: np.ndarray, y: np.ndarray, phases: list[tuple[float, float, int]]) -> np.ndarray:
    """Gradient descent with momentum and per-coordinate gains (the original recipe). Each iteration
    passes over the N x N matrices as few times as it can (they are most of a frame's time, and frames
    run on the training workers): the kernel in place, and one product for the gradient's two sums."""
    n = len(p)
    y = y.astype(np.float32)
    update, gains = np.zeros_like(y), np.ones_like(y)
    kernel, weights = np.empty((n, n), np.float32), np.empty((n, n), np.float32)
    with_ones = np.ones((n, 3), np.float32)  # [y, 1]: weights @ with_ones gives weights @ y and the row sums
    for exaggeration, momentum, iterations in phases:
        lr = max(n / exaggeration / 4, 50.0)  # scikit-learn's "auto" learning rate
        target = p * np.float32(exaggeration)
        for _ in range(iterations):
            squares = (y * y).sum(1)
            np.matmul(y, y.T, out=kernel)
            kernel *= -2
            kernel += (squares + 1)[:, None]
            kernel += squares[None, :]
            np.reciprocal(kernel, out=kernel)  # Student-t kernel 1 / (1 + |yi - yj|^2)
            np.fill_diagonal(kernel, 0.0)
            np.multiply(kernel, np.float32(-1 / kernel.sum()), out=weights)  # -Q
            weights += target
            weights *= kernel  # (P - Q) * kernel
            with_ones[:, :2] = y
            sums = weights @ with_ones
            grad = 4.0 * (sums[:, 2:] * y - sums[:, :2])
            same_sign = np.sign(grad) == np.sign(update)
            gains = np.maximum(np.where(same_sign, gains * 0.8, gains + 0.2), 0.01)
            update = momentum * update - lr * gains * grad
            y += update
            y -= y.mean(0)
    return y


def place(features: np.ndarray, coords: np.ndarray, new: np.ndarray, k: int = 10) -> np.ndarray:
    """Where a new point belongs in an existing 2-D frame: the mean position of its `k` nearest
    points in feature space. `features` (N, F) and `coords` (N, 2) are the frame's points, `new`
    (M, F) the points to place -> (M, 2). t-SNE has no formula for a point it did not fit, and
    refitting would move every other point; the neighbours' mean puts a drawing among the test
    digits that the network thinks it resembles (a common out-of-sample method)."""
    features, new = np.asarray(features, np.float32), np.asarray(new, np.float32)
    distances = ((new[:, None, :] - features[None, :, :]) ** 2).sum(-1)  # (M, N)
    nearest = np.argsort(distances, axis=1, kind="stable")[:, :min(k, len(features))]
    return coords[nearest].mean(axis=1).astype(np.float32)
