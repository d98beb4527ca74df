"""Each input format on small inputs written for the tests, sniffing, and decoding properties."""

from __future__ import annotations

import gzip
import io
import json
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsdesk import ingest
from newsdesk.ingest import Options, decode, text
from newsdesk.model import Article, Skip

PROSE = (
    "The council met on Monday to discuss the new harbour wall, which has been delayed twice "
    "because of storms and a shortage of stone from the local quarry."
)


def read(*paths, **options) -> list:
    return list(ingest.read([str(p) for p in paths], Options(**options)))


def articles(items) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def page(body: str, head: str = "<title>Harbour wall delayed</title>", lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def article_page() -> str:
    return page(
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<article><h1>Harbour wall delayed</h1>"
        f"<p>{PROSE}</p>"
        "<h2>What happens next</h2>"
        f"<p>{PROSE.replace('Monday', 'Tuesday')}</p>"
        "<ul><li>The first stage ends in March, engineers from the port authority said.</li>"
        "<li>The second stage needs a new permit from the regional government.</li></ul>"
        f"<p>{PROSE.replace('council', 'port authority')}</p></article>"
        "<footer>Copyright Harbour Gazette. All rights reserved.</footer>",
        head=(
            "<title>Harbour wall delayed | Harbour Gazette</title>"
            "<meta property='og:site_name' content='Harbour Gazette'>"
            "<meta name='author' content='Jo Marsh'>"
            "<meta property='article:published_time' content='2024-03-05T09:00:00Z'>"
            "<link rel='canonical' href='https://gazette.example/news/harbour-wall'>"
        ),
    )


# plain text ---------------------------------------------------------------


def test_text_title_paragraphs_and_lines(tmp_path):
    path = tmp_path / "wall.txt"
    path.write_text(
        "\n\nHarbour wall delayed\n\nFirst paragraph here.\n\nGallery: the harbour\nA crane lifts stone (Reuters)\n\n"
        "Last paragraph.\n",
        encoding="utf-8",
    )
    [article] = read(path)
    assert article.id == "wall"
    assert article.title == "Harbour wall delayed"
    assert [(p.line, p.raw) for p in article.paragraphs] == [
        (5, "First paragraph here."),
        (7, "Gallery: the harbour"),
        (8, "A crane lifts stone (Reuters)"),
        (10, "Last paragraph."),
    ]


def test_text_wrapped_prose_is_one_paragraph(tmp_path):
    words = PROSE.split()
    lines = [" ".join(words[:12]), " ".join(words[12:24]), " ".join(words[24:])]
    path = tmp_path / "wrapped.txt"
    path.write_text("Title\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    [article] = read(path)
    assert len(article.paragraphs) == 1
    assert article.paragraphs[0].text == PROSE
    assert article.paragraphs[0].line == 3


def test_text_sidecar_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nBody text.\n", encoding="utf-8")
    (tmp_path / "a.json").write_text(
        json.dumps(
            {
                "published": "2023-05-24T10:00:00",
                "url": "https://x.example/a",
                "source": "Gazette",
                "language": "en",
                "section": "local",
            }
        )
    )
    items = read(tmp_path)  # a folder: the sidecar is read with its text, not as an input
    [article] = items
    assert (article.published, article.url, article.source, article.language) == (
        "2023-05-24",
        "https://x.example/a",
        "Gazette",
        "en",
    )
    assert article.metadata == {"section": "local"}


def test_text_options_fill_what_the_sidecar_does_not_state(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps({"source": "Gazette"}))
    (tmp_path / "b.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    by_id = {a.id: a for a in read(tmp_path, published="2024-01-02", source="Wire")}
    assert by_id["a"].source == "Gazette" and by_id["a"].published == "2024-01-02"
    assert by_id["b"].source == "Wire" and by_id["b"].published == "2024-01-02"


def test_text_bad_sidecar_is_a_recorded_skip(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    (tmp_path / "a.json").write_text("[not json")
    [skip] = read(tmp_path / "a.txt")
    assert skip.reason == "bad_record" and "a.json" in skip.detail


def test_cli_published_and_source(tmp_path):
    from click.testing import CliRunner

    from newsdesk import Desk
    from newsdesk.cli import main

    (tmp_path / "a.txt").write_text("Title\n\nBody text.\n", encoding="utf-8")
    db = tmp_path / "d.db"
    result = CliRunner().invoke(
        main,
        [
            "add",
            str(tmp_path / "a.txt"),
            "--db",
            str(db),
            "--published",
            "2023-05-24",
            "--source",
            "Gazette",
            "--set",
            'pipeline.steps=["normalize"]',
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "added 1" in result.output
    with Desk(db, overrides=['pipeline.steps=["normalize"]']) as desk:
        stored = desk.article("a")
    assert (stored.published, stored.source) == ("2023-05-24", "Gazette")


# JSONL ----------------------------------------------------------------------


def jsonl(*records) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records)


def test_jsonl_fields_aliases_and_metadata(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        jsonl(
            {
                "id": "r1",
                "title": "T1",
                "text": "One.\n\nTwo.",
                "published": "2024-02-03",
                "url": "https://x.example/1",
                "source": "Wire",
                "desk": "world",
            },
            {"doc_id": 7, "headline": "T2", "content": "Body of two.", "dct": "2024-02-04", "uri": "u2"},
        )
    )
    first, second = read(path)
    assert (first.id, first.title, [p.text for p in first.paragraphs]) == ("r1", "T1", ["One.", "Two."])
    assert (first.published, first.url, first.source, first.metadata) == (
        "2024-02-03",
        "https://x.example/1",
        "Wire",
        {"desk": "world"},
    )
    assert first.origin.endswith("#L1") and second.origin.endswith("#L2")
    assert (second.id, second.title, second.published, second.url) == ("7", "T2", "2024-02-04", "u2")


def test_jsonl_from_stdin(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(jsonl({"id": "s1", "title": "T", "text": "Body."})))
    monkeypatch.setattr(sys, "stdin", stdin)
    [article] = list(ingest.read(["-"]))
    assert article.id == "s1" and article.origin == "<stdin>#L1"


def test_json_array_document(tmp_path):
    path = tmp_path / "many.json"
    path.write_text(
        json.dumps(
            [{"id": "a", "title": "A", "text": "Body A."}, {"id": "b", "title": "B", "text": "Body B."}], indent=2
        )
    )
    assert [a.id for a in read(path)] == ["a", "b"]


def test_gzipped_jsonl(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl({"id": "g1", "title": "T", "text": "Body."})))
    [article] = read(path)
    assert article.id == "g1"


# HTML ----------------------------------------------------------------------------


def test_html_main_text_structure_and_metadata(tmp_path):
    path = tmp_path / "wall.html"
    path.write_text(article_page(), encoding="utf-8")
    [article] = read(path)
    assert article.id == "wall"
    assert article.title.startswith("Harbour wall delayed")
    assert article.published == "2024-03-05"
    assert article.authors == ["Jo Marsh"]
    assert article.source == "Harbour Gazette"
    assert article.url == "https://gazette.example/news/harbour-wall"
    assert article.language is None and article.metadata["declared_language"] == "en"  # the language step decides
    texts = [p.text for p in article.paragraphs]
    assert PROSE in texts and not any("Copyright" in t or t == "Home" for t in texts)
    heading = next(p for p in article.paragraphs if p.text == "What happens next")
    assert heading.role == "heading" and heading.path.startswith("body/head[")
    item = next(p for p in article.paragraphs if p.text.startswith("The second stage"))
    assert item.path == "body/list[1]/item[2]"
    assert [p.index for p in article.paragraphs] == list(range(len(article.paragraphs)))
    assert all(p.path.startswith("body/") for p in article.paragraphs)


def test_html_source_option_wins_over_site_name(tmp_path):
    path = tmp_path / "wall.htm"
    path.write_text(article_page(), encoding="utf-8")
    [article] = read(path, source="Port News")
    assert article.source == "Port News"


def test_html_line_breaks_split_distinct_lines(tmp_path):
    path = tmp_path / "br.html"
    path.write_text(
        page(
            f"<article><p>{PROSE}</p><p>Gallery: the new wall<br>A crane lifts a block of stone into place"
            f"<br>Photo credit: Harbour Gazette</p><p>{PROSE}</p></article>"
        ),
        encoding="utf-8",
    )
    [article] = read(path)
    lines = [(p.text, p.path) for p in article.paragraphs if p.path.startswith("body/p[2]")]
    assert lines == [
        ("Gallery: the new wall", "body/p[2]"),
        ("A crane lifts a block of stone into place", "body/p[2]/lb[1]"),
        ("Photo credit: Harbour Gazette", "body/p[2]/lb[2]"),
    ]


def test_gzipped_html(tmp_path):
    path = tmp_path / "wall.html.gz"
    path.write_bytes(gzip.compress(article_page().encode("utf-8")))
    [article] = read(path)
    assert article.id == "wall" and PROSE in [p.text for p in article.paragraphs]


def test_html_without_main_text_is_empty(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text(page("<div><img src='wall.png'></div><script>var a = 1;</script>"), encoding="utf-8")
    [skip] = read(path)
    assert isinstance(skip, Skip) and skip.reason == "empty" and skip.id == "blank"


# feeds ---------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Gazette</title><language>en-gb</language>
<item><title>Bridge reopens after repairs</title><link>https://gazette.example/bridge</link><guid>gz-1</guid>
<pubDate>Tue, 05 Mar 2024 09:30:00 GMT</pubDate><author>desk@gazette.example (Jo Marsh)</author>
<description><![CDATA[<p>The old bridge over the river reopened on Monday after six months of repairs.</p>
<p>Council engineers said the deck had been replaced.</p>]]></description></item>
<item><title>Plain item</title><link>https://gazette.example/plain</link><description>A short plain summary.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Post</title>
<entry><id>tag:valley.example,2024:1</id><title type="html">Floods &lt;em&gt;close&lt;/em&gt; roads</title>
<link href="https://valley.example/floods"/><updated>2024-02-01T12:00:00Z</updated><published>2024-01-31T08:00:00Z</published>
<author><name>Ana Ruiz</name></author><summary>Short.</summary>
<content type="html">&lt;p&gt;Heavy rain closed three roads in the valley overnight, officials said.&lt;/p&gt;&lt;p&gt;Schools stayed open.&lt;/p&gt;</content>
</entry></feed>"""


def test_rss_entries(tmp_path):
    path = tmp_path / "news.rss"
    path.write_text(RSS, encoding="utf-8")
    first, second = read(path)
    assert first.title == "Bridge reopens after repairs"
    assert (first.url, first.published, first.source, first.language) == (
        "https://gazette.example/bridge",
        "2024-03-05",
        "Harbour Gazette",
        "en",
    )
    assert [p.text for p in first.paragraphs] == [
        "The old bridge over the river reopened on Monday after six months of repairs.",
        "Council engineers said the deck had been replaced.",
    ]
    assert [p.text for p in second.paragraphs] == ["A short plain summary."]
    assert first.origin.endswith("#entry1") and first.id != second.id
    assert [a.id for a in read(path)] == [first.id, second.id]  # stable across reads


def test_atom_entry_prefers_content_and_plain_title(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_text(ATOM, encoding="utf-8")
    [entry] = read(path)
    assert entry.title == "Floods close roads"
    assert entry.published == "2024-01-31" and entry.authors == ["Ana Ruiz"]
    assert [p.text for p in entry.paragraphs] == [
        "Heavy rain closed three roads in the valley overnight, officials said.",
        "Schools stayed open.",
    ]


def test_broken_feed_is_a_skip(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<?xml version='1.0'?><rss><channel><title>x</title><item><title>", encoding="utf-8")
    items = read(path)
    assert items and all(isinstance(i, Skip) for i in items)


# WARC ----------------------------------------------------------------------------


def warc_record(
    uri: str,
    body: bytes,
    *,
    record_id: str,
    content_type: str = "text/html; charset=utf-8",
    date: str = "2024-03-06T10:00:00Z",
) -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{record_id}>\r\nWARC-Date: {date}\r\n"
        f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


UUIDS = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(4)]


def warc_records() -> list[bytes]:
    html = article_page().encode("utf-8")
    return [
        warc_record("https://gazette.example/a", html, record_id=UUIDS[0]),
        warc_record(
            "https://gazette.example/logo.png", b"\x89PNG\r\n\x1a\n", record_id=UUIDS[1], content_type="image/png"
        ),
        warc_record("https://gazette.example/b", html.replace(b"2024-03-05", b"2030-01-01"), record_id=UUIDS[2]),
        warc_record(
            "https://gazette.example/c",
            page("<div><img src='wall.png'></div><script>var a = 1;</script>").encode(),
            record_id=UUIDS[3],
        ),
    ]


def test_warc_html_responses_become_articles(tmp_path):
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"".join(warc_records()))
    items = read(path)
    found = articles(items)
    assert [a.id for a in found] == [UUIDS[0], UUIDS[2]]
    assert [a.url for a in found] == ["https://gazette.example/a", "https://gazette.example/b"]
    assert found[0].published == "2024-03-05"  # the page's date
    assert found[1].published == "2024-03-06"  # a page date after the capture is impossible: WARC-Date
    assert found[0].metadata["canonical_url"] == "https://gazette.example/news/harbour-wall"
    assert [(s.reason, s.id) for s in items if isinstance(s, Skip)] == [("empty", UUIDS[3])]


def test_warc_gz_per_record_members(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join(gzip.compress(r) for r in warc_records()))
    assert [a.id for a in articles(read(path))] == [UUIDS[0], UUIDS[2]]


# sniffing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("page.txt", article_page(), "html"),
        ("notes.html", json.dumps({"id": "j", "title": "T", "text": "Body."}), "jsonl"),
        ("feed.html", RSS, "feed"),
        ("data.bin", article_page(), "html"),
        ("noextension", "Title\n\nBody text.\n", "text"),
    ],
)
def test_content_decides_when_the_extension_lies(tmp_path, name, content, kind):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    items = read(path)
    assert items and all(isinstance(i, Article) for i in items)
    assert ingest.choose_format(ingest.sniff_path(path), ingest.sniff_bytes(content.encode())) == kind


def test_warc_sniffed_without_extension(tmp_path):
    path = tmp_path / "capture.dat"
    path.write_bytes(b"".join(warc_records()))
    assert [a.id for a in articles(read(path))] == [UUIDS[0], UUIDS[2]]


def test_forced_format(tmp_path):
    path = tmp_path / "x.html"
    path.write_text("<p>Title line</p>\n\nBody.\n", encoding="utf-8")
    [article] = read(path, format="text")
    assert article.title == "<p>Title line</p>"


# properties ------------------------------------------------------------------------

line_text = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
blocks = st.lists(st.lists(line_text, min_size=1, max_size=4), min_size=1, max_size=8)


@settings(max_examples=150)
@given(title=line_text, blocks=blocks, gaps=st.lists(st.integers(1, 3), min_size=8, max_size=8))
def test_text_parser_lines_point_at_their_raw_lines(title, blocks, gaps):
    raw = title + "\n"
    for block, gap in zip(blocks, gaps):
        raw += "\n" * gap + "\n".join(block) + "\n"
    article = text.parse(raw, "x")
    lines = raw.splitlines()
    assert article.title == title
    assert sum(1 for b in blocks) <= len(article.paragraphs) <= sum(len(b) for b in blocks)
    for paragraph in article.paragraphs:
        assert paragraph.raw.startswith(lines[paragraph.line - 1].strip())
    assert [p.index for p in article.paragraphs] == list(range(len(article.paragraphs)))


@settings(max_examples=150)
@given(title=line_text, paragraphs=st.lists(line_text, min_size=1, max_size=10))
def test_text_parser_one_paragraph_per_single_line_block(title, paragraphs):
    article = text.parse(title + "\n\n" + "\n\n".join(paragraphs), "x")
    assert [p.raw for p in article.paragraphs] == paragraphs
    assert [p.line for p in article.paragraphs] == [3 + 2 * i for i in range(len(paragraphs))]


@given(st.text(min_size=1).filter(lambda s: not s.startswith("\ufeff")))
def test_decode_utf8_round_trip(value):
    assert decode(value.encode("utf-8"), Options()) == value


CYRILLIC_WORD = st.text(st.characters(min_codepoint=0x410, max_codepoint=0x44F), min_size=2, max_size=12)
LATIN_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzäöüßéèàçñ"), min_size=1, max_size=12).filter(
    lambda w: any(c.isascii() for c in w)
)


UTF16_BOMS = (b"\xfe\xff", b"\xff\xfe")  # "юя" / "яю" in cp1251, "þÿ" / "ÿþ" in latin-1: a BOM wins when it decodes


@given(st.lists(CYRILLIC_WORD, min_size=1, max_size=20))
def test_decode_cp1251_cyrillic(words):
    value = " ".join(words) + "."
    assume(not value.encode("cp1251").startswith(UTF16_BOMS))
    assert decode(value.encode("cp1251"), Options()) == value


@given(st.lists(LATIN_WORD, min_size=1, max_size=20))
def test_decode_latin1_accented(words):
    value = " ".join(words)
    assume(not value.encode("latin-1").startswith(UTF16_BOMS))
    decoded = decode(value.encode("latin-1"), Options())
    assert decoded == value


@pytest.mark.parametrize("value, encoding", [("юя.", "cp1251"), ("юя, привет.", "cp1251"), ("þÿa", "latin-1")])
def test_bytes_that_start_like_a_bom_but_do_not_decode_in_it_go_the_other_ways(value, encoding):
    assert decode(value.encode(encoding), Options()) == value


def test_a_bom_with_bad_bytes_still_reads_with_the_bad_bytes_replaced():
    assert decode(b"\xef\xbb\xbfok \xff\xfe\xfd\xfc\xfb\xfa", Options(fallback_encodings=[])).startswith("ok ")


def test_paragraphs_of_a_trafilatura_body_with_nested_blocks():
    from lxml import etree

    from newsdesk.ingest.html import paragraphs_of

    body = etree.fromstring(
        "<body><head rend='h2'>Stage one</head>"
        "<p>Indicators the engineers use:<lb/><lb/><list><item>tide <hi>height</hi></item><item>wave load</item></list>"
        "<lb/>After the list.</p>"
        "<quote><p>We are on time.</p></quote>"
        "<table><row><cell>Cost</cell><cell>4 million</cell></row></table></body>"
    )
    assert [(p.role, p.path, p.text) for p in paragraphs_of(body)] == [
        ("heading", "body/head[1]", "Stage one"),
        ("body", "body/p[1]", "Indicators the engineers use:"),
        ("body", "body/p[1]/list[1]/item[1]", "tide height"),
        ("body", "body/p[1]/list[1]/item[2]", "wave load"),
        ("body", "body/p[1]/lb[3]", "After the list."),
        ("body", "body/quote[1]/p[1]", "We are on time."),
        ("body", "body/table[1]/row[1]", "Cost 4 million"),
    ]


def test_text_starting_with_a_brace_stays_text(tmp_path):
    path = tmp_path / "brace.txt"
    path.write_text("{Update} Harbour wall delayed\n\nBody text.\n", encoding="utf-8")
    [article] = read(path)
    assert article.title == "{Update} Harbour wall delayed"


def test_sidecar_of_a_gzipped_text(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(b"Title\n\nBody.\n"))
    (tmp_path / "a.json").write_text(json.dumps({"source": "Gazette"}))
    [article] = read(tmp_path)
    assert (article.id, article.source) == ("a", "Gazette")
