"""Bad input: each case gives a recorded skip reason and never loses the other articles of the batch."""

from __future__ import annotations

import gzip
import json
import os
import tracemalloc

import pytest

from newsdesk import ingest
from newsdesk.ingest import Options
from newsdesk.model import SKIP_REASONS, Article, Skip

GOOD = "Harbour wall delayed\n\nThe council met on Monday to discuss the new harbour wall.\n"


def add_with_good_neighbour(desk, folder, name: str, content: bytes):
    """Add a folder holding the bad input and a good text file; the summary of that one add."""
    folder.mkdir(exist_ok=True)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / name).write_bytes(content)
    summary = desk.add(folder)
    assert "good" in summary.added, "the good article of the batch was lost"
    assert all(skip.reason in SKIP_REASONS for skip in summary.skipped)
    assert [s.origin for s in desk.skips()] == [s.origin for s in summary.skipped]  # recorded in the store
    return summary


def test_empty_file(light_desk, tmp_path):
    summary = add_with_good_neighbour(light_desk, tmp_path / "in", "empty.txt", b"")
    assert [s.reason for s in summary.skipped] == ["empty"]


def test_blank_lines_only(light_desk, tmp_path):
    summary = add_with_good_neighbour(light_desk, tmp_path / "in", "blank.txt", b"\n \n\t\n")
    assert [s.reason for s in summary.skipped] == ["empty"]


def test_binary_file(light_desk, tmp_path):
    summary = add_with_good_neighbour(light_desk, tmp_path / "in", "photo.txt", bytes(range(256)) * 64)
    assert [s.reason for s in summary.skipped] == ["not_text"]


def test_50_mb_file_is_skipped_without_being_read(tmp_path, light_desk):
    folder = tmp_path / "in"
    folder.mkdir()
    line = b"A line of ordinary text that repeats until the file is very large.\n"
    with open(folder / "huge.txt", "wb") as out:
        out.write(line * (50_000_000 // len(line) + 1))
    tracemalloc.start()
    items = list(ingest.read([folder / "huge.txt"], Options()))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [(i.reason, i.origin) for i in items] == [("too_large", str(folder / "huge.txt"))]
    assert peak < 2_000_000  # the head only, never the 50 MB
    summary = add_with_good_neighbour(light_desk, folder, "huge2.html", (folder / "huge.txt").read_bytes())
    assert [s.reason for s in summary.skipped] == ["too_large", "too_large"]


def test_jsonl_line_over_the_limit_is_skipped_and_the_rest_read(tmp_path):
    path = tmp_path / "a.jsonl"
    huge = json.dumps({"id": "big", "text": "x " * 600_000})
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "1", "title": "T", "text": "One."}),
                huge,
                json.dumps({"id": "3", "title": "T", "text": "Three."}),
            ]
        )
        + "\n"
    )
    items = list(ingest.read([path], Options(max_bytes=1_000_000)))
    assert [(type(i).__name__, getattr(i, "reason", i.id)) for i in items] == [
        ("Article", "1"),
        ("Skip", "too_large"),
        ("Article", "3"),
    ]
    assert items[1].origin.endswith("#L2")


@pytest.mark.parametrize(
    "encoding, text",
    [
        ("latin-1", "Größe der Straße\n\nDer Bürgermeister sagte, die Brücke über den Fluß sei geöffnet.\n"),
        ("cp1251", "Мост открыт\n\nМэр города заявил, что мост через реку снова открыт для машин.\n"),
        ("cp1252", "Café “Le Port” reopens\n\nThe owner said the terrace – closed since May – is open again.\n"),
    ],
)
def test_legacy_encodings_are_decoded(light_desk, tmp_path, encoding, text):
    summary = add_with_good_neighbour(light_desk, tmp_path / "in", "legacy.txt", text.encode(encoding))
    assert summary.skipped == []
    article = light_desk.article("legacy")
    title, body = text.strip().split("\n\n")
    assert (article.title, article.paragraphs[0].text) == (title, body)


def test_cp1251_html_without_declared_charset(tmp_path):
    body = "Мэр города заявил, что мост через реку снова открыт для машин и пешеходов. " * 4
    path = tmp_path / "page.html"
    path.write_bytes(
        f"<html><head><title>Мост открыт</title></head><body><article><p>{body}</p></article></body></html>".encode(
            "cp1251"
        )
    )
    [article] = list(ingest.read([path]))
    assert article.title == "Мост открыт" and article.paragraphs[0].text == body.strip()


def test_undecodable_text_is_bad_encoding(tmp_path):
    # Valid in no configured encoding: cp1252 lacks 0x81, cp1251 lacks 0x98, and latin-1 is not configured.
    path = tmp_path / "x.txt"
    path.write_bytes(b"Title\n\nBody \x81\x98 text\n")
    [skip] = list(ingest.read([path], Options(fallback_encodings=("cp1252", "cp1251"))))
    assert skip.reason == "bad_encoding" and skip.id == "x"


def test_truncated_gzip_text(light_desk, tmp_path):
    data = gzip.compress((GOOD * 2000).encode())
    summary = add_with_good_neighbour(light_desk, tmp_path / "in", "cut.txt.gz", data[: len(data) // 2])
    assert [s.reason for s in summary.skipped] == ["unreadable"]
    assert "gzip" in summary.skipped[0].detail


def test_corrupt_gzip_header(light_desk, tmp_path):
    summary = add_with_good_neighbour(light_desk, tmp_path / "in", "bad.html.gz", b"\x1f\x8b" + b"not gzip at all" * 10)
    assert [s.reason for s in summary.skipped] == ["unreadable"]


def test_truncated_gzip_jsonl_keeps_complete_records(tmp_path):
    lines = [json.dumps({"id": str(n), "title": f"T{n}", "text": f"Body {n}. " * 50}) for n in range(300)]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: int(len(data) * 0.6)])
    items = list(ingest.read([path]))
    found = [i.id for i in items if isinstance(i, Article)]
    assert 0 < len(found) < 300 and found == [str(n) for n in range(len(found))]
    assert items[-1].reason == "unreadable" and "ends early" in items[-1].detail


def test_truncated_warc_keeps_complete_records(tmp_path):
    from test_ingest import UUIDS, warc_records

    records = warc_records()
    path = tmp_path / "cut.warc.gz"
    whole = gzip.compress(records[0]) + gzip.compress(records[2])
    path.write_bytes(whole[:-40])
    items = list(ingest.read([path]))
    assert [i.id for i in items if isinstance(i, Article)] == [UUIDS[0]]
    assert {(i.reason, i.id) for i in items if isinstance(i, Skip)} >= {("unreadable", UUIDS[2])}

    plain = tmp_path / "cut.warc"
    plain.write_bytes(records[0] + records[2][: len(records[2]) // 2] + b"")
    items = list(ingest.read([plain]))
    assert [(type(i).__name__, i.id) for i in items] == [("Article", UUIDS[0]), ("Skip", UUIDS[2])]


@pytest.mark.parametrize(
    "markup",
    [
        b"<html><body><p>Unclosed <b>bold <i>and italic<p>Next paragraph <div></span></html",
        b"<html><head><title>x</title><body>" + b"<div>" * 5000 + b"deep text" + b"</div>" * 10,
        b"<<<>>><html><<p>>>>&&&&;;;<body>&#xffffffff; &#0; text</body>",
        b"<?xml version='1.0' encoding='utf-8'?><html><body><p>" + "Zürich ".encode() * 80 + b"</p></body></html>",
        b"<html><body><script>" + b"var x = '<p>';" * 200 + b"</body></html>",
    ],
)
def test_malformed_html_never_crashes(light_desk, tmp_path, markup):
    summary = add_with_good_neighbour(light_desk, tmp_path / "in", "bad.html", markup)
    assert len(summary.added) + len(summary.skipped) == 2
    assert all(s.reason in ("empty", "unreadable") for s in summary.skipped)


def test_jsonl_broken_lines_are_reported_with_their_number(light_desk, tmp_path):
    lines = [
        json.dumps({"id": "a", "title": "A", "text": "Body A."}),
        '{"id": "b", "title": "B", "te',
        "[1, 2",
        json.dumps({"id": "c", "title": "C"}),
        "\x00\x01 garbage",
        json.dumps(["not", "an object"]),
        json.dumps({"id": "d", "title": "D", "text": "Body D."}),
        json.dumps({"id": "e", "text": "  "}),
    ]
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = light_desk.add(path)
    assert summary.added == ["a", "c", "d"]  # "c" is a headline alone, kept as a feed entry would be
    assert light_desk.article("c").title == "C" and light_desk.article("c").paragraphs == []
    assert [(s.origin.rsplit("#", 1)[1], s.reason) for s in summary.skipped] == [
        ("L2", "bad_record"),
        ("L3", "bad_record"),
        ("L5", "bad_record"),
        ("L6[0]", "bad_record"),
        ("L6[1]", "bad_record"),
        ("L8", "empty"),
    ]
    assert "line 2" in summary.skipped[0].detail


def test_unreadable_file_is_a_skip(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(GOOD)
    os.chmod(path, 0)
    if os.access(path, os.R_OK):
        pytest.skip("running as a user who can read any file")
    [skip] = list(ingest.read([path]))
    assert skip.reason == "unreadable"


def test_missing_path_is_a_clear_error(tmp_path):
    from newsdesk.errors import InputError

    with pytest.raises(InputError, match="does not exist"):
        list(ingest.read([tmp_path / "nope.txt"]))


def test_folder_of_10000_files(light_desk, tmp_path):
    folder = tmp_path / "many"
    for shard in range(10):
        (folder / f"s{shard}").mkdir(parents=True)
        for n in range(1000):
            (folder / f"s{shard}" / f"a{shard}_{n:04d}.txt").write_text(
                f"Title {shard} {n}\n\nParagraph one of article {n}.\n\nParagraph two.\n", encoding="utf-8"
            )
    (folder / "s3" / "a3_0007.txt").write_bytes(b"")
    summary = light_desk.add(folder)
    assert len(summary.added) == 9999
    assert [(s.reason, s.id) for s in summary.skipped] == [("empty", "s3/a3_0007")]  # ids: the path in the folder
    assert light_desk.store.count() == 9999
    assert [p.text for p in light_desk.article("s9/a9_0999").paragraphs] == [
        "Paragraph one of article 999.",
        "Paragraph two.",
    ]


@pytest.mark.parametrize("content", [b"\n\n\n", b"[]", b"  [ ]\n"])
def test_jsonl_without_records_is_empty(tmp_path, content):
    path = tmp_path / "none.jsonl"
    path.write_bytes(content)
    assert [(type(i).__name__, i.reason) for i in ingest.read([path])] == [("Skip", "empty")]


def test_bad_html_favor_is_a_clear_error():
    from newsdesk import Desk
    from newsdesk.errors import ConfigError

    with pytest.raises(ConfigError, match="html_favor"):
        with Desk(":memory:", overrides=['ingest.html_favor="recal"']) as desk:
            desk.add([])
