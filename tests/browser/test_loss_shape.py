"""The loss curve a page sends is thinned to its envelope: drawn by Plotly in Chromium, it has the
same shape as the whole curve (same axis, same spikes and dips, same smoothed line)."""

import json
import re
from pathlib import Path

import numpy as np
import plotly
import pytest

from core import figures, series

pytestmark = pytest.mark.browser
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"  # offline: the copy plotly.py ships
STEPS = 3000  # an epoch and a half of the CNN page: ten times the points a loss chart is sent
BAND_PX, SLACK_PX = 20, 8  # a line's extremes in each band of the plot, found at most this far off


def drawn_lines(page, figure) -> list[np.ndarray]:
    """Each line of `figure` as Plotly draws it in a 500 px wide chart: its SVG path's (x, y) vertices.
    The figure goes in as the JSON a page sends (arrays as typed binary)."""
    page.evaluate("spec => Plotly.newPlot(document.getElementById('chart'), spec.data, {...spec.layout, width: 500})",
                  json.loads(figure.to_json()))
    paths = page.eval_on_selector_all("#chart .scatterlayer path.js-line",
                                      "paths => paths.map(p => p.getAttribute('d'))")
    return [np.array(re.findall(r"(-?[\d.]+),(-?[\d.]+)", d), dtype=float) for d in paths]


def band_extremes(line: np.ndarray, start: float, end: float) -> tuple[float, float]:
    inside = line[(line[:, 0] >= start) & (line[:, 0] <= end), 1]
    return inside.min(), inside.max()


def test_the_thinned_loss_curve_draws_the_same_shape(browser):
    rng = np.random.default_rng(1)
    steps = np.arange(1, STEPS + 1)
    loss = 2.3 * np.exp(-steps / 400) + 0.05 + rng.gamma(1.5, 0.08, STEPS)
    words = dict(title="Training loss", x_title="step", y_title="loss", raw_name="raw", smoothed_name="smoothed")
    whole = figures.loss_figure(steps, loss, series.smooth(loss), **words)
    thinned = figures.loss_figure(*series.envelope(steps, loss, series.smooth(loss)), **words)
    assert len(thinned.data[0].x) <= series.MAX_POINTS < STEPS

    page = browser.new_page()
    try:
        page.set_content("<div id='chart'></div>")
        page.add_script_tag(path=str(PLOTLY_JS))
        whole_raw, whole_smoothed = drawn_lines(page, whole)
        thinned_raw, thinned_smoothed = drawn_lines(page, thinned)
    finally:
        page.close()

    # the same axes: the whole curve's extremes are drawn, at the same pixels
    for axis in (0, 1):
        assert thinned_raw[:, axis].min() == pytest.approx(whole_raw[:, axis].min(), abs=0.5)
        assert thinned_raw[:, axis].max() == pytest.approx(whole_raw[:, axis].max(), abs=0.5)
    # every spike and dip of both lines: each band's highest and lowest pixel, a few pixels off at most
    for whole_line, thinned_line in ((whole_raw, thinned_raw), (whole_smoothed, thinned_smoothed)):
        left, right = whole_line[:, 0].min(), whole_line[:, 0].max()
        for start in np.arange(left, right, BAND_PX):
            low, high = band_extremes(whole_line, start, start + BAND_PX)
            near_low, near_high = band_extremes(thinned_line, start - SLACK_PX, start + BAND_PX + SLACK_PX)
            assert near_low <= low + 1 and near_high >= high - 1, f"band at x = {start:.0f} px"
