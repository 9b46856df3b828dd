"""Benchmark for the RNN regression page: prints the figures named in its issue.

    python bench/rnn_regression.py                  # everything, seeds 1 2 3
    python bench/rnn_regression.py --only loss --seeds 1 2 3 4 5

Figures:
  loss      tutorial defaults, 100 steps: mean loss of the last 10 steps per seed, ours and the tutorial
            script's own loop (nn.RNN, a Python loop over time steps, h_state.data), and the mean
  speed     100 tutorial steps: our generator vs the tutorial script's loop, plotting left out of both
  page      the live page served to a protocol-level tab (click Train, its fragment redrawing every
            chart a few times a second, the free-running test), end to end, with the page's default
            delay per step and with none, and the bare loop's time beside it
Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from bench.common import served_page_run  # noqa: E402
from core.models import RegressorSpec  # noqa: E402
from core.regression import RegressionConfig  # noqa: E402
from core.run import regression_run  # noqa: E402

STEPS = 100


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def ours(seed: int) -> list[float]:
    return [r.loss for r in regression_run(RegressorSpec(), RegressionConfig(seed=seed, device="cpu")).train()]


class TutorialRNN(nn.Module):
    """The tutorial script's network, as written there."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=32, num_layers=1, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x, h_state):
        r_out, h_state = self.rnn(x, h_state)
        outs = [self.out(r_out[:, time_step, :]) for time_step in range(r_out.size(1))]
        return torch.stack(outs, dim=1), h_state


def tutorial_loop(seed: int) -> list[float]:
    """The tutorial script's training loop, plotting left out, seeded the way its comment suggests."""
    torch.manual_seed(seed)
    rnn = TutorialRNN()
    optimizer = torch.optim.Adam(rnn.parameters(), lr=0.02)
    loss_func = nn.MSELoss()
    h_state, losses = None, []
    for step in range(STEPS):
        start, end = step * np.pi, (step + 1) * np.pi
        steps = np.linspace(start, end, 10, dtype=np.float32, endpoint=False)
        x = torch.from_numpy(np.sin(steps)[np.newaxis, :, np.newaxis])
        y = torch.from_numpy(np.cos(steps)[np.newaxis, :, np.newaxis])
        prediction, h_state = rnn(x, h_state)
        h_state = h_state.data
        loss = loss_func(prediction, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def loss_figure(seeds: list[int]) -> None:
    for name, run in (("ours", ours), ("tutorial", tutorial_loop)):
        finals = [last_loss_of(run(seed)) for seed in seeds]
        per_seed = ", ".join(f"seed {s}: {f:.4f}" for s, f in zip(seeds, finals, strict=True))
        print(f"loss      {name:9s} last-10 mean loss after {STEPS} steps: {per_seed} -> mean {np.mean(finals):.4f}, "
              f"max {np.max(finals):.4f}")


def last_loss_of(losses: list[float]) -> float:
    return float(np.mean(losses[-10:]))


def speed_figure() -> None:
    ours(0), tutorial_loop(0)  # warm up
    _, mine = timed(lambda: ours(1))
    _, theirs = timed(lambda: tutorial_loop(1))
    print(f"speed     {STEPS} steps, bare loops: ours {mine:.3f} s ({1000 * mine / STEPS:.2f} ms/step), "
          f"tutorial loop {theirs:.3f} s")


def page_figure() -> None:
    """The live page, served to a protocol-level tab (its fragment reruns, nothing drawn), end to end,
    with the page's delay per step and without; and the bare loop's time for the same steps."""
    for delay in (0.02, 0.0):
        seconds = served_page_run("rnn-regression", "rnn_regression", "digits", None, query=f"step_delay={delay}")
        line = f"page      {STEPS} tutorial steps, live page with a delay of {delay} s/step: {seconds:.2f} s end to end"
        if delay == 0:
            bare = np.median([timed(lambda: ours(1))[1] for _ in range(3)])
            line += f" (the bare loop: {bare:.2f} s)"
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3])
    parser.add_argument("--only", nargs="*", default=["loss", "speed", "page"])
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    if "loss" in args.only:
        loss_figure(args.seeds)
    if "speed" in args.only or "page" in args.only:
        speed_figure()  # also warms up torch (the first Adam step imports torch._dynamo: ~2 s)
    if "page" in args.only:
        page_figure()


if __name__ == "__main__":
    main()
