"""Plotly's code, fetched by the browser once a page is drawn and idle, before the page's first chart needs it.

A page draws no Plotly chart before its first run (a newcomer's browser would otherwise load and run Plotly's
4.7 MB of JavaScript before Streamlit showed the page: README, "A newcomer's page"), so the first Train click
waited for that code instead: its first chart came about 5 s after the click on this project's machine. Here a
small script imports the chunk of Streamlit's frontend that draws Plotly charts, when the browser is idle after
drawing the page; Streamlit's own import of it later finds the module loaded.

The chunk's file name carries a hash of its contents (Streamlit's build): it is looked up in Streamlit's static
folder. If there is not exactly one, nothing is preloaded and the first chart waits, as before.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import streamlit as st

SCRIPT = """(function (url) {
  if (window.livelabChartCode) return;  // once per page load: "waiting", then "loaded" or "failed"
  window.livelabChartCode = "waiting";
  const load = () => import(url).then(() => { window.livelabChartCode = "loaded"; },
                                      () => { window.livelabChartCode = "failed"; });
  if ("requestIdleCallback" in window) requestIdleCallback(load, { timeout: 5000 }); else setTimeout(load, 2000);
})(CHUNK_URL);"""


@cache
def chunk_name() -> str | None:
    """The file name of Streamlit's Plotly chunk (e.g. PlotlyChart.D9Z0_fxz.js), or None."""
    found = list((Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


def load_in_background() -> None:
    """Have the browser load Plotly's code once it is idle. Draws nothing; call it at the end of the sidebar."""
    name = chunk_name()
    if name is None:
        return
    base = st.get_option("server.baseUrlPath").strip("/")
    url = "/".join(("", *([base] if base else []), "static", "js", name))
    with st.sidebar:
        st.html(f"<script>{SCRIPT.replace('CHUNK_URL', json.dumps(url))}</script>", unsafe_allow_javascript=True)
