"""Benchmark for the RNN regression page: prints the figures named in its issue.

    python bench/rnn_regression.py                  # everything, seeds 1 2 3
    python bench/rnn_regression.py --only loss --seeds 1 2 3 4 5

Figures:
  loss      seed defaults, 100 steps: mean loss of the last 10 steps per seed, ours and the seed
            script's own loop (nn.RNN, a Python loop over time steps, h_state.data), and the mean
  speed     100 seed steps: our generator vs the seed script's loop, plotting left out of both
  page      the live page (AppTest: click Train, every chart redrawn every 0.3 s, free-running
            test), end to end, with the page's default pause per step and with none; and, with
            no pause, the time per step while the page draws vs the bare loop's
Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

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


class SeedRNN(nn.Module):
    """The seed script's network, as written there."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=32, num_layers=1, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x, h_state):
        r_out, h_state = self.rnn(x, h_state)
        outs = [self.out(r_out[:, time_step, :]) for time_step in range(r_out.size(1))]
        return torch.stack(outs, dim=1), h_state


def seed_loop(seed: int) -> list[float]:
    """The seed script's training loop, plotting left out, seeded the way its comment suggests."""
    torch.manual_seed(seed)
    rnn = SeedRNN()
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
    for name, run in (("ours", ours), ("seed loop", seed_loop)):
        finals = [last_loss_of(run(seed)) for seed in seeds]
        per_seed = ", ".join(f"seed {s}: {f:.4f}" for s, f in zip(seeds, finals, strict=True))
        print(f"loss      {name:9s} last-10 mean loss after {STEPS} steps: {per_seed} -> mean {np.mean(finals):.4f}, "
              f"max {np.max(finals):.4f}")


def last_loss_of(losses: list[float]) -> float:
    return float(np.mean(losses[-10:]))


def speed_figure() -> None:
    ours(0), seed_loop(0)  # warm up
    _, mine = timed(lambda: ours(1))
    _, theirs = timed(lambda: seed_loop(1))
    print(f"speed     {STEPS} steps, bare loops: ours {mine:.3f} s ({1000 * mine / STEPS:.2f} ms/step), "
          f"seed loop {theirs:.3f} s")


def page_figure() -> None:
    from streamlit.testing.v1 import AppTest

    os.environ.pop("LIVELAB_MAX_STEPS", None)
    for pause in (0.02, 0.0):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state["device"] = "cpu"
        at.run()
        at.switch_page("app_pages/rnn_regression.py").run()
        at.select_slider(key="widget.rnn_regression.pause").set_value(pause).run()
        at.button(key="rnn_regression.btn.train").click()
        _, seconds = timed(at.run)
        assert not at.exception, at.exception
        session = at.session_state["rnn_regression.session"]
        line = (f"page      {len(session.run.history)} seed steps, live page with a pause of {pause} s/step: "
                f"{seconds:.2f} s end to end")
        if pause == 0:  # a step's time while the page draws, against the bare loop's just after
            drawn = 1 / session.run.progress(window_s=3600).per_second
            bare = np.median([timed(lambda: ours(1))[1] for _ in range(3)]) / STEPS
            line += (f"; a step while drawing {1000 * drawn:.2f} ms vs bare {1000 * bare:.2f} ms "
                     f"-> drawing adds {drawn / bare - 1:.0%} of a step")
        print(line)


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
