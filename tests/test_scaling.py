"""Every stage is linear (or n·log n) in what it reads: counted in lines of newsdesk code run, not in seconds.

A quadratic stage fed 5,000 paragraphs or claims runs hundreds of millions of lines; the bounds below allow
a few thousand per item (a linear stage's cost). The count stops (and the test fails) as soon as a bound is passed, so a regression
fails fast instead of hanging the suite.
"""

from __future__ import annotations

import sys

import pytest

from newsdesk.model import Article, Claim, Paragraph, Quantity, Span
from newsdesk.reconcile.corroboration import independent_reports
from newsdesk.reconcile.matching import proposition_groups, reports

N = 5_000


class TooMuchWork(BaseException):
    """Not an Exception: the desk records an article a step fails on and goes on, but this must stop the test."""


def lines_run(fn, limit: int) -> int:
    """Lines of newsdesk code that ``fn()`` runs (loop iterations included); fails past ``limit``."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count > limit:
                raise TooMuchWork(f"more than {limit} lines of newsdesk code run")
        return local

    def calls(frame, event, arg):
        return local if "newsdesk" in frame.f_code.co_filename else None

    sys.settrace(calls)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def story(paragraphs: list[str], claims_per_article: int | None = None) -> list[Article]:
    """One article per ``claims_per_article`` paragraphs (all in one when None), a claim and a figure in each."""
    size = claims_per_article or len(paragraphs)
    articles = []
    for first in range(0, len(paragraphs), size):
        article = Article(
            id=f"a{first}",
            title="Floods",
            source=f"outlet{first % 7}",
            paragraphs=[Paragraph(index=i, text=t, raw=t) for i, t in enumerate(paragraphs[first : first + size])],
        )
        for p in article.paragraphs:
            end = p.text.index(" said")
            article.claims.append(
                Claim(
                    id=f"{article.id}-c{p.index}",
                    span=Span(p.index, 0, len(p.text)),
                    content=p.text[end + 6 :],
                    speaker_text=p.text[:end],
                    cue="said",
                )
            )
            at = p.text.index("12")
            article.quantities.append(
                Quantity(span=Span(p.index, at, at + 2), text="12", min=12, kind="killed", claim=article.claims[-1].id)
            )
        articles.append(article)
    return articles


REPEATED = ["Officials said the flood killed 12 people in the northern province on Tuesday."] * N
DISTINCT = [
    f"Officer {i} said the flood killed 12 people near bridge number {i} of the river {i % 97}." for i in range(N)
]


@pytest.mark.parametrize("paragraphs", [REPEATED, DISTINCT], ids=["repeated", "distinct"])
@pytest.mark.parametrize("per_article", [None, 20], ids=["one-article", "many-articles"])
def test_claims_of_one_story_are_grouped_and_counted_in_linear_work(paragraphs, per_article):
    found = reports(story(paragraphs, per_article), {})
    groups: list = []
    lines_run(lambda: groups.extend(proposition_groups(found, {})), limit=400 * N)
    counts: dict = {}
    lines_run(lambda: counts.update(independent_reports(groups, [])), limit=200 * N)
    assert len(counts) == N
    # all one figure of one flood: one proposition; one text is one report, distinct texts count by outlet (7)
    assert len(groups) == 1
    assert set(counts.values()) == {1 if paragraphs is REPEATED or per_article is None else 7}


LIGHT = ['pipeline.steps=["normalize", "roles", "glue", "dedup", "reuse", "stories"]']


def one_article(paragraphs: list[str]) -> Article:
    return Article(
        id="big",
        title="Flood kills twelve",
        published="2024-03-05",
        paragraphs=[Paragraph(index=i, text=t, raw=t) for i, t in enumerate(paragraphs)],
    )


@pytest.mark.parametrize("paragraphs", [REPEATED, DISTINCT], ids=["repeated", "distinct"])
def test_an_article_of_5000_paragraphs_is_cleaned_deduplicated_and_clustered_in_linear_work(paragraphs):
    from newsdesk import Desk

    with Desk(":memory:", overrides=LIGHT) as desk:
        _ = desk.pipeline  # built (lexicons loaded) before counting
        lines_run(lambda: desk.add(one_article(paragraphs)), limit=4_000 * N)
        copy = one_article(paragraphs)
        copy.id = "copy"
        lines_run(lambda: desk.add(copy), limit=4_000 * N)  # a second copy meets every paragraph of the first
        assert desk.article("copy").duplicate_of == "big"


def test_an_article_of_5000_repeated_paragraphs_goes_through_every_step_in_linear_work():
    from newsdesk import Desk

    with Desk(":memory:") as desk:
        _ = desk.pipeline
        lines_run(
            lambda: desk.add(one_article(REPEATED)), limit=6_000 * N
        )  # about 4,300 lines a paragraph (quote scanning is per character)
        article = desk.article("big")
        assert len(article.claims) >= N and len(article.paragraphs) == N


def test_claims_sharing_only_a_common_word_are_grouped_in_linear_work():
    # every claim says "the crowd" and nothing else in common: no pair is one proposition, and none is compared
    paragraphs = [f"Officer {i} said marchers{i} carried 12 banners{i} past the crowd at square{i}." for i in range(N)]
    found = reports(story(paragraphs, 20), {})
    for report in found:
        report.figures = []
    groups: list = []
    lines_run(lambda: groups.extend(proposition_groups(found, {})), limit=400 * N)
    assert len(groups) == N


def all_pairs_groups(found, config) -> list[list[str]]:
    """What proposition_groups must return: every pair compared."""
    from newsdesk.components import Components
    from newsdesk.reconcile.matching import same_proposition

    components = Components(range(len(found)))
    for i in range(len(found)):
        for j in range(i):
            if same_proposition(found[j], found[i], config):
                components.join(i, j)
    return [[found[i].id for i in members] for members in components.groups().values()]


@pytest.mark.parametrize("config", [{}, {"same_text": 0.3, "same_topic": 0.5, "denial_topic": 0.2}, {"same_topic": 0}])
def test_indexed_groups_are_those_of_every_pair_compared(config):
    import random

    from newsdesk.model import Article, Claim, Quantity, Span
    from newsdesk.reconcile.matching import Report

    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(60)] + ["crowd", "police", "flood"] * 10  # a few words in most claims
    found = []
    for i in range(1_500):
        words = frozenset(rng.sample(vocabulary, rng.randint(0, 9)))
        claim = Claim(
            id=f"c{i}", span=Span(0, 0, 1), content=" ".join(words), polarity=rng.choice(["assert"] * 5 + ["deny"])
        )
        figures = [
            Quantity(
                span=Span(0, 0, 1), text=str(n), min=n, kind=rng.choice(["killed", "injured", "detained", "other"])
            )
            for n in rng.sample(range(1, 40), rng.randint(0, 2))
        ]
        entities = frozenset(rng.sample(["e1", "e2", "e3", "e4", "e5", "e6"], rng.randint(0, 2)))
        found.append(Report(Article(id=f"a{i // 10}"), i // 10, claim, figures, words, entities))
    got = [[r.id for r in group] for group in proposition_groups(found, config)]
    assert got == all_pairs_groups(found, config)
    assert 50 < len(got) < len(found)  # neither all apart nor all one
