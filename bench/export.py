"""Benchmark for the exported scripts: each page's script, run outside the app, against the page's own run.

    python bench/export.py --data mnist --root DIR      # real MNIST in DIR/MNIST/raw
    python bench/export.py --only regression            # needs no data

Figures, at the pages' defaults (core.presets):
  cnn, lstm    1 epoch: accuracy on the whole test set (the figure the page quotes after a run), the
               page's run (core.run.classifier_run, core.training.whole_test_accuracy) and its script
  regression   last-10 loss, the page's run (core.run.regression_run) and its script
and the time of each. The page's run trains as the app trains it (a worker thread, core's training thread
count) but without its t-SNE frames, which a script does not draw. A script runs in a process of its own,
on as many threads as the page's run (--script-threads 0: torch's default, as a teacher's copy runs), and
its time includes starting Python, importing torch and reading the data. With the same thread count the
figures agree to the last digit; with another, floating-point sums round differently and the runs part a
little over an epoch. Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import add_data_arguments, load_data, timed  # noqa: E402
from core import export, presets, threads  # noqa: E402
from core.data import ImageData, default_root  # noqa: E402
from core.regression import last_loss  # noqa: E402
from core.run import classifier_run, regression_run  # noqa: E402
from core.training import whole_test_accuracy  # noqa: E402


def run_script(text: str, args: argparse.Namespace, *options: str) -> tuple[list[str], float]:
    """Run a script as a teacher would, in a folder of its own: (its output lines, seconds)."""
    env = {**os.environ, **({"OMP_NUM_THREADS": str(args.script_threads)} if args.script_threads else {})}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "exported.py"
        path.write_text(text)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(path), *options], cwd=folder, env=env, capture_output=True,
                              text=True)
        seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"the exported script failed:\n{done.stderr}")
    return done.stdout.splitlines(), seconds


def classifier(name: str, preset: presets.Preset, data: ImageData, args: argparse.Namespace) -> None:
    spec, config = preset.split({})
    run = classifier_run(spec, config.replace(embed_method="none"), data)
    records, page_seconds = timed(lambda: list(run.train()))
    page_accuracy = whole_test_accuracy(run.model, data)
    lines, script_seconds = run_script(export.script(spec, config, data.name), args, "--data", args.root)
    print(f"{name:<10} page defaults, 1 epoch on {data.name} ({len(records)} steps), accuracy on all "
          f"{len(data.test_y)} test images: page's run {page_accuracy:.4f} ({page_seconds:.1f} s, "
          f"{threads.training_budget()} threads), script {lines[-1].split()[-1]} ({script_seconds:.1f} s; "
          f"{lines[0]})", flush=True)


def regression(args: argparse.Namespace) -> None:
    spec, config = presets.RNN_REGRESSION.split({})
    run = regression_run(spec, config)
    records, page_seconds = timed(lambda: list(run.train()))
    lines, script_seconds = run_script(export.script(spec, config), args)
    print(f"regression page defaults, {config.steps} steps: last-10 loss of the page's run {last_loss(records):.4g} "
          f"({page_seconds:.1f} s, {threads.training_budget()} threads), script {lines[-1].split()[-1]} "
          f"({script_seconds:.1f} s; {lines[0]})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arguments(parser)
    parser.add_argument("--only", nargs="*", default=["cnn", "lstm", "regression"])
    parser.add_argument("--script-threads", type=int, default=threads.training_budget(),
                        help="torch threads for the scripts (default: the page's; 0: torch's own default)")
    args = parser.parse_args()
    data = load_data(args) if {"cnn", "lstm"} & set(args.only) else None
    if data is not None and data.name not in export.loadable():
        readable = " or ".join(export.loadable())
        print(f"cnn, lstm  skipped: an exported script reads {readable} (--data mnist --root DIR)")
    elif data is not None:
        args.root = str(Path(args.root or default_root()).resolve())
        for name, preset in (("cnn", presets.CNN), ("lstm", presets.RNN_CLASSIFIER)):
            if name in args.only:
                classifier(name, preset, data, args)
    if "regression" in args.only:
        regression(args)


if __name__ == "__main__":
    main()
