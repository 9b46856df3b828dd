"""bench/classroom.py seats 30-40 students with a protocol-level client (bench/streamlit_client.py)
instead of Chromium. Against the real server, such a tab must open a page, press Train and see the
run advance to its end on the server, or the benchmark's figures would be about nothing; and a
teacher's tab must log into the Class page and follow its live board."""

import asyncio
import time

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.streamlit_client import EventLoopThread, Tab
from tests.browser import harness
from tests.browser.conftest import BROWSER_MAX_STEPS

pytestmark = pytest.mark.browser

PASSWORD = "protocol-test-teacher"


async def train_once(app_url: str) -> Tab:
    tab = Tab(app_url, "dataset=digits&lang=en")
    await tab.open("cnn", timeout_s=120)
    assert tab.enabled("cnn.btn.train")
    assert tab.state.progress.total == 0  # nothing has trained yet
    await tab.press_and_follow("cnn.btn.train", 120)  # fragments follow the run; the page reruns at its end
    await tab.close()
    return tab


def test_a_protocol_tab_trains_the_cnn_to_the_end(app_url):
    loop = EventLoopThread()  # as in the benchmark (Playwright's sync API may hold this thread's loop)
    try:
        tab = loop.call(train_once(app_url), timeout_s=300)
    finally:
        loop.close()
    assert not tab.state.exceptions
    assert tab.state.progress.done == tab.state.progress.total == int(BROWSER_MAX_STEPS)
    assert tab.enabled("cnn.btn.train")  # the page was drawn again once the run had ended


class FakeSocket:
    """A websocket that keeps what the tab sends (and when) and hands it the messages a test puts in."""

    def __init__(self):
        self.sent: list[tuple[float, BackMsg]] = []
        self.incoming: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def send(self, data: bytes) -> None:
        message = BackMsg()
        message.ParseFromString(data)
        self.sent.append((time.monotonic(), message))

    def put(self, *messages: ForwardMsg) -> int:
        """Hand the tab these messages; their size in bytes."""
        data = [message.SerializeToString() for message in messages]
        for one in data:
            self.incoming.put_nowait(one)
        return sum(len(one) for one in data)

    async def sent_count(self, count: int) -> None:
        while len(self.sent) < count:
            await asyncio.sleep(0.005)

    def __aiter__(self):
        return self

    async def __anext__(self) -> bytes:
        data = await self.incoming.get()
        if data is None:
            raise StopAsyncIteration
        return data

    async def close(self) -> None:
        self.incoming.put_nowait(None)


def new_session(*fragments: str) -> ForwardMsg:
    message = ForwardMsg()
    message.new_session.page_script_hash = "class-page"
    message.metadata.run.fragment_ids.extend(fragments)
    return message


def finished(status=ForwardMsg.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    message = ForwardMsg()
    message.script_finished = status
    return message


async def login_and_redraws() -> tuple[Tab, FakeSocket, int]:
    """The Class page's password form, its submission, then the live board's timer: the first
    redraw answered 0.1 s after it was sent, the second (its timer fired meanwhile) not at all."""
    tab, socket = Tab("http://127.0.0.1:1", timed=True), FakeSocket()
    tab._socket, tab._reader = socket, asyncio.create_task(tab._read())
    field, submit = ForwardMsg(), ForwardMsg()
    field.delta.new_element.text_input.id, field.delta.new_element.text_input.form_id = "$$ID-1-board.password", "login"
    button = submit.delta.new_element.button
    button.id, button.label, button.form_id, button.is_form_submitter = "$$ID-2-None", "Open the board", "login", True
    size = socket.put(new_session(), field, submit, finished())
    await tab.wait_for(lambda state: bool(state.submitters) and not state.script_running, 5)

    submitting = asyncio.create_task(tab.submit_form({"board.password": PASSWORD}, "Open the board", timeout_s=5))
    await socket.sent_count(1)
    timer = ForwardMsg()
    timer.auto_rerun.fragment_id, timer.auto_rerun.interval = "live", 0.02
    size += socket.put(finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN), new_session(), timer, finished())
    await submitting

    await socket.sent_count(2)  # the timer's first rerun
    await asyncio.sleep(0.1)  # its timer fires again meanwhile: that rerun waits for this one's end
    assert len(socket.sent) == 2
    size += socket.put(new_session("live"), finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY))
    await socket.sent_count(3)
    await tab.close()
    return tab, socket, size


def test_a_timed_tab_submits_a_form_in_one_rerun_and_times_each_redraw():
    loop = EventLoopThread()  # not asyncio.run: Playwright's sync API keeps a loop running on this thread
    try:
        tab, socket, size = loop.call(login_and_redraws(), timeout_s=60)
    finally:
        loop.close()
    login = socket.sent[0][1].rerun_script
    widgets = {widget.id: widget for widget in login.widget_states.widgets}
    assert login.page_script_hash == "class-page" and not login.fragment_id
    assert widgets["$$ID-1-board.password"].string_value == PASSWORD  # the form's value...
    assert widgets["$$ID-2-None"].trigger_value  # ...with its submit button's trigger, in one rerun
    assert all(message.rerun_script.fragment_id == "live" and message.rerun_script.is_auto_rerun
               for _, message in socket.sent[1:])
    [redraw] = tab.state.redraws  # the second was never answered
    assert redraw.fragment == "live" and not redraw.late and 0.1 <= redraw.seconds < 5
    assert socket.sent[2][0] >= redraw.finished  # one at a time
    assert tab.state.received_bytes == size and tab.state.received_messages == 10


async def open_the_board(url: str) -> tuple[Tab, dict[str, float]]:
    teacher = Tab(url, "lang=en", timed=True)
    await teacher.open("class", timeout_s=120)
    with pytest.raises(LookupError):
        teacher.button_id("board.stop_all")  # not before the password
    await teacher.submit_form({"board.password": PASSWORD}, "Open the board", timeout_s=120)
    timers = teacher.timers()  # the live board's fragment
    await asyncio.sleep(max(timers.values(), default=0) * 2 + 1)
    await teacher.close()
    return teacher, timers


def test_a_protocol_tab_logs_into_the_class_board_and_follows_it(tmp_path):
    env = {"LIVELAB_DOWNLOAD": "0", "LIVELAB_DATA_DIR": str(tmp_path), "LIVELAB_TEACHER_PASSWORD": PASSWORD}
    loop = EventLoopThread()
    try:
        with harness.running_server(env, log=tmp_path / "streamlit.log") as server:
            teacher, timers = loop.call(open_the_board(server.url), timeout_s=300)
    finally:
        loop.close()
    assert not teacher.state.exceptions
    assert teacher.button_id("board.stop_all")  # the teacher's actions are drawn
    assert len(timers) == 1 and teacher.state.redraws  # the live board, redrawn on its timer
    assert {redraw.fragment for redraw in teacher.state.redraws} == set(timers)
