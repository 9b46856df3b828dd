"""ui.classifier_view pieces that need no page."""

import base64
import io
import json

import numpy as np
from PIL import Image

from ui.classifier_view import png_data_uri


def decoded(uri: str) -> np.ndarray:
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri[len(prefix):]))))


def test_inline_png_holds_exactly_the_image_even_when_served_from_the_cache():
    rng = np.random.default_rng(0)
    first, second = (rng.integers(0, 256, (28, 28), dtype=np.uint8) for _ in range(2))
    for _ in range(2):  # the second round comes from the cache
        np.testing.assert_array_equal(decoded(png_data_uri(first)), first)
        np.testing.assert_array_equal(decoded(png_data_uri(second)), second)
    np.testing.assert_array_equal(decoded(png_data_uri(first.T.copy())), first.T)


def draw_live() -> None:
    """A page that draws a classifier run's records as its live fragment does while it trains."""
    import streamlit as st

    from ui.classifier_view import ClassifierCharts

    ClassifierCharts(st.session_state["data"], "test").draw(st.session_state["records"], True)


def sent(at) -> dict[str, bytes]:
    """Each element the page drew, by key (charts) or kind, as the bytes Streamlit sends for it."""
    elements = {chart.proto.id.rsplit("-", 1)[-1]: chart.proto.SerializeToString() for chart in at.get("plotly_chart")}
    elements.update({f"html {i}": html.proto.SerializeToString() for i, html in enumerate(at.get("html"))})
    return elements


def test_between_evaluations_a_live_redraw_sends_the_evaluations_charts_byte_for_byte_again():
    """What changes only at an evaluation is the same message at every redraw until the next one (so
    Streamlit sends a reference to it), and the embedding has only its newest frame while following."""
    from itertools import islice

    from streamlit.testing.v1 import AppTest

    from core.data import load_images
    from core.models import CNNSpec
    from core.training import ClassifierConfig, train_classifier

    data = load_images("digits", download=False)
    config = ClassifierConfig(eval_every=5, embed_every=5, test_size=100, embed_method="pca", embed_points=50,
                              max_steps=40)
    records = list(islice(train_classifier(CNNSpec().build(config.seed), data, config), 14))
    at = AppTest.from_function(draw_live)
    at.session_state["data"] = data
    drawn = []
    for shown in (11, 14):  # both after the evaluation and the frame of step 10, before the next ones
        at.session_state["records"] = records[:shown]
        at.run()
        assert not at.exception
        drawn.append(sent(at))
    before, after = drawn
    assert before["test.loss"] != after["test.loss"]  # the loss has new steps
    for element in ("test.accuracy", "test.embedding.0", "test.confusion.0", "html 0"):
        assert before[element] == after[element], element
    (embedding,) = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart") if "embedding" in chart.proto.id]
    assert "step 10" in embedding["layout"]["title"]["text"] and not embedding.get("frames")
