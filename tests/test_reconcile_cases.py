"""Reconciliation on short articles written for the project (tests/fixtures/reconcile, also bench.reconcile):
denials, a revised figure, re-used wire text, articles of no known outlet, a status dispute — through the real
pipeline up to claims, then the reconcile step."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES

CASES = FIXTURES / "reconcile"
LABELS = json.loads((CASES / "labels.json").read_text(encoding="utf-8"))["cases"]


def process(path):
    from newsdesk import config as config_module
    from newsdesk import ingest
    from newsdesk.model import Article
    from newsdesk.pipeline import Pipeline

    config = config_module.load()
    config["pipeline"]["steps"] = [
        "normalize",
        "roles",
        "glue",
        "parse",
        "entities",
        "places",
        "dates",
        "quantities",
        "claims",
    ]
    return Pipeline(config).process([a for a in ingest.read([str(path)]) if isinstance(a, Article)])


@pytest.fixture(scope="module")
def stories():
    from newsdesk.reconcile.story import reconcile

    out = {}
    for name in LABELS:
        articles = process(CASES / f"{name}.jsonl")
        out[name] = (articles, reconcile(name, articles, []))
    return out


def ids(articles, article_id, speaker, content=""):
    return {
        c.id
        for a in articles
        if a.id == article_id
        for c in a.claims
        if speaker.lower() in (c.speaker_text or "").lower() and content.lower() in c.content.lower()
    }


@pytest.mark.parametrize("name", sorted(LABELS))
def test_contradictions_are_the_labelled_ones_each_claim_once(stories, name):
    articles, state = stories[name]
    found = state["contradictions"]
    assert len(found) == len(LABELS[name]["contradictions"]), [x["explanation"] for x in found]
    for item in LABELS[name]["contradictions"]:
        refs = [ids(articles, a, s) for a, s in item["claims"]]
        assert all(refs), item
        assert any(
            x["kind"] == item["kind"] and x["update"] == item["update"] and all(ref & set(x["claims"]) for ref in refs)
            for x in found
        ), found
    assert all(len(x["claims"]) == len(set(x["claims"])) for x in found)
    assert not any(a.id in x["explanation"] for x in found for a in articles)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_independent_reports_count_outlets_whose_text_is_not_reused_and_only_agreeing_claims(stories, name):
    articles, state = stories[name]
    for item in LABELS[name]["independent_reports"]:
        claims = ids(articles, item["article"], item["speaker"], item.get("content", ""))
        assert claims and {state["independent_reports"][c] for c in claims} == {item["expected"]}, item


def test_a_denied_figure_is_a_disputed_claim_not_the_events_figure(tmp_path):
    from newsdesk.reconcile.story import reconcile

    path = tmp_path / "only-denied.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "d1",
                "title": "Rebels deny losses near Dalton",
                "source": "Valley Post",
                "text": "Fighting broke out near Dalton on Monday. A rebel spokesman denied that "
                "dozens of the group's fighters had been killed in the clashes near Dalton.",
            }
        )
        + "\n"
    )
    articles = process(path)
    events = reconcile("s", articles, [])["events"]
    denial = next(c for c in articles[0].claims if c.polarity == "deny" and "dozens" in c.content)
    battle = next(e for e in events if denial.id in e["fatalities"]["claims"])
    assert battle["fatalities"]["min"] is None and battle["fatalities"]["disputed"]
