"""Screenshots of `newsdesk serve` for the docs (`make screenshots`): the story page and the events map, on a desk
built from examples/ (text written for the project), in headless Chromium."""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from newsdesk import Desk
from newsdesk.web import create_app

DOCS = Path(__file__).resolve().parent
EXAMPLES = DOCS.parent / "examples"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.db"
        with Desk(db) as desk:
            desk.add(str(EXAMPLES))
            story = next(s for s in desk.stories() if any(a.startswith("goma") for a in s.articles))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2200"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            driver.get(f"http://127.0.0.1:{port}/stories/{story.id}")
            driver.save_screenshot(str(DOCS / "serve-story.png"))
            driver.set_window_size(1280, 1100)
            driver.get(f"http://127.0.0.1:{port}/events")
            time.sleep(0.5)  # the basemap image decodes after load
            driver.find_element(By.TAG_NAME, "main").screenshot(str(DOCS / "serve-events.png"))
        finally:
            driver.quit()
            server.should_exit = True
    print("wrote docs/serve-story.png, docs/serve-events.png", file=sys.stderr)


if __name__ == "__main__":
    main()
