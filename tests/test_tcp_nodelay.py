"""ui/tcp_nodelay.py: a connection accepted on a listening socket made as Streamlit makes its own (proto 0)
sends small writes at once (TCP_NODELAY) once `apply()` has run, where asyncio alone leaves Nagle's
algorithm on; and the app applies it at its first script run."""

import subprocess
import sys
from asyncio import base_events
from pathlib import Path

from tests.conftest import ROOT_APP, open_page
from ui import tcp_nodelay

ACCEPT = """
import asyncio, socket, sys
sys.path.insert(0, {root!r})
if {apply}:
    from ui import tcp_nodelay
    tcp_nodelay.apply()

async def main():
    listener = socket.socket(socket.AF_INET)  # as streamlit.web.server.starlette's _bind_socket: proto 0
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    loop = asyncio.get_running_loop()
    seen = loop.create_future()

    class Record(asyncio.Protocol):
        def connection_made(self, transport):
            accepted = transport.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    server = await loop.create_server(Record, sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname())
    print(await asyncio.wait_for(seen, 10))
    writer.close()
    server.close()

asyncio.run(main())
"""


def accepted_nodelay(apply: bool) -> int:
    """TCP_NODELAY on a connection accepted as Streamlit's server accepts it, in a fresh interpreter."""
    script = ACCEPT.format(root=str(Path(ROOT_APP).parent), apply=apply)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    return int(done.stdout.strip())


def test_a_connection_on_a_socket_made_like_streamlits_sends_at_once_only_once_applied():
    assert accepted_nodelay(apply=False) == 0  # what Streamlit 1.67's server gave every browser
    assert accepted_nodelay(apply=True) != 0


def test_the_app_applies_it_at_its_first_script_run(app_env):
    open_page()
    assert base_events._set_nodelay is tcp_nodelay._set_nodelay
