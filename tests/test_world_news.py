"""World news through the whole pipeline: a wire dateline, a British date, shelling, a flood and a protest typed.

The articles are short texts written for these tests.
"""

from __future__ import annotations

import json

import pytest

from newsdesk import Desk

ARTICLES = {
    "shelling": (
        "Russian shelling kills three in Kharkiv",
        "2023-06-04",
        None,
        (
            "KHARKIV, June 3 (Reuters) - Russian forces shelled residential districts of Kharkiv on Saturday, "
            "killing three civilians and wounding 12, the regional governor said.\n\n"
            "Artillery fire also hit a school, he said."
        ),
    ),
    "flood": (
        "Floods in Assam displace thousands",
        "2023-06-20",
        None,
        (
            "GUWAHATI, June 19 (Reuters) - Floods in the Indian state of Assam have displaced more than 30,000 "
            "people and left two missing, officials said on Monday.\n\n"
            "Rescue teams evacuated about 500 residents from villages along the Brahmaputra."
        ),
    ),
    "protest": (
        "Thousands protest in Tbilisi",
        "2023-03-08",
        None,
        (
            "TBILISI, March 8 (AP) — Thousands of demonstrators protested outside parliament in Tbilisi, "
            "Georgia, on Wednesday against a draft law on foreign agents. Police detained 66 people.\n\n"
            "The protest went on into the night."
        ),
    ),
    "british": (
        "Inquiry opens into Leeds fire",
        "2023-04-05",
        "https://www.bbc.co.uk/news/uk-england-leeds-1",
        (
            "LEEDS, England (PA) - A public inquiry into the fire opened on 03/04/2023, West Yorkshire "
            "Police said.\n\nThe fire broke out at a warehouse in the city."
        ),
    ),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("world")
    for name, (title, published, url, body) in ARTICLES.items():
        (folder / f"{name}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        (folder / f"{name}.json").write_text(json.dumps({"published": published, "url": url}), encoding="utf-8")
    with Desk(":memory:") as desk:
        desk.add(str(folder))
        yield desk, desk.export()


def events_of(world, article_id):
    desk, doc = world
    story = desk.article(article_id).story
    return [e for e in doc["events"] if e["story"] == story]


def test_a_reuters_dateline_is_read_and_its_place_is_a_place(world):
    desk, _ = world
    article = desk.article("shelling")
    line = article.dateline
    assert (line.place, line.date, line.credit) == ("KHARKIV", "2023-06-03", "Reuters")
    places = [e for e in article.entities if e.type in ("GPE", "LOC")]
    assert any(m.span == line.place_span for e in places for m in e.mentions)


def test_shelling_is_typed_with_its_toll(world):
    events = events_of(world, "shelling")
    shelling = [e for e in events if e["sub_type"] == "Shelling/artillery/missile attack"]
    assert shelling and shelling[0]["type"] == "Explosions/Remote violence"
    assert shelling[0]["fatalities"]["min"] == 3 and shelling[0]["injured"]["min"] == 12


def test_a_flood_is_a_disaster_with_displaced_missing_and_evacuated(world):
    desk, _ = world
    assert next((e["type"], e["sub_type"]) for e in events_of(world, "flood")) == ("Disasters", "Flood")
    kinds = {(q.kind, q.min) for q in desk.article("flood").quantities}
    assert {("displaced", 30001), ("missing", 2), ("evacuated", 500)} <= kinds


def test_a_protest_is_typed_and_the_detained_counted(world):
    desk, _ = world
    assert "Protests" in {e["type"] for e in events_of(world, "protest")}
    assert ("detained", 66) in {(q.kind, q.min) for q in desk.article("protest").quantities}


def test_03_04_2023_in_a_british_article_is_3_april(world):
    desk, _ = world
    assert [d.value for d in desk.article("british").dates if d.text == "03/04/2023"] == ["2023-04-03"]
