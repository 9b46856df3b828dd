"""What storing a run's result costs the training worker that ends it: the class board's listener on
`BackgroundRun.on_end` (`Classroom._store(run_id)`: the run's row built from the registry, then
`ResultsStore.record`), which runs in the training worker's thread each time a run stops training.

    python bench/run_result.py                                  # bundled digits
    python bench/run_result.py --data mnist --root DIR          # 1,200 records: one MNIST epoch

In this process, not in a server: a Classroom with a real SQLite ResultsStore in a temporary folder,
and one real CNN run at the CNN page's defaults (its sidebar's settings, capped at --steps), trained
here to its end (its records are what the row is built from). Then `_store` is called --repeat
times, each time as a run's end calls it: wall time and the calling thread's CPU time
(`time.thread_time()`), median and worst. The write itself happens on the store's writer thread; the
benchmark waits for it between calls (untimed), so each call starts, as in a lesson, with the writer
idle. Its two parts are timed apart as well: building the row (`Registry.row`) and handing it over
(`Classroom.result` + `ResultsStore.record`). What the writer thread then costs per row is
bench/results.py's figure.

In a server the same call competes for Python's lock with every other training thread, so its wall
time there is longer than here; its CPU time is the same work.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.classroom import Classroom  # noqa: E402
from core.data import load_images  # noqa: E402
from core.registry import Registry  # noqa: E402
from core.results import ResultsStore, default_url  # noqa: E402
from core.run import classifier_run  # noqa: E402
from ui import page_specs  # noqa: E402  (no Streamlit in it: the CNN page's sidebar defaults)

STEPS = 1200  # one MNIST epoch at the page's batch size of 50
REPEAT = 300


@dataclass(frozen=True)
class Timing:
    """Wall and thread CPU seconds of repeated calls."""

    wall: list[float]
    cpu: list[float]

    def describe(self) -> str:
        return (f"wall median {statistics.median(self.wall) * 1e3:.3f} ms, worst {max(self.wall) * 1e3:.3f} ms; "
                f"thread CPU median {statistics.median(self.cpu) * 1e3:.3f} ms, worst {max(self.cpu) * 1e3:.3f} ms "
                f"({len(self.wall)} calls)")


def timed(call: Callable[[], object], repeat: int, between: Callable[[], object]) -> Timing:
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.thread_time()
        call()
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        walls.append(wall)
        cpus.append(cpu)
        between()
    return Timing(walls, cpus)


def report(data_name: str, root: str | None, steps: int = STEPS, repeat: int = REPEAT,
           prefix: str = "store     ") -> None:
    """Train the run, time `_store` and its parts, print the figures (each line starts with `prefix`)."""
    data = load_images(data_name, root=root, download=False)
    spec = page_specs.CNN
    settings = spec.defaults
    model, config = spec.split(settings, max_steps=steps, device="cpu", num_classes=len(data.classes))
    with tempfile.TemporaryDirectory(prefix="livelab-bench-") as folder:
        store = ResultsStore(default_url(folder))
        classroom = Classroom(Registry(), store)
        run = classifier_run(model, config, data, settings)
        run_id = classroom.track("bench-session", spec.key, run)  # on_end stores its result, as on a server
        start = time.perf_counter()
        for _ in run.train():
            pass
        trained = time.perf_counter() - start
        store.flush(30)
        note = f" ({data.note})" if data.note else ""
        print(f"{prefix}a real CNN run at the CNN page's defaults on {data.name}{note}: "
              f"{len(run.records)} records (of {run.job.total}), trained here in {trained:.0f} s; results in "
              f"SQLite in a temporary folder", flush=True)
        whole = timed(lambda: classroom._store(run_id), repeat, lambda: store.flush(30))
        holder: dict[str, object] = {}
        row = timed(lambda: holder.update(row=classroom.registry.row(run_id)), repeat, lambda: None)
        hand_over = timed(lambda: store.record(classroom.result(holder["row"])), repeat, lambda: store.flush(30))
        stored = store.results(datetime.now(UTC).date(), "")
        print(f"{prefix}worker's cost of a run's result (Classroom._store: row from the registry + store.record, "
              f"in the calling thread): {whole.describe()}")
        print(f"{prefix}  of which building the row (Registry.row): {row.describe()}")
        print(f"{prefix}  of which handing it over (Classroom.result + ResultsStore.record): {hand_over.describe()}")
        print(f"{prefix}rows in the database afterwards: {len(stored)} (one per run: each call replaced it), "
              f"steps {stored[0].steps if stored else '-'}, status {stored[0].status if stored else '-'}; "
              f"problem: {store.problem}", flush=True)
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="digits", choices=("digits", "mnist"))
    parser.add_argument("--root", default=None, help="data folder holding MNIST/raw")
    parser.add_argument("--steps", type=int, default=STEPS, help="cap the run at this many steps")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="calls of _store to time")
    args = parser.parse_args()
    report(args.data, args.root, args.steps, args.repeat)


if __name__ == "__main__":
    main()
