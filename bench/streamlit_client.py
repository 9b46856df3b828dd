"""A browser tab without the browser: a client that speaks Streamlit's own websocket protocol, so
that one 2-core machine can seat 30-40 students on a server (Chromium manages about six).

What it does is what Streamlit's frontend does (read from Streamlit 1.67's
web/server/starlette/starlette_websocket.py, runtime/app_session.py and the frontend bundle):

- opens ws://host:port/_stcore/stream with the subprotocol "streamlit". The frontend puts an XSRF
  token and a session id to resume in the 2nd and 3rd subprotocol entries; the server only needs
  the token to read a login cookie (this app has none), so a new tab sends neither. No Origin
  header: the server accepts a connection without one.
- sends a BackMsg `rerun_script` with a ClientState: the URL's query string and, for the page,
  `page_name` = the URL path ("cnn"), as on a first visit to a deep link; later reruns name the
  page by the `page_script_hash` the server announced (new_session.app_pages), as a click on the
  sidebar's navigation does.
- reads every ForwardMsg at once (the server drops a client whose send queue fills up) and keeps
  what a student sees: the buttons (widget id, label, disabled), the progress bar's text
  ("Step N of M ...", from the `progress` element of each delta), exceptions, and whether a script is
  running (from new_session to a script_finished that is not FINISHED_EARLY_FOR_RERUN: st.rerun's
  end is followed by the next run at once). Like the frontend, it never sees what a run enqueued
  just before the next run started: the server drops unsent deltas then (AppSession._clear_queue),
  e.g. a run's last "Step N of N" and its "Training finished." before the page's st.rerun.
- reruns fragments as the frontend does: a ForwardMsg `auto_rerun` (a fragment with run_every, such
  as the live charts of a training run) starts a timer that sends a rerun with that fragment's id
  and `is_auto_rerun` every `interval` seconds; `stop_auto_rerun`, and every full run of the page
  (a new_session whose metadata names no fragment), stop them.
- presses a button as the frontend does for st.button: a rerun whose WidgetStates carry
  `trigger_value = true` for the button's id. Other widgets are left out: the server keeps their
  values from the previous run (this client changes one only as below).
- submits a form as the frontend does (WidgetStateManager.submitForm): one rerun whose WidgetStates
  carry the form's values (a text input's `string_value`) and `trigger_value = true` for the form's
  submit button (a button element with `is_form_submitter`).
- a tab made with `timed=True` (the teacher's board in bench/classroom.py) times its fragments'
  auto-reruns: each is sent only once the previous run has finished (the frontend's timer would send
  it anyway, and the server would fold it into the next run: the same work, but then a send could not
  be matched with its run), and timed from its send until the server's script_finished for it. A
  timer that fires while the last run is still going waits for it and is counted as late.
- counts the bytes and messages it receives (every websocket message's size), as a browser's
  network panel would for the websocket.
- Needs no acks and no heartbeat: the frontend sends BackMsg.app_heartbeat only when a hosting page
  (e.g. Community Cloud's frame) asks it to, and answers the server's websocket pings (so does the
  `websockets` library). It sends no `cached_message_hashes`, so the server sends every element in
  full, as to a new tab; a browser that has drawn a page before receives references instead.
- closing the websocket is closing the tab: the server stops the session's script and keeps the
  session for server.disconnectedSessionTTL seconds.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

PROGRESS = re.compile(r"Step (\d+) of (\d+)")
T = TypeVar("T")


@dataclass
class Progress:
    """The last "Step N of M" the server sent, and when this client received it."""

    done: int = 0
    total: int = 0
    at: float = 0.0  # time.monotonic()


@dataclass(frozen=True)
class Redraw:
    """One auto-rerun of a fragment on a timed tab: when it was sent, when the server said it had
    finished (time.monotonic()), and whether its timer fired while the previous run was still going."""

    fragment: str
    sent: float
    finished: float
    late: bool

    @property
    def seconds(self) -> float:
        return self.finished - self.sent


@dataclass
class TabState:
    """What a student's tab shows, as far as the benchmarks care."""

    buttons: dict[str, tuple[str, bool]] = field(default_factory=dict)  # widget id -> (label, disabled)
    sliders: dict[str, str] = field(default_factory=dict)  # widget id -> the id of the fragment drawing it
    text_inputs: dict[str, str] = field(default_factory=dict)  # widget id -> its form's id ("" for none)
    submitters: dict[str, tuple[str, str]] = field(default_factory=dict)  # widget id -> (form id, label)
    titles: dict[str, str] = field(default_factory=dict)  # a chart's key -> its title as last drawn
    progress: Progress = field(default_factory=Progress)
    exceptions: list[str] = field(default_factory=list)
    script_running: bool = False
    page_script_hash: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page_script_hash
    received_bytes: int = 0  # every websocket message's size, summed
    received_messages: int = 0
    redraws: list[Redraw] = field(default_factory=list)  # a timed tab's fragment auto-reruns, in order


class Tab:
    """One student's tab: a websocket session on a Streamlit server."""

    def __init__(self, url: str, query: str = "", timed: bool = False):
        self.url, self.query, self.timed = url, query, timed
        self.state = TabState()
        self._socket = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Condition()
        self._auto_reruns: dict[str, tuple[asyncio.Task, float]] = {}  # fragment id -> (timer, interval)
        self._in_flight: tuple[str, float, bool] | None = None  # a timed auto-rerun: (fragment, sent, late)

    async def open(self, page: str = "", timeout_s: float = 300) -> float:
        """Connect and open `page` (its URL path; "" is the home page), as a visit to
        url/page?query does; return the seconds until its script had finished."""
        start = time.monotonic()
        self._socket = await connect(self.url, timeout_s)
        self._reader = asyncio.create_task(self._read())
        await self._rerun(page_name=page)
        await self.wait_until_idle(timeout_s)
        return time.monotonic() - start

    async def go_to(self, page: str, timeout_s: float = 300) -> float:
        """Switch this session to another page, as the sidebar's navigation does; seconds until drawn."""
        start = time.monotonic()
        await self._rerun(page_script_hash=self.state.pages[page])
        await self.wait_until_idle(timeout_s)
        return time.monotonic() - start

    async def click(self, key: str) -> None:
        """Press the button whose widget key is `key` (e.g. "cnn.btn.train")."""
        await self._rerun(page_script_hash=self.state.page_script_hash, trigger=self.button_id(key))

    def button_id(self, key: str) -> str:
        """The widget id of the button drawn with `key` (ids end in "-<key>")."""
        return _widget_id(self.state.buttons, key)

    async def move_slider(self, key: str, value: float, timeout_s: float = 300) -> float:
        """Move the slider drawn with `key` to `value`, as a drag does: a rerun of the fragment that
        drew it (or of the page) with the slider's new value; seconds until that run has finished."""
        widget = _widget_id(self.state.sliders, key)
        start = time.monotonic()
        await self._rerun(page_script_hash=self.state.page_script_hash, fragment=self.state.sliders[widget],
                          values={widget: value}, auto=False)
        await self.wait_until_idle(timeout_s)
        return time.monotonic() - start

    async def submit_form(self, values: Mapping[str, str], button: str = "", timeout_s: float = 300) -> float:
        """Type `values` (text inputs' widget keys -> text) into a form and press its submit button
        (the one labelled `button`, else the form's first), as the frontend does: one rerun with the
        form's values and the button's trigger. Seconds until the run (and any st.rerun it asks for)
        has finished."""
        inputs = {_widget_id(self.state.text_inputs, key): text for key, text in values.items()}
        forms = {self.state.text_inputs[widget] for widget in inputs}
        submit = next((widget for widget, (form, label) in self.state.submitters.items()
                       if form in forms and (not button or label == button)), None)
        if len(forms) != 1 or submit is None:
            raise LookupError(f"no form holds {list(values)} with a submit button {button!r}; forms {forms}, "
                              f"submit buttons {self.state.submitters}")
        start = time.monotonic()
        await self._rerun(page_script_hash=self.state.page_script_hash, trigger=submit, values=inputs)
        await self.wait_until_idle(timeout_s)
        return time.monotonic() - start

    def enabled(self, key: str) -> bool:
        try:
            return not self.state.buttons[self.button_id(key)][1]
        except LookupError:
            return False

    def timers(self) -> dict[str, float]:
        """The fragments this tab reruns on a timer (the server's auto_rerun), each with its interval in s."""
        return {fragment: interval for fragment, (_, interval) in self._auto_reruns.items()}

    def redraw_in_flight(self) -> float | None:
        """When a timed tab sent the auto-rerun the server has not finished yet (time.monotonic()), or None."""
        return self._in_flight[1] if self._in_flight is not None else None

    async def wait_until_idle(self, timeout_s: float = 300) -> None:
        """Until the page's script (or a fragment's run) has finished."""
        await self.wait_for(lambda state: not state.script_running, timeout_s)

    async def press_and_follow(self, key: str, timeout_s: float = 300) -> None:
        """Press the button `key` (Train, the playground's quick run) and wait until the run it
        starts has ended: a page follows a run in a fragment that reruns every fraction of a second
        (an auto-rerun timer here) and reruns the whole page when the run ends, which stops the
        timer. So: until a script has finished with no fragment left to rerun."""
        await self.click(key)
        await self.wait_for(lambda state: not state.script_running and not self._auto_reruns, timeout_s)

    async def wait_for(self, condition: Callable[[TabState], bool], timeout_s: float) -> None:
        """Until `condition(state)` holds after some message; TimeoutError after `timeout_s`."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: condition(self.state)), timeout_s)

    async def close(self) -> None:
        """Close the tab: the websocket goes, the session is left to the server."""
        self._stop_auto_reruns()
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def _rerun(self, page_name: str = "", page_script_hash: str = "", trigger: str | None = None,
                     fragment: str = "", values: Mapping[str, float | str] | None = None, auto: bool = True) -> None:
        """Ask for a run of the page (or of one `fragment` of it: a timer's when `auto`), with a
        button's `trigger` and widgets' new `values` (a number: a slider's; text: a text input's), as
        the frontend does; the script counts as running from now until the server says the run has ended."""
        async with self._changed:
            self.state.script_running = True
        message = BackMsg()
        state = message.rerun_script
        state.query_string, state.page_name, state.page_script_hash = self.query, page_name, page_script_hash
        if fragment:
            state.fragment_id, state.is_auto_rerun = fragment, auto
        for widget_id, value in (values or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if isinstance(value, str):
                widget.string_value = value
            else:
                widget.double_array_value.data.append(value)
        if trigger is not None:
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = trigger, True
        await self._socket.send(message.SerializeToString())

    async def _read(self) -> None:
        """Read every message as it comes, until the websocket closes."""
        try:
            async for data in self._socket:
                message = ForwardMsg()
                message.ParseFromString(data)
                self.state.received_bytes += len(data)
                self.state.received_messages += 1
                async with self._changed:
                    self._take(message)
                    self._changed.notify_all()
        except websockets.ConnectionClosed:
            pass
        finally:
            async with self._changed:
                self.state.script_running = False
                self._changed.notify_all()

    def _take(self, message: ForwardMsg) -> None:
        """Update the tab's state from one ForwardMsg."""
        kind = message.WhichOneof("type")
        state = self.state
        if kind == "new_session":
            state.script_running = True
            state.page_script_hash = message.new_session.page_script_hash
            state.pages = {page.url_pathname: page.page_script_hash for page in message.new_session.app_pages}
            if not message.metadata.run.fragment_ids:  # a full run draws the page afresh
                state.buttons.clear()
                state.text_inputs.clear()
                state.submitters.clear()
                self._stop_auto_reruns()
        elif kind == "auto_rerun":
            self._start_auto_rerun(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_auto_reruns(message.stop_auto_rerun.fragment_ids)
        elif kind == "navigation":
            state.page_script_hash = message.navigation.page_script_hash
            state.pages = {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
        elif kind == "script_finished":  # unless another run follows at once (st.rerun, a click mid-run)
            state.script_running = message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN
            if not state.script_running and self._in_flight is not None:
                fragment, sent, late = self._in_flight
                state.redraws.append(Redraw(fragment, sent, time.monotonic(), late))
                self._in_flight = None
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._take_element(message.delta.new_element, message.delta.fragment_id)

    def _start_auto_rerun(self, fragment: str, interval: float) -> None:
        if fragment in self._auto_reruns and self._auto_reruns[fragment][1] == interval:
            return  # the frontend keeps a timer whose interval has not changed
        self._stop_auto_reruns([fragment])

        async def every_interval() -> None:
            while True:
                await asyncio.sleep(interval)
                if self.timed:  # one at a time, each timed from its send to its script_finished
                    late = self.state.script_running
                    async with self._changed:
                        await self._changed.wait_for(lambda: not self.state.script_running)
                    self._in_flight = (fragment, time.monotonic(), late)
                await self._rerun(page_script_hash=self.state.page_script_hash, fragment=fragment)
        self._auto_reruns[fragment] = (asyncio.create_task(every_interval()), interval)

    def _stop_auto_reruns(self, fragments: Iterable[str] | None = None) -> None:
        for fragment in list(self._auto_reruns if fragments is None else fragments):
            task, _ = self._auto_reruns.pop(fragment, (None, None))
            if task is not None:
                task.cancel()

    def _take_element(self, element, fragment: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "slider":
            self.state.sliders[element.slider.id] = fragment
        elif kind == "text_input":
            self.state.text_inputs[element.text_input.id] = element.text_input.form_id
        elif kind == "plotly_chart" and element.plotly_chart.id:
            key = element.plotly_chart.id.rsplit("-", 1)[-1]
            self.state.titles[key] = json.loads(element.plotly_chart.spec)["layout"].get("title", {}).get("text", "")
        elif kind == "button":
            self.state.buttons[element.button.id] = (element.button.label, element.button.disabled)
            if element.button.is_form_submitter:
                self.state.submitters[element.button.id] = (element.button.form_id, element.button.label)
        elif kind == "progress":
            match = PROGRESS.search(element.progress.text)
            if match:
                self.state.progress = Progress(int(match[1]), int(match[2]), time.monotonic())
        elif kind == "exception":
            self.state.exceptions.append(f"{element.exception.type}: {element.exception.message}")


def _widget_id(widgets, key: str) -> str:
    """The id of the widget drawn with `key` (widget ids end in "-<key>")."""
    for widget in widgets:
        if widget.endswith("-" + key):
            return widget
    raise LookupError(f"no widget with key {key!r} on this page; widgets: {list(widgets)}")


async def connect(url: str, timeout_s: float = 60):
    """A websocket to the Streamlit server at `url` (http://host:port), as the frontend opens it.
    No client-side pings: a server busy training may answer late, and a browser does not ping."""
    return await websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                    max_size=None, ping_interval=None, proxy=None, open_timeout=timeout_s)


async def knock(url: str) -> None:
    """Open a websocket and close it, running no page. Streamlit keeps a closed tab's session in a
    TTL cache that drops expired entries only when an entry is written; this writes one (the new,
    empty session is stored on disconnect), so expired sessions are reaped now."""
    socket = await connect(url)
    await socket.close()


class EventLoopThread:
    """An asyncio loop on a thread of its own, so that synchronous code (Playwright's sync API, the
    sampling loop) can run many Tabs at once: `call(coroutine)` waits for its result."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="tabs", daemon=True)
        self._thread.start()

    def call(self, coroutine: Coroutine[Any, Any, T], timeout_s: float | None = None) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout_s)

    def call_all(self, coroutines: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
        """Run the coroutines at once (e.g. every student's click); their results in order."""
        async def together() -> list[T]:
            return list(await asyncio.gather(*coroutines))
        return self.call(together())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
