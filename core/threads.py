"""How many CPU threads torch may use, set per Python thread.

torch runs its CPU ops on OpenMP (GNU libgomp). Each Python thread that runs a parallel op keeps an
OpenMP team of its own for as long as it lives. Once more OpenMP threads exist than the machine has
cores, libgomp stops spin-waiting between parallel regions and parks its threads instead, so every
op then pays a wake-up (about 0.1 ms on a 2-core machine: a small add became 9x slower). A page
script that had run a single convolution (a layer table, a playground prediction) kept its team
while it followed a training run, and the training thread ran 30-60% slower for it.

So each thread says what it is: the thread that trains gets torch's default thread count; page
scripts, whose torch work is a forward pass on a few images, get one thread and no OpenMP team.
The setting is per thread (torch and MKL keep it thread-locally), so neither slows the other.
"""

from __future__ import annotations

import torch

TRAINING_THREADS = torch.get_num_threads()  # torch's default here, read before anything lowers it


def use_for_training() -> None:
    """Give the calling thread all of torch's CPU threads: call it first in a thread that trains."""
    _set_for_this_thread(TRAINING_THREADS)


def use_for_page() -> None:
    """Run the calling thread's torch ops on it alone, without an OpenMP team."""
    _set_for_this_thread(1)


def _set_for_this_thread(count: int) -> None:
    # A thread's first torch op copies the last count set by *any* thread, once. Trigger that copy
    # first (get_num_threads does), or a later first op would undo the setting below.
    torch.get_num_threads()
    torch.set_num_threads(count)
