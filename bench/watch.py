"""newsdesk watch over many local feeds: first poll, second poll, kill -9 and restart.

    .venv/bin/python -m bench.watch [--feeds 200] [--entries 20] [--steps full|light] [--kills 3] [--limit N]

A server in its own process (127.0.0.1, random port) serves FEEDS RSS feeds of ENTRIES entries,
each entry a page made from one GVC article (../shared/data, read in place), feeds with ETag and
Last-Modified. Measured:

1. first poll (one ``watch --once`` over all feeds, the configured pipeline or ``normalize`` only):
   seconds to the first stored article and to all, requests per second, peak memory;
2. second poll of the unchanged feeds: full downloads (server side, must be 0), 304s, articles
   re-processed (must be 0);
3. kill -9 of a running ``newsdesk watch`` (light pipeline) at KILLS random moments, each followed by
   a restart, then ``--once``: articles lost or doubled against the first poll's desk (must be 0);
4. fetch speed beside a peer in the same run: newsdesk's guarded fetcher vs plain ``httpx.Client.get``
   over the same pages, two threads each.

Politeness is set for one local host (host_delay 0, per_host 2): the default 1 s delay per host
would measure only the delay.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import http.server
import json
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import gate
from bench.data import DATA, gvc_documents

OUT = Path(__file__).parent / "out"
LIGHT = 'pipeline.steps=["normalize"]'
POLITE = ["watch.host_delay=0", "watch.per_host=2", "watch.workers=4", 'watch.allow_networks=["127.0.0.0/8"]']


# the server (own process) -------------------------------------------------------------
def serve(feeds: int, entries: int) -> None:
    documents = [d for d in gvc_documents() if d["text"].strip()]
    pages, feed_bodies = {}, {}
    for f in range(feeds):
        items = []
        for e in range(entries):
            doc = documents[(f * entries + e) % len(documents)]
            path = f"/a/{f}/{e}.html"
            body = "".join(f"<p>{html.escape(p)}</p>" for p in doc["text"].split("\n") if p.strip())
            pages[path] = (
                f'<!doctype html><html lang="en"><head><title>{html.escape(doc["title"])}</title>'
                f'<meta name="date" content="{doc["published"] or ""}"></head><body><article>'
                f"<h1>{html.escape(doc['title'])}</h1>{body}</article></body></html>"
            ).encode()
            items.append(
                f"<item><title>{html.escape(doc['title'])}</title><link>{{base}}{path}</link>"
                f"<guid>{{base}}{path}</guid><description>{html.escape(doc['text'][:200])}</description></item>"
            )
        feed_bodies[f"/feed/{f}.xml"] = (
            '<?xml version="1.0"?><rss version="2.0"><channel>'
            f"<title>Outlet {f}</title>" + "".join(items) + "</channel></rss>"
        )
    counts = {"feed_200": 0, "feed_304": 0, "page_200": 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/_stats":
                return self.answer(200, json.dumps(counts).encode(), "application/json")
            if self.path in feed_bodies:
                body = feed_bodies[self.path].replace("{base}", base).encode()
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    with lock:
                        counts["feed_304"] += 1
                    return self.answer(304, b"", None, etag)
                with lock:
                    counts["feed_200"] += 1
                return self.answer(200, body, "application/rss+xml", etag)
            if self.path in pages:
                with lock:
                    counts["page_200"] += 1
                return self.answer(200, pages[self.path], "text/html; charset=utf-8")
            return self.answer(404, b"not found", "text/plain")

        def answer(self, status, body, content_type, etag=None):
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):  # clients killed mid-request (the kill -9 rounds)
            pass

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def start_server(feeds: int, entries: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.watch", "--serve", "--feeds", str(feeds), "--entries", str(entries)],
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, f"http://127.0.0.1:{process.stdout.readline().strip()}"


def server_counts(base: str) -> dict:
    import httpx

    return httpx.get(base + "/_stats").json()


# the measures ---------------------------------------------------------------------------
def poll(db: Path, urls: list[str], steps: list[str]):
    from newsdesk import Desk
    from newsdesk.watch import Watch, sources_from

    with Desk(db, overrides=steps + POLITE) as desk:
        watch = Watch(desk, sources_from(urls, 900), allow_private=False)
        started = time.monotonic()
        stats = watch.run(once=True)
        return stats, time.monotonic() - started


def article_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM articles")]


def kills(urls: list[str], workdir: Path, count: int, reference: list[str]) -> dict:
    """kill -9 a running watch at random moments, restart each time, then --once: compare with the reference."""
    db = workdir / "killed.db"
    sets = [a for item in [LIGHT, *POLITE] for a in ("--set", item)]
    rng = random.Random(7)
    cli = [sys.executable, "-m", "newsdesk.cli", "watch", *urls, "--db", str(db), *sets]
    for _ in range(count):
        running = subprocess.Popen(cli, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(2.0, 6.0))
        running.send_signal(signal.SIGKILL)
        running.wait()
    subprocess.run(cli + ["--once"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    got = article_ids(db)
    return {
        "kills": count,
        "articles": len(got),
        "lost": len(set(reference) - set(got)),
        "doubled": len(got) - len(set(got)) + len(set(got) - set(reference)),
    }


def fetch_speed(urls: list[str]) -> dict:
    import httpx

    from newsdesk.watch.fetch import Fetcher, Limits
    from newsdesk.watch.guard import Guard

    def timed(get) -> float:
        started = time.monotonic()
        with ThreadPoolExecutor(2) as pool:
            sizes = list(pool.map(get, urls))
        assert all(sizes), "a page was not fetched"
        return len(urls) / (time.monotonic() - started)

    fetcher = Fetcher(Limits("newsdesk-bench"), Guard(allow_networks=["127.0.0.0/8"]))
    ours = timed(lambda url: len(fetcher.get(url).body))
    with httpx.Client() as client:
        peer = timed(lambda url: len(client.get(url).content))
    return {"newsdesk_pages_per_s": round(ours, 1), "httpx_pages_per_s": round(peer, 1), "ratio": round(ours / peer, 2)}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument(
        "--steps",
        choices=["full", "light"],
        default="full",
        help="the configured pipeline, or normalize only (the fetch side alone)",
    )
    parser.add_argument("--kills", type=int, default=3, help="kill -9 / restart rounds (0: none)")
    parser.add_argument("--limit", type=int, help="at most this many entries in all (fewer feeds), for a quick run")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.limit:
        args.feeds = max(1, min(args.feeds, args.limit // args.entries))
    if args.serve:
        serve(args.feeds, args.entries)
        return {}
    if not (DATA / "gvc" / "documents.jsonl").exists():
        sys.exit(f"{DATA} is absent: the shared data folder (../shared) is not next to this checkout")
    server, base = start_server(args.feeds, args.entries)
    urls = [f"{base}/feed/{f}.xml" for f in range(args.feeds)]
    steps = [] if args.steps == "full" else [LIGHT]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            first, seconds = poll(workdir / "watch.db", urls, steps)
            memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            after_first = server_counts(base)
            second, _ = poll(workdir / "watch.db", urls, steps)
            after_second = server_counts(base)
            reference = article_ids(workdir / "watch.db")
            killed = kills(urls, workdir, args.kills, reference) if args.kills else {}
            speed = fetch_speed(
                [f"{base}/a/{f}/{e}.html" for f in range(min(args.feeds, 25)) for e in range(args.entries)]
            )
    finally:
        server.terminate()
    result = {
        "setup": {"feeds": args.feeds, "entries": args.entries, "pipeline": args.steps},
        "first_poll": {
            "seconds_to_first_article": round(first.first_article or -1, 2),
            "seconds_to_all_stored": round(first.last_article or -1, 2),
            "seconds": round(seconds, 1),
            "requests": first.requests,
            "requests_per_s": round(first.requests / seconds, 1),
            "articles_added": first.added,
            "kept_from_feed_text": first.from_listing,
            "errors": dict(first.errors),
            "peak_memory_mb": round(memory),
            "server": after_first,
        },
        "second_poll": {
            "full_downloads": after_second["feed_200"]
            - after_first["feed_200"]
            + after_second["page_200"]
            - after_first["page_200"],
            "not_modified": after_second["feed_304"] - after_first["feed_304"],
            "articles_processed": second.processed,
        },
        "kill_restart": killed,
        "fetch_speed": speed,
    }
    result["headline"] = {
        "articles_stored_share": round(len(reference) / (args.feeds * args.entries), 4),
        "second_poll_full_downloads": result["second_poll"]["full_downloads"],
        "second_poll_articles_processed": second.processed,
        "fetch_speed_ratio": speed["ratio"],
    }
    if killed:
        result["headline"].update(kill_lost=killed["lost"], kill_doubled=killed["doubled"])
    print(json.dumps(result, indent=1))
    OUT.mkdir(exist_ok=True)
    (OUT / "watch.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


if __name__ == "__main__":
    result = main()
    sys.exit(1 if "headline" in result and gate.check("watch", result["headline"]) else 0)
