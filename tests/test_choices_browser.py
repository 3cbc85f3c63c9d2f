"""Clarifying choices on the chat page, in headless chromium (as tests/test_browser.py; skips when
it is not installed): an unclear question shows its readings as numbered buttons under the
question (not listed again in its words); clicking one sends it and the answer runs that reading;
asking anything retires the buttons; after a reload only the latest answer's can be picked;
typing a number picks as well."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from saywhy.tools.context import ToolContext
from tests.serving import live_server, make_app, need_planner
from tests.test_choices import TORN, tear

pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tests.test_browser import _chromium, ask  # noqa: E402

BOTS = ".msg.bot[data-turn]"


def picks(bubble: Any) -> list[Any]:
    return bubble.find_elements(By.CSS_SELECTOR, ".choices button.pick")  # type: ignore[no-any-return]


def test_readings_are_buttons_and_a_click_resolves_the_turn(
        tiny_ctx: ToolContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_planner()
    tear(monkeypatch)
    with tempfile.TemporaryDirectory(prefix="saywhy-browser-") as profile, \
            live_server(make_app(tiny_ctx, tmp_path)) as url:
        driver = _chromium(profile)
        try:
            driver.set_page_load_timeout(60)
            driver.get(url + "/")
            wait = WebDriverWait(driver, 60)
            wait.until(EC.text_to_be_present_in_element((By.ID, "model"), "Explaining"))

            offer = ask(driver, TORN, 1)
            buttons = picks(offer)
            assert [b.get_attribute("data-number") for b in buttons] == ["1", "2"]
            readings = [b.text.split("\n", 1)[-1].strip() for b in buttons]
            assert all("review 3" in r for r in readings), readings
            words = offer.find_element(By.CSS_SELECTOR, "p").text
            assert words and not any(r in words for r in readings)  # listed once: as buttons
            group = offer.find_element(By.CSS_SELECTOR, ".choices")
            assert group.get_attribute("role") == "group" and group.get_attribute("aria-label")
            assert all(b.is_enabled() for b in buttons)

            buttons[1].click()
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, BOTS)) >= 2)
            answer = driver.find_elements(By.CSS_SELECTOR, BOTS)[-1]
            assert answer.find_elements(By.CSS_SELECTOR, ".highlighted .hl")  # attribute ran
            assert not picks(answer)
            assert not any(b.is_enabled() for b in picks(offer))  # retired once used
            assert buttons[1].get_attribute("aria-pressed") == "true"

            cid = driver.execute_script("return localStorage.getItem('saywhy.current')")
            messages = httpx.get(f"{url}/api/v1/conversations/{cid}").json()["messages"]
            assert [m["question"] for m in messages] == [TORN, readings[1]]
            assert [c["tool"] for c in messages[1]["answer"]["calls"]] == ["attribute"]

            driver.find_element(By.ID, "new").click()  # a fresh conversation, a fresh offer
            wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, BOTS))
            ask(driver, TORN, 1)
            driver.refresh()  # the latest answer's offer can still be picked after a reload
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, BOTS)) == 1)
            second = driver.find_elements(By.CSS_SELECTOR, BOTS)[-1]
            assert len(picks(second)) == 2 and all(b.is_enabled() for b in picks(second))
            picked = ask(driver, "1", 2)  # typing its number picks too
            assert "review #3" in picked.text and not any(b.is_enabled() for b in picks(second))
            cid = driver.execute_script("return localStorage.getItem('saywhy.current')")
            messages = httpx.get(f"{url}/api/v1/conversations/{cid}").json()["messages"]
            assert [c["tool"] for c in messages[1]["answer"]["calls"]] == ["predict"]

            driver.refresh()  # after a reload no earlier offer can be picked
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, BOTS)) == 2)
            shown = driver.find_elements(By.CSS_SELECTOR, ".choices button.pick")
            assert len(shown) == 2 and not any(b.is_enabled() for b in shown)
        finally:
            driver.quit()
