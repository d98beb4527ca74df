"""The HTTP API on a desk built from examples/: export shapes, pagination, filters, ETags, errors, safety, adding."""

from __future__ import annotations

import shutil

import pytest
from conftest import MARKUP_ARTICLE, SEEDS

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'newsdesk[web]'")
from fastapi.testclient import TestClient

from newsdesk import Desk
from newsdesk.store import Store
from newsdesk.web import create_app


@pytest.fixture(scope="module")
def client(web_desk):
    return TestClient(create_app(web_desk))


@pytest.fixture(scope="module")
def doc(web_desk):
    with Desk(web_desk) as desk:
        return desk.export()


def everything(client, url: str) -> list[dict]:
    """Every item of a list, page by page."""
    items, cursor = [], None
    while True:
        answer = client.get(url, params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        items += answer["items"]
        cursor = answer["next"]
        if cursor is None:
            return items


@pytest.mark.parametrize("name", ["stories", "claims", "events", "entities", "contradictions", "articles"])
def test_every_list_pages_through_the_export_items_exactly(client, doc, name):
    items = everything(client, f"/api/v1/{name}")
    assert len(items) == len(doc[name]) > 0
    assert sorted(items, key=lambda i: i["id"]) == sorted(doc[name], key=lambda i: i["id"])


def test_the_story_answer_has_export_shapes(client, doc):
    story = next(s for s in doc["stories"] if "goma-1" in s["articles"])
    answer = client.get(f"/api/v1/stories/{story['id']}").json()
    assert answer["story"] == story
    assert answer["events"] == [e for e in doc["events"] if e["story"] == story["id"]]
    assert answer["contradictions"] == [c for c in doc["contradictions"] if c["story"] == story["id"]]
    assert {c["id"] for c in answer["claims"]} == {c["id"] for c in doc["claims"] if c["article"] in story["articles"]}
    one = client.get("/api/v1/articles/goma-1").json()["article"]
    assert one == next(a for a in doc["articles"] if a["id"] == "goma-1")


def test_filters_match_the_pages(client, doc):
    floods = next(s["id"] for s in doc["stories"] if "floods-1" in s["articles"])
    assert [s["id"] for s in client.get("/api/v1/stories", params={"q": "flooding Porto Alegre"}).json()["items"]] == [
        floods
    ]
    assert floods in [s["id"] for s in client.get("/api/v1/stories", params={"country": "br"}).json()["items"]]
    assert floods not in [s["id"] for s in client.get("/api/v1/stories", params={"country": "CD"}).json()["items"]]
    assert all(
        c["polarity"] == "deny" for c in client.get("/api/v1/claims", params={"polarity": "deny"}).json()["items"]
    )
    leite = client.get("/api/v1/claims", params={"speaker": "leite"}).json()["items"]
    assert leite and all("leite" in (c["speaker_text"] or "").lower() or c["speaker"] for c in leite)
    sizes = [len(s["articles"]) for s in client.get("/api/v1/stories", params={"sort": "size"}).json()["items"]]
    assert sizes == sorted(sizes, reverse=True)
    dated = client.get("/api/v1/articles", params={"since": "2025-06", "until": "2025-06"}).json()["items"]
    assert {a["id"] for a in dated} == {
        a["id"] for a in doc["articles"] if (a["published"] or "").startswith("2025-06")
    }


def test_search_ranks_articles_and_treats_the_query_as_words(client):
    found = client.get("/api/v1/search", params={"q": "dockworkers"}).json()
    assert found["items"] and all(a["id"].startswith("valparaiso") for a in found["items"])
    assert found["stories"] and found["stories"][0]["id"] == found["items"][0]["story"]
    for odd in ['"', "AND OR NOT (", "*", "title:x", "a' OR 1=1 --"]:
        answer = client.get("/api/v1/search", params={"q": odd})
        assert answer.status_code == 200, odd


def test_etag_gives_304_when_nothing_changed(client):
    first = client.get("/api/v1/stories")
    again = client.get("/api/v1/stories", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content
    assert client.get("/api/v1/stories?sort=size", headers={"If-None-Match": first.headers["etag"]}).status_code == 200


@pytest.mark.parametrize(
    "url,status",
    [
        ("/api/v1/stories/nope", 404),
        ("/api/v1/articles/nope", 404),
        ("/api/v1/entities/nope", 404),
        ("/api/v1/nothing", 404),
        ("/api/v1/articles/a%00b", 422),
        ("/api/v1/articles/" + "x" * 300, 422),
        ("/api/v1/articles/..%5C..%5Cetc", 422),
        ("/api/v1/claims?cursor=!!!", 400),
        ("/api/v1/claims?limit=0", 422),
        ("/api/v1/stories?sort=random", 422),
        ("/api/v1/articles", 403),
    ],
)
def test_errors_have_one_json_shape(client, url, status):
    answer = client.post(url, json={}) if url == "/api/v1/articles" else client.get(url)
    assert answer.status_code == status
    error = answer.json()["error"]
    assert error["status"] == status and error["code"] and error["message"]


def test_pages_and_answers_carry_a_content_security_policy(client):
    for url in ["/", "/api/v1/stories", "/stories/nope"]:
        policy = client.get(url).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_markup_in_an_article_is_shown_as_text(client):
    page = client.get("/articles/markup-1").text
    assert "<script>window.pwned" not in page and "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and "<img src=x" not in page
    assert "&lt;a href=&#34;javascript:" in page and "&lt;img src=x onerror=" in page
    listed = client.get("/stories", params={"q": "Harbor council"}).text
    assert "<script>window.pwned" not in listed and "&lt;script&gt;" in listed
    assert client.get("/api/v1/articles/markup-1").json()["article"]["title"] == MARKUP_ARTICLE["title"]


def test_docs_use_nothing_from_elsewhere(client):
    page = client.get("/docs").text
    assert "/api/v1/stories" in page and "/openapi.json" in page
    assert "http://" not in page.replace('"http://www.w3.org', "") and "https://" not in page
    assert "/api/v1/search" in client.get("/openapi.json").json()["paths"]


def test_every_page_renders(client, doc):
    story = doc["stories"][0]["id"]
    entity = next(e["id"] for e in doc["entities"] if e["mentions"])
    for url in [
        "/",
        "/stories",
        "/stories?sort=sources&type=Battles",
        f"/stories/{story}",
        "/articles/floods-2",
        f"/entities/{entity}",
        "/events",
        "/events?country=CD",
        "/docs",
    ]:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["content-type"].startswith("text/html")
    assert client.get("/map/world.svg").text.startswith("<svg")


def test_reads_see_one_snapshot_while_a_writer_holds_the_desk(web_desk, tmp_path):
    path = tmp_path / "desk.db"
    shutil.copy(web_desk, path)
    client = TestClient(create_app(path))
    before = client.get("/api/v1/articles", params={"limit": 500}).json()["count"]
    writer = Store(path)
    writer.db.execute("BEGIN IMMEDIATE")
    writer.db.execute(
        "INSERT INTO articles (id, seq, content_hash, title, data) VALUES ('w1', 9999, 'h', 'W', "
        '\'{"id": "w1", "title": "W"}\')'
    )
    assert client.get("/api/v1/articles", params={"limit": 500}).json()["count"] == before  # not blocked, not seen
    writer.db.execute("COMMIT")
    assert client.get("/api/v1/articles", params={"limit": 500}).json()["count"] == before + 1
    assert client.get("/api/v1/search", params={"q": "W"}).status_code == 200
    writer.close()


def test_a_requests_reads_are_one_snapshot_while_an_add_commits(web_desk, tmp_path, monkeypatch):
    from newsdesk.model import Article, Paragraph
    from newsdesk.web.data import Reader

    path = tmp_path / "desk.db"
    shutil.copy(web_desk, path)
    writer = Store(path)
    late = iter(f"ferry-{n}" for n in range(9))

    def commit_one_more():
        writer.save_article(Article(id=next(late), title="Ferry", paragraphs=[Paragraph(0, "Ferry.", "Ferry.")]))

    reader = Reader(path)
    with reader.read() as store:  # held open: the commit below does not show inside it
        before = store.count()
        commit_one_more()
        assert store.count() == before and not store.search("ferry")
    with reader.read() as store:
        assert store.count() == before + 1 and store.search("ferry") == ["ferry-0"]
        assert reader.article_records(store, ["ferry-0", "nope"])[0]["title"] == "Ferry"
    writer.save_article(Article(id="ferry-0", title="Ferry again", paragraphs=[Paragraph(0, "Ferry.", "Ferry.")]))
    with reader.read() as store:  # a record cached before the commit is checked again
        assert [r["title"] for r in reader.article_records(store, ["ferry-0"])] == ["Ferry again"]

    # a whole request: an add commits between its first read (the page of results) and its last (the count)
    client = TestClient(create_app(path))
    records = Reader.article_records

    def records_then_commit(self, store, ids):
        found = records(self, store, ids)
        commit_one_more()
        return found

    monkeypatch.setattr(Reader, "article_records", records_then_commit)
    answer = client.get("/api/v1/search", params={"q": "ferry", "limit": 100}).json()
    assert answer["count"] == len(answer["items"]) == 1  # the count is of the same snapshot as the items
    answer = client.get("/api/v1/articles", params={"q": "ferry", "limit": 100}).json()
    assert answer["count"] == len(answer["items"]) == 2
    writer.close()


def test_adding_needs_the_token_and_respects_the_size_limit(web_desk, tmp_path):
    path = tmp_path / "desk.db"
    shutil.copy(web_desk, path)
    client = TestClient(create_app(path, token="s3cret", max_upload=4000))
    record = {
        "id": "harbor-2",
        "title": "Harbor ferry resumes service",
        "published": "2025-02-04",
        "text": "The ferry resumed service on Tuesday, the operator said.",
    }
    assert client.post("/api/v1/articles", json=record).status_code == 401
    assert client.post("/api/v1/articles", json=record, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": "Bearer s3cret"}
    big = {**record, "text": "word " * 2000}
    assert client.post("/api/v1/articles", json=big, headers=auth).json()["error"]["code"] == "too_large"
    assert (
        client.post(
            "/api/v1/articles", content=b"not json", headers={**auth, "Content-Type": "application/json"}
        ).status_code
        == 400
    )
    added = client.post("/api/v1/articles", json=[record], headers=auth)
    assert added.status_code == 201 and added.json()["added"] == ["harbor-2"]
    assert client.get("/api/v1/articles/harbor-2").json()["article"]["title"] == record["title"]
    assert client.get("/api/v1/search", params={"q": "ferry"}).json()["items"][0]["id"] == "harbor-2"
    upload = {
        "file": ("../../etc/harbor-3.txt", b"Harbor port reopens\n\nThe port reopened on Wednesday.", "text/plain")
    }
    answer = client.post("/api/v1/articles", files=upload, headers=auth).json()
    assert answer["added"] == ["harbor-3"]
    assert client.post("/api/v1/articles", files=upload, headers=auth).json()["unchanged"] == ["harbor-3"]


def test_the_seeds_story_page_shows_timeline_reuse_contradiction_and_kozinka(client, doc):
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} is absent: the shared data folder (../shared) is not next to this checkout")
    seeds = {p.stem for p in SEEDS.glob("*.txt")}
    story = next(s for s in doc["stories"] if seeds <= set(s["articles"]))
    page = client.get(f"/stories/{story['id']}").text
    timeline = page.split('id="timeline"')[1].split('id="contradictions"')[0]
    assert all(f"/articles/{a}" in timeline for a in seeds)
    assert timeline.count('class="first-appearance"') >= 4
    contradictions = page.split('id="contradictions"')[1].split('id="events"')[0]
    assert "more than 70" in contradictions and "deny" in contradictions
    events = page.split('id="events"')[1]
    assert "Kozinka" in events and "event-point" in events
    assert "Kozinka" in client.get("/events").text


def test_without_the_web_extra_serve_says_what_to_install(monkeypatch, tmp_path):
    import sys

    from newsdesk.errors import MissingExtra

    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fastapi now raises ImportError
    with pytest.raises(MissingExtra, match=r"pip install 'newsdesk\[web\]'"):
        create_app(tmp_path / "any.db")


def test_serve_refuses_a_missing_desk(tmp_path):
    from click.testing import CliRunner

    from newsdesk.cli import main

    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "newsdesk add" in result.output


def test_the_desk_wide_view_follows_writes_without_making_reads_wait(web_desk, tmp_path):
    from newsdesk.model import Article, Paragraph
    from newsdesk.web.data import Reader

    path = tmp_path / "desk.db"
    shutil.copy(web_desk, path)
    reader = Reader(path)
    before = reader.view()
    writer = Store(path)
    writer.save_article(Article(id="late-1", title="Late", paragraphs=[Paragraph(0, "Text.", "Text.")]))
    assert reader.view() is before  # stale at once, rebuilt in the background
    fresh = reader.view(wait=True)
    assert fresh.generation > before.generation and "late-1" in fresh.articles
    writer.close()


def test_serve_keeps_idle_connections_longer_than_clients_do(web_desk, monkeypatch):
    import uvicorn

    from newsdesk.web import serve

    given = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: given.update(options))
    serve(web_desk, port=8123)
    # httpx drops an idle connection after 5 s: a server closing it at the same time failed requests sent then
    assert given["timeout_keep_alive"] > 5 and given["host"] == "127.0.0.1" and given["port"] == 8123


def test_serve_with_two_workers_answers(web_desk):
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "serve", "--db", str(web_desk), "--port", str(port), "--workers", "2"],
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/stories", timeout=30)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.3)
        assert answer.status_code == 200 and answer.json()["count"] > 0
        assert all(httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 200 for _ in range(4))
    finally:
        server.terminate()
        server.wait(20)
