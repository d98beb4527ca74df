"""The outlet of an article: its source, else its web domain (an archived page's own domain)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.outlets import outlet_count, outlet_name, web_domain
from newsdesk.profiles.us_local import outlet_town


@pytest.mark.parametrize(
    "url, domain",
    [
        ("https://www.example.com/a", "example.com"),
        ("http://web.archive.org/web/20170406111352/http://www.nydailynews.com/new-york/x", "nydailynews.com"),
        ("https://web.archive.org/web/2014/http://www.wkrn.com:80/x", "wkrn.com"),
        ("example.org/path", "example.org"),
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_web_domain(url, domain):
    assert web_domain(url) == domain


def test_outlet_name_prefers_the_source_and_normalises_it():
    assert outlet_name("  The  Daily News ", "https://other.com/x") == "the daily news"
    assert outlet_name("", "https://www.other.com/x") == "other.com"
    assert outlet_name(None, None) is None


def test_outlets_of_a_story_count_archived_pages_by_their_domain_and_unknown_outlets_once():
    def row(id, source=None, url=None, duplicate_of=None):
        return {"id": id, "source": source, "url": url, "duplicate_of": duplicate_of}

    archived = "http://web.archive.org/web/2015/http://www.kxan.com/news/story"
    assert outlet_count([row("a1", url=archived), row("a2", url="https://kxan.com/other")]) == 1
    assert outlet_count([row("a1", url=archived), row("a2"), row("a3")]) == 2  # no outlet known: one "unknown"
    assert outlet_count([row("a1", "Daily"), row("a2", "Weekly", duplicate_of="a1")]) == 1  # a duplicate is no outlet
    assert outlet_count([row("a2", "Weekly", duplicate_of="a1")]) == 1  # unless all are


@given(st.text(max_size=60))
def test_web_domain_never_fails_and_is_lower_case(url):
    domain = web_domain(url)
    assert domain is None or domain == domain.lower()


@pytest.mark.parametrize(
    "url, town",
    [
        ("http://web.archive.org/web/20141108120159/http://www.tuscaloosanews.com:80/story/1", "Tuscaloosa"),
        ("http://chicago.suntimes.com/news/x", "Chicago"),  # a label of its own
        ("https://www.theoaklandpress.com/x", "Oakland"),  # newspaper words on both sides
        ("https://kansascity.com/news", "Kansas City"),
        ("http://www.fox13memphis.com:80/news/x", "Memphis"),  # a network's name, its channel, the town
        ("http://www.goerie.com/news/20161223/x", "Erie"),
        ("https://www.star-telegram.com/x", None),  # newspaper words only: "Star" is no town here
        ("https://www.huffingtonpost.com/x", None),  # "huffington" is no place
        ("https://www.delawareonline.com/x", None),  # a state's name, not a town's
        ("https://www.king5.com/x", None),  # a broadcaster's call sign
        ("https://www.kansas.com/x", None),
        ("not a url [", None),
        (None, None),
    ],
)
def test_outlet_town_reads_the_town_an_outlet_is_named_after(url, town):
    found = outlet_town(url)
    assert (found.name if found else None) == town
    assert found is None or found.feature in ("city", "town", "village")


@given(st.text(max_size=60))
def test_outlet_town_of_any_text_is_a_settlement_or_none(text):
    found = outlet_town(text)
    assert found is None or found.feature in ("city", "town", "village")


def test_an_outlet_is_never_an_article_id():
    from newsdesk.outlets import UNKNOWN, outlet_label

    assert outlet_label(None, None) == UNKNOWN == "unknown"
    assert outlet_label("  ", "") == "unknown" and outlet_label("EFE", None) == "efe"


def test_the_dateline_credit_is_the_outlet_only_when_the_metadata_has_none():
    from newsdesk.extract.datelines import make_dateline
    from newsdesk.model import Article, Paragraph

    step = make_dateline({}, None)

    def article(source=None, url=None):
        text = "BEIRUT (AFP) — Two people were killed in a strike on Monday, officials said."
        found = Article(id="x", title="T", source=source, url=url, paragraphs=[Paragraph(index=0, text=text, raw=text)])
        step(found)
        return found

    assert article().source == "AFP"
    assert article(source="Harbor Times").source == "Harbor Times"
    assert article(url="https://www.example-news.com/a").source is None
