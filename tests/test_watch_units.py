"""The parts of newsdesk watch that need no server: canonical URLs, the address guard, bounded
decompression, Retry-After, listings."""

from __future__ import annotations

import gzip
import ipaddress
import zlib

import brotli
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.ingest import Options
from newsdesk.watch import listings
from newsdesk.watch.fetch import DecodeError, Decoder, FetchError, TooLarge, retry_after
from newsdesk.watch.guard import Guard, Refused
from newsdesk.watch.urls import BadURL, canonical

# canonical URLs -------------------------------------------------------------------
segment = st.text(alphabet="abcXYZ019-._~%/ é", max_size=12)
params = st.lists(
    st.tuples(st.text(alphabet="abqz_", min_size=1, max_size=5), st.text(alphabet="ab1+&=%", max_size=5)), max_size=4
)
urls = st.builds(
    lambda scheme, host, port, path, query: f"{scheme}://{host}{port}/{path}?" + "&".join(f"{k}={v}" for k, v in query),
    st.sampled_from(["http", "https", "HTTP"]),
    st.sampled_from(["example.org", "News.Example.COM", "127.0.0.1"]),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    segment,
    params,
)


@given(urls)
def test_canonical_is_idempotent(url):
    assert canonical(canonical(url)) == canonical(url)


@given(urls, st.text(alphabet="abc-", max_size=6), st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid"]))
def test_fragments_and_tracking_parameters_do_not_make_another_page(url, fragment, tracker):
    assert canonical(f"{url}&{tracker}=newsletter#{fragment}") == canonical(url)


@given(st.text(max_size=120) | st.builds(lambda rest: "http://" + rest, st.text(max_size=80)))
def test_any_text_is_a_canonical_url_or_a_bad_url_error(text):
    try:
        url = canonical(text)
    except BadURL:
        return
    assert url.startswith(("http://", "https://")) and canonical(url) == url


def test_canonical_forms():
    assert canonical("HTTP://Example.COM:80/a/./b/../c?b=2&a=1&utm_source=x#top") == "http://example.com/a/c?a=1&b=2"
    assert canonical("https://example.com/%7euser/%2f") == "https://example.com/~user/%2F"
    assert canonical("https://bücher.example/") == "https://xn--bcher-kva.example/"
    assert canonical("http://example.com") == "http://example.com/"
    assert canonical("http://example.com/?id=7") != canonical("http://example.com/?id=8")


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/feed", "file:///etc/passwd", "javascript:alert(1)", "http://", "http://example.com:99999/"],
)
def test_only_http_urls_with_a_host_are_accepted(url):
    with pytest.raises(BadURL):
        canonical(url)


# the guard ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "fe80::1",
        "fd00:ec2::254",
        "100.100.100.200",
        "0.0.0.0",
        "::ffff:10.0.0.1",
        "224.0.0.1",
        "100.64.0.1",
    ],
)
def test_non_public_addresses_are_refused(address):
    with pytest.raises(Refused):
        Guard().check(ipaddress.ip_address(address))


def test_public_addresses_pass_and_allowances_open_only_what_they_name():
    Guard().check(ipaddress.ip_address("93.184.216.34"))
    Guard(allow_networks=["10.1.0.0/16"]).check(ipaddress.ip_address("10.1.2.3"))
    with pytest.raises(Refused):
        Guard(allow_networks=["10.1.0.0/16"]).check(ipaddress.ip_address("10.2.0.1"))
    Guard(allow_private=True).check(ipaddress.ip_address("192.168.1.1"))
    with pytest.raises(Refused, match="metadata"):  # never, whatever the allowance
        Guard(allow_private=True, allow_networks=["0.0.0.0/0"]).check(ipaddress.ip_address("169.254.169.254"))


def test_names_are_judged_by_the_addresses_they_resolve_to():
    with pytest.raises(Refused, match="loopback"):
        Guard().resolve("localhost", 80)
    assert Guard(allow_networks=["127.0.0.0/8", "::1/128"]).resolve("localhost", 80).is_loopback


# bounded decompression --------------------------------------------------------------
def chunks(data: bytes, size: int = 8192):
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize(
    "encoding, compress",
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", lambda data: brotli.compress(data, quality=4))],
)
def test_a_decompression_bomb_stops_at_the_limit(encoding, compress):
    bomb = compress(b"\0" * 100_000_000)
    decoder = Decoder(encoding, 1_000_000)
    with pytest.raises(TooLarge):
        for chunk in chunks(bomb):
            decoder.feed(chunk)
    assert decoder.produced <= 1_000_000


@pytest.mark.parametrize(
    "encoding, compress",
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress), ("identity", lambda b: b)],
)
def test_content_under_the_limit_is_decoded_exactly(encoding, compress):
    data = b"<p>The ferry sails from the north pier.</p>" * 2000
    decoder = Decoder(encoding, len(data))
    assert b"".join(decoder.feed(chunk) for chunk in chunks(compress(data), 100)) == data


def test_corrupt_or_unknown_encodings_are_errors():
    with pytest.raises(DecodeError):
        Decoder("gzip", 1000).feed(b"\x1f\x8bnot gzip at all")
    with pytest.raises(DecodeError):
        Decoder("compress", 1000)


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: now
    assert retry_after("soon") is None and retry_after(None) is None


# listings ---------------------------------------------------------------------------
def test_an_unreadable_listing_says_why_and_an_empty_one_is_no_problem():
    assert (
        listings.read(b'<rss version="2.0"><channel><title>T</title></channel></rss>', "http://x/", 10**6).problem == ""
    )
    assert (
        listings.read(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "http://x/", 10**6).problem
        == ""
    )
    assert "not a readable" in listings.read(b"<html><body>hello</body></html>", "http://x/", 10**6).problem
    assert "gzip" in listings.read(b"\x1f\x8b\x08broken", "http://x/", 10**6).problem
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000)
    assert "decompressed" in listings.read(bomb, "http://x/", 1_000_000).problem


def test_feed_links_are_made_absolute_and_entries_without_a_link_are_their_own_article():
    feed = (
        b'<rss version="2.0"><channel><title>T</title>'
        b"<item><title>One</title><link>/news/1?utm_medium=rss</link><description>First.</description></item>"
        b"<item><title>Two</title><description>Second, with no link.</description></item>"
        b"<item><title>Three</title><link>javascript:alert(1)</link><description>Third.</description></item>"
        b"</channel></rss>"
    )
    entries = listings.read(feed, "https://example.org/feed.xml", 10**6).entries
    assert entries[0].key == "https://example.org/news/1"
    assert [e.url for e in entries[1:]] == [None, None]
    assert listings.fallback(entries[1], Options()).title == "Two"
    assert listings.fallback(entries[0], Options()).paragraphs[0].text == "First."
    assert listings.fallback(entries[0], Options(), text=False).paragraphs == []
    assert len({e.article_id for e in entries}) == 3


# a fetched page as an article -------------------------------------------------------------
def test_a_page_is_completed_by_its_feed_entry():
    from newsdesk.watch.fetch import Response
    from newsdesk.watch.pages import page_article

    feed = (
        b'<rss version="2.0"><channel><title>Harbour Gazette</title><item><title>Storm hits harbour</title>'
        b"<link>https://news.example/a1</link><pubDate>Tue, 03 Dec 2024 08:00:00 GMT</pubDate>"
        b"<description>Summary.</description></item></channel></rss>"
    )
    entry = listings.read(feed, "https://news.example/feed.xml", 10**6).entries[0]
    body = (
        b"<div><p>A storm tore three pontoons from their moorings overnight, the harbour authority said.</p>"
        b"<p>The island ferry will leave from the north pier until further notice, officials added.</p></div>"
    )
    article = page_article(Response("https://news.example/a1", 200, body, "text/html"), entry, Options())
    assert article.id == entry.article_id and article.title == "Storm hits harbour"
    assert (article.source, article.published, article.url) == (
        "Harbour Gazette",
        "2024-12-03",
        "https://news.example/a1",
    )
    assert "north pier" in article.paragraphs[-1].text
    plain = page_article(
        Response("https://news.example/a1", 200, b"Storm\n\nThe ferry moved.\n", "text/plain"), entry, Options()
    )
    assert plain.paragraphs[0].text == "The ferry moved." and plain.source == "Harbour Gazette"
    with pytest.raises(FetchError, match="content_type"):
        page_article(Response("https://news.example/a1", 200, b"\x00\x01\x02PK\x03\x04" * 50, ""), entry, Options())


@given(
    st.binary(max_size=3000)
    | st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(
            [
                b"<?xml version='1.0'?><rss><channel><item><link>",
                b"<urlset><url><loc>",
                b"<sitemapindex><sitemap><loc>",
                b"\x1f\x8b\x08\x00",
                b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><link href='",
            ]
        ),
        st.binary(max_size=500),
    )
)
def test_any_listing_bytes_give_entries_or_a_reason_never_an_exception(data):
    listing = listings.read(data, "https://example.org/feed.xml", 100_000)
    assert listing.kind in ("feed", "sitemap", "sitemapindex") and isinstance(listing.problem, str)
    for entry in listing.entries:
        assert entry.key.startswith(("http://", "https://", "entry:"))


@given(st.sampled_from(["gzip", "deflate", "br", ""]), st.binary(max_size=2000))
def test_any_bytes_decode_within_the_limit_or_fail_cleanly(encoding, data):
    decoder = Decoder(encoding, 5000)
    try:
        out = decoder.feed(data)
    except (DecodeError, TooLarge):
        return
    assert len(out) <= 5000


def test_sources_come_from_the_command_line_and_the_config_else_from_what_the_desk_watched(tmp_path):
    from newsdesk.errors import InputError
    from newsdesk.store import Store
    from newsdesk.watch import Settings, watched
    from newsdesk.watch.state import State

    store = Store(":memory:")
    settings = Settings.from_config({"sources": ["https://a.example/rss", {"url": str(tmp_path), "interval": 60}]})
    found = watched(store, ["https://A.example/rss#top", "https://b.example/sitemap.xml"], settings, 120)
    assert [(s.name, s.kind, s.interval) for s in found] == [
        ("https://a.example/rss", "web", 120.0),
        (str(tmp_path.resolve()), "folder", 60.0),
        ("https://b.example/sitemap.xml", "web", 120.0),
    ]
    for source in found:
        State(store).register(source.name, source.kind, source.interval)
    again = watched(store, [], Settings.from_config(None))
    assert [(s.name, s.interval) for s in again] == [(s.name, s.interval) for s in found]
    with pytest.raises(InputError, match="only http and https"):
        watched(store, ["ftp://a.example/feed"], settings)
    with pytest.raises(InputError, match="neither"):
        watched(store, [str(tmp_path / "missing")], settings)
