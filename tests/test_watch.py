"""newsdesk watch against a real HTTP server on 127.0.0.1 serving feeds and pages written for these tests.

Every watch runs with ``once=True`` (bounded by the listed entries) and short timeouts; the fetcher
may contact loopback only (``allow_networks``), so a redirect to 10.0.0.1 or 169.254.169.254 must be
refused before any connection: ``socket.create_connection`` is wrapped to prove no other address
is ever contacted.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import itertools
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsdesk import Desk
from newsdesk.watch import Settings, Watch, sources_from, sources_health

LIGHT = ['pipeline.steps=["normalize", "roles", "dedup"]']

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title>
<meta property="og:site_name" content="Harbour Gazette"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<p>{lead} The harbour authority said on Tuesday that the work would continue through the week.</p>
<p>Residents of the lower town were told to keep away from the quay while cranes move the damaged
pontoons, and the ferry to the islands will leave from the north pier until further notice.</p>
<p>"We expect the channel to be open again by the weekend," a spokesperson for the authority said.</p>
</article><footer>© Harbour Gazette</footer></body></html>"""

STORIES = {
    "a1": ("Storm damages harbour pontoons", "A storm tore three pontoons from their moorings overnight."),
    "a2": ("Ferry moves to north pier", "The island ferry will sail from the north pier from Monday."),
    "a3": ("Cranes arrive at the quay", "Two floating cranes reached the harbour on Wednesday morning."),
    "a4": ("Channel reopens early", "The shipping channel reopened on Friday, a day ahead of plan."),
    "a5": ("Fishermen count their losses", "Fishermen said the storm cost them a week of landings."),
    "a6": ("Council debates sea wall", "The town council met to discuss raising the old sea wall."),
}


def rss(entries: list[tuple[str, str, str]], title: str = "Harbour Gazette") -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid><pubDate>Tue, 03 Dec 2024 08:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;{summary} This is the feed's own summary of the report.&lt;/p&gt;</description></item>"
        for link, t, summary in entries
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.org/</link>{items}</channel></rss>"
    ).encode()


class Site:
    """Routes of a tiny web server: path -> (status, headers, body) or a function of the request."""

    def __init__(self):
        self.routes: dict = {}
        self.log: list[tuple[str, int]] = []  # (path, status) of every request
        self.agents: set[str] = set()
        handler = self._handler()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, key: str) -> None:
        title, lead = STORIES[key]
        self.routes[path] = (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            PAGE.format(title=title, lead=lead).encode(),
        )

    def feed(self, path: str, body: bytes, content_type: str = "application/rss+xml") -> None:
        """A feed with an ETag and Last-Modified, answering 304 to a matching conditional request."""
        etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'

        def answer(request):
            if request.headers.get("If-None-Match") == etag:
                return 304, {"ETag": etag}, b""
            return (
                200,
                {"Content-Type": content_type, "ETag": etag, "Last-Modified": "Tue, 03 Dec 2024 08:00:00 GMT"},
                body,
            )

        self.routes[path] = answer

    def requests(self, path: str) -> list[int]:
        return [status for p, status in self.log if p == path]

    def _handler(self):
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                path = self.path.split("?")[0]
                route = site.routes.get(
                    path, (404, {"Content-Type": "text/html"}, b"<html><body>not here</body></html>")
                )
                status, headers, body = route(self) if callable(route) else route
                site.log.append((path, status))
                site.agents.add(self.headers.get("User-Agent", ""))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if not callable(body):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if callable(body):  # a stream: write until the client hangs up
                        body(self.wfile)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        return Handler

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    server = Site()
    yield server
    server.close()


@pytest.fixture
def contacted(monkeypatch):
    """Every address a connection is opened to; fails the test on any non-loopback address."""
    seen: list[str] = []
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        seen.append(address[0])
        assert address[0] in ("127.0.0.1", "::1"), f"connected to {address[0]}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return seen


def settings(**changes) -> Settings:
    base = {
        "allow_networks": ["127.0.0.0/8"],
        "host_delay": 0.0,
        "timeout": 2.0,
        "connect_timeout": 2.0,
        "max_seconds": 5.0,
        "retries": 1,
        "backoff": 0.05,
        "max_retry_after": 3.0,
        "workers": 4,
    }
    return Settings.from_config(None, **{**base, **changes})


def watch_once(desk, urls, **changes):
    watch = Watch(desk, sources_from(urls, 60), settings(**changes))
    started = time.monotonic()
    stats = watch.run(once=True)
    assert time.monotonic() - started < 30
    return stats


@pytest.fixture
def light():
    with Desk(":memory:", overrides=LIGHT) as desk:
        yield desk


# fetching and storing -----------------------------------------------------------
def test_new_entries_are_fetched_once_each_then_a_second_poll_gets_304(site, light, contacted):
    for key in ("a1", "a2", "a3"):
        site.page(f"/news/{key}", key)
    site.feed(
        "/feed.xml",
        rss(
            [
                (site.url("/news/a1"), *STORIES["a1"]),
                (site.url("/news/a1?utm_source=rss#comments"), *STORIES["a1"]),  # the same page
                (site.url("/news/a2"), *STORIES["a2"]),
                (site.url("/news/a3"), *STORIES["a3"]),
            ]
        ),
    )
    stats = watch_once(light, [site.url("/feed.xml")])
    assert stats.added == 3 and stats.downloads == 1
    assert site.requests("/news/a1") == [200]
    article = next(a for a in light.articles() if a.title == STORIES["a2"][0])
    assert article.url == site.url("/news/a2") and article.metadata["fetch"] == "page"
    assert "north pier" in " ".join(p.text for p in article.paragraphs)  # the page's text, not the summary

    again = watch_once(light, [site.url("/feed.xml")])
    assert site.requests("/feed.xml") == [200, 304]
    assert (again.downloads, again.not_modified, again.processed, again.pages) == (0, 1, 0, 0)
    assert light.store.count() == 3


def test_entries_added_between_polls_are_the_only_pages_fetched(site, light):
    for key in ("a1", "a2", "a4"):
        site.page(f"/{key}", key)
    site.feed("/feed.xml", rss([(site.url("/a1"), *STORIES["a1"]), (site.url("/a2"), *STORIES["a2"])]))
    watch_once(light, [site.url("/feed.xml")])
    site.feed(
        "/feed.xml",
        rss([(site.url("/a4"), *STORIES["a4"]), (site.url("/a1"), *STORIES["a1"]), (site.url("/a2"), *STORIES["a2"])]),
    )
    stats = watch_once(light, [site.url("/feed.xml")])
    assert stats.added == 1 and stats.pages == 1
    assert [len(site.requests(p)) for p in ("/a1", "/a2", "/a4")] == [1, 1, 1]
    health = sources_health(light.store)[0]
    assert (health["polls"], health["last_new"], health["articles"], health["last_status"]) == (2, 1, 3, "ok")
    row = light.store.db.execute("SELECT last_poll, next_poll FROM watch_sources").fetchone()
    assert 60 * 0.9 - 1 <= row[1] - row[0] <= 60 * 1.1  # the source's interval, with jitter


def test_redirects_are_followed_and_a_redirect_to_a_private_address_is_refused_without_contact(site, light, contacted):
    site.page("/a5", "a5")
    site.routes["/old"] = (301, {"Location": "/a5"}, b"")
    site.routes["/short/5"] = (302, {"Location": site.url("/old")}, b"")  # a second link to the same page
    site.routes["/leak"] = (302, {"Location": f"http://10.0.0.1:{site.port}/secret"}, b"")
    site.routes["/meta"] = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    site.feed(
        "/feed.xml",
        rss(
            [
                (site.url("/old"), *STORIES["a5"]),
                (site.url("/leak"), *STORIES["a1"]),
                (site.url("/meta"), *STORIES["a2"]),
                (site.url("/short/5"), *STORIES["a5"]),
            ]
        ),
    )
    stats = watch_once(light, [site.url("/feed.xml")])
    assert stats.added == 3 and stats.errors["refused"] == 2
    assert site.requests("/a5") in ([200], [200, 200])  # fetched twice only if both links were in flight at once
    articles = {a.title: a for a in light.articles()}
    assert articles[STORIES["a5"][0]].url == site.url("/a5")
    for key in ("a1", "a2"):
        kept = articles[STORIES[key][0]]
        assert kept.metadata["fetch"] == "listing" and kept.metadata["fetch_error"].startswith("refused")
        assert "feed's own summary" in kept.paragraphs[0].text
    assert set(contacted) == {"127.0.0.1"}
    assert sources_health(light.store)[0]["errors"] == {"refused": 2}


def test_without_an_allowance_even_loopback_is_refused(site, light, contacted):
    site.feed("/feed.xml", rss([(site.url("/a1"), *STORIES["a1"])]))
    watch = Watch(light, sources_from([site.url("/feed.xml")], 60), settings(allow_networks=[]))
    stats = watch.run(once=True)
    assert stats.errors == {"refused": 1} and light.store.count() == 0 and site.log == [] and contacted == []
    assert sources_health(light.store)[0]["last_status"] == "refused"


def test_429_with_retry_after_is_retried_after_the_wait(site, light):
    site.page("/a1", "a1")
    page = site.routes["/a1"]
    answers = iter([(429, {"Retry-After": "1"}, b"slow down")])
    site.routes["/busy"] = lambda request: next(answers, page)
    site.feed("/feed.xml", rss([(site.url("/busy"), *STORIES["a1"])]))
    started = time.monotonic()
    stats = watch_once(light, [site.url("/feed.xml")])
    assert site.requests("/busy") == [429, 200] and stats.added == 1 and not stats.errors
    assert time.monotonic() - started >= 1.0
    assert light.articles()[0].metadata["fetch"] == "page"


def test_pages_that_cannot_be_fetched_are_kept_from_the_feed_text_and_marked(site, light):
    slow_calls = []

    def slow(request):
        slow_calls.append(request.path)
        time.sleep(1.5)
        return 200, {"Content-Type": "text/html"}, b"<html>late</html>"

    def endless(out):
        chunk = b"<p>" + b"x" * 65_530 + b"</p>"
        for _ in range(2_000):  # 128 MB at most; the client hangs up long before
            out.write(chunk)

    site.routes["/slow"] = slow
    site.routes["/huge"] = (200, {"Content-Type": "text/html"}, endless)
    site.routes["/bomb"] = (
        200,
        {"Content-Type": "text/html", "Content-Encoding": "gzip"},
        gzip.compress(b"<p>" + b"\0" * 30_000_000),
    )
    site.routes["/pdf"] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4")
    site.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    site.routes["/later"] = (503, {"Retry-After": "3600"}, b"")  # beyond max_retry_after: given up at once
    pages = ("slow", "huge", "bomb", "gone", "pdf", "loop", "later")
    site.feed("/feed.xml", rss([(site.url(f"/{p}"), f"Report {p}", f"Summary of {p}.") for p in pages]))
    started = time.monotonic()
    stats = watch_once(light, [site.url("/feed.xml")], timeout=0.5, retries=2, backoff=0.01, max_bytes=200_000)
    marks = {a.title: a.metadata["fetch_error"].split(":")[0] for a in light.articles()}
    assert marks == {
        "Report slow": "timeout",
        "Report huge": "too_large",
        "Report bomb": "too_large",
        "Report gone": "http_404",
        "Report pdf": "content_type",
        "Report loop": "redirects",
        "Report later": "http_503",
    }
    assert stats.from_listing == len(pages) and time.monotonic() - started < 10
    assert len(slow_calls) == 3 and site.requests("/later") == [503]  # timeouts retried, twice
    assert site.requests("/gone") == [404] and len(site.requests("/loop")) == 6  # the first hop and 5 redirects
    assert sources_health(light.store)[0]["errors"] == {
        "content_type": 1,
        "http_404": 1,
        "http_503": 1,
        "redirects": 1,
        "timeout": 1,
        "too_large": 2,
    }


def test_per_host_politeness_limits_parallel_requests_and_spaces_their_starts(site, light):
    starts, running, most = [], [0], [0]
    lock = threading.Lock()

    def page(request):
        with lock:
            starts.append(time.monotonic())
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.3)
        with lock:
            running[0] -= 1
        return 200, {"Content-Type": "text/html"}, PAGE.format(title="Pier", lead=request.path).encode()

    for n in range(6):
        site.routes[f"/p{n}"] = page
    site.feed("/feed.xml", rss([(site.url(f"/p{n}"), f"Entry {n}", "Summary.") for n in range(6)]))
    watch_once(light, [site.url("/feed.xml")], per_host=2, host_delay=0.1, workers=6)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert most[0] == 2 and len(starts) == 6  # two at once, never three
    assert min(gaps) >= 0.05 and starts[-1] - starts[0] >= 0.45  # 0.1 s between starts (less the server's jitter)
    assert all(agent.startswith("newsdesk/") for agent in site.agents)


def test_robots_txt_disallowing_a_path_keeps_its_pages_unfetched(site, light):
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
    site.page("/private/a1", "a1")
    site.page("/public/a2", "a2")
    site.feed("/feed.xml", rss([(site.url("/private/a1"), *STORIES["a1"]), (site.url("/public/a2"), *STORIES["a2"])]))
    stats = watch_once(light, [site.url("/feed.xml")])
    assert site.requests("/private/a1") == [] and site.requests("/public/a2") == [200]
    assert site.requests("/robots.txt") == [200]  # once per site
    kept = next(a for a in light.articles() if a.title == STORIES["a1"][0])
    assert kept.metadata["fetch_error"].startswith("robots")
    assert stats.errors == {"robots": 1}


def test_a_news_sitemap_and_a_sitemap_index(site, light):
    site.page("/s/a3", "a3")
    site.page("/s/a6", "a6")
    news = (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{site.url('/s/a3')}</loc><news:news><news:publication><news:name>Harbour Gazette</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>2024-12-04</news:publication_date>"
        f"<news:title>{STORIES['a3'][0]}</news:title></news:news></url>"
        f"<url><loc>{site.url('/s/a6')}</loc></url>"
        f"<url><loc>{site.url('/s/missing')}</loc><news:news><news:title>Pier closed</news:title></news:news></url>"
        f"</urlset>"
    ).encode()
    site.feed("/news-sitemap.xml", gzip.compress(news), content_type="application/x-gzip")
    site.feed(
        "/index.xml",
        (
            f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site.url('/news-sitemap.xml')}</loc></sitemap></sitemapindex>"
        ).encode(),
        content_type="application/xml",
    )
    stats = watch_once(light, [site.url("/index.xml")])
    assert stats.added == 3 and stats.downloads == 2
    titles = {a.title: a for a in light.articles()}
    assert titles[STORIES["a3"][0]].published == "2024-12-04" and titles[STORIES["a3"][0]].language == "en"
    assert titles["Pier closed"].metadata["fetch"] == "listing" and titles["Pier closed"].paragraphs == []
    assert sources_health(light.store)[0]["kind"] == "sitemapindex"
    again = watch_once(light, [site.url("/index.xml")])  # the index again, its sitemap conditionally
    assert (again.downloads, again.not_modified, again.processed) == (1, 1, 0)
    assert site.requests("/news-sitemap.xml") == [200, 304]


def test_a_folder_source_picks_up_new_and_changed_files(tmp_path, light):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "one.txt").write_text("Storm hits harbour\n\nThree pontoons were torn away.\n")
    first = watch_once(light, [str(folder)])
    (folder / "two.txt").write_text("Ferry moves\n\nThe ferry sails from the north pier.\n")
    (folder / "one.txt").write_text("Storm hits harbour\n\nThree pontoons and a crane were torn away.\n")
    os.utime(folder / "one.txt", ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    second = watch_once(light, [str(folder)])
    third = watch_once(light, [str(folder)])
    assert (first.added, second.added, second.updated, third.processed) == (1, 1, 1, 0)
    assert "crane" in light.article("one").paragraphs[0].text
    assert sources_health(light.store)[0]["articles"] == 3


# the CLI, signals and kill -9 ------------------------------------------------------
def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def ids(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        return sorted(connection.execute("SELECT id, url FROM articles").fetchall())


@pytest.fixture
def slow_site(site):
    """30 entries whose pages answer after 50 ms: a watch over them takes a few seconds."""

    def page(key):
        def answer(request):
            time.sleep(0.05)
            title, lead = STORIES[f"a{key % 6 + 1}"]
            return (
                200,
                {"Content-Type": "text/html"},
                PAGE.format(title=f"{title} ({key})", lead=f"{lead} Part {key}.").encode(),
            )

        return answer

    for key in range(30):
        site.routes[f"/p/{key}"] = page(key)
    site.feed("/feed.xml", rss([(site.url(f"/p/{k}"), f"Entry {k}", f"Summary {k}.") for k in range(30)]))
    return site


WATCH_ARGS = [
    "--allow-private",
    "--set",
    "watch.host_delay=0.1",
    "--set",
    "watch.per_host=1",
    "--set",
    "pipeline.batch_size=2",
] + [a for item in LIGHT for a in ("--set", item)]


def test_kill_9_then_restart_loses_and_doubles_nothing(slow_site, tmp_path):
    url = slow_site.url("/feed.xml")
    reference = tmp_path / "reference.db"
    done = cli("watch", url, "--db", str(reference), "--once", *WATCH_ARGS)
    assert done.wait(timeout=120) == 0, done.stderr.read()
    fetched_once = len(slow_site.log)

    killed = tmp_path / "killed.db"
    running = cli("watch", url, "--db", str(killed), *WATCH_ARGS)
    deadline = time.monotonic() + 60
    while count(killed) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    running.send_signal(signal.SIGKILL)
    running.wait(timeout=10)
    stored_before = {url.removeprefix(slow_site.base) for _, url in ids(killed)}
    assert 8 <= len(stored_before) < 30
    before_restart = len(slow_site.log)
    resumed = cli("watch", url, "--db", str(killed), "--once", *WATCH_ARGS)
    assert resumed.wait(timeout=120) == 0, resumed.stderr.read()

    assert ids(killed) == ids(reference) and len(ids(reference)) == 30
    assert not stored_before & {p for p, _ in slow_site.log[before_restart:]}  # nothing stored is fetched again
    assert slow_site.log[before_restart:].count(("/feed.xml", 304)) == 1  # the feed's validators were kept
    assert fetched_once == 32  # reference: feed, robots.txt, 30 pages


def test_sigterm_finishes_the_batch_in_hand_and_sources_shows_health(slow_site, tmp_path):
    db = tmp_path / "d.db"
    running = cli("watch", slow_site.url("/feed.xml"), "--db", str(db), *WATCH_ARGS)
    deadline = time.monotonic() + 60
    while count(db) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    running.send_signal(signal.SIGTERM)
    out, err = running.communicate(timeout=30)
    assert running.returncode == 0 and "stopping after the articles in hand" in err
    assert "articles processed" in out
    shown = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "sources", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0
    line = shown.stdout.splitlines()[1]
    assert slow_site.url("/feed.xml") in line and "(feed)" in line and " ok " in line


def test_a_source_that_is_not_http_or_a_folder_is_a_clear_error(tmp_path):
    from click.testing import CliRunner

    from newsdesk.cli import main

    result = CliRunner().invoke(main, ["watch", "ftp://example.org/feed.xml", "--db", str(tmp_path / "d.db"), "--once"])
    assert result.exit_code == 1 and "only http and https" in result.output
    result = CliRunner().invoke(main, ["watch", "--db", str(tmp_path / "d.db"), "--once"])
    assert result.exit_code == 2 and "name a feed" in result.output


def test_serve_overview_shows_each_watched_source_health(site, tmp_path):
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'newsdesk[web]'")
    from fastapi.testclient import TestClient

    from newsdesk.web import create_app

    site.page("/a1", "a1")
    site.feed("/feed.xml", rss([(site.url("/a1"), *STORIES["a1"]), (site.url("/gone"), *STORIES["a2"])]))
    with Desk(tmp_path / "d.db", overrides=LIGHT) as desk:
        watch_once(desk, [site.url("/feed.xml")])
    page = TestClient(create_app(tmp_path / "d.db")).get("/").text
    assert "Watched sources" in page and site.url("/feed.xml") in page and "http_404 1" in page
