"""The CNN page's network editor: how much of a script run drawing it costs (issue: at most 50 ms).

Each script run of a small AppTest app draws the sidebar's editor (its controls, the shape table and the
diagram) as the CNN page does, and times that part alone with perf_counter; the figure is the median over
`--runs` script runs, for the tutorial's network and for the largest list of layers the editor offers
(4 blocks, 2 hidden layers), both in one run of this benchmark.

    python bench/network_editor.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

NETWORKS = {
    "tutorial (2 blocks)": ("16c5-p,32c5-p", ""),
    "largest (4 blocks, 2 hidden)": ("32c3-bn-p-d0.1,64c3-bn-p,64c3-bn-gelu-p,64c3-bn-np", "256-d0.3,128-tanh"),
}


def editor_app() -> None:
    """An app whose every run draws the CNN page's editor and keeps how long that took."""
    import time

    import streamlit as st

    from ui.controls import sidebar
    from ui.page_specs import CNN

    network = [control for control in CNN.controls if control.name in ("blocks", "fc")]
    start = time.perf_counter()
    sidebar(CNN.key, network)
    st.session_state.setdefault("bench.seconds", []).append(time.perf_counter() - start)


def median_ms(blocks: str, fc: str, runs: int) -> float:
    at = AppTest.from_function(editor_app, default_timeout=60)
    at.query_params["blocks"], at.query_params["fc"] = blocks, fc
    for _ in range(runs):
        at.run()
        assert not at.exception, at.exception
    assert at.session_state["cnn.setting.blocks"] == blocks and at.session_state["cnn.setting.fc"] == fc
    return 1000 * statistics.median(at.session_state["bench.seconds"][1:])  # the first run also imports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="script runs per network")
    args = parser.parse_args()
    print(f"network editor: drawing it, median of {args.runs - 1} script runs (target: at most 50 ms)")
    for name, (blocks, fc) in NETWORKS.items():
        print(f"  {name:30s} {median_ms(blocks, fc, args.runs):6.1f} ms")


if __name__ == "__main__":
    main()
