"""ui.classifier_view pieces that need no page."""

import base64
import io

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
