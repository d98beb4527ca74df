"""Fuzz every reader: random and mutated text, JSONL, HTML, RSS, Atom, WARC and gzip inputs.

Each input must give articles and skips with a known reason, never an exception, and in bounded time.
The test suite runs a short fixed-seed round (tests/test_fuzz.py); this runs a long one:

    .venv/bin/python -m bench.fuzz [--iterations 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import gzip
import io
import random
import time
from collections import Counter

from newsdesk import ingest
from newsdesk.model import SKIP_REASONS, Article, Skip

_PAGE = (
    "<html><head><title>Bridge to reopen</title><meta name='date' content='2024-03-05'></head><body><article>"
    "<h1>Bridge to reopen</h1><p>The council said on Monday the bridge would reopen in May, after two years of "
    "repairs.</p><p>&quot;We are nearly there,&quot; the mayor said.</p><ul><li>Read more: floods</li></ul>"
    "</article></body></html>"
)


def _warc(page: str) -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{page}".encode()
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789abc>\r\n"
        "WARC-Date: 2024-03-06T10:00:00Z\r\nWARC-Target-URI: http://example.com/bridge\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


# Written for the fuzzer: one small valid input per reader (name → content); the name's extension picks the reader.
SAMPLES: dict[str, bytes] = {
    "a.txt": "Bridge to reopen\n\nThe council said on Monday the bridge would reopen in May.\n\n"
    "“We are nearly there,” the mayor said.\n".encode(),
    "a.jsonl": b'{"id": "1", "title": "Bridge to reopen", "text": "The council said the bridge would reopen.",'
    b' "published": "2024-03-05"}\n{"id": "2", "title": "Floods", "text": "Rivers rose.\\n\\nRoads shut."}\n',
    "a.html": _PAGE.encode(),
    "a.rss": b'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><item><title>Bridge to reopen'
    b"</title><link>http://example.com/b</link><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><description>"
    b"The council said the bridge would reopen in May.</description></item></channel></rss>",
    "a.atom": b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title><entry><id>e1</id>'
    b'<title>Floods</title><updated>2024-03-05T10:00:00Z</updated><content type="html">&lt;p&gt;Rivers '
    b"rose.&lt;/p&gt;</content></entry></feed>",
    "a.warc": _warc(_PAGE),
}
SAMPLES["a.txt.gz"] = gzip.compress(SAMPLES["a.txt"], mtime=0)
SAMPLES["a.warc.gz"] = gzip.compress(SAMPLES["a.warc"], mtime=0)
SAMPLES["a.html.gz"] = gzip.compress(SAMPLES["a.html"], mtime=0)


def mutated(data: bytes, rng: random.Random) -> bytes:
    """``data`` changed by one to four random edits: flipped bytes, a cut, an insertion, a repeat, a splice."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        edit = rng.randrange(6)
        at = rng.randrange(len(data) + 1)
        if edit == 0 and data:  # flip a few bytes
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif edit == 1:  # truncate
            del data[at:]
        elif edit == 2:  # insert random bytes
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        elif edit == 3 and data:  # repeat a chunk many times
            chunk = data[at : at + rng.randint(1, 200)]
            data[at:at] = bytes(chunk) * rng.randint(2, 200)
        elif edit == 4:  # delete a chunk
            del data[at : at + rng.randint(1, 100)]
        else:  # splice in a piece of another sample
            other = rng.choice(list(SAMPLES.values()))
            start = rng.randrange(len(other))
            data[at:at] = other[start : start + rng.randint(1, 300)]
    return bytes(data)


def read(name: str, data: bytes) -> list[Article | Skip]:
    """What the readers make of ``data`` as the file ``name``; fails on anything but articles and known skips."""
    kind = ingest.sniff_path(__import__("pathlib").Path(name))
    items = list(ingest.read_stream(io.BytesIO(data), name, ingest.Options(), name=name, kind=kind, size=len(data)))
    for item in items:
        assert isinstance(item, (Article, Skip)), f"{name}: reader gave {type(item).__name__}"
        if isinstance(item, Skip):
            assert item.reason in SKIP_REASONS, f"{name}: unknown skip reason {item.reason!r}"
        else:
            assert item.id and isinstance(item.title, str)
            item.to_dict()  # storable
    return items


def run(iterations: int, seed: int = 1) -> dict[str, Counter]:
    """Mutated samples, ``iterations`` in all, round-robin over the readers: outcome counts per sample."""
    rng = random.Random(seed)
    names = list(SAMPLES)
    found: dict[str, Counter] = {name: Counter() for name in names}
    for number in range(iterations):
        name = names[number % len(names)]
        data = mutated(SAMPLES[name], rng) if number >= len(names) else SAMPLES[name]
        started = time.perf_counter()
        try:
            items = read(name, data)
        except Exception as exc:  # counted and shown, not raised: the long run reports every crash
            found[name][f"CRASH {type(exc).__name__}: {str(exc)[:80]}"] += 1
            continue
        found[name]["inputs"] += 1
        found[name]["articles"] += sum(isinstance(i, Article) for i in items)
        for item in items:
            if isinstance(item, Skip):
                found[name][f"skip {item.reason}"] += 1
        found[name]["slowest ms"] = max(found[name]["slowest ms"], round(1000 * (time.perf_counter() - started)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    found = run(args.iterations, args.seed)
    print(f"{'reader input':<12} {'inputs':>7} {'articles':>8} {'crashes':>7} {'slowest ms':>10}  skips")
    for name, counts in found.items():
        crashes = sum(n for k, n in counts.items() if k.startswith("CRASH"))
        skips = ", ".join(f"{k[5:]} {n}" for k, n in sorted(counts.items()) if k.startswith("skip "))
        print(
            f"{name:<12} {counts['inputs']:>7} {counts['articles']:>8} {crashes:>7} {counts['slowest ms']:>10}  {skips}"
        )
        for key, n in counts.items():
            if key.startswith("CRASH"):
                print(f"    {n} × {key}")
    print(f"{args.iterations} inputs in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
