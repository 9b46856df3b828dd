"""Turn a drawing or a photo of a digit into what the models were trained on: MNIST's 28x28.

MNIST's digits were prepared in three steps, and a drawing must go through the same ones or
the network sees something it never learnt: crop to the ink, scale to fit a 20x20 box keeping
the aspect ratio (anti-aliased, so edges become grey), then place the box in a 28x28 field so
that the ink's centre of mass is at the centre.

    stages = preprocess(canvas_rgba)   # None when there is no ink
    x = stages.centred                 # (28, 28) float32 in [0, 1], light ink on black
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps
from scipy import ndimage

from core.base import MAX_UPLOAD_BYTES

SIZE = 28  # MNIST's field
BOX = 20  # the ink is scaled to fit this box
MIN_CONTRAST = 0.15  # ink must differ from the background by this much (0..1) to count as ink
INK_FLOOR = 0.2  # after the contrast stretch, fainter values are paper noise, not ink
MAX_PIXELS = 40_000_000  # a larger image is refused before it is decoded
WORK_SIDE = 1024  # larger uploads are shrunk to this longest side first (speed; no digit needs more)


@dataclass(frozen=True)
class Stages:
    """Every intermediate image, for display; all float32 in [0, 1], ink bright."""

    ink: np.ndarray  # (H, W) the input as ink on black, contrast stretched
    cropped: np.ndarray  # (h, w) cut to the ink's bounding box
    scaled: np.ndarray  # (20, 20) the crop scaled to fit the box, centred in it
    centred: np.ndarray  # (28, 28) placed so that the centre of mass is at the centre


class ImageError(ValueError):
    """An upload that cannot be used; `reason` is "not_image" or "too_large"."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def to_mnist(image: np.ndarray) -> np.ndarray | None:
    """Any image (greyscale, RGB or RGBA, any size and ink polarity) -> (28, 28) float32 in [0, 1]
    prepared like MNIST, or None when there is no ink."""
    stages = preprocess(image)
    return None if stages is None else stages.centred


def preprocess(image: np.ndarray) -> Stages | None:
    """`to_mnist` with its intermediate stages."""
    ink = ink_map(image)
    if ink is None:
        return None
    rows, cols = np.nonzero(ink)
    cropped = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]  # (h, w)
    fitted = fit_box(cropped, BOX)  # (h', w'), longest side BOX
    if not fitted.any():  # a speck too faint to survive the shrinking
        return None
    fitted = fitted / fitted.max()  # a hairline shrunk a hundredfold is faint: keep its ink full strength
    return Stages(ink=ink, cropped=cropped, scaled=_paste(fitted, BOX, _middle(fitted.shape, BOX)),
                  centred=_paste(fitted, SIZE, _centre_of_mass_offset(fitted)))


def ink_map(image: np.ndarray) -> np.ndarray | None:
    """(H, W[, C]) -> (H, W) float32: ink bright on black, whichever way round it was drawn;
    None when nothing stands out from the background."""
    grey = _grey(image)
    if grey.size == 0:
        return None
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    background = float(np.median(border))
    if background > 0.5:  # dark ink on light paper: turn it round
        grey, background = 1.0 - grey, 1.0 - background
    inked = grey[grey - background >= MIN_CONTRAST]
    if inked.size == 0:
        return None
    top = float(np.percentile(inked, 99))  # the ink's brightness, robust to a few hot pixels
    stretched = np.clip((grey - background) / (top - background), 0.0, 1.0)
    ink = np.clip((stretched - INK_FLOOR) / (1.0 - INK_FLOOR), 0.0, 1.0).astype(np.float32)
    return ink if ink.any() else None


def fit_box(image: np.ndarray, box: int = BOX) -> np.ndarray:
    """Scale so that the longest side is `box`, keeping the aspect ratio, anti-aliased."""
    h, w = image.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))  # PIL wants (width, height)
    resized = Image.fromarray(image.astype(np.float32)).resize(size, Image.Resampling.LANCZOS)  # mode "F"
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)


def decode_upload(data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> np.ndarray:
    """The bytes of an uploaded PNG/JPEG -> (H, W, 4) uint8 RGBA, upright (EXIF rotation applied).

    Raises ImageError("too_large") for files over `max_bytes` or MAX_PIXELS, and
    ImageError("not_image") for anything Pillow cannot read."""
    if len(data) > max_bytes:
        raise ImageError("too_large", f"{len(data)} bytes")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ImageError("too_large", f"{image.width}x{image.height} pixels")
            image.draft("RGB", (WORK_SIDE, WORK_SIDE))  # JPEG: decode at a reduced size, much faster
            image = ImageOps.exif_transpose(image)
            image.thumbnail((WORK_SIDE, WORK_SIDE))
            return np.asarray(image.convert("RGBA"))
    except ImageError:
        raise
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:  # OSError: unreadable
        raise ImageError("not_image", str(error)) from error


def for_display(image: np.ndarray, side: int) -> np.ndarray:
    """Padded to a square (centred) and enlarged nearest-neighbour to about `side` pixels, so that
    every stage shows at the same size and small images show their pixels."""
    h, w = image.shape
    n = max(h, w)
    square = _paste(image, n, _middle((h, w), n))
    factor = max(1, side // n)
    return np.kron(square, np.ones((factor, factor), dtype=np.float32))


def _grey(image: np.ndarray) -> np.ndarray:
    """(H, W), (H, W, 1), (H, W, 3) or (H, W, 4), any numeric dtype -> (H, W) float32 in [0, 1].
    Transparent pixels are laid on a background that contrasts with the opaque ink."""
    array = np.asarray(image)
    if array.dtype == bool:
        array = array.astype(np.float32)
    elif np.issubdtype(array.dtype, np.integer):
        array = array.astype(np.float32) / np.iinfo(array.dtype).max
    else:
        array = np.nan_to_num(array.astype(np.float32))
        if array.size and array.max() > 1.0:
            array = array / 255.0
    if array.ndim == 2:
        return np.clip(array, 0.0, 1.0)
    if array.ndim != 3 or array.shape[2] not in (1, 2, 3, 4):
        raise ValueError(f"expected an (H, W), (H, W, 3) or (H, W, 4) image, got shape {array.shape}")
    channels = array.shape[2]
    colour = array[..., : 3 if channels >= 3 else 1]
    alpha = array[..., -1] if channels in (2, 4) else None
    luminance = colour @ np.array([0.299, 0.587, 0.114], np.float32) if colour.shape[2] == 3 else colour[..., 0]
    if alpha is None or alpha.min() >= 0.99:
        return np.clip(luminance, 0.0, 1.0)
    opaque = alpha.sum()
    ink_is_light = opaque > 0 and float((luminance * alpha).sum() / opaque) > 0.5
    backdrop = 0.0 if ink_is_light else 1.0
    return np.clip(luminance * alpha + backdrop * (1.0 - alpha), 0.0, 1.0)


def _middle(shape: tuple[int, int], field: int) -> tuple[int, int]:
    return (field - shape[0]) // 2, (field - shape[1]) // 2


def _centre_of_mass_offset(fitted: np.ndarray) -> tuple[int, int]:
    """Where to put `fitted` in the 28x28 field so that its centre of mass lands on the centre
    (13.5, 13.5), without pushing any ink off the field."""
    com_row, com_col = ndimage.center_of_mass(fitted)
    centre = (SIZE - 1) / 2
    h, w = fitted.shape
    return (int(np.clip(round(centre - com_row), 0, SIZE - h)), int(np.clip(round(centre - com_col), 0, SIZE - w)))


def _paste(image: np.ndarray, field: int, offset: tuple[int, int]) -> np.ndarray:
    out = np.zeros((field, field), np.float32)
    top, left = offset
    out[top:top + image.shape[0], left:left + image.shape[1]] = image
    return out
