"""The approval app in a real browser: headless Chromium, driven by Selenium through the
system chromedriver, against the app served on localhost by werkzeug in a thread.

CI must run this test. It is skipped only where Chromium is truly missing AND
CHECKIN_SYNC_ALLOW_NO_BROWSER=1 says that is acceptable; otherwise a missing browser fails.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from sync.config.settings import load_settings
from sync.delivery.signin import make_link
from sync.store import State
from sync.web import create_app
from tests.web_helpers import CLOCK, SECRET, Org

CHROMIUM = Path(os.environ.get("CHECKIN_SYNC_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHECKIN_SYNC_CHROMEDRIVER", "/usr/bin/chromedriver"))
ARTIFACTS = Path(__file__).parent.parent / "artifacts"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _browser_or_skip() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    message = f"{', '.join(missing)} not found: apt-get install -y chromium chromium-driver"
    if os.environ.get("CHECKIN_SYNC_ALLOW_NO_BROWSER") == "1":
        pytest.skip(message)
    pytest.fail(message + " (or set CHECKIN_SYNC_ALLOW_NO_BROWSER=1 to skip this test)")


@pytest.fixture
def served(app: Flask, org: Org) -> Iterator[str]:
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_argument("--window-size=1000,1400")
    # the system driver; Selenium must not try to download one (offline CI)
    monkeypatch.setenv("SE_OFFLINE", "true")
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


class Clock:
    """The app's "now", which the test moves on to see how the booked check-ins went."""

    def __init__(self) -> None:
        self.now = CLOCK

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(org: Org, language: str, clock: Clock) -> Flask:
    """The app speaking `language`, as settings.toml sets it; a sign-in lasts long enough
    for the test to move the clock on by days."""
    org.config.settings(
        f'language = "{language}"\n[web]\nsecret = "{SECRET}"\n'
        'public_url = "http://checkins.test"\nsession_hours = 96\n'
    )
    return create_app(org.root, clock=clock)


WORDS = {
    "en": {
        "confirm": "Approve all 2 check-ins?",
        "approved all": "Approved 2 check-ins. They are booked",
        "next dates": "Next dates:",
        "rule": "Weekly · Tue 15:00–15:30 · 09:00 in New York",
        "health": "On track: 1 of 1 held in the last 90 days, last on Tue 2 Feb 2027.",
    },
    "sv": {
        "confirm": "Godkänna alla 2 avstämningar?",
        "approved all": "Godkände 2 avstämningar.",
        "next dates": "Nästa datum:",
        "rule": "Varje vecka · tis 15:00–15:30 · 09:00 i New York",
        "health": "Enligt plan: 1 av 1 hölls de senaste 90 dagarna, senast tis 2 feb. 2027.",
    },
}
"""What the page says in each language, where the test reads it."""


@pytest.mark.parametrize("language", ["en", "sv"])
def test_a_manager_reads_the_week_and_decides_by_keyboard_in_a_real_browser(
    served: str, browser: object, org: Org, language: str, clock: Clock
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    lena = org.proposal("lena@example.com")
    erik = org.proposal("erik@example.com")
    words = WORDS[language]
    web = load_settings(org.root).web.model_copy(update={"public_url": served})
    link = make_link(web, "karin@example.com", CLOCK)

    browser.get(link.url)
    browser.find_element(By.ID, "sign-in").click()
    # the click sends a form; wait for the page it leads to before looking at it
    _element(browser, By.ID, f"approve-{lena.id}")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
    # the week picture: drawn without scripts, the proposed half hour marked for both
    picture = browser.find_element(By.CSS_SELECTOR, f"#proposal-{lena.id} table.week")
    assert picture.is_displayed()
    assert len(picture.find_elements(By.CSS_SELECTOR, "td.slot")) == 4
    _screenshots(browser, served, f"manager-page-{language}")

    if language == "en":
        # keyboard only: Tab to "Reject…" (the focus ring shows where), open it with Enter,
        # Tab into the reason, type it and press Enter
        summary = browser.find_element(By.CSS_SELECTOR, f"#proposal-{erik.id} .reject-box summary")
        _tab_to(browser, summary)
        _assert_focus_ring(browser)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        browser.switch_to.active_element.send_keys(Keys.TAB)
        reason = browser.switch_to.active_element
        assert reason.get_attribute("id") == f"reason-{erik.id}"
        reason.send_keys("Wednesdays are for the release\n")
        flash = _flash(browser)
        assert "Rejected the check-in with Erik Sandberg" in flash
        decided = erik
        assert org.reload(erik).state is State.REJECTED
        assert org.audit(erik)[-1]["note"] == "Wednesdays are for the release"
    else:
        # keyboard only: Tab to Lena's approve button (the focus ring shows where); Enter
        _tab_to(browser, browser.find_element(By.ID, f"approve-{lena.id}"))
        _assert_focus_ring(browser)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        flash = _flash(browser)
        assert "Godkände avstämningen med Lena Berg." in flash
        decided = lena
        assert org.reload(lena).state is State.BOOKED
    # said where the card was, in sight without scrolling
    said = browser.find_element(By.CSS_SELECTOR, ".flashes")
    assert said.get_attribute("id") == f"proposal-{decided.id}"
    assert _in_sight(browser, said)

    # approve all that is left: the count, a confirmation, then the booked series
    _tab_to(browser, browser.find_element(By.ID, "approve-all"))
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    heading = _element(browser, By.TAG_NAME, "h1").text
    assert heading == words["confirm"]
    _tab_to(browser, browser.find_element(By.ID, "approve-all-confirm"))
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    flash = _flash(browser, after=flash)
    assert words["approved all"] in flash
    assert _in_sight(browser, browser.find_element(By.CSS_SELECTOR, ".flashes"))
    assert org.reload(lena).state is State.BOOKED
    team = browser.find_element(By.ID, "team-title").find_element(By.XPATH, "..").text
    assert "Lena Berg" in team and words["next dates"] in team
    if language == "sv":
        assert org.reload(erik).state is State.BOOKED
        assert "Erik Sandberg" in team and "hoppas över" in team, "Erik's paused week"
    assert {row["actor"] for row in org.audit(lena)[1:]} == {"karin@example.com (web)"}

    # two days on, Lena's first check-in has taken place: the series and its health
    clock.now = CLOCK + timedelta(days=2)
    browser.get(served + "/")
    team = _element(browser, By.ID, "team-title").find_element(By.XPATH, "..").text
    assert words["rule"] in team
    health = _element(browser, By.ID, "health-title").find_element(By.XPATH, "..").text
    assert "Lena Berg" in health and words["health"] in health
    _screenshots(browser, served, f"manager-page-{language}-decided")


def _assert_focus_ring(browser: object) -> None:
    outline = browser.execute_script(  # type: ignore[attr-defined]
        "const s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, parseFloat(s.outlineWidth)]"
    )
    assert outline[0] == "solid" and outline[1] >= 2, "a visible focus ring"


def _in_sight(browser: object, element: Any) -> bool:
    """Whether all of `element` is inside the window as the page is scrolled now."""
    return bool(
        browser.execute_script(  # type: ignore[attr-defined]
            "const r = arguments[0].getBoundingClientRect();"
            "return r.top >= -1 && r.bottom <= window.innerHeight + 1",
            element,
        )
    )


def _tab_to(browser: object, target: Any) -> None:
    """Press Tab until `target` has the focus, as someone without a mouse does."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for _ in range(80):
        if browser.execute_script(  # type: ignore[attr-defined]
            "return document.activeElement === arguments[0]", target
        ):
            return
        ActionChains(browser).send_keys(Keys.TAB).perform()  # type: ignore[arg-type]
    raise AssertionError(f"Tab never reached {target.get_attribute('id') or target.text}")


def _screenshots(browser: object, served: str, name: str) -> None:
    """The page at desktop and phone width, kept in tests/artifacts/ for review; at phone
    width nothing may scroll sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    here = browser.current_url  # type: ignore[attr-defined]
    for size, (width, height) in {"desktop": (1000, 1400), "phone": (390, 900)}.items():
        browser.set_window_size(width, height)  # type: ignore[attr-defined]
        browser.get(served + "/")  # type: ignore[attr-defined]
        visible, content = browser.execute_script(  # type: ignore[attr-defined]
            "return [window.innerWidth, document.documentElement.scrollWidth]"
        )
        assert content <= visible, f"{name} scrolls sideways at {width} px"
        shot = ARTIFACTS / f"{name}-{size}.png"
        assert browser.save_screenshot(str(shot))  # type: ignore[attr-defined]
        assert shot.stat().st_size > 10_000
    browser.set_window_size(1000, 1400)  # type: ignore[attr-defined]
    browser.get(here)  # type: ignore[attr-defined]


def _element(browser: object, by: str, value: str) -> Any:
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 30).until(  # type: ignore[arg-type]
        expected_conditions.presence_of_element_located((by, value))
    )


def _flash(browser: object, after: str = "") -> str:
    """The message shown after a form was sent, once the new page has it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def shown(driver: object) -> str | bool:
        found = driver.find_elements(By.CSS_SELECTOR, ".flash")  # type: ignore[attr-defined]
        text = found[0].text if found else ""
        return text if text and text != after else False

    text: str = WebDriverWait(browser, 30).until(shown)  # type: ignore[arg-type]
    return text
