"""``add --workers N``: per-article steps in worker processes give the same desk as one process."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, EXAMPLES, need

from newsdesk import Desk
from newsdesk.errors import NewsdeskError
from newsdesk.model import Article, Paragraph
from newsdesk.pipeline import REGISTRY, step


def exported(source, workers: int, batch_size: int, steps: list[str] | None = None) -> dict:
    overrides = [f"pipeline.batch_size={batch_size}"]
    if steps:
        overrides.append(f"pipeline.steps={json.dumps(steps)}")
    with Desk(":memory:", overrides=overrides) as desk:
        desk.add(source, workers=workers)
        return desk.export()


def test_examples_same_export_with_two_workers():
    one = exported(EXAMPLES, workers=1, batch_size=2)
    two = exported(EXAMPLES, workers=2, batch_size=2)
    assert one["articles"] and one["stories"] and one["claims"]
    assert two == one


def test_gvc_same_export_with_two_workers(tmp_path):
    rows = []
    with open(need(DATA / "gvc" / "documents.jsonl"), encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            rows.append(
                {
                    "id": r["doc_id"],
                    "title": r.get("title") or "",
                    "text": r.get("content") or "",
                    "published": r.get("dct"),
                    "url": r.get("uri"),
                }
            )
            if len(rows) == 300:
                break
    path = tmp_path / "gvc.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    one = exported(path, workers=1, batch_size=32)
    two = exported(path, workers=2, batch_size=32)
    assert len(one["articles"]) >= 290 and any(a["duplicate_of"] for a in one["articles"])
    assert two == one


def test_replaced_article_in_flight_is_stored_in_order(tmp_path):
    # the same id in two batches: the second version replaces the first, as with one worker (records keep their
    # ids; two files of one name in two folders would get two)
    first = tmp_path / "a" / "same.jsonl"
    second = tmp_path / "b" / "same.jsonl"
    for path, text in (
        (first, "The river rose overnight in the valley town."),
        (second, "The river rose again, officials said on Monday."),
    ):
        path.parent.mkdir()
        path.write_text(json.dumps({"id": "same", "title": "Floods in the valley", "text": text}), encoding="utf-8")
    sources = [first, *sorted(EXAMPLES.glob("*.txt"))[:3], second]
    steps = ["normalize", "roles", "glue", "dedup", "reuse", "stories"]
    one = exported(sources, workers=1, batch_size=1, steps=steps)
    two = exported(sources, workers=2, batch_size=1, steps=steps)
    assert two == one
    assert next(a for a in two["articles"] if a["id"] == "same")["paragraphs"][0]["text"].startswith(
        "The river rose again"
    )


@pytest.fixture
def failing_step():
    @step("toy_fails", requires=("text",))
    def make(config, desk):
        def run(article):
            if article.id == "bad":
                raise NewsdeskError("toy step failed on bad")

        return run

    yield
    REGISTRY.pop("toy_fails", None)


def test_worker_error_reaches_the_caller(failing_step):
    articles = [
        Article(id=i, title=f"Title {i}", paragraphs=[Paragraph(0, "Some words here.", "Some words here.")])
        for i in ("a", "b", "bad", "c")
    ]
    with Desk(":memory:", overrides=['pipeline.steps=["normalize", "toy_fails"]', "pipeline.batch_size=1"]) as desk:
        with pytest.raises(NewsdeskError, match="toy step failed on bad"):
            desk.add(articles, workers=2)
        assert desk.store.count() == 2  # the articles before it were stored
