"""The chat page in a real headless browser (Debian's chromium + chromium-driver via Selenium;
Firefox too when firefox and geckodriver are installed): ask two questions, see highlighted
words with their scores, rate an answer, reload and find the conversation again, and fit a
phone-width screen. Skips cleanly when no browser is installed."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from saywhy.tools.context import ToolContext
from tests.serving import live_server, make_app, need_planner

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,900"]


def _chromium(profile: str) -> Any:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not binary or not driver:
        pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium "
                    "chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in [*CHROME_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def _firefox(profile: str) -> Any:
    binary, driver = shutil.which("firefox") or shutil.which("firefox-esr"), shutil.which(
        "geckodriver")
    if not binary or not driver:
        pytest.skip("firefox and geckodriver are not installed")
    from selenium.webdriver.firefox.service import Service

    options = webdriver.FirefoxOptions()
    options.binary_location = binary
    options.add_argument("-headless")
    options.add_argument("-profile")
    options.add_argument(profile)
    return webdriver.Firefox(service=Service(executable_path=driver), options=options)


@pytest.fixture(params=["chromium", "firefox"])
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    with tempfile.TemporaryDirectory(prefix="saywhy-browser-") as profile:
        driver = (_chromium if request.param == "chromium" else _firefox)(profile)
        driver.set_page_load_timeout(60)
        try:
            yield driver
        finally:
            driver.quit()


def ask(driver: Any, text: str, answers: int) -> Any:
    box = driver.find_element(By.ID, "question")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    WebDriverWait(driver, 180).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".msg.bot[data-turn]")) >= answers)
    return driver.find_elements(By.CSS_SELECTOR, ".msg.bot[data-turn]")[-1]


def test_two_questions_highlights_feedback_and_reload(browser: Any, tiny_ctx: ToolContext,
                                                       tmp_path: Path) -> None:
    need_planner()
    with live_server(make_app(tiny_ctx, tmp_path)) as url:
        browser.get(url + "/")
        wait = WebDriverWait(browser, 60)
        wait.until(EC.text_to_be_present_in_element((By.ID, "model"), "Explaining"))
        assert browser.find_elements(By.CSS_SELECTOR, ".chip")

        first = ask(browser, "what does the model predict for review 3?", 1)
        assert "review #3" in first.text
        second = ask(browser, "why? use gradient x input", 2)
        words = second.find_elements(By.CSS_SELECTOR, ".highlighted .hl")
        assert words, "no highlighted words"
        title = words[0].get_attribute("title")
        assert ":" in title and ("towards" in title or "away from" in title)
        assert words[0].value_of_css_property("background-color").startswith("rgba")
        assert second.find_elements(By.CSS_SELECTOR, "svg.chart rect")  # the bar chart
        calls = second.find_element(By.CSS_SELECTOR, "details.calls")
        assert calls.get_attribute("open") is None  # collapsed until clicked
        folded = second.find_element(By.CSS_SELECTOR, "details.explained")  # method, ERASER at each k
        assert folded.get_attribute("open") is None
        folded.find_element(By.TAG_NAME, "summary").click()
        assert "random" in folded.text.lower() and folded.text.strip() not in second.find_element(
            By.TAG_NAME, "p").text
        second.find_element(By.CSS_SELECTOR, ".feedback button[data-rating='up']").click()
        wait.until(lambda d: second.find_element(
            By.CSS_SELECTOR, ".feedback button[data-rating='up']").get_attribute(
            "aria-pressed") == "true")

        cid = browser.execute_script("return localStorage.getItem('saywhy.current')")
        messages = httpx.get(f"{url}/api/v1/conversations/{cid}").json()["messages"]
        assert [m["feedback"] for m in messages] == [None, "up"]

        browser.refresh()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".msg.bot[data-turn]")) == 2)
        assert len(browser.find_elements(By.CSS_SELECTOR, ".msg.user")) == 2
        assert browser.find_elements(By.CSS_SELECTOR, ".highlighted .hl")
        pressed = browser.find_elements(By.CSS_SELECTOR, ".feedback button[aria-pressed='true']")
        assert len(pressed) == 1
        assert browser.find_elements(By.CSS_SELECTOR, "#conversations li.active")

        browser.set_window_size(390, 844)  # phone width: nothing sticks out sideways
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        assert browser.find_element(By.ID, "menu").is_displayed()
        logs = browser.get_log("browser") if hasattr(browser, "get_log") else []
        assert not [e for e in logs if e.get("level") == "SEVERE"], logs
