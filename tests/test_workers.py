"""``add --workers N``: per-article steps in worker processes give the same desk as one process."""

from __future__ import annotations

import json
import os
import time

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


PARENT = os.getpid()


@pytest.fixture
def toy_steps():
    """``toy_fails`` raises on the article "bad"; ``toy_dies`` ends its worker process on it (and raises instead in
    the test's own process, which it must never reach); ``toy_hangs`` sleeps on it."""

    @step("toy_fails", requires=("text",))
    def make_fails(config, desk):
        def run(article):
            if article.id == "bad":
                raise NewsdeskError("toy step failed on bad")

        return run

    @step("toy_dies", requires=("text",))
    def make_dies(config, desk):
        def run(article):
            if article.id == "bad":
                if os.getpid() == PARENT:
                    raise AssertionError("a worker's deadly article was run in the desk's process")
                os._exit(3)

        return run

    @step("toy_hangs", requires=("text",))
    def make_hangs(config, desk):
        def run(article):
            if article.id == "bad":
                time.sleep(300)

        return run

    yield
    for name in ("toy_fails", "toy_dies", "toy_hangs"):
        REGISTRY.pop(name, None)


def toy_articles() -> list[Article]:
    return [
        Article(id=i, title=f"Title {i}", paragraphs=[Paragraph(0, f"Some words about {i}.", f"Some words about {i}.")])
        for i in ("a", "b", "bad", "c", "d", "e", "f")
    ]


def toy_desk(step_name: str, *overrides: str) -> Desk:
    steps = ["normalize", "roles", "glue", step_name, "dedup", "stories"]
    return Desk(":memory:", overrides=[f"pipeline.steps={json.dumps(steps)}", "pipeline.batch_size=2", *overrides])


def test_a_step_failing_in_a_worker_is_a_failed_skip_and_the_rest_as_with_one_worker(toy_steps):
    exports = []
    for workers in (1, 2):
        with toy_desk("toy_fails") as desk:
            summary = desk.add(toy_articles(), workers=workers)
            assert sorted(summary.added) == ["a", "b", "c", "d", "e", "f"]
            assert [(s.id, s.reason) for s in summary.skipped] == [("bad", "failed")]
            exports.append(desk.export())
    one, two = exports
    assert two == one
    assert [(s["id"], s["reason"]) for s in two["skips"]] == [("bad", "failed")]
    assert "step toy_fails" in two["skips"][0]["detail"] and "toy step failed on bad" in two["skips"][0]["detail"]


def test_a_worker_that_dies_loses_nothing(toy_steps):
    with toy_desk("toy_fails") as desk:
        desk.add([a for a in toy_articles() if a.id != "bad"], workers=1)
        expected = desk.export()["articles"]
    with toy_desk("toy_dies") as desk:
        summary = desk.add(toy_articles(), workers=2)
        assert sorted(summary.added) == ["a", "b", "c", "d", "e", "f"]
        (skip,) = desk.skips()
        assert (skip.id, skip.reason) == ("bad", "failed") and "worker process died" in skip.detail
        assert desk.export()["articles"] == expected


def test_a_worker_that_hangs_is_stopped_after_the_timeout(toy_steps):
    with toy_desk("toy_hangs", "pipeline.worker_timeout=5") as desk:
        summary = desk.add(toy_articles(), workers=2)
        assert sorted(summary.added) == ["a", "b", "c", "d", "e", "f"]
        (skip,) = desk.skips()
        assert (skip.id, skip.reason) == ("bad", "failed") and "pipeline.worker_timeout (5 s)" in skip.detail


def with_copies(articles: list[Article]) -> list[Article]:
    """The articles with later copies (same id, same content) of "bad" and "a" among them, as a feed read again."""
    by_id = {article.id: article for article in articles}
    order = ["a", "b", "bad", "c", "bad", "d", "a", "e", "f", "bad"]
    return [Article.from_dict(by_id[i].to_dict()) for i in order]


def test_copies_of_an_article_in_flight_are_unchanged_as_with_one_worker(toy_steps):
    exports = []
    for workers in (1, 2):
        with toy_desk("toy_fails") as desk:
            summary = desk.add([a for a in with_copies(toy_articles()) if a.id != "bad"], workers=workers)
            assert sorted(summary.added) == ["a", "b", "c", "d", "e", "f"] and summary.unchanged == ["a"]
            exports.append(desk.export())
    assert exports[1] == exports[0]


@pytest.mark.parametrize("step_name", ["toy_fails", "toy_dies"])
def test_copies_of_a_failed_article_fail_with_it(toy_steps, step_name):
    # processed once, whatever the workers: a copy of an article that killed its worker is not run again
    exports = []
    for workers in (1, 2) if step_name == "toy_fails" else (2,):
        with toy_desk(step_name) as desk:
            summary = desk.add(with_copies(toy_articles()), workers=workers)
            assert sorted(summary.added) == ["a", "b", "c", "d", "e", "f"] and summary.unchanged == ["a"]
            assert [(s.id, s.reason) for s in summary.skipped] == [("bad", "failed")] * 3
            first, *copies = [s.detail for s in summary.skipped]
            assert all(detail == "an earlier copy in this add failed: " + first for detail in copies)
            exports.append(desk.export())
    assert exports[-1] == exports[0]


def test_skips_of_the_input_and_failed_articles_in_the_order_of_one_worker(toy_steps, tmp_path):
    # an empty file read while batches are in flight is recorded after them, as one worker records it
    for i in range(12):
        text = "" if i in (5, 9) else f"Title {i}\n\nSome words about thing {i} in the town.\n"
        (tmp_path / ("bad.txt" if i == 0 else f"c{i:02d}.txt")).write_text(text, encoding="utf-8")
    exports = []
    for workers in (1, 2):
        with toy_desk("toy_fails") as desk:
            desk.add(tmp_path, workers=workers)
            exports.append(desk.export())
    assert [s["reason"] for s in exports[0]["skips"]] == ["failed", "empty", "empty"]
    assert exports[1] == exports[0]


KILLED_DESK = """
import os, signal
from newsdesk import Desk
from newsdesk.model import Article, Paragraph
from newsdesk.workers import Pool

desk = Desk(":memory:", overrides=['pipeline.steps=["normalize"]'])
pool = Pool(desk.pipeline, desk.config, 2)
pool.send([Article(id="a", title="T", paragraphs=[Paragraph(0, "Words.", "Words.")])], None)
pool.receive()
print(*pool.executor._processes, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")
def test_workers_end_when_the_desk_process_is_killed():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", KILLED_DESK], capture_output=True, text=True, timeout=300).stdout
    pids = [int(pid) for pid in out.split()]
    assert pids
    for _ in range(300):  # a bound, not a timing: each worker looks for its parent every second
        if not any(running(pid) for pid in pids):
            break
        time.sleep(0.2)
    assert not any(running(pid) for pid in pids)
