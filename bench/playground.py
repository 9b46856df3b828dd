"""Benchmark for the playground: prints the figures named in the playground issue.

    python bench/playground.py                          # bundled digits (works offline)
    python bench/playground.py --data mnist --root DIR  # real MNIST, where it exists in DIR

Figures:
  agreement  test digits enlarged to canvas size (6-9x) and moved off-centre on a 280x280 RGBA
             canvas, through `to_mnist` and the CNN trained with the seed defaults (1 epoch):
             how often they get the same class as the original 28x28 digits (goal: >= 95%)
  prepared   the same, with the bundled digits first prepared the MNIST way (`to_mnist`: centred by
             centre of mass, not by bounding box as core.data places them), for training and testing,
             so that they are prepared like MNIST; on MNIST itself this equals `agreement`
  pipeline   server-side time from a canvas image to everything the page shows (preprocess,
             model copy, probabilities, feature maps, saliency, the Plotly figures)
  browser    mouse up on the canvas -> the prediction on screen, in Chromium (needs /usr/bin/chromium;
             goal: < 1 s), median of a few drawings
  drawing    (only when asked: --only drawing) the CNN page trains at its defaults in Chromium, then
             test digits are drawn on the playground's canvas with the mouse as pen strokes
             (bench/strokes.py), each right after Clear: at a quick pace (no pause between strokes or
             after Clear) and at a slow one (--pause, 2 s). Prints the accuracy at each pace, how often
             what was analysed differed from what the canvas shows, and the median time from the last
             stroke's mouse-up to the answer on screen (goals: quick within 1 digit in 30 of slow; <= 1 s).
             --steps N trains only N steps (for development).
Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from bench import drawing as pen  # noqa: E402
from bench.common import IDLE, app_in_chromium  # noqa: E402
from bench.strokes import pen_strokes  # noqa: E402
from core import figures  # noqa: E402
from core.base import seeded  # noqa: E402
from core.data import ImageData, as_float, load_images  # noqa: E402
from core.inspect_cnn import look_inside_cnn  # noqa: E402
from core.models import CNN, snapshot  # noqa: E402
from core.preprocess import preprocess, to_mnist  # noqa: E402
from core.training import ClassifierConfig, train_classifier  # noqa: E402

CANVAS = 280


def seed_cnn(data: ImageData) -> CNN:
    """The seed's CNN after the seed's epoch. Evaluation and embeddings never touch the weights,
    so they are switched off here: the same weights, sooner."""
    model = seeded(CNN, 1)
    for _ in train_classifier(model, data, ClassifierConfig(eval_every=10_000, embed_method="none")):
        pass
    return model.eval()


def on_canvas(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A (28, 28) uint8 digit enlarged 6-9x (bilinear) and put at a random place on a black RGBA canvas."""
    side = int(28 * rng.uniform(6, 9))
    big = np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BILINEAR))
    top, left = rng.integers(0, CANVAS - side + 1, size=2)
    canvas = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    canvas[..., 3] = 255
    canvas[top:top + side, left:left + side, :3] = big[..., None]
    return canvas


def mnist_style(data: ImageData) -> ImageData:
    """Every image re-prepared with `to_mnist`, as MNIST prepared its digits."""
    def prepare(images: torch.Tensor) -> torch.Tensor:
        out = [to_mnist(x) for x in images.numpy()]
        return torch.from_numpy((np.stack([np.zeros((28, 28)) if x is None else x for x in out]) * 255).round()
                                .astype(np.uint8))
    return ImageData(prepare(data.train_x), data.train_y, prepare(data.test_x), data.test_y, data.classes,
                     f"{data.name} (prepared like MNIST)")


def predict(model: CNN, images: torch.Tensor) -> np.ndarray:
    with torch.inference_mode():
        return torch.cat([model(images[i:i + 500])[0].argmax(1) for i in range(0, len(images), 500)]).numpy()


def agreement(data: ImageData, model: CNN, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    test_x, test_y = data.test_x[:n], data.test_y[:n].numpy()
    start = time.perf_counter()
    prepared, blank, shift = [], 0, []
    for digit in test_x.numpy():
        canvas = on_canvas(digit, rng)
        ink = np.nonzero(canvas[..., 0])
        shift.append(np.hypot(ink[0].mean() - CANVAS / 2, ink[1].mean() - CANVAS / 2))
        x = to_mnist(canvas)
        blank += x is None
        prepared.append(np.zeros((28, 28), np.float32) if x is None else x)
    seconds = time.perf_counter() - start
    original = predict(model, as_float(test_x))
    redrawn = predict(model, torch.from_numpy(np.stack(prepared)))
    same = (original == redrawn).mean()
    print(f"agreement {len(test_y)} {data.name} test digits enlarged 6-9x, ink centre {np.mean(shift):.0f} px "
          f"off the canvas centre on average: same class as the original {same:.2%} "
          f"(accuracy original {(original == test_y).mean():.2%}, through to_mnist {(redrawn == test_y).mean():.2%}; "
          f"{blank} blank; to_mnist {1000 * seconds / len(test_y):.1f} ms per canvas)")


def pipeline(data: ImageData, model: CNN, repeats: int = 30) -> None:
    rng = np.random.default_rng(1)
    canvases = [on_canvas(d, rng) for d in data.test_x[:repeats].numpy()]
    times = []
    classes = [str(c) for c in data.classes]
    for canvas in canvases:
        start = time.perf_counter()
        stages = preprocess(canvas)
        view = look_inside_cnn(snapshot(model), stages.centred)
        figures.probability_figure(view.probabilities, classes, title="p", x_title="p")
        for maps in view.block_maps:
            figures.feature_grid_figure(maps, title="c", item="map")
        figures.feature_grid_figure(view.conv1_filters, title="f", item="filter", signed=True)
        figures.saliency_figure(stages.centred, view.saliency, title="s")
        times.append(time.perf_counter() - start)
    times = sorted(times[1:])  # the first pays for lazy imports
    print(f"pipeline  canvas -> preprocess, CNN view and figures: median {1000 * statistics.median(times):.0f} ms, "
          f"worst {1000 * times[-1]:.0f} ms ({len(times)} drawings)")


def browser(data_name: str, drawings: int = 5) -> None:
    """Mouse up on the canvas -> the CNN's prediction on screen, in Chromium, after a quick run."""
    from tests.browser.test_playground import draw_a_one

    with app_in_chromium(data_name, LIVELAB_MAX_STEPS="100") as page:
        page.get_by_role("link", name="Playground").first.click()
        page.get_by_role("button", name="Quick-train a CNN").click()
        page.get_by_text("No network has been trained").wait_for(state="detached", timeout=300_000)
        page.wait_for_timeout(500)
        page.wait_for_selector(IDLE, timeout=300_000)
        prediction, charts = [], []
        for _ in range(drawings):
            page.get_by_role("button", name="Clear", exact=True).click()
            page.get_by_text("CNN: ").first.wait_for(state="detached", timeout=30_000)
            page.wait_for_selector(IDLE, timeout=30_000)
            draw_a_one(page)
            start = time.perf_counter()
            page.get_by_text("CNN: ").first.wait_for(timeout=30_000)
            prediction.append(time.perf_counter() - start)
            page.locator("[data-testid='stPlotlyChart'] >> text=/Saliency: what made it/").wait_for(timeout=30_000)
            charts.append(time.perf_counter() - start)
            page.wait_for_selector(IDLE, timeout=30_000)
    print(f"browser   mouse up -> prediction on screen: median {statistics.median(prediction):.2f} s "
          f"(all {', '.join(f'{s:.2f}' for s in prediction)}); -> every chart drawn: "
          f"median {statistics.median(charts):.2f} s")


def drawing(data: ImageData, root: str | None, n: int, pause: float, steps: int | None) -> None:
    """Test digits drawn with the mouse on the playground after the CNN page's run, quick and slow."""
    env = {"LIVELAB_DATA_DIR": root} if root else {}
    if steps:
        env["LIVELAB_MAX_STEPS"] = str(steps)
    digits, labels = data.test_x[:n].numpy(), [str(data.classes[y]) for y in data.test_y[:n]]
    strokes = [pen_strokes(digit) for digit in digits]
    with app_in_chromium(data.name, "cnn", **env) as page:
        page.wait_for_selector(IDLE, timeout=120_000)
        start = time.perf_counter()
        page.get_by_role("button", name="Train", exact=True).first.click()
        page.wait_for_selector("text=Training finished.", timeout=3_600_000)
        print(f"drawing   the CNN page trained at its defaults{f' ({steps} steps)' if steps else ''} on "
              f"{data.name} in Chromium in {time.perf_counter() - start:.0f} s", flush=True)
        page.get_by_role("link", name="Playground").first.click()
        page.locator(pen.CANVAS).first.wait_for(timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        box = pen.watch(page)
        for pace, seconds in (("quick", 0.0), ("slow", pause)):
            readings = []
            for digit_strokes in strokes:
                page.get_by_role("button", name="Clear", exact=True).click()
                time.sleep(seconds)
                pen.draw(page, box, digit_strokes, seconds)
                pen.settle(page)
                readings.append(pen.read(page, digit_strokes))
            right = sum(r.answer == label for r, label in zip(readings, labels, strict=True))
            analysed = [r.seconds for r in readings if r.analysed_canvas and r.seconds is not None]
            timing = (f"median {statistics.median(analysed):.2f} s, worst {max(analysed):.2f} s"
                      if analysed else "never")
            print(f"drawing   {pace} pace ({seconds:g} s between strokes and after Clear): {right}/{n} read right; "
                  f"analysed not what the canvas shows: {sum(not r.analysed_canvas for r in readings)}; "
                  f"strokes gone from the canvas: {sum(not r.kept_strokes for r in readings)}; "
                  f"last mouse-up -> answer on screen {timing} ({len(analysed)} drawings)", flush=True)
            for i, (reading, label) in enumerate(zip(readings, labels, strict=True)):
                if not (reading.analysed_canvas and reading.kept_strokes):
                    print(f"          test digit {i} ({label}, {len(strokes[i])} strokes): read as {reading.answer}, "
                          f"analysed = canvas {reading.analysed_canvas}, canvas kept every stroke "
                          f"{reading.kept_strokes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="digits", choices=("digits", "mnist"))
    parser.add_argument("--root", default=None, help="data folder holding MNIST/raw (default: ./data)")
    parser.add_argument("--n", type=int, default=2000, help="test digits in the agreement figure")
    parser.add_argument("--only", nargs="*", default=["agreement", "prepared", "pipeline", "browser"],
                        help="figures to print; 'drawing' is only printed when named")
    parser.add_argument("--drawings", type=int, default=30, help="test digits drawn in the drawing figure")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between strokes at the slow pace")
    parser.add_argument("--steps", type=int, default=None, help="drawing: train only this many steps (development)")
    args = parser.parse_args()
    data = load_images(args.data, root=args.root, download=False)
    if data.note:
        sys.exit(f"{args.data} not found: {data.note}")
    print(f"dataset {data.name}: {len(data.train_y)} train / {len(data.test_y)} test images; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    model = seeded(CNN, 1).eval()  # the pipeline's time does not depend on the weights
    if "agreement" in args.only:
        start = time.perf_counter()
        model = seed_cnn(data)
        print(f"trained   the seed's CNN, 1 epoch, in {time.perf_counter() - start:.0f} s")
        agreement(data, model, args.n)
    if "pipeline" in args.only:
        pipeline(data, model)
    if "prepared" in args.only and data.name == "digits":
        start = time.perf_counter()
        prepared = mnist_style(data)
        model = seed_cnn(prepared)
        print(f"trained   the seed's CNN on the digits prepared like MNIST in {time.perf_counter() - start:.0f} s")
        agreement(prepared, model, args.n)
    if "browser" in args.only:
        browser(args.data)
    if "drawing" in args.only:
        drawing(data, args.root, args.drawings, args.pause, args.steps)


if __name__ == "__main__":
    main()
