"""core.figures pieces whose bytes matter: what a live page sends at every redraw or frame."""

import numpy as np

from core import figures

BLANK = chr(figures.BRAILLE_BASE)


def test_digit_art_is_cropped_to_its_ink():
    image = np.zeros((28, 28), np.uint8)
    image[8:16, 10:14] = 255  # a block: Braille lines 2-3, characters 5-6
    art = figures.digit_art(image).split("<br>")
    assert art == [chr(figures.BRAILLE_BASE + 0xFF) * 2] * 2  # every dot of both cells inked, nothing blank around
    assert figures.digit_art(np.zeros((28, 28))) == "<br>".join([BLANK * 14] * 7)  # nothing to crop to


def test_the_loss_figure_sends_32_bit_values():
    steps = np.arange(1, 6)
    loss = np.linspace(2.0, 0.5, 5)
    figure = figures.loss_figure(steps, loss, loss, title="", x_title="", y_title="", raw_name="", smoothed_name="")
    assert [trace.y.dtype for trace in figure.data] == [np.float32, np.float32]
    np.testing.assert_allclose(figure.data[0].y, loss, rtol=1e-6)


def test_a_figure_carries_the_trace_defaults_of_its_own_kinds_only(monkeypatch):
    import plotly.io as pio

    monkeypatch.setattr(pio.templates, "default", "plotly")
    steps = np.arange(1, 6)
    figure = figures.loss_figure(steps, steps / 5, steps / 5, title="", x_title="", y_title="", raw_name="",
                                 smoothed_name="")
    template = figure.layout.template.to_plotly_json()
    assert set(template["data"]) == {"scatter"}
    assert template["layout"] == pio.templates["plotly"].to_plotly_json()["layout"]  # the look itself is kept
