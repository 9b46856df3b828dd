"""Where the Class page's live redraw spends its time: `ui.board_view._live`'s pieces, in this process,
on a class of fake runs (no server, no training, nothing else on the cores but what runs beside).

    python bench/board_redraw.py                       # 30 runs of 1,200 records each, 2 more each per redraw
    python bench/board_redraw.py --runs 30 --steps 3600 --profile 20

The runs are real `Run` objects on a real Registry, their records real StepRecords (a loss per step,
an accuracy every 100 steps, no evaluation or embedding payloads: the board reads neither), each with
its own learning rate, "training" (a last step just now) and growing by --grow records before each
redraw (a class of 30 on 2 cores makes about 20 steps/s in all: 1 to 2 per run in the board's 2 s
period), so what the board reads anew at each redraw is read anew here too; the results store is SQLite in a temporary
folder, as on a server. Each repeat is one AppTest script run that calls `ui.board_view._live` once,
as the live fragment does, with its pieces wrapped in timers (whatever `_live` calls of them, in its
order): the registry's snapshot, the other servers' runs read from the database, the counts, the table
(a styled dataframe), the CSV download, the class experiment (a scatter), the curves (every run's
smoothed loss and the median); "_live" is the whole. The times are the script's own: what the server
then does with the messages (serialising them to the websocket) is not in them (bench/classroom.py
--board times a redraw on a real server, that included). Then the size of what one redraw draws, by
element type (each element's protobuf as serialised: the bulk of what a browser receives per redraw).
--profile N prints the N functions with the most cumulative time over one more redraw under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core.classroom import Classroom  # noqa: E402
from core.registry import Registry  # noqa: E402
from core.results import ResultsStore, default_url  # noqa: E402
from core.run import CLASSIFIER, Run  # noqa: E402
from core.runner import RUNNING, BackgroundRun  # noqa: E402
from core.training import StepRecord  # noqa: E402
from ui import page_specs  # noqa: E402

PIECES = ("counts", "table", "download", "experiment", "curves")  # functions of ui.board_view that _live calls
LEARNING_RATES = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)

# What the AppTest script reads: set by main() before the script runs (AppTest runs it in this process).
CLASS: dict[str, object] = {}


def fake_class(runs: int, steps: int, store: ResultsStore, later: int = 0) -> Classroom:
    """`runs` students, each training a CNN run with `steps` records so far and `later` more to come
    (CLASS["to_come"]: each run's records and the ones `grow` adds)."""
    classroom = Classroom(Registry(), store)
    spec = page_specs.CNN
    model, config = spec.split(spec.defaults, max_steps=None, device="cpu", num_classes=10)
    rng = np.random.default_rng(0)
    for number in range(runs):
        lr = LEARNING_RATES[number % len(LEARNING_RATES)]
        job = BackgroundRun(iter(()), steps * 3)
        made = steps + later
        losses = 2.3 * np.exp(-np.arange(made) / (200 + 50 * number)) + 0.05 + 0.05 * rng.random(made)
        records = [StepRecord(step=i + 1, total_steps=steps * 3, epoch=i // 1200, loss=float(loss), lr=lr,
                              accuracy=(0.5 + 0.4 * i / made) if (i + 1) % 100 == 0 or i == 0 else None)
                   for i, loss in enumerate(losses)]
        job.records = records[:steps]
        CLASS.setdefault("to_come", []).append((job.records, records[steps:]))
        job._times, job.status = [time.perf_counter()], RUNNING
        settings = {**spec.defaults, "lr": lr}
        run = Run(CLASSIFIER, model, config, {}, job, settings, SimpleNamespace(name="mnist"))
        session = f"session-{number}"
        classroom.registry.join(session, f"Student name {number}")
        classroom.track(session, spec.key, run)
    return classroom


def grow(count: int) -> None:
    """`count` more records on every run, as training would have added since the last redraw."""
    for records, to_come in CLASS["to_come"]:
        records.extend(to_come[:count])
        del to_come[:count]


def timing(name: str, function: Callable) -> Callable:
    """`function`, adding its time to this redraw's `name`."""
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            times = CLASS["now"]
            times[name] = times.get(name, 0.0) + time.perf_counter() - start
    return timed


def wrap_pieces(classroom: Classroom) -> None:
    """Time what `_live` calls: the board's drawing functions, the snapshot and the database read."""
    from ui import board_view

    for name in PIECES:
        setattr(board_view, name, timing(name, getattr(board_view, name)))
    classroom.registry.snapshot = timing("snapshot", classroom.registry.snapshot)
    classroom.store.live_elsewhere = timing("elsewhere", classroom.store.live_elsewhere)


def draw_once() -> None:
    """The AppTest script's work: one redraw of the live board, timed (or, when profiling, profiled)."""
    from ui import board_view

    classroom = CLASS["classroom"]
    grow(CLASS["grow"])
    if CLASS.get("profile"):
        profiler = cProfile.Profile()
        profiler.enable()
        board_view._live(classroom, False)
        profiler.disable()
        CLASS["profiler"] = profiler
        return
    CLASS["now"] = {}
    timing("_live", board_view._live)(classroom, False)
    CLASS.setdefault("times", []).append(CLASS["now"])


def element_bytes(node, out: Counter) -> Counter:
    """The serialised size of every element drawn under `node` (an AppTest tree), by element type."""
    children = getattr(node, "children", None)
    if children is not None:
        for child in children.values():
            element_bytes(child, out)
    elif getattr(node, "proto", None) is not None:
        out[node.type] += node.proto.ByteSize()
    return out


def script() -> None:
    from bench import board_redraw

    board_redraw.draw_once()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--steps", type=int, default=1200, help="records of each run so far")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--grow", type=int, default=2, help="records each run adds before each redraw")
    parser.add_argument("--profile", type=int, default=15, help="functions to list from cProfile (0: none)")
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # "missing ScriptRunContext" outside the script
    folder = tempfile.TemporaryDirectory(prefix="livelab-bench-")
    store = ResultsStore(default_url(folder.name))
    CLASS["grow"] = args.grow
    CLASS["classroom"] = classroom = fake_class(args.runs, args.steps, store, later=(args.repeat + 2) * args.grow)
    wrap_pieces(classroom)
    at = AppTest.from_function(script, default_timeout=600)
    for _ in range(args.repeat + 1):  # the first: imports and warm-up, not counted
        at.run()
        if at.exception:
            sys.exit(f"the board failed: {at.exception[0].message}")
    times = CLASS["times"][1:]
    print(f"redraw    {args.runs} runs of {args.steps} records and {args.grow} more before each redraw, "
          f"{len(times)} redraws of `_live` in this process (AppTest, after one not counted):")
    for piece in ("_live", "snapshot", "elsewhere", *PIECES):
        values = [one.get(piece, 0.0) for one in times]
        print(f"redraw      {piece:<10} median {statistics.median(values) * 1e3:6.1f} ms, worst "
              f"{max(values) * 1e3:6.1f} ms")
    sizes = element_bytes(at.main, Counter())
    print(f"redraw    what one redraw sends, by element (serialised protobuf, before the websocket's framing): "
          f"{sum(sizes.values()) / 1e3:.1f} kB in all; " + ", ".join(
              f"{kind} {size / 1e3:.1f} kB" for kind, size in sizes.most_common()))
    if args.profile:
        CLASS["profile"] = True
        at.run()
        out = io.StringIO()
        pstats.Stats(CLASS["profiler"], stream=out).sort_stats("cumulative").print_stats(args.profile)
        print(f"redraw    cProfile of one `_live` redraw, the {args.profile} functions with the most cumulative time:")
        print(out.getvalue().split("\n\n", 1)[-1].rstrip())
    store.close(1)
    folder.cleanup()


if __name__ == "__main__":
    sys.modules.setdefault("bench.board_redraw", sys.modules[__name__])  # the script's import finds this CLASS
    main()
