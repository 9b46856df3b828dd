"""Benchmark for the results store: what a run's row costs the training worker that records it, and how
fast the writer thread writes.

    python bench/results.py                                        # SQLite in a temporary folder
    python bench/results.py --postgres postgresql+psycopg://user:password@host/db   # and PostgreSQL

Figures, per database:
  record     ResultsStore.record() as the training worker calls it: median and worst over --rows calls
             (the caller's time only; the write happens on the writer thread)
  burst      --rows rows recorded at once (a class's runs ending together, or rows that waited while the
             database was down): writer's rows per second until all are written, and the process's CPU
             per row meanwhile (the main thread only waits: it is the writer's; on a busy server it is
             time the writer holds Python's lock that a training thread may wait for)
  one by one --single rows each recorded and flushed alone, as runs end in a lesson: wall time and CPU
             per row (one transaction each)
The rows look like the app's: a page's settings (a dozen values), figures and names. The PostgreSQL
database gets a table `results` (made if missing); the benchmark's rows are deleted afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from core.results import Result, ResultsStore, default_url, new_id, table, this_server  # noqa: E402

SETTINGS = {"dataset": "mnist", "epochs": 1, "batch_size": 50, "lr": 0.001, "optimizer": "adam", "seed": 1,
            "blocks": "16c5-p,32c5-p", "fc": "", "eval_every": 50, "test_size": 2000,
            "embed_method": "tsne"}


def row(i: int, lesson: str) -> Result:
    return Result(id=new_id(), ended_at=datetime.now(UTC), lesson=lesson, lesson_day=date.today(),
                  server=this_server(), session=f"session-{i % 40}", name=f"Student {i % 40}", page="cnn",
                  dataset="mnist", settings=SETTINGS, steps=1200, total_steps=1200, loss=0.05 + i * 1e-6,
                  last10=0.05, accuracy=0.98,
                  whole_test=0.981, status="finished")


def measure(url: str, rows: int, single: int) -> None:
    lesson = f"bench {new_id()[:8]}"
    store = ResultsStore(url)
    if store.problem:
        print(f"  {store.where}: {store.problem}")
        store.close(1)
        return
    batch = [row(i, lesson) for i in range(rows)]
    seconds = []
    cpu, wall = time.process_time(), time.perf_counter()
    for result in batch:
        start = time.perf_counter()
        store.record(result)
        seconds.append(time.perf_counter() - start)
    store.flush(600)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  record: median {statistics.median(seconds) * 1e6:.1f} µs, worst {max(seconds) * 1e3:.2f} ms "
          f"over {rows} calls (caller's time)")
    print(f"  burst of {rows}: {rows / wall:,.0f} rows/s written, {cpu / rows * 1e3:.3f} ms CPU per row")
    walls, cpus = [], []
    for i in range(single):
        cpu, wall = time.process_time(), time.perf_counter()
        store.record(row(rows + i, lesson))
        store.flush(60)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(f"  one by one ({single} rows): median {statistics.median(walls) * 1e3:.2f} ms wall, "
          f"{statistics.median(cpus) * 1e3:.2f} ms CPU per row (worst {max(walls) * 1e3:.2f} ms wall)")
    written = len(store.results(date.today(), lesson))
    print(f"  rows read back: {written} of {rows + single}; problem: {store.problem}")
    store.close()
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # the benchmark's rows go
        connection.execute(table.delete().where(table.c.lesson == lesson))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--single", type=int, default=100)
    parser.add_argument("--postgres", metavar="URL", help="also measure this PostgreSQL database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"SQLite (a file in a temporary data folder, WAL), sqlalchemy {sa.__version__}:")
        measure(default_url(folder), args.rows, args.single)
    if args.postgres:
        print(f"PostgreSQL ({sa.make_url(args.postgres).render_as_string(hide_password=True)}):")
        measure(args.postgres, args.rows, args.single)


if __name__ == "__main__":
    main()
