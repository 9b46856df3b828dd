"""Benchmark for the CNN page: prints the figures named in the walking-skeleton issue.

    python bench/cnn.py                          # bundled digits (works offline)
    python bench/cnn.py --data mnist --root DIR  # real MNIST, where it exists in DIR
    python bench/cnn.py --mnist-sized --only schedule overhead  # timings at MNIST scale, offline

Figures:
  accuracy   seed defaults, 1 epoch: test accuracy
  schedule   the seed's schedule (eval on 2000 images + a t-SNE frame every 50 steps): our
             epoch vs the seed script's loop (DataLoader + sklearn TSNE n_iter=5000) -> speed-up
  overhead   page defaults: the live page (AppTest, every chart drawn) vs the bare loop -> ratio
  latency    click Train -> first loss point on screen, in Chromium (needs /usr/bin/chromium)
Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
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
    timed,
)
from core.data import ImageData  # noqa: E402
from core.models import CNN, CNNSpec  # noqa: E402
from core.run import classifier_run  # noqa: E402
from core.training import ClassifierConfig, whole_test_accuracy  # noqa: E402


def seed_accuracy(data: ImageData) -> None:
    config = ClassifierConfig()
    run = classifier_run(CNNSpec(), config, data)
    records, seconds = timed(lambda: list(run.train()))
    model = run.model
    print(f"accuracy  seed defaults, 1 epoch on {data.name}: test accuracy {records[-1].accuracy:.4f} on the first "
          f"{min(config.test_size, len(data.test_y))}, {whole_test_accuracy(model, data):.4f} on all "
          f"{len(data.test_y)} ({len(records)} steps, {seconds:.1f} s)")


def seed_script_loop(data: ImageData, max_frames: int | None) -> tuple[float, int]:
    """The seed script's loop, minus plotting: DataLoader batches, eval on 2000 test images and
    an sklearn t-SNE (n_iter=5000) of 500 points every 50 steps."""
    from sklearn.manifold import TSNE
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(1)
    model = CNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    train = TensorDataset(data.train_x.unsqueeze(1).float() / 255, data.train_y)
    loader = DataLoader(train, batch_size=50, shuffle=True)
    test_x = data.test_x[:2000].unsqueeze(1).float() / 255
    test_y = data.test_y[:2000]
    frames = 0
    start = time.perf_counter()
    for step, (bx, by) in enumerate(loader):
        loss = F.cross_entropy(model(bx)[0], by)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 50 == 0:
            out, last_layer = model(test_x)
            (out.argmax(1) == test_y).float().mean().item()
            if max_frames is None or frames < max_frames:
                TSNE(perplexity=30, n_components=2, init="pca", max_iter=5000).fit_transform(
                    last_layer.detach().numpy()[:500])
                frames += 1
    return time.perf_counter() - start, frames


def schedule_speedup(data: ImageData, seed_frames: int | None) -> None:
    config = ClassifierConfig(eval_every=50, embed_every=50, embed_points=500, test_size=2000)
    records, ours = timed(lambda: list(classifier_run(CNNSpec(), config, data).train()))
    frames = sum(r.embedding is not None for r in records)
    seed_seconds, seed_frames_done = seed_script_loop(data, seed_frames)
    total_seed_frames = len(range(0, len(records), 50))
    if seed_frames_done < total_seed_frames:  # extrapolate the frames we skipped
        per_frame = seed_seconds / max(seed_frames_done, 1)
        seed_seconds += per_frame * (total_seed_frames - seed_frames_done)
        note = f" (t-SNE frames measured: {seed_frames_done}, extrapolated to {total_seed_frames})"
    else:
        note = ""
    print(f"schedule  eval+t-SNE every 50 steps, 1 epoch on {data.name}: ours {ours:.1f} s ({frames} frames), "
          f"seed loop {seed_seconds:.1f} s{note} -> {seed_seconds / ours:.1f}x faster")


def bare_loop(run):
    """The page's run without evaluation, embedding or charts."""
    return classifier_run(run.spec, run.config.replace(eval_every=10_000, embed_method="none"), run.data).train()


def first_point_latency(data_name: str) -> None:
    """Seconds from the Train click to the first loss point in the browser (data already loaded)."""
    with app_in_chromium(data_name) as page:
        page.get_by_role("link", name="CNN on MNIST").first.click()
        page.wait_for_selector("text=Before training", timeout=120_000)
        page.wait_for_selector(IDLE, timeout=120_000)  # data loaded, page script done
        page.wait_for_selector("[data-testid='stPlotlyChart'] >> text=label:", timeout=60_000)
        page.wait_for_timeout(1500)  # the browser has drawn the page, as a student would see it
        start = time.perf_counter()
        page.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_selector("[data-testid='stPlotlyChart'] >> text=Training loss", timeout=60_000)
        seconds = time.perf_counter() - start
    print(f"latency   click Train -> first loss point on screen: {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arguments(parser)
    parser.add_argument("--only", nargs="*", default=["accuracy", "schedule", "overhead", "latency"])
    parser.add_argument("--seed-frames", type=int, default=None,
                        help="measure only this many of the seed loop's slow t-SNE frames and extrapolate")
    args = parser.parse_args()
    data = load_data(args)
    if "accuracy" in args.only:
        seed_accuracy(data)
    if "schedule" in args.only:
        schedule_speedup(data, args.seed_frames)
    if "overhead" in args.only:
        page_overhead("cnn", "cnn", args, bare_loop)
    if "latency" in args.only:
        first_point_latency(args.data)


if __name__ == "__main__":
    main()
