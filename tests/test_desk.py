"""The Python API and the export contract, on the light pipeline (no spaCy)."""

import json

import pytest

import newsdesk
from newsdesk import Desk
from newsdesk.errors import NotFound
from newsdesk.model import Article, Paragraph
from newsdesk.store.export import SECTIONS

LIGHT = ['pipeline.steps=["normalize"]']


def write(tmp_path, name, text, meta=None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if meta is not None:
        path.with_suffix(".json").write_text(json.dumps(meta))
    return path


def test_public_surface_is_pinned():
    assert sorted(newsdesk.__all__) == [
        "Article",
        "Claim",
        "Desk",
        "Entity",
        "NewsdeskError",
        "Paragraph",
        "Skip",
        "Span",
        "Story",
        "Summary",
    ]


def test_add_is_idempotent_and_a_changed_article_replaces_the_old(tmp_path, light_desk):
    path = write(tmp_path, "a1.txt", "Title one\n\nFirst body paragraph.\n", {"published": "2024-03-01"})
    assert light_desk.add(path).added == ["a1"]
    again = light_desk.add(path)
    assert again.unchanged == ["a1"] and not again.added
    path.write_text("Title one\n\nA corrected body paragraph.\n", encoding="utf-8")
    changed = light_desk.add(path)
    assert changed.updated == ["a1"]
    assert [a.paragraphs[0].text for a in light_desk.articles()] == ["A corrected body paragraph."]


def test_same_id_twice_in_one_stream_keeps_the_later_version(light_desk):
    first = Article(id="x", title="T", paragraphs=[Paragraph(0, "one", "one")])
    second = Article(id="x", title="T", paragraphs=[Paragraph(0, "two", "two")])
    summary = light_desk.add_many([first, second])
    assert summary.added == ["x"] and summary.updated == ["x"]
    assert light_desk.article("x").paragraphs[0].text == "two"


def test_skips_are_recorded_and_reported(tmp_path, light_desk):
    write(tmp_path, "good.txt", "Title\n\nBody.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 10)
    summary = light_desk.add(tmp_path)
    assert summary.added == ["good"]
    assert sorted(summary.reasons().items()) == [("empty", 1), ("not_text", 1)]
    assert {s.reason for s in light_desk.skips()} == {"empty", "not_text"}
    assert "skipped 2 (empty: 1, not_text: 1)" in str(summary)


def test_export_follows_the_contract(tmp_path, light_desk):
    write(
        tmp_path,
        "a1.txt",
        "A title\n\nFirst paragraph.\n\nSecond\nparagraph line.\n",
        {"published": "2024-03-01", "source": "Outlet", "url": "https://example.org/a"},
    )
    light_desk.add(tmp_path)
    doc = light_desk.export()
    assert doc["schema"] == "newsdesk/1"
    for key in SECTIONS:
        assert isinstance(doc[key], list)
    article = doc["articles"][0]
    assert {k: article[k] for k in ("id", "title", "url", "source", "published")} == {
        "id": "a1",
        "title": "A title",
        "url": "https://example.org/a",
        "source": "Outlet",
        "published": "2024-03-01",
    }
    assert [(p["index"], p["line"], p["text"]) for p in article["paragraphs"]] == [
        (0, 3, "First paragraph."),
        (1, 5, "Second"),
        (2, 6, "paragraph line."),
    ]
    assert {"repairs", "related_titles", "credits", "story", "duplicate_of"} <= set(article)
    assert doc == light_desk.export()  # stable across calls


@pytest.mark.parametrize("fmt, files", [("csv", "articles.csv"), ("parquet", "articles.parquet")])
def test_table_exports_write_one_file_per_list(tmp_path, light_desk, fmt, files):
    write(tmp_path, "a1.txt", "Title\n\nBody.\n")
    light_desk.add(tmp_path / "a1.txt")
    light_desk.export(tmp_path / "out", fmt)
    assert (tmp_path / "out" / files).exists()
    assert (tmp_path / "out" / files.replace("articles", "paragraphs")).exists()


def test_unknown_article_is_not_found(light_desk):
    with pytest.raises(NotFound):
        light_desk.article("missing")


def test_desk_persists_across_opening(tmp_path):
    write(tmp_path, "a1.txt", "Title\n\nBody.\n")
    with Desk(tmp_path / "d.db", overrides=LIGHT) as desk:
        desk.add(tmp_path / "a1.txt")
    with Desk(tmp_path / "d.db", overrides=LIGHT) as desk:
        assert [a.id for a in desk.articles()] == ["a1"]
        desk.remove("a1")
        assert desk.articles() == []


def test_a_folder_reads_only_article_files(tmp_path, light_desk):
    write(tmp_path, "story.txt", "Title\n\nBody.\n", {"published": "2024-03-01"})
    write(tmp_path, "README.md", "# About this folder\n\nNotes.\n")
    write(tmp_path, "fetch.py", "print('hello')\n")
    assert light_desk.add(tmp_path).added == ["story"]
    assert light_desk.add(tmp_path / "README.md").added == ["README"]  # named files are read whatever they are
