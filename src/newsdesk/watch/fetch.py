"""One guarded HTTP GET: timeouts, redirects followed hop by hop, a size cap while streaming,
gzip/deflate/brotli decoded here under the same cap, content types checked, conditional requests.

Every connection goes through :class:`~newsdesk.watch.guard.Guard` at the socket: the host
name is resolved and each address checked before connecting, on the first request and on
every redirect. Proxies from the environment are ignored (a proxy would connect for us,
unchecked). Nothing in a response is executed: bodies are bytes handed to parsers.
"""

from __future__ import annotations

import email.utils
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpcore
import httpx

from .guard import Guard, Refused
from .urls import SCHEMES

# What each kind of fetch accepts; a missing Content-Type is sniffed by the reader.
ACCEPT = {
    "page": ("text/html", "application/xhtml+xml", "text/plain"),
    "feed": ("xml", "text/", "application/gzip", "application/x-gzip", "application/octet-stream"),
    "robots": ("text/",),
}
_REDIRECTS = (301, 302, 303, 307, 308)
TRANSIENT = ("timeout", "connect", "http_429", "http_500", "http_502", "http_503", "http_504")


class FetchError(Exception):
    """A fetch that gave no usable body; ``kind`` names why (``timeout``, ``http_404``, ``refused``...)."""

    def __init__(self, kind: str, detail: str, retry_after: float | None = None):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.retry_after = kind, detail, retry_after

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 for a conditional request whose resource did not change
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class Limits:
    user_agent: str
    connect_timeout: float = 10.0
    timeout: float = 20.0  # between two bytes
    max_seconds: float = 60.0  # for the whole response: a server trickling bytes is cut off
    max_redirects: int = 5
    max_bytes: int = 5_000_000  # of decoded content


class Fetcher:
    def __init__(self, limits: Limits, guard: Guard, connections: int = 16):
        self.limits = limits
        transport = httpx.HTTPTransport(trust_env=False, limits=httpx.Limits(max_connections=connections))
        pool = getattr(transport, "_pool", None)  # httpx has no public hook at the socket: fail closed if this moves
        if not hasattr(pool, "_network_backend"):
            raise RuntimeError("this httpx version hides its connection pool; the address guard cannot be installed")
        pool._network_backend = GuardedBackend(guard)
        self.client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(limits.timeout, connect=limits.connect_timeout),
        )
        self.encodings = "gzip, deflate" + (", br" if _brotli() else "")

    def get(
        self,
        url: str,
        kind: str = "page",
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        check: Callable[[str], None] | None = None,
    ) -> Response:
        """GET ``url``; ``check(url)`` runs before each hop (robots.txt) and may raise FetchError."""
        headers = {"User-Agent": self.limits.user_agent, "Accept-Encoding": self.encodings}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        redirects: list[str] = []
        deadline = time.monotonic() + self.limits.max_seconds
        while True:
            try:
                scheme = httpx.URL(url).scheme
            except httpx.InvalidURL as exc:
                raise FetchError("bad_url", f"{url!r}: {exc}") from None
            if scheme not in SCHEMES:
                raise FetchError("bad_url", f"only http and https are fetched, not {url}")
            if check is not None:
                check(url)
            response = self._send(url, headers)
            try:
                if response.status_code in _REDIRECTS and response.headers.get("location"):
                    if len(redirects) >= self.limits.max_redirects:
                        raise FetchError(
                            "redirects", f"more than {self.limits.max_redirects} redirects from {redirects[0]}"
                        )
                    redirects.append(url)
                    url = urljoin(url, response.headers["location"])
                    continue
                return self._read(response, url, kind, deadline)
            finally:
                response.close()

    def _send(self, url: str, headers: dict) -> httpx.Response:
        try:
            return self.client.send(self.client.build_request("GET", url, headers=headers), stream=True)
        except Refused as exc:
            raise FetchError("refused", f"{url}: {exc}") from None
        except httpx.TimeoutException:
            raise FetchError("timeout", f"{url}: no answer within {self.limits.timeout:g} s") from None
        except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError("connect", f"{url}: {type(exc).__name__}: {exc}") from None

    def _read(self, response: httpx.Response, url: str, kind: str, deadline: float) -> Response:
        status = response.status_code
        result = Response(
            url=url,
            status=status,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
        )
        if status == 304:
            return result
        if status != 200:
            raise FetchError(
                f"http_{status}",
                f"{url} answered {status} {response.reason_phrase}",
                retry_after=retry_after(response.headers.get("retry-after")),
            )
        if result.content_type and not any(t in result.content_type for t in ACCEPT[kind]):
            raise FetchError("content_type", f"{url} is {result.content_type}, not a {kind}")
        limit = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError("too_large", f"{url} declares {declared} bytes > {limit}")
        parts: list[bytes] = []
        try:
            decoder = Decoder(response.headers.get("content-encoding", ""), limit)
            for chunk in response.iter_raw():
                parts.append(decoder.feed(chunk))
                if time.monotonic() > deadline:
                    raise FetchError("timeout", f"{url} took more than {self.limits.max_seconds:g} s")
        except httpx.TimeoutException:
            raise FetchError("timeout", f"{url}: stalled for {self.limits.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise FetchError("connect", f"{url}: {type(exc).__name__}: {exc}") from None
        except TooLarge:
            raise FetchError("too_large", f"{url} is larger than {limit} bytes (decoded)") from None
        except DecodeError as exc:
            raise FetchError("bad_encoding", f"{url}: {exc}") from None
        result.body = b"".join(parts)
        return result

    def close(self) -> None:
        self.client.close()


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses the guard accepts, resolved once, here."""

    def __init__(self, guard: Guard):
        self.guard = guard

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            address = self.guard.resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        return super().connect_tcp(str(address), port, timeout, local_address, socket_options)


class TooLarge(Exception):
    pass


class DecodeError(Exception):
    pass


class Decoder:
    """Content-Encoding decoded incrementally, never producing more than ``limit`` bytes (a gzip or
    brotli bomb stops at the limit instead of filling memory)."""

    def __init__(self, encoding: str, limit: int):
        self.limit, self.produced, self.engine = limit, 0, None
        names = [e.strip().lower() for e in encoding.split(",") if e.strip().lower() not in ("", "identity")]
        if len(names) > 1:
            raise DecodeError(f"stacked content encodings are not supported: {encoding}")
        self.name = names[0] if names else ""
        self.errors: tuple = (zlib.error,)
        if self.name in ("gzip", "x-gzip", "deflate"):
            self.engine = zlib.decompressobj(15 if self.name == "deflate" else 47)  # 47: gzip or zlib header
        elif self.name == "br" and _brotli():
            self.engine, self.errors = _brotli().Decompressor(), (_brotli().error,)
        elif self.name:
            raise DecodeError(f"unsupported content encoding {self.name!r}")

    def feed(self, data: bytes) -> bytes:
        try:
            if self.engine is None:
                out = data
            elif self.name == "br":
                out = self._drain(
                    lambda chunk, room: self.engine.process(chunk, output_buffer_limit=room),
                    data,
                    lambda: not self.engine.can_accept_more_data(),
                )
            else:
                out = self._drain(self.engine.decompress, data, lambda: bool(self.engine.unconsumed_tail))
        except self.errors as exc:
            raise DecodeError(f"corrupt {self.name} data: {exc}") from None
        self.produced += len(out)
        if self.produced > self.limit:
            raise TooLarge
        return out

    def _drain(self, step, data: bytes, more: Callable[[], bool]) -> bytes:
        """Decompress ``data`` in steps bounded by the room left under the limit."""
        out = [step(data, self.limit - self.produced + 1)]
        produced = len(out[0])
        while more():
            if self.produced + produced > self.limit:
                raise TooLarge
            tail = self.engine.unconsumed_tail if self.name != "br" else b""
            out.append(step(tail, self.limit - self.produced - produced + 1))
            produced += len(out[-1])
        return b"".join(out)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time()) if when else None


def _brotli():
    try:
        import brotli
    except ImportError:  # then "br" is not offered
        return None
    return brotli
