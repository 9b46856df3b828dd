"""A reload loses nothing (ui/student.py): the student's runs, kept runs and settings come back after
the browser's reload, in a second tab of the same browser, and on a phone; another browser, even one
given the first browser's address, finds none of them."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.steps import CNN_HEADING, IDLE, SLOW_RUN, assert_no_exception, open_app, wait_until_idle

pytestmark = pytest.mark.browser
CHART = "[data-testid='stPlotlyChart']"
QUICK_RUN = "cnn?eval_every=10&embed_every=10&lang=en"  # 40 steps (BROWSER_MAX_STEPS), with every chart
LONG_RUN = ("cnn?batch_size=512&blocks=64c5-p,64c5-p&eval_every=500&embed_method=none&epochs=10"
            "&lang=en")  # busy for the whole cap: time to open a second tab and watch it follow
COOKIE = "livelab_student"
DESKTOP = {"viewport": {"width": 1400, "height": 1000}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def train_to_the_end(page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("text=Training finished.", timeout=180_000)
    wait_until_idle(page, 120_000)


def cookie_given(context) -> dict:
    """The identity cookie, once the page has given it to the browser."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [cookie for cookie in context.cookies() if cookie["name"] == COOKIE]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError("no identity cookie")


def reload(page) -> None:
    page.reload()
    page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
    page.wait_for_selector(CNN_HEADING, timeout=60_000)
    wait_until_idle(page, 60_000)


def charts(page) -> int:
    return page.locator(CHART).count()


def stop_button(page):
    return page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop", exact=True)


def test_a_reload_brings_back_the_run_its_charts_the_kept_runs_continue_and_the_timeline(browser, app_url):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    open_app(page, app_url, QUICK_RUN)
    train_to_the_end(page)
    drawn = charts(page)
    assert drawn >= 4  # loss, accuracy, t-SNE, confusion matrix
    cookie = cookie_given(context)
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert 11 * 3600 < cookie["expires"] - time.time() <= 12 * 3600  # a school day
    assert cookie["value"] not in page.url and cookie["value"] not in page.locator("body").inner_text()

    reload(page)
    page.wait_for_selector("text=Training finished.", timeout=30_000)
    page.wait_for_function(f"() => document.querySelectorAll(\"{CHART}\").length >= {drawn}", timeout=30_000)
    assert_no_exception(page)

    # A second run, stopped mid-way: after a reload it is there, stopped, and Continue takes it to the end.
    page.goto(f"{app_url}/{SLOW_RUN}")
    wait_until_idle(page, 60_000)
    page.get_by_role("button", name="Train", exact=True).click()
    # Not the loss chart: the first run's is still on the page until the rerun replaces it. Stop enabled is the
    # new run's page, and a step shown is a record of it (stopped before its first, it would have none to list).
    expect(stop_button(page)).to_be_enabled(timeout=60_000)
    page.wait_for_selector("[data-testid='stProgress'] >> text=/Step [1-9]/", timeout=60_000)
    stop_button(page).click()
    page.wait_for_selector("text=Stopped. Nothing is lost", timeout=60_000)
    wait_until_idle(page)
    reload(page)
    page.wait_for_selector("text=Stopped. Nothing is lost", timeout=30_000)
    page.get_by_text("Runs: compare, take home, train from a file").click()  # the kept run is there too
    page.locator(f"{CHART} >> text=Loss of the runs (smoothed)").wait_for(timeout=30_000)
    page.get_by_text("#1", exact=True).first.wait_for(timeout=30_000)  # the first run, kept, beside "#2 (now)"
    page.get_by_text("#2 (now)", exact=True).first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_selector("text=Training finished.", timeout=180_000)
    wait_until_idle(page, 60_000)

    timeline = page.locator("[data-testid='stSlider']").filter(has_text="Step shown")
    timeline.get_by_role("slider").focus()
    page.keyboard.press("Home")
    page.wait_for_function("() => document.body.innerText.includes('Confusion matrix (step 1)')", timeout=30_000)
    assert_no_exception(page)

    # Another browser sees none of it, even at the first browser's address.
    other = browser.new_context(**DESKTOP)
    stranger = other.new_page()
    for address in (f"{app_url}/{QUICK_RUN}", page.url):
        stranger.goto(address)
        stranger.wait_for_selector(IDLE, timeout=60_000)
        stranger.wait_for_selector(CNN_HEADING, timeout=60_000)
        wait_until_idle(stranger)
        assert stranger.get_by_text("Training finished.").count() == 0
        assert stranger.get_by_text("Stopped. Nothing is lost").count() == 0
        assert stranger.get_by_role("button", name="Continue", exact=True).is_disabled()
        assert stranger.get_by_role("button", name="Reset", exact=True).is_disabled()  # no run at all
    assert cookie_given(other)["value"] != cookie["value"]
    other.close()
    context.close()


def test_two_tabs_of_one_browser_share_the_run_and_a_stop_in_one_stops_it_in_both(browser, app_url):
    context = browser.new_context(**DESKTOP)
    one = context.new_page()
    open_app(one, app_url, LONG_RUN)
    cookie_given(context)  # the first tab has given the browser its identity
    one.get_by_role("button", name="Train", exact=True).click()
    one.wait_for_selector(f"{CHART} >> text=Training loss", timeout=60_000)

    two = context.new_page()
    open_app(two, app_url, LONG_RUN)
    two.wait_for_selector(f"{CHART} >> text=Training loss", timeout=60_000)
    steps = re.compile(r"Step (\d+) of (\d+)")
    first = int(steps.search(two.locator("[data-testid='stProgress']").first.inner_text()).group(1))
    two.wait_for_function(  # the live charts follow the run in this tab too
        f"() => {{ const m = document.querySelector(\"[data-testid='stProgress']\")?.innerText.match(/Step (\\d+)/);"
        f" return m && Number(m[1]) > {first}; }}", timeout=60_000)

    stop_button(one).click()
    one.wait_for_selector("text=Stopped. Nothing is lost", timeout=60_000)
    two.wait_for_selector("text=Stopped. Nothing is lost", timeout=30_000)  # the other tab, by itself
    wait_until_idle(two)
    assert two.get_by_role("button", name="Continue", exact=True).is_enabled()
    assert_no_exception(one)
    assert_no_exception(two)
    context.close()


def test_on_a_phone_a_reload_finds_the_run(browser, app_url):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{app_url}/cnn?embed_method=none&lang=en")
    page.wait_for_selector(CNN_HEADING, timeout=60_000)
    wait_until_idle(page, 60_000)
    train_to_the_end(page)
    cookie_given(context)
    reload(page)
    page.wait_for_selector("text=Training finished.", timeout=30_000)
    page.locator(f"{CHART} >> text=Training loss").first.wait_for(timeout=30_000)
    assert_no_exception(page)
    context.close()
