"""A lone student's CNN run against a plain torch loop: does one run on an otherwise quiet server use
the whole machine? It prints figures, not a verdict.

    python bench/lone_run.py --data mnist --root DIR        # one epoch of each (real MNIST)
    python bench/lone_run.py --max-steps 100                # a short check on the bundled digits

In one invocation, for --repeat rounds, it times one epoch (or --max-steps steps) of the CNN page's
network, data and batch size, trained:
  plain loop      by a plain torch loop (bench/plain_loop.py: shuffled batches, forward, loss, backward,
                  Adam; nothing else) in a fresh process on the app's training threads (on a hosted
                  2-core server: 2);
  page defaults   as the app trains a student's run: core.run.classifier_run at the CNN page's
                  defaults on the server's scheduler (core/scheduler.py), alone on it, its
                  evaluations and t-SNE frames aside, every record kept (the page itself is not drawn);
  bare            the same run evaluating only at its first and last step, without frames (bench/cnn.py's
                  bare run: training alone);
  tutorial        the same run on the tutorial's schedule (bench/cnn.py: a test on 2000 images and a
                  t-SNE frame of 500 points every 50 steps).
Each app row is printed with its ratio to the round's plain loop; with --repeat > 1, the median ratio
of each. The issue's targets on a 2-core machine: page defaults <= 1.15x, tutorial <= 1.25x.
Before the first round the process rehearses a run, as the server does at start-up (core.run.rehearse).
Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cnn import TUTORIAL_SCHEDULE  # noqa: E402
from bench.common import add_data_arguments, load_data, timed_run  # noqa: E402
from bench.plain_loop import plain_loop  # noqa: E402
from core import presets, threads  # noqa: E402
from core import scheduler as scheduler_module  # noqa: E402
from core.data import ImageData  # noqa: E402
from core.run import classifier_run, rehearse  # noqa: E402
from core.training import ClassifierConfig, total_steps  # noqa: E402


def app_configs(max_steps: int | None) -> dict[str, ClassifierConfig]:
    """The app's runs timed against the plain loop, by name; `max_steps` caps each."""
    _, defaults = presets.CNN.split({}, max_steps=max_steps)
    tutorial = defaults.replace(**{name: getattr(TUTORIAL_SCHEDULE, name)
                                   for name in ("eval_every", "embed_every", "embed_points", "test_size")})
    return {"page defaults": defaults, "bare": defaults.replace(eval_every=10_000, embed_method="none"),
            "tutorial": tutorial}


def one_round(data: ImageData, args: argparse.Namespace, ratios: dict[str, list[float]]) -> None:
    configs = app_configs(args.max_steps)
    steps = total_steps(len(data.train_y), configs["page defaults"])
    plain, used = plain_loop(args.data, args.root, steps)
    print(f"plain      {steps} steps on {data.name}, a plain torch loop on {used} threads: {plain:.1f} s "
          f"({steps / plain:.1f} steps/s)", flush=True)
    spec, _ = presets.CNN.split({})
    for name, config in configs.items():
        run = classifier_run(spec, config, data)
        seconds = timed_run(run)
        ratios[name].append(seconds / plain)
        evaluations = sum(record.accuracy is not None for record in run.records)
        frames = sum(record.embedding is not None for record in run.records)
        print(f"app        {name}: {len(run.records)} steps in {seconds:.1f} s -> {seconds / plain:.2f}x the plain "
              f"loop ({evaluations} evaluations, {frames} t-SNE frames)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arguments(parser)
    parser.add_argument("--max-steps", type=int, default=None, help="train this many steps instead of one epoch")
    args = parser.parse_args()
    data = load_data(args)
    server = scheduler_module.server()
    print(f"threads    training budget {server.threads} of {threads.TORCH_DEFAULT_THREADS} cores, "
          f"{server.slots} training slots", flush=True)
    rehearse()
    ratios: dict[str, list[float]] = {name: [] for name in app_configs(args.max_steps)}
    for _ in range(args.repeat):
        one_round(data, args, ratios)
    if args.repeat > 1:
        for name, values in ratios.items():
            print(f"median     {name}: {statistics.median(values):.2f}x the plain loop "
                  f"(range {min(values):.2f}-{max(values):.2f}x over {len(values)} rounds)")


if __name__ == "__main__":
    main()
