"""Pen strokes from MNIST digits, so that a benchmark can draw real test digits with the mouse.

A digit is enlarged 3x, thresholded and thinned to a one-pixel skeleton (Zhang-Suen); the
skeleton is traced into polylines, top first, as a student would draw them; the longest few
are kept and scaled to the canvas.

    strokes = pen_strokes(digit_28x28_uint8, canvas=280)   # [[(x, y), ...], ...] in canvas pixels
"""

from __future__ import annotations

import numpy as np
from PIL import Image

UPSCALE = 3  # thin at 84 x 84: a smoother skeleton than at 28 x 28
INK = 0.5  # threshold on the enlarged digit (0..1)
MIN_STROKE = 5  # skeleton pixels; shorter traces are spurs of the thinning, not strokes
MAX_STROKES = 4
NEIGHBOURS = ((0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1))  # 4-neighbours first


def thin(ink: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a boolean image: the one-pixel-wide skeleton of its strokes."""
    img = np.pad(ink.astype(np.uint8), 1)
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            p2, p3, p4 = img[:-2, 1:-1], img[:-2, 2:], img[1:-1, 2:]  # N, NE, E
            p5, p6, p7 = img[2:, 2:], img[2:, 1:-1], img[2:, :-2]  # SE, S, SW
            p8, p9 = img[1:-1, :-2], img[:-2, :-2]  # W, NW
            ring = (p2, p3, p4, p5, p6, p7, p8, p9, p2)
            neighbours = sum(p.astype(np.int32) for p in ring[:-1])
            transitions = sum(((a == 0) & (b == 1)).astype(np.int32) for a, b in zip(ring[:-1], ring[1:], strict=True))
            if step == 0:
                side = ((p2 * p4 * p6) == 0) & ((p4 * p6 * p8) == 0)
            else:
                side = ((p2 * p4 * p8) == 0) & ((p2 * p6 * p8) == 0)
            centre = img[1:-1, 1:-1]
            remove = (centre == 1) & (neighbours >= 2) & (neighbours <= 6) & (transitions == 1) & side
            if remove.any():
                centre[remove] = 0
                changed = True
    return img[1:-1, 1:-1].astype(bool)


def trace(skeleton: np.ndarray) -> list[list[tuple[int, int]]]:
    """A skeleton as polylines of (row, col): each starts at the topmost free end (or anywhere on a
    loop) and follows the line, going straight on at crossings; what is left becomes further lines."""
    remaining = {(int(r), int(c)) for r, c in zip(*np.nonzero(skeleton), strict=True)}

    def free(point):
        return [(point[0] + dr, point[1] + dc) for dr, dc in NEIGHBOURS if (point[0] + dr, point[1] + dc) in remaining]

    lines = []
    while remaining:
        ends = [p for p in remaining if len(free(p)) <= 1]
        start = min(ends or remaining)
        line, heading = [start], None
        remaining.discard(start)
        while next_points := free(line[-1]):
            here = line[-1]
            if heading is None:
                step = next_points[0]
            else:  # the neighbour that keeps the direction best
                step = max(next_points, key=lambda p: (p[0] - here[0]) * heading[0] + (p[1] - here[1]) * heading[1])
            heading = (step[0] - here[0], step[1] - here[1])
            line.append(step)
            remaining.discard(step)
        if len(line) > 2 and max(abs(line[-1][0] - start[0]), abs(line[-1][1] - start[1])) <= 1:
            line.append(start)  # a closed loop, like a 0
        lines.append(line)
    return lines


def pen_strokes(digit: np.ndarray, canvas: int = 280) -> list[list[tuple[float, float]]]:
    """A (28, 28) uint8 digit -> at most MAX_STROKES strokes of (x, y) canvas pixels, in drawing order."""
    side = 28 * UPSCALE
    big = np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BILINEAR), np.float32) / 255
    lines = [line for line in trace(thin(big >= INK)) if len(line) >= MIN_STROKE]
    kept = sorted(sorted(lines, key=len, reverse=True)[:MAX_STROKES], key=lambda line: min(line))
    scale = canvas / side
    return [[((c + 0.5) * scale, (r + 0.5) * scale) for r, c in line[::2] + line[-1:]] for line in kept]
