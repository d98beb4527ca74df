"""Paragraph re-use: verbatim, near and partial links; paraphrases and captions are not re-use."""

from __future__ import annotations

import pytest

from newsdesk import Desk
from newsdesk.dedup.reuse import Settings, compare, winnowed
from newsdesk.dedup.minhash import words
from newsdesk.model import Article, Paragraph

STEPS = 'pipeline.steps=["normalize", "dedup", "reuse", "stories"]'

SHARED = "The river rose by more than two metres overnight, flooding the lower town and forcing about three hundred residents to leave their homes."
EDITED = "The river rose by more than two metres during the night, flooding the lower town and forcing about three hundred residents to leave their homes."
PASSAGE = "Rescue teams used boats to reach families trapped on the upper floors of the old mill district"
PARAPHRASE = (
    "Overnight the water climbed over two metres; some three hundred people in the low-lying quarter had to evacuate."
)


def article(article_id, paragraphs, roles=None, title="Flood in the lower town"):
    roles = roles or ["body"] * len(paragraphs)
    return Article(
        id=article_id,
        title=title,
        published="2024-03-02",
        paragraphs=[Paragraph(index=i, text=t, raw=t, role=r) for i, (t, r) in enumerate(zip(paragraphs, roles))],
    )


FIRST = article(
    "first",
    [
        SHARED,
        PASSAGE + " before dawn, the fire brigade said.",
        "The mayor declared a state of emergency and opened the sports hall as a shelter for the night.",
        "A photo caption that galleries repeat from one article to the next without any change at all.",
    ],
    roles=["body", "body", "body", "caption"],
)


@pytest.fixture
def desk():
    with Desk(":memory:", overrides=[STEPS]) as d:
        yield d


def links(desk, article_id):
    return {
        (x.a["paragraph"], x.b["paragraph"]): x for x in desk.store.reuse(article_id) if x.b["article"] == article_id
    }


def test_verbatim_near_and_partial_are_linked(desk):
    second = article(
        "second",
        [
            "Officials said on Sunday that the water was slowly going down.",
            SHARED,
            EDITED,
            "Volunteers arrived from nearby villages. " + PASSAGE + ", and no one was hurt.",
        ],
    )
    desk.add([FIRST, second])
    found = links(desk, "second")
    assert found[(0, 1)].kind == "verbatim" and found[(0, 1)].similarity == 1.0
    assert found[(0, 2)].kind == "near" and 0.8 <= found[(0, 2)].similarity < 1.0
    assert found[(1, 3)].kind == "partial"
    assert all(link.a["article"] == "first" for link in found.values())  # a = the earlier article
    assert (0, 0) not in found


def test_paraphrase_without_shared_wording_is_not_reuse(desk):
    desk.add([FIRST, article("second", [PARAPHRASE, "Schools in the district stay closed until Wednesday."])])
    assert desk.store.reuse("second") == []


def test_captions_are_not_compared(desk):
    caption = FIRST.paragraphs[3].text
    desk.add(
        [
            FIRST,
            article(
                "second", ["Another report with its own words about the weather.", caption], roles=["body", "caption"]
            ),
        ]
    )
    assert desk.store.reuse("second") == []


def test_replaced_article_drops_its_links(desk):
    desk.add([FIRST, article("second", [SHARED])])
    assert links(desk, "second")
    desk.add(article("second", [PARAPHRASE]))
    assert desk.store.reuse("second") == []


def test_short_and_empty_paragraphs_are_skipped(desk):
    desk.add([FIRST, article("second", ["Keep reading:", ""]), article("third", [])])
    assert desk.store.reuse("second") == [] and desk.store.reuse("third") == []


def test_compare_kinds():
    settings = Settings()
    assert compare(words(SHARED), words(SHARED), settings) == ("verbatim", 1.0)
    assert compare(words(SHARED), words(EDITED), settings)[0] == "near"
    assert compare(words(SHARED), words(PARAPHRASE), settings) is None


def test_winnowing_samples_every_long_passage():
    settings = Settings()
    long_enough = settings.window + settings.shingle - 1
    a = "alpha beta gamma delta " + PASSAGE
    b = " ".join(words(PASSAGE)[:long_enough]) + " omega psi chi"
    assert set(winnowed(a, settings.shingle, settings.window)) & set(winnowed(b, settings.shingle, settings.window))


def test_seeds_reuse_four_of_five_paragraphs(seeds):
    """The two seed reports: one story, neither a duplicate, at least 4 of their 5 shared paragraphs linked."""
    steps = 'pipeline.steps=["normalize", "roles", "glue", "dedup", "reuse", "stories"]'
    with Desk(":memory:", overrides=[steps]) as desk:
        desk.add(seeds)
        articles = desk.articles()
        assert len(articles) == 2
        assert all(a.duplicate_of is None for a in articles)
        assert len({a.story for a in articles}) == 1
        later = articles[1]
        reused = [x for x in desk.store.reuse() if x.b["article"] == later.id]
        assert len({x.b["paragraph"] for x in reused}) >= 4
        assert {x.kind for x in reused} >= {"verbatim"}


def test_a_source_with_hundreds_of_matching_paragraphs():
    # more candidate paragraphs of one stored article than SQLite takes function arguments (127)
    texts = [
        f"Paragraph {i} tells how the river rose past the old mill near the bridge on day {i}." for i in range(300)
    ]
    first = Article(id="first", title="River rises", paragraphs=[Paragraph(i, t, t) for i, t in enumerate(texts)])
    second = Article(
        id="second", title="River rises again", paragraphs=[Paragraph(i, t, t) for i, t in enumerate(reversed(texts))]
    )
    with Desk(":memory:", overrides=['pipeline.steps=["normalize", "dedup", "reuse"]']) as desk:
        desk.add([first, second])
        links = desk.store.reuse("second")
    verbatim = {(link.a["paragraph"], link.b["paragraph"]) for link in links if link.kind == "verbatim"}
    assert verbatim == {(299 - i, i) for i in range(300)}
