"""Send the server's small responses at once: TCP_NODELAY on every connection it accepts.

Streamlit (1.67, its Starlette server) binds its listening socket itself, as `socket.socket(family)`,
whose `proto` is 0. asyncio turns Nagle's algorithm off only for a socket whose `proto` is
IPPROTO_TCP, and an accepted socket takes its `proto` from the listener's: so every connection kept
Nagle on, and each response after a connection's first, whose headers and body go out as two writes,
waited for the browser's delayed ACK: 44 ms for `/_stcore/health` on this machine. A newcomer's
browser fetches about 60 files of Streamlit's frontend on its 6 connections, and that cost a quiet
machine half a second before anything was drawn (uvicorn issue #3149 is the same fault in uvicorn's
own pre-bound sockets).

`apply()` makes asyncio set TCP_NODELAY on any TCP stream socket whatever its `proto` says (0 means
the family's default protocol, TCP). It takes effect for connections accepted from then on: the
first script run of the process calls it (app.py), so only the first visitor's already-open
connections keep Nagle.
"""

from __future__ import annotations

import socket
from asyncio import base_events

_STREAM_FAMILIES = {socket.AF_INET, socket.AF_INET6}


def _set_nodelay(sock) -> None:
    """asyncio's `_set_nodelay`, also for a TCP socket made without naming its protocol."""
    if (sock.family in _STREAM_FAMILIES and sock.type == socket.SOCK_STREAM
            and sock.proto in (0, socket.IPPROTO_TCP)):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def apply() -> None:
    """From now on every TCP connection asyncio makes or accepts in this process sends without delay.
    Idempotent; a Python without asyncio's hook is left as it is."""
    if hasattr(base_events, "_set_nodelay"):
        base_events._set_nodelay = _set_nodelay
