"""What the server loads once, in the background, so that nobody waits for it in front of a blank page.

torch and the rest take seconds to import (more on a fresh server), and the home page needs none of
them. So app.py draws the page first and `start()` warms them up on a thread of their own: import
torch, rehearse a training run (core.run.rehearse: a process's first run pays for more of torch),
load the default dataset. A training page that is opened sooner simply waits for the same work
instead of doing it twice.

Datasets are loaded once per server process and shared read-only by every session (never train
anything held here).
"""

from __future__ import annotations

import atexit
import gc
import importlib
import threading
from typing import TYPE_CHECKING

from core.catalog import DEFAULT

if TYPE_CHECKING:
    from core.data import ImageData

# Imported here, on this thread, before any page imports them: two threads importing the same
# packages at once can each see the other's half-imported module (an AttributeError from pandas
# was seen), so pages wait for these instead (`wait_for_imports`).
# torchvision (only to download MNIST) and scikit-learn (only for the bundled digits) are imported
# while a dataset loads, under the dataset lock, so never by two threads at once either.
HEAVY_MODULES = ("torch", "scipy.ndimage", "pandas", "plotly.graph_objects", "PIL.Image")

EXIT_WAIT_S = 10.0  # how long the process's end waits for the warm-up (a download of MNIST may not end soon)
_started = threading.Lock()
_thread: threading.Thread | None = None
_imported = threading.Event()
_exiting = threading.Event()  # the process is ending: the warm-up does no more
_torch_ready = threading.Event()
_loading = threading.Lock()  # one dataset loads at a time: a second caller waits for it, then finds it
_datasets: dict[tuple[str, str], ImageData] = {}  # (name, data folder) -> data


def start(download: bool) -> threading.Thread:
    """Start the warm-up once per process (later calls return the same thread)."""
    global _thread
    with _started:
        if _thread is None:
            _thread = threading.Thread(target=_warm_up, args=(download,), name="livelab-preload", daemon=True)
            _thread.start()
            atexit.register(_stop_at_exit)
    return _thread


def wait_for_imports() -> None:
    """Block until the warm-up has imported the heavy packages (start() must have been called)."""
    _imported.wait()


def torch_ready() -> bool:
    """Whether torch is imported and warmed up (a page can ask without waiting for it)."""
    return _torch_ready.is_set()


def dataset(name: str, download: bool) -> ImageData:
    """`name` from the data folder, loaded once per process; a second caller waits for the first
    instead of loading it again."""
    from core.data import default_root, load_images

    key = (name, str(default_root()))
    with _loading:
        if key not in _datasets:
            _datasets[key] = load_images(name, download=download)
    return _datasets[key]


def _stop_at_exit() -> None:
    """The warm-up stops at its next stage, and the one in progress is waited for: torch aborts a process
    whose interpreter exits while a thread is in one of its ops (a test run that ended during the
    rehearsal did; core/scheduler.py stops the training workers the same way)."""
    _exiting.set()
    if _thread is not None:
        _thread.join(EXIT_WAIT_S)


def _warm_up(download: bool) -> None:
    try:
        for module in HEAVY_MODULES:
            importlib.import_module(module)
    finally:
        _imported.set()  # a failed import fails again, with its message, where a page imports it
    from core import classroom, threads
    from core.run import rehearse

    threads.use_for_page()  # this thread's torch work is small; training threads keep the cores
    rehearse()
    if _exiting.is_set():
        return
    classroom.server()  # the class's registry and results database, opened before a page needs them
    # Everything imported so far lives as long as the server. Python's full collections walk every
    # object while holding its lock, which stalls training threads once torch is loaded (README,
    # "Threads"); frozen objects are left out of them.
    gc.freeze()
    _torch_ready.set()
    if not _exiting.is_set():
        dataset(DEFAULT, download)
