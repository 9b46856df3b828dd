"""A cookie set from the page: our own small component (ui/cookie.js, built like ui/canvas.py), because
Streamlit reads cookies (`st.context.cookies`, from the request that opened the session's WebSocket)
but cannot set one. The cookie is first-party, `SameSite=Strict` (another site's page never sends it),
`Secure` on HTTPS, for the app's path; the browser has it from its next page load on.
"""

from __future__ import annotations

from email.utils import formatdate
from functools import cache
from pathlib import Path

import streamlit as st


@cache
def _component():
    js = (Path(__file__).parent / "cookie.js").read_text(encoding="utf-8")
    return st.components.v2.component("livelab_cookie", js=js)


def set_cookie(name: str, value: str, expires: float, key: str) -> None:
    """Give the browser the cookie `name`=`value` until `expires` (time.time()). Draws nothing; place
    it where an empty element does not show (the end of the sidebar)."""
    base = st.get_option("server.baseUrlPath").strip("/")
    _component()(key=key, data={"name": name, "value": value, "expires": formatdate(expires, usegmt=True),
                                "path": f"/{base}"}, width="content", height="content")
