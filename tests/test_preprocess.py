"""core.preprocess: any drawing or photo becomes an MNIST-style 28x28 digit, or None."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from core.preprocess import BOX, SIZE, ImageError, decode_upload, for_display, preprocess, to_mnist

CENTRE = (SIZE - 1) / 2  # 13.5: the middle of a 28-pixel field, in pixel-index coordinates
LOW, HIGH = (SIZE - BOX) // 2, (SIZE + BOX) // 2  # the central 20x20 box: rows/columns 4..23


def canvas_digit(draw, size=280) -> np.ndarray:
    """An RGBA canvas (white ink on black, as the playground's canvas sends it) drawn by `draw`."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 255))
    draw(ImageDraw.Draw(image))
    return np.asarray(image)


def big_off_centre_zero(d):
    d.ellipse((150, 15, 272, 265), outline=(255, 255, 255, 255), width=22)


def big_off_centre_plus(d):
    d.line((20, 60, 160, 60), fill=(255, 255, 255, 255), width=20)
    d.line((90, 5, 90, 115), fill=(255, 255, 255, 255), width=20)


@pytest.mark.parametrize("draw", [big_off_centre_zero, big_off_centre_plus])
def test_a_large_off_centre_digit_is_centred_by_mass_inside_the_20px_box(draw):
    x = to_mnist(canvas_digit(draw))
    assert x.shape == (SIZE, SIZE) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0 and x.max() > 0.9
    row, col = ndimage.center_of_mass(x)
    assert abs(row - CENTRE) <= 1 and abs(col - CENTRE) <= 1
    rows, cols = np.nonzero(x)
    assert LOW <= rows.min() and rows.max() < HIGH and LOW <= cols.min() and cols.max() < HIGH
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 == BOX  # the longer side fills the box


def test_the_aspect_ratio_is_kept():
    tall = canvas_digit(lambda d: d.rectangle((100, 20, 139, 259), fill=(255, 255, 255, 255)))  # 40 x 240
    rows, cols = np.nonzero(to_mnist(tall) > 0.5)
    assert rows.max() - rows.min() + 1 == BOX
    assert 2 <= cols.max() - cols.min() + 1 <= 5  # 20 * 40 / 240 = 3.3


def test_dark_ink_on_light_paper_gives_the_same_digit_as_light_on_dark():
    light_on_dark = canvas_digit(big_off_centre_zero)
    dark_on_light = light_on_dark.copy()
    dark_on_light[..., :3] = 255 - dark_on_light[..., :3]
    np.testing.assert_allclose(to_mnist(dark_on_light), to_mnist(light_on_dark), atol=1e-6)
    grey_photo = (0.2 + 0.6 * (255 - light_on_dark[..., 0]) / 255)  # dim ink on grey paper, float, no alpha
    np.testing.assert_allclose(to_mnist(grey_photo), to_mnist(light_on_dark), atol=1e-5)


def test_rgba_with_a_transparent_background_reads_its_ink_whatever_the_colour_underneath():
    opaque = canvas_digit(big_off_centre_zero)
    for hidden_colour in (0, 255):
        transparent = opaque.copy()
        transparent[..., 3] = opaque[..., 0]  # ink opaque, background see-through
        transparent[..., :3] = np.where(opaque[..., :3] > 0, 0, hidden_colour)  # black ink, any backdrop
        np.testing.assert_allclose(to_mnist(transparent), to_mnist(opaque), atol=1e-6)


@pytest.mark.parametrize("blank", [
    np.zeros((280, 280, 4), np.uint8),
    np.full((280, 280, 4), 255, np.uint8),
    np.full((50, 80, 3), 128, np.uint8),
    np.zeros((280, 280, 4), np.uint8) + np.array([0, 0, 0, 0], np.uint8),  # fully transparent
    np.zeros((0, 0)),
])
def test_a_blank_image_gives_none(blank):
    assert to_mnist(blank) is None
    assert preprocess(blank) is None


@pytest.mark.parametrize("shape", [(1, 1), (1, 1, 4), (5000, 20), (20, 5000), (3, 7, 3), (28, 28, 1), (400, 2, 2)])
def test_odd_shapes_never_crash(shape):
    rng = np.random.default_rng(0)
    for image in (rng.integers(0, 256, shape, dtype=np.uint8), np.zeros(shape, np.uint8)):
        x = to_mnist(image)
        assert x is None or (x.shape == (SIZE, SIZE) and np.isfinite(x).all() and x.max() <= 1)


def test_a_thin_long_stroke_fits_the_box():
    x = to_mnist(np.pad(np.ones((5000, 20)), 10))
    rows, cols = np.nonzero(x)
    assert rows.max() - rows.min() + 1 == BOX and cols.max() - cols.min() + 1 <= 2


def test_a_hairline_in_a_big_photo_is_still_found_and_kept_visible():
    photo = np.full((3000, 3000), 0.9, np.float32)
    photo[np.arange(300, 2700), np.arange(300, 2700)] = 0.1  # a 1-pixel pen line: 0.03% of the pixels
    x = to_mnist(photo)
    assert x is not None and x.max() == 1.0


def test_the_stages_are_there_for_display():
    stages = preprocess(canvas_digit(big_off_centre_zero))
    assert stages.ink.shape == (280, 280)
    assert stages.cropped.shape[0] > stages.cropped.shape[1] > 100  # the ring's bounding box
    assert stages.scaled.shape == (BOX, BOX) and stages.centred.shape == (SIZE, SIZE)
    assert stages.scaled.sum() == pytest.approx(stages.centred.sum())  # moved, not changed


def test_decode_upload_reads_png_and_jpeg_as_rgba():
    image = Image.new("RGB", (64, 48), "white")
    for fmt in ("PNG", "JPEG"):
        buffer = io.BytesIO()
        image.save(buffer, format=fmt)
        decoded = decode_upload(buffer.getvalue())
        assert decoded.shape == (48, 64, 4) and decoded.dtype == np.uint8


def test_decode_upload_shrinks_a_big_photo():
    buffer = io.BytesIO()
    Image.new("L", (3000, 1500), 255).save(buffer, format="PNG")
    assert decode_upload(buffer.getvalue()).shape == (512, 1024, 4)


def test_decode_upload_refuses_what_is_not_a_usable_image():
    with pytest.raises(ImageError) as error:
        decode_upload(b"%PDF-1.4 not an image")
    assert error.value.reason == "not_image"
    with pytest.raises(ImageError) as error:
        decode_upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)  # a truncated PNG
    assert error.value.reason == "not_image"
    with pytest.raises(ImageError) as error:
        decode_upload(bytes(5000), max_bytes=1000)
    assert error.value.reason == "too_large"
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")  # 64 megapixels in a few kilobytes
    with pytest.raises(ImageError) as error:
        decode_upload(buffer.getvalue())
    assert error.value.reason == "too_large"


def test_for_display_squares_and_shows_pixels_as_blocks():
    image = np.arange(4, dtype=np.float32).reshape(2, 2)
    big = for_display(image, 10)
    assert big.shape == (10, 10) and (big[:5, :5] == 0).all() and (big[5:, 5:] == 3).all()
    tall = for_display(np.ones((4, 2), np.float32), 8)
    assert tall.shape == (8, 8) and tall[:, 2:6].all() and not tall[:, :2].any() and not tall[:, 6:].any()
    assert for_display(np.ones((300, 100), np.float32), 120).shape == (300, 300)  # big: padded, not enlarged
