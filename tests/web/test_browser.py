"""The approval app in a real browser: headless Chromium, driven by Selenium through the
system chromedriver, against the app served on localhost by werkzeug in a thread.

CI must run this test. It is skipped only where Chromium is truly missing AND
CHECKIN_SYNC_ALLOW_NO_BROWSER=1 says that is acceptable; otherwise a missing browser fails.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from sync.config.settings import load_settings
from sync.delivery.signin import make_link
from sync.store import State
from tests.web_helpers import CLOCK, Org

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


def test_a_manager_signs_in_approves_one_and_rejects_another_in_a_real_browser(
    served: str, browser: object, org: Org
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    lena = org.proposal("lena@example.com")
    erik = org.proposal("erik@example.com")
    web = load_settings(org.root).web.model_copy(update={"public_url": served})
    link = make_link(web, "karin@example.com", CLOCK)

    browser.get(link.url)
    browser.find_element(By.ID, "sign-in").click()
    # the click sends a form; wait for the page it leads to before looking at it
    approve = _element(browser, By.ID, f"approve-{lena.id}")
    assert "Check-ins for Karin Lind" in browser.find_element(By.TAG_NAME, "h1").text

    approve.click()
    flash = _flash(browser)
    assert "Approved the check-in with Lena Berg. It is booked" in flash

    # keyboard only: type the reason and press Enter in its field to reject
    reason = browser.find_element(By.ID, f"reason-{erik.id}")
    label = browser.find_element(By.CSS_SELECTOR, f"label[for='reason-{erik.id}']")
    assert "Reason for rejecting" in label.text
    reason.send_keys("Wednesdays are for the release\n")
    flash = _flash(browser, after=flash)
    assert "Rejected the check-in with Erik Sandberg" in flash

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "manager-page.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000

    assert org.reload(lena).state is State.BOOKED
    assert org.reload(erik).state is State.REJECTED
    assert org.audit(erik)[-1]["note"] == "Wednesdays are for the release"
    assert {row["actor"] for row in org.audit(lena)[1:]} == {"karin@example.com (web)"}

    # a phone-sized window still shows the page without sideways scrolling
    browser.set_window_size(390, 900)
    browser.get(served + "/")
    visible, content = browser.execute_script(
        "return [window.innerWidth, document.documentElement.scrollWidth]"
    )
    assert browser.save_screenshot(str(ARTIFACTS / "manager-page-phone.png"))
    assert content <= visible


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
