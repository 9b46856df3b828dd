"""Benchmark for kept runs: prints the memory a page's kept run holds, and a session's bound.

    python bench/history.py

Figures (bytes of `pickle.dumps(kept_run)`: everything a kept run holds, its weights included):
  kept      a kept run of each page's default network, with the curves of the page's default run on
            MNIST (CNN 1,200 steps, LSTM 938, regression 100), and with the longest run the sidebar
            allows (10 epochs at batch 16: 37,500 steps; regression 500); then the largest network
            the sidebar allows (CNN 64/64 channels, kernel 7; LSTM 256 units x 3 layers;
            regression LSTM 128 units). The curves' records are made up (one loss per step, an
            accuracy per evaluation): only their number matters here, not their values.
  live      for comparison, what the run it replaces holds: a real CNN run at the page's defaults on
            the bundled digits: its records (pickled: embedding frames, confusion matrices, gallery),
            its network, and Adam's two moments per weight (held by its generator until released)
  session   the bound for one student: pages x runs kept per page x the largest kept run, and at
            the pages' defaults
"""

from __future__ import annotations

import math
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import presets  # noqa: E402
from core.data import load_images  # noqa: E402
from core.models import CNNSpec, RegressorSpec, RNNClassifierSpec  # noqa: E402
from core.regression import RegressionRecord  # noqa: E402
from core.run import CLASSIFIER, REGRESSION, Run, classifier_run  # noqa: E402
from core.run_history import LIMIT, RunHistory  # noqa: E402
from core.runner import BackgroundRun  # noqa: E402
from core.training import StepRecord  # noqa: E402

MNIST_TRAIN = 60_000
LONGEST = 10 * math.ceil(MNIST_TRAIN / 16)  # the sidebar's most epochs at its smallest batch
PAGES = {  # page: (default spec, largest spec the sidebar offers, default run's steps on MNIST, longest run's)
    "cnn": (CNNSpec(), CNNSpec(blocks="32c5-p,64c5-p", fc="512"),  # near the 2,000,000 parameters allowed
            math.ceil(MNIST_TRAIN / presets.CNN.config.batch_size), LONGEST),
    "rnn_classifier": (RNNClassifierSpec(), RNNClassifierSpec(hidden_size=256, num_layers=3),
                       math.ceil(MNIST_TRAIN / presets.RNN_CLASSIFIER.config.batch_size), LONGEST),
    "rnn_regression": (RegressorSpec(), RegressorSpec(cell="lstm", hidden_size=128),
                       presets.RNN_REGRESSION.config.steps, 500),
}


def made_up_run(page: str, spec, steps: int) -> Run:
    """A run of `spec` that has done `steps` steps of made-up records (cheap: nothing trains)."""
    preset = presets.BY_NAME[spec.name]
    config = preset.config
    if page == "rnn_regression":
        records = (RegressionRecord(i, steps, 1 / i, *([None] * 4), None) for i in range(1, steps + 1))
        kind = REGRESSION
    else:
        records = (StepRecord(i, steps, 0, 1 / i, config.lr, 0.5 if i % config.eval_every == 0 else None)
                   for i in range(1, steps + 1))
        kind = CLASSIFIER
    run = Run(kind, spec, config, {"model": spec.build(config.seed)}, BackgroundRun(records, steps),
              preset.settings())
    while run.job.step():
        pass
    return run


def kept_bytes(run: Run) -> tuple[int, int, int]:
    """(pickled size of the kept run, its weights' bytes, its curves' bytes)."""
    history = RunHistory()
    history.add(run)
    kept = history.runs[0]
    return len(pickle.dumps(kept)), kept.weights.nbytes, kept.summary.metrics.nbytes


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def main() -> None:
    largest = {}
    default = {}
    print("kept run             network    steps    kept (pickle)   weights      curves")
    for page, (spec, big, steps, longest) in PAGES.items():
        for name, shape, n in (("default", spec, steps), ("default", spec, longest), ("largest", big, longest)):
            size, weights, curves = kept_bytes(made_up_run(page, shape, n))
            print(f"{page:20} {name:8} {n:>7,}   {kb(size):>12}   {kb(weights):>10}   {kb(curves):>9}")
            largest[page] = max(largest.get(page, 0), size)
            if name == "default" and n == steps:
                default[page] = size

    data = load_images("digits")
    run = classifier_run(presets.CNN.model, presets.CNN.config, data)
    list(run.train())
    records = len(pickle.dumps(run.records))
    weights = sum(tensor.nbytes for tensor in run.model.state_dict().values())
    print(f"\nlive CNN run, page defaults, bundled digits ({len(run.records)} steps): records {kb(records)} + "
          f"network {kb(weights)} + Adam's two moments {kb(2 * weights)} = {kb(records + 3 * weights)}; "
          f"kept: {kb(kept_bytes(run)[0])}")

    pages = len(PAGES)
    print(f"\nsession bound: {pages} pages x {LIMIT} runs x the largest kept run: "
          f"{kb(LIMIT * sum(largest.values()))} ({', '.join(f'{p} {kb(s)}' for p, s in largest.items())})")
    print(f"at the pages' defaults: {kb(LIMIT * sum(default.values()))} "
          f"({', '.join(f'{p} {kb(s)}' for p, s in default.items())})")


if __name__ == "__main__":
    main()
