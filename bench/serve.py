"""Load test of `newsdesk serve` on loopback: latency under concurrent clients, and the server's CPU and memory.

The desk holds the first N GVC articles (default 2,000), built once with the default pipeline and kept
(``--db``, default /tmp/newsdesk-bench-serve-N.db; building 2,000 takes ~20-30 min on a busy 2-core machine).
The server runs as `newsdesk serve` in a subprocess on 127.0.0.1; C clients (one kept-alive connection each, a
minimal HTTP/1.1 client on uvloop) send requests for S seconds (at most ``--max-requests``), cycling through: the
stories page, a story page, search, and the API lists. One run per ``--think`` value (default: back to back, then
waiting 1 s between requests). Each run prints requests/s, failed requests, the server's CPU per request, the
machine's load average during the run, and p50/p95 per kind against the targets (API lists and search < 200 ms,
story page < 500 ms); then the first request's latency (the desk-wide view is built then) and the server's memory.
Exits 1 when a request failed.

    .venv/bin/python -m bench.serve [--db PATH] [--articles 2000] [--clients 50] [--seconds 30] [--think 0 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import statistics
from collections import Counter
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"api lists": 200, "search": 200, "stories page": 500, "story page": 500}


def build_desk(path: Path, articles: int) -> None:
    from bench.data import gvc_documents

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
        for record in gvc_documents(articles):
            record.pop("gold")
            handle.write(json.dumps(record) + "\n")
    print(f"building a desk of {articles} GVC articles at {path} (once; reused next time)", file=sys.stderr)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "add", handle.name, "--db", str(path), "--no-progress"], check=True
    )
    os.unlink(handle.name)
    print(f"built in {time.monotonic() - started:.0f} s", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes(pid: int) -> list[int]:
    """The process and its descendants (the server's workers), Linux /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used by a process and its descendants."""
    total = 0
    for each in processes(pid):
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process and its descendants, MB."""
    current = peak = 0
    for each in processes(pid):
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{each}/status").read_text().splitlines() if ":" in line
        )
        current += int(fields["VmRSS"].split()[0])
        peak += int(fields["VmHWM"].split()[0])
    return current / 1024, peak / 1024


def settle(pid: int, limit: float = 120) -> None:
    """Wait until the server is idle (every worker has built its view of the desk)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(1)
        if cpu_seconds(pid) - before < 0.2:
            return


def requests_mix(db: Path, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, path) pairs to cycle through: story ids and search words come from the desk itself."""
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        stories = [r[0] for r in connection.execute("SELECT id FROM stories")]
        titles = [r[0] for r in connection.execute("SELECT title FROM articles")]
    rng = random.Random(seed)
    words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t)})
    mix = []
    for _ in range(200):
        mix += [
            ("stories page", "/stories"),
            ("story page", f"/stories/{rng.choice(stories)}"),
            ("search", f"/api/v1/search?q={rng.choice(words)}"),
            (
                "api lists",
                rng.choice(
                    [
                        "/api/v1/stories",
                        "/api/v1/articles",
                        "/api/v1/claims",
                        "/api/v1/events",
                        "/api/v1/entities",
                        "/api/v1/contradictions",
                    ]
                ),
            ),
        ]
    return mix


async def fetch(connection: list, address: tuple[str, int], path: str) -> int:
    """GET ``path`` on the client's own kept-alive connection (opened again when the server closed it): the
    status. A minimal HTTP/1.1 client: httpx spent more CPU a request than the server, competing with it for the
    machine's cores, and its own delays counted in the latencies."""
    if connection[0] is None:
        connection[:] = await asyncio.open_connection(*address)
    reader, writer = connection
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status, length, close = int(head[9:12]), 0, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            close = value == b"close"
        elif name == b"transfer-encoding":
            raise ValueError(f"a {value.decode()} answer; this client reads Content-Length bodies")
    await reader.readexactly(length)
    if close:
        hang_up(connection)
    return status


def hang_up(connection: list) -> None:
    if connection[1] is not None:
        connection[1].close()
    connection[:] = [None, None]


async def load(
    address: tuple[str, int], mix: list[tuple[str, str]], clients: int, seconds: float, cap: int, think: float = 0.0
) -> tuple[dict[str, list[float]], list[str]]:
    """Latencies (ms) by kind, and the failed requests (a connection error, a timeout, a status other than 200).
    Each client has its connection, kept alive, like a browser."""
    times: dict[str, list[float]] = {}
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    sent = 0

    async def client(offset: int) -> None:
        nonlocal sent
        i, connection = offset, [None, None]
        while time.monotonic() < deadline and sent < cap:
            kind, path = mix[i % len(mix)]
            i += clients
            sent += 1
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(fetch(connection, address, path), 60)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                errors.append(f"{type(exc).__name__} {path}")
                hang_up(connection)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                errors.append(f"{status} {path}")
            times.setdefault(kind, []).append(elapsed)
            if think:
                await asyncio.sleep(think)
        hang_up(connection)

    await asyncio.gather(*(client(n) for n in range(clients)))
    return times, errors


def run_loop(coroutine):
    """uvloop when installed (the web extra has it, the server uses it too): a lighter client."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


class LoadAverage:
    """The machine's 1-minute load average, sampled every second while a run goes on: (mean, max)."""

    def __enter__(self):
        import threading

        self.samples, self.done = [os.getloadavg()[0]], threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while not self.done.wait(1):
            self.samples.append(os.getloadavg()[0])

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()
        self.samples.append(os.getloadavg()[0])

    @property
    def figures(self) -> tuple[float, float]:
        return statistics.mean(self.samples), max(self.samples)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def run(address: tuple[str, int], server: subprocess.Popen, mix, args, think: float) -> dict:
    """One timed run of the clients at one pace: latencies, errors, throughput, server CPU, load average."""
    settle(server.pid)
    started, server_cpu, client_cpu = time.monotonic(), cpu_seconds(server.pid), time.process_time()
    with LoadAverage() as machine:
        times, errors = run_loop(load(address, mix, args.clients, args.seconds, args.max_requests, think))
    elapsed = time.monotonic() - started
    total = sum(len(v) for v in times.values()) + sum(1 for e in errors if not e[0].isdigit())
    return {
        "think": think,
        "times": times,
        "errors": errors,
        "requests": total,
        "elapsed": elapsed,
        "server_cpu": cpu_seconds(server.pid) - server_cpu,
        "client_cpu": time.process_time() - client_cpu,
        "load": machine.figures,
    }


def report(result: dict, clients: int) -> bool:
    """Print one run's figures; whether every request succeeded (the targets are told, the machine decides them)."""
    total, elapsed, cpu = result["requests"], result["elapsed"], result["server_cpu"]
    pace = f"each waiting {result['think']:g} s between requests" if result["think"] else "back to back"
    mean, peak = result["load"]
    print(
        f"\n{clients} clients {pace}, {elapsed:.0f} s: {total} requests, {total / elapsed:.0f} requests/s, "
        f"{len(result['errors'])} errors; server CPU {cpu:.1f} s = {cpu / max(total, 1) * 1000:.2f} ms a request "
        f"({cpu / elapsed * 100:.0f}% of a core); load clients {result['client_cpu']:.0f} s CPU; "
        f"load average {mean:.1f} (max {peak:.1f}) on {os.cpu_count()} cores"
    )
    if result["errors"]:
        kinds = Counter(e.split()[0] for e in result["errors"])
        print(f"  failed: {dict(kinds)}, e.g. {result['errors'][:3]}")
    print(f"{'kind':<14} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'target':>8}")
    for kind, target in TARGETS.items():
        values = result["times"].get(kind, [])
        if not values:
            continue
        p95 = percentile(values, 95)
        print(
            f"{kind:<14} {len(values):>8} {percentile(values, 50):>8.0f} {p95:>8.0f} {'<' + str(target):>8}"
            f"  {'met' if p95 < target else 'NOT met'}"
        )
    return not result["errors"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="GVC articles in the desk")
    parser.add_argument("--db", type=Path, help="the desk to serve (built here when absent)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30, help="length of each run")
    parser.add_argument("--max-requests", type=int, default=100_000, help="stop a run after this many requests")
    parser.add_argument("--workers", type=int, default=1, help="server processes (newsdesk serve --workers)")
    parser.add_argument(
        "--think",
        type=float,
        nargs="+",
        default=[0.0, 1.0],
        help="seconds each client waits between requests, one run per value (0: back to back, the hardest case;"
        " 1: people clicking); default: 0 then 1",
    )
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"newsdesk-bench-serve-{args.articles}.db"
    if not db.exists():
        build_desk(db, args.articles)
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        count = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (the server writes to it until the end)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsdesk.cli",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        stderr=log,
    )
    results = []
    try:
        import httpx

        deadline = time.monotonic() + 120
        while True:
            try:
                started = time.perf_counter()
                httpx.get(base + "/api/v1/stories?limit=1", timeout=120).raise_for_status()
                first = (time.perf_counter() - started) * 1000
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        settle(server.pid)
        idle, _ = memory_mb(server.pid)
        mix = requests_mix(db)
        for think in args.think:
            results.append(run(("127.0.0.1", port), server, mix, args, think))
        current, peak = memory_mb(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.seek(0)
        problems = [line for line in log.read().splitlines()[1:] if line.strip()]
        if problems:
            print("server said:\n" + "\n".join(problems[-15:]), file=sys.stderr)
    print(
        f"desk {db} ({count} articles); first request (builds the desk-wide view): {first:.0f} ms; "
        f"server memory ({args.workers} workers): {idle:.0f} MB once ready, {current:.0f} MB after the load "
        f"(peak {peak:.0f} MB)"
    )
    succeeded = [report(result, args.clients) for result in results]
    return 0 if all(succeeded) else 1


if __name__ == "__main__":
    sys.exit(main())
