"""core.series: the loss curve thinned for drawing keeps its shape."""

import numpy as np

from core import series


def noisy_loss(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return 2.5 * np.exp(-np.arange(n) / 300) + rng.gamma(2.0, 0.1, n)  # falling, with spikes upwards


def test_the_envelope_keeps_ends_and_extremes_within_its_bound():
    steps, loss = np.arange(1, 5001), noisy_loss(5000)
    x, y, smoothed = series.envelope(steps, loss, series.smooth(loss), max_points=300)
    assert len(x) <= 300
    assert (x[0], x[-1]) == (1, 5000) and (y[0], y[-1]) == (loss[0], loss[-1])
    assert y.max() == loss.max() and y.min() == loss.min()
    assert np.all(np.diff(x) > 0)  # in order, each step once
    np.testing.assert_array_equal(y, loss[x - 1])  # real points, not averages
    np.testing.assert_array_equal(smoothed, series.smooth(loss)[x - 1])  # every line at the same points
    assert smoothed.max() == series.smooth(loss).max() and smoothed.min() == series.smooth(loss).min()


def test_the_envelope_keeps_every_local_spike_and_dip():
    """Near every step (within two of the 10 steps each drawn point stands for) the curve still
    reaches that step's loss, up and down, which every k-th step would miss."""
    loss = noisy_loss(3000)
    x, y = series.envelope(np.arange(3000), loss, max_points=300)
    for step, value in enumerate(loss):
        near = y[np.abs(x - step) <= 2 * 3000 // 300]
        assert near.max() >= value >= near.min()


def test_a_short_curve_is_drawn_whole():
    steps, loss = np.arange(1, 301), noisy_loss(300)
    x, y = series.envelope(steps, loss, max_points=300)
    np.testing.assert_array_equal(x, steps)
    np.testing.assert_array_equal(y, loss)
