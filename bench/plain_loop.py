"""The machine's own pace: the CNN page's network trained by a plain torch loop, to set the app's
figures against (bench/lone_run.py, bench/classroom.py), measured in the same invocation as they are.

It runs in a fresh process of its own: no OpenMP team of the benchmark's threads beside it, torch
imported there (bench/classroom.py's process speaks to the server and needs no torch), and the
threads the app would give training (core/threads.py: every core on a hosted server) unless told.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARMUP_STEPS = 3


def plain_loop(data_name: str, root: str | None, steps: int, torch_threads: int | None = None) -> tuple[float, int]:
    """(seconds, threads): `steps` steps of the CNN page's defaults (its network with weights from
    the seed, optimizer, learning rate and batch size) on `data_name`, trained by a plain loop:
    shuffled batches, forward, loss, backward, step, nothing else, an epoch after another. On
    `torch_threads` threads (default: the app's training budget). Loading the data is not timed, nor
    are WARMUP_STEPS steps before them (torch's first steps import and prepare more: the app pays that
    in its start-up rehearsal, core.run.rehearse)."""
    context = multiprocessing.get_context("spawn")
    result = context.Queue()
    process = context.Process(target=_train, args=(data_name, root, steps, torch_threads, result))
    process.start()
    seconds, used = result.get()
    process.join()
    return seconds, used


def _train(data_name: str, root: str | None, steps: int, torch_threads: int | None, result) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import torch

    from core import presets, threads
    from core.data import as_float, load_images
    from core.training import make_optimizer

    torch.set_num_threads(torch_threads or threads.training_budget())
    data = load_images(data_name, root=root, download=False)
    spec, config = presets.CNN.split({})
    model = spec.build(config.seed)
    optimizer = make_optimizer(config.optimizer, model.parameters(), config.lr)
    shuffle = torch.Generator().manual_seed(config.seed)
    done, start = 0, time.perf_counter()
    while done < WARMUP_STEPS + steps:  # an epoch at a time, its last batch partial, as the app's loop
        batches = torch.randperm(len(data.train_y), generator=shuffle).split(config.batch_size)
        for index in batches[:WARMUP_STEPS + steps - done]:
            if done == WARMUP_STEPS:
                start = time.perf_counter()
            logits, _ = model(as_float(data.train_x[index]))
            loss = torch.nn.functional.cross_entropy(logits, data.train_y[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss.item()
            done += 1
    result.put((time.perf_counter() - start, torch.get_num_threads()))
