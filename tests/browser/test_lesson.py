"""A lesson handed out, in real browsers: the teacher creates it on the Class page; a student opens its
link and sees the task and the locked settings; and on a phone (touch, 390 px wide) a student opens it,
trains, draws a digit with a finger on the playground and reads the answer, with nothing wider than
the screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import CNN_HEADING, assert_no_exception, wait_until_idle
from tests.browser.test_class_board import log_in
from tests.browser.test_playground import CANVAS, FOUR

pytestmark = pytest.mark.browser
TASK = "Change only the **learning rate**. Which one trains best?"
DESKTOP = {"viewport": {"width": 1400, "height": 1000}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LOCKED_NOTE = "Set by your teacher for this lesson."
# Every element wider than the screen, but for those inside a container that scrolls sideways on purpose
# (a code block, a table, a chart's own overflow): there the content scrolls and the page does not.
TOO_WIDE_JS = """() => {
  const scrolls = e => { const s = getComputedStyle(e);
    return /(auto|scroll|hidden)/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1; };
  const inside = e => {
    for (let p = e.parentElement; p; p = p.parentElement) if (scrolls(p)) return true;
    return false;
  };
  return [...document.querySelectorAll('*')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > innerWidth + 1 && !inside(e);
  }).map(e => `${e.tagName}.${e.className} ${e.getAttribute('data-testid') || ''} ${e.getBoundingClientRect().right}`);
}"""


def create_lesson(page, app_url: str) -> str:
    """The teacher creates a CNN lesson (students may change the learning rate only); its link."""
    log_in(page, app_url)
    page.get_by_text("Hand out a lesson").click()
    task = page.get_by_role("textbox", name="Task")
    task.fill(TASK)
    task.blur()  # the text area sends its text now: a click on Create during that rerun could be lost
    wait_until_idle(page)
    page.get_by_role("button", name="Create lesson").click()
    page.get_by_text("Scan to open the lesson").wait_for(timeout=60_000)
    wait_until_idle(page)
    link = page.locator("[data-testid='stCode']").filter(has_text="lesson=").inner_text().strip()
    assert "/cnn?" in link and "sig=" in link and "lock=" in link
    return link


def open_lesson(page, link: str) -> None:
    page.goto(link)
    page.wait_for_selector(CNN_HEADING, timeout=60_000)
    wait_until_idle(page, 60_000)
    page.get_by_text("Your teacher's task").wait_for(timeout=30_000)
    expect(page.locator("[data-testid='stMarkdownContainer'] strong", has_text="learning rate")).to_be_visible()


def sidebar_slider(page, label: str):
    return page.get_by_test_id("stSidebar").locator("[data-testid='stSlider']", has_text=label).get_by_role("slider")


def test_the_teacher_creates_a_lesson_and_a_student_sees_its_task_and_locks(browser, browser_page, app_url):
    link = create_lesson(browser_page, app_url)
    context = browser.new_context(**DESKTOP)
    student = context.new_page()
    open_lesson(student, link)
    expect(sidebar_slider(student, "Epochs")).to_be_disabled()
    expect(student.get_by_test_id("stSidebar").get_by_text(LOCKED_NOTE).first).to_be_visible()
    learning_rate = sidebar_slider(student, "Learning rate")
    expect(learning_rate).to_be_enabled()  # the one left to the students
    assert student.get_by_text("This link was changed").count() == 0
    assert_no_exception(student)
    context.close()


def touch_strokes(page, strokes) -> None:
    """Finger strokes through the canvas points, as the phone's touchscreen sends them (Chromium's own
    touch events, through the DevTools protocol: Playwright has no touch move)."""
    box = page.locator(CANVAS).bounding_box()
    devtools = page.context.new_cdp_session(page)

    def touch(kind: str, x: float | None = None, y: float | None = None) -> None:
        scale = box["width"] / 280  # the strokes are in canvas pixels; a phone shows the canvas smaller
        points = [] if x is None else [{"x": box["x"] + x * scale, "y": box["y"] + y * scale}]
        devtools.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    for points in strokes:
        touch("touchStart", *points[0])
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            for k in range(1, 9):
                touch("touchMove", x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8)
        touch("touchEnd")


def assert_fits_the_screen(page) -> None:
    too_wide = page.evaluate(TOO_WIDE_JS)
    assert not too_wide, too_wide


def test_on_a_phone_a_lesson_trains_and_reads_a_digit_drawn_with_a_finger(browser, browser_page, app_url):
    link = create_lesson(browser_page, app_url)
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    open_lesson(phone, link)
    assert_fits_the_screen(phone)
    phone.get_by_test_id("stExpandSidebarButton").tap()  # a phone starts with the sidebar folded away
    expect(sidebar_slider(phone, "Epochs")).to_be_disabled(timeout=30_000)
    expect(phone.get_by_test_id("stSidebar").get_by_text(LOCKED_NOTE).first).to_be_visible()
    phone.get_by_test_id("stSidebarCollapseButton").tap()

    phone.get_by_role("button", name="Train", exact=True).tap()
    phone.wait_for_selector("text=Training finished.", timeout=180_000)
    wait_until_idle(phone, 120_000)
    assert_fits_the_screen(phone)

    phone.goto(link.split("/cnn?")[0] + "/playground?lang=en")  # the student's run follows them (their cookie)
    phone.locator(CANVAS).wait_for(timeout=60_000)
    wait_until_idle(phone)
    assert phone.get_by_text("No network has been trained").count() == 0
    phone.locator(CANVAS).scroll_into_view_if_needed()
    touch_strokes(phone, FOUR)
    answer = phone.get_by_text("CNN: ", exact=False).filter(has_text="%").first
    answer.wait_for(timeout=60_000)
    wait_until_idle(phone)
    assert "%" in answer.inner_text()
    assert_fits_the_screen(phone)
    assert_no_exception(phone)
    context.close()
