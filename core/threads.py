"""How many CPU threads torch may use, set per Python thread.

torch runs its CPU ops on OpenMP (GNU libgomp). Each Python thread that runs a parallel op keeps an
OpenMP team of its own for as long as it lives. Once more OpenMP threads exist than the machine has
cores, libgomp stops spin-waiting between parallel regions and parks its threads instead, so every
op then pays a wake-up. A page script that had run a single convolution (a layer table, a playground
prediction) kept its team while it followed a training run, and training slowed down markedly.

So each thread says what it is: the scheduler's training workers share the training budget
(core/scheduler.py); page scripts, whose torch work is a forward pass on a few images, get one
thread and no OpenMP team. The setting is per thread (torch and MKL keep it thread-locally), so
neither slows the other.

The budget is every core on a hosted server, where each student's browser runs on the student's own
machine, and every core but one once a browser on the server's machine draws the pages (a local
`streamlit run` opened on localhost): training threads that spin against the browser slow a live run
down (README, "Threads", has the measurements). LIVELAB_TRAINING_THREADS overrides the choice
(core/environment.py).

numpy's BLAS (OpenBLAS) runs on one thread in this process: the app's numpy work is t-SNE and PCA on
a few hundred points, which one thread does faster, and an embedding frame must come out the same
whichever thread computed it (OpenBLAS splits its work differently when another thread calls it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import torch
from threadpoolctl import threadpool_limits

from core import environment

threadpool_limits(limits=1, user_api="blas")  # numpy's BLAS, for the whole process (see above)


def training_threads(cores: int, override: int | None = None, browser_here: bool = False) -> int:
    """torch threads for training on a machine where torch would use `cores`: `override` (the
    environment's count) when given; otherwise every core, less one when a browser on this machine
    draws the pages (a teacher's laptop), at least one."""
    if override:
        return override
    return max(1, cores - 1) if browser_here else cores


TORCH_DEFAULT_THREADS = torch.get_num_threads()  # the machine's cores, read before anything lowers it


def training_budget(browser_here: bool = False) -> int:
    """torch threads for training on this machine, as the environment sets them now (on a hosted
    server unless `browser_here`)."""
    return training_threads(TORCH_DEFAULT_THREADS, environment.current().training_threads, browser_here)


def use_for_training(count: int) -> int:
    """Give the calling thread `count` torch threads (a training worker's share of the budget): call it
    first in a thread that trains. Returns the count."""
    _set_for_this_thread(count)
    return count


def use_for_page() -> None:
    """Run the calling thread's torch ops on it alone, without an OpenMP team."""
    _set_for_this_thread(1)


TRAINING_NICENESS = 10  # Linux's scale: 0 is normal, 19 the lowest priority


def lower_priority() -> None:
    """Give the calling thread (a training worker) a lower CPU priority than the server's own threads,
    so that drawing a page for a student, and the web server, come first when the cores are busy.
    Linux sets a niceness per thread; elsewhere this does nothing."""
    if hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
        with suppress(OSError):  # not allowed in some containers: then all threads stay equal
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), TRAINING_NICENESS)


@contextmanager
def only_one() -> Iterator[None]:
    """Run the block on one torch thread, then put the calling thread's count back."""
    before = torch.get_num_threads()
    _set_for_this_thread(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _set_for_this_thread(count: int) -> None:
    # A thread's first torch op copies the last count set by *any* thread, once. Trigger that copy
    # first (get_num_threads does), or a later first op would undo the setting below.
    torch.get_num_threads()
    torch.set_num_threads(count)
