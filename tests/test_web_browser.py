"""The pages in real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium).

`make test` installs the browser when it is missing and it runs as root; without one these tests skip and
say so. Selenium is given the driver's path, so Selenium Manager never tries to download anything.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import SEEDS

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'newsdesk[web]'")
pytest.importorskip("selenium", reason="selenium is not installed: pip install 'newsdesk[browser]'")
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def server(web_desk):
    """The app under uvicorn on a free loopback port, in a thread, for this module."""
    import uvicorn

    from newsdesk.web import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(web_desk), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and DRIVER.exists()) or not shutil.which(str(DRIVER)):
        pytest.skip("no browser: install Debian's chromium and chromium-driver (`make test` does it when run as root)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    except WebDriverException as exc:
        pytest.skip(f"chromium did not start: {exc.msg}")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def open_page(browser, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_every_page_opens_without_errors(server, browser):
    pages = [
        ("/", "Overview"),
        ("/stories", "Stories"),
        ("/events", "Events"),
        ("/docs", "newsdesk API"),
        ("/articles/floods-2", "Brazil floods"),
    ]
    for path, heading in pages:
        open_page(browser, server + path)
        assert browser.find_element(By.TAG_NAME, "h1").text.startswith(heading)
    open_page(browser, server + "/stories?q=Valparaiso")
    browser.find_element(By.CSS_SELECTOR, "#stories a.story-link").click()
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "timeline")))
    browser.find_element(By.CSS_SELECTOR, "#claims h3 a").click()
    WebDriverWait(browser, 10).until(ready.url_contains("/entities/"))
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe  # e.g. a blocked inline script or a missing asset


def test_search_then_story_article_entity_and_back(server, browser):
    open_page(browser, server + "/")
    box = browser.find_element(By.CSS_SELECTOR, "header form.search input[name=q]")
    box.send_keys("Goma hospital")
    box.submit()
    WebDriverWait(browser, 10).until(ready.url_contains("/stories?q="))
    links = browser.find_elements(By.CSS_SELECTOR, "#stories a.story-link")
    assert len(links) == 1 and "Goma" in links[0].text
    links[0].click()
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "timeline")))
    story_url = browser.current_url
    assert len(browser.find_elements(By.CSS_SELECTOR, ".timeline-item")) == 3
    browser.find_element(By.CSS_SELECTOR, ".timeline-item a.article-link").click()
    WebDriverWait(browser, 10).until(ready.url_contains("/articles/"))
    article_url = browser.current_url
    mention = browser.find_element(By.CSS_SELECTOR, "article a.ent")
    name = mention.get_attribute("title")
    mention.click()
    WebDriverWait(browser, 10).until(ready.url_contains("/entities/"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(name)
    browser.back()
    WebDriverWait(browser, 10).until(ready.url_to_be(article_url))
    browser.back()
    WebDriverWait(browser, 10).until(ready.url_to_be(story_url))
    assert browser.find_element(By.ID, "timeline")


def test_a_claim_leads_to_its_highlighted_span(server, browser):
    open_page(browser, server + "/stories?q=Goma")
    browser.find_element(By.CSS_SELECTOR, "#stories a.story-link").click()
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "claims")))
    claim = browser.find_element(By.CSS_SELECTOR, "#claims a.span-link")
    expected = claim.text
    claim.click()
    marks = WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "mark.hl"))
    shown = "".join(m.get_attribute("textContent") for m in marks)
    assert shown == expected
    assert browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;", marks[0]
    )


def test_the_events_map_shows_the_event_points(server, browser):
    open_page(browser, server + "/events")
    points = browser.find_elements(By.CSS_SELECTOR, "#events-map circle.event-point")
    rows = browser.find_elements(By.CSS_SELECTOR, "#events-table tr")[1:]
    assert points and len(points) <= len(rows)
    assert all(p.is_displayed() for p in points)
    loaded = browser.execute_script("return fetch('/map/world.svg').then(r => r.ok && r.headers.get('content-type'))")
    assert loaded.startswith("image/svg+xml")


def test_a_script_bearing_article_renders_as_text(server, browser):
    open_page(browser, server + "/articles/markup-1")
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_element(By.ID, "p-1").text.startswith("<script>window.pwned = 1</script>")
    assert '<a href="javascript:window.pwned=2">' in browser.find_element(By.ID, "p0").text
    assert not browser.find_elements(By.CSS_SELECTOR, "main a[href^='javascript:'], main img, main script")


def test_the_seeds_story_in_the_browser(server, browser):
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} is absent: the shared data folder (../shared) is not next to this checkout")
    open_page(browser, server + "/stories?q=Kozinka")
    browser.find_element(By.CSS_SELECTOR, "#stories a.story-link").click()
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "timeline")))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".timeline-item")) == 2
    assert len(browser.find_elements(By.CSS_SELECTOR, "a.first-appearance")) >= 4
    sides = [s.text for s in browser.find_elements(By.CSS_SELECTOR, "#contradictions .side")]
    assert any("more than 70" in s for s in sides) and any("deny" in s for s in sides)
    assert browser.find_elements(By.CSS_SELECTOR, "#events circle.event-point")
