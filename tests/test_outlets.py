"""The outlet of an article: its source, else its web domain (an archived page's own domain)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.outlets import outlet_name, web_domain
from newsdesk.stories.cluster import outlet


@pytest.mark.parametrize("url, domain", [
    ("https://www.example.com/a", "example.com"),
    ("http://web.archive.org/web/20170406111352/http://www.nydailynews.com/new-york/x", "nydailynews.com"),
    ("https://web.archive.org/web/2014/http://www.wkrn.com:80/x", "wkrn.com"),
    ("example.org/path", "example.org"),
    ("", None),
    (None, None),
    ("   ", None),
])
def test_web_domain(url, domain):
    assert web_domain(url) == domain


def test_outlet_name_prefers_the_source_and_normalises_it():
    assert outlet_name("  The  Daily News ", "https://other.com/x") == "the daily news"
    assert outlet_name("", "https://www.other.com/x") == "other.com"
    assert outlet_name(None, None) is None


def test_story_outlet_of_archived_pages_is_the_archived_domain():
    row = {"id": "a1", "source": None,
           "url": "http://web.archive.org/web/2015/http://www.kxan.com/news/story"}
    assert outlet(row) == "kxan.com"
    assert outlet({"id": "a2", "source": None, "url": None}) == "article:a2"


@given(st.text(max_size=60))
def test_web_domain_never_fails_and_is_lower_case(url):
    domain = web_domain(url)
    assert domain is None or domain == domain.lower()
