"""Datelines of the wires: place, day and credit, in several languages; what is not a dateline."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk import vocabulary
from newsdesk.extract.datelines import dateline_of, read
from newsdesk.model import Article, Paragraph

PUBLISHED = dt.date(2023, 6, 4)


@pytest.mark.parametrize(
    "text, place, day, credit",
    [
        ("KYIV, June 3 (Reuters) - Russian forces shelled the city.", "KYIV", "2023-06-03", "Reuters"),
        ("Moscow, 23 May (EFE).- Two people were wounded.", "Moscow", "2023-05-23", "EFE"),
        ("BEIRUT (AP) — An Israeli strike hit a building.", "BEIRUT", None, "AP"),
        ("PARIS, 3 juin (AFP) - Le président a parlé.", "PARIS", "2023-06-03", "AFP"),
        ("Moscú, 23 may (EFE).- Dos personas resultaron heridas.", "Moscú", "2023-05-23", "EFE"),
        ("BERLIN, 3. Juni (dpa) - Die Regierung hat entschieden.", "BERLIN", "2023-06-03", "dpa"),
        ("BEIJING, June 3 (Xinhua) -- China said on Saturday.", "BEIJING", "2023-06-03", "Xinhua"),
        ("MOSCOW, May 23. /TASS/. The Russian Defense Ministry said.", "MOSCOW", "2023-05-23", "TASS"),
        ("(ANSA) - ROME, June 3 - Italy's government said.", "ROME", "2023-06-03", "ANSA"),
        ("Kyiv, June 3, 2022 (Ukrinform) - Russian troops shelled.", "Kyiv", "2022-06-03", "Ukrinform"),
        ("Rio de Janeiro, 2 de junio (EFE).- Las lluvias.", "Rio de Janeiro", "2023-06-02", "EFE"),
        (
            "SAN SALVADOR, 7 JAN 90 (RADIO VENCEREMOS) -- [TEXT] THE ARMY.",
            "SAN SALVADOR",
            "1990-01-07",
            "RADIO VENCEREMOS",
        ),
        ("RENO, Nev. — A man was shot.", "RENO", None, None),
    ],
)
def test_wire_datelines_are_read(text, place, day, credit):
    line = read(text, PUBLISHED)
    assert (line.place, line.date, line.credit) == (place, day, credit)
    assert text[line.place_span.start : line.place_span.end] == place
    assert text[line.span.end :].startswith(" ")


@pytest.mark.parametrize(
    "text",
    [
        "Police said the man - who was 23 - fled.",
        "The governor said: we will rebuild.",
        "UPDATE: the road is open.",
        "By Jane Doe (Reuters) - a byline",
        "Kharkiv. Russian troops advanced.",
        "MIAMI — a label or a town, unsure",
        "June 3 (Reuters) - no place",
        "",
        "   ",
        "(Reuters) -",
    ],
)
def test_other_openings_are_not_datelines(text):
    assert read(text, PUBLISHED) is None


def test_a_day_without_publication_stays_unresolved_but_the_place_is_read():
    line = read("KYIV, June 3 (Reuters) - Russian forces", None)
    assert (line.place, line.date, line.date_text) == ("KYIV", None, "June 3")


def test_the_dateline_is_found_after_a_byline_paragraph():
    article = Article(
        id="a",
        title="T",
        published="2023-06-04",
        paragraphs=[
            Paragraph(0, "By Jane Doe", "By Jane Doe"),
            Paragraph(1, "KYIV, June 3 (Reuters) - Shelling hit the city.", ""),
        ],
    )
    line = dateline_of(article)
    assert line.place_span.paragraph == 1 and line.credit == "Reuters"


MONTHS = [
    (lang, number, name)
    for lang, months in vocabulary.load()["months"].items()
    for number, names in enumerate(months, start=1)
    for name in names
]
places = st.sampled_from(["KYIV", "Moscow", "BEIRUT", "Port-au-Prince", "NEW DELHI", "Rio de Janeiro", "Lviv"])
credits = st.sampled_from(["Reuters", "AP", "AFP", "EFE", "dpa", "Xinhua", "Ukrinform", "ANSA"])


@given(
    places,
    credits,
    st.sampled_from(MONTHS),
    st.integers(1, 28),
    st.booleans(),
    st.sampled_from([" -", " —", " --", ".-"]),
)
def test_a_written_dateline_reads_back(place, credit, month, day, day_first, separator):
    _, number, name = month
    written = f"{day} {name}" if day_first else f"{name.capitalize()} {day}"
    text = f"{place}, {written} ({credit}){separator} The report begins here."
    line = read(text, PUBLISHED)
    assert (line.place, line.credit) == (place, credit)
    value = dt.date.fromisoformat(line.date)
    assert (value.month, value.day) == (number, day)
    assert -62 <= (PUBLISHED - value).days < 366 - 62  # within [dates] future_days ahead, else the year before


@given(st.text(max_size=120), st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2090, 12, 31))))
def test_any_text_reads_without_error_and_spans_lie_inside_it(text, published):
    line = read(text, published)
    if line is not None:
        assert text[line.place_span.start : line.place_span.end] == line.place
        assert line.span.start <= line.place_span.start and line.place_span.end <= line.span.end <= len(text)
        assert line.date is None or dt.date.fromisoformat(line.date)
