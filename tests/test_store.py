import json
import sqlite3
import tempfile
from pathlib import Path

import pytest

from newsdesk.errors import NotFound, StoreError
from newsdesk.model import Article, Paragraph, Skip, Story
from newsdesk.store import Store
from newsdesk.store.schema import MIGRATIONS


def make(article_id="a1", text="Some body text."):
    return Article(id=article_id, title="Title", paragraphs=[Paragraph(0, text, text)], published="2024-01-02")


def test_new_store_is_fully_migrated_in_wal_mode(tmp_path):
    store = Store(tmp_path / "d.db")
    assert store.version == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_save_then_load_gives_the_same_article():
    store = Store(":memory:")
    article = make()
    store.save_article(article)
    assert store.article("a1") == article
    assert store.content_hash("a1") == article.content_hash()


def test_replacing_keeps_arrival_order_and_removes_derived_rows():
    store = Store(":memory:")
    store.save_article(make("a1"))
    store.save_article(make("a2"))
    store.db.execute("INSERT INTO paragraph_hashes (hash, article_id, paragraph) VALUES ('h', 'a1', 0)")
    store.forget_derived("a1")
    store.save_article(make("a1", "New text."))
    assert [a.id for a in store.articles()] == ["a1", "a2"]
    assert store.article("a1").paragraphs[0].text == "New text."
    assert store.db.execute("SELECT COUNT(*) FROM paragraph_hashes").fetchone()[0] == 0


def test_missing_article_and_story_say_how_to_find_ids():
    store = Store(":memory:")
    with pytest.raises(NotFound, match="newsdesk articles"):
        store.article("nope")
    with pytest.raises(NotFound, match="newsdesk stories"):
        store.story("nope")


def test_skips_and_stories_are_kept():
    store = Store(":memory:")
    store.save_skip(Skip("x.bin", "not_text", "binary content"))
    store.save_story(Story(id="s1", title="T", articles=["a1"], first_published="2024-01-02"))
    assert store.skips() == [Skip("x.bin", "not_text", "binary content")]
    assert store.story("s1").articles == ["a1"]


def test_transaction_rolls_back_on_error():
    store = Store(":memory:")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.save_article(make())
            raise RuntimeError("boom")
    assert store.count() == 0


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a newsdesk database"):
        Store(path)


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    db.close()
    with pytest.raises(StoreError, match="upgrade newsdesk"):
        Store(path)


def test_search_finds_titles_and_content_and_follows_replace_and_remove():
    store = Store(":memory:")
    store.save_article(make("a1", "Floods in Porto Alegre."))
    caption = Paragraph(1, "Photo: Zebra crossing", "Photo: Zebra crossing", role="caption")
    store.save_article(
        Article(
            id="a2",
            title="Dockworkers strike",
            published="2024-01-02",
            paragraphs=[Paragraph(0, "Cargo halted at the port.", "x"), caption],
        )
    )
    assert store.search("porto alegre") == ["a1"]
    assert store.search("dockworkers") == ["a2"]
    assert store.search("zebra") == []  # captions are not content
    assert store.search('cargo" OR "floods') == []  # the query is words, never FTS syntax
    assert store.search("") == [] and store.search_count("!!") == 0 and store.matches("") == set()
    assert store.search_count("title") == 1 and store.matches("Porto") == {"a1"}
    store.save_article(make("a1", "Drought in the north."))
    assert store.search("floods") == [] and store.search("drought") == ["a1"]
    store.remove_article("a1")
    assert store.search("drought") == []


def test_search_ranks_title_words_first_and_pages():
    store = Store(":memory:")
    for i in range(5):
        store.save_article(make(f"b{i}", "A storm hit the coast." if i else "Calm day."))
    store.save_article(Article(id="t", title="Storm warning", paragraphs=[Paragraph(0, "Rain.", "Rain.")]))
    ranked = store.search("storm", limit=10)
    assert ranked[0] == "t" and sorted(ranked) == ["b1", "b2", "b3", "b4", "t"]
    assert store.search("storm", limit=2) + store.search("storm", limit=10, offset=2) == ranked
    assert store.search_count("storm") == 5


def test_an_existing_desk_gets_its_search_index_by_migration(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:3]:
        old.executescript(script)
    old.execute("PRAGMA user_version = 3")
    data = make("a1", "Ceasefire talks resume.").to_dict()
    old.execute(
        "INSERT INTO articles (id, seq, content_hash, title, data) VALUES ('a1', 1, 'h', 'Title', ?)",
        (json.dumps(data),),
    )
    old.close()
    store = Store(path)
    assert store.version == len(MIGRATIONS)
    assert store.search("ceasefire") == ["a1"]


def test_a_reader_sees_the_store_and_cannot_write(tmp_path):
    Store(tmp_path / "d.db").save_article(make("a1"))
    reader = Store.reader(tmp_path / "d.db")
    assert reader.article("a1").title == "Title"
    with pytest.raises(sqlite3.OperationalError):
        reader.db.execute("DELETE FROM articles")


def test_parquet_keeps_a_column_of_floats_and_huge_ints():
    pq = pytest.importorskip("pyarrow.parquet")
    from newsdesk.store.export import write_parquet

    def rows():
        return iter([{"min": 1.5}, {"min": 327034195702587392}, {"min": None}])

    path = Path(tempfile.mkdtemp()) / "quantities.parquet"
    write_parquet(path, rows)
    assert pq.read_table(path).column("min").to_pylist() == [1.5, 327034195702587392.0, None]
