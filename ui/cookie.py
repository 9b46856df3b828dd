"""A cookie set from the page, because Streamlit reads cookies (`st.context.cookies`, from the request that
opened the session's WebSocket) but cannot set one. The cookie is first-party, `SameSite=Strict` (another
site's page never sends it), `Secure` on HTTPS, for the app's path; the browser has it from its next page
load on.

The script (ui/cookie.js) runs through `st.html`, in the page itself. It was a component of our own
(`st.components.v2`), like the canvas: a newcomer's browser then fetched and compiled the component runtime
and Arrow's code (about 200 kB) before Streamlit showed the home page, on cores a training class keeps busy
(README, "A class on one server").
"""

from __future__ import annotations

import json
from email.utils import formatdate
from functools import cache
from pathlib import Path

import streamlit as st


@cache
def _script() -> str:
    lines = (Path(__file__).parent / "cookie.js").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("//"))


def set_cookie(name: str, value: str, expires: float) -> None:
    """Give the browser the cookie `name`=`value` until `expires` (time.time()). Draws nothing; place
    it where an empty element does not show (the end of the sidebar)."""
    base = st.get_option("server.baseUrlPath").strip("/")
    wanted = json.dumps({"name": name, "value": value, "expires": formatdate(expires, usegmt=True),
                         "path": f"/{base}"}).replace("<", "\\u003c")  # never a "</script>" inside the script
    st.html(f"<script>{_script().replace('WANTED_COOKIE', wanted)}</script>", unsafe_allow_javascript=True)
