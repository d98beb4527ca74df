"""Reconciliation on articles built here: matching, contradictions, independence, novelty, events, ACLED export."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.model import (
    Article,
    Claim,
    DateMention,
    Entity,
    Event,
    Mention,
    Paragraph,
    Place,
    Quantity,
    Reuse,
    Span,
    Story,
)
from newsdesk.reconcile.acled import COLUMNS, acled_row, write_acled
from newsdesk.reconcile.corroboration import independent_reports, independent_sources
from newsdesk.reconcile.events import event_type, sentences
from newsdesk.reconcile.matching import content_words, proposition_groups, reports, value_range
from newsdesk.reconcile.novelty import novelty, novelty_lines
from newsdesk.reconcile.story import make_reconcile, reconcile


class Builder:
    """An article whose annotations are placed by quoting the words they cover."""

    def __init__(self, id, paragraphs, source=None, published="2024-03-05", credits=()):
        self.article = Article(
            id=id,
            title=f"title of {id}",
            source=source,
            published=published,
            credits=list(credits),
            paragraphs=[Paragraph(index=i, text=t, raw=t) for i, t in enumerate(paragraphs)],
        )

    def span(self, words, paragraph=None):
        for p in self.article.paragraphs:
            if paragraph is not None and p.index != paragraph:
                continue
            start = p.text.find(words)
            if start >= 0:
                return Span(p.index, start, start + len(words))
        raise AssertionError(f"{words!r} not in {self.article.id}")

    def claim(self, content, speaker, figure=None, kind="killed", low=None, high=None, polarity="assert", cid=None):
        span = self.span(content)
        claim = Claim(
            id=cid or f"{self.article.id}-c{len(self.article.claims)}",
            span=span,
            content=content,
            speaker_text=speaker,
            polarity=polarity,
            cue="said",
        )
        self.article.claims.append(claim)
        if figure:
            self.quantity(figure, kind, low, high, claim=claim.id)
        return claim

    def quantity(self, text, kind, low, high, claim=None):
        self.article.quantities.append(
            Quantity(span=self.span(text), text=text, min=low, max=high, kind=kind, unit="people", claim=claim)
        )

    def entity(self, name, type="GPE", precision=None, admin1=None):
        # each name its own spot, a degree (over 100 km) from the others: different places are far apart
        spot = PLACE_SPOTS.setdefault(name, float(len(PLACE_SPOTS)))
        place = (
            Place(name=name, precision=precision, admin1=admin1, lat=1.0 + spot, lon=2.0, country="XX")
            if precision
            else None
        )
        mentions = [
            Mention(span=Span(p.index, i, i + len(name)), text=name)
            for p in self.article.paragraphs
            for i in _positions(p.text, name)
        ]
        self.article.entities.append(Entity(id=f"{type}:{name}", name=name, type=type, mentions=mentions, place=place))

    def date(self, text, value):
        self.article.dates.append(DateMention(span=self.span(text), text=text, value=value))


PLACE_SPOTS: dict[str, float] = {}


def _positions(text, word):
    start = text.find(word)
    while start >= 0:
        yield start
        start = text.find(word, start + 1)


def run(articles, links=(), places=None):
    return reconcile("s1", articles, list(links), {"places": places} if places else None)


# matching ---------------------------------------------------------------


def test_content_words_drop_function_words_and_fold_plurals():
    assert content_words("The drones said they were attacking") == {"drone", "attacking"}


def test_claims_about_different_victims_stay_apart():
    a = Builder(
        "a",
        [
            "A farmer from Millbrook died in the shelling, the mayor said. "
            "Troops killed 40 fighters near the river, the army said."
        ],
    )
    a.entity("Millbrook", precision=1)
    a.claim("A farmer from Millbrook died in the shelling", "the mayor", "A farmer", low=1, high=1)
    a.claim("Troops killed 40 fighters near the river", "the army", "40 fighters", low=40, high=40)
    groups = proposition_groups(reports([a.article], {}), {})
    assert len(groups) == 2


# contradictions ---------------------------------------------------------


def seed_like():
    a = Builder("a", ["The army said it had defeated militants who attacked Eastland, killing more than 70 fighters."])
    a.claim(
        "it had defeated militants who attacked Eastland, killing more than 70 fighters",
        "The army",
        "more than 70",
        low=71,
        high=None,
    )
    a.entity("Eastland", "LOC", precision=3, admin1="North")
    b = Builder(
        "b",
        [
            "The commander denied that dozens of fighters had been killed near the border.",
            "The commander said the operation continues.",
        ],
    )
    b.claim(
        "dozens of fighters had been killed near the border",
        "The commander",
        "dozens",
        low=24,
        high=None,
        polarity="deny",
    )
    b.claim("the operation continues", "The commander")
    return a, b


def test_a_report_of_a_denial_neither_asserts_the_figure_nor_disputes_the_denial():
    a, b = seed_like()
    # "according to the agency, the commander denied that dozens were killed": the agency reports the denial
    b.article.paragraphs[0].text = b.article.paragraphs[0].raw = (
        "According to the agency the commander denied that dozens of fighters had been killed near the border."
    )
    b.article.claims, b.article.quantities = [], []
    b.claim("the commander denied that dozens of fighters had been killed near the border", "the agency")
    b.claim(
        "dozens of fighters had been killed near the border",
        "The commander",
        "dozens",
        low=24,
        high=None,
        polarity="deny",
    )
    state = run([a.article, b.article])
    disputes = {(c["kind"], frozenset(c["claims"])) for c in state["contradictions"]}
    assert disputes == {("numeric", frozenset({"a-c0", "b-c1"}))}  # the army's 70 against the commander's denial
    [event] = [e for e in state["events"] if e["fatalities"]["min"]]
    assert event["fatalities"]["min"] == 71  # the agency's report of the denial is no toll of "dozens"


def test_denial_of_a_figure_is_a_numeric_contradiction():
    a, b = seed_like()
    state = run([a.article, b.article])
    numeric = [c for c in state["contradictions"] if c["kind"] == "numeric"]
    assert len(numeric) == 1
    assert set(numeric[0]["claims"]) == {"a-c0", "b-c0"}
    assert "denies" in numeric[0]["explanation"] and not numeric[0]["update"]


def test_defeated_against_continues_is_a_status_contradiction():
    a, b = seed_like()
    state = run([a.article, b.article])
    status = [c for c in state["contradictions"] if c["kind"] == "status"]
    assert [set(c["claims"]) for c in status] == [{"a-c0", "b-c1"}]


def test_one_status_dispute_per_story_holds_every_claim_of_it():
    a, b = seed_like()
    c = Builder("c", ["The defence ministry said the militants were driven back across the border."])
    c.claim("the militants were driven back across the border", "The defence ministry")
    state = run([a.article, b.article, c.article])
    [status] = [x for x in state["contradictions"] if x["kind"] == "status"]
    assert set(status["claims"]) == {"a-c0", "c-c0", "b-c1"}
    assert status["explanation"].startswith("The army and The defence ministry say the other side was defeated or")


def test_a_statement_not_made_or_a_request_is_neither_news_nor_a_dispute():
    a, b = seed_like()
    c = Builder("c", ["The commander did not say whether dozens of fighters had been killed near the border."])
    c.claim("whether dozens of fighters had been killed near the border", "The commander").cue = "did not say"
    c.article.paragraphs.append(
        Paragraph(
            index=1,
            text="A doctor, who asked not to be named, was there.",
            raw="A doctor, who asked not to be named, was there.",
        )
    )
    c.claim("not to be named", "A doctor").cue = "asked"
    state = run([a.article, b.article, c.article])
    assert state["novelty"]["c"]["claims"] == []  # a statement not made and a request are no news
    assert all("c-c0" not in x["claims"] for x in state["contradictions"])
    assert "c-c0" not in state["independent_reports"]


def speaking_for(builder, claim, group):
    """Let the claim's speaker words name ``group`` (an organisation entity)."""
    claim.speaker_span = builder.span(claim.speaker_text)
    builder.entity(group, "ORG")


def test_a_denial_and_an_assertion_by_one_side_are_no_dispute():
    a = Builder(
        "a",
        [
            "The Front denied that it lost the town.",
            "Front spokesman Ali Musa said the town was lost by the army, not by the Front.",
        ],
    )
    speaking_for(a, a.claim("it lost the town", "The Front", polarity="deny"), "Front")
    speaking_for(a, a.claim("the town was lost by the army", "Front spokesman Ali Musa"), "Front")
    assert run([a.article])["contradictions"] == []
    b = Builder(
        "b", ["The Front denied that it lost the town.", "Army spokesman Ali Musa said the Front lost the town."]
    )
    b.claim("it lost the town", "The Front", polarity="deny")
    b.claim("the Front lost the town", "Army spokesman Ali Musa")
    assert [c["kind"] for c in run([b.article])["contradictions"]] == ["denial"]


def test_different_counts_from_two_sources_conflict_and_a_revision_is_an_update():
    a = Builder("a", ["Five people were injured in the blast, police said."], source="Daily A", published="2024-03-05")
    a.claim("Five people were injured in the blast", "police", "Five people", "injured", 5, 5)
    b = Builder(
        "b", ["Seven people were injured in the blast, the mayor said."], source="Daily B", published="2024-03-05"
    )
    b.claim("Seven people were injured in the blast", "the mayor", "Seven people", "injured", 7, 7)
    c = Builder("c", ["Nine people were injured in the blast, police said."], source="Daily C", published="2024-03-06")
    c.claim("Nine people were injured in the blast", "police", "Nine people", "injured", 9, 9)
    state = run([a.article, b.article, c.article])
    pairs = {frozenset(x["claims"]): x for x in state["contradictions"]}
    assert not pairs[frozenset({"a-c0", "b-c0"})]["update"]
    assert pairs[frozenset({"a-c0", "c-c0"})]["update"]  # police revise their own figure
    assert "revises" in pairs[frozenset({"a-c0", "c-c0"})]["explanation"]


def test_a_figure_set_aside_is_not_stated_and_detained_counts_conflict():
    a = Builder("a", ["Police detained six people after the march, the regional government said."], source="Daily A")
    a.claim("Police detained six people after the march", "the regional government", "six people", "detained", 6, 6)
    b = Builder(
        "b",
        ["Ten people had been detained after the march, not six as first reported, police said."],
        source="Daily B",
        published="2024-03-06",
    )
    b.claim(
        "Ten people had been detained after the march, not six as first reported",
        "police",
        "Ten people",
        "detained",
        10,
        10,
    )
    b.quantity("six", "detained", 6, 6, claim="b-c0")  # "not six": the claim sets it aside
    state = run([a.article, b.article])
    [found] = [x for x in state["contradictions"] if x["kind"] == "numeric"]
    assert set(found["claims"]) == {"a-c0", "b-c0"}
    assert found["explanation"] == "the regional government reports six people detained; police reports Ten people"
    b.article.quantities.pop()  # the same report without "not six" holds one figure: still a conflict
    assert [x["kind"] for x in run([a.article, b.article])["contradictions"]] == ["numeric"]
    same = Builder("c", ["Six people were detained after the march, police said."], source="Daily C")
    same.claim("Six people were detained after the march", "police", "Six people", "detained", 6, 6)
    assert not run([a.article, same.article])["contradictions"]


def test_superseded_figures():
    from newsdesk.reconcile.matching import superseded

    a = Builder("a", ["The toll rose to 15, up from 12 on Monday; 3 were hurt, not 4 as first reported, and 2 fled."])
    for text, low in (("15", 15), ("12", 12), ("3", 3), ("4", 4), ("2", 2)):
        a.quantity(text, "killed", low, low)
    assert [superseded(a.article, q) for q in a.article.quantities] == [False, True, False, True, False]


def test_denial_against_assertion_without_figures():
    a = Builder("a", ["The government of Ruritania supports the rebels who attacked the town, the report said."])
    a.claim("The government of Ruritania supports the rebels who attacked the town", "the report")
    b = Builder("b", ["The government of Ruritania denied that it supports the rebels who attacked the town."])
    b.claim("it supports the rebels who attacked the town", "The government of Ruritania", polarity="deny")
    state = run([a.article, b.article])
    assert [c["kind"] for c in state["contradictions"]] == ["denial"]


def test_agreeing_reports_make_no_contradiction():
    a = Builder("a", ["Two people were killed, police said."], source="A")
    a.claim("Two people were killed", "police", "Two people", low=2, high=2)
    b = Builder("b", ["Police said two people were killed."], source="B")
    b.claim("two people were killed", "Police", "two people", low=2, high=2)
    assert run([a.article, b.article])["contradictions"] == []


# independence -----------------------------------------------------------


def reprinted(source_a=None, source_b=None, credits_a=(), credits_b=(), same_paragraph=True):
    text = "Officials said that 12 people were killed when the bridge collapsed."
    other = text if same_paragraph else "Officials told reporters that 12 people were killed when the bridge collapsed."
    a = Builder("a", ["First words.", text], source=source_a, credits=credits_a)
    a.claim("12 people were killed when the bridge collapsed", "Officials", "12 people", low=12, high=12)
    b = Builder("b", [other], source=source_b, credits=credits_b)
    b.claim("12 people were killed when the bridge collapsed", "Officials", "12 people", low=12, high=12)
    return a.article, b.article


def test_reused_text_counts_once():
    a, b = reprinted("Outlet A", "Outlet B", same_paragraph=False)
    link = Reuse(a={"article": "a", "paragraph": 1}, b={"article": "b", "paragraph": 0}, kind="near", similarity=0.9)
    state = run([a, b], [link])
    assert state["independent_reports"] == {"a-c0": 1, "b-c0": 1}
    assert state["independent_sources"] == 1


def test_an_outlet_that_reprints_one_background_paragraph_is_still_an_independent_source():
    a = Builder(
        "a",
        ["Army says it repelled the attack.", "Families fled the town.", "Fighting went on.", "Roads are closed."],
        source="Outlet A",
    ).article
    b = Builder(
        "b",
        ["Rebels deny losses.", "Families fled the town.", "They hold the road.", "Talks stalled."],
        source="Outlet B",
    ).article

    def link(pa, pb):
        return Reuse(
            a={"article": "a", "paragraph": pa}, b={"article": "b", "paragraph": pb}, kind="verbatim", similarity=1.0
        )

    assert independent_sources([a, b], [link(1, 1)]) == 2  # one shared paragraph of four
    assert independent_sources([a, b], [link(1, 1), link(2, 2)]) == 1  # half of it re-used: a copy


def test_identical_paragraph_counts_once_without_a_link():
    a, b = reprinted("Outlet A", "Outlet B")
    assert run([a, b])["independent_reports"]["a-c0"] == 1


def test_independent_outlets_count_twice():
    a, b = reprinted("Outlet A", "Outlet B", same_paragraph=False)
    state = run([a, b])
    assert state["independent_reports"] == {"a-c0": 2, "b-c0": 2}
    assert state["independent_sources"] == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(source_a="Outlet A", source_b="outlet a"),
        dict(source_a="A", source_b="B", credits_a=["Reuters"], credits_b=["reuters"]),
    ],
)
def test_same_outlet_or_wire_credit_counts_once(kwargs):
    a, b = reprinted(same_paragraph=False, **kwargs)
    assert run([a, b])["independent_reports"]["b-c0"] == 1
    assert independent_sources([a, b], []) == 1


def test_a_conflicting_report_does_not_corroborate():
    a, b = reprinted("Outlet A", "Outlet B", same_paragraph=False)
    b.quantities[0].min = b.quantities[0].max = 30
    found = reports([a, b], {})
    assert independent_reports(proposition_groups(found, {}), []) == {"a-c0": 1, "b-c0": 1}


# novelty ----------------------------------------------------------------


def test_novelty_lists_what_each_article_adds():
    a = Builder("a", ["Two people were killed in Millbrook, police said."], published="2024-03-05")
    a.claim("Two people were killed in Millbrook", "police", "Two people", low=2, high=2)
    a.entity("Millbrook", precision=1)
    b = Builder(
        "b",
        ["Two people were killed in Millbrook, police said. Mayor Jane Roe said four were injured."],
        published="2024-03-06",
    )
    b.claim("Two people were killed in Millbrook", "police", "Two people", low=2, high=2)
    b.claim("four were injured", "Mayor Jane Roe", "four", "injured", 4, 4)
    b.entity("Millbrook", precision=1)
    b.entity("Jane Roe", "PERSON")
    found = run([b.article, a.article])["novelty"]  # arrival order differs from publication order
    assert found["a"]["claims"] == ["a-c0"] and found["a"]["places"] == ["Millbrook"]
    a.claim("Two people were killed in Millbrook", "police", "Two people", low=2, high=2)  # printed twice in a
    assert run([b.article, a.article])["novelty"]["a"]["claims"] == ["a-c0"]  # listed once
    assert found["b"]["claims"] == ["b-c1"]
    assert [f["text"] for f in found["b"]["figures"]] == ["four"]
    assert found["b"]["places"] == [] and found["b"]["people"] == ["Jane Roe"]
    lines = novelty_lines(b.article, found)
    assert any("four were injured" in line for line in lines) and any("Jane Roe" in line for line in lines)
    assert novelty_lines(b.article, {}) == ["  adds: (not reconciled yet)"]


def test_a_figure_restated_more_exactly_is_not_news_but_another_number_is():
    a = Builder("a", ["At least 12 people died in the floods."], published="2024-03-05")
    a.quantity("At least 12 people", "killed", 12, None)
    b = Builder("b", ["The 12 deaths were confirmed. Rescuers found 15 bodies."], published="2024-03-06")
    b.quantity("12 deaths", "killed", 12, 12)
    b.quantity("15 bodies", "killed", 15, 15)
    found = run([a.article, b.article])["novelty"]
    assert [f["text"] for f in found["b"]["figures"]] == ["15 bodies"]


def test_an_organisation_the_model_took_for_a_person_is_not_a_new_person():
    a = Builder("a", ["The Civil Defense said the river fell."], published="2024-03-05")
    a.entity("Civil Defense", "ORG")
    b = Builder(
        "b", ["The state Civil Defense said shelters stay open, Governor Ana Ruiz said."], published="2024-03-06"
    )
    b.entity("Civil Defense", "PERSON")
    b.entity("Ana Ruiz", "PERSON")
    a.article.story = b.article.story = "s1"
    assert run([a.article, b.article])["novelty"]["b"]["people"] == ["Ana Ruiz"]


def test_novelty_of_an_article_that_adds_nothing():
    a, b = reprinted("A", "B")
    found = novelty([a, b], proposition_groups(reports([a, b], {}), {}), {})
    assert found["b"] == {"claims": [], "figures": [], "places": [], "people": []}
    assert novelty_lines(b, found) == ["  adds nothing new"]


# events -----------------------------------------------------------------


def test_event_type_from_general_cues():
    assert event_type("Two drones struck the depot.") == ("Explosions/Remote violence", "Air/drone strike")
    assert event_type("Rebels clashed with troops.") == ("Battles", "Armed clash")
    assert event_type("A gunman opened fire on a bus.")[0] == "Violence against civilians"
    assert event_type("Thousands of protesters marched.")[0] == "Protests"
    assert event_type("The weather was fine.") is None


@pytest.mark.parametrize(
    "text, kind",
    [
        (
            "Russian forces shelled the town overnight.",
            ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ),
        ("A missile strike hit the port.", ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
        ("An air strike destroyed the bridge.", ("Explosions/Remote violence", "Air/drone strike")),
        ("A suicide bomber blew himself up at the checkpoint.", ("Explosions/Remote violence", "Suicide bomb")),
        ("Thousands protested against the new law.", ("Protests", "Peaceful protest")),
        ("Rioters set cars on fire.", ("Riots", "Violent demonstration")),
        ("Floods swept away houses in the valley.", ("Disasters", "Flood")),
        ("A magnitude 6.1 earthquake struck the region.", ("Disasters", "Earthquake")),
        ("A landslide buried the village.", ("Disasters", "Landslide")),
        ("Cyclone Mocha made landfall on Sunday.", ("Disasters", "Storm")),
        ("Wildfires forced thousands to leave.", ("Disasters", "Wildfire")),
        ("A cholera outbreak has spread to three provinces.", ("Disasters", "Epidemic")),
        ("Police arrested 40 people.", ("Strategic developments", "Arrests")),
        ("Gunfire erupted at a party, leaving three dead.", ("Violence against civilians", "Attack")),
        ("Police got a flood of calls after the shooting.", ("Violence against civilians", "Attack")),
    ],
)
def test_world_event_types(text, kind):
    assert event_type(text) == kind


def test_a_death_by_disaster_or_accident_is_no_attack():
    assert event_type("The floods that killed at least 12 people receded.") == ("Disasters", "Flood")
    assert event_type("A head-on crash killed two teenagers.") is None
    assert event_type("He did not say whether any members had been killed.") is None  # no killing reported
    assert event_type("It is fortunate that no one was killed.") is None
    assert event_type("A gunman killed two people after a crash.")[0] == "Violence against civilians"
    assert event_type("Militants killed five villagers.")[0] == "Battles"
    a = Builder("a", ["Floods in the valley killed at least 12 people on Sunday, officials said."])
    a.quantity("at least 12 people", "killed", 12, None)
    [event] = run([a.article])["events"]
    assert (event["type"], event["fatalities"]["min"]) == ("Disasters", 12)  # a disaster's toll, not an attack


def test_sentences_split_on_sentence_ends():
    text = "A man was shot. He died. “It was awful,” she said."
    assert [text[s:e] for s, e in sentences(text)] == ["A man was shot.", "He died.", "“It was awful,” she said."]


def test_events_separate_places_and_keep_exact_single_death():
    a, b = seed_like()
    a.article.paragraphs.append(
        Paragraph(
            index=1,
            raw="",
            text=(
                "A civilian from the village of Millbrook has died as a result of cross-border fighting, the governor said."
            ),
        )
    )
    a.entity("Millbrook", precision=1)
    a.quantity("A civilian", "killed", 1, 1)
    found = run([a.article, b.article])["events"]
    village = [e for e in found if "GPE:Millbrook" in e["places"]]
    assert len(village) == 1 and village[0]["fatalities"]["min"] == village[0]["fatalities"]["max"] == 1
    assert not village[0]["fatalities"]["disputed"]
    assert any(e["fatalities"]["disputed"] and e["fatalities"]["min"] == 71 for e in found)


def gvc_like(*reports_):
    articles = []
    for i, (text, figure, low, source, published) in enumerate(reports_):
        b = Builder(f"r{i}", [text], source=source, published=published)
        b.article.metadata["places_profile"] = "us_local"  # as the places step reads a US town's report
        b.entity("Springfield", precision=1)
        if figure:
            b.quantity(figure, "killed", low, low)
        articles.append(b)
    return articles


def test_event_date_comes_from_the_text_not_the_publication():
    [a] = gvc_like(("A man was shot and killed in Springfield on Tuesday.", "A man", 1, "A", "2024-03-07"))
    a.date("on Tuesday", "2024-03-05")
    [event] = run([a.article])["events"]
    assert event["date"] == "2024-03-05" and event["type"] == "Violence against civilians"
    assert event["fatalities"] == {"min": 1, "max": 1, "disputed": False, "claims": []}


def test_reprints_are_not_summed_and_a_later_toll_supersedes():
    same_day = gvc_like(
        ("Two men were killed in a shooting in Springfield.", "Two men", 2, "A", "2024-03-05"),
        ("Two men were killed in a shooting in Springfield.", "Two men", 2, "B", "2024-03-05"),
        ("One man was killed in a shooting in Springfield.", "One man", 1, "C", "2024-03-05"),
    )
    [event] = run([b.article for b in same_day])["events"]
    assert event["fatalities"]["min"] == 1 and event["fatalities"]["max"] == 2 and event["fatalities"]["disputed"]
    rising = gvc_like(
        ("One man was killed in a shooting in Springfield.", "One man", 1, "A", "2024-03-05"),
        ("Two men have died after a shooting in Springfield.", "Two men", 2, "B", "2024-03-06"),
    )
    [event] = run([b.article for b in rising])["events"]
    assert event["fatalities"] == {"min": 2, "max": 2, "disputed": False, "claims": []}


def test_a_sources_latest_figure_supersedes_its_earlier_one():
    early, late = gvc_like(
        ("Police said one person died in the shooting in Springfield.", None, 0, "A", "2024-03-05"),
        ("Police said three people died in the shooting in Springfield.", None, 0, "B", "2024-03-05"),
    )
    early.claim("one person died in the shooting in Springfield", "Police", "one person", low=1, high=1)
    late.claim("three people died in the shooting in Springfield", "Police", "three people", low=3, high=3)
    [event] = run([early.article, late.article])["events"]
    assert event["fatalities"]["min"] == 3 and not event["fatalities"]["disputed"]
    assert event["fatalities"]["claims"] == ["r0-c0", "r1-c0"]


def test_story_without_claims_or_cues_has_empty_state():
    quiet = Builder("q", ["The council met and approved the budget.", ""])
    state = run([quiet.article])
    assert state["events"] == [] and state["contradictions"] == [] and state["independent_reports"] == {}
    assert state["novelty"]["q"] == {"claims": [], "figures": [], "places": [], "people": []}


def test_vague_figure_keeps_its_lower_bound():
    q = Quantity(span=Span(0, 0, 12), text="more than 70", min=71, max=None, kind="killed")
    assert value_range(q) == (71, float("inf"))
    assert value_range(Quantity(span=Span(0, 0, 1), text="5", min=5, kind="killed")) == (5, 5)
    assert value_range(Quantity(span=Span(0, 0, 9), text="under ten", min=None, max=9, kind="killed")) == (0, 9)


@given(st.text(alphabet=st.sampled_from("ab .!?\n“”A1"), max_size=80))
def test_sentences_are_ordered_non_empty_slices(text):
    bounds = sentences(text)
    assert all(0 <= s < e <= len(text) and text[s:e].strip() for s, e in bounds)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(bounds, bounds[1:]))


@given(st.text(max_size=60))
def test_content_words_are_stable(text):
    words = content_words(text)
    assert content_words(" ".join(sorted(words))) <= words | {w[:-1] for w in words}


# the step and the export ------------------------------------------------


def test_step_saves_the_story_state_and_independent_sources(light_desk):
    a, b = reprinted("Outlet A", "Outlet B", same_paragraph=False)
    store = light_desk.store
    for article in (a, b):
        article.story = "s1"
    store.save_story(Story(id="s1", title="bridge", articles=["a", "b"]))
    store.save_article(a)
    update = make_reconcile({}, light_desk)
    update(b)
    store.save_article(b)
    state = store.story_state("s1")
    assert state["independent_reports"] == {"a-c0": 2, "b-c0": 2}
    assert store.story("s1").independent_sources == 2
    b.story = None
    update(b)  # an article outside any story changes nothing
    assert store.story_state("s1") == state
    update.forget("b")  # b leaves the story: its state is reconciled without it
    assert light_desk.store.story_state("s1")["independent_reports"] == {"a-c0": 1}
    store.save_story(Story(id="s2", title="split part", articles=["a"]))
    store.set_story("a", "s2")  # the stories step split "a" off into a story without a state
    update(b)
    assert store.story_state("s2")["independent_reports"] == {"a-c0": 1}


def test_acled_export_has_the_columns_and_the_claims_behind_figures(light_desk, tmp_path):
    a, b = seed_like()
    a.article.story = b.article.story = "s1"
    store = light_desk.store
    store.save_story(Story(id="s1", title="raid", articles=["a", "b"]))
    for article in (a.article, b.article):
        store.save_article(article)
    store.save_story_state("s1", run([a.article, b.article]))
    light_desk.export(tmp_path / "events.csv", "acled")
    with open(tmp_path / "events.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == COLUMNS
    battle = next(r for r in rows if r["event_type"] == "Battles")
    assert battle["fatalities"] == "71" and battle["fatalities_disputed"] == "True"
    assert battle["fatality_claims"].split() == ["a-c0", "b-c0"]
    assert battle["location"] == "Eastland" and battle["admin1"] == "North" and battle["geo_precision"] == "3"
    assert write_acled(light_desk, None).splitlines()[0] == ",".join(COLUMNS)


def test_acled_export_to_an_unwritable_path_says_how_to_fix(light_desk, tmp_path):
    from newsdesk.errors import NewsdeskError

    with pytest.raises(NewsdeskError, match="-o"):
        write_acled(light_desk, tmp_path / "missing" / "events.csv")


def test_story_command_shows_what_each_article_adds(light_desk):
    from click.testing import CliRunner

    from newsdesk.cli import main
    from newsdesk.reconcile.novelty import novelty_text

    a, b = reprinted("Outlet A", "Outlet B", same_paragraph=False)
    store = light_desk.store
    for article in (a, b):
        article.story = "s1"
        store.save_article(article)
    store.save_story(Story(id="s1", title="bridge", articles=["a", "b"]))
    store.save_story_state("s1", run([a, b]))
    text = novelty_text(light_desk, store.story("s1"))
    assert "+ claim  Officials: 12 people were killed" in text and "adds nothing new" in text
    assert text.index("  a") < text.index("  b")
    missing = CliRunner().invoke(main, ["story", "nope", "--db", ":memory:"])
    assert missing.exit_code == 1


@pytest.mark.parametrize(
    "url_a, url_b, same",
    [
        ("https://www.example.com/a", "http://example.com/b", True),
        (
            "http://web.archive.org/web/2014/http://www.wkrn.com:80/x",
            "http://web.archive.org/web/2015/http://kxan.com/y",
            False,
        ),
        ("http://web.archive.org/web/2014/http://www.wkrn.com/x", "https://wkrn.com/z", True),
    ],
)
def test_outlet_is_the_source_else_the_web_domain(url_a, url_b, same):
    from newsdesk.reconcile.corroboration import same_outlet

    a, b = reprinted(same_paragraph=False)
    a.url, b.url = url_a, url_b
    assert same_outlet(a, b) is same


def test_sentences_do_not_split_after_abbreviations():
    text = "A boy was killed Sept. 21 on Main St. in the city. Lt. Paul Smith said so."
    assert [text[s:e] for s, e in sentences(text)] == [
        "A boy was killed Sept. 21 on Main St. in the city.",
        "Lt. Paul Smith said so.",
    ]


def test_event_date_prefers_the_shooting_over_the_court_date_and_ignores_page_stamps():
    a = Builder(
        "a",
        [
            "Posted: Friday, March 8, 2024. A man was charged Friday in the killing in Springfield.",
            "He is accused of shooting the victim on March 2 in Springfield.",
        ],
        published="2024-03-08",
    )
    a.entity("Springfield", precision=1)
    a.date("Friday, March 8, 2024", "2024-03-08")
    a.date("Friday", "2024-03-08")
    a.date("on March 2", "2024-03-02")
    [event] = run([a.article])["events"]
    assert event["date"] == "2024-03-02"


def test_event_without_a_date_is_dated_the_day_before_the_first_report():
    [a] = gvc_like(("A man was shot and killed in Springfield.", "A man", 1, "A", "2024-03-07"))
    [event] = run([a.article])["events"]
    assert event["date"] == "2024-03-06"


def test_event_location_is_the_settlement_of_the_lede_over_a_street_or_a_namesake_abroad():
    a = Builder(
        "a",
        ["Police in Springfield are investigating.", "A man was shot on Elm Street near Paris Avenue, police said."],
    )
    a.entity("Springfield", precision=1)
    a.entity("Elm Street", type="LOC")
    a.entity("Paris", precision=1)
    a.article.entities[0].place.feature = "city"
    a.article.entities[2].place.feature = "city"
    a.article.entities[2].place.country = "FR"
    [event] = run([a.article])["events"]
    assert event["places"][0] == "GPE:Springfield"


def test_a_local_agency_names_the_town_it_serves():
    a = Builder(
        "a",
        [
            "A man was shot on Elm Street on Friday, Riverton officials said.",
            "The Millbrook Police Department said the man was shot after an argument.",
            "Millbrook Police asked witnesses to call. Millbrook residents were shaken.",
        ],
    )
    a.entity("Riverton", precision=1)
    a.entity("Millbrook", precision=1)
    a.entity("the Millbrook Police Department", type="ORG")
    a.entity("Millbrook Police", type="ORG")
    town = a.article.entities[1]
    town.mentions = [
        m for m in town.mentions if not a.article.paragraphs[m.span.paragraph].text[m.span.end :].startswith(" Police")
    ]
    for entity in a.article.entities[:2]:
        entity.place.feature = "town"
    assert len(town.mentions) == 1
    [event] = run([a.article])["events"]
    assert event["places"][0] == "GPE:Riverton"  # world news: an agency's name is no place (West Yorkshire Police)
    a.article.metadata["places_profile"] = "us_local"  # US local news: the police of a town answer calls there
    [event] = run([a.article])["events"]
    assert event["places"][:2] == ["GPE:Millbrook", "GPE:Riverton"]


def test_a_person_shot_without_a_count_is_one_injured_and_no_one_hurt_is_none():
    [a] = gvc_like(
        ("A teenager was shot in the leg in Springfield and taken to a hospital.", None, 0, "A", "2024-03-05")
    )
    [event] = run([a.article])["events"]
    assert event["injured"]["min"] == 1 and event["fatalities"]["min"] is None
    [b] = gvc_like(("Shots were fired at a house in Springfield; no one was hurt.", None, 0, "A", "2024-03-05"))
    [event] = run([b.article])["events"]
    assert event["injured"]["min"] is None


def test_victims_described_one_by_one_do_not_undercut_the_articles_count():
    a = Builder(
        "a",
        [
            (
                "Five people were shot in Springfield on Monday night. "
                "A 14-year-old girl was shot in the leg. A 30-year-old man was shot in the knee."
            )
        ],
    )
    a.entity("Springfield", precision=1)
    a.quantity("Five people", "injured", 5, 5)
    a.quantity("A 14-year-old girl", "injured", 1, 1)
    a.quantity("A 30-year-old man", "injured", 1, 1)
    [event] = run([a.article])["events"]
    assert event["injured"]["min"] == event["injured"]["max"] == 5


def test_event_date_takes_a_same_type_sentence_placed_elsewhere_when_its_own_give_none():
    a = Builder(
        "a",
        [
            "A man was shot and killed on a farm near Millbrook.",
            "A man was shot and killed near Millbrook, police said.",
            "The shooting victim died on Tuesday at a hospital in Springfield.",
        ],
        published="2024-03-08",
    )
    a.entity("Millbrook", precision=1)
    a.entity("Springfield", precision=1)
    a.date("on Tuesday", "2024-03-05")
    found = run([a.article])["events"]
    assert len(found) == 2 and found[0]["places"][0] == "GPE:Millbrook"
    assert found[0]["date"] == "2024-03-05"


def test_event_date_is_never_more_than_a_day_after_the_first_report():
    first = Builder("a", ["A man was shot and killed in Springfield on Tuesday."], published="2024-03-06")
    later = Builder(
        "b",
        [
            "A man was shot in Springfield on Monday, police said.",
            "The shooting in Springfield on Monday night left one man dead.",
        ],
        published="2024-03-12",
    )
    for builder in (first, later):
        builder.entity("Springfield", precision=1)
    first.date("on Tuesday", "2024-03-05")
    later.date("on Monday,", "2024-03-11")
    later.date("on Monday night", "2024-03-11")
    [event] = run([first.article, later.article])["events"]
    assert event["date"] == "2024-03-05"


def test_event_date_comes_from_a_sentence_without_a_cue_word_before_the_publication_fallback():
    a = Builder("a", ["A woman was shot in Springfield.", "She died at a hospital on Sunday."], published="2024-03-08")
    a.entity("Springfield", precision=1)
    a.date("on Sunday", "2024-03-03")
    [event] = run([a.article])["events"]
    assert event["date"] == "2024-03-03"


@pytest.mark.parametrize("words, expected", [("on Saturday", "2024-03-09"), ("last Saturday", "2024-03-02")])
def test_a_bare_weekday_six_days_before_the_stamp_is_the_day_after_it(words, expected):
    a = Builder("a", [f"A man was shot and killed in Springfield {words}, police said."], published="2024-03-08")
    a.entity("Springfield", precision=1)  # stamped on a Friday
    a.date(words, "2024-03-02")
    a.article.dates[-1].anchor = "published"
    [event] = run([a.article])["events"]
    assert event["date"] == expected


def test_neighbouring_days_of_the_event_outweigh_a_lone_earlier_day():
    a = Builder(
        "a",
        [
            "A gunman shot a man in Springfield on Saturday night.",
            "The man shot in Springfield died early Sunday.",
            "The gunman had shot at the same house in Springfield on Feb. 20.",
            "Neighbours remember Feb. 20 well.",
        ],
        published="2024-03-04",
    )
    a.entity("Springfield", precision=1)
    a.date("on Saturday night", "2024-03-02")
    a.date("early Sunday", "2024-03-03")
    a.date("on Feb. 20", "2024-02-20")
    a.article.dates.append(DateMention(span=a.span("Feb. 20", paragraph=3), text="Feb. 20", value="2024-02-20"))
    [event] = run([a.article])["events"]
    assert event["date"] == "2024-03-02"


def test_a_neighbourhood_named_by_one_article_yields_to_the_city_another_names():
    # GeoNames lists East New York as a city of its own, 6 km from Brooklyn's centre.
    a = Builder("a", ["A man was shot and killed in East New York.", "East New York residents were shaken."])
    b = Builder("b", ["A man was shot and killed in Brooklyn, police said."])
    for builder, name, gazetteer_id, lat, lon in (
        (a, "East New York", "geonames:5115985", 40.66677, -73.88236),
        (b, "Brooklyn", "geonames:5110302", 40.6501, -73.94958),
    ):
        builder.entity(name, precision=1, admin1="New York")
        place = builder.article.entities[0].place
        place.feature, place.gazetteer_id, place.lat, place.lon, place.country = "city", gazetteer_id, lat, lon, "US"
    assert {event["places"][0] for event in run([a.article, b.article])["events"]} == {"GPE:Brooklyn"}


def test_events_of_one_type_near_each_other_are_one_event():
    from newsdesk.model import Place
    from newsdesk.reconcile.events import Draft, merged_nearby

    located = {
        "town": Place("Town", lat=-1.67, lon=29.23, country="CD", feature="city", precision=1),
        "village": Place("Village", lat=-1.57, lon=29.04, country="CD", feature="village", precision=1),
        "country": Place("Country", lat=-2.9, lon=23.6, country="CD", feature="country", precision=3),
        "far": Place("Far", lat=-4.3, lon=15.3, country="CD", feature="city", precision=1),
    }
    from newsdesk.reconcile.events import Unit

    battle = ("Battles", "Armed clash")
    found = [Draft(type=battle, place=p) for p in ("town", "village", "far")]
    found.append(Draft(type=("Protests", "Peaceful protest"), place="town"))
    merged = merged_nearby(found, located)
    assert sorted((d.type[0], d.place) for d in merged) == [
        ("Battles", "far"),
        ("Battles", "town"),
        ("Protests", "town"),
    ]
    # placed only in the country: the clash at the town reported vaguely, unless it names the country for a toll
    toll = Unit(
        article=Article(id="x"),
        order=0,
        paragraph=0,
        start=0,
        end=9,
        type=battle,
        places=[],
        dates=[],
        claims=[],
        actors=[],
        figures=[Quantity(span=Span(0, 0, 2), text="40", min=40, max=40, kind="killed", unit="people")],
    )
    vague = Draft(type=battle, place="country", units=[toll])
    [one] = merged_nearby([Draft(type=battle, place="town"), vague], located)
    assert one.units == [toll]  # one event (its location is ranked later: the town first)
    vague.named = True  # "40 were killed in the country this year"
    assert {d.place for d in merged_nearby([Draft(type=battle, place="town"), vague], located)} == {"town", "country"}


def test_a_sentence_of_the_same_event_placed_elsewhere_joins_it_unless_both_give_figures():
    a = Builder(
        "a",
        [
            "Rebels attacked Lakeside on Friday, killing 5 soldiers, the army said.",
            "Residents of Lakeside fled. Lakeside was calm by the evening.",
            "In Harbor, the government denied taking part in the fighting.",
        ],
    )
    a.quantity("5 soldiers", "killed", 5, 5)
    _town(a, "Lakeside", feature="village")
    _town(a, "Harbor", feature="city")
    battles = [e for e in run([a.article])["events"] if e["type"] == "Battles"]
    assert [(e["places"][0], e["fatalities"]["min"]) for e in battles] == [("GPE:Lakeside", 5)]
    assert "GPE:Harbor" in battles[0]["places"]  # the denial's sentence is one of the event's
    b = Builder(
        "b",
        [
            "Rebels attacked Lakeside on Friday, killing 5 soldiers, the army said.",
            "Residents of Lakeside fled. Lakeside was calm by the evening.",
            "In Harbor, one civilian was killed in the fighting.",
        ],
    )
    b.quantity("5 soldiers", "killed", 5, 5)
    b.quantity("one civilian", "killed", 1, 1)
    _town(b, "Lakeside", feature="village")
    _town(b, "Harbor", feature="city")
    # two figures of one type: kept apart (a toll each), never summed
    assert sorted(e["fatalities"]["min"] for e in run([b.article])["events"] if e["type"] == "Battles") == [1, 5]


def scene_of(builder, **places) -> str:
    """The first place of the main event of a story of the builder's one article (``places``: settings of
    ``[reconcile.places]``)."""
    return run([builder.article], places=places)["events"][0]["places"][0]


def us_local(builder):
    """The builder, its article read as US local news (as the places step reads a report of US towns)."""
    builder.article.metadata["places_profile"] = "us_local"
    return builder


def _town(builder, name, feature="town", admin1="North", gazetteer_id=None):
    builder.entity(name, precision=1, admin1=admin1)
    place = builder.article.entities[-1].place
    place.feature, place.gazetteer_id = feature, gazetteer_id
    return builder.article.entities[-1]


def test_a_name_written_as_a_neighbourhood_yields_to_the_city():
    # the gazetteer knows a town called Elmwood, but the story speaks of the Elmwood neighbourhood of Lakeside
    a = Builder(
        "a",
        [
            "Two men were shot in the Elmwood neighborhood on Saturday.",
            "Lakeside police said the Elmwood shooting followed a fight in Elmwood.",
        ],
    )
    _town(a, "Elmwood", feature="town", admin1="South")
    _town(a, "Lakeside", feature="city")
    assert scene_of(a) == "GPE:Lakeside"
    b = Builder("b", ["Two men were shot in a Lakeside neighborhood on Saturday.", "Officers from Elmwood came."])
    _town(b, "Lakeside", feature="town")
    _town(b, "Elmwood", feature="city")
    assert run([b.article])["events"][0]["places"][0] == "GPE:Lakeside"  # "a Lakeside neighborhood": in Lakeside


def test_a_place_in_the_site_name_of_a_title_is_not_the_events():
    from newsdesk.model import TITLE

    a = Builder("a", ["A man was shot and killed on Elm Street on Monday, police said."])
    a.article.title = "Man killed in Millbrook - Springfield News | Weather"
    for name, feature in (("Millbrook", "town"), ("Springfield", "city")):
        entity = _town(a, name, feature=feature)
        start = a.article.title.index(name)
        entity.mentions.append(Mention(span=Span(TITLE, start, start + len(name)), text=name))
    [event] = run([a.article])["events"]
    assert event["places"][0] == "GPE:Millbrook"
    a.article.title = "Man killed on Elm Street - Springfield News"  # the site's town still beats no town
    a.article.entities = [e for e in a.article.entities if e.name == "Springfield"]
    a.article.entities[0].mentions[-1].span = Span(
        TITLE, a.article.title.index("Springfield"), a.article.title.index("Springfield") + len("Springfield")
    )
    [event] = run([a.article])["events"]
    assert event["places"][0] == "GPE:Springfield"


def test_the_town_a_headline_says_it_happened_in_outweighs_a_page_full_of_the_outlets_town():
    from newsdesk.model import TITLE

    a = Builder("a", ["Teen hurt, police say."] + [f"Harbor news item {i}." for i in range(9)])
    a.article.title = "Teen shot in Lakeside"
    for name in ("Harbor", "Lakeside"):
        entity = _town(a, name)
        start = a.article.title.find(name)
        if start >= 0:
            entity.mentions.append(Mention(span=Span(TITLE, start, start + len(name)), text=name))
    assert scene_of(a) == "GPE:Lakeside"
    assert scene_of(a, title_scene_share=0.0) == "GPE:Harbor"


def test_a_town_placed_in_another_state_than_the_story_yields_to_one_in_it():
    a = Builder(
        "a",
        [
            "A woman was shot in Harbor on Friday.",
            "Lakeside police said the woman from Lakeside was taken to a Lakeside hospital.",
            "The North state police are helping.",
        ],
    )
    _town(a, "Harbor", feature="city", admin1="South", gazetteer_id="test:harbor")
    _town(a, "Lakeside", feature="town", admin1="North", gazetteer_id="test:lakeside")
    [event] = run([a.article])["events"]
    assert event["places"][0] == "GPE:Lakeside"
    a.article.paragraphs[1].text = a.article.paragraphs[1].raw = "Police said the woman was taken to a hospital."
    a.article.entities[1].mentions = []
    [event] = run([a.article])["events"]
    assert event["places"][0] == "GPE:Harbor"  # no state the story's places agree on: the event's own town


def test_the_dateline_state_decides_between_towns_of_two_states():
    # Harbor (a namesake in the South state) and Lakeside (North) are named as often: the dateline elects North
    a = Builder(
        "a",
        [
            "Lakeside, North — A man was shot in Harbor on Friday.",
            "The Harbor shooting is the second this month, Lakeside police said.",
        ],
    )
    _town(a, "Harbor", feature="city", admin1="South", gazetteer_id="test:harbor")
    _town(a, "Lakeside", feature="town", admin1="North", gazetteer_id="test:lakeside")
    assert scene_of(a) == "GPE:Lakeside"
    a.article.paragraphs[0].text = a.article.paragraphs[0].raw = "Lakeside: a man was shot in Harbor on Friday."
    assert scene_of(a) == "GPE:Harbor"  # no dateline: the event's own town


def test_the_outlets_home_town_decides_the_state_when_the_story_names_two_alike():
    # Harbor (a namesake in the South state; in the story a quarter of Lakeside) and Lakeside (North) are named
    # as often; a Lakeside outlet's report is a Lakeside story
    a = Builder(
        "a",
        [
            "A woman was shot in Harbor on Friday, Lakeside police said.",
            "The Harbor shooting is the second this month in Lakeside.",
        ],
    )
    _town(a, "Harbor", feature="city", admin1="South", gazetteer_id="test:harbor")
    _town(a, "Lakeside", feature="town", admin1="North", gazetteer_id="test:lakeside")
    assert scene_of(a) == "GPE:Harbor"  # no state elected: the event's own town
    a.article.url = "https://web.archive.org/web/2016/https://www.lakesidenews.com/crime/1"
    assert scene_of(a) == "GPE:Harbor"  # in world news an outlet's name is no clue
    a.article.metadata["places_profile"] = "us_local"
    assert scene_of(a) == "GPE:Lakeside"


def test_a_town_in_a_facility_or_newspaper_name_is_not_the_events():
    a = Builder(
        "a",
        [
            "A man was shot in Lakeside on Friday and taken to Harbor Hospital.",
            "Harbor Hospital staff said he was shot twice, the Harbor Herald reported.",
        ],
    )
    _town(a, "Lakeside", feature="village")
    _town(a, "Harbor", feature="city")
    assert scene_of(a) == "GPE:Lakeside"


def test_a_report_naming_no_place_is_located_near_its_local_outlets_town():
    a = Builder("a", ["A man was shot on Friday night, police said.", "He was taken to a hospital."])
    [event] = run([a.article])["events"]
    assert event["places"] == [] and event["location"] is None  # nothing to go on: no location, not a guess
    a.article.url = "https://web.archive.org/web/2017/http://www.tuscaloosanews.com/news/20170404/teen-shot"
    assert run([a.article])["events"][0]["location"] is None  # read as world news: "arabnews.com" is no place
    a.article.metadata["places_profile"] = "us_local"  # read as US local news
    [event] = run([a.article])["events"]
    location = event["location"]
    assert event["places"] == []
    assert (location["name"], location["admin1"], location["precision"]) == ("Tuscaloosa", "Alabama", 2)
    assert location["entity"] is None  # no span of the text names it
    row = acled_row(Event.from_dict(event), {}, {}, [])
    assert (row["location"], row["admin1"], row["geo_precision"]) == ("Tuscaloosa", "Alabama", 2)


def test_a_town_named_only_as_part_of_its_county_is_not_the_events():
    # "Harbor County" names the county (the model tagged only "Harbor"), not the city of Harbor
    a = Builder(
        "a",
        [
            "A man was shot and killed in Lakeside on Friday, Harbor County deputies said.",
            "The Harbor County coroner and the Harbor Parish sheriff identified him.",
        ],
    )
    _town(a, "Lakeside", feature="village")
    _town(a, "Harbor", feature="city")
    assert scene_of(us_local(a)) == "GPE:Lakeside"


def test_a_common_word_the_gazetteer_matched_is_not_a_place():
    a = Builder(
        "a",
        [
            "A man was shot in Lakeside on Friday, Police said.",
            "Police found him hurt and police arrested a suspect, police said.",
        ],
    )
    _town(a, "Lakeside", feature="village")
    _town(a, "Police", feature="city")
    assert scene_of(a) == "GPE:Lakeside"


def test_a_place_name_the_story_writes_only_in_lower_case_is_a_common_word():
    people = ["Ann Lee", "Bo Ray", "Cy Dunn", "Di Moss", "Ed Holt", "Flo Kerr", "Gus Ames", "Hal Cobb", "Ivy Lund"]
    a = Builder(
        "a",
        [
            "Lakeside police said a teen was shot at home while getting a perm on Friday.",
            "She was getting a perm when the gun went off, said " + ", ".join(people) + ".",
            "Her mother washed the perm out of her hair.",
        ],
    )
    _town(a, "Lakeside", feature="village")
    for person in people:
        a.entity(person, type="PERSON")
    _town(a, "perm", feature="city").name = "Perm"  # the model tagged the word, the gazetteer matched a city
    assert scene_of(a) == "GPE:Lakeside"
    # as if more names were in lower case (a truecased text)
    assert scene_of(a, lower_case_share=0.05) != "GPE:Lakeside"


def test_a_town_written_with_its_state_counts_when_the_gazetteer_lacks_it():
    a = Builder(
        "a",
        [
            "Smallwood, Ohio — A man was shot on Friday.",
            "He was flown to a hospital in Bigtown, where he was shot at before, police said.",
        ],
    )
    a.entity("Smallwood", precision=3, admin1="Ohio")
    a.article.entities[-1].place.feature = "place"
    _town(a, "Bigtown", feature="city", admin1="Ohio")
    assert scene_of(a) == "GPE:Smallwood"


def test_the_town_the_shooting_is_reported_in_outranks_towns_named_around_it():
    a = Builder(
        "a",
        [
            "Harbor police said a woman was shot in Lakeside on Friday.",
            "The Harbor officers said the shooting was the first this year.",
        ],
    )
    _town(a, "Lakeside", feature="town")
    _town(a, "Harbor", feature="town")
    assert scene_of(a) == "GPE:Lakeside"
    assert scene_of(a, scene_weight=0.0) == "GPE:Harbor"  # without the rule, the town named more often


def test_the_town_a_victim_was_taken_to_is_not_the_scene_in_us_local_news():
    a = Builder(
        "a",
        [
            "A man was shot on Elm Street on Friday and taken to a hospital in Harbor.",
            "Neighbours in Lakeside said they heard the shots.",
            "He was flown to a trauma center in Harbor later, police said.",
        ],
    )
    _town(a, "Lakeside", feature="town")
    _town(a, "Harbor", feature="town")
    assert scene_of(a) == "GPE:Harbor"  # world news: no hospital destinations, the town named most
    a.article.metadata["places_profile"] = "us_local"
    assert scene_of(a) == "GPE:Lakeside"
    assert scene_of(a, destination_weight=1.0) == "GPE:Harbor"


def test_a_hospital_named_before_the_shooting_does_not_hide_the_scene():
    # the station's city in the dateline and before "hospital"; the shooting's town after the incident
    a = Builder(
        "a",
        [
            "Harbor — A girl is in critical condition at a Harbor hospital after a police shooting in "
            "Lakeside on Friday, officials said."
        ],
    )
    _town(a, "Harbor", feature="city")
    _town(a, "Lakeside", feature="town")
    assert scene_of(us_local(a)) == "GPE:Lakeside"
    b = Builder("b", ["Harbor — A girl shot on Friday was taken to a hospital in Lakeside, officials said."])
    _town(b, "Harbor", feature="city")
    _town(b, "Lakeside", feature="town")
    assert scene_of(us_local(b)) == "GPE:Harbor"  # brought to Lakeside after the shooting: a destination
    b = Builder("b", ["A girl was shot and airlifted to Lakeside on Friday, Harbor police said."])
    _town(b, "Harbor", feature="town")
    _town(b, "Lakeside", feature="town")
    assert scene_of(us_local(b)) == "GPE:Harbor"  # "airlifted to Lakeside": a destination too
    c = Builder("c", ["Harbor — Two men were shot and killed in a truck just north of Lakeside on Friday."])
    _town(c, "Harbor", feature="city")
    _town(c, "Lakeside", feature="village")
    assert scene_of(us_local(c)) == "GPE:Lakeside"


def test_a_town_placed_abroad_is_its_namesake_in_the_storys_state_and_exported_there():
    from newsdesk.model import Event
    from newsdesk.reconcile.acled import acled_row

    # each article is placed alone: "Burlington" went to the larger Burlington, in Canada; the story is in Washington
    a = Builder(
        "a",
        [
            "A man was shot and killed in Burlington on Friday, police said.",
            "Seattle detectives and Seattle officers are helping Burlington police.",
        ],
    )
    _town(a, "Burlington", feature="city", admin1=None, gazetteer_id="geonames:5911592").place.country = "CA"
    _town(a, "Seattle", feature="city", admin1="Washington", gazetteer_id="geonames:5809844").place.country = "US"
    [event] = run([a.article])["events"]
    assert event["places"][0] == "GPE:Burlington"
    assert (event["location"]["country"], event["location"]["admin1"]) == ("US", "Washington")
    assert event["location"]["lon"] < -100  # the Washington town's coordinates, not Ontario's
    row = acled_row(Event.from_dict(event), {}, {e.id: e.place for e in a.article.entities}, [])
    assert (row["location"], row["country"], row["admin1"]) == ("Burlington", "US", "Washington")
    a.article.entities[1].place.admin1 = "Alaska"  # no Burlington in the story's state: it stays abroad, last
    [event] = run([a.article])["events"]
    assert event["places"][0] == "GPE:Seattle" and event["location"]["admin1"] == "Alaska"


def test_a_place_name_that_speaks_or_has_an_age_is_a_person():
    a = Builder(
        "a",
        [
            "Warren, 19, was shot on Friday, police said.",
            "Warren said he was shot twice. Warren told officers he knew the shooter from Lakeside.",
        ],
    )
    _town(a, "Warren", feature="town")
    _town(a, "Lakeside", feature="town")
    assert scene_of(a) == "GPE:Lakeside"


def test_a_far_town_of_another_state_yields_to_the_city_the_story_names():
    # Elmwood is a quarter of Lakeside; the gazetteer knows only a town of that name in another, far state
    a = Builder(
        "a",
        [
            "A man was shot in Elmwood on Friday night.",
            "Lakeside police are investigating.",
            "The mayor of Lakeside spoke to reporters.",
        ],
    )
    _town(a, "Elmwood", feature="town", admin1="South")
    _town(a, "Lakeside", feature="city", admin1="North")
    assert scene_of(a) == "GPE:Lakeside"
    a.article.entities[0].place.lat = a.article.entities[1].place.lat + 0.2  # a suburb across the state line
    assert scene_of(a) == "GPE:Elmwood"
    b = Builder(
        "b",
        [
            "A man was shot in Elmwood, Ohio, on Friday night.",
            "Lakeside police are investigating.",
            "The mayor of Lakeside spoke to reporters.",
        ],
    )
    _town(b, "Elmwood", feature="town", admin1="South")
    _town(b, "Lakeside", feature="city", admin1="North")
    assert run([b.article])["events"][0]["places"][0] == "GPE:Elmwood"  # written with its state: a town there


def test_a_word_capitalised_only_in_an_agency_name_and_at_sentence_starts_is_common():
    # "Police" is capitalised in "Lakeside Police" and at a sentence's start, written in lower case as often
    a = Builder(
        "a",
        [
            "Lakeside Police officers said a man was shot on Friday.",
            "Police said the man was hurt, police said.",
            "Anyone who saw it should call Lakeside Police, police said.",
        ],
    )
    _town(a, "Lakeside", feature="village")
    _town(a, "Police", feature="city")
    assert scene_of(a) == "GPE:Lakeside"


def test_a_city_named_for_its_metropolitan_area_yields_to_its_suburb():
    a = Builder(
        "a",
        [
            "Two men were shot at a party in the Lakeside suburb of Elmwood on Friday.",
            "It was the third shooting in suburban Lakeside this year.",
        ],
    )
    _town(a, "Elmwood", feature="town")
    _town(a, "Lakeside", feature="city")
    assert scene_of(a) == "GPE:Elmwood"
    b = Builder("b", ["Two men were shot at a party in Lakeside on Friday, Elmwood police said."])
    _town(b, "Elmwood", feature="town")
    _town(b, "Lakeside", feature="city")
    assert run([b.article])["events"][0]["places"][0] == "GPE:Lakeside"


def test_an_unplaced_town_the_shooting_is_reported_in_outranks_the_state():
    a = Builder(
        "a",
        [
            "A man was shot and killed in Smallwood on Friday, Newland state police said.",
            "Newland troopers are investigating.",
        ],
    )
    a.entity("Smallwood")  # the gazetteer lacks it
    a.entity("Newland", precision=3, admin1="Newland")
    a.article.entities[-1].place.feature = "state"
    assert scene_of(a) == "GPE:Smallwood"
    b = Builder("b", ["A man was shot and killed in Northeast Smallwood on Friday, Newland state police said."])
    b.entity("Northeast Smallwood")  # a quarter of a town, not a town
    b.entity("Newland", precision=3, admin1="Newland")
    b.article.entities[-1].place.feature = "state"
    assert run([b.article])["events"][0]["places"][0] == "GPE:Newland"


def test_a_city_size_part_of_a_city_named_in_the_events_sentences_stays(monkeypatch):
    from newsdesk.reconcile import place_context

    monkeypatch.setattr(
        place_context, "districts", lambda candidates, located, settings: {"GPE:Harbor": "GPE:Lakeside"}
    )
    a = Builder("a", ["A man was shot and killed in Harbor on Friday.", "Lakeside police are investigating."])
    _town(a, "Harbor", feature="city")
    _town(a, "Lakeside", feature="city")
    assert scene_of(a) == "GPE:Harbor"
    a.article.entities[0].place.feature = "town"  # a smaller part: the city stands for it
    assert scene_of(a) == "GPE:Lakeside"


def test_each_event_of_a_story_ranks_the_towns_its_own_sentences_name_first():
    # the story's mentions are read once; each event counts those inside its own sentences
    a = Builder(
        "a",
        [
            "A man was shot dead in Lakeside on Friday.",
            "Hundreds of protesters marched in Harbor on Saturday against the violence.",
            "The weather was mild.",
            "Schools stay open.",
            "Lakeside officials thanked the volunteers.",
        ],
    )  # the story names Lakeside more
    _town(a, "Lakeside")
    _town(a, "Harbor")
    found = run([a.article])["events"]
    first = {event["type"]: event["places"][0] for event in found}
    assert first == {"Violence against civilians": "GPE:Lakeside", "Protests": "GPE:Harbor"}


def test_a_story_is_read_with_the_profile_most_of_its_placed_articles_were_read_with():
    from newsdesk.reconcile.place_context import story_profile

    def article(profile, placed):
        b = Builder(profile + str(placed), ["A man was shot in Lakeside on Friday."])
        if placed:
            _town(b, "Lakeside")
        b.article.metadata["places_profile"] = profile
        return b.article

    assert story_profile([]).name == "world"
    assert story_profile([article("us_local", True), article("world", False)]).name == "us_local"
    # an article naming no place tells nothing (a login wall): the placed ones decide
    assert story_profile([article("world", True), article("us_local", False), article("us_local", False)]).name == (
        "world"
    )
    assert story_profile([article("world", True), article("us_local", True)]).name == "us_local"  # a tie
    assert story_profile([article("us_local", False)]).name == "us_local"  # a user's choice reads all so


def test_shot_reports_one_hurt_only_in_us_local_news():
    a = Builder("a", ["A teenager was shot in the leg on Friday, police said."])
    [event] = run([a.article])["events"]
    assert event["injured"]["min"] is None  # world news: "shot" says nothing of the outcome
    a.article.metadata["places_profile"] = "us_local"
    [event] = run([a.article])["events"]
    assert event["injured"]["min"] == 1


def test_actors_are_sides_of_the_event_not_nationalities_allies_or_deniers():
    a = Builder(
        "a",
        [
            "Fighters of the Northern Front clashed with the Malian army in Kidal on Monday, killing 12 soldiers.",
            "The Northern Front, aligned with the Eastern Alliance, kept fighting in Kidal.",
            "The Eastern Alliance denied taking part in the fighting in Kidal.",
            "Malian security forces responded to the fighting in Kidal within hours.",
        ],
    )
    a.entity("Kidal", precision=1)
    a.entity("Northern Front", type="ORG")
    a.entity("Eastern Alliance", type="ORG")
    a.entity("Malian", type="NORP")
    a.quantity("12 soldiers", "killed", 12, 12)
    a.claim("The Eastern Alliance denied taking part in the fighting in Kidal", "The Eastern Alliance", polarity="deny")
    [battle] = [e for e in run([a.article])["events"] if e["type"] == "Battles"]
    assert battle["sides"] == {"ORG:Northern Front": 1, "Military Forces of Mali": 2, "Police Forces of Mali": 2}
    assert battle["actors"][0] == "ORG:Northern Front"  # the side that acted first, then the side acted against
    row = acled_row(Event.from_dict(battle), {"ORG:Northern Front": "Northern Front"}, {}, [])
    assert (row["actor1"], row["actor2"]) == ("Northern Front", "Military Forces of Mali")


def test_an_organisation_that_only_speaks_of_the_event_is_a_source_not_a_side():
    a = Builder("a", ["Lakeside Police said a man was shot and killed in Lakeside on Friday."])
    a.entity("Lakeside", precision=1)
    a.entity("Lakeside Police", type="ORG")
    a.article.claims.append(
        Claim(
            id="a-c0",
            span=a.span("Lakeside Police said a man was shot and killed in Lakeside on Friday"),
            content="a man was shot and killed in Lakeside on Friday",
            speaker_text="Lakeside Police",
            speaker_span=a.span("Lakeside Police"),
            polarity="assert",
            cue="said",
        )
    )
    [event] = run([a.article])["events"]
    assert event["sides"] == {"ORG:Lakeside Police": 0} and event["actors"] == ["ORG:Lakeside Police"]


def test_cue_words_on_a_continued_line_of_the_vocabulary_are_read():
    # "incursions?" and "massacre" begin a continued line of their patterns in vocabulary.toml
    assert event_type("Fighters staged an armed incursion across the border.") == ("Battles", "Armed clash")
    assert event_type("Villagers described the massacre.") == ("Violence against civilians", "Attack")


def _region(builder, name, admin1="North"):
    builder.entity(name, "GPE", precision=3, admin1=admin1)
    builder.article.entities[-1].place.feature = "region"


@pytest.mark.parametrize(
    "role, text",
    [
        (
            "caption",
            "Fighters pose on a truck in Lakeside, Northland, in this photo released on Monday. (Group via Wire)",
        ),
        ("related", "Fighting reaches Lakeside as rebels advance"),
        ("credit", "(With information from the Lakeside Herald)"),
    ],
)
def test_a_place_named_only_in_a_caption_a_link_list_or_a_credit_does_not_place_the_event(role, text):
    a = Builder("a", ["Rebels attacked the Northland region on Monday, killing 5 soldiers, the army said.", text])
    a.article.paragraphs[1].role = role
    a.quantity("5 soldiers", "killed", 5, 5)
    _region(a, "Northland")
    _town(a, "Lakeside", feature="village")
    [event] = run([a.article])["events"]
    assert (event["location"]["name"], event["location"]["precision"]) == ("Northland", 3)
    assert "GPE:Lakeside" not in event["places"]


def test_a_report_at_its_regions_level_among_several_of_its_villages_is_at_region_precision():
    lede = "Rebels attacked the Northland region on Monday, killing 5 soldiers, the army said."

    def located(evacuated_from, *villages):
        a = Builder("a", [lede, f"About a hundred people were evacuated from {evacuated_from}, officials said."])
        a.quantity("5 soldiers", "killed", 5, 5)
        _region(a, "Northland")
        for village in villages:
            _town(a, village, feature="village")
        location = run([a.article])["events"][0]["location"]
        return location["name"], location["precision"]

    # nothing says at which of the two villages the attack was: the region
    assert located("Lakeside and Millbrook", "Lakeside", "Millbrook") == ("Northland", 3)
    # one village alone, as in a dateline, stands for the report
    assert located("Lakeside", "Lakeside") == ("Lakeside", 1)
