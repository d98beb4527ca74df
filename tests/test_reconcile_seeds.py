"""Acceptance on the two seed articles, through the whole default pipeline (skips without ../shared)."""
from __future__ import annotations

import pytest

from conftest import SEEDS, need


@pytest.fixture(scope="module")
def exported():
    from newsdesk import Desk

    need(SEEDS)
    with Desk(":memory:") as desk:
        desk.add(str(SEEDS))
        yield desk.export()


def killed_over_70(doc) -> set[str]:
    """Claims stating a killed figure with a lower bound of 71 ("more than 70")."""
    return {q["claim"] for q in doc["quantities"] if q["kind"] == "killed" and q["min"] == 71 and q["claim"]}


def test_the_over_70_claim_is_printed_in_both_articles(exported):
    claims = {c["id"]: c for c in exported["claims"]}
    assert len({claims[c]["article"] for c in killed_over_70(exported)}) == 2


def test_over_70_and_the_denial_form_a_contradiction(exported):
    over_70 = killed_over_70(exported)
    claims = {c["id"]: c for c in exported["claims"]}
    found = [x for x in exported["contradictions"]
             if over_70 & set(x["claims"]) and any(claims[c]["polarity"] == "deny" for c in x["claims"])]
    assert found and not found[0]["update"]


def test_over_70_counts_as_one_independent_report(exported):
    counts = {c["id"]: c["independent_reports"] for c in exported["claims"]}
    assert {counts[c] for c in killed_over_70(exported)} == {1}


def test_an_event_holds_the_civilian_killed_in_kozinka(exported):
    names = {e["id"]: e["name"] for e in exported["entities"]}
    village = [e for e in exported["events"] if any(names.get(p) == "Kozinka" for p in e["places"])
               and e["fatalities"]["min"] == e["fatalities"]["max"] == 1]
    assert village


def test_an_events_fatalities_are_disputed(exported):
    assert any(e["fatalities"]["disputed"] for e in exported["events"])
