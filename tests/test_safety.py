"""Nothing lost, nothing hangs: each case of issue 20 (long paragraphs, colliding ids, odd file names, a held
write lock, exports during an add, boilerplate bodies, the smaller cases), with a light pipeline where it can."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading

import pytest
from click.testing import CliRunner

from newsdesk import Desk, ingest
from newsdesk.cli import main
from newsdesk.errors import InputError, StoreError
from newsdesk.model import Article, Paragraph

LIGHT = ['pipeline.steps=["normalize", "roles", "glue", "dedup", "reuse", "stories"]']
GOOD = "Harbour wall delayed\n\nThe council met on Monday to discuss the new harbour wall.\n"


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def light(path=":memory:", **options) -> Desk:
    return Desk(path, overrides=LIGHT, **options)


# 1. one huge paragraph -----------------------------------------------------------------------------------------
def test_a_paragraph_too_long_for_the_parser_is_split_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD)
    (folder / "b.txt").write_text("Long\n\n" + "word " * 300_000)  # 1.5 M characters in one paragraph
    (folder / "c.txt").write_text(GOOD.replace("Monday", "Tuesday"))
    with light() as desk:
        summary = desk.add(folder)
        assert sorted(summary.added) == ["a", "b", "c"] and not summary.skipped
        long = desk.article("b")
    assert len(long.paragraphs) == 15 and max(len(p.text) for p in long.paragraphs) <= 100_000
    assert "".join(p.text for p in long.paragraphs).replace(" ", "") == "word" * 300_000


def test_parts_of_a_long_paragraph_end_at_sentences():
    sentence = "The river rose again. "
    article = Article(id="x", paragraphs=[Paragraph(index=0, text=sentence * 100, raw=sentence * 100, line=3)])
    parts = ingest.split_long(article, 500).paragraphs
    assert all(p.text.endswith("again.") and len(p.text) <= 500 and p.line == 3 for p in parts)
    assert [p.index for p in parts] == list(range(len(parts))) and " ".join(p.text for p in parts) == (
        sentence * 100
    ).strip()


def test_an_article_a_step_fails_on_is_recorded_and_the_batch_goes_on(tmp_path):
    from newsdesk.pipeline import REGISTRY, step

    @step("explodes", requires=("text",))
    def make_explodes(config, desk):
        def explodes(article):
            if "boom" in article.title:
                raise ValueError("cannot read this one")

        return explodes

    try:
        with Desk(":memory:", overrides=['pipeline.steps=["normalize", "explodes", "dedup", "stories"]']) as desk:
            articles = [
                Article(
                    id=f"a{i}",
                    title="boom" if i == 40 else f"title {i}",
                    paragraphs=[Paragraph(index=0, text=f"text {i}", raw=f"text {i}")],
                )
                for i in range(81)
            ]
            summary = desk.add(articles)
            assert len(summary.added) == 80 and desk.store.count() == 80
            assert [(s.id, s.reason) for s in desk.skips()] == [("a40", "failed")]
            assert "explodes" in desk.skips()[0].detail and "cannot read this one" in desk.skips()[0].detail
    finally:
        REGISTRY.pop("explodes")


def test_skips_command_and_export_list_failures(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "good.txt").write_text(GOOD)
    db = str(tmp_path / "d.db")
    assert run("add", str(folder), "--db", db, "--no-progress", "--set", LIGHT[0]).exit_code == 0
    assert "empty" in run("skips", "--db", db).output
    out = tmp_path / "out.json"
    run("export", "--db", db, "-o", str(out))
    assert [(s["reason"], s["id"]) for s in json.loads(out.read_text())["skips"]] == [("empty", "empty")]


# 2. ids that cannot collide --------------------------------------------------------------------------------------
def test_same_file_name_in_two_folders_gives_two_articles(tmp_path):
    for folder, title in (("dirA", "First"), ("dirB", "Second")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "article.txt").write_text(f"{title}\n\nThe {title.lower()} text of the article.\n")
    with light() as desk:
        summary = desk.add([tmp_path / "dirA", tmp_path / "dirB"])
        assert len(summary.added) == 2 and not summary.updated
        assert sorted(a.title for a in desk.articles()) == ["First", "Second"]
        assert all(a.id.startswith("article~") for a in desk.articles())
        again = desk.add([tmp_path / "dirA", tmp_path / "dirB"])  # the same ids on every run
        assert len(again.unchanged) == 2


def test_files_under_a_folder_are_named_by_their_path_in_it(tmp_path):
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "floods.txt").write_text(GOOD)
    (tmp_path / "floods.txt").write_text(GOOD.replace("Monday", "Friday"))
    assert sorted(i for _, i in ingest.named([tmp_path])) == ["2024/floods", "floods"]
    assert [i for _, i in ingest.named([tmp_path / "floods.txt"])] == ["floods"]


def test_texts_piped_to_stdin_get_ids_from_their_content(monkeypatch):
    ids = []
    for text in ("One\n\nThe first text.\n", "Two\n\nThe second text.\n"):
        monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": __import__("io").BytesIO(text.encode())}))
        ids += [a.id for a in ingest.read(["-"])]
    assert len(set(ids)) == 2 and all(i.startswith("stdin-") for i in ids)


# 4. a file name that is not UTF-8 --------------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_read_with_the_others(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    with open(os.path.join(os.fsencode(folder), b"bad\xffname.txt"), "w") as handle:
        handle.write("Odd name\n\nA text under a file name that is not UTF-8.\n")
    db = str(tmp_path / "d.db")
    result = run("add", str(folder), "--db", db, "--no-progress", "--set", LIGHT[0])
    assert result.exit_code == 0 and "added 2" in result.output
    assert "bad\ufffdname" in run("articles", "--db", db).output


# 5. a write lock held by another connection -----------------------------------------------------------------------
def test_a_held_write_lock_is_waited_for_with_a_message(tmp_path):
    db = tmp_path / "d.db"
    light(db).close()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # a backup, or another add, holding the database
    told = []
    threading.Timer(1.5, lambda: holder.execute("COMMIT")).start()
    (tmp_path / "a.txt").write_text(GOOD)
    with Desk(db, overrides=[*LIGHT, "store.lock_timeout=60"], on_wait=told.append) as desk:
        assert desk.add(tmp_path / "a.txt").added == ["a"]
    assert told and "another writer" in told[0]


def test_a_lock_held_past_the_timeout_is_a_clear_error(tmp_path):
    db = tmp_path / "d.db"
    light(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    (tmp_path / "a.txt").write_text(GOOD)
    result = run(
        "add",
        str(tmp_path / "a.txt"),
        "--db",
        str(db),
        "--no-progress",
        "--set",
        LIGHT[0],
        "--set",
        "store.lock_timeout=1",
    )
    holder.execute("ROLLBACK")
    assert result.exit_code == 1 and "locked by another writer" in result.output and "Traceback" not in result.output
    with pytest.raises(StoreError, match="store.lock_timeout"):
        holder.execute("BEGIN IMMEDIATE")
        with Desk(db, overrides=[*LIGHT, "store.lock_timeout=0.5"]) as desk:
            desk.add(tmp_path / "a.txt")
    holder.execute("ROLLBACK")


# 6. an export while an add runs -----------------------------------------------------------------------------------
def test_export_reads_one_snapshot(tmp_path):
    db = tmp_path / "d.db"
    with light(db) as desk:
        desk.add(
            [
                Article(id=f"a{i}", title=f"Title {i}", paragraphs=[Paragraph(0, f"Text {i}.", f"Text {i}.")])
                for i in range(3)
            ]
        )
    reader = light(db)
    writer = sqlite3.connect(db, isolation_level=None)
    original = reader.store.stories

    def stories_after_a_concurrent_write():  # an add commits an article and its story between two reads
        story = {"id": "s-new", "title": "New", "articles": ["new"]}
        writer.execute("INSERT OR REPLACE INTO stories (id, data) VALUES (?, ?)", ("s-new", json.dumps(story)))
        return original()

    reader.store.stories = stories_after_a_concurrent_write
    doc = reader.export()
    assert len(doc["articles"]) == 3 and "s-new" not in [s["id"] for s in doc["stories"]]
    assert {a for s in doc["stories"] for a in s["articles"]} <= {a["id"] for a in doc["articles"]}
    reader.close()


# 7. boilerplate-only bodies ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body", ["Subscribe to continue reading.", "Home | World | Politics | Business | Sport | Opinion | Contact us"]
)
def test_pages_sharing_only_a_boilerplate_body_are_not_duplicates(body):
    with light() as desk:
        desk.add(
            [
                Article(id=i, title=title, paragraphs=[Paragraph(0, body, body)])
                for i, title in (("a", "Floods close the coastal road"), ("b", "Parliament passes the budget"))
            ]
        )
        assert desk.article("b").duplicate_of is None


# 9. the smaller cases ---------------------------------------------------------------------------------------------
def test_utf16_with_a_bom_is_read(tmp_path):
    (tmp_path / "u16.txt").write_bytes("Title sixteen\n\nA body in UTF-16.\n".encode("utf-16"))
    [article] = ingest.read([tmp_path / "u16.txt"])
    assert article.title == "Title sixteen" and article.paragraphs[0].text == "A body in UTF-16."


def test_html_nested_deeper_than_libxml2s_limit_is_read(tmp_path):
    text = "The council said the new bridge over the river would open next spring after years of delay. " * 3
    (tmp_path / "deep.html").write_text(
        f"<html><head><title>Deep</title></head><body>{'<div>' * 300}<p>{text}</p>"
        f"<p>Residents said traffic had been a problem for a decade.</p>"
        f"{'</div>' * 300}</body></html>"
    )
    [article] = ingest.read([tmp_path / "deep.html"])
    assert isinstance(article, Article) and "bridge" in article.paragraphs[0].text


@pytest.mark.parametrize("value", ["garbage", "2023-02-30", "9999-12-31"])
def test_a_bad_published_date_is_an_error(tmp_path, value):
    (tmp_path / "a.txt").write_text(GOOD)
    db = tmp_path / "d.db"
    result = run("add", str(tmp_path / "a.txt"), "--db", str(db), "--published", value)
    assert result.exit_code == 1 and "--published" in result.output and not db.exists()
    with pytest.raises(InputError):
        ingest.Options(published=value)


def test_csv_export_to_an_existing_file_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    db = str(tmp_path / "d.db")
    run("add", str(tmp_path / "a.txt"), "--db", db, "--no-progress", "--set", LIGHT[0])
    (tmp_path / "out.csv").write_text("")
    result = run("export", "--db", db, "--format", "csv", "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 1 and "folder" in result.output


@pytest.mark.parametrize("title", ["Two  spaces in the title", "A title\non two lines"])
def test_an_untouched_article_is_unchanged_on_re_add(title):
    with light() as desk:
        article = dict(id="a", title=title, paragraphs=[Paragraph(0, "Some text.", "Some text.")])
        desk.add(Article(**article))
        assert desk.add(Article(**article)).unchanged == ["a"]


def test_dedup_of_one_file_named_twice_pairs_nothing(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    result = CliRunner().invoke(main, ["dedup", str(tmp_path / "a.txt"), str(tmp_path / "a.txt")])
    assert result.stdout.strip() == "" and "1 articles, 0 near-duplicate pairs" in result.stderr


def test_a_missing_path_creates_no_database(tmp_path):
    db = tmp_path / "d.db"
    result = run("add", str(tmp_path / "nothere.txt"), "--db", str(db))
    assert result.exit_code == 1 and "does not exist" in result.output and not db.exists()
